"""im2col and col2im: how a convolution becomes one matrix multiply.

A convolution slides a kh x kw x C window over the (zero-padded) image. im2col copies every window
position into one row of a matrix, so that a single matrix multiply with the weights reshaped to
(kh*kw*C, F) computes every output pixel of every filter at once. BLAS does the heavy lifting.

Images are NHWC: (N, H, W, C). With that layout each window row is laid out as (kh, kw, C), the
channels of one pixel are contiguous in memory, and the product (N*Ho*Wo, F) is already the NHWC
output: no transpose on the way in or out.

Output size of a window k, stride s and zero padding p on an input of size H:

    Ho = (H + 2p - k) // s + 1
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def output_size(size, kernel, stride=1, pad=0):
    """Number of window positions along one axis: (size + 2*pad - kernel) // stride + 1."""
    out = (size + 2 * pad - kernel) // stride + 1
    if out < 1:
        raise ValueError(f"a window of {kernel} with padding {pad} does not fit an input of size {size}")
    return out


def pad_hw(x, pad):
    """Zero-pad the two spatial axes of x: (N, H, W, C) -> (N, H + 2*pad, W + 2*pad, C)."""
    if pad == 0:
        return x
    return np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))


def im2col(x, kh, kw, stride=1, pad=0):
    """Gather every kh x kw window of x into the rows of one matrix (plain: reference.im2col).

    Inputs:
    - x: (N, H, W, C) images
    - kh, kw: window height and width
    - stride, pad: step between windows and zero padding on each side

    Returns:
    - cols: (N*Ho*Wo, kh*kw*C), row n*Ho*Wo + i*Wo + j holds the window whose top-left corner is
      at (i*stride, j*stride) of the padded image n, flattened in (kh, kw, C) order.

    With several channels, one copy of a sliding_window_view writes the matrix row after row.
    With one channel, whose windows are rows of only kh*kw numbers, it loops over the kh*kw
    offsets (a, b) inside the window instead, like col2im: for a fixed offset, element (a, b) of
    every window is one strided slice of the image, copied in one go along the image's rows.
    """
    xp = pad_hw(x, pad)
    n, hp, wp, c = xp.shape
    ho, wo = output_size(hp, kh, stride), output_size(wp, kw, stride)
    if c > 1:
        # Fast: writes the matrix once, in order; the offset loop's kh*kw passes each write a strip
        # of every row, 3x slower for conv2 (C = 32) while training. For C = 1 the loop is 4x faster.
        windows = sliding_window_view(xp, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]  # c, kh, kw
        cols = np.ascontiguousarray(windows.transpose(0, 1, 2, 4, 5, 3))
        return cols.reshape(n * ho * wo, kh * kw * c)
    cols = np.empty((n, ho, wo, kh, kw, c), dtype=x.dtype)
    for a in range(kh):
        for b in range(kw):
            cols[:, :, :, a, b, :] = xp[:, a:a + stride * ho:stride, b:b + stride * wo:stride, :]
    return cols.reshape(n * ho * wo, kh * kw * c)


def col2im(offset_grad, x_shape, kh, kw, stride=1, pad=0):
    """The adjoint of im2col: add the gradient of every window back onto the pixels it covered.
    Plain version, taking the whole (N*Ho*Wo, kh*kw*C) matrix: reference.col2im.

    A pixel covered by several windows receives the sum of their gradients. Instead of scattering
    pixel by pixel (np.add.at), loop over the kh*kw offsets inside the window: for a fixed offset
    (a, b), the windows touch a strided grid of pixels, so one slice-add handles all of them.

    Inputs:
    - offset_grad: function (a, b) -> (N, Ho, Wo, C), the gradient with respect to element (a, b)
      of every window, i.e. the columns of the im2col matrix that hold offset (a, b). Taking it
      offset by offset lets Conv2D compute each block with a small matmul, never building the
      whole (N*Ho*Wo, kh*kw*C) matrix, and makes every slice-add read contiguous memory.
    - x_shape: (N, H, W, C) shape of the unpadded input

    Returns:
    - dx: (N, H, W, C)
    """
    n, h, w, c = x_shape
    ho, wo = output_size(h, kh, stride, pad), output_size(w, kw, stride, pad)
    dxp = None
    for a in range(kh):
        for b in range(kw):
            block = offset_grad(a, b)
            if dxp is None:                    # allocated once the gradient's dtype is known
                dxp = np.zeros((n, h + 2 * pad, w + 2 * pad, c), dtype=block.dtype)
            dxp[:, a:a + stride * ho:stride, b:b + stride * wo:stride, :] += block
    return dxp[:, pad:pad + h, pad:pad + w, :]
