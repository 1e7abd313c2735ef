"""Doodles: things people draw that are not digits, for the "doodle" outliers of
numpy_cnn.outliers.

Each function below draws one thing as strokes in a unit box (x right, y down, 0..1) with
proportions of its own, from the Generator it is passed. They were designed here, from what the
things look like, not traced from any data set. Each is made of parts no digit has together: a
round body is never drawn alone or with a single tail (that is a 0, a 6 or a 9), but with a dent,
a stem AND a leaf (fruit), rays (sun), petals (flower), a bumpy outline (cloud, tree), wheels
under a body (car), or inside another shape (eye).
"""
import numpy as np

from .pen import arc


def _ring(cx, cy, rx, ry, start=0.0):
    """A closed ellipse beginning at angle start (degrees)."""
    return arc(cx, cy, rx, ry, start, start + 360, 31)


def _dot(x, y):
    return [(x, y)]


def fruit(rng):
    """A round body with a deep dent at the top, a long stem and a large leaf (an apple, or a pear
    if tall). Stem and leaf take the box's top third: smaller, they vanish in 28x28 pixels and
    what is left is a 0."""
    cx, cy, r = 0.5, 0.67, 0.32
    dent, tall = rng.uniform(0.25, 0.4), rng.uniform(0.85, 1.05)
    a = np.linspace(-np.pi / 2, 3 * np.pi / 2, 41)                  # from the top, clockwise
    radius = r * (1 - dent * np.exp(-((a + np.pi / 2) / 0.5) ** 2)
                  - dent * np.exp(-((a - 3 * np.pi / 2) / 0.5) ** 2))
    radius *= 1 + rng.uniform(0.0, 0.1) * np.sin(a) ** 2           # a flatter or rounder bottom
    body = list(zip(cx + radius * np.cos(a), cy + tall * radius * np.sin(a)))
    top = cy - tall * r * (1 - dent)
    lean = rng.uniform(-0.12, 0.12)
    stem = [(cx, top), (cx + lean, top - rng.uniform(0.25, 0.35))]
    side = rng.choice([-1, 1])
    base = (cx + lean * 0.5, top - 0.12)
    tip = (base[0] + side * rng.uniform(0.32, 0.45), base[1] - rng.uniform(0.0, 0.12))
    mid = ((base[0] + tip[0]) / 2, (base[1] + tip[1]) / 2)
    bulge = rng.uniform(0.09, 0.14)
    leaf = [base, (mid[0], mid[1] - bulge), tip, (mid[0], mid[1] + bulge), base]
    if rng.random() < 0.5:                                          # the leaf's middle vein
        leaf += [tip]
    return [body, stem, leaf]


def heart(rng):
    """The curve x = sin^3 t, y = (13 cos t - 5 cos 2t - 2 cos 3t - cos 4t) / 16, its lobes
    rounder or flatter; drawn in one stroke or as two halves."""
    t = np.linspace(0, 2 * np.pi, 41)
    x = 0.5 + 0.48 * np.sin(t) ** 3
    y = 0.45 - (13 * np.cos(t) - rng.uniform(4, 6) * np.cos(2 * t) - 2 * np.cos(3 * t)
                - np.cos(4 * t)) / 34
    points = list(zip(x, y))
    return [points] if rng.random() < 0.6 else [points[:21], points[20:]]


def cloud(rng):
    """A flat bottom and 3 to 5 bumps along the top."""
    bumps = rng.integers(3, 6)
    edges = np.linspace(0, 1, bumps + 1)
    outline = [(0.05, 0.8)]
    for left, right in zip(edges[:-1], edges[1:]):
        h = rng.uniform(0.2, 0.35)
        outline += arc((left + right) / 2, 0.62, (right - left) / 2, h, 180, 360)[1:]
    return [outline + [(0.95, 0.8), (0.05, 0.8)]]


def sun(rng):
    """A circle with 6 to 12 rays around it."""
    rays = rng.integers(6, 13)
    r = rng.uniform(0.2, 0.28)
    angles = np.linspace(0, 2 * np.pi, rays, endpoint=False) + rng.uniform(0, np.pi)
    return [_ring(0.5, 0.5, r, r)] + [[(0.5 + (r + 0.07) * np.cos(a), 0.5 + (r + 0.07) * np.sin(a)),
                                      (0.5 + 0.48 * np.cos(a), 0.5 + 0.48 * np.sin(a))]
                                     for a in angles]


