import numpy as np

from conftest import assert_grads_match
from numpy_cnn.gradcheck import check_layer
from numpy_cnn.layers import Flatten, ReLU


def away_from_zero(rng, shape):
    """ReLU has a kink at 0; keep inputs far from it so finite differences stay on one side."""
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < 1e-2, 0.5, x)


def test_relu_gradients(rng):
    assert_grads_match(check_layer(ReLU(), away_from_zero(rng, (3, 4, 5, 2)), rng=rng))


def test_relu_forward_and_input_untouched(rng):
    x = rng.standard_normal((4, 5))
    before = x.copy()
    np.testing.assert_array_equal(ReLU().forward(x), np.where(x > 0, x, 0))
    np.testing.assert_array_equal(x, before)


def test_flatten_gradients_and_layout(rng):
    x = rng.standard_normal((2, 3, 4, 5))
    layer = Flatten()
    out = layer.forward(x)
    assert out.shape == (2, 60)
    np.testing.assert_array_equal(out[1, :5], x[1, 0, 0, :])   # NHWC: a pixel's channels together
    assert_grads_match(check_layer(layer, x, rng=rng))


def test_relu_passes_no_gradient_where_its_input_is_exactly_zero():
    """At 0 the kink has no derivative: any slope in [0, 1] is a subgradient, and the layer's
    documented convention is 0, which this holds it to (finite differences cannot tell, as
    they straddle the kink, so this is checked by hand). Exact zeros do occur: the biases start
    at 0, so a new conv layer's output over blank background is exactly 0."""
    layer = ReLU()
    layer.forward(np.array([[-1.0, 0.0, 2.0, 0.0]]))
    np.testing.assert_array_equal(layer.backward(np.array([[5.0, 6.0, 7.0, 8.0]])),
                                  [[0.0, 0.0, 7.0, 0.0]])
