"""Shared fixtures: a fixed-seed generator, an assertion for gradient checks, a private
per-user folder ($NUMPY_CNN_HOME) so that no test reads or writes the real one, and the virtual
screen of the GUI tests."""
import os
import shutil

import numpy as np
import pytest

from numpy_cnn.gui.xvfb import XvfbError, virtual_display
from numpy_cnn.paths import HOME_VARIABLE

GRAD_TOL = 1e-7  # float64 central differences agree with a correct backward far below this


@pytest.fixture(autouse=True, scope="session")
def private_user_dir(tmp_path_factory):
    """$NUMPY_CNN_HOME -> a temporary folder for the whole session (subprocesses inherit it):
    training runs, downloaded MNIST and the user's digits land there, never in the real home."""
    home = tmp_path_factory.mktemp("numpy-cnn-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(HOME_VARIABLE, str(home))
        yield home


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def assert_grads_match(errors, tol=GRAD_TOL):
    """errors: {name: relative error} from numpy_cnn.gradcheck.check_layer."""
    bad = {k: e for k, e in errors.items() if not e < tol}
    assert not bad, f"gradients off (relative error >= {tol}): {bad}; all: {errors}"


def require(program, package):
    """Skip the test if `program` is not installed; fail instead when $CI is set."""
    if shutil.which(program) is None:
        reason = f"{program} is not installed (Debian/Ubuntu: sudo apt-get install {package})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI is set, so the GUI tests must run")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def display():
    """A virtual screen for the whole session (wide enough for the app's other windows to open
    beside it, as on a desktop); DISPLAY points to it. One for all the GUI tests: Tk never
    closes its connection to a display, and one that went away would end the next Tk."""
    require("Xvfb", "xvfb")
    require("xdotool", "xdotool")
    try:
        with virtual_display(1920, 1080) as name, pytest.MonkeyPatch.context() as patch:
            patch.setenv("DISPLAY", name)
            yield name
    except XvfbError as error:
        pytest.fail(str(error))
