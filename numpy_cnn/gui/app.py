"""The window of the drawing app: draw a digit with the mouse, see how the network reads it.

    +--------------------------+----------------------------------------+
    |                          |      7       what the network sees     |
    |      black canvas        |   98% sure   [28x28 input, enlarged]   |
    |      280 x 280           |                                        |
    |                          |   0 |--                                |
    |                          |   ...   one bar per digit              |
    +--------------------------+   9 |-                                 |
    | Predict | Undo | Clear   |   Wrong? It is a: [0] ... [9]          |
    | Pen width --o--  [x] ... |   [Teach it] [Review...] (gui.teach)   |
    +-------------------------------------------------------------------+

App wires three things together:
- the Tk canvas, which shows the strokes on screen;
- a Drawing (app.drawing), which keeps the same strokes and paints them into a PIL image;
- a Predictor (app.predictor), which gives that image to the network.
The mouse handlers only call begin_stroke / extend_stroke / end_stroke, which scripts can call
too (see scripts/screenshot.py).
"""
import tkinter as tk

from numpy_cnn.capabilities import cannot_show
from numpy_cnn.preprocess import EmptyImageError

from numpy_cnn.app.drawing import Drawing
from .looks import Looks
from .teach import TeachPanel
from .widgets import (BACKGROUND, TEXT, AnswerView, NetworkInputView, ProbabilityBars,
                      Scrolling)

TITLE = "numpy-cnn: draw a digit"
CANVAS_SIZE = 280
PEN_WIDTHS = (6, 40)      # the pen width slider's range, in canvas pixels
DEFAULT_PEN_WIDTH = 20    # about MNIST's stroke width for a digit 200 px high


def limits_of(predictor):
    """{view: why it cannot show the predictor's network} (numpy_cnn.capabilities), checked
    once per network; {} for a predictor without a model (a test's stand-in)."""
    model = getattr(predictor, "model", None)
    return {} if model is None else cannot_show(model)


