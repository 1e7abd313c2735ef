"""Training a fresh network in a process of its own, for the app's "Watch it learn" window.

The app's window must keep answering the mouse while the network trains, so the training runs
in another process (multiprocessing, "spawn"), with one BLAS thread: the other core is left
to the window. Two processes and a pipe between them:

    app (gui.learn)                          worker (run, below)
    LiveTraining(...)          --starts-->   loads MNIST, builds the reference network from
                                             random weights: ("ready", {...})
                                             trains, batch after batch; every `every` batches:
    messages()                 <---------    ("progress", {batch, losses, accuracies, params})
    pause() / resume() / stop() -------->    checked before every batch
                               <---------    ("saved", {"path", "reason"}) at stop or at the end
                               <---------    ("error", message) if it cannot go on

The worker uses the training command's own step (numpy_cnn.train.train_step): Adam at a
constant learning rate, cross-entropy, batches of 64, no augmentation, the last 5,000 training
images held out, `val_size` of which are scored at every snapshot. The weights are saved to
their own new file under numpy_cnn.paths.runs_dir(), never over the shipped weights.
"""
import multiprocessing
import signal
import time
from dataclasses import dataclass

import numpy as np

from numpy_cnn.data import DownloadError, load_mnist
from numpy_cnn.evaluate import evaluate
from numpy_cnn.model import build_reference_model
from numpy_cnn.optim import Adam
from numpy_cnn.parallel import BLAS_THREAD_VARIABLES, DataParallel, environment
from numpy_cnn.paths import mnist_dir, runs_dir
from numpy_cnn.storage import save
from numpy_cnn.train import train_step

HELD_OUT = 5000          # the last training images: validation, as in numpy_cnn.train


@dataclass(frozen=True)
class Settings:
    """What the worker trains, and how often it reports."""
    out: str                     # the weights file to write
    seed: int = 0
    batch_size: int = 64
    lr: float = 1e-3
    epochs: int = 1
    every: int = 25              # batches between two snapshots
    limit: int | None = None     # train on the first `limit` images only (the tests)
    val_size: int = 1000         # held-out images scored at each snapshot
    data_dir: str | None = None  # MNIST's folder (default: numpy_cnn.paths.mnist_dir())


