"""Tests of the drawing app (gui/): first the parts without a window, then the real window.

The window tests start their own virtual screen (Xvfb) and draw with the real X pointer, moved
by xdotool, in the test process's own App; Tk events are pumped with root.update() instead of
mainloop(). Without Xvfb or xdotool (or tkinter) they are skipped, unless the environment
variable CI is set: then they fail.

The tests that read digits use the shipped weights, weights/mnist_cnn.npz (or the file named
by the environment variable NUMPY_CNN_WEIGHTS).
"""
import gc
import io
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

try:
    import tkinter as tk
except ImportError as error:      # Debian/Ubuntu ship Python's Tk separately
    if os.environ.get("CI"):
        raise
    pytest.skip(f"tkinter is missing ({error}; Debian/Ubuntu: sudo apt-get install python3-tk)",
                allow_module_level=True)

import numpy_cnn                  # noqa: E402  (after the check for tkinter)
from numpy_cnn.gui import __main__ as gui_main
from numpy_cnn.gui.app import TITLE, App
from numpy_cnn.app.drawing import Drawing
from numpy_cnn.gui.learn import TITLE as LEARN_TITLE
from numpy_cnn import train as train_module
from numpy_cnn.app import predictor as predictor_module
from numpy_cnn.paths import SHIPPED_WEIGHTS
from numpy_cnn.progress import EpochProgress
from numpy_cnn.app.predictor import Prediction, Predictor, app_weights, find_weights
from numpy_cnn.gui.training import Progress, TrainingWindow, parse_progress, training_command
from numpy_cnn.gui.widgets import PROMPT
from numpy_cnn.layers import Dense, Flatten
from numpy_cnn.preprocess import EmptyImageError

REPO = Path(__file__).resolve().parent.parent
WEIGHTS = Path(os.environ.get("NUMPY_CNN_WEIGHTS", REPO / "weights" / "mnist_cnn.npz"))
EVENT_TIMEOUT = 5.0     # seconds to wait for the window to react


# ------------------------------------------------------------------ digits, as pen paths

def along(*corners, step=8):
    """The points a hand passes through, every `step` px, going from corner to corner."""
    points = [corners[0]]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:]):
        n = max(1, round(math.dist((x0, y0), (x1, y1)) / step))
        points += [(round(x0 + (x1 - x0) * i / n), round(y0 + (y1 - y0) * i / n))
                   for i in range(1, n + 1)]
    return points


ONE = along((140, 40), (140, 240))
SEVEN = along((70, 50), (210, 50), (120, 240))
ZERO = [(round(140 + 65 * math.sin(a)), round(140 - 100 * math.cos(a)))
        for a in np.linspace(0, 2 * math.pi, 40)]
BAR = along((60, 40), (220, 40))        # a horizontal stroke across the top
PLUS = [along((140, 50), (140, 230)), along((50, 140), (230, 140))]


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def model():
    if not WEIGHTS.is_file():
        pytest.fail(f"{WEIGHTS} is missing: train it with `python -m numpy_cnn.train --augment`")
    return numpy_cnn.load(WEIGHTS)


@pytest.fixture
def app(display, model):
    """The App in a real window on the virtual screen, ready for the pointer."""
    root = tk.Tk()
    app = App(root, Predictor(model))
    wait_until(root, lambda: root.winfo_viewable())
    root.focus_force()
    yield app
    root.destroy()


@pytest.fixture(autouse=True)
def free_closed_windows():
    """After each test, free its closed Tk windows in this thread: Tcl aborts the process if an
    interpreter is deleted by another thread (e.g. when the garbage collector happens to run in
    a helper thread of a later test)."""
    yield
    gc.collect()


# ------------------------------------------------------------------ driving the window

