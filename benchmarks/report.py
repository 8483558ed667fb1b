"""Time ``intentkit report`` on a large export against ``intentkit summary`` of the same file.

Usage (from the repository root, after ``pip install .``)::

    python benchmarks/report.py [--rows 1000000]

The input is made from the report fixtures' keywords (``tests/data/report``), each repeated
with a number so that the rows differ, and a search volume column. Both commands run as whole
processes in the same run, so the ratio holds on a loaded machine; the page's size is printed
too, with the CPU time of each (the wall clock on a shared machine says more about the
other processes). Writes ``benchmarks/results/report.md`` and the README's table.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._readme import publish  # noqa: E402

DATA = ROOT / "tests" / "data" / "report"


def make_input(path: Path, rows: int) -> None:
    words: list[tuple[str, int]] = []
    for name, delimiter in (("nordvik-en.csv", ","), ("nordvik-sv.csv", ";")):
        with open(DATA / name, encoding="utf-8", newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            next(reader)
            words += [(r[0], int(r[1])) for r in reader]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["keyword", "volume"])
        for i in range(rows):
            kw, vol = words[i % len(words)]
            w.writerow([f"{kw} {i // len(words)}", vol + i % 97])


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of a command run as a whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--no-readme", action="store_true", help="do not update the README's table")
    args = ap.parse_args()
    exe = [sys.executable, "-m", "intentkit"]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "export.csv"
        make_input(src, args.rows)
        load = os.getloadavg()[0]
        page = Path(tmp) / "report.html"
        summary = timed([*exe, "summary", str(src)])
        report = timed([*exe, "report", str(src), "-o", str(page)])
        size = page.stat().st_size
    text = "\n".join(
        [
            f"Measured {dt.datetime.now().isoformat(timespec='minutes')} on {platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}. Input: {args.rows:,} rows "
            "made from tests/data/report's keywords, with volumes. Produced by "
            "`python benchmarks/report.py`.",
            "",
            "| measure | figure | ratio |",
            "|---|---:|---|",
            f"| intentkit summary, {args.rows:,} rows, wall clock | {summary[0]:.1f} s |  |",
            f"| intentkit summary, {args.rows:,} rows, CPU time | {summary[1]:.1f} s |  |",
            f"| intentkit report, {args.rows:,} rows, wall clock | {report[0]:.1f} s | "
            f"{report[0] / summary[0]:.2f}x summary |",
            f"| intentkit report, {args.rows:,} rows, CPU time | {report[1]:.1f} s | "
            f"{report[1] / summary[1]:.2f}x summary |",
            f"| load average (1 min) before the run | {load:.1f} |  |",
            f"| the report's HTML | {size / 1024:,.0f} KiB |  |",
            "",
        ]
    )
    publish(
        ROOT / "benchmarks" / "results" / "report.md", "report", text, readme=not args.no_readme
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
