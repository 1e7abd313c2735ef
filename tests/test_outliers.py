"""The non-digit drawings of outlier exposure: every kind draws, reproducibly, as the app would,
each as often as its weight says."""
import numpy as np
import pytest

from numpy_cnn import outliers
from numpy_cnn.outliers import KINDS, WEIGHTS, outlier_bank, pick_kind, random_outlier
from numpy_cnn.pen import CANVAS


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_draws_ink_on_the_canvas(kind):
    rng = np.random.default_rng(0)
    for _ in range(5):
        image, drawn = random_outlier(rng, kind)
        pixels = np.asarray(image)
        assert drawn == kind and pixels.shape == (CANVAS, CANVAS)
        assert 0.002 < (pixels > 0).mean() < 0.6, "some ink, but not a filled canvas"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_reproducible_from_a_seed(kind):
    def three(seed):
        rng = np.random.default_rng(seed)
        return [np.asarray(random_outlier(rng, kind)[0]) for _ in range(3)]

    assert all(np.array_equal(a, b) for a, b in zip(three(7), three(7)))
    assert not all(np.array_equal(a, b) for a, b in zip(three(7), three(8)))


def test_the_weights_are_a_distribution_over_the_kinds_letters_first():
    assert tuple(WEIGHTS) == KINDS and len(set(KINDS)) == len(KINDS)
    assert all(callable(getattr(outliers, kind)) for kind in KINDS)
    assert all(w > 0 for w in WEIGHTS.values())
    assert sum(WEIGHTS.values()) == pytest.approx(1.0, abs=1e-12)
    assert max(WEIGHTS, key=WEIGHTS.get) == "letter"


def test_kinds_are_picked_as_often_as_their_weights():
    rng = np.random.default_rng(5)
    picks = [pick_kind(rng) for _ in range(20000)]
    for kind in KINDS:
        share = picks.count(kind) / len(picks)
        assert abs(share - WEIGHTS[kind]) < 4 * np.sqrt(WEIGHTS[kind] / len(picks)) + 1e-3, kind


def test_the_docstring_lists_every_kind_with_its_weight():
    doc = outliers.__doc__
    for kind, weight in WEIGHTS.items():
        assert kind in doc, kind
    for kind in ("letter", "doodle", "sign", "ringed", "crossed_out"):
        assert f"{kind}".ljust(13) + f"{WEIGHTS[kind]:.2f}" in doc, kind


def test_same_seed_same_drawings_other_seed_other_drawings():
    a = outlier_bank(20, np.random.default_rng(3))
    b = outlier_bank(20, np.random.default_rng(3))
    c = outlier_bank(20, np.random.default_rng(4))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("n", [0, 1, 30])
def test_bank_has_the_size_asked_for(n):
    bank = outlier_bank(n, np.random.default_rng(n))
    assert bank.shape == (n, 28, 28) and bank.dtype == np.uint8


def test_bank_looks_like_network_input():
    bank = outlier_bank(30, np.random.default_rng(1))
    assert np.all(bank.max(axis=(1, 2)) > 128), "every image has ink"
    # to_mnist puts the ink's centre of mass at the centre, as for a drawn digit.
    y, x = np.mgrid[0:28, 0:28]
    mass = bank.astype(float).sum(axis=(1, 2))
    rows = (bank * y).sum(axis=(1, 2)) / mass
    cols = (bank * x).sum(axis=(1, 2)) / mass
    assert np.all(np.abs(rows - 14) < 1.5) and np.all(np.abs(cols - 14) < 1.5)


def test_a_strike_out_crosses_the_whole_drawing():
    rng = np.random.default_rng(11)
    drawing = [[(50, 60), (90, 200)], [(120, 70), (100, 150)]]
    counts = set()
    for _ in range(20):
        struck = outliers.strike_out(drawing, rng)
        assert struck[:2] == drawing
        counts.add(len(struck) - 2)
        for line in struck[2:]:
            (xa, ya), (xb, yb) = line
            assert min(xa, xb) < 50 and max(xa, xb) > 120 and min(ya, yb) < 60 and max(ya, yb) > 200
    assert counts == {1, 2}, "a slash or an X"
