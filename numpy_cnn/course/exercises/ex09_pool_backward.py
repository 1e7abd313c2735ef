"""Exercise 9: max pooling, backward.

Only the winner of a window (its largest number) reached the output, so the window's gradient
goes to the winner alone; the other pixels of the window get 0 from it. When several numbers tie
for the largest, the winner is the FIRST of them in row-major order (what np.argmax returns), and
it takes the whole gradient: not shared, not the last. Where windows overlap, a pixel that wins
several windows collects all their gradients (a sum).

    dx[n, i*stride + a*, j*stride + b*, ch] += dout[n, i, j, ch],  (a*, b*) the winner's offset

Inputs:  dout (N, Ho, Wo, C); x, pool, stride as given to max_pool_forward
Returns: dx (N, H, W, C)

Hint: im2col(x) reshaped to (N*Ho*Wo, pool*pool, C); argmax over axis 1 gives each window's winner
(N*Ho*Wo, C); build the windows' gradient, zero except dout at the winner, and send it back with
your col2im, which adds up overlapping windows for you.
Check: numpy-cnn course check . pool_backward
"""
import numpy as np

from ex04_im2col import im2col
from ex05_col2im import col2im


def max_pool_backward(dout, x, pool=2, stride=None):
    """dx (N, H, W, C): each window's gradient sent to its first winner."""
    stride = pool if stride is None else stride
    # BEGIN SOLUTION max_pool_backward
    c = x.shape[3]
    windows = im2col(x, pool, pool, stride).reshape(-1, pool * pool, c)    # (M, pool*pool, C)
    winner = windows.argmax(axis=1)                                         # (M, C): the first max
    is_winner = np.arange(pool * pool)[None, :, None] == winner[:, None, :] # (M, pool*pool, C)
    dwindows = is_winner * dout.reshape(-1, 1, c)
    return col2im(dwindows.reshape(-1, pool * pool * c), x.shape, pool, pool, stride)
    # END SOLUTION
