"""The training command, end to end: it learns, writes everything, resumes bit for bit, is
reproducible, and stops cleanly on Ctrl-C and on a diverging loss."""
import functools
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import numpy_cnn
from numpy_cnn import load, paths, report, storage, train
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


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A per-user folder of this test's own: its runs/ holds only the runs this test makes."""
    monkeypatch.setenv(paths.HOME_VARIABLE, str(tmp_path / "home"))
    return tmp_path / "home"


def fingerprint(folder):
    """{file name: SHA-256} of every file in folder."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def history(out):
    """The per-epoch records kept in the checkpoint of the run that writes `out`."""
    return train.read_checkpoint(train.checkpoint_path(out))[0]["history"]


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
    assert train.REPORT_FIGURES == FIGURES          # what --out checks before replacing
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
    options = TINY + ["--lr-decay", "none"]
    assert train.main(options + ["--epochs", "2", "--out", str(tmp_path / "straight.npz")]) == 0
    out = str(tmp_path / "resumed.npz")
    assert train.main(options + ["--epochs", "1", "--out", out]) == 0
    assert train.main(["--resume", "--epochs", "2", "--out", out]) == 0
    assert_same_weights(tmp_path / "straight.npz", out)


def test_extending_a_finished_cosine_run_keeps_its_final_small_rate(tmp_path, quick):
    """The cosine is defined over the run's first --epochs: epochs added by --resume --epochs
    continue at its last rate, they do not jump back up (the old behaviour gave 2.5e-4 here)."""
    out = str(tmp_path / "m.npz")
    assert train.main(TINY + ["--epochs", "2", "--lr-decay", "cosine", "--out", out]) == 0
    assert train.main(["--resume", "--epochs", "4", "--out", out]) == 0
    rates = [record["lr"] for record in history(out)]
    assert rates == pytest.approx([1e-3, 5e-4, 5e-4, 5e-4])


def test_resuming_a_finished_run_without_more_epochs_says_so(tmp_path, quick, capsys):
    out = str(tmp_path / "m.npz")
    assert train.main(TINY + ["--epochs", "1", "--out", out]) == 0
    capsys.readouterr()
    assert train.main(["--resume", "--out", out]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "add --epochs N with N above 1" in err


def test_resume_refuses_changed_settings(tmp_path, quick, capsys):
    out = str(tmp_path / "m.npz")
    assert train.main(TINY + ["--epochs", "1", "--out", out]) == 0
    with pytest.raises(SystemExit) as exit_info:
        train.main(["--resume", "--lr", "0.01", "--out", out])
    assert exit_info.value.code == 2 and "--lr 0.001" in capsys.readouterr().err


def test_resume_a_checkpoint_made_before_a_setting_existed(tmp_path, quick, capsys):
    """A checkpoint from before --drawn and --outliers resumes with their defaults (none)."""
    out = tmp_path / "m.npz"
    assert train.main(TINY + ["--epochs", "1", "--out", str(out)]) == 0
    state, arrays = train.read_checkpoint(train.checkpoint_path(out))
    for name in ("drawn", "outliers"):
        del state["settings"][name]
    arrays["__state__"] = np.array(json.dumps(state))
    storage.atomic_savez(train.checkpoint_path(out), arrays)
    assert train.main(["--resume", "--epochs", "2", "--out", str(out)]) == 0
    assert "Resuming" in capsys.readouterr().out


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
                                 ["--limit", "0"], ["--outliers", "-0.1"], ["--outliers", "2"],
                                 ["--drawn", "-1"]])
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


def test_outlier_exposure_makes_the_network_unsure_of_non_digits(tmp_path, quick):
    """The same short run with and without --outliers: on non-digits it has never seen (drawn
    by another generator seed), the exposed network's top probability is clearly lower, while
    it still reads the digits."""
    from numpy_cnn.outliers import outlier_bank
    unseen = outlier_bank(200, np.random.default_rng(99))
    top = {}
    for name, extra in (("plain", []), ("exposed", ["--outliers", "0.5"])):
        out = tmp_path / f"{name}.npz"
        assert train.main(["--limit", "2000", "--epochs", "2", "--val-split", "128",
                           "--test-limit", "500", "--out", str(out), *extra]) == 0
        model = load(out)
        top[name] = model.predict_proba(unseen).max(axis=1).mean()
        _, _, x_test, y_test = load_mnist()
        assert (model.predict(x_test[:500]) == y_test[:500]).mean() > 0.85
    assert top["exposed"] < top["plain"] - 0.2, top


def test_extra_banks_are_the_same_for_a_run_and_its_resumption():
    args = train.parse_args(["--outliers", "0.25", "--drawn", "0.5", "--seed", "3"])
    a, b = train.make_extras(args, 400), train.make_extras(args, 400)
    (drawn, drawn_labels, f_drawn), (others, other_labels, f_others) = a
    assert (f_drawn, f_others) == (0.5, 0.25)
    assert drawn.shape == (200, 28, 28) and others.shape == (100, 28, 28)
    assert np.array_equal(drawn_labels, np.arange(200) % 10) and np.all(other_labels == -1)
    for (x, y, _), (x2, y2, _) in zip(a, b):
        assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert train.make_extras(train.parse_args([]), 400) == []


def test_drawn_digits_join_every_batch_and_accuracy_counts_mnist_only(tmp_path, quick, capsys,
                                                                     monkeypatch):
    seen = []
    real_step = train.train_step
    def spy(trainer, optimizer, x, y, rng, counted=None):
        seen.append((len(x), counted, y[counted:].copy()))
        return real_step(trainer, optimizer, x, y, rng, counted)
    monkeypatch.setattr(train, "train_step", spy)
    out = tmp_path / "drawn.npz"
    assert train.main(["--drawn", "0.5", "--outliers", "0.25", "--epochs", "1", "--out", str(out),
                       *TINY]) == 0
    assert "Drawing 128 drawn digits to train with" in capsys.readouterr().out
    assert [(n, counted) for n, counted, _ in seen] == [(64 + 32 + 16, 64)] * 4
    extra_labels = np.concatenate([labels for _, _, labels in seen])
    assert np.sum(extra_labels == -1) == 4 * 16 and set(extra_labels) - {-1} <= set(range(10))


# ------------------------------------------------------------------ where a run writes

def test_default_run_gets_its_own_folder_and_leaves_the_shipped_weights_alone(
        tmp_path, home, quick, monkeypatch, capsys):
    shipped = fingerprint(paths.SHIPPED_WEIGHTS.parent)
    monkeypatch.chdir(tmp_path)
    assert train.main(TINY + ["--epochs", "1"]) == 0
    assert fingerprint(paths.SHIPPED_WEIGHTS.parent) == shipped
    assert sorted(os.listdir(tmp_path)) == ["home"]          # nothing where the command ran
    (run,) = (home / "runs").iterdir()
    assert (run / "mnist_cnn.npz").is_file() and train.checkpoint_path(run / "mnist_cnn.npz").is_file()
    out = capsys.readouterr().out
    assert f"Writing to {run}" in out and f"Weights: {run / 'mnist_cnn.npz'}" in out


def test_named_runs_and_resume_alone_continues_the_latest(tmp_path, home, quick, monkeypatch,
                                                         capsys):
    options = TINY + ["--epochs", "2", "--lr-decay", "none"]
    assert train.main(options + ["--out", str(tmp_path / "straight.npz")]) == 0
    assert train.main(TINY + ["--epochs", "1", "--name", "older"]) == 0
    assert train.main(options[:-2] + ["--epochs", "1", "--lr-decay", "none", "--name", "mine"]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit):                   # that name is taken
        train.main(TINY + ["--name", "mine"])
    assert "--resume --name mine" in capsys.readouterr().err
    assert train.main(["--resume", "--epochs", "2"]) == 0    # the most recent run: "mine"
    assert_same_weights(tmp_path / "straight.npz", home / "runs" / "mine" / "mnist_cnn.npz")
    assert len(history(home / "runs" / "older" / "mnist_cnn.npz")) == 1


@pytest.mark.parametrize("name", ["../elsewhere", "a/b", ".."])
def test_a_run_name_must_be_a_plain_folder_name(home, name, capsys):
    with pytest.raises(SystemExit):
        train.parse_args(["--name", name])
    assert "plain folder name" in capsys.readouterr().err


def test_resume_alone_without_any_run_is_one_line(home, capsys):
    with pytest.raises(SystemExit) as exit_info:
        train.main(["--resume"])
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert exit_info.value.code == 2 and "no run with a checkpoint" in err and str(home) in err


def test_out_in_the_shipped_folder_is_refused(tmp_path, quick, monkeypatch, capsys):
    assert train.SHIPPED_WEIGHTS == paths.SHIPPED_WEIGHTS
    # A copy stands in for the shipped folder, so that a regression cannot damage the real one.
    shipped = tmp_path / "package" / "weights"
    shutil.copytree(paths.SHIPPED_WEIGHTS.parent, shipped)
    monkeypatch.setattr(train, "SHIPPED_WEIGHTS", shipped / "mnist_cnn.npz")
    before = fingerprint(shipped)
    for out in (shipped / "mnist_cnn.npz", shipped / "mnist_cnn", shipped / ".." / "weights" / "x.npz"):
        with pytest.raises(SystemExit) as exit_info:
            train.main(TINY + ["--epochs", "1", "--out", str(out)])
        assert exit_info.value.code == 2 and "--replace-shipped" in capsys.readouterr().err
    assert fingerprint(shipped) == before


def test_replace_shipped_copies_the_finished_run_over_the_shipped_files(tmp_path, home, quick,
                                                                        monkeypatch):
    shipped = tmp_path / "package" / "weights" / "mnist_cnn.npz"
    shipped.parent.mkdir(parents=True)
    shipped.write_bytes(b"the old weights")
    monkeypatch.setattr(train, "SHIPPED_WEIGHTS", shipped)

    def write_report(out, *args):          # the JSON only: the figures are tested above
        json_path = Path(out).with_suffix(".json")
        json_path.write_text("{}")
        return [json_path]
    monkeypatch.setattr(report, "write_run_report", write_report)
    assert train.main(TINY + ["--epochs", "1", "--replace-shipped"]) == 0
    (run,) = (home / "runs").iterdir()
    assert shipped.read_bytes() == (run / "mnist_cnn.npz").read_bytes()
    assert (shipped.parent / "mnist_cnn.json").read_text() == "{}"
    assert sorted(os.listdir(shipped.parent)) == ["mnist_cnn.json", "mnist_cnn.npz"]   # no temps


@pytest.mark.parametrize("make_bad_out", [
    lambda tmp: tmp,                                          # a folder
    lambda tmp: (tmp / "a-file").write_text("x") and tmp / "a-file" / "m.npz",   # under a file
], ids=["folder", "under-a-file"])
def test_unwritable_out_is_refused_before_training(tmp_path, make_bad_out, monkeypatch, capsys):
    monkeypatch.setattr(train, "load_mnist", lambda *args: pytest.fail("training started"))
    out = make_bad_out(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        train.main(TINY + ["--epochs", "1", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert exit_info.value.code == 2 and str(out) in err and ".tmp" not in err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a POSIX user for whom permissions apply (root ignores them)")
def test_read_only_folder_is_refused_before_training(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(train, "load_mnist", lambda *args: pytest.fail("training started"))
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    with pytest.raises(SystemExit):
        train.main(TINY + ["--epochs", "1", "--out", str(folder / "m.npz")])
    assert "not writable" in capsys.readouterr().err


def test_more_workers_than_cores_are_refused(capsys):
    with pytest.raises(SystemExit):
        train.parse_args(["--workers", str((os.cpu_count() or 1) + 1)])
    assert f"has {os.cpu_count()} cores" in capsys.readouterr().err


def test_a_mistyped_data_dir_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        train.parse_args(["--data-dir", str(tmp_path / "dta")])
    assert "no such folder" in capsys.readouterr().err
    assert not (tmp_path / "dta").exists()


def test_a_huge_loss_is_printed_readably():
    record = {"epoch": 1, "lr": 1e-3, "train_loss": 1.2345678e30, "train_accuracy": 0.1,
              "val_loss": None, "val_accuracy": None, "test_loss": 2.5, "test_accuracy": 0.1,
              "seconds": 1.0}
    line = progress_module.epoch_line(record, 5)
    assert "train loss 1.235e+30" in line and "test loss 2.5000" in line and len(line) < 120


def test_progress_lines_every_few_seconds_off_a_terminal(monkeypatch):
    stream = io.StringIO()
    bar = progress_module.EpochProgress(epoch=1, epochs=2, batches=3, stream=stream, every=0.0)
    for _ in range(3):
        bar.update(64, 0.5, 32)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3 and lines[1].startswith("epoch 1/2 [") and "2/3 batches" in lines[1]
    assert "loss 0.5000" in lines[1] and "ETA" in lines[1] and "\r" not in stream.getvalue()


# ------------------------------------------------------------------ fine-tuning: --init, --extra

def save_png(pixels, path):
    """A uint8 (28, 28) digit as a PNG file (the folders --extra reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)
    return path


