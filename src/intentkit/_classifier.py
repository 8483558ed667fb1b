"""The classifier: options, lazy thread-safe model loading, single and batch scoring."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import signal
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import wraps
from itertools import islice
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel

from intentkit._features import POST_PURCHASE_BITS, Featurizer
from intentkit._model import INTENT_ORDER, LANGUAGE_MARGIN, FloatArray, IntArray, Model, load_model
from intentkit._scorer import Batch, Encoded, Scorer
from intentkit.journey import INTENT_LEVEL, Framework, resolve_framework, resolve_priors
from intentkit.types import (
    SECONDARY_THRESHOLD,
    Classification,
    ConversionPrior,
    Explanation,
    FeatureContribution,
    Intent,
    Language,
    Level,
)

MODEL_FILE = "intentkit.npz"
CARD_FILE = "model-card.json"
CHUNK_SIZE = 4096

_INTENTS = tuple(Intent(v) for v in INTENT_ORDER)
_LANGUAGES: tuple[Language, ...] = ("unknown", "en", "sv")
_RANGE = range(len(_INTENTS))
_I0, _I1, _I2, _I3, _I4 = _INTENTS  # a dict display is three times faster than dict(zip())
_LEVELS = [INTENT_LEVEL[i] for i in _INTENTS]
_object_new = object.__new__
# The slot setters of every pydantic model, called directly (no attribute look-up per call).
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_UNIFORM = dict.fromkeys(_INTENTS, 1.0 / len(_INTENTS))
_models: dict[Path, Model] = {}
_T = TypeVar("_T")
_P = TypeVar("_P")

Decided = tuple[list[float], int, int, Language, str]
"""A keyword's result as plain values: probabilities, top intent, secondary code, language, stage."""
_SECONDARY: list[tuple[Intent, ...]] = [()]
"""Secondary intents by code: intent indices ``j0, j1, ...`` (most likely first) have the code
``(j0 + 1) + 6 * (j1 + 1) + 36 * (j2 + 1) ...``; codes of impossible lists map to ``()``."""
for _code in range(1, 6 ** (len(_INTENTS) - 1)):
    _digits, _rest = [], _code
    while _rest:
        _digits.append(_rest % 6 - 1)
        _rest //= 6
    _SECONDARY.append(() if -1 in _digits else tuple(_INTENTS[j] for j in _digits))
SECONDARY_NAMES = ["|".join(i.value for i in sec) for sec in _SECONDARY]
_models_lock = threading.Lock()


def default_model_path() -> Path:
    """Where the shipped model is: inside the installed package, or ``models/`` of a source checkout."""
    here = Path(__file__).resolve().parent
    for folder in (here / "models", here.parent.parent / "models"):
        if (folder / MODEL_FILE).is_file():
            return folder / MODEL_FILE
    raise FileNotFoundError(
        f"the shipped model {MODEL_FILE} is missing from {here / 'models'}; "
        "reinstall intentkit-seo or run `intentkit train`"
    )


def _load_cached(path: Path | None) -> Model:
    key = path.resolve() if path is not None else None
    with _models_lock:
        if key is None:
            key = default_model_path()
            if key not in _models:
                card = json.loads((key.parent / CARD_FILE).read_text(encoding="utf-8"))
                _models[key] = load_model(key, sha256=card.get("sha256"))
        elif key not in _models:
            _models[key] = load_model(key)
        return _models[key]


