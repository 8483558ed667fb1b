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

import csv
import datetime as _dt
import hashlib
import itertools
import json
import platform
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from intentkit._features import (
    _DOMAIN,
    CHAR_NGRAMS,
    FEATURES_VERSION,
    MAX_PHRASE_TOKENS,
    Featurizer,
    Lexicon,
)
from intentkit._model import (
    FORMAT,
    FORMAT_VERSION,
    INTENT_ORDER,
    LANGUAGE_MARGIN,
    FloatArray,
    Model,
)
from intentkit._text import fold, tokenize
from intentkit._version import __version__

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
C_GRID = (0.25, 0.5, 1.0, 2.0)
HELDOUT_SHARE = 0.2
KEYWORD_HEADER = ["keyword", "intent", "intent2", "lang", "vertical", "source"]


@dataclass(frozen=True)
class Row:
    """One labelled keyword."""

    keyword: str
    intent: str
    intent2: str = ""
    lang: str = ""
    vertical: str = ""
    source: str = ""


@dataclass
class TrainResult:
    """What :func:`train` produced: the model and its card."""

    model: Model
    card: dict[str, Any] = field(default_factory=dict)


def read_rows(path: Path) -> list[Row]:
    """Read a labelled keyword TSV in the project's format; ``ValueError`` names file and line."""
    rows: list[Row] = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header != KEYWORD_HEADER:
            raise ValueError(f"{path}:1: header must be {' '.join(KEYWORD_HEADER)} (tab-separated)")
        for cols in reader:
            where = f"{path}:{reader.line_num}"
            if len(cols) != len(KEYWORD_HEADER):
                raise ValueError(
                    f"{where}: expected {len(KEYWORD_HEADER)} columns, got {len(cols)}"
                )
            row = Row(*cols)
            if row.intent not in INTENT_ORDER or (row.intent2 and row.intent2 not in INTENT_ORDER):
                raise ValueError(f"{where}: unknown intent in {cols[1:3]}")
            rows.append(row)
    return rows


def read_dataset(data_dir: Path) -> list[Row]:
    """All labelled rows under ``data_dir/keywords``, files in sorted order, duplicates dropped."""
    files = sorted((data_dir / "keywords").rglob("*.tsv"))
    if not files:
        raise ValueError(f"{data_dir / 'keywords'}: no labelled .tsv files found")
    seen: set[str] = set()
    rows: list[Row] = []
    for path in files:
        for row in read_rows(path):
            if row.keyword not in seen:
                seen.add(row.keyword)
                rows.append(row)
    return rows


def _tsv_column(path: Path, *columns: str) -> list[tuple[str, ...]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}:1: missing columns {missing}")
        return [tuple(r[c] or "" for c in columns) for r in reader]


def read_lexicon(data_dir: Path) -> Lexicon:
    """Brands (names and domains), places, intent and stage cues, noun kinds from ``data_dir/lexicons``."""
    lex = data_dir / "lexicons"
    brands: list[str] = []
    places: list[str] = []
    cues: list[tuple[str, str]] = []
    if (lex / "brands.tsv").is_file():
        for name, domain in _tsv_column(lex / "brands.tsv", "name", "domain"):
            brands.append(name)
            if domain:
                brands.append(domain)
    if (lex / "places.tsv").is_file():
        places = [name for (name,) in _tsv_column(lex / "places.tsv", "name")]
    if (lex / "cues.tsv").is_file():
        cues = [(c, i) for c, i in _tsv_column(lex / "cues.tsv", "cue", "intent")]
    stage_cues: list[tuple[str, str]] = []
    if (lex / "stage_cues.tsv").is_file():
        stage_cues = [(c, k) for c, k in _tsv_column(lex / "stage_cues.tsv", "cue", "kind")]
    kinds: list[tuple[str, str]] = []
    if (lex / "products.tsv").is_file():
        for term, plural, definite, kind in _tsv_column(
            lex / "products.tsv", "term", "plural", "definite", "kind"
        ):
            kinds += [(form, kind) for form in (term, plural, definite) if form]
    cue_keys = {Lexicon.key(c) for c, _ in cues}
    # A brand spelled like a cue word ("support", "app") would hide the cue from the bigrams.
    brands = [b for b in brands if Lexicon.key(b) not in cue_keys and len(Lexicon.key(b)) > 1]
    return Lexicon.build(brands, places, cues, stage_cues, kinds)


