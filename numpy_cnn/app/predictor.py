"""From a picture to the network's answer, without any Tk: where the weights are, and what the
network says about a drawing.
"""
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from numpy_cnn.notdigit import is_not_a_digit
from numpy_cnn.parallel import single_threaded_blas
from numpy_cnn.paths import SHIPPED_WEIGHTS, runs_dir, taught_weights
from numpy_cnn.preprocess import to_mnist

SURE_FROM = 0.60        # below this probability the app says it is unsure


def find_weights(path=None):
    """Which weights file to load.

    Inputs:  path -- the file asked for (--weights), or None for the default.
    Returns: Path(path) if given; else the weights the app's Teach made from the user's digits
             (numpy_cnn.paths.taught_weights()), if there are any; else shipped_weights().
    """
    if path is not None:
        return Path(path)
    return taught_weights() if taught_weights().is_file() else shipped_weights()


def shipped_weights():
    """The shipped weights (weights/mnist_cnn.npz); for a copy without them, the
    app's own run, app_weights(), where the app offers to train the network (see
    numpy_cnn.gui.training)."""
    return SHIPPED_WEIGHTS if SHIPPED_WEIGHTS.is_file() else app_weights()


def app_weights():
    """Where the app trains the network when there are no weights: the run named "app" in the
    per-user runs folder (numpy_cnn.paths.runs_dir())."""
    return runs_dir() / "app" / "mnist_cnn.npz"


@dataclass(frozen=True)
class Prediction:
    """What the network made of one drawing.

    - probabilities: (10,) float, one per digit, summing to 1
    - network_input: (28, 28) float32 in [0, 1], the picture the network was given
    """
    probabilities: np.ndarray
    network_input: np.ndarray

    @property
    def digit(self):
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self):
        return float(self.probabilities[self.digit])

    @property
    def is_sure(self):
        return self.confidence >= SURE_FROM

    @property
    def is_digit(self):
        """False when the drawing does not look like a digit at all (numpy_cnn.notdigit)."""
        return not is_not_a_digit(self.probabilities)

    def runner_up(self):
        """The second most likely digit and its probability, as (digit, probability)."""
        second = int(np.argsort(self.probabilities)[-2])
        return second, float(self.probabilities[second])


class Predictor:
    """Reads digits with a trained model: predict(picture) -> Prediction.

    weights: the file the model was read from, if it was (Teach starts from it: gui.teach).
    """

    def __init__(self, model, weights=None):
        self.model, self.weights = model, weights

    def predict(self, picture):
        """Inputs:  picture -- a PIL image or array of any size (see numpy_cnn.preprocess).
        Returns: Prediction.
        Raises:  EmptyImageError if there is no ink on the picture.
        """
        network_input = to_mnist(picture)
        with single_threaded_blas():    # one image: a second BLAS thread only waits (and, on a
            probabilities = self.model.predict_proba(network_input)[0]   # busy machine, stalls)
        return Prediction(probabilities, network_input)
