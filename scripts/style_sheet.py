"""Draw docs/styles.png, a figure per style of the handwriting benchmark's styles set, and
docs/drawn_styles.png, the same for the pen-drawn training digits:

    python scripts/style_sheet.py [--out DIR] [--weights PATH]      (default docs/, shipped)

styles.png: one panel per style of benchmarks/handwriting_sets.DIGIT_TEMPLATES, its drawing in
each of four manners (plain, slanted, in a corner, very thick), as the benchmark draws them
(benchmarks/handwriting.py's styles set, seed SEED): the 280x280 canvas as the app shows it and,
beside it, what numpy_cnn.preprocess.to_mnist makes of it (the network's 28x28 input) with the
weights' answer under it, as `numpy-cnn predict` would give it (red: wrong).

drawn_styles.png: one panel per template of numpy_cnn.drawn_digits.TEMPLATES, three drawings of
it made as `numpy-cnn train --drawn` makes them (numpy_cnn.drawn_digits.random_drawn_digit, from
default_rng(0)), each beside its 28x28 input and the answer.

tests/test_style_sheet.py draws both into a temporary folder, so this script cannot rot.
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from numpy_cnn import drawn_digits  # noqa: E402
from numpy_cnn.pen import draw_strokes  # noqa: E402

from benchmarks import handwriting as bench  # noqa: E402
from scripts import sheets  # noqa: E402
from scripts.sheets import answer  # noqa: E402

MANNERS = ("plain", "slanted", "in a corner", "very thick")   # the benchmark drawings shown
DRAWN_EXAMPLES = 3                                            # drawings per training template


def benchmark_panels(styles, manners=MANNERS):
    """[(style, digit, [canvas image, ...])]: the first drawing of each style in each manner.
    Inputs: styles -- the benchmark's styles set (benchmarks.handwriting_sets.StrokeSet)."""
    panels = []
    for style in dict.fromkeys(styles.kinds):
        picked = [int(np.flatnonzero((styles.kinds == style) & (styles.manners == m))[0])
                  for m in manners]
        panels.append((str(style), int(styles.labels[picked[0]]),
                       [styles.image(i) for i in picked]))
    return panels


def training_panels(rng, examples=DRAWN_EXAMPLES):
    """[(style, digit, [canvas image, ...])]: examples drawings of every training template."""
    panels = []
    for digit in range(10):
        for style in drawn_digits.style_names(digit):
            images = [draw_strokes(*drawn_digits.random_drawn_digit(digit, rng, style=style))
                      for _ in range(examples)]
            panels.append((style, digit, images))
    return panels


def sheet(model, panels, across, title):
    """The figure: `across` panels a row; in a panel, each canvas beside its 28x28 input and the
    answer under it (red if it is not the panel's digit). Returns a matplotlib Figure."""
    per_panel = len(panels[0][2])
    rows = -(-len(panels) // across)
    columns = across * 2 * per_panel
    height = 1.02 * rows + 0.8
    figure, axes = plt.subplots(rows, columns, figsize=(0.64 * columns, height), squeeze=False)
    for a in axes.flat:
        a.axis("off")
    for k, (style, digit, images) in enumerate(panels):
        r, first = divmod(k, across)
        for j, image in enumerate(images):
            column = (first * per_panel + j) * 2
            big, small = axes[r, column], axes[r, column + 1]
            big.imshow(image, cmap="gray", vmin=0, vmax=255)
            x, said = answer(model, image)
            if x is not None:
                small.imshow(x, cmap="gray", vmin=0, vmax=1)
            small.text(0.5, -0.06, said, transform=small.transAxes, ha="center", va="top",
                       fontsize=8, color="black" if said == str(digit) else "red")
            for a in (big, small):
                a.axis("on")
                a.set_xticks([])
                a.set_yticks([])
        axes[r, first * per_panel * 2].set_title(style, fontsize=9, loc="left")
    figure.suptitle(title, fontsize=11, y=1 - 0.12 / height, va="top")
    figure.subplots_adjust(left=0.01, right=0.99, top=1 - 1.0 / height, bottom=0.02,
                           wspace=0.08, hspace=0.75)
    return figure


def main(argv=None):
    args = sheets.parser(__doc__).parse_args(argv)
    model = sheets.load_weights(args.weights)
    if model is None:
        return 1
    figures = {
        "styles.png": sheet(model, benchmark_panels(bench.make_set("styles")), 2,
                            "The styles benchmark (benchmarks/handwriting_sets.py): each style "
                            "plain, slanted, in a corner and very thick\nbeside each canvas, what "
                            "to_mnist makes of it, and the answer under it (red: wrong)"),
        "drawn_styles.png": sheet(model, training_panels(np.random.default_rng(0)), 3,
                                  "The drawn training digits (numpy_cnn/drawn_digits.py, "
                                  "numpy-cnn train --drawn): three drawings of each template\n"
                                  "beside each canvas, what to_mnist makes of it, and the answer "
                                  "under it (red: wrong)"),
    }
    return sheets.write(figures, args.out)


if __name__ == "__main__":
    sys.exit(main())
