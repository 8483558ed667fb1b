"""Text normalisation shared by training and scoring.

Both sides must see exactly the same tokens, so every rule lives here and nowhere else.
"""

from __future__ import annotations

import re
import unicodedata

MAX_KEYWORD_CHARS = 512
"""Keywords are cut to this many characters before normalisation, so cost is bounded."""

_NON_TOKEN = re.compile(r"[^\w.&+'/-]+")
_EDGE = ".-&+'/_"
_PLAIN = re.compile(r"[a-z0-9 ]*")
_FOLD = str.maketrans(
    {"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "æ": "a", "ø": "o"}
)


def normalize(text: str) -> str:
    """Lower-case, NFKC-fold and tokenise ``text``; tokens joined by single spaces.

    Punctuation other than ``. - & + ' /`` inside a token becomes a space, token edges are
    stripped of those marks, and everything past :data:`MAX_KEYWORD_CHARS` is ignored.
    """
    return " ".join(tokenize(text))


def tokenize(text: str) -> list[str]:
    """The tokens of :func:`normalize` as a list (``normalize(t) == " ".join(tokenize(t))``)."""
    text = text[:MAX_KEYWORD_CHARS]
    if text.isascii():
        text = text.lower()
        if _PLAIN.fullmatch(text):
            return text.split()
    else:
        text = unicodedata.normalize("NFKC", text).lower()
    text = _NON_TOKEN.sub(" ", text)
    return [t for t in (w.strip(_EDGE) for w in text.split()) if t]


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (which no UTF-8 output can hold) replaced by U+FFFD.

    Lone surrogates come from undecodable command-line bytes (``surrogateescape``) or from JSON
    escapes of half a pair; a valid pair is already one character in a Python string.
    """
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def fold(text: str) -> str:
    """Fold Nordic and common accented letters to ASCII, as people type without them."""
    return text.translate(_FOLD)
