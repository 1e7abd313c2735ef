"""Tests of benchmarks/teach.py: who "the user" is, how their digits are written, and how the
report judges the figures. (The fine-tunings themselves are what the script measures.)"""
import subprocess
import sys
from pathlib import Path

import numpy as np

from benchmarks import teach as bench
from benchmarks.handwriting_sets import StrokeSet
from numpy_cnn.digit_folder import count_digits, read_digit_folder

REPO = Path(__file__).resolve().parent.parent


def test_the_user_gets_so_many_of_each_digit_and_the_others_the_rest():
    labels = np.repeat(np.arange(10), 30)[np.random.default_rng(0).permutation(300)]
    user, others = bench.split_user_and_others(labels, 4, np.random.default_rng(1))
    assert np.bincount(labels[user], minlength=10).tolist() == [4] * 10
    assert len(np.intersect1d(user, others)) == 0 and len(user) + len(others) == 300
    again, _ = bench.split_user_and_others(labels, 4, np.random.default_rng(1))
    assert np.array_equal(user, again)


def test_the_users_digits_are_saved_as_the_app_saves_them(tmp_path):
    strokes = [[(20, np.array([[140, 40], [140, 240]]))], [(20, np.array([[60, 60], [220, 60],
                                                                           [120, 240]]))]]
    drawings = StrokeSet("two", strokes, np.array([1, 7]), np.array(["1", "7"]),
                         np.array(["plain", "plain"]))
    folder = bench.write_user_digits(drawings, [0, 1], tmp_path / "mine")
    assert count_digits(folder).tolist() == [0, 1, 0, 0, 0, 0, 0, 1, 0, 0]
    images, labels = read_digit_folder(folder, note=print)
    assert labels.tolist() == [1, 7] and images.shape == (2, 28, 28)


def test_the_report_judges_each_target():
    before = {"others": 0.80, "user": 0.70, "mnist": 0.995}
    results = {"command": {"others": 0.84, "user": 0.9, "mnist": 0.9945, "seconds": 40.0},
               "Teach": {"others": 0.82, "user": 0.8, "mnist": 0.9935, "seconds": 31.0}}
    text = bench.report(before, results, 100, 7394)
    assert "command: other digits +4.00 points (target >= +3): met; MNIST test -0.05" in text
    assert "Teach: other digits +2.00 points (target >= +3): NOT met; MNIST test -0.15 " \
           "points (target >= -0.1): NOT met" in text
    assert "Teach took 31.0 s (target < 30 s): NOT met" in text


def test_without_pendigits_the_script_says_so_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, "benchmarks/teach.py", "--pendigits",
                           str(tmp_path / "nowhere")], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "nowhere" in done.stderr and "--pendigits" in done.stderr