class IntentClassifier:
    """Classifies keywords by search intent; holds the options and, once used, the loaded model.

    Building one is cheap: the model file is read on the first classification, once per process
    and file (instances share it), under a lock, so concurrent first calls load it once.

    Args:
        model: path of a model file written by ``intentkit train``; ``None`` uses the shipped model.
        brands: your own brand, product or site names; they count as brands, like the ones the
            model was trained with ("acme login" becomes navigational once ``acme`` is a brand).
        places: your own service areas or place names; they count as places ("rörmokare
            tumba" becomes local once ``tumba`` is a place).
        framework: the journey framework of :attr:`Classification.stage`: ``"funnel"`` (default),
            ``"five_as"``, ``"b2c"``, or your own :class:`~intentkit.journey.Framework` (or a
            dict of one).
        priors: per-intent conversion priors (all five intents, numbers in [0, 1]) for
            :attr:`Classification.conversion`; default
            :data:`~intentkit.journey.DEFAULT_PRIORS`, or fit your own with
            :func:`~intentkit.journey.fit_priors`.
    """

    def __init__(
        self,
        *,
        model: str | Path | None = None,
        brands: Iterable[str] = (),
        places: Iterable[str] = (),
        framework: str | Framework | Mapping[str, Any] = "funnel",
        priors: Mapping[Intent, float] | Mapping[str, float] | None = None,
    ) -> None:
        self.model = Path(model) if model is not None else None
        self.brands = _strings(brands, "brands")
        self.places = _strings(places, "places")
        self.framework = resolve_framework(framework)
        self.priors = resolve_priors(priors)
        self._prior_list = [self.priors[i] for i in _INTENTS]
        self._empty_score = sum(self._prior_list) / len(self._prior_list)
        fw = self.framework
        self._stage_index = [fw.stages.index(fw.intents[i]) for i in _INTENTS]
        self._cue_stage_index = np.array(
            [-1 if (c := fw.cue_stage(bits)) is None else fw.stages.index(c) for bits in range(4)]
        )
        self._intercept_array = np.zeros(len(_INTENTS))
        self._intercept: list[float] = []
        self._lang_intercept = 0.0
        self._version = ""
        self._state: tuple[Model, Featurizer, Scorer] | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # What a spawned worker needs: the options. It loads the model itself.
        state = self.__dict__.copy()
        state["_state"] = None
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _reset_locks(self) -> None:
        """Fresh locks in a forked child: a lock another parent thread held at the fork stays held."""
        self._lock = threading.Lock()
        if self._state is not None:
            self._state[2]._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"IntentClassifier(model={self.model!r}, brands={len(self.brands)} names, "
            f"places={len(self.places)} names, framework={self.framework.name!r})"
        )

    def _loaded(self) -> tuple[Model, Featurizer, Scorer]:
        state = self._state
        if state is None:
            with self._lock:
                if self._state is None:
                    model = _load_cached(self.model)
                    featurizer = model.featurizer(self.brands, self.places)
                    ones = np.ones(len(model.features))
                    weights = np.column_stack([model.coef, model.lang_coef, ones])
                    self._intercept_array = model.intercept.copy()
                    self._intercept = model.intercept.tolist()
                    self._lang_intercept = model.lang_intercept
                    self._version = model.version
                    self._state = (model, featurizer, Scorer(featurizer, weights))
                state = self._state
        return state

    @property
    def model_card(self) -> dict[str, Any]:
        """The loaded model's metadata (version, training data hash, scores, ...)."""
        return dict(self._loaded()[0].meta)

    def classify(self, keyword: str) -> Classification:
        """Classify one keyword.

        A keyword with no letters or digits gives ``intent=None``, uniform probabilities and
        ``language="unknown"``. Only the first 512 characters are read.

        >>> IntentClassifier().classify("buy running shoes").intent
        <Intent.TRANSACTIONAL: 'transactional'>
        """
        _check_str(keyword, "keyword")
        _, _, scorer = self._loaded()
        encoded = scorer.encode(keyword)
        return self._build(keyword, self._decide_one(encoded, scorer.score_one(encoded)))

    def classify_many(
        self, keywords: Iterable[str], *, n_jobs: int | None = 1
    ) -> list[Classification]:
        """Classify many keywords, in chunks, one vectorised scoring per chunk.

        Returns one result per input, in input order (empty keywords included, as in
        :meth:`classify`). Accepts any iterable of ``str``: lists, tuples, generators, numpy
        arrays, pandas Series. ``classify_many(xs)[i] == classify(xs[i])``, also with ``n_jobs``.

        ``n_jobs`` > 1 scores chunks in that many worker processes (``-1``: one per CPU) while
        this process builds the results, which caps the gain (building a result costs about a
        quarter of a keyword's work). Starting the workers costs tens of milliseconds (forked, on
        Linux and macOS) or a model load per worker (spawned, on Windows, where the calling script
        needs the usual ``if __name__ == "__main__":`` guard), so it pays on large batches only.
        """
        if isinstance(keywords, (str, bytes)):
            raise TypeError("classify_many() takes an iterable of keywords, not a single string")
        build = self._build
        out: list[Classification] = []
        with _gc_paused():
            chunks = ((c, c) for c in _chunks(keywords, CHUNK_SIZE, start=0))
            for chunk, packed in self._map_chunks(chunks, _decide_packed, n_jobs):
                out += map(build, chunk, _unpack(self, packed))
        return out

    def _map_chunks(
        self,
        chunks: Iterable[tuple[_P, list[str]]],
        work: Callable[[IntentClassifier, list[str]], _T],
        n_jobs: int | None,
    ) -> Iterator[tuple[_P, _T]]:
        """``(payload, work(self, keywords))`` for each ``(payload, keywords)``, in order.

        The payload stays in this process; with ``n_jobs`` > 1 the keywords go to worker processes.
        """
        jobs = _resolve_jobs(n_jobs)
        self._loaded()
        if jobs == 1:
            for payload, keywords in chunks:
                yield payload, work(self, keywords)
            return
        yield from _parallel(self, work, chunks, jobs)

    def _packed_chunk(self, chunk: Sequence[str]) -> Packed:
        _, _, scorer = self._loaded()
        with _gc_paused():
            batch = scorer.encode_many(chunk)
            return self._decide(batch, scorer.scores(batch))

    def _decide(self, batch: Batch, summed: FloatArray) -> Packed:
        """Probabilities, top intent, secondary intents, language and stage of summed weights.

        Vectorised over the rows. One keyword goes through the same code as a batch (a batch of
        one), and every step is element-wise, so results are bit-identical either way.
        """
        n = batch.n
        z = summed[:, :5] + self._intercept_array
        e = np.exp(z - z.max(axis=1, keepdims=True))
        total = e[:, 0] + e[:, 1] + e[:, 2] + e[:, 3] + e[:, 4]
        p = e / total[:, None]
        top = p.argmax(axis=1)
        # Candidates are the intents ranked right after the top one, down to the threshold.
        order = np.argsort(-p, axis=1, kind="stable")
        ranked = np.take_along_axis(p, order, axis=1)
        secondary = np.zeros(n, dtype=np.int64)
        for r in range(len(_INTENTS) - 1, 0, -1):
            secondary = np.where(
                ranked[:, r] >= SECONDARY_THRESHOLD, secondary * 6 + order[:, r] + 1, secondary
            )
        p_sv = 1.0 / (1.0 + np.exp(-(summed[:, 5] + self._lang_intercept)))
        language = np.where(
            summed[:, 6] == 0,
            0,
            np.where(
                p_sv >= 0.5 + LANGUAGE_MARGIN, 2, np.where(p_sv <= 0.5 - LANGUAGE_MARGIN, 1, 0)
            ),
        )
        mass = np.zeros((n, len(self.framework.stages)))
        for j, s in enumerate(self._stage_index):
            mass[:, s] += p[:, j]
        stage = mass.argmax(axis=1)
        forced = self._cue_stage_index[batch.cues & POST_PURCHASE_BITS]
        stage = np.where(forced >= 0, forced, stage)
        return p, top, language, stage, secondary, batch.empty

    def _decide_one(self, encoded: Encoded | None, summed: list[float]) -> Decided | None:
        """:meth:`_decide` for one keyword in plain Python, step for step, bit-identical.

        Only the exponentials go through numpy, in one call, so they are the very ones a batch
        gets (numpy's vectorised ``exp`` can differ from :func:`math.exp` in the last bit).
        """
        if encoded is None:
            return None
        b = self._intercept
        z = [summed[k] + b[k] for k in _RANGE]
        m = max(z)
        *e, e_sv = np.exp([*(v - m for v in z), -(summed[5] + self._lang_intercept)]).tolist()
        total = e[0] + e[1] + e[2] + e[3] + e[4]
        p = [v / total for v in e]
        t = p.index(max(p))
        others = [j for j in _RANGE if j != t and p[j] >= SECONDARY_THRESHOLD]
        others.sort(key=p.__getitem__, reverse=True)
        secondary = 0
        for j in reversed(others):
            secondary = secondary * 6 + j + 1
        language: Language = "unknown"
        if summed[6] != 0:
            p_sv = 1.0 / (1.0 + e_sv)
            if p_sv >= 0.5 + LANGUAGE_MARGIN:
                language = "sv"
            elif p_sv <= 0.5 - LANGUAGE_MARGIN:
                language = "en"
        stages = self.framework.stages
        forced = int(self._cue_stage_index[encoded.cues & POST_PURCHASE_BITS])
        if forced >= 0:
            return p, t, secondary, language, stages[forced]
        mass = [0.0] * len(stages)
        for j, s in enumerate(self._stage_index):
            mass[s] += p[j]
        return p, t, secondary, language, stages[mass.index(max(mass))]

    def _conversion_score(self, p: list[float]) -> float:
        q = self._prior_list
        return p[0] * q[0] + p[1] * q[1] + p[2] * q[2] + p[3] * q[3] + p[4] * q[4]

    def _build(self, keyword: str, decided: Decided | None) -> Classification:
        # The per-keyword hot path of every batch: pydantic models built from trusted values
        # without validation (what ``model_construct`` does, minus its bookkeeping; the tests
        # check the result equals a validated instance).
        if decided is None:
            return self._empty(keyword, self._version)
        p, t, secondary, language, stage = decided
        p0, p1, p2, p3, p4 = p
        conversion = _object_new(ConversionPrior)
        _set_dict(conversion, {"level": _LEVELS[t], "score": self._conversion_score(p)})
        _set_fields(conversion, _CONVERSION_FIELDS)
        _set_extra(conversion, None)
        _set_private(conversion, None)
        result = _object_new(Classification)
        _set_dict(
            result,
            {
                "keyword": keyword,
                "intent": _INTENTS[t],
                "confidence": p[t],
                "probabilities": {_I0: p0, _I1: p1, _I2: p2, _I3: p3, _I4: p4},
                "secondary": [*_SECONDARY[secondary]],
                "language": language,
                "stage": stage,
                "framework": self.framework.name,
                "conversion": conversion,
                "model_version": self._version,
            },
        )
        _set_fields(result, _CLASSIFICATION_FIELDS)
        _set_extra(result, None)
        _set_private(result, None)
        return result

    def _empty(self, keyword: str, version: str) -> Classification:
        return Classification.model_construct(
            keyword=keyword,
            intent=None,
            confidence=0.0,
            probabilities=dict(_UNIFORM),
            secondary=[],
            language="unknown",
            stage=None,
            framework=self.framework.name,
            conversion=ConversionPrior.model_construct(level=Level.LOW, score=self._empty_score),
            model_version=version,
        )

    def explain(self, keyword: str) -> Explanation:
        """Decompose the keyword's logits into the exact contribution of every known feature.

        >>> e = IntentClassifier().explain("netflix login")
        >>> e.intent
        <Intent.NAVIGATIONAL: 'navigational'>
        >>> total = e.bias[e.intent] + sum(f.contributions[e.intent] for f in e.features)
        >>> abs(total - e.logits[e.intent]) < 1e-9
        True
        """
        _check_str(keyword, "keyword")
        model, featurizer, _ = self._loaded()
        counts = Counter(featurizer.features(keyword))
        vocab = featurizer.vocabulary
        known = [(name, n, vocab[name]) for name, n in counts.items() if name in vocab]
        logits = model.intercept.copy()
        parts = []
        for name, n, j in known:
            contrib = n * model.coef[j]
            logits = logits + contrib
            parts.append((name, n, contrib))
        row = featurizer.indices(keyword)
        intent = None if row is None else _INTENTS[int(np.argmax(logits))]
        k = INTENT_ORDER.index(intent.value) if intent is not None else 0
        parts.sort(key=lambda p: (-abs(float(p[2][k])), p[0]))
        return Explanation(
            keyword=keyword,
            intent=intent,
            logits=_by_intent(logits),
            bias=_by_intent(model.intercept),
            features=[
                FeatureContribution(feature=name, count=n, contributions=_by_intent(c))
                for name, n, c in parts
            ],
        )


