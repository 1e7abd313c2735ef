"""Tests for numpy_cnn.data: the idx parser, the shipped MNIST files, the downloader, the CLI.

No test touches the internet: downloads go to an HTTP server the tests start on 127.0.0.1,
and an autouse fixture points the default mirrors at a closed local port.
"""
import gzip
import hashlib
import http.server
import io
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from numpy_cnn import paths
from numpy_cnn.data import (DEFAULT_MIRRORS, MNIST_SHA256, ChecksumError, DownloadError, IdxError,
                            download_mnist, load_mnist, mirror_list, parse_idx, read_idx,
                            resolve_data_dir, to_model_input, verify_mnist)

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data"
# idx type code -> the big-endian dtype the file stores
TYPE_CODES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


# ------------------------------------------------------------------ helpers

def idx_bytes(array, type_code):
    """Encode `array` as an idx file, independently of the code under test."""
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(TYPE_CODES[type_code]).tobytes()


def sha256(content):
    return hashlib.sha256(content).hexdigest()


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def mnist_copy(folder, names=tuple(MNIST_SHA256)):
    """Make `folder` look like a data dir holding the shipped files `names` (as symlinks)."""
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / f"{name}.gz").symlink_to(SHIPPED / f"{name}.gz")
    return folder


def run_cli(*args):
    env = dict(os.environ, NUMPY_CNN_MNIST_MIRRORS=closed_port_url(), PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "numpy_cnn.data", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """A download a test forgets to point at the local server fails locally, not online."""
    monkeypatch.setenv("NUMPY_CNN_MNIST_MIRRORS", closed_port_url())


# ------------------------------------------------------------------ the idx parser

def sample(dtype, shape):
    """Random values of `dtype` including its extremes (and nan/inf for floats)."""
    rng = np.random.default_rng(0)
    if dtype.kind == "f":
        values = rng.normal(scale=1e3, size=shape).astype(dtype)
        extremes = [np.finfo(dtype).min, np.finfo(dtype).max, np.inf, np.nan]
    else:
        info = np.iinfo(dtype)
        values = rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)
        extremes = [info.min, info.max]
    flat = values.reshape(-1)
    flat[:len(extremes)] = extremes[:flat.size]
    return values


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4), (2, 1, 3, 2)], ids=len)
@pytest.mark.parametrize("type_code", sorted(TYPE_CODES), ids=hex)
def test_round_trip(tmp_path, type_code, shape, compress):
    expected = sample(np.dtype(TYPE_CODES[type_code]), shape)
    content = idx_bytes(expected, type_code)
    path = tmp_path / "array.idx"
    path.write_bytes(gzip.compress(content) if compress else content)

    result = read_idx(path)

    assert result.shape == shape
    assert result.dtype == expected.dtype.newbyteorder("=") and result.dtype.isnative
    np.testing.assert_array_equal(result, expected)


def test_single_byte_payload_is_not_copied():
    content = idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4), 0x08)
    array = parse_idx(content)
    assert np.shares_memory(array, np.frombuffer(content, np.uint8))


def test_zero_length_dimension_is_an_empty_array():
    assert parse_idx(bytes([0, 0, 0x0D, 2]) + struct.pack(">2I", 0, 5)).shape == (0, 5)


def header(type_code, *dims):
    return bytes([0, 0, type_code, len(dims)]) + struct.pack(f">{len(dims)}i", *dims)


