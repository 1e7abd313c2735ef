"""Drawings the network never saw in training, rendered on the app's 280x280 canvas.

Seven sets, each deterministic given a numpy Generator:

- pendigits_set:  the UCI pen-based digits (30 writers not in MNIST), drawn as polylines;
- chars74k_set:   the Chars74K tablet drawings by 55 people: its 550 digits, or its letters
                  (digit look-alikes left out, see LOOK_ALIKES), drawn with the app's pen;
- quickdraw_set:  18,000 Quick, Draw! doodles (28x28 bitmaps), read as pictures;
- style_set:      digits in styles MNIST under-represents, from stroke templates;
- non_digit_set:  drawings that are not digits (shapes, signs, letters, scribbles);
- canvas_mnist_set: MNIST test digits enlarged onto the canvas, as the app would see them.

Every drawing of the pendigits, Chars74K, styles and non-digit sets is a list of strokes painted
exactly as the app paints the mouse's path: numpy_cnn.app.drawing.Drawing (round-capped lines,
white on black), with the app's default pen width unless a style says otherwise. A set keeps
the strokes, not the images (7,494
canvases of 280x280 would take 590 MB); set.image(i) paints drawing i when asked.

Templates are written in "height units": y from 0 (top) to 1 (bottom), x from 0 to the
template's own width, with the y axis pointing down as on the screen. Each drawing of a template
is the template moved by a smooth random displacement (a few long sine waves, so strokes wobble
like a hand, not like noise), scaled, stretched, slanted, turned and placed on the canvas.
"""
import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from numpy_cnn.gui.app import CANVAS_SIZE, DEFAULT_PEN_WIDTH, PEN_WIDTHS
from numpy_cnn.app import drawing

NOT_A_DIGIT = -1                        # the label of a drawing that is not a digit
MARGIN = 8                              # keep the pen's centre this far from the canvas edge


# ------------------------------------------------------------------ the sets

@dataclass
class StrokeSet:
    """Drawings kept as strokes, with a label and a kind each.

    - name: what the set is ("pendigits", "styles", "not digits").
    - drawings: N drawings; each a list of strokes (pen_width, points), points an (n, 2) int
      array of canvas pixels (x right, y down), as the app receives them from the mouse.
    - labels: (N,) int64, the digit drawn, or NOT_A_DIGIT.
    - kinds: (N,) str, what is drawn: the digit, the style ("7 crossed") or the kind ("star").
    - manners: (N,) str, how it is drawn ("plain", "slanted", "tiny", ...).
    """
    name: str
    drawings: list
    labels: np.ndarray
    kinds: np.ndarray
    manners: np.ndarray

    def __len__(self):
        return len(self.drawings)

    def image(self, i):
        """Drawing i painted on the app's canvas: a PIL "L" image (280, 280), white on black."""
        return render(self.drawings[i])

    def subset(self, indices):
        """The same set restricted to drawings `indices` (in that order)."""
        indices = np.asarray(indices, dtype=np.int64)
        return StrokeSet(self.name, [self.drawings[i] for i in indices], self.labels[indices],
                         self.kinds[indices], self.manners[indices])


def render(strokes, size=CANVAS_SIZE):
    """Paint strokes as the app does: a PIL "L" image (size, size), white ink on black.

    Inputs: strokes -- [(pen_width, points (n, 2) ints), ...]; each stroke begins with a dot at its
            first point (pen down) and goes on with one line per following point (mouse motion).
    """
    canvas = drawing.Drawing(size)
    for width, points in strokes:
        canvas.begin_stroke(*points[0], width=int(width))
        for x, y in points[1:]:
            canvas.extend_stroke(x, y)
    return canvas.image


# ------------------------------------------------------------------ curves in height units

def line(*points):
    """A polyline through the points: (n, 2) float."""
    return np.array(points, dtype=float)


def smooth(*points, samples=8):
    """A Catmull-Rom spline through the points: (samples * (n - 1) + 1, 2) float.

    Between P1 and P2, with neighbours P0 and P3, for t in [0, 1):
        P(t) = 1/2 [2 P1 + (P2 - P0) t + (2 P0 - 5 P1 + 4 P2 - P3) t^2
                    + (3 P1 - P0 - 3 P2 + P3) t^3]
    The curve passes through every point; the first and last are mirrored to get neighbours.
    """
    p = np.array(points, dtype=float)
    ext = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
    t = np.linspace(0.0, 1.0, samples, endpoint=False)[:, None]
    pieces = []
    for p0, p1, p2, p3 in zip(ext, ext[1:], ext[2:], ext[3:]):
        pieces.append(0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                             + (3 * p1 - p0 - 3 * p2 + p3) * t ** 3))
    return np.vstack(pieces + [p[-1:]])


