"""Watch it learn and Teach it, for the web app: the workers of numpy_cnn.app.learner and
numpy_cnn.app.teacher, and what they say turned into events a page can read.

    browser                     server (this module)                 worker process
    POST /api/learn/start  -->  LearnSession: LiveTraining  -------> trains (app.learner)
    GET /api/learn/events  <--  EventLog <-- pump thread <---------- ("progress", ...) ...
    (server-sent events)        reads the messages every PUMP_S, makes the pictures

A session's pump thread is the only one that reads its worker's pipe and the only one that
runs its network (a copy that follows the worker's snapshots), apart from set_drawing, which
takes the same lock. close() stops the worker, which saves a Watch-it-learn run first.
"""
import threading
import time
from pathlib import Path

from numpy_cnn import pictures
from numpy_cnn.app.learner import LiveTraining
from numpy_cnn.app.predictor import Prediction
from numpy_cnn.insight import layer_outputs
from numpy_cnn.model import from_architecture
from numpy_cnn.storage import WeightsError, load_digit_model

from .encode import answer, png_url

PUMP_S = 0.05
FILTER_ZOOM, MAPS_ZOOM = 12, 2


class EventLog:
    """Events numbered from 1, kept for the session's life (a few hundred at most), and whether
    more will come."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = []                 # [(number, kind, data)]
        self.finished = False

    def add(self, kind, data, last=False):
        with self.lock:
            self.events.append((len(self.events) + 1, kind, data))
            self.finished = self.finished or last

    def after(self, number):
        """Returns: (the events numbered above `number`, whether no more will come)."""
        with self.lock:
            return self.events[number:], self.finished


def reading(model, network_input):
    """How `model` reads a (28, 28) input: the page's answer fields (see encode.answer)."""
    return answer(Prediction(model.predict_proba(network_input)[0], network_input))


class Session:
    """A worker and the thread that pumps its messages into `events`; subclasses handle each
    kind of message in _on_<kind>(content)."""

    def __init__(self, worker):
        self.worker = worker
        self.events = EventLog()
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._pump, daemon=True,
                                       name=f"pump-{worker.process.name}")
        self.thread.start()

    @property
    def finished(self):
        return self.events.after(0)[1]

    def _pump(self):
        while not self.closing.is_set() and not self.finished:
            for kind, content in self.worker.messages():
                with self.lock:
                    getattr(self, f"_on_{kind}")(content)
            time.sleep(PUMP_S)

    def _on_ended(self, exitcode):
        if not self.finished:
            self.events.add("error", {"message": f"the worker process ended unexpectedly (exit "
                                                 f"code {exitcode})"}, last=True)

    def stop(self):
        self.worker.stop()

    def close(self):
        """Stop the worker and wait for it (a Watch-it-learn worker saves its run first)."""
        self.closing.set()
        self.thread.join()
        self.worker.close()


class LearnSession(Session):
    """A fresh network trained from random weights (numpy_cnn.app.learner.LiveTraining).

    Events: ready {batches, run}; progress {batch, images, train_loss, val_loss,
    val_accuracy, seconds, filters, maps, reading}; reading {...} when the drawing changes;
    saved {run, reason}; error {message}. filters and maps are PNG data URLs (conv1's 32
    kernels; its 32 maps of a test digit), reading how this network reads the page's drawing.
    """

    def __init__(self, **settings):
        self.model = self.digit = self.drawing = None
        self.snapshots = 0
        super().__init__(LiveTraining(**settings))

    @property
    def out(self):
        return self.worker.settings.out

    def _on_ready(self, content):
        self.model = from_architecture(content["architecture"])
        self.digit = content["digit"]
        self.events.add("ready", {"batches": content["batches"], "run": run_name(self.out),
                                  "digit": png_url(pictures.grey(self.digit / 255.0))})

    def _on_progress(self, snapshot):
        params = snapshot.pop("params")
        for name, p in self.model.params.items():
            p[...] = params[name]
        self.snapshots += 1
        weights = self.model.params["conv1.W"][:, :, 0, :]
        filters = pictures.colour_signed(weights, pictures.scale_of(weights))
        maps = layer_outputs(self.model, self.digit)["conv1"]
        self.events.add("progress", {
            **snapshot,
            "filters": png_url(pictures.mosaic(filters, 8, FILTER_ZOOM, gap=6)),
            "maps": png_url(pictures.mosaic(pictures.colour_layer(maps), 8, MAPS_ZOOM)),
            "reading": self._reading()})

    def _reading(self):
        if self.drawing is None or self.model is None or not self.snapshots:
            return None
        return reading(self.model, self.drawing)

    def set_drawing(self, network_input):
        """The page's drawing changed: (28, 28) float, or None. Returns how the network as of
        the last snapshot reads it (None before the first)."""
        with self.lock:
            self.drawing = network_input
            now = self._reading()
        return now

    def pause(self):
        self.worker.pause()

    def resume(self):
        self.worker.resume()

    def _on_saved(self, content):
        self.events.add("saved", {"run": run_name(content["path"]), "reason": content["reason"]},
                        last=True)

    def _on_error(self, message):
        self.events.add("error", {"message": message}, last=True)


class TeachSession(Session):
    """A Teach (numpy_cnn.app.teacher.Teaching); on_taught(model, path) is called with the
    taught network when it is ready, before the "taught" event.

    Events: ready {digits, before, batches, notes}; progress {batch, batches, loss};
    taught {digits, before, after, seconds}; stopped {}; error {message}.
    """

    def __init__(self, start, in_use, on_taught, **settings):
        from numpy_cnn.app.teacher import Teaching       # its process starts only when asked
        self.on_taught = on_taught
        super().__init__(Teaching(start, in_use, **settings))

    def _on_ready(self, content):
        self.events.add("ready", {"digits": content["digits"],
                                  "before": int(content["before"].sum()),
                                  "batches": content["batches"], "notes": content["notes"]})

    def _on_progress(self, content):
        self.events.add("progress", dict(content))

    def _on_taught(self, content):
        try:
            model = load_digit_model(content["path"])
        except WeightsError as error:
            self.events.add("error", {"message": f"the taught weights cannot be read: {error}"},
                            last=True)
            return
        self.on_taught(model, content["path"])
        self.events.add("taught", {"digits": len(content["before"]),
                                   "before": int(content["before"].sum()),
                                   "after": int(content["after"].sum()),
                                   "seconds": round(content["seconds"], 1)}, last=True)

    def _on_stopped(self, _):
        self.events.add("stopped", {}, last=True)

    def _on_error(self, message):
        self.events.add("error", {"message": message}, last=True)


def run_name(path):
    """A run's folder name (runs/watch-20250101-120000/mnist_cnn.npz -> watch-20250101-120000):
    what the page is told, rather than a path on the server."""
    return Path(path).parent.name
