"""How well does a weights file read handwriting from outside MNIST, and say "not a digit"?

    python benchmarks/handwriting.py [--weights PATH] [--pendigits DIR] [--chars74k DIR]
                                     [--quickdraw DIR] [--quick] [--cache [DIR]] [--sweep]

Prints, for the weights (default: the shipped ones), on these sets of images (none of them is
ever trained on):
- MNIST test: the 10,000 test digits as they are (28x28, no preprocessing: the usual figure);
- MNIST on the canvas: the same digits enlarged onto the app's 280x280 canvas, at random sizes
  and places (benchmarks.handwriting_sets.draw_like_a_person);
- pendigits: 7,494 digits by 30 writers not in MNIST, drawn as the app would draw their strokes;
- Chars74K digits: 550 digits drawn on a tablet by 55 people, drawn with the app's pen;
- styles: digits in styles MNIST under-represents (crossed 7, open 4, ...), tiny, huge, slanted,
  with a very thin or very thick pen;
- photos: MNIST test digits photographed on paper, one kind of damage per group (uneven light,
  shadow, ruled and squared paper, noise and specks, JPEG, rotation, all at once, and none:
  benchmarks.photo_sets);
and, which should all be turned away:
- not digits: shapes, signs, letters and scribbles drawn with the app's pen;
- Chars74K letters: the tablet letters of the same 55 people, digit look-alikes left out
  (handwriting_sets.LOOK_ALIKES: O o D Q I l i j J T Z z S s b G Y B g q a P);
- Quick, Draw!: 18,000 doodles of 6 kinds (28x28 bitmaps, read as a picture);
- blank pages: photos of paper with nothing on it, under uneven light or a shadow.
Every image but MNIST test goes through numpy_cnn.preprocess.to_mnist, as in the app and as
`numpy-cnn predict` reads a file; then model.predict_proba, and
numpy_cnn.notdigit.is_not_a_digit on the probabilities. An image in which to_mnist finds no ink
(EmptyImageError) is "blank": the app answers "draw a digit first". A digit counts as read right
if the most likely digit is its label and it is neither flagged nor blank ("argmax" ignores the
flag, not a blank); "flagged" counts both answers that are not a digit. Figures are given per
digit, per style, per kind of damage and per kind of non-digit, beside the issue's targets.

Pendigits, Chars74K and Quick, Draw! are read from ../shared/<name> beside the repository (or
$NUMPY_CNN_PENDIGITS, $NUMPY_CNN_CHARS74K, $NUMPY_CNN_QUICKDRAW, or the options); a set whose
folder is missing is left out with one line saying so.

--quick uses a fixed subset of each set (80 to 1,000 images) for a check in seconds.
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
from numpy_cnn import paper, preprocess  # noqa: E402
from numpy_cnn.storage import WeightsError, atomic_savez  # noqa: E402

from benchmarks import handwriting_sets as sets  # noqa: E402
from benchmarks import photo_sets  # noqa: E402

SEED = 11                                   # every set is drawn from default_rng(SEED)
QUICK_SIZES = {"mnist": 1000, "canvas": 500, "pendigits": 1000, "chars74k_digits": 200,
               "styles": 360, "photos": 450, "non_digits": 300, "chars74k_letters": 330,
               "quickdraw": 600, "blank_pages": 80}
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "numpy-cnn-handwriting"
# Set keys in the report's order; the digits' sets first, then the sets of non-digits. A set's
# Generator is default_rng([SEED, index in SEEDED]): appending a set changes no other one.
SET_NAMES = {"mnist": "MNIST test", "canvas": "MNIST on the canvas", "pendigits": "pendigits",
             "chars74k_digits": "Chars74K digits", "styles": "styles", "photos": "photos",
             "non_digits": "not digits", "chars74k_letters": "Chars74K letters",
             "quickdraw": "Quick, Draw!", "blank_pages": "blank pages"}
SEEDED = ["mnist", "canvas", "pendigits", "styles", "non_digits", "chars74k_digits",
          "chars74k_letters", "quickdraw", "photos", "blank_pages"]
NON_DIGIT_SETS = ("non_digits", "chars74k_letters", "quickdraw", "blank_pages")
IN_ORDER = ("photos", "blank_pages")        # their kinds are shown in the order they are made
# The shared folder each set is read from: {set: (folder name, its --option)}.
FOLDERS = {"pendigits": ("pendigits", "--pendigits"),
           "chars74k_digits": ("chars74k", "--chars74k"),
           "chars74k_letters": ("chars74k", "--chars74k"),
           "quickdraw": ("quickdraw", "--quickdraw")}
DATA_FILES = {"pendigits": ("pendigits_dyn_train.csv", "pendigits_label_train.csv"),
              "chars74k": (sets.CHARS74K_FILE,), "quickdraw": (sets.QUICKDRAW_FILE,)}
# (set, figure, comparison, target): issue 22's targets. "accuracy": right and not turned away;
# "argmax": the most likely digit, flags aside; "flagged": turned away ("not a digit" or blank);
# "worst": the lowest accuracy of any one kind (for styles: every style).
TARGETS = [("pendigits", "accuracy", ">=", 0.90), ("pendigits", "flagged", "<=", 0.015),
           ("chars74k_digits", "accuracy", ">=", 0.995),
           ("chars74k_digits", "flagged", "<=", 0.005),
           ("styles", "worst", ">=", 0.98),
           ("chars74k_letters", "flagged", ">=", 0.90), ("quickdraw", "flagged", ">=", 0.95),
           ("non_digits", "flagged", ">=", 0.95),
           ("mnist", "argmax", ">=", 0.995), ("mnist", "flagged", "<=", 0.005),
           ("canvas", "argmax", ">=", 0.995), ("canvas", "flagged", "<=", 0.005),
           ("photos", "accuracy", ">=", 0.97), ("photos", "flagged", "<=", 0.02)]

_inputs_in_memory = {}                      # (set, quick, its folder) -> Inputs


# ------------------------------------------------------------------ the network's inputs

@dataclass
class Inputs:
    """One set ready for the network: x (N, 28, 28) float32, labels (N,) int64 (-1: not a digit),
    kinds (N,) str, manners (N,) str, as in benchmarks.handwriting_sets; blank (N,) bool: True
    where to_mnist found no ink (EmptyImageError; x is then all zeros). Default: none blank."""
    x: np.ndarray
    labels: np.ndarray
    kinds: np.ndarray
    manners: np.ndarray
    blank: np.ndarray = None

    def __post_init__(self):
        if self.blank is None:
            self.blank = np.zeros(len(self.x), bool)

    def __len__(self):
        return len(self.x)

    def subset(self, indices):
        return Inputs(self.x[indices], self.labels[indices], self.kinds[indices],
                      self.manners[indices], self.blank[indices])


def evenly_spaced(n, k):
    """k indices spread evenly over range(n) (all of them if k >= n)."""
    return np.arange(n) if k >= n else np.linspace(0, n - 1, k).round().astype(np.int64)


@functools.lru_cache(maxsize=1)
def mnist_test():
    """MNIST's test images (10000, 28, 28) uint8 and labels (10000,), read once."""
    _, _, x_test, y_test = load_mnist()
    return x_test, y_test


