"""The training data: valid rows, enough of them, and a generator that reproduces its output."""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType

import pytest

from intentkit._dataset import (
    Row,
    from_template,
    held_apart,
    held_apart_key,
    keyword_files,
    read_rows,
)

DATA = Path(__file__).resolve().parent.parent / "data"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"intentkit_data_{name}", DATA / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def rows() -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for path in keyword_files(DATA):
        out += [vars(row) for _, row in read_rows(path, check=False)]
    return out


def test_every_row_is_valid() -> None:
    check = load("check")
    assert check.main([]) == 0


def test_generator_reproduces_the_committed_rows() -> None:
    generate = load("generate")
    committed = [row for _, row in read_rows(DATA / "keywords" / "generated.tsv")]
    written = {r["keyword"] for r in rows() if not from_template(Row(**r))}
    apart = held_apart(DATA)
    made = [
        r
        for r in generate.generate()
        if r.keyword not in written and held_apart_key(r.keyword) not in apart
    ]
    assert made == committed


def sets_that_measure() -> list[Path]:
    root = DATA.parent
    return [
        root / "tests" / "data" / "golden.tsv",
        root / "benchmarks" / "data" / "stages.tsv",
        *sorted((root.parent / "shared" / "data" / "real-dev").glob("*.tsv")),
    ]


def test_held_apart_hashes_cover_every_set_that_measures() -> None:
    apart = held_apart(DATA)
    for path in sets_that_measure():
        with path.open(encoding="utf-8", newline="") as f:
            keys = [held_apart_key(r["keyword"]) for r in csv.DictReader(f, delimiter="\t")]
        assert set(keys) <= apart, f"{path} changed: run python data/held_apart.py"


def test_no_training_keyword_is_held_apart() -> None:
    """The golden file, the stage set and the real-keyword dev sets measure unseen keywords."""
    apart = held_apart(DATA)
    assert len(apart) > 500
    assert [r["keyword"] for r in rows() if held_apart_key(r["keyword"]) in apart] == []


def test_sizes_the_datasheet_promises() -> None:
    data = rows()
    assert len({r["keyword"] for r in data}) >= 15_000
    assert sum(r["lang"] == "sv" for r in data) >= 5_000
    assert sum(r["source"] == "hand" for r in data) >= 5_000
    per = Counter((r["lang"], r["intent"]) for r in data)
    for intent in ("informational", "commercial", "transactional", "navigational", "local"):
        assert per[("en", intent)] + per[("sv", intent)] >= 1_500
        assert per[("sv", intent)] >= 400
    templates = Counter(r["source"] for r in data if from_template(Row(**r)))
    assert max(templates.values()) <= 0.02 * len(data)
    assert len({r["vertical"] for r in data}) >= 30


def shared_keywords() -> set[str]:
    """Every keyword of the third-party files in ``../shared/data`` (first column, lower case)."""
    root = DATA.parent.parent / "shared" / "data"
    seen: set[str] = set()
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".tsv", ".csv", ".txt"}:
            continue
        raw = path.read_bytes()
        text = (
            raw.decode("utf-16")
            if raw[:2] in (b"\xff\xfe", b"\xfe\xff")
            else raw.decode("utf-8-sig", "replace")
        )
        if path.suffix == ".txt":
            seen.update(line.strip().lower() for line in text.splitlines())
            continue
        delimiter = "\t" if text.count("\t") > text.count(",") else ","
        seen.update(
            row[0].strip().lower()
            for row in csv.reader(text.splitlines(), delimiter=delimiter)
            if row
        )
    return seen


def test_hand_rows_are_not_copied_from_the_shared_data() -> None:
    shared = shared_keywords()
    if not shared:
        pytest.skip("../shared/data is not beside the repository")
    copied = [r["keyword"] for r in rows() if r["source"] == "hand" and r["keyword"] in shared]
    assert copied == []


def test_product_heads_are_nouns_that_end_many_product_names() -> None:
    build = load("build_lexicons")
    products = [(t, "", "", "") for t in ("akvarieställ", "blomställ", "cykelställ", "kvarn")]
    products += [(t, "", "", "") for t in ("pepparkvarn", "kaffekvarn", "saltkvarn")]
    products += [(t, "", "", "") for t in ("arbetskort", "presentkort", "bildkort")]
    nouns = {"ställ": "ett", "kvarn": "en", "kort": "ett"}
    words = {
        "akvarium",
        "akvarie",
        "blom",
        "cykel",
        "peppar",
        "kaffe",
        "arbete",
        "present",
        "bild",
        "salt",
    }
    heads = {row[0]: row for row in build.build_product_heads(products, nouns, words)}
    assert set(heads) == {"ställ"}  # kvarn: a product name itself; kort: not goods
    assert heads["ställ"][2] == "3"
    assert {"ställen", "ställets"} & set(heads["ställ"][1].split("|"))
    # Two compounds are not enough, and "xq" is no word, so "xqkvarn" does not count.
    products = [(t, "", "", "") for t in ("pepparkvarn", "kaffekvarn", "xqkvarn")]
    assert build.build_product_heads(products, nouns, words) == []
    products.append(("bönkvarn", "", "", ""))
    assert build.build_product_heads(products, nouns, words) == []
    # "bön|kvarn" is "böna" without its -a.
    assert [r[0] for r in build.build_product_heads(products, nouns, words | {"böna"})] == ["kvarn"]


def test_counties_are_places_as_people_write_them(tmp_path: Path) -> None:
    build = load("build_lexicons")
    geo = tmp_path / "geonames-postal" / "data" / "geonames"
    geo.mkdir(parents=True)
    gb = [
        "GB\tWR1\tWorcester\tEngland\tENG\tWorcestershire",
        "GB\tX1\tY\tScotland\tSCT\tWest Dunbart",
    ]
    (geo / "GB.txt").write_text("\n".join(gb) + "\n", encoding="utf-8")
    us = [
        "US\t92701\tSanta Ana\tCalifornia\tCA\tOrange",
        "US\t71101\tShreveport\tLouisiana\tLA\tCaddo Parish",
        "US\t99553\tAkutan\tAlaska\tAK\tAleutians East",
        "US\t23219\tRichmond\tVirginia\tVA\tRichmond (city)",
        "US\t96910\tHagatna\tGuam\tGU\tGuam",
    ]
    (geo / "US.txt").write_text("\n".join(us) + "\n", encoding="utf-8")
    places: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    build.add_british_counties(tmp_path, places)
    build.add_us_counties(tmp_path, places)
    assert set(places) == {
        ("worcestershire", "county", "united kingdom"),
        ("orange county", "us_county", "united states"),
        ("caddo parish", "us_county", "united states"),
    }
    assert places[("orange county", "us_county", "united states")] == {"california"}