# Every field is always set, so all results can share one fields-set: pydantic only ever adds
# names to it (model_copy), never removes, and a set per result would cost 700 bytes each.
_CLASSIFICATION_FIELDS = set(Classification.model_fields)
_CONVERSION_FIELDS = set(ConversionPrior.model_fields)


def _by_intent(values: FloatArray) -> dict[Intent, float]:
    return {intent: float(v) for intent, v in zip(_INTENTS, values)}


def _check_str(value: object, what: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, not {type(value).__name__}: {value!r:.60}")


def _strings(values: Iterable[str], what: str) -> tuple[str, ...]:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} must be an iterable of names, not a single string")
    out = tuple(values)
    for i, v in enumerate(out):
        if not isinstance(v, str):
            raise TypeError(f"{what}[{i}] must be str, not {type(v).__name__}")
    return out


def _chunks(items: Iterable[object], size: int, start: int) -> Iterator[list[str]]:
    it = iter(items)
    pos = start
    while chunk := list(islice(it, size)):
        for i, v in enumerate(chunk):
            if not isinstance(v, str):
                raise TypeError(
                    f"keyword at position {pos + i} must be str, not {type(v).__name__}: {v!r:.60}"
                )
        pos += len(chunk)
        yield chunk  # type: ignore[misc]


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Building many small objects triggers the cyclic collector over and over; they hold no
    # cycles, so pausing it for a batch halves the cost. Restored even on error.
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


