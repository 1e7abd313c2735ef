"""Evaluation (numbers and the evaluate command) and the predict command, on a small network
trained here and, once it exists, on the shipped weights/mnist_cnn.npz."""
import os
import struct
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

import numpy_cnn
from numpy_cnn import __main__ as cli
from numpy_cnn import evaluate as ev
from numpy_cnn import report, train
from numpy_cnn.data import load_mnist
from numpy_cnn.layers import Dense, Flatten
from numpy_cnn.model import Sequential

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "weights" / "mnist_cnn.npz"
shipped_only = pytest.mark.skipif(not SHIPPED.is_file(), reason="weights/mnist_cnn.npz not shipped yet")


@pytest.fixture(scope="module")
def mnist_test():
    _, _, images, labels = load_mnist()
    return images, labels


@pytest.fixture(scope="module")
def small_weights(tmp_path_factory):
    """A network trained for one epoch on 2,000 images by the training command."""
    out = tmp_path_factory.mktemp("small") / "small.npz"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report, "write_run_report", lambda *args: [])    # figures: see test_train
        assert train.main(["--limit", "2000", "--epochs", "1", "--val-split", "0",
                           "--test-limit", "200", "--out", str(out)]) == 0
    return out


def render(digit, path, dark_on_light=True, size=200):
    """Save a 28x28 MNIST digit as a bigger image file, off centre on a wider page."""
    ink = Image.fromarray(digit).resize((size, size), Image.Resampling.BICUBIC)
    page = Image.new("L", (size * 2, int(size * 1.5)), 0)
    page.paste(ink, (size // 3, size // 5))
    if dark_on_light:
        page = Image.fromarray(255 - np.asarray(page))
    page.convert("RGB").save(path)
    return path


def sure_digits(model, images, labels, count=5):
    """Indices of test digits the model reads right with probability > 0.95."""
    p = model.predict_proba(images[:100])
    good = np.flatnonzero((p.argmax(axis=1) == labels[:100]) & (p.max(axis=1) > 0.95))
    return good[:count]


# ------------------------------------------------------------------ the numbers

def test_confusion_matrix_counts_pairs():
    cm = ev.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], classes=3)
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_evaluation_accuracy_per_class_and_confident_mistakes():
    probabilities = np.full((4, 10), 0.01)
    probabilities[[0, 1, 2, 3], [3, 5, 7, 3]] = [0.9, 0.6, 0.95, 0.8]
    result = ev.Evaluation(0.5, probabilities, np.array([3, 3, 1, 3]))
    assert result.accuracy == 0.5
    assert result.per_class_accuracy[3] == pytest.approx(2 / 3)
    assert result.per_class_accuracy[1] == 0.0
    assert result.confident_mistakes().tolist() == [2, 1]      # 95% wrong first, then 60%
    table = ev.format_confusion(result.confusion)
    assert len(table.splitlines()) == 11 and "66.67%" in table


def test_evaluate_matches_the_model_and_the_loss(mnist_test):
    images, labels = mnist_test[0][:300], mnist_test[1][:300]
    model = numpy_cnn.build_reference_model(np.random.default_rng(0))
    result = ev.evaluate(model, images, labels, batch_size=128)
    np.testing.assert_allclose(result.probabilities, model.predict_proba(images), atol=1e-6)
    loss, _ = numpy_cnn.softmax_cross_entropy(model.forward(model.as_input(images)), labels)
    assert result.loss == pytest.approx(loss, rel=1e-5)


# ------------------------------------------------------------------ the commands

def test_evaluate_command_prints_the_report(small_weights, capsys):
    assert ev.main(["--weights", str(small_weights), "--limit", "500"]) == 0
    out = capsys.readouterr().out
    accuracy = float(out.split("Accuracy on the test set: ")[1].split("%")[0]) / 100
    assert accuracy > 0.8
    assert "Per-class accuracy" in out and "Confusion matrix" in out
    assert "most confident mistakes" in out


