"""The "Inside" window: what every layer of the network computed from the drawing.

    +---------------------+-------------------------------+----------------------------+
    | input (28, 28, 1)   | conv1 (Conv2D) -> (26,26,32)  | Closer look: conv2, map 17 |
    | [the 28x28, or the  | [32 maps, 8 a row]            | [the map, enlarged]        |
    |  heatmap over it]   |                               | = bias + sum over inputs:  |
    | Why this answer?    | conv2 (Conv2D) -> (11,11,64)  | [input] * [3x3] = [part]   |
    | dense (128,)        | [64 maps, 8 a row]            |   (the 4 that add most)    |
    | probabilities (10,) |                               |                            |
    +---------------------+-------------------------------+----------------------------+

Every picture is an array of numpy_cnn.insight.trace for the current drawing, coloured by
numpy_cnn.pictures; the captions (layer, class, shape) are read from the same trace. Clicking
a map selects it for the closer look, which shows how its layer computed it:
    conv output map f = b[f] + sum over input maps c of (map c filtered by W[:, :, c, f]).
gui.looks opens this window and calls show(trace, heat) after every stroke.
"""
import tkinter as tk

import numpy as np

from numpy_cnn import pictures
from numpy_cnn.insight import (ARROW, DENSE, DENSE_RELU, LOGITS, MAP_LAYERS, caption,
                               contributions, strongest_inputs, then_caption, trace)

from .panels import MapGrid, Picture, note, title
from .widgets import BACKGROUND, TEXT, ProbabilityBars, Scrolling

TITLE = "numpy-cnn: inside the network"
MAP_GRIDS = {"conv1": (8, 2), "conv2": (8, 4)}      # maps per row, screen pixels per number
INPUT_ZOOM = 5
DENSE_COLUMNS, DENSE_ZOOM = 16, 14
CLOSER_SIZE = 150               # the selected map is enlarged to at most this many pixels
CLOSER_INPUTS = 4               # input maps shown in the closer look
CLOSER_WIDTH = 250              # its text wraps at this many pixels
WHY_CHOICES = (("off", "off"), ("saliency", "saliency: d score / d pixel"),
               ("grad-cam", "Grad-CAM on conv2"))
WHY_LEGEND = "red: pushed the answer up; blue: down"
MAP_LEGEND = ("orange: positive, let through by the ReLU that follows; blue: negative, set to "
              "0 by it (each sign on its own scale, one for the layer). Click a map to look "
              "closer.")


