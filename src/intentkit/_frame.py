"""pandas support: label a DataFrame's keyword column (pandas is an optional extra)."""

from __future__ import annotations

from typing import Any

from intentkit._io import KEYWORD_COLUMNS, find_column
from intentkit._label import LABEL_COLUMNS, label_fields
from intentkit.errors import InputError

_NUMBERS = frozenset(
    name
    for name in LABEL_COLUMNS
    if name.endswith(("_confidence", "_conversion_score")) or "_p_" in name
)


def label_frame(
    df: Any, column: str | None = None, *, classifier: Any = None, progress: bool | None = None
) -> Any:
    """Return a copy of ``df`` with the label columns of ``intentkit label`` added.

    ``column`` is the keyword column; by default it is found by name as the command line finds
    it (``Keyword``, ``Query``, ``Top queries``, ``Sökord``, ... in any case). The index and row
    order are kept. Missing keywords (``None``/``NaN``) are treated as empty and get empty
    labels, like empty strings; other non-string values raise ``TypeError``. Probability and
    score columns are floats, the others strings (``""`` for an empty keyword). A frame that
    already has label columns (labelled before) has them replaced, at the end.

    Raises ``KeyError`` if ``column`` is not in ``df``, or no column has a keyword column's name.

    ``progress`` is :meth:`~intentkit.IntentClassifier.classify_many`'s: by default a bar
    (tqdm, if installed) for frames of 50,000 rows or more in a notebook or terminal.
    """
    import pandas as pd

    from intentkit._classifier import IntentClassifier

    names = [str(c) for c in df.columns]
    if column is None:
        try:
            column = df.columns[find_column(names, None, "<frame>", KEYWORD_COLUMNS)]
        except InputError:
            raise KeyError(
                f"no keyword column found (looked for {', '.join(KEYWORD_COLUMNS[:6])}, ...); "
                f"columns are {names[:12]}; name it with column="
            ) from None
    elif column not in df.columns:
        raise KeyError(f"no column {column!r}; columns are {list(df.columns)[:12]}")
    values = df[column].tolist()
    keywords = ["" if v is None or (isinstance(v, float) and v != v) else v for v in values]
    clf = classifier if classifier is not None else IntentClassifier()
    rows = [label_fields(r) for r in clf.classify_many(keywords, progress=progress)]
    labels = pd.DataFrame(rows, columns=list(LABEL_COLUMNS), index=df.index)
    for name in _NUMBERS:
        labels[name] = pd.to_numeric(labels[name].replace("", None), errors="coerce")
    own = [c for c in df.columns if c in LABEL_COLUMNS]
    return pd.concat([df.drop(columns=own), labels], axis=1)
