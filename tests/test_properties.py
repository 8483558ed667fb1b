"""Property-based tests of the API: any string in, a valid and deterministic Classification out."""

from __future__ import annotations

import math

import pytest
from conftest import tiny_model
from hypothesis import given, settings
from hypothesis import strategies as st

from intentkit import IntentClassifier
from intentkit._text import MAX_KEYWORD_CHARS, normalize, tokenize


@pytest.fixture(scope="module")
def clf(tmp_path_factory: pytest.TempPathFactory) -> IntentClassifier:
    path = tmp_path_factory.mktemp("m") / "tiny.npz"
    tiny_model().save(path)
    return IntentClassifier(model=path)


texts = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.text(alphabet="åäö ÅÄÖ\u0301\u200f\u202e\x00\t\n.-&+'/🙂", max_size=40),
    st.sampled_from(["", " ", "!!!", "\x00", "🙂🙂", "e\u0301", "\u202ehello", "a" * 100_000]),
)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_any_string_gives_a_valid_classification(clf: IntentClassifier, text: str) -> None:
    r = clf.classify(text)
    probs = list(r.probabilities.values())
    assert len(probs) == 5 and all(math.isfinite(p) and 0 <= p <= 1 for p in probs)
    assert abs(sum(probs) - 1) < 1e-6
    assert r.keyword == text
    assert (r.intent is None) == (normalize(text) == "")
    assert r.language in ("en", "sv", "unknown", "other")
    assert clf.classify(text) == r


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, max_size=20))
def test_classify_many_equals_classify(clf: IntentClassifier, xs: list[str]) -> None:
    assert clf.classify_many(xs) == [clf.classify(x) for x in xs]


@given(st.one_of(st.integers(), st.floats(), st.binary(), st.none(), st.lists(st.text())))
def test_non_strings_raise_type_error(clf: IntentClassifier, value: object) -> None:
    with pytest.raises(TypeError):
        clf.classify(value)  # type: ignore[arg-type]


def test_long_keywords_are_cut(clf: IntentClassifier) -> None:
    head = "buy " * (MAX_KEYWORD_CHARS // 4)
    long = head + "how " * 50_000
    assert normalize(long) == normalize(head)
    assert clf.classify(long).probabilities == clf.classify(head).probabilities


@pytest.mark.parametrize(
    ("keyword", "tokens"),
    [
        ("appsmith com", ["appsmith.com"]),  # a domain typed with a space
        ("Cal Expo COM", ["cal", "expo.com"]),
        ("build royale io", ["build", "royale.io"]),
        ("rom com", ["rom", "com"]),
        ("what is com", ["what", "is", "com"]),
        ("blocket se", ["blocket", "se"]),  # "se": a Swedish verb and a trim level too
        ("vw golf se", ["vw", "golf", "se"]),
        ("filmer att se", ["filmer", "att", "se"]),
        ("öppet nu", ["öppet", "nu"]),  # "nu" and "net" are words more often than domains
        ("fishing net", ["fishing", "net"]),
        ("a b c d com", ["a", "b", "c", "d", "com"]),  # longer: a sentence, not a domain
        ("com", ["com"]),
    ],
)
def test_a_domain_typed_with_a_space_is_one_token(keyword: str, tokens: list[str]) -> None:
    assert tokenize(keyword) == tokens
    assert normalize(normalize(keyword)) == normalize(keyword)