class InsideWindow(tk.Toplevel):
    """Inputs: parent -- the app's root; model -- the Sequential the app reads with (the
    reference network); why -- the tk.StringVar of the heatmap choice ("off", "saliency",
    "grad-cam"), shared with the main window's buttons.

    show(t, heat) shows a Trace; show_nothing() empties the pictures; select(name, index)
    picks the map for the closer look, as a click on it does.
    """

    def __init__(self, parent, model, why):
        super().__init__(parent, bg=BACKGROUND, padx=12, pady=10)
        self.title(TITLE)
        self.resizable(False, False)
        self.model = model
        self.trace, self.heat = None, None
        self.selected = None                                  # (layer name, map index)
        blank = trace(model, np.zeros(model.input_shape, model.dtype))   # names and shapes

        self.body = Scrolling(self)     # scrolls on a screen too small for the window
        self.body.pack(fill="both", expand=True)
        content = self.body.inner
        left, middle = tk.Frame(content, bg=BACKGROUND), tk.Frame(content, bg=BACKGROUND)
        self.closer = CloserLook(content)
        left.grid(row=0, column=0, sticky="n")
        middle.grid(row=0, column=1, sticky="n", padx=18)
        self.closer.grid(row=0, column=2, sticky="n")
        self._make_left(left, why, blank)
        self._make_maps(middle, blank)
        self.show_nothing()

    def _make_left(self, frame, why, blank):
        title(frame, f"input {ARROW} {blank.image.shape}").pack(anchor="w")
        note(frame, "to_mnist(your drawing)").pack(anchor="w")
        self.input = Picture(frame)
        self.input.pack(anchor="w", pady=(2, 8))
        title(frame, "Why this answer?").pack(anchor="w")
        for value, text in WHY_CHOICES:
            tk.Radiobutton(frame, text=text, value=value, variable=why, bg=BACKGROUND, fg=TEXT,
                           selectcolor=BACKGROUND, activebackground=BACKGROUND,
                           activeforeground=TEXT, highlightthickness=0).pack(anchor="w")
        note(frame, WHY_LEGEND).pack(anchor="w", pady=(0, 10))
        units = blank.outputs[DENSE_RELU].shape[0]
        self.dense = MapGrid(frame, (1, 1, units), DENSE_COLUMNS, DENSE_ZOOM)
        self.dense.heading.config(text=f"{DENSE} ({blank.classes[DENSE]}) +\n"
                                       f"{caption(blank, DENSE_RELU)}")
        self.dense.pack(anchor="w", pady=(0, 10))
        title(frame, f"{LOGITS} ({blank.classes[LOGITS]}) + softmax\n{ARROW} "
                     f"{blank.outputs[LOGITS].shape}").pack(anchor="w")
        self.bars = ProbabilityBars(frame)
        self.bars.pack(anchor="w", pady=(4, 0))

    def _make_maps(self, frame, blank):
        self.grids = {}
        for name, upto in MAP_LAYERS.items():
            columns, zoom = MAP_GRIDS[name]
            grid = MapGrid(frame, blank.outputs[name].shape, columns, zoom,
                           on_click=lambda index, name=name: self.select(name, index))
            grid.heading.config(text=caption(blank, name))
            grid.pack(anchor="w")
            note(frame, then_caption(blank, name, upto)).pack(anchor="w", pady=(0, 10))
            self.grids[name] = grid
        width = max(grid.picture.winfo_reqwidth() for grid in self.grids.values())
        note(frame, MAP_LEGEND, width=width).pack(anchor="w")

    def show(self, t, heat=None):
        """t: the Trace of the current drawing; heat: a (28, 28) heatmap to lay over the
        input (gui.looks computes it), or None."""
        self.trace, self.heat = t, heat
        image = t.image[:, :, 0]
        rgb = pictures.grey(image) if heat is None else pictures.heat_overlay(image, heat)
        self.input.show(pictures.enlarge(rgb, INPUT_ZOOM))
        for name, grid in self.grids.items():
            grid.show(t.outputs[name], pictures.colour_layer(t.outputs[name]))
        dense = t.outputs[DENSE_RELU]
        self.dense.show(dense[np.newaxis, np.newaxis],
                        pictures.colour_layer(dense)[np.newaxis, np.newaxis])
        self.bars.show(t)                       # a Trace has .probabilities and .digit
        if self.selected:
            self.closer.show(self.model, t, *self.selected)

    def show_nothing(self):
        """No drawing: black pictures (every number 0) and a prompt."""
        self.trace, self.heat = None, None
        h, w, _ = self.model.input_shape
        self.input.show(pictures.enlarge(pictures.grey(np.zeros((h, w))), INPUT_ZOOM))
        for grid in (*self.grids.values(), self.dense):
            zeros = np.zeros(grid.shape)
            grid.show(zeros, pictures.colour_layer(zeros))
        self.bars.show_nothing()
        self.closer.show_nothing()

    def select(self, name, index):
        """Look closer at map `index` of layer `name`."""
        for grid_name, grid in self.grids.items():
            grid.select(index if grid_name == name else None)
        self.selected = (name, index)
        if self.trace is not None:
            self.show(self.trace, self.heat)


