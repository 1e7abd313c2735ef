"""The checks of the course's exercises: one function per exercise, given the student's module.

Each compares the student's results with numpy_cnn's plain references (numpy_cnn.reference,
numpy_cnn.losses, numpy_cnn.optim) on several cases (strides 1 and 2, padding 0 and 1, odd sizes,
several channels, overlapping pools, windows with ties), and checks every backward (dx and every
parameter gradient) against float64 central differences (numpy_cnn.gradcheck). The first
difference raises Wrong, whose message says what differs, by how much and on which case.
Inputs are float64 throughout, so that a right answer agrees to ~1e-15 with the references.
"""
import numpy as np

from numpy_cnn import reference
from numpy_cnn.gradcheck import numerical_gradient, rel_error
from numpy_cnn.losses import softmax_cross_entropy
from numpy_cnn.optim import Adam

SAME = 1e-9          # a right answer differs from the references by rounding only (~1e-16)
GRADIENT = 1e-7      # central differences in float64 agree with a right gradient far below this
SEED_PARAMETERS = 225_034          # the seed network without dropout (dropout has no parameters)
TRAIN_IMAGES, TEST_IMAGES, PASS_ACCURACY = 6000, 2000, 0.90


class Wrong(Exception):
    """The student's answer differs; the message says how."""


class Case:
    """The case being checked, named in every message (and in the line of a student's error)."""
    text = ""


def on(text):
    Case.text = text
    return text


def compare(name, got, expected, against):
    """Raise Wrong unless got is an array of expected's shape within SAME of it."""
    got_shape = np.shape(got) if isinstance(got, (np.ndarray, np.generic, float, int)) else None
    if got_shape is None:
        raise Wrong(f"{name} is {type(got).__name__}, expected an array of shape "
                    f"{expected.shape}, on {Case.text}")
    if got_shape != np.shape(expected):
        raise Wrong(f"{name} has shape {got_shape}, expected {np.shape(expected)}, on {Case.text}")
    error = rel_error(got, expected)
    if not error < SAME:                                          # NaN fails too
        raise Wrong(f"{name} differs from {against} by {error:.1e} (relative error), "
                    f"on {Case.text}")


def gradient(name, got, f, array):
    """Raise Wrong unless got is d f / d array, by central differences."""
    numerical = numerical_gradient(f, array)
    if np.shape(got) != numerical.shape:
        raise Wrong(f"{name} has shape {np.shape(got)}, expected {numerical.shape}, on {Case.text}")
    error = rel_error(got, numerical)
    if not error < GRADIENT:
        raise Wrong(f"{name} is not the gradient: relative error {error:.1e} against central "
                    f"differences, on {Case.text}")


def parts(result, names, function):
    """The tuple a function must return, e.g. (dx, dW, db); Wrong if it returned something else."""
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        raise Wrong(f"{function} returned {type(result).__name__}, expected a tuple "
                    f"({', '.join(names)}), on {Case.text}")
    return result


# --------------------------------------------------------------------- exercises 1 to 3

def check_relu(m, rng):
    for shape in [(4, 6), (2, 5, 3, 3)]:
        x = rng.standard_normal(shape)
        x.flat[::5] = 0.0                                    # forward: zeros stay zeros
        on(f"x {shape} with zeros")
        compare("out", m.relu_forward(x.copy()), np.maximum(x, 0), "max(x, 0)")
        x = rng.standard_normal(shape)
        x[np.abs(x) < 1e-3] = 0.5                            # backward: no kink within reach
        dout = rng.standard_normal(shape)
        on(f"x {shape}")
        dx = m.relu_backward(dout.copy(), x.copy())
        compare("dx", dx, dout * (x > 0), "dout * (x > 0)")
        gradient("dx", dx, lambda: float(np.sum(np.maximum(x, 0) * dout)), x)


