"""The ``finpromo`` command line: ``clean``, ``tag``, ``train``, ``eval``, ``data stats``, ``templates`` and
``suggest``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PROG = "finpromo"
LABELS = ("reporting", "promotional", "boilerplate")

EPILOG = """\
examples:
  finpromo clean article.txt                  print the article without ads and boilerplate
  finpromo clean - < article.txt > clean.txt  read stdin, write stdout
  finpromo clean article.txt --keep boilerplate --show-removed
  finpromo tag article.txt --format jsonl     every paragraph with its label and score
  finpromo tag article.txt --explain          ... and the features that pushed each score most
  finpromo clean article.txt --diff           what was cut, as a unified diff
  finpromo clean --html page.html             the main text of a saved web page, cleaned
  finpromo train data/ -o models/my-model     retrain on annotated articles or tables
  finpromo eval data/ --model models/my-model --errors 10
  finpromo data stats data/                   corpus counts per language, label and family
  finpromo templates scraped/                 paragraphs that recur across a new source's articles
  finpromo suggest scraped/ -n 200 -o to_label/   the articles worth labelling, pre-filled with guesses
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
    p.add_argument("--html", action="store_true",
                   help="the inputs are HTML pages: extract their main text first (trafilatura; finpromo[html])")


def _batch_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("records and folders (corpus scale)")
    g.add_argument("--input-format", choices=("text", "jsonl", "csv", "parquet"), metavar="FMT",
                   help="text, jsonl, csv or parquet (default: from the file name; text for stdin); record files "
                        "are streamed in chunks and written back in the same format")
    g.add_argument("--text-field", default="text", metavar="FIELD", help="field holding the text (default: text)")
    g.add_argument("--id-field", metavar="FIELD", help="field naming the record in error reports")
    g.add_argument("--output-field", metavar="FIELD", help="write the cleaned text to FIELD, keep the original")
    g.add_argument("--removed-field", metavar="FIELD", help="record what was cut (label, score, text) in FIELD")
    g.add_argument("--on-error", choices=("keep", "skip", "fail"), default="keep",
                   help="a malformed record is passed through unchanged (keep, the default), dropped (skip) or "
                        "stops the run (fail); each is reported on stderr")
    g.add_argument("--out-dir", metavar="DIR", help="clean a folder tree of .txt files into DIR, mirrored")
    g.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: all cores)")
    g.add_argument("--chunk-size", type=int, default=500, metavar="N",
                   help="records read, cleaned and written at a time (default: %(default)s)")
    g.add_argument("--quiet", "-q", action="store_true", help="no progress bar, error list or summary on stderr")


class _DeferredParser(argparse.ArgumentParser):
    """A subcommand parser whose options are added on first use, so other commands skip their imports."""

    _pending: Any = None

    def defer(self, add_options: Any) -> None:
        """Call ``add_options(self)`` before this parser first parses or formats help."""
        self._pending = add_options

    def _populate(self) -> None:
        add_options, self._pending = self._pending, None
        if add_options is not None:
            add_options(self)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._populate()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._populate()
        return super().format_help()

    def format_usage(self) -> str:
        self._populate()
        return super().format_usage()


def _deferred_parser(sub: Any, name: str, **kwargs: Any) -> _DeferredParser:
    """``sub.add_parser(name, **kwargs)``, made a :class:`_DeferredParser`."""
    sub._parser_class, parser_class = _DeferredParser, sub._parser_class
    try:
        return sub.add_parser(name, **kwargs)
    finally:
        sub._parser_class = parser_class


