"""Training the network from the app, when there are no weights yet.

The app does not train in its own process: it runs `python -m numpy_cnn.train` as a child
process and shows that command's output in a window. A thread reads the lines (reading blocks)
and hands them to Tk through a queue, which Tk empties every 100 ms: Tk widgets must only be
touched from the thread that runs the Tk event loop.

The command is asked (--progress-every) for its progress line every second, e.g.

    epoch 2/5 [=========>..............]  350/860 batches  loss 0.0712  acc 97.81%  ...  ETA 0:25

which the window turns into a progress bar and "Epoch 2 of 5, batch 350 of 860, loss 0.0712,
about 1:05 left"; every other line (one summary per epoch, messages) goes to its text area.

Stop (or closing the window) interrupts the command as Ctrl-C would: it keeps the checkpoint of
the last finished epoch, from which the app offers to resume next time.
"""
import collections
import gc
import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import tkinter as tk
from dataclasses import dataclass
from tkinter import ttk

from numpy_cnn.progress import format_duration

from .widgets import BACKGROUND, DIM_TEXT, TEXT

POLL_MS = 100
MAX_LINES = 1000          # older output lines are dropped from the window
LAST_LINES = 15           # kept to explain a failure
STOP_TIMEOUT = 30         # seconds a stopped command gets to save and exit before it is killed
PROGRESS_LINE = re.compile(r"^epoch (\d+)/(\d+) \[[=>.]*\]\s+(\d+)/(\d+) batches  loss (\S+)")


def training_command(weights_path, resume=False):
    """Inputs:  weights_path -- where the trained weights must be written;
             resume -- continue the run whose checkpoint is next to weights_path instead.
    Returns: the command that trains the reference network with augmentation (rotated, scaled,
             shifted, thicker and thinner digits: closer to what people draw), as a list.
    """
    run = ["--resume"] if resume else ["--augment"]
    return [sys.executable, "-m", "numpy_cnn.train", *run, "--out", str(weights_path),
            "--progress-every", "1"]


@dataclass(frozen=True)
class Progress:
    """Where a training run is, from one of its progress lines (see parse_progress)."""
    epoch: int
    epochs: int
    batch: int
    batches: int
    loss: str

    @property
    def fraction(self):
        """Fraction of the whole run done, from 0 to 1."""
        return (self.epoch - 1 + self.batch / self.batches) / self.epochs


def parse_progress(line):
    """Inputs:  line -- one output line of the training command.
    Returns: a Progress if it is a progress line, else None."""
    match = PROGRESS_LINE.match(line)
    if not match:
        return None
    epoch, epochs, batch, batches = map(int, match.groups()[:4])
    return Progress(epoch, epochs, batch, max(batches, 1), match.group(5))


