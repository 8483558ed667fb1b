"""Worker processes (``n_jobs``, ``--jobs``): the same results, rows and order as one process."""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import threading
from pathlib import Path

import pytest
from conftest import random_keywords

from intentkit import IntentClassifier
from intentkit import _classifier as clf_module
from intentkit import _label as label_module
from intentkit._cli import main
from intentkit._label import label_fields, label_lines
from intentkit._parallel import map_chunks
from intentkit.errors import WorkerError


def keywords(n: int, seed: int = 0) -> list[str]:
    out = random_keywords(n, seed)
    out[::17] = [""] * len(out[::17])  # empty keywords keep their place
    return out


def test_classify_many_n_jobs_equals_one_process(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clf_module, "CHUNK_SIZE", 7)  # many chunks, several in flight
    xs = keywords(300)
    clf = IntentClassifier(model=tiny_path, brands=["acme"], framework="b2c")
    one = clf.classify_many(xs)
    assert clf.classify_many(iter(xs), n_jobs=2) == one
    assert clf.classify_many(xs, n_jobs=-1) == one
    assert [r.keyword for r in one] == xs


def test_n_jobs_is_checked(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    for bad in (0, -2):
        with pytest.raises(ValueError, match="n_jobs must be a positive number"):
            clf.classify_many(["x"], n_jobs=bad)
    with pytest.raises(TypeError, match="n_jobs must be an int"):
        clf.classify_many(["x"], n_jobs=1.5)  # type: ignore[arg-type]


class Worker:
    """A stand-in for a classifier in worker processes: anything with a key."""

    key = "test-worker"


def explode_on_boom(worker: Worker, chunk: list[str]) -> int:
    if "boom" in chunk:
        raise RuntimeError("worker failed on boom")
    if "die" in chunk:
        os.kill(os.getpid(), signal.SIGKILL)
    return len(chunk)


def test_bad_keywords_and_worker_errors_reach_the_caller(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    with pytest.raises(TypeError, match="keyword at position 3 must be str"):
        clf.classify_many(["a", "b", "c", 4], n_jobs=2)  # type: ignore[list-item]
    chunks = [(i, [w]) for i, w in enumerate(["a", "b", "c", "boom", "d"])]
    with pytest.raises(RuntimeError, match="worker failed on boom"):
        list(map_chunks(explode_on_boom, Worker(), chunks, n_jobs=2))
    assert list(map_chunks(explode_on_boom, Worker(), chunks[:3], n_jobs=2)) == [
        (0, 1),
        (1, 1),
        (2, 1),
    ]


def test_a_killed_worker_ends_the_run_with_an_error() -> None:
    chunks = [(i, [w]) for i, w in enumerate(["a", "b", "die", "c", "d", "e"])]
    with pytest.raises(WorkerError, match="worker process died"):
        list(map_chunks(explode_on_boom, Worker(), chunks, n_jobs=2))
    # The pool is usable again afterwards.
    assert [n for _, n in map_chunks(explode_on_boom, Worker(), chunks[:2], n_jobs=2)] == [1, 1]


def half_a_result_then_die(worker: Worker, chunk: list[str]) -> int:
    """Die the worst way for a pool: half-way through writing a result to the caller."""
    if "die" in chunk:
        from multiprocessing.connection import Connection

        for c in gc.get_objects():
            if isinstance(c, Connection) and not c.closed and c.writable:
                os.write(c.fileno(), struct.pack("!i", 1 << 20) + b"the first bytes")
        os.kill(os.getpid(), signal.SIGKILL)
    return len(chunk)


def test_a_worker_killed_mid_result_ends_the_run_instead_of_hanging() -> None:
    chunks = [(i, [w]) for i, w in enumerate(["a", "b", "c", "die", "d", "e", "f"])]
    raised: list[BaseException] = []

    def run() -> None:
        try:
            list(map_chunks(half_a_result_then_die, Worker(), chunks, n_jobs=2))
        except BaseException as e:
            raised.append(e)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)  # a hang guard, not a timing threshold
    assert not thread.is_alive(), "the run hung on a half-written result"
    assert isinstance(raised[0], WorkerError) and "SIGKILL" in str(raised[0])
    assert [n for _, n in map_chunks(explode_on_boom, Worker(), chunks[:2], n_jobs=2)] == [1, 1]


def test_an_idle_worker_killed_between_calls_is_replaced() -> None:
    from intentkit import _parallel

    chunks = [(i, [w]) for i, w in enumerate("abcdef")]
    assert [n for _, n in map_chunks(explode_on_boom, Worker(), chunks, n_jobs=2)] == [1] * 6
    idle = _parallel._idle[0].workers[0].process
    os.kill(idle.pid, signal.SIGKILL)
    idle.join()
    assert [n for _, n in map_chunks(explode_on_boom, Worker(), chunks, n_jobs=2)] == [1] * 6


def test_a_classifier_pickles_without_its_model(tiny_path: Path) -> None:
    """What a spawned worker receives: the options; it loads the model itself, the same results."""
    clf = IntentClassifier(
        model=tiny_path,
        places=["tumba"],
        priors={
            "local": 0.2,
            "informational": 0.01,
            "commercial": 0.02,
            "transactional": 0.05,
            "navigational": 0.04,
        },
    )
    clf.classify("warm")
    blob = pickle.dumps(clf)
    assert len(blob) < 5_000
    copy = pickle.loads(blob)
    xs = keywords(50)
    assert copy.classify_many(xs) == clf.classify_many(xs)


def test_label_lines_equal_label_fields(tiny_path: Path) -> None:
    clf = IntentClassifier(model=tiny_path)
    xs = keywords(200, seed=1)
    assert [line.split("\t") for line in label_lines(clf.decide_many(xs))] == [
        label_fields(clf.classify(x)) for x in xs
    ]


def test_label_lines_equal_label_fields_on_the_shipped_model() -> None:
    clf = IntentClassifier()
    xs = ["best running shoes", "netflix login", "", "tandläkare nära mig", "hur gör man pannkakor"]
    assert [line.split("\t") for line in label_lines(clf.decide_many(xs))] == [
        label_fields(clf.classify(x)) for x in xs
    ]


@pytest.mark.parametrize("summary", [False, True])
def test_label_jobs_writes_the_same_file(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    summary: bool,
) -> None:
    monkeypatch.setattr(label_module, "CHUNK_ROWS", 5)
    src = tmp_path / "in.csv"
    lines = ["keyword,volume"] + [f"{k},{i}" for i, k in enumerate(keywords(120, seed=2))]
    lines[40] += ",extra"  # a malformed row, kept and reported in both runs
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.csv"
        argv = ["label", str(src), "-o", str(out), "--model", str(tiny_path), "--jobs", jobs]
        assert main(argv + (["--summary"] if summary else [])) == 0
        err = capsys.readouterr().err
        assert "read 120 rows, wrote 120" in err and "1 malformed" in err
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_label_jobs_fail_leaves_no_output(
    tiny_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(label_module, "CHUNK_ROWS", 5)
    src = tmp_path / "in.csv"
    lines = ["keyword,volume"] + [f"{k},{i}" for i, k in enumerate(keywords(60, seed=3))]
    lines[50] += ",extra"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    argv = ["label", str(src), "-o", str(out), "--model", str(tiny_path), "--jobs", "2"]
    assert main([*argv, "--on-error", "fail"]) == 1
    assert "in.csv:51: 3 fields, the header has 2" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("bad", ["0", "-3", "two"])
def test_jobs_option_is_checked(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("keyword\nbuy\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["label", str(src), "--model", str(tiny_path), "--jobs", bad])
    assert exit_info.value.code == 2
    assert f"argument -j/--jobs: {bad!r} is not a number of processes" in capsys.readouterr().err
