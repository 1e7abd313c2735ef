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
                                                        not ink), then clean_photo (printed
                                                        lines, noise, dust): the photo steps,
                                                        in numpy_cnn/paper.py
      --crop_to_ink--> the digit's box --fit_in_box--> a working copy, longer side 80 px
      --adjust_stroke_width--> strokes 1.5 to 3.5 px wide at the final scale, even from a
                               hair-thin or a very thick pen
      --fit_in_box--> longer side 20 px, anti-aliased
      --place_by_centre_of_mass--> (28, 28) float32, white ink on black

A drawing on flat paper (the app's canvas, black or white) passes the photo steps unchanged
(numpy_cnn/paper.py tells why; tests/test_preprocess.py checks it, pixel for pixel).
"""
import numpy as np
from PIL import Image, ImageFilter

from numpy_cnn.paper import clean_photo, paper_background

MNIST_SIZE = 28                     # side of the network's input
DIGIT_BOX = 20                      # the digit's longer side inside it
MNIST_CENTRE = (14.0, 14.0)         # where MNIST puts the centre of mass (row, column)
INK_THRESHOLD = 0.25                # ink fainter than this (relative to full contrast) is noise
WORK_SCALE = 4                      # the working copy is 4 times the final size: 80 px
MIN_STROKE, MAX_STROKE = 1.5, 3.5   # stroke widths kept, in pixels at the final size
BLACK_GROUND = 0.2                  # a border whose median is darker is a black ground
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
    of its border). Light paper means dark ink, and the other way round. Light paper may be a
    photo's: its ink is measured against paper_background, the paper's own level (one level if
    the page is lit evenly, else the level around each pixel), and what is left of printed
    lines, noise and dust is then taken away by clean_photo (both in numpy_cnn/paper.py).
    """
    edge = border(grey)
    paper = float(np.median(edge))
    if paper > 0.5 or (paper > BLACK_GROUND and np.percentile(edge, 75) > 0.5):
        paper = paper_background(grey, paper, INK_THRESHOLD)
        ink = (paper - grey) / paper                 # dark ink: the darker, the more ink
        return clean_photo(np.clip(ink, 0.0, 1.0), INK_THRESHOLD)
    ink = (grey - paper) / (1.0 - paper)             # light ink on dark paper
    return np.clip(ink, 0.0, 1.0)


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
