"""How fast is finpromo next to the tools users know? Every figure is a ratio against a baseline of the same run.

Run from the repository root (jusText comes with ``pip install 'finpromo[bench]'``):

    .venv/bin/python benchmarks/bench.py                        # corpus from data/articles, bundled model
    .venv/bin/python benchmarks/bench.py --jsonl corpus.jsonl --text-field body --model models/my-model --json

What it measures, in one process unless said otherwise:

- **batch throughput** (paragraphs/s): ``Detector.classify_many`` over the corpus, against jusText classifying
  the same paragraphs wrapped as ``<p>`` HTML (one document per article), and against the *floor*: a bare regex
  tokenisation pass over the same text, the least any bag-of-words model must do;
- **per-article latency**: ``Detector.classify`` on one article of about 15 paragraphs (median and p95), against
  jusText on the same article;
- **CLI cold start**: ``finpromo clean`` on the example article as a whole process, against
  ``python -c "import sklearn.linear_model"`` (medians); with the CLI's peak RSS (of the median
  run, and the largest);
- **the model**: file size and load time;
- **the fast path**: throughput and latency once more through scikit-learn's own ``transform`` and
  ``predict_proba`` (the reference pipeline the fast inference path replaces).

finpromo and its baselines take turns, run by run (throughput: the best of ``--repeats`` rounds; latency and cold
start: medians), so that load from other jobs on the machine falls on both sides of every ratio alike.
finpromo's text-level feature caches are cleared before every timed run, so repeated runs over the same text
measure unseen text, as in a pipeline. The per-word caches (stems, and the model's raw-token table) stay warm, as
they are in any long-running process after a few articles.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "siemens-energy-de.txt"
#: Paragraphs of the article timed for per-article latency (the one closest to this is taken).
LATENCY_PARAGRAPHS = 15
#: The floor: the least a bag-of-words model must do to a text.
FLOOR_RE = re.compile(r"\w+")
#: finpromo's caches keyed by a whole text (cleared before each timed run).
TEXT_CACHES = ("_ngrams",)
JUSTEXT_STOPLISTS = {"de": "German", "en": "English"}
#: The targets of issue 6: (metric, comparison, bound).
TARGETS = {
    "throughput_vs_justext": (">=", 8.0),
    "throughput_vs_floor": (">=", 0.25),
    "latency_speedup_vs_justext": (">=", 5.0),
    "cold_start_vs_sklearn_import": ("<=", 1.5),
    "model_file_mb": ("<=", 10.0),
    "cli_peak_rss_mb": ("<=", 250.0),
}

sys.path.insert(0, str(REPO))


@dataclass
class Article:
    """One article of the corpus: its language and paragraphs."""

    lang: str
    paragraphs: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


# -- corpus ----------------------------------------------------------------------------------------------------

def corpus_from_articles(root: Path) -> list[Article]:
    """The paragraphs of every annotated article under ``root`` (tag lines and front matter dropped)."""
    from detector.corpus import iter_article_files, read_article
    from detector.features import guess_language

    out = []
    for path in iter_article_files([root]):
        art = read_article(path)
        paras = [p.text for p in art.paragraphs]
        if paras:
            out.append(Article(art.lang or guess_language(" ".join(paras)), paras))
    return out


def corpus_from_jsonl(path: Path, text_field: str) -> list[Article]:
    """Articles from the string ``text_field`` of each JSONL record, segmented as finpromo segments them."""
    from detector.features import guess_language
    from detector.segment import segment

    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            text = json.loads(line).get(text_field)
            if not isinstance(text, str):
                continue
            paras = [text[s.start:s.end] for s in segment(text)]
            if paras:
                out.append(Article(guess_language(text), paras))
    return out


# -- what is timed ---------------------------------------------------------------------------------------------

def clear_feature_caches() -> None:
    """Forget finpromo's per-text feature caches, so the next run sees unseen text.

    The per-word stem cache stays: in any long-running process it holds the common words after a few articles.
    """
    from detector import features

    for name in TEXT_CACHES:
        cache = getattr(features, name, None)
        if hasattr(cache, "cache_clear"):
            cache.cache_clear()


def as_html(article: Article) -> str:
    """The article as jusText's input: one ``<p>`` per paragraph."""
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in article.paragraphs)
    return f"<html><head><meta charset='utf-8'></head><body>\n{body}</body></html>"


