"""Optimizers: turn gradients into parameter updates.

Both take the model's parameter dict and, at each step, the matching gradient dict (same dotted
keys, e.g. "conv1.W"). They update the parameters in place and keep their own state per key.
"""
import numpy as np


class SGD:
    """Stochastic gradient descent with (heavy-ball) momentum.

    Notes:
        v <- momentum * v - lr * g
        p <- p + v
    """

    def __init__(self, params, lr=0.01, momentum=0.9):
        self.params, self.lr, self.momentum = params, lr, momentum
        self.velocity = {k: np.zeros_like(p) for k, p in params.items()}

    def step(self, grads):
        for k, p in self.params.items():
            v = self.velocity[k]
            v *= self.momentum
            v -= self.lr * grads[k]
            p += v

    def state_dict(self):
        return {f"velocity.{k}": v for k, v in self.velocity.items()}

    def load_state_dict(self, state):
        for k in self.velocity:
            self.velocity[k][...] = state[f"velocity.{k}"]


class Adam:
    """Adam (Kingma & Ba, 2015), with the defaults Keras uses.

    Notes, at step t = 1, 2, ... for each parameter p with gradient g:
        m <- b1 * m + (1 - b1) * g          running mean of the gradient
        v <- b2 * v + (1 - b2) * g**2       running mean of its square
        m_hat = m / (1 - b1**t)             bias correction: m and v start at 0, so early
        v_hat = v / (1 - b2**t)             averages are too small by exactly that factor
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)

    The step is about lr in size whatever the gradient's scale, which is why Adam needs
    little tuning.
    """

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
        self.params, self.lr, self.beta1, self.beta2, self.eps = params, lr, beta1, beta2, eps
        self.t = 0
        self.m = {k: np.zeros_like(p) for k, p in params.items()}
        self.v = {k: np.zeros_like(p) for k, p in params.items()}

    def step(self, grads):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        correct1, correct2 = 1.0 - b1 ** self.t, 1.0 - b2 ** self.t
        for k, p in self.params.items():
            g, m, v = grads[k], self.m[k], self.v[k]
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * np.square(g)
            denom = np.sqrt(v / correct2)                  # sqrt(v_hat), then + eps in place
            denom += self.eps
            p -= (self.lr / correct1) * m / denom          # lr * m_hat / (sqrt(v_hat) + eps)

    def state_dict(self):
        """Arrays that resume training exactly: the step count and both moments per parameter."""
        state = {"t": np.array(self.t)}
        state.update({f"m.{k}": m for k, m in self.m.items()})
        state.update({f"v.{k}": v for k, v in self.v.items()})
        return state

    def load_state_dict(self, state):
        self.t = int(state["t"])
        for k in self.m:
            self.m[k][...] = state[f"m.{k}"]
            self.v[k][...] = state[f"v.{k}"]
