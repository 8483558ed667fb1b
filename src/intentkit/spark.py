"""Apache Spark and Arrow support: label keyword tables where they already are.

:func:`label` adds the label columns of ``intentkit label`` to a Spark DataFrame with
``mapInArrow``: each executor's Python workers label Arrow record batches of rows with
:func:`label_arrow`, and no row passes through the driver. ``mapInArrow`` rather than
``mapInPandas``: a round trip through pandas turns a NaN in any other double column into null
(pandas does not tell them apart), and the other columns must come back as they were; it also
skips a conversion of every batch. :func:`label_arrow` is there for Polars, DuckDB or any Arrow
user too.

The label columns are those ``intentkit label`` writes, in its order, with its values and its
``intentkit_`` prefix: ``intentkit_intent``, ``intentkit_secondary``, ``intentkit_language``,
``intentkit_stage`` and ``intentkit_conversion_level`` are strings; ``intentkit_confidence``, the
five ``intentkit_p_<intent>`` and ``intentkit_conversion_score`` are doubles holding the numbers
the command writes (four decimals; five for the score). A keyword with no letters or digits, an empty
string or a null gets ``""`` in the string columns and null in the number columns (the command's
empty cells); its row is kept. A keyword column that is not of a string type raises ``TypeError``.

The executors' Python workers are the interpreter named by ``PYSPARK_PYTHON`` (else ``python3`` on
their path), which must have intentkit and pyarrow installed: without them the job fails with
"No module named 'pyarrow'".

pyspark and pyarrow are imported when these functions are called, never by
``import intentkit``: ``pip install "intentkit-seo[spark]"``.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intentkit._label import CHUNK_ROWS, LABEL_COLUMNS, label_lines

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

    from intentkit._classifier import IntentClassifier
    from intentkit.audience import Audiences
    from intentkit.journey import Framework
    from intentkit.types import Intent

__all__ = ["LABEL_COLUMNS", "label", "label_arrow"]

_NUMBERS = frozenset(
    name
    for name in LABEL_COLUMNS
    if name.endswith(("_confidence", "_conversion_score")) or "_p_" in name
)
_KEEP = 8
_classifiers: dict[str, IntentClassifier] = {}
"""In an executor's Python worker: the classifiers built so far, by :attr:`_Options.key`."""
_classifiers_lock = threading.Lock()
_staged: set[tuple[str, str]] = set()
"""On the driver: the Spark applications (or Connect sessions) and model digests already added."""
_staging_dir: Path | None = None


def _require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(
            f"intentkit.spark needs {module.split('.')[0]}: pip install 'intentkit-seo[spark]' ({e})"
        ) from None


def _label_schema() -> pa.Schema:
    pa = _require("pyarrow")
    return pa.schema(
        [(name, pa.float64() if name in _NUMBERS else pa.string()) for name in LABEL_COLUMNS]
    )


def _keywords(values: list[object]) -> list[str]:
    return ["" if v is None or (isinstance(v, float) and v != v) else v for v in values]  # type: ignore[misc]


def _labels(keywords: list[str], clf: IntentClassifier) -> pa.Table:
    """The label columns of ``keywords``: ``intentkit label``'s lines, parsed into typed columns."""
    pa = _require("pyarrow")
    csv = _require("pyarrow.csv")
    schema = _label_schema()
    if not keywords:
        return schema.empty_table()
    parts = []
    for start in range(0, len(keywords), CHUNK_ROWS):
        lines = label_lines(clf.decide_many(keywords[start : start + CHUNK_ROWS]))
        parts.append(
            csv.read_csv(
                io.BytesIO(("\n".join(lines) + "\n").encode("utf-8")),
                read_options=csv.ReadOptions(column_names=LABEL_COLUMNS, use_threads=False),
                parse_options=csv.ParseOptions(delimiter="\t", quote_char=False),
                convert_options=csv.ConvertOptions(column_types=schema),
            )
        )
    return pa.concat_tables(parts)


