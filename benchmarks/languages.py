"""Language calls on a written set (tests/data/languages.tsv): accuracy of en, sv and other.

Also, with ``--real DIR``, how many keywords of ``DIR/en.tsv`` and ``DIR/sv.tsv`` (labelled
files whose language is known by file) get another language label than the model's own call
(the language rule without the word evidence of ``intentkit._language``).

    python -m benchmarks.languages [--real ../shared/data/real-dev]
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

import numpy as np

from intentkit import IntentClassifier
from intentkit._decide import LANGUAGES, decide_chunk

SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "languages.tsv"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def model_only(clf: IntentClassifier, keywords: list[str]) -> list[str]:
    """The language the model's own features give (the rule before the word evidence)."""
    state = clf._loaded()
    batch = state.scorer.encode_many(keywords)
    d = decide_chunk(state.scorer.scores(batch), batch.cues, batch.empty, state.policy)
    out = [LANGUAGES[c] for c in d.language.tolist()]
    for i in d.empty:
        out[i] = "unknown"
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", type=Path, help="a folder with en.tsv and sv.tsv (keyword column)")
    args = ap.parse_args()
    clf = IntentClassifier()
    rows = read(SET)
    keywords = [r["keyword"] for r in rows]
    truth = [r["lang"] for r in rows]
    for name, said in (
        ("model only (before)", model_only(clf, keywords)),
        ("with word evidence (now)", [r.language for r in clf.classify_many(keywords)]),
    ):
        print(f"## {name}: {SET.name}, {len(rows)} keywords")
        print("| written as | keywords | right | en | sv | other | unknown |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for lang in ("en", "sv", "other"):
            got = Counter(s for s, t in zip(said, truth) if t == lang)
            n = sum(got.values())
            print(
                f"| {lang} | {n} | {got[lang] / n:.3f} | {got['en']} | {got['sv']} | "
                f"{got['other']} | {got['unknown']} |"
            )
        right = np.mean([s == t for s, t in zip(said, truth)])
        print(f"\nall: {right:.3f} right\n")
    if args.real:
        for lang in ("en", "sv"):
            kws = [r["keyword"] for r in read(args.real / f"{lang}.tsv")]
            before = model_only(clf, kws)
            after = [r.language for r in clf.classify_many(kws)]
            changed = Counter((b, a) for b, a in zip(before, after) if b != a)
            print(
                f"{lang}.tsv: {len(kws)} keywords, {sum(changed.values())} change label; "
                f"right before {before.count(lang)}, now {after.count(lang)}; "
                f"now {dict(Counter(after))}; changes: "
                + ", ".join(f"{b}->{a} {n}" for (b, a), n in changed.most_common())
            )


if __name__ == "__main__":
    main()
