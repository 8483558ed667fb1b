"""Reading keyword exports and writing labelled copies of them, streaming and atomically.

Readers sniff what users bring: the encoding (a BOM for UTF-8 and UTF-16 LE/BE, NUL bytes for
UTF-16 without one, else UTF-8 if the start decodes, else cp1252), the delimiter (``,`` ``;`` or
tab, from the header line), and the keyword column (by the header names of Semrush, Ahrefs, SE
Ranking, Search Console and plain lists, case-insensitive). Every row comes with its line number, so errors can say where.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import IO, Any

from intentkit._text import replace_surrogates
from intentkit.errors import InputError

KEYWORD_COLUMNS = (
    "keyword",
    "keywords",
    "query",
    "queries",
    "top queries",
    "search term",
    "search terms",
    "search query",
    "sökord",
    "sökfras",
    "sökfråga",
    "sökfrågor",
    "vanligaste sökfrågorna",
    "nyckelord",
    "sökterm",
    "term",
    "phrase",
    "keyphrase",
)
"""Header names of the keyword column, folded to lower case, in order of preference."""
METRIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "volume": (
        "volume",
        "search volume",
        "search vol.",
        "avg. monthly searches",
        "monthly searches",
        "sökvolym",
        "volym",
        "genomsnittligt antal sökningar per månad",
    ),
    "impressions": ("impressions", "impr.", "exponeringar", "visningar"),
    "clicks": ("clicks", "klick", "antal klick"),
}
"""Header names of the metric columns a summary adds up, by metric, folded to lower case.

They are told apart because they mean different things: search volume is how often people
search (Semrush, Ahrefs, SE Ranking, Keyword Planner), impressions how often your site was shown
and clicks how often it was clicked (Search Console). A period before the name, as Search
Console writes in a comparison (``Last 28 days Impressions``, ``Senaste 3 månaderna Klick``),
is allowed; a column of the previous period (``Previous 28 days Clicks``, ``Föregående ...``) is
not the one summed."""
_PERIOD = re.compile(r"(?:last|current|senaste|aktuell|aktuella)\b.*?\s")
FORMATS = ("csv", "tsv", "txt", "jsonl", "xlsx")
_SNIFF_BYTES = 1 << 16
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MAX_FIELD_BYTES = 16 * 1024 * 1024
"""The largest CSV field read; a larger one is an error naming its row."""
csv.field_size_limit(MAX_FIELD_BYTES)


@dataclass
class Table:
    """An opened input: header, keyword column, and a stream of ``(line, fields)`` rows."""

    path: str
    format: str
    encoding: str
    delimiter: str
    header: list[str]
    keyword_index: int
    rows: Iterator[tuple[int, list[str]]]
    metrics: dict[str, int] = field(default_factory=dict)
    """The column of each metric of :data:`METRIC_COLUMNS` the input has, by metric name."""
    columns: list[str] | None = None
    """The input's own column names where :attr:`header` is not them (JSONL: the first object's
    keys)."""
    bad: dict[int, str] = field(default_factory=dict)
    """Rows the reader found malformed, by line, with what is wrong; filled as rows are read."""
    notes: list[str] = field(default_factory=list)
    """What the reader chose and the user should know (which sheet it read)."""
    bom: bytes = b""
    """The byte order mark the input starts with (UTF-8 or UTF-16), or none."""
    has_header: bool = True
    """Whether the first line is a header (see :func:`header_or_data`)."""
    to_columns: Callable[[bool], None] | None = None
    """For JSONL: turn the table into one column per key (see :func:`_open_jsonl`)."""
    cleanup: list[Callable[[], None]] = field(default_factory=list)
    """What to call once the rows are read (closing a temporary file)."""

    @property
    def volume_index(self) -> int | None:
        """The search volume column, if any."""
        return self.metrics.get("volume")


def detect_encoding(head: bytes) -> str:
    """The encoding of a file that starts with ``head``.

    UTF-16 without a BOM is recognised by its NUL bytes: in text that is mostly Latin script,
    nearly every other byte is NUL (the odd bytes in little-endian, the even ones in big-endian).
    It takes at least 64 bytes, 70% of one kind NUL and at most 5% of the other; a shorter file
    is read as UTF-8, and the missing keyword column is reported with a hint.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(head) >= 64:
        even, odd = head[0 : len(head) - len(head) % 2 : 2], head[1::2]
        if odd.count(0) >= 0.7 * len(odd) and even.count(0) <= 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) >= 0.7 * len(even) and odd.count(0) <= 0.05 * len(odd):
            return "utf-16-be"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def detect_delimiter(line: str) -> str:
    """The most frequent of tab, ``;`` and ``,`` in a header line (outside quotes); comma on a tie."""
    counts = {d: 0 for d in ("\t", ";", ",")}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def find_column(header: Sequence[str], wanted: str | None, path: str, names: Sequence[str]) -> int:
    """Index of the column named ``wanted``, or of the first known keyword column name."""
    folded = [h.strip().strip("\ufeff").lower() for h in header]
    if wanted is not None:
        if wanted.lower() in folded:
            return folded.index(wanted.lower())
        raise InputError(path, 1, f"no column {wanted!r}; columns are {list(header)}")
    for name in names:
        if name in folded:
            return folded.index(name)
    hint = (
        "; NUL bytes in the header: UTF-16 without a BOM? give --encoding utf-16-le (or -be)"
        if any("\x00" in h for h in header)
        else ""
    )
    raise InputError(
        path,
        1,
        f"no keyword column found (looked for {', '.join(names[:6])}, ...); "
        f"columns are {list(header)[:12]}; name it with --column{hint}",
    )