MALFORMED = {
    "empty file": (b"", "truncated header"),
    "three bytes": (b"\x00\x00\x08", "truncated header"),
    "dimension cut short": (header(0x08, 3, 4)[:-2], "truncated header"),
    "missing second dimension": (bytes([0, 0, 0x08, 2]) + struct.pack(">i", 3), "truncated header"),
    "bad magic first byte": (b"\x01" + header(0x08, 2)[1:] + b"ab", "bad magic number"),
    "bad magic second byte": (b"\x00\x08" + header(0x08, 2)[2:] + b"ab", "bad magic number"),
    "type code 0x0A": (header(0x0A, 2) + b"ab", "unknown type code 0x0A"),
    "type code 0x07": (header(0x07, 2) + b"ab", "unknown type code 0x07"),
    "type code 0x0F": (header(0x0F, 2) + b"ab", "unknown type code 0x0F"),
    "zero dimensions": (b"\x00\x00\x08\x00", "zero dimensions"),
    "payload too short": (header(0x08, 3, 4) + bytes(11), "payload too short"),
    "payload too long": (header(0x08, 3, 4) + bytes(13), "payload too long"),
    "multi-byte payload short": (header(0x0E, 2) + bytes(15), "payload too short"),
    "negative dimension": (header(0x08, -1, 4), "negative dimension"),
}


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_header_is_rejected_naming_the_file(tmp_path, case, compress):
    content, words = MALFORMED[case]
    path = tmp_path / "bad-idx3-ubyte"
    path.write_bytes(gzip.compress(content) if compress else content)
    with pytest.raises(IdxError) as caught:
        read_idx(path)
    assert str(path) in str(caught.value)
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)


def corrupt_gzips():
    packed = gzip.compress(idx_bytes(np.arange(200, dtype=np.uint8), 0x08))
    flipped = bytearray(packed)
    flipped[len(packed) // 2] ^= 0xFF
    bad_crc = packed[:-8] + bytes(8)
    return {"truncated": packed[:-10], "flipped byte": bytes(flipped), "bad crc": bad_crc,
            "header only": packed[:10]}


@pytest.mark.parametrize("case", corrupt_gzips())
def test_corrupt_gzip_is_rejected_naming_the_file(tmp_path, case):
    path = tmp_path / "broken.gz"
    path.write_bytes(corrupt_gzips()[case])
    with pytest.raises(IdxError, match="corrupt gzip") as caught:
        read_idx(path)
    assert str(path) in str(caught.value)


# ------------------------------------------------------------------ the shipped MNIST files

@pytest.fixture(scope="module")
def mnist():
    return load_mnist(SHIPPED, download=False)


def test_shipped_files_have_the_published_checksums():
    for name, expected in MNIST_SHA256.items():
        assert sha256(gzip.decompress((SHIPPED / f"{name}.gz").read_bytes())) == expected, name


def test_shipped_files_load_with_the_right_shapes_and_dtypes(mnist):
    x_train, y_train, x_test, y_test = mnist
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert all(array.dtype == np.uint8 for array in mnist)
    assert x_train.min() == 0 and x_train.max() == 255


def test_shipped_labels_have_the_known_counts_per_class(mnist):
    _, y_train, _, y_test = mnist
    assert np.bincount(y_train, minlength=10).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test, minlength=10).tolist() == TEST_COUNTS


def test_shipped_files_verify(mnist):
    report = io.StringIO()
    assert verify_mnist(SHIPPED, stream=report)
    assert report.getvalue().count(" OK") == 4


def test_load_mnist_is_fast(mnist):
    start = time.perf_counter()
    load_mnist(SHIPPED, download=False)
    assert time.perf_counter() - start < 3.0   # aim is < 1.5 s; slack for a busy machine


def test_default_data_dir_is_the_checkouts_data_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()                  # a data/ folder where you stand is not used
    assert resolve_data_dir() == SHIPPED
    assert resolve_data_dir("elsewhere") == Path("elsewhere")


def test_installed_copy_keeps_mnist_in_the_user_folder(tmp_path, monkeypatch, private_user_dir):
    site_packages = tmp_path / "site-packages"       # where an installed numpy_cnn sits
    (site_packages / "data").mkdir(parents=True)     # some other package's data/ folder
    (site_packages / "data" / "README.md").write_text("not ours")
    monkeypatch.setattr(paths, "REPO_DIR", site_packages)
    monkeypatch.setattr(paths, "REPO_DATA_DIR", site_packages / "data")
    assert resolve_data_dir() == private_user_dir / "mnist"
    report = io.StringIO()
    assert not verify_mnist(stream=report)           # nothing there yet, and nothing created
    assert str(private_user_dir / "mnist") in report.getvalue()
    assert not (private_user_dir / "mnist").exists()


