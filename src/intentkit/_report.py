"""The journey map of a keyword list as one self-contained HTML page.

:func:`report` (and ``intentkit report``) draws what ``intentkit summary`` counts: a funnel by
stage of the framework per audience, the intent mix per language, the keywords with the most
volume times conversion prior per stage, the least confident keywords, and where the numbers
come from. The page holds aggregates and top lists only, never every row, so a million-row
export gives a page of a few dozen kilobytes; it has inline CSS and SVG, no script, and loads
nothing from the network.

The counts are those of :class:`~intentkit.journey.Tally`, the same object ``intentkit summary``
counts with, so every number on the page is the summary's. Each number's element carries a
``data-k`` attribute naming where in ``intentkit summary --json`` it comes from (or
``data-pct`` for a share of two of them); the tests check them in a browser.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from intentkit._decide import LANGUAGES, Decisions
from intentkit._version import __version__
from intentkit.journey import FRAMEWORKS, JourneySummary, Tally
from intentkit.types import Classification, Intent

TOP = 10
"""Opportunities listed per stage."""
REVIEW = 20
"""Least confident keywords listed."""
_INTENTS = list(Intent)


@dataclass(frozen=True)
class Pick:
    """One keyword of a top list, with the numbers the page shows for it."""

    keyword: str
    stage: str
    audience: str
    intent: str
    confidence: float
    second: str
    second_p: float
    score: float
    volume: float | None
    row: int
    """Its position in the input, from 1 (rows with an empty keyword counted)."""

    @property
    def value(self) -> float:
        """Volume times conversion score (the score alone without volumes)."""
        return self.score * (self.volume if self.volume is not None else 1.0)


def measure_of(metrics: Sequence[str]) -> str | None:
    """The metric a report draws its funnel and ranks opportunities by.

    Search volume when the input has it (demand), else impressions (the demand Search Console
    saw), else clicks; ``None`` without any, when the report counts keywords.
    """
    return next((m for m in ("volume", "impressions", "clicks") if m in metrics), None)


@dataclass
class ReportData:
    """Everything a report shows."""

    summary: JourneySummary
    opportunities: dict[str, list[Pick]]
    review: list[Pick]
    source: str
    model_version: str
    date: str
    audiences: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


class ReportBuilder:
    """Counts a report's numbers a chunk at a time, in constant memory.

    The journey map is a :class:`~intentkit.journey.Tally`; the top lists keep the best
    :data:`TOP` keywords per stage (by volume x conversion score, ties in input order) and the
    :data:`REVIEW` least confident ones, chosen per chunk with array operations.
    """

    def __init__(
        self,
        framework: str,
        stages: Sequence[str],
        audiences: Sequence[str],
        *,
        metrics: Sequence[str] = (),
        top: int = TOP,
        review: int = REVIEW,
    ) -> None:
        self.tally = Tally(framework, stages, metrics=metrics, audiences=audiences)
        self.audiences = tuple(audiences)
        self.measure = measure_of(metrics)
        self.top, self.review_n = top, review
        self.best: dict[str, list[Pick]] = {s: [] for s in stages}
        self.least: list[Pick] = []
        self.rows = 0

    def add(
        self,
        keywords: Sequence[str],
        d: Decisions,
        metrics: dict[str, list[float]] | None,
        notes: Sequence[int] = (),
    ) -> None:
        """Count a chunk: its keywords, their decisions, their metrics (by name) and notes."""
        from intentkit._label import tally_chunk

        tally_chunk(self.tally, d, metrics, notes)
        n, base = len(d), self.rows
        self.rows += n
        keep = np.ones(n, dtype=bool)
        keep[d.empty] = False
        keep[list(notes)] = False
        values = (metrics or {}).get(self.measure) if self.measure else None
        vol = np.asarray(values, dtype=np.float64) if values else None
        value = d.conversion * vol if vol is not None else d.conversion

        def pick(i: int) -> Pick:
            p = d.probabilities[i]
            order = np.argsort(-p, kind="stable")
            audience = d.audiences[d.audience[i]] if d.audience is not None else ""
            return Pick(
                keyword=keywords[i],
                stage=d.stages[d.stage[i]],
                audience=audience,
                intent=_INTENTS[int(order[0])].value,
                confidence=float(p[order[0]]),
                second=_INTENTS[int(order[1])].value,
                second_p=float(p[order[1]]),
                score=float(d.conversion[i]),
                volume=float(vol[i]) if vol is not None else None,
                row=base + i + 1,
            )

        for s, name in enumerate(d.stages):
            idx = np.flatnonzero(keep & (d.stage == s))
            if not len(idx):
                continue
            idx = idx[np.lexsort((idx, -value[idx]))[: self.top]]
            merged = self.best.setdefault(name, []) + [pick(int(i)) for i in idx]
            merged.sort(key=lambda p: (-p.value, p.row))
            self.best[name] = merged[: self.top]
        idx = np.flatnonzero(keep)
        if len(idx):
            conf = d.probabilities[idx].max(axis=1)
            idx = idx[np.lexsort((idx, conf))[: self.review_n]]
            merged = self.least + [pick(int(i)) for i in idx]
            merged.sort(key=lambda p: (p.confidence, p.row))
            self.least = merged[: self.review_n]

    def data(self, source: str, model_version: str, notes: Sequence[str] = ()) -> ReportData:
        """The report's data, once every chunk is added."""
        return ReportData(
            summary=self.tally.summary(),
            opportunities=self.best,
            review=self.least,
            source=source,
            model_version=model_version,
            date=dt.date.today().isoformat(),
            audiences=self.audiences,
            notes=list(notes),
        )


