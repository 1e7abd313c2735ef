import numpy as np
import pytest

from conftest import assert_grads_match
from numpy_cnn.gradcheck import check_layer
from numpy_cnn.layers import Conv2D

# (N, H, W, C), F, kernel, stride, padding: non-square images and kernels, stride 2, padding 1.
CASES = [
    ((2, 5, 7, 3), 4, 3, 1, 0),
    ((3, 7, 6, 2), 3, 3, 2, 1),
    ((2, 6, 5, 1), 2, (3, 2), 1, 1),
    ((2, 8, 9, 2), 3, (2, 3), 2, 0),
]


@pytest.mark.parametrize("shape,filters,k,stride,pad", CASES)
def test_gradients(rng, shape, filters, k, stride, pad):
    layer = Conv2D(shape[3], filters, k, stride=stride, padding=pad, rng=rng, dtype=np.float64)
    layer.params["b"][:] = rng.standard_normal(filters)
    errors = check_layer(layer, rng.standard_normal(shape), rng=rng)
    assert set(errors) == {"x", "W", "b"}
    assert_grads_match(errors)


def test_float32_stays_float32(rng):
    layer = Conv2D(1, 4, 3, rng=rng)
    x = rng.random((2, 8, 8, 1), dtype=np.float32)
    out = layer.forward(x, training=True)
    dx = layer.backward(np.ones_like(out))
    assert out.dtype == dx.dtype == layer.grads["W"].dtype == layer.grads["b"].dtype == np.float32


def test_wrong_channel_count_is_a_clear_error(rng):
    with pytest.raises(ValueError, match="expected 3 input channels, got 1"):
        Conv2D(3, 4, 3, rng=rng).forward(np.zeros((1, 5, 5, 1), np.float32))


def test_he_initialisation_scale():
    layer = Conv2D(32, 64, 3, rng=np.random.default_rng(0))
    assert layer.params["W"].shape == (3, 3, 32, 64)
    assert layer.params["W"].std() == pytest.approx(np.sqrt(2 / (9 * 32)), rel=0.05)
    assert not layer.params["b"].any()


def test_input_gradient_on_demand_for_a_first_layer(rng):
    """A layer built with input_grad=False gives its input gradient when asked, the same as a
    layer that computes it in backward, and leaves its parameter gradients alone."""
    x, dout = rng.standard_normal((2, 6, 5, 2)), rng.standard_normal((2, 4, 3, 3))
    first = Conv2D(2, 3, 3, input_grad=False, rng=rng, dtype=np.float64)
    inner = Conv2D(2, 3, 3, rng=rng, dtype=np.float64)
    inner.params["W"][...] = first.params["W"]
    first.forward(x)
    inner.forward(x)
    assert first.backward(dout) is None
    grads = {k: g.copy() for k, g in first.grads.items()}
    np.testing.assert_array_equal(first.input_gradient(dout), inner.backward(dout))
    assert all(np.array_equal(grads[k], first.grads[k]) for k in grads)