def parse_number(text: str) -> float:
    """A search volume as exports write it ("1,200", "1 200", "2400.0"); 0.0 if it is not one."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", "")
    try:
        value = float(cleaned) if cleaned else 0.0
    except ValueError:
        return 0.0
    return value if value >= 0 and value == value else 0.0


def format_of(path: str, given: str | None) -> str:
    """The format named by ``given`` or by the file extension (csv when unknown)."""
    if given:
        return given
    ext = Path(path).suffix.lower().lstrip(".")
    return {"tab": "tsv", "json": "jsonl", "ndjson": "jsonl"}.get(
        ext, ext if ext in FORMATS else "csv"
    )


_LONE_CR = re.compile(r"(?<=\r)(?!\n)")
_ANY_LONE_CR = re.compile(r"\r(?!\n)")
_BLOCK_BYTES = 1 << 16


def _text_blocks(binary: IO[bytes], encoding: str, path: str) -> Iterator[list[str]]:
    r"""Decoded lines, a block at a time; ``\n``, ``\r\n`` and a lone ``\r`` all end a line.

    Byte-oriented encodings are decoded a block of lines at a time; when a block holds a bad
    byte it is decoded again line by line, so the error names its line.
    """
    if encoding.startswith("utf-16"):
        text = io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline="")
        done = 0
        block: list[str] = []
        try:
            for line in text:
                block.append(line)
                if len(block) == 4096:
                    yield block
                    done += len(block)
                    block = []
        except UnicodeDecodeError as e:
            raise InputError(
                path, done + len(block) + 1, f"invalid bytes for encoding {e.encoding}: {e.reason}"
            ) from None
        finally:
            text.detach()
        if block:
            yield block
        return
    done = 0
    first_encoding = encoding
    encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    while batch := binary.readlines(_BLOCK_BYTES):
        try:
            if done == 0:
                lines = [batch[0].decode(first_encoding)]
                lines += map(bytes.decode, batch[1:], repeat(encoding))
            else:
                lines = list(map(bytes.decode, batch, repeat(encoding)))
        except UnicodeDecodeError:
            lines = _decode_one_by_one(
                batch, first_encoding if done == 0 else encoding, encoding, path, done
            )
        joined = "".join(lines)
        if "\r" in joined and _ANY_LONE_CR.search(joined):
            lines = [
                part
                for line in lines
                for part in (_LONE_CR.split(line) if "\r" in line[:-2] else (line,))
            ]
        yield lines
        done += len(lines)


def _decode_one_by_one(
    batch: list[bytes], first: str, encoding: str, path: str, done: int
) -> list[str]:
    """Decode a block that holds a bad byte line by line; raise at the first bad line."""
    lines: list[str] = []
    for k, raw in enumerate(batch):
        try:
            line = raw.decode(first if k == 0 else encoding)
        except UnicodeDecodeError as e:
            before = sum(len(_LONE_CR.split(x)) if "\r" in x[:-2] else 1 for x in lines)
            raise InputError(
                path,
                done + before + 1,
                f"invalid bytes for encoding {encoding} at byte {e.start + 1}: {e.reason}",
            ) from None
        lines.append(line)
    return lines


def _text_lines(binary: IO[bytes], encoding: str, path: str) -> Generator[tuple[int, str]]:
    """The lines of :func:`_text_blocks` one by one, with their numbers (from 1)."""
    no = 0
    for block in _text_blocks(binary, encoding, path):
        for line in block:
            no += 1
            yield no, line


def open_table(
    path: str,
    binary: IO[bytes],
    *,
    fmt: str | None = None,
    column: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> Table:
    """Open an input stream as a :class:`Table`; raises :class:`InputError` for what can't be read.

    ``sheet`` chooses the sheet of an ``.xlsx`` workbook (a name, or a number from 1).
    """
    fmt = format_of(path, fmt)
    if fmt == "xlsx":
        return _open_xlsx(path, binary, column, sheet)
    head = binary.peek(_SNIFF_BYTES)[:_SNIFF_BYTES] if hasattr(binary, "peek") else b""
    enc = encoding or detect_encoding(head)
    bom = next((b for b in _BOMS if head.startswith(b)), b"") if encoding is None else b""
    try:
        codecs.lookup(enc)
    except LookupError:
        raise InputError(path, None, f"unknown encoding {enc!r}") from None
    if fmt == "txt":
        lines = _text_lines(binary, enc, path)

        def txt_rows() -> Iterator[tuple[int, list[str]]]:
            for no, line in lines:
                yield no, [line.rstrip("\r\n")]

        return Table(path, fmt, enc, "", ["keyword"], 0, txt_rows(), bom=bom)
    if fmt == "jsonl":
        return _open_jsonl(path, binary, enc, column)
    stream = chain.from_iterable(_text_blocks(binary, enc, path))
    first = next(stream, None)
    if first is None:
        raise InputError(path, None, "the file is empty")
    delimiter = "\t" if fmt == "tsv" else detect_delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter))
    if header:
        header[0] = header[0].lstrip("\ufeff")
    has_header = header_or_data(header, column)
    if not has_header:
        stream = chain([first], stream)
        header = ["keyword"]
    keyword_index = find_column(header, column, path, KEYWORD_COLUMNS)
    first_row = 2 if has_header else 1

    def csv_rows() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        while True:
            start = reader.line_num + first_row  # a header was read before the reader
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                if "field larger than field limit" in str(e):
                    raise InputError(
                        path,
                        start,
                        f"a field larger than {MAX_FIELD_BYTES >> 20} MiB (the limit for one "
                        "field) in the row starting here",
                    ) from None
                raise InputError(
                    path,
                    start,
                    f"malformed quoting in the row starting here ({e}); an unbalanced quote?",
                ) from None
            yield start, fields or [""]

    return Table(
        path,
        "tsv" if delimiter == "\t" else "csv",
        enc,
        delimiter,
        header,
        keyword_index,
        csv_rows(),
        find_metrics(header),
        bom=bom,
        has_header=has_header,
    )


def find_metrics(header: Sequence[str]) -> dict[str, int]:
    """The column of each metric of :data:`METRIC_COLUMNS` in ``header``, by metric name.

    An exact name wins over a period-prefixed one (``Clicks`` over ``Last 28 days Clicks``);
    among prefixed ones, the first of the current period.
    """
    folded = [" ".join(h.strip().strip("\ufeff").lower().split()) for h in header]
    found: dict[str, int] = {}
    for metric, names in METRIC_COLUMNS.items():
        index = next((folded.index(n) for n in names if n in folded), None)
        if index is None:
            index = next(
                (
                    i
                    for i, h in enumerate(folded)
                    if _PERIOD.match(h) and any(h.endswith(" " + n) for n in names)
                ),
                None,
            )
        if index is not None:
            found[metric] = index
    return found


def header_or_data(first: Sequence[str], column: str | None) -> bool:
    """Whether the first line of a CSV, TSV or XLSX input is its header.

    A line of two or more fields is a header. A line of one field (a plain keyword list) is a
    header only when it is a known keyword column name (:data:`KEYWORD_COLUMNS`, any case) or
    any line when ``--column`` names a column; otherwise it is the first keyword (a blank line an
    empty one), and the column is called ``keyword``. So ``köpa cykel`` alone is labelled, and
    ``Keyword`` above a list is a header. A line holding NUL bytes is taken for a header, so
    that UTF-16 read as UTF-8 is an error with a hint, not a list of garbled keywords.
    """
    if len(first) > 1 or column is not None or any("\x00" in f for f in first):
        return True
    if not first:
        return False
    return first[0].strip().strip("\ufeff").lower() in KEYWORD_COLUMNS


_NOTE_PHRASES = re.compile(
    r"(?:you can (?:only )?export only|you can only export|see plans and prices|upgrade your "
    r"(?:plan|subscription)|buy more limits|to (?:export|see) more|data (?:provided|exported) by"
    r"|exported (?:from|with|by) (?:semrush|ahrefs|se ?ranking))\b",
    re.IGNORECASE,
)
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)


def is_vendor_note(fields: Sequence[str], width: int) -> bool:
    """Whether a row of a table ``width`` columns wide is a tool's note, not a keyword row.

    Semrush ends an export cut at the plan's limit with lines like "You can export only first
    30000 rows..." and "See plans and prices https://..."; Ahrefs and SE Ranking add similar
    notes. Such a row is one cell in a file of several columns, and its text reads as a note:

    - a line without any delimiter (one field where the header has several, which no keyword
      row of such a file is) that starts with one of the tools' phrases (:data:`_NOTE_PHRASES`)
      or holds a link and at least three other words;
    - a row whose only non-empty cell is the first (the note once a spreadsheet re-saved the
      file) whose text starts with one of the phrases and has a link or at least five words.

    A one-column file has no notes, and a row with any other cell filled is never one.
    """
    if width < 2 or not fields or not fields[0].strip():
        return False
    if len(fields) > 1 and any(f.strip() for f in fields[1:]):
        return False
    text = fields[0].strip()
    words = len(_URL.sub(" ", text).split())
    has_url = _URL.search(text) is not None
    if _NOTE_PHRASES.match(text):
        return len(fields) == 1 or has_url or words >= 5
    return len(fields) == 1 and has_url and words >= 3


UNPARSED_KEY = "intentkit_unparsed_line"
"""The key that holds the text of a JSONL line that is not a JSON object, when it is kept."""


def _open_jsonl(path: str, binary: IO[bytes], enc: str, column: str | None) -> Table:
    """A JSONL file as a two-column table: each object's own text, and its keyword.

    The text is passed through untouched (numbers, escapes and key order as written), so a JSONL
    output is the input line with the label keys added. A line that is not a JSON object is a
    malformed row (:attr:`Table.bad`): kept as ``{"intentkit_unparsed_line": <its text>}`` with
    an empty keyword, skipped, or an error, as ``--on-error`` says. Blank lines are not rows.

    The metric columns (search volume, impressions, clicks) are found among the first object's
    keys, and their values ride along after the keyword, for summaries.

    For CSV, TSV or XLSX output, :attr:`Table.to_columns` turns the table into one column per
    key: the keys of all objects, in the order first seen, which takes a first pass over the
    file. A file is read twice; standard input, which cannot be read twice, is copied to a
    temporary file (in ``TMPDIR``, removed at the end) as it is read the first time.
    """
    lines = _text_lines(binary, enc, path)
    buffered: list[tuple[int, str, dict[str, Any] | None, str]] = []
    first: dict[str, Any] | None = None
    for no, line in lines:
        if line.strip():
            obj, problem = _parse_json_line(line)
            buffered.append((no, line, obj, problem))
            if obj is not None:
                first = obj
                break
    if first is None:
        if not buffered:
            raise InputError(path, None, "the file is empty")
        raise InputError(path, buffered[0][0], f"{buffered[0][3]}; no line is a JSON object")
    columns = [str(k) for k in first]
    key = columns[find_column(columns, column, path, KEYWORD_COLUMNS)]
    metric_keys = {m: columns[i] for m, i in find_metrics(columns).items()}
    header = ["_json", replace_surrogates(key), *metric_keys.values()]
    table = Table(path, "jsonl", enc, "", header, 1, iter(()))
    table.columns = columns
    table.metrics = {m: 2 + k for k, m in enumerate(metric_keys)}
    extra = [""] * len(metric_keys)

    def row(no: int, line: str, obj: dict[str, Any] | None, problem: str) -> list[str]:
        if obj is None:
            table.bad[no] = problem
            text = json.dumps({UNPARSED_KEY: line.rstrip("\r\n")}, ensure_ascii=False)
            return [text, "", *extra]
        values = [_json_cell(obj.get(k), path, no) for k in metric_keys.values()]
        return [line.strip(), _json_cell(obj.get(key), path, no), *values]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for no, line, obj, problem in buffered:
            yield no, row(no, line, obj, problem)
        for no, line in lines:
            if line.strip():
                yield no, row(no, line, *_parse_json_line(line))

    def to_columns(unparsed: bool) -> None:
        """One column per key; ``unparsed`` adds the column that holds a bad line's text."""
        if binary.seekable():
            lines.close()
            binary.seek(0)
            keys = _all_keys(_text_lines(binary, enc, path))
            binary.seek(0)
            source, source_enc = binary, enc
        else:
            spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed when the rows are done
            table.cleanup.append(spool.close)
            again = chain(((no, line) for no, line, _, _ in buffered), lines)
            keys = _all_keys(_spooled(again, spool))
            spool.seek(0)
            source, source_enc = spool, "utf-8"
        names = [k for k in keys if k is not None]
        if unparsed and None in keys:
            names.append(UNPARSED_KEY)
        table.header = [replace_surrogates(k) for k in names]
        table.columns = table.header
        table.keyword_index = names.index(key)
        table.metrics = find_metrics(table.header)

        def column_rows() -> Iterator[tuple[int, list[str]]]:
            for no, line in _text_lines(source, source_enc, path):
                if not line.strip():
                    continue
                obj, problem = _parse_json_line(line)
                if obj is None:
                    table.bad[no] = problem
                    obj = {UNPARSED_KEY: line.rstrip("\r\n")}
                yield no, [_json_cell(obj.get(k), path, no) for k in names]

        table.rows = column_rows()

    table.rows = rows()
    table.to_columns = to_columns
    return table


