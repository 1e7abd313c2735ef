"""Read the MNIST digits from their idx files, and fetch the files when they are missing.

The idx format
--------------
An idx file is a small header followed by the values of one array, in row-major (C) order:

    bytes 0-1   0x00 0x00               magic number: two zero bytes
    byte  2     type code               0x08 uint8, 0x09 int8, 0x0B int16,
                                        0x0C int32, 0x0D float32, 0x0E float64
    byte  3     number of dimensions    e.g. 3 for images: (count, rows, columns)
    then        one big-endian int32 per dimension, e.g. 60000, 28, 28
    then        the values, big-endian, one after another

MNIST is four such files, gzip-compressed: 60,000 training and 10,000 test images of
28x28 uint8 pixels (0 = background, 255 = ink), and their labels (uint8, 0-9).

Where the files are: --data-dir DIR if given, else numpy_cnn.paths.mnist_dir(): the repository's
data/ in a checkout (the files ship there), else the per-user folder ($NUMPY_CNN_HOME/mnist, or
the platform's usual data folder), where they are downloaded once and verified.

Command line (also numpy-cnn data ...):
    numpy-cnn data verify   [--data-dir DIR]
    numpy-cnn data download [--data-dir DIR] [--mirror URL]...
"""
import argparse
import contextlib
import gzip
import hashlib
import math
import os
import shlex
import sys
import urllib.request
import zlib
from http.client import HTTPException
from pathlib import Path
from urllib.error import HTTPError, URLError

import numpy as np

from .paths import mnist_dir

# SHA-256 of the *decompressed* files, in the order load_mnist returns them. (The .gz bytes
# depend on the gzip settings used; the content does not.)
MNIST_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
DEFAULT_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
MIRRORS_ENV_VAR = "NUMPY_CNN_MNIST_MIRRORS"
IDX_DTYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
GZIP_MAGIC = b"\x1f\x8b"
TIMEOUT_SECONDS = 30        # per connection attempt and per read, not for the whole file
CHUNK_BYTES = 1 << 16
SPARSE_STEP_BYTES = 8 << 20  # progress line spacing off a terminal when the size is unknown


class DataFileError(ValueError):
    """A data file is unusable. `source` names the file, `problem` says what is wrong."""

    def __init__(self, source, problem, hint=""):
        super().__init__(f"{source}: {problem}" + (f". {hint}" if hint else ""))
        self.source, self.problem = source, problem


class IdxError(DataFileError):
    """Not a well-formed idx file (bad header, wrong payload size, or corrupt gzip)."""


class ChecksumError(DataFileError):
    """The decompressed content is not the expected one."""


class DownloadError(RuntimeError):
    """Every mirror failed for a file; the message lists each URL tried and why."""


# ------------------------------------------------------------------ reading idx files

def read_bytes(path):
    """Read a whole file, decompressing it if it is gzip.

    Inputs:  path -- a raw or gzip-compressed file (str or Path).
    Returns: the (decompressed) content, as bytes.
    Raises:  IdxError if the gzip data is corrupt or truncated, OSError if unreadable.
    """
    data = Path(path).read_bytes()
    if not data.startswith(GZIP_MAGIC):   # a raw idx file starts with 00 00 instead
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        raise IdxError(path, f"corrupt gzip data ({error})") from None


