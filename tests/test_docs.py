"""The README's Python examples and the docstring examples run, against the shipped model."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

import intentkit
from intentkit import _classifier, _report, audience

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_python_examples() -> None:
    assert len(python_blocks()) >= 2


@pytest.mark.parametrize("block", range(len(python_blocks())))
def test_readme_python_example_runs(block: int) -> None:
    code = python_blocks()[block]
    namespace: dict[str, object] = {}
    exec(compile(code, f"README.md python block {block}", "exec"), namespace)


@pytest.mark.parametrize(
    "module", [intentkit, _classifier, audience, _report], ids=lambda m: m.__name__
)
def test_docstring_examples(module: object) -> None:
    failures, tried = doctest.testmod(module, verbose=False)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
