"""Training: labelled keywords and lexicons in, a calibrated model file and its card out.

The recipe, deterministic from the data alone:

1. Featurize every keyword (:mod:`intentkit._features`); keep features seen in at least
   ``min_df`` keywords.
2. Rows with a second intent are added once more, labelled with it, at weight
   :data:`SECOND_INTENT_WEIGHT`, so the probabilities show both intents.
3. Choose the regularisation ``C`` of a multinomial logistic regression by cross-validation
   grouped by vertical (whole topics held out), scored by macro-F1.
4. Fit a temperature on the out-of-fold logits (minimum log loss) and fold it into the weights,
   so the probabilities are calibrated and the model stays linear; shift the intercepts from the
   training data's intent shares to :data:`DEPLOYMENT_PRIOR`.
5. Measure on a held-out split (whole verticals and whole templates never seen in training),
   then fit the shipped model on everything.

scikit-learn is imported here only: scoring needs numpy alone.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import zlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from intentkit import _overlap as overlap
from intentkit._dataset import (
    Row,
    data_digest,
    from_template,
    heldout_split,
    language_neutral,
    read_dataset,
    read_lexicon,
    read_shared_words,
)
from intentkit._decide import EN, LANGUAGES, SV, VECTOR, language_code
from intentkit._features import (
    CHAR_NGRAMS,
    FEATURES_VERSION,
    NO_SIGNAL,
    WORD,
    Featurizer,
    Lexicon,
)
from intentkit._metrics import expected_calibration_error, language_accuracy, macro_f1
from intentkit._model import FORMAT, FORMAT_VERSION, FloatArray, Model
from intentkit._progress import Bar
from intentkit._text import fold, tokenize
from intentkit._version import __version__
from intentkit.types import INTENT_ORDER

SECOND_INTENT_WEIGHT = 0.3
TEMPLATE_WEIGHT = 0.5
"""Weight of a generated (template) row relative to a hand-written one."""
DEPLOYMENT_PRIOR = {
    "informational": 0.36,
    "commercial": 0.18,
    "transactional": 0.16,
    "navigational": 0.16,
    "local": 0.14,
}
"""The share of each intent the model assumes in the keyword lists it will label.

