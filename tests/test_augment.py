"""Augmentation: right shapes and range, reproducible, really random, and still recognisable."""
import numpy as np
import pytest

from numpy_cnn.augment import (affine_warp, augment_batch, change_thickness, elastic_displacement,
                               filter3x3, warp, warp_matrices)


def make_digits(n=32, seed=0):
    """Synthetic 'digits': a bright bar or ring of random size near the centre of a 28x28 image."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:28, 0:28]
    images = np.zeros((n, 28, 28), np.float32)
    for i in range(n):
        r = rng.uniform(4, 8)
        ring = np.abs(np.hypot(y - 14, x - 14) - r) < 1.3
        bar = (np.abs(x - 14 - (y - 14) * rng.uniform(-0.4, 0.4)) < 1.5) & (np.abs(y - 14) < 9)
        images[i] = ring if i % 2 else bar
    return images


def centre_of_mass(images):
    """(N, 2) centre of mass (row, column) of each (N, H, W) image."""
    y, x = np.mgrid[0:images.shape[1], 0:images.shape[2]]
    total = images.sum(axis=(1, 2))
    return np.stack([(images * y).sum(axis=(1, 2)) / total,
                     (images * x).sum(axis=(1, 2)) / total], axis=1)


@pytest.mark.parametrize("shape", [(16, 28, 28), (16, 28, 28, 1)])
def test_shape_dtype_and_range_are_kept(shape):
    images = make_digits(16).reshape(shape)
    out = augment_batch(images, np.random.default_rng(0))
    assert out.shape == shape and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert np.array_equal(images, make_digits(16).reshape(shape)), "the input must not change"


def test_same_seed_same_batch_and_other_seed_other_batch():
    images = make_digits()
    a = augment_batch(images, np.random.default_rng(7))
    b = augment_batch(images, np.random.default_rng(7))
    c = augment_batch(images, np.random.default_rng(8))
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_images_really_vary_but_stay_recognisable():
    images = np.repeat(make_digits(1), 64, axis=0)            # the same digit 64 times
    out = augment_batch(images, np.random.default_rng(1))
    assert not np.allclose(out, images)
    # Every copy comes out different from the others.
    flat = out.reshape(64, -1)
    distances = np.abs(flat[:, None] - flat[None]).sum(axis=2)
    assert (distances + np.eye(64) * 1e9).min() > 1.0
    # The digit stays in place, roughly: its centre of mass moves by a few pixels at most ...
    moved = np.hypot(*(centre_of_mass(out) - centre_of_mass(images)).T)
    assert moved.max() < 4.5 and moved.mean() > 0.5
    # ... and keeps most of its ink (no digit is wiped out or smeared over the whole image: a
    # full dilation of a 3 px bar doubles its ink, a zoom of 1.15 adds a third, no more).
    ink_ratio = out.sum(axis=(1, 2)) / images.sum(axis=(1, 2))
    assert ink_ratio.min() > 0.3 and ink_ratio.max() < 3.0


def test_identity_warp_leaves_images_unchanged():
    images = make_digits(4)
    out = affine_warp(images, np.zeros(4), np.ones(4), np.zeros((4, 2)))
    np.testing.assert_allclose(out, images, atol=1e-5)


def test_whole_pixel_shift_moves_the_image():
    images = make_digits(2)
    out = affine_warp(images, np.zeros(2), np.ones(2), np.array([[2.0, -3.0], [0.0, 1.0]]))
    np.testing.assert_allclose(out[0, 2:, :-3], images[0, :-2, 3:], atol=1e-5)
    np.testing.assert_allclose(out[1, :, 1:], images[1, :, :-1], atol=1e-5)
    assert np.all(out[0, :2] == 0) and np.all(out[0, :, -3:] == 0), "revealed border is background"


def test_quarter_turn_is_a_rot90():
    images = np.random.default_rng(0).random((3, 28, 28), dtype=np.float32)
    out = affine_warp(images, np.full(3, np.pi / 2), np.ones(3), np.zeros((3, 2)))
    rotated = np.rot90(images, axes=(1, 2))
    assert np.allclose(out, rotated, atol=1e-4) or np.allclose(out, np.rot90(rotated, 2, axes=(1, 2)), atol=1e-4)


def test_dilation_thickens_and_erosion_thins():
    images = make_digits(4)
    thicker = change_thickness(images, np.ones(4, np.float32))
    thinner = change_thickness(images, -np.ones(4, np.float32))
    assert np.array_equal(thicker, filter3x3(images, np.maximum))
    assert np.all(thicker >= images) and np.all(thinner <= images)
    assert thicker.sum() > 1.5 * images.sum() and thinner.sum() < 0.7 * images.sum()
    assert np.array_equal(change_thickness(images, np.zeros(4, np.float32)), images)


@pytest.mark.parametrize("reduce", [np.maximum, np.minimum])
def test_separable_filter_equals_the_plain_3x3_window(reduce):
    images = np.random.default_rng(3).random((5, 9, 7), dtype=np.float32)
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    expected = np.stack([padded[:, dy:dy + 9, dx:dx + 7] for dy in range(3) for dx in range(3)])
    expected = (expected.max(axis=0) if reduce is np.maximum else expected.min(axis=0))
    assert np.array_equal(filter3x3(images, reduce), expected)


def vertical_bar():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 4:24, 13:15] = 1.0
    return image


def column_of_ink(image, row):
    """Mean column of the ink in one row of a (28, 28) image."""
    return (image[row] * np.arange(28)).sum() / image[row].sum()


def test_positive_shear_leans_the_top_to_the_right():
    bar = vertical_bar()
    out = warp(bar, warp_matrices(np.zeros(1), np.ones(1), np.array([0.3]), np.ones(1)),
               np.zeros((1, 2)))[0]
    top, bottom = column_of_ink(out, 6), column_of_ink(out, 21)
    assert top - bottom == pytest.approx(0.3 * 15, abs=0.3)   # rows 15 apart, shear 0.3


def test_aspect_makes_digits_wider_or_narrower_keeping_their_area():
    ring = make_digits(2)[1:2]                              # a ring of radius 4 to 8
    wide = warp(ring, warp_matrices(np.zeros(1), np.ones(1), np.zeros(1), np.array([1.5])),
                np.zeros((1, 2)))[0]
    def extent(image, axis):
        ink = np.flatnonzero(image.max(axis=axis) > 0.5)
        return ink[-1] - ink[0]
    assert extent(wide, 0) > 1.15 * extent(ring[0], 0)         # wider ...
    assert extent(wide, 1) < 0.9 * extent(ring[0], 1)          # ... and lower
    assert wide.sum() == pytest.approx(ring.sum(), rel=0.1)    # about the same ink


def test_warp_matrices_compose_rotation_slant_and_stretch():
    angle, scale, shear, aspect = 0.3, 1.1, 0.2, 1.4
    a = warp_matrices(np.array([angle]), np.array([scale]), np.array([shear]), np.array([aspect]))[0]
    c, s = np.cos(angle), np.sin(angle)
    expected = scale * np.array([[c, -s], [s, c]]) @ np.array([[1, 0], [-shear, 1]]) \
        @ np.diag([aspect ** -0.5, aspect ** 0.5])
    np.testing.assert_allclose(a, expected)
    assert np.linalg.det(a) == pytest.approx(scale ** 2)      # shear and aspect keep the area


def test_elastic_fields_are_smooth_sized_and_only_where_asked():
    strength = np.array([0.0, 1.0, 2.0, 0.0])
    field = elastic_displacement((4, 28, 28), strength, np.random.default_rng(0))
    assert field.shape == (4, 2, 28, 28) and field.dtype == np.float32
    assert np.all(field[[0, 3]] == 0)
    np.testing.assert_allclose(field[1:3].std(axis=(1, 2, 3)), [1.0, 2.0], rtol=1e-4)
    # Smooth: neighbouring pixels move almost together, unlike independent noise.
    step = np.abs(np.diff(field[2], axis=2)).mean()
    assert step < 0.15 * np.abs(field[2]).mean()
    assert elastic_displacement((3, 28, 28), np.zeros(3), np.random.default_rng(0)) is None


def test_elastic_distortion_bends_strokes_but_keeps_the_digit_in_place():
    bar = np.repeat(vertical_bar(), 16, axis=0)
    field = elastic_displacement(bar.shape, np.full(16, 2.0), np.random.default_rng(4))
    out = warp(bar, warp_matrices(np.zeros(16), np.ones(16)), np.zeros((16, 2)), field)
    assert not np.allclose(out, bar)
    moved = np.hypot(*(centre_of_mass(out) - centre_of_mass(bar)).T)
    assert moved.max() < 4.0
    assert np.all(out.sum(axis=(1, 2)) > 0.6 * bar[0].sum())
