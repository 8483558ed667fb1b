"""Every decision rule against numbers worked out by hand, on both paths (one keyword, a chunk)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from intentkit._decide import (
    EN,
    SCALAR,
    SECONDARY_INTENTS,
    SV,
    UNKNOWN,
    VECTOR,
    Policy,
    conversion_score,
    decide_chunk,
    decide_one,
    language_code,
    probabilities,
    secondary_code,
    stage_index,
)
from intentkit._features import RENEW_BIT, RETENTION_BIT
from intentkit.journey import DEFAULT_PRIORS, FRAMEWORKS
from intentkit.types import Intent

INFO, COMM, TRANS, NAV, LOCAL = Intent


def policy(framework: str = "funnel", intercept: Sequence[float] = (0.0,) * 5) -> Policy:
    fw = FRAMEWORKS[framework]
    return Policy.build(intercept, 0.0, fw.stages, fw.intents, fw.forced_stage, DEFAULT_PRIORS)


def both(rule: Any, *args: Any, **kw: Any) -> list[Any]:
    """``rule`` for one keyword (floats) and for a chunk of two copies of it: the same answer.

    A list argument is one column per intent; returns ``[answer]`` for unpacking.
    """
    one = rule(*args, ops=SCALAR, **kw)

    def twice(a: Any) -> Any:
        return [np.array([v, v]) for v in a] if isinstance(a, list) else np.array([a, a])

    many = rule(*map(twice, args), ops=VECTOR, **kw)
    rows = np.column_stack(many).tolist() if isinstance(many, list) else np.asarray(many).tolist()
    assert rows == [one, one]
    return [one]


def test_probabilities_are_the_softmax_of_the_logits() -> None:
    logits = [0.0, math.log(2), math.log(3), math.log(4), 0.0]  # exp: 1, 2, 3, 4, 1; total 11
    (p,) = both(probabilities, logits)
    assert p == pytest.approx([1 / 11, 2 / 11, 3 / 11, 4 / 11, 1 / 11], abs=1e-15)
    shifted = probabilities([v + 1000 for v in logits], SCALAR)  # no overflow: the max is taken off
    assert shifted == pytest.approx(p, abs=1e-12)


def test_secondary_intents_are_the_others_above_the_threshold_most_likely_first() -> None:
    # top commercial 0.3; informational and navigational tie at 0.25 (intent order breaks it);
    # transactional is exactly at the threshold 0.2 and counts; local 0.0 does not.
    (code,) = both(secondary_code, [0.25, 0.3, 0.2, 0.25, 0.0])
    assert SECONDARY_INTENTS[code] == (INFO, NAV, TRANS)
    (code,) = both(secondary_code, [0.19, 0.62, 0.19, 0.0, 0.0])  # below 0.2: none
    assert SECONDARY_INTENTS[code] == ()
    (code,) = both(secondary_code, [0.1, 0.1, 0.21, 0.59, 0.0])
    assert SECONDARY_INTENTS[code] == (TRANS,)
    (code,) = both(secondary_code, [0.2] * 5)  # all equal: the first is top, all four others
    assert SECONDARY_INTENTS[code] == (COMM, TRANS, NAV, LOCAL)


@pytest.mark.parametrize(
    ("p_sv", "known", "expected"),
    [
        (0.65, 3, SV),  # 0.5 + 0.15: Swedish from here
        (0.6499, 3, UNKNOWN),
        (0.35, 3, EN),  # 0.5 - 0.15: English up to here
        (0.3501, 3, UNKNOWN),
        (0.99, 0, UNKNOWN),  # no known feature: no evidence at all
        (0.01, 0, UNKNOWN),
    ],
)
def test_language_band(p_sv: float, known: float, expected: int) -> None:
    assert both(language_code, p_sv, known) == [expected]


def test_stage_is_the_stage_with_the_most_probability_mass() -> None:
    funnel = policy()
    stages = list(funnel.stages)
    # informational is the single most likely intent, but the conversion intents weigh 0.66
    (s,) = both(stage_index, [0.34, 0.0, 0.33, 0.33, 0.0], 0, policy=funnel)
    assert stages[s] == "conversion"
    (s,) = both(stage_index, [0.6, 0.1, 0.1, 0.1, 0.1], 0, policy=funnel)
    assert stages[s] == "awareness"
    (s,) = both(stage_index, [0.5, 0.5, 0.0, 0.0, 0.0], 0, policy=funnel)
    assert stages[s] == "awareness"  # a tie goes to the earlier stage
    five = policy("five_as")
    (s,) = both(stage_index, [0.1, 0.1, 0.1, 0.6, 0.1], 0, policy=five)
    assert five.stages[s] == "appeal"  # a brand look-up


def test_post_purchase_cues_force_their_stage() -> None:
    p = [0.9, 0.1, 0.0, 0.0, 0.0]
    funnel, b2c = policy(), policy("b2c")
    assert funnel.stages[both(stage_index, p, RETENTION_BIT, policy=funnel)[0]] == "retention"
    assert funnel.stages[both(stage_index, p, RENEW_BIT, policy=funnel)[0]] == "retention"
    assert b2c.stages[both(stage_index, p, RETENTION_BIT, policy=b2c)[0]] == "use"
    assert b2c.stages[both(stage_index, p, RENEW_BIT, policy=b2c)[0]] == "renew"
    both_bits = RETENTION_BIT | RENEW_BIT
    assert b2c.stages[both(stage_index, p, both_bits, policy=b2c)[0]] == "renew"  # renew wins
    intent_cue_only = 4  # an intent cue bit forces nothing
    assert funnel.stages[both(stage_index, p, intent_cue_only, policy=funnel)[0]] == "awareness"


def test_conversion_score_is_the_expectation_of_the_priors() -> None:
    # 0.5 * 0.005 + 0.25 * 0.02 + 0.25 * 0.05 = 0.0025 + 0.005 + 0.0125
    p = [0.5, 0.25, 0.25, 0.0, 0.0]
    assert conversion_score(p, policy()) == pytest.approx(0.02, abs=1e-15)
    chunk = conversion_score([np.array([v]) for v in p], policy())
    assert chunk.tolist() == [conversion_score(p, policy())]


def test_one_keyword_and_a_chunk_decide_alike() -> None:
    rng = np.random.default_rng(0)
    summed = rng.normal(scale=3, size=(200, 8))
    summed[:, 6] = rng.integers(0, 3, size=200)  # known-feature counts, some zero
    summed[:, 7] = rng.integers(0, 2, size=200)  # some keywords with nothing known in them
    cues = rng.integers(0, 1 << 7, size=200)
    pol = dataclasses.replace(
        policy("b2c", intercept=(0.4, -0.2, 0.1, 0.0, -0.3)), unknown_temperature=3.0
    )
    chunk = decide_chunk(summed, cues, [], pol)
    for i in range(200):
        one = decide_one(summed[i].tolist(), int(cues[i]), pol)
        assert chunk.probabilities[i].tolist() == one.probabilities
        assert (chunk.top[i], chunk.secondary[i], chunk.language[i], chunk.stage[i]) == (
            one.top,
            one.secondary,
            one.language,
            one.stage,
        )
        assert chunk.conversion[i] == one.conversion


def test_decide_adds_the_intercepts_before_the_softmax() -> None:
    summed = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    d = decide_one(summed, 0, policy(intercept=(0.0, math.log(3), 0.0, 0.0, 0.0)))
    assert d.probabilities == pytest.approx([1 / 7, 3 / 7, 1 / 7, 1 / 7, 1 / 7], abs=1e-15)
    assert list(Intent)[d.top] is COMM


def test_a_keyword_with_nothing_known_has_its_weights_shrunk() -> None:
    # weights (ln 4, 0, 0, 0, 0), intercepts 0; unknown temperature 2 halves the weights: the
    # logits become (ln 2, 0, 0, 0, 0), so p = (2/6, 1/6, 1/6, 1/6, 1/6).
    pol = dataclasses.replace(policy(), unknown_temperature=2.0)
    summed = [math.log(4), 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0]
    d = decide_one(summed, 0, pol)
    assert d.probabilities == pytest.approx([2 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6], abs=1e-15)
    known = decide_one([*summed[:7], 0.0], 0, pol)  # the same weights with something known
    assert known.probabilities == pytest.approx([4 / 8, 1 / 8, 1 / 8, 1 / 8, 1 / 8], abs=1e-15)


def test_swedish_probability_and_its_intercept() -> None:
    from intentkit._decide import swedish_probability

    assert swedish_probability(0.0, SCALAR) == 0.5
    assert swedish_probability(math.log(3), SCALAR) == pytest.approx(0.75, abs=1e-15)
    # A language intercept of ln 3 with no weights makes a keyword 0.75 Swedish: "sv".
    fw = FRAMEWORKS["funnel"]
    pol = Policy.build(
        (0.0,) * 5, math.log(3), fw.stages, fw.intents, fw.forced_stage, DEFAULT_PRIORS
    )
    d = decide_one([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0], 0, pol)
    assert d.language == SV
    pol = dataclasses.replace(pol, lang_intercept=-math.log(3))
    assert decide_one([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0], 0, pol).language == EN


def test_a_cue_can_force_the_first_stage() -> None:
    from intentkit.journey import Framework

    fw = Framework.model_validate(
        {
            "name": "care-first",
            "stages": ["care", "learn", "buy"],
            "intents": {
                "informational": "learn",
                "commercial": "learn",
                "transactional": "buy",
                "navigational": "buy",
                "local": "buy",
            },
            "cues": {"retention": "care"},
        }
    )
    pol = Policy.build((0.0,) * 5, 0.0, fw.stages, fw.intents, fw.forced_stage, DEFAULT_PRIORS)
    (s,) = both(stage_index, [0.1, 0.1, 0.6, 0.1, 0.1], RETENTION_BIT, policy=pol)
    assert pol.stages[s] == "care"


def test_the_default_policy_leaves_a_keyword_with_nothing_known_alone() -> None:
    summed = [math.log(4), 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0]
    silent = decide_one(summed, 0, policy())
    assert silent.probabilities == decide_one([*summed[:7], 0.0], 0, policy()).probabilities