def read_shared_words(data_dir: Path) -> frozenset[str]:
    """Words typed alike in English and Swedish searches (``data_dir/lexicons/shared_words.tsv``)."""
    path = data_dir / "lexicons" / "shared_words.tsv"
    if not path.is_file():
        return frozenset()
    return frozenset(Lexicon.key(w) for (w,) in _tsv_column(path, "word"))


def language_neutral(keyword: str, lexicon: Lexicon, shared: frozenset[str]) -> bool:
    """Whether a keyword carries no sign of its language.

    It does not when it is only brands, places, domains, numbers, model codes and words typed
    alike in both languages ("strava", "teams vs zoom", "pizza malmö", "iphone 15 pro").

    Such keywords keep the language of the list they were written for, but that label is not
    learnable from the text: the language model is not trained on them, and the language accuracy
    is measured without them (a good answer for them is ``unknown``).
    """
    tokens = [fold(t) for t in tokenize(keyword)]
    i = 0
    while i < len(tokens):
        for m in range(min(MAX_PHRASE_TOKENS, len(tokens) - i), 0, -1):
            phrase = " ".join(tokens[i : i + m])
            if phrase in lexicon.brands or phrase in lexicon.places:
                i += m
                break
        else:
            t = tokens[i]
            if t in shared or _DOMAIN.fullmatch(t) or any(c.isdigit() for c in t):
                i += 1
            else:
                return False
    return True


def data_digest(data_dir: Path) -> str:
    """SHA-256 over every training file (keywords and lexicons), path and bytes, sorted by path."""
    h = hashlib.sha256()
    for path in sorted((data_dir / "keywords").rglob("*.tsv")) + sorted(
        (data_dir / "lexicons").glob("*.tsv")
    ):
        h.update(path.relative_to(data_dir).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


class _Design:
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
            known = _known_elsewhere(rows)
            names = [feat.features(r.keyword, k) for r, k in zip(rows, known)]
        else:
            seen = frozenset(fold(f[2:]) for f in features if f.startswith("w:"))
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


def _known_elsewhere(rows: Sequence[Row]) -> list[frozenset[str]]:
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
        w = 1.0 if rows[i].source in ("hand", "") else TEMPLATE_WEIGHT
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


def _macro_f1(y: Sequence[int], pred: Sequence[int]) -> float:
    f1s = []
    for k in sorted(set(y)):
        tp = sum(1 for a, b in zip(y, pred) if a == k and b == k)
        fp = sum(1 for a, b in zip(y, pred) if a != k and b == k)
        fn = sum(1 for a, b in zip(y, pred) if a == k and b != k)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f1s)) if f1s else 0.0


def _softmax(z: FloatArray) -> FloatArray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


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


def expected_calibration_error(probs: FloatArray, y: Sequence[int], bins: int = 15) -> float:
    """ECE of the top-label confidence over equal-width bins."""
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == np.asarray(y)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            ece += mask.mean() * abs(conf[mask].mean() - correct[mask].mean())
    return float(ece)


