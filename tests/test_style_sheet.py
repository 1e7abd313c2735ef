"""scripts/style_sheet.py still draws docs/styles.png and docs/drawn_styles.png (into a
temporary folder)."""
import importlib.util
from pathlib import Path

import numpy as np
from PIL import Image

from benchmarks import handwriting_sets as hs
from numpy_cnn import drawn_digits

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "style_sheet.py"


def load_script():
    spec = importlib.util.spec_from_file_location("style_sheet", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_draws_both_sheets(tmp_path, capsys):
    assert load_script().main(["--out", str(tmp_path)]) == 0
    names = ["drawn_styles.png", "styles.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == names      # no temporary files left
    assert capsys.readouterr().out.split() == [str(tmp_path / n) for n in names[::-1]]
    for name in names:
        with Image.open(tmp_path / name) as image:
            assert image.format == "PNG" and image.width >= 1000 and image.height >= 1500
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is None or len(colours) > 50


def test_a_panel_per_benchmark_style_and_per_training_template():
    module = load_script()
    styles = hs.style_set(np.random.default_rng(0))
    panels = module.benchmark_panels(styles)
    assert [name for name, _, _ in panels] == list(hs.DIGIT_TEMPLATES)
    assert all(len(images) == len(module.MANNERS) for _, _, images in panels)
    assert all(digit == hs.DIGIT_TEMPLATES[name][0] for name, digit, _ in panels)
    training = module.training_panels(np.random.default_rng(0), examples=2)
    assert [name for name, _, _ in training] == [
        name for digit in range(10) for name in drawn_digits.style_names(digit)]
    assert all(np.asarray(image).max() == 255 for _, _, images in training for image in images)


def test_answer_says_blank_for_an_empty_canvas():
    class Sure:
        def predict_proba(self, x):
            return np.eye(10)[[3] * len(x)]

    module = load_script()
    assert module.answer(Sure(), np.zeros((280, 280), np.uint8)) == (None, "blank")
    canvas = np.zeros((280, 280), np.uint8)
    canvas[60:220, 130:150] = 255
    x, said = module.answer(Sure(), canvas)
    assert x.shape == (28, 28) and said == "3"


def test_a_bad_weights_file_is_one_line_of_error(tmp_path, capsys):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not an npz")
    assert load_script().main(["--out", str(tmp_path), "--weights", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "styles.png").exists()
