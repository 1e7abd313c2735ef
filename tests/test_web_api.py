"""web.server: every endpoint of the web app's API, every bad input it refuses, and requests at
the same time, through FastAPI's TestClient and through a real uvicorn server (web.background)."""
import io
import json
import signal
import struct
import subprocess
import sys
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from numpy_cnn.app.predictor import Predictor
from numpy_cnn.app.strokes import DIGIT_STROKES, draw
from numpy_cnn.digit_folder import count_digits
from numpy_cnn.insight import saliency, trace
from numpy_cnn.parallel import single_threaded_blas
from numpy_cnn.paths import SHIPPED_WEIGHTS, my_digits_dir, runs_dir, taught_weights
from numpy_cnn.storage import load_digit_model
from numpy_cnn.web.__main__ import is_local
from numpy_cnn.web.background import serve_in_thread
from numpy_cnn.web.images import MAX_BODY, MAX_SIDE
from numpy_cnn.web.server import create_app

PNG = {"Content-Type": "image/png"}
LEARN = {"limit": 640, "every": 2, "val_size": 100}
TEACH = {"batches": 6, "every": 2, "outlier_bank": 20}


@pytest.fixture(scope="module")
def model():
    return load_digit_model(SHIPPED_WEIGHTS)


@pytest.fixture(scope="module")
def client(model):
    with TestClient(create_app(model, SHIPPED_WEIGHTS, learn_settings=LEARN,
                               teach_settings=TEACH)) as client:
        yield client


def png_of(image):
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def digits():
    """{digit: the canvas PNG of it drawn as strokes}."""
    return {d: png_of(draw(strokes).image) for d, strokes in DIGIT_STROKES.items()}


