"""Tests of benchmarks.photo_sets: photos of digits on paper, each with the damage it claims.

How well the network reads them is the benchmark's business (benchmarks/handwriting.py); here,
what the pages are made of. Small sets only: a page takes a few milliseconds.
"""
import numpy as np
import pytest
from PIL import Image

from benchmarks import photo_sets as ps
from numpy_cnn import preprocess
from numpy_cnn.__main__ import read_digit
from numpy_cnn.data import load_mnist


@pytest.fixture(scope="module")
def mnist():
    _, _, x_test, y_test = load_mnist()
    return x_test[:200], y_test[:200]


@pytest.fixture(scope="module")
def photos(mnist):
    return ps.photo_set(*mnist, np.random.default_rng(0), per_damage=6)


def page_of(seed):
    return ps.draw_page(np.random.default_rng(seed))


def corners(pixels, size=8):
    """The mean grey of each corner's size x size patch: (4,) float."""
    return np.array([pixels[:size, :size].mean(), pixels[:size, -size:].mean(),
                     pixels[-size:, :size].mean(), pixels[-size:, -size:].mean()])


# ------------------------------------------------------------------ the sets

def test_photo_set_has_every_digit_under_every_damage(photos, mnist):
    k = len(ps.DAMAGES)
    assert len(photos) == 6 * k
    assert photos.kinds.tolist() == [d for d in ps.DAMAGES for _ in range(6)]
    groups = photos.labels.reshape(k, 6)
    assert (groups == groups[0]).all()                     # the same digits in every group
    assert (photos.seeds.reshape(k, 6) == photos.seeds[:6]).all()
    assert set(photos.manners) <= set(ps.INKS)
    assert groups[0].tolist() == mnist[1][np.linspace(0, 199, 6).round().astype(int)].tolist()


def test_photos_are_deterministic_given_the_generator(mnist):
    a = ps.photo_set(*mnist, np.random.default_rng(5), per_damage=3)
    b = ps.photo_set(*mnist, np.random.default_rng(5), per_damage=3)
    c = ps.photo_set(*mnist, np.random.default_rng(6), per_damage=3)
    assert np.array_equal(a.seeds, b.seeds) and not np.array_equal(a.seeds, c.seeds)
    for i in range(len(a)):
        assert np.array_equal(a.image(i), b.image(i)), a.kinds[i]
        assert np.array_equal(a.image(i), a.image(i))


def test_every_photo_is_a_grey_uint8_page_of_the_claimed_size(photos):
    for i in range(len(photos)):
        pixels = photos.image(i)
        page = page_of(int(photos.seeds[i]))
        assert pixels.dtype == np.uint8 and pixels.shape == page.shape, photos.kinds[i]
        assert ps.PAGE_SIDE[0] <= min(page.shape) and max(page.shape) < ps.PAGE_SIDE[1]


def test_subset_keeps_pages_and_labels_together(photos):
    part = photos.subset([7, 2])
    assert part.labels.tolist() == photos.labels[[7, 2]].tolist()
    assert part.kinds.tolist() == photos.kinds[[7, 2]].tolist()
    assert np.array_equal(part.image(0), photos.image(7))


def test_a_clean_page_is_paper_and_ink_of_the_page_s_greys(photos):
    for i in np.flatnonzero(photos.kinds == "clean"):
        page = page_of(int(photos.seeds[i]))
        pixels = photos.image(i).astype(float) / 255
        assert np.median(pixels) == pytest.approx(page.paper, abs=1 / 255)
        assert pixels.max() == pytest.approx(page.paper, abs=1 / 255)   # nothing lighter
        assert pixels.min() == pytest.approx(page.ink, abs=0.12)        # ink as dark as claimed
        dark = np.flatnonzero((pixels < (page.paper + page.ink) / 2).any(axis=1))
        assert 0.6 * page.height <= dark[-1] - dark[0] + 1 <= page.height + 1


def test_pencil_is_lighter_than_pen():
    assert max(ps.INK_GREY["pen"]) < min(ps.INK_GREY["pencil"]) < max(ps.INK_GREY["pencil"]) \
        < min(ps.PAPER)


def test_blank_pages_have_no_digit_and_the_clean_ones_no_ink():
    blanks = ps.blank_pages(np.random.default_rng(0), per_kind=3)
    assert len(blanks) == 3 * len(ps.BLANK_KINDS) and (blanks.labels == -1).all()
    assert blanks.kinds.tolist() == [k for k in ps.BLANK_KINDS for _ in range(3)]
    for i in np.flatnonzero(blanks.kinds == "clean"):
        with pytest.raises(preprocess.EmptyImageError):
            preprocess.to_mnist(blanks.image(i))
    shadowed = blanks.image(int(np.flatnonzero(blanks.kinds == "shadow")[0]))
    assert shadowed.min() < 0.7 * shadowed.max()           # the shadow is there


def test_a_photo_is_read_as_predict_reads_the_file(photos, tmp_path):
    i = int(np.flatnonzero(photos.kinds == "shadow")[0])
    path = tmp_path / "photo.png"
    Image.fromarray(photos.image(i)).save(path)
    assert np.array_equal(read_digit(path), preprocess.to_mnist(photos.image(i)))


# ------------------------------------------------------------------ each kind of damage

def test_the_same_page_under_each_damage_differs_only_by_it(photos):
    seed = int(photos.seeds[0])
    images = {str(k): photos.image(i) for i, k in enumerate(photos.kinds)
              if photos.seeds[i] == seed}
    assert list(images) == list(ps.DAMAGES)
    clean = images["clean"].astype(int)
    for damage, pixels in images.items():
        assert pixels.shape == clean.shape
        if damage != "clean":                  # a small turn changes only the digit's pixels
            change = np.abs(pixels.astype(int) - clean).mean()
            assert change > (0.05 if damage == "rotation" else 0.2), damage