def justext_classifier() -> Callable[[Article, str], int]:
    """A function running jusText on an article's HTML; returns the paragraphs jusText found."""
    import justext

    stoplists = {lang: justext.get_stoplist(name) for lang, name in JUSTEXT_STOPLISTS.items()}

    def run(article: Article, page: str) -> int:
        return len(justext.justext(page, stoplists.get(article.lang, stoplists["en"])))

    return run


def floor_pass(texts: Sequence[str]) -> int:
    """Tokens of a bare regex pass (lower-casing included)."""
    return sum(len(FLOOR_RE.findall(t.lower())) for t in texts)


def interleaved(repeats: int, runs: dict[str, Callable[[], object]]) -> dict[str, list[float]]:
    """Seconds of each of ``runs``, ``repeats`` times, taking turns (one run of each, then the next round), so
    that load on the machine at any stretch of the benchmark hits finpromo and its baselines alike; the feature
    caches are cleared, untimed, before every run."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            clear_feature_caches()
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


@contextmanager
def sklearn_inference() -> Iterator[None]:
    """Score through scikit-learn's own ``transform``/``predict_proba`` (the reference pipeline) meanwhile."""
    from detector import model

    fast, forest = model._scorer, model._forest
    model._scorer = model._forest = lambda clf: None
    try:
        yield
    finally:
        model._scorer, model._forest = fast, forest


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# Runs one command and reports its wall time and peak RSS. A small process of its own starts it: a child forked
# from the benchmark would count the benchmark's own memory in its peak RSS.
_TIMER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)\n"
)


