"""Signals and dead processes during ``intentkit label``: SIGTERM and SIGHUP clean up like SIGINT
(no output, no temporary file, exit 128 + the signal's number), a killed worker ends the run with
one line, and workers never outlive the process that started them."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from intentkit._parallel import map_chunks
from intentkit.errors import WorkerError

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")


def children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):
            out += [int(x) for x in (task / "children").read_text().split()]
    return out


def workers(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"popen_loky" in cmdline:
            found.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for(condition: Callable[[], bool]) -> bool:
    """Poll ``condition`` for up to 60 s (a hang guard, not a timing threshold)."""
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def start_label(tiny_path: Path, out: Path, jobs: str) -> subprocess.Popen[bytes]:
    """A label run reading standard input, which stays open so the run cannot finish; returns
    once rows were read and the temporary output (and, with ``--jobs 2``, both workers) exist."""
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "intentkit._cli", "label", "-", "-o", str(out)),
            *("--model", str(tiny_path), "--input-format", "txt", "--jobs", jobs),
        ],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None
    proc.stdin.write("".join(f"buy running shoes size {i}\n" for i in range(50_000)).encode())
    proc.stdin.flush()
    started = wait_for(
        lambda: (
            any(p.name.endswith(".tmp") for p in out.parent.iterdir())
            and (jobs == "1" or len(workers(proc.pid)) == 2)
        )
    )
    assert started, "the run did not start"
    return proc


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_mid_run_leave_no_output(
    tiny_path: Path, tmp_path: Path, signum: int, jobs: str
) -> None:
    out = tmp_path / "o.csv"
    proc = start_label(tiny_path, out, jobs)
    started = workers(proc.pid)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    assert f"stopped by {signal.Signals(signum).name}".encode() in err
    assert b"Traceback" not in err and b"BrokenPipeError" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert not out.exists() and no_temp_files(tmp_path)
    assert wait_for(lambda: not any(alive(w) for w in started))


def test_sigint_mid_run_leaves_no_output(tiny_path: Path, tmp_path: Path) -> None:
    """Interrupted mid-run (rows read, standard input still open, so the run cannot have
    finished): no output file, no temporary file, exit code 130."""
    out = tmp_path / "o.csv"
    proc = start_label(tiny_path, out, "1")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"interrupted" in err and b"Traceback" not in err
    assert not out.exists() and no_temp_files(tmp_path)


def test_a_killed_worker_ends_label_with_one_line(tiny_path: Path, tmp_path: Path) -> None:
    """What the OOM killer does: SIGKILL of one worker; the run ends, nothing is written."""
    out = tmp_path / "o.csv"
    proc = start_label(tiny_path, out, "2")
    os.kill(workers(proc.pid)[0], signal.SIGKILL)
    _, err = proc.communicate(
        "".join(f"best shoes {i}\n" for i in range(50_000)).encode(), timeout=60
    )
    assert proc.returncode == 1, err
    assert err.startswith(b"intentkit: error: a worker process died"), err
    assert len(err.strip().splitlines()) == 1 and b"Traceback" not in err, err
    assert not out.exists() and no_temp_files(tmp_path)


def test_workers_exit_when_the_parent_is_killed(tiny_path: Path, tmp_path: Path) -> None:
    """SIGKILL of intentkit itself: its workers exit on their own (its temporary file stays;
    no process can clean up after SIGKILL)."""
    proc = start_label(tiny_path, tmp_path / "o.csv", "2")
    started = workers(proc.pid)
    proc.kill()
    proc.communicate(timeout=60)
    assert wait_for(lambda: not any(alive(w) for w in started)), "workers outlived the parent"


class Worker:
    key = "test-worker"


def die_on_die(worker: Worker, chunk: list[str]) -> int:
    if "die" in chunk:
        os.kill(os.getpid(), signal.SIGKILL)
    return len(chunk)


def test_a_killed_worker_is_one_line_from_the_api() -> None:
    chunks = [(i, [w]) for i, w in enumerate(["a", "b", "die", "c"])]
    with pytest.raises(WorkerError) as info:
        list(map_chunks(die_on_die, Worker(), chunks, n_jobs=2))
    assert "\n" not in str(info.value) and "SIGKILL" in str(info.value)
