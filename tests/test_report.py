"""``intentkit report`` and ``intentkit.report()`` without a browser: same page, safe, self-contained."""

from __future__ import annotations

import csv
import io
import re
from contextlib import redirect_stderr
from pathlib import Path

import pytest

import intentkit
from intentkit._cli import main
from intentkit._report import REVIEW, TOP

DATA = Path(__file__).parent / "data" / "report"


def _read(path: Path) -> tuple[list[str], list[float]]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    return [r[0] for r in rows], [float(r[1]) for r in rows]


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_the_python_api_writes_the_page_the_cli_writes(tmp_path: Path, lang: str) -> None:
    source = DATA / "one-audience.csv"
    cli = tmp_path / "cli.html"
    with redirect_stderr(io.StringIO()):
        assert main(["report", str(source), "-o", str(cli), "--lang", lang]) == 0
    keywords, volumes = _read(source)
    api = tmp_path / "api.html"
    page = intentkit.report(
        intentkit.classify_many(keywords), volumes, api, lang=lang, source=str(source)
    )
    assert api.read_text(encoding="utf-8") == page == cli.read_text(encoding="utf-8")


def test_the_page_is_self_contained_and_escapes_keywords(tmp_path: Path) -> None:
    hostile = ['<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "a & b"]
    page = intentkit.report(intentkit.classify_many([*hostile, "köpa skor"]), lang="sv")
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "a &amp; b" in page
    assert not re.search(r"<[^>]*\s(src|href)\s*=|@import|url\(", page)
    assert re.findall(r"https?://[^\s\"']*", page) == ["http://www.w3.org/2000/svg"] * page.count(
        "<svg"
    )
    assert "default-src 'none'" in page


def test_opportunities_are_the_top_by_volume_times_prior_per_stage(tmp_path: Path) -> None:
    keywords, volumes = _read(DATA / "nordvik-en.csv")
    results = intentkit.classify_many(keywords)
    page = intentkit.report(results, volumes)
    for stage in ["awareness", "consideration", "conversion", "retention"]:
        ranked = sorted(
            (i for i, r in enumerate(results) if r.stage == stage),
            key=lambda i: (-volumes[i] * results[i].conversion.score, i),
        )[:TOP]
        section = page.split(f"{stage}</h3>", 2)[-1].split("</table>")[0]
        rows = [int(n) for n in re.findall(r'<tr data-row="(\d+)">', section)]
        assert rows == [i + 1 for i in ranked]
    least = sorted(range(len(results)), key=lambda i: (results[i].confidence, i))[:REVIEW]
    review = page.split('id="h-review"')[1].split("</table>")[0]
    assert [int(n) for n in re.findall(r'<tr data-row="(\d+)">', review)] == [i + 1 for i in least]


def test_report_checks_its_arguments() -> None:
    results = intentkit.classify_many(["a", "b"])
    with pytest.raises(ValueError, match="lang must be one of"):
        intentkit.report(results, lang="de")
    with pytest.raises(ValueError, match="1 volumes for 2 classifications"):
        intentkit.report(results, [1.0])
    with pytest.raises(ValueError, match="volume at position 1"):
        intentkit.report(results, [1.0, -2.0])


def test_an_empty_input_gives_a_page(tmp_path: Path) -> None:
    inp = tmp_path / "empty.csv"
    inp.write_text("keyword\n", encoding="utf-8")
    out = tmp_path / "r.html"
    with redirect_stderr(io.StringIO()):
        assert main(["report", str(inp), "-o", str(out)]) == 0
    assert 'data-k="keywords">0<' in out.read_text(encoding="utf-8")


def test_report_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    inp = tmp_path / "in.csv"
    inp.write_text("keyword\nx\n", encoding="utf-8")
    err = io.StringIO()
    with redirect_stderr(err):
        assert main(["report", str(inp), "-o", str(inp)]) == 1
    assert "is the input file" in err.getvalue()
    assert inp.read_text(encoding="utf-8") == "keyword\nx\n"
