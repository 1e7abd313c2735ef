"""numpy_cnn.pictures: colours and grids of maps, as the app and `explain` show them."""
import numpy as np
import pytest

from numpy_cnn import pictures


def test_signed_colours_black_at_zero_warm_up_cold_down():
    colours = pictures.colour_signed(np.array([-1.0, 0.0, 0.5, 1.0, 3.0]), limit=1.0)
    minus, zero, half, one, beyond = colours.astype(int)
    assert zero.max() <= 3                                   # black
    assert minus[2] > minus[0] and minus[2] > 200            # blue
    assert half[0] > 250 and 80 < half[1] < 160 and half[2] == 0   # orange
    assert (one == 255).all() and (beyond == one).all()      # white, saturated beyond the limit


def test_each_sign_on_its_own_scale():
    values = np.array([-10.0, -5.0, 0.0, 1.0, 2.0])
    negative, positive = pictures.sign_scales(values, percentile=100)
    assert (negative, positive) == (10.0, 2.0)
    colours = pictures.colour_layer(values)
    assert (colours[4] == pictures.colour_signed(1.0, 1.0)).all()      # the top positive: full
    assert (colours[0] == pictures.colour_signed(-0.5, 1.0)).all()     # negative: half bright
    assert pictures.sign_scales(np.zeros(3)) == (1.0, 1.0)


def test_mosaic_places_every_map_and_cell_at_finds_it():
    h, w, count, columns, zoom, gap = 3, 2, 7, 3, 2, 1
    rgb = np.zeros((h, w, count, 3), np.uint8)
    rgb[:, :, :, 0] = np.arange(count) * 10 + 5               # each map its own red level
    grid = pictures.mosaic(rgb, columns, zoom, gap)
    rows = 3
    assert grid.shape == (rows * (h * zoom + gap) - gap, columns * (w * zoom + gap) - gap, 3)
    for c in range(count):
        row, column = divmod(c, columns)
        top, left = row * (h * zoom + gap), column * (w * zoom + gap)
        assert (grid[top:top + h * zoom, left:left + w * zoom, 0] == c * 10 + 5).all()
        assert pictures.cell_at(left + 1, top + h * zoom - 1, (h, w, count), columns, zoom,
                                gap) == c
    assert (grid[h * zoom, 0] == pictures.BACKGROUND_RGB).all()                   # a gap
    assert pictures.cell_at(0, h * zoom, (h, w, count), columns, zoom, gap) is None
    assert pictures.cell_at(2 * (w * zoom + gap), 2 * (h * zoom + gap), (h, w, count), columns,
                            zoom, gap) is None                                   # no 9th map


@pytest.mark.parametrize("heat_value, colour", [(1.0, pictures.UP_RGB), (-1.0, pictures.DOWN_RGB)])
def test_heat_overlay_blends_by_sign_and_strength(heat_value, colour):
    image = np.full((2, 2), 1.0)
    heat = np.array([[0.0, heat_value], [heat_value / 2, 0.0]])
    rgb = pictures.heat_overlay(image, heat, limit=1.0).astype(float)
    np.testing.assert_allclose(rgb[0, 0], 0.6 * 255, atol=1)                # no heat: grey
    np.testing.assert_allclose(rgb[0, 1], 0.1 * 0.6 * 255 + 0.9 * colour, atol=1)
    np.testing.assert_allclose(rgb[1, 0], 0.5 * 0.6 * 255 + 0.5 * colour, atol=1)
    rgba = pictures.heat_rgba(heat, limit=1.0, opacity=0.5)
    assert rgba[0, 0, 3] == 0 and rgba[0, 1, 3] == 128 and (rgba[0, 1, :3] == colour).all()
