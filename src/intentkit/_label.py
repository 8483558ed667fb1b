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
from typing import IO, Any, NamedTuple

import numpy as np

from intentkit._classifier import IntentClassifier
from intentkit._decide import LANGUAGES, SECONDARY_NAMES, Decisions
from intentkit._io import AtomicOutput, Table, format_of, parse_number
from intentkit._parallel import gc_paused, map_chunks
from intentkit.errors import InputError
from intentkit.journey import INTENT_LEVEL, JourneySummary, Tally
from intentkit.types import Classification, Intent

_FORMATS = (
    ("intent", "%s"),
    ("confidence", "%.4f"),
    *((f"p_{i.value}", "%.4f") for i in Intent),
    ("secondary", "%s"),
    ("language", "%s"),
    ("stage", "%s"),
    ("conversion_level", "%s"),
    ("conversion_score", "%.5f"),
)
LABEL_COLUMNS = tuple(name for name, _ in _FORMATS)
"""The columns ``intentkit label`` adds, in order."""
CHUNK_ROWS = 8192

_LINE = "\t".join(fmt for _, fmt in _FORMATS)
_NAMES = [i.value for i in Intent]
_LEVELS = [INTENT_LEVEL[i].value for i in Intent]
_EMPTY = "\t" * (len(LABEL_COLUMNS) - 1)


def label_line(
    intent: str,
    probabilities: Sequence[float],
    secondary: str,
    language: str,
    stage: str,
    level: str,
    score: float,
) -> str:
    """The label columns of one keyword, tab-joined (none of them can hold a tab)."""
    return _LINE % (
        intent,
        max(probabilities),
        *probabilities,
        secondary,
        language,
        stage,
        level,
        score,
    )


def label_fields(r: Classification) -> list[str]:
    """The label columns of one result as strings (empty for an empty keyword)."""
    if r.intent is None:
        return [""] * len(LABEL_COLUMNS)
    line = label_line(
        r.intent.value,
        list(r.probabilities.values()),
        "|".join(s.value for s in r.secondary),
        r.language,
        r.stage or "",
        r.conversion.level.value,
        r.conversion.score,
    )
    return line.split("\t")


def label_lines(d: Decisions) -> list[str]:
    """The label columns of every keyword of a chunk, tab-joined.

    :func:`label_fields` of each keyword's :class:`Classification`, without building one.
    """
    out = list(
        map(
            _LINE.__mod__,
            zip(
                map(_NAMES.__getitem__, d.top.tolist()),
                d.probabilities.max(axis=1).tolist(),
                *d.probabilities.T.tolist(),
                map(SECONDARY_NAMES.__getitem__, d.secondary.tolist()),
                map(LANGUAGES.__getitem__, d.language.tolist()),
                map(d.stages.__getitem__, d.stage.tolist()),
                map(_LEVELS.__getitem__, d.top.tolist()),
                d.conversion.tolist(),
            ),
        )
    )
    for i in d.empty:
        out[i] = _EMPTY
    return out


class Labelled(NamedTuple):
    """A chunk as a worker hands it back: its label lines and the decisions they came from."""

    lines: list[str]
    decisions: Decisions


def _label_chunk(clf: IntentClassifier, keywords: list[str]) -> Labelled:
    d = clf.decide_many(keywords)
    return Labelled(label_lines(d), d)


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
    summary: JourneySummary | None = None
    """The journey map of the rows, when asked for."""

    def count(self, d: Decisions) -> None:
        """Add a chunk's keywords to the counts by intent and by stage."""
        keep = np.ones(len(d), dtype=bool)
        keep[d.empty] = False
        by_intent = np.bincount(d.top[keep], minlength=len(_NAMES)).tolist()
        by_stage = np.bincount(d.stage[keep], minlength=len(d.stages)).tolist()
        self.intents.update({name: n for name, n in zip(_NAMES, by_intent) if n})
        self.stages.update({name: n for name, n in zip(d.stages, by_stage) if n})
        self.empty += len(d.empty)


