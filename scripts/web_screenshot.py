"""Take the README's screenshots of the web app: python scripts/web_screenshot.py [--out DIR]

Serves the web app from this process on a free port of 127.0.0.1 (numpy_cnn.web.background;
$NUMPY_CNN_HOME a temporary folder, so nothing of the user's is read or written), opens it in
Debian's Chromium through Playwright, draws a 4 with the mouse and saves into docs/:
    web.png         the page: the drawing with the Grad-CAM heatmap over it, the answer, the
                    ten probabilities and the 28x28 input
    web_inside.png  Inside's closer look: conv2's map 5, the number at (3, 4) computed from its
                    strongest input maps, then the pooling and the ReLU
Needs the test extra (pip install -e ".[test]") and /usr/bin/chromium.
"""
import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from numpy_cnn.app.strokes import DIGIT_STROKES  # noqa: E402
from numpy_cnn.paths import HOME_VARIABLE, SHIPPED_WEIGHTS  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DIGIT = 4
MAP, ROW, COL = 5, 3, 4


def draw(page, strokes):
    box = page.locator("#canvas").bounding_box()
    for stroke in strokes:
        asked = page.evaluate("numpyCnn.asked")
        page.mouse.move(box["x"] + stroke[0][0], box["y"] + stroke[0][1])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
        page.mouse.up()
        page.wait_for_function(f"numpyCnn.asked > {asked} && numpyCnn.answered === numpyCnn.asked")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(REPO / "docs"), help="folder for the PNGs")
    args = parser.parse_args(argv)
    out = Path(args.out)
    with tempfile.TemporaryDirectory() as home:
        os.environ[HOME_VARIABLE] = home
        from playwright.sync_api import sync_playwright

        from numpy_cnn.parallel import single_threaded_blas
        from numpy_cnn.storage import load_digit_model
        from numpy_cnn.web.background import serve_in_thread
        from numpy_cnn.web.server import create_app
        app = create_app(load_digit_model(SHIPPED_WEIGHTS), SHIPPED_WEIGHTS)
        with single_threaded_blas(), serve_in_thread(app) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 860})
            page.goto(url + "/")
            page.wait_for_selector("body[data-ready=yes]")
            draw(page, DIGIT_STROKES[DIGIT])
            page.check("input[name=why][value=grad-cam]")
            page.wait_for_function("document.getElementById('overlay').dataset.method"
                                   " === 'grad-cam'")
            save(page.screenshot(clip={"x": 0, "y": 0, "width": 1000, "height": 860}),
                 out / "web.png")
            page.check("input[name=why][value=off]")
            page.click("#open-inside")
            page.wait_for_selector(".maps[data-layer=conv2] img")
            page.click(f".maps[data-layer=conv2] img >> nth={MAP}")
            box = page.locator("#closer-map").bounding_box()
            page.mouse.click(box["x"] + box["width"] * (COL + 0.5) / 11,
                             box["y"] + box["height"] * (ROW + 0.5) / 11)
            page.wait_for_selector("#story table")
            page.wait_for_function(f"numpyCnn.story && numpyCnn.story.row === {ROW}")
            save(page.locator("#closer").screenshot(), out / "web_inside.png")
            browser.close()


def save(png, path):
    """Write the PNG to a temporary name, then rename it over path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(png)
    temporary.replace(path)
    from PIL import Image
    with Image.open(path) as image:
        print(f"saved {path} ({image.width}x{image.height})")


if __name__ == "__main__":
    main()
