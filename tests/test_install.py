"""The wheel, installed as a user installs it (pip install, not editable), works from any folder.

The module's fixture builds the wheel from a copy of the sources, installs it into a fresh
virtual environment (numpy, pillow and matplotlib come from pip's usual sources: its cache or
its index) and gives each command a temporary working folder and a temporary per-user folder
($NUMPY_CNN_HOME), where the MNIST files are links to the repository's data/, so nothing is
downloaded. It takes 30 s to a minute, most of it pip's.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from numpy_cnn.data import MNIST_SHA256, load_mnist_test

REPO = Path(__file__).resolve().parent.parent
SOURCES = ["pyproject.toml", "README.md", "numpy_cnn", "weights", "gui"]   # gui/: must stay out of the wheel
IGNORED = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.ckpt.npz", ".*")


def pip(*args, cwd=None):
    """Run pip; a failure (e.g. no index reachable) skips the tests, or fails them under CI."""
    done = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=600)
    if done.returncode != 0:
        reason = f"pip {args[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built and installed: SimpleNamespace(wheel, bin, python, home, cwd, run);
    home/mnist holds links to the repository's MNIST files."""
    root = tmp_path_factory.mktemp("install")
    (root / "src").mkdir()
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / "src" / name, ignore=IGNORED)
        else:
            shutil.copy2(source, root / "src" / name)
    pip("wheel", "--no-deps", "--wheel-dir", str(root / "dist"), str(root / "src"))
    (wheel,) = (root / "dist").glob("*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")], check=True)
    bin_dir = root / "venv" / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    pip("--python", str(python), "install", "--no-compile", str(wheel))   # and its dependencies

    home, cwd = root / "home", root / "elsewhere"
    (home / "mnist").mkdir(parents=True)
    for name in MNIST_SHA256:
        (home / "mnist" / f"{name}.gz").symlink_to(REPO / "data" / f"{name}.gz")
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(NUMPY_CNN_MNIST_MIRRORS="http://127.0.0.1:9/")     # nothing is downloaded

    def run(program, *args, timeout=120, user_dir=home):
        """Run a program of the venv from the temporary working folder."""
        return subprocess.run([str(bin_dir / program), *map(str, args)], cwd=cwd,
                              env=dict(env, NUMPY_CNN_HOME=str(user_dir)),
                              capture_output=True, text=True, timeout=timeout)
    return SimpleNamespace(wheel=wheel, bin=bin_dir, python=python, home=home, cwd=cwd, run=run)


def site_weights(installed):
    """The shipped weights as installed, found by the installed package itself."""
    done = installed.run("python", "-c", "from numpy_cnn.paths import SHIPPED_WEIGHTS as w; print(w)")
    return Path(done.stdout.strip())


def test_wheel_holds_the_package_and_its_weights_and_no_generic_names(installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        scripts = wheel.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert {name.split("/")[0] for name in names} == {"numpy_cnn", "numpy_cnn-0.1.0.dist-info"}
    for suffix in (".npz", ".json", "_curves.png", "_confusion.png"):
        assert f"numpy_cnn/weights/mnist_cnn{suffix}" in names
    assert "numpy_cnn/gui/app.py" in names and "numpy_cnn/gui/__main__.py" in names
    assert "numpy-cnn = numpy_cnn.__main__:main" in scripts
    for requirement in ("numpy", "pillow", "matplotlib"):
        assert f"Requires-Dist: {requirement}" in metadata


def test_the_installed_copy_is_the_one_imported(installed):
    done = installed.run("python", "-c", "import numpy_cnn; print(numpy_cnn.__file__)")
    assert Path(done.stdout.strip()).is_relative_to(installed.python.parent.parent)
    assert installed.run("python", "-c", "import gui").returncode != 0


def test_data_lives_in_the_user_folder(installed, tmp_path):
    missing = installed.run("numpy-cnn", "data", "verify", user_dir=tmp_path)
    assert missing.returncode == 1 and str(tmp_path / "mnist") in missing.stdout
    assert list(tmp_path.iterdir()) == []               # verifying creates nothing
    done = installed.run("numpy-cnn", "data", "verify")
    assert done.returncode == 0 and done.stdout.count(" OK") == 4


def test_evaluate_and_predict_use_the_shipped_weights_from_any_folder(installed, tmp_path):
    done = installed.run("numpy-cnn", "evaluate", "--limit", "200")
    assert done.returncode == 0, done.stderr
    assert f"Weights: {site_weights(installed)}" in done.stdout
    assert float(done.stdout.split("Accuracy on the test set: ")[1].split("%")[0]) > 95

    images, labels = load_mnist_test()
    page = Image.fromarray(255 - images[0]).resize((200, 200), Image.Resampling.BICUBIC)
    page.save(tmp_path / "digit.png")
    done = installed.run("numpy-cnn", "predict", tmp_path / "digit.png")
    assert done.returncode == 0 and done.stdout.startswith(f"{tmp_path / 'digit.png'}: {labels[0]} (")


def test_train_writes_a_new_run_in_the_user_folder(installed):
    shipped = site_weights(installed)
    before = hashlib.sha256(shipped.read_bytes()).hexdigest()
    done = installed.run("numpy-cnn", "train", "--limit", "300", "--epochs", "1", "--val-split",
                         "100", "--test-limit", "100", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (run,) = (installed.home / "runs").iterdir()
    assert f"Writing to {run}" in done.stdout and (run / "mnist_cnn.npz").is_file()
    assert (run / "mnist_cnn_curves.png").is_file()
    assert hashlib.sha256(shipped.read_bytes()).hexdigest() == before
    assert list(installed.cwd.iterdir()) == []          # nothing where the command ran


@pytest.mark.parametrize("command", [["numpy-cnn", "draw", "--help"],
                                     ["numpy-cnn-train", "--help"],
                                     ["python", "-m", "numpy_cnn.gui", "--help"],
                                     ["python", "-m", "numpy_cnn", "--help"]],
                         ids=" ".join)
def test_every_entry_point_answers(installed, command):
    done = installed.run(*command)
    assert done.returncode == 0 and done.stdout.startswith("usage:"), done.stderr


def test_the_course_starts_and_checks_from_the_installed_copy(installed, tmp_path):
    """The exercises ship as package data: both copies come from the wheel, and the checks
    (the last one trains on the user folder's MNIST) run with the installed package."""
    done = installed.run("numpy-cnn", "course", "start", tmp_path / "mine")
    assert done.returncode == 0, done.stderr
    done = installed.run("numpy-cnn", "course", "check", tmp_path / "mine", "relu")
    assert (done.returncode, done.stdout) == (1, "relu: not started (ex01_relu.py:25)\n")
    done = installed.run("numpy-cnn", "course", "start", tmp_path / "answers", "--solutions")
    assert done.returncode == 0, done.stderr
    done = installed.run("numpy-cnn", "course", "check", tmp_path / "answers", timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "11 of 11 done"