def test_evaluate_command_bad_weights_is_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.npz"
    bad.write_text("not weights")
    assert ev.main(["--weights", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("limit", ["0", "-5"])
def test_evaluate_refuses_a_limit_below_one(limit, capsys):
    with pytest.raises(SystemExit) as exit_info:
        ev.main(["--limit", limit])
    assert exit_info.value.code == 2 and "--limit must be at least 1" in capsys.readouterr().err


def test_evaluate_refuses_a_mistyped_data_dir_and_creates_nothing(tmp_path, capsys):
    with pytest.raises(SystemExit):
        ev.main(["--data-dir", str(tmp_path / "dta")])
    assert "no such folder" in capsys.readouterr().err and os.listdir(tmp_path) == []


def test_evaluate_needs_only_the_test_files(small_weights, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NUMPY_CNN_MNIST_MIRRORS", "http://127.0.0.1:9/")   # no download possible
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (tmp_path / name).symlink_to(REPO / "data" / name)
    assert ev.main(["--weights", str(small_weights), "--data-dir", str(tmp_path),
                    "--limit", "100"]) == 0
    assert "(" in capsys.readouterr().out and len(os.listdir(tmp_path)) == 2


def test_evaluate_and_predict_say_a_folder_is_not_weights(tmp_path, capsys):
    assert ev.main(["--weights", str(tmp_path)]) == 1
    assert cli.main(["predict", "any.png", "--weights", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all("is a folder, not a weights file" in line for line in err)


def test_evaluate_and_predict_refuse_a_network_that_does_not_read_digits(tmp_path, capsys):
    five = Sequential([Flatten(name="f"), Dense(784, 5, name="d", rng=np.random.default_rng(0))])
    numpy_cnn.save(five, tmp_path / "five.npz")
    image = tmp_path / "digit.png"
    Image.new("L", (40, 40), 0).save(image)
    assert ev.main(["--weights", str(tmp_path / "five.npz"), "--limit", "10"]) == 1
    assert cli.main(["predict", str(image), "--weights", str(tmp_path / "five.npz")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all("10 classes out" in line for line in err)


def test_predict_reads_rendered_digits(small_weights, mnist_test, tmp_path, capsys):
    images, labels = mnist_test
    chosen = sure_digits(numpy_cnn.load(small_weights), images, labels)
    assert len(chosen) >= 3
    paths = [str(render(images[i], tmp_path / f"digit{i}.png", dark_on_light=i % 2 == 0))
             for i in chosen]
    assert cli.main(["predict", *paths, "--weights", str(small_weights)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [int(line.split(": ")[1][0]) for line in lines] == labels[chosen].tolist()
    assert all("top 3:" in line for line in lines)


def test_predict_turns_sideways_photos_upright(small_weights, mnist_test, tmp_path, capsys):
    images, labels = mnist_test
    i = sure_digits(numpy_cnn.load(small_weights), images, labels, count=1)[0]
    upright = Image.open(render(images[i], tmp_path / "upright.png"))
    exif = Image.Exif()
    exif[0x0112] = 6                       # EXIF orientation: turn 90 degrees clockwise to view
    upright.rotate(90, expand=True).save(tmp_path / "sideways.jpg", exif=exif)
    assert cli.main(["predict", str(tmp_path / "sideways.jpg"), "--weights", str(small_weights)]) == 0
    assert capsys.readouterr().out.split(": ")[1][0] == str(labels[i])


def test_predict_bad_inputs_give_one_line_errors(small_weights, tmp_path, capsys):
    blank = tmp_path / "blank.png"
    Image.new("L", (60, 60), 255).save(blank)
    junk = tmp_path / "junk.png"
    junk.write_text("not an image")
    code = cli.main(["predict", str(blank), str(junk), str(tmp_path / "missing.png"),
                     "--weights", str(small_weights)])
    assert code == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("error: ") for line in err)
    assert "blank" in err[0] and "not an image" in err[1] and "no such file" in err[2]


def test_predict_says_it_reads_only_the_first_frame_of_an_animation(small_weights, mnist_test,
                                                                      tmp_path, capsys):
    images, labels = mnist_test
    i = sure_digits(numpy_cnn.load(small_weights), images, labels, count=1)[0]
    first = Image.open(render(images[i], tmp_path / "digit.png")).convert("L")
    gif = tmp_path / "animated.gif"
    first.save(gif, save_all=True, append_images=[Image.new("L", first.size, 255)])
    assert cli.main(["predict", str(gif), "--weights", str(small_weights)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{gif}: {labels[i]} (")
    assert err == f"note: {gif}: 2 frames: only the first one is read\n"


def huge_png(path, side):
    """A black 1-bit PNG of side x side pixels: a small file that would decode to side**2 bytes."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)     # 1 bit, grey
    rows = (b"\x00" + bytes((side + 7) // 8)) * side                  # filter byte + pixels
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("side", [10000, 14000])   # above Pillow's limit, and above twice it
def test_predict_refuses_a_huge_image_in_one_line(small_weights, tmp_path, capsys, side):
    image = huge_png(tmp_path / "huge.png", side)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cli.main(["predict", str(image), "--weights", str(small_weights)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert not caught, [str(w.message) for w in caught]
    assert len(err) == 1 and err[0].startswith(f"error: {image}: too large")


def test_predict_as_a_real_command(small_weights, mnist_test, tmp_path):
    images, labels = mnist_test
    i = sure_digits(numpy_cnn.load(small_weights), images, labels, count=1)[0]
    good = render(images[i], tmp_path / "digit.png")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "numpy_cnn", "predict", str(good),
                           "--weights", str(small_weights)], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith(f"{good}: {labels[i]} (")
    failed = subprocess.run([sys.executable, "-m", "numpy_cnn", "predict", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ the shipped weights

@shipped_only
def test_shipped_weights_beat_99_percent(mnist_test):
    images, labels = mnist_test
    assert ev.evaluate(numpy_cnn.load(SHIPPED), images, labels).accuracy > 0.99


def test_a_prediction_without_a_clear_winner_reads_not_a_digit():
    p = np.array([0.05, 0.22, 0.05, 0.05, 0.25, 0.08, 0.05, 0.15, 0.05, 0.05])
    assert cli.format_prediction("x.png", p) == "x.png: not a digit   top 3: 4 25.0%, 1 22.0%, 7 15.0%"
    assert cli.format_prediction("y.png", np.eye(10)[3]).startswith("y.png: 3 (100.0%)")


def draw_page(path, strokes, width=18, dots=()):
    """Draw strokes (lists of points) and round dots (centres) in black on a white 280x280 page,
    as a PNG. (PIL draws a very short line as a thin sliver across it, not as a dot.)"""
    page = Image.new("L", (280, 280), 255)
    pen = ImageDraw.Draw(page)
    for stroke in strokes:
        pen.line(stroke, fill=0, width=width, joint="curve")
    for x, y in dots:
        pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=0)
    page.save(path)
    return str(path)


@shipped_only
def test_predict_says_not_a_digit_for_drawings_that_are_none(tmp_path, capsys):
    plus = [[(140, 40), (140, 240)], [(40, 140), (240, 140)]]
    smiley = [[(140 + 100 * np.cos(a), 140 + 100 * np.sin(a)) for a in np.linspace(0, 6.3, 40)],
              [(90 + x, 180 + 0.006 * (x - 50) ** 2 * -1 + 15) for x in range(0, 101, 10)]]
    eyes = [(106, 106), (176, 106)]
    hash_sign = [[(110, 40), (100, 240)], [(180, 40), (170, 240)],
                 [(50, 110), (240, 110)], [(40, 180), (230, 180)]]
    paths = [draw_page(tmp_path / f"{name}.png", strokes, dots=dots)
             for name, strokes, dots in (("plus", plus, ()), ("smiley", smiley, eyes),
                                         ("hash", hash_sign, ()))]
    assert cli.main(["predict", *paths]) == 0            # still a success: the files were read
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(": not a digit   top 3: " in line for line in lines), lines


@shipped_only
def test_predict_with_shipped_weights(mnist_test, tmp_path, capsys):
    images, labels = mnist_test
    paths = [str(render(images[i], tmp_path / f"d{i}.png", dark_on_light=i % 2 == 0))
             for i in range(10)]
    assert cli.main(["predict", *paths]) == 0             # default weights: the shipped file
    lines = capsys.readouterr().out.splitlines()
    read = [int(line.split(": ")[1][0]) for line in lines]
    assert np.mean(np.array(read) == labels[:10]) >= 0.9
