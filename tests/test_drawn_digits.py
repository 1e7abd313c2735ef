"""Pen-drawn training digits: every template draws, reproducibly, and reads as its digit."""
import numpy as np
import pytest

import numpy_cnn
from numpy_cnn.drawn_digits import TEMPLATES, drawn_digit_bank, random_drawn_digit
from numpy_cnn.paths import SHIPPED_WEIGHTS
from numpy_cnn.pen import draw_strokes


def test_every_digit_has_templates_and_draws_on_the_canvas():
    rng = np.random.default_rng(0)
    assert sorted(TEMPLATES) == list(range(10))
    for digit in range(10):
        for _ in range(10):
            strokes, width = random_drawn_digit(digit, rng)
            assert 8 <= width <= 32
            points = np.concatenate([np.asarray(s) for s in strokes])
            assert np.all((points > -20) & (points < 300)), "on the canvas, up to a wobble"
            assert (np.asarray(draw_strokes(strokes, width)) > 0).mean() > 0.005


def test_bank_is_reproducible_balanced_and_looks_like_network_input():
    a, labels = drawn_digit_bank(40, np.random.default_rng(5))
    b, _ = drawn_digit_bank(40, np.random.default_rng(5))
    c, _ = drawn_digit_bank(40, np.random.default_rng(6))
    assert a.shape == (40, 28, 28) and a.dtype == np.uint8
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.array_equal(np.bincount(labels), [4] * 10)
    assert np.all(a.max(axis=(1, 2)) > 128)


def test_some_drawings_are_coarse_some_drawn_without_lifting_the_pen():
    rng = np.random.default_rng(1)
    drawings = [random_drawn_digit(7, rng)[0] for _ in range(600)]
    # Template 2 of 3 for a 7 has two strokes: 3/5 of those are not coarse, and of these half
    # keep their two strokes (1/3 * 3/5 * 1/2 = 1/10 of all drawings).
    assert 0.06 < np.mean([len(d) == 2 for d in drawings]) < 0.14
    coarse = [d for d in drawings if len(d) == 1 and 7 <= len(d[0]) <= 12]
    assert 0.3 < len(coarse) / len(drawings) < 0.5


@pytest.mark.skipif(not SHIPPED_WEIGHTS.is_file(), reason="no shipped weights")
def test_the_drawings_are_digits_a_network_can_read():
    images, labels = drawn_digit_bank(200, np.random.default_rng(2))
    read = numpy_cnn.load(SHIPPED_WEIGHTS).predict(images)
    assert np.mean(read == labels) > 0.9


def test_in_a_hand_draws_one_coarse_path_or_lifts_the_pen_as_asked():
    from numpy_cnn.drawn_digits import in_a_hand

    strokes = [[(0, 0), (1, 0)], [(0, 1), (1, 1)]]
    rng = np.random.default_rng(0)
    coarse = in_a_hand(strokes, rng, coarse=1.0)
    assert len(coarse) == 1 and 7 <= len(coarse[0]) <= 12
    assert len(in_a_hand(strokes, rng, coarse=0.0, joined=1.0)) == 1
    kept = in_a_hand(strokes, rng, coarse=0.0, joined=0.0, shear=(0.0, 0.0))
    assert [len(s) for s in kept] == [2, 2]
    assert np.allclose(np.asarray(kept), np.asarray(strokes), atol=0.05), "only a small wobble"
