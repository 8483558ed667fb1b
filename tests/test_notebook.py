"""What a notebook shows: short reprs, escaped HTML tables, the journey map as a DataFrame and
explanations that name the words behind each feature."""

from __future__ import annotations

import re
import sys

import pytest

from intentkit import IntentClassifier, journey_summary
from intentkit._text import normalize

SCRIPT = "<script>alert('x')</script> köpa"


@pytest.fixture(scope="module")
def clf() -> IntentClassifier:
    return IntentClassifier()


def test_the_repr_is_one_short_line(clf: IntentClassifier) -> None:
    r = clf.classify("köpa cykel")
    text = repr(r)
    assert re.fullmatch(
        r"Classification\('köpa cykel': transactional 0\.\d{3} \[[a-z]+ 0\.\d{3}\], "
        r"stage=conversion, sv\)",
        text,
    ), text
    assert f"{r.confidence:.3f}" in text and "Intent." not in text
    runner = sorted(r.probabilities.items(), key=lambda kv: -kv[1])[1]
    assert f"[{runner[0].value} {runner[1]:.3f}]" in text
    assert repr(clf.classify("???")) == "Classification('???': no intent, unknown)"
    assert repr(clf.explain("netflix login")).startswith(
        "Explanation('netflix login': navigational, "
    )


def test_html_escapes_the_keyword(clf: IntentClassifier) -> None:
    result = clf.classify(SCRIPT)
    explanation = clf.explain(SCRIPT)
    for html in (result._repr_html_(), explanation._repr_html_()):
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert html.startswith("<table>") and html.endswith("</table>")
    html = result._repr_html_()
    assert f"<td>{result.intent.value if result.intent else ''}</td>" in html
    assert f"{result.confidence:.3f}" in html and repr(result.confidence) not in html
    # every feature of the explanation is a row
    assert explanation._repr_html_().count("<tr>") == len(explanation.features) + 3


def test_journey_summary_as_a_frame_and_html(clf: IntentClassifier) -> None:
    results = clf.classify_many(
        ["köpa cykel", "netflix login", "how to fix a tap", "pizza near me", ""]
    )
    volumes = [100.0, 50.0, 10.0, 5.0, 0.0]
    summary = journey_summary(results, volumes)
    frame = summary.to_frame()
    assert list(frame.columns) == [
        "keywords",
        "share",
        "volume",
        "volume_share",
        "expected_conversions",
    ]
    stages = frame.loc["stage"]
    assert stages["keywords"].to_dict() == summary.stages
    assert stages["share"].sum() == pytest.approx(1.0)
    assert stages["volume"].to_dict() == summary.stage_volume
    assert stages["expected_conversions"].sum() == pytest.approx(summary.expected_conversions)
    intents = frame.loc["intent"]
    assert intents["keywords"].to_dict() == {i.value: n for i, n in summary.intents.items()}
    assert intents["expected_conversions"].sum() == pytest.approx(summary.expected_conversions)
    expected = sum(v * r.conversion.score for v, r in zip(volumes, results) if r.intent)
    assert summary.expected_conversions == pytest.approx(expected)
    plain = journey_summary(results).to_frame()
    assert list(plain.columns) == ["keywords", "share"]
    html = summary._repr_html_()
    assert "expected conversions" in html and "<td>conversion</td>" in html


def test_to_frame_without_pandas_says_what_to_install(
    clf: IntentClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = journey_summary(clf.classify_many(["köpa cykel"]))
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"needs pandas: pip install 'intentkit-seo\[pandas\]'"):
        summary.to_frame()


VARIED = [
    "netflix login",
    "acme login",
    "tandläkare solna",
    "köpa cykel pris",
    "best running shoes 2024 near me",
    "how to cancel spotify premium",
    "boka hotell i göteborg",
    "ikea.se",
    "komaeda",
    "zq 300",
    "20kg hantlar",
    "iphone 15 pro max",
    "bästa robotdammsugare",
    "marsvinsbur med våningar",
    "nordea mina sidor",
    "förnya pass",
    "upgrade office 365 subscription",
    "what is compound interest",
    "orange juice",
    "boots opening hours",
    "hotels in bath",
    SCRIPT,
]


@pytest.mark.parametrize("keyword", VARIED)
def test_every_feature_names_words_of_the_keyword(clf: IntentClassifier, keyword: str) -> None:
    words = set(normalize(keyword).split())
    explanation = clf.explain(keyword)
    assert explanation.features
    for f in explanation.features:
        quoted = re.findall(r'"([^"]+)"', f.source)
        assert quoted, (f.feature, f.source)
        for text in quoted:
            assert set(text.split()) <= words, (f.feature, f.source)


def test_feature_descriptions_by_family(clf: IntentClassifier) -> None:
    def source(keyword: str, feature: str) -> str:
        return next(f.source for f in clf.explain(keyword).features if f.feature == feature)

    assert source("price of bikes", "w:price") == 'the word "price"'
    assert source("price of bikes", "c:<pri") == 'the letters pri at the start of "price"'
    assert (
        source("netflix login", "b:__brand__ login")
        == '"netflix login": a brand followed by "login"'
    )
    assert source("tandläkare solna", "L:place") == '"solna" is a known place'
    assert source("netflix login", "Q:navigational") == '"login" is a cue of navigational intent'
    assert source("netflix login", "X:retention@brand").endswith('with the brand "netflix"')
    assert source("köpa cykel pris", "Q:transactional") == (
        '"köpa" is a cue of transactional intent; "pris" is a cue of transactional intent'
    )


def test_explain_features_are_those_of_the_reference_path(clf: IntentClassifier) -> None:
    featurizer = clf._loaded().featurizer
    for keyword in VARIED:
        assert [name for name, _ in featurizer.described(keyword)] == featurizer.features(keyword)
