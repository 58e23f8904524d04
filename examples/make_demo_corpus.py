"""Generate a small corpus from a "new source" for the README's adaptation walkthrough.

    python examples/make_demo_corpus.py demo/          # demo/corpus (unlabelled) and demo/heldout (labelled)
    python examples/make_demo_corpus.py --play-labeller demo/to_label   # fix the tags of `finpromo suggest` output

The articles reuse the English articles of ``data/articles`` as scraped text, spread over three invented
publishers; one of them, ``tickertide``, inserts an ad template the bundled model has never seen (a teaser
and a pitch for its "Tide Score" service, with the company, date and numbers as slots). ``corpus/`` holds plain
text, one file per article, as a scraper would deliver it; ``heldout/`` holds labelled articles built from other
source articles and new slot values, for ``finpromo eval``.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from detector.corpus import Article, LabelledParagraph, format_article, iter_article_files, read_article  # noqa: E402

FAMILY = "tickertide-tide-score"
SOURCES = ("tickertide", "wire-a", "wire-b")
#: Share of the tickertide articles that carry the template.
PLANT_SHARE = 0.85
COMPANIES = ("Nvidia", "Tesla", "Palantir", "Apple", "Microsoft", "Micron", "AMD", "Netflix", "Oracle", "Intel",
             "Broadcom", "Uber", "Shopify", "Snowflake", "Salesforce", "Adobe")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
TEASERS = (
    "Since {date}, the TickerTide board has flagged {co} {n} times, more often than any other name in its sector. "
    "The full board is on tickertide.example.",
    "{co} has now appeared on the TickerTide board {n} times since {date}, a run only a handful of large caps "
    "have matched. The full board is on tickertide.example.",
)
PITCHES = (
    "The TickerTide board ranks {n} stocks such as {co} every morning by their Tide Score, a blend of momentum "
    "and fund flows it has published since {date}.",
    "Every morning the TickerTide board scores {n} stocks, {co} among them, on momentum and fund flows; its "
    "Tide Score history goes back to {date}.",
)


def _slots(rng: random.Random) -> dict[str, object]:
    return {"co": rng.choice(COMPANIES), "date": f"{rng.choice(MONTHS)} {rng.randint(1, 28)}",
            "n": rng.randint(4, 60)}


def planted(rng: random.Random) -> list[LabelledParagraph]:
    """One instance of the template: a teaser and a pitch, labelled; it goes after the second paragraph."""
    slots = _slots(rng)
    return [LabelledParagraph(rng.choice(TEASERS).format(**slots), "promotional", FAMILY),
            LabelledParagraph(rng.choice(PITCHES).format(**slots), "promotional", FAMILY)]


def make_article(src: Article, doc_id: str, source: str, rng: random.Random) -> Article:
    """``src`` re-published by ``source``; most tickertide articles carry the template."""
    paras = list(src.paragraphs)
    if source == "tickertide" and rng.random() < PLANT_SHARE:
        at = min(2, len(paras))
        paras[at:at] = planted(rng)
    return Article(doc_id, src.lang, paras, {"source": source})


def play_labeller(folder: Path, data: Path) -> int:
    """Label ``finpromo suggest`` output as a careful user would: every tag set to the truth (the source articles'
    labels; the TickerTide paragraphs as promotional). Returns the number of tags changed."""
    truth = {p.text: (p.label, p.family) for f in iter_article_files([data]) for p in read_article(f).paragraphs}
    changed = 0
    for path in sorted(folder.glob("*.txt")):
        art = read_article(path)
        for p in art.paragraphs:
            planted_here = "TickerTide" in p.text
            label, family = ("promotional", FAMILY) if planted_here else truth.get(p.text, ("reporting", None))
            changed += p.label != label
            p.label, p.family = label, family
        path.write_text(format_article(art), encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out", type=Path, help="folder to write corpus/ and heldout/ into")
    p.add_argument("--play-labeller", action="store_true",
                   help="instead: label the suggested articles in OUT (the output of finpromo suggest) as a user would")
    p.add_argument("--articles", type=int, default=150, help="articles in the corpus (default: %(default)s)")
    p.add_argument("--heldout", type=int, default=60, help="labelled held-out articles (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", type=Path, default=REPO / "data" / "articles" / "en", help="source articles")
    args = p.parse_args(argv)
    if args.play_labeller:
        changed = play_labeller(args.out, args.data)
        print(f"changed {changed} tags in {args.out}", file=sys.stderr)
        return 0
    rng = random.Random(args.seed)
    sources = [read_article(f) for f in iter_article_files([args.data])]
    rng.shuffle(sources)
    if len(sources) < args.articles + args.heldout:
        p.error(f"{args.data} holds {len(sources)} articles; ask for fewer")
    corpus_dir, held_dir = args.out / "corpus", args.out / "heldout"
    for i, src in enumerate(sources[: args.articles]):
        source = SOURCES[i % len(SOURCES)]
        art = make_article(src, f"demo-{i:04d}", source, rng)
        path = corpus_dir / source / f"{art.doc_id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(art.text + "\n", encoding="utf-8")  # plain text, as scraped
    held_dir.mkdir(parents=True, exist_ok=True)
    for j, src in enumerate(sources[args.articles : args.articles + args.heldout]):
        art = make_article(src, f"demo-heldout-{j:04d}", "tickertide", rng)
        (held_dir / f"{art.doc_id}.txt").write_text(format_article(art), encoding="utf-8")
    print(f"wrote {args.articles} articles to {corpus_dir} and {args.heldout} labelled ones to {held_dir}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
