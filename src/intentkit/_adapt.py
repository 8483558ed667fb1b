"""Adapting a trained model to a user's labelled keywords, keeping what it already knows.

``intentkit train my-labels.csv`` starts from the shipped model (or ``--base``) and moves its
weights towards the user's labels, no further than they need: it minimises

    weight * (sum_i s_i * loss_i  +  a * sum_j CE(p0_j, p_j))  +  1/2 * ||W - W0||^2 + 1/2 * ||b - b0||^2

where ``W0`` and ``b0`` are the base model's (calibrated) weights and intercepts, ``loss_i`` the
log loss of the user's row ``i`` and ``s_i`` its weight (1, and :data:`SECOND_WEIGHT` for a row's
second intent). The second term holds the *anchors*: a few thousand general keywords shipped
with intentkit (``anchors.txt.gz``, a sample of the shipped model's hand-labelled training
keywords in both languages, written by ``data/anchors.py``; keywords only). Their loss is the
cross-entropy between the base model's probabilities ``p0_j`` and the new ones, all anchors
together weighing as much as the user's rows (``a``, :data:`ANCHOR_SHARE`): a feature the user's
rows share with everything else (a cue word, a class bigram, an intercept) moves only as far as
it can without changing what the base model says about general keywords.

Why this method: measured on a garden webshop's export (``benchmarks/adapt.py``), the penalty
alone let adapting cost 0.07 to 0.08 of real-keyword accuracy; with the anchors the change is
within 0.01, and the user's held-out rows score the same. Retraining on the shipped training
data plus the user's rows would need that data in every install (it is not there) and a quarter
of an hour; this takes seconds to a minute and needs only the model and the anchors.

Features that none of the user's rows has keep their weights exactly, so what the base model
knows about everything else (local searches, Swedish, brands) stays; the base model's
vocabulary, lexicon, language weights and unknown temperature are kept as they are (the
calibration is not refitted). Features new to the base model (character n-grams of the user's
words, cue and class bigrams it never met) are added when at least ``min_df`` of the user's
keywords have them, starting at zero. New *words* are not added as word features: a known word
stands for itself in the class bigrams, so adding one would take away the class features ("a
product", "a rare name") the base model scores the keyword with; their character n-grams carry
the word instead.

A file with no ``local`` label (Semrush, Ahrefs file "near me" under transactional) teaches
``transactional`` as "transactional or local": the loss of such a row is the log of the summed
probability of both, so adapting does not unlearn local searches.

``weight`` (how far the user's rows may pull) is chosen by stratified cross-validation on the
user's rows (macro-F1 over :data:`WEIGHTS`). Before the final fit, the rows are split 80/20
(stratified by intent, fixed seed): the weight is chosen on the 80 %, a model fitted on it, and
its scores on the 20 % recorded in the card as the held-out score; the final model is then fitted
on all rows with that weight. Fitting is an L-BFGS over the features the user's rows have.
"""

from __future__ import annotations

import gzip
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from intentkit._dataset import Row
from intentkit._features import NO_SIGNAL, WORD, Featurizer
from intentkit._metrics import Scores, macro_f1, score
from intentkit._model import FloatArray, Model
from intentkit._text import fold
from intentkit.types import INTENT_ORDER

WEIGHTS = (0.1, 0.3, 1.0)
"""The weights of the user's rows tried by cross-validation (larger: further from the base)."""
SECOND_WEIGHT = 0.3
"""Weight of a row's second intent relative to its first (as in training from scratch)."""
FOLDS = 3
HOLDOUT_SHARE = 0.2
SEED = 17
"""Seed of the held-out split and of the cross-validation folds."""
MAX_ITER = 500
FTOL = 1e-7
"""Stop when an L-BFGS step improves the loss by less than this share (the fit moves little)."""
ANCHOR_SHARE = 1.0
"""How much all anchors together weigh against all the user's rows (``a`` in the docstring)."""
INTERCEPT_PENALTY = 1.0
"""The penalty on moving the intercepts, relative to the weights' (the anchors hold them too)."""
METHOD = "fine-tune"
"""The adaptation method recorded in the card (see the module docstring)."""

