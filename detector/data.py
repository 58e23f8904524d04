"""Labelled data as a pandas DataFrame: loading, validation, hashing and statistics.

One row per paragraph, in document order, with the columns of :data:`COLUMNS`. Sources: annotated article files
(see :mod:`detector.corpus`), folders of them, and CSV/TSV/JSONL/Parquet tables with at least ``doc_id``,
``text`` and ``label`` (optional ``index``, ``lang``, ``family``, ``hard``, ``source``/``publisher``).
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .corpus import CorpusFormatError, iter_article_files, read_article
from .features import guess_language
from .model import LABELS

COLUMNS: tuple[str, ...] = ("doc_id", "index", "lang", "label", "family", "hard", "source", "text")
REQUIRED: tuple[str, ...] = ("doc_id", "text", "label")
TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
                  ".parquet": "parquet", ".pq": "parquet"}


class DataError(ValueError):
    """Training or evaluation data that cannot be used; the message says what to fix."""


class DataWarning(UserWarning):
    """Data that can be used but probably should not be as it is (tiny, heavily imbalanced)."""


def _article_rows(paths: Iterable[Path]) -> list[dict]:
    rows = []
    for path in paths:
        try:
            article = read_article(path)
        except CorpusFormatError as exc:
            raise DataError(str(exc)) from None
        except UnicodeDecodeError:
            raise DataError(f"{path}: not UTF-8 text") from None
        lang = article.lang or guess_language(article.text)
        for i, p in enumerate(article.paragraphs):
            rows.append({"doc_id": article.doc_id, "index": i, "lang": lang, "label": p.label,
                         "family": p.family, "hard": p.hard, "source": str(path), "text": p.text})
    return rows


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV/TSV/JSONL/JSON/Parquet table of paragraphs and bring it to :data:`COLUMNS`."""
    p = Path(path)
    kind = TABLE_SUFFIXES.get(p.suffix.lower())
    try:
        if kind == "csv":
            df = pd.read_csv(p, dtype={"doc_id": str}, keep_default_na=False, na_values=[""])
        elif kind == "tsv":
            df = pd.read_csv(p, sep="\t", dtype={"doc_id": str}, keep_default_na=False, na_values=[""])
        elif kind == "jsonl":
            df = pd.read_json(p, lines=True, dtype={"doc_id": str})
        elif kind == "json":
            df = pd.read_json(p, dtype={"doc_id": str})
        elif kind == "parquet":
            df = pd.read_parquet(p)
        else:
            raise DataError(f"{p}: unknown table format (use .csv, .tsv, .jsonl, .json or .parquet)")
    except DataError:
        raise
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{p}: cannot read the table ({exc})") from None
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise DataError(f"{p}: missing column(s) {', '.join(missing)}; a table needs doc_id, text and label")
    df = df.copy()
    df["doc_id"] = df["doc_id"].astype(str)
    if "source" not in df.columns:
        df["source"] = df["publisher"] if "publisher" in df.columns else str(p)
    if "index" not in df.columns:
        df["index"] = df.groupby("doc_id", sort=False).cumcount()
    for col, default in (("lang", None), ("family", None), ("hard", False)):
        if col not in df.columns:
            df[col] = default
    df["_file"] = str(p)
    df["_order"] = range(len(df))
    first = df.groupby("doc_id", sort=False)["_order"].transform("min")
    df = df.assign(_first=first).sort_values(["_first", "index"], kind="stable")
    return df.drop(columns=["_order", "_first"]).reset_index(drop=True)


def load(paths: Iterable[str | os.PathLike[str]], *, training: bool = True) -> pd.DataFrame:
    """Load labelled paragraphs from annotated files, folders of them, and tables, and validate them.

    Raises :class:`DataError` with a message that says what is wrong; warns (:class:`DataWarning`) on tiny or
    heavily imbalanced data. With ``training=False`` (evaluation data) conflicting labels and a single label
    are allowed.
    """
    frames: list[pd.DataFrame] = []
    article_paths: list[Path] = []
    for path in paths:
        p = Path(path)
        if not p.exists():
            raise DataError(f"{p}: no such file or folder")
        if p.is_dir():
            found = list(iter_article_files([p]))
            tables = sorted(q for q in p.rglob("*") if q.suffix.lower() in TABLE_SUFFIXES and q.is_file())
            if not found and not tables:
                raise DataError(f"{p}: no annotated .txt articles or tables in this folder")
            article_paths.extend(found)
            frames.extend(read_table(q) for q in tables)
        elif p.suffix.lower() in TABLE_SUFFIXES:
            frames.append(read_table(p))
        else:
            article_paths.append(p)
    if article_paths:
        arts = pd.DataFrame(_article_rows(article_paths), columns=list(COLUMNS))
        arts["_file"] = arts["source"]
        frames.insert(0, arts)
    if not frames:
        raise DataError("no data given")
    df = pd.concat(frames, ignore_index=True)
    return validate(df, training=training)


