"""Whose journey a keyword belongs to: customers, investors, job seekers, the press, ...

A company's site serves more journeys than the customer's. A keyword's **audience** is found from
cue phrases in English and Swedish ("<company> aktie", "annual report", "lediga jobb",
"<company> careers", "sälja företag", "hållbarhetsredovisning", "pressmeddelande", "bli
återförsäljare"); a keyword without a cue belongs to the default audience, ``customer``. The
audience is a layer beside intent and stage: it never changes them.

Cues are lower-case phrases matched on whole words (``"annual report"`` matches "volvo annual
report 2025" but not "annual reports" unless written ``"annual report*"``): a ``*`` at the end of
a cue's last word matches any ending ("karriär*": karriär, karriären, karriärsida), a ``*`` at
the start of its first word any beginning ("*utdelning": utdelning, aktieutdelning). When cues
of several audiences match, the longest matched text wins, then the audience listed first.
Words are matched after lower-casing and NFKC folding, with any run of spaces, hyphens or
underscores between the words of a phrase.

Your own audiences replace the built-in ones (:meth:`Audiences.from_file`, ``--audiences``):

>>> mine = Audiences.model_validate({"default": "shopper", "audiences": [
...     {"name": "shopper", "cues": []},
...     {"name": "dealer", "cues": ["dealer portal", "bli återförsäljare"]}]})
>>> mine.match("acme dealer portal login")
'dealer'
>>> mine.match("acme hiking boots")
'shopper'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from intentkit._text import MAX_KEYWORD_CHARS

_CUE = re.compile(r"\*?[\w'&.+-]+(?:[ ][\w'&.+-]+)*\*?")
_TOKEN = re.compile(r"[\w'&.+]+")
_EDGES = "'&.+"
_PLAIN = re.compile(r"[a-z0-9 ]*")


def _words(text: str) -> list[str]:
    """The words of ``text`` as cues and keywords are matched.

    Split at anything but letters, digits and ' & . + (a hyphen splits too), those marks
    stripped from the words' edges.
    """
    if _PLAIN.fullmatch(text):
        return text.split()
    return [w for w in (t.strip(_EDGES) for t in _TOKEN.findall(text)) if w]


class Audience(BaseModel):
    """One audience: its name and the cue phrases that put a keyword in it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """The audience's name, as written in results and reports (``investor``, ``job_seeker``)."""
    cues: list[str] = Field(default_factory=list)
    """Lower-case cue phrases, words separated by one space; ``*`` at either end is a wildcard."""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip() or not value.isprintable() or value != value.strip():
            raise ValueError(
                f"audience name {value!r} must be non-blank text without surrounding spaces, "
                "tabs, line breaks or other control characters"
            )
        return value

    @field_validator("cues")
    @classmethod
    def _cues(cls, value: list[str]) -> list[str]:
        out = []
        for cue in value:
            norm = " ".join(unicodedata.normalize("NFKC", cue).lower().split())
            if not _CUE.fullmatch(norm) or not _words(norm.strip("*")):
                raise ValueError(
                    f"cue {cue!r} is not a phrase of words (letters, digits, ' & . +), with an "
                    "optional * at its start or end"
                )
            out.append(norm)
        return out


class Audiences(BaseModel):
    """A set of audiences: the default one and the cues of each; see the module's docs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    default: str
    """The audience of a keyword without any cue."""
    audiences: list[Audience] = Field(min_length=1)
    """The audiences in report order; the default must be one of them."""

    @model_validator(mode="after")
    def _consistent(self) -> Audiences:
        names = [a.name for a in self.audiences]
        if len(set(names)) != len(names):
            raise ValueError("audience names must be distinct")
        if self.default not in names:
            raise ValueError(f"the default audience {self.default!r} is not one of {names}")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """The audiences' names, in order."""
        return tuple(a.name for a in self.audiences)

    @cached_property
    def _matcher(self) -> _Matcher:
        return _Matcher(self)

    def match_index(self, keyword: str) -> int:
        """The index (into :attr:`audiences`) of ``keyword``'s audience."""
        return self._matcher.match(keyword)

    def match(self, keyword: str) -> str:
        """The name of ``keyword``'s audience."""
        return self.audiences[self.match_index(keyword)].name

    @classmethod
    def from_file(cls, path: str | Path) -> Audiences:
        """Load audiences from a ``.json`` or ``.toml`` file; ``ValueError`` names the file.

        The file holds ``default`` and a list ``audiences`` of ``{name, cues}``, as
        :data:`AUDIENCES` does (``json.dumps(AUDIENCES.model_dump())`` is a starting point).
        """
        from intentkit.journey import load_settings

        return load_settings(cls, Path(path), "audiences file", "an audiences file")


