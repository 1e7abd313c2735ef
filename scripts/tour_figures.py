"""Draw the pictures of docs/tour.md:  python scripts/tour_figures.py [--out DIR]  (default docs/)

Every number in them is computed by numpy_cnn itself, with the functions the tour explains:
    im2col.png            im2col: every window of a small image becomes one row of a matrix
    col2im.png            col2im: each row is added back onto its window, overlaps add up
    maxpool_routing.png   max pooling, forward, and its gradient routed to one winner per window
    tour_features.png     the tour's digit through the shipped network: feature maps, probabilities

tests/test_tour_figures.py draws them into a temporary folder, so this script cannot rot.
"""
import argparse
import os
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy_cnn  # noqa: E402
from numpy_cnn import reference  # noqa: E402
from numpy_cnn.data import load_mnist  # noqa: E402
from numpy_cnn.im2col import col2im, im2col  # noqa: E402
from numpy_cnn.layers import MaxPool2D  # noqa: E402
from numpy_cnn.paths import SHIPPED_WEIGHTS  # noqa: E402
from numpy_cnn.report import layer_outputs, plot_feature_grid  # noqa: E402

# One colour per window of the 4x4 example (3x3 windows, stride 1: 2x2 = 4 windows).
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]


def draw_grid(axes, values, title, fills=None, fmt="{:g}"):
    """A table of numbers: values (rows, columns), each cell optionally filled with a colour."""
    rows, columns = values.shape
    for r in range(rows):
        for c in range(columns):
            fill = fills[r][c] if fills is not None else None
            axes.add_patch(Rectangle((c, r), 1, 1, facecolor=fill or "white", alpha=0.35 if fill else 1,
                                     edgecolor="gray", linewidth=0.8))
            axes.text(c + 0.5, r + 0.5, fmt.format(values[r, c] + 0.0),   # + 0.0: no "-0"
                      ha="center", va="center", fontsize=11)
    axes.set_xlim(-0.1, columns + 0.1)
    axes.set_ylim(rows + 0.1, -0.1)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.set_title(title, fontsize=11)


def outline(axes, top, left, size, colour, inset):
    """A square outline around the size x size window whose top-left cell is (top, left)."""
    axes.add_patch(Rectangle((left + inset, top + inset), size - 2 * inset, size - 2 * inset,
                             fill=False, edgecolor=colour, linewidth=2.5))


def im2col_figure():
    """A 4x4 image, its four 3x3 windows, and the im2col matrix whose rows they become."""
    image = np.arange(1, 17, dtype=float).reshape(1, 4, 4, 1)
    cols = im2col(image, 3, 3)                                    # (4, 9)
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), width_ratios=(4, 9.5))
    draw_grid(left, image[0, :, :, 0], "image x (1, 4, 4, 1):\nfour 3x3 windows, stride 1")
    for w, (top, lft) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        outline(left, top, lft, 3, COLOURS[w], 0.06 + 0.07 * w)
    fills = [[COLOURS[r]] * cols.shape[1] for r in range(cols.shape[0])]
    draw_grid(right, cols, f"im2col(x, 3, 3): shape {cols.shape}\none row per window, "
                           "in (row, column, channel) order", fills)
    for r in range(cols.shape[0]):
        right.text(-0.2, r + 0.5, f"window {r}", ha="right", va="center", color=COLOURS[r])
    figure.text(0.5, 0.03, "conv = im2col(x) @ W.reshape(9, F): every filter at every window in "
                "one matrix multiply", ha="center", fontsize=10)
    return figure


def col2im_figure():
    """Four rows of gradient, 1, 10, 100 and 1000 repeated, added back onto their windows: the
    digits of each pixel's sum say which windows covered it."""
    shape, scales = (1, 4, 4, 1), np.array([1.0, 10.0, 100.0, 1000.0])
    rows = np.repeat(scales[:, None], 9, axis=1)                  # dX: (4 windows, 3*3*1)
    blocks = rows.reshape(1, 2, 2, 3, 3, 1)
    dx = col2im(lambda a, b: blocks[:, :, :, a, b, :], shape, 3, 3)
    assert np.array_equal(dx, reference.col2im(rows, shape, 3, 3))
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6), width_ratios=(9.5, 5))
    fills = [[COLOURS[r]] * 9 for r in range(4)]
    draw_grid(left, rows, "dX (4, 9): the gradient of every window\n"
                          "(here each row holds one number)", fills)
    for r in range(4):
        left.text(-0.2, r + 0.5, f"window {r}", ha="right", va="center", color=COLOURS[r])
    draw_grid(right, dx[0, :, :, 0], "col2im(dX): (1, 4, 4, 1), each pixel the sum\n"
                                     "over its windows: units from window 0,\n"
                                     "tens from window 1, hundreds from 2, ...")
    figure.text(0.5, 0.03, "the centre pixels lie in all four windows: 1 + 10 + 100 + 1000 = 1111; "
                "a corner lies in one", ha="center", fontsize=10)
    return figure


