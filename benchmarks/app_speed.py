"""How quickly does the drawing app open and answer?

    python benchmarks/app_speed.py [--weights PATH] [--runs N]

Needs Xvfb and xdotool (Debian/Ubuntu: apt-get install xvfb xdotool); it starts its own virtual
screen. Prints medians of:
- opening: from starting `python -m numpy_cnn.gui` until its window is visible (xdotool sees it);
- a prediction in the app: App.predict() on a drawn 7 (preprocessing, network and the three
  views), until Tk has drawn the result;
- the same with the Inside window open (every layer's maps, the closer look at a conv2 map),
  without and with the Why heatmap (saliency, over the canvas and the 28x28 input too), in
  wall time and in CPU time of this process (which other programs do not stretch);
- to_mnist + predict on a 280x280 canvas drawn with a thick pen (the slowest preprocessing case).
"""
import argparse
import os
import subprocess
import sys
import time
import tkinter as tk
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
import numpy_cnn  # noqa: E402
from numpy_cnn.gui.app import TITLE, App  # noqa: E402
from numpy_cnn.app.predictor import Predictor  # noqa: E402
from numpy_cnn.gui.xvfb import virtual_display  # noqa: E402
from numpy_cnn.preprocess import to_mnist  # noqa: E402

SEVEN = [(70, 50), (140, 50), (210, 50), (180, 113), (150, 176), (120, 240)]


def seconds_to_open(weights):
    """Wall time from starting python -m numpy_cnn.gui until its window is visible."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "numpy_cnn.gui", "--weights", str(weights)], cwd=REPO)
    try:
        subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", TITLE],
                       check=True, timeout=30, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=10)


def seconds_per_prediction(model, runs, inside=False, why="off", clock=time.perf_counter):
    """Median wall time of App.predict() on a drawn 7, until Tk has drawn the result. With
    inside=True the Inside window is open (a conv2 map chosen for the closer look), and `why`
    is the heatmap shown ("off", "saliency", "grad-cam"). clock=time.process_time gives the
    CPU time of this process instead, which other programs on the machine do not stretch."""
    root = tk.Tk()
    app = App(root, Predictor(model))
    app.draw(SEVEN)
    if inside:
        app.looks.open_inside().select("conv2", 17)
    app.looks.why.set(why)
    root.update()
    times = []
    for _ in range(runs):
        start = clock()
        app.predict()
        root.update_idletasks()
        times.append(clock() - start)
    root.destroy()
    return float(np.median(times))


def seconds_canvas_to_prediction(model, runs):
    """Median wall time of to_mnist + predict_proba on a thick-pen 280x280 canvas."""
    canvas = np.zeros((280, 280), np.uint8)
    canvas[20:220, 30:180] = 255
    canvas[65:175, 75:135] = 0                       # a ring drawn with a 45 px pen
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        model.predict_proba(to_mnist(canvas))
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", default=str(REPO / "weights" / "mnist_cnn.npz"))
    parser.add_argument("--runs", type=int, default=50, help="timed predictions (default 50)")
    args = parser.parse_args(argv)
    model = numpy_cnn.load(args.weights)
    with virtual_display() as display:
        os.environ["DISPLAY"] = display
        opens = [seconds_to_open(args.weights) for _ in range(5)]
        predict = seconds_per_prediction(model, args.runs)
        inside = {(why, clock): seconds_per_prediction(model, args.runs, True, why, clock)
                  for why in ("off", "saliency") for clock in (time.perf_counter,
                                                               time.process_time)}
    canvas = seconds_canvas_to_prediction(model, args.runs)
    print(f"python -m numpy_cnn.gui until the window shows: {np.median(opens):.2f} s (median of 5)")
    print(f"App.predict(), display included: {predict * 1e3:.1f} ms (median of {args.runs})")
    for (why, clock), seconds in inside.items():
        what = "CPU time of " if clock is time.process_time else ""
        print(f"{what}App.predict() with the Inside window open, Why {why}, display included: "
              f"{seconds * 1e3:.1f} ms (median of {args.runs})")
    print(f"to_mnist + predict, thick-pen 280x280 canvas: {canvas * 1e3:.1f} ms "
          f"(median of {args.runs})")


if __name__ == "__main__":
    main()
