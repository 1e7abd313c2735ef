"""Correct it and Teach it (gui.teach, gui.review), in the real window on a virtual screen,
driven by the X pointer and keyboard as in test_gui: a correction lands in the right folder
and never over another, the review window deletes, and a Teach makes the app read the drawing
as the user said -- in its own weights file, never over the shipped ones."""
import hashlib

import numpy as np
import pytest
# first: test_gui skips these tests where tkinter is missing (and fails them when $CI is set)
from test_gui import ONE, SEVEN, WEIGHTS, click, drag, press, shown, wait_until

import tkinter as tk  # noqa: E402
from PIL import Image  # noqa: E402

import numpy_cnn  # noqa: E402
from numpy_cnn.gui import __main__ as gui_main  # noqa: E402
from numpy_cnn.gui.app import App  # noqa: E402
from numpy_cnn.app.predictor import Predictor, find_weights  # noqa: E402
from numpy_cnn.paths import SHIPPED_WEIGHTS, taught_weights  # noqa: E402

TEACH_TIMEOUT = 120.0      # seconds: a process, MNIST, a few batches, on a busy machine
# A Teach of a few batches, the user's digit weighing a lot: enough to learn one drawing.
QUICK_TEACH = dict(batches=30, every=5, lr=1e-3, extra_fraction=0.5, outlier_bank=20)


@pytest.fixture(scope="module")
def model():
    return numpy_cnn.load(WEIGHTS)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """The user's numpy-cnn folder, of this test alone (Teach's process inherits it)."""
    monkeypatch.setenv("NUMPY_CNN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def app(display, model, home):
    root = tk.Tk()
    app = App(root, Predictor(model, WEIGHTS))
    wait_until(root, lambda: root.winfo_viewable())
    root.focus_force()
    yield app
    app.teach.close()
    if app.teach.review is not None:
        app.teach.review.close()
    root.destroy()


def saved(home):
    """{digit: [file names]} of the user's saved digits."""
    folder = home / "my_digits"
    return {int(d.name): sorted(p.name for p in d.iterdir())
            for d in sorted(folder.iterdir()) if any(d.iterdir())} if folder.exists() else {}


def counts_shown(app):
    return [int(label.cget("text")) for label in app.teach.count_labels]


def test_clicking_the_right_digit_saves_the_drawing_in_its_folder(app, home):
    drag(app, SEVEN)
    click(app, app.teach.digit_buttons[1])
    ((digit, (name,)),) = saved(home).items()
    assert digit == 1 and name.endswith(".png")
    with Image.open(home / "my_digits" / "1" / name) as png:
        assert np.array_equal(np.asarray(png), np.asarray(app.drawing.image))
    assert counts_shown(app) == [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert "Saved as a 1" in app.teach.status.cget("text")

    click(app, app.teach.digit_buttons[7])      # a mis-click mended: the same drawing moves
    assert list(saved(home)) == [7] and counts_shown(app)[1] == 0

    drag(app, ONE)                              # another drawing, typed: a file of its own
    press(app, "7")
    assert len(saved(home)[7]) == 2 and counts_shown(app)[7] == 2
    press(app, "Escape")
    press(app, "4")                             # nothing drawn: nothing saved
    assert sum(counts_shown(app)) == 2 and "Draw a digit first" in app.teach.status.cget("text")


def test_the_review_window_shows_the_digits_and_deletes_the_selected(app, home):
    drag(app, SEVEN)
    app.teach.correct(7)
    press(app, "Escape")
    drag(app, ONE)
    app.teach.correct(2)
    click(app, app.teach.review_button)
    review = app.teach.review
    wait_until(app.root, lambda: review.winfo_viewable())
    readings = {path.parent.name: label.cget("text") for path, (_, label) in review.cells.items()}
    assert readings == {"7": "7", "2": "1"}      # what the network reads in each, now
    (two,) = [path for path in review.cells if path.parent.name == "2"]
    click(app, review.cells[two][0])
    assert review.selected == {two} and review.delete_button.cget("text") == "Delete (1)"
    click(app, review.delete_button)
    assert not two.exists() and list(saved(home)) == [7]
    assert len(review.cells) == 1 and counts_shown(app) == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]


def test_draw_correct_teach_and_see_the_taught_answer(app, home):
    """The whole story with the real pointer: a 7 the user says is a 1; Teach; the app reads
    a 1, from its own weights file; Back to the shipped weights reads a 7 again."""
    shipped_hash = hashlib.sha256(SHIPPED_WEIGHTS.read_bytes()).hexdigest()
    drag(app, SEVEN)
    assert shown(app)[0] == "7"
    click(app, app.teach.digit_buttons[1])
    app.teach.settings = QUICK_TEACH
    click(app, app.teach.teach_button)
    assert app.teach.teaching is not None and app.teach.teach_button.cget("text").startswith("Stop")
    wait_until(app.root, lambda: app.teach.teaching is None, timeout=TEACH_TIMEOUT)
    status = app.teach.status.cget("text")
    assert status.startswith("Read right before: 0 of your 1 digits; after: 1 of 1"), status
    assert shown(app)[0] == "1"
    assert taught_weights().is_file() and taught_weights().parent.parent == home
    assert hashlib.sha256(SHIPPED_WEIGHTS.read_bytes()).hexdigest() == shipped_hash
    assert find_weights() == taught_weights(), "the next start loads what Teach made"

    click(app, app.teach.shipped_button)
    assert shown(app)[0] == "7" and not taught_weights().exists()
    (kept,) = taught_weights().parent.glob("mnist_cnn-set-aside-*.npz")
    assert numpy_cnn.load(kept) and str(kept) in app.teach.status.cget("text")
    assert app.teach.shipped_button.cget("state") == "disabled"


def test_teach_without_saved_digits_says_what_to_do(app, home):
    press(app, "t")
    assert app.teach.teaching is None
    assert "Correct a few digits first" in app.teach.status.cget("text")


def test_unusable_taught_weights_are_passed_over_for_the_shipped_ones(display, home, capsys):
    taught_weights().parent.mkdir(parents=True)
    taught_weights().write_bytes(b"not weights")
    root = tk.Tk()
    try:
        model, weights = gui_main.load_model(root, find_weights(), ctrl_c=None)
    finally:
        root.destroy()
    assert model is not None and "reading with the shipped weights" in capsys.readouterr().err
    assert weights == SHIPPED_WEIGHTS


# ------------------------------------------------------------------ issue 23

def test_with_teachs_weights_unreadable_the_window_says_the_shipped_ones(display, home, capsys):
    taught_weights().parent.mkdir(parents=True)
    taught_weights().write_bytes(b"")                       # truncated
    root = tk.Tk()
    try:
        model, weights = gui_main.load_model(root, find_weights(), ctrl_c=None)
        app = App(root, Predictor(model, weights))
        status = app.teach.status.cget("text")
    finally:
        root.destroy()
    assert "Teach made" not in status and "reads with the shipped weights" in status, status


def test_one_file_too_large_to_open_does_not_hide_the_other_digits(app, home, monkeypatch,
                                                                   capsys):
    drag(app, SEVEN)
    app.teach.correct(7)
    big = home / "my_digits" / "1" / "huge.png"
    big.parent.mkdir(parents=True)
    Image.new("L", (200, 200), 255).save(big)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)    # 200x200 is a "bomb" now
    review = app.teach.open_review()
    readings = {path.name: label.cget("text") for path, (_, label) in review.cells.items()}
    assert readings["huge.png"] == "unreadable" and len(readings) == 2
    assert review.heading.cget("text").startswith("2 digits in")
    assert "too large" in capsys.readouterr().err


