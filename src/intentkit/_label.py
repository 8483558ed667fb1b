"""``intentkit label``: a keyword export in, the same rows with labels out, streamed in chunks.

Every input row is written, in order, with all its columns, plus the label columns. Rows with an
empty keyword are kept with empty labels; a blank line of a CSV or TSV file is a row (with one
empty field, so in a file of more columns it is a malformed row). A row with more or fewer
fields than the header, or a JSONL line that is not a JSON object, is malformed: ``keep`` pads
it (or folds extra fields into the last column, so no text is lost; a bad JSONL line is kept as
its text), ``skip`` leaves it out, ``fail`` stops; each is reported with its line. The output goes to a
temporary file renamed into place at the end, so it is complete or absent.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
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
from intentkit._io import AtomicOutput, Table, format_of, parse_number, xlsx_escape
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
    ("audience", "%s"),
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
    audience: str,
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
        audience,
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
        r.audience or "",
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
                _audience_names(d),
            ),
        )
    )
    for i in d.empty:
        out[i] = _EMPTY
    return out


def _audience_names(d: Decisions) -> Iterator[str]:
    if d.audience is None:
        return iter([""] * len(d))
    return map(d.audiences.__getitem__, d.audience.tolist())


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
    audiences = list(_audience_names(d))
    for i, (top, stage, score, lang) in enumerate(
        zip(d.top.tolist(), d.stage.tolist(), d.conversion.tolist(), d.language.tolist())
    ):
        if i in empty:
            tally.add(None, None, 0.0)
        else:
            tally.add(
                intents[top],
                d.stages[stage],
                score,
                volumes[i] if volumes else 0.0,
                audiences[i] or None,
                LANGUAGES[lang],
            )


XLSX_MAX_ROWS = 1_048_576
"""Excel's row limit (header included); a longer ``.xlsx`` output is refused, not cut."""
XLSX_MAX_COLUMNS = 16_384
"""Excel's column limit."""
XLSX_MAX_CELL_CHARS = 32_767
"""Excel's limit on the characters of one cell; a longer value is refused, not cut."""
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a CSV cell as a formula (OWASP's list)."""
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def defuse_formula(value: str) -> str:
    """``value`` with a ``'`` in front when a spreadsheet would read it as a formula.

    A value starting with one of :data:`FORMULA_TRIGGERS` gets the prefix, unless it is a plain
    number (``-12``, ``+3.5e2``), which a spreadsheet reads as that number.
    """
    if value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class _Writer:
    def __init__(
        self,
        fmt: str,
        binary: IO[bytes],
        header: Sequence[str],
        names: Sequence[str] = LABEL_COLUMNS,
        *,
        escape_formulas: bool = False,
        path: str = "<stdout>",
    ) -> None:
        self.fmt = fmt
        self.binary = binary
        self.path = path
        self.names = tuple(names)
        self.escape_formulas = escape_formulas and fmt in ("csv", "tsv", "txt")
        self.text: io.TextIOWrapper | None = None
        self.rows = 0
        if fmt in ("csv", "tsv", "txt"):
            self.text = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=False)
            self.delimiter = "\t" if fmt in ("tsv", "txt") else ","
            self.csv = csv.writer(self.text, delimiter=self.delimiter, lineterminator="\n")
            self.write_many([list(header)], [list(self.names)])
        elif fmt == "xlsx":
            try:
                import openpyxl
                from openpyxl.cell import WriteOnlyCell
            except ImportError:
                raise ValueError(
                    "writing .xlsx needs openpyxl: pip install 'intentkit-seo[xlsx]'"
                ) from None
            if len(header) + len(self.names) > XLSX_MAX_COLUMNS:
                raise ValueError(
                    f"{path}: {len(header) + len(self.names):,} columns do not fit in an Excel "
                    f"sheet (at most {XLSX_MAX_COLUMNS:,}); write .csv or .jsonl instead"
                )
            self.wb = openpyxl.Workbook(write_only=True)
            self.ws = self.wb.create_sheet("keywords")
            self.cell = WriteOnlyCell
            self._append_xlsx([*header, *self.names])
        self.header = list(header)

    def _append_xlsx(self, values: list[str]) -> None:
        """One sheet row, every value a text cell: never a formula, an error or a number."""
        self.rows += 1
        if self.rows > XLSX_MAX_ROWS:
            raise ValueError(
                f"{self.path}: more than {XLSX_MAX_ROWS - 1:,} rows do not fit in an Excel sheet "
                f"(at most {XLSX_MAX_ROWS:,} with the header); write .csv or .jsonl instead"
            )
        row: list[Any] = []
        for v in values:
            v = xlsx_escape(v)
            if len(v) > XLSX_MAX_CELL_CHARS:
                raise ValueError(
                    f"{self.path}: row {self.rows:,} has a value of {len(v):,} characters, over "
                    f"Excel's {XLSX_MAX_CELL_CHARS:,} per cell; write .csv or .jsonl instead"
                )
            if v[:1] in ("=", "#"):
                cell = self.cell(self.ws, value=v)
                cell.data_type = "s"
                row.append(cell)
            else:
                row.append(v)
        self.ws.append(row)

    def write(self, fields: list[str], labels: list[str]) -> None:
        if self.fmt == "jsonl":
            added = dict(zip(self.names, labels))
            if self.header[:1] == ["_json"]:  # the input line's own text, labels appended
                body = fields[0][:-1].rstrip()
                tail = json.dumps(added, ensure_ascii=False)[1:]
                line = body + ("" if body.endswith("{") else ", ") + tail
            else:
                line = json.dumps(dict(zip(self.header, fields)) | added, ensure_ascii=False)
            self.binary.write((line + "\n").encode("utf-8"))
        elif self.fmt == "xlsx":
            self._append_xlsx([*fields, *labels])
        else:
            self.write_many([fields], [labels])

    def write_lines(self, rows: list[list[str]], lines: list[str]) -> None:
        """Write rows with their tab-joined label lines (:func:`label_lines`).

        When no field and no label needs quoting (nearly always), the lines are joined here in a
        few whole-chunk operations, as the csv writer would have written them; otherwise the
        chunk goes through the csv writer.
        """
        if self.escape_formulas:
            rows = [list(map(defuse_formula, r)) for r in rows]
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
        """Write rows with their label fields.

        A row holding a carriage return is written with each field holding one quoted (the csv
        module quotes only the line terminator's characters), so it reads back as one row.
        """
        if self.text is not None:
            full = list(map(add, rows, labels))
            if not any("\r" in f for f in chain.from_iterable(full)):
                self.csv.writerows(full)
                return
            buffer = io.StringIO()
            quoting = csv.writer(buffer, delimiter=self.delimiter, lineterminator="\r\n")
            for row in full:
                if any("\r" in f for f in row):
                    buffer.seek(0)
                    buffer.truncate()
                    quoting.writerow(row)
                    self.text.write(buffer.getvalue()[:-2] + "\n")
                else:
                    self.csv.writerow(row)
        else:
            for fields, values in zip(rows, labels):
                self.write(fields, values)

    def close(self) -> None:
        if self.text is not None:
            self.text.flush()
            self.text.detach()
        elif self.fmt == "xlsx":
            self.wb.save(self.binary)

    def abandon(self) -> None:
        """After an error: remove the sheet openpyxl was writing to a temporary file."""
        if self.fmt == "xlsx":
            with contextlib.suppress(Exception):
                self.ws.close()
            with contextlib.suppress(Exception):
                os.remove(self.ws._writer.out)


