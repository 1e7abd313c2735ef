"""numpy-cnn course start DIR [--solutions] | numpy-cnn course check DIR [EXERCISE...]

start writes a copy of the course into DIR: the exercises with their answers blank (raise
NotImplementedError), or answered with --solutions (for teachers). It never overwrites a file.
check grades the exercises named (all by default), each in a subprocess with a timeout, and prints
one line per exercise: "done", "wrong: what differs, by how much, on which case", or
"not started". Exit status 0 only when every exercise named is done; 1 otherwise; 2 for a usage
error (an unknown exercise, no course copy in DIR).
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from . import BY_NAME, EXERCISES
from .copies import CopyError, kind_of, write_copy
from .grade import RESULT

TIMEOUT = 120            # seconds per exercise; a right answer takes a few
TRAIN_TIMEOUT = 600      # the training exercise trains on 6,000 images: ~10 s for the solutions
PACKAGE_ROOT = Path(__file__).resolve().parents[2]      # the folder that holds numpy_cnn/


def build_parser():
    parser = argparse.ArgumentParser(prog="numpy-cnn course",
                                     description="Build a CNN yourself, in plain NumPy, checked "
                                                 "as you go (see docs/course.md).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    start = commands.add_parser("start", help="write a copy of the course into DIR")
    start.add_argument("folder", metavar="DIR")
    start.add_argument("--solutions", action="store_true",
                       help="the answered copy, for teachers")
    check = commands.add_parser("check", help="grade the exercises of the copy in DIR")
    check.add_argument("folder", metavar="DIR")
    check.add_argument("exercises", nargs="*", metavar="EXERCISE",
                       help=f"exercise names (default: all): {', '.join(BY_NAME)}")
    check.add_argument("--timeout", type=float, metavar="SECONDS",
                       help=f"stop an exercise's check after this long (default {TIMEOUT}, "
                            f"{TRAIN_TIMEOUT} for train)")
    return parser


def start(folder, solutions):
    try:
        written, kept = write_copy(folder, solutions)
    except (CopyError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    kind = "answered copy" if solutions else "course"
    written = [name for name in written if not name.startswith(".")]
    kept_text = f", kept {len(kept)} files already there" if kept else ""
    print(f"wrote {len(written)} files of the {kind} into {folder}{kept_text}; "
          f"next: numpy-cnn course check {folder}")
    return 0


def check_one(folder, name, timeout):
    """(status, line) of one exercise, graded in a subprocess."""
    limit = timeout or (TRAIN_TIMEOUT if name == "train" else TIMEOUT)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(PACKAGE_ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    try:
        done = subprocess.run([sys.executable, "-m", "numpy_cnn.course.grade", str(folder), name],
                              capture_output=True, text=True, timeout=limit, env=env,
                              cwd=folder, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "wrong", (f"wrong: still running after {limit:g} s, so it was stopped (an endless "
                         f"loop, or a loop over every pixel?)")
    results = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if not results:
        return "wrong", f"wrong: the check ended without a result (exit status {done.returncode})"
    result = json.loads(results[-1][len(RESULT):])
    return result["status"], result["line"]


def check(folder, names, timeout):
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        print(f"error: no exercise named {', '.join(unknown)}; the exercises are "
              f"{', '.join(BY_NAME)}", file=sys.stderr)
        return 2
    if kind_of(folder) is None:
        print(f"error: {folder} is not a course copy; make one with: numpy-cnn course start "
              f"{folder}", file=sys.stderr)
        return 2
    names = names or [e.name for e in EXERCISES]
    width = max(len(n) for n in names)
    statuses = []
    for name in names:
        status, line = check_one(Path(folder).resolve(), name, timeout)
        print(f"{name + ':':<{width + 1}} {line}", flush=True)
        statuses.append(status)
    if len(names) > 1:
        print(f"{statuses.count('done')} of {len(names)} done")
    return 0 if all(s == "done" for s in statuses) else 1


def main(argv=None):
    """numpy-cnn course COMMAND ...: returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "start":
        return start(args.folder, args.solutions)
    return check(args.folder, args.exercises, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
