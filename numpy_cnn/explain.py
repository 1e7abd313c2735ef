"""Why did the network read that digit? Without a display:

    numpy-cnn explain IMAGE... [--weights PATH] [--out DIR]

For each image it prints the digit read and how sure the network is, and writes one PNG with
what the app's Inside window shows: the 28x28 input, the heatmaps of "why this answer"
(saliency and Grad-CAM, see numpy_cnn.insight), conv1's 32 and conv2's 64 feature maps, the 128
dense activations and the ten probabilities:

    $ numpy-cnn explain seven.png
    seven.png: 7 (99.8%)  ->  seven_explained.png

An image that does not look like a digit is said to be so, by the same rule as predict's
(numpy_cnn.notdigit): "noise.png: not a digit (closest: 4, 10.6%)", and so is its figure's title.

The figure of IMAGE goes to DIR/<name of IMAGE>_explained.png (DIR: the current folder unless
--out says otherwise), written to a temporary file and renamed. A file of that name is replaced
only if it is an earlier figure of this command (its PNG says so); anything else is left alone
with an error. A file that cannot be read, or holds no digit, gets a one-line error; the exit
code is then 1. A --out folder that cannot be written, or weights of a network the figure
cannot show (numpy_cnn.capabilities), are one line before any image is read.

In a notebook, figure() returns the same matplotlib Figure:

    >>> import numpy_cnn
    >>> from numpy_cnn import explain
    >>> from numpy_cnn.data import load_mnist
    >>> from numpy_cnn.paths import SHIPPED_WEIGHTS
    >>> model = numpy_cnn.load(SHIPPED_WEIGHTS)
    >>> fig = explain.figure(model, load_mnist()[2][0], name="test digit 0")
    >>> fig.get_suptitle()
    'test digit 0: read as 7 (100.0%)'
"""
import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from . import pictures
from .evaluate import DEFAULT_WEIGHTS, resolve_weights
from .insight import (ARROW, DENSE, DENSE_RELU, LOGITS, MAP_LAYERS, caption, grad_cam,
                      saliency, then_caption, trace)
from .notdigit import answer
from .storage import WeightsError, atomic_write, folder_problem, load_digit_model

SOFTWARE = "numpy-cnn explain"          # in every PNG written: what may be replaced
SUFFIX = "_explained.png"
MAP_COLUMNS = {"conv1": 8, "conv2": 8}
BACKGROUND, TEXT, DIM = "#20232a", "#e8e8e8", "#9aa0aa"


def add_arguments(parser):
    """The command line of `explain`, on an argparse parser (or subcommand parser)."""
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="image files (PNG, JPEG, ...)")
    parser.add_argument("--weights", default=DEFAULT_WEIGHTS, metavar="PATH",
                        help=f"weights file (default: {DEFAULT_WEIGHTS})")
    parser.add_argument("--out", default=".", metavar="DIR",
                        help="folder for the figures (default: the current folder)")


def main(argv=None):
    """numpy-cnn explain IMAGE... [--weights PATH] [--out DIR]. Returns the exit code."""
    parser = argparse.ArgumentParser(prog="numpy-cnn explain",
                                     description="Read each image and write a figure of how the "
                                                 "network read it.")
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args):
    """Explain every image of args.images. Returns the exit code: 0, or 1 if any failed."""
    from .__main__ import describe, read_digit          # the reading of `predict`
    from .capabilities import cannot_show
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"error: --out {out}: is a file, not a folder", file=sys.stderr)
        return 1
    problem = folder_problem(out)
    if problem:
        print(f"error: --out {out}: cannot write the figures there: {problem}", file=sys.stderr)
        return 1
    try:
        weights = resolve_weights(args.weights)
        model = load_digit_model(weights)
    except WeightsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if "explain" in cannot_show(model):
        print(f"error: {weights}: {cannot_show(model)['explain']}", file=sys.stderr)
        return 1
    failures, written = 0, {}
    for image in args.images:
        target = out / (Path(image).stem + SUFFIX)
        try:
            digit = read_digit(image, note=lambda text: print(f"note: {image}: {text}",
                                                              file=sys.stderr))
            refuse_to_replace(target, written)
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            print(f"error: {image}: {describe(error)}", file=sys.stderr)
            failures += 1
            continue
        fig = figure(model, digit, name=image)
        try:
            atomic_write(target, lambda f: fig.savefig(f, format="png", dpi=100,
                                                       metadata={"Software": SOFTWARE},
                                                       facecolor=fig.get_facecolor()))
        except OSError as error:              # e.g. the disk filled up: the others may fit
            print(f"error: {image}: {error}", file=sys.stderr)
            failures += 1
            continue
        written[target] = image
        print(f"{image}: {answer(fig.probabilities, closest=True)}  ->  {target}")
    return 1 if failures else 0


