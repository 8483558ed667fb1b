"""Build intentkit's open lexicons from the openly licensed data sets in ``shared/knowledge``.

Usage::

    python data/build_lexicons.py [--knowledge PATH]

``PATH`` defaults to ``../shared/knowledge`` seen from the repository root. The script uses the
Python standard library only, is deterministic (two runs write identical bytes) and writes the
files below into ``data/lexicons/open/``. Licences and attribution lines of every source are in
``NOTICE`` at the repository root.

Rules common to every file
--------------------------
* UTF-8, tab separated, one header line, LF line ends, rows sorted and distinct.
* Every name is cleaned: Unicode NFKC, then ``str.lower``, typographic apostrophes (U+2018,
  U+2019) become ``'``, runs of whitespace (tabs and newlines included) become one space.
* Names (chains, cars, products, places) with fewer than 2 letters are dropped; the word
  lists keep one-letter words ("a", "i", "å").
* Several values inside one field are joined with ``,`` (``|`` for the product ``forms``).

``chains.tsv`` -- ``name  brand  category  countries  wikidata``
    Physical chains (shops, restaurants, fuel stations, banks, pharmacies ...) from
    name-suggestion-index ``data/brands/<key>/<value>.json``. Names of an item: ``displayName``,
    every ``matchNames`` alias, ``tags.brand`` and ``tags.short_name``; each also without its
    parenthesised part ("Coop (Sverige)" gives "coop"). ``brand`` is the cleaned ``tags.brand``
    (else ``displayName``). ``category`` is ``<key>=<value>`` of the file, ``countries`` the
    ``locationSet.include`` codes (".geojson" dropped from custom areas; radius circles ignored),
    ``wikidata`` the ``brand:wikidata`` id. A name is kept only if it has at most 4 words and
    consists of Latin letters (accents allowed), digits, spaces and ``. - & + ' /``; so CJK,
    Cyrillic, Arabic ... names are dropped. One row per (name, brand); when the pair occurs in
    several files or items their categories, countries and Wikidata ids are merged.
    Parent brands: when two or more distinct brands share a Wikidata id and a leading word
    sequence ("ICA Kvantum", "ICA Nära", "ICA Supermarket" -> "ica"), that shared prefix is added
    as a name and brand of its own, unless it is a common English word (from SCOWL: "first",
    "world", "top" are not brands by themselves).

``cars.tsv`` -- ``make  model  name  kind``
    us-car-models (``year,make,model,body_styles`` per year, all passenger vehicles: kind
    ``car``) and vehicle-make-model (``year,make,model``, upper case; the file has no vehicle
    type, so the kind is derived: makes in ``MOTORCYCLE_MAKES`` (motorcycles, scooters, ATVs,
    UTVs, snowmobiles, personal watercraft) are ``motorcycle``, makes in ``TRUCK_MAKES`` (heavy
    trucks, buses, motor homes) are ``truck``; for Honda, BMW and Suzuki a model is a ``car`` if
    it matches one of the make's car models, else a ``motorcycle``; for car makes that also built
    medium-duty trucks, ``TRUCK_MODELS`` patterns mark ``truck``; everything else is ``car``).
    Model clean-up: parenthesised parts dropped ("Tahoe (New)"), then trailing body and cab
    words are stripped repeatedly ("Silverado 1500 Crew Cab" -> "silverado 1500", "Transit 350
    Cargo Van" -> "transit 350"; see ``BODY_SUFFIX``); models left empty, without a letter or
    digit, of more than 4 words, or exactly 35 characters long (vehicle-make-model cuts its
    names there) are dropped. Make spellings are unified with ``MAKE_NAMES``. ``name`` is
    "<make> <model>", or the model alone when it already starts with the make ("mercedes-amg
    gt"). Each make also gets one row with an empty model and kind ``make``.

``products_en.tsv`` / ``products_sv.tsv`` -- ``term  forms  category  path``
    shopify-product-taxonomy ``categories.tsv`` (``id, en_path, sv_path``). Every category but
    the 26 top-level roots gives its own (last) name; the leaves and the inner categories are
    thus all used. Parenthesised parts are dropped ("Sets (Kitchen)" -> "sets"). Names joined by
    ``,``, ``&`` (English) or ``och`` (Swedish) also give each part: "Tables & Chairs" ->
    "tables", "chairs"; an English single non-plural word before the last part is a modifier and
    is not a term of its own ("Salt & Pepper Mills" -> "pepper mills", not "salt"); a Swedish
    part with a dangling hyphen ("Strand- och sandleksaker") is dropped likewise. Names are not
    split when a part before the last one has a preposition ("Tillbehör till skrivare, kopiator
    och fax"). The whole name is kept too unless it has a comma or a dangling hyphen. Terms of
    more than 4 words are dropped. Only the head noun is inflected: the last word, or the last
    word before a preposition ("fotpinnar för cykel" -> "fotpinne för cykel"). ``term`` is the
    base form: the head in the singular (English rules and exceptions in ``en_singular``;
    Swedish in ``sv_analyse``, which checks its guesses against the Kelly nouns, also as the
    last part of a compound, and uses ``SV_PLURAL_EXCEPTIONS``); ``forms`` are the other forms
    people type, pipe-joined: English singular and plural and the British spelling
    (``BRITISH``, ``BRITISH_STEMS``, -izer -> -iser, -ization -> -isation); Swedish singular,
    plural, definite singular and definite plural (a singular en-noun such as "kattmat" gets
    only its definite singular). Adjectives before a Swedish head are left as they are
    ("elektriska fällor" -> "elektriska fälla"). ``category`` is the Shopify id of the first
    category (by id, numerically) that gives the term, ``path`` its full path (lower case);
    forms are merged over all categories that give the term.

``places.tsv`` -- ``name  kind  country  region``
    One row per (name, kind, country); regions of rows that collapse are joined.
    Sweden (``country`` "sweden", ``region`` the county, e.g. "stockholms län"):
    ``county`` (the 21 län as "stockholms län" and the short name "stockholm", both from
    swedish-geodata), ``municipality`` (the 290 kommuner: short name, official "<name>s kommun"
    and "<name> kommun"), ``postal_town`` and ``district`` (GeoNames SE postal places and
    swedish-geodata localities; a place is a ``district`` when it lies in Stockholm, Göteborg or
    Malmö municipality and is not the municipality's own name, e.g. Bandhagen, Farsta,
    Västra Frölunda, Limhamn). GeoNames SE names seen with only one postal code and absent from
    swedish-geodata are dropped: they are mostly misspellings ("Vaxjö", "Âlvsjö", "Norrtalje").
    Great Britain (british-placenames, ``country`` "united kingdom", ``region`` england /
    scotland / wales): City, Town, Suburban Area, Village as ``city``, ``town``, ``suburb``,
    ``village`` (Hamlet and Other Settlement dropped), plus variants: without "Royal " for towns
    and cities, hyphens as spaces ("stratford upon avon"), "st" / "st." / "saint", without
    apostrophes, and the short forms in ``GB_SHORT_FORMS``; and the counties of GeoNames GB's
    second level as ``county`` ("worcestershire", "north yorkshire", "county antrim"; the few
    names in ``GB_COUNTIES_DROPPED`` left out).
    United States (GeoNames US, ``country`` "united states"): ``us_city`` (``region`` the
    state), ``us_state`` (50 states and DC), ``us_state_code`` (``region`` the state), and the
    nicknames in ``US_CITY_SHORT_FORMS``; APO/FPO military addresses and territories dropped;
    ``us_county`` ("orange county", "cook county", Louisiana's "caddo parish"; ``region`` the
    state) from GeoNames US's second level, without Alaska and independent cities.
    World (world-cities): ``world_city`` (``country`` and ``region`` = subcountry) and each
    country as ``country``, plus the aliases in ``COUNTRY_ALIASES`` ("uk", "usa", "sverige").

``words_en.tsv`` -- ``word  source``
    SCOWL size 60 hunspell dictionaries ``en`` (US) and ``en-GB``: the stems of the ``.dic``
    files (flags stripped) that are entirely lower case (capitalised entries are proper nouns),
    have a letter and no digit. ``source`` is ``en`` (in both), ``en-us`` or ``en-gb``.

``product_heads_sv.tsv`` -- ``head  forms  compounds  examples``
    Kelly nouns that are the head (last part) of at least three one-word Swedish product names
    ("ställ" of "akvarieställ", "blomställ" ...), so that an unknown compound ending in one is a
    product ("klätter|båge"); ``compounds`` is how many names, ``examples`` up to three of them.
    Heads that are product names themselves and abstract heads (``ABSTRACT_HEADS``) are left out.
    See ``build_product_heads``.

``words_sv.tsv`` -- ``word  lemma  pos  cefr``
    Swedish Kelly list: one row per lemma (``pos`` the word class without gender, ``cefr`` the
    level; a lemma listed twice keeps its lowest level), plus rows for inflected forms: nouns
    (plural, definite singular, definite plural; see ``sv_noun_forms``; a plural seen in the
    Swedish Shopify names beats the rules), verbs (present, past, supine; irregular verbs from
    ``SV_IRREGULAR_VERBS``, also after a particle prefix such as "för-" or "inne-"; one-syllable
    stems with a front vowel get both the -er/-te/-t and the -ar/-ade/-at pattern because the
    lemma does not tell them apart) and adjectives (-t and -a forms). Notes in parentheses are
    removed ("timme (el. timma)" -> "timme"); single-word alternatives marked "el." or
    "vardagl." become rows of their own ("timma", lemma "timme"). Multi-word lemmas are dropped.

A few wrong forms are generated on purpose where the rules cannot decide (e.g. "stoler" next
to "stolar"): the lexicons are only looked up, so an unused form costs nothing. ``self_check``
asserts the common cases at the end of every run.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "data" / "lexicons" / "open"
DEFAULT_KNOWLEDGE = Path(__file__).resolve().parents[2] / "shared" / "knowledge"

Row = tuple[str, ...]

# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def clean(text: str) -> str:
    """Return ``text`` NFKC-normalised, lower-cased, with plain apostrophes and single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


