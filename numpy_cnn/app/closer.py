"""A closer look at one number of a convolution's map: how the network computed it, with the
real numbers, from the input window to the pooling window's winner and the ReLU.

For output (i, j) of map f of a Conv2D with kernel W (kh, kw, C, F), bias b, stride s and
padding p, its input x (H, W, C) padded by p:

    window[a, b, c]   = x_pad[i*s + a, j*s + b, c]            the input under the kernel
    products[a, b, c] = window[a, b, c] * W[a, b, c, f]
    part[c]           = sum_ab products[a, b, c]              what input map c adds
    out[i, j, f]      = b[f] + sum_c part[c]

then, in the reference network, a MaxPool2D (2x2, stride 2) keeps the largest of each window,
and a ReLU sets what is negative to 0: max(0, max of the window). The number (i, j) reaches the
next layer only if it is its window's winner (on a tie: the first in row-major order, as
MaxPool2D does); a row or column the pooling drops (conv2's 11th) reaches no window at all.

A click on a pooled map, or on the ReLU's after it, is a click on its window's winner: see
source_pixel. Nothing here draws: the web app (numpy_cnn.web) shows these numbers.
"""
from dataclasses import dataclass

import numpy as np

from numpy_cnn.layers import Conv2D, MaxPool2D, ReLU


@dataclass(frozen=True)
class Pooling:
    """The pooling window that (i, j) falls into.

    - layer: its name; row, col: the window's place in the pooled map
    - window: (pool, pool) the conv outputs it holds; winner: (a, b) of the largest in it
    - value: the largest, what the pooling passes on
    """
    layer: str
    row: int
    col: int
    window: np.ndarray
    winner: tuple
    value: float


@dataclass(frozen=True)
class PixelStory:
    """How conv layer `layer` computed out[row, col, map] (see the module docstring).

    - channels: (K,) the input maps shown, the ones whose part adds the most first
    - window, kernel, products: (kh, kw, K) for those maps; parts: (K,) their sums
    - rest: what the other C - K input maps add together (0.0 when all are shown)
    - bias, total: b[f] and b[f] + the sum of every part, = the conv's output there
    - pooling: a Pooling, or None if no pooling follows or no window holds (row, col)
    - is_winner: (row, col) is its pooling window's winner
    - relu: (layer name, value after it) for the ReLU after the pooling, or None
    """
    layer: str
    map: int
    row: int
    col: int
    channels: np.ndarray
    window: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    parts: np.ndarray
    rest: float
    bias: float
    total: float
    pooling: Pooling | None
    is_winner: bool
    relu: tuple | None


def layer_named(model, name):
    for layer in model.layers:
        if layer.name == name:
            return layer
    raise ValueError(f"no layer named {name!r}")


def conv_layers(model):
    """Names of the model's Conv2D layers, in order."""
    return [layer.name for layer in model.layers if isinstance(layer, Conv2D)]


def following(model, name):
    """The layers after `name` up to (not including) the next Conv2D or non-spatial layer."""
    names = [layer.name for layer in model.layers]
    after = []
    for layer in model.layers[names.index(name) + 1:]:
        if not isinstance(layer, (MaxPool2D, ReLU)):
            break
        after.append(layer)
    return after


def pool_window(pool, out, row, col, f):
    """The window of MaxPool2D `pool` that holds output (row, col) of map f of `out` (H, W, C),
    or None if the pooling drops that row or column."""
    p, s = pool.pool_size, pool.stride
    ho, wo = (out.shape[0] - p) // s + 1, (out.shape[1] - p) // s + 1
    pi, pj = row // s, col // s
    if pi >= ho or pj >= wo or row - pi * s >= p or col - pj * s >= p:
        return None
    window = out[pi * s:pi * s + p, pj * s:pj * s + p, f]
    a, b = np.unravel_index(int(np.argmax(window)), window.shape)     # first maximum, row-major
    return Pooling(pool.name, int(pi), int(pj), window.copy(), (int(a), int(b)),
                   float(window[a, b]))


def explain_pixel(model, t, name, f, row, col, count=4):
    """How conv layer `name` computed out[row, col, f] for the Trace t (numpy_cnn.insight).

    Inputs:  model -- the Sequential that made t; name -- a Conv2D's name; f -- its output map;
             row, col -- the output pixel; count -- how many input maps to show (all if fewer).
    Returns: a PixelStory.
    Raises:  ValueError if name is not a Conv2D or the map or pixel is outside it.
    """
    conv = layer_named(model, name)
    if not isinstance(conv, Conv2D):
        raise ValueError(f"{name} is not a convolution")
    out = t.outputs[name]
    if not (0 <= f < out.shape[2] and 0 <= row < out.shape[0] and 0 <= col < out.shape[1]):
        raise ValueError(f"{name} has {out.shape[2]} maps of {out.shape[0]}x{out.shape[1]}")
    x = t.input_of(name).astype(np.float64)
    kh, kw = conv.kernel_size
    s, p = conv.stride, conv.padding
    padded = np.pad(x, ((p, p), (p, p), (0, 0)))
    window = padded[row * s:row * s + kh, col * s:col * s + kw, :]       # (kh, kw, C)
    kernel = conv.params["W"][:, :, :, f].astype(np.float64)           # (kh, kw, C)
    products = window * kernel
    parts = products.sum(axis=(0, 1))                                  # (C,)
    channels = np.argsort(-parts, kind="stable")[:count]
    bias = float(conv.params["b"][f])
    pooling, relu, is_winner = None, None, False
    for layer in following(model, name):
        if isinstance(layer, MaxPool2D) and pooling is None:
            pooling = pool_window(layer, out, row, col, f)
            if pooling is None:
                break
            is_winner = (pooling.row * layer.stride + pooling.winner[0],
                         pooling.col * layer.stride + pooling.winner[1]) == (row, col)
        elif isinstance(layer, ReLU) and pooling is not None:
            relu = (layer.name, float(t.outputs[layer.name][pooling.row, pooling.col, f]))
    return PixelStory(name, int(f), int(row), int(col), channels, window[:, :, channels],
                      kernel[:, :, channels], products[:, :, channels], parts[channels],
                      float(parts.sum() - parts[channels].sum()), bias,
                      bias + float(parts.sum()), pooling, is_winner, relu)


def source_pixel(model, t, name, f, row, col):
    """Which conv output a number of layer `name` comes from.

    Inputs:  name -- a Conv2D, or a MaxPool2D or ReLU that follows one; f, row, col: the number.
    Returns: (conv name, row, col): the same pixel for a Conv2D; for a pooling (or the ReLU
             after it), its window's winner in the conv's map.
    Raises:  ValueError for any other layer.
    """
    layer = layer_named(model, name)
    if isinstance(layer, Conv2D):
        return name, row, col
    for conv in reversed([c for c in model.layers[:model.layers.index(layer)]
                          if isinstance(c, Conv2D)]):
        after = following(model, conv.name)
        if layer in after:
            pools = [p for p in after[:after.index(layer) + 1] if isinstance(p, MaxPool2D)]
            if not pools:
                return conv.name, row, col
            pool = pools[0]
            s = pool.stride
            window = pool_window(pool, t.outputs[conv.name], row * s, col * s, f)
            return conv.name, row * s + window.winner[0], col * s + window.winner[1]
        break
    raise ValueError(f"{name} does not follow a convolution")
