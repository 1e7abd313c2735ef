"""Train on every core: split each batch across threads, one replica of the model per thread.

NumPy lets go of Python's global interpreter lock inside its loops and matrix multiplies, so two
threads working on two halves of a batch really run at the same time. Matrix multiplies already
use every core through BLAS; the many element-wise steps (im2col copies, pooling, ReLU, col2im)
do not, and they are half the work. Splitting the batch runs those in parallel too.

Each thread gets a replica of the model: its own layer objects, and so its own caches for the
backward pass, but the *same* parameter arrays, so the optimizer's in-place update reaches every
replica. The loss is a mean over the batch, so the batch gradient is the mean of the shards'
gradients weighted by shard size:

    loss = sum_k (n_k / N) loss_k,        grad = sum_k (n_k / N) grad_k
"""
import ctypes
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np

from .losses import softmax_cross_entropy
from .model import from_architecture


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
    """Run the block with NumPy's BLAS on one thread; yields True if that could be arranged.

    DataParallel already puts one thread on each core; if every thread's matrix multiply also
    started a BLAS thread per core, the threads would fight over the cores.
    """
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


def replicate(model):
    """A new Sequential of the same architecture whose layers share model's parameter arrays."""
    twin = from_architecture(model.architecture(), dtype=model.dtype)
    for mine, theirs in zip(twin.layers, model.layers):
        mine.params = theirs.params
    return twin


class DataParallel:
    """Forward and backward of one batch on `workers` threads.

    Inputs:
    - model: the Sequential to train; its parameters are shared, its grads are not used
    - workers: number of threads (default: one per core)
    """

    def __init__(self, model, workers=None):
        self.model = model
        self.workers = workers or os.cpu_count() or 1
        self.replicas = [model] + [replicate(model) for _ in range(self.workers - 1)]
        self.pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None

    def _seed_dropout(self, rng):
        """Give each replica's random layers a generator drawn from rng, so that one generator
        decides every mask and the result does not depend on which thread runs first."""
        for replica in self.replicas:
            for layer in replica.layers:
                if hasattr(layer, "rng"):
                    layer.rng = np.random.default_rng(rng.integers(2 ** 63))

    def loss_and_grads(self, x, y, rng):
        """One batch: x (N, 28, 28, 1), y (N,) -> (mean loss, logits (N, 10), grads by name)."""
        self._seed_dropout(rng)
        n, parts = len(y), len(self.replicas)
        bounds = [i * n // parts for i in range(parts + 1)]    # plain ints: no float64 below
        shards = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]

        caller_errstate = np.geterr()   # NumPy's error settings are per thread: pass them on

        def run(replica, s):
            with np.errstate(**caller_errstate):
                logits = replica.forward(x[s], training=True)
                loss, dlogits = softmax_cross_entropy(logits, y[s])
                replica.backward(dlogits)
            return loss, logits

        jobs = zip(self.replicas, shards)
        results = list(self.pool.map(lambda job: run(*job), jobs) if self.pool
                       else (run(*job) for job in jobs))
        weights = [(s.stop - s.start) / n for s in shards]        # Python floats keep float32
        loss = sum(w * r[0] for w, r in zip(weights, results))
        grads = {}
        for name in self.model.params:
            grads[name] = weights[0] * self.replicas[0].grads[name]
            for w, replica in zip(weights[1:], self.replicas[1:]):
                grads[name] += w * replica.grads[name]
        return loss, np.concatenate([r[1] for r in results]), grads
