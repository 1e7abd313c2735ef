"""The web app served from a thread of this process, on a free port of 127.0.0.1: for the
tests, and the scripts that take screenshots of the page.

    with serve_in_thread(app) as url:      # "http://127.0.0.1:40123"
        ...                                # requests, a browser
    # the server has stopped (and the app's lifespan has closed its sessions)
"""
import contextlib
import socket
import threading
import time


@contextlib.contextmanager
def serve_in_thread(app, timeout=10):
    """uvicorn in a daemon thread (it handles no signals there); yields the server's URL."""
    import uvicorn
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # see serve
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True,
                              name="uvicorn")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        app.state.web.closing.set()
        server.should_exit = True
        thread.join(timeout)
        listener.close()
