"""Exercise 2: a dense (fully connected) layer, forward and backward.

Each of the N examples (a row of x) is multiplied by the weights, and the bias added:

    out[n, h] = sum_d x[n, d] * W[d, h] + b[h]        i.e.  out = x @ W + b

Backward, from the gradient dout = d loss / d out:

    dx[n, d] = sum_h dout[n, h] * W[d, h]             dx = dout @ W.T
    dW[d, h] = sum_n x[n, d] * dout[n, h]             dW = x.T @ dout   (summed over the batch)
    db[h]    = sum_n dout[n, h]                       db = dout.sum(axis=0)

A check on the shapes alone finds each formula: dW must be (D, H) like W, and x.T @ dout is the
only product of x and dout with that shape.

Inputs:  x (N, D); W (D, H); b (H,); dout (N, H)
Returns: dense_forward: out (N, H); dense_backward: dx (N, D), dW (D, H), db (H,)

Hint: three one-line matrix products; no loops.
Check: numpy-cnn course check . dense
"""
import numpy as np


def dense_forward(x, W, b):
    """out = x @ W + b."""
    # BEGIN SOLUTION dense_forward
    return x @ W + b
    # END SOLUTION


def dense_backward(dout, x, W):
    """The gradients of dense_forward: (dx, dW, db). x and W as given to dense_forward."""
    # BEGIN SOLUTION dense_backward
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db
    # END SOLUTION
