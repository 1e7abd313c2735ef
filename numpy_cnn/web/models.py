"""Copies of the network for requests that run at the same time.

The layers keep what their forward pass computed (layer.cache, for the backward pass and for
numpy_cnn.insight.trace), so two threads running one model at once would read each other's
numbers. The server answers requests on several threads; each request borrows a copy of its
own from a ModelPool, and gives it back when done:

    pool = ModelPool(model, copies=2)
    with pool.borrow() as model:      # waits while every copy is in use
        ...                           # model.forward / trace(model, ...), this thread only

Swapping in another network (after a Teach) builds a new pool: requests under way finish with
the copy they borrowed from the old one.
"""
import contextlib
import queue

from numpy_cnn.model import from_architecture


def copy_model(model):
    """A new Sequential with the same architecture, dtype and parameters (nothing shared)."""
    twin = from_architecture(model.architecture(), dtype=model.dtype)
    for name, p in twin.params.items():
        p[...] = model.params[name]
    return twin


class ModelPool:
    """Inputs: model -- a Sequential (the pool holds copies; the model itself is not used);
    copies -- how many requests can run the network at once; weights -- the file it came from."""

    def __init__(self, model, copies=2, weights=None):
        self.weights = weights
        self.architecture = model.architecture()
        self.free = queue.Queue()
        for _ in range(copies):
            self.free.put(copy_model(model))
        self.first = self.free.queue[0]        # for names and shapes only, never run

    @contextlib.contextmanager
    def borrow(self):
        model = self.free.get()
        try:
            yield model
        finally:
            self.free.put(model)