def _all_keys(lines: Iterator[tuple[int, str]]) -> dict[str | None, None]:
    """The keys of the objects on ``lines`` in the order first seen; ``None`` for a bad line."""
    keys: dict[str | None, None] = {}
    for _, line in lines:
        if line.strip():
            obj = _parse_json_line(line)[0]
            if obj is None:
                keys[None] = None
            elif len(obj) != len(keys) or not keys.keys() >= obj.keys():
                keys.update(dict.fromkeys(obj))
    return keys


def _spooled(lines: Iterator[tuple[int, str]], spool: IO[bytes]) -> Iterator[tuple[int, str]]:
    """``lines``, each also written to ``spool`` as UTF-8 at its own line number."""
    done = 0
    for no, line in lines:
        if no > done + 1:
            spool.write(b"\n" * (no - done - 1))
        spool.write(line.encode("utf-8"))
        done = no
        yield no, line


class _Number(str):
    """A JSON number, kept as the text it was written as."""

    __slots__ = ()


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_json_line(line: str) -> tuple[dict[str, Any] | None, str]:
    """The object on a JSONL line, or ``None`` and what is wrong with the line.

    Numbers are read as their text (:class:`_Number`, so ``1e400`` and 5,000-digit integers are
    not changed or refused), and ``NaN`` / ``Infinity``, which are not JSON, are refused.
    """
    try:
        obj = json.loads(
            line.rstrip("\r\n"),
            parse_int=_Number,
            parse_float=_Number,
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as e:
        return None, f"invalid JSON at column {e.colno}: {e.msg}"
    except RecursionError:
        return None, "invalid JSON: nested too deeply to read"
    except ValueError as e:
        return None, f"invalid JSON: {e}"
    if not isinstance(obj, dict):
        kinds = {"[": "an array", '"': "a string", "t": "a boolean", "f": "a boolean"}
        kind = kinds.get(line.strip()[:1], "null" if line.strip() == "null" else "a number")
        return None, f"expected a JSON object, got {kind}"
    return obj, ""


def _json_cell(value: Any, path: str, line: int) -> str:
    """A JSON value as one cell.

    A string as itself, a number as written, ``true``/``false``, ``""`` for null, an object or
    array as compact JSON text.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return replace_surrogates(value)
    try:
        return replace_surrogates(json_text(value, compact=True))
    except RecursionError:
        raise InputError(path, line, "a value nested too deeply to write as a cell") from None


def json_text(value: Any, *, compact: bool = False) -> str:
    """``value`` (as :func:`_parse_json_line` reads it) as JSON text, numbers as written."""
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    comma, colon = (",", ":") if compact else (", ", ": ")
    if isinstance(value, dict):
        items = (
            json.dumps(k, ensure_ascii=False) + colon + json_text(v, compact=compact)
            for k, v in value.items()
        )
        return "{" + comma.join(items) + "}"
    return "[" + comma.join(json_text(v, compact=compact) for v in value) + "]"


XLSX_MAX_RATIO = 100
"""An ``.xlsx`` member that unpacks to more than this many times its packed size is refused
(once it is over :data:`XLSX_RATIO_FLOOR`): a zip bomb. Sheets written by spreadsheet programs
unpack to 5 to 30 times their size."""
XLSX_RATIO_FLOOR = 16 << 20
"""Members that unpack to at most this many bytes are not checked for their ratio."""
XLSX_MAX_UNPACKED = 4 << 30
"""The most bytes all members of an ``.xlsx`` file may unpack to, together."""
XLSX_MAX_WHOLE = 512 << 20
"""The most bytes a member read whole into memory (all but the sheets, which stream: the shared
strings, styles, workbook) may unpack to."""
XLSX_ROW_LIMIT = 1_048_576
XLSX_COLUMN_LIMIT = 16_384
"""Excel's sheet size; a cell past it is an error (the row number is not trusted to count up to)."""
_XLSX_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_XLSX_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def xlsx_escape(value: str) -> str:
    """``value`` as OOXML text, which Excel and :func:`xlsx_unescape` turn back into ``value``.

    Control characters other than tab and line feed (XML cannot hold them, and turns a carriage
    return into a line feed) become Excel's own ``_xHHHH_`` escape, and an ``_`` that starts
    such an escape becomes ``_x005F_``.
    """
    return _XLSX_ESCAPE.sub(_hex_escape, value) if _XLSX_ESCAPE.search(value) else value


def _hex_escape(m: re.Match[str]) -> str:
    return f"_x{ord(m.group()):04X}_"


def xlsx_unescape(value: str) -> str:
    """OOXML text as Excel shows it: each ``_xHHHH_`` is the character it names."""
    if "_x" not in value:
        return value
    return replace_surrogates(_XLSX_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value))


