"""Tests of benchmarks/train_speed.py's --profile: its table names every part of a training step
and the parts add up. (How fast anything runs is what the benchmark measures, never a test.)"""
import numpy as np

from benchmarks import train_speed as bench
from numpy_cnn import build_reference_model


def test_the_cpu_model_is_named():
    name = bench.cpu_model()
    assert isinstance(name, str) and name.strip()


def test_the_profile_has_a_row_for_every_part_of_a_step_and_they_add_up():
    rng = np.random.default_rng(0)
    x = rng.random((6, 28, 28, 1), dtype=np.float32)
    y = rng.integers(10, size=6)
    rows = bench.profile(x, y, batch=6, workers=2, repeats=2)
    names = [part for part, _ in rows]
    layers = [layer.name for layer in build_reference_model().layers]
    assert names == ([f"{name} forward" for name in layers] + ["loss"]
                     + [f"{name} backward" for name in reversed(layers)]
                     + ["Adam", "DataParallel overhead"])
    assert all(seconds >= 0 for part, seconds in rows[:-1])   # the overhead is a difference

    table = bench.profile_table(rows, batch=6, workers=2).splitlines()
    assert "batch 6 on 2 processes" in table[0] and "(3 images)" in table[0]
    body = table[2:-1]
    assert [line[:22].strip() for line in body] == names
    step_ms, step_percent = map(float, table[-1].split()[-2:])
    assert step_percent == 100.0
    assert np.isclose(sum(float(line.split()[-2]) for line in body), step_ms, atol=0.01 * len(body))
    assert np.isclose(sum(float(line.split()[-1]) for line in body), 100.0, atol=0.1 * len(body))


def test_profile_runs_from_the_command_line(capsys, monkeypatch):
    rng = np.random.default_rng(1)
    images = rng.integers(256, size=(8, 28, 28), dtype=np.uint8)
    monkeypatch.setattr(bench, "load_mnist", lambda: (images, np.arange(8) % 10, None, None))
    bench.main(["--profile", "--quick", "--batch-sizes", "4"])
    out = capsys.readouterr().out
    assert out.startswith(f"machine: {bench.cpu_model()}, ")
    assert "conv2 backward" in out and "DataParallel overhead" in out


def test_epoch_flops_of_the_whole_image_and_of_the_corner_training_computes():
    """Multiply-adds x 2: forward and dW of conv1 (no dx), forward, dW and dx of conv2 and the
    dense layers; on 28 x 28 images, and on the 26 x 26 corner DataParallel trains on."""
    model = build_reference_model()
    dense = 3 * 2 * (1600 * 128 + 128 * 10)
    def by_hand(conv1_side, conv2_side):
        return 60_000 * (2 * 2 * conv1_side ** 2 * 32 * 9 + 3 * 2 * conv2_side ** 2 * 64 * 288 + dense)
    assert bench.epoch_flops(model) == by_hand(26, 11)
    assert bench.epoch_flops(model, shape=(*model.pixels_read(), 1)) == by_hand(24, 10)
