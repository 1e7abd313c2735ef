"""Exercise 5: col2im, the way back from im2col.

im2col is linear: cols = A @ x for a (huge) matrix A of zeros and ones that copies pixels. So the
gradient with respect to x of anything computed from cols is A.T @ dcols: each entry of a row goes
back to the pixel it was copied from, and a pixel that sits in several windows (stride smaller
than the kernel) gets the SUM of all its copies' gradients. Padding pixels are dropped at the end.

    dx[n, i*stride + a - pad, j*stride + b - pad, ch] += dcols[row of (n, i, j), column of (a, b, ch)]

Inputs:  cols (N*Ho*Wo, kh*kw*C), in im2col's layout; x_shape = (N, H, W, C), the unpadded input's
         shape; kh, kw, stride, pad as given to im2col
Returns: dx (N, H, W, C)

Hint: the mirror of your im2col: reshape cols to (N, Ho, Wo, kh, kw, C), then for each offset
(a, b) ADD (+=) its slice into a zero array of the padded shape; finally cut the padding off.
Check: numpy-cnn course check . col2im
"""
import numpy as np

from ex04_im2col import output_size


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    """Add each row of cols back onto the pixels of its window: dx (N, H, W, C)."""
    # BEGIN SOLUTION col2im
    n, h, w, c = x_shape
    ho, wo = output_size(h, kh, stride, pad), output_size(w, kw, stride, pad)
    cols = cols.reshape(n, ho, wo, kh, kw, c)
    dxp = np.zeros((n, h + 2 * pad, w + 2 * pad, c), dtype=cols.dtype)
    for a in range(kh):
        for b in range(kw):
            dxp[:, a:a + stride * ho:stride, b:b + stride * wo:stride, :] += cols[:, :, :, a, b, :]
    return dxp[:, pad:pad + h, pad:pad + w, :]
    # END SOLUTION
