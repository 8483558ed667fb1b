"""Decisions: summed feature weights in; probabilities, intents, language, stage, conversion out.

Every rule is written once, in :func:`decide`, over *columns*: one entry per intent (or per
stage), where an entry is a float for one keyword and a numpy array for a chunk of keywords. The
few primitives spelled differently for a float and for an array (the largest value, the
exponential, the first maximum, a choice, a table look-up, a stable ranking) come from
:data:`SCALAR` or :data:`VECTOR`; both compute the same thing element by element, so a keyword
decided alone and the same keyword decided in a batch get bit-identical results. One keyword is
decided in plain Python (numpy's cost per call would triple it); a chunk of thousands in a few
dozen array operations.

The rules:

- **probabilities**: the softmax of the intent logits (summed weights plus intercepts; for a
  keyword with nothing known in it, the weights are first divided by the model's unknown
  temperature, so its probabilities stay near the prior);
- **top intent**: the most probable, the first in intent order on a tie;
- **secondary intents**: every other intent whose probability is at least
  :data:`~intentkit.types.SECONDARY_THRESHOLD`, most likely first, ties in intent order;
- **language**: ``other`` when the keyword's words are of another language, ``unknown`` when
  it holds nothing but names (:mod:`intentkit._language` gives this evidence from its tokens);
  else ``sv`` from a Swedish probability of ``0.5 + LANGUAGE_MARGIN``, ``en`` up to
  ``0.5 - LANGUAGE_MARGIN``, ``unknown`` between them or when no feature of the keyword is known;
- **stage**: the stage a post-purchase cue forces in the framework, else the stage whose intents
  hold the most probability (the earlier stage on a tie);
- **conversion score**: the intents' conversion priors weighted by their probabilities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from intentkit._features import CUE_SET_BITS, POST_PURCHASE_BITS
from intentkit._language import ENGLISH as ENGLISH_EVIDENCE
from intentkit._language import NAMES_ONLY
from intentkit._language import OTHER as OTHER_EVIDENCE
from intentkit._model import KNOWN_COLUMN, LANGUAGE_COLUMN, SILENT_COLUMN, FloatArray, IntArray
from intentkit.types import SECONDARY_THRESHOLD, Intent, Language

LANGUAGE_MARGIN = 0.15
"""Half the width of the band of Swedish probabilities, around 0.5, that gives ``unknown``."""
LANGUAGES: tuple[Language, ...] = ("unknown", "en", "sv", "other")
"""Language codes: the index of a keyword's language in this tuple."""
UNKNOWN, EN, SV, OTHER = range(4)

INTENTS = tuple(Intent)
N = len(INTENTS)
_BASE = N + 1
SECONDARY_INTENTS: list[tuple[Intent, ...]] = [()]
"""Secondary intents by code: the intent indices ``j0, j1, ...`` (most likely first) have the code
``(j0 + 1) + 6 * (j1 + 1) + 36 * (j2 + 1) ...``; codes of impossible lists map to ``()``."""
for _code in range(1, _BASE ** (N - 1)):
    _digits, _rest = [], _code
    while _rest:
        _digits.append(_rest % _BASE - 1)
        _rest //= _BASE
    SECONDARY_INTENTS.append(() if -1 in _digits else tuple(INTENTS[j] for j in _digits))
SECONDARY_NAMES = ["|".join(i.value for i in sec) for sec in SECONDARY_INTENTS]
"""Secondary intents by code, as ``intentkit label`` writes them (``"transactional|local"``)."""

Column = Any
"""A float (one keyword) or a numpy array (one entry per keyword of a chunk)."""


class _Scalar:
    """The primitives for one keyword: plain Python floats and ints."""

    @staticmethod
    def maximum(values: Sequence[float]) -> float:
        return max(values)

    @staticmethod
    def exp(values: Sequence[float]) -> list[float]:
        # numpy's exp, as for a chunk: math.exp can differ from it in the last bit.
        return np.exp(values).tolist()  # type: ignore[no-any-return]

    @staticmethod
    def first_max(values: list[float]) -> int:
        return values.index(max(values))

    @staticmethod
    def choose(condition: bool, yes: int, no: int) -> int:
        return yes if condition else no

    @staticmethod
    def lookup(table: Sequence[int], index: int) -> int:
        return table[index]

    @staticmethod
    def rank(values: Sequence[float]) -> tuple[list[int], list[float]]:
        order = sorted(range(len(values)), key=lambda j: -values[j])
        return order, [values[j] for j in order]


