"""The vocabulary of intentkit's results: intents, classifications and explanations.

Labels follow the project's taxonomy (``TAXONOMY.md``): one intent per keyword, the one a searcher
most likely means, with a probability for every intent so that a keyword that fits two shows both.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_serializer

from intentkit._text import replace_surrogates

Language = Literal["en", "sv", "unknown", "other"]


class Intent(str, Enum):
    """What the searcher wants from a search."""

    INFORMATIONAL = "informational"
    """To know or understand something ("how to descale a kettle", "vad är ränta")."""
    COMMERCIAL = "commercial"
    """To compare and evaluate options before choosing ("best running shoes", "bästa elbil")."""
    TRANSACTIONAL = "transactional"
    """To act now: buy, book, download, sign up, get a price ("buy iphone 16", "boka tvättid")."""
    NAVIGATIONAL = "navigational"
    """To reach one specific site, brand or page ("netflix", "nordea logga in")."""
    LOCAL = "local"
    """A physical place near them or in a named place ("pizza near me", "tandläkare solna")."""

    def __str__(self) -> str:
        return self.value


INTENT_ORDER: tuple[str, ...] = tuple(i.value for i in Intent)
"""The intents' names in the enum's order: the order of every score column and model array."""


class Level(str, Enum):
    """How likely a click on the keyword converts, coarsely."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    def __str__(self) -> str:
        return self.value


class ConversionPrior(BaseModel):
    """How likely a click on the keyword converts."""

    model_config = ConfigDict(frozen=True)

    level: Level
    """The level of the keyword's intent: informational low, commercial medium, the rest high."""
    score: float
    """The expected per-click conversion rate: the per-intent priors weighted by the intent
    probabilities. Use it to rank keywords; its scale is that of the priors."""


SECONDARY_THRESHOLD = 0.2
"""An intent other than the top one is listed in :attr:`Classification.secondary` when its
probability is at least this. At 0.2 an intent is named once it is as likely as a uniform guess."""


class Classification(BaseModel):
    """The result of classifying one keyword. Immutable; ``model_dump_json()`` gives the CLI's JSON."""

    model_config = ConfigDict(frozen=True)

    keyword: str
    """The keyword exactly as given (serialised with lone surrogates as U+FFFD, see below)."""
    intent: Intent | None
    """The most probable intent; ``None`` when the keyword has no letters or digits (empty,
    whitespace or punctuation only), in which case every probability is 0.2."""
    confidence: float
    """The probability of :attr:`intent` (0.0 when ``intent`` is ``None``)."""
    probabilities: dict[Intent, float]
    """A calibrated probability for each of the five intents, in taxonomy order, summing to 1."""
    secondary: list[Intent]
    """Other intents with probability of at least :data:`SECONDARY_THRESHOLD`, most likely first."""
    language: Language
    """``"en"`` or ``"sv"`` from the model's own features; ``"other"`` when the keyword's words are
    of another language (another script, or words of a built-in list of Spanish, German, French,
    Italian, Portuguese, Dutch, Danish, Norwegian and Finnish words outnumbering its English and
    Swedish ones); ``"unknown"`` when it gives too little evidence either way (only names,
    numbers and unknown words, no known features, or a Swedish probability between 0.35 and
    0.65)."""
    stage: str | None
    """The customer-journey stage in the classifier's framework (``funnel`` by default:
    awareness, consideration, conversion, retention); ``None`` when ``intent`` is ``None``."""
    framework: str
    """The name of the journey framework :attr:`stage` belongs to."""
    conversion: ConversionPrior
    """The conversion-likelihood prior of the keyword."""
    audience: str | None = None
    """Whose journey the keyword belongs to (:mod:`intentkit.audience`): ``customer`` by
    default, or ``investor``, ``job_seeker``, ``media``, ``sustainability``,
    ``business_seller``, ``partner`` from cues, or one of your own audiences; ``None`` when
    ``intent`` is ``None``. It does not change intent, stage or conversion prior."""
    model_version: str
    """The version of the model that produced this result."""

    @field_serializer("keyword")
    def _utf8_keyword(self, keyword: str) -> str:
        """The keyword with lone surrogates as U+FFFD, which UTF-8 JSON can hold.

        A lone surrogate comes from undecodable command-line bytes or half a JSON escape pair.
        """
        return replace_surrogates(keyword)

    def __repr__(self) -> str:
        """One short line: keyword, intent and confidence, the runner-up, stage, language.

        ``Classification('köpa cykel': transactional 0.934 [commercial 0.051], stage=conversion,
        sv)``; numbers rounded to three decimals, intents by name. The fields hold full precision.
        """
        if self.intent is None:
            return f"Classification({self.keyword!r}: no intent, {self.language})"
        ranked = sorted(self.probabilities.items(), key=lambda kv: -kv[1])
        runner = next((kv for kv in ranked if kv[0] != self.intent), None)
        second = f" [{runner[0].value} {runner[1]:.3f}]" if runner else ""
        return (
            f"Classification({self.keyword!r}: {self.intent.value} {self.confidence:.3f}{second}, "
            f"stage={self.stage}, {self.language})"
        )

    def _repr_html_(self) -> str:
        """A small table for notebooks (keyword escaped, numbers rounded)."""
        from intentkit._html import number, table

        rows: list[tuple[str, str]] = [
            ("intent", self.intent.value if self.intent else "(none)"),
            ("confidence", number(self.confidence)),
            *((f"p({i.value})", number(p)) for i, p in self.probabilities.items()),
            ("secondary", ", ".join(i.value for i in self.secondary)),
            ("stage", f"{self.stage or '(none)'} ({self.framework})"),
            ("language", self.language),
            ("conversion", f"{self.conversion.level.value}, {number(self.conversion.score)}"),
        ]
        return table((), rows, caption=replace_surrogates(self.keyword))