def test_content_tampered_copy_is_rejected_naming_the_file(tmp_path):
    mnist_copy(tmp_path, [name for name in MNIST_SHA256 if name != "t10k-labels-idx1-ubyte"])
    labels = bytearray(gzip.decompress((SHIPPED / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    labels[100] = (labels[100] + 1) % 10          # still a valid idx file, wrong content
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(labels)))

    with pytest.raises(ChecksumError) as caught:
        load_mnist(tmp_path, download=False)
    message = str(caught.value)
    assert "t10k-labels-idx1-ubyte.gz" in message and "checksum mismatch" in message
    assert "numpy-cnn data download" in message


def test_gzip_damaged_copy_is_rejected_naming_the_file(tmp_path):
    mnist_copy(tmp_path, [name for name in MNIST_SHA256 if name != "train-labels-idx1-ubyte"])
    packed = (SHIPPED / "train-labels-idx1-ubyte.gz").read_bytes()
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(packed[:len(packed) // 2])
    with pytest.raises(IdxError, match="train-labels-idx1-ubyte.gz.*corrupt gzip"):
        load_mnist(tmp_path, download=False)


def test_missing_file_without_download_names_it(tmp_path):
    mnist_copy(tmp_path, ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"])
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte.gz, t10k-labels"):
        load_mnist(tmp_path, download=False)


def test_to_model_input():
    images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    result = to_model_input(images)
    assert result.shape == (1, 2, 2, 1) and result.dtype == np.float32
    np.testing.assert_allclose(result[0, :, :, 0], [[0, 1], [0.2, 0.4]], rtol=1e-6)
    assert to_model_input(images[0]).shape == (1, 2, 2, 1)
    with pytest.raises(ValueError, match="uint8"):
        to_model_input(images.astype(np.float32))


def test_to_model_input_on_mnist(mnist):
    x = to_model_input(mnist[2])
    assert x.shape == (10000, 28, 28, 1) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == 1.0


# ------------------------------------------------------------------ the downloader

class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass   # clients that give up (timeouts) make the handler's writes fail; that is expected


@pytest.fixture
def server():
    """An HTTP server on 127.0.0.1. Fill `routes` with path -> (status, body, behaviour), where
    behaviour is "ok", "drop" (announce the full length, send half, close) or "slow"."""
    routes, requested = {}, []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            status, body, behaviour = routes.get(self.path, (404, b"not found", "ok"))
            if behaviour == "slow":
                time.sleep(1.0)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2] if behaviour == "drop" else body)

        def log_message(self, *args):
            pass

    httpd = QuietServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"

    def serve(mirror, files, behaviour="ok", encode=gzip.compress):
        for name, content in files.items():
            routes[f"/{mirror}/{name}.gz"] = (200, encode(content), behaviour)
        return f"{base}/{mirror}/"

    yield SimpleNamespace(serve=serve, url=lambda mirror: f"{base}/{mirror}/", requested=requested)
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def files():
    """Two small idx files; the images are random so that they span several download chunks."""
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(50, 64, 64), dtype=np.uint8)
    return {"tiny-images-idx3-ubyte": idx_bytes(images, 0x08),
            "tiny-labels-idx1-ubyte": idx_bytes(np.arange(50, dtype=np.uint8) % 10, 0x08)}


def sums(files):
    return {name: sha256(content) for name, content in files.items()}


def fetch(dest, mirrors, files, **kwargs):
    return download_mnist(dest, mirrors, checksums=sums(files), stream=io.StringIO(), **kwargs)


def assert_downloaded(dest, files):
    assert sorted(os.listdir(dest)) == sorted(f"{name}.gz" for name in files)  # no temp files
    for name, content in files.items():
        assert gzip.decompress((dest / f"{name}.gz").read_bytes()) == content
        read_idx(dest / f"{name}.gz")


def test_download_succeeds(tmp_path, server, files):
    written = fetch(tmp_path / "new", [server.serve("m1", files)], files)
    assert written == [tmp_path / "new" / f"{name}.gz" for name in files]
    assert_downloaded(tmp_path / "new", files)


def test_first_mirror_404_then_second_succeeds(tmp_path, server, files):
    mirrors = [server.url("empty"), server.serve("m2", files)]
    fetch(tmp_path, mirrors, files)
    assert_downloaded(tmp_path, files)
    name = "tiny-images-idx3-ubyte.gz"
    assert server.requested[:2] == [f"/empty/{name}", f"/m2/{name}"]


def tampered(content):
    return gzip.compress(content[:-1] + bytes([content[-1] ^ 1]))


def bad_gzip(content):
    return gzip.compress(content)[:-8] + bytes(8)   # CRC and length zeroed


def html_page(content):
    return b"<html>Not the file you wanted</html>"


@pytest.mark.parametrize("encode, reason", [(tampered, "checksum mismatch"),
                                            (bad_gzip, "corrupt gzip"),
                                            (html_page, "checksum mismatch")])
def test_corrupted_download_is_rejected_and_leaves_no_file(tmp_path, server, files, encode, reason):
    mirror = server.serve("bad", files, encode=encode)
    with pytest.raises(DownloadError, match=reason):
        fetch(tmp_path, [mirror], files)
    assert os.listdir(tmp_path) == []


def test_connection_dropped_mid_file_moves_to_next_mirror(tmp_path, server, files):
    mirrors = [server.serve("drop", files, "drop"), server.serve("good", files)]
    log = io.StringIO()
    download_mnist(tmp_path, mirrors, checksums=sums(files), stream=log)
    assert_downloaded(tmp_path, files)
    assert "connection closed after" in log.getvalue()


def test_connection_dropped_everywhere_leaves_no_file(tmp_path, server, files):
    with pytest.raises(DownloadError, match="connection closed after"):
        fetch(tmp_path, [server.serve("drop", files, "drop")], files)
    assert os.listdir(tmp_path) == []


def test_all_mirrors_failing_lists_what_was_tried(tmp_path, server, files):
    refused = closed_port_url()
    mirrors = [server.url("missing"), refused, server.serve("slow", files, "slow"),
               server.serve("bad", files, encode=tampered)]
    with pytest.raises(DownloadError) as caught:
        fetch(tmp_path, mirrors, files, timeout=0.3)
    lines = str(caught.value).splitlines()
    name = "tiny-images-idx3-ubyte.gz"
    assert f"{server.url('missing')}{name}: HTTP error 404" in lines[1]
    assert f"{refused}{name}: cannot connect" in lines[2]
    assert f"{server.url('slow')}{name}: " in lines[3] and "timed out" in lines[3]
    assert f"{server.url('bad')}{name}: checksum mismatch" in lines[4]
    assert "by hand" in lines[5] and "numpy-cnn data verify" in lines[5]
    assert os.listdir(tmp_path) == []


def test_failed_download_leaves_no_folder_it_created(tmp_path, server, files):
    with pytest.raises(DownloadError):
        fetch(tmp_path / "new" / "mnist", [server.url("none")], files)
    assert os.listdir(tmp_path) == []


def test_files_already_present_are_not_downloaded(tmp_path, server, files):
    for name, content in files.items():
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress(content))
    assert fetch(tmp_path, [server.url("m1")], files) == []
    assert server.requested == []


