"""Customer-journey stages and conversion priors, as the project's taxonomy defines them.

A keyword's **stage** comes from its intent probabilities plus post-purchase cues: each intent has a
default stage in a framework (informational → awareness, commercial → consideration,
transactional, local and navigational → conversion, in the funnel), the stage with the most
probability mass wins, and a post-purchase cue ("login", "mina sidor", "returnera", "säga upp",
"how to use", ...) overrides it ("netflix login" is retention while "netflix" is conversion).

A keyword's **conversion prior** is a level (the level of its intent: informational low,
commercial medium, the rest high) and a score: the expected per-click conversion rate under the
predicted intent probabilities, ``sum(p[intent] * prior[intent])``. The default priors are rough
per-click conversion rates of a typical commercial site; :func:`intentkit.fit_priors` replaces
them with rates estimated from your own analytics.

This module holds the frameworks, priors and summaries; the rules that turn probabilities and
cues into a stage are applied in :mod:`intentkit._decide`.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from intentkit._features import CUE_SETS as CUE_SETS
from intentkit._text import read_small_text
from intentkit.types import Classification, Intent, Level

INTENT_LEVEL: dict[Intent, Level] = {
    Intent.INFORMATIONAL: Level.LOW,
    Intent.COMMERCIAL: Level.MEDIUM,
    Intent.TRANSACTIONAL: Level.HIGH,
    Intent.NAVIGATIONAL: Level.HIGH,
    Intent.LOCAL: Level.HIGH,
}

DEFAULT_PRIORS: dict[Intent, float] = {
    Intent.INFORMATIONAL: 0.005,
    Intent.COMMERCIAL: 0.02,
    Intent.TRANSACTIONAL: 0.05,
    Intent.NAVIGATIONAL: 0.04,
    Intent.LOCAL: 0.045,
}
"""Default per-click conversion rates per intent.

