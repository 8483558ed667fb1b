"""The ``intentkit`` command line.

Exit codes: 0 success, 1 bad input or runtime error (one line on stderr, no traceback), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from intentkit._version import __version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="intentkit",
        description="Search intent for SEO keywords, in English and Swedish.",
    )
    p.add_argument("--version", action="version", version=f"intentkit {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("classify", help="classify keywords given as arguments or on stdin")
    c.add_argument("keywords", nargs="*", metavar="KEYWORD", help="keywords (default: stdin, one per line)")
    c.add_argument("--json", action="store_true", help="one JSON object per line")
    c.add_argument("--model", type=Path, help="a model file written by `intentkit train`")

    t = sub.add_parser("train", help="train a model from the project's data directory")
    t.add_argument("data", nargs="?", type=Path, default=Path("data"), help="data directory (default: data)")
    t.add_argument("-o", "--output", type=Path, default=Path("models"), help="output directory (default: models)")
    t.add_argument("--no-heldout", action="store_true", help="skip the held-out evaluation (faster)")

    i = sub.add_parser("info", help="print the model card")
    i.add_argument("--model", type=Path, help="a model file written by `intentkit train`")
    return p


def _classify(args: argparse.Namespace) -> int:
    from intentkit._classifier import IntentClassifier

    keywords: Sequence[str] = args.keywords or [line.rstrip("\r\n") for line in sys.stdin]
    clf = IntentClassifier(model=args.model)
    results = clf.classify_many(keywords)
    out = sys.stdout
    if args.json:
        for r in results:
            out.write(r.model_dump_json() + "\n")
        return 0
    width = max([len("keyword"), *(min(len(r.keyword), 50) for r in results)])
    out.write(f"{'keyword':<{width}}  {'intent':<13}  {'conf':>5}  {'lang':<7}  secondary\n")
    for r in results:
        intent = r.intent.value if r.intent else "-"
        second = ",".join(s.value for s in r.secondary)
        out.write(f"{r.keyword[:50]:<{width}}  {intent:<13}  {r.confidence:5.2f}  {r.language:<7}  {second}\n")
    return 0


def _train(args: argparse.Namespace) -> int:
    from intentkit._train import train_directory

    if not args.data.is_dir():
        raise ValueError(f"{args.data}: not a directory with keywords/ and lexicons/")
    card = train_directory(args.data, args.output, heldout=not args.no_heldout)
    print(
        f"wrote {args.output / card['file']} ({card['size_bytes']:,} bytes, {card['features']:,} features, "
        f"{card['training_data']['rows']:,} keywords); card in {args.output / 'model-card.json'}",
        file=sys.stderr,
    )
    return 0


def _info(args: argparse.Namespace) -> int:
    from intentkit._classifier import CARD_FILE, default_model_path

    if args.model is None:
        card = json.loads((default_model_path().parent / CARD_FILE).read_text(encoding="utf-8"))
    else:
        from intentkit._model import load_model

        card = load_model(args.model).meta
    print(json.dumps(card, indent=2, ensure_ascii=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    handlers = {"classify": _classify, "train": _train, "info": _info}
    try:
        return handlers[args.command](args)
    except (ValueError, OSError, TypeError) as e:
        print(f"intentkit: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("intentkit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