def flower(rng):
    """A centre, 5 to 8 petals around it and a stem with a leaf."""
    petals = rng.integers(5, 9)
    cx, cy, r = 0.5, 0.3, 0.07
    strokes = [_ring(cx, cy, r, r)]
    for a in np.linspace(0, 360, petals, endpoint=False) + rng.uniform(0, 90):
        c, s = np.cos(np.radians(a)), np.sin(np.radians(a))
        petal = arc(0, 0, 0.11, 0.05, 0, 360, 13)                   # along the x axis
        strokes.append([(cx + c * (px + 0.18) - s * py, cy + s * (px + 0.18) + c * py)
                        for px, py in petal])
    strokes.append([(cx, cy + 0.3), (cx + rng.uniform(-0.05, 0.05), 1.0)])
    leaf_y = rng.uniform(0.7, 0.85)
    strokes.append([(cx, leaf_y), (cx + 0.12, leaf_y - 0.1), (cx + 0.25, leaf_y - 0.08),
                    (cx + 0.12, leaf_y - 0.02), (cx, leaf_y)])
    return strokes


def tree(rng):
    """A trunk under a bumpy round crown, or a pine of stacked triangles."""
    trunk = [[(0.43, 1), (0.43, 0.7)], [(0.57, 1), (0.57, 0.7)]]
    if rng.random() < 0.5:
        a = np.linspace(0, 2 * np.pi, 61)
        radius = 0.33 + rng.uniform(0.03, 0.06) * np.abs(np.sin(rng.integers(4, 7) * a))
        return trunk + [list(zip(0.5 + radius * np.cos(a), 0.38 + radius * np.sin(a)))]
    layers = rng.integers(2, 4)
    strokes = []
    for k in range(layers):
        top, bottom = 0.7 * k / layers, 0.7 * (k + 1) / layers + 0.05
        half = 0.2 + 0.28 * (k + 1) / layers
        strokes.append([(0.5 - half, bottom), (0.5, top), (0.5 + half, bottom), (0.5 - half, bottom)])
    return trunk + strokes


def house(rng):
    """A square, a roof over it, a door and perhaps a window."""
    eave = rng.uniform(0.3, 0.5)
    door = rng.uniform(0.2, 0.55)
    strokes = [[(0.1, eave), (0.1, 1), (0.9, 1), (0.9, eave)],
               [(0.02, eave + 0.05), (0.5, 0), (0.98, eave + 0.05), (0.02, eave + 0.05)],
               [(door, 1), (door, 0.7), (door + 0.15, 0.7), (door + 0.15, 1)]]
    if rng.random() < 0.7:
        x = 0.65 if door < 0.45 else 0.2
        strokes.append([(x, eave + 0.15), (x + 0.15, eave + 0.15), (x + 0.15, eave + 0.3),
                        (x, eave + 0.3), (x, eave + 0.15)])
    return strokes


def fish(rng):
    """A lens-shaped body, a tail, an eye, perhaps a fin."""
    h = rng.uniform(0.2, 0.32)
    body = (arc(0.4, 0.5 + h * 1.2, 0.42, h * 2.2, -150, -30)
            + arc(0.4, 0.5 - h * 1.2, 0.42, h * 2.2, 30, 150))
    tail = [(0.72, 0.5), (1.0, 0.5 - h * 0.9), (1.0, 0.5 + h * 0.9), (0.72, 0.5)]
    strokes = [body, tail, _dot(0.2, 0.5 - h * 0.25)]
    if rng.random() < 0.5:
        strokes.append([(0.35, 0.5 - h * 0.8), (0.45, 0.5 - h * 1.4), (0.55, 0.5 - h * 0.75)])
    return strokes


def eye(rng):
    """An almond outline, an iris inside it, a pupil, perhaps lashes."""
    h = rng.uniform(0.25, 0.4)
    upper = arc(0.5, 0.5 + h, 0.55, 2 * h, -155, -25)
    lower = arc(0.5, 0.5 - h, 0.55, 2 * h, 25, 155)
    r = rng.uniform(0.12, 0.18)
    strokes = [upper, lower, _ring(0.5, 0.5, r, r), _dot(0.5, 0.5)]
    if rng.random() < 0.5:
        for x in np.linspace(0.25, 0.75, rng.integers(3, 6)):
            y = 0.5 + h - 2 * h * np.sqrt(max(0.0, 1 - ((x - 0.5) / 0.55) ** 2))
            strokes.append([(x, y), (x + 0.3 * (x - 0.5), y - 0.15)])
    return strokes


def car(rng):
    """A body with a cabin on top and two wheels under it."""
    roof = rng.uniform(0.15, 0.3)
    body = [(0.02, 0.75), (0.02, 0.5), (0.22, 0.5), (0.32, roof), (0.7, roof), (0.8, 0.5),
            (0.98, 0.52), (0.98, 0.75), (0.02, 0.75)]
    r = rng.uniform(0.1, 0.14)
    return [body, _ring(0.25, 0.75 + r * 0.4, r, r), _ring(0.75, 0.75 + r * 0.4, r, r)]


