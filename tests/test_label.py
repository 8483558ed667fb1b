"""`intentkit label`, `summary`, `evaluate` and `train` on files: formats, encodings, faults, real exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import SHARED, run

from intentkit._io import detect_delimiter, detect_encoding
from intentkit._label import LABEL_COLUMNS
from intentkit._labels import parse_intents

KEYWORDS = ["how to buy", "best login", "", "köpa skor", "netflix", "pizza malmö"]


def read_csv(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def semrush_like(tmp_path: Path) -> Path:
    lines = ["Keyword,Intent,Volume,CPC (USD)"]
    lines += [f'"{k}",Informational,{10 * (i + 1)},0.5' for i, k in enumerate(KEYWORDS)]
    return write(tmp_path / "export.csv", "\n".join(lines) + "\n")


def test_label_csv_keeps_every_row_and_column_in_order(
    tiny_path: Path, semrush_like: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    code, _, err = run(
        ["label", str(semrush_like), "-o", str(out), "--model", str(tiny_path)], capsys
    )
    assert code == 0, err
    rows = read_csv(out)
    assert [r["Keyword"] for r in rows] == KEYWORDS
    assert list(rows[0]) == ["Keyword", "Intent", "Volume", "CPC (USD)", *LABEL_COLUMNS]
    assert rows[0]["Volume"] == "10" and rows[0]["intentkit_intent"] == "informational"
    assert rows[2]["intentkit_intent"] == "" and rows[2]["intentkit_stage"] == ""
    assert rows[5]["intentkit_intent"] == "local" and rows[5]["intentkit_stage"] == "conversion"
    probs = [
        float(rows[0][f"intentkit_p_{i}"])
        for i in ("informational", "commercial", "transactional", "navigational", "local")
    ]
    assert sum(probs) == pytest.approx(1.0, abs=1e-3)
    assert "read 6 rows, wrote 6" in err and "1 with an empty keyword" in err
    assert not list(tmp_path.glob(".*.tmp"))


def test_utf16_tab_ahrefs_with_flag_columns(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "Keyword\tVolume\tNavigational\tInformational\tCommercial\tTransactional\tBranded\tLocal\n"
    )
    text += "how to buy\t100\tfalse\ttrue\tfalse\tfalse\tfalse\tfalse\n"
    text += "netflix\t900\ttrue\tfalse\tfalse\tfalse\ttrue\tfalse\n"
    text += "pizza malmö\t50\tfalse\tfalse\tfalse\tfalse\tfalse\ttrue\n"
    src = tmp_path / "ahrefs.csv"
    src.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert detect_encoding(src.read_bytes()[:100]) == "utf-16"
    out = tmp_path / "out.tsv"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    assert out.read_bytes().startswith(b"\xff\xfeK\x00")  # UTF-16 in, UTF-16 out
    rows = read_csv(out, "\t", "utf-16")
    assert [r["Keyword"] for r in rows] == ["how to buy", "netflix", "pizza malmö"]
    assert rows[1]["Navigational"] == "true" and rows[1]["intentkit_intent"] == "navigational"
    code, report, _ = run(["evaluate", str(src), "--model", str(tiny_path)], capsys)
    assert code == 0 and "macro-F1" in report and "| navigational |" in report


def test_cp1252_semicolon_swedish(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(
        tmp_path / "excel.csv",
        "Sökord;Sökvolym\r\nköpa skor;1 200\r\npizza malmö;300\r\nbästa kaffe;10\r\n",
        "cp1252",
    )
    assert detect_encoding(src.read_bytes()) == "cp1252"
    out = tmp_path / "out.jsonl"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["Sökord"] for r in rows] == ["köpa skor", "pizza malmö", "bästa kaffe"]
    assert rows[0]["intentkit_intent"] == "transactional" and rows[1]["intentkit_intent"] == "local"


def test_txt_and_jsonl_inputs(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    txt = write(tmp_path / "list.txt", "how to buy\n\nnetflix\n")
    out = tmp_path / "out.csv"
    assert run(["label", str(txt), "-o", str(out), "--model", str(tiny_path)], capsys)[0] == 0
    assert [r["keyword"] for r in read_csv(out)] == ["how to buy", "", "netflix"]
    jl = write(
        tmp_path / "in.jsonl", '{"query": "buy", "clicks": 3}\n{"query": "how", "clicks": 1}\n'
    )
    out2 = tmp_path / "out2.jsonl"
    assert run(["label", str(jl), "-o", str(out2), "--model", str(tiny_path)], capsys)[0] == 0
    rows = [json.loads(x) for x in out2.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == {**rows[0], "query": "buy", "clicks": 3, "intentkit_intent": "transactional"}


def test_xlsx_round_trip(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Search term", "Impressions"])
    ws.append(["köpa skor", 10])
    ws.append(["how to buy", 5])
    wb.save(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    code, _, err = run(
        ["label", str(tmp_path / "in.xlsx"), "-o", str(out), "--model", str(tiny_path)], capsys
    )
    assert code == 0, err
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Search term", "Impressions", "intentkit_intent")
    assert [r[0] for r in rows[1:]] == ["köpa skor", "how to buy"]


def test_ragged_rows_keep_skip_fail(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path / "r.csv", "keyword,volume\nbuy,1\nhow,2,extra\nbest\n")
    out = tmp_path / "o.csv"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0 and "r.csv:3: 3 fields, the header has 2 (kept)" in err
    rows = read_csv(out)
    assert [r["keyword"] for r in rows] == ["buy", "how", "best"]
    assert rows[1]["volume"] == "2,extra" and rows[2]["volume"] == ""
    code, _, err = run(
        ["label", str(src), "-o", str(out), "--on-error", "skip", "--model", str(tiny_path)], capsys
    )
    assert code == 0 and [r["keyword"] for r in read_csv(out)] == ["buy"]
    out.unlink()
    code, _, err = run(
        ["label", str(src), "-o", str(out), "--on-error", "fail", "--model", str(tiny_path)], capsys
    )
    assert (
        code == 1 and err.strip() == "intentkit: error: " + f"{src}:3: 3 fields, the header has 2"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"volume,cpc\n1,2\n", "no keyword column found"),
    ],
    ids=["empty", "no-column"],
)
def test_bad_input_is_one_line_error(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    src = tmp_path / "bad.csv"
    src.write_bytes(content)
    out = tmp_path / "o.csv"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 1 and message in err and "bad.csv" in err
    assert len(err.strip().splitlines()) == 1 and not out.exists()


def test_invalid_utf8_after_a_utf8_start_names_the_line(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "late.csv"
    src.write_bytes(b"keyword\n" + b"k\xc3\xb6pa\n" * 20000 + b"bad \xff here\n")
    out = tmp_path / "o.csv"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 1 and "late.csv:20002: invalid bytes for encoding utf-8" in err
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_missing_input_and_output_folder(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["label", str(tmp_path / "nope.csv"), "--model", str(tiny_path)], capsys)
    assert code == 1 and "nope.csv" in err
    src = write(tmp_path / "k.txt", "buy\n")
    code, _, err = run(
        ["label", str(src), "-o", str(tmp_path / "no" / "o.csv"), "--model", str(tiny_path)], capsys
    )
    assert code == 1 and "does not exist" in err


def test_summary_with_volume(
    tiny_path: Path, semrush_like: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["summary", str(semrush_like), "--json", "--model", str(tiny_path)], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["keywords"] == 6 and data["empty"] == 1
    assert sum(data["stage_volume"].values()) == 10 + 20 + 40 + 50 + 60


def test_parse_intents_in_every_tool_form() -> None:
    assert parse_intents("Informational") == ("informational",)
    assert parse_intents("informational|transactional") == ("transactional", "informational")
    assert parse_intents("L, C") == ("local", "commercial")
    assert parse_intents("0,2", numeric=True) == ("navigational", "commercial")
    assert parse_intents("Informational,Commercial,Non-branded,Non-local") == (
        "commercial",
        "informational",
    )
    assert parse_intents("Branded") == ()
    assert detect_delimiter('"a;b",c,d') == ","
    assert detect_delimiter("a;b;c") == ";"


def test_train_from_a_labelled_export(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn")
    lines = ["Keyword,Intent"]
    for w in ["shoes", "bike", "lamp", "sofa", "phone", "tv", "desk", "chair"]:
        lines += [
            f"buy {w},Transactional",
            f"how to fix {w},Informational",
            f"best {w},Commercial",
            f"{w}shop login,Navigational",
            f'{w} near me,"Transactional, Informational"',
        ]
    src = write(tmp_path / "labelled.csv", "\n".join(lines) + "\n")
    out = tmp_path / "mymodel"
    code, _, err = run(["train", str(src), "-o", str(out)], capsys)
    assert code == 0, err
    code, report, _ = run(["evaluate", str(src), "--model", str(out / "intentkit.npz")], capsys)
    assert code == 0 and "macro-F1" in report
    code, out_json, _ = run(
        ["classify", "--json", "--model", str(out / "intentkit.npz"), "buy lamp"], capsys
    )
    assert json.loads(out_json)["intent"] == "transactional"


EXPORTS = SHARED / "data" / "exports"


@pytest.mark.skipif(not EXPORTS.is_dir(), reason="../shared/data/exports is not beside this clone")
@pytest.mark.parametrize(
    "name", sorted(p.name for p in EXPORTS.glob("*.csv")) if EXPORTS.is_dir() else []
)
def test_real_exports(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    src = EXPORTS / name
    before = src.read_bytes()
    out = tmp_path / "out.csv"
    code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
    assert code == 0, err
    with src.open(encoding="utf-8-sig", newline="") as f:
        original = list(csv.reader(f))
    labelled = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(labelled) == len(original)
    assert [r[: len(original[0])] for r in labelled[1:]] == original[1:]
    assert labelled[0] == original[0] + list(LABEL_COLUMNS)
    assert src.read_bytes() == before


def test_label_frame_keeps_index_and_order(tiny_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    from intentkit import IntentClassifier, label_frame

    df = pd.DataFrame(
        {"keyword": ["buy", None, "how", "pizza malmö"], "volume": [1, 2, 3, 4]},
        index=[30, 10, 20, 5],
    )
    out = label_frame(df, classifier=IntentClassifier(model=tiny_path))
    assert list(out.index) == [30, 10, 20, 5]
    assert list(out.columns) == ["keyword", "volume", *LABEL_COLUMNS]
    assert list(out["intentkit_intent"]) == ["transactional", "", "informational", "local"]
    assert out["intentkit_p_local"].dtype.kind == "f" and pd.isna(
        out.loc[10, "intentkit_confidence"]
    )
    assert list(df.columns) == ["keyword", "volume"]  # the input is not modified
    with pytest.raises(KeyError, match="no column 'query'"):
        label_frame(df, column="query", classifier=IntentClassifier(model=tiny_path))


def test_label_from_stdin_with_progress(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    data = b"Keyword\nbuy\nhow\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    out = tmp_path / "o.csv"
    code, _, err = run(
        ["label", "-", "-o", str(out), "--progress", "--model", str(tiny_path)], capsys
    )
    assert code == 0, err
    assert [r["intentkit_intent"] for r in read_csv(out)] == ["transactional", "informational"]
    assert "\r" in err and "rows/s" in err


def test_label_summary_flag(
    tiny_path: Path, semrush_like: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        [
            "label",
            str(semrush_like),
            "-o",
            str(tmp_path / "o.csv"),
            "--summary",
            "--model",
            str(tiny_path),
        ],
        capsys,
    )
    assert code == 0
    assert "journey map (funnel): 6 keywords, 1 empty" in err
    assert "expected conversions" in err


def test_utf16_be_and_tsv_inputs(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Keyword\tSearch Volume\nbuy shoes\t10\npizza malmö\t20\n"
    be = tmp_path / "be.tsv"
    be.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    plain = tmp_path / "plain.tsv"
    plain.write_text(text, encoding="utf-8")
    for src in (be, plain):
        out = tmp_path / f"{src.stem}.out.csv"
        code, _, err = run(["label", str(src), "-o", str(out), "--model", str(tiny_path)], capsys)
        assert code == 0, err
        assert out.read_bytes().startswith(b"\xfe\xff\x00K" if src == be else b"Keyword")
        rows = read_csv(out, encoding="utf-16" if src == be else "utf-8")
        assert [(r["Keyword"], r["Search Volume"], r["intentkit_intent"]) for r in rows] == [
            ("buy shoes", "10", "transactional"),
            ("pizza malmö", "20", "local"),
        ]


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
@pytest.mark.parametrize(
    "stage_names", [("learn", "buy", "keep"), ('learn, "then"', "buy", "keep")]
)
def test_label_output_is_what_the_csv_writer_writes(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
    stage_names: tuple[str, str, str],
) -> None:
    """Chunks whose fields need quoting (delimiters, quotes, line breaks) and chunks that don't,
    and stage names that need quoting, all give the csv module's own output."""
    from intentkit import IntentClassifier, _label
    from intentkit._label import label_fields

    monkeypatch.setattr(_label, "CHUNK_ROWS", 3)
    learn, buy, keep = stage_names
    framework = {
        "name": "mine",
        "stages": [learn, buy, keep],
        "intents": {"informational": learn, "commercial": learn, "transactional": buy}
        | {"navigational": buy, "local": buy},
        "cues": {"retention": keep, "renew": keep},
    }
    (tmp_path / "f.json").write_text(json.dumps(framework), encoding="utf-8")
    rows = [[f"buy shoes {i}", "10"] for i in range(7)]
    rows[4] = ["best, cheap\tshoes", 'say "hi"\nthere']
    rows[5] = ["", "0"]
    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["keyword", "volume"], *rows])
    out = tmp_path / f"out{suffix}"
    argv = ["label", str(src), "-o", str(out), "--model", str(tiny_path)]
    code, _, err = run([*argv, "--framework", str(tmp_path / "f.json")], capsys)
    assert code == 0, err
    clf = IntentClassifier(model=tiny_path, framework=framework)
    expected = io.StringIO()
    writer = csv.writer(expected, delimiter="\t" if suffix == ".tsv" else ",", lineterminator="\n")
    writer.writerow(["keyword", "volume", *LABEL_COLUMNS])
    writer.writerows([*r, *label_fields(clf.classify(r[0]))] for r in rows)
    assert out.read_text(encoding="utf-8") == expected.getvalue()