def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def raw_png(width, height, rows=1):
    """A grey PNG whose header says width x height, with `rows` rows of pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"".join(b"\0" + b"\0" * width for _ in range(rows)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) +
            chunk(b"IEND", b""))


def one_error(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"] and isinstance(body["error"], str) and body["error"]
    assert "\n" not in body["error"] and "Traceback" not in body["error"]
    return body["error"]


# ---------------------------------------------------------------- reading a drawing

def test_the_page_and_its_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for path in ("/page/app.js", "/page/style.css"):
        assert path in page.text
        assert client.get(path).status_code == 200
    assert "http" not in page.text.replace("/docs", "")      # nothing from the internet
    assert client.get("/docs").status_code == 200
    listed = client.get("/openapi.json").json()["paths"]
    for path in ("/api/predict", "/api/why", "/api/inside", "/api/explain", "/api/correct",
                 "/api/teach", "/api/learn/start", "/api/learn/events"):
        assert path in listed


def test_info(client):
    info = client.get("/api/info").json()
    assert info["training_allowed"] is True and info["explained"] == ["conv1", "conv2"]
    assert [layer["name"] for layer in info["layers"]][:3] == ["conv1", "pool1", "relu1"]


@pytest.mark.parametrize("digit", sorted(DIGIT_STROKES))
def test_predict_reads_a_drawn_digit(client, digits, model, digit):
    answer = client.post("/api/predict", content=digits[digit], headers=PNG).json()
    assert answer["digit"] == digit and answer["best"] == digit
    assert answer["not_a_digit"] is False and answer["unsure"] is False
    assert len(answer["probabilities"]) == 10
    assert sum(answer["probabilities"]) == pytest.approx(1, abs=1e-3)
    expected = Predictor(model).predict(draw(DIGIT_STROKES[digit]).image)
    np.testing.assert_allclose(answer["network_input"], expected.network_input, atol=1e-3)
    np.testing.assert_allclose(answer["probabilities"], expected.probabilities, atol=1e-4)


def test_not_a_digit_is_null(client):
    scribble = draw([[(20, 20), (260, 260)], [(260, 20), (20, 260)], [(140, 10), (140, 270)],
                     [(10, 140), (270, 140)]], width=30)
    answer = client.post("/api/predict", content=png_of(scribble.image), headers=PNG).json()
    assert answer["not_a_digit"] == (max(answer["probabilities"]) < 0.5)
    assert (answer["digit"] is None) == answer["not_a_digit"]


def test_a_blank_canvas_says_so(client):
    blank = png_of(draw([]).image)
    assert "empty" in one_error(client.post("/api/predict", content=blank, headers=PNG), 422)


def test_why(client, digits, model):
    for method in ("saliency", "grad-cam"):
        why = client.post(f"/api/why?method={method}", content=digits[7], headers=PNG).json()
        assert why["method"] == method and why["digit"] == 7
        assert np.shape(why["heat"]) == (28, 28)
        assert why["canvas_heat"].startswith("data:image/png;base64,")
        assert why["input_heat"].startswith("data:image/png;base64,")
        where = why["placement"]
        assert 0 < where["size"] <= 2 * 280 and where["width"] == 280
    t = trace(model, Predictor(model).predict(draw(DIGIT_STROKES[7]).image).network_input)
    why = client.post("/api/why?method=saliency", content=digits[7], headers=PNG).json()
    np.testing.assert_allclose(why["heat"], saliency(t), atol=1e-4)
    one_error(client.post("/api/why?method=guess", content=digits[7], headers=PNG), 422)
    from PIL import ImageOps
    dark_on_light = png_of(ImageOps.invert(draw(DIGIT_STROKES[7]).image))
    inverted = client.post("/api/why", content=dark_on_light, headers=PNG).json()
    assert inverted["placement"] == why["placement"]       # the same ink, the same place


@pytest.mark.parametrize("scale", ["layer", "map"])
def test_inside(client, digits, scale):
    inside = client.post(f"/api/inside?scale={scale}", content=digits[3], headers=PNG).json()
    shapes = {layer["name"]: layer["shape"] for layer in inside["layers"]}
    assert shapes == {"conv1": [26, 26, 32], "pool1": [13, 13, 32], "relu1": [13, 13, 32],
                      "conv2": [11, 11, 64], "pool2": [5, 5, 64], "relu2": [5, 5, 64]}
    assert all(len(layer["maps"]) == layer["shape"][2] for layer in inside["layers"])
    assert inside["digit"] == 3 and len(inside["probabilities"]) == 10


def test_the_two_colour_scales_differ(client, digits):
    by_layer, by_map = (client.post(f"/api/inside?scale={s}", content=digits[3],
                                    headers=PNG).json() for s in ("layer", "map"))
    assert by_layer["layers"][0]["maps"] != by_map["layers"][0]["maps"]


def test_explain_a_conv_number(client, digits, model):
    story = client.post("/api/explain?layer=conv2&map=17&row=4&col=5", content=digits[7],
                        headers=PNG).json()
    t = trace(model, Predictor(model).predict(draw(DIGIT_STROKES[7]).image).network_input)
    assert story["total"] == pytest.approx(float(t.outputs["conv2"][4, 5, 17]), abs=1e-3)
    assert story["clicked"]["value"] == pytest.approx(story["total"], abs=1e-3)
    assert len(story["inputs"]) == 4
    first = story["inputs"][0]
    np.testing.assert_allclose(first["products"],
                               np.array(first["window"]) * np.array(first["kernel"]), atol=2e-4)
    assert story["pooling"]["layer"] == "pool2" and story["relu"]["layer"] == "relu2"
    assert story["relu"]["value"] == pytest.approx(max(0, story["pooling"]["value"]), abs=1e-4)


def test_explain_a_pooled_number_names_its_winner(client, digits):
    story = client.post("/api/explain?layer=pool1&map=3&row=6&col=6", content=digits[1],
                        headers=PNG).json()
    assert story["layer"] == "conv1" and story["row"] // 2 == 6 and story["col"] // 2 == 6
    assert story["is_winner"] and story["total"] == pytest.approx(story["clicked"]["value"],
                                                                  abs=1e-3)


@pytest.mark.parametrize("query", ["layer=conv3&map=0&row=0&col=0",
                                   "layer=dense1&map=0&row=0&col=0",
                                   "layer=conv1&map=32&row=0&col=0",
                                   "layer=conv2&map=0&row=11&col=0",
                                   "layer=conv1&map=-1&row=0&col=0",
                                   "layer=conv1&map=x&row=0&col=0",
                                   "layer=conv1&row=0&col=0"])
def test_explain_refuses_what_is_not_there(client, digits, query):
    one_error(client.post(f"/api/explain?{query}", content=digits[1], headers=PNG), 422)


# ---------------------------------------------------------------- bad images

@pytest.mark.parametrize("body, headers, status, words", [
    (b"\x89PNG", {"Content-Type": "image/jpeg"}, 415, "image/png"),
    (b"\x89PNG", {}, 415, "image/png"),
    (b"", PNG, 400, "empty"),
    (b"hello, this is not an image", PNG, 400, "not a PNG"),
    (raw_png(0, 10), PNG, 400, ""),
    (raw_png(10, 0), PNG, 400, ""),
    (raw_png(30_000, 30_000), PNG, 400, "too large"),
    (raw_png(MAX_SIDE + 1, 8), PNG, 400, f"{MAX_SIDE + 1}x8"),
    (b"\0" * (MAX_BODY + 1), PNG, 413, "larger"),
], ids=["jpeg-type", "no-type", "empty", "not-png", "zero-width", "zero-height", "bomb",
        "too-wide", "over-1MB"])
def test_bad_images_get_one_clear_line(client, body, headers, status, words):
    for path in ("/api/predict", "/api/why", "/api/inside",
                 "/api/explain?layer=conv1&map=0&row=0&col=0", "/api/correct?digit=1"):
        assert words in one_error(client.post(path, content=body, headers=headers), status)


def test_damaged_pngs(client, digits):
    one_error(client.post("/api/predict", content=digits[7][:len(digits[7]) // 2], headers=PNG),
              400)
    jpeg = io.BytesIO()
    draw(DIGIT_STROKES[7]).image.save(jpeg, format="JPEG")
    assert "not a PNG" in one_error(client.post("/api/predict", content=jpeg.getvalue(),
                                                headers=PNG), 400)
    bad_crc = bytearray(digits[7])
    bad_crc[40] ^= 0xFF
    one_error(client.post("/api/predict", content=bytes(bad_crc), headers=PNG), 400)


def test_a_colour_png_with_transparency_is_read(client):
    from PIL import Image
    image = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    image.paste(draw(DIGIT_STROKES[4]).image.convert("RGBA"),
                mask=draw(DIGIT_STROKES[4]).image)
    assert client.post("/api/predict", content=png_of(image), headers=PNG).json()["digit"] == 4


def test_unknown_paths_are_json(client):
    assert one_error(client.get("/etc/passwd"), 404)
    assert one_error(client.get("/page/../server.py"), 404)
    one_error(client.get("/api/predict"), 405)


# ---------------------------------------------------------------- a real server, at once

@pytest.fixture(scope="module")
def server(model):
    """A real server, with BLAS on one thread as `numpy-cnn serve` runs it. (With two, OpenBLAS
    splits a product one way when it runs alone and another when two run at once: the last
    bits differ, and a pooling window whose two largest numbers are that close changes its
    winner, which moves a saliency's gradient to another pixel.)"""
    app = create_app(model, SHIPPED_WEIGHTS, copies=2)
    with single_threaded_blas(), serve_in_thread(app) as url:
        yield url


def test_an_oversized_stream_without_length_is_cut_at_the_limit(server):
    def body():
        for _ in range(40):
            yield b"\0" * 65536                     # 2.6 MB, sent chunked: no Content-Length
    response = httpx.post(f"{server}/api/predict", content=body(), headers=PNG)
    one_error(response, 413)


def test_concurrent_requests_never_share_a_layer(server, digits, model):
    """Many requests at once, of different digits: each answered right, and with the numbers
    one request alone gets (a shared layer cache would mix two drawings). The saliency goes
    through the backward pass, which reads every layer's cache."""
    alone = {d: Predictor(model).predict(draw(DIGIT_STROKES[d]).image).probabilities
             for d in digits}
    heat = {d: saliency(trace(model, Predictor(model).predict(
        draw(DIGIT_STROKES[d]).image).network_input)) for d in digits}
    order = [d for _ in range(20) for d in digits]              # 120 requests

    def ask(d, http):
        if d % 2:
            answer = http.post(f"{server}/api/predict", content=digits[d], headers=PNG).json()
            return d, answer["digit"], np.allclose(answer["probabilities"], alone[d], atol=1e-4)
        why = http.post(f"{server}/api/why?method=saliency", content=digits[d],
                        headers=PNG).json()
        return d, why["digit"], np.allclose(why["heat"], heat[d], atol=1e-4)

    with httpx.Client(timeout=30) as http, ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda d: ask(d, http), order))
    assert [(d, read, same) for d, read, same in results] == [(d, d, True) for d in order]