LABEL_PREFIX = "intentkit_"
"""The prefix of every label column when the input already has a column named like one."""


def label_columns(header: Sequence[str], path: str = "<input>") -> tuple[str, ...]:
    """The names of the label columns for an input with columns ``header``.

    :data:`LABEL_COLUMNS` as they are, or all of them with :data:`LABEL_PREFIX` when the input
    has a column of one of those names (exactly, case and all: Semrush's ``Intent`` is not
    ``intent``), so no input value is overwritten or shadowed. An input with both a bare and a
    prefixed name is refused.
    """
    taken = set(header)
    if taken.isdisjoint(LABEL_COLUMNS):
        return LABEL_COLUMNS
    prefixed = tuple(LABEL_PREFIX + name for name in LABEL_COLUMNS)
    both = [name for name in prefixed if name in taken]
    if both:
        raise InputError(
            path,
            1,
            f"has columns named like intentkit's label columns both bare and with the prefix "
            f"{LABEL_PREFIX!r} ({both[0]!r}); rename them",
        )
    return prefixed


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
        if set(map(len, kept)) == {width} and not table.bad:  # nothing to check one by one
            stats.read += len(chunk)
            yield kept, list(map(itemgetter(key), kept))
            continue
        kept = []
        for line, fields in chunk:
            stats.read += 1
            problem = table.bad.pop(line, None)
            if problem is None and len(fields) != width and table.format != "jsonl":
                problem = f"{len(fields)} fields, the header has {width}"
            if problem is not None:
                stats.malformed += 1
                if on_error == "fail":
                    raise InputError(table.path, line, problem)
                if on_error == "skip":
                    stats.skipped += 1
                    print(f"intentkit: {table.path}:{line}: {problem} (skipped)", file=sys.stderr)
                    continue
                print(f"intentkit: {table.path}:{line}: {problem} (kept)", file=sys.stderr)
                if len(fields) != width:
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
    escape_formulas: bool = False,
) -> Stats:
    """Label ``table`` into ``output`` (``None``: standard output); return the run's counts.

    ``n_jobs`` > 1 classifies chunks in worker processes while this one reads and writes.
    ``summary`` also counts the journey map (:attr:`Stats.summary`) as the rows stream past.
    ``escape_formulas`` prefixes CSV/TSV fields a spreadsheet would run as formulas with ``'``
    (:func:`defuse_formula`); XLSX output always holds text cells, never formulas. The label
    columns are :func:`label_columns` of the output's header.
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
        Tally(
            clf.framework.name,
            clf.framework.stages,
            volumes=table.volume_index is not None,
            audiences=clf.audiences.names,
        )
        if summary
        else None
    )
    names = label_columns(
        table.columns if table.columns is not None and not only_keyword else header, table.path
    )
    if table.columns is not None and not only_keyword:
        table.reserved = frozenset(names)
    target = AtomicOutput(output) if output else None
    binary = target.binary if target else sys.stdout.buffer
    started = time.perf_counter()
    writer: _Writer | None = None
    try:
        writer = _Writer(
            out_fmt,
            binary,
            header,
            names,
            escape_formulas=escape_formulas,
            path=output or "<stdout>",
        )
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
        if writer is not None:
            writer.abandon()
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
    tally = Tally(
        clf.framework.name,
        clf.framework.stages,
        volumes=table.volume_index is not None,
        audiences=clf.audiences.names,
    )
    with gc_paused():
        for kept, d in map_chunks(_decide_chunk, clf, _chunks(table, stats, on_error), n_jobs):
            tally_chunk(tally, d, _volumes(table, kept))
    return tally.summary()
