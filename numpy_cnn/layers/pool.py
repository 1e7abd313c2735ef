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
        on more gradient than it received.

    Rather than loop over output pixels, loop over the pool*pool offsets (a, b) inside the window:
    for a fixed offset, x[:, a::s, b::s] is the candidate from every window at once.
    """

    def __init__(self, pool_size=2, stride=None, name="pool"):
        super().__init__(name)
        self.pool_size = pool_size
        self.stride = pool_size if stride is None else stride

    def _offset_views(self, x, ho, wo):
        """Yield, for each offset (a, b) in the window, the (N, Ho, Wo, C) strided view of x."""
        p, s = self.pool_size, self.stride
        for a in range(p):
            for b in range(p):
                yield x[:, a:a + s * (ho - 1) + 1:s, b:b + s * (wo - 1) + 1:s, :]

    def forward(self, x, training=False):
        n, h, w, c = x.shape
        ho = output_size(h, self.pool_size, self.stride)
        wo = output_size(w, self.pool_size, self.stride)
        views = self._offset_views(x, ho, wo)
        out = next(views).copy()
        winner = np.zeros(out.shape, dtype=np.uint8)  # which offset won each window
        for k, view in enumerate(views, start=1):
            better = view > out                        # strict: on a tie the earlier offset stays
            np.copyto(out, view, where=better)
            np.copyto(winner, k, where=better)
        self.cache = (winner, x.shape)
        return out

    def backward(self, dout):
        winner, x_shape = self.cache
        dx = np.zeros(x_shape, dtype=dout.dtype)
        _, ho, wo, _ = dout.shape
        for k, dx_view in enumerate(self._offset_views(dx, ho, wo)):
            dx_view += np.where(winner == k, dout, 0)  # += so overlapping windows (stride < pool) add
        return dx

    def config(self):
        return {"name": self.name, "pool_size": self.pool_size, "stride": self.stride}
