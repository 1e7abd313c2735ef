"""What the figure scripts share: their command line, reading the weights, the app's answer for
one picture, and writing a set of figures. (`save`, the atomic PNG writer, is in tour_figures.)"""
import argparse
import sys
from pathlib import Path

import numpy_cnn
from numpy_cnn import preprocess
from numpy_cnn.notdigit import is_not_a_digit
from numpy_cnn.paths import SHIPPED_WEIGHTS
from numpy_cnn.storage import WeightsError
from scripts.tour_figures import save

REPO = Path(__file__).resolve().parent.parent


def parser(doc, weights=True):
    """The scripts' options: --out DIR (default docs/) and, if weights, --weights PATH."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--out", type=Path, default=REPO / "docs", help="folder (default docs/)")
    if weights:
        p.add_argument("--weights", default=SHIPPED_WEIGHTS, metavar="PATH",
                       help=f"weights file (default: {SHIPPED_WEIGHTS})")
    return p


def load_weights(path):
    """The network in path, or None after one line on stderr saying why it cannot be read."""
    try:
        return numpy_cnn.load(path)
    except (WeightsError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return None


def answer(model, pixels):
    """(network input (28, 28) or None, what the app would say: "7", "not a digit", "blank")."""
    try:
        x = preprocess.to_mnist(pixels)
    except preprocess.EmptyImageError:
        return None, "blank"
    p = model.predict_proba(x[None])[0]
    return x, "not a digit" if is_not_a_digit(p) else str(int(p.argmax()))


def write(figures, out):
    """Save {file name: Figure} into the folder out (made if missing), printing each path."""
    out.mkdir(parents=True, exist_ok=True)
    for name, figure in figures.items():
        save(figure, out / name)
        print(out / name)
    return 0
