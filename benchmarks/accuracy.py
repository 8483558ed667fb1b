"""Accuracy of intentkit against baselines, on our held-out split and on third-party labelled sets.

Usage (from the repository root, after ``pip install .``)::

    python benchmarks/accuracy.py            # writes benchmarks/results/accuracy.md and the README table

What it measures, all in one run:

- **held-out**: a model trained by the shipped recipe on our data minus whole verticals and
  templates, scored on those (per language). Topics the model has never seen.
- **semrush**: ``../shared/data/dev/semrush-us.tsv``, Semrush's labels (4 classes: our ``local``
  counts as ``transactional``, as Semrush files "near me" there). Strict macro-F1 on single-label
  rows; lenient accuracy on multi-label rows (right if any of Semrush's intents).
- **ahrefs**: the Ahrefs export in ``../shared/data/exports/`` (its intent flags), the same way.
- baselines side by side: the majority class, and a rule baseline of at most 50 cue words.
- **what the Semrush set allows**: a model of the same shape (our features and lexicons, a
  logistic regression) trained on Semrush's own labels and scored on seed topics it has not seen
  (5 folds grouped by the export the keywords came from). It measures the labels, not intentkit:
  how much of Semrush's labelling a text-only model can learn at all. Never shipped; the
  shipped model never sees these labels. ``--no-ceiling`` skips it (about two minutes).

Third-party labels are opinions of tools that disagree with each other, not ground truth.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import platform
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from intentkit import IntentClassifier
from intentkit._dataset import Row, read_dataset, read_lexicon, read_shared_words
from intentkit._evaluate import score_rows
from intentkit._labels import Labelled, read_labelled
from intentkit._metrics import expected_calibration_error, language_accuracy, markdown, score
from intentkit._text import normalize
from intentkit._train import DEPLOYMENT_PRIOR, Design, HeldOut, predict_heldout
from intentkit.types import INTENT_ORDER

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._readme import publish  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
FOUR = ("informational", "commercial", "transactional", "navigational")

RULES: list[tuple[str, tuple[str, ...]]] = [
    (
        "local",
        (
            "near me",
            "nära mig",
            "nearby",
            "open now",
            "opening hours",
            "öppettider",
            "närmaste",
            "i närheten",
        ),
    ),
    (
        "navigational",
        ("login", "sign in", "logga in", "mina sidor", "kundtjänst", "customer service", "account"),
    ),
    (
        "transactional",
        (
            "buy",
            "price",
            "cheap",
            "coupon",
            "discount",
            "download",
            "order",
            "köpa",
            "köp",
            "pris",
            "billig",
            "billiga",
            "rabattkod",
            "boka",
            "hyra",
            "beställa",
        ),
    ),
    (
        "commercial",
        (
            "best",
            "top",
            "review",
            "reviews",
            "vs",
            "compare",
            "alternatives",
            "bästa",
            "test",
            "recension",
            "jämför",
        ),
    ),
    ("informational", ("how", "what", "why", "when", "guide", "hur", "vad", "varför")),
]
RULE_WORDS = sum(len(w) for _, w in RULES)
assert RULE_WORDS <= 50, RULE_WORDS


def rule_baseline(keyword: str) -> str:
    text = f" {normalize(keyword)} "
    for intent, cues in RULES:
        if any(f" {c} " in text for c in cues):
            return intent
    return "informational"


def stage_section(clf: IntentClassifier) -> str:
    path = ROOT / "benchmarks" / "data" / "stages.tsv"
    if not path.exists():
        return f"### Journey stage\n\n{path} not found; skipped.\n"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    results = clf.classify_many([r["keyword"] for r in rows])
    lines = [
        "### Journey stage (funnel) on a labelled set written apart from the training data\n",
        "| language | keywords | stage accuracy | intent accuracy |",
        "|---|---:|---:|---:|",
    ]
    stages = ["awareness", "consideration", "conversion", "retention"]
    detail = []
    for lang in ("en", "sv"):
        sel = [i for i, r in enumerate(rows) if r["lang"] == lang]
        st = score([rows[i]["stage"] for i in sel], [results[i].stage or "" for i in sel], stages)
        it = np.mean(
            [
                results[i].intent is not None and results[i].intent.value == rows[i]["intent"]
                for i in sel
            ]
        )
        lines.append(f"| {lang} | {len(sel):,} | **{st.accuracy:.3f}** | {it:.3f} |")
        detail.append(markdown(f"stages, {lang}", st))
    return "\n".join(lines) + "\n\n" + "\n".join(detail)


def audience_section(clf: IntentClassifier) -> str:
    """Audience accuracy on ``benchmarks/data/audiences.tsv``, per language."""
    path = ROOT / "benchmarks" / "data" / "audiences.tsv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    results = clf.classify_many([r["keyword"] for r in rows])
    names = list(clf.audiences.names)
    lines = [
        "### Audience on a labelled set written apart from the training data\n",
        "`benchmarks/data/audiences.tsv`: keywords of every built-in audience, in English and "
        "Swedish, written for this measure by the author of the audience cues (so it shows that "
        "the phrasings the cues were meant for are caught, not how far they reach beyond them). "
        "Produced by `python benchmarks/accuracy.py --audience-only`.\n",
        "| language | keywords | audience accuracy | "
        + " | ".join(f"recall {n}" for n in names)
        + " |",
        "|---|---:|---:|" + "---:|" * len(names),
    ]
    for lang in ("en", "sv"):
        sel = [i for i, r in enumerate(rows) if r["lang"] == lang]
        right = [results[i].audience == rows[i]["audience"] for i in sel]
        recall = []
        for n in names:
            of = [ok for i, ok in zip(sel, right) if rows[i]["audience"] == n]
            recall.append(f"{np.mean(of):.3f} ({len(of)})" if of else "-")
        lines.append(
            f"| {lang} | {len(sel):,} | **{np.mean(right):.3f}** | " + " | ".join(recall) + " |"
        )
    return "\n".join(lines) + "\n"


REAL_DEV = SHARED / "real-dev"


def real_dev_section(clf: IntentClassifier) -> list[str]:
    """Accuracy on the real-keyword dev sets, labelled blind by two annotators under the taxonomy."""
    paths = sorted(REAL_DEV.glob("*.tsv"))
    if not paths:
        return [f"### Real keywords\n\n{REAL_DEV} not found; skipped.\n"]
    head = [
        "| set | keywords | strict accuracy | lenient accuracy | stage accuracy | ECE | "
        + " | ".join(f"recall {i[:5]}" for i in INTENT_ORDER)
        + " |",
        "|---|---:|---:|---:|---:|---:|" + "---:|" * len(INTENT_ORDER),
    ]
    details = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        results = clf.classify_many([r["keyword"] for r in rows])
        labels = [set(r["intent"].split("|")) for r in rows]
        alts = [set(filter(None, r["alt"].split("|"))) for r in rows]
        pred = [r.intent.value if r.intent else "" for r in results]
        right = [p in y for p, y in zip(pred, labels)]
        lenient = [p in y | a for p, y, a in zip(pred, labels, alts)]
        stage = [res.stage in set(r["stage"].split("|")) for res, r in zip(results, rows)]
        conf = np.array([r.confidence for r in results])
        probs = np.column_stack([conf, 1 - conf])
        ece = expected_calibration_error(probs, [0 if ok else 1 for ok in right])
        recall = []
        for intent in INTENT_ORDER:
            sel = [i for i, y in enumerate(labels) if intent in y]
            recall.append(f"{np.mean([right[i] for i in sel]):.3f} ({len(sel)})" if sel else "-")
        name = path.stem
        head.append(
            f"| {name} | {len(rows):,} | **{np.mean(right):.3f}** | {np.mean(lenient):.3f} | "
            f"{np.mean(stage):.3f} | {ece:.3f} | " + " | ".join(recall) + " |"
        )
        by_source = Counter(r["source"] for r in rows)
        source_lines = [
            f"{src} {np.mean([ok for ok, r in zip(right, rows) if r['source'] == src]):.3f} ({n})"
            for src, n in sorted(by_source.items())
        ]
        truth = [p if p in y else sorted(y)[0] for p, y in zip(pred, labels)]
        m = score(truth, pred, INTENT_ORDER)
        details.append(
            markdown(f"real-dev {name}, intentkit", m, f", ECE {ece:.3f}")
            + "\nStrict accuracy by source: "
            + ", ".join(source_lines)
            + ".\n"
        )
    intro = (
        "### Real keywords (the headline)\n\n"
        "Real English and Swedish keywords from keyword exports, paid search and Search Console, "
        "each labelled blind by two SEO annotators under the taxonomy (`../shared/data/real-dev`, "
        "never trained on). **Strict**: the intent is one the annotators gave (either, where they "
        "disagreed); **lenient**: also counting the second intents they named; **stage**: the "
        "funnel stage is theirs. Recall of an intent: the share right among the keywords an "
        "annotator gave that intent (their count in brackets). ECE: expected calibration error "
        "of the confidence, against strict correctness.\n"
    )
    return [intro, "\n".join(head) + "\n", *details]


def real_dev_strict(clf: IntentClassifier) -> dict[str, tuple[int, float]]:
    """Per real-dev set: its keywords and the strict accuracy of ``clf`` (as :func:`real_dev_section`)."""
    out: dict[str, tuple[int, float]] = {}
    for path in sorted(REAL_DEV.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        results = clf.classify_many([r["keyword"] for r in rows])
        pred = [r.intent.value if r.intent else "" for r in results]
        right = [p in set(r["intent"].split("|")) for p, r in zip(pred, rows)]
        out[path.stem] = (len(rows), float(np.mean(right)))
    return out


def heldout_predictions() -> HeldOut:
    data = ROOT / "data"
    held = predict_heldout(
        read_dataset(data),
        read_lexicon(data),
        prior=DEPLOYMENT_PRIOR,
        shared_words=read_shared_words(data),
    )
    assert held is not None, "the held-out split is empty"
    return held


def semrush_ceiling() -> str:
    """Macro-F1 and recalls of models trained on Semrush's labels, cross-validated by seed."""
    from sklearn.linear_model import LogisticRegression

    with (SHARED / "dev" / "semrush-us.tsv").open(encoding="utf-8", newline="") as f:
        rows = [
            Row(r["keyword"], r["intents"], "", "en", r["seed"], "semrush")
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            if "|" not in r["intents"]
        ]
    design = Design(rows, read_lexicon(ROOT / "data"), 2)
    x = design.matrix(list(range(len(rows))))
    y = np.array([FOUR.index(r.intent) for r in rows])
    seeds = sorted({r.vertical for r in rows})
    fold_of = {s: k % 5 for k, s in enumerate(seeds)}
    fold = np.array([fold_of[r.vertical] for r in rows])
    lines = [
        "| trained on Semrush's labels, scored on unseen seeds | strict macro-F1 | "
        + " | ".join(f"recall {c[:5]}" for c in FOUR)
        + " |",
        "|---|---:|" + "---:|" * len(FOUR),
    ]
    for name, weight, c in (
        ("logistic regression, C=0.3", None, 0.3),
        ("logistic regression, balanced class weights, C=1", "balanced", 1.0),
    ):
        pred = np.zeros(len(rows), dtype=int)
        for k in range(5):
            model = LogisticRegression(C=c, max_iter=2000, class_weight=weight)
            model.fit(x[fold != k], y[fold != k])
            pred[fold == k] = model.predict(x[fold == k])
        m = score([FOUR[i] for i in y], [FOUR[i] for i in pred], FOUR)
        lines.append(
            f"| {name} | {m.macro_f1:.3f} | "
            + " | ".join(f"{m.per_class[c].recall:.3f}" for c in FOUR)
            + " |"
        )
    return (
        "### What the Semrush set allows (a ceiling, not intentkit)\n\n"
        f"The same features and a logistic regression trained on Semrush's own labels "
        f"({len(rows):,} single-label keywords from {len(seeds)} seed exports), each fold scored on "
        "seeds it has not seen, as intentkit meets new topics. Not shipped; it shows how much of "
        "Semrush's labelling the text of a keyword carries.\n\n" + "\n".join(lines) + "\n"
    )


