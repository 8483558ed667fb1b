"""Your labels on top of the shipped model: adapted vs shipped vs from scratch, on a vertical's export.

Usage (from the repository root, after ``pip install .``)::

    python benchmarks/adapt.py          # writes benchmarks/results/adapt.md and the README table

The case: ``benchmarks/data/garden-shop.csv``, a Swedish garden and tools webshop's labelled
keyword export (900 keywords, Semrush-like columns, labels under the taxonomy with the shop's own
conventions; see ``benchmarks/data/make_garden.py``). It is split 80/20, stratified by intent
with a fixed seed; the 80 % is written as a CSV and given to ``intentkit train`` (the same
function the command runs), once as it adapts the shipped model by default and once with
``--from-scratch``. All three models are scored on the 20 % (strict accuracy and macro-F1 on its
single-intent rows, as ``intentkit evaluate`` scores them) and on the real-keyword dev sets
(``../shared/data/real-dev``, strict accuracy as ``benchmarks/accuracy.py`` reports it), which
shows what adapting to one shop costs everywhere else.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from intentkit import IntentClassifier
from intentkit._adapt import holdout_split
from intentkit._evaluate import FileScores, score_rows
from intentkit._labels import Labelled, read_labelled
from intentkit._train import train_file

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._readme import publish  # noqa: E402
from benchmarks.accuracy import REAL_DEV, real_dev_strict  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "garden-shop.csv"
RESULTS = ROOT / "benchmarks" / "results"
SEED = 2026
"""Seed of the benchmark's split (the adaptation's own inner split uses another)."""


def write_rows(path: Path, source: Path, lines: set[int]) -> None:
    """Copy the header and the data lines ``lines`` (1-based file lines) of a CSV."""
    with source.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(records[0])
        for n, record in enumerate(records[1:], start=2):
            if n in lines:
                w.writerow(record)


def scores(clf: IntentClassifier, rows: list[Labelled]) -> FileScores:
    results = clf.classify_many([r.keyword for r in rows])
    return score_rows(DATA.name, rows, [r.intent.value if r.intent else "" for r in results])


def grouped_split(rows: list[Labelled], share: float, seed: int) -> tuple[list[int], list[int]]:
    """Hold out whole topics: every keyword whose longest word is one of ``share`` of those words."""
    import random

    heads = [max(r.keyword.split(), key=len) for r in rows]
    topics = sorted(set(heads))
    random.Random(seed).shuffle(topics)
    held = set(topics[: round(len(topics) * share)])
    train = [i for i, h in enumerate(heads) if h not in held]
    return train, [i for i, h in enumerate(heads) if h in held]


def run(
    rows: list[Labelled], train: list[int], test: list[int], tmp: Path
) -> tuple[
    dict[str, FileScores], dict[str, dict[str, tuple[int, float]]], dict[str, float], dict[str, Any]
]:
    """Train from scratch and adapted on ``train``; score all three models on ``test`` and real-dev."""
    test_rows = [rows[i] for i in test]
    models: dict[str, IntentClassifier] = {"shipped": IntentClassifier()}
    seconds: dict[str, float] = {}
    card: dict[str, Any] = {}
    tmp.mkdir(parents=True, exist_ok=True)
    split = tmp / "garden-shop-train.csv"
    write_rows(split, DATA, {rows[i].line for i in train})
    for name, scratch in (("from scratch", True), ("adapted", False)):
        out = tmp / name.replace(" ", "-")
        started = time.perf_counter()
        written = train_file(split, out, from_scratch=scratch)
        seconds[name] = time.perf_counter() - started
        if not scratch:
            card = written
        models[name] = IntentClassifier(model=out)
    held = {name: scores(clf, test_rows) for name, clf in models.items()}
    dev = {name: real_dev_strict(clf) for name, clf in models.items()}
    return held, dev, seconds, card


def table(
    held: dict[str, FileScores],
    dev: dict[str, dict[str, tuple[int, float]]],
    seconds: dict[str, float],
) -> list[str]:
    lines = [
        "| model | user's held-out accuracy | user's held-out macro-F1 | "
        + " | ".join(f"real-dev {name} strict accuracy" for name in dev["shipped"])
        + " | training time |",
        "|---|---:|---:|" + "---:|" * len(dev["shipped"]) + "---:|",
    ]
    for name, s in held.items():
        real = " | ".join(f"{acc:.3f}" for _, acc in dev[name].values())
        took = f"{seconds[name]:.0f} s" if name in seconds else "-"
        bold = "**" if name == "adapted" else ""
        lines.append(
            f"| {bold}{name}{bold} | {s.strict.accuracy:.3f} | {s.strict.macro_f1:.3f} | "
            f"{real} | {took} |"
        )
    drop = {k: dev["adapted"][k][1] - dev["shipped"][k][1] for k in dev["shipped"]}
    lines += [
        "",
        "Real-dev change, adapted minus shipped: "
        + ", ".join(f"{k} {v:+.3f}" for k, v in drop.items())
        + f". Multi-intent held-out rows ({held['adapted'].multi_rows}) are left out of the "
        "table's scores, as `intentkit evaluate` scores them apart.",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--output", type=Path, default=RESULTS / "adapt.md")
    ap.add_argument("--no-readme", action="store_true", help="do not update the README's table")
    args = ap.parse_args(argv)
    rows = list(read_labelled(DATA))
    splits = {
        "random": holdout_split([r.intents[0] for r in rows], seed=SEED),
        "topics": grouped_split(rows, 0.2, SEED),
    }
    shipped_version = IntentClassifier().model_card.get("model_version")
    lines = [
        f"Shipped model `{shipped_version}`, measured {dt.date.today().isoformat()} on Python "
        f"{platform.python_version()} ({platform.machine()}, {os.cpu_count()} CPUs shared with "
        "other jobs, so the times are rough). Produced by `python benchmarks/adapt.py`.",
        "",
        f"The user's file: `benchmarks/data/{DATA.name}`, {len(rows)} keywords of a Swedish "
        "garden and tools webshop. Real-dev: the real-keyword dev sets "
        f"(`{REAL_DEV.relative_to(ROOT.parent)}`), never trained on.",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for name, (train, test) in splits.items():
            held, dev, seconds, card = run(rows, train, test, Path(tmp) / name)
            what = (
                f"20 % of each intent's rows held out at random (seed {SEED})"
                if name == "random"
                else "whole topics held out: every keyword whose longest word is one of 20 % of "
                f"those words (seed {SEED}), so most held-out rows are about a plant, tool or "
                "good no training row is about"
            )
            adaptation = card.get("adaptation", {})
            inner = card.get("heldout", {}).get("adapted", {})
            lines += [
                "",
                f"**Split {name}**: {what}; trained on {len(train)}, scored on {len(test)}.",
                "",
                *table(held, dev, seconds),
                "",
                f"Adapting chose weight {adaptation.get('weight')}; the card's own held-out score "
                f"(its inner split of the training part): macro-F1 {inner.get('macro_f1')}, "
                f"accuracy {inner.get('accuracy')}.",
            ]
    publish(args.output, "adapt", "\n".join(lines) + "\n", readme=not args.no_readme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
