"""Data augmentation: random changes that make a batch of MNIST digits look freshly written by
someone else.

The network learns MNIST, written by about 500 American writers with a pen; the app is used by
anyone, with a mouse. People lean their digits (slant), write them narrower or wider, rotate
them a little, write with thicker or thinner strokes, and no two people bend a stroke the same
way. Showing the network such variations while it trains teaches it that they do not change the
digit. Each change below is drawn independently for each image, and the whole batch is
transformed at once (no Python loop over images):

1. Stroke thickness. A 3x3 maximum filter (dilation) thickens strokes by about a pixel on each
   side, a 3x3 minimum filter (erosion) thins them. A random fraction of the images is blended
   part of the way toward one of the two:  out = x + t * (filtered - x).  MNIST strokes are only
   2-3 pixels wide, so a full erosion would wipe most digits out (it leaves 13% of the ink of
   the median training digit): thinning goes at most half-way (t <= MAX_THIN), thickening all
   the way (a full dilation about doubles the ink, like a thick marker).

2. One geometric warp per image, done by inverse mapping. The forward map of a pixel offset
   d = p - c from the image centre c, as (row, column) vectors, is

       A = s * R(angle) @ K(shear) @ diag(1/sqrt(aspect), sqrt(aspect))        p_out = c + A @ (p - c) + shift

   with R the rotation, K = [[1, 0], [-shear, 1]] the slant (rows further up move right for a
   positive shear: the way right-handed writers lean), and aspect the width relative to the
   height (the area is kept: a narrower digit is also a taller one). For every pixel of the output we ask where it comes from in the input,

       source = c + A^-1 @ (p - c - shift) + e(p)

   where e is an optional elastic displacement (below), and read the input there by bilinear
   interpolation: the weighted mean of the 4 pixels around the (fractional) source position.
   Source positions outside the image read background (0).

3. Elastic distortion (Simard, Steinkraus & Platt, 2003): every pixel gets its own small
   displacement e(p), a field of uniform noise smoothed by a Gaussian of width ELASTIC_SIGMA
   pixels, so that nearby pixels move together: strokes bend and wobble the way different
   hands draw them, while the digit stays the same digit. The smoothing is two matrix products,
   G @ noise @ G.T, with G the (28, 28) matrix of the 1-D Gaussian filter.

Randomness comes only from the numpy Generator passed in, so a seeded generator gives the same
batches every time.
"""
import numpy as np

MAX_ROTATION_DEGREES = 12.0
SCALE_RANGE = (0.85, 1.15)
MAX_SHEAR = 0.3            # slant: rows 10 px apart shift by up to 3 px against each other
ASPECT_RANGE = (0.7, 1.3)  # width relative to height
MAX_SHIFT_PIXELS = 2.5
THICKNESS_FRACTION = 0.5   # share of the images whose strokes get thicker or thinner
MAX_THICKEN = 1.0          # blend weights toward the dilated / eroded image (see above)
MAX_THIN = 0.5
ELASTIC_FRACTION = 0.5     # share of the images that are elastically distorted
MAX_ELASTIC_PIXELS = 1.5   # their displacements have a standard deviation of up to this
ELASTIC_SIGMA = 4.0        # width of the smoothing Gaussian, in pixels


def augment_batch(images, rng, max_rotation=MAX_ROTATION_DEGREES, scale_range=SCALE_RANGE,
                  max_shear=MAX_SHEAR, aspect_range=ASPECT_RANGE, max_shift=MAX_SHIFT_PIXELS,
                  thickness_fraction=THICKNESS_FRACTION, elastic_fraction=ELASTIC_FRACTION,
                  max_elastic=MAX_ELASTIC_PIXELS):
    """Randomly change the stroke thickness, then slant, stretch, rotate, scale, shift and
    elastically distort every image.

    Inputs:
    - images: float array (N, H, W) or (N, H, W, 1), values in [0, 1], ink bright on a 0 background
    - rng: numpy.random.Generator, the only source of randomness
    - max_rotation: rotation angles are uniform in +-max_rotation degrees
    - scale_range: (low, high) of the uniform zoom factor (> 1 makes the digit bigger)
    - max_shear: slants are uniform in +-max_shear (see the module docstring)
    - aspect_range: (low, high) of the width/height factor, uniform in its logarithm
    - max_shift: shifts are uniform in +-max_shift pixels, along each axis
    - thickness_fraction: fraction of the images whose strokes are dilated or eroded
    - elastic_fraction: fraction of the images distorted elastically, with a displacement of
      standard deviation uniform in [0, max_elastic] pixels

    Returns: a new float32 array of the same shape, values in [0, 1].
    """
    images = np.asarray(images, dtype=np.float32)
    plain = images.reshape(images.shape[:3])          # (N, H, W): one channel, no copy
    n = len(plain)
    thickness = random_thickness(n, rng, thickness_fraction)
    matrices = warp_matrices(np.deg2rad(rng.uniform(-max_rotation, max_rotation, n)),
                             rng.uniform(*scale_range, n),
                             rng.uniform(-max_shear, max_shear, n),
                             np.exp(rng.uniform(*np.log(aspect_range), n)))
    shifts = rng.uniform(-max_shift, max_shift, (n, 2))
    strength = np.where(rng.random(n) < elastic_fraction, rng.uniform(0, max_elastic, n), 0.0)
    displacement = elastic_displacement(plain.shape, strength, rng)
    out = change_thickness(plain, thickness)
    out = warp(out, matrices, shifts, displacement)
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