def default_folders():
    """{folder name: its default path}: ../shared/<name> beside the repository, or the
    environment variable named in benchmarks.handwriting_sets."""
    return {"pendigits": sets.default_pendigits_dir(), "chars74k": sets.default_chars74k_dir(),
            "quickdraw": sets.default_quickdraw_dir()}


def folder_of(key, folder):
    """The folder set `key` reads (folder if given, else its default), or None if it reads none."""
    if key not in FOLDERS:
        return None
    return Path(folder) if folder else default_folders()[FOLDERS[key][0]]


def make_set(key, folder=None):
    """The drawings or pictures of one set (see benchmarks.handwriting_sets and photo_sets), or
    MNIST test as an Inputs. Each set has its own Generator, so one set does not change when
    another does. folder: where pendigits, Chars74K or Quick, Draw! is (default: folder_of)."""
    rng = np.random.default_rng([SEED, SEEDED.index(key)])
    folder = folder_of(key, folder)
    if key in ("mnist", "canvas", "photos"):
        x_test, y_test = mnist_test()
        if key == "mnist":
            return Inputs(x_test / np.float32(255), y_test.astype(np.int64), y_test.astype(str),
                          np.full(len(y_test), "plain"))
        if key == "photos":
            return photo_sets.photo_set(x_test, y_test, rng)
        return sets.canvas_mnist_set(x_test, y_test, rng)
    makers = {"pendigits": lambda: sets.pendigits_set(rng, folder),
              "chars74k_digits": lambda: sets.chars74k_set(rng, folder),
              "chars74k_letters": lambda: sets.chars74k_set(rng, folder, letters=True),
              "quickdraw": lambda: sets.quickdraw_set(folder),
              "styles": lambda: sets.style_set(rng),
              "non_digits": lambda: sets.non_digit_set(rng),
              "blank_pages": lambda: photo_sets.blank_pages(rng)}
    return makers[key]()