def parse_idx(data, source="<bytes>"):
    """Turn the content of an idx file into an array, without copying the payload.

    Inputs:  data   -- the whole decompressed file content (bytes).
             source -- what to call the data in error messages, usually its path.
    Returns: an array of the shape and type the header declares, in native byte order.
             One-byte types come back as a read-only view of `data`.
    Raises:  IdxError naming `source` and what is wrong.
    """
    if len(data) < 4:
        raise IdxError(source, f"truncated header: {len(data)} bytes, an idx file needs at least 4")
    if data[0] != 0 or data[1] != 0:
        raise IdxError(source, f"bad magic number: starts with {data[:2].hex()}, expected 0000")
    type_code, ndim = data[2], data[3]
    if type_code not in IDX_DTYPES:
        raise IdxError(source, f"unknown type code 0x{type_code:02X} "
                               f"(known: 0x08, 0x09, 0x0B to 0x0E)")
    if ndim == 0:
        raise IdxError(source, "the header declares zero dimensions")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise IdxError(source, f"truncated header: {ndim} dimensions need {header_size} bytes, "
                               f"the file has {len(data)}")
    shape = tuple(int(n) for n in np.frombuffer(data, ">i4", count=ndim, offset=4))
    if min(shape) < 0:
        raise IdxError(source, f"negative dimension in {shape}")
    dtype = IDX_DTYPES[type_code]
    expected, actual = math.prod(shape) * dtype.itemsize, len(data) - header_size
    if actual != expected:
        raise IdxError(source, f"payload too {'short' if actual < expected else 'long'}: shape "
                               f"{shape} of {dtype.itemsize}-byte values needs {expected} bytes, "
                               f"the file has {actual} after the header")
    array = np.frombuffer(data, dtype, offset=header_size).reshape(shape)
    return array if dtype.isnative else array.astype(dtype.newbyteorder("="))


def read_idx(path):
    """Read an idx file, gzip or raw.

    Inputs:  path -- the file.
    Returns: its array (see parse_idx). Raises IdxError if the file is malformed.
    """
    return parse_idx(read_bytes(path), source=path)


# ------------------------------------------------------------------ the MNIST files

def resolve_data_dir(data_dir=None):
    """Inputs:  data_dir -- the folder holding the .gz files, or None for the default.
    Returns: Path(data_dir), or numpy_cnn.paths.mnist_dir() for None (see the module docstring).
    """
    return mnist_dir() if data_dir is None else Path(data_dir)


def _download_command(data_dir):
    return f"numpy-cnn data download --data-dir {shlex.quote(str(data_dir))}"


def read_verified(path, expected_sha256):
    """Read a file (gzip or raw) and check the SHA-256 of its decompressed content.

    Inputs:  path -- the file; expected_sha256 -- hex digest of the decompressed bytes.
    Returns: the decompressed bytes.
    Raises:  IdxError for corrupt gzip, ChecksumError (suggesting the download command).
    """
    data = read_bytes(path)
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected_sha256:
        raise ChecksumError(path, f"checksum mismatch: SHA-256 of the decompressed content is "
                                  f"{actual}, expected {expected_sha256}",
                            hint=f"To replace it, run: {_download_command(Path(path).parent)}")
    return data


def check_file(data_dir, name, expected_sha256):
    """Inputs:  data_dir -- a folder; name -- a file name without ".gz"; expected_sha256 -- of
             the decompressed content of data_dir/name.gz.
    Returns: None if the file is present and correct, else what is wrong (a short string).
    """
    path = Path(data_dir) / f"{name}.gz"
    if not path.is_file():
        return "missing"
    try:
        read_verified(path, expected_sha256)
    except DataFileError as error:
        return error.problem
    except OSError as error:
        return f"cannot read it ({error})"
    return None


def load_mnist(data_dir=None, download=True, mirrors=None):
    """Load the four MNIST files, downloading missing ones first if `download` is true.

    Inputs:  data_dir -- folder of the idx files (see resolve_data_dir);
             download -- fetch missing files (see download_mnist); mirrors -- base URLs to use.
    Returns: (x_train, y_train, x_test, y_test): uint8 images (N, 28, 28), uint8 labels (N,),
             with N = 60000 and 10000. The arrays are read-only views of the file bytes.
    Raises:  FileNotFoundError, DownloadError, IdxError or ChecksumError naming the file.
    """
    return load_files(list(MNIST_SHA256), data_dir, download, mirrors)


def load_mnist_test(data_dir=None, download=True, mirrors=None):
    """Only the test set, (x_test, y_test), as load_mnist returns it: the training files are
    neither read nor downloaded."""
    return load_files(["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"], data_dir, download,
                      mirrors)