def validate(df: pd.DataFrame, *, training: bool = True) -> pd.DataFrame:
    """Check a paragraph table and return it normalised to :data:`COLUMNS` (see :func:`load`)."""
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}; the data needs doc_id, text and label")
    df = df.copy()
    for col, default in (("index", None), ("lang", None), ("family", None), ("hard", False), ("source", ""),
                         ("_file", "")):
        if col not in df.columns:
            df[col] = default
    if df["index"].isna().any():
        df["index"] = df.groupby("doc_id", sort=False).cumcount()
    bad_label = df["label"].isna() | ~df["label"].isin(LABELS)
    if bad_label.any():
        examples = sorted({str(v) for v in df.loc[bad_label, "label"].head(5)})
        raise DataError(f"{int(bad_label.sum())} row(s) with a missing or unknown label ({', '.join(examples)}); "
                        f"labels are {', '.join(LABELS)}")
    text_ok = df["text"].map(lambda t: isinstance(t, str) and bool(t.strip()))
    if not text_ok.all():
        first = df.loc[~text_ok].iloc[0]
        raise DataError(f"{int((~text_ok).sum())} row(s) with an empty or missing text "
                        f"(first: doc_id {first['doc_id']!r}, index {first['index']})")
    if training and df["label"].nunique() < 2:
        raise DataError(f"only one label ({df['label'].iloc[0]}) in the data; a classifier needs at least two")
    conflicts = df.assign(_t=df["text"].str.strip()).groupby("_t")["label"].nunique()
    conflicts = conflicts[conflicts > 1]
    if training and len(conflicts):
        raise DataError(f"{len(conflicts)} paragraph text(s) carry conflicting labels, e.g. "
                        f"{conflicts.index[0][:80]!r}; give each text one label")
    files_per_doc = df.groupby("doc_id")["_file"].nunique()
    repeated = files_per_doc[files_per_doc > 1]
    if len(repeated):
        raise DataError(f"article id {repeated.index[0]!r} appears in more than one file; ids must be unique")
    if df["lang"].isna().any():
        doc_lang = {d: guess_language(" ".join(g["text"].head(20))) for d, g in df.groupby("doc_id", sort=False)}
        df["lang"] = df["lang"].fillna(df["doc_id"].map(doc_lang))
    df["family"] = df["family"].where(df["family"].notna() & (df["family"].astype(str) != ""), None)
    df["hard"] = df["hard"].fillna(False).astype(bool)
    n_docs = df["doc_id"].nunique()
    if not training:
        return df[list(COLUMNS)].reset_index(drop=True)
    if len(df) < 200 or n_docs < 20:
        warnings.warn(f"tiny data: {len(df)} paragraphs in {n_docs} articles; expect unstable scores",
                      DataWarning, stacklevel=2)
    shares = df["label"].value_counts(normalize=True)
    if shares.min() < 0.02:
        warnings.warn("heavy class imbalance: " + ", ".join(f"{k} {v:.1%}" for k, v in shares.items()),
                      DataWarning, stacklevel=2)
    absent = [label for label in LABELS if label not in shares.index]
    if absent:
        warnings.warn(f"no {' or '.join(absent)} paragraphs in the data: the model will never predict "
                      f"{'them' if len(absent) > 1 else 'it'}", DataWarning, stacklevel=2)
    return df[list(COLUMNS)].reset_index(drop=True)


def data_hash(df: pd.DataFrame) -> str:
    """SHA-256 of the data's content (ids, order, labels, families, texts), independent of file layout."""
    h = hashlib.sha256()
    for row in df[["doc_id", "index", "lang", "label", "family", "text"]].itertuples(index=False):
        h.update(json.dumps(list(row), ensure_ascii=False, default=str).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def stats(df: pd.DataFrame) -> dict:
    """Counts per language, label and family, hard cases, articles with and without promotions."""
    per_doc = df.groupby("doc_id")
    promo_docs = per_doc["label"].apply(lambda s: (s == "promotional").any())
    fam = df[df["label"] != "reporting"].groupby(["label", "family"]).agg(
        paragraphs=("text", "size"), articles=("doc_id", "nunique"), langs=("lang", lambda s: ",".join(sorted(set(s)))))
    return {
        "articles": int(df["doc_id"].nunique()),
        "paragraphs": int(len(df)),
        "articles_per_lang": {k: int(v) for k, v in per_doc["lang"].first().value_counts().sort_index().items()},
        "paragraphs_per_label": {k: int(v) for k, v in df["label"].value_counts().items()},
        "paragraphs_per_lang_label": {f"{a}/{b}": int(v) for (a, b), v in df.groupby(["lang", "label"]).size().items()},
        "articles_without_promotion": int((~promo_docs).sum()),
        "hard_negatives": int((df["hard"] & (df["label"] == "reporting")).sum()),
        "hard_positives": int((df["hard"] & (df["label"] != "reporting")).sum()),
        "families": {label: int((fam.index.get_level_values(0) == label).sum()) for label in LABELS[1:]},
        "family_table": [{"label": a, "family": b, **{k: (int(v) if k != "langs" else v) for k, v in r.items()}}
                         for (a, b), r in fam.iterrows()],
    }
