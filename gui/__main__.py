"""`python -m gui` from a checkout of the repository: the drawing app, numpy_cnn.gui.

The app lives inside the numpy_cnn package (so an installed copy has it, without a generic
top-level package named "gui"); this folder only keeps the short command working in the repo.
"""
import sys

from numpy_cnn.gui.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
