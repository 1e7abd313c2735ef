"""Draw the pictures of docs/why_convolution.md and docs/derivations.md:
python scripts/chapter_figures.py [--out DIR]  (default docs/)

Every number in them is computed by numpy_cnn itself:
    stride_padding.png    3x3 windows on a 5x5 image: no padding, padding 1, padding 1 and stride 2
    channels.png          conv2 on the tour's digit: each input map times its own 3x3 slice, summed
    receptive_field.png   the receptive field of one unit of each layer, and which pixels move pool2
and of docs/derivations.md:
    full_correlation.png  a convolution's input gradient: dout padded by k - 1, the kernel flipped

tests/test_chapter_figures.py draws them into a temporary folder, so this script cannot rot.
"""
import sys
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
from numpy_cnn.data import load_mnist_test  # noqa: E402
from numpy_cnn.im2col import output_size  # noqa: E402
from numpy_cnn.insight import contributions, receptive_field_centres  # noqa: E402
from numpy_cnn.layers import Conv2D, MaxPool2D  # noqa: E402
from numpy_cnn.model import from_architecture  # noqa: E402
from numpy_cnn.paths import SHIPPED_WEIGHTS  # noqa: E402
from scripts import sheets  # noqa: E402

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
PADDING_GREY = "#d9d9d9"


def draw_cells(axes, values, frame, fills=None, offset=0, fontsize=10):
    """A table of numbers in a frame x frame box, its top-left cell at (offset, offset); fills:
    a colour or None per cell."""
    rows, columns = values.shape
    for r in range(rows):
        for c in range(columns):
            fill = fills[r][c] if fills is not None else None
            axes.add_patch(Rectangle((offset + c, offset + r), 1, 1, facecolor=fill or "white",
                                     edgecolor="gray", linewidth=0.8))
            axes.text(offset + c + 0.5, offset + r + 0.5, f"{values[r, c] + 0.0:g}",  # no "-0"
                      ha="center", va="center", fontsize=fontsize)
    axes.set_xlim(-0.1, frame + 0.1)
    axes.set_ylim(frame + 0.1, -0.1)
    axes.set_aspect("equal")
    axes.axis("off")


def outline(axes, top, left, size, colour, inset, linewidth=2.5):
    """A square outline around the size x size cells whose top-left cell is (top, left)."""
    axes.add_patch(Rectangle((left + inset, top + inset), size - 2 * inset, size - 2 * inset,
                             fill=False, edgecolor=colour, linewidth=linewidth))


def stride_padding_figure():
    """One 5x5 image, a 3x3 kernel of ones (so each output is its window's sum), three settings.
    Outlined: the windows of the first two outputs and of the last; the outputs filled to match."""
    image = np.arange(1.0, 26.0).reshape(1, 5, 5, 1)
    ones = np.ones((3, 3, 1, 1))
    figure = plt.figure(figsize=(18, 5.4))
    parts = figure.subfigures(1, 3, wspace=0.0)
    for part, (stride, pad) in zip(parts, [(1, 0), (1, 1), (2, 1)]):
        out = reference.conv_forward(image, ones, np.zeros(1), stride, pad)[0, :, :, 0]
        ho = output_size(5, 3, stride, pad)
        assert out.shape == (ho, ho)
        padded = np.pad(image[0, :, :, 0], pad)
        size = 5 + 2 * pad
        in_axes, out_axes = part.subplots(1, 2, width_ratios=(7, 5))
        part.subplots_adjust(left=0.02, right=0.98, wspace=0.08, top=0.78, bottom=0.1)
        fills = [[PADDING_GREY if min(r, c) < pad or max(r, c) >= 5 + pad else None
                  for c in range(size)] for r in range(size)]
        draw_cells(in_axes, padded, 7, fills, offset=(7 - size) / 2)
        shown = [(0, 0), (0, 1), (ho - 1, ho - 1)]
        out_fills = [[None] * ho for _ in range(ho)]
        for w, (i, j) in enumerate(shown):
            offset = (7 - size) / 2
            outline(in_axes, offset + i * stride, offset + j * stride, 3, COLOURS[w],
                    0.06 + 0.08 * w)
            out_fills[i][j] = COLOURS[w]
        draw_cells(out_axes, out, 5, [[f and f + "66" for f in row] for row in out_fills],
                   offset=(5 - ho) / 2, fontsize=9)
        in_axes.set_title("input 5x5" + (f", padded by {pad}\n(grey: zeros)" if pad else "\n"),
                          fontsize=11)
        out_axes.set_title(f"output {ho}x{ho}", fontsize=11)
        part.suptitle(f"k = 3, stride s = {stride}, padding p = {pad}\n"
                      f"Ho = (5 + 2*{pad} - 3) // {stride} + 1 = {ho}", fontsize=12)
    figure.text(0.5, 0.04, "kernel: 3x3 of ones, so each output is the sum of its window. "
                "Outlined: the windows of the first two outputs and of the last one.",
                ha="center", fontsize=11)
    return figure


