"""Make Jupyter notebooks from the Markdown chapters in docs/: one source, the notebooks are made.

    python scripts/make_notebooks.py [--out DIR] [CHAPTER...]

writes DIR/<chapter>.ipynb (default DIR: notebooks/ in the repository, which git ignores) for
each chapter named (docs/tour.md, or just tour), or for every chapter of CHAPTERS when none is
named; a chapter of that list that does not exist yet is skipped with a line saying so. Each
notebook is written to a temporary name in DIR, then renamed; nothing else is touched.

How a chapter becomes a notebook (nbformat v4.5, no outputs: run it yourself):
- prose becomes markdown cells; a ```bash block, or a ```python block without `>>>` prompts
  (shown in the docs, never run by the doctests), stays in the markdown;
- a ```python block of doctest lines (`>>>`, `...`) becomes code cells: the prompts stripped,
  the expected output dropped, `# doctest: +FLAG` directives removed, an example marked +SKIP
  left out (the doctests do not run it either). The block is cut after each example that prints
  something, so each output the chapter shows appears under its own cell (a notebook displays
  only a cell's last value). A cell whose example expects an exception is tagged
  "raises-exception", so that running the whole notebook goes on past it;
- what a <details> block folds away (an exercise's answer) is folded in the notebook too: its
  cells start collapsed ("source_hidden"), under a line with the <summary>'s text;
- relative links and images are rewritten to work from DIR: a link to another chapter of
  CHAPTERS points to its notebook, anything else to the file itself (../docs/im2col.png from
  notebooks/), and an #anchor is rewritten to the id Jupyter gives that heading.

The code expects what the doctests have: numpy_cnn importable (`pip install -e .` in the
repository) and MNIST where numpy_cnn.paths.mnist_dir() finds it.
"""
import argparse
import doctest
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "notebooks"
# The chapters, in reading order (paths relative to the repository).
CHAPTERS = ["docs/tour.md", "docs/why_convolution.md", "docs/derivations.md", "docs/course.md",
            "docs/sanity.md", "docs/next_steps.md", "docs/fast.md", "docs/exercises.md"]

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
DIRECTIVE = re.compile(r"\s*#\s*doctest:\s*[^\n'\"]*$")
LINK = re.compile(r"(!?\[(?:[^\]\\]|\\.)*\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
REFERENCE = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*)(\S+)(.*)$")
HTML_SRC = re.compile(r"""(<(?:img|a)\b[^>]*?\b(?:src|href)=")([^"]+)(")""")
DETAILS = re.compile(r"^\s*<details>\s*(?:<summary>(.*)</summary>)?\s*$")
END_DETAILS = re.compile(r"^\s*</details>\s*$")
SUMMARY = re.compile(r"^\s*<summary>(.*)</summary>\s*$")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


@dataclass
class Cell:
    """One notebook cell. kind: "markdown" or "code"; for code, what the doctest expected of it:
    want (the printed text of its last example, "" for none), exc_msg (the exception's last line,
    or None) and options (doctest flags such as ELLIPSIS, for comparing the output)."""
    kind: str
    source: str
    want: str = ""
    exc_msg: str = None
    options: dict = field(default_factory=dict)
    folded: bool = False


def strip_directives(source):
    """Source lines without their `# doctest: ...` comments."""
    return "\n".join(DIRECTIVE.sub("", line) for line in source.rstrip("\n").split("\n"))


def doctest_cells(block):
    """The code cells of one ```python block of doctest lines (see the module docstring)."""
    examples = doctest.DocTestParser().get_examples(block)
    cells, pending = [], []
    for example in examples:
        if example.options.get(doctest.SKIP):
            continue
        pending.append(example)
        if example.want or example.exc_msg is not None or example is examples[-1]:
            cells.append(Cell("code", "\n".join(strip_directives(e.source) for e in pending),
                              example.want, example.exc_msg, dict(example.options)))
            pending = []
    if pending:             # the last examples were all +SKIP: the ones kept before them
        cells.append(Cell("code", "\n".join(strip_directives(e.source) for e in pending)))
    return cells


