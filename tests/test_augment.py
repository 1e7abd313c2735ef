"""Augmentation: right shapes and range, reproducible, really random, and still recognisable."""
import numpy as np
import pytest

from numpy_cnn.augment import affine_warp, augment_batch, change_thickness, filter3x3


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
    # ... and keeps most of its ink (no digit is wiped out or smeared over the whole image).
    ink_ratio = out.sum(axis=(1, 2)) / images.sum(axis=(1, 2))
    assert ink_ratio.min() > 0.3 and ink_ratio.max() < 2.5


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
