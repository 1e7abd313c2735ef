"""How many drawings a second does the web app read, and how fast does it answer?

    python benchmarks/web_load.py [--clients 16] [--seconds 10] [--weights PATH] [--copies 2]

Starts `numpy-cnn serve` on a free port of 127.0.0.1 (in a process of its own, writing nothing:
its $NUMPY_CNN_HOME is a temporary folder), then `--clients` threads of this process each post
canvas PNGs (the digits of numpy_cnn.app.strokes, drawn with three pen widths) to /api/predict,
one after the other over a kept-alive connection, for `--seconds` after a second of warm-up.
Prints the throughput, the median and 99th-percentile latency, the errors (any answer other
than 200 with the digit drawn), and the server's resident memory at start, after the warm-up
and at the end.

Target on the 2-core machine: >= 300 predictions/s, p99 <= 50 ms, 0 errors, memory steady.
"""
import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from numpy_cnn.app.strokes import DIGIT_STROKES, draw  # noqa: E402
from numpy_cnn.paths import SHIPPED_WEIGHTS  # noqa: E402

WIDTHS = (14, 20, 28)
WARM_UP_S = 1.0


def canvases():
    """[(digit, PNG bytes)] of every digit of app.strokes at every pen width."""
    import io
    out = []
    for digit, strokes in DIGIT_STROKES.items():
        for width in WIDTHS:
            png = io.BytesIO()
            draw(strokes, width).image.save(png, format="PNG")
            out.append((digit, png.getvalue()))
    return out


def start_server(weights, copies, home):
    """`numpy-cnn serve --port 0`; returns (the process, its port)."""
    env = {**os.environ, "NUMPY_CNN_HOME": home}
    process = subprocess.Popen([sys.executable, "-m", "numpy_cnn", "serve", "--port", "0",
                                "--weights", str(weights), "--copies", str(copies)],
                               cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    for line in process.stdout:
        if "open http://" in line:
            return process, int(line.split("open http://")[1].split("/")[0].rsplit(":", 1)[1])
    raise SystemExit(f"the server did not start (exit status {process.wait()})")


def resident_mb(pid):
    """The process's resident memory (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def client(port, work, stop_at, measure_from, latencies, errors, seed):
    """Post canvases until stop_at; keep the latencies of the requests begun after measure_from."""
    rng = np.random.default_rng(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    import json
    while True:
        began = time.perf_counter()
        if began >= stop_at:
            break
        digit, png = work[rng.integers(len(work))]
        try:
            connection.request("POST", "/api/predict", body=png,
                               headers={"Content-Type": "image/png"})
            response = connection.getresponse()
            body = response.read()
            ok = response.status == 200 and json.loads(body)["digit"] == digit
        except (OSError, http.client.HTTPException, ValueError):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            ok = False
        if began >= measure_from:
            latencies.append(time.perf_counter() - began)
            if not ok:
                errors.append(digit)
    connection.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--weights", default=str(SHIPPED_WEIGHTS))
    parser.add_argument("--copies", type=int, default=2, help="the server's --copies")
    args = parser.parse_args(argv)
    work = canvases()
    with tempfile.TemporaryDirectory() as home:
        process, port = start_server(args.weights, args.copies, home)
        try:
            before = resident_mb(process.pid)
            latencies, errors = [], []
            now = time.perf_counter()
            measure_from, stop_at = now + WARM_UP_S, now + WARM_UP_S + args.seconds
            threads = [threading.Thread(target=client, args=(port, work, stop_at, measure_from,
                                                              latencies, errors, seed))
                       for seed in range(args.clients)]
            for thread in threads:
                thread.start()
            time.sleep(max(0.0, measure_from - time.perf_counter()))
            warm = resident_mb(process.pid)
            for thread in threads:
                thread.join()
            after = resident_mb(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=20)
    ms = np.array(latencies) * 1000
    print(f"{args.clients} clients, {args.seconds:g} s, the server with {args.copies} copies "
          f"of the network, on {os.cpu_count()} cores")
    print(f"throughput: {len(ms) / args.seconds:,.0f} predictions/s ({len(ms):,} requests)")
    print(f"latency: p50 {np.percentile(ms, 50):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms, "
          f"max {ms.max():.1f} ms")
    print(f"errors: {len(errors)}")
    print(f"server memory (RSS): {before:.0f} MB at start, {warm:.0f} MB after the warm-up, "
          f"{after:.0f} MB at the end")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
