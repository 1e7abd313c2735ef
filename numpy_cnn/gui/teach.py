"""Correct it, and teach it: the row of controls under the network's answer.

    Wrong? It is a:  [0] [1] [2] [3] [4] [5] [6] [7] [8] [9]   (or type the digit)
    your digits:      3   5   0   1   0   2   0   4   0   0    [Review...]
    [Teach it (T)]  [Back to the shipped weights]
    Read right before: 7 of 15 of your digits; after: 14 of 15.   [=======     ]

- Correct it: a click on the right digit (or the digit's key) saves the drawing as a PNG in
  numpy_cnn.paths.my_digits_dir()/<digit>/ (numpy_cnn.digit_folder.save_digit: atomically,
  never over an earlier one). Another digit for the same drawing moves it there: a mis-click
  is mended by the right click. The counts under the digits are what the folder holds.
- Review (gui.review): every saved digit, as the network reads it now; delete the wrong ones.
- Teach it (app.teacher): fine-tune the network the app is using on those digits mixed with
  MNIST, in a process of its own, with progress; then it says how many of them it read right
  before and after, saves the result to numpy_cnn.paths.taught_weights() (the app loads that
  file from then on) and reads the drawing again with it.
- Back to the shipped weights: the taught file is set aside (renamed, kept beside it) and the
  shipped network is loaded again.

TeachPanel is one more view of the App (show(prediction), show_nothing()), though what it
saves is the drawing itself, not the answer.
"""
import time
import tkinter as tk
from tkinter import ttk

from numpy_cnn.digit_folder import count_digits, save_digit
from numpy_cnn.paths import my_digits_dir, taught_weights
from numpy_cnn.storage import WeightsError, folder_problem, load_digit_model

from numpy_cnn.app.predictor import shipped_weights
from .widgets import BACKGROUND, DIM_TEXT, TEXT

POLL_MS = 100
ERROR_TEXT = "#ff8060"