def run_process(cmd: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one whole process."""
    out = subprocess.run([sys.executable, "-c", _TIMER, *cmd], capture_output=True, text=True, cwd=REPO, check=True)
    elapsed, rss_kib, rc = out.stdout.split()
    if int(rc) != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {rc}")
    return float(elapsed), int(rss_kib) / 1024.0  # Linux: KiB


def finpromo_command() -> list[str]:
    exe = Path(sys.executable).parent / "finpromo"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "detector"]


# -- the benchmark ---------------------------------------------------------------------------------------------

def measure(articles: list[Article], model: str | None, *, repeats: int, latency_runs: int, cold_runs: int,
            with_justext: bool = True) -> dict[str, float]:
    """Every figure of the benchmark, as a flat dict (times in seconds, sizes in MB)."""
    from detector import Detector
    from detector.modelfile import MODEL_FILE, bundled_model_dir, read_manifest, resolve_model_dir

    r: dict[str, float] = {}
    with ExitStack() as stack:
        model_dir = bundled_model_dir(stack) if model is None else resolve_model_dir(model)
        files = [MODEL_FILE, *filter(None, [read_manifest(model_dir).get("runon_file")])]
        r["model_file_mb"] = sum((model_dir / f).stat().st_size for f in files) / 1e6
    det = Detector.load(model)
    loads: dict[str, Callable[[], object]] = {"model": lambda: Detector.load(model)}
    if len(files) > 1:  # the run-on estimator is unpickled when run-on text first comes in
        loads["runon"] = lambda: Detector.load(model).model.runon_model_.paragraph_
    for name, t in interleaved(3, loads).items():
        r[f"{name}_load_s"] = min(t)

    texts = [a.text for a in articles]
    n_paras = sum(len(a.paragraphs) for a in articles)
    r["articles"], r["paragraphs"] = len(articles), n_paras
    warm = texts[: min(len(texts), 20)]
    list(det.classify_many(warm))  # first-call costs (imports, caches of the model) are not throughput

    one = min(articles, key=lambda a: (abs(len(a.paragraphs) - LATENCY_PARAGRAPHS), len(a.text)))
    r["latency_article_paragraphs"] = len(one.paragraphs)
    batch: dict[str, Callable[[], object]] = {"finpromo": lambda: list(det.classify_many(texts)),
                                              "floor": lambda: floor_pass(texts)}
    single: dict[str, Callable[[], object]] = {"finpromo": lambda: det.classify(one.text)}
    if with_justext:
        jt = justext_classifier()
        pages = [as_html(a) for a in articles]
        page = as_html(one)
        jt(articles[0], pages[0])
        batch["justext"] = lambda: [jt(a, p) for a, p in zip(articles, pages)]
        single["justext"] = lambda: jt(one, page)
    best = {name: n_paras / min(t) for name, t in interleaved(repeats, batch).items()}
    lat = interleaved(latency_runs, single)
    r["finpromo_paragraphs_per_s"] = best["finpromo"]
    r["floor_paragraphs_per_s"] = best["floor"]
    r["throughput_vs_floor"] = r["finpromo_paragraphs_per_s"] / r["floor_paragraphs_per_s"]
    r["finpromo_latency_median_ms"] = statistics.median(lat["finpromo"]) * 1e3
    r["finpromo_latency_p95_ms"] = percentile(lat["finpromo"], 0.95) * 1e3
    if with_justext:
        r["justext_paragraphs_per_s"] = best["justext"]
        r["throughput_vs_justext"] = r["finpromo_paragraphs_per_s"] / r["justext_paragraphs_per_s"]
        r["justext_latency_median_ms"] = statistics.median(lat["justext"]) * 1e3
        r["justext_latency_p95_ms"] = percentile(lat["justext"], 0.95) * 1e3
        r["latency_speedup_vs_justext"] = r["justext_latency_median_ms"] / r["finpromo_latency_median_ms"]
        r["latency_p95_speedup_vs_justext"] = r["justext_latency_p95_ms"] / r["finpromo_latency_p95_ms"]

    with sklearn_inference():  # the reference pipeline: a patched module, so not interleaved with the rest
        ref = interleaved(repeats, {"batch": batch["finpromo"]}) | interleaved(latency_runs,
                                                                             {"single": single["finpromo"]})
        r["sklearn_path_paragraphs_per_s"] = n_paras / min(ref["batch"])
        r["sklearn_path_latency_median_ms"] = statistics.median(ref["single"]) * 1e3
    r["throughput_vs_sklearn_path"] = r["finpromo_paragraphs_per_s"] / r["sklearn_path_paragraphs_per_s"]
    r["latency_speedup_vs_sklearn_path"] = r["sklearn_path_latency_median_ms"] / r["finpromo_latency_median_ms"]

    if cold_runs:
        cli = [*finpromo_command(), "clean", str(EXAMPLE), *(["--model", model] if model else [])]
        base = [sys.executable, "-c", "import sklearn.linear_model"]
        cli_times, base_times, rss = [], [], []
        run_process(base)  # warm the file cache for both
        run_process(cli)
        for _ in range(cold_runs):  # interleaved, so load on the machine hits both alike
            t, m = run_process(cli)
            cli_times.append(t)
            rss.append(m)
            base_times.append(run_process(base)[0])
        r["cli_cold_start_s"] = statistics.median(cli_times)
        r["sklearn_import_s"] = statistics.median(base_times)
        r["cold_start_vs_sklearn_import"] = r["cli_cold_start_s"] / r["sklearn_import_s"]
        r["cli_peak_rss_mb"] = statistics.median(rss)  # the peak of each run; the median run counts
        r["cli_peak_rss_max_mb"] = max(rss)
    return r


def targets_met(r: dict[str, float]) -> dict[str, bool]:
    """Each target of the issue that was measured: met or not."""
    out = {}
    for key, (op, bound) in TARGETS.items():
        if key in r:
            out[key] = r[key] >= bound if op == ">=" else r[key] <= bound
    return out


def format_table(r: dict[str, float]) -> str:
    """The figures as a compact text table."""
    met = targets_met(r)

    def row(name: str, value: str, baseline: str, ratio_key: str | None, fmt: str = "{:.2f}x") -> str:
        ratio = fmt.format(r[ratio_key]) if ratio_key and ratio_key in r else ""
        target = ""
        if ratio_key in met:  # a target that was measured (jusText and the CLI runs can be skipped)
            op, bound = TARGETS[ratio_key]
            target = f"{op} {bound:g} {'ok' if met[ratio_key] else 'MISSED'}"
        return f"{name:<26} {value:>16} {baseline:>24} {ratio:>9}  {target}".rstrip()

    lines = [f"corpus: {int(r['articles'])} articles, {int(r['paragraphs'])} paragraphs",
             f"{'':<26} {'finpromo':>16} {'baseline':>24} {'ratio':>9}  target",
             row("throughput (para/s)", f"{r['finpromo_paragraphs_per_s']:,.0f}",
                 f"jusText {r['justext_paragraphs_per_s']:,.0f}" if "justext_paragraphs_per_s" in r else "-",
                 "throughput_vs_justext"),
             row("  vs the floor", "", f"regex {r['floor_paragraphs_per_s']:,.0f}", "throughput_vs_floor"),
             row("  vs sklearn inference", "", f"sklearn {r['sklearn_path_paragraphs_per_s']:,.0f}",
                 "throughput_vs_sklearn_path")]
    if "justext_latency_median_ms" in r:
        n = int(r["latency_article_paragraphs"])
        lines += [row(f"latency {n} para, median", f"{r['finpromo_latency_median_ms']:.2f} ms",
                      f"jusText {r['justext_latency_median_ms']:.2f} ms", "latency_speedup_vs_justext"),
                  row("latency p95", f"{r['finpromo_latency_p95_ms']:.2f} ms",
                      f"jusText {r['justext_latency_p95_ms']:.2f} ms", "latency_p95_speedup_vs_justext")]
    else:
        lines.append(row("latency median / p95", f"{r['finpromo_latency_median_ms']:.2f} ms",
                         f"{r['finpromo_latency_p95_ms']:.2f} ms", None))
    lines.append(row("  median vs sklearn inference", "", f"sklearn {r['sklearn_path_latency_median_ms']:.2f} ms",
                     "latency_speedup_vs_sklearn_path"))
    if "cli_cold_start_s" in r:
        lines += [row("CLI cold start", f"{r['cli_cold_start_s']:.2f} s",
                      f"sklearn import {r['sklearn_import_s']:.2f} s", "cold_start_vs_sklearn_import"),
                  row("CLI peak RSS", f"{r['cli_peak_rss_mb']:.0f} MB",
                      f"max of runs {r.get('cli_peak_rss_max_mb', r['cli_peak_rss_mb']):.0f} MB", "cli_peak_rss_mb",
                      "{:.0f} MB")]
    lines += [row("model file", f"{r['model_file_mb']:.2f} MB", "", "model_file_mb", "{:.2f} MB"),
              row("model load", f"{r['model_load_s'] * 1e3:.0f} ms", "", None)]
    if "runon_load_s" in r:
        lines.append(row("  with the run-on part", f"{r['runon_load_s'] * 1e3:.0f} ms", "", None))
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bench.py", description=__doc__.split("\n")[0])
    p.add_argument("--articles", type=Path, default=REPO / "data" / "articles",
                   help="folder of annotated articles for the corpus (default: data/articles)")
    p.add_argument("--jsonl", type=Path, help="read the corpus from this JSONL file instead")
    p.add_argument("--text-field", default="text", help="JSONL field holding the text (default: %(default)s)")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="use the first N articles only")
    p.add_argument("--model", help="model folder (default: the bundled model)")
    p.add_argument("--repeats", type=int, default=3, help="runs per throughput figure; the best counts")
    p.add_argument("--latency-runs", type=int, default=200, help="runs of the latency article")
    p.add_argument("--cold-runs", type=int, default=7, help="whole-process runs each (0: skip the CLI)")
    p.add_argument("--no-justext", action="store_true", help="skip jusText (when it is not installed)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    articles = corpus_from_jsonl(args.jsonl, args.text_field) if args.jsonl else corpus_from_articles(args.articles)
    if args.limit:
        articles = articles[: args.limit]
    if not articles:
        print("bench.py: error: the corpus is empty", file=sys.stderr)
        return 1
    r = measure(articles, args.model, repeats=args.repeats, latency_runs=args.latency_runs,
                cold_runs=args.cold_runs, with_justext=not args.no_justext)
    if args.json:
        print(json.dumps({"figures": r, "targets_met": targets_met(r)}, indent=2))
    else:
        print(format_table(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
