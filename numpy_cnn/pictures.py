"""Arrays of numbers as pictures: the colours and layouts shared by the app's "Inside" view and
the figures of `python -m numpy_cnn explain`, so that both show the same thing the same way.

Colours (one table of 256 RGB colours, indexed by the value scaled to [-1, 1]):
- SIGNED: 0 is black; positive values go orange, then yellow, then white; negative ones blue.
  Weights (a filter) use it symmetrically: the largest magnitude at full colour.
- Activations (colour_layer): a convolution's output is signed, and this network's ReLU comes
  after the pooling: orange is what the ReLU will let through, blue (at half brightness, so the
  orange stands out) what it will set to 0. Each sign has its own scale, one for the whole
  layer: maps are comparable with each other, and a few extreme values do not darken the rest.
- Heatmaps of "why this answer" are laid over the grey input: red where the pixel pushed the
  answer up (or where more ink would), blue where it pulled it down.

Everything returns uint8 RGB arrays (H, W, 3), ready for PIL.Image.fromarray or imshow.
"""
import numpy as np

BACKGROUND_RGB = (32, 35, 42)          # the app's background, "#20232a", between the panels
UP_RGB = np.array([255, 64, 32], np.float32)       # pushes the answer up
DOWN_RGB = np.array([40, 120, 255], np.float32)    # pulls it down


def signed_table():
    """(256, 3) uint8: entry i is the colour of the value (i - 127.5) / 127.5, from -1 to 1."""
    t = np.abs(np.linspace(-1.0, 1.0, 256))[:, np.newaxis]        # |value|, (256, 1)
    warm = np.clip(np.hstack([2.0 * t, 1.6 * t - 0.35, 2.0 * t - 1.0]), 0, 1)   # black-orange-white
    cold = np.clip(np.hstack([0.25 * t, 0.55 * t, 1.1 * t]), 0, 1)              # black-blue
    table = np.where(np.linspace(-1.0, 1.0, 256)[:, np.newaxis] < 0, cold, warm)
    return np.round(table * 255).astype(np.uint8)


SIGNED = signed_table()


def colour_signed(values, limit):
    """Inputs:  values -- any shape; limit -- the value shown at full colour (> 0).
    Returns: (*values.shape, 3) uint8 through SIGNED; values beyond +-limit saturate."""
    index = np.clip(np.asarray(values, np.float32) * (127.5 / limit) + 127.5, 0, 255)
    return SIGNED[index.astype(np.uint8)]


def scale_of(values, percentile=100.0):
    """The limit colour_signed should use: that percentile of the magnitudes (100: the largest;
    99 for a spiky heatmap, whose few extreme pixels would darken all the others); 1.0 for an
    all-zero array."""
    peak = float(np.percentile(np.abs(values), percentile)) if np.size(values) else 0.0
    return peak if peak > 0 else 1.0


def sign_scales(values, percentile=99.0):
    """The scales colour_layer uses: (negative, positive), the given percentile of the
    magnitudes of the negative and of the positive values (1.0 for a sign that is absent)."""
    values = np.asarray(values)
    def scale(magnitudes):
        return float(np.percentile(magnitudes, percentile)) if magnitudes.size else 1.0
    negative, positive = scale(-values[values < 0]), scale(values[values > 0])
    return negative or 1.0, positive or 1.0


def colour_layer(values, scales=None):
    """A layer's activations, any shape -> (*shape, 3) uint8 (see the module docstring).
    scales: (negative, positive) to use instead of sign_scales(values), e.g. those of the
    whole layer for one of its maps."""
    negative, positive = sign_scales(values) if scales is None else scales
    return colour_signed(np.where(values > 0, values / positive, 0.5 * values / negative), 1.0)


def grey(image):
    """Inputs: (H, W) in [0, 1]. Returns: (H, W, 3) uint8, white ink on black."""
    level = np.round(np.clip(image, 0.0, 1.0) * 255).astype(np.uint8)
    return np.repeat(level[:, :, np.newaxis], 3, axis=2)


