"""Batch tf-idf of word n-grams: scikit-learn's ``TfidfVectorizer.transform`` for finpromo's analyzer, fast.

:class:`NgramIndex` compiles a fitted vectorizer (analyzer :class:`~detector.features.NgramAnalyzer`) into
integer tables. The tokens of a batch's joined text are found and keyed with numpy (:mod:`detector.tokenscan`),
each distinct new token is looked up once as a string in a cache (raw token -> its stem ids in either language),
and the per-text languages, n-gram ids, counts and tf-idf weights are computed with numpy over the whole batch.
The result equals ``vectorizer.transform(texts)`` (``tests/test_speed.py`` checks it on the corpus).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from .features import (_DE_WORDS, _EN_WORDS, _UMLAUTS, BOS, EOS, LINK_HINT_RE, SEP, TOKEN_PATTERN, NgramAnalyzer,
                       join_for_features, mark_links, normalize_token)
from .tokenscan import lower_code_points, token_keys, token_spans

# Token ids with a meaning of their own; feature tokens are 0, 1, 2, ...
_UNKNOWN = -1  # a token, but no feature: breaks the bigrams through it
_DROPPED = -2  # not a token at all (silent punctuation)
_BREAK = -3  # the separator between two texts
#: The raw-token cache is dropped and rebuilt when it grows past this many entries.
MAX_CACHED_TOKENS = 1_000_000
#: Texts at least this long are tokenized with numpy; below, the fixed cost of the scan is more than it saves.
SCAN_MIN_CHARS = 10_000
# The tokens of features._TOKEN_RE, and the separator of joined texts (for short texts).
_BATCH_TOKEN_RE = re.compile(f"{TOKEN_PATTERN}|{SEP}")


def _mark_links_joined(joined: str) -> str:
    """:func:`~detector.features.mark_links` of each text of a joined batch (only texts with a hint are looked at;
    the rest of the batch is copied in slices)."""
    out, done = [], 0
    for m in LINK_HINT_RE.finditer(joined):
        if m.start() < done:  # in a text already marked
            continue
        a = joined.rfind(SEP, 0, m.start()) + 1
        b = joined.find(SEP, m.end())
        b = len(joined) if b < 0 else b
        out += (joined[done:a], mark_links(joined[a:b]))
        done = b
    if not out:
        return joined
    out.append(joined[done:])
    return "".join(out)


class _RawTokens(dict):
    """Raw token -> column of :meth:`table`; a miss computes the column (stems in both languages) once.

    The cache grows as text comes in; threads that share a model take turns at it (a batch's token scan and the
    rest of its arithmetic run side by side). Without the lock two new tokens could get the same column.
    """

    def __init__(self, index: NgramIndex) -> None:
        super().__init__()
        self.index = index
        self.lock = threading.Lock()
        self.tables = np.zeros((4, 1024), dtype=np.int64)  # one column per key, grown by doubling
        self.by_key = _IntTable(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))  # token key -> column
        self._add(SEP, (_BREAK, _BREAK, 0, 0))  # column 0: the separator of joined texts

    def _add(self, raw: str, column: tuple[int, ...]) -> int:
        i = len(self)
        if i == self.tables.shape[1]:
            self.tables = np.concatenate([self.tables, np.zeros_like(self.tables)], axis=1)
        self.tables[:, i] = column
        self[raw] = i
        return i

    def __missing__(self, raw: str) -> int:
        ids = self.index.token_ids
        stems = [normalize_token(raw, lang) for lang in ("de", "en")]
        return self._add(raw, (*(_DROPPED if t is None else ids.get(t, _UNKNOWN) for t in stems),
                               (raw in _DE_WORDS) - (raw in _EN_WORDS), not _UMLAUTS.isdisjoint(raw)))

    def table(self) -> np.ndarray:
        """The columns, by key; rows: id if German, id if English, German minus English function word, umlaut."""
        with self.lock:
            return self.tables[:, :len(self)]  # a view: later growth never changes it

    def columns(self, text: str) -> np.ndarray:
        """The column of each token of ``text.lower()`` (``text``: links marked, texts joined by the separator).

        Tokens of a long text are found and keyed with numpy (:mod:`detector.tokenscan`), and only tokens whose
        key is new are looked at as strings, once per distinct token; a short text (one article) is cheaper through
        the regular expression and a lookup per token.
        """
        if len(text) < SCAN_MIN_CHARS:
            tokens = _BATCH_TOKEN_RE.findall(text.lower())
            with self.lock:
                return np.fromiter(map(self.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        cp, lowered = lower_code_points(text)
        starts, ends = token_spans(cp)
        keys = token_keys(cp, starts, ends)
        with self.lock:
            return self._columns_of_keys(text, lowered, starts, ends, keys)

    def _columns_of_keys(self, text: str, lowered: str | None, starts: np.ndarray, ends: np.ndarray,
                         keys: np.ndarray) -> np.ndarray:
        """:meth:`columns` from the tokens' spans and keys; new keys are looked up as strings and remembered."""
        out = self.by_key.get(keys)
        miss = np.flatnonzero(out < 0)
        if miss.size:

            def looked_up(at: np.ndarray) -> np.ndarray:  # the tokens at ``at`` as strings, through the dict
                spans = zip(starts[at].tolist(), ends[at].tolist())
                if lowered is None:  # lower-cased by code point: so is each token
                    return np.array([self[text[a:b].lower()] for a, b in spans], dtype=np.int64)
                return np.array([self[lowered[a:b]] for a, b in spans], dtype=np.int64)

            long = miss[keys[miss] < 0]  # no key: looked up by string each time
            out[long] = looked_up(long)
            miss = miss[keys[miss] >= 0]
            new, first, inverse = np.unique(keys[miss], return_index=True, return_inverse=True)
            found = looked_up(miss[first])
            out[miss] = found[inverse]
            self.by_key.add(new, found)
        return out


