"""Tests of benchmarks.handwriting_sets: the drawings the handwriting benchmark measures on.

How well the network reads them is the benchmark's business (benchmarks/handwriting.py), not a
test's: here, what the sets are made of. The pendigits, Chars74K and Quick, Draw! tests read
../shared/<name> (beside the repository, as in CI) or $NUMPY_CNN_PENDIGITS, $NUMPY_CNN_CHARS74K or
$NUMPY_CNN_QUICKDRAW, and are skipped if neither is there.
"""
import gzip
import json
import string
from pathlib import Path

import numpy as np
import pytest
from benchmarks import handwriting_sets as hs
from numpy_cnn.gui.app import CANVAS_SIZE, DEFAULT_PEN_WIDTH, PEN_WIDTHS
from numpy_cnn.app.drawing import Drawing

PENDIGITS = hs.default_pendigits_dir()
CHARS74K = hs.default_chars74k_dir()
QUICKDRAW = hs.default_quickdraw_dir()


@pytest.fixture(scope="module")
def pendigits_folder():
    if not (PENDIGITS / "pendigits_dyn_train.csv").is_file():
        pytest.skip(f"no pendigits at {PENDIGITS}: put shared/pendigits beside the repository "
                    f"or set ${hs.PENDIGITS_VARIABLE}")
    return PENDIGITS


@pytest.fixture(scope="module")
def pendigits(pendigits_folder):
    return hs.pendigits_set(np.random.default_rng(0), pendigits_folder)


@pytest.fixture(scope="module")
def chars74k_folder():
    if not (CHARS74K / hs.CHARS74K_FILE).is_file():
        pytest.skip(f"no Chars74K at {CHARS74K}: put shared/chars74k beside the repository "
                    f"or set ${hs.CHARS74K_VARIABLE}")
    return CHARS74K


@pytest.fixture(scope="module")
def quickdraw_folder():
    if not (QUICKDRAW / hs.QUICKDRAW_FILE).is_file():
        pytest.skip(f"no Quick, Draw! at {QUICKDRAW}: put shared/quickdraw beside the repository "
                    f"or set ${hs.QUICKDRAW_VARIABLE}")
    return QUICKDRAW


@pytest.fixture(scope="module")
def chars74k_digits(chars74k_folder):
    return hs.chars74k_set(np.random.default_rng(0), chars74k_folder)


@pytest.fixture(scope="module")
def styles():
    return hs.style_set(np.random.default_rng(0))


@pytest.fixture(scope="module")
def non_digits():
    return hs.non_digit_set(np.random.default_rng(0))


def same_drawings(a, b):
    return len(a) == len(b) and all(
        len(x) == len(y) and all(wx == wy and np.array_equal(px, py)
                                 for (wx, px), (wy, py) in zip(x, y))
        for x, y in zip(a.drawings, b.drawings))


def ink_box(image):
    """(top, left, bottom, right) of the inked pixels of an image, inclusive."""
    pixels = np.asarray(image)
    rows = np.flatnonzero(pixels.any(axis=1))
    cols = np.flatnonzero(pixels.any(axis=0))
    return rows[0], cols[0], rows[-1], cols[-1]


def assert_inside_canvas(drawn):
    """Every stroke, pen included, keeps MARGIN pixels from the canvas edge."""
    for i, strokes in enumerate(drawn.drawings):
        for pen, points in strokes:
            low, high = points.min() - pen / 2, points.max() + pen / 2
            assert low >= hs.MARGIN - 1 and high <= CANVAS_SIZE - hs.MARGIN + 1, \
                f"{drawn.name} {i} ({drawn.kinds[i]}) leaves the canvas: {low}..{high}"


def assert_painted_inside(drawn, indices):
    """The painted images have ink, and none on the canvas's border."""
    for i in indices:
        pixels = np.asarray(drawn.image(i))
        assert pixels.shape == (CANVAS_SIZE, CANVAS_SIZE) and pixels.max() == 255, (drawn.name, i)
        border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
        assert not border.any(), f"{drawn.name} {i} ({drawn.kinds[i]}) touches the edge"


