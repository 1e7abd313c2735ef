"""scripts/refresh_doc_outputs.py rewrites the outputs of a Markdown doctest file, never its code."""
import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "refresh_doc_outputs.py"

PAGE = '''# A page

Some prose with a number, 41, that the script must not touch.

```python
>>> x = 6 * 7
>>> x
41
>>> print(f"{x} and\\n\\n{x + 1}")
old
>>> "unchanged" + "..."
'unchanged...'
>>> [x] * 2
[...]

```
'''


def run(argv):
    spec = importlib.util.spec_from_file_location("refresh_doc_outputs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(argv)


def test_rewrites_wrong_outputs_only(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    assert run([str(page)]) == 0
    expected = (PAGE.replace(">>> x\n41\n", ">>> x\n42\n")
                    .replace("old\n", "42 and\n<BLANKLINE>\n43\n"))
    assert page.read_text() == expected        # prose, code, and matching "..." outputs kept
    assert "2 output(s) rewritten" in capsys.readouterr().out
    assert run([str(page)]) == 0               # a second run finds nothing to change
    assert page.read_text() == expected


def test_an_example_that_raises_is_reported_and_left_alone(tmp_path, capsys):
    page = tmp_path / "page.md"
    text = "```python\n>>> 1 / 0\n5\n>>> 2 + 2\n5\n\n```\n"
    page.write_text(text)
    assert run([str(page)]) == 1
    assert page.read_text() == text.replace(">>> 2 + 2\n5\n", ">>> 2 + 2\n4\n")
    assert "ZeroDivisionError" in capsys.readouterr().out