The training data is roughly balanced by design, so that every intent is learnt; real keyword
lists are not: most keywords in SEO exports and query logs are informational. Training shifts the
intercepts by ``log(prior / training share)`` (a standard label-shift correction), so a keyword
with little evidence leans informational rather than towards whichever intent the training data
explained with its intercept. The numbers are a documented assumption, not fitted to any
evaluation set; with strong cues (which most keywords have) they change nothing.
"""
C_GRID = (0.03, 0.06, 0.125, 0.25)
LANGUAGE_C_GRID = (1.0, 3.0, 10.0)


@dataclass
class TrainResult:
    """What :func:`train` produced: the model and its card."""

    model: Model
    card: dict[str, Any] = field(default_factory=dict)


class Design:
    """Featurized rows: sparse count matrix over a vocabulary built from the given rows."""

    def __init__(
        self,
        rows: Sequence[Row],
        lexicon: Lexicon,
        min_df: int,
        features: tuple[str, ...] | None = None,
    ) -> None:
        feat = Featurizer(lexicon)
        if features is None:
            known = known_elsewhere(rows)
            names = [feat.features(r.keyword, k) for r, k in zip(rows, known)]
        else:
            seen = frozenset(fold(f[len(WORD) :]) for f in features if f.startswith(WORD))
            names = [feat.features(r.keyword, seen) for r in rows]
        if features is None:
            df: Counter[str] = Counter()
            for n in names:
                df.update(set(n))
            features = tuple(sorted(f for f, c in df.items() if c >= min_df))
        self.features = features
        vocab = {f: i for i, f in enumerate(self.features)}
        self.vocab = vocab
        self.rows_idx = [[vocab[f] for f in n if f in vocab] for n in names]
        self._silent = frozenset(i for i, n in enumerate(names) if NO_SIGNAL in n)

    def silent(self, i: int) -> bool:
        """Whether row ``i`` has nothing known in it (the ``L:no_signal`` flag)."""
        return i in self._silent

    def matrix(self, idx: Sequence[int]) -> Any:
        from scipy.sparse import csr_matrix

        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        for i in idx:
            for j, c in sorted(Counter(self.rows_idx[i]).items()):
                indices.append(j)
                data.append(float(c))
            indptr.append(len(indices))
        return csr_matrix(
            (np.array(data), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
            shape=(len(idx), len(self.features)),
        )


def known_elsewhere(rows: Sequence[Row]) -> list[frozenset[str]]:
    """Per row, the (folded) words that at least two keywords of *other* verticals have.

    Rows without a vertical (a user's labelled export) are grouped in five folds by keyword hash.

    What the finished model will know, seen as if the row's own vertical were new to it: the
    ``__rare__`` class in training then means what it will mean on unseen keywords.
    """
    groups = [r.vertical or f"fold{zlib.crc32(r.keyword.encode()) % 5}" for r in rows]
    per_vertical: dict[str, Counter[str]] = {}
    for r, g in zip(rows, groups):
        per_vertical.setdefault(g, Counter()).update({fold(t) for t in tokenize(r.keyword)})
    total: Counter[str] = Counter()
    for counts in per_vertical.values():
        total.update(counts)
    known: dict[str, frozenset[str]] = {}
    for vertical, counts in per_vertical.items():
        known[vertical] = frozenset(w for w, n in total.items() if n - counts[w] >= 2)
    return [known[g] for g in groups]


def _expand(rows: Sequence[Row], idx: Sequence[int]) -> tuple[list[int], list[int], list[float]]:
    """Row positions, labels and weights, with second intents added at a lower weight."""
    pos, labels, weights = [], [], []
    for i in idx:
        w = TEMPLATE_WEIGHT if from_template(rows[i]) else 1.0
        pos.append(i)
        labels.append(INTENT_ORDER.index(rows[i].intent))
        weights.append(w)
        if rows[i].intent2:
            pos.append(i)
            labels.append(INTENT_ORDER.index(rows[i].intent2))
            weights.append(w * SECOND_INTENT_WEIGHT)
    return pos, labels, weights


def _fit_lr(
    x: Any, y: Sequence[int], w: Sequence[float], c: float
) -> tuple[FloatArray, FloatArray]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=2000, tol=1e-4)
    clf.fit(x, np.asarray(y), sample_weight=np.asarray(w))
    coef = np.zeros((x.shape[1], len(INTENT_ORDER)))
    intercept = np.full(len(INTENT_ORDER), -30.0)
    for k, label in enumerate(clf.classes_):
        coef[:, label] = clf.coef_[k]
        intercept[label] = clf.intercept_[k]
    return coef, intercept


TRAIN_JOBS = 2
"""Cross-validation fits run in this many processes (the results do not depend on it)."""


def _parallel_fits(
    tasks: Sequence[tuple[Any, Sequence[int], Sequence[float], float]],
) -> list[tuple[FloatArray, FloatArray]]:
    """:func:`_fit_lr` of each ``(x, y, w, c)``, in order, in :data:`TRAIN_JOBS` processes."""
    from joblib import Parallel, delayed

    return list(Parallel(n_jobs=TRAIN_JOBS)(delayed(_fit_lr)(*t) for t in tasks))


def _softmax(z: FloatArray) -> FloatArray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def fit_unknown_temperature(
    intercepts: FloatArray, weights: FloatArray, temperature: float, y: Sequence[int]
) -> float:
    """The unknown temperature: what keywords with nothing known in them divide their weights by.

    The factor, from 1 to 20, that minimises the log loss of their out-of-fold predictions.
    Their logits become ``(intercepts + weights / factor) / temperature``: the larger the factor,
    the nearer their probabilities stay to the intercepts' prior.
    """
    yy = np.asarray(y)

    def nll(factor: float) -> float:
        p = _softmax((intercepts + weights / factor) / temperature)
        return float(-np.log(np.clip(p[np.arange(len(yy)), yy], 1e-12, 1.0)).mean())

    grid = np.exp(np.linspace(0.0, np.log(20.0), 61))
    return float(min(grid, key=nll))


def fit_temperature(logits: FloatArray, y: Sequence[int]) -> float:
    """The temperature ``T`` minimising the log loss of ``softmax(logits / T)`` (grid, then refine)."""
    yy = np.asarray(y)

    def nll(t: float) -> float:
        p = _softmax(logits / t)
        return float(-np.log(np.clip(p[np.arange(len(yy)), yy], 1e-12, 1.0)).mean())

    grid = np.exp(np.linspace(np.log(0.2), np.log(5.0), 81))
    best = float(min(grid, key=nll))
    fine = np.linspace(best * 0.95, best * 1.05, 41)
    return float(min(fine, key=nll))


def _fit(
    design: Design,
    rows: Sequence[Row],
    idx: Sequence[int],
    c_grid: Sequence[float],
    folds: int,
    prior: Mapping[str, float] | None = None,
) -> tuple[FloatArray, FloatArray, dict[str, Any]]:
    """Choose C by grouped CV on ``idx``, fit a temperature, fit on all of ``idx``, shift to ``prior``."""
    groups = [rows[i].vertical or rows[i].keyword.split(" ")[0] for i in idx]
    unique = sorted(set(groups))
    n_folds = min(folds, len(unique))
    fold_of = {g: k % n_folds for k, g in enumerate(unique)}
    y_true = [INTENT_ORDER.index(rows[i].intent) for i in idx]
    report: dict[str, Any] = {"cv_folds": n_folds, "cv_grouped_by": "vertical", "cv": {}}
    best: tuple[float, float, FloatArray, FloatArray] | None = None
    if n_folds >= 2:
        splits = []
        for k in range(n_folds):
            tr = [i for i, g in zip(idx, groups) if fold_of[g] != k]
            te = [p for p, g in enumerate(groups) if fold_of[g] == k]
            pos, lab, w = _expand(rows, tr)
            splits.append((te, design.matrix(pos), lab, w, design.matrix([idx[p] for p in te])))
        fits = _parallel_fits([(x_tr, lab, w, c) for c in c_grid for _, x_tr, lab, w, _ in splits])
        for n, c in enumerate(c_grid):
            oof = np.zeros((len(idx), len(INTENT_ORDER)))
            oof_icpt = np.zeros((len(idx), len(INTENT_ORDER)))
            for k, (te, _, _, _, x_te) in enumerate(splits):
                coef, icpt = fits[n * n_folds + k]
                oof[te] = x_te @ coef + icpt
                oof_icpt[te] = icpt
            score = macro_f1(_names(y_true), _names(oof.argmax(axis=1)))
            report["cv"][str(c)] = round(score, 4)
            if best is None or score > best[0]:
                best = (score, c, oof, oof_icpt)
    unknown = 1.0
    if best is None:
        c, temperature = c_grid[0], 1.0
    else:
        _, c, oof, oof_icpt = best
        temperature = fit_temperature(oof, y_true)
        probs = _softmax(oof / temperature)
        report["cv_macro_f1"] = round(best[0], 4)
        report["cv_ece"] = round(expected_calibration_error(probs, y_true), 4)
        silent = [p for p, i in enumerate(idx) if design.silent(i)]
        if silent:
            unknown = fit_unknown_temperature(
                oof_icpt[silent],
                oof[silent] - oof_icpt[silent],
                temperature,
                [y_true[p] for p in silent],
            )
            report["silent_rows"] = len(silent)
            report["unknown_temperature"] = round(unknown, 4)
    pos, lab, w = _expand(rows, idx)
    coef, icpt = _fit_lr(design.matrix(pos), lab, w, c)
    report["C"] = c
    report["temperature"] = round(temperature, 4)
    shift = np.zeros(len(INTENT_ORDER))
    if prior is not None:
        counts = np.bincount(y_true, minlength=len(INTENT_ORDER)) + 1.0
        shift = np.log(np.array([prior[i] for i in INTENT_ORDER]) / (counts / counts.sum()))
        report["prior_shift"] = {i: round(float(v), 4) for i, v in zip(INTENT_ORDER, shift)}
    report["unknown_temperature_value"] = unknown
    return coef / temperature, icpt / temperature + shift, report


def _fit_language(
    design: Design, rows: Sequence[Row], idx: Sequence[int], neutral: Sequence[bool] = ()
) -> tuple[FloatArray, float]:
    """Swedish-vs-English logistic regression; C chosen by 3-fold CV grouped by vertical.

    Language-neutral keywords (see :func:`language_neutral`) are left out: their label is the
    list's, not the text's.
    """
    from sklearn.linear_model import LogisticRegression

    keep = [i for i in idx if rows[i].lang in ("en", "sv") and not (neutral and neutral[i])]
    y = np.array([rows[i].lang == "sv" for i in keep], dtype=int)
    if len(set(y.tolist())) < 2:
        return np.zeros(len(design.features)), 0.0
    x = design.matrix(keep)
    groups = [rows[i].vertical or rows[i].keyword for i in keep]
    fold_of = {g: k % 3 for k, g in enumerate(sorted(set(groups)))}
    fold = np.array([fold_of[g] for g in groups])
    best_c, best = LANGUAGE_C_GRID[0], -1.0
    if len(fold_of) >= 3:
        for c in LANGUAGE_C_GRID:
            right = 0
            for k in range(3):
                tr, te = fold != k, fold == k
                if len(set(y[tr].tolist())) < 2:
                    continue
                m = LogisticRegression(C=c, max_iter=3000, tol=1e-6).fit(x[tr], y[tr])
                said = language_code(m.predict_proba(x[te])[:, 1], 1, VECTOR)
                right += int(np.sum(said == np.where(y[te] == 1, SV, EN)))
            if right > best:
                best_c, best = c, right
    clf = LogisticRegression(C=best_c, max_iter=3000, tol=1e-6).fit(x, y)
    return np.asarray(clf.coef_[0], dtype=np.float64), float(clf.intercept_[0])


@dataclass(frozen=True)
class HeldOut:
    """Predictions on the held-out split of a model trained by the same recipe on the rest."""

    train_rows: int
    rows: list[Row]
    probabilities: FloatArray
    """One row per held-out keyword, columns in intent order."""
    language: list[str]
    """``Classification.language`` of each held-out keyword."""
    neutral: list[bool]
    """Whether each held-out keyword is language-neutral (see :func:`language_neutral`)."""

    def scores(self) -> dict[str, Any]:
        """Macro-F1 and ECE per language and overall, and language accuracy, for the card."""
        probs = self.probabilities
        out: dict[str, Any] = {"rows": len(self.rows)}
        for language in ("en", "sv"):
            sel = [p for p, r in enumerate(self.rows) if r.lang == language]
            y = [INTENT_ORDER.index(self.rows[p].intent) for p in sel]
            out[language] = {
                "rows": len(sel),
                "macro_f1": round(macro_f1(_names(y), _names(probs[sel].argmax(axis=1))), 4),
                "ece": round(expected_calibration_error(probs[sel], y), 4) if sel else None,
            }
        y_all = [INTENT_ORDER.index(r.intent) for r in self.rows]
        out["macro_f1"] = round(macro_f1(_names(y_all), _names(probs.argmax(axis=1))), 4)
        out["ece"] = round(expected_calibration_error(probs, y_all), 4)
        lang = language_accuracy(self.language, [r.lang for r in self.rows], self.neutral)
        out.update(
            language_accuracy=_round(lang.accuracy),
            language_rows=lang.rows,
            language_neutral_rows=lang.neutral_rows,
            language_neutral_unknown=_round(lang.neutral_unknown),
            train_rows=self.train_rows,
        )
        return out


def predict_heldout(
    rows: Sequence[Row],
    lexicon: Lexicon,
    *,
    min_df: int = 2,
    c_grid: Sequence[float] = C_GRID,
    folds: int = 5,
    prior: Mapping[str, float] | None = None,
    shared_words: frozenset[str] = frozenset(),
) -> HeldOut | None:
    """Train on the rows :func:`heldout_split` keeps for training, predict the held-out ones.

    ``None`` when the split leaves either side empty.
    """
    tr, te = heldout_split(rows)
    if not tr or not te:
        return None
    neutral = [language_neutral(r.keyword, lexicon, shared_words) for r in rows]
    sub = [rows[i] for i in tr]
    design = Design(sub, lexicon, min_df)
    coef, icpt, report = _fit(design, sub, list(range(len(sub))), c_grid, folds, prior)
    lang_coef, lang_icpt = _fit_language(
        design, sub, list(range(len(sub))), [neutral[i] for i in tr]
    )
    test = [rows[i] for i in te]
    test_design = Design(test, lexicon, min_df, features=design.features)
    x = test_design.matrix(range(len(test)))
    weights = x @ coef
    silent = np.array([test_design.silent(i) for i in range(len(test))], dtype=bool)
    weights[silent] /= report["unknown_temperature_value"]
    p_sv = 1.0 / (1.0 + np.exp(-(x @ lang_coef + lang_icpt)))
    known = np.asarray(x.sum(axis=1)).ravel()
    said = [LANGUAGES[c] for c in language_code(p_sv, known, VECTOR).tolist()]
    return HeldOut(len(tr), test, _softmax(weights + icpt), said, [neutral[i] for i in te])


def _round(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _names(indices: Any) -> list[str]:
    return [INTENT_ORDER[k] for k in np.asarray(indices).tolist()]


def train(
    rows: Sequence[Row],
    lexicon: Lexicon,
    *,
    min_df: int = 2,
    c_grid: Sequence[float] = C_GRID,
    folds: int = 5,
    heldout: bool = True,
    prior: Mapping[str, float] | None = None,
    source: Mapping[str, Any] | None = None,
    shared_words: frozenset[str] = frozenset(),
    progress: bool | None = None,
) -> TrainResult:
    """Train a model from labelled rows; deterministic for the same rows, lexicon and settings.

    ``progress`` shows a bar over the fitting steps (held-out model, features, intent model,
    language model), as :meth:`~intentkit.IntentClassifier.classify_many` does: by default when
    tqdm is installed, there are 50,000 rows or more and it runs in a notebook or a terminal.

    ``prior`` shifts the intercepts to the intent shares expected where the model is used (see
    :data:`DEPLOYMENT_PRIOR`); ``None`` keeps the training data's own shares. ``source`` (what
    the rows were read from: ``path``, ``sha256``, ``column``) is recorded in the model, so a
    later intentkit can say how to rebuild it.
    """
    if len({r.intent for r in rows}) < 2:
        raise ValueError("training needs keywords of at least two intents")
    all_idx = list(range(len(rows)))
    neutral = [language_neutral(r.keyword, lexicon, shared_words) for r in rows]
    card: dict[str, Any] = {"rows": len(rows)}
    steps = ["held-out model"] * heldout + ["features", "intent model", "language model"]
    bar = Bar(progress, len(steps), "train", "step", size=len(rows))  # closes itself on error
    bar.update(0, steps[0])
    if heldout:
        held = predict_heldout(
            rows,
            lexicon,
            min_df=min_df,
            c_grid=c_grid,
            folds=folds,
            prior=prior,
            shared_words=shared_words,
        )
        if held is not None:
            card["heldout"] = held.scores()
        bar.update(1, "features")
    design = Design(rows, lexicon, min_df)
    bar.update(1, "intent model")
    coef, icpt, report = _fit(design, rows, all_idx, c_grid, folds, prior)
    bar.update(1, "language model")
    lang_coef, lang_icpt = _fit_language(design, rows, all_idx, neutral)
    bar.update(1, "done")
    bar.close()
    card["training"] = report
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "intents": list(INTENT_ORDER),
        "char_ngrams": list(CHAR_NGRAMS),
        "features_version": FEATURES_VERSION,
        "min_df": min_df,
        "C": report["C"],
        "temperature": report["temperature"],
        "unknown_temperature": report.pop("unknown_temperature_value"),
        "source": dict(source or {}),
    }
    model = Model(
        features=design.features,
        coef=coef,
        intercept=icpt,
        lang_coef=lang_coef,
        lang_intercept=lang_icpt,
        lexicon=lexicon,
        meta=meta,
    )
    return TrainResult(model=model, card=card)


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries a training run used."""
    import pydantic
    import scipy
    import sklearn

    return {
        "python": platform.python_version(),
        "intentkit": __version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "pydantic": pydantic.__version__,
    }


