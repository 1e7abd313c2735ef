"""A few digits as pen strokes on the app's 280 x 280 canvas, drawn the way a hand would: for
the tests, the benchmarks and the screenshots of both apps (a mouse can replay them too).

    drawing = draw(DIGIT_STROKES[7])        # an app.drawing.Drawing, its .image the PIL canvas
"""
import numpy as np

from .drawing import Drawing


def arc(cx, cy, rx, ry, start, end, points=20):
    """Points along an ellipse from angle start to end (radians; y grows downwards)."""
    return [(round(cx + rx * np.cos(a)), round(cy + ry * np.sin(a)))
            for a in np.linspace(start, end, points)]


DIGIT_STROKES = {       # digit -> [stroke, ...], each stroke [(x, y), ...] in canvas pixels
    0: [arc(140, 140, 60, 95, 0, 2 * np.pi, 40)],
    1: [[(140, 40), (140, 240)]],
    2: [arc(140, 95, 55, 50, np.pi * 1.1, np.pi * 2.25) + [(90, 235), (200, 235)]],
    3: [arc(135, 90, 50, 48, -np.pi * 0.8, np.pi * 0.5) +
        arc(135, 185, 55, 52, -np.pi * 0.5, np.pi * 0.8)],
    4: [[(170, 40), (80, 170), (210, 170)], [(170, 40), (170, 245)]],
    7: [[(80, 50), (210, 50), (120, 245)]],
}


def draw(strokes, width=20, size=280):
    """Returns: a Drawing of the strokes with a pen `width` pixels wide."""
    drawing = Drawing(size)
    for stroke in strokes:
        drawing.begin_stroke(*stroke[0], width=width)
        for x, y in stroke[1:]:
            drawing.extend_stroke(x, y)
    return drawing
