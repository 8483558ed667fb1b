"""Validate the labelled keyword files in ``data/keywords``.

Usage: ``python data/check.py [FILE ...]`` (default: every ``*.tsv`` under ``data/keywords``).

Each file is UTF-8, tab-separated, with the header
``keyword	intent	intent2	lang	vertical	source``. Exits 1 and prints ``file:line: problem``
for every bad row, so a writer can fix the data before training sees it.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

HEADER = ["keyword", "intent", "intent2", "lang", "vertical", "source"]
INTENTS = {"informational", "commercial", "transactional", "navigational", "local"}
LANGS = {"en", "sv"}
# Lower case letters (Latin with Nordic/European accents), digits, spaces, and the few marks
# people type inside tokens: domains (.), model names (-), "&", "+", "'" and "/".
ALLOWED = re.compile(r"^[a-z0-9åäöéèüæøñçáíóúàâêîôûëïß .\-&+'/]+$")


def check(path: Path, seen: dict[str, str]) -> list[str]:
    problems: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != HEADER:
        return [f"{path}:1: header must be the tab-separated columns {HEADER}"]
    for no, line in enumerate(lines[1:], start=2):
        where = f"{path}:{no}"
        cols = line.split("\t")
        if len(cols) != len(HEADER):
            problems.append(f"{where}: expected {len(HEADER)} columns, got {len(cols)}")
            continue
        kw, intent, intent2, lang, vertical, source = cols
        if kw != kw.strip() or "  " in kw or not kw:
            problems.append(f"{where}: keyword has stray spaces or is empty: {kw!r}")
        if not ALLOWED.match(kw):
            problems.append(f"{where}: keyword must be lower case without punctuation: {kw!r}")
        if intent not in INTENTS:
            problems.append(f"{where}: unknown intent {intent!r}")
        if intent2 and (intent2 not in INTENTS or intent2 == intent):
            problems.append(f"{where}: bad second intent {intent2!r}")
        if lang not in LANGS:
            problems.append(f"{where}: lang must be en or sv, not {lang!r}")
        if not re.fullmatch(r"[a-z0-9_]+", vertical):
            problems.append(f"{where}: vertical must be snake_case, not {vertical!r}")
        if not source:
            problems.append(f"{where}: source is empty")
        if kw in seen:
            problems.append(f"{where}: duplicate keyword {kw!r} (first in {seen[kw]})")
        else:
            seen[kw] = where
    return problems


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent / "keywords"
    files = [Path(a) for a in argv] or sorted(root.rglob("*.tsv"))
    seen: dict[str, str] = {}
    problems: list[str] = []
    counts: Counter[tuple[str, str]] = Counter()
    for f in files:
        problems += check(f, seen)
        for line in f.read_text(encoding="utf-8").splitlines()[1:]:
            cols = line.split("\t")
            if len(cols) == len(HEADER):
                counts[(cols[3], cols[1])] += 1
    for p in problems:
        print(p)
    for (lang, intent), n in sorted(counts.items()):
        print(f"{lang}\t{intent}\t{n}")
    print(f"{len(seen)} distinct keywords, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
