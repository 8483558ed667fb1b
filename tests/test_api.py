"""The public API: types, inputs, batch equivalence, lazy and thread-safe loading, explanations."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import random_keywords

import intentkit
from intentkit import Classification, Intent, IntentClassifier
from intentkit import _classifier as clf_module
from intentkit._text import tokenize

KEYWORDS = [
    "how to buy",
    "best login",
    "",
    "   ",
    "netflix",
    "pizza malmö",
    "köpa skor",
    "!!!",
    "how how how best",
    "x" * 2000,
]


def test_public_names() -> None:
    assert set(intentkit.__all__) >= {
        "Classification",
        "Explanation",
        "FeatureContribution",
        "Intent",
        "IntentClassifier",
        "__version__",
        "classify",
        "classify_many",
        "explain",
    }
    assert [i.value for i in Intent] == [
        "informational",
        "commercial",
        "transactional",
        "navigational",
        "local",
    ]
    assert Intent("local") is Intent.LOCAL and isinstance(Intent.LOCAL, str)


def test_classification_is_frozen_and_serialises(tiny_path: Path) -> None:
    result = IntentClassifier(model=tiny_path).classify("how to buy")
    with pytest.raises(ValueError):
        result.intent = Intent.LOCAL  # type: ignore[misc]
    data = json.loads(result.model_dump_json())
    assert set(data) >= {"keyword", "intent", "confidence", "probabilities", "model_version"}
    assert list(data["probabilities"]) == [i.value for i in Intent]
    assert sum(data["probabilities"].values()) == pytest.approx(1.0, abs=1e-9)
    assert Classification.model_validate_json(result.model_dump_json()) == result


@pytest.mark.parametrize("keyword", ["", " ", "\t\n", "!!!", "... ---"])
def test_empty_keywords_give_documented_result(tiny_path: Path, keyword: str) -> None:
    result = IntentClassifier(model=tiny_path).classify(keyword)
    assert result.keyword == keyword
    assert result.intent is None
    assert result.confidence == 0.0
    assert result.secondary == []
    assert result.language == "unknown"
    assert list(result.probabilities.values()) == [0.2] * 5


@pytest.mark.parametrize("bad", [None, 123, b"bytes", 4.5, ["list"]])
def test_wrong_types_raise_type_error(tiny_path: Path, bad: object) -> None:
    clf = IntentClassifier(model=tiny_path)
    with pytest.raises(TypeError, match="keyword must be str"):
        clf.classify(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="position 1 must be str"):
        clf.classify_many(["ok", bad])  # type: ignore[list-item]


def test_classify_many_rejects_a_single_string(tiny_path: Path) -> None:
    with pytest.raises(TypeError, match="not a single string"):
        IntentClassifier(model=tiny_path).classify_many("netflix")


def test_classify_many_equals_classify_in_order(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    many = clf.classify_many(KEYWORDS)
    assert len(many) == len(KEYWORDS)
    for i, kw in enumerate(KEYWORDS):
        assert many[i] == clf.classify(kw)
        assert many[i].keyword == kw


def _gen() -> Iterator[str]:
    yield from KEYWORDS


@pytest.mark.parametrize(
    "container",
    [list, tuple, lambda xs: _gen(), lambda xs: np.array(xs, dtype=object), np.array],
    ids=["list", "tuple", "generator", "numpy-object", "numpy-str"],
)
def test_classify_many_accepts_iterables(tiny_path: Path, container: object) -> None:
    clf = IntentClassifier(model=tiny_path)
    expected = clf.classify_many(KEYWORDS)
    got = clf.classify_many(container(KEYWORDS))  # type: ignore[operator]
    assert [r.probabilities for r in got] == [r.probabilities for r in expected]
    assert [r.keyword for r in got] == KEYWORDS


def test_classify_many_accepts_pandas_series(tiny_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    clf = IntentClassifier(model=tiny_path)
    series = pd.Series(KEYWORDS, index=range(100, 100 + len(KEYWORDS)))
    got = clf.classify_many(series)
    assert [r.keyword for r in got] == KEYWORDS


def test_classify_many_spans_chunks_without_loss(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clf_module, "CHUNK_SIZE", 3)
    clf = IntentClassifier(model=tiny_path)
    xs = [f"{w} {i}" for i, w in enumerate(["how", "best", "buy", "login", ""] * 7)]
    got = clf.classify_many(iter(xs))
    assert [r.keyword for r in got] == xs
    assert got == [clf.classify(x) for x in xs]


def test_classify_many_scores_each_chunk_once(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intentkit._scorer import Batch, Scorer

    monkeypatch.setattr(clf_module, "CHUNK_SIZE", 4)
    clf = IntentClassifier(model=tiny_path)
    calls: list[int] = []
    original = Scorer.scores

    def counting(self: Scorer, batch: Batch) -> object:
        calls.append(batch.n)
        return original(self, batch)

    monkeypatch.setattr(Scorer, "scores", counting)
    clf.classify_many(["how"] * 10)
    assert calls == [4, 4, 2]


def test_fast_path_equals_reference_path(tiny_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from intentkit import _scorer

    keywords = random_keywords(400, seed=3)
    for limit in (0, 3, 10_000):  # no cache, a tiny cache that fills up, a big one
        monkeypatch.setattr(_scorer, "TOKEN_CACHE_LIMIT", limit)
        clf = IntentClassifier(model=tiny_path)
        fast = clf.classify_many(keywords)
        state = clf._loaded()
        model, featurizer = state.model, state.featurizer
        rows = [featurizer.indices(k) for k in keywords]
        logits, _ = model.scores([r[0] if r else [] for r in rows])
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        reference = exp / exp.sum(axis=1, keepdims=True)
        got = np.array([list(r.probabilities.values()) for r in fast])
        assert np.abs(got - reference).max() < 1e-9


def test_explain_contributions_sum_to_logits(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    for kw in ["how to buy netflix", "köpa köpa", "pizza malmö", "zzz"]:
        e = clf.explain(kw)
        result = clf.classify(kw)
        assert e.intent == result.intent
        logits = []
        for intent in Intent:
            total = e.bias[intent] + sum(f.contributions[intent] for f in e.features)
            assert total == pytest.approx(e.logits[intent], abs=1e-12)
            logits.append(e.logits[intent])
        exp = np.exp(np.array(logits) - max(logits))
        assert list(exp / exp.sum()) == pytest.approx(
            list(result.probabilities.values()), abs=1e-12
        )
    counted = clf.explain("buy buy")
    assert {f.feature: f.count for f in counted.features}["w:buy"] == 2


def test_model_is_loaded_once_under_concurrent_first_calls(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[Path] = []
    original = clf_module.load_model

    def slow_load(path: Path, **kw: object) -> object:
        loads.append(path)
        threading.Event().wait(0.05)
        return original(path, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(clf_module, "load_model", slow_load)
    monkeypatch.setattr(clf_module, "_models", {})
    clf = IntentClassifier(model=tiny_path)
    barrier = threading.Barrier(8)
    results: list[Classification] = []

    def work() -> None:
        barrier.wait()
        results.append(clf.classify("how to buy"))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1
    assert len(results) == 8 and len({r.model_dump_json() for r in results}) == 1


def test_import_is_lazy() -> None:
    code = (
        "import sys, intentkit\n"
        "heavy = [m for m in ('sklearn', 'scipy', 'numpy', 'pandas', 'tqdm', 'intentkit._model')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_first_classification_never_imports_sklearn(tiny_path: Path) -> None:
    code = (
        "import sys, intentkit\n"
        f"intentkit.IntentClassifier(model={str(tiny_path)!r}).classify('how to buy')\n"
        "print('sklearn' in sys.modules, 'intentkit._model' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_options_are_keyword_only(tiny_path: Path) -> None:
    with pytest.raises(TypeError):
        IntentClassifier(tiny_path)  # type: ignore[misc]
    with pytest.raises(TypeError, match="brands"):
        IntentClassifier(brands="acme")
    assert "brands=0" in repr(IntentClassifier(model=tiny_path))


def test_eight_threads_match_sequential_results(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clf_module, "_models", {})
    words = ["how", "best", "buy", "login", "köpa", "netflix", "malmö", "pizza", "zz", ""]
    batches = [
        [f"{words[(i * j) % 10]} {words[(i + j) % 10]} {i}" for j in range(300)] for i in range(8)
    ]
    expected = [IntentClassifier(model=tiny_path).classify_many(b) for b in batches]
    shared = IntentClassifier(model=tiny_path)  # loaded lazily by the threads themselves
    got: dict[int, list[Classification]] = {}
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        barrier.wait()
        if i % 2:
            got[i] = shared.classify_many(batches[i])
        else:
            got[i] = [shared.classify(k) for k in batches[i]]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[i] for i in range(8)] == expected


def test_token_cache_is_bounded(tiny_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from intentkit import _scorer

    monkeypatch.setattr(_scorer, "TOKEN_CACHE_LIMIT", 50)
    clf = IntentClassifier(model=tiny_path)
    keywords = [f"token{i} buy" for i in range(1000)]
    first = clf.classify_many(keywords)
    scorer = clf._loaded().scorer
    assert len(scorer._tokens) == 50
    assert clf.classify_many(keywords) == first


def test_fast_construction_equals_validated_model(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    for r in clf.classify_many(["how to buy", "netflix login", "pizza malmö", ""]):
        validated = Classification.model_validate(r.model_dump())
        assert validated == r
        assert validated.model_dump_json() == r.model_dump_json()
        assert r.model_fields_set == validated.model_fields_set
        assert r.model_copy(update={"keyword": "x"}).keyword == "x"


def test_shipped_model_works_from_any_directory(tmp_path: Path) -> None:
    code = (
        "import intentkit; r = intentkit.classify('netflix login'); print(r.intent.value, r.stage)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert out.stdout.split() == ["navigational", "retention"]
    code = "import intentkit; print(intentkit.classify('netflix').stage)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert out.stdout.strip() == "conversion"


def test_fast_path_equals_reference_path_on_the_shipped_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every column the scorer sums (intents, language, feature count) and the cue bits, on real keywords.

    Golden and stage keywords, plus shuffles of their tokens so multi-word places, brands and
    cues land at every position, with a user's own brand and place, and with the cache full.
    """
    from intentkit import _scorer
    from intentkit._features import cue_bits

    root = Path(__file__).resolve().parent.parent
    keywords: list[str] = []
    for path in (
        root / "tests" / "data" / "golden.tsv",
        root / "benchmarks" / "data" / "stages.tsv",
    ):
        keywords += [
            line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()[1:]
        ]
    tokens = [
        *" ".join(keywords).split(),
        "new",
        "york",
        "near",
        "me",
        "mina",
        "sidor",
        "acme",
        "tumba",
        "boots",  # names that are also words: their class depends on the neighbours
        "orange",
        "opening",
        "hours",
        "in",
        "login",
        "towels",
        "marsvinsbur",  # an unknown compound: the class of its head
        "slott",  # attraction heads: a name before one makes an attraction
        "castle",
        "gamla",
        "zammadq",  # rare words, in the __rare__ class
        "frobnicate",
        "20kgq",  # a number with a unit and a model code, in classes of their own
        "qx9000",
    ]
    rng = np.random.default_rng(7)
    keywords += [" ".join(rng.choice(tokens, size=rng.integers(1, 8))) for _ in range(3000)]
    keywords += [  # attractions: a name before a head, a user's place and brand, heads in a row
        *("zammadq slott", "tumba slott", "acme castle", "zammadq slott slott", "slott zammadq"),
        *("new york castle", "castle zammadq slott", "boots castle", "gamla slott", "x slott"),
    ]
    for limit in (100, 200_000):
        monkeypatch.setattr(_scorer, "TOKEN_CACHE_LIMIT", limit)
        clf = IntentClassifier(brands=["acme", "acme corp"], places=["tumba"])
        state = clf._loaded()
        model, featurizer, scorer = state.model, state.featurizer, state.scorer
        batch = scorer.encode_many(keywords)  # new tokens worked out as a batch
        fast = scorer.scores(batch)
        for k, row, batch_cues in zip(keywords, fast, batch.cues.tolist()):
            e = scorer.encode(k)  # ... and one by one
            assert e is not None
            assert scorer.score_one(e) == row.tolist()
            idx, cues = featurizer.indices(k) or ([], 0)
            silent = model.scoring_weights()[idx, -1].sum()
            reference = np.r_[
                model.coef[idx].sum(axis=0), model.lang_coef[idx].sum(), len(idx), silent
            ]
            assert np.abs(row - reference).max() < 1e-9, k
            assert (
                batch_cues == e.cues == cues == cue_bits(featurizer.context_features(tokenize(k)))
            )


