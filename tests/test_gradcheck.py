"""The checker itself must catch wrong gradients, or every other gradient test means nothing."""
import numpy as np
import pytest

from numpy_cnn.gradcheck import check_layer, numerical_gradient, rel_error
from numpy_cnn.layers import Dense, ReLU


def test_numerical_gradient_of_known_function(rng):
    x = rng.standard_normal((3, 4))
    f = lambda: float(np.sum(np.sin(x) * x))                      # d/dx = cos(x) x + sin(x)
    assert rel_error(numerical_gradient(f, x), np.cos(x) * x + np.sin(x)) < 1e-9


def test_rel_error_basics():
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0], [-1.0]) == pytest.approx(1.0)


class TransposeForgotten(Dense):
    """A deliberately wrong Dense: dx uses W instead of W.T (shapes fit because D == H)."""

    def backward(self, dout):
        super().backward(dout)
        return dout @ self.params["W"]


class ScaledReLU(ReLU):
    """A deliberately wrong ReLU: passes half the gradient."""

    def backward(self, dout):
        return 0.5 * super().backward(dout)


class BiasGradDropped(Dense):
    """A deliberately wrong Dense: forgets to sum db over the batch (takes only row 0)."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["b"] = dout[0]
        return dx


def test_checker_rejects_wrong_dx(rng):
    layer = TransposeForgotten(5, 5, rng=rng, dtype=np.float64)
    errors = check_layer(layer, rng.standard_normal((3, 5)), rng=rng)
    assert errors["x"] > 1e-2
    assert errors["W"] < 1e-7  # the parameter gradient is still right, and the checker says so


def test_checker_rejects_scaled_gradient(rng):
    x = rng.standard_normal((4, 6))
    x[np.abs(x) < 1e-3] = 0.5
    assert check_layer(ScaledReLU(), x, rng=rng)["x"] > 0.1


def test_checker_rejects_wrong_parameter_gradient(rng):
    layer = BiasGradDropped(4, 3, rng=rng, dtype=np.float64)
    errors = check_layer(layer, rng.standard_normal((5, 4)), rng=rng)
    assert errors["b"] > 1e-2
    assert errors["x"] < 1e-7
