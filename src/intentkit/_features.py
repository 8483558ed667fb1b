"""Feature extraction: keyword text to sparse feature names (training) or indices (scoring).

A keyword becomes a bag of named features, each counted:

- ``w:<token>`` every token, and ``w:<folded token>`` when folding å/ä/ö changes it;
- ``c:<gram>`` character 3- to 5-grams of ``<token>`` (the angle brackets mark word edges), which
  carry misspellings, inflections and compounds ("elbilar", "försäkrig") and the language;
- ``b:<a> <b>`` bigrams over the *class sequence*: tokens, with lexicon matches replaced by a class
  (names: ``__brand__`` for an online brand or service, ``__maker__``, ``__shop__``,
  ``__chain__`` for places people go to, ``__authority__``, ``__place__``; nouns:
  ``__product__``, ``__service__``, ``__venue__``, ``__topic__``, ``__model__`` for a product
  model, ``__attraction__``, also for a name before an attraction's head noun: "brantviks slott");
  and ``__domain__``, ``__year__``, ``__num__``, ``__measure__`` for an unknown number with a
  unit such as "20kg", ``__code__`` for an unknown model code such as "s25"), words the model
  has not learned by ``__word__`` (a dictionary word), the head's kind or ``__noun__`` (a
  compound: "marsvins|bur" is a ``__product__``) or ``__rare__`` (anything else, mostly
  names), and ``^``/``$`` at the edges, so "acme login" shares ``b:__brand__ login`` with
  "netflix login";
- ``L:<kind>`` lexicon flags (place, domain, a domain of a known brand, year, number, a keyword
  that is only one name or noun, a one-word keyword, ``L:no_signal`` for a keyword with nothing
  known in it), ``Q:<intent>`` for each cue phrase of an intent and ``S:<cue set>`` for each
  post-purchase phrase;
- ``X:<intent>@place`` when a keyword with a cue of that intent also names a place, and
  ``X:<cue set>@brand`` when a post-purchase cue comes with a brand (see :func:`crossings`).

A word is rare when the model has no ``w:`` feature for it (fewer than two training keywords
had it). In training, whether a word is rare is decided without the keyword's own vertical (a
word counts as known only if keywords of other verticals have it), so the model learns what
words it has never seen tend to mean, as it will meet them.

A brand on its own says nothing about intent once other words follow it ("netflix login" is
navigational, "netflix algorithm" informational), so brands get no general flag and no edge
bigram: only ``L:only_<kind>`` for a bare brand and the bigrams with the words around it. A
one-word name that is also a dictionary word ("orange", "boots", "handen") is a name only next
to a word that says so (:meth:`Featurizer.resolve`).

Scoring does not rebuild every name: the per-token part, most of the features, is summed once
per distinct token and cached (:mod:`intentkit._scorer`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field

from intentkit._text import fold, normalize
from intentkit.types import INTENT_ORDER

FEATURES_VERSION = 11
"""Bumped whenever feature extraction changes, so a model built for other features is refused."""
CHAR_NGRAMS = (3, 5)
MAX_PHRASE_TOKENS = 4
NOUN_KINDS = ("product", "service", "venue", "topic", "model", "attraction")
"""Kinds of lexicon phrases that are not brands or places: a product, a service (a trade), a
venue, a topic, a product model, a named attraction (a castle, a museum, a nature site)."""
HEAD_KINDS = ("product", "service", "venue", "topic")
"""The kinds a compound can take from its head (common nouns, not names)."""
BRAND_KINDS = ("brand", "maker", "shop", "chain", "authority")
"""Kinds of names: an online brand, site or service; a maker of products; a shop or marketplace;
a chain of places people visit (restaurants, gyms, petrol stations); a public authority."""

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
BRAND_CLASSES = tuple(f"__{kind}__" for kind in BRAND_KINDS)
BRAND = BRAND_CLASSES[0]
PLACE = "__place__"
DOMAIN = "__domain__"
YEAR = "__year__"
NUMBER = "__num__"
MEASURE = "__measure__"
CODE = "__code__"
COMMON = "__word__"
"""A dictionary word the model has no weights for."""
NOUN = "__noun__"
"""A compound the model has no weights for whose head is a dictionary noun of no known kind."""
RARE = "__rare__"
"""A word in no lexicon and no dictionary that the model has no weights for: mostly a name."""
NOUN_CLASSES = tuple(f"__{kind}__" for kind in NOUN_KINDS)
ATTRACTION = "__attraction__"
CLASSES = (
    *BRAND_CLASSES,
    PLACE,
    DOMAIN,
    YEAR,
    NUMBER,
    MEASURE,
    CODE,
    COMMON,
    NOUN,
    RARE,
    *NOUN_CLASSES,
)
"""Every class a token or phrase can stand for; a word the model knows stands for itself."""
SKIPPED_BIGRAMS = frozenset({(BOS, b) for b in BRAND_CLASSES} | {(b, EOS) for b in BRAND_CLASSES})
"""Class bigrams that are never features: a brand says nothing by itself at the keyword's edge."""

