"""How long does to_mnist take on a photo of paper?

    python benchmarks/photo_speed.py [--pages N]

Photographs N digits (default 20) on 400x400 pages under each kind of damage of
benchmarks/photo_sets.py (the largest pages the photo benchmark makes) and prints, per kind and
over all, the median time of numpy_cnn.preprocess.to_mnist on one page: in CPU time of this
process (which other programs on the machine do not stretch) and in wall time.
"""
import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from numpy_cnn.preprocess import EmptyImageError, to_mnist  # noqa: E402

from benchmarks import photo_sets  # noqa: E402
from benchmarks.handwriting import mnist_test  # noqa: E402

SIDE = 400                      # px: the photo benchmark's pages are 200 to 400 a side


def pages(n):
    """{damage: [n (SIDE, SIDE) uint8 photos]}, of the first n MNIST test digits."""
    digits = mnist_test()[0][:n]
    out = {}
    for k, damage in enumerate(photo_sets.DAMAGES):
        out[damage] = []
        for i, digit in enumerate(digits):
            page = dataclasses.replace(photo_sets.draw_page(np.random.default_rng([k, i])),
                                       shape=(SIDE, SIDE))
            out[damage].append(photo_sets.photograph(digit, damage, page,
                                                     np.random.default_rng([k, i, 1])))
    return out


def timed(pixels):
    """(CPU seconds, wall seconds) of one to_mnist."""
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        to_mnist(pixels)
    except EmptyImageError:
        pass
    return time.process_time() - cpu, time.perf_counter() - wall


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20, metavar="N",
                        help="digits photographed per kind of damage (default 20)")
    args = parser.parse_args(argv)
    if args.pages < 1:
        print("error: --pages must be at least 1", file=sys.stderr)
        return 2
    every = []
    print(f"to_mnist on a {SIDE}x{SIDE} photo, median of {args.pages} pages: CPU ms, wall ms")
    for damage, photos in pages(args.pages).items():
        times = np.array([timed(p) for p in photos]) * 1000
        every.append(times)
        print(f"  {damage:<18}{np.median(times[:, 0]):7.1f}{np.median(times[:, 1]):9.1f}")
    every = np.concatenate(every)
    print(f"  {'all':<18}{np.median(every[:, 0]):7.1f}{np.median(every[:, 1]):9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
