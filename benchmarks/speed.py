"""Speed and memory of intentkit against its references, measured in one run.

Usage (from the repository root, after ``pip install ".[bench]"``)::

    python benchmarks/speed.py                 # writes benchmarks/results/speed.md
    python benchmarks/speed.py --quick         # smaller inputs, for a smoke run

Keywords: ``../shared/data/pools/semrush-us-unlabelled.txt`` (467k real keywords). Batch
throughput and latency are measured on *distinct keywords the process has not seen before*, each
run with a new classifier (an empty token cache), as a new export is mostly new keywords and new
tokens; the pool is repeated to 1M and 5M rows only for the CLI's throughput and memory. Measured:

- batch throughput of ``classify_many`` on distinct new keywords, in one process and with two
  (``n_jobs=2``), and of ``intentkit label`` end to end on a 1M-row CSV (``--jobs 2`` too);
- single-keyword latency of ``classify`` on new keywords: p50 and p99 over 10,000 calls, each
  keyword seen for the first time;
- cold start in a new process: ``import intentkit``, and import plus ``classify("x")``
  (median of 5);
- peak memory (max RSS) of the 1M batch and of the CLI on 5M rows; the model's size on disk.

References in the same run: (a) fastText supervised (word bigrams, character n-grams) trained on
the same data, batch and single; (b) the same model as a plain scikit-learn ``Pipeline``
(``DictVectorizer`` over the same features, ``LogisticRegression``) with ``predict_proba``;
(c) the floor: read the keywords, lower-case and split them, write one line each, in Python.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
POOL = ROOT.parent / "shared" / "data" / "pools" / "semrush-us-unlabelled.txt"
RESULTS = ROOT / "benchmarks" / "results"
PY = sys.executable


def keywords(n: int) -> list[str]:
    base = POOL.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    while len(out) < n:
        out.extend(base[: n - len(out)])
    return out


def distinct_keywords(n: int) -> list[str]:
    """The first ``n`` distinct keywords of the pool, in order."""
    return list(dict.fromkeys(POOL.read_text(encoding="utf-8").splitlines()))[:n]


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def run_seconds(code: str) -> float:
    """Wall-clock seconds of Python code run in a new process."""
    t = time.perf_counter()
    subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True)
    return time.perf_counter() - t


def max_rss_of(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a command, via /usr/bin/time when available."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as f:
        t = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", f.name, *cmd],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - t
        return seconds, int(f.read().strip().splitlines()[-1]) / 1024


def blas_kernel() -> str:
    try:
        from threadpoolctl import threadpool_info

        info = [
            f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')})"
            for i in threadpool_info()
        ]
        return "; ".join(info) or "unknown"
    except ImportError:
        return "threadpoolctl not installed"


def training_rows() -> tuple[list[str], list[str]]:
    from intentkit._dataset import read_dataset

    rows = read_dataset(ROOT / "data")
    return [r.keyword for r in rows], [r.intent for r in rows]


def fasttext_model(texts: list[str], labels: list[str], workdir: Path):  # type: ignore[no-untyped-def]
    import fasttext

    path = workdir / "ft.txt"
    with path.open("w", encoding="utf-8") as f:
        for t, y in zip(texts, labels):
            f.write(f"__label__{y} {t}\n")
    return fasttext.train_supervised(
        str(path),
        wordNgrams=2,
        minn=3,
        maxn=5,
        epoch=25,
        lr=0.5,
        dim=50,
        thread=1,
        verbose=0,
        seed=1,
    )


def to_dicts(xs: list[str]) -> list[dict[str, int]]:
    """The same features as intentkit, as dicts for scikit-learn's DictVectorizer."""
    from collections import Counter

    from intentkit._classifier import load_cached

    featurizer = load_cached(None).featurizer()
    return [Counter(featurizer.features(x)) for x in xs]


