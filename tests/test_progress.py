"""Progress bars: when they show (auto, True, False), once per chunk, and never changing results."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import random_keywords

from intentkit import IntentClassifier
from intentkit import _progress as P
from intentkit._classifier import CHUNK_SIZE


class Recorder:
    """Stands in for tqdm's class: records every bar built, its total and its updates."""

    bars: ClassVar[list[Recorder]] = []

    def __init__(self, total: int | None = None, **kw: Any) -> None:
        self.total = total
        self.kw = kw
        self.updates: list[int] = []
        self.steps: list[str] = []
        self.closed = False
        Recorder.bars.append(self)

    def update(self, n: int) -> None:
        self.updates.append(n)

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        self.steps.append(text)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[Recorder]:
    Recorder.bars = []
    monkeypatch.setattr(P, "_tqdm_class", lambda notebook: Recorder)
    return Recorder.bars


@pytest.fixture
def tiny(tiny_path: Path) -> IntentClassifier:
    return IntentClassifier(model=tiny_path)


def test_a_bar_moves_once_per_chunk_and_changes_nothing(
    tiny: IntentClassifier, bars: list[Recorder]
) -> None:
    keywords = random_keywords(2 * CHUNK_SIZE + 5, seed=3)
    plain = tiny.classify_many(keywords, progress=False)
    assert bars == []
    shown = tiny.classify_many(keywords, progress=True)
    assert [r.model_dump_json() for r in shown] == [r.model_dump_json() for r in plain]
    (bar,) = bars
    assert bar.total == len(keywords) and bar.closed
    assert bar.updates == [CHUNK_SIZE, CHUNK_SIZE, 5]
    assert len(bar.updates) == math.ceil(len(keywords) / CHUNK_SIZE)


def test_auto_shows_a_bar_only_for_long_work_someone_sees(
    tiny: IntentClassifier, bars: list[Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    keywords = random_keywords(40, seed=4)
    monkeypatch.setattr(P, "_interactive", lambda: True)
    tiny.classify_many(keywords)  # short: no bar
    assert bars == []
    monkeypatch.setattr(P, "PROGRESS_MIN", 30)
    tiny.classify_many(iter(keywords))  # no length: never long
    assert bars == []
    tiny.classify_many(keywords)
    assert len(bars) == 1 and bars[0].total == 40
    monkeypatch.setattr(P, "_interactive", lambda: False)  # a pipe, a log, a test run
    tiny.classify_many(keywords)
    assert len(bars) == 1


def test_under_pytest_nobody_sees_standard_error() -> None:
    assert not P._interactive()


def test_the_real_tqdm_bar_counts_keywords(
    tiny: IntentClassifier, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny.classify_many(random_keywords(CHUNK_SIZE + 1, seed=5), progress=True)
    err = capsys.readouterr().err
    assert "classify: 100%" in err and "4.10k/4.10k" in err and "keywords/s" in err


def test_progress_true_without_tqdm_names_the_extra(
    tiny: IntentClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(ImportError, match=r"pip install 'intentkit-seo\[progress\]'"):
        tiny.classify_many(["how"], progress=True)
    # auto and False stay silent without tqdm
    monkeypatch.setattr(P, "_interactive", lambda: True)
    monkeypatch.setattr(P, "PROGRESS_MIN", 1)
    assert tiny.classify_many(["how"])[0].intent is not None
    assert tiny.classify_many(["how"], progress=False)[0].intent is not None


def test_progress_must_be_a_bool_or_none(tiny: IntentClassifier) -> None:
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        tiny.classify_many(["how"], progress="yes")  # type: ignore[arg-type]


def test_label_frame_passes_progress_on(tiny: IntentClassifier, bars: list[Recorder]) -> None:
    pd = pytest.importorskip("pandas")
    from intentkit import label_frame

    df = pd.DataFrame({"keyword": random_keywords(10, seed=6)})
    labelled = label_frame(df, classifier=tiny, progress=True)
    assert len(labelled) == 10
    (bar,) = bars
    assert bar.total == 10 and bar.updates == [10]


def test_workers_and_a_bar(tiny: IntentClassifier, bars: list[Recorder]) -> None:
    keywords = random_keywords(CHUNK_SIZE + 7, seed=7)
    alone = tiny.classify_many(keywords)
    with_workers = tiny.classify_many(keywords, n_jobs=2, progress=True)
    assert [r.model_dump_json() for r in with_workers] == [r.model_dump_json() for r in alone]
    (bar,) = bars
    assert sum(bar.updates) == len(keywords)


def test_training_shows_its_fitting_steps(bars: list[Recorder]) -> None:
    from intentkit._dataset import Row
    from intentkit._features import Lexicon
    from intentkit._train import train

    words = {
        "informational": "how",
        "commercial": "best",
        "transactional": "buy",
        "navigational": "login",
    }
    rows = [
        Row(f"{w} thing {i}", intent, "", "en", f"v{i % 3}", "hand")
        for intent, w in words.items()
        for i in range(12)
    ]
    train(rows, Lexicon.build(), heldout=False, folds=2, c_grid=(1.0,), progress=True)
    (bar,) = bars
    assert bar.total == 3 and bar.updates == [0, 1, 1, 1] and bar.closed
    assert bar.steps == ["features", "intent model", "language model", "done"]
    train(rows, Lexicon.build(), heldout=False, folds=2, c_grid=(1.0,))  # auto: short
    assert len(bars) == 1
