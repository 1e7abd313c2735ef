"""Train the reference network on MNIST:  numpy-cnn train [options]

The recipe of the Keras reference: Adam (learning rate 1e-3), softmax cross-entropy, 5 epochs,
with one addition: the learning rate follows a cosine, from 1e-3 down to 9.5e-5 in the fifth epoch
(--lr-decay). Big steps early learn fast; small steps late settle into a minimum instead of
rattling around it. Measured, 5 epochs, seed 0: 99.11% of test digits with a constant rate,
99.16% with the cosine (a small gain). Each epoch shuffles the training images, takes one
optimizer step per batch of 64, then measures
the loss and accuracy on the validation split (the last --val-split training images, never
trained on) and on the test set. Early stopping (--patience) only ever looks at the validation
split: choosing weights by their test score would make the test score a lie.

Batches of 64: on one core a step costs the same per image from 32 to 128 images, so the batch
size only sets the number of steps per epoch. After 2 epochs on 10,000 images, batches of 32, 64,
128 and 256 read 95.8%, 95.7%, 95.4% and 93.7% of test digits: 64 learns about as much per epoch
as 32, with half the steps (less Python overhead per image, and a bigger matrix for BLAS threads).

One numpy Generator, seeded by --seed, draws everything random: the initial weights, the
shuffling, the dropout masks and the augmentation. The same seed gives the same weights.

Where it writes. Training never replaces the shipped weights (weights/mnist_cnn.npz,
which the app, evaluate and predict load) unless asked to. Each run gets a folder of its own,
RUNS/<date-time>/ (or RUNS/<--name>/), where RUNS is numpy_cnn.paths.runs_dir(): the runs/ folder
of the per-user folder ($NUMPY_CNN_HOME, else e.g. ~/.local/share/numpy-cnn); the command
prints it. In that folder:
    mnist_cnn.npz         the final weights (numpy_cnn.load reads them)
    mnist_cnn.ckpt.npz    a checkpoint after every epoch: weights, optimizer state, random
                          generator state and history; --resume continues from it
    mnist_cnn.json        report of the run, and the figures mnist_cnn_*.png
--out PATH writes PATH (and PATH's .ckpt.npz, .json, _*.png beside it) instead, anywhere but in
the shipped weights' folder. It replaces those files only if they are an earlier run's: PATH, or
its checkpoint, must then be a weights file (or checkpoint) of numpy-cnn; any other file there
(a photo.jpg given as --out PATH by mistake) is refused unless --force.
A run folder is claimed when the run starts (os.mkdir, which fails if the folder exists), so two
runs started at once with the same --name cannot write into one folder: the second one stops at
once. A run that stops before writing anything removes its empty folder again.
--replace-shipped runs in a run folder as usual and, once the run has
finished, copies its weights, report and figures over the shipped ones.

Continuing a run (Ctrl-C keeps the checkpoint of the last finished epoch):
    --resume                   the most recent run under RUNS that has a checkpoint
    --resume --name NAME       the run RUNS/NAME
    --resume --out PATH        the run that writes PATH
A resumed run keeps its settings (seed, batch size, learning rate and schedule, ...), so it ends
bit for bit where the uninterrupted run would have. --epochs may be raised to train a run longer:
the learning-rate schedule stays the one the run started with, over its first --epochs, so the
epochs beyond it keep the schedule's last rate (with the cosine, the final small one: extending
a finished run fine-tunes it, it does not jump back to a large rate). For a longer schedule,
start a new run with more --epochs.

Fine-tuning (--init WEIGHTS): start from trained weights instead of random ones, and teach them
something more -- typically your own handwriting, with --extra DIR: a folder with one subfolder
of images per digit (numpy_cnn.digit_folder; the app's "Correct it" saves drawings that way).
Every batch of MNIST digits gets --extra-fraction of your images besides (0.0625: 4 per batch of
64, picked at random), so that they weigh the same in every step however few they are: a
hundred of them count as much as 3,400 images would among 55,000. The MNIST digits are still
there ("replay"): trained on your digits alone, the network would drift to wherever reads them
best and forget what it knew; with them, every step must still read MNIST, so it only moves
where it can do both. More of yours per batch: more learnt, more forgotten (benchmarks/teach.py
--fraction measures both). With --init the defaults change to a fine-tuning's: --lr 1e-4 (small
steps near a good minimum), --epochs 1, --augment, and --outliers 0.1 if the network already
says "not a digit" to non-digits (it was trained with outlier exposure), so that it keeps that;
else 0 (see outliers_to_keep). A resumed
run continues from its checkpoint, which holds its weights and its --extra images: --init and
--extra are only given to start a run.
"""
import argparse
import math
import os
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .augment import augment_batch
from .checkpoint import checkpoint_path, read_checkpoint, restore_checkpoint, save_checkpoint
from .data import DataFileError, DownloadError, load_mnist
from .digit_folder import DigitFolderError, read_digit_folder
from .evaluate import evaluate
from .losses import NOT_A_DIGIT
from .model import build_reference_model
from .optim import Adam
from .parallel import DataParallel
from .paths import SHIPPED_WEIGHTS, runs_dir
from .reference import OneProcess
from .progress import EpochProgress, epoch_line, format_duration
from .storage import WeightsError, folder_problem, load_digit_model, read_meta, read_npz, save