def arc(centre, radii, start, end, samples=None):
    """Part of an ellipse from angle `start` to `end` (degrees; 0 = right, 90 = down, as y points
    down on a screen; end < start goes anticlockwise on the screen). Returns (n, 2) float."""
    if samples is None:
        samples = max(3, int(abs(end - start) / 10) + 1)
    theta = np.radians(np.linspace(start, end, samples))
    return np.column_stack([centre[0] + radii[0] * np.cos(theta),
                            centre[1] + radii[1] * np.sin(theta)])


def densify(points, step=0.04):
    """The same polyline with extra points on long segments, none longer than `step`: a wobble
    then bends a straight line as a hand would, instead of only moving its two ends.
    Inputs: points (n, 2) float. Returns (m, 2) float, m >= n, keeping every original point."""
    if len(points) < 2:
        return points
    pieces = []
    for start, end in zip(points, points[1:]):
        parts = max(1, int(np.ceil(np.linalg.norm(end - start) / step)))
        pieces.append(start + np.linspace(0.0, 1.0, parts, endpoint=False)[:, None] * (end - start))
    return np.vstack(pieces + [points[-1:]])


def join(*pieces):
    """One stroke made of pieces drawn one after the other without lifting the pen."""
    return np.vstack(pieces)


# ------------------------------------------------------------------ placing a template

@dataclass
class Pose:
    """How one drawing of a template is made (all lengths in canvas pixels).

    height: of the drawing's box; aspect: its width is multiplied by this; slant: shear, the top
    moves right by slant * height (tan of the lean); angle: rotation in degrees; wobble:
    amplitude of the smooth displacement in height units; pen: pen width; where: (x, y) of the
    box's top-left corner as a fraction of the free room on the canvas (0 = left/top edge,
    1 = right/bottom).
    """
    height: float
    aspect: float = 1.0
    slant: float = 0.0
    angle: float = 0.0
    wobble: float = 0.0
    pen: int = DEFAULT_PEN_WIDTH
    where: tuple = (0.5, 0.5)


def wobble_field(rng, amplitude, waves=3):
    """A smooth random displacement d(p) = sum_k a_k sin(2 pi f_k . p + phi_k), one per axis.

    Returns a function of points (n, 2) in height units -> displaced points (n, 2). Frequencies are
    0.3 to 1.2 cycles per height, so a stroke bends gently instead of shaking.
    """
    freqs = rng.uniform(0.3, 1.2, (2, waves, 2)) * rng.choice([-1, 1], (2, waves, 2))
    phases = rng.uniform(0, 2 * np.pi, (2, waves))
    amps = amplitude * rng.uniform(0.5, 1.0, (2, waves)) / np.sqrt(waves)

    def displace(points):
        moved = points.copy()
        for axis in range(2):
            moved[:, axis] += (amps[axis] * np.sin(2 * np.pi * points @ freqs[axis].T
                                                   + phases[axis])).sum(axis=1)
        return moved
    return displace


def place(strokes, pose, rng, size=CANVAS_SIZE):
    """Turn a template into canvas strokes.

    Inputs:  strokes -- [(n, 2) float] in height units; pose -- a Pose; rng -- numpy Generator (for
             the wobble only; everything else is in the pose). Without wobble the strokes keep
             their points; with it, long segments are cut first (densify).
    Returns: [(pen, (n, 2) int)], the drawing's box (ink centres) fitted in the canvas with
             MARGIN + pen/2 to spare: a pose too big for the canvas is shrunk to fit.
    """
    strokes = [np.asarray(s, dtype=float) for s in strokes]
    if pose.wobble:
        displace = wobble_field(rng, pose.wobble)
        strokes = [displace(densify(s)) for s in strokes]
    a = np.radians(pose.angle)
    turn = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])   # applied as p @ turn
    shaped = []
    for s in strokes:
        p = s * [pose.aspect, 1.0]
        p[:, 0] += pose.slant * (1.0 - p[:, 1])            # shear: the top leans right
        shaped.append(p @ turn * pose.height)
    every = np.vstack(shaped)
    low, high = every.min(axis=0), every.max(axis=0)
    room = size - 2 * MARGIN - pose.pen
    extent = max(high - low)
    scale = min(1.0, room / extent) if extent > 0 else 1.0     # shrink only if it does not fit
    free = room - (high - low) * scale
    corner = MARGIN + pose.pen / 2 + free * np.asarray(pose.where)
    return [(pose.pen, np.rint((p - low) * scale + corner).astype(np.int64)) for p in shaped]


# ------------------------------------------------------------------ pendigits

PENDIGITS_POINTS = 8
# The drawing's width / height, for each digit, drawn uniformly in [low, high]: the file stretches
# every digit to a square, so the width is chosen here. Chosen by hand to look like digits people
# write: a 1 is narrow (its flag gives it some width), 0, 6, 8, 9 a little narrower than tall,
# 2, 4, 7 nearly as wide as tall.
PENDIGITS_ASPECT = {0: (0.6, 0.85), 1: (0.15, 0.4), 2: (0.65, 0.95), 3: (0.55, 0.8),
                    4: (0.65, 0.95), 5: (0.55, 0.8), 6: (0.55, 0.8), 7: (0.6, 0.9),
                    8: (0.5, 0.75), 9: (0.5, 0.75)}
