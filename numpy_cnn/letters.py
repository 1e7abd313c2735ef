"""Letters as people draw them, for the "letter" outliers of numpy_cnn.outliers.

Every capital and small letter has one to three templates here, strokes in a unit box (x right,
y down, 0..1) in the order a hand draws them, as numpy_cnn.drawn_digits writes digits: print
and rounder forms (a C open wide or a little less, a U and a u with or without its stem, an e
with a straight bar or a loop, a y with a straight or a curled tail, ...). random_letter draws
one in a hand of its own with drawn_digits.in_a_hand: a wobble, a slant either way, a box of
random aspect and, as often as for digits, one coarse tablet path with the pen-up moves inked
(never for the round letters, ROUND: coarse, they are 0s).

Left out, because they are digits in many hands (the letters Chars74K's benchmark leaves out,
benchmarks/handwriting.py): O o D Q (a 0), I l i j J T (a 1), Z z (a 2), S s (a 5), b G (a 6),
Y (a 4 or a 7), B (an 8), g q a P (a 9). Training on them would teach the network to turn
those digits away. Closest to a digit of the rest, and drawn so that they stay letters:
- C and c are open by more than 90 degrees seen from the box's centre (an almost closed C is
  an open 0, and a C whose end curls in is a 6);
- u's stem ends where its bowl does (a u with a stem below it is an open 4), and y's tail is
  either straight and slanted or curls well to the left;
- L, F, E, r, f and t are never narrower than 0.45 of their height (narrower, they are 1s).
"""
import string

import numpy as np

from .drawn_digits import in_a_hand
from .pen import arc, place

LOOK_ALIKES = frozenset("OoDQIlijJTZzSsbGYBgqaP")


def _line(*points):
    return [tuple(map(float, p)) for p in points]


