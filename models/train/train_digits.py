#!/usr/bin/env python3
"""Train the digits_mlp model and write it into the embedded repository.

    apt-get install -y python3-sklearn python3-numpy
    python3 models/train/train_digits.py

Deterministic: a fixed split (random_state=0) and fixed initialisation
(random_state=0); the same Debian packages give the same bytes.

It writes
  models/repository/digits_mlp/config.yaml         entry, inputs, bound weights, limits
  models/repository/digits_mlp/1/model.mlir         StableHLO, JAX style
  models/repository/digits_mlp/1/weights.safetensors float32 weights, argument order
  models/examples/digits_mlp.json                   an Open Inference Protocol request
  models/testdata/digits_mlp.response.json          numpy's answer to that request
  models/testdata/digits_mlp_fixture.json           test digits + sklearn's predictions
and prints the test accuracy (recorded in models/README.md).

The model: raw 8x8 pixel intensities (0..16, as load_digits gives them) ->
x/16 -> dense 64->32 -> relu -> dense 32->10 -> logits, softmax
probabilities and the argmax class. The weights are the program's leading
arguments (bound by config.yaml to weights.safetensors), so a request carries
only x: tensor<1x64xf32>.
"""

import os
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hlo  # noqa: E402

NAME = "digits_mlp"
BATCH = 1
HIDDEN = 32
FIXTURE_DIGITS = 20  # plus every digit sklearn gets wrong


def program(batch, hidden):
    x_shape = (batch, 64)
    f = hlo.Func(nargs=5)
    # x / 16.0
    s = f.scalar_bcast(16.0, x_shape)
    xs = f.binary("divide", "%arg4", s, x_shape)
    # dense 1 + relu
    h = f.dot(xs, "%arg0", x_shape, (64, hidden), (batch, hidden), ([1], [0]))
    b1 = f.bcast("%arg1", [1], (hidden,), (batch, hidden))
    h = f.binary("add", h, b1, (batch, hidden))
    z = f.scalar_bcast(0.0, (batch, hidden))
    h = f.binary("maximum", h, z, (batch, hidden))
    # dense 2
    lo = f.dot(h, "%arg2", (batch, hidden), (hidden, 10), (batch, 10), ([1], [0]))
    b2 = f.bcast("%arg3", [1], (10,), (batch, 10))
    logits = f.binary("add", lo, b2, (batch, 10))
    probs = f.softmax(logits, (batch, 10), 1)
    cls = f.argmax(logits, (batch, 10), 1)
    args = [("%arg0", (64, hidden), "f32", "params['w1']"),
            ("%arg1", (hidden,), "f32", "params['b1']"),
            ("%arg2", (hidden, 10), "f32", "params['w2']"),
            ("%arg3", (10,), "f32", "params['b2']"),
            ("%arg4", x_shape, "f32", "x")]
    # jax.result_info for a dict output: keys sorted, as JAX flattens dicts.
    results = [(cls, (batch,), "i32", "['class']"),
               (logits, (batch, 10), "f32", "['logits']"),
               (probs, (batch, 10), "f32", "['probabilities']")]
    return hlo.module("predict", args, results, f)


def forward32(params, x):
    w1, b1, w2, b2 = params
    h = np.maximum((x.astype(np.float32) / np.float32(16)) @ w1 + b1, np.float32(0))
    logits = h @ w2 + b2
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return logits, e / e.sum(axis=1, keepdims=True)


def main():
    digits = load_digits()
    X, y = digits.data, digits.target
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="adam",
                        alpha=1e-3, batch_size=64, learning_rate_init=1e-2, max_iter=300,
                        random_state=0, tol=1e-5, n_iter_no_change=20)
    clf.fit(Xtr / 16.0, ytr)
    acc = clf.score(Xte / 16.0, yte)
    pred = clf.predict(Xte / 16.0)
    proba = clf.predict_proba(Xte / 16.0)

    params = [clf.coefs_[0].astype(np.float32), clf.intercepts_[0].astype(np.float32),
              clf.coefs_[1].astype(np.float32), clf.intercepts_[1].astype(np.float32)]
    logits32, _ = forward32(params, Xte)
    agree = int((logits32.argmax(axis=1) == pred).sum())
    print("digits_mlp: train %d, test %d digits; test accuracy %.4f (%d/%d); "
          "float32 forward pass agrees with sklearn on %d/%d; %d epochs"
          % (len(ytr), len(yte), acc, int((pred == yte).sum()), len(yte), agree, len(yte), clf.n_iter_))
    if agree != len(yte):
        sys.exit("float32 weights change a prediction; refusing to write the model")

    vdir = os.path.join(hlo.REPO, NAME, "1")
    hlo.write(os.path.join(vdir, "model.mlir"), program(BATCH, HIDDEN))
    hlo.write_safetensors(os.path.join(vdir, "weights.safetensors"),
                          [("w1", params[0]), ("b1", params[1]), ("w2", params[2]), ("b2", params[3])],
                          {"model": NAME, "source": "models/train/train_digits.py",
                           "test_accuracy": "%.4f" % acc})

    hlo.write_config(NAME, "8x8 handwritten digit classifier: a 64-32-10 ReLU MLP trained with scikit-learn "
                     "on the digits dataset (test accuracy %.1f%%); x is the 64 raw pixel intensities 0..16" % (100 * acc),
                     inputs=["x"], outputs=["class", "logits", "probabilities"],
                     bound=[("weights.safetensors", ["w1", "b1", "w2", "b2"])],
                     limits={"max_memory": "4MiB", "max_flops": "1e6", "max_steps": "1e4",
                             "max_output": "64KiB", "max_input": "64KiB", "timeout": "5s"})

    x0 = Xte[:BATCH].astype(np.float32)
    hlo.write_json(os.path.join(hlo.EXAMPLES, NAME + ".json"),
                   hlo.oip_request([("x", x0)], req_id="digits-0"))

    l0, p0 = forward32(params, x0)
    hlo.write_json(os.path.join(hlo.TESTDATA, NAME + ".response.json"), {"model_name": NAME, "outputs": [
        {"name": "class", "shape": [BATCH], "datatype": "INT32", "data": [int(v) for v in l0.argmax(axis=1)]},
        {"name": "logits", "shape": [BATCH, 10], "datatype": "FP32", "data": hlo._flat(l0.astype(np.float32))},
        {"name": "probabilities", "shape": [BATCH, 10], "datatype": "FP32", "data": hlo._flat(p0.astype(np.float32))},
    ]})

    # The first test digits, and every one sklearn misclassifies: the Go
    # executor must reproduce the model's mistakes too, not the labels.
    idx = sorted(set(range(FIXTURE_DIGITS)) | set(np.flatnonzero(pred != yte).tolist()))
    logits_fx, _ = forward32(params, Xte[idx])
    hlo.write_json(os.path.join(hlo.TESTDATA, NAME + "_fixture.json"), {
        "comment": "test-split digits (raw 0..16 pixels): the first %d and every one sklearn misclassifies; "
                   "their labels, what sklearn's MLPClassifier predicted (float64) and the float32 logits; "
                   "written by models/train/train_digits.py" % FIXTURE_DIGITS,
        "test_accuracy": round(acc, 4),
        "test_index": idx,
        "pixels": [[int(v) for v in Xte[i]] for i in idx],
        "labels": [int(yte[i]) for i in idx],
        "sklearn_predictions": [int(pred[i]) for i in idx],
        "sklearn_probabilities": [[round(float(v), 6) for v in proba[i]] for i in idx],
        "float32_logits": [[round(float(v), 5) for v in row] for row in logits_fx],
    })


if __name__ == "__main__":
    main()
