"""Checkpoints: everything a training run needs to continue bit for bit, in one .npz file.

A run's checkpoint sits beside its weights (runs/NAME/mnist_cnn.ckpt.npz beside mnist_cnn.npz)
and is rewritten, atomically, after every epoch. It holds plain arrays only (np.load never
unpickles anything):

    param.<name>    the parameters, e.g. param.conv1.W
    adam.<name>     Adam's state (its step count, first and second moments)
    best.<name>     the best weights so far (early stopping), if any
    extra.<name>    the --extra images and labels the run trains on, if any
    __state__       JSON text: the run's settings, per-epoch history, seconds, early-stopping
                    state, the format's name, and the random generator's state
"""
import json
from pathlib import Path

import numpy as np

from .storage import WeightsError, atomic_savez, read_npz

CHECKPOINT_FORMAT = "numpy-cnn-checkpoint"
RUN_ARRAYS = {"best_params": "best.", "extra": "extra."}


def checkpoint_path(out):
    """weights/mnist_cnn.npz -> weights/mnist_cnn.ckpt.npz"""
    return Path(out).with_suffix(".ckpt.npz")


def save_checkpoint(path, model, optimizer, rng, run):
    """Write everything needed to continue bit for bit, atomically, as one .npz (no pickle):
    parameters ("param.*"), Adam's state ("adam.*"), the best weights so far ("best.*"), the
    --extra images ("extra.*"), and "__state__": JSON text of the run (settings, history, ...)
    and of the generator's state."""
    state = {k: v for k, v in run.items() if k not in RUN_ARRAYS}
    state.update(format=CHECKPOINT_FORMAT, rng=rng.bit_generator.state)
    arrays = {"__state__": np.array(json.dumps(state))}
    arrays.update({f"param.{k}": p for k, p in model.params.items()})
    arrays.update({f"adam.{k}": a for k, a in optimizer.state_dict().items()})
    for key, prefix in RUN_ARRAYS.items():
        arrays.update({f"{prefix}{k}": a for k, a in (run.get(key) or {}).items()})
    atomic_savez(path, arrays)


def read_checkpoint(path):
    """Returns (state dict, arrays dict) of a checkpoint. Raises WeightsError if unusable."""
    arrays = read_npz(path)
    try:
        state = json.loads(str(arrays.pop("__state__")[()]))
        assert state["format"] == CHECKPOINT_FORMAT
    except (KeyError, ValueError, TypeError, AssertionError):
        raise WeightsError(f"{path}: not a numpy-cnn training checkpoint") from None
    return state, arrays


def restore_checkpoint(path, model, optimizer, rng):
    """Load a checkpoint into model, optimizer and rng (in place). Returns the run dict."""
    state, arrays = read_checkpoint(path)
    def part(prefix):
        return {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
    try:
        for name, p in model.params.items():
            p[...] = arrays[f"param.{name}"]
        optimizer.load_state_dict(part("adam."))
        rng.bit_generator.state = state.pop("rng")
    except (KeyError, ValueError, TypeError) as error:
        raise WeightsError(f"{path}: checkpoint does not fit this model ({error})") from None
    state.pop("format")
    return dict(state, **{key: part(prefix) for key, prefix in RUN_ARRAYS.items()})
