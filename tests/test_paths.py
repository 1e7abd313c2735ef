"""numpy_cnn.paths: the shipped weights are found in a checkout's top-level weights/ folder, and
the wheel's package list (pyproject.toml) carries every subpackage and maps weights/ into it."""
import tomllib
from pathlib import Path

from numpy_cnn import paths

REPO = Path(__file__).resolve().parent.parent


def test_a_checkout_reads_the_shipped_weights_from_the_top_level_weights_folder():
    assert paths.SHIPPED_WEIGHTS == REPO / "weights" / "mnist_cnn.npz"
    assert paths.SHIPPED_WEIGHTS.is_file()
    assert not (REPO / "numpy_cnn" / "weights").exists()       # one copy in the repository


def test_an_installed_copy_reads_them_from_inside_the_package(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"                  # no pyproject.toml beside the package
    (site / "numpy_cnn" / "weights").mkdir(parents=True)
    monkeypatch.setattr(paths, "PACKAGE_DIR", site / "numpy_cnn")
    monkeypatch.setattr(paths, "REPO_DIR", site)
    assert paths.shipped_weights_dir() == site / "numpy_cnn" / "weights"


def test_the_wheel_lists_every_subpackage_and_maps_the_weights_folder():
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(REPO).parts)
             for p in (REPO / "numpy_cnn").rglob("__init__.py")}
    assert found <= set(setuptools["packages"]), found - set(setuptools["packages"])
    assert setuptools["package-dir"]["numpy_cnn.weights"] == "weights"
    assert "numpy_cnn.weights" in setuptools["packages"]
