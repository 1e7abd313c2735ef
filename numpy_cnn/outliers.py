"""Drawings that are not digits, for teaching the network to say "not a digit".

A network trained only on digits has never been asked about anything else, and its softmax has
to spread 100% over ten digits: a plus sign comes out as "4 97%". Outlier exposure (Hendrycks,
Mazeika & Dietterich, 2019) shows it non-digits while it trains, with a uniform target (1/10 for
every class; label NOT_A_DIGIT in numpy_cnn.losses): on things that are not digits it learns to
hedge, and numpy_cnn.notdigit flags an answer whose largest probability stays low.

The outliers are drawn the way the app draws: strokes of a round pen on a 280x280 canvas, then
numpy_cnn.preprocess.to_mnist, so they reach the network exactly as a user's drawing would. Each
is one random composition of a kind below; none is meant to look like a digit:

    scribble   a random wandering curve with many turns
    segments   3 to 6 straight strokes anywhere on the canvas
    polygon    a triangle, square, diamond or star outline
    cross      +, x, an asterisk or #
    marks      dots and dashes: 1 to 5 of either
    letter     a capital letter that no digit resembles (A E F H K M N R W X Y)
    face       a circle with two eyes and a mouth
    hatching   3 to 6 parallel strokes, or a grid
    zigzag     a zigzag, a wave or a spiral

(A circle, a pentagon or hexagon, a single vertical bar, S, Z, b, g, q, O, l, B and the like
are left out: they are digits in many hands -- a 0 drawn in few points is a polygon.) Everything random comes from the Generator passed in.
"""
import numpy as np

from .pen import draw_strokes, place, rotate
from .preprocess import EmptyImageError, to_mnist
KINDS = ("scribble", "segments", "polygon", "cross", "marks", "letter", "face", "hatching",
         "zigzag")

# Capital letters as strokes in a unit box (x right, y down, 0..1).
LETTERS = {
    "A": [[(0, 1), (0.5, 0), (1, 1)], [(0.25, 0.55), (0.75, 0.55)]],
    "E": [[(1, 0), (0, 0), (0, 1), (1, 1)], [(0, 0.5), (0.7, 0.5)]],
    "F": [[(1, 0), (0, 0), (0, 1)], [(0, 0.5), (0.7, 0.5)]],
    "H": [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0.5), (1, 0.5)]],
    "K": [[(0, 0), (0, 1)], [(1, 0), (0, 0.55), (1, 1)]],
    "M": [[(0, 1), (0, 0), (0.5, 0.6), (1, 0), (1, 1)]],
    "N": [[(0, 1), (0, 0), (1, 1), (1, 0)]],
    "R": [[(0, 1), (0, 0), (0.8, 0), (0.9, 0.25), (0.8, 0.5), (0, 0.5)], [(0.4, 0.5), (1, 1)]],
    "W": [[(0, 0), (0.25, 1), (0.5, 0.4), (0.75, 1), (1, 0)]],
    "X": [[(0, 0), (1, 1)], [(1, 0), (0, 1)]],
    "Y": [[(0, 0), (0.5, 0.5), (1, 0)], [(0.5, 0.5), (0.5, 1)]],
}


def scribble(rng):
    position, heading = rng.uniform(0.3, 0.7, 2), rng.uniform(0, 2 * np.pi)
    points = []
    for _ in range(rng.integers(25, 70)):
        heading += rng.normal(0, 0.6)
        position = np.clip(position + 0.09 * np.array([np.cos(heading), np.sin(heading)]), 0, 1)
        points.append(tuple(position))
    return place([points], rng)


def segments(rng):
    return place([[tuple(rng.random(2)), tuple(rng.random(2))]
                   for _ in range(rng.integers(3, 7))], rng)


def polygon(rng):
    corners = int(rng.choice([3, 4, 10]))
    angles = np.linspace(0, 2 * np.pi, corners, endpoint=False) + rng.uniform(0, 2 * np.pi)
    radius = np.where(np.arange(corners) % 2, 0.2, 0.5) if corners == 10 else np.full(corners, 0.5)
    points = [(0.5 + r * np.cos(a), 0.5 + r * np.sin(a)) for r, a in zip(radius, angles)]
    return place([points + points[:1]], rng)


