"""The non-digit drawings of outlier exposure: every kind draws, reproducibly, as the app would."""
import numpy as np
import pytest

from numpy_cnn.outliers import KINDS, outlier_bank, random_outlier
from numpy_cnn.pen import CANVAS, draw_strokes


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


def test_strokes_are_drawn_with_a_round_pen_of_the_given_width():
    image = np.asarray(draw_strokes([[(100, 140), (180, 140)]], width=20))
    assert image[140, 100:181].min() == 255                 # along the stroke
    assert image[140 - 9, 140] == 255 and image[140 - 12, 140] == 0   # 20 px wide
    assert image[140, 100 - 9] == 255                        # a round cap beyond the end point
    single = np.asarray(draw_strokes([[(50, 50)]], width=10))
    assert single[50, 50] == 255 and (single > 0).sum() < 120   # a dot