def full_correlation_figure():
    """The input gradient of a stride-1 convolution of a 4x4 image with a 3x3 kernel: dout (2x2)
    padded by k - 1 = 2 zeros, the kernel turned by 180 degrees slid over it, and dx (4x4)."""
    w = np.arange(1.0, 10.0).reshape(3, 3, 1, 1)
    dout = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    flipped = w[::-1, ::-1]
    dx = reference.conv_forward(dout, flipped, np.zeros(1), pad=2)
    assert np.allclose(dx, reference.conv_backward(dout, np.zeros((1, 4, 4, 1)), w)[0])
    figure, axes = plt.subplots(1, 4, figsize=(15, 4.8), width_ratios=(3.2, 6.2, 3.2, 4.2))
    draw_cells(axes[0], w[:, :, 0, 0], 3)
    axes[0].set_title("the kernel w (3x3)", fontsize=11)
    padded = np.pad(dout[0, :, :, 0], 2)
    fills = [[None if 2 <= r < 4 and 2 <= c < 4 else PADDING_GREY for c in range(6)]
             for r in range(6)]
    draw_cells(axes[1], padded, 6, fills)
    shown = [(0, 0), (1, 1), (3, 2)]
    dx_fills = [[None] * 4 for _ in range(4)]
    for colour, (p, q) in zip(COLOURS, shown):
        outline(axes[1], p, q, 3, colour, 0.06 + 0.08 * COLOURS.index(colour))
        dx_fills[p][q] = colour + "66"
    axes[1].set_title("dout (2x2) padded by k - 1 = 2 (grey zeros);\noutlined: the windows of "
                      "three pixels of dx", fontsize=11)
    draw_cells(axes[2], flipped[:, :, 0, 0], 3)
    axes[2].set_title("w turned by 180 degrees,\nslid over the padded dout", fontsize=11)
    draw_cells(axes[3], dx[0, :, :, 0], 4, dx_fills)
    axes[3].set_title("dx (4x4) = the full correlation", fontsize=11)
    figure.text(0.5, 0.04, "dx[p, q] = sum of dout[i, j] * w[p - i, q - j]: e.g. dx[0, 0] = 1 * 1, "
                f"dx[1, 1] = 1*5 + 2*4 + 3*2 + 4*1 = {dx[0, 1, 1, 0]:g}", ha="center", fontsize=11)
    figure.subplots_adjust(left=0.02, right=0.98, top=0.82, bottom=0.12, wspace=0.15)
    return figure


def digit_network():
    """The shipped network in float64 and the tour's digit (the first test image)."""
    shipped = numpy_cnn.load(SHIPPED_WEIGHTS)
    model = from_architecture(shipped.architecture(), dtype=np.float64)
    for name, p in model.params.items():
        p[...] = shipped.params[name]
    x_test, _ = load_mnist_test()
    return model, model.as_input(x_test[0])


