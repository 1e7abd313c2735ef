"""Softmax and the cross-entropy loss that trains the network."""
import numpy as np

NOT_A_DIGIT = -1   # the label of a training image that is no class at all (outlier exposure)


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
    - labels: (N,) integers in [0, K), or NOT_A_DIGIT (-1) for an image of no class

    Returns:
    - loss: float, mean over the batch of -sum_k t[n, k] log p[n, k]
    - dlogits: (N, K), d loss / d logits = (p - t) / N

    The target t of a row is onehot(label); for NOT_A_DIGIT it is uniform, 1/K for every class
    (outlier exposure: the network learns to be unsure of what is no digit). The gradient of
    -sum_k t_k log p_k with respect to z is p - t for any target t that sums to 1.

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
    if np.any((labels < NOT_A_DIGIT) | (labels >= logits.shape[1])):
        raise ValueError(f"labels must be in [0, {logits.shape[1]}) or {NOT_A_DIGIT}")
    digits = np.flatnonzero(labels != NOT_A_DIGIT)
    others = np.flatnonzero(labels == NOT_A_DIGIT)
    losses = np.empty(n, log_p.dtype)
    losses[digits] = -log_p[digits, labels[digits]]
    losses[others] = -log_p[others].mean(axis=1)
    loss = losses.mean()
    dlogits = np.exp(log_p)                               # p
    dlogits[digits, labels[digits]] -= 1.0                # p - onehot
    dlogits[others] -= 1.0 / logits.shape[1]              # p - uniform
    dlogits /= n
    return float(loss), dlogits