class CloserLook(tk.Frame):
    """One map of a convolution, enlarged, beside what made it: its strongest input maps, each
    filtered by its own 3x3 slice of the kernel into the part it adds to the map."""

    def __init__(self, parent):
        super().__init__(parent, bg=BACKGROUND)
        self.heading = title(self, "")
        self.map = Picture(self)
        self.formula = note(self, "", width=CLOSER_WIDTH)
        self.rows = [CloserRow(self) for _ in range(CLOSER_INPUTS)]
        self.footer = note(self, "", width=CLOSER_WIDTH)
        for row, widget in enumerate((self.heading, self.map, self.formula, *self.rows,
                                      self.footer)):
            widget.grid(row=row, column=0, sticky="w", pady=(6, 0))

    def show(self, model, t, name, f):
        """Map f of the convolution `name`, for the Trace t."""
        conv = next(layer for layer in model.layers if layer.name == name)
        x, out = t.input_of(name), t.outputs[name]
        scales = pictures.sign_scales(out)                 # the whole layer's, as in its grid
        zoom = max(1, CLOSER_SIZE // out.shape[0])
        self.heading.config(text=f"Closer look:\n{name}, map {f} of {out.shape[2]}")
        self.map.show(pictures.enlarge(pictures.colour_layer(out[:, :, f], scales), zoom))
        channels, totals = strongest_inputs(conv, x, f, CLOSER_INPUTS)
        parts = contributions(conv, x, f)
        bias = float(conv.params["b"][f])
        inputs = "the input" if x.shape[2] == 1 else f"its {x.shape[2]} input maps"
        self.formula.config(text=f"= bias ({bias:+.2f}) + the sum over {inputs} of each, "
                                 f"filtered by its own {conv.kernel_size[0]}x"
                                 f"{conv.kernel_size[1]} weights. "
                                 + ("" if x.shape[2] == 1 else
                                    f"The {len(channels)} that add the most:"))
        is_image = x is t.image
        kernel = conv.params["W"][:, :, :, f]
        part_scales = pictures.sign_scales(parts[:, :, channels])    # one scale for the parts
        input_scales = None if is_image else pictures.sign_scales(x)  # the input layer's
        for row, c, total in zip(self.rows, channels, totals):
            source = (pictures.grey(x[:, :, c]) if is_image else
                      pictures.colour_layer(x[:, :, c], input_scales))
            row.show(source, pictures.colour_signed(kernel[:, :, c], pictures.scale_of(kernel)),
                     pictures.colour_layer(parts[:, :, c], part_scales),
                     "input" if is_image else f"map {c}", total)
        for row in self.rows[len(channels):]:
            row.grid_remove()
        rest = float(parts.sum() - totals.sum())
        self.footer.config(text="" if len(channels) == x.shape[2] else
                           f"The other {x.shape[2] - len(channels)} add {rest:+.1f} in all.")

    def show_nothing(self):
        self.heading.config(text="Closer look:\nno map chosen")
        self.map.clear(CLOSER_SIZE - CLOSER_SIZE % 26, CLOSER_SIZE - CLOSER_SIZE % 26)
        self.formula.config(text="Draw a digit in the main window, then click a map of conv1 "
                                 "or conv2 to see how it was computed.")
        for row in self.rows:
            row.grid_remove()
        self.footer.config(text="")


class CloserRow(tk.Frame):
    """[input map] * [3x3 weights] = [its part of the map], and how much that part adds."""

    SIZE = 66                   # pixels for a map or a kernel

    def __init__(self, parent):
        super().__init__(parent, bg=BACKGROUND)
        self.source, self.kernel, self.part = Picture(self), Picture(self), Picture(self)
        self.label = note(self, "")
        for column, widget in enumerate((self.source, tk_text(self, "\u2217"), self.kernel,
                                         tk_text(self, "="), self.part)):
            widget.grid(row=0, column=column, padx=2)
        self.label.grid(row=1, column=0, columnspan=5, sticky="w")

    def show(self, source, kernel, part, name, total):
        self.source.show(pictures.enlarge(source, max(1, self.SIZE // source.shape[0])))
        self.kernel.show(pictures.enlarge(kernel, self.SIZE // kernel.shape[0]))
        self.part.show(pictures.enlarge(part, max(1, self.SIZE // part.shape[0])))
        self.label.config(text=f"{name}: adds {total:+.1f} in all")
        if not self.winfo_manager():                 # removed (grid_remove): back in place
            self.grid()


def tk_text(parent, text):
    return tk.Label(parent, text=text, bg=BACKGROUND, fg=TEXT, font=("Helvetica", 14))
