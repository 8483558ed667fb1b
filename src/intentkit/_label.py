"""``intentkit label``: a keyword export in, the same rows with labels out, streamed in chunks.

Every input row is written, in order, with all its columns, plus the label columns. Rows with an
empty keyword are kept with empty labels. A row with more or fewer fields than the header is
malformed: ``keep`` pads it (or folds extra fields into the last column, so no text is lost),
``skip`` leaves it out, ``fail`` stops; each is reported with its line. The output goes to a
temporary file renamed into place at the end, so it is complete or absent.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice, repeat
from operator import add, itemgetter
from typing import IO, Any

import numpy as np

from intentkit._classifier import (
    SECONDARY_NAMES,
    IntentClassifier,
    Packed,
    _decide_packed,
    _gc_paused,
    _unpack,
)
from intentkit._io import AtomicOutput, InputError, Table, format_of
from intentkit.journey import INTENT_LEVEL
from intentkit.types import Classification, Intent

LABEL_COLUMNS = (
    "intent",
    "confidence",
    *(f"p_{i.value}" for i in Intent),
    "secondary",
    "language",
    "stage",
    "conversion_level",
    "conversion_score",
)
CHUNK_ROWS = 8192


_NAMES = [i.value for i in Intent]
_LEVELS = [INTENT_LEVEL[i].value for i in Intent]
_EMPTY = "\t" * (len(LABEL_COLUMNS) - 1)
_LINE = "%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%s\t%s\t%s\t%s\t%.5f"


def label_lines(clf: IntentClassifier, keywords: list[str]) -> list[str]:
    """The label columns of each keyword, tab-joined (none of them can hold a tab).

    What :func:`label_fields` gives for ``clf.classify(keyword)``, without building the
    :class:`Classification`: one string per row is also cheap to send back from a worker process.
    """
    return _lines(clf, clf._packed_chunk(keywords))


def _lines(clf: IntentClassifier, packed: Packed) -> list[str]:
    score = clf._conversion_score
    names = SECONDARY_NAMES
    out = []
    for d in _unpack(clf, packed):
        if d is None:
            out.append(_EMPTY)
            continue
        p, t, secondary, language, stage = d
        out.append(
            _LINE % (_NAMES[t], p[t], *p, names[secondary], language, stage, _LEVELS[t], score(p))
        )
    return out


Labelled = tuple[list[str], dict[str, int], dict[str, int], int]
"""A chunk's label lines, its counts by intent and by stage, and its number of empty keywords."""


def _label_chunk(clf: IntentClassifier, keywords: list[str]) -> Labelled:
    packed = clf._packed_chunk(keywords)
    _, top, _, stage, _, empty = packed
    keep = np.ones(len(top), dtype=bool)
    keep[empty] = False
    stages = clf.framework.stages
    by_intent = np.bincount(top[keep], minlength=len(_NAMES)).tolist()
    by_stage = np.bincount(stage[keep], minlength=len(stages)).tolist()
    return (
        _lines(clf, packed),
        {name: n for name, n in zip(_NAMES, by_intent) if n},
        {name: n for name, n in zip(stages, by_stage) if n},
        len(empty),
    )


def label_fields(r: Classification) -> list[str]:
    """The label columns of one result as strings (empty for an empty keyword)."""
    if r.intent is None:
        return [""] * len(LABEL_COLUMNS)
    return [
        r.intent.value,
        f"{r.confidence:.4f}",
        *(f"{p:.4f}" for p in r.probabilities.values()),
        "|".join(s.value for s in r.secondary),
        r.language,
        r.stage or "",
        r.conversion.level.value,
        f"{r.conversion.score:.5f}",
    ]


@dataclass
class Stats:
    """What a run read, wrote and found."""

    read: int = 0
    written: int = 0
    empty: int = 0
    malformed: int = 0
    skipped: int = 0
    intents: Counter[str] = field(default_factory=Counter)
    stages: Counter[str] = field(default_factory=Counter)
    results: list[Classification] | None = None
    volumes: list[float] | None = None