def train_directory(
    data_dir: Path, out_dir: Path, *, heldout: bool = True, evaluate: Sequence[Path] = ()
) -> dict[str, Any]:
    """Train from ``data_dir`` (``keywords/`` and ``lexicons/``) and write model and card to ``out_dir``.

    Each file in ``evaluate`` (a labelled export, for example Semrush's) is scored with the new
    model and its headline numbers recorded in the card; it is never trained on.
    """
    rows = read_dataset(data_dir)
    lexicon = read_lexicon(data_dir)
    digest = data_digest(data_dir)
    result = train(
        rows,
        lexicon,
        heldout=heldout,
        prior=DEPLOYMENT_PRIOR,
        source={"path": str(data_dir), "sha256": digest},
        shared_words=read_shared_words(data_dir),
    )
    if evaluate:
        from intentkit._classifier import IntentClassifier
        from intentkit._evaluate import score_file

        out_dir.mkdir(parents=True, exist_ok=True)
        scratch = out_dir / ".evaluation.npz"
        result.model.save(scratch)
        try:
            clf = IntentClassifier(model=scratch)
            result.card["evaluation"] = [score_file(p, clf).card() for p in evaluate]
        finally:
            scratch.unlink(missing_ok=True)
    return _write(result, rows, out_dir, digest)