def _train_options(p: argparse.ArgumentParser) -> None:
    from .train import build_parser as train_parser

    train_parser(p)


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
                              "  cat article.txt | finpromo clean --keep boilerplate --show-removed\n"
                              "  finpromo clean corpus.jsonl -o clean.jsonl --removed-field removed --jobs 4\n"
                              "  finpromo clean scraped/ --out-dir cleaned/\n")
    _input_options(p)
    p.add_argument("-o", "--output", metavar="OUT", help="write the cleaned text to OUT instead of stdout")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.add_argument("--keep", action="append", choices=LABELS[1:], default=[], metavar="LABEL",
                   help="keep paragraphs with this label (repeatable; e.g. --keep boilerplate strips only ads)")
    p.add_argument("--show-removed", action="store_true", help="report what was cut on stderr")
    p.add_argument("--diff", action="store_true",
                   help="print a unified diff of what was cut (label and score in each hunk) instead of the text")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the --diff view: on a terminal (auto, the default), always or never")
    _model_options(p)
    _batch_options(p)

    p = sub.add_parser("tag", help="print every paragraph with its label and score",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n  finpromo tag article.txt\n  finpromo tag --format jsonl *.txt\n")
    _input_options(p)
    p.add_argument("--format", choices=("tsv", "jsonl"), default="tsv", help="output format (default: tsv)")
    p.add_argument("--explain", action="store_true",
                   help="add the features that pushed each score most, with their weights (+ = towards cutting)")
    p.add_argument("--top", type=int, default=5, metavar="N", help="features listed per paragraph with --explain "
                   "(default: %(default)s)")
    _model_options(p)

    p = _deferred_parser(sub, "train", help="train a model on labelled data",
                         description="Train a model from annotated articles (data/ANNOTATION.md) or CSV/TSV/JSONL/"
                                     "Parquet tables with doc_id, text, label (optional lang, family, index).")
    p.defer(_train_options)  # train's options import scikit-learn and pandas: only when it is used

    p = sub.add_parser("eval", help="evaluate a model on labelled data",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n  finpromo eval data/articles\n"
                              "  finpromo eval ../shared/realworld/en-nasdaq-dev.jsonl --format json\n"
                              "  finpromo eval ../shared/realworld/en-nasdaq-dev.jsonl --runon\n")
    p.add_argument("data", nargs="+", metavar="DATA", help="annotated articles/folders or tables")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="list the N worst mistakes")
    p.add_argument("--runon", action="store_true",
                   help="evaluate with the paragraph breaks lost: each article joined into one line, cleaned as "
                        "any input is, a paragraph removed when most of its characters are")
    _model_options(p)

    p = sub.add_parser("data", help="corpus tools (stats)")
    dsub = p.add_subparsers(dest="data_command", metavar="ACTION")
    s = dsub.add_parser("stats", help="counts per language, label and template family")
    s.add_argument("data", nargs="*", default=["data"], metavar="DATA",
                   help="annotated articles/folders or tables (default: ./data)")
    s.add_argument("--format", choices=("text", "json"), default="text")
    _corpus_parsers(sub)
    return parser


def _pool_option(p: argparse.ArgumentParser) -> None:
    from .suggest import POOL

    p.add_argument("--pool", type=int, default=POOL, metavar="N",
                   help="score at most N articles with the model (default: %(default)s)")


