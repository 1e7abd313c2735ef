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
prediction, p_k = 1/10, on generated non-digits (numpy_cnn.outliers: letters in many hands,
doodles, signs, marks), so their largest probability falls; it costs one more loss term and
nothing at prediction time.

Why this score: `python benchmarks/notdigit_scores.py` compares it with three others computed
from the same ten logits z -- the top logit max_k z_k, the energy log sum_k exp(z_k) (Liu et
al., 2020) and the two top probabilities added (which would spare a digit torn between two
readings) -- each thresholded to flag the same share of *training* digits, by the share of
generated non-digits each then flags. On the shipped weights they flag 98.70% to 98.97% of
6,000 generated non-digits at 0.25% of 66,000 training digits flagged: differences about the
size of the sampling error (0.13%). The top probability is the simplest, and it is what outlier
exposure's loss pushes down, so it is kept.

The threshold: the top probability below which TRAINING_DIGITS_FLAGGED of the training digits
fall (MNIST's training images and digits drawn as `train --drawn` draws them), rounded down to
a multiple of 0.05; it is chosen on training data only, never on a test set, and printed by
`python benchmarks/notdigit_scores.py`. Half of the test's budget (issue 22: at most 0.5% of
MNIST test flagged), because a test digit is harder than one the network has trained on.

Every command says it the same way, from here: is_not_a_digit decides, answer() words it
(predict's and explain's lines, explain's figure title; the app shows it in its own widgets).

Inputs:  probabilities -- (..., 10) softmax outputs.
Returns: bool array of shape (...): True where the drawing does not look like a digit.
"""
import numpy as np

NOT_A_DIGIT_BELOW = 0.4            # benchmarks/notdigit_scores.py, shipped weights
TRAINING_DIGITS_FLAGGED = 0.0025   # the share of training digits the threshold is chosen to flag


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
