"""intentkit's exceptions: each names the file (and line) it is about and says what to do.

Both subclass :class:`ValueError`, so code that caught ``ValueError`` before still catches them.
"""

from __future__ import annotations

from pathlib import Path


class ModelFileError(ValueError):
    """A model file that cannot be used: corrupt, foreign, changed, or built for other features."""

    def __init__(self, path: str | Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = Path(path)


class InputError(ValueError):
    """Bad input, with the file and line it was found at."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
        self.path, self.line = path, line


class WorkerError(RuntimeError):
    """A worker process of ``n_jobs`` / ``--jobs`` died (killed, or out of memory) mid-run."""
