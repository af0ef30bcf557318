"""
Digits against scikit-learn's MLP
=================================

scikit-learn's handwritten digits (1,797 images of 8 × 8 pixels, ten classes)
classified by :class:`nncore.sklearn.NetworkClassifier` and by scikit-learn's
``MLPClassifier``, on the same split, with the same settings: the estimator's
defaults are the MLP's (one hidden layer of 100 ReLU neurons, Adam with step
0.001 on batches of 200, stopping when the loss stops falling).
"""

import time

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from nncore.sklearn import NetworkClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

# %%
# Both models behind a ``StandardScaler``, fitted on the same 75 % and scored
# on the other 25 %. nncore's fit runs on one thread; the MLP's matrix
# products are given one thread of the BLAS too (``threadpool_limits``), so
# that both do the same work with the same means.

models = {
    "nncore NetworkClassifier": NetworkClassifier(random_state=0),
    "scikit-learn MLPClassifier": MLPClassifier(random_state=0),
}
fitted = {}
for name, estimator in models.items():
    model = make_pipeline(StandardScaler(), estimator)
    with threadpool_limits(limits=1):
        started = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - started
    fitted[name] = model
    accuracy = model.score(X_test, y_test)
    print(f"{name:27} test accuracy {accuracy:.4f}, {estimator.n_iter_} epochs in {seconds:.2f} s")

# %%
# The confusion matrices of the test images: rows are the true digits,
# columns the predicted ones; everything off the diagonal is a mistake.

fig, axes = plt.subplots(1, 2, figsize=(11, 5), layout="constrained")
for ax, (name, model) in zip(axes, fitted.items()):
    ConfusionMatrixDisplay.from_estimator(model, X_test, y_test, ax=ax, colorbar=False)
    ax.set_title(f"{name}\naccuracy {model.score(X_test, y_test):.4f}")
plt.show()

# %%
# The trained network is an ordinary :class:`nncore.Network`: it can be saved,
# evaluated or exported like any other.

net = fitted["nncore NetworkClassifier"][-1].network_
print(net)
