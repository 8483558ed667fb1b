"""The training data: valid rows, enough of them, and a generator that reproduces its output."""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"intentkit_data_{name}", DATA / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def rows() -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for path in sorted((DATA / "keywords").rglob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as f:
            out += list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return out


def test_every_row_is_valid() -> None:
    check = load("check")
    assert check.main([]) == 0


def test_generator_reproduces_the_committed_rows() -> None:
    generate = load("generate")
    with (DATA / "keywords" / "generated.tsv").open(encoding="utf-8", newline="") as f:
        committed = [
            tuple(r.values()) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]
    hand = {r["keyword"] for r in rows() if r["source"] == "hand"}
    apart = generate.held_apart()
    assert [r for r in generate.generate() if r[0] not in hand and r[0] not in apart] == committed


def test_no_training_keyword_is_in_our_own_test_sets() -> None:
    """The golden file and the stage set measure keywords the model was not trained on."""
    generate = load("generate")
    apart = generate.held_apart()
    assert len(apart) > 500
    assert [r["keyword"] for r in rows() if r["keyword"] in apart] == []


def test_sizes_the_datasheet_promises() -> None:
    data = rows()
    assert len({r["keyword"] for r in data}) >= 15_000
    assert sum(r["lang"] == "sv" for r in data) >= 5_000
    assert sum(r["source"] == "hand" for r in data) >= 5_000
    per = Counter((r["lang"], r["intent"]) for r in data)
    for intent in ("informational", "commercial", "transactional", "navigational", "local"):
        assert per[("en", intent)] + per[("sv", intent)] >= 1_500
        assert per[("sv", intent)] >= 400
    templates = Counter(r["source"] for r in data if r["source"] != "hand")
    assert max(templates.values()) <= 0.02 * len(data)
    assert len({r["vertical"] for r in data}) >= 30


def shared_keywords() -> set[str]:
    """Every keyword of the third-party files in ``../shared/data`` (first column, lower case)."""
    root = DATA.parent.parent / "shared" / "data"
    seen: set[str] = set()
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".tsv", ".csv", ".txt"}:
            continue
        raw = path.read_bytes()
        text = (
            raw.decode("utf-16")
            if raw[:2] in (b"\xff\xfe", b"\xfe\xff")
            else raw.decode("utf-8-sig", "replace")
        )
        if path.suffix == ".txt":
            seen.update(line.strip().lower() for line in text.splitlines())
            continue
        delimiter = "\t" if text.count("\t") > text.count(",") else ","
        seen.update(
            row[0].strip().lower()
            for row in csv.reader(text.splitlines(), delimiter=delimiter)
            if row
        )
    return seen


def test_hand_rows_are_not_copied_from_the_shared_data() -> None:
    shared = shared_keywords()
    if not shared:
        pytest.skip("../shared/data is not beside the repository")
    copied = [r["keyword"] for r in rows() if r["source"] == "hand" and r["keyword"] in shared]
    assert copied == []
