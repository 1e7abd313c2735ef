"""How well does a weights file read handwriting from outside MNIST, and say "not a digit"?

    python benchmarks/handwriting.py [--weights PATH] [--pendigits DIR] [--quick] [--cache [DIR]]

Prints, for the weights (default: the shipped ones), on five sets of images:
- MNIST test: the 10,000 test digits as they are (28x28, no preprocessing: the usual figure);
- MNIST on the canvas: the same digits enlarged onto the app's 280x280 canvas, at random sizes
  and places (benchmarks.handwriting_sets.draw_like_a_person);
- pendigits: 7,494 digits by 30 writers not in MNIST, drawn as the app would draw their strokes;
- styles: digits in styles MNIST under-represents (crossed 7, open 4, ...), tiny, huge, slanted,
  with a very thin or very thick pen;
- not digits: shapes, signs, letters and scribbles, which should be flagged "not a digit".
Every image but MNIST test goes through numpy_cnn.preprocess.to_mnist, as in the app; then
model.predict_proba, and numpy_cnn.notdigit.is_not_a_digit on the probabilities. A digit counts
as read right if the most likely digit is its label and it is not flagged ("argmax" ignores the
flag). Figures are given per digit, per style and per kind of non-digit, beside the issue's
targets.

--quick uses a fixed subset of each set (about 300 to 1,000 images) for a check in seconds.
--cache keeps the 28x28 inputs of the rendered sets as .npz files in a temporary folder (default
numpy-cnn-handwriting in the system's temporary directory), keyed by a hash of the code that
draws them, so a second run only runs the network.

From Python (e.g. a training script comparing weights):

    from benchmarks.handwriting import measure
    figures = measure(model, quick=True)        # the rendered sets are kept for the process
    figures["sets"]["pendigits"]["accuracy"], figures["all_met"]
    print(one_line(figures))                    # the targets' figures on one line
"""
import argparse
import functools
import hashlib
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
import numpy_cnn  # noqa: E402
from numpy_cnn import notdigit  # noqa: E402
from numpy_cnn.data import load_mnist  # noqa: E402
from numpy_cnn.paths import SHIPPED_WEIGHTS  # noqa: E402
from numpy_cnn import preprocess  # noqa: E402
from numpy_cnn.storage import WeightsError, atomic_savez  # noqa: E402

from benchmarks import handwriting_sets as sets  # noqa: E402

SEED = 11                                   # every set is drawn from default_rng(SEED)
QUICK_SIZES = {"mnist": 1000, "canvas": 500, "pendigits": 1000, "styles": 360, "non_digits": 300}
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "numpy-cnn-handwriting"
SET_NAMES = {"mnist": "MNIST test", "canvas": "MNIST on the canvas", "pendigits": "pendigits",
             "styles": "styles", "non_digits": "not digits"}
# (set, figure, comparison, target): the targets. MNIST test's is the usual figure, the
# most likely digit ("argmax"; 99.54% for the first shipped weights), its flags counted apart.
TARGETS = [("mnist", "argmax", ">=", 0.996), ("mnist", "flagged", "<=", 0.01),
           ("canvas", "flagged", "<=", 0.01), ("pendigits", "accuracy", ">=", 0.90),
           ("styles", "accuracy", ">=", 0.97), ("non_digits", "flagged", ">=", 0.80)]

_inputs_in_memory = {}                      # (set, quick, pendigits folder) -> Inputs


# ------------------------------------------------------------------ the network's inputs

@dataclass
class Inputs:
    """One set ready for the network: x (N, 28, 28) float32, labels (N,) int64 (-1: not a digit),
    kinds (N,) str, manners (N,) str, as in benchmarks.handwriting_sets."""
    x: np.ndarray
    labels: np.ndarray
    kinds: np.ndarray
    manners: np.ndarray

    def __len__(self):
        return len(self.x)

    def subset(self, indices):
        return Inputs(self.x[indices], self.labels[indices], self.kinds[indices],
                      self.manners[indices])


def evenly_spaced(n, k):
    """k indices spread evenly over range(n) (all of them if k >= n)."""
    return np.arange(n) if k >= n else np.linspace(0, n - 1, k).round().astype(np.int64)


