"""The "Watch it learn" window: a fresh network, from random weights, learning MNIST.

    +--------------------------------------------------------------------------------+
    | batch 250 of 860 ...                                          [Pause] [Stop]   |
    | conv1's 32 filters (3x3)           | loss and accuracy, as it trains           |
    | [8 x 4 kernels]                    | [two small plots]                         |
    | a test digit, and conv1's maps     | your drawing, read by this network        |
    | [28x28] [8 x 4 maps]               | [28x28] 7  [ten bars]                     |
    +--------------------------------------------------------------------------------+

The training runs in a worker process (app.learner); this window polls its messages every
POLL_MS and, at each snapshot (every few dozen batches), puts the snapshot's parameters into
its own copy of the network and redraws everything from it. Pause holds the worker between two
batches; Stop (or closing the window) makes it save the weights to their own file under
numpy_cnn.paths.runs_dir() and end. A runs folder that cannot be written is said at once, before
any training (its weights would be lost); a save that fails anyway is said by the worker.
"""
import tkinter as tk
from pathlib import Path

from numpy_cnn import pictures
from numpy_cnn.insight import layer_outputs
from numpy_cnn.model import from_architecture
from numpy_cnn.parallel import single_threaded_blas
from numpy_cnn.storage import folder_problem

from numpy_cnn.app.learner import LiveTraining, new_run_path
from numpy_cnn.app.predictor import Prediction
from .panels import MapGrid, Picture, note, title
from .widgets import BACKGROUND, BAR, BEST_BAR, DIM_TEXT, TEXT, AnswerView, ProbabilityBars

TITLE = "numpy-cnn: watch it learn"
POLL_MS = 50
FILTER_ZOOM, FILTER_GAP, DIGIT_ZOOM, MAPS_ZOOM, DRAWING_ZOOM = 12, 8, 3, 2, 4
PLOT_WIDTH, PLOT_HEIGHT = 420, 130


