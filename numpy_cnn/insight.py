"""Look inside the network: what every layer makes of one image, and why it gave its answer.

- trace(model, image): the image through the layers one at a time, keeping every layer's
  output, then one backward pass from the winning class's score, keeping every gradient.
- saliency(t): which input pixels pushed the answer, d(score)/d(pixel).
- grad_cam(model, t): which regions of the last convolution's maps the answer relied on.
- contributions(conv, x, f): how much each input map adds to one output map of a convolution.
- caption(t, name): "conv1 (Conv2D) -> (26, 26, 32)", the words under every picture of a layer.

Nothing here draws: the app (numpy_cnn.gui.inside) and `python -m numpy_cnn explain` show these
arrays, and what they show is exactly what the network computed.

The score. The network's last layer gives ten logits z (softmax turns them into probabilities).
The answer is k = argmax z, and "why k" is asked of z_k, not of p_k:
    d p_k / d x = p_k * (d z_k / d x - sum_j p_j d z_j / d x),
which vanishes as p_k -> 1: the surest answers would have the faintest explanations.
"""
from dataclasses import dataclass

import numpy as np

from .im2col import im2col, output_size
from .layers import Conv2D, MaxPool2D
from .losses import softmax

# What the views (the app's Inside window, `explain`'s figure) show, by the layer names of the
# reference network: each convolution's maps, with the last layer of what follows it; the dense
# layer's activations after its ReLU; the logits, turned into probabilities.
MAP_LAYERS = {"conv1": "relu1", "conv2": "flatten"}
DENSE, DENSE_RELU, LOGITS = "dense1", "relu3", "dense2"


@dataclass(frozen=True)
class Trace:
    """One image through the network, forward and back.

    - image: (H, W, C) the network's input, in the model's dtype
    - outputs: {layer name: that layer's output for the image}, batch axis removed, in order:
      (26, 26, 32) for conv1, ..., (10,) for dense2 (the logits)
    - classes: {layer name: the class that computed it}, e.g. {"conv1": "Conv2D", ...}
    - target: the class whose score was differentiated (the answer unless asked otherwise)
    - gradients: {layer name: d z_target / d (that layer's output)}, same shapes as outputs,
      and "input": d z_target / d image, (H, W, C)
    """
    image: np.ndarray
    outputs: dict
    classes: dict
    target: int
    gradients: dict

    @property
    def logits(self):
        return next(reversed(self.outputs.values()))

    @property
    def probabilities(self):
        """(classes,) softmax of the logits."""
        return softmax(self.logits)

    @property
    def digit(self):
        return int(np.argmax(self.logits))

    def input_of(self, name):
        """What the layer `name` was given: the previous layer's output, or the image."""
        names = list(self.outputs)
        index = names.index(name)
        return self.image if index == 0 else self.outputs[names[index - 1]]


def trace(model, image, target=None):
    """Run one image through the network a layer at a time, then back from one class's score.

    Inputs:
    - model: a Sequential
    - image: (28, 28) or (28, 28, 1), uint8 in [0, 255] or float in [0, 1]
    - target: the class to explain (default: the network's answer, argmax of the logits)

    Returns: a Trace. Its outputs are those of model.forward(image, training=False), layer by
    layer. Its gradients come from the layers' own backward passes, fed d z_target / d z = the
    one-hot vector e_target instead of a loss gradient: each layer turns the gradient with
    respect to its output into the gradient with respect to its input (chain rule). A first
    Conv2D built with input_grad=False is asked for its input gradient on demand
    (Conv2D.input_gradient). Like any pass, it overwrites the layers' caches and the dense
    layers' grads: not to be called between a training step's forward and backward.
    """
    image = np.asarray(image)
    x = model.as_input(image[np.newaxis] if image.shape == model.input_shape else image)
    if x.shape[0] != 1:
        raise ValueError(f"trace() takes one image, got {x.shape[0]}")
    first_input = x[0]
    outputs = {}
    for layer in model.layers:
        x = layer.forward(x, training=False)
        outputs[layer.name] = x[0]
    target = int(np.argmax(x[0])) if target is None else int(target)
    gradients = {}
    d = np.zeros_like(x)
    d[0, target] = 1.0                              # d z_target / d z
    for layer in reversed(model.layers):
        gradients[layer.name] = d[0]
        d = layer.input_gradient(d) if isinstance(layer, Conv2D) else layer.backward(d)
    gradients["input"] = d[0]
    return Trace(image=first_input, outputs=outputs,
                 classes={layer.name: type(layer).__name__ for layer in model.layers},
                 target=target, gradients=gradients)


def layer_outputs(model, image):
    """Inputs:  model -- a Sequential; image -- (28, 28) uint8 or float in [0, 1].
    Returns: {layer name: its output for that image, (H, W, C) or (features,)}."""
    return trace(model, image).outputs


def saliency(t):
    """Which pixels pushed the answer: S = d z_k / d x, the gradient of the explained class's
    logit (t.target, the answer by default) with respect to the input image.

    Inputs:  t -- a Trace.
    Returns: (H, W) float: S[i, j] > 0 where more ink would raise z_k, < 0 where it would lower it.

    Notes: with ReLU and max pooling the network is piecewise linear: near x,
        z_k(x + dx) = z_k(x) + sum_ij S[i, j] * dx[i, j]
    exactly, as long as no ReLU switches and no pooling window changes its winner.
    """
    return t.gradients["input"][:, :, 0]


