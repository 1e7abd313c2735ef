"""Ctrl-C in the app's terminal: close the app at once, with one line instead of a traceback.

Tk waits for events inside C code, where Python cannot act on a signal: Python runs its SIGINT
handler only once Python code runs again, which without help means at the next mouse or
window event. So a no-op callback every TICK_MS hands control back to Python. The handler only
notes the Ctrl-C (it may run in the middle of any callback); the next tick then closes the
root window as its close box would (the app's WM_DELETE_WINDOW handler, if it has one: it saves
a Watch-it-learn run first), which ends mainloop and every wait nested in it (wait_window, a
dialog). The code after each such wait calls raise_if_pressed().

Usage:
    ctrl_c = CtrlC(root)
    try:
        ...                            # mainloop, wait_window, dialogs
        ctrl_c.raise_if_pressed()      # after each wait: KeyboardInterrupt if Ctrl-C was pressed
    finally:
        ctrl_c.close()                 # Python's own Ctrl-C handling again
"""
import contextlib
import signal
import tkinter as tk

TICK_MS = 100


class CtrlC:
    """Watches for Ctrl-C while the Tk window `root` runs (see the module docstring)."""

    def __init__(self, root):
        self.root = root
        self.pressed = False
        self.previous = signal.signal(signal.SIGINT, self._note)
        self.tick_id = root.after(TICK_MS, self._tick)

    def _note(self, signum, frame):
        self.pressed = True

    def _tick(self):
        if self.pressed:
            close = self.root.protocol("WM_DELETE_WINDOW")   # the app's own close, if it has one
            if close:
                self.root.tk.call(close)       # it saves what is under way, then destroys root
            else:
                self.root.destroy()
        else:
            self.tick_id = self.root.after(TICK_MS, self._tick)

    def raise_if_pressed(self):
        """Raise KeyboardInterrupt if Ctrl-C was pressed (the window is then gone)."""
        if self.pressed:
            raise KeyboardInterrupt

    def close(self):
        """Stop watching: Ctrl-C raises KeyboardInterrupt again, as in any Python program."""
        signal.signal(signal.SIGINT, self.previous)
        with contextlib.suppress(tk.TclError):     # the window may be gone already
            self.root.after_cancel(self.tick_id)