MNIST_TRAIN_SIZE = 60000
WEIGHTS_NAME = "mnist_cnn.npz"          # the weights file's name inside a run folder
# Settings that define a run: a resumed run must keep them (--epochs and --patience may change).
RUN_SETTINGS = ("seed", "batch_size", "lr", "lr_decay", "lr_step", "augment", "drawn", "outliers",
                "extra_fraction", "val_split", "limit", "test_limit", "workers")
# Options whose default depends on whether the run starts from trained weights (--init): the
# parser's default without it, these with it (--outliers: see outliers_to_keep).
DEPENDS_ON_INIT = ("lr", "epochs", "augment", "outliers")
FINE_TUNING_DEFAULTS = {"lr": 1e-4, "epochs": 1, "augment": True}
FINE_TUNING_OUTLIERS = 0.1 # --outliers with --init, if the network says "not a digit" already
EXTRA_FRACTION = 0.0625    # --extra images per MNIST digit in every batch: 4 per batch of 64
EXTRA_BANK_MAX = 30000     # drawings made once per run (2-5 ms each), then reused: many kinds, so many
REPORT_FIGURES = ("curves", "confusion", "mistakes", "filters", "features")  # numpy_cnn.report's
KNOWS_SAMPLE = 100         # non-digits shown to a network to see whether it says "not a digit"


class TrainingDiverged(RuntimeError):
    """The loss or the weights became NaN or infinite."""