PENDIGITS_HEIGHT = (120, 230)           # pixels on the 280 canvas: the sizes people draw at


PENDIGITS_VARIABLE = "NUMPY_CNN_PENDIGITS"
CHARS74K_VARIABLE = "NUMPY_CNN_CHARS74K"
QUICKDRAW_VARIABLE = "NUMPY_CNN_QUICKDRAW"


def shared_dir(name, variable):
    """$variable if set, else the `shared/<name>` folder beside the repository (CI keeps
    shared/ beside its clone)."""
    if os.environ.get(variable):
        return Path(os.environ[variable])
    return Path(__file__).resolve().parent.parent.parent / "shared" / name


def default_pendigits_dir():
    """$NUMPY_CNN_PENDIGITS if set, else shared/pendigits beside the repository."""
    return shared_dir("pendigits", PENDIGITS_VARIABLE)


def default_chars74k_dir():
    """$NUMPY_CNN_CHARS74K if set, else shared/chars74k beside the repository."""
    return shared_dir("chars74k", CHARS74K_VARIABLE)


def default_quickdraw_dir():
    """$NUMPY_CNN_QUICKDRAW if set, else shared/quickdraw beside the repository."""
    return shared_dir("quickdraw", QUICKDRAW_VARIABLE)


def read_pendigits(folder):
    """Read the UCI pen-based digits as the folder's README describes them.

    Inputs:  folder -- holds pendigits_dyn_train.csv and pendigits_label_train.csv.
    Returns: points (N, 8, 2) float in 0..100 with y pointing DOWN (the file's y is flipped),
             labels (N,) int64 in 0..9. N = 7,494 for the training set.

    Notes: the label file of ../shared/pendigits writes the digit 0 as 10 (its 780 "10"s are the
    780 zeros of UCI's training set, and they are drawn as ovals); 10 is read as 0 here.
    Raises:  FileNotFoundError if a file is missing; ValueError if they do not match.
    """
    folder = Path(folder)
    coords = np.loadtxt(folder / "pendigits_dyn_train.csv", delimiter=",", dtype=np.float64,
                        ndmin=2)
    labels = np.loadtxt(folder / "pendigits_label_train.csv", dtype=np.int64, ndmin=1)
    if coords.shape[1] != 2 * PENDIGITS_POINTS or len(coords) != len(labels):
        raise ValueError(f"{folder}: expected N rows of {2 * PENDIGITS_POINTS} coordinates and N "
                         f"labels, got {coords.shape} and {labels.shape}")
    if labels.min() < 0 or labels.max() > 10:
        raise ValueError(f"{folder}: labels must be digits, got {labels.min()}..{labels.max()}")
    labels[labels == 10] = 0                                # the shared copy writes 0 as 10
    points = coords.reshape(-1, PENDIGITS_POINTS, 2)
    points[:, :, 1] = 100.0 - points[:, :, 1]               # y up in the file, down on screen
    return points, labels


def pendigits_set(rng, folder=None):
    """The pendigits drawn on the canvas as the app would show them.

    Each digit is its eight points joined by one polyline (the file joins all strokes into one
    trajectory; there is nothing to undo, so the pen-up moves show as extra segments, as the
    README warns). Its box is PENDIGITS_HEIGHT pixels high (uniform), its width the height times
    an aspect drawn from PENDIGITS_ASPECT[digit], placed uniformly at random on the canvas, drawn
    with the app's default pen (DEFAULT_PEN_WIDTH). kinds are the digits as text ("0".."9").

    Inputs:  rng -- numpy Generator; folder -- default default_pendigits_dir().
    """
    points, labels = read_pendigits(default_pendigits_dir() if folder is None else folder)
    drawings = []
    for p, digit in zip(points, labels):
        low, high = PENDIGITS_ASPECT[int(digit)]
        pose = Pose(height=rng.uniform(*PENDIGITS_HEIGHT), aspect=rng.uniform(low, high),
                    where=tuple(rng.uniform(0, 1, 2)))
        drawings.append(place([p / 100.0], pose, rng))
    kinds = labels.astype(str)
    return StrokeSet("pendigits", drawings, labels, kinds, np.full(len(labels), "plain"))


# ------------------------------------------------------------------ Chars74K tablet drawings

CHARS74K_FILE = "chars74k_hnd_strokes.jsonl.gz"
CHARS74K_LONGER_SIDE = PENDIGITS_HEIGHT     # px: the drawing's longer side on the 280 canvas
# Letters left out of the letters' row because a person could read them as a digit, and
# the digit each looks like. The same list as non_digit_set's, for the letters Chars74K has.
LOOK_ALIKES = {"O": 0, "o": 0, "D": 0, "Q": 0,
               "I": 1, "l": 1, "i": 1, "j": 1, "J": 1, "T": 7,
               "Z": 2, "z": 2, "S": 5, "s": 5, "b": 6, "G": 6, "Y": 4,
               "B": 8, "g": 9, "q": 9, "a": 9, "P": 9}


