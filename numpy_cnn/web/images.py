"""Reading the canvas a browser sent: a PNG in the raw request body, checked before it is
decoded, so that no request can make the server decode gigabytes or fail with a traceback.

    body (bytes, at most MAX_BODY) --read_png--> PIL image, at most MAX_SIDE x MAX_SIDE

Each refusal is a BadImage with the HTTP status to answer and one line saying why:
- 413: a body over MAX_BODY (the server checks Content-Length first, and counts as it reads);
- 415: a Content-Type other than image/png;
- 400: no body, not a PNG, a damaged PNG, a zero-sized image, or one larger than MAX_SIDE on a
  side (a "decompression bomb": a small file that claims a huge size). The size is read from
  the PNG's header, before any pixel is decoded.
"""
import io
import warnings

from PIL import Image, UnidentifiedImageError

MAX_BODY = 1_000_000            # bytes: a 280x280 canvas is 3 to 15 kB
MAX_SIDE = 2048                 # pixels, either side: a phone's canvas at 3x is about 1000
PNG_TYPE = "image/png"


class BadImage(ValueError):
    """A request's image that cannot be read: status -- the HTTP status; the message says why."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def check_content_type(content_type):
    """Raises BadImage(415) unless the Content-Type is image/png (parameters allowed)."""
    if (content_type or "").split(";")[0].strip().lower() != PNG_TYPE:
        raise BadImage(415, f"send the canvas as {PNG_TYPE} in the request body, not "
                            f"{content_type or 'no Content-Type'}")


def read_png(body):
    """Inputs:  body -- the request's bytes.
    Returns: the PIL image, decoded, in its own mode (numpy_cnn.preprocess.to_mnist reads any).
    Raises:  BadImage (see the module docstring).
    """
    if len(body) > MAX_BODY:
        raise BadImage(413, f"the image is larger than {MAX_BODY:,} bytes")
    if not body:
        raise BadImage(400, "the request body is empty: send the canvas as a PNG")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(body), formats=["PNG"])
            width, height = image.size
            if width == 0 or height == 0:
                raise BadImage(400, "the image has no pixels (zero width or height)")
            if width > MAX_SIDE or height > MAX_SIDE:
                raise BadImage(400, f"the image is too large: {width}x{height} pixels, at "
                                    f"most {MAX_SIDE}x{MAX_SIDE} are read")
            image.load()
        except UnidentifiedImageError:
            raise BadImage(400, "the body is not a PNG image") from None
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise BadImage(400, "the image is too large to decode") from None
        except (OSError, ValueError, SyntaxError, EOFError) as error:
            if isinstance(error, BadImage):
                raise
            raise BadImage(400, f"the PNG cannot be decoded: {error}") from None
    return image
