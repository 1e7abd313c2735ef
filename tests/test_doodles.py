"""The doodles outlier exposure draws: every one draws in the unit box, reproducibly."""
import numpy as np
import pytest

from numpy_cnn import doodles


@pytest.mark.parametrize("thing", doodles.DOODLES, ids=lambda f: f.__name__)
def test_every_doodle_draws_reproducibly_in_the_unit_box(thing):
    def three(seed):
        rng = np.random.default_rng(seed)
        return [thing(rng) for _ in range(3)]

    for strokes in three(0):
        points = np.concatenate([np.asarray(stroke, float).reshape(-1, 2) for stroke in strokes])
        assert points.min() > -0.1 and points.max() < 1.1, "inside the unit box, nearly"
        assert np.ptp(points, axis=0).max() > 0.5, "not a speck"
    def flat(drawings):
        return np.concatenate([np.ravel(stroke) for strokes in drawings for stroke in strokes])

    a, b, c = flat(three(0)), flat(three(0)), flat(three(1))
    assert np.array_equal(a, b) and (a.shape != c.shape or not np.array_equal(a, c))

def test_no_doodle_is_a_lone_round_stroke():
    """A single closed round stroke is a 0: every doodle drawn as one stroke has corners."""
    rng = np.random.default_rng(2)
    for thing in doodles.DOODLES:
        for _ in range(10):
            strokes = thing(rng)
            if len(strokes) == 1:
                points = np.asarray(strokes[0])
                turns = np.diff(np.unwrap(np.arctan2(*np.diff(points, axis=0).T[::-1])))
                assert np.abs(turns).max() > np.radians(60), thing.__name__


def test_an_arrow_never_points_up_or_down():
    """Upright, an arrow is a 1 with a flag on each side."""
    rng = np.random.default_rng(3)
    for _ in range(300):
        (x0, y0), (x1, y1) = doodles.arrow(rng)[0]
        from_vertical = np.degrees(np.arctan2(abs(x1 - x0), abs(y1 - y0)))
        assert from_vertical > 34


def test_fruit_has_a_body_a_stem_and_a_leaf():
    rng = np.random.default_rng(4)
    for _ in range(20):
        body, stem, leaf = doodles.fruit(rng)
        body, stem, leaf = np.asarray(body), np.asarray(stem), np.asarray(leaf)
        assert np.allclose(body[0], body[-1]), "a closed body"
        assert stem[:, 1].min() < body[:, 1].min(), "the stem rises above the body"
        assert np.allclose(leaf[0], leaf[4]) and np.ptp(leaf[:, 0]) > 0.3, "a closed, large leaf"
        assert stem[0, 1] - stem[1, 1] >= 0.25, "a long stem"