class _Vector:
    """The primitives for a chunk: one numpy array per column, one entry per keyword."""

    @staticmethod
    def maximum(values: Sequence[FloatArray]) -> FloatArray:
        return np.maximum.reduce(values)  # type: ignore[no-any-return]

    @staticmethod
    def exp(values: Sequence[FloatArray]) -> list[FloatArray]:
        return [np.exp(v) for v in values]

    @staticmethod
    def first_max(values: Sequence[Column]) -> IntArray:
        # A stage no intent maps to keeps the float 0.0: broadcast it to the chunk.
        stacked: FloatArray = np.stack(np.broadcast_arrays(*values))
        top: IntArray = np.argmax(stacked, axis=0)
        return top

    @staticmethod
    def choose(condition: Column, yes: Column, no: Column) -> Column:
        return np.where(condition, yes, no)

    @staticmethod
    def lookup(table: Sequence[int], index: IntArray) -> IntArray:
        return np.asarray(table, dtype=np.intp)[index]

    @staticmethod
    def rank(values: Sequence[FloatArray]) -> tuple[list[IntArray], list[FloatArray]]:
        stacked = np.stack(values, axis=1)
        order = np.argsort(-stacked, axis=1, kind="stable")
        ranked = np.take_along_axis(stacked, order, axis=1)
        return [order[:, r] for r in range(order.shape[1])], [
            ranked[:, r] for r in range(ranked.shape[1])
        ]


SCALAR = _Scalar()
VECTOR = _Vector()


@dataclass(frozen=True)
class Policy:
    """What the rules need of a classifier: its model's intercepts, framework and priors.

    ``stage_of_intent[k]`` is the index of intent ``k``'s default stage; ``cue_stage[bits]`` the
    index of the stage the post-purchase cue bits ``bits`` force, or -1.
    """

    intercept: tuple[float, ...]
    lang_intercept: float
    stages: tuple[str, ...]
    stage_of_intent: tuple[int, ...]
    cue_stage: tuple[int, ...]
    priors: tuple[float, ...]
    unknown_temperature: float
    """A keyword with nothing known in it has its summed feature weights divided by this."""

    @classmethod
    def build(
        cls,
        intercept: Iterable[float],
        lang_intercept: float,
        stages: Sequence[str],
        stage_of: Mapping[Intent, str],
        forced_stage: Callable[[set[str]], str | None],
        priors: Mapping[Intent, float],
        unknown_temperature: float = 1.0,
    ) -> Policy:
        """A policy for a model's intercepts and a framework's stages and rules.

        ``stage_of`` maps each intent to its default stage; ``forced_stage(cue_sets)`` gives the
        stage a keyword with post-purchase cues of those sets is in, or ``None``.
        """
        table = []
        for bits in range(POST_PURCHASE_BITS + 1):
            forced = forced_stage({name for name, bit in CUE_SET_BITS.items() if bits & bit})
            table.append(-1 if forced is None else stages.index(forced))
        return cls(
            intercept=tuple(float(v) for v in intercept),
            lang_intercept=float(lang_intercept),
            stages=tuple(stages),
            stage_of_intent=tuple(stages.index(stage_of[i]) for i in INTENTS),
            cue_stage=tuple(table),
            priors=tuple(priors[i] for i in INTENTS),
            unknown_temperature=float(unknown_temperature),
        )


class Decided(NamedTuple):
    """The decisions of one keyword (floats and ints) or of a chunk (one array per field)."""

    probabilities: list[Column]
    """One column per intent."""
    top: Column
    """Index of the top intent."""
    secondary: Column
    """Code of the secondary intents (see :data:`SECONDARY_INTENTS`)."""
    language: Column
    """Index in :data:`LANGUAGES`."""
    stage: Column
    """Index in the framework's stages."""
    conversion: Column
    """The conversion score."""


def probabilities(logits: Sequence[Column], ops: Any) -> list[Column]:
    """The softmax of the logits, summed in intent order."""
    m = ops.maximum(logits)
    e = ops.exp([z - m for z in logits])
    total = e[0]
    for v in e[1:]:
        total = total + v
    return [v / total for v in e]


def secondary_code(p: Sequence[Column], ops: Any) -> Column:
    """The code of the intents after the top one with probability at least the threshold."""
    order, ranked = ops.rank(p)
    code: Column = 0
    for r in range(len(p) - 1, 0, -1):
        code = ops.choose(ranked[r] >= SECONDARY_THRESHOLD, code * _BASE + order[r] + 1, code)
    return code


def swedish_probability(lang_logit: Column, ops: Any) -> Column:
    """The probability that a keyword is Swedish rather than English, from its language logit."""
    return 1.0 / (1.0 + ops.exp([-lang_logit])[0])


def language_code(p_sv: Column, known: Column, ops: Any, evidence: Column = 0) -> Column:
    """The language code of a keyword.

    From its Swedish probability, its count of known features and the evidence code of its
    words (:mod:`intentkit._language`: 0 none, 1 names only, 2 another language, 3 English
    words beside a brand or model).
    """
    sv_or_not = ops.choose(p_sv <= 0.5 - LANGUAGE_MARGIN, EN, UNKNOWN)
    band = ops.choose(p_sv >= 0.5 + LANGUAGE_MARGIN, SV, sv_or_not)
    model = ops.choose(known == 0, UNKNOWN, band)
    english = ops.choose(evidence == ENGLISH_EVIDENCE, EN, model)
    named = ops.choose(evidence == NAMES_ONLY, UNKNOWN, english)
    return ops.choose(evidence == OTHER_EVIDENCE, OTHER, named)


