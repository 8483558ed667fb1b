"""``intentkit report`` pages opened in a real browser: Debian's Chromium, driven by Selenium.

Each fixture export is reported in English and Swedish and loaded in a 390-pixel-wide phone
viewport. The page must log no console error, request nothing but itself, show exactly the
numbers of ``intentkit summary --json`` (and of ``intentkit label`` for the keywords it lists),
list the funnel's stages in order, give every chart an accessible name and not scroll sideways.
A full-page screenshot of each is written to ``tests/screenshots/`` (not committed) to look at.

Without Chromium, chromedriver or selenium the tests are skipped, except under CI, where they
fail: ``.ci/run`` installs them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from intentkit._cli import main

DATA = Path(__file__).parent / "data" / "report"
SHOTS = Path(__file__).parent / "screenshots"
STAGES = ["awareness", "consideration", "conversion", "retention"]
STAGES_SV = ["medvetenhet", "övervägande", "konvertering", "lojalitet"]


def _driver() -> Any:
    missing = [x for x in ("chromium", "chromedriver") if shutil.which(x) is None]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests need {missing} (.ci/run installs them)")
        pytest.skip(f"no {', '.join(missing)}: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_experimental_option(
        "mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1}}
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = _driver()
    try:
        yield driver
    finally:
        driver.quit()


def _run(*argv: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


def _number(text: str, lang: str) -> float:
    """A number as the page writes it: 1,234.5 in English, 1 234,5 in Swedish."""
    text = text.strip().rstrip("%").strip()
    text = text.replace("\u00a0", "").replace(",", ".") if lang == "sv" else text.replace(",", "")
    assert re.fullmatch(r"-?\d+(\.\d+)?", text), text
    return float(text)


_KEYWORD_HEADERS = ("keyword", "Keyword", "Sökord", "Vanligaste sökfrågorna")
"""The fixtures' keyword column names."""
_HEADERS = {
    "volume": ("volume", "Search Volume", "Sökvolym"),
    "impressions": ("Impressions", "Exponeringar"),
    "clicks": ("Clicks", "Klick"),
}
"""The fixtures' column names of each metric a report can rank by."""


def _lookup(summary: dict[str, Any], key: str) -> float:
    """The number ``key`` names in the summary JSON; a dict stands for the sum of its values."""
    if key == "labelled":
        return float(summary["keywords"] - summary["empty"])
    if key.startswith("total_"):
        return float(sum(summary["stage_" + key.removeprefix("total_")].values()))
    value: Any = summary
    for part in key.split("."):
        value = value[part]
    return float(sum(value.values())) if isinstance(value, dict) else float(value)


CASES = [
    ("nordvik-en.csv", "en"),
    ("nordvik-en.csv", "sv"),
    ("nordvik-sv.csv", "sv"),
    ("nordvik-sv.csv", "en"),
    ("plain-en.txt", "en"),
    ("one-audience.csv", "sv"),
    ("single.csv", "en"),
    ("gsc-sv.csv", "sv"),
    ("gsc-sv.csv", "en"),
]


@pytest.fixture(scope="module")
def rows100k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100,000 rows made from the fixtures' keywords, each with a number so they differ."""
    words = []
    for name in ("nordvik-en.csv", "nordvik-sv.csv"):
        with open(DATA / name, encoding="utf-8", newline="") as f:
            reader = csv.reader(f, delimiter="," if name.endswith("en.csv") else ";")
            next(reader)
            words += [(r[0], int(r[1])) for r in reader]
    path = tmp_path_factory.mktemp("big") / "rows-100k.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["keyword", "volume"])
        for i in range(100_000):
            kw, vol = words[i % len(words)]
            w.writerow([f"{kw} {i // len(words)}" if i >= len(words) else kw, vol + i % 97])
    return path


