"""The classifier: options, lazy thread-safe model loading, single and batch classification."""

from __future__ import annotations

import dataclasses
import json
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sized
from functools import wraps
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from pydantic import BaseModel

from intentkit._decide import (
    INTENTS,
    LANGUAGES,
    SECONDARY_INTENTS,
    Decisions,
    Policy,
    decide_chunk,
    decide_one,
)
from intentkit._explain import describe
from intentkit._features import Featurizer
from intentkit._language import LanguageEvidence
from intentkit._model import FloatArray, Model, load_model
from intentkit._parallel import gc_paused, map_chunks
from intentkit._progress import Bar
from intentkit._progress import check as check_progress
from intentkit._scorer import Scorer
from intentkit._text import tokenize
from intentkit.audience import AUDIENCES, Audiences, resolve_audiences
from intentkit.errors import ModelFileError
from intentkit.journey import INTENT_LEVEL, Framework, resolve_framework, resolve_priors
from intentkit.types import (
    Classification,
    ConversionPrior,
    Explanation,
    FeatureContribution,
    Intent,
    Level,
)

MODEL_FILE = "intentkit.npz"
CARD_FILE = "model-card.json"
CHUNK_SIZE = 4096

_I0, _I1, _I2, _I3, _I4 = INTENTS  # a dict display is three times faster than dict(zip())
_LEVELS = [INTENT_LEVEL[i] for i in INTENTS]
_UNIFORM = dict.fromkeys(INTENTS, 1.0 / len(INTENTS))
_object_new = object.__new__
# The slot setters of every pydantic model, called directly (no attribute look-up per call).
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
# Every field is always set, so all results can share one fields-set: pydantic only ever adds
# names to it (model_copy), never removes, and a set per result would cost 700 bytes each.
_CLASSIFICATION_FIELDS = set(Classification.model_fields)
_CONVERSION_FIELDS = set(ConversionPrior.model_fields)

_models: dict[Path, Model] = {}
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


def model_file(path: str | Path) -> Path:
    """The model file a ``model`` argument names: the path itself, or ``intentkit.npz`` in a folder.

    So the folder ``intentkit train`` writes can be given as it is. A folder without that file
    is returned unchanged (loading it then says it is a folder).
    """
    path = Path(path)
    try:
        inside = path / MODEL_FILE
        if path.is_dir() and inside.is_file():
            return inside
    except OSError:
        pass
    return path


