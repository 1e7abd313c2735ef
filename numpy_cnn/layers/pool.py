"""MaxPool2D: keep the largest value of each window."""
import numpy as np

from ..im2col import output_size
from .base import Layer


class MaxPool2D(Layer):
    """Max pooling over pool x pool windows with a given stride (default: the pool size), NHWC.

    Shapes:
    - x: (N, H, W, C)  ->  out: (N, Ho, Wo, C), Ho = (H - pool) // stride + 1 (leftover rows dropped)

    Notes:
        out[n, i, j, c] = max_{a, b < pool} x[n, i*s + a, j*s + b, c]
        The gradient flows only to the winner of each window: dx = dout there, 0 elsewhere.
        On ties exactly one element wins (the first in row-major order), so a window never passes
        on more gradient than it received. Ties are common even though the network pools before
        its ReLU: where a conv's window lies on the flat black background, every output in it is
        the bias b[f], so whole pooling windows hold four equal numbers (on the tour's digit,
        most of pool1's windows: docs/tour.md prints the share).

    The speed tricks, each timed in docs/fast.md against the plain way (reference.max_pool_*):
    - loop over the pool*pool offsets (a, b) inside the window, not over output pixels: for a
      fixed offset, x[:, a::s, b::s] holds that element of every window at once, so each step is
      one vectorised operation over the whole batch (_offset_views);
    - keep only each window's winner, one byte per window, not x (max_and_winner).
    """

    def __init__(self, pool_size=2, stride=None, name="pool"):
        super().__init__(name)
        self.pool_size = pool_size
        self.stride = pool_size if stride is None else stride

    def _offset_views(self, x, ho, wo):
        """Yield, for each offset (a, b) in the window in row-major order, the (N, Ho, Wo, C)
        strided view of x holding element (a, b) of every window."""
        p, s = self.pool_size, self.stride
        for a in range(p):
            for b in range(p):
                yield x[:, a:a + s * (ho - 1) + 1:s, b:b + s * (wo - 1) + 1:s, :]

    def forward(self, x, training=False):
        """x (N, H, W, C) -> out (N, Ho, Wo, C). Plain version: reference.max_pool_forward."""
        n, h, w, c = x.shape
        ho = output_size(h, self.pool_size, self.stride)
        wo = output_size(w, self.pool_size, self.stride)
        out, winner = max_and_winner(self._offset_views(x, ho, wo), self.pool_size ** 2)
        self.cache = (x.shape, winner)             # backward needs only the winners, never x
        return out

    def backward(self, dout):
        """dout (N, Ho, Wo, C) -> dx (N, H, W, C). Plain version: reference.max_pool_backward."""
        x_shape, winner = self.cache
        _, ho, wo, _ = winner.shape
        dx = np.zeros(x_shape, dtype=dout.dtype)
        for k, dx_view in enumerate(self._offset_views(dx, ho, wo)):
            wins = winner == k                      # the windows whose winner is offset k
            if self.stride >= self.pool_size:       # windows don't overlap: write straight into dx
                np.multiply(dout, wins, out=dx_view)
            else:                                   # they overlap: a pixel sums its windows' shares
                dx_view += dout * wins
        return dx

    def output_shape(self, input_shape):
        """(H, W, C) -> (Ho, Wo, C); ValueError if the window does not fit."""
        if len(input_shape) != 3:
            raise ValueError(f"{self.name}: expected (H, W, C) images, got {tuple(input_shape)}")
        h, w, c = input_shape
        return (output_size(h, self.pool_size, self.stride),
                output_size(w, self.pool_size, self.stride), c)

    def config(self):
        return {"name": self.name, "pool_size": self.pool_size, "stride": self.stride}


def max_and_winner(views, count):
    """The maximum of each window and the offset that holds it.

    Inputs:  views, an iterator over the window's `count` offsets in row-major order, each an
             (N, Ho, Wo, C) array holding that element of every window
    Returns: out (N, Ho, Wo, C), the elementwise maximum of the views; winner (N, Ho, Wo, C) of
             the smallest unsigned type that holds count - 1 (uint8), the number k of the first
             view that holds the maximum: on a tie the earliest offset wins

    Why: backward then reads one byte per window instead of x (16x fewer bytes than float32 x,
    and no comparison to redo): forward and backward together 2x faster.
    """
    out = next(views).copy()
    winner = np.zeros(out.shape, dtype=np.min_scalar_type(count - 1))
    for k, view in enumerate(views, start=1):
        better = view > out                        # strictly: on a tie, an earlier offset won
        # winner = k where better; k beats every earlier offset, so a maximum does it without
        # branching on each element (np.copyto(winner, k, where=better): 10x slower)
        np.maximum(winner, better * winner.dtype.type(k), out=winner)
        np.maximum(out, view, out=out)
    return out, winner
