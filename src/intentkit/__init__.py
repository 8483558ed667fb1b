"""intentkit: search intent, journey stage and conversion prior for SEO keywords (English and Swedish).

>>> import intentkit
>>> intentkit.classify("bästa robotdammsugare 2026").intent
<Intent.COMMERCIAL: 'commercial'>

Importing the package is cheap: the model is read, and numpy imported, on the first classification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from intentkit._version import __version__
from intentkit.types import Classification, Explanation, FeatureContribution, Intent

if TYPE_CHECKING:
    from intentkit._classifier import IntentClassifier, classify, classify_many, explain

__all__ = [
    "Classification",
    "Explanation",
    "FeatureContribution",
    "Intent",
    "IntentClassifier",
    "__version__",
    "classify",
    "classify_many",
    "explain",
]

_LAZY = {"IntentClassifier", "classify", "classify_many", "explain"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from intentkit import _classifier

        return getattr(_classifier, name)
    raise AttributeError(f"module 'intentkit' has no attribute {name!r}")