def heat_overlay(image, heat, limit=None):
    """A heatmap laid over the grey input, so both can be read at once.

    Inputs:  image -- (H, W) in [0, 1]; heat -- (H, W) signed; limit -- |heat| at full colour
             (default: the 99th percentile of |heat|).
    Returns: (H, W, 3) uint8: the input dimmed to 60%, blended with UP_RGB where heat > 0 and
             DOWN_RGB where heat < 0, with opacity |heat| / limit (at most 0.9).
    """
    limit = scale_of(heat, 99) if limit is None else limit
    alpha = np.clip(np.abs(heat) / limit, 0.0, 0.9)[:, :, np.newaxis]
    base = np.clip(image, 0.0, 1.0)[:, :, np.newaxis] * np.float32(0.6 * 255)
    colour = np.where((heat >= 0)[:, :, np.newaxis], UP_RGB, DOWN_RGB)
    return np.round(base * (1 - alpha) + colour * alpha).astype(np.uint8)


def heat_rgba(heat, limit=None, opacity=0.75):
    """The heatmap alone, to lay over a picture that is already on screen (the app's canvas).

    Returns: (H, W, 4) uint8: UP_RGB or DOWN_RGB by sign, alpha = opacity * |heat| / limit
             (limit: as for heat_overlay).
    """
    limit = scale_of(heat, 99) if limit is None else limit
    alpha = np.clip(np.abs(heat) / limit, 0.0, 1.0) * (opacity * 255)
    colour = np.where((heat >= 0)[:, :, np.newaxis], UP_RGB, DOWN_RGB)
    return np.dstack([colour, alpha]).round().astype(np.uint8)


def mosaic(rgb, columns, zoom=1, gap=2, background=BACKGROUND_RGB):
    """Lay C small pictures out in a grid, each enlarged by an integer zoom (blocky, so every
    number stays one visible square).

    Inputs:  rgb -- (h, w, C, 3) uint8, picture c is rgb[:, :, c]; columns -- pictures per row;
             zoom -- pixels per number; gap -- screen pixels between pictures.
    Returns: (rows * (h*zoom + gap) - gap, columns * (w*zoom + gap) - gap, 3) uint8, with
             rows = ceil(C / columns); picture c at row c // columns, column c % columns.
    """
    h, w, count, _ = rgb.shape
    rows = -(-count // columns)
    big = rgb.transpose(2, 0, 1, 3).repeat(zoom, axis=1).repeat(zoom, axis=2)   # (C, h*z, w*z, 3)
    cell_h, cell_w = h * zoom + gap, w * zoom + gap
    grid = np.empty((rows * cell_h - gap, columns * cell_w - gap, 3), np.uint8)
    grid[...] = background
    for c in range(count):
        top, left = (c // columns) * cell_h, (c % columns) * cell_w
        grid[top:top + h * zoom, left:left + w * zoom] = big[c]
    return grid


def cell_at(x, y, shape, columns, zoom=1, gap=2):
    """Which picture of a mosaic is at pixel (x, y)?

    Inputs:  shape -- (h, w, C) of the pictures; columns, zoom, gap -- as given to mosaic.
    Returns: the picture's index c, or None for a gap or outside the grid.
    """
    h, w, count = shape
    row, dy = divmod(int(y), h * zoom + gap)
    column, dx = divmod(int(x), w * zoom + gap)
    if x < 0 or y < 0 or dy >= h * zoom or dx >= w * zoom or column >= columns:
        return None
    index = row * columns + column
    return index if index < count else None


def enlarge(rgb, zoom):
    """(H, W, 3) -> (H*zoom, W*zoom, 3): every number a zoom x zoom square."""
    return rgb.repeat(zoom, axis=0).repeat(zoom, axis=1)
