"""The command line, driven through main(argv) and as the installed console script."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from intentkit import __version__
from intentkit._cli import main
from intentkit._model import load_model


def run(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    stdin: str | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_classify_json(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["classify", "--json", "--model", str(tiny_path), "how to buy", ""], capsys
    )
    assert code == 0 and err == ""
    lines = [json.loads(x) for x in out.splitlines()]
    assert [x["keyword"] for x in lines] == ["how to buy", ""]
    assert lines[0]["intent"] == "informational" and lines[1]["intent"] is None


def test_classify_table_from_stdin(
    tiny_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        ["classify", "--model", str(tiny_path)], capsys, "buy shoes\nnetflix\n", monkeypatch
    )
    assert code == 0
    rows = out.splitlines()
    assert rows[0].split()[:3] == ["keyword", "intent", "conf"]
    assert rows[1].split()[:3] == ["buy", "shoes", "transactional"]
    assert rows[2].split()[:2] == ["netflix", "navigational"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"intentkit {__version__}"


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["frobnicate"])
    assert e.value.code == 2


def test_bad_model_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"nope")
    code, out, err = run(["classify", "--model", str(bad), "x"], capsys)
    assert code == 1 and out == ""
    assert err.startswith("intentkit: error: ") and "bad.npz" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_train_rejects_missing_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["train", str(tmp_path / "nowhere"), "-o", str(tmp_path / "m")], capsys)
    assert code == 1 and "nowhere" in err


def test_info_prints_model_meta(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["info", "--model", str(tiny_path)], capsys)
    assert code == 0 and json.loads(out)["model_version"] == load_model(tiny_path).version


def test_console_script_is_installed() -> None:
    exe = shutil.which("intentkit") or str(Path(sys.executable).parent / "intentkit")
    assert Path(exe).exists(), "the intentkit console script is not installed"
    done = subprocess.run([exe, "classify", "--json", "köpa cykel"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["keyword"] == "köpa cykel"
    assert subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip() == (
        f"intentkit {__version__}"
    )


def test_python_dash_m_runs_the_same_command_line() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "intentkit", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"intentkit {__version__}"