def chapter_cells(text):
    """Markdown text -> a list of Cell: prose and non-doctest blocks as markdown, doctest blocks
    as code. Consecutive markdown is one cell."""
    cells, prose, folded = [], [], False

    def flush_prose():
        source = "\n".join(prose).strip("\n")
        if source.strip():
            cells.append(Cell("markdown", source, folded=folded))
        prose.clear()

    lines = text.split("\n")
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            marker, title = fold_marker(lines[i])
            if marker is None:
                prose.append(lines[i])
            else:                              # <details>, <summary>...</summary>, </details>
                flush_prose()
                folded = marker != "close"
                if title:
                    cells.append(Cell("markdown", f"**{title}** (folded: click the bar left of "
                                                  f"the cells below to open them)"))
            i += 1
            continue
        fence, language = opening.group(2), opening.group(3)
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        body = "\n".join(lines[i + 1:end])
        if language in ("python", "py", "pycon") and re.search(r"^\s*>>>", body, re.M):
            flush_prose()
            for cell in doctest_cells(body + "\n"):
                cell.folded = folded
                cells.append(cell)
        else:
            prose.extend(lines[i:end + 1])
        i = end + 1
    flush_prose()
    return cells


def fold_marker(line):
    """("open", title or None) for a <details> line (with its <summary> on it or not),
    ("summary", title) for a <summary> line, ("close", None) for </details>, else (None, None)."""
    if match := DETAILS.match(line):
        return "open", match.group(1) and match.group(1).strip()
    if match := SUMMARY.match(line):
        return "summary", match.group(1).strip()
    if END_DETAILS.match(line):
        return "close", None
    return None, None


def github_slug(heading):
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, - for spaces."""
    text = re.sub(r"[^\w\- ]", "", plain_heading(heading).lower())
    return text.replace(" ", "-")


def jupyter_id(heading):
    """The id JupyterLab and Notebook give a rendered heading: its text, - for spaces."""
    return plain_heading(heading).replace(" ", "-")


def plain_heading(heading):
    """A heading's text as rendered: without code marks, emphasis and link targets."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    return re.sub(r"[`*]", "", text).strip()


def anchors(text):
    """{GitHub anchor: Jupyter id} for the headings of a Markdown text (outside code blocks)."""
    result, in_code = {}, False
    for line in text.split("\n"):
        if FENCE.match(line):
            in_code = not in_code
        elif not in_code and (heading := HEADING.match(line)):
            result.setdefault(github_slug(heading.group(1)), jupyter_id(heading.group(1)))
    return result


def rewrite_target(target, chapter, out_dir, notebooks):
    """A link target of `chapter` made to work from a notebook in out_dir.

    notebooks: {resolved chapter path: its notebook's name} for chapters with a notebook.
    Absolute URLs and paths are kept; a bare #anchor gets the Jupyter id of its heading.
    """
    if re.match(r"^[a-zA-Z][\w+.-]*:", target) or target.startswith("/"):
        return target
    path, _, anchor = target.partition("#")
    resolved = (chapter.parent / path).resolve() if path else chapter.resolve()
    if anchor and resolved.suffix == ".md" and resolved.is_file():
        anchor = anchors(resolved.read_text(encoding="utf-8")).get(anchor, anchor)
    if not path:
        return f"#{anchor}"
    if resolved in notebooks:
        new = notebooks[resolved]
    else:
        try:
            new = Path(os.path.relpath(resolved, out_dir.resolve())).as_posix()
        except ValueError:                 # another drive (Windows): no relative path exists
            new = resolved.as_uri()
    return f"{new}#{anchor}" if anchor else new


def rewrite_links(markdown, chapter, out_dir, notebooks):
    """Markdown with every relative link and image target rewritten by rewrite_target."""
    def fix(match):
        return match.group(1) + rewrite_target(match.group(2), chapter, out_dir, notebooks) \
            + match.group(3)
    lines = []
    for line in markdown.split("\n"):
        line = LINK.sub(fix, line)
        line = HTML_SRC.sub(fix, line)
        lines.append(REFERENCE.sub(fix, line))
    return "\n".join(lines)