def new_run_path(prefix="watch"):
    """A weights path in a new folder of runs_dir(): runs/watch-20250101-120000/mnist_cnn.npz
    (with -2, -3, ... after the time if that folder exists already). The folder is not made."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder, n = runs_dir() / f"{prefix}-{stamp}", 1
    while folder.exists():
        n += 1
        folder = runs_dir() / f"{prefix}-{stamp}-{n}"
    return folder / "mnist_cnn.npz"


class WorkerProcess:
    """A function running in a process of its own, and the app's end of the pipe to it: start
    it, send it commands, read what it sends. The process is started with one BLAS thread
    ("spawn": a fresh interpreter), so the other core is left to the window.

    Inputs: target -- a module-level function target(conn, settings), run in the process;
            settings -- passed to it (picklable); name -- the process's name.
    """

    def __init__(self, target, settings, name):
        self.settings = settings
        context = multiprocessing.get_context("spawn")
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(target=target, args=(child_conn, settings), daemon=True,
                                       name=name)
        with environment(**dict.fromkeys(BLAS_THREAD_VARIABLES, "1")):
            self.process.start()
        child_conn.close()

    def send(self, command):
        try:
            self.conn.send(command)
        except OSError:               # the worker has ended
            pass

    def stop(self):
        """Ask the worker to end (what it does first is the worker's business)."""
        self.send("stop")

    def messages(self):
        """Every message that has arrived, oldest first, as (kind, content); ("ended", exit
        code) once the worker has gone and said everything."""
        arrived = []
        try:
            while self.conn.poll():
                arrived.append(self.conn.recv())
        except (EOFError, OSError):
            self.process.join(timeout=5)
            arrived.append(("ended", self.process.exitcode))
        return arrived

    def close(self, timeout=10):
        """Stop the worker and wait for it; terminate it if it hangs. What it still sends is
        read and dropped meanwhile: a message larger than the pipe holds (a snapshot with the
        parameters) blocks the worker until it is read, and the stop would never be seen."""
        if self.conn.closed:
            return
        self.stop()
        deadline = time.monotonic() + timeout
        while self.process.is_alive() and time.monotonic() < deadline:
            self.messages()
            self.process.join(0.02)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.conn.close()


class LiveTraining(WorkerProcess):
    """The app's end of the worker: start it, steer it, read what it sends.

    Usage:
        training = LiveTraining(every=25)      # settings: see Settings; out defaults to new_run_path()
        for kind, content in training.messages(): ...   # what has arrived, without waiting
        training.pause(); training.resume()
        training.stop()                        # it saves the weights and ends: ("saved", ...)
        training.close()                       # stops it and waits for it to finish
    """

    def __init__(self, **settings):
        super().__init__(run, Settings(**{"out": str(new_run_path()), **settings}),
                         "numpy-cnn-learn")

    def pause(self):
        self.send("pause")

    def resume(self):
        self.send("resume")


# ---------------------------------------------------------------- in the worker process

def run(conn, settings):
    """The worker: train and report until the end, a stop, or the app's end of the pipe closing."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C in the terminal is the app's
    try:
        Worker(conn, settings).train()
    except (EOFError, OSError, BrokenPipeError):     # the app is gone
        pass


class Worker:
    """The training loop of the worker process, one instance per run."""

    def __init__(self, conn, settings):
        self.conn, self.settings = conn, settings
        try:
            x_train, y_train, x_test, y_test = load_mnist(settings.data_dir or mnist_dir())
        except (OSError, ValueError, DownloadError) as error:   # missing, damaged, offline
            self.images = None
            conn.send(("error", f"cannot load MNIST: {error}"))
            return
        cut = len(x_train) - HELD_OUT
        self.images, self.labels = x_train[:cut][:settings.limit], y_train[:cut][:settings.limit]
        self.val = (x_train[cut:cut + settings.val_size], y_train[cut:cut + settings.val_size])
        self.rng = np.random.default_rng(settings.seed)
        self.model = build_reference_model(self.rng)
        self.optimizer = Adam(self.model.params, lr=settings.lr)
        self.batches_per_epoch = -(-len(self.labels) // settings.batch_size)
        self.batch, self.seconds = 0, 0.0
        self.losses, self.correct, self.seen = [], 0, 0      # since the last snapshot
        conn.send(("ready", {"digit": x_test[0], "label": int(y_test[0]), "out": settings.out,
                             "architecture": self.model.architecture(),
                             "batches": self.batches_per_epoch * settings.epochs}))

    def train(self):
        if self.images is None:
            return
        self.snapshot()                              # the random network, before any step
        with DataParallel(self.model, workers=1) as trainer:
            for epoch in range(self.settings.epochs):
                order = self.rng.permutation(len(self.labels))
                for start in range(0, len(order), self.settings.batch_size):
                    if not self.obey():
                        return self.save("stopped")
                    chosen = order[start:start + self.settings.batch_size]
                    began = time.perf_counter()
                    loss, correct = train_step(trainer, self.optimizer,
                                               self.model.as_input(self.images[chosen]),
                                               self.labels[chosen], self.rng)
                    self.seconds += time.perf_counter() - began
                    if not np.isfinite(loss):
                        self.conn.send(("error", f"the loss became {loss} at batch {self.batch}"))
                        return
                    self.batch += 1
                    self.losses.append(loss)
                    self.correct, self.seen = self.correct + correct, self.seen + len(chosen)
                    if self.batch % self.settings.every == 0:
                        self.snapshot()
        if self.batch % self.settings.every:
            self.snapshot()
        self.save("finished")

    def obey(self):
        """Follow the app's commands that have arrived. Returns False when told to stop."""
        paused = False
        while paused or self.conn.poll():
            command = self.conn.recv()
            if command == "stop":
                return False
            paused = command == "pause" or (paused and command != "resume")
        return True

    def snapshot(self):
        """Send how the network does now, and its parameters."""
        val = evaluate(self.model, *self.val)
        self.conn.send(("progress", {
            "batch": self.batch, "images": self.batch * self.settings.batch_size,
            "train_loss": float(np.mean(self.losses)) if self.losses else None,
            "train_accuracy": self.correct / self.seen if self.seen else None,
            "val_loss": val.loss, "val_accuracy": val.accuracy, "seconds": self.seconds,
            "params": {name: p.copy() for name, p in self.model.params.items()}}))
        self.losses, self.correct, self.seen = [], 0, 0

    def save(self, reason):
        """Save the weights and say so; if they cannot be written, say why: ("error", ...)."""
        try:
            save(self.model, self.settings.out,
                 extra_meta={"watch_it_learn": {"batches": self.batch, "seed": self.settings.seed,
                                                "reason": reason}})
        except OSError as error:     # the folder cannot be written: the app must hear why
            self.conn.send(("error", f"the weights could not be saved: {error}"))
            return
        self.conn.send(("saved", {"path": self.settings.out, "reason": reason}))
