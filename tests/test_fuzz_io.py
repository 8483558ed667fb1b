"""Fuzz: random rows written in every input format come back, every row and field in order, from
`intentkit label` in every output format (quotes, CR, LF, NUL, BOMs, formulas, surrogates, blank
keywords, control characters, Excel escapes)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intentkit import IntentClassifier
from intentkit._io import open_table, xlsx_escape, xlsx_unescape
from intentkit._label import LABEL_COLUMNS, label
from intentkit._text import replace_surrogates

TOKENS = ['"', ",", ";", "\t", "\r", "\n", "\r\n", "\x00", "\x0b", "\ufeff", "=", "+", "-"]
TOKENS += ["@", "a", "köpa", " ", "_x0041_", "\ud800", "\U0001f600", "buy", "#N/A", "1e400"]
TOKENS += ["12345678901234567890", '=HYPERLINK("x")', "'"]
FORBIDDEN = {
    "txt": {"\r", "\n", "\r\n", "\ud800", "\ufeff"},
    "csv": {"\ud800"},
    "tsv": {"\ud800"},
    "jsonl": set(),
    "xlsx": {"\ud800"},
}
HEADER = ["keyword", "a", "b"]


def fields(fmt: str) -> st.SearchStrategy[str]:
    allowed = [t for t in TOKENS if t not in FORBIDDEN[fmt]]
    return st.lists(st.sampled_from(allowed), max_size=4).map("".join)


def write_input(path: Path, fmt: str, header: list[str], rows: list[list[str]]) -> None:
    if fmt == "txt":
        path.write_bytes("".join(r[0] + "\n" for r in rows).encode("utf-8"))
    elif fmt in ("csv", "tsv"):
        text = io.StringIO()
        csv.writer(text, delimiter="\t" if fmt == "tsv" else ",").writerows([header, *rows])
        lines = text.getvalue()
        if len(header) == 1:  # a one-column file: an empty keyword as a blank line
            lines = lines.replace('\r\n""\r\n', "\r\n\r\n")
        path.write_bytes(lines.encode("utf-8"))
    elif fmt == "jsonl":
        lines = [json.dumps(dict(zip(header, r))) for r in rows]
        path.write_bytes("".join(x + "\n" for x in lines).encode("utf-8"))
    else:
        import openpyxl
        from openpyxl.cell import WriteOnlyCell

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("s")
        for row in [header, *rows]:
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws, value=xlsx_escape(value))
                cell.data_type = "s"
                cells.append(cell)
            ws.append(cells)
        wb.save(path)


def read_output(path: Path, fmt: str) -> list[list[str]]:
    if fmt in ("csv", "tsv"):
        with path.open(encoding="utf-8", newline="") as f:
            return list(csv.reader(f, delimiter="\t" if fmt == "tsv" else ","))
    if fmt == "jsonl":  # a header row for each object: its keys must be the header's
        objects = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
        assert len({tuple(o) for o in objects}) <= 1
        return [list(objects[0]) if objects else []] + [list(o.values()) for o in objects]
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    return [
        ["" if v is None else xlsx_unescape(str(v)) for v in row]
        for row in wb.worksheets[0].iter_rows(values_only=True)
    ]


@pytest.mark.parametrize("in_fmt", ["csv", "tsv", "txt", "jsonl", "xlsx"])
def test_every_row_and_field_comes_back_in_order(
    tiny_path: Path, tmp_path: Path, in_fmt: str
) -> None:
    pytest.importorskip("openpyxl")
    clf = IntentClassifier(model=tiny_path)
    width = 1 if in_fmt == "txt" else 3

    @settings(
        max_examples=10,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        rows=st.lists(st.lists(fields(in_fmt), min_size=width, max_size=width), max_size=6),
        one_column=st.booleans(),
    )
    def check(rows: list[list[str]], one_column: bool) -> None:
        header = HEADER[:width]
        if one_column and in_fmt in ("csv", "tsv", "xlsx"):
            header, rows = header[:1], [r[:1] for r in rows]
        if in_fmt == "jsonl" and not rows:
            return  # an empty JSONL file has no keyword key: an error, tested elsewhere
        src = tmp_path / f"in.{in_fmt}"
        write_input(src, in_fmt, header, rows)
        for out_fmt in ("csv", "tsv", "jsonl", "xlsx"):
            out = tmp_path / f"out.{out_fmt}"
            with src.open("rb") as binary:
                table = open_table(str(src), binary)
                stats = label(table, clf, str(out))
            assert (stats.read, stats.written, stats.malformed) == (len(rows), len(rows), 0)
            back = read_output(out, out_fmt)
            n = len(header)
            want = rows
            if in_fmt == "jsonl" and out_fmt != "jsonl":  # every key a column, as text
                want = [[replace_surrogates(v) for v in r] for r in rows]
            if back[0] or out_fmt != "jsonl":
                assert back[0] == [*header[:n], *LABEL_COLUMNS]
            assert [r[:n] for r in back[1:]] == want, (in_fmt, out_fmt)

    check()