def check_dense(m, rng):
    for n, d, h in [(4, 7, 3), (1, 5, 2), (3, 6, 6)]:
        x, W, b = rng.standard_normal((n, d)), rng.standard_normal((d, h)), rng.standard_normal(h)
        dout = rng.standard_normal((n, h))
        on(f"x ({n}, {d}), W ({d}, {h})")
        compare("out", m.dense_forward(x.copy(), W.copy(), b.copy()), x @ W + b, "x @ W + b")
        dx, dW, db = parts(m.dense_backward(dout.copy(), x.copy(), W.copy()), ("dx", "dW", "db"),
                           "dense_backward")

        def f():
            return float(np.sum((x @ W + b) * dout))
        gradient("dx", dx, f, x)
        gradient("dW", dW, f, W)
        gradient("db", db, f, b)


def check_softmax(m, rng):
    cases = [(5, 10, 1.0, 0.0, "logits (5, 10)"), (8, 3, 3.0, 0.0, "logits (8, 3)"),
             (4, 6, 1000.0, 500.0, "logits (4, 6) near 1000 (exp overflows unless shifted)")]
    for n, k, scale, shift, text in cases:
        logits = rng.standard_normal((n, k)) * scale + shift
        labels = rng.integers(0, k, n)
        on(text)
        loss, dlogits = parts(m.softmax_cross_entropy(logits.copy(), labels.copy()),
                              ("loss", "dlogits"), "softmax_cross_entropy")
        expected_loss, expected_d = softmax_cross_entropy(logits, labels)
        compare("the loss", np.float64(loss) if np.ndim(loss) == 0 else loss,
                np.float64(expected_loss), "numpy_cnn.losses.softmax_cross_entropy")
        compare("dlogits", dlogits, expected_d, "numpy_cnn.losses.softmax_cross_entropy")
        if scale < 100:
            gradient("dlogits", dlogits, lambda: softmax_cross_entropy(logits, labels)[0], logits)


# --------------------------------------------------------------------- exercises 4 to 7

# (x shape, kh, kw, filters, stride, pad)
CONV_CASES = [((2, 5, 7, 3), 3, 3, 4, 1, 0), ((2, 5, 7, 3), 3, 3, 4, 2, 1),
              ((1, 7, 6, 2), 2, 2, 3, 2, 0), ((2, 6, 5, 1), 3, 2, 2, 1, 1),
              ((1, 8, 9, 2), 3, 3, 2, 3, 1)]
# small ones for the central differences (each entry of x, W, b costs two forward passes)
CONV_GRADIENT_CASES = [((2, 5, 4, 2), 3, 3, 3, 1, 0), ((1, 5, 6, 2), 3, 2, 2, 2, 1)]


def conv_case(x_shape, kh, kw, f, stride, pad):
    return on(f"x {x_shape}, W ({kh}, {kw}, {x_shape[3]}, {f}), stride {stride}, pad {pad}")


def check_im2col(m, rng):
    for x_shape, kh, kw, f, stride, pad in CONV_CASES:
        x = rng.standard_normal(x_shape)
        on(f"x {x_shape}, kernel {kh}x{kw}, stride {stride}, pad {pad}")
        compare("cols", m.im2col(x.copy(), kh, kw, stride, pad),
                reference.im2col(x, kh, kw, stride, pad), "numpy_cnn.reference.im2col")


def check_col2im(m, rng):
    for x_shape, kh, kw, f, stride, pad in CONV_CASES:
        rows = len(reference.im2col(np.zeros(x_shape), kh, kw, stride, pad))
        cols = rng.standard_normal((rows, kh * kw * x_shape[3]))
        on(f"x {x_shape}, kernel {kh}x{kw}, stride {stride}, pad {pad}")
        dx = m.col2im(cols.copy(), x_shape, kh, kw, stride, pad)
        compare("dx", dx, reference.col2im(cols, x_shape, kh, kw, stride, pad),
                "numpy_cnn.reference.col2im")
        if x_shape[1] * x_shape[2] <= 42:            # col2im(cols) = d sum(im2col(x) * cols) / dx
            x = rng.standard_normal(x_shape)
            gradient("dx", dx, lambda: float(np.sum(reference.im2col(x, kh, kw, stride, pad)
                                                    * cols)), x)


