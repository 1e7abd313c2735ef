"""Saying "not a digit": when the network's answer should not be trusted as a digit at all.

A softmax always names one of the ten digits, even for a plus sign or a smiley. The decision here
is the simplest one that works once the network has been trained to be unsure of non-digits
(outlier exposure, see numpy_cnn.train --outliers): its largest probability (the "maximum softmax
probability", Hendrycks & Gimpel, 2017) is low on anything it was never meant to read, so

    not a digit  <=>  max_k p_k < NOT_A_DIGIT_BELOW

Inputs:  probabilities -- (..., 10) softmax outputs.
Returns: bool array of shape (...): True where the drawing does not look like a digit.
"""
import numpy as np

NOT_A_DIGIT_BELOW = 0.5


def is_not_a_digit(probabilities, threshold=NOT_A_DIGIT_BELOW):
    """True where the highest of the ten probabilities is below threshold (see the module)."""
    return np.max(np.asarray(probabilities), axis=-1) < threshold