def read_chars74k(folder):
    """Read the Chars74K "EnglishHnd" strokes as the folder's README describes them.

    Inputs:  folder -- holds chars74k_hnd_strokes.jsonl.gz (one JSON object a line: label,
             writer, strokes [[[x, y], ...], ...] in canvas pixels, y down).
    Returns: [(label str, writer str, [(n, 2) float arrays])], in the file's order: 3,410.
    Raises:  FileNotFoundError if the file is missing; ValueError if a line is not a drawing.
    """
    path = Path(folder) / CHARS74K_FILE
    drawings = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for number, text in enumerate(lines, 1):
            try:
                row = json.loads(text)
                strokes = [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in row["strokes"]]
                if not strokes or not all(len(s) for s in strokes):
                    raise ValueError("a drawing with no points")
                drawings.append((str(row["label"]), str(row["writer"]), strokes))
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path}, line {number}: not a drawing ({error})") from None
    return drawings


def chars74k_set(rng, folder=None, letters=False):
    """The Chars74K digits (letters=False: 550, 0-9 by 55 people) or its letters (letters=True:
    the 2,860 less the LOOK_ALIKES, labelled NOT_A_DIGIT), drawn on the canvas with the app's
    default pen, in the file's stroke order.

    Each drawing is scaled, keeping its aspect ratio, so that its longer side is
    CHARS74K_LONGER_SIDE pixels (uniform), and placed uniformly at random on the canvas.
    kinds are the characters ("7", "A"); manners "plain".

    Inputs: rng -- numpy Generator; folder -- default default_chars74k_dir().
    """
    everything = read_chars74k(default_chars74k_dir() if folder is None else folder)
    chosen = [(label, strokes) for label, _, strokes in everything
              if (label.isdigit() != letters) and label not in LOOK_ALIKES]
    drawings, labels, kinds = [], [], []
    for label, strokes in chosen:
        low = np.vstack(strokes).min(axis=0)
        longer = max(np.ptp(np.vstack(strokes), axis=0).max(), 1.0)
        unit = [(s - low) / longer for s in strokes]          # the longer side is 1
        pose = Pose(height=rng.uniform(*CHARS74K_LONGER_SIDE), where=tuple(rng.uniform(0, 1, 2)))
        drawings.append(place(unit, pose, rng))
        labels.append(NOT_A_DIGIT if letters else int(label))
        kinds.append(label)
    name = "Chars74K letters" if letters else "Chars74K digits"
    return StrokeSet(name, drawings, np.array(labels, np.int64), np.array(kinds),
                     np.full(len(labels), "plain"))


# ------------------------------------------------------------------ Quick, Draw! doodles

QUICKDRAW_FILE = "quickdraw_bitmaps6.npz"


@dataclass
class ImageSet:
    """Pictures kept as they are: images (N, H, W) uint8, read by to_mnist as a picture file's
    pixels would be. Same interface as StrokeSet."""
    name: str
    images: np.ndarray
    labels: np.ndarray
    kinds: np.ndarray
    manners: np.ndarray

    def __len__(self):
        return len(self.images)

    def image(self, i):
        return self.images[i]

    def subset(self, indices):
        indices = np.asarray(indices, dtype=np.int64)
        return ImageSet(self.name, self.images[indices], self.labels[indices],
                        self.kinds[indices], self.manners[indices])


def quickdraw_set(folder=None):
    """The 18,000 Quick, Draw! doodles (apple, bicycle, cat, diamond, eye, fish; 28x28, white on
    black), labelled NOT_A_DIGIT, kinds the category.

    Inputs: folder -- holds quickdraw_bitmaps6.npz (default default_quickdraw_dir()).
    Raises: FileNotFoundError if it is missing; ValueError if it holds something else.
    """
    path = Path(default_quickdraw_dir() if folder is None else folder) / QUICKDRAW_FILE
    with np.load(path) as f:                    # plain arrays only: never allow_pickle
        images, categories = f["images"], f["labels"]
    if images.dtype != np.uint8 or images.ndim != 3 or len(images) != len(categories):
        raise ValueError(f"{path}: expected images (N, H, W) uint8 and N labels, got "
                         f"{images.dtype} {images.shape} and {categories.shape}")
    n = len(images)
    return ImageSet("Quick, Draw!", images, np.full(n, NOT_A_DIGIT, np.int64),
                    categories.astype(str), np.full(n, "plain"))


# ------------------------------------------------------------------ styles of digits

