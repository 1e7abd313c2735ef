"""The web app: draw in any browser and see inside the network, computed on the server by the
same code as the Tk app (numpy_cnn.gui): both are faces of numpy_cnn.app.

    numpy-cnn serve [--host 127.0.0.1] [--port 8000] [--weights PATH] [--allow-training]

Modules:
- __main__: the serve command (uvicorn), safe defaults
- server:   create_app, the FastAPI application: the page and the JSON API (its docstring lists
            the endpoints; FastAPI's own list is at /docs)
- images:   the canvas PNG of a request, read within limits (size, type, decompression bombs)
- models:   ModelPool, copies of the network so that concurrent requests never share a
            layer's cached activations
- sessions: Watch it learn and Teach it, their workers' messages as server-sent events
- encode:   arrays as PNG data URLs and rounded JSON numbers
- page/:    index.html, style.css, app.js: the page, no build step, nothing from the internet
It needs the `web` extra: pip install -e ".[web]".
"""
