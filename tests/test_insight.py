"""numpy_cnn.insight: the layer outputs it shows are the network's, and its gradients (saliency,
Grad-CAM) are the true derivatives, checked against central differences in float64."""
import numpy as np
import pytest

import numpy_cnn
from numpy_cnn import insight
from numpy_cnn.gradcheck import numerical_gradient, rel_error
from numpy_cnn.layers import Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU
from numpy_cnn.model import Sequential

# As in test_model: several layers of float64 rounding, and a step that may cross a ReLU kink.
NET_TOL = 1e-6


def small_model(rng):
    """The reference network's shape in miniature, in float64, with non-zero biases; its first
    convolution skips its input gradient, as the reference network's does."""
    model = Sequential([
        Conv2D(1, 3, 3, name="conv1", input_grad=False, rng=rng, dtype=np.float64),
        MaxPool2D(2, name="pool1"), ReLU(name="relu1"),
        Conv2D(3, 4, 3, name="conv2", rng=rng, dtype=np.float64),
        MaxPool2D(2, name="pool2"), ReLU(name="relu2"), Flatten(name="flatten"),
        Dense(4 * 2 * 2, 8, name="dense1", rng=rng, dtype=np.float64), ReLU(name="relu3"),
        Dropout(0.5, name="dropout", rng=rng),
        Dense(8, 10, name="dense2", init="glorot", rng=rng, dtype=np.float64),
    ], input_shape=(14, 14, 1))
    for name, p in model.params.items():
        if name.endswith(".b"):
            p[...] = 0.1 * rng.standard_normal(p.shape)
    return model


@pytest.fixture
def model(rng):
    return small_model(rng)


@pytest.fixture
def reference():
    return numpy_cnn.build_reference_model(np.random.default_rng(3))


def test_outputs_are_the_layers_own(reference):
    image = np.random.default_rng(1).random((28, 28)).astype(np.float32)
    t = insight.trace(reference, image)
    x = reference.as_input(image)
    for layer in reference.layers:                   # the same layers, run here one by one
        x = layer.forward(x, training=False)
        np.testing.assert_array_equal(t.outputs[layer.name], x[0])
    assert list(t.outputs) == [layer.name for layer in reference.layers]
    np.testing.assert_array_equal(t.logits, reference.forward(reference.as_input(image))[0])
    np.testing.assert_allclose(t.probabilities, reference.predict_proba(image)[0], rtol=1e-6)
    assert t.digit == reference.predict(image)[0] == t.target
    assert t.classes["conv1"] == "Conv2D" and t.classes["pool2"] == "MaxPool2D"
    np.testing.assert_array_equal(t.input_of("conv2"), t.outputs["relu1"])
    np.testing.assert_array_equal(t.input_of("conv1"), t.image)


def test_images_in_every_accepted_form_give_the_same_trace(reference):
    image = np.random.default_rng(2).integers(0, 256, (28, 28), dtype=np.uint8)
    logits = [insight.trace(reference, form).logits
              for form in (image, image[:, :, None], image / np.float32(255), image[None])]
    for other in logits[1:]:
        np.testing.assert_allclose(other, logits[0], rtol=1e-6)
    with pytest.raises(ValueError, match="one image"):
        insight.trace(reference, np.zeros((2, 28, 28), np.float32))


def test_saliency_is_the_gradient_of_the_winning_logit(model, rng):
    x = rng.random((14, 14, 1))
    t = insight.trace(model, x)
    s = insight.saliency(t)
    assert s.shape == (14, 14) and t.target == np.argmax(t.logits)

    def winning_logit():
        return model.forward(x[None], training=False)[0, t.target]

    assert rel_error(s, numerical_gradient(winning_logit, x)[:, :, 0]) < NET_TOL


def test_any_class_can_be_explained(model, rng):
    x = rng.random((14, 14, 1))
    t = insight.trace(model, x, target=3)
    numeric = numerical_gradient(lambda: model.forward(x[None])[0, 3], x)
    assert t.target == 3 and rel_error(insight.saliency(t), numeric[:, :, 0]) < NET_TOL