def cache_key(key, quick, folder=None):
    """A name for the cached inputs that changes whenever what they are made from changes: the
    code that draws and preprocesses them, the seed, the subset, and the data files read."""
    digest = hashlib.sha256(f"{key} {quick} {SEED} {QUICK_SIZES} {SEEDED}".encode())
    for module in (sets, sets.drawing, preprocess, paper, photo_sets):
        digest.update(Path(module.__file__).read_bytes())
    folder = folder_of(key, folder)
    if folder is not None:
        for name in DATA_FILES[FOLDERS[key][0]]:
            digest.update((folder / name).read_bytes())
    return f"{key}-{digest.hexdigest()[:16]}.npz"


def read_each(drawn):
    """to_mnist of every image of a set, as the app reads it: (x (N, 28, 28) float32, blank (N,)
    bool), x all zeros where to_mnist finds no ink."""
    x = np.zeros((len(drawn), preprocess.MNIST_SIZE, preprocess.MNIST_SIZE), np.float32)
    blank = np.zeros(len(drawn), bool)
    for i in range(len(drawn)):
        try:
            x[i] = preprocess.to_mnist(drawn.image(i))
        except preprocess.EmptyImageError:
            blank[i] = True
    return x, blank


def inputs_for(key, quick=False, pendigits_dir=None, cache_dir=None, folder=None):
    """The network's inputs for one set, made once per process (and once per cache_dir).

    folder: where the set's data is, for pendigits (or pendigits_dir), Chars74K and
    Quick, Draw!; default folder_of(key). Raises FileNotFoundError if that folder is missing.
    """
    folder = folder_of(key, folder or (pendigits_dir if key == "pendigits" else None))
    memo = (key, quick, None if folder is None else str(folder))
    if memo in _inputs_in_memory:
        return _inputs_in_memory[memo]
    if folder is not None and not all((folder / name).is_file()
                                      for name in DATA_FILES[FOLDERS[key][0]]):
        raise FileNotFoundError(f"no {FOLDERS[key][0]} folder at {folder}")
    rendered = key != "mnist"                   # MNIST test is read as it is: nothing to cache
    cached = (Path(cache_dir) / cache_key(key, quick, folder)
              if cache_dir and rendered else None)
    if cached is not None and cached.is_file():
        with np.load(cached) as f:              # plain arrays only: never allow_pickle
            inputs = Inputs(f["x"], f["labels"], f["kinds"], f["manners"], f["blank"])
    else:
        drawn = make_set(key, folder)
        if quick:
            drawn = drawn.subset(evenly_spaced(len(drawn), QUICK_SIZES[key]))
        if isinstance(drawn, Inputs):
            inputs = drawn
        else:
            x, blank = read_each(drawn)
            inputs = Inputs(x, drawn.labels, drawn.kinds, drawn.manners, blank)
        if cached is not None:
            atomic_savez(cached, {"x": inputs.x, "labels": inputs.labels,
                                  "kinds": inputs.kinds.astype(str),
                                  "manners": inputs.manners.astype(str), "blank": inputs.blank})
    _inputs_in_memory[memo] = inputs
    return inputs


# ------------------------------------------------------------------ figures

def figures(labels, predicted, flagged, groups=None, sort_groups=True, blank=None):
    """Inputs: labels, predicted (N,) ints; flagged (N,) bool, "not a digit"; groups (N,) str or
    None; blank (N,) bool, no ink found (None: none), whose predicted digit is ignored.
    Returns: {"n", "accuracy" (right and neither flagged nor blank; None for non-digits),
    "argmax" (right, flags aside; a blank is never right), "flagged" (flagged or blank: the
    share turned away), "blank", "read_as" (the most frequent wrong digit among the answers given
    as a digit, or None)}, and with groups, the same per group under "by_group" (sorted by
    name, or in order of first appearance if not sort_groups)."""
    n = len(labels)
    blank = np.zeros(n, bool) if blank is None else np.asarray(blank, bool)
    turned_away = flagged | blank
    digits = labels != sets.NOT_A_DIGIT
    right = (predicted == labels) & ~blank
    wrong = ~right & ~turned_away
    out = {"n": int(n),
           "accuracy": float((right & ~turned_away).mean()) if digits.all() and n else None,
           "argmax": float(right.mean()) if digits.all() and n else None,
           "flagged": float(turned_away.mean()) if n else 0.0,
           "blank": float(blank.mean()) if n else 0.0,
           "read_as": (int(np.bincount(predicted[wrong], minlength=10).argmax())
                       if wrong.any() else None)}
    if groups is not None:
        names = list(dict.fromkeys(groups.tolist()))
        if sort_groups:
            names.sort()
        out["by_group"] = {g: figures(labels[groups == g], predicted[groups == g],
                                      flagged[groups == g], blank=blank[groups == g])
                           for g in names}
    return out


