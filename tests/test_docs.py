"""What README.md and the training command's --help say about the shipped weights agrees with
the report saved beside them (numpy_cnn/weights/mnist_cnn.json). The Python examples of README.md
and docs/*.md are run by pytest itself, as doctests (see pyproject.toml)."""
import json
import shlex
from pathlib import Path

import pytest

from numpy_cnn import train
from numpy_cnn.paths import SHIPPED_WEIGHTS

REPO = Path(__file__).resolve().parent.parent
# Options that do not change the weights a run makes (workers only splits each batch; name,
# replace_shipped and progress_every say where the run goes and how it reports).
NOT_RECIPE = {"out", "data_dir", "workers", "resume", "name", "replace_shipped", "progress_every"}


@pytest.fixture(scope="module")
def report():
    return json.loads(SHIPPED_WEIGHTS.with_suffix(".json").read_text())


@pytest.fixture(scope="module")
def shipped_row():
    """README's table row of the shipped weights: (command, accuracy, time)."""
    rows = [line for line in (REPO / "README.md").read_text().splitlines()
            if line.startswith("| **shipped weights** |")]
    assert len(rows) == 1, "README.md should have one table row for the shipped weights"
    return [cell.strip() for cell in rows[0].strip("|").split("|")][1:]


def recipe(options):
    """The settings that define the weights, for the training command given these options."""
    args = vars(train.build_parser().parse_args(options))
    return {k: v for k, v in args.items() if k not in NOT_RECIPE}


def recorded_recipe(report):
    """The settings the report says made the shipped weights; an option added to the training
    command after that run is at its default (the run could not have used anything else)."""
    recorded = {k: v for k, v in report["arguments"].items() if k not in NOT_RECIPE}
    return {**recipe([]), **recorded}


def test_help_epilog_gives_the_command_of_the_shipped_weights(report):
    epilog = train.build_parser().epilog
    options = shlex.split(epilog.split(":", 1)[1])
    assert recipe(options) == recorded_recipe(report)


def test_readme_gives_the_command_accuracy_and_time_of_the_shipped_weights(report, shipped_row):
    command, accuracy, time = shipped_row
    options = shlex.split(command.strip("`"))[3:]               # after python -m numpy_cnn.train
    assert recipe(options) == recipe(shlex.split(train.build_parser().epilog.split(":", 1)[1]))
    assert accuracy == f"**{report['final']['test_accuracy']:.2%}**"
    minutes, seconds = divmod(round(report["total_seconds"]), 60)
    assert time == f"{minutes} min {seconds} s"
