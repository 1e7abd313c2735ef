"""Serve the web app:  numpy-cnn serve [--host 127.0.0.1] [--port 8000] [--weights PATH]
[--allow-training]   (or python -m numpy_cnn.web)

It listens on 127.0.0.1 (this computer only) unless --host says otherwise, and then it says
so. Correcting, teaching and training (they write files and keep the CPU busy) are on for a
server on this computer, and off on another address unless --allow-training. It needs the
`web` extra (FastAPI and uvicorn): pip install -e ".[web]". Ctrl-C stops it at once; a Watch-it-
learn run under way saves its weights first.
"""
import argparse
import ipaddress
import socket
import sys

from numpy_cnn.app.predictor import find_weights
from numpy_cnn.parallel import single_threaded_blas
from numpy_cnn.storage import WeightsError, load_digit_model

INSTALL = 'pip install -e ".[web]"'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="numpy-cnn serve",
                                     description="Serve the drawing app as a web page.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this computer only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free)")
    parser.add_argument("--weights", help="trained weights (.npz) (default: those Teach made "
                                          "from your digits, if any, else the shipped ones)")
    parser.add_argument("--allow-training", action="store_true",
                        help="allow correcting, teaching and training on a server that others "
                             "can reach (always allowed on 127.0.0.1)")
    parser.add_argument("--copies", type=int, default=2, metavar="N",
                        help="requests that run the network at once (default 2)")
    return parser.parse_args(argv)


def is_local(host):
    """True for an address only this computer reaches (127.x.x.x, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv=None):
    """Returns: the exit status (0 after Ctrl-C or a stop, 1 if it could not start)."""
    args = parse_args(argv)
    try:
        import uvicorn

        from .server import create_app
    except ImportError as error:
        print(f"serve: the web app needs FastAPI and uvicorn ({error}): {INSTALL}",
              file=sys.stderr)
        return 1
    weights = find_weights(args.weights)
    try:
        model = load_digit_model(weights)
    except WeightsError as error:
        print(f"serve: {error}", file=sys.stderr)
        return 1
    local = is_local(args.host)
    allow = local or args.allow_training
    try:
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        # IPPROTO_TCP named, not 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only for
        # sockets that say they are TCP; with it on, every answer waited 40 ms for an ACK.
        listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((args.host, args.port))
        listener.listen(2048)           # connections wait from now on, until uvicorn takes them
    except OSError as error:
        print(f"serve: cannot listen on {args.host}:{args.port}: {error.strerror or error}",
              file=sys.stderr)
        return 1
    port = listener.getsockname()[1]
    app = create_app(model, weights, allow_training=allow, host=args.host, copies=args.copies,
                     announce=lambda text: print(f"serve: {text}", flush=True))
    if not local:
        print(f"serve: listening on {args.host}, not only on this computer: anyone who can "
              f"reach it can use the page. Correcting, teaching and training are "
              f"{'on (--allow-training)' if allow else 'off (--allow-training turns them on)'}.")
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"numpy-cnn web app: open http://{shown}:{port}/ in a browser "
          f"(reading with {weights}; Ctrl-C stops it)", flush=True)

    class Server(uvicorn.Server):
        """uvicorn's, which on Ctrl-C also ends the event streams at once (they would
        otherwise hold up the shutdown until they finished)."""

        def handle_exit(self, sig, frame):
            app.state.web.closing.set()
            super().handle_exit(sig, frame)

    server = Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                   timeout_graceful_shutdown=2))
    try:
        with single_threaded_blas():     # one image a request: a second BLAS thread only waits
            server.run(sockets=[listener])
    except KeyboardInterrupt:
        pass
    print("serve: stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