def build_parser():
    p = argparse.ArgumentParser(prog="numpy-cnn train",
                                description="Train the reference CNN on MNIST, in plain NumPy.",
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="The shipped weights: --augment --drawn 0.5 --outliers 0.5 "
                                       "--epochs 50\n  --val-split 0 --replace-shipped")
    p.add_argument("--epochs", type=int, default=5, metavar="N",
                   help="passes over the training set (default 5; 1 with --init)")
    p.add_argument("--batch-size", type=int, default=64, metavar="N", help="images per step (default 64)")
    p.add_argument("--lr", type=float, default=1e-3,
                   help="Adam's learning rate (default 1e-3; 1e-4 with --init)")
    p.add_argument("--lr-decay", choices=("none", "cosine", "step"), default="cosine",
                   help="per-epoch schedule: cosine from --lr down toward 0 over the epochs "
                        "(default), step: halve it every --lr-step epochs, or none")
    p.add_argument("--lr-step", type=int, default=5, metavar="N", help="epochs between halvings for step decay")
    p.add_argument("--seed", type=int, default=0, help="seed of the random generator (default 0)")
    p.add_argument("--augment", action=argparse.BooleanOptionalAction, default=False,
                   help="randomly rotate, scale, shift, slant, stretch, bend (elastic) and "
                        "thicken/thin the training digits "
                        "(default: no; yes with --init)")
    p.add_argument("--drawn", type=float, default=0.0, metavar="F",
                   help="add F digits drawn with a pen, as in the app, per MNIST digit to every "
                        "batch (e.g. 0.25; default 0: none)")
    p.add_argument("--outliers", type=float, default=0.0, metavar="F",
                   help="outlier exposure: add F non-digit drawings per training digit to every "
                        "batch, with a uniform target, so the network learns to say 'not a "
                        "digit' (e.g. 0.25; default 0: none; with --init, "
                        f"{FINE_TUNING_OUTLIERS} if the network already says 'not a digit')")
    p.add_argument("--init", metavar="WEIGHTS",
                   help="fine-tune: start from these trained weights instead of random ones "
                        "(changes the defaults of --lr, --epochs and --outliers)")
    p.add_argument("--extra", action="append", metavar="DIR",
                   help="also train on every image of DIR, a folder with one subfolder per "
                        "digit 0-9 (as the app's Correct-it saves them); may be repeated")
    p.add_argument("--extra-fraction", type=float, default=EXTRA_FRACTION, metavar="F",
                   help=f"--extra images added per MNIST digit to every batch, picked at random "
                        f"(default {EXTRA_FRACTION}: 4 per batch of 64)")
    p.add_argument("--val-split", type=int, default=5000, metavar="N",
                   help="hold out the last N training images for validation (default 5000; 0: none)")
    p.add_argument("--patience", type=int, default=None, metavar="N",
                   help="stop after N epochs without a better validation loss, and keep the best "
                        "epoch's weights (default: train every epoch, keep the last)")
    p.add_argument("--name", metavar="NAME",
                   help=f"name of the run's folder in {runs_dir()} (default: the date and time)")
    p.add_argument("--out", metavar="PATH",
                   help="weights file to write instead, with its checkpoint, report and figures "
                        f"beside it (default: {runs_dir() / 'NAME' / WEIGHTS_NAME})")
    p.add_argument("--force", action="store_true",
                   help="let --out replace files that are not an earlier run's (by default "
                        "--out only replaces numpy-cnn weights and their report)")
    p.add_argument("--replace-shipped", action="store_true",
                   help=f"once the run has finished, copy its weights, report and figures over "
                        f"the shipped {SHIPPED_WEIGHTS}, which the app, evaluate and predict load")
    p.add_argument("--limit", type=int, metavar="N", help="train on the first N training images only")
    p.add_argument("--test-limit", type=int, metavar="N", help="test on the first N test images only")
    p.add_argument("--data-dir", metavar="DIR", help="folder of the MNIST files (default: the "
                   "repository's data/, or the per-user folder's mnist/ for an installed copy)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="processes that share each batch (default and maximum: one per core)")
    p.add_argument("--resume", action="store_true",
                   help="continue a run from its checkpoint, with its settings: the most recent "
                        "run, or the one named by --name or --out. --epochs may be raised to "
                        "train it longer; the learning-rate schedule stays the one over the "
                        "run's first --epochs, and the epochs beyond keep its last rate")
    p.add_argument("--progress-every", type=float, metavar="SECONDS",
                   help="off a terminal, also print the progress line every SECONDS "
                        "(the app reads it)")
    return p


def latest_run():
    """The weights path of the most recent run in runs_dir() that has a checkpoint, or None."""
    checkpoints = sorted(runs_dir().glob(f"*/{checkpoint_path(WEIGHTS_NAME).name}"),
                         key=lambda path: path.stat().st_mtime)
    return checkpoints[-1].parent / WEIGHTS_NAME if checkpoints else None


def new_run_folder(name=None):
    """runs_dir()/name, or runs_dir()/<date-time> (with -2, -3... if that one is taken).
    Nothing is created here: claim_run_folder does that, once every option has been checked."""
    if name:
        return runs_dir() / name
    stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
    folder, n = runs_dir() / stamp, 1
    while folder.exists():
        n += 1
        folder = runs_dir() / f"{stamp}-{n}"
    return folder


def claim_run_folder(folder, named):
    """Create the run's folder, failing if it exists: os.mkdir is atomic, so of two runs started
    at once with the same --name exactly one gets the folder. A dated folder taken in the
    meantime is passed over for the next free -2, -3, ...
    Returns: (the folder created, None), or (None, the reason it cannot be claimed)."""
    stamp, n = folder.name, 1
    while True:
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            folder.mkdir()
            return folder, None
        except FileExistsError:
            if named:
                return None, (f"the run folder {folder} exists already (another run with "
                              f"--name {folder.name} may be under way): choose another --name, "
                              f"or remove the folder if it is an empty leftover")
            n += 1
            folder = folder.parent / f"{stamp}-{n}"
        except OSError as error:
            return None, f"cannot create the run folder {folder}: {error.strerror}"


def release_run_folder(args):
    """Remove the folder this run claimed if nothing was written into it (a run that stopped
    before its first checkpoint leaves no empty folder behind)."""
    folder = getattr(args, "claimed", None)
    if folder is not None:
        try:
            folder.rmdir()         # only an empty folder: anything written stays
        except OSError:
            pass


def report_files(out):
    """The files a run that writes the weights `out` writes beside them: its checkpoint, its
    JSON report and its figures (numpy_cnn.report)."""
    stem = Path(out).with_suffix("")
    return [checkpoint_path(out), stem.with_suffix(".json"),
            *(Path(f"{stem}_{name}.png") for name in REPORT_FIGURES)]


def is_ours(path):
    """True if path is a weights file or a training checkpoint of numpy-cnn (its metadata says
    so); False for anything else: a photo, someone's own .npz, a folder."""
    try:
        read_meta(path, read_npz(path))
        return True
    except WeightsError:
        pass
    try:
        read_checkpoint(path)
        return True
    except WeightsError:
        return False


def foreign_files(out):
    """The files a run writing `out` would replace that are not an earlier run's: [] when out
    and its report's files do not exist, or when out (or its checkpoint) is numpy-cnn's, which
    makes the report beside it an earlier run's too."""
    out = Path(out)
    ckpt, *others = report_files(out)
    if out.exists() and not is_ours(out):
        return [out] + [p for p in others if p.exists()]
    if out.exists() or (ckpt.exists() and is_ours(ckpt)):
        return []
    return [p for p in (ckpt, *others) if p.exists()]


def in_shipped_folder(path):
    """True if path is in the folder of the shipped weights (weights/ in a checkout)."""
    return Path(path).resolve().parent == SHIPPED_WEIGHTS.parent.resolve()


def choose_out(args):
    """The weights path this run writes, from --out, --name, --resume and --replace-shipped
    (see the module docstring). Returns (path, None), or (None, the reason it is refused)."""
    if args.name is not None and (Path(args.name).name != args.name or args.name in ("", ".", "..")):
        return None, f"--name {args.name!r}: give a plain folder name, without / or .."
    if args.out is not None and (args.name or args.replace_shipped):
        return None, "--out names the weights file itself: use it without --name or --replace-shipped"
    if args.out is not None:
        if in_shipped_folder(args.out):
            return None, (f"--out {args.out} is in the folder of the shipped weights, which "
                          f"training only replaces when asked: use --replace-shipped (without --out)")
        foreign = [] if args.force or Path(args.out).is_dir() else foreign_files(args.out)
        if foreign:
            names = ", ".join(str(p) for p in foreign)
            return None, (f"--out {args.out} would replace {names}, which "
                          f"{'is' if len(foreign) == 1 else 'are'} not an earlier run's weights "
                          f"(nor its report): choose another --out, or add --force to replace "
                          f"{'it' if len(foreign) == 1 else 'them'}")
        return Path(args.out), None
    if args.resume and not args.name:
        latest = latest_run()
        if latest is None:
            return None, f"cannot resume: no run with a checkpoint in {runs_dir()}"
        return latest, None
    out = new_run_folder(args.name) / WEIGHTS_NAME
    if args.name and not args.resume and (out.exists() or checkpoint_path(out).exists()):
        return None, (f"the run {out.parent} exists already: continue it with --resume --name "
                      f"{args.name}, or choose another --name")
    return out, None


def check_writable(out):
    """Refuse, before any training, a weights path that could not be written.
    Returns: None if it can be written, else the reason (a string naming the path)."""
    out = Path(out)
    if out.is_dir():
        return f"--out {out} is a folder: name the weights file, e.g. {out / WEIGHTS_NAME}"
    problem = folder_problem(out.parent)
    return f"cannot write {out}: {problem}" if problem else None


def parse_args(argv):
    """Parse the command line; args.out becomes the weights path the run writes (see choose_out).
    With --resume, the checkpoint's settings are the defaults; a different value given for one
    of RUN_SETTINGS is refused, as it would not continue the run."""
    parser = build_parser()
    # argparse gives a default only to what the namespace lacks: DEPENDS_ON_INIT stay None here
    # unless given, and get theirs below, once it is known whether --init was.
    args = parser.parse_args(argv, namespace=argparse.Namespace(**dict.fromkeys(DEPENDS_ON_INIT)))
    out, problem = choose_out(args)
    if problem:
        parser.error(problem)
    if args.resume:
        try:
            saved = read_checkpoint(checkpoint_path(out))[0]["settings"]
        except WeightsError as error:
            parser.error(f"cannot resume: {error}")
        if args.init is not None or args.extra:
            parser.error("--resume continues from the checkpoint, which holds the run's weights "
                         "and its --extra images: give --init and --extra only to start a run")
        not_kept = ("resume", "out", "name", "replace_shipped", "data_dir", "progress_every",
                    "init", "extra", "force")
        # A setting added since the checkpoint was made had its default then.
        saved = {**{k: parser.get_default(k) for k in RUN_SETTINGS},
                 **{k: v for k, v in saved.items() if k not in not_kept}}
        args = parser.parse_args(argv, namespace=argparse.Namespace(**saved))
        changed = [k for k in RUN_SETTINGS if getattr(args, k) != saved.get(k)]
        if changed:
            parser.error("a resumed run keeps its settings; the checkpoint was made with " +
                         ", ".join(f"--{k.replace('_', '-')} {saved.get(k)}" for k in changed))
    elif args.workers > (os.cpu_count() or 1):
        parser.error(f"--workers {args.workers}: this machine has {os.cpu_count()} cores, and "
                     f"each worker is a process that needs one: give at most {os.cpu_count()}")
    for name in DEPENDS_ON_INIT:
        if getattr(args, name) is None:
            setattr(args, name, FINE_TUNING_DEFAULTS.get(name) if args.init
                    else parser.get_default(name))
    in_a_run_folder = args.out is None and not args.resume      # a new run's folder to claim
    args.out = str(out)
    problem = check_writable(out)
    if problem:
        parser.error(problem)
    if args.data_dir is not None and not Path(args.data_dir).is_dir():
        parser.error(f"--data-dir {args.data_dir}: no such folder")
    for name in ("epochs", "batch_size", "lr_step", "limit", "test_limit", "workers"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not (args.lr > 0 and math.isfinite(args.lr)):
        parser.error(f"--lr {args.lr}: give a positive, finite learning rate (e.g. 1e-3)")
    for name in ("drawn", "outliers", "extra_fraction"):
        if getattr(args, name) is not None and not 0 <= getattr(args, name) <= 1:
            parser.error(f"--{name.replace('_', '-')} must be between 0 and 1")
    if args.progress_every is not None and not args.progress_every > 0:
        parser.error("--progress-every must be positive")
    if not 0 <= args.val_split < MNIST_TRAIN_SIZE:
        parser.error(f"--val-split must be between 0 and {MNIST_TRAIN_SIZE - 1}")
    args.claimed = None
    if in_a_run_folder:
        args.claimed, problem = claim_run_folder(out.parent, named=bool(args.name))
        if problem:
            parser.error(problem)
        args.out = str(args.claimed / WEIGHTS_NAME)
    return args


def learning_rate(args, epoch, schedule_epochs=None):
    """The learning rate of epoch (0-based): constant, cosine-decayed or step-decayed.

    schedule_epochs: the length T of the run's schedule, the --epochs it started with
    (default: args.epochs). A run extended by --resume --epochs beyond T keeps its last rate.

    cosine: lr * (1 + cos(pi * min(epoch, T - 1) / T)) / 2, from lr down to lr/10 at the last of 5 epochs
    step:   lr * 0.5 ** (epoch // lr_step)
    """
    if args.lr_decay == "cosine":
        T = schedule_epochs or args.epochs
        return args.lr * 0.5 * (1 + math.cos(math.pi * min(epoch, T - 1) / T))
    if args.lr_decay == "step":
        return args.lr * 0.5 ** (epoch // args.lr_step)
    return args.lr


def load_splits(args):
    """{"train", "val", "test"}: (uint8 images (N, 28, 28), labels (N,)) each. The validation
    split is the last val_split training images (as Keras' validation_split takes the last
    ones); --limit then keeps the first N of the remaining training images."""
    x_train, y_train, x_test, y_test = load_mnist(args.data_dir)
    cut = len(x_train) - args.val_split
    return {"train": (x_train[:cut][:args.limit], y_train[:cut][:args.limit]),
            "val": (x_train[cut:], y_train[cut:]),
            "test": (x_test[:args.test_limit], y_test[:args.test_limit])}


def make_extras(args, train_size, extra=None):
    """The drawings added to every batch: [(images (M, 28, 28) uint8, labels (M,), fraction)].

    --drawn: digits drawn with a pen as in the app (numpy_cnn.drawn_digits), with their labels;
    --outliers: non-digits (numpy_cnn.outliers), labelled NOT_A_DIGIT (outlier exposure);
    extra: {"images", "labels"}, the images of --extra (see read_extra), --extra-fraction each.
    Each bank is drawn once, by a generator of its own seeded by --seed: the same banks for a run
    and its resumption, whatever the state of the training generator. A batch of B digits gets
    round(fraction * B) images of each bank, picked at random.
    """
    extras = []
    for fraction, kind, stream in ((args.drawn, "drawn digits", 2), (args.outliers, "non-digits", 1)):
        if not fraction:
            continue
        n = min(EXTRA_BANK_MAX, max(100, math.ceil(fraction * train_size)))
        print(f"Drawing {n:,} {kind} to train with...", flush=True)
        rng = np.random.default_rng([args.seed, stream])
        if stream == 1:
            from .outliers import outlier_bank
            images, labels = outlier_bank(n, rng), np.full(n, NOT_A_DIGIT)
        else:
            from .drawn_digits import drawn_digit_bank
            images, labels = drawn_digit_bank(n, rng)
        extras.append((images, labels, fraction))
    if extra:
        extras.append((extra["images"], extra["labels"], args.extra_fraction))
    return extras


def make_trainer(model, workers):
    """What computes each batch's loss and gradients: the plain one-process step
    (reference.OneProcess) for one worker; DataParallel, the same interface on more processes."""
    return OneProcess(model) if workers == 1 else DataParallel(model, workers)


def read_extra(folders):
    """The images of the --extra folders (numpy_cnn.digit_folder.read_digit_folder), as
    {"images": (M, 28, 28) uint8, "labels": (M,) int64}; an image that cannot be read is named on
    stderr and skipped. Raises DigitFolderError for a folder without a readable image."""
    read = [read_digit_folder(folder) for folder in folders]
    for folder, (_, labels) in zip(folders, read):
        counts = ", ".join(f"{d}: {n}" for d, n in enumerate(np.bincount(labels, minlength=10)))
        print(f"Read {len(labels):,} images of digits from {folder} ({counts}).")
    return {"images": np.concatenate([images for images, _ in read]),
            "labels": np.concatenate([labels for _, labels in read])}


def outliers_to_keep(model, seed):
    """--outliers for fine-tuning `model`: FINE_TUNING_OUTLIERS if it flags at least half of
    KNOWS_SAMPLE non-digits "not a digit" (it learned that from outlier exposure: mixing
    non-digits into every batch keeps it so), else 0 (fine-tuning keeps what a network can do;
    it does not teach it more). Returns (fraction, the share of non-digits it flags)."""
    from .notdigit import is_not_a_digit
    from .outliers import outlier_bank
    bank = outlier_bank(KNOWS_SAMPLE, np.random.default_rng([seed, 3]))
    flagged = float(is_not_a_digit(model.predict_proba(bank)).mean())
    return (FINE_TUNING_OUTLIERS if flagged >= 0.5 else 0.0), flagged


def start_from(model, path):
    """Copy the weights saved in `path` into model (the reference network), for fine-tuning.
    Raises WeightsError if the file cannot be used or holds another network."""
    trained = load_digit_model(path)
    if trained.architecture() != model.architecture() or trained.dtype != model.dtype:
        raise WeightsError(f"{path}: holds another network than the reference one that "
                           f"training builds: it cannot be fine-tuned here")
    for name, p in model.params.items():
        p[...] = trained.params[name]


def train_step(trainer, optimizer, x, y, rng, counted=None):
    """One optimizer step on the batch x (N, 28, 28, 1), y (N,): forward and backward by the
    trainer (see make_trainer), then the optimizer's step. Plain version: reference.train_step.
    Returns (loss, number of right answers among the first `counted` images, default all); a
    non-finite loss is returned without any update."""
    with np.errstate(over="ignore", invalid="ignore"):   # a blow-up shows in the loss: no warnings
        loss, logits, grads = trainer.loss_and_grads(x, y, rng)
        if np.isfinite(loss):
            optimizer.step(grads)
    return loss, int(np.sum(logits[:counted].argmax(axis=1) == y[:counted]))


def train_one_epoch(trainer, optimizer, images, labels, args, rng, progress, extras=()):
    """One shuffled pass over the training images. Returns (mean loss, accuracy) as seen during
    the pass (with dropout on; accuracy over the MNIST digits). Raises TrainingDiverged as soon
    as the loss is not finite. Every batch also gets images of the extras (see make_extras)."""
    model = trainer.model
    order = rng.permutation(len(labels))
    for batch, start in enumerate(range(0, len(order), args.batch_size), start=1):
        chosen = order[start:start + args.batch_size]
        x, y = images[chosen], labels[chosen]
        for bank, bank_labels, fraction in extras:
            picked = rng.integers(len(bank), size=round(fraction * len(chosen)))
            x = np.concatenate([x, bank[picked]])
            y = np.concatenate([y.astype(np.intp), bank_labels[picked]])
        x = model.as_input(x)
        loss, correct = train_step(trainer, optimizer, augment_batch(x, rng) if args.augment else x,
                                   y, rng, len(chosen))
        if not np.isfinite(loss):
            raise TrainingDiverged(f"the loss became {loss} at batch {batch} of epoch "
                                   f"{progress.epoch} (learning rate {optimizer.lr:g})")
        progress.update(len(chosen), loss, correct)
    if not all(np.isfinite(p).all() for p in model.params.values()):
        raise TrainingDiverged(f"the weights became NaN or infinite in epoch {progress.epoch}")
    return progress.loss, progress.accuracy


def update_best(run, model, val_loss, patience):
    """Track the best validation loss. Returns True when training should stop early."""
    if patience is None or val_loss is None:
        return False
    if run.get("best_val_loss") is None or val_loss < run["best_val_loss"]:
        run.update(best_val_loss=val_loss, best_epoch=run["epochs_done"], epochs_without_gain=0,
                   best_params={k: p.copy() for k, p in model.params.items()})
        return False
    run["epochs_without_gain"] += 1
    return run["epochs_without_gain"] >= patience


def fit(args, model, optimizer, rng, splits, run, extras=()):
    """Train from run["epochs_done"] to args.epochs, checkpointing after every epoch."""
    with make_trainer(model, args.workers) as trainer:
        while run["epochs_done"] < args.epochs and not run.get("stopped_early"):
            fit_epoch(args, trainer, optimizer, rng, splits, run, extras)
    if run["stopped_early"]:
        print(f"Early stop: no better validation loss for {args.patience} epochs.")
    keep_best(args, model, run)


def keep_best(args, model, run):
    """With --patience, put the best epoch's weights back into model (in place)."""
    if args.patience is not None and run.get("best_params"):
        print(f"Keeping the weights of epoch {run['best_epoch']}, the best validation loss.")
        for k, p in model.params.items():
            p[...] = run["best_params"][k]


def fit_epoch(args, trainer, optimizer, rng, splits, run, extras=()):
    """One epoch of fit: train, evaluate, record, checkpoint."""
    model, (images, labels) = trainer.model, splits["train"]
    epoch = run["epochs_done"] + 1
    optimizer.lr = learning_rate(args, epoch - 1, run["settings"]["epochs"])
    progress = EpochProgress(epoch, args.epochs, math.ceil(len(labels) / args.batch_size),
                             every=args.progress_every)
    try:
        train_loss, train_acc = train_one_epoch(trainer, optimizer, images, labels, args, rng,
                                                progress, extras)
        progress.note("evaluating...")
        val = evaluate(model, *splits["val"]) if len(splits["val"][1]) else None
        test = evaluate(model, *splits["test"])
    except BaseException:
        progress.abandon()
        raise
    record = {"epoch": epoch, "lr": optimizer.lr, "train_loss": train_loss,
              "train_accuracy": train_acc, "val_loss": val.loss if val else None,
              "val_accuracy": val.accuracy if val else None, "test_loss": test.loss,
              "test_accuracy": test.accuracy, "seconds": progress.seconds}
    run["history"].append(record)
    run["epochs_done"], run["seconds"] = epoch, run["seconds"] + record["seconds"]
    run["stopped_early"] = update_best(run, model, record["val_loss"], args.patience)
    save_checkpoint(checkpoint_path(args.out), model, optimizer, rng, run)
    progress.finish(epoch_line(record, args.epochs))


def finish(args, model, splits, run):
    """Final evaluation; write the JSON report, the figures and then the weights; print a
    summary."""
    # Imported here, not at the top: it loads matplotlib (0.5 s), and each helper process of
    # DataParallel imports the main module, this one, again.
    from . import report
    started = time.perf_counter()
    results = {name: evaluate(model, *data) for name, data in splits.items() if len(data[1])}
    accuracies = {report.SPLIT_NAMES[k]: result.accuracy for k, result in results.items()}
    settings = {k: v for k, v in vars(args).items() if k not in ("resume", "claimed")}
    seconds = run["seconds"] + time.perf_counter() - started
    written = report.write_run_report(args.out, settings, run, results, model,
                                      splits["test"][0], seconds)
    # The weights last: their file is there only once the whole run is, so a run stopped while
    # its report was being written still resumes (and writes it) with the command it printed.
    save(model, args.out, extra_meta={"epochs": run["epochs_done"], "accuracy": accuracies})
    print(f"Done in {format_duration(seconds)}. Accuracy: " +
          ", ".join(f"{name} {acc:.2%}" for name, acc in accuracies.items()))
    print(f"Weights: {args.out}\nReport: " + ", ".join(str(p) for p in written))
    if args.replace_shipped:
        replace_shipped([Path(args.out), *written])
        print(f"Replaced the shipped weights {SHIPPED_WEIGHTS}, their report and figures.")


def replace_shipped(files):
    """Copy a run's files (mnist_cnn.npz, .json, _*.png) over the shipped ones of the same name.

    Every file is first copied to a temporary name in the shipped folder, then all are renamed
    (os.replace is atomic): a failure while copying leaves the shipped files as they were."""
    folder, copies = SHIPPED_WEIGHTS.parent, []
    try:
        for path in files:
            temporary = folder / f".{path.name}.{os.getpid()}.tmp"
            shutil.copyfile(path, temporary)
            copies.append((temporary, folder / path.name))
        for temporary, final in copies:
            os.replace(temporary, final)
    finally:
        for temporary, _ in copies:
            temporary.unlink(missing_ok=True)


def resume_hint(args):
    """What an interrupted run leaves behind, and the command that continues it."""
    ckpt = checkpoint_path(args.out)
    try:
        done = read_checkpoint(ckpt)[0]["epochs_done"]
    except WeightsError:
        return "No epoch was finished: nothing to resume."
    data = f" --data-dir {shlex.quote(args.data_dir)}" if args.data_dir is not None else ""
    replace = " --replace-shipped" if args.replace_shipped else ""
    return (f"The checkpoint after epoch {done} is kept in {ckpt}. To continue: "
            f"numpy-cnn train --resume --out {shlex.quote(str(args.out))}{data}{replace}")


def what_was_kept(args):
    """One sentence on what a run that failed keeps: its checkpoint, or nothing."""
    ckpt = checkpoint_path(args.out)
    if not ckpt.exists():
        return "Nothing was kept from this run."
    return f"Kept: {resume_hint(args)}"


def main(argv=None):
    """Command-line entry point. Returns the exit code (0 done, 1 error, 130 interrupted)."""
    args = parse_args(argv)
    try:
        return run_training(args)
    finally:
        release_run_folder(args)


def run_training(args):
    """Train as parse_args set up. Returns the exit code (0 done, 1 error, 130 interrupted)."""
    rng = np.random.default_rng(args.seed)
    model = build_reference_model(rng)
    optimizer = Adam(model.params, lr=args.lr)
    ckpt = checkpoint_path(args.out)
    try:
        splits = load_splits(args)
        report_only = False
        if args.resume:
            run = restore_checkpoint(ckpt, model, optimizer, rng)
            finished = run["epochs_done"] >= args.epochs or run.get("stopped_early")
            if finished and Path(args.out).exists():      # the weights are written last
                how = ("stopped early: its validation loss stopped improving"
                       if run.get("stopped_early") else "to train it longer, add --epochs N "
                       f"with N above {run['epochs_done']}")
                print(f"error: the run {args.out} has finished its {run['epochs_done']} "
                      f"epoch(s) ({how})", file=sys.stderr)
                return 1
            report_only = bool(finished)
            print(f"Resuming {ckpt} after epoch {run['epochs_done']}" +
                  (": its epochs are done; writing its weights and report." if report_only
                   else "."))
        else:
            extra = read_extra(args.extra) if args.extra else None
            if args.init:
                start_from(model, args.init)
                print(f"Fine-tuning {args.init}.")
            if args.outliers is None:
                args.outliers, flagged = outliers_to_keep(model, args.seed)
                print(f"The network says 'not a digit' to {flagged:.0%} of {KNOWS_SAMPLE} "
                      f"non-digits: --outliers {args.outliers:g}.")
            run = {"settings": {k: v for k, v in vars(args).items() if k != "claimed"},
                   "epochs_done": 0, "history": [], "seconds": 0.0, "extra": extra}
            if ckpt.exists():
                print(f"Note: a new run; its first epoch will replace the checkpoint {ckpt} "
                      f"(use --resume to continue that one instead).")
        if report_only:
            keep_best(args, model, run)
        else:
            print(f"Writing to {Path(args.out).parent}")
            print(banner(args, splits))
            fit(args, model, optimizer, rng, splits, run,
                make_extras(args, len(splits["train"][1]), run.get("extra")))
        finish(args, model, splits, run)
    except KeyboardInterrupt:
        print(f"\nInterrupted. {resume_hint(args)}", file=sys.stderr)
        return 130
    except TrainingDiverged as error:
        print(f"error: training diverged: {error}. Nothing was saved from this epoch; "
              f"try a smaller --lr.", file=sys.stderr)
        return 1
    except OSError as error:          # e.g. the disk is full: say which file, and what is kept
        print(f"error: {error}. {what_was_kept(args)}", file=sys.stderr)
        return 1
    except (WeightsError, DataFileError, DownloadError, DigitFolderError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def banner(args, splits):
    """The line that says what the run trains on, and how."""
    n = {name: len(data[1]) for name, data in splits.items()}
    held_out = (f"validation {n['val']:,}: the last {args.val_split:,} training images, "
                f"--val-split" if n["val"] else "no validation: --val-split 0")
    if args.limit is not None:
        held_out += f"; --limit takes the first {args.limit:,} of the others"
    return (f"Training on {n['train']:,} images ({held_out}; test {n['test']:,}): "
            f"{args.epochs} epoch(s) of batches of {args.batch_size}, Adam lr {args.lr:g} "
            f"(decay: {args.lr_decay}), augmentation {'on' if args.augment else 'off'}, "
            f"seed {args.seed}.")


if __name__ == "__main__":
    sys.exit(main())
