"""Fast scoring: everything about a token computed once, one vectorised pass per chunk.

The reference path (:meth:`~intentkit._features.Featurizer.indices`) builds every feature name of
a keyword and looks it up. Nearly all of that work depends on one token at a time, and tokens
repeat across keywords, so the scorer keeps, per distinct token:

- a row of summed weights for the token's own features (word, folded word, character n-grams),
  and a second row adding the flags the token raises when it stands as a unit of its own (cue
  words, post-purchase cues, place, domain, year, number);
- its class in the bigram sequence as an integer, and its post-purchase cue bits;
- the longest lexicon phrase starting with it, so only keywords that may hold a multi-word
  phrase ("near me", "new york", "mina sidor") pay for phrase look-ups, one dictionary look-up
  per candidate phrase.

A chunk of keywords is then encoded with array operations: every token is looked up once
(its id indexes arrays of table rows, classes and cue bits), keywords holding a possible
multi-word phrase are found by looking up integer keys of adjacent tokens' ids, and only
keywords whose phrase is a brand, place or noun phrase (a few in a hundred) are encoded token by
token. Class
bigrams are looked up for the whole chunk (integer pair keys, binary search), and the sums use
``bincount``. :meth:`Scorer.score_one` adds in the same order in plain Python, so single and
batch results are bit-identical; both equal the reference path up to floating-point summation
order (tested to 1e-9).

The token cache is bounded: once :data:`TOKEN_CACHE_LIMIT` tokens are cached, new tokens are
scored feature by feature without caching, so memory stays flat on any input. The tables only
grow, are written under a lock and replaced whole when they grow, and a token is published only
after its rows are written, so concurrent readers always find the rows of every token they see.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from itertools import chain, pairwise, repeat
from typing import NamedTuple

import numpy as np

from intentkit import _features as F
from intentkit._features import (
    CHAR_NGRAMS,
    CUE_BIT_COUNT,
    MAX_PHRASE_TOKENS,
    Featurizer,
    class_flag,
    crossings,
    cue_bits,
)
from intentkit._language import evidence_codes
from intentkit._model import FloatArray, IntArray
from intentkit._text import fold, tokenize

TOKEN_CACHE_LIMIT = 200_000
_META = 6
_FIRST = np.zeros(1, dtype=np.intp)
BOS, EOS, UNKNOWN = 0, 1, 2
"""Class ids of the keyword's edges, and of a word the model has no class bigram with."""


class Encoded(NamedTuple):
    """A keyword as the scorer sees it."""

    rows: list[int]
    """Rows of the token table to add."""
    extra: list[int]
    """Feature indices (weight rows) to add: multi-word phrase flags, uncached tokens."""
    classes: list[int]
    """The class sequence, ``BOS`` and ``EOS`` included; its adjacent pairs are the bigrams."""
    cues: int
    """Cue bits (:func:`~intentkit._features.cue_bits`): 1 retention, 2 renew, ``4 << k`` intent k."""


class Batch(NamedTuple):
    """A chunk of keywords as the scorer sees it: flat index arrays, each entry with its keyword.

    Within a keyword, entries keep the order :meth:`Scorer.score_one` adds them in.
    """

    n: int
    rows: IntArray
    """Rows of the token table to add ..."""
    row_owner: IntArray
    """... and the keyword each belongs to."""
    extra: IntArray
    extra_owner: IntArray
    classes: IntArray
    """Every keyword's class sequence, ``BOS`` and ``EOS`` included, one after the other."""
    class_owner: IntArray
    cues: IntArray
    """Cue bits per keyword (as :attr:`Encoded.cues`)."""
    empty: list[int]
    """Keywords without tokens."""
    evidence: IntArray
    """The language evidence code of each keyword (:func:`~intentkit._language.evidence_codes`)."""


