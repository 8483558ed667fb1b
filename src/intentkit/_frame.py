"""pandas support: label a DataFrame's keyword column (pandas is an optional extra)."""

from __future__ import annotations

from typing import Any

from intentkit._label import LABEL_COLUMNS, label_fields


def label_frame(
    df: Any, column: str = "keyword", *, classifier: Any = None, progress: bool | None = None
) -> Any:
    """Return a copy of ``df`` with the label columns of ``intentkit label`` added.

    The index and row order are kept. Missing keywords (``None``/``NaN``) are treated as empty and
    get empty labels, like empty strings; other non-string values raise ``TypeError``. Probability
    and score columns are floats, the others strings (``""`` for an empty keyword).

    Raises ``KeyError`` if ``column`` is not in ``df``, and ``ValueError`` if ``df`` already has
    a column named like a label column.

    ``progress`` is :meth:`~intentkit.IntentClassifier.classify_many`'s: by default a bar
    (tqdm, if installed) for frames of 50,000 rows or more in a notebook or terminal.
    """
    import pandas as pd

    from intentkit._classifier import IntentClassifier

    if column not in df.columns:
        raise KeyError(f"no column {column!r}; columns are {list(df.columns)[:12]}")
    clash = [c for c in LABEL_COLUMNS if c in df.columns]
    if clash:
        raise ValueError(f"the frame already has label columns {clash}; rename or drop them first")
    values = df[column].tolist()
    keywords = ["" if v is None or (isinstance(v, float) and v != v) else v for v in values]
    clf = classifier if classifier is not None else IntentClassifier()
    rows = [label_fields(r) for r in clf.classify_many(keywords, progress=progress)]
    labels = pd.DataFrame(rows, columns=list(LABEL_COLUMNS), index=df.index)
    for name in LABEL_COLUMNS:
        if name == "confidence" or name.startswith("p_") or name == "conversion_score":
            labels[name] = pd.to_numeric(labels[name].replace("", None), errors="coerce")
    return pd.concat([df, labels], axis=1)
