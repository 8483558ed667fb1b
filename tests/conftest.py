from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from intentkit._features import FEATURES_VERSION, Lexicon
from intentkit._model import FORMAT, FORMAT_VERSION, Model
from intentkit.types import INTENT_ORDER

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# A tiny hand-built model: each cue word pushes one intent by 3, brands and places by 2.
TINY_WEIGHTS = {
    "w:how": ("informational", 3.0),
    "w:best": ("commercial", 3.0),
    "w:buy": ("transactional", 3.0),
    "w:login": ("navigational", 3.0),
    "L:only_brand": ("navigational", 2.0),
    "L:place": ("local", 2.0),
    "w:köpa": ("transactional", 3.0),
    "X:commercial@place": ("local", 2.5),
    "X:transactional@place": ("transactional", 1.0),
    "X:retention@brand": ("navigational", 1.5),
}
TINY_LANG = {"c:<kö": 4.0, "w:how": -2.0, "w:best": -2.0}


def tiny_model() -> Model:
    features = tuple(sorted(set(TINY_WEIGHTS) | set(TINY_LANG)))
    coef = np.zeros((len(features), len(INTENT_ORDER)))
    lang = np.zeros(len(features))
    for j, name in enumerate(features):
        if name in TINY_WEIGHTS:
            intent, w = TINY_WEIGHTS[name]
            coef[j, INTENT_ORDER.index(intent)] = w
        lang[j] = TINY_LANG.get(name, 0.0)
    return Model(
        features=features,
        coef=coef,
        intercept=np.array([0.5, 0.0, 0.0, -0.5, -1.0]),
        lang_coef=lang,
        lang_intercept=0.0,
        lexicon=Lexicon.build(
            brands=["netflix", "acme corp"],
            places=["malmö", "new york"],
            cues=[("best", "commercial"), ("buy", "transactional"), ("best pizza", "commercial")],
            stage_cues=[("login", "retention"), ("mina sidor", "retention"), ("förnya", "renew")],
        ),
        meta={
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "model_version": "tiny-1",
            "intents": list(INTENT_ORDER),
            "char_ngrams": [3, 5],
            "features_version": FEATURES_VERSION,
        },
    )


TINY_WORDS = ["how", "best", "buy", "login", "köpa", "netflix", "malmö", "new", "york", "zz"]
TINY_WORDS += ["pizza", "mina", "sidor"]
"""Words that touch every part of the tiny model: cues, brands, multi-word places and stage cues."""


def random_keywords(
    n: int, seed: int, words: list[str] = TINY_WORDS, longest: int = 6
) -> list[str]:
    """``n`` keywords of 1 to ``longest`` words drawn from ``words``, reproducible by ``seed``."""
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(words, size=rng.integers(1, longest + 1))) for _ in range(n)]


@pytest.fixture
def tiny_path(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.npz"
    tiny_model().save(path)
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in-process: its exit code, standard output and standard error."""
    from intentkit._cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> bool:
    """Whether ``err`` is one line and no traceback: how the command line reports bad input."""
    return len(err.strip().splitlines()) == 1 and "Traceback" not in err