def test_damaged_file_is_replaced(tmp_path, server, files):
    (tmp_path / "tiny-labels-idx1-ubyte.gz").write_bytes(b"junk")
    fetch(tmp_path, [server.serve("m1", files)], files)
    assert_downloaded(tmp_path, files)


def test_failed_download_keeps_the_existing_file(tmp_path, server, files):
    (tmp_path / "tiny-images-idx3-ubyte.gz").write_bytes(b"junk")
    with pytest.raises(DownloadError):
        fetch(tmp_path, [server.serve("bad", files, encode=tampered)], files)
    assert os.listdir(tmp_path) == ["tiny-images-idx3-ubyte.gz"]
    assert (tmp_path / "tiny-images-idx3-ubyte.gz").read_bytes() == b"junk"


def test_mirror_list_precedence(monkeypatch):
    monkeypatch.setenv("NUMPY_CNN_MNIST_MIRRORS", "http://a/, http://b/ http://c/")
    assert mirror_list() == ["http://a/", "http://b/", "http://c/"]
    assert mirror_list(["http://x/"]) == ["http://x/"]
    monkeypatch.delenv("NUMPY_CNN_MNIST_MIRRORS")
    assert mirror_list() == list(DEFAULT_MIRRORS)
    assert DEFAULT_MIRRORS[0].startswith("https://ossci-datasets.s3.amazonaws.com")


