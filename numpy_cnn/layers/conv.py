"""Conv2D: a 2-D convolution (really a cross-correlation, as in every deep-learning library)."""
import numpy as np

from ..im2col import col2im, im2col, output_size
from .base import Layer, init_weights


class Conv2D(Layer):
    """F filters of size kh x kw slid over NHWC images, computed as im2col + one matrix multiply.

    Parameters:
    - W: (kh, kw, C, F), the layout Keras uses; reshaped to (kh*kw*C, F) it multiplies im2col rows
    - b: (F,)

    Shapes:
    - x: (N, H, W, C)  ->  out: (N, Ho, Wo, F), with Ho = (H + 2*padding - kh) // stride + 1

    Notes:
        out[n, i, j, f] = b[f] + sum_{u, v, c} x_pad[n, i*s + u, j*s + v, c] * W[u, v, c, f]

        (u, v): the offset inside the kernel, u < kh down, v < kw across; s: the stride.
        With X = im2col(x) of shape (M, K), M = N*Ho*Wo, K = kh*kw*C, and Wm = W as (K, F):
            out = X @ Wm + b
        so the backward pass is that of a dense layer, followed by col2im:
            dWm = X.T @ dout,   db = sum of dout over M,   dX = dout @ Wm.T,   dx = col2im(dX)
        where the block of dX for kernel offset (u, v) is dout @ W[u, v].T.

    The speed tricks are the helpers below the class, each with its reason; docs/fast.md times
    each against the plain way, and reference.conv_forward / conv_backward are the plain loops.
    """

    def __init__(self, in_channels, filters, kernel_size, stride=1, padding=0, name="conv",
                 input_grad=True, rng=None, dtype=np.float32):
        super().__init__(name)
        # input_grad=False for a first layer: nobody needs the gradient with respect to the
        # images, and skipping it saves a matrix multiply and a col2im; backward returns None.
        self.input_grad = input_grad
        kh, kw = (kernel_size, kernel_size) if np.isscalar(kernel_size) else tuple(kernel_size)
        self.in_channels, self.filters = in_channels, filters
        self.kernel_size, self.stride, self.padding = (kh, kw), stride, padding
        fan_in, fan_out = kh * kw * in_channels, kh * kw * filters
        self.params["W"] = init_weights((kh, kw, in_channels, filters), fan_in, fan_out, "he", rng, dtype)
        self.params["b"] = np.zeros(filters, dtype=dtype)

    def forward(self, x, training=False):
        """x (N, H, W, C) -> out (N, Ho, Wo, F). Plain version: reference.conv_forward."""
        n, h, w, c = x.shape
        if c != self.in_channels:
            raise ValueError(f"{self.name}: expected {self.in_channels} input channels, got {c}")
        kh, kw = self.kernel_size
        ho = output_size(h, kh, self.stride, self.padding)
        wo = output_size(w, kw, self.stride, self.padding)
        cols = im2col(x, kh, kw, self.stride, self.padding)      # X: (N*Ho*Wo, kh*kw*C)
        out = cols @ self.params["W"].reshape(-1, self.filters)  # X @ Wm: (N*Ho*Wo, F)
        add_bias_by_rows(out, self.params["b"], n * ho)          # + b
        self.cache = (cols, x.shape)
        return out.reshape(n, ho, wo, self.filters)

    def backward(self, dout):
        """dout (N, Ho, Wo, F) -> dx (N, H, W, C) (None if not input_grad); fills grads "W", "b".
        Plain version: reference.conv_backward."""
        cols, x_shape = self.cache
        d = dout.reshape(-1, self.filters)                       # dout as (N*Ho*Wo, F)
        W = self.params["W"]
        self.grads["W"] = (cols.T @ d).reshape(W.shape)          # dWm = X.T @ dout
        self.grads["b"] = sum_over_rows(d)                       # db = sum of dout over M
        return self.input_gradient(dout) if self.input_grad else None

    def input_gradient(self, dout):
        """dout: (N, Ho, Wo, F) -> dx: (N, H, W, C), for the input of the last forward pass.

        Only the input's gradient: self.grads is left as it was. backward() calls it unless the
        layer was built with input_grad=False; numpy_cnn.insight calls it on such a first layer
        to ask how each input pixel moved the answer (training never does, so stays as fast).
        """
        _, x_shape = self.cache
        n, ho, wo, _ = dout.shape
        d = dout.reshape(-1, self.filters)                       # (N*Ho*Wo, F)
        W = self.params["W"]
        # dx = col2im(dX), dX = d @ Wm.T
        return col2im(window_gradient_by_offset(d, W, (n, ho, wo)), x_shape,
                      *self.kernel_size, self.stride, self.padding)

    def output_shape(self, input_shape):
        """(H, W, C) -> (Ho, Wo, F); ValueError if C is not in_channels or the kernel does not fit."""
        if len(input_shape) != 3 or input_shape[2] != self.in_channels:
            raise ValueError(f"{self.name}: expected (H, W, {self.in_channels}) images, "
                             f"got {tuple(input_shape)}")
        (h, w, _), (kh, kw) = input_shape, self.kernel_size
        return (output_size(h, kh, self.stride, self.padding),
                output_size(w, kw, self.stride, self.padding), self.filters)

    def config(self):
        return {"name": self.name, "in_channels": self.in_channels, "filters": self.filters,
                "kernel_size": list(self.kernel_size), "stride": self.stride, "padding": self.padding,
                "input_grad": self.input_grad}


# The speed tricks of Conv2D, each against its plain form (timed in docs/fast.md).

def add_bias_by_rows(out, b, rows):
    """out += b in place, for out (M, F) read as `rows` rows of M*F/rows numbers (one image row
    of the output each, Wo*F numbers) and b tiled to that length.

    Why: plain `out += b` broadcasts b over M rows of only F numbers, and NumPy's loop pays for
    every short row: up to 2x slower.

    out must be C-contiguous (a matrix product is), or the reshape would copy and lose the sum.
    """
    if not out.flags.c_contiguous:
        raise ValueError("add_bias_by_rows needs a C-contiguous out")
    wide = out.reshape(rows, -1)                 # a view, since out is contiguous
    wide += np.tile(b, wide.shape[1] // b.size)


def sum_over_rows(d):
    """d (M, F) -> (F,), the sum of d's M rows: d.sum(axis=0).

    Why: np.einsum adds the rows in one pass, where d.sum(axis=0) on a tall matrix of few
    columns is up to 3x slower.
    """
    return np.einsum("mf->f", d)


def window_gradient_by_offset(d, W, out_shape):
    """dX = d @ Wm.T, the gradient of im2col's matrix, as the function col2im takes:
    (u, v) -> the block of dX for kernel offset (u, v), (N, Ho, Wo, C) = d @ W[u, v].T.

    Inputs: d (N*Ho*Wo, F), the output's gradient; W (kh, kw, C, F); out_shape (N, Ho, Wo).

    Why: col2im adds one offset's block at a time onto a strided grid of pixels, so the whole
    (N*Ho*Wo, kh*kw*C) matrix dX is never built, and each block it adds is contiguous.
    """
    return lambda u, v: (d @ W[u, v].T).reshape(*out_shape, -1)