def sklearn_pipeline(texts: list[str], labels: list[str]):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    pipe = Pipeline(
        [
            ("features", FunctionTransformer(to_dicts)),
            ("vectorizer", DictVectorizer()),
            ("classifier", LogisticRegression(max_iter=1000)),
        ]
    )
    return pipe.fit(texts, labels)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="100k instead of 1M / 5M rows")
    ap.add_argument("--output", type=Path, default=RESULTS / "speed.md")
    args = ap.parse_args(argv)
    n_batch = 100_000 if args.quick else 1_000_000
    n_cli_big = 200_000 if args.quick else 5_000_000

    import numpy as np
    import sklearn

    import intentkit
    from intentkit import IntentClassifier
    from intentkit._classifier import default_model_path

    rows: list[tuple[str, str, str]] = []
    kws = keywords(n_batch)
    fresh = distinct_keywords(40_000 if args.quick else 400_000)
    n_fresh = len(fresh)

    def new_classifier() -> IntentClassifier:
        clf = IntentClassifier()
        clf.classify("warm up")  # loads the model; the token cache stays nearly empty
        return clf

    def once_new() -> float:
        c = new_classifier()
        t = time.perf_counter()
        c.classify_many(fresh)
        return time.perf_counter() - t

    t1 = min(once_new() for _ in range(2))
    ours_batch = n_fresh / t1
    rows.append(
        (
            f"classify_many, {n_fresh:,} distinct new keywords, 1 process",
            f"{ours_batch:,.0f} keywords/s",
            "",
        )
    )
    clf = new_classifier()
    clf.classify_many(fresh[:20_000], n_jobs=2)  # starts the workers
    t2 = timed(lambda: clf.classify_many(fresh, n_jobs=2), repeat=1)
    ours_batch2 = n_fresh / t2
    rows.append(
        (
            "classify_many, the same keywords, n_jobs=2 (workers started)",
            f"{ours_batch2:,.0f} keywords/s",
            f"{ours_batch2 / ours_batch:.2f}x 1 process",
        )
    )
    repeat_clf = new_classifier()
    repeat_clf.classify_many(kws)
    t_rep = timed(lambda: repeat_clf.classify_many(kws), repeat=1)
    rows.append(
        (
            f"classify_many, {n_batch:,} keywords seen before (a warm token cache)",
            f"{n_batch / t_rep:,.0f} keywords/s",
            f"{n_batch / t_rep / ours_batch:.2f}x new keywords",
        )
    )

    clf = new_classifier()
    sample = fresh[-10_000:]
    lat = []
    for k in sample:
        t = time.perf_counter_ns()
        clf.classify(k)
        lat.append(time.perf_counter_ns() - t)
    lat.sort()
    p50, p99 = lat[len(lat) // 2] / 1000, lat[int(len(lat) * 0.99)] / 1000
    rows.append(("classify latency p50 / p99, new keywords", f"{p50:.1f} / {p99:.1f} µs", ""))

    texts, labels = training_rows()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ft = fasttext_model(texts, labels, work)
        ft_batch = n_fresh / timed(lambda: ft.predict(fresh, k=-1), repeat=2)
        ft_lat = []
        for k in sample:
            t = time.perf_counter_ns()
            ft.predict(k, k=-1)
            ft_lat.append(time.perf_counter_ns() - t)
        ft_lat.sort()
        rows.append(
            (
                "(a) fastText batch",
                f"{ft_batch:,.0f} keywords/s",
                f"intentkit {ours_batch / ft_batch:.2f}x",
            )
        )
        rows.append(
            (
                "(a) fastText batch vs classify_many n_jobs=2",
                "",
                f"intentkit {ours_batch2 / ft_batch:.2f}x",
            )
        )
        rows.append(("(a) fastText single p50", f"{ft_lat[len(ft_lat) // 2] / 1000:.1f} µs", ""))

        import benchmarks.speed as importable  # pickled by module name, loadable in a new process

        pipe = importable.sklearn_pipeline(texts, labels)
        sk_n = min(n_fresh, 100_000)
        sk_batch = sk_n / timed(lambda: pipe.predict_proba(fresh[:sk_n]), repeat=1)
        rows.append(
            (
                "(b) scikit-learn Pipeline predict_proba",
                f"{sk_batch:,.0f} keywords/s",
                f"intentkit {ours_batch / sk_batch:.2f}x",
            )
        )
        import joblib

        joblib.dump(pipe, work / "pipe.joblib")

        def median_cold(code: str) -> float:
            return statistics.median(run_seconds(code) for _ in range(5))

        cold_import = median_cold("import intentkit")
        cold_first = median_cold("import intentkit; intentkit.classify('x')")
        cold_sk = median_cold(
            "import sys; sys.path.insert(0, {!r}); import joblib, benchmarks.speed; "
            "p = joblib.load({!r}); p.predict_proba(['x'])".format(
                str(ROOT), str(work / "pipe.joblib")
            )
        )
        rows.append(("cold start: import intentkit", f"{cold_import * 1000:.0f} ms", ""))
        rows.append(
            (
                "cold start: import + classify('x')",
                f"{cold_first * 1000:.0f} ms",
                f"{cold_first / cold_sk:.2f} of scikit-learn's",
            )
        )
        rows.append(
            ("cold start: scikit-learn import + load + predict", f"{cold_sk * 1000:.0f} ms", "")
        )

        csv_path = work / "kw.csv"
        with csv_path.open("w", encoding="utf-8") as f:
            f.write("Keyword\n")
            for k in kws:
                f.write(k.replace('"', "") + "\n")
        exe = str(Path(PY).parent / "intentkit")
        s_label, rss_label = max_rss_of([exe, "label", str(csv_path), "-o", str(work / "out.csv")])
        floor_code = (
            "import sys\n"
            f"with open({str(csv_path)!r}, encoding='utf-8') as f, open({str(work / 'floor.txt')!r}, 'w', encoding='utf-8') as o:\n"
            "    for line in f:\n"
            "        o.write(' '.join(line.lower().split()) + '\\n')\n"
        )
        s_floor, _ = max_rss_of([PY, "-c", floor_code])
        s_label2, _ = max_rss_of(
            [exe, "label", str(csv_path), "-o", str(work / "out2.csv"), "--jobs", "2"]
        )
        rows.append(
            (
                f"intentkit label, {n_batch:,} rows CSV",
                f"{n_batch / s_label:,.0f} rows/s",
                f"{s_label / s_floor:.2f}x the floor's time",
            )
        )
        rows.append(
            (
                f"intentkit label --jobs 2, {n_batch:,} rows CSV",
                f"{n_batch / s_label2:,.0f} rows/s",
                f"{s_label / s_label2:.2f}x 1 process; {s_label2 / s_floor:.2f}x the floor's time",
            )
        )
        rows.append(
            ("(c) floor: read, lower, split, write", f"{n_batch / s_floor:,.0f} rows/s", "")
        )
        rows.append((f"peak RSS, label {n_batch:,} rows", f"{rss_label:,.0f} MB", ""))
        big = work / "big.csv"
        with big.open("w", encoding="utf-8") as f:
            f.write("Keyword\n")
            for i in range(n_cli_big):
                f.write(kws[i % len(kws)].replace('"', "") + "\n")
        s_big, rss_big = max_rss_of([exe, "label", str(big), "-o", str(work / "big_out.csv")])
        rows.append(
            (
                f"peak RSS, label {n_cli_big:,} rows",
                f"{rss_big:,.0f} MB",
                f"{n_cli_big / s_big:,.0f} rows/s",
            )
        )
        code = (
            "import intentkit\n"
            f"kws = open({str(POOL)!r}, encoding='utf-8').read().splitlines()\n"
            f"kws = (kws * ({n_batch} // len(kws) + 1))[:{n_batch}]\n"
            "results = intentkit.classify_many(kws)\n"
        )
        # Measured by /usr/bin/time, not getrusage in the child: a child started from this big
        # process would report this process's high-water mark.
        _, rss_batch = max_rss_of([PY, "-c", code])
        rows.append(
            (f"peak RSS, classify_many {n_batch:,} (results kept)", f"{rss_batch:,.0f} MB", "")
        )

    size = default_model_path().stat().st_size
    rows.append(("model with its lexicons, on disk", f"{size / 1e6:.1f} MB", ""))

    head = [
        f"Measured {dt.datetime.now().isoformat(timespec='minutes')} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, intentkit {intentkit.__version__}, "
        f"numpy {np.__version__}, scikit-learn {sklearn.__version__}; BLAS: {blas_kernel()}; "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}. "
        f"Input: {POOL.name}: its first {n_fresh:,} distinct keywords, new to each classifier, and "
        f"the pool repeated to {n_batch:,} rows. Produced by `python benchmarks/speed.py`.",
        "",
        "| measure | figure | ratio |",
        "|---|---:|---|",
    ]
    text = "\n".join(head + [f"| {a} | {b} | {c} |" for a, b, c in rows]) + "\n"
    from benchmarks._readme import publish

    publish(args.output, "speed", text, readme=not args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
