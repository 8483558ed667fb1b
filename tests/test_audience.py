"""Audiences: cues, user audiences, the audience column and summaries split by audience."""

from __future__ import annotations

import csv
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from intentkit import IntentClassifier, journey_summary
from intentkit._cli import main
from intentkit.audience import AUDIENCES, Audiences

MINE = {
    "default": "shopper",
    "audiences": [
        {"name": "shopper", "cues": []},
        {"name": "dealer", "cues": ["dealer portal", "bli återförsäljare", "*grossist*"]},
        {"name": "fan", "cues": ["fan club", "fanclub*"]},
    ],
}


@pytest.mark.parametrize(
    ("keyword", "audience"),
    [
        ("volvo aktie", "investor"),
        ("Volvo Årsredovisning 2025", "investor"),
        ("aktieutdelning 2026", "investor"),
        ("spotify careers", "job_seeker"),
        ("ikea lediga jobb", "job_seeker"),
        ("karriären", "job_seeker"),
        ("sälja företag", "business_seller"),
        ("sell my business", "business_seller"),
        ("h&m hållbarhetsredovisning", "sustainability"),
        ("ericsson pressmeddelande", "media"),
        ("bli återförsäljare", "partner"),
        ("leverantör", "partner"),
        ("investor-relations volvo", "investor"),
        # a longer cue of another audience wins over a shorter one
        ("iphone 16 in stock", "customer"),
        ("tesla stock", "investor"),
        ("sustainability report", "sustainability"),
        # no cue: the default; a cue must be whole words
        ("netflix login", "customer"),
        ("jobbigt", "customer"),
        ("stockholm hotell", "customer"),
        ("", "customer"),
    ],
)
def test_built_in_cues(keyword: str, audience: str) -> None:
    assert AUDIENCES.match(keyword) == audience


def test_audience_is_a_layer_intent_stage_and_prior_unchanged(tiny_path: Path) -> None:
    plain = IntentClassifier(model=tiny_path)
    mine = IntentClassifier(model=tiny_path, audiences=MINE)
    for kw in ["acme dealer portal", "warm", "fan club acme", "cheap boots"]:
        a, b = plain.classify(kw), mine.classify(kw)
        assert a.model_dump(exclude={"audience"}) == b.model_dump(exclude={"audience"})
    assert mine.classify("acme dealer portal").audience == "dealer"
    assert mine.classify("storgrossisten").audience == "dealer"
    assert mine.classify("acme fanclubben").audience == "fan"
    assert mine.classify("acme boots").audience == "shopper"
    assert mine.classify("!!").audience is None


def test_classify_many_and_decide_many_agree_on_audience(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path, audiences=MINE)
    xs = ["acme dealer portal", "", "fan club", "warm boots", "?"] * 3
    many = clf.classify_many(xs)
    assert [r.audience for r in many] == [clf.classify(x).audience for x in xs]
    d = clf.decide_many(xs)
    assert d.audiences == ("shopper", "dealer", "fan")
    assert d.audience is not None
    assert [d.audiences[i] for i in d.audience.tolist()][:4] == [
        "dealer",
        "shopper",
        "fan",
        "shopper",
    ]


def test_audiences_from_json_and_toml(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(MINE), encoding="utf-8")
    (tmp_path / "a.toml").write_text(
        'default = "shopper"\n'
        '[[audiences]]\nname = "shopper"\ncues = []\n'
        '[[audiences]]\nname = "dealer"\ncues = ["dealer portal"]\n',
        encoding="utf-8",
    )
    assert Audiences.from_file(tmp_path / "a.json").match("x dealer portal") == "dealer"
    assert Audiences.from_file(tmp_path / "a.toml").match("x dealer portal") == "dealer"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"default": "nobody"}, "the default audience 'nobody' is not one of"),
        ({"audiences": []}, "at least 1 item"),
        (
            {"audiences": [{"name": "shopper"}, {"name": "shopper"}]},
            "audience names must be distinct",
        ),
        ({"audiences": [{"name": "shopper", "cues": ["a, b"]}]}, "is not a phrase of words"),
        ({"audiences": [{"name": "shopper", "cues": ["**"]}]}, "is not a phrase of words"),
        ({"audiences": [{"name": " x"}]}, "must be non-blank text"),
        ({"colour": "red"}, "Extra inputs are not permitted"),
    ],
)
def test_bad_audiences_are_one_clear_error(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IntentClassifier(audiences={**MINE, **change})


def test_a_bad_audiences_file_is_one_error_line_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"default": "x", "audiences": [{"name": "y"}]}', encoding="utf-8")
    inp = tmp_path / "in.txt"
    inp.write_text("acme\n", encoding="utf-8")
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        assert main(["label", str(inp), "--audiences", str(bad)]) == 1
    assert err.getvalue().startswith(f"intentkit: error: {bad}: not a valid audiences file: ")
    assert err.getvalue().count("\n") == 1


