"""How good is a trained network? Accuracy, per-class accuracy, confusion matrix, worst mistakes.

Command line (the MNIST test set, 10,000 digits):
    numpy-cnn evaluate [--weights PATH] [--limit N]

The confusion matrix counts, for every true digit (row), how often each digit was predicted
(column): the diagonal holds the right answers, everything else is a mistake. A "confident
mistake" is a wrong answer given with a high probability: the most instructive digits to look at.
"""
import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .losses import softmax, softmax_cross_entropy
from .paths import SHIPPED_WEIGHTS
from .storage import WeightsError, load_digit_model

CLASSES = 10
DEFAULT_WEIGHTS = SHIPPED_WEIGHTS


def resolve_weights(path=DEFAULT_WEIGHTS):
    """Inputs:  path -- a weights file, or None for the shipped weights.
    Returns: the Path to load."""
    return SHIPPED_WEIGHTS if path is None else Path(path)


@dataclass
class Evaluation:
    """What the network answered on a labelled set of images.

    - loss: mean cross-entropy
    - probabilities: (N, 10) softmax output
    - labels: (N,) true digits
    """
    loss: float
    probabilities: np.ndarray
    labels: np.ndarray

    @property
    def predicted(self):
        """(N,) the most likely digit of each image."""
        return self.probabilities.argmax(axis=1)

    @property
    def accuracy(self):
        """Fraction of the images read correctly (nan for an empty set)."""
        return float(np.mean(self.predicted == self.labels)) if len(self.labels) else float("nan")

    @property
    def confusion(self):
        """(10, 10) int array: confusion[true, predicted] = number of images."""
        return confusion_matrix(self.labels, self.predicted)

    @property
    def per_class_accuracy(self):
        """(10,) fraction of each true digit read correctly."""
        counts = self.confusion
        return np.diag(counts) / np.maximum(counts.sum(axis=1), 1)

    def confident_mistakes(self, k=10):
        """Indices of up to k wrongly read images, the most confident wrong answer first."""
        wrong = np.flatnonzero(self.predicted != self.labels)
        confidence = self.probabilities[wrong].max(axis=1)
        return wrong[np.argsort(-confidence, kind="stable")][:k]


def evaluate(model, images, labels, batch_size=100):
    """Run the network (inference mode: no dropout) on labelled images, a batch at a time.

    Inputs:  model -- a Sequential; images -- uint8 (N, 28, 28) or floats in [0, 1] (anything
             model.as_input accepts); labels -- (N,) integers.
    Returns: an Evaluation.
    """
    labels = np.asarray(labels)
    total_loss, chunks = 0.0, []
    for start in range(0, len(labels), batch_size):
        batch = slice(start, start + batch_size)
        logits = model.forward(model.as_input(images[batch]), training=False)
        loss, _ = softmax_cross_entropy(logits, labels[batch])
        total_loss += loss * len(logits)
        chunks.append(softmax(logits))
    probabilities = np.concatenate(chunks) if chunks else np.zeros((0, CLASSES), np.float32)
    return Evaluation(total_loss / max(len(labels), 1), probabilities, labels)


def confusion_matrix(labels, predicted, classes=CLASSES):
    """Inputs:  labels, predicted -- (N,) integers in [0, classes).
    Returns: (classes, classes) int64 counts, rows the true class, columns the predicted one.
    """
    pairs = np.asarray(labels, np.int64) * classes + np.asarray(predicted, np.int64)
    return np.bincount(pairs, minlength=classes * classes).reshape(classes, classes)


def format_confusion(confusion):
    """The confusion matrix as a text table, with each row's accuracy at the end."""
    classes = len(confusion)
    lines = ["true\\pred " + "".join(f"{c:>6}" for c in range(classes)) + "   accuracy"]
    for digit, row in enumerate(confusion):
        accuracy = row[digit] / max(row.sum(), 1)
        lines.append(f"{digit:>9} " + "".join(f"{n:>6}" for n in row) + f"   {accuracy:8.2%}")
    return "\n".join(lines)


def format_mistakes(evaluation, k=10):
    """The k most confident mistakes as a text table (index into the evaluated set)."""
    lines = ["  image  true  read as  confidence  second guess"]
    for i in evaluation.confident_mistakes(k):
        p = evaluation.probabilities[i]
        first, second = np.argsort(-p)[:2]
        lines.append(f"{i:>7}  {evaluation.labels[i]:>4}  {first:>7}  {p[first]:>10.1%}  "
                     f"{second} ({p[second]:.1%})")
    return "\n".join(lines)


def format_report(evaluation, name="test set"):
    """Accuracy, per-class accuracy, confusion matrix and confident mistakes, as text."""
    n, right = len(evaluation.labels), int(np.sum(evaluation.predicted == evaluation.labels))
    per_class = "  ".join(f"{d}: {a:.2%}" for d, a in enumerate(evaluation.per_class_accuracy))
    return "\n".join([
        f"Accuracy on the {name}: {evaluation.accuracy:.2%} ({right:,} of {n:,} digits), "
        f"loss {evaluation.loss:.4f}",
        "", "Per-class accuracy:", "  " + per_class,
        "", "Confusion matrix (rows: true digit, columns: the network's answer):",
        format_confusion(evaluation.confusion),
        "", f"The {min(10, n - right)} most confident mistakes:", format_mistakes(evaluation),
    ])


def main(argv=None):
    """numpy-cnn evaluate: report on the MNIST test set. Returns the exit code."""
    from .data import load_mnist_test   # only the command line needs the data set

    parser = argparse.ArgumentParser(prog="numpy-cnn evaluate",
                                     description="Evaluate trained weights on the MNIST test set.")
    parser.add_argument("--weights", default=DEFAULT_WEIGHTS, metavar="PATH",
                        help=f"weights file written by the training (default: {DEFAULT_WEIGHTS})")
    parser.add_argument("--data-dir", metavar="DIR", help="folder of the MNIST files (default: "
                        "the repository's data/, or the per-user folder's mnist/ when installed)")
    parser.add_argument("--limit", type=int, metavar="N", help="use only the first N test images")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.data_dir is not None and not Path(args.data_dir).is_dir():
        parser.error(f"--data-dir {args.data_dir}: no such folder")
    try:
        model = load_digit_model(resolve_weights(args.weights))
        images, labels = load_mnist_test(args.data_dir)
    except (WeightsError, OSError, ValueError, RuntimeError) as error:   # bad file, no data
        print(f"error: {error}", file=sys.stderr)
        return 1
    images, labels = images[:args.limit], labels[:args.limit]
    print(f"Weights: {resolve_weights(args.weights)}\n")
    print(format_report(evaluate(model, images, labels)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