def decisions_of(
    results: Sequence[Classification], stages: Sequence[str], audiences: Sequence[str]
) -> Decisions:
    """The :class:`Decisions` of built results, for the same counting path as ``intentkit report``."""
    stage_index = {s: i for i, s in enumerate(stages)}
    audience_index = {a: i for i, a in enumerate(audiences)}
    n = len(results)
    probs = np.array([list(r.probabilities.values()) for r in results], dtype=np.float64)
    empty = [i for i, r in enumerate(results) if r.intent is None]
    return Decisions(
        probabilities=probs.reshape(n, len(_INTENTS)),
        top=np.array([_INTENTS.index(r.intent) if r.intent else 0 for r in results], np.intp),
        secondary=np.zeros(n, np.intp),
        language=np.array([LANGUAGES.index(r.language) for r in results], np.intp),
        stage=np.array([stage_index.get(r.stage or "", 0) for r in results], np.intp),
        conversion=np.array([r.conversion.score for r in results], np.float64),
        empty=empty,
        stages=tuple(stages),
        audience=np.array([audience_index.get(r.audience or "", 0) for r in results], np.intp),
        audiences=tuple(audiences),
    )


def report(
    results: Iterable[Classification],
    volumes: Iterable[float] | None = None,
    path: str | Path | None = None,
    *,
    lang: str = "en",
    source: str = "",
) -> str:
    """The HTML journey-map report of classified keywords; also written to ``path`` if given.

    ``volumes`` are the keywords' search volumes, in the same order (non-negative numbers);
    without them the funnel counts keywords and opportunities rank by conversion score alone.
    ``lang`` is ``"en"`` or ``"sv"``: the page's language and number format. ``source`` names
    where the keywords came from, for the page's provenance. The file is written to a
    temporary name and renamed into place. Every result must come from one framework.

    >>> import intentkit
    >>> page = intentkit.report(intentkit.classify_many(["volvo aktie", "köpa volvo xc60"]))
    >>> page.startswith("<!DOCTYPE html>")
    True
    """
    from intentkit.audience import AUDIENCES

    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {sorted(_TEXT)}, not {lang!r}")
    items = list(results)
    vols = None if volumes is None else [float(v) for v in volumes]
    if vols is not None:
        if len(vols) != len(items):
            raise ValueError(f"{len(vols)} volumes for {len(items)} classifications")
        bad = [i for i, v in enumerate(vols) if not (math.isfinite(v) and v >= 0)]
        if bad:
            raise ValueError(f"volume at position {bad[0]} is not a non-negative number")
    names = {r.framework for r in items}
    if len(names) > 1:
        raise ValueError(f"classifications from several frameworks: {sorted(names)}")
    framework = names.pop() if names else "funnel"
    stages = list(FRAMEWORKS[framework].stages) if framework in FRAMEWORKS else []
    stages += [s for s in dict.fromkeys(r.stage for r in items) if s and s not in stages]
    seen = [a for a in dict.fromkeys(r.audience for r in items) if a]
    audiences = list(AUDIENCES.names) if set(seen) <= set(AUDIENCES.names) else seen
    builder = ReportBuilder(
        framework, stages, audiences, metrics=("volume",) if vols is not None else ()
    )
    for start in range(0, len(items), 8192):
        chunk = items[start : start + 8192]
        builder.add(
            [r.keyword for r in chunk],
            decisions_of(chunk, stages, audiences),
            {"volume": vols[start : start + 8192]} if vols is not None else None,
        )
    versions = sorted({r.model_version for r in items})
    page = render(builder.data(source, ", ".join(versions)), lang)
    if path is not None:
        write_page(page, str(path))
    return page


