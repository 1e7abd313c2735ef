"""app.learner: a fresh network trains in a process of its own, reports, obeys, and saves its
weights to a file of its own under the user's runs folder."""
import time
from multiprocessing import Pipe
from types import SimpleNamespace

import numpy as np
import pytest

import numpy_cnn
from numpy_cnn.app.learner import LiveTraining, Worker, new_run_path
from numpy_cnn.paths import SHIPPED_WEIGHTS

TIMEOUT = 60.0          # seconds: starting a process and loading MNIST on a busy machine


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """The user's numpy-cnn folder, in a temporary folder (the worker inherits it)."""
    monkeypatch.setenv("NUMPY_CNN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def collect(training, until, timeout=TIMEOUT):
    """Messages of the worker until one of kind `until` (a kind or a predicate) arrives."""
    done = until if callable(until) else (lambda kind, content: kind == until)
    received, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        for kind, content in training.messages():
            received.append((kind, content))
            assert kind != "error", content
            if done(kind, content):
                return received
        time.sleep(0.01)
    pytest.fail(f"no {until!r} from the worker in {timeout} s; got {[k for k, _ in received]}")


def test_new_run_paths_are_new_folders_under_runs(home):
    first = new_run_path()
    first.parent.mkdir(parents=True)
    second = new_run_path()
    assert first.parent.parent == second.parent.parent == home / "runs"
    assert first != second and not second.parent.exists()
    assert first.name == "mnist_cnn.npz" and first != SHIPPED_WEIGHTS


def test_a_short_run_reports_learns_and_saves(home):
    training = LiveTraining(limit=192, every=1, val_size=50)          # 3 batches of 64
    try:
        received = collect(training, "saved")
    finally:
        training.close()
    kinds = [kind for kind, _ in received]
    assert kinds == ["ready", "progress", "progress", "progress", "progress", "saved"]
    ready, snapshots = received[0][1], [content for kind, content in received[1:-1]]
    assert ready["batches"] == 3 and ready["digit"].shape == (28, 28)
    assert [s["batch"] for s in snapshots] == [0, 1, 2, 3]
    assert snapshots[0]["train_loss"] is None and snapshots[1]["train_loss"] > 0
    filters = [s["params"]["conv1.W"] for s in snapshots]
    assert all(not np.array_equal(a, b) for a, b in zip(filters, filters[1:])), "no learning"
    saved = received[-1][1]
    assert saved["reason"] == "finished" and saved["path"].startswith(str(home / "runs"))
    model = numpy_cnn.load(saved["path"])
    for name, p in model.params.items():
        np.testing.assert_array_equal(p, snapshots[-1]["params"][name])


def test_stop_saves_what_has_been_learnt(home):
    training = LiveTraining(limit=64 * 200, every=1, val_size=20)
    try:
        collect(training, lambda kind, content: kind == "progress" and content["batch"] >= 1)
        training.stop()
        received = collect(training, "saved")
    finally:
        training.close()
    saved = received[-1][1]
    assert saved["reason"] == "stopped" and numpy_cnn.load(saved["path"])
    assert max(c["batch"] for k, c in received if k == "progress") < 200


def test_the_worker_obeys_pause_resume_and_stop():
    app_end, worker_end = Pipe()
    worker = SimpleNamespace(conn=worker_end)
    app_end.send("pause")
    app_end.send("resume")
    assert Worker.obey(worker) is True and not worker_end.poll()
    app_end.send("pause")
    app_end.send("stop")                     # stopping while paused
    assert Worker.obey(worker) is False
    assert Worker.obey(worker) is True       # nothing asked: go on


def test_unreadable_mnist_is_reported(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (data / f"{name}.gz").write_bytes(b"not MNIST")
    training = LiveTraining(data_dir=str(data))
    try:
        deadline, received = time.monotonic() + TIMEOUT, []
        while not any(kind == "error" for kind, _ in received) and time.monotonic() < deadline:
            received += training.messages()
            time.sleep(0.01)
    finally:
        training.close()
    errors = [content for kind, content in received if kind == "error"]
    assert errors and errors[0].startswith("cannot load MNIST")


def test_close_saves_even_when_nobody_read_the_pipe(home):
    """Each snapshot carries every parameter (~0.9 MB), more than a pipe holds: a worker sending
    one blocks until the app reads it. close() must keep reading, or the worker never reaches
    the stop, is killed after the timeout, and the run is lost (a flaky GUI test found this)."""
    training = LiveTraining(limit=64 * 200, every=1, val_size=20)
    try:
        collect(training, "ready")
        time.sleep(3)                         # snapshots pile up; nobody reads them
        began = time.monotonic()
        training.close(timeout=30)
        took = time.monotonic() - began
    finally:
        training.close()
    saved = list((home / "runs").glob("watch-*/mnist_cnn.npz"))
    assert len(saved) == 1 and numpy_cnn.load(saved[0])
    assert training.process.exitcode == 0 and took < 30
