"""Photos of paper: MNIST test digits written on a page, as a phone camera would give them.

Each photo is a (H, W) uint8 grey page, 200 to 400 px a side, read exactly as `numpy-cnn predict`
reads a file (numpy_cnn.preprocess.to_mnist on the decoded pixels). A page is made in the order
light meets it on its way to the camera:

    paper (a light grey, 0.78-0.95)
      -> printed lines (ruled or squared paper)            the lines are on the paper
      -> the digit in ink (pen black or pencil grey)       the ink is over the lines
      -> light (uneven light: a gradient; a shadow)        light falls on paper and ink alike
      -> sensor noise and specks of dust
      -> 8-bit pixels -> JPEG compression                  what the phone stores

Each page has one kind of damage (DAMAGES), or all of them at once ("combination"), or none
("clean", the control). Every digit is photographed once per kind of damage on the same page
(same size, same place, same ink), so two kinds differ only by their damage.

blank_pages: pages with no digit at all under uneven light or a shadow; to_mnist should find no
ink there (EmptyImageError: "blank"), not a digit.

Everything is drawn from numpy Generators: a set keeps one seed per page and paints a page when
asked (9,000 pages of 300x300 would take 800 MB).
"""
import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

DAMAGES = ("clean", "uneven light", "shadow", "ruled lines", "squared paper",
           "noise and specks", "JPEG", "rotation", "combination")
BLANK_KINDS = ("clean", "uneven light", "shadow", "uneven light and shadow")
INKS = ("pen", "pencil")
PAGE_SIDE = (200, 401)          # page height and width, px: integers in [200, 401)
DIGIT_SHARE = (0.2, 0.5)        # the digit's height as a share of the page's shorter side
PAPER = (0.78, 0.95)            # paper grey, 0 black, 1 white
INK_GREY = {"pen": (0.05, 0.2), "pencil": (0.35, 0.55)}
MAX_TURN = 10.0                 # degrees, the "rotation" damage: uniform in [-10, 10]
PHOTOS_PER_DAMAGE = 1000
BLANKS_PER_KIND = 100


# ------------------------------------------------------------------ the page

@dataclass
class Page:
    """What a page is made of, before any damage (lengths in pixels).

    shape: (H, W); paper, ink: greys in [0, 1]; ink_kind: "pen" or "pencil"; height: of the
    digit; where: (top, left) of the digit's box as a share of the free room (0..1 each).
    """
    shape: tuple
    paper: float
    ink: float
    ink_kind: str
    height: int
    where: tuple


def draw_page(rng):
    """A page's size, paper, ink and the digit's size and place, from a Generator."""
    shape = (int(rng.integers(*PAGE_SIDE)), int(rng.integers(*PAGE_SIDE)))
    ink_kind = INKS[int(rng.integers(len(INKS)))]
    return Page(shape=shape, paper=float(rng.uniform(*PAPER)),
                ink=float(rng.uniform(*INK_GREY[ink_kind])), ink_kind=ink_kind,
                height=int(round(rng.uniform(*DIGIT_SHARE) * min(shape))),
                where=(float(rng.random()), float(rng.random())))


