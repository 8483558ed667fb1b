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


def _zip(path: Path, members: dict[str, bytes], attrs: dict[str, int] | None = None) -> None:
    """Write ``members`` (name -> raw bytes) as a zip, with optional Unix modes by name."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (attrs or {}).get(name, 0o100644) << 16
            zf.writestr(info, data)


def _members(path: Path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _cli_one_line_error(model: Path) -> str:
    """``intentkit classify --model <model>`` in a process with 4 GiB of address space at most
    (an unbounded read fails instead of filling the machine); its one-line error."""
    import resource
    import subprocess
    import sys

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))

    proc = subprocess.run(
        [sys.executable, "-m", "intentkit._cli", "classify", "--model", str(model), "buy"],
        capture_output=True,
        text=True,
        timeout=60,  # a hang guard: a model path that blocks would wait forever
        preexec_fn=limit,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    return proc.stderr


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "model.npz"
    os.mkfifo(fifo)
    err = _cli_one_line_error(fifo)
    assert f"{fifo}: is not a regular file" in err
    with pytest.raises(ModelFileError, match="FIFO, device or socket"):
        load_model(fifo)


def test_a_device_is_refused_not_read() -> None:
    assert "/dev/zero: is not a regular file" in _cli_one_line_error(Path("/dev/zero"))


def test_a_folder_and_a_symlink_loop_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="is a folder; give the model file in it"):
        load_model(tmp_path)
    (tmp_path / "a.npz").symlink_to(tmp_path / "b.npz")
    (tmp_path / "b.npz").symlink_to(tmp_path / "a.npz")
    with pytest.raises(ModelFileError, match=r"a\.npz: .*symbolic links"):
        load_model(tmp_path / "a.npz")
    with pytest.raises(ModelFileError, match=r"a\.npz: .*symlink loop"):
        IntentClassifier(model=tmp_path / "a.npz").classify("buy")
    assert "a.npz: " in _cli_one_line_error(tmp_path / "a.npz")


def test_a_member_declaring_4_gib_is_refused_before_it_is_read(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The central directory says ``coef.npy`` unpacks to 4 GiB; nothing is unpacked."""
    import zipfile

    data = bytearray(tiny_path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the central directory's entries, then coef.npy's
    while data[entry + 46 : entry + 46 + 8] != b"coef.npy":
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = (2**32 - 1).to_bytes(4, "little")  # uncompressed size
    tiny_path.write_bytes(bytes(data))

    def no_reading(*args: object, **kwargs: object) -> object:
        raise AssertionError("a member was opened before its size was checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    with pytest.raises(ModelFileError) as info:
        load_model(tiny_path)
    message = str(info.value)
    assert "tiny.npz" in message and "'coef.npy' unpacks to 4,294,967,295 bytes" in message
    assert "at most 256 MiB" in message


def test_an_npy_header_declaring_a_huge_array_is_refused_before_allocation(
    tiny_path: Path,
) -> None:
    members = _members(tiny_path)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**12, 5)}
    )
    members["coef.npy"] = header.getvalue() + b"\0" * 64
    _zip(tiny_path, members)
    with pytest.raises(ModelFileError, match=r"tiny\.npz: .*'coef\.npy' declares shape"):
        load_model(tiny_path)
    assert "declares shape (1000000000000, 5)" in _cli_one_line_error(tiny_path)


@pytest.mark.parametrize(
    ("content", "mode", "expect"),
    [
        (b"not an array", 0o100644, "'meta.npy' is not a .npy array"),
        (b"/etc/passwd", 0o120777, "'meta.npy' is a symbolic link"),
    ],
    ids=["raw-bytes", "symlink"],
)
def test_a_member_that_is_not_an_array_is_refused(
    tiny_path: Path, content: bytes, mode: int, expect: str
) -> None:
    members = _members(tiny_path)
    members["meta.npy"] = content
    _zip(tiny_path, members, {"meta.npy": mode})
    with pytest.raises(ModelFileError, match=r"tiny\.npz: ") as info:
        load_model(tiny_path)
    assert expect in str(info.value)