def golden_words() -> list[str]:
    """Every word of the golden file's keywords (with repeats), for random real-looking keywords."""
    golden = Path(__file__).resolve().parent / "data" / "golden.tsv"
    lines = golden.read_text(encoding="utf-8").splitlines()[1:]
    return " ".join(line.split("\t")[0] for line in lines).split()


def test_batch_equals_single_bit_for_bit_on_the_shipped_model() -> None:
    """A batch of thousands and a batch of one run the same vectorised code: identical results."""
    xs = random_keywords(5000, seed=11, words=golden_words(), longest=5)
    # Keywords without tokens, punctuation, non-ASCII, new and very long ones, among the rest.
    odd = ["", "  ", "!!", "Köp SKOR!", "near me", "x" * 600, "how to how to", "zq9 wxq"]
    xs = [x for pair in zip(xs, odd * 625) for x in pair]
    clf = IntentClassifier(framework="five_as")
    assert clf.classify_many(xs) == [clf.classify(x) for x in xs]


def test_secondary_lists_the_other_likely_intents_most_likely_first() -> None:
    from intentkit.types import SECONDARY_THRESHOLD

    clf = IntentClassifier()
    results = clf.classify_many(random_keywords(3000, seed=5, words=golden_words(), longest=4))
    counts = {len(r.secondary) for r in results}
    assert {0, 1, 2} <= counts  # the set exercises lists of several lengths
    for r in results:
        expected = sorted(
            (i for i in Intent if i != r.intent and r.probabilities[i] >= SECONDARY_THRESHOLD),
            key=lambda i: -r.probabilities[i],
        )
        assert r.secondary == expected, r.keyword
        assert r.secondary == clf.classify(r.keyword).secondary
