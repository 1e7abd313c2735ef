"""Digits drawn with a pen, as a person draws them in the app, for training beside MNIST.

MNIST digits were written on paper and scanned; the app's digits are drawn with a mouse or a
stylus and reach the network through numpy_cnn.preprocess.to_mnist. The styles differ too:
MNIST has few crossed 7s, flagged 1s or open 4s, and nobody in it wrote a digit without lifting
the pen. A few thousand such drawings, mixed into every batch (numpy_cnn.train --drawn), show
the network what drawn digits look like.

Each digit has four to eight templates, named by style ("0 slashed", "7 crossed", "9 open
loop", ...: TEMPLATES), written here as strokes in a unit box (x right, y down, 0..1), in the
order and direction a hand draws them: a 0 started at the top, either way round; a 5 as stem and
bowl, then its bar; a crossed 7 with its bar last; an 8 from the top right; a 9 from the top right,
its loop counter-clockwise, then the stem. One drawing picks a template (or is given one) and
then, at random:
- a wobble: a smooth displacement of every point, so no two drawings bend the same way;
- with probability COARSE (1/2), a coarse drawing: the whole digit is one path through 6 to 12
  points at equal distances along it, its curves cut into corners, and the moves between strokes
  inked too (as a coarse tablet records a quick hand: the move from a 5's bowl up to its bar, or
  from a 7's foot back to its crossbar, becomes a line);
- otherwise, with probability 1/2, a multi-stroke digit is drawn without lifting the pen: the
  move from the end of one stroke to the start of the next is inked too;
- a slant both ways (shear -0.35 to 0.5: most writers lean right), a box of random width over
  height (0.45 to 1; 0.12 to 0.5 for a 1, 0.35 to 0.9 for an 8), and one of three sizes: 1 in
  10 small (40-90 px high) against two edges of the 280x280 canvas with a pen of 6 to 16 px,
  1 in 10 filling the canvas (240-265 px), the rest 80-230 px anywhere; the pen 6 to 40 px wide
  (the app's slider), at most a quarter of the height. The slant comes before the box's width,
  so a narrow 1 leans less than a wide 0. A drawing whose ink would leave the canvas is shrunk
  to fit (fit).
The drawing is painted with a round pen (numpy_cnn.pen) and goes through to_mnist, exactly as
the app's drawings do.

These templates were written for training and are not those of the style set used to measure
(benchmarks/handwriting_sets.py): the styles issue 22 names have the same names in both, but
their strokes were written separately here, with other coordinates (tests/test_drawn_digits.py
checks that none is a copy), or the benchmark would measure memory. No held-out set's points
(pendigits, Chars74K) went into them.
"""
import numpy as np

from .pen import CANVAS, arc, draw_strokes, place, resample, slant
from .preprocess import EmptyImageError, to_mnist


def _line(*points):
    return [tuple(map(float, p)) for p in points]


