"""Write a benchmark's Markdown table into the README between its markers."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def update_readme(name: str, text: str) -> None:
    """Replace what stands between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    body = README.read_text(encoding="utf-8")
    new = re.sub(
        rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)",
        lambda m: m.group(1) + text.rstrip("\n") + "\n" + m.group(2),
        body,
        flags=re.S,
    )
    README.write_text(new, encoding="utf-8")


def publish(output: Path, name: str, text: str, *, readme: bool) -> None:
    """Write a benchmark's report to ``output``, print it, and put it in the README if asked."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    if readme:
        update_readme(name, text)
