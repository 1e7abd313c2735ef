"""Train on every core: split each batch across processes, one replica of the model each.

Matrix multiplies already use every core through BLAS, but the many element-wise steps (im2col
copies, pooling, ReLU, col2im) run on one, and they are half the work. Splitting the batch and
giving each part to its own core runs those in parallel too.

Why processes and not threads: a thread needs Python's global interpreter lock (GIL) to run the
Python between NumPy calls, and a training step makes hundreds of small NumPy calls. Two threads
spend much of their time waiting for each other's lock: measured here, half a batch of 64 took
16 ms on each of two threads against 12 ms alone. Two processes each have their own interpreter:
11.4 ms each, side by side.

This process computes the first part of the batch itself; a helper process per other core
computes the rest. Each step:
  1. copy the current parameters into shared memory, which every helper reads,
  2. send each helper its part of the batch and the seeds of its dropout masks (through a pipe),
  3. compute the first part here, while each helper runs forward and backward on its replica,
     writes its gradients into its own block of shared memory and sends back loss and logits,
  4. combine. The loss is a mean over the batch, so the batch gradient is the mean of the
     parts' gradients weighted by their sizes:

    loss = sum_k (n_k / N) loss_k,        grad = sum_k (n_k / N) grad_k

The optimizer then updates this process's parameters, which go out again at the next step.
"""
import ctypes
import functools
import multiprocessing
import os
import signal
import time
import traceback
import weakref
from contextlib import contextmanager

import numpy as np

from . import reference
from .model import from_architecture

# A process reads these when it loads its BLAS: each helper starts with one BLAS thread, or every
# process's matrix multiplies would start a thread per core and the threads would fight for them.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                         "VECLIB_MAXIMUM_THREADS")
# A process asleep in a blocking read takes about 0.5 ms to wake up on this machine, against
# about 15 ms for a whole step, so a waiting process polls in a loop for this long first.
SPIN_SECONDS = 0.02


@functools.lru_cache(maxsize=None)
def _openblas_thread_functions():
    """(get, set) for the thread count of the OpenBLAS that NumPy loaded, or None if not found.

    Linux only: the library is found among the files this process has mapped. NumPy's wheels
    bundle OpenBLAS with the "scipy_openblas" prefix and 64-bit suffix; a system build has none.
    """
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return None
    for path in sorted(paths):
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "")):
            getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
            if getter and setter:
                return getter, setter
    return None


@contextmanager
def single_threaded_blas():
    """Run the block with this process's BLAS on one thread; yields True if that was possible.
    (The environment variables above act only before NumPy is imported; this works after.)"""
    functions = _openblas_thread_functions()
    if functions is None:
        yield False
        return
    get, set_ = functions
    before = get()
    set_(1)
    try:
        yield True
    finally:
        set_(before)


@contextmanager
def environment(**variables):
    """Set environment variables for the block (a process started in it inherits them)."""
    before = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def flat_views(buffer, shapes, dtype):
    """Arrays of the given shapes ({name: shape}) laid one after another in buffer."""
    flat, views, start = np.frombuffer(buffer, dtype=dtype), {}, 0
    for name, shape in shapes.items():
        size = int(np.prod(shape))
        views[name] = flat[start:start + size].reshape(shape)
        start += size
    return views


def wait_for(conn, spin=SPIN_SECONDS):
    """Return once conn has something to read: poll in a loop for up to `spin` seconds, then
    sleep in a blocking wait."""
    deadline = time.perf_counter() + spin
    while not conn.poll():
        if time.perf_counter() > deadline:
            conn.poll(None)
            return


def random_layers(model):
    """The layers that draw random numbers (dropout), in order."""
    return [layer for layer in model.layers if hasattr(layer, "rng")]


def forward_backward(model, x, y, seeds):
    """Loss and gradients of one part of a batch: returns (loss, logits), leaves the gradients in
    model.grads. The random layers get generators seeded by `seeds`: the caller decides every mask."""
    for layer, seed in zip(random_layers(model), seeds):
        layer.rng = np.random.default_rng(seed)
    return reference.forward_backward(model, x, y)


