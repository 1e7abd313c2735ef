"""Every fast path equals its plain version in numpy_cnn.reference, forward and backward; and the
plain versions are themselves right (checked against central differences and by hand)."""
import numpy as np
import pytest

from numpy_cnn import Adam, build_reference_model, reference
from numpy_cnn.gradcheck import numerical_gradient, rel_error
from numpy_cnn.im2col import col2im, im2col, output_size
from numpy_cnn.layers import Conv2D, MaxPool2D, ReLU
from numpy_cnn.train import train_step

# (N, H, W, C), F, kernel, stride, padding: non-square images and kernels, stride 2 and 3,
# padding 1 and 2, a stride that leaves the last rows uncovered.
CONV_CASES = [
    ((2, 5, 7, 3), 4, 3, 1, 0),
    ((3, 7, 6, 2), 3, 3, 2, 1),
    ((2, 6, 5, 1), 2, (3, 2), 1, 1),
    ((2, 8, 9, 2), 3, (2, 3), 2, 0),
    ((1, 8, 7, 2), 2, 3, 3, 2),
]
# (N, H, W, C), pool, stride: leftover rows dropped, overlapping windows (stride < pool).
POOL_CASES = [((2, 6, 8, 3), 2, None), ((3, 7, 5, 2), 2, None), ((2, 7, 9, 2), 3, 2),
              ((2, 5, 4, 3), 2, 1), ((1, 6, 6, 2), 3, 1)]


def conv_layer(rng, shape, filters, k, stride, pad):
    layer = Conv2D(shape[3], filters, k, stride=stride, padding=pad, rng=rng, dtype=np.float64)
    layer.params["b"][:] = rng.standard_normal(filters)
    return layer


def with_ties(rng, shape):
    """Small integers, so that most pool windows hold their maximum twice or more; and whole
    windows of one number, as a conv gives over flat background (its bias, four times)."""
    x = rng.integers(0, 3, size=shape).astype(np.float64)
    x[:, :2, :2, :] = 0.0
    return x


@pytest.mark.parametrize("shape,filters,k,stride,pad", CONV_CASES)
def test_im2col_equals_plain(rng, shape, filters, k, stride, pad):
    kh, kw = (k, k) if np.isscalar(k) else k
    x = rng.standard_normal(shape)
    np.testing.assert_array_equal(im2col(x, kh, kw, stride, pad),
                                  reference.im2col(x, kh, kw, stride, pad))


