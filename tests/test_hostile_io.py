"""Hostile inputs and outputs of `intentkit label` and the API (issue 18, the file half): nothing
lost, nothing executed, one clear error line; each promise of the README's Security section."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import intentkit
from intentkit._cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> bool:
    return len(err.strip().splitlines()) == 1 and "Traceback" not in err


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
