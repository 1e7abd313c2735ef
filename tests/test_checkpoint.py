"""numpy_cnn.checkpoint: a run saved after an epoch comes back exactly, and a file that is not a
checkpoint is refused in one line."""
import json

import numpy as np
import pytest

from numpy_cnn.checkpoint import checkpoint_path, read_checkpoint, restore_checkpoint, save_checkpoint
from numpy_cnn.model import build_reference_model
from numpy_cnn.optim import Adam
from numpy_cnn.storage import WeightsError, atomic_savez


def trained_a_step(seed):
    """A network, its Adam and its generator after one step, so every part has a state."""
    rng = np.random.default_rng(seed)
    model = build_reference_model(rng)
    optimizer = Adam(model.params)
    x = rng.random((4, 28, 28, 1), dtype=np.float32)
    model.forward(x, training=True)
    model.backward(rng.standard_normal((4, 10)).astype(np.float32))
    optimizer.step(model.grads)
    return model, optimizer, rng


def test_checkpoint_path_sits_beside_the_weights(tmp_path):
    assert checkpoint_path(tmp_path / "mnist_cnn.npz") == tmp_path / "mnist_cnn.ckpt.npz"


def test_a_run_comes_back_exactly(tmp_path):
    model, optimizer, rng = trained_a_step(0)
    extra = {"images": np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28),
             "labels": np.array([3, 7])}
    run = {"settings": {"epochs": 3}, "epochs_done": 1, "history": [{"loss": 0.5}],
           "seconds": 1.5, "extra": extra, "best_params": None}
    path = checkpoint_path(tmp_path / "m.npz")
    save_checkpoint(path, model, optimizer, rng, run)
    expected_draw = rng.random(3)                     # what the generator gives next

    other_model, other_optimizer, other_rng = trained_a_step(1)
    restored = restore_checkpoint(path, other_model, other_optimizer, other_rng)
    for name, p in model.params.items():
        np.testing.assert_array_equal(other_model.params[name], p)
    for name, a in optimizer.state_dict().items():
        np.testing.assert_array_equal(other_optimizer.state_dict()[name], a)
    np.testing.assert_array_equal(other_rng.random(3), expected_draw)
    assert restored["settings"] == {"epochs": 3} and restored["history"] == [{"loss": 0.5}]
    np.testing.assert_array_equal(restored["extra"]["images"], extra["images"])
    np.testing.assert_array_equal(restored["extra"]["labels"], extra["labels"])
    assert restored["best_params"] == {}


def test_a_file_that_is_not_a_checkpoint_is_refused(tmp_path):
    path = tmp_path / "not.ckpt.npz"
    atomic_savez(path, {"param.x": np.zeros(3)})
    with pytest.raises(WeightsError, match="not a numpy-cnn training checkpoint"):
        read_checkpoint(path)


def test_a_checkpoint_of_another_network_is_refused(tmp_path):
    model, optimizer, rng = trained_a_step(0)
    path = tmp_path / "m.ckpt.npz"
    save_checkpoint(path, model, optimizer, rng, {"settings": {}, "history": []})
    state, arrays = read_checkpoint(path)
    del arrays["param.conv1.W"]
    arrays["__state__"] = np.array(json.dumps(state))
    atomic_savez(path, arrays)
    with pytest.raises(WeightsError, match="does not fit this model"):
        restore_checkpoint(path, *trained_a_step(1))
