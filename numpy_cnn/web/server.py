"""The web app: one page and the JSON API it calls, on FastAPI. Every answer is computed by the
same code as the Tk app's (numpy_cnn.app, numpy_cnn.insight, numpy_cnn.pictures).

    GET  /                         the page (numpy_cnn/web/page/: HTML, CSS, JavaScript)
    GET  /api/info                 what the server allows, the network's layers
    POST /api/predict              the canvas as a PNG body -> the answer
    POST /api/why?method=M         saliency or grad-cam: the heatmap over the canvas and input
    POST /api/inside?scale=S       every layer's maps as pictures (scale: layer or map)
    POST /api/explain?layer=L&map=F&row=I&col=J   one number of a map, with the real numbers
    GET  /api/digits               how many digits of each the user has saved
    POST /api/correct?digit=D      save the canvas as a D in the user's digits folder
    POST /api/teach, /api/teach/stop, GET /api/teach/events        Teach it
    POST /api/learn/start|pause|resume|stop|drawing, GET /api/learn/events   Watch it learn

The events are server-sent events (text/event-stream). Every refusal is JSON {"error": one
line} with a 4xx status (see images.py for the image's). Correcting, teaching and training
are for a server on this computer (allow_training); no path the server touches comes from a
request: the page is served from files read once at start, digits are saved under names the
server makes, and a saved digit is named in a later request by a random token.
"""
import asyncio
import json
import secrets
import threading
from collections import OrderedDict
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from numpy_cnn import pictures
from numpy_cnn.app.closer import conv_layers, explain_pixel, source_pixel
from numpy_cnn.app.heatmap import placement
from numpy_cnn.app.predictor import Predictor, shipped_weights
from numpy_cnn.capabilities import cannot_show
from numpy_cnn.digit_folder import count_digits, save_digit
from numpy_cnn.insight import (DENSE_RELU, LOGITS, caption, grad_cam, saliency, trace)
from numpy_cnn.paths import my_digits_dir, taught_weights
from numpy_cnn.preprocess import EmptyImageError, ink_from_background, to_grey, to_mnist
from numpy_cnn.storage import WeightsError, load_digit_model

from .encode import answer, numbers, png_url
from .images import MAX_BODY, BadImage, check_content_type, read_png
from .models import ModelPool
from .sessions import LearnSession, TeachSession, run_name

PAGE_FILES = {"/": ("index.html", "text/html; charset=utf-8"),
              "/page/app.js": ("app.js", "text/javascript; charset=utf-8"),
              "/page/style.css": ("style.css", "text/css; charset=utf-8")}
MAPS_OF = ("Conv2D", "MaxPool2D", "ReLU")       # layers whose output is maps (H, W, C)
KEPT_TOKENS = 1000                              # saved digits a later correction can move
EVENTS_POLL_S = 0.1


class State:
    """What the server keeps between requests.

    pool: the network's copies (models.ModelPool), replaced after a Teach; start: the weights
    every Teach starts from; learn, teach: the sessions under way (or the last one), None
    before the first; saved: token -> the file a correction wrote; closing: set at Ctrl-C.
    """

    def __init__(self, model, weights, allow_training, host, copies, learn_settings,
                 teach_settings):
        self.pool = ModelPool(model, copies, weights)
        self.copies = copies
        self.start = weights if weights not in (None, taught_weights()) else shipped_weights()
        self.allow_training, self.host = allow_training, host
        self.learn_settings, self.teach_settings = learn_settings, teach_settings
        self.learn = self.teach = None
        self.saved = OrderedDict()
        self.closing = threading.Event()
        self.starting = threading.Lock()     # one session starts at a time
        self.closed_run = None          # the Watch-it-learn run saved as the server stopped

    def use(self, model, weights):
        """Read with `model` from now on (Teach made it)."""
        self.pool = ModelPool(model, self.copies, weights)

    def close(self):
        """Stop what runs: a Watch-it-learn run saves its weights; a Teach saves nothing."""
        if self.learn is not None:
            running = not self.learn.finished
            self.learn.close()
            if running and Path(self.learn.out).is_file():
                self.closed_run = self.learn.out
        if self.teach is not None:
            self.teach.close()


