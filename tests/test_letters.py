"""The letters outlier exposure draws: every letter but the digit look-alikes, in many hands."""
import string

import numpy as np
import pytest

from numpy_cnn.letters import LOOK_ALIKES, NARROWEST, TEMPLATES, drawn_letters, random_letter

from benchmarks.handwriting_sets import LOOK_ALIKES as BENCHMARK_LOOK_ALIKES


def test_every_letter_but_the_look_alikes_has_templates():
    assert set(TEMPLATES) == drawn_letters() == set(string.ascii_letters) - LOOK_ALIKES
    assert not set(TEMPLATES) & LOOK_ALIKES
    assert "Y" not in TEMPLATES and "C" in TEMPLATES and "y" in TEMPLATES
    assert all(len(variants) >= 1 for variants in TEMPLATES.values())


def test_the_look_alikes_are_those_the_benchmark_leaves_out():
    assert LOOK_ALIKES == set(BENCHMARK_LOOK_ALIKES)


def test_the_common_hand_shapes_have_more_than_one_template():
    for name in "CUuedLRpyrnhmFE":
        assert 2 <= len(TEMPLATES[name]) <= 3, name


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_templates_are_strokes_in_the_unit_box(name):
    for variant in TEMPLATES[name]:
        points = np.concatenate([np.asarray(stroke, float) for stroke in variant])
        assert points.shape[1] == 2 and all(len(stroke) >= 2 for stroke in variant)
        assert points.min() > -0.02 and points.max() < 1.02, "inside the unit box"
        assert np.ptp(points[:, 1]) > 0.5, "as tall as a letter"


@pytest.mark.parametrize("name", ["C", "c"])
def test_a_c_is_open_by_more_than_90_degrees(name):
    """Seen from the centre of its bounding box, the ends of a C are more than 90 degrees apart
    across its mouth (nearly closed, a C is an open 0)."""
    for (stroke,) in TEMPLATES[name]:
        points = np.asarray(stroke)
        centre = (points.min(axis=0) + points.max(axis=0)) / 2
        a, b = points[0] - centre, points[-1] - centre
        mouth = np.degrees(np.arccos(a @ b / np.linalg.norm(a) / np.linalg.norm(b)))
        assert mouth > 90, (name, mouth)
        assert points[0][0] > centre[0] and points[-1][0] > centre[0], "open to the right"


def test_random_letters_are_reproducible_and_cover_the_alphabet():
    def draw(seed, n=300):
        rng = np.random.default_rng(seed)
        return [random_letter(rng) for _ in range(n)]

    a, b = draw(1), draw(1)
    assert [name for _, name in a] == [name for _, name in b]
    assert all(np.allclose(np.concatenate(s), np.concatenate(t)) for (s, _), (t, _) in zip(a, b))
    assert {name for _, name in a} == set(TEMPLATES)
    assert [name for _, name in draw(2, 50)] != [name for _, name in a[:50]]


def test_no_letter_is_drawn_as_narrow_as_a_1():
    """The narrowest letters (f, t, r, L, F, E) stay wider than NARROWEST of their height, up to
    the slant and wobble, so none becomes a bar."""
    rng = np.random.default_rng(4)
    for _ in range(300):
        strokes, name = random_letter(rng)
        points = np.concatenate([np.asarray(s) for s in strokes])
        width, height = np.ptp(points, axis=0)
        assert width > 0.7 * NARROWEST * height, name


def test_round_letters_are_never_one_coarse_path():
    """Cut into 7 to 12 corners, a c, a u or an e is a coarse tablet's 0; other letters are."""
    from numpy_cnn.letters import ROUND

    rng = np.random.default_rng(6)
    few_points = {True: 0, False: 0}         # one path of at most 12 points, by roundness
    for _ in range(600):
        strokes, name = random_letter(rng)
        one_coarse_path = len(strokes) == 1 and len(strokes[0]) <= 12
        if one_coarse_path:
            few_points[name in ROUND] += 1
    assert few_points[True] == 0 and few_points[False] > 50
    assert ROUND <= set(TEMPLATES)
