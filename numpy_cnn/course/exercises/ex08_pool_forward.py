"""Exercise 8: max pooling, forward.

Each pool x pool window of each channel is replaced by its largest number:

    out[n, i, j, ch] = max over a, b < pool of x[n, i*stride + a, j*stride + b, ch]

Windows may overlap (pool 3, stride 2) or leave the last rows out (pool 2 on 7 rows: 3 windows).
There is no padding.

Inputs:  x (N, H, W, C); pool; stride (None means stride = pool)
Returns: out (N, Ho, Wo, C), Ho = (H - pool) // stride + 1, Wo likewise

Hint: your im2col gives every window as a row in (pool, pool, C) order; reshape its result to
(N, Ho, Wo, pool*pool, C) and take the max over the pool*pool axis.
Check: numpy-cnn course check . pool_forward
"""
import numpy as np

from ex04_im2col import im2col, output_size


def max_pool_forward(x, pool=2, stride=None):
    """out (N, Ho, Wo, C): the largest number of each window, per channel."""
    stride = pool if stride is None else stride
    # BEGIN SOLUTION max_pool_forward
    n, h, w, c = x.shape
    ho, wo = output_size(h, pool, stride), output_size(w, pool, stride)
    windows = im2col(x, pool, pool, stride).reshape(n, ho, wo, pool * pool, c)
    return windows.max(axis=3)
    # END SOLUTION
