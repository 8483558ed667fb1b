"""intentkit.spark: labels on Spark (local mode) and on Arrow batches equal intentkit label's.

The Spark tests start one local[2] session for the module. Its Python workers run
``sys.executable`` (``PYSPARK_PYTHON``): without it they start the system ``python3``, which lacks
this virtualenv's packages.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import tiny_model

from intentkit import IntentClassifier, classify_many
from intentkit._label import LABEL_COLUMNS, label_fields

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden.tsv"
NUMBERS = {
    c for c in LABEL_COLUMNS if c.endswith(("_confidence", "_conversion_score")) or "_p_" in c
}
EQUALITY_ROWS = 100_000
BIG_ROWS = 2_000_000


def expected(
    keywords: list[str | None], clf: IntentClassifier | None = None
) -> list[tuple[Any, ...]]:
    """What ``intentkit label`` writes for each keyword, numbers as floats, empty numbers None."""
    texts = ["" if k is None else k for k in keywords]
    results = clf.classify_many(texts) if clf is not None else classify_many(texts)
    return [
        tuple(
            (float(v) if v else None) if name in NUMBERS else v
            for name, v in zip(LABEL_COLUMNS, label_fields(r))
        )
        for r in results
    ]


def test_import_intentkit_spark_needs_no_pyspark_pyarrow_or_pandas() -> None:
    code = (
        "import sys\n"
        "for m in ('pyspark', 'pyarrow', 'pandas'):\n"
        "    sys.modules[m] = None\n"
        "import intentkit, intentkit.spark\n"
        "assert intentkit.spark.label and intentkit.spark.label_arrow\n"
        "try:\n"
        "    intentkit.spark.label_arrow(None)\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert "pip install 'intentkit-seo[spark]'" in out.stdout


def keywords(n: int, seed: int) -> list[str | None]:
    """``n`` keywords: golden keywords, recombinations of their words, and blanks and nulls."""
    rows = GOLDEN.read_text(encoding="utf-8").splitlines()[1:]
    golden = [r.split("\t")[0] for r in rows]
    words = sorted({w for k in golden for w in k.split()})
    rng = np.random.default_rng(seed)
    out: list[str | None] = [*golden, "", "   ", "!!!", "?", None, "ÅÄÖ åäö", "a" * 600]
    lengths = rng.integers(1, 6, size=n).tolist()
    picks = rng.integers(0, len(words), size=(n, 5)).tolist()
    out += [" ".join(map(words.__getitem__, p[:k])) for p, k in zip(picks, lengths)]
    out = out[:n]
    rng.shuffle(out)  # type: ignore[arg-type]
    return out


# ---- label_arrow: needs only pyarrow -------------------------------------------------------


@pytest.fixture(scope="module")
def pa() -> Any:
    return pytest.importorskip("pyarrow", reason="pyarrow is not installed (the spark extra)")


def test_label_arrow_equals_intentkit_label_and_keeps_the_batch(pa: Any) -> None:
    from intentkit.spark import label_arrow

    kws = keywords(20_000, seed=1)
    batch = pa.record_batch({"n": pa.array(range(len(kws))), "keyword": pa.array(kws)})
    out = label_arrow(batch)
    assert out.schema.names == ["n", "keyword", *LABEL_COLUMNS]
    assert out.column(0).equals(batch.column(0)) and out.column(1).equals(batch.column(1))
    got = list(zip(*(out.column(c).to_pylist() for c in LABEL_COLUMNS)))
    assert got == expected(kws)
    assert pa.types.is_float64(out.schema.field("intentkit_confidence").type)
    assert pa.types.is_string(out.schema.field("intentkit_intent").type)


def test_label_arrow_blank_and_null_keywords_keep_their_rows_with_empty_labels(pa: Any) -> None:
    from intentkit.spark import label_arrow

    batch = pa.record_batch({"keyword": pa.array([None, "", " ", "...", "köpa cykel"])})
    rows = label_arrow(batch).to_pylist()
    assert len(rows) == 5
    for row in rows[:4]:
        assert all(row[c] is None for c in NUMBERS)
        assert all(row[c] == "" for c in LABEL_COLUMNS if c not in NUMBERS)
    assert rows[4]["intentkit_intent"] == "transactional"


def test_label_arrow_takes_large_strings_dictionaries_and_all_null_columns(pa: Any) -> None:
    from intentkit.spark import label_arrow

    kws = ["netflix login", None, "pizza near me"]
    plain = label_arrow(pa.record_batch({"keyword": pa.array(kws)}))
    for arr in (pa.array(kws, pa.large_string()), pa.array(kws).dictionary_encode()):
        out = label_arrow(pa.record_batch({"keyword": arr}))
        assert out.select(LABEL_COLUMNS).equals(plain.select(LABEL_COLUMNS))
    nulls = label_arrow(pa.record_batch({"keyword": pa.nulls(2)})).to_pylist()
    assert [r["intentkit_intent"] for r in nulls] == ["", ""]
    assert label_arrow(pa.record_batch({"keyword": pa.array([], pa.string())})).num_rows == 0


def test_label_arrow_uses_the_classifier_it_is_given(pa: Any, tiny_path: Path) -> None:
    from intentkit.spark import label_arrow

    clf = IntentClassifier(model=tiny_path, brands=["zqxbolaget"])
    kws = ["zqxbolaget", "buy pizza malmö", "how best"]
    out = label_arrow(pa.record_batch({"keyword": kws}), classifier=clf)
    assert list(zip(*(out.column(c).to_pylist() for c in LABEL_COLUMNS))) == expected(kws, clf)
    assert expected(kws, clf) != expected(kws)


def test_label_arrow_rejects_what_it_cannot_label(pa: Any) -> None:
    from intentkit.spark import label_arrow

    with pytest.raises(KeyError, match="query"):
        label_arrow(pa.record_batch({"keyword": ["a"]}), "query")
    with pytest.raises(TypeError, match="must hold strings, not int64"):
        label_arrow(pa.record_batch({"keyword": [1, 2]}))
    again = label_arrow(pa.record_batch({"keyword": ["a"], "intentkit_intent": ["old"]}))
    assert again.schema.names == ["keyword", *LABEL_COLUMNS]  # its own columns, replaced


# ---- Spark, local mode --------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
    pytest.importorskip("pandas", reason="pandas is not installed (the spark extra)")
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("intentkit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def labels_of(df: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in df.select(*LABEL_COLUMNS).collect()]


def test_spark_labels_equal_classify_many_and_keep_rows_and_columns(spark: Any) -> None:
    import intentkit.spark

    kws = keywords(EQUALITY_ROWS, seed=7)
    pdf = __import__("pandas").DataFrame({"row": range(len(kws)), "keyword": kws})
    pdf["half"] = pdf["row"] / 2
    df = spark.createDataFrame(pdf, "row long, keyword string, half double").repartition(4)
    df = df.sortWithinPartitions("row")
    out = intentkit.spark.label(df)
    assert out.columns == ["row", "keyword", "half", *LABEL_COLUMNS]
    got = out.toPandas().sort_values("row")
    assert len(got) == len(kws)
    assert got["row"].tolist() == list(range(len(kws)))
    assert got["keyword"].tolist() == kws
    assert got["half"].tolist() == pdf["half"].tolist()
    columns = [[None if v != v else v for v in got[c].tolist()] for c in LABEL_COLUMNS]
    rows = list(zip(*columns))
    assert rows == expected(kws)


def test_spark_null_empty_and_blank_keywords_keep_their_rows(spark: Any) -> None:
    import intentkit

    df = spark.createDataFrame(
        [(None, 1), ("", 2), ("   ", 3), ("?!", 4), ("netflix login", 5)], "q string, n int"
    )
    rows = intentkit.spark.label(df, column="q").orderBy("n").collect()
    assert [r["n"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["q"] for r in rows] == [None, "", "   ", "?!", "netflix login"]
    for r in rows[:4]:
        assert (
            r["intentkit_intent"] == ""
            and r["intentkit_confidence"] is None
            and r["intentkit_conversion_score"] is None
        )
    assert rows[4]["intentkit_intent"] == "navigational"


def test_spark_keeps_other_columns_of_every_type_as_they_are(spark: Any) -> None:
    import intentkit.spark

    df = spark.sql(
        "SELECT * FROM VALUES "
        "(1, CAST(NULL AS BIGINT), 1.5D, CAST(2.25 AS DECIMAL(10, 2)), DATE'2026-01-31', "
        " TIMESTAMP'2026-01-31 23:59:59.123456', array('a', NULL), map('k', 1), "
        " named_struct('x', 1, 'y', 'z'), X'00FF', true, 'pizza near me'), "
        "(NULL, 9007199254740993, CAST('NaN' AS DOUBLE), NULL, NULL, NULL, NULL, NULL, NULL, "
        " NULL, NULL, NULL) "
        "AS t(i, b, d, dec, day, ts, arr, m, st, bin, flag, keyword)"
    )
    out = intentkit.spark.label(df)
    assert out.schema.fields[: len(df.columns)] == df.schema.fields
    # repr: a NaN is not equal to itself; it must still be a NaN, not turned into null
    assert repr(out.drop(*LABEL_COLUMNS).collect()) == repr(df.collect())
    assert "d=nan" in repr(df.collect())
    assert [r["intentkit_intent"] for r in out.collect()] == ["local", ""]


def test_spark_rejects_a_missing_or_non_string_column_and_label_clashes(spark: Any) -> None:
    import intentkit.spark

    df = spark.createDataFrame([(1, "a")], "n int, keyword string")
    with pytest.raises(TypeError, match="must be a string column, not int"):
        intentkit.spark.label(df, column="n")
    with pytest.raises(KeyError, match="query"):
        intentkit.spark.label(df, column="query")
    again = intentkit.spark.label(df.withColumnRenamed("n", "intentkit_stage"))
    assert again.columns == ["keyword", *LABEL_COLUMNS]  # its own columns, replaced
    with pytest.raises(FileNotFoundError):
        intentkit.spark.label(df, model="/nonexistent/intentkit.npz")


def test_spark_user_model_and_user_brands_reach_the_executors(spark: Any, tmp_path: Path) -> None:
    import intentkit.spark

    model, copy = tmp_path / "mine.npz", tmp_path / "copy.npz"
    tiny_model().save(model)
    tiny_model().save(copy)
    kws = ["zqxbolaget", "zqxbolaget login", "buy pizza gubbängen", "how best", "köpa zz"]
    df = spark.createDataFrame([(k,) for k in kws], "keyword string").repartition(2)
    out = intentkit.spark.label(
        df, model=model, brands=["zqxbolaget"], places=["gubbängen"], framework="b2c"
    )
    model.unlink()  # the executors read the copy Spark ships them, not this path
    got = {r["keyword"]: r for r in out.collect()}
    mine = IntentClassifier(
        model=copy, brands=["zqxbolaget"], places=["gubbängen"], framework="b2c"
    )
    assert [tuple(got[k][c] for c in LABEL_COLUMNS) for k in kws] == expected(kws, mine)
    plain = expected(kws, IntentClassifier(model=copy, framework="b2c"))
    assert expected(kws, mine) != plain
    assert expected(kws, mine) != expected(kws)


def test_spark_builds_the_classifier_once_per_python_worker(spark: Any) -> None:
    import intentkit.spark

    def cached(frames: Iterator[Any]) -> Iterator[Any]:
        import os

        import pandas as pd

        import intentkit.spark as s

        for _ in frames:
            pass
        yield pd.DataFrame({"pid": [os.getpid()], "keys": [",".join(sorted(s._classifiers))]})

    def keys() -> set[str]:
        probe = spark.range(0, 8, numPartitions=8).mapInPandas(cached, "pid long, keys string")
        return {k for r in probe.collect() for k in r["keys"].split(",") if k}

    before = keys()
    df = spark.range(0, 4000, numPartitions=8).selectExpr("concat('köpa ', id) AS keyword")
    intentkit.spark.label(df, brands=["probe only"]).write.format("noop").mode("overwrite").save()
    assert len(keys() - before) == 1


def test_spark_labels_2m_rows_generated_in_spark_with_flat_driver_memory(
    spark: Any, tmp_path: Path
) -> None:
    import intentkit.spark

    words = ["köpa", "billig", "bästa", "pizza", "near", "me", "how", "to", "buy", "netflix"]
    words += ["login", "vad", "är", "pris", "stockholm"]
    parts = ", ".join(f"'{w}'" for w in words)
    n = len(words)
    pick = [f"element_at(array({parts}), cast(id DIV {n**k} % {n} + 1 AS int))" for k in range(3)]
    df = spark.range(0, BIG_ROWS, numPartitions=8).selectExpr(
        "id",
        f"CASE WHEN id % 1000 = 0 THEN NULL ELSE concat_ws(' ', {', '.join(pick)}) END AS keyword",
    )
    out = intentkit.spark.label(df)
    baseline = rss()
    peak = [baseline]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out.write.parquet(str(tmp_path / "labelled"))
        back = spark.read.parquet(str(tmp_path / "labelled"))
        total, empty, ids = back.selectExpr(
            "count(*)", "count_if(intentkit_intent = '')", "sum(id)"
        ).first()
        by_intent = dict(back.groupBy("intentkit_intent").count().collect())
    finally:
        done.set()
        sampler.join()
    assert total == BIG_ROWS and ids == BIG_ROWS * (BIG_ROWS - 1) // 2
    assert empty == by_intent[""] == BIG_ROWS // 1000 and sum(by_intent.values()) == BIG_ROWS
    assert len(by_intent) > 3
    growth = peak[0] - baseline
    print(f"driver RSS growth while labelling {BIG_ROWS:,} rows: {growth / 2**20:.1f} MiB")
    label_doubles = BIG_ROWS * 8 * len(NUMBERS)
    assert growth < label_doubles / 8


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_spark_user_model_reaches_the_executors_of_a_new_session_too(
    spark: Any, tmp_path: Path
) -> None:
    """Last in the file: it stops the module's session (a notebook restarting Spark)."""
    from pyspark.sql import SparkSession

    import intentkit.spark

    model = tmp_path / "mine.npz"
    tiny_model().save(model)
    kws = ["buy pizza malmö", "how best"]
    mine = expected(kws, IntentClassifier(model=model))
    df = spark.createDataFrame([(k,) for k in kws], "keyword string")
    assert labels_of(intentkit.spark.label(df, model=model)) == mine
    spark.stop()
    again = (
        SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
    )
    try:
        df = again.createDataFrame([(k,) for k in kws], "keyword string")
        assert labels_of(intentkit.spark.label(df, model=model)) == mine
    finally:
        again.stop()
