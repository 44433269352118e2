"""scikit-learn's TfidfVectorizer on a file of texts (one per line), for bench/scale1-tfidf.ts.

Benchmarks only (never the product): argv[1] is the file, argv[2] min_df. Settings match
activelearn's Tfidf: lower-case, tokens of two or more word characters, sublinear tf, smooth
idf, L2 rows, float64. Prints one JSON line: seconds (read + fit_transform), rows, cols, nnz,
sum (of all values), maxRssKB (this process's peak resident set).
"""
import json
import resource
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


def main() -> None:
    t0 = time.perf_counter()
    with open(sys.argv[1], encoding="utf-8") as f:
        docs = f.read().split("\n")
    if docs and docs[-1] == "":
        docs.pop()
    X = TfidfVectorizer(sublinear_tf=True, min_df=int(sys.argv[2]), dtype=np.float64).fit_transform(docs)
    seconds = time.perf_counter() - t0
    out = {
        "seconds": seconds,
        "rows": X.shape[0],
        "cols": X.shape[1],
        "nnz": int(X.nnz),
        "sum": float(X.data.sum()),
        "maxRssKB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
