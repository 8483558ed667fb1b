"""Write ``garden-shop.csv``: a Swedish garden and tools webshop's labelled keyword export.

A made-up shop ("grenverket", grenverket.se, stores in six towns) as an SEO team would label its
own keyword export in a Semrush-like CSV (``Keyword,Volume,Intent``). The labels follow
``../shared/TAXONOMY.md`` with the shop's own conventions where the taxonomy leaves room or the
shop's reality differs, which is what adapting the shipped model is for:

- garden verbs without a question word ("beskära äppelträd", "kalka gräsmattan") are how-to
  searches: informational;
- bulk goods with delivery or a town ("täckbark leverans uppsala", "storsäck jord borås") are
  orders the shop delivers: transactional;
- spare parts and consumables ("automower 305 kniv", "trimmertråd 2,4 mm") are bought, not
  compared: transactional;
- the shop's name and its own product lines are navigational; a store town is local.

Every keyword is composed here from the lists below (written for this benchmark, not taken from
any other data set); ``python benchmarks/data/make_garden.py`` rewrites the file identically.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "garden-shop.csv"
SHOP = "grenverket"
STORES = ["sundsvall", "borås", "västerås", "växjö", "gävle", "norrtälje"]
TOWNS = [*STORES, "uppsala", "örebro", "kalmar", "falun", "luleå", "eskilstuna", "jönköping"]
MAKERS = ["husqvarna", "stiga", "gardena", "fiskars", "makita", "ryobi", "einhell", "greenworks"]
TOOLS = [
    "gräsklippare",
    "robotgräsklippare",
    "grästrimmer",
    "kantklippare",
    "häcksax",
    "grensax",
    "sekatör",
    "lövblås",
    "motorsåg",
    "vedklyv",
    "jordfräs",
    "kompostkvarn",
    "högtryckstvätt",
    "snöslunga",
    "skottkärra",
    "kratta",
    "grep",
    "ogräsbrännare",
    "slangvinda",
    "vattenspridare",
]
THINGS = [
    "pallkrage",
    "odlingslåda",
    "växthus",
    "drivbänk",
    "spaljé",
    "kompostbehållare",
    "regntunna",
    "fågelholk",
    "trädgårdsmöbler",
    "hammock",
    "markduk",
    "fiberduk",
    "droppbevattning",
    "bevattningsslang",
]
BULK = ["täckbark", "planteringsjord", "barkmulch", "gräsmattejord", "makadam", "singel", "kalk"]
PLANTS = [
    "äppelträd",
    "plommonträd",
    "körsbärsträd",
    "vinbärsbuske",
    "hallon",
    "blåbärsbuske",
    "rosor",
    "hortensia",
    "syren",
    "pioner",
    "tomatplantor",
    "chiliplantor",
    "jordgubbsplantor",
    "tulpanlökar",
    "sättpotatis",
    "häckplantor",
    "tuja",
    "rhododendron",
    "lavendel",
    "klematis",
]
MODELS = [
    "automower 305",
    "automower 430x",
    "automower 450x nera",
    "stiga park 500",
    "stiga a 1500",
    "gardena sileno city",
    "husqvarna 135 mark ii",
    "husqvarna 545 mark ii",
    "makita duc254",
    "ryobi ry18lmx40",
    "einhell ge-cm 36",
    "greenworks gd60lm46",
]
PARTS = ["kniv", "knivar", "kedja", "svärd", "tändstift", "luftfilter", "batteri", "laddstation"]
VERBS = {
    "beskära": ["äppelträd", "plommonträd", "körsbärsträd", "hortensia", "syren", "rosor", "tuja"],
    "plantera": [
        "tulpanlökar",
        "sättpotatis",
        "häckplantor",
        "jordgubbsplantor",
        "rhododendron",
        "klematis",
    ],
    "gödsla": ["gräsmattan", "tomatplantor", "rosor", "hallon", "pioner"],
    "vattna": ["tomatplantor", "gräsmattan", "chiliplantor", "lavendel"],
    "så": ["gräsfrö", "morötter", "sallad", "ängsblommor"],
    "kalka": ["gräsmattan", "rabatten", "jorden"],
    "vinterförvara": ["robotgräsklippare", "gräsklippare", "trädgårdsmöbler", "högtryckstvätt"],
    "slipa": ["häcksax", "grensax", "sekatör", "motorsåg", "gräsklippare"],
    "övervintra": ["pelargoner", "chiliplantor", "rosmarin", "fuchsia"],
}
WHEN = ["på våren", "på hösten", "i maj", "i augusti", "i kruka", "på balkongen"]


def rows() -> list[tuple[str, str]]:
    """Every keyword the shop labelled, with its intent cell (most likely intent first)."""
    out: list[tuple[str, str]] = []
    add = out.append
    goods = TOOLS + THINGS
    for verb, objects in VERBS.items():
        for obj in objects:
            add((f"{verb} {obj}", "Informational"))
            for when in WHEN[:2]:
                add((f"{verb} {obj} {when}", "Informational"))
            add((f"när ska man {verb} {obj}", "Informational"))
            add((f"hur {verb} {obj}", "Informational"))
    for plant in PLANTS:
        add((f"{plant} skötsel", "Informational"))
        add((f"{plant} sjukdomar", "Informational"))
        add((f"{plant} {WHEN[len(plant) % len(WHEN)]}", "Informational"))
    for tool in TOOLS:
        add((f"hur fungerar {tool}", "Informational"))
        add((f"{tool} startar inte", "Informational"))
    for thing in goods:
        add((thing, "Commercial"))
        add((f"bästa {thing}", "Commercial"))
        add((f"{thing} test", "Commercial"))
        add((f"{thing} bäst i test", "Commercial"))
        add((f"köpa {thing}", "Transactional"))
        add((f"{thing} pris", "Transactional"))
        add((f"billig {thing}", "Transactional"))
        add((f"{thing} rea", "Transactional"))
        add((f"{SHOP} {thing}", "Navigational, Transactional"))
    for maker in MAKERS:
        for tool in TOOLS[:12]:
            add((f"{maker} {tool}", "Commercial"))
        add((maker, "Navigational"))
        add((f"{maker} service", "Navigational"))
        add((f"{maker} reservdelar", "Transactional"))
    for a, b in zip(MAKERS, MAKERS[1:] + MAKERS[:1]):
        add((f"{a} eller {b}", "Commercial"))
        add((f"{a} vs {b} motorsåg", "Commercial"))
    for model in MODELS:
        add((model, "Commercial"))
        add((f"{model} test", "Commercial"))
        add((f"{model} pris", "Transactional"))
        for part in PARTS:
            add((f"{model} {part}", "Transactional"))
        add((f"{model} manual", "Informational"))
    for bulk in BULK:
        add((bulk, "Commercial"))
        add((f"{bulk} storsäck", "Transactional"))
        add((f"{bulk} leverans", "Transactional"))
        add((f"{bulk} pris per kubik", "Transactional"))
        for town in TOWNS:
            add((f"{bulk} {town}", "Transactional"))
            add((f"{bulk} leverans {town}", "Transactional"))
        add((f"hur mycket {bulk} behövs", "Informational"))
    for size in ["1,3 mm", "1,6 mm", "2,0 mm", "2,4 mm", "3,0 mm"]:
        add((f"trimmertråd {size}", "Transactional"))
    for plant in PLANTS:
        add((f"köpa {plant}", "Transactional"))
        add((f"{plant} online", "Transactional"))
        add((f"beställa {plant}", "Transactional"))
    for brand_kw in [
        SHOP,
        f"{SHOP}.se",
        f"{SHOP} kundtjänst",
        f"{SHOP} mina sidor",
        f"{SHOP} logga in",
        f"{SHOP} retur",
        f"{SHOP} rabattkod",
        f"{SHOP} klubb",
        f"{SHOP} katalog",
        f"{SHOP} ordernummer",
        f"{SHOP} hemleverans",
        f"{SHOP} presentkort",
    ]:
        add((brand_kw, "Transactional" if "rabattkod" in brand_kw else "Navigational"))
    for store in STORES:
        add((f"{SHOP} {store}", "Local, Navigational"))
        add((f"{SHOP} {store} öppettider", "Local, Navigational"))
    for town in TOWNS:
        add((f"plantskola {town}", "Local"))
        add((f"trädgårdsbutik {town}", "Local"))
        add((f"trädfällning {town}", "Local"))
        add((f"gräsklipparservice {town}", "Local"))
    for place in ["plantskola", "trädgårdsbutik", "handelsträdgård", "gräsklipparservice"]:
        add((f"{place} nära mig", "Local"))
        add((f"{place} öppet idag", "Local"))
    for english in [
        "best robotic lawn mower",
        "robotic lawn mower review",
        "husqvarna automower 430x review",
        "how to prune apple trees",
        "raised garden bed kit",
        "buy garden hose",
        "greenhouse for sale",
        "when to plant tulip bulbs",
        "leaf blower vs leaf vacuum",
        "cordless hedge trimmer price",
        "garden centre near me",
        "grenverket english",
    ]:
        label = (
            "Informational"
            if english.startswith(("how", "when"))
            else "Local"
            if "near me" in english
            else "Navigational"
            if english.startswith(SHOP)
            else "Transactional"
            if any(w in english for w in ("buy", "sale", "price", "kit"))
            else "Commercial"
        )
        add((english, label))
    seen: set[str] = set()
    unique = [(k, i) for k, i in out if not (k in seen or seen.add(k))]
    return unique


def main() -> None:
    rng = random.Random(17)
    labelled = rows()
    rng.shuffle(labelled)
    labelled = labelled[:900]
    tmp = OUT.with_name(OUT.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Keyword", "Volume", "Intent"])
        for kw, intent in labelled:
            volume = int(10 * 2 ** rng.uniform(0, 11)) // 10 * 10
            w.writerow([kw, volume, intent])
    tmp.replace(OUT)
    print(f"wrote {OUT} ({len(labelled)} keywords)")


if __name__ == "__main__":
    main()
