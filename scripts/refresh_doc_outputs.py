"""Rewrite the printed outputs of a Markdown doctest file with what its code prints now.

    python scripts/refresh_doc_outputs.py docs/tour.md [more files...]

For use after the shipped weights change: the tour prints numbers of the shipped network, and the
tests (python -m pytest) fail until the file shows the new ones. This runs every `>>>` example of
the file in order, as pytest does, and replaces each expected output by the actual one. It changes
only outputs, never code, and prints which examples changed: read the prose around them (and
`git diff`) before committing, since a sentence may describe the old numbers. An example that
raises an exception is left as it was and reported; the exit code is then 1.
"""
import argparse
import doctest
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


class Recorder(doctest.DocTestRunner):
    """Runs the examples and keeps what each printed: {example: output}, and the failures."""

    def __init__(self):
        super().__init__(optionflags=doctest.ELLIPSIS)
        self.outputs, self.errors = {}, []

    def report_success(self, out, test, example, got):
        self.outputs[id(example)] = example.want        # matches (perhaps through "..."): kept

    def report_failure(self, out, test, example, got):
        self.outputs[id(example)] = got

    def report_unexpected_exception(self, out, test, example, exc_info):
        self.errors.append(f"line {test.lineno + example.lineno + 1}: {exc_info[1]!r}")


def refresh(path):
    """Rewrite path in place. Returns (number of outputs changed, list of errors)."""
    text = path.read_text()
    test = doctest.DocTestParser().get_doctest(text, {}, path.name, str(path), 0)
    recorder = Recorder()
    recorder.run(test, out=lambda s: None, clear_globs=True)
    lines = text.splitlines(keepends=True)
    changed = 0
    for example in reversed(test.examples):
        got = recorder.outputs.get(id(example))
        if got is None or got == example.want:
            continue
        start = example.lineno + example.source.count("\n")          # first line of the output
        end = start + example.want.count("\n")
        lines[start:end] = [" " * example.indent + (line or "<BLANKLINE>") + "\n"
                            for line in got.rstrip("\n").split("\n")] if got else []
        print(f"{path}:{example.lineno + 1}: {example.source.strip().splitlines()[0]}")
        changed += 1
    path.write_text("".join(lines))
    return changed, recorder.errors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="Markdown files with >>> examples")
    args = parser.parse_args(argv)
    failed = False
    for path in args.files:
        changed, errors = refresh(path)
        print(f"{path}: {changed} output(s) rewritten")
        for error in errors:
            print(f"{path}: error, left unchanged: {error}")
        failed = failed or bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
