"""Take the README's screenshots of the drawing app: python scripts/screenshot.py [options]

Opens the app on a virtual screen (Xvfb; or on the current DISPLAY with --use-display), draws a
digit through the same methods the mouse uses, lets the network read it, and saves real
screenshots (Pillow's ImageGrab on X11) into docs/:
    app.png     the app's window
    why.png     the same with the "Why?" heatmap (Grad-CAM) over the canvas and the input
    notdigit.png  the app's window after a drawn plus sign: "Not a digit"
    inside.png  the Inside window, conv2's most active map chosen for the closer look
    learn.png   the Watch-it-learn window after LEARN_BATCHES batches (seed 0, about half a
                minute on 2 cores; its weights go to a temporary folder, deleted afterwards)
    explain.png the figure of `python -m numpy_cnn explain` for the first MNIST test digit
                (no window: numpy_cnn.explain.figure)
"""
import argparse
import math
import os
import sys
import tempfile
import time
import tkinter as tk
from contextlib import nullcontext
from pathlib import Path

from PIL import ImageGrab

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy_cnn                                          # noqa: E402
from numpy_cnn import explain                                       # noqa: E402
from numpy_cnn.data import load_mnist                               # noqa: E402
from numpy_cnn.gui.app import App                                   # noqa: E402
from numpy_cnn.app.predictor import Predictor, shipped_weights      # noqa: E402
from numpy_cnn.gui.xvfb import virtual_display                      # noqa: E402

SHOTS = ("app", "why", "notdigit", "inside", "learn", "explain")
LEARN_BATCHES = 300
SCREEN = (1920, 1080)


def two_strokes():
    """A handwritten-looking "2" on the 280x280 canvas: one stroke, as lists of (x, y)."""
    arc = [(140 + 55 * math.cos(a), 105 + 50 * math.sin(a))
           for a in (math.pi * (1.05 + 0.1 * i) for i in range(13))]
    return [arc + [(150, 160), (115, 200), (85, 235), (135, 232), (200, 230)]]


def plus_strokes():
    """A hand-drawn plus sign: two strokes."""
    return [[(140 + 3 * math.sin(i / 2), 60 + 15 * i) for i in range(11)],
            [(65 + 15 * i, 135 + 3 * math.cos(i / 2)) for i in range(11)]]


def draw_anew(app, strokes):
    """Clear the canvas and draw these strokes, as the mouse would."""
    app.clear()
    for stroke in strokes:
        app.draw(stroke)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", help="weights to load (default: the shipped weights)")
    parser.add_argument("--docs", default=REPO / "docs", type=Path,
                        help="folder for the PNGs (default: docs/)")
    parser.add_argument("--only", nargs="+", choices=SHOTS, default=SHOTS,
                        help="take only these screenshots")
    parser.add_argument("--use-display", action="store_true",
                        help="use the current DISPLAY instead of starting Xvfb")
    return parser.parse_args()


def grab(window, display, out):
    """Save the pixels of a window, as the X server shows them, to `out`."""
    window.update()
    time.sleep(0.3)                  # let the X server apply the last size changes
    window.update()
    x, y = window.winfo_rootx(), window.winfo_rooty()
    image = ImageGrab.grab(bbox=(x, y, x + window.winfo_width(), y + window.winfo_height()),
                           xdisplay=display)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    print(f"saved {out} ({image.width}x{image.height})")


def screenshots(display, weights, docs, only):
    """Open the app on `display`, draw, predict, and save the screenshots named in `only`."""
    root = tk.Tk(screenName=display)
    app = App(root, Predictor(numpy_cnn.load(weights)))
    root.update()
    draw_anew(app, two_strokes())
    if "app" in only:
        grab(root, display, docs / "app.png")
    if "why" in only:
        app.looks.why.set("grad-cam")
        grab(root, display, docs / "why.png")
        app.looks.why.set("off")
    if "notdigit" in only:
        draw_anew(app, plus_strokes())
        grab(root, display, docs / "notdigit.png")
        draw_anew(app, two_strokes())                 # the 2 again, for the shots below
    if "inside" in only:
        inside = app.looks.open_inside()
        strongest = inside.trace.outputs["conv2"].max(axis=(0, 1)).argmax()
        inside.select("conv2", int(strongest))        # the conv2 map that responds the most
        app.looks.why.set("saliency")
        grab(inside, display, docs / "inside.png")
        app.looks.close_inside()
        app.looks.why.set("off")
    if "learn" in only:
        before = os.environ.get("NUMPY_CNN_HOME")
        with tempfile.TemporaryDirectory() as home:
            os.environ["NUMPY_CNN_HOME"] = home       # the run's weights: not kept
            try:
                learn = app.looks.open_learn(seed=0)
                while not learn.history or learn.history[-1]["batch"] < LEARN_BATCHES:
                    root.update()
                    time.sleep(0.02)
                grab(learn, display, docs / "learn.png")
                learn.close()
            finally:
                os.environ.pop("NUMPY_CNN_HOME")
                if before is not None:
                    os.environ["NUMPY_CNN_HOME"] = before
    root.destroy()


def explain_figure(weights, out):
    """The figure `explain` writes, for the first MNIST test digit."""
    figure = explain.figure(numpy_cnn.load(weights), load_mnist()[2][0], name="MNIST test digit 0")
    figure.savefig(out, dpi=100, facecolor=figure.get_facecolor())
    print(f"saved {out}")


def main():
    args = parse_args()
    if "explain" in args.only:
        explain_figure(Path(args.weights or shipped_weights()), args.docs / "explain.png")
    windows = [shot for shot in args.only if shot != "explain"]
    if not windows:
        return
    if args.use_display:
        screen = nullcontext(os.environ.get("DISPLAY"))
    else:
        screen = virtual_display(*SCREEN)
    with screen as display:
        screenshots(display, Path(args.weights or shipped_weights()), args.docs, windows)


if __name__ == "__main__":
    main()
