"""Tests of numpy_cnn.preprocess: pictures of any size, colour and polarity become MNIST digits.

The accuracy test reads the shipped weights, weights/mnist_cnn.npz (or the file named by the
environment variable NUMPY_CNN_WEIGHTS), and the MNIST test set through numpy_cnn.data.
"""
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import numpy_cnn
from benchmarks.handwriting_sets import draw_like_a_person
from numpy_cnn.data import load_mnist
from numpy_cnn.preprocess import (MAX_STROKE, MNIST_CENTRE, EmptyImageError, stroke_width,
                                  to_mnist)

REPO = Path(__file__).resolve().parent.parent
WEIGHTS = Path(os.environ.get("NUMPY_CNN_WEIGHTS", REPO / "weights" / "mnist_cnn.npz"))
CANVAS = 280


# ------------------------------------------------------------------ helpers

def blank(value=0):
    """A (280, 280) uint8 canvas filled with value."""
    return np.full((CANVAS, CANVAS), value, np.uint8)


def outline(top, left, height, width, pen):
    """A (280, 280) uint8 canvas with a rectangle's outline drawn with a pen `pen` px wide."""
    image = blank()
    image[top:top + height, left:left + width] = 255
    image[top + pen:top + height - pen, left + pen:left + width - pen] = 0
    return image


