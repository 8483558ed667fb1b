"""`intentkit train my-labels.csv`: adapting the shipped model, --from-scratch, the card, overlap."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from intentkit import Intent, IntentClassifier
from intentkit._adapt import read_anchors
from intentkit._cli import main
from intentkit._model import load_model, rebuild_hint
from intentkit._overlap import card_entry, merged, overlap, warning

# A garden shop's own conventions, written for these tests: garden verbs without a question word
# are how-to searches, bulk goods with a town are delivered orders, its name is navigational.
LABELS = {
    "informational": [
        "beskära äppelträd",
        "beskära plommonträd",
        "beskära syren",
        "beskära hortensia",
        "plantera tulpanlökar",
        "plantera sättpotatis",
        "gödsla gräsmattan",
        "kalka gräsmattan",
    ],
    "transactional": [
        "täckbark kalmar",
        "täckbark falun",
        "planteringsjord kalmar",
        "barkmulch falun",
        "makadam örebro",
        "singel luleå",
        "köpa pallkrage",
        "grensax pris",
    ],
    "commercial": ["pallkrage", "odlingslåda", "växthus", "grensax", "kantklippare", "häcksax"],
    "navigational": ["grenverket", "grenverket kundtjänst", "grenverket.se", "grenverket retur"],
    "local": ["plantskola uppsala", "plantskola nära mig", "trädgårdsbutik örebro"],
}
ROWS = [(kw, intent) for intent, kws in LABELS.items() for kw in kws]


def write_labels(path: Path) -> Path:
    lines = ["Keyword,Volume,Intent"] + [
        f"{kw},{100 + n},{it.title()}" for n, (kw, it) in enumerate(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def adapted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """`intentkit train my-labels.csv -o my-model`, run once for the module."""
    root = tmp_path_factory.mktemp("adapt")
    labels = write_labels(root / "my-labels.csv")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["train", str(labels), "-o", str(root / "my-model")])
    lines = err.getvalue().splitlines()
    assert code == 0, lines
    assert re.fullmatch(r"intentkit: \[ *\d+\.\d s\] reading .*my-labels\.csv", lines[0])
    assert any("cross-validating weight" in line for line in lines)
    assert any("fitting on all" in line for line in lines)
    assert lines[-1].startswith("intentkit: wrote ")
    card = json.loads((root / "my-model" / "model-card.json").read_text(encoding="utf-8"))
    return root, card


def test_adapting_keeps_local_swedish_and_language(adapted: tuple[Path, dict[str, Any]]) -> None:
    root, _ = adapted
    clf = IntentClassifier(model=root / "my-model")  # the folder train wrote
    local = clf.classify("tandläkare solna")
    assert local.intent is Intent.LOCAL and local.language == "sv"
    buy = clf.classify("köpa cykel")
    assert buy.intent is Intent.TRANSACTIONAL and buy.language == "sv"
    assert clf.classify("netflix login").intent is Intent.NAVIGATIONAL
    en = clf.classify("how to tie a tie")
    assert en.intent is Intent.INFORMATIONAL and en.language == "en"


def test_adapting_keeps_the_shipped_answers_on_general_keywords(
    adapted: tuple[Path, dict[str, Any]],
) -> None:
    root, _ = adapted
    anchors = read_anchors()
    assert len(anchors) >= 1000
    before = [r.intent for r in IntentClassifier().classify_many(anchors)]
    after = [r.intent for r in IntentClassifier(model=root / "my-model").classify_many(anchors)]
    same = sum(a == b for a, b in zip(before, after)) / len(anchors)
    assert same >= 0.98  # 0.96 when the anchors are left out of the fit


def test_the_users_labels_win_on_their_own_keywords(
    adapted: tuple[Path, dict[str, Any]],
) -> None:
    root, _ = adapted
    shipped = IntentClassifier()
    clf = IntentClassifier(model=root / "my-model" / "intentkit.npz")
    said = {
        r.keyword: r.intent.value if r.intent else "" for r in clf.classify_many(k for k, _ in ROWS)
    }
    assert said == dict(ROWS)
    before = {
        r.keyword: r.intent.value if r.intent else ""
        for r in shipped.classify_many(k for k, _ in ROWS)
    }
    assert before != dict(ROWS)  # the shipped model disagrees somewhere: the test shows a change


def test_the_card_records_the_file_method_and_heldout_score(
    adapted: tuple[Path, dict[str, Any]],
) -> None:
    root, card = adapted
    data = (root / "my-labels.csv").read_bytes()
    assert card["user_file"] == {
        "name": "my-labels.csv",
        "sha256": hashlib.sha256(data).hexdigest(),
        "rows": len(ROWS),
        "column": "",
    }
    adaptation = card["adaptation"]
    assert isinstance(adaptation, dict)
    assert adaptation["method"] == "fine-tune" and adaptation["anchors"] > 1000
    assert adaptation["weight"] in (0.1, 0.3, 1.0)
    assert adaptation["base_model_version"] == IntentClassifier().model_card["model_version"]
    held = card["heldout"]
    assert isinstance(held, dict)
    assert held["rows"] + held["train_rows"] == len(ROWS) and held["rows"] >= 5
    assert "seed" in held["split"]
    for model in ("adapted", "base"):
        assert 0 <= held[model]["macro_f1"] <= 1 and 0 <= held[model]["accuracy"] <= 1
    keys = card["training_keywords"]
    assert isinstance(keys, dict) and keys["count"] >= len(ROWS)


def test_from_scratch_trains_on_the_file_alone(tmp_path: Path) -> None:
    labels = write_labels(tmp_path / "my-labels.csv")
    out = tmp_path / "scratch"
    assert main(["train", str(labels), "-o", str(out), "--from-scratch"]) == 0
    card = json.loads((out / "model-card.json").read_text(encoding="utf-8"))
    assert card["method"] == "from-scratch" and "adaptation" not in card
    assert card["user_file"]["rows"] == len(ROWS)
    shipped_features = IntentClassifier().model_card["features"]
    assert card["features"] < shipped_features / 10  # its own small vocabulary, not the shipped one
    meta = IntentClassifier(model=tmp_path / "scratch").model_card
    assert meta["sha256"] == card["sha256"]
    model = load_model(out / "intentkit.npz")
    assert rebuild_hint(model.meta, out / "intentkit.npz").endswith(
        f"intentkit train {labels.resolve()} --from-scratch -o {out} "
        f"(its SHA-256 when the model was trained: {card['user_file']['sha256']})"
    )


def test_cli_train_prints_progress_and_evaluate_warns_on_overlap(
    adapted: tuple[Path, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = adapted
    code = main(["evaluate", str(root / "my-labels.csv"), "--model", str(root / "my-model")])
    out, err = capsys.readouterr()
    assert code == 0 and "macro-F1" in out
    (line,) = err.splitlines()
    assert line.startswith(f"intentkit: warning: {len(ROWS)} of the file's {len(ROWS)} distinct")
    assert "(100%)" in line and "held-out" in line
    fresh = tmp_path / "fresh.csv"
    fresh.write_text(
        "Keyword,Intent\nbeskära körsbärsträd,Informational\nköpa spade,Transactional\n"
    )
    assert main(["evaluate", str(fresh), "--model", str(root / "my-model")]) == 0
    assert capsys.readouterr().err == ""
    code = main(["info", "--model", str(root / "my-model")])
    info = json.loads(capsys.readouterr().out)
    assert code == 0 and info["training_keywords"]["keys"].startswith("<")


def test_model_folders_and_bad_bases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels = write_labels(tmp_path / "my-labels.csv")
    code = main(["train", str(labels), "-o", str(tmp_path / "m"), "--base", str(tmp_path / "no")])
    last = capsys.readouterr().err.splitlines()[-1]
    assert code == 1 and last == f"intentkit: error: {tmp_path / 'no'}: No such file or directory"
    assert not (tmp_path / "m").exists()
    code = main(["classify", "--model", str(tmp_path), "x"])  # a folder without a model in it
    assert code == 1 and "is a folder; give the model file in it" in capsys.readouterr().err


def test_overlap_keys_round_trip() -> None:
    entry = card_entry(["Köpa Cykel", "köpa  cykel", "best shoes"])
    assert entry["count"] == 2  # the lookup form: case and spaces do not count
    # "kopa cykel" has the same lookup form as "köpa cykel": one distinct keyword of the two
    assert overlap({"training_keywords": entry}, ["köpa cykel", "kopa cykel", "new one"]) == (1, 2)
    assert overlap({}, ["x"]) is None
    both = merged(entry, card_entry(["netflix login"]), None)
    assert both["count"] == 3
    assert warning({"training_keywords": entry}, ["nothing like it"]) is None


def test_one_intent_is_enough_to_adapt() -> None:
    from intentkit._adapt import adapt
    from intentkit._classifier import load_cached
    from intentkit._dataset import Row

    base = load_cached(None)
    rows = [
        Row(kw, "navigational")
        for kw in ["grenverket", "grenverket rea", "grenverket katalog", "grenverket klubb"]
    ]
    result = adapt(base, rows, weight=1.0, heldout=False)
    assert result.report["weight"] == 1.0 and "heldout" not in result.report
    assert len(result.model.features) >= len(base.features)
    assert result.model.lexicon == base.lexicon
    assert result.model.lang_intercept == base.lang_intercept
    with pytest.raises(ValueError, match="at least one labelled keyword"):
        adapt(base, [])


def test_a_file_without_local_does_not_unlearn_local(tmp_path: Path) -> None:
    from intentkit._adapt import adapt, targets
    from intentkit._classifier import load_cached
    from intentkit._dataset import Row
    from intentkit.types import INTENT_ORDER

    rows = [
        Row("bike shop near me", "transactional"),
        Row("bike repair near me", "transactional"),
        Row("buy bike", "transactional"),
        Row("best road bike", "commercial", "transactional"),
    ]
    pos, masks, weights = targets(rows, no_local=True)
    assert pos == [0, 1, 2, 3, 3] and weights.tolist() == [1.0, 1.0, 1.0, 1.0, 0.3]
    local, trans = INTENT_ORDER.index("local"), INTENT_ORDER.index("transactional")
    assert masks[0, local] and masks[0, trans] and masks[0].sum() == 2
    assert not masks[3, local] and masks[4, local]  # the second intent, transactional
    result = adapt(load_cached(None), rows, weight=1.0, heldout=False)
    assert result.report["transactional_allows_local"] is True
    result.model.save(tmp_path / "m.npz")
    clf = IntentClassifier(model=tmp_path / "m.npz")
    assert clf.classify("bike shop near me").intent is Intent.LOCAL
    assert clf.classify("tandläkare nära mig").intent is Intent.LOCAL


def test_evaluate_warns_when_a_file_holds_the_shipped_models_training_keywords(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hand = sorted((Path(__file__).parents[1] / "data" / "keywords" / "hand").glob("*.tsv"))[0]
    with open(hand, encoding="utf-8", newline="") as f:
        rows = [(r["keyword"], r["intent"]) for r in csv.DictReader(f, delimiter="\t")][:40]
    own = tmp_path / "own.csv"
    with open(own, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Keyword", "Intent"])
        w.writerows(rows)
    assert main(["evaluate", str(own)]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"intentkit: warning: {len(rows)} of the file's {len(rows)} distinct")
