"""The metrics behind every figure: against scikit-learn on random labels, and worked by hand."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from intentkit._cli import main
from intentkit._evaluate import score_file
from intentkit._labels import Labelled
from intentkit._metrics import (
    class_scores,
    expected_calibration_error,
    macro_f1,
    score,
    without_local,
)
from intentkit._train import fit_temperature
from intentkit.types import INTENT_ORDER


def test_scores_match_scikit_learn_on_random_labels() -> None:
    rng = np.random.default_rng(1)
    labels = list(INTENT_ORDER)
    for trial in range(20):
        n = int(rng.integers(1, 300))
        y = list(rng.choice(labels[: 2 + trial % 4], size=n))  # some intents absent from y
        pred = list(rng.choice([*labels, ""], size=n))  # "" = no intent, always wrong
        s = score(y, pred, labels)
        p, r, f, support = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
        for k, name in enumerate(labels):
            c = s.per_class[name]
            assert (c.precision, c.recall, c.f1, c.support) == pytest.approx(
                (p[k], r[k], f[k], support[k]), abs=1e-12
            )
        present = sorted(set(y))
        expected = f1_score(y, pred, labels=present, average="macro", zero_division=0)
        assert s.macro_f1 == pytest.approx(expected, abs=1e-12)
        assert macro_f1(y, pred) == pytest.approx(expected, abs=1e-12)
        assert s.accuracy == pytest.approx(accuracy_score(y, pred), abs=1e-12)


def test_scores_worked_by_hand() -> None:
    y = ["a", "a", "b", "b", "c"]
    pred = ["a", "b", "b", "b", "a"]
    s = score(y, pred, ["a", "b", "c"])
    # a: 1 right of 2 predicted, of 2 labelled; b: 2 right of 3 predicted, of 2; c: none
    assert (s.per_class["a"].precision, s.per_class["a"].recall) == (0.5, 0.5)
    assert (s.per_class["b"].precision, s.per_class["b"].recall) == (2 / 3, 1.0)
    assert s.per_class["b"].f1 == pytest.approx(0.8)
    assert (s.per_class["c"].precision, s.per_class["c"].recall, s.per_class["c"].f1) == (0, 0, 0)
    assert s.macro_f1 == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert s.accuracy == 3 / 5
    assert s.confusion[("a", "b")] == 1 and s.confusion[("c", "a")] == 1
    assert class_scores(s.confusion, "z").support == 0
    # a class with no labels is reported but left out of the macro mean
    assert score(["a", "a"], ["a", "b"], ["a", "b"]).macro_f1 == pytest.approx(2 / 3)


def test_expected_calibration_error_worked_by_hand() -> None:
    probs = np.array([[0.9, 0.1], [0.9, 0.1], [0.4, 0.6]])
    y = [0, 1, 1]
    # bin (0.8667, 0.9333]: 2 rows, confidence 0.9, accuracy 0.5 -> 2/3 * 0.4
    # bin (0.5333, 0.6]: 1 row, confidence 0.6, accuracy 1.0 -> 1/3 * 0.4
    assert expected_calibration_error(probs, y) == pytest.approx(0.4)
    assert expected_calibration_error(np.array([[1.0, 0.0]]), [0]) == 0.0
    assert expected_calibration_error(np.zeros((0, 2)), []) == 0.0


def test_temperature_is_the_one_that_calibrates() -> None:
    # Logits (2, 0) for every row, class 0 right 3 times in 4: the calibrated probability is
    # 0.75 = sigmoid(2 / T), so T = 2 / ln 3 = 1.820...
    logits = np.array([[2.0, 0.0]] * 400)
    y = [0, 0, 0, 1] * 100
    assert fit_temperature(logits, y) == pytest.approx(2 / math.log(3), abs=0.01)


def test_local_counts_as_transactional_only_where_the_labels_have_no_local() -> None:
    assert without_local(["local", "commercial", ""]) == ["transactional", "commercial", ""]
    from intentkit._evaluate import score_rows

    rows = [Labelled(1, "pizza near me", ("transactional",)), Labelled(2, "x", ("commercial",))]
    assert score_rows("f", rows, ["local", "commercial"]).strict.accuracy == 1.0
    with_local = [*rows, Labelled(3, "y", ("local",))]
    assert score_rows("f", with_local, ["local", "commercial", "local"]).strict.accuracy == 2 / 3


def test_evaluate_prints_the_card_figures(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from intentkit import IntentClassifier

    export = tmp_path / "semrush.csv"
    export.write_text(
        "Keyword,Intent\nbuy car,Transactional\nhow to fix tyre,Informational\n"
        "best pizza malmö,Commercial\npizza near me,Transactional\n"
        'netflix login,"Navigational, Transactional"\nbest login,Commercial\n',
        encoding="utf-8",
    )
    card = score_file(export, IntentClassifier(model=tiny_path)).card()
    assert main(["evaluate", str(export), "--model", str(tiny_path)]) == 0
    out = capsys.readouterr().out
    assert f"macro-F1 **{card['strict_macro_f1']:.3f}**" in out
    for intent, recall in card["recall"].items():
        assert f"| {intent} |" in out and f"{recall:.3f}" in out
    assert f"lenient accuracy (any of the labels) {card['lenient_accuracy']:.3f}" in out
    assert "local predictions counted as transactional" in out


def test_the_calibration_bins_are_fifteen_from_zero_to_one() -> None:
    def two(right: float, wrong: float) -> float:
        return expected_calibration_error(
            np.array([[right, 1 - right], [wrong, 1 - wrong]]), [0, 1]
        )

    # 0.5 and 0.52 share the bin (0.467, 0.533]: |0.51 - 0.5| = 0.01 (16 bins: 0.51).
    assert two(0.5, 0.52) == pytest.approx(0.01)
    # 0.76 and 0.78 share (0.733, 0.8]: |0.77 - 0.5| = 0.27 (13 bins: 0.51).
    assert two(0.76, 0.78) == pytest.approx(0.27)
    # 0.6 and 0.62 fall apart at the edge 0.6: 0.5 * 0.4 + 0.5 * 0.62 (bins up to 2: 0.11).
    assert two(0.6, 0.62) == pytest.approx(0.51)


def test_empty_inputs_score_zero() -> None:
    s = score([], [], list(INTENT_ORDER))
    assert (s.macro_f1, s.accuracy, s.n) == (0.0, 0.0, 0)


def test_one_wrong_keyword_has_its_confidence_as_error() -> None:
    assert expected_calibration_error(np.array([[0.8, 0.2]]), [1]) == pytest.approx(0.8)


def test_the_markdown_report() -> None:
    from intentkit._metrics import markdown

    text = markdown("t", score(["a", "b", "b"], ["a", "b", "a"], ["alphabet", "a", "b"]))
    assert "**t**: 3 keywords, macro-F1 **0.667**, accuracy 0.667" in text
    assert "| | alpha | a | b |" in text  # classes abbreviated to five letters
    assert "| b | 1.000 | 0.500 | 0.667 | 2 |" in text
    assert "| b | 0 | 1 | 1 |" in text
    assert "| alpha | 0 | 0 | 0 |" in text


def test_the_confusion_matrix_keeps_every_prediction() -> None:
    from intentkit._evaluate import score_rows

    # No local label: the scores count local as transactional, the matrix shows it as made.
    rows = [
        Labelled(1, "pizza near me", ("transactional",)),
        Labelled(2, "buy a bike", ("transactional",)),
        Labelled(3, "bike", ("commercial",)),
        Labelled(4, "???", ("commercial",)),
    ]
    scores = score_rows("f", rows, ["local", "transactional", "navigational", ""])
    assert scores.strict.per_class["transactional"].recall == 1.0
    report = scores.report()
    assert "| | comme | trans | navig | local | none |" in report
    assert "| comme | 0 | 0 | 1 | 0 | 1 |" in report
    assert "| trans | 0 | 1 | 0 | 1 | 0 |" in report
    assert "The local column counts as transactional" in report
    # With local labels nothing is folded and the note is left out.
    with_local = [*rows, Labelled(5, "x", ("local",))]
    report = score_rows("f", with_local, ["local", "local", "commercial", "", "local"]).report()
    assert "| | comme | trans | local | none |" in report
    assert "| trans | 0 | 0 | 2 | 0 |" in report
    assert "counts as transactional" not in report
