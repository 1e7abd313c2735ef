import numpy as np
import pytest

from numpy_cnn import build_reference_model, softmax_cross_entropy
from numpy_cnn.parallel import DataParallel, replicate


def test_replicas_share_parameters_not_caches():
    model = build_reference_model(np.random.default_rng(0))
    twin = replicate(model)
    for name, p in model.params.items():
        assert twin.params[name] is p
    assert all(a is not b for a, b in zip(twin.layers, model.layers))


@pytest.mark.parametrize("workers,n", [(2, 10), (3, 7), (1, 4)])
def test_same_loss_and_gradients_as_one_model(workers, n):
    rng = np.random.default_rng(3)
    model = build_reference_model(rng, dtype=np.float64, p_drop=0.0)
    x, y = rng.random((n, 28, 28, 1)), rng.integers(0, 10, size=n)
    logits = model.forward(x, training=True)
    loss, dlogits = softmax_cross_entropy(logits, y)
    model.backward(dlogits)
    expected = {k: g.copy() for k, g in model.grads.items()}

    par_loss, par_logits, grads = DataParallel(model, workers).loss_and_grads(x, y, rng)
    assert par_loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(par_logits, logits, rtol=1e-12)
    assert grads.keys() == expected.keys()
    for k in expected:
        np.testing.assert_allclose(grads[k], expected[k], rtol=1e-10, atol=1e-14, err_msg=k)


def test_dropout_masks_come_from_the_given_generator():
    def run(seed):
        model = build_reference_model(np.random.default_rng(0))
        x = np.random.default_rng(1).random((8, 28, 28, 1), dtype=np.float32)
        return DataParallel(model, 2).loss_and_grads(x, np.arange(8), np.random.default_rng(seed))
    a, b, c = run(5), run(5), run(6)
    np.testing.assert_array_equal(a[2]["dense1.W"], b[2]["dense1.W"])
    assert not np.array_equal(a[2]["dense1.W"], c[2]["dense1.W"])


def test_float32_training_stays_float32():
    rng = np.random.default_rng(0)
    model = build_reference_model(rng)
    x = rng.random((9, 28, 28, 1), dtype=np.float32)
    loss, logits, grads = DataParallel(model, 2).loss_and_grads(x, np.arange(9) % 10, rng)
    assert logits.dtype == np.float32
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}