def test_gradients_of_inner_layers_for_grad_cam(model, rng):
    """d z / d conv2's output, as Grad-CAM uses it: perturb conv2's output, run the rest."""
    x = rng.random((14, 14, 1))
    t = insight.trace(model, x)
    a = t.outputs["conv2"][None].copy()
    rest = model.layers[4:]                            # pool2 ... dense2

    def winning_logit():
        out = a
        for layer in rest:
            out = layer.forward(out, training=False)
        return out[0, t.target]

    assert rel_error(t.gradients["conv2"], numerical_gradient(winning_logit, a)[0]) < NET_TOL


def test_trace_leaves_the_first_layer_without_input_gradient(model, rng):
    insight.trace(model, rng.random((14, 14, 1)))
    assert model.layers[0].input_grad is False
    assert model.layers[0].grads == {}            # its parameter gradients were not computed


def test_grad_cam_follows_its_formula(model, rng):
    t = insight.trace(model, rng.random((14, 14, 1)))
    small, large = insight.grad_cam(model, t)
    a, g = t.outputs["conv2"], t.gradients["conv2"]
    expected = np.maximum(sum(g[:, :, c].mean() * np.maximum(a[:, :, c], 0)
                              for c in range(a.shape[2])), 0)
    np.testing.assert_allclose(small, expected, rtol=1e-12, atol=1e-15)
    assert large.shape == (14, 14) and (large >= 0).all()


def test_receptive_field_centres_of_the_reference_network(reference):
    # conv2's row i reads pool1 rows i..i+2 = conv1 rows 2i..2i+5 = input rows 2i..2i+7
    np.testing.assert_array_equal(insight.receptive_field_centres(reference, "conv2", 11),
                                  2 * np.arange(11) + 3.5)
    np.testing.assert_array_equal(insight.receptive_field_centres(reference, "conv1", 26),
                                  np.arange(26) + 1.0)


def test_upsampling_puts_a_map_pixel_over_its_receptive_field(reference):
    small = np.zeros((11, 11))
    small[4, 6] = 1.0                                  # centre: input row 11.5, column 15.5
    large = insight.upsample_to_input(reference, "conv2", small)
    assert large.shape == (28, 28)
    rows, cols = np.nonzero(large == large.max())
    assert set(rows) == {11, 12} and set(cols) == {15, 16}
    np.testing.assert_allclose(insight.upsample_to_input(reference, "conv2", np.ones((11, 11))),
                               1.0)


def test_contributions_add_up_to_the_convolution(reference):
    t = insight.trace(reference, np.random.default_rng(4).random((28, 28)).astype(np.float32))
    conv2 = reference.layers[3]
    parts = insight.contributions(conv2, t.input_of("conv2"), 17)
    assert parts.shape == (11, 11, 32)
    np.testing.assert_allclose(parts.sum(axis=2) + conv2.params["b"][17],
                               t.outputs["conv2"][:, :, 17], rtol=1e-4, atol=1e-5)
    channels, totals = insight.strongest_inputs(conv2, t.input_of("conv2"), 17, 4)
    all_totals = parts.sum(axis=(0, 1))
    assert list(channels) == list(np.argsort(-all_totals)[:4])
    np.testing.assert_allclose(totals, all_totals[channels])


def test_captions_name_layer_class_and_shape(reference):
    t = insight.trace(reference, np.zeros((28, 28), np.float32))
    assert insight.caption(t, "conv2") == "conv2 (Conv2D) \u2192 (11, 11, 64)"
    assert insight.then_caption(t, "conv1", "relu1") == \
        "then pool1 (MaxPool2D), relu1 (ReLU) \u2192 (13, 13, 32)"


def test_report_uses_the_same_layer_outputs(reference):
    from numpy_cnn import report
    image = np.random.default_rng(5).random((28, 28)).astype(np.float32)
    outputs = report.layer_outputs(reference, image)
    np.testing.assert_array_equal(outputs["conv1"], insight.trace(reference, image).outputs["conv1"])