class TeachPanel:
    """Inputs: app -- the gui.app.App (its predictor must have .model to Teach);
    parent -- the frame to build the controls in (the App places `frame`).

    start: the weights file every Teach starts from (app.teacher says why): the shipped
    weights, or the --weights the app was opened with.
    settings: passed on to app.teacher.Teaching (the tests teach on a few batches).
    teaching: the Teach under way, or None. status: the line that says what happened.
    """

    def __init__(self, app, parent):
        self.app = app
        opened = getattr(app.predictor, "weights", None)
        self.start = opened if opened not in (None, taught_weights()) else shipped_weights()
        self.settings = {}
        self.teaching = None
        self.saved = None           # (the drawing's strokes, the file it was saved to)
        self.review = None
        self.frame = self._make_controls(parent)
        self.refresh_counts()
        if opened is not None and opened == taught_weights():
            self.say("The app reads with the weights Teach made from your digits.")
        elif opened is not None and opened == shipped_weights() and taught_weights().is_file():
            self.say(f"Teach's weights in {taught_weights()} cannot be read: the app reads with "
                     f"the shipped weights.", error=True)
        self.apply_limits()
        for digit in range(10):
            app.root.bind(f"<Key-{digit}>", lambda event, d=digit: self.correct(d))
            app.root.bind(f"<KP_{digit}>", lambda event, d=digit: self.correct(d))
        app.root.bind("<Key-t>", lambda event: self.teach())

    def _make_controls(self, parent):
        frame = tk.Frame(parent, bg=BACKGROUND)
        style = dict(bg=BACKGROUND, fg=TEXT, highlightthickness=0)
        digits = tk.Frame(frame, bg=BACKGROUND)
        tk.Label(digits, text="Wrong? It is a:", anchor="w", **style).grid(row=0, column=0,
                                                                           sticky="w")
        tk.Label(digits, text="your digits:", anchor="w", fg=DIM_TEXT, bg=BACKGROUND,
                 font=("Helvetica", 9)).grid(row=1, column=0, sticky="w")
        self.digit_buttons, self.count_labels = [], []
        for digit in range(10):
            button = tk.Button(digits, text=str(digit), width=1, padx=4,
                               command=lambda d=digit: self.correct(d))
            count = tk.Label(digits, text="0", fg=DIM_TEXT, bg=BACKGROUND, font=("Helvetica", 9))
            button.grid(row=0, column=digit + 1, padx=(4 if digit == 0 else 1, 0))
            count.grid(row=1, column=digit + 1, padx=(4 if digit == 0 else 1, 0))
            self.digit_buttons.append(button)
            self.count_labels.append(count)
        digits.pack(anchor="w")

        buttons = tk.Frame(frame, bg=BACKGROUND)
        self.teach_button = tk.Button(buttons, text="Teach it (T)", command=self.teach,
                                      width=len("Stop teaching (T)"))   # the same for both
        self.review_button = tk.Button(buttons, text="Review...", command=self.open_review)
        self.shipped_button = tk.Button(buttons, text="Back to the shipped weights",
                                        command=self.back_to_shipped)
        self.teach_button.pack(side="left")
        self.review_button.pack(side="left", padx=(6, 0))
        self.shipped_button.pack(side="left", padx=(6, 0))
        buttons.pack(anchor="w", pady=(6, 0))
        self.progress = ttk.Progressbar(frame, mode="determinate", maximum=1.0, length=300)
        self.status = tk.Label(frame, text="", anchor="w", justify="left", wraplength=440,
                               fg=DIM_TEXT, bg=BACKGROUND, font=("Helvetica", 10))
        self.status.pack(anchor="w", fill="x", pady=(6, 0))   # the bar goes above it, when teaching
        return frame

    # ------------------------------------------------------------ the App's view protocol

    def show(self, prediction):
        """Nothing changes with the answer: a correction saves the drawing itself."""

    def show_nothing(self):
        pass

    # ------------------------------------------------------------ Correct it

    def say(self, text, error=False):
        self.status.config(text=text, fg=ERROR_TEXT if error else DIM_TEXT)

    def apply_limits(self):
        """Teach fine-tunes the reference CNN only (App.limits): for another network the button
        is disabled and the status line says why."""
        reason = self.app.limits.get("teach")
        self.teach_button.config(state="disabled" if reason else "normal")
        if reason:
            self.say(f"{reason}: Teach is off.")
        elif self.status.cget("text").endswith(": Teach is off."):
            self.say("")

    def refresh_counts(self):
        """Show how many digits of each class the user has saved; enable what needs some."""
        counts = count_digits(my_digits_dir())
        for label, n in zip(self.count_labels, counts):
            label.config(text=str(n))
        self.total = int(counts.sum())
        self.shipped_button.config(state="normal" if taught_weights().is_file() else "disabled")
        return counts

    def correct(self, digit):
        """Save the drawing as an example of `digit` (see the module docstring).
        Returns: the path saved to, or None if there is no drawing."""
        if self.app.drawing.is_empty:
            self.say("Draw a digit first, then click the digit it is.")
            return None
        strokes = [(s.width, tuple(s.points)) for s in self.app.drawing.strokes]
        if self.saved is not None and self.saved[0] == strokes:     # the same drawing again
            if self.saved[1].parent.name == str(digit):
                self.say(f"Already saved as a {digit}.")
                return self.saved[1]
            self.saved[1].unlink(missing_ok=True)
        try:
            path = save_digit(self.app.drawing.image, digit, my_digits_dir())
        except OSError as error:
            self.say(f"Could not save it: {error}", error=True)
            return None
        self.saved = (strokes, path)
        counts = self.refresh_counts()
        self.say(f"Saved as a {digit}: {counts[digit]} {plural(counts[digit], digit)} of yours "
                 f"now, {self.total} {plural(self.total, 'digit')} in all. Teach it when you "
                 f"have a few.")
        if self.review is not None:
            self.review.refresh()
        return path

    def open_review(self):
        """Open the window of the saved digits (or bring it to the front)."""
        from .review import ReviewWindow
        if self.review is None:
            self.review = ReviewWindow(self.app.root, my_digits_dir(), self.app.predictor,
                                       on_change=self.refresh_counts, on_close=self._review_closed)
        self.review.deiconify()
        self.review.lift()
        return self.review

    def _review_closed(self):
        self.review = None

    # ------------------------------------------------------------ Teach it

    def teach(self):
        """Start fine-tuning on the saved digits, or stop the Teach under way."""
        if self.teaching is not None:
            self.teaching.stop()
            self.say("Stopping...")
            return
        if "teach" in self.app.limits:
            self.apply_limits()
            return
        if self.refresh_counts().sum() == 0:
            self.say("Correct a few digits first: Teach learns from them.")
            return
        problem = folder_problem(taught_weights().parent)
        if problem:                            # said now, not after ten seconds of teaching
            self.say(f"Teach cannot start: it could not save what it learns in "
                     f"{taught_weights()}: {problem}", error=True)
            return
        from numpy_cnn.app.teacher import Teaching   # its process starts only when asked
        try:
            start = load_digit_model(self.start)
        except WeightsError as error:
            self.say(f"Teach cannot start: {error}", error=True)
            return
        self.teaching = Teaching(start, self.app.predictor.model, **self.settings)
        self.started = time.monotonic()
        self.teach_button.config(text="Stop teaching (T)")
        self.progress["value"] = 0
        self.progress.pack(anchor="w", fill="x", pady=(6, 0), before=self.status)
        self.say("Starting: reading your digits and MNIST...")
        self.app.root.after(POLL_MS, self._poll)

    def _poll(self):
        if self.teaching is None:
            return
        for kind, content in self.teaching.messages():
            getattr(self, f"_on_{kind}")(content)
            if self.teaching is None:
                return
        self.app.root.after(POLL_MS, self._poll)

    def _on_ready(self, content):
        notes = "".join(f"\n{note}" for note in content["notes"])
        n, saved = content["digits"], self.total
        which = (f"your {n} {plural(n, 'digit')}" if n == saved else
                 f"{n} of your {saved} digits ({saved - n} cannot be read: Review shows them)")
        self.say(f"Teaching on {which} (and MNIST, so that it does not forget it): it reads "
                 f"{content['before'].sum()} of them right now.{notes}")

    def _on_progress(self, content):
        self.progress["value"] = content["batch"] / content["batches"]

    def _on_taught(self, content):
        self._end()
        try:
            model = load_digit_model(content["path"])
        except WeightsError as error:
            self.say(f"Teach's weights cannot be read: {error}", error=True)
            return
        self.use(model)
        n = len(content["before"])
        self.say(f"Read right before: {content['before'].sum()} of your {n} digits; after: "
                 f"{content['after'].sum()} of {n} ({time.monotonic() - self.started:.0f} s). "
                 f"The app reads with these weights from now on.")

    def _on_stopped(self, _):
        self._end()
        self.say("Stopped: nothing was saved; the app reads as before.")

    def _on_error(self, message):
        self._end()
        self.say(f"Teach cannot go on: {message}", error=True)

    def _on_ended(self, exitcode):
        self._on_error(f"its process ended unexpectedly (exit code {exitcode})")

    def _end(self):
        self.teaching.close()
        self.teaching = None
        self.teach_button.config(text="Teach it (T)")
        self.progress.pack_forget()
        self.refresh_counts()

    def use(self, model):
        """Read with `model` from now on: the answer, the looks and the review."""
        self.app.set_model(model)
        if self.review is not None:
            self.review.refresh()
        if not self.app.drawing.is_empty:
            self.app.predict()

    def back_to_shipped(self):
        """Set the taught weights aside (renamed, in the same folder) and read with the shipped
        ones again. Taught weights already gone (another window of the app set them aside) is
        the same: this window goes back to the shipped ones too."""
        taught = taught_weights()
        kept = taught.with_name(f"{taught.stem}-set-aside-{time.strftime('%Y%m%d-%H%M%S')}"
                                f"{taught.suffix}")
        try:
            model = load_digit_model(shipped_weights())
            taught.rename(kept)
        except FileNotFoundError:
            kept = None
        except (WeightsError, OSError) as error:
            self.say(f"Cannot go back: {error}", error=True)
            return
        self.use(model)
        self.refresh_counts()
        self.say("Back to the shipped weights. " +
                 (f"What Teach made is kept in {kept}." if kept else
                  "Teach's weights had been set aside already (by another window of the app)."))

    def close(self):
        """Stop a Teach under way (the app is closing)."""
        if self.teaching is not None:
            self.teaching.close()
            self.teaching = None


def plural(n, word):
    """word, or word + "s" unless n is 1: "digit"/"digits", "7"/"7s"."""
    return f"{word}" if n == 1 else f"{word}s"
