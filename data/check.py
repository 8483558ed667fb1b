"""Validate the labelled keyword files in ``data/keywords``.

Usage: ``python data/check.py [FILE ...]`` (default: every ``*.tsv`` under ``data/keywords``).

The row format and what makes a row valid are defined once, in :mod:`intentkit._dataset`
(:data:`~intentkit._dataset.HEADER`, :func:`~intentkit._dataset.problems`); this script reports
every problem of every file, ``file:line: problem``, and repeated keywords across files, so a
writer can fix the data before training sees it. Exits 1 if there is any.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from intentkit._dataset import keyword_files, problems, read_rows


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent
    files = [Path(a) for a in argv] or keyword_files(root)
    seen: dict[str, str] = {}
    found: list[str] = []
    counts: Counter[tuple[str, str]] = Counter()
    for path in files:
        try:
            for line, row in read_rows(path, check=False):
                where = f"{path}:{line}"
                found += [f"{where}: {p}" for p in problems(row)]
                if row.keyword in seen:
                    found.append(
                        f"{where}: duplicate keyword {row.keyword!r} (first in {seen[row.keyword]})"
                    )
                else:
                    seen[row.keyword] = where
                counts[(row.lang, row.intent)] += 1
        except ValueError as e:
            found.append(str(e))
    for p in found:
        print(p)
    for (lang, intent), n in sorted(counts.items()):
        print(f"{lang}\t{intent}\t{n}")
    print(f"{len(seen)} distinct keywords, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
