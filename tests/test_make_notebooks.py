"""scripts/make_notebooks.py: the chapters become notebooks that validate, whose links work from
the notebooks' folder, and that run (in a real kernel) printing what the doctests expect.

Every chapter of the script's CHAPTERS is tested, and one that is missing fails: the notebooks
are part of the course, so a chapter listed there must exist. The converter's rules are tested
on small Markdown files written into tmp_path.
"""
import doctest
import importlib
import importlib.util
import json
import os
import re
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "make_notebooks.py"


def load_script():
    spec = importlib.util.spec_from_file_location("make_notebooks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_notebooks = load_script()


def require(package):
    """Import a notebook package of the test extra: skip without it, fail when $CI is set."""
    if os.environ.get("CI"):
        return importlib.import_module(package)
    return pytest.importorskip(package, reason=f"{package} is not installed "
                                                f"(pip install -e \".[test]\")")


def markdown_cells(nb):
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def code_cells(nb):
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def convert(tmp_path, text, name="chapter.md", out="notebooks"):
    """Write `text` as tmp_path/docs/name, make its notebook in tmp_path/out, return it (a dict)."""
    (tmp_path / "docs").mkdir(exist_ok=True)
    chapter = tmp_path / "docs" / name
    chapter.write_text(text)
    [path] = make_notebooks.make([chapter], tmp_path / out)
    return json.loads(path.read_text())


# --- the converter's rules, on stand-ins -------------------------------------------------------

BLOCK = '''# Title

Some prose.

```python
>>> import math
>>> x = 2
>>> print(x)            # doctest: +NORMALIZE_WHITESPACE
2
>>> for i in range(2):
...     print(i)
0
1
>>> y = x + 1
>>> x * y                # doctest: +ELLIPSIS
6
>>> math.sqrt(-1)  # doctest: +SKIP
>>> z = 7

```

```bash
python -m numpy_cnn.train
```

```python
import torch    # shown, never run
```
'''


def test_doctest_lines_become_code_cells_without_prompts_outputs_or_directives(tmp_path):
    nb = convert(tmp_path, BLOCK)
    assert code_cells(nb) == ["import math\nx = 2\nprint(x)",
                              "for i in range(2):\n    print(i)",
                              "y = x + 1\nx * y",
                              "z = 7"]                         # +SKIP dropped; no ">>>", no "2"
    assert all(c["outputs"] == [] and c["execution_count"] is None
               for c in nb["cells"] if c["cell_type"] == "code")
    prose = markdown_cells(nb)
    assert prose[1].startswith("# Title\n\nSome prose.") and ">>>" not in "".join(prose)
    assert "```bash\npython -m numpy_cnn.train\n```" in prose[-1]
    assert "```python\nimport torch    # shown, never run\n```" in prose[-1]


def test_the_parsed_cells_keep_what_the_doctest_expects(tmp_path):
    cells = [c for c in make_notebooks.chapter_cells(BLOCK) if c.kind == "code"]
    assert [c.want for c in cells] == ["2\n", "0\n1\n", "6\n", ""]
    assert cells[2].options == {doctest.ELLIPSIS: True}
    raising = make_notebooks.chapter_cells("```python\n>>> a = 1\n>>> 1 / 0\nTraceback (most "
                                           "recent call last):\n...\nZeroDivisionError: "
                                           "division by zero\n```\n")
    assert [(c.source, c.exc_msg) for c in raising] == [("a = 1\n1 / 0",
                                                         "ZeroDivisionError: division by zero\n")]
    nb = convert(tmp_path, "```python\n>>> 1 / 0\nTraceback (most recent call last):\n"
                           "ZeroDivisionError: division by zero\n```\n")
    assert nb["cells"][1]["metadata"] == {"tags": ["raises-exception"]}


def test_what_details_fold_away_is_folded_in_the_notebook(tmp_path):
    text = ("Question?\n\n<details><summary>Answer</summary>\n\n```python\n>>> 6 * 7\n42\n```\n\n"
            "Because.\n\n</details>\n\nAfter.\n\n<details>\n<summary>Hint</summary>\n\nLook.\n"
            "</details>\n")
    nb_cells = convert(tmp_path, text)["cells"][1:]
    shown = [("".join(c["source"]), c["metadata"].get("jupyter", {}).get("source_hidden", False))
             for c in nb_cells]
    assert shown == [("Question?", False),
                     ("**Answer** (folded: click the bar left of the cells below to open them)",
                      False),
                     ("6 * 7", True), ("Because.", True), ("After.", False),
                     ("**Hint** (folded: click the bar left of the cells below to open them)",
                      False),
                     ("Look.", True)]
    assert "<details>" not in json.dumps(nb_cells)


def test_links_and_images_work_from_the_notebooks_folder(tmp_path):
    (tmp_path / "docs" / "pictures").mkdir(parents=True)
    (tmp_path / "docs" / "pictures" / "a.png").write_bytes(b"")
    text = ("# Top part\n\n## 2. Max pooling, then `ReLU`\n\n"
            "![a](pictures/a.png) [b](pictures/a.png \"title\") <img src=\"pictures/a.png\">\n"
            "[web](https://example.org/x.png) [up](#2-max-pooling-then-relu) "
            "[tour](tour.md#0-the-digit-and-the-network) [readme](../README.md)\n\n"
            "[ref]: pictures/a.png\n")
    nb = convert(tmp_path, text, out="deep/er")
    prose = "".join(markdown_cells(nb))
    assert prose.count("../../docs/pictures/a.png") == 4
    assert "(https://example.org/x.png)" in prose
    assert "(#2.-Max-pooling,-then-ReLU)" in prose                # the id Jupyter gives it
    assert "(../../README.md)" in prose
    assert "[tour](../../docs/tour.md#0-the-digit-and-the-network)" in prose   # not a chapter


def test_a_link_to_a_chapter_with_a_notebook_points_to_the_notebook(tmp_path):
    (tmp_path / "docs").mkdir()
    first, second = tmp_path / "docs" / "one.md", tmp_path / "docs" / "two.md"
    first.write_text("# One\n\nSee [two](two.md#the-end).\n")
    second.write_text("# Two\n\n## The end\n")
    written = make_notebooks.make([first, second], tmp_path / "out")
    assert [p.name for p in written] == ["one.ipynb", "two.ipynb"]
    one = json.loads(written[0].read_text())
    assert "[two](two.ipynb#The-end)" in "".join(markdown_cells(one))


def test_writes_only_its_notebooks_and_no_temporary_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    convert(tmp_path, BLOCK, out="out")
    assert sorted(p.name for p in out.iterdir()) == ["chapter.ipynb", "mine.txt"]
    assert (out / "mine.txt").read_text() == "keep"


def test_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(make_notebooks, "CHAPTERS", ["docs/tour.md", "docs/not_written_yet.md"])
    assert make_notebooks.main(["--out", str(tmp_path / "a")]) == 0
    printed = capsys.readouterr().out
    assert "skipped docs/not_written_yet.md: it does not exist (yet)" in printed
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["tour.ipynb"]
    assert make_notebooks.main(["--out", str(tmp_path / "b"), "tour"]) == 0
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["tour.ipynb"]
    assert make_notebooks.main(["--out", str(tmp_path / "c"), "not_written_yet"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no chapter 'not_written_yet'" in error
    assert not (tmp_path / "c").exists()
    (tmp_path / "file").write_text("")
    assert make_notebooks.main(["--out", str(tmp_path / "file"), "tour"]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_notebooks_are_not_committed():
    ignored = (REPO / ".gitignore").read_text().split()
    assert "/notebooks/" in ignored
    assert make_notebooks.DEFAULT_OUT == REPO / "notebooks"


# --- every chapter of the list --------------------------------------------------------------

@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    """The notebooks of every chapter that exists, made once into a temporary folder."""
    out = tmp_path_factory.mktemp("notebooks")
    chapters = [REPO / c for c in make_notebooks.CHAPTERS if (REPO / c).is_file()]
    return {path.stem: path for path in make_notebooks.make(chapters, out)}


def notebook_of(chapter, notebooks):
    assert (REPO / chapter).is_file(), f"{chapter} is listed in scripts/make_notebooks.py's " \
                                       f"CHAPTERS but does not exist"
    return notebooks[Path(chapter).stem]


@pytest.mark.parametrize("chapter", make_notebooks.CHAPTERS)
def test_the_notebook_validates(chapter, notebooks):
    nbformat = require("nbformat")
    nb = nbformat.read(notebook_of(chapter, notebooks), as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4 and any(c.cell_type == "code" for c in nb.cells)


def jupyter_ids(nb):
    """The ids Jupyter gives the headings of a notebook's markdown cells."""
    text = "\n".join(markdown_cells(nb))
    return set(make_notebooks.anchors(text).values())


@pytest.mark.parametrize("chapter", make_notebooks.CHAPTERS)
def test_every_relative_link_resolves_from_the_notebooks_folder(chapter, notebooks):
    path = notebook_of(chapter, notebooks)
    nb = json.loads(path.read_text())
    targets = []
    for text in markdown_cells(nb):
        text = re.sub(r"```.*?```", "", text, flags=re.S)                 # code is not links
        targets += [m.group(2) for m in make_notebooks.LINK.finditer(text)]
        targets += [m.group(2) for m in make_notebooks.HTML_SRC.finditer(text)]
    for target in targets:
        if re.match(r"^[a-zA-Z][\w+.-]*:", target):
            continue
        file, _, anchor = target.partition("#")
        assert not file or (path.parent / file).exists(), f"{chapter}: {target} is not there"
        if anchor and (not file or file.endswith(".ipynb")):
            linked = json.loads((path.parent / file).read_text()) if file else nb
            assert anchor in jupyter_ids(linked), f"{chapter}: no heading for #{anchor}"


def outputs_text(cell):
    """What a doctest would have seen of an executed cell: stdout and the displayed value."""
    text = ""
    for output in cell["outputs"]:
        if output["output_type"] == "stream" and output["name"] == "stdout":
            text += output["text"]
        elif output["output_type"] == "execute_result":
            text += output["data"].get("text/plain", "") + "\n"
    return text


def run_against_doctests(markdown, notebook_path):
    """Run the notebook made from `markdown` in a kernel from the repository root, as the doctests
    run, and compare each code cell with its doctest (as doctest compares, with the example's own
    flags): what it prints, and the exception it raises if the doctest expects one.
    Returns a list of differences, [] when the notebook does what the doctests say."""
    nbformat, nbclient = require("nbformat"), require("nbclient")
    require("ipykernel")
    nb = nbformat.read(notebook_path, as_version=4)
    expected = [c for c in make_notebooks.chapter_cells(markdown.read_text()) if c.kind == "code"]
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(REPO)}},
        extra_arguments=["--PlainTextFormatter.pprint=False"])    # values shown by repr()
    env = {**os.environ, "MPLBACKEND": "Agg",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    start = time.perf_counter()
    try:
        client.execute(env=env)
    except nbclient.exceptions.CellExecutionError as error:   # a cell not tagged to raise did
        return [f"{markdown.name}: a cell raised what its doctest does not expect:\n{error}"]
    print(f"{markdown.name}: notebook ran in {time.perf_counter() - start:.1f} s")
    ran = [c for c in nb.cells if c.cell_type == "code"]
    if len(ran) != len(expected):
        return [f"{markdown.name}: {len(ran)} code cells, but {len(expected)} in the Markdown"]
    checker, problems = doctest.OutputChecker(), []
    for number, (cell, wanted) in enumerate(zip(ran, expected), start=1):
        flags = sum(flag for flag, on in wanted.options.items() if on)
        errors = [o for o in cell.outputs if o.output_type == "error"]
        where = f"{markdown.name}, code cell {number}:\n{cell.source}\n"
        if wanted.exc_msg is not None:          # doctest compares only the exception's message
            name, _, message = wanted.exc_msg.partition(":")
            got = f"{errors[0].ename}: {errors[0].evalue}\n" if errors else "nothing"
            if not checker.check_output(f"{name.rsplit('.', 1)[-1]}:{message}", got, flags):
                problems.append(where + f"raised {got}, the doctest expects {wanted.exc_msg}")
        elif not checker.check_output(wanted.want, outputs_text(cell), flags):
            problems.append(where + checker.output_difference(
                doctest.Example(cell.source, wanted.want), outputs_text(cell), flags))
    return problems


def test_a_notebook_that_prints_or_raises_otherwise_than_its_doctests_is_caught(tmp_path):
    right = ("```python\n>>> import numpy_cnn\n>>> print('x' * 3)\nxxx\n>>> [1, 2]  "
             "# doctest: +ELLIPSIS\n[1, ...]\n>>> int('a')\nTraceback (most recent call last):\n"
             "ValueError: invalid literal for int() with base 10: 'a'\n```\n")
    convert(tmp_path, right)
    chapter = tmp_path / "docs" / "chapter.md"
    notebook_path = tmp_path / "notebooks" / "chapter.ipynb"
    assert run_against_doctests(chapter, notebook_path) == []
    for wrong, what in [(right.replace("xxx", "xx"), "Expected:\n    xx\nGot:\n    xxx"),
                        (right.replace("int('a')", "int('1')"), "raised nothing"),
                        (right.replace("print('x' * 3)", "print(x)"), "NameError")]:
        convert(tmp_path, wrong)
        problems = run_against_doctests(chapter, notebook_path)
        assert len(problems) == 1 and what in problems[0], problems


@pytest.mark.parametrize("chapter", make_notebooks.CHAPTERS)
def test_the_notebook_runs_and_prints_what_the_doctests_expect(chapter, notebooks):
    problems = run_against_doctests(REPO / chapter, notebook_of(chapter, notebooks))
    assert not problems, "\n\n".join(problems)
