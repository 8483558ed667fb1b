"""The model file format and the scoring arithmetic, on tiny hand-built models."""

from __future__ import annotations

import hashlib
import io
import json
import math
import pickle
from pathlib import Path

import numpy as np
import pytest
from conftest import tiny_model

from intentkit import Intent, IntentClassifier
from intentkit._model import load_model
from intentkit.errors import ModelFileError
from intentkit.types import INTENT_ORDER


def softmax(z: list[float]) -> list[float]:
    m = max(z)
    e = [math.exp(v - m) for v in z]
    return [v / sum(e) for v in e]


def test_scoring_is_softmax_of_summed_weights(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    result = clf.classify("how to buy")
    # intercept + w:how (informational +3) + w:buy (transactional +3)
    expected = softmax([0.5 + 3, 0.0, 0.0 + 3, -0.5, -1.0])
    assert [result.probabilities[Intent(i)] for i in INTENT_ORDER] == pytest.approx(
        expected, abs=1e-12
    )
    assert result.intent is Intent.INFORMATIONAL
    assert result.confidence == pytest.approx(max(expected))
    assert result.model_version == tiny_model().version


def test_features_are_counted(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    twice = clf.classify("buy buy")
    expected = softmax([0.5, 0.0, 6.0, -0.5, -1.0])
    assert twice.probabilities[Intent.TRANSACTIONAL] == pytest.approx(expected[2], abs=1e-12)


def test_lexicon_brand_and_place(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    assert clf.classify("netflix").intent is Intent.NAVIGATIONAL
    assert clf.classify("Acme Corp").intent is Intent.NAVIGATIONAL
    assert clf.classify("pizza malmö").intent is Intent.LOCAL
    assert clf.classify("pizza malmo").intent is Intent.LOCAL  # typed without diacritics
    assert clf.classify("pizza new york").intent is Intent.LOCAL
    assert clf.classify("pizza").intent is Intent.INFORMATIONAL  # only the intercept


def test_user_brands_and_places_without_retraining(tiny_path: Path) -> None:
    plain = IntentClassifier(model=tiny_path)
    assert plain.classify("zzyzx").intent is Intent.INFORMATIONAL
    custom = IntentClassifier(model=tiny_path, brands=["zzyzx"], places=["tumba"])
    assert custom.classify("zzyzx").intent is Intent.NAVIGATIONAL
    assert custom.classify("rörmokare tumba").intent is Intent.LOCAL
    assert plain.classify("rörmokare tumba").intent is Intent.INFORMATIONAL


def test_language_head(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    assert clf.classify("köpa skor").language == "sv"
    assert clf.classify("how best").language == "en"
    assert clf.classify("zzz").language == "unknown"


def test_save_then_load_gives_identical_probabilities(tmp_path: Path) -> None:
    model = tiny_model()
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    sha = model.save(a)
    loaded = load_model(a, sha256=sha)
    loaded.save(b)
    assert a.read_bytes() == b.read_bytes()
    assert hashlib.sha256(a.read_bytes()).hexdigest() == sha
    rows = [[0, 1, 2], [], [3, 3]]
    for x, y in zip(model.scores(rows), loaded.scores(rows)):
        assert np.array_equal(x, y)
    assert loaded.lexicon == model.lexicon
    assert loaded.features == model.features


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "nope.npz")


@pytest.mark.parametrize(
    "content",
    [b"", b"not a zip at all", b"PK\x03\x04garbage", pickle.dumps({"coef": [1, 2]})],
    ids=["empty", "text", "bad-zip", "pickle"],
)
def test_foreign_files_raise_value_error_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"model\.npz.*not a valid intentkit model"):
        load_model(path)


def test_truncated_file(tiny_path: Path) -> None:
    data = tiny_path.read_bytes()
    tiny_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"tiny\.npz"):
        load_model(tiny_path)


def _rewrite(path: Path, **replace: np.ndarray) -> None:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k.removesuffix(".npy"): npz[k] for k in npz.files}
    arrays.update(replace)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    path.write_bytes(buf.getvalue())


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_weights_rejected(tiny_path: Path, bad: float) -> None:
    coef = tiny_model().coef.copy()
    coef[0, 0] = bad
    _rewrite(tiny_path, coef=coef)
    with pytest.raises(ValueError, match="NaN or infinite"):
        load_model(tiny_path)


def test_wrong_shape_rejected(tiny_path: Path) -> None:
    _rewrite(tiny_path, coef=np.zeros((3, 5)))
    with pytest.raises(ValueError, match="expected float64"):
        load_model(tiny_path)


def test_wrong_format_version_rejected(tiny_path: Path) -> None:
    meta = dict(tiny_model().meta, format_version=99)
    blob = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    _rewrite(tiny_path, meta=blob)
    with pytest.raises(ModelFileError, match="model file format 99"):
        load_model(tiny_path)


class _Payload:
    """Unpickling this writes a file: proof that code from the model file ran."""

    target = ""

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (Path(self.target), "pwned"))


def test_pickled_arrays_are_never_unpickled(tiny_path: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = _Payload()
    payload.target = str(marker)
    _rewrite(tiny_path, meta=np.array([payload], dtype=object))
    with pytest.raises(ValueError, match=r"tiny\.npz"):
        load_model(tiny_path)
    assert not marker.exists()


def test_checksum_mismatch(tiny_path: Path) -> None:
    with pytest.raises(ValueError, match="SHA-256 does not match"):
        load_model(tiny_path, sha256="0" * 64)


def test_corrupt_model_error_from_classifier_names_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.npz"
    path.write_bytes(b"junk")
    with pytest.raises(ValueError, match=r"broken\.npz"):
        IntentClassifier(model=path).classify("x")


def test_a_model_built_for_earlier_features_says_how_to_rebuild_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``tests/data/model-v7.npz``: `intentkit train tests/data/user-export.csv` at features version 7."""
    from intentkit._cli import main
    from intentkit._features import FEATURES_VERSION

    path = Path(__file__).resolve().parent / "data" / "model-v7.npz"
    if FEATURES_VERSION == 7:
        assert IntentClassifier(model=path).classify("buy garden hose").intent is not None
        return
    with pytest.raises(ModelFileError) as info:
        load_model(path)
    message = str(info.value)
    assert "built for features version 7" in message
    assert "intentkit train " in message and "user-export.csv" in message
    assert main(["classify", "--model", str(path), "buy garden hose"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "intentkit train" in err


def test_the_version_names_the_weights(tmp_path: Path) -> None:
    import dataclasses

    model = tiny_model()
    model.save(tmp_path / "a.npz")
    loaded = load_model(tmp_path / "a.npz")
    assert loaded.version == model.version == loaded.meta["model_version"]
    assert len(model.version) == 16
    changed = dataclasses.replace(model, intercept=model.intercept + 1e-9)
    assert changed.version != model.version
    # A file whose weights were edited after it was written no longer matches its version.
    _rewrite(tmp_path / "a.npz", intercept=np.asarray(model.intercept + 1.0))
    with pytest.raises(ModelFileError, match="do not match the model_version"):
        load_model(tmp_path / "a.npz")
