"""``intentkit label``: a keyword export in, the same rows with labels out, streamed in chunks.

Every input row is written, in order, with all its columns, plus the label columns
(:data:`LABEL_COLUMNS`; an input's own label columns, from an earlier run, are replaced). A
tool's note row (:func:`~intentkit._io.is_vendor_note`) is written with empty labels and counted
apart. A JSONL input written as CSV, TSV or XLSX has a column per key. Rows with an
empty keyword are kept with empty labels; a blank line of a CSV or TSV file is a row (with one
empty field, so in a file of more columns it is a malformed row). A row with more or fewer
fields than the header, or a JSONL line that is not a JSON object, is malformed: ``keep`` pads
it (or folds extra fields into the last column, so no text is lost; a bad JSONL line is kept as
its text), ``skip`` leaves it out, ``fail`` stops; each is reported with its line. The output goes to a
temporary file renamed into place at the end, so it is complete or absent.
"""

from __future__ import annotations

import codecs
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
from decimal import Decimal
from itertools import chain, islice, repeat
from operator import add, itemgetter
from typing import IO, Any, NamedTuple

import numpy as np

from intentkit._classifier import IntentClassifier
from intentkit._decide import LANGUAGES, SECONDARY_NAMES, Decisions
from intentkit._io import (
    AtomicOutput,
    Table,
    _Number,
    format_of,
    is_vendor_note,
    json_text,
    parse_number,
    xlsx_escape,
)
from intentkit._parallel import gc_paused, map_chunks
from intentkit._text import replace_surrogates
from intentkit.errors import InputError
from intentkit.journey import INTENT_LEVEL, METRICS, JourneySummary, Tally
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
LABEL_PREFIX = "intentkit_"
"""The prefix of every label column, so that none is ever taken for a tool's own column (Semrush
writes ``Intent``) and a labelled file can be labelled again."""
LABEL_COLUMNS = tuple(LABEL_PREFIX + name for name, _ in _FORMATS)
"""The columns ``intentkit label`` adds, in order: ``intentkit_intent``,
``intentkit_confidence``, ``intentkit_p_<intent>`` for each intent, ``intentkit_secondary``,
``intentkit_language``, ``intentkit_stage``, ``intentkit_conversion_level``,
``intentkit_conversion_score``, ``intentkit_audience``. An input that has any of them (a labelled file) has them
replaced, not repeated."""
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
    notes: int = 0
    """Rows that were a tool's note, not a keyword (:func:`~intentkit._io.is_vendor_note`)."""
    intents: Counter[str] = field(default_factory=Counter)
    stages: Counter[str] = field(default_factory=Counter)
    summary: JourneySummary | None = None
    """The journey map of the rows, when asked for."""

    def count(self, d: Decisions, notes: Sequence[int] = ()) -> None:
        """Add a chunk's keywords to the counts by intent and by stage.

        ``notes`` are the rows that are a tool's note (classified as empty keywords), counted
        apart.
        """
        keep = np.ones(len(d), dtype=bool)
        keep[d.empty] = False
        by_intent = np.bincount(d.top[keep], minlength=len(_NAMES)).tolist()
        by_stage = np.bincount(d.stage[keep], minlength=len(d.stages)).tolist()
        self.intents.update({name: n for name, n in zip(_NAMES, by_intent) if n})
        self.stages.update({name: n for name, n in zip(d.stages, by_stage) if n})
        self.empty += len(d.empty) - len(notes)
        self.notes += len(notes)


