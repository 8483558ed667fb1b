"""The training data: the labelled-keyword row format, the lexicon files, the digest and the split.

A data folder holds ``keywords/**/*.tsv`` (labelled keywords) and ``lexicons/*.tsv``. Everything
that reads or writes them (training, ``data/*.py``, ``benchmarks/``) goes through this module, so
the format is written down once: :data:`HEADER` and :func:`problems` define a valid row.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

from intentkit._features import DOMAIN_PATTERN, MAX_PHRASE_TOKENS, Lexicon
from intentkit._text import fold, tokenize
from intentkit.types import INTENT_ORDER

HEADER = ("keyword", "intent", "intent2", "lang", "vertical", "source")
"""The columns of a labelled-keyword file, tab-separated, UTF-8, with this header line."""
LANGUAGES = ("en", "sv")
HAND = "hand"
"""The ``source`` of a row written by hand; a template row names its template."""
ADTHENA = "adthena"
"""The ``source`` of a real paid-search query (Adthena's, MIT) labelled by hand, twice."""
LABELLED_ONE_BY_ONE = frozenset({HAND, ADTHENA, ""})
"""Sources of rows labelled one by one (``""``: a user's labelled export); the rest are templates."""


def from_template(row: Row) -> bool:
    """Whether a row was generated from a template (its ``source`` names the template)."""
    return row.source not in LABELLED_ONE_BY_ONE


ALLOWED = re.compile(r"^[a-z0-9åäöéèüæøñçáíóúàâêîôûëïß .\-&+'/]+$")
"""A keyword's characters: lower case letters, digits, spaces, and the marks people type inside
tokens (domains ``.``, model names ``-``, ``&``, ``+``, ``'`` and ``/``)."""
_VERTICAL = re.compile(r"[a-z0-9_]+")
HELDOUT_SHARE = 0.2


@dataclass(frozen=True)
class Row:
    """One labelled keyword."""

    keyword: str
    intent: str
    intent2: str = ""
    lang: str = ""
    vertical: str = ""
    source: str = ""


def problems(row: Row) -> list[str]:
    """What is wrong with a row of our data (empty if nothing)."""
    out = []
    kw = row.keyword
    if not kw or kw != kw.strip() or "  " in kw:
        out.append(f"keyword has stray spaces or is empty: {kw!r}")
    elif not ALLOWED.match(kw):
        out.append(f"keyword must be lower case without punctuation: {kw!r}")
    if row.intent not in INTENT_ORDER:
        out.append(f"unknown intent {row.intent!r}")
    if row.intent2 and (row.intent2 not in INTENT_ORDER or row.intent2 == row.intent):
        out.append(f"bad second intent {row.intent2!r}")
    if row.lang not in LANGUAGES:
        out.append(f"lang must be en or sv, not {row.lang!r}")
    if not _VERTICAL.fullmatch(row.vertical):
        out.append(f"vertical must be snake_case, not {row.vertical!r}")
    if not row.source:
        out.append("source is empty")
    return out


def read_rows(path: Path, *, check: bool = True) -> Iterator[tuple[int, Row]]:
    """The rows of a labelled-keyword file with their line numbers.

    Raises ``ValueError`` naming file and line for a wrong header or column count, and, with
    ``check``, for the first row with :func:`problems`.
    """
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        if tuple(next(reader, ())) != HEADER:
            raise ValueError(f"{path}:1: header must be {' '.join(HEADER)} (tab-separated)")
        for cols in reader:
            where = f"{path}:{reader.line_num}"
            if len(cols) != len(HEADER):
                raise ValueError(f"{where}: expected {len(HEADER)} columns, got {len(cols)}")
            row = Row(*cols)
            found = problems(row) if check else []
            if found:
                raise ValueError(f"{where}: {found[0]}")
            yield reader.line_num, row


def write_rows(path: Path, rows: Iterable[Row]) -> int:
    """Write rows in the file format (to a temporary file renamed into place); return the count."""
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8", newline="") as f:
        f.write("\t".join(HEADER) + "\n")
        for row in rows:
            f.write("\t".join(astuple(row)) + "\n")
            n += 1
    tmp.replace(path)
    return n


def keyword_files(data_dir: Path) -> list[Path]:
    """The labelled-keyword files of a data folder, in sorted order."""
    return sorted((data_dir / "keywords").rglob("*.tsv"))


def read_dataset(data_dir: Path) -> list[Row]:
    """All labelled rows of a data folder, files in sorted order, repeated keywords dropped."""
    files = keyword_files(data_dir)
    if not files:
        raise ValueError(f"{data_dir / 'keywords'}: no labelled .tsv files found")
    seen: set[str] = set()
    rows: list[Row] = []
    for path in files:
        for _, row in read_rows(path):
            if row.keyword not in seen:
                seen.add(row.keyword)
                rows.append(row)
    return rows


def read_table(path: Path, *columns: str) -> list[tuple[str, ...]]:
    """The named columns of a lexicon file (UTF-8, tab-separated, with a header)."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}:1: missing columns {missing}")
        return [tuple(r[c] or "" for c in columns) for r in reader]


BRAND_KIND_OF = {
    "retailer": "shop",
    "maker": "maker",
    "service": "brand",
    "authority": "authority",
    "chain": "chain",
}
"""The kind column of our brand files, as the featurizer's brand kinds."""
CHAIN_MARKETS = frozenset({"se", "gb", "us", "no", "dk", "fi", "ie", "ca", "au", "001", "150"})
"""Chains from name-suggestion-index are kept where they trade in one of these (``001``: the
world, ``150``: Europe): the markets of intentkit's keyword lists."""
PLACE_KINDS = frozenset(
    {
        "county",
        "municipality",
        "postal_town",
        "district",
        "city",
        "town",
        "us_state",
        "us_state_code",
        "us_county",
        "world_city",
    }
)
"""Kinds of ``lexicons/open/places.tsv`` that are places: not countries (a country in a product
search does not make it local), and not villages, suburbs and small US towns, whose names are
too often a surname or a word."""


HOME_PLACES = frozenset({"county", "municipality", "postal_town", "district", "city", "town"})
"""Kinds of open places kept even where the name is a dictionary word ("bro", "bath", "sale"):
Swedish and British towns, the markets of intentkit's keyword lists. They are then ambiguous."""


def chain_kind(category: str) -> str:
    """The brand kind of a name-suggestion-index category (an OpenStreetMap tag).

    Shops and pharmacies are ``shop`` ("biltema datormus" wants the shop's page); banks, offices
    and insurers are ``brand`` (a service); restaurants, fuel, hotels, gyms and the rest are
    ``chain`` (places people go to).
    """
    key, _, value = category.partition("=")
    if key == "shop" or value == "pharmacy":
        return "shop"
    if key == "office" or value == "bank":
        return "brand"
    return "chain"


MODELS_NOT_ALONE = frozenset(
    {"alaskan", "arosa", "brava", "capri", "cordoba", "cortina", "defender", "dispatch"}
    | {"felicia", "galant", "kadett", "kalina", "liana", "marea", "mirai", "musa", "punto"}
    | {"rafale", "scorpio", "signum", "talento", "thema", "tipo", "vento"}
)
"""European car model names that are also places, words or first names the dictionaries miss
("capri", "defender", "kadett", "felicia"): a model only with their make."""


def read_lexicon(data_dir: Path) -> Lexicon:
    """The lexicon of a data folder: every file of ``data_dir/lexicons`` (see ``data/README.md``).

    Hand-written files come first, so their kind wins where an open data set names the same
    phrase; names that are cue words ("support", "app") are left out, as they would hide the cue.
    """
    lex = data_dir / "lexicons"

    def table(name: str, *columns: str) -> list[tuple[str, ...]]:
        return read_table(lex / name, *columns) if (lex / name).is_file() else []

    english = [w for (w,) in table("open/words_en.tsv", "word")]
    swedish = table("open/words_sv.tsv", "word", "lemma")
    nouns = [w for w, pos in table("open/words_sv.tsv", "word", "pos") if pos == "noun"]
    # A Swedish name is a word when it is a lemma ("lager"), not when it is an inflected form:
    # authorities are named by definite nouns ("arbetsförmedlingen").
    english_keys = {Lexicon.key(w) for w in english}
    swedish_keys = {Lexicon.key(w) for w, _ in swedish}
    name_words = english_keys | {Lexicon.key(w) for w, m in swedish if w == m}
    brands: list[tuple[str, str]] = []
    for name in ("brands.tsv", "brands_online.tsv"):
        for brand, domain, kind in table(name, "name", "domain", "kind"):
            brands += [(form, BRAND_KIND_OF[kind]) for form in (brand, domain) if form]
    places = [name for (name,) in table("places.tsv", "name")]
    places += [name for (name,) in table("districts.tsv", "name")]
    ours = {Lexicon.key(name) for name, _ in brands} | {Lexicon.key(p) for p in places}

    def open_name(name: str) -> bool:
        # Open data comes after our own lists: a name we list keeps our kind ("ica" is the chain
        # of shops, not Ica in Peru), and an open name that is a dictionary word is left out
        # ("academy", "orange" in France): such a name is a name only in our own lists and in
        # the towns of our main markets, and then only in context (it is ambiguous).
        key = Lexicon.key(name)
        return key not in ours and key not in name_words

    places += [
        name
        for name, kind in table("open/places.tsv", "name", "kind")
        if kind in PLACE_KINDS
        and (open_name(name) or (kind in HOME_PLACES and Lexicon.key(name) not in ours))
    ]
    # Fixed phrases that hold a cue word without its intent ("court order", "bästa vän"):
    # first, so the phrase, not the cue in it, is what the keyword holds.
    kinds = [(phrase, kind) for phrase, kind in table("cue_compounds.tsv", "phrase", "kind")]
    for name, maker, _ in table("models.tsv", "name", "maker", "category"):
        kinds.append((name, "model"))
        if open_name(maker):
            brands.append((maker, "maker"))
    european = table("cars_europe.tsv", "make", "model", "name", "kind")
    cars = [*european, *table("open/cars.tsv", "make", "model", "name", "kind")]
    # A European model's own name is a model alone too when it can be nothing else
    # ("qashqai", "octavia"); one that is a word, a place of any kind or a listed name needs
    # its make ("focus", "leaf", "tucson", "capri").
    not_alone = {Lexicon.key(n) for (n,) in table("open/places.tsv", "name")}
    not_alone |= swedish_keys | english_keys
    not_alone |= MODELS_NOT_ALONE
    for make, _, name, kind in cars:
        if kind == "make":
            if open_name(make):
                brands.append((make, "maker"))
            continue
        kinds.append((name, "model"))
    for _, model, _, kind in european:
        alone = Lexicon.key(model)
        usable_alone = len(alone) >= 4 and alone.isalpha() and alone not in not_alone
        if kind != "make" and usable_alone and open_name(alone):
            kinds.append((model, "model"))
    for name, category, countries in table("open/chains.tsv", "name", "category", "countries"):
        if CHAIN_MARKETS.intersection(countries.split(",")) and open_name(name):
            brands.append((name, chain_kind(category)))
    attractions = [name for (name,) in table("attractions.tsv", "name")]
    kinds += [(name, "attraction") for name in attractions]
    # A named attraction is a place to visit, also where it is a brand too ("skansen").
    sights = {Lexicon.key(name) for name in attractions}
    brands = [(b, k) for b, k in brands if Lexicon.key(b) not in sights]
    cues = [(c, i) for c, i in table("cues.tsv", "cue", "intent")]
    stage_cues = [(c, k) for c, k in table("stage_cues.tsv", "cue", "kind")]
    for term, plural, definite, kind in table("products.tsv", "term", "plural", "definite", "kind"):
        kinds += [(form, kind) for form in (term, plural, definite) if form]
    noun_heads = table("noun_heads.tsv", "head", "forms", "kind")
    for head, forms, kind in (*noun_heads, *table("nouns_en.tsv", "term", "forms", "kind")):
        kinds += [(form, kind) for form in (head, *forms.split("|")) if form]
    swedish_products = [
        *table("open/products_sv.tsv", "term", "forms"),
        *table("open/product_heads_sv.tsv", "head", "forms"),
        *table("product_heads.tsv", "head", "forms"),
    ]
    for term, forms in (*table("open/products_en.tsv", "term", "forms"), *swedish_products):
        kinds += [(form, "product") for form in (term, *forms.split("|")) if form]
    cue_keys = {Lexicon.key(c) for c, _ in (*cues, *stage_cues)}

    def usable(name: str) -> bool:
        key = Lexicon.key(name)
        return len(key) > 1 and key not in cue_keys

    # English only: no Swedish word form or product name folds to it ("far" is "får").
    not_english = swedish_keys | read_shared_words(data_dir)
    for term, forms, *_ in (*swedish_products, *noun_heads):
        for form in (term, *forms.split("|")):
            not_english.update(Lexicon.key(form).split())
    english_only = [
        w for w in english if len(w) >= 3 and w.isascii() and w.isalpha() and w not in not_english
    ]
    return Lexicon.build(
        [(b, k) for b, k in brands if usable(b)],
        [p for p in places if usable(p)],
        cues,
        stage_cues,
        [(p, k) for p, k in kinds if usable(p)],
        words=[*english, *(w for w, _ in swedish)],
        name_words=name_words,
        nouns=nouns,
        english=english_only,
        heads=[head for (head,) in table("attraction_heads.tsv", "head")],
    )


def read_shared_words(data_dir: Path) -> frozenset[str]:
    """Words typed alike in English and Swedish searches (``lexicons/shared_words.tsv``)."""
    path = data_dir / "lexicons" / "shared_words.tsv"
    if not path.is_file():
        return frozenset()
    return frozenset(Lexicon.key(w) for (w,) in read_table(path, "word"))


def language_neutral(keyword: str, lexicon: Lexicon, shared: frozenset[str]) -> bool:
    """Whether a keyword carries no sign of its language.

    It does not when it is only brands, places, domains, numbers, model codes and words typed
    alike in both languages ("strava", "teams vs zoom", "pizza malmö", "iphone 15 pro").

    Such keywords keep the language of the list they were written for, but that label is not
    learnable from the text: the language model is not trained on them, and the language accuracy
    is measured without them (a good answer for them is ``unknown``).
    """
    tokens = [fold(t) for t in tokenize(keyword)]
    i = 0
    while i < len(tokens):
        for m in range(min(MAX_PHRASE_TOKENS, len(tokens) - i), 0, -1):
            phrase = " ".join(tokens[i : i + m])
            if phrase in lexicon.brands or phrase in lexicon.places:
                i += m
                break
        else:
            t = tokens[i]
            if t in shared or DOMAIN_PATTERN.fullmatch(t) or any(c.isdigit() for c in t):
                i += 1
            else:
                return False
    return True


def data_digest(data_dir: Path) -> str:
    """SHA-256 over every training file (keywords and lexicons), path and bytes, sorted by path."""
    h = hashlib.sha256()
    for path in keyword_files(data_dir) + sorted((data_dir / "lexicons").rglob("*.tsv")):
        h.update(path.relative_to(data_dir).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def heldout_split(rows: Sequence[Row]) -> tuple[list[int], list[int]]:
    """Split by topic, not by row: whole verticals and whole templates are held out.

    A vertical or template is held out when the first byte of the SHA-256 of its name falls in
    the lowest :data:`HELDOUT_SHARE` of the range. Held-out rows come from held-out verticals and
    are hand-written or from held-out templates; training rows from neither; the rest are unused.
    Real queries (``adthena``) are training rows only, so the split measures what it measured
    before they came: our own writing, on unseen topics.
    """

    def held(name: str) -> bool:
        return hashlib.sha256(name.encode()).digest()[0] < 256 * HELDOUT_SHARE

    train, test = [], []
    for i, r in enumerate(rows):
        templ = r.source if from_template(r) else ""
        v_held = held("vertical:" + r.vertical)
        t_held = bool(templ) and held("template:" + templ)
        if v_held and (not templ or t_held) and r.source != ADTHENA:
            test.append(i)
        elif not v_held and not t_held:
            train.append(i)
    return train, test


HELD_APART = "held_apart.txt"
"""In a data folder: hashes of keywords that must never be training rows (see :func:`held_apart`)."""


def held_apart_key(keyword: str) -> str:
    """The held-apart hash of a keyword: 16 hex digits of the SHA-256 of its lookup form."""
    return hashlib.sha256(Lexicon.key(keyword).encode()).hexdigest()[:16]


def held_apart(data_dir: Path) -> frozenset[str]:
    """The held-apart hashes of a data folder (empty if it has none).

    They name the keywords of the sets that measure the model (our golden and stage sets, the
    real-keyword dev sets), written by ``data/held_apart.py``; the generator drops rows with
    these keys, and the tests check that no training row has one. Only hashes are stored, so the
    third-party keywords are not copied into the repository.
    """
    path = data_dir / HELD_APART
    if not path.is_file():
        return frozenset()
    return frozenset(line.strip() for line in path.read_text(encoding="ascii").splitlines() if line)
