"""The training command, end to end: it learns, writes everything, resumes bit for bit, is
reproducible, and stops cleanly on Ctrl-C and on a diverging loss."""
import functools
import io
import json

import numpy as np
import pytest

from numpy_cnn import load, report, train
from numpy_cnn import progress as progress_module
from numpy_cnn.data import load_mnist
from numpy_cnn.model import build_reference_model
from numpy_cnn.parallel import DataParallel
from numpy_cnn.reference import OneProcess

FIGURES = ("curves", "confusion", "mistakes", "filters", "features")
TINY = ["--limit", "256", "--val-split", "128", "--test-limit", "128"]


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    """One epoch on 3,000 images through the real command; returns (exit code, out path)."""
    out = tmp_path_factory.mktemp("run") / "mnist_cnn.npz"
    code = train.main(["--limit", "3000", "--epochs", "1", "--val-split", "1000",
                       "--test-limit", "1000", "--out", str(out)])
    return code, out


@pytest.fixture
def quick(monkeypatch):
    """Make the small runs below quicker: read MNIST once, and skip the JSON and figures."""
    monkeypatch.setattr(train, "load_mnist", functools.lru_cache(load_mnist))
    monkeypatch.setattr(report, "write_run_report", lambda *args: [])


def weights(path):
    """The parameter arrays of a weights file, as a dict."""
    return {k: v for k, v in np.load(path).items() if k != "__meta__"}


def assert_same_weights(a, b):
    a, b = weights(a), weights(b)
    assert a.keys() == b.keys()
    for k in a:
        assert np.array_equal(a[k], b[k]), f"{k} differs"


def test_one_epoch_learns_and_writes_weights_report_and_figures(short_run):
    code, out = short_run
    assert code == 0
    stem = out.with_suffix("")
    for name in FIGURES:
        png = out.parent / f"{stem.name}_{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{png.name} is not a PNG"
    assert train.checkpoint_path(out).is_file()
    run = json.loads(stem.with_suffix(".json").read_text())
    assert len(run["history"]) == 1 and len(run["seconds_per_epoch"]) == 1
    epoch = run["history"][0]
    for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss",
                "test_accuracy", "lr", "seconds"):
        assert np.isfinite(epoch[key]), key
    final = run["final"]
    assert final["test_accuracy"] > 0.8
    assert np.sum(final["confusion_matrix"]) == 1000
    assert len(final["per_class_test_accuracy"]) == 10
    assert run["arguments"]["limit"] == 3000 and run["versions"]["numpy"] == np.__version__
    # The weights file alone rebuilds a network that reads the test digits.
    _, _, x_test, y_test = load_mnist()
    model = load(out)
    assert np.mean(model.predict(x_test[:1000]) == y_test[:1000]) == pytest.approx(
        final["test_accuracy"])


def test_interrupted_then_resumed_equals_straight_run(tmp_path, quick, monkeypatch, capsys):
    options = TINY + ["--epochs", "2", "--augment", "--lr-decay", "cosine", "--patience", "3"]
    assert train.main(options + ["--out", str(tmp_path / "straight.npz")]) == 0

    # Ctrl-C in the middle of epoch 2: exit code 130, the checkpoint of epoch 1 is kept.
    steps, real_step = [], train.train_step
    def interrupt_in_epoch_2(*args):
        steps.append(1)
        if len(steps) == 6:              # 256 images in batches of 64: 4 steps per epoch
            raise KeyboardInterrupt
        return real_step(*args)
    monkeypatch.setattr(train, "train_step", interrupt_in_epoch_2)
    out = tmp_path / "resumed.npz"
    assert train.main(options + ["--out", str(out)]) == 130
    message = capsys.readouterr().err
    assert "after epoch 1" in message and "--resume" in message
    assert not out.exists() and train.checkpoint_path(out).exists()

    monkeypatch.setattr(train, "train_step", real_step)
    assert train.main(["--resume", "--out", str(out)]) == 0    # settings come from the checkpoint
    assert_same_weights(tmp_path / "straight.npz", out)


def test_resume_with_more_epochs_equals_straight_run(tmp_path, quick):
    assert train.main(TINY + ["--epochs", "2", "--out", str(tmp_path / "straight.npz")]) == 0
    out = str(tmp_path / "resumed.npz")
    assert train.main(TINY + ["--epochs", "1", "--out", out]) == 0
    assert train.main(["--resume", "--epochs", "2", "--out", out]) == 0
    assert_same_weights(tmp_path / "straight.npz", out)