def tally_chunk(
    tally: Tally,
    d: Decisions,
    metrics: dict[str, list[float]] | None = None,
    notes: Sequence[int] = (),
) -> None:
    """Add a chunk's keywords, with their metrics (by name, a value per row), to a journey map.

    ``notes`` are the rows that are a tool's note: counted as notes, not keywords.
    """
    empty = set(d.empty)
    skip = set(notes)
    intents = list(Intent)
    audiences = list(_audience_names(d))
    metrics = metrics or {}
    zero = [0.0] * len(d)
    volume, impressions, clicks = (metrics.get(m, zero) for m in METRICS)
    for i, (top, stage, score, lang) in enumerate(
        zip(d.top.tolist(), d.stage.tolist(), d.conversion.tolist(), d.language.tolist())
    ):
        if i in skip:
            tally.notes += 1
        elif i in empty:
            tally.add(None, None, 0.0)
        else:
            tally.add(
                intents[top],
                d.stages[stage],
                score,
                volume[i],
                audiences[i] or None,
                LANGUAGES[lang],
                impressions=impressions[i],
                clicks=clicks[i],
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


_XLSX_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_XLSX_PERCENT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?%")
XLSX_MAX_DIGITS = 15
"""The most significant digits Excel keeps of a number; a longer one is written as text."""


def xlsx_value(text: str) -> str | int | float | tuple[float, str]:
    """A cell's text as XLSX output writes it: a number where the text is one, else the text.

    A plain decimal number (``2200``, ``-3``, ``0.9973``) becomes a number, and a percentage
    (``4.3%``, as Search Console writes CTR) the fraction with a percent format (returned as
    ``(value, format)``). Text that only looks like a number stays text, so nothing is lost:
    leading zeros (``007``), more than :data:`XLSX_MAX_DIGITS` significant digits (IDs, which
    Excel would round), exponents (``1e400``), a ``+`` sign, thousands separators or a decimal
    comma. Trailing zeros of a decimal (``0.50``) are not kept: the value is, and its display is
    Excel's to format.
    """
    if not text or not (text[0].isdigit() or text[0] == "-") or len(text) > 40:
        return text
    percent = text.endswith("%")
    body = text[:-1] if percent else text
    if not (_XLSX_PERCENT if percent else _XLSX_NUMBER).fullmatch(text):
        return text
    digits = body.lstrip("-").replace(".", "").lstrip("0")
    if len(digits) > XLSX_MAX_DIGITS:
        return text
    if percent:
        decimals = len(body.partition(".")[2])
        return float(Decimal(body) / 100), "0" + ("." + "0" * decimals if decimals else "") + "%"
    return float(body) if "." in body else int(body)


class _Encoded:
    """A text sink that encodes into ``binary``: what the csv writer writes to.

    Text is encoded in blocks with one incremental encoder (so a UTF-16 output has one byte
    order mark, the one it is given). A character the encoding cannot hold is an error naming
    the line it is on, the encoding and what to do.
    """

    def __init__(self, binary: IO[bytes], encoding: str, path: str, why: str) -> None:
        self.binary = binary
        self.encoding = encoding
        self.encoder = codecs.getincrementalencoder(encoding)("strict")
        self.path = path
        self.why = why
        self.pending: list[str] = []
        self.size = 0
        self.lines = 0

    def write(self, text: str) -> int:
        self.pending.append(text)
        self.size += len(text)
        if self.size > 1 << 16:
            self.flush()
        return len(text)

    def flush(self) -> None:
        text = "".join(self.pending)
        self.pending, self.size = [], 0
        try:
            data = self.encoder.encode(text)
        except UnicodeEncodeError as e:
            line = self.lines + text.count("\n", 0, e.start) + 1
            start = text.rfind("\n", 0, e.start) + 1
            end = text.find("\n", e.end)
            shown = text[start : end if end >= 0 else len(text)]
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise ValueError(
                f"{self.path}:{line}: {e.object[e.start : e.end]!r} (in {shown!r}) cannot be "
                f"written in {self.encoding}, {self.why}; choose another with --output-encoding "
                "(utf-8 holds every character) or give --excel"
            ) from None
        self.lines += text.count("\n")
        self.binary.write(data)


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
        encoding: str = "utf-8",
        bom: bytes = b"",
        delimiter: str | None = None,
        why: str = "the output encoding",
    ) -> None:
        self.fmt = fmt
        self.binary = binary
        self.path = path
        self.names = tuple(names)
        self.escape_formulas = escape_formulas and fmt in ("csv", "tsv", "txt")
        self.text: _Encoded | None = None
        self.rows = 0
        if fmt in ("csv", "tsv", "txt"):
            binary.write(bom)
            self.text = _Encoded(binary, encoding, path, why)
            self.delimiter = delimiter or ("\t" if fmt in ("tsv", "txt") else ",")
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
            self.ws.freeze_panes = "A2"
            self.cell = WriteOnlyCell
            self._append_xlsx([*header, *self.names], numbers=False)
        self.header = list(header)

    def _append_xlsx(self, values: list[str], *, numbers: bool = True) -> None:
        """One sheet row: numbers as numbers (:func:`xlsx_value`), the rest text cells.

        Never a formula or an error value.
        """
        self.rows += 1
        if self.rows > XLSX_MAX_ROWS:
            raise ValueError(
                f"{self.path}: more than {XLSX_MAX_ROWS - 1:,} rows do not fit in an Excel sheet "
                f"(at most {XLSX_MAX_ROWS:,} with the header); write .csv or .jsonl instead"
            )
        row: list[Any] = []
        for v in values:
            value = xlsx_value(v) if numbers else v
            if not isinstance(value, str):
                if isinstance(value, tuple):
                    cell = self.cell(self.ws, value=value[0])
                    cell.number_format = value[1]
                    row.append(cell)
                else:
                    row.append(value)
                continue
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
                line = _with_labels(fields[0], added)
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
        elif self.fmt == "xlsx":
            from openpyxl.utils import get_column_letter

            width = len(self.header) + len(self.names)
            self.ws.auto_filter.ref = f"A1:{get_column_letter(width)}{max(self.rows, 1)}"
            self.wb.save(self.binary)

    def abandon(self) -> None:
        """After an error: remove the sheet openpyxl was writing to a temporary file."""
        if self.fmt == "xlsx":
            with contextlib.suppress(Exception):
                self.ws.close()
            with contextlib.suppress(Exception):
                os.remove(self.ws._writer.out)