def test_label_writes_an_audience_column(tmp_path: Path) -> None:
    inp = tmp_path / "in.csv"
    inp.write_text("keyword\nvolvo aktie\n\nikea lediga jobb\nköpa skor\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    with redirect_stderr(io.StringIO()):
        assert main(["label", str(inp), "-o", str(out)]) == 0
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["intentkit_audience"] for r in rows] == ["investor", "", "job_seeker", "customer"]
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(MINE), encoding="utf-8")
    with redirect_stderr(io.StringIO()):
        assert main(["label", str(inp), "-o", str(out), "--audiences", str(mine)]) == 0
    with open(out, encoding="utf-8", newline="") as f:
        assert [r["intentkit_audience"] for r in csv.DictReader(f)] == [
            "shopper",
            "",
            "shopper",
            "shopper",
        ]


def test_summaries_split_by_audience_and_language(tmp_path: Path) -> None:
    keywords = ["volvo aktie", "volvo xc60 pris", "volvo lediga jobb", "how to wash a jacket", ""]
    volumes = [1000, 500, 300, 800, 5]
    inp = tmp_path / "in.csv"
    inp.write_text(
        "keyword,volume\n" + "".join(f"{k},{v}\n" for k, v in zip(keywords, volumes)),
        encoding="utf-8",
    )
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        assert main(["summary", str(inp), "--json"]) == 0
    cli = json.loads(out.getvalue())
    results = IntentClassifier().classify_many(keywords)
    api = json.loads(journey_summary(results, volumes).model_dump_json())
    assert cli == api
    audiences = cli["audiences"]
    assert list(audiences) == list(AUDIENCES.names)
    assert audiences["investor"]["keywords"] == 1
    assert audiences["investor"]["stage_volume"]["conversion"] == 1000
    assert audiences["job_seeker"]["keywords"] == 1
    assert audiences["customer"]["keywords"] == 2
    assert sum(a["keywords"] for a in audiences.values()) == cli["keywords"] - cli["empty"]
    for stage in cli["stages"]:
        assert sum(a["stages"][stage] for a in audiences.values()) == cli["stages"][stage]
    assert sum(sum(m.values()) for m in cli["languages"].values()) == 4
    assert cli["languages"]["en"]["informational"] == 1
    text = io.StringIO()
    with redirect_stdout(text), redirect_stderr(io.StringIO()):
        assert main(["summary", str(inp)]) == 0
    assert "  investor                1          1,000  0 / 0 / 1 / 0" in text.getvalue()


def test_equal_cues_go_to_the_audience_listed_first() -> None:
    two = Audiences.model_validate(
        {
            "default": "a",
            "audiences": [
                {"name": "a", "cues": []},
                {"name": "b", "cues": ["alpha"]},
                {"name": "c", "cues": ["bravo", "bravo alpha"]},
            ],
        }
    )
    assert two.match("alpha bravo") == "b"
    assert two.match("bravo x alpha") == "b"
    assert two.match("bravo alpha") == "c"  # the longer cue


def test_an_audiences_file_nested_too_deeply_names_its_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{\n"default": "x",\n"audiences": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    with pytest.raises(
        ValueError, match=r"deep\.json:3: not a valid audiences file: nested too deeply"
    ):
        Audiences.from_file(deep)
