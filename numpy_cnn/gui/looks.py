"""Three ways to look into the network from the app, as a row of controls under the canvas:

    [Inside the network (I)] [Watch it learn (L)]
    Why? (W)  (o) off  ( ) saliency  ( ) Grad-CAM

- Inside (gui.inside): every layer's output for the drawing, updated after every stroke.
- Watch it learn (gui.learn): train a fresh network in the background and watch it.
- Why: a heatmap of the pixels that pushed the answer, over the drawing and over the 28x28
  input (numpy_cnn.insight.saliency, or grad_cam for regions).

What the network the app reads with cannot show (numpy_cnn.capabilities: another network than
the reference CNN) is checked when it is loaded (App.limits): its button or choice is disabled,
and a line under the controls says why.

Looks is one more view of the App: App.predict calls show(prediction) after the other views, and
it passes the drawing on to whichever of these is open or switched on. The network is traced
(numpy_cnn.insight.trace) once per drawing, and only when something will show it.
"""
import tkinter as tk

import numpy as np
from PIL import Image

from numpy_cnn import pictures
from numpy_cnn.insight import grad_cam, saliency, trace
from numpy_cnn.parallel import single_threaded_blas

from numpy_cnn.app.heatmap import CanvasHeatmap
from .inside import WHY_CHOICES, InsideWindow
from .widgets import BACKGROUND, DIM_TEXT, TEXT

WHY_SHORT = {"off": "off", "saliency": "saliency", "grad-cam": "Grad-CAM"}