def test_resume_refuses_changed_settings(tmp_path, quick, capsys):
    out = str(tmp_path / "m.npz")
    assert train.main(TINY + ["--epochs", "1", "--out", out]) == 0
    with pytest.raises(SystemExit) as exit_info:
        train.main(["--resume", "--lr", "0.01", "--out", out])
    assert exit_info.value.code == 2 and "--lr 0.001" in capsys.readouterr().err


def test_same_seed_same_weights_other_seed_other_weights(tmp_path, quick):
    for name, seed in (("a", "1"), ("b", "1"), ("c", "2")):
        assert train.main(TINY + ["--epochs", "1", "--seed", seed, "--augment",
                                  "--out", str(tmp_path / f"{name}.npz")]) == 0
    assert_same_weights(tmp_path / "a.npz", tmp_path / "b.npz")
    with pytest.raises(AssertionError):
        assert_same_weights(tmp_path / "a.npz", tmp_path / "c.npz")


def test_one_worker_trains_with_the_plain_step_and_starts_no_process(tmp_path, quick, monkeypatch):
    """--workers 1 uses reference.OneProcess; DataParallel only for more workers."""
    def no_data_parallel(*args):
        raise AssertionError("DataParallel started for --workers 1")
    with monkeypatch.context() as patch:
        patch.setattr(train, "DataParallel", no_data_parallel)
        for name in ("a", "b"):
            assert train.main(TINY + ["--epochs", "1", "--workers", "1",
                                      "--out", str(tmp_path / f"{name}.npz")]) == 0
    assert_same_weights(tmp_path / "a.npz", tmp_path / "b.npz")    # reproducible too
    model = build_reference_model(np.random.default_rng(0))
    assert isinstance(train.make_trainer(model, 1), OneProcess)
    with train.make_trainer(model, 2) as trainer:
        assert isinstance(trainer, DataParallel) and len(trainer.helpers) == 1


def test_diverging_loss_stops_with_a_clear_error_and_saves_nothing(tmp_path, quick, capsys):
    out = tmp_path / "m.npz"
    assert train.main(TINY + ["--epochs", "1", "--lr", "1e30", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "diverged" in err and "nan" in err.lower() and "Traceback" not in err
    assert not out.exists() and not train.checkpoint_path(out).exists()


def test_learning_rate_schedules():
    def args(decay):
        return train.parse_args(["--lr", "0.001", "--epochs", "10", "--lr-decay", decay,
                                 "--lr-step", "3"])
    assert [train.learning_rate(args("none"), e) for e in (0, 9)] == [0.001, 0.001]
    cosine = [train.learning_rate(args("cosine"), e) for e in range(10)]
    assert cosine[0] == 0.001 and all(np.diff(cosine) < 0) and cosine[-1] < 0.00003
    step = [train.learning_rate(args("step"), e) for e in range(7)]
    assert step == pytest.approx([1e-3] * 3 + [5e-4] * 3 + [2.5e-4])


@pytest.mark.parametrize("bad", [["--epochs", "0"], ["--lr", "-1"], ["--val-split", "60000"],
                                 ["--limit", "0"]])
def test_bad_options_are_refused(bad):
    with pytest.raises(SystemExit):
        train.parse_args(bad)


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("stream_type", [io.StringIO, FakeTerminal])
def test_progress_bar_on_a_terminal_and_plain_lines_elsewhere(stream_type, monkeypatch):
    monkeypatch.setattr(progress_module, "REFRESH_SECONDS", 0.0)
    stream = stream_type()
    bar = progress_module.EpochProgress(epoch=2, epochs=5, batches=3, stream=stream)
    for loss, correct in ((0.9, 30), (0.6, 50), (0.3, 60)):
        bar.update(64, loss, correct)
    assert bar.loss == pytest.approx(0.6) and bar.accuracy == pytest.approx(140 / 192)
    bar.finish("epoch 2/5 summary")
    text = stream.getvalue()
    if stream_type is FakeTerminal:
        assert text.count("\r") == 4 and "3/3 batches" in text and "ETA" in text
        assert "img/s" in text and "acc 72.92%" in text and text.endswith("summary\033[K\n")
    else:
        assert text == "epoch 2/5 summary\n"