def check_conv_forward(m, rng):
    for x_shape, kh, kw, f, stride, pad in CONV_CASES:
        x = rng.standard_normal(x_shape)
        W, b = rng.standard_normal((kh, kw, x_shape[3], f)), rng.standard_normal(f)
        conv_case(x_shape, kh, kw, f, stride, pad)
        compare("out", m.conv_forward(x.copy(), W.copy(), b.copy(), stride, pad),
                reference.conv_forward(x, W, b, stride, pad), "numpy_cnn.reference.conv_forward")


def check_conv_backward(m, rng):
    for gradient_check, cases in [(False, CONV_CASES), (True, CONV_GRADIENT_CASES)]:
        for x_shape, kh, kw, f, stride, pad in cases:
            x = rng.standard_normal(x_shape)
            W, b = rng.standard_normal((kh, kw, x_shape[3], f)), rng.standard_normal(f)
            dout = rng.standard_normal(reference.conv_forward(x, W, b, stride, pad).shape)
            conv_case(x_shape, kh, kw, f, stride, pad)
            got = parts(m.conv_backward(dout.copy(), x.copy(), W.copy(), stride, pad),
                        ("dx", "dW", "db"), "conv_backward")
            if not gradient_check:
                for name, g, expected in zip(("dx", "dW", "db"), got,
                                             reference.conv_backward(dout, x, W, stride, pad)):
                    compare(name, g, expected, "numpy_cnn.reference.conv_backward")
                continue

            def f_():
                return float(np.sum(reference.conv_forward(x, W, b, stride, pad) * dout))
            for name, g, array in zip(("dx", "dW", "db"), got, (x, W, b)):
                gradient(name, g, f_, array)


# --------------------------------------------------------------------- exercises 8 and 9

# (x shape, pool, stride, ties): ties draws the numbers from {0, 1, 2}, so most windows tie
POOL_CASES = [((2, 4, 4, 3), 2, None, False), ((1, 7, 5, 2), 2, None, False),
              ((2, 7, 7, 2), 3, 2, False), ((1, 6, 6, 1), 3, 3, False),
              ((2, 6, 6, 3), 2, None, True), ((1, 7, 7, 2), 3, 2, True)]


def pool_input(rng, shape, ties):
    """Numbers with ties, or distinct ones at least 0.1 apart (central differences never
    change a winner)."""
    if ties:
        return rng.integers(0, 3, shape).astype(np.float64)
    return rng.permutation(int(np.prod(shape))).reshape(shape) * 0.1


def pool_case(x_shape, pool, stride, ties):
    stride_text = f"stride {stride}" if stride else f"stride {pool} (the default)"
    return on(f"x {x_shape}, pool {pool}, {stride_text}" + (", windows with ties" if ties else ""))


def check_pool_forward(m, rng):
    for x_shape, pool, stride, ties in POOL_CASES:
        x = pool_input(rng, x_shape, ties)
        pool_case(x_shape, pool, stride, ties)
        compare("out", m.max_pool_forward(x.copy(), pool, stride),
                reference.max_pool_forward(x, pool, stride), "numpy_cnn.reference.max_pool_forward")


def check_pool_backward(m, rng):
    for x_shape, pool, stride, ties in POOL_CASES:
        x = pool_input(rng, x_shape, ties)
        dout = rng.standard_normal(reference.max_pool_forward(x, pool, stride).shape)
        pool_case(x_shape, pool, stride, ties)
        dx = m.max_pool_backward(dout.copy(), x.copy(), pool, stride)
        compare("dx", dx, reference.max_pool_backward(dout, x, pool, stride),
                "numpy_cnn.reference.max_pool_backward" + (" (the first winner of each tie takes "
                                                          "the whole gradient)" if ties else ""))
        if not ties:
            gradient("dx", dx, lambda: float(np.sum(reference.max_pool_forward(x, pool, stride)
                                                    * dout)), x)


