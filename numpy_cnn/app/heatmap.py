"""The "why this answer" heatmap laid over the drawing on the app's canvas.

The heatmap is computed on the network's 28x28 input, which to_mnist made from the drawing by
cropping it to its ink, scaling it so that its longer side is DIGIT_BOX (20) pixels and moving
it to centre its mass. To bring the heatmap back onto the canvas, match the two boxes of ink:
one input pixel covers k = (the canvas ink box's longer side) / 20 canvas pixels, and the centre
of the input's ink box lies over the centre of the canvas's. (to_mnist also thickens or thins
very thin or very thick strokes, which moves the box's edges by a fraction of an input pixel.)
"""
import numpy as np
from PIL import Image

from numpy_cnn import pictures
from numpy_cnn.preprocess import DIGIT_BOX, INK_THRESHOLD


def ink_box(ink, threshold):
    """(top, left, bottom, right) of the pixels >= threshold, bottom and right exclusive."""
    rows = np.flatnonzero((ink >= threshold).any(axis=1))
    cols = np.flatnonzero((ink >= threshold).any(axis=0))
    return rows[0], cols[0], rows[-1] + 1, cols[-1] + 1


def placement(drawing, network_input):
    """Where the network's input lies over the drawing.

    Inputs:  drawing -- (H, W) uint8, white ink on black (Drawing.image as an array);
             network_input -- (28, 28) float, what to_mnist made of it.
    Returns: (x0, y0, k): input pixel (row r, column c) covers the canvas square from
             (x0 + c*k, y0 + r*k) to (x0 + (c+1)*k, y0 + (r+1)*k).
    """
    top, left, bottom, right = ink_box(drawing, INK_THRESHOLD * 255)
    k = max(bottom - top, right - left) / DIGIT_BOX
    t, l, b, r = ink_box(network_input, 1e-6)
    return (left + right) / 2 - (l + r) / 2 * k, (top + bottom) / 2 - (t + b) / 2 * k, k


class CanvasHeatmap:
    """A see-through picture on top of the strokes of a Tk canvas (show(...) / hide())."""

    def __init__(self, canvas, size):
        from PIL import ImageTk      # here: placement() above is used (and tested) without Tk
        self.canvas, self.size = canvas, size
        self.photo = ImageTk.PhotoImage("RGBA", (size, size))
        self.item = None
        self.shown = None           # the RGBA array on the canvas, for the tests

    def show(self, heat, drawing, network_input):
        """heat: (28, 28) signed; drawing, network_input: as for placement()."""
        x0, y0, k = placement(drawing, network_input)
        side = max(1, round(heat.shape[0] * k))
        small = Image.fromarray(pictures.heat_rgba(heat), "RGBA")
        layer = Image.new("RGBA", (self.size, self.size), (0, 0, 0, 0))
        layer.paste(small.resize((side, side), Image.Resampling.NEAREST), (round(x0), round(y0)))
        self.shown = np.asarray(layer)
        self.photo.paste(layer)
        if self.item is None:
            self.item = self.canvas.create_image(0, 0, image=self.photo, anchor="nw")
        self.canvas.tag_raise(self.item)              # above the strokes drawn since

    def hide(self):
        if self.item is not None:
            self.canvas.delete(self.item)
            self.item, self.shown = None, None
