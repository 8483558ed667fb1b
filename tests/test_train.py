"""Training: reading the data, determinism, the held-out split, the model card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intentkit import Intent, IntentClassifier
from intentkit._dataset import Row, heldout_split, read_dataset, read_rows
from intentkit._model import load_model
from intentkit._train import train_directory

HEADER = "keyword\tintent\tintent2\tlang\tvertical\tsource\n"
CUES = {
    "informational": ["how to fix {}", "what is a {}", "hur fungerar {}"],
    "commercial": ["best {}", "{} reviews", "bästa {}"],
    "transactional": ["buy {}", "{} price", "köpa {}"],
    "navigational": ["{}shop login", "{}shop.com", "{}shop kundtjänst"],
    "local": ["{} near me", "{} stockholm", "{} nära mig"],
}
NOUNS = {
    "cars": ["car", "tyre", "bil"],
    "pets": ["dog bed", "cat food", "hundmat"],
    "travel": ["flight", "hotel", "resa"],
    "health": ["vitamin", "plaster", "tandkräm"],
}


def make_data(root: Path) -> Path:
    kw = root / "keywords" / "hand"
    kw.mkdir(parents=True)
    (root / "lexicons").mkdir()
    (root / "lexicons" / "places.tsv").write_text(
        "name\tkind\tcountry\tregion\nstockholm\tmunicipality\tse\tstockholm\n"
    )
    for vertical, nouns in NOUNS.items():
        lines = [HEADER]
        for intent, patterns in CUES.items():
            for p in patterns:
                for n in nouns:
                    lang = "sv" if any(s in p for s in ("ä", "hur", "nära")) else "en"
                    lines.append(f"{p.format(n)}\t{intent}\t\t{lang}\t{vertical}\thand\n")
        (kw / f"{vertical}.tsv").write_text("".join(lines), encoding="utf-8")
    return root


def test_read_rows_reports_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(HEADER + "ok\tlocal\t\ten\tx\thand\nbad row\tlocal\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:3: expected 6 columns"):
        list(read_rows(path))
    path.write_text(HEADER + "ok\tshopping\t\ten\tx\thand\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:2: unknown intent"):
        list(read_rows(path))
    path.write_text(HEADER + "Ok Caps\tlocal\t\ten\tx\thand\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:2: keyword must be lower case"):
        list(read_rows(path))
    path.write_text("kw\tlabel\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:1: header"):
        list(read_rows(path))


def test_training_is_deterministic_and_card_matches(tmp_path: Path) -> None:
    data = make_data(tmp_path / "data")
    card1 = train_directory(data, tmp_path / "m1", heldout=False)
    card2 = train_directory(data, tmp_path / "m2", heldout=False)
    b1 = (tmp_path / "m1" / "intentkit.npz").read_bytes()
    assert b1 == (tmp_path / "m2" / "intentkit.npz").read_bytes()
    assert card1["sha256"] == card2["sha256"]
    on_disk = json.loads((tmp_path / "m1" / "model-card.json").read_text())
    assert on_disk["sha256"] == card1["sha256"]
    assert on_disk["training_data"]["rows"] == len(read_dataset(data))
    assert set(on_disk["libraries"]) >= {"numpy", "scikit-learn", "python"}
    assert "cv_macro_f1" in on_disk["training"]
    load_model(tmp_path / "m1" / "intentkit.npz", sha256=card1["sha256"])


def test_trained_model_learns_the_cues(tmp_path: Path) -> None:
    data = make_data(tmp_path / "data")
    train_directory(data, tmp_path / "m", heldout=False)
    clf = IntentClassifier(model=tmp_path / "m" / "intentkit.npz")
    assert clf.classify("buy tyre").intent is Intent.TRANSACTIONAL
    assert clf.classify("how to fix dog bed").intent is Intent.INFORMATIONAL
    assert clf.classify("resa nära mig").intent is Intent.LOCAL


def test_data_hash_changes_with_data(tmp_path: Path) -> None:
    data = make_data(tmp_path / "data")
    a = train_directory(data, tmp_path / "m", heldout=False)["training_data"]["sha256"]
    with (data / "keywords" / "hand" / "cars.tsv").open("a", encoding="utf-8") as f:
        f.write("volvo xc60 pris\ttransactional\t\tsv\tcars\thand\n")
    b = train_directory(data, tmp_path / "m", heldout=False)["training_data"]["sha256"]
    assert a != b


def test_heldout_split_holds_out_whole_verticals() -> None:
    rows = [
        Row(f"kw {v} {i}", "local", "", "en", f"v{v}", "hand") for v in range(40) for i in range(5)
    ]
    train, test = heldout_split(rows)
    assert train and test
    train_v = {rows[i].vertical for i in train}
    test_v = {rows[i].vertical for i in test}
    assert not train_v & test_v
    assert len(train) + len(test) == len(rows)


def test_evaluation_files_are_scored_into_the_card(tmp_path: Path) -> None:
    data = make_data(tmp_path / "data")
    labelled = tmp_path / "tool.csv"
    labelled.write_text(
        "Keyword,Intent\nbuy car,Transactional\nhow to fix tyre,Informational\n"
        'best bil,Commercial\ndog bed near me,"Transactional, Informational"\n',
        encoding="utf-8",
    )
    card = train_directory(data, tmp_path / "m", heldout=False, evaluate=[labelled])
    (result,) = card["evaluation"]
    assert result["file"] == "tool.csv"
    assert result["single_label_rows"] == 3 and result["multi_label_rows"] == 1
    assert 0 <= result["strict_macro_f1"] <= 1 and set(result["recall"]) == {
        "informational",
        "commercial",
        "transactional",
    }
    assert not list((tmp_path / "m").glob(".*"))


def test_language_neutral_keywords_and_language_scores() -> None:
    from intentkit._dataset import language_neutral
    from intentkit._features import Lexicon
    from intentkit._metrics import language_accuracy

    lex = Lexicon.build(
        brands=["strava", "teams", "zoom", "iphone", "planet fitness"], places=["malmö"]
    )
    shared = frozenset({"vs", "pizza", "pro", "login"})
    for kw in [
        "strava",
        "Teams vs Zoom",
        "pizza malmo",
        "iphone 15 pro",
        "planet fitness login",
        "ikea.se",
    ]:
        assert language_neutral(kw, lex, shared), kw
    for kw in ["bästa pizza malmö", "how to use strava", "strava träning", "zoom meeting"]:
        assert not language_neutral(kw, lex, shared), kw
    scores = language_accuracy(
        ["sv", "unknown", "en", "unknown", "sv", "en"],
        ["sv", "en", "en", "sv", "en", "en"],
        [False, False, False, True, True, True],
    )
    assert scores.accuracy == pytest.approx(2 / 3)  # unknown counts as wrong
    assert scores.rows == 3 and scores.neutral_rows == 3
    assert scores.neutral_unknown == pytest.approx(1 / 3)


def test_rare_words_get_a_class_of_their_own() -> None:
    from intentkit._features import Featurizer, Lexicon
    from intentkit._train import known_elsewhere

    feat = Featurizer(Lexicon.build(brands=["acme"]), known=frozenset({"login", "best"}))
    names = feat.features("zammad")
    assert "b:^ __rare__" in names and "L:only_rare" in names and "L:rare" in names
    assert "b:__rare__ login" in feat.features("zammad login")
    assert "b:best login" in feat.features("best login") and "L:rare" not in feat.features(
        "best login"
    )
    assert "b:__brand__ login" in feat.features("acme login")  # lexicon classes come first
    sizes = feat.features("bench 20kg 140x200")
    assert "b:__measure__ __measure__" in sizes and sizes.count("L:measure") == 2
    assert "b:^ __code__" in feat.features("s25 ultra") and "L:code" in feat.features("k5")
    assert "b:__num__ $" in feat.features("rtx 5070")  # a bare number stays a number
    known_code = Featurizer(Lexicon.build(), known=frozenset({"ps5"})).features("ps5 slim")
    assert "b:^ ps5" in known_code and "L:code" not in known_code  # a learned word is itself
    rows = [
        Row("buy shoes", "transactional", vertical="a"),
        Row("buy boots", "transactional", vertical="b"),
        Row("buy hats", "transactional", vertical="c"),
        Row("shoes sale", "transactional", vertical="a"),
    ]
    known = known_elsewhere(rows)
    assert "buy" in known[0]  # two keywords of other verticals have it
    assert "shoes" not in known[0]  # only its own vertical has it
    assert "boots" not in known[0]  # one keyword elsewhere is not enough


def test_noun_kinds_are_classes_and_survive_save_and_load(tmp_path: Path) -> None:
    from conftest import tiny_model

    from intentkit._features import Featurizer, Lexicon
    from intentkit._model import load_model

    lex = Lexicon.build(
        brands=["apple"],
        kinds=[("robot lawn mowers", "product"), ("apple", "product"), ("photosynthesis", "topic")],
    )
    feat = Featurizer(lex, known=frozenset({"best"}))
    assert "L:only_product" in feat.features("robot lawn mowers")
    assert "b:best __product__" in feat.features("best robot lawn mowers")
    assert "b:^ __topic__" in feat.features("photosynthesis")
    assert "L:product" not in feat.features("apple")  # a brand wins over a common noun
    import dataclasses

    model = dataclasses.replace(tiny_model(), lexicon=lex)
    model.save(tmp_path / "m.npz")
    assert load_model(tmp_path / "m.npz").lexicon.kinds == lex.kinds


def test_a_cue_next_to_a_place_is_a_feature_of_its_own() -> None:
    from intentkit._features import (
        INTENT_BITS,
        POST_PURCHASE_BITS,
        RETENTION_BIT,
        Featurizer,
        Lexicon,
        cue_bits,
    )

    lex = Lexicon.build(
        places=["malmö", "new york"],
        cues=[("bästa", "commercial"), ("boka", "transactional"), ("logga in", "navigational")],
        stage_cues=[("logga in", "retention")],
    )
    feat = Featurizer(lex, known=frozenset())
    assert "X:commercial@place" in feat.features("bästa pizza malmö")
    assert "X:commercial@place" not in feat.features("bästa pizza")  # no place, no crossing
    assert "X:transactional@place" in feat.features("boka frisör i new york")  # a place phrase
    context = feat.context_features(["logga", "in", "malmo"])
    assert "X:navigational@place" in context
    bits = cue_bits(context)
    assert bits & POST_PURCHASE_BITS == RETENTION_BIT
    assert bits & ~POST_PURCHASE_BITS == INTENT_BITS["navigational"]
    branded = Featurizer(Lexicon.build(brands=["telia"], stage_cues=[("säga upp", "retention")]))
    assert "X:retention@brand" in branded.features("säga upp telia bredband")
    assert "X:retention@brand" not in branded.features("säga upp gymkort")  # no brand
