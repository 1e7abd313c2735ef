"""Exercise 10: one step of the Adam optimizer.

Adam keeps, for every parameter array p, a running mean m of its gradient g and a running mean v of
g squared. At step t = 1, 2, 3, ... (count the steps yourself: self.t):

    m <- beta1 * m + (1 - beta1) * g
    v <- beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)        bias correction: m and v start at 0, so their early averages
    v_hat = v / (1 - beta2**t)        are too small by exactly these factors
    p <- p - lr * m_hat / (sqrt(v_hat) + eps)

Update p, m and v IN PLACE (p -= ..., m[...] = ...): the network holds the same arrays, and a new
array bound to a local name changes nothing there.

Inputs:  params, a list of float arrays; step(grads): grads, a list of arrays, shaped like params
Returns: step returns nothing; it changes the arrays of params

Hint: a for loop over zip(self.params, grads, self.m, self.v); self.t += 1 once per step.
Check: numpy-cnn course check . adam
"""
import numpy as np


class Adam:
    """Adam over a list of parameter arrays, with Keras's defaults."""

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
        self.params, self.lr, self.beta1, self.beta2, self.eps = params, lr, beta1, beta2, eps
        self.t = 0                                        # steps taken
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, grads):
        """One update of every parameter from its gradient."""
        # BEGIN SOLUTION Adam.step
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m[...] = b1 * m + (1 - b1) * g
            v[...] = b2 * v + (1 - b2) * g ** 2
            m_hat = m / (1 - b1 ** self.t)
            v_hat = v / (1 - b2 ** self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        # END SOLUTION
