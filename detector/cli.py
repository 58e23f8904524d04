"""The ``finpromo`` command line: ``clean``, ``tag``, ``train``, ``eval`` and ``data stats``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

PROG = "finpromo"
LABELS = ("reporting", "promotional", "boilerplate")

EPILOG = """\
examples:
  finpromo clean article.txt                  print the article without ads and boilerplate
  finpromo clean - < article.txt > clean.txt  read stdin, write stdout
  finpromo clean article.txt --keep boilerplate --show-removed
  finpromo tag article.txt --format jsonl     every paragraph with its label and score
  finpromo train data/ -o models/my-model     retrain on annotated articles or tables
  finpromo eval data/ --model models/my-model --errors 10
  finpromo data stats data/                   corpus counts per language, label and family
"""


class CLIError(Exception):
    """An error to report as ``finpromo: error: …`` with exit status 1."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("finpromo")
    except PackageNotFoundError:
        return "0.1.0 (source checkout)"


def _threshold(value: str) -> float:
    try:
        t = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= t <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return t


def _model_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--model", metavar="PATH", help="model folder to use instead of the bundled model "
                   "(a model file is code: use only trusted ones)")
    g.add_argument("--threshold", type=_threshold, metavar="T",
                   help="remove paragraphs whose non-reporting score is at least T (default: the model's)")


def _input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", metavar="FILE", default=["-"],
                   help="text files to read; '-' or nothing reads standard input")
    p.add_argument("--encoding", default="utf-8", metavar="ENC",
                   help="encoding of the input files, or 'auto' to detect it (default: %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG,
        description="Find and strip promotional boilerplate (ads, teasers, calls to action) and non-article "
                    "furniture (disclaimers, bylines, credits) in scraped finance articles.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("clean", help="print text without its non-reporting paragraphs",
                       description="Print each input with its promotional and boilerplate paragraphs cut out; "
                                   "every kept character is unchanged.",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n  finpromo clean article.txt\n  finpromo clean -o clean.txt article.txt\n"
                              "  cat article.txt | finpromo clean --keep boilerplate --show-removed\n")
    _input_options(p)
    p.add_argument("-o", "--output", metavar="OUT", help="write the cleaned text to OUT instead of stdout")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.add_argument("--keep", action="append", choices=LABELS[1:], default=[], metavar="LABEL",
                   help="keep paragraphs with this label (repeatable; e.g. --keep boilerplate strips only ads)")
    p.add_argument("--show-removed", action="store_true", help="report what was cut on stderr")
    _model_options(p)

    p = sub.add_parser("tag", help="print every paragraph with its label and score",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n  finpromo tag article.txt\n  finpromo tag --format jsonl *.txt\n")
    _input_options(p)
    p.add_argument("--format", choices=("tsv", "jsonl"), default="tsv", help="output format (default: tsv)")
    _model_options(p)

    from .train import build_parser as train_parser

    p = sub.add_parser("train", help="train a model on labelled data",
                       description="Train a model from annotated articles (data/ANNOTATION.md) or CSV/TSV/JSONL/"
                                   "Parquet tables with doc_id, text, label (optional lang, family, index).")
    train_parser(p)

    p = sub.add_parser("eval", help="evaluate a model on labelled data",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n  finpromo eval data/articles\n"
                              "  finpromo eval ../shared/realworld/en-nasdaq-dev.jsonl --format json\n")
    p.add_argument("data", nargs="+", metavar="DATA", help="annotated articles/folders or tables")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="list the N worst mistakes")
    _model_options(p)

    p = sub.add_parser("data", help="corpus tools (stats)")
    dsub = p.add_subparsers(dest="data_command", metavar="ACTION")
    s = dsub.add_parser("stats", help="counts per language, label and template family")
    s.add_argument("data", nargs="*", default=["data"], metavar="DATA",
                   help="annotated articles/folders or tables (default: ./data)")
    s.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        parser.exit(2)
    if args.command == "clean" and args.output and len(args.files) > 1:
        parser.error("-o/--output takes one input; give one FILE")
    if args.command == "data" and args.data_command is None:
        parser.error("data: choose an action (stats)")
    if args.command == "eval" and args.errors < 0:
        parser.error("--errors must be 0 or more")
    return args