def _with_labels(text: str, added: dict[str, str]) -> str:
    """A JSONL line's object with the label keys appended, as written.

    When it already has label keys (a labelled file), they are dropped, and the object is then
    written again from its values (numbers as written).
    """
    if LABEL_PREFIX in text:
        obj = json.loads(text, parse_int=_Number, parse_float=_Number)
        if not obj.keys().isdisjoint(added):
            kept = {k: v for k, v in obj.items() if k not in added}
            return replace_surrogates(json_text(kept | added))
    body = text[:-1].rstrip()
    tail = json.dumps(added, ensure_ascii=False)[1:]
    return body + ("" if body.endswith("{") else ", ") + tail


def _fit(fields: list[str], width: int, delimiter: str) -> list[str]:
    if len(fields) < width:
        return fields + [""] * (width - len(fields))
    return [*fields[: width - 1], (delimiter or ",").join(fields[width - 1 :])]


def _progress(stats: Stats, started: float, total: int | None, done: int | None) -> None:
    rate = stats.read / max(time.perf_counter() - started, 1e-9)
    pct = f" {100 * done / total:5.1f}%" if total and done is not None else ""
    sys.stderr.write(f"\rintentkit:{pct} {stats.read:,} rows, {rate:,.0f} rows/s ")
    sys.stderr.flush()


class _Chunk(NamedTuple):
    """A chunk of rows as read, and which of them are a tool's note."""

    rows: list[list[str]]
    notes: list[int]


def _chunks(table: Table, stats: Stats, on_error: str) -> Iterator[tuple[_Chunk, list[str]]]:
    """The table's rows a chunk at a time, with their keywords; malformed rows as ``on_error`` says.

    A tool's note (:func:`~intentkit._io.is_vendor_note`) is not malformed: it is padded to the
    header's width, and its keyword is empty so that it gets empty labels.
    """
    width = len(table.header)
    key = table.keyword_index
    rows = iter(table.rows)
    notes_possible = width > 1 and table.format != "jsonl"
    while chunk := list(islice(rows, CHUNK_ROWS)):
        kept: list[list[str]] = list(map(itemgetter(1), chunk))
        if set(map(len, kept)) == {width} and not table.bad:  # nothing to check one by one
            stats.read += len(chunk)
            notes = []
            if notes_possible:
                rests = map("".join, map(itemgetter(slice(1, None)), kept))
                notes = [
                    i
                    for i, rest in enumerate(rests)
                    if not rest.strip() and is_vendor_note(kept[i], width)
                ]
            keywords = list(map(itemgetter(key), kept))
            for i in notes:
                keywords[i] = ""
            yield _Chunk(kept, notes), keywords
            continue
        kept = []
        notes = []
        for line, fields in chunk:
            stats.read += 1
            problem = table.bad.pop(line, None)
            if problem is None and notes_possible and is_vendor_note(fields, width):
                notes.append(len(kept))
                kept.append(_fit(fields, width, table.delimiter))
                continue
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
        keywords = [f[key] if key < len(f) else "" for f in kept]
        for i in notes:
            keywords[i] = ""
        yield _Chunk(kept, notes), keywords


