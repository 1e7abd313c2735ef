"""Exercise 1: ReLU, forward and backward.

ReLU keeps the positive numbers and zeroes the rest, elementwise:

    out = max(x, 0)

Backward: d out / d x is 1 where x > 0 and 0 where x < 0, so the gradient that reaches x is

    dx = dout where x > 0, else 0

At exactly x = 0 the derivative does not exist; any value in [0, 1] is a valid choice (a
subgradient). Take 0, as numpy_cnn does; the check never tests x = 0 in backward.

Inputs:  x, any shape; dout, the gradient d loss / d out, shaped like x
Returns: relu_forward: out, shaped like x; relu_backward: dx, shaped like x

Hint: np.maximum, and a boolean mask (x > 0) multiplied into dout.
Check: numpy-cnn course check . relu
"""
import numpy as np


def relu_forward(x):
    """out = max(x, 0), elementwise."""
    # BEGIN SOLUTION relu_forward
    return np.maximum(x, 0)
    # END SOLUTION


def relu_backward(dout, x):
    """dx = dout where x > 0, else 0. x is the input that relu_forward was given."""
    # BEGIN SOLUTION relu_backward
    return dout * (x > 0)
    # END SOLUTION
