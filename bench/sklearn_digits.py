"""nncore's scikit-learn classifier against scikit-learn's MLPClassifier on the digits data set.

Usage: python bench/sklearn_digits.py [--repeats N]

Every model has the same hidden layer (100 neurons, both libraries' default)
and sees the same standardised 75 % of digits; the table gives the test
accuracy on the other 25 % and the fit time (the median of the repeats).
The defaults of both are the MLP's (Adam on batches of 200); the per-sample
MLP runs exactly as many epochs as nncore's per-sample SGD fit did, with
the same step size and momentum, so the two do the same work.
Needs scikit-learn (``pip install "nncore-nn[sklearn]"``).
"""

import argparse
import statistics
import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from nncore.sklearn import NetworkClassifier

HIDDEN = (100,)


def digits():
    """Standardised train and test splits of digits (stratified, 25 % test)."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def measure(make, data, repeats):
    """(epochs, median fit seconds, test accuracy) of the models ``make()`` builds."""
    X_train, X_test, y_train, y_test = data
    seconds = []
    for _ in range(repeats):
        model = make()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            started = time.perf_counter()
            model.fit(X_train, y_train)
            seconds.append(time.perf_counter() - started)
    return model.n_iter_, statistics.median(seconds), model.score(X_test, y_test)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="fits per model (the median time is shown)")
    repeats = parser.parse_args().repeats
    data = digits()
    per_sample = {"batch_size": 1, "learning_rate_init": 0.01, "momentum": 0.1}
    rows = [
        (
            "nncore NetworkClassifier() (Adam, batches of 200)",
            measure(lambda: NetworkClassifier(HIDDEN, random_state=0), data, repeats),
        ),
        (
            "nncore NetworkClassifier(solver='sgd', batch_size=1, learning_rate_init=0.01, momentum=0.1)",
            measure(lambda: NetworkClassifier(HIDDEN, solver="sgd", **per_sample, random_state=0), data, repeats),
        ),
        (
            "nncore NetworkClassifier(batch_size=1) (per-sample Adam)",
            measure(lambda: NetworkClassifier(HIDDEN, batch_size=1, random_state=0), data, repeats),
        ),
    ]
    epochs = rows[1][1][0]
    rows.append(
        (
            "MLPClassifier() (Adam, batches of 200)",
            measure(lambda: MLPClassifier(HIDDEN, random_state=0), data, repeats),
        )
    )
    rows.append(
        (
            f"MLPClassifier(solver='sgd', batch_size=1), {epochs} epochs",
            measure(
                lambda: MLPClassifier(
                    HIDDEN,
                    solver="sgd",
                    **per_sample,
                    nesterovs_momentum=False,
                    max_iter=epochs,
                    n_iter_no_change=epochs + 1,
                    random_state=0,
                ),
                data,
                max(1, repeats // 3),
            ),
        )
    )
    print("| model | epochs | fit time (s) | test accuracy |")
    print("|---|---:|---:|---:|")
    for name, (n_epochs, seconds, accuracy) in rows:
        print(f"| {name} | {n_epochs} | {seconds:.3f} | {accuracy:.4f} |")
    ours, ours_sgd, mlp_adam, mlp_sgd = (rows[i][1][1] for i in (0, 1, 3, 4))
    print(
        f"\nnncore's default: {mlp_adam / ours:.1f}x faster than MLPClassifier's default; "
        f"nncore's per-sample SGD {mlp_sgd / ours_sgd:.0f}x faster than the MLP's for the same epochs"
    )


if __name__ == "__main__":
    main()
