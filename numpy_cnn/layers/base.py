"""What every layer has in common, and how weights start out.

A layer is a small object with two methods that mirror each other:

- forward(x, training) -> out, which also caches whatever backward will need;
- backward(dout) -> dx, which turns dL/dout into dL/dx and fills self.grads.

Trainable arrays live in self.params and their gradients in self.grads, under the same keys
("W", "b"). The model prefixes them with the layer's name, so "conv1.W" names one array everywhere:
in the optimizer's state and in the saved .npz file.
"""
import numpy as np


class Layer:
    """Base class: a named layer with no parameters."""

    def __init__(self, name):
        self.name = name
        self.params = {}
        self.grads = {}

    def forward(self, x, training=False):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def output_shape(self, input_shape):
        """The shape of one example's output for one example's input, e.g. (26, 26, 32) for
        (28, 28, 1): lets a whole network be checked without running it. This default is for
        layers that keep the shape (ReLU, Dropout). Raises ValueError if the input does not fit."""
        return tuple(input_shape)

    def config(self):
        """The constructor arguments that rebuild this layer (saved as plain JSON with the weights)."""
        return {"name": self.name}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


def init_weights(shape, fan_in, fan_out, scheme, rng, dtype):
    """Random initial weights that keep activations at a steady scale from layer to layer.

    - "he" (He et al. 2015), for layers followed by ReLU: normal with std sqrt(2 / fan_in). ReLU
      zeroes half its inputs, so twice the variance keeps the output variance equal to the input's.
    - "glorot" (Glorot & Bengio 2010), for the output layer: uniform in +-sqrt(6 / (fan_in + fan_out)),
      which balances the variance of the forward signal and of the backward gradient.
    """
    rng = np.random.default_rng() if rng is None else rng
    if scheme == "he":
        w = rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)
    elif scheme == "glorot":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-limit, limit, size=shape)
    else:
        raise ValueError(f"unknown initialisation {scheme!r}: use 'he' or 'glorot'")
    return w.astype(dtype)