def measure(model, quick=False, pendigits_dir=None, cache_dir=None, flag=None,
            chars74k_dir=None, quickdraw_dir=None):
    """Measure a model on every set.

    Inputs:
    - model: anything with predict_proba(x (N, 28, 28) float32) -> (N, 10), e.g. a Sequential;
    - quick: a fixed subset of each set (QUICK_SIZES) instead of all of it;
    - pendigits_dir, chars74k_dir, quickdraw_dir: the data's folders (default: default_folders);
      a set whose folder is missing is left out and its targets reported as not measured;
    - cache_dir: keep the rendered sets' inputs there as .npz (None: only in memory);
    - flag: probabilities (N, 10) -> (N,) bool "not a digit" (default: notdigit.is_not_a_digit).

    Returns: {"quick", "seconds", "sets": {key: figures(...) with "name", "by_kind" (per digit,
    style, kind of damage or kind of thing), "worst" (the lowest accuracy of a kind, digits
    only) and, for styles and photos, "by_manner"}, "missing": {key: reason},
    "targets": [{"set", "figure", "op", "target", "value" (None if not measured), "met"}],
    "all_met"}.
    """
    flag = notdigit.is_not_a_digit if flag is None else flag
    given = {"pendigits": pendigits_dir, "chars74k": chars74k_dir, "quickdraw": quickdraw_dir}
    start = time.perf_counter()
    result = {"quick": quick, "sets": {}, "missing": {}}
    for key, name in SET_NAMES.items():
        folder = given[FOLDERS[key][0]] if key in FOLDERS else None
        try:
            inputs = inputs_for(key, quick, cache_dir=cache_dir, folder=folder)
        except FileNotFoundError as error:
            result["missing"][key] = str(error)
            continue
        probabilities = model.predict_proba(inputs.x)
        predicted = probabilities.argmax(axis=1)
        flagged = np.asarray(flag(probabilities), dtype=bool)
        numbers = figures(inputs.labels, predicted, flagged, inputs.kinds,
                          sort_groups=key not in IN_ORDER, blank=inputs.blank)
        numbers["by_kind"] = numbers.pop("by_group")
        if key not in NON_DIGIT_SETS:
            numbers["worst"] = min(f["accuracy"] for f in numbers["by_kind"].values())
        if key in ("styles", "photos"):
            numbers["by_manner"] = figures(inputs.labels, predicted, flagged, inputs.manners,
                                           sort_groups=False, blank=inputs.blank)["by_group"]
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
                 f"{'blank':>9}  most often misread as"]
    else:
        lines = [f"{title:<{width}}{'images':>7}{'flagged':>10}{'blank':>9}  most often read as"]
    for row, f in rows.items():
        read_as = "" if f["read_as"] is None else str(f["read_as"])
        if digits:
            lines.append(f"{row:<{width}}{f['n']:>7,}{percent(f['accuracy']):>10}"
                         f"{percent(f['argmax']):>9}{percent(f['flagged']):>9}"
                         f"{percent(f['blank']):>9}  {read_as}")
        else:
            lines.append(f"{row:<{width}}{f['n']:>7,}{percent(f['flagged']):>10}"
                         f"{percent(f['blank']):>9}  {read_as}")
    return lines


def target_name(key, figure):
    """How a target is named in one_line and the sweep: "pendigits", "pendigits flagged",
    "styles worst" (accuracy and argmax go without a word: each set has one of them)."""
    return SET_NAMES[key] + ("" if figure in ("accuracy", "argmax") else f" {figure}")


def one_line(result):
    """The measured targets on one line, e.g. for a training log:
    "pendigits 85.10% | pendigits flagged 6.45% | ... (3/14 targets met)"."""
    measured = [t for t in result["targets"] if t["met"] is not None]
    parts = [f"{target_name(t['set'], t['figure'])} {percent(t['value'])}" for t in measured]
    met = sum(t["met"] for t in measured)
    return " | ".join(parts) + f" ({met}/{len(result['targets'])} targets met)"