def _check_string_type(arrow_type: Any, column: str) -> None:
    pa = _require("pyarrow")
    t = arrow_type.value_type if pa.types.is_dictionary(arrow_type) else arrow_type
    ok = (
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_null(t)
        or (hasattr(pa.types, "is_string_view") and pa.types.is_string_view(t))
    )
    if not ok:
        raise TypeError(f"column {column!r} must hold strings, not {arrow_type}")


def label_arrow(
    batch: pa.RecordBatch, column: str = "keyword", *, classifier: IntentClassifier | None = None
) -> pa.RecordBatch:
    """Return ``batch`` with the label columns of ``intentkit label`` appended.

    Rows, their order and the other columns are kept as they are. ``classifier`` holds the
    model and options (default: the shipped model). The keyword column may be ``string``,
    ``large_string``, ``string_view`` or a dictionary of strings; nulls get empty labels.

    Label columns the batch already has (labelled before) are replaced, at the end. Raises
    ``KeyError`` if ``column`` is missing and ``TypeError`` if it does not hold strings.
    """
    pa = _require("pyarrow")
    from intentkit._classifier import IntentClassifier

    names = list(batch.schema.names)
    if column not in names:
        raise KeyError(f"no column {column!r}; columns are {names[:12]}")
    if any(c in names for c in LABEL_COLUMNS):
        keep = [i for i, name in enumerate(names) if name not in LABEL_COLUMNS]
        batch = pa.RecordBatch.from_arrays(
            [batch.column(i) for i in keep], schema=pa.schema([batch.schema.field(i) for i in keep])
        )
        names = list(batch.schema.names)
    keyword_column = batch.column(names.index(column))
    _check_string_type(keyword_column.type, column)
    clf = classifier if classifier is not None else IntentClassifier()
    labels = _labels(_keywords(keyword_column.to_pylist()), clf)
    return pa.RecordBatch.from_arrays(
        [*batch.columns, *(c.combine_chunks() for c in labels.columns)],
        schema=pa.schema([*batch.schema, *labels.schema]),
    )


@dataclass(frozen=True)
class _Options:
    """What an executor needs to build the classifier: sent with the job, a few bytes."""

    key: str
    model_file: str | None
    """The name the model file was added to the job under (``SparkFiles``); ``None``: shipped."""
    brands: tuple[str, ...]
    places: tuple[str, ...]
    framework: Framework
    priors: dict[Intent, float]
    audiences: Audiences | None = None
    """``None``: the built-in audiences."""


def _classifier(options: _Options) -> IntentClassifier:
    """The classifier of ``options`` in this Python worker: built and loaded on first use only."""
    with _classifiers_lock:
        clf = _classifiers.get(options.key)
        if clf is None:
            from intentkit._classifier import IntentClassifier

            model = None
            if options.model_file is not None:
                from pyspark import SparkFiles

                model = SparkFiles.get(options.model_file)
            clf = IntentClassifier(
                model=model,
                brands=options.brands,
                places=options.places,
                framework=options.framework,
                priors=options.priors,
                audiences=options.audiences,
            )
            clf.decide_many([])
            if len(_classifiers) >= _KEEP:
                _classifiers.clear()
            _classifiers[options.key] = clf
        return clf


def _label_batches(options: _Options, column: str, batches: Iterator[Any]) -> Iterator[Any]:
    clf = _classifier(options)
    for batch in batches:
        yield label_arrow(batch, column, classifier=clf)


