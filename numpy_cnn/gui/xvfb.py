"""A virtual screen for machines without one: the GUI tests and the README screenshot use it.

Xvfb is an X server that draws into memory. Started with -displayfd, it picks a free display
number itself and writes it to a pipe we give it, so two runs never fight over ":99".
"""
import contextlib
import os
import select
import shutil
import subprocess
import time

START_TIMEOUT = 10.0    # seconds


class XvfbError(RuntimeError):
    """Xvfb is missing, or did not start."""


@contextlib.contextmanager
def virtual_display(width=1024, height=768):
    """Run Xvfb while the with-block runs.

    Usage:
        with virtual_display() as display:     # display is e.g. ":3"
            root = tkinter.Tk(screenName=display)

    Raises: XvfbError if Xvfb is not installed or does not report a display in time.
    """
    if shutil.which("Xvfb") is None:
        raise XvfbError("Xvfb is not installed (Debian/Ubuntu: sudo apt-get install xvfb)")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24",
         "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        yield ":" + read_display_number(read_end, process)
    finally:
        os.close(read_end)
        process.terminate()
        process.wait(timeout=START_TIMEOUT)


def read_display_number(fd, process):
    """Inputs: fd -- the pipe Xvfb writes its display number to, then a newline;
               process -- the Xvfb process (to notice it dying).
    Returns: the display number, as a string of digits.
    """
    text = b""
    deadline = time.monotonic() + START_TIMEOUT
    while not text.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            raise XvfbError("Xvfb did not start (exit status "
                            f"{process.poll()}, display number read so far: {text!r})")
        if select.select([fd], [], [], min(remaining, 0.1))[0]:
            chunk = os.read(fd, 16)
            if not chunk:
                time.sleep(0.05)     # Xvfb closed the pipe: let poll() see it exit
            text += chunk
    return text.decode().strip()
