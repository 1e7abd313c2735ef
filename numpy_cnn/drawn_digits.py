"""Digits drawn with a pen, as a person draws them in the app, for training beside MNIST.

MNIST digits were written on paper and scanned; the app's digits are drawn with a mouse or a
stylus and reach the network through numpy_cnn.preprocess.to_mnist. The styles differ too:
MNIST has few crossed 7s, flagged 1s or open 4s, and nobody in it wrote a digit without lifting
the pen. A few thousand such drawings, mixed into every batch (numpy_cnn.train --drawn), show
the network what drawn digits look like.

Each digit has a few templates, written here as strokes in a unit box (x right, y down, 0..1),
in the order a hand draws them. One drawing picks a template and then, at random:
- a wobble: a smooth displacement of every point, so no two drawings bend the same way;
- a slant (shear -0.15 to 0.45: most writers lean right) and a box of random height and width
  (narrow for a 1), anywhere on the 280x280 canvas, and a pen 8 to 32 px wide;
- with probability 2/5, a coarse drawing: the whole digit is one path through 7 to 12 points at
  equal distances along it, its curves cut into corners, and the moves between strokes inked
  too (as a coarse tablet records a quick hand);
- otherwise, with probability 1/2, a multi-stroke digit is drawn without lifting the pen: the
  move from the end of one stroke to the start of the next is inked too.
The drawing is painted with a round pen (numpy_cnn.pen) and goes through to_mnist, exactly as
the app's drawings do.

These templates were written for training and are not those of the style set used to measure
(benchmarks/handwriting_sets.py): the benchmark would otherwise measure memory.
"""
import numpy as np

from .pen import arc, draw_strokes, place, resample, slant
from .preprocess import EmptyImageError, to_mnist


def _line(*points):
    return [tuple(map(float, p)) for p in points]


TEMPLATES = {
    0: [[arc(0.5, 0.5, 0.45, 0.5, -90, -450)],
        [arc(0.5, 0.5, 0.45, 0.5, -70, -430)],
        [arc(0.5, 0.5, 0.45, 0.5, -100, 275)]],
    1: [[_line((0.5, 0), (0.5, 1))],
        [_line((0.2, 0.25), (0.6, 0), (0.6, 1))],
        [_line((0.0, 0.45), (0.75, 0), (0.75, 1))],
        [_line((0.25, 0.3), (0.6, 0), (0.6, 1)), _line((0.2, 1), (0.95, 1))]],
    2: [[arc(0.5, 0.3, 0.42, 0.3, -165, 20) + _line((0.05, 1), (0.95, 1))],
        [arc(0.5, 0.3, 0.42, 0.3, -165, 30) + _line((0.2, 0.85))
         + arc(0.25, 0.9, 0.12, 0.1, 180, 450)[1:] + _line((0.95, 0.95))]],
    3: [[arc(0.45, 0.26, 0.4, 0.26, -160, 90) + arc(0.45, 0.74, 0.45, 0.26, -90, 150)],
        [_line((0.05, 0), (0.9, 0), (0.35, 0.42)) + arc(0.45, 0.71, 0.45, 0.29, -90, 150)]],
    4: [[_line((0.65, 0), (0.05, 0.65), (0.95, 0.65)), _line((0.68, 0.25), (0.68, 1))],
        [_line((0.15, 0), (0.1, 0.6), (0.95, 0.6)), _line((0.72, 0), (0.72, 1))],
        [_line((0.15, 0), (0.1, 0.6), (0.8, 0.6)), _line((0.75, 0.05), (0.72, 1))]],
    5: [[_line((0.22, 0), (0.15, 0.45)) + arc(0.45, 0.69, 0.42, 0.3, -145, 150),
         _line((0.22, 0), (0.9, 0))],
        [_line((0.9, 0), (0.2, 0), (0.15, 0.45)) + arc(0.45, 0.69, 0.42, 0.3, -145, 150)]],
    6: [[arc(0.75, 0.7, 0.65, 0.7, -90, -180) + arc(0.5, 0.72, 0.4, 0.28, 180, -180)[1:]],
        [_line((0.7, 0), (0.15, 0.6)) + arc(0.5, 0.74, 0.38, 0.26, 200, -160)]],
    7: [[_line((0.05, 0), (0.95, 0), (0.4, 1))],
        [_line((0.05, 0), (0.95, 0), (0.45, 1)), _line((0.3, 0.5), (0.9, 0.5))],
        [_line((0.05, 0.2), (0.05, 0), (0.95, 0), (0.4, 1))]],
    8: [[arc(0.5, 0.26, 0.34, 0.26, 90, 450), arc(0.5, 0.74, 0.42, 0.26, -90, 270)],
        [arc(0.5, 0.26, 0.34, 0.26, 30, -270) + arc(0.5, 0.74, 0.42, 0.26, -90, 250)]],
    9: [[arc(0.45, 0.3, 0.4, 0.3, 0, -360) + _line((0.85, 1))],
        [arc(0.45, 0.3, 0.4, 0.3, 0, -360) + _line((0.85, 0.8), (0.6, 1), (0.3, 0.95))]],
}
WIDTHS = {1: (0.15, 0.55)}        # the box's width over its height; other digits (0.55, 0.95)


def wobble(strokes, rng, amplitude=0.04):
    """Move every point of unit-box strokes by a smooth random field (a sine along each axis)."""
    a = rng.uniform(0, amplitude, 2)
    f = rng.uniform(0.5, 1.5, 2)
    phase = rng.uniform(0, 2 * np.pi, 2)
    return [[(x + a[0] * np.sin(2 * np.pi * f[0] * y + phase[0]),
              y + a[1] * np.sin(2 * np.pi * f[1] * x + phase[1])) for x, y in stroke]
            for stroke in strokes]


def in_a_hand(strokes, rng, coarse=0.4, joined=0.5, shear=(-0.15, 0.45)):
    """Unit-box strokes as one hand draws them: with probability `coarse` one coarse path (7 to
    12 points at equal distances along all the strokes, the moves between them inked), else, if
    there are several strokes, with probability `joined` the pen never lifts; then a wobble and
    a slant drawn from `shear` (the module docstring). numpy_cnn.outliers draws letters with it.
    """
    if rng.random() < coarse:                                          # coarse: one path
        strokes = [resample([p for stroke in strokes for p in stroke], rng.integers(7, 13))]
    elif len(strokes) > 1 and rng.random() < joined:
        strokes = [[p for stroke in strokes for p in stroke]]          # the pen never lifts
    return slant(wobble(strokes, rng), rng.uniform(*shear))


def random_drawn_digit(digit, rng):
    """Strokes (canvas coordinates) and a pen width for one drawing of digit (module docstring)."""
    strokes = in_a_hand(TEMPLATES[digit][rng.integers(len(TEMPLATES[digit]))], rng)
    width = rng.uniform(*WIDTHS.get(digit, (0.55, 0.95)))
    return place(strokes, rng, width=width, jitter=0.0), rng.uniform(8, 32)


def drawn_digit_bank(n, rng):
    """n drawn digits, as the network sees them, with their labels (0-9 in turn).

    Returns: images (n, 28, 28) uint8 (ink 255, after to_mnist) and labels (n,) int64.
    """
    labels = np.arange(n) % 10
    images = np.zeros((n, 28, 28), np.uint8)
    for i, digit in enumerate(labels):
        while True:
            strokes, width = random_drawn_digit(int(digit), rng)
            try:
                images[i] = np.round(to_mnist(draw_strokes(strokes, width)) * 255)
                break
            except EmptyImageError:
                continue
    return images, labels