def maxpool_figure():
    """2x2 max pooling of a 4x4 image with a tie and a window of zeros, forward and backward."""
    x = np.array([[1, 3, 0, 0],
                  [4, 2, 0, 0],
                  [5, 1, 2, 6],
                  [0, 5, 3, 1]], dtype=float).reshape(1, 4, 4, 1)
    dout = np.array([[1.5, -2.0], [0.5, 3.0]]).reshape(1, 2, 2, 1)
    pool = MaxPool2D(2)
    out = pool.forward(x)
    dx = pool.backward(dout)
    winners = dx[0, :, :, 0] != 0
    figure, axes = plt.subplots(1, 4, figsize=(14, 4), width_ratios=(4, 2.6, 2.6, 4))
    fills = [[COLOURS[(r // 2) * 2 + c // 2] if winners[r, c] else None for c in range(4)]
             for r in range(4)]
    draw_grid(axes[0], x[0, :, :, 0], "x: winners filled\n(a tie: the first one wins)", fills)
    for w, (top, lft) in enumerate([(0, 0), (0, 2), (2, 0), (2, 2)]):
        outline(axes[0], top, lft, 2, COLOURS[w], 0.06)
    window_fills = [[COLOURS[0], COLOURS[1]], [COLOURS[2], COLOURS[3]]]
    draw_grid(axes[1], out[0, :, :, 0], "forward: out,\nthe max of each window", window_fills)
    draw_grid(axes[2], dout[0, :, :, 0], "backward: dout,\nfrom the layer above", window_fills)
    draw_grid(axes[3], dx[0, :, :, 0], "dx: each window's gradient\ngoes to its winner only", fills)
    figure.text(0.5, 0.02, "MaxPool2D(2): forward keeps one number per window, so backward gives "
                "the gradient to that one and 0 to the others", ha="center", fontsize=10)
    return figure


def features_figure(model, image):
    """The digit through the network: conv1's output, after pool1 + ReLU, after conv2, pool2 and
    ReLU, and the ten probabilities. Each map on its own colour scale, from 0 to its maximum: in
    conv1's maps, which the network pools before its ReLU, anything at or below 0 is dark."""
    outputs = layer_outputs(model, image)
    probabilities = numpy_cnn.softmax(outputs["dense2"][None])[0]
    figure = plt.figure(figsize=(16, 7))
    parts = figure.subfigures(1, 5, width_ratios=(1.6, 2.2, 2.2, 4.2, 1.9))
    axes = parts[0].subplots()
    axes.imshow(image, cmap="gray")
    axes.axis("off")
    parts[0].suptitle("the digit\n(1, 28, 28, 1)")
    for part, maps, columns, title in (
            (parts[1], outputs["conv1"], 4, "conv1\n32 maps of 26x26\n(0 and below: dark)"),
            (parts[2], outputs["relu1"], 4, "pool1 + ReLU\n32 maps of 13x13"),
            (parts[3], outputs["relu2"], 8, "conv2, pool2 + ReLU\n64 maps of 5x5")):
        plot_feature_grid(part, maps, columns, title)
    axes = parts[4].subplots()
    axes.barh(range(10), probabilities, color=["#d62728" if d == probabilities.argmax() else "gray"
                                               for d in range(10)])
    axes.set_yticks(range(10))
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel("probability")
    parts[4].suptitle(f"softmax: read as {probabilities.argmax()}")
    return figure


def save(figure, path):
    """Write the PNG under a temporary name in the same folder, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".png")
    os.close(fd)
    try:
        figure.savefig(tmp, dpi=100)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)          # mkstemp makes it private: a plain file's mode
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    finally:
        plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="folder (default docs/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    _, _, x_test, _ = load_mnist()
    figures = {"im2col.png": im2col_figure(), "col2im.png": col2im_figure(),
               "maxpool_routing.png": maxpool_figure(),
               "tour_features.png": features_figure(numpy_cnn.load(SHIPPED_WEIGHTS), x_test[0])}
    for name, figure in figures.items():
        save(figure, args.out / name)
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