def check_zip_sizes(path: str, data: bytes) -> None:
    """Refuse a zip whose members declare more than the ``XLSX_MAX_*`` limits allow.

    Sheets stream row by row, so only their ratio and the total are limited; the other members
    are read whole, so each is also limited to :data:`XLSX_MAX_WHOLE`.

    Python's zip reader stops at each member's declared size (and fails its checksum if the
    data goes on), so checking the declarations bounds what reading can unpack.
    """
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the workbook reader says so
    for info in infos:
        if info.file_size > max(XLSX_RATIO_FLOOR, XLSX_MAX_RATIO * info.compress_size):
            raise InputError(
                path,
                None,
                f"refused: {info.filename} would unpack {info.compress_size:,} bytes to "
                f"{info.file_size:,}, over {XLSX_MAX_RATIO} times (a zip bomb?)",
            )
        if info.file_size > XLSX_MAX_WHOLE and not info.filename.startswith("xl/worksheets/"):
            raise InputError(
                path,
                None,
                f"refused: {info.filename} would unpack to {info.file_size:,} bytes, over the "
                f"limit of {XLSX_MAX_WHOLE:,} for a part read whole; save the sheet as .csv",
            )
    total = sum(info.file_size for info in infos)
    if total > XLSX_MAX_UNPACKED:
        raise InputError(
            path,
            None,
            f"refused: it would unpack to {total:,} bytes, over the limit of "
            f"{XLSX_MAX_UNPACKED:,}; save it as .csv",
        )


