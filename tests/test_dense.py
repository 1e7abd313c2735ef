import numpy as np
import pytest

from conftest import assert_grads_match
from numpy_cnn.gradcheck import check_layer
from numpy_cnn.layers import Dense


@pytest.mark.parametrize("n,d,h", [(3, 7, 5), (1, 4, 9), (6, 2, 3)])
def test_gradients(rng, n, d, h):
    layer = Dense(d, h, rng=rng, dtype=np.float64)
    layer.params["b"][:] = rng.standard_normal(h)
    assert_grads_match(check_layer(layer, rng.standard_normal((n, d)), rng=rng))


def test_forward_is_affine(rng):
    layer = Dense(4, 3, rng=rng, dtype=np.float64)
    x = rng.standard_normal((2, 4))
    np.testing.assert_allclose(layer.forward(x), x @ layer.params["W"] + layer.params["b"])


def test_wrong_input_width_is_a_clear_error(rng):
    with pytest.raises(ValueError, match=r"expected input \(N, 4\)"):
        Dense(4, 3, rng=rng).forward(np.zeros((2, 5), np.float32))


def test_glorot_initialisation_bounds():
    layer = Dense(128, 10, init="glorot", rng=np.random.default_rng(0))
    limit = np.sqrt(6 / 138)
    assert np.abs(layer.params["W"]).max() <= limit
    assert np.abs(layer.params["W"]).max() > 0.9 * limit
