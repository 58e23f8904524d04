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


def _overlaps(a: int, b: int, para_spans: list[tuple[int, int]]) -> np.ndarray:
    """The characters of ``[a, b)`` in each paragraph span."""
    return np.array([max(0, min(b, pb) - max(a, pa)) for pa, pb in para_spans])


def _source(overlaps: np.ndarray, reporting: list[bool] | None) -> int:
    src = int(np.argmax(overlaps))
    if reporting is not None and not reporting[src]:
        rep = np.where(reporting, overlaps, 0)
        if rep.sum() >= MIN_REPORTING_SHARE * overlaps.sum():
            src = int(np.argmax(rep))
    return src


def unit_sources(units: list[tuple[int, int]], para_spans: list[tuple[int, int]],
                 reporting: list[bool] | None = None) -> list[int]:
    """For each unit, the index of the paragraph that covers most of its characters; with ``reporting`` (a flag per
    paragraph), the reporting paragraph that covers most of it wherever reporting paragraphs cover at least
    :data:`MIN_REPORTING_SHARE` of it."""
    return [_source(_overlaps(a, b, para_spans), reporting) for a, b in units]


def runon_frame(df: pd.DataFrame, *, fraction: float = 1.0, seed: int = 0) -> pd.DataFrame:
    """Run-on versions of (a seeded ``fraction`` of) the articles in a paragraph table, one row per unit.

    Rows keep ``lang``, ``label``, ``family``, ``hard`` and ``source`` of the paragraph each unit comes from
    (:func:`unit_sources`: the one that covers most of it, or the reporting one wherever reporting covers a quarter of
    it); ``para_index`` names that paragraph; ``doc_id`` gets :data:`RUNON_SUFFIX`. ``parts`` lists the paragraphs
    a unit holds characters of, as ``(index, label, characters)``: a paragraph counts as removed when more than half
    of its characters are in removed units (a heading glued to a removed teaser is lost with it).
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
        for k, (a, b) in enumerate(units):
            overlaps = _overlaps(a, b, spans)
            r = recs[_source(overlaps, reporting)]
            parts = tuple((int(recs[i]["index"]), recs[i]["label"], int(overlaps[i])) for i in np.flatnonzero(overlaps))
            rows.append({"doc_id": f"{doc_id}{RUNON_SUFFIX}", "index": k, "lang": r["lang"], "label": r["label"],
                         "family": r["family"], "hard": r["hard"], "source": r["source"], "text": text[a:b],
                         "para_index": int(r["index"]), "start": a, "end": b, "parts": parts})
    return pd.DataFrame(rows, columns=[*df.columns, "para_index", "start", "end", "parts"])