# ------------------------------------------------------------------ curves and placing

def test_smooth_passes_through_its_points():
    points = [(0.0, 0.0), (0.3, 0.5), (0.1, 0.9), (0.8, 1.0)]
    curve = hs.smooth(*points, samples=5)
    assert len(curve) == 5 * 3 + 1
    assert np.allclose(curve[::5], points)


def test_arc_goes_from_start_to_end_angle_on_the_ellipse():
    curve = hs.arc((1.0, 2.0), (0.5, 0.25), 0, -90)      # right, then up (anticlockwise)
    assert np.allclose(curve[0], (1.5, 2.0)) and np.allclose(curve[-1], (1.0, 1.75))
    assert np.allclose((((curve - (1.0, 2.0)) / (0.5, 0.25)) ** 2).sum(axis=1), 1)


def test_densify_keeps_the_corners_and_shortens_the_steps():
    polyline = hs.line((0.0, 0.0), (1.0, 0.0), (1.0, 0.5))
    dense = hs.densify(polyline, step=0.1)
    assert np.linalg.norm(np.diff(dense, axis=0), axis=1).max() <= 0.1 + 1e-12
    for corner in polyline:
        assert np.isclose(dense, corner).all(axis=1).any()


def test_place_puts_the_drawing_at_its_height_and_keeps_it_on_the_canvas():
    bar = [hs.line((0.0, 0.0), (0.0, 1.0))]
    rng = np.random.default_rng(0)
    (pen, points), = hs.place(bar, hs.Pose(height=150, where=(0.0, 0.0)), rng)
    assert pen == DEFAULT_PEN_WIDTH
    assert points[:, 1].max() - points[:, 1].min() == 150
    assert points.min() == hs.MARGIN + pen // 2                 # top-left corner of the room
    (pen, points), = hs.place(bar, hs.Pose(height=1000, pen=40), rng)   # too big: shrunk
    assert points.min() - pen / 2 >= hs.MARGIN and points.max() + pen / 2 <= CANVAS_SIZE - hs.MARGIN


def test_slant_moves_the_top_right():
    bar = [hs.line((0.0, 0.0), (0.0, 1.0))]
    (_, points), = hs.place(bar, hs.Pose(height=200, slant=0.5), np.random.default_rng(0))
    top, bottom = points[np.argmin(points[:, 1])], points[np.argmax(points[:, 1])]
    assert top[0] - bottom[0] == 100


def test_render_paints_like_the_app():
    strokes = [(20, np.array([[50, 60], [120, 200], [200, 80]])), (6, np.array([[30, 250]]))]
    app = Drawing(CANVAS_SIZE)
    app.begin_stroke(50, 60, width=20)
    app.extend_stroke(120, 200)
    app.extend_stroke(200, 80)
    app.begin_stroke(30, 250, width=6)
    assert np.array_equal(np.asarray(hs.render(strokes)), np.asarray(app.image))


# ------------------------------------------------------------------ determinism

@pytest.mark.parametrize("make, made", [(hs.style_set, "styles"), (hs.non_digit_set, "non_digits")])
def test_generated_sets_are_deterministic_given_the_generator(make, made, request):
    first = request.getfixturevalue(made)                      # made with default_rng(0)
    again, other = make(np.random.default_rng(0)), make(np.random.default_rng(1))
    assert same_drawings(first, again)
    assert np.array_equal(first.labels, again.labels) and np.array_equal(first.kinds, again.kinds)
    assert not same_drawings(first, other)
    assert np.array_equal(np.asarray(first.image(3)), np.asarray(again.image(3)))


def test_pendigits_set_is_deterministic_given_the_generator(pendigits, pendigits_folder):
    first = pendigits                                          # made with default_rng(0)
    again = hs.pendigits_set(np.random.default_rng(0), pendigits_folder)
    other = hs.pendigits_set(np.random.default_rng(1), pendigits_folder)
    assert same_drawings(first, again) and not same_drawings(first, other)