def train_file(
    path: Path,
    out_dir: Path,
    *,
    column: str | None = None,
    from_scratch: bool = False,
    base: Path | None = None,
    heldout: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Train from one labelled file (ours or a tool's export); write model and card to ``out_dir``.

    By default the base model (``base``, or the shipped one) is adapted to the file's labels
    (:mod:`intentkit._adapt`): it keeps what it knows (local searches, Swedish, the language of
    a keyword) and takes seconds; the card records the file, the weight chosen and a held-out
    score of the file's own rows (``heldout`` false leaves the score out and chooses the weight
    on all rows). The card's training keywords are the file's, and the base model's when its
    card lists them. ``from_scratch`` trains a new model from the file's rows alone with the
    base model's lexicon, as intentkit did before: only what the file teaches, and minutes for
    tens of thousands of rows.

    Multi-intent rows are labelled with their most specific intent and keep the next one as the
    second intent (see :mod:`intentkit._labels`). From scratch, the file's own intent shares are
    kept as the prior (a user's labelled export already reflects the keywords they label) and
    cross-validation groups keywords by their first word, since an export has no verticals.
    ``progress`` is called with a short line at each step.
    """
    from intentkit._classifier import default_model_path, load_cached, read_card
    from intentkit._labels import read_labelled

    say = progress or _silent
    say(f"reading {path}")
    rows = [
        Row(
            keyword=r.keyword,
            intent=r.intents[0],
            intent2=r.intents[1] if len(r.intents) > 1 else "",
        )
        for r in read_labelled(path, column=column)
    ]
    if not rows:
        raise ValueError(f"{path}: no labelled keywords found")
    base_model = load_cached(_model_file(base))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    source = {
        "path": str(path.resolve()),
        "sha256": digest,
        "column": column or "",
        "method": "from-scratch" if from_scratch else "adapted",
    }
    user_file = {"name": path.name, "sha256": digest, "rows": len(rows), "column": column or ""}
    if from_scratch:
        say(f"training from scratch on {len(rows):,} keywords (minutes for large files)")
        result = train(rows, base_model.lexicon, heldout=False, source=source)
        result.card["user_file"] = user_file
        result.card["method"] = "from-scratch"
        keys = overlap.card_entry(r.keyword for r in rows)
    else:
        from intentkit._adapt import adapt

        adapted = adapt(base_model, rows, heldout=heldout, progress=say)
        model = adapted.model
        meta = {**model.meta, "source": source, "adapted_from": base_model.version}
        model = Model(
            model.features,
            model.coef,
            model.intercept,
            model.lang_coef,
            model.lang_intercept,
            model.lexicon,
            meta,
        )
        report = adapted.report
        held = report.pop("heldout", None)
        result = TrainResult(model=model, card={"user_file": user_file, "adaptation": report})
        if held is not None:
            result.card["heldout"] = held
        base_card = read_card(_model_file(base) or default_model_path()) or {}
        same = base_card.get("model_version") == base_model.version
        keys = overlap.merged(
            overlap.card_entry(r.keyword for r in rows),
            base_card.get("training_keywords") if same else None,
        )
    say(f"writing {out_dir}")
    return _write(result, rows, out_dir, digest, keys)


def _silent(message: str) -> None:
    """A progress callback that says nothing."""


def _model_file(path: Path | None) -> Path | None:
    """A model path as given, or the model file inside it when it is a folder."""
    from intentkit._classifier import model_file

    return model_file(path) if path is not None else None


def _write(
    result: TrainResult,
    rows: Sequence[Row],
    out_dir: Path,
    digest: str,
    keys: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    sha = result.model.save(out_dir / "intentkit.npz")
    counts = Counter((r.lang or "?", r.intent) for r in rows)
    card = {
        "model_version": result.model.version,
        "created": _dt.date.today().isoformat(),
        "file": "intentkit.npz",
        "sha256": sha,
        "size_bytes": (out_dir / "intentkit.npz").stat().st_size,
        "features": len(result.model.features),
        "training_data": {
            "sha256": digest,
            "rows": len(rows),
            "per_language_intent": {f"{lang}/{it}": n for (lang, it), n in sorted(counts.items())},
            "verticals": len({r.vertical for r in rows if r.vertical}),
        },
        "libraries": library_versions(),
        **{k: v for k, v in result.card.items() if k != "rows"},
        "training_keywords": dict(keys or overlap.card_entry(r.keyword for r in rows)),
    }
    tmp = out_dir / "model-card.json.tmp"
    tmp.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out_dir / "model-card.json")
    return card