def _digit_templates():
    """{style name: (digit, [strokes])}, strokes in height units (see the module docstring).
    Each is written in the order and direction a person draws it."""
    nine_loop = arc((0.33, 0.25), (0.33, 0.25), 0, -360)
    eight_top = smooth((0.58, 0.1), (0.32, 0.0), (0.08, 0.12), (0.15, 0.33), (0.45, 0.52),
                       (0.65, 0.75), (0.42, 1.0), (0.08, 0.85), (0.15, 0.62), (0.45, 0.45),
                       (0.62, 0.22), (0.55, 0.08))
    return {
        "0 oval": (0, [arc((0.35, 0.5), (0.35, 0.5), 265, -90)]),
        "1 bar": (1, [line((0.0, 0.0), (0.0, 1.0))]),
        "1 short flag": (1, [line((0.0, 0.18), (0.15, 0.0), (0.15, 1.0))]),
        "1 long flag": (1, [line((0.0, 0.42), (0.35, 0.0), (0.35, 1.0))]),
        "1 long flag and base": (1, [line((0.0, 0.4), (0.3, 0.0), (0.3, 1.0)),
                                     line((0.02, 1.0), (0.6, 1.0))]),
        "2 plain": (2, [join(smooth((0.05, 0.25), (0.3, 0.02), (0.6, 0.06), (0.66, 0.3),
                                    (0.45, 0.6), (0.02, 1.0)),
                             line((0.02, 1.0), (0.75, 0.98)))]),
        "2 with a loop": (2, [smooth((0.05, 0.25), (0.3, 0.02), (0.6, 0.06), (0.66, 0.3),
                                     (0.45, 0.6), (0.15, 0.88), (0.12, 1.0), (0.28, 0.96),
                                     (0.22, 0.84), (0.1, 0.88), (0.25, 0.98), (0.75, 0.96))]),
        "3 round": (3, [join(smooth((0.05, 0.12), (0.32, 0.0), (0.6, 0.1), (0.58, 0.33),
                                    (0.28, 0.47)),
                             smooth((0.28, 0.47), (0.62, 0.6), (0.66, 0.85), (0.38, 1.0),
                                    (0.02, 0.88)))]),
        "3 flat top": (3, [join(line((0.05, 0.0), (0.65, 0.0), (0.3, 0.4)),
                                smooth((0.3, 0.4), (0.62, 0.55), (0.68, 0.8), (0.4, 1.0),
                                       (0.02, 0.88)))]),
        "4 open": (4, [line((0.1, 0.0), (0.04, 0.62), (0.8, 0.62)),
                       line((0.6, 0.08), (0.6, 1.0))]),
        "4 closed": (4, [line((0.55, 0.0), (0.0, 0.66), (0.8, 0.66)),
                         line((0.55, 0.0), (0.55, 1.0))]),
        "5 bar last": (5, [join(line((0.12, 0.02), (0.08, 0.45)),
                                smooth((0.08, 0.45), (0.38, 0.37), (0.66, 0.55), (0.62, 0.86),
                                       (0.33, 1.0), (0.0, 0.9))),
                           line((0.12, 0.02), (0.68, 0.0))]),
        "5 one stroke": (5, [join(line((0.68, 0.0), (0.12, 0.02), (0.08, 0.45)),
                                  smooth((0.08, 0.45), (0.38, 0.37), (0.66, 0.55), (0.62, 0.86),
                                         (0.33, 1.0), (0.0, 0.9)))]),
        "6 plain": (6, [smooth((0.58, 0.02), (0.28, 0.15), (0.06, 0.5), (0.08, 0.85), (0.33, 1.0),
                               (0.6, 0.86), (0.58, 0.6), (0.33, 0.52), (0.1, 0.66))]),
        "6 straight stem": (6, [join(line((0.55, 0.0), (0.08, 0.7)),
                                     smooth((0.08, 0.7), (0.25, 1.0), (0.55, 0.9), (0.56, 0.64),
                                            (0.3, 0.55), (0.1, 0.68)))]),
        "6 small loop": (6, [smooth((0.5, 0.0), (0.22, 0.3), (0.1, 0.65), (0.16, 0.95),
                                    (0.38, 1.0), (0.48, 0.82), (0.3, 0.7), (0.12, 0.8))]),
        "7 plain": (7, [line((0.0, 0.02), (0.7, 0.0), (0.25, 1.0))]),
        "7 crossed": (7, [line((0.0, 0.02), (0.7, 0.0), (0.25, 1.0)),
                          line((0.22, 0.52), (0.7, 0.5))]),
        "7 crossed, curved stem": (7, [join(line((0.0, 0.02), (0.7, 0.0)),
                                            smooth((0.7, 0.0), (0.48, 0.4), (0.36, 1.0))),
                                       line((0.2, 0.48), (0.7, 0.47))]),
        "7 with a serif": (7, [line((0.0, 0.16), (0.02, 0.0), (0.7, 0.0), (0.25, 1.0))]),
        "8 one stroke": (8, [eight_top]),
        "8 two loops": (8, [arc((0.33, 0.24), (0.26, 0.24), 180, 540),
                            arc((0.33, 0.73), (0.33, 0.27), 270, -90)]),
        "9 straight stem": (9, [join(nine_loop, line((0.66, 0.25), (0.66, 1.0)))]),
        "9 slanted stem": (9, [join(nine_loop, line((0.66, 0.25), (0.4, 1.0)))]),
        "9 curved stem": (9, [join(nine_loop, smooth((0.66, 0.25), (0.64, 0.7), (0.48, 1.0),
                                                     (0.22, 0.96)))]),
        # Added later, at the end, so the drawings of the styles above keep their seeds.
        "0 slashed": (0, [arc((0.35, 0.5), (0.35, 0.5), 265, -90),
                          line((0.02, 1.06), (0.68, -0.06))]),
        "0 dotted": (0, [arc((0.35, 0.5), (0.35, 0.5), 265, -90),
                         line((0.33, 0.48), (0.37, 0.52))]),
        "6 open loop": (6, [smooth((0.58, 0.02), (0.28, 0.15), (0.06, 0.5), (0.08, 0.85),
                                   (0.33, 1.0), (0.6, 0.86), (0.6, 0.64), (0.42, 0.55))]),
        "9 open loop": (9, [arc((0.33, 0.25), (0.33, 0.25), -20, -290),
                            line((0.66, 0.06), (0.66, 1.0))]),
    }


