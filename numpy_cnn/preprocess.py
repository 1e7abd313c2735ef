"""Make any picture of a digit look like an MNIST digit, the only kind the network can read.

How MNIST digits look (LeCun et al.): white ink on black; the digit scaled, aspect ratio kept,
so that its longer side fills a 20x20 box, with anti-aliased edges; then placed in a 28x28
image so that its centre of mass falls on the centre pixel. Measured on the 60,000 training
digits: the mean centre of mass is at row 14.00, column 14.01, with a spread of 0.29 pixel --
the spread of a whole-pixel shift, so MNIST digits were moved by whole pixels. Their strokes
are about 2 px wide in the 20 px box; 9 digits in 10 are between 1.35 and 3.3 px.

to_mnist() repeats those steps on a picture of any size, colour and polarity:

    picture --to_grey--> grey (H, W) in [0, 1] --ink_from_background--> ink (H, W), 0 = paper
        dark ground: ink = how much lighter than it     light paper: ink = how much darker
                                                        than paper_background (shading is
                                                        not ink), then clean_photo:
                                                          median_3x3 (if noisy: noise)
                                                          divide_out_lines (ruled, squared)
                                                          drop_specks (if noisy: dust)
      --crop_to_ink--> the digit's box --fit_in_box--> a working copy, longer side 80 px
      --adjust_stroke_width--> strokes 1.5 to 3.5 px wide at the final scale, even from a
                               hair-thin or a very thick pen
      --fit_in_box--> longer side 20 px, anti-aliased
      --place_by_centre_of_mass--> (28, 28) float32, white ink on black

A drawing on flat paper (the app's canvas, black or white) is evenly lit, has no printed lines
and no noise: it passes the photo steps unchanged, exactly as before they existed
(tests/test_preprocess.py checks that, pixel for pixel).
"""
import numpy as np
from PIL import Image, ImageFilter

MNIST_SIZE = 28                     # side of the network's input
DIGIT_BOX = 20                      # the digit's longer side inside it
MNIST_CENTRE = (14.0, 14.0)         # where MNIST puts the centre of mass (row, column)
INK_THRESHOLD = 0.25                # ink fainter than this (relative to full contrast) is noise
WORK_SCALE = 4                      # the working copy is 4 times the final size: 80 px
MIN_STROKE, MAX_STROKE = 1.5, 3.5   # stroke widths kept, in pixels at the final size
BACKGROUND_SIDE = 64                # shorter side of the copy evenly lit paper is told on
SHADING_SIDE, SHADING_R = 128, 24   # the copy (and window's half side) shading is found on
BLACK_GROUND = 0.2                  # a border whose median is darker is a black ground
# Photos of paper (clean_photo):
NOISE_GATE = 0.5 / 255              # a picture noisier than this (sigma, as ink) is denoised
LINE_PERCENTILE = 10                # a printed line runs the page: even its faintest tenth is ink
LINE_WIDTH = 5                      # printed lines are narrower than this, in pixels
LINE_MIN, LINE_MAX = 0.02, 0.5      # and darker than LINE_MIN, fainter than LINE_MAX (as ink)
LINE_FLOOR = 0.1                    # on paper inked less than this (a shadow's remains)
LINES_AT_LEAST = 3                  # one or two ridges are strokes; three or more, a ruling
SPECK_SHARE = 0.05                  # a piece of ink lighter than this share of the digit is dust
SPECK_MARGIN = 0.25                 # and so is one farther from it than this share of its size
LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114], np.float32)  # ITU-R 601, as Pillow's "L" mode


class EmptyImageError(ValueError):
    """The picture holds no ink: there is no digit to read."""

    def __init__(self, message="the image is empty: draw a digit first"):
        super().__init__(message)


