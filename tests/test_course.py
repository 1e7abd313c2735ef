"""numpy-cnn course: the copies start writes, and the checks catching what they must."""
import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from numpy_cnn.course import BY_NAME, EXERCISES
from numpy_cnn.course.__main__ import main
from numpy_cnn.course.copies import BEGIN, END, SOURCE, blank_solutions

REPO = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    """(exit code, stdout lines, stderr lines) of numpy-cnn course ARGV, in this process (each
    exercise is graded in a subprocess)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


@pytest.fixture(scope="module")
def solutions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course") / "solutions"
    assert main(["start", str(folder), "--solutions"]) == 0
    return folder


@pytest.fixture
def answered(solutions, tmp_path):
    """A copy of the solutions to plant a bug in."""
    return Path(shutil.copytree(solutions, tmp_path / "answered"))


def plant(folder, exercise, old, new):
    path = folder / BY_NAME[exercise].file
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is no longer in {path.name}: update the planted bug"
    path.write_text(text.replace(old, new))


def line_of(lines, exercise):
    [line] = [l for l in lines if l.startswith(exercise + ":")]
    return line


def test_a_fresh_copy_is_not_started(capsys, tmp_path):
    code, out, err = run(capsys, "start", tmp_path / "mine")
    assert code == 0 and "wrote 12 files" in out[0]
    code, out, err = run(capsys, "check", tmp_path / "mine")
    assert code == 1
    for exercise in EXERCISES:
        assert line_of(out, exercise.name).split()[1:3] == ["not", "started"]
        assert f"({exercise.file}:" in line_of(out, exercise.name)
    assert out[-1] == f"0 of {len(EXERCISES)} done"


def test_the_solutions_pass(capsys, solutions):
    code, out, err = run(capsys, "check", solutions)
    assert code == 0, out
    assert [l.split() for l in out[:-1]] == [[e.name + ":", "done"] for e in EXERCISES]


# (exercise, text in the solution, the bug planted instead, text the line must hold)
BUGS = [
    ("softmax", "return float(loss), dlogits / n", "return float(loss), dlogits",
     "dlogits differs from numpy_cnn.losses.softmax_cross_entropy"),
    ("conv_forward", "W.reshape(kh * kw * c, f) + b", "W.transpose(1, 0, 2, 3).reshape(kh * kw * c, f) + b",
     "out differs from numpy_cnn.reference.conv_forward"),
    ("pool_backward", "winner = windows.argmax(axis=1)",
     "winner = pool * pool - 1 - windows[:, ::-1].argmax(axis=1)", "windows with ties"),
    ("pool_backward", "dwindows = is_winner * dout.reshape(-1, 1, c)",
     "is_winner = windows == windows.max(axis=1, keepdims=True)\n"
     "    dwindows = is_winner * dout.reshape(-1, 1, c) / is_winner.sum(axis=1, keepdims=True)",
     "windows with ties"),
    ("im2col", "a:a + stride * ho:stride,", "a:a + stride * ho:stride + 1,", "ex04_im2col.py:"),
    ("adam", "m_hat = m / (1 - b1 ** self.t)", "m_hat = m", "step 1 of Adam"),
    ("dense", "    dW = x.T @ dout\n", "    dW = dout.T @ x\n", "dW has shape (3, 7), expected (7, 3)"),
    ("conv_backward", "db = d.sum(axis=0)", "db = d.mean(axis=0)", "db differs"),
    ("col2im", "+= cols[:, :, :, a, b, :]", "= cols[:, :, :, a, b, :]",
     "dx differs from numpy_cnn.reference.col2im"),
    ("relu", "return dout * (x > 0)", "return x > 0", "dx differs"),
    ("pool_forward", "return windows.max(axis=3)", "return windows.max(axis=3) + 0 * windows[:, :, :, 0]",
     "done"),    # a harmless change stays done: the check is not a text comparison
]


@pytest.mark.parametrize("exercise, old, new, expected", BUGS)
def test_a_planted_bug_is_caught_and_named(capsys, answered, exercise, old, new, expected):
    plant(answered, exercise, old, new)
    code, out, err = run(capsys, "check", answered, exercise)
    assert out[0].startswith(f"{exercise}: ")
    assert expected in out[0]
    if expected == "done":
        assert code == 0
    else:
        assert code == 1 and out[0].startswith(f"{exercise}: wrong: ")


def test_relu_at_zero_is_a_convention(capsys, answered):
    """Any value in [0, 1] is a subgradient of ReLU at 0: x >= 0 is not called wrong."""
    plant(answered, "relu", "dout * (x > 0)", "dout * (x >= 0)")
    assert run(capsys, "check", answered, "relu")[:2] == (0, ["relu: done"])


def test_the_network_is_checked_by_training_it(capsys, answered):
    plant(answered, "train", "        optimizer.step(gradients(network))\n", "")
    code, out, err = run(capsys, "check", answered, "train")
    assert code == 1 and out[0].startswith("train: wrong: test accuracy ")
    plant(answered, "train", "Conv(32, 64, rng), ReLU(), MaxPool(),", "")
    code, out, err = run(capsys, "check", answered, "train")
    assert out[0].startswith("train: wrong: the network has ")


def test_numpy_cnn_is_closed_to_the_students_files(capsys, answered):
    plant(answered, "im2col", "    n, h, w, c = x.shape\n",
          "    from numpy_cnn.reference import im2col as theirs\n"
          "    return theirs(x, kh, kw, stride, pad)\n")
    code, out, err = run(capsys, "check", answered, "im2col")
    assert code == 1
    assert out[0].startswith("im2col: wrong: ImportError: numpy_cnn.reference is closed")
    assert "(ex04_im2col.py:" in out[0]


def test_an_exception_in_the_students_code_is_one_line(capsys, answered):
    plant(answered, "dense", "return x @ W + b", "return x @ W.T + b")
    code, out, err = run(capsys, "check", answered, "dense")
    assert code == 1 and len(out) == 1 and err == []
    assert out[0].startswith("dense: wrong: ValueError: matmul: ")
    assert "(ex02_dense.py:" in out[0] and out[0].endswith("on x (4, 7), W (7, 3)")


def test_a_syntax_error_is_one_line_too(capsys, answered):
    (answered / "ex01_relu.py").write_text("import numpy as np\n\ndef relu_forward(x:\n")
    code, out, err = run(capsys, "check", answered, "relu")
    assert code == 1 and len(out) == 1
    assert out[0].startswith("relu: wrong: SyntaxError: ") and out[0].endswith(" (ex01_relu.py:3)")
    assert out[0].count("ex01_relu.py") == 1


def test_an_endless_loop_is_stopped(capsys, answered):
    plant(answered, "relu", "return np.maximum(x, 0)", "while True:\n        pass")
    code, out, err = run(capsys, "check", answered, "relu", "dense", "--timeout", "3")
    assert code == 1
    assert out[0] == "relu:  wrong: still running after 3 s, so it was stopped (an endless loop, " \
                     "or a loop over every pixel?)"
    assert out[1] == "dense: done"


def test_a_later_exercise_waits_for_an_earlier_one(capsys, tmp_path):
    mine = tmp_path / "mine"
    run(capsys, "start", mine)
    shutil.copy(SOURCE / "ex06_conv_forward.py", mine)          # solved, but im2col is blank
    code, out, err = run(capsys, "check", mine, "conv_forward")
    assert code == 1
    assert out[0].startswith("conv_forward: not started: needs im2col first (ex04_im2col.py:")


def test_start_never_overwrites(capsys, tmp_path):
    mine = tmp_path / "mine"
    run(capsys, "start", mine)
    (mine / "ex01_relu.py").write_text("my work\n")
    (mine / "ex02_dense.py").unlink()
    code, out, err = run(capsys, "start", mine)
    assert code == 0 and "wrote 1 files" in out[0] and "kept 12 files" in out[0]
    assert (mine / "ex01_relu.py").read_text() == "my work\n"
    assert (mine / "ex02_dense.py").read_text() == blank_solutions(
        (SOURCE / "ex02_dense.py").read_text())
    code, out, err = run(capsys, "start", mine, "--solutions")
    assert code == 1 and out == [] and err == [
        f"error: {mine} is a student copy of the course: put the solutions copy in a folder of "
        f"its own"]
    assert (mine / "ex01_relu.py").read_text() == "my work\n"


def test_start_refuses_a_folder_that_is_not_a_copy(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n")
    code, out, err = run(capsys, "start", tmp_path)
    assert code == 1 and err == [f"error: {tmp_path} is not empty and is not a course copy: "
                                 f"choose a new or empty folder"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_unknown_exercises_and_folders(capsys, tmp_path, solutions):
    code, out, err = run(capsys, "check", solutions, "relu", "convolution")
    assert code == 2 and out == [] and len(err) == 1
    assert err[0].startswith("error: no exercise named convolution; the exercises are relu, ")
    code, out, err = run(capsys, "check", tmp_path)
    assert code == 2 and err == [f"error: {tmp_path} is not a course copy; make one with: "
                                 f"numpy-cnn course start {tmp_path}"]


def test_the_students_copy_is_the_solutions_blanked():
    for exercise in EXERCISES:
        answered = (SOURCE / exercise.file).read_text()
        blank = blank_solutions(answered)
        assert BEGIN not in blank and END not in blank
        assert blank.count("raise NotImplementedError(") == answered.count(BEGIN) >= 1
        ast.parse(blank)                    # still Python, indentation kept


def test_each_exercise_imports_only_numpy_and_earlier_exercises():
    order = [e.file[:-3] for e in EXERCISES]
    for position, exercise in enumerate(EXERCISES):
        tree = ast.parse((SOURCE / exercise.file).read_text())
        statement = tree.body[0]
        assert isinstance(statement, ast.Expr) and "Inputs:" in statement.value.value
        assert "Returns:" in statement.value.value and "Hint:" in statement.value.value
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module]
            else:
                continue
            for name in names:
                assert (name in ("numpy", "sys", "time", "numpy_cnn.data")
                        or name in order[:position]), f"{exercise.file} imports {name}"


def test_the_training_file_runs_and_so_does_python_m(solutions):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "ex11_train.py", "300"], cwd=solutions, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("one epoch on 300 images in ")
    assert "test accuracy " in done.stdout and "on 10000 images" in done.stdout
    done = subprocess.run([sys.executable, "-m", "numpy_cnn", "course", "check", str(solutions),
                           "relu"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout) == (0, "relu: done\n")