# {digit: {style name: strokes}}. The styles named in issue 22 (a slashed and a dotted 0, a 1
# with a flag and a base, crossed 7s, open and closed 4s, 9s with a straight, curved or open
# stem, a 2 with a loop, 6s and 9s with open loops) have the names the styles benchmark gives
# them; their strokes are written here afresh, not taken from it.
TEMPLATES = {
    0: {"0 oval": [arc(0.5, 0.5, 0.46, 0.5, -90, -450)],
        "0 clockwise": [arc(0.5, 0.5, 0.45, 0.5, -95, 270)],
        "0 overshoot": [arc(0.5, 0.5, 0.45, 0.5, -70, -470)],
        "0 open at the top": [arc(0.5, 0.5, 0.46, 0.5, -105, -425)],
        "0 slashed": [arc(0.5, 0.5, 0.44, 0.5, -90, -450), _line((0.93, -0.04), (0.08, 1.03))],
        "0 slashed inside": [arc(0.5, 0.5, 0.45, 0.5, -80, -440),
                             _line((0.76, 0.16), (0.24, 0.84))],
        "0 dotted": [arc(0.5, 0.5, 0.45, 0.5, -90, -450),
                     _line((0.49, 0.47), (0.52, 0.5), (0.5, 0.53))]},
    1: {"1 bar": [_line((0.55, 0), (0.5, 0.5), (0.45, 1))],
        "1 short flag": [_line((0.2, 0.25), (0.6, 0), (0.6, 1))],
        "1 long flag": [_line((0.0, 0.5), (0.72, 0), (0.74, 1))],
        "1 curved flag": [arc(0.75, 0.55, 0.75, 0.55, 180, 270) + _line((0.74, 1))],
        "1 flag and base": [_line((0.25, 0.3), (0.6, 0), (0.6, 1)), _line((0.2, 1), (0.95, 1))],
        "1 long flag and base": [_line((0.02, 0.45), (0.58, 0), (0.6, 1)),
                                 _line((0.1, 0.98), (1.0, 1.0))]},
    2: {"2 plain": [arc(0.5, 0.3, 0.42, 0.3, -165, 20) + _line((0.05, 1), (0.95, 1))],
        "2 with a loop": [arc(0.5, 0.3, 0.42, 0.3, -165, 30) + _line((0.2, 0.85))
                          + arc(0.25, 0.9, 0.12, 0.1, 180, 450)[1:] + _line((0.95, 0.95))],
        "2 angular": [_line((0.04, 0.14), (0.45, 0.0), (0.86, 0.12), (0.9, 0.32), (0.06, 1.0),
                            (0.96, 0.97))],
        "2 wavy base": [arc(0.48, 0.28, 0.4, 0.28, -170, 25) + _line((0.1, 0.9))
                          + arc(0.55, 1.05, 0.45, 0.15, 200, 340)[1:]]},
    3: {"3 round": [arc(0.45, 0.26, 0.4, 0.26, -160, 90) + arc(0.45, 0.74, 0.45, 0.26, -90, 150)],
        "3 flat top": [_line((0.05, 0), (0.9, 0), (0.35, 0.42))
                       + arc(0.45, 0.71, 0.45, 0.29, -90, 150)],
        "3 two strokes": [arc(0.45, 0.25, 0.4, 0.25, -170, 95),
                          arc(0.47, 0.74, 0.45, 0.26, -115, 160)],
        "3 pointed middle": [arc(0.48, 0.25, 0.42, 0.25, -165, 70) + _line((0.3, 0.5))
                             + arc(0.48, 0.74, 0.44, 0.26, -105, 150)]},
    4: {"4 closed": [_line((0.62, 0), (0.04, 0.62), (0.96, 0.62)), _line((0.64, 0.02), (0.66, 1))],
        "4 crossed stem": [_line((0.65, 0), (0.05, 0.65), (0.95, 0.65)),
                           _line((0.68, 0.25), (0.68, 1))],
        "4 open": [_line((0.15, 0), (0.1, 0.6), (0.95, 0.6)), _line((0.72, 0), (0.72, 1))],
        "4 open, short stem": [_line((0.15, 0), (0.1, 0.6), (0.8, 0.6)),
                               _line((0.75, 0.15), (0.72, 1))],
        "4 open, leaning arm": [_line((0.32, 0), (0.04, 0.58), (0.94, 0.58)),
                                _line((0.7, 0.08), (0.66, 1))]},
    5: {"5 bar last": [_line((0.22, 0), (0.15, 0.45)) + arc(0.45, 0.69, 0.42, 0.3, -145, 150),
                       _line((0.22, 0), (0.9, 0))],
        "5 bar last, right to left": [_line((0.24, 0.04), (0.18, 0.46))
                                      + arc(0.47, 0.7, 0.42, 0.3, -150, 145),
                                      _line((0.92, 0.0), (0.26, 0.03))],
        "5 one stroke": [_line((0.9, 0), (0.2, 0), (0.15, 0.45))
                         + arc(0.45, 0.69, 0.42, 0.3, -145, 150)],
        "5 angular": [_line((0.2, 0), (0.14, 0.44), (0.72, 0.44), (0.86, 0.74), (0.62, 1),
                            (0.08, 0.94)), _line((0.2, 0.01), (0.92, 0.03))]},
    6: {"6 plain": [arc(0.75, 0.7, 0.65, 0.7, -90, -180)
                    + arc(0.5, 0.72, 0.4, 0.28, 180, -180)[1:]],
        "6 straight stem": [_line((0.7, 0), (0.15, 0.6)) + arc(0.5, 0.74, 0.38, 0.26, 200, -160)],
        "6 open loop": [arc(0.75, 0.7, 0.65, 0.7, -95, -180)
                        + arc(0.52, 0.72, 0.42, 0.28, 180, -95)[1:]],
        "6 small loop": [arc(0.9, 0.8, 0.8, 0.8, -100, -180)
                         + arc(0.38, 0.82, 0.28, 0.18, 180, -170)[1:]]},
    7: {"7 plain": [_line((0.05, 0), (0.95, 0), (0.4, 1))],
        "7 crossed": [_line((0.05, 0), (0.95, 0), (0.45, 1)), _line((0.3, 0.5), (0.9, 0.5))],
        "7 crossed, short bar": [_line((0.08, 0.05), (0.92, 0.0), (0.5, 1)),
                                 _line((0.48, 0.56), (0.9, 0.52))],
        "7 crossed, curved stem": [_line((0.04, 0.03), (0.95, 0.02), (0.75, 0.3), (0.6, 0.62),
                                         (0.53, 1)), _line((0.36, 0.47), (0.96, 0.45))],
        "7 with a serif": [_line((0.05, 0.2), (0.05, 0), (0.95, 0), (0.4, 1))],
        "7 crossed, with a serif": [_line((0.06, 0.24), (0.03, 0.02), (0.94, 0.0), (0.42, 1)),
                                    _line((0.26, 0.56), (0.84, 0.53))]},
    8: {"8 from the top right": [arc(0.5, 0.25, 0.36, 0.25, -40, -200) + _line((0.86, 0.72))
                                 + arc(0.5, 0.75, 0.38, 0.25, -10, 200)[1:] + _line((0.78, 0.09))],
        "8 snowman": [arc(0.5, 0.26, 0.34, 0.26, 90, 450), arc(0.5, 0.74, 0.42, 0.26, -90, 270)],
        "8 one stroke": [arc(0.5, 0.26, 0.34, 0.26, 30, -270)
                         + arc(0.5, 0.74, 0.42, 0.26, -90, 250)],
        "8 S and a line": [arc(0.5, 0.25, 0.38, 0.25, -30, -270)
                           + arc(0.5, 0.75, 0.42, 0.25, -90, 150)[1:],
                           _line((0.16, 0.84), (0.8, 0.15))]},
    9: {"9 straight stem": [arc(0.45, 0.3, 0.4, 0.3, -30, -360) + _line((0.85, 1))],
        "9 closed, retraced stem": [arc(0.45, 0.3, 0.4, 0.3, -20, -380) + _line((0.82, 1))],
        "9 slanted stem": [arc(0.5, 0.28, 0.42, 0.28, -40, -360) + _line((0.62, 1))],
        "9 curved stem": [arc(0.45, 0.3, 0.4, 0.3, 0, -360) + _line((0.85, 0.8), (0.6, 1),
                                                                     (0.3, 0.95))],
        "9 open loop": [arc(0.45, 0.3, 0.4, 0.3, -40, -300), _line((0.88, 0.05), (0.86, 1))],
        "9 open loop, one stroke": [arc(0.45, 0.3, 0.4, 0.3, -50, -360) + _line((0.85, 1))],
        "9 small head, hooked stem": [arc(0.52, 0.19, 0.3, 0.19, -25, -365)
                                      + _line((0.8, 0.62), (0.7, 0.88), (0.45, 1.0), (0.22, 0.9))],
        "9 small head, long stem": [arc(0.55, 0.18, 0.33, 0.18, -35, -360) + _line((0.84, 1))]},
}
WIDTHS = {1: (0.12, 0.5), 8: (0.35, 0.9)}    # the box's width over its height; others (0.45, 1.0)
COARSE = 0.5                       # the share of drawings made coarse (module docstring)


