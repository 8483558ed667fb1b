"""Issue 17, points 1 to 3: every field of every input format reaches every output format; tools'
notes are told from keywords; XLSX and CSV outputs are ready for a spreadsheet; the tools' column
names, metrics named as what they are, and label columns that never clash."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import one_error_line, run

from intentkit._cli import main
from intentkit._label import LABEL_COLUMNS, excel_delimiter, xlsx_value

DATA = Path(__file__).resolve().parent / "data"


def read_any(path: Path, encoding: str = "utf-8") -> list[dict[str, object]]:
    """The rows of an output file as dicts, whatever its format (XLSX values as typed)."""
    suffix = path.suffix
    if suffix == ".jsonl":
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    if suffix == ".xlsx":
        import openpyxl

        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        return [dict(zip([str(h) for h in rows[0]], r)) for r in rows[1:]]
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t" if suffix == ".tsv" else ","))


ROWS = [
    {"keyword": "köpa cykel", "volume": "1200", "cpc": "0.95", "note": 'a, "quoted"; note'},
    {"keyword": "how to fix a bike", "volume": "007", "cpc": "", "note": "line\nbreak"},
    {"keyword": "", "volume": "0", "cpc": "1.5", "note": "empty keyword"},
]


def write_input(path: Path, fmt: str) -> None:
    header = list(ROWS[0])
    if fmt == "txt":
        path.write_text("".join(r["keyword"] + "\n" for r in ROWS), encoding="utf-8")
    elif fmt in ("csv", "tsv"):
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter="\t" if fmt == "tsv" else ",")
            writer.writerows([header, *([r[h] for h in header] for r in ROWS)])
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    else:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(header)
        for r in ROWS:
            ws.append([r[h] for h in header])
        wb.save(path)


@pytest.mark.parametrize("out_fmt", ["csv", "tsv", "jsonl", "xlsx"])
@pytest.mark.parametrize("in_fmt", ["csv", "tsv", "txt", "jsonl", "xlsx"])
def test_every_input_field_reaches_every_output_format(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], in_fmt: str, out_fmt: str
) -> None:
    pytest.importorskip("openpyxl")
    src = tmp_path / f"in.{in_fmt}"
    write_input(src, in_fmt)
    out = tmp_path / f"out.{out_fmt}"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    rows = read_any(out)
    fields = ["keyword"] if in_fmt == "txt" else list(ROWS[0])
    assert list(rows[0]) == [*fields, *LABEL_COLUMNS]
    for got, want in zip(rows, ROWS, strict=True):
        for name in fields:
            value = got[name]
            if out_fmt == "xlsx" and not isinstance(value, str):  # numbers as numbers
                value = "" if value is None else xlsx_text(value)
            assert value == want[name], (name, value)
    assert rows[0]["intentkit_intent"] == "transactional" and rows[2]["intentkit_intent"] in (
        "",
        None,
    )


def xlsx_text(value: object) -> str:
    return str(value)


def test_jsonl_to_csv_has_a_column_for_every_key_in_first_seen_order(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"keyword": "köpa cykel", "volume": 1200}\n'
        "\n"
        '{"volume": 30, "keyword": "how to", "serp": ["video", "faq"], "meta": {"a": 1.50}}\n'
        "not json\n"
        '{"keyword": "best bike", "extra": null, "flag": true, "big": 12345678901234567890}\n',
        encoding="utf-8",
    )
    for suffix in (".csv", ".tsv"):
        out = tmp_path / f"out{suffix}"
        code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
        assert code == 0, err
        assert "in.jsonl:4: invalid JSON" in err and "(kept)" in err
        rows = read_any(out)
        assert list(rows[0]) == [
            "keyword",
            "volume",
            "serp",
            "meta",
            "extra",
            "flag",
            "big",
            "intentkit_unparsed_line",
            *LABEL_COLUMNS,
        ]
        assert [r["keyword"] for r in rows] == ["köpa cykel", "how to", "", "best bike"]
        assert rows[1]["serp"] == '["video","faq"]' and rows[1]["meta"] == '{"a":1.50}'
        assert rows[0]["serp"] == "" and rows[3]["flag"] == "true" and rows[3]["extra"] == ""
        assert rows[3]["big"] == "12345678901234567890"
        assert (
            rows[2]["intentkit_unparsed_line"] == "not json" and rows[2]["intentkit_intent"] == ""
        )
    code, _, err = run(
        ["label", str(src), "-o", str(out), "--on-error", "skip", "--model", str(tiny_path)],
        capsys,
    )
    assert code == 0 and "intentkit_unparsed_line" not in list(read_any(out)[0])
    code, out_json, _ = run(["summary", str(src), "--json", "--model", str(tiny_path)], capsys)
    summary = json.loads(out_json)
    assert sum(summary["stage_volume"].values()) == 1200 + 30  # JSONL volumes are summed


def test_jsonl_from_stdin_is_spooled_so_every_key_is_a_column(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = b'{"keyword": "a"}\n\n[1]\n{"keyword": "buy", "late": "x"}\n'
    read, write = os.pipe()  # a pipe: standard input that cannot be read twice
    os.write(write, data)
    os.close(write)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(open(read, "rb")))  # noqa: SIM115
    out = tmp_path / "out.csv"
    code, _, err = run(
        ["label", "-", "--input-format", "jsonl", "-o", str(out), "--model", str(tiny_path)],
        capsys,
    )
    assert code == 0, err
    assert "-:3: expected a JSON object, got an array (kept)" in err  # line numbers kept
    rows = read_any(out)
    assert list(rows[0])[:3] == ["keyword", "late", "intentkit_unparsed_line"]
    assert [(r["keyword"], r["late"]) for r in rows] == [("a", ""), ("", ""), ("buy", "x")]


def test_semrush_footer_lines_are_notes_not_keywords(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = DATA / "semrush-footer.csv"
    out = tmp_path / "out.csv"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    assert "read 6 rows, wrote 6" in err and "0 malformed" in err and "2 vendor notes" in err
    rows = read_any(out)
    assert rows[4]["Keyword"].startswith("You can export only first 30000 rows")
    assert rows[5]["Keyword"] == "See plans and prices https://www.semrush.com/prices/"
    assert all(rows[i][c] == "" for i in (4, 5) for c in LABEL_COLUMNS)
    assert rows[4]["Volume"] == "" and rows[5]["SERP Features"] == ""
    assert rows[2]["Keyword"] == "see plans and prices" and rows[2]["intentkit_intent"] != ""
    code, out_json, _ = run(["summary", str(src), "--json", "--model", str(tiny_path)], capsys)
    summary = json.loads(out_json)
    assert summary["keywords"] == 4 and summary["notes"] == 2 and summary["empty"] == 0
    assert sum(summary["stage_volume"].values()) == 1900 + 880 + 20 + 720
    code, text, _ = run(["summary", str(src), "--model", str(tiny_path)], capsys)
    assert "4 keywords, 0 empty, 2 vendor notes (not counted)" in text


@pytest.mark.parametrize(
    ("name", "keyword", "notes", "keywords"),
    [("ahrefs-note.csv", "Keyword", 1, 3), ("se-ranking-note.csv", "Keyword", 1, 3)],
)
def test_ahrefs_and_se_ranking_notes(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    keyword: str,
    notes: int,
    keywords: int,
) -> None:
    out = tmp_path / "out.jsonl"
    code, _, err = run(
        ["label", str(DATA / name), "-o", str(out), "--summary", "--model", str(tiny_path)], capsys
    )
    assert code == 0, err
    assert f"{notes} vendor note)" in err and "0 malformed" in err
    assert f"{keywords} keywords, 0 empty, {notes} vendor note (not counted)" in err
    rows = read_any(out)
    assert rows[-1]["intentkit_intent"] == "" and all(r["intentkit_intent"] for r in rows[:-1])


def test_a_note_resaved_by_a_spreadsheet_is_a_note_and_keywords_never_are(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [
        ["Keyword", "Volume", "Note"],
        ["köpa cykel", 880, None],
        ["see plans and prices", None, None],  # a keyword, sparse: never a note
        ["https://www.example.com login page now", None, None],
        ["You can export only first 30000 rows with your current plan", None, None],
    ]:
        ws.append(row)
    wb.save(tmp_path / "in.xlsx")
    out = tmp_path / "out.csv"
    code, _, err = run(
        ["label", str(tmp_path / "in.xlsx"), "-o", str(out), "--model", str(tiny_path)], capsys
    )
    assert code == 0, err
    assert "1 vendor note)" in err
    assert [bool(r["intentkit_intent"]) for r in read_any(out)] == [True, True, True, False]
    one_column = tmp_path / "list.csv"
    one_column.write_text("Keyword\nYou can export only first 30000 rows\n", encoding="utf-8")
    code, _, err = run(
        ["label", str(one_column), "-o", str(out), "--model", str(tiny_path)], capsys
    )
    assert code == 0 and "vendor note" not in err and read_any(out)[0]["intentkit_intent"] != ""


def test_xlsx_output_has_numbers_a_frozen_header_and_a_filter(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    src = tmp_path / "in.csv"
    src.write_text(
        "Top queries,Clicks,Impressions,CTR,Position,Id,Code,Big,Text\n"
        "köpa cykel,47,1100,4.27%,3.74,007,-12,12345678901234567,1 200\n"
        "how to,0,9,0%,12,0,+3,1e5,0.50\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.xlsx"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    ws = openpyxl.load_workbook(out).active
    assert ws.freeze_panes == "A2"
    width = 9 + len(LABEL_COLUMNS)
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(width)}3"
    header = [c.value for c in ws[1]]
    row = dict(zip(header, (c for c in ws[2])))
    assert row["Clicks"].value == 47 and row["Impressions"].value == 1100
    assert row["CTR"].value == pytest.approx(0.0427) and row["CTR"].number_format == "0.00%"
    assert row["Position"].value == pytest.approx(3.74) and row["Code"].value == -12
    assert row["Id"].value == "007" and row["Big"].value == "12345678901234567"
    assert row["Text"].value == "1 200"
    assert isinstance(row["intentkit_confidence"].value, float)
    assert isinstance(row["intentkit_conversion_score"].value, float)
    assert row["intentkit_intent"].value == "transactional"
    second = dict(zip(header, (c.value for c in ws[3])))
    assert second["Code"] == "+3" and second["Big"] == "1e5" and second["Text"] == 0.5
    assert second["CTR"] == 0


def test_xlsx_value_rules() -> None:
    assert xlsx_value("2200") == 2200 and xlsx_value("-0.25") == -0.25
    assert xlsx_value("123456789012345") == 123456789012345
    for text in ["007", "1234567890123456", "1e3", "+1", "1,200", "0,5", "1.", ".5", "٣", "-"]:
        assert xlsx_value(text) == text
    assert xlsx_value("16.66%") == (pytest.approx(0.1666), "0.00%")


def test_csv_output_keeps_a_cp1252_semicolon_input_as_it_was(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes("Sökord;Sökvolym\r\nköpa cykel;1 200\r\nbästa kaffe;10\r\n".encode("cp1252"))
    out = tmp_path / "out.csv"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    text = out.read_bytes().decode("cp1252")  # not UTF-8: Swedish Excel reads it right
    assert text.startswith("Sökord;Sökvolym;intentkit_intent;")
    assert text.splitlines()[1].startswith("köpa cykel;1 200;transactional;")
    code, _, err = run(
        ["label", str(src), "-o", str(out), "--excel", "--model", str(tiny_path)], capsys
    )
    assert code == 0, err
    assert out.read_bytes().startswith(b"\xef\xbb\xbfS\xc3\xb6kord")


def test_a_character_the_output_encoding_cannot_hold_is_one_error_line(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("keyword,v\nbuy,1\nköpa 中文,2\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    argv = ["label", str(src), "-o", str(out), "--model", str(tiny_path)]
    code, _, err = run([*argv, "--output-encoding", "cp1252"], capsys)
    assert code == 1 and one_error_line(err), err
    assert "out.csv:3: '中文' (in 'köpa 中文,2,transactional," in err
    assert "cannot be written in cp1252" in err and "--output-encoding" in err
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))
    code, _, err = run([*argv, "--output-encoding", "klingon"], capsys)
    assert code == 1 and one_error_line(err) and "unknown output encoding 'klingon'" in err
    code, _, err = run([*argv, "--output-encoding", "utf-16"], capsys)
    assert code == 0, err
    assert out.read_bytes().startswith(b"\xff\xfek\x00") and "köpa 中文" in out.read_text("utf-16")


@pytest.mark.parametrize(
    ("env", "want"),
    [
        ({"LC_ALL": "sv_SE.UTF-8"}, ";"),
        ({"LANG": "de_DE.UTF-8"}, ";"),
        ({"LC_NUMERIC": "de_CH.UTF-8", "LANG": "sv_SE.UTF-8"}, ","),
        ({"LANG": "en_US.UTF-8"}, ","),
        ({"LC_ALL": "C"}, ","),
    ],
)
def test_excel_delimiter_follows_the_locales_decimal_separator(
    env: dict[str, str], want: str
) -> None:
    assert excel_delimiter(env) == want


def test_excel_and_delimiter_flags(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("keyword,volume\nbuy,1\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    argv = ["label", str(src), "-o", str(out), "--model", str(tiny_path)]
    assert run(argv, capsys)[0] == 0
    assert out.read_bytes().startswith(b"keyword,volume,intentkit_intent,")
    monkeypatch.setenv("LC_ALL", "sv_SE.UTF-8")
    assert run([*argv, "--excel"], capsys)[0] == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfkeyword;volume;intentkit_intent;")
    assert run([*argv, "--excel", "--delimiter", "tab"], capsys)[0] == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfkeyword\tvolume\tintentkit_intent\t")
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert run([*argv, "--excel"], capsys)[0] == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfkeyword,volume,")
    with pytest.raises(SystemExit):
        main([*argv, "--delimiter", "x"])
    assert "is not a delimiter" in capsys.readouterr().err
    xlsx = ["label", str(src), "-o", str(tmp_path / "o.xlsx"), "--model", str(tiny_path)]
    code, _, err = run([*xlsx, "--excel"], capsys)
    assert code == 1 and one_error_line(err) and "are for CSV and TSV output, not xlsx" in err


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_output_files_get_the_users_umask(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], mask: int
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("buy\n", encoding="utf-8")
    old = os.umask(mask)
    try:
        for suffix in (".csv", ".xlsx", ".jsonl"):
            out = tmp_path / f"out-{mask:o}{suffix}"
            code, _, err = run(
                ["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys
            )
            assert code == 0, err
            assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask, suffix
    finally:
        os.umask(old)
    out.chmod(0o600)  # a file replaced keeps its own mode
    assert run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)[0] == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "argv",
    [
        ["info"],
        ["classify", "buy shoes", "how to"],
        ["label", "{src}"],
        ["summary", "{src}"],
        ["evaluate", "{labelled}"],
    ],
    ids=lambda a: a[0],
)
def test_a_closed_standard_output_is_a_quiet_exit(
    tiny_path: Path, tmp_path: Path, argv: list[str]
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("buy shoes\n" * 5000, encoding="utf-8")
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("Keyword,Intent\nbuy shoes,Transactional\n", encoding="utf-8")
    args = [a.format(src=src, labelled=labelled) for a in argv]
    read, write = os.pipe()
    os.close(read)  # as `| head` does once it has read enough
    try:
        done = subprocess.run(
            [sys.executable, "-m", "intentkit", *args, "--model", str(tiny_path)],
            stdout=write,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(write)
    stderr = done.stderr.decode()
    assert "Broken pipe" not in stderr and "Traceback" not in stderr and "Exception" not in stderr
    assert done.returncode == 141, stderr


@pytest.mark.parametrize(
    ("text", "header", "keywords"),
    [
        ("köpa cykel\n", "keyword", ["köpa cykel"]),
        ("köpa cykel\nbästa cykel\n", "keyword", ["köpa cykel", "bästa cykel"]),
        ("Keyword\nköpa cykel\n", "Keyword", ["köpa cykel"]),
        ("\ufeffKEYWORDS\nköpa cykel\n", "KEYWORDS", ["köpa cykel"]),
        ("Sökord\nköpa cykel\n", "Sökord", ["köpa cykel"]),
        ("\nköpa cykel\n", "keyword", ["", "köpa cykel"]),
    ],
)
def test_a_one_column_input_has_a_header_only_when_it_is_a_keyword_column_name(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    header: str,
    keywords: list[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    code, out, err = run(["label", "-", "--model", str(tiny_path)], capsys)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[0] == [header, *LABEL_COLUMNS]
    assert [r[0] for r in rows[1:]] == keywords
    assert f"read {len(keywords)} rows" in err


def test_a_one_column_sheet_without_a_header(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    for k in ["köpa cykel", "how to"]:
        wb.active.append([k])
    wb.save(tmp_path / "in.xlsx")
    out = tmp_path / "out.csv"
    code, _, err = run(
        ["label", str(tmp_path / "in.xlsx"), "-o", str(out), "--model", str(tiny_path)], capsys
    )
    assert code == 0, err
    assert [r["keyword"] for r in read_any(out)] == ["köpa cykel", "how to"]


SEARCH_CONSOLE = [
    ("Top queries,Clicks,Impressions,CTR,Position", "{k},{c},{i},1%,2"),
    (
        "Query,Last 28 days Clicks,Previous 28 days Clicks,Last 28 days Impressions,"
        "Previous 28 days Impressions",
        "{k},{c},999,{i},999",
    ),
    ("Vanligaste sökfrågorna,Klick,Exponeringar,CTR,Position", "{k},{c},{i},1%,2"),
]


@pytest.mark.parametrize(("header", "row"), SEARCH_CONSOLE, ids=["en", "comparison", "sv"])
def test_search_console_impressions_and_clicks_are_named_as_what_they_are(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, row: str
) -> None:
    lines = [header] + [
        row.format(k=k, c=c, i=i) for k, c, i in [("buy shoes", 10, 100), ("how to", 1, 50)]
    ]
    src = tmp_path / "gsc.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(["summary", str(src), "--json", "--model", str(tiny_path)], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["stage_volume"] is None and data["intent_volume"] is None
    assert sum(data["stage_impressions"].values()) == 150
    assert sum(data["stage_clicks"].values()) == 11
    assert data["conversions_basis"] == "clicks"
    code, text, _ = run(["summary", str(src), "--model", str(tiny_path)], capsys)
    assert "impressions" in text and "clicks" in text and "volume" not in text
    assert "expected conversions (clicks x conversion score)" in text


def test_impressions_alone_are_never_multiplied_into_conversions(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("Query,Exponeringar\nbuy shoes,100\n", encoding="utf-8")
    code, out, _ = run(["summary", str(src), "--json", "--model", str(tiny_path)], capsys)
    data = json.loads(out)
    assert data["expected_conversions"] is None and data["conversions_basis"] is None
    assert data["stage_impressions"]["conversion"] == 100
    code, text, _ = run(["summary", str(src), "--model", str(tiny_path)], capsys)
    assert code == 0
    assert "expected conversions: not computed (impressions are not clicks" in text


@pytest.mark.parametrize(
    ("header", "metric"),
    [
        ("Keyword;Search vol.", "volume"),
        ("Sökord;Sökvolym", "volume"),
        ("Nyckelord;Volym", "volume"),
        ("Keyword;Avg. monthly searches", "volume"),
        ("Search term;Impr.", "impressions"),
        ("Sökfråga;Klick", "clicks"),
    ],
)
def test_the_tools_metric_column_names(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, metric: str
) -> None:
    src = tmp_path / "in.csv"
    src.write_text(f"{header}\nbuy shoes;1 200\n", encoding="utf-8")
    code, out, err = run(["summary", str(src), "--json", "--model", str(tiny_path)], capsys)
    assert code == 0, err
    assert json.loads(out)[f"stage_{metric}"]["conversion"] == 1200


def test_semrush_keyword_intents_column_is_read_by_evaluate(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "semrush.csv"
    src.write_text(
        'Keyword,Keyword Intents,Volume\nbuy shoes,"Transactional, Commercial",10\nhow to,'
        "Informational,5\n",
        encoding="utf-8",
    )
    code, report, err = run(["evaluate", str(src), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    assert "macro-F1" in report


def test_label_frame_finds_the_keyword_column_and_replaces_its_own_columns(
    tiny_path: Path,
) -> None:
    pd = pytest.importorskip("pandas")
    from intentkit import IntentClassifier, label_frame

    clf = IntentClassifier(model=tiny_path)
    df = pd.DataFrame({"Intent": ["Informational", "x"], "Keyword": ["buy", "how"]})
    out = label_frame(df, classifier=clf)
    assert list(out.columns) == ["Intent", "Keyword", *LABEL_COLUMNS]
    assert list(out["intentkit_intent"]) == ["transactional", "informational"]
    assert list(out["Intent"]) == ["Informational", "x"]
    again = label_frame(out, classifier=clf)
    assert list(again.columns) == list(out.columns)
    assert again.equals(out)
    gsc = pd.DataFrame({"Top queries": ["köpa skor"], "Clicks": [3]})
    assert label_frame(gsc, classifier=clf)["intentkit_intent"].tolist() == ["transactional"]
    with pytest.raises(KeyError, match="no keyword column found"):
        label_frame(pd.DataFrame({"volume": [1]}), classifier=clf)


def test_journey_summary_names_each_metric() -> None:
    from intentkit import IntentClassifier, journey_summary

    clf = IntentClassifier()
    results = clf.classify_many(["buy shoes", "how to tie shoes"])
    s = journey_summary(results, impressions=[100, 50], clicks=[10, 1])
    assert s.stage_volume is None and s.conversions_basis == "clicks"
    assert sum(s.stage_impressions.values()) == 150 and sum(s.stage_clicks.values()) == 11
    expected = 10 * results[0].conversion.score + 1 * results[1].conversion.score
    assert s.expected_conversions == pytest.approx(expected)
    v = journey_summary(results, [1000, 10])
    assert v.conversions_basis == "volume" and v.stage_impressions is None
    i = journey_summary(results, impressions=[1, 2])
    assert i.expected_conversions is None and i.conversions_basis is None
    with pytest.raises(ValueError, match="1 clicks for 2 classifications"):
        journey_summary(results, clicks=[1])
