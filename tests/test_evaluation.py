"""Network.evaluate (alias test): error, accuracy, misclasses and confusion counts."""

import dataclasses
import math

import numpy as np
import pytest

import nncore


def threshold_network(weight=10.0, bias=-5.0):
    """One sigmoid neuron on one input: output = sigmoid(weight * x + bias), above 0.5 iff x > 0.5."""
    net = nncore.Network([1, 1], seed=0)
    data = net.to_dict()
    data["layers"][0].update(weights=[[weight]], biases=[bias])
    return nncore.Network.from_dict(data)


X_1D = [[0.0], [0.2], [0.4], [0.6], [0.8], [1.0]]
Y_1D = [0, 1, 0, 1, 1, 0]


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def test_binary_confusion_counts_by_hand():
    result = threshold_network().evaluate(X_1D, Y_1D)
    # outputs above 0.5 for x = 0.6, 0.8, 1.0: predicted 0 0 0 1 1 1, expected 0 1 0 1 1 0
    assert result.binary and result.threshold == 0.5
    assert (result.true_positives, result.true_negatives) == (2, 2)
    assert (result.false_positives, result.false_negatives) == (1, 1)
    assert result.precision == pytest.approx(2 / 3) and result.recall == pytest.approx(2 / 3)
    assert result.accuracy == pytest.approx(4 / 6)
    assert result.total == 6
    assert result.misclassified.tolist() == [1, 5]
    assert result.actual_classes.tolist() == [0, 0, 0, 1, 1, 1]
    assert result.expected_classes.tolist() == Y_1D
    expected_error = np.mean([0.5 * (y - sigmoid(10 * x[0] - 5)) ** 2 for x, y in zip(X_1D, Y_1D)])
    assert result.error == pytest.approx(expected_error, rel=1e-12)


def test_threshold_moves_the_classes():
    result = threshold_network().evaluate(X_1D, Y_1D, threshold=0.9)
    # sigmoid(1) = 0.73 < 0.9 < sigmoid(3) = 0.95: predicted 0 0 0 0 1 1
    assert result.threshold == 0.9
    assert result.actual_classes.tolist() == [0, 0, 0, 0, 1, 1]
    assert (result.true_positives, result.true_negatives) == (1, 2)
    assert (result.false_positives, result.false_negatives) == (1, 2)
    assert result.precision == pytest.approx(1 / 2) and result.recall == pytest.approx(1 / 3)
    assert result.misclassified.tolist() == [1, 3, 5]


def test_misclasses_hold_input_output_and_target():
    net = threshold_network()
    result = net.evaluate(X_1D, Y_1D)
    first, second = result.misclasses
    assert (first.index, first.actual_class, first.expected_class) == (1, 0, 1)
    assert (second.index, second.actual_class, second.expected_class) == (5, 1, 0)
    np.testing.assert_array_equal(first.input, [0.2])
    np.testing.assert_array_equal(first.output, net.predict([0.2]))
    np.testing.assert_array_equal(second.expected, [0.0])


def test_no_true_positive_gives_zero_precision_and_recall_as_brainjs():
    result = threshold_network(bias=-50.0).evaluate(X_1D, Y_1D)  # always class 0
    assert result.true_positives == 0 and result.false_negatives == 3
    assert result.precision == 0.0 and result.recall == 0.0


def multi_output_network():
    net = nncore.Network([2, 3], seed=0)
    data = net.to_dict()
    data["layers"][0].update(weights=[[5.0, 0.0], [0.0, 5.0], [0.0, 0.0]], biases=[0.0, 0.0, 0.0])
    return nncore.Network.from_dict(data)


def test_several_outputs_use_the_largest_value():
    X = [[1, 0], [0, 1], [0, 0], [-1, -1]]
    Y = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]
    result = multi_output_network().evaluate(X, Y)
    # [0, 0] gives three equal outputs (0.5): the first wins, class 0, expected 2
    assert not result.binary and result.threshold is None
    assert result.actual_classes.tolist() == [0, 1, 0, 2]
    assert result.expected_classes.tolist() == [0, 1, 2, 2]
    assert result.misclassified.tolist() == [2]
    assert result.accuracy == 0.75
    assert result.true_positives is None and result.precision is None and result.recall is None
    outputs = multi_output_network().predict(X)
    assert result.error == pytest.approx(np.mean(0.5 * np.sum((np.array(Y) - outputs) ** 2, axis=1)))


def test_error_is_the_error_fit_reports():
    rng = np.random.default_rng(0)
    X, Y = rng.random((9, 3)), rng.random((9, 2))
    net = nncore.Network([3, 5, 2], learning_rate=0.0, momentum=0.0, seed=2)  # fit leaves it unchanged
    expected = net.evaluate(X, Y).error
    assert net.fit(X, Y, epochs=1, order="sequential").error == pytest.approx(expected, rel=1e-12)


def test_test_is_evaluate_and_accepts_brainjs_samples():
    net = threshold_network()
    samples = [{"input": x, "output": [y]} for x, y in zip(X_1D, Y_1D)]
    by_arrays = net.evaluate(X_1D, Y_1D)
    by_samples = net.test(samples)
    assert by_samples.error == by_arrays.error
    assert by_samples.misclassified.tolist() == by_arrays.misclassified.tolist()
    assert by_samples.true_positives == by_arrays.true_positives


def test_evaluate_with_named_samples_uses_the_network_names():
    net = nncore.Network([2, 2], seed=1)
    net.input_names, net.output_names = ["a", "b"], ["yes", "no"]
    samples = [{"input": {"b": 1.0}, "output": {"no": 1}}, {"input": {"a": 1.0, "b": 0.5}, "output": {"yes": 1}}]
    by_names = net.evaluate(samples)
    by_arrays = net.evaluate([[0.0, 1.0], [1.0, 0.5]], [[0, 1], [1, 0]])
    assert by_names.error == by_arrays.error
    assert by_names.actual_classes.tolist() == by_arrays.actual_classes.tolist()


def test_result_is_frozen():
    result = threshold_network().evaluate(X_1D, Y_1D)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.error = 0.0
    with pytest.raises(ValueError, match="read-only"):
        result.actual_classes[0] = 1
    with pytest.raises(ValueError, match="read-only"):
        result.misclasses[0].input[0] = 1.0
    assert "true_positives=2" in repr(result) and "misclassified=[1, 5]" in repr(result)


def test_evaluate_does_not_change_the_network():
    net = threshold_network()
    before = net.to_dict()
    net.evaluate(X_1D, Y_1D)
    assert net.to_dict() == before


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda n: n.evaluate(X_1D, Y_1D, threshold=float("nan")), ValueError, "threshold"),
        (lambda n: n.evaluate(X_1D, Y_1D, threshold="0.5"), TypeError, "threshold"),
        (lambda n: n.evaluate(X_1D, Y_1D[:3]), ValueError, "same number of rows"),
        (lambda n: n.evaluate([[0.0, 1.0]], [1]), ValueError, "1 columns"),
        (lambda n: n.evaluate(X_1D), TypeError, "Y"),
        (lambda n: n.evaluate([{"input": {"x": 1}, "output": [1]}]), ValueError, "no input names"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call(threshold_network())