@pytest.mark.parametrize("shape,filters,k,stride,pad", CONV_CASES)
def test_col2im_equals_plain(rng, shape, filters, k, stride, pad):
    """The fast col2im, fed one kernel offset at a time, against the plain one fed the matrix."""
    kh, kw = (k, k) if np.isscalar(k) else k
    n, h, w, c = shape
    ho, wo = output_size(h, kh, stride, pad), output_size(w, kw, stride, pad)
    cols = rng.standard_normal((n * ho * wo, kh * kw * c))
    blocks = cols.reshape(n, ho, wo, kh, kw, c)
    fast = col2im(lambda a, b: blocks[:, :, :, a, b, :], shape, kh, kw, stride, pad)
    np.testing.assert_allclose(fast, reference.col2im(cols, shape, kh, kw, stride, pad),
                               rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("shape,filters,k,stride,pad", CONV_CASES)
def test_plain_col2im_is_the_adjoint_of_plain_im2col(rng, shape, filters, k, stride, pad):
    """<im2col(x), c> == <x, col2im(c)> for every x and c."""
    kh, kw = (k, k) if np.isscalar(k) else k
    x = rng.standard_normal(shape)
    cols = reference.im2col(x, kh, kw, stride, pad)
    c = rng.standard_normal(cols.shape)
    assert np.sum(cols * c) == pytest.approx(
        np.sum(x * reference.col2im(c, shape, kh, kw, stride, pad)), rel=1e-12)


@pytest.mark.parametrize("shape,filters,k,stride,pad", CONV_CASES)
def test_conv_forward_equals_plain(rng, shape, filters, k, stride, pad):
    layer = conv_layer(rng, shape, filters, k, stride, pad)
    x = rng.standard_normal(shape)
    np.testing.assert_allclose(layer.forward(x), reference.conv_forward(
        x, layer.params["W"], layer.params["b"], stride, pad), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape,filters,k,stride,pad", CONV_CASES)
def test_conv_backward_equals_plain(rng, shape, filters, k, stride, pad):
    layer = conv_layer(rng, shape, filters, k, stride, pad)
    x = rng.standard_normal(shape)
    dout = rng.standard_normal(layer.forward(x).shape)
    dx = layer.backward(dout)
    plain = reference.conv_backward(dout, x, layer.params["W"], stride, pad)
    for name, fast, slow in zip(("dx", "dW", "db"), (dx, layer.grads["W"], layer.grads["b"]), plain):
        assert fast.shape == slow.shape, name
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("shape,filters,k,stride,pad", CONV_CASES[:3])
def test_plain_conv_backward_matches_central_differences(rng, shape, filters, k, stride, pad):
    layer = conv_layer(rng, shape, filters, k, stride, pad)
    W, b = layer.params["W"], layer.params["b"]
    x = rng.standard_normal(shape)
    dout = rng.standard_normal(reference.conv_forward(x, W, b, stride, pad).shape)
    f = lambda: float(np.sum(reference.conv_forward(x, W, b, stride, pad) * dout))
    dx, dW, db = reference.conv_backward(dout, x, W, stride, pad)
    for analytic, array in ((dx, x), (dW, W), (db, b)):
        assert rel_error(analytic, numerical_gradient(f, array)) < 1e-8


@pytest.mark.parametrize("shape,pool,stride", POOL_CASES)
@pytest.mark.parametrize("inputs", ["distinct", "ties"])
def test_max_pool_forward_and_backward_equal_plain(rng, shape, pool, stride, inputs):
    x = rng.standard_normal(shape) if inputs == "distinct" else with_ties(rng, shape)
    layer = MaxPool2D(pool, stride)
    out = layer.forward(x)
    np.testing.assert_array_equal(out, reference.max_pool_forward(x, pool, stride))
    dout = rng.standard_normal(out.shape)
    np.testing.assert_allclose(layer.backward(dout), reference.max_pool_backward(dout, x, pool, stride),
                               rtol=1e-12, atol=1e-15)   # overlaps: sums in another order


def test_plain_max_pool_by_hand():
    """A tie goes to the first element in row-major order; overlapping windows add up."""
    x = np.array([[1.0, 3.0, 3.0],
                  [3.0, 0.0, 2.0]]).reshape(1, 2, 3, 1)
    out = reference.max_pool_forward(x, 2, 1)
    assert out.ravel().tolist() == [3.0, 3.0]
    dx = reference.max_pool_backward(np.array([10.0, 1.0]).reshape(1, 1, 2, 1), x, 2, 1)
    assert dx[0, :, :, 0].tolist() == [[0.0, 11.0, 0.0],
                                       [0.0, 0.0, 0.0]]


def test_pooling_before_relu_equals_relu_before_pooling(rng):
    """The network pools before its ReLU: the same outputs and gradients, with 4x fewer ReLUs."""
    x = np.concatenate([rng.standard_normal((2, 6, 6, 3)), np.full((1, 6, 6, 3), -1.0),
                        with_ties(rng, (1, 6, 6, 3)) - 1.0])
    dout = rng.standard_normal((4, 3, 3, 3))
    pool_first, relu_after = MaxPool2D(2), ReLU()
    out_a = relu_after.forward(pool_first.forward(x))
    dx_a = pool_first.backward(relu_after.backward(dout))
    relu_first = ReLU()
    y = relu_first.forward(x)
    out_b = reference.max_pool_forward(y, 2)
    dx_b = relu_first.backward(reference.max_pool_backward(dout, y, 2))
    np.testing.assert_array_equal(out_a, out_b)
    np.testing.assert_array_equal(dx_a, dx_b)


def test_one_process_draws_the_dropout_masks_from_the_given_generator():
    model = build_reference_model(np.random.default_rng(0))
    x = np.random.default_rng(1).random((4, 28, 28, 1), dtype=np.float32)
    trainer = reference.OneProcess(model)
    runs = [trainer.loss_and_grads(x, np.arange(4), np.random.default_rng(seed))[2]["dense1.W"].copy()
            for seed in (5, 5, 6)]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_plain_train_step_equals_the_training_commands_step():
    """reference.train_step against train.train_step with the same model, batch and dropout mask."""
    models = [build_reference_model(np.random.default_rng(0), dtype=np.float64) for _ in range(2)]
    optimizers = [Adam(m.params) for m in models]
    data = np.random.default_rng(1)
    x, y = data.random((6, 28, 28, 1)), data.integers(0, 10, size=6)
    models[0].layers[-2].rng = np.random.default_rng(9)           # the dropout layer
    loss, logits = reference.train_step(models[0], optimizers[0], x, y)
    fast_loss, correct = train_step(reference.OneProcess(models[1]), optimizers[1], x, y,
                                    np.random.default_rng(9))
    assert fast_loss == loss and correct == np.sum(logits.argmax(axis=1) == y)
    for k, p in models[0].params.items():
        np.testing.assert_array_equal(models[1].params[k], p, err_msg=k)


def test_plain_train_step_learns(rng):
    """25 steps on one batch of noise drive its loss down: the step really trains."""
    model = build_reference_model(np.random.default_rng(0))
    x, y = rng.random((16, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, size=16)
    optimizer = Adam(model.params)
    losses = [reference.train_step(model, optimizer, x, y)[0] for _ in range(25)]
    assert np.mean(losses[-3:]) < 0.5 * losses[0]