# (set, title of its table of kinds, title of its table of manners or None)
DETAILS = [("pendigits", "pendigits, per digit", None),
           ("chars74k_digits", "Chars74K digits, per digit", None),
           ("styles", "styles, per style", "styles, per manner"),
           ("photos", "photos, per kind of damage", "photos, per ink"),
           ("non_digits", "not digits, per kind", None),
           ("chars74k_letters", "Chars74K letters, per letter", None),
           ("quickdraw", "Quick, Draw!, per kind", None),
           ("blank_pages", "blank pages, per kind of light", None)]


def format_report(result, weights):
    """The printed report of measure()'s result for the weights file `weights`."""
    found = result["sets"]
    lines = [f"Handwriting benchmark: {weights}",
             f"{'quick subset' if result['quick'] else 'all images'}, {result['seconds']:.0f} s; "
             f"'accuracy' counts a digit turned away as wrong, 'argmax' ignores the flag; "
             f"'flagged': said 'not a digit' or blank (no ink found: 'blank')", ""]
    lines += table("set", {s["name"]: s for k, s in found.items() if k not in NON_DIGIT_SETS})
    non_digits = {s["name"]: s for k, s in found.items() if k in NON_DIGIT_SETS}
    if non_digits:
        lines += ["", *table("set", non_digits, digits=False)]
    for key, reason in result["missing"].items():
        option = FOLDERS[key][1] if key in FOLDERS else "--help"
        lines.append(f"{SET_NAMES[key]}: not measured, {reason} (give {option} DIR)")
    lines += ["", "targets (issue 22; 'worst': the lowest accuracy of any one kind)"]
    for t in result["targets"]:
        verdict = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        lines.append(f"  {SET_NAMES[t['set']] + ' ' + t['figure']:<32}{t['op']} "
                     f"{percent(t['target']):>7}   {percent(t['value']):>7}   {verdict}")
    for key, kinds_title, manners_title in DETAILS:
        if key in found:
            digits = key not in NON_DIGIT_SETS
            lines += ["", *table(kinds_title, found[key]["by_kind"], digits)]
            if manners_title:
                lines += ["", *table(manners_title, found[key]["by_manner"], digits)]
            if key == "chars74k_letters":
                lines.append("left out as digit look-alikes: " + " ".join(sets.LOOK_ALIKES))
    return "\n".join(lines)


SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def sweep(model, quick=False, pendigits_dir=None, cache_dir=None, thresholds=SWEEP,
          chars74k_dir=None, quickdraw_dir=None):
    """The trade-off of the "not a digit" line: for each threshold on the top probability, the
    share of MNIST *training* digits flagged (what numpy_cnn.notdigit's threshold is chosen on:
    no test set chooses anything) beside every target figure. Returns printable lines."""
    x_train = load_mnist()[0]
    top = model.predict_proba(x_train).max(axis=1)
    names = [target_name(key, figure) for key, figure, _, _ in TARGETS]
    lines = ["threshold  MNIST train flagged  " + "  ".join(names)]
    for threshold in thresholds:
        result = measure(model, quick, pendigits_dir, cache_dir,
                         flag=lambda p: notdigit.is_not_a_digit(p, threshold),
                         chars74k_dir=chars74k_dir, quickdraw_dir=quickdraw_dir)
        cells = [f"{threshold:>9.2f}", f"{(top < threshold).mean():>19.2%}"]
        for name, t in zip(names, result["targets"]):
            cells.append(f"{percent(t['value']):>{len(name)}}")
        lines.append("  ".join(cells))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Accuracy on handwriting from outside MNIST, and 'not a digit' flags.")
    parser.add_argument("--weights", default=SHIPPED_WEIGHTS, metavar="PATH",
                        help=f"weights file (default: {SHIPPED_WEIGHTS})")
    folders = default_folders()
    for name in ("pendigits", "chars74k", "quickdraw"):
        parser.add_argument(f"--{name}", metavar="DIR", default=None,
                            help=f"the {name} folder (default: {folders[name]})")
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
    try:
        result = measure(model, args.quick, args.pendigits, args.cache,
                         chars74k_dir=args.chars74k, quickdraw_dir=args.quickdraw)
    except ValueError as error:             # a data file that is not what its README says
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(format_report(result, args.weights))
    if args.sweep:
        print("", f"'not a digit' thresholds (now {notdigit.NOT_A_DIGIT_BELOW})",
              *sweep(model, args.quick, args.pendigits, args.cache,
                     chars74k_dir=args.chars74k, quickdraw_dir=args.quickdraw), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