def _metrics(table: Table, kept: list[list[str]]) -> dict[str, list[float]]:
    """The values of each metric column of ``table`` in rows ``kept``."""
    return {
        metric: [parse_number(f[i]) if i < len(f) else 0.0 for f in kept]
        for metric, i in table.metrics.items()
    }


def output_encoding(
    table: Table, out_fmt: str, *, excel: bool = False, encoding: str | None = None
) -> tuple[str, bytes, str]:
    """The encoding, byte order mark and the reason for them, of a CSV or TSV output.

    By default the input's: a cp1252 file gives cp1252, UTF-16 gives UTF-16 with the input's
    byte order and mark, UTF-8 with a BOM gives UTF-8 with a BOM; JSONL and XLSX inputs give
    UTF-8. ``excel`` gives UTF-8 with a BOM (Excel then reads it right whatever its locale);
    ``encoding`` names one (``utf-8-sig`` and ``utf-16`` write a BOM).
    """
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise ValueError(f"unknown output encoding {encoding!r}") from None
        codec, bom = _with_bom(name, encoding.lower().replace("_", "-"))
        return codec, bom, "the encoding given by --output-encoding"
    if excel:
        return "utf-8", codecs.BOM_UTF8, "UTF-8 with a BOM for Excel (--excel)"
    if table.format in ("jsonl", "xlsx") or out_fmt not in ("csv", "tsv"):
        return "utf-8", b"", "UTF-8"
    name = codecs.lookup(table.encoding).name
    why = "the input's encoding"
    if table.bom == codecs.BOM_UTF16_BE:
        return "utf-16-be", table.bom, why
    if table.bom == codecs.BOM_UTF16_LE:
        return "utf-16-le", table.bom, why
    if table.bom == codecs.BOM_UTF8:
        return "utf-8", table.bom, why
    return name, b"", why


def _with_bom(name: str, given: str) -> tuple[str, bytes]:
    if name == "utf-8-sig":
        return "utf-8", codecs.BOM_UTF8
    if name == "utf-16" or given in ("utf-16", "utf16"):
        return "utf-16-le", codecs.BOM_UTF16_LE
    return name, b""


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
    excel: bool = False,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Stats:
    """Label ``table`` into ``output`` (``None``: standard output); return the run's counts.

    ``n_jobs`` > 1 classifies chunks in worker processes while this one reads and writes.
    ``summary`` also counts the journey map (:attr:`Stats.summary`) as the rows stream past.
    ``escape_formulas`` prefixes CSV/TSV fields a spreadsheet would run as formulas with ``'``
    (:func:`defuse_formula`); XLSX output never holds formulas. The input's own label columns
    (:data:`LABEL_COLUMNS`, from an earlier run) are dropped and written anew at the end.

    A CSV output keeps the input's delimiter and a CSV or TSV output its encoding
    (:func:`output_encoding`); ``excel`` writes UTF-8 with a BOM and the locale's list
    separator (:func:`excel_delimiter`), ``delimiter`` and ``encoding`` choose them.
    A JSONL input written as CSV, TSV or XLSX gets a column for every key of every object.
    """
    out_fmt = (
        format_of(output, fmt)
        if output
        else (fmt or ("csv" if table.format == "txt" else table.format))
    )
    if out_fmt not in ("csv", "tsv", "txt") and (excel or delimiter or encoding):
        raise ValueError(
            f"--excel, --delimiter and --output-encoding are for CSV and TSV output, not {out_fmt}"
        )
    if table.format == "jsonl" and out_fmt != "jsonl" and table.to_columns is not None:
        table.to_columns(on_error == "keep")
    header = table.header
    drop = {i for i, name in enumerate(header) if name in LABEL_COLUMNS}
    if drop:
        header = [name for i, name in enumerate(header) if i not in drop]
        keep = [i for i in range(len(table.header)) if i not in drop]
    out_delimiter = delimiter
    if out_delimiter is None and out_fmt == "csv":
        out_delimiter = (
            excel_delimiter() if excel else table.delimiter if table.format == "csv" else ","
        )
    out_encoding, bom, why = output_encoding(table, out_fmt, excel=excel, encoding=encoding)
    stats = Stats()
    tally = (
        Tally(
            clf.framework.name,
            clf.framework.stages,
            metrics=list(table.metrics),
            audiences=clf.audiences.names,
        )
        if summary
        else None
    )
    target = AtomicOutput(output) if output else None
    binary = target.binary if target else sys.stdout.buffer
    started = time.perf_counter()
    writer: _Writer | None = None
    try:
        writer = _Writer(
            out_fmt,
            binary,
            header,
            LABEL_COLUMNS,
            escape_formulas=escape_formulas,
            path=output or "<stdout>",
            encoding=out_encoding,
            bom=bom,
            delimiter=out_delimiter,
            why=why,
        )
        with gc_paused():
            chunks = _chunks(table, stats, on_error)
            for (kept, notes), (lines, d) in map_chunks(_label_chunk, clf, chunks, n_jobs):
                if tally is not None:
                    tally_chunk(tally, d, _metrics(table, kept), notes)
                if drop:
                    kept = [[row[i] for i in keep] for row in kept]
                writer.write_lines(kept, lines)
                stats.written += len(kept)
                stats.count(d, notes)
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
        for close in table.cleanup:
            close()
    if tally is not None:
        stats.summary = tally.summary()
    return stats