def test_a_digit_that_cannot_be_deleted_is_said_in_the_window(app, home, monkeypatch):
    drag(app, SEVEN)
    app.teach.correct(7)
    review = app.teach.open_review()
    (path,) = review.cells
    review.toggle(path)

    def refuse(self, missing_ok=False):
        raise PermissionError(13, "Permission denied", str(self))
    monkeypatch.setattr(type(path), "unlink", refuse)          # as a read-only folder would
    click(app, review.delete_button)
    assert path.exists() and review.selected == {path}
    said = review.problem.cget("text")
    assert said.startswith("Could not delete 1 of them: Permission denied") and str(path) in said
    assert review.problem.winfo_ismapped()


def test_back_to_the_shipped_weights_when_another_window_did_it_already(app, home):
    taught_weights().parent.mkdir(parents=True)
    taught_weights().write_bytes(SHIPPED_WEIGHTS.read_bytes())
    app.teach.refresh_counts()
    assert app.teach.shipped_button.cget("state") == "normal"
    taught_weights().rename(taught_weights().with_name("set-aside-by-the-other.npz"))
    before = app.predictor.model
    click(app, app.teach.shipped_button)
    status = app.teach.status.cget("text")
    assert status.startswith("Back to the shipped weights.") and "set aside already" in status
    assert app.predictor.model is not before                  # reloaded
    assert app.teach.shipped_button.cget("state") == "disabled"


def test_teach_with_a_home_it_cannot_write_says_so_before_teaching(app, home):
    drag(app, SEVEN)
    app.teach.correct(7)
    taught_weights().parent.parent.mkdir(parents=True, exist_ok=True)
    taught_weights().parent.write_text("a file where my_weights/ should be")
    press(app, "t")
    assert app.teach.teaching is None
    status = app.teach.status.cget("text")
    assert status.startswith("Teach cannot start") and str(taught_weights()) in status


def test_the_teach_button_keeps_its_width_and_the_counts_say_what_is_taught(app, home):
    width = app.teach.teach_button.winfo_reqwidth()
    app.teach.teach_button.config(text="Stop teaching (T)")
    assert app.teach.teach_button.winfo_reqwidth() == width
    app.teach.teach_button.config(text="Teach it (T)")
    app.teach.total = 1
    app.teach._on_ready({"digits": 1, "before": np.array([True]), "notes": []})
    assert "Teaching on your 1 digit (" in app.teach.status.cget("text")
    app.teach.total = 17
    app.teach._on_ready({"digits": 13, "before": np.zeros(13, bool), "notes": []})
    assert "Teaching on 13 of your 17 digits (4 cannot be read" in app.teach.status.cget("text")
