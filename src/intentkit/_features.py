"""Feature extraction: keyword text to sparse feature names (training) or indices (scoring).

A keyword becomes a bag of named features, each counted:

- ``w:<token>`` every token, and ``w:<folded token>`` when folding å/ä/ö changes it;
- ``c:<gram>`` character 3- to 5-grams of ``<token>`` (the angle brackets mark word edges), which
  carry misspellings, inflections and compounds ("elbilar", "försäkrig") and the language;
- ``b:<a> <b>`` bigrams over the *class sequence*: tokens, with lexicon matches replaced by a class
  (``__brand__``, ``__place__``, ``__product__``, ``__service__``, ``__venue__``, ``__topic__``,
  ``__domain__``, ``__year__``, ``__num__``, ``__measure__`` for an unknown number with a unit
  such as "20kg" or "140x200", ``__code__`` for an unknown model code such as "s25" or "k5"),
  words the model has not learned by ``__rare__``, and ``^``/``$`` at the edges, so "acme login" shares
  ``b:__brand__ login`` with "netflix login" and an unknown name on its own ("zammad") looks like
  the unknown names of the training data;
- ``L:<kind>`` lexicon flags (place, domain, a domain of a known brand, year, number, a keyword
  that is only a brand or only a place, a one-word keyword), ``Q:<intent>`` for each cue phrase of an intent and
  ``S:<cue set>`` for each post-purchase phrase;
- ``X:<intent>@place`` when a keyword with a cue of that intent also names a place, and
  ``X:<cue set>@brand`` when a post-purchase cue comes with a brand (see :func:`crossings`).

A word is rare when the model has no ``w:`` feature for it (fewer than two training keywords
had it). In training, whether a word is rare is decided without the keyword's own vertical (a
word counts as known only if keywords of other verticals have it), so the model learns what
words it has never seen tend to mean, as it will meet them.

A brand on its own says nothing about intent once other words follow it ("netflix login" is
navigational, "netflix algorithm" informational), so brands get no general flag and no edge
bigram: only ``L:only_brand`` for a bare brand and the bigrams with the words around it.

Scoring does not rebuild every name: the per-token part, most of the features, is summed once
per distinct token and cached (:mod:`intentkit._scorer`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from intentkit._text import fold, normalize
from intentkit.types import INTENT_ORDER

FEATURES_VERSION = 7
"""Bumped whenever feature extraction changes, so a model built for other features is refused."""
CHAR_NGRAMS = (3, 5)
MAX_PHRASE_TOKENS = 4
NOUN_KINDS = ("product", "service", "venue", "topic")

# Feature name prefixes.
WORD = "w:"
GRAM = "c:"
BIGRAM = "b:"
FLAG = "L:"
CUE = "Q:"
STAGE_CUE = "S:"
CROSSING = "X:"

# Classes of the bigram sequence.
BOS = "^"
EOS = "$"
BRAND = "__brand__"
PLACE = "__place__"
DOMAIN = "__domain__"
YEAR = "__year__"
NUMBER = "__num__"
MEASURE = "__measure__"
CODE = "__code__"
RARE = "__rare__"
NOUN_CLASSES = tuple(f"__{kind}__" for kind in NOUN_KINDS)
CLASSES = (BRAND, PLACE, DOMAIN, YEAR, NUMBER, MEASURE, CODE, RARE, *NOUN_CLASSES)
"""Every class a token or phrase can stand for; a word the model knows stands for itself."""
SKIPPED_BIGRAMS = frozenset({(BOS, BRAND), (BRAND, EOS)})
"""Class bigrams that are never features: a brand says nothing by itself at the keyword's edge."""

# Flags of the whole keyword.
ONLY = FLAG + "only_"
ONE_WORD = FLAG + "one_word"
BRAND_DOMAIN = FLAG + "brand_domain"

# Cue bits: what the stage and the crossings read of a keyword's cues.
CUE_SETS = ("retention", "renew")
"""The post-purchase cue sets: ``renew`` holds renew/förnya/upgrade/subscription cues,
``retention`` every other post-purchase cue (login, support, returns, ...)."""
RETENTION_BIT = 1
RENEW_BIT = 2
POST_PURCHASE_BITS = RETENTION_BIT | RENEW_BIT
"""The bits of :func:`cue_bits` that are post-purchase cues (the journey stage reads only these)."""
CUE_SET_BITS = {"retention": RETENTION_BIT, "renew": RENEW_BIT}
INTENT_BITS = {intent: 4 << k for k, intent in enumerate(INTENT_ORDER)}
"""The cue bit of each intent, above the post-purchase bits."""
CUE_BIT_COUNT = 2 + len(INTENT_ORDER)
"""How many bits :func:`cue_bits` uses."""

_YEAR = re.compile(r"(19|20)\d\d")
_NUMBER = re.compile(r"\d+([.,/-]\d+)*")
_MEASURE = re.compile(r"\d+([.,x]\d+)*[a-z]{1,4}|\d+x\d+(x\d+)?")
_CODE = re.compile(r"[a-z]{1,4}\d+[a-z0-9]*")
DOMAIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.[a-z]{2,6}")
"""A token that is a domain name ("ikea.se", "www.netflix.com")."""


