import numpy as np
import pytest

from numpy_cnn import build_reference_model, softmax_cross_entropy
from numpy_cnn.parallel import DataParallel
from numpy_cnn.reference import OneProcess


@pytest.mark.parametrize("workers,n", [(2, 10), (3, 7), (1, 4), (3, 2)])
def test_same_loss_and_gradients_as_the_plain_one_process_step(workers, n):
    rng = np.random.default_rng(3)
    model = build_reference_model(rng, dtype=np.float64, p_drop=0.0)
    x, y = rng.random((n, 28, 28, 1)), rng.integers(0, 10, size=n)
    loss, logits, grads = OneProcess(model).loss_and_grads(x, y, rng)
    expected = {k: g.copy() for k, g in grads.items()}

    with DataParallel(model, workers) as trainer:
        par_loss, par_logits, grads = trainer.loss_and_grads(x, y, rng)
    assert par_loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(par_logits, logits, rtol=1e-12)
    assert grads.keys() == expected.keys()
    for k in expected:
        np.testing.assert_allclose(grads[k], expected[k], rtol=1e-10, atol=1e-14, err_msg=k)


def test_dropout_masks_come_from_the_given_generator():
    def run(seed):
        model = build_reference_model(np.random.default_rng(0))
        x = np.random.default_rng(1).random((8, 28, 28, 1), dtype=np.float32)
        with DataParallel(model, 2) as trainer:
            return trainer.loss_and_grads(x, np.arange(8), np.random.default_rng(seed))
    a, b, c = run(5), run(5), run(6)
    np.testing.assert_array_equal(a[2]["dense1.W"], b[2]["dense1.W"])
    assert not np.array_equal(a[2]["dense1.W"], c[2]["dense1.W"])


def test_float32_training_stays_float32():
    rng = np.random.default_rng(0)
    model = build_reference_model(rng)
    x = rng.random((9, 28, 28, 1), dtype=np.float32)
    with DataParallel(model, 2) as trainer:
        loss, logits, grads = trainer.loss_and_grads(x, np.arange(9) % 10, rng)
    assert logits.dtype == np.float32
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}


def test_helpers_see_every_update_of_the_parameters():
    rng = np.random.default_rng(4)
    model = build_reference_model(rng, dtype=np.float64, p_drop=0.0)
    x, y = rng.random((6, 28, 28, 1)), rng.integers(0, 10, size=6)
    with DataParallel(model, 2) as trainer:
        trainer.loss_and_grads(x, y, rng)
        for p in model.params.values():          # as an optimizer does: in place
            p *= 0.5
        _, par_logits, _ = trainer.loss_and_grads(x, y, rng)
    np.testing.assert_allclose(par_logits, model.forward(x), rtol=1e-12)


def test_an_error_in_a_helper_is_raised_here_and_the_helper_goes_on():
    rng = np.random.default_rng(5)
    model = build_reference_model(rng)
    x = rng.random((8, 28, 28, 1), dtype=np.float32)
    with DataParallel(model, 2) as trainer:
        bad = np.array([0, 1, 2, 3, 4, 5, 6, 99])     # label 99 is in the helper's half
        with pytest.raises(ValueError, match="labels must be") as info:   # numpy_cnn.losses
            trainer.loss_and_grads(x, bad, rng)
        assert any("helper process" in note for note in info.value.__notes__)
        loss, _, _ = trainer.loss_and_grads(x, np.arange(8), rng)
    assert np.isfinite(loss)


def test_an_error_in_this_process_leaves_the_helpers_ready_for_the_next_batch():
    rng = np.random.default_rng(7)
    model = build_reference_model(rng, dtype=np.float64, p_drop=0.0)
    x, y = rng.random((6, 28, 28, 1)), rng.integers(0, 10, size=6)
    with DataParallel(model, 2) as trainer:
        with pytest.raises(ValueError, match="labels must be"):
            trainer.loss_and_grads(x, np.array([99, 0, 0, 0, 0, 0]), rng)   # in this half
        loss, logits, grads = trainer.loss_and_grads(x, y, rng)
    expected_loss, _ = softmax_cross_entropy(model.forward(x), y)
    assert loss == pytest.approx(expected_loss, rel=1e-12)


def test_a_helper_that_dies_gives_a_clear_error():
    rng = np.random.default_rng(6)
    model = build_reference_model(rng)
    x = rng.random((4, 28, 28, 1), dtype=np.float32)
    with DataParallel(model, 2) as trainer:
        trainer.helpers[0].process.kill()
        trainer.helpers[0].process.join()
        with pytest.raises(RuntimeError, match="stopped unexpectedly"):
            trainer.loss_and_grads(x, np.arange(4), rng)


def test_close_stops_the_helpers():
    trainer = DataParallel(build_reference_model(np.random.default_rng(0)), 3)
    processes = [h.process for h in trainer.helpers]
    assert len(processes) == 2 and all(p.is_alive() for p in processes)
    trainer.close()
    assert not any(p.is_alive() for p in processes)
    assert all(p.exitcode == 0 for p in processes)
    trainer.close()                                # a second close does nothing


def test_one_worker_starts_no_process():
    with DataParallel(build_reference_model(np.random.default_rng(0)), 1) as trainer:
        assert trainer.helpers == []