class TrainingWindow(tk.Toplevel):
    """A window that runs a command and shows its output until it ends.

    Usage:
        window = TrainingWindow(root, command)
        root.wait_window(window)      # returns when the command has ended and the window closed
        window.returncode             # the command's exit status
        window.stopped                # True if the user stopped it
        window.last_lines             # its last output lines, to explain a failure
    """

    def __init__(self, parent, command, title="Training the network"):
        super().__init__(parent, bg=BACKGROUND, padx=10, pady=10)
        self.title(title)
        self.returncode = None
        self.stopped = False
        self.output_ended = False
        self.lines = queue.Queue()
        self.last_lines = collections.deque(maxlen=LAST_LINES)
        self.first_progress = None            # (time, fraction) of the first progress line

        style = dict(bg=BACKGROUND, anchor="w", justify="left", wraplength=700)
        self.command_label = tk.Label(self, text="Running: " + shlex.join(command[1:]),
                                      fg=DIM_TEXT, **style)
        self.status = tk.Label(self, text="Starting...", fg=TEXT, font=("Helvetica", 13), **style)
        self.progress = ttk.Progressbar(self, mode="determinate", maximum=1.0, length=700)
        self.output = tk.Text(self, width=90, height=14, bg="black", fg=DIM_TEXT,
                              state="disabled", wrap="word")
        self.stop_button = tk.Button(self, text="Stop", command=self.stop)
        self.command_label.pack(fill="x")
        self.status.pack(fill="x", pady=(6, 0))
        self.progress.pack(fill="x", pady=6)
        self.output.pack(fill="both", expand=True)
        self.stop_button.pack(anchor="e", pady=(6, 0))
        self.protocol("WM_DELETE_WINDOW", self.stop)

        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True,
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"})
        # Tcl must delete an interpreter in the thread that created it, and a closed Tk window
        # (of an earlier Tk() in this process) is freed only by the garbage collector, which
        # runs in whichever thread allocates: free any such garbage here, not in the reader.
        gc.collect()
        threading.Thread(target=self._read_output, daemon=True).start()
        self.poll_id = self.after(POLL_MS, self._poll)

    def _read_output(self):
        """In the reader thread: put each output line into the queue, then None at the end."""
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def _poll(self):
        """In the Tk thread: show the new lines; close the window once the command has ended."""
        for line in self._new_lines():
            if line is None:
                self.output_ended = True
                self.returncode = self.process.wait()
                self.destroy()
                return
            progress = parse_progress(line)
            if progress:
                self.show_progress(progress)
            else:
                self._append(line)
        self.poll_id = self.after(POLL_MS, self._poll)

    def _new_lines(self):
        while not self.lines.empty():
            yield self.lines.get()

    def show_progress(self, progress, now=None):
        """Move the bar and say where the run is and how long it has left. The time left is
        extrapolated from the progress made since the first progress line seen."""
        now = time.monotonic() if now is None else now
        if self.first_progress is None:
            self.first_progress = (now, progress.fraction)
        started, start_fraction = self.first_progress
        done = progress.fraction - start_fraction
        left = (f", about {format_duration((now - started) * (1 - progress.fraction) / done)} left"
                if done > 0 and now - started >= 1 else "")
        self.progress["value"] = progress.fraction
        if not self.stopped:
            self.status.config(text=f"Epoch {progress.epoch} of {progress.epochs}, batch "
                                    f"{progress.batch} of {progress.batches}, "
                                    f"loss {progress.loss}{left}")

    def _append(self, line):
        self.last_lines.append(line)
        self.output.config(state="normal")
        self.output.insert("end", line + "\n")
        self.output.delete("1.0", f"end-{MAX_LINES + 1}l")
        self.output.see("end")
        self.output.config(state="disabled")

    def stop(self):
        """Interrupt the command as Ctrl-C does (the window's Stop button or close box): it
        saves what it keeps and exits; the window closes when its output ends."""
        if self.stopped or self.process.poll() is not None:
            return
        self.stopped = True
        self.status.config(text="Stopping: the checkpoint of the last finished epoch is kept...")
        self.stop_button.config(state="disabled")
        interrupt(self.process)
        self.after(STOP_TIMEOUT * 1000, self._kill_if_still_running)

    def _kill_if_still_running(self):
        if self.process.poll() is None:
            self.process.kill()

    def wait_for_end(self, timeout=STOP_TIMEOUT):
        """Outside the event loop (the window may be gone already, e.g. after Ctrl-C in the
        terminal): let the command end, interrupting it if it does not within a second.
        Returns: its exit status; its last lines are in self.last_lines."""
        try:
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            interrupt(self.process)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.returncode = self.process.wait()
        while not self.output_ended:
            line = self.lines.get(timeout=5)       # the reader thread ends with None
            self.output_ended = line is None
            if line is not None and not parse_progress(line):
                self.last_lines.append(line)
        return self.returncode


def interrupt(process):
    """Ctrl-C for a child process: SIGINT on POSIX (the training command then keeps its
    checkpoint and exits); Windows has no such signal for a child, so it is terminated there."""
    if os.name == "posix":
        process.send_signal(signal.SIGINT)
    else:
        process.terminate()
