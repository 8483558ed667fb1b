"""World knowledge: Swedish compounds take their head's kind; names that are words need context.

``tests/data/compounds.tsv``: Swedish compounds that are in no lexicon, with their head and its
kind. ``tests/data/traps.tsv``: keywords where a brand or place name is also an ordinary word
("apple pie recipe", "bath towels", "ont i handen") and the contrasts where the name is meant
("apple id login", "hotels in bath"), and fixed phrases with a cue word that does not mean its
intent there ("restraining order", "bästa före datum"); ``expect`` is an intent, or
``not:<intent>`` where the point is only that the name or cue must not take the keyword over.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from intentkit import Intent, IntentClassifier
from intentkit._features import Featurizer, Lexicon

DATA = Path(__file__).resolve().parent / "data"


def table(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def shipped() -> IntentClassifier:
    return IntentClassifier()


def test_swedish_compounds_take_the_kind_of_their_head(shipped: IntentClassifier) -> None:
    featurizer = shipped._loaded().featurizer
    lexicon = featurizer.lexicon
    rows = table("compounds.tsv")
    assert len(rows) >= 200
    wrong = []
    for r in rows:
        key = Lexicon.key(r["keyword"])
        assert key not in lexicon.kinds and key not in lexicon.words, r["keyword"]
        assert key not in lexicon.brands and key not in lexicon.places, r["keyword"]
        # As a word the model has never seen (the rule is for unknown words).
        cls = featurizer.word_class(key, frozenset(), [])
        if cls != f"__{r['kind']}__":
            wrong.append((r["keyword"], cls, featurizer.compound_head(key)))
    # Known misses: a head shorter than three letters ("jul|öl"), and heads that folding
    # makes another noun ("sitt|bänk" looks up "bank", a venue).
    assert len(wrong) <= 0.03 * len(rows), wrong


def test_compound_heads_are_found_through_swedish_endings() -> None:
    lex = Lexicon.build(kinds=[("bur", "product"), ("säng", "product"), ("frisör", "service")])
    f = Featurizer(lex, known=frozenset())
    assert f.compound_head("marsvinsbur") == "bur"
    assert f.compound_head("hundburen") == "bur"  # -en
    assert f.compound_head("djursangar") == "sang"  # -ar, typed without å/ä/ö
    assert f.compound_head("herrfrisorer") == "frisor"  # -er
    assert f.compound_head("bur") is None  # no first part
    assert f.compound_head("xbur") is None  # a first part of one letter is not one
    assert f.word_class("marsvinsbur", frozenset(), []) == "__product__"
    assert f.word_class("herrfrisorer", frozenset(), []) == "__service__"
    assert f.word_class("zqxw", frozenset(), []) == "__rare__"


def test_a_name_that_is_a_word_needs_a_word_beside_it_that_says_so() -> None:
    lex = Lexicon.build(
        brands=[("orange", "brand"), ("boots", "shop")],
        places=["bath"],
        cues=[("login", "navigational"), ("opening hours", "local")],
        kinds=[("towels", "product"), ("hotels", "venue")],
        words=["orange", "boots", "bath", "juice"],
    )
    assert lex.ambiguous == {"orange", "boots", "bath"}
    f = Featurizer(lex, known=frozenset({"juice", "login"}))

    def classes(keyword: str) -> list[str]:
        return [c for c in f.context_features(keyword.split()) if c.startswith("b:")]

    assert "b:__brand__ login" in classes("orange login")
    assert "b:orange juice" not in classes("orange juice")
    assert "b:^ __word__" in classes("orange juice")  # the word: no name context
    assert "b:__shop__ __rare__" in classes("boots opening hours")  # a local cue phrase
    assert "b:__venue__ __place__" in classes("hotels bath")
    assert "L:place" not in f.context_features(["ont", "i", "bath"])  # a preposition is not enough
    assert "b:__product__ $" in classes("bath towels") and "L:place" not in classes("bath towels")
    assert "L:only_shop" in f.context_features(["boots"])  # a name alone means the name
    assert lex.extended(brands=["bath"]).ambiguous == {"orange", "boots"}  # a user's own name


def test_a_name_before_an_attraction_head_is_an_attraction() -> None:
    lex = Lexicon.build(
        brands=[("lego", "maker")],
        places=["kalmar"],
        kinds=[("slott", "product")],
        words=["gamla", "bouncy", "castle", "slott", "till", "salu"],
        heads=["slott", "castle"],
    )
    f = Featurizer(lex, known=frozenset({"historia"}))

    def flags(keyword: str) -> list[str]:
        return [c for c in f.context_features(keyword.split()) if c.startswith(("L:", "b:"))]

    assert flags("brantviks slott") == [
        "L:attraction",
        "L:only_attraction",
        "b:^ __attraction__",
        "b:__attraction__ $",
    ]
    assert "b:__attraction__ historia" in flags("norrvik castle historia")
    assert "L:only_attraction" in flags("kalmar slott")  # a place names one too
    assert "L:place" not in flags("kalmar slott")
    for trap in ("bouncy castle", "gamla slott", "lego castle", "ab slott", "slott till salu"):
        assert "L:attraction" not in flags(trap), trap  # a word, a brand, too short, no name
    assert "L:attraction" not in flags("brantviks")
    worth = Featurizer(
        Lexicon.build(places=["dallas", "fort worth"], heads=["fort"]), known=frozenset()
    )
    airport = worth.context_features(["dallas", "fort", "worth", "airport"])
    assert "L:attraction" not in airport and airport.count("L:place") == 2  # a name of its own


def test_a_cue_word_inside_a_fixed_phrase_is_no_cue() -> None:
    lex = Lexicon.build(
        cues=[("order", "transactional"), ("best", "commercial")],
        kinds=[("court order", "topic"), ("best man", "topic"), ("pizza", "product")],
    )
    f = Featurizer(lex, known=frozenset())

    def cues(keyword: str) -> list[str]:
        return [c for c in f.context_features(keyword.split()) if c.startswith("Q:")]

    assert cues("court order template") == [] and cues("best man speech") == []
    assert cues("order pizza") == ["Q:transactional"] and cues("best pizza") == ["Q:commercial"]
    assert cues("order court order") == ["Q:transactional"]  # the phrase holds only its own word
    from intentkit._dataset import read_lexicon

    shipped = Featurizer(read_lexicon(Path(__file__).resolve().parents[1] / "data"))
    for phrase in ("restraining order", "peer review", "bästa vän", "till varje pris"):
        key = Lexicon.key(phrase)
        assert shipped.lexicon.kinds.get(key) == "topic", phrase
        assert not [c for c in shipped.context_features(key.split()) if c.startswith("Q:")]


def test_service_venue_and_topic_nouns_give_their_kind() -> None:
    """noun_heads.tsv gives Swedish compounds of services, venues and topics their head's kind;
    nouns_en.tsv gives English service, venue and topic nouns theirs, plural forms included."""
    from intentkit._dataset import read_lexicon

    f = Featurizer(read_lexicon(Path(__file__).resolve().parents[1] / "data"), known=frozenset())

    def kind(keyword: str) -> str:
        classes = f.context_features(Lexicon.key(keyword).split())
        return next(c for c in classes if c.startswith("L:") and c != "L:one_word")

    assert kind("altanfönsterputsning") == "L:service"  # a compound in no list: its head
    assert kind("smådjursklinikerna") == "L:venue"
    assert kind("hyresförhandlingar") == "L:topic"
    assert kind("garden centres") == "L:venue"
    assert kind("boiler repair") == "L:service"
    assert kind("inheritance tax") == "L:topic"


def test_joining_and_signing_up_are_transactional(shipped: IntentClassifier) -> None:
    """The taxonomy: joining or signing up ("a-kassa bli medlem", "join a union") is transactional."""
    from intentkit._dataset import read_lexicon

    f = Featurizer(read_lexicon(Path(__file__).resolve().parents[1] / "data"))
    keywords = [
        "join a climbing club",
        "register for a pottery course",
        "become a member of a credit union",
        "enroll in an evening class",
        "bli medlem i en bokklubb",
        "gå med i en kör",
        "registrera sig på ett forum",
        "anmäl dig till ett lopp",
    ]
    for keyword in keywords:
        assert "Q:transactional" in f.context_features(Lexicon.key(keyword).split()), keyword
    results = shipped.classify_many(keywords)
    wrong = [(k, r.intent) for k, r in zip(keywords, results) if r.intent != Intent.TRANSACTIONAL]
    assert len(wrong) <= 1, wrong


def test_traps(shipped: IntentClassifier) -> None:
    rows = table("traps.tsv")
    assert len(rows) >= 100 and {r["lang"] for r in rows} == {"en", "sv"}
    results = shipped.classify_many([r["keyword"] for r in rows])
    failed = []
    for r, result in zip(rows, results):
        got = result.intent.value if result.intent else ""
        expect = r["expect"]
        ok = got != expect[4:] if expect.startswith("not:") else got == expect
        if not ok:
            failed.append(f"{r['keyword']!r}: {got}, expected {expect}")
    # Most misses are the model's, not the name rule's ("kaka utan ägg", "guess who board
    # game"); a name that flips its keyword shows here as a jump in misses.
    assert len(failed) <= 0.07 * len(rows), failed


def test_european_car_models_are_models_and_words_stay_words() -> None:
    """UK and Swedish car models the US open data lacks are product models, with their make
    ("vauxhall astra", where "vauxhall" alone is a London district) or alone when their name
    can be nothing else ("qashqai"); model names that are words or places need their make."""
    from intentkit._dataset import read_lexicon

    lexicon = read_lexicon(Path(__file__).resolve().parents[1] / "data")
    kinds = lexicon.kinds
    for name in ("vauxhall astra", "skoda octavia", "volvo xc60", "nissan qashqai", "kia ceed"):
        assert kinds.get(name) == "model", name
    for name in ("qashqai", "octavia", "kodiaq", "corsa"):
        assert kinds.get(name) == "model", name
    for word in ("focus", "leaf", "civic", "polo", "defender", "capri", "lucerne", "vegas"):
        assert kinds.get(word) != "model", word  # words and places need their make
    assert kinds.get("tucson") != "model" and "tucson" in lexicon.places  # a city
    assert "vauxhall" in lexicon.places and "vauxhall" not in lexicon.brands