def test_subset_keeps_labels_kinds_and_drawings_together(styles):
    picked = styles.subset([5, 400, 7])
    assert len(picked) == 3 and list(picked.labels) == [styles.labels[i] for i in (5, 400, 7)]
    assert list(picked.kinds) == [styles.kinds[i] for i in (5, 400, 7)]
    assert picked.drawings[1] is styles.drawings[400]


# ------------------------------------------------------------------ pendigits

def test_pendigits_are_read_as_the_readme_says(pendigits_folder):
    points, labels = hs.read_pendigits(pendigits_folder)
    assert points.shape == (7494, 8, 2) and labels.shape == (7494,)
    assert set(labels.tolist()) == set(range(10))
    assert points.min() == 0 and points.max() == 100
    # every digit spans the whole 0..100 box in both directions
    assert np.all(points.min(axis=1) == 0) and np.all(points.max(axis=1) == 100)


def test_pendigits_y_points_down_after_reading(pendigits_folder):
    """A 7 starts with its bar at the top; a 1, 2 and 4 end at the bottom (y grows downwards)."""
    points, labels = hs.read_pendigits(pendigits_folder)
    sevens = points[labels == 7]
    assert np.mean(sevens[:, 0, 1] < 25) > 0.8, "a 7 should start at the top"
    bar = sevens[:, 1] - sevens[:, 0]                  # the first segment: the bar, going right
    assert np.mean((bar[:, 0] > 0) & (np.abs(bar[:, 1]) < bar[:, 0])) > 0.7
    for digit in (1, 2, 4):
        assert np.mean(points[labels == digit][:, -1, 1] > 75) > 0.8, digit


def test_pendigits_zero_is_written_as_ten_in_the_shared_file_and_read_as_zero(pendigits_folder):
    raw = np.loadtxt(pendigits_folder / "pendigits_label_train.csv", dtype=np.int64)
    _, labels = hs.read_pendigits(pendigits_folder)
    assert np.array_equal(labels, np.where(raw == 10, 0, raw))


def test_pendigits_are_drawn_as_one_polyline_at_a_plausible_size(pendigits):
    assert len(pendigits) == 7494
    widths, heights = [], []
    for strokes, digit in zip(pendigits.drawings, pendigits.labels):
        (pen, points), = strokes
        assert pen == DEFAULT_PEN_WIDTH and points.shape == (8, 2)
        width, height = np.ptp(points, axis=0)
        low, high = hs.PENDIGITS_ASPECT[int(digit)]
        assert low * height - 2 <= width <= high * height + 2
        widths.append(width)
        heights.append(height)
    assert hs.PENDIGITS_HEIGHT[0] - 1 <= min(heights) and max(heights) <= hs.PENDIGITS_HEIGHT[1] + 1
    ones = pendigits.labels == 1
    assert np.mean(np.array(widths)[ones]) < 0.5 * np.mean(np.array(widths)[~ones])
    assert_inside_canvas(pendigits)


def test_rendered_pendigits_have_ink_inside_the_canvas(pendigits):
    assert_painted_inside(pendigits, range(0, len(pendigits), 50))


