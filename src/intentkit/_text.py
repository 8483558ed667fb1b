"""Text normalisation shared by training and scoring.

Both sides must see exactly the same tokens, so every rule lives here and nowhere else.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

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


SPACED_TLDS = frozenset({"com", "org", "io"})
"""Top-level domains people type after a space ("appsmith com", "build royale io"): read as a
domain. Not "se" (Swedish "see", and a trim level: "golf se"), "nu" ("öppet nu") or "net"
("fishing net"), which are words more often than domains."""
_NOT_A_NAME = frozenset({"a", "an", "and", "for", "in", "is", "of", "on", "or", "the", "to", "rom"})
"""Words before such a TLD that make it no domain ("what is com", "rom com")."""


def tokenize(text: str) -> list[str]:
    """The tokens of :func:`normalize` as a list (``normalize(t) == " ".join(tokenize(t))``).

    A keyword of two to four tokens whose last is a top-level domain (:data:`SPACED_TLDS`) is a
    domain typed with a space: "cal expo com" has the tokens ``cal`` and ``expo.com``.
    """
    text = text[:MAX_KEYWORD_CHARS]
    if text.isascii():
        text = text.lower()
        if _PLAIN.fullmatch(text):
            return _spaced_domain(text.split())
    else:
        text = unicodedata.normalize("NFKC", text).lower()
    text = _NON_TOKEN.sub(" ", text)
    return _spaced_domain([t for t in (w.strip(_EDGE) for w in text.split()) if t])


def _spaced_domain(tokens: list[str]) -> list[str]:
    if 2 <= len(tokens) <= 4 and tokens[-1] in SPACED_TLDS:
        name = tokens[-2]
        if name.isascii() and name.isalnum() and name not in _NOT_A_NAME:
            return [*tokens[:-2], f"{name}.{tokens[-1]}"]
    return tokens


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (which no UTF-8 output can hold) replaced by U+FFFD.

    Lone surrogates come from undecodable command-line bytes (``surrogateescape``) or from JSON
    escapes of half a pair; a valid pair is already one character in a Python string.
    """
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def read_small_text(path: str | Path, limit: int, what: str) -> str:
    """The UTF-8 text of a file that should be small (a framework, a list of names).

    At most ``limit`` bytes are read, so ``/dev/zero`` or a runaway file is an error rather than
    unbounded memory; a pipe (``--brands <(...)``) is read like a file. Errors name the file.
    """
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path}: larger than {limit >> 20} MiB; too large for {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        raise ValueError(f"{path}: not UTF-8 text (byte {bom + e.start + 1})") from None


def fold(text: str) -> str:
    """Fold Nordic and common accented letters to ASCII, as people type without them."""
    return text.translate(_FOLD)