def _corpus_parsers(sub: Any) -> None:
    """``templates`` and ``suggest``: adapting to a new source (issue 8)."""
    from .templates import MIN_ARTICLES

    def corpus_input(p: argparse.ArgumentParser) -> None:
        p.add_argument("corpus", nargs="+", metavar="CORPUS",
                       help="folders of .txt articles (one per file), or JSONL/CSV/Parquet files of records")
        p.add_argument("--text-field", default="text", metavar="NAME",
                       help="record field holding the text (default: %(default)s)")
        p.add_argument("--encoding", default="utf-8", metavar="ENC", help="encoding of .txt files (default: utf-8)")
        p.add_argument("--min-articles", type=int, default=MIN_ARTICLES, metavar="N",
                       help="a template must recur in at least N articles (default: %(default)s)")

    p = sub.add_parser("templates", help="paragraph templates recurring across a corpus",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Find paragraphs that recur across many articles once names, tickers, numbers, "
                                   "dates and prices are masked, group near-duplicates (MinHash LSH), and list each "
                                   "template with its count, share of articles, an example and the model's label.",
                       epilog="examples:\n  finpromo templates scraped/\n"
                              "  finpromo templates corpus.jsonl --format jsonl --min-articles 20\n")
    corpus_input(p)
    p.add_argument("--format", choices=("text", "jsonl"), default="text", help="output format (default: text)")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="show the N most widespread (default: all)")
    p.add_argument("--no-model", action="store_true", help="do not score templates with the model (one pass)")
    _model_options(p)

    p = _deferred_parser(sub, "suggest",
                         help="pick the articles worth labelling, pre-filled with the model's guesses",
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         description="Write the N articles whose labels would teach the model most (uncertain scores, "
                                     "frequent templates the model keeps, spread over sources) as annotated files with "
                                     "the model's guesses as tag lines; fix the tags, then train on them with "
                                     "data/articles.",
                         epilog="examples:\n  finpromo suggest scraped/ -n 200 -o to_label/\n"
                                "  finpromo train to_label/ data/articles -o models/my-source\n")
    corpus_input(p)
    p.add_argument("-n", type=int, default=200, metavar="N", help="articles to write (default: %(default)s)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write the articles to")
    p.add_argument("--force", action="store_true", help="write into DIR even if it is not empty")
    p.defer(_pool_option)  # detector.suggest imports the features (numpy, the stemmer): only when suggest is used
    p.add_argument("--seed", type=int, default=0, help="random seed for the scored pool (default: %(default)s)")
    _model_options(p)


def _input_format(args: argparse.Namespace) -> str:
    from .batch import infer_format

    return args.input_format or infer_format(args.files[0])


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        parser.exit(2)
    if args.command == "clean" and args.output and len(args.files) > 1:
        parser.error("-o/--output takes one input; give one FILE")
    if args.command == "clean" and args.chunk_size < 1:
        parser.error("--chunk-size must be 1 or more")
    if args.command == "clean" and args.out_dir and args.output:
        parser.error("--out-dir and -o/--output exclude each other")
    if args.command == "tag" and args.top < 0:
        parser.error("--top must be 0 or more")
    if args.command == "clean" and args.html and _input_format(args) != "text":
        parser.error("--html takes HTML files, folders of them (with --out-dir) or stdin, not record files")
    if args.command == "clean" and args.diff and (args.out_dir or _input_format(args) != "text"):
        parser.error("--diff takes text input (files or stdin), not --out-dir or record files")
    if args.command == "clean" and args.out_dir and args.input_format not in (None, "text"):
        parser.error("--out-dir mirrors folders of .txt files; it takes --input-format text only")
    if args.command == "data" and args.data_command is None:
        parser.error("data: choose an action (stats)")
    if args.command == "eval" and args.errors < 0:
        parser.error("--errors must be 0 or more")
    if args.command in ("templates", "suggest") and args.min_articles < 2:
        parser.error("--min-articles must be 2 or more")
    if args.command == "suggest" and (args.n < 1 or args.pool < 1):
        parser.error("-n and --pool must be 1 or more")
    return args


def _detector(args: argparse.Namespace) -> Any:
    from .core import Detector

    return Detector.load(args.model, threshold=args.threshold)


def _read_inputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """``(name, text)`` of every input file; with ``--html`` the main text of each page (trafilatura)."""
    from .textio import read_text

    texts = [(f, read_text(f, args.encoding)) for f in args.files]
    if not getattr(args, "html", False):
        return texts
    from .htmltext import MissingExtraError, html_to_text

    try:
        return [(name, html_to_text(text)) for name, text in texts]
    except MissingExtraError as exc:
        raise CLIError(str(exc)) from None


def _use_color(choice: str) -> bool:
    import os

    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def cmd_clean(args: argparse.Namespace) -> int:
    from .batch import infer_format
    from .textio import atomic_output

    if args.out_dir and args.html:
        return _clean_html_tree(args)
    if args.out_dir or (args.input_format or infer_format(args.files[0])) != "text":
        return _clean_batch(args)

    texts = _read_inputs(args)  # read all first: fail before writing
    det = _detector(args)
    results = []
    for name, text in texts:
        cleaned, removed = det.clean_and_explain(text, keep=args.keep)
        if args.diff:
            from .explain import format_diff

            cleaned = format_diff(text, cleaned, removed, name=name,
                                  color=_use_color(args.color) and not args.output)
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