class _Writer:
    def __init__(self, fmt: str, binary: IO[bytes], header: Sequence[str]) -> None:
        self.fmt = fmt
        self.binary = binary
        self.text: io.TextIOWrapper | None = None
        if fmt in ("csv", "tsv", "txt"):
            self.text = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=False)
            self.delimiter = "\t" if fmt in ("tsv", "txt") else ","
            self.csv = csv.writer(self.text, delimiter=self.delimiter, lineterminator="\n")
            self.csv.writerow([*header, *LABEL_COLUMNS])
        elif fmt == "xlsx":
            try:
                import openpyxl
            except ImportError:
                raise ValueError(
                    "writing .xlsx needs openpyxl: pip install 'intentkit-seo[xlsx]'"
                ) from None
            self.wb = openpyxl.Workbook(write_only=True)
            self.ws = self.wb.create_sheet("keywords")
            self.ws.append([*header, *LABEL_COLUMNS])
        self.header = list(header)

    def write(self, fields: list[str], labels: list[str]) -> None:
        if self.fmt == "jsonl":
            obj: dict[str, Any] = (
                json.loads(fields[0])
                if self.header[:1] == ["_json"]
                else dict(zip(self.header, fields))
            )
            obj.update(zip(LABEL_COLUMNS, labels))
            self.binary.write((json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8"))
        elif self.fmt == "xlsx":
            self.ws.append([*fields, *labels])
        else:
            self.csv.writerow([*fields, *labels])

    def write_lines(self, rows: list[list[str]], lines: list[str]) -> None:
        """Write rows with their tab-joined label lines (:func:`label_lines`).

        When no field and no label needs quoting (nearly always), the lines are joined here in a
        few whole-chunk operations, as the csv writer would have written them; otherwise the
        chunk goes through the csv writer.
        """
        if self.text is not None:
            d = self.delimiter
            fields = "".join(chain.from_iterable(rows))
            labels = "".join(lines)
            if not any(c in fields or c in labels for c in (d, '"', "\r", "\n")):
                if d != "\t":
                    lines = list(map(str.replace, lines, repeat("\t"), repeat(d)))
                body = map(add, map(d.join, rows), map(add, repeat(d), lines))
                self.text.write("\n".join(body) + "\n" if rows else "")
                return
        self.write_many(rows, list(map(str.split, lines, repeat("\t"))))

    def write_many(self, rows: list[list[str]], labels: list[list[str]]) -> None:
        if self.text is not None:
            self.csv.writerows(map(add, rows, labels))
        else:
            for fields, values in zip(rows, labels):
                self.write(fields, values)

    def close(self) -> None:
        if self.text is not None:
            self.text.flush()
            self.text.detach()
        elif self.fmt == "xlsx":
            self.wb.save(self.binary)


def _fit(fields: list[str], width: int, delimiter: str) -> list[str]:
    if len(fields) < width:
        return fields + [""] * (width - len(fields))
    return [*fields[: width - 1], (delimiter or ",").join(fields[width - 1 :])]


def _progress(stats: Stats, started: float, total: int | None, done: int | None) -> None:
    rate = stats.read / max(time.perf_counter() - started, 1e-9)
    pct = f" {100 * done / total:5.1f}%" if total and done is not None else ""
    sys.stderr.write(f"\rintentkit:{pct} {stats.read:,} rows, {rate:,.0f} rows/s ")
    sys.stderr.flush()


def label(
    table: Table,
    clf: IntentClassifier,
    output: str | None,
    *,
    fmt: str | None = None,
    on_error: str = "keep",
    progress: bool = False,
    size: int | None = None,
    position: Any = None,
    keep_results: bool = False,
    n_jobs: int | None = 1,
) -> Stats:
    """Label ``table`` into ``output`` (``None``: standard output); return the run's counts.

    ``n_jobs`` > 1 classifies chunks in worker processes while this one reads and writes.
    """
    out_fmt = (
        format_of(output, fmt)
        if output
        else (fmt or ("csv" if table.format == "txt" else table.format))
    )
    header = table.header
    if table.format == "jsonl" and out_fmt != "jsonl":
        header = [table.header[1]]
    stats = Stats(
        results=[] if keep_results else None,
        volumes=[] if keep_results and table.volume_index is not None else None,
    )
    target = AtomicOutput(output) if output else None
    binary = target.binary if target else sys.stdout.buffer
    writer = _Writer(out_fmt, binary, header)
    width = len(table.header)
    started = time.perf_counter()

    def chunks() -> Iterator[tuple[tuple[list[list[str]], list[str]], list[str]]]:
        rows = iter(table.rows)
        while chunk := list(islice(rows, CHUNK_ROWS)):
            kept: list[list[str]] = list(map(itemgetter(1), chunk))
            if set(map(len, kept)) == {width}:  # no malformed rows: nothing to check one by one
                stats.read += len(chunk)
                keywords = list(map(itemgetter(key), kept))
                yield (kept, keywords), keywords
                continue
            kept = []
            for line, fields in chunk:
                stats.read += 1
                if table.format in ("csv", "tsv") and len(fields) != width:
                    stats.malformed += 1
                    msg = f"{table.path}:{line}: {len(fields)} fields, the header has {width}"
                    if on_error == "fail":
                        raise InputError(
                            table.path, line, f"{len(fields)} fields, the header has {width}"
                        )
                    if on_error == "skip":
                        stats.skipped += 1
                        print(f"intentkit: {msg} (skipped)", file=sys.stderr)
                        continue
                    print(f"intentkit: {msg} (kept)", file=sys.stderr)
                    fields = _fit(fields, width, table.delimiter)
                kept.append(fields)
            keywords = [f[key] if key < len(f) else "" for f in kept]
            yield (kept, keywords), keywords

    key = table.keyword_index
    only_keyword = table.format == "jsonl" and out_fmt != "jsonl"
    stage_col = LABEL_COLUMNS.index("stage")
    try:
        work: Any = _decide_packed if keep_results else _label_chunk
        with _gc_paused():
            for (kept, keywords), out in clf._map_chunks(chunks(), work, n_jobs):
                if stats.results is not None:
                    results = list(map(clf._build, keywords, _unpack(clf, out)))
                    stats.results.extend(results)
                    labels = [label_fields(r) for r in results]
                    _write(writer, stats, kept, labels, only_keyword, stage_col)
                else:
                    lines, intents, stages, empty = out
                    writer.write_lines([[f[1]] for f in kept] if only_keyword else kept, lines)
                    stats.intents.update(intents)
                    stats.stages.update(stages)
                    stats.empty += empty
                    stats.written += len(kept)
                _volumes(stats, table, kept)
                if progress:
                    _progress(stats, started, size, position() if position else None)
        writer.close()
        if target:
            target.commit()
        else:
            sys.stdout.flush()
    except BaseException:
        if target:
            target.abort()
        raise
    finally:
        if progress:
            sys.stderr.write("\n")
    return stats


def _write(
    writer: _Writer,
    stats: Stats,
    kept: list[list[str]],
    labels: list[list[str]],
    only_keyword: bool,
    stage_col: int,
) -> None:
    writer.write_many([[f[1]] for f in kept] if only_keyword else kept, labels)
    intents = Counter(map(itemgetter(0), labels))
    stats.empty += intents.pop("", 0)
    stats.intents.update(intents)
    stages = Counter(map(itemgetter(stage_col), labels))
    stages.pop("", None)
    stats.stages.update(stages)
    stats.written += len(kept)


def _volumes(stats: Stats, table: Table, kept: list[list[str]]) -> None:
    vi = table.volume_index
    if stats.volumes is not None and vi is not None:
        stats.volumes.extend(_number(f[vi]) if vi < len(f) else 0.0 for f in kept)


def _number(text: str) -> float:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", "")
    cleaned = cleaned.replace(",", "")
    try:
        value = float(cleaned) if cleaned else 0.0
    except ValueError:
        return 0.0
    return value if value >= 0 and value == value else 0.0