# ---------------------------------------------------------------- Correct it, Teach it

def test_correct_saves_and_moves_a_digit(client, digits):
    folder = my_digits_dir()
    before = count_digits(folder)
    saved = client.post("/api/correct?digit=1", content=digits[7], headers=PNG).json()
    assert saved["counts"][1] == before[1] + 1
    moved = client.post(f"/api/correct?digit=7&replaces={saved['token']}", content=digits[7],
                        headers=PNG).json()
    assert moved["counts"][1] == before[1] and moved["counts"][7] == before[7] + 1
    assert client.get("/api/digits").json()["counts"] == moved["counts"]
    assert list((folder / "7").iterdir())
    one_error(client.post("/api/correct?digit=10", content=digits[7], headers=PNG), 422)
    one_error(client.post("/api/correct?digit=3", content=png_of(draw([]).image), headers=PNG),
              422)
    unknown = client.post("/api/correct?digit=3&replaces=../../etc", content=digits[3],
                          headers=PNG)
    assert unknown.status_code == 200                 # an unknown token removes nothing


def events(client, path, until, timeout=120):
    """The server-sent events of `path` as [(kind, data)], up to the first kind in `until`."""
    seen = []
    with client.stream("GET", path, timeout=timeout) as stream:
        kind = None
        for line in stream.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                seen.append((kind, json.loads(line[6:])))
                if kind in until:
                    break
    return seen