_COMMA_DECIMAL = frozenset(
    [
        "af",
        "az",
        "be",
        "bg",
        "bs",
        "ca",
        "cs",
        "da",
        "de",
        "el",
        "es",
        "et",
        "eu",
        "fi",
        "fo",
        "fr",
        "gl",
        "hr",
        "hu",
        "hy",
        "id",
        "is",
        "it",
        "ka",
        "kk",
        "ky",
        "lt",
        "lv",
        "mk",
        "mn",
        "nb",
        "nl",
        "nn",
        "no",
        "pl",
        "pt",
        "ro",
        "ru",
        "sk",
        "sl",
        "sq",
        "sr",
        "sv",
        "tr",
        "uk",
        "uz",
        "vi",
    ]
)
_POINT_DECIMAL_TERRITORIES = frozenset({"CH", "LI", "MX", "US", "PR", "GT", "DO", "HN", "NI"})


def excel_delimiter(environ: dict[str, str] | None = None) -> str:
    """The list separator Excel expects in a CSV file under the user's locale.

    ``;`` where the decimal separator is a comma (``sv_SE``, ``de_DE``, ``fr_FR``, ...), else
    ``,``.

    The locale is the first of ``LC_ALL``, ``LC_NUMERIC`` and ``LANG`` that is set (POSIX's
    order), else the system's default. Its decimal separator is asked of the C library; where
    that locale is not installed, it is looked up by language and territory in a built-in
    table. Excel on Windows takes its list separator from the regional settings, which follow
    the same rule unless changed; ``--delimiter`` overrides it.
    """
    import locale

    env = os.environ if environ is None else environ
    name = next((env[k] for k in ("LC_ALL", "LC_NUMERIC", "LANG") if env.get(k)), "")
    previous = locale.setlocale(locale.LC_NUMERIC)
    try:
        locale.setlocale(locale.LC_NUMERIC, name)
        point = str(locale.localeconv()["decimal_point"])
    except locale.Error:
        point = ""
    finally:
        locale.setlocale(locale.LC_NUMERIC, previous)
    if not point:
        code = name.split(".")[0].split("@")[0]
        language, _, territory = code.partition("_")
        comma = language.lower() in _COMMA_DECIMAL and territory.upper() not in (
            _POINT_DECIMAL_TERRITORIES
        )
        point = "," if comma else "."
    return ";" if point == "," else ","


def _decide_chunk(clf: IntentClassifier, keywords: list[str]) -> Decisions:
    return clf.decide_many(keywords)


def summarize(
    table: Table, clf: IntentClassifier, *, on_error: str = "keep", n_jobs: int | None = 1
) -> JourneySummary:
    """The journey map of ``table``'s keywords, streamed, with the sums of its metric columns.

    Search volume, impressions and clicks are each added up under their own name.
    """
    stats = Stats()
    tally = Tally(
        clf.framework.name,
        clf.framework.stages,
        metrics=list(table.metrics),
        audiences=clf.audiences.names,
    )
    try:
        with gc_paused():
            for (kept, notes), d in map_chunks(
                _decide_chunk, clf, _chunks(table, stats, on_error), n_jobs
            ):
                tally_chunk(tally, d, _metrics(table, kept), notes)
    finally:
        for close in table.cleanup:
            close()
    return tally.summary()
