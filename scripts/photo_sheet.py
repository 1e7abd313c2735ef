"""Draw docs/photos.png, a sheet of the handwriting benchmark's photos of paper:

    python scripts/photo_sheet.py [--out DIR] [--weights PATH]      (default docs/, shipped)

One column per kind of damage (benchmarks/photo_sets.py), the same three MNIST test digits on
the same three pages in every column, then one column of blank pages; under each page, what
numpy_cnn.preprocess.to_mnist makes of it (the network's 28x28 input) and what the weights answer,
as `numpy-cnn predict` would. The pages are the first ones of the benchmark's photo set
(benchmarks/handwriting.py, seed SEED), so the sheet shows what the benchmark measures.

tests/test_photo_sheet.py draws it into a temporary folder, so this script cannot rot.
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


from benchmarks import handwriting as bench  # noqa: E402
from benchmarks import photo_sets  # noqa: E402
from scripts import sheets  # noqa: E402
from scripts.sheets import answer  # noqa: E402

EXAMPLES = 3                    # pages per kind of damage


def sheet(model, photos, blanks, examples=EXAMPLES):
    """The figure: photos -- a photo_sets.PhotoSet grouped by damage (as photo_set makes it);
    blanks -- a photo_sets.PhotoSet of blank pages grouped by kind. Returns a matplotlib Figure."""
    per_group = len(photos) // len(photo_sets.DAMAGES)
    columns = [(damage, [k * per_group + i for i in range(examples)], photos, None)
               for k, damage in enumerate(photo_sets.DAMAGES)]
    per_kind = len(blanks) // len(photo_sets.BLANK_KINDS)
    blank_pages = [k * per_kind for k in range(1, examples + 1)]     # the kinds with light
    columns.append(("blank pages", blank_pages, blanks, "blank"))
    figure, axes = plt.subplots(2 * examples, len(columns), figsize=(1.55 * len(columns), 8.6),
                                height_ratios=[2.2, 1] * examples)
    for c, (title, indices, drawn, expected) in enumerate(columns):
        for r, i in enumerate(indices):
            page, small = axes[2 * r, c], axes[2 * r + 1, c]
            pixels = drawn.image(i)
            page.imshow(pixels, cmap="gray", vmin=0, vmax=255)
            x, said = answer(model, pixels)
            if x is not None:
                small.imshow(x, cmap="gray", vmin=0, vmax=1)
            truth = expected or str(int(drawn.labels[i]))
            small.set_title(f"{said}", fontsize=9, color="black" if said == truth else "red",
                            y=-0.42)
            for a in (page, small):
                a.set_xticks([])
                a.set_yticks([])
        axes[0, c].set_title(title.replace(" and ", "\nand ").replace("noise ", "noise\n"),
                             fontsize=9)
    figure.suptitle("Photos of MNIST test digits on paper (benchmarks/photo_sets.py); under each "
                    "page, what to_mnist makes of it and the answer (red: wrong)", fontsize=10)
    figure.subplots_adjust(left=0.01, right=0.99, top=0.91, bottom=0.04, wspace=0.08,
                           hspace=0.35)
    return figure


def main(argv=None):
    args = sheets.parser(__doc__).parse_args(argv)
    model = sheets.load_weights(args.weights)
    if model is None:
        return 1
    return sheets.write({"photos.png": sheet(model, bench.make_set("photos"),
                                              bench.make_set("blank_pages"))}, args.out)


if __name__ == "__main__":
    sys.exit(main())
