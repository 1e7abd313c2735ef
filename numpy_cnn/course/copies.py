"""Write a student's copy (answers blank) or a teacher's copy (answered) of the course.

The answered files live in exercises/. In a student's copy each block

        # BEGIN SOLUTION relu_forward
        return np.maximum(x, 0)
        # END SOLUTION

becomes, at the same indentation,

        raise NotImplementedError("relu_forward: yours to write")

A copy is marked by a file MARKER holding its kind ("student" or "solutions"). start never
overwrites a file: into an existing copy of the same kind it writes only the missing files.
"""
import os
from pathlib import Path

from . import EXERCISES

SOURCE = Path(__file__).resolve().parent / "exercises"
MARKER = ".numpy-cnn-course"
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"


class CopyError(Exception):
    """A copy that cannot be written; the message is the one line shown to the user."""


def blank_solutions(text):
    """The student's version of an answered file: each marked block replaced by a raise."""
    out, inside = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            indent = line[:len(line) - len(line.lstrip())]
            what = stripped[len(BEGIN):].strip() or "this"
            out.append(f'{indent}raise NotImplementedError("{what}: yours to write")\n')
            inside = True
        elif stripped.startswith(END):
            inside = False
        elif not inside:
            out.append(line)
    return "".join(out)


def course_files(solutions):
    """{file name: text} of a copy: README.md and every exercise, answered or blank."""
    files = {"README.md": (SOURCE / "README.md").read_text(encoding="utf-8")}
    for exercise in EXERCISES:
        text = (SOURCE / exercise.file).read_text(encoding="utf-8")
        files[exercise.file] = text if solutions else blank_solutions(text)
    return files


def kind_of(folder):
    """"student" or "solutions" for a course copy, None for any other folder."""
    marker = Path(folder) / MARKER
    return marker.read_text(encoding="utf-8").strip() if marker.is_file() else None


def write_copy(folder, solutions=False):
    """Write the course into folder. Returns (files written, files kept as they were).
    Raises CopyError for a file, a non-empty folder that is no course copy, or a copy of the
    other kind."""
    folder = Path(folder)
    kind = "solutions" if solutions else "student"
    if folder.exists() and not folder.is_dir():
        raise CopyError(f"{folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        found = kind_of(folder)
        if found is None:
            raise CopyError(f"{folder} is not empty and is not a course copy: choose a new or "
                            f"empty folder")
        if found != kind:
            raise CopyError(f"{folder} is a {found} copy of the course: put the {kind} copy in "
                            f"a folder of its own")
    folder.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for name, text in {MARKER: kind + "\n", **course_files(solutions)}.items():
        target = folder / name
        if target.exists():
            kept.append(name)
            continue
        temporary = target.with_name(f".{name}.tmp-{os.getpid()}")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
        written.append(name)
    return written, kept
