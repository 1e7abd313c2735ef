"""app.closer: the closer look at one number of a conv map gives the numbers the network
computed, checked against plain loops and against the trace's own outputs."""
import numpy as np
import pytest

from numpy_cnn.app.closer import explain_pixel, source_pixel
from numpy_cnn.insight import trace
from numpy_cnn.paths import SHIPPED_WEIGHTS
from numpy_cnn.storage import load_digit_model


@pytest.fixture(scope="module")
def model():
    return load_digit_model(SHIPPED_WEIGHTS)


@pytest.fixture(scope="module")
def digit_trace(model):
    x = np.zeros((28, 28), np.float32)
    x[5:23, 12:16] = 1.0                     # a thick "1"
    x[5:8, 9:16] = 1.0
    return trace(model, x)


def plain_conv_number(x, w, b, i, j, f):
    """out[i, j, f] of a stride-1, unpadded convolution, by three loops."""
    total = float(b[f])
    for a in range(w.shape[0]):
        for bb in range(w.shape[1]):
            for c in range(w.shape[2]):
                total += float(x[i + a, j + bb, c]) * float(w[a, bb, c, f])
    return total


@pytest.mark.parametrize("name, f, row, col", [("conv1", 3, 10, 13), ("conv1", 0, 0, 0),
                                               ("conv2", 17, 4, 5), ("conv2", 63, 10, 10)])
def test_the_sum_is_the_networks_number(model, digit_trace, name, f, row, col):
    story = explain_pixel(model, digit_trace, name, f, row, col, count=4)
    conv = next(layer for layer in model.layers if layer.name == name)
    x = digit_trace.input_of(name)
    expected = plain_conv_number(x, conv.params["W"], conv.params["b"], row, col, f)
    assert story.total == pytest.approx(expected, abs=1e-4)
    assert story.total == pytest.approx(float(digit_trace.outputs[name][row, col, f]), abs=1e-4)
    assert story.bias + story.parts.sum() + story.rest == pytest.approx(story.total, abs=1e-9)
    np.testing.assert_allclose(story.products, story.window * story.kernel)
    np.testing.assert_allclose(story.parts, story.products.sum(axis=(0, 1)))
    assert len(story.channels) == min(4, x.shape[2])
    assert np.all(np.diff(story.parts) <= 0)                  # the ones that add the most first
    c = story.channels[0]
    np.testing.assert_array_equal(story.window[:, :, 0], x[row:row + 3, col:col + 3, c])
    np.testing.assert_array_equal(story.kernel[:, :, 0], conv.params["W"][:, :, c, f])


def test_pooling_and_relu_follow_the_network(model, digit_trace):
    for row in range(26):
        for col in (11, 12, 13, 14):
            story = explain_pixel(model, digit_trace, "conv1", 5, row, col)
            pool = story.pooling
            assert pool.layer == "pool1" and (pool.row, pool.col) == (row // 2, col // 2)
            assert pool.value == pytest.approx(digit_trace.outputs["pool1"][row // 2, col // 2, 5])
            assert story.relu == ("relu1", pytest.approx(max(0.0, pool.value)))
            assert story.is_winner == (story.total >= pool.value - 1e-6 and
                                       (pool.row * 2 + pool.winner[0],
                                        pool.col * 2 + pool.winner[1]) == (row, col))
    dropped = explain_pixel(model, digit_trace, "conv2", 0, 10, 3)   # pool2 drops row 10
    assert dropped.pooling is None and dropped.relu is None and not dropped.is_winner


def test_a_pooled_number_comes_from_its_winner(model, digit_trace):
    for name in ("pool1", "relu1"):
        conv, row, col = source_pixel(model, digit_trace, name, 7, 6, 6)
        assert conv == "conv1" and row // 2 == 6 and col // 2 == 6
        story = explain_pixel(model, digit_trace, conv, 7, row, col)
        assert story.is_winner
        assert story.total == pytest.approx(float(digit_trace.outputs["pool1"][6, 6, 7]), abs=1e-5)
    assert source_pixel(model, digit_trace, "conv2", 1, 2, 3) == ("conv2", 2, 3)
    with pytest.raises(ValueError):
        source_pixel(model, digit_trace, "dense1", 0, 0, 0)


def test_out_of_range_is_refused(model, digit_trace):
    for args in (("conv1", 32, 0, 0), ("conv1", 0, 26, 0), ("conv2", 0, 0, -1),
                 ("pool1", 0, 0, 0), ("nothing", 0, 0, 0)):
        with pytest.raises(ValueError):
            explain_pixel(model, digit_trace, *args)
