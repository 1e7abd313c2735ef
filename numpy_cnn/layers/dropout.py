"""Dropout: randomly silence units while training, so that no unit can rely on another."""
import numpy as np

from .base import Layer


class Dropout(Layer):
    """Inverted dropout with drop probability p_drop.

    Shapes: x: any  ->  out: same shape

    Notes:
        training:   mask = (u >= p_drop) / (1 - p_drop),  u ~ Uniform[0, 1),  out = x * mask
        inference:  out = x

        Each unit is kept with probability 1 - p_drop. Dividing the kept ones by 1 - p_drop keeps
        the expected value of every unit unchanged ("inverted" dropout), so inference needs no
        rescaling. The backward pass applies the same mask: dx = dout * mask.

    The mask is drawn from the numpy.random.Generator given as rng, so a seeded generator makes
    training reproducible.
    """

    def __init__(self, p_drop=0.5, name="dropout", rng=None):
        super().__init__(name)
        if not 0.0 <= p_drop < 1.0:
            raise ValueError(f"p_drop must be in [0, 1), got {p_drop}")
        self.p_drop = p_drop
        self.rng = np.random.default_rng() if rng is None else rng

    def forward(self, x, training=False):
        if not training or self.p_drop == 0.0:
            self.mask = None
            return x
        dtype = np.result_type(x.dtype, np.float32)  # float32 stays float32, float64 stays float64
        keep = self.rng.random(x.shape, dtype=dtype) >= self.p_drop
        self.mask = keep * dtype.type(1.0 / (1.0 - self.p_drop))  # a new array: x is left as it was
        return x * self.mask

    def backward(self, dout):
        return dout if self.mask is None else dout * self.mask

    def config(self):
        return {"name": self.name, "p_drop": self.p_drop}