DIGIT_TEMPLATES = _digit_templates()
# How a style's drawings are made: {manner: (drawings per template, pose maker)}. The pose makers
# take a Generator and return a Pose; every drawing also gets a small turn and wobble.
STYLE_MANNERS = {
    "plain":     (10, lambda rng: dict(height=rng.uniform(130, 230))),
    "slanted":   (4, lambda rng: dict(height=rng.uniform(130, 230),
                                      slant=rng.choice([-1, 1, 1]) * rng.uniform(0.3, 0.55))),
    "tiny":      (4, lambda rng: dict(height=rng.uniform(40, 60), pen=int(rng.integers(6, 11)))),
    "small":     (4, lambda rng: dict(height=rng.uniform(70, 100))),
    "in a corner": (4, lambda rng: dict(height=rng.uniform(60, 110),
                                        where=tuple(rng.choice([0.0, 1.0], 2)))),
    "huge":      (4, lambda rng: dict(height=rng.uniform(245, 262))),
    "very thin": (4, lambda rng: dict(height=rng.uniform(130, 230), pen=PEN_WIDTHS[0])),
    "very thick": (4, lambda rng: dict(height=rng.uniform(170, 240), pen=PEN_WIDTHS[1])),
}


def style_set(rng):
    """Digits drawn in the styles of DIGIT_TEMPLATES, in each manner of STYLE_MANNERS.

    Every drawing: the template with a smooth wobble of 3-4% of its height, turned by up to 8
    degrees, its width times 0.8-1.2, placed anywhere on the canvas; the manner sets the height
    and the pen: "tiny" is 40-60 px high with a 6-10 px pen (a tiny digit drawn with the 20 px pen
    would be a blob no one can read), "small" 70-100 px with the default pen, "in a corner"
    60-110 px against two edges of the canvas, "huge" fills the
    canvas, "very thin" and "very thick" use the pen slider's ends (PEN_WIDTHS), "slanted" leans
    by 17-29 degrees, two in three to the right. kinds are the style names, manners the manners.
    """
    drawings, labels, kinds, manners = [], [], [], []
    for style, (digit, strokes) in DIGIT_TEMPLATES.items():
        for manner, (count, make_pose) in STYLE_MANNERS.items():
            for _ in range(count):
                pose = Pose(**{"aspect": rng.uniform(0.8, 1.2), "angle": rng.uniform(-8, 8),
                               "wobble": rng.uniform(0.03, 0.04),
                               "where": tuple(rng.uniform(0, 1, 2)), **make_pose(rng)})
                drawings.append(place(strokes, pose, rng))
                labels.append(digit)
                kinds.append(style)
                manners.append(manner)
    return StrokeSet("styles", drawings, np.array(labels, np.int64), np.array(kinds),
                     np.array(manners))


# ------------------------------------------------------------------ things that are not digits

def _star():
    angles = np.radians(-90 + 144 * np.arange(6))
    return [np.column_stack([0.5 + 0.5 * np.cos(angles), 0.5 + 0.5 * np.sin(angles)])]


def _scribble(rng):
    return [smooth(*rng.uniform(0, 1, (int(rng.integers(8, 14)), 2)), samples=6)]


def _zigzag(rng):
    teeth = int(rng.integers(3, 6))
    x = np.linspace(0, 1.6, 2 * teeth + 1)
    return [np.column_stack([x, np.where(np.arange(len(x)) % 2, 0.0, 0.5)])]


