import numpy as np
import pytest

from conftest import assert_grads_match
from numpy_cnn.gradcheck import check_layer
from numpy_cnn.layers import Dropout


def fixed_mask_forward(layer, seed):
    """Re-seed the layer's generator before each call, so every forward draws the same mask."""
    def forward(x):
        layer.rng = np.random.default_rng(seed)
        return layer.forward(x, training=True)
    return forward


@pytest.mark.parametrize("shape,p_drop", [((4, 7), 0.5), ((2, 3, 5, 2), 0.25)])
def test_gradients_with_mask_fixed_by_the_generator(rng, shape, p_drop):
    layer = Dropout(p_drop)
    errors = check_layer(layer, rng.standard_normal(shape), rng=rng,
                         forward=fixed_mask_forward(layer, 7))
    assert_grads_match(errors)


def test_inverted_scaling_and_drop_rate():
    x = np.ones((1000, 100), np.float32)
    out = Dropout(p_drop=0.3, rng=np.random.default_rng(0)).forward(x, training=True)
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.7)}
    assert (out == 0).mean() == pytest.approx(0.3, abs=0.01)   # p_drop is the DROP probability
    assert out.mean() == pytest.approx(1.0, abs=0.01)          # expectation kept
    assert out.dtype == np.float32


def test_identity_at_inference_and_input_untouched(rng):
    x = rng.standard_normal((5, 6)).astype(np.float32)
    before = x.copy()
    layer = Dropout(0.5, rng=rng)
    assert np.array_equal(layer.forward(x, training=False), x)
    layer.forward(x, training=True)
    np.testing.assert_array_equal(x, before)


def test_backward_applies_the_forward_mask(rng):
    layer = Dropout(0.5, rng=rng)
    out = layer.forward(np.ones((8, 8)), training=True)
    dx = layer.backward(np.ones((8, 8)))
    np.testing.assert_array_equal(dx, out)


def test_same_seed_same_mask():
    x = np.ones((10, 10))
    a = Dropout(0.5, rng=np.random.default_rng(3)).forward(x, training=True)
    b = Dropout(0.5, rng=np.random.default_rng(3)).forward(x, training=True)
    np.testing.assert_array_equal(a, b)


def test_rejects_invalid_probability():
    with pytest.raises(ValueError, match="p_drop"):
        Dropout(1.0)