def _check(browser: Any, source: Path, lang: str, tmp_path: Path, shot: str) -> dict[str, Any]:
    page = tmp_path / f"{shot}.html"
    _run("report", str(source), "-o", str(page), "--lang", lang)
    summary = json.loads(_run("summary", str(source), "--json"))
    labelled = tmp_path / f"{shot}.labelled.jsonl"
    _run("label", str(source), "-o", str(labelled))
    with open(labelled, encoding="utf-8") as f:
        label_rows = [{k: str(v) for k, v in json.loads(line).items()} for line in f]

    assert page.stat().st_size < 5 * 1024 * 1024
    browser.get_log("browser")
    browser.get_log("performance")
    url = page.resolve().as_uri()
    browser.get(url)

    # No console errors; no request but the page itself.
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    requests = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    assert requests and set(requests) == {url}

    # Every number the summary has is shown as the summary has it.
    shown = browser.execute_script(
        "return [...document.querySelectorAll('[data-k]')].map(e => [e.dataset.k, e.innerText])"
    )
    assert len(shown) > 10
    for key, text in shown:
        places = 1 if key == "expected_conversions" else 0  # the rest are whole numbers
        assert _number(text, lang) == round(_lookup(summary, key), places), key
    shares = browser.execute_script(
        "return [...document.querySelectorAll('[data-pct]')].map(e => [e.dataset.pct, e.innerText])"
    )
    for keys, text in shares:
        part, whole = (_lookup(summary, k) for k in keys.split())
        assert _number(text, lang) == pytest.approx(round(100 * part / whole if whole else 0, 1))

    # The keywords listed carry the numbers intentkit label gives them.
    listed = browser.execute_script(
        "return [...document.querySelectorAll('tr[data-row]')].map(tr => [tr.dataset.row, "
        "tr.querySelector('.kw').innerText, [...tr.querySelectorAll('[data-f]')].map(c => "
        "[c.dataset.f, c.innerText])])"
    )
    for row, keyword, cells in listed:
        r = label_rows[int(row) - 1]
        assert keyword == next(r[k] for k in _KEYWORD_HEADERS if r.get(k))
        measures = [n for n, _ in cells if n in _HEADERS]
        volume = (
            float(next((r[h] for h in _HEADERS[measures[0]] if r.get(h)), "0")) if measures else 0.0
        )
        for name, text in cells:
            got = _number(text, lang)
            if name in _HEADERS:
                assert got == volume
            elif name == "value":
                assert got == pytest.approx(
                    volume * float(r["intentkit_conversion_score"]), abs=0.06 + volume * 1e-5
                )
            else:
                assert got == pytest.approx(
                    float(r["intentkit_" + name]), abs=0.006 if name.startswith("p_") else 6e-5
                )

    # No other number on the page: strip the checked elements, keywords and provenance.
    rest = browser.execute_script(
        "const c = document.body.cloneNode(true);"
        "c.querySelectorAll('[data-k],[data-pct],[data-f],.kw,[data-meta],title,svg')"
        ".forEach(e => e.remove()); return c.innerText"
    )
    assert not re.search(r"\d", rest), rest

    # The funnel's stages in order, in every chart and table; charts have accessible names.
    names = STAGES_SV if lang == "sv" else STAGES
    funnels = browser.execute_script(
        "return [...document.querySelectorAll('#h-journey ~ .pair svg')].map(s => "
        "[...s.querySelectorAll('text')].map(t => t.textContent))"
    )
    tables = browser.execute_script(
        "return [...document.querySelectorAll('#h-journey ~ .pair table')].map(t => "
        "[...t.querySelectorAll('tr td:first-child')].map(td => td.innerText.trim()))"
    )
    audiences = [a for a, part in summary["audiences"].items() if part["keywords"]]
    assert len(funnels) == len(tables) == len(audiences) + 1 >= 2  # all, then each audience
    assert all(f == names for f in funnels) and all(t == names for t in tables)
    from selenium.webdriver.common.by import By

    charts = browser.find_elements(By.CSS_SELECTOR, "svg")
    assert len(charts) >= len(audiences) + 2
    for chart in charts:
        assert chart.get_attribute("role") == "img"
        assert chart.accessible_name.strip()

    # A phone's width without sideways scrolling.
    width, inner = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert inner == 390 and width <= inner

    SHOTS.mkdir(exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": min(height, 16000), "deviceScaleFactor": 1, "mobile": True},
    )
    (SHOTS / f"{shot}.png").write_bytes(browser.get_screenshot_as_png())
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return summary


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_a_report_in_the_browser_shows_the_summary(
    browser: Any, tmp_path: Path, name: str, lang: str
) -> None:
    summary = _check(browser, DATA / name, lang, tmp_path, f"{Path(name).stem}-{lang}")
    if name == "one-audience.csv":
        assert [a for a, p in summary["audiences"].items() if p["keywords"]] == ["customer"]


def test_a_report_of_100k_rows_in_the_browser(browser: Any, tmp_path: Path, rows100k: Path) -> None:
    summary = _check(browser, rows100k, "en", tmp_path, "rows-100k-en")
    assert summary["keywords"] == 100_000
    assert (tmp_path / "rows-100k-en.html").stat().st_size < 200_000
