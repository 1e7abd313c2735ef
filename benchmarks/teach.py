"""Does fine-tuning learn a writer's handwriting, and does it forget MNIST meanwhile?

    python benchmarks/teach.py [--weights PATH] [--per-class N] [--pendigits DIR]
                               [--fraction F] [--figure PNG] [--skip-command] [--skip-app]

The writers are those of pendigits (the UCI pen-based digits: 30 writers, none of them in
MNIST), drawn on the app's canvas as the app draws a mouse's path
(benchmarks/handwriting_sets.py). Pendigits does not say which writer drew which digit, so here
"the user" is the 30 writers together: --per-class digits of each class (10: 100 digits), picked
at random, are the digits the user corrected, saved as the app saves them
(numpy_cnn.digit_folder.save_digit: a PNG of the 280x280 canvas in a folder per digit, in a
temporary folder); the other 7,394 are "their other digits", never trained on.

Then, from the same weights (default: the shipped ones):
1. the command, `python -m numpy_cnn.train --init WEIGHTS --extra DIR --out TMP` with its
   fine-tuning defaults, timed from start to end (report and figures included);
2. the app's Teach: the worker process the Teach button starts (numpy_cnn.app.teacher), timed
   from starting it until its weights are saved, which is what the user waits for.
For the weights before and after each: accuracy on their other digits and on the user's own
(read right: the right digit and not flagged "not a digit", as in benchmarks/handwriting.py),
and on MNIST test (its 10,000 digits as they are; the most likely digit, the usual figure).
Targets (issue 14): other digits +3 points; MNIST test loses at most 0.1 point; Teach < 30 s.
--figure PATH draws the before and after (the README's docs/teach.png).
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
import numpy_cnn  # noqa: E402
from numpy_cnn.digit_folder import save_digit  # noqa: E402
from numpy_cnn.app.teacher import Teaching, read_right  # noqa: E402
from numpy_cnn.losses import NOT_A_DIGIT  # noqa: E402
from numpy_cnn.notdigit import is_not_a_digit  # noqa: E402
from numpy_cnn.paths import SHIPPED_WEIGHTS  # noqa: E402
from numpy_cnn.storage import WeightsError, load_digit_model  # noqa: E402

from benchmarks import handwriting  # noqa: E402
from benchmarks import handwriting_sets as sets  # noqa: E402

SEED = 14                      # which pendigits are "the user's"
TARGETS = {"others": 0.03, "mnist": -0.001, "seconds": 30.0}
TEACH_TIMEOUT = 600            # seconds before the Teach worker is given up on


def split_user_and_others(labels, per_class, rng):
    """Inputs:  labels (N,) digits; per_class -- how many of each digit are the user's.
    Returns: (user, others): index arrays; user holds per_class of each digit, drawn at random
             by rng, in order of digit; others every other index, in order."""
    user = np.concatenate([rng.choice(np.flatnonzero(labels == d), per_class, replace=False)
                           for d in range(10)])
    others = np.setdiff1d(np.arange(len(labels)), user)
    return user, others


def write_user_digits(drawings, user, folder):
    """Save the user's drawings as the app's Correct-it does: one PNG per drawing in
    folder/<digit>/. Returns the folder."""
    for i in user:
        save_digit(drawings.image(i), int(drawings.labels[i]), folder)
    return folder


def scores(model, pendigits, user, others, mnist):
    """{"user", "others", "mnist"}: accuracies of a model (see the module docstring);
    "others_right": the (len(others),) bool array behind "others", and "others_read": what the
    app would show for each, a digit or NOT_A_DIGIT."""
    right = read_right(model, pendigits.x[others], pendigits.labels[others])
    probabilities = model.predict_proba(pendigits.x[others])
    read = np.where(is_not_a_digit(probabilities), NOT_A_DIGIT, probabilities.argmax(axis=1))
    x_test, y_test = mnist
    return {"user": float(read_right(model, pendigits.x[user], pendigits.labels[user]).mean()),
            "others": float(right.mean()), "others_right": right, "others_read": read,
            "mnist": float((model.predict(x_test) == y_test).mean())}


def run_command(weights, folder, out, fraction=None):
    """Fine-tune with the training command. Returns (seconds, its last output lines)."""
    command = [sys.executable, "-m", "numpy_cnn.train", "--init", str(weights), "--extra",
               str(folder), "--out", str(out)]
    if fraction is not None:
        command += ["--extra-fraction", str(fraction)]
    print("$", " ".join(command[1:]), flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the training command failed: {done.stderr.strip()}")
    return seconds, done.stdout.strip().splitlines()[-3:]


def run_teach(model, folder, out, fraction=None):
    """The app's Teach on the user's digits. Returns (seconds until its weights are saved,
    its "taught" message)."""
    started = time.perf_counter()
    settings = {} if fraction is None else {"extra_fraction": fraction}
    teaching = Teaching(model, digits=str(folder), out=str(out), **settings)
    try:
        while time.perf_counter() - started < TEACH_TIMEOUT:
            for kind, content in teaching.messages():
                if kind == "taught":
                    return time.perf_counter() - started, content
                if kind in ("error", "ended"):
                    raise RuntimeError(f"Teach failed: {content}")
            time.sleep(0.05)
        raise RuntimeError(f"Teach took more than {TEACH_TIMEOUT} s")
    finally:
        teaching.close()


def percent(value):
    return f"{100 * value:.2f}%"


def report(before, results, n_user, n_others):
    """The printed table: one column per weights, then the targets."""
    names = ["before", *results]
    rows = [("their other digits", "others", n_others), ("the user's digits (trained on)",
            "user", n_user), ("MNIST test", "mnist", 10000)]
    lines = [f"{'':<38}" + "".join(f"{name:>12}" for name in names)]
    for title, key, n in rows:
        lines.append(f"{f'{title} ({n:,})':<38}{percent(before[key]):>12}" +
                     "".join(f"{percent(r[key]):>12}" for r in results.values()))
    lines.append(f"{'seconds':<38}{'':>12}" +
                 "".join(f"{r['seconds']:>12.1f}" for r in results.values()))
    lines += ["", "targets (issue 14)"]
    for name, r in results.items():
        gain, loss = r["others"] - before["others"], r["mnist"] - before["mnist"]
        lines.append(f"  {name}: other digits {100 * gain:+.2f} points (target >= "
                     f"+{100 * TARGETS['others']:.0f}): {'met' if gain >= TARGETS['others'] else 'NOT met'}; "
                     f"MNIST test {100 * loss:+.2f} points (target >= "
                     f"{100 * TARGETS['mnist']:.1f}): {'met' if loss >= TARGETS['mnist'] else 'NOT met'}")
    if "Teach" in results:
        met = results["Teach"]["seconds"] < TARGETS["seconds"]
        lines.append(f"  Teach took {results['Teach']['seconds']:.1f} s (target < "
                     f"{TARGETS['seconds']:.0f} s): {'met' if met else 'NOT met'}")
    return "\n".join(lines)


def figure(pendigits, user, others, before, results, shown=10):
    """The before and after as a matplotlib figure: the accuracies (left), a few of the user's
    digits, and a few of their other digits that the fine-tuned network (the command's, else
    Teach's) reads differently, with what each network shows (right)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    after_name = "command" if "command" in results else "Teach"
    after = results[after_name]
    names, colours = ["before", *results], ["#8a8f99", "#4f8fdc", "#f2b134"][:1 + len(results)]
    fig = plt.figure(figsize=(13, 4.6))
    bars = fig.add_gridspec(1, 2, left=0.05, right=0.33, bottom=0.08, top=0.84, wspace=0.5)
    pictures = fig.add_gridspec(3, shown, left=0.37, right=0.99, bottom=0.08, top=0.84,
                                hspace=0.6, wspace=0.15)
    for column, (key, title, low) in enumerate((("others", "their other digits", 0.7),
                                                ("mnist", "MNIST test", 0.99))):
        ax = fig.add_subplot(bars[0, column])
        values = [before[key]] + [r[key] for r in results.values()]
        ax.bar(range(len(values)), values, color=colours)
        for i, value in enumerate(values):
            ax.text(i, value, f"{100 * value:.2f}%", ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(values)), names, fontsize=7)
        ax.set_ylim(low, 1.0 + (1.0 - low) * 0.08)
        ax.set_title(title, fontsize=10)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0 if
                                                                        low < 0.9 else 1))
    was, now = before["others_read"], after["others_read"]
    labels, labels_of_user = pendigits.labels[others], pendigits.labels[user]
    learnt = np.flatnonzero((was != labels) & (now == labels))[:shown]
    lost = np.flatnonzero((was == labels) & (now != labels))[:shown]
    mine = [user[labels_of_user == d][0] for d in range(10)][:shown]   # one of each digit
    def name(answer):
        return "none" if answer == NOT_A_DIGIT else str(answer)
    for row, (title, items) in enumerate((
            ("the user's digits (trained on)", [(pendigits.x[i], f"a {pendigits.labels[i]}",
                                                  "black") for i in mine]),
            (f"their other digits now read right ({np.sum((was != labels) & (now == labels))})",
             [(pendigits.x[others[i]], f"{name(was[i])} \u2192 {name(now[i])}", "#1a7f37")
              for i in learnt]),
            (f"now read wrong ({np.sum((was == labels) & (now != labels))})",
             [(pendigits.x[others[i]], f"{name(was[i])} \u2192 {name(now[i])}", "#c0392b")
              for i in lost]))):
        for column in range(shown):
            ax = fig.add_subplot(pictures[row, column])
            ax.axis("off")
            if column < len(items):
                image, caption, colour = items[column]
                ax.imshow(image, cmap="gray", vmin=0, vmax=1)
                ax.set_title(caption, fontsize=8, color=colour, pad=2)
            if column == 0:
                ax.text(0, 1.42, title, transform=ax.transAxes, fontsize=9, va="bottom")
    fig.suptitle(f"Fine-tuning on {len(user)} of the pendigits writers' digits, with MNIST "
                 f"replayed (after: {after_name}; 'a \u2192 b': read before \u2192 after)",
                 fontsize=10)
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(description="Fine-tuning on a writer's digits: what it "
                                                 "gains on their other digits, what it forgets.")
    parser.add_argument("--weights", default=SHIPPED_WEIGHTS, metavar="PATH",
                        help=f"the weights to start from (default: {SHIPPED_WEIGHTS})")
    parser.add_argument("--per-class", type=int, default=10, metavar="N",
                        help="digits of each class given as the user's (default 10)")
    parser.add_argument("--pendigits", metavar="DIR", default=None,
                        help=f"the pendigits folder (default: {sets.default_pendigits_dir()})")
    parser.add_argument("--fraction", type=float, metavar="F",
                        help="the user's digits per MNIST digit in every batch, for both "
                             "(default: the command's --extra-fraction)")
    parser.add_argument("--figure", metavar="PNG", help="draw the before and after into PNG")
    parser.add_argument("--skip-command", action="store_true", help="do not run the command")
    parser.add_argument("--skip-app", action="store_true", help="do not run the app's Teach")
    args = parser.parse_args(argv)
    try:
        model = load_digit_model(args.weights)
    except WeightsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        pendigits = handwriting.inputs_for("pendigits", pendigits_dir=args.pendigits,
                                           cache_dir=handwriting.DEFAULT_CACHE)
    except FileNotFoundError as error:
        print(f"error: {error} (give --pendigits DIR, or set {sets.PENDIGITS_VARIABLE})",
              file=sys.stderr)
        return 1
    drawings = handwriting.make_set("pendigits", args.pendigits or sets.default_pendigits_dir())
    user, others = split_user_and_others(pendigits.labels, args.per_class,
                                         np.random.default_rng(SEED))
    mnist = handwriting.mnist_test()
    before = scores(model, pendigits, user, others, mnist)
    results = {}
    with tempfile.TemporaryDirectory(prefix="numpy-cnn-teach-") as tmp:
        folder = write_user_digits(drawings, user, Path(tmp) / "my_digits")
        print(f"The user's digits: {len(user)} pendigits ({args.per_class} per class) in "
              f"{folder}; their other digits: {len(others):,}.", flush=True)
        if not args.skip_command:
            out = Path(tmp) / "command" / "mnist_cnn.npz"
            seconds, last = run_command(args.weights, folder, out, args.fraction)
            print(*last, sep="\n")
            results["command"] = dict(scores(numpy_cnn.load(out), pendigits, user, others,
                                             mnist), seconds=seconds)
        if not args.skip_app:
            out = Path(tmp) / "teach" / "mnist_cnn.npz"
            seconds, _ = run_teach(model, folder, out, args.fraction)
            results["Teach"] = dict(scores(numpy_cnn.load(out), pendigits, user, others,
                                           mnist), seconds=seconds)
    print(f"\nFine-tuning {args.weights} on {len(user)} of the pendigits writers' digits\n")
    print(report(before, results, len(user), len(others)))
    if args.figure and results:
        figure(pendigits, user, others, before, results).savefig(args.figure, dpi=100)
        print(f"\nFigure: {args.figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
