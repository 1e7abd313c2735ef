import json
import os
import pickle

import numpy as np
import pytest

from numpy_cnn import WeightsError, build_reference_model, load, save
from numpy_cnn.layers import Conv2D, Dense, Flatten
from numpy_cnn.model import Sequential
from numpy_cnn.storage import atomic_savez, load_digit_model


@pytest.fixture
def model():
    return build_reference_model(np.random.default_rng(0))


@pytest.fixture
def saved(model, tmp_path):
    path = tmp_path / "w.npz"
    save(model, path)
    return path


def rewrite(path, change):
    """Load every array of a saved file, let change() edit the dict, write it back."""
    with np.load(path) as f:
        arrays = {k: f[k] for k in f.files}
    change(arrays)
    np.savez(path, **arrays)


def test_round_trip_gives_identical_predictions(model, saved):
    images = np.random.default_rng(1).random((7, 28, 28), dtype=np.float32)
    loaded = load(saved)
    np.testing.assert_array_equal(loaded.predict_proba(images), model.predict_proba(images))
    assert loaded.architecture() == model.architecture()


def test_file_is_plain_arrays_with_dotted_names(saved):
    with np.load(saved, allow_pickle=False) as f:
        assert set(f.files) == {"__meta__", "conv1.W", "conv1.b", "conv2.W", "conv2.b",
                                "dense1.W", "dense1.b", "dense2.W", "dense2.b"}
        meta = json.loads(str(f["__meta__"]))
    assert meta["format"] == "numpy-cnn-weights" and meta["version"] == 1
    assert meta["dtype"] == "float32"


def test_float64_model_round_trips(tmp_path):
    model = build_reference_model(np.random.default_rng(0), dtype=np.float64)
    save(model, tmp_path / "w64.npz")
    assert load(tmp_path / "w64.npz").dtype == np.float64


def test_missing_file(tmp_path):
    with pytest.raises(WeightsError, match="file not found"):
        load(tmp_path / "nope.npz")


def test_garbage_file(tmp_path):
    path = tmp_path / "garbage.npz"
    path.write_bytes(b"this is not a zip archive at all" * 10)
    with pytest.raises(WeightsError, match="not a readable .npz file"):
        load(path)


def test_single_npy_array_is_refused(tmp_path):
    path = tmp_path / "w.npz"
    with open(path, "wb") as f:
        np.save(f, np.zeros(3))
    with pytest.raises(WeightsError, match="not a readable .npz file"):
        load(path)


