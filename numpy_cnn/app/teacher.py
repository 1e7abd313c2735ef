"""The app's Teach: fine-tune the app's network on the user's own digits, in a process of its
own, for a few seconds.

    app (gui.teach)                            worker (run, below)
    Teaching(start, in_use)    --starts-->     reads the user's digits (numpy_cnn.digit_folder),
                                               MNIST, draws a few non-digits, and scores the
                               <---------      user's digits: ("ready", {"digits", "before",
                                               "batches", "notes"})
                               <---------      ("progress", {"batch", "batches", "loss"})
    stop()                     --------->      checked after every batch: nothing is saved,
                               <---------      ("stopped", None)
                               <---------      ("taught", {"path", "before", "after", "seconds"})
                               <---------      ("error", message) if it cannot go on

It is `numpy-cnn train --init WEIGHTS --extra MY_DIGITS` (numpy_cnn.train, whose docstring says
why MNIST stays in every batch), on a budget of seconds: one pass over `batches` batches of 64
MNIST training digits picked at random, each batch with the same share of the user's digits
(--extra-fraction) and of non-digits (--outliers) as the command's, at the command's fine-tuning
learning rate, with its augmentation; the training step is the command's own
(numpy_cnn.train.train_one_epoch). The non-digits are fewer (a bank of `outlier_bank` drawn once,
as drawing them takes a few ms each).

Every Teach starts again from the network the app opened with (`start`: the shipped weights,
or --weights), not from the last Teach's result: the user's digits are all kept, so each Teach
learns all of them, and two Teaches do not add up to twice the drift away from MNIST. "before"
is read by the network in use (`in_use`, what the user has seen), "after" by the new one; both
are boolean arrays, one per saved digit:
read right, i.e. what the app would show is the digit the user gave (numpy_cnn.notdigit: an answer
flagged "not a digit" is not right). The result goes to `out`, by default
numpy_cnn.paths.taught_weights() in the user's folder, never over the shipped weights.
"""
import signal
import time
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from numpy_cnn.data import DownloadError, load_mnist
from numpy_cnn.digit_folder import DigitFolderError, read_digit_folder
from numpy_cnn.losses import NOT_A_DIGIT
from numpy_cnn.model import from_architecture
from numpy_cnn.notdigit import is_not_a_digit
from numpy_cnn.optim import Adam
from numpy_cnn.parallel import DataParallel
from numpy_cnn.paths import mnist_dir, my_digits_dir, taught_weights
from numpy_cnn.storage import save
from numpy_cnn.train import (EXTRA_FRACTION, FINE_TUNING_DEFAULTS, TrainingDiverged,
                             outliers_to_keep, train_one_epoch)

from .learner import WorkerProcess

BATCHES = 250            # MNIST batches of 64 in one Teach: 10-13 s on the 2-core machine


@dataclass(frozen=True)
class Settings:
    """What the worker fine-tunes, on what, and how long."""
    architecture: dict           # the network to start from (Sequential.architecture())
    params: dict                 # and its parameters: name -> array
    in_use: dict                 # the parameters of the network the app reads with now
    out: str = ""                # where the taught weights go (default: taught_weights())
    digits: str = ""             # the user's digits (default: my_digits_dir())
    batches: int = BATCHES
    batch_size: int = 64
    lr: float = FINE_TUNING_DEFAULTS["lr"]
    extra_fraction: float = EXTRA_FRACTION
    outliers: float | None = None  # None: as the command decides (numpy_cnn.train.outliers_to_keep)
    outlier_bank: int = 400      # non-digits drawn once per Teach
    augment: bool = FINE_TUNING_DEFAULTS["augment"]
    seed: int = 0
    every: int = 5               # batches between two progress messages
    data_dir: str | None = None  # MNIST's folder (default: numpy_cnn.paths.mnist_dir())


class Teaching(WorkerProcess):
    """The app's end of a Teach.

    Inputs: start -- the network to fine-tune (a Sequential; not changed: the worker gets a
            copy); in_use -- the network the app reads with now, which scores "before" (default:
            start; the same architecture); settings -- see Settings (the tests teach on a few
            batches).

    Usage:
        teaching = Teaching(start, app.predictor.model)
        for kind, content in teaching.messages(): ...    # see the module docstring
        teaching.stop(); teaching.close()
    """

    def __init__(self, start, in_use=None, **settings):
        settings = {"out": str(taught_weights()), "digits": str(my_digits_dir()), **settings}
        copy = lambda model: {name: p.copy() for name, p in model.params.items()}  # noqa: E731
        super().__init__(run, Settings(start.architecture(), copy(start), copy(in_use or start),
                                       **settings), "numpy-cnn-teach")


