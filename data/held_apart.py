"""Write ``data/held_apart.txt``: hashes of the keywords that measure the model.

Usage: ``python data/held_apart.py`` (from the repository root, with ``../shared`` beside it).

A template can generate, by chance, a keyword of a set we measure on; ``data/generate.py`` drops
any row whose hash (:func:`intentkit._dataset.held_apart_key`) is listed, and ``tests/test_data.py``
checks that no training row has one. The sets: our golden file and stage set, and the real-keyword
dev sets in ``../shared/data/real-dev``. Only hashes are written, never the keywords: third-party
keywords stay in ``../shared``. Run it again after editing one of those sets.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from intentkit._dataset import HELD_APART, held_apart_key

ROOT = Path(__file__).resolve().parent.parent
SETS = [
    ROOT / "tests" / "data" / "golden.tsv",
    ROOT / "benchmarks" / "data" / "stages.tsv",
    *sorted((ROOT.parent / "shared" / "data" / "real-dev").glob("*.tsv")),
]


def main() -> int:
    keys: set[str] = set()
    for path in SETS:
        if not path.is_file():
            print(f"missing {path}", file=sys.stderr)
            return 1
        with path.open(encoding="utf-8", newline="") as f:
            keys.update(
                held_apart_key(r["keyword"])
                for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            )
    out = ROOT / "data" / HELD_APART
    out.write_text("".join(f"{k}\n" for k in sorted(keys)), encoding="ascii")
    print(f"wrote {len(keys)} hashes from {len(SETS)} sets to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