def test_truncated_file(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[:len(data) // 2])
    with pytest.raises(WeightsError, match="corrupt or truncated|corrupt array"):
        load(saved)


def test_pickled_arrays_are_refused(saved):
    rewrite(saved, lambda a: a.update({"conv1.W": np.array([{"evil": 1}], dtype=object)}))
    with pytest.raises(WeightsError, match="pickled data"):
        load(saved)


def test_plain_pickle_file_is_refused(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(pickle.dumps({"conv1.W": np.zeros(3)}))
    with pytest.raises(WeightsError, match="pickled data"):
        load(path)


def test_npz_without_metadata(tmp_path):
    np.savez(tmp_path / "plain.npz", w=np.zeros(3))
    with pytest.raises(WeightsError, match="not a numpy-cnn weights file"):
        load(tmp_path / "plain.npz")


def test_newer_format_version(saved):
    def bump(a):
        meta = json.loads(str(a["__meta__"]))
        meta["version"] = 99
        a["__meta__"] = np.array(json.dumps(meta))
    rewrite(saved, bump)
    with pytest.raises(WeightsError, match="version 99"):
        load(saved)


def test_wrong_shape(saved):
    rewrite(saved, lambda a: a.update({"dense1.W": np.zeros((1600, 64), np.float32)}))
    with pytest.raises(WeightsError, match=r"dense1.W has shape \(1600, 64\), the model needs"):
        load(saved)


def test_wrong_dtype(saved):
    rewrite(saved, lambda a: a.update({"conv1.b": np.zeros(32, np.int32)}))
    with pytest.raises(WeightsError, match="conv1.b has dtype int32"):
        load(saved)


def test_missing_array(saved):
    rewrite(saved, lambda a: a.pop("dense2.b"))
    with pytest.raises(WeightsError, match=r"missing \['dense2.b'\]"):
        load(saved)


def test_nan_weights(saved):
    rewrite(saved, lambda a: a["conv2.W"].__setitem__((0, 0, 0, 0), np.nan))
    with pytest.raises(WeightsError, match="NaN"):
        load(saved)


def test_other_architecture_is_refused(tmp_path, model):
    other = Sequential([Flatten(name="flatten"),
                        Dense(784, 10, name="dense", rng=np.random.default_rng(0))],
                       input_shape=(28, 28, 1))
    save(other, tmp_path / "other.npz")
    load(tmp_path / "other.npz")  # a valid file of its own network...
    with pytest.raises(WeightsError, match="different network architecture"):
        load(tmp_path / "other.npz", expect_architecture=model.architecture())  # ...not this one


def test_failed_save_keeps_the_old_file(model, saved, monkeypatch):
    before = saved.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        save(model, saved)
    assert saved.read_bytes() == before
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]   # no temporary left behind


def test_atomic_savez_creates_folders(tmp_path):
    atomic_savez(tmp_path / "a" / "b" / "x.npz", {"x": np.arange(3)})
    with np.load(tmp_path / "a" / "b" / "x.npz") as f:
        np.testing.assert_array_equal(f["x"], np.arange(3))


# ------------------------------------------------------------------ the network a file describes

def rewrite_meta(path, change):
    """Let change() edit the file's metadata dict (or return a replacement), write it back."""
    def edit(arrays):
        meta = json.loads(str(arrays["__meta__"]))
        arrays["__meta__"] = np.array(json.dumps(change(meta) or meta))
    rewrite(path, edit)


@pytest.mark.parametrize("meta", ["[1, 2]", '"a string"', "42", "null"])
def test_metadata_that_is_not_a_json_object(saved, meta):
    rewrite(saved, lambda arrays: arrays.update({"__meta__": np.array(meta)}))
    with pytest.raises(WeightsError, match="not a JSON object"):
        load(saved)


@pytest.mark.parametrize("dtype", ["int8", None, "object"])
def test_unknown_dtype(saved, dtype):
    rewrite_meta(saved, lambda meta: meta.update(dtype=dtype))
    with pytest.raises(WeightsError, match="dtype"):
        load(saved)


def test_layers_that_do_not_chain(saved):
    def break_chain(meta):
        meta["architecture"]["layers"][7]["in_features"] = 1000    # dense1 after 1,600 values
    rewrite_meta(saved, break_chain)
    with pytest.raises(WeightsError, match=r"dense1: expected \(1000,\) per example, got \(1600,\)"):
        load(saved)


def test_a_huge_layer_is_refused_before_anything_is_allocated(saved):
    def huge(meta):
        meta["architecture"] = {"input_shape": [28, 28, 1], "layers": [
            {"type": "Flatten", "name": "flatten"},
            {"type": "Dense", "name": "dense", "in_features": 200000, "out_features": 200000}]}
    rewrite_meta(saved, huge)
    with pytest.raises(WeightsError, match="40,000,200,000 parameters, more than"):
        load(saved)                 # would need 160 GB if it were built


def test_a_huge_input_is_refused(tmp_path):
    model = Sequential([Conv2D(1, 1, 1, name="c", rng=np.random.default_rng(0))],
                       input_shape=(1100, 1100, 1))                      # 2 parameters
    save(model, tmp_path / "big.npz")
    with pytest.raises(WeightsError, match="numbers per image"):
        load(tmp_path / "big.npz")


@pytest.mark.parametrize("input_shape, classes", [((28, 28, 1), 5), ((32, 32, 3), 10)])
def test_a_network_that_does_not_read_digits(tmp_path, input_shape, classes):
    other = Sequential([Flatten(name="f"), Dense(int(np.prod(input_shape)), classes, name="d",
                                                 rng=np.random.default_rng(0))],
                       input_shape=input_shape)
    save(other, tmp_path / "other.npz")
    assert load(tmp_path / "other.npz").output_shape == (classes,)   # a valid file of its own
    with pytest.raises(WeightsError, match="reading digits needs 28x28x1 images in and 10 classes"):
        load_digit_model(tmp_path / "other.npz")


def test_the_reference_network_reads_digits(saved):
    assert load_digit_model(saved).shapes()[-1] == (10,)


def test_a_folder_is_not_a_weights_file(tmp_path):
    with pytest.raises(WeightsError, match="is a folder"):
        load(tmp_path)


def test_a_failed_write_names_the_file_not_its_temporary(model, tmp_path, monkeypatch):
    def disk_full(file, **arrays):
        raise OSError(28, "No space left on device", file.name)
    monkeypatch.setattr(np, "savez", disk_full)
    with pytest.raises(OSError, match="No space left") as caught:
        save(model, tmp_path / "w.npz")
    assert str(tmp_path / "w.npz") in str(caught.value) and ".tmp" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(OSError, match="cannot write") as caught:
        atomic_savez(tmp_path / "a-file" / "w.npz", {"x": np.zeros(1)})
    assert ".tmp" not in str(caught.value)


def test_a_path_that_is_no_file_says_what_it_is(tmp_path):
    loop = tmp_path / "loop.npz"
    loop.symlink_to(loop)
    dangling = tmp_path / "dangling.npz"
    dangling.symlink_to(tmp_path / "gone.npz")
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    for path, said in ((loop, "symbolic link"), (dangling, "symbolic link"),
                       ("/dev/null", "not a regular file"), (fifo, "not a regular file"),
                       (tmp_path / "missing.npz", "file not found")):
        with pytest.raises(WeightsError, match=said):      # and no wait for a pipe's writer
            load(path)


def test_folder_problem_names_the_folder_that_cannot_be_written(tmp_path):
    from numpy_cnn.storage import folder_problem
    assert folder_problem(tmp_path / "new" / "folders") is None       # nothing is created
    assert not (tmp_path / "new").exists()
    (tmp_path / "a-file").write_text("x")
    assert folder_problem(tmp_path / "a-file" / "sub") == f"{tmp_path / 'a-file'} is a file, not a folder"