def helper(conn, architecture, dtype, params_buffer, grads_buffer):
    """A helper process: a replica computing with the shared parameters until it receives None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's to handle
    replica = from_architecture(architecture, dtype=dtype)
    shapes = {name: p.shape for name, p in replica.params.items()}
    shared = flat_views(params_buffer, shapes, dtype)
    for layer in replica.layers:
        for key in layer.params:
            layer.params[key] = shared[f"{layer.name}.{key}"]
    grads = flat_views(grads_buffer, shapes, dtype)
    try:
        while True:
            wait_for(conn)
            if (job := conn.recv()) is None:
                return
            x, y, seeds, errstate = job
            try:
                with np.errstate(**errstate):        # NumPy's error settings are per process
                    loss, logits = forward_backward(replica, x, y, seeds)
                for name, g in replica.grads.items():
                    grads[name][...] = g
                conn.send(("done", loss, logits))
            except Exception as error:               # the parent raises it
                error.add_note(f"in helper process {os.getpid()}:\n{traceback.format_exc()}")
                conn.send(("error", error))
    except (EOFError, OSError):                      # the parent is gone
        pass


class Helper:
    """A helper process, the pipe to it and the shared block it writes its gradients into."""

    def __init__(self, context, model, params_buffer, shapes):
        grads_buffer = context.RawArray("b", len(params_buffer))
        self.grads = flat_views(grads_buffer, shapes, model.dtype)
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(
            target=helper, daemon=True, name="numpy-cnn-helper",
            args=(child_conn, model.architecture(), model.dtype, params_buffer, grads_buffer))
        with environment(**dict.fromkeys(BLAS_THREAD_VARIABLES, "1")):
            self.process.start()
        child_conn.close()

    def send(self, job):
        """Give the helper a job: (x, y, seeds, NumPy error settings)."""
        try:
            self.conn.send(job)
        except OSError:                               # broken pipe: the helper is gone
            raise self.died() from None

    def receive(self):
        """The helper's answer: ("done", loss, logits) or ("error", exception)."""
        try:
            wait_for(self.conn)
            return self.conn.recv()
        except (EOFError, OSError):
            raise self.died() from None

    def died(self):
        self.process.join(timeout=5)
        return RuntimeError(f"helper process {self.process.pid} stopped unexpectedly "
                            f"(exit code {self.process.exitcode})")

    @staticmethod
    def stop(conn, process):
        """Ask the helper to finish; make sure it has."""
        try:
            conn.send(None)
        except OSError:                               # already gone
            pass
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()
            process.join()


class DataParallel:
    """Forward and backward of one batch on `workers` processes: this one and workers - 1 helpers.

    An accelerator for numpy_cnn.reference.OneProcess, with the same interface (loss_and_grads,
    close, `with`): the training command uses OneProcess for --workers 1, this for more.

    Inputs:
    - model: the Sequential to train; the optimizer updates its parameters in place. Its layers
      see only the part of each image the output depends on (model.pixels_read()).
    - workers: number of processes (default: one per core)

    Use it in a `with` block, or call close(), to stop the helper processes. The helpers are
    started with multiprocessing's "spawn", which imports the main module again: a script that
    trains must keep its work under `if __name__ == "__main__":`.
    """

    def __init__(self, model, workers=None):
        self.model = model
        self.pixels_read = model.pixels_read()
        self.workers = workers or os.cpu_count() or 1
        self.helpers = []
        if self.workers > 1:
            # "spawn": a fresh interpreter, safe whatever threads this process runs (fork is not)
            context = multiprocessing.get_context("spawn")
            shapes = {name: p.shape for name, p in model.params.items()}
            params_buffer = context.RawArray("b", sum(p.nbytes for p in model.params.values()))
            self.shared_params = flat_views(params_buffer, shapes, model.dtype)
            self.helpers = [Helper(context, model, params_buffer, shapes)
                            for _ in range(self.workers - 1)]
        self._finalizer = weakref.finalize(
            self, lambda pairs: [Helper.stop(*pair) for pair in pairs],
            [(h.conn, h.process) for h in self.helpers])

    def close(self):
        """Stop the helper processes (also done when the DataParallel is garbage-collected)."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def loss_and_grads(self, x, y, rng):
        """One batch: x (N, 28, 28, 1), y (N,) -> (mean loss, logits (N, 10), grads by name).
        Plain version, in one process: numpy_cnn.reference.OneProcess.loss_and_grads."""
        # Only the pixels the output depends on (Sequential.pixels_read: the top-left 26 x 26 of
        # 28 x 28): the same loss and gradients, 15% less work in the layers up to pool2.
        rows, cols = self.pixels_read
        x = x[:, :rows, :cols]
        n = len(y)
        seeds = [[rng.integers(2 ** 63) for _ in random_layers(self.model)]
                 for _ in range(self.workers)]
        parts = min(self.workers, n)                 # a tiny batch leaves some helpers idle
        bounds = [i * n // parts for i in range(parts + 1)]        # plain ints: no float64 below
        shards = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
        helpers = self.helpers[:parts - 1]
        if not helpers:
            loss, logits = forward_backward(self.model, x, y, seeds[0])
            return loss, logits, self.model.grads

        for name, p in self.model.params.items():
            self.shared_params[name][...] = p
        for h, shard, shard_seeds in zip(helpers, shards[1:], seeds[1:]):
            h.send((x[shard], y[shard], shard_seeds, np.geterr()))
        try:
            with single_threaded_blas():             # the helpers have the other cores
                mine = forward_backward(self.model, x[shards[0]], y[shards[0]], seeds[0])
        finally:                                     # every answer, even after an error here,
            answers = [h.receive() for h in helpers]  # so that the next batch starts clean
        for answer in answers:
            if answer[0] == "error":
                raise answer[1]
        results = [mine] + [answer[1:] for answer in answers]

        weights = [(s.stop - s.start) / n for s in shards]        # Python floats keep float32
        loss = sum(w * r[0] for w, r in zip(weights, results))
        grads = {}
        for name, g in self.model.grads.items():
            grads[name] = weights[0] * g
            for w, h in zip(weights[1:], helpers):
                grads[name] += w * h.grads[name]
        return loss, np.concatenate([r[1] for r in results]), grads
