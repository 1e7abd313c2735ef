"""numpy_cnn.digit_folder: the user's digits saved atomically and never over one another, and
any ImageFolder-style folder read as the network's inputs, bad files named and skipped."""
import os

import numpy as np
import pytest
from PIL import Image, ImageDraw

from numpy_cnn import digit_folder
from numpy_cnn.digit_folder import (DigitFolderError, count_digits, digit_files,
                                    read_digit_folder, save_digit)
from numpy_cnn.preprocess import to_mnist


def drawing(kind="one", size=280):
    """A white-on-black canvas like the app's, with a digit-like stroke."""
    image = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(image)
    if kind == "one":
        pen.line((140, 40, 140, 240), fill=255, width=20)
    else:
        pen.ellipse((80, 40, 200, 240), outline=255, width=20)
    return image


@pytest.fixture
def same_second(monkeypatch):
    """Every save happens at the same time stamp, as two quick clicks would."""
    monkeypatch.setattr(digit_folder.time, "strftime", lambda fmt: "20250601-101500")


def test_a_saved_digit_is_a_png_in_its_digits_folder(tmp_path, same_second):
    path = save_digit(drawing(), 7, tmp_path / "my_digits")
    assert path == tmp_path / "my_digits" / "7" / "20250601-101500.png"
    with Image.open(path) as saved:
        assert saved.format == "PNG"
        assert np.array_equal(np.asarray(saved), np.asarray(drawing()))
    assert os.listdir(path.parent) == [path.name], "no temporary file is left behind"


def test_saving_never_overwrites_an_earlier_drawing(tmp_path, same_second):
    first = save_digit(drawing("one"), 1, tmp_path)
    second = save_digit(drawing("zero"), 1, tmp_path)
    third = save_digit(drawing("zero"), 1, tmp_path)
    assert [p.name for p in (first, second, third)] == [
        "20250601-101500.png", "20250601-101500-2.png", "20250601-101500-3.png"]
    with Image.open(first) as kept:
        assert np.array_equal(np.asarray(kept), np.asarray(drawing("one")))


def test_saves_are_listed_in_the_order_they_were_made(tmp_path, same_second):
    """Text order would put -10 before -2, and both before the first save of the second: the
    order a folder trains in would then hang on where the saves fell across seconds."""
    saved = [save_digit(drawing(), 4, tmp_path) for _ in range(11)]
    saved.append(save_digit(drawing(), 4, tmp_path / "elsewhere"))      # another folder: unlisted
    later = tmp_path / "4" / "20250601-101501.png"
    later.write_bytes(saved[0].read_bytes())
    assert [path for path, _ in digit_files(tmp_path)] == saved[:11] + [later]


def test_a_failed_save_leaves_nothing_behind(tmp_path, monkeypatch):
    """The file appears whole or not at all: a failure at the last step (the link that gives
    the finished file its name) leaves neither a partial PNG nor a temporary file."""
    def fail(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "link", fail)
    with pytest.raises(OSError, match="cannot write .*No space left"):
        save_digit(drawing(), 3, tmp_path)
    assert os.listdir(tmp_path / "3") == []


def test_only_digits_are_saved(tmp_path):
    with pytest.raises(ValueError):
        save_digit(drawing(), 10, tmp_path)


def test_counting_and_listing_pass_over_what_is_not_a_digit_image(tmp_path):
    for digit in (1, 1, 4):
        save_digit(drawing(), digit, tmp_path)
    (tmp_path / "4" / "notes.txt").write_text("not an image")
    (tmp_path / "4" / ".hidden.png").write_bytes(b"")
    (tmp_path / "cats").mkdir()
    drawing().save(tmp_path / "cats" / "cat.png")
    assert count_digits(tmp_path).tolist() == [0, 2, 0, 0, 1, 0, 0, 0, 0, 0]
    assert [d for _, d in digit_files(tmp_path)] == [1, 1, 4]
    assert count_digits(tmp_path / "missing").sum() == 0


def test_a_folder_is_read_as_mnist_like_digits_and_a_broken_image_is_named_and_skipped(tmp_path):
    save_digit(drawing("one"), 1, tmp_path)
    save_digit(drawing("zero"), 0, tmp_path)
    broken = tmp_path / "0" / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    blank = tmp_path / "5" / "blank.png"
    blank.parent.mkdir()
    Image.new("L", (50, 50), 0).save(blank)
    (tmp_path / "extra").mkdir()
    notes = []
    images, labels = read_digit_folder(tmp_path, note=notes.append)
    assert images.dtype == np.uint8 and images.shape == (2, 28, 28)
    assert labels.tolist() == [0, 1]
    expected = np.round(to_mnist(drawing("zero")) * 255).astype(np.uint8)
    assert np.array_equal(images[0], expected)
    assert len(notes) == 3
    assert any(str(broken) in n and n.startswith("skipped") for n in notes)
    assert any(str(blank) in n and "blank" in n for n in notes)
    assert any("extra" in n and "0 to 9" in n for n in notes)


def test_a_folder_without_digit_images_is_an_error(tmp_path):
    (tmp_path / "7").mkdir()
    (tmp_path / "7" / "readme.txt").write_text("nothing here")
    with pytest.raises(DigitFolderError, match="no digit images"):
        read_digit_folder(tmp_path, note=print)
    with pytest.raises(DigitFolderError, match="no such folder"):
        read_digit_folder(tmp_path / "missing", note=print)
    (tmp_path / "7" / "bad.png").write_bytes(b"garbage")
    with pytest.raises(DigitFolderError, match="none of its 1 images could be read"):
        read_digit_folder(tmp_path, note=lambda text: None)