class LearnWindow(tk.Toplevel):
    """Inputs: parent -- the app's root; on_close -- called once the window has closed;
    settings -- passed to app.learner.LiveTraining (every, limit, seed, ...).

    show_drawing(prediction) gives it the app's current drawing (a Prediction, or None).
    snapshots: how many it has shown; filters.values: conv1's weights as last shown.
    """

    def __init__(self, parent, on_close=None, **settings):
        super().__init__(parent, bg=BACKGROUND, padx=12, pady=10)
        self.title(TITLE)
        self.resizable(False, False)
        self.on_close = on_close
        self.model = None                  # the learning network, as of the last snapshot
        self.digit = None                  # the test digit whose maps are shown
        self.drawing = None                # the app's drawing, as the network's 28x28 input
        self.history = []                  # every snapshot's numbers, without the parameters
        self.snapshots, self.batches, self.saved_to = 0, None, None
        self.finished = False
        self._make_widgets()
        self.protocol("WM_DELETE_WINDOW", self.close)
        self.training, self.poll_id = None, None
        settings = {"out": str(new_run_path()), **settings}
        problem = folder_problem(Path(settings["out"]).parent)
        if problem:                # checked before training: its weights could not be kept
            self._on_error(f"cannot save its weights in {Path(settings['out']).parent}: "
                           f"{problem}", start="Watch it learn cannot start")
            return
        self.training = LiveTraining(**settings)
        self.status.config(text="Starting a training process and loading MNIST...")
        self.poll_id = self.after(POLL_MS, self._poll)

    # ------------------------------------------------------------ building the window

    def _make_widgets(self):
        top = tk.Frame(self, bg=BACKGROUND)
        self.status = tk.Label(top, bg=BACKGROUND, fg=TEXT, anchor="w", justify="left",
                               font=("Helvetica", 11))
        self.pause_button = tk.Button(top, text="Pause", width=8, command=self.toggle_pause)
        self.stop_button = tk.Button(top, text="Stop", width=8, command=self.stop)
        self.status.pack(side="left", fill="x", expand=True)
        self.stop_button.pack(side="right")
        self.pause_button.pack(side="right", padx=6)
        top.grid(row=0, column=0, columnspan=2, sticky="we", pady=(0, 10))

        left, right = tk.Frame(self, bg=BACKGROUND), tk.Frame(self, bg=BACKGROUND)
        left.grid(row=1, column=0, sticky="n")
        right.grid(row=1, column=1, sticky="n", padx=(20, 0))
        self.filters = MapGrid(left, (3, 3, 32), 8, FILTER_ZOOM, gap=FILTER_GAP)
        self.filters.heading.config(text="conv1's 32 filters, 3x3 weights each")
        self.filters.pack(anchor="w")
        note(left, "orange: ink there raises the filter's output; blue: lowers it").pack(
            anchor="w", pady=(0, 10))
        title(left, "A test digit, and what conv1 makes of it").pack(anchor="w")
        row = tk.Frame(left, bg=BACKGROUND)
        self.digit_picture = Picture(row)
        self.maps = MapGrid(row, (26, 26, 32), 8, MAPS_ZOOM)
        self.digit_picture.pack(side="left", anchor="n", padx=(0, 8))
        self.maps.pack(side="left")
        row.pack(anchor="w", pady=(4, 0))
        self.digit_picture.clear(28 * DIGIT_ZOOM, 28 * DIGIT_ZOOM)

        title(right, "Learning, batch by batch").pack(anchor="w")
        self.plot = Curves(right)
        self.plot.pack(anchor="w", pady=(4, 10))
        title(right, "Your drawing, read by this network").pack(anchor="w")
        reading = tk.Frame(right, bg=BACKGROUND)
        self.drawing_picture = Picture(reading)
        self.answer = AnswerView(reading)
        self.bars = ProbabilityBars(reading)
        self.drawing_picture.grid(row=0, column=0, sticky="n")
        self.answer.grid(row=1, column=0, sticky="n")
        self.bars.grid(row=0, column=1, rowspan=2, padx=(12, 0))
        reading.pack(anchor="w", pady=(4, 0))
        self.drawing_picture.clear(28 * DRAWING_ZOOM, 28 * DRAWING_ZOOM)

    # ------------------------------------------------------------ messages from the worker

    def _poll(self):
        for kind, content in self.training.messages():
            getattr(self, f"_on_{kind}")(content)
        if self.winfo_exists() and not self.finished:
            self.poll_id = self.after(POLL_MS, self._poll)

    def _on_ready(self, content):
        self.model = from_architecture(content["architecture"])
        self.digit, self.batches = content["digit"], content["batches"]
        self.digit_picture.show(pictures.enlarge(pictures.grey(self.digit / 255.0), DIGIT_ZOOM))
        self.plot.set_range(self.batches)

    def _on_progress(self, snapshot):
        params = snapshot.pop("params")
        for name, p in self.model.params.items():
            p[...] = params[name]
        self.snapshots += 1
        self.history.append(snapshot)
        weights = self.model.params["conv1.W"][:, :, 0, :].copy()   # the next snapshot overwrites
        self.filters.show(weights, pictures.colour_signed(weights, pictures.scale_of(weights)))
        with single_threaded_blas():        # one image at a time: see gui.looks
            maps = layer_outputs(self.model, self.digit)["conv1"]
            self.maps.show(maps, pictures.colour_layer(maps))
            self.plot.add(snapshot)
            self._read_drawing()
        self.status.config(text=self._status_text(snapshot))

    def _on_saved(self, content):
        self.saved_to = content["path"]
        ending = "Stopped" if content["reason"] == "stopped" else "Finished"
        self.status.config(text=f"{ending}. The weights are saved in\n{self.saved_to}")
        self._end()

    def _on_error(self, message, start="Training cannot go on"):
        self.status.config(text=f"{start}: {message}", fg="#ff8060", wraplength=700)
        self._end()

    def _on_ended(self, exitcode):
        if self.saved_to is None and not self.finished:      # it said nothing of why
            self._on_error(f"the training process ended unexpectedly (exit code {exitcode})")
        self._end()

    def _end(self):
        self.finished = True
        self.pause_button.config(state="disabled")
        self.stop_button.config(state="disabled")

    def _status_text(self, s):
        accuracy = f"{s['val_accuracy']:.1%}" if s["val_accuracy"] is not None else "-"
        speed = f", {s['images'] / s['seconds']:,.0f} images/s" if s["seconds"] else ""
        return (f"batch {s['batch']} of {self.batches} ({s['images']:,} images seen{speed})\n"
                f"held-out digits read right: {accuracy}")

    # ------------------------------------------------------------ the drawing, the buttons

    def show_drawing(self, prediction):
        """The app's drawing changed: prediction.network_input is read at every snapshot."""
        self.drawing = None if prediction is None else prediction.network_input
        self._read_drawing()

    def _read_drawing(self):
        if self.drawing is None or self.model is None or not self.snapshots:
            self.answer.show_nothing()
            self.bars.show_nothing()
            self.drawing_picture.clear(28 * DRAWING_ZOOM, 28 * DRAWING_ZOOM)
            return
        reading = Prediction(self.model.predict_proba(self.drawing)[0], self.drawing)
        self.drawing_picture.show(pictures.enlarge(pictures.grey(self.drawing), DRAWING_ZOOM))
        self.answer.show(reading)
        self.bars.show(reading)

    def toggle_pause(self):
        if self.pause_button.cget("text") == "Pause":
            self.training.pause()
            self.pause_button.config(text="Resume")
            self.status.config(text="Paused. " + self.status.cget("text"))
        else:
            self.training.resume()
            self.pause_button.config(text="Pause")

    def stop(self):
        """Stop training: the worker saves the weights, then ("saved", ...) arrives."""
        self.training.stop()
        self.status.config(text="Stopping: saving the weights...")
        self.pause_button.config(state="disabled")
        self.stop_button.config(state="disabled")

    def close(self):
        """Close the window: stop the training (its weights are saved) and wait for it."""
        if self.poll_id is not None:
            self.after_cancel(self.poll_id)
        if self.training is not None:
            self.training.close()
        self.destroy()
        if self.on_close:
            self.on_close()