class _IntTable:
    """A hash table from non-negative int64 keys to int64 values, looked up for whole arrays at once
    (open addressing with linear probing, at most a quarter full; grown by doubling)."""

    _MULT = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        self.size = 0
        self._allocate(keys.size)
        self._place(keys, values)

    def _allocate(self, n: int) -> None:
        bits = max(4, int(4 * max(n, 1) - 1).bit_length())
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        self.keys = np.full(1 << bits, -1, dtype=np.int64)
        self.values = np.full(1 << bits, -1, dtype=np.int64)

    def add(self, keys: np.ndarray, values: np.ndarray) -> None:
        """Add distinct ``keys`` that are not in the table yet."""
        if 4 * (self.size + keys.size) > self.keys.size:
            used = self.keys >= 0
            old_keys, old_values = self.keys[used], self.values[used]
            self._allocate(2 * (self.size + keys.size))
            self.size = 0
            self._place(old_keys, old_values)
        self._place(keys, values)

    def _place(self, keys: np.ndarray, values: np.ndarray) -> None:
        self.size += keys.size
        slots = self._slots(keys)
        todo = np.arange(keys.size)
        while todo.size:  # place what fits; the keys that collided move one slot on
            s = slots[todo]
            free = self.keys[s] == -1
            s_free, winners = np.unique(s[free], return_index=True)
            placed = todo[free][winners]
            self.keys[s_free] = keys[placed]
            self.values[s_free] = values[placed]
            rest = np.ones(todo.size, dtype=bool)
            rest[np.flatnonzero(free)[winners]] = False
            todo = todo[rest]
            slots[todo] = (slots[todo] + 1) & self.mask

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.astype(np.uint64) * self._MULT) >> self.shift).astype(np.int64)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key, -1 for keys not in the table."""
        slots = self._slots(keys)
        found = self.keys[slots]
        out = np.where(found == keys, self.values[slots], -1)
        todo = np.flatnonzero((found != keys) & (found != -1))  # collided: probe on
        while todo.size:
            slots[todo] = (slots[todo] + 1) & self.mask
            found = self.keys[slots[todo]]
            hit = found == keys[todo]
            out[todo[hit]] = self.values[slots[todo[hit]]]
            todo = todo[~hit & (found != -1)]
        return out


class NgramIndex:
    """A fitted tf-idf vectorizer over :class:`NgramAnalyzer` uni- and bigrams, compiled for batches."""

    def __init__(self, vectorizer: object) -> None:
        self.vectorizer = vectorizer
        vocab: dict[str, int] = vectorizer.vocabulary_  # type: ignore[attr-defined]
        self.n_features = len(vocab)
        self.token_ids: dict[str, int] = {}
        ids = self.token_ids
        uni_tok, uni_col, left, right, bi_col = [], [], [], [], []
        for gram, col in vocab.items():
            first, space, second = gram.partition(" ")
            a = ids.setdefault(first, len(ids))
            if space:
                left.append(a)
                right.append(ids.setdefault(second, len(ids)))
                bi_col.append(col)
            else:
                uni_tok.append(a)
                uni_col.append(col)
        n_tokens = len(ids)
        self.unigram_col = np.full(n_tokens + 1, -1, dtype=np.int64)  # last entry: for negative ids
        self.unigram_col[uni_tok] = uni_col
        keys = np.asarray(left, dtype=np.int64) * n_tokens + np.asarray(right, dtype=np.int64)
        self.bigrams = _IntTable(keys, np.asarray(bi_col, dtype=np.int64))
        self.n_tokens = n_tokens
        self.bos = self.token_ids.get(BOS, _UNKNOWN)
        self.eos = self.token_ids.get(EOS, _UNKNOWN)
        self.fitted_idf = vectorizer.idf_  # type: ignore[attr-defined]  # identity check: a refit replaces it
        self.idf = np.asarray(self.fitted_idf, dtype=np.float64)
        self.sublinear = bool(vectorizer.sublinear_tf)  # type: ignore[attr-defined]
        self.l2 = vectorizer.norm == "l2"  # type: ignore[attr-defined]
        self.raw = _RawTokens(self)

    @staticmethod
    def supports(vectorizer: object) -> bool:
        """Whether ``vectorizer`` is one this index reproduces exactly."""
        analyzer = getattr(vectorizer, "analyzer", None)
        return (isinstance(analyzer, NgramAnalyzer) and analyzer.ngram_max <= 2 and hasattr(vectorizer, "idf_")
                and not vectorizer.binary and vectorizer.use_idf  # type: ignore[attr-defined]
                and vectorizer.norm in ("l2", None))  # type: ignore[attr-defined]

    def transform(self, texts: Sequence[str], joined: str | None = None) -> sp.csr_matrix:
        """``vectorizer.transform(texts)``; ``joined`` is :func:`join_for_features` of ``texts`` if at hand."""
        rows, cols, values = self.entries(texts, joined)
        ptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(texts)), out=ptr[1:])
        return sp.csr_matrix((values, cols, ptr), shape=(len(texts), self.n_features))

    def entries(self, texts: Sequence[str], joined: str | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The nonzero tf-idf entries of ``texts``: rows, columns and values, in CSR order."""
        n = len(texts)
        if joined is None:
            joined = join_for_features(texts)
        raw = self.raw
        if len(raw) > MAX_CACHED_TOKENS:
            raw = self.raw = _RawTokens(self)  # a thread still using the old cache finishes with it
        rids = raw.columns(_mark_links_joined(joined))
        de_ids, en_ids, de_minus_en, umlauts = raw.table()
        text_of = np.cumsum(rids == 0)  # text index of each raw token (a separator, key 0, opens the next text)
        lead = np.bincount(text_of, weights=de_minus_en[rids], minlength=n)  # German minus English words
        umlaut = np.bincount(text_of, weights=umlauts[rids], minlength=n) > 0
        german = (lead > 0) | ((lead == 0) & umlaut)
        tok = np.where(german[text_of], de_ids[rids], en_ids[rids])
        # the stream of tokens with a break before the first text and after the last
        stream = np.concatenate([[_BREAK], tok[tok != _DROPPED], [_BREAK]])
        owner = np.cumsum(stream == _BREAK) - 1  # text of each stream position (a break belongs to the next)
        uni = self.unigram_col[np.where(stream >= 0, stream, self.n_tokens)]
        u_rows, u_cols = owner[uni >= 0], uni[uni >= 0]
        left = stream[:-1]
        right = stream[1:]
        left = np.where(left == _BREAK, self.bos, left)
        right = np.where(right == _BREAK, self.eos, right)
        ok = (left >= 0) & (right >= 0)
        keys = left[ok] * self.n_tokens + right[ok]
        b_rows = owner[:-1][ok]
        found = self.bigrams.get(keys)
        rows = np.concatenate([u_rows, b_rows[found >= 0]])
        cols = np.concatenate([u_cols, found[found >= 0]])
        return self._tfidf(rows, cols, n)

    def _tfidf(self, rows: np.ndarray, cols: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        m = self.n_features
        keys = rows * m + cols
        if n * m < np.iinfo(np.int32).max:  # sorts twice as fast in 32 bits
            keys = keys.astype(np.int32)
        keys = np.sort(keys)
        new = np.empty(keys.size, dtype=bool)
        new[:1] = True
        np.not_equal(keys[1:], keys[:-1], out=new[1:])
        first = np.flatnonzero(new)
        counts = np.diff(np.append(first, keys.size))
        r, c = np.divmod(keys[first], m)
        data = counts.astype(np.float64)
        if self.sublinear:
            np.log(data, out=data)
            data += 1.0
        data *= self.idf[c]
        if self.l2 and data.size:
            norms = np.sqrt(np.bincount(r, weights=data * data, minlength=n))
            norms[norms == 0.0] = 1.0
            data /= norms[r]
        return r, c, data
