"""Photos of paper: what the light, the page and the camera add to a digit, taken away again.

A digit written on paper and photographed is not a drawing on the app's flat canvas:
- the light is seldom even: a ramp from a lamp, or a shadow's edge across the page, makes the
  paper itself darker than the ink threshold somewhere, and read as ink;
- the page may be ruled or squared: its printed lines run across the whole page;
- the camera adds noise to every pixel, and the page its dust: specks anywhere, which crop_to_ink
  would take into the digit's box.

ink_from_background (numpy_cnn/preprocess.py) calls the steps here on light paper only, each
one a function:

    grey (H, W) in [0, 1], dark ink on light paper, its border's median `paper`
      --paper_background--> the paper's own level: `paper` itself if the page is lit evenly,
                            else (H, W), the level around each pixel (closing, rank_filter)
      ink = (paper - grey) / paper, in ink_from_background: shading is not ink, and a digit in
                            the shadow still is
      --clean_photo--> ink (H, W) in [0, 1], 0 = paper:
          median_3x3        (if noisy, noise_level over NOISE_GATE: sensor noise)
          divide_out_lines  (ruled or squared paper: printed lines)
          drop_specks       (if noisy: dust; label_components, piece_boxes)

Where the page is lit evenly, one level is the paper everywhere (the app's black canvas always
is); where it is not, each pixel is compared with the paper around it instead. A drawing on
flat paper (the app's canvas, black or white) is evenly lit, has no printed lines and no noise:
it passes these steps unchanged, exactly as before they existed (tests/test_preprocess.py
checks that, pixel for pixel).

What counts as ink (preprocess.INK_THRESHOLD) is preprocess's: the steps that need it take it
as an argument, ink_threshold, so that this module does not import preprocess, which imports it.
"""
import numpy as np
from PIL import Image

BACKGROUND_SIDE = 64                # shorter side of the copy evenly lit paper is told on
SHADING_SIDE, SHADING_R = 128, 24   # the copy (and window's half side) shading is found on
NOISE_GATE = 0.5 / 255              # a picture noisier than this (sigma, as ink) is denoised
LINE_PERCENTILE = 10                # a printed line runs the page: even its faintest tenth is ink
LINE_WIDTH = 5                      # printed lines are narrower than this, in pixels
LINE_MIN, LINE_MAX = 0.02, 0.5      # and darker than LINE_MIN, fainter than LINE_MAX (as ink)
LINE_FLOOR = 0.1                    # on paper inked less than this (a shadow's remains)
LINES_AT_LEAST = 3                  # one or two ridges are strokes; three or more, a ruling
SPECK_SHARE = 0.05                  # a piece of ink lighter than this share of the digit is dust
SPECK_MARGIN = 0.25                 # and so is one farther from it than this share of its size


# ------------------------------------------------------------------ the paper's own level

def paper_background(grey, paper, ink_threshold):
    """The light paper's own level around every pixel, ink taken away.

    Inputs:  grey -- (H, W) float32 in [0, 1], dark ink on light paper; paper -- its median
             border level; ink_threshold -- ink fainter than this is noise
             (preprocess.INK_THRESHOLD).
    Returns: paper, the float itself, if the page is lit evenly: if the local level found
             below is everywhere within ink_threshold / 2 of it (relative to it), that is, if
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
    if np.abs(closed - paper).max() < ink_threshold / 2 * paper:
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


# ------------------------------------------------------------------ what is left of the paper

def clean_photo(ink, ink_threshold):
    """What is left of a photo's paper once its light is divided out, taken away from the ink.

    Inputs:  ink -- (H, W) float32 in [0, 1] read off light paper (ink_from_background);
             ink_threshold -- ink fainter than this is noise, for drop_specks.
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
    return drop_specks(ink, ink_threshold) if noisy else ink


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


def drop_specks(ink, ink_threshold):
    """Keep the digit, drop the specks of dust away from it.

    Inputs:  ink -- (H, W) float32 in [0, 1]; ink_threshold -- ink fainter than this is noise.
    Returns: (H, W) float32, the ink of the digit's pieces only: the heaviest connected piece
             of ink >= ink_threshold (by its sum), and the pieces at least SPECK_SHARE as heavy
             that lie near the box of what is kept (within SPECK_MARGIN of its longer side; the
             box grows as they join). Every other piece is set to 0.

    Why: a digit's pieces (a 5's flag, a broken pencil stroke) lie close together; dust lies
    anywhere on the page, and one speck far away would double the box crop_to_ink finds, one
    dark speck on a pencil digit would make the digit grey (fit_in_box scales the darkest to 1).
    """
    labels, count = label_components(ink >= ink_threshold)
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
