"""Drawing with a pen: the round pen, and the unit-box shape helpers."""
import numpy as np
import pytest

from numpy_cnn.pen import arc, draw_strokes, place, resample, rotate, slant


def test_strokes_are_drawn_with_a_round_pen_of_the_given_width():
    image = np.asarray(draw_strokes([[(100, 140), (180, 140)]], width=20))
    assert image[140, 100:181].min() == 255                 # along the stroke
    assert image[140 - 9, 140] == 255 and image[140 - 12, 140] == 0   # 20 px wide
    assert image[140, 100 - 9] == 255                        # a round cap beyond the end point
    single = np.asarray(draw_strokes([[(50, 50)]], width=10))
    assert single[50, 50] == 255 and (single > 0).sum() < 120   # a dot


def test_arc_goes_from_start_to_end_angle():
    points = arc(0.5, 0.5, 0.4, 0.2, 0, 90, samples=3)
    np.testing.assert_allclose(points, [(0.9, 0.5), (0.5 + 0.4 * np.cos(np.pi / 4),
                                                     0.5 + 0.2 * np.sin(np.pi / 4)), (0.5, 0.7)])


def test_resample_spaces_points_equally_and_keeps_the_ends():
    points = np.array(resample([(0, 0), (3, 0), (3, 1)], 5))    # a path of length 4
    np.testing.assert_allclose(points, [(0, 0), (1, 0), (2, 0), (3, 0), (3, 1)])
    assert resample([(2, 2), (2, 2)], 3) == [(2.0, 2.0)] * 3


def test_rotate_slant_and_place():
    np.testing.assert_allclose(rotate([[(1, 0.5)]], np.pi / 2), [[(0.5, 1)]], atol=1e-12)
    assert slant([[(0.5, 0), (0.5, 1)]], 0.2) == [[(0.6, 0), (0.4, 1)]]   # the top leans right
    placed = np.array(place([[(0, 0), (1, 1)]], np.random.default_rng(0), size=100, width=0.5,
                            jitter=0.0)[0])
    assert np.allclose(placed[1] - placed[0], (50, 100))
    assert np.all((placed >= 10) & (placed <= 270))
