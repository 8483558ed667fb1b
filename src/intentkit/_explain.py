"""Plain-terms descriptions of features for :meth:`~intentkit.IntentClassifier.explain`.

Each description names the words or phrases of the keyword behind the feature, in double quotes
(and only those are quoted), as :meth:`~intentkit._features.Featurizer.described` finds them.
"""

from __future__ import annotations

from collections.abc import Sequence

from intentkit import _features as F

CLASS_NAMES = {
    "__brand__": "a brand",
    "__maker__": "a maker's brand",
    "__shop__": "a shop",
    "__chain__": "a chain",
    "__authority__": "a public authority",
    "__place__": "a place",
    "__domain__": "a domain name",
    "__year__": "a year",
    "__num__": "a number",
    "__measure__": "a number with a unit",
    "__code__": "a model code",
    "__word__": "a dictionary word the model has no weights for",
    "__noun__": "a compound noun",
    "__rare__": "an unknown word (mostly a name)",
    "__product__": "a product",
    "__service__": "a service",
    "__venue__": "a venue",
    "__topic__": "a topic",
    "__model__": "a product model",
    "__attraction__": "an attraction",
}
"""What each class of the bigram sequence stands for."""
_LEXICON_KINDS = frozenset({"place", "product", "service", "venue", "topic", "model", "attraction"})
CUE_SET_NAMES = {
    "retention": "a post-purchase cue (log in, support, returns, cancel ...)",
    "renew": "a renewal cue (renew, upgrade, subscription ...)",
}


def _q(text: str) -> str:
    return f'"{text}"'


def _side(cls: str, text: str) -> str:
    """One side of a class bigram: a class in words, or the known word itself."""
    return CLASS_NAMES.get(cls, _q(text))


def _bigram(name: str, origin: Sequence[str]) -> str:
    a, _, b = name[len(F.BIGRAM) :].partition(" ")
    ta, tb = (*origin, "", "")[:2]
    if a == F.BOS:
        where = f"{_q(tb)} at the start of the keyword"
        return where if b not in CLASS_NAMES else f"{where}, as {CLASS_NAMES[b]}"
    if b == F.EOS:
        where = f"{_q(ta)} at the end of the keyword"
        return where if a not in CLASS_NAMES else f"{where}, as {CLASS_NAMES[a]}"
    return f"{_q(f'{ta} {tb}')}: {_side(a, ta)} followed by {_side(b, tb)}"


def _flag(name: str, origin: Sequence[str]) -> str:
    kind = name[len(F.FLAG) :]
    text = origin[0] if origin else ""
    if name == F.ONE_WORD:
        return f"the keyword is one word: {_q(text)}"
    if name == F.NO_SIGNAL:
        return "nothing in the keyword is known: " + ", ".join(map(_q, origin))
    if name == F.BRAND_DOMAIN:
        return f"{_q(text)} is the domain of a known brand"
    if name.startswith(F.ONLY):
        what = CLASS_NAMES.get(f"__{kind[len('only_') :]}__", "a name")
        return f"the keyword is only {_q(text)}, {what}"
    what = CLASS_NAMES.get(f"__{kind}__", kind)
    if kind in _LEXICON_KINDS:
        what = what.replace("a ", "a known ", 1).replace("an ", "a known ", 1)
    return f"{_q(text)} is {what}"


def _crossing(name: str, origin: Sequence[str]) -> str:
    cue, _, kind = name[len(F.CROSSING) :].partition("@")
    cue_text, names = (*origin, "", "")[:2]
    what = CUE_SET_NAMES.get(cue, f"a cue of {cue} intent")
    return f"{_q(cue_text)}, {what}, with the {kind} {_q(names)}"


def describe_one(name: str, origin: Sequence[str]) -> str:
    """The plain-terms description of one occurrence of feature ``name``."""
    text = origin[0] if origin else ""
    if name.startswith(F.WORD):
        word = name[len(F.WORD) :]
        if word == text:
            return f"the word {_q(text)}"
        return f"the word {_q(text)} without accents ({word})"
    if name.startswith(F.GRAM):
        gram = name[len(F.GRAM) :]
        if gram.startswith("<") and gram.endswith(">"):
            return f"the whole word {_q(text)}"
        if gram.startswith("<"):
            return f"the letters {gram[1:]} at the start of {_q(text)}"
        if gram.endswith(">"):
            return f"the letters {gram[:-1]} at the end of {_q(text)}"
        return f"the letters {gram} inside {_q(text)}"
    if name.startswith(F.BIGRAM):
        return _bigram(name, origin)
    if name.startswith(F.CUE):
        return f"{_q(text)} is a cue of {name[len(F.CUE) :]} intent"
    if name.startswith(F.STAGE_CUE):
        return f"{_q(text)} is {CUE_SET_NAMES.get(name[len(F.STAGE_CUE) :], 'a post-purchase cue')}"
    if name.startswith(F.CROSSING):
        return _crossing(name, origin)
    if name.startswith(F.FLAG):
        return _flag(name, origin)
    return f"a feature of {', '.join(map(_q, origin))}" if origin else name


def describe(name: str, origins: Sequence[Sequence[str]]) -> str:
    """The description of a feature that occurs once per origin; repeats are joined by "; "."""
    return "; ".join(dict.fromkeys(describe_one(name, o) for o in origins))