class App:
    """The drawing app in a Tk root window.

    Inputs:
    - root: tk.Tk()
    - predictor: app.predictor.Predictor, or anything with predict(image) -> Prediction
    """

    def __init__(self, root, predictor, canvas_size=CANVAS_SIZE):
        self.root = root
        self.predictor = predictor
        self.limits = limits_of(predictor)       # what this network cannot show, and why
        self.drawing = Drawing(canvas_size)
        self.lines = []              # one canvas line item per stroke of self.drawing
        self.pen_down = False
        self.pen_width = tk.IntVar(root, value=DEFAULT_PEN_WIDTH)
        self.predict_after_stroke = tk.BooleanVar(root, value=True)

        root.title(TITLE)
        root.configure(bg=BACKGROUND, padx=12, pady=12)
        root.resizable(False, False)
        self.body = Scrolling(root)     # scrolls on a screen too small for the window
        self.body.pack(fill="both", expand=True)
        left = tk.Frame(self.body.inner, bg=BACKGROUND)
        right = tk.Frame(self.body.inner, bg=BACKGROUND)
        left.pack(side="left", anchor="n")
        right.pack(side="left", anchor="n", padx=(20, 0))

        self.canvas = self._make_canvas(left, canvas_size)
        self.canvas.pack()
        self._make_buttons(left).pack(fill="x", pady=(10, 0))
        self._make_pen_controls(left).pack(fill="x", pady=(6, 0))

        self.answer = AnswerView(right)
        self.network_input = NetworkInputView(right)
        self.bars = ProbabilityBars(right)
        self.answer.grid(row=0, column=0, sticky="n")
        self.network_input.grid(row=0, column=1, sticky="n", padx=(12, 0))
        self.bars.grid(row=1, column=0, columnspan=2, pady=(16, 0))
        self.teach = TeachPanel(self, right)     # Correct it, Teach it: see gui.teach
        self.teach.frame.grid(row=2, column=0, columnspan=2, sticky="we", pady=(12, 0))
        self.looks = Looks(self)     # Inside the network, Watch it learn, Why: see gui.looks
        self.looks.frame.pack(fill="x", pady=(10, 0))
        self.views = (self.answer, self.bars, self.network_input, self.looks, self.teach)
        self._bind_keys()
        root.protocol("WM_DELETE_WINDOW", self.close)

    # ------------------------------------------------------------ building the window

    def _make_canvas(self, parent, size):
        canvas = tk.Canvas(parent, width=size, height=size, bg="black", cursor="pencil",
                           highlightthickness=0, borderwidth=0)
        canvas.bind("<ButtonPress-1>", lambda event: self.begin_stroke(event.x, event.y))
        canvas.bind("<B1-Motion>", lambda event: self.extend_stroke(event.x, event.y))
        canvas.bind("<ButtonRelease-1>", lambda event: self.end_stroke())
        return canvas

    def _make_buttons(self, parent):
        buttons = tk.Frame(parent, bg=BACKGROUND)
        for column, (text, command) in enumerate((("Predict (Enter)", self.predict),
                                                  ("Undo (Ctrl+Z)", self.undo),
                                                  ("Clear (Esc)", self.clear))):
            buttons.columnconfigure(column, weight=1)
            tk.Button(buttons, text=text, command=command).grid(row=0, column=column, sticky="we",
                                                                padx=(0 if column == 0 else 6, 0))
        return buttons

    def _make_pen_controls(self, parent):
        controls = tk.Frame(parent, bg=BACKGROUND)
        style = dict(bg=BACKGROUND, fg=TEXT, highlightthickness=0)
        tk.Label(controls, text="Pen width", **style).pack(side="left", anchor="s", pady=(0, 2))
        tk.Scale(controls, variable=self.pen_width, from_=PEN_WIDTHS[0], to=PEN_WIDTHS[1],
                 orient="horizontal", length=90, **style).pack(side="left", padx=(6, 0))
        tk.Checkbutton(controls, text="Predict after\neach stroke", justify="left",
                       variable=self.predict_after_stroke, selectcolor=BACKGROUND,
                       activebackground=BACKGROUND, activeforeground=TEXT,
                       **style).pack(side="right", anchor="s")
        return controls

    def _bind_keys(self):
        for key, command in (("<Return>", self.predict), ("<KP_Enter>", self.predict),
                             ("<Escape>", self.clear), ("<Control-z>", self.undo),
                             ("<Control-Z>", self.undo)):
            self.root.bind(key, lambda event, command=command: command())

    # ------------------------------------------------------------ drawing

    def begin_stroke(self, x, y):
        """Pen down at canvas pixel (x, y), with the width the slider shows."""
        width = self.pen_width.get()
        self.drawing.begin_stroke(x, y, width)
        self.lines.append(self.canvas.create_line(x, y, x, y, width=width, fill="white",
                                                  capstyle="round", joinstyle="round"))
        self.pen_down = True

    def extend_stroke(self, x, y):
        """Pen moved to (x, y) while down: the stroke grows on screen and in the image."""
        if not self.pen_down:
            return
        self.drawing.extend_stroke(x, y)
        points = self.drawing.strokes[-1].points
        self.canvas.coords(self.lines[-1], *[c for point in points for c in point])

    def end_stroke(self):
        """Pen up: the stroke is finished; read the digit unless that is switched off."""
        if not self.pen_down:
            return
        self.pen_down = False
        if self.predict_after_stroke.get():
            self.predict()

    def draw(self, points):
        """Draw one stroke through points [(x, y), ...], as the mouse would."""
        self.begin_stroke(*points[0])
        for x, y in points[1:]:
            self.extend_stroke(x, y)
        self.end_stroke()

    # ------------------------------------------------------------ the buttons

    def predict(self):
        """Show what the network reads in the drawing, or the prompt if there is nothing.

        Returns: the Prediction shown, or None for an empty canvas.
        """
        try:
            prediction = self.predictor.predict(self.drawing.image)
        except EmptyImageError:
            self.show_nothing()
            return None
        for view in self.views:
            view.show(prediction)
        return prediction

    def undo(self):
        """Remove the last stroke, then read what is left."""
        if self.pen_down or not self.lines:
            return
        self.drawing.undo()
        self.canvas.delete(self.lines.pop())
        if self.drawing.is_empty:
            self.show_nothing()
        elif self.predict_after_stroke.get():
            self.predict()

    def clear(self):
        """Remove every stroke."""
        self.pen_down = False
        self.drawing.clear()
        for line in self.lines:
            self.canvas.delete(line)
        self.lines.clear()
        self.show_nothing()

    def set_model(self, model):
        """Read with `model` from now on (Teach's, or the shipped one again): what it cannot
        show is checked again, and the views follow."""
        self.predictor.model = model
        self.limits = limits_of(self.predictor)
        self.looks.apply_limits()
        self.teach.apply_limits()
        if self.looks.inside is not None:
            self.looks.inside.model = model

    def show_nothing(self):
        for view in self.views:
            view.show_nothing()

    def close(self):
        """Close the app (its window's close button): a Watch-it-learn run saves its weights and a
        Teach under way stops before the window goes."""
        self.looks.close()
        self.teach.close()
        self.root.destroy()
