"""Data augmentation: small random changes that make a batch of digits look freshly written.

A digit drawn with a mouse in the app is never quite an MNIST digit: it may lean a little, be a
little bigger or smaller, sit a pixel or two off centre, and have thicker or thinner strokes.
Showing the network such variations while it trains teaches it that they do not change the digit.

Every change is drawn independently for each image, and the whole batch is transformed at once
(no Python loop over images):

1. Stroke thickness. A 3x3 maximum filter (dilation) thickens strokes by about a pixel on each
   side, a 3x3 minimum filter (erosion) thins them. A random fraction of the images is blended
   part of the way toward one of the two:  out = x + t * (filtered - x).  MNIST strokes are only
   2-3 pixels wide, so a full erosion would wipe most digits out (it leaves 13% of the ink of
   the median training digit): thinning goes at most half-way (t <= MAX_THIN), thickening all
   the way (a full dilation about doubles the ink, like a thick marker).

2. Rotation, scale and shift: one affine warp per image, done by inverse mapping. For every pixel
   p of the output we ask where it comes from in the input,

       source = c + (1 / s) * R(-angle) @ (p - c - shift)        (c: the image centre)

   and read the input there by bilinear interpolation: the weighted mean of the 4 pixels around
   the (fractional) source position. Source positions outside the image read background (0).
   The source coordinates of all images are computed in one go, and the 4 neighbours of every
   pixel of every image are gathered with one fancy-indexing expression each.

Randomness comes only from the numpy Generator passed in, so a seeded generator gives the same
batches every time.
"""
import numpy as np

MAX_ROTATION_DEGREES = 12.0
SCALE_RANGE = (0.85, 1.15)
MAX_SHIFT_PIXELS = 2.5
THICKNESS_FRACTION = 0.5   # share of the images whose strokes get thicker or thinner
MAX_THICKEN = 1.0          # blend weights toward the dilated / eroded image (see above)
MAX_THIN = 0.5


def augment_batch(images, rng, max_rotation=MAX_ROTATION_DEGREES, scale_range=SCALE_RANGE,
                  max_shift=MAX_SHIFT_PIXELS, thickness_fraction=THICKNESS_FRACTION):
    """Randomly change the stroke thickness, then rotate, scale and shift every image.

    Inputs:
    - images: float array (N, H, W) or (N, H, W, 1), values in [0, 1], ink bright on a 0 background
    - rng: numpy.random.Generator, the only source of randomness
    - max_rotation: rotation angles are uniform in +-max_rotation degrees
    - scale_range: (low, high) of the uniform zoom factor (> 1 makes the digit bigger)
    - max_shift: shifts are uniform in +-max_shift pixels, along each axis
    - thickness_fraction: fraction of the images whose strokes are dilated or eroded

    Returns: a new float32 array of the same shape, values in [0, 1].
    """
    images = np.asarray(images, dtype=np.float32)
    plain = images.reshape(images.shape[:3])          # (N, H, W): one channel, no copy
    n = len(plain)
    thickness = random_thickness(n, rng, thickness_fraction)
    angles = np.deg2rad(rng.uniform(-max_rotation, max_rotation, n))
    scales = rng.uniform(*scale_range, n)
    shifts = rng.uniform(-max_shift, max_shift, (n, 2))
    out = change_thickness(plain, thickness)
    out = affine_warp(out, angles, scales, shifts)
    return out.reshape(images.shape)


def random_thickness(n, rng, fraction):
    """Inputs:  n -- number of images; rng -- Generator; fraction -- share of images to change.
    Returns: (N,) float32 in [-MAX_THIN, MAX_THICKEN]: > 0 thickens by that much, < 0 thins,
             0 leaves the image as it is.
    """
    strength = rng.uniform(-MAX_THIN, MAX_THICKEN, n)
    chosen = rng.random(n) < fraction
    return np.where(chosen, strength, 0.0).astype(np.float32)


def filter3x3(images, reduce):
    """A 3x3 minimum or maximum filter.

    Inputs:  images -- (N, H, W); reduce -- np.maximum (dilation) or np.minimum (erosion).
    Returns: (N, H, W), each pixel replaced by the max (or min) of its 3x3 neighbourhood; the
             outside of the image counts as background (0).

    Notes: the max over a 3x3 square is the max over 3 columns of the max over 3 rows, so two
    passes of 2 element-wise operations replace 8 (the same holds for the min).
    """
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    rows = reduce(reduce(padded[:, :-2], padded[:, 1:-1]), padded[:, 2:])      # (N, H, W+2)
    return reduce(reduce(rows[:, :, :-2], rows[:, :, 1:-1]), rows[:, :, 2:])   # (N, H, W)


