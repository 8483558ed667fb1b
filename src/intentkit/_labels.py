"""Labelled keyword files: ours, and the intent columns of Semrush, Ahrefs and SE Ranking exports.

Intent values are read in every form the tools write:

- names, one or several: ``Informational``, ``informational|transactional``, ``Commercial, Navigational``;
- SE Ranking letter codes: ``I``, ``C``, ``T``, ``N``, ``L`` (``"L, C"``);
- Semrush API numeric codes in ``In``: 0 commercial, 1 informational, 2 navigational, 3 transactional;
- Ahrefs: an ``Intents`` list (``Informational,Commercial,Non-branded,Non-local``; ``Local`` counts as
  local, branded flags are ignored) or one true/false column per intent.

A keyword with several intents keeps all of them. Where one must be the label (training), the
most specific wins, in the order local, navigational, transactional, commercial, informational:
tools add "informational" broadly, so the rarer intent says more about the searcher; the next one
becomes the second intent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from intentkit._io import open_table
from intentkit.errors import InputError
from intentkit.types import INTENT_ORDER

SPECIFICITY = ("local", "navigational", "transactional", "commercial", "informational")
_NAMES = {i: i for i in INTENT_ORDER} | {
    "info": "informational",
    "commercial investigation": "commercial",
}
_LETTERS = {
    "i": "informational",
    "c": "commercial",
    "t": "transactional",
    "n": "navigational",
    "l": "local",
}
_SEMRUSH_CODES = {
    "0": "commercial",
    "1": "informational",
    "2": "navigational",
    "3": "transactional",
}
_INTENT_COLUMNS = (
    "intent",
    "intents",
    "search intent",
    "keyword intent",
    "keyword intents",
    "in",
    "intent type",
    "sökavsikt",
    "avsikt",
    "sökintention",
)
_TRUE = {"true", "1", "yes", "x", "ja"}


@dataclass(frozen=True)
class Labelled:
    """A keyword with the intents a file gives it (most specific first) and where it was."""

    line: int
    keyword: str
    intents: tuple[str, ...]


def parse_intents(value: str, *, numeric: bool = False) -> tuple[str, ...]:
    """The intents in one cell, most specific first; unknown tokens are ignored."""
    found: set[str] = set()
    for token in re.split(r"[,|;/+]", value):
        t = token.strip().lower()
        if not t:
            continue
        if numeric and t in _SEMRUSH_CODES:
            found.add(_SEMRUSH_CODES[t])
        elif t in _NAMES:
            found.add(_NAMES[t])
        elif t in _LETTERS:
            found.add(_LETTERS[t])
    return tuple(i for i in SPECIFICITY if i in found)


def read_labelled(path: str | Path, *, column: str | None = None) -> Iterator[Labelled]:
    """Yield the labelled keywords of a file; rows without any intent are skipped."""
    p = str(path)
    with open(p, "rb") as binary:
        table = open_table(p, binary, column=column)
        folded = [h.strip().lower() for h in table.header]
        flag_cols = {i: folded.index(i) for i in INTENT_ORDER if i in folded}
        intent_col = next((folded.index(c) for c in _INTENT_COLUMNS if c in folded), None)
        second_col = folded.index("intent2") if "intent2" in folded else None
        if intent_col is None and len(flag_cols) < 2:
            raise InputError(
                p,
                1,
                f"no intent column (looked for {', '.join(_INTENT_COLUMNS)} or "
                "one true/false column per intent)",
            )
        numeric = intent_col is not None and folded[intent_col] == "in"
        for line, fields in table.rows:
            kw = fields[table.keyword_index].strip() if table.keyword_index < len(fields) else ""
            if intent_col is not None:
                cell = fields[intent_col] if intent_col < len(fields) else ""
                if second_col is not None and second_col < len(fields) and fields[second_col]:
                    cell += "|" + fields[second_col]
                intents = parse_intents(cell, numeric=numeric)
                if second_col is not None and intents:
                    primary = parse_intents(fields[intent_col])
                    intents = primary + tuple(i for i in intents if i not in primary)
            else:
                intents = tuple(
                    i
                    for i in SPECIFICITY
                    if i in flag_cols
                    and flag_cols[i] < len(fields)
                    and fields[flag_cols[i]].strip().lower() in _TRUE
                )
            if kw and intents:
                yield Labelled(line, kw, intents)


__all__ = ["Labelled", "parse_intents", "read_labelled"]
