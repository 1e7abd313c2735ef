"""app.teacher: the app's Teach fine-tunes a copy of the app's network on the user's digits in a
process of its own, reports, obeys Stop, and writes its weights to the user's folder only."""
import hashlib
import time
from multiprocessing import Pipe

import numpy as np
import pytest

import numpy_cnn
from numpy_cnn.data import load_mnist
from numpy_cnn.digit_folder import save_digit
from numpy_cnn.app.teacher import PipeProgress, Stopped, Teaching, read_right
from numpy_cnn.paths import SHIPPED_WEIGHTS, taught_weights
from PIL import Image

TIMEOUT = 90.0          # seconds: starting a process, loading MNIST, on a busy machine
# 12 batches: enough for the shipped network to read two of its sure 7s as the 3s they are labelled.
QUICK = dict(batches=12, every=4, outlier_bank=20, extra_fraction=0.5)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """The user's numpy-cnn folder, in a temporary folder (the worker inherits it)."""
    monkeypatch.setenv("NUMPY_CNN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="module")
def shipped():
    return numpy_cnn.load(SHIPPED_WEIGHTS)


def collect(teaching, last_kinds=("taught", "stopped", "error"), timeout=TIMEOUT, on=None):
    """Messages of the worker until one of last_kinds arrives; on(kind) is called for each."""
    received, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        for kind, content in teaching.messages():
            received.append((kind, content))
            if on:
                on(kind)
            if kind in last_kinds or kind == "ended":
                return received
        time.sleep(0.01)
    pytest.fail(f"the worker said nothing conclusive in {timeout} s: {[k for k, _ in received]}")


def sevens_saved_as_threes(folder, n=2):
    """The first n MNIST test 7s, saved in folder/3/ as if the user had corrected them."""
    x_test, y_test = load_mnist()[2:]
    sevens = x_test[y_test == 7][:n]
    for pixels in sevens:
        save_digit(Image.fromarray(pixels), 3, folder)
    return sevens


def test_teach_learns_the_users_digits_and_writes_its_own_file(home, shipped):
    sevens = sevens_saved_as_threes(home / "my_digits")
    shipped_hash = hashlib.sha256(SHIPPED_WEIGHTS.read_bytes()).hexdigest()
    teaching = Teaching(shipped, lr=1e-3, **QUICK)
    try:
        received = collect(teaching)
    finally:
        teaching.close()
    kinds = [kind for kind, _ in received]
    assert kinds == ["ready", "progress", "progress", "progress", "taught"], received[-1]
    ready, taught = received[0][1], received[-1][1]
    assert ready["digits"] == 2 and ready["batches"] == 12 and ready["notes"] == []
    assert [c["batch"] for k, c in received if k == "progress"] == [4, 8, 12]
    assert taught["before"].tolist() == [False, False]       # the shipped network reads 7s
    assert taught["path"] == str(taught_weights()) and taught_weights().parent.parent == home
    tuned = numpy_cnn.load(taught_weights())
    assert taught["after"].tolist() == read_right(tuned, sevens, np.array([3, 3])).tolist()
    assert taught["after"].sum() > taught["before"].sum()
    assert hashlib.sha256(SHIPPED_WEIGHTS.read_bytes()).hexdigest() == shipped_hash
    assert (shipped.predict(sevens) == 7).all(), "the app's own model is left as it was"

    # Teaching again starts from the shipped network, but "before" is the network in use.
    again = Teaching(shipped, tuned, lr=1e-3, **QUICK)
    try:
        received = collect(again)
    finally:
        again.close()
    assert received[-1][1]["before"].tolist() == taught["after"].tolist()
    assert received[-1][1]["after"].tolist() == taught["after"].tolist(), "the same Teach again"


def test_stop_saves_nothing(home, shipped):
    sevens_saved_as_threes(home / "my_digits", 1)
    teaching = Teaching(shipped, **{**QUICK, "batches": 400, "every": 1})
    try:
        received = collect(teaching, on=lambda kind: kind == "progress" and teaching.stop())
    finally:
        teaching.close()
    assert received[-1] == ("stopped", None)
    assert not taught_weights().exists()


def test_without_saved_digits_teach_says_so(home, shipped):
    teaching = Teaching(shipped, **QUICK)
    try:
        received = collect(teaching)
    finally:
        teaching.close()
    assert received[-1][0] == "error" and "no such folder" in received[-1][1]


def test_progress_reports_and_obeys_stop():
    app_end, worker_end = Pipe()
    progress = PipeProgress(worker_end, batches=3, every=2)
    progress.update(64, 0.5, 60)
    progress.update(64, 0.3, 62)
    assert app_end.recv() == ("progress", {"batch": 2, "batches": 3, "loss": pytest.approx(0.4)})
    assert progress.accuracy == 122 / 128 and progress.loss == pytest.approx(0.4)
    app_end.send("stop")
    with pytest.raises(Stopped):
        progress.update(64, 0.1, 64)


def test_read_right_counts_a_not_a_digit_answer_as_wrong():
    class Fixed:
        def predict_proba(self, images):
            return np.array([[0.0, 0.9] + [0.0125] * 8, [0.0, 0.3] + [0.0875] * 8,
                             [0.9, 0.0] + [0.0125] * 8])
    assert read_right(Fixed(), np.zeros((3, 28, 28)), np.array([1, 1, 1])).tolist() == [
        True, False, False]
