"""Generate the template part of the training data from the lexicons, deterministically.

Usage: ``python data/generate.py`` writes ``data/keywords/generated.tsv``.

Each template is a pattern with slots filled from ``lexicons/`` (products, services, venues and
topics per vertical; brands; places; years). A template yields at most ``CAP`` rows (2% of the
data set is the rule: no template may dominate; a bare attraction name, three times as many),
sampled with its own seeded random generator, so the output depends on the lexicons and this
file alone. Swedish rows lose å/ä/ö in a fixed
share of cases and a few rows get a typo, as people type.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from intentkit._dataset import (
    ALLOWED,
    Row,
    held_apart,
    held_apart_key,
    keyword_files,
    read_rows,
    read_table,
    write_rows,
)

HERE = Path(__file__).resolve().parent
OUT = HERE / "keywords" / "generated.tsv"
CAP = 150
NO_DIACRITICS = 0.15
TYPO = 0.03
YEARS = ("2024", "2025", "2026", "2027")


@dataclass(frozen=True)
class Template:
    """One pattern: its id, language, labels and text with slots in braces."""

    id: str
    lang: str
    intent: str
    intent2: str
    pattern: str
    cap: int = CAP


_COUNT: dict[str, int] = {}


def _t(
    lang: str, intent: str, patterns: list[str], intent2: str = "", cap: int = CAP
) -> list[Template]:
    """Templates with ids unique across the whole list: ``<lang>-<intent>[-<intent2>]-<n>``."""
    prefix = f"{lang}-{intent[:4]}" + (f"-{intent2[:3]}" if intent2 else "")
    out = []
    for p in patterns:
        n = _COUNT.get(prefix, 0)
        _COUNT[prefix] = n + 1
        out.append(Template(f"{prefix}-{n:02d}", lang, intent, intent2, p, cap))
    return out


# Slots: {product} {plural} {definite} (a thing or plan), {service} (a professional), {venue}
# (a place one visits), {topic}, {brand} {brand2} (same vertical), {domain}, {place}, {year},
# {attraction} (a named sight: Swedish ones in Swedish templates, the others in English).
TEMPLATES: list[Template] = [
    *_t(
        "sv",
        "informational",
        [
            "vad är {topic}",
            "hur fungerar {definite}",
            "{topic} förklaring",
            "{topic} för nybörjare",
            "driftkostnad {product} per år",
            "{topic} tips och råd",
        ],
    ),
    *_t(
        "sv",
        "commercial",
        [
            "bästa {product} {year}",
            "{plural} test",
            "{product} recension",
            "jämför {plural}",
            "{brand} eller {brand2}",
            "vilken {product} är bäst",
            "{brand} {product} omdöme",
            "{plural}",
            "bästa {definite} för hemmabruk",
        ],
    ),
    *_t(
        "sv",
        "transactional",
        [
            "köpa {product}",
            "{product} pris",
            "billiga {plural}",
            "{brand} rabattkod",
            "beställa {product} online",
            "{plural} rea",
            "{product} erbjudande {year}",
            "köp {product} på nätet",
        ],
    ),
    *_t("sv", "transactional", ["boka {service} {place}"], intent2="local"),
    *_t(
        "sv",
        "navigational",
        [
            "{brand}",
            "{brand} logga in",
            "{brand} kundtjänst",
            "{brand} mina sidor",
            "{domain}",
            "{brand} app",
            "{brand} telefonnummer",
        ],
    ),
    *_t(
        "sv",
        "local",
        [
            "{service} {place}",
            "{venue} nära mig",
            "närmaste {venue}",
            "bästa {venue} i {place}",
            "{service} i närheten",
            "{venue} {place}",
        ],
    ),
    *_t(
        "sv",
        "local",
        ["{chain} öppettider {place}", "{chain} öppettider", "öppettider {chain} idag"],
        intent2="navigational",
    ),
    *_t(
        "sv",
        "navigational",
        [
            "hur säger man upp {brand}",
            "säga upp {brand} abonnemang",
            "returnera till {brand}",
            "{brand} byta lösenord",
        ],
        intent2="informational",
    ),
    *_t(
        "sv",
        "transactional",
        [
            "billiga hotell {place}",
            "hyra lägenhet {place}",
            "hyra bil {place}",
            "flyg till {place}",
        ],
        intent2="local",
    ),
    *_t(
        "en",
        "informational",
        [
            "what is {topic}",
            "how does a {product} work",
            "{topic} explained",
            "{topic} for beginners",
            "how to clean a {product}",
            "{topic} tips",
        ],
    ),
    *_t(
        "en",
        "commercial",
        [
            "best {plural} {year}",
            "{product} reviews",
            "{brand} vs {brand2}",
            "top rated {plural}",
            "{brand} {product} review",
            "which {product} should i buy",
            "{brand} alternatives",
            "{plural} comparison",
            "{plural}",
        ],
    ),
    *_t(
        "en",
        "transactional",
        [
            "buy {product}",
            "{product} price",
            "cheap {plural}",
            "{brand} coupon code",
            "{plural} for sale",
            "{product} deals",
            "order {product} online",
            "{brand} discount code {year}",
        ],
    ),
    *_t("en", "transactional", ["book a {service} in {place}"], intent2="local"),
    # "download" is a transactional cue, also after a brand (the taxonomy's table).
    *_t("en", "transactional", ["{brand} app download"], intent2="navigational"),
    *_t(
        "en",
        "navigational",
        [
            "{brand}",
            "{brand} login",
            "{brand} customer service",
            "{brand} sign in",
            "{domain}",
            "{brand} account",
        ],
    ),
    *_t(
        "en",
        "local",
        [
            "{service} near me",
            "{venue} near me",
            "{service} in {place}",
            "{venue} {place}",
            "best {venue} in {place}",
            "{venue} open now",
        ],
    ),
    *_t(
        "en",
        "local",
        ["{chain} opening hours {place}", "{chain} opening hours", "{chain} hours today"],
        intent2="navigational",
    ),
    *_t(
        "en",
        "navigational",
        [
            "how to cancel {brand}",
            "how to cancel {brand} subscription",
            "how to return an item to {brand}",
            "how to reset {brand} password",
        ],
        intent2="informational",
    ),
    *_t(
        "en",
        "transactional",
        [
            "cheap hotels in {place}",
            "book flights to {place}",
            "rent an apartment in {place}",
            "car rental {place}",
        ],
        intent2="local",
    ),
]


TEMPLATES += [
    # The taxonomy's decisions on names and products, over the open lexicons' names and nouns.
    *_t("sv", "navigational", ["{shop} {product}", "{product} {shop}"], intent2="transactional"),
    *_t("sv", "commercial", ["{maker} {plural}"], intent2="navigational"),
    *_t("sv", "local", ["{chain} {place}", "{chain} i {place}"], intent2="navigational"),
    *_t("sv", "commercial", ["{model}", "{model} test"], intent2="transactional"),
    *_t("sv", "transactional", ["{model} pris", "köpa {model}", "billig {openproduct}"]),
    *_t("sv", "commercial", ["{openproduct}", "bästa {openproduct}"]),
    *_t("sv", "local", ["{service} {openplace}"]),
    *_t("sv", "local", ["{service}", "{venue}"], intent2="commercial"),
    *_t("sv", "navigational", ["{chain}", "{shop}"]),
    *_t("en", "navigational", ["{shop} {product}", "{product} {shop}"], intent2="transactional"),
    *_t("en", "commercial", ["{maker} {plural}"], intent2="navigational"),
    *_t("en", "local", ["{chain} {place}", "{chain} in {place}"], intent2="navigational"),
    *_t("en", "commercial", ["{model}", "{model} review"], intent2="transactional"),
    *_t("en", "transactional", ["{model} price", "buy {model}", "cheap {openproduct}"]),
    *_t("en", "commercial", ["{openproduct}", "best {openproduct}"]),
    *_t("en", "local", ["{service} {openplace}", "{service} in {openplace}"]),
    *_t("en", "local", ["{service}", "{venue}"], intent2="commercial"),
    *_t("en", "navigational", ["{chain}", "{shop}"]),
    # A named attraction is a place to visit; its history and ghosts are things to read.
    # A bare name is the lexicon itself: more of its names, so an attraction alone reads local.
    *_t("sv", "local", ["{attraction}"], intent2="informational", cap=3 * CAP),
    *_t("sv", "local", ["var ligger {attraction}"], intent2="informational"),
    *_t("sv", "local", ["{attraction} öppettider"]),
    *_t("sv", "informational", ["{attraction} historia", "spöken på {attraction}"]),
    *_t("sv", "transactional", ["{attraction} biljetter"], intent2="local"),
    *_t("en", "local", ["{attraction}"], intent2="informational", cap=3 * CAP),
    *_t("en", "local", ["where is {attraction}"], intent2="informational"),
    *_t("en", "local", ["{attraction} opening times"]),
    *_t("en", "informational", ["{attraction} history", "{attraction} ghost stories"]),
    *_t("en", "transactional", ["{attraction} tickets"], intent2="local"),
    # Going there: a visit, the way there, parking.
    *_t("sv", "local", ["besöka {attraction}", "hitta till {attraction}"]),
    *_t("en", "local", ["visit {attraction}", "{attraction} parking"]),
]

SHOPIFY_VERTICALS = {
    "animals & pet supplies": "pets",
    "apparel & accessories": "retail_fashion",
    "arts & entertainment": "entertainment_streaming",
    "baby & toddler": "parenting_kids",
    "business & industrial": "b2b_services",
    "cameras & optics": "electronics",
    "electronics": "electronics",
    "food, beverages & tobacco": "groceries",
    "furniture": "furniture_interior",
    "hardware": "diy_tools",
    "health & beauty": "beauty",
    "home & garden": "home_garden",
    "luggage & bags": "retail_fashion",
    "media": "entertainment_streaming",
    "office supplies": "b2b_services",
    "software": "software_saas",
    "sporting goods": "sports",
    "toys & games": "parenting_kids",
    "vehicles & parts": "cars",
}
"""The vertical of a Shopify category, by its top-level name (others: general)."""
MODEL_VERTICALS = {
    "game": "gaming",
    "console": "gaming",
    "software": "software_saas",
    "bike": "sports",
}
BRAND_KINDS = {"retailer": "shop", "maker": "maker", "chain": "chain"}


def _read(name: str, *columns: str) -> list[dict[str, str]]:
    return [dict(zip(columns, r)) for r in read_table(HERE / "lexicons" / name, *columns)]


def _strip_diacritics(text: str) -> str:
    return text.translate(str.maketrans("åäöé", "aaoe"))


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) > 4:
        j = rng.randrange(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def generate() -> list[Row]:
    """All generated rows, before any is dropped for clashing with a hand-written or held-apart one."""
    products: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in _read("products.tsv", "lang", "kind", "term", "plural", "definite", "vertical"):
        products[(row["lang"], row["kind"])].append(row)
    brands: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _read("brands.tsv", "vertical", "name", "domain"):
        brands[row["vertical"]].append(row)
    places = _read("places.tsv", "name", "kind", "country")
    places_sv = [r["name"] for r in places if r["country"] == "se"]
    places_en = [r["name"] for r in places if r["country"] in ("us", "gb")]
    places_world = [r["name"] for r in places if r["kind"] == "city"]
    vertical_of_brand = sorted((v, b["name"]) for v, bs in brands.items() for b in bs)
    named: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in ("brands.tsv", "brands_online.tsv"):
        for row in _read(name, "name", "kind", "vertical"):
            if row["kind"] in BRAND_KINDS:
                named[BRAND_KINDS[row["kind"]]].append((row["name"], row["vertical"]))
    models = [
        (r["name"], MODEL_VERTICALS.get(r["category"], "electronics"))
        for r in _read("models.tsv", "name", "category")
    ]
    open_products: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for lang in ("en", "sv"):
        for r in _read(f"open/products_{lang}.tsv", "term", "path"):
            if r["term"].count(" ") < 2:
                top = r["path"].split(" > ")[0]
                open_products[lang].append((r["term"], SHOPIFY_VERTICALS.get(top, "general")))
    attractions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    apart = held_apart(HERE)
    for r in _read("attractions.tsv", "name", "country"):
        if held_apart_key(r["name"]) in apart:
            continue  # a name that is itself a measured keyword is not wrapped in templates
        attractions["sv" if r["country"] == "se" else "en"].append((r["name"], "travel"))
    towns = _read("open/places.tsv", "name", "kind", "country")
    open_places = {
        "sv": [r["name"] for r in towns if r["kind"] == "postal_town"],
        "en": [
            r["name"]
            for r in towns
            if r["kind"] in ("town", "city") and r["country"] == "united kingdom"
        ],
    }

    rows: list[Row] = []
    seen: set[str] = set()
    for tpl in TEMPLATES:
        rng = random.Random(tpl.id)
        places = places_sv if tpl.lang == "sv" else places_en
        if "{place}" in tpl.pattern and tpl.intent == "transactional":
            places = places_world + places_sv
        made = 0
        for _ in range(tpl.cap * 20):
            if made >= tpl.cap:
                break
            slots: dict[str, str] = {"year": rng.choice(YEARS), "place": rng.choice(places)}
            vertical = ""
            pattern = tpl.pattern
            for slot, pool_of in (
                ("shop", named["shop"]),
                ("maker", named["maker"]),
                ("chain", named["chain"] + named["shop"]),
                ("model", models),
                ("openproduct", open_products[tpl.lang]),
                ("attraction", attractions[tpl.lang]),
            ):
                if "{" + slot + "}" in pattern:
                    slots[slot], vertical = rng.choice(pool_of)
            if "{openplace}" in pattern:
                slots["openplace"] = rng.choice(open_places[tpl.lang])
            kind = next(
                (
                    k
                    for s, k in (
                        ("{service}", "service"),
                        ("{venue}", "venue"),
                        ("{topic}", "topic"),
                    )
                    if s in pattern
                ),
                "product",
            )
            if any(
                s in pattern
                for s in ("{product}", "{plural}", "{definite}", "{service}", "{venue}", "{topic}")
            ):
                pool = products.get((tpl.lang, kind)) or []
                if not pool:
                    break
                same = [p for p in pool if p["vertical"] == vertical] if vertical else []
                item = rng.choice(same or pool)
                vertical = item["vertical"]
                slots.update(
                    product=item["term"],
                    plural=item["plural"] or item["term"],
                    definite=item["definite"] or item["term"],
                    service=item["term"],
                    venue=item["term"],
                    topic=item["term"],
                )
                if "{definite}" in pattern and tpl.lang == "sv" and not item["definite"]:
                    continue
            if "{brand" in pattern or "{domain}" in pattern:
                if vertical and brands.get(vertical):
                    pool_b = brands[vertical]
                else:
                    vertical, _ = rng.choice(vertical_of_brand)
                    pool_b = brands[vertical]
                b = rng.choice(pool_b)
                b2 = rng.choice(pool_b)
                if "{brand2}" in pattern and b2["name"] == b["name"]:
                    continue
                slots.update(brand=b["name"], brand2=b2["name"], domain=b["domain"] or b["name"])
            text = pattern.format(**slots).lower()
            if tpl.lang == "sv" and rng.random() < NO_DIACRITICS:
                text = _strip_diacritics(text)
            if rng.random() < TYPO:
                text = _typo(text, rng)
            text = " ".join(text.split())
            if text in seen or not ALLOWED.match(text):
                continue
            seen.add(text)
            rows.append(Row(text, tpl.intent, tpl.intent2, tpl.lang, vertical or "general", tpl.id))
            made += 1
    return rows


def main() -> int:
    hand = {
        row.keyword for path in keyword_files(HERE) if path != OUT for _, row in read_rows(path)
    }
    apart = held_apart(HERE)
    rows = [
        r for r in generate() if r.keyword not in hand and held_apart_key(r.keyword) not in apart
    ]
    n = write_rows(OUT, rows)
    print(f"wrote {n} rows from {len(TEMPLATES)} templates to {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
