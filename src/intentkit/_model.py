"""The model artifact: vocabulary, lexicon and linear weights in one ``.npz`` file.

The file is a zip of ``.npy`` arrays read with ``allow_pickle=False``: only numbers and UTF-8 bytes,
so loading never runs code from the file, and nothing in it depends on the scikit-learn version
that trained it. The file must be a regular file; its size, each member's unpacked size and each
array's declared shape are checked before anything is read or allocated (:data:`MAX_MODEL_BYTES`),
and every array's name, dtype, shape and weight range before use.
``docs/model-format.md`` specifies the file.

A model's version is a content hash: :func:`content_hash` over its arrays and its metadata (all but
the version itself), so two files with the same weights, vocabulary and lexicon have the same
version and any change gives another. Loading recomputes it.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import stat
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from intentkit._features import (
    BRAND_KINDS,
    CHAR_NGRAMS,
    CUE_SETS,
    FEATURES_VERSION,
    NO_SIGNAL,
    NOUN_KINDS,
    Featurizer,
    Lexicon,
)
from intentkit.errors import ModelFileError
from intentkit.types import INTENT_ORDER

FORMAT = "intentkit-model"
FORMAT_VERSION = 1
ARRAYS = ("coef", "intercept", "lang_coef", "lang_intercept", "features", "lexicon", "meta")
"""The members of a model file, in the order they are written and hashed."""
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
MAX_MODEL_BYTES = 256 * 2**20
"""The most a model file, and all its arrays unpacked, may hold: 256 MiB, about 25 times the
shipped model (4.6 MB on disk, 10 MB unpacked). Larger files and members are refused unread."""
MAX_WEIGHT = 1e6
"""The largest weight magnitude a model may hold (the shipped model's are below 4): sums of
larger ones can overflow to infinity and leave keywords without a probability."""
_VERSION = re.compile(r"[0-9a-f]{16}")

LANGUAGE_COLUMN = len(INTENT_ORDER)
"""Column of :meth:`Model.scoring_weights` that sums the Swedish-vs-English logit."""
KNOWN_COLUMN = LANGUAGE_COLUMN + 1
"""Column of :meth:`Model.scoring_weights` that counts the keyword's known features."""
SILENT_COLUMN = KNOWN_COLUMN + 1
"""Column of :meth:`Model.scoring_weights` that is 1 for a keyword with nothing known in it."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Model:
    """A trained model: feature names, lexicon, calibrated intent weights and a language head.

    ``coef[j, k]`` is feature ``j``'s weight for intent ``INTENT_ORDER[k]``; a keyword's logits are
    ``intercept`` plus the sum of its features' rows (features are counted). ``lang_coef`` scores
    Swedish against English the same way, as one logit.
    """

    features: tuple[str, ...]
    coef: FloatArray
    intercept: FloatArray
    lang_coef: FloatArray
    lang_intercept: float
    lexicon: Lexicon
    meta: Mapping[str, Any]

    @cached_property
    def version(self) -> str:
        """The model's version: the first 16 hex digits of its :func:`content_hash`."""
        return content_hash(self._arrays())[:16]

    def featurizer(self, brands: Sequence[str] = (), places: Sequence[str] = ()) -> Featurizer:
        """A featurizer over this model's vocabulary, with optional extra brands and places."""
        vocab = {name: i for i, name in enumerate(self.features)}
        lexicon = self.lexicon.extended(brands, places) if (brands or places) else self.lexicon
        return Featurizer(lexicon, vocab)

    @property
    def unknown_temperature(self) -> float:
        """How much a keyword with nothing known in it has its feature weights shrunk (>= 1)."""
        return float(self.meta.get("unknown_temperature", 1.0))

    def scoring_weights(self) -> FloatArray:
        """The matrix the scorer sums: one row per feature, one column per quantity.

        The intent weights, the language weight, a 1 that counts the feature, and a 1 for the
        ``L:no_signal`` flag (:data:`SILENT_COLUMN`).
        """
        ones = np.ones(len(self.features))
        silent = np.asarray([name == NO_SIGNAL for name in self.features], dtype=np.float64)
        return np.column_stack([self.coef, self.lang_coef, ones, silent])

    def scores(self, rows: Sequence[list[int]]) -> tuple[FloatArray, FloatArray]:
        """Intent logits ``(n, 5)`` and Swedish-vs-English logits ``(n,)`` for rows of indices.

        The reference computation, feature by feature; scoring uses the faster
        :class:`~intentkit._scorer.Scorer`, which must agree with it.
        """
        n = len(rows)
        flat = np.fromiter(chain.from_iterable(rows), dtype=np.intp)
        row_id = np.repeat(np.arange(n), np.fromiter(map(len, rows), dtype=np.intp, count=n))
        weights = self.coef[flat]
        logits = np.empty((n, len(INTENT_ORDER)))
        for k in range(len(INTENT_ORDER)):
            logits[:, k] = np.bincount(row_id, weights=weights[:, k], minlength=n)
        logits += self.intercept
        lang = np.asarray(np.bincount(row_id, weights=self.lang_coef[flat], minlength=n), float)
        return logits, lang + self.lang_intercept

    def _arrays(self) -> dict[str, npt.NDArray[Any]]:
        lex = self.lexicon
        lexicon = {
            "brands": dict(lex.brands),
            "places": sorted(lex.places),
            "cues": {k: list(v) for k, v in lex.cues.items()},
            "stage_cues": dict(lex.stage_cues),
            "kinds": dict(lex.kinds),
            "words": sorted(lex.words),
            "ambiguous": sorted(lex.ambiguous),
            "nouns": sorted(lex.nouns),
            "english": sorted(lex.english),
            "heads": sorted(lex.heads),
        }
        meta = {k: v for k, v in self.meta.items() if k != "model_version"}
        return {
            "coef": np.ascontiguousarray(self.coef, dtype=np.float64),
            "intercept": np.asarray(self.intercept, dtype=np.float64),
            "lang_coef": np.asarray(self.lang_coef, dtype=np.float64),
            "lang_intercept": np.asarray([self.lang_intercept], dtype=np.float64),
            "features": _blob("\n".join(self.features)),
            "lexicon": _blob(json.dumps(lexicon, ensure_ascii=False, sort_keys=True)),
            "meta": _blob(json.dumps(meta, ensure_ascii=False, sort_keys=True)),
        }

    def save(self, path: str | Path) -> str:
        """Write the model to ``path`` (byte-identical for identical models); return its SHA-256.

        The metadata written records the model's :attr:`version`; the file is written to a
        temporary name and renamed into place.
        """
        arrays = self._arrays()
        meta = {**json.loads(arrays["meta"].tobytes()), "model_version": self.version}
        arrays["meta"] = _blob(json.dumps(meta, ensure_ascii=False, sort_keys=True))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in ARRAYS:
                info = zipfile.ZipInfo(name + ".npy", date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                member = io.BytesIO()
                np.lib.format.write_array(member, arrays[name], allow_pickle=False)
                zf.writestr(info, member.getvalue())
        data = buf.getvalue()
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return hashlib.sha256(data).hexdigest()


def content_hash(arrays: Mapping[str, npt.NDArray[Any]]) -> str:
    """SHA-256 over every array but the version: name, dtype, shape and bytes, in file order."""
    h = hashlib.sha256()
    for name in ARRAYS:
        arr = arrays[name]
        h.update(f"{name}\0{arr.dtype.str}\0{arr.shape}\0".encode())
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def _blob(text: str) -> npt.NDArray[np.uint8]:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _text(arr: npt.NDArray[Any], name: str) -> str:
    if arr.dtype != np.uint8 or arr.ndim != 1:
        raise ValueError(f"array {name!r} must be 1-D uint8 text")
    return arr.tobytes().decode("utf-8")


def load_model(path: str | Path, *, sha256: str | None = None) -> Model:
    """Load and validate a model file.

    Raises ``FileNotFoundError`` if ``path`` does not exist and :class:`ModelFileError` naming the
    file if it is not a valid intentkit model (corrupt, truncated, foreign, wrong shapes,
    non-finite or out-of-range weights, weights that do not match the version recorded in it),
    if it is not a regular file (a FIFO, a device, a folder, a symlink loop), if it or an array
    in it is larger than :data:`MAX_MODEL_BYTES` (checked before reading), if it was built for
    other features than this intentkit computes (the message says how to rebuild it), or, when
    ``sha256`` is given, if its digest differs.
    """
    path = Path(path)
    data = _read_file(path)
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise ModelFileError(path, "SHA-256 does not match its model card; the file was changed")
    try:
        model, arrays = _parse(data, path)
    except ModelFileError:
        raise
    except (
        ValueError,
        TypeError,
        KeyError,
        OSError,
        EOFError,
        NotImplementedError,
        zipfile.BadZipFile,
        UnicodeDecodeError,
    ) as e:
        raise ModelFileError(path, f"not a valid intentkit model file: {e}") from None
    # The hash of the arrays as stored (what save() wrote), without serialising them again.
    meta = {k: v for k, v in model.meta.items() if k != "model_version"}
    arrays["meta"] = _blob(json.dumps(meta, ensure_ascii=False, sort_keys=True))
    model.__dict__["version"] = content_hash(arrays)[:16]
    recorded = str(model.meta.get("model_version", ""))
    if _VERSION.fullmatch(recorded) and recorded != model.version:
        raise ModelFileError(
            path,
            f"its weights do not match the model_version recorded in it ({recorded}); "
            "the file was changed",
        )
    return model


def _read_file(path: Path) -> bytes:
    """The bytes of the model file at ``path``: a regular file of at most :data:`MAX_MODEL_BYTES`.

    It is opened without blocking and checked before reading, so a FIFO is refused, not waited
    on, and a device is not read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise
    except OSError as e:
        raise ModelFileError(path, f"cannot be opened: {e.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ModelFileError(path, "is a folder; give the model file in it (intentkit.npz)")
        if not stat.S_ISREG(mode):
            raise ModelFileError(
                path, "is not a regular file (a FIFO, device or socket); a model must be a file"
            )
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_MODEL_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_MODEL_BYTES:
        raise ModelFileError(
            path, f"is larger than {_mib(MAX_MODEL_BYTES)}, the most a model file may hold"
        )
    return data


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def _read_arrays(data: bytes) -> dict[str, npt.NDArray[Any]]:
    """The arrays of a model file's bytes, by name; sizes and headers checked before reading.

    Each member must be a regular ``.npy`` member; its declared unpacked size (and all members'
    total) at most :data:`MAX_MODEL_BYTES`; its header's shape times item size exactly its data.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or end + 22 > len(data):
        raise zipfile.BadZipFile("File is not a zip file")
    entries = int.from_bytes(data[end + 10 : end + 12], "little")
    if entries != len(ARRAYS):
        raise ValueError(f"expected {len(ARRAYS)} arrays {sorted(ARRAYS)}, found {entries} members")
    arrays: dict[str, npt.NDArray[Any]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        names = sorted(i.filename.removesuffix(".npy") for i in infos)
        if names != sorted(ARRAYS):
            raise ValueError(f"expected arrays {sorted(ARRAYS)}, found {names}")
        total = 0
        for info in infos:
            member = info.filename
            kind = stat.S_IFMT(info.external_attr >> 16)
            if info.is_dir() or kind not in (0, stat.S_IFREG):
                raise ValueError(f"member {member!r} is a symbolic link or folder, not an array")
            total += info.file_size
            if info.file_size > MAX_MODEL_BYTES or total > MAX_MODEL_BYTES:
                raise ValueError(
                    f"member {member!r} unpacks to {info.file_size:,} bytes; a model's arrays "
                    f"may hold at most {_mib(MAX_MODEL_BYTES)} in all"
                )
            arrays[member.removesuffix(".npy")] = _read_npy(zf.read(info), member)
    return arrays


def _read_npy(blob: bytes, member: str) -> npt.NDArray[Any]:
    fmt = np.lib.format
    buf = io.BytesIO(blob)
    try:
        version = fmt.read_magic(buf)
    except ValueError:
        raise ValueError(f"member {member!r} is not a .npy array") from None
    if version == (1, 0):
        shape, _, dtype = fmt.read_array_header_1_0(buf)
    elif version == (2, 0):
        shape, _, dtype = fmt.read_array_header_2_0(buf)
    else:
        raise ValueError(f"member {member!r} is .npy version {version}, not 1.0 or 2.0")
    if dtype.hasobject:
        raise ValueError(
            f"member {member!r} holds Python objects (pickles), which are never loaded"
        )
    declared, held = math.prod(shape) * dtype.itemsize, len(blob) - buf.tell()
    if declared != held:
        raise ValueError(
            f"member {member!r} declares shape {shape} of {dtype} ({declared:,} bytes) "
            f"but holds {held:,} bytes"
        )
    buf.seek(0)
    return fmt.read_array(buf, allow_pickle=False)


def _json(arr: npt.NDArray[Any], name: str) -> Any:
    try:
        return json.loads(_text(arr, name))
    except RecursionError:
        raise ValueError(f"array {name!r} holds JSON nested too deeply") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"array {name!r} is not valid JSON: {e}") from None


def rebuild_hint(meta: Mapping[str, Any], path: Path) -> str:
    """How to rebuild a model from the training source its metadata records."""
    source = meta.get("source")
    if isinstance(source, Mapping) and isinstance(source.get("path"), str):
        column = source.get("column")
        flag = f" --column {column!r}" if isinstance(column, str) and column else ""
        if source.get("method") == "from-scratch":
            flag += " --from-scratch"
        digest = source.get("sha256")
        was = (
            f" (its SHA-256 when the model was trained: {digest})"
            if isinstance(digest, str)
            else ""
        )
        return (
            f"rebuild it from the data it was trained on: "
            f"intentkit train {source['path']}{flag} -o {path.parent}{was}"
        )
    return "rebuild it with `intentkit train <the labelled file or data folder it came from>`"


def _parse(data: bytes, path: Path) -> tuple[Model, dict[str, npt.NDArray[Any]]]:
    arrays = _read_arrays(data)
    meta = _json(arrays["meta"], "meta")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError("not an intentkit model (format tag missing)")
    unknown = meta.get("unknown_temperature", 1.0)
    if (
        isinstance(unknown, bool)
        or not isinstance(unknown, (int, float))
        or not 1.0 <= unknown <= 100.0
    ):
        raise ValueError(f"unknown_temperature must be a number in [1, 100], not {unknown!r}")
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            path,
            f"model file format {meta.get('format_version')!r}, this intentkit reads "
            f"{FORMAT_VERSION}; {rebuild_hint(meta, path)}",
        )
    if meta.get("intents") != list(INTENT_ORDER):
        raise ValueError(f"meta intents are {meta.get('intents')!r}, expected {list(INTENT_ORDER)}")
    if (
        meta.get("char_ngrams") != list(CHAR_NGRAMS)
        or meta.get("features_version") != FEATURES_VERSION
    ):
        raise ModelFileError(
            path,
            f"built for features version {meta.get('features_version')!r}; this intentkit "
            f"computes version {FEATURES_VERSION}, so its weights no longer fit; "
            + rebuild_hint(meta, path),
        )
    features = tuple(_text(arrays["features"], "features").split("\n"))
    n = len(features)
    shapes = {
        "coef": (n, len(INTENT_ORDER)),
        "intercept": (len(INTENT_ORDER),),
        "lang_coef": (n,),
        "lang_intercept": (1,),
    }
    for name, shape in shapes.items():
        arr = arrays[name]
        if arr.dtype != np.float64 or arr.shape != shape:
            raise ValueError(f"array {name!r} is {arr.dtype}{arr.shape}, expected float64{shape}")
        if not np.isfinite(arr).all():
            raise ValueError(f"array {name!r} holds NaN or infinite values")
        largest = float(np.abs(arr).max(initial=0.0))
        if largest > MAX_WEIGHT:
            raise ValueError(
                f"array {name!r} holds a weight of magnitude {largest:.3g}, "
                f"more than {MAX_WEIGHT:.0e}; its scores would overflow"
            )
    lex = _json(arrays["lexicon"], "lexicon")
    if not isinstance(lex, dict):
        raise ValueError("lexicon must be a JSON object")
    cues = lex.get("cues", {})
    if not isinstance(cues, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) and x in INTENT_ORDER for x in v)
        for v in cues.values()
    ):
        raise ValueError("lexicon cues must map phrases to lists of intents")
    stage_cues = lex.get("stage_cues", {})
    if not isinstance(stage_cues, dict) or not all(
        isinstance(v, str) and v in CUE_SETS for v in stage_cues.values()
    ):
        raise ValueError(f"lexicon stage_cues must map phrases to one of {list(CUE_SETS)}")
    kinds = _mapping(lex.get("kinds", {}), "kinds", NOUN_KINDS)
    brands = _mapping(lex.get("brands", {}), "brands", BRAND_KINDS)
    lexicon = Lexicon(
        brands=brands,
        places=frozenset(_strings(lex.get("places", []), "places")),
        cues={str(k): tuple(v) for k, v in cues.items()},
        stage_cues={str(k): str(v) for k, v in stage_cues.items()},
        kinds=kinds,
        words=frozenset(_strings(lex.get("words", []), "words")),
        ambiguous=frozenset(_strings(lex.get("ambiguous", []), "ambiguous")),
        nouns=frozenset(_strings(lex.get("nouns", []), "nouns")),
        english=frozenset(_strings(lex.get("english", []), "english")),
        heads=frozenset(_strings(lex.get("heads", []), "heads")),
    )
    model = Model(
        features=features,
        coef=arrays["coef"],
        intercept=arrays["intercept"],
        lang_coef=arrays["lang_coef"],
        lang_intercept=float(arrays["lang_intercept"][0]),
        lexicon=lexicon,
        meta=meta,
    )
    return model, arrays


def _mapping(value: object, name: str, allowed: tuple[str, ...]) -> dict[str, str]:
    # JSON object keys are always strings; the set tests run in C (this is on the cold start).
    if (
        not isinstance(value, dict)
        or not set(map(type, value.values())) <= {str}
        or not (set(value.values()) <= set(allowed))
    ):
        raise ValueError(f"lexicon {name} must map phrases to one of {list(allowed)}")
    return value


def _strings(value: object, name: str) -> list[str]:
    if not isinstance(value, list) or not set(map(type, value)) <= {str}:
        raise ValueError(f"lexicon {name} must be a list of strings")
    return value
