"""Chunk work in worker processes, results in input order, with joblib's process pool (loky).

The calling process keeps each chunk's payload (the rows it will write, the keywords it will
build results for) and sends only the keywords; workers send back what ``work`` returns (arrays
or label lines, cheap to pickle). At most :data:`IN_FLIGHT` chunks per worker are dispatched
ahead of the one being consumed, so memory stays bounded on any input.

Workers are started once per process and reused across calls (loky keeps them); each builds a
classifier on its first chunk and keeps it, with its token cache, for the chunks after. loky
notices a worker that dies (the OOM killer, a kill) and the run ends with a one-line
:class:`~intentkit.errors.WorkerError` instead of waiting for it.

Workers leave SIGINT and SIGHUP to the calling process, which stops them when it is interrupted,
and exit on their own within :data:`PARENT_POLL` seconds when it is gone (killed with SIGKILL),
so none outlives it.
"""

from __future__ import annotations

import gc
import os
import re
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from intentkit.errors import WorkerError

P = TypeVar("P")
T = TypeVar("T")
IN_FLIGHT = 2
PARENT_POLL = 0.5
"""How often (seconds) a worker checks that the process that started it is still there."""


class Keyed(Protocol):
    """What a worker keeps between chunks: an object with a key naming its configuration."""

    @property
    def key(self) -> str:
        """Equal for objects that would compute the same results."""
        ...


W = TypeVar("W", bound=Keyed)
_kept: dict[str, Any] = {}
"""In a worker process: the objects it has built so far, by key (at most ``_KEEP``)."""
_KEEP = 8


def resolve_jobs(n_jobs: int | None) -> int:
    """The number of processes ``n_jobs`` asks for: ``None`` and 1 mean one, -1 one per CPU."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int):
        raise TypeError(f"n_jobs must be an int, not {type(n_jobs).__name__}")
    if n_jobs == 0 or n_jobs < -1:
        raise ValueError(
            f"n_jobs must be a positive number of processes or -1 (all CPUs), not {n_jobs}"
        )
    return (os.cpu_count() or 1) if n_jobs == -1 else n_jobs


def map_chunks(
    work: Callable[[W, list[str]], T],
    worker: W,
    chunks: Iterable[tuple[P, list[str]]],
    n_jobs: int | None = 1,
) -> Iterator[tuple[P, T]]:
    """``(payload, work(worker, keywords))`` for each ``(payload, keywords)``, in input order.

    With ``n_jobs`` > 1 the keywords go to that many worker processes (``-1``: one per CPU);
    ``work`` must be a module-level function and ``worker`` picklable.
    """
    jobs = resolve_jobs(n_jobs)
    if jobs == 1:
        for payload, keywords in chunks:
            with gc_paused():
                out = work(worker, keywords)
            yield payload, out
        return
    from joblib import Parallel, delayed, parallel_config
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    pending: deque[P] = deque()

    def tasks() -> Iterator[Any]:
        for payload, keywords in chunks:
            pending.append(payload)
            yield delayed(_in_worker)(work, worker, keywords)

    try:
        with (
            parallel_config(backend="loky", initializer=_watch_parent),
            Parallel(
                n_jobs=jobs, return_as="generator", pre_dispatch=f"{IN_FLIGHT}*n_jobs"
            ) as parallel,
        ):
            for out in parallel(tasks()):
                yield pending.popleft(), out
    except TerminatedWorkerError as e:
        codes = re.search(r"exit codes of the workers are (\{.*?\})", str(e))
        raise WorkerError(
            "a worker process died (killed, or out of memory?)"
            + (f", exit code {codes.group(1)}" if codes else "")
            + "; nothing was written"
        ) from None


_watching: list[int] = []
"""In a worker process: the pid of the process it watches, once it watches it."""


def _watch_parent() -> None:
    """Start a worker: leave SIGINT and SIGHUP to the parent, and exit when it is gone."""
    if _watching:
        return
    _watching.append(os.getppid())
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    threading.Thread(target=_exit_without_parent, daemon=True, name="intentkit-parent").start()


def _exit_without_parent() -> None:
    while os.getppid() == _watching[0]:
        time.sleep(PARENT_POLL)
    os._exit(1)


def _in_worker(work: Callable[[W, list[str]], T], worker: W, keywords: list[str]) -> T:
    if worker.key not in _kept and len(_kept) >= _KEEP:
        _kept.clear()
    kept = _kept.setdefault(worker.key, worker)
    with gc_paused():
        return work(kept, keywords)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (restored even on error).

    Building many small objects triggers the collector over and over; chunk work makes no
    reference cycles, so pausing it halves the cost of building results.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