# Flags of the whole keyword.
ONLY = FLAG + "only_"
ONE_WORD = FLAG + "one_word"
NO_SIGNAL = FLAG + "no_signal"
"""A keyword with nothing known in it: no cue, no known or dictionary word, no lexicon phrase
("komaeda", "zq 300"). Its probabilities are spread out (see ``_decide``)."""
SILENT_CLASSES = frozenset({RARE, NUMBER, YEAR, MEASURE, CODE})
"""Classes that tell nothing about intent: unknown names, numbers, sizes, model codes."""
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

# Context bits: what a word tells about the name next to it (see Featurizer.context_of).
BRAND_CONTEXT = 1
"""The word makes a name beside it a brand: a navigational, local or post-purchase cue ("login",
"öppettider", "customer service"), or a product model ("apple iphone")."""
PLACE_CONTEXT = 2
"""The word makes a name beside it a place: a local cue, or a service or venue noun ("hotels
bath", "tandläkare mora"). Not a preposition: "ont i handen" is not about Handen."""
EDGE = 4
"""No word: the name is at the keyword's start (left) or end (right)."""
PREPOSITIONS = frozenset({"in", "i", "near", "nara", "at", "pa", "till", "to", "fran", "from"})
"""Folded prepositions of place (see :meth:`Featurizer.left_context`)."""
FUNCTION_WORDS = (PREPOSITIONS - {"near", "nara"}) | {
    *("a", "an", "the", "and", "of", "for", "on", "with", "my", "me", "your", "how", "what"),
    *("is", "do", "does", "can", "med", "av", "och", "om", "for", "min", "mina", "mitt", "man"),
    *("en", "ett", "den", "det", "de", "hur", "vad", "ar", "kan", "har", "sa"),
    *("around", "runt", "up", "upp", "out", "ut", "off", "bort", "away"),
}
"""Folded words that say nothing about a name beside them, even inside a cue phrase ("problem
med", "i närheten"): only the other words of a cue phrase give it context."""
COMPOUND_MODIFIER = 2
"""A compound's first part has at least this many letters ("el|fritös")."""
COMPOUND_HEAD = 3
"""A compound's head has at least this many letters ("marsvins|bur")."""
INFLECTIONS = ("arna", "orna", "erna", "ar", "or", "er", "en", "et", "na", "n", "t")
"""Swedish noun endings stripped from a compound before its head is looked up."""

_YEAR = re.compile(r"(19|20)\d\d")
_NUMBER = re.compile(r"\d+([.,/-]\d+)*")
_MEASURE = re.compile(r"\d+([.,x]\d+)*[a-z]{1,4}|\d+x\d+(x\d+)?")
_CODE = re.compile(r"[a-z]{1,4}\d+[a-z0-9]*")
DOMAIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.[a-z]{2,6}")
"""A token that is a domain name ("ikea.se", "www.netflix.com")."""