def to_mnist(image):
    """Turn a picture of one digit into the network's input, looking like an MNIST digit.

    Inputs:
    - image: a PIL image (any mode: 8- or 16-bit grey, 32-bit float, colour, with or without
      transparency), or an array (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA; uint8 in
      0..255, uint16 in 0..65535 or float in 0..1; any size; light ink on dark or dark on light.

    Returns: (28, 28) float32 in [0, 1], white ink on black, the digit's longer side 20 px,
             strokes MIN_STROKE to MAX_STROKE px wide, its centre of mass at the centre.

    Raises: EmptyImageError if no pixel differs from the background by INK_THRESHOLD or more.
    """
    ink = ink_from_background(to_grey(image))
    if ink.max() < INK_THRESHOLD:
        raise EmptyImageError()
    work = fit_in_box(crop_to_ink(ink), DIGIT_BOX * WORK_SCALE)
    work = adjust_stroke_width(work, MIN_STROKE * WORK_SCALE, MAX_STROKE * WORK_SCALE)
    digit = fit_in_box(work, DIGIT_BOX)
    return place_by_centre_of_mass(digit, MNIST_SIZE, MNIST_CENTRE)


def to_grey(image):
    """Inputs:  image -- a PIL image or an array, as for to_mnist.
    Returns: (H, W) float32 in [0, 1], 0 black, 1 white.

    - Colour becomes luminance. 16-bit grey keeps its mid-tones (a scan's ink at 10000 and
      paper at 50000 of 65535 are 0.15 and 0.76).
    - Transparency: where the background (most of the border) is see-through, the ink is
      whatever is opaque, whatever its colour, so the alpha channel is the picture: white ink
      on black. On an opaque background, transparent pixels become white paper, the way a
      viewer shows them on a white page.
    """
    if isinstance(image, Image.Image):
        image = pil_pixels(image)
    pixels = np.asarray(image)
    if pixels.dtype == np.bool_ or np.issubdtype(pixels.dtype, np.integer):
        full_scale = {np.dtype(np.bool_): 1.0, np.dtype(np.uint16): 65535.0}.get(pixels.dtype, 255.0)
        pixels = pixels.astype(np.float32) / np.float32(full_scale)
    pixels = np.clip(pixels.astype(np.float32, copy=False), 0.0, 1.0)
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    if pixels.ndim == 3 and pixels.shape[2] in (3, 4):
        grey = pixels[:, :, :3] @ LUMA_WEIGHTS
        if pixels.shape[2] == 4:
            alpha = pixels[:, :, 3]
            if np.median(border(alpha)) < 0.5:       # a transparent background
                grey = alpha
            else:
                grey = alpha * grey + (1.0 - alpha)  # composite over white
        pixels = grey
    if pixels.ndim != 2 or min(pixels.shape) == 0:
        raise ValueError(f"expected a grey (H, W), RGB (H, W, 3) or RGBA (H, W, 4) image, "
                         f"got shape {np.shape(image)}")
    return pixels


def pil_pixels(image):
    """The pixels of a PIL image as an array to_grey reads: uint8 grey or RGBA, uint16 grey
    (mode I;16), or float32 in [0, 1] (mode I: 32-bit integers, taken as 16-bit values if any
    exceeds 255; mode F: floats, taken as 0..255 if any exceeds 1)."""
    if "A" in image.getbands() or "transparency" in image.info:
        return np.asarray(image.convert("RGBA"))
    if image.mode.startswith("I;16"):
        return np.asarray(image).astype(np.uint16)     # native byte order
    if image.mode == "I":
        values = np.asarray(image, dtype=np.float32)
        return values / np.float32(65535.0 if values.max(initial=0.0) > 255.0 else 255.0)
    if image.mode == "F":
        values = np.asarray(image, dtype=np.float32)
        return values / np.float32(255.0) if values.max(initial=0.0) > 1.0 else values
    return np.asarray(image.convert("L"))


def border(pixels):
    """The pixels along the four edges of a (H, W) array, as one flat array."""
    return np.concatenate([pixels[0], pixels[-1], pixels[1:-1, 0], pixels[1:-1, -1]])