@functools.lru_cache(maxsize=1)
def mnist_test():
    """MNIST's test images (10000, 28, 28) uint8 and labels (10000,), read once."""
    _, _, x_test, y_test = load_mnist()
    return x_test, y_test


def make_set(key, pendigits_dir):
    """The drawings of one rendered set (see benchmarks.handwriting_sets), or MNIST test as
    an Inputs. Each set has its own Generator, so one set does not change when another does."""
    rng = np.random.default_rng([SEED, list(SET_NAMES).index(key)])
    if key in ("mnist", "canvas"):
        x_test, y_test = mnist_test()
        if key == "mnist":
            return Inputs(x_test / np.float32(255), y_test.astype(np.int64), y_test.astype(str),
                          np.full(len(y_test), "plain"))
        return sets.canvas_mnist_set(x_test, y_test, rng)
    if key == "pendigits":
        return sets.pendigits_set(rng, pendigits_dir)
    if key == "styles":
        return sets.style_set(rng)
    return sets.non_digit_set(rng)


def cache_key(key, quick, pendigits_dir):
    """A name for the cached inputs that changes whenever what they are made from changes: the
    code that draws and preprocesses them, the seed, the subset, and the pendigits files."""
    digest = hashlib.sha256(f"{key} {quick} {SEED} {QUICK_SIZES}".encode())
    for module in (sets, sets.drawing, preprocess):
        digest.update(Path(module.__file__).read_bytes())
    if key == "pendigits":
        for name in ("pendigits_dyn_train.csv", "pendigits_label_train.csv"):
            digest.update((Path(pendigits_dir) / name).read_bytes())
    return f"{key}-{digest.hexdigest()[:16]}.npz"


def inputs_for(key, quick=False, pendigits_dir=None, cache_dir=None):
    """The network's inputs for one set, made once per process (and once per cache_dir).

    Raises FileNotFoundError if key is "pendigits" and the folder is missing.
    """
    pendigits_dir = Path(pendigits_dir or sets.default_pendigits_dir())
    memo = (key, quick, str(pendigits_dir) if key == "pendigits" else None)
    if memo in _inputs_in_memory:
        return _inputs_in_memory[memo]
    if key == "pendigits" and not pendigits_dir.is_dir():
        raise FileNotFoundError(f"no pendigits folder at {pendigits_dir}")
    rendered = key != "mnist"                   # MNIST test is read as it is: nothing to cache
    cached = (Path(cache_dir) / cache_key(key, quick, pendigits_dir)
              if cache_dir and rendered else None)
    if cached is not None and cached.is_file():
        with np.load(cached) as f:              # plain arrays only: never allow_pickle
            inputs = Inputs(f["x"], f["labels"], f["kinds"], f["manners"])
    else:
        drawn = make_set(key, pendigits_dir)
        if quick:
            drawn = drawn.subset(evenly_spaced(len(drawn), QUICK_SIZES[key]))
        if isinstance(drawn, Inputs):
            inputs = drawn
        else:
            x = np.stack([preprocess.to_mnist(drawn.image(i)) for i in range(len(drawn))])
            inputs = Inputs(x, drawn.labels, drawn.kinds, drawn.manners)
        if cached is not None:
            atomic_savez(cached, {"x": inputs.x, "labels": inputs.labels,
                                  "kinds": inputs.kinds.astype(str),
                                  "manners": inputs.manners.astype(str)})
    _inputs_in_memory[memo] = inputs
    return inputs


# ------------------------------------------------------------------ figures

def figures(labels, predicted, flagged, groups=None, sort_groups=True):
    """Inputs: labels, predicted (N,) ints; flagged (N,) bool; groups (N,) str or None.
    Returns: {"n", "accuracy" (right and not flagged; None for non-digits), "argmax" (right),
    "flagged", "read_as" (the most frequent wrong digit among unflagged answers, or None)},
    and with groups, the same per group under "by_group" (sorted by name, or in order of first
    appearance if not sort_groups)."""
    n = len(labels)
    digits = labels != sets.NOT_A_DIGIT
    right = predicted == labels
    wrong = ~right & ~flagged
    out = {"n": int(n),
           "accuracy": float((right & ~flagged).mean()) if digits.all() and n else None,
           "argmax": float(right.mean()) if digits.all() and n else None,
           "flagged": float(flagged.mean()) if n else 0.0,
           "read_as": (int(np.bincount(predicted[wrong], minlength=10).argmax())
                       if wrong.any() else None)}
    if groups is not None:
        names = list(dict.fromkeys(groups.tolist()))
        if sort_groups:
            names.sort()
        out["by_group"] = {g: figures(labels[groups == g], predicted[groups == g],
                                      flagged[groups == g]) for g in names}
    return out