def wait_until(root, condition, timeout=EVENT_TIMEOUT):
    """Process Tk events until condition() is true; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the window did not react in time")
        root.update()
        time.sleep(0.002)


def xdotool(root, *args):
    """Run xdotool while Tk keeps processing the events it produces."""
    process = subprocess.Popen(["xdotool", *map(str, args)])
    wait_until(root, lambda: process.poll() is not None)
    assert process.returncode == 0, f"xdotool {args} failed"
    root.update()


def drag(app, points):
    """Press the left button at points[0], move through the others, release: one stroke."""
    x0, y0 = app.canvas.winfo_rootx(), app.canvas.winfo_rooty()
    path = ["mousemove", x0 + points[0][0], y0 + points[0][1], "mousedown", 1]
    for x, y in points[1:]:
        path += ["sleep", 0.005, "mousemove", x0 + x, y0 + y]
    strokes = len(app.drawing.strokes)
    xdotool(app.root, *path, "mouseup", 1)
    wait_until(app.root, lambda: len(app.drawing.strokes) == strokes + 1 and not app.pen_down)


def press(app, keys):
    """Type a key (e.g. "Return", "ctrl+z") into the window."""
    xdotool(app.root, "key", "--clearmodifiers", keys)


def click(app, widget):
    """Click the middle of a widget with the real pointer."""
    x = widget.winfo_rootx() + widget.winfo_width() // 2
    y = widget.winfo_rooty() + widget.winfo_height() // 2
    xdotool(app.root, "mousemove", x, y, "click", 1)


def shown(app):
    """The answer as the window shows it: (large digit text, message text)."""
    return app.answer.digit_label.cget("text"), app.answer.message_label.cget("text")


def button(app, text):
    """The button whose label starts with text."""
    found = [w for w in all_widgets(app.root)
             if isinstance(w, tk.Button) and w.cget("text").startswith(text)]
    assert len(found) == 1, f"no single button {text!r}"
    return found[0]


def all_widgets(widget):
    return [widget] + [w for child in widget.winfo_children() for w in all_widgets(child)]


# ------------------------------------------------------------------ Drawing (no window)

def ink(drawing):
    return np.asarray(drawing.image)


def test_strokes_are_painted_with_round_ends():
    drawing = Drawing(280)
    drawing.begin_stroke(50, 100, width=20)
    drawing.extend_stroke(200, 100)
    pixels = ink(drawing)
    assert (pixels[100, 50:201] == 255).all() and (pixels[91:110, 120] == 255).all()
    assert pixels[100, 205] == 255 and pixels[100, 45] == 255, "round caps beyond both ends"
    assert pixels[91, 41] == 0, "round, not square, caps"
    assert pixels[130, 120] == 0 and pixels.max() == 255


def test_undo_repaints_the_strokes_that_are_left():
    drawing, expected = Drawing(280), Drawing(280)
    for d in (drawing, expected):
        d.begin_stroke(*ONE[0], width=20)
        for point in ONE[1:]:
            d.extend_stroke(*point)
    drawing.begin_stroke(*BAR[0], width=30)
    drawing.extend_stroke(*BAR[-1])
    drawing.undo()
    assert len(drawing.strokes) == 1 and np.array_equal(ink(drawing), ink(expected))


def test_clear_and_undo_on_an_empty_drawing():
    drawing = Drawing(280)
    drawing.undo()
    drawing.begin_stroke(10, 10, width=5)
    drawing.clear()
    assert drawing.is_empty and ink(drawing).max() == 0


# ------------------------------------------------------------------ Predictor (no window)

def test_prediction_digit_confidence_and_doubt():
    p = np.array([0.05, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.45, 0.0, 0.0])
    prediction = Prediction(p, np.zeros((28, 28), np.float32))
    assert (prediction.digit, prediction.confidence, prediction.is_sure) == (1, 0.5, False)
    assert prediction.runner_up() == (7, 0.45)
    assert Prediction(np.eye(10)[3], np.zeros((28, 28))).is_sure
    assert Prediction(np.eye(10)[3], np.zeros((28, 28))).is_digit
    assert not Prediction(np.full(10, 0.1), np.zeros((28, 28))).is_digit


def test_predictor_reads_a_drawn_one(model):
    drawing = Drawing(280)
    drawing.begin_stroke(*ONE[0], width=20)
    drawing.extend_stroke(*ONE[-1])
    prediction = Predictor(model).predict(drawing.image)
    assert prediction.digit == 1 and prediction.network_input.shape == (28, 28)


def test_predictor_refuses_an_empty_drawing(model):
    with pytest.raises(EmptyImageError):
        Predictor(model).predict(Drawing(280).image)


def test_find_weights(tmp_path, monkeypatch):
    assert find_weights("my.npz") == Path("my.npz")
    monkeypatch.chdir(tmp_path)
    assert find_weights() == SHIPPED_WEIGHTS
    (tmp_path / "weights").mkdir()
    (tmp_path / "weights" / "mnist_cnn.npz").write_bytes(b"")
    assert find_weights() == SHIPPED_WEIGHTS   # a weights/ folder where you stand is not read


def test_without_shipped_weights_the_app_uses_its_own_run(tmp_path, monkeypatch,
                                                         private_user_dir):
    monkeypatch.setattr(predictor_module, "SHIPPED_WEIGHTS", tmp_path / "removed.npz")
    assert find_weights() == app_weights() == private_user_dir / "runs" / "app" / "mnist_cnn.npz"
    assert training_command(app_weights())[-4:] == ["--out", str(app_weights()),
                                                    "--progress-every", "1"]
    assert "--resume" in training_command(app_weights(), resume=True)


def test_progress_lines_of_the_training_command_are_understood():
    stream = io.StringIO()
    bar = EpochProgress(epoch=2, epochs=5, batches=860, stream=stream)
    for _ in range(350):
        bar.update(64, 0.0712, 60)
    assert parse_progress(bar.bar()) == Progress(2, 5, 350, 860, "0.0712")
    assert parse_progress(bar.bar()).fraction == pytest.approx((1 + 350 / 860) / 5)
    assert parse_progress("epoch 2/5  lr 5.00e-04  train loss 0.0712 acc 97.81%") is None


# ------------------------------------------------------------------ the real window

def test_window_opens_with_the_prompt(app):
    assert shown(app) == ("", PROMPT)
    assert app.root.title() == TITLE


@pytest.mark.parametrize("digit, path", [("1", ONE), ("7", SEVEN), ("0", ZERO)])
def test_drawing_a_digit_with_the_mouse_shows_it(app, digit, path):
    drag(app, path)
    assert shown(app)[0] == digit, f"drew a {digit}, the window shows {shown(app)}"
    assert len(app.canvas.find_all()) == 1 and ink(app.drawing).max() == 255


def test_undo_with_ctrl_z_and_clear_with_escape(app):
    drag(app, ONE)
    after_one = ink(app.drawing).copy()
    drag(app, BAR)
    assert len(app.drawing.strokes) == 2 and not np.array_equal(ink(app.drawing), after_one)
    press(app, "ctrl+z")
    assert len(app.drawing.strokes) == 1 and len(app.canvas.find_all()) == 1
    assert np.array_equal(ink(app.drawing), after_one) and shown(app)[0] == "1"
    press(app, "Escape")
    assert app.drawing.is_empty and not app.canvas.find_all() and ink(app.drawing).max() == 0
    assert shown(app) == ("", PROMPT)


def test_undo_and_clear_buttons(app):
    drag(app, ONE)
    drag(app, BAR)
    click(app, button(app, "Undo"))
    assert len(app.drawing.strokes) == 1
    click(app, button(app, "Clear"))
    assert app.drawing.is_empty and shown(app) == ("", PROMPT)


def test_predict_on_an_empty_canvas_shows_the_prompt(app):
    drag(app, ONE)
    press(app, "Escape")
    click(app, button(app, "Predict"))
    assert shown(app) == ("", PROMPT)
    press(app, "Return")
    assert shown(app) == ("", PROMPT)


def test_without_predict_after_each_stroke_enter_predicts(app):
    app.predict_after_stroke.set(False)
    drag(app, ONE)
    assert shown(app) == ("", PROMPT)
    press(app, "Return")
    assert shown(app)[0] == "1"


class FixedAnswer:
    """A stand-in Predictor that always gives these ten probabilities."""

    def __init__(self, probabilities):
        self.probabilities = np.array(probabilities)

    def predict(self, image):
        return Prediction(self.probabilities, np.zeros((28, 28), np.float32))


def shown_for(probabilities):
    """(digit, message) the app shows after a stroke when the network answers probabilities."""
    root = tk.Tk()
    app = App(root, FixedAnswer(probabilities))
    app.draw(ONE)
    root.update()
    answer = shown(app)
    root.destroy()
    return answer


def test_a_doubtful_answer_says_it_is_unsure(display):
    # Hesitating between 1 (52%) and 7 (38%).
    digit, message = shown_for([0.02, 0.52, 0.0, 0.0, 0.0, 0.0, 0.0, 0.38, 0.08, 0.0])
    assert digit == "1?" and message.startswith("Not sure") and "7 (38%)" in message


def test_a_drawing_that_is_no_digit_is_called_so(display):
    # A drawing that is no digit: nothing above 25%.
    digit, message = shown_for([0.05, 0.22, 0.05, 0.05, 0.25, 0.08, 0.05, 0.15, 0.05, 0.05])
    assert message.startswith("Not a digit") and "4, 25%" in message and digit not in "0123456789"


def test_a_plus_drawn_with_the_mouse_is_not_a_digit(app):
    for stroke in PLUS:
        drag(app, stroke)
    assert shown(app)[1].startswith("Not a digit"), shown(app)


def test_training_window_shows_the_commands_output(display):
    root = tk.Tk()
    script = "import time\nfor i in range(3):\n    print(f'epoch {i + 1}/3'); time.sleep(0.05)"
    window = TrainingWindow(root, [sys.executable, "-c", script])
    root.wait_window(window)
    root.destroy()
    assert window.returncode == 0
    assert list(window.last_lines) == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]


# ------------------------------------------------------------------ python -m gui

def test_python_m_gui_opens_the_window(display, model):
    """(How fast it opens is measured by benchmarks/app_speed.py.)"""
    process = subprocess.Popen([sys.executable, "-m", "numpy_cnn.gui", "--weights", str(WEIGHTS)], cwd=REPO)
    try:
        subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", TITLE],
                       check=True, timeout=20, stdout=subprocess.DEVNULL)
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_unusable_weights_are_reported_without_a_traceback(display, tmp_path, monkeypatch,
                                                           capsys):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not an npz file")
    dialogs = []
    monkeypatch.setattr(gui_main.messagebox, "showerror", lambda *args, **kw: dialogs.append(args))
    assert gui_main.main(["--weights", str(bad)]) == 1
    stderr = capsys.readouterr().err
    assert str(bad) in stderr and "Traceback" not in stderr
    assert len(dialogs) == 1 and str(bad) in dialogs[0][1]


def test_weights_of_a_network_that_does_not_read_digits_are_reported(display, tmp_path,
                                                                     monkeypatch, capsys):
    five = numpy_cnn.Sequential([Flatten(name="f"), Dense(784, 5, name="d",
                                                          rng=np.random.default_rng(0))])
    numpy_cnn.save(five, tmp_path / "five.npz")
    dialogs = []
    monkeypatch.setattr(gui_main.messagebox, "showerror", lambda *args, **kw: dialogs.append(args))
    assert gui_main.main(["--weights", str(tmp_path / "five.npz")]) == 1
    assert len(dialogs) == 1 and "10 classes out" in dialogs[0][1]
    assert "Traceback" not in capsys.readouterr().err


def test_missing_weights_declined_exits_with_the_training_command(display, tmp_path,
                                                                  monkeypatch, capsys):
    monkeypatch.setattr(gui_main.messagebox, "askyesno", lambda *args, **kw: False)
    assert gui_main.main(["--weights", str(tmp_path / "none.npz")]) == 1
    assert "numpy_cnn.train" in capsys.readouterr().err


def test_missing_weights_accepted_trains_then_opens(display, tmp_path, monkeypatch):
    """Yes to training: the training command runs (here a quick stand-in), then the app opens."""
    weights = tmp_path / "new.npz"
    stand_in = ("import sys, numpy as np, numpy_cnn\n"
                "print('epoch 1/1 done', flush=True)\n"
                "numpy_cnn.save(numpy_cnn.build_reference_model(np.random.default_rng(0)), "
                "sys.argv[1])")
    opened = []

    def open_then_close(root, predictor):
        opened.append(App(root, predictor))
        root.after(100, root.destroy)

    monkeypatch.setattr(gui_main.messagebox, "askyesno", lambda *args, **kw: True)
    monkeypatch.setattr(gui_main, "training_command",
                        lambda path, resume=False: [sys.executable, "-c", stand_in, str(path)])
    monkeypatch.setattr(gui_main, "App", open_then_close)
    assert gui_main.main(["--weights", str(weights)]) == 0
    assert weights.is_file() and len(opened) == 1



# ------------------------------------------------------------------ training from the app

TINY = ["--limit", "256", "--val-split", "128", "--test-limit", "128", "--workers", "1"]


def test_training_window_shows_epoch_batch_loss_and_time_left(display):
    root = tk.Tk()
    window = TrainingWindow(root, [sys.executable, "-c", "import time; time.sleep(30)"])
    window.show_progress(Progress(1, 5, 43, 430, "0.3121"), now=100.0)
    window.show_progress(Progress(1, 5, 86, 430, "0.2500"), now=110.0)   # 2% more in 10 s
    text, value = window.status.cget("text"), float(window.progress["value"])
    window.stop()
    root.wait_window(window)
    root.destroy()
    assert text == "Epoch 1 of 5, batch 86 of 430, loss 0.2500, about 8:00 left"   # 96% at 2%/10 s
    assert value == pytest.approx(0.04) and window.stopped


def test_training_window_keeps_progress_lines_out_of_its_log_and_wraps_long_lines(display):
    root = tk.Tk()
    script = ("print('epoch 1/2 [====>...]  1/3 batches  loss 0.9000  acc 10.00%  ETA 0:02')\n"
              "print('epoch 1/2  lr 1.00e-03  ' + 'x' * 300)")
    window = TrainingWindow(root, [sys.executable, "-c", script])
    wrap = window.output.cget("wrap")
    root.wait_window(window)
    root.destroy()
    assert window.returncode == 0 and wrap == "word"
    assert list(window.last_lines) == ["epoch 1/2  lr 1.00e-03  " + "x" * 300]


def answer(monkeypatch, *answers):
    """Answer the app's yes/no questions in turn; returns the list of (title, question) asked."""
    asked, replies = [], list(answers)

    def askyesno(title, question, **kw):
        asked.append((title, question))
        return replies.pop(0)
    monkeypatch.setattr(gui_main.messagebox, "askyesno", askyesno)
    return asked