THIRD_PARTY = (
    ("Semrush US (dev set)", "dev/semrush-us.tsv"),
    ("Ahrefs export (AI tools)", "exports/ahrefs-*.csv"),
)


def read_third_party(pattern: str) -> list[Labelled]:
    rows: list[Labelled] = []
    for path in sorted(SHARED.glob(pattern)):
        rows += read_labelled(path)
    if not rows:
        raise FileNotFoundError(pattern)
    return rows


def third_party(
    name: str,
    rows: list[Labelled],
    predictors: dict[str, Callable[[list[str]], list[str]]],
    probs4: np.ndarray,
) -> str:
    keywords = [r.keyword for r in rows]
    out = [f"### {name}\n"]
    summary = [
        "| method | strict macro-F1 (single-label) | lenient accuracy (multi-label) | "
        + " | ".join(f"recall {c[:5]}" for c in FOUR)
        + " |",
        "|---|---:|---:|" + "---:|" * len(FOUR),
    ]
    details = []
    single = [i for i, r in enumerate(rows) if len(r.intents) == 1]
    for method, predict in predictors.items():
        fs = score_rows(name, rows, predict(keywords))
        m = fs.strict
        summary.append(
            f"| {method} | {m.macro_f1:.3f} | {fs.lenient or 0:.3f} | "
            + " | ".join(f"{m.per_class[c].recall:.3f}" if c in m.per_class else "-" for c in FOUR)
            + " |"
        )
        if method == "intentkit":
            y_idx = [FOUR.index(rows[i].intents[0]) for i in single]
            ece = expected_calibration_error(probs4[single], y_idx)
            details.append(
                markdown(
                    f"{name}, intentkit, single-label rows",
                    m,
                    f", ECE {ece:.3f}",
                    confusion=fs.confusion,  # predictions as made: local keeps its column
                )
            )
    out.append(f"{len(single):,} single-label and {fs.multi_rows:,} multi-label keywords.\n")
    out.append("\n".join(summary) + "\n")
    out.extend(details)
    return "\n".join(out)


