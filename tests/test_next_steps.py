"""docs/next_steps.md's PyTorch code, run exactly as the page shows it: the shipped weights in a
torch.nn.Sequential give numpy-cnn's logits, and autograd gives numpy-cnn's gradients.

The page's ```python blocks without `>>>` prompts are the PyTorch code (the doctests skip them,
so the docs pass without PyTorch); this test runs them in order, in one namespace. Without
PyTorch it is skipped: PyTorch is not a dependency of numpy-cnn, and CI does not install it.
"""
import copy
import re
from pathlib import Path

import numpy as np
import pytest

CHAPTER = Path(__file__).resolve().parent.parent / "docs" / "next_steps.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def torch_blocks():
    """The chapter's ```python blocks that are not doctests, in order."""
    return [b for b in BLOCK.findall(CHAPTER.read_text()) if not re.search(r"^>>>", b, re.M)]


def test_the_chapter_has_its_torch_code_and_it_compiles():
    """Runs without PyTorch too: the blocks are there, and each is valid Python."""
    blocks = torch_blocks()
    assert len(blocks) == 4 and "import torch" in blocks[0]
    for number, block in enumerate(blocks):
        compile(block, f"{CHAPTER.name}, block {number}", "exec")


@pytest.fixture(scope="module")
def ran():
    """The namespace the chapter's PyTorch code leaves, and what it printed."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    namespace = {}
    for number, block in enumerate(torch_blocks()):
        exec(compile(block, f"{CHAPTER.name}, block {number}", "exec"), namespace)
    return namespace


def test_the_torch_network_has_numpy_cnns_parameters(ran):
    torch_net = ran["torch_net"]
    assert sum(p.numel() for p in torch_net.parameters()) == 225034
    shapes = [tuple(p.shape) for p in torch_net.parameters()]
    assert shapes == [(32, 1, 3, 3), (32,), (64, 32, 3, 3), (64,), (128, 1600), (128,),
                      (10, 128), (10,)]


def test_the_shipped_weights_give_the_same_logits(ran, capsys):
    print(f"\nlargest difference of a logit, 1,000 test digits, float32: "
          f"{ran['logit_difference']:.1e}")
    assert ran["our_logits"].shape == ran["torch_logits"].shape == (1000, 10)
    assert ran["logit_difference"] < 1e-4
    assert (ran["our_logits"].argmax(1) == ran["torch_logits"].argmax(1)).all()
    accuracy = np.mean(ran["torch_logits"].argmax(1) == ran["labels"])
    assert accuracy > 0.98          # the shipped network reads them, not merely the same noise


def test_autograd_gives_numpy_cnns_loss_and_gradients(ran):
    print(f"\nloss difference {ran['loss_difference']:.1e}, largest relative gradient error "
          f"{max(ran['gradient_errors'].values()):.1e} (float64)")
    assert sorted(ran["gradient_errors"]) == sorted(ran["model64"].grads)
    assert ran["loss_difference"] < 1e-10
    assert max(ran["gradient_errors"].values()) < 1e-10


def test_dense1_needs_its_rows_reordered(ran):
    """The Flatten trap, in PyTorch itself: dense1's weights without the (h, w, c) -> (c, h, w)
    reordering give other logits."""
    torch = pytest.importorskip("torch")
    torch_net = copy.deepcopy(ran["torch_net"]).float()      # the chapter's network stays as it is
    p, tensor = ran["p"], ran["tensor"]
    images = ran["images"][:100, None] / np.float32(255)
    with torch.no_grad():
        right = torch_net(tensor(images)).numpy()
        torch_net[7].weight.copy_(tensor(p["dense1.W"].T))        # rows left in (h, w, c) order
        wrong = torch_net(tensor(images)).numpy()
    assert np.abs(right - ran["our_logits"][:100]).max() < 1e-4
    assert np.abs(wrong - ran["our_logits"][:100]).max() > 1.0