def test_a_failed_training_gets_a_dialog_that_fits_on_screen(display, tmp_path, monkeypatch,
                                                             capsys):
    script = "for i in range(40):\n    print(f'line {i} ' + 'y' * 300)\nraise SystemExit(3)"
    answer(monkeypatch, True)
    monkeypatch.setattr(gui_main, "training_command",
                        lambda path, resume=False: [sys.executable, "-c", script])
    dialogs = []
    monkeypatch.setattr(gui_main.messagebox, "showerror", lambda *args, **kw: dialogs.append(args))
    assert gui_main.main(["--weights", str(tmp_path / "new.npz")]) == 1
    (title, message), = dialogs
    assert title == "Training did not finish" and "\n" not in message and len(message) < 260
    assert message.startswith("Training failed (exit status 3): line 39 yyy")
    assert "line 30 " in capsys.readouterr().err          # the details go to the terminal


def test_stop_keeps_the_checkpoint_and_the_next_launch_offers_to_resume(display, tmp_path,
                                                                        monkeypatch, capsys):
    """With the real training command, on a few images: Stop once epoch 1 of 20 is done; then a
    launch that declines to resume; then one that resumes (one epoch more) and opens the app.
    An epoch of these few images is short: on a busy machine the next one may end before the
    stop arrives, so the test reads which epoch the run stopped after."""
    weights = tmp_path / "mine.npz"
    stopped = {}

    def command(path, resume=False):
        extra = ["--epochs", str(stopped["after"] + 1)] if resume else TINY + ["--epochs", "20"]
        return training_command(path, resume) + extra

    class StopAfterFirstEpoch(TrainingWindow):
        def _append(self, line):
            super()._append(line)
            if line.startswith("epoch 1/20"):
                self.stop_button.invoke()
    monkeypatch.setattr(gui_main, "training_command", command)
    monkeypatch.setattr(gui_main, "TrainingWindow", StopAfterFirstEpoch)
    dialogs, opened = [], []
    monkeypatch.setattr(gui_main.messagebox, "showerror", lambda *args, **kw: dialogs.append(args))
    monkeypatch.setattr(gui_main, "App", lambda root, predictor: (opened.append(predictor),
                                                                   root.after(50, root.destroy)))
    asked = answer(monkeypatch, True, False, True)

    assert gui_main.main(["--weights", str(weights)]) == 1
    ckpt = train_module.checkpoint_path(weights)
    assert dialogs[0][0] == "Training stopped"
    after = re.search(r"after epoch (\d+) of 20", dialogs[0][1])
    assert after and 1 <= int(after.group(1)) < 20, dialogs[0][1]
    stopped["after"] = int(after.group(1))
    assert str(ckpt) in dialogs[0][1] and "offers to resume" in dialogs[0][1]
    assert ckpt.is_file() and not weights.exists()
    assert train_module.read_checkpoint(ckpt)[0]["epochs_done"] == stopped["after"]

    assert gui_main.main(["--weights", str(weights)]) == 1            # declines to resume
    assert asked[1][0] == "Resume training?"
    assert f"after epoch {stopped['after']} of 20" in asked[1][1]
    assert "--resume" in capsys.readouterr().err and ckpt.is_file()

    assert gui_main.main(["--weights", str(weights)]) == 0            # resumes, then opens
    assert weights.is_file() and len(opened) == 1
    assert train_module.read_checkpoint(ckpt)[0]["epochs_done"] == stopped["after"] + 1


