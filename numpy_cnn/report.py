"""The record of a training run: a JSON file and five figures, saved next to the weights.

For weights/mnist_cnn.npz:
    weights/mnist_cnn.json            settings, per-epoch history, final accuracies, per-class
                                      accuracy, confusion matrix, timings, versions, machine
    weights/mnist_cnn_curves.png      loss and error rate per epoch (train, validation, test)
    weights/mnist_cnn_confusion.png   the test set's confusion matrix
    weights/mnist_cnn_mistakes.png    the most confident mistakes on the test set
    weights/mnist_cnn_filters.png     the 32 first-layer filters (3x3 each)
    weights/mnist_cnn_features.png    what conv1 and conv2 see in one test digit

Figures are drawn with matplotlib's Agg backend: straight to PNG files, no window needed.
"""
import json
import os
import platform
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (must come after choosing the backend)
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402

from . import __version__  # noqa: E402
from .insight import layer_outputs  # noqa: E402
from .storage import atomic_write  # noqa: E402
from .layers import Conv2D  # noqa: E402

SPLIT_NAMES = {"train": "train", "val": "validation", "test": "test"}


def write_run_report(weights_path, settings, run, results, model, test_images, seconds):
    """Write the JSON report and every figure next to the weights.

    Inputs:
    - weights_path: the weights file, e.g. weights/mnist_cnn.npz
    - settings: the run's options (a dict); run: its "history" list and early-stopping state
    - results: {"train"/"val"/"test": evaluate.Evaluation} of the final weights
    - model: the trained Sequential; test_images: uint8 (N, 28, 28), matching results["test"]
    - seconds: total training time
    Returns: the list of paths written (JSON first).
    """
    stem = Path(weights_path).with_suffix("")
    test = results["test"]
    json_path = stem.with_suffix(".json")
    text = to_json(run_summary(weights_path, settings, run, results, seconds))
    atomic_write(json_path, lambda f: f.write(text.encode()))     # a full disk names the file
    figures = {
        "curves": plot_curves(run["history"]),
        "confusion": plot_confusion(test.confusion),
        "mistakes": plot_mistakes(test, test_images),
        "filters": plot_filters(model.params["conv1.W"]),
        "features": plot_features(model, test_images[0]),
    }
    paths = [json_path]
    for name, figure in figures.items():
        paths.append(Path(f"{stem}_{name}.png"))
        atomic_write(paths[-1], lambda f: figure.savefig(f, format="png", dpi=100))
        plt.close(figure)
    return paths


def to_json(data):
    """Indented JSON text, with each list of plain numbers (e.g. a confusion matrix row) on
    one line."""
    text = json.dumps(data, indent=2)
    return re.sub(r"\[[-+.\deE,\s]*\]",
                  lambda m: "[" + ", ".join(v.strip() for v in m.group()[1:-1].split(",")) + "]",
                  text) + "\n"


def run_summary(weights_path, settings, run, results, seconds):
    """The JSON-ready dict of a run (see the module docstring)."""
    test = results["test"]
    return {
        "weights": str(weights_path),
        "arguments": settings,
        "history": run["history"],
        "final": {
            **{f"{SPLIT_NAMES[k]}_accuracy": r.accuracy for k, r in results.items()},
            "test_loss": test.loss,
            "per_class_test_accuracy": {str(d): float(a) for d, a in
                                        enumerate(test.per_class_accuracy)},
            "confusion_matrix": test.confusion.tolist(),
            "confusion_matrix_layout": "rows: true digit, columns: predicted digit",
        },
        "epochs_trained": run["epochs_done"],
        "stopped_early": bool(run.get("stopped_early")),
        "best_epoch": run.get("best_epoch"),
        "seconds_per_epoch": [record["seconds"] for record in run["history"]],
        "total_seconds": seconds,
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "matplotlib": matplotlib.__version__, "numpy_cnn": __version__},
        "machine": {"platform": platform.platform(), "processor": platform.processor(),
                    "machine": platform.machine(), "cpu_count": os.cpu_count(),
                    "python_build": sys.version.split("\n")[0]},
    }


def plot_curves(history):
    """Loss and error rate per epoch for each split recorded in history (a list of dicts).

    Both on a log scale: near the top, 99.0% and 99.4% accuracy look alike, but 1.0% and 0.6%
    of mistakes are far apart (and so are losses of 0.03 and 0.02)."""
    epochs = [record["epoch"] for record in history]
    figure, (loss_axes, error_axes) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key, name in SPLIT_NAMES.items():
        if history and history[0].get(f"{key}_loss") is not None:
            loss_axes.plot(epochs, [r[f"{key}_loss"] for r in history], "o-", label=name)
            error_axes.plot(epochs, [100 * (1 - r[f"{key}_accuracy"]) for r in history], "o-",
                            label=name)
    loss_axes.set(title="Loss (cross-entropy)", xlabel="epoch", ylabel="loss (log scale)")
    error_axes.set(title="Error rate (100% - accuracy)", xlabel="epoch",
                   ylabel="misread digits, % (log scale)")
    for axes in (loss_axes, error_axes):
        axes.set_yscale("log")
        axes.yaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1, 2, 5)))
        axes.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        axes.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        axes.grid(alpha=0.3, which="both")
        axes.legend()
        axes.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, min_n_ticks=1))
    figure.text(0.5, 0.005, "train: measured during the epoch, with dropout (and augmentation)",
                ha="center", fontsize=8, color="gray")
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    return figure


