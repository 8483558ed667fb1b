"""Journey stages, frameworks, conversion priors, fitted priors and the journey summary."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from intentkit import Framework, Intent, IntentClassifier, Level, fit_priors, journey_summary
from intentkit.journey import DEFAULT_PRIORS

CUSTOM = {
    "name": "mine",
    "stages": ["learn", "buy", "keep"],
    "intents": {
        "informational": "learn",
        "commercial": "learn",
        "transactional": "buy",
        "navigational": "buy",
        "local": "buy",
    },
    "cues": {"retention": "keep", "renew": "keep"},
}


def test_default_priors_are_ordered_by_level() -> None:
    low = DEFAULT_PRIORS[Intent.INFORMATIONAL]
    medium = DEFAULT_PRIORS[Intent.COMMERCIAL]
    assert low < medium
    for intent in (Intent.TRANSACTIONAL, Intent.NAVIGATIONAL, Intent.LOCAL):
        assert medium < DEFAULT_PRIORS[intent]


@pytest.mark.parametrize(
    ("framework", "expected"),
    [
        (
            "funnel",
            [
                "awareness",
                "consideration",
                "conversion",
                "conversion",
                "conversion",
                "retention",
                "retention",
            ],
        ),
        ("five_as", ["aware", "ask", "act", "appeal", "act", "advocate", "advocate"]),
        ("b2c", ["discover", "try", "buy", "buy", "buy", "use", "renew"]),
    ],
)
def test_stages_per_framework(tiny_path: Path, framework: str, expected: list[str]) -> None:
    clf = IntentClassifier(model=tiny_path, framework=framework)
    kws = ["how", "best", "buy", "netflix", "pizza malmö", "netflix login", "förnya netflix"]
    got = clf.classify_many(kws)
    assert [r.stage for r in got] == expected
    assert {r.framework for r in got} == {framework}


def test_conversion_prior_is_expectation_of_priors(tiny_path: Path) -> None:
    priors = {
        "informational": 0.1,
        "commercial": 0.2,
        "transactional": 0.9,
        "navigational": 0.5,
        "local": 0.6,
    }
    clf = IntentClassifier(model=tiny_path, priors=priors)
    r = clf.classify("buy")
    expected = sum(r.probabilities[Intent(k)] * v for k, v in priors.items())
    assert r.conversion.score == pytest.approx(expected, abs=1e-12)
    assert r.conversion.level is Level.HIGH
    assert clf.classify("how").conversion.level is Level.LOW
    assert clf.classify("best").conversion.level is Level.MEDIUM


@pytest.mark.parametrize(
    ("priors", "message"),
    [
        ({"informational": 0.1}, "missing intents"),
        ({**{i.value: 0.1 for i in Intent}, "shopping": 0.2}, "unknown intent 'shopping'"),
        ({**{i.value: 0.1 for i in Intent}, "local": 1.5}, "local must be a number in"),
        ({**{i.value: 0.1 for i in Intent}, "local": float("nan")}, "local must be a number in"),
    ],
)
def test_bad_priors_raise(priors: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IntentClassifier(priors=priors)


def test_custom_framework_from_dict_json_and_toml(tiny_path: Path, tmp_path: Path) -> None:
    (tmp_path / "f.json").write_text(json.dumps(CUSTOM), encoding="utf-8")
    toml = (
        'name = "mine"\nstages = ["learn", "buy", "keep"]\n[intents]\ninformational = "learn"\n'
        'commercial = "learn"\ntransactional = "buy"\nnavigational = "buy"\nlocal = "buy"\n'
        '[cues]\nretention = "keep"\nrenew = "keep"\n'
    )
    (tmp_path / "f.toml").write_text(toml, encoding="utf-8")
    a = Framework.model_validate(CUSTOM)
    assert Framework.from_file(tmp_path / "f.json") == a == Framework.from_file(tmp_path / "f.toml")
    clf = IntentClassifier(model=tiny_path, framework=CUSTOM)
    assert [r.stage for r in clf.classify_many(["best", "buy", "netflix login"])] == [
        "learn",
        "buy",
        "keep",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"intents": {**CUSTOM["intents"], "shopping": "buy"}}, "unknown intent 'shopping'"),
        (
            {"intents": {k: v for k, v in CUSTOM["intents"].items() if k != "local"}},
            "missing stage for intent 'local'",
        ),
        (
            {"intents": {**CUSTOM["intents"], "local": "visit"}},
            "stage 'visit', which is not one of its stages",
        ),
        ({"cues": {"loyalty": "keep"}}, "unknown cue set 'loyalty'"),
        ({"stages": ["learn", "learn", "buy", "keep"]}, "stages must be distinct"),
        (
            {"stages": ["learn", "buy", "keep", "re\tturn"]},
            "must be non-blank text without tabs, line breaks",
        ),
        ({"stages": ["learn", "buy", "keep", " "]}, "stage ' ' must be non-blank"),
    ],
)
def test_framework_validation_errors(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Framework.model_validate({**CUSTOM, **change})


def test_framework_file_error_names_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**CUSTOM, "cues": {"x": "keep"}}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.json: not a valid framework.*unknown cue set"):
        Framework.from_file(bad)


def test_unknown_framework_name() -> None:
    with pytest.raises(ValueError, match="unknown framework 'aida'"):
        IntentClassifier(framework="aida")


def test_fit_priors_recovers_known_rates(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    true = {"how": 0.01, "best": 0.03, "buy": 0.08}
    rng = random.Random(7)
    keywords, clicks, conversions = [], [], []
    for word, rate in true.items():
        for i in range(300):
            n = rng.randint(50, 150)
            keywords.append(f"{word} {word} {word} thing{i}")  # counted cue: near-certain intent
            clicks.append(n)
            conversions.append(sum(rng.random() < rate for _ in range(n)))
    fitted = fit_priors(keywords, clicks, conversions, classifier=clf, strength=50)
    assert fitted[Intent.INFORMATIONAL] == pytest.approx(0.01, abs=0.004)
    assert fitted[Intent.COMMERCIAL] == pytest.approx(0.03, abs=0.006)
    assert fitted[Intent.TRANSACTIONAL] == pytest.approx(0.08, abs=0.01)
    # intents with (almost) no data stay near their defaults
    assert fitted[Intent.LOCAL] == pytest.approx(DEFAULT_PRIORS[Intent.LOCAL], rel=0.5)
    IntentClassifier(model=tiny_path, priors=fitted)  # accepted as priors


def test_fit_priors_validates_input(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    with pytest.raises(ValueError, match="differ in length"):
        fit_priors(["a"], [1, 2], [0], classifier=clf)
    with pytest.raises(ValueError, match="row 0"):
        fit_priors(["a"], [1], [2], classifier=clf)


def test_journey_summary_counts_and_volumes(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    results = clf.classify_many(["how", "best", "buy", "netflix login", "", "buy now"])
    volumes = [100, 50, 10, 5, 7, 20]
    s = journey_summary(results, volumes)
    assert s.keywords == 6 and s.empty == 1
    assert s.stages == {"awareness": 1, "consideration": 1, "conversion": 2, "retention": 1}
    assert s.intents[Intent.TRANSACTIONAL] == 2
    assert s.stage_volume == {
        "awareness": 100,
        "consideration": 50,
        "conversion": 30,
        "retention": 5,
    }
    expected = sum(v * r.conversion.score for v, r in zip(volumes, results) if r.intent is not None)
    assert s.expected_conversions == pytest.approx(expected)
    plain = journey_summary(results)
    assert plain.stage_volume is None and plain.expected_conversions is None
    with pytest.raises(ValueError, match="2 volumes for 6"):
        journey_summary(results, [1, 2])


@pytest.mark.parametrize(
    ("keyword", "stage"),
    [
        ("netflix login", "retention"),
        ("netflix", "conversion"),
        ("hur säger man upp telia", "retention"),
        ("säga upp gymkort", "retention"),
        ("spotify mina sidor", "retention"),
        ("how to use airpods", "retention"),
        ("what are airpods", "awareness"),
        ("bästa hörlurar 2026", "consideration"),
    ],
)
def test_shipped_model_stages(keyword: str, stage: str) -> None:
    assert IntentClassifier().classify(keyword).stage == stage