class Looks:
    """Inputs: app -- the gui.app.App; its predictor must have .model (a Sequential).

    frame: the row of controls, for the App to place. inside / learn: the windows, when open.
    """

    def __init__(self, app):
        self.app = app
        self.why = tk.StringVar(app.root, value="off")
        self.inside = None
        self.learn = None
        self.prediction = None
        self.heatmap = CanvasHeatmap(app.canvas, app.drawing.size)
        self.frame = self._make_controls(app.canvas.master)
        self.apply_limits()
        self.why.trace_add("write", lambda *_: self.refresh())
        self.bind_keys(app.root)

    def bind_keys(self, window):
        """I, L and W do the same in every window of the app."""
        for key, command in (("i", self.open_inside), ("l", self.open_learn),
                             ("w", self.next_why)):
            window.bind(f"<Key-{key}>", lambda event, command=command: command())

    @property
    def model(self):
        return self.app.predictor.model

    def _make_controls(self, parent):
        frame = tk.Frame(parent, bg=BACKGROUND)
        buttons = tk.Frame(frame, bg=BACKGROUND)
        self.buttons = {}
        for column, (view, text, command) in enumerate(
                (("inside", "Inside the network (I)", self.open_inside),
                 ("learn", "Watch it learn (L)", self.open_learn))):
            buttons.columnconfigure(column, weight=1)
            self.buttons[view] = tk.Button(buttons, text=text, command=command)
            self.buttons[view].grid(row=0, column=column, sticky="we",
                                    padx=(0 if column == 0 else 6, 0))
        buttons.pack(fill="x")
        why = tk.Frame(frame, bg=BACKGROUND)
        style = dict(bg=BACKGROUND, fg=TEXT, highlightthickness=0)
        tk.Label(why, text="Why? (W)", **style).pack(side="left")
        self.choices = {}
        for value, _ in WHY_CHOICES:
            self.choices[value] = tk.Radiobutton(
                why, text=WHY_SHORT[value], value=value, variable=self.why,
                selectcolor=BACKGROUND, activebackground=BACKGROUND, activeforeground=TEXT,
                disabledforeground=DIM_TEXT, **style)
            self.choices[value].pack(side="left", padx=(6, 0))
        why.pack(fill="x", pady=(6, 0))
        self.limits_note = tk.Label(frame, text="", fg=DIM_TEXT, bg=BACKGROUND, anchor="w",
                                    justify="left", wraplength=280, font=("Helvetica", 9))
        return frame

    def apply_limits(self):
        """Disable what the network in use cannot show (App.limits), with a line saying why;
        enable everything again for a network that can show it all."""
        limits = self.app.limits
        self.buttons["inside"].config(state="disabled" if "inside" in limits else "normal")
        self.choices["grad-cam"].config(state="disabled" if "grad-cam" in limits else "normal")
        if "inside" in limits:
            self.close_inside()
        if self.why.get() not in self.possible_why():
            self.why.set("off")
        reasons = [limits[view] for view in ("inside", "grad-cam") if view in limits]
        self.limits_note.config(text="\n".join(f"{reason}." for reason in reasons))
        if reasons:
            self.limits_note.pack(fill="x", pady=(4, 0))
        else:
            self.limits_note.pack_forget()

    def possible_why(self):
        """The Why choices the network in use can show."""
        return [value for value, _ in WHY_CHOICES if value not in self.app.limits]

    # ------------------------------------------------------------ the App's view protocol

    def show(self, prediction):
        self.prediction = prediction
        self.refresh()

    def show_nothing(self):
        self.prediction = None
        self.refresh()

    def refresh(self):
        """Bring every open look up to date with self.prediction and the Why choice."""
        why = self.why.get()
        if self.learn is not None:
            self.learn.show_drawing(self.prediction)
        t = heat = None
        if why not in self.possible_why():
            why = "off"
        if self.prediction is not None and (why != "off" or self.inside is not None):
            with single_threaded_blas():    # one image: more threads only wait for each other
                t = trace(self.model, self.prediction.network_input)
            if why == "saliency":
                heat = saliency(t)
            elif why == "grad-cam":
                heat = grad_cam(self.model, t)[1]
        if heat is None:
            self.heatmap.hide()
            if self.prediction is not None:
                self.app.network_input.show(self.prediction)        # without a heatmap
        else:
            network_input = self.prediction.network_input
            self.heatmap.show(heat, np.asarray(self.app.drawing.image), network_input)
            overlay = pictures.heat_overlay(network_input, heat)
            self.app.network_input.show_image(Image.fromarray(overlay))
        if self.inside is not None:
            if t is None:
                self.inside.show_nothing()
            else:
                self.inside.show(t, heat)

    # ------------------------------------------------------------ the controls

    def open_inside(self):
        """Open the Inside window (or bring it to the front), showing the current drawing.
        Returns: the window, or None if the network in use cannot show it (App.limits)."""
        if "inside" in self.app.limits:
            return None
        if self.inside is None:
            self.inside = InsideWindow(self.app.root, self.model, self.why)
            self.inside.protocol("WM_DELETE_WINDOW", self.close_inside)
            self.bind_keys(self.inside)
            place_beside(self.inside, self.app.root)
            self.refresh()
        self.inside.deiconify()
        self.inside.lift()
        return self.inside

    def close_inside(self):
        if self.inside is not None:
            self.inside.destroy()
            self.inside = None

    def next_why(self):
        """The W key: off -> saliency -> Grad-CAM -> off (what the network can show)."""
        values = self.possible_why()
        self.why.set(values[(values.index(self.why.get()) + 1) % len(values)])

    def open_learn(self, **settings):
        """Open the Watch-it-learn window (or bring it to the front). settings: passed on to
        app.learner.LiveTraining (the tests train on a few images)."""
        from .learn import LearnWindow            # its training process starts only when asked
        if self.learn is None:
            self.learn = LearnWindow(self.app.root, on_close=self._learn_closed, **settings)
            self.bind_keys(self.learn)
            place_beside(self.learn, self.app.root)
            self.learn.show_drawing(self.prediction)
        self.learn.deiconify()
        self.learn.lift()
        return self.learn

    def _learn_closed(self):
        self.learn = None

    def close(self):
        """The app is closing: a Watch-it-learn run stops and saves its weights first."""
        if self.learn is not None:
            self.learn.close()
        self.close_inside()


def place_beside(window, root):
    """Put a new window to the right of the app's window, or against the screen's right edge
    if there is no room for it there. It is withdrawn while it is measured: update_idletasks
    would otherwise show it at the screen's top left first, over the app, until it moves (and
    a stroke begun then lands in it)."""
    window.withdraw()
    window.update_idletasks()
    x = root.winfo_rootx() + root.winfo_width() + 12
    x = max(0, min(x, window.winfo_screenwidth() - window.winfo_reqwidth()))
    window.geometry(f"+{x}+{max(0, root.winfo_rooty() - 30)}")
    window.deiconify()