def warp_matrices(angles, scales, shears=None, aspects=None):
    """The forward matrices A = s R(angle) K(shear) diag(1/sqrt(aspect), sqrt(aspect)) of the
    module docstring.

    Inputs:  angles (radians), scales, shears, aspects -- (N,) each (shears default 0, aspects 1).
    Returns: (N, 2, 2) float64, acting on (row, column) offsets from the image centre.
    """
    shears = np.zeros_like(angles) if shears is None else shears
    aspects = np.ones_like(angles) if aspects is None else aspects
    cos, sin = np.cos(angles), np.sin(angles)
    # Rows and columns grow downward and rightward, so R turns counter-clockwise on screen.
    rotation = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)
    slant = np.stack([np.stack([np.ones_like(shears), np.zeros_like(shears)], -1),
                      np.stack([-shears, np.ones_like(shears)], -1)], -2)
    root = np.sqrt(aspects)
    stretch = np.stack([np.stack([1 / root, np.zeros_like(root)], -1),
                        np.stack([np.zeros_like(root), root], -1)], -2)
    return scales[:, None, None] * rotation @ slant @ stretch


def elastic_displacement(shape, strength, rng, sigma=ELASTIC_SIGMA):
    """Smooth random displacement fields, one per image (Simard et al., 2003).

    Inputs:  shape -- (N, H, W); strength -- (N,) standard deviation of each field, in pixels
             (0: no displacement); rng -- Generator.
    Returns: (N, 2, H, W) float32 displacements (rows, columns), or None if every strength is 0.

    Notes: noise uniform in [-1, 1] is smoothed by a Gaussian of width sigma along each axis,
    G @ noise @ G.T with G[i, j] proportional to exp(-(i - j)^2 / (2 sigma^2)) (rows summing
    to 1), then scaled so that each field's standard deviation is its strength.
    """
    n, h, w = shape
    chosen = np.flatnonzero(strength > 0)
    if len(chosen) == 0:
        return None
    def gaussian_matrix(size):
        offsets = np.arange(size)[:, None] - np.arange(size)[None, :]
        g = np.exp(-offsets ** 2 / (2 * sigma ** 2))
        return (g / g.sum(axis=1, keepdims=True)).astype(np.float32)
    rows, cols = gaussian_matrix(h), gaussian_matrix(w)
    noise = rng.uniform(-1, 1, (len(chosen), 2, h, w)).astype(np.float32)
    field = rows @ noise @ cols.T
    field *= (strength[chosen] / field.std(axis=(1, 2, 3)))[:, None, None, None]
    out = np.zeros((n, 2, h, w), np.float32)
    out[chosen] = field
    return out


def source_coordinates(shape, matrices, shifts, displacement=None):
    """Where each output pixel of each image is read from, for the warps of augment_batch.

    Inputs:
    - shape: (N, H, W)
    - matrices: (N, 2, 2) forward matrices A (see warp_matrices); shifts: (N, 2) in pixels (dy, dx)
    - displacement: None or (N, 2, H, W) elastic displacements (rows, columns) added at the end

    Returns: src_y, src_x -- two (N, H, W) float32 arrays of (fractional) input coordinates.
    """
    n, h, w = shape
    cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
    grid_y, grid_x = np.mgrid[0:h, 0:w].astype(np.float32)
    # Output pixel relative to the (shifted) centre, one (N, H, W) array per axis.
    dy = grid_y - cy - shifts[:, 0, None, None].astype(np.float32)
    dx = grid_x - cx - shifts[:, 1, None, None].astype(np.float32)
    # Undo the warp: multiply by A^-1, written out for 2x2 matrices.
    inverse = np.linalg.inv(matrices).astype(np.float32)
    src_y = cy + inverse[:, 0, 0, None, None] * dy + inverse[:, 0, 1, None, None] * dx
    src_x = cx + inverse[:, 1, 0, None, None] * dy + inverse[:, 1, 1, None, None] * dx
    if displacement is not None:
        src_y += displacement[:, 0]
        src_x += displacement[:, 1]
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


def warp(images, matrices, shifts, displacement=None):
    """Warp every image of a batch by its matrix, shift and displacement (module docstring, 2-3).

    Inputs:  images -- (N, H, W); matrices -- (N, 2, 2); shifts -- (N, 2) (dy, dx);
             displacement -- None or (N, 2, H, W).
    Returns: (N, H, W) float32, clipped to [0, 1].
    """
    src_y, src_x = source_coordinates(images.shape, matrices, shifts, displacement)
    return np.clip(bilinear_sample(images, src_y, src_x), 0.0, 1.0)


def affine_warp(images, angles, scales, shifts):
    """Rotate by angles, zoom by scales about the centre, then shift, every image of a batch.

    Inputs:  images -- (N, H, W); angles -- (N,) radians; scales -- (N,); shifts -- (N, 2) (dy, dx).
    Returns: (N, H, W) float32, clipped to [0, 1].
    """
    return warp(images, warp_matrices(np.asarray(angles, float), np.asarray(scales, float)),
                np.asarray(shifts, float))