def measure(model, quick=False, pendigits_dir=None, cache_dir=None, flag=None):
    """Measure a model on every set.

    Inputs:
    - model: anything with predict_proba(x (N, 28, 28) float32) -> (N, 10), e.g. a Sequential;
    - quick: a fixed subset of each set (QUICK_SIZES) instead of all of it;
    - pendigits_dir: the pendigits folder (default: shared/pendigits beside the repository);
      if it is missing, pendigits is left out and its target reported as not measured;
    - cache_dir: keep the rendered sets' inputs there as .npz (None: only in memory);
    - flag: probabilities (N, 10) -> (N,) bool "not a digit" (default: notdigit.is_not_a_digit).

    Returns: {"quick", "seconds", "sets": {key: figures(...) with "name", "by_kind" (per digit,
    style or kind) and, for styles, "by_manner"}, "missing": {key: reason},
    "targets": [{"set", "figure", "op", "target", "value" (None if not measured), "met"}],
    "all_met"}.
    """
    flag = notdigit.is_not_a_digit if flag is None else flag
    start = time.perf_counter()
    result = {"quick": quick, "sets": {}, "missing": {}}
    for key, name in SET_NAMES.items():
        try:
            inputs = inputs_for(key, quick, pendigits_dir, cache_dir)
        except FileNotFoundError as error:
            result["missing"][key] = str(error)
            continue
        probabilities = model.predict_proba(inputs.x)
        predicted = probabilities.argmax(axis=1)
        flagged = np.asarray(flag(probabilities), dtype=bool)
        numbers = figures(inputs.labels, predicted, flagged, inputs.kinds)
        numbers["by_kind"] = numbers.pop("by_group")
        if key == "styles":
            numbers["by_manner"] = figures(inputs.labels, predicted, flagged,
                                           inputs.manners, sort_groups=False)["by_group"]
        result["sets"][key] = {"name": name, **numbers}
    result["targets"] = []
    for key, figure, op, target in TARGETS:
        value = result["sets"][key][figure] if key in result["sets"] else None
        met = None if value is None else (value >= target if op == ">=" else value <= target)
        result["targets"].append({"set": key, "figure": figure, "op": op, "target": target,
                                  "value": value, "met": met})
    result["all_met"] = all(t["met"] for t in result["targets"])
    result["seconds"] = time.perf_counter() - start
    return result


# ------------------------------------------------------------------ the report

def percent(value):
    return "-" if value is None else f"{100 * value:.2f}%"


def table(title, rows, digits=True):
    """Lines of a table of figures(...) dicts: {row name: figures}."""
    width = max([len(title)] + [len(r) for r in rows]) + 2
    if digits:
        lines = [f"{title:<{width}}{'images':>7}{'accuracy':>10}{'argmax':>9}{'flagged':>9}"
                 f"  most often misread as"]
    else:
        lines = [f"{title:<{width}}{'images':>7}{'flagged':>10}  most often read as"]
    for row, f in rows.items():
        read_as = "" if f["read_as"] is None else str(f["read_as"])
        if digits:
            lines.append(f"{row:<{width}}{f['n']:>7,}{percent(f['accuracy']):>10}"
                         f"{percent(f['argmax']):>9}{percent(f['flagged']):>9}  {read_as}")
        else:
            lines.append(f"{row:<{width}}{f['n']:>7,}{percent(f['flagged']):>10}  {read_as}")
    return lines


def one_line(result):
    """The measured targets on one line, e.g. for a training log:
    "MNIST test 99.53% | ... | not digits flagged 1.56% (1/6 targets met)"."""
    measured = [t for t in result["targets"] if t["met"] is not None]
    parts = [f"{SET_NAMES[t['set']]}{' flagged' if t['figure'] == 'flagged' else ''} "
             f"{percent(t['value'])}" for t in measured]
    met = sum(t["met"] for t in measured)
    return " | ".join(parts) + f" ({met}/{len(result['targets'])} targets met)"