def ink_mask(digit, height, angle=0.0):
    """The digit as coverage: (h, w) float32 in [0, 1], the MNIST digit cropped to its ink,
    enlarged (bicubic) to `height` px high and turned by `angle` degrees (anticlockwise).
    Inputs: digit (28, 28) uint8, white ink on black as in MNIST."""
    rows = np.flatnonzero(digit.any(axis=1))
    cols = np.flatnonzero(digit.any(axis=0))
    crop = Image.fromarray(digit[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
    scale = height / crop.height
    big = crop.resize((max(1, round(crop.width * scale)), height), Image.Resampling.BICUBIC)
    if angle:
        big = big.rotate(angle, Image.Resampling.BICUBIC, expand=True)
    return np.asarray(big, dtype=np.float32) / np.float32(255)


def write(page, mask, paper):
    """Ink over paper: grey = paper + (ink - paper) * coverage, the mask placed at page.where
    (shrunk to fit if the page is smaller). Inputs: paper (H, W) float32. Returns a new array."""
    h, w = paper.shape
    if mask.shape[0] > h or mask.shape[1] > w:
        scale = min(h / mask.shape[0], w / mask.shape[1])
        mask = np.asarray(Image.fromarray(mask).resize(
            (int(mask.shape[1] * scale), int(mask.shape[0] * scale)), Image.Resampling.BILINEAR))
    top = int(page.where[0] * (h - mask.shape[0]))
    left = int(page.where[1] * (w - mask.shape[1]))
    out = paper.copy()
    window = out[top:top + mask.shape[0], left:left + mask.shape[1]]
    window += (page.ink - window) * mask
    return out


# ------------------------------------------------------------------ damage

def ruled_lines(shape, paper, rng):
    """Paper with horizontal lines every 18-32 px, 1-2 px thick, 72-85% of the paper's grey
    (light blue lines on white read about that dark in grey). Returns (H, W) float32."""
    spacing = int(rng.integers(18, 33))
    thickness = int(rng.integers(1, 3))
    out = np.full(shape, paper, np.float32)
    rows = np.arange(shape[0])
    out[(rows - int(rng.integers(spacing))) % spacing < thickness] = paper * rng.uniform(0.72, 0.85)
    return out


def squared_paper(shape, paper, rng):
    """Paper with a square grid every 12-24 px, 1 px lines, 78-90% of the paper's grey."""
    spacing = int(rng.integers(12, 25))
    out = np.full(shape, paper, np.float32)
    line = np.float32(paper * rng.uniform(0.78, 0.9))
    rows, cols = np.arange(shape[0]), np.arange(shape[1])
    out[(rows - int(rng.integers(spacing))) % spacing == 0, :] = line
    out[:, (cols - int(rng.integers(spacing))) % spacing == 0] = line
    return out


def uneven_light(shape, rng, depth=(0.35, 0.6)):
    """Light falling off across the page: 1 at one side, 1 - depth at the other, linearly along
    a random direction. Returns (H, W) float32 factors in (0, 1]."""
    angle = rng.uniform(0, 2 * np.pi)
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    along = x * np.cos(angle) + y * np.sin(angle)
    t = (along - along.min()) / (along.max() - along.min())
    return (1.0 - rng.uniform(*depth) * t).astype(np.float32)


def shadow(shape, rng, depth=(0.35, 0.6)):
    """A shadow (of the phone, a hand) over part of the page: the light times 1 - depth beyond a
    straight edge through a random point of the page's middle, softened over 3-15 px:
        factor = 1 - depth * sigmoid(d / softness),  d = signed distance to the edge.
    Returns (H, W) float32."""
    angle = rng.uniform(0, 2 * np.pi)
    centre = (rng.uniform(0.25, 0.75) * shape[0], rng.uniform(0.25, 0.75) * shape[1])
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    d = (x - centre[1]) * np.cos(angle) + (y - centre[0]) * np.sin(angle)
    softness = rng.uniform(3, 15)
    return (1.0 - rng.uniform(*depth) / (1.0 + np.exp(-d / softness))).astype(np.float32)


def noise_and_specks(grey, rng, specks=(10, 41)):
    """Sensor noise (Gaussian, sigma 0.02-0.05) and 10-40 specks of dust: dark discs of radius
    0.7-2 px anywhere on the page. Inputs: grey (H, W) float32. Returns a new array."""
    out = grey + rng.normal(0.0, rng.uniform(0.02, 0.05), grey.shape).astype(np.float32)
    y, x = np.mgrid[0:grey.shape[0], 0:grey.shape[1]]
    for _ in range(int(rng.integers(*specks))):
        cy, cx = rng.uniform(0, grey.shape[0]), rng.uniform(0, grey.shape[1])
        radius = rng.uniform(0.7, 2.0)
        disc = (y - cy) ** 2 + (x - cx) ** 2 <= radius ** 2
        out[disc] = rng.uniform(0.05, 0.5)
    return out


def to_pixels(grey):
    """(H, W) float in [0, 1] -> (H, W) uint8, rounded, as the camera stores it."""
    return np.rint(np.clip(grey, 0.0, 1.0) * 255).astype(np.uint8)


def jpeg(pixels, quality):
    """The page stored as a JPEG of this quality (1-95) and decoded again: (H, W) uint8."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=int(quality))
    buffer.seek(0)
    with Image.open(buffer) as image:
        return np.asarray(image.convert("L"))


def photograph(digit, damage, page, rng):
    """One photo of a digit written on a page.

    Inputs:  digit -- (28, 28) uint8 MNIST image, or None for a blank page; damage -- one of
             DAMAGES (or BLANK_KINDS for a blank page); page -- a Page; rng -- numpy Generator
             for the damage.
    Returns: (H, W) uint8, dark ink on light paper.
    """
    every = damage == "combination"
    if damage == "ruled lines" or (every and rng.random() < 0.5):
        grey = ruled_lines(page.shape, page.paper, rng)
    elif damage == "squared paper" or every:
        grey = squared_paper(page.shape, page.paper, rng)
    else:
        grey = np.full(page.shape, page.paper, np.float32)
    if digit is not None:
        angle = rng.uniform(-MAX_TURN, MAX_TURN) if damage in ("rotation", "combination") else 0.0
        mask = ink_mask(digit, page.height, angle)
        if page.ink_kind == "pencil":              # graphite: grainy, never quite full cover
            mask = mask * rng.uniform(0.7, 1.0, mask.shape).astype(np.float32)
        grey = write(page, mask, grey)
    if damage in ("uneven light", "uneven light and shadow") or every:
        grey = grey * uneven_light(page.shape, rng, (0.2, 0.4) if every else (0.35, 0.6))
    if damage in ("shadow", "uneven light and shadow") or every:
        grey = grey * shadow(page.shape, rng, (0.2, 0.4) if every else (0.35, 0.6))
    if damage == "noise and specks" or every:
        grey = noise_and_specks(grey, rng, (3, 11) if every else (10, 41))
    pixels = to_pixels(grey)
    if damage == "JPEG" or every:
        pixels = jpeg(pixels, rng.integers(8, 31) if damage == "JPEG" else rng.integers(20, 51))
    return pixels


# ------------------------------------------------------------------ the sets

@dataclass
class PhotoSet:
    """MNIST digits photographed on paper, one page per (digit, kind of damage); or, with
    digits None, blank pages under kinds of light (labels NOT_A_DIGIT, -1; manners "blank").

    Same interface as benchmarks.handwriting_sets.StrokeSet: labels (N,) int64, kinds (N,) str
    (the kind of damage), manners (N,) str ("pen" or "pencil"), image(i) -> (H, W) uint8.
    Page i is drawn from default_rng(seeds[i]) and its damage from default_rng([seeds[i], k]),
    k the damage's index in kind_names (DAMAGES, or BLANK_KINDS for blank pages): the same seed
    gives the same page under every damage.
    """
    name: str
    digits: np.ndarray | None   # (N, 28, 28) uint8, or None: nothing written
    labels: np.ndarray
    seeds: np.ndarray           # (N,) uint64
    kinds: np.ndarray
    manners: np.ndarray
    kind_names: tuple = DAMAGES

    def __len__(self):
        return len(self.labels)

    def image(self, i):
        seed = int(self.seeds[i])
        damage = str(self.kinds[i])
        page = draw_page(np.random.default_rng(seed))
        digit = None if self.digits is None else self.digits[i]
        return photograph(digit, damage, page,
                          np.random.default_rng([seed, self.kind_names.index(damage)]))

    def subset(self, indices):
        indices = np.asarray(indices, dtype=np.int64)
        digits = None if self.digits is None else self.digits[indices]
        return PhotoSet(self.name, digits, self.labels[indices], self.seeds[indices],
                        self.kinds[indices], self.manners[indices], self.kind_names)


def photo_set(digits, labels, rng, per_damage=PHOTOS_PER_DAMAGE):
    """per_damage digits, evenly spaced over (digits, labels), each photographed under every
    kind of DAMAGES on its own page: N = per_damage * len(DAMAGES), grouped by damage.

    Inputs: digits (M, 28, 28) uint8, labels (M,), rng -- numpy Generator (one seed per digit).
    """
    picked = np.linspace(0, len(digits) - 1, min(per_damage, len(digits))).round().astype(np.int64)
    seeds = rng.integers(0, 2 ** 63, len(picked), dtype=np.uint64)
    inks = np.array([draw_page(np.random.default_rng(int(s))).ink_kind for s in seeds])
    k = len(DAMAGES)
    return PhotoSet("photos", np.tile(np.asarray(digits)[picked], (k, 1, 1)),
                    np.tile(np.asarray(labels, np.int64)[picked], k), np.tile(seeds, k),
                    np.repeat(np.array(DAMAGES), len(picked)), np.tile(inks, k))


def blank_pages(rng, per_kind=BLANKS_PER_KIND):
    """per_kind blank pages of each of BLANK_KINDS, grouped by kind."""
    n = per_kind * len(BLANK_KINDS)
    return PhotoSet("blank pages", None, np.full(n, -1, np.int64),
                    rng.integers(0, 2 ** 63, n, dtype=np.uint64),
                    np.repeat(np.array(BLANK_KINDS), per_kind), np.full(n, "blank"), BLANK_KINDS)