def plot_confusion(confusion):
    """The confusion matrix: every count written out, mistakes coloured by how many there are."""
    classes = len(confusion)
    mistakes = np.where(np.eye(classes, dtype=bool), 0, confusion)
    figure, axes = plt.subplots(figsize=(7, 6))
    image = axes.imshow(mistakes, cmap="Reds", vmin=0, vmax=max(mistakes.max(), 1))
    for (true, predicted), count in np.ndenumerate(confusion):
        colour = "black" if true == predicted or mistakes[true, predicted] < 0.6 * mistakes.max() else "white"
        axes.text(predicted, true, str(count), ha="center", va="center", fontsize=8, color=colour,
                  fontweight="bold" if true == predicted else "normal")
    axes.set(xticks=range(classes), yticks=range(classes), xlabel="predicted digit",
             ylabel="true digit", title=f"Confusion matrix, test set "
                                        f"({confusion.trace():,} of {confusion.sum():,} right)")
    figure.colorbar(image, label="number of mistakes")
    figure.tight_layout()
    return figure


def plot_mistakes(evaluation, images, count=40):
    """The most confident mistakes: each digit with its true label, the answer and its probability."""
    chosen = evaluation.confident_mistakes(count)
    columns = 8
    rows = max(1, -(-len(chosen) // columns))
    figure, grid = plt.subplots(rows, columns, figsize=(columns * 1.3, rows * 1.55 + 0.5),
                                squeeze=False)
    for axes in grid.flat:
        axes.axis("off")
    for axes, i in zip(grid.flat, chosen):
        answer = evaluation.predicted[i]
        axes.imshow(images[i], cmap="gray_r")
        axes.set_title(f"true {evaluation.labels[i]}, read {answer}\n"
                       f"{evaluation.probabilities[i, answer]:.0%} sure", fontsize=8)
    figure.suptitle(f"The {len(chosen)} most confident mistakes on the test set"
                    if len(chosen) else "No mistakes on the test set")
    figure.tight_layout()
    return figure


def plot_filters(weights):
    """The first layer's filters. weights: conv1.W, (3, 3, 1, 32) in Keras layout (kh, kw, C, F).
    Red weights respond to ink, blue ones to background; one colour scale for all."""
    filters = weights[:, :, 0, :]                                  # (3, 3, F)
    count, columns = filters.shape[-1], 8
    limit = np.abs(filters).max()
    figure, grid = plt.subplots(-(-count // columns), columns, figsize=(columns * 1.1, 4.8),
                                squeeze=False)
    for f, axes in enumerate(grid.flat):
        axes.axis("off")
        if f < count:
            image = axes.imshow(filters[:, :, f], cmap="RdBu_r", vmin=-limit, vmax=limit)
            axes.set_title(f"filter {f}", fontsize=8)
    figure.suptitle("conv1: the 32 learned 3x3 filters\n"
                    "(red: ink there raises the filter's response, blue: lowers it)", fontsize=11)
    figure.subplots_adjust(top=0.8, bottom=0.03)
    figure.colorbar(image, ax=grid.ravel().tolist(), shrink=0.8, label="weight")
    return figure


def plot_feature_grid(subfigure, maps, columns, title):
    """Draw every channel of maps (H, W, C) in a grid of small panels inside subfigure, each
    on its own colour scale (from 0 to its own maximum), so that weak channels show too."""
    channels = maps.shape[-1]
    grid = subfigure.subplots(-(-channels // columns), columns, squeeze=False,
                              gridspec_kw={"wspace": 0.08, "hspace": 0.08})
    for c, axes in enumerate(grid.flat):
        axes.axis("off")
        if c < channels:
            axes.imshow(maps[:, :, c], cmap="viridis", vmin=0, vmax=max(maps[:, :, c].max(), 1e-6))
    subfigure.suptitle(title)


def plot_features(model, image):
    """What the convolutions see in one digit: the input, then every channel of the first two
    convolutions after ReLU (26x26x32 and 11x11x64; bright = strong response, dark = none)."""
    outputs = layer_outputs(model, image)
    convs = [layer.name for layer in model.layers if isinstance(layer, Conv2D)][:2]
    maps = [np.maximum(outputs[name], 0) for name in convs]
    figure = plt.figure(figsize=(13, 6.4))
    left, middle, right = figure.subfigures(1, 3, width_ratios=(1.5, 1.7, 3.3))
    axes = left.subplots()
    axes.imshow(image, cmap="gray_r")
    axes.axis("off")
    left.suptitle(f"input digit\nread as {outputs[model.layers[-1].name].argmax()}")
    for subfigure, name, m, columns in zip((middle, right), convs, maps, (4, 8)):
        plot_feature_grid(subfigure, m, columns,
                          f"{name} + ReLU:\n{m.shape[2]} maps of {m.shape[0]}x{m.shape[1]}")
    figure.text(0.5, 0.01, "each map on its own scale: from dark (0) to bright (its maximum)",
                ha="center", fontsize=8, color="gray")
    return figure
