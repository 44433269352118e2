"""Times scikit-learn's pool scoring on data written by bench/scale1-scoring.ts.

Benchmarks only (never the product). argv[1] is a JSON job:
{"kind": "dense" | "csr", "n": rows, "d": features, "K": classes, "repeats": r, "top": k,
 "files": {"X" | "indptr", "indices", "values", "W", "b": raw little-endian files}}
W is the model's class-major weights (m x d, m = 1 for two classes), b its intercepts, as the
TypeScript model holds them; they are set on a LogisticRegression as coef_ and intercept_.

Each repeat is modAL's margin query (modAL.uncertainty.margin_sampling): predict_proba, margin =
p(1) - p(2) through np.partition, then the k smallest margins through np.argpartition. Prints
{"version", "times" (seconds), "top" (the k rows, smallest margin first)}.
"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    n, d, K, files = job["n"], job["d"], job["K"], job["files"]
    if job["kind"] == "dense":
        X = np.fromfile(files["X"], dtype="<f8").reshape(n, d)
    else:
        indptr = np.fromfile(files["indptr"], dtype="<i4")
        indices = np.fromfile(files["indices"], dtype="<i4")
        values = np.fromfile(files["values"], dtype="<f8")
        X = sp.csr_matrix((values, indices, indptr), shape=(n, d))
    W = np.fromfile(files["W"], dtype="<f8").reshape(-1, d)
    b = np.fromfile(files["b"], dtype="<f8")
    model = LogisticRegression(multi_class="auto")
    model.classes_ = np.arange(K)
    model.coef_ = W
    model.intercept_ = b
    k = job["top"]
    times = []
    top = None
    for _ in range(job["repeats"]):
        t0 = time.perf_counter()
        proba = model.predict_proba(X)
        part = np.partition(-proba, 1, axis=1)
        margin = -part[:, 0] + part[:, 1]
        idx = np.argpartition(margin, k - 1)[:k]
        times.append(time.perf_counter() - t0)
        top = idx[np.argsort(margin[idx], kind="stable")]
    print(json.dumps({"version": sklearn.__version__, "times": times, "top": [int(i) for i in top]}))


if __name__ == "__main__":
    main()
