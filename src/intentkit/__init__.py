"""intentkit: search intent, journey stage and conversion prior for SEO keywords (English and Swedish).

>>> import intentkit
>>> intentkit.classify("bästa robotdammsugare 2026").intent
<Intent.COMMERCIAL: 'commercial'>

Importing the package is cheap: the model is read, and numpy imported, on the first classification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from intentkit._version import __version__
from intentkit.errors import InputError, ModelFileError
from intentkit.journey import Framework, JourneySummary, journey_summary
from intentkit.types import (
    Classification,
    ConversionPrior,
    Explanation,
    FeatureContribution,
    Intent,
    Level,
)

if TYPE_CHECKING:
    from intentkit._classifier import IntentClassifier, classify, classify_many, explain
    from intentkit._decide import Decisions
    from intentkit._frame import label_frame
    from intentkit._priors import fit_priors
    from intentkit._report import report

__all__ = [
    "Classification",
    "ConversionPrior",
    "Decisions",
    "Explanation",
    "FeatureContribution",
    "Framework",
    "InputError",
    "Intent",
    "IntentClassifier",
    "JourneySummary",
    "Level",
    "ModelFileError",
    "__version__",
    "classify",
    "classify_many",
    "explain",
    "fit_priors",
    "journey_summary",
    "label_frame",
    "report",
]

_LAZY = {
    "IntentClassifier": "intentkit._classifier",
    "classify": "intentkit._classifier",
    "classify_many": "intentkit._classifier",
    "explain": "intentkit._classifier",
    "Decisions": "intentkit._decide",
    "fit_priors": "intentkit._priors",
    "label_frame": "intentkit._frame",
    "report": "intentkit._report",
}
"""Names loaded on first use, so that ``import intentkit`` does not import numpy."""


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name == "spark":  # intentkit.spark without an import of its own; it imports pyspark lazily
        return importlib.import_module("intentkit.spark")
    raise AttributeError(f"module 'intentkit' has no attribute {name!r}")