def _detector(args: argparse.Namespace) -> Any:
    from .core import Detector

    return Detector.load(args.model, threshold=args.threshold)


def _out(args: argparse.Namespace) -> IO[str]:
    return sys.stdout


def cmd_clean(args: argparse.Namespace) -> int:
    from .textio import atomic_output, read_text

    texts = [(f, read_text(f, args.encoding)) for f in args.files]  # read all first: fail before writing
    det = _detector(args)
    results = []
    for name, text in texts:
        cleaned, removed = det.clean_and_explain(text, keep=args.keep)
        results.append(cleaned)
        if args.show_removed:
            for p in removed:
                snippet = p.text.replace("\n", " ")
                print(f"{name}: removed {p.label} (score {p.score:.3f}) chars {p.start}-{p.end}: "
                      f"{snippet[:100]}{'…' if len(snippet) > 100 else ''}", file=sys.stderr)
    if args.output:
        with atomic_output(args.output, force=args.force) as fh:
            fh.write(results[0])
    else:
        for cleaned in results:
            sys.stdout.write(cleaned)
            if cleaned and not cleaned.endswith("\n") and len(results) > 1:
                sys.stdout.write("\n")
        sys.stdout.flush()
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    from .textio import read_text

    texts = [(f, read_text(f, args.encoding)) for f in args.files]
    det = _detector(args)
    out = sys.stdout
    if args.format == "tsv":
        out.write("file\tindex\tstart\tend\tlabel\tscore\ttext\n")
    for name, text in texts:
        for p in det.classify(text):
            if args.format == "jsonl":
                out.write(json.dumps({"file": name, **p.to_dict()}, ensure_ascii=False) + "\n")
            else:
                flat = p.text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
                out.write(f"{name}\t{p.index}\t{p.start}\t{p.end}\t{p.label}\t{p.score:.4f}\t{flat}\n")
    out.flush()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .data import load
    from .evaluate import format_report, report, score_docs, to_json

    df = load(args.data, training=False)
    det = _detector(args)
    rep = report(df, score_docs(det.model, df), det.threshold, errors=args.errors)
    rep["model"] = det.manifest.get("name")
    if args.format == "json":
        sys.stdout.write(to_json(rep) + "\n")
    else:
        sys.stdout.write(format_report(rep, title=f"model {rep['model']} on {', '.join(args.data)}") + "\n")
    return 0


def cmd_data_stats(args: argparse.Namespace) -> int:
    from .data import load, stats

    paths = args.data
    if paths == ["data"] and Path("data/articles").is_dir():
        paths = ["data/articles"]
    s = stats(load(paths))
    if args.format == "json":
        sys.stdout.write(json.dumps(s, indent=2, ensure_ascii=False) + "\n")
        return 0
    w = sys.stdout.write
    w(f"articles            {s['articles']}  ({', '.join(f'{k}: {v}' for k, v in s['articles_per_lang'].items())})\n")
    w(f"paragraphs          {s['paragraphs']}  ({', '.join(f'{k}: {v}' for k, v in s['paragraphs_per_label'].items())})\n")
    w(f"per language/label  {', '.join(f'{k}: {v}' for k, v in s['paragraphs_per_lang_label'].items())}\n")
    w(f"template families   {', '.join(f'{k}: {v}' for k, v in s['families'].items())}\n")
    w(f"without promotion   {s['articles_without_promotion']} articles\n")
    w(f"hard cases          {s['hard_negatives']} hard negatives, {s['hard_positives']} hard positives\n")
    w("families (label, paragraphs, articles, languages):\n")
    for r in s["family_table"]:
        w(f"  {r['family']:<42} {r['label']:<12} {r['paragraphs']:>5} {r['articles']:>5}  {r['langs']}\n")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .train import run

    return run(args)


COMMANDS = {"clean": cmd_clean, "tag": cmd_tag, "eval": cmd_eval, "train": cmd_train}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 error, 2 usage)."""
    args = parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format=f"{PROG}: %(message)s")
    from .data import DataError
    from .modelfile import ModelError
    from .textio import InputError

    handler = cmd_data_stats if args.command == "data" else COMMANDS[args.command]
    try:
        return handler(args)
    except (CLIError, InputError, DataError, ModelError, FileExistsError, ValueError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"{PROG}: error: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