def wobble(strokes, rng, amplitude=0.04):
    """Move every point of unit-box strokes by a smooth random field (a sine along each axis)."""
    a = rng.uniform(0, amplitude, 2)
    f = rng.uniform(0.5, 1.5, 2)
    phase = rng.uniform(0, 2 * np.pi, 2)
    return [[(x + a[0] * np.sin(2 * np.pi * f[0] * y + phase[0]),
              y + a[1] * np.sin(2 * np.pi * f[1] * x + phase[1])) for x, y in stroke]
            for stroke in strokes]


def style_names(digit):
    """The names of digit's templates, in TEMPLATES' order."""
    return list(TEMPLATES[digit])


def to_corner(strokes, rng, margin):
    """Move canvas strokes so their points touch two edges of the canvas, margin px away."""
    points = np.concatenate([np.asarray(s, float) for s in strokes])
    low, high = points.min(axis=0), points.max(axis=0)
    shift = [margin - low[a] if rng.random() < 0.5 else CANVAS - margin - high[a] for a in (0, 1)]
    return [[(x + shift[0], y + shift[1]) for x, y in stroke] for stroke in strokes]


def fit(strokes, pen, margin=4):
    """Canvas strokes shrunk (about their box's centre) and moved, only as far as needed, so
    that their ink, pen/2 around each point, stays margin px inside the canvas."""
    points = np.concatenate([np.asarray(s, float) for s in strokes])
    low, high = points.min(axis=0), points.max(axis=0)
    edge = pen / 2 + margin
    room = CANVAS - 2 * edge
    scale = min(1.0, room / max(high - low))
    centre = (low + high) / 2
    low, high = centre + (low - centre) * scale, centre + (high - centre) * scale
    shift = np.clip(low, edge, None) - low + np.clip(high, None, CANVAS - edge) - high
    return [[tuple(centre + (np.asarray(p) - centre) * scale + shift) for p in stroke]
            for stroke in strokes]