def report_table(table: Any, clf: Any, *, n_jobs: int | None = 1) -> ReportData:
    """The report's data of an opened input table (``intentkit report``), streamed in chunks."""
    from intentkit._label import Stats, _chunks, _decide_chunk, _metrics
    from intentkit._parallel import gc_paused, map_chunks

    builder = ReportBuilder(
        clf.framework.name,
        clf.framework.stages,
        clf.audiences.names,
        metrics=list(table.metrics),
    )
    key = table.keyword_index
    stats = Stats()
    try:
        with gc_paused():
            for (kept, notes), d in map_chunks(
                _decide_chunk, clf, _chunks(table, stats, "keep"), n_jobs
            ):
                keywords = [f[key] if key < len(f) else "" for f in kept]
                builder.add(keywords, d, _metrics(table, kept), notes)
    finally:
        for close in table.cleanup:
            close()
    version = str(clf.model_card.get("model_version", ""))
    return builder.data(table.path, version, table.notes)


def write_page(page: str, path: str) -> None:
    """Write ``page`` to ``path`` through a temporary file renamed into place."""
    from intentkit._io import AtomicOutput

    out = AtomicOutput(path)
    try:
        out.binary.write(page.encode("utf-8"))
        out.commit()
    except BaseException:
        out.abort()
        raise


