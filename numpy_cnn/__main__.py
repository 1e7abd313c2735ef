"""Read the digit in image files:  python -m numpy_cnn predict IMAGE... [--weights PATH]

Each image (a photo, a scan or a drawing of one digit; dark on light or light on dark; any size)
goes through the same preprocessing as the drawing app, numpy_cnn.preprocess.to_mnist, which
makes it look like an MNIST digit; the network then reads it:

    $ python -m numpy_cnn predict seven.png
    seven.png: 7 (99.8%)   top 3: 7 99.8%, 2 0.1%, 1 0.0%

A file that cannot be read, or holds no digit, gets a one-line error; the exit code is then 1.
Training and evaluation have their own commands: python -m numpy_cnn.train, numpy_cnn.evaluate.
"""
import argparse
import sys

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .evaluate import DEFAULT_WEIGHTS, resolve_weights
from .preprocess import EmptyImageError, to_mnist
from .storage import WeightsError, load_digit_model


def read_digit(path):
    """Inputs:  path -- an image file Pillow can open.
    Returns: (28, 28) float32 in [0, 1], MNIST-like (see numpy_cnn.preprocess.to_mnist).
    Raises:  OSError (unreadable, not an image), EmptyImageError (no ink), ValueError.

    A phone photo is often stored sideways with an EXIF note saying how to turn it upright:
    exif_transpose applies it, so the digit is read the way it is seen.
    """
    with Image.open(path) as image:
        return to_mnist(ImageOps.exif_transpose(image))


def format_prediction(name, probabilities, top=3):
    """One line: the name, the digit read, its probability, and the `top` most likely digits."""
    order = np.argsort(-probabilities, kind="stable")[:top]
    best = order[0]
    ranking = ", ".join(f"{d} {probabilities[d]:.1%}" for d in order)
    return f"{name}: {best} ({probabilities[best]:.1%})   top {len(order)}: {ranking}"


def predict(args):
    """Read and classify every image of args.images. Returns the exit code."""
    try:
        model = load_digit_model(resolve_weights(args.weights))
    except WeightsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    failures = 0
    for path in args.images:
        try:
            digit = read_digit(path)
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            # OSError covers missing files and non-images; EmptyImageError is a ValueError.
            print(f"error: {path}: {describe(error)}", file=sys.stderr)
            failures += 1
            continue
        print(format_prediction(path, model.predict_proba(digit)[0], args.top))
    return 1 if failures else 0


def describe(error):
    """A short, readable reason for a failed image."""
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "is a directory, not an image"
    if isinstance(error, UnidentifiedImageError):
        return "not an image file Pillow can read"
    if isinstance(error, EmptyImageError):
        return "no digit found: the image is blank"
    return str(error)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m numpy_cnn",
                                     description="Read handwritten digits with the NumPy CNN.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    reader = commands.add_parser("predict", help="read the digit in image files",
                                 description="Read the digit in each image file.")
    reader.add_argument("images", nargs="+", metavar="IMAGE", help="image files (PNG, JPEG, ...)")
    reader.add_argument("--weights", default=DEFAULT_WEIGHTS, metavar="PATH",
                        help=f"weights file (default: {DEFAULT_WEIGHTS})")
    reader.add_argument("--top", type=int, default=3, metavar="K",
                        help="how many likely digits to list (default 3)")
    args = parser.parse_args(argv)
    if not 1 <= args.top <= 10:
        reader.error("--top must be between 1 and 10")
    return predict(args)


if __name__ == "__main__":
    sys.exit(main())
