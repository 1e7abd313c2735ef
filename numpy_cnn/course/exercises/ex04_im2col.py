"""Exercise 4: im2col, every window of an image batch as one row of a matrix.

A convolution multiplies every kh x kw window of the input with the same kernel. im2col copies
each window into a row, so that the whole convolution becomes one matrix product (exercise 6).

Images are NHWC: x[n, row, column, channel]. With zero padding `pad` on each side of the rows
and columns, there are

    Ho = (H + 2*pad - kh) // stride + 1        window positions down, Wo likewise across

and the window of output pixel (i, j) has its top-left corner at (i*stride, j*stride) of the
padded image. Row n*Ho*Wo + i*Wo + j of the result is that window of image n, flattened in
(kh, kw, C) order: window.ravel() for window = padded[n, top:top + kh, left:left + kw, :].

Inputs:  x (N, H, W, C); kernel size kh, kw; stride; pad
Returns: cols (N*Ho*Wo, kh*kw*C)

Hint: loop over the kh*kw offsets (a, b) inside a window, not over the windows: the pixel at
offset (a, b) of every window is xp[:, a : a + stride*Ho : stride, b : b + stride*Wo : stride, :],
an (N, Ho, Wo, C) slice. Fill an array cols of shape (N, Ho, Wo, kh, kw, C), then reshape it.
np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0))) adds the zeros.
Check: numpy-cnn course check . im2col
"""
import numpy as np


def output_size(size, kernel, stride=1, pad=0):
    """Window positions along one axis: (size + 2*pad - kernel) // stride + 1."""
    return (size + 2 * pad - kernel) // stride + 1


def im2col(x, kh, kw, stride=1, pad=0):
    """Every kh x kw window of x, one per row: (N*Ho*Wo, kh*kw*C)."""
    # BEGIN SOLUTION im2col
    n, h, w, c = x.shape
    ho, wo = output_size(h, kh, stride, pad), output_size(w, kw, stride, pad)
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    cols = np.empty((n, ho, wo, kh, kw, c), dtype=x.dtype)
    for a in range(kh):
        for b in range(kw):
            cols[:, :, :, a, b, :] = xp[:, a:a + stride * ho:stride, b:b + stride * wo:stride, :]
    return cols.reshape(n * ho * wo, kh * kw * c)
    # END SOLUTION