def heldout_section() -> list[str]:
    held = heldout_predictions()
    rows, probs = held.rows, held.probabilities
    sections = [
        "### Held-out split of our data (whole verticals and templates never seen in training)\n"
    ]
    head = ["| language | method | macro-F1 | accuracy |", "|---|---|---:|---:|"]
    detail = []
    majority = Counter(r.intent for r in rows).most_common(1)[0][0]
    for lang in ("en", "sv"):
        sel = [i for i, r in enumerate(rows) if r.lang == lang]
        y = [rows[i].intent for i in sel]
        pred = [INTENT_ORDER[int(probs[i].argmax())] for i in sel]
        for method, p in (
            ("intentkit", pred),
            ("rule baseline (≤50 cue words)", [rule_baseline(rows[i].keyword) for i in sel]),
            ("majority class", [majority] * len(sel)),
        ):
            m = score(y, p, INTENT_ORDER)
            head.append(f"| {lang} | {method} | {m.macro_f1:.3f} | {m.accuracy:.3f} |")
            if method == "intentkit":
                ece = expected_calibration_error(probs[sel], [INTENT_ORDER.index(t) for t in y])
                detail.append(markdown(f"held-out {lang}, intentkit", m, f", ECE {ece:.3f}"))
    lang = language_accuracy(held.language, [r.lang for r in rows], held.neutral)
    everything = float(np.mean([s == r.lang for s, r in zip(held.language, rows)]))
    sections.append("\n".join(head) + "\n")
    sections.append(
        "Language (`Classification.language` as the model calls it, before the rule for `other` "
        f"and names-only keywords) on the held-out split: accuracy "
        f"**{lang.accuracy or 0:.3f}** on the {lang.rows:,} keywords that show "
        f"their language (`unknown` counted as wrong). The other {lang.neutral_rows:,} "
        "are language-neutral (only brands, places, numbers and words typed alike in both "
        'languages, such as "strava" or "teams vs zoom"); '
        f"{lang.neutral_unknown or 0:.0%} of them got `unknown`. Counting those by the "
        f"language of the list they were written for, accuracy is {everything:.3f}.\n"
    )
    return sections + detail


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--output", type=Path, default=RESULTS / "accuracy.md")
    ap.add_argument("--no-readme", action="store_true", help="do not update the README's table")
    ap.add_argument(
        "--no-ceiling", action="store_true", help="skip the models trained on Semrush's labels"
    )
    ap.add_argument(
        "--audience-only",
        action="store_true",
        help="measure only the audiences (writes results/audience.md and the README's table)",
    )
    args = ap.parse_args(argv)
    clf = IntentClassifier()
    card = clf.model_card
    if args.audience_only:
        text = audience_section(clf)
        publish(RESULTS / "audience.md", "audience", text, readme=not args.no_readme)
        return 0

    def ours(keywords: list[str]) -> list[str]:
        return [r.intent.value if r.intent else "" for r in clf.classify_many(keywords)]

    sections = [
        f"Model `{card.get('model_version')}`, measured {dt.date.today().isoformat()} on Python "
        f"{platform.python_version()} ({platform.machine()}). Produced by `python benchmarks/accuracy.py`.\n"
    ]
    sections += real_dev_section(clf)
    sections += heldout_section()
    for name, pattern in THIRD_PARTY:
        try:
            rows = read_third_party(pattern)
        except FileNotFoundError:
            sections.append(f"### {name}\n\nnot found under {SHARED}; skipped.\n")
            continue
        results = clf.classify_many([r.keyword for r in rows])
        p = np.array([[r.probabilities[i] for i in r.probabilities] for r in results])
        probs4 = np.column_stack([p[:, 0], p[:, 1], p[:, 2] + p[:, 4], p[:, 3]])
        majority = Counter(r.intents[0] for r in rows if len(r.intents) == 1).most_common(1)[0][0]
        sections.append(
            third_party(
                name,
                rows,
                {
                    "intentkit": ours,
                    "rule baseline (≤50 cue words)": lambda ks: [rule_baseline(k) for k in ks],
                    "majority class": lambda ks, m=majority: [m] * len(ks),
                },
                probs4,
            )
        )

    if not args.no_ceiling and (SHARED / "dev" / "semrush-us.tsv").exists():
        sections.append(semrush_ceiling())
    sections.append(stage_section(clf))
    text = "\n".join(sections)
    publish(args.output, "accuracy", text, readme=not args.no_readme)
    publish(RESULTS / "audience.md", "audience", audience_section(clf), readme=not args.no_readme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