class WouldOverwrite(ValueError):
    """The figure's file name is taken by something that must not be replaced."""


def refuse_to_replace(target, written):
    """Raise WouldOverwrite unless target is free or an earlier figure of this command that
    this run has not written yet (written: {path: image} of this run)."""
    if target in written:
        raise WouldOverwrite(f"its figure would replace {target}, written for {written[target]} "
                             "in this run (same file name)")
    if not target.exists():
        return
    try:
        with Image.open(target) as existing:
            ours = existing.format == "PNG" and existing.info.get("Software") == SOFTWARE
    except (OSError, UnidentifiedImageError):
        ours = False
    if not ours:
        raise WouldOverwrite(f"{target} exists and is not a figure of `explain`: not replaced "
                             "(choose another folder with --out)")


def figure(model, digit, name=None):
    """Everything the network computed from one digit, and why it answered, as one figure.

    Inputs:  model -- a Sequential (the reference network); digit -- (28, 28) in [0, 1] (what
             numpy_cnn.preprocess.to_mnist returns) or uint8, e.g. an MNIST image;
             name -- shown in the title.
    Returns: a matplotlib Figure (not registered with pyplot: nothing else to close), with
             .probabilities, the (10,) softmax output, attached.
    """
    from matplotlib.figure import Figure      # matplotlib takes 0.5 s to load: only when used

    t = trace(model, digit)
    image = t.image[:, :, 0]
    fig = Figure(figsize=(14, 9.4), facecolor=BACKGROUND)
    fig.probabilities = t.probabilities
    p = t.probabilities
    fig.suptitle(f"{name + ': ' if name else ''}read as {answer(p, closest=True)}", color=TEXT,
                 fontsize=15, fontweight="bold")
    grid = fig.add_gridspec(2, 10, height_ratios=(1, 1.55), left=0.03, right=0.98, top=0.88,
                            bottom=0.07, wspace=0.6, hspace=0.35)
    top = [fig.add_subplot(grid[0, 2 * i:2 * i + 2]) for i in range(5)]
    _, cam = grad_cam(model, t)
    panels = ((pictures.grey(image), f"input {t.image.shape}"),
              (pictures.heat_overlay(image, saliency(t)), "saliency: d score / d pixel"),
              (pictures.heat_overlay(image, cam), "Grad-CAM on conv2"))
    for axes, (rgb, title) in zip(top, panels):
        show(axes, rgb, title)
    top[1].set_xlabel("red: pushed the answer up, blue: down", color=DIM, fontsize=8)
    dense = t.outputs[DENSE_RELU]
    show(top[3], pictures.mosaic(pictures.colour_layer(dense)[None, None], 16, 1, 0),
         f"{DENSE} ({t.classes[DENSE]}) +\n{caption(t, DENSE_RELU)}")
    plot_probabilities(top[4], p, f"{LOGITS} ({t.classes[LOGITS]}) + softmax\n"
                                  f"{ARROW} {t.outputs[LOGITS].shape}")
    for i, (layer, upto) in enumerate(MAP_LAYERS.items()):
        axes = fig.add_subplot(grid[1, 5 * i:5 * i + 5])
        maps = t.outputs[layer]
        show(axes, pictures.mosaic(pictures.colour_layer(maps), MAP_COLUMNS[layer], 1, 1),
             caption(t, layer))
        axes.set_xlabel(then_caption(t, layer, upto), color=DIM, fontsize=9)
    fig.text(0.5, 0.015, "maps: orange is positive, let through by the ReLU that follows; "
                         "blue is negative, set to 0 by it (each sign on its own scale, one "
                         "for the layer)", ha="center", color=DIM, fontsize=9)
    return fig


def show(axes, rgb, title):
    """An RGB picture, pixels as squares, with a title and no ticks."""
    axes.imshow(rgb, interpolation="nearest")
    axes.set_title(title, color=TEXT, fontsize=10)
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)


def plot_probabilities(axes, p, title):
    """One bar per digit, the answer highlighted, with its probability from 0.5% up."""
    colours = np.where(np.arange(len(p)) == p.argmax(), "#f2b134", "#4f8fdc")
    axes.barh(np.arange(len(p)), p, color=colours)
    for digit, probability in enumerate(p):
        if probability >= 0.005:
            inside = probability > 0.75
            axes.text(probability - 0.02 if inside else probability + 0.02, digit,
                      f"{probability:.1%}", va="center", ha="right" if inside else "left",
                      color=BACKGROUND if inside else TEXT, fontsize=8)
    axes.set_yticks(np.arange(len(p)))
    axes.set_xlim(0, 1)
    axes.invert_yaxis()
    axes.set_facecolor(BACKGROUND)
    axes.set_title(title, color=TEXT, fontsize=10)
    axes.tick_params(colors=DIM, labelsize=8)
    for spine in axes.spines.values():
        spine.set_color(DIM)