Packed = tuple[FloatArray, IntArray, IntArray, IntArray, IntArray, list[int]]
"""A chunk's results as arrays (probabilities, top intent, language, stage and secondary-intent
codes, rows without tokens): cheap to build and to send from a worker process."""


def _decide_packed(clf: IntentClassifier, chunk: list[str]) -> Packed:
    return clf._packed_chunk(chunk)


def _unpack(clf: IntentClassifier, packed: Packed) -> list[Decided | None]:
    probs, top, language, stage, secondary, empty = packed
    rows: list[Decided | None] = list(
        zip(
            probs.tolist(),
            top.tolist(),
            secondary.tolist(),
            map(_LANGUAGES.__getitem__, language.tolist()),
            map(clf.framework.stages.__getitem__, stage.tolist()),
        )
    )
    for i in empty:
        rows[i] = None
    return rows


def _resolve_jobs(n_jobs: int | None) -> int:
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int):
        raise TypeError(f"n_jobs must be an int, not {type(n_jobs).__name__}")
    if n_jobs == 0 or n_jobs < -1:
        raise ValueError(
            f"n_jobs must be a positive number of processes or -1 (all CPUs), not {n_jobs}"
        )
    return (os.cpu_count() or 1) if n_jobs == -1 else n_jobs


_IN_FLIGHT = 2
_worker: IntentClassifier | None = None