def test_mirrors_from_environment_are_used(tmp_path, server, files, monkeypatch):
    mirrors = f"{server.url('none')},{server.serve('m2', files)}"
    monkeypatch.setenv("NUMPY_CNN_MNIST_MIRRORS", mirrors)
    fetch(tmp_path, None, files)
    assert_downloaded(tmp_path, files)


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("stream_type", [io.StringIO, Terminal])
def test_progress(tmp_path, server, files, stream_type):
    stream = stream_type()
    download_mnist(tmp_path, [server.serve("m1", files)], checksums=sums(files), stream=stream)
    output = stream.getvalue()
    assert "100%" in output
    if stream_type is Terminal:
        assert "\r" in output
    else:
        assert "\r" not in output and output.count("%") <= 8   # at most 4 lines per file


def test_load_mnist_downloads_missing_files(tmp_path, server):
    labels = [name for name in MNIST_SHA256 if "labels" in name]
    mnist_copy(tmp_path, [name for name in MNIST_SHA256 if name not in labels])
    shipped = {name: gzip.decompress((SHIPPED / f"{name}.gz").read_bytes()) for name in labels}
    _, y_train, _, y_test = load_mnist(tmp_path, mirrors=[server.serve("mnist", shipped)])
    assert np.bincount(y_test, minlength=10).tolist() == TEST_COUNTS
    assert len(y_train) == 60000
    assert sorted(server.requested) == sorted(f"/mnist/{name}.gz" for name in labels)


# ------------------------------------------------------------------ the command line

def test_cli_verify_shipped_files():
    result = run_cli("verify", "--data-dir", str(SHIPPED))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" OK") == 4


def test_cli_verify_reports_missing_and_damaged_files(tmp_path):
    mnist_copy(tmp_path, ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"])
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(b"not mnist"))
    result = run_cli("verify", "--data-dir", str(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].endswith("OK") and lines[1].endswith("OK")
    assert lines[2].startswith("t10k-images-idx3-ubyte.gz") and "checksum mismatch" in lines[2]
    assert lines[3].startswith("t10k-labels-idx1-ubyte.gz") and lines[3].endswith("missing")
    assert "numpy-cnn data download" in result.stdout


def test_cli_download_fetches_missing_file(tmp_path, server):
    name = "t10k-labels-idx1-ubyte"
    mnist_copy(tmp_path, [other for other in MNIST_SHA256 if other != name])
    mirror = server.serve("mnist", {name: gzip.decompress((SHIPPED / f"{name}.gz").read_bytes())})
    result = run_cli("download", "--data-dir", str(tmp_path), "--mirror", server.url("none"),
                     "--mirror", mirror)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" OK") == 4
    assert "HTTP error 404" in result.stderr


def test_cli_download_failure_exit_code(tmp_path):
    result = run_cli("download", "--data-dir", str(tmp_path))   # mirrors: a closed local port
    assert result.returncode == 1
    assert "Could not download train-images-idx3-ubyte.gz. Tried:" in result.stderr
    assert "cannot connect" in result.stderr


def test_cli_download_ctrl_c_is_one_line_and_keeps_nothing(tmp_path):
    """A mirror that accepts the connection and never answers; Ctrl-C (SIGINT) while waiting."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        env = dict(os.environ, PYTHONPATH=str(REPO))
        target = tmp_path / "new"
        process = subprocess.Popen(
            [sys.executable, "-m", "numpy_cnn.data", "download", "--data-dir", str(target),
             "--mirror", f"http://127.0.0.1:{silent.getsockname()[1]}/"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert process.stderr.readline().startswith("Downloading")
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 130 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.strip().startswith("Interrupted")
    assert os.listdir(tmp_path) == []
