"""Drawings that are not digits, for teaching the network to say "not a digit".

A network trained only on digits has never been asked about anything else, and its softmax has
to spread 100% over ten digits: a plus sign comes out as "4 97%". Outlier exposure (Hendrycks,
Mazeika & Dietterich, 2019) shows it non-digits while it trains, with a uniform target (1/10 for
every class; label NOT_A_DIGIT in numpy_cnn.losses): on things that are not digits it learns to
hedge, and numpy_cnn.notdigit flags an answer whose largest probability stays low.

The outliers are drawn the way the app draws: strokes of a round pen on a 280x280 canvas, then
numpy_cnn.preprocess.to_mnist, so they reach the network exactly as a user's drawing would. Each
is one random composition of a kind below, picked with the kind's weight (WEIGHTS):

    letter       0.40  every letter but the digit look-alikes, in many hands (numpy_cnn.letters)
    doodle       0.24  fruit, a heart, a cloud, a sun, a flower, a tree, a house, a fish, an eye,
                       a car, a cup, a ball, a stick figure, an arrow, lightning, a moon, a star,
                       a bicycle, an envelope (numpy_cnn.doodles)
    sign         0.10  a checkmark, a caret, < or >, a pair of brackets [ ], a ruler's ticks, a
                       tally of five, a double or a wavy underline
    ringed       0.02  a circle with something inside (+, x, dots, a triangle) or short rays
                       (doodles and ringed circles are drawn large, DETAILED)
    crossed_out  0.04  a scribbled-out patch, a row of loops struck through, a letter crossed out
    scribble, segments, polygon, cross, marks, face, hatching, zigzag
                 0.025 each: a wandering curve; 3 to 6 straight strokes; a triangle, square,
                       diamond or star outline; + x * or #; dots or dashes; a smiley; parallel
                       strokes or a grid; a zigzag, a wave or a spiral

Letters weigh most: they are what people most often draw that is not a digit, and the shapes
nearest to digits, so the network needs many of them to learn where digits end. A ringed circle
weighs little: whatever is in it, its ring is a 0's, and many of them turn real 0s away.

Left out, because they are digits in many hands (training on them would teach the network to
turn real digits away): a circle or an ellipse alone (a 0), a circle with a single line through
or inside it (a slashed 0, a theta) or with one tail (a 6, a 9, a balloon), two rings one inside
the other (a thick 0), a pentagon or hexagon (a 0 drawn in few points), an upright bar or an arrow
pointing up or down (a 1), a caret with one long arm (a flagged 1), round and curly brackets
(a 1, a 3), a lone square bracket (a 7 or a 3 in three strokes), and the letters that look like
digits (numpy_cnn.letters: O D Q I J T Z S b G Y B g q a P and their kin). A C is drawn open by
more than 90 degrees, or it is an open 0 or a 6. Everything random comes from the Generator
passed in.
"""
import numpy as np

from . import doodles
from .drawn_digits import in_a_hand
from .letters import random_letter
from .pen import arc, draw_strokes, place, rotate
from .preprocess import EmptyImageError, to_mnist

WEIGHTS = {"letter": 0.40, "doodle": 0.24, "sign": 0.10, "ringed": 0.02, "crossed_out": 0.04,
           "scribble": 0.025, "segments": 0.025, "polygon": 0.025, "cross": 0.025, "marks": 0.025,
           "face": 0.025, "hatching": 0.025, "zigzag": 0.025}
KINDS = tuple(WEIGHTS)
# The box of a doodle or a ringed circle, in canvas pixels: large enough that what is inside or
# attached stays apart from the outline under the widest pen (32 px); smaller, a ring and the
# dots in it merge into a thick 0.
DETAILED = (150, 230)


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
    return random_letter(rng)[0]


def doodle(rng):
    """A doodle of numpy_cnn.doodles, each thing as likely, in a hand: a wobble and a slant."""
    thing = doodles.DOODLES[rng.integers(len(doodles.DOODLES))]
    strokes = in_a_hand(thing(rng), rng, coarse=0.0, joined=0.0, shear=(-0.25, 0.25))
    return place(strokes, rng, size=rng.uniform(*DETAILED), jitter=0.01)


