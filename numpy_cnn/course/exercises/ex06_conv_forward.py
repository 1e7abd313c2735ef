"""Exercise 6: the convolution layer's forward pass, with stride and zero padding.

Each of the F filters is a kh x kw x C block of weights W[:, :, :, f]; its output at pixel (i, j)
is the sum of the products with the window there, plus the filter's bias:

    out[n, i, j, f] = b[f] + sum_{a, b', ch} window(n, i, j)[a, b', ch] * W[a, b', ch, f]

(this is a cross-correlation: the kernel is not flipped). With im2col each window is a row, so
all N*Ho*Wo*F sums are one matrix product: cols (N*Ho*Wo, kh*kw*C) @ W as (kh*kw*C, F).

Inputs:  x (N, H, W, C); W (kh, kw, C, F); b (F,); stride; pad
Returns: out (N, Ho, Wo, F), Ho = (H + 2*pad - kh) // stride + 1, Wo likewise

Hint: W.reshape(kh * kw * C, F) flattens each filter in the same (kh, kw, C) order as im2col's
rows. Do not transpose W: W[a, b', ch, f] multiplies the pixel a rows down, b' columns across.
Check: numpy-cnn course check . conv_forward
"""
import numpy as np

from ex04_im2col import im2col, output_size


def conv_forward(x, W, b, stride=1, pad=0):
    """out (N, Ho, Wo, F) = the convolution of x with the filters W, plus b."""
    # BEGIN SOLUTION conv_forward
    kh, kw, c, f = W.shape
    n, h, w, _ = x.shape
    ho, wo = output_size(h, kh, stride, pad), output_size(w, kw, stride, pad)
    cols = im2col(x, kh, kw, stride, pad)                   # (N*Ho*Wo, kh*kw*C)
    out = cols @ W.reshape(kh * kw * c, f) + b              # (N*Ho*Wo, F)
    return out.reshape(n, ho, wo, f)
    # END SOLUTION
