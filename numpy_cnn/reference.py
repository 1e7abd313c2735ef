"""Plain versions of the fast code: short loops straight from the definitions.

The layers are written for speed: a convolution is im2col plus one matrix multiply, pooling loops
over the offsets inside a window instead of over the windows, col2im is fed one kernel offset at a
time, and the training command splits each batch over processes and feeds the layers only the
pixels the output depends on (parallel.py). Every function here computes the same numbers the
obvious way, one window at a time, so that you can check it by hand on a tiny example.
tests/test_reference.py checks that every fast path equals its plain version, forward and backward,
with stride, padding, overlapping pools and ties (tests/test_parallel.py does it for DataParallel).
docs/tour.md teaches each layer from these first; docs/fast.md times each fast path against them.

| plain version here              | fast version                                      |
|---------------------------------|---------------------------------------------------|
| im2col, col2im                  | numpy_cnn.im2col.im2col, col2im                   |
| conv_forward, conv_backward     | numpy_cnn.layers.Conv2D.forward, backward         |
| max_pool_forward, _backward     | numpy_cnn.layers.MaxPool2D.forward, backward      |
| forward_backward, OneProcess    | numpy_cnn.parallel.DataParallel.loss_and_grads    |
| train_step                      | numpy_cnn.train.train_step                        |

OneProcess is not only a reference: `python -m numpy_cnn.train --workers 1` trains with it.

Shapes are NHWC as everywhere in numpy_cnn: images x (N, H, W, C), conv weights W (kh, kw, C, F).
"""
import numpy as np

from .im2col import output_size, pad_hw
from .losses import softmax_cross_entropy


def windows(n, ho, wo, stride):
    """Every window position, image by image, row by row: (n, i, j, top, left), where (i, j) is
    the output pixel and (top, left) = (i*stride, j*stride) the window's corner in the input."""
    for i_n in range(n):
        for i in range(ho):
            for j in range(wo):
                yield i_n, i, j, i * stride, j * stride


def im2col(x, kh, kw, stride=1, pad=0):
    """Every kh x kw window of x, flattened into one row.

    Inputs:  x (N, H, W, C); window kh x kw; stride; zero padding pad on each side
    Returns: (N*Ho*Wo, kh*kw*C); row n*Ho*Wo + i*Wo + j is the window whose top-left corner is at
             (i*stride, j*stride) of the padded image n, in (kh, kw, C) order
    """
    xp = pad_hw(x, pad)
    n, hp, wp, c = xp.shape
    ho, wo = output_size(hp, kh, stride), output_size(wp, kw, stride)
    rows = [xp[i_n, top:top + kh, left:left + kw].ravel()
            for i_n, _, _, top, left in windows(n, ho, wo, stride)]
    return np.array(rows)


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    """The adjoint of im2col: add each row back onto the pixels of its window.

    Inputs:  cols (N*Ho*Wo, kh*kw*C), e.g. the gradient dX with respect to im2col(x);
             x_shape (N, H, W, C), the shape of the unpadded input
    Returns: dx (N, H, W, C); a pixel covered by several windows gets the sum of their rows
    """
    n, h, w, c = x_shape
    ho, wo = output_size(h, kh, stride, pad), output_size(w, kw, stride, pad)
    dxp = np.zeros((n, h + 2 * pad, w + 2 * pad, c), dtype=cols.dtype)
    for row, (i_n, _, _, top, left) in zip(cols, windows(n, ho, wo, stride)):
        dxp[i_n, top:top + kh, left:left + kw] += row.reshape(kh, kw, c)
    return dxp[:, pad:pad + h, pad:pad + w, :]


def conv_forward(x, W, b, stride=1, pad=0):
    """Convolution by its definition, one output number at a time.

    Inputs:  x (N, H, W, C); W (kh, kw, C, F); b (F,)
    Returns: out (N, Ho, Wo, F), out[n, i, j, f] = b[f] + sum(window(n, i, j) * W[:, :, :, f])
    """
    kh, kw, _, f = W.shape
    xp = pad_hw(x, pad)
    n, hp, wp, _ = xp.shape
    ho, wo = output_size(hp, kh, stride), output_size(wp, kw, stride)
    out = np.zeros((n, ho, wo, f), dtype=np.result_type(x, W))
    for i_n, i, j, top, left in windows(n, ho, wo, stride):
        window = xp[i_n, top:top + kh, left:left + kw]        # (kh, kw, C)
        for i_f in range(f):
            out[i_n, i, j, i_f] = np.sum(window * W[:, :, :, i_f]) + b[i_f]
    return out


