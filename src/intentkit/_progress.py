"""Progress bars for long work (tqdm, an optional extra: ``pip install 'intentkit-seo[progress]'``).

``progress`` is ``None`` (auto, the default), ``True`` or ``False``:

- auto shows a bar only when tqdm is installed, the work is long (at least
  :data:`PROGRESS_MIN` keywords or training rows; an iterable without a length never counts as
  long) and someone can see it: in a Jupyter kernel, or with standard error on a terminal. So
  scripts, pipes, CI logs and the tests stay silent;
- ``True`` shows a bar whatever the size (and raises ``ImportError`` naming the extra when tqdm is
  missing);
- ``False`` never shows one.

A bar is updated once per chunk of keywords (4,096) or per fitting step, never per keyword, so
its cost does not show next to the work (``benchmarks/progress.py`` measures it). It writes to
standard error, or as a widget in a notebook that has ipywidgets; results are the same with or
without it.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

PROGRESS_MIN = 50_000
"""Auto mode shows a bar from this many keywords (about 1.5 s of classifying) or training rows."""


def _in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel (IPython already imported by it)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _interactive() -> bool:
    """Whether a person sees standard error: a Jupyter kernel, or a terminal."""
    if _in_kernel():
        return True
    stderr = sys.stderr
    try:
        return stderr is not None and stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _tqdm_class(notebook: bool) -> Any:
    """The bar class of tqdm (the notebook widget in a kernel with ipywidgets), or ``None``."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    if notebook:
        try:
            import ipywidgets  # noqa: F401
            from tqdm.notebook import tqdm as notebook_tqdm
        except ImportError:
            return tqdm
        return notebook_tqdm
    return tqdm


def check(progress: object) -> None:
    """Raise ``TypeError`` unless ``progress`` is ``True``, ``False`` or ``None``."""
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, not {progress!r:.40}")


class Bar:
    """A progress bar, or nothing; use as a context manager and call :meth:`update`.

    ``total`` is the bar's length; ``size`` (default ``total``) the amount of work auto mode
    judges: keywords, or training rows for a bar over fitting steps.
    """

    def __init__(
        self,
        progress: bool | None,
        total: int | None,
        desc: str,
        unit: str,
        *,
        size: int | None = None,
    ) -> None:
        check(progress)
        self._bar: Any = None
        size = total if size is None else size
        if progress is False:
            return
        if progress is None and (size is None or size < PROGRESS_MIN or not _interactive()):
            return
        cls = _tqdm_class(_in_kernel())
        if cls is None:
            if progress:
                raise ImportError("progress=True needs tqdm: pip install 'intentkit-seo[progress]'")
            return
        self._bar = cls(total=total, desc=desc, unit=unit, unit_scale=unit != "step")

    @property
    def shown(self) -> bool:
        """Whether a bar is shown."""
        return self._bar is not None

    def update(self, n: int = 1, step: str | None = None) -> None:
        """Advance by ``n``; ``step`` names what comes next (training's fitting steps)."""
        if self._bar is not None:
            if step is not None:
                self._bar.set_postfix_str(step, refresh=False)
            self._bar.update(n)

    def close(self) -> None:
        """Close the bar (a bar left open closes when it is garbage-collected)."""
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> Bar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
