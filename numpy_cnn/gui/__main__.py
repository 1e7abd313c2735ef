"""Open the drawing app:  numpy-cnn draw [--weights PATH]

Without --weights it loads the weights the app's Teach made from the user's digits, if there
are any (numpy_cnn.paths.taught_weights(); unusable ones are passed over with a note), else the
shipped weights, weights/mnist_cnn.npz (for a copy without them: the app's own run,
see predictor.find_weights). If the file does not exist, it
offers to train the network first, or, if a training was stopped before it finished, to resume
it from its checkpoint. If the file cannot be used, it says why, in a dialog and on stderr, and
exits with status 1. Ctrl-C in the terminal closes it (status 130).
"""
import argparse
import shlex
import sys
import tkinter as tk
from tkinter import messagebox

from numpy_cnn.checkpoint import checkpoint_path, read_checkpoint
from numpy_cnn.paths import taught_weights
from numpy_cnn.storage import WeightsError, load_digit_model

from .app import App
from .ctrl_c import CtrlC
from numpy_cnn.app.predictor import Predictor, find_weights, shipped_weights
from .training import TrainingWindow, training_command

LONGEST_REASON = 200      # characters of the training's last line shown in a dialog


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="numpy-cnn draw",
                                     description="Draw a digit and watch the network read it.")
    parser.add_argument("--weights", help="trained weights (.npz) to load (default: those Teach "
                                          "made from your digits, if any, else the shipped "
                                          "weights/mnist_cnn.npz)")
    return parser.parse_args(argv)


def main(argv=None):
    """Returns: the exit status: 0 when the window was closed, 1 if it could not open, 130
    after Ctrl-C in the terminal."""
    weights = find_weights(parse_args(argv).weights)
    try:
        root = tk.Tk()
    except tk.TclError as error:
        print(f"gui: cannot open a window ({error}). Is there a display (DISPLAY)?",
              file=sys.stderr)
        return 1
    root.withdraw()                  # nothing to show until the network is ready
    ctrl_c = CtrlC(root)
    try:
        model, weights = load_model(root, weights, ctrl_c)
        if model is None:
            ctrl_c.raise_if_pressed()
            root.destroy()
            return 1
        App(root, Predictor(model, weights))
        root.deiconify()
        root.mainloop()
        ctrl_c.raise_if_pressed()
    except KeyboardInterrupt as interrupted:
        print(f"gui: interrupted (Ctrl-C).{' ' if interrupted.args else ''}"
              f"{''.join(interrupted.args)}", file=sys.stderr)
        return 130
    finally:
        ctrl_c.close()
    return 0


def load_model(root, weights, ctrl_c):
    """The network saved in `weights`, trained first if the file is missing and the user agrees.

    Returns: (a numpy_cnn.Sequential, the file it was read from: `weights`, or the shipped
             weights when Teach's could not be read), or (None, None) after telling the user
             why there is none.
    Raises:  KeyboardInterrupt after Ctrl-C in the terminal.
    """
    if not weights.is_file() and not train(root, weights, ctrl_c):
        return None, None
    try:
        return load_digit_model(weights), weights
    except WeightsError as error:
        if weights == taught_weights():      # the app made them: it can do without them
            print(f"gui: {error}; reading with the shipped weights instead", file=sys.stderr)
            return load_model(root, shipped_weights(), ctrl_c)
        report_error(root, "Cannot use these weights", str(error))
        return None, None


def train(root, weights, ctrl_c):
    """Offer to train the network into `weights` (or to resume its stopped training); train it
    if the user says yes.

    Returns: True if the weights file was written.
    """
    stopped = checkpoint_state(weights)
    command = training_command(weights, resume=stopped is not None)
    if stopped:
        title = "Resume training?"
        question = (f"The training of the network stopped after epoch {stopped[0]} of "
                    f"{stopped[1]}. Its checkpoint is kept in {stopped[2]}.\n\n"
                    f"Resume the training now?")
    else:
        title = "No trained network"
        question = (f"There are no trained weights at {weights}.\n\n"
                    "Train the network now? 5 epochs take about a minute and a half on a 2-core CPU.")
    answer = messagebox.askyesno(title, question, parent=root)
    ctrl_c.raise_if_pressed()
    if not answer:
        report_error(root, title, f"{weights}: file not found. To "
                     f"{'resume' if stopped else 'train'} the network, run: {shlex.join(command)}",
                     dialog=False)
        return False
    window = TrainingWindow(root, command)
    root.wait_window(window)
    if ctrl_c.pressed:
        window.wait_for_end()
        raise KeyboardInterrupt(stop_message(weights))
    if window.returncode == 0 and weights.is_file():
        return True
    if window.stopped:
        report_error(root, "Training stopped", stop_message(weights))
    else:
        reason = next((line for line in reversed(window.last_lines) if line.strip()), "")
        if len(reason) > LONGEST_REASON:
            reason = reason[:LONGEST_REASON - 3] + "..."
        report_error(root, "Training did not finish",
                     f"Training failed (exit status {window.returncode}): {reason}",
                     details=list(window.last_lines))
    ctrl_c.raise_if_pressed()
    return False


def checkpoint_state(weights):
    """(epochs done, epochs planned, its path) of the training checkpoint kept beside `weights`,
    or None if there is no readable one."""
    path = checkpoint_path(weights)
    try:
        state = read_checkpoint(path)[0]
        return state["epochs_done"], state["settings"]["epochs"], path
    except (WeightsError, KeyError, TypeError):
        return None


def stop_message(weights):
    """What a stopped training keeps, in one sentence or two."""
    stopped = checkpoint_state(weights)
    if stopped is None:
        return "The training stopped before its first epoch ended: there is nothing to resume."
    return (f"The training stopped after epoch {stopped[0]} of {stopped[1]}. Its checkpoint is "
            f"kept in {stopped[2]}: the next time the app opens, it offers to resume from there.")


def report_error(root, title, message, dialog=True, details=()):
    """Tell the user what went wrong: on stderr (with the details), and in a dialog unless
    dialog=False."""
    print(f"gui: {message}", file=sys.stderr)
    for line in details:
        print(f"  {line}", file=sys.stderr)
    if dialog:
        messagebox.showerror(title, message, parent=root)


if __name__ == "__main__":
    sys.exit(main())
