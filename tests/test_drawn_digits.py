"""Pen-drawn training digits: every template draws, reproducibly, and reads as its digit; the
styles issue 22 names are there, and none is a copy of the styles benchmark's."""
import numpy as np
import pytest

import numpy_cnn
from benchmarks import handwriting_sets as hs
from numpy_cnn import drawn_digits
from numpy_cnn.drawn_digits import (TEMPLATES, drawn_digit_bank, fit, random_drawn_digit,
                                    style_names, to_corner)
from numpy_cnn.paths import SHIPPED_WEIGHTS
from numpy_cnn.pen import CANVAS, draw_strokes

# Issue 22, "every common style": the digit styles it names, as both the training templates and
# the styles benchmark call them.
ISSUE_STYLES = ["0 slashed", "0 dotted", "1 long flag and base", "2 with a loop", "4 open",
                "4 closed", "6 open loop", "7 crossed", "9 straight stem", "9 curved stem",
                "9 open loop"]


def points_of(strokes):
    return np.concatenate([np.asarray(s, float) for s in strokes])


def test_every_digit_has_named_templates_starting_with_the_digit():
    assert sorted(TEMPLATES) == list(range(10))
    for digit, styles in TEMPLATES.items():
        assert len(styles) >= 3 and style_names(digit) == list(styles)
        assert all(name.startswith(f"{digit} ") for name in styles)


def test_the_issues_styles_are_in_the_training_templates_and_in_the_benchmark():
    for name in ISSUE_STYLES:
        digit = int(name[0])
        assert name in TEMPLATES[digit], name
        assert hs.DIGIT_TEMPLATES[name][0] == digit, name


def test_no_training_template_is_a_benchmark_template():
    """Compared up to a shift (the two are written in boxes of different widths): the same
    strokes, point for point, would let the benchmark measure memory."""
    def normalised(strokes):
        strokes = [np.asarray(s, float) for s in strokes]
        low = points_of(strokes).min(axis=0)
        return [s - low for s in strokes]

    theirs = [normalised(strokes) for _, strokes in hs.DIGIT_TEMPLATES.values()]
    for digit, styles in TEMPLATES.items():
        for name, strokes in styles.items():
            mine = normalised(strokes)
            for other in theirs:
                same = (len(mine) == len(other)
                        and all(a.shape == b.shape and np.allclose(a, b, atol=1e-3)
                                for a, b in zip(mine, other)))
                assert not same, name


def test_every_template_draws_on_the_canvas_in_every_way():
    rng = np.random.default_rng(0)
    for digit in range(10):
        for name in style_names(digit):
            for _ in range(12):
                strokes, width = random_drawn_digit(digit, rng, style=name)
                assert 6 <= width <= 40
                points = points_of(strokes)
                assert np.all(points - width / 2 >= 0) and np.all(points + width / 2 <= CANVAS)
                assert (np.asarray(draw_strokes(strokes, width)) > 0).mean() > 0.002, name


def test_drawings_are_small_in_a_corner_or_fill_the_canvas_with_thin_and_heavy_pens():
    rng = np.random.default_rng(3)
    drawings = [random_drawn_digit(8, rng) for _ in range(400)]
    heights = np.array([np.ptp(points_of(s)[:, 1]) for s, _ in drawings])
    pens = np.array([w for _, w in drawings])
    cornered = [any(abs(edge) < 20 for edge in (*points_of(s).min(axis=0) - w / 2,
                                                *(CANVAS - points_of(s).max(axis=0) - w / 2)))
                and np.ptp(points_of(s)[:, 1]) < 95 for s, w in drawings]
    assert 0.05 < np.mean(heights > 225) < 0.2, "about 1 in 10 fills the canvas"
    assert 0.05 < np.mean(cornered) < 0.2, "about 1 in 10 is small, in a corner"
    assert pens.min() < 8 and pens.max() > 36


def test_slant_goes_both_ways():
    rng = np.random.default_rng(4)
    leans = []
    for _ in range(300):
        strokes, _ = random_drawn_digit(7, rng, style="7 plain")
        p = points_of(strokes)
        leans.append((p[-1, 0] - p[0, 0]) / np.ptp(p[:, 1]))
    # The foot is 0.35 box widths right of the bar's start unslanted (0.16 to 0.35 heights):
    # leaning right brings it left of the start, leaning left pushes it further right.
    assert min(leans) < -0.03 and max(leans) > 0.55


def test_fit_keeps_a_drawing_that_fits_and_shrinks_one_that_does_not():
    inside = [[(50.0, 60.0), (120.0, 200.0)]]
    assert fit(inside, pen=20) == [[(50.0, 60.0), (120.0, 200.0)]]
    fitted = points_of(fit([[(-40.0, 10.0), (330.0, 100.0)]], pen=20))
    assert fitted[:, 0].min() == pytest.approx(14) and fitted[:, 0].max() == pytest.approx(266)
    moved = points_of(fit([[(250.0, 10.0), (290.0, 30.0)]], pen=10))
    assert np.ptp(moved[:, 0]) == pytest.approx(40) and moved[:, 0].max() == pytest.approx(271)


def test_to_corner_puts_the_box_against_two_edges():
    rng = np.random.default_rng(0)
    for _ in range(8):
        p = points_of(to_corner([[(100.0, 100.0), (130.0, 150.0)]], rng, margin=5))
        low, high = p.min(axis=0), p.max(axis=0)
        for axis in (0, 1):
            assert np.isclose(low[axis], 5) or np.isclose(high[axis], CANVAS - 5)
        assert np.allclose(high - low, [30, 50])


def test_bank_is_reproducible_balanced_and_looks_like_network_input():
    a, labels = drawn_digit_bank(40, np.random.default_rng(5))
    b, _ = drawn_digit_bank(40, np.random.default_rng(5))
    c, _ = drawn_digit_bank(40, np.random.default_rng(6))
    assert a.shape == (40, 28, 28) and a.dtype == np.uint8
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.array_equal(np.bincount(labels), [4] * 10)
    assert np.all(a.max(axis=(1, 2)) > 128)


def test_a_drawing_is_reproducible_from_a_seed():
    for digit in range(10):
        first = random_drawn_digit(digit, np.random.default_rng(digit))
        again = random_drawn_digit(digit, np.random.default_rng(digit))
        assert first == again


def test_some_drawings_are_coarse_some_drawn_without_lifting_the_pen():
    rng = np.random.default_rng(1)
    drawings = [random_drawn_digit(7, rng, style="7 crossed")[0] for _ in range(600)]
    # Not coarse (1 - COARSE), then half keep their two strokes.
    lifted = (1 - drawn_digits.COARSE) / 2
    assert lifted - 0.05 < np.mean([len(d) == 2 for d in drawings]) < lifted + 0.05
    coarse = [d for d in drawings if len(d) == 1 and 6 <= len(d[0]) <= 12]
    assert drawn_digits.COARSE - 0.07 < len(coarse) / len(drawings) < drawn_digits.COARSE + 0.07


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
