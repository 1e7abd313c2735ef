"""scripts/tour_figures.py still draws every picture of docs/tour.md (into a temporary folder)."""
import importlib.util
from pathlib import Path

from PIL import Image

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "tour_figures.py"
NAMES = ("im2col.png", "col2im.png", "maxpool_routing.png", "tour_features.png")


def load_script():
    spec = importlib.util.spec_from_file_location("tour_figures", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_draws_every_picture_the_tour_shows(tmp_path, capsys):
    assert load_script().main(["--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(NAMES)   # no temporary files left
    tour = (SCRIPT.parent.parent / "docs" / "tour.md").read_text()
    for name in NAMES:
        assert f"]({name})" in tour, f"docs/tour.md does not show {name}"
        with Image.open(tmp_path / name) as image:
            assert image.format == "PNG" and image.width >= 800 and image.height >= 300
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is None or len(colours) > 10, f"{name} is nearly blank"
