"""Sequential: layers run one after another, and the reference network built from them."""
import math

import numpy as np

from .layers import Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU
from .losses import softmax


class Sequential:
    """A stack of layers. Images are NHWC: (N, H, W, C), here (N, 28, 28, 1).

    - forward(x, training) runs the layers in order; backward(dout) runs them in reverse.
    - params / grads: every layer's arrays under dotted names ("conv1.W"), the keys shared by the
      optimizer's state and the saved .npz file. They are the layers' own arrays, not copies.
    - predict_proba(x) / predict(x): inference on plain images, in batches.
    """

    def __init__(self, layers, input_shape=(28, 28, 1)):
        names = [layer.name for layer in layers]
        if len(set(names)) != len(names):
            raise ValueError(f"layer names must be unique, got {names}")
        self.layers = list(layers)
        self.input_shape = tuple(input_shape)

    @property
    def params(self):
        return {f"{l.name}.{k}": p for l in self.layers for k, p in l.params.items()}

    @property
    def grads(self):
        return {f"{l.name}.{k}": g for l in self.layers for k, g in l.grads.items()}

    @property
    def dtype(self):
        return next(iter(self.params.values())).dtype

    def forward(self, x, training=False):
        """x: (N, H, W, C) in the model's dtype -> logits (N, classes)."""
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def backward(self, dout):
        """dout: (N, classes), d loss / d logits -> d loss / d x. Fills every layer's grads.

        Returns None when the first layer skips its input gradient (Conv2D(input_grad=False)).
        """
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def as_input(self, images):
        """Bring images to the model's layout: (N, 28, 28, 1) in the model's dtype.

        Accepts one image (28, 28), a batch (N, 28, 28), or (N, 28, 28, 1); floats in [0, 1], or
        uint8 in [0, 255] (divided by 255). Anything else raises ValueError: floats of 0..255
        would be read, wrongly, as far brighter than anything the network was trained on.
        """
        x = np.asarray(images)
        if x.dtype == np.uint8:
            x = x / np.float32(255.0)
        elif not np.issubdtype(x.dtype, np.floating):
            raise ValueError(f"expected uint8 images (0 to 255) or float images (0 to 1), "
                             f"got {x.dtype}")
        elif x.size and not (x.min() >= 0.0 and x.max() <= 1.0):     # NaN fails this too
            raise ValueError(f"float images must hold values from 0 to 1, these go from "
                             f"{x.min():g} to {x.max():g} (divide 0..255 pixels by 255, or pass "
                             f"them as uint8)")
        h, w, c = self.input_shape
        if x.shape == (h, w) or (c == 1 and x.ndim == 3 and x.shape[1:] == (h, w)):
            x = x.reshape(-1, h, w, c)
        if x.ndim != 4 or x.shape[1:] != self.input_shape:
            raise ValueError(f"expected images of shape (N, {h}, {w}) or (N, {h}, {w}, {c}), "
                             f"got {x.shape}")
        return x.astype(self.dtype, copy=False)

    def predict_proba(self, images, batch_size=100):
        """Class probabilities (N, classes), computed batch_size images at a time: that bounds
        memory, and 100 at a time ran 1.5x faster than 256 (the layers' arrays stay in cache)."""
        x = self.as_input(images)
        chunks = [softmax(self.forward(x[i:i + batch_size], training=False))
                  for i in range(0, len(x), batch_size)]
        return np.concatenate(chunks) if chunks else np.zeros((0, self.layers[-1].out_features))

    def predict(self, images, batch_size=100):
        """The most likely class of each image: (N,) integers."""
        return self.predict_proba(images, batch_size).argmax(axis=1)

    def shapes(self):
        """The shape of one example at the input and after each layer, e.g. for the reference
        network [(28, 28, 1), (26, 26, 32), (13, 13, 32), ..., (128,), (10,)].
        Raises ValueError naming the first layer that cannot take its predecessor's output."""
        shapes = [self.input_shape]
        for layer in self.layers:
            shapes.append(tuple(layer.output_shape(shapes[-1])))
        return shapes

    def pixels_read(self):
        """(rows, cols): the top-left corner of an input image that the output depends on.

        Walking back from the output: a layer of windows (a pool, a convolution without padding)
        of size k and stride s whose first R output rows are read reads the first (R - 1)*s + k
        rows of its input; ReLU and dropout read what is read of them; anything else reads all.
        In the reference network pool2's five windows read 10 of conv2's 11 rows, conv2 reads 12
        of its 13 input rows, pool1 24 of conv1's 26, conv1 26 of the image's 28: the image's
        last two rows and columns change nothing, in inference as in training.
        """
        shapes = self.shapes()
        read = None                  # (rows, cols) read of the current layer's output; None: all
        for layer, after in zip(reversed(self.layers), reversed(shapes[1:])):
            if isinstance(layer, (ReLU, Dropout)):
                continue                                  # reads what is read of it
            if isinstance(layer, MaxPool2D) or (isinstance(layer, Conv2D) and layer.padding == 0):
                rows, cols = read or after[:2]
                kh, kw = layer.kernel_size if isinstance(layer, Conv2D) else (layer.pool_size,) * 2
                read = ((rows - 1) * layer.stride + kh, (cols - 1) * layer.stride + kw)
            else:
                read = None                               # Flatten, Dense, a padded Conv2D: all
        return read or self.input_shape[:2]

    @property
    def output_shape(self):
        """The shape of one example's output, (classes,) for a classifier."""
        return self.shapes()[-1]

    def architecture(self):
        """A JSON-friendly description that rebuilds the same network (see storage.load)."""
        return {"input_shape": list(self.input_shape),
                "layers": [{"type": type(l).__name__, **l.config()} for l in self.layers]}

    def __repr__(self):
        return "Sequential(\n" + "".join(f"  {l!r}\n" for l in self.layers) + ")"


