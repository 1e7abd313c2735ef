"""Tests of benchmarks/handwriting.py: the report's figures, its cache, and the script itself.

The script is run once on --quick with the shipped weights (or $NUMPY_CNN_WEIGHTS), caching its
inputs in a temporary folder that the other tests then read. Whether the weights meet the targets
is what the script reports, not what these tests check.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import handwriting as bench
from benchmarks import handwriting_sets as hs
from benchmarks import photo_sets as ps
from numpy_cnn.paths import SHIPPED_WEIGHTS

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "benchmarks" / "handwriting.py"
WEIGHTS = Path(os.environ.get("NUMPY_CNN_WEIGHTS", SHIPPED_WEIGHTS))
HAVE_PENDIGITS = (hs.default_pendigits_dir() / "pendigits_dyn_train.csv").is_file()
HAVE_CHARS74K = (hs.default_chars74k_dir() / hs.CHARS74K_FILE).is_file()
HAVE_QUICKDRAW = (hs.default_quickdraw_dir() / hs.QUICKDRAW_FILE).is_file()
HAVE = {"pendigits": HAVE_PENDIGITS, "chars74k_digits": HAVE_CHARS74K,
        "chars74k_letters": HAVE_CHARS74K, "quickdraw": HAVE_QUICKDRAW}
PERCENT = r"\d{1,3}\.\d\d%"


class Uniform:
    """A stand-in for a model that is never sure: probability 1/10 for every digit."""

    def predict_proba(self, x):
        return np.full((len(x), 10), 0.1)


def run_script(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """(stdout, cache folder) of one run of the script on --quick, caching in a temp folder."""
    cache = tmp_path_factory.mktemp("handwriting-cache")
    result = run_script("--quick", "--weights", WEIGHTS, "--cache", cache)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout, cache


# ------------------------------------------------------------------ figures

def test_a_flagged_digit_counts_as_wrong_and_argmax_ignores_the_flag():
    labels = np.array([3, 3, 3, 5])
    predicted = np.array([3, 3, 8, 8])
    flagged = np.array([False, True, False, False])
    f = bench.figures(labels, predicted, flagged, np.array(["a", "a", "a", "b"]))
    assert f["n"] == 4 and f["accuracy"] == 0.25 and f["argmax"] == 0.5 and f["flagged"] == 0.25
    assert f["read_as"] == 8
    assert f["by_group"]["a"]["accuracy"] == pytest.approx(1 / 3)
    assert f["by_group"]["b"] == {"n": 1, "accuracy": 0.0, "argmax": 0.0, "flagged": 0.0,
                                  "blank": 0.0, "read_as": 8}


def test_a_blank_digit_is_turned_away_and_never_right():
    labels = np.array([3, 3, 3, 3])
    predicted = np.array([3, 3, 3, 5])          # what the network said of the blank's zeros
    blank = np.array([True, False, False, True])
    flagged = np.array([False, True, False, False])
    f = bench.figures(labels, predicted, flagged, blank=blank)
    assert f["blank"] == 0.5 and f["flagged"] == 0.75
    assert f["accuracy"] == 0.25 and f["argmax"] == 0.5 and f["read_as"] is None
    letters = bench.figures(np.full(2, hs.NOT_A_DIGIT), np.array([4, 4]),
                            np.array([False, False]), blank=np.array([True, False]))
    assert letters["flagged"] == 0.5 and letters["read_as"] == 4


def test_read_each_marks_pages_without_ink_as_blank():
    pages = ps.blank_pages(np.random.default_rng(0), per_kind=1).subset([0])   # clean paper
    x, blank = bench.read_each(pages)
    assert blank.tolist() == [True] and x.shape == (1, 28, 28) and not x.any()


def test_non_digits_have_no_accuracy_only_a_flagged_share():
    labels = np.full(4, hs.NOT_A_DIGIT)
    f = bench.figures(labels, np.array([0, 1, 1, 0]), np.array([True, False, False, False]))
    assert f["accuracy"] is None and f["argmax"] is None and f["flagged"] == 0.25
    assert f["read_as"] == 1                    # among the answers not flagged: 1, 1, 0


def test_evenly_spaced_subset():
    assert bench.evenly_spaced(5, 10).tolist() == [0, 1, 2, 3, 4]
    picked = bench.evenly_spaced(1000, 4)
    assert picked.tolist() == [0, 333, 666, 999]


# ------------------------------------------------------------------ the script

def test_quick_run_prints_every_set_and_every_target(quick_run):
    out, _ = quick_run
    assert out.startswith(f"Handwriting benchmark: {WEIGHTS}\nquick subset")
    for key in bench.SET_NAMES:
        name, size = re.escape(bench.SET_NAMES[key]), bench.QUICK_SIZES[key]
        cells = 4 if key not in bench.NON_DIGIT_SETS else 2
        row = re.search(rf"^{name} +{size:,}" + rf" +{PERCENT}" * cells, out, re.M)
        assert bool(row) == HAVE.get(key, True), key
    targets = out.split("targets (issue 22")[1].split("\n\n")[0].splitlines()[1:]
    assert len(targets) == len(bench.TARGETS)
    for line, (key, figure, op, target) in zip(targets, bench.TARGETS):
        assert line.split()[:len(bench.SET_NAMES[key].split()) + 2] == [
            *bench.SET_NAMES[key].split(), figure, op]
        assert f"{100 * target:.2f}%" in line
        assert re.search(r"(met|NOT met|not measured)$", line), line


def test_quick_run_gives_figures_per_style_and_per_kind(quick_run):
    out, _ = quick_run
    per_style = out.split("styles, per style")[1].split("\n\n")[0].splitlines()[1:]
    assert [line.split("  ")[0] for line in per_style] == sorted(hs.DIGIT_TEMPLATES)
    per_manner = out.split("styles, per manner")[1].split("\n\n")[0].splitlines()[1:]
    assert [line.split("  ")[0].strip() for line in per_manner] == list(hs.STYLE_MANNERS)
    per_kind = out.split("not digits, per kind")[1].split("\n\n")[0].splitlines()[1:]
    assert [line.split("  ")[0] for line in per_kind] == sorted(hs.NON_DIGIT_TEMPLATES)


def test_quick_run_gives_photos_per_kind_of_damage_and_blank_pages_per_light(quick_run):
    out, _ = quick_run
    rows = out.split("photos, per kind of damage")[1].split("\n\n")[0].splitlines()[1:]
    assert [line.split("  ")[0].strip() for line in rows] == list(ps.DAMAGES)
    sizes = [int(re.search(rf"  +([\d,]+) +{PERCENT}", row).group(1).replace(",", ""))
             for row in rows]
    assert sum(sizes) == bench.QUICK_SIZES["photos"]
    inks = out.split("photos, per ink")[1].split("\n\n")[0].splitlines()[1:]
    assert sorted(line.split()[0] for line in inks) == sorted(ps.INKS)
    rows = out.split("blank pages, per kind of light")[1].split("\n\n")[0].splitlines()[1:]
    assert [line.split("  ")[0].strip() for line in rows] == list(ps.BLANK_KINDS)
    clean = rows[0].split()
    assert clean[-2:] == ["100.00%", "100.00%"]      # clean paper: all blank, so all turned away


@pytest.mark.skipif(not HAVE_CHARS74K, reason=f"no Chars74K at {hs.default_chars74k_dir()}")
def test_quick_run_gives_chars74k_per_digit_and_per_letter_without_look_alikes(quick_run):
    out, _ = quick_run
    rows = out.split("Chars74K digits, per digit")[1].split("\n\n")[0].splitlines()[1:]
    assert [row.split()[0] for row in rows] == [str(d) for d in range(10)]
    rows = out.split("Chars74K letters, per letter")[1].split("\n\n")[0].splitlines()[1:]
    letters = [row.split()[0] for row in rows[:-1]]
    assert letters == sorted(letters) and len(letters) == 52 - len(hs.LOOK_ALIKES)
    assert not set(letters) & set(hs.LOOK_ALIKES)
    assert "\nleft out as digit look-alikes: O o D Q I l i j J T Z z S s b G Y B g q a P\n" in out


@pytest.mark.skipif(not HAVE_QUICKDRAW, reason=f"no Quick, Draw! at {hs.default_quickdraw_dir()}")
def test_quick_run_gives_quickdraw_per_kind(quick_run):
    out, _ = quick_run
    rows = out.split("Quick, Draw!, per kind")[1].split("\n\n")[0].splitlines()[1:]
    assert [row.split()[0] for row in rows] == ["apple", "bicycle", "cat", "diamond", "eye", "fish"]


@pytest.mark.skipif(not HAVE_PENDIGITS, reason=f"no pendigits at {hs.default_pendigits_dir()}")
def test_quick_run_gives_pendigits_per_digit(quick_run):
    out, _ = quick_run
    assert re.search(rf"^pendigits +{bench.QUICK_SIZES['pendigits']:,} +{PERCENT}", out, re.M)
    rows = out.split("pendigits, per digit")[1].split("\n\n")[0].splitlines()[1:]
    assert [row.split()[0] for row in rows] == [str(d) for d in range(10)]
    assert sum(int(row.split()[1].replace(",", "")) for row in rows) == \
        bench.QUICK_SIZES["pendigits"]


def test_missing_pendigits_are_reported_not_measured(quick_run, tmp_path):
    result = bench.measure(Uniform(), quick=True, pendigits_dir=tmp_path / "nowhere",
                           cache_dir=quick_run[1])
    assert "pendigits" not in result["sets"] and "nowhere" in result["missing"]["pendigits"]
    targets = [t for t in result["targets"] if t["set"] == "pendigits"]
    assert [t["figure"] for t in targets] == ["accuracy", "flagged"]
    assert all(t["value"] is None and t["met"] is None for t in targets)
    assert not result["all_met"]
    report = bench.format_report(result, "w.npz")
    assert "pendigits: not measured" in report and "not measured\n" in report


def test_missing_chars74k_and_quickdraw_are_reported_not_measured(quick_run, tmp_path):
    result = bench.measure(Uniform(), quick=True, cache_dir=quick_run[1],
                           chars74k_dir=tmp_path / "no74k", quickdraw_dir=tmp_path / "nodraw")
    for key in ("chars74k_digits", "chars74k_letters", "quickdraw"):
        assert key not in result["sets"]
        assert all(t["met"] is None for t in result["targets"] if t["set"] == key)
    assert "no74k" in result["missing"]["chars74k_letters"]
    report = bench.format_report(result, "w.npz")
    assert "Chars74K letters: not measured" in report and "(give --chars74k DIR)" in report
    assert "Quick, Draw!: not measured" in report and "(give --quickdraw DIR)" in report


def test_bad_weights_file_is_one_line_of_error(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not an npz")
    result = run_script("--weights", bad, "--quick")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("error:") and len(result.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ measure() and its cache

def test_measure_counts_flags_with_the_flag_it_is_given(quick_run):
    _, cache = quick_run
    unsure = bench.measure(Uniform(), quick=True, cache_dir=cache)
    assert unsure["sets"]["non_digits"]["flagged"] == 1.0
    assert unsure["sets"]["mnist"]["accuracy"] == 0.0 and unsure["sets"]["mnist"]["flagged"] == 1.0
    met = {(t["set"], t["figure"]): t["met"] for t in unsure["targets"]}
    assert met[("non_digits", "flagged")] and not met[("mnist", "flagged")]
    assert not met[("photos", "accuracy")] and not met[("styles", "worst")]
    assert unsure["sets"]["styles"]["worst"] == 0.0
    # MNIST's target is on the most likely digit, flags aside: a uniform answer reads every 0.
    zeros = unsure["sets"]["mnist"]["by_kind"]["0"]["n"] / unsure["sets"]["mnist"]["n"]
    assert unsure["sets"]["mnist"]["argmax"] == pytest.approx(zeros)
    assert f"| MNIST test {zeros:.2%} | MNIST test flagged 100.00% |" in bench.one_line(unsure)
    assert "styles worst 0.00% |" in bench.one_line(unsure)
    met_count = sum(bool(m) for m in met.values())
    assert bench.one_line(unsure).endswith(f"({met_count}/{len(bench.TARGETS)} targets met)")
    never = bench.measure(Uniform(), quick=True, cache_dir=cache,
                          flag=lambda p: np.zeros(len(p), bool))
    assert never["sets"]["non_digits"]["flagged"] == 0.0
    assert never["sets"]["mnist"]["argmax"] == never["sets"]["mnist"]["accuracy"]


def test_cached_inputs_are_the_rendered_ones(quick_run, monkeypatch):
    _, cache = quick_run
    files = sorted(p.name.split("-")[0] for p in cache.glob("*.npz"))
    assert files == sorted(k for k in bench.SET_NAMES
                           if k != "mnist" and HAVE.get(k, True))
    monkeypatch.setattr(bench, "_inputs_in_memory", {})
    from_cache = bench.inputs_for("styles", quick=True, cache_dir=cache)
    monkeypatch.setattr(bench, "_inputs_in_memory", {})
    fresh = bench.inputs_for("styles", quick=True)
    assert np.array_equal(from_cache.x, fresh.x) and from_cache.x.dtype == np.float32
    assert np.array_equal(from_cache.labels, fresh.labels)
    assert from_cache.kinds.tolist() == fresh.kinds.tolist()
    assert from_cache.manners.tolist() == fresh.manners.tolist()
    monkeypatch.setattr(bench, "_inputs_in_memory", {})
    blanks = bench.inputs_for("blank_pages", quick=True, cache_dir=cache)
    monkeypatch.setattr(bench, "_inputs_in_memory", {})
    assert np.array_equal(blanks.blank, bench.inputs_for("blank_pages", quick=True).blank)
    assert blanks.blank.dtype == bool and blanks.blank[blanks.kinds == "clean"].all()
    assert not blanks.x[blanks.blank].any()


def test_cache_name_changes_with_what_the_inputs_are_made_from():
    names = {bench.cache_key("styles", False, None), bench.cache_key("styles", True, None),
             bench.cache_key("non_digits", False, None)}
    assert len(names) == 3
    assert bench.cache_key("styles", False, None) == bench.cache_key("styles", False, None)


def test_sweep_shows_each_threshold_with_the_share_of_training_digits_flagged(quick_run):
    _, cache = quick_run
    lines = bench.sweep(Uniform(), quick=True, cache_dir=cache, thresholds=(0.05, 0.5))
    assert lines[0] == "threshold  MNIST train flagged  " + "  ".join(
        bench.target_name(key, figure) for key, figure, _, _ in bench.TARGETS)
    low, high = (line.split() for line in lines[1:])
    assert low[:2] == ["0.05", "0.00%"] and high[:2] == ["0.50", "100.00%"]
    assert high[-1] == "100.00%" and low[-1] == "0.00%"        # photos flagged, last column