def ink_from_background(grey):
    """How much ink each pixel holds, whatever the polarity of the picture.

    Inputs:  grey -- (H, W) float32 in [0, 1].
    Returns: ink -- (H, W) float32 in [0, 1]: 0 where the pixel is the background's colour,
             1 where it is as far from it as black is from white paper (or white from black).

    Notes: the background is the median of the border pixels: a digit rarely covers more than
    half the border, so the median is the paper's colour even when the digit touches the edges.
    Paper is light when that median is above 0.5, or when the lighter quarter of the border is
    (its 75th percentile: a shadow may darken half of a photo's border) and the median is no
    black ground (above BLACK_GROUND: white ink on the app's black canvas may cover a quarter
    of its border). Light paper means dark ink, and the other way round. Paper in a photo is
    seldom lit evenly: where it is, one level is the paper everywhere (and the app's black
    canvas always is); where it is not (see paper_background), each pixel is compared with the
    paper around it instead, so a shadow is not ink and a digit in the shadow still is. What
    light paper leaves of printed lines, noise and dust is then taken away (clean_photo); a
    drawing on flat paper passes through that unchanged.
    """
    edge = border(grey)
    paper = float(np.median(edge))
    if paper > 0.5 or (paper > BLACK_GROUND and np.percentile(edge, 75) > 0.5):
        paper = paper_background(grey, paper)
        ink = (paper - grey) / paper                 # dark ink: the darker, the more ink
        return clean_photo(np.clip(ink, 0.0, 1.0))
    ink = (grey - paper) / (1.0 - paper)             # light ink on dark paper
    return np.clip(ink, 0.0, 1.0)