def _wave(rng):
    x = np.linspace(0, 1.6, 40)
    return [np.column_stack([x, 0.15 * np.sin(2 * np.pi * x * rng.uniform(1.2, 2.0))])]


def _spiral(rng):
    turns = rng.uniform(2.0, 3.0)
    theta = np.linspace(0, 2 * np.pi * turns, int(60 * turns))
    r = 0.5 * theta / theta[-1]
    return [np.column_stack([0.5 + r * np.cos(theta), 0.5 + r * np.sin(theta)])]


def _dots(rng):
    count = int(rng.integers(2, 5))
    xs = np.sort(rng.uniform(0, 1, count)) * count
    return [np.array([[x, rng.uniform(0, 0.3)]]) for x in xs]


def _smiley(rng):
    return [arc((0.5, 0.5), (0.5, 0.5), 270, -90), line((0.33, 0.33), (0.33, 0.36)),
            line((0.67, 0.33), (0.67, 0.36)), arc((0.5, 0.5), (0.28, 0.25), 20, 160)]


def _sun(rng):
    rays = [line((0.5 + 0.3 * np.cos(a), 0.5 + 0.3 * np.sin(a)),
                 (0.5 + 0.5 * np.cos(a), 0.5 + 0.5 * np.sin(a)))
            for a in np.radians(np.arange(0, 360, 45) + rng.uniform(0, 45))]
    return [arc((0.5, 0.5), (0.2, 0.2), 0, 360)] + rays


NON_DIGIT_TEMPLATES = {
    # kind: strokes in height units, or a function of a Generator returning them
    "scribble": _scribble,
    "zigzag": _zigzag,
    "wave": _wave,
    "spiral": _spiral,
    "dot": [np.array([[0.0, 0.0]])],
    "dots": _dots,
    "dash": [line((0.0, 0.0), (1.0, 0.0))],
    "equals": [line((0.0, 0.0), (1.0, 0.0)), line((0.0, 0.35), (1.0, 0.35))],
    "plus": [line((0.0, 0.5), (1.0, 0.5)), line((0.5, 0.0), (0.5, 1.0))],
    "x": [line((0.0, 0.0), (1.0, 1.0)), line((1.0, 0.0), (0.0, 1.0))],
    "hash": [line((0.35, 0.0), (0.25, 1.0)), line((0.75, 0.0), (0.65, 1.0)),
             line((0.0, 0.33), (1.0, 0.33)), line((0.0, 0.67), (1.0, 0.67))],
    "caret": [line((0.0, 0.6), (0.45, 0.0), (0.9, 0.6))],
    "triangle": [line((0.5, 0.0), (0.0, 0.9), (1.0, 0.9), (0.5, 0.0))],
    "square": [line((0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0))],
    "diamond": [line((0.4, 0.0), (0.0, 0.5), (0.4, 1.0), (0.8, 0.5), (0.4, 0.0))],
    "star": _star(),
    "heart": [join(smooth((0.5, 0.25), (0.3, 0.0), (0.03, 0.12), (0.08, 0.45), (0.5, 1.0)),
                   smooth((0.5, 1.0), (0.92, 0.45), (0.97, 0.12), (0.7, 0.0), (0.5, 0.25)))],
    "smiley": _smiley,
    "sun": _sun,
    "house": [line((0.0, 0.45), (0.0, 1.0), (0.8, 1.0), (0.8, 0.45), (0.0, 0.45), (0.4, 0.0),
                   (0.8, 0.45))],
    "arrow": [line((0.0, 0.25), (1.2, 0.25)), line((0.9, 0.0), (1.2, 0.25), (0.9, 0.5))],
    "checkmark": [line((0.0, 0.6), (0.3, 1.0), (0.9, 0.0))],
    "letter A": [line((0.0, 1.0), (0.4, 0.0), (0.8, 1.0)), line((0.18, 0.6), (0.62, 0.6))],
    "letter E": [line((0.6, 0.0), (0.0, 0.0), (0.0, 1.0), (0.6, 1.0)),
                 line((0.0, 0.5), (0.45, 0.5))],
    "letter F": [line((0.6, 0.0), (0.0, 0.0), (0.0, 1.0)), line((0.0, 0.5), (0.45, 0.5))],
    "letter H": [line((0.0, 0.0), (0.0, 1.0)), line((0.7, 0.0), (0.7, 1.0)),
                 line((0.0, 0.5), (0.7, 0.5))],
    "letter K": [line((0.0, 0.0), (0.0, 1.0)), line((0.6, 0.0), (0.0, 0.55), (0.65, 1.0))],
    "letter M": [line((0.0, 1.0), (0.05, 0.0), (0.45, 0.7), (0.85, 0.0), (0.9, 1.0))],
    "letter N": [line((0.0, 1.0), (0.0, 0.0), (0.7, 1.0), (0.7, 0.0))],
    "letter R": [join(line((0.0, 1.0), (0.0, 0.0)),
                      smooth((0.0, 0.0), (0.45, 0.04), (0.55, 0.25), (0.4, 0.48), (0.0, 0.5)),
                      line((0.0, 0.5), (0.6, 1.0)))],
    "letter V": [line((0.0, 0.0), (0.4, 1.0), (0.8, 0.0))],
    "letter W": [line((0.0, 0.0), (0.25, 1.0), (0.5, 0.35), (0.75, 1.0), (1.0, 0.0))],
}
NON_DIGITS_PER_KIND = 16