class _NoSavedValue(Exception):
    """A formula cell without a saved (cached) value."""


def _cell_parser() -> Any:
    """The sheet parser of openpyxl, keeping numbers as written and catching unsaved formulas."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Any) -> Any:
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                saved = element.findtext(VALUE_TAG)
                if saved is None or (not saved and element.get("t") not in ("str", "s")):
                    raise _NoSavedValue(element.get("r") or f"R{cell['row']}C{cell['column']}")
            elif cell["data_type"] == "n":
                cell["value"] = element.findtext(VALUE_TAG).strip()
            return cell

    return CellParser


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return xlsx_unescape(value)
    return str(value)


def _open_xlsx(path: str, binary: IO[bytes], column: str | None, sheet: str | None) -> Table:
    """The rows of one sheet (the first, or ``sheet``: a name or a 1-based number).

    Every row the sheet holds is read, whatever its ``<dimension>`` says; missing rows are empty
    rows and missing cells empty fields, so line numbers are the sheet's row numbers. Numbers
    are their text in the file (``12345678901234567890`` stays so), dates as Python writes them,
    and a formula without a saved value is an error naming its cell.
    """
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            path, None, "reading .xlsx needs openpyxl: pip install 'intentkit-seo[xlsx]'"
        ) from None
    data = binary.read()
    check_zip_sizes(path, data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a bad workbook
        raise InputError(path, None, f"not a readable .xlsx workbook: {e}") from None
    sheets = wb.worksheets
    titles = [ws.title for ws in sheets]
    if not sheets:
        raise InputError(path, None, "the workbook has no worksheet")
    if sheet is None:
        ws = sheets[0]
    elif sheet in titles:
        ws = sheets[titles.index(sheet)]
    elif sheet.isdigit() and 1 <= int(sheet) <= len(sheets):
        ws = sheets[int(sheet) - 1]
    else:
        raise InputError(path, None, f"no sheet {sheet!r}; the sheets are {titles}")
    it = _sheet_rows(path, wb, ws)
    first = next(it, None)
    if first is None:
        raise InputError(path, None, f"sheet {ws.title!r} is empty")
    header = first[1]
    has_header = header_or_data(header, column)
    if not has_header:
        it = chain([first], it)
        header = ["keyword"]
    keyword_index = find_column(header, column, path, KEYWORD_COLUMNS)
    width = len(header)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for no, values in it:
            if len(values) > width:
                while len(values) > width and not values[-1]:
                    values.pop()
            if len(values) < width:
                values += [""] * (width - len(values))
            yield no, values

    table = Table(
        path,
        "xlsx",
        "xlsx",
        "",
        header,
        keyword_index,
        rows(),
        find_metrics(header),
        has_header=has_header,
    )
    if len(sheets) > 1 and sheet is None:
        others = ", ".join(repr(t) for t in titles[1:6]) + (", ..." if len(titles) > 6 else "")
        table.notes.append(
            f"{path}: reading sheet {ws.title!r}, the first of {len(sheets)} (also {others}); "
            "choose another with --sheet"
        )
    return table


def _sheet_rows(path: str, wb: Any, ws: Any) -> Iterator[tuple[int, list[str]]]:
    """The sheet's rows as ``(row number, fields)``, with the rows it skips as empty ones."""
    parser_class = _cell_parser()
    expected = 1
    try:
        with wb._archive.open(ws._worksheet_path) as source:
            parser = parser_class(
                source,
                ws._shared_strings,
                data_only=True,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
            for no, cells in parser.parse():
                width = max((c["column"] for c in cells), default=0)
                if no > XLSX_ROW_LIMIT or width > XLSX_COLUMN_LIMIT:
                    raise InputError(
                        path,
                        no,
                        f"sheet {ws.title!r} has a cell past Excel's limits of "
                        f"{XLSX_ROW_LIMIT:,} rows and {XLSX_COLUMN_LIMIT:,} columns",
                    )
                while expected < no:
                    yield expected, []
                    expected += 1
                values = [""] * width
                for c in cells:
                    values[c["column"] - 1] = _cell_text(c["value"])
                yield no, values
                expected = max(expected, no + 1)
    except _NoSavedValue as e:
        raise InputError(
            path,
            None,
            f"cell {e} of sheet {ws.title!r} holds a formula without a saved value (the program "
            "that wrote the file did not calculate it); open and save the file in Excel or "
            "LibreOffice, then try again",
        ) from None
    except InputError:
        raise
    except Exception as e:  # a damaged or truncated sheet: XML, zip, checksum or index errors
        raise InputError(
            path,
            expected,
            f"sheet {ws.title!r} is damaged or truncated here ({type(e).__name__}: {e})",
        ) from None
    finally:
        wb.close()


def current_umask() -> int:
    """The process's file mode creation mask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class AtomicOutput:
    """A file written to a temporary name in the target folder and renamed into place on success.

    On any error, or an interrupt, the temporary file is removed and the target is untouched.
    The file gets the mode a new file of the user's gets (``0o666`` less the umask; the
    temporary file is ``0o600`` while it is written), or, when it replaces a file, that file's
    mode.
    """

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        folder = self.path.parent
        if not folder.is_dir():
            raise InputError(str(self.path), None, f"output folder {folder} does not exist")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        self.tmp = Path(tmp)
        self.binary: IO[bytes] = os.fdopen(fd, "wb")

    def commit(self) -> None:
        """Flush, sync and rename into place."""
        self.binary.flush()
        try:
            mode = stat.S_IMODE(os.stat(self.path).st_mode)
        except OSError:
            mode = 0o666 & ~current_umask()
        os.chmod(self.tmp, mode)
        os.fsync(self.binary.fileno())
        self.binary.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        """Remove the temporary file."""
        with contextlib.suppress(OSError):
            self.binary.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()