def run_app(args, display):
    env = dict(os.environ, DISPLAY=display)
    return subprocess.Popen([sys.executable, "-m", "numpy_cnn.gui", *args], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_window(title):
    """The X id of the visible window called `title`, once there is one."""
    done = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", title],
                          check=True, timeout=30, capture_output=True, text=True)
    return done.stdout.split()[0]


def test_ctrl_c_closes_the_app_at_once_with_one_line(display, model):
    process = run_app(["--weights", str(WEIGHTS)], display)
    try:
        wait_for_window(TITLE)
        time.sleep(0.3)                      # no event comes from now on: the app sits idle
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=3)
    finally:
        process.kill()
    assert process.returncode == 130 and err == "gui: interrupted (Ctrl-C).\n"


def test_ctrl_c_keeps_a_run_of_watch_it_learn(display, tmp_path):
    home = tmp_path / "home"
    env = dict(os.environ, NUMPY_CNN_HOME=str(home), DISPLAY=display)
    process = subprocess.Popen([sys.executable, "-m", "numpy_cnn.gui", "--weights", str(WEIGHTS)],
                               env=env, cwd=REPO, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        window = wait_for_window(TITLE)
        subprocess.run(["xdotool", "windowfocus", "--sync", window, "key", "l"],
                       check=True, timeout=10, capture_output=True)
        wait_for_window(LEARN_TITLE)
        time.sleep(2)                        # the run starts and trains a little
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=40)
    finally:
        process.kill()
    assert process.returncode == 130 and err == "gui: interrupted (Ctrl-C).\n"
    saved = list((home / "runs").glob("watch-*/mnist_cnn.npz"))
    assert len(saved) == 1, list(home.rglob("*"))
    numpy_cnn.load(saved[0])


def test_ctrl_c_while_training_stops_the_training_too(display, tmp_path):
    process = run_app(["--weights", str(tmp_path / "new.npz")], display)
    try:
        question = wait_for_window("No trained network")
        subprocess.run(["xdotool", "windowfocus", "--sync", question, "key", "Return"],
                       check=True, timeout=10, capture_output=True)   # "Yes", the default
        wait_for_window("Training the network")
        process.send_signal(signal.SIGINT)   # to the app alone: it interrupts the training itself
        _, err = process.communicate(timeout=40)
    finally:
        process.kill()
    assert process.returncode == 130 and len(err.splitlines()) == 1
    assert err.startswith("gui: interrupted (Ctrl-C). The training stopped")
