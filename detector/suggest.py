"""Active labelling: pick the articles whose labels would teach the model most, pre-filled with its guesses.

A paragraph earns a pick when

- its score is **uncertain**: close to the threshold (in log-odds), where a label moves the boundary most; or
- it belongs to a **frequent template the model keeps**: text that recurs across many articles of a source once
  its names and numbers are masked (:mod:`detector.templates`) is rarely reporting, so a widespread template
  that the model calls ``reporting`` is most likely an ad it has never seen.

Picks are spread out: one per article, at most a few per template (until the other candidates run out), and
sources take turns (each pick from a source lowers that source's next priority). Each pick is written as its
whole article in the annotated format (:func:`detector.corpus.format_article`) with the model's guesses as tag
lines, so labelling is editing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .corpus import Article, LabelledParagraph, format_article
from .features import guess_language
from .templates import MIN_ARTICLES, Document, MinedCorpus, Template, describe_templates, mine, select_articles

#: Articles scored with the model at most (template samples first, then a random sample of the rest).
POOL = 5000
#: Log-odds distance from the threshold at which a score no longer counts as uncertain.
UNCERTAINTY_SPAN = 4.0
#: Weight of "a frequent template the model keeps" against uncertainty (which is at most 1).
TEMPLATE_WEIGHT = 2.0
#: Picks per template: at least this many, or this share of all picks if larger.
MIN_PER_TEMPLATE = 3
MAX_TEMPLATE_SHARE = 0.1
#: Each pick from a source multiplies that source's further priorities by this factor.
SOURCE_DECAY = 0.85
#: Paragraphs with a lower priority are never suggested.
MIN_PRIORITY = 0.05
#: The file beside the suggestions that lists them (not a .txt or table, so ``finpromo train`` skips it).
INDEX_FILE = "SUGGESTIONS.md"


@dataclass
class Suggestion:
    """An article to label: its paragraphs as the model sees them and the paragraph that earned the pick."""

    article: int
    doc: Document
    paragraphs: list[Any]
    pick: int
    priority: float
    reason: str
    template: Template | None = None


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def uncertainty(score: float, threshold: float) -> float:
    """1 at the threshold, falling linearly in log-odds to 0 at :data:`UNCERTAINTY_SPAN` away from it."""
    return max(0.0, 1.0 - abs(_logit(score) - _logit(threshold)) / UNCERTAINTY_SPAN)


def template_value(tpl: Template | None, n_articles: int) -> float:
    """How much labelling an occurrence of ``tpl`` teaches: its spread, times the share the model keeps."""
    if tpl is None or tpl.removed_share is None or n_articles < 2:
        return 0.0
    spread = math.log1p(tpl.articles) / math.log1p(n_articles)
    return TEMPLATE_WEIGHT * spread * (1.0 - tpl.removed_share)


def paragraph_priority(score: float, threshold: float, tpl: Template | None, n_articles: int
                       ) -> tuple[float, str]:
    """The priority of labelling one paragraph and a one-line reason."""
    u = uncertainty(score, threshold)
    t = template_value(tpl, n_articles)
    if tpl is not None and t >= u:
        kept = 1.0 - (tpl.removed_share or 0.0)
        reason = (f"template {tpl.id} recurs in {tpl.articles} articles ({tpl.share:.0%}); the model keeps "
                  f"{kept:.0%} of it (score here {score:.3f})")
    else:
        reason = f"uncertain: score {score:.3f} near the threshold {threshold:.3f}"
    return u + t, reason


def _pool(mined: MinedCorpus, size: int, seed: int) -> set[int]:
    wanted = {art for tpl in mined.templates for art, _ in tpl.sample}
    rest = np.setdiff1d(np.arange(mined.articles), np.fromiter(wanted, dtype=np.int64, count=len(wanted)))
    room = max(0, size - len(wanted))
    if len(rest) > room:
        rest = np.random.default_rng(seed).choice(rest, size=room, replace=False)
    return wanted | {int(a) for a in rest}


def _select(cands: list[Suggestion], n: int) -> list[Suggestion]:
    """Greedy picks by priority, sources taking turns; templates capped first, uncapped if picks run short."""
    cap = max(MIN_PER_TEMPLATE, math.ceil(n * MAX_TEMPLATE_SHARE))
    queues: dict[str, list[Suggestion]] = {}
    for c in sorted(cands, key=lambda c: (-c.priority, c.article)):
        queues.setdefault(c.doc.source, []).append(c)
    picks: list[Suggestion] = []
    taken: set[int] = set()
    per_source: Counter[str] = Counter()
    per_template: Counter[str] = Counter()

    def blocked(c: Suggestion, capped: bool) -> bool:
        return c.article in taken or (capped and c.template is not None and per_template[c.template.id] >= cap)

    for capped in (True, False):
        heads = {src: 0 for src in queues}
        while len(picks) < n:
            best: tuple[float, str] | None = None
            for src, q in queues.items():
                i = heads[src]
                while i < len(q) and blocked(q[i], capped):
                    i += 1
                heads[src] = i
                if i < len(q):
                    eff = q[i].priority * SOURCE_DECAY ** per_source[src]
                    if best is None or eff > best[0]:
                        best = (eff, src)
            if best is None:
                break
            pick = queues[best[1]][heads[best[1]]]
            picks.append(pick)
            taken.add(pick.article)
            per_source[best[1]] += 1
            if pick.template is not None:
                per_template[pick.template.id] += 1
    return picks


def suggest(corpus: Callable[[], Iterable[Document]], detector: Any, n: int = 200, *, pool: int = POOL,
            min_articles: int = MIN_ARTICLES, seed: int = 0) -> tuple[list[Suggestion], MinedCorpus]:
    """Up to ``n`` articles to label, most informative first, and the templates mined on the way.

    ``corpus`` re-reads the documents (it is called three times: mining, scoring the pool, describing templates).
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    mined = mine(corpus(), min_articles=min_articles)
    picked = list(select_articles(corpus(), _pool(mined, pool, seed)))
    scored = dict(zip([art for art, _ in picked], detector.classify_many(d.text for _, d in picked)))
    describe_templates(mined, corpus, detector, scored=scored)
    threshold = float(detector.threshold)
    cands: list[Suggestion] = []
    for art, doc in picked:
        paras = scored[art]
        tpl_of = mined.paragraph_templates(art)
        best: Suggestion | None = None
        for p in paras:
            t = tpl_of.get(p.index)
            tpl = mined.templates[t] if t is not None else None
            prio, reason = paragraph_priority(p.score, threshold, tpl, mined.articles)
            if prio >= MIN_PRIORITY and (best is None or prio > best.priority):
                best = Suggestion(art, doc, paras, p.index, prio, reason, tpl)
        if best is not None:
            cands.append(best)
    return _select(cands, n), mined


