"""The numpy-cnn command:  numpy-cnn COMMAND [options]   (the same: python -m numpy_cnn COMMAND)

    numpy-cnn train      train the network on MNIST (each run in a folder of its own)
    numpy-cnn evaluate   accuracy on the MNIST test set, per class, confusion matrix, mistakes
    numpy-cnn predict    read the digit in image files
    numpy-cnn explain    why the network read that digit: a figure per image
    numpy-cnn draw       open the drawing app
    numpy-cnn serve      serve the drawing app as a web page (pip install -e ".[web]")
    numpy-cnn data       check or download the MNIST files
    numpy-cnn course     build a CNN yourself: course start DIR, course check DIR

`numpy-cnn COMMAND --help` describes each command's options. Each is also a module of its own:
python -m numpy_cnn.train, numpy_cnn.evaluate, numpy_cnn.gui and numpy_cnn.data.

predict, whose code is here: each image (a photo, a scan or a drawing of one digit; dark on
light or light on dark; any size) goes through the same preprocessing as the drawing app,
numpy_cnn.preprocess.to_mnist, which makes it look like an MNIST digit; the network then reads it:

    $ numpy-cnn predict seven.png
    seven.png: 7 (99.8%)   top 3: 7 99.8%, 2 0.1%, 1 0.0%

A drawing that does not look like a digit (a plus sign, a smiley, a scribble: see
numpy_cnn.notdigit) is named as such, with the digits it resembles most:

    plus.png: not a digit   top 3: 7 12.3%, 8 12.2%, 4 10.4%

A file that cannot be read, or holds no digit, gets a one-line error; the exit code is then 1.
IMAGE "-" is read from standard input (`cat seven.png | numpy-cnn predict -`).
"""
import argparse
import importlib
import io
import os
import stat
import sys
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .evaluate import DEFAULT_WEIGHTS, resolve_weights
from .notdigit import answer
from .preprocess import EmptyImageError, to_mnist
from .storage import WeightsError, load_digit_model

# The subcommands: name -> ("module:function" called with the rest of the command line, help).
COMMANDS = {
    "train": ("numpy_cnn.train:main", "train the network on MNIST (each run in a folder of its own)"),
    "evaluate": ("numpy_cnn.evaluate:main", "accuracy on the MNIST test set, per class, mistakes"),
    "predict": ("numpy_cnn.__main__:predict_main", "read the digit in image files"),
    "explain": ("numpy_cnn.explain:main", "why the network read that digit: a figure per image"),
    "draw": ("numpy_cnn.gui.__main__:main", "open the drawing app"),
    "serve": ("numpy_cnn.web.__main__:main", "serve the drawing app as a web page"),
    "data": ("numpy_cnn.data:main", "check or download the MNIST files"),
    "course": ("numpy_cnn.course.__main__:main", "build a CNN yourself: start or check the course"),
}


def main(argv=None):
    """numpy-cnn COMMAND [options]: run the command's own main with the options. Returns the
    exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] not in COMMANDS:
        build_parser().parse_args(argv)      # prints the help, or an error naming the commands
        return 2
    module, function = COMMANDS[argv[0]][0].split(":")
    return getattr(importlib.import_module(module), function)(argv[1:])


def build_parser():
    """The top-level parser: only there to list the commands and to refuse unknown ones."""
    parser = argparse.ArgumentParser(prog="numpy-cnn",
                                     description="A CNN written in NumPy that reads handwritten "
                                                 "digits. Run a command with --help for its options.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, text) in COMMANDS.items():
        commands.add_parser(name, help=text, add_help=False)
    return parser


# ------------------------------------------------------------------ predict

def read_digit(path, note=None):
    """Inputs:  path -- an image file Pillow can open;
             note -- called with a one-line remark about the file, if there is one to make
                     (an animated image: only its first frame is read).
    Returns: (28, 28) float32 in [0, 1], MNIST-like (see numpy_cnn.preprocess.to_mnist).
    Raises:  OSError (unreadable, not an image), EmptyImageError (no ink), ValueError (among
             others, an image too large to open safely).

    A phone photo is often stored sideways with an EXIF note saying how to turn it upright:
    exif_transpose applies it, so the digit is read the way it is seen.
    """
    with open_image(path) as image:
        frames = getattr(image, "n_frames", 1)
        if frames > 1 and note is not None:
            note(f"{frames} frames: only the first one is read")
        return to_mnist(ImageOps.exif_transpose(image))


def open_image(path):
    """Image.open, refusing in a clear ValueError (not a warning) a picture larger than
    Image.MAX_IMAGE_PIXELS (89,478,485 pixels, Pillow's guard against "decompression bombs":
    small files that decode to gigabytes)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            if str(path) == "-" or stat.S_ISFIFO(os.stat(path).st_mode):
                return Image.open(io.BytesIO(read_pipe(path)))
            return Image.open(path)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ValueError(f"too large: more than {Image.MAX_IMAGE_PIXELS:,} pixels, the most "
                             f"this command opens; scale the image down first") from None


def read_pipe(path):
    """All the bytes of standard input ("-") or of a named pipe. A pipe is opened without
    waiting for a writer (O_NONBLOCK), then read to its end: one that nobody writes to is empty
    at once, instead of waiting for ever."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as pipe:
        return pipe.read()


def format_prediction(name, probabilities, top=3):
    """One line: the name, the digit read, its probability, and the `top` most likely digits."""
    order = np.argsort(-probabilities, kind="stable")[:top]
    ranking = ", ".join(f"{d} {probabilities[d]:.1%}" for d in order)
    return f"{name}: {answer(probabilities)}   top {len(order)}: {ranking}"


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
            digit = read_digit(path, note=lambda text: print(f"note: {path}: {text}",
                                                             file=sys.stderr))
        except (OSError, ValueError) as error:
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


def predict_main(argv=None):
    """numpy-cnn predict IMAGE... [--weights PATH] [--top K]. Returns the exit code."""
    parser = argparse.ArgumentParser(prog="numpy-cnn predict",
                                     description="Read the digit in each image file.")
    parser.add_argument("images", nargs="+", metavar="IMAGE",
                        help="image files (PNG, JPEG, ...); - reads one from standard input")
    parser.add_argument("--weights", default=DEFAULT_WEIGHTS, metavar="PATH",
                        help=f"weights file (default: {DEFAULT_WEIGHTS})")
    parser.add_argument("--top", type=int, default=3, metavar="K",
                        help="how many likely digits to list (default 3)")
    args = parser.parse_args(argv)
    if not 1 <= args.top <= 10:
        parser.error("--top must be between 1 and 10")
    return predict(args)


if __name__ == "__main__":
    sys.exit(main())