def test_uneven_light_darkens_one_side_of_the_page():
    rng = np.random.default_rng(1)
    light = ps.uneven_light((300, 240), rng)
    assert light.dtype == np.float32 and light.max() == pytest.approx(1.0)
    assert 0.4 - 1e-6 <= light.min() <= 0.65 + 1e-6
    assert np.ptp(corners(light)) > 0.2                    # the corners differ
    # linear: the second difference along each axis is zero
    assert np.abs(np.diff(light, 2, axis=0)).max() < 1e-4
    assert np.abs(np.diff(light, 2, axis=1)).max() < 1e-4


def test_a_page_with_uneven_light_has_corners_of_different_greys(photos):
    for i in np.flatnonzero(photos.kinds == "uneven light"):
        assert np.ptp(corners(photos.image(i))) > 0.15 * 255
    for i in np.flatnonzero(photos.kinds == "clean"):
        page = photos.image(i)
        assert np.ptp(corners(page)) < 0.15 * 255 or page.min() < 100   # unless ink is there


def test_a_shadow_covers_part_of_the_page_with_a_soft_edge():
    rng = np.random.default_rng(2)
    for _ in range(5):
        factor = ps.shadow((300, 300), rng)
        dark = factor < 0.7
        assert 0.05 < dark.mean() < 0.95                   # part of the page, not all of it
        assert factor.min() < 0.66 and factor.max() > 0.97
        between = (factor > factor.min() + 0.05) & (factor < factor.max() - 0.05)
        assert between.any()                               # soft: greys between lit and shaded
        assert between.mean() < 0.3                        # but an edge, not a gradient


def test_ruled_lines_are_periodic_rows():
    rng = np.random.default_rng(3)
    paper = ps.ruled_lines((300, 200), 0.9, rng)
    rows = np.flatnonzero(paper[:, 0] < 0.9)
    assert (paper[rows] == paper[rows[0], 0]).all()        # whole rows, one grey
    starts = rows[np.r_[True, np.diff(rows) > 1]]
    spacing = np.diff(starts)
    assert len(starts) >= 9 and (spacing == spacing[0]).all() and 18 <= spacing[0] <= 32
    assert paper[rows[0], 0] <= 0.85 * 0.9 + 1e-6


def test_squared_paper_is_periodic_both_ways_with_one_spacing():
    rng = np.random.default_rng(4)
    paper = ps.squared_paper((250, 260), 0.9, rng)
    rows = np.flatnonzero((paper < 0.9).all(axis=1))
    cols = np.flatnonzero((paper < 0.9).all(axis=0))
    assert len(set(np.diff(rows))) == 1 and set(np.diff(rows)) == set(np.diff(cols))
    assert 12 <= np.diff(rows)[0] <= 24


def test_noise_and_specks_add_grain_and_dark_dots():
    rng = np.random.default_rng(5)
    flat = np.full((200, 200), 0.9, np.float32)
    noisy = ps.noise_and_specks(flat, rng)
    light = noisy > 0.7
    assert 0.015 < noisy[light].std() < 0.06               # sigma 0.02-0.05
    assert (~light).sum() >= 10                             # the specks
    assert (~light).mean() < 0.01                           # small ones


def test_jpeg_changes_pixels_a_little_and_keeps_the_page():
    rng = np.random.default_rng(6)
    grey = ps.write(page_of(0), ps.ink_mask(load_mnist()[2][0], 80), np.full((200, 240), 0.9,
                                                                              np.float32))
    pixels = ps.to_pixels(grey)
    stored = ps.jpeg(pixels, 10)
    assert stored.shape == pixels.shape and stored.dtype == np.uint8
    difference = np.abs(stored.astype(int) - pixels.astype(int))
    assert difference.max() > 10 and difference.mean() < 6
    assert not np.array_equal(ps.jpeg(pixels, 90), stored)


def major_axis_degrees(mask):
    """The angle in degrees between the ink's major axis and the vertical."""
    y, x = np.nonzero(mask > 0.5)
    cov = np.cov(np.vstack([x - x.mean(), y - y.mean()]))
    values, vectors = np.linalg.eigh(cov)
    vx, vy = vectors[:, -1]                                # the axis, pointing down
    if vy < 0:
        vx, vy = -vx, -vy
    return np.degrees(np.arctan2(vx, vy))


def test_rotation_turns_the_digit_by_the_angle():
    _, _, x_test, y_test = load_mnist()
    one = x_test[int(np.flatnonzero(y_test == 1)[0])]
    upright = major_axis_degrees(ps.ink_mask(one, 120))
    turned = major_axis_degrees(ps.ink_mask(one, 120, angle=10))
    assert abs(abs(turned - upright) - 10) < 2.5
    assert ps.ink_mask(one, 120, angle=10).shape[1] > ps.ink_mask(one, 120).shape[1]


def test_the_combination_has_every_damage(photos):
    for i in np.flatnonzero(photos.kinds == "combination"):
        pixels = photos.image(i)
        clean = photos.image(int(np.flatnonzero((photos.kinds == "clean")
                                                & (photos.seeds == photos.seeds[i]))[0]))
        assert np.ptp(corners(pixels)) > 5                 # light is uneven
        assert pixels.mean() < clean.mean() - 10           # and dimmer (light, shadow, lines)
        assert np.unique(pixels).size > np.unique(clean).size    # noise and JPEG
