"""Which score should say "not a digit"? Four candidates, compared on training data only.

    python benchmarks/notdigit_scores.py [--weights PATH] [--share F] [--held-out]

A score is a number per image, high for "this is a digit". Each is computed from the network's
ten logits z (its last layer, before the softmax):

    top probability   max_k softmax(z)_k             (Hendrycks & Gimpel, 2017)
    top logit         max_k z_k                      (Hendrycks et al., 2022)
    energy            log sum_k exp(z_k)             (minus the free energy: Liu et al., 2020)
    top two           the two largest softmax(z)_k added: a digit torn between two readings
                      (a 4 or a 9?) is not turned away, only a drawing that is neither

For each, the threshold is the one that flags --share of the training digits (default
numpy_cnn.notdigit.TRAINING_DIGITS_FLAGGED; MNIST's 60,000 training images, and digits drawn
by numpy_cnn.drawn_digits as `train --drawn` draws them);
then the share of generated non-digits (numpy_cnn.outliers, as `train --outliers` draws them,
from a seed training does not use) that it flags says how well it separates. AUROC, the chance
that a random digit scores above a random non-digit, says it without a threshold. This is
the only comparison numpy_cnn.notdigit's choice rests on, and the top probability's threshold,
rounded down to a multiple of 0.05, is its NOT_A_DIGIT_BELOW; --held-out adds, as a measurement
only, the share each would flag of the benchmark's sets (benchmarks/handwriting.py), which
choose nothing.
"""
import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
import numpy_cnn  # noqa: E402
from numpy_cnn import notdigit  # noqa: E402
from numpy_cnn.data import load_mnist  # noqa: E402
from numpy_cnn.drawn_digits import drawn_digit_bank  # noqa: E402
from numpy_cnn.outliers import outlier_bank  # noqa: E402
from numpy_cnn.paths import SHIPPED_WEIGHTS  # noqa: E402
from numpy_cnn.storage import WeightsError  # noqa: E402

SEED = 23                  # the generated digits and non-digits: a stream training never uses
DRAWN, NON_DIGITS = 6_000, 6_000


def logits(model, images, batch_size=200):
    """The network's last layer for each image: (N, 10) float64."""
    x = model.as_input(images)
    return np.concatenate([model.forward(x[i:i + batch_size], training=False)
                           for i in range(0, len(x), batch_size)]).astype(np.float64)


def scores(z):
    """{name: (N,) score, high for a digit} for logits z (N, 10) (see the module docstring)."""
    shifted = z - z.max(axis=1, keepdims=True)         # exp of the shifted logits cannot overflow
    e = np.exp(shifted)
    p = e / e.sum(axis=1, keepdims=True)
    return {"top probability": p.max(axis=1), "top logit": z.max(axis=1),
            "energy": z.max(axis=1) + np.log(e.sum(axis=1)),
            "top two": np.sort(p, axis=1)[:, -2:].sum(axis=1)}


def auroc(digit_scores, other_scores):
    """The chance that a random digit scores above a random non-digit (ties count half): the
    Mann-Whitney U statistic of the digits' ranks among all scores, over the number of pairs."""
    both = np.concatenate([digit_scores, other_scores])
    order = both.argsort(kind="stable")
    _, first, counts = np.unique(both[order], return_index=True, return_counts=True)
    ranks = np.empty(len(both))
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)      # tied values share a rank
    n, m = len(digit_scores), len(other_scores)
    return (ranks[:n].sum() - n * (n + 1) / 2) / (n * m)


def training_sets(rng):
    """(digit images (N, 28, 28) uint8, non-digit images (M, 28, 28) uint8), training data only."""
    drawn = drawn_digit_bank(DRAWN, rng)[0]
    return np.concatenate([load_mnist()[0], drawn]), outlier_bank(NON_DIGITS, rng)


def compare(model, share, digit_images, other_images):
    """For each score: {"threshold", "digits flagged", "non-digits flagged", "auroc"}."""
    digit, other = scores(logits(model, digit_images)), scores(logits(model, other_images))
    table = {}
    for name in digit:
        threshold = float(np.quantile(digit[name], share))
        table[name] = {"threshold": threshold,
                       "digits flagged": float((digit[name] < threshold).mean()),
                       "non-digits flagged": float((other[name] < threshold).mean()),
                       "auroc": float(auroc(digit[name], other[name]))}
    return table


def rounded_down(threshold, step=0.05):
    """The threshold rounded down to a multiple of step (a rule a reader can remember)."""
    return np.floor(threshold / step + 1e-9) * step


def held_out(model, table):
    """{set name: {score name: share flagged at that score's threshold}} for the benchmark's
    sets (blank images, which the app never reads, left out)."""
    from benchmarks.handwriting import SET_NAMES, inputs_for
    rows = {}
    for key, name in SET_NAMES.items():
        try:
            inputs = inputs_for(key)
        except FileNotFoundError:
            continue
        s = scores(logits(model, inputs.x[~inputs.blank]))
        rows[name] = {score: float((s[score] < table[score]["threshold"]).mean())
                      for score in table}
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description="Compare 'not a digit' scores on training data.")
    parser.add_argument("--weights", default=SHIPPED_WEIGHTS, metavar="PATH")
    parser.add_argument("--share", type=float, default=notdigit.TRAINING_DIGITS_FLAGGED,
                        help="the share of training digits each threshold flags (default "
                             f"{notdigit.TRAINING_DIGITS_FLAGGED:g})")
    parser.add_argument("--held-out", action="store_true",
                        help="also show what each would flag of the benchmark's sets")
    args = parser.parse_args(argv)
    if not 0 < args.share < 1:
        parser.error(f"--share must be between 0 and 1, got {args.share:g}")
    try:
        model = numpy_cnn.load(args.weights)
    except (WeightsError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    digits, others = training_sets(np.random.default_rng(SEED))
    table = compare(model, args.share, digits, others)
    print(f"Weights: {args.weights}\nThresholds flag {args.share:.2%} of {len(digits):,} training "
          f"digits; generated non-digits: {len(others):,}\n")
    print(f"{'score':16s} {'threshold':>9s} {'non-digits flagged':>19s} {'AUROC':>7s}")
    for name, row in table.items():
        print(f"{name:16s} {row['threshold']:9.3f} {row['non-digits flagged']:19.2%} "
              f"{row['auroc']:7.4f}")
    best = max(table, key=lambda name: table[name]["non-digits flagged"])
    rule = rounded_down(table["top probability"]["threshold"])
    print(f"\nmost non-digits flagged: {best}\n"
          f"top probability's threshold rounded down to 0.05: {rule:.2f} "
          f"(numpy_cnn.notdigit.NOT_A_DIGIT_BELOW is {notdigit.NOT_A_DIGIT_BELOW:g})")
    if args.held_out:
        rows = held_out(model, table)
        print("\nheld out, measured only: share flagged at each threshold")
        print(f"{'set':22s}" + "".join(f"{name:>17s}" for name in table))
        for set_name, row in rows.items():
            print(f"{set_name:22s}" + "".join(f"{row[name]:17.2%}" for name in table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