@pytest.fixture(scope="module")
def seven():
    """The first MNIST test digit, a 7 the shipped network reads."""
    return load_mnist()[2][0]


FINE_TUNE = ["--limit", "256", "--val-split", "128", "--test-limit", "128", "--lr", "1e-3",
             "--extra-fraction", "0.5", "--outliers", "0.1"]


def test_fine_tuning_on_an_extra_folder_teaches_its_digit(tmp_path, quick, seven, capsys):
    """A 7 labelled 3 in the folder: started from the shipped weights, a short fine-tuning
    changes the weights and makes the network read that drawing as a 3."""
    save_png(seven, tmp_path / "mine" / "3" / "seven.png")
    shipped = load(paths.SHIPPED_WEIGHTS)
    assert shipped.predict(seven[None])[0] == 7
    out = tmp_path / "tuned.npz"
    assert train.main(FINE_TUNE + ["--epochs", "3", "--init", str(paths.SHIPPED_WEIGHTS),
                                   "--extra", str(tmp_path / "mine"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Fine-tuning" in printed and "Read 1 images of digits" in printed
    tuned = load(out)
    assert tuned.predict(seven[None])[0] == 3
    changed = [k for k in shipped.params if not np.array_equal(shipped.params[k], tuned.params[k])]
    assert sorted(changed) == sorted(shipped.params)


def test_fine_tuning_defaults_apply_only_with_init():
    tuning, training = train.parse_args(["--init", "w.npz"]), train.parse_args([])
    for name, value in train.FINE_TUNING_DEFAULTS.items():
        assert getattr(tuning, name) == value and getattr(training, name) != value
    assert tuning.lr < training.lr and tuning.augment and training.outliers == 0
    assert tuning.outliers is None          # decided once the network is loaded: see below
    assert train.parse_args(["--init", "w.npz", "--lr", "0.01", "--no-augment"]).lr == 0.01
    assert train.parse_args(["--init", "w.npz", "--no-augment"]).augment is False


def test_a_broken_image_in_an_extra_folder_is_named_and_skipped(tmp_path, quick, seven, capsys):
    save_png(seven, tmp_path / "mine" / "7" / "good.png")
    broken = tmp_path / "mine" / "7" / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n cut short")
    assert train.main(TINY + ["--epochs", "1", "--extra", str(tmp_path / "mine"),
                              "--out", str(tmp_path / "m.npz")]) == 0
    captured = capsys.readouterr()
    assert f"skipped {broken}" in captured.err and "Read 1 images" in captured.out


def test_an_extra_folder_without_images_is_one_line(tmp_path, quick, capsys):
    (tmp_path / "empty" / "4").mkdir(parents=True)
    assert train.main(TINY + ["--extra", str(tmp_path / "empty"),
                              "--out", str(tmp_path / "m.npz")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "no digit images" in err
    assert not (tmp_path / "m.npz").exists()


def test_init_weights_of_another_network_are_refused(tmp_path, quick, capsys):
    from numpy_cnn.layers import Dense, Flatten
    other = numpy_cnn.Sequential([Flatten(name="f"), Dense(784, 10, name="d",
                                                           rng=np.random.default_rng(0))])
    numpy_cnn.save(other, tmp_path / "other.npz")
    assert train.main(TINY + ["--init", str(tmp_path / "other.npz"),
                              "--out", str(tmp_path / "m.npz")]) == 1
    assert "another network" in capsys.readouterr().err


def test_a_resumed_fine_tuning_keeps_its_extra_images(tmp_path, quick, seven, monkeypatch,
                                                      capsys):
    """The checkpoint holds the --extra images: changing the folder after an interruption does
    not change the run, which ends as the uninterrupted one did; --extra or --init with
    --resume is refused."""
    folder = tmp_path / "mine"
    save_png(seven, folder / "3" / "seven.png")
    options = FINE_TUNE + ["--epochs", "2", "--init", str(paths.SHIPPED_WEIGHTS), "--extra",
                           str(folder), "--no-augment"]
    assert train.main(options + ["--out", str(tmp_path / "straight.npz")]) == 0

    steps, real_step = [], train.train_step
    def interrupt_in_epoch_2(*args):
        steps.append(1)
        if len(steps) == 6:
            raise KeyboardInterrupt
        return real_step(*args)
    monkeypatch.setattr(train, "train_step", interrupt_in_epoch_2)
    out = tmp_path / "resumed.npz"
    assert train.main(options + ["--out", str(out)]) == 130
    monkeypatch.setattr(train, "train_step", real_step)
    save_png(255 - seven, folder / "3" / "seven.png")          # the folder changes meanwhile
    save_png(seven, folder / "5" / "another.png")
    capsys.readouterr()
    for again in (["--extra", str(folder)], ["--init", str(paths.SHIPPED_WEIGHTS)]):
        with pytest.raises(SystemExit):
            train.main(["--resume", "--out", str(out), *again])
        assert "give --init and --extra only to start a run" in capsys.readouterr().err
    assert train.main(["--resume", "--out", str(out)]) == 0
    assert_same_weights(tmp_path / "straight.npz", out)


def test_fine_tuning_mixes_non_digits_in_only_for_a_network_that_flags_them(monkeypatch):
    """--outliers with --init keeps what the network can do: a network that says "not a
    digit" to non-digits gets them in every batch, one that never learned it does not."""
    class Says:
        def __init__(self, top):
            self.top = top

        def predict_proba(self, images):
            p = np.full((len(images), 10), (1 - self.top) / 9)
            p[:, 0] = self.top
            return p
    assert train.outliers_to_keep(Says(0.2), 0) == (train.FINE_TUNING_OUTLIERS, 1.0)
    assert train.outliers_to_keep(Says(0.9), 0) == (0.0, 0.0)


# ------------------------------------------------------------------ issue 23: nothing of the user's lost

def test_out_refuses_to_replace_a_file_that_is_not_an_earlier_runs(tmp_path, quick, capsys):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff a holiday photo")
    (tmp_path / "photo.json").write_text('{"my": "notes"}')
    with pytest.raises(SystemExit) as exit_info:
        train.main(TINY + ["--epochs", "1", "--out", str(photo)])
    err = capsys.readouterr().err.strip().splitlines()
    assert exit_info.value.code == 2 and err[-1].startswith("numpy-cnn train: error: ") and "--force" in err[-1]
    assert str(photo) in err[-1] and str(tmp_path / "photo.json") in err[-1]
    assert photo.read_bytes() == b"\xff\xd8\xff a holiday photo"
    assert (tmp_path / "photo.json").read_text() == '{"my": "notes"}'
    # a report's name taken by a file of the user's, beside weights that do not exist yet
    (tmp_path / "fresh_curves.png").write_bytes(b"my drawing")
    with pytest.raises(SystemExit):
        train.main(TINY + ["--epochs", "1", "--out", str(tmp_path / "fresh.npz")])
    assert "fresh_curves.png" in capsys.readouterr().err
    # --force replaces it, as asked
    assert train.main(TINY + ["--epochs", "1", "--out", str(photo), "--force"]) == 0
    assert storage.load(photo).architecture() == build_reference_model().architecture()


def test_out_replaces_an_earlier_runs_weights_and_report(tmp_path, quick):
    out = tmp_path / "mine.npz"
    assert train.main(TINY + ["--epochs", "1", "--out", str(out)]) == 0    # checkpoint now there
    assert train.main(TINY + ["--epochs", "1", "--out", str(out), "--seed", "1"]) == 0
    out.unlink()                                        # only its checkpoint is left: still ours
    assert train.main(TINY + ["--epochs", "1", "--out", str(out), "--seed", "2"]) == 0


def test_a_second_run_with_the_same_name_stops_at_once(home, capsys):
    first = train.parse_args(TINY + ["--name", "same", "--seed", "1"])
    assert Path(first.out).parent == home / "runs" / "same" and first.claimed.is_dir()
    with pytest.raises(SystemExit) as exit_info:      # started while the first has no file yet
        train.parse_args(TINY + ["--name", "same", "--seed", "2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert exit_info.value.code == 2 and "run folder" in err[-1] and "exists" in err[-1]
    # dated folders: two runs in the same second each get a folder of their own
    a, b = train.parse_args(TINY), train.parse_args(TINY)
    assert a.claimed != b.claimed and a.claimed.is_dir() and b.claimed.is_dir()


def test_a_run_that_writes_nothing_leaves_no_empty_folder(home, quick, monkeypatch, capsys):
    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(storage.np, "savez", no_space)
    assert train.main(TINY + ["--epochs", "1", "--name", "full"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    ckpt = home / "runs" / "full" / "mnist_cnn.ckpt.npz"
    assert len(err) == 1 and f"cannot write {ckpt}: No space left on device" in err[0]
    assert "Nothing was kept" in err[0]
    assert not (home / "runs" / "full").exists()


def test_a_full_disk_while_writing_the_report_names_the_file_and_what_is_kept(tmp_path, quick,
                                                                             monkeypatch, capsys):
    monkeypatch.setattr(report, "write_run_report", REAL_WRITE_RUN_REPORT)
    from matplotlib.figure import Figure

    def no_space(self, *args, **kwargs):
        raise OSError(28, "No space left on device")     # as savefig's own write would, unnamed
    monkeypatch.setattr(Figure, "savefig", no_space)
    out = tmp_path / "m.npz"
    assert train.main(TINY + ["--epochs", "1", "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"cannot write {tmp_path / 'm_curves.png'}" in err[0]
    assert "checkpoint after epoch 1" in err[0] and "numpy-cnn train --resume" in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.ckpt.npz", "m.json"]


REAL_WRITE_RUN_REPORT = report.write_run_report


def test_interrupted_while_writing_the_report_the_printed_command_finishes_it(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(train, "load_mnist", functools.lru_cache(load_mnist))
    def interrupted(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(report, "write_run_report", interrupted)
    out = tmp_path / "sigfig.npz"
    assert train.main(TINY + ["--epochs", "1", "--out", str(out)]) == 130
    hint = capsys.readouterr().err.strip().splitlines()[-1]
    command = hint[hint.index("numpy-cnn train "):].split()[2:]
    monkeypatch.setattr(report, "write_run_report", lambda out, *args: [
        Path(out).with_suffix(".json")] if Path(out).with_suffix(".json").write_text("{}") else [])
    assert train.main(command) == 0
    assert "writing its weights and report" in capsys.readouterr().out
    assert (tmp_path / "sigfig.json").read_text() == "{}"


@pytest.mark.parametrize("bad, said", [(["--lr", "inf"], "finite"), (["--lr", "nan"], "finite"),
                                       (["--extra-fraction", "2"], "--extra-fraction must")])
def test_bad_numbers_are_refused_in_the_options_own_spelling(bad, said, capsys):
    with pytest.raises(SystemExit):
        train.parse_args(bad)
    assert said in capsys.readouterr().err


def test_usage_and_banner_say_what_the_user_runs(home, quick, capsys):
    assert train.build_parser().format_usage().startswith("usage: numpy-cnn train ")
    assert train.main(["--limit", "100", "--test-limit", "10", "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "validation 5,000: the last 5,000 training images, --val-split" in out
    assert "--limit takes the first 100 of the others" in out
