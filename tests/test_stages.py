"""The shipped model's journey stages on a labelled set written apart from the training data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from intentkit import IntentClassifier

STAGES = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "stages.tsv"


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_stage_accuracy_per_language(lang: str) -> None:
    with STAGES.open(encoding="utf-8", newline="") as f:
        rows = [
            r
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            if r["lang"] == lang
        ]
    assert len(rows) >= 150
    results = IntentClassifier().classify_many([r["keyword"] for r in rows])
    misses = [
        f"{r['keyword']!r}: {r['stage']} != {x.stage}"
        for r, x in zip(rows, results)
        if x.stage != r["stage"]
    ]
    accuracy = 1 - len(misses) / len(rows)
    print(f"{lang} stage accuracy {accuracy:.3f}", *misses, sep="\n")
    assert accuracy >= 0.90, misses