def paper_background(grey, paper):
    """The light paper's own level around every pixel, ink taken away.

    Inputs:  grey -- (H, W) float32 in [0, 1], dark ink on light paper; paper -- its median
             border level.
    Returns: paper, the float itself, if the page is lit evenly: if the local level found
             below is everywhere within INK_THRESHOLD / 2 of it (relative to it), that is, if
             no shading would count as ink; else (H, W) float32, the local level.

    How: a morphological closing, a max filter (each pixel takes the lightest value within r:
    dark strokes narrower than 2r+1 vanish into the paper around them) then a min filter of the
    same size (which brings the paper's own edges, a shadow's, back where they were: a smooth
    shading, even a ramp, comes out unchanged). Whether the page is lit evenly is told on a
    copy whose shorter side is BACKGROUND_SIDE pixels, with r = BACKGROUND_SIDE / 4 (strokes
    and blobs up to half the page's shorter side are ink), so that every drawing on flat paper
    keeps its one level. Where it is not, the level is found again, finer: on a copy
    SHADING_SIDE pixels high with r = SHADING_R (a window 0.38 of the shorter side: a pen
    digit's strokes, not its whole box), so that a sharp shadow's edge stays sharp; beyond the
    page's edges that copy goes on as its edge pixels (a point reflection there would mirror a
    digit touching the edge into paper lighter than the page, and the page beside it into
    ink). Then it is brought back to full size. Blobs of ink wider than the window on an
    unevenly lit page count as paper.
    """
    h, w = grey.shape
    closed = closing(grey, BACKGROUND_SIDE, BACKGROUND_SIDE // 4)
    if np.abs(closed - paper).max() < INK_THRESHOLD / 2 * paper:
        return paper                                  # evenly lit: one level, as it always was
    closed = closing(grey, SHADING_SIDE, SHADING_R, pad="edge")
    background = np.asarray(Image.fromarray(closed).resize((w, h), Image.Resampling.BILINEAR))
    return np.maximum(background, np.float32(1 / 255))


def closing(grey, side, r, pad="odd"):
    """A morphological closing of a smaller copy of the page (see paper_background).

    Inputs:  grey -- (H, W) float32; side -- the copy's shorter side (the page's if smaller);
             r -- the window's half side on the copy; pad -- what lies beyond the edges:
             "odd" (a point reflection, which continues a shading's slope: else a dark edge of
             the page, narrower than the window, would look like ink) or "edge" (the edge
             pixels repeated).
    Returns: (h, w) float32, the closed copy (h, w the copy's size).
    """
    h, w = grey.shape
    scale = min(1.0, side / min(h, w))
    small_size = (max(1, round(w * scale)), max(1, round(h * scale)))      # Pillow: (w, h)
    small = np.asarray(Image.fromarray(grey).resize(small_size, Image.Resampling.BOX))
    if pad == "odd":
        padded = np.pad(small, r, mode="reflect", reflect_type="odd")
    else:
        padded = np.pad(small, r, mode="edge")
    closed = rank_filter(rank_filter(padded, 2 * r + 1, np.maximum), 2 * r + 1, np.minimum)
    return closed[r:-r, r:-r]


def rank_filter(pixels, size, pick):
    """A square max (pick=np.maximum) or min (np.minimum) filter, as Pillow's MaxFilter and
    MinFilter compute it (the edge pixels repeated beyond the edges), but in numpy.

    Inputs:  pixels -- (H, W) or (N,) float32; size -- odd side of the window; pick -- as said.
    Returns: an array of the same shape: each pixel the max (min) of the size x size window
             (size values in 1-D) around it.

    Why: the max of a square is the max over its rows of the max over each row, and the max of
    a run of `size` values is the max of two overlapping runs of a power of two, built by
    doubling: about 2 log2(size) whole-array comparisons instead of size * size per pixel
    (Pillow's rank filter took tens of milliseconds for the 33 px window on the 64 px copy).
    """
    r = size // 2
    out = np.pad(pixels, r, mode="edge")
    for axis in range(pixels.ndim):
        out = np.moveaxis(out, axis, 0)
        n = out.shape[0] - 2 * r                      # the values wanted along this axis
        best, span = out, 1                           # best[i] = pick of out[i:i + span]
        while 2 * span <= size:
            best, span = pick(best[:-span], best[span:]), 2 * span
        out = np.moveaxis(pick(best[:n], best[size - span:size - span + n]), 0, axis)
    return out


# ------------------------------------------------------------------ photos of paper

def clean_photo(ink):
    """What is left of a photo's paper once its light is divided out, taken away from the ink.

    Inputs:  ink -- (H, W) float32 in [0, 1] read off light paper (ink_from_background).
    Returns: (H, W) float32 in [0, 1]: on a noisy picture (noise_level over NOISE_GATE) the
             noise smoothed away (median_3x3); printed lines divided out (divide_out_lines);
             on a noisy picture, the pieces of ink that are not the digit's dropped
             (drop_specks). A drawing on flat paper comes back unchanged: it has no noise and
             no printed lines.
    """
    noisy = noise_level(ink) > NOISE_GATE
    if noisy:
        ink = median_3x3(ink)
    ink = divide_out_lines(ink)
    return drop_specks(ink) if noisy else ink


def divide_out_lines(ink):
    """Ruled or squared paper: printed lines are paper a little darker, divided out like a shadow.

    Inputs:  ink -- (H, W) float32 in [0, 1].
    Returns: (H, W) float32 in [0, 1]: ink = (ink - line) / (1 - line) on each row (then each
             column), line the level of a thin, page-long line there, else ink itself.

    How: along a row, a printed line is everywhere (a digit covers at most half of it), so even
    the row's faintest tenth (its LINE_PERCENTILE) is the line's ink; elsewhere that is 0. A
    line is a narrow ridge of that profile (what an opening LINE_WIDTH wide takes away: a 1-D
    top-hat), faint (at most LINE_MAX), rising from paper inked under LINE_FLOOR, and a ruling
    has LINES_AT_LEAST of them: a drawn bar across the page is dark, or wide, or alone, and
    stays ink. A line of ink L is paper darkened to 1 - L: relative to it, the ink is
    (ink - L) / (1 - L), as paper_background's division.
    """
    for axis in (1, 0):
        sample = ink[:, ::4] if axis == 1 else ink[::4]   # a quarter of each row is plenty
        level = np.percentile(sample, LINE_PERCENTILE, axis=axis)
        opened = rank_filter(rank_filter(level, LINE_WIDTH, np.minimum), LINE_WIDTH, np.maximum)
        line = level - opened
        line = np.where((line >= LINE_MIN) & (opened < LINE_FLOOR) & (level <= LINE_MAX),
                        line, 0.0).astype(np.float32)
        ridges = np.count_nonzero(np.diff((line > 0).astype(np.int8), prepend=0) == 1)
        if ridges < LINES_AT_LEAST:
            continue                                  # no ruling this way: leave ink exactly
        line = line[:, None] if axis == 1 else line[None, :]
        ink = np.clip((ink - line) / (1.0 - line), 0.0, 1.0)
    return ink


def noise_level(ink):
    """Inputs: ink (H, W) float32. Returns: the standard deviation of its pixel noise, a float.

    Neighbours along a row differ by the noise of both: sigma * sqrt(2) spread; their median
    absolute difference, times 1.4826 (a Gaussian's sigma per MAD), ignores ink edges. On a
    drawing's flat paper most neighbours are equal, so it is exactly 0.
    """
    difference = np.abs(ink[::4, 1:] - ink[::4, :-1])           # every 4th row is plenty
    return float(np.median(difference)) * 1.4826 / np.sqrt(2.0)


def median_3x3(ink):
    """Inputs: ink (H, W) float32. Returns: each pixel the median of the 3x3 around it (the edge
    pixels repeated beyond the edges, as Pillow's MedianFilter(3)).

    Why: a pixel of sensor noise, or a speck one or two pixels wide, is outvoted by the paper
    around it; a stroke three or more pixels wide keeps its middle (its corners round off).

    How: the nine neighbours of every pixel as nine whole arrays, sorted just enough by 19
    compare-and-swaps (min and max of two arrays) that the fifth is their median (Paeth's
    network, as in Devillard's "Fast median search", 1998): no sort per pixel (Pillow's
    MedianFilter, which sorts, takes tens of milliseconds on a 400x400 page).
    """
    h, w = ink.shape
    padded = np.pad(ink, 1, mode="edge")
    p = [padded[r:r + h, c:c + w] for r in range(3) for c in range(3)]
    for a, b in MEDIAN_OF_9:
        p[a], p[b] = np.minimum(p[a], p[b]), np.maximum(p[a], p[b])
    return np.ascontiguousarray(p[4])


# Paeth's exchanges: after them, p[4] is the median of p[0..8].
MEDIAN_OF_9 = ((1, 2), (4, 5), (7, 8), (0, 1), (3, 4), (6, 7), (1, 2), (4, 5), (7, 8),
               (0, 3), (5, 8), (4, 7), (3, 6), (1, 4), (2, 5), (4, 7), (4, 2), (6, 4), (4, 2))


def drop_specks(ink):
    """Keep the digit, drop the specks of dust away from it.

    Inputs:  ink -- (H, W) float32 in [0, 1].
    Returns: (H, W) float32, the ink of the digit's pieces only: the heaviest connected piece
             of ink >= INK_THRESHOLD (by its sum), and the pieces at least SPECK_SHARE as heavy
             that lie near the box of what is kept (within SPECK_MARGIN of its longer side; the
             box grows as they join). Every other piece is set to 0.

    Why: a digit's pieces (a 5's flag, a broken pencil stroke) lie close together; dust lies
    anywhere on the page, and one speck far away would double the box crop_to_ink finds, one
    dark speck on a pencil digit would make the digit grey (fit_in_box scales the darkest to 1).
    """
    labels, count = label_components(ink >= INK_THRESHOLD)
    if count <= 1:
        return ink
    mass = np.bincount(labels.ravel(), weights=ink.ravel(), minlength=count + 1)[1:]
    top, bottom, left, right = piece_boxes(labels, count)
    heavy = mass >= SPECK_SHARE * mass.max()
    kept = np.arange(count) == mass.argmax()
    while True:
        box = (top[kept].min(), bottom[kept].max(), left[kept].min(), right[kept].max())
        margin = SPECK_MARGIN * max(box[1] - box[0], box[3] - box[2]) + 1
        near = heavy & (top <= box[1] + margin) & (bottom >= box[0] - margin) \
                     & (left <= box[3] + margin) & (right >= box[2] - margin)
        if not (near & ~kept).any():
            break
        kept |= near
    if kept.all():
        return ink
    keep = np.concatenate([[True], kept])           # label 0, the paper, stays as it is
    return np.where(keep[labels], ink, np.float32(0.0))


def piece_boxes(labels, count):
    """Inputs:  labels -- (H, W) int, 0 off the pieces, 1..count on them; count.
    Returns: top, bottom, left, right -- (count,) int each: the first and last row and column
             of each piece (piece k at index k - 1).
    """
    h, w = labels.shape
    in_row = np.zeros((count + 1, h), bool)
    in_row[labels, np.arange(h)[:, None]] = True      # piece labels[y, x] is in row y
    in_col = np.zeros((count + 1, w), bool)
    in_col[labels, np.arange(w)[None, :]] = True
    in_row, in_col = in_row[1:], in_col[1:]
    return (in_row.argmax(axis=1), h - 1 - in_row[:, ::-1].argmax(axis=1),
            in_col.argmax(axis=1), w - 1 - in_col[:, ::-1].argmax(axis=1))


def label_components(mask):
    """The connected pieces of a mask, 8-connected (pixels touching by a corner are one piece).

    Inputs:  mask -- (H, W) bool.
    Returns: (labels (H, W) int64: 0 off the mask, 1..count on it, numbered in the order their
             first pixel comes row by row; count).

    How (two passes over runs, Rosenfeld & Pfaltz): each row's runs of True pixels are found
    with numpy; a run joins every run of the row above that it touches (overlapping columns, one
    either way for corners) in a union-find; each run is then painted with its piece's number.
    A few hundred runs make a page, so the Python loop is over runs, not pixels.
    """
    h, w = mask.shape
    padded = np.zeros((h, w + 2), np.int8)
    padded[:, 1:-1] = mask
    change = np.diff(padded, axis=1)
    run_rows, starts = np.nonzero(change == 1)
    _, ends = np.nonzero(change == -1)              # exclusive; same order, row by row
    parent = list(range(len(starts)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    row_begins = np.searchsorted(run_rows, np.arange(h + 1))
    for row in range(1, h):
        above = range(row_begins[row - 1], row_begins[row])
        for i in range(row_begins[row], row_begins[row + 1]):
            for j in above:
                if starts[j] <= ends[i] and ends[j] >= starts[i]:   # touch, corners too
                    a, b = root(i), root(j)
                    parent[max(a, b)] = min(a, b)
    labels = np.zeros((h, w), np.int64)
    number = {}
    for i in range(len(starts)):
        piece = number.setdefault(root(i), len(number) + 1)
        labels[run_rows[i], starts[i]:ends[i]] = piece
    return labels, len(number)


def crop_to_ink(ink):
    """Inputs:  ink -- (H, W) float32, with at least one pixel >= INK_THRESHOLD.
    Returns: the smallest sub-array holding every pixel >= INK_THRESHOLD, with the fainter
             pixels (noise, paper texture) set to 0.
    """
    ink = np.where(ink >= INK_THRESHOLD, ink, np.float32(0.0))
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def fit_in_box(digit, box):
    """Scale the digit so that its longer side is `box` pixels, keeping its aspect ratio.

    Inputs:  digit -- (h, w) float32 ink, cropped to the digit;
             box -- the longer side wanted, in pixels (20; 80 for the working copy).
    Returns: (h', w') float32 in [0, 1] with max(h', w') == box and h'/w' ~ h/w (at least
             1 px each); the brightest pixel is 1, as in MNIST.

    Notes: Pillow's LANCZOS filter widens when it shrinks, so every output pixel averages the
    input pixels it covers: the edges come out anti-aliased, the strokes don't break up.
    Lanczos overshoots a little at sharp edges, hence the clip.
    """
    h, w = digit.shape
    scale = box / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))      # Pillow wants (w, h)
    resized = np.asarray(Image.fromarray(digit).resize(size, Image.Resampling.LANCZOS))
    resized = np.clip(resized, 0.0, None)
    return np.clip(resized / resized.max(), 0.0, 1.0)


def stroke_width(ink):
    """The mean width of the strokes, in pixels.

    Inputs:  ink -- (h, w) float32 in [0, 1].
    Returns: 2 * area / perimeter of the pixels with ink >= 0.5, a float (0.0 if there are none).

    Notes: a stroke of length L and width W has area L*W and perimeter about 2*L, so
    W = 2 * area / perimeter. The perimeter is counted as the pixel edges between ink and
    paper; along a slanted line that staircase is longer than the line itself, on average over
    all directions by 4/pi, hence the factor pi/4.
    """
    mask = np.pad(ink >= 0.5, 1)
    edges = np.count_nonzero(mask[:, 1:] != mask[:, :-1]) + np.count_nonzero(mask[1:] != mask[:-1])
    return 2.0 * np.count_nonzero(mask) / (edges * np.pi / 4) if edges else 0.0


def adjust_stroke_width(digit, min_width, max_width):
    """Bring the strokes of a digit drawn with a very thin or very thick pen to MNIST's width.

    Inputs:  digit -- (h, w) float32 ink cropped to the digit, e.g. the 80 px working copy;
             min_width, max_width -- the range of stroke widths kept, in pixels of that image.
    Returns: the digit unchanged if its strokes are within the range. Otherwise strokes that
             are too wide are eroded (each pixel takes the darkest value within r pixels) and
             strokes that are too thin are dilated (the brightest value), by r pixels on each
             side, to the nearest end of the range; the result is cropped to its ink again.

    Notes: erosion or dilation by r changes a stroke's width by 2r, so r is half the excess.
    If erosion would wipe out the whole digit, the digit is returned unchanged.
    """
    width = stroke_width(digit)
    if width > max_width:
        r, rank_filter = round((width - max_width) / 2), ImageFilter.MinFilter
    elif width < min_width:
        r, rank_filter = round((min_width - width) / 2), ImageFilter.MaxFilter
    else:
        return digit
    if r <= 0:
        return digit
    padded = Image.fromarray(np.pad(digit, r))
    adjusted = np.asarray(padded.filter(rank_filter(2 * r + 1)))
    return crop_to_ink(adjusted) if adjusted.max() >= INK_THRESHOLD else digit


def place_by_centre_of_mass(digit, size, centre):
    """Paste the digit into a black square so that its centre of mass lands on `centre`.

    Inputs:  digit -- (h, w) float32 with h, w <= size and some ink;
             size -- side of the square (28); centre -- (row, column) target, e.g. (14, 14).
    Returns: (size, size) float32. The shift is a whole number of pixels, as in MNIST, and
             is limited so that no part of the digit leaves the square.
    """
    h, w = digit.shape
    mass = digit.sum()
    com_row = (digit.sum(axis=1) @ np.arange(h)) / mass
    com_col = (digit.sum(axis=0) @ np.arange(w)) / mass
    top = int(np.clip(round(centre[0] - com_row), 0, size - h))
    left = int(np.clip(round(centre[1] - com_col), 0, size - w))
    out = np.zeros((size, size), np.float32)
    out[top:top + h, left:left + w] = digit
    return out