def class_flag(cls: str) -> str | None:
    """The flag a class raises wherever it stands (``L:place`` ...); brands raise none (see above)."""
    return None if cls == BRAND or not cls.startswith("__") else FLAG + cls.strip("_")


def only_flag(cls: str) -> str:
    """The flag of a keyword that is nothing but one token or phrase of class ``cls``."""
    return ONLY + cls.strip("_")


def bigram(a: str, b: str) -> str | None:
    """The feature name of the class bigram ``a b``, or ``None`` for a skipped bigram."""
    return None if (a, b) in SKIPPED_BIGRAMS else f"{BIGRAM}{a} {b}"


def cue_flag(intent: str) -> str:
    """The feature name of a cue of ``intent``."""
    return CUE + intent


def stage_cue_flag(cue_set: str) -> str:
    """The feature name of a post-purchase cue of ``cue_set``."""
    return STAGE_CUE + cue_set


@dataclass(frozen=True)
class Lexicon:
    """Phrases the featurizer recognises, keyed by their normalised, folded form.

    ``brands`` and ``places`` replace their tokens by a class in the bigram sequence; ``cues``
    maps a phrase to the intents it signals; ``stage_cues`` maps a post-purchase phrase to its cue
    set (``retention`` or ``renew``); ``kinds`` maps a common noun to its kind (one of
    :data:`NOUN_KINDS`: product, service, venue or topic), which also becomes its class, so a bare
    product category ("robot lawn mowers") and a bare topic ("photosynthesis") look different.
    """

    brands: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stage_cues: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)

    @staticmethod
    def key(phrase: str) -> str:
        """Return the lookup form of a phrase: normalised and folded."""
        return fold(normalize(phrase))

    @classmethod
    def build(
        cls,
        brands: Iterable[str] = (),
        places: Iterable[str] = (),
        cues: Iterable[tuple[str, str]] = (),
        stage_cues: Iterable[tuple[str, str]] = (),
        kinds: Iterable[tuple[str, str]] = (),
    ) -> Lexicon:
        """Build a lexicon from raw phrases; cues, stage cues and kinds are (phrase, label) pairs.

        A phrase given two kinds keeps the first.
        """
        kind_map: dict[str, str] = {}
        for phrase, kind in kinds:
            k = cls.key(phrase)
            if k and kind in NOUN_KINDS:
                kind_map.setdefault(k, kind)
        cue_map: dict[str, set[str]] = {}
        for phrase, intent in cues:
            k = cls.key(phrase)
            if k:
                cue_map.setdefault(k, set()).add(intent)
        return cls(
            brands=frozenset(k for k in map(cls.key, brands) if k),
            places=frozenset(k for k in map(cls.key, places) if k),
            cues={k: tuple(sorted(v)) for k, v in sorted(cue_map.items())},
            stage_cues=dict(sorted((cls.key(p), kind) for p, kind in stage_cues if cls.key(p))),
            kinds=dict(sorted(kind_map.items())),
        )

    def extended(self, brands: Iterable[str] = (), places: Iterable[str] = ()) -> Lexicon:
        """Return a copy with a user's own brands and places added."""
        extra = Lexicon.build(brands, places)
        return Lexicon(
            self.brands | extra.brands,
            self.places | extra.places,
            self.cues,
            self.stage_cues,
            self.kinds,
        )