def conv_backward(dout, x, W, stride=1, pad=0):
    """The gradients of conv_forward, one output number at a time.

    Output number out[n, i, j, f] = b[f] + sum(window * W[..., f]) sends its gradient g back
    to b[f] as g, to W[..., f] as g * window, and to the window's pixels as g * W[..., f].

    Inputs:  dout (N, Ho, Wo, F), d loss / d out; x, W as given to conv_forward
    Returns: dx (N, H, W, C), dW (kh, kw, C, F), db (F,)
    """
    kh, kw, _, f = W.shape
    xp = pad_hw(x, pad)
    dxp = np.zeros(xp.shape, dout.dtype)
    dW, db = np.zeros(W.shape, dout.dtype), np.zeros(f, dout.dtype)
    n, ho, wo, _ = dout.shape
    for i_n, i, j, top, left in windows(n, ho, wo, stride):
        window = xp[i_n, top:top + kh, left:left + kw]        # (kh, kw, C)
        dwindow = dxp[i_n, top:top + kh, left:left + kw]      # a view: += writes into dxp
        for i_f in range(f):
            g = dout[i_n, i, j, i_f]
            db[i_f] += g
            dW[:, :, :, i_f] += g * window
            dwindow += g * W[:, :, :, i_f]
    h, w = x.shape[1:3]
    return dxp[:, pad:pad + h, pad:pad + w, :], dW, db


def max_pool_forward(x, pool=2, stride=None):
    """Max pooling by its definition: the largest number of each pool x pool window, per channel.

    Inputs:  x (N, H, W, C); stride defaults to pool
    Returns: out (N, Ho, Wo, C), Ho = (H - pool) // stride + 1
    """
    stride = pool if stride is None else stride
    n, h, w, c = x.shape
    ho, wo = output_size(h, pool, stride), output_size(w, pool, stride)
    out = np.zeros((n, ho, wo, c), dtype=x.dtype)
    for i_n, i, j, top, left in windows(n, ho, wo, stride):
        out[i_n, i, j] = x[i_n, top:top + pool, left:left + pool].max(axis=(0, 1))   # (C,)
    return out


def max_pool_backward(dout, x, pool=2, stride=None):
    """The gradient of max_pool_forward: each window sends its gradient to one winner.

    The winner is the window's largest element; on a tie, the first in row-major order (what
    np.argmax returns). Where windows overlap, a pixel that wins several collects all their shares.

    Inputs:  dout (N, Ho, Wo, C); x as given to max_pool_forward
    Returns: dx (N, H, W, C)
    """
    stride = pool if stride is None else stride
    dx = np.zeros(x.shape, dtype=dout.dtype)
    n, ho, wo, c = dout.shape
    for i_n, i, j, top, left in windows(n, ho, wo, stride):
        for i_c in range(c):
            window = x[i_n, top:top + pool, left:left + pool, i_c]
            a, b = np.unravel_index(np.argmax(window), window.shape)
            dx[i_n, top + a, left + b, i_c] += dout[i_n, i, j, i_c]
    return dx


def forward_backward(model, x, y):
    """Forward, loss and backward of one batch: (mean loss, logits (N, classes)).

    Afterwards model.grads holds d loss / d parameter for every parameter.
    """
    logits = model.forward(x, training=True)           # Sequential.forward: each layer in order
    loss, dlogits = softmax_cross_entropy(logits, y)   # mean cross-entropy, dlogits = (p - onehot)/N
    model.backward(dlogits)                            # Sequential.backward: each layer in reverse
    return loss, logits


def train_step(model, optimizer, x, y):
    """One step of training, in one process: forward, loss, backward, then the optimizer's step.

    Inputs:  model, a Sequential; optimizer, e.g. Adam(model.params); x (N, 28, 28, 1); y (N,)
    Returns: (mean loss, logits (N, classes)); the parameters are updated in place
    """
    loss, logits = forward_backward(model, x, y)
    optimizer.step(model.grads)                        # Adam.step: every parameter, in place
    return loss, logits


class OneProcess:
    """The trainer of `--workers 1`: forward_backward in this process, DataParallel's interface.

    parallel.DataParallel does the same on several processes (each takes a part of the batch), and
    only on the corner of each image that the output depends on (model.pixels_read()); it is what
    the training command uses when there is more than one core. This one takes whole images.
    """

    def __init__(self, model):
        self.model = model

    def loss_and_grads(self, x, y, rng):
        """One batch: x (N, 28, 28, 1), y (N,) -> (mean loss, logits (N, 10), grads by name).
        The dropout masks are drawn from rng."""
        for layer in self.model.layers:
            if hasattr(layer, "rng"):
                layer.rng = rng
        loss, logits = forward_backward(self.model, x, y)
        return loss, logits, self.model.grads

    def close(self):
        """Nothing to stop: there are no helper processes."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