def test_teach_fine_tunes_on_the_saved_digits(client, digits):
    for d in (1, 4, 7):
        client.post(f"/api/correct?digit={d}", content=digits[d], headers=PNG)
    assert client.post("/api/teach").json() == {"started": True}
    one_error(client.post("/api/teach"), 409)
    seen = events(client, "/api/teach/events", {"taught", "error", "stopped"})
    kinds = [kind for kind, _ in seen]
    assert kinds[0] == "ready" and "progress" in kinds and kinds[-1] == "taught", seen
    taught = seen[-1][1]
    assert taught["digits"] == seen[0][1]["digits"] >= 3
    assert taught_weights().is_file()
    assert client.app.state.web.pool.weights == str(taught_weights())
    assert client.post("/api/predict", content=digits[7], headers=PNG).status_code == 200
    one_error(client.post("/api/teach/stop"), 409)


def test_learn_trains_pauses_and_saves_a_run(client, digits):
    one_error(client.post("/api/learn/pause"), 409)
    started = client.post("/api/learn/start").json()
    run = started["run"]
    one_error(client.post("/api/learn/start"), 409)
    assert client.post("/api/learn/drawing", content=digits[7], headers=PNG).status_code == 200
    first = events(client, "/api/learn/events", {"progress", "error"})
    assert first[0][0] == "ready" and first[-1][0] == "progress", first
    assert first[-1][1]["filters"].startswith("data:image/png")
    assert client.post("/api/learn/pause").json() == {"paused": True}
    assert client.post("/api/learn/resume").json() == {"paused": False}
    reading = client.post("/api/learn/drawing", content=digits[7], headers=PNG).json()["reading"]
    assert reading is not None and len(reading["probabilities"]) == 10
    client.post("/api/learn/stop")
    seen = events(client, "/api/learn/events", {"saved", "error"})
    assert seen[-1] == ("saved", {"run": run, "reason": "stopped"}) or \
        seen[-1] == ("saved", {"run": run, "reason": "finished"}), seen[-1]
    assert (runs_dir() / run / "mnist_cnn.npz").is_file()
    one_error(client.post("/api/learn/stop"), 409)


def test_training_is_off_when_not_allowed(model, digits):
    with TestClient(create_app(model, SHIPPED_WEIGHTS, allow_training=False,
                               host="0.0.0.0")) as remote:
        assert remote.get("/api/info").json()["training_allowed"] is False
        assert remote.post("/api/predict", content=digits[1], headers=PNG).status_code == 200
        for path in ("/api/correct?digit=1", "/api/teach", "/api/learn/start"):
            assert "--allow-training" in one_error(remote.post(path, content=digits[1],
                                                               headers=PNG), 403)


def test_is_local():
    assert is_local("127.0.0.1") and is_local("::1") and is_local("localhost")
    assert not is_local("0.0.0.0") and not is_local("192.168.1.4") and not is_local("example.org")


# ---------------------------------------------------------------- the serve command

