"""benchmarks/notdigit_scores.py: the four scores and the AUROC, against plain computations."""
import numpy as np

from benchmarks import notdigit_scores as ns


def test_scores_match_their_definitions_even_for_huge_logits():
    z = np.array([[1.0, 2.0, 3.0, 0, 0, 0, 0, 0, 0, 0], [1000.0, 999.0] + [0.0] * 8])
    s = ns.scores(z)
    p0 = np.exp(z[0]) / np.exp(z[0]).sum()
    assert np.isclose(s["top probability"][0], p0.max())
    assert np.isclose(s["top two"][0], np.sort(p0)[-2:].sum())
    assert np.isclose(s["energy"][0], np.log(np.exp(z[0]).sum()))
    assert np.isclose(s["energy"][1], 1000 + np.log(1 + np.exp(-1.0)))     # no overflow
    assert s["top logit"].tolist() == [3.0, 1000.0]


def test_auroc_is_the_share_of_pairs_a_digit_wins():
    rng = np.random.default_rng(0)
    digits, others = rng.integers(0, 6, 40).astype(float), rng.integers(0, 4, 30).astype(float)
    pairs = [(d > o) + 0.5 * (d == o) for d in digits for o in others]      # ties count half
    assert np.isclose(ns.auroc(digits, others), np.mean(pairs))
    assert ns.auroc(np.array([2.0, 3.0]), np.array([0.0, 1.0])) == 1.0
    assert ns.auroc(np.array([0.0]), np.array([1.0])) == 0.0


def test_each_threshold_flags_the_share_asked_of_the_digits():
    class Fixed:                        # a "network" whose logits are the images' first pixels
        def as_input(self, images):
            return images

        def forward(self, x, training=False):
            return x[:, :10]

    rng = np.random.default_rng(1)
    digits = np.zeros((1000, 10))
    digits[np.arange(1000), rng.integers(0, 10, 1000)] = rng.uniform(2, 8, 1000)
    others = rng.normal(0, 0.3, (500, 10))
    table = ns.compare(Fixed(), 0.01, digits, others)
    for row in table.values():
        assert abs(row["digits flagged"] - 0.01) <= 0.002
        assert row["non-digits flagged"] > 0.9 and row["auroc"] > 0.95


def test_the_rule_is_rounded_down_to_a_multiple_of_a_twentieth():
    assert [round(ns.rounded_down(t), 2) for t in (0.541, 0.5, 0.3999, 0.05)] == [0.5, 0.5, 0.35, 0.05]
