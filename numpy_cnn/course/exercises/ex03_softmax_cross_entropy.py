"""Exercise 3: softmax with the cross-entropy loss, and its gradient.

The last layer gives K scores (logits) per example. Softmax turns a row z into probabilities,

    p_k = exp(z_k) / sum_j exp(z_j) = exp(z_k - m) / sum_j exp(z_j - m)     for any m,

and taking m = max_j z_j keeps every exponent <= 0, so exp never overflows (try logits of 1000).
The loss is the mean over the batch of -log p[n, y_n], the log-probability of the right class.
With t the one-hot row of the label, its gradient is

    d loss / d z[n, k] = (p[n, k] - t[n, k]) / N

The 1/N comes from the mean, and is applied here, once.

Inputs:  logits (N, K) floats; labels (N,) integers in [0, K)
Returns: loss, a float (the mean); dlogits (N, K) = (p - t) / N

Hint: log p = (z - m) - log(sum_j exp(z_j - m)) is safer than log(p) when p rounds to 0.
Pick each row's right class with logp[np.arange(N), labels].
Check: numpy-cnn course check . softmax
"""
import numpy as np


def softmax_cross_entropy(logits, labels):
    """(mean cross-entropy of softmax(logits) against labels, its gradient d loss / d logits)."""
    # BEGIN SOLUTION softmax_cross_entropy
    n = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(n), labels].mean()
    dlogits = np.exp(logp)                                   # p
    dlogits[np.arange(n), labels] -= 1.0                     # p - t
    return float(loss), dlogits / n
    # END SOLUTION