def to_article(s: Suggestion, mined: MinedCorpus) -> Article:
    """The suggestion as an annotated article: the model's labels as tags, template ids as families."""
    tpl_of = mined.paragraph_templates(s.article)
    paras = []
    for p in s.paragraphs:
        family = None
        if p.label != "reporting" and p.index in tpl_of:
            family = f"corpus-{mined.templates[tpl_of[p.index]].id}"
        paras.append(LabelledParagraph(p.text, p.label, family))
    meta = {"source": s.doc.source,
            "suggested": f"paragraph {s.pick + 1} of {len(s.paragraphs)}: {s.reason}"}
    return Article(s.doc.doc_id, guess_language(s.doc.text), paras, meta)


_UNSAFE_RE = re.compile(r"[^\w.-]+")


def _file_name(rank: int, doc_id: str) -> str:
    return f"{rank:04d}-{_UNSAFE_RE.sub('_', doc_id)[:80]}.txt"


def write_suggestions(suggestions: list[Suggestion], mined: MinedCorpus, out_dir: str | Path, *,
                      force: bool = False) -> list[Path]:
    """Write each suggestion as an annotated article (``NNNN-<id>.txt``) plus :data:`INDEX_FILE`."""
    from .textio import atomic_output

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise FileExistsError(f"{out}: exists and is not empty; use --force to write into it")
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    index = ["# Articles to label", "",
             "Each file holds one article with the model's guesses as tag lines (no tag: reporting). Fix the tags "
             "(see data/ANNOTATION.md), then train on this folder together with data/articles.", "",
             "| file | source | paragraph | why | text |", "|---|---|---|---|---|"]
    for rank, s in enumerate(suggestions, 1):
        path = out / _file_name(rank, s.doc.doc_id)
        with atomic_output(path, force=True) as fh:
            fh.write(format_article(to_article(s, mined)))
        paths.append(path)
        snippet = s.paragraphs[s.pick].text.replace("\n", " ").replace("|", "\\|")[:80]
        index.append(f"| {path.name} | {s.doc.source} | {s.pick + 1} | {s.reason} | {snippet} |")
    with atomic_output(out / INDEX_FILE, force=True) as fh:
        fh.write("\n".join(index) + "\n")
    return paths
