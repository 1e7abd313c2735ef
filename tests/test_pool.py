import numpy as np
import pytest

from conftest import assert_grads_match
from numpy_cnn.gradcheck import check_layer
from numpy_cnn.layers import MaxPool2D

# (N, H, W, C), pool, stride: odd sizes (leftover rows dropped), overlapping windows (stride 1).
CASES = [((2, 6, 8, 3), 2, None), ((3, 7, 5, 2), 2, None), ((2, 7, 9, 2), 3, 2), ((2, 5, 4, 3), 2, 1)]


def distinct_values(rng, shape):
    """Inputs with no ties and gaps far larger than the finite-difference step."""
    return rng.permutation(np.prod(shape)).reshape(shape) * 0.1


@pytest.mark.parametrize("shape,pool,stride", CASES)
def test_gradients(rng, shape, pool, stride):
    assert_grads_match(check_layer(MaxPool2D(pool, stride), distinct_values(rng, shape), rng=rng))


def test_one_winner_per_window_on_ties():
    x = np.ones((1, 4, 4, 2))
    layer = MaxPool2D(2)
    layer.forward(x)
    dx = layer.backward(np.ones((1, 2, 2, 2)))
    assert dx.sum() == 8                       # each of the 8 windows passes on exactly its 1
    assert np.all(dx[:, ::2, ::2, :] == 1)     # and the first element of each window wins


def test_overlapping_windows_add_gradients():
    layer = MaxPool2D(2, stride=1)
    x = np.array([[0.0, 5.0, 1.0], [0.0, 0.0, 0.0]]).reshape(1, 2, 3, 1)
    layer.forward(x)
    dx = layer.backward(np.array([2.0, 3.0]).reshape(1, 1, 2, 1))
    assert dx[0, 0, 1, 0] == 5.0               # the 5 wins both windows and collects both gradients