def read_card(model_path: Path) -> dict[str, Any] | None:
    """The model card beside a model file, or ``None`` if there is none."""
    card = model_path.parent / CARD_FILE
    if not card.is_file():
        return None
    try:
        data = json.loads(card.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as e:
        raise ModelFileError(card, f"not a valid JSON model card: {e}") from None
    if not isinstance(data, dict):
        raise ModelFileError(card, "a model card must be a JSON object")
    return data


def load_cached(path: Path | None) -> Model:
    """The model at ``path`` (``None``: the shipped one), loaded once per process and file.

    The shipped model is checked against the SHA-256 its card records.
    """
    try:
        key = path.resolve() if path is not None else None
    except (RuntimeError, OSError) as e:
        raise ModelFileError(path or "", f"cannot be resolved (a symlink loop?): {e}") from None
    with _models_lock:
        if key is None:
            key = default_model_path()
            if key not in _models:
                card = read_card(key) or {}
                digest = card.get("sha256")
                if not isinstance(digest, str):
                    raise ModelFileError(key, f"the shipped model's {CARD_FILE} has no sha256")
                _models[key] = load_model(key, sha256=digest)
        elif key not in _models:
            _models[key] = load_model(key)
        return _models[key]


class _State(NamedTuple):
    model: Model
    featurizer: Featurizer
    scorer: Scorer
    policy: Policy
    version: str
    language: LanguageEvidence


class IntentClassifier:
    """Classifies keywords by search intent; holds the options and, once used, the loaded model.

    Building one is cheap: the model file is read on the first classification, once per process
    and file (instances share it), under a lock, so concurrent first calls load it once.

    Args:
        model: a model file written by ``intentkit train``, or the folder it wrote (with
            ``intentkit.npz`` in it); ``None`` uses the shipped model.
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
            :func:`~intentkit.fit_priors`.
        audiences: whose journeys to tell apart (:attr:`Classification.audience`): ``None``
            for the built-in :data:`~intentkit.audience.AUDIENCES`, or your own
            :class:`~intentkit.audience.Audiences` (or a dict of one).
    """

    def __init__(
        self,
        *,
        model: str | Path | None = None,
        brands: Iterable[str] = (),
        places: Iterable[str] = (),
        framework: str | Framework | Mapping[str, Any] = "funnel",
        priors: Mapping[Intent, float] | Mapping[str, float] | None = None,
        audiences: Audiences | Mapping[str, Any] | None = None,
    ) -> None:
        self.model = model_file(model) if model is not None else None
        self.brands = _strings(brands, "brands")
        self.places = _strings(places, "places")
        self.framework = resolve_framework(framework)
        self.priors = resolve_priors(priors)
        self.audiences = resolve_audiences(audiences)
        self._audience_names = self.audiences.names
        self.key = uuid.uuid4().hex
        """Names this classifier's configuration (kept by worker processes between chunks)."""
        self._empty_score = sum(self.priors.values()) / len(self.priors)
        self._stages = tuple(self.framework.stages)
        self._version = ""
        self._state: _State | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # What a worker process needs: the options. It loads the model itself.
        state = self.__dict__.copy()
        state["_state"] = None
        del state["_lock"]
        if state["audiences"] is AUDIENCES:
            state["audiences"] = None  # the worker has the built-in ones
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.audiences = resolve_audiences(self.audiences)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"IntentClassifier(model={self.model!r}, brands={len(self.brands)} names, "
            f"places={len(self.places)} names, framework={self.framework.name!r})"
        )

    def _loaded(self) -> _State:
        state = self._state
        if state is None:
            with self._lock:
                if self._state is None:
                    model = load_cached(self.model)
                    featurizer = model.featurizer(self.brands, self.places)
                    fw = self.framework
                    policy = Policy.build(
                        model.intercept,
                        model.lang_intercept,
                        fw.stages,
                        fw.intents,
                        fw.forced_stage,
                        self.priors,
                        model.unknown_temperature,
                    )
                    language = LanguageEvidence(featurizer)
                    scorer = Scorer(featurizer, model.scoring_weights(), language.kind)
                    self._version = model.version
                    self._state = _State(
                        model,
                        featurizer,
                        scorer,
                        policy,
                        model.version,
                        language,
                    )
                state = self._state
        return state

    @property
    def model_card(self) -> dict[str, Any]:
        """The model's card, or the metadata stored in the model file when it has no card.

        The card is ``model-card.json`` beside the model file, when it describes this model (the
        same ``model_version``).

        The shipped model's card holds its version, file hash, training data (hash, rows per
        language and intent), library versions and the scores measured when it was trained; a
        model file alone holds its version, format, features version, training settings and the
        source it was trained from.
        """
        model = self._loaded().model
        card = read_card(self.model if self.model is not None else default_model_path())
        if card is not None and card.get("model_version") == model.version:
            return card
        return {**model.meta, "model_version": model.version}

    def classify(self, keyword: str) -> Classification:
        """Classify one keyword.

        A keyword with no letters or digits gives ``intent=None``, uniform probabilities and
        ``language="unknown"``. Only the first 512 characters are read.

        >>> IntentClassifier().classify("buy running shoes").intent
        <Intent.TRANSACTIONAL: 'transactional'>
        """
        _check_str(keyword, "keyword")
        state = self._loaded()
        tokens = tokenize(keyword)
        if not tokens:
            return self._empty(keyword, state.version)
        encoded = state.scorer.encode_tokens(tokens)
        evidence = state.language.code(tokens)
        d = decide_one(state.scorer.score_one(encoded), encoded.cues, state.policy, evidence)
        return self._build(
            keyword,
            d.probabilities,
            d.top,
            d.secondary,
            d.language,
            d.stage,
            d.conversion,
            self.audiences.match_index(keyword),
        )

    def classify_many(
        self, keywords: Iterable[str], *, n_jobs: int | None = 1, progress: bool | None = None
    ) -> list[Classification]:
        """Classify many keywords, in chunks, one vectorised scoring per chunk.

        Returns one result per input, in input order (empty keywords included, as in
        :meth:`classify`). Accepts any iterable of ``str``: lists, tuples, generators, numpy
        arrays, pandas Series. ``classify_many(xs)[i] == classify(xs[i])``, also with ``n_jobs``.

        ``n_jobs`` > 1 scores chunks in that many worker processes (``-1``: one per CPU) while
        this process builds the results, which caps the gain (building a result costs about a
        quarter of a keyword's work). Starting the workers costs a second or so (they import
        intentkit and load the model once each, then stay for later calls), so it pays on large
        batches only; on Windows and macOS the calling script needs the usual
        ``if __name__ == "__main__":`` guard.

        ``progress`` shows a progress bar (tqdm, the ``progress`` extra), updated once per chunk:
        ``None`` (default) when tqdm is installed, the input has a length of at least 50,000
        and the call runs in a notebook or a terminal; ``True`` always (``ImportError`` without
        tqdm); ``False`` never. Results are the same either way.
        """
        if isinstance(keywords, (str, bytes)):
            raise TypeError("classify_many() takes an iterable of keywords, not a single string")
        check_progress(progress)
        self._loaded()
        out: list[Classification] = []
        chunks = ((c, c) for c in _chunks(keywords, CHUNK_SIZE))
        total = len(keywords) if isinstance(keywords, Sized) else None
        with gc_paused(), Bar(progress, total, "classify", "keywords") as bar:
            for chunk, decisions in map_chunks(_decide_many, self, chunks, n_jobs):
                out += self._results(chunk, decisions)
                bar.update(len(chunk))
        return out

    def decide_many(self, keywords: list[str]) -> Decisions:
        """The decisions of a chunk of keywords as arrays, without building a result per keyword.

        The same numbers as :meth:`classify_many` (``probabilities``, ``top``, ``secondary``,
        ``language``, ``stage`` and ``conversion`` index the same tables), for callers that
        write or aggregate millions of rows: ``intentkit label`` formats its rows from these.
        """
        state = self._loaded()
        batch = state.scorer.encode_many(keywords)
        d = decide_chunk(
            state.scorer.scores(batch), batch.cues, batch.empty, state.policy, batch.evidence
        )
        match = self.audiences.match_index
        audience = np.fromiter(map(match, keywords), dtype=np.intp, count=len(keywords))
        return dataclasses.replace(d, audience=audience, audiences=self._audience_names)

    def _results(self, keywords: list[str], d: Decisions) -> list[Classification]:
        results = list(
            map(
                self._build,
                keywords,
                d.probabilities.tolist(),
                d.top.tolist(),
                d.secondary.tolist(),
                d.language.tolist(),
                d.stage.tolist(),
                d.conversion.tolist(),
                d.audience.tolist() if d.audience is not None else [0] * len(keywords),
            )
        )
        for i in d.empty:
            results[i] = self._empty(keywords[i], self._version)
        return results

    def _build(
        self,
        keyword: str,
        p: list[float],
        top: int,
        secondary: int,
        language: int,
        stage: int,
        conversion: float,
        audience: int,
    ) -> Classification:
        # The per-keyword hot path of every batch: pydantic models built from trusted values
        # without validation (what ``model_construct`` does, minus its bookkeeping; the tests
        # check the result equals a validated instance).
        p0, p1, p2, p3, p4 = p
        prior = _object_new(ConversionPrior)
        _set_dict(prior, {"level": _LEVELS[top], "score": conversion})
        _set_fields(prior, _CONVERSION_FIELDS)
        _set_extra(prior, None)
        _set_private(prior, None)
        result = _object_new(Classification)
        _set_dict(
            result,
            {
                "keyword": keyword,
                "intent": INTENTS[top],
                "confidence": p[top],
                "probabilities": {_I0: p0, _I1: p1, _I2: p2, _I3: p3, _I4: p4},
                "secondary": [*SECONDARY_INTENTS[secondary]],
                "language": LANGUAGES[language],
                "stage": self._stages[stage],
                "framework": self.framework.name,
                "conversion": prior,
                "audience": self._audience_names[audience],
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
            audience=None,
            model_version=version,
        )

    def explain(self, keyword: str) -> Explanation:
        """Decompose the keyword's logits into the exact contribution of every known feature.

        Each feature's :attr:`~intentkit.FeatureContribution.source` says in plain terms what it
        is and which of the keyword's words (normalised: lower case) fired it; in a notebook the
        explanation shows as a table.

        >>> e = IntentClassifier().explain("netflix login")
        >>> e.intent
        <Intent.NAVIGATIONAL: 'navigational'>
        >>> total = e.bias[e.intent] + sum(f.contributions[e.intent] for f in e.features)
        >>> abs(total - e.logits[e.intent]) < 1e-9
        True
        """
        _check_str(keyword, "keyword")
        state = self._loaded()
        model, featurizer = state.model, state.featurizer
        described = featurizer.described(keyword)
        counts = Counter(name for name, _ in described)
        origins: dict[str, list[tuple[str, ...]]] = {}
        for name, origin in described:
            origins.setdefault(name, []).append(origin)
        vocab = featurizer.vocabulary
        known = [(name, n, vocab[name]) for name, n in counts.items() if name in vocab]
        logits = model.intercept.copy()
        parts = []
        for name, n, j in known:
            contrib = n * model.coef[j]
            logits = logits + contrib
            parts.append((name, n, contrib))
        intent = INTENTS[int(np.argmax(logits))] if counts else None
        k = INTENTS.index(intent) if intent is not None else 0
        parts.sort(key=lambda p: (-abs(float(p[2][k])), p[0]))
        return Explanation(
            keyword=keyword,
            intent=intent,
            logits=_by_intent(logits),
            bias=_by_intent(model.intercept),
            features=[
                FeatureContribution(
                    feature=name,
                    count=n,
                    contributions=_by_intent(c),
                    source=describe(name, origins[name]),
                )
                for name, n, c in parts
            ],
        )


def _decide_many(clf: IntentClassifier, keywords: list[str]) -> Decisions:
    return clf.decide_many(keywords)


def _by_intent(values: FloatArray) -> dict[Intent, float]:
    return {intent: float(v) for intent, v in zip(INTENTS, values)}


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


def _chunks(items: Iterable[object], size: int) -> Iterator[list[str]]:
    it = iter(items)
    pos = 0
    while chunk := list(islice(it, size)):
        for i, v in enumerate(chunk):
            if not isinstance(v, str):
                raise TypeError(
                    f"keyword at position {pos + i} must be str, not {type(v).__name__}: {v!r:.60}"
                )
        pos += len(chunk)
        yield chunk  # type: ignore[misc]


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
def classify_many(
    keywords: Iterable[str], *, n_jobs: int | None = 1, progress: bool | None = None
) -> list[Classification]:
    return _default_classifier().classify_many(keywords, n_jobs=n_jobs, progress=progress)


@wraps(IntentClassifier.explain)
def explain(keyword: str) -> Explanation:
    return _default_classifier().explain(keyword)
