"""Template mining: paragraphs that recur across a corpus once names, numbers, dates and prices are masked.

A publisher's ad templates repeat in article after article with only the slots changed ("{Name}-Aktie: Kaufen
oder verkaufen?! Neue {Name}-Analyse vom {date} …"). Mining them is a chain of named stages:

1. **read** the corpus as a stream of documents (folders of ``.txt``, JSONL, Parquet: :func:`read_corpus`);
2. **segment** each document exactly as :class:`~detector.core.Detector` does and **mask** every paragraph
   (:func:`mask`): links, e-mail addresses, dates, prices, percentages, tickers and ISINs, numbers, and the
   capitalised names an article repeats in several of its paragraphs;
3. **hash** the masked text: identical masked paragraphs share one key; each distinct key gets a MinHash signature
   of its word shingles (numpy-vectorised, batch by batch);
4. **group** near-duplicate keys with locality-sensitive hashing (banded signatures; a candidate pair joins only
   if its estimated Jaccard similarity reaches :data:`SIMILARITY`) — never all pairs, so 100k articles fit on
   one machine;
5. **report** each group found in at least ``min_articles`` articles with its count, share of articles and
   sources; :func:`describe_templates` adds its pattern, an example, and the model's current label and mean
   score from a sample of its occurrences (a second pass that reads and scores only those articles).
"""

from __future__ import annotations

import hashlib
import logging
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from .segment import segment

log = logging.getLogger(__name__)

#: MinHash permutations per signature.
NUM_PERM = 64
#: LSH bands (``NUM_PERM / BANDS`` rows each); with 16 bands of 4 rows, pairs above ~0.5 Jaccard collide.
BANDS = 16
#: Estimated Jaccard similarity of masked shingle sets at which two paragraph variants join one template.
SIMILARITY = 0.6
#: Words per shingle.
SHINGLE = 3
#: A template must appear in at least this many articles to be reported.
MIN_ARTICLES = 3
#: Occurrences per template read (and scored with the model) by :func:`describe_templates`.
SAMPLE_PER_TEMPLATE = 12
#: Distinct keys hashed per MinHash batch (bounds memory: batch shingles x NUM_PERM x 8 bytes).
MINHASH_BATCH = 1024
#: A masked name found in at least this share of a template's other occurrences is part of the template.
CONSTANT_SHARE = 0.8
#: Paragraphs longer than this (characters) are not templates (tables, whole articles without paragraphs).
MAX_CHARS = 3000

#: Record fields used, when present, for an article's id and source.
ID_FIELDS = ("doc_id", "id", "article_id", "url")
SOURCE_FIELDS = ("source", "publisher", "site", "domain", "sitename", "hostname")
RECORD_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
CORPUS_SUFFIXES = (".txt", *RECORD_SUFFIXES)

_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)

_MONTHS = ("Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
           "January|February|March|June|July|October|December|Jan|Feb|Mär|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Okt|"
           "Oct|Nov|Dez|Dec")
_WEEKDAYS = ("Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|Monday|Tuesday|Wednesday|Thursday|"
             "Friday|Saturday|Sunday")
_DATE_RE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    rf"|\b\d{{1,2}}\.\s?\d{{1,2}}\.(?:\s?\d{{2,4}}\b)?"
    rf"|\b\d{{1,2}}\.?\s(?:{_MONTHS})\b\.?(?:\s\d{{4}}\b)?"
    rf"|\b(?:{_MONTHS})\b\.?(?:\s\d{{1,2}}(?:st|nd|rd|th)?\b,?)?(?:\s\d{{4}}\b)?"
    rf"|\b(?:{_WEEKDAYS})\b"
    rf"|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b")
_TICKER_RE = re.compile(
    r"\b(?:NASDAQ|Nasdaq|NYSE|AMEX|OTC|OTCQB|OTCQX|TSX|TSXV|CSE|LSE|ASX|XETRA|Xetra|ETR)\s*:\s*[A-Z][A-Z.]{0,5}\b"
    r"|\$[A-Z]{1,5}\b|\([A-Z]{1,5}\)|\b[A-Z]{2}[A-Z0-9]{9}\d\b|\bWKN:?\s*[A-Z0-9]{6}\b")
