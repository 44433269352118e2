"""Fits scikit-learn's LogisticRegression on training sets written by bench/optimum.ts.

Benchmarks only (never the product): reads a JSON job from the file named by argv[1], writes
the pool probabilities of every training set to argv[2].

Job: {"X": [[...], ...] (pool rows, dense), "K": classes, "sets": [{"rows": [...], "y": [...]}],
"fits": [{"name": ..., "solver": ..., "tol": ..., "max_iter": ...}]}.
Output: {"version": sklearn version, "results": {fit name: [{"p": flat n x K, "n_iter": int}]}}
with one column per class index 0..K-1 (classes absent from a set get probability 0).
"""
import json
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    X = np.asarray(job["X"], dtype=np.float64)
    K = int(job["K"])
    out = {"version": sklearn.__version__, "results": {}}
    for fit in job["fits"]:
        results = []
        for s in job["sets"]:
            rows = np.asarray(s["rows"], dtype=np.int64)
            y = np.asarray(s["y"], dtype=np.int64)
            m = LogisticRegression(C=1.0, solver=fit["solver"], tol=fit["tol"], max_iter=fit["max_iter"])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                m.fit(X[rows], y)
            p = np.zeros((X.shape[0], K))
            p[:, m.classes_] = m.predict_proba(X)
            results.append({"p": p.ravel().tolist(), "n_iter": int(np.max(m.n_iter_))})
        out["results"][fit["name"]] = results
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