def sign(rng):
    shape = rng.integers(7)
    if shape == 0:                                   # a checkmark: short arm, then a long one
        corner = rng.uniform(0.3, 0.45)
        strokes = [[(0, 0.55), (corner, 1), (1, rng.uniform(0, 0.15))]]
    elif shape == 1:                                 # a caret, its arms about equal
        half = np.tan(np.radians(rng.uniform(25, 55)))
        strokes = [[(0.5 - 0.5 * half, 1), (0.5, 0), (0.5 + 0.5 * half * rng.uniform(0.75, 1.33), 1)]]
        strokes = rotate(strokes, rng.choice([0, np.pi]))
    elif shape == 2:                                 # < or >, wide open
        strokes = [[(1, 0), (0, 0.5), (1, 1)]]
        strokes = rotate(strokes, rng.choice([0, np.pi]))
    elif shape == 3:                                 # a pair of brackets [ ]
        strokes = [[(0.3, 0), (0, 0), (0, 1), (0.3, 1)], [(0.7, 0), (1, 0), (1, 1), (0.7, 1)]]
    elif shape == 4:                                 # a ruler: a line and its ticks
        ticks = rng.integers(4, 9)
        strokes = [[(0, 0.7), (1, 0.7)]] + [[(x, 0.7), (x, 0.7 - (0.4 if k % 2 == 0 else 0.2))]
                                            for k, x in enumerate(np.linspace(0, 1, ticks))]
    elif shape == 5:                                 # a tally of five
        strokes = [[(x, 0), (x, 1)] for x in np.linspace(0.1, 0.9, 4)] + [[(0, 0.8), (1, 0.2)]]
    else:                                            # a double or a wavy underline
        t = np.linspace(0, 1, 40)
        if rng.random() < 0.5:
            strokes = [[(0, 0.4), (1, 0.4)], [(0.05, 0.6), (0.95, 0.6)]]
        else:
            strokes = [list(zip(t, 0.5 + 0.12 * np.sin(2 * np.pi * rng.uniform(2, 5) * t)))]
    return place(rotate(strokes, rng.normal(0, 0.1)), rng)


def ringed(rng):
    ring = arc(0.5, 0.5, 0.5, 0.5, 0, 360, 31)
    inside = rng.integers(4)
    if inside == 0:                                  # + or x from rim to rim
        a = rng.choice([0, np.pi / 4])
        strokes = [[(0.5 + 0.5 * np.cos(a + b), 0.5 + 0.5 * np.sin(a + b)),
                    (0.5 - 0.5 * np.cos(a + b), 0.5 - 0.5 * np.sin(a + b))] for b in (0, np.pi / 2)]
    elif inside == 1:                                # a button's 2 to 4 holes
        holes = rng.integers(2, 5)
        strokes = [[(0.5 + 0.18 * np.cos(a), 0.5 + 0.18 * np.sin(a))]
                   for a in np.linspace(0, 2 * np.pi, holes, endpoint=False) + rng.uniform(0, np.pi)]
    elif inside == 2:                                # a play button
        strokes = [[(0.38, 0.28), (0.75, 0.5), (0.38, 0.72), (0.38, 0.28)]]
    else:                                            # 4 to 8 short rays around it
        ring = arc(0.5, 0.5, 0.3, 0.3, 0, 360, 31)
        strokes = [[(0.5 + 0.4 * np.cos(a), 0.5 + 0.4 * np.sin(a)),
                    (0.5 + 0.5 * np.cos(a), 0.5 + 0.5 * np.sin(a))]
                   for a in np.linspace(0, 2 * np.pi, rng.integers(4, 9), endpoint=False)
                   + rng.uniform(0, np.pi)]
    return place([ring] + strokes, rng, size=rng.uniform(*DETAILED))


def crossed_out(rng):
    shape = rng.integers(3)
    if shape == 0:                                   # scribbled out: back and forth, overlapping
        rows = rng.integers(6, 16)
        strokes = [[(float(k % 2), y + rng.normal(0, 0.03)) for k, y in
                    enumerate(np.linspace(0.2, 0.8, rows))]]
        strokes = rotate(strokes, rng.uniform(-0.5, 0.5))
    elif shape == 1:                                 # a row of loops, struck through
        t = np.linspace(0, 1, 80)
        f = rng.integers(3, 6)
        strokes = [list(zip(0.05 + 0.85 * t + 0.08 * np.sin(2 * np.pi * f * t),
                            0.5 - 0.2 * np.cos(2 * np.pi * f * t)))]
        strokes += [[(0, 0.5 + d), (1, 0.45 + d)] for d in (0, 0.12)[:rng.integers(1, 3)]]
    else:                                            # a letter, crossed out
        return strike_out(random_letter(rng)[0], rng)
    return place(strokes, rng)


def strike_out(strokes, rng):
    """Canvas strokes with one or two diagonals across their bounding box (a slash or an X)."""
    ink = np.concatenate([np.asarray(stroke, float) for stroke in strokes])
    (x0, y0), (x1, y1) = ink.min(axis=0) - 10, ink.max(axis=0) + 10
    return strokes + [[(x0, y0), (x1, y1)], [(x1, y0), (x0, y1)]][:rng.integers(1, 3)]


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


def pick_kind(rng):
    """A kind of outlier, each as likely as its weight in WEIGHTS."""
    return KINDS[rng.choice(len(KINDS), p=list(WEIGHTS.values()))]


def random_outlier(rng, kind=None):
    """One non-digit drawing. Returns (CANVAS x CANVAS PIL image, the kind drawn)."""
    kind = kind or pick_kind(rng)
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
