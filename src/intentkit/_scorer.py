"""Fast scoring: per-token weight sums cached, one vectorised pass per chunk.

Most of a keyword's features belong to one token (the word and its character n-grams), and
tokens repeat across keywords, so the scorer sums each distinct token's weights once and keeps
the sum in a table. A keyword then costs a dictionary look-up per token plus its few context
features (bigrams, lexicon flags). The result equals the reference path
(:meth:`~intentkit._features.Featurizer.indices` then summing weights) up to floating-point
summation order.

The cache is bounded: once :data:`TOKEN_CACHE_LIMIT` tokens are cached, new tokens are scored
feature by feature without caching, so memory stays flat on any input. The table only grows and
is replaced whole under a lock, so concurrent readers always see every row they were told about.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from itertools import chain

import numpy as np

from intentkit._features import Featurizer, cue_bits
from intentkit._model import FloatArray
from intentkit._text import normalize

TOKEN_CACHE_LIMIT = 200_000

Encoded = tuple[list[int], list[int], int]
"""A keyword as (cached token rows, feature indices, cue bits)."""


class Scorer:
    """Scores keywords with a weight matrix whose columns are the intents plus the language logit."""

    def __init__(self, featurizer: Featurizer, weights: FloatArray) -> None:
        self.featurizer = featurizer
        self.weights = weights
        self._token_ids: dict[str, int] = {}
        self._table = np.zeros((1024, weights.shape[1]))
        self._lock = threading.Lock()

    def _add_token(self, token: str) -> int | None:
        vocab = self.featurizer.vocabulary
        idx = [j for j in map(vocab.get, self.featurizer.token_features(token)) if j is not None]
        with self._lock:
            known = self._token_ids.get(token)
            if known is not None:
                return known
            n = len(self._token_ids)
            if n >= TOKEN_CACHE_LIMIT:
                return None
            if n >= len(self._table):
                grown = np.zeros((2 * len(self._table), self.weights.shape[1]))
                grown[:n] = self._table[:n]
                self._table = grown
            self._table[n] = self.weights[idx].sum(axis=0) if idx else 0.0
            self._token_ids[token] = n
            return n

    def encode(self, keyword: str) -> Encoded | None:
        """The keyword's token rows, other feature indices and cue bits; ``None`` if it has no tokens."""
        tokens = normalize(keyword).split()
        if not tokens:
            return None
        get = self._token_ids.get
        rows: list[int] = []
        extra: list[int] = []
        feat = self.featurizer
        vocab = feat.vocabulary
        for t in tokens:
            i = get(t)
            if i is None:
                i = self._add_token(t)
                if i is None:
                    extra += [j for j in map(vocab.get, feat.token_features(t)) if j is not None]
                    continue
            rows.append(i)
        context = feat.context_features(tokens)
        extra += [j for j in map(vocab.get, context) if j is not None]
        return rows, extra, cue_bits(context)

    def score_one(self, encoded: Encoded | None) -> list[float]:
        """:meth:`scores` of one keyword, in plain Python, adding in the same order (bit-identical)."""
        width = self.weights.shape[1]
        if encoded is None:
            return [0.0] * width
        rows, extra, _ = encoded
        table = self._table
        tok = [0.0] * width
        for i in rows:
            vec = table[i].tolist()
            for k in range(width):
                tok[k] += vec[k]
        ext = [0.0] * width
        weights = self.weights
        for j in extra:
            vec = weights[j].tolist()
            for k in range(width):
                ext[k] += vec[k]
        return [a + b for a, b in zip(tok, ext)]

    def scores(self, encoded: Sequence[Encoded | None]) -> FloatArray:
        """Summed weights ``(n, columns)`` of encoded keywords (zeros for ``None``), no intercept."""
        n = len(encoded)
        token_rows = [e[0] if e else () for e in encoded]
        extra_rows = [e[1] if e else () for e in encoded]
        table = self._table
        out = np.zeros((n, self.weights.shape[1]))
        for rows, source in ((token_rows, table), (extra_rows, self.weights)):
            lengths = np.fromiter(map(len, rows), dtype=np.intp, count=n)
            if not lengths.any():
                continue
            flat = np.fromiter(chain.from_iterable(rows), dtype=np.intp, count=int(lengths.sum()))
            owner = np.repeat(np.arange(n), lengths)
            gathered = source[flat]
            for k in range(out.shape[1]):
                out[:, k] += np.bincount(owner, weights=gathered[:, k], minlength=n)
        return out