def cup(rng):
    """A cup or mug: its rim, its body, a handle, perhaps steam."""
    taper = rng.uniform(0, 0.12)
    strokes = [[(0.1, 0.3), (0.7, 0.3)], [(0.1, 0.3), (0.1 + taper, 1), (0.7 - taper, 1), (0.7, 0.3)],
               arc(0.72, 0.6, 0.2, 0.16, -90, 90)]
    if rng.random() < 0.6:
        for x in (0.3, 0.5):
            strokes.append([(x + 0.04 * np.sin(3 * y * np.pi), y) for y in np.linspace(0.2, 0.0, 6)])
    return strokes


def ball(rng):
    """A circle with two or three seams across it (a tennis ball, a basketball, a globe)."""
    strokes = [_ring(0.5, 0.5, 0.48, 0.48)]
    seams = rng.integers(2, 4)
    for k in range(seams):
        if k == 0:
            strokes.append([(0.02, 0.5), (0.98, 0.5)])
        elif k == 1:
            strokes.append(arc(0.5, 0.5, rng.uniform(0.1, 0.3), 0.48, -90, 90))
        else:
            strokes.append(arc(0.5, 0.5, rng.uniform(0.1, 0.3), 0.48, 90, 270))
    return strokes


def stick_figure(rng):
    """A head, a body, two arms and two legs."""
    arms = rng.uniform(0.3, 0.55)
    return [_ring(0.5, 0.13, 0.12, 0.12), [(0.5, 0.25), (0.5, 0.65)],
            [(0.15, arms - rng.uniform(-0.1, 0.15)), (0.5, 0.38),
             (0.85, arms - rng.uniform(-0.1, 0.15))],
            [(0.22, 1), (0.5, 0.65), (0.78, 1)]]


def arrow(rng):
    """An arrow, pointing at least 35 degrees away from up and down (upright, it is a 1)."""
    angle = rng.uniform(-55, 55) + rng.choice([0, 180])
    head = rng.uniform(0.15, 0.3)
    strokes = [[(0.0, 0.5), (1.0, 0.5)], [(1 - head, 0.5 - head), (1.0, 0.5), (1 - head, 0.5 + head)]]
    if rng.random() < 0.3:                                          # a feathered end
        strokes.append([(0.0, 0.35), (0.12, 0.5), (0.0, 0.65)])
    c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    return [[(0.5 + c * (x - 0.5) - s * (y - 0.5), 0.5 + s * (x - 0.5) + c * (y - 0.5))
             for x, y in stroke] for stroke in strokes]


def lightning(rng):
    """A bolt's outline: two slanted blocks offset at a step."""
    step = rng.uniform(0.4, 0.55)
    return [[(0.62, 0), (0.15, step + 0.05), (0.45, step + 0.05), (0.3, 1), (0.88, step - 0.08),
             (0.57, step - 0.08), (0.85, 0), (0.62, 0)]]


def moon(rng):
    """A crescent: an outer arc and an inner one meeting at its horns."""
    inner = rng.uniform(0.15, 0.3)
    outer = arc(0.5, 0.5, 0.45, 0.5, -60, -300)
    return [outer + arc(0.5 + inner, 0.5, 0.45 - inner * 0.4, 0.44, -240, -120)[::-1][1:]]


def star(rng):
    """A five-pointed star drawn in one stroke, corner to every second corner."""
    start = rng.uniform(-0.15, 0.15) - np.pi / 2
    angles = start + 4 * np.pi * np.arange(6) / 5
    corners = [(0.5 + 0.5 * np.cos(a), 0.5 + 0.5 * np.sin(a)) for a in angles]
    return [corners]


def bicycle(rng):
    """Two wheels, the frame between them, a saddle and handlebars."""
    r = rng.uniform(0.17, 0.22)
    back, front, y = (0.22, 0.7), (0.78, 0.7), 0.7
    pedal = (0.48, 0.72)
    seat, bar = (0.4, 0.35), (0.7, 0.33)
    return [_ring(back[0], y, r, r), _ring(front[0], y, r, r),
            [back, pedal, seat, back], [seat, bar, pedal], [bar, front],
            [(0.32, seat[1] - 0.05), (0.47, seat[1] - 0.05)],
            [(bar[0] - 0.05, 0.25), bar, (bar[0] + 0.1, 0.28)]]


def envelope(rng):
    """A rectangle and the V of its flap."""
    top, depth = rng.uniform(0.15, 0.3), rng.uniform(0.35, 0.6)
    return [[(0, top), (1, top), (1, 1 - top * 0.3), (0, 1 - top * 0.3), (0, top)],
            [(0, top), (0.5, top + depth * (1 - top)), (1, top)]]


DOODLES = (fruit, heart, cloud, sun, flower, tree, house, fish, eye, car, cup, ball, stick_figure,
           arrow, lightning, moon, star, bicycle, envelope)
