"""`python -m numpy_cnn explain`: the digit and its confidence on one line per image, and a
figure per image, written atomically and never over a file it did not write."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import numpy_cnn
from numpy_cnn import __main__ as cli
from numpy_cnn import explain
from numpy_cnn.data import load_mnist
from numpy_cnn.paths import SHIPPED_WEIGHTS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def digits():
    """Two MNIST test digits, (28, 28) uint8, and their labels."""
    _, _, images, labels = load_mnist()
    return images[:2], labels[:2]


def save_digit(path, digit, dark_on_light=False, size=140):
    """A digit as an image file, enlarged, the way a person would scan or photograph it."""
    image = Image.fromarray(255 - digit if dark_on_light else digit).resize((size, size))
    image.save(path)
    return path


def test_explain_names_the_digit_and_writes_its_figure(digits, tmp_path, capsys):
    (first, second), (label1, label2) = digits
    seven = save_digit(tmp_path / "seven.png", first, dark_on_light=True)
    other = save_digit(tmp_path / "other.jpg", second)
    out = tmp_path / "figures"
    assert cli.main(["explain", str(seven), str(other), "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{seven}: {label1} (") and lines[1].startswith(f"{other}: {label2} (")
    for name in ("seven", "other"):
        figure = out / f"{name}{explain.SUFFIX}"
        assert any(line.endswith(f"->  {figure}") for line in lines)
        assert figure.read_bytes()[:8] == PNG_MAGIC
        with Image.open(figure) as png:
            assert png.info["Software"] == explain.SOFTWARE and png.size == (1400, 940)
    assert sorted(p.name for p in out.iterdir()) == ["other_explained.png", "seven_explained.png"]


def test_figure_for_notebooks(digits):
    model = numpy_cnn.load(SHIPPED_WEIGHTS)
    fig = explain.figure(model, digits[0][0], name="a test digit")
    assert fig.get_suptitle().startswith(f"a test digit: read as {digits[1][0]} (")
    np.testing.assert_allclose(fig.probabilities, model.predict_proba(digits[0][0])[0], rtol=1e-5)
    titles = [axes.get_title() for axes in fig.axes]
    assert "conv1 (Conv2D) \u2192 (26, 26, 32)" in titles
    assert "conv2 (Conv2D) \u2192 (11, 11, 64)" in titles
    assert "saliency: d score / d pixel" in titles and "Grad-CAM on conv2" in titles


def test_explain_replaces_its_own_figures_only(digits, tmp_path, capsys):
    seven = save_digit(tmp_path / "seven.png", digits[0][0])
    assert cli.main(["explain", str(seven), "--out", str(tmp_path)]) == 0
    figure = tmp_path / "seven_explained.png"
    first = figure.stat().st_mtime_ns
    assert cli.main(["explain", str(seven), "--out", str(tmp_path)]) == 0    # its own: replaced
    assert figure.stat().st_mtime_ns >= first
    figure.write_text("my notes")                                            # not its own
    capsys.readouterr()
    assert cli.main(["explain", str(seven), "--out", str(tmp_path)]) == 1
    assert figure.read_text() == "my notes"
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "not a figure of `explain`" in error


def test_two_images_with_one_name_do_not_overwrite_each_other(digits, tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = save_digit(tmp_path / "a" / "digit.png", digits[0][0])
    second = save_digit(tmp_path / "b" / "digit.png", digits[0][1])
    out = tmp_path / "out"
    assert cli.main(["explain", str(first), str(second), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(str(first)) and f"written for {first}" in captured.err


def test_bad_inputs_give_one_line_errors(tmp_path, capsys):
    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(blank)
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image")
    code = cli.main(["explain", str(blank), str(junk), str(tmp_path / "missing.png"),
                     "--out", str(tmp_path / "out")])
    errors = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(errors) == 3 and all(e.startswith("error: ") for e in errors)
    assert "blank" in errors[0] and "no such file" in errors[2]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    bad_weights = tmp_path / "w.npz"
    bad_weights.write_bytes(b"junk")
    assert cli.main(["explain", str(blank), "--weights", str(bad_weights)]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert cli.main(["explain", str(blank), "--out", str(junk)]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err


def test_explain_as_a_real_command(digits, tmp_path):
    seven = save_digit(tmp_path / "seven.png", digits[0][0])
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    done = subprocess.run([sys.executable, "-m", "numpy_cnn", "explain", str(seven)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{seven}: {digits[1][0]} (")
    assert (tmp_path / "seven_explained.png").is_file()          # default: the current folder


# ------------------------------------------------------------------ issue 23

def noise_image(path, seed):
    """Salt-and-pepper noise, 100x100: no digit at all."""
    rng = np.random.default_rng(seed)
    Image.fromarray((rng.random((100, 100)) < 0.3).astype(np.uint8) * 255).save(path)
    return path


def test_explain_says_not_a_digit_exactly_when_predict_does(digits, tmp_path, capsys):
    images = [str(noise_image(tmp_path / f"noise{seed}.png", seed)) for seed in range(4)]
    images.append(str(save_digit(tmp_path / "seven.png", digits[0][0])))
    assert cli.main(["predict", *images]) == 0
    predicted = [line.split("   top")[0] for line in capsys.readouterr().out.splitlines()]
    assert cli.main(["explain", *images, "--out", str(tmp_path / "out")]) == 0
    explained = capsys.readouterr().out.splitlines()
    assert sum("not a digit" in line for line in predicted) >= 2          # the case at hand
    for said, line in zip(predicted, explained):
        assert line.startswith(said)             # "noise0.png: not a digit" / "seven.png: 7 (..%)"
    model = numpy_cnn.load(SHIPPED_WEIGHTS)
    fig = explain.figure(model, cli.read_digit(images[0]), name="noise")
    assert fig.get_suptitle().startswith("noise: read as not a digit (closest: ")


def test_an_out_folder_that_cannot_be_written_is_one_line_before_any_image(digits, tmp_path,
                                                                             capsys):
    seven = str(save_digit(tmp_path / "seven.png", digits[0][0]))
    (tmp_path / "a-file").write_text("x")
    for out in ("/proc/1/foo", str(tmp_path / "a-file" / "figures")):
        assert cli.main(["explain", seven, seven, "--out", out]) == 1
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.count("\n") == 1
        assert captured.err.startswith(f"error: --out {out}: cannot write")


def test_a_network_without_the_reference_layers_is_one_line(digits, tmp_path, capsys):
    from numpy_cnn.layers import Dense, Flatten, ReLU
    from numpy_cnn.model import Sequential
    rng = np.random.default_rng(0)
    mlp = Sequential([Flatten(name="flat"), Dense(784, 32, name="hidden", rng=rng),
                      ReLU(name="relu"), Dense(32, 10, name="out", rng=rng)])
    weights = tmp_path / "mlp.npz"
    numpy_cnn.storage.save(mlp, weights)
    seven = str(save_digit(tmp_path / "seven.png", digits[0][0]))
    assert cli.main(["predict", seven, "--weights", str(weights)]) == 0     # accepted there
    capsys.readouterr()
    assert cli.main(["explain", seven, "--weights", str(weights), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no convolution" not in err and "flat, hidden" in err
    assert not (tmp_path / "seven_explained.png").exists()