class FeatureContribution(BaseModel):
    """One feature's share of a keyword's scores."""

    model_config = ConfigDict(frozen=True)

    feature: str
    """The feature's name, e.g. ``w:price``, ``c:<pri``, ``b:__brand__ login``, ``L:place``."""
    count: int
    """How often the feature occurs in the keyword (features are counted)."""
    contributions: dict[Intent, float]
    """``count`` times the feature's weight, per intent: what it adds to each logit."""
    source: str = ""
    """What the feature is, in plain terms, naming the words of the keyword behind it: 'the word
    "price"', 'the start of "price"', '"netflix login": a brand followed by "login"', '"solna" is
    a known place'."""


class Explanation(BaseModel):
    """Why a keyword got its intent: the exact additive decomposition of the model's logits.

    For every intent, ``bias[i] + sum(f.contributions[i] for f in features) == logits[i]``, and the
    probabilities are the softmax of ``logits``.
    """

    model_config = ConfigDict(frozen=True)

    keyword: str
    """The keyword exactly as given (serialised with lone surrogates as U+FFFD)."""
    intent: Intent | None
    """The predicted intent, as :attr:`Classification.intent`."""
    logits: dict[Intent, float]
    """The model's (calibrated) score for each intent before the softmax."""
    bias: dict[Intent, float]
    """The intercept of each intent: the score of a keyword with no known features."""
    features: list[FeatureContribution]
    """Every known feature of the keyword, largest absolute contribution to :attr:`intent` first."""

    @field_serializer("keyword")
    def _utf8_keyword(self, keyword: str) -> str:
        return replace_surrogates(keyword)

    def __repr__(self) -> str:
        intent = self.intent.value if self.intent else "no intent"
        return f"Explanation({self.keyword!r}: {intent}, {len(self.features)} features)"

    def _repr_html_(self) -> str:
        """A table for notebooks: the bias, each feature with its source, and the logits.

        One column per intent, the predicted intent first; texts escaped, numbers rounded.
        """
        from intentkit._html import number, table

        order = [self.intent] if self.intent else []
        order += [i for i in self.logits if i not in order]
        rows: list[list[object]] = [["(bias)", "", "", *(number(self.bias[i]) for i in order)]]
        for f in self.features:
            rows.append(
                [f.feature, f.source, f.count, *(number(f.contributions[i]) for i in order)]
            )
        rows.append(["(logit)", "", "", *(number(self.logits[i]) for i in order)])
        header = ["feature", "what it is", "count", *(i.value for i in order)]
        right = [False, False, True, *([True] * len(order))]
        intent = self.intent.value if self.intent else "no intent"
        caption = f"{replace_surrogates(self.keyword)}: {intent}"
        return table(header, rows, caption=caption, right=right)