def _clean_html_tree(args: argparse.Namespace) -> int:
    """``clean --html --out-dir``: every page's main text into a temporary .txt tree, then the folder mode on it."""
    import tempfile

    from .htmltext import MissingExtraError, extract_tree

    out = Path(args.out_dir).resolve()
    for item in args.files:
        if Path(item).is_dir() and (out == Path(item).resolve() or Path(item).resolve() in out.parents):
            raise CLIError(f"{args.out_dir}: is inside the input folder {item}; choose an output folder elsewhere")
    with tempfile.TemporaryDirectory(prefix="finpromo-html-") as tmp:
        try:
            args.files = extract_tree(args.files, tmp)
        except MissingExtraError as exc:
            raise CLIError(str(exc)) from None
        return _clean_batch(args)


#: Malformed records listed one by one on stderr; the rest are counted in the summary.
MAX_LISTED_ERRORS = 20


def _clean_batch(args: argparse.Namespace) -> int:
    """``clean`` on a record file (JSONL, CSV, Parquet) or, with ``--out-dir``, a folder tree of .txt files."""
    import signal
    import time

    from tqdm import tqdm

    from .batch import CleanSettings, Fields, RecordError, clean_records, clean_tree, infer_format

    fmt = args.input_format or infer_format(args.files[0])
    if args.out_dir is None and len(args.files) > 1:
        raise CLIError(f"{fmt} input takes one FILE (or use --out-dir for folders of .txt files)")
    if args.show_removed:
        raise CLIError("--show-removed is for text input; use --removed-field FIELD with record files")
    settings = CleanSettings(model=args.model, threshold=args.threshold, keep=tuple(args.keep))
    bar = tqdm(unit=" records" if args.out_dir is None else " files", file=sys.stderr, dynamic_ncols=True,
               disable=args.quiet or not sys.stderr.isatty())
    listed = done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        bar.update(n)

    def report(error: RecordError) -> None:
        nonlocal listed
        listed += 1
        if not args.quiet and listed <= MAX_LISTED_ERRORS:
            action = {"keep": "passed through unchanged", "skip": "skipped"}[args.on_error]
            bar.write(f"{PROG}: warning: {error}; {action}", file=sys.stderr)

    class Terminated(KeyboardInterrupt):
        """SIGTERM, unwound like Ctrl-C so that the temporary output file is removed."""

    def terminate(signum: int, frame: Any) -> None:
        raise Terminated

    common = dict(settings=settings, on_error=args.on_error, jobs=args.jobs, force=args.force,
                  encoding=args.encoding, chunk_size=args.chunk_size, on_record_error=report, on_progress=progress)
    previous = signal.signal(signal.SIGTERM, terminate)
    started = time.perf_counter()
    try:
        if args.out_dir:
            stats = clean_tree(args.files, args.out_dir, **common)
        else:
            fields = Fields(args.text_field, args.output_field, args.removed_field)
            stats = clean_records(args.files[0], args.output, fmt=fmt, fields=fields, id_field=args.id_field,
                                  **common)
    except KeyboardInterrupt as exc:
        bar.close()
        where = (f"files already written in {args.out_dir} are complete, the rest are missing" if args.out_dir
                 else f"{args.output} was not written" if args.output else "standard output is incomplete")
        unit = "files" if args.out_dir else "records"
        print(f"{PROG}: error: interrupted after {done:,} {unit} and {time.perf_counter() - started:.1f} s; {where}",
              file=sys.stderr)
        return 128 + (signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT)
    finally:
        signal.signal(signal.SIGTERM, previous)
    bar.close()
    if not args.quiet:
        if listed > MAX_LISTED_ERRORS:
            print(f"{PROG}: warning: {listed - MAX_LISTED_ERRORS:,} more malformed records not listed",
                  file=sys.stderr)
        print(f"{PROG}: {stats.summary()}", file=sys.stderr)
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    texts = _read_inputs(args)
    det = _detector(args)
    out = sys.stdout
    if args.format == "tsv":
        out.write("file\tindex\tstart\tend\tlabel\tscore\ttext" + ("\texplain\n" if args.explain else "\n"))
    for name, text in texts:
        units = det.explain(text, top=args.top) if args.explain else det.classify(text)
        for unit in units:
            p = unit.paragraph if args.explain else unit
            if args.format == "jsonl":
                record = unit.to_dict() if args.explain else p.to_dict()
                out.write(json.dumps({"file": name, **record}, ensure_ascii=False) + "\n")
            else:
                flat = p.text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
                why = f"\t{unit.summary()}" if args.explain else ""
                out.write(f"{name}\t{p.index}\t{p.start}\t{p.end}\t{p.label}\t{p.score:.4f}\t{flat}{why}\n")
    out.flush()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .data import load
    from .evaluate import format_report, label_report, report, runon_predictions, score_docs, to_json

    df = load(args.data, training=False)
    det = _detector(args)
    if args.runon:
        rep = label_report(df, *runon_predictions(det, df), det.runon_threshold, errors=args.errors)
    else:
        rep = report(df, score_docs(det.model, df), det.threshold, errors=args.errors)
    rep["model"] = det.manifest.get("name")
    rep["runon"] = args.runon
    if args.format == "json":
        sys.stdout.write(to_json(rep) + "\n")
    else:
        title = f"model {rep['model']} on {', '.join(args.data)}"
        if args.runon:
            title += " (run-on: paragraph breaks lost)"
        sys.stdout.write(format_report(rep, title=title) + "\n")
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