def read_right(model, images, labels):
    """Inputs:  images (M, 28, 28) uint8 or float; labels (M,) digits.
    Returns: (M,) bool: the app would show the right digit (argmax is the label, not flagged
             "not a digit")."""
    probabilities = model.predict_proba(images)
    return (probabilities.argmax(axis=1) == labels) & ~is_not_a_digit(probabilities)


class Stopped(Exception):
    """The app asked the worker to stop."""


class PipeProgress:
    """What numpy_cnn.train.train_one_epoch reports to (like numpy_cnn.progress.EpochProgress):
    sends ("progress", ...) every `every` batches, and raises Stopped when the app said stop."""

    epoch = 1

    def __init__(self, conn, batches, every):
        self.conn, self.batches, self.every = conn, batches, every
        self.batch, self.losses, self.correct, self.images = 0, [], 0, 0

    def update(self, images, loss, correct):
        self.batch += 1
        self.losses.append(loss)
        self.correct, self.images = self.correct + correct, self.images + images
        if self.conn.poll() and self.conn.recv() == "stop":
            raise Stopped
        if self.batch % self.every == 0 or self.batch == self.batches:
            self.conn.send(("progress", {"batch": self.batch, "batches": self.batches,
                                         "loss": float(np.mean(self.losses[-self.every:]))}))

    @property
    def loss(self):
        return float(np.mean(self.losses))

    @property
    def accuracy(self):
        return self.correct / self.images


# ---------------------------------------------------------------- in the worker process

def run(conn, settings):
    """The worker: fine-tune, report, save; until the end, a stop, or the app going away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C in the terminal is the app's
    try:
        conn.send(teach(conn, settings))
    except Stopped:
        conn.send(("stopped", None))
    except (DigitFolderError, DownloadError, TrainingDiverged, OSError, ValueError) as error:
        try:
            conn.send(("error", str(error)))
        except OSError:                              # the app is gone
            pass
    except EOFError:                                 # the app is gone
        pass


def teach(conn, settings):
    """Fine-tune as the module docstring says. Returns the ("taught", {...}) message."""
    started = time.perf_counter()
    rng = np.random.default_rng(settings.seed)
    notes = []
    images, labels = read_digit_folder(settings.digits, note=notes.append)
    model = from_architecture(settings.architecture,
                              dtype=next(iter(settings.params.values())).dtype)
    for name, p in model.params.items():
        p[...] = settings.in_use[name]
    before = read_right(model, images, labels)
    for name, p in model.params.items():
        p[...] = settings.params[name]
    x_train, y_train, _, _ = load_mnist(settings.data_dir or mnist_dir())
    chosen = rng.choice(len(y_train), settings.batches * settings.batch_size, replace=False)
    extras = [(images, labels, settings.extra_fraction)]
    outliers = settings.outliers
    if outliers is None:
        outliers = outliers_to_keep(model, settings.seed)[0]
    if outliers:
        from numpy_cnn.outliers import outlier_bank
        bank = outlier_bank(settings.outlier_bank, np.random.default_rng([settings.seed, 1]))
        extras.append((bank, np.full(len(bank), NOT_A_DIGIT), outliers))
    conn.send(("ready", {"digits": len(labels), "before": before, "batches": settings.batches,
                         "notes": notes}))
    optimizer = Adam(model.params, lr=settings.lr)
    progress = PipeProgress(conn, settings.batches, settings.every)
    args = SimpleNamespace(batch_size=settings.batch_size, augment=settings.augment)
    with DataParallel(model, workers=1) as trainer:
        train_one_epoch(trainer, optimizer, x_train[chosen], y_train[chosen], args, rng,
                        progress, extras)
    after = read_right(model, images, labels)
    save(model, settings.out, extra_meta={"taught": {
        "digits": len(labels), "before": int(before.sum()), "after": int(after.sum()),
        "batches": settings.batches, "lr": settings.lr}})
    return ("taught", {"path": settings.out, "before": before, "after": after,
                       "labels": labels, "seconds": time.perf_counter() - started})
