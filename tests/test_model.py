import numpy as np
import pytest

from numpy_cnn import Adam, build_reference_model, softmax_cross_entropy
from numpy_cnn.gradcheck import numerical_gradient, rel_error
from numpy_cnn.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU
from numpy_cnn.model import Sequential

# Tolerance for the whole network: 1e-6, ten times looser than for one layer. Eleven layers of
# float64 rounding add up, and a finite-difference step can move an activation across a ReLU kink
# or flip a max-pool winner, which spoils that one numerical derivative. A wrong backward gives
# errors of 1e-2 and more, so 1e-6 still separates right from wrong by four orders of magnitude.
NET_TOL = 1e-6


def fixed_mask_logits(model, x, seed=5):
    """Forward in training mode with the dropout mask fixed by re-seeding its generator."""
    next(l for l in model.layers if l.name == "dropout").rng = np.random.default_rng(seed)
    return model.forward(x, training=True)


def test_reference_architecture_shapes():
    model = build_reference_model(np.random.default_rng(0))
    shapes = {k: p.shape for k, p in model.params.items()}
    assert shapes == {"conv1.W": (3, 3, 1, 32), "conv1.b": (32,), "conv2.W": (3, 3, 32, 64),
                      "conv2.b": (64,), "dense1.W": (1600, 128), "dense1.b": (128,),
                      "dense2.W": (128, 10), "dense2.b": (10,)}
    assert sum(p.size for p in model.params.values()) == 225_034   # as Keras' model.summary()
    assert all(p.dtype == np.float32 for p in model.params.values())


@pytest.mark.parametrize("size", [28, 26], ids=["28x28", "the 26x26 DataParallel trains on"])
def test_whole_network_gradients_float64(size):
    """Every parameter tensor: all entries of the small ones, a sample of the large ones, plus
    directional derivatives along random directions, which involve every entry at once."""
    rng = np.random.default_rng(42)
    model = build_reference_model(rng, dtype=np.float64)
    for name, p in model.params.items():
        if name.endswith(".b"):
            p[...] = 0.1 * rng.standard_normal(p.shape)
    x, y = rng.random((3, size, size, 1)), np.array([3, 1, 7])
    loss = lambda: softmax_cross_entropy(fixed_mask_logits(model, x), y)[0]
    model.backward(softmax_cross_entropy(fixed_mask_logits(model, x), y)[1])
    grads = {k: g.copy() for k, g in model.grads.items()}
    assert set(grads) == set(model.params)
    h = 1e-6
    for name, p in model.params.items():
        g = grads[name]
        idx = list(np.ndindex(p.shape))
        if len(idx) > 400:
            idx = [idx[i] for i in rng.choice(len(idx), 400, replace=False)]
        numeric = numerical_gradient(loss, p, h=h, indices=idx)
        picked = np.array([g[i] for i in idx]), np.array([numeric[i] for i in idx])
        assert rel_error(*picked) < NET_TOL, name
        for _ in range(3):
            d = rng.standard_normal(p.shape)
            d /= np.linalg.norm(d)          # a unit step: no single entry moves by more than h
            p += h * d
            up = loss()
            p -= 2 * h * d
            down = loss()
            p += h * d
            assert rel_error((up - down) / (2 * h), np.sum(g * d)) < NET_TOL, name


