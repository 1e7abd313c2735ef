"""Training the network from the app, when there are no weights yet.

The app does not train in its own process: it runs `python -m numpy_cnn.train` as a child
process and shows that command's output, line by line, in a window. A thread reads the lines
(reading blocks) and hands them to Tk through a queue, which Tk empties every 100 ms: Tk widgets
must only be touched from the thread that runs the Tk event loop.
"""
import collections
import os
import queue
import shlex
import subprocess
import sys
import threading
import time
import tkinter as tk
from tkinter import ttk

from .widgets import BACKGROUND, DIM_TEXT, TEXT

POLL_MS = 100
MAX_LINES = 1000          # older output lines are dropped from the window
LAST_LINES = 15           # kept to explain a failure


def training_command(weights_path):
    """Inputs:  weights_path -- where the trained weights must be written.
    Returns: the command that trains the reference network with augmentation (rotated, scaled,
             shifted, thicker and thinner digits: closer to what people draw), as a list.
    """
    return [sys.executable, "-m", "numpy_cnn.train", "--augment", "--out", str(weights_path)]


class TrainingWindow(tk.Toplevel):
    """A window that runs a command and shows its output until it ends.

    Usage:
        window = TrainingWindow(root, command)
        root.wait_window(window)      # returns when the command has ended and the window closed
        window.returncode             # the command's exit status; None if it was stopped
        window.last_lines             # its last output lines, to explain a failure
    """

    def __init__(self, parent, command, title="Training the network"):
        super().__init__(parent, bg=BACKGROUND, padx=10, pady=10)
        self.title(title)
        self.returncode = None
        self.lines = queue.Queue()
        self.last_lines = collections.deque(maxlen=LAST_LINES)
        self.started = time.monotonic()

        self.status = tk.Label(self, text="Running: " + shlex.join(command[1:]), anchor="w",
                               bg=BACKGROUND, fg=TEXT)
        self.progress = ttk.Progressbar(self, mode="indeterminate", length=560)
        self.output = tk.Text(self, width=100, height=16, bg="black", fg=DIM_TEXT,
                              state="disabled", wrap="none")
        self.stop_button = tk.Button(self, text="Stop", command=self.stop)
        self.status.pack(fill="x")
        self.progress.pack(fill="x", pady=6)
        self.output.pack(fill="both", expand=True)
        self.stop_button.pack(anchor="e", pady=(6, 0))
        self.protocol("WM_DELETE_WINDOW", self.stop)

        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True,
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"})
        threading.Thread(target=self._read_output, daemon=True).start()
        self.progress.start(15)
        self.poll_id = self.after(POLL_MS, self._poll)

    def _read_output(self):
        """In the reader thread: put each output line into the queue, then None at the end."""
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def _poll(self):
        """In the Tk thread: show the new lines; close the window once the command has ended."""
        finished = False
        while not self.lines.empty():
            line = self.lines.get()
            if line is None:
                finished = True
            else:
                self._append(line)
        if finished:
            self.returncode = self.process.wait()
            self.destroy()
            return
        self.status.config(text=f"Training... {time.monotonic() - self.started:.0f} s "
                                "(the output below shows one line per epoch)")
        self.poll_id = self.after(POLL_MS, self._poll)

    def _append(self, line):
        self.last_lines.append(line)
        self.output.config(state="normal")
        self.output.insert("end", line + "\n")
        self.output.delete("1.0", f"end-{MAX_LINES + 1}l")
        self.output.see("end")
        self.output.config(state="disabled")

    def stop(self):
        """Stop the command (the window's Stop button or close box); returncode stays None."""
        self.after_cancel(self.poll_id)
        self.process.terminate()
        self.process.wait()
        self.destroy()
