"""Which keywords a model was trained on, kept as short hashes in its card.

A model scored on its own training keywords looks far better than it is on new ones (a model
trained on an export and evaluated on the same export). Training writes, in the card's
``training_keywords``, the first :data:`KEY_BYTES` bytes of the SHA-256 of every training keyword's
lookup form (normalised and folded, as the lexicon matches phrases), sorted and base64-encoded:
about 5 characters per keyword, and no keyword can be read back from it. ``intentkit evaluate``
counts how many of a file's keywords have one of these keys and warns.

With 4-byte keys, a keyword that was not trained on matches by chance with a probability of the
number of keys over 2**32 (under 1 in 100,000 for the shipped model's 37,000 keywords).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from intentkit._features import Lexicon

KEY_BYTES = 4
KIND = "sha256-prefix-4 of the normalised, folded keyword; sorted; base64"


def key(keyword: str) -> bytes:
    """The overlap key of a keyword: the first bytes of the SHA-256 of its lookup form."""
    return hashlib.sha256(Lexicon.key(keyword).encode("utf-8")).digest()[:KEY_BYTES]


def card_entry(keywords: Iterable[str]) -> dict[str, Any]:
    """The card's ``training_keywords``: the keys of ``keywords``, sorted, deduplicated, encoded."""
    keys = sorted({key(k) for k in keywords})
    return {
        "hash": KIND,
        "count": len(keys),
        "keys": base64.b64encode(b"".join(keys)).decode("ascii"),
    }


def merged(*entries: Mapping[str, Any] | None) -> dict[str, Any]:
    """One ``training_keywords`` entry holding the keys of all given entries (``None`` skipped)."""
    keys: set[bytes] = set()
    for entry in entries:
        if entry is not None:
            keys |= _keys(entry)
    blob = b"".join(sorted(keys))
    return {"hash": KIND, "count": len(keys), "keys": base64.b64encode(blob).decode("ascii")}


def _keys(entry: Mapping[str, Any]) -> set[bytes]:
    if entry.get("hash") != KIND or not isinstance(entry.get("keys"), str):
        return set()
    try:
        blob = base64.b64decode(entry["keys"], validate=True)
    except ValueError:
        return set()
    return {blob[i : i + KEY_BYTES] for i in range(0, len(blob) - KEY_BYTES + 1, KEY_BYTES)}


def overlap(card: Mapping[str, Any] | None, keywords: Iterable[str]) -> tuple[int, int] | None:
    """How many of ``keywords`` (distinct lookup forms) the card's training keys hold, of how many.

    ``None`` when the card records no training keywords (a card written before they were kept).
    """
    entry = card.get("training_keywords") if card is not None else None
    if not isinstance(entry, Mapping):
        return None
    keys = _keys(entry)
    if not keys:
        return None
    distinct = {key(k) for k in keywords}
    return len(distinct & keys), len(distinct)


def warning(card: Mapping[str, Any] | None, keywords: Iterable[str]) -> str | None:
    """The one-line warning of ``intentkit evaluate`` when a file overlaps the training keywords."""
    found = overlap(card, keywords)
    if found is None or found[0] == 0:
        return None
    n, total = found
    return (
        f"warning: {n:,} of the file's {total:,} distinct keywords ({n / total:.0%}) are among "
        "the model's training keywords, so these scores overstate its accuracy on new keywords"
        + (
            f" (the card's held-out score of its own rows: {_heldout(card)})"
            if _heldout(card)
            else ""
        )
    )


def _heldout(card: Mapping[str, Any] | None) -> str:
    held = (card or {}).get("heldout")
    if isinstance(held, Mapping):
        adapted = held.get("adapted")
        if isinstance(adapted, Mapping) and "macro_f1" in adapted:
            return f"macro-F1 {adapted['macro_f1']}, accuracy {adapted.get('accuracy')}"
        if "macro_f1" in held:
            return f"macro-F1 {held['macro_f1']}"
    return ""
