"""The checker itself must catch wrong gradients, or every other gradient test means nothing."""
import numpy as np
import pytest

from conftest import GRAD_TOL
from numpy_cnn.gradcheck import check_layer, numerical_gradient, rel_error
from numpy_cnn.layers import Conv2D, Dense, Dropout, ReLU


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


# Subtler mistakes: a wrong gradient that is right almost everywhere, or only slightly off.

class ConvBiasAveraged(Conv2D):
    """db averaged over the N*Ho*Wo output positions instead of summed."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["b"] = self.grads["b"] / (dout.size // self.filters)
        return dx


class ConvLastRowLost(Conv2D):
    """The last row of the input gradient is lost (left at 0)."""

    def backward(self, dout):
        dx = super().backward(dout)
        dx[:, -1] = 0.0
        return dx


class DropoutMaskIgnored(Dropout):
    """Backward passes the gradient through as if nothing had been dropped."""

    def backward(self, dout):
        return dout


class DenseSlightlyOff(Dense):
    """dx is 1e-5 too large: a hundredth of a per mille, far below what a plot would show."""

    def backward(self, dout):
        return super().backward(dout) * (1 + 1e-5)


class ConvOneWeightWrong(Conv2D):
    """One entry of dW out of 3*3*2*3 = 54 is zeroed."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["W"][1, 2, 0, 1] = 0.0
        return dx


def conv(cls, rng, **options):
    layer = cls(2, 3, 3, stride=2, padding=1, rng=rng, dtype=np.float64, **options)
    layer.params["b"][:] = rng.standard_normal(3)
    return layer


def test_checker_rejects_averaged_conv_bias(rng):
    errors = check_layer(conv(ConvBiasAveraged, rng), rng.standard_normal((2, 5, 6, 2)), rng=rng)
    m = 2 * 3 * 3                  # N*Ho*Wo positions: |g - g/m| / (|g| + |g/m|) = (m-1)/(m+1)
    assert errors["b"] == pytest.approx((m - 1) / (m + 1))
    assert errors["x"] < GRAD_TOL and errors["W"] < GRAD_TOL


def test_checker_rejects_a_lost_row_of_the_input_gradient(rng):
    errors = check_layer(conv(ConvLastRowLost, rng), rng.standard_normal((2, 5, 6, 2)), rng=rng)
    assert errors["x"] > 1e-2


def test_checker_rejects_a_single_wrong_weight_gradient(rng):
    errors = check_layer(conv(ConvOneWeightWrong, rng), rng.standard_normal((2, 5, 6, 2)), rng=rng)
    assert errors["W"] > 1e-3
    assert errors["x"] < GRAD_TOL


def test_checker_rejects_a_gradient_off_by_one_part_in_100000(rng):
    errors = check_layer(DenseSlightlyOff(4, 3, rng=rng, dtype=np.float64),
                         rng.standard_normal((5, 4)), rng=rng)
    assert errors["x"] == pytest.approx(5e-6, rel=1e-2)   # |1e-5 g| / (2 |g|), 50x the tolerance
    assert errors["x"] > GRAD_TOL


def test_checker_rejects_dropout_that_ignores_its_mask(rng):
    layer = DropoutMaskIgnored(0.5)

    def forward(x):                     # the same mask on every call
        layer.rng = np.random.default_rng(3)
        return layer.forward(x, training=True)
    assert check_layer(layer, rng.standard_normal((6, 8)), rng=rng, forward=forward)["x"] > 0.1


class BiasGradientAsRow(Dense):
    """db kept as a (1, H) row, as dout.sum(axis=0, keepdims=True) gives: the values are right
    but the shape is not, and Adam would then broadcast b to (1, H)."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["b"] = dout.sum(axis=0, keepdims=True)
        return dx


def test_a_gradient_of_the_wrong_shape_is_refused(rng):
    layer = BiasGradientAsRow(4, 3, rng=rng, dtype=np.float64)
    with pytest.raises(ValueError, match=r"gradient of b has shape \(1, 3\), but b has shape \(3,\)"):
        check_layer(layer, rng.standard_normal((5, 4)), rng=rng)


def test_rel_error_refuses_arrays_of_different_shapes():
    with pytest.raises(ValueError, match=r"shapes \(1, 3\) and \(3,\)"):
        rel_error(np.ones((1, 3)), np.ones(3))


def test_a_float32_layer_is_refused_with_advice(rng):
    with pytest.raises(ValueError, match="dense.W is float32: check gradients in float64"):
        check_layer(Dense(4, 3, rng=rng), rng.standard_normal((5, 4)), rng=rng)


def test_float32_is_refused_because_it_makes_a_right_gradient_look_wrong(rng):
    """What the refusal prevents: a correct float32 Dense, checked anyway, looks broken."""
    layer = Dense(4, 3, rng=rng)                      # float32
    x = rng.standard_normal((5, 4)).astype(np.float32)
    dout = rng.standard_normal((5, 3)).astype(np.float32)
    layer.forward(x)
    layer.backward(dout)
    numeric = numerical_gradient(lambda: float(np.sum(layer.forward(x) * dout)), layer.params["W"])
    assert rel_error(layer.grads["W"], numeric) > 100 * GRAD_TOL


def test_a_conv_without_input_gradient_is_checked_on_its_parameters(rng):
    layer = conv(Conv2D, rng, input_grad=False)
    errors = check_layer(layer, rng.standard_normal((2, 5, 6, 2)), rng=rng)
    assert set(errors) == {"W", "b"}
    assert max(errors.values()) < GRAD_TOL