def drop_parens(text: str) -> str:
    """Return ``text`` without its parenthesised parts."""
    return " ".join(re.sub(r"\([^()]*\)", " ", text).split())


def letter_count(text: str) -> int:
    """Return the number of letters in ``text``."""
    return sum(ch.isalpha() for ch in text)


def natural_key(category_id: str) -> tuple[str, tuple[int, ...]]:
    """Return a sort key for Shopify ids such that "hg-2" comes before "hg-10"."""
    root, *numbers = category_id.split("-")
    return root, tuple(int(n) for n in numbers)


def write_tsv(path: Path, header: Row, rows: Iterable[Row]) -> int:
    """Write distinct sorted ``rows`` under ``header`` to ``path``; return the row count."""
    unique = sorted(set(rows))
    for row in unique:
        if len(row) != len(header) or any("\t" in f or "\n" in f for f in row):
            raise ValueError(f"bad row for {path.name}: {row!r}")
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("\t".join(header) + "\n")
        for row in unique:
            handle.write("\t".join(row) + "\n")
    return len(unique)


def join_sorted(values: Iterable[str], sep: str = ",") -> str:
    """Join the distinct non-empty ``values`` sorted, with ``sep``."""
    return sep.join(sorted({v for v in values if v}))


# ---------------------------------------------------------------------------------------------
# English words (SCOWL); also used to singularise product names and filter brand prefixes
# ---------------------------------------------------------------------------------------------


def read_dic(path: Path) -> set[str]:
    """Return the lower-case words of a hunspell ``.dic`` file with a letter and no digit.

    Each stem comes with the regular forms its affix flags allow, in the flags of the SCOWL
    English dictionaries: ``S`` the plural or third person (-s, -es, -ies), ``D`` the past
    (-ed, -d, -ied), ``G`` the -ing form. The forms are spelled by rule, without doubling a final
    consonant ("runing"): an extra form is only ever looked up, a missing one makes a word look
    like a name.
    """
    words = set()
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:  # the first line is the entry count
        stem, _, flags = line.strip().partition("/")
        word = unicodedata.normalize("NFKC", stem)
        if word and word == word.lower() and letter_count(word) and not re.search(r"\d", word):
            words.add(word)
            words.update(english_forms(word, flags))
    return words


def english_forms(word: str, flags: str) -> list[str]:
    """The regular forms of an English stem for its ``S``, ``D`` and ``G`` affix flags."""
    out = []
    consonant_y = len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou"
    if "S" in flags:
        if consonant_y:
            out.append(word[:-1] + "ies")
        elif word.endswith(("s", "x", "z", "ch", "sh")):
            out.append(word + "es")
        else:
            out.append(word + "s")
    if "D" in flags:
        if word.endswith("e"):
            out.append(word + "d")
        elif consonant_y:
            out.append(word[:-1] + "ied")
        else:
            out.append(word + "ed")
    if "G" in flags:
        if word.endswith("ie"):
            out.append(word[:-2] + "ying")
        elif word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
            out.append(word[:-1] + "ing")
        else:
            out.append(word + "ing")
    return out


def build_words_en(knowledge: Path) -> list[Row]:
    """Rows of ``words_en.tsv``: lower-case SCOWL words and their regular forms, by dictionary."""
    base = knowledge / "scowl-en" / "dictionaries"
    us = read_dic(base / "en" / "index.dic")
    gb = read_dic(base / "en-GB" / "index.dic")
    rows: list[Row] = [(w, "en") for w in us & gb]
    rows += [(w, "en-us") for w in us - gb]
    rows += [(w, "en-gb") for w in gb - us]
    return rows


# ---------------------------------------------------------------------------------------------
# chains.tsv (name-suggestion-index)
# ---------------------------------------------------------------------------------------------

CHAIN_MARKS = set(" .-&+'/")


def is_chain_name(name: str) -> bool:
    """Tell whether ``name`` is a usable chain name (Latin script, at most 4 words)."""
    if letter_count(name) < 2 or len(name.split()) > 4:
        return False
    for ch in name:
        if ch.isalpha():
            if not unicodedata.name(ch, "").startswith("LATIN"):
                return False
        elif not (ch in CHAIN_MARKS or ("0" <= ch <= "9")):
            return False
    return True


