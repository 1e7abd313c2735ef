"""Where numpy-cnn's files live, for a checkout of the repository and for an installed copy alike.

- SHIPPED_WEIGHTS: the trained network that ships with numpy-cnn. In a checkout it is in the
  repository's top-level weights/ folder; an installed copy carries the same files inside the
  package, in numpy_cnn/weights/ (pyproject.toml maps the package numpy_cnn.weights onto
  weights/ when a wheel is built). Nothing run by default writes there; replacing it is an
  explicit act (see README).
- user_dir(): the user's own files: training runs, downloaded MNIST, the user's digits. It is
  $NUMPY_CNN_HOME if set, else the platform's usual place for an application's data:
      Linux and other Unixes  $XDG_DATA_HOME/numpy-cnn, or ~/.local/share/numpy-cnn
      macOS                   ~/Library/Application Support/numpy-cnn
      Windows                 %LOCALAPPDATA%\\numpy-cnn
- mnist_dir(): the repository's data/ when run from a checkout (the files ship there), else
  user_dir()/mnist, where they are downloaded once and checked against their SHA-256. An
  installed copy (site-packages) never writes next to its own code.
- my_digits_dir(): user_dir()/my_digits, digits the user drew and labelled.
- taught_weights(): user_dir()/my_weights/mnist_cnn.npz, the network the app's Teach fine-tuned
  on those digits; the app loads it, when it exists, instead of the shipped weights.

Nothing here creates a folder: whoever writes a file makes its folder then.
"""
import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent                   # a checkout, or site-packages when installed
WEIGHTS_FILE = "mnist_cnn.npz"


def shipped_weights_dir():
    """The folder of the shipped weights: the checkout's weights/ beside pyproject.toml, else
    (an installed wheel) the package's own weights/ folder."""
    if (REPO_DIR / "pyproject.toml").is_file() and (REPO_DIR / "weights" / WEIGHTS_FILE).is_file():
        return REPO_DIR / "weights"
    return PACKAGE_DIR / "weights"


SHIPPED_WEIGHTS = shipped_weights_dir() / WEIGHTS_FILE
REPO_DATA_DIR = REPO_DIR / "data"
HOME_VARIABLE = "NUMPY_CNN_HOME"


def user_dir():
    """The folder of the user's own numpy-cnn files (see the module docstring)."""
    if os.environ.get(HOME_VARIABLE):
        return Path(os.environ[HOME_VARIABLE]).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "numpy-cnn"


def runs_dir():
    """Where training runs go by default: one subfolder per run."""
    return user_dir() / "runs"


def is_checkout():
    """True when numpy_cnn runs from a checkout of the repository (its pyproject.toml and data/
    folder beside the package), False for an installed copy."""
    return (REPO_DIR / "pyproject.toml").is_file() and (REPO_DATA_DIR / "README.md").is_file()


def mnist_dir():
    """The MNIST folder used when none is given (see the module docstring)."""
    return REPO_DATA_DIR if is_checkout() else user_dir() / "mnist"


def my_digits_dir():
    """Where the user's own labelled digits are kept."""
    return user_dir() / "my_digits"


def taught_weights():
    """The weights the app's Teach writes (see numpy_cnn.app.teacher), and then loads."""
    return user_dir() / "my_weights" / "mnist_cnn.npz"
