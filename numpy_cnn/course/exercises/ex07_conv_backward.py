"""Exercise 7: the convolution layer's backward pass.

The forward pass was out = cols @ Wm + b, with cols = im2col(x) and Wm = W as (kh*kw*C, F): a dense
layer (exercise 2) applied to every window. So, with d = dout as (N*Ho*Wo, F):

    dWm   = cols.T @ d            then reshaped to W's shape (kh, kw, C, F)
    db    = d.sum(axis=0)         every output pixel of filter f used b[f]
    dcols = d @ Wm.T              the gradient of every window's copy of the pixels
    dx    = col2im(dcols)         im2col's transpose adds the copies back (exercise 5)

Inputs:  dout (N, Ho, Wo, F), d loss / d out; x, W, stride, pad as given to conv_forward
Returns: dx (N, H, W, C), dW (kh, kw, C, F), db (F,)

Hint: four lines, one per formula above, plus the reshapes.
Check: numpy-cnn course check . conv_backward
"""
import numpy as np

from ex04_im2col import im2col
from ex05_col2im import col2im


def conv_backward(dout, x, W, stride=1, pad=0):
    """The gradients of conv_forward: (dx, dW, db)."""
    # BEGIN SOLUTION conv_backward
    kh, kw, c, f = W.shape
    cols = im2col(x, kh, kw, stride, pad)                   # (N*Ho*Wo, kh*kw*C)
    d = dout.reshape(-1, f)                                 # (N*Ho*Wo, F)
    dW = (cols.T @ d).reshape(W.shape)
    db = d.sum(axis=0)
    dcols = d @ W.reshape(kh * kw * c, f).T                 # (N*Ho*Wo, kh*kw*C)
    dx = col2im(dcols, x.shape, kh, kw, stride, pad)
    return dx, dW, db
    # END SOLUTION
