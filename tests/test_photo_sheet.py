"""scripts/photo_sheet.py still draws docs/photos.png (into a temporary folder)."""
import importlib.util
from pathlib import Path

import numpy as np
from PIL import Image

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "photo_sheet.py"


def load_script():
    spec = importlib.util.spec_from_file_location("photo_sheet", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_draws_the_sheet_of_photos(tmp_path, capsys):
    assert load_script().main(["--out", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["photos.png"]    # no temporary files left
    assert capsys.readouterr().out.strip() == str(tmp_path / "photos.png")
    with Image.open(tmp_path / "photos.png") as image:
        assert image.format == "PNG" and image.width >= 1200 and image.height >= 700
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50


def test_answer_says_blank_for_paper_with_nothing_on_it():
    module = load_script()

    class Sure:
        def predict_proba(self, x):
            return np.eye(10)[[3] * len(x)]

    assert module.answer(Sure(), np.full((50, 60), 230, np.uint8)) == (None, "blank")
    page = np.full((50, 60), 230, np.uint8)
    page[10:40, 28:32] = 20
    x, said = module.answer(Sure(), page)
    assert x.shape == (28, 28) and said == "3"


def test_a_bad_weights_file_is_one_line_of_error(tmp_path, capsys):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not an npz")
    assert load_script().main(["--out", str(tmp_path), "--weights", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "photos.png").exists()