def format_report(result, weights):
    """The printed report of measure()'s result for the weights file `weights`."""
    found = result["sets"]
    lines = [f"Handwriting benchmark: {weights}",
             f"{'quick subset' if result['quick'] else 'all images'}, {result['seconds']:.0f} s; "
             f"'accuracy' counts a flagged digit as wrong, 'argmax' ignores the flag", ""]
    digit_sets = {s["name"]: s for k, s in found.items() if k != "non_digits"}
    lines += table("set", digit_sets)
    if "non_digits" in found:
        lines += ["", *table("set", {found["non_digits"]["name"]: found["non_digits"]},
                             digits=False)]
    for key, reason in result["missing"].items():
        lines.append(f"{SET_NAMES[key]}: not measured, {reason} (give --pendigits DIR)")
    lines += ["", "targets (issue 11)"]
    for t in result["targets"]:
        verdict = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        lines.append(f"  {SET_NAMES[t['set']] + ' ' + t['figure']:<32}{t['op']} "
                     f"{percent(t['target']):>7}   {percent(t['value']):>7}   {verdict}")
    if "pendigits" in found:
        lines += ["", *table("pendigits, per digit", found["pendigits"]["by_kind"])]
    if "styles" in found:
        lines += ["", *table("styles, per style", found["styles"]["by_kind"])]
        lines += ["", *table("styles, per manner", found["styles"]["by_manner"])]
    if "non_digits" in found:
        lines += ["", *table("not digits, per kind", found["non_digits"]["by_kind"], digits=False)]
    return "\n".join(lines)


SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def sweep(model, quick=False, pendigits_dir=None, cache_dir=None, thresholds=SWEEP):
    """The trade-off of the "not a digit" line: for each threshold on the top probability, the
    share of MNIST *training* digits flagged (what numpy_cnn.notdigit's threshold is chosen on:
    no test set chooses anything) beside every target figure. Returns printable lines."""
    x_train = load_mnist()[0]
    top = model.predict_proba(x_train).max(axis=1)
    lines = ["threshold  MNIST train flagged  " + "  ".join(
        f"{SET_NAMES[key]}{' flagged' if figure == 'flagged' else ''}"
        for key, figure, _, _ in TARGETS)]
    for threshold in thresholds:
        result = measure(model, quick, pendigits_dir, cache_dir,
                         flag=lambda p: notdigit.is_not_a_digit(p, threshold))
        cells = [f"{threshold:>9.2f}", f"{(top < threshold).mean():>19.2%}"]
        for t in result["targets"]:
            width = len(SET_NAMES[t["set"]]) + (8 if t["figure"] == "flagged" else 0)
            cells.append(f"{percent(t['value']):>{width}}")
        lines.append("  ".join(cells))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Accuracy on handwriting from outside MNIST, and 'not a digit' flags.")
    parser.add_argument("--weights", default=SHIPPED_WEIGHTS, metavar="PATH",
                        help=f"weights file (default: {SHIPPED_WEIGHTS})")
    parser.add_argument("--pendigits", metavar="DIR", default=None,
                        help=f"the pendigits folder (default: {sets.default_pendigits_dir()})")
    parser.add_argument("--quick", action="store_true",
                        help="a fixed subset of each set, for a check in seconds")
    parser.add_argument("--sweep", action="store_true",
                        help="also show every figure for other 'not a digit' thresholds")
    parser.add_argument("--cache", nargs="?", const=DEFAULT_CACHE, default=None, metavar="DIR",
                        help=f"keep the rendered inputs as .npz in DIR (default {DEFAULT_CACHE})")
    args = parser.parse_args(argv)
    try:
        model = numpy_cnn.load(args.weights)
    except (WeightsError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    result = measure(model, args.quick, args.pendigits, args.cache)
    print(format_report(result, args.weights))
    if args.sweep:
        print("", f"'not a digit' thresholds (now {notdigit.NOT_A_DIGIT_BELOW})",
              *sweep(model, args.quick, args.pendigits, args.cache), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
