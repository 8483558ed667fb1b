"""Write ``src/intentkit/anchors.txt.gz``: the general keywords that adapting a model keeps right.

Usage: ``python data/anchors.py`` (from the repository root).

Adapting the shipped model to a user's labels (``intentkit train my-labels.csv``) must not move
what it says about everything else; an installed intentkit has no training data to check that
against, so the package carries this sample of it: :data:`SIZE` keywords labelled one by one
(hand-written and hand-labelled paid-search rows, no template rows), the same number from each
language and intent, drawn with a fixed seed. Only keywords are written, not labels: adapting
keeps the base model's own probabilities of them (see ``intentkit._adapt``). The file is
gzip-compressed without a timestamp, so the same data gives the same bytes.
"""

from __future__ import annotations

import gzip
import io
import random
import sys
from pathlib import Path

from intentkit._dataset import from_template, read_dataset
from intentkit.types import INTENT_ORDER

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "intentkit" / "anchors.txt.gz"
SIZE = 4000
SEED = 4


def main() -> int:
    rows = [r for r in read_dataset(ROOT / "data") if not from_template(r)]
    rng = random.Random(SEED)
    groups = [(lang, intent) for lang in ("en", "sv") for intent in INTENT_ORDER]
    per_group = SIZE // len(groups)
    chosen: list[str] = []
    for lang, intent in groups:
        pool = sorted({r.keyword for r in rows if r.lang == lang and r.intent == intent})
        chosen += rng.sample(pool, min(per_group, len(pool)))
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as f:
        f.write("".join(f"{k}\n" for k in sorted(set(chosen))).encode("utf-8"))
    tmp = OUT.with_name(OUT.name + ".tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(OUT)
    print(
        f"wrote {OUT.relative_to(ROOT)}: {len(set(chosen))} keywords, {OUT.stat().st_size:,} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