Progress = Callable[[str], None]
"""Called with a short line per step ("fitting 3/25"); the command line prints it on stderr."""


def _quiet(message: str) -> None:
    """A progress callback that says nothing."""


class Featurized:
    """Keywords featurized once against a base model, ready to fit on any subset of them.

    The base model's known words decide the class bigrams, and no word is ever added (see the
    module docstring), so a keyword's features do not depend on which rows a fit uses: all
    keywords are counted once over the base features plus every feature new to it that some
    keyword (not an anchor) has, and a fit takes the rows and columns it needs.
    """

    def __init__(self, base: Model, keywords: Sequence[str], anchors: Sequence[str] = ()) -> None:
        from scipy.sparse import csr_matrix

        self.base = base
        known = frozenset(fold(f[len(WORD) :]) for f in base.features if f.startswith(WORD))
        feat = Featurizer(base.lexicon, known=known)
        names = [feat.features(kw, known) for kw in (*keywords, *anchors)]
        self.anchors = range(len(keywords), len(keywords) + len(anchors))
        """Positions of the anchor keywords."""
        vocab = {f: i for i, f in enumerate(base.features)}
        n_base = len(vocab)
        for row in names[: len(keywords)]:
            for f in row:
                if f not in vocab and not f.startswith(WORD):
                    vocab[f] = len(vocab)
        self.features = tuple(vocab)
        """The base features, then the new ones in the order the keywords first have them."""
        self._new = range(n_base, len(vocab))
        scale = 1.0 / base.unknown_temperature
        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        for row in names:
            factor = scale if NO_SIGNAL in row else 1.0
            counts = Counter(j for j in map(vocab.get, row) if j is not None)
            for j, c in sorted(counts.items()):
                indices.append(j)
                data.append(c * factor)
            indptr.append(len(indices))
        self.x = csr_matrix(
            (np.array(data), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
            shape=(len(names), len(vocab)),
        )
        """Feature counts, one row per keyword then per anchor; the row of a keyword with
        nothing known in it is divided by the base model's unknown temperature, as scoring
        divides its weights."""

    def columns(self, idx: Sequence[int], min_df: int) -> Any:
        """The base features' columns, then the new ones at least ``min_df`` of rows ``idx`` have."""
        new = np.asarray(self._new, dtype=np.int64)
        if len(idx) and len(new):
            df = np.asarray((self.x[list(idx)][:, new] > 0).sum(axis=0)).ravel()
            new = new[df >= min_df]
        else:
            new = new[:0]
        return np.concatenate([np.arange(self._new.start, dtype=np.int64), new])

    def matrix(self, columns: Any, idx: Sequence[int]) -> Any:
        """Feature counts of the rows ``idx`` over ``columns``."""
        return self.x[list(idx)][:, columns]


def targets(rows: Sequence[Row], no_local: bool) -> tuple[list[int], FloatArray, FloatArray]:
    """Row positions, allowed-intent masks and weights: one entry per intent of a row.

    With ``no_local`` (a file that never says local), ``transactional`` also allows ``local``.
    """
    pos: list[int] = []
    masks: list[list[bool]] = []
    weights: list[float] = []
    t, loc = INTENT_ORDER.index("transactional"), INTENT_ORDER.index("local")
    for i, r in enumerate(rows):
        for intent, w in ((r.intent, 1.0), (r.intent2, SECOND_WEIGHT)):
            if not intent:
                continue
            mask = [False] * len(INTENT_ORDER)
            k = INTENT_ORDER.index(intent)
            mask[k] = True
            if no_local and k == t:
                mask[loc] = True
            pos.append(i)
            masks.append(mask)
            weights.append(w)
    return pos, np.array(masks, dtype=bool), np.array(weights)


def fine_tune(
    x: Any,
    coef0: FloatArray,
    icpt0: FloatArray,
    masks: FloatArray,
    sample_weight: FloatArray,
    weight: float,
    *,
    anchors: Any | None = None,
    anchor_share: float = 1.0,
    intercept_penalty: float = 1.0,
    start: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Minimise the penalised loss of the module docstring; return the new weights and intercepts.

    Only the columns of ``x`` some row uses are optimised; the others keep ``coef0``. ``anchors``
    (feature counts of general keywords, over the same columns) adds the anchor term: the
    cross-entropy between the base model's probabilities of each anchor and the new ones, all
    anchors together weighing ``anchor_share`` times the user's rows. ``start`` (weights and
    intercepts over the same columns, from a fit with another weight) only speeds up the search.
    """
    from scipy.optimize import minimize

    x = x.tocsc()
    active = np.flatnonzero(np.diff(x.indptr))
    xa = x[:, active].tocsr()
    w0 = coef0[active]
    m, k = w0.shape
    base = xa @ w0 + icpt0
    s = sample_weight * weight
    if anchors is not None and anchors.shape[0]:
        ax = anchors.tocsc()[:, active].tocsr()
        a_base = anchors @ coef0 + icpt0
        p0 = _softmax(a_base)
        a_weight = weight * anchor_share * float(sample_weight.sum()) / anchors.shape[0]
    else:
        ax = None

    def loss(theta: FloatArray) -> tuple[float, FloatArray]:
        dw = theta[: m * k].reshape(m, k)
        db = theta[m * k :]
        z = base + xa @ dw + db
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        total = e.sum(axis=1)
        allowed = np.where(masks, e, 0.0).sum(axis=1)
        value = float(np.sum(s * (np.log(total) - np.log(allowed))))
        g = s[:, None] * (e / total[:, None] - np.where(masks, e, 0.0) / allowed[:, None])
        value += 0.5 * float(np.sum(dw * dw) + intercept_penalty * np.sum(db * db))
        grad_w = xa.T @ g + dw
        grad_b = g.sum(axis=0) + intercept_penalty * db
        if ax is not None:
            za = a_base + ax @ dw + db
            za -= za.max(axis=1, keepdims=True)
            log_p = za - np.log(np.exp(za).sum(axis=1, keepdims=True))
            value -= a_weight * float(np.sum(p0 * log_p))
            ga = a_weight * (np.exp(log_p) - p0)
            grad_w += ax.T @ ga
            grad_b += ga.sum(axis=0)
        return value, np.concatenate([grad_w.ravel(), grad_b])

    theta0 = np.zeros(m * k + k)
    if start is not None:
        theta0 = np.concatenate([(start[0][active] - w0).ravel(), start[1] - icpt0])
    result = minimize(
        loss,
        theta0,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": MAX_ITER, "ftol": FTOL},
    )
    coef = coef0.copy()
    coef[active] = w0 + result.x[: m * k].reshape(m, k)
    return coef, icpt0 + result.x[m * k :]


@dataclass(frozen=True)
class Fitted:
    """Fine-tuned weights over columns of a :class:`Featurized` (the base's, then new ones)."""

    columns: Any
    coef: FloatArray
    intercept: FloatArray

    def predict(self, data: Featurized, idx: Sequence[int]) -> list[str]:
        """The top intent of the keywords ``idx`` (the reference path, without the scorer)."""
        logits = data.matrix(self.columns, idx) @ self.coef + self.intercept
        return [INTENT_ORDER[int(k)] for k in np.argmax(logits, axis=1)]

    def model(self, data: Featurized) -> Model:
        """A model file's worth: these weights with the base's lexicon and language weights."""
        base = data.base
        features = tuple(data.features[j] for j in self.columns.tolist())
        extra = len(features) - len(base.features)
        return Model(
            features=features,
            coef=self.coef,
            intercept=self.intercept,
            lang_coef=np.concatenate([base.lang_coef, np.zeros(extra)]),
            lang_intercept=base.lang_intercept,
            lexicon=base.lexicon,
            meta=dict(base.meta),
        )


def _softmax(z: FloatArray) -> FloatArray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def fit(
    data: Featurized,
    rows: Sequence[Row],
    idx: Sequence[int],
    weight: float,
    *,
    no_local: bool,
    start: Fitted | None = None,
) -> Fitted:
    """The base model fine-tuned on the rows ``idx`` with ``weight`` (see the module docstring).

    ``start``, a fit on the same rows with another weight, only speeds the search up.
    """
    base = data.base
    columns = data.columns(idx, int(base.meta.get("min_df", 2)))
    pos, masks, sw = targets([rows[i] for i in idx], no_local)
    x = data.matrix(columns, [idx[p] for p in pos])
    extra = len(columns) - len(base.features)
    coef0 = np.vstack([base.coef, np.zeros((extra, len(INTENT_ORDER)))])
    anchors = data.matrix(columns, data.anchors) if data.anchors else None
    coef, icpt = fine_tune(
        x,
        coef0,
        np.asarray(base.intercept, dtype=np.float64),
        masks,
        sw,
        weight,
        anchors=anchors,
        anchor_share=ANCHOR_SHARE,
        intercept_penalty=INTERCEPT_PENALTY,
        start=(start.coef, start.intercept) if start is not None else None,
    )
    return Fitted(columns, coef, icpt)


def stratified_folds(labels: Sequence[str], k: int, seed: int = SEED) -> list[int]:
    """A fold number per row: each label's rows shuffled (fixed seed) and dealt round the folds."""
    rng = random.Random(seed)
    fold = [0] * len(labels)
    offset = 0
    for label in sorted(set(labels)):
        idx = [i for i, y in enumerate(labels) if y == label]
        rng.shuffle(idx)
        for n, i in enumerate(idx):
            fold[i] = (offset + n) % k
        offset += len(idx)
    return fold


def holdout_split(
    labels: Sequence[str], share: float = HOLDOUT_SHARE, seed: int = SEED
) -> tuple[list[int], list[int]]:
    """Train and test positions: ``share`` of each label's rows held out (at least one kept)."""
    rng = random.Random(seed)
    train: list[int] = []
    test: list[int] = []
    for label in sorted(set(labels)):
        idx = [i for i, y in enumerate(labels) if y == label]
        rng.shuffle(idx)
        n = min(round(len(idx) * share), len(idx) - 1)
        test += idx[:n]
        train += idx[n:]
    return sorted(train), sorted(test)


def choose_weight(
    data: Featurized,
    rows: Sequence[Row],
    idx: Sequence[int],
    *,
    no_local: bool,
    progress: Progress = _quiet,
    what: str = "",
) -> tuple[float, dict[str, float]]:
    """The weight of :data:`WEIGHTS` with the best cross-validated macro-F1 on the rows ``idx``.

    Also returns every weight's score. Folds are stratified by intent; with fewer than
    :data:`FOLDS` rows of some intent, fewer folds; with fewer than two folds possible, the middle
    weight, unscored.
    """
    labels = [rows[i].intent for i in idx]
    k = min(FOLDS, min(Counter(labels).values()))
    if k < 2:
        return WEIGHTS[len(WEIGHTS) // 2], {}
    fold = stratified_folds(labels, k)
    scores: dict[str, float] = {}
    step, steps = 0, len(WEIGHTS) * k
    previous: dict[int, Fitted] = {}
    for weight in WEIGHTS:
        pred = [""] * len(idx)
        for f in range(k):
            step += 1
            progress(f"{what}cross-validating weight {weight} ({step}/{steps})")
            tr = [i for i, g in zip(idx, fold) if g != f]
            te = [p for p, g in enumerate(fold) if g == f]
            fitted = fit(data, rows, tr, weight, no_local=no_local, start=previous.get(f))
            previous[f] = fitted
            for p, y in zip(te, fitted.predict(data, [idx[p] for p in te])):
                pred[p] = y
        scores[str(weight)] = round(macro_f1(labels, _lenient(pred, no_local)), 4)
    best = max(WEIGHTS, key=lambda w: (scores[str(w)], -w))
    return best, scores


def _lenient(pred: Sequence[str], no_local: bool) -> list[str]:
    """Predictions as scoring counts them: local is transactional in a file without local."""
    return ["transactional" if no_local and p == "local" else p for p in pred]


ANCHORS = Path(__file__).resolve().parent / "anchors.txt.gz"


def read_anchors(path: Path = ANCHORS) -> list[str]:
    """The anchor keywords shipped with intentkit (``data/anchors.py`` writes them).

    Empty when the file is missing (a trimmed install): adapting then has only the penalty to
    hold the base model, which the card shows as ``"anchors": 0``.
    """
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    except FileNotFoundError:
        return []
    return [line for line in text.splitlines() if line]


@dataclass(frozen=True)
class Adapted:
    """An adapted model and what the card says about how it was made."""

    model: Model
    report: dict[str, Any]


def adapt(
    base: Model,
    rows: Sequence[Row],
    *,
    weight: float | None = None,
    heldout: bool = True,
    progress: Progress = _quiet,
) -> Adapted:
    """Adapt ``base`` to labelled ``rows`` (see the module docstring); deterministic.

    ``weight`` fixes the weight of the user's rows instead of choosing it by cross-validation.
    ``heldout`` measures the recipe on a held-out 20 % of the rows first (the card's
    ``heldout``); the weight is then chosen on the other 80 % and kept for the final fit. One
    intent is enough (a file of your brand's navigational keywords): the anchors keep the others.
    """
    if not rows:
        raise ValueError("adapting needs at least one labelled keyword")
    no_local = not any("local" in (r.intent, r.intent2) for r in rows)
    report: dict[str, Any] = {
        "method": METHOD,
        "base_model_version": base.version,
        "transactional_allows_local": no_local,
    }
    anchors = read_anchors()
    report["anchors"] = len(anchors)
    progress(f"featurizing {len(rows):,} keywords and {len(anchors):,} anchors")
    data = Featurized(base, [r.keyword for r in rows], anchors)
    chosen = weight
    if heldout:
        tr, te = holdout_split([r.intent for r in rows])
        if tr and te:
            if chosen is None:
                chosen, cv = choose_weight(
                    data, rows, tr, no_local=no_local, progress=progress, what="held-out run: "
                )
                report["cv_macro_f1"] = cv
            progress(f"held-out run: fitting on {len(tr):,} rows, scoring {len(te):,}")
            fitted = fit(data, rows, tr, chosen, no_local=no_local)
            report["heldout"] = heldout_scores(
                fitted.predict(data, te), data, rows, te, no_local, len(tr)
            )
    if chosen is None:
        all_idx = list(range(len(rows)))
        chosen, cv = choose_weight(data, rows, all_idx, no_local=no_local, progress=progress)
        report["cv_macro_f1"] = cv
    report["weight"] = chosen
    progress(f"fitting on all {len(rows):,} rows (weight {chosen})")
    fitted = fit(data, rows, range(len(rows)), chosen, no_local=no_local)
    report["new_features"] = len(fitted.columns) - len(base.features)
    return Adapted(fitted.model(data), report)


def heldout_scores(
    pred: Sequence[str],
    data: Featurized,
    rows: Sequence[Row],
    te: Sequence[int],
    no_local: bool,
    train_rows: int,
) -> dict[str, Any]:
    """Macro-F1 and accuracy on the held-out rows ``te`` of the adapted and the base model."""
    labels = [rows[i].intent for i in te]
    base = Fitted(
        np.arange(len(data.base.features)), data.base.coef, np.asarray(data.base.intercept)
    )
    out: dict[str, Any] = {
        "rows": len(te),
        "train_rows": train_rows,
        "split": f"{round(HOLDOUT_SHARE * 100)} % of each intent's rows held out (seed {SEED})",
        "note": "the weight was chosen by cross-validation on the other rows and a model fitted "
        "on them, then scored here; the model in this folder was then fitted on all rows",
    }
    for name, p in (("adapted", pred), ("base", base.predict(data, te))):
        s: Scores = score(labels, _lenient(p, no_local))
        out[name] = {"macro_f1": round(s.macro_f1, 4), "accuracy": round(s.accuracy, 4)}
    return out