def test_a_rendered_pendigit_seven_has_its_bar_at_the_top(pendigits):
    sevens = np.flatnonzero(pendigits.labels == 7)[:40]
    wider_at_top = 0
    for i in sevens:
        pixels = np.asarray(pendigits.image(i)) > 0
        top, _, bottom, _ = ink_box(pixels)
        band = max(1, (bottom - top) // 5)
        width = lambda rows: np.ptp(np.flatnonzero(rows.any(axis=0)))    # noqa: E731
        wider_at_top += width(pixels[top:top + band]) > width(pixels[bottom - band:bottom + 1])
    assert wider_at_top / len(sevens) > 0.8


def test_missing_pendigits_folder_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        hs.pendigits_set(np.random.default_rng(0), tmp_path)


def test_mismatched_pendigits_files_are_refused(tmp_path):
    (tmp_path / "pendigits_dyn_train.csv").write_text("0," * 15 + "0\n" + "1," * 15 + "1\n")
    (tmp_path / "pendigits_label_train.csv").write_text("3\n")
    with pytest.raises(ValueError, match="expected N rows"):
        hs.read_pendigits(tmp_path)


# ------------------------------------------------------------------ Chars74K

def test_shared_folders_follow_their_environment_variables(monkeypatch, tmp_path):
    for variable, default in [(hs.PENDIGITS_VARIABLE, hs.default_pendigits_dir),
                              (hs.CHARS74K_VARIABLE, hs.default_chars74k_dir),
                              (hs.QUICKDRAW_VARIABLE, hs.default_quickdraw_dir)]:
        monkeypatch.setenv(variable, str(tmp_path / variable))
        assert default() == tmp_path / variable
        monkeypatch.delenv(variable)
        name = variable.removeprefix("NUMPY_CNN_").lower()
        assert default().parts[-2:] == ("shared", name)
        assert default().parent.parent == Path(hs.__file__).resolve().parent.parent.parent


def test_chars74k_is_read_as_the_readme_says(chars74k_folder):
    drawings = hs.read_chars74k(chars74k_folder)
    assert len(drawings) == 3410
    labels = [label for label, _, _ in drawings]
    assert sorted(set(labels)) == sorted("0123456789" + string.ascii_letters)
    assert all(labels.count(c) == 55 for c in set(labels))
    assert len({writer for _, writer, _ in drawings}) == 55
    for _, _, strokes in drawings[::97]:
        assert all(s.ndim == 2 and s.shape[1] == 2 and len(s) for s in strokes)


def test_look_alikes_are_letters_of_the_file_with_a_digit_each():
    assert all(len(c) == 1 and c in string.ascii_letters for c in hs.LOOK_ALIKES)
    assert set(hs.LOOK_ALIKES.values()) <= set(range(10))
    assert set("OolISsZzBbgqD") <= set(hs.LOOK_ALIKES)         # the ones the brief names


def test_chars74k_digits_are_the_550_digits(chars74k_digits):
    assert len(chars74k_digits) == 550
    assert np.bincount(chars74k_digits.labels).tolist() == [55] * 10
    assert chars74k_digits.kinds.tolist() == chars74k_digits.labels.astype(str).tolist()


def test_chars74k_letters_leave_the_look_alikes_out(chars74k_folder):
    letters = hs.chars74k_set(np.random.default_rng(0), chars74k_folder, letters=True)
    assert len(letters) == 55 * (52 - len(hs.LOOK_ALIKES))
    assert (letters.labels == hs.NOT_A_DIGIT).all()
    kinds = set(letters.kinds.tolist())
    assert not kinds & set(hs.LOOK_ALIKES) and not kinds & set(string.digits)
    assert {"A", "x", "W", "e"} <= kinds


def test_chars74k_keeps_each_drawing_s_aspect_ratio(chars74k_digits, chars74k_folder):
    digits = [s for label, _, s in hs.read_chars74k(chars74k_folder) if label.isdigit()]
    for i in range(0, 550, 23):
        original = np.ptp(np.vstack(digits[i]), axis=0)
        placed = np.ptp(np.vstack([p for _, p in chars74k_digits.drawings[i]]), axis=0)
        assert placed.max() >= hs.CHARS74K_LONGER_SIDE[0] - 1
        assert placed.max() <= hs.CHARS74K_LONGER_SIDE[1] + 1
        if original.min() > 20:                                # rounding aside
            assert placed[0] / placed[1] == pytest.approx(original[0] / original[1], rel=0.05)
        assert all(pen == DEFAULT_PEN_WIDTH for pen, _ in chars74k_digits.drawings[i])


def test_chars74k_drawings_are_deterministic_and_inside_the_canvas(chars74k_digits,
                                                                   chars74k_folder):
    again = hs.chars74k_set(np.random.default_rng(0), chars74k_folder)
    other = hs.chars74k_set(np.random.default_rng(1), chars74k_folder)
    assert same_drawings(chars74k_digits, again) and not same_drawings(chars74k_digits, other)
    assert_inside_canvas(chars74k_digits)
    assert_painted_inside(chars74k_digits, range(0, 550, 50))


def test_missing_or_broken_chars74k_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        hs.chars74k_set(np.random.default_rng(0), tmp_path)
    with gzip.open(tmp_path / hs.CHARS74K_FILE, "wt") as f:
        f.write(json.dumps({"label": "7", "writer": "1", "strokes": [[[1, 2], [3, 4]]]}) + "\n")
        f.write(json.dumps({"label": "8", "writer": "1"}) + "\n")
    with pytest.raises(ValueError, match="line 2"):
        hs.read_chars74k(tmp_path)


# ------------------------------------------------------------------ Quick, Draw!

def test_quickdraw_is_18000_doodles_of_6_kinds_none_a_digit(quickdraw_folder):
    doodles = hs.quickdraw_set(quickdraw_folder)
    assert len(doodles) == 18000 and (doodles.labels == hs.NOT_A_DIGIT).all()
    kinds, counts = np.unique(doodles.kinds, return_counts=True)
    assert kinds.tolist() == ["apple", "bicycle", "cat", "diamond", "eye", "fish"]
    assert counts.tolist() == [3000] * 6
    image = doodles.image(5)
    assert image.shape == (28, 28) and image.dtype == np.uint8 and image.max() > 200
    assert np.array_equal(doodles.subset([5]).image(0), image)


def test_missing_or_wrong_quickdraw_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        hs.quickdraw_set(tmp_path)
    np.savez(tmp_path / hs.QUICKDRAW_FILE, images=np.zeros((3, 28, 28)), labels=np.array(["a"] * 3))
    with pytest.raises(ValueError, match="uint8"):
        hs.quickdraw_set(tmp_path)


# ------------------------------------------------------------------ styles

def test_style_set_has_every_style_in_every_manner(styles):
    expected = sum(count for count, _ in hs.STYLE_MANNERS.values()) * len(hs.DIGIT_TEMPLATES)
    assert len(styles) == expected >= 300
    for style, (digit, _) in hs.DIGIT_TEMPLATES.items():
        assert style.startswith(str(digit))
        mine = styles.kinds == style
        assert np.all(styles.labels[mine] == digit)
        for manner, (count, _) in hs.STYLE_MANNERS.items():
            assert np.sum(mine & (styles.manners == manner)) == count, (style, manner)


def test_style_set_covers_the_styles_the_issue_names(styles):
    """Issue 22's list (tests/test_drawn_digits.py checks the training templates for it too)."""
    kinds = set(styles.kinds)
    for style in ("0 slashed", "0 dotted", "1 long flag and base", "2 with a loop", "4 open",
                  "4 closed", "6 open loop", "7 crossed", "9 straight stem", "9 curved stem",
                  "9 open loop"):
        assert style in kinds
    assert {"slanted", "tiny", "in a corner", "huge", "very thin", "very thick"} <= set(
        styles.manners)
    assert len({d for d, _ in hs.DIGIT_TEMPLATES.values()}) == 10


def test_styles_added_at_the_end_leave_the_earlier_styles_drawings_alone(styles, monkeypatch):
    first = dict(list(hs.DIGIT_TEMPLATES.items())[:25])         # the 25 styles before issue 22
    monkeypatch.setattr(hs, "DIGIT_TEMPLATES", first)
    earlier = hs.style_set(np.random.default_rng(0))
    assert same_drawings(earlier, styles.subset(range(len(earlier))))
    assert list(earlier.kinds) == list(styles.kinds[:len(earlier)])


def test_the_slash_crosses_the_zero_and_the_dot_sits_inside_it():
    _, (oval, slash) = hs.DIGIT_TEMPLATES["0 slashed"]
    _, (ring, dot) = hs.DIGIT_TEMPLATES["0 dotted"]
    for end in slash:                                          # both ends outside the oval
        assert np.sum(((end - (0.35, 0.5)) / (0.35, 0.5)) ** 2) > 1
    assert np.ptp(dot, axis=0).max() < 0.1                      # a dot, not a line
    assert np.sum(((dot.mean(axis=0) - ring.mean(axis=0)) / 0.35) ** 2) < 0.05


def loop_gap(strokes):
    """How far the first stroke's last point is from every other point of the drawing, apart
    from the stroke's own last 0.3 height units: 0 where a loop comes back onto its stroke."""
    loop = strokes[0]
    along = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(loop, axis=0), axis=1))])
    others = np.vstack([loop[along < along[-1] - 0.3]] + list(strokes[1:]))
    return np.linalg.norm(others - loop[-1], axis=1).min()