def ink_box(image, level=0.5):
    """Inputs: image (H, W) float. Returns (height, width) of the pixels brighter than level."""
    rows = np.flatnonzero((image > level).any(axis=1))
    cols = np.flatnonzero((image > level).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def centre_of_mass(images):
    """Inputs: images (..., H, W) float. Returns (rows, columns) of their centres of mass."""
    rows, cols = np.indices(images.shape[-2:])
    mass = images.sum(axis=(-2, -1))
    return (images * rows).sum(axis=(-2, -1)) / mass, (images * cols).sum(axis=(-2, -1)) / mass


@pytest.fixture(scope="module")
def model():
    if not WEIGHTS.is_file():
        pytest.fail(f"{WEIGHTS} is missing: train it with `python -m numpy_cnn.train`")
    return numpy_cnn.load(WEIGHTS)


@pytest.fixture(scope="module")
def mnist():
    """(x_train, y_train, x_test, y_test), read once for this file."""
    return load_mnist()


@pytest.fixture
def vertical_bar():
    """A thin tall bar, like a "1": 200 px high, 12 px wide, off-centre."""
    image = blank()
    image[30:230, 200:212] = 255
    return image


# ------------------------------------------------------------------ size, place, strokes

def test_output_is_28x28_float32_in_unit_range(vertical_bar):
    out = to_mnist(vertical_bar)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() == pytest.approx(1.0)


@pytest.mark.parametrize("height, width", [(100, 40), (40, 100), (60, 60)])
def test_filled_rectangle_in_a_corner_lands_centred_with_longer_side_20(height, width):
    image = blank()
    image[5:5 + height, 230 - width:230] = 255
    out = to_mnist(image)
    assert max(ink_box(out)) == 20
    assert np.allclose(centre_of_mass(out), (14, 14), atol=0.5)


@pytest.mark.parametrize("height, width", [(200, 80), (80, 200)])
def test_outline_keeps_its_aspect_ratio(height, width):
    box_h, box_w = ink_box(to_mnist(outline(20, 30, height, width, pen=8)))
    assert (box_h, box_w) == pytest.approx((height / 10, width / 10), abs=1)


def test_tall_one_keeps_its_aspect_ratio(vertical_bar):
    box_h, box_w = ink_box(to_mnist(vertical_bar))
    assert box_h == 20 and box_w <= 2, "a thin vertical bar must stay thin, not be stretched"


def test_thick_pen_strokes_are_thinned_to_mnist_width():
    thick = to_mnist(outline(20, 30, 200, 150, pen=45))
    assert stroke_width(thick) <= MAX_STROKE + 0.5
    assert max(ink_box(thick)) == 20


def test_hair_thin_pen_strokes_are_thickened_to_mnist_width():
    hair = to_mnist(outline(20, 30, 200, 150, pen=2))       # 0.2 px once scaled down
    normal = to_mnist(outline(20, 30, 200, 150, pen=10))    # 1 px
    assert hair.sum() == pytest.approx(normal.sum(), rel=0.15)


def test_small_and_large_drawings_of_a_shape_look_the_same():
    small, large = blank(), blank()
    small[10:40, 10:20] = 255                        # 30 x 10 in the top-left corner
    large[40:250, 100:170] = 255                     # 210 x 70 in the middle
    assert np.abs(to_mnist(small) - to_mnist(large)).mean() < 0.02


# ------------------------------------------------------------------ input formats

def test_dark_ink_on_light_paper_gives_the_same_result(vertical_bar):
    assert np.allclose(to_mnist(255 - vertical_bar), to_mnist(vertical_bar), atol=1e-6)


def test_pil_float_and_uint8_inputs_agree(vertical_bar):
    expected = to_mnist(vertical_bar)
    assert np.allclose(to_mnist(Image.fromarray(vertical_bar)), expected, atol=1e-6)
    assert np.allclose(to_mnist(vertical_bar / 255.0), expected, atol=1e-6)


def test_colour_ink_on_colour_paper_reads_like_grey(vertical_bar):
    mask = vertical_bar > 0
    rgb = np.empty(mask.shape + (3,), np.uint8)
    rgb[...] = (250, 240, 200)                       # cream paper
    rgb[mask] = (20, 40, 160)                        # blue ink
    expected = to_mnist(vertical_bar)
    assert np.allclose(to_mnist(rgb), expected, atol=1e-5)
    assert np.allclose(to_mnist(Image.fromarray(rgb)), expected, atol=1e-5)


def test_dark_ink_on_transparent_background(vertical_bar):
    rgba = np.zeros(vertical_bar.shape + (4,), np.uint8)   # transparent black everywhere
    rgba[vertical_bar > 0, 3] = 255                        # opaque black strokes
    assert np.allclose(to_mnist(Image.fromarray(rgba)), to_mnist(vertical_bar), atol=1e-6)


@pytest.mark.parametrize("ink_rgb", [(255, 255, 255), (0, 0, 0), (200, 30, 30)],
                         ids=["white", "black", "red"])
def test_any_ink_on_a_transparent_background_is_read_by_its_opacity(vertical_bar, ink_rgb):
    rgba = np.zeros(vertical_bar.shape + (4,), np.uint8)   # transparent everywhere...
    rgba[:, :, :3] = 255 - np.array(ink_rgb, np.uint8)     # ...whatever colour it hides
    rgba[vertical_bar > 0] = (*ink_rgb, 255)               # opaque strokes
    assert np.allclose(to_mnist(Image.fromarray(rgba)), to_mnist(vertical_bar), atol=1e-6)


def test_transparent_pixels_on_an_opaque_page_are_paper(vertical_bar):
    rgba = np.full(vertical_bar.shape + (4,), 255, np.uint8)   # opaque white page
    rgba[vertical_bar > 0, :3] = 0                             # black strokes
    rgba[100:120, 20:60, 3] = 0                                # a see-through patch: paper
    assert np.allclose(to_mnist(Image.fromarray(rgba)), to_mnist(vertical_bar), atol=1e-6)


def save_and_open(pixels, path, mode=None):
    Image.fromarray(pixels, mode).save(path) if mode else Image.fromarray(pixels).save(path)
    return Image.open(path)


def test_16_bit_scan_keeps_its_mid_tones(vertical_bar, tmp_path):
    scan = np.where(vertical_bar > 0, 10000, 50000).astype(np.uint16)   # grey ink, grey paper
    image = save_and_open(scan, tmp_path / "scan.png")
    assert image.mode.startswith("I;16")
    assert np.allclose(to_mnist(image), to_mnist(vertical_bar), atol=1e-6)
    assert np.allclose(to_mnist(scan), to_mnist(vertical_bar), atol=1e-6)      # as an array


def test_32_bit_integer_grey_is_read(vertical_bar):
    image = Image.fromarray(np.where(vertical_bar > 0, 10000, 50000).astype(np.int32), "I")
    assert np.allclose(to_mnist(image), to_mnist(vertical_bar), atol=1e-6)


@pytest.mark.parametrize("scale", [1.0, 255.0])
def test_float_tiff_is_read(vertical_bar, tmp_path, scale):
    image = save_and_open((vertical_bar / 255.0 * scale).astype(np.float32), tmp_path / "f.tif")
    assert image.mode == "F"
    assert np.allclose(to_mnist(image), to_mnist(vertical_bar), atol=1e-6)


@pytest.mark.parametrize("shape", [(28,), (10, 10, 2), (0, 5)])
def test_malformed_arrays_are_refused(shape):
    with pytest.raises(ValueError, match="expected"):
        to_mnist(np.zeros(shape, np.uint8))


# ------------------------------------------------------------------ no digit

@pytest.mark.parametrize("value", [0, 255, 128])
def test_plain_image_is_empty(value):
    with pytest.raises(EmptyImageError, match="draw a digit"):
        to_mnist(blank(value))


def test_faint_noise_is_not_a_digit():
    rng = np.random.default_rng(0)
    noisy_black = rng.integers(0, 40, (CANVAS, CANVAS)).astype(np.uint8)   # up to 15% grey
    with pytest.raises(EmptyImageError):
        to_mnist(noisy_black)
    with pytest.raises(EmptyImageError):
        to_mnist(255 - noisy_black)


def test_empty_image_error_is_a_value_error():
    assert issubclass(EmptyImageError, ValueError)


# ------------------------------------------------------------------ MNIST itself

def test_an_mnist_digit_comes_back_almost_unchanged(mnist):
    digits = mnist[2][:200]
    out = np.stack([to_mnist(d) for d in digits])
    assert np.abs(out - digits / 255.0).mean() < 0.03


def test_mnist_centre_is_where_mnist_puts_the_centre_of_mass(mnist):
    rows, cols = centre_of_mass(mnist[0][:10000].astype(np.float64))
    assert np.allclose((rows.mean(), cols.mean()), MNIST_CENTRE, atol=0.05)


# ------------------------------------------------------------------ with the network

def test_digits_drawn_anywhere_at_any_size_are_read_as_well_as_mnist(model, mnist):
    _, _, x_test, y_test = mnist
    rng = np.random.default_rng(2024)
    pick = rng.choice(len(x_test), 1000, replace=False)
    digits, labels = x_test[pick], y_test[pick]
    accuracy_28 = (model.predict(digits / np.float32(255)) == labels).mean()
    canvases = [draw_like_a_person(d, rng) for d in digits]
    inputs = np.stack([to_mnist(c) for c in canvases])
    accuracy_canvas = (model.predict(inputs) == labels).mean()
    report = (f"accuracy on the same 1,000 test digits: {accuracy_28:.1%} at 28x28, "
              f"{accuracy_canvas:.1%} drawn on a 280x280 canvas through to_mnist")
    print(report)
    assert accuracy_canvas >= 0.985, report


# ------------------------------------------------------------------ unevenly lit paper (issue 23)

def shaded(page):
    """A (280, 280) page in [0, 1] with its left half in a soft shadow (35% of the light)."""
    columns = np.arange(CANVAS)
    light = 0.35 + 0.65 / (1 + np.exp(-(columns - CANVAS / 2) / 10))
    return (page * light[None, :] * 255).astype(np.uint8)


@pytest.mark.parametrize("page", [
    np.tile(np.linspace(80, 255, CANVAS), (CANVAS, 1)).astype(np.uint8),      # the issue's
    np.tile(np.linspace(255, 80, CANVAS), (CANVAS, 1)).T.astype(np.uint8),   # top to bottom
    shaded(np.ones((CANVAS, CANVAS), np.float32)),                            # a shadow's edge
], ids=["ramp", "ramp-down", "shadow"])
def test_a_blank_page_lit_unevenly_is_blank(page):
    with pytest.raises(EmptyImageError):
        to_mnist(page)


def test_digits_on_a_page_half_in_shadow_are_read(model, mnist):
    digits, labels = mnist[2][:100], mnist[3][:100]
    pages = []
    for digit in digits:
        enlarged = np.asarray(Image.fromarray(digit).resize((200, 200), Image.Resampling.BILINEAR))
        page = np.ones((CANVAS, CANVAS), np.float32)
        page[40:240, 40:240] = 1 - enlarged / np.float32(255)     # dark ink on white paper
        pages.append(to_mnist(shaded(page)))
    p = model.predict_proba(np.stack(pages))
    read = (p.argmax(axis=1) == labels) & (p.max(axis=1) >= 0.5)
    assert read.mean() >= 0.95, f"{read.mean():.0%} read right"


# ------------------------------------------------------------------ drawings as they always were

def old_ink_from_background(grey):
    """ink_from_background as it was before the photo steps (issue 22), a plain copy: the
    border's median is the paper; light paper gets the closing's level if it is uneven. Pillow's
    MaxFilter and MinFilter are rank_filter here (tests/test_paper.py checks they are the
    same), else each light drawing would take 60 ms."""
    from numpy_cnn.paper import rank_filter
    from numpy_cnn.preprocess import INK_THRESHOLD, border
    paper = float(np.median(border(grey)))
    if paper <= 0.5:
        return np.clip((grey - paper) / (1.0 - paper), 0.0, 1.0)
    h, w = grey.shape
    scale = min(1.0, 64 / min(h, w))
    small = np.asarray(Image.fromarray(grey).resize(
        (max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BOX))
    padded = np.pad(small, 16, mode="reflect", reflect_type="odd")
    closed = rank_filter(rank_filter(padded, 33, np.maximum), 33, np.minimum)[16:-16, 16:-16]
    if np.abs(closed - paper).max() >= INK_THRESHOLD / 2 * paper:
        background = np.asarray(Image.fromarray(closed).resize((w, h), Image.Resampling.BILINEAR))
        paper = np.maximum(background, np.float32(1 / 255))
    return np.clip((paper - grey) / paper, 0.0, 1.0)


def old_to_mnist(image):
    """to_mnist before the photo steps: old_ink_from_background, then the same steps as ever."""
    from numpy_cnn import preprocess as p
    ink = old_ink_from_background(p.to_grey(image))
    if ink.max() < p.INK_THRESHOLD:
        raise EmptyImageError()
    work = p.fit_in_box(p.crop_to_ink(ink), p.DIGIT_BOX * p.WORK_SCALE)
    work = p.adjust_stroke_width(work, p.MIN_STROKE * p.WORK_SCALE, p.MAX_STROKE * p.WORK_SCALE)
    return p.place_by_centre_of_mass(p.fit_in_box(work, p.DIGIT_BOX), p.MNIST_SIZE, p.MNIST_CENTRE)


def white_ink_along_the_edges(rng):
    """A black canvas with white strokes running along its edges: over a quarter of its border
    is ink (the lighter quarter of the border is light, yet this is a black ground)."""
    image = blank()
    pen = int(rng.integers(8, 30))
    image[:pen, :int(rng.integers(150, 280))] = 255
    image[:, :pen][:int(rng.integers(150, 280))] = 255
    image[100:180, 100:120] = 255
    return image


def test_canvas_drawings_come_out_bit_identical_to_before_the_photo_steps(mnist):
    """The training banks and every stroke-drawn set go through to_mnist: on the app's flat
    canvas, black or white, the photo steps must change nothing at all."""
    rng = np.random.default_rng(22)
    drawings = [draw_like_a_person(d, rng) for d in mnist[2][:300]]     # half dark on light
    drawings += [white_ink_along_the_edges(rng) for _ in range(10)]
    light = 0
    for drawing in drawings:
        light += np.median(drawing) > 127
        np.testing.assert_array_equal(to_mnist(drawing), old_to_mnist(drawing))
    assert light > 100                      # both polarities were tried


# ------------------------------------------------------------------ photos of paper (issue 22)

def written(digit, shape=(300, 300), top=60, left=80, height=160, paper=0.85, ink=0.1):
    """An MNIST digit written on a page: (H, W) float32 grey, dark ink on light paper."""
    cover = np.asarray(Image.fromarray(digit).resize((height, height), Image.Resampling.BICUBIC),
                       np.float32) / np.float32(255)
    page = np.full(shape, paper, np.float32)
    window = page[top:top + height, left:left + height]
    window += (ink - window) * np.clip(cover, 0, 1)
    return page


def to_pixels(page):
    return np.rint(np.clip(page, 0, 1) * 255).astype(np.uint8)


def read_right(model, pages, labels):
    p = model.predict_proba(np.stack([to_mnist(page) for page in pages]))
    return ((p.argmax(axis=1) == labels) & (p.max(axis=1) >= 0.5)).mean()


def test_a_sharp_shadow_edge_beside_a_digit_at_the_page_edge_is_not_ink(model, mnist):
    """A shadow over the page's top left, its diagonal edge 2 px soft, the digit in it, in the
    corner, touching two edges of the page: the finer closing, repeating the edge pixels,
    keeps the shadow's edge out of the ink (the coarse one, with a point reflection, read none
    of these digits right: the edge came out as a stroke across the digit's box)."""
    digits, labels = mnist[2][:60], mnist[3][:60]
    rows, columns = np.indices((300, 300))
    light = 1.0 - 0.5 / (1 + np.exp((rows + columns - 250) / 2.0))
    pages = [to_pixels(written(d, top=0, left=0, height=150) * light) for d in digits]
    assert read_right(model, pages, labels) >= 0.95


def test_a_page_mostly_in_shadow_is_light_paper(model, mnist):
    """Over half the border in a deep shadow (its median under 0.5): still dark ink on light
    paper, not light ink on a dark ground."""
    digits, labels = mnist[2][:40], mnist[3][:40]
    rows = np.arange(300)
    light = 1.0 - 0.55 / (1 + np.exp((rows - 190) / 4.0))                # shadow above row 190
    pages = [to_pixels(written(d, top=10, left=70, height=80) * light[:, None]) for d in digits]
    from numpy_cnn.preprocess import border
    assert np.median(border(pages[0])) < 127
    assert read_right(model, pages, labels) >= 0.95


def ruled(shape, paper=0.85, spacing=20, darkness=0.72):
    """Ruled paper: a 2 px line every `spacing` rows, `darkness` times the paper's grey."""
    page = np.full(shape, paper, np.float32)
    page[(np.arange(shape[0]) % spacing) < 2] *= darkness
    return page


def test_ruled_lines_are_divided_out(model, mnist):
    """Lines as dark as ink (0.28 of the paper's level, over INK_THRESHOLD) across the page:
    divided out, the digit comes out as it does from plain paper (without, its box would be
    the whole page: the outputs differ by 0.11 on average)."""
    digits, labels = mnist[2][:60], mnist[3][:60]
    pages, plain = [], []
    for digit in digits:
        cover = written(digit, height=120, top=90, left=90, paper=1.0, ink=0.0)  # 1 - coverage
        pages.append(to_pixels(ruled((300, 300)) * cover + 0.1 * (1 - cover)))
        plain.append(to_pixels(np.float32(0.85) * cover + 0.1 * (1 - cover)))
    difference = np.mean([np.abs(to_mnist(a) - to_mnist(b)).mean() for a, b in zip(pages, plain)])
    assert difference < 0.01
    assert read_right(model, pages, labels) >= 0.95


def specked(page, rng, specks=30):
    """A page with sensor noise (sigma 0.04) and dark specks of dust 2-4 px across."""
    page = page + rng.normal(0, 0.04, page.shape).astype(np.float32)
    for _ in range(specks):
        y, x = rng.integers(0, page.shape[0] - 4), rng.integers(0, page.shape[1] - 4)
        size = int(rng.integers(2, 5))
        page[y:y + size, x:x + size] = 0.2
    return page


def test_noise_and_specks_far_from_the_digit_are_dropped(model, mnist):
    rng = np.random.default_rng(3)
    digits, labels = mnist[2][:60], mnist[3][:60]
    pages = [to_pixels(specked(written(d, height=100, top=100, left=100), rng)) for d in digits]
    assert read_right(model, pages, labels) >= 0.95


def test_a_grainy_pencil_digit_under_noise_keeps_its_strokes(mnist):
    """Pencil (grey 0.45, its cover grainy) under sensor noise: the median keeps the strokes
    whole, so the digit comes out close to the noiseless page's (without it: 0.037 apart)."""
    rng = np.random.default_rng(5)
    differences = []
    for digit in mnist[2][:30]:
        cover = np.asarray(Image.fromarray(digit).resize((100, 100), Image.Resampling.BICUBIC),
                           np.float32) / np.float32(255)
        cover = np.clip(cover, 0, 1) * rng.uniform(0.7, 1.0, cover.shape).astype(np.float32)
        page = np.full((300, 300), 0.85, np.float32)
        window = page[100:200, 100:200]
        window += (0.45 - window) * cover
        noisy = page + rng.normal(0, 0.04, page.shape).astype(np.float32)
        differences.append(np.abs(to_mnist(to_pixels(noisy)) - to_mnist(to_pixels(page))).mean())
    assert np.mean(differences) < 0.03
