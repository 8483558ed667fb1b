"""Fitting conversion priors to a site's own analytics (:func:`fit_priors`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from intentkit._classifier import IntentClassifier
from intentkit.journey import resolve_priors
from intentkit.types import Intent


def fit_priors(
    keywords: Iterable[str],
    clicks: Iterable[float],
    conversions: Iterable[float],
    *,
    classifier: Any = None,
    defaults: Mapping[Intent, float] | Mapping[str, float] | None = None,
    strength: float = 200.0,
) -> dict[Intent, float]:
    """Estimate per-intent conversion rates from your own data, shrunk toward the defaults.

    Each keyword's clicks (or sessions) and conversions are shared among the intents by its
    predicted probabilities. Per intent, with ``n`` shared clicks, ``c`` shared conversions and a
    default rate ``m``, the estimate is the posterior mean of a Beta-binomial model with a
    ``Beta(m * strength, (1 - m) * strength)`` prior: ``(c + m * strength) / (n + strength)``. So
    an intent with few clicks stays near its default and one with many follows the data;
    ``strength`` is how many clicks the default is worth.

    Returns priors that ``IntentClassifier(priors=...)`` accepts.
    """
    base = resolve_priors(defaults)
    if not (math.isfinite(strength) and strength > 0):
        raise ValueError("strength must be a positive number")
    kws, n_clicks, n_conv = list(keywords), list(clicks), list(conversions)
    if not len(kws) == len(n_clicks) == len(n_conv):
        raise ValueError(
            f"keywords, clicks and conversions differ in length ({len(kws)}, {len(n_clicks)}, {len(n_conv)})"
        )
    for i, (n, c) in enumerate(zip(n_clicks, n_conv)):
        if not (math.isfinite(n) and math.isfinite(c) and 0 <= c <= n):
            raise ValueError(f"row {i}: need 0 <= conversions <= clicks, got {c!r} and {n!r}")
    clf = classifier if classifier is not None else IntentClassifier()
    shared_clicks = dict.fromkeys(Intent, 0.0)
    shared_conv = dict.fromkeys(Intent, 0.0)
    for result, n, c in zip(clf.classify_many(kws), n_clicks, n_conv):
        if result.intent is None:
            continue
        for intent, p in result.probabilities.items():
            shared_clicks[intent] += p * n
            shared_conv[intent] += p * c
    return {
        i: (shared_conv[i] + base[i] * strength) / (shared_clicks[i] + strength) for i in Intent
    }
