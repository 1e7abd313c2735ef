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


def test_one_drawing_in_two_is_drawn_without_lifting_the_pen():
    rng = np.random.default_rng(1)
    strokes = [len(random_drawn_digit(7, rng)[0]) for _ in range(300)]
    # Template 2 of 3 for a 7 has two strokes; half of those are joined into one.
    assert 0.08 < np.mean(np.array(strokes) == 2) < 0.25


@pytest.mark.skipif(not SHIPPED_WEIGHTS.is_file(), reason="no shipped weights")
def test_the_drawings_are_digits_a_network_can_read():
    images, labels = drawn_digit_bank(200, np.random.default_rng(2))
    read = numpy_cnn.load(SHIPPED_WEIGHTS).predict(images)
    assert np.mean(read == labels) > 0.9