def resolve_audiences(audiences: Audiences | Mapping[str, Any] | None) -> Audiences:
    """The built-in :data:`AUDIENCES` (``None``), or the user's from an ``Audiences`` or a dict."""
    from intentkit.journey import _one_line

    if audiences is None:
        return AUDIENCES
    if isinstance(audiences, Audiences):
        return audiences
    if isinstance(audiences, Mapping):
        try:
            return Audiences.model_validate(dict(audiences))
        except ValidationError as e:
            raise ValueError(f"not a valid set of audiences: {_one_line(e)}") from None
    raise TypeError(f"audiences must be an Audiences or a dict, not {type(audiences).__name__}")


class _Matcher:
    """Finds the audience of a keyword with word look-ups, not a regular expression of every cue.

    Each word of a keyword is looked up once (and cached) for the cues it can start; only those
    are checked against the words after it. A keyword without a cue word costs a few
    dictionary look-ups.
    """

    def __init__(self, audiences: Audiences) -> None:
        self.default = audiences.names.index(audiences.default)
        self.cues: list[tuple[list[tuple[str, str]], int]] = []
        for owner, audience in enumerate(audiences.audiences):
            for cue in audience.cues:
                words = _words(cue.strip("*"))
                parts = []
                for k, w in enumerate(words):
                    head = k == 0 and cue.startswith("*")
                    tail = k == len(words) - 1 and cue.endswith("*")
                    kind = "any" if head and tail else "head" if head else "tail" if tail else "="
                    parts.append((kind, w))
                self.cues.append((parts, owner))
        self.exact: dict[str, list[int]] = {}
        self.prefixes: dict[str, list[int]] = {}
        self.suffixes: dict[str, list[int]] = {}
        self.inside: list[tuple[str, int]] = []
        for c, (parts, _) in enumerate(self.cues):
            kind, w = parts[0]
            if kind == "=":
                self.exact.setdefault(w, []).append(c)
            elif kind == "tail":
                self.prefixes.setdefault(w, []).append(c)
            elif kind == "head":
                self.suffixes.setdefault(w, []).append(c)
            else:
                self.inside.append((w, c))
        self.prefix_lengths = sorted({len(w) for w in self.prefixes})
        self.suffix_lengths = sorted({len(w) for w in self.suffixes})
        self.cache: dict[str, list[int]] = {}
        self.plain: set[str] = set()
        """Words known to start no cue: a keyword of only these is the default's at once."""

    @staticmethod
    def fits(kind: str, w: str, token: str) -> bool:
        if kind == "=":
            return token == w
        if kind == "tail":
            return token.startswith(w)
        if kind == "head":
            return token.endswith(w)
        return w in token

    def starting(self, token: str) -> list[int]:
        found = self.cache.get(token)
        if found is None:
            if token in self.plain:
                return []
            # A wildcard cue is found by the token's own prefixes and suffixes of each cue
            # length: a few look-ups instead of a test of every wildcard cue.
            found = list(self.exact.get(token, ()))
            for n in self.prefix_lengths:
                found += self.prefixes.get(token[:n], ()) if n <= len(token) else ()
            for n in self.suffix_lengths:
                found += self.suffixes.get(token[-n:], ()) if n <= len(token) else ()
            found += [c for w, c in self.inside if w in token]
            if found:
                if len(self.cache) < 100_000:
                    self.cache[token] = found
            else:
                if len(self.plain) >= 500_000:
                    self.plain.clear()
                self.plain.add(token)
        return found

    def match(self, keyword: str) -> int:
        text = keyword[:MAX_KEYWORD_CHARS]
        text = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).lower()
        if self.plain.issuperset(text.split()):  # each such word is a whole word of _words
            return self.default
        tokens = _words(text)
        best, best_len = self.default, 0
        for i, token in enumerate(tokens):
            for c in self.starting(token):
                parts, owner = self.cues[c]
                end = i + len(parts)
                if end > len(tokens) or not all(
                    self.fits(kind, w, t) for (kind, w), t in zip(parts[1:], tokens[i + 1 : end])
                ):
                    continue
                n = sum(map(len, tokens[i:end])) + end - i - 1
                if n > best_len or (n == best_len and owner < best):
                    best, best_len = owner, n
        return best


