"""What README.md and the training command's --help say about the shipped weights agrees with
the report saved beside them (weights/mnist_cnn.json). The Python examples of README.md
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


@pytest.fixture(scope="module", params=["README.md", "docs/training.md"])
def shipped_row(request):
    """The table row of the shipped weights in README.md and in docs/training.md:
    (command, accuracy, time)."""
    rows = [line for line in (REPO / request.param).read_text().splitlines()
            if line.startswith("| **shipped weights** |")]
    assert len(rows) == 1, f"{request.param} should have one table row for the shipped weights"
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
    words = shlex.split(command.strip("`"))
    assert words[:2] == ["numpy-cnn", "train"], command
    options = words[2:]
    assert recipe(options) == recipe(shlex.split(train.build_parser().epilog.split(":", 1)[1]))
    assert accuracy == f"**{report['final']['test_accuracy']:.2%}**"
    minutes, seconds = divmod(round(report["total_seconds"]), 60)
    assert time == f"{minutes} min {seconds} s"


def slug(heading):
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to -."""
    text = heading.strip().lower()
    return "".join(ch for ch in text if ch.isalnum() or ch in " -_").replace(" ", "-")


def markdown_files():
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", markdown_files(), ids=lambda p: p.name)
def test_every_relative_link_of_the_docs_leads_somewhere(page):
    """A link to a file names one that exists; a link to #anchor names a heading of that page.
    (README's sections moved to docs/ once: this keeps every link that pointed at them true.)"""
    import re
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
        if "://" in target or target.startswith("mailto:"):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", linked.read_text(), flags=re.M)
            if anchor not in {slug(h) for h in headings}:
                broken.append(target)
    assert not broken, f"{page.name}: links that lead nowhere: {broken}"
