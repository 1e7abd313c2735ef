"""ReLU, the non-linearity between the layers."""
import numpy as np

from .base import Layer


class ReLU(Layer):
    """Rectified linear unit.

    Shapes: x: any  ->  out: same shape

    Notes:
        out = max(x, 0)
        dx  = dout where x > 0, else 0

        At exactly 0, max(x, 0) has no derivative: any slope in [0, 1] is a subgradient there,
        and which one a layer takes is a convention. This one takes 0 (as PyTorch and Keras do),
        and tests/test_activations.py holds it to that; `x >= 0` (slope 1) would be another
        valid convention, not a wrong gradient.
    """

    def __init__(self, name="relu"):
        super().__init__(name)

    def forward(self, x, training=False):
        self.cache = x > 0
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * self.cache