LAYER_TYPES = {cls.__name__: cls for cls in (Conv2D, MaxPool2D, Dense, Dropout, ReLU, Flatten)}
# Bounds on a network described in a file, checked before anything is allocated: far above the
# reference network (225,034 parameters; at most 34,848 numbers per image in a layer, conv2's
# im2col rows), far below what would exhaust a machine's memory.
MAX_PARAMETERS = 10_000_000            # 40 MB of float32
MAX_VALUES_PER_IMAGE = 1_000_000       # in any layer's input, output or im2col matrix


def from_architecture(arch, dtype=np.float32, rng=None):
    """Build a freshly initialised Sequential from the dict architecture() returns.

    Raises ValueError (or TypeError, KeyError for a malformed dict) if the network is not one
    that can run: unknown layer types, more than MAX_PARAMETERS parameters (counted before any
    is allocated), layers whose shapes do not chain, or more than MAX_VALUES_PER_IMAGE numbers
    per image in some layer.
    """
    if not isinstance(arch, dict) or not isinstance(arch.get("layers"), list):
        raise ValueError("the architecture must be a dict with a list of layers")
    input_shape = arch["input_shape"]
    if (not isinstance(input_shape, (list, tuple)) or len(input_shape) != 3
            or not all(type(n) is int and n >= 1 for n in input_shape)):
        raise ValueError(f"input_shape must be three positive integers (H, W, C), got {input_shape}")
    specs = [dict(spec) for spec in arch["layers"]]
    count = sum(parameter_count(spec) for spec in specs)
    if count > MAX_PARAMETERS:
        raise ValueError(f"{count:,} parameters, more than the {MAX_PARAMETERS:,} allowed")
    layers = []
    for spec in specs:
        cls = LAYER_TYPES.get(spec.pop("type", None))
        if cls is None:
            raise ValueError(f"unknown layer type in architecture: {spec}")
        if cls in (Conv2D, Dense):
            spec.update(rng=rng, dtype=dtype)
        elif cls is Dropout:
            spec.update(rng=rng)
        layers.append(cls(**spec))
    model = Sequential(layers, input_shape=input_shape)
    check_sizes(model)
    return model


def parameter_count(spec):
    """The number of parameters of one layer described by `spec` (a dict from architecture()),
    computed from its description alone: kh*kw*C*F + F for a Conv2D, D*H + H for a Dense."""
    def positive(value, what):
        if type(value) is not int or value < 1:
            raise ValueError(f"{spec.get('type')} {what} must be a positive integer, got {value!r}")
        return value

    def size(key):
        return positive(spec[key], key)
    if spec.get("type") == "Conv2D":
        kernel = spec["kernel_size"]
        kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
        kh, kw = positive(kh, "kernel_size"), positive(kw, "kernel_size")
        return kh * kw * size("in_channels") * size("filters") + size("filters")
    if spec.get("type") == "Dense":
        return size("in_features") * size("out_features") + size("out_features")
    return 0


def check_sizes(model):
    """ValueError if the layers do not chain, or if some layer would hold more than
    MAX_VALUES_PER_IMAGE numbers per image (its output, or the im2col matrix of a Conv2D)."""
    shapes = model.shapes()
    for layer, before, after in zip(model.layers, shapes, shapes[1:]):
        values = math.prod(after)
        if isinstance(layer, Conv2D):
            values = max(values, math.prod(after[:2]) * math.prod(layer.kernel_size) * before[2])
        if max(values, math.prod(before)) > MAX_VALUES_PER_IMAGE:
            raise ValueError(f"{layer.name} would hold {max(values, math.prod(before)):,} "
                             f"numbers per image, more than the {MAX_VALUES_PER_IMAGE:,} allowed")


def build_reference_model(rng=None, dtype=np.float32, p_drop=0.5):
    """The network of the Keras script this project was seeded from, 225,034 parameters.

    (N, 28, 28, 1) -> Conv 32@3x3 + ReLU -> (N, 26, 26, 32) -> MaxPool 2 -> (N, 13, 13, 32)
      -> Conv 64@3x3 + ReLU -> (N, 11, 11, 64) -> MaxPool 2 -> (N, 5, 5, 64) -> Flatten -> (N, 1600)
      -> Dense 128 + ReLU -> Dropout p_drop -> Dense 10 -> logits (N, 10)

    Inputs:
    - rng: numpy.random.Generator for the initial weights and the dropout masks
    - dtype: np.float32 for training, np.float64 for gradient checks
    """
    rng = np.random.default_rng() if rng is None else rng
    # Pooling comes before the ReLU here: max(relu(a), relu(b)) = relu(max(a, b)), so the outputs
    # and gradients are those of Conv -> ReLU -> MaxPool, but the ReLU sees 4x fewer numbers.
    return Sequential([
        Conv2D(1, 32, 3, name="conv1", input_grad=False, rng=rng, dtype=dtype),
        MaxPool2D(2, name="pool1"),
        ReLU(name="relu1"),
        Conv2D(32, 64, 3, name="conv2", rng=rng, dtype=dtype),
        MaxPool2D(2, name="pool2"),
        ReLU(name="relu2"),
        Flatten(name="flatten"),
        Dense(5 * 5 * 64, 128, name="dense1", rng=rng, dtype=dtype),
        ReLU(name="relu3"),
        Dropout(p_drop, name="dropout", rng=rng),
        Dense(128, 10, name="dense2", init="glorot", rng=rng, dtype=dtype),
    ], input_shape=(28, 28, 1))
