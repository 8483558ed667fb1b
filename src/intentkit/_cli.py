"""The ``intentkit`` command line.

Exit codes: 0 success, 1 bad input or runtime error (one line on stderr, no traceback), 2 usage,
128 + the signal's number when stopped by SIGINT, SIGTERM or SIGHUP (the output file, complete or
not, is then removed with its temporary file), 141 (128 + SIGPIPE) without a word when the reader
of standard output closes it early (``intentkit info | head``), as other Unix tools do.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from intentkit._version import __version__

MODEL_HELP = "a model file written by `intentkit train`, or the folder it wrote"


def _progress_printer() -> Any:
    """A progress callback printing each step on stderr with the seconds since the start."""
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"intentkit: [{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr)

    return say


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n == 0 or n < -1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of processes (a positive whole number, or -1 for one per CPU)"
        )
    return n


def _delimiter(text: str) -> str:
    value = {"tab": "\t", "\\t": "\t"}.get(text.lower(), text)
    if value not in (",", ";", "|", "\t"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a delimiter: give , ; | or tab")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="intentkit",
        description="Search intent, journey stage and conversion prior for SEO keywords (English and Swedish).",
    )
    p.add_argument("--version", action="version", version=f"intentkit {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def model_opts(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--model", type=Path, help=MODEL_HELP)
        sp.add_argument(
            "--framework",
            default="funnel",
            help="journey framework: funnel, five_as, b2c, or a .json/.toml file",
        )
        sp.add_argument("--brands", help="a file of your own brand names, one per line")
        sp.add_argument("--places", help="a file of your own place names, one per line")
        sp.add_argument(
            "--audiences",
            help="a .json/.toml file of your own audiences and their cues (default: built-in)",
        )

    def jobs_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "-j",
            "--jobs",
            type=_jobs,
            default=1,
            help="worker processes that classify (default 1; -1: one per CPU)",
        )

    def input_opts(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("input", help="CSV, TSV, TXT, JSONL or XLSX file; - for stdin")
        sp.add_argument("--column", help="the keyword column (default: found by name)")
        sp.add_argument("--encoding", help="input encoding (default: detected)")
        sp.add_argument(
            "--input-format",
            choices=("csv", "tsv", "txt", "jsonl", "xlsx"),
            help="input format (default: from the extension)",
        )
        sp.add_argument(
            "--sheet",
            metavar="NAME|NUMBER",
            help="the sheet of an .xlsx workbook to read: its name, or its number from 1 "
            "(default: the first, with a note on stderr when there are more)",
        )

    c = sub.add_parser("classify", help="classify keywords given as arguments or on stdin")
    c.add_argument(
        "keywords", nargs="*", metavar="KEYWORD", help="keywords (default: stdin, one per line)"
    )
    c.add_argument("--json", action="store_true", help="one JSON object per line")
    model_opts(c)

    lab = sub.add_parser("label", help="label every row of a keyword export")
    input_opts(lab)
    lab.add_argument(
        "-o", "--output", help="output file (default: stdout); format from its extension"
    )
    lab.add_argument("--format", choices=("csv", "tsv", "jsonl", "xlsx"), help="output format")
    lab.add_argument(
        "--on-error",
        choices=("keep", "skip", "fail"),
        default="keep",
        help="a row with the wrong number of fields, or a JSONL line that is not a JSON object: "
        "keep it (default), skip it, or stop",
    )
    lab.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress on stderr (default: when stderr is a terminal)",
    )
    lab.add_argument("--summary", action="store_true", help="also print the journey map on stderr")
    lab.add_argument(
        "--escape-formulas",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="CSV/TSV output for spreadsheets: prefix ' to fields starting with = + - @ tab or CR "
        "(plain numbers excepted); default off, so the output is the input's exact text "
        "(XLSX output always has text cells, never formulas)",
    )
    lab.add_argument(
        "--excel",
        action="store_true",
        help="CSV/TSV output for Excel: UTF-8 with a BOM, and for CSV the locale's list "
        "separator (; where the decimal separator is a comma, as in sv_SE or de_DE; else ,)",
    )
    lab.add_argument(
        "--delimiter",
        type=_delimiter,
        help="CSV output delimiter: , ; | or tab (default: the input's; with --excel the locale's)",
    )
    lab.add_argument(
        "--output-encoding",
        metavar="ENCODING",
        help="CSV/TSV output encoding, e.g. utf-8, utf-8-sig, cp1252, utf-16 (default: the "
        "input's; JSONL and XLSX inputs give utf-8)",
    )
    lab.add_argument(
        "--overwrite-input",
        action="store_true",
        help="allow -o to name the input file itself (refused by default)",
    )
    model_opts(lab)
    jobs_opt(lab)

    s = sub.add_parser("summary", help="print the journey map of a keyword file")
    input_opts(s)
    s.add_argument("--json", action="store_true", help="print the summary as JSON")
    model_opts(s)
    jobs_opt(s)

    r = sub.add_parser(
        "report", help="write the journey map of a keyword file as a self-contained HTML page"
    )
    input_opts(r)
    r.add_argument(
        "-o", "--output", default="report.html", help="the HTML file (default: report.html)"
    )
    r.add_argument(
        "--lang",
        choices=("en", "sv"),
        default="en",
        help="the page's language and number format (default: en)",
    )
    model_opts(r)
    jobs_opt(r)

    t = sub.add_parser("train", help="train a model from data/ or from a labelled file")
    t.add_argument(
        "data",
        nargs="?",
        type=Path,
        default=Path("data"),
        help="the data directory (keywords/, lexicons/) or a labelled file (default: data)",
    )
    t.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="output directory (default: models for a directory, else the file name + .model)",
    )
    t.add_argument("--column", help="the keyword column of a labelled file")
    t.add_argument(
        "--from-scratch",
        action="store_true",
        help="a labelled file: train a new model from its rows alone instead of adapting the "
        "shipped model (no local, Swedish or language beyond what the file teaches; minutes)",
    )
    t.add_argument(
        "--base",
        type=Path,
        help="a labelled file: the model to adapt (a model file or the folder `intentkit train` "
        "wrote; default: the shipped model)",
    )
    t.add_argument(
        "--no-heldout", action="store_true", help="skip the held-out evaluation (faster)"
    )
    t.add_argument(
        "--eval",
        action="append",
        type=Path,
        default=[],
        metavar="LABELLED",
        help="also score the model on this labelled file and record it in the card (repeatable)",
    )

    e = sub.add_parser("evaluate", help="score a model on a labelled file")
    e.add_argument(
        "labelled", help="our TSV format or a labelled Semrush / Ahrefs / SE Ranking export"
    )
    e.add_argument("--column", help="the keyword column")
    e.add_argument("--model", type=Path, help=MODEL_HELP)

    i = sub.add_parser("info", help="print the model card")
    i.add_argument("--model", type=Path, help=MODEL_HELP)
    return p


def _names(path: str | None) -> list[str]:
    if not path:
        return []
    from intentkit._text import read_small_text

    lines = read_small_text(path, 64 << 20, "a list of names").splitlines()
    return [x.strip() for x in lines if x.strip()]


def _classifier(args: argparse.Namespace) -> Any:
    from intentkit._classifier import IntentClassifier
    from intentkit.audience import Audiences
    from intentkit.journey import Framework

    framework: Any = args.framework
    if framework.endswith((".json", ".toml")):
        framework = Framework.from_file(framework)
    return IntentClassifier(
        model=args.model,
        brands=_names(args.brands),
        places=_names(args.places),
        framework=framework,
        audiences=Audiences.from_file(args.audiences) if args.audiences else None,
    )


def _classify(args: argparse.Namespace) -> int:
    from intentkit._text import replace_surrogates

    keywords: Sequence[str] = args.keywords or [line.rstrip("\r\n") for line in sys.stdin]
    results = _classifier(args).classify_many(keywords)
    out = sys.stdout
    if args.json:
        for r in results:
            out.write(r.model_dump_json() + "\n")
        return 0
    width = max([len("keyword"), *(min(len(r.keyword), 50) for r in results)])
    out.write(
        f"{'keyword':<{width}}  {'intent':<13}  {'conf':>5}  {'lang':<7}  {'stage':<13}  "
        f"{'conv':<6}  {'audience':<15}  secondary\n"
    )
    for r in results:
        intent = r.intent.value if r.intent else "-"
        second = ",".join(s.value for s in r.secondary)
        out.write(
            f"{replace_surrogates(r.keyword[:50]):<{width}}  {intent:<13}  {r.confidence:5.2f}  {r.language:<7}  "
            f"{r.stage or '-':<13}  {r.conversion.level.value:<6}  {r.audience or '-':<15}  {second}\n"
        )
    return 0


def _open_input(args: argparse.Namespace) -> tuple[Any, IO[bytes], int | None]:
    from intentkit._io import open_table
    from intentkit.errors import InputError

    if args.input == "-":
        binary: IO[bytes] = sys.stdin.buffer
        size = None
    else:
        path = Path(args.input)
        if path.is_dir():
            raise InputError(args.input, None, "is a directory, not a file")
        binary = open(path, "rb")  # noqa: SIM115
        size = os.fstat(binary.fileno()).st_size
    try:
        table = open_table(
            args.input,
            binary,
            fmt=args.input_format,
            column=args.column,
            encoding=args.encoding,
            sheet=args.sheet,
        )
    except BaseException:
        binary.close()
        raise
    for note in table.notes:
        print(f"intentkit: {note}", file=sys.stderr)
    return table, binary, size


_METRIC_NAMES = (("volume", "search volume"), ("impressions", "impressions"), ("clicks", "clicks"))


def _summary_text(summary: Any) -> str:
    """The journey map as a table: keywords, and each metric under its own name, per stage.

    Search volume, impressions and clicks are columns when the input has them; expected
    conversions say what they multiplied, and are not made up from impressions.
    """
    plural = "s" * (summary.notes != 1)
    notes = f", {summary.notes:,} vendor note{plural} (not counted)" if summary.notes else ""
    lines = [
        f"journey map ({summary.framework}): {summary.keywords:,} keywords, "
        f"{summary.empty:,} empty{notes}"
    ]
    metrics = [
        (title, getattr(summary, f"stage_{name}"), getattr(summary, f"intent_{name}"))
        for name, title in _METRIC_NAMES
        if getattr(summary, f"stage_{name}") is not None
    ]
    heads = "".join(f" {title:>14}" for title, _, _ in metrics)
    lines.append(f"  {'stage':<15} {'keywords':>9}{heads}")
    for stage, n in summary.stages.items():
        cells = "".join(f" {by_stage[stage]:>14,.0f}" for _, by_stage, _ in metrics)
        lines.append(f"  {stage:<15} {n:>9,}{cells}")
    lines.append(f"  {'intent':<15} {'keywords':>9}{heads}")
    for intent, n in summary.intents.items():
        cells = "".join(f" {by_intent[intent]:>14,.0f}" for _, _, by_intent in metrics)
        lines.append(f"  {intent.value:<15} {n:>9,}{cells}")
    if summary.conversions_basis == "clicks":
        lines.append(
            f"  expected conversions (clicks x conversion score): {summary.expected_conversions:,.1f}"
        )
    elif summary.conversions_basis == "volume":
        lines.append(
            "  expected conversions (search volume x conversion score, as if every search "
            f"clicked once): {summary.expected_conversions:,.1f}"
        )
    elif summary.stage_impressions is not None:
        lines.append(
            "  expected conversions: not computed (impressions are not clicks; the file has no "
            "clicks or search volume column)"
        )
    if summary.audiences:
        stages = list(summary.stages)
        lines.append(f"  {'audience':<15} {'keywords':>9}{heads}  " + " / ".join(stages))
        for name, part in summary.audiences.items():
            cells = "".join(
                f" {sum((getattr(part, f'stage_{m}') or {}).values()):>14,.0f}"
                for m, title in _METRIC_NAMES
                if getattr(summary, f"stage_{m}") is not None
            )
            per_stage = " / ".join(f"{part.stages.get(s, 0):,}" for s in stages)
            lines.append(f"  {name:<15} {part.keywords:>9,}{cells}  {per_stage}")
    return "\n".join(lines)


def _refuse_same_file(binary: IO[bytes], name: str, output: str) -> None:
    """Raise when ``output`` is the file ``binary`` reads.

    Compared by device and inode, so a symlink, a hard link, another path or standard input
    redirected from the file are caught too.
    """
    from intentkit.errors import InputError

    try:
        source, target = os.fstat(binary.fileno()), os.stat(output)
    except (OSError, ValueError, io.UnsupportedOperation):
        return  # no output yet, or an input without a file behind it
    if (source.st_dev, source.st_ino) == (target.st_dev, target.st_ino):
        raise InputError(
            output,
            None,
            f"is the input file ({name}); refusing to replace it (write elsewhere, or give "
            "--overwrite-input)",
        )


def _label(args: argparse.Namespace) -> int:
    from intentkit._label import label

    clf = _classifier(args)
    table, binary, size = _open_input(args)
    if args.output and not args.overwrite_input:
        try:
            _refuse_same_file(binary, args.input, args.output)
        except BaseException:
            binary.close()
            raise
    progress = args.progress if args.progress is not None else sys.stderr.isatty()
    started = time.perf_counter()
    try:
        stats = label(
            table,
            clf,
            args.output,
            fmt=args.format,
            on_error=args.on_error,
            progress=progress,
            size=size,
            position=(lambda: binary.tell()) if size else None,
            summary=args.summary,
            n_jobs=args.jobs,
            escape_formulas=args.escape_formulas,
            excel=args.excel,
            delimiter=args.delimiter,
            encoding=args.output_encoding,
        )
    finally:
        binary.close()
    seconds = time.perf_counter() - started
    per_intent = ", ".join(f"{k} {v:,}" for k, v in stats.intents.most_common())
    per_stage = ", ".join(f"{k} {v:,}" for k, v in stats.stages.most_common())
    print(
        f"intentkit: read {stats.read:,} rows, wrote {stats.written:,} ({stats.empty:,} with an empty "
        f"keyword, {stats.malformed:,} malformed, {stats.skipped:,} skipped"
        + (f", {stats.notes:,} vendor note{'s' * (stats.notes != 1)}" if stats.notes else "")
        + f") in {seconds:.1f} s; "
        f"intents: {per_intent or '-'}; stages: {per_stage or '-'}",
        file=sys.stderr,
    )
    if stats.summary is not None:
        print(_summary_text(stats.summary), file=sys.stderr)
    return 0


def _summary(args: argparse.Namespace) -> int:
    from intentkit._label import summarize

    clf = _classifier(args)
    table, binary, _ = _open_input(args)
    try:
        summary = summarize(table, clf, n_jobs=args.jobs)
    finally:
        binary.close()
    print(summary.model_dump_json(indent=2) if args.json else _summary_text(summary))
    return 0


def _report(args: argparse.Namespace) -> int:
    from intentkit._report import render, report_table, write_page

    clf = _classifier(args)
    table, binary, _ = _open_input(args)
    try:
        _refuse_same_file(binary, args.input, args.output)
        data = report_table(table, clf, n_jobs=args.jobs)
    finally:
        binary.close()
    page = render(data, args.lang)
    write_page(page, args.output)
    s = data.summary
    print(
        f"intentkit: wrote {args.output} ({len(page.encode()):,} bytes): {s.keywords:,} rows, "
        f"{s.keywords - s.empty:,} labelled",
        file=sys.stderr,
    )
    return 0


def _train(args: argparse.Namespace) -> int:
    from intentkit._train import train_directory, train_file

    if args.data.is_dir():
        out = args.output or Path("models")
        card = train_directory(args.data, out, heldout=not args.no_heldout, evaluate=args.eval)
    elif args.data.is_file():
        out = args.output or args.data.with_name(args.data.stem + ".model")
        card = train_file(
            args.data,
            out,
            column=args.column,
            from_scratch=args.from_scratch,
            base=args.base,
            heldout=not args.no_heldout,
            progress=_progress_printer(),
        )
    else:
        raise ValueError(f"{args.data}: no such file or directory")
    print(
        f"intentkit: wrote {out / card['file']} ({card['size_bytes']:,} bytes, {card['features']:,} "
        f"features, {card['training_data']['rows']:,} keywords); card in {out / 'model-card.json'}",
        file=sys.stderr,
    )
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from intentkit._classifier import IntentClassifier
    from intentkit._evaluate import score_file
    from intentkit._labels import read_labelled
    from intentkit._overlap import warning

    clf = IntentClassifier(model=args.model)
    print(score_file(args.labelled, clf, column=args.column).report())
    keywords = (r.keyword for r in read_labelled(args.labelled, column=args.column))
    note = warning(clf.model_card, keywords)
    if note:
        print(f"intentkit: {note}", file=sys.stderr)
    return 0


def _info(args: argparse.Namespace) -> int:
    from intentkit._classifier import IntentClassifier

    card = IntentClassifier(model=args.model).model_card
    keys = card.get("training_keywords")
    if isinstance(keys, dict) and "keys" in keys:  # kilobytes of base64 a reader has no use for
        card = {**card, "training_keywords": {**keys, "keys": f"<{keys.get('count')} keys>"}}
    print(json.dumps(card, indent=2, ensure_ascii=False))
    return 0


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class _Stopped(BaseException):
    """SIGTERM or SIGHUP, raised in the main thread so that cleanup runs as it does for SIGINT."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    for s in _STOP_SIGNALS:
        signal.signal(s, signal.SIG_IGN)  # a second signal must not cut the cleanup short
    raise _Stopped(signum)


def _silence_stdout() -> None:
    """Point standard output at the null device, once its reader went away.

    Python's own flush at exit would otherwise report the broken pipe.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from intentkit.errors import WorkerError

    args = _parser().parse_args(argv)
    handlers = {
        "classify": _classify,
        "label": _label,
        "summary": _summary,
        "report": _report,
        "train": _train,
        "evaluate": _evaluate,
        "info": _info,
    }
    in_main = threading.current_thread() is threading.main_thread()
    previous = {s: signal.signal(s, _stop) for s in _STOP_SIGNALS} if in_main else {}
    try:
        code = handlers[args.command](args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return 128 + 13
    except (ValueError, OSError, TypeError, WorkerError) as e:
        message = (
            str(e)
            if not isinstance(e, OSError) or not e.filename
            else f"{e.filename}: {e.strerror}"
        )
        print(f"intentkit: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("intentkit: interrupted; no output written", file=sys.stderr)
        return 130
    except _Stopped as e:
        name = signal.Signals(e.signum).name
        print(f"intentkit: stopped by {name}; no output written", file=sys.stderr)
        return 128 + e.signum
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


if __name__ == "__main__":
    sys.exit(main())
