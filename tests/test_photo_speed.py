"""Tests of benchmarks/photo_speed.py: it photographs 400x400 pages of every kind of damage and
prints a row of times for each. (How fast to_mnist runs is what the benchmark measures, never a
test.)"""
from benchmarks import photo_sets
from benchmarks import photo_speed as bench


def test_pages_are_400_px_photos_of_every_damage():
    made = bench.pages(2)
    assert list(made) == list(photo_sets.DAMAGES)
    for photos in made.values():
        assert len(photos) == 2
        assert all(p.shape == (bench.SIDE, bench.SIDE) and p.dtype.name == "uint8" for p in photos)


def test_it_prints_a_row_per_damage_and_one_for_all(capsys):
    assert bench.main(["--pages", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line[:20].strip() for line in lines[1:]] == list(photo_sets.DAMAGES) + ["all"]
    assert all(float(t) >= 0 for line in lines[1:] for t in line.split()[-2:])


def test_no_pages_is_one_clear_line(capsys):
    assert bench.main(["--pages", "0"]) == 2
    assert capsys.readouterr().err.strip() == "error: --pages must be at least 1"