Someone reading to learn (informational) rarely converts on that visit: 0.5%. Someone comparing
options (commercial) converts some of the time, 2%. Someone ready to buy, book or get a price
(transactional) converts most often, 5%; a searcher who names the brand (navigational) already
chose it but often only wants to log in or find a page, 4%; a searcher looking for a place
nearby (local) is about to visit or call, 4.5%. The numbers rank keywords; they are not a
forecast for any one site. Replace them with your own, or fit them with :func:`fit_priors`.
"""


class Framework(BaseModel):
    """A journey framework: ordered stages, the default stage of each intent, and cue overrides.

    Build one from a dict, JSON or TOML (:meth:`from_file`); validation rejects an intent without a
    stage, a stage that is not in ``stages``, and an unknown cue set, each with a clear message.

    >>> Framework.model_validate({"name": "mine", "stages": ["learn", "buy", "keep"],
    ...     "intents": {"informational": "learn", "commercial": "learn", "transactional": "buy",
    ...                 "navigational": "buy", "local": "buy"},
    ...     "cues": {"retention": "keep", "renew": "keep"}}).stages
    ['learn', 'buy', 'keep']
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """The framework's name."""
    stages: list[str] = Field(min_length=1)
    """The stages in journey order."""
    intents: dict[Intent, str]
    """The default stage of each of the five intents."""
    cues: dict[str, str] = Field(default_factory=dict)
    """Post-purchase cue set (see :data:`CUE_SETS`) to the stage it forces; ``renew`` wins over
    ``retention`` when a keyword has both."""

    @field_validator("intents", mode="before")
    @classmethod
    def _known_intents(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            known = {i.value for i in Intent}
            unknown = [k for k in value if str(k) not in known]
            if unknown:
                raise ValueError(f"unknown intent {unknown[0]!r}; intents are {sorted(known)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        if len(set(self.stages)) != len(self.stages):
            raise ValueError(f"framework {self.name!r}: stages must be distinct")
        for stage in self.stages:
            if not stage.strip() or not stage.isprintable():
                raise ValueError(
                    f"framework {self.name!r}: stage {stage!r} must be non-blank text without "
                    "tabs, line breaks or other control characters"
                )
        missing = [i.value for i in Intent if i not in self.intents]
        if missing:
            raise ValueError(f"framework {self.name!r}: missing stage for intent {missing[0]!r}")
        for where, stage in [
            *((f"intent {k.value!r}", v) for k, v in self.intents.items()),
            *((f"cue set {k!r}", v) for k, v in self.cues.items()),
        ]:
            if stage not in self.stages:
                raise ValueError(
                    f"framework {self.name!r}: {where} maps to stage {stage!r}, which is not "
                    f"one of its stages {self.stages}"
                )
        unknown = [k for k in self.cues if k not in CUE_SETS]
        if unknown:
            raise ValueError(
                f"framework {self.name!r}: unknown cue set {unknown[0]!r}; cue sets are {list(CUE_SETS)}"
            )
        return self

    @classmethod
    def from_file(cls, path: str | Path) -> Framework:
        """Load a framework from a ``.json`` or ``.toml`` file; ``ValueError`` names the file."""
        return load_settings(cls, Path(path), "framework", "a framework file")

    def forced_stage(self, cue_sets: Iterable[str]) -> str | None:
        """The stage a keyword with post-purchase cues of ``cue_sets`` is in, or ``None``.

        ``renew`` wins over ``retention``; any post-purchase cue forces the ``retention`` stage
        where the framework maps no ``renew`` stage.
        """
        found = set(cue_sets)
        if "renew" in found and "renew" in self.cues:
            return self.cues["renew"]
        if found and "retention" in self.cues:
            return self.cues["retention"]
        return None


def _deep_line(text: str, limit: int = 100) -> int:
    """The line where brackets outside strings first nest deeper than ``limit`` (else 1)."""
    depth, line, quote, escaped = 0, 1, "", False
    for ch in text:
        if ch == "\n":
            line += 1
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return line
        elif ch in "]}":
            depth -= 1
    return 1


_Settings = TypeVar("_Settings", bound=BaseModel)


def load_settings(cls: type[_Settings], path: Path, name: str, described: str) -> _Settings:
    """A pydantic model of ``cls`` from a ``.json`` or ``.toml`` file of at most 1 MiB.

    Every error is one ``ValueError`` line naming the file ("<path>: not a valid <name>: ..."),
    with the line for a file nested too deeply to read. Frameworks and audiences load this way.
    """
    text = read_small_text(path, 1 << 20, described)
    try:
        data = _load_toml(text) if path.suffix.lower() == ".toml" else json.loads(text)
        return cls.model_validate(data)
    except RecursionError:
        raise ValueError(
            f"{path}:{_deep_line(text)}: not a valid {name}: nested too deeply to read"
        ) from None
    except ValidationError as e:
        raise ValueError(f"{path}: not a valid {name}: {_one_line(e)}") from None
    except ValueError as e:
        raise ValueError(f"{path}: not a valid {name}: {e}") from None


def _load_toml(text: str) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib.loads(text)
    try:  # pragma: no cover - Python 3.10 only
        import tomli
    except ImportError:  # pragma: no cover
        raise ValueError("reading TOML on Python 3.10 needs tomli: pip install tomli") from None
    return tomli.loads(text)  # pragma: no cover


def _one_line(error: ValidationError) -> str:
    parts = []
    for err in error.errors():
        where = ".".join(str(x) for x in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts)


FRAMEWORKS: dict[str, Framework] = {
    "funnel": Framework(
        name="funnel",
        stages=["awareness", "consideration", "conversion", "retention"],
        intents={
            Intent.INFORMATIONAL: "awareness",
            Intent.COMMERCIAL: "consideration",
            Intent.TRANSACTIONAL: "conversion",
            Intent.NAVIGATIONAL: "conversion",
            Intent.LOCAL: "conversion",
        },
        cues={"retention": "retention", "renew": "retention"},
    ),
    "five_as": Framework(
        name="five_as",
        stages=["aware", "appeal", "ask", "act", "advocate"],
        intents={
            Intent.INFORMATIONAL: "aware",
            Intent.NAVIGATIONAL: "appeal",
            Intent.COMMERCIAL: "ask",
            Intent.TRANSACTIONAL: "act",
            Intent.LOCAL: "act",
        },
        cues={"retention": "advocate", "renew": "advocate"},
    ),
    "b2c": Framework(
        name="b2c",
        stages=["discover", "try", "buy", "use", "renew"],
        intents={
            Intent.INFORMATIONAL: "discover",
            Intent.COMMERCIAL: "try",
            Intent.TRANSACTIONAL: "buy",
            Intent.NAVIGATIONAL: "buy",
            Intent.LOCAL: "buy",
        },
        cues={"retention": "use", "renew": "renew"},
    ),
}
"""The built-in frameworks: ``funnel`` (the default), ``five_as`` and ``b2c``."""


def resolve_framework(framework: str | Framework | Mapping[str, Any]) -> Framework:
    """A built-in framework by name, or a user framework from a ``Framework`` or a dict."""
    if isinstance(framework, Framework):
        return framework
    if isinstance(framework, str):
        try:
            return FRAMEWORKS[framework]
        except KeyError:
            raise ValueError(
                f"unknown framework {framework!r}; built-in frameworks are {sorted(FRAMEWORKS)}, "
                "or pass a Framework"
            ) from None
    if isinstance(framework, Mapping):
        try:
            return Framework.model_validate(dict(framework))
        except ValidationError as e:
            raise ValueError(f"not a valid framework: {_one_line(e)}") from None
    raise TypeError(
        f"framework must be a name, a Framework or a dict, not {type(framework).__name__}"
    )


def resolve_priors(
    priors: Mapping[Intent, float] | Mapping[str, float] | None,
) -> dict[Intent, float]:
    """Validated per-intent priors: all five intents, each a finite number in [0, 1]."""
    if priors is None:
        return dict(DEFAULT_PRIORS)
    out: dict[Intent, float] = {}
    for key, value in priors.items():
        try:
            intent = Intent(key)
        except ValueError:
            raise ValueError(f"priors: unknown intent {key!r}") from None
        v = float(value)
        if not (math.isfinite(v) and 0.0 <= v <= 1.0):
            raise ValueError(f"priors: {intent.value} must be a number in [0, 1], not {value!r}")
        out[intent] = v
    missing = [i.value for i in Intent if i not in out]
    if missing:
        raise ValueError(f"priors: missing intents {missing}")
    return {i: out[i] for i in Intent}


METRICS = ("volume", "impressions", "clicks")
"""The metrics a journey map can add up per stage and intent: search volume (how often people
search), impressions (how often a site was shown) and clicks (how often it was clicked)."""


class JourneySummary(BaseModel):
    """The journey map of a keyword list: how its keywords and their metrics spread over stages.

    Keywords are counted per stage and intent, and so are the search volume, impressions or
    clicks given with them. Each metric is named as what it is: a Search Console export gives impressions and clicks,
    never "volume". :attr:`expected_conversions` says what it multiplied in
    :attr:`conversions_basis`.
    """

    model_config = ConfigDict(frozen=True)

    framework: str
    """The framework whose stages are counted."""
    keywords: int
    """Keywords summarised, empty ones included (a tool's note rows are not keywords)."""
    empty: int
    """Keywords without letters or digits (no intent, no stage)."""
    stages: dict[str, int]
    """Keywords per stage, every stage of the framework listed in order."""
    intents: dict[Intent, int]
    """Keywords per intent."""
    stage_volume: dict[str, float] | None = None
    """Search volume per stage, when volumes were given."""
    intent_volume: dict[Intent, float] | None = None
    """Search volume per intent, when volumes were given."""
    expected_conversions: float | None = None
    """Sum of clicks times conversion score when clicks were given (the conversions those clicks
    should bring); else of search volume times conversion score (conversions to expect if every
    search clicked once); ``None`` with neither. Impressions are never multiplied: an impression
    is not a click."""
    conversions_basis: Literal["clicks", "volume"] | None = None
    """What :attr:`expected_conversions` multiplied by the conversion score."""
    stage_impressions: dict[str, float] | None = None
    """Impressions per stage, when impressions were given."""
    intent_impressions: dict[Intent, float] | None = None
    """Impressions per intent, when impressions were given."""
    stage_clicks: dict[str, float] | None = None
    """Clicks per stage, when clicks were given."""
    intent_clicks: dict[Intent, float] | None = None
    """Clicks per intent, when clicks were given."""
    notes: int = 0
    """Rows that were a tool's note ("You can export only first 30000 rows..."), not keywords:
    passed through unlabelled and not counted in :attr:`keywords`."""
    languages: dict[str, dict[Intent, int]] | None = None
    """Keywords per intent in each language (``en``, ``sv``, ``other``, ``unknown``): the intent mix per
    language. ``None`` in the per-audience summaries."""
    audiences: dict[str, JourneySummary] | None = None
    """The journey map of each audience's keywords (:attr:`Classification.audience`), every
    audience of the classifier listed in order, then any other in the order first seen; their
    ``keywords`` add up to this summary's minus its ``empty``. ``None`` in the per-audience
    summaries themselves."""
    stage_conversions: dict[str, float] | None = None
    """Expected conversions per stage, when volumes were given."""
    intent_conversions: dict[Intent, float] | None = None
    """Expected conversions per intent, when volumes were given."""

    def rows(self) -> list[dict[str, Any]]:
        """The summary as tidy rows: one per stage, then one per intent.

        Each row has ``by`` (``"stage"`` or ``"intent"``), ``name``, ``keywords`` and ``share``
        (of the keywords with an intent); for each metric given (``volume``, ``impressions``,
        ``clicks``) its sum and ``<metric>_share``; and ``expected_conversions`` when they were
        computed (see :attr:`conversions_basis`).
        """
        counted = self.keywords - self.empty
        metrics = [
            (name, by_stage, by_intent)
            for name, by_stage, by_intent in (
                ("volume", self.stage_volume, self.intent_volume),
                ("impressions", self.stage_impressions, self.intent_impressions),
                ("clicks", self.stage_clicks, self.intent_clicks),
            )
            if by_stage is not None and by_intent is not None
        ]
        out: list[dict[str, Any]] = []
        groups: list[tuple[str, Mapping[Any, int], Any]] = [
            ("stage", self.stages, self.stage_conversions),
            ("intent", self.intents, self.intent_conversions),
        ]
        for by, counts, conversions in groups:
            for key, n in counts.items():
                row: dict[str, Any] = {
                    "by": by,
                    "name": str(key),
                    "keywords": n,
                    "share": n / counted if counted else 0.0,
                }
                for name, by_stage, by_intent in metrics:
                    total = sum(by_stage.values())
                    v = float((by_stage if by == "stage" else by_intent).get(key, 0.0))
                    row[name] = v
                    row[f"{name}_share"] = v / total if total else 0.0
                if conversions is not None:
                    row["expected_conversions"] = float(conversions.get(key, 0.0))
                out.append(row)
        return out

    def to_frame(self) -> Any:
        """The summary as a pandas DataFrame of :meth:`rows`, indexed by (``by``, ``name``).

        Columns ``keywords`` and ``share``, and ``volume``, ``volume_share`` and
        ``expected_conversions`` when volumes were given. Empty keywords are not a row (see
        :attr:`empty`); each group's shares add up to 1.

        Raises ``ImportError`` with the install command when pandas is missing.
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(
                "JourneySummary.to_frame() needs pandas: pip install 'intentkit-seo[pandas]'"
            ) from None
        return pd.DataFrame(self.rows()).set_index(["by", "name"])

    def _repr_html_(self) -> str:
        """The rows as a small HTML table for notebooks."""
        from intentkit._html import number, table

        rows = self.rows()
        extra = [
            k for k in (rows[0] if rows else {}) if k not in ("by", "name", "keywords", "share")
        ]
        header = ["", "", "keywords", "share", *(k.replace("_", " ") for k in extra)]
        body = []
        for r in rows:
            line = [r["by"], r["name"], f"{r['keywords']:,}", number(r["share"])]
            for k in extra:
                v = r[k]
                line.append(
                    number(v)
                    if k.endswith("_share")
                    else f"{v:,.1f}"
                    if k.startswith("exp")
                    else f"{v:,.0f}"
                )
            body.append(line)
        caption = (
            f"journey map ({self.framework}): {self.keywords:,} keywords, {self.empty:,} empty"
        )
        if self.expected_conversions is not None:
            caption += (
                f", {self.expected_conversions:,.1f} expected conversions"
                f" (from {self.conversions_basis})"
            )
        return table(
            header, body, caption=caption, right=[False, False, *([True] * (2 + len(extra)))]
        )


class Tally:
    """A journey map counted one keyword at a time.

    :func:`journey_summary` adds a list of classifications to one; ``intentkit label --summary``
    and ``intentkit summary`` add the rows of a file as they stream past, so a summary of any
    size takes constant memory and both give the same numbers for the same keywords.
    ``metrics`` names the metrics of :data:`METRICS` to add up (``volumes=True`` is
    ``metrics=("volume",)``).
    """

    def __init__(
        self,
        framework: str,
        stages: Sequence[str] = (),
        *,
        volumes: bool = False,
        metrics: Sequence[str] = (),
        audiences: Sequence[str] | None = (),
    ) -> None:
        wanted = {*metrics, *(("volume",) if volumes else ())}
        unknown = wanted.difference(METRICS)
        if unknown:
            raise ValueError(f"unknown metric {sorted(unknown)[0]!r}; metrics are {list(METRICS)}")
        self.framework = framework
        self.stage_names = tuple(stages)
        self.nested = audiences is None
        self.languages: dict[str, dict[Intent, int]] = {
            lang: dict.fromkeys(Intent, 0) for lang in ("en", "sv", "unknown")
        }
        self.keywords = 0
        self.empty = 0
        self.notes = 0
        self.stages = dict.fromkeys(stages, 0)
        self.intents = dict.fromkeys(Intent, 0)
        self.metrics = tuple(m for m in METRICS if m in wanted)
        self.by_stage = {m: dict.fromkeys(stages, 0.0) for m in self.metrics}
        self.by_intent = {m: dict.fromkeys(Intent, 0.0) for m in self.metrics}
        self.basis: Literal["clicks", "volume"] | None = (
            "clicks" if "clicks" in wanted else "volume" if "volume" in wanted else None
        )
        self.expected = 0.0
        self.stage_conversions = dict.fromkeys(stages, 0.0) if self.basis else None
        self.intent_conversions = dict.fromkeys(Intent, 0.0) if self.basis else None
        self.audiences: dict[str, Tally] = {a: self._sub() for a in audiences or ()}

    def _sub(self) -> Tally:
        return Tally(self.framework, self.stage_names, metrics=self.metrics, audiences=None)

    def add(
        self,
        intent: Intent | None,
        stage: str | None,
        conversion: float,
        volume: float = 0.0,
        audience: str | None = None,
        language: str = "unknown",
        *,
        impressions: float = 0.0,
        clicks: float = 0.0,
    ) -> None:
        """Count one keyword.

        Its intent and stage (``None`` for an empty keyword), search volume, audience (``None``:
        counted in no audience), language, impressions and clicks.
        """
        self.keywords += 1
        if intent is None or stage is None:
            self.empty += 1
            return
        if not self.nested:
            self.languages.setdefault(language, dict.fromkeys(Intent, 0))[intent] += 1
            if audience is not None:
                sub = self.audiences.get(audience)
                if sub is None:
                    sub = self.audiences[audience] = self._sub()
                sub.add(intent, stage, conversion, volume, impressions=impressions, clicks=clicks)
        if stage not in self.stages:
            self.stages[stage] = 0
            for m in self.metrics:
                self.by_stage[m][stage] = 0.0
            if self.stage_conversions is not None:
                self.stage_conversions[stage] = 0.0
        self.stages[stage] += 1
        self.intents[intent] += 1
        values = {"volume": volume, "impressions": impressions, "clicks": clicks}
        for m in self.metrics:
            self.by_stage[m][stage] += values[m]
            self.by_intent[m][intent] += values[m]
        if self.basis is not None:
            expected = values[self.basis] * conversion
            self.expected += expected
            if self.stage_conversions is not None and self.intent_conversions is not None:
                self.stage_conversions[stage] += expected
                self.intent_conversions[intent] += expected

    def summary(self) -> JourneySummary:
        """The journey map of the keywords counted so far."""
        return JourneySummary(
            framework=self.framework,
            keywords=self.keywords,
            empty=self.empty,
            stages=self.stages,
            intents=self.intents,
            stage_volume=self.by_stage.get("volume"),
            intent_volume=self.by_intent.get("volume"),
            expected_conversions=self.expected if self.basis else None,
            conversions_basis=self.basis,
            stage_impressions=self.by_stage.get("impressions"),
            intent_impressions=self.by_intent.get("impressions"),
            stage_clicks=self.by_stage.get("clicks"),
            intent_clicks=self.by_intent.get("clicks"),
            notes=self.notes,
            languages=None if self.nested else self.languages,
            audiences=None
            if self.nested
            else {name: t.summary() for name, t in self.audiences.items()},
            stage_conversions=self.stage_conversions,
            intent_conversions=self.intent_conversions,
        )


def journey_summary(
    classifications: Iterable[Classification],
    volumes: Iterable[float] | None = None,
    *,
    impressions: Iterable[float] | None = None,
    clicks: Iterable[float] | None = None,
) -> JourneySummary:
    """Summarise classifications (and their volumes, impressions or clicks) by stage and intent.

    All classifications must come from one framework; the stages listed are those of the
    built-in framework of that name, then any other stage in the order first seen. The
    audiences listed are the built-in ones when every audience seen is one of them, else those
    seen, in the order first seen. Each metric given is added up under its own name; expected
    conversions multiply clicks when given, else volumes (:attr:`JourneySummary.conversions_basis`).
    """
    results = list(classifications)
    given = {"volume": volumes, "impressions": impressions, "clicks": clicks}
    columns: dict[str, list[float]] = {}
    for metric, values in given.items():
        if values is None:
            continue
        vals = [float(v) for v in values]
        if len(vals) != len(results):
            raise ValueError(f"{len(vals)} {_plural(metric)} for {len(results)} classifications")
        bad = [i for i, v in enumerate(vals) if not (math.isfinite(v) and v >= 0)]
        if bad:
            raise ValueError(f"{metric} at position {bad[0]} is not a non-negative number")
        columns[metric] = vals
    names = {r.framework for r in results}
    if len(names) > 1:
        raise ValueError(f"classifications from several frameworks: {sorted(names)}")
    name = names.pop() if names else "funnel"
    from intentkit.audience import AUDIENCES

    seen = {r.audience for r in results if r.audience is not None}
    tally = Tally(
        name,
        FRAMEWORKS[name].stages if name in FRAMEWORKS else (),
        metrics=list(columns),
        audiences=AUDIENCES.names if seen <= set(AUDIENCES.names) else (),
    )
    zero = [0.0] * len(results)
    vol, imp, clk = (columns.get(m, zero) for m in METRICS)
    for i, r in enumerate(results):
        tally.add(
            r.intent,
            r.stage,
            r.conversion.score,
            vol[i],
            r.audience,
            r.language,
            impressions=imp[i],
            clicks=clk[i],
        )
    return tally.summary()


def _plural(metric: str) -> str:
    return "volumes" if metric == "volume" else metric
