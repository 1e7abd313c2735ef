import numpy as np
import pytest

from numpy_cnn.optim import SGD, Adam


def test_adam_steps_on_a_quadratic_match_hand_computation():
    """f(p) = p**2, so g = 2p. lr 0.1, b1 0.9, b2 0.999, eps 1e-7, p0 = 1."""
    p = {"p": np.array([1.0])}
    opt = Adam(p, lr=0.1)
    # step 1: g = 2, m = 0.2, v = 0.004, m_hat = 0.2 / 0.1 = 2, v_hat = 0.004 / 0.001 = 4
    #         p = 1 - 0.1 * 2 / (2 + 1e-7)
    opt.step({"p": 2 * p["p"]})
    p1 = 1 - 0.1 * 2 / (2 + 1e-7)
    assert p["p"][0] == pytest.approx(p1, abs=1e-12)
    # step 2: g = 2 p1, m = 0.9 * 0.2 + 0.1 g, v = 0.999 * 0.004 + 0.001 g**2,
    #         m_hat = m / (1 - 0.9**2), v_hat = v / (1 - 0.999**2)
    opt.step({"p": 2 * p["p"]})
    g = 2 * p1
    m, v = 0.9 * 0.2 + 0.1 * g, 0.999 * 0.004 + 0.001 * g * g
    p2 = p1 - 0.1 * (m / 0.19) / (np.sqrt(v / 0.001999) + 1e-7)
    assert p["p"][0] == pytest.approx(p2, abs=1e-12)
    assert p2 == pytest.approx(0.80041224, abs=1e-8)
    assert opt.t == 2


def test_adam_minimises_a_quadratic_bowl():
    target = np.array([3.0, -2.0, 0.5], np.float32)
    p = {"w": np.zeros(3, np.float32)}
    opt = Adam(p, lr=0.05)
    for _ in range(500):
        opt.step({"w": 2 * (p["w"] - target)})
    np.testing.assert_allclose(p["w"], target, atol=1e-2)
    assert p["w"].dtype == np.float32


def test_adam_state_round_trip_continues_identically(rng):
    a = {"w": rng.standard_normal(4)}
    b = {"w": a["w"].copy()}
    opt_a = Adam(a)
    for _ in range(3):
        opt_a.step({"w": np.sin(a["w"])})
    b["w"][:] = a["w"]
    opt_b = Adam(b)
    opt_b.load_state_dict(opt_a.state_dict())
    for _ in range(3):
        opt_a.step({"w": np.sin(a["w"])})
        opt_b.step({"w": np.sin(b["w"])})
    np.testing.assert_array_equal(a["w"], b["w"])


def test_sgd_momentum_by_hand():
    p = {"w": np.array([1.0])}
    opt = SGD(p, lr=0.1, momentum=0.9)
    opt.step({"w": np.array([1.0])})   # v = -0.1, w = 0.9
    opt.step({"w": np.array([1.0])})   # v = 0.9 * -0.1 - 0.1 = -0.19, w = 0.71
    assert p["w"][0] == pytest.approx(0.71)
