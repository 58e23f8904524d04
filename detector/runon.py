"""Run-on versions of labelled articles: the paragraph breaks removed, sometimes the spaces too.

Scrapers often lose paragraph breaks, so ads end up glued into the article text (``…senkt?AnzeigeBörsenbrief…``).
:func:`runon_frame` turns labelled articles into such text, splits it into sentence units the way inference does,
and labels each unit by the paragraph it mostly comes from (by a reporting paragraph wherever reporting makes up a
quarter of it) — for training and for evaluating run-on input separately.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .sentences import sentence_spans

#: Suffix of the doc_id of a run-on version; cross-validation keeps it in its article's fold.
RUNON_SUFFIX = "#runon"
#: Separators between paragraphs in generated run-on text, and how often each is used.
SEPARATORS = (" ", "")
SEPARATOR_WEIGHTS = (0.7, 0.3)
#: A unit of generated run-on text is labelled non-reporting only when reporting paragraphs make up less than this
#: share of its characters: a cleaner cuts a unit whole, and losing reporting text is worse than keeping an ad (a
#: heading glued to a teaser, a table ending in its credit line).
MIN_REPORTING_SHARE = 0.25


def base_doc_id(doc_id: str) -> str:
    """The article a (possibly generated) document comes from."""
    return doc_id.split("#", 1)[0]


def make_runon(paragraphs: list[str], rng: np.random.Generator) -> tuple[str, list[tuple[int, int]]]:
    """Join paragraphs without line breaks; returns the text and each paragraph's span in it."""
    parts, spans, pos = [], [], 0
    for i, p in enumerate(paragraphs):
        flat = " ".join(p.split())
        if i:
            sep = SEPARATORS[rng.choice(len(SEPARATORS), p=SEPARATOR_WEIGHTS)]
            parts.append(sep)
            pos += len(sep)
        parts.append(flat)
        spans.append((pos, pos + len(flat)))
        pos += len(flat)
    return "".join(parts), spans


def unit_sources(units: list[tuple[int, int]], para_spans: list[tuple[int, int]],
                 reporting: list[bool] | None = None) -> list[int]:
    """For each unit, the index of the paragraph that covers most of its characters; with ``reporting`` (a flag per
    paragraph), the reporting paragraph that covers most of it wherever reporting paragraphs cover at least
    :data:`MIN_REPORTING_SHARE` of it."""
    out = []
    for a, b in units:
        overlaps = np.array([max(0, min(b, pb) - max(a, pa)) for pa, pb in para_spans])
        src = int(np.argmax(overlaps))
        if reporting is not None and not reporting[src]:
            rep = np.where(reporting, overlaps, 0)
            if rep.sum() >= MIN_REPORTING_SHARE * (b - a):
                src = int(np.argmax(rep))
        out.append(src)
    return out


def runon_frame(df: pd.DataFrame, *, fraction: float = 1.0, seed: int = 0) -> pd.DataFrame:
    """Run-on versions of (a seeded ``fraction`` of) the articles in a paragraph table, one row per unit.

    Rows keep ``lang``, ``label``, ``family``, ``hard`` and ``source`` of the paragraph each unit comes from
    (:func:`unit_sources`: the one that covers most of it, or the reporting one wherever reporting covers a quarter of
    it); ``para_index`` names that paragraph; ``doc_id`` gets :data:`RUNON_SUFFIX`.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for doc_id, g in df.groupby("doc_id", sort=False):
        if fraction < 1.0 and rng.random() >= fraction:
            continue
        text, spans = make_runon(g["text"].tolist(), rng)
        units = sentence_spans(text)
        recs = g.to_dict("records")
        reporting = [r["label"] == "reporting" for r in recs]
        for k, ((a, b), src) in enumerate(zip(units, unit_sources(units, spans, reporting))):
            r = recs[src]
            rows.append({"doc_id": f"{doc_id}{RUNON_SUFFIX}", "index": k, "lang": r["lang"], "label": r["label"],
                         "family": r["family"], "hard": r["hard"], "source": r["source"], "text": text[a:b],
                         "para_index": int(r["index"]), "start": a, "end": b})
    return pd.DataFrame(rows, columns=[*df.columns, "para_index", "start", "end"])