def tally_chunk(tally: Tally, d: Decisions, volumes: Sequence[float] | None) -> None:
    """Add a chunk's keywords, with their volumes, to a journey map."""
    empty = set(d.empty)
    intents = list(Intent)
    for i, (top, stage, score) in enumerate(
        zip(d.top.tolist(), d.stage.tolist(), d.conversion.tolist())
    ):
        if i in empty:
            tally.add(None, None, 0.0)
        else:
            tally.add(intents[top], d.stages[stage], score, volumes[i] if volumes else 0.0)


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


def _chunks(
    table: Table, stats: Stats, on_error: str
) -> Iterator[tuple[list[list[str]], list[str]]]:
    """The table's rows a chunk at a time, with their keywords; malformed rows as ``on_error`` says."""
    width = len(table.header)
    key = table.keyword_index
    rows = iter(table.rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        kept: list[list[str]] = list(map(itemgetter(1), chunk))
        if set(map(len, kept)) == {width}:  # no malformed rows: nothing to check one by one
            stats.read += len(chunk)
            yield kept, list(map(itemgetter(key), kept))
            continue
        kept = []
        for line, fields in chunk:
            stats.read += 1
            if table.format in ("csv", "tsv") and len(fields) != width:
                stats.malformed += 1
                problem = f"{len(fields)} fields, the header has {width}"
                if on_error == "fail":
                    raise InputError(table.path, line, problem)
                if on_error == "skip":
                    stats.skipped += 1
                    print(f"intentkit: {table.path}:{line}: {problem} (skipped)", file=sys.stderr)
                    continue
                print(f"intentkit: {table.path}:{line}: {problem} (kept)", file=sys.stderr)
                fields = _fit(fields, width, table.delimiter)
            kept.append(fields)
        yield kept, [f[key] if key < len(f) else "" for f in kept]


def _volumes(table: Table, kept: list[list[str]]) -> list[float] | None:
    vi = table.volume_index
    if vi is None:
        return None
    return [parse_number(f[vi]) if vi < len(f) else 0.0 for f in kept]


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
    summary: bool = False,
    n_jobs: int | None = 1,
) -> Stats:
    """Label ``table`` into ``output`` (``None``: standard output); return the run's counts.

    ``n_jobs`` > 1 classifies chunks in worker processes while this one reads and writes.
    ``summary`` also counts the journey map (:attr:`Stats.summary`) as the rows stream past.
    """
    out_fmt = (
        format_of(output, fmt)
        if output
        else (fmt or ("csv" if table.format == "txt" else table.format))
    )
    header = table.header
    only_keyword = table.format == "jsonl" and out_fmt != "jsonl"
    if only_keyword:
        header = [table.header[1]]
    stats = Stats()
    tally = (
        Tally(clf.framework.name, clf.framework.stages, volumes=table.volume_index is not None)
        if summary
        else None
    )
    target = AtomicOutput(output) if output else None
    binary = target.binary if target else sys.stdout.buffer
    writer = _Writer(out_fmt, binary, header)
    started = time.perf_counter()
    try:
        with gc_paused():
            chunks = _chunks(table, stats, on_error)
            for kept, (lines, d) in map_chunks(_label_chunk, clf, chunks, n_jobs):
                writer.write_lines([[f[1]] for f in kept] if only_keyword else kept, lines)
                stats.written += len(kept)
                stats.count(d)
                if tally is not None:
                    tally_chunk(tally, d, _volumes(table, kept))
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
    if tally is not None:
        stats.summary = tally.summary()
    return stats


def _decide_chunk(clf: IntentClassifier, keywords: list[str]) -> Decisions:
    return clf.decide_many(keywords)


def summarize(
    table: Table, clf: IntentClassifier, *, on_error: str = "keep", n_jobs: int | None = 1
) -> JourneySummary:
    """The journey map of ``table``'s keywords (with its volume column, if it has one), streamed."""
    stats = Stats()
    tally = Tally(clf.framework.name, clf.framework.stages, volumes=table.volume_index is not None)
    with gc_paused():
        for kept, d in map_chunks(_decide_chunk, clf, _chunks(table, stats, on_error), n_jobs):
            tally_chunk(tally, d, _volumes(table, kept))
    return tally.summary()