def read_brand_items(knowledge: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (``key=value`` category, item) for every brand item of name-suggestion-index."""
    base = knowledge / "name-suggestion-index" / "data" / "brands"
    for path in sorted(base.rglob("*.json")):
        parts = path.relative_to(base).with_suffix("").parts
        category = f"{parts[0]}={'/'.join(parts[1:])}"
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
            if "displayName" in item and "tags" in item:  # skips the 4 template items
                yield category, item


def chain_names(item: dict[str, Any]) -> set[str]:
    """Return the usable names of a brand item: display name, brand, short name, aliases."""
    tags = item["tags"]
    raw = [item["displayName"], tags.get("brand", ""), tags.get("short_name", "")]
    raw += item.get("matchNames", [])
    names = set()
    for text in raw:
        for variant in (clean(text), clean(drop_parens(text))):
            if is_chain_name(variant):
                names.add(variant)
    return names


def location_codes(item: dict[str, Any]) -> set[str]:
    """Return the lower-case ``locationSet.include`` codes of an item (circles ignored)."""
    codes = set()
    for code in item.get("locationSet", {}).get("include", []):
        if isinstance(code, str):
            codes.add(clean(code).removesuffix(".geojson"))
    return codes


def common_word_prefix(names: list[str]) -> str:
    """Return the longest sequence of leading words shared by all ``names``."""
    prefix: list[str] = []
    for words in zip(*(n.split() for n in names)):
        if len(set(words)) != 1:
            break
        prefix.append(words[0])
    return " ".join(prefix)


def build_chains(knowledge: Path, common_words: set[str]) -> list[Row]:
    """Rows of ``chains.tsv`` (see the module docstring for the rules)."""
    merged: dict[tuple[str, str], tuple[set[str], set[str], set[str]]] = defaultdict(
        lambda: (set(), set(), set())
    )
    by_wikidata: dict[str, list[tuple[str, str, set[str]]]] = defaultdict(list)
    for category, item in read_brand_items(knowledge):
        tags = item["tags"]
        brand = clean(tags.get("brand") or item["displayName"])
        wikidata = tags.get("brand:wikidata", "")
        countries = location_codes(item)
        for name in chain_names(item):
            categories, codes, ids = merged[(name, brand)]
            categories.add(category)
            codes.update(countries)
            ids.add(wikidata)
        if wikidata:
            by_wikidata[wikidata].append((brand, category, countries))
    for wikidata, entries in by_wikidata.items():
        by_first: dict[str, set[str]] = defaultdict(set)
        for brand, _, _ in entries:
            by_first[brand.split()[0]].add(brand)
        for brands in by_first.values():
            prefix = common_word_prefix(sorted(brands))
            if len(brands) < 2 or prefix in brands or prefix in common_words:
                continue
            if not is_chain_name(prefix):
                continue
            categories, codes, ids = merged[(prefix, prefix)]
            ids.add(wikidata)
            for brand, category, countries in entries:
                if brand in brands:
                    categories.add(category)
                    codes.update(countries)
    return [
        (name, brand, join_sorted(cats), join_sorted(codes), join_sorted(ids))
        for (name, brand), (cats, codes, ids) in merged.items()
    ]


# ---------------------------------------------------------------------------------------------
# cars.tsv (us-car-models, vehicle-make-model)
# ---------------------------------------------------------------------------------------------

MAKE_NAMES = {
    "harley davidson": "harley-davidson",
    "rolls royce": "rolls-royce",
    "sterling truck": "sterling",
    "autocar llc.": "autocar",
    "oshkosh motor truck co.": "oshkosh",
    "pierce mfg. inc.": "pierce",
    "nova bus corporation": "nova bus",
    "ic corporation": "ic bus",
    "chance coach transit bus": "chance coach",
    "country coach motorhome": "country coach",
}
MOTORCYCLE_MAKES = {
    "american ironhorse", "aprilia", "arctic cat", "argo", "atk", "beta", "big dog", "bimota",
    "bobcat", "bombardier", "buell", "can-am", "cannondale", "cobra", "cub cadet", "ducati",
    "e-ton", "gas gas", "harley-davidson", "hm", "husaberg", "husqvarna", "hyosung", "indian",
    "john deere", "kasea", "kawasaki", "ktm", "kubota", "kymco", "lem", "moto guzzi",
    "mv agusta", "piaggio", "polaris", "sea-doo", "ski-doo", "tm", "triumph", "vento", "vespa",
    "victory", "yamaha",
}  # fmt: skip
TRUCK_MAKES = {
    "american lafrance", "autocar", "blue bird", "chance coach", "country coach",
    "crane carrier", "el dorado", "gillig", "hino", "ic bus", "international", "kenworth",
    "mack", "mitsubishi fuso", "motor coach industries", "new flyer", "nova bus", "orion bus",
    "oshkosh", "ottawa", "peterbilt", "pierce", "sterling", "ud", "western rv", "western star",
    "workhorse",
}  # fmt: skip
MIXED_MAKES = {"honda", "bmw", "suzuki"}  # cars and motorcycles under one make
BMW_CAR = re.compile(r"^(\d{3}\w*|[xzmi]\d\w*|1 series|activehybrid|alpina)\b")
TRUCK_MODELS = {
    "chevrolet": re.compile(r"kodiak|tiltmaster|^[ctw][4-8]\d{3}|^t\d{4}|^b7$"),
    "gmc": re.compile(r"topkick|forward|^[ctw][4-8]\d{3}|^t\d{4}|^b7$"),
    "ford": re.compile(r"^f-?[67]50|^f53|^lcf|^e-?[45]50|stripped"),
    "isuzu": re.compile(r"^[fhn][a-z]r\b|^npr"),
    "freightliner": re.compile(r"^(?!sprinter)"),
    "hyundai": re.compile(r"^hmd"),
    "nissan": re.compile(r"cabstar|camiones"),
    "dodge": re.compile(r"^ram [45]\d00"),
    "ram": re.compile(r"^[45]\d00"),
}
BODY_SUFFIX = re.compile(
    r"(?:^|\s+)(?:(?:regular|crew|extended|super|double|quad|mega|king|club|access|space)\s*cab"
    r"|supercab|supercrew|spacecab|crewmax|cab\s+chassis|chassis\s+cab"
    r"|(?:cargo|passenger|crew)(?:\s+van|\s+wagon)?|worker|van|pickup|truck|sedan)$"
)


def clean_model(model: str) -> str:
    """Return a cleaned model name without parentheses and trailing body or cab words."""
    model = clean(drop_parens(model))
    while True:
        shorter = BODY_SUFFIX.sub("", model).strip()
        if shorter == model:
            return model
        model = shorter


def car_name(make: str, model: str) -> str:
    """Return the search name of a model: "<make> <model>" unless the model names the make."""
    first = re.split(r"[ -]", make)[0]
    return model if model.split()[0].startswith(first) else f"{make} {model}"


def vehicle_kind(make: str, model: str, car_models: dict[str, set[str]]) -> str:
    """Return the kind of a vehicle-make-model row (see the module docstring)."""
    if make in MOTORCYCLE_MAKES:
        return "motorcycle"
    if make in TRUCK_MAKES:
        return "truck"
    if make in MIXED_MAKES:
        firsts = {re.sub(r"[^a-z0-9]", "", m.split()[0]) for m in car_models.get(make, ()) if m}
        first = re.sub(r"[^a-z0-9]", "", model.split()[0])
        is_car = first in firsts or (make == "bmw" and BMW_CAR.match(model) is not None)
        return "car" if is_car else "motorcycle"
    pattern = TRUCK_MODELS.get(make)
    return "truck" if pattern and pattern.search(model) else "car"


def read_car_models(knowledge: Path) -> dict[str, set[str]]:
    """Return make -> cleaned models of us-car-models (all years)."""
    models: dict[str, set[str]] = defaultdict(set)
    for path in sorted((knowledge / "us-car-models").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                make = clean(row["make"])
                models[MAKE_NAMES.get(make, make)].add(clean_model(row["model"]))
    return models


def usable_model(make: str, model: str, raw: str) -> bool:
    """Tell whether a cleaned model is kept (see the module docstring)."""
    return (
        bool(re.search(r"[^\W_]", model))
        and model != make
        and len(model.split()) <= 4
        and len(raw) != 35
        and "(" not in model
        and ")" not in model
    )


def build_cars(knowledge: Path) -> list[Row]:
    """Rows of ``cars.tsv``: makes, and models with their kind."""
    car_models = read_car_models(knowledge)
    makes = set(car_models)
    kinds: dict[tuple[str, str], str] = {}
    for make, models in car_models.items():
        for model in models:
            if usable_model(make, model, ""):
                kinds[(make, model)] = "car"
    path = knowledge / "vehicle-make-model" / "csv_data.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            make = clean(row["make"])
            make = MAKE_NAMES.get(make, make)
            makes.add(make)
            model = clean_model(row["model"])
            if usable_model(make, model, row["model"]) and (make, model) not in kinds:
                kinds[(make, model)] = vehicle_kind(make, model, car_models)
    rows: list[Row] = [
        (make, model, car_name(make, model), kind) for (make, model), kind in kinds.items()
    ]
    rows += [(make, "", make, "make") for make in makes]
    return rows


# ---------------------------------------------------------------------------------------------
# English inflection (products_en.tsv)
# ---------------------------------------------------------------------------------------------

EN_IRREGULAR = {
    "man": "men", "woman": "women", "child": "children", "foot": "feet", "tooth": "teeth",
    "mouse": "mice", "goose": "geese", "person": "people", "ox": "oxen", "louse": "lice",
    "cactus": "cacti", "fungus": "fungi", "die": "dice", "penny": "pence",
}  # fmt: skip
EN_IRREGULAR_SINGULAR = {plural: singular for singular, plural in EN_IRREGULAR.items()}
EN_UNCOUNTABLE = {
    "aircraft", "apparel", "bedding", "clothing", "deer", "equipment", "fish", "food",
    "footwear", "furniture", "gear", "hardware", "jewelry", "jewellery", "luggage", "media",
    "merchandise", "moose", "news", "salmon", "seafood", "series", "sheep", "software",
    "species", "swine", "trout", "underwear", "outerwear", "sleepwear", "swimwear",
    "sportswear", "eyewear", "headwear", "loungewear", "activewear", "nightwear", "rainwear",
    "workwear", "stationery", "produce", "livestock", "poultry", "dice",
}  # fmt: skip
EN_PLURALIA = {
    "binoculars", "briefs", "clothes", "eyeglasses", "goggles", "jeans", "knickers",
    "leggings", "overalls", "pajamas", "pants", "pliers", "pyjamas", "scissors", "shears",
    "shorts", "sunglasses", "sweatpants", "tights", "tongs", "trousers", "tweezers",
    "jeggings", "joggers", "chinos", "capris", "trunks", "earmuffs",
}  # fmt: skip
EN_F_TO_VES = {
    "calf", "elf", "half", "hoof", "knife", "leaf", "life", "loaf", "scarf", "sheaf", "shelf",
    "thief", "wife", "wolf", "self",
}  # fmt: skip
EN_O_ES = {"potato", "tomato", "hero", "echo", "torpedo", "veto", "mosquito", "volcano"}
BRITISH = {
    "jewelry": "jewellery", "color": "colour", "colors": "colours", "gray": "grey",
    "aluminum": "aluminium", "center": "centre", "centers": "centres", "theater": "theatre",
    "fiber": "fibre", "liter": "litre", "favor": "favour", "favors": "favours",
    "flavor": "flavour", "flavors": "flavours", "odor": "odour", "armor": "armour",
    "mold": "mould", "molds": "moulds", "cozy": "cosy", "cozies": "cosies",
    "pajamas": "pyjamas", "catalog": "catalogue", "catalogs": "catalogues", "plow": "plough",
    "plows": "ploughs", "tire": "tyre", "tires": "tyres", "donut": "doughnut",
    "donuts": "doughnuts", "mustache": "moustache", "licorice": "liquorice",
    "yogurt": "yoghurt", "omelet": "omelette", "sulfur": "sulphur", "vapor": "vapour",
    "humor": "humour", "harbor": "harbour", "neighbor": "neighbour", "behavior": "behaviour",
    "defense": "defence", "offense": "offence", "labor": "labour", "gauze": "gauze",
    "ax": "axe", "axes": "axes", "caliber": "calibre", "meager": "meagre",
}  # fmt: skip
# American stems respelled also inside longer words ("coloring" -> "colouring")
BRITISH_STEMS = {
    "color": "colour", "flavor": "flavour", "favor": "favour", "odor": "odour",
    "armor": "armour", "harbor": "harbour", "neighbor": "neighbour", "vapor": "vapour",
    "center": "centre", "theater": "theatre", "fiber": "fibre", "gray": "grey", "mold": "mould",
}  # fmt: skip
EN_SPLIT_BLOCKERS = {"for", "of", "with", "to", "in", "on", "and", "without", "from"}


def en_countable(word: str) -> bool:
    """Tell whether an English head noun has distinct singular and plural forms."""
    return not (
        word in EN_UNCOUNTABLE
        or word.endswith(("ware", "ics", *EN_PLURALIA))
        or not word.replace("'", "").isalpha()
    )


def en_singular(word: str, dictionary: set[str]) -> str:
    """Return the singular of an English noun, checked against the SCOWL ``dictionary``.

    Candidates are tried in order and the first one that is a dictionary stem wins: "-ies" ->
    "-ie" ("cookies") before "-y" ("supplies"); "-ves" -> "-f"/"-fe" ("shelves", "knives")
    before "-ve" ("gloves"); "-es" after s/x/z/ch/sh/o ("boxes", "potatoes") before "-s"
    ("cases"). A word that is itself a stem and has no stem candidate stays ("gas", "lens").
    Words in -ss/-us/-is, uncountables and pluralia tantum stay as they are. In a hyphenated
    word only the last part changes ("u-locks" -> "u-lock").
    """
    if "-" in word:
        first, _, last = word.rpartition("-")
        return f"{first}-{en_singular(last, dictionary)}" if last else word
    if word in EN_IRREGULAR_SINGULAR:
        return EN_IRREGULAR_SINGULAR[word]
    if not en_countable(word) or not word.endswith("s") or len(word) <= 3:
        return word
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        candidates = [word[:-1], word[:-3] + "y"]
        default = word[:-3] + "y"
    elif word.endswith("ves"):
        candidates = [word[:-3] + "f", word[:-3] + "fe", word[:-1]]
        default = word[:-1]
    elif re.search(r"(s|x|z|ch|sh|o)es$", word):
        candidates = [word[:-2], word[:-1]]
        default = word[:-1] if word.endswith("oes") else word[:-2]
    else:
        candidates = [word[:-1]]
        default = word[:-1]
    for candidate in candidates:
        if candidate in dictionary:
            return candidate
    return word if word in dictionary else default


def en_plurals(word: str) -> list[str]:
    """Return the plural(s) of a singular English noun (empty for uncountables)."""
    if "-" in word:
        first, _, last = word.rpartition("-")
        return [f"{first}-{plural}" for plural in en_plurals(last)] if last else []
    if word in EN_IRREGULAR:
        return [EN_IRREGULAR[word]]
    if not en_countable(word):
        return []
    if re.search(r"[^aeiou]y$", word):
        return [word[:-1] + "ies"]
    if word in EN_F_TO_VES:
        return [re.sub(r"fe?$", "ves", word)]
    if re.search(r"(s|x|z|ch|sh)$", word) or word in EN_O_ES:
        return [word + "es"]
    return [word + "s"]


def british(phrase: str) -> str:
    """Return ``phrase`` in British spelling (word list, -izer -> -iser, -ization)."""
    words = []
    for word in phrase.split():
        word = BRITISH.get(word, word)
        for american, british_stem in BRITISH_STEMS.items():
            if word.startswith(american):
                word = british_stem + word[len(american) :]
        if len(word) >= 7:
            word = re.sub(r"([iy])z(er|ers|ation|ations)$", r"\1s\2", word)
        words.append(word)
    return " ".join(words)


def split_head(name: str, blockers: set[str]) -> tuple[str, str, str]:
    """Split a name into (words before the head, head noun, rest).

    The head is the last word, or the last word before the first preposition ("hållare för
    cyklar" -> "hållare"; "bags for laptops" -> "bags").
    """
    words = name.split()
    end = next((i for i, w in enumerate(words) if i > 0 and w in blockers), len(words))
    return " ".join(words[: end - 1]), words[end - 1], " ".join(words[end:])


def en_term_forms(name: str, dictionary: set[str]) -> tuple[str, set[str]]:
    """Return (singular term, other forms) of an English product name."""
    before, head, after = split_head(name, EN_SPLIT_BLOCKERS)
    singular = en_singular(head, dictionary)
    heads = {head, singular, *en_plurals(singular)}
    phrases = {" ".join(filter(None, (before, h, after))) for h in heads}
    phrases |= {british(p) for p in phrases}
    term = " ".join(filter(None, (before, singular, after)))
    return term, phrases - {term}


# ---------------------------------------------------------------------------------------------
# Swedish inflection (products_sv.tsv, words_sv.tsv)
# ---------------------------------------------------------------------------------------------

SV_VOWELS = "aeiouyåäöéü"
SV_THIRD_DECLENSION = (
    "ion", "het", "tet", "ist", "ism", "ur", "yr", "ent", "ant", "ans", "ens", "är", "ör", "or",
    "nad", "ad", "ik", "in", "on", "ess", "ett", "al", "ell", "oll", "at", "it", "ol", "an",
    "än", "et", "ong", "od", "yl",
)  # fmt: skip
# singular: (plural, definite singular, definite plural)
SV_IRREGULAR_NOUNS = {
    "bok": ("böcker", "boken", "böckerna"),
    "fot": ("fötter", "foten", "fötterna"),
    "hand": ("händer", "handen", "händerna"),
    "tand": ("tänder", "tanden", "tänderna"),
    "stad": ("städer", "staden", "städerna"),
    "natt": ("nätter", "natten", "nätterna"),
    "man": ("män", "mannen", "männen"),
    "mus": ("möss", "musen", "mössen"),
    "gås": ("gäss", "gåsen", "gässen"),
    "land": ("länder", "landet", "länderna"),
    "son": ("söner", "sonen", "sönerna"),
    "bonde": ("bönder", "bonden", "bönderna"),
    "bror": ("bröder", "brodern", "bröderna"),
    "mor": ("mödrar", "modern", "mödrarna"),
    "far": ("fäder", "fadern", "fäderna"),
    "dotter": ("döttrar", "dottern", "döttrarna"),
    "öga": ("ögon", "ögat", "ögonen"),
    "öra": ("öron", "örat", "öronen"),
    "strand": ("stränder", "stranden", "stränderna"),
    "rand": ("ränder", "randen", "ränderna"),
    "stång": ("stänger", "stången", "stängerna"),
    "tång": ("tänger", "tången", "tängerna"),
    "vän": ("vänner", "vännen", "vännerna"),
    "tallrik": ("tallrikar", "tallriken", "tallrikarna"),
    "fru": ("fruar", "frun", "fruarna"),
    "bro": ("broar", "bron", "broarna"),
    "människa": ("människor", "människan", "människorna"),
    "möbel": ("möbler", "möbeln", "möblerna"),
    "regel": ("regler", "regeln", "reglerna"),
    "muskel": ("muskler", "muskeln", "musklerna"),
    "fiber": ("fibrer", "fibern", "fibrerna"),
}
SV_IRREGULAR_PLURALS = {forms[0]: singular for singular, forms in SV_IRREGULAR_NOUNS.items()}
# Plurals found among the Shopify names that the rules get wrong (mostly -ar plurals of -e
# nouns); also matched as the end of a compound ("grytvantar"). Singular = plural: not a plural.
SV_PLURAL_EXCEPTIONS = {
    "vantar": "vante", "handskar": "handske", "galgar": "galge", "kassar": "kasse",
    "selar": "sele", "kärvar": "kärve", "dolmar": "dolme", "hagar": "hage", "sporrar": "sporre",
    "slädar": "släde", "flottar": "flotte", "vekar": "veke", "himlar": "himmel",
    "tofflor": "toffel", "okular": "okular", "kuddvar": "kuddvar", "suspensoar": "suspensoar",
    "nektar": "nektar", "rosor": "ros", "dekor": "dekor", "ukuleler": "ukulele",
    "kläder": "kläder", "dvd:er": "dvd",
}  # fmt: skip
# infinitive: (present, past, supine); "|" separates alternatives
SV_IRREGULAR_VERBS = {
    "vara": ("är", "var", "varit"),
    "ha": ("har", "hade", "haft"),
    "göra": ("gör", "gjorde", "gjort"),
    "gå": ("går", "gick", "gått"),
    "komma": ("kommer", "kom", "kommit"),
    "se": ("ser", "såg", "sett"),
    "få": ("får", "fick", "fått"),
    "ta": ("tar", "tog", "tagit"),
    "ge": ("ger", "gav", "gett|givit"),
    "säga": ("säger", "sa|sade", "sagt"),
    "veta": ("vet", "visste", "vetat"),
    "bli": ("blir", "blev", "blivit"),
    "stå": ("står", "stod", "stått"),
    "skriva": ("skriver", "skrev", "skrivit"),
    "äta": ("äter", "åt", "ätit"),
    "dricka": ("dricker", "drack", "druckit"),
    "sitta": ("sitter", "satt", "suttit"),
    "ligga": ("ligger", "låg", "legat"),
    "sova": ("sover", "sov", "sovit"),
    "springa": ("springer", "sprang", "sprungit"),
    "finna": ("finner", "fann", "funnit"),
    "kunna": ("kan", "kunde", "kunnat"),
    "vilja": ("vill", "ville", "velat"),
    "skola": ("ska|skall", "skulle", "skolat"),
    "böra": ("bör", "borde", "bort"),
    "dra": ("drar", "drog", "dragit"),
    "slå": ("slår", "slog", "slagit"),
    "bära": ("bär", "bar", "burit"),
    "sätta": ("sätter", "satte", "satt"),
    "lägga": ("lägger", "la|lade", "lagt"),
    "välja": ("väljer", "valde", "valt"),
    "sälja": ("säljer", "sålde", "sålt"),
    "dö": ("dör", "dog", "dött"),
    "låta": ("låter", "lät", "låtit"),
    "hålla": ("håller", "höll", "hållit"),
    "flyga": ("flyger", "flög", "flugit"),
    "bjuda": ("bjuder", "bjöd", "bjudit"),
    "vinna": ("vinner", "vann", "vunnit"),
    "försvinna": ("försvinner", "försvann", "försvunnit"),
    "stiga": ("stiger", "steg", "stigit"),
    "gripa": ("griper", "grep", "gripit"),
    "bita": ("biter", "bet", "bitit"),
    "riva": ("river", "rev", "rivit"),
    "driva": ("driver", "drev", "drivit"),
    "sjunga": ("sjunger", "sjöng", "sjungit"),
    "skjuta": ("skjuter", "sköt", "skjutit"),
    "ljuga": ("ljuger", "ljög", "ljugit"),
    "frysa": ("fryser", "frös", "frusit"),
    "binda": ("binder", "band", "bundit"),
    "hinna": ("hinner", "hann", "hunnit"),
    "heta": ("heter", "hette", "hetat"),
    "le": ("ler", "log", "lett"),
    "be": ("ber", "bad", "bett"),
    "gråta": ("gråter", "grät", "gråtit"),
    "falla": ("faller", "föll", "fallit"),
    "fara": ("far", "for", "farit"),
    "svära": ("svär", "svor", "svurit"),
    "sticka": ("sticker", "stack", "stuckit"),
    "bryta": ("bryter", "bröt", "brutit"),
    "njuta": ("njuter", "njöt", "njutit"),
    "glida": ("glider", "gled", "glidit"),
    "lida": ("lider", "led", "lidit"),
    "rida": ("rider", "red", "ridit"),
    "vika": ("viker", "vek", "vikit"),
    "kliva": ("kliver", "klev", "klivit"),
    "knyta": ("knyter", "knöt", "knutit"),
}
SV_VERB_PREFIXES = (
    "tillbaka", "efter", "genom", "under", "undan", "emot", "fort", "fram", "från", "före",
    "inne", "över", "bort", "till", "upp", "ned", "ner", "med", "mot", "sam", "för", "ent",
    "av", "an", "be", "bi", "er", "in", "om", "på", "ut", "ur", "del",
)  # fmt: skip
# Regular verbs that look like a prefix + an irregular verb ("bevara": bevarar, bevarade).
SV_REGULAR_LOOKALIKES = {
    "bevara", "förvara", "avvara", "beta", "befara", "bevilja", "besvära", "förkunna", "befalla",
}  # fmt: skip
# Irregular nouns not looked for at the end of longer words ("roman", "person", "humor",
# "röra", "smörgås").
SV_IRREGULAR_EXACT_ONLY = {"man", "son", "mor", "öra", "gås"}
SV_EN_SUFFIXES = ("ning", "ing", "het", "tion", "sion", "else", "dom", "are", "ist", "ism", "ör")
SV_ETT_SUFFIXES = ("eri", "ande", "ende", "um", "kit", "set")
SV_SPLIT_BLOCKERS = {"för", "till", "med", "av", "i", "på", "utan", "från", "mot", "vid"}


def sv_syllables(word: str) -> int:
    """Return the number of vowel groups of a Swedish word."""
    return len(re.findall(f"[{SV_VOWELS}]+", word))


def sv_has_unstressed_end(word: str) -> bool:
    """Tell whether ``word`` ends in an unstressed -el/-en/-er after a consonant ("cykel")."""
    return sv_syllables(word) >= 2 and re.search(f"[^{SV_VOWELS}]e[lnr]$", word) is not None


def sv_syncope(word: str) -> str:
    """Drop the e of a final -el/-en/-er, and a doubled m before it ("nummer" -> "numr")."""
    short = word[:-2] + word[-1]
    if short[-3:-1] == "mm":
        short = short[:-2] + short[-1]
    return short


def sv_unsyncope(stem: str) -> str:
    """Return the singular in -el/-en/-er of an -ar plural stem ("cykl" -> "cykel"), or ""."""
    match = re.search(f"([^{SV_VOWELS}])([lnr])$", stem)
    if not match:
        return ""
    before, last = match.groups()
    if last == "n" and before not in "kdtp":
        return ""  # ugn, vagn, hamn, kvarn keep their consonant cluster
    if (last == "l" and before in "lr") or (last == "r" and before == "r"):
        return ""  # pall, karl, borr
    return stem[:-1] + "e" + last


def sv_plurals(word: str, gender: str) -> list[str]:
    """Return the indefinite plural(s) of a Swedish singular noun by declension rules."""
    if gender == "en":
        if word.endswith(("are", "ande", "ende", "meter", "liter", "gram")):
            return [word]
        if word.endswith("else"):
            return [word + "r"]
        if word.endswith("a"):
            return [word[:-1] + "or"]
        if word.endswith("e"):
            return [word[:-1] + "ar"]
        if word.endswith("i"):
            return [word + "er"]
        if word[-1] in "oå":
            return [word + "r"]
        if word[-1] in SV_VOWELS:
            return [word + "ar"]
        syllables = sv_syllables(word)
        if syllables >= 2 and word.endswith(SV_THIRD_DECLENSION):
            return [word + "er"]
        if sv_has_unstressed_end(word):
            return [sv_syncope(word) + "ar"]
        if syllables == 1:  # stol/stolar or sak/saker: the lemma does not tell
            return [word + "ar", word + "er"]
        return [word + "ar"]
    if word.endswith(("eum", "ium")):
        return [word[:-2] + "er"]
    if word.endswith("i"):
        return [word + "er"]
    if word[-1] in SV_VOWELS:
        return [word + "n"]
    return [word]


def sv_definite_singular(word: str, gender: str) -> str:
    """Return the definite singular of a Swedish noun ("stolen", "bordet", "cykeln")."""
    if gender == "en":
        if word[-1] in SV_VOWELS:
            return word + "n"
        if sv_has_unstressed_end(word):
            return word + "n" if word[-1] in "lr" else sv_syncope(word) + "en"
        return word + "en"
    if word.endswith(("eum", "ium")):
        return word[:-2] + "et"
    if word.endswith("i"):
        return word + "et"
    if word[-1] in SV_VOWELS:
        return word + "t"
    if sv_has_unstressed_end(word):
        return sv_syncope(word) + "et"
    if sv_syllables(word) == 1 and re.search(f"[{SV_VOWELS}]m$", word):
        return word + "met"
    return word + "et"


def sv_definite_plural(word: str, plural: str, gender: str) -> str:
    """Return the definite plural of a Swedish noun from its singular and plural."""
    if plural != word:
        if plural.endswith("n"):
            return plural + "a"
        return plural + "na"
    if gender == "en":
        return word[:-1] + "na" if word.endswith("are") else word + "na"
    if sv_has_unstressed_end(word):
        return sv_syncope(word) + "en"
    if sv_syllables(word) == 1 and re.search(f"[{SV_VOWELS}]m$", word):
        return word + "men"
    return word + "en"


def sv_irregular_key(word: str) -> str:
    """Return the irregular noun ``word`` is or ends in ("handbok" -> "bok"), or ""."""
    for key in sorted(SV_IRREGULAR_NOUNS, key=len, reverse=True):
        if word == key or (word.endswith(key) and key not in SV_IRREGULAR_EXACT_ONLY):
            return key
    return ""


def sv_noun_forms(
    word: str, gender: str, plural: str | None = None, head: str | None = None
) -> set[str]:
    """Return the forms of a Swedish noun: singular, plural(s), definite singular and plural(s).

    ``plural`` (when known, e.g. the Shopify name itself) replaces the rule-based plural.
    ``head`` is the last part of a compound ("leksak" of "badleksak"): the rules and the
    irregular table are applied to it and the rest of the word is put back in front.
    """
    head = head or word
    prefix = word[: len(word) - len(head)]
    irregular = sv_irregular_key(head)
    if irregular:
        start = prefix + head[: len(head) - len(irregular)]
        return {word} | {start + form for form in SV_IRREGULAR_NOUNS[irregular]}
    if plural is not None and plural.startswith(prefix):
        plurals = [plural[len(prefix) :]]
    else:
        plurals = sv_plurals(head, gender)
    definite = sv_definite_singular(head, gender)
    if gender == "en" and head[-1] in "mn" and plurals[0].startswith(head + head[-1]):
        definite = head + head[-1] + "en"  # rem, remmar: remmen
    forms = {head, definite, *plurals}
    forms |= {sv_definite_plural(head, p, gender) for p in plurals}
    return {prefix + form for form in forms}


def read_kelly(knowledge: Path) -> list[dict[str, str]]:
    """Return the rows of the Swedish Kelly list."""
    path = knowledge / "kelly-sv" / "Swedish-Kelly_M3_CEFR.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def kelly_nouns(rows: list[dict[str, str]]) -> dict[str, str]:
    """Return lemma -> gender ("en" or "ett") of the Kelly nouns that have a gender."""
    nouns: dict[str, str] = {}
    for row in rows:
        word = clean(drop_parens(row["word"]))
        if not row["class"].startswith("noun") or " " in word:
            continue
        gender = row["Grammar"].strip()
        if row["class"] == "noun-en/-ett":
            gender = "en"  # vitamin: en vitamin, vitaminer
        elif gender not in ("en", "ett"):
            gender = row["class"].removeprefix("noun-")  # gender missing in the Grammar column
        if gender in ("en", "ett"):
            nouns.setdefault(word, gender)
    return nouns


def sv_lookup(word: str, nouns: dict[str, str]) -> tuple[int, int, str]:
    """Match ``word`` against the Kelly nouns: (2, len, word) exact, (1, len, head) compound."""
    if word in nouns:
        return 2, len(word), word
    for i in range(2, len(word) - 2):  # head of at least 3 letters after at least 2
        if word[i:] in nouns:
            return 1, len(word) - i, word[i:]
    return 0, 0, ""


def sv_singular_candidates(word: str) -> list[tuple[str, str | None, str]]:
    """Return (singular, plural or None, condition) candidates of a Swedish noun.

    The condition is "" (none), "any" (only if the singular is a Kelly noun or ends in one)
    or "ett" (only if that Kelly noun is an ett-noun).
    """
    candidates: list[tuple[str, str | None, str]] = []
    for table in (SV_PLURAL_EXCEPTIONS, SV_IRREGULAR_PLURALS):
        for plural, singular in table.items():
            if word.endswith(plural):
                candidates.append((word[: len(word) - len(plural)] + singular, word, ""))
    if candidates:
        return candidates
    if word.endswith("or") and len(word) > 3:
        stem = word[:-2]
        if sv_syllables(stem) == 0:
            candidates.append((stem + "o", word, ""))  # skor -> sko
        candidates += [(stem + "a", word, ""), (stem + "o", word, "")]
    elif word.endswith("ar") and len(word) > 3:
        stem = word[:-2]
        if sv_unsyncope(stem):
            candidates.append((sv_unsyncope(stem), word, ""))  # cyklar -> cykel
        if stem.endswith("mm"):
            candidates.append((stem[:-1], word, ""))  # remmar -> rem, kammar -> kam
        candidates += [(stem, word, ""), (stem + "e", word, "")]
    elif word.endswith("ier"):
        if word.endswith(("arier", "orier")):
            candidates.append((word[:-3] + "ium", word, ""))  # akvarier -> akvarium
        elif word.endswith("alier"):
            candidates.append((word[:-1], word, ""))  # kemikalier -> kemikalie
        candidates += [(word[:-2], word, ""), (word[:-1], word, "")]  # batterier -> batteri
    elif word.endswith("elser"):
        candidates.append((word[:-1], word, ""))  # bakelser -> bakelse
    elif word.endswith("er") and not word.endswith("are") and len(word) > 4:
        stem = word[:-2]
        # a one-syllable stem or one ending in a double consonant is more often an -er
        # singular ("puder", "glitter", "socker") than a plural: keep it unless Kelly knows it
        plural_shape = stem.endswith(SV_THIRD_DECLENSION) or (
            sv_syllables(stem) >= 2 and not re.search(r"(ck|(\w)\2)$", stem)
        )
        candidates += [(stem, word, "" if plural_shape else "any"), (word[:-1], word, "any")]
    elif re.search(f"[{SV_VOWELS}]n$", word) and len(word) > 4:
        candidates.append((word[:-1], word, "ett"))  # äpplen -> äpple, if Kelly knows it
    candidates.append((word, None, ""))
    return candidates


def sv_analyse(word: str, nouns: dict[str, str]) -> tuple[str, str, str | None, str]:
    """Return (singular, gender, plural or None, head) of a Swedish noun given in any number.

    The candidates of ``sv_singular_candidates`` are scored by the Kelly list: a candidate
    that is a Kelly noun beats one whose last part is a Kelly noun (longest part first), which
    beats one unknown to Kelly; ties keep the rule order (plural readings first). The gender
    is Kelly's, else guessed by ``sv_guess_gender``.
    """
    best: tuple[tuple[int, int], int, str, str | None, str] | None = None
    for order, (singular, plural, condition) in enumerate(sv_singular_candidates(word)):
        kind, length, head = sv_lookup(singular, nouns)
        if (condition and not kind) or (condition == "ett" and nouns.get(head) != "ett"):
            continue
        score = (kind, length)
        if best is None or score > best[0] or (score == best[0] and order < best[1]):
            best = (score, order, singular, plural, head)
    assert best is not None
    _, _, singular, plural, head = best
    gender = nouns[head] if head else sv_guess_gender(singular, plural)
    return singular, gender, plural, head


def sv_guess_gender(singular: str, plural: str | None) -> str:
    """Guess the gender of a noun unknown to Kelly from its endings."""
    if singular.endswith(SV_ETT_SUFFIXES):
        return "ett"
    if plural not in (None, singular) or singular.endswith(SV_EN_SUFFIXES):
        return "en"
    return "en" if singular[-1] in SV_VOWELS else "ett"  # "bord": a zero plural


def sv_term_forms(
    name: str, nouns: dict[str, str], observed: dict[str, Counter[str]]
) -> tuple[str, set[str]]:
    """Return (base term, other forms) of a Swedish product name; its head is inflected.

    Plurals of Kelly nouns seen here are counted in ``observed`` (head -> plurals) so that
    ``words_sv.tsv`` can prefer them over the rules.
    """
    before, last, after = split_head(name, SV_SPLIT_BLOCKERS)
    singular, gender, plural, head = sv_analyse(last, nouns)
    if plural is not None and head:
        observed[head][plural[len(singular) - len(head) :]] += 1
    if plural is None and gender == "en" and not singular.endswith(("are", "ande", "ende")):
        # a singular en-noun, mostly a mass noun ("kattmat"): only its definite singular
        core = head or singular
        definite = singular[: len(singular) - len(core)] + sv_definite_singular(core, gender)
        forms = {singular, definite}
    else:
        forms = sv_noun_forms(singular, gender, plural, head or None)
    term = " ".join(filter(None, (before, singular, after)))
    return term, {" ".join(filter(None, (before, form, after))) for form in forms} - {term}


def sv_verb_active_forms(verb: str) -> set[str]:
    """Return present, past and supine of a Swedish verb in the active voice."""
    for i in range(len(verb)):
        rest = verb[i:]
        prefixed = verb[:i] in SV_VERB_PREFIXES and verb not in SV_REGULAR_LOOKALIKES
        if rest in SV_IRREGULAR_VERBS and (i == 0 or prefixed):
            return {verb[:i] + f for forms in SV_IRREGULAR_VERBS[rest] for f in forms.split("|")}
    if not verb.endswith("a"):  # bo, tro, ske: third conjugation
        return {verb + "r", verb + "dde", verb + "tt"}
    group1 = {verb + "r", verb + "de", verb + "t"}
    core = verb
    for prefix in SV_VERB_PREFIXES:
        if verb.startswith(prefix) and sv_syllables(verb[len(prefix) :]) >= 2:
            core = verb[len(prefix) :]
            break
    stem = verb[:-1]
    core_stem = core[:-1]
    front = re.search(f"[eiyäö][^{SV_VOWELS}]*$", core_stem) is not None
    if verb.endswith("era") or sv_syllables(core_stem) != 1 or not front:
        return group1
    base = stem[:-1] if re.search(r"(mm|nn)$", stem) else stem
    present = stem if stem.endswith("r") else stem + "er"
    if re.search(f"[{SV_VOWELS}]d$", stem):
        past, supine = stem + "de", stem[:-1] + "tt"  # leda: ledde, lett
    elif stem.endswith("d"):
        past, supine = stem + "e", stem[:-1] + "t"  # sända: sände, sänt
    elif re.search(f"[{SV_VOWELS}]t$", stem):
        past, supine = stem + "te", stem + "t"  # möta: mötte, mött
    elif stem.endswith("t"):
        past, supine = stem + "e", stem  # smälta: smälte, smält
    elif stem[-1] in "pksx":
        past, supine = base + "te", base + "t"  # köpa: köpte, köpt
    else:
        past, supine = base + "de", base + "t"  # ställa: ställde, ställt; känna: kände, känt
    return group1 | {present, past, supine}


def sv_verb_forms(verb: str) -> set[str]:
    """Return present, past and supine of a Swedish verb; deponents in -s included."""
    if verb.endswith("s") and len(verb) > 3:  # finnas, hoppas: forms of the active + s
        forms = set()
        for form in sv_verb_active_forms(verb[:-1]):
            if form.endswith("ar"):
                forms.add(form[:-1] + "s")
            elif form.endswith("er"):
                forms.add(form[:-2] + "s")
            else:
                forms.add(form + "s")
        return forms
    return sv_verb_active_forms(verb)


def sv_adjective_forms(adjective: str) -> set[str]:
    """Return the neuter (-t) and plural/definite (-a) forms of a Swedish adjective."""
    irregular = {"liten": {"litet", "lilla", "små"}, "gammal": {"gammalt", "gamla"}}
    if adjective in irregular:
        return irregular[adjective]
    word = adjective
    if word[-1] in "aeou" or not word.isalpha():
        return set()  # bra, äkta, bakre: indeclinable
    if word[-1] in SV_VOWELS:
        return {word + "tt", word + "a"}  # ny: nytt, nya
    if word.endswith("ad") and sv_syllables(word) >= 2:
        return {word[:-1] + "t", word + "e"}  # intresserad: intresserat, intresserade
    if word.endswith("dd"):
        return {word[:-2] + "tt", word + "a"}
    if word.endswith("d"):
        neuter = word[:-1] + "tt" if word[-2] in SV_VOWELS else word[:-1] + "t"
        return {neuter, word + "a"}  # röd: rött; känd: känt
    if word.endswith("t"):
        return {word + "t" if word[-2] in SV_VOWELS else word, word + "a"}  # vit: vitt
    if sv_has_unstressed_end(word):
        neuter = word[:-1] + "t" if word.endswith("en") else word + "t"
        return {neuter, sv_syncope(word) + "a"}  # öppen: öppet, öppna; enkel: enkla
    if word.endswith("nn"):
        return {word[:-1] + "t", word + "a"}  # tunn: tunt
    if word.endswith("sam") or (sv_syllables(word) == 1 and re.search(f"[{SV_VOWELS}]m$", word)):
        return {word + "t", word + "ma"}  # dum: dumma; ensam: ensamma
    return {word + "t", word + "a"}


# ---------------------------------------------------------------------------------------------
# products_en.tsv, products_sv.tsv (shopify-product-taxonomy)
# ---------------------------------------------------------------------------------------------


def read_categories(knowledge: Path) -> list[dict[str, str]]:
    """Return the Shopify categories (id, en_path, sv_path) sorted by id."""
    path = knowledge / "shopify-product-taxonomy" / "categories.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return sorted(rows, key=lambda r: natural_key(r["id"]))


def product_names(name: str, lang: str) -> list[str]:
    """Return the terms named by one Shopify category name (see the module docstring)."""
    name = clean(drop_parens(name))
    conjunction = "&" if lang == "en" else "och"
    separators = rf"\s*,\s*(?:{conjunction}\s+)?|\s+{conjunction}\s+"
    parts = [p.strip() for p in re.split(separators, name) if p.strip()]
    blockers = EN_SPLIT_BLOCKERS if lang == "en" else SV_SPLIT_BLOCKERS
    dangling = any(p.endswith("-") or p.startswith("-") for p in parts)
    names = [] if "," in name or dangling else [name]
    if len(parts) < 2 or any(blockers & set(p.split()) for p in parts[:-1]):
        return names
    last_words = len(parts[-1].split())
    for index, part in enumerate(parts):
        if part.endswith("-") or part.startswith("-"):
            continue
        is_modifier = (
            lang == "en"
            and index < len(parts) - 1
            and len(part.split()) == 1
            and last_words > 1
            and not (part.endswith("s") and not part.endswith("ss"))
        )
        if not is_modifier:
            names.append(part)
    return names


def build_products(
    categories: list[dict[str, str]],
    lang: str,
    dictionary: set[str],
    nouns: dict[str, str],
    observed: dict[str, Counter[str]],
) -> list[Row]:
    """Rows of ``products_<lang>.tsv``: every non-root category name with its forms."""
    column = f"{lang}_path"
    terms: dict[str, tuple[str, str, set[str]]] = {}
    for row in categories:
        path = [clean(p) for p in row[column].split(" > ")]
        if len(path) < 2:
            continue  # the 26 top-level roots
        for name in product_names(row[column].split(" > ")[-1], lang):
            if len(name.split()) > 4 or letter_count(name) < 2:
                continue
            if lang == "en":
                term, forms = en_term_forms(name, dictionary)
            else:
                term, forms = sv_term_forms(name, nouns, observed)
            if term not in terms:
                terms[term] = (row["id"], " > ".join(path), set())
            terms[term][2].update(forms)
    return [
        (term, join_sorted(forms - {term}, "|"), cat, path)
        for term, (cat, path, forms) in terms.items()
    ]


# ---------------------------------------------------------------------------------------------
# places.tsv (swedish-geodata, geonames-postal, british-placenames, world-cities)
# ---------------------------------------------------------------------------------------------

SWEDISH_CITIES_WITH_DISTRICTS = {"stockholm", "göteborg", "malmö"}
GB_KINDS = {"City": "city", "Town": "town", "Suburban Area": "suburb", "Village": "village"}
GB_SHORT_FORMS = {
    "kingston upon hull": "hull",
    "newcastle upon tyne": "newcastle",
    "brighton and hove": "brighton",
}
US_STATE_CODES = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY",
}  # fmt: skip
# Well-known nicknames of US cities: name -> (city, state)
US_CITY_SHORT_FORMS = {
    "nyc": ("new york", "new york"),
    "new york city": ("new york", "new york"),
    "la": ("los angeles", "california"),
    "l.a.": ("los angeles", "california"),
    "sf": ("san francisco", "california"),
    "san fran": ("san francisco", "california"),
    "philly": ("philadelphia", "pennsylvania"),
    "vegas": ("las vegas", "nevada"),
    "nola": ("new orleans", "louisiana"),
    "washington dc": ("washington", "district of columbia"),
    "washington d.c.": ("washington", "district of columbia"),
}
# Common names of countries: alias -> country as world-cities writes it (lower case)
COUNTRY_ALIASES = {
    "uk": "united kingdom",
    "u.k.": "united kingdom",
    "great britain": "united kingdom",
    "britain": "united kingdom",
    "england": "united kingdom",
    "scotland": "united kingdom",
    "wales": "united kingdom",
    "northern ireland": "united kingdom",
    "usa": "united states",
    "u.s.a.": "united states",
    "united states of america": "united states",
    "america": "united states",
    "sverige": "sweden",
}

PlaceKey = tuple[str, str, str]


def add_place(
    places: dict[PlaceKey, set[str]], name: str, kind: str, country: str, region: str
) -> None:
    """Record a place row; rows with the same (name, kind, country) merge their regions."""
    name = clean(name)
    if letter_count(name) >= 2:
        places[(name, kind, country)].add(clean(region))


def read_csv(path: Path) -> list[dict[str, str]]:
    """Return the rows of a UTF-8 CSV file with a header."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def add_swedish_places(knowledge: Path, places: dict[PlaceKey, set[str]]) -> None:
    """Add Swedish counties and municipalities, then postal towns and districts."""
    geo = knowledge / "swedish-geodata" / "data"
    counties = {r["county_code"]: r for r in read_csv(geo / "counties.csv")}
    for county in counties.values():
        add_place(places, county["county_name"], "county", "sweden", "")
        add_place(places, county["county_name_short"], "county", "sweden", "")
    municipalities = {r["municipality_code"]: r for r in read_csv(geo / "municipalities.csv")}
    for m in municipalities.values():
        region = counties[m["county_code"]]["county_name"]
        for name in (m["municipality_name_short"], m["municipality_name"]):
            add_place(places, name, "municipality", "sweden", region)
        add_place(
            places, m["municipality_name_short"] + " kommun", "municipality", "sweden", region
        )
    add_swedish_localities(knowledge, places, counties, municipalities)


def add_swedish_localities(
    knowledge: Path,
    places: dict[PlaceKey, set[str]],
    counties: dict[str, dict[str, str]],
    municipalities: dict[str, dict[str, str]],
) -> None:
    """Add Swedish postal towns and city districts (GeoNames SE and swedish-geodata).

    Each postal code votes for the municipality of its place (GeoNames admin2, else the
    municipality swedish-geodata gives the code); GeoNames votes count first because
    swedish-geodata has strays (Stockholm-Globen in Ekerö). The place is a ``district`` when the
    municipality with most votes is Stockholm, Göteborg or Malmö and the place is not itself a
    municipality (Solna, Nacka and Sundbyberg have codes under Stockholm). Its regions are the
    counties of all municipalities voted for. Names with letters outside the Swedish alphabet
    ("Malmø", "Ôregrund": encoding errors in GeoNames) are dropped.
    """
    postal = read_csv(knowledge / "swedish-geodata" / "data" / "postal_to_municipality.csv")
    muni_by_postcode = {r["postal_code"]: r["municipality_code"] for r in postal}
    votes: dict[str, Counter[str]] = defaultdict(Counter)  # name -> municipality code -> codes
    for r in postal:
        votes[clean(r["locality"])][r["municipality_code"]] += 1
    known = set(votes)
    county_codes = {clean(c["county_name_short"]): code for code, c in counties.items()}
    geonames: dict[str, Counter[str]] = defaultdict(Counter)
    path = knowledge / "geonames-postal" / "data" / "geonames" / "SE.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        name, postcode, county_short, muni_code = fields[2], fields[1], fields[3], fields[6]
        code = muni_code or muni_by_postcode.get(postcode.replace(" ", ""), "")
        if code not in municipalities:  # no municipality known: keep the county
            code = "county:" + county_codes.get(clean(county_short), "")
        geonames[clean(name)][code] += 1
    for name, codes in geonames.items():
        if sum(codes.values()) >= 2 or name in known:
            votes[name].update(codes)
        else:
            geonames[name] = Counter()
    municipality_names = {clean(m["municipality_name_short"]) for m in municipalities.values()}
    for name, codes in votes.items():
        if not re.fullmatch(r"[a-zåäöéü .'-]+", name):
            continue
        regions = set()
        for code in codes:
            county = code[7:] if code.startswith("county:") else municipalities[code]["county_code"]
            regions.add(counties[county]["county_name"] if county in counties else "")
        top = ""
        for source in (geonames.get(name, Counter()), codes):
            in_municipality = Counter({c: n for c, n in source.items() if c in municipalities})
            if in_municipality and not top:
                top = in_municipality.most_common(1)[0][0]
        city = clean(municipalities[top]["municipality_name_short"]) if top else ""
        is_district = city in SWEDISH_CITIES_WITH_DISTRICTS and name not in municipality_names
        for region in regions:
            add_place(places, name, "district" if is_district else "postal_town", "sweden", region)


def gb_variants(name: str, kind: str) -> set[str]:
    """Return the spellings people type for a British place name (see the module docstring)."""
    variants = {name}
    if kind in ("city", "town") and name.startswith("royal "):
        variants.add(name[len("royal ") :])
    variants |= {v.replace("-", " ") for v in variants}
    saints = {"st": ("saint", "st."), "st.": ("saint", "st"), "saint": ("st", "st.")}
    for variant in list(variants):
        words = variant.split()
        for i, word in enumerate(words):
            for other in saints.get(word, ()):
                variants.add(" ".join([*words[:i], other, *words[i + 1 :]]))
    variants |= {v.replace("'", "") for v in variants}
    if name in GB_SHORT_FORMS:
        variants.add(GB_SHORT_FORMS[name])
    return {" ".join(v.split()) for v in variants}


def add_british_places(knowledge: Path, places: dict[PlaceKey, set[str]]) -> None:
    """Add British cities, towns, suburbs and villages with their common variants."""
    for row in read_csv(knowledge / "british-placenames" / "places.csv"):
        kind = GB_KINDS.get(row["type"])
        if kind:
            for variant in gb_variants(clean(row["name"]), kind):
                add_place(places, variant, kind, "united kingdom", row["country"])


GB_COUNTIES_DROPPED = {
    "belfast greater",
    "west dunbart",
    "guernsey channel islands",
    "jersey channel islands",
    "hereford and worcester",
    "inverness",
}
"""GeoNames GB second-level names that are no county: truncated, doubled or retired."""


def add_british_counties(knowledge: Path, places: dict[PlaceKey, set[str]]) -> None:
    """Add British counties (GeoNames GB second level: "worcestershire", "north yorkshire")."""
    path = knowledge / "geonames-postal" / "data" / "geonames" / "GB.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        county, nation = clean(fields[5]), fields[3]
        if county and county not in GB_COUNTIES_DROPPED:
            for variant in gb_variants(county, "county"):
                add_place(places, variant, "county", "united kingdom", nation)


def add_us_counties(knowledge: Path, places: dict[PlaceKey, set[str]]) -> None:
    """Add US counties as people write them: "<name> county" ("orange county", "cook county").

    Louisiana's parishes keep their own word; independent cities and Alaska's boroughs and
    census areas are left out (their names are cities, or not what people type).
    """
    path = knowledge / "geonames-postal" / "data" / "geonames" / "US.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        county, state, code = clean(fields[5]), fields[3], fields[4]
        if code not in US_STATE_CODES or code == "AK" or not county or "city" in county:
            continue
        if not county.endswith((" parish", " county")):
            county += " county"
        add_place(places, county, "us_county", "united states", state)


def add_us_places(knowledge: Path, places: dict[PlaceKey, set[str]]) -> None:
    """Add US cities (GeoNames postal places), the 50 states and DC, their codes, nicknames."""
    path = knowledge / "geonames-postal" / "data" / "geonames" / "US.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        city, state, code = fields[2], fields[3], fields[4]
        if code not in US_STATE_CODES:
            continue  # APO/FPO addresses and territories
        add_place(places, city, "us_city", "united states", state)
        add_place(places, state, "us_state", "united states", "")
        add_place(places, code, "us_state_code", "united states", state)
    for name, (_, state) in US_CITY_SHORT_FORMS.items():
        add_place(places, name, "us_city", "united states", state)


def add_world_places(knowledge: Path, places: dict[PlaceKey, set[str]]) -> None:
    """Add world cities with their country and subcountry, and the countries themselves."""
    for row in read_csv(knowledge / "world-cities" / "data" / "world-cities.csv"):
        country = clean(row["country"])
        add_place(places, row["name"], "world_city", country, row["subcountry"])
        add_place(places, row["country"], "country", country, "")
    for alias, country in COUNTRY_ALIASES.items():
        add_place(places, alias, "country", country, "")


def build_places(knowledge: Path) -> list[Row]:
    """Rows of ``places.tsv``."""
    places: dict[PlaceKey, set[str]] = defaultdict(set)
    add_swedish_places(knowledge, places)
    add_british_places(knowledge, places)
    add_british_counties(knowledge, places)
    add_us_places(knowledge, places)
    add_us_counties(knowledge, places)
    add_world_places(knowledge, places)
    return [
        (name, kind, country, join_sorted(regions))
        for (name, kind, country), regions in places.items()
    ]


# ---------------------------------------------------------------------------------------------
# words_sv.tsv (Kelly)
# ---------------------------------------------------------------------------------------------

CEFR_ORDER = ("A1", "A2", "B1", "B2", "C1", "C2")


def kelly_entries(row: dict[str, str]) -> list[tuple[str, str]]:
    """Return (word, lemma) pairs of a Kelly row: the cleaned lemma and its marked variants."""
    raw = row["word"]
    lemma = clean(drop_parens(raw))
    if not re.fullmatch(r"[^\W\d_]+(-[^\W\d_]+)*", lemma):
        return []  # multi-word, "varken…eller", digits
    pairs = [(lemma, lemma)]
    for note in re.findall(r"\(([^()]*)\)", raw):
        for piece in re.split(r"[,;]", note):
            match = re.fullmatch(r"\s*(?:el\.|vardagl\.)\s*([^\W\d_]+)\s*", piece)
            if match:
                pairs.append((clean(match.group(1)), lemma))
    return pairs


def build_words_sv(
    rows: list[dict[str, str]], nouns: dict[str, str], observed: dict[str, Counter[str]]
) -> list[Row]:
    """Rows of ``words_sv.tsv``: Kelly lemmas and their inflected forms."""
    levels: dict[tuple[str, str, str], str] = {}
    for row in rows:
        pos = row["class"].split("-")[0].strip()
        level = row["levels"].strip()
        if pos == "proper name":  # names of places and countries, not dictionary words
            continue
        for word, lemma in kelly_entries(row):
            forms = {word}
            if word == lemma:
                if pos == "noun" and lemma in nouns:
                    plural = observed[lemma].most_common(1)[0][0] if observed.get(lemma) else None
                    if plural is None and lemma in SV_IRREGULAR_NOUNS:
                        plural = SV_IRREGULAR_NOUNS[lemma][0]
                    forms |= sv_noun_forms(lemma, nouns[lemma], plural)
                elif pos in ("verb", "aux verb"):
                    forms |= sv_verb_forms(lemma)
                elif pos in ("adjective", "particip"):
                    forms |= sv_adjective_forms(lemma)
            for form in forms:
                key = (form, lemma, pos)
                if key not in levels or CEFR_ORDER.index(level) < CEFR_ORDER.index(levels[key]):
                    levels[key] = level
    return [(word, lemma, pos, level) for (word, lemma, pos), level in levels.items()]


# ---------------------------------------------------------------------------------------------
# product_heads_sv.tsv (derived from products_sv.tsv and Kelly)
# ---------------------------------------------------------------------------------------------

HEAD_MIN_COMPOUNDS = 3
ABSTRACT_HEADS = {
    "aktivitet",
    "ande",
    "anordning",
    "blandning",
    "borttagning",
    "bruk",
    "disk",
    "droppe",
    "enhet",
    "fiber",
    "form",
    "givare",
    "guide",
    "hantering",
    "inlägg",
    "klapp",
    "kort",
    "lager",
    "ledare",
    "lina",
    "material",
    "märke",
    "paket",
    "pass",
    "produkt",
    "program",
    "programvara",
    "rengöring",
    "sats",
    "service",
    "skit",
    "station",
    "steg",
    "stopp",
    "stöd",
    "säkerhet",
    "test",
    "tillskott",
    "tjänst",
    "tvätt",
    "verk",
    "vård",
}
"""Heads whose compounds are often not goods one buys ("körkort", "hudvård", "arbetsgivare",
"busstation", "tv-paket"), or that a wrong split finds ("biltvätts|kit" read as "skit")."""


def sv_modifier(prefix: str, words: set[str]) -> bool:
    """Whether ``prefix`` can be the first part of a compound: a word, with or without a link."""
    candidates = [prefix, prefix + "a", prefix + "e"]
    if prefix.endswith("s"):
        candidates += [prefix[:-1], prefix[:-1] + "e", prefix[:-1] + "a"]
    return any(c in words for c in candidates)


def build_product_heads(
    products_sv: list[Row], nouns: dict[str, str], words: set[str]
) -> list[Row]:
    """Rows of ``product_heads_sv.tsv``: Kelly nouns that end many one-word product names.

    A Swedish compound's last part is its head ("akvarie|ställ", "blom|ställ"): a noun that is
    the head of at least :data:`HEAD_MIN_COMPOUNDS` product names is a word for goods, so an
    unknown compound ending in it is a product too ("klätter|båge", "kompost|kvarn"). Each name
    counts once, for its longest ending that is a Kelly noun after a first part that is a word
    (optionally with a linking -s, or without its final -a/-e: "flick|cykel").
    """
    product_terms = {row[0] for row in products_sv}
    known = words | product_terms
    compounds: dict[str, set[str]] = defaultdict(set)
    for term in product_terms:
        if not term.isalpha():
            continue
        for i in range(2, len(term) - 3):
            head = term[i:]
            if head in nouns and sv_modifier(term[:i], known):
                compounds[head].add(term)
                break
    return [
        (
            head,
            join_sorted(sv_noun_forms(head, nouns[head]) - {head}, "|"),
            str(len(found)),
            join_sorted(sorted(found)[:3], "|"),
        )
        for head, found in sorted(compounds.items())
        if len(found) >= HEAD_MIN_COMPOUNDS
        and head not in ABSTRACT_HEADS
        and head not in product_terms
    ]


# ---------------------------------------------------------------------------------------------
# Self-check and main
# ---------------------------------------------------------------------------------------------


def self_check(
    nouns: dict[str, str], chains: list[Row], products_sv: list[Row], words_sv: list[Row]
) -> list[str]:
    """Assert the common Swedish inflections and the must-have chains; return what was checked."""
    expected = {
        "stolar": ("stol", {"stolar", "stolen", "stolarna"}),
        "lampor": ("lampa", {"lampor", "lampan", "lamporna"}),
        "sängar": ("säng", {"sängar", "sängen", "sängarna"}),
        "filtar": ("filt", {"filtar", "filten", "filtarna"}),
        "cyklar": ("cykel", {"cyklar", "cykeln", "cyklarna"}),
        "bord": ("bord", {"bordet", "borden"}),
        "maskiner": ("maskin", {"maskiner", "maskinen", "maskinerna"}),
    }
    checked = []
    observed: dict[str, Counter[str]] = defaultdict(Counter)
    for given, (singular, forms) in expected.items():
        term, got = sv_term_forms(given, nouns, observed)
        assert term == singular, (given, term)
        assert forms <= got | {term}, (given, sorted(got))
        lemma_forms = sv_noun_forms(singular, nouns[singular])
        assert forms <= lemma_forms, (singular, sorted(lemma_forms))
        checked.append(f"{singular}: {'/'.join(sorted(forms | {singular}))}")
    assert {"köper", "köpte", "köpt"} <= sv_verb_forms("köpa")
    assert {"talar", "talade", "talat"} <= sv_verb_forms("tala")
    assert {"stort", "stora"} <= sv_adjective_forms("stor")
    checked.append("köpa/köper/köpte/köpt, tala/talar/talade/talat, stor/stort/stora")
    sv_terms = {row[0]: set(row[1].split("|")) for row in products_sv}
    for term in ("stol", "lampa", "filt", "bord"):
        assert term in sv_terms, term
    words = {(row[0], row[1]) for row in words_sv}
    assert {("stolar", "stol"), ("lamporna", "lampa"), ("cykeln", "cykel")} <= words
    names = {row[0] for row in chains}
    required = ("ica", "willys", "coop", "apotek hjärtat", "jula", "biltema", "clas ohlson")
    for name in (*required, "tesco", "argos"):
        assert name in names, name
    checked.append("chains: " + ", ".join((*required, "tesco", "argos")))
    return checked


def main() -> None:
    """Build every lexicon file and print its row count."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE)
    knowledge = parser.parse_args().knowledge.resolve()
    OUT_DIR.mkdir(parents=True, exist_ok=True)

    words_en = build_words_en(knowledge)
    dictionary = {word for word, _ in words_en}
    kelly = read_kelly(knowledge)
    nouns = kelly_nouns(kelly)
    categories = read_categories(knowledge)
    observed: dict[str, Counter[str]] = defaultdict(Counter)

    chains = build_chains(knowledge, dictionary)
    products_en = build_products(categories, "en", dictionary, nouns, observed)
    products_sv = build_products(categories, "sv", dictionary, nouns, observed)
    words_sv = build_words_sv(kelly, nouns, observed)
    sv_words = {row[0] for row in words_sv} | dictionary
    product_heads = build_product_heads(products_sv, nouns, sv_words)
    outputs: list[tuple[str, Row, list[Row]]] = [
        ("chains.tsv", ("name", "brand", "category", "countries", "wikidata"), chains),
        ("cars.tsv", ("make", "model", "name", "kind"), build_cars(knowledge)),
        ("products_en.tsv", ("term", "forms", "category", "path"), products_en),
        ("products_sv.tsv", ("term", "forms", "category", "path"), products_sv),
        ("places.tsv", ("name", "kind", "country", "region"), build_places(knowledge)),
        ("words_en.tsv", ("word", "source"), words_en),
        ("words_sv.tsv", ("word", "lemma", "pos", "cefr"), words_sv),
        ("product_heads_sv.tsv", ("head", "forms", "compounds", "examples"), product_heads),
    ]
    for filename, header, rows in outputs:
        count = write_tsv(OUT_DIR / filename, header, rows)
        print(f"{filename}\t{count} rows")
    for line in self_check(nouns, chains, products_sv, words_sv):
        print(f"self-check ok\t{line}")


if __name__ == "__main__":
    main()
