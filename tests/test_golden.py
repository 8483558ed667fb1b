"""The shipped model on the golden file: unambiguous keywords it must get right."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from intentkit import Intent, classify_many

GOLDEN = Path(__file__).resolve().parent / "data" / "golden.tsv"
MIN_ACCURACY = 0.97


def load() -> list[dict[str, str]]:
    with GOLDEN.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_golden_file_covers_every_intent_in_both_languages() -> None:
    rows = load()
    counts = Counter((r["lang"], r["intent"]) for r in rows)
    for lang in ("en", "sv"):
        for intent in Intent:
            assert counts[(lang, intent.value)] >= 25, (lang, intent.value)
    assert len({r["keyword"] for r in rows}) == len(rows)


def test_shipped_model_gets_the_golden_file_right() -> None:
    rows = load()
    results = classify_many([r["keyword"] for r in rows])
    misses = [
        f"{r['keyword']!r}: expected {r['intent']}, got {res.intent} ({res.confidence:.2f})"
        for r, res in zip(rows, results)
        if res.intent is None or res.intent.value != r["intent"]
    ]
    accuracy = 1 - len(misses) / len(rows)
    print(f"golden accuracy {accuracy:.3f} on {len(rows)} keywords; misses:")
    print("\n".join(misses))
    assert accuracy >= MIN_ACCURACY, "\n".join(misses)
