import numpy as np
import pytest

from numpy_cnn.gradcheck import numerical_gradient, rel_error
from numpy_cnn.losses import NOT_A_DIGIT, softmax, softmax_cross_entropy


def test_softmax_rows_are_probabilities_and_shift_invariant(rng):
    z = rng.standard_normal((4, 10))
    p = softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(softmax(z + 1000.0), p)   # the max shift keeps exp from overflowing


def test_loss_value_by_hand():
    logits = np.array([[0.0, 0.0], [np.log(3.0), 0.0]])    # p = [1/2, 1/2] and [3/4, 1/4]
    loss, d = softmax_cross_entropy(logits, np.array([0, 1]))
    assert loss == pytest.approx((np.log(2) + np.log(4)) / 2)
    np.testing.assert_allclose(d, [[-0.25, 0.25], [0.375, -0.375]])  # (p - onehot) / N


def test_huge_logits_stay_finite():
    loss, d = softmax_cross_entropy(np.array([[1e4, -1e4, 0.0]], np.float32), np.array([1]))
    assert np.isfinite(loss) and loss == pytest.approx(2e4)
    assert np.all(np.isfinite(d))


def test_gradient_matches_numerical(rng):
    logits = rng.standard_normal((5, 7))
    labels = rng.integers(0, 7, size=5)
    _, d = softmax_cross_entropy(logits, labels)
    numeric = numerical_gradient(lambda: softmax_cross_entropy(logits, labels)[0], logits)
    assert rel_error(d, numeric) < 1e-7


def test_float32_in_float32_out(rng):
    _, d = softmax_cross_entropy(rng.standard_normal((3, 4)).astype(np.float32), np.array([0, 1, 2]))
    assert d.dtype == np.float32


def test_label_shape_is_checked():
    with pytest.raises(ValueError, match="labels must have shape"):
        softmax_cross_entropy(np.zeros((3, 4)), np.zeros((3, 4), int))


def test_not_a_digit_rows_aim_at_the_uniform_distribution():
    # A row already uniform is exactly on target: loss log K, no gradient.
    loss, d = softmax_cross_entropy(np.zeros((1, 4)), np.array([NOT_A_DIGIT]))
    assert loss == pytest.approx(np.log(4))
    np.testing.assert_allclose(d, 0.0, atol=1e-15)
    # p = [3/4, 1/4]: loss -(log 3/4 + log 1/4) / 2, gradient (p - 1/2) / N.
    loss, d = softmax_cross_entropy(np.array([[np.log(3.0), 0.0], [0.0, 0.0]]),
                                    np.array([NOT_A_DIGIT, 0]))
    assert loss == pytest.approx((-(np.log(0.75) + np.log(0.25)) / 2 + np.log(2)) / 2)
    np.testing.assert_allclose(d, [[0.125, -0.125], [-0.25, 0.25]])


def test_gradient_with_not_a_digit_rows_matches_numerical(rng):
    logits = rng.standard_normal((6, 5))
    labels = np.array([0, NOT_A_DIGIT, 4, NOT_A_DIGIT, 2, 1])
    _, d = softmax_cross_entropy(logits, labels)
    numeric = numerical_gradient(lambda: softmax_cross_entropy(logits, labels)[0], logits)
    assert rel_error(d, numeric) < 1e-7


@pytest.mark.parametrize("bad", [-2, 4])
def test_labels_out_of_range_are_refused(bad):
    with pytest.raises(ValueError, match="labels must be in"):
        softmax_cross_entropy(np.zeros((2, 4)), np.array([0, bad]))