def cmd_templates(args: argparse.Namespace) -> int:
    import dataclasses

    from .templates import describe_templates, format_templates, mine, read_corpus

    def corpus() -> Any:
        return read_corpus(args.corpus, text_field=args.text_field, encoding=args.encoding)

    mined = mine(corpus(), min_articles=args.min_articles)
    shown = dataclasses.replace(mined, templates=mined.templates[:args.limit] if args.limit else mined.templates)
    describe_templates(shown, corpus, None if args.no_model else _detector(args))
    if args.format == "jsonl":
        for tpl in shown.templates:
            sys.stdout.write(json.dumps(tpl.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_templates(mined, limit=args.limit))
    sys.stdout.flush()
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from .suggest import INDEX_FILE, suggest, write_suggestions
    from .templates import read_corpus

    out = Path(args.output)
    if out.is_dir() and any(out.iterdir()) and not args.force:  # fail before the slow part
        raise CLIError(f"{out}: exists and is not empty; use --force to write into it")
    picks, mined = suggest(lambda: read_corpus(args.corpus, text_field=args.text_field, encoding=args.encoding),
                           _detector(args), args.n, pool=args.pool, min_articles=args.min_articles, seed=args.seed)
    paths = write_suggestions(picks, mined, out, force=True)
    reasons = sum("template" in s.reason for s in picks)
    print(f"wrote {len(paths)} articles to label to {out} ({reasons} for frequent templates the model keeps, "
          f"{len(paths) - reasons} for uncertain scores; list in {out / INDEX_FILE}); {len(mined.templates)} "
          f"templates in {mined.articles} articles", file=sys.stderr)
    return 0


COMMANDS = {"clean": cmd_clean, "tag": cmd_tag, "eval": cmd_eval, "train": cmd_train, "templates": cmd_templates,
            "suggest": cmd_suggest}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 error, 2 usage)."""
    args = parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format=f"{PROG}: %(message)s")
    from .modelfile import ModelError
    from .textio import InputError

    handler = cmd_data_stats if args.command == "data" else COMMANDS[args.command]
    try:
        return handler(args)
    except (CLIError, InputError, ModelError, FileExistsError, ValueError) as exc:  # data.DataError: a ValueError
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