def _init_worker(clf: IntentClassifier) -> None:
    global _worker
    # The parent handles Ctrl-C and stops the pool; workers would only print tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker only runs chunk work, which makes no reference cycles; the collector would only
    # walk the inherited heap between chunks (a third of a worker's time).
    gc.disable()
    clf._reset_locks()
    _worker = clf


def _run_in_worker(work: Callable[[IntentClassifier, list[str]], _T], chunk: list[str]) -> _T:
    assert _worker is not None
    return work(_worker, chunk)


def _parallel(
    clf: IntentClassifier,
    work: Callable[[IntentClassifier, list[str]], _T],
    chunks: Iterable[tuple[_P, list[str]]],
    jobs: int,
) -> Iterator[tuple[_P, _T]]:
    """Run ``work`` in ``jobs`` worker processes; results in input order.

    At most :data:`_IN_FLIGHT` chunks per worker are queued, so memory stays bounded; this
    process consumes the results (builds objects, writes rows) while the workers go on. Workers
    are forked where the platform allows it, so they start with the model and the token cache
    already loaded; elsewhere they are spawned and load the model once each.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pending: deque[tuple[_P, AsyncResult[_T]]] = deque()
    with context.Pool(jobs, initializer=_init_worker, initargs=(clf,)) as pool:
        for payload, keywords in chunks:
            pending.append((payload, pool.apply_async(_run_in_worker, (work, keywords))))
            if len(pending) >= _IN_FLIGHT * jobs:
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()


_default: IntentClassifier | None = None
_default_lock = threading.Lock()


def _default_classifier() -> IntentClassifier:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = IntentClassifier()
    return _default


@wraps(IntentClassifier.classify)
def classify(keyword: str) -> Classification:
    return _default_classifier().classify(keyword)


@wraps(IntentClassifier.classify_many)
def classify_many(keywords: Iterable[str], *, n_jobs: int | None = 1) -> list[Classification]:
    return _default_classifier().classify_many(keywords, n_jobs=n_jobs)


@wraps(IntentClassifier.explain)
def explain(keyword: str) -> Explanation:
    return _default_classifier().explain(keyword)