def notebook(chapter, out_dir, notebooks):
    """The notebook (a dict in nbformat v4.5) of the Markdown file `chapter`."""
    cells = chapter_cells(chapter.read_text(encoding="utf-8"))
    try:
        source_name = chapter.resolve().relative_to(REPO).as_posix()
    except ValueError:
        source_name = chapter.name
    header = (f"*Made from `{source_name}` by `scripts/make_notebooks.py`: edit the Markdown, "
              f"not this notebook. The code needs `numpy_cnn` importable (`pip install -e .` in "
              f"the repository).*")
    json_cells = [markdown_cell(header, f"{chapter.stem}-0")]
    for number, cell in enumerate(cells, start=1):
        cell_id = f"{chapter.stem}-{number}"[-64:]
        metadata = {"jupyter": {"source_hidden": True}} if cell.folded else {}
        if cell.kind == "markdown":
            json_cells.append(markdown_cell(rewrite_links(cell.source, chapter, out_dir,
                                                          notebooks), cell_id, metadata))
        else:
            if cell.exc_msg is not None:
                metadata["tags"] = ["raises-exception"]
            json_cells.append({"cell_type": "code", "execution_count": None, "id": cell_id,
                               "metadata": metadata, "outputs": [],
                               "source": lines_of(cell.source)})
    return {"cells": json_cells,
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                        "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def markdown_cell(source, cell_id, metadata=None):
    return {"cell_type": "markdown", "id": cell_id, "metadata": metadata or {},
            "source": lines_of(source)}


def lines_of(source):
    """A cell's source as notebooks store it: a list of lines, each but the last ending in \\n."""
    lines = source.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def write_atomically(path, text):
    """Write text to path through a temporary file in the same folder, then rename it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def chapter_path(name):
    """docs/tour.md, tour.md or tour -> the chapter's path in the repository, or None."""
    for chapter in CHAPTERS:
        if name in (chapter, Path(chapter).name, Path(chapter).stem):
            return REPO / chapter
    path = Path(name)
    return path if path.suffix == ".md" else None


def make(chapters, out_dir):
    """Write the notebook of each chapter (paths of Markdown files) into out_dir.
    Returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    notebooks = {(REPO / c).resolve(): Path(c).stem + ".ipynb" for c in CHAPTERS
                 if (REPO / c).is_file()}
    notebooks.update({c.resolve(): c.stem + ".ipynb" for c in chapters})
    written = []
    for chapter in chapters:
        path = out_dir / (chapter.stem + ".ipynb")
        text = json.dumps(notebook(chapter, out_dir, notebooks), indent=1, ensure_ascii=False)
        write_atomically(path, text + "\n")
        written.append(path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description="Make Jupyter notebooks from the Markdown "
                                     "chapters in docs/ (see this script's docstring).")
    parser.add_argument("chapters", nargs="*", metavar="CHAPTER",
                        help=f"a chapter (e.g. docs/tour.md or tour); default: all of "
                             f"{', '.join(CHAPTERS)}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="the folder to write the notebooks in (default: notebooks/)")
    args = parser.parse_args(argv)
    if args.chapters:
        chapters = []
        for name in args.chapters:
            path = chapter_path(name)
            if path is None or not path.is_file():
                print(f"make_notebooks: no chapter {name!r} (a Markdown file, or one of: "
                      f"{', '.join(Path(c).stem for c in CHAPTERS)})", file=sys.stderr)
                return 2
            chapters.append(path)
    else:
        chapters = [REPO / c for c in CHAPTERS if (REPO / c).is_file()]
        for missing in (c for c in CHAPTERS if not (REPO / c).is_file()):
            print(f"skipped {missing}: it does not exist (yet)")
    if args.out.exists() and not args.out.is_dir():
        print(f"make_notebooks: --out {args.out} is not a folder", file=sys.stderr)
        return 2
    try:
        written = make(chapters, args.out)
    except OSError as error:
        print(f"make_notebooks: cannot write the notebooks: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