def test_weights_too_large_to_sum_are_refused(tiny_path: Path) -> None:
    """1e308 is finite, but two of them sum to infinity and a keyword gets no probability."""
    coef = tiny_model().coef.copy()
    coef[0, 0] = 1e308
    _rewrite(tiny_path, coef=coef)
    with pytest.raises(ModelFileError, match=r"'coef' holds a weight of magnitude 1e\+308"):
        load_model(tiny_path)
    _rewrite(tiny_path, coef=tiny_model().coef, lang_intercept=np.array([-2e6]))
    with pytest.raises(ModelFileError, match=r"'lang_intercept' .* more than 1e\+06"):
        load_model(tiny_path)


def _blob(value: object) -> np.ndarray:
    return np.frombuffer(json.dumps(value).encode(), dtype=np.uint8)


def _lexicon(tiny_path: Path) -> dict[str, object]:
    with np.load(tiny_path, allow_pickle=False) as npz:
        lexicon: dict[str, object] = json.loads(npz["lexicon"].tobytes())
    return lexicon


@pytest.mark.parametrize(
    ("array", "field", "value", "expect"),
    [
        ("meta", "intents", 5, "meta intents are 5"),
        ("meta", "char_ngrams", 5, "features version"),
        ("meta", "unknown_temperature", [2], "unknown_temperature must be a number"),
        ("lexicon", "cues", {"best": [["commercial"]]}, "lexicon cues must map"),
        ("lexicon", "stage_cues", {"login": ["retention"]}, "lexicon stage_cues must map"),
        ("lexicon", "kinds", {"x": ["model"]}, "lexicon kinds must map"),
        ("lexicon", "places", {"a": 1}, "lexicon places must be a list"),
    ],
)
def test_wrong_types_in_meta_and_lexicon_name_the_file_and_field(
    tiny_path: Path, array: str, field: str, value: object, expect: str
) -> None:
    content = dict(tiny_model().meta) if array == "meta" else _lexicon(tiny_path)
    content[field] = value
    _rewrite(tiny_path, **{array: _blob(content)})
    with pytest.raises(ModelFileError, match=r"tiny\.npz: ") as info:
        load_model(tiny_path)
    assert expect in str(info.value)


@pytest.mark.parametrize("array", ["meta", "lexicon"])
def test_deeply_nested_json_is_refused(tiny_path: Path, array: str) -> None:
    deep = np.frombuffer(b"[" * 100_000 + b"]" * 100_000, dtype=np.uint8)
    _rewrite(tiny_path, **{array: deep})
    with pytest.raises(ModelFileError, match=rf"tiny\.npz: .*'{array}' holds JSON nested too"):
        load_model(tiny_path)


def test_a_file_over_the_size_limit_is_refused(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intentkit import _model

    monkeypatch.setattr(_model, "MAX_MODEL_BYTES", tiny_path.stat().st_size - 1)
    with pytest.raises(ModelFileError, match=r"tiny\.npz: is larger than .* a model file may hold"):
        load_model(tiny_path)


@pytest.mark.parametrize("card", [{"model_version": "x"}, "[", None], ids=["no-sha", "bad", "none"])
def test_the_shipped_model_without_a_usable_card_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, card: object
) -> None:
    """A shipped model whose card is missing, unreadable or has no ``sha256`` is a broken
    install: its check cannot be skipped."""
    import shutil

    from intentkit import _classifier as clf_module

    shipped = clf_module.default_model_path()
    shutil.copy(shipped, tmp_path / shipped.name)
    if card is not None:
        text = card if isinstance(card, str) else json.dumps(card)
        (tmp_path / clf_module.CARD_FILE).write_text(text, encoding="utf-8")
    monkeypatch.setattr(clf_module, "default_model_path", lambda: tmp_path / shipped.name)
    monkeypatch.setattr(clf_module, "_models", {})
    expect = "not a valid JSON model card" if card == "[" else "model-card.json has no sha256"
    with pytest.raises(ModelFileError, match=expect):
        IntentClassifier().classify("x")
