"""Chunk work in worker processes, results in input order.

The calling process keeps each chunk's payload (the rows it will write, the keywords it will
build results for) and sends only the keywords; workers send back what ``work`` returns (arrays
or label lines, cheap to pickle). At most :data:`IN_FLIGHT` chunks per worker are dispatched
ahead of the one being consumed, so memory stays bounded on any input.

Each worker has pipes of its own (tasks in, results out) instead of queues shared by all: a
worker killed mid-message (the OOM killer, a kill) then breaks only its own pipe, which the
calling process sees as the end of that pipe or as the worker's exit, and the run ends with a
one-line :class:`~intentkit.errors.WorkerError`. With shared queues (loky, multiprocessing's
pools) such a death can leave a half-written result that blocks every reader for good.

Workers are fresh interpreters started through loky's context (unlike multiprocessing's
"spawn", it does not re-run the caller's main module, so scripts need no ``__main__`` guard),
once per process and reused across calls; each builds a classifier on its
first chunk and keeps it, with its token cache, for the chunks after. A call that ends early
(an error, an interruption, a consumer that stops reading) stops its workers, so the next call
starts clean ones. Workers leave SIGINT and SIGHUP to the calling process and exit on their
own within :data:`PARENT_POLL` seconds when it is gone (killed with SIGKILL; on POSIX systems,
where a process learns that its parent is gone), so none outlives it. A worker that dies while
idle is replaced at the next call.
"""

from __future__ import annotations

import atexit
import gc
import os
import pickle
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Any, NoReturn, Protocol, TypeVar

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
    pool = _borrow(jobs)
    finished = False
    try:
        yield from pool.map(work, worker, chunks)
        finished = True
    finally:
        _give_back(pool, reuse=finished)


class _Worker:
    """One worker process, its two pipes, and the thread that feeds it tasks."""

    def __init__(self, context: Any) -> None:
        task_reader, self.tasks = context.Pipe(duplex=False)
        self.results, result_writer = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_serve,
            args=(task_reader, result_writer, os.getpid()),
            name="intentkit-worker",
            daemon=True,
        )
        self.process.start()
        # The worker holds the other ends now; closing ours lets a read see its death as EOF.
        task_reader.close()
        result_writer.close()
        self.outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.feeder = threading.Thread(target=self._feed, daemon=True, name="intentkit-feeder")
        self.feeder.start()

    def _feed(self) -> None:
        # A thread, so that the caller never blocks writing a task while this worker blocks
        # writing a result the caller has not read yet.
        while (task := self.outbox.get()) is not None:
            try:
                self.tasks.send_bytes(task)
            except OSError:
                return

    def stop(self) -> None:
        self.outbox.put(None)
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.feeder.join()
        self.tasks.close()
        self.results.close()