class _Token(NamedTuple):
    unit: int
    """Table row: the token's features plus its unit flags (-1: not cached, see ``unit_idx``)."""
    cls: int
    cues: int
    plain: bool
    """Cached, starting no lexicon phrase, neither an ambiguous name nor an attraction head: the
    common case, with a fast path (the others depend on their neighbours: the slow path)."""
    alone: int
    """Table row: the token's features only."""
    span: int
    """Length of the longest lexicon phrase starting with this token (1: none)."""
    folded: str
    unit_idx: tuple[int, ...]
    alone_idx: tuple[int, ...]
    ambiguous: bool
    """A one-word name that is also a dictionary word: its class depends on its neighbours."""
    context: int
    """What the token says about a name beside it (:meth:`Featurizer.context_of`)."""
    cue_idx: tuple[int, ...]
    """Feature indices of the token's cue flags (what it adds when it reads as a name)."""
    head: bool
    """An attraction's head noun ("slott"): a name before it makes one attraction."""


class _Phrase(NamedTuple):
    flags: list[int]
    cues: int
    cls: int
    """Class id when the phrase is a place or brand (it then covers its tokens), else -1."""


class Scorer:
    """Scores keywords with a weight matrix whose columns are the intents plus the language logit."""

    def __init__(
        self,
        featurizer: Featurizer,
        weights: FloatArray,
        language: Callable[[str, str | None], int] | None = None,
    ) -> None:
        self.featurizer = featurizer
        self.weights = weights
        self._language = language
        """A token's language kind (:meth:`~intentkit._language.LanguageEvidence.kind`), kept
        with its cached rows; ``None``: every keyword's evidence is 0."""
        vocab = featurizer.vocabulary
        classes: dict[str, int] = {F.BOS: BOS, F.EOS: EOS}
        for name in F.CLASSES:
            classes[name] = len(classes) + 1  # UNKNOWN keeps id 2
        pairs: list[tuple[str, str, int]] = []
        words: dict[str, int] = {}
        grams: dict[str, int] = {}
        by_prefix = {F.WORD: words, F.GRAM: grams}
        for name, j in vocab.items():
            prefix, rest = name[:2], name[2:]  # every feature prefix has two characters
            if prefix == F.BIGRAM:
                a, _, b = rest.partition(" ")
                pairs.append((a, b, j))
                for c in (a, b):
                    if c not in classes:
                        classes[c] = len(classes) + 1
            elif (names := by_prefix.get(prefix)) is not None:
                names[rest] = j
        self._classes = classes
        self._k = k = len(classes) + 2
        keyed = sorted(
            (classes[a] * k + classes[b], j) for a, b, j in pairs if F.bigram(a, b) is not None
        )
        self._bigram_keys = np.array([key for key, _ in keyed], dtype=np.int64)
        self._bigram_index = np.array([j for _, j in keyed], dtype=np.intp)
        self._bigram = dict(keyed)
        self._only = {
            classes[name]: vocab[F.only_flag(name)]
            for name in F.CLASSES
            if F.only_flag(name) in vocab
        }
        self._one_word = vocab.get(F.ONE_WORD, -1)
        self._no_signal = vocab.get(F.NO_SIGNAL, -1)
        self._attraction_flags = self._flags([F.class_flag(F.ATTRACTION) or ""])
        self._silent = frozenset(classes[c] for c in F.SILENT_CLASSES)
        self._silent_array = np.array(sorted(self._silent), dtype=np.int64)
        self._place = classes[F.PLACE]
        self._brands = frozenset(classes[b] for b in F.BRAND_CLASSES)
        self._brand_array = np.array(sorted(self._brands), dtype=np.int64)
        self._cross_place = _crossing_table(vocab, place=True)
        self._cross_brand = _crossing_table(vocab, place=False)
        self._only_array = np.full(len(classes) + 2, -1, dtype=np.int64)
        for cls_id, j in self._only.items():
            self._only_array[cls_id] = j
        self._phrases = self._multiword_phrases()
        self._init_phrase_keys()
        self._word_index = words
        self._gram_index = grams
        self._tokens: dict[str, _Token] = {}
        self._ids: dict[str, int] = {}
        self._meta = np.zeros((1024, _META), dtype=np.int64)
        """Per cached token id: table row (unit), class, cue bits, phrase-word id (-1: none),
        ambiguous or an attraction head (1: its keyword is encoded one by one), language kind."""
        self._n_rows = 0
        self._table = np.zeros((1024, weights.shape[1]))
        self._lock = threading.Lock()

    def _init_phrase_keys(self) -> None:
        """Multi-word phrases as integer keys of their words' ids, one sorted array per length."""
        phrases = sorted(self._phrases)
        flat = " ".join(phrases).split(" ")
        lengths = np.fromiter(map(str.count, phrases, repeat(" ")), dtype=np.intp) + 1
        offsets = np.cumsum(lengths) - lengths
        # Ids in order of first sight: a dict is much faster than np.unique over strings.
        self._word_id = word_id = dict.fromkeys(flat, 0)
        for i, word in enumerate(word_id):
            word_id[word] = i
        ids = np.fromiter(map(word_id.__getitem__, flat), dtype=np.int64, count=len(flat))
        self._pairs = {f"{flat[o]} {flat[o + 1]}" for o in offsets.tolist()}
        """The first two words of every multi-word phrase, as "first second"."""
        self._base = base = len(word_id) + 1
        if base**MAX_PHRASE_TOKENS >= 2**63:
            raise ValueError("too many distinct words in multi-word lexicon phrases")
        self._phrase_keys: dict[int, tuple[IntArray, IntArray]] = {}
        for m in range(2, MAX_PHRASE_TOKENS + 1):
            which = np.flatnonzero(lengths == m)
            keys = np.zeros(len(which), dtype=np.int64)
            for t in range(m):
                keys = keys * base + ids[offsets[which] + t]
            order = np.argsort(keys, kind="stable")
            self._phrase_keys[m] = (keys[order], which[order].astype(np.intp))
        info = list(map(self._phrases.__getitem__, phrases))
        self._phrase_cls = np.fromiter((ph.cls for ph in info), dtype=np.int64, count=len(info))
        self._phrase_cues = np.fromiter((ph.cues for ph in info), dtype=np.int64, count=len(info))
        sizes = np.fromiter((len(ph.flags) for ph in info), dtype=np.intp, count=len(info))
        self._phrase_flag_start = np.cumsum(sizes) - sizes
        self._phrase_flag_len = sizes
        self._phrase_flags = np.fromiter(
            chain.from_iterable(ph.flags for ph in info), dtype=np.int64, count=int(sizes.sum())
        )

    def _phrase_hits(self, word: IntArray, owner: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """Every multi-word phrase in a chunk's flat token sequence: start, length, phrase index.

        In the order the reference adds them: by start, longer phrases first.
        """
        starts, widths, which = [], [], []
        total = len(word)
        for m in range(2, MAX_PHRASE_TOKENS + 1):
            keys, index = self._phrase_keys[m]
            if total < m or not len(keys):
                continue
            last = total - m + 1
            ok = owner[:last] == owner[m - 1 :]
            key = np.zeros(last, dtype=np.int64)
            for t in range(m):
                w = word[t : t + last]
                ok &= w >= 0
                key = key * self._base + w
            j = np.flatnonzero(ok)
            if not len(j):
                continue
            pos = np.searchsorted(keys, key[j])
            pos[pos == len(keys)] = 0
            hit = keys[pos] == key[j]
            starts.append(j[hit])
            widths.append(np.full(int(hit.sum()), m, dtype=np.intp))
            which.append(index[pos[hit]])
        if not starts:
            empty = np.zeros(0, dtype=np.intp)
            return empty, empty, empty
        start, width, phrase = map(np.concatenate, (starts, widths, which))
        order = np.lexsort((-width, start))
        return start[order], width[order], phrase[order]

    def _token_indices(self, token: str, folded: str) -> list[int]:
        """Indices of :meth:`Featurizer.token_features`, in its order, without building names."""
        words, grams = self._word_index, self._gram_index
        out = [j for j in (words.get(token),) if j is not None]
        if folded != token and (j := words.get(folded)) is not None:
            out.append(j)
        padded = f"<{token}>"
        size = len(padded)
        lo, hi = CHAR_NGRAMS
        found = map(
            grams.get, [padded[i : i + n] for n in range(lo, hi + 1) for i in range(size - n + 1)]
        )
        out += [j for j in found if j is not None]
        return out

    def _flags(self, names: list[str]) -> list[int]:
        vocab = self.featurizer.vocabulary
        return [j for j in map(vocab.get, names) if j is not None]

    def _multiword_phrases(self) -> dict[str, _Phrase]:
        feat = self.featurizer
        lex = feat.lexicon
        # Most phrases are names or nouns without a cue: one shared entry per class.
        plain: dict[str, _Phrase] = {}
        out: dict[str, _Phrase] = {}
        for source in (lex.places, lex.brands, lex.kinds):
            for phrase in source:
                if " " not in phrase or phrase in out or phrase.count(" ") >= MAX_PHRASE_TOKENS:
                    continue
                if phrase in lex.cues or phrase in lex.stage_cues:
                    continue  # below, with its cue flags
                cls = feat.lexicon_class(phrase)
                entry = plain.get(cls)
                if entry is None:
                    flag = class_flag(cls)
                    entry = plain[cls] = _Phrase(
                        self._flags([flag] if flag else []), 0, self._classes[cls] if cls else -1
                    )
                out[phrase] = entry
        for cue_source in (lex.cues, lex.stage_cues):
            for phrase in cue_source:
                if " " not in phrase or phrase in out or phrase.count(" ") >= MAX_PHRASE_TOKENS:
                    continue
                names: list[str] = []
                cls = feat.lexicon_match(phrase, names)
                flag = class_flag(cls)
                if flag:
                    names.append(flag)
                out[phrase] = _Phrase(
                    self._flags(names), cue_bits(names), self._classes[cls] if cls else -1
                )
        return out

    def _unit(self, folded: str) -> tuple[list[str], str, int]:
        """The flags, class and cue bits of one token standing as a unit (the reference's n=1 case)."""
        feat = self.featurizer
        flags: list[str] = []
        cls = feat.lexicon_match(folded, flags) or feat.word_class(folded, feat.known, flags)
        flag = class_flag(cls)
        if flag:
            flags.append(flag)
        return flags, cls, cue_bits(flags)

    def _token(self, token: str) -> _Token:
        return self._add_tokens([token])[0]

    def _add_tokens(self, tokens: Sequence[str]) -> list[_Token]:
        """Work out and cache many new tokens at once (one numpy pass for their weight sums).

        Returns their entries; past the cache limit the entries carry feature indices instead of
        table rows and are not kept.
        """
        feat = self.featurizer
        phrase_len = feat.phrase_len
        prepared = []
        ambiguous = feat.lexicon.ambiguous
        heads = feat.lexicon.heads
        for token in tokens:
            folded = fold(token)
            unit_names, cls_name, cues = self._unit(folded)
            alone_idx = self._token_indices(token, folded)
            unit_idx = alone_idx + self._flags(unit_names)
            cls = self._classes.get(cls_name, UNKNOWN)
            cue_names = [f for f in unit_names if f.startswith((F.CUE, F.STAGE_CUE))]
            shared = (
                folded in ambiguous,
                feat.context_of(folded),
                tuple(self._flags(cue_names)),
                folded in heads,
            )
            kind = self._language(token, cls_name) if self._language is not None else 0
            prepared.append(
                (
                    token,
                    folded,
                    cls,
                    cues,
                    phrase_len.get(folded, 1),
                    alone_idx,
                    unit_idx,
                    shared,
                    kind,
                )
            )
        out: list[_Token] = []
        with self._lock:
            sums: list[list[int]] = []
            fresh: dict[str, _Token] = {}
            meta: list[tuple[int, ...]] = []
            n = self._n_rows
            for token, folded, cls, cues, span, alone_idx, unit_idx, shared, kind in prepared:
                known = self._tokens.get(token) or fresh.get(token)
                if known is not None:
                    out.append(known)
                elif len(self._tokens) + len(fresh) >= TOKEN_CACHE_LIMIT:
                    out.append(
                        _Token(
                            -1,
                            cls,
                            cues,
                            False,
                            -1,
                            span,
                            folded,
                            tuple(unit_idx),
                            tuple(alone_idx),
                            *shared,
                        )
                    )
                else:
                    alone = unit = n + len(sums)
                    sums.append(alone_idx)
                    if len(unit_idx) > len(alone_idx):
                        unit += 1
                        sums.append(unit_idx)
                    context = shared[0] or shared[3]
                    plain = span == 1 and not context
                    info = _Token(unit, cls, cues, plain, alone, span, folded, (), (), *shared)
                    fresh[token] = info
                    word_id = self._word_id.get(folded, -1)
                    meta.append((unit, cls, cues, word_id, int(context), kind))
                    out.append(info)
            if sums:
                self._store(sums)
            if fresh:
                # Published last: a reader that finds a token finds its rows too.
                self._store_meta(list(fresh), meta)
                self._tokens.update(fresh)
        return out

    def _store_meta(self, tokens: list[str], meta: list[tuple[int, ...]]) -> None:
        """Give newly cached tokens ids; their rows are written before the ids are published."""
        first = len(self._ids)
        table = self._meta
        if first + len(meta) > len(table):
            table = np.zeros((max(2 * len(table), first + len(meta)), _META), dtype=np.int64)
            table[:first] = self._meta[:first]
        table[first : first + len(meta)] = meta
        self._meta = table
        self._ids.update(zip(tokens, range(first, first + len(meta))))

    def _store(self, sums: list[list[int]]) -> None:
        """Append one table row per index list: the sum of those weight rows (zeros if empty)."""
        n = self._n_rows
        table = self._table
        if n + len(sums) > len(table):
            table = np.zeros((max(2 * len(table), n + len(sums)), self.weights.shape[1]))
            table[:n] = self._table[:n]
        if len(sums) <= 2:  # one new token (classify): the same sums without the batch set-up
            for k, index in enumerate(sums):
                table[n + k] = (
                    np.add.reduceat(self.weights[index], _FIRST, axis=0)[0] if index else 0
                )
        else:
            sizes = np.fromiter(map(len, sums), dtype=np.intp, count=len(sums))
            flat = np.fromiter(chain.from_iterable(sums), dtype=np.intp, count=int(sizes.sum()))
            rows = np.zeros((len(sums), self.weights.shape[1]))
            nonempty = sizes > 0
            if nonempty.any():
                starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))[nonempty]
                rows[nonempty] = np.add.reduceat(self.weights[flat], starts, axis=0)
            table[n : n + len(sums)] = rows
        self._table = table
        self._n_rows = n + len(sums)

    def encode_many(self, keywords: Sequence[str]) -> Batch:
        """:meth:`encode` of many keywords at once, as flat arrays.

        New tokens are worked out together first. A keyword whose tokens are all cached and
        hold no multi-word lexicon phrase (nearly all) is encoded with array operations over the
        whole chunk: its table rows and classes are per-token look-ups. The others go through
        :meth:`encode`'s own code, one by one.
        """
        token_lists = list(map(tokenize, keywords))
        n = len(token_lists)
        flat = list(chain.from_iterable(token_lists))
        new = set(flat).difference(self._ids)
        if new:
            self._add_tokens(sorted(new))
        lengths = np.fromiter(map(len, token_lists), dtype=np.intp, count=n)
        tid = np.fromiter(map(self._ids.get, flat, repeat(-1)), dtype=np.intp, count=len(flat))
        meta = self._meta[tid]  # read after the ids: every id found has its row
        owner = np.repeat(np.arange(n), lengths)
        slow = np.zeros(n, dtype=bool)
        slow[owner[tid < 0]] = True
        slow[owner[meta[:, 4] > 0]] = True
        at, _, phrase = self._phrase_hits(np.where(tid < 0, -1, meta[:, 3]), owner)
        slow[owner[at[self._phrase_cls[phrase] >= 0]]] = True
        starts = np.cumsum(lengths) - lengths
        nonempty = lengths > 0
        cues = np.zeros(n, dtype=np.int64)
        if len(flat):
            cues[nonempty] = np.bitwise_or.reduceat(meta[:, 2], starts[nonempty])
        cue_only = ~slow[owner[at]]
        at, phrase = at[cue_only], phrase[cue_only]
        np.bitwise_or.at(cues, owner[at], self._phrase_cues[phrase])
        sizes = self._phrase_flag_len[phrase]
        offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        phrase_extra = self._phrase_flags[
            np.repeat(self._phrase_flag_start[phrase], sizes) + offsets
        ]
        phrase_owner = np.repeat(owner[at], sizes)
        fast_token = ~slow[owner]
        rows, row_owner = meta[fast_token, 0], owner[fast_token]
        token_classes = meta[fast_token, 1]
        fast = ~slow & nonempty
        fast_lengths = lengths[fast]
        m = len(fast_lengths)
        classes = np.full(len(token_classes) + 2 * m, EOS, dtype=np.int64)
        classes[np.cumsum(fast_lengths + 2) - (fast_lengths + 2)] = BOS
        classes[np.arange(len(token_classes)) + 2 * np.repeat(np.arange(m), fast_lengths) + 1] = (
            token_classes
        )
        class_owner = np.repeat(np.flatnonzero(fast), fast_lengths + 2)
        single = np.flatnonzero(fast & (lengths == 1))
        extra = np.empty((len(single), 2), dtype=np.int64)
        extra[:, 0] = self._only_array[meta[starts[single], 1]]
        extra[:, 1] = self._one_word
        extra_owner = np.repeat(single, 2)
        keep = extra.ravel() >= 0
        parts: list[tuple[list[int], list[int], list[int], list[int], list[int], list[int]]] = []
        for i in np.flatnonzero(slow).tolist():
            e = self.encode_tokens(token_lists[i])
            cues[i] = e.cues
            parts.append(
                (
                    e.rows,
                    [i] * len(e.rows),
                    e.extra,
                    [i] * len(e.extra),
                    e.classes,
                    [i] * len(e.classes),
                )
            )
        slow_parts = [list(chain.from_iterable(p)) for p in zip(*parts)] or [[]] * 6
        extras = [extra.ravel()[keep], phrase_extra, np.array(slow_parts[2], dtype=np.int64)]
        owners = [extra_owner[keep], phrase_owner, np.array(slow_parts[3], dtype=np.int64)]
        # Crossings come last in each keyword's extras, place ones first, as in encode_tokens;
        # slow keywords have theirs already.
        for names, crossed in (
            (np.array([self._place]), self._cross_place),
            (self._brand_array, self._cross_brand),
        ):
            if not crossed:
                continue
            named = np.zeros(n, dtype=bool)
            named[class_owner[np.isin(classes, names)]] = True
            for bit, j in crossed:
                who = np.flatnonzero(named & (cues & bit > 0))
                extras.append(np.full(len(who), j, dtype=np.int64))
                owners.append(who)
        if self._no_signal >= 0:  # last of all, as in encode_tokens
            inner = (classes != BOS) & (classes != EOS) & ~np.isin(classes, self._silent_array)
            loud = np.zeros(n, dtype=bool)
            loud[class_owner[inner]] = True
            who = np.flatnonzero(fast & ~loud & (cues == 0))
            extras.append(np.full(len(who), self._no_signal, dtype=np.int64))
            owners.append(who)
        return Batch(
            n,
            _join(rows, slow_parts[0]),
            _join(row_owner, slow_parts[1]),
            np.concatenate(extras),
            np.concatenate(owners),
            _join(classes, slow_parts[4]),
            _join(class_owner, slow_parts[5]),
            cues,
            np.flatnonzero(~nonempty).tolist(),
            self._evidence(flat, tid, meta, owner, lengths),
        )

    def _evidence(
        self, flat: list[str], tid: IntArray, meta: IntArray, owner: IntArray, lengths: IntArray
    ) -> IntArray:
        """The language evidence code of each keyword of a chunk, from its tokens' kinds."""
        if self._language is None:
            return np.zeros(len(lengths), dtype=np.intp)
        kinds = meta[:, 5]
        uncached = np.flatnonzero(tid < 0)
        if len(uncached):
            kinds = kinds.copy()
            kinds[uncached] = [self._language(flat[i], None) for i in uncached.tolist()]
        return evidence_codes(kinds, owner, lengths)

    def encode(self, keyword: str) -> Encoded | None:
        """What the keyword adds up to; ``None`` if it has no tokens."""
        tokens = tokenize(keyword)
        return self.encode_tokens(tokens) if tokens else None

    def encode_tokens(self, tokens: list[str]) -> Encoded:
        """:meth:`encode` of a keyword's tokens (:func:`~intentkit._text.tokenize`, not empty)."""
        get = self._tokens.get
        infos = [get(t) or self._token(t) for t in tokens]
        units, types, bits, plain, *_ = zip(*infos)
        n = len(infos)
        extra: list[int] = []
        if all(plain) or (
            min(units) >= 0
            and not self._has_phrase(infos)
            and not any(t.ambiguous or t.head for t in infos)
        ):
            if n == 1:
                only = self._only.get(types[0])
                if only is not None:
                    extra.append(only)
                if self._one_word >= 0:
                    extra.append(self._one_word)
            cues = 0
            if any(bits):
                for b in bits:
                    cues |= b
                extra += self._crossings(cues, types)
            elif self._no_signal >= 0 and self._silent.issuperset(types):
                extra.append(self._no_signal)
            return _encoded((list(units), extra, [BOS, *types, EOS], cues))
        rows: list[int] = []
        classes = [BOS]
        cues = 0
        i = 0
        while i < n:
            info = infos[i]
            if info.span > 1:
                width = 0
                for m in range(min(info.span, n - i), 1, -1):
                    phrase = self._phrases.get(" ".join([t.folded for t in infos[i : i + m]]))
                    if phrase is None:
                        continue
                    extra += phrase.flags
                    cues |= phrase.cues
                    if phrase.cls >= 0:
                        width = m
                        classes.append(phrase.cls)
                        break
                if width:
                    for t in infos[i : i + width]:
                        if t.alone >= 0:
                            rows.append(t.alone)
                        else:
                            extra += t.alone_idx
                    i += width
                    continue
            if (
                i + 1 < n
                and infos[i + 1].head
                and self.featurizer.attraction_at([t.folded for t in infos], i)
            ):
                for t in infos[i : i + 2]:
                    if t.alone >= 0:
                        rows.append(t.alone)
                    else:
                        extra += t.alone_idx
                extra += self._attraction_flags
                classes.append(self._classes[F.ATTRACTION])
                i += 2
                continue
            name = ""
            if info.ambiguous:
                before = infos[i - 2].folded if i > 1 else ""
                left = self.featurizer.left_context(before, infos[i - 1].folded) if i else F.EDGE
                right = infos[i + 1].context if i + 1 < n else F.EDGE
                name = self.featurizer.resolve(info.folded, left, right)
            if name:
                if info.alone >= 0:
                    rows.append(info.alone)
                else:
                    extra += info.alone_idx
                flag = class_flag(name)
                extra += [*info.cue_idx, *self._flags([flag] if flag else [])]
                classes.append(self._classes[name])
            elif info.unit >= 0:
                rows.append(info.unit)
                classes.append(info.cls)
            else:
                extra += info.unit_idx
                classes.append(info.cls)
            cues |= info.cues
            i += 1
        classes.append(EOS)
        if len(classes) == 3:
            only = self._only.get(classes[1])
            if only is not None:
                extra.append(only)
        if n == 1 and self._one_word >= 0:
            extra.append(self._one_word)
        if cues:
            extra += self._crossings(cues, classes)
        elif self._no_signal >= 0 and self._silent.issuperset(classes[1:-1]):
            extra.append(self._no_signal)
        return _encoded((rows, extra, classes, cues))

    def _crossings(self, cues: int, classes: Sequence[int]) -> list[int]:
        """Feature indices of :func:`~intentkit._features.crossings` for a keyword's cue bits."""
        out = []
        if self._place in classes:
            out += [j for bit, j in self._cross_place if cues & bit]
        if not self._brands.isdisjoint(classes):
            out += [j for bit, j in self._cross_brand if cues & bit]
        return out

    def _has_phrase(self, infos: list[_Token]) -> bool:
        """Whether some token is followed by the second word of a lexicon phrase it starts."""
        pairs = self._pairs
        return any(a.span > 1 and f"{a.folded} {b.folded}" in pairs for a, b in pairwise(infos))

    def score_one(self, encoded: Encoded | None) -> list[float]:
        """:meth:`scores` of one keyword, in plain Python, adding in the same order (bit-identical)."""
        width = self.weights.shape[1]
        if encoded is None:
            return [0.0] * width
        k = self._k
        bigram = self._bigram
        classes = encoded.classes
        pairs = [bigram.get(a * k + b) for a, b in pairwise(classes)]
        total = [0.0] * width
        for source, idx in (
            (self._table, encoded.rows),
            (self.weights, [j for j in pairs if j is not None]),
            (self.weights, encoded.extra),
        ):
            part = [0.0] * width
            for i in idx:
                vec = source[i].tolist()
                for c in range(width):
                    part[c] += vec[c]
            total = [a + b for a, b in zip(total, part)]
        return total

    def scores(self, batch: Batch) -> FloatArray:
        """Summed weights ``(n, columns)`` of a batch (zeros for an empty keyword), no intercept."""
        n = batch.n
        out = np.zeros((n, self.weights.shape[1]))
        flat, owner = batch.classes, batch.class_owner
        keys = flat[:-1] * self._k + flat[1:]
        known = self._bigram_keys
        pos = np.searchsorted(known, keys)
        if len(known):
            pos[pos == len(known)] = 0
            hit = (known[pos] == keys) & (flat[:-1] != EOS)
        else:
            hit = np.zeros(len(keys), dtype=bool)
        groups = (
            (self._table, batch.rows, batch.row_owner),
            (self.weights, self._bigram_index[pos[hit]], owner[:-1][hit]),
            (self.weights, batch.extra, batch.extra_owner),
        )
        for source, index, who in groups:
            if not len(index):
                continue
            gathered = source[index]
            for c in range(out.shape[1]):
                out[:, c] += np.bincount(who, weights=gathered[:, c], minlength=n)
        return out


def _crossing_table(vocab: Mapping[str, int], *, place: bool) -> list[tuple[int, int]]:
    """(cue bit, feature index) of each crossing :func:`crossings` names for a place or a brand."""
    table = []
    for b in range(CUE_BIT_COUNT):
        for name in crossings(1 << b, place, not place):
            if name in vocab:
                table.append((1 << b, vocab[name]))
    return table


def _join(head: IntArray, tail: list[int]) -> IntArray:
    return np.concatenate((head, np.array(tail, dtype=np.int64))) if tail else head


def _encoded(fields: tuple[list[int], list[int], list[int], int]) -> Encoded:
    return tuple.__new__(Encoded, fields)  # NamedTuple's own __new__ costs a Python call
