"""Hostile inputs and outputs of `intentkit label` and the API (issue 18, the file half): nothing
lost, nothing executed, one clear error line; each promise of the README's Security section."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import one_error_line, run

import intentkit


def test_lone_surrogates_serialise_as_replacement_characters(tiny_path: Path) -> None:
    clf = intentkit.IntentClassifier(model=tiny_path)
    result = clf.classify("\udcff köpa")
    assert result.keyword == "\udcff köpa"  # as given
    assert json.loads(result.model_dump_json())["keyword"] == "\ufffd köpa"
    assert json.loads(clf.explain("k\ud800").model_dump_json())["keyword"] == "k\ufffd"


def test_classify_json_with_undecodable_argument_bytes(tiny_path: Path) -> None:
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "intentkit", "classify", "--json"),
            *("--model", str(tiny_path), b"k\xf6pa".decode("utf-8", "surrogateescape")),
        ],
        capture_output=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["keyword"] == "k\ufffdpa"


def sheet_xml(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


HYPERLINK = '=HYPERLINK("http://example.invalid","x")'


def test_xlsx_output_never_holds_a_formula(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    import csv

    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["keyword", "note"], [HYPERLINK, "#N/A"], ["buy", "=1+1"]])
    wb = openpyxl.Workbook()
    wb.active.append(["keyword", "note"])
    wb.active.append(["buy", "x"])
    wb.active["B2"].value = "=1+1"
    wb.active["B2"].data_type = "s"  # a text cell holding "=1+1", as Excel stores '=1+1
    wb.save(tmp_path / "in.xlsx")
    for name in ("in.csv", "in.xlsx"):
        out = tmp_path / f"out-{name}.xlsx"
        code, _, err = run(
            ["label", str(tmp_path / name), "-o", str(out), "--model", str(tiny_path)], capsys
        )
        assert code == 0, err
        xml = sheet_xml(out)
        assert "<f>" not in xml and 't="e"' not in xml
        values = [
            c.value for row in openpyxl.load_workbook(out).active.iter_rows() for c in row[:2]
        ]
        assert "=1+1" in values and (name == "in.xlsx" or HYPERLINK in values)


def test_csv_formula_escaping_is_opt_in(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    values = [HYPERLINK, "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "-12", "+3.5e2", "a=b"]
    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["keyword", "n"], *([v, v] for v in values)])
    out = tmp_path / "out.csv"
    argv = ["label", str(src), "-o", str(out), "--model", str(tiny_path)]
    assert run(argv, capsys)[0] == 0
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    assert [r[:2] for r in rows] == [[v, v] for v in values]  # lossless by default
    assert run([*argv, "--escape-formulas"], capsys)[0] == 0
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    defused = ["'" + v for v in values[:6]] + values[6:]
    assert [r[:2] for r in rows] == [[v, v] for v in defused]


@pytest.mark.parametrize("how", ["same-path", "other-path", "symlink", "hard-link", "stdin"])
def test_output_that_is_the_input_is_refused(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    import io
    import os

    src = tmp_path / "f.csv"
    src.write_text("keyword\nbuy\nhow\n", encoding="utf-8")
    before = src.read_bytes()
    inp, out = str(src), str(src)
    if how == "other-path":
        (tmp_path / "sub").mkdir()
        out = str(tmp_path / "sub" / ".." / "f.csv")
    elif how == "symlink":
        (tmp_path / "link.csv").symlink_to(src)
        out = str(tmp_path / "link.csv")
    elif how == "hard-link":
        os.link(src, tmp_path / "hard.csv")
        out = str(tmp_path / "hard.csv")
    elif how == "stdin":
        handle = src.open("rb")
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(handle))
        inp = "-"
    argv = ["label", inp, "-o", out, "--model", str(tiny_path)]
    code, _, err = run(argv, capsys)
    assert code == 1 and one_error_line(err) and "is the input file" in err, err
    assert src.read_bytes() == before and not list(tmp_path.glob(".*.tmp"))
    if how == "stdin":
        return
    code, _, err = run([*argv, "--overwrite-input"], capsys)
    assert code == 0, err
    assert Path(out).read_text(encoding="utf-8").startswith("keyword,intentkit_intent,")


def test_a_lone_carriage_return_in_a_field_reads_back_as_one_row(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    src = tmp_path / "in.jsonl"
    src.write_text('{"keyword": "buy\\rshoes"}\n{"keyword": "how"}\n', encoding="utf-8")
    for suffix in (".csv", ".tsv"):
        out = tmp_path / f"out{suffix}"
        code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
        assert code == 0, err
        delimiter = "\t" if suffix == ".tsv" else ","
        with out.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f, delimiter=delimiter))
        assert [r[0] for r in rows] == ["keyword", "buy\rshoes", "how"]
        again = tmp_path / f"again{suffix}"
        code, _, err = run(["label", str(out), "-o", str(again), "--model", str(tiny_path)], capsys)
        assert code == 0 and "read 2 rows, wrote 2" in err, err


def test_control_characters_in_xlsx_output_use_excels_escape(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    values = ["a\x0bb", "nul\x00", "cr\rlf\n", "lit _x0041_ x", "tab\t"]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"keyword": v}) + "\n" for v in values), encoding="utf-8")
    out = tmp_path / "out.xlsx"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0 and "Traceback" not in err, err
    cells = [r[0] for r in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]
    assert cells[1:] == ["a_x000B_b", "nul_x0000_", "cr_x000D_lf\n", "lit _x005F_x0041_ x", "tab\t"]
    back = tmp_path / "back.jsonl"
    code, _, err = run(["label", str(out), "-o", str(back), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    assert [
        json.loads(x)["keyword"] for x in back.read_text(encoding="utf-8").splitlines()
    ] == values


def test_xlsx_output_past_excels_row_or_cell_limit_is_refused(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("openpyxl")
    import tempfile

    from intentkit import _label

    monkeypatch.setattr(_label, "XLSX_MAX_ROWS", 4)  # Excel's 1,048,576, made small
    scratch = tmp_path / "scratch"  # where openpyxl writes its sheet while it streams
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    src = tmp_path / "in.txt"
    out = tmp_path / "out.xlsx"
    src.write_text("a\nb\nc\n", encoding="utf-8")
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    src.write_text("a\nb\nc\nd\n", encoding="utf-8")
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 1 and one_error_line(err), err
    assert "more than 3 rows do not fit in an Excel sheet" in err and "out.xlsx" in err
    assert out.exists() and not list(tmp_path.glob(".*.tmp"))  # the earlier output, untouched
    assert not list(scratch.iterdir())
    src.write_text("a\n" + "b" * 32_767 + "\n", encoding="utf-8")
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    src.write_text("a\n" + "b" * 32_768 + "\n", encoding="utf-8")
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 1 and one_error_line(err), err
    assert "out.xlsx: row 3 has a value of 32,768 characters, over Excel's 32,767" in err


def test_a_vendors_intent_column_is_kept_and_relabelling_replaces_our_own_columns(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    from intentkit._label import LABEL_COLUMNS

    src = tmp_path / "in.csv"
    src.write_text("keyword,Intent,intent,Stage\nbuy,Informational,mine,x\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["keyword", "Intent", "intent", "Stage", *LABEL_COLUMNS]
    assert rows[1][:5] == ["buy", "Informational", "mine", "x", "transactional"]
    again = tmp_path / "again.csv"
    for _ in range(2):  # labelling a labelled file, twice: the same columns, once each
        code, _, err = run(["label", str(out), "-o", str(again), "--model", str(tiny_path)], capsys)
        assert code == 0, err
        assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
        out, again = again, out
    src.write_text("intentkit_intent,keyword,intentkit_stage\nold,how,older\n", encoding="utf-8")
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["keyword", *LABEL_COLUMNS]
    assert rows[1][:2] == ["how", "informational"] and "older" not in rows[1]


def test_blank_lines_of_a_one_column_csv_are_rows(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    src = tmp_path / "in.csv"
    src.write_text("Keyword\nbuy shoes\n\nnetflix\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0 and "read 3 rows, wrote 3 (1 with an empty keyword" in err, err
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["Keyword"], r["intentkit_intent"]) for r in rows] == [
        ("buy shoes", "transactional"),
        ("", ""),
        ("netflix", "navigational"),
    ]
    src.write_text("Keyword,v\nbuy,1\n\nhow,2\n", encoding="utf-8")
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0 and "in.csv:3: 1 fields, the header has 2 (kept)" in err
    with out.open(encoding="utf-8", newline="") as f:
        assert [r["Keyword"] for r in csv.DictReader(f)] == ["buy", "", "how"]


def test_a_field_past_the_size_limit_names_the_limit(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import csv

    from intentkit import _io

    limit = csv.field_size_limit()
    src = tmp_path / "in.csv"
    src.write_bytes(b'keyword,v\nbuy,1\n"' + b"x" * (limit + 10) + b'",2\nhow,3\n')
    out = tmp_path / "out.csv"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 1 and one_error_line(err), err
    assert "in.csv:3: a field larger than 16 MiB" in err and "quoting" not in err
    assert limit == _io.MAX_FIELD_BYTES and not out.exists()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], codec: str
) -> None:
    import csv

    src = tmp_path / "in.csv"
    src.write_bytes("Keyword\tVolume\nköpa skor\t10\nhow to buy\t5\n".encode(codec))
    out = tmp_path / "out.csv"
    argv = ["label", str(src), "-o", str(out), "--model", str(tiny_path)]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    with out.open(encoding=codec, newline="") as f:  # the input's encoding, without a BOM too
        rows = list(csv.DictReader(f))
    assert [(r["Keyword"], r["Volume"]) for r in rows] == [("köpa skor", "10"), ("how to buy", "5")]
    src.write_bytes("Keyword\nbuy\n".encode(codec))  # too short to tell: a hint
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 1 and one_error_line(err) and "UTF-16 without a BOM?" in err, err
    code, _, err = run([*argv, "--encoding", codec], capsys)
    assert code == 0 and "read 1 rows, wrote 1" in err, err


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_bad_lines_follow_on_error(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    src = tmp_path / "in.jsonl"
    src.write_text(
        f'{{"keyword": "buy"}}\n{{"keyword": "how"\n{{"keyword": {deep}}}\n[1]\nNaN\n'
        '{"keyword": "best"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    argv = ["label", str(src), "-o", str(out), "--model", str(tiny_path)]
    code, _, err = run(argv, capsys)
    assert code == 0 and "Traceback" not in err, err
    assert "in.jsonl:2: invalid JSON at column 18" in err and "(kept)" in err
    assert "in.jsonl:3: invalid JSON: nested too deeply" in err
    assert "in.jsonl:4: expected a JSON object, got an array" in err
    assert "in.jsonl:5: invalid JSON" in err
    rows = read_jsonl(out)
    assert [r.get("keyword") for r in rows] == ["buy", None, None, None, None, "best"]
    assert rows[1] == {
        **rows[1],
        "intentkit_unparsed_line": '{"keyword": "how"',
        "intentkit_intent": "",
    }
    assert rows[3]["intentkit_unparsed_line"] == "[1]"
    code, _, err = run([*argv, "--on-error", "skip"], capsys)
    assert code == 0 and "in.jsonl:2: invalid JSON at column 18" in err and "(skipped)" in err
    assert [r["keyword"] for r in read_jsonl(out)] == ["buy", "best"]
    out.unlink()
    code, _, err = run([*argv, "--on-error", "fail"], capsys)
    assert code == 1 and one_error_line(err) and "in.jsonl:2: invalid JSON at column 18" in err
    assert not out.exists()
    src.write_text(f"{deep}\n", encoding="utf-8")
    code, _, err = run(argv, capsys)
    assert code == 1 and one_error_line(err) and "in.jsonl:1: invalid JSON: nested" in err


def test_jsonl_values_are_passed_through_as_written(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        '{"keyword": "buy", "big": 1e400, "n": 12345678901234567890, "x": 0.10}',
        '{"keyword": "k\\ud800pa", "raw": "\\u00e9"}',
        "{}",
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "Infinity" not in text and "NaN" not in text
    written = text.splitlines()
    assert [x.startswith(line[:-1]) for x, line in zip(written, lines)] == [True] * 3
    assert [json.loads(x)["intentkit_intent"] for x in written] == [
        "transactional",
        "informational",
        "",
    ]
    assert written[2].startswith('{"intentkit_intent": ""')
    csv_out = tmp_path / "out.csv"
    code, _, err = run(["label", str(src), "-o", str(csv_out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    assert csv_out.read_text(encoding="utf-8").splitlines()[2].startswith("k\ufffdpa,")


def test_jsonl_intent_keys_are_kept_and_our_own_keys_replaced(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"keyword": "buy", "intent": "mine"}\n{"keyword": "how"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    argv = ["label", str(src), "-o", str(out), "--model", str(tiny_path)]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    rows = read_jsonl(out)
    assert rows[0]["intent"] == "mine" and rows[0]["intentkit_intent"] == "transactional"
    assert "intent" not in rows[1] and rows[1]["intentkit_intent"] == "informational"
    again = tmp_path / "again.jsonl"
    code, _, err = run(["label", str(out), "-o", str(again), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    assert read_jsonl(again) == rows
    assert [list(r) for r in read_jsonl(again)] == [list(r) for r in rows]
    src.write_text(
        '{"keyword": "how", "n": 1.50, "intentkit_intent": "old", "x": [1, {"a": 2e3}]}\n',
        encoding="utf-8",
    )
    code, _, err = run(argv, capsys)
    assert code == 0, err
    line = out.read_text(encoding="utf-8")
    assert line.startswith(
        '{"keyword": "how", "n": 1.50, "x": [1, {"a": 2e3}], "intentkit_intent": "informational"'
    )
    assert line.count("intentkit_intent") == 1


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".json", '{\n"name": "x",\n"stages": ' + "[" * 100_000 + "]" * 100_000 + "}\n"),
        (".toml", 'name = "x"\n\nstages = ' + "[" * 100_000 + "]" * 100_000 + "\n"),
        (
            ".toml",
            'name = "x"\nstages = [\n"a[{"]\ncues = ' + "{a=" * 100_000 + "1" + "}" * 100_000,
        ),
    ],
    ids=["json", "toml-array", "toml-table"],
)
def test_a_deeply_nested_framework_file_is_one_error_line(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, text: str
) -> None:
    framework = tmp_path / f"mine{suffix}"
    framework.write_text(text, encoding="utf-8")
    src = tmp_path / "in.txt"
    src.write_text("buy\n", encoding="utf-8")
    argv = ["label", str(src), "--model", str(tiny_path), "--framework", str(framework)]
    code, _, err = run(argv, capsys)
    line = 3 if suffix == ".json" or "cues" not in text else 4
    assert code == 1 and one_error_line(err), err
    assert f"{framework}:{line}: not a valid framework: nested too deeply" in err


def workbook(path: Path, *sheets: tuple[str, list[list[object]]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def rewrite_member(path: Path, name: str, change: object) -> None:
    """Rewrite one member of a zip file with ``change(bytes) -> bytes``."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            new = change(data) if info.filename == name else data  # type: ignore[operator]
            assert info.filename != name or new != data, "the change changed nothing"
            z.writestr(info.filename, new)