def load_files(names, data_dir=None, download=True, mirrors=None):
    """The arrays of the MNIST files `names` (keys of MNIST_SHA256), as a tuple in that order;
    the other arguments as in load_mnist."""
    data_dir = resolve_data_dir(data_dir)
    paths = {name: data_dir / f"{name}.gz" for name in names}
    missing = {name: MNIST_SHA256[name] for name, path in paths.items() if not path.is_file()}
    if missing and download:
        download_mnist(data_dir, mirrors, checksums=missing)
    elif missing:
        raise FileNotFoundError(f"missing in {data_dir}: {', '.join(n + '.gz' for n in missing)}. "
                                f"To fetch them, run: {_download_command(data_dir)}")
    return tuple(parse_idx(read_verified(paths[name], MNIST_SHA256[name]), source=paths[name])
                 for name in names)


def to_model_input(images):
    """Inputs:  images -- uint8 array (N, 28, 28), or a single image (28, 28).
    Returns: float32 array (N, 28, 28, 1) in [0, 1]: the NHWC layout the model expects.
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim not in (2, 3):
        raise ValueError(f"expected uint8 images of shape (N, H, W) or (H, W), "
                         f"got {images.dtype} {images.shape}")
    if images.ndim == 2:
        images = images[np.newaxis]
    return (images.astype(np.float32) / np.float32(255))[..., np.newaxis]


# ------------------------------------------------------------------ downloading

def mirror_list(mirrors=None):
    """Inputs:  mirrors -- base URLs given explicitly (e.g. by --mirror), or None.
    Returns: those URLs; else the ones in $NUMPY_CNN_MNIST_MIRRORS (comma or space separated);
             else DEFAULT_MIRRORS.
    """
    from_env = os.environ.get(MIRRORS_ENV_VAR, "").replace(",", " ").split()
    return list(mirrors or from_env or DEFAULT_MIRRORS)


def download_mnist(data_dir=None, mirrors=None, checksums=MNIST_SHA256,
                   timeout=TIMEOUT_SECONDS, stream=None):
    """Fetch each file that is missing or damaged in data_dir, as <name>.gz.

    Inputs:  data_dir -- destination folder (see resolve_data_dir; created if needed, and
             removed again if the download fails and leaves it empty); mirrors -- see
             mirror_list; checksums -- {file name without .gz: SHA-256 of its decompressed
             content}; timeout -- seconds per network operation; stream -- progress output.
    Returns: the list of paths written.
    Raises:  DownloadError for the first file that no mirror could supply.
    """
    data_dir = resolve_data_dir(data_dir)
    stream = sys.stderr if stream is None else stream
    urls = mirror_list(mirrors)
    created = [folder for folder in (data_dir, *data_dir.parents) if not folder.exists()]
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        return [fetch_file(data_dir / f"{name}.gz", sha, urls, timeout, stream)
                for name, sha in checksums.items() if check_file(data_dir, name, sha) is not None]
    except BaseException:            # a failure or Ctrl-C: leave no empty folder behind
        for folder in created:       # the deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()       # only succeeds on an empty folder
        raise


def fetch_file(target, expected_sha256, mirrors, timeout, stream):
    """Download target's file name from each mirror in turn until one serves the right content.

    Inputs:  target -- destination path; the rest as in download_mnist.
    Returns: target. Raises DownloadError listing every URL tried and why it failed.
    """
    failures = []
    for mirror in mirrors:
        url = f"{mirror.rstrip('/')}/{target.name}"
        print(f"Downloading {url}", file=stream, flush=True)
        try:
            _download_verified(url, target, expected_sha256, timeout, stream)
            return target
        except (OSError, HTTPException, ValueError) as error:
            reason = _describe(error)
            failures.append(f"  {url}: {reason}")
            print(f"  failed: {reason}", file=stream, flush=True)
    raise DownloadError(
        f"Could not download {target.name}. Tried:\n" + "\n".join(failures)
        + f"\nTo fix this, pass a working mirror (--mirror URL, or the {MIRRORS_ENV_VAR} "
        f"environment variable), or place the file by hand: download {target.name} from any "
        f"MNIST mirror, save it as {target}, and check it with: "
        f"numpy-cnn data verify --data-dir {shlex.quote(str(target.parent))}")


def _download_verified(url, target, expected_sha256, timeout, stream):
    """Download url to a temporary file next to target, and rename it to target only once its
    content is verified. The temporary file is removed whatever happens."""
    request = urllib.request.Request(url, headers={"User-Agent": "numpy-cnn"})
    # The temporary file sits next to the target, so that os.replace is an atomic rename.
    temp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with open(temp, "wb") as out:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                _copy_with_progress(response, out, stream)
        read_verified(temp, expected_sha256)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _copy_with_progress(response, out, stream):
    """Copy an HTTP response body to the file `out`, showing progress on `stream`: one line
    rewritten in place on a terminal, a few separate lines otherwise.
    Raises ConnectionError if the server stops before the announced Content-Length."""
    total = int(response.headers.get("Content-Length") or 0)
    live, done, last_step = stream.isatty(), 0, 0
    try:
        while chunk := response.read(CHUNK_BYTES):
            out.write(chunk)
            done += len(chunk)
            step = 4 * done // total if total else done // SPARSE_STEP_BYTES
            if live:
                print(f"\r  {_progress_text(done, total)}", end="", file=stream, flush=True)
            elif step > last_step:
                print(f"  {_progress_text(done, total)}", file=stream, flush=True)
                last_step = step
    finally:
        if live:
            print(file=stream, flush=True)
    if done < total:
        raise ConnectionError(f"connection closed after {done:,} of {total:,} bytes")


def _progress_text(done, total):
    if not total:
        return _size(done)
    return f"{100 * done // total:3d}%  {_size(done)} of {_size(total)}"


def _size(n_bytes):
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e6 else f"{n_bytes / 1e3:.1f} kB"


def _describe(error):
    """A one-line reason for a failed download attempt."""
    if isinstance(error, HTTPError):
        return f"HTTP error {error.code} {error.reason}"
    if isinstance(error, URLError):
        return f"cannot connect ({error.reason})"
    if isinstance(error, DataFileError):
        return error.problem
    return str(error) or type(error).__name__


# ------------------------------------------------------------------ command line

def verify_mnist(data_dir=None, checksums=MNIST_SHA256, stream=None):
    """Print each expected file with OK or its problem.

    Inputs:  data_dir, checksums -- as in download_mnist; stream -- output (stdout).
    Returns: True if every file is OK.
    """
    data_dir = resolve_data_dir(data_dir)
    stream = sys.stdout if stream is None else stream
    problems = {name: check_file(data_dir, name, sha) for name, sha in checksums.items()}
    for name, problem in problems.items():
        print(f"{name + '.gz':<30} {problem or 'OK'}", file=stream)
    all_ok = not any(problems.values())
    if not all_ok:
        print(f"Some files in {data_dir} are missing or damaged. To fetch them, run: "
              f"{_download_command(data_dir)}", file=stream)
    return all_ok


def main(argv=None):
    """Run the command line (see the module docstring). Returns the exit code."""
    parser = argparse.ArgumentParser(prog="numpy-cnn data",
                                     description="Check or download the MNIST idx files.")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="check the four files (exit code 0 if all OK)")
    download = commands.add_parser("download", help="fetch missing or damaged files, then verify")
    for command in (verify, download):
        command.add_argument("--data-dir", metavar="DIR",
                             help=f"folder of the .gz files (default: {mnist_dir()})")
    download.add_argument("--mirror", action="append", metavar="URL",
                          help=f"base URL to try, repeatable (default: ${MIRRORS_ENV_VAR}, "
                               f"else {' then '.join(DEFAULT_MIRRORS)})")
    args = parser.parse_args(argv)
    if args.command == "download":
        try:
            download_mnist(args.data_dir, args.mirror)
        except DownloadError as error:
            print(error, file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\nInterrupted: the file being downloaded was not kept; the files already "
                  "downloaded were.", file=sys.stderr)
            return 130
    return 0 if verify_mnist(args.data_dir) else 1


if __name__ == "__main__":
    sys.exit(main())
