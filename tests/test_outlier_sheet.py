"""scripts/outlier_sheet.py still draws docs/outliers.png (into a temporary folder)."""
import importlib.util
from pathlib import Path

import numpy as np
from PIL import Image

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "outlier_sheet.py"


def load_script():
    spec = importlib.util.spec_from_file_location("outlier_sheet", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_draws_the_sheet_of_outliers(tmp_path, capsys):
    assert load_script().main(["--out", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["outliers.png"]    # no temporary files left
    assert capsys.readouterr().out.strip() == str(tmp_path / "outliers.png")
    with Image.open(tmp_path / "outliers.png") as image:
        assert image.format == "PNG" and image.width >= 900 and image.height >= 900
        assert len(np.unique(np.asarray(image.convert("L")))) > 50


def test_examples_are_network_inputs_of_the_kind_asked_for():
    module = load_script()
    images = module.examples("letter", np.random.default_rng(0), count=4)
    assert images.shape == (4, 28, 28) and images.min() >= 0 and images.max() <= 1
    assert np.all(images.max(axis=(1, 2)) > 0.5)
    again = module.examples("letter", np.random.default_rng(0), count=4)
    assert np.array_equal(images, again)
