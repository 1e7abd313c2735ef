"""Dense: a fully connected layer, out = x @ W + b."""
import numpy as np

from .base import Layer, init_weights


class Dense(Layer):
    """Every output is a weighted sum of every input.

    Parameters:
    - W: (D, H)
    - b: (H,)

    Shapes:
    - x: (N, D)  ->  out: (N, H)

    Notes:
        out = x @ W + b
        dW = x.T @ dout      (sums the contribution of every example in the batch)
        db = sum_n dout[n]
        dx = dout @ W.T
    """

    def __init__(self, in_features, out_features, name="dense", init="he", rng=None,
                 dtype=np.float32):
        super().__init__(name)
        self.in_features, self.out_features, self.init = in_features, out_features, init
        self.params["W"] = init_weights((in_features, out_features), in_features, out_features,
                                        init, rng, dtype)
        self.params["b"] = np.zeros(out_features, dtype=dtype)

    def forward(self, x, training=False):
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"{self.name}: expected input (N, {self.in_features}), got {x.shape}")
        self.cache = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dout):
        x = self.cache
        self.grads["W"] = x.T @ dout
        self.grads["b"] = dout.sum(axis=0)
        return dout @ self.params["W"].T

    def output_shape(self, input_shape):
        """(D,) -> (H,); ValueError for any other input."""
        if tuple(input_shape) != (self.in_features,):
            raise ValueError(f"{self.name}: expected ({self.in_features},) per example, "
                             f"got {tuple(input_shape)}")
        return (self.out_features,)

    def config(self):
        return {"name": self.name, "in_features": self.in_features,
                "out_features": self.out_features, "init": self.init}
