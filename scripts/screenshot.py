"""Take the README's screenshot of the drawing app: python scripts/screenshot.py [options]

Opens the app on a virtual screen (Xvfb; or on the current DISPLAY with --use-display), draws a
digit through the same methods the mouse uses, lets the network read it, and saves a real
screenshot of the window (Pillow's ImageGrab on X11) to docs/app.png.
"""
import argparse
import math
import os
import sys
import tkinter as tk
from contextlib import nullcontext
from pathlib import Path

from PIL import ImageGrab

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy_cnn                                          # noqa: E402
from numpy_cnn.gui.app import App                                   # noqa: E402
from numpy_cnn.gui.predictor import Predictor, find_weights         # noqa: E402
from numpy_cnn.gui.xvfb import virtual_display                      # noqa: E402


def two_strokes():
    """A handwritten-looking "2" on the 280x280 canvas: one stroke, as lists of (x, y)."""
    arc = [(140 + 55 * math.cos(a), 105 + 50 * math.sin(a))
           for a in (math.pi * (1.05 + 0.1 * i) for i in range(13))]
    return [arc + [(150, 160), (115, 200), (85, 235), (135, 232), (200, 230)]]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", help="weights to load (default: the shipped weights)")
    parser.add_argument("--out", default=REPO / "docs" / "app.png", type=Path,
                        help="where to save the PNG (default: docs/app.png)")
    parser.add_argument("--use-display", action="store_true",
                        help="use the current DISPLAY instead of starting Xvfb")
    return parser.parse_args()


def screenshot(display, weights, out):
    """Open the app on `display`, draw, predict, and save the window's pixels to `out`."""
    root = tk.Tk(screenName=display)
    app = App(root, Predictor(numpy_cnn.load(weights)))
    root.update()
    for stroke in two_strokes():
        app.draw(stroke)
    root.update()
    x, y = root.winfo_rootx(), root.winfo_rooty()
    image = ImageGrab.grab(bbox=(x, y, x + root.winfo_width(), y + root.winfo_height()),
                           xdisplay=display)
    root.destroy()
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out)
    print(f"saved {out} ({image.width}x{image.height})")


def main():
    args = parse_args()
    screen = nullcontext(os.environ.get("DISPLAY")) if args.use_display else virtual_display()
    with screen as display:
        screenshot(display, find_weights(args.weights), args.out)


if __name__ == "__main__":
    main()