# --------------------------------------------------------------------- exercise 10

def check_adam(m, rng):
    shapes = [(3, 4), (5,)]
    settings = {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-7}
    mine = [rng.standard_normal(s) for s in shapes]
    theirs = {str(i): p.copy() for i, p in enumerate(mine)}
    student, expected = m.Adam(mine, **settings), Adam(theirs, **settings)
    settings_text = ", ".join(f"{k} {v:g}" for k, v in settings.items())
    for step in range(1, 5):
        grads = [rng.standard_normal(s) * 10.0 ** (step - 2) for s in shapes]
        on(f"step {step} of Adam({settings_text}) on parameters of shapes {shapes[0]} and "
           f"{shapes[1]}")
        before = [p.copy() for p in mine]
        student.step([g.copy() for g in grads])
        expected.step({str(i): g for i, g in enumerate(grads)})
        for i, p in enumerate(mine):
            if np.array_equal(p, before[i]):
                raise Wrong(f"parameter {i} did not change: update it in place (p -= ...), "
                            f"on {Case.text}")
            # the steps, not the parameters: a step is ~lr, small beside the parameters
            compare(f"the step of parameter {i}", p - before[i], theirs[str(i)] - before[i],
                    "numpy_cnn.optim.Adam")


# --------------------------------------------------------------------- exercise 11

def check_train(m, rng, mnist):
    """Build the student's network, train it on TRAIN_IMAGES MNIST images with their own
    train_epoch and Adam, and require PASS_ACCURACY on TEST_IMAGES test images."""
    x_train, y_train, x_test, y_test = mnist
    on("build_network(rng)")
    network = m.build_network(np.random.default_rng(0))
    count = sum(int(np.size(p)) for p in m.parameters(network))
    if count != SEED_PARAMETERS:
        raise Wrong(f"the network has {count:,} parameters, the seed network {SEED_PARAMETERS:,} "
                    f"(Conv 32@3x3, MaxPool 2, Conv 64@3x3, MaxPool 2, Dense 128, Dense 10)")
    train = rng.choice(len(x_train), TRAIN_IMAGES, replace=False)
    test = rng.choice(len(x_test), TEST_IMAGES, replace=False)
    x, y = m.as_input(x_train[train]), y_train[train].astype(np.int64)
    on("forward(network, 2 images)")
    logits = m.forward(network, x[:2])
    if np.shape(logits) != (2, 10):
        raise Wrong(f"the network's logits of 2 images have shape {np.shape(logits)}, "
                    f"expected (2, 10)")
    on(f"train_epoch on {TRAIN_IMAGES:,} MNIST training images")
    m.train_epoch(network, m.Adam(m.parameters(network), lr=1e-3), x, y, rng)
    on(f"the accuracy on {TEST_IMAGES:,} MNIST test images")
    images = m.as_input(x_test[test])
    predicted = np.concatenate([np.argmax(m.forward(network, images[i:i + 500]), axis=1)
                                for i in range(0, TEST_IMAGES, 500)])
    accuracy = float(np.mean(predicted == y_test[test]))
    if not accuracy >= PASS_ACCURACY:
        raise Wrong(f"test accuracy {accuracy:.1%} on {TEST_IMAGES:,} MNIST test images after one "
                    f"epoch on {TRAIN_IMAGES:,} training images; a right network gets at least "
                    f"{PASS_ACCURACY:.0%}")


CHECKS = {"relu": check_relu, "dense": check_dense, "softmax": check_softmax,
          "im2col": check_im2col, "col2im": check_col2im, "conv_forward": check_conv_forward,
          "conv_backward": check_conv_backward, "pool_forward": check_pool_forward,
          "pool_backward": check_pool_backward, "adam": check_adam, "train": check_train}
