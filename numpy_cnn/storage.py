"""Saving and loading weights as one .npz file that alone rebuilds the model.

The file holds one array per parameter under its dotted name ("conv1.W", ...) and an array
"__meta__": a plain unicode string of JSON with the format name, its version, the dtype and the
architecture. Nothing is pickled, and loading refuses pickles (allow_pickle=False), so opening a
weights file can never run code.
"""
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .model import from_architecture

FORMAT = "numpy-cnn-weights"
VERSION = 1
DTYPES = ("float32", "float64")
DIGIT_INPUT, DIGIT_CLASSES = (28, 28, 1), 10      # what a network that reads MNIST takes and gives


class WeightsError(ValueError):
    """A weights file that cannot be used: the message says which file and why."""


def atomic_write(path, write, replace=True):
    """Write a file via a temporary file in the same folder, then rename it over path.

    write: called with the temporary file, open for writing bytes. os.replace is atomic, so a
    crash leaves either the old file or the new one, never half of one.
    replace=False: never replace an existing file. The finished file is hard-linked to path
    instead of renamed (os.link, atomic too, fails if path exists), then its temporary name
    removed.
    Raises: OSError naming `path` (not the temporary file) if it cannot be written; with
            replace=False, FileExistsError if path exists.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OSError(error.errno, f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)   # mkstemp makes the file private; weights are for everyone to read
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
            os.unlink(tmp)
    except BaseException as error:
        os.unlink(tmp)
        if isinstance(error, OSError):
            raise OSError(error.errno, f"cannot write {path}: {error.strerror}") from None
        raise


def folder_problem(folder):
    """Why files cannot be written into `folder` (created if need be), or None if they can.

    Nothing is created: the nearest folder that exists is found, and a temporary file made and
    removed there. Returns: None, or a reason naming the folder, e.g. "/proc/1 is not writable
    (No such file or directory)"."""
    folder = Path(folder)
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, not a folder"
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        return f"the folder {existing} is not writable ({error.strerror})"
    return None


def atomic_savez(path, arrays):
    """Write arrays to path as .npz, atomically (see atomic_write)."""
    atomic_write(path, lambda f: np.savez(f, **arrays))


def save(model, path, extra_meta=None):
    """Save model's parameters and architecture to path (.npz), atomically."""
    meta = {"format": FORMAT, "version": VERSION, "dtype": str(model.dtype),
            "architecture": model.architecture(), **(extra_meta or {})}
    arrays = {"__meta__": np.array(json.dumps(meta))}
    arrays.update(model.params)
    atomic_savez(path, arrays)


def read_npz(path):
    """Every array of an .npz file as a dict, refusing pickles; WeightsError on any problem."""
    path = Path(path)
    if path.is_dir():
        raise WeightsError(f"{path}: is a folder, not a weights file")
    if not path.is_file():
        raise WeightsError(f"{path}: {why_not_a_file(path)}")
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic[:1] == b"\x80":    # how every pickle since protocol 2 starts
        raise WeightsError(f"{path}: contains pickled data, which is never loaded")
    if magic != b"PK\x03\x04":  # how every zip archive (and so every .npz) starts
        raise WeightsError(f"{path}: not a readable .npz file (it does not start like a zip archive)")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except ValueError as e:  # numpy's refusal of object arrays, or a malformed array header
        if "pickle" in str(e):
            raise WeightsError(f"{path}: contains pickled data, which is never loaded") from e
        raise WeightsError(f"{path}: corrupt array in the file ({e})") from e
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as e:
        raise WeightsError(f"{path}: not a readable .npz file, corrupt or truncated ({e})") from e


def why_not_a_file(path):
    """Why a path that is not a folder is not a regular file one can read, in a few words:
    "file not found", "a symbolic link that leads nowhere (or to itself)", "not a regular
    file (a device, a pipe, ...)". Opening a pipe without a writer would wait for ever."""
    if not os.path.lexists(path):
        return "file not found"
    if not os.path.exists(path):
        return "a symbolic link that leads nowhere (or round in a loop)"
    return "not a regular file (a device, a pipe or a socket): give a weights file (.npz)"


def read_meta(path, arrays):
    """The JSON metadata of a weights file, checked for format and version."""
    if "__meta__" not in arrays:
        raise WeightsError(f"{path}: no __meta__ entry, not a numpy-cnn weights file")
    try:
        meta = json.loads(str(arrays["__meta__"][()]))
    except (json.JSONDecodeError, TypeError) as e:
        raise WeightsError(f"{path}: unreadable __meta__ ({e})") from e
    if not isinstance(meta, dict):
        raise WeightsError(f"{path}: not a numpy-cnn weights file (its __meta__ is a "
                           f"{type(meta).__name__}, not a JSON object)")
    if meta.get("format") != FORMAT:
        raise WeightsError(f"{path}: not a numpy-cnn weights file (format {meta.get('format')!r})")
    if meta.get("version") != VERSION:
        raise WeightsError(f"{path}: weights format version {meta.get('version')}, "
                           f"this numpy-cnn reads version {VERSION}")
    return meta


def copy_weights(model, arrays, path):
    """Copy matching arrays into model's parameters, after checking every name, shape and dtype."""
    params = model.params
    missing = sorted(set(params) - set(arrays))
    unexpected = sorted(set(arrays) - set(params) - {"__meta__"})
    if missing or unexpected:
        raise WeightsError(f"{path}: weights do not fit the model: missing {missing}, "
                           f"unexpected {unexpected}")
    for name, p in params.items():
        a = arrays[name]
        if a.shape != p.shape:
            raise WeightsError(f"{path}: {name} has shape {a.shape}, the model needs {p.shape}")
        if a.dtype != p.dtype:
            raise WeightsError(f"{path}: {name} has dtype {a.dtype}, the model needs {p.dtype}")
        if not np.all(np.isfinite(a)):
            raise WeightsError(f"{path}: {name} contains NaN or infinite values")
    for name, p in params.items():
        p[...] = arrays[name]


def load(path, expect_architecture=None):
    """Rebuild the model saved in path. Raises WeightsError naming the problem if it can't.

    Inputs:
    - path: .npz file written by save()
    - expect_architecture: optional architecture dict (Sequential.architecture()); a file that
      holds a different network is refused.
    """
    arrays = read_npz(path)
    meta = read_meta(path, arrays)
    arch = meta.get("architecture")
    if expect_architecture is not None and arch != expect_architecture:
        raise WeightsError(f"{path}: holds a different network architecture than expected")
    if meta.get("dtype") not in DTYPES:
        raise WeightsError(f"{path}: dtype {meta.get('dtype')!r}, expected one of {DTYPES}")
    try:   # checks the shapes chain and the sizes are bounded before allocating anything
        model = from_architecture(arch, dtype=np.dtype(meta["dtype"]))
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise WeightsError(f"{path}: cannot rebuild the network from its architecture ({e})") from e
    copy_weights(model, arrays, path)
    return model


def load_digit_model(path):
    """load(path), for a network that must read MNIST digits: (28, 28, 1) images in, 10 classes
    out. Raises WeightsError in one line if the file holds any other network."""
    model = load(path)
    shape_in, shape_out = tuple(model.input_shape), model.output_shape
    if shape_in != DIGIT_INPUT or shape_out != (DIGIT_CLASSES,):
        raise WeightsError(f"{path}: this network reads {'x'.join(map(str, shape_in))} images into "
                           f"{'x'.join(map(str, shape_out))} classes; reading digits needs "
                           f"28x28x1 images in and {DIGIT_CLASSES} classes out")
    return model
