"""Scoring a model on labelled keywords: per-intent precision, recall, F1, macro-F1, confusion."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intentkit._labels import read_labelled
from intentkit._model import INTENT_ORDER


@dataclass(frozen=True)
class Scores:
    """Classification scores of predictions against labels."""

    labels: tuple[str, ...]
    per_intent: dict[str, tuple[float, float, float, int]]
    """intent → (precision, recall, F1, support)."""
    macro_f1: float
    """Mean F1 over the intents that occur in the labels."""
    accuracy: float
    confusion: Counter[tuple[str, str]]
    """(label, prediction) → count."""
    n: int


def score(y: Sequence[str], pred: Sequence[str], labels: Sequence[str] = INTENT_ORDER) -> Scores:
    """Score predictions ``pred`` against labels ``y``."""
    per: dict[str, tuple[float, float, float, int]] = {}
    confusion = Counter(zip(y, pred))
    for k in labels:
        tp = confusion[(k, k)]
        support = sum(v for (a, _), v in confusion.items() if a == k)
        predicted = sum(v for (_, b), v in confusion.items() if b == k)
        p = tp / predicted if predicted else 0.0
        r = tp / support if support else 0.0
        per[k] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, support)
    present = [k for k in labels if per[k][3]]
    macro = sum(per[k][2] for k in present) / len(present) if present else 0.0
    accuracy = sum(a == b for a, b in zip(y, pred)) / len(y) if y else 0.0
    return Scores(tuple(labels), per, macro, accuracy, confusion, len(y))


def markdown(title: str, s: Scores, extra: str = "") -> str:
    """A Markdown report: summary line, per-intent table, confusion matrix."""
    lines = [
        f"**{title}**: {s.n:,} keywords, macro-F1 **{s.macro_f1:.3f}**, accuracy {s.accuracy:.3f}{extra}",
        "",
        "| intent | precision | recall | F1 | support |",
        "|---|---:|---:|---:|---:|",
    ]
    for k in s.labels:
        p, r, f, n = s.per_intent[k]
        lines.append(f"| {k} | {p:.3f} | {r:.3f} | {f:.3f} | {n:,} |")
    lines += ["", "Confusion matrix (rows: label, columns: prediction):", ""]
    lines.append("| | " + " | ".join(k[:5] for k in s.labels) + " |")
    lines.append("|---|" + "---:|" * len(s.labels))
    for a in s.labels:
        lines.append(
            f"| {a[:5]} | " + " | ".join(f"{s.confusion[(a, b)]:,}" for b in s.labels) + " |"
        )
    return "\n".join(lines) + "\n"


def evaluate_file(path: str | Path, classifier: Any, *, column: str | None = None) -> str:
    """Score ``classifier`` on a labelled file: strict on single-intent rows, lenient on the rest."""
    rows = list(read_labelled(path, column=column))
    if not rows:
        raise ValueError(f"{path}: no labelled keywords found")
    results = classifier.classify_many([r.keyword for r in rows])
    pred = [res.intent.value if res.intent else "" for res in results]
    labels = [i for i in INTENT_ORDER if any(i in r.intents for r in rows)]
    single = [i for i, r in enumerate(rows) if len(r.intents) == 1]
    multi = [i for i, r in enumerate(rows) if len(r.intents) > 1]
    s = score([rows[i].intents[0] for i in single], [pred[i] for i in single], labels)
    out = markdown(f"{Path(path).name}, single-intent rows", s)
    if multi:
        lenient = sum(pred[i] in rows[i].intents for i in multi) / len(multi)
        out += f"\nMulti-intent rows: {len(multi):,}, lenient accuracy (any of the labels) {lenient:.3f}\n"
    return out


def summary_scores(
    path: str | Path, classifier: Any, *, column: str | None = None
) -> dict[str, Any]:
    """Headline numbers of ``classifier`` on a labelled file, for a model card.

    Strict macro-F1 and per-intent recall on single-intent rows, lenient accuracy on multi-intent
    rows (right if any label matches). When the file has no ``local`` label (Semrush, Ahrefs),
    a ``local`` prediction counts as ``transactional``, as those tools file "near me" there.
    """
    rows = list(read_labelled(path, column=column))
    if not rows:
        raise ValueError(f"{path}: no labelled keywords found")
    has_local = any("local" in r.intents for r in rows)
    results = classifier.classify_many([r.keyword for r in rows])
    pred = [res.intent.value if res.intent else "" for res in results]
    if not has_local:
        pred = ["transactional" if p == "local" else p for p in pred]
    labels = [i for i in INTENT_ORDER if any(i in r.intents for r in rows)]
    single = [i for i, r in enumerate(rows) if len(r.intents) == 1]
    multi = [i for i, r in enumerate(rows) if len(r.intents) > 1]
    s = score([rows[i].intents[0] for i in single], [pred[i] for i in single], labels)
    return {
        "file": Path(path).name,
        "single_label_rows": len(single),
        "strict_macro_f1": round(s.macro_f1, 4),
        "recall": {k: round(s.per_intent[k][1], 4) for k in labels if s.per_intent[k][3]},
        "multi_label_rows": len(multi),
        "lenient_accuracy": round(sum(pred[i] in rows[i].intents for i in multi) / len(multi), 4)
        if multi
        else None,
    }
