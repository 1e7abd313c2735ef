"""Exercise 11: build the network from your own layers and train it on MNIST for one epoch.

The layers below wrap your functions of exercises 1 to 9 (each keeps its input for backward and
its gradients in .grads, in the order of .params). Put them together into the network numpy-cnn
was seeded from, 225,034 parameters:

    (N, 28, 28, 1) -> Conv 32@3x3 -> ReLU -> MaxPool 2 -> (N, 13, 13, 32)
                   -> Conv 64@3x3 -> ReLU -> MaxPool 2 -> (N, 5, 5, 64)
                   -> Flatten -> (N, 1600) -> Dense 128 -> ReLU -> Dense 10 -> logits (N, 10)

The seed network has Dropout 0.5 after Dense 128; this course leaves it out (one epoch is too
short to overfit, and it keeps the files short). Then train: shuffle the images with rng, and for
each batch of 64: forward through every layer, softmax_cross_entropy (exercise 3), backward
through the layers in reverse, one Adam step (exercise 10).

Inputs:  build_network(rng): rng, a numpy.random.Generator for the initial weights;
         train_epoch(network, optimizer, x, y, rng): x (N, 28, 28, 1) float32 in [0, 1], y (N,)
Returns: build_network: a list of layers; train_epoch: the mean of the batches' losses

Hint: network = [Conv(1, 32, rng), ReLU(), MaxPool(), ...]; in train_epoch,
order = rng.permutation(len(x)), then x[order[i:i + batch_size]] for i in range(0, N, batch_size);
after backward, optimizer.step(gradients(network)).
Check: numpy-cnn course check . train  (trains on 6,000 images). The whole epoch, 60,000 images:
python ex11_train.py   (or python ex11_train.py 6000 for a quick try)
"""
import sys
import time

import numpy as np

from ex01_relu import relu_backward, relu_forward
from ex02_dense import dense_backward, dense_forward
from ex03_softmax_cross_entropy import softmax_cross_entropy
from ex06_conv_forward import conv_forward
from ex07_conv_backward import conv_backward
from ex08_pool_forward import max_pool_forward
from ex09_pool_backward import max_pool_backward
from ex10_adam import Adam


class Conv:
    """3x3 filters, stride 1, no padding: (N, H, W, C) -> (N, H-2, W-2, F). He initialisation:
    normal weights of standard deviation sqrt(2 / fan_in), which suits a ReLU after the layer."""

    def __init__(self, channels, filters, rng):
        self.params = [(rng.standard_normal((3, 3, channels, filters))
                        * np.sqrt(2 / (9 * channels))).astype(np.float32),
                       np.zeros(filters, np.float32)]

    def forward(self, x):
        self.x = x
        return conv_forward(x, *self.params)

    def backward(self, dout):
        dx, dW, db = conv_backward(dout, self.x, self.params[0])
        self.grads = [dW, db]
        return dx


class Dense:
    """(N, D) -> (N, H), He initialisation."""

    def __init__(self, inputs, outputs, rng):
        self.params = [(rng.standard_normal((inputs, outputs)) * np.sqrt(2 / inputs))
                       .astype(np.float32), np.zeros(outputs, np.float32)]

    def forward(self, x):
        self.x = x
        return dense_forward(x, *self.params)

    def backward(self, dout):
        dx, dW, db = dense_backward(dout, self.x, self.params[0])
        self.grads = [dW, db]
        return dx


class ReLU:
    params = grads = []

    def forward(self, x):
        self.x = x
        return relu_forward(x)

    def backward(self, dout):
        return relu_backward(dout, self.x)


class MaxPool:
    """pool 2, stride 2."""
    params = grads = []

    def forward(self, x):
        self.x = x
        return max_pool_forward(x, 2)

    def backward(self, dout):
        return max_pool_backward(dout, self.x, 2)


class Flatten:
    """(N, H, W, C) -> (N, H*W*C)."""
    params = grads = []

    def forward(self, x):
        self.shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, dout):
        return dout.reshape(self.shape)


def parameters(network):
    """Every parameter array of the network, layer by layer: the list Adam updates."""
    return [p for layer in network for p in layer.params]


def gradients(network):
    """The gradients of parameters(network), in the same order (after a backward)."""
    return [g for layer in network for g in layer.grads]


def forward(network, x):
    """Logits (N, 10) of images x (N, 28, 28, 1)."""
    for layer in network:
        x = layer.forward(x)
    return x


def build_network(rng):
    """The seed network (without dropout) as a list of layers."""
    # BEGIN SOLUTION build_network
    return [Conv(1, 32, rng), ReLU(), MaxPool(),
            Conv(32, 64, rng), ReLU(), MaxPool(),
            Flatten(), Dense(5 * 5 * 64, 128, rng), ReLU(), Dense(128, 10, rng)]
    # END SOLUTION


def train_epoch(network, optimizer, x, y, rng, batch_size=64):
    """One pass over (x, y) in a random order, one Adam step per batch. Returns the mean loss."""
    # BEGIN SOLUTION train_epoch
    order = rng.permutation(len(x))
    losses = []
    for start in range(0, len(x), batch_size):
        batch = order[start:start + batch_size]
        loss, dout = softmax_cross_entropy(forward(network, x[batch]), y[batch])
        for layer in reversed(network):
            dout = layer.backward(dout)
        optimizer.step(gradients(network))
        losses.append(loss)
    return float(np.mean(losses))
    # END SOLUTION


def accuracy(network, x, y, batch_size=500):
    """The fraction of images x whose largest logit is their label y."""
    hits = sum(int(np.sum(forward(network, x[i:i + batch_size]).argmax(axis=1) == y[i:i + batch_size]))
               for i in range(0, len(x), batch_size))
    return hits / len(x)


def as_input(images):
    """uint8 images (N, 28, 28) -> float32 (N, 28, 28, 1) in [0, 1]."""
    return (images / np.float32(255)).astype(np.float32)[..., None]


def main(limit=None):
    """Train one epoch on MNIST's training images (the first `limit` of them if given) and print
    the accuracy on its 10,000 test images."""
    try:
        from numpy_cnn.data import load_mnist      # reads (or downloads once) the MNIST files
    except ImportError:
        sys.exit("error: numpy_cnn is not installed here: pip install numpy-cnn's folder, or run "
                 "with PYTHONPATH set to it")
    x_train, y_train, x_test, y_test = load_mnist()
    x_train, y_train = as_input(x_train[:limit]), y_train[:limit].astype(np.int64)
    rng = np.random.default_rng(0)
    network = build_network(rng)
    optimizer = Adam(parameters(network), lr=1e-3)
    start = time.perf_counter()
    loss = train_epoch(network, optimizer, x_train, y_train, rng)
    seconds = time.perf_counter() - start
    test = accuracy(network, as_input(x_test), y_test.astype(np.int64))
    print(f"one epoch on {len(x_train)} images in {seconds:.0f} s: mean loss {loss:.3f}, "
          f"test accuracy {test:.2%} on {len(x_test)} images")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
