"""Softmax and the cross-entropy loss that trains the network."""
import numpy as np


def softmax(logits):
    """Turn scores into probabilities along the last axis.

    Inputs:  logits: (N, K)
    Returns: p: (N, K), each row non-negative and summing to 1

    Notes:
        p_k = exp(z_k) / sum_j exp(z_j) = exp(z_k - m) / sum_j exp(z_j - m)  for any m.
        Taking m = max_j z_j makes every exponent <= 0, so exp never overflows.
    """
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient.

    Inputs:
    - logits: (N, K) raw scores from the last layer
    - labels: (N,) integers in [0, K)

    Returns:
    - loss: float, mean over the batch of -log p[n, labels[n]]
    - dlogits: (N, K), d loss / d logits = (p - onehot(labels)) / N

    Notes:
        log p_k = (z_k - m) - log sum_j exp(z_j - m) is computed directly (log-sum-exp), never
        as log(p), so a probability that rounds to 0 gives a large finite loss, not inf.
        The 1/N of the mean is applied here, once; layers then sum over the batch.
    """
    labels = np.asarray(labels)
    n = logits.shape[0]
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), got {labels.shape}")
    z = logits - logits.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(z).sum(axis=1, keepdims=True))
    log_p = z - log_sum                                   # (N, K)
    rows = np.arange(n)
    loss = -log_p[rows, labels].mean()
    dlogits = np.exp(log_p)                               # p
    dlogits[rows, labels] -= 1.0                          # p - onehot
    dlogits /= n
    return float(loss), dlogits