class Curves(tk.Canvas):
    """Two small plots against the batches done: the training loss (mean over the batches
    since the last snapshot) and the share of held-out digits read right."""

    MARGIN_LEFT, MARGIN_BOTTOM, GAP = 44, 18, 24

    def __init__(self, parent):
        super().__init__(parent, width=PLOT_WIDTH, height=2 * PLOT_HEIGHT + self.GAP,
                         bg=BACKGROUND, highlightthickness=0)
        self.points = []
        self.last_batch = 1

    def set_range(self, batches):
        self.last_batch = max(1, batches)
        self.redraw()

    def add(self, snapshot):
        self.points.append(snapshot)
        self.redraw()

    def redraw(self):
        self.delete("all")
        losses = [(s["batch"], s["train_loss"]) for s in self.points if s["train_loss"] is not None]
        top = max([2.5] + [v for _, v in losses])
        self._plot(0, "training loss", losses, 0.0, top, f"{top:.1f}", "0", BAR)
        accuracy = [(s["batch"], s["val_accuracy"]) for s in self.points]
        self._plot(PLOT_HEIGHT + self.GAP, "held-out accuracy", accuracy, 0.0, 1.0, "100%",
                   "0%", BEST_BAR)

    def _plot(self, y0, name, points, low, high, high_text, low_text, colour):
        left, right = self.MARGIN_LEFT, PLOT_WIDTH - 6
        top, bottom = y0 + 16, y0 + PLOT_HEIGHT - self.MARGIN_BOTTOM
        self.create_text(left, y0, anchor="nw", text=name, fill=TEXT, font=("Helvetica", 10))
        self.create_rectangle(left, top, right, bottom, outline="#40444c")
        for value, text in ((high, high_text), (low, low_text)):
            y = bottom - (value - low) / (high - low) * (bottom - top)
            self.create_text(left - 4, y, anchor="e", text=text, fill=DIM_TEXT,
                             font=("Helvetica", 9))
        self.create_text(right, bottom + 2, anchor="ne", text=f"batch {self.last_batch}",
                         fill=DIM_TEXT, font=("Helvetica", 9))
        xy = [c for batch, value in points
              for c in (left + batch / self.last_batch * (right - left),
                        bottom - (value - low) / (high - low) * (bottom - top))]
        if len(xy) >= 4:
            self.create_line(*xy, fill=colour, width=2)
        if points:
            self.create_text(xy[-2] + 4, xy[-1], anchor="w" if xy[-2] < right - 50 else "e",
                             text=f"{points[-1][1]:.2f}" if high_text != "100%" else
                             f"{points[-1][1]:.1%}", fill=colour, font=("Helvetica", 9))