def class_flag(cls: str) -> str | None:
    """The flag a class raises wherever it stands (``L:place`` ...); brands raise none (see above)."""
    return None if cls in BRAND_CLASSES or not cls.startswith("__") else FLAG + cls.strip("_")


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

    ``brands`` maps a name to its kind (:data:`BRAND_KINDS`) and ``places`` holds place names;
    both replace their tokens by a class in the bigram sequence. ``cues`` maps a phrase to the
    intents it signals; ``stage_cues`` maps a post-purchase phrase to its cue set (``retention``
    or ``renew``); ``kinds`` maps a common noun to its kind (:data:`NOUN_KINDS`), which also
    becomes its class, so a bare product category ("robot lawn mowers") and a bare topic
    ("photosynthesis") look different. ``words`` are dictionary words of both languages (in all
    their forms): a word the model has not learned is a ``__word__`` if it is one, else a name or
    a compound. ``ambiguous`` are the one-word brands and places that are also dictionary words
    ("orange", "bath"): they count as names only next to a word that says so
    (:func:`reads_as_name`). ``english`` are the dictionary words of three letters or more that
    are English only (no Swedish word or product name folds to them: "estate", "dimensions"):
    the language call reads them as a sign of English (:mod:`intentkit._language`).
    ``heads`` are the nouns of a kind of attraction ("slott", "castle", "fästning", "abbey"): a
    name before one is a named attraction ("brantviks slott", "norrvik fort"), see
    :meth:`Featurizer.attraction_at`.
    """

    brands: Mapping[str, str] = field(default_factory=dict)
    places: frozenset[str] = frozenset()
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stage_cues: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)
    words: frozenset[str] = frozenset()
    ambiguous: frozenset[str] = frozenset()
    nouns: frozenset[str] = frozenset()
    english: frozenset[str] = frozenset()
    heads: frozenset[str] = frozenset()

    @staticmethod
    def key(phrase: str) -> str:
        """Return the lookup form of a phrase: normalised and folded."""
        return fold(normalize(phrase))

    @classmethod
    def build(
        cls,
        brands: Iterable[str | tuple[str, str]] = (),
        places: Iterable[str] = (),
        cues: Iterable[tuple[str, str]] = (),
        stage_cues: Iterable[tuple[str, str]] = (),
        kinds: Iterable[tuple[str, str]] = (),
        words: Iterable[str] = (),
        name_words: Iterable[str] | None = None,
        nouns: Iterable[str] = (),
        english: Iterable[str] = (),
        heads: Iterable[str] = (),
    ) -> Lexicon:
        """Build a lexicon from raw phrases; cues, stage cues and kinds are (phrase, label) pairs.

        A brand is a name (kind ``brand``) or a (name, kind) pair. A phrase given two kinds keeps
        the first. A one-word place or brand that is one of the ``words`` becomes ``ambiguous``
        ("handen", "boots", "myrorna"), and so does a place that is a one-word noun of ``kinds``
        ("kalk"); an authority only if it is one of the ``name_words`` (default: ``words``), as
        Swedish authorities are named by definite nouns ("arbetsförmedlingen") that a caller can
        leave out.
        """
        brand_map: dict[str, str] = {}
        for entry in brands:
            name, kind = (entry, "brand") if isinstance(entry, str) else entry
            k = cls.key(name)
            if k and kind in BRAND_KINDS:
                brand_map.setdefault(k, kind)
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
        place_set = frozenset(k for k in map(cls.key, places) if k)
        word_set = frozenset(k for k in map(cls.key, words) if k)
        kind_nouns = {k for k in kind_map if " " not in k and kind_map[k] in HEAD_KINDS}
        brand_words = word_set if name_words is None else frozenset(map(cls.key, name_words))
        ambiguous = {k for k in place_set if " " not in k and (k in word_set or k in kind_nouns)}
        ambiguous |= {
            k
            for k, kind in brand_map.items()
            if " " not in k and k in (brand_words if kind == "authority" else word_set)
        }
        return cls(
            brands=dict(sorted(brand_map.items())),
            places=place_set,
            cues={k: tuple(sorted(v)) for k, v in sorted(cue_map.items())},
            stage_cues=dict(sorted((cls.key(p), kind) for p, kind in stage_cues if cls.key(p))),
            kinds=dict(sorted(kind_map.items())),
            words=word_set,
            ambiguous=frozenset(ambiguous),
            nouns=frozenset(k for k in map(cls.key, nouns) if k and " " not in k),
            english=frozenset(k for k in map(cls.key, english) if k and " " not in k),
            heads=frozenset(k for k in map(cls.key, heads) if k and " " not in k),
        )

    def extended(self, brands: Iterable[str] = (), places: Iterable[str] = ()) -> Lexicon:
        """Return a copy with a user's own brands and places added (never ambiguous)."""
        extra = Lexicon.build(brands, places)
        return Lexicon(
            {**self.brands, **extra.brands},
            self.places | extra.places,
            self.cues,
            self.stage_cues,
            self.kinds,
            self.words,
            self.ambiguous - set(extra.brands) - extra.places,
            self.nouns,
            self.english - set(extra.brands) - extra.places,
            self.heads,
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
        lex = lexicon
        for source in (lex.brands, lex.places, lex.cues, lex.stage_cues, lex.kinds):
            for phrase in source:
                if " " in phrase:
                    first, _, _ = phrase.partition(" ")
                    n = min(phrase.count(" ") + 1, MAX_PHRASE_TOKENS)
                    if n > max_len.get(first, 1):
                        max_len[first] = n
        self.phrase_len: Mapping[str, int] = max_len
        """Per folded word, the length of the longest lexicon phrase it starts (absent: none)."""
        self._heads = {k: v for k, v in lexicon.kinds.items() if " " not in k and v in HEAD_KINDS}
        context: dict[str, int] = {}
        for phrase in (*lexicon.cues, *lexicon.stage_cues):
            bits = _phrase_context(lexicon, phrase)
            for word in phrase.split(" "):
                if " " not in phrase or word not in FUNCTION_WORDS:  # not "i" of "i närheten"
                    context[word] = context.get(word, 0) | bits
        self._context = {w: b for w, b in context.items() if b}

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

    def context_features(
        self,
        tokens: list[str],
        known: frozenset[str] | None = None,
        origins: list[tuple[str, ...]] | None = None,
    ) -> list[str]:
        """Features that need the whole keyword: lexicon flags, cues, class bigrams.

        ``known`` (default: the words of the vocabulary) decides which words are rare. When
        ``origins`` is given, one entry is appended to it per feature: the keyword's text behind
        that feature (see :meth:`described`).
        """
        known = self.known if known is None else known
        folded = [fold(t) for t in tokens]
        classes: list[str] = [BOS]
        texts: list[str] = [""]
        flags: list[str] = []
        n_tok = len(tokens)
        spans: list[str] = []
        span_texts: list[str] = []

        def mark(*text: str) -> None:
            if origins is not None:
                origins.extend([text] * (len(flags) - len(origins)))

        i = 0
        while i < n_tok:
            width = 1
            cls = ""
            for n in range(min(self.phrase_len.get(folded[i], 1), n_tok - i), 0, -1):
                phrase = " ".join(folded[i : i + n]) if n > 1 else folded[i]
                cls = self.lexicon_match(phrase, flags)
                mark(" ".join(tokens[i : i + n]))
                if cls:
                    width = n
                    break
            if width == 1 and self.attraction_at(folded, i):
                cls, width = ATTRACTION, 2
            elif width == 1 and folded[i] in self.lexicon.ambiguous:
                left = (
                    self.left_context(folded[i - 2] if i > 1 else "", folded[i - 1]) if i else EDGE
                )
                right = self.context_of(folded[i + 1]) if i + 1 < n_tok else EDGE
                cls = self.resolve(folded[i], left, right) or cls
            if not cls:
                cls = self.word_class(folded[i], known, flags)
                mark(tokens[i])
            text = " ".join(tokens[i : i + width])
            if cls in CLASSES:
                flag = class_flag(cls)
                if flag:
                    flags.append(flag)
                    mark(text)
                spans.append(cls)
                span_texts.append(text)
            classes.append(cls)
            texts.append(text)
            i += width
        classes.append(EOS)
        texts.append("")
        if len(spans) == 1 and len(classes) == 3:
            flags.append(only_flag(spans[0]))
            mark(span_texts[0])
        if n_tok == 1:
            flags.append(ONE_WORD)
            mark(tokens[0])
        for (a, b), (ta, tb) in zip(itertools.pairwise(classes), itertools.pairwise(texts)):
            name = bigram(a, b)
            if name:
                flags.append(name)
                mark(ta, tb)
        brand = any(c in BRAND_CLASSES for c in classes)
        bits = cue_bits(flags)
        crossed = crossings(bits, PLACE in classes, brand)
        flags.extend(crossed)
        if origins is not None:
            for name in crossed:
                cue, _, kind = name[len(CROSSING) :].partition("@")
                cue_flags = {cue_flag(cue), stage_cue_flag(cue)}
                cue_text = [o[0] for f, o in zip(flags, origins) if f in cue_flags]
                names = {PLACE} if kind == "place" else set(BRAND_CLASSES)
                name_text = [t for c, t in zip(classes, texts) if c in names]
                origins.append((" / ".join(dict.fromkeys(cue_text)), " / ".join(name_text)))
        if not bits and SILENT_CLASSES.issuperset(classes[1:-1]):
            flags.append(NO_SIGNAL)
            mark(*tokens)
        return flags

    def described(self, keyword: str) -> list[tuple[str, tuple[str, ...]]]:
        """Every feature of ``keyword`` (as :meth:`features`) with the text behind it.

        The text is a tuple of the keyword's normalised words and phrases: the token of a ``w:``
        or ``c:`` feature; the phrase of a cue or lexicon flag; the two sides of a class bigram
        (``""`` for the keyword's start or end); the cue phrase and the name of a crossing; every
        token for ``L:no_signal``.
        """
        tokens = normalize(keyword).split()
        out: list[tuple[str, tuple[str, ...]]] = []
        for t in tokens:
            out.extend((name, (t,)) for name in self.token_features(t))
        origins: list[tuple[str, ...]] = []
        out.extend(zip(self.context_features(tokens, origins=origins), origins))
        return out

    def lexicon_match(self, phrase: str, flags: list[str]) -> str:
        """Append a folded phrase's cue flags; return its lexicon class, or "" if it has none.

        Places come before brands, brands before common nouns; a class covers the phrase's tokens.
        An ambiguous one-word name has no class here: :meth:`resolve` gives it one in context.
        """
        lex = self.lexicon
        intents = lex.cues.get(phrase)
        if intents:
            flags.extend(cue_flag(it) for it in intents)
        stage_cue = lex.stage_cues.get(phrase)
        if stage_cue:
            flags.append(stage_cue_flag(stage_cue))
        return self.lexicon_class(phrase)

    def lexicon_class(self, phrase: str) -> str:
        """The lexicon class of a folded phrase, or "" (see :meth:`lexicon_match`)."""
        lex = self.lexicon
        if phrase in lex.ambiguous:
            kind = lex.kinds.get(phrase)
            return f"__{kind}__" if kind else ""
        if phrase in lex.places:
            return PLACE
        brand = lex.brands.get(phrase)
        if brand:
            return f"__{brand}__"
        kind = lex.kinds.get(phrase)
        return f"__{kind}__" if kind else ""

    def attraction_at(self, folded: list[str], i: int) -> bool:
        """Whether the folded tokens ``i`` and ``i + 1`` are a name and an attraction's head noun.

        "brantviks slott", "norrvik fort", "kalmar slott", "ekhult sanatorium": the pair is one
        ``__attraction__``, as a listed attraction is, so an attraction nobody listed reads
        as one. The name is letters only, at least three, and no dictionary word, noun of a
        kind, brand or cue word: "bouncy castle", "lego castle" and "gamla slott" are not
        attractions. A place is a name ("edinburgh castle").
        """
        if i + 1 >= len(folded) or folded[i + 1] not in self.lexicon.heads:
            return False
        span = min(self.phrase_len.get(folded[i + 1], 1), len(folded) - i - 1)
        for n in range(span, 1, -1):
            if self.lexicon_class(" ".join(folded[i + 1 : i + 1 + n])):
                return False  # the head starts a name of its own: "dallas fort worth"
        word, lex = folded[i], self.lexicon
        return (
            len(word) >= 3
            and word.isalpha()
            and word not in lex.words
            and word not in lex.kinds
            and word not in lex.brands
            and word not in lex.cues
            and word not in lex.stage_cues
            and word not in lex.ambiguous
        )

    def resolve(self, word: str, left: int, right: int) -> str:
        """The class of an ambiguous one-word name between words of these context bits.

        ``""`` when it means the dictionary word.

        A brand context makes it the brand ("orange login", "boots opening hours"), and so does
        standing alone ("boots": a one-word search for a name means the name); a place context
        makes it the place ("hotels bath", "tandläkare mora"); anything else the word ("orange
        juice", "bath towels", "reading glasses", "ont i handen").
        """
        lex = self.lexicon
        around = left | right
        brand = lex.brands.get(word)
        if brand and (around & BRAND_CONTEXT or left & right & EDGE):
            return f"__{brand}__"
        if word in lex.places and around & PLACE_CONTEXT:
            return PLACE
        return ""

    def left_context(self, before: str, word: str) -> int:
        """The context bits of the word left of a name, ``before`` being the word left of it.

        A preposition of place passes on the place context of the word before it: "hotels in
        bath" is a place, "ont i handen" is not.
        """
        if word in PREPOSITIONS:
            return self.context_of(before) & PLACE_CONTEXT if before else 0
        return self.context_of(word)

    def context_of(self, word: str) -> int:
        """What a folded word says about a name beside it: :data:`BRAND_CONTEXT`, :data:`PLACE_CONTEXT`."""
        bits = self._context.get(word, 0)
        kind = self.lexicon.kinds.get(word)
        if kind == "model":
            bits |= BRAND_CONTEXT
        elif kind in ("service", "venue"):
            bits |= PLACE_CONTEXT
        return bits

    def word_class(self, tok: str, known: frozenset[str], flags: list[str]) -> str:
        """The class of a folded token that no lexicon phrase covers; appends ``L:brand_domain``.

        A word the model knows stands for itself; an unknown dictionary word is ``__word__``; an
        unknown compound whose head is a noun of a known kind ("marsvins|bur", "djur|sängar")
        takes the head's kind, one whose head is another dictionary noun ("ligg|plats") is
        ``__noun__``; anything else is ``__rare__`` (mostly names).
        """
        if tok.isalpha():
            if tok in known:
                return tok
            if tok in self.lexicon.words:
                return COMMON
            head = self.compound_head(tok)
            if head:
                return f"__{self._heads[head]}__"
            return NOUN if self.compound_head(tok, self.lexicon.nouns) else RARE
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

    def compound_head(self, word: str, heads: Container[str] | None = None) -> str | None:
        """The head of a compound: its longest ending that is one of ``heads``.

        ``heads`` defaults to the one-word nouns of the lexicon's kinds (:data:`HEAD_KINDS`).
        The word is tried as it is, then without a Swedish noun ending (:data:`INFLECTIONS`);
        the first part keeps at least :data:`COMPOUND_MODIFIER` letters and the head at least
        :data:`COMPOUND_HEAD`. ``None`` if no ending is one.
        """
        heads = self._heads if heads is None else heads
        stems = [word, *(word[: -len(e)] for e in INFLECTIONS if word.endswith(e))]
        for stem in stems:
            for i in range(COMPOUND_MODIFIER, len(stem) - COMPOUND_HEAD + 1):
                if stem[i:] in heads:
                    return stem[i:]
        return None

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


def _phrase_context(lexicon: Lexicon, phrase: str) -> int:
    """The context bits a cue phrase gives its words (see :meth:`Featurizer.context_of`)."""
    intents = lexicon.cues.get(phrase, ())
    bits = BRAND_CONTEXT if phrase in lexicon.stage_cues or "navigational" in intents else 0
    if "local" in intents:
        bits |= BRAND_CONTEXT | PLACE_CONTEXT
    return bits


def cue_bits(context: Iterable[str]) -> int:
    """The cue bits of a keyword's context features.

    :data:`RETENTION_BIT` and :data:`RENEW_BIT` for its post-purchase cues, and
    ``INTENT_BITS[intent]`` for a cue of each intent.
    """
    bits = 0
    for name in context:
        bits |= _BIT_OF_FLAG.get(name, 0)
    return bits


_BIT_OF_FLAG = {
    **{stage_cue_flag(cue_set): bit for cue_set, bit in CUE_SET_BITS.items()},
    **{cue_flag(intent): bit for intent, bit in INTENT_BITS.items()},
}


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
