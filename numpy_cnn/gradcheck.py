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
    """Relative error of two whole arrays, ||a - b|| / (||a|| + ||b||): one number, in [0, 1],
    0 when both are 0. ||.|| is the Euclidean norm of all the entries.

    Why one number per array, and not the largest entry's own relative error (|a_i - b_i| /
    (|a_i| + |b_i|), or CS231n's |a_i - b_i| / max(|a_i|, |b_i|)): a central difference has a
    rounding error of about eps * |f| / h whatever the size of the derivative, so where an entry's
    derivative is nearly 0 (a weight fed by an input that is nearly always 0), that error is most
    of it, and the entry's own ratio is large although the gradient is right. In the norms each
    entry counts by its size. A gradient off by a factor c everywhere still scores
    |1 - c| / (1 + c), whatever the numbers. docs/tour.md, chapter 9, shows both on one layer.

    Arrays of different shapes are refused: broadcasting would compare a (1, H) gradient with an
    (H,) one and call them equal.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of shapes {a.shape} and {b.shape}")
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
    - layer: a layer in float64 (float32 rounding would swamp the differences: it is refused)
    - x: input, converted to float64
    - training: passed to forward
    - rng: numpy.random.Generator for the random upstream gradient dout
    - forward: optional callable x -> out replacing layer.forward(x, training); use it to make a
      random layer deterministic, e.g. by re-seeding its generator before each call

    Returns:
    - dict {"x": error, "W": error, ...}; every value should be < 1e-7. "x" is left out when
      backward returns None (a Conv2D built with input_grad=False computes no input gradient).

    Raises ValueError, naming the array, if a parameter is not float64 or a gradient does not
    have the shape of what it is the gradient of.
    """
    for name, p in layer.params.items():
        if p.dtype != np.float64:
            raise ValueError(
                f"{layer.name}.{name} is {p.dtype}: check gradients in float64 (build the layer "
                f"with dtype=np.float64); in {p.dtype}, rounding alone makes a correct gradient "
                f"look wrong")
    rng = np.random.default_rng(0) if rng is None else rng
    forward = forward or (lambda inp: layer.forward(inp, training))
    x = np.array(x, dtype=np.float64)
    dout = rng.standard_normal(forward(x).shape)   # this forward also fills the cache backward uses
    dx = layer.backward(dout)
    analytic = {k: g.copy() for k, g in layer.grads.items()}

    def f():
        return float(np.sum(forward(x) * dout))

    def error(name, gradient, array):
        if gradient is None:
            raise ValueError(f"{layer.name}: backward left no gradient for {name}")
        if gradient.shape != array.shape:
            raise ValueError(f"{layer.name}: the gradient of {name} has shape {gradient.shape}, "
                             f"but {name} has shape {array.shape}")
        return rel_error(gradient, numerical_gradient(f, array, h))

    errors = {}
    if dx is not None:              # Conv2D(input_grad=False) returns None: no dx to check
        errors["x"] = error("x", dx, x)
    for name, p in layer.params.items():
        errors[name] = error(name, analytic.get(name), p)
    return errors