def test_an_open_loop_ends_away_from_the_rest_of_the_digit():
    assert loop_gap(hs.DIGIT_TEMPLATES["6 open loop"][1]) > 0.12
    assert loop_gap(hs.DIGIT_TEMPLATES["9 open loop"][1]) > 0.12
    assert loop_gap(hs.DIGIT_TEMPLATES["6 plain"][1]) < 0.08       # a closed one, for contrast


def test_style_manners_set_size_and_pen(styles):
    def heights(manner):
        return np.array([max(np.ptp(np.vstack([p for _, p in d]), axis=0))
                         for d, m in zip(styles.drawings, styles.manners) if m == manner])

    def pens(manner):
        return {pen for d, m in zip(styles.drawings, styles.manners) if m == manner for pen, _ in d}

    assert pens("very thin") == {PEN_WIDTHS[0]} and pens("very thick") == {PEN_WIDTHS[1]}
    assert pens("plain") == {DEFAULT_PEN_WIDTH} and max(pens("tiny")) < DEFAULT_PEN_WIDTH
    assert heights("tiny").max() < heights("small").min() + 20
    assert heights("huge").min() > heights("plain").mean() > heights("small").max()


def test_every_style_drawing_has_ink_inside_the_canvas(styles):
    assert_inside_canvas(styles)
    assert_painted_inside(styles, range(len(styles)))


