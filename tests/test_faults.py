"""Command-line faults: a one-line error naming file and line with exit code 1, or a kept row;
never a traceback; the output complete or absent; the input never modified."""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path

import pytest

from intentkit import _io
from intentkit._cli import main


def label(
    src: Path, out: Path, model: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str]:
    code = main(["label", str(src), "-o", str(out), "--model", str(model), *extra])
    return code, capsys.readouterr().err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("content", "code", "expect"),
    [
        (b"keyword,v\n", 0, "read 0 rows, wrote 0"),
        (b'keyword,v\n"unbalanced,1\nnext,2\n', 1, "in.csv:2: malformed quoting"),
        (b"keyword,v\nab\x00c,1\nok,2\n", 0, "read 2 rows, wrote 2"),
        (b"keyword,v\r\nbuy,1\rhow,2\nbest,3\r\n", 0, "read 3 rows, wrote 3"),
        (
            b"keyword,v\n" + b"k\xc3\xb6pa,1\n" * 10_000 + b"bad \xc3\x28 byte,2\n",
            1,
            "in.csv:10002: invalid bytes",
        ),
        (
            b"keyword,v\n" + b"a,1\rb,2\n" * 10_000 + b"bad \xc3\x28 byte,2\n",
            1,
            "in.csv:20002: invalid bytes",
        ),
        (
            b"keyword,v\n" + b"ok,1\n" * 20_000 + b'"unbalanced,1\nnext,2\n',
            1,
            "in.csv:20002: malformed quoting",
        ),
        (b"volume,cpc\n1,2\n", 1, "in.csv:1: no keyword column found"),
        (b"keyword,v\n" + b"x" * 1_000_000 + b",1\nbuy,2\n", 0, "read 2 rows, wrote 2"),
    ],
    ids=[
        "header-only",
        "unbalanced-quote",
        "nul-byte",
        "mixed-line-endings",
        "invalid-bytes",
        "invalid-bytes-after-lone-cr-lines",
        "unbalanced-quote-in-a-later-block",
        "no-column",
        "1mb-field",
    ],
)
def test_file_faults(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    code: int,
    expect: str,
) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    before = digest(src)
    out = tmp_path / "out.csv"
    got, err = label(src, out, tiny_path, capsys)
    assert got == code, err
    assert expect in err and "Traceback" not in err
    if code == 1:
        assert not out.exists()
        assert len(err.strip().splitlines()) == 1
    else:
        assert out.exists()
        n_rows = len(out.read_bytes().replace(b"\r\n", b"\n").split(b"\n")) - 2
        assert n_rows == int(expect.split("wrote ")[1].split()[0])
    assert digest(src) == before and no_temp_files(tmp_path)


def test_unreadable_input_is_one_line(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = label(tmp_path, tmp_path / "o.csv", tiny_path, capsys)
    assert code == 1 and "is a directory" in err
    code, err = label(tmp_path / "missing.csv", tmp_path / "o.csv", tiny_path, capsys)
    assert code == 1 and "missing.csv" in err and len(err.strip().splitlines()) == 1


def test_read_only_output_folder(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("buy\n")

    def denied(*args: object, **kwargs: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "ro"))

    monkeypatch.setattr(_io.tempfile, "mkstemp", denied)
    code, err = label(src, tmp_path / "o.csv", tiny_path, capsys)
    assert code == 1 and "Permission denied" in err and "Traceback" not in err


def test_disk_full_leaves_no_output(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from intentkit import _label

    src = tmp_path / "in.txt"
    src.write_text("".join(f"buy thing {i}\n" for i in range(30_000)))
    original = _label._Writer.write_lines
    calls = {"n": 0}

    def failing(self: object, rows: list[list[str]], lines: list[str]) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # after a first chunk was written
            raise OSError(errno.ENOSPC, "No space left on device")
        original(self, rows, lines)  # type: ignore[arg-type]

    monkeypatch.setattr(_label._Writer, "write_lines", failing)
    out = tmp_path / "o.csv"
    code, err = label(src, out, tiny_path, capsys)
    assert code == 1 and "No space left on device" in err
    assert not out.exists() and no_temp_files(tmp_path)


def test_shipped_model_is_checked_against_its_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import shutil

    from intentkit import IntentClassifier
    from intentkit import _classifier as clf_module

    shipped = clf_module.default_model_path()
    shutil.copy(shipped, tmp_path / shipped.name)
    card = json.loads((shipped.parent / clf_module.CARD_FILE).read_text(encoding="utf-8"))
    card["sha256"] = "0" * 64
    (tmp_path / clf_module.CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    monkeypatch.setattr(clf_module, "default_model_path", lambda: tmp_path / shipped.name)
    monkeypatch.setattr(clf_module, "_models", {})
    with pytest.raises(ValueError, match="SHA-256 does not match its model card"):
        IntentClassifier().classify("x")


def test_long_label_run_keeps_flat_memory(
    tiny_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracemalloc

    from intentkit import IntentClassifier, _scorer
    from intentkit._io import open_table
    from intentkit._label import label as label_table

    monkeypatch.setattr(_scorer, "TOKEN_CACHE_LIMIT", 2_000)
    clf = IntentClassifier(model=tiny_path)
    peaks = []
    for n in (16_000, 48_000):
        src = tmp_path / f"in{n}.txt"
        src.write_text("".join(f"buy word{i % 5000} thing{i}\n" for i in range(n)))
        with src.open("rb") as binary:
            table = open_table(str(src), binary)
            tracemalloc.start()
            label_table(table, clf, str(tmp_path / f"out{n}.csv"))
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
    assert peaks[1] < 1.2 * peaks[0], peaks  # three times the rows, the same peak