_PRICE_RE = re.compile(r"[$€£]\s?\d[\d.,]*(?:\s?(?:Mio|Mrd|Millionen|Milliarden|million|billion|[MBK])\b\.?)?"
                       r"|\d[\d.,]*\s?(?:€|\$|£|(?:Euro|EUR|USD|Dollar|dollars?|Cent|cents)\b)")
_LINK_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|de|net|org|io|co|uk|at|ch|example)(?:/\S*)?\b")
_LINK_HINT_RE = re.compile(r"://|www\.|\.(?:com|de|net|org|io|co|uk|at|ch|example)\b")
_EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_PCT_RE = re.compile(r"\d[\d.,]*\s?(?:%|Prozent|percent)(?!\w)")
_NUM_RE = re.compile(r"\d[\d.,:/]*")
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_NAME_RUN_RE = re.compile(r"\{Name\}(?:[ \t-]+\{Name\})+")
_SPACE_RE = re.compile(r"\s+")
_KEY_TOKEN_RE = re.compile(r"\{\w+\}|[^\W_]+|[?!:…»>]+", re.UNICODE)

#: Capitalised words an article may repeat that are not names (articles, pronouns, common finance nouns).
NOT_NAMES = frozenset(
    "Der Die Das Den Dem Des Ein Eine Einer Eines Und Oder Aber Mit Für Von Vom Zum Zur Im In Am An Auf Aus Bei "
    "Nach Vor Über Unter Wie Was Wer Wo Ob Sie Er Es Wir Ihr Ihre Ihren Ihnen Ich Dies Diese Dieser Dieses Auch "
    "Noch Nur Jetzt Hier Dort Doch So Als Wenn Dass Damit Seit Bis Um Zu Nicht Kein Keine Mehr Sollten Lohnt "
    "Aktie Aktien Anleger Analyse Analysten Analyst Prozent Euro Dollar Unternehmen Konzern Umsatz Gewinn "
    "Quartal Jahr Jahres Börse Markt Kurs Kursziel Dividende Millionen Milliarden Mio Mrd Handel Papier Papiere "
    "The A An And Or But With For From Of In On At To By As If It Its This That These Those We You Your They "
    "Our He She His Her Is Are Was Were Be Has Have Had Not No More Now Here There Why What How When Where Who "
    "Should Will Can Stock Stocks Shares Share Company Investors Analysts Analyst Revenue Quarter Year Market "
    "Percent Billion Million Price Target Dividend CEO CFO Inc Corp AG SE".split())


class CorpusError(ValueError):
    """A corpus that cannot be read; the message names the file and the fix."""


@dataclass(frozen=True, slots=True)
class Document:
    """One article of a corpus: its id, text and source (publisher, folder or file)."""

    doc_id: str
    text: str
    source: str


# -- reading ---------------------------------------------------------------------------------------------------


def _first(record: dict[str, Any], fields: Sequence[str]) -> Any:
    for name in fields:
        value = record.get(name)
        if value is not None and not (isinstance(value, float) and value != value) and str(value) != "":
            return value
    return None


def _record_source(record: dict[str, Any], default: str) -> str:
    src = _first(record, SOURCE_FIELDS)
    if src is not None:
        return str(src)
    url = record.get("url")
    if isinstance(url, str) and "//" in url:
        return urlparse(url).hostname or default
    return default


def _records(path: Path, fmt: str, text_field: str, encoding: str) -> Iterator[tuple[dict[str, Any], str]]:
    """``(record, text)`` of a record file through :mod:`detector.batch`'s readers; malformed records are skipped
    with a warning."""
    from . import batch

    reader = {"jsonl": batch.read_jsonl, "csv": batch.read_csv, "parquet": batch.read_parquet}[fmt]
    for chunk in reader(str(path), text_field, encoding=encoding):
        if fmt == "jsonl":
            recs = [row[2] or {} for row in chunk.rows]
        elif fmt == "parquet":
            recs = chunk.rows.to_pylist()
        else:
            recs = chunk.rows.to_dict("records")
        for rec, text, error in zip(recs, chunk.texts, chunk.errors):
            if error is not None or text is None:
                log.warning("skipped %s", error)
                continue
            yield rec, text


