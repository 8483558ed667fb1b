"""intentkit: search intent, journey stage and conversion prior for SEO keywords (English and Swedish).

>>> import intentkit
>>> intentkit.classify("bästa robotdammsugare 2026").intent
<Intent.COMMERCIAL: 'commercial'>

Importing the package is cheap: the model is read, and numpy imported, on the first classification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from intentkit._version import __version__
from intentkit.journey import Framework, JourneySummary, fit_priors, journey_summary
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
    from intentkit._frame import label_frame

__all__ = [
    "Classification",
    "ConversionPrior",
    "Explanation",
    "FeatureContribution",
    "Framework",
    "Intent",
    "IntentClassifier",
    "JourneySummary",
    "Level",
    "__version__",
    "classify",
    "classify_many",
    "explain",
    "fit_priors",
    "journey_summary",
    "label_frame",
]

_LAZY = {"IntentClassifier", "classify", "classify_many", "explain"}


def __getattr__(name: str) -> Any:
    if name == "label_frame":
        from intentkit._frame import label_frame

        return label_frame
    if name in _LAZY:
        from intentkit import _classifier

        return getattr(_classifier, name)
    raise AttributeError(f"module 'intentkit' has no attribute {name!r}")
