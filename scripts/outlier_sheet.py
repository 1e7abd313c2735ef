"""Draw docs/outliers.png, a sheet of the non-digits outlier exposure trains on:

    python scripts/outlier_sheet.py [--out DIR]                       (default docs/)

One row per kind of numpy_cnn.outliers (its weight beside the name), EXAMPLES drawings of that
kind from a fixed seed, each as the network sees it: the 28x28 image numpy_cnn.preprocess.to_mnist
makes of the canvas, as `numpy-cnn train --outliers` mixes it into the batches.

tests/test_outlier_sheet.py draws it into a temporary folder, so this script cannot rot.
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from numpy_cnn import outliers  # noqa: E402
from numpy_cnn.preprocess import EmptyImageError, to_mnist  # noqa: E402

from scripts import sheets  # noqa: E402

EXAMPLES = 12                   # drawings per kind
SEED = 22


def examples(kind, rng, count=EXAMPLES):
    """count drawings of one kind as the network sees them: (count, 28, 28) floats in 0..1."""
    images = []
    while len(images) < count:
        try:
            images.append(to_mnist(outliers.random_outlier(rng, kind)[0]))
        except EmptyImageError:                       # drawn entirely off the canvas
            continue
    return np.stack(images)


def sheet(rng, count=EXAMPLES):
    """The figure: one row per kind, count examples in each. Returns a matplotlib Figure."""
    kinds = outliers.KINDS
    figure, axes = plt.subplots(len(kinds), count + 1, figsize=(0.75 * (count + 1) + 1.2,
                                                               0.78 * len(kinds) + 0.6),
                                width_ratios=[2.2] + [1] * count)
    for r, kind in enumerate(kinds):
        label = axes[r, 0]
        label.text(1.0, 0.5, f"{kind}\n{outliers.WEIGHTS[kind]:g}", ha="right", va="center",
                   fontsize=9, transform=label.transAxes)
        label.axis("off")
        for c, image in enumerate(examples(kind, rng, count), start=1):
            axes[r, c].imshow(image, cmap="gray", vmin=0, vmax=1)
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
    figure.suptitle("The non-digits of outlier exposure (numpy_cnn/outliers.py), as the network "
                    "sees them; each kind's weight under its name", fontsize=10)
    figure.subplots_adjust(left=0.01, right=0.99, top=0.95, bottom=0.01, wspace=0.06,
                           hspace=0.08)
    return figure


def main(argv=None):
    args = sheets.parser(__doc__, weights=False).parse_args(argv)
    return sheets.write({"outliers.png": sheet(np.random.default_rng(SEED))}, args.out)


if __name__ == "__main__":
    sys.exit(main())
