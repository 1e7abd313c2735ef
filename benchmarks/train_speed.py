"""How fast does numpy_cnn train, next to PyTorch on the same CPU and next to the GEMM floor?

    python benchmarks/train_speed.py            # the full run (a few minutes)
    python benchmarks/train_speed.py --quick    # a short look
    python benchmarks/train_speed.py --profile  # where the time of one step goes, layer by layer

For each batch size it times full training steps (forward, loss, backward, Adam) of the reference
network on real MNIST batches, as numpy_cnn.train runs them (one process per core): repeated
runs of a few steps, each after one untimed step; the median step time times the number of steps
in an epoch of 60,000 images gives seconds per epoch. If torch is importable, the same network,
batch and optimizer run in PyTorch in the same process with one thread per core. Each repeat
times, one after the other, numpy_cnn, PyTorch and a float32 np.matmul of two 2048 x 2048
matrices; the ratios (numpy_cnn / PyTorch, numpy_cnn / "GEMM floor": the epoch's FLOPs at that
matmul rate) are taken within each repeat, then their median, so that a slow spell of the
machine hits all alike. It also prints the FLOPs of an epoch, single-image inference latency,
and the peak memory of a training epoch (measured in a fresh process, with its helper process).

--profile instead times the parts of one training step at each batch size (default 64): the
forward and backward of every layer, the loss and Adam, as this process computes its share of the
batch (batch / cores images, one BLAS thread), and DataParallel's own overhead: the median
DataParallel step on the whole batch minus that one-process compute. Each repeat times one of
each, one after the other; the table gives medians in ms and their share of the DataParallel step.
"""
import argparse
import os

# Set before NumPy loads OpenBLAS: after a matmul on several threads, OpenBLAS's idle threads
# spin for about 0.1 s (measured: 0.11 CPU-seconds), slowing whichever contender runs next; with
# this they sleep at once. Only the timed np.matmul here uses more than one BLAS thread.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
import platform
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from numpy_cnn import Adam, build_reference_model  # noqa: E402
from numpy_cnn.data import load_mnist, to_model_input  # noqa: E402
from numpy_cnn.layers import Conv2D, Dense  # noqa: E402
from numpy_cnn.losses import softmax_cross_entropy  # noqa: E402
from numpy_cnn.parallel import DataParallel, single_threaded_blas  # noqa: E402
from numpy_cnn.preprocess import to_mnist  # noqa: E402
from numpy_cnn.train import train_step  # noqa: E402

EPOCH = 60_000


def cpu_model():
    """The CPU's name: "model name" in /proc/cpuinfo (Linux), else what platform knows."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def median_time(fn, repeats):
    """Median wall time of fn() over repeats calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def epoch_flops(model, n=EPOCH, shape=None):
    """Multiply-adds x 2 of one training epoch: forward, dW, and dx where it is computed, on
    images of the given shape (H, W, C) (default: the model's input shape)."""
    per_image, shape = 0, shape or model.input_shape
    x = np.zeros((1, *shape), model.dtype)
    for layer in model.layers:
        out = layer.forward(x)
        if isinstance(layer, Conv2D):
            gemm = 2 * out[0].size * (layer.params["W"].size // layer.filters)  # Ho*Wo*F x K
            per_image += gemm * (3 if layer.input_grad else 2)
        elif isinstance(layer, Dense):
            per_image += 3 * 2 * layer.params["W"].size
        x = out
    return per_image * n


def matmul_run(n=2048):
    """(run, flops): run(k) multiplies two n x n float32 matrices k times; flops of one."""
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)

    def run(k):
        for _ in range(k):
            a @ a
    return run, 2 * n ** 3


def interleaved_times(runs, units, repeats):
    """Seconds per unit of work of each contender, timed in turn, repeats times over, so that a
    slow spell of the machine hits all alike: {name: array of one time per repeat}.

    runs: {name: run(k) doing k units of work}; units: {name: units per timed run}."""
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            run(1)                                   # untimed: wakes up the helper process
            start = time.perf_counter()
            run(units[name])
            times[name].append((time.perf_counter() - start) / units[name])
    return {name: np.array(t) for name, t in times.items()}


@contextmanager
def numpy_steps(x, y, batch, workers):
    """run(k): k numpy_cnn training steps on the first k batches of x, y, as numpy_cnn.train runs
    them (each batch split over `workers` processes, one BLAS thread each); inside the with block."""
    rng = np.random.default_rng(0)
    model = build_reference_model(rng)
    opt = Adam(model.params)
    with DataParallel(model, workers) as trainer:
        def run(k):
            for i in range(k):
                s = slice(i * batch, (i + 1) * batch)
                train_step(trainer, opt, x[s], y[s], rng)
        yield run


