"""What the notebook features cost ``classify_many``, as ratios against a reference in one run.

- the progress bar (``progress=True``, drawn to /dev/null) against ``progress=False``;
- the language evidence of :mod:`intentkit._language` (``other`` / names only) against the
  model's call alone (the evidence replaced by "the model decides").

Keywords: the first N of ``../shared/data/pools/semrush-us-unlabelled.txt``; each timing is the
best of 7 runs on a warm classifier (token caches full), the two sides run alternately.

    python -m benchmarks.progress [--n 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from intentkit import IntentClassifier

POOL = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "pools" / "semrush-us-unlabelled.txt"
)


def paired(
    a: Callable[[], object], b: Callable[[], object], repeat: int = 7
) -> tuple[float, float]:
    """The best time of ``a`` and of ``b``, run alternately, so both see the same machine load."""
    ta, tb = [], []
    for _ in range(repeat):
        for fn, times in ((a, ta), (b, tb)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return min(ta), min(tb)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    keywords = POOL.read_text(encoding="utf-8").splitlines()[: args.n]
    clf = IntentClassifier()
    clf.classify_many(keywords)  # warm the caches
    with open(os.devnull, "w") as null, contextlib.redirect_stderr(null):
        bar, plain = paired(
            lambda: clf.classify_many(keywords, progress=True),
            lambda: clf.classify_many(keywords, progress=False),
        )
    print(f"{len(keywords):,} keywords, best of 7 runs each, run alternately")
    print(f"progress bar: {bar:.3f} s vs {plain:.3f} s without: ratio {bar / plain:.3f}")
    reference = IntentClassifier()
    reference._loaded().scorer._language = None  # every keyword's evidence: "the model decides"
    reference.classify_many(keywords)
    evidence, model_only = paired(
        lambda: clf.classify_many(keywords, progress=False),
        lambda: reference.classify_many(keywords, progress=False),
    )
    print(
        f"language evidence: {evidence:.3f} s vs {model_only:.3f} s without: "
        f"ratio {evidence / model_only:.3f}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
