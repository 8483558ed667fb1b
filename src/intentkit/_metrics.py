"""The metrics behind every accuracy figure intentkit reports.

Precision, recall, F1, macro-F1, accuracy, confusion, expected calibration error, language
accuracy, and the class mapping for tools without ``local``.

Training (cross-validation, held-out scores), ``intentkit evaluate``, the model card and
``benchmarks/accuracy.py`` all compute their figures here, so a figure means the same wherever it
is printed. Labels are intent names (or any strings); predictions may hold ``""`` for a keyword
that got no intent, which counts as wrong.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from intentkit.types import INTENT_ORDER

ECE_BINS = 15


@dataclass(frozen=True)
class ClassScores:
    """Precision, recall and F1 of one class, and how many labels it has."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Scores:
    """Classification scores of predictions against labels."""

    labels: tuple[str, ...]
    """The classes scored, in report order."""
    per_class: dict[str, ClassScores]
    macro_f1: float
    """Mean F1 over the classes of :attr:`labels` that occur in the labels."""
    accuracy: float
    confusion: Counter[tuple[str, str]]
    """(label, prediction) → count."""
    n: int


def class_scores(confusion: Counter[tuple[str, str]], k: str) -> ClassScores:
    """Precision, recall and F1 of class ``k`` from a confusion count.

    Precision is 0 when nothing was predicted ``k``, recall 0 when no label is ``k``, F1 their
    harmonic mean (0 when both are 0).
    """
    tp = confusion[(k, k)]
    support = sum(v for (a, _), v in confusion.items() if a == k)
    predicted = sum(v for (_, b), v in confusion.items() if b == k)
    p = tp / predicted if predicted else 0.0
    r = tp / support if support else 0.0
    return ClassScores(p, r, 2 * p * r / (p + r) if p + r else 0.0, support)


def score(y: Sequence[str], pred: Sequence[str], labels: Sequence[str] = INTENT_ORDER) -> Scores:
    """Score predictions ``pred`` against labels ``y`` over the classes ``labels``."""
    if len(y) != len(pred):
        raise ValueError(f"{len(y)} labels but {len(pred)} predictions")
    confusion = Counter(zip(y, pred))
    per = {k: class_scores(confusion, k) for k in labels}
    present = [k for k in labels if per[k].support]
    macro = sum(per[k].f1 for k in present) / len(present) if present else 0.0
    accuracy = sum(a == b for a, b in zip(y, pred)) / len(y) if y else 0.0
    return Scores(tuple(labels), per, macro, accuracy, confusion, len(y))


def macro_f1(y: Sequence[str], pred: Sequence[str]) -> float:
    """Mean F1 over the classes that occur in ``y``."""
    return score(y, pred, sorted(set(y))).macro_f1


def expected_calibration_error(
    probs: npt.NDArray[np.float64], y: Sequence[int], bins: int = ECE_BINS
) -> float:
    """Expected calibration error of the top-class confidence.

    Over equal-width confidence bins ``(lo, hi]``: the share of rows in the bin times the gap
    between their mean confidence and their accuracy, summed.

    ``probs`` has one row per keyword and one column per class; ``y`` holds class indices.
    """
    if len(y) == 0:
        return 0.0
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == np.asarray(y)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            ece += mask.mean() * abs(conf[mask].mean() - correct[mask].mean())
    return float(ece)


def without_local(pred: Sequence[str]) -> list[str]:
    """Predictions for a tool without a ``local`` class (Semrush, Ahrefs).

    ``local`` counts as ``transactional``, where those tools file "near me" searches.
    """
    return ["transactional" if p == "local" else p for p in pred]


@dataclass(frozen=True)
class LanguageScores:
    """How well ``Classification.language`` matches the language keywords were written in."""

    accuracy: float | None
    """Share right among keywords that show their language (``unknown`` counts as wrong)."""
    rows: int
    """Keywords that show their language."""
    neutral_unknown: float | None
    """Share of ``unknown`` among language-neutral keywords (a good answer for them)."""
    neutral_rows: int
    """Language-neutral keywords: only brands, places, numbers and words typed alike in both."""


def language_accuracy(
    said: Sequence[str], truth: Sequence[str], neutral: Sequence[bool]
) -> LanguageScores:
    """Language accuracy on keywords that show their language; neutral keywords apart."""
    scored = [s == t for s, t, n in zip(said, truth, neutral) if not n and t in ("en", "sv")]
    free = [s == "unknown" for s, n in zip(said, neutral) if n]
    return LanguageScores(
        float(np.mean(scored)) if scored else None,
        len(scored),
        float(np.mean(free)) if free else None,
        len(free),
    )


def markdown(
    title: str,
    s: Scores,
    extra: str = "",
    confusion: Counter[tuple[str, str]] | None = None,
) -> str:
    """A Markdown report: summary line, per-class table, confusion matrix.

    The matrix has a row per class of :attr:`Scores.labels` and a column per class predicted:
    the labels, then any other class that was predicted (an intent the labels never use), then
    ``none`` for keywords that got no intent, so every prediction is in it. ``confusion``
    (default: :attr:`Scores.confusion`) gives its counts, e.g. the predictions as made when the
    scores counted ``local`` as ``transactional``.
    """
    counts = s.confusion if confusion is None else confusion
    lines = [
        f"**{title}**: {s.n:,} keywords, macro-F1 **{s.macro_f1:.3f}**, accuracy {s.accuracy:.3f}{extra}",
        "",
        "| class | precision | recall | F1 | support |",
        "|---|---:|---:|---:|---:|",
    ]
    for k in s.labels:
        c = s.per_class[k]
        lines.append(f"| {k} | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} | {c.support:,} |")
    predicted = {b for (_, b), v in counts.items() if v}
    order = {k: i for i, k in enumerate(INTENT_ORDER)}
    others = sorted(predicted - set(s.labels) - {""}, key=lambda k: (order.get(k, len(order)), k))
    columns = [*s.labels, *others, *([""] if "" in predicted else [])]
    lines += ["", "Confusion matrix (rows: label, columns: prediction):", ""]
    lines.append("| | " + " | ".join(k[:5] or "none" for k in columns) + " |")
    lines.append("|---|" + "---:|" * len(columns))
    for a in s.labels:
        lines.append(f"| {a[:5]} | " + " | ".join(f"{counts[(a, b)]:,}" for b in columns) + " |")
    return "\n".join(lines) + "\n"