def torch_steps(torch, x, y, batch):
    """run(k): k steps of the same network, batch and optimizer in PyTorch (NCHW, its layout)."""
    nn = torch.nn
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3),
                        nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(),
                        nn.Dropout(0.5), nn.Linear(128, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    yt = torch.from_numpy(y.astype(np.int64))

    def run(k):
        for i in range(k):
            s = slice(i * batch, (i + 1) * batch)
            opt.zero_grad()
            loss_fn(net(xt[s]), yt[s]).backward()
            opt.step()
    return run


def timed_step(model, opt, x, y):
    """One training step in this process, each part timed: [(part, seconds)] in the order run:
    "<layer> forward" for each layer, "loss", "<layer> backward" in reverse, "Adam"."""
    parts, clock = [], time.perf_counter
    for layer in model.layers:
        start = clock()
        x = layer.forward(x, training=True)
        parts.append((f"{layer.name} forward", clock() - start))
    start = clock()
    _, dout = softmax_cross_entropy(x, y)
    parts.append(("loss", clock() - start))
    for layer in reversed(model.layers):
        start = clock()
        dout = layer.backward(dout)
        parts.append((f"{layer.name} backward", clock() - start))
    start = clock()
    opt.step(model.grads)
    parts.append(("Adam", clock() - start))
    return parts


def own_share(batch, workers):
    """How many images of a batch DataParallel computes in its own process: the first part,
    batch // parts (numpy_cnn.parallel.DataParallel.loss_and_grads)."""
    return batch // min(workers, batch)


def profile(x, y, batch, workers, repeats):
    """Where the time of one training step goes: [(part, median seconds)], the parts of the
    one-process compute of a share of the batch (timed_step on batch // workers images, BLAS on
    one thread, as DataParallel's own process runs it), then "DataParallel overhead": the median
    DataParallel step on the whole batch (numpy_cnn.train.train_step) minus that compute, so that
    the parts add up to the DataParallel step. Each repeat times both, one after the other, on
    the batch at the same place of x, y (batch images from the start)."""
    share = own_share(batch, workers)
    rng = np.random.default_rng(0)
    solo = build_reference_model(rng)
    rows, cols = solo.pixels_read()                  # the corner DataParallel computes on
    solo_opt = Adam(solo.params)
    model = build_reference_model(np.random.default_rng(0))
    opt = Adam(model.params)
    times, steps = {}, []
    with DataParallel(model, workers) as trainer:
        for i in range(repeats + 1):                 # the first of each is untimed: a warm-up
            with single_threaded_blas():
                parts = timed_step(solo, solo_opt, x[:share, :rows, :cols], y[:share])
            start = time.perf_counter()
            train_step(trainer, opt, x[:batch], y[:batch], rng)
            if i:
                steps.append(time.perf_counter() - start)
                for part, seconds in parts:
                    times.setdefault(part, []).append(seconds)
    rows = [(part, float(np.median(t))) for part, t in times.items()]
    compute = sum(seconds for _, seconds in rows)
    return rows + [("DataParallel overhead", float(np.median(steps)) - compute)]


def profile_table(rows, batch, workers):
    """The profile's rows as text: ms and % of the DataParallel step (the sum of the rows)."""
    step = sum(seconds for _, seconds in rows)
    share = own_share(batch, workers)
    lines = [f"profile, batch {batch} on {workers} process{'es' if workers > 1 else ''}: "
             f"the parts of this process's share ({share} images), then DataParallel's overhead",
             f"{'part':<22} {'ms':>7} {'% of step':>10}"]
    lines += [f"{part:<22} {seconds * 1e3:7.2f} {100 * seconds / step:10.1f}"
              for part, seconds in rows]
    lines.append(f"{'DataParallel step':<22} {step * 1e3:7.2f} {100.0:10.1f}")
    return "\n".join(lines)


def inference_latency(repeats=200):
    """Median seconds of predict on one 28x28 image, and of to_mnist + predict on a canvas."""
    model = build_reference_model(np.random.default_rng(0))
    image = np.random.default_rng(1).random((28, 28), dtype=np.float32)
    model.predict_proba(image)
    single = median_time(lambda: model.predict_proba(image), repeats)
    canvas = np.zeros((280, 280), np.uint8)
    canvas[60:220, 120:150] = 255                      # a thick "1"
    canvas_time = median_time(lambda: model.predict_proba(to_mnist(canvas)), repeats)
    return single, canvas_time


def peak_rss_mib(pid="self"):
    """Peak resident memory of a process, in MiB (Linux: VmHWM in /proc/PID/status)."""
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def train_one_epoch_for_memory(batch, steps):
    """Child process: train as the training script does; print the sum of the peak memory of
    this process and of each helper process."""
    x_train, y_train, _, _ = load_mnist()
    rng = np.random.default_rng(0)
    model = build_reference_model(rng)
    opt = Adam(model.params)
    order = rng.permutation(len(y_train))
    with DataParallel(model) as trainer:
        for i in range(min(steps, len(order) // batch)):
            chosen = order[i * batch:(i + 1) * batch]
            train_step(trainer, opt, model.as_input(x_train[chosen]), y_train[chosen], rng)
        print(peak_rss_mib() + sum(peak_rss_mib(h.process.pid) for h in trainer.helpers))


def peak_memory_mib(batch, steps):
    out = subprocess.run([sys.executable, __file__, "--memory-child", str(batch), str(steps)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and repeats")
    parser.add_argument("--batch-sizes", type=int, nargs="+",
                        help="batch sizes to time (default: 32 64 128; with --profile, 64)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch peer")
    parser.add_argument("--profile", action="store_true",
                        help="time each layer's forward and backward, the loss, Adam and "
                             "DataParallel's overhead instead")
    parser.add_argument("--memory-child", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        return train_one_epoch_for_memory(*args.memory_child)

    steps, repeats = (8, 3) if args.quick else (15, 15)
    cores = os.cpu_count()
    if args.profile:
        batch_sizes = args.batch_sizes or [64]
        x_train, y_train, _, _ = load_mnist()
        n = max(batch_sizes)
        x, y = to_model_input(x_train[:n]), y_train[:n].astype(np.int64)
        print(f"machine: {cpu_model()}, {cores} cores; numpy {np.__version__}: {cores} "
              f"processes x 1 BLAS thread")
        for batch in batch_sizes:
            rows = profile(x, y, batch, cores, 20 if args.quick else 200)
            print(profile_table(rows, batch, cores))
        return
    args.batch_sizes = args.batch_sizes or [32, 64, 128]
    torch = None
    if not args.no_torch:
        try:
            import torch
            torch.set_num_threads(cores)
        except ImportError:
            print("torch is not installed: no PyTorch peer (pip install torch==2.13.0)")
    x_train, y_train, _, _ = load_mnist()
    n = steps * max(args.batch_sizes)
    x, y = to_model_input(x_train[:n]), y_train[:n].astype(np.int64)

    print(f"machine: {cpu_model()}, {cores} cores; "
          f"numpy {np.__version__}: {cores} processes x 1 BLAS thread"
          + (f"; torch {torch.__version__}: {torch.get_num_threads()} threads" if torch else ""))
    model = build_reference_model(np.random.default_rng(0))
    rows, cols = model.pixels_read()
    flops = epoch_flops(model)                      # what the peers compute: the whole image
    corner = epoch_flops(model, shape=(rows, cols, 1))              # what DataParallel does
    gemm, gemm_flops = matmul_run()
    gemm(1)
    rate = gemm_flops / median_time(lambda: gemm(1), 5)
    print(f"one epoch: {flops / 1e12:.3f} TFLOP (numpy_cnn computes {corner / 1e12:.3f} of them: "
          f"the {rows}x{cols} corner); np.matmul float32: {rate / 1e9:.1f} GFLOP/s; "
          f"GEMM floor: {flops / rate:.1f} s/epoch")
    print(f"{'batch':>5} {'numpy_cnn s/epoch':>18} {'torch s/epoch':>14} {'ratio':>6} "
          f"{'x floor':>8}")
    for batch in args.batch_sizes:
        steps_per_epoch = -(-EPOCH // batch)
        with numpy_steps(x, y, batch, cores) as ours:
            runs, units = {"numpy_cnn": ours}, {"numpy_cnn": steps, "torch": steps, "matmul": 2}
            if torch:
                runs["torch"] = torch_steps(torch, x, y, batch)
            runs["matmul"] = gemm
            times = interleaved_times(runs, units, repeats)
        # Each ratio pairs the runs of one repeat, timed one after the other, then takes the
        # median over the repeats: a slow spell of the machine cancels out.
        ours = times["numpy_cnn"] * steps_per_epoch                       # s/epoch, per repeat
        floor = flops * times["matmul"] / gemm_flops                     # the same, at GEMM rate
        line = f"{batch:5d} {np.median(ours):18.1f} "
        if torch:
            theirs = times["torch"] * steps_per_epoch
            line += f"{np.median(theirs):14.1f} {np.median(ours / theirs):6.2f} "
        else:
            line += f"{'-':>14} {'-':>6} "
        print(line + f"{np.median(ours / floor):8.2f}")
    single, canvas = inference_latency(50 if args.quick else 200)
    print(f"predict, one 28x28 image: {single * 1e3:.2f} ms (median)")
    print(f"to_mnist + predict, 280x280 canvas: {canvas * 1e3:.2f} ms (median)")
    memory_steps = 100 if args.quick else EPOCH // 64
    print(f"peak memory, batch 64, {memory_steps} training steps in a fresh process: "
          f"{peak_memory_mib(64, memory_steps):.0f} MiB")


if __name__ == "__main__":
    main()
