"""The run report: a complete, JSON-clean summary and five PNG figures, also in corner cases."""
import json

import matplotlib
import numpy as np
import pytest

import numpy_cnn
from numpy_cnn import report
from numpy_cnn.evaluate import Evaluation

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def model():
    return numpy_cnn.build_reference_model(np.random.default_rng(0))


def fake_evaluation(n=50, right=0.8, seed=0):
    """An Evaluation of n images of which a fraction `right` are read correctly."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    answers = np.where(rng.random(n) < right, labels, (labels + 1) % 10)
    probabilities = np.full((n, 10), 0.02)
    probabilities[np.arange(n), answers] = 0.82
    return Evaluation(0.3, probabilities, labels)


def history(epochs=3, with_validation=True):
    return [{"epoch": e, "lr": 1e-3, "train_loss": 1.0 / e, "train_accuracy": 0.9 + e / 100,
             "val_loss": 0.5 / e if with_validation else None,
             "val_accuracy": 0.95 + e / 100 if with_validation else None,
             "test_loss": 0.6 / e, "test_accuracy": 0.94 + e / 100, "seconds": 10.0}
            for e in range(1, epochs + 1)]


def test_figures_use_the_agg_backend():
    assert matplotlib.get_backend().lower() == "agg"


def test_summary_is_complete_and_json_clean():
    results = {"train": fake_evaluation(), "val": fake_evaluation(seed=1),
               "test": fake_evaluation(seed=2)}
    run = {"history": history(), "epochs_done": 3}
    summary = report.run_summary("w.npz", {"epochs": 3}, run, results, 31.5)
    summary = json.loads(json.dumps(summary))        # survives a JSON round trip
    final = summary["final"]
    assert {"train_accuracy", "validation_accuracy", "test_accuracy"} <= final.keys()
    assert final["test_accuracy"] == results["test"].accuracy
    assert np.sum(final["confusion_matrix"]) == 50
    assert list(final["per_class_test_accuracy"]) == [str(d) for d in range(10)]
    assert summary["seconds_per_epoch"] == [10.0] * 3 and summary["total_seconds"] == 31.5
    assert summary["versions"]["numpy"] == np.__version__ and summary["machine"]["cpu_count"]


def test_write_run_report_writes_json_and_five_pngs(tmp_path, model):
    images = np.random.default_rng(0).integers(0, 256, (50, 28, 28), dtype=np.uint8)
    results = {"train": fake_evaluation(), "test": fake_evaluation(seed=2)}   # no validation
    run = {"history": history(with_validation=False), "epochs_done": 3}
    paths = report.write_run_report(tmp_path / "m.npz", {}, run, results, model, images, 5.0)
    names = [p.name for p in paths]
    assert names == ["m.json", "m_curves.png", "m_confusion.png", "m_mistakes.png",
                     "m_filters.png", "m_features.png"]
    assert json.loads(paths[0].read_text())["final"]["test_accuracy"] == pytest.approx(
        results["test"].accuracy)
    for png in paths[1:]:
        assert png.read_bytes()[:8] == PNG_MAGIC


def test_mistake_grid_without_mistakes():
    perfect = fake_evaluation(right=1.0)
    figure = report.plot_mistakes(perfect, np.zeros((50, 28, 28), np.uint8))
    assert figure._suptitle.get_text() == "No mistakes on the test set"


def test_layer_outputs_follow_the_network(model):
    image = np.random.default_rng(1).random((28, 28)).astype(np.float32)
    outputs = report.layer_outputs(model, image)
    assert outputs["conv1"].shape == (26, 26, 32) and outputs["conv2"].shape == (11, 11, 64)
    np.testing.assert_allclose(outputs["dense2"], model.forward(model.as_input(image))[0],
                               rtol=1e-6)


def test_json_text_keeps_number_lists_on_one_line():
    data = {"confusion_matrix": [[980, 0], [3, 1132]], "loss": [0.5, 1e-05], "name": "a [1, 2]",
            "history": [{"epoch": 1}], "empty": []}
    text = report.to_json(data)
    assert json.loads(text) == data
    assert "[980, 0]," in text and "[0.5, 1e-05]" in text