def test_predict_accepts_plain_images_in_every_layout():
    model = build_reference_model(np.random.default_rng(0))
    images = np.random.default_rng(1).random((5, 28, 28), dtype=np.float32)
    p = model.predict_proba(images)
    assert p.shape == (5, 10) and p.dtype == np.float32
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(model.predict_proba(images[..., None]), p)
    np.testing.assert_allclose(model.predict_proba(images[0]), p[:1], rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(model.predict(images), p.argmax(axis=1))
    as_bytes = (images * 255).round().astype(np.uint8)
    np.testing.assert_allclose(model.predict_proba(as_bytes), p, atol=1e-3)


def test_predict_in_batches_equals_all_at_once():
    model = build_reference_model(np.random.default_rng(0))
    images = np.random.default_rng(1).random((23, 28, 28), dtype=np.float32)
    np.testing.assert_allclose(model.predict_proba(images, batch_size=5),
                               model.predict_proba(images, batch_size=100), rtol=1e-5, atol=1e-7)


def test_predict_rejects_wrong_shapes():
    model = build_reference_model(np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"expected images of shape \(N, 28, 28\)"):
        model.predict(np.zeros((2, 32, 32), np.float32))


def two_class_images(rng, n):
    """MNIST-like 28x28 images: class 0 a vertical bar, class 1 a horizontal bar, placed at random,
    on a noisy background."""
    x = rng.random((n, 28, 28), dtype=np.float32) * 0.2
    y = rng.integers(0, 2, size=n)
    pos = rng.integers(6, 18, size=n)
    for i in range(n):
        if y[i] == 0:
            x[i, 4:24, pos[i]:pos[i] + 4] = 1.0
        else:
            x[i, pos[i]:pos[i] + 4, 4:24] = 1.0
    return x[..., None], y


def test_training_drives_the_loss_down():
    rng = np.random.default_rng(0)
    model = build_reference_model(rng)
    x, y = two_class_images(rng, 512)
    opt = Adam(model.params)
    losses = []
    for epoch in range(2):
        for i in range(0, 512, 32):
            loss, dlogits = softmax_cross_entropy(model.forward(x[i:i + 32], training=True),
                                                  y[i:i + 32])
            model.backward(dlogits)
            opt.step(model.grads)
            losses.append(loss)
    assert np.mean(losses[:4]) > 0.4
    assert np.mean(losses[-4:]) < 0.05
    x_new, y_new = two_class_images(rng, 100)
    assert (model.predict(x_new) == y_new).mean() > 0.95


def test_shapes_are_those_the_layers_produce(rng):
    model = Sequential([Conv2D(3, 4, 3, stride=2, padding=1, name="c", rng=rng),   # (9, 8, 4)
                        MaxPool2D(2, name="p"), ReLU(name="r"), Flatten(name="f"),   # (64,)
                        Dense(64, 5, name="d", rng=rng)],
                       input_shape=(17, 15, 3))
    x = rng.random((2, 17, 15, 3), dtype=np.float32)
    produced = [x.shape[1:]]
    for layer in model.layers:
        x = layer.forward(x)
        produced.append(x.shape[1:])
    assert model.shapes() == produced and model.output_shape == (5,)
    assert build_reference_model(rng).shapes()[-1] == (10,)


def test_shapes_name_the_first_layer_that_does_not_fit(rng):
    model = Sequential([Flatten(name="f"), Dense(100, 10, name="d", rng=rng)])
    with pytest.raises(ValueError, match=r"d: expected \(100,\) per example, got \(784,\)"):
        model.shapes()
    with pytest.raises(ValueError, match="c: expected"):
        Sequential([Conv2D(3, 4, 3, name="c", rng=rng)]).shapes()     # 1 channel, not 3


@pytest.mark.parametrize("images, problem", [
    (np.full((2, 28, 28), 255.0, np.float32), "from 0 to 1, these go from 255 to 255"),
    (np.full((2, 28, 28), -0.5), "from 0 to 1, these go from -0.5"),
    (np.full((2, 28, 28), np.nan, np.float32), "from 0 to 1"),
    (np.zeros((2, 28, 28), np.int64), "got int64"),
], ids=["float 0..255", "negative", "nan", "int64"])
def test_as_input_refuses_values_outside_0_to_1(images, problem):
    model = build_reference_model(np.random.default_rng(0))
    with pytest.raises(ValueError, match=problem):
        model.as_input(images)
    assert model.as_input(np.ones((2, 28, 28), np.float32)).max() == 1.0
    assert model.as_input(np.full((2, 28, 28), 255, np.uint8)).max() == 1.0


def test_the_last_two_rows_and_columns_of_an_image_change_nothing(rng):
    """pixels_read: the output depends on the top-left 26 x 26 of an image, and on all of it."""
    model = build_reference_model(np.random.default_rng(0), dtype=np.float64)
    for p in model.params.values():
        p += 0.05 * rng.standard_normal(p.shape)          # biases too: nothing special
    assert model.pixels_read() == (26, 26)
    x = rng.random((2, 28, 28, 1))
    changed = x.copy()
    changed[:, 26:] = rng.random((2, 2, 28, 1))
    changed[:, :, 26:] = rng.random((2, 28, 2, 1))
    np.testing.assert_array_equal(model.forward(changed), model.forward(x))
    for pixel in [(25, 0), (0, 25), (25, 25)]:                   # the corner's edge does count
        moved = x.copy()
        moved[(slice(None), *pixel)] += 1
        assert np.abs(model.forward(moved) - model.forward(x)).max() > 1e-6, pixel


def test_training_on_the_pixels_read_gives_the_same_loss_and_gradients(rng):
    """What DataParallel does, against the plain whole images: every layer computes on fewer
    numbers (conv2 on 10 x 10 outputs, not 11 x 11), the loss and gradients stay the same."""
    model = build_reference_model(np.random.default_rng(1), dtype=np.float64)
    for p in model.params.values():
        p += 0.05 * rng.standard_normal(p.shape)
    x, y = rng.random((4, 28, 28, 1)), np.array([0, 4, 7, 9])
    results = []
    for images in (x, x[:, :26, :26]):
        loss, dlogits = softmax_cross_entropy(fixed_mask_logits(model, images), y)
        model.backward(dlogits)
        results.append((loss, {k: g.copy() for k, g in model.grads.items()}))
    assert model.layers[3].cache[0].shape == (4 * 10 * 10, 288)   # conv2's last im2col: 100 windows
    (loss0, grads0), (loss1, grads1) = results
    assert loss1 == pytest.approx(loss0, rel=1e-12)
    for name in grads0:
        np.testing.assert_allclose(grads1[name], grads0[name], rtol=1e-10, atol=1e-15, err_msg=name)


@pytest.mark.parametrize("layers,shape,read", [
    ([Conv2D(1, 4, 3), MaxPool2D(2)], (8, 8, 1), (8, 8)),           # 6 outputs: 3 windows read 6
    ([Conv2D(1, 4, 3), MaxPool2D(2)], (9, 9, 1), (8, 8)),           # 7 outputs: the 7th unread
    ([Conv2D(1, 4, (4, 3), stride=2), ReLU(), MaxPool2D(2)], (12, 12, 1), (10, 9)),  # 5x5: 4x4 read
    ([Conv2D(1, 4, 3, padding=1), MaxPool2D(2)], (7, 7, 1), (7, 7)),  # padding: all of it
    ([Conv2D(1, 4, 3), MaxPool2D(2, stride=1)], (7, 7, 1), (7, 7)),   # overlapping windows
    ([MaxPool2D(3), Flatten(), Dense(4, 2)], (7, 7, 1), (6, 6)),
])
def test_pixels_read_walks_back_through_the_windows(layers, shape, read):
    assert Sequential(layers, input_shape=shape).pixels_read() == read