def _audience(name: str, cues: Sequence[str]) -> Audience:
    return Audience(name=name, cues=list(cues))


AUDIENCES = Audiences(
    default="customer",
    audiences=[
        _audience(
            "customer",
            [
                "in stock",
                "out of stock",
                "back in stock",
                "stock photo*",
                "stock image*",
                "stock footage",
                "stock video*",
                "french press",
                "garlic press",
                "bench press",
                "heat press",
            ],
        ),
        _audience(
            "investor",
            [
                # en
                "investor*",
                "investor relations",
                "shareholder*",
                "share price",
                "share prices",
                "stock",
                "stocks",
                "stock price",
                "shares",
                "annual report*",
                "quarterly report*",
                "interim report*",
                "half year report",
                "year end report",
                "earnings",
                "earnings call",
                "earnings report",
                "dividend*",
                "agm",
                "annual general meeting",
                "market cap",
                "market capitalization",
                "ipo",
                "financial calendar",
                "financial report*",
                "financial results",
                "q1 report",
                "q2 report",
                "q3 report",
                "q4 report",
                "10-k",
                "ticker",
                "analyst coverage",
                "invest in",
                "buy shares",
                "share buyback",
                "major shareholders",
                "ownership structure",
                "bond prospectus",
                "rights issue",
                # sv
                "aktie",
                "aktien",
                "aktier",
                "aktiekurs*",
                "aktieägar*",
                "aktieanalys",
                "aktiepris",
                "aktieutdelning*",
                "*utdelning",
                "*utdelningen",
                "årsredovisning*",
                "årsrapport*",
                "kvartalsrapport*",
                "delårsrapport*",
                "halvårsrapport*",
                "bokslutskommuniké*",
                "bolagsstämma*",
                "årsstämma*",
                "börsvärde*",
                "börsnotering*",
                "börsintroduktion",
                "riktkurs*",
                "nyemission*",
                "företrädesemission*",
                "ägarstruktur*",
                "största ägare",
                "största ägarna",
                "insynshandel",
                "finansiell kalender",
                "finansiella rapporter",
                "investera i",
                "köpa aktier i",
                "rapport q1",
                "rapport q2",
                "rapport q3",
                "rapport q4",
            ],
        ),
        _audience(
            "job_seeker",
            [
                # en
                "job",
                "jobs",
                "job opening*",
                "job vacanc*",
                "vacanc*",
                "career",
                "careers",
                "hiring",
                "internship*",
                "graduate program*",
                "graduate scheme",
                "trainee*",
                "recruitment",
                "apply for a job",
                "work at",
                "working at",
                "salary",
                "salaries",
                "interview questions",
                "job interview",
                "employee benefits",
                "employer",
                "summer job*",
                # sv
                "jobb",
                "jobba på",
                "jobba hos",
                "jobba som",
                "jobba inom",
                "lediga jobb",
                "lediga tjänster",
                "ledig tjänst",
                "karriär*",
                "rekrytering*",
                "söka jobb",
                "sommarjobb*",
                "extrajobb*",
                "praktik",
                "praktikplats*",
                "traineeprogram*",
                "anställning",
                "anställd",
                "lön",
                "lönen",
                "ingångslön",
                "anställningsintervju*",
                "arbetsgivare",
                "platsannons*",
                "jobbannons*",
                "tjänstledig",
            ],
        ),
        _audience(
            "media",
            [
                # en
                "press release*",
                "press contact",
                "press office",
                "press room",
                "pressroom",
                "press center",
                "press kit",
                "media contact",
                "media kit",
                "media bank",
                "newsroom",
                "news",
                "latest news",
                "press images",
                "press photos",
                "brand assets",
                "logo download",
                "spokesperson",
                # sv
                "pressmeddeland*",
                "presskontakt*",
                "pressrum*",
                "pressbild*",
                "pressansvarig",
                "mediakontakt*",
                "mediabank*",
                "nyheter",
                "nyhet",
                "senaste nytt",
                "presstjänst*",
                "talesperson",
            ],
        ),
        _audience(
            "sustainability",
            [
                # en
                "sustainability*",
                "esg",
                "csr",
                "corporate social responsibility",
                "carbon footprint",
                "net zero",
                "climate goals",
                "climate target*",
                "emissions report*",
                "co2 emissions",
                "ghg emissions",
                "scope 1",
                "scope 2",
                "scope 3",
                "human rights",
                "code of conduct",
                "science based targets",
                "environmental report*",
                # sv
                "hållbarhet*",
                "hållbarhetsredovisning*",
                "hållbarhetsrapport*",
                "klimatmål*",
                "klimatavtryck*",
                "klimatredovisning*",
                "klimatpåverkan",
                "utsläpp",
                "mänskliga rättigheter",
                "uppförandekod*",
                "samhällsansvar*",
                "miljöredovisning*",
                "miljöarbete*",
                "miljöpolicy*",
            ],
        ),
        _audience(
            "business_seller",
            [
                # en
                "sell my business",
                "sell my company",
                "sell a business",
                "sell a company",
                "sell your business",
                "sell your company",
                "selling my business",
                "selling a business",
                "selling your business",
                "selling my company",
                "business broker*",
                "business valuation",
                "company valuation",
                "value my business",
                "exit planning",
                "succession planning",
                "we buy businesses",
                "we buy companies",
                "acquire my company",
                # sv
                "sälja företag*",
                "sälja bolag*",
                "sälja mitt företag",
                "sälja mitt bolag",
                "sälja ett företag",
                "sälja ett bolag",
                "sälja min firma",
                "sälja firma",
                "sälja aktiebolag",
                "företagsförmedl*",
                "företagsmäklare",
                "företagsvärdering*",
                "värdera företag*",
                "värdera mitt företag",
                "vad är mitt företag värt",
                "generationsskifte*",
                "företagsöverlåtelse*",
                "vi köper företag",
                "vi köper bolag",
            ],
        ),
        _audience(
            "partner",
            [
                # en
                "become a reseller",
                "become a dealer",
                "become a distributor",
                "become a supplier",
                "become a partner",
                "become a franchisee",
                "reseller program*",
                "partner program*",
                "partner portal",
                "affiliate program*",
                "dealer portal",
                "supplier portal",
                "supplier*",
                "vendor portal",
                "vendor registration",
                "wholesale",
                "distributor*",
                "franchise opportunit*",
                "franchising",
                "procurement",
                "tenders",
                "partnership*",
                "partners",
                # sv
                "bli återförsäljare",
                "bli partner",
                "bli leverantör",
                "bli franchisetagare",
                "bli distributör",
                "återförsäljarportal*",
                "partnerprogram*",
                "partnerportal*",
                "affiliateprogram*",
                "leverantör",
                "leverantörer",
                "leverantörsportal*",
                "leverantörsfaktur*",
                "leverantörskrav",
                "grossist*",
                "franchisetagare",
                "franchise",
                "upphandling*",
                "samarbetspartner*",
                "partnerskap*",
            ],
        ),
    ],
)
"""The built-in audiences: ``customer`` (the default) and six others, from English and Swedish cues.

Which query goes where, where it could go two ways: "<company> jobs" and "lön <role>" are a job
seeker's; "<company> aktie" and "utdelning" an investor's, "<company> news" and
"pressmeddelande" the press's and news followers' (``media``); a supplier, reseller or franchise
query a partner's; "sälja företag" a business owner's who wants to sell (``business_seller``).
"""