def channels_figure(model, x, f=0, rows=3):
    """conv2's filter f on the tour's digit: the input maps that add the most to its output (in
    absolute value), each with its 3x3 slice of the filter and what that slice makes of it; the
    sum of those alone, and the sum of all 32, which is conv2's output map f."""
    conv1, pool1, relu1, conv2 = model.layers[:4]
    h1 = relu1.forward(pool1.forward(conv1.forward(x)))[0]          # (13, 13, 32)
    out = conv2.forward(h1[None])[0, :, :, f]                       # (11, 11)
    parts = contributions(conv2, h1, f)                             # (11, 11, 32)
    bias = conv2.params["b"][f]
    assert np.allclose(parts.sum(axis=-1) + bias, out)
    totals = parts.sum(axis=(0, 1))
    channels = np.argsort(-np.abs(totals), kind="stable")[:rows]
    W = conv2.params["W"][:, :, :, f]                               # (3, 3, 32)
    some = parts[:, :, channels].sum(axis=-1) + bias
    share_limit = np.abs(parts[:, :, channels]).max()
    share_colours = dict(cmap="RdBu_r", vmin=-share_limit, vmax=share_limit)
    limit = max(np.abs(out).max(), np.abs(some).max())
    kernel_limit = np.abs(W).max()
    figure = plt.figure(figsize=(15, 10))
    grid = figure.add_gridspec(rows + 1, 4, width_ratios=(1.2, 1.0, 1.45, 1.6),
                               height_ratios=[1] * rows + [0.3], wspace=0.45, hspace=0.45,
                               left=0.03, right=0.95, top=0.87, bottom=0.03)
    maps = dict(cmap="RdBu_r", vmin=-limit, vmax=limit)
    for row, c in enumerate(channels):
        axes = figure.add_subplot(grid[row, 0])
        axes.imshow(h1[:, :, c], cmap="gray")
        axes.set_title(f"input map {c} (13x13)", fontsize=11)
        axes.text(1.13, 0.5, "\u2605", transform=axes.transAxes, fontsize=18, ha="center",
                  va="center")                                      # correlated with
        axes = figure.add_subplot(grid[row, 1])
        axes.imshow(W[:, :, c], cmap="RdBu_r", vmin=-kernel_limit, vmax=kernel_limit)
        for (u, v), weight in np.ndenumerate(W[:, :, c]):
            axes.text(v, u, f"{weight:.2f}", ha="center", va="center", fontsize=9)
        axes.set_title(f"its slice W[:, :, {c}, {f}]", fontsize=11)
        axes.text(1.2, 0.5, "=", transform=axes.transAxes, fontsize=20, ha="center", va="center")
        axes = figure.add_subplot(grid[row, 2])
        shares = axes.imshow(parts[:, :, c], **share_colours)
        axes.set_title(f"map {c}'s share (11x11),\nsum over it {totals[c]:+.1f}", fontsize=11)
        for axes in figure.axes[-3:]:
            axes.set_xticks([])
            axes.set_yticks([])
    note = figure.add_subplot(grid[rows, :3])
    note.axis("off")
    note.text(0.5, 0.6, f"+ the shares of the other {h1.shape[2] - rows} input maps, "
              f"each through its own 3x3 slice, + b[{f}]", ha="center", va="center", fontsize=12)
    right = grid[:, 3].subgridspec(2, 1, hspace=0.35)
    for cell, picture, title in ((right[0], some, f"b[{f}] + the {rows} shares shown"),
                                 (right[1], out,
                                  f"b[{f}] + all 32 shares\n= conv2's output map {f}")):
        axes = figure.add_subplot(cell)
        image = axes.imshow(picture, **maps)
        axes.set_xticks([])
        axes.set_yticks([])
        axes.set_title(title, fontsize=12)
    figure.colorbar(image, ax=figure.axes[-2:], shrink=0.5, label="the sums")
    figure.colorbar(shares, ax=figure.axes[2:3 * rows:3], shrink=0.5, pad=0.02,
                    label="the shares", location="right")
    figure.text(0.745, 0.5, "add\nthem\nup\n\u2192", fontsize=14, ha="center", va="center")
    figure.suptitle(f"conv2 reads 32 maps: filter {f} is 3x3x32 = 288 weights, one 3x3 slice "
                    f"per input map\n\u2605: correlation, the slice slid over its map "
                    f"(the tour's digit; "
                    f"shown: the {rows} maps whose shares are largest)", fontsize=13)
    return figure


def receptive_fields(model, upto):
    """(name, r, j) for each Conv2D and MaxPool2D up to the layer `upto`: r the width of a unit's
    window of the image, j the distance in pixels between neighbouring units.
    r_out = r_in + (k - 1) * j_in, j_out = j_in * s."""
    r, j, fields = 1, 1, []
    for layer in model.layers:
        if isinstance(layer, (Conv2D, MaxPool2D)):
            k = layer.kernel_size[0] if isinstance(layer, Conv2D) else layer.pool_size
            r, j = r + (k - 1) * j, j * layer.stride
            fields.append((layer.name, r, j))
        if layer.name == upto:
            return fields
    raise ValueError(f"no layer named {upto!r}")