_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Journey map",
        "of": "of",
        "overview": "Overview",
        "keywords": "keywords",
        "keyword_one": "keyword",
        "all_audiences": "All audiences",
        "Keywords": "Keywords",
        "labelled": "labelled",
        "empty": "without letters or digits",
        "volume": "Search volume",
        "expected": "Expected conversions",
        "expected_note": "search volume \u00d7 conversion prior, summed",
        "journey": "The journey map",
        "journey_note": "Keywords per stage of the {framework} framework, for all keywords and for each audience with keywords. "
        "The funnel's bars are proportional to {measure}.",
        "by_volume": "search volume",
        "by_impressions": "impressions",
        "by_clicks": "clicks",
        "impressions": "Impressions",
        "clicks": "Clicks",
        "expected_note_clicks": "clicks \u00d7 conversion prior, summed",
        "opp_note_impressions": "The keywords with the most impressions \u00d7 conversion prior, per stage.",
        "opp_note_clicks": "The keywords with the most clicks \u00d7 conversion prior, per stage.",
        "by_keywords": "the number of keywords",
        "stage": "Stage",
        "share": "Share",
        "funnel": "Funnel of {audience}: {n} stages; the table below gives the numbers",
        "mix": "The intent mix",
        "mix_note": "Keywords per intent, in each language the model recognised.",
        "mix_chart": "Intent mix, {language}: bar split by intent; the table below gives the numbers",
        "intent": "Intent",
        "all": "All languages",
        "opportunities": "Opportunities",
        "opp_note_volume": "The keywords with the most search volume \u00d7 conversion prior, per stage.",
        "opp_note": "No search volume in the input: the keywords with the highest conversion prior, per stage.",
        "keyword": "Keyword",
        "audience": "Audience",
        "score": "Conversion prior",
        "value": "Volume \u00d7 prior",
        "review": "Keywords to review",
        "review_note": "The least confident keywords, with their two most likely intents.",
        "first": "Most likely",
        "second": "Second",
        "probability": "Probability",
        "none": "None.",
        "source": "Where the numbers come from",
        "input": "Input",
        "rows": "Rows read",
        "rows_labelled": "Rows labelled",
        "rows_empty": "Rows without a keyword",
        "model": "Model version",
        "tool": "Made with",
        "date": "Date",
        "framework": "Framework",
        "audiences": "Audiences",
        "same": "The same numbers as intentkit summary --json for this input.",
        "lang_en": "English",
        "lang_sv": "Swedish",
        "lang_other": "Other languages",
        "lang_unknown": "Language not recognised",
        "informational": "informational",
        "commercial": "commercial",
        "transactional": "transactional",
        "navigational": "navigational",
        "local": "local",
        "customer": "customers",
        "investor": "investors",
        "job_seeker": "job seekers",
        "media": "press and news followers",
        "sustainability": "sustainability readers",
        "business_seller": "business sellers",
        "partner": "partners and suppliers",
    },
    "sv": {
        "title": "Kundresan",
        "of": "av",
        "overview": "Översikt",
        "keywords": "sökord",
        "keyword_one": "sökord",
        "all_audiences": "Alla målgrupper",
        "Keywords": "Sökord",
        "labelled": "märkta",
        "empty": "utan bokstäver eller siffror",
        "volume": "Sökvolym",
        "expected": "Förväntade konverteringar",
        "expected_note": "sökvolym \u00d7 konverteringssannolikhet, summerat",
        "journey": "Kundresan steg för steg",
        "journey_note": "Sökord per steg i ramverket {framework}, för alla sökord och för varje målgrupp med sökord. "
        "Trattens staplar är proportionella mot {measure}.",
        "by_volume": "sökvolymen",
        "by_impressions": "exponeringarna",
        "by_clicks": "klicken",
        "impressions": "Exponeringar",
        "clicks": "Klick",
        "expected_note_clicks": "klick \u00d7 konverteringssannolikhet, summerat",
        "opp_note_impressions": "Sökorden med flest exponeringar \u00d7 konverteringssannolikhet, per steg.",
        "opp_note_clicks": "Sökorden med flest klick \u00d7 konverteringssannolikhet, per steg.",
        "by_keywords": "antalet sökord",
        "stage": "Steg",
        "share": "Andel",
        "funnel": "Tratt för {audience}: {n} steg; tabellen nedan ger siffrorna",
        "mix": "Sökavsikter",
        "mix_note": "Sökord per sökavsikt, för varje språk som modellen kände igen.",
        "mix_chart": "Sökavsikter, {language}: stapel delad per avsikt; tabellen nedan ger siffrorna",
        "intent": "Sökavsikt",
        "all": "Alla språk",
        "opportunities": "Möjligheter",
        "opp_note_volume": "Sökorden med störst sökvolym \u00d7 konverteringssannolikhet, per steg.",
        "opp_note": "Ingen sökvolym i filen: sökorden med högst konverteringssannolikhet, per steg.",
        "keyword": "Sökord",
        "audience": "Målgrupp",
        "score": "Konverteringssannolikhet",
        "value": "Volym \u00d7 sannolikhet",
        "review": "Sökord att granska",
        "review_note": "Sökorden som modellen är minst säker på, med de två troligaste avsikterna.",
        "first": "Troligast",
        "second": "Näst troligast",
        "probability": "Sannolikhet",
        "none": "Inga.",
        "source": "Var siffrorna kommer ifrån",
        "input": "Fil",
        "rows": "Lästa rader",
        "rows_labelled": "Märkta rader",
        "rows_empty": "Rader utan sökord",
        "model": "Modellversion",
        "tool": "Gjord med",
        "date": "Datum",
        "framework": "Ramverk",
        "audiences": "Målgrupper",
        "same": "Samma siffror som intentkit summary --json för filen.",
        "lang_en": "Engelska",
        "lang_sv": "Svenska",
        "lang_other": "Andra språk",
        "lang_unknown": "Okänt språk",
        "informational": "informativ",
        "commercial": "kommersiell",
        "transactional": "transaktionell",
        "navigational": "navigerande",
        "local": "lokal",
        "customer": "kunder",
        "investor": "investerare",
        "job_seeker": "arbetssökande",
        "media": "press och nyhetsläsare",
        "sustainability": "hållbarhetsläsare",
        "business_seller": "företagssäljare",
        "partner": "partner och leverantörer",
        "awareness": "medvetenhet",
        "consideration": "övervägande",
        "conversion": "konvertering",
        "retention": "lojalitet",
        "aware": "kännedom",
        "appeal": "attraktion",
        "ask": "fråga",
        "act": "handling",
        "advocate": "förespråkande",
        "discover": "upptäcka",
        "try": "prova",
        "buy": "köpa",
        "use": "använda",
        "renew": "förnya",
    },
}

