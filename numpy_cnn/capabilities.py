"""What each view can show of a network: checked once, when the weights are loaded.

Any network saved by numpy_cnn.storage.save that reads 28x28x1 images into 10 classes is
accepted by predict, evaluate and the app's answer (numpy_cnn.storage.load_digit_model). The
views that look inside it need more:

    view        needs                                          because
    saliency    nothing more                                   d score / d pixel: any network
    grad-cam    a convolution (Conv2D)                         it weighs the last conv's maps
    inside      the reference CNN's layers by name:            it draws those layers' outputs
                conv1, conv2 (Conv2D), relu1, flatten, dense1,
                relu3, dense2
    explain     what inside and grad-cam need                  its figure shows both
    teach       the reference CNN's architecture               it is `numpy-cnn train --init`

(The app's Watch it learn trains a fresh reference CNN of its own, whatever the app reads with.)

    >>> import numpy as np
    >>> from numpy_cnn.model import Sequential, build_reference_model
    >>> from numpy_cnn.layers import Dense, Flatten
    >>> cannot_show(build_reference_model())
    {}
    >>> mlp = Sequential([Flatten(name="flat"), Dense(784, 10, name="out")])
    >>> sorted(cannot_show(mlp))
    ['explain', 'grad-cam', 'inside', 'teach']
"""
import functools

from .insight import DENSE, DENSE_RELU, LOGITS, MAP_LAYERS
from .layers import Conv2D

INSIDE_LAYERS = (*MAP_LAYERS, *MAP_LAYERS.values(), DENSE, DENSE_RELU, LOGITS)


@functools.lru_cache(maxsize=None)
def _reference_architecture():
    from .model import build_reference_model
    return repr(build_reference_model().architecture())


def cannot_show(model):
    """Inputs:  model -- a Sequential that reads digits (numpy_cnn.storage.load_digit_model).
    Returns: {view: one sentence saying why it cannot show this network}, for each view of the
             module docstring's table that it cannot show ({} for the reference CNN)."""
    layers = {layer.name: layer for layer in model.layers}
    reasons = {}
    missing = [name for name in INSIDE_LAYERS if name not in layers]
    not_conv = [name for name in MAP_LAYERS if name in layers
                and not isinstance(layers[name], Conv2D)]
    if missing or not_conv:
        reasons["inside"] = (f"Inside draws the reference CNN's layers ({', '.join(INSIDE_LAYERS)}); "
                             f"this network's are {', '.join(layers)}")
    if not any(isinstance(layer, Conv2D) for layer in model.layers):
        reasons["grad-cam"] = "Grad-CAM weighs a convolution's maps; this network has no convolution"
    if "inside" in reasons or "grad-cam" in reasons:
        reasons["explain"] = ("explain's figure shows the reference CNN's layers and Grad-CAM; "
                              "this network's layers are " + ", ".join(layers) +
                              " (predict and evaluate read with it)")
    if repr(model.architecture()) != _reference_architecture():
        reasons["teach"] = ("Teach fine-tunes the reference CNN (numpy-cnn train --init); "
                            "this is another network")
    return reasons
