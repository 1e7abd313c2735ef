"""Saying "not a digit": when the network's answer should not be trusted as a digit at all.

A softmax always names one of the ten digits, even for a plus sign or a smiley. The decision here
is the simplest one that works once the network has been trained to be unsure of non-digits
(outlier exposure, see numpy_cnn.train --outliers): its largest probability (the "maximum softmax
probability", Hendrycks & Gimpel, 2017) is low on anything it was never meant to read, so

    not a digit  <=>  max_k p_k < NOT_A_DIGIT_BELOW

Why both, and not a threshold alone: a network trained on digits only is sure of itself on
non-digits too (a plus read as 4 at 97%); no threshold separates them from digits, and the
weights trained on MNIST alone flagged under 2% of the benchmark's non-digits at 0.5. Outlier
exposure (Hendrycks, Mazeika & Dietterich, 2019) trains the network toward the uniform
prediction, p_k = 1/10, on generated non-digits, so their largest probability falls; it costs
one more loss term and nothing at prediction time. Then the threshold: it is chosen on MNIST's
*training* digits, never on a test set. `python benchmarks/handwriting.py --sweep` prints, for
thresholds from 0.3 to 0.8, the share of training digits flagged beside every test figure; 0.5
flags under half a percent of the training digits with the shipped weights.

Every command says it the same way, from here: is_not_a_digit decides, answer() words it
(predict's and explain's lines, explain's figure title; the app shows it in its own widgets).

Inputs:  probabilities -- (..., 10) softmax outputs.
Returns: bool array of shape (...): True where the drawing does not look like a digit.
"""
import numpy as np

NOT_A_DIGIT_BELOW = 0.5


def is_not_a_digit(probabilities, threshold=NOT_A_DIGIT_BELOW):
    """True where the highest of the ten probabilities is below threshold (see the module)."""
    return np.max(np.asarray(probabilities), axis=-1) < threshold


def answer(probabilities, closest=False):
    """What the network read, in words: "7 (99.8%)", or "not a digit" (see is_not_a_digit);
    with closest=True, "not a digit (closest: 4, 10.6%)".

    Inputs: probabilities -- (10,) softmax output of one image."""
    p = np.asarray(probabilities)
    best = int(p.argmax())
    if not is_not_a_digit(p):
        return f"{best} ({p[best]:.1%})"
    return f"not a digit (closest: {best}, {p[best]:.1%})" if closest else "not a digit"
