"""Benchmark ``finpromo clean`` on a generated JSONL corpus: records/s per ``--jobs`` and peak memory.

Not a test: it takes minutes. Run from the repository root:

    .venv/bin/python benchmarks/bench_batch.py                  # 100,000 records, --jobs 1 and 2
    .venv/bin/python benchmarks/bench_batch.py --records 20000 --jobs 1 2 --rss-check 5000

Each record is the paragraphs of an article of ``data/articles`` (annotation lines dropped), in a random window,
so records are realistic finance articles with their teasers and disclaimers. Memory is sampled every 50 ms with
psutil (installed with ``finpromo[dask]``): the peak RSS of the ``finpromo`` process itself, and of it together
with its worker processes. ``--rss-check N`` also runs ``--jobs 1`` on the first N records, to show that the peak
does not grow with the input.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 0.05
MIN_PARAGRAPHS = 3


def article_paragraphs(root: Path) -> list[list[str]]:
    """The paragraphs of each annotated article under ``root``, without front matter and tag lines."""
    sys.path.insert(0, str(REPO))
    from detector.corpus import iter_article_files, read_article

    return [[p.text for p in read_article(f).paragraphs] for f in iter_article_files([root])]


def generate(path: Path, n: int, articles: list[list[str]], seed: int = 0) -> None:
    """Write ``n`` JSONL records ``{"id", "text"}`` made from windows of the articles."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            paras = rng.choice(articles)
            start = rng.randrange(0, max(1, len(paras) - MIN_PARAGRAPHS))
            text = "\n\n".join(paras[start:])
            fh.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")


def measure(cmd: list[str]) -> dict[str, float]:
    """Run ``cmd``; wall time and peak RSS (MB) of the process and of its whole process tree."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    main = psutil.Process(proc.pid)
    peak_main = peak_tree = 0
    while proc.poll() is None:
        try:
            rss = main.memory_info().rss
            tree = rss + sum(c.memory_info().rss for c in main.children(recursive=True))
        except psutil.Error:
            break
        peak_main, peak_tree = max(peak_main, rss), max(peak_tree, tree)
        time.sleep(SAMPLE_SECONDS)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode()}")
    lines = err.decode().strip().splitlines()
    return {"seconds": seconds, "peak_rss_mb": peak_main / 2**20, "peak_tree_rss_mb": peak_tree / 2**20,
            "summary": lines[-1] if lines else ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rss-check", type=int, default=10_000, metavar="N",
                        help="also run --jobs 1 on N records to compare peak memory (0: skip)")
    parser.add_argument("--data", type=Path, default=REPO / "data" / "articles")
    args = parser.parse_args(argv)
    finpromo = Path(sys.executable).parent / "finpromo"
    articles = [a for a in article_paragraphs(args.data) if len(a) >= MIN_PARAGRAPHS]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        generate(corpus, args.records, articles)
        size = corpus.stat().st_size / 2**20
        print(f"corpus: {args.records:,} records, {size:.1f} MB, from {len(articles)} articles")
        runs = [(args.records, jobs, corpus) for jobs in args.jobs]
        if args.rss_check:
            small = Path(tmp) / "small.jsonl"
            with corpus.open(encoding="utf-8") as src, small.open("w", encoding="utf-8") as dst:
                dst.writelines(line for _, line in zip(range(args.rss_check), src))
            runs.append((args.rss_check, 1, small))
        for n, jobs, path in runs:
            out = Path(tmp) / f"out-{n}-{jobs}.jsonl"
            r = measure([str(finpromo), "clean", str(path), "-o", str(out), "--jobs", str(jobs)])
            print(f"--jobs {jobs}  {n:>9,} records  {n / r['seconds']:8.1f} records/s (wall, start-up included)  "
                  f"peak RSS {r['peak_rss_mb']:6.1f} MB (with workers {r['peak_tree_rss_mb']:6.1f} MB)\n"
                  f"    {r['summary']}", flush=True)
            out.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
