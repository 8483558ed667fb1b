"""Scoring a classifier on a labelled file, for ``intentkit evaluate``, cards and benchmarks.

``intentkit evaluate``, the model card's figures and the accuracy benchmark's third-party sets
all come from :func:`score_file`.

Rows with one intent are scored strictly (precision, recall, F1, macro-F1 over the intents the
file uses); rows with several are scored leniently (right if the prediction is any of them).
When the file has no ``local`` label (Semrush, Ahrefs), a ``local`` prediction counts as
``transactional`` (:func:`~intentkit._metrics.without_local`), as those tools file "near me" there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intentkit._labels import Labelled, read_labelled
from intentkit._metrics import Scores, markdown, score, without_local
from intentkit.types import INTENT_ORDER


@dataclass(frozen=True)
class FileScores:
    """A classifier's scores on one labelled file."""

    file: str
    strict: Scores
    """Scores on the rows with a single intent."""
    multi_rows: int
    lenient: float | None
    """Share of the rows with several intents whose prediction is one of them."""
    local_as_transactional: bool
    """Whether ``local`` predictions were counted as ``transactional`` (a file without ``local``)."""
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(label, prediction as made) → count over the single-intent rows: the report's matrix, which
    keeps ``local`` predictions in a column of their own even when the scores count them as
    ``transactional``."""

    def card(self) -> dict[str, Any]:
        """The headline numbers, rounded, as the model card records them."""
        s = self.strict
        return {
            "file": self.file,
            "single_label_rows": s.n,
            "strict_macro_f1": round(s.macro_f1, 4),
            "recall": {k: round(c.recall, 4) for k, c in s.per_class.items() if c.support},
            "multi_label_rows": self.multi_rows,
            "lenient_accuracy": round(self.lenient, 4) if self.lenient is not None else None,
        }

    def report(self) -> str:
        """A Markdown report with the card's numbers, the per-intent table and the confusion."""
        note = (
            " (local predictions counted as transactional)" if self.local_as_transactional else ""
        )
        out = markdown(
            f"{self.file}, single-intent rows{note}", self.strict, confusion=self.confusion or None
        )
        if self.local_as_transactional and any(b == "local" for _, b in self.confusion):
            out += "\nThe local column counts as transactional in the scores above.\n"
        if self.lenient is not None:
            out += (
                f"\nMulti-intent rows: {self.multi_rows:,}, lenient accuracy (any of the labels) "
                f"{self.lenient:.3f}\n"
            )
        return out


def score_rows(name: str, rows: list[Labelled], predictions: list[str]) -> FileScores:
    """Score predictions (``""`` for no intent) of labelled rows."""
    local = any("local" in r.intents for r in rows)
    pred = predictions if local else without_local(predictions)
    labels = [i for i in INTENT_ORDER if any(i in r.intents for r in rows)]
    single = [i for i, r in enumerate(rows) if len(r.intents) == 1]
    multi = [i for i, r in enumerate(rows) if len(r.intents) > 1]
    truth = [rows[i].intents[0] for i in single]
    strict = score(truth, [pred[i] for i in single], labels)
    lenient = sum(pred[i] in rows[i].intents for i in multi) / len(multi) if multi else None
    made = Counter(zip(truth, [predictions[i] for i in single]))
    return FileScores(name, strict, len(multi), lenient, not local, made)


def score_file(path: str | Path, classifier: Any, *, column: str | None = None) -> FileScores:
    """Score ``classifier`` on a labelled file (ours, or a Semrush / Ahrefs / SE Ranking export)."""
    rows = list(read_labelled(path, column=column))
    if not rows:
        raise ValueError(f"{path}: no labelled keywords found")
    results = classifier.classify_many([r.keyword for r in rows])
    predictions = [r.intent.value if r.intent else "" for r in results]
    return score_rows(Path(path).name, rows, predictions)