def _records_to_docs(records: Iterable[tuple[dict[str, Any], str]], where: str) -> Iterator[Document]:
    """Articles from records; consecutive records with the same id (paragraph rows) are joined into one."""
    cur_id: str | None = None
    cur_src = ""
    parts: list[str] = []
    for n, (rec, text) in enumerate(records, 1):
        rid = _first(rec, ID_FIELDS)
        doc_id = str(rid) if rid is not None else f"{Path(where).stem}-{n}"
        if doc_id != cur_id:
            if parts:
                yield Document(cur_id or "", "\n\n".join(parts), cur_src)
            cur_id, cur_src, parts = doc_id, _record_source(rec, Path(where).stem), []
        parts.append(text)
    if parts:
        yield Document(cur_id or "", "\n\n".join(parts), cur_src)


def _txt_document(path: Path, root: Path | None, encoding: str) -> Document:
    from .corpus import CorpusFormatError, parse_article
    from .textio import decode

    text = decode(path.read_bytes(), encoding, name=str(path))
    doc_id = path.stem
    if text.lstrip("\ufeff").startswith("---"):  # an annotated article: drop front matter and tag lines
        try:
            art = parse_article(text, doc_id=doc_id, path=str(path))
            text, doc_id = art.text, art.doc_id
        except CorpusFormatError:
            pass
    if root is not None and path.parent != root:
        source = path.parent.relative_to(root).as_posix()
    else:
        source = (root or path.parent).name or "."
    return Document(doc_id, text, source)


def corpus_files(paths: Iterable[str | Path]) -> list[tuple[Path, Path | None]]:
    """The corpus files under ``paths`` (folders searched recursively), each with the folder it was found in."""
    out: list[tuple[Path, Path | None]] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.suffix.lower() in CORPUS_SUFFIXES and q.is_file())
            if not found:
                raise CorpusError(f"{p}: no .txt, .jsonl, .csv or .parquet files in this folder")
            out.extend((q, p) for q in found)
        elif p.is_file():
            out.append((p, None))
        else:
            raise CorpusError(f"{p}: no such file or folder")
    return out


def read_corpus(paths: Iterable[str | Path], *, text_field: str = "text", encoding: str = "utf-8"
                ) -> Iterator[Document]:
    """Stream the articles of ``.txt`` files (one article each; folders searched recursively), JSONL, CSV and
    Parquet files.

    Records need ``text_field``; ``doc_id``/``id`` and ``source``/``publisher`` (or the host of ``url``) are used
    when present. Consecutive records with the same id are paragraphs of one article. A ``.txt`` file's source
    is its sub-folder.
    """
    for path, root in corpus_files(paths):
        fmt = RECORD_SUFFIXES.get(path.suffix.lower())
        if fmt:
            yield from _records_to_docs(_records(path, fmt, text_field, encoding), str(path))
        else:
            yield _txt_document(path, root, encoding)


# -- masking ---------------------------------------------------------------------------------------------------


def article_names(paragraphs: Sequence[str]) -> frozenset[str]:
    """Capitalised words that occur in at least two paragraphs of an article: its names (company, people)."""
    seen: Counter[str] = Counter()
    for text in paragraphs:
        seen.update({w for w in _WORD_RE.findall(text) if len(w) > 1 and w[0].isupper() and w not in NOT_NAMES})
    return frozenset(w for w, n in seen.items() if n >= 2)