def receptive_field_figure(model, x):
    """Left: one unit of each layer and its window of the digit, all starting at pixel (8, 8).
    Middle: |d pool2[2, 2, :] / d image|, from the layers' backward passes. Right: the centres of
    all 5x5 pool2 units, three of their windows, and the rows and columns no window reads."""
    fields = receptive_fields(model, "pool2")
    digit = x[0, :, :, 0]
    figure, axes = plt.subplots(1, 3, figsize=(16, 7.2))
    axes[0].imshow(digit, cmap="gray")
    layer_colours = ["#1f77b4", "#ff7f0e", "#9467bd", "#2ca02c"]    # conv1, pool1, conv2, pool2
    for colour, (name, r, j) in zip(layer_colours, fields):
        unit = 8 // j                                    # the unit whose window starts at 8
        outline(axes[0], 8 - 0.5, 8 - 0.5, r, colour, 0.0, linewidth=2)
        axes[0].plot([], [], color=colour, linewidth=3,
                     label=f"{name} unit ({unit}, {unit}): {r}x{r}")
    axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=2, fontsize=10,
                   frameon=False)
    axes[0].set_title("one unit of each layer: the window of\nthe image it depends on", fontsize=12)

    conv1, pool1, relu1, conv2, pool2 = model.layers[:5]
    h = x
    for layer in model.layers[:5]:
        h = layer.forward(h)
    d = np.zeros_like(h)
    d[0, 2, 2, :] = 1.0
    d = conv1.input_gradient(pool1.backward(relu1.backward(conv2.backward(pool2.backward(d)))))
    grad = np.abs(d[0, :, :, 0])
    rows, columns = np.nonzero(grad)
    assert rows.min() >= 8 and rows.max() <= 17 and columns.min() >= 8 and columns.max() <= 17
    axes[1].imshow(grad, cmap="magma")
    outline(axes[1], 8 - 0.5, 8 - 0.5, fields[-1][1], "#2ca02c", 0.0, linewidth=2)
    axes[1].set_title("|d pool2[2, 2, :] / d image|: only the\n10x10 window (green) moves it",
                      fontsize=12)

    axes[2].imshow(digit, cmap="gray")
    r, j = fields[-1][1:]
    centres = receptive_field_centres(model, "pool2", 5)
    cy, cx = np.meshgrid(centres, centres, indexing="ij")
    axes[2].plot(cx.ravel(), cy.ravel(), "o", color="#ffdd57", markersize=5)
    for colour, unit in zip(("#1f77b4", "#2ca02c", "#9467bd"), (0, 2, 4)):
        outline(axes[2], j * unit - 0.5, j * unit - 0.5, r, colour, 0.0, linewidth=2)
        axes[2].plot([], [], color=colour, linewidth=3, label=f"pool2 unit ({unit}, {unit}): rows "
                     f"and columns {j * unit} to {j * unit + r - 1}")
    axes[2].plot([], [], "o", color="#ffdd57", label="the centres of all 25 pool2 units")
    axes[2].legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=1, fontsize=10,
                   frameon=False)
    unread = model.pixels_read()[0]
    axes[2].axhspan(unread - 0.5, 27.5, color="#d62728", alpha=0.35)
    axes[2].axvspan(unread - 0.5, 27.5, color="#d62728", alpha=0.35)
    axes[2].set_title(f"the 5x5 pool2 units: centres {j} pixels apart;\nrows and columns "
                      f"{unread}, {unread + 1} (red) lie in no window", fontsize=12)
    for a in axes:
        a.set_xticks([0, 8, 17, 25, 27])
        a.set_yticks([0, 8, 17, 25, 27])
    figure.subplots_adjust(left=0.03, right=0.98, top=0.88, bottom=0.22, wspace=0.25)
    figure.text(0.5, 0.025, "r_out = r_in + (k - 1) * j_in,  j_out = j_in * s:  conv1 3, pool1 4, "
                "conv2 8, pool2 10 pixels wide", ha="center", fontsize=12)
    return figure


def main(argv=None):
    args = sheets.parser(__doc__, weights=False).parse_args(argv)
    model, x = digit_network()
    return sheets.write({"stride_padding.png": stride_padding_figure(),
                         "channels.png": channels_figure(model, x),
                         "receptive_field.png": receptive_field_figure(model, x),
                         "full_correlation.png": full_correlation_figure()}, args.out)


if __name__ == "__main__":
    sys.exit(main())