# ------------------------------------------------------------------ not digits

def test_non_digit_set_has_every_kind_labelled_not_a_digit(non_digits):
    assert len(non_digits) == hs.NON_DIGITS_PER_KIND * len(hs.NON_DIGIT_TEMPLATES) >= 300
    assert np.all(non_digits.labels == hs.NOT_A_DIGIT)
    for kind in hs.NON_DIGIT_TEMPLATES:
        assert np.sum(non_digits.kinds == kind) == hs.NON_DIGITS_PER_KIND


def test_non_digit_set_covers_the_issue_kinds_and_leaves_out_look_alikes(non_digits):
    kinds = set(non_digits.kinds)
    assert {"scribble", "plus", "x", "hash", "dot", "dash", "smiley", "star"} <= kinds
    assert any(k.startswith("letter ") for k in kinds)
    for look_alike in ("circle", "letter O", "letter I", "letter S", "letter Z", "letter B",
                       "letter g", "letter b", "letter q", "letter l"):
        assert look_alike not in kinds


def test_every_non_digit_drawing_has_ink_inside_the_canvas(non_digits):
    assert_inside_canvas(non_digits)
    assert_painted_inside(non_digits, range(len(non_digits)))


# ------------------------------------------------------------------ MNIST on the canvas

def test_canvas_mnist_draws_each_digit_the_same_way_every_time():
    rng = np.random.default_rng(0)
    digits = np.zeros((3, 28, 28), np.uint8)
    digits[:, 4:24, 12:16] = 255
    drawn = hs.canvas_mnist_set(digits, [1, 1, 1], rng)
    first = np.asarray(drawn.image(2))
    assert first.shape == (CANVAS_SIZE, CANVAS_SIZE) and first.dtype == np.uint8
    assert np.array_equal(first, np.asarray(drawn.image(2)))
    assert np.array_equal(first, np.asarray(drawn.subset([2, 0]).image(0)))
    assert drawn.kinds.tolist() == ["1", "1", "1"]


def test_draw_like_a_person_enlarges_the_digit_onto_the_canvas():
    digit = np.zeros((28, 28), np.uint8)
    digit[4:24, 12:16] = 255                                   # a bar 20 px high
    for seed in range(10):
        canvas = hs.draw_like_a_person(digit, np.random.default_rng(seed))
        ink = canvas != np.median(canvas)
        top, _, bottom, _ = ink_box(ink)
        assert canvas.shape == (CANVAS_SIZE, CANVAS_SIZE)
        assert 60 <= bottom - top + 1 <= 260