def create_app(model, weights=None, allow_training=True, host="127.0.0.1", copies=2,
               learn_settings=None, teach_settings=None, announce=None):
    """The FastAPI application.

    Inputs:  model -- the Sequential to read with (the pool holds copies); weights -- its file
             (Teach starts from it unless it is Teach's own); allow_training -- correcting,
             teaching and training on; host -- for the refusal's message; copies -- requests
             run on the network at once; learn_settings, teach_settings -- passed to
             app.learner.LiveTraining and app.teacher.Teaching (the tests train on a few);
             announce -- called with a line to tell the person who started the server (the
             run a Watch it learn under way saved as the server stopped).
    Returns: the app; app.state.web is its State.
    """
    @asynccontextmanager
    async def lifespan(app):
        yield
        await run_in_threadpool(state.close)
        if state.closed_run is not None and announce is not None:
            announce(f"the Watch-it-learn run under way is saved in {state.closed_run}")

    app = FastAPI(title="numpy-cnn", lifespan=lifespan,
                  description="A CNN written in NumPy reads your drawing; see inside it.")
    state = State(model, weights, allow_training, host, copies, learn_settings or {},
                  teach_settings or {})
    app.state.web = state
    page = {path: resources.files("numpy_cnn.web").joinpath("page", name).read_bytes()
            for path, (name, _) in PAGE_FILES.items()}

    @app.exception_handler(BadImage)
    async def bad_image(request, error):
        return JSONResponse({"error": str(error)}, status_code=error.status)

    @app.exception_handler(EmptyImageError)
    async def empty_image(request, error):
        return JSONResponse({"error": str(error)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request, error):
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request, error):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
        return JSONResponse({"error": f"{where}: {first.get('msg', 'invalid')}"},
                            status_code=422)

    def page_route(path):
        _, media_type = PAGE_FILES[path]

        async def serve_file():
            return Response(page[path], media_type=media_type,
                            headers={"Cache-Control": "no-cache"})
        app.get(path, include_in_schema=False, response_class=HTMLResponse)(serve_file)

    for path in PAGE_FILES:
        page_route(path)

    async def body_of(request):
        """The request's body, checked: a PNG's Content-Type, at most MAX_BODY bytes."""
        check_content_type(request.headers.get("content-type"))
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            raise BadImage(413, f"the image is larger than {MAX_BODY:,} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise BadImage(413, f"the image is larger than {MAX_BODY:,} bytes")
        return bytes(body)

    async def canvas(request):
        """The request's PNG, read with the limits of images.py."""
        return await run_in_threadpool(read_png, await body_of(request))

    def traced(image):
        """(the Prediction, the Trace) of a drawing, on a borrowed copy of the network."""
        pool = state.pool
        with pool.borrow() as net:
            prediction = Predictor(net).predict(image)
            return prediction, trace(net, prediction.network_input)

    def needs(view, model=None):
        """Refuse, with the line numpy_cnn.capabilities gives, a view this network cannot show
        (the Tk app switches the same views off for it)."""
        reason = cannot_show(model if model is not None else state.pool.first).get(view)
        if reason:
            raise HTTPException(409, reason)

    def needs_training():
        if not state.allow_training:
            raise HTTPException(403, f"correcting, teaching and training are off: this server "
                                     f"listens on {state.host}, not only on this computer "
                                     f"(start it with --allow-training to allow them)")

    # ------------------------------------------------------------ reading a drawing

    @app.get("/api/info", summary="What this server allows, and the network's layers")
    def info():
        first = state.pool.first
        return {"training_allowed": state.allow_training,
                "layers": [{"name": layer.name, "class": type(layer).__name__}
                           for layer in first.layers],
                "explained": conv_layers(first), "max_body": MAX_BODY,
                "cannot_show": cannot_show(first)}

    @app.post("/api/predict", summary="The digit in the canvas (a PNG in the request body)")
    async def predict(request: Request):
        """Body: the canvas as image/png. Returns: digit (null when it is not a digit),
        probabilities (10), not_a_digit, unsure, confidence, best, runner_up, network_input
        (the 28x28 the network read)."""
        body = await body_of(request)
        # On the event loop itself, not in a worker thread: a millisecond or two of work, and
        # the requests are then answered in the order they came, instead of dozens of threads
        # taking turns at the GIL (benchmarks/web_load.py: more answers a second, and a far
        # shorter tail). The longer looks below (Why, Inside, a closer look) run in threads.
        image = read_png(body)
        pool = state.pool
        with pool.borrow() as net:          # waits, at worst, for a look to give a copy back
            return JSONResponse(answer(Predictor(net).predict(image)))

    @app.post("/api/why", summary="Why this answer: saliency or Grad-CAM")
    async def why(request: Request, method: Literal["saliency", "grad-cam"] = "saliency"):
        """Returns: digit, method, heat (28x28, signed), canvas_heat (a see-through PNG to lay
        over the canvas at placement: {x, y, size} in canvas pixels) and input_heat (the 28x28
        input with the heat over it, PNG)."""
        if method == "grad-cam":
            needs("grad-cam")
        image = await canvas(request)

        def work():
            pool = state.pool
            with pool.borrow() as net:
                prediction = Predictor(net).predict(image)
                t = trace(net, prediction.network_input)
                heat = saliency(t) if method == "saliency" else grad_cam(net, t)[1]
            ink = ink_from_background(to_grey(image)) * 255       # white on black, any picture
            x0, y0, k = placement(ink, prediction.network_input)
            return {"digit": t.digit, "method": method, "heat": numbers(heat),
                    "canvas_heat": png_url(pictures.heat_rgba(heat)),
                    "placement": {"x": x0, "y": y0, "size": k * heat.shape[0],
                                  "width": image.width, "height": image.height},
                    "input_heat": png_url(pictures.heat_overlay(prediction.network_input,
                                                                heat))}
        return await run_in_threadpool(work)

    @app.post("/api/inside", summary="Every layer's output for the drawing, as pictures")
    async def inside(request: Request, scale: Literal["layer", "map"] = "layer"):
        """Returns: layers [{name, class, caption, shape, maps: [PNG per map]}] for the layers
        with maps (orange: positive, blue: negative; scale "layer": one scale per layer, so
        maps compare; "map": each map its own), dense (PNG of its 128 units after the ReLU),
        probabilities, digit."""
        needs("inside")
        image = await canvas(request)

        def work():
            _, t = traced(image)
            layers = []
            for name, out in t.outputs.items():
                if t.classes[name] not in MAPS_OF or out.ndim != 3:
                    continue
                scales = pictures.sign_scales(out) if scale == "layer" else None
                maps = [png_url(pictures.colour_layer(out[:, :, f], scales))
                        for f in range(out.shape[2])]
                layers.append({"name": name, "class": t.classes[name], "caption": caption(t, name),
                               "shape": list(out.shape), "maps": maps})
            dense = t.outputs[DENSE_RELU]
            return {"input": png_url(pictures.grey(t.image[:, :, 0])), "layers": layers,
                    "dense": png_url(pictures.colour_layer(dense.reshape(8, -1))),
                    "dense_caption": caption(t, DENSE_RELU),
                    "logits_caption": caption(t, LOGITS),
                    "probabilities": numbers(t.probabilities), "digit": t.digit}
        return await run_in_threadpool(work)

    @app.post("/api/explain", summary="How one number of a layer's map was computed")
    async def explain(request: Request, layer: str = Query(..., max_length=40),
                      map: int = Query(..., ge=0, le=10_000),
                      row: int = Query(..., ge=0, le=10_000),
                      col: int = Query(..., ge=0, le=10_000)):
        """For a Conv2D's map (or a pooling, or the ReLU after it: its window's winner): the
        input window, the 3x3 kernel slices of the input maps that add the most, their
        products, the sum plus the bias, the pooling window and its winner, the ReLU."""
        needs("inside")
        image = await canvas(request)

        def work():
            pool = state.pool
            with pool.borrow() as net:
                names = [layer_.name for layer_ in net.layers]
                if layer not in names:
                    raise HTTPException(422, f"layer: one of {', '.join(names)}")
                prediction = Predictor(net).predict(image)
                t = trace(net, prediction.network_input)
                try:
                    out = t.outputs[layer]
                    if out.ndim != 3 or map >= out.shape[2] or row >= out.shape[0] or \
                            col >= out.shape[1]:
                        raise ValueError(f"{layer} has no number at map {map}, ({row}, {col})")
                    conv, i, j = source_pixel(net, t, layer, map, row, col)
                    story = explain_pixel(net, t, conv, map, i, j)
                except ValueError as error:
                    raise HTTPException(422, str(error)) from None
            return story_json(story, layer, row, col, float(t.outputs[layer][row, col, map]))
        return await run_in_threadpool(work)

    # ------------------------------------------------------------ Correct it, Teach it

    @app.get("/api/digits", summary="How many digits of each class you have saved")
    def digits():
        return {"counts": count_digits(my_digits_dir()).tolist()}

    @app.post("/api/correct", summary="Save the canvas as an example of a digit")
    async def correct(request: Request, digit: int = Query(..., ge=0, le=9),
                      replaces: str | None = Query(None, max_length=64)):
        """Saves the PNG into the user's digits folder, in digit's subfolder. replaces: the
        token an earlier correction of the same drawing returned; that file is removed (a
        mis-click mended). Returns: token, digit, counts."""
        needs_training()
        image = await canvas(request)

        def work():
            to_mnist(image)                        # EmptyImageError: nothing drawn
            earlier = state.saved.pop(replaces, None) if replaces else None
            if earlier is not None:
                earlier.unlink(missing_ok=True)
            try:
                path = save_digit(image.convert("L"), digit, my_digits_dir())
            except OSError as error:
                raise HTTPException(507, f"could not save it: {error}") from None
            token = secrets.token_urlsafe(12)
            state.saved[token] = path
            while len(state.saved) > KEPT_TOKENS:
                state.saved.popitem(last=False)
            return {"token": token, "digit": digit,
                    "counts": count_digits(my_digits_dir()).tolist()}
        return await run_in_threadpool(work)

    @app.post("/api/teach", summary="Fine-tune the network on your saved digits")
    def teach():
        needs_training()
        with state.starting:
            return start_teach()

    def start_teach():
        if state.teach is not None and not state.teach.finished:
            raise HTTPException(409, "a Teach is under way already")
        try:
            start = load_digit_model(state.start)
        except WeightsError as error:
            raise HTTPException(409, f"Teach cannot start: {error}") from None
        needs("teach", start)
        if count_digits(my_digits_dir()).sum() == 0:
            raise HTTPException(409, "correct a few digits first: Teach learns from them")
        if state.teach is not None:
            state.teach.close()
        state.teach = TeachSession(start, state.pool.first, state.use, **state.teach_settings)
        return {"started": True}

    @app.post("/api/teach/stop", summary="Stop the Teach under way (nothing is saved)")
    def teach_stop():
        needs_training()
        if state.teach is None or state.teach.finished:
            raise HTTPException(409, "no Teach is under way")
        state.teach.stop()
        return {"stopping": True}

    @app.get("/api/teach/events", summary="The Teach's progress, as server-sent events")
    async def teach_events(request: Request):
        return events_of(state.teach, "Teach", request)

    # ------------------------------------------------------------ Watch it learn

    @app.post("/api/learn/start", summary="Train a fresh network from random weights")
    def learn_start():
        needs_training()
        with state.starting:
            return start_learn()

    def start_learn():
        if state.learn is not None and not state.learn.finished:
            raise HTTPException(409, "a network is learning already")
        if state.learn is not None:
            state.learn.close()
        state.learn = LearnSession(**state.learn_settings)
        return {"started": True, "run": run_name(state.learn.out)}

    def learning():
        needs_training()
        if state.learn is None or state.learn.finished:
            raise HTTPException(409, "no network is learning")
        return state.learn

    @app.post("/api/learn/pause", summary="Hold the training between two batches")
    def learn_pause():
        learning().pause()
        return {"paused": True}

    @app.post("/api/learn/resume", summary="Go on training")
    def learn_resume():
        learning().resume()
        return {"paused": False}

    @app.post("/api/learn/stop", summary="Stop: the weights are saved as a run")
    def learn_stop():
        learning().stop()
        return {"stopping": True}

    @app.post("/api/learn/drawing", summary="The drawing the learning network reads")
    async def learn_drawing(request: Request):
        """Body: the canvas PNG. Returns: reading -- how the network reads it as of its last
        snapshot (null before the first); it is read again at every snapshot."""
        session = learning()
        image = await canvas(request)
        network_input = await run_in_threadpool(to_mnist, image)
        return {"reading": await run_in_threadpool(session.set_drawing, network_input)}

    @app.get("/api/learn/events", summary="The training's snapshots, as server-sent events")
    async def learn_events(request: Request):
        return events_of(state.learn, "Watch it learn", request)

    def events_of(session, what, request):
        """The session's events from the first, or after the Last-Event-ID a reconnecting
        EventSource sends."""
        if session is None:
            raise HTTPException(409, f"{what} has not started")
        last = request.headers.get("last-event-id", "0")

        async def stream():
            seen = int(last) if last.isdigit() else 0
            while True:
                arrived, finished = session.events.after(seen)
                for number, kind, data in arrived:
                    yield f"id: {number}\nevent: {kind}\ndata: {json.dumps(data)}\n\n"
                seen += len(arrived)
                if (finished and not arrived) or state.closing.is_set():
                    return
                if not arrived:
                    yield ": waiting\n\n"
                await asyncio.sleep(EVENTS_POLL_S)
        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    return app


def story_json(story, clicked, row, col, value):
    """A closer.PixelStory as JSON, with the number that was clicked (layer, row, col, value)."""
    pooling = story.pooling
    return {
        "clicked": {"layer": clicked, "row": row, "col": col, "value": round(value, 4)},
        "layer": story.layer, "map": story.map, "row": story.row, "col": story.col,
        "inputs": [{"channel": int(c), "window": numbers(story.window[:, :, k]),
                    "kernel": numbers(story.kernel[:, :, k]),
                    "products": numbers(story.products[:, :, k]),
                    "sum": round(float(story.parts[k]), 4)}
                   for k, c in enumerate(story.channels)],
        "rest": round(story.rest, 4), "bias": round(story.bias, 4),
        "total": round(story.total, 4),
        "pooling": None if pooling is None else {
            "layer": pooling.layer, "row": pooling.row, "col": pooling.col,
            "window": numbers(pooling.window), "winner": list(pooling.winner),
            "value": round(pooling.value, 4)},
        "is_winner": story.is_winner,
        "relu": None if story.relu is None else {"layer": story.relu[0],
                                                 "value": round(story.relu[1], 4)}}
