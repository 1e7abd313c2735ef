"""Arrays as what a page can show: PNG data URLs and plain lists, rounded for JSON."""
import base64
import io

import numpy as np
from PIL import Image


def png_url(pixels):
    """Inputs: (H, W, 3) or (H, W, 4) uint8. Returns: "data:image/png;base64,..."."""
    mode = "RGBA" if pixels.shape[2] == 4 else "RGB"
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels), mode).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def numbers(values, digits=4):
    """An array as nested lists of floats, rounded to `digits` decimals (JSON has no NaN: none
    of the network's numbers is one)."""
    return np.round(np.asarray(values, np.float64), digits).tolist()


def answer(prediction):
    """What the page shows of a numpy_cnn.app.predictor.Prediction, as JSON:
    digit (None when it is not a digit), best (the likeliest digit all the same), confidence,
    probabilities (10), not_a_digit, unsure, runner_up [digit, probability], network_input
    (28 x 28 numbers in [0, 1])."""
    return {"digit": prediction.digit if prediction.is_digit else None,
            "confidence": round(prediction.confidence, 4),
            "probabilities": numbers(prediction.probabilities),
            "not_a_digit": not prediction.is_digit,
            "unsure": not prediction.is_sure,
            "best": prediction.digit,
            "runner_up": [prediction.runner_up()[0], round(prediction.runner_up()[1], 4)],
            "network_input": numbers(prediction.network_input, 3)}