def non_digit_set(rng, per_kind=NON_DIGITS_PER_KIND):
    """Drawings that are not digits: per_kind of each kind of NON_DIGIT_TEMPLATES.

    Left out on purpose, because a person could read them as digits: a circle, an ellipse or the
    letters O, D, Q (0); a vertical bar or I, l, i, j, J, T (1, 7); Z, z (2); S, s (5); b, G (6);
    L rotated and Y (7, 4); B (8); g, q, a, P (9); and ?, &, @, $, which contain a 2, 8, 0 or 5.

    Every drawing: 60-240 px high (a dot is one pen dab, a dash 60-240 px long), its width times
    0.8-1.2, turned by up to 10 degrees, a smooth wobble of 2-4%, the app's default pen, placed
    anywhere. Labels are NOT_A_DIGIT, kinds the kind names.
    """
    drawings, kinds = [], []
    for kind, make in NON_DIGIT_TEMPLATES.items():
        for _ in range(per_kind):
            pose = Pose(height=rng.uniform(60, 240), aspect=rng.uniform(0.8, 1.2),
                        angle=rng.uniform(-10, 10), wobble=rng.uniform(0.02, 0.04),
                        where=tuple(rng.uniform(0, 1, 2)))
            strokes = make(rng) if callable(make) else make
            drawings.append(place(strokes, pose, rng))
            kinds.append(kind)
    n = len(drawings)
    return StrokeSet("not digits", drawings, np.full(n, NOT_A_DIGIT, np.int64), np.array(kinds),
                     np.full(n, "plain"))


# ------------------------------------------------------------------ MNIST on the canvas

def draw_like_a_person(digit, rng, canvas=CANVAS_SIZE):
    """One MNIST digit as someone might draw it on the app's 280x280 canvas.

    Inputs:  digit -- (28, 28) uint8 MNIST image; rng -- numpy Generator.
    Returns: (280, 280) uint8: the digit enlarged to a random height of 60..250 px (its longer
             side at most 250), at a random spot; a third of them drawn with a thicker pen (a max
             filter), half of them dark ink on light paper.
    """
    rows = np.flatnonzero(digit.any(axis=1))
    cols = np.flatnonzero(digit.any(axis=0))
    crop = digit[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = crop.shape
    scale = min(rng.integers(60, 251) / h, 250 / w)
    big = Image.fromarray(crop).resize((round(w * scale), round(h * scale)),
                                       Image.Resampling.BICUBIC)
    if rng.random() < 1 / 3:
        big = big.filter(ImageFilter.MaxFilter(int(rng.choice([3, 5, 7, 9]))))
    image = Image.new("L", (canvas, canvas), 0)
    image.paste(big, (int(rng.integers(0, canvas - big.width + 1)),
                      int(rng.integers(0, canvas - big.height + 1))))
    pixels = np.asarray(image)
    return 255 - pixels if rng.random() < 0.5 else pixels


@dataclass
class CanvasMnistSet:
    """MNIST digits drawn on the canvas by draw_like_a_person, one seed per digit so that any
    drawing can be painted on its own. Same interface as StrokeSet (kinds are the digits)."""
    name: str
    digits: np.ndarray          # (N, 28, 28) uint8
    labels: np.ndarray          # (N,) int64
    seeds: np.ndarray           # (N,) uint64
    kinds: np.ndarray
    manners: np.ndarray

    def __len__(self):
        return len(self.digits)

    def image(self, i):
        """Digit i on the canvas: (280, 280) uint8 (half of them dark ink on light paper)."""
        return draw_like_a_person(self.digits[i], np.random.default_rng(int(self.seeds[i])))

    def subset(self, indices):
        indices = np.asarray(indices, dtype=np.int64)
        return CanvasMnistSet(self.name, self.digits[indices], self.labels[indices],
                              self.seeds[indices], self.kinds[indices], self.manners[indices])


def canvas_mnist_set(digits, labels, rng):
    """Inputs: digits (N, 28, 28) uint8, labels (N,), rng -- numpy Generator (draws one seed per
    digit)."""
    labels = np.asarray(labels, dtype=np.int64)
    return CanvasMnistSet("MNIST on the canvas", np.asarray(digits), labels,
                          rng.integers(0, 2 ** 63, len(labels), dtype=np.uint64),
                          labels.astype(str), np.full(len(labels), "plain"))