def start_serve(*options):
    process = subprocess.Popen([sys.executable, "-m", "numpy_cnn", "serve", "--port", "0",
                                *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "open http://" in line:
            return process, line.split("open ")[1].split()[0].rstrip("/"), lines
    process.wait(10)
    raise AssertionError(f"serve did not start: {lines} {process.stderr.read()}")


def test_serve_says_when_it_is_not_local_and_stops_on_ctrl_c(digits):
    process, url, lines = start_serve("--host", "0.0.0.0")
    try:
        assert "not only on this computer" in "".join(lines) and "off" in "".join(lines)
        local = url.replace("0.0.0.0", "127.0.0.1")
        answer = httpx.post(local + "/api/predict", content=digits[1], headers=PNG).json()
        assert answer["digit"] == 1
        for body in (b"junk", raw_png(30_000, 30_000), raw_png(0, 5), digits[1][:100],
                     b"\0" * (MAX_BODY + 10)):                  # nothing of it in the log
            assert httpx.post(local + "/api/predict", content=body, headers=PNG).is_client_error
        assert httpx.post(local + "/api/correct?digit=1", content=digits[1],
                          headers=PNG).status_code == 403
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0 and "serve: stopped" in out and "Traceback" not in err


def test_ctrl_c_saves_the_run_under_way():
    process, url, _ = start_serve()
    try:
        assert httpx.post(f"{url}/api/learn/start").status_code == 200
        with httpx.Client(timeout=120) as http:
            seen = events(http, f"{url}/api/learn/events", {"progress", "error"})
        assert seen[-1][0] == "progress", seen
        listening = httpx.Client(timeout=60)
        stream = listening.stream("GET", f"{url}/api/learn/events").__enter__()  # held open
        began = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        stream.close()
        listening.close()
    finally:
        if process.poll() is None:
            process.kill()
    assert time.monotonic() - began < 15
    assert process.returncode == 0 and "Traceback" not in err, err
    saved = [line for line in out.splitlines() if "is saved in" in line]
    assert saved and saved[0].split("saved in ")[1].endswith("mnist_cnn.npz")
    from pathlib import Path
    assert Path(saved[0].split("saved in ")[1]).is_file()


def test_a_port_in_use_is_one_line():
    process, url, _ = start_serve()
    try:
        port = url.rsplit(":", 1)[1]
        taken = subprocess.run([sys.executable, "-m", "numpy_cnn", "serve", "--port", port],
                               capture_output=True, text=True, timeout=60)
        assert taken.returncode == 1 and taken.stderr.count("\n") == 1
        assert "cannot listen" in taken.stderr
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)


def test_serve_without_the_extra_says_what_to_install(monkeypatch, capsys):
    from numpy_cnn.web.__main__ import main
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and 'pip install -e ".[web]"' in err


def test_serve_with_missing_weights_is_one_line(tmp_path, capsys):
    from numpy_cnn.web.__main__ import main
    assert main(["--weights", str(tmp_path / "none.npz")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.npz" in err


def test_what_another_network_cannot_show_is_one_line(tmp_path, digits):
    """A network that reads digits but is not the reference CNN (a one-layer MLP): predict and
    saliency answer; Grad-CAM, Inside, the closer look and Teach are refused with the reason
    numpy_cnn.capabilities gives (409), never a 500; /api/info lists them for the page."""
    from numpy_cnn.layers import Dense, Flatten
    from numpy_cnn.model import Sequential
    from numpy_cnn.storage import save
    mlp = Sequential([Flatten(name="flat"),
                      Dense(784, 10, name="out", rng=np.random.default_rng(0))])
    path = tmp_path / "mlp.npz"
    save(mlp, path)
    with TestClient(create_app(load_digit_model(path), path)) as client:
        assert sorted(client.get("/api/info").json()["cannot_show"]) == \
            ["explain", "grad-cam", "inside", "teach"]
        assert client.post("/api/predict", content=digits[7], headers=PNG).status_code == 200
        assert client.post("/api/why?method=saliency", content=digits[7],
                           headers=PNG).status_code == 200
        refused = {"grad-cam": client.post("/api/why?method=grad-cam", content=digits[7],
                                           headers=PNG),
                   "inside": client.post("/api/inside", content=digits[7], headers=PNG),
                   "explain": client.post("/api/explain?layer=out&map=0&row=0&col=0",
                                          content=digits[7], headers=PNG),
                   "teach": client.post("/api/teach")}
        for view, response in refused.items():
            assert response.status_code == 409, (view, response.text)
            assert "\n" not in response.json()["error"], view
        assert "convolution" in refused["grad-cam"].json()["error"]
        assert "reference CNN" in refused["inside"].json()["error"]
        assert "reference CNN" in refused["teach"].json()["error"]