SHEET1 = "xl/worksheets/sheet1.xml"


def label_rows(
    src: Path, tmp_path: Path, tiny_path: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, list[list[str]], str]:
    import csv

    out = tmp_path / "out.csv"
    if out.exists():
        out.unlink()
    code, _, err = run(
        ["label", str(src), "-o", str(out), "--model", str(tiny_path), *extra], capsys
    )
    if code:
        return code, [], err
    with out.open(encoding="utf-8", newline="") as f:
        return code, list(csv.reader(f)), err


def test_xlsx_stale_dimension_reads_every_row_and_column(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = workbook(tmp_path / "in.xlsx", ("S", [["keyword", "volume"], ["buy", 5], [], ["how", 7]]))
    rewrite_member(
        src, SHEET1, lambda x: x.replace(b'<dimension ref="A1:B4" />', b'<dimension ref="A1" />')
    )
    code, rows, err = label_rows(src, tmp_path, tiny_path, capsys)
    assert code == 0 and "read 3 rows, wrote 3" in err, err
    assert [r[:3] for r in rows] == [
        ["keyword", "volume", "intentkit_intent"],
        ["buy", "5", "transactional"],
        ["", "", ""],
        ["how", "7", "informational"],
    ]


def test_xlsx_formula_without_a_saved_value_is_an_error_naming_the_cell(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = workbook(tmp_path / "in.xlsx", ("S", [["keyword", "n"], ["buy", "=1+1"]]))
    code, _, err = label_rows(src, tmp_path, tiny_path, capsys)
    assert code == 1 and one_error_line(err), err
    assert "in.xlsx: cell B2 of sheet 'S' holds a formula without a saved value" in err
    rewrite_member(src, SHEET1, lambda x: x.replace(b"<v />", b"<v>2</v>"))
    code, rows, err = label_rows(src, tmp_path, tiny_path, capsys)
    assert code == 0 and rows[1][:2] == ["buy", "2"], err


def test_xlsx_sheet_choice_is_said_and_can_be_made(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = workbook(
        tmp_path / "in.xlsx",
        ("First", [["keyword"], ["buy"]]),
        ("Second", [["query"], ["how"], ["best"]]),
    )
    code, rows, err = label_rows(src, tmp_path, tiny_path, capsys)
    assert code == 0 and [r[0] for r in rows] == ["keyword", "buy"]
    assert (
        "reading sheet 'First', the first of 2 (also 'Second'); choose another with --sheet" in err
    )
    for choice in ("Second", "2"):
        code, rows, err = label_rows(src, tmp_path, tiny_path, capsys, "--sheet", choice)
        assert code == 0 and [r[0] for r in rows] == ["query", "how", "best"], err
        assert "reading sheet" not in err
    code, _, err = label_rows(src, tmp_path, tiny_path, capsys, "--sheet", "3")
    assert code == 1 and one_error_line(err) and "no sheet '3'; the sheets are" in err


def test_xlsx_numbers_are_read_exactly(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = workbook(tmp_path / "in.xlsx", ("S", [["keyword", "a", "b", "c"], ["buy", 7, 0.1, 8]]))
    rewrite_member(
        src,
        SHEET1,
        lambda x: x.replace(b"<v>7</v>", b"<v>12345678901234567890</v>").replace(
            b"<v>8</v>", b"<v>1.2345678901234567E+19</v>"
        ),
    )
    code, rows, err = label_rows(src, tmp_path, tiny_path, capsys)
    assert code == 0, err
    assert rows[1][:4] == ["buy", "12345678901234567890", "0.1", "1.2345678901234567E+19"]


def test_xlsx_truncated_sheet_is_one_error_line(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["keyword"]] + [[f"buy thing {i}"] for i in range(200)]
    src = workbook(tmp_path / "in.xlsx", ("S", rows))
    rewrite_member(src, SHEET1, lambda x: x[: len(x) // 2])
    code, _, err = label_rows(src, tmp_path, tiny_path, capsys)
    assert code == 1 and one_error_line(err), err
    assert "in.xlsx:" in err and "sheet 'S' is damaged or truncated here (ParseError" in err
    assert not (tmp_path / "out.csv").exists() and not list(tmp_path.glob(".*.tmp"))


def test_xlsx_zip_bomb_is_refused_before_unpacking(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from intentkit import _io

    src = workbook(tmp_path / "in.xlsx", ("S", [["keyword"], ["PLACEHOLDER"]]))
    size = 2 * _io.XLSX_RATIO_FLOOR  # 32 MiB of one letter: packs about 1000 to 1
    rewrite_member(src, SHEET1, lambda x: x.replace(b"PLACEHOLDER", b"a" * size))
    assert src.stat().st_size < size / _io.XLSX_MAX_RATIO
    code, _, err = label_rows(src, tmp_path, tiny_path, capsys)
    assert code == 1 and one_error_line(err), err
    assert f"in.xlsx: refused: {SHEET1} would unpack" in err and "zip bomb" in err


@pytest.mark.parametrize(
    ("old", "new"), [(b'r="A2"', b'r="XFE2"'), (b'<row r="2"', b'<row r="999999999999"')]
)
def test_xlsx_cell_past_excels_limits_is_one_error_line(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], old: bytes, new: bytes
) -> None:
    src = workbook(tmp_path / "in.xlsx", ("S", [["keyword"], ["buy"]]))
    rewrite_member(src, SHEET1, lambda x: x.replace(old, new))
    code, _, err = label_rows(src, tmp_path, tiny_path, capsys)
    assert code == 1 and one_error_line(err), err
    assert "has a cell past Excel's limits of 1,048,576 rows and 16,384 columns" in err


def test_xlsx_parts_read_whole_have_a_size_limit(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from intentkit import _io

    src = workbook(tmp_path / "in.xlsx", ("S", [["keyword"], ["buy " * 5000]]))
    monkeypatch.setattr(_io, "XLSX_MAX_WHOLE", 15_000)  # 512 MiB, made small
    code, rows, err = label_rows(src, tmp_path, tiny_path, capsys)
    assert code == 0 and rows[1][0] == "buy " * 5000, err  # a 20 kB sheet streams: no limit
    monkeypatch.setattr(_io, "XLSX_MAX_WHOLE", 5_000)
    code, _, err = label_rows(src, tmp_path, tiny_path, capsys)
    assert code == 1 and one_error_line(err), err
    assert "refused: xl/theme/theme1.xml would unpack to" in err and "read whole" in err


def test_framework_and_name_files_are_read_with_a_bound(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("buy\n", encoding="utf-8")
    zero = tmp_path / "endless.json"
    zero.symlink_to("/dev/zero")
    argv = ["label", str(src), "--model", str(tiny_path)]
    code, _, err = run([*argv, "--framework", str(zero)], capsys)
    assert code == 1 and one_error_line(err), err
    assert f"{zero}: larger than 1 MiB; too large for a framework file" in err
    code, _, err = run([*argv, "--brands", "/dev/zero"], capsys)
    assert code == 1 and one_error_line(err), err
    assert "/dev/zero: larger than 64 MiB; too large for a list of names" in err
    (tmp_path / "brands.txt").write_bytes(b"\xef\xbb\xbfacme\nbad \xff\n")
    code, _, err = run([*argv, "--brands", str(tmp_path / "brands.txt")], capsys)
    assert code == 1 and one_error_line(err) and "brands.txt: not UTF-8 text (byte 13)" in err