TEMPLATES = {
    "A": [[_line((0, 1), (0.5, 0), (1, 1)), _line((0.22, 0.6), (0.78, 0.6))],
          [_line((0.5, 0), (0.05, 1)), _line((0.5, 0), (0.95, 1)), _line((0.25, 0.62), (0.75, 0.62))]],
    "C": [[arc(0.55, 0.5, 0.45, 0.5, -55, -305)],
          [arc(0.55, 0.5, 0.45, 0.5, -68, -292)]],
    "E": [[_line((1, 0), (0, 0), (0, 1), (1, 1)), _line((0, 0.5), (0.75, 0.5))],
          [_line((0, 0), (0, 1)), _line((0, 0), (0.95, 0)), _line((0, 0.5), (0.7, 0.5)),
           _line((0, 1), (0.95, 1))],
          [arc(0.55, 0.27, 0.45, 0.27, -30, -270) + arc(0.55, 0.73, 0.45, 0.27, -90, -330)[1:]]],
    "F": [[_line((1, 0), (0, 0), (0, 1)), _line((0, 0.48), (0.7, 0.48))],
          [_line((0, 0), (0, 1)), _line((0, 0), (0.95, 0)), _line((0, 0.45), (0.75, 0.45))]],
    "H": [[_line((0, 0), (0, 1)), _line((1, 0), (1, 1)), _line((0, 0.5), (1, 0.5))],
          [_line((0, 0), (0.05, 1)), _line((0.05, 0.55), (0.95, 0.45)), _line((0.95, 0), (1, 1))]],
    "K": [[_line((0, 0), (0, 1)), _line((0.9, 0), (0.02, 0.55), (1, 1))],
          [_line((0, 0), (0, 1)), _line((0.9, 0), (0.02, 0.5)), _line((0.3, 0.36), (1, 1))]],
    "L": [[_line((0, 0), (0, 1), (0.85, 1))],
          [_line((0.02, 0), (0, 0.82)) + arc(0.18, 0.82, 0.18, 0.18, 180, 90)[1:]
           + _line((0.95, 0.97))]],
    "M": [[_line((0, 1), (0, 0), (0.5, 0.6), (1, 0), (1, 1))],
          [_line((0, 1), (0.15, 0), (0.5, 0.75), (0.85, 0), (1, 1))]],
    "N": [[_line((0, 1), (0, 0), (1, 1), (1, 0))],
          [_line((0, 0), (0, 1)), _line((0, 0), (1, 1)), _line((1, 1), (1, 0))]],
    "R": [[_line((0, 1), (0, 0), (0.55, 0)) + arc(0.55, 0.25, 0.4, 0.25, -90, 90)[1:]
           + _line((0, 0.5)), _line((0.35, 0.5), (1, 1))],
          [_line((0, 0), (0, 1)), _line((0, 0), (0.55, 0)) + arc(0.55, 0.26, 0.4, 0.26, -90, 90)[1:]
           + _line((0.05, 0.52), (1, 1))]],
    "U": [[_line((0, 0), (0, 0.6)) + arc(0.5, 0.6, 0.5, 0.4, 180, 0)[1:] + _line((1, 0))],
          [arc(0.5, 0.0, 0.5, 1.0, 180, 0)],
          [_line((0, 0), (0, 0.65)) + arc(0.45, 0.65, 0.45, 0.35, 180, 0)[1:] + _line((0.9, 0)),
           _line((0.9, 0), (0.95, 1))]],
    "V": [[_line((0, 0), (0.5, 1), (1, 0))],
          [_line((0, 0), (0.45, 1)), _line((0.45, 1), (1, 0))]],
    "W": [[_line((0, 0), (0.25, 1), (0.5, 0.35), (0.75, 1), (1, 0))],
          [_line((0, 0)) + arc(0.25, 0.6, 0.25, 0.4, 180, 0) + arc(0.75, 0.6, 0.25, 0.4, 180, 0)[1:]
           + _line((1, 0))]],
    "X": [[_line((0, 0), (1, 1)), _line((1, 0), (0, 1))]],
    "c": [[arc(0.55, 0.5, 0.45, 0.5, -50, -310)],
          [arc(0.55, 0.5, 0.45, 0.5, -65, -295)]],
    "d": [[arc(0.4, 0.72, 0.4, 0.28, -10, -360), _line((0.82, 0), (0.82, 1))],
          [arc(0.4, 0.72, 0.4, 0.28, -30, -360) + _line((0.8, 0), (0.82, 1))]],
    "e": [[_line((0.08, 0.5), (0.9, 0.5)) + arc(0.5, 0.5, 0.42, 0.5, 0, -315)[1:]],
          [_line((0, 0.8), (0.85, 0.45)) + arc(0.5, 0.42, 0.35, 0.42, -5, -320)[1:]
           + _line((1, 0.9))]],
    "f": [[arc(0.75, 0.22, 0.25, 0.22, -20, -180) + _line((0.5, 1)), _line((0.1, 0.4), (0.9, 0.4))]],
    "h": [[_line((0, 0), (0, 1)),
           _line((0, 0.65)) + arc(0.42, 0.7, 0.4, 0.25, 180, 360) + _line((0.82, 1))],
          [_line((0, 0), (0, 1), (0, 0.68)) + arc(0.42, 0.7, 0.4, 0.25, 180, 360) + _line((0.85, 1))]],
    "k": [[_line((0, 0), (0, 1)), _line((0.8, 0.4), (0.05, 0.72), (0.85, 1))],
          [_line((0, 0), (0, 1)), _line((0.75, 0.4), (0.05, 0.75)), _line((0.3, 0.65), (0.85, 1))]],
    "m": [[_line((0, 1), (0, 0.3)) + arc(0.25, 0.3, 0.25, 0.3, 180, 360) + _line((0.5, 1), (0.5, 0.3))
           + arc(0.75, 0.3, 0.25, 0.3, 180, 360) + _line((1, 1))],
          [_line((0, 1), (0, 0), (0.05, 0.1), (0.3, 0), (0.5, 0.15), (0.5, 1), (0.5, 0.15), (0.75, 0),
                 (1, 0.15), (1, 1))]],
    "n": [[_line((0, 1), (0, 0.35)) + arc(0.45, 0.4, 0.45, 0.4, 180, 360) + _line((0.9, 1))],
          [_line((0, 0), (0, 1)),
           _line((0, 0.35)) + arc(0.45, 0.4, 0.45, 0.4, 180, 360) + _line((0.9, 1))]],
    "p": [[_line((0, 0), (0, 1)), arc(0.42, 0.28, 0.42, 0.28, 180, 540)],
          [_line((0, 1), (0, 0.05)) + arc(0.4, 0.28, 0.4, 0.27, 200, 520)]],
    "r": [[_line((0, 0.1), (0, 1)), _line((0, 0.5)) + arc(0.5, 0.4, 0.5, 0.3, 180, 300)],
          [_line((0, 0.1), (0, 1), (0, 0.45)) + arc(0.5, 0.38, 0.5, 0.3, 180, 310)]],
    "t": [[_line((0.4, 0), (0.4, 0.85)) + arc(0.6, 0.85, 0.2, 0.15, 180, 20),
           _line((0, 0.3), (0.9, 0.3))],
          [_line((0.45, 0), (0.45, 1)), _line((0, 0.32), (0.95, 0.3))]],
    "u": [[_line((0, 0), (0, 0.6)) + arc(0.42, 0.6, 0.42, 0.4, 180, 0)[1:] + _line((0.84, 0))],
          [_line((0, 0), (0, 0.6)) + arc(0.42, 0.6, 0.42, 0.4, 180, 0)[1:] + _line((0.84, 0)),
           _line((0.84, 0), (0.86, 1))]],
    "v": [[_line((0, 0), (0.5, 1), (1, 0))],
          [_line((0, 0.1), (0.45, 1), (0.9, 0), (1, 0.05))]],
    "w": [[_line((0, 0), (0.22, 1), (0.5, 0.3), (0.78, 1), (1, 0))],
          [_line((0, 0)) + arc(0.25, 0.55, 0.25, 0.45, 180, 0) + arc(0.75, 0.55, 0.25, 0.45, 180, 0)[1:]
           + _line((1, 0))]],
    "x": [[_line((0, 0), (1, 1)), _line((1, 0), (0, 1))],
          [arc(0.22, 0.5, 0.25, 0.5, -90, 90), arc(0.78, 0.5, 0.25, 0.5, -90, -270)]],
    "y": [[_line((0, 0), (0.5, 0.55)), _line((1, 0), (0.25, 1))],
          [_line((0, 0), (0, 0.25)) + arc(0.4, 0.25, 0.4, 0.25, 180, 0)[1:] + _line((0.8, 0)),
           _line((0.8, 0), (0.8, 0.78)) + arc(0.45, 0.78, 0.35, 0.22, 0, 170)[1:]]],
}
# The box's width over its height, before a random stretch of exp(+-0.3); default 0.85.
WIDTHS = {"M": 1.1, "W": 1.25, "m": 1.3, "w": 1.3, "E": 0.7, "F": 0.7, "L": 0.7, "f": 0.6,
          "r": 0.7, "t": 0.65}
NARROWEST = 0.45
# Round letters, never drawn as one coarse path: cut into 7 to 12 corners, a c, a u or an e is
# the polygon a coarse tablet makes of a 0 (a first fine-tune with them turned away a third of
# pendigits' 0s).
ROUND = frozenset("CcUuendp")


def random_letter(rng):
    """Strokes in canvas coordinates for one letter drawn in a random hand (module docstring).

    Returns: (strokes, the letter drawn).
    """
    name = str(rng.choice(sorted(TEMPLATES)))
    strokes = in_a_hand(TEMPLATES[name][rng.integers(len(TEMPLATES[name]))], rng,
                        coarse=0.0 if name in ROUND else 0.4, shear=(-0.35, 0.45))
    width = max(NARROWEST, WIDTHS.get(name, 0.85) * np.exp(rng.uniform(-0.3, 0.3)))
    return place(strokes, rng, width=width, jitter=0.0), name


def drawn_letters():
    """The letters drawn here: every letter but the look-alikes."""
    return set(string.ascii_letters) - LOOK_ALIKES
