"""Open the drawing app:  python -m numpy_cnn.gui [--weights PATH]

Without --weights it loads weights/mnist_cnn.npz (from the current directory, else from this
repository). If the file does not exist, it offers to train the network first. If the file
cannot be used, it says why, in a dialog and on stderr, and exits with status 1.
"""
import argparse
import shlex
import sys
import tkinter as tk
from tkinter import messagebox

import numpy_cnn
from numpy_cnn.storage import load_digit_model

from .app import App
from .predictor import Predictor, find_weights
from .training import TrainingWindow, training_command


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m numpy_cnn.gui",
                                     description="Draw a digit and watch the network read it.")
    parser.add_argument("--weights", help="trained weights (.npz) to load "
                                          "(default: weights/mnist_cnn.npz)")
    return parser.parse_args(argv)


def main(argv=None):
    """Returns: the exit status: 0 when the window was closed, 1 if it could not open."""
    weights = find_weights(parse_args(argv).weights)
    try:
        root = tk.Tk()
    except tk.TclError as error:
        print(f"gui: cannot open a window ({error}). Is there a display (DISPLAY)?",
              file=sys.stderr)
        return 1
    root.withdraw()                  # nothing to show until the network is ready
    model = load_model(root, weights)
    if model is None:
        root.destroy()
        return 1
    App(root, Predictor(model))
    root.deiconify()
    root.mainloop()
    return 0


def load_model(root, weights):
    """The network saved in `weights`, trained first if the file is missing and the user agrees.

    Returns: a numpy_cnn.Sequential, or None after telling the user why there is none.
    """
    if not weights.is_file() and not train(root, weights):
        return None
    try:
        return load_digit_model(weights)
    except numpy_cnn.WeightsError as error:
        report_error(root, "Cannot use these weights", str(error))
        return None


def train(root, weights):
    """Offer to train the network into `weights`; train it if the user says yes.

    Returns: True if the weights file was written.
    """
    command = training_command(weights)
    question = (f"There are no trained weights at {weights}.\n\n"
                "Train the network now? 5 epochs take about a minute and a half on a 2-core CPU.")
    if not messagebox.askyesno("No trained network", question, parent=root):
        report_error(root, "No trained network", f"{weights}: file not found. To train the "
                     f"network, run: {shlex.join(command)}", dialog=False)
        return False
    window = TrainingWindow(root, command)
    root.wait_window(window)
    if window.returncode != 0 or not weights.is_file():
        ending = "was stopped" if window.returncode is None else f"failed ({window.returncode})"
        report_error(root, "Training did not finish",
                     f"Training {ending}.\n\n" + "\n".join(window.last_lines))
        return False
    return True


def report_error(root, title, message, dialog=True):
    """Tell the user what went wrong: on stderr, and in a dialog unless dialog=False."""
    print(f"gui: {message}", file=sys.stderr)
    if dialog:
        messagebox.showerror(title, message, parent=root)


if __name__ == "__main__":
    sys.exit(main())