def mask(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with its slots masked: ``{url}``, ``{email}``, ``{date}``, ``{ticker}``, ``{price}``, ``{pct}``,
    ``{num}``, and each word of ``names`` (see :func:`article_names`) as ``{Name}``.

    >>> mask("Infineon-Aktie: Neue Analyse vom 13. November 2026 für 4,99 €", {"Infineon"})
    '{Name}-Aktie: Neue Analyse vom {date} für {price}'
    """
    if "@" in text:
        text = _EMAIL_RE.sub("{email}", text)
    if _LINK_HINT_RE.search(text):
        text = _LINK_RE.sub("{url}", text)
    text = _DATE_RE.sub("{date}", text)
    text = _TICKER_RE.sub("{ticker}", text)
    if any(c.isdigit() for c in text):  # most paragraphs have no number left: skip three scans
        text = _PCT_RE.sub("{pct}", _PRICE_RE.sub("{price}", text))
        text = _NUM_RE.sub("{num}", text)
    names_re = _names_re(frozenset(names))
    if names_re is not None:
        text = _NAME_RUN_RE.sub("{Name}", names_re.sub("{Name}", text))
    return text


@lru_cache(maxsize=64)
def _names_re(names: frozenset[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])")


def template_key(masked: str) -> str:
    """The normalised form two paragraphs must share to be the same variant: lower-case tokens and slots."""
    return " ".join(t if t.startswith("{") else t.lower() for t in _KEY_TOKEN_RE.findall(masked))


# -- MinHash and LSH -------------------------------------------------------------------------------------------


def _shingle_hashes(key: str) -> np.ndarray:
    toks = key.split() or [""]
    h = np.fromiter((zlib.crc32(t.encode("utf-8")) for t in toks), dtype=np.uint64, count=len(toks))
    if len(h) < SHINGLE:
        return np.array([int(np.bitwise_xor.reduce(h * np.uint64(2654435761)) & _MAX_HASH)], dtype=np.uint64)
    out = h[: len(h) - SHINGLE + 1].copy()
    for i in range(1, SHINGLE):
        out = (out * np.uint64(1000003) + h[i : len(h) - SHINGLE + 1 + i]) & _MAX_HASH
    return np.unique(out)


def minhash_signatures(keys: Sequence[str], *, num_perm: int = NUM_PERM, seed: int = 1) -> np.ndarray:
    """MinHash signatures (``len(keys) x num_perm``, uint32) of the word shingles of each key."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 1 << 31, size=num_perm, dtype=np.uint64)[:, None]
    b = rng.integers(0, 1 << 31, size=num_perm, dtype=np.uint64)[:, None]
    out = np.empty((len(keys), num_perm), dtype=np.uint32)
    for start in range(0, len(keys), MINHASH_BATCH):
        chunk = [_shingle_hashes(k) for k in keys[start : start + MINHASH_BATCH]]
        lengths = np.fromiter((len(c) for c in chunk), dtype=np.int64, count=len(chunk))
        flat = np.concatenate(chunk)
        hashed = ((a * flat[None, :] + b) % _PRIME) & _MAX_HASH
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        out[start : start + len(chunk)] = np.minimum.reduceat(hashed, offsets, axis=1).T
    return out


def lsh_groups(signatures: np.ndarray, *, bands: int = BANDS, similarity: float = SIMILARITY) -> np.ndarray:
    """Group ids (one per row) joining rows whose signatures collide in a band and agree on ``similarity``.

    Each band's buckets are compared to their first member only (a star, never all pairs); groups are the
    connected components of the accepted pairs.
    """
    n, num_perm = signatures.shape
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    rows = num_perm // bands
    for band in range(bands):
        part = np.ascontiguousarray(signatures[:, band * rows : (band + 1) * rows])
        bucket = part.view(np.dtype((np.void, part.dtype.itemsize * rows))).ravel()
        order = np.argsort(bucket, kind="stable")
        sorted_b = bucket[order]
        starts = np.flatnonzero(np.concatenate([[True], sorted_b[1:] != sorted_b[:-1]]))
        sizes = np.diff(np.concatenate([starts, [n]]))
        for s, size in zip(starts[sizes > 1], sizes[sizes > 1]):
            members = order[s : s + size]
            rep = members[0]
            sim = (signatures[members[1:]] == signatures[rep]).mean(axis=1)
            for m in members[1:][sim >= similarity]:
                ra, rb = find(int(rep)), find(int(m))
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    return np.fromiter((find(i) for i in range(n)), dtype=np.int64, count=n)


# -- mining ----------------------------------------------------------------------------------------------------


@dataclass
class Template:
    """A paragraph template found in a corpus.

    ``articles``/``share``: articles it appears in and their share of the corpus; ``count``: its paragraphs;
    ``variants``: distinct masked forms. :func:`describe_templates` fills ``pattern`` (the most frequent masked
    form; words constant across its occurrences stay unmasked), ``example`` (one occurrence as written) and,
    given a detector, ``label``, ``mean_score`` and ``removed_share`` (share of scored occurrences the model
    would cut).
    """

    id: str
    count: int
    articles: int
    share: float
    sources: int
    variants: int
    pattern: str = ""
    example: str = ""
    example_doc: str = ""
    label: str | None = None
    mean_score: float | None = None
    removed_share: float | None = None
    scored: int = 0
    first: tuple[int, int] = (0, 0)
    sample: list[tuple[int, int]] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (without the internal occurrence positions)."""
        d = asdict(self)
        for k in ("sample", "first"):
            d.pop(k)
        for k in ("share", "mean_score", "removed_share"):
            if d[k] is not None:
                d[k] = round(d[k], 4)
        return d


@dataclass
class MinedCorpus:
    """What :class:`TemplateMiner` learned in one pass: the templates and where each paragraph belongs."""

    templates: list[Template]
    articles: int
    paragraphs: int
    sources: list[str]
    doc_ids: list[str]
    #: per paragraph occurrence, ordered by article: article number, paragraph index, template number (-1: none)
    occ_article: np.ndarray
    occ_index: np.ndarray
    occ_template: np.ndarray

    def paragraph_templates(self, article: int) -> dict[int, int]:
        """Paragraph index -> template number (into :attr:`templates`) for one article number."""
        lo, hi = np.searchsorted(self.occ_article, [article, article + 1])
        return {int(i): int(t) for i, t in zip(self.occ_index[lo:hi], self.occ_template[lo:hi]) if t >= 0}


class TemplateMiner:
    """Streaming template miner: :meth:`add` every document, then :meth:`finish`.

    Memory grows with the number of *distinct* masked paragraphs (a digest and a MinHash signature of
    ``NUM_PERM`` 32-bit values each, hashed in batches as they come) plus 16 bytes per paragraph; no text is
    kept, so :func:`describe_templates` re-reads the articles it shows.
    """

    def __init__(self, *, min_articles: int = MIN_ARTICLES, similarity: float = SIMILARITY,
                 num_perm: int = NUM_PERM, bands: int = BANDS) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.min_articles = min_articles
        self.similarity = similarity
        self.num_perm = num_perm
        self.bands = bands
        self.paragraphs = 0
        self._key_ids: dict[bytes, int] = {}
        self._pending: list[str] = []
        self._signatures: list[np.ndarray] = []
        self._first_article = array("q")  # per distinct key: where it was first seen
        self._first_index = array("q")
        self._occ_article = array("q")
        self._occ_index = array("q")
        self._occ_key = array("q")
        self._sources: dict[str, int] = {}
        self._doc_source: list[int] = []
        self._doc_ids: list[str] = []

    def _flush(self) -> None:
        if self._pending:
            self._signatures.append(minhash_signatures(self._pending, num_perm=self.num_perm))
            self._pending = []

    def add(self, doc: Document) -> None:
        """Segment, mask and hash one document."""
        article = len(self._doc_ids)
        self._doc_ids.append(doc.doc_id)
        self._doc_source.append(self._sources.setdefault(doc.source, len(self._sources)))
        texts = [doc.text[s.start:s.end] for s in segment(doc.text)]
        names = article_names(texts)
        for i, text in enumerate(texts):
            self.paragraphs += 1
            if len(text) > MAX_CHARS:
                continue
            key = template_key(mask(text, names))
            digest = hashlib.blake2b(key.encode("utf-8"), digest_size=12).digest()
            kid = self._key_ids.get(digest)
            if kid is None:
                kid = self._key_ids[digest] = len(self._first_article)
                self._first_article.append(article)
                self._first_index.append(i)
                self._pending.append(key)
                if len(self._pending) >= MINHASH_BATCH:
                    self._flush()
            self._occ_article.append(article)
            self._occ_index.append(i)
            self._occ_key.append(kid)

    def finish(self) -> MinedCorpus:
        """Group the distinct masked paragraphs into templates and count them."""
        self._flush()
        n_docs = len(self._doc_ids)
        occ_article = np.frombuffer(self._occ_article, dtype=np.int64).copy()
        occ_index = np.frombuffer(self._occ_index, dtype=np.int64).astype(np.int32)
        occ_key = np.frombuffer(self._occ_key, dtype=np.int64).copy()
        occ_template = np.full(len(occ_key), -1, dtype=np.int64)
        templates: list[Template] = []
        if self._signatures:
            # every distinct key is hashed: a variant seen once can still belong to a widespread template
            group = lsh_groups(np.concatenate(self._signatures), bands=self.bands, similarity=self.similarity)
            occ_group = group[occ_key]
            pairs = np.unique(np.stack([occ_group, occ_article]), axis=1)
            groups, n_articles = np.unique(pairs[0], return_counts=True)
            keep = groups[n_articles >= self.min_articles]
            doc_source = np.asarray(self._doc_source, dtype=np.int64)
            order = sorted(keep.tolist(), key=lambda g: (-int(n_articles[np.searchsorted(groups, g)]), g))
            by_group = np.argsort(occ_group, kind="stable")
            sorted_groups = occ_group[by_group]
            for t, g in enumerate(order):
                lo, hi = np.searchsorted(sorted_groups, [g, g + 1])
                rows = by_group[lo:hi]
                occ_template[rows] = t
                keys_here = Counter(occ_key[rows].tolist())
                top_key = keys_here.most_common(1)[0][0]
                arts = np.unique(occ_article[rows])
                step = max(1, len(rows) // SAMPLE_PER_TEMPLATE)
                sample = [(int(occ_article[r]), int(occ_index[r])) for r in rows[::step][:SAMPLE_PER_TEMPLATE]]
                templates.append(Template(
                    id=f"T{t + 1}", count=len(rows), articles=len(arts),
                    share=len(arts) / n_docs if n_docs else 0.0, sources=len(np.unique(doc_source[arts])),
                    variants=len(keys_here), example_doc=self._doc_ids[self._first_article[top_key]],
                    first=(self._first_article[top_key], self._first_index[top_key]), sample=sample))
        return MinedCorpus(templates, n_docs, self.paragraphs, list(self._sources), list(self._doc_ids),
                           occ_article, occ_index, occ_template)


def mine(docs: Iterable[Document], *, min_articles: int = MIN_ARTICLES, similarity: float = SIMILARITY
         ) -> MinedCorpus:
    """Mine the templates of a stream of documents (one pass); see the module docstring."""
    miner = TemplateMiner(min_articles=min_articles, similarity=similarity)
    for doc in docs:
        miner.add(doc)
    return miner.finish()


def select_articles(docs: Iterable[Document], wanted: set[int]) -> Iterator[tuple[int, Document]]:
    """``(article number, document)`` for the wanted article numbers of a re-read corpus, in order."""
    last = max(wanted) if wanted else -1
    for n, doc in enumerate(docs):
        if n > last:
            return
        if n in wanted:
            yield n, doc


def _pattern(example: str, names: frozenset[str], others: Sequence[str]) -> str:
    """The masked example; names found in most other occurrences too are the template's own words: kept."""
    if others:
        need = CONSTANT_SHARE * len(others)
        names = frozenset(w for w in names if w not in example
                          or sum(re.search(rf"\b{re.escape(w)}\b", o) is not None for o in others) < need)
    return mask(example, names)


def describe_templates(mined: MinedCorpus, docs: Callable[[], Iterable[Document]], detector: Any = None, *,
                       scored: dict[int, list[Any]] | None = None) -> None:
    """Fill each template's pattern and example, and with a detector its label and scores, in one more pass.

    ``docs`` re-reads the corpus (the same documents in the same order as mined). Only the articles of each
    template's first occurrence and of its sampled occurrences are read, and only those are scored (each as a
    whole, so the model sees the context) unless ``scored`` already holds their paragraphs (by article number).
    """
    wanted: dict[int, list[tuple[int, int]]] = {}
    for t, tpl in enumerate(mined.templates):
        for art, idx in {tpl.first, *tpl.sample}:
            wanted.setdefault(art, []).append((t, idx))
    texts: dict[tuple[int, int], str] = {}
    names: dict[int, frozenset[str]] = {}
    picked = list(select_articles(docs(), set(wanted)))
    for art, doc in picked:
        paras = [doc.text[s.start:s.end] for s in segment(doc.text)]
        names[art] = article_names(paras)
        for _t, idx in wanted[art]:
            if idx < len(paras):
                texts[(art, idx)] = paras[idx]
    for tpl in mined.templates:
        example = texts.get(tpl.first, "")
        others = [texts[o] for o in tpl.sample if o != tpl.first and o in texts]
        tpl.example = example
        tpl.pattern = _pattern(example, names.get(tpl.first[0], frozenset()), others)
    if detector is None:
        return
    done = scored or {}
    sampled = {art for tpl in mined.templates for art, _ in tpl.sample}
    todo = [(art, doc) for art, doc in picked if art in sampled and art not in done]
    fresh = zip([art for art, _ in todo], detector.classify_many(d.text for _, d in todo))
    scores: dict[int, list[tuple[float, str]]] = {}
    for art, paras in [*((a, done[a]) for a in sorted(sampled) if a in done), *fresh]:
        for t, idx in wanted[art]:
            if (art, idx) in mined.templates[t].sample and idx < len(paras):
                scores.setdefault(t, []).append((paras[idx].score, paras[idx].label))
    for t, tpl in enumerate(mined.templates):
        got = scores.get(t, [])
        if got:
            tpl.scored = len(got)
            tpl.mean_score = float(np.mean([s for s, _ in got]))
            tpl.removed_share = float(np.mean([lab != "reporting" for _, lab in got]))
            tpl.label = Counter(lab for _, lab in got).most_common(1)[0][0]


def format_templates(mined: MinedCorpus, *, limit: int | None = None, width: int = 100) -> str:
    """A readable table of the templates, most widespread first."""
    shown = mined.templates[:limit] if limit else mined.templates
    lines = [f"{len(mined.templates)} templates in {mined.articles} articles ({mined.paragraphs} paragraphs, "
             f"{len(mined.sources)} sources)"
             + (f"; showing the first {len(shown)}" if len(shown) < len(mined.templates) else "")]
    for tpl in shown:
        model = (f"{tpl.label} (score {tpl.mean_score:.3f}, cut in {tpl.removed_share:.0%})"
                 if tpl.label is not None and tpl.mean_score is not None and tpl.removed_share is not None
                 else "not scored")
        pattern = tpl.pattern.replace("\n", " ")
        example = tpl.example.replace("\n", " ")
        lines.append(f"\n{tpl.id:>5}  {tpl.articles} articles ({tpl.share:.1%}), {tpl.count} paragraphs, "
                     f"{tpl.variants} variants, {tpl.sources} sources; model: {model}")
        lines.append(f"       pattern: {pattern[:width]}{'…' if len(pattern) > width else ''}")
        lines.append(f"       example: {example[:width]}{'…' if len(example) > width else ''}  [{tpl.example_doc}]")
    return "\n".join(lines) + "\n"