def in_a_hand(strokes, rng, coarse=COARSE, joined=0.5, shear=(-0.35, 0.5), points=(6, 13)):
    """Unit-box strokes as one hand draws them: with probability `coarse` one coarse path (6 to
    12 points, from `points`, at equal distances along all the strokes, the moves between them
    inked), else, if there are several strokes, with probability `joined` the pen never lifts;
    then a wobble and a slant drawn from `shear` (the module docstring). numpy_cnn.letters and
    numpy_cnn.outliers draw letters and doodles with it.
    """
    if rng.random() < coarse:                                          # coarse: one path
        strokes = [resample([p for stroke in strokes for p in stroke], rng.integers(*points))]
    elif len(strokes) > 1 and rng.random() < joined:
        strokes = [[p for stroke in strokes for p in stroke]]          # the pen never lifts
    return slant(wobble(strokes, rng), rng.uniform(*shear))


def random_drawn_digit(digit, rng, style=None):
    """Strokes (canvas coordinates) and a pen width for one drawing of digit (module docstring).

    Inputs: style -- a name of TEMPLATES[digit] (default: one at random).
    """
    names = style_names(digit)
    strokes = TEMPLATES[digit][style if style is not None else names[rng.integers(len(names))]]
    strokes = in_a_hand(strokes, rng)
    width = rng.uniform(*WIDTHS.get(digit, (0.45, 1.0)))
    manner = rng.random()
    if manner < 0.1:                                                   # small, in a corner
        size = rng.uniform(40, 90)
        pen = rng.uniform(6, min(16, size / 4))
        placed = to_corner(place(strokes, rng, size=size, width=width, jitter=0.0), rng,
                           margin=pen / 2 + rng.uniform(2, 12))
        return fit(placed, pen), pen
    size = rng.uniform(240, 265) if manner < 0.2 else rng.uniform(80, 230)   # 0.2: filling it
    pen = rng.uniform(6, min(40, size / 4))
    return fit(place(strokes, rng, size=size, width=width, jitter=0.0), pen), pen


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
