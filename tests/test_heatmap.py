"""app.heatmap: the heatmap of the 28x28 input lands on the right place of the drawing."""
import numpy as np
import pytest

from numpy_cnn.app.drawing import Drawing
from numpy_cnn.app.heatmap import ink_box, placement
from numpy_cnn.preprocess import to_mnist


def drawn(points, width, size=280):
    drawing = Drawing(size)
    drawing.begin_stroke(*points[0], width=width)
    for point in points[1:]:
        drawing.extend_stroke(*point)
    return np.asarray(drawing.image)


@pytest.mark.parametrize("points, width", [
    ([(70, 50), (210, 50), (120, 240)], 20),        # a 7 filling the canvas
    ([(20, 20), (60, 20), (35, 90)], 8),            # a small 7 in a corner
    ([(200, 60), (200, 250)], 30),                  # a thick 1 on the right: a tall, thin box
])
def test_the_input_lies_over_the_drawing(points, width):
    canvas = drawn(points, width)
    network_input = to_mnist(canvas)
    x0, y0, k = placement(canvas, network_input)
    top, left, bottom, right = ink_box(canvas, 64)
    t, l, b, r = ink_box(network_input, 1e-6)
    # the input's ink box, brought onto the canvas, is the canvas's ink box (within a pixel of
    # the input, the most that to_mnist's rounding and stroke adjustment can move it)
    for mapped, actual in ((y0 + t * k, top), (y0 + b * k, bottom), (x0 + l * k, left),
                           (x0 + r * k, right)):
        assert abs(mapped - actual) <= k, (mapped, actual, k)
    # and where the input has strong ink, so has the canvas
    for row, column in zip(*np.nonzero(network_input > 0.8)):
        y, x = int(y0 + (row + 0.5) * k), int(x0 + (column + 0.5) * k)
        near = canvas[max(0, y - int(k)):y + int(k) + 1, max(0, x - int(k)):x + int(k) + 1]
        assert near.max() == 255