_STAGE_COLOURS = ["#1f5f8b", "#2a7fb8", "#3c9bd6", "#6bb6e3", "#a3d0ee", "#c9e2f4"]
_INTENT_COLOURS = {
    "informational": "#4e79a7",
    "commercial": "#f28e2b",
    "transactional": "#59a14f",
    "navigational": "#b07aa1",
    "local": "#e15759",
}

_CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
color:#1b1f24;background:#fff}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 0}
h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:2px solid #dde3ea;padding-bottom:.25rem}
h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
p.note{color:#4a5560;margin:.25rem 0 .75rem}
.sub{color:#4a5560;margin:0;overflow-wrap:anywhere}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.5rem;margin:1rem 0}
.figure{border:1px solid #dde3ea;border-radius:.5rem;padding:.5rem .75rem}
.figure b{display:block;font-size:1.35rem}
.figure span{color:#4a5560;font-size:.85rem}
.pair{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem;align-items:start}
svg{display:block;width:100%;height:auto;max-width:28rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.25rem 0 1rem}
th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #e6ebf0;vertical-align:top}
th{font-weight:600;background:#f4f7fa}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap}
td.kw{overflow-wrap:anywhere;width:40%}
th{overflow-wrap:break-word;hyphens:auto}
.swatch{display:inline-block;width:.7em;height:.7em;border-radius:2px;margin-right:.35em;vertical-align:baseline}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.25rem 1rem;margin:0}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
code{font-size:.9em}
@media (max-width:40rem){
 main{padding:.6rem}
 .pair{grid-template-columns:minmax(0,1fr)}
 table{font-size:.8rem}
 th,td{padding:.25rem .2rem}
 th{overflow-wrap:anywhere}
 dl{grid-template-columns:minmax(0,1fr)}
 dd{margin-bottom:.4rem}
}
@media print{
 body{font-size:10.5pt}
 main{max-width:none;padding:0}
 h2,h3{break-after:avoid}
 .pair,tr,.figures{break-inside:avoid}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 th{background:#eee}
}
"""


class _Format:
    """Numbers written as the page's language writes them."""

    def __init__(self, lang: str) -> None:
        self.sv = lang == "sv"

    def _swap(self, text: str) -> str:
        if not self.sv:
            return text
        return text.replace(",", "\u00a0").replace(".", ",")

    def whole(self, value: float) -> str:
        return self._swap(f"{round(value):,}")

    def dec(self, value: float, places: int) -> str:
        return self._swap(f"{value:,.{places}f}")

    def pct(self, part: float, whole: float) -> str:
        share = 100 * part / whole if whole else 0.0
        return self._swap(f"{share:.1f}") + ("\u00a0%" if self.sv else "%")


def render(data: ReportData, lang: str = "en") -> str:
    """The report page of ``data`` in ``lang`` (``en`` or ``sv``)."""
    t = _TEXT[lang]
    f = _Format(lang)
    s = data.summary
    esc = html.escape

    def word(key: str) -> str:
        return esc(t.get(key, key))

    def num(text: str, key: str, cls: str = "n") -> str:
        return f'<td class="{cls}" data-k="{esc(key)}">{text}</td>'

    def pct(part: str, whole: str, text: str) -> str:
        return f'<td class="n" data-pct="{esc(part)} {esc(whole)}">{text}</td>'

    m = measure_of(
        [n for n in ("volume", "impressions", "clicks") if getattr(s, f"stage_{n}") is not None]
    )
    with_volume = m is not None
    stage_m: dict[str, float] = getattr(s, f"stage_{m}") if m else {}
    intent_m: dict[Intent, float] = getattr(s, f"intent_{m}") if m else {}
    labelled = s.keywords - s.empty
    total_volume = sum(stage_m.values())
    out: list[str] = []
    title = t["title"] + (f" {t['of']} {Path(data.source).name}" if data.source else "")
    out.append(
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body><main>"
    )
    shown = (
        f' {esc(t["of"])} <span data-meta="input">{esc(Path(data.source).name)}</span>'
        if data.source
        else ""
    )
    out.append(f"<header><h1>{esc(t['title'])}{shown}</h1>")
    out.append(
        f'<p class="sub">{word("framework")}: {esc(s.framework)} · {word("date")}: '
        f'<time datetime="{data.date}" data-meta="date">{data.date}</time></p></header>'
    )

    # Overview figures
    figures = [
        (f.whole(s.keywords), "keywords", word("Keywords")),
        (f.whole(labelled), "labelled", word("labelled")),
    ]
    if with_volume:
        figures.append((f.whole(total_volume), f"total_{m}", word(str(m))))
    if s.expected_conversions is not None:
        figures.append((f.dec(s.expected_conversions, 1), "expected_conversions", word("expected")))
    out.append(f'<section aria-labelledby="h-overview"><h2 id="h-overview">{word("overview")}</h2>')
    out.append('<div class="figures">')
    for text, key, label in figures:
        out.append(f'<div class="figure"><b data-k="{key}">{text}</b><span>{label}</span></div>')
    out.append("</div>")
    if s.expected_conversions is not None:
        note = "expected_note_clicks" if s.conversions_basis == "clicks" else "expected_note"
        out.append(f'<p class="note">{word("expected")}: {word(note)}.</p>')
    out.append("</section>")

    # The journey map, per audience
    measure = word(f"by_{m}") if with_volume else word("by_keywords")
    out.append(f'<section aria-labelledby="h-journey"><h2 id="h-journey">{word("journey")}</h2>')
    out.append(
        f'<p class="note">{t["journey_note"].format(framework=esc(s.framework), measure=measure)}</p>'
    )
    entries: list[tuple[str, str, JourneySummary, str, int]] = [
        ("all_audiences", "", s, "labelled", labelled)
    ]
    entries += [
        (name, f"audiences.{name}.", part, f"audiences.{name}.keywords", part.keywords)
        for name, part in (s.audiences or {}).items()
        if part.keywords
    ]
    for a_i, (name, prefix, part, count_key, count) in enumerate(entries):
        head_id = f"h-aud-{a_i}"
        unit = word("keyword_one" if count == 1 else "keywords")
        out.append(
            f'<h3 id="{head_id}">{word(name)} · <span data-k="{esc(count_key)}">'
            f"{f.whole(count)}</span> {unit}</h3>"
        )
        sizes = [
            (getattr(part, f"stage_{m}") or {}).get(st, 0.0) if m else part.stages.get(st, 0)
            for st in part.stages
        ]
        label = t["funnel"].format(audience=t.get(name, name), n=len(part.stages))
        out.append('<div class="pair">')
        out.append(_funnel_svg(list(part.stages), sizes, word, label, f"f{a_i}"))
        rows = [
            f"<tr><th>{word('stage')}</th><th class=n>{word('Keywords')}</th>"
            + (f"<th class=n>{word(str(m))}</th>" if with_volume else "")
            + f"<th class=n>{word('share')}</th></tr>"
        ]
        for k, st in enumerate(part.stages):
            colour = _STAGE_COLOURS[k % len(_STAGE_COLOURS)]
            cells = [
                f'<td><span class="swatch" style="background:{colour}"></span>{word(st)}</td>',
                num(f.whole(part.stages[st]), f"{prefix}stages.{st}"),
            ]
            part_m = getattr(part, f"stage_{m}") if m else None
            if part_m is not None:
                cells.append(num(f.whole(part_m[st]), f"{prefix}stage_{m}.{st}"))
                share = pct(
                    f"{prefix}stage_{m}.{st}",
                    f"{prefix}stage_{m}",
                    f.pct(part_m[st], sum(part_m.values())),
                )
            else:
                share = pct(f"{prefix}stages.{st}", count_key, f.pct(part.stages[st], count))
            cells.append(share)
            rows.append("<tr>" + "".join(cells) + "</tr>")
        out.append(f'<table aria-labelledby="{head_id}">' + "".join(rows) + "</table></div>")
    out.append("</section>")

    # Intent mix per language
    out.append(f'<section aria-labelledby="h-mix"><h2 id="h-mix">{word("mix")}</h2>')
    out.append(f'<p class="note">{word("mix_note")}</p>')
    mixes: list[tuple[str, str, dict[Intent, int]]] = [("all", "intents", s.intents)]
    mixes += [
        (f"lang_{code}", f"languages.{code}", counts)
        for code, counts in (s.languages or {}).items()
        if sum(counts.values())
    ]
    for m_i, (key, base, counts) in enumerate(mixes):
        head_id = f"h-mix-{m_i}"
        total = sum(counts.values())
        out.append(f'<h3 id="{head_id}">{word(key)}</h3><div class="pair">')
        out.append(_mix_svg(counts, t["mix_chart"].format(language=t[key]), f"m{m_i}"))
        rows = [
            f"<tr><th>{word('intent')}</th><th class=n>{word('Keywords')}</th>"
            + (f"<th class=n>{word(str(m))}</th>" if key == "all" and with_volume else "")
            + f"<th class=n>{word('share')}</th></tr>"
        ]
        whole_key = "labelled" if key == "all" else base
        for intent, n in counts.items():
            cells = [
                f'<td><span class="swatch" style="background:{_INTENT_COLOURS[intent.value]}">'
                f"</span>{word(intent.value)}</td>",
                num(f.whole(n), f"{base}.{intent.value}"),
            ]
            if key == "all" and with_volume:
                cells.append(num(f.whole(intent_m[intent]), f"intent_{m}.{intent.value}"))
            cells.append(pct(f"{base}.{intent.value}", whole_key, f.pct(n, total)))
            rows.append("<tr>" + "".join(cells) + "</tr>")
        out.append(f'<table aria-labelledby="{head_id}">' + "".join(rows) + "</table></div>")
    out.append("</section>")

    # Opportunities per stage
    out.append(
        f'<section aria-labelledby="h-opp"><h2 id="h-opp">{word("opportunities")}</h2>'
        f'<p class="note">{word(f"opp_note_{m}" if with_volume else "opp_note")}</p>'
    )
    for o_i, (st, picks) in enumerate(data.opportunities.items()):
        head_id = f"h-opp-{o_i}"
        out.append(f'<h3 id="{head_id}">{word(st)}</h3>')
        if not picks:
            out.append(f'<p class="note">{word("none")}</p>')
            continue
        rows = [
            f"<tr><th>{word('keyword')}</th><th>{word('audience')}</th>"
            + (f"<th class=n>{word(str(m))}</th>" if with_volume else "")
            + f"<th class=n>{word('score')}</th>"
            + (f"<th class=n>{word('value')}</th>" if with_volume else "")
            + "</tr>"
        ]
        for p in picks:
            cells = [
                f'<td class="kw" data-row="{p.row}">{esc(p.keyword)}</td>',
                f"<td>{word(p.audience)}</td>",
            ]
            if with_volume and p.volume is not None:
                cells.append(f'<td class="n" data-f="{m}">{f.whole(p.volume)}</td>')
            cells.append(f'<td class="n" data-f="conversion_score">{f.dec(p.score, 4)}</td>')
            if with_volume:
                cells.append(f'<td class="n" data-f="value">{f.dec(p.value, 1)}</td>')
            rows.append(f'<tr data-row="{p.row}">' + "".join(cells) + "</tr>")
        out.append(f'<table aria-labelledby="{head_id}">' + "".join(rows) + "</table>")
    out.append("</section>")

    # Keywords to review
    out.append(
        f'<section aria-labelledby="h-review"><h2 id="h-review">{word("review")}</h2>'
        f'<p class="note">{word("review_note")}</p>'
    )
    if data.review:
        rows = [
            f"<tr><th>{word('keyword')}</th><th>{word('first')}</th>"
            f"<th class=n>{word('probability')}</th><th>{word('second')}</th>"
            f"<th class=n>{word('probability')}</th></tr>"
        ]
        for p in data.review:
            rows.append(
                f'<tr data-row="{p.row}"><td class="kw">{esc(p.keyword)}</td>'
                f"<td>{word(p.intent)}</td>"
                f'<td class="n" data-f="p_{p.intent}">{f.dec(p.confidence, 2)}</td>'
                f"<td>{word(p.second)}</td>"
                f'<td class="n" data-f="p_{p.second}">{f.dec(p.second_p, 2)}</td></tr>'
            )
        out.append('<table aria-labelledby="h-review">' + "".join(rows) + "</table>")
    else:
        out.append(f'<p class="note">{word("none")}</p>')
    out.append("</section>")

    # Provenance
    out.append(
        f'<section aria-labelledby="h-source"><h2 id="h-source">{word("source")}</h2><dl>'
        f'<dt>{word("input")}</dt><dd data-meta="input">{esc(data.source or "-")}</dd>'
        f'<dt>{word("rows")}</dt><dd data-k="keywords">{f.whole(s.keywords)}</dd>'
        f'<dt>{word("rows_labelled")}</dt><dd data-k="labelled">{f.whole(labelled)}</dd>'
        f'<dt>{word("rows_empty")}</dt><dd data-k="empty">{f.whole(s.empty)}</dd>'
        f'<dt>{word("model")}</dt><dd><code data-meta="model_version">'
        f"{esc(data.model_version)}</code></dd>"
        f'<dt>{word("tool")}</dt><dd data-meta="tool">intentkit {esc(__version__)}</dd>'
        f"<dt>{word('framework')}</dt><dd>{esc(s.framework)}</dd>"
        f"<dt>{word('audiences')}</dt><dd>{', '.join(word(a) for a in data.audiences)}</dd>"
        f'<dt>{word("date")}</dt><dd data-meta="date">{data.date}</dd>'
        f'</dl><p class="note">{word("same")}</p></section>'
    )
    for note in data.notes:
        out.append(f'<p class="note">{esc(note)}</p>')
    out.append("</main></body></html>\n")
    return "".join(out)


def _funnel_svg(stages: list[str], sizes: Sequence[float], word: Any, label: str, key: str) -> str:
    """A funnel of centred bars, one per stage, widths proportional to ``sizes``; names on the left."""
    width, left, bar, gap = 360, 118, 30, 6
    room = width - left
    height = len(stages) * (bar + gap)
    top = max(sizes) if sizes and max(sizes) > 0 else 1.0
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{key}-t" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{key}-t">{html.escape(label)}</title>'
    ]
    for k, (stage, size) in enumerate(zip(stages, sizes)):
        w = max(room * size / top, 2.0) if size > 0 else 1.0
        x, y = left + (room - w) / 2, k * (bar + gap)
        colour = _STAGE_COLOURS[k % len(_STAGE_COLOURS)]
        parts.append(
            f'<text x="{left - 8}" y="{y + bar / 2 + 5}" text-anchor="end" font-size="13" '
            f'fill="#1b1f24">{word(stage)}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" rx="3" fill="{colour}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _mix_svg(counts: dict[Intent, int], label: str, key: str) -> str:
    """One bar split by intent, in the intents' order."""
    width, height = 320, 28
    total = sum(counts.values()) or 1
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{key}-t" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{key}-t">{html.escape(label)}</title>'
    ]
    x = 0.0
    for intent, n in counts.items():
        w = width * n / total
        if w > 0:
            parts.append(
                f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" '
                f'fill="{_INTENT_COLOURS[intent.value]}"/>'
            )
        x += w
    parts.append("</svg>")
    return "".join(parts)