def last_conv(model):
    """The last Conv2D layer of the model (conv2 in the reference network)."""
    convs = [layer for layer in model.layers if isinstance(layer, Conv2D)]
    if not convs:
        raise ValueError("the model has no convolution")
    return convs[-1]


def grad_cam(model, t, layer=None):
    """Grad-CAM (Selvaraju et al., 2017): where, in the last convolution's maps, was the
    evidence for the answer? Coarser than the saliency, but reads as regions, not pixels.

    Inputs:  model -- the Sequential that made t; t -- its Trace;
             layer -- the Conv2D to look at (default: the last one, conv2).
    Returns: (small, large): the map at the layer's resolution (Ho, Wo), >= 0, and the same map
             brought to the input's size (H, W) by upsample_to_input.

    Notes: with a = the layer's output (Ho, Wo, C) and A = relu(a) the maps passed on,
        alpha_c = mean_ij d z_k / d a[i, j, c]      how much channel c matters to class k
        cam     = relu(sum_c alpha_c A[:, :, c])    where the channels that matter are active
    The gradient is the one the network's backward pass computed (t.gradients); the ReLU keeps
    only the evidence for k. (This network pools before its ReLU, which is the same function.)
    """
    layer = last_conv(model) if layer is None else layer
    a, g = t.outputs[layer.name], t.gradients[layer.name]
    alpha = g.mean(axis=(0, 1))                                    # (C,)
    cam = np.maximum(np.maximum(a, 0) @ alpha, 0)                  # (Ho, Wo)
    return cam, upsample_to_input(model, layer.name, cam)


def receptive_field_centres(model, name, size):
    """Where the `size` output rows of layer `name` sit over the input: the centre of each one's
    window, in input pixels (float), found by walking the layers from the input.

    Returns: (size,) float. A Conv2D or MaxPool2D with window k, stride s and padding p puts its
    output i over its input's position s*i + (k - 1)/2 - p; in the reference network conv2's
    row i sits over input row 2*i + 3.5.
    """
    scale, offset = 1.0, 0.0           # input position = offset + scale * (position in the layer)
    for layer in model.layers:
        if isinstance(layer, Conv2D):
            k, s, p = layer.kernel_size[0], layer.stride, layer.padding
        elif isinstance(layer, MaxPool2D):
            k, s, p = layer.pool_size, layer.stride, 0
        else:
            k, s, p = 1, 1, 0
        offset += scale * ((k - 1) / 2 - p)
        scale *= s
        if layer.name == name:
            return offset + scale * np.arange(size)
    raise ValueError(f"no layer named {name!r}")


def upsample_to_input(model, name, small):
    """Bring a (Ho, Wo) map of layer `name` to the input's (H, W): each input pixel takes the
    bilinear interpolation of the map between the receptive-field centres around it (the nearest
    edge value beyond them)."""
    h, w, _ = model.input_shape
    rows = receptive_field_centres(model, name, small.shape[0])
    cols = receptive_field_centres(model, name, small.shape[1])
    by_row = np.stack([np.interp(np.arange(h), rows, small[:, j]) for j in range(small.shape[1])],
                      axis=1)                                      # (H, Wo)
    return np.stack([np.interp(np.arange(w), cols, row) for row in by_row])     # (H, W)


def contributions(conv, x, f):
    """How much each input map adds to output map f of a convolution.

    Inputs:  conv -- a Conv2D; x -- (H, W, C) its input for one image; f -- an output channel.
    Returns: (Ho, Wo, C), part[i, j, c] = sum_{a, b} x_pad[i*s + a, j*s + b, c] * W[a, b, c, f],
             the input map c filtered by its own 3x3 slice of the kernel, so that
                 conv output[i, j, f] = b[f] + sum_c part[i, j, c].
    """
    kh, kw = conv.kernel_size
    c = x.shape[-1]
    ho = output_size(x.shape[0], kh, conv.stride, conv.padding)
    wo = output_size(x.shape[1], kw, conv.stride, conv.padding)
    cols = im2col(x[np.newaxis], kh, kw, conv.stride, conv.padding).reshape(-1, kh * kw, c)
    parts = np.einsum("mkc,kc->mc", cols, conv.params["W"][:, :, :, f].reshape(kh * kw, c))
    return parts.reshape(ho, wo, c)


def strongest_inputs(conv, x, f, count):
    """The input maps that add the most to output map f, summed over the whole map.

    Returns: (channels, totals): up to `count` channel indices, largest total first, and the
             totals sum_ij part[i, j, c] (see contributions), which can be negative.
    """
    totals = contributions(conv, x, f).sum(axis=(0, 1))
    order = np.argsort(-totals, kind="stable")[:count]
    return order, totals[order]


ARROW = "\u2192"


def caption(t, name):
    """'conv1 (Conv2D) -> (26, 26, 32)': a layer's name, its class, its output's shape."""
    return f"{name} ({t.classes[name]}) {ARROW} {t.outputs[name].shape}"


def then_caption(t, name, upto):
    """'then pool1 (MaxPool2D), relu1 (ReLU) -> (13, 13, 32)': the layers after `name` up to
    `upto`, and the shape they hand on."""
    names = list(t.outputs)
    steps = names[names.index(name) + 1:names.index(upto) + 1]
    return ("then " + ", ".join(f"{n} ({t.classes[n]})" for n in steps) +
            f" {ARROW} {t.outputs[upto].shape}")
