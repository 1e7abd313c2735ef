"""Gradient checking: compare a backward pass with central finite differences.

For a scalar function f of an array x, each partial derivative is approximately

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h),

with an error of order h**2 (plus rounding of order eps * |f| / h). In float64 with h = 1e-5 both
are tiny, so an analytic gradient that agrees to a relative error of ~1e-7 or better is right.

To check a layer whose output is an array, contract the output with a fixed random upstream
gradient dout: f(x) = sum(layer.forward(x) * dout). Then df/dx is exactly what
layer.backward(dout) must return, and df/dW what it must put in layer.grads["W"].

From a REPL:

    >>> import numpy as np
    >>> from numpy_cnn.layers import Conv2D
    >>> from numpy_cnn.gradcheck import check_layer
    >>> rng = np.random.default_rng(0)
    >>> layer = Conv2D(3, 4, 3, stride=2, padding=1, rng=rng, dtype=np.float64)
    >>> errors = check_layer(layer, rng.standard_normal((2, 7, 5, 3)))
    >>> max(errors.values()) < 1e-7
    True
"""
import numpy as np


def rel_error(a, b):
    """Relative error ||a - b|| / (||a|| + ||b||), 0 when both are 0.

    Norm-based, so a single tiny entry (where elementwise ratios are noise) cannot dominate.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def numerical_gradient(f, x, h=1e-5, indices=None):
    """Central-difference gradient of the scalar function f() with respect to the array x.

    f takes no arguments and reads x, which is perturbed in place one entry at a time and
    restored afterwards.

    Inputs:
    - f: callable returning a float
    - x: float64 array that f depends on
    - h: step size
    - indices: optional iterable of multi-indices to check (default: every entry)

    Returns:
    - grad: array shaped like x (entries not in indices are left at 0)
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for i in (np.ndindex(x.shape) if indices is None else indices):
        old = x[i]
        x[i] = old + h
        f_plus = f()
        x[i] = old - h
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def check_layer(layer, x, training=True, rng=None, h=1e-5, forward=None):
    """Relative errors of a layer's dx and of each parameter gradient against numerical ones.

    Inputs:
    - layer: a layer in float64 (float32 rounding would swamp the differences)
    - x: float64 input
    - training: passed to forward
    - rng: numpy.random.Generator for the random upstream gradient dout
    - forward: optional callable x -> out replacing layer.forward(x, training); use it to make a
      random layer deterministic, e.g. by re-seeding its generator before each call

    Returns:
    - dict {"x": error, "W": error, ...}; every value should be < 1e-7
    """
    rng = np.random.default_rng(0) if rng is None else rng
    forward = forward or (lambda inp: layer.forward(inp, training))
    x = np.array(x, dtype=np.float64)
    dout = rng.standard_normal(forward(x).shape)   # this forward also fills the cache backward uses
    dx = layer.backward(dout)
    analytic = {"x": dx, **{k: g.copy() for k, g in layer.grads.items()}}

    def f():
        return float(np.sum(forward(x) * dout))

    errors = {"x": rel_error(dx, numerical_gradient(f, x, h))}
    for name, p in layer.params.items():
        errors[name] = rel_error(analytic[name], numerical_gradient(f, p, h))
    return errors