class _Pool:
    """Worker processes fed round-robin.

    Chunk ``i`` goes to worker ``i % jobs``, so each worker's results, read in turn, come back
    in input order.
    """

    def __init__(self, jobs: int) -> None:
        from joblib.externals.loky.backend.context import get_context

        # loky's spawning context starts a fresh interpreter, like "spawn", but without
        # re-running the caller's main module: a script needs no `__main__` guard.
        context = get_context("loky")
        self.owner = os.getpid()
        self.workers: list[_Worker] = []
        try:
            for _ in range(jobs):
                self.workers.append(_Worker(context))
        except BaseException:
            self.stop()
            raise

    def map(
        self,
        work: Callable[[W, list[str]], T],
        worker: W,
        chunks: Iterable[tuple[P, list[str]]],
    ) -> Iterator[tuple[P, T]]:
        pending: deque[tuple[P, _Worker]] = deque()
        source = iter(chunks)
        sent = 0

        def send_one() -> bool:
            nonlocal sent
            for payload, keywords in source:
                task = pickle.dumps((work, worker, keywords), pickle.HIGHEST_PROTOCOL)
                target = self.workers[sent % len(self.workers)]
                target.outbox.put(task)
                pending.append((payload, target))
                sent += 1
                return True
            return False

        while len(pending) < IN_FLIGHT * len(self.workers) and send_one():
            pass
        while pending:
            payload, target = pending.popleft()
            ok, out = self._receive(target)
            send_one()
            if not ok:
                raise out
            yield payload, out

    def _receive(self, target: _Worker) -> tuple[bool, Any]:
        sentinels = [w.process.sentinel for w in self.workers]
        ready = wait([target.results, *sentinels])
        if target.results in ready:
            try:
                data = target.results.recv_bytes()
            except (EOFError, OSError):
                self._died()
            try:
                reply: tuple[bool, Any] = pickle.loads(data)
            except Exception as e:
                reply = (False, RuntimeError(f"a worker's result could not be read: {e!r}"))
            return reply
        self._died()

    def _died(self) -> NoReturn:
        # The dead are waited for (their exit code), the living are not.
        dead = set(wait([w.process.sentinel for w in self.workers], timeout=PARENT_POLL))
        for w in self.workers:
            if w.process.sentinel in dead:
                w.process.join(timeout=PARENT_POLL)
        codes = sorted({_exit_name(w.process.exitcode) for w in self.workers} - {"running"})
        raise WorkerError(
            "a worker process died (killed, or out of memory?)"
            + (f", exit code {', '.join(codes)}" if codes else "")
            + "; nothing was written"
        )

    def alive(self) -> bool:
        """Whether every worker is still running (an idle one can be killed between calls)."""
        return self.owner == os.getpid() and all(w.process.is_alive() for w in self.workers)

    def stop(self) -> None:
        if self.owner == os.getpid():
            for w in self.workers:
                w.stop()
        self.workers = []


def _exit_name(code: int | None) -> str:
    if code is None:
        return "running"
    if code < 0:
        try:
            return f"{code} ({signal.Signals(-code).name})"
        except ValueError:
            return str(code)
    return str(code)


_idle: list[_Pool] = []
"""The one pool kept between calls (empty or one element), guarded by ``_idle_lock``."""
_idle_lock = threading.Lock()


def _take_idle() -> _Pool | None:
    with _idle_lock:
        return _idle.pop() if _idle else None


def _borrow(jobs: int) -> _Pool:
    """The idle pool if it has ``jobs`` live workers, else a new one.

    Two calls at once get two pools; the one that finishes last is kept.
    """
    pool = _take_idle()
    if pool is not None and (len(pool.workers) != jobs or not pool.alive()):
        pool.stop()
        pool = None
    return pool or _Pool(jobs)


def _give_back(pool: _Pool, reuse: bool) -> None:
    """Keep a pool whose call read every result for the next call.

    A pool left mid-way is stopped: its pipes hold results nobody will read.
    """
    if not reuse:
        pool.stop()
        return
    old = _take_idle()
    with _idle_lock:
        _idle.append(pool)
    if old is not None:
        old.stop()


def _forget_idle() -> None:
    # A forked child inherits the pool but not its feeder threads, and its workers are not
    # its children: it starts its own when it needs them.
    _idle.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_idle)


@atexit.register
def _stop_idle() -> None:
    pool = _take_idle()
    if pool is not None:
        pool.stop()


def _serve(tasks: Connection, results: Connection, parent: int) -> None:
    """A worker process: run each task it is sent and send back ``(ok, result or error)``."""
    for name in ("SIGINT", "SIGHUP"):  # no SIGHUP on Windows
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    threading.Thread(
        target=_exit_without_parent, args=(parent,), daemon=True, name="intentkit-parent"
    ).start()
    while True:
        try:
            data = tasks.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            work, worker, keywords = pickle.loads(data)
            reply = pickle.dumps((True, _in_worker(work, worker, keywords)), -1)
        except BaseException as e:
            try:
                reply = pickle.dumps((False, e), -1)
            except Exception:
                reply = pickle.dumps((False, RuntimeError(f"{type(e).__name__}: {e}")), -1)
        try:
            results.send_bytes(reply)
        except OSError:
            return


def _exit_without_parent(parent: int) -> None:
    while os.getppid() == parent:
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
