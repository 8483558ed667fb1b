"""intentkit.spark against one process of ``intentkit label`` on the same rows, measured in one run.

Usage (from the repository root, after ``pip install ".[spark]"``; Java 17 on the path)::

    python benchmarks/spark.py                        # 1M and 5M rows; writes benchmarks/results/spark.md
    python benchmarks/spark.py --rows 1000000         # fewer sizes on a busy machine
    python benchmarks/spark.py --readme               # also put the table in the README

Keywords: ``../shared/data/pools/semrush-us-unlabelled.txt`` (real keywords) repeated to each size,
written once to a text file (one keyword per line); without that file, keywords recombined from the words of
``tests/data/golden.tsv``. For each size:

- ``intentkit label`` in one process reads the file and writes a labelled CSV (the reference);
- ``intentkit.spark.label`` on ``local[1]`` and ``local[2]`` reads the same file
  (``spark.sql.files.maxPartitionBytes`` 4 MB, so there are partitions for two cores) and writes
  Parquet; the time is the job's: the session's start (once per application) and a first job
  on 10,000 rows (which starts the Python workers and loads the model in them) are apart;
- the same Spark job without labelling (read, write), to show Spark's own share.

And the overhead per row of Spark against plain ``classify_many`` (results kept, one process, on
the first 250,000 rows): Spark ``local[1]``'s seconds per row minus ``classify_many``'s.
The executors' Python workers run this interpreter (``PYSPARK_PYTHON``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
POOL = ROOT.parent / "shared" / "data" / "pools" / "semrush-us-unlabelled.txt"
GOLDEN = ROOT / "tests" / "data" / "golden.tsv"
RESULTS = ROOT / "benchmarks" / "results"
REFERENCE_ROWS = 250_000


def base_keywords() -> tuple[list[str], str]:
    if POOL.is_file():
        return POOL.read_text(encoding="utf-8").splitlines(), POOL.name
    import numpy as np

    words = sorted(
        {w for line in GOLDEN.read_text().splitlines()[1:] for w in line.split("\t")[0].split()}
    )
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(words), size=(200_000, 4)).tolist()
    sizes = rng.integers(1, 5, size=200_000).tolist()
    return [" ".join(words[i] for i in p[:k]) for p, k in zip(picks, sizes)], "golden.tsv words"


def write_txt(path: Path, base: list[str], n: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        done = 0
        while done < n:
            part = base[: n - done]
            f.write("\n".join(part) + "\n")
            done += len(part)


def session(master: str) -> Any:
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName("intentkit-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.files.maxPartitionBytes", str(4 * 2**20))
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_job(
    spark: Any, txt_path: Path, out: Path, *, labelled: bool, limit: int | None = None
) -> float:
    import intentkit.spark

    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    df = spark.read.text(str(txt_path)).withColumnRenamed("value", "keyword")
    if limit is not None:
        df = df.limit(limit)
    if labelled:
        df = intentkit.spark.label(df)
    df.write.parquet(str(out))
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--rows", default="1000000,5000000", help="comma-separated sizes (default 1M and 5M)"
    )
    ap.add_argument("--output", type=Path, default=RESULTS / "spark.md")
    ap.add_argument("--readme", action="store_true", help="also write the table into README.md")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.rows.split(",")]
    os.environ["PYSPARK_PYTHON"] = sys.executable

    import pyarrow
    import pyspark

    from benchmarks._readme import publish
    from intentkit import IntentClassifier

    base, source = base_keywords()
    exe = str(Path(sys.executable).with_name("intentkit"))
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="intentkit-spark-bench-") as tmp:
        work = Path(tmp)
        files = {}
        for n in sizes:
            files[n] = work / f"keywords-{n}.txt"
            write_txt(files[n], base, n)

        reference = base[:REFERENCE_ROWS]
        while len(reference) < REFERENCE_ROWS:
            reference += base[: REFERENCE_ROWS - len(reference)]
        clf = IntentClassifier()
        clf.classify("warm up")
        t = time.perf_counter()
        clf.classify_many(reference)
        per_row_cm = (time.perf_counter() - t) / len(reference)
        rows.append(
            (
                f"classify_many, {len(reference):,} rows, 1 process (results kept)",
                f"{1 / per_row_cm:,.0f} rows/s",
                f"{per_row_cm * 1e6:.1f} µs/row",
            )
        )

        cli: dict[int, float] = {}
        for n in sizes:
            t = time.perf_counter()
            subprocess.run(
                [exe, "label", str(files[n]), "-o", str(work / "cli-out.csv")], check=True
            )
            cli[n] = time.perf_counter() - t
            rows.append(
                (
                    f"intentkit label, {n:,} rows TXT, 1 process",
                    f"{n / cli[n]:,.0f} rows/s",
                    "the reference",
                )
            )
            (work / "cli-out.csv").unlink()

        for master in ("local[1]", "local[2]"):
            t = time.perf_counter()
            spark = session(master)
            started = time.perf_counter() - t
            assert spark.sparkContext.master == master, spark.sparkContext.master
            spark_job(spark, files[sizes[0]], work / "warm-up", labelled=True, limit=10_000)
            rows.append(
                (f"Spark session start, {master}", f"{started:.1f} s", "once per application")
            )
            for n in sizes:
                s_plain = spark_job(spark, files[n], work / "plain", labelled=False)
                s_label = spark_job(spark, files[n], work / "labelled", labelled=True)
                rows.append(
                    (
                        f"intentkit.spark.label, {n:,} rows, {master}",
                        f"{n / s_label:,.0f} rows/s",
                        f"{cli[n] / s_label:.2f}x intentkit label",
                    )
                )
                rows.append(
                    (
                        f"(Spark alone: read, write Parquet), {n:,} rows, {master}",
                        f"{n / s_plain:,.0f} rows/s",
                        f"{s_plain / s_label:.0%} of the labelled job's time",
                    )
                )
                if master == "local[1]":
                    overhead = s_label / n - per_row_cm
                    rows.append(
                        (
                            f"Spark overhead per row vs classify_many, {n:,} rows, local[1]",
                            f"{overhead * 1e6:+.1f} µs/row",
                            f"{s_label / n / per_row_cm:.2f}x classify_many's time per row",
                        )
                    )
            spark.stop()

    cores = os.cpu_count()
    header = (
        f"Measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%dT%H:%M} on {platform.machine()}, "
        f"{cores} cores, Python {platform.python_version()}, pyspark {pyspark.__version__}, "
        f"pyarrow {pyarrow.__version__}, Java 17. Input: {source}, repeated to "
        f"{', '.join(f'{n:,}' for n in sizes)} rows in a text file, one keyword per line. Produced by "
        f"`python benchmarks/spark.py --rows {args.rows}`.\n\n"
    )
    table = "| measure | figure | ratio |\n|---|---:|---|\n" + "".join(
        f"| {a} | {b} | {c} |\n" for a, b, c in rows
    )
    publish(args.output, "spark", header + table, readme=args.readme)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
