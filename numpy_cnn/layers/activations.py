"""ReLU, the non-linearity between the layers."""
import numpy as np

from .base import Layer


class ReLU(Layer):
    """Rectified linear unit.

    Shapes: x: any  ->  out: same shape

    Notes:
        out = max(x, 0)
        dx  = dout where x > 0, else 0   (at exactly 0 the gradient is taken as 0)
    """

    def __init__(self, name="relu"):
        super().__init__(name)

    def forward(self, x, training=False):
        self.cache = x > 0
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * self.cache
