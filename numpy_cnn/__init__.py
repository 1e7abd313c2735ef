"""numpy_cnn: a convolutional neural network written from scratch in NumPy.

    >>> import numpy as np, numpy_cnn
    >>> model = numpy_cnn.build_reference_model(np.random.default_rng(0))
    >>> model.predict(np.zeros((2, 28, 28), np.float32)).shape
    (2,)
"""
from .losses import softmax, softmax_cross_entropy
from .model import Sequential, build_reference_model
from .optim import SGD, Adam
from .storage import WeightsError, load, save

__all__ = ["Sequential", "build_reference_model", "softmax", "softmax_cross_entropy", "Adam", "SGD",
           "save", "load", "WeightsError"]
__version__ = "0.1.0"
