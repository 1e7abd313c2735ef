"""Drawing with a pen, as the app does, for the training drawings of numpy_cnn.outliers and
numpy_cnn.drawn_digits.

A drawing is a list of strokes; a stroke a list of (x, y) points. Shapes are written in a unit
box (x right, y down, 0..1), then slanted, stretched, placed on the 280x280 canvas and painted
with a round pen, as the app paints a mouse stroke.
"""
import numpy as np
from PIL import Image, ImageDraw

CANVAS = 280


def draw_strokes(strokes, width):
    """Paint strokes (lists of (x, y) canvas points) with a round pen of the given width.

    Returns: a CANVAS x CANVAS greyscale PIL image, white ink on black.
    """
    image = Image.new("L", (CANVAS, CANVAS), 0)
    draw = ImageDraw.Draw(image)
    r = width / 2
    for stroke in strokes:
        points = [tuple(map(float, p)) for p in stroke]
        if len(points) > 1:
            draw.line(points, fill=255, width=int(round(width)), joint="curve")
        for x, y in points:                           # round caps and joints
            draw.ellipse([x - r, y - r, x + r, y + r], fill=255)
    return image


def arc(cx, cy, rx, ry, start, end, samples=None):
    """Points along an ellipse from angle start to end, in degrees (0 = right, 90 = down)."""
    samples = samples or max(3, int(abs(end - start) / 12) + 1)
    t = np.radians(np.linspace(start, end, samples))
    return list(zip(cx + rx * np.cos(t), cy + ry * np.sin(t)))


def rotate(strokes, angle):
    """Rotate unit-box strokes by angle (radians) about the box's centre."""
    c, s = np.cos(angle), np.sin(angle)
    return [[(0.5 + c * (x - 0.5) - s * (y - 0.5), 0.5 + s * (x - 0.5) + c * (y - 0.5))
             for x, y in stroke] for stroke in strokes]


def slant(strokes, shear):
    """Lean unit-box strokes: points higher up move right by shear times their height."""
    return [[(x + shear * (0.5 - y), y) for x, y in stroke] for stroke in strokes]


def resample(stroke, count):
    """count points at equal distances along a stroke (corners between them are cut)."""
    points = np.asarray(stroke, float)
    steps = np.linalg.norm(np.diff(points, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    if along[-1] == 0:
        return [tuple(points[0])] * count
    wanted = np.linspace(0, along[-1], count)
    return list(zip(np.interp(wanted, along, points[:, 0]), np.interp(wanted, along, points[:, 1])))


def place(strokes, rng, size=None, width=None, jitter=0.03):
    """Scale unit-box strokes to a box of random size and place it anywhere on the canvas.

    Inputs: size -- the box's height in pixels (default random, 80 to 230); width -- the box's
            width relative to its height (default random, 0.74 to 1.35); jitter -- the standard
            deviation of a random nudge of every point, in box units.
    Returns: the strokes in canvas coordinates.
    """
    size = rng.uniform(80, 230) if size is None else size
    width = np.exp(rng.uniform(-0.3, 0.3)) if width is None else width
    sx, sy = size * width, size
    x0 = rng.uniform(10, max(11, CANVAS - 10 - sx))
    y0 = rng.uniform(10, max(11, CANVAS - 10 - sy))
    return [[(x0 + sx * (x + rng.normal(0, jitter)), y0 + sy * (y + rng.normal(0, jitter)))
             for x, y in stroke] for stroke in strokes]
