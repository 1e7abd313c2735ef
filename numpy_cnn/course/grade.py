"""Grade one exercise of a course copy, in this process: python -m numpy_cnn.course.grade DIR NAME

Run by `numpy-cnn course check` in a subprocess with a timeout (an endless loop is stopped there).
The last line of stdout is RESULT followed by JSON {"status": ..., "line": ...}: status one of
"done", "wrong", "not started", line what `check` prints after the exercise's name; the student's own prints come before it and are not shown.

While the student's files run, numpy_cnn is closed to them except numpy_cnn.data (load_mnist):
the course's code is theirs and NumPy's, never numpy_cnn's layers, model, optimizers or references.
"""
import importlib
import importlib.abc
import json
import sys
import traceback
from pathlib import Path

import numpy as np

from numpy_cnn.data import load_mnist

from . import BY_NAME
from .checks import CHECKS, Case, Wrong

RESULT = "RESULT "
ALLOWED = ("numpy_cnn", "numpy_cnn.data", "numpy_cnn.paths")


class NumpyCnnClosed(importlib.abc.MetaPathFinder):
    """Refuses to import any numpy_cnn module but ALLOWED."""

    def find_spec(self, name, path=None, target=None):
        if name.startswith("numpy_cnn.") and name not in ALLOWED:
            raise ImportError(f"{name} is closed to the course's files: write it with NumPy and "
                              f"your own earlier files (numpy_cnn.data.load_mnist is allowed)")
        return None


def close_numpy_cnn():
    """Forget every numpy_cnn module but ALLOWED (the checks keep what they took from them) and
    refuse to import them again."""
    for name in list(sys.modules):
        if name.startswith("numpy_cnn.") and name not in ALLOWED:
            del sys.modules[name]
    package = sys.modules["numpy_cnn"]
    for attribute in list(vars(package)):
        if not attribute.startswith("__") and f"numpy_cnn.{attribute}" not in ALLOWED:
            delattr(package, attribute)
    sys.meta_path.insert(0, NumpyCnnClosed())


def where(error, folder):
    """'file.py:line' of the innermost frame of error's traceback in the student's folder (the
    file and line of a SyntaxError), or None."""
    if isinstance(error, SyntaxError) and error.filename and Path(error.filename).parent == folder:
        return f"{Path(error.filename).name}:{error.lineno}"
    inside = [frame for frame in traceback.extract_tb(error.__traceback__)
              if Path(frame.filename).resolve().parent == folder]
    return f"{Path(inside[-1].filename).name}:{inside[-1].lineno}" if inside else None


def describe(error, folder, exercise):
    """(status, detail) of an exception raised by the student's code."""
    place = where(error, folder)
    if isinstance(error, NotImplementedError) and place:
        file = place.split(":")[0]
        if file == exercise.file:
            return "not started", f"({place})"
        earlier = next((e.name for e in BY_NAME.values() if e.file == file), file)
        return "not started", f"needs {earlier} first ({place})"
    message = error.msg if isinstance(error, SyntaxError) else str(error)   # without its place
    text = f"{type(error).__name__}: {message}".splitlines()[0] if message else type(error).__name__
    return "wrong", text + (f" ({place})" if place else "") + (f", on {Case.text}"
                                                                if Case.text else "")


def grade(folder, name):
    """(status, detail) of exercise `name` in the course copy `folder`."""
    folder = Path(folder).resolve()
    exercise = BY_NAME[name]
    if not (folder / exercise.file).is_file():
        return "not started", (f"{exercise.file} is missing (numpy-cnn course start "
                               f"{folder} writes it again)")
    arguments = [np.random.default_rng(list(BY_NAME).index(name))]
    if name == "train":
        try:
            arguments.append(load_mnist())
        except Exception as error:                  # not the student's fault: say what it is
            return "wrong", f"cannot load MNIST to check it: {error}"
    close_numpy_cnn()
    sys.path.insert(0, str(folder))
    try:
        module = importlib.import_module(exercise.file[:-3])
        CHECKS[name](module, *arguments)
    except Wrong as wrong:
        return "wrong", str(wrong)
    except (Exception, SystemExit) as error:
        return describe(error, folder, exercise)
    return "done", ""


def main(argv=None):
    folder, name = sys.argv[1:] if argv is None else argv
    status, detail = grade(folder, name)
    line = status if not detail else f"{status}{' ' if detail.startswith('(') else ': '}{detail}"
    sys.stdout.flush()
    print("\n" + RESULT + json.dumps({"status": status, "line": line}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