def _stage_model(spark: Any, path: Path) -> tuple[str, str]:
    """Add the model file to the Spark application once, under a name unique to its content.

    Returns the name executors find it under with ``SparkFiles.get`` and its SHA-256. The copy
    lives in a temporary directory of the driver, removed when the driver's Python exits.
    """
    global _staging_dir
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        context = spark.sparkContext
        app = f"app:{context.applicationId}"
    except Exception:  # Spark Connect has no SparkContext; it ships files as artifacts.
        context = None
        app = f"session:{spark.session_id}"
    name = f"intentkit-{digest[:16]}.npz"
    if (app, digest) in _staged:
        return name, digest
    if _staging_dir is None:
        import atexit

        _staging_dir = Path(tempfile.mkdtemp(prefix="intentkit-spark-"))
        atexit.register(shutil.rmtree, _staging_dir, ignore_errors=True)
    staged = _staging_dir / name
    if not staged.exists():
        shutil.copyfile(path, staged)
    if context is None:
        spark.addArtifacts(str(staged), file=True)
    else:
        context.addFile(str(staged))
    _staged.add((app, digest))
    return name, digest


def label(
    df: DataFrame,
    column: str = "keyword",
    *,
    model: str | Path | None = None,
    brands: Iterable[str] | None = None,
    places: Iterable[str] | None = None,
    framework: str | Framework | Mapping[str, Any] | None = None,
    priors: Mapping[Intent, float] | Mapping[str, float] | None = None,
    audiences: Audiences | Mapping[str, Any] | None = None,
) -> DataFrame:
    """Return ``df`` with the label columns of ``intentkit label`` added, computed on the executors.

    The other columns and the row count are unchanged (rows with a null, empty or
    punctuation-only keyword get empty labels). Lazy like any transformation: nothing runs
    until an action (``write``, ``count``, ...); the driver never holds the rows.

    The options are those of :class:`~intentkit.IntentClassifier`. They are checked, and the
    model loaded, on the driver first, so a bad path or option fails here rather than in a task.
    ``model`` is a model file on the driver: it is added to the job (``SparkContext.addFile``),
    so Spark copies it to each executor once and the workers need neither network nor a
    shared file system. Each executor Python worker builds and loads the classifier on its first
    batch and keeps it for every later batch and task (Spark reuses its Python workers); what
    travels with each task is the options (brands and places included), not the model.

    Label columns ``df`` already has (labelled before) are replaced, at the end. Raises
    ``KeyError`` if ``column`` is missing and ``TypeError`` if it is not a string column (cast it
    first if you mean to label its text).
    """
    _require("pyspark")
    _require("pyarrow")
    from pyspark.sql.types import DoubleType, NullType, StringType, StructField, StructType

    from intentkit._classifier import IntentClassifier
    from intentkit.audience import Audiences as _Audiences

    if column not in df.columns:
        raise KeyError(f"no column {column!r}; columns are {df.columns[:12]}")
    own = [c for c in LABEL_COLUMNS if c in df.columns]
    if own:
        df = df.drop(*own)
    kind = df.schema[column].dataType
    if not isinstance(kind, (StringType, NullType)):
        raise TypeError(
            f"column {column!r} must be a string column, not {kind.simpleString()}; "
            f"cast it (F.col({column!r}).cast('string')) if you mean to label its text"
        )
    clf = IntentClassifier(
        model=model,
        brands=brands or (),
        places=places or (),
        framework=framework if framework is not None else "funnel",
        priors=priors,
        audiences=audiences,
    )
    clf.decide_many([])
    model_file, digest = (
        (None, "shipped") if clf.model is None else _stage_model(df.sparkSession, clf.model)
    )
    settings = (
        digest,
        clf.brands,
        clf.places,
        clf.framework.model_dump(),
        clf.priors,
        None if audiences is None else clf.audiences.model_dump(),
    )
    options = _Options(
        key=hashlib.sha256(pickle.dumps(settings)).hexdigest(),
        model_file=model_file,
        brands=clf.brands,
        places=clf.places,
        framework=clf.framework,
        priors=clf.priors,
        audiences=None
        if audiences is None
        else _Audiences.model_validate(clf.audiences.model_dump()),
    )
    schema = StructType(
        [
            *df.schema.fields,
            *(
                StructField(name, DoubleType() if name in _NUMBERS else StringType(), True)
                for name in LABEL_COLUMNS
            ),
        ]
    )
    return df.mapInArrow(partial(_label_batches, options, column), schema)
