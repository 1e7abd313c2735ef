"""Tests of numpy_cnn.paper: a photo's shading, printed lines, noise and dust taken away.

Each step against a plain reference or a page made for it; to_mnist on whole photos, and drawings
coming out of it bit for bit as before these steps, are tested in tests/test_preprocess.py.
"""
import numpy as np
import pytest
from PIL import Image, ImageFilter

from benchmarks.handwriting_sets import draw_like_a_person
from numpy_cnn.data import load_mnist
from numpy_cnn.paper import (NOISE_GATE, divide_out_lines, drop_specks, label_components,
                             median_3x3, noise_level, paper_background, rank_filter)
from numpy_cnn.preprocess import INK_THRESHOLD, border, to_grey


@pytest.fixture(scope="module")
def mnist():
    """(x_train, y_train, x_test, y_test), read once for this file."""
    return load_mnist()


# ------------------------------------------------------------------ the paper's own level

def test_an_evenly_lit_page_keeps_one_paper_level():
    page = np.full((280, 280), 0.9, np.float32)                 # grey paper
    page[30:230, 200:212] = 0.0                                  # a black bar, like a "1"
    assert paper_background(page, 0.9, INK_THRESHOLD) == 0.9


def test_canvas_drawings_keep_one_paper_level_in_either_polarity(mnist):
    """Drawings on an evenly lit canvas, even thick and touching the edges, are read exactly as
    before the paper's local level existed: it is found flat, and the one level is used."""
    rng = np.random.default_rng(11)
    for digit in mnist[2][:400]:
        grey = to_grey(draw_like_a_person(digit, rng))
        if np.median(border(grey)) < 0.5:
            grey = 1 - grey                                      # dark ink on white paper
        paper = float(np.median(border(grey)))
        assert paper_background(grey, paper, INK_THRESHOLD) == paper


def test_rank_filter_is_pillows():
    rng = np.random.default_rng(0)
    for shape in [(96, 160), (10, 7), (1, 1), (3, 50)]:
        pixels = rng.random(shape).astype(np.float32)
        for size in (1, 3, 5, 9, 33, 49):
            for pick, pillow in ((np.maximum, ImageFilter.MaxFilter),
                                 (np.minimum, ImageFilter.MinFilter)):
                expected = np.asarray(Image.fromarray(pixels).filter(pillow(size)))
                np.testing.assert_array_equal(rank_filter(pixels, size, pick), expected)
    row = rng.random(40).astype(np.float32)                       # 1-D: a window of 5 values
    padded = np.pad(row, 2, mode="edge")
    expected = np.array([padded[i:i + 5].max() for i in range(40)])
    np.testing.assert_array_equal(rank_filter(row, 5, np.maximum), expected)


# ------------------------------------------------------------------ what is left of the paper

def test_a_drawn_bar_across_the_page_is_not_a_printed_line():
    """Three thin dark bars across a white page (a "three" drawn with rulers): dark, so ink."""
    ink = np.zeros((200, 200), np.float32)
    ink[[40, 100, 160], 5:195] = 1.0
    np.testing.assert_array_equal(divide_out_lines(ink), ink)
    faint = ink * np.float32(0.2)
    assert divide_out_lines(faint).max() < 0.01        # as faint as printed lines: divided out


def test_flat_paper_has_no_noise():
    rng = np.random.default_rng(4)
    drawing = np.zeros((280, 280), np.float32)
    drawing[50:200, 100:130] = 1.0
    assert noise_level(drawing) == 0.0
    noisy = drawing + rng.normal(0, 0.02, drawing.shape).astype(np.float32)
    assert noise_level(noisy) > NOISE_GATE


def test_median_3x3_is_the_median_of_each_3x3():
    rng = np.random.default_rng(1)
    for shape in [(30, 40), (3, 3), (1, 6)]:
        for pixels in (rng.random(shape).astype(np.float32),
                       (rng.integers(0, 3, shape) / 2).astype(np.float32)):      # with ties
            padded = np.pad(pixels, 1, mode="edge")
            expected = np.array([[np.median(padded[r:r + 3, c:c + 3]) for c in range(shape[1])]
                                 for r in range(shape[0])], np.float32)
            np.testing.assert_array_equal(median_3x3(pixels), expected)


def test_drop_specks_keeps_a_digits_pieces_and_drops_dust():
    ink = np.zeros((200, 200), np.float32)
    ink[50:150, 90:100] = 1.0                         # the digit's stem, 1,000 px of ink
    ink[40:45, 105:130] = 1.0                         # its flag, apart from it but near: kept
    ink[100:102, 95:97] = 0.0                         # (a hole changes nothing)
    ink[190:193, 5:8] = 1.0                           # a speck of dust far away
    ink[120:122, 102:104] = 0.8                       # a speck on the digit: dust all the same
    ink[5:25, 170:190] = 0.5                          # a heavy blot, far away
    expected = np.zeros_like(ink)
    expected[50:150, 90:100] = ink[50:150, 90:100]
    expected[40:45, 105:130] = 1.0
    np.testing.assert_array_equal(drop_specks(ink, INK_THRESHOLD), expected)
    one_piece = expected.copy()
    assert drop_specks(one_piece, INK_THRESHOLD) is one_piece    # nothing to drop: the same back


def flood_fill_labels(mask):
    """The plain reference for label_components: a flood fill from each unlabelled pixel, row
    by row, over the 8 neighbours."""
    h, w = mask.shape
    labels = np.zeros((h, w), np.int64)
    count = 0
    for y in range(h):
        for x in range(w):
            if mask[y, x] and not labels[y, x]:
                count += 1
                labels[y, x] = count
                todo = [(y, x)]
                while todo:
                    cy, cx = todo.pop()
                    for ny in range(max(cy - 1, 0), min(cy + 2, h)):
                        for nx in range(max(cx - 1, 0), min(cx + 2, w)):
                            if mask[ny, nx] and not labels[ny, nx]:
                                labels[ny, nx] = count
                                todo.append((ny, nx))
    return labels, count


def test_label_components_is_a_flood_fill():
    rng = np.random.default_rng(2)
    masks = [rng.random((40, 50)) < p for p in (0.1, 0.3, 0.5, 0.7)]
    masks += [np.eye(8, dtype=bool), np.eye(8, dtype=bool)[::-1], np.zeros((5, 5), bool),
              np.ones((1, 9), bool), np.ones((9, 1), bool)]
    u = np.zeros((10, 10), bool)                      # a U: joined only at its bottom row
    u[:, 0] = u[:, 9] = u[9] = True
    masks.append(u)
    for mask in masks:
        labels, count = label_components(mask)
        expected, expected_count = flood_fill_labels(mask)
        assert count == expected_count
        np.testing.assert_array_equal(labels, expected)
