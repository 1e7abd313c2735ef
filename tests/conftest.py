"""Shared fixtures: a fixed-seed generator, and an assertion for gradient checks."""
import numpy as np
import pytest

GRAD_TOL = 1e-7  # float64 central differences agree with a correct backward far below this


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def assert_grads_match(errors, tol=GRAD_TOL):
    """errors: {name: relative error} from numpy_cnn.gradcheck.check_layer."""
    bad = {k: e for k, e in errors.items() if not e < tol}
    assert not bad, f"gradients off (relative error >= {tol}): {bad}; all: {errors}"