class Featurizer:
    """Turn keywords into features. Holds no learned state but the lexicon and, for scoring, a vocabulary."""

    def __init__(
        self,
        lexicon: Lexicon,
        vocabulary: Mapping[str, int] | None = None,
        known: frozenset[str] | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.vocabulary = vocabulary or {}
        self.known = (
            known
            if known is not None
            else frozenset(
                fold(name[len(WORD) :]) for name in self.vocabulary if name.startswith(WORD)
            )
        )
        max_len: dict[str, int] = {}
        for phrase in (
            *lexicon.brands,
            *lexicon.places,
            *lexicon.cues,
            *lexicon.stage_cues,
            *lexicon.kinds,
        ):
            first, _, _ = phrase.partition(" ")
            n = min(phrase.count(" ") + 1, MAX_PHRASE_TOKENS)
            if n > max_len.get(first, 0):
                max_len[first] = n
        self.phrase_len: Mapping[str, int] = max_len
        """Per folded word, the length of the longest lexicon phrase it starts (absent: none)."""

    @staticmethod
    def token_features(token: str) -> list[str]:
        """Features of one token on its own: the word, its folded form, its character n-grams."""
        out = [WORD + token]
        folded = fold(token)
        if folded != token:
            out.append(WORD + folded)
        padded = f"<{token}>"
        lo, hi = CHAR_NGRAMS
        for n in range(lo, hi + 1):
            out.extend(GRAM + padded[i : i + n] for i in range(len(padded) - n + 1))
        return out

    def context_features(self, tokens: list[str], known: frozenset[str] | None = None) -> list[str]:
        """Features that need the whole keyword: lexicon flags, cues, class bigrams.

        ``known`` (default: the words of the vocabulary) decides which words are rare.
        """
        known = self.known if known is None else known
        folded = [fold(t) for t in tokens]
        classes: list[str] = [BOS]
        flags: list[str] = []
        n_tok = len(tokens)
        spans: list[str] = []
        i = 0
        while i < n_tok:
            width = 1
            cls = ""
            for n in range(min(self.phrase_len.get(folded[i], 1), n_tok - i), 0, -1):
                phrase = " ".join(folded[i : i + n]) if n > 1 else folded[i]
                cls = self.lexicon_match(phrase, flags)
                if cls:
                    width = n
                    break
            if not cls:
                cls = self.word_class(folded[i], known, flags)
            if cls in CLASSES:
                flag = class_flag(cls)
                if flag:
                    flags.append(flag)
                spans.append(cls)
            classes.append(cls)
            i += width
        classes.append(EOS)
        if len(spans) == 1 and len(classes) == 3:
            flags.append(only_flag(spans[0]))
        if n_tok == 1:
            flags.append(ONE_WORD)
        flags.extend(name for a, b in itertools.pairwise(classes) if (name := bigram(a, b)))
        flags.extend(crossings(cue_bits(flags), PLACE in classes, BRAND in classes))
        return flags

    def lexicon_match(self, phrase: str, flags: list[str]) -> str:
        """Append a folded phrase's cue flags; return its lexicon class, or "" if it has none.

        Places come before brands, brands before common nouns; a class covers the phrase's tokens.
        """
        lex = self.lexicon
        flags.extend(cue_flag(it) for it in lex.cues.get(phrase, ()))
        stage_cue = lex.stage_cues.get(phrase)
        if stage_cue:
            flags.append(stage_cue_flag(stage_cue))
        if phrase in lex.places:
            return PLACE
        if phrase in lex.brands:
            return BRAND
        kind = lex.kinds.get(phrase)
        return f"__{kind}__" if kind else ""

    def word_class(self, tok: str, known: frozenset[str], flags: list[str]) -> str:
        """The class of a folded token that no lexicon phrase covers; appends ``L:brand_domain``."""
        if tok.isalpha():
            return tok if tok in known else RARE
        if DOMAIN_PATTERN.fullmatch(tok):
            if tok.split(".")[0] in self.lexicon.brands:
                flags.append(BRAND_DOMAIN)
            return DOMAIN
        if _YEAR.fullmatch(tok):
            return YEAR
        if _NUMBER.fullmatch(tok):
            return NUMBER
        if tok in known:
            return tok
        if _MEASURE.fullmatch(tok):
            return MEASURE
        if _CODE.fullmatch(tok):
            return CODE
        return tok

    def features(self, keyword: str, known: frozenset[str] | None = None) -> list[str]:
        """All feature names of ``keyword`` (with repeats: features are counted)."""
        tokens = normalize(keyword).split()
        if not tokens:
            return []
        out: list[str] = []
        for t in tokens:
            out.extend(self.token_features(t))
        out.extend(self.context_features(tokens, known))
        return out

    def indices(self, keyword: str) -> tuple[list[int], int] | None:
        """Vocabulary indices of the keyword's features, and its cue bits (:func:`cue_bits`).

        Repeats are kept (features are counted), unknown features dropped. This is the reference
        path, feature name by feature name; :class:`~intentkit._scorer.Scorer` computes the same
        scores faster. Returns ``None`` when the keyword has no tokens at all.
        """
        tokens = normalize(keyword).split()
        if not tokens:
            return None
        vocab = self.vocabulary
        out: list[int] = []
        for t in tokens:
            out += [j for j in map(vocab.get, self.token_features(t)) if j is not None]
        context = self.context_features(tokens)
        out += [j for j in map(vocab.get, context) if j is not None]
        return out, cue_bits(context)


def cue_bits(context: Iterable[str]) -> int:
    """The cue bits of a keyword's context features.

    :data:`RETENTION_BIT` and :data:`RENEW_BIT` for its post-purchase cues, and
    ``INTENT_BITS[intent]`` for a cue of each intent.
    """
    names = set(context)
    bits = 0
    for cue_set, bit in CUE_SET_BITS.items():
        if stage_cue_flag(cue_set) in names:
            bits |= bit
    for intent, bit in INTENT_BITS.items():
        if cue_flag(intent) in names:
            bits |= bit
    return bits


def crossings(bits: int, place: bool, brand: bool) -> list[str]:
    """Cues crossed with what a keyword names, which a linear model cannot combine by itself.

    ``X:<intent>@place`` for each intent cue of a keyword that names a place: by the taxonomy
    "best X" is commercial but "best X in <city>" local, and "book X" with a place stays
    transactional. ``X:retention@brand`` and ``X:renew@brand`` for a post-purchase cue next to a
    brand: "how to cancel <brand>" needs that brand's page (navigational), "how to cancel a gym
    membership" is a question (informational).
    """
    out = []
    if place:
        out += [f"{CROSSING}{it}@place" for it, bit in INTENT_BITS.items() if bits & bit]
    if brand:
        out += [f"{CROSSING}{cue}@brand" for cue, bit in CUE_SET_BITS.items() if bits & bit]
    return out
