"""The numpy-cnn command (numpy_cnn/__main__.py): one command, a subcommand per task. predict
itself is tested in test_evaluate.py, beside evaluate; the installed command in test_install.py."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from numpy_cnn import __main__ as cli

REPO = Path(__file__).resolve().parent.parent


def run(*args):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "numpy_cnn", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def test_help_lists_every_command():
    done = run("--help")
    assert done.returncode == 0
    for name in ("train", "evaluate", "predict", "draw", "data"):
        assert f"    {name} " in done.stdout


@pytest.mark.parametrize("args", [[], ["bogus"]], ids=["nothing", "unknown"])
def test_a_missing_or_unknown_command_is_a_usage_error(args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(args)
    assert exit_info.value.code == 2 and "COMMAND" in capsys.readouterr().err


@pytest.mark.parametrize("command, usage", [("train", "--epochs N"), ("evaluate", "--limit N"),
                                            ("predict", "IMAGE"), ("draw", "--weights"),
                                            ("data", "{verify,download}")])
def test_each_command_reaches_its_own_options(command, usage):
    done = run(command, "--help")
    assert done.returncode == 0 and usage in done.stdout, done.stderr


def test_commands_get_the_rest_of_the_line(monkeypatch):
    seen = []
    monkeypatch.setitem(cli.COMMANDS, "echo", (f"{__name__}:remember", "test"))
    monkeypatch.setattr(sys.modules[__name__], "remember", lambda argv: seen.append(argv) or 7,
                        raising=False)
    assert cli.main(["echo", "--a", "b"]) == 7 and seen == [["--a", "b"]]


def test_every_command_names_itself_as_the_user_types_it():
    for command in ("train", "evaluate", "predict", "explain", "draw", "data"):
        done = run(command, "--help")
        assert done.stdout.startswith(f"usage: numpy-cnn {command} "), done.stdout[:80]


@pytest.fixture(scope="module")
def seven_png(tmp_path_factory):
    from numpy_cnn.data import load_mnist
    from PIL import Image
    path = tmp_path_factory.mktemp("digits") / "seven.png"
    Image.fromarray(255 - load_mnist()[2][0]).resize((140, 140)).save(path)
    return path


def test_predict_dash_reads_standard_input(seven_png):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "numpy_cnn", "predict", "-"], env=env,
                          input=seven_png.read_bytes(), capture_output=True, timeout=60)
    assert done.returncode == 0 and done.stdout.decode().startswith("-: 7 ("), done.stderr


def test_predict_a_pipe_nobody_writes_to_is_one_line_at_once(tmp_path, capsys):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    assert cli.main(["predict", str(fifo)]) == 1             # before: waited for ever
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {fifo}: ")
