"""Shared fixtures: a fixed-seed generator, an assertion for gradient checks, and a private
per-user folder ($NUMPY_CNN_HOME) so that no test reads or writes the real one."""
import numpy as np
import pytest

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