def _fit(
    design: _Design,
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
    best: tuple[float, float, FloatArray] | None = None
    for c in c_grid:
        oof = np.zeros((len(idx), len(INTENT_ORDER)))
        if n_folds < 2:
            break
        for k in range(n_folds):
            tr = [i for i, g in zip(idx, groups) if fold_of[g] != k]
            te = [p for p, g in enumerate(groups) if fold_of[g] == k]
            pos, lab, w = _expand(rows, tr)
            coef, icpt = _fit_lr(design.matrix(pos), lab, w, c)
            oof[te] = design.matrix([idx[p] for p in te]) @ coef + icpt
        score = _macro_f1(y_true, list(oof.argmax(axis=1)))
        report["cv"][str(c)] = round(score, 4)
        if best is None or score > best[0]:
            best = (score, c, oof)
    if best is None:
        c, temperature = c_grid[0], 1.0
    else:
        _, c, oof = best
        temperature = fit_temperature(oof, y_true)
        probs = _softmax(oof / temperature)
        report["cv_macro_f1"] = round(best[0], 4)
        report["cv_ece"] = round(expected_calibration_error(probs, y_true), 4)
    pos, lab, w = _expand(rows, idx)
    coef, icpt = _fit_lr(design.matrix(pos), lab, w, c)
    report["C"] = c
    report["temperature"] = round(temperature, 4)
    shift = np.zeros(len(INTENT_ORDER))
    if prior is not None:
        counts = np.bincount(y_true, minlength=len(INTENT_ORDER)) + 1.0
        shift = np.log(np.array([prior[i] for i in INTENT_ORDER]) / (counts / counts.sum()))
        report["prior_shift"] = {i: round(float(v), 4) for i, v in zip(INTENT_ORDER, shift)}
    return coef / temperature, icpt / temperature + shift, report


LANGUAGE_C_GRID = (1.0, 3.0, 10.0)


def _fit_language(
    design: _Design, rows: Sequence[Row], idx: Sequence[int], neutral: Sequence[bool] = ()
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
                p = m.predict_proba(x[te])[:, 1]
                right += int(np.sum((p >= 0.5 + LANGUAGE_MARGIN) & (y[te] == 1)))
                right += int(np.sum((p <= 0.5 - LANGUAGE_MARGIN) & (y[te] == 0)))
            if right > best:
                best_c, best = c, right
    clf = LogisticRegression(C=best_c, max_iter=3000, tol=1e-6).fit(x, y)
    return np.asarray(clf.coef_[0], dtype=np.float64), float(clf.intercept_[0])


def heldout_split(rows: Sequence[Row]) -> tuple[list[int], list[int]]:
    """Split by topic, not by row: whole verticals and whole templates are held out.

    A vertical or template is held out when the first byte of the SHA-256 of its name falls in
    the lowest :data:`HELDOUT_SHARE` of the range. Held-out rows come from held-out verticals and
    are hand-written or from held-out templates; training rows from neither; the rest are unused.
    """

    def held(name: str) -> bool:
        return hashlib.sha256(name.encode()).digest()[0] < 256 * HELDOUT_SHARE

    train, test = [], []
    for i, r in enumerate(rows):
        templ = r.source if r.source != "hand" else ""
        v_held = held("vertical:" + r.vertical)
        t_held = bool(templ) and held("template:" + templ)
        if v_held and (not templ or t_held):
            test.append(i)
        elif not v_held and not t_held:
            train.append(i)
    return train, test


def _scores(
    coef: FloatArray,
    icpt: FloatArray,
    lang: tuple[FloatArray, float],
    design: _Design,
    rows: Sequence[Row],
    idx: Sequence[int],
    neutral: Sequence[bool] = (),
) -> dict[str, Any]:
    x = design.matrix(idx)
    probs = _softmax(x @ coef + icpt)
    p_sv = 1.0 / (1.0 + np.exp(-(x @ lang[0] + lang[1])))
    said = np.where(
        p_sv >= 0.5 + LANGUAGE_MARGIN,
        "sv",
        np.where(p_sv <= 0.5 - LANGUAGE_MARGIN, "en", "unknown"),
    )
    out: dict[str, Any] = {"rows": len(idx)}
    for language in ("en", "sv"):
        sel = [p for p, i in enumerate(idx) if rows[i].lang == language]
        y = [INTENT_ORDER.index(rows[idx[p]].intent) for p in sel]
        out[language] = {
            "rows": len(sel),
            "macro_f1": round(_macro_f1(y, list(probs[sel].argmax(axis=1))), 4),
            "ece": round(expected_calibration_error(probs[sel], y), 4) if sel else None,
        }
    y_all = [INTENT_ORDER.index(rows[i].intent) for i in idx]
    out["macro_f1"] = round(_macro_f1(y_all, list(probs.argmax(axis=1))), 4)
    out["ece"] = round(expected_calibration_error(probs, y_all), 4)
    out.update(
        language_scores(
            said.tolist(),
            [rows[i].lang for i in idx],
            [neutral[i] for i in idx] if neutral else [False] * len(idx),
        )
    )
    return out


def language_scores(
    said: Sequence[str], truth: Sequence[str], neutral: Sequence[bool]
) -> dict[str, Any]:
    """Language accuracy on keywords that show their language, and neutral keywords' ``unknown`` share.

    Accuracy is that of ``Classification.language``: ``unknown`` counts as wrong.
    """
    scored = [s == t for s, t, n in zip(said, truth, neutral) if not n and t in ("en", "sv")]
    free = [s == "unknown" for s, n in zip(said, neutral) if n]
    return {
        "language_accuracy": round(float(np.mean(scored)), 4) if scored else None,
        "language_rows": len(scored),
        "language_neutral_rows": len(free),
        "language_neutral_unknown": round(float(np.mean(free)), 4) if free else None,
    }


def train(
    rows: Sequence[Row],
    lexicon: Lexicon,
    *,
    min_df: int = 2,
    c_grid: Sequence[float] = C_GRID,
    folds: int = 5,
    heldout: bool = True,
    prior: Mapping[str, float] | None = None,
    extra_meta: dict[str, Any] | None = None,
    shared_words: frozenset[str] = frozenset(),
) -> TrainResult:
    """Train a model from labelled rows; deterministic for the same rows, lexicon and settings.

    ``prior`` shifts the intercepts to the intent shares expected where the model is used (see
    :data:`DEPLOYMENT_PRIOR`); ``None`` keeps the training data's own shares.
    """
    if len({r.intent for r in rows}) < 2:
        raise ValueError("training needs keywords of at least two intents")
    all_idx = list(range(len(rows)))
    neutral = [language_neutral(r.keyword, lexicon, shared_words) for r in rows]
    card: dict[str, Any] = {"rows": len(rows), **(extra_meta or {})}
    if heldout:
        tr, te = heldout_split(rows)
        if tr and te:
            design = _Design([rows[i] for i in tr], lexicon, min_df)
            sub = [rows[i] for i in tr]
            coef, icpt, _ = _fit(design, sub, list(range(len(sub))), c_grid, folds, prior)
            lang = _fit_language(design, sub, list(range(len(sub))), [neutral[i] for i in tr])
            test = [rows[i] for i in te]
            test_design = _Design(test, lexicon, min_df, features=design.features)
            card["heldout"] = _scores(
                coef, icpt, lang, test_design, test, list(range(len(te))), [neutral[i] for i in te]
            )
            card["heldout"]["train_rows"] = len(tr)
    design = _Design(rows, lexicon, min_df)
    coef, icpt, report = _fit(design, rows, all_idx, c_grid, folds, prior)
    lang_coef, lang_icpt = _fit_language(design, rows, all_idx, neutral)
    card["training"] = report
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_version": (extra_meta or {}).get("model_version", __version__),
        "intents": list(INTENT_ORDER),
        "char_ngrams": list(CHAR_NGRAMS),
        "features_version": FEATURES_VERSION,
        "min_df": min_df,
        "C": report["C"],
        "temperature": report["temperature"],
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
    version = f"{__version__}+data.{digest[:10]}"
    result = train(
        rows,
        lexicon,
        heldout=heldout,
        prior=DEPLOYMENT_PRIOR,
        extra_meta={"model_version": version},
        shared_words=read_shared_words(data_dir),
    )
    if evaluate:
        from intentkit._classifier import IntentClassifier
        from intentkit._evaluate import summary_scores

        out_dir.mkdir(parents=True, exist_ok=True)
        scratch = out_dir / ".evaluation.npz"
        result.model.save(scratch)
        try:
            clf = IntentClassifier(model=scratch)
            result.card["evaluation"] = [summary_scores(p, clf) for p in evaluate]
        finally:
            scratch.unlink(missing_ok=True)
    return _write(result, rows, out_dir, version, digest)


def train_file(path: Path, out_dir: Path, *, column: str | None = None) -> dict[str, Any]:
    """Train from one labelled file (ours or a tool's export) with the shipped model's lexicon.

    Multi-intent rows are labelled with their most specific intent and keep the next one as the
    second intent (see :mod:`intentkit._labels`). The file's own intent shares are kept as the
    prior: a user's labelled export already reflects the keywords they label. Cross-validation groups keywords by their first
    word, since an export has no verticals.
    """
    from intentkit._classifier import _load_cached
    from intentkit._labels import read_labelled

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
    lexicon = _load_cached(None).lexicon
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    version = f"{__version__}+{path.stem}.{digest[:10]}"
    result = train(rows, lexicon, heldout=False, extra_meta={"model_version": version})
    return _write(result, rows, out_dir, version, digest)


def _write(
    result: TrainResult, rows: Sequence[Row], out_dir: Path, version: str, digest: str
) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    sha = result.model.save(out_dir / "intentkit.npz")
    counts = Counter((r.lang or "?", r.intent) for r in rows)
    card = {
        "model_version": version,
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
        **{k: v for k, v in result.card.items() if k not in ("rows", "model_version")},
    }
    tmp = out_dir / "model-card.json.tmp"
    tmp.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out_dir / "model-card.json")
    return card
