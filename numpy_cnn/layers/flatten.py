"""Flatten: the bridge from feature maps to the dense layers."""
import math

from .base import Layer


class Flatten(Layer):
    """Flatten every example into one row.

    Shapes: x: (N, d1, d2, ...)  ->  out: (N, d1*d2*...)

    Notes: a reshape moves no numbers, so backward just reshapes dout back to the input's shape.
    With NHWC input the row is laid out pixel by pixel, all channels of a pixel together.
    """

    def __init__(self, name="flatten"):
        super().__init__(name)

    def forward(self, x, training=False):
        self.cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout):
        return dout.reshape(self.cache)

    def output_shape(self, input_shape):
        """(d1, d2, ...) -> (d1*d2*...,)"""
        return (math.prod(input_shape),)
