"""A folder of labelled digits, laid out the way torchvision's ImageFolder reads a dataset:

    my_digits/
        0/   20250601-101500.png  20250601-101512.png ...
        1/   ...
        ...
        9/   ...

one subfolder per digit, named by the digit, holding image files of that digit (PNG, JPEG, BMP,
GIF, TIFF, WebP, PPM/PGM; any size, dark on light or light on dark). The app keeps the digits the
user corrected this way, in numpy_cnn.paths.my_digits_dir(), and `numpy-cnn train --extra DIR`
reads any folder laid out like it.

- save_digit: write one drawing into its digit's subfolder, atomically, under a new name: an
  earlier drawing is never overwritten.
- digit_files, count_digits: what a folder holds, without opening the images.
- read_digit_folder: every image read as the app reads a drawing
  (numpy_cnn.__main__.read_digit: numpy_cnn.preprocess.to_mnist), ready to train on. An image
  that cannot be read is named and skipped; a folder without a single digit image is an error.

Names beginning with "." (hidden files, and the temporary files of a write in progress) and
files with other extensions (a README, notes) are not digits and are passed over; so is a
subfolder not named 0 to 9, which read_digit_folder mentions.
"""
import io
import re
import sys
import time
from pathlib import Path

import numpy as np

from .storage import atomic_write

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm",
                    ".pgm")
DIGITS = tuple(str(d) for d in range(10))


class DigitFolderError(ValueError):
    """A folder that cannot be read as labelled digits; the message names it and says why."""


def digit_files(folder):
    """Inputs:  folder -- a folder laid out as the module docstring shows.
    Returns: [(path, digit), ...], by digit then by file name, numbers in names compared as
             numbers (see name_order); [] if the folder does not exist.
    """
    folder = Path(folder)
    return [(path, int(digit)) for digit in DIGITS if (folder / digit).is_dir()
            for path in sorted((folder / digit).iterdir(), key=name_order)
            if is_digit_image(path)]


def name_order(path):
    """Sort key: the file's name with its runs of digits read as numbers, so that the saves of
    one second come in the order they were made (20250601-101500, then -2, -3, ..., -10) rather
    than as text orders them (-10 before -2, both before the first). Training on a folder then
    sees its images in the same order however the saves fell across seconds."""
    parts = re.split(r"(\d+)", path.stem)
    return [int(part) if i % 2 else part for i, part in enumerate(parts)], path.suffix


def is_digit_image(path):
    """True for a visible file with one of IMAGE_EXTENSIONS."""
    return (path.suffix.lower() in IMAGE_EXTENSIONS and not path.name.startswith(".")
            and path.is_file())


def count_digits(folder):
    """Returns: (10,) int64, how many images each digit's subfolder holds (0 where none)."""
    counts = np.zeros(10, np.int64)
    for _, digit in digit_files(folder):
        counts[digit] += 1
    return counts


def save_digit(image, digit, folder):
    """Save a drawing as a PNG in folder/<digit>/, named by the time it was saved.

    Inputs:  image -- a PIL image (the app's canvas); digit -- 0..9; folder -- the digits' folder.
    Returns: the Path written, e.g. folder/7/20250601-101500.png (-2, -3, ... added to a name
             that is taken: nothing is ever overwritten, even by two saves in the same second).
    Raises:  OSError naming the file if it cannot be written.
    """
    if digit not in range(10):
        raise ValueError(f"a digit is 0 to 9, not {digit!r}")
    png = io.BytesIO()
    image.save(png, format="PNG")
    stamp, n = time.strftime("%Y%m%d-%H%M%S"), 1
    while True:
        path = Path(folder) / str(digit) / (f"{stamp}.png" if n == 1 else f"{stamp}-{n}.png")
        try:
            atomic_write(path, lambda f: f.write(png.getvalue()), replace=False)
            return path
        except FileExistsError:
            n += 1


def read_digit_folder(folder, note=None):
    """Read every digit image of a folder as the network's input.

    Inputs:  folder -- laid out as the module docstring shows;
             note -- called with one line about each file skipped, or anything odd (default:
                     printed on stderr).
    Returns: images (M, 28, 28) uint8, MNIST-like (white on black, centred); labels (M,) int64.
    Raises:  DigitFolderError if the folder does not exist or not one image in it can be read.
    """
    # Imported here: numpy_cnn.__main__ is the command line, which imports half the package.
    from .__main__ import describe, read_digit
    if note is None:
        note = lambda text: print(text, file=sys.stderr)            # noqa: E731
    folder = Path(folder)
    if not folder.is_dir():
        raise DigitFolderError(f"{folder}: no such folder")
    others = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name not in DIGITS
                    and not p.name.startswith("."))
    if others:
        note(f"note: {folder}: only the subfolders 0 to 9 are read, not {', '.join(others)}")
    files = digit_files(folder)
    if not files:
        raise DigitFolderError(f"{folder}: no digit images in it (expected subfolders 0 to 9 "
                               f"holding image files, e.g. {Path(folder) / '7' / 'seven.png'})")
    images, labels = [], []
    for path, digit in files:
        try:
            x = read_digit(path, note=lambda text: note(f"note: {path}: {text}"))
        except (OSError, ValueError) as error:
            note(f"skipped {path}: {describe(error)}")
            continue
        images.append(np.round(x * 255).astype(np.uint8))
        labels.append(digit)
    if not images:
        raise DigitFolderError(f"{folder}: none of its {len(files)} images could be read")
    return np.stack(images), np.array(labels, np.int64)
