"""scripts/chapter_figures.py still draws every picture of docs/why_convolution.md and
docs/derivations.md (into a temporary folder), and its receptive-field rule agrees with the
layers' own backward passes."""
import importlib.util
from pathlib import Path

import numpy as np
from PIL import Image

from numpy_cnn import build_reference_model

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "chapter_figures.py"
CHAPTERS = ("why_convolution.md", "derivations.md")
NAMES = ("stride_padding.png", "channels.png", "receptive_field.png", "full_correlation.png")


def load_script():
    spec = importlib.util.spec_from_file_location("chapter_figures", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_draws_every_picture_the_chapters_show(tmp_path):
    assert load_script().main(["--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(NAMES)   # no temporary files left
    docs = SCRIPT.parent.parent / "docs"
    text = "".join((docs / chapter).read_text() for chapter in CHAPTERS)
    for name in NAMES:
        assert f"]({name})" in text, f"no chapter shows {name}"
        with Image.open(tmp_path / name) as image:
            assert image.format == "PNG" and image.width >= 800 and image.height >= 300
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is None or len(colours) > 10, f"{name} is nearly blank"


def test_receptive_fields_follow_the_rule_and_the_gradient():
    """r_out = r_in + (k - 1) j_in, j_out = j_in s, and pool2 unit (i, i)'s gradient with respect
    to the image is non-zero exactly on rows and columns j*i to j*i + r - 1."""
    model = build_reference_model(np.random.default_rng(3), dtype=np.float64)
    fields = load_script().receptive_fields(model, "pool2")
    assert fields == [("conv1", 3, 1), ("pool1", 4, 2), ("conv2", 8, 2), ("pool2", 10, 4)]
    _, r, j = fields[-1]
    conv1, pool1, relu1, conv2, pool2 = model.layers[:5]
    h = np.random.default_rng(4).random((1, 28, 28, 1))
    for layer in model.layers[:5]:
        h = layer.forward(h)
    for i in range(h.shape[1]):
        d = np.zeros_like(h)
        d[0, i, i, :] = 1.0
        d = conv1.input_gradient(pool1.backward(relu1.backward(conv2.backward(pool2.backward(d)))))
        expected = np.zeros((28, 28), dtype=bool)
        expected[j * i:j * i + r, j * i:j * i + r] = True
        assert np.array_equal(d[0, :, :, 0] != 0, expected), f"pool2 unit ({i}, {i})"
