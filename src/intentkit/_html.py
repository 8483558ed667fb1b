"""Small HTML tables for notebooks (``_repr_html_``): every text escaped, numbers rounded.

Keywords come from users' files, so a keyword such as ``<script>`` must show as text, never run:
every cell and caption goes through :func:`html.escape`.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

DECIMALS = 3
"""Probabilities, confidences and scores are shown with this many decimals."""


def number(value: float | None, decimals: int = DECIMALS) -> str:
    """A number rounded for display; ``""`` for ``None``."""
    return "" if value is None else f"{value:.{decimals}f}"


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    caption: str = "",
    right: Sequence[bool] | None = None,
) -> str:
    """An HTML table, every cell escaped.

    No header row when ``header`` is empty; ``right`` marks the columns to align right (numbers).
    """
    align = list(right) if right is not None else [False] * len(header)

    def cell(tag: str, value: object, j: int) -> str:
        style = ' style="text-align:right"' if j < len(align) and align[j] else ""
        return f"<{tag}{style}>{escape(str(value))}</{tag}>"

    out = ["<table>"]
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    if header:
        out.append(
            "<thead><tr>"
            + "".join(cell("th", h, j) for j, h in enumerate(header))
            + "</tr></thead>"
        )
    out.append("<tbody>")
    for row in rows:
        out.append("<tr>" + "".join(cell("td", v, j) for j, v in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)
