"""Count the training data and write the tables into the datasheet (``data/README.md``).

Usage: ``python data/stats.py`` rewrites the part of ``data/README.md`` between
``<!-- stats:start -->`` and ``<!-- stats:end -->``.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

from intentkit._dataset import ADTHENA, HAND, Row, from_template, keyword_files, read_rows
from intentkit.types import INTENT_ORDER as INTENTS

HERE = Path(__file__).resolve().parent


def rows() -> list[dict[str, str]]:
    return [vars(row) for path in keyword_files(HERE) for _, row in read_rows(path)]


LEXICONS = (
    ("brands.tsv", "kind"),
    ("brands_online.tsv", "kind"),
    ("models.tsv", "category"),
    ("districts.tsv", "country"),
    ("attractions.tsv", "country"),
    ("places.tsv", "kind"),
    ("cues.tsv", "intent"),
    ("stage_cues.tsv", "kind"),
    ("products.tsv", "kind"),
    ("open/chains.tsv", "category"),
    ("open/cars.tsv", "kind"),
    ("open/places.tsv", "kind"),
    ("open/products_en.tsv", ""),
    ("open/products_sv.tsv", ""),
    ("open/words_en.tsv", "source"),
    ("open/words_sv.tsv", "pos"),
    ("open/product_heads_sv.tsv", ""),
)
"""Each lexicon file and the column its rows are counted by (none: rows only)."""


def lexicon_counts() -> list[str]:
    lines = ["| lexicon | rows | breakdown |", "|---|---:|---|"]
    for name, col in LEXICONS:
        path = HERE / "lexicons" / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as f:
            data = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        top = ""
        if col:
            c = Counter(r[col] for r in data)
            top = f"by {col}: " + ", ".join(f"{k} {v:,}" for k, v in c.most_common(8))
        lines.append(f"| {name} | {len(data):,} | {top} |")
    return lines


def table() -> str:
    data = rows()
    by_lang_intent = Counter((r["lang"], r["intent"]) for r in data)
    hand = sum(r["source"] == HAND for r in data)
    real = sum(r["source"] == ADTHENA for r in data)
    templates = Counter(r["source"] for r in data if from_template(Row(**r)))
    biggest = templates.most_common(1)[0] if templates else ("-", 0)
    lines = [
        f"{len(data):,} labelled keywords ({len({r['keyword'] for r in data}):,} distinct): "
        f"{hand:,} written by hand, {real:,} real paid-search queries labelled by hand, "
        f"{sum(templates.values()):,} from {len(templates)} templates "
        f"(largest template: {biggest[0]} with {biggest[1]:,} rows, {biggest[1] / max(len(data), 1):.1%}); "
        f"{sum(bool(r['intent2']) for r in data):,} rows carry a second intent.",
        "",
        "| language | " + " | ".join(INTENTS) + " | total |",
        "|---|" + "---:|" * (len(INTENTS) + 1),
    ]
    for lang in ("en", "sv"):
        n = [by_lang_intent[(lang, i)] for i in INTENTS]
        lines.append(f"| {lang} | " + " | ".join(f"{x:,}" for x in n) + f" | {sum(n):,} |")
    n = [sum(by_lang_intent[(lang, i)] for lang in ("en", "sv")) for i in INTENTS]
    lines.append("| all | " + " | ".join(f"{x:,}" for x in n) + f" | {sum(n):,} |")
    verticals = Counter(r["vertical"] for r in data)
    hand_v = Counter(r["vertical"] for r in data if not from_template(Row(**r)))
    sv_v = Counter(r["vertical"] for r in data if r["lang"] == "sv")
    lines += [
        "",
        f"{len(verticals)} verticals:",
        "",
        "| vertical | rows | labelled one by one | Swedish |",
        "|---|---:|---:|---:|",
    ]
    for v, n_v in sorted(verticals.items()):
        lines.append(f"| {v} | {n_v:,} | {hand_v[v]:,} | {sv_v[v]:,} |")
    lines += ["", *lexicon_counts()]
    return "\n".join(lines) + "\n"


def main() -> int:
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8")
    new = re.sub(
        r"(<!-- stats:start -->\n).*?(<!-- stats:end -->)",
        lambda m: m.group(1) + table() + m.group(2),
        text,
        flags=re.S,
    )
    readme.write_text(new, encoding="utf-8")
    print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