def stage_index(p: Sequence[Column], cues: Column, policy: Policy, ops: Any) -> Column:
    """The stage a post-purchase cue forces, else the stage with the most probability mass."""
    mass: list[Column] = [0.0] * len(policy.stages)
    for j, s in enumerate(policy.stage_of_intent):
        mass[s] = mass[s] + p[j]
    forced = ops.lookup(policy.cue_stage, cues & POST_PURCHASE_BITS)
    return ops.choose(forced >= 0, forced, ops.first_max(mass))


def conversion_score(p: Sequence[Column], policy: Policy) -> Column:
    """The intents' conversion priors weighted by their probabilities."""
    q = policy.priors
    score = p[0] * q[0]
    for k in range(1, len(p)):
        score = score + p[k] * q[k]
    return score


def logits(summed: Sequence[Column], policy: Policy, ops: Any) -> list[Column]:
    """The intent logits: intercepts plus summed weights.

    For a keyword with nothing known in it, the weights are first divided by the unknown
    temperature: its probabilities move towards the intercepts' prior instead of trusting the
    spelling of an unknown word.
    """
    scale = ops.choose(summed[SILENT_COLUMN] > 0, 1.0 / policy.unknown_temperature, 1.0)
    return [policy.intercept[k] + summed[k] * scale for k in range(N)]


def decide(
    summed: Sequence[Column], cues: Column, policy: Policy, ops: Any, evidence: Column = 0
) -> Decided:
    """Every decision for summed weights (one column per scoring column) and cue bits.

    ``evidence`` is the language evidence of the keyword's words (see :func:`language_code`).
    """
    p = probabilities(logits(summed, policy, ops), ops)
    return Decided(
        probabilities=p,
        top=ops.first_max(p),
        secondary=secondary_code(p, ops),
        language=language_code(
            swedish_probability(summed[LANGUAGE_COLUMN] + policy.lang_intercept, ops),
            summed[KNOWN_COLUMN],
            ops,
            evidence,
        ),
        stage=stage_index(p, cues, policy, ops),
        conversion=conversion_score(p, policy),
    )


def decide_one(summed: list[float], cues: int, policy: Policy, evidence: int = 0) -> Decided:
    """:func:`decide` for one keyword, in plain Python."""
    return decide(summed, cues, policy, SCALAR, evidence)


@dataclass(frozen=True)
class Decisions:
    """A chunk's decisions, one entry per keyword, in the chunk's order.

    What :meth:`~intentkit.IntentClassifier.decide_many` returns: the same numbers as the
    :class:`~intentkit.Classification` of each keyword, as arrays, without a Python object per
    keyword. Keywords without letters or digits are listed in :attr:`empty`; their other entries
    are meaningless.
    """

    probabilities: FloatArray
    """``(n, 5)``: the probability of each intent, columns in :class:`~intentkit.Intent` order."""
    top: IntArray
    """Index of the top intent (into ``list(Intent)``)."""
    secondary: IntArray
    """Code of the secondary intents: ``SECONDARY_INTENTS[code]`` lists them."""
    language: IntArray
    """Index into :data:`LANGUAGES` (``unknown``, ``en``, ``sv``, ``other``)."""
    stage: IntArray
    """Index into :attr:`stages`."""
    conversion: FloatArray
    """The conversion score."""
    empty: list[int]
    """Positions of the keywords without letters or digits."""
    stages: tuple[str, ...]
    """The stages of the classifier's framework, in order."""
    audience: IntArray | None = None
    """Index into :attr:`audiences` (set by :meth:`~intentkit.IntentClassifier.decide_many`)."""
    audiences: tuple[str, ...] = ()
    """The names of the classifier's audiences, in order."""

    def __len__(self) -> int:
        return len(self.top)


def decide_chunk(
    summed: FloatArray,
    cues: IntArray,
    empty: list[int],
    policy: Policy,
    evidence: IntArray | None = None,
) -> Decisions:
    """:func:`decide` for a chunk.

    ``summed`` has one row per keyword and one column per scoring column; ``evidence`` holds each
    keyword's language evidence code (default: none).
    """
    columns = [summed[:, c] for c in range(summed.shape[1])]
    d = decide(columns, cues, policy, VECTOR, 0 if evidence is None else evidence)
    return Decisions(
        probabilities=np.column_stack(d.probabilities),
        top=np.asarray(d.top, dtype=np.intp),
        secondary=np.asarray(d.secondary, dtype=np.intp),
        language=np.asarray(d.language, dtype=np.intp),
        stage=np.asarray(d.stage, dtype=np.intp),
        conversion=np.asarray(d.conversion, dtype=np.float64),
        empty=empty,
        stages=policy.stages,
    )