def change_thickness(images, thickness):
    """Blend each image toward its dilated (thickness > 0) or eroded (< 0) version.

    Inputs:  images -- (N, H, W) in [0, 1]; thickness -- (N,) in [-1, 1].
    Returns: a new (N, H, W) array; images with thickness 0 are unchanged. Only the images
             that change are filtered.
    """
    out = images.copy()
    for sign, reduce in ((1, np.maximum), (-1, np.minimum)):
        chosen = np.flatnonzero(sign * thickness > 0)
        if len(chosen):
            weight = (sign * thickness[chosen])[:, None, None]
            out[chosen] += weight * (filter3x3(images[chosen], reduce) - images[chosen])
    return out


def source_coordinates(shape, angles, scales, shifts):
    """Where each output pixel of each image is read from, for the affine warps of augment_batch.

    Inputs:
    - shape: (N, H, W)
    - angles: (N,) rotations in radians; scales: (N,) zoom factors; shifts: (N, 2) in pixels (dy, dx)

    Returns: src_y, src_x -- two (N, H, W) float32 arrays of (fractional) input coordinates.
    """
    n, h, w = shape
    cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
    grid_y, grid_x = np.mgrid[0:h, 0:w].astype(np.float32)
    # Output pixel relative to the (shifted) centre, one (N, H, W) array per axis.
    dy = grid_y - cy - shifts[:, 0, None, None].astype(np.float32)
    dx = grid_x - cx - shifts[:, 1, None, None].astype(np.float32)
    # Undo the zoom and the rotation: multiply by (1/s) * R(-angle).
    cos = (np.cos(angles) / scales).astype(np.float32)[:, None, None]
    sin = (np.sin(angles) / scales).astype(np.float32)[:, None, None]
    src_y = cy + cos * dy - sin * dx
    src_x = cx + sin * dy + cos * dx
    return src_y, src_x


def bilinear_sample(images, src_y, src_x):
    """Read images at fractional coordinates by bilinear interpolation.

    Inputs:  images -- (N, H, W); src_y, src_x -- (N, Ho, Wo) coordinates into each image.
    Returns: (N, Ho, Wo) float32. Coordinates outside the image read 0.

    Notes:
        With y0 = floor(y), fy = y - y0 (and the same for x), the value at (y, x) is
            (1-fy)(1-fx) I[y0, x0] + (1-fy) fx I[y0, x0+1] + fy (1-fx) I[y0+1, x0] + fy fx I[y0+1, x0+1]
        A one-pixel frame of zeros around each image gives every out-of-range neighbour
        somewhere to point: indices are clipped into the frame, which reads 0. The framed
        batch is read as one flat array, so each neighbour is a single gather.
    """
    n, h, w = images.shape
    framed = np.pad(images, ((0, 0), (1, 1), (1, 1))).ravel()   # N frames of (H+2, W+2), flat
    y0, x0 = np.floor(src_y), np.floor(src_x)
    fy, fx = src_y - y0, src_x - x0
    # Row and column in the framed image: clipping to [-1, H] (or [-1, W]) sends every
    # out-of-range neighbour into the zero frame. Then one flat index per neighbour.
    first = (np.arange(n) * (h + 2) * (w + 2))[:, None, None]
    rows = [(np.clip(y0 + k, -1, h).astype(np.intp) + 1) * (w + 2) + first for k in (0, 1)]
    cols = [np.clip(x0 + k, -1, w).astype(np.intp) + 1 for k in (0, 1)]
    top = (1 - fx) * framed.take(rows[0] + cols[0]) + fx * framed.take(rows[0] + cols[1])
    bottom = (1 - fx) * framed.take(rows[1] + cols[0]) + fx * framed.take(rows[1] + cols[1])
    return ((1 - fy) * top + fy * bottom).astype(np.float32)


def affine_warp(images, angles, scales, shifts):
    """Rotate by angles, zoom by scales about the centre, then shift, every image of a batch.

    Inputs:  images -- (N, H, W); angles -- (N,) radians; scales -- (N,); shifts -- (N, 2) (dy, dx).
    Returns: (N, H, W) float32, clipped to [0, 1].
    """
    src_y, src_x = source_coordinates(images.shape, angles, scales, shifts)
    return np.clip(bilinear_sample(images, src_y, src_x), 0.0, 1.0)