def cross(rng):
    shape = rng.integers(4)
    if shape == 0:                                   # +
        strokes = [[(0.5, 0), (0.5, 1)], [(0, 0.5), (1, 0.5)]]
    elif shape == 1:                                 # x
        strokes = [[(0, 0), (1, 1)], [(1, 0), (0, 1)]]
    elif shape == 2:                                 # asterisk
        strokes = [[(0.5 + 0.5 * np.cos(a), 0.5 + 0.5 * np.sin(a)),
                    (0.5 - 0.5 * np.cos(a), 0.5 - 0.5 * np.sin(a))]
                   for a in np.linspace(0, np.pi, 3, endpoint=False) + rng.uniform(0, np.pi)]
    else:                                            # #
        strokes = [[(0.33, 0), (0.33, 1)], [(0.67, 0), (0.67, 1)],
                   [(0, 0.33), (1, 0.33)], [(0, 0.67), (1, 0.67)]]
    return place(rotate(strokes, rng.normal(0, 0.15)), rng)


def marks(rng):
    count = rng.integers(1, 6)
    if rng.random() < 0.5:                           # dots
        return place([[tuple(rng.random(2))] for _ in range(count)], rng)
    length = rng.uniform(0.3, 1.0)
    return place(rotate([[(0.5 - length / 2, y), (0.5 + length / 2, y)]
                           for y in rng.uniform(0, 1, count)], rng.normal(0, 0.08)), rng)


def letter(rng):
    strokes = LETTERS[str(rng.choice(list(LETTERS)))]
    return place(rotate(strokes, rng.normal(0, 0.1)), rng)


def face(rng):
    angles = np.linspace(0, 2 * np.pi, 25)
    outline = [(0.5 + 0.5 * np.cos(a), 0.5 + 0.5 * np.sin(a)) for a in angles]
    eyes = [[(0.35, 0.35)], [(0.65, 0.35)]]
    smile = rng.choice([-1, 1]) * rng.uniform(0.05, 0.15)
    mouth = [[(x, 0.68 + smile * (1 - ((x - 0.5) / 0.2) ** 2)) for x in np.linspace(0.3, 0.7, 7)]]
    return place([outline] + eyes + mouth, rng)


def hatching(rng):
    count = rng.integers(3, 7)
    lines = [[(0, y), (1, y)] for y in np.linspace(0, 1, count)]
    if rng.random() < 0.4:                           # a grid
        lines += [[(x, 0), (x, 1)] for x in np.linspace(0, 1, count)]
    return place(rotate(lines, rng.uniform(0, np.pi)), rng)


def zigzag(rng):
    shape = rng.integers(3)
    t = np.linspace(0, 1, 60)
    if shape == 0:
        turns = rng.integers(3, 8)
        points = [(x, 0.5 + 0.4 * (-1) ** i) for i, x in enumerate(np.linspace(0, 1, turns + 1))]
    elif shape == 1:
        points = list(zip(t, 0.5 + 0.3 * np.sin(2 * np.pi * rng.uniform(1.5, 4) * t)))
    else:
        r, a = 0.05 + 0.45 * t, 2 * np.pi * rng.uniform(2, 3.5) * t
        points = list(zip(0.5 + r * np.cos(a), 0.5 + r * np.sin(a)))
    return place(rotate([points], rng.uniform(0, 2 * np.pi)), rng)


def random_outlier(rng, kind=None):
    """One non-digit drawing. Returns (CANVAS x CANVAS PIL image, the kind drawn)."""
    kind = kind or str(rng.choice(KINDS))
    strokes = globals()[kind](rng)
    return draw_strokes(strokes, width=rng.uniform(6, 32)), kind


def outlier_bank(n, rng):
    """n non-digits, as the network sees them.

    Inputs:  n -- how many; rng -- Generator.
    Returns: (n, 28, 28) uint8, each a random_outlier through to_mnist (ink 255).
    """
    out = np.zeros((n, 28, 28), np.uint8)
    done = 0
    while done < n:
        try:
            out[done] = np.round(to_mnist(random_outlier(rng)[0]) * 255)
        except EmptyImageError:                       # drawn entirely off the canvas
            continue
        done += 1
    return out
