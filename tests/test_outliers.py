"""The non-digit drawings of outlier exposure: every kind draws, reproducibly, as the app would."""
import numpy as np
import pytest

from numpy_cnn.outliers import KINDS, outlier_bank, random_outlier
from numpy_cnn.pen import CANVAS


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_draws_ink_on_the_canvas(kind):
    rng = np.random.default_rng(0)
    for _ in range(5):
        image, drawn = random_outlier(rng, kind)
        pixels = np.asarray(image)
        assert drawn == kind and pixels.shape == (CANVAS, CANVAS)
        assert 0.002 < (pixels > 0).mean() < 0.6, "some ink, but not a filled canvas"


def test_same_seed_same_drawings_other_seed_other_drawings():
    a = outlier_bank(20, np.random.default_rng(3))
    b = outlier_bank(20, np.random.default_rng(3))
    c = outlier_bank(20, np.random.default_rng(4))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_bank_looks_like_network_input():
    bank = outlier_bank(30, np.random.default_rng(1))
    assert bank.shape == (30, 28, 28) and bank.dtype == np.uint8
    assert np.all(bank.max(axis=(1, 2)) > 128), "every image has ink"
    # to_mnist puts the ink's centre of mass at the centre, as for a drawn digit.
    y, x = np.mgrid[0:28, 0:28]
    mass = bank.astype(float).sum(axis=(1, 2))
    rows = (bank * y).sum(axis=(1, 2)) / mass
    cols = (bank * x).sum(axis=(1, 2)) / mass
    assert np.all(np.abs(rows - 14) < 1.5) and np.all(np.abs(cols - 14) < 1.5)
    # All kinds appear in a large enough bank.
    rng = np.random.default_rng(2)
    assert {random_outlier(rng)[1] for _ in range(200)} == set(KINDS)
