"""numpy_cnn.notdigit: the one rule every command and view uses to say "not a digit"."""
import numpy as np

from numpy_cnn import notdigit


def sure(digit, top):
    """Probabilities with `top` on digit and the rest spread evenly."""
    p = np.full(10, (1 - top) / 9)
    p[digit] = top
    return p


def test_an_answer_below_the_threshold_is_not_a_digit_and_at_it_is():
    t = notdigit.NOT_A_DIGIT_BELOW
    assert 0.1 < t < 1
    batch = np.stack([sure(3, t - 0.01), sure(3, t), sure(7, 0.99), np.full(10, 0.1)])
    assert notdigit.is_not_a_digit(batch).tolist() == [True, False, False, True]
    assert notdigit.is_not_a_digit(sure(1, 0.6), threshold=0.7)


def test_answer_words_it_as_the_commands_print_it():
    assert notdigit.answer(sure(7, 0.998)) == "7 (99.8%)"
    assert notdigit.answer(np.full(10, 0.1)) == "not a digit"
    assert notdigit.answer(sure(4, 0.106), closest=True) == "not a digit (closest: 4, 10.6%)"


def test_the_web_page_says_the_threshold_the_server_uses():
    from pathlib import Path
    page = Path(notdigit.__file__).parent / "web" / "page" / "index.html"
    assert f"gets {notdigit.NOT_A_DIGIT_BELOW:.0%} of the probability" in page.read_text()
