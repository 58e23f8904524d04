"""Features of a paragraph on its own (words, layout) and in its document (neighbours, position).

Everything here is deterministic and offline: tokens come from regular expressions, stems from the Snowball
project's own German and English stemmers (PyStemmer: compiled code, no data files).
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import Stemmer

# PyStemmer rather than nltk's copy of the same algorithms: ``import nltk`` imports every nltk subpackage (and
# scikit-learn, SciPy's statistics), which cost a CLI run 0.4 s of its start-up to reach one stemmer. A stemmer
# object is not thread-safe: each thread gets its own.
_LOCAL = threading.local()

_DE_WORDS = frozenset(
    "der die das und ist nicht mit sich auf für ein eine einer den dem des von zu im auch wie noch bei "
    "nach aus sind wird werden hat haben sie ihr ihre oder aber als um über vom zum zur jetzt".split()
)
_EN_WORDS = frozenset(
    "the and of to in is that for with on as are was by it this be at from has have an or its will "
    "you your their which been were after about said than more".split()
)

# Characters that split words without being visible (soft hyphen, zero-width space/joiners, word joiner, BOM),
# HTML tags and entities left over from extraction: features ignore them (the text itself is never changed).
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")


#: Punctuation that is a token of its own (everything else, e.g. ``.`` ``,`` ``(``, separates words silently).
KEPT_PUNCT = "?!:|*©@#>»→▶➤$€£%…<«"
# Tokens: numbers (with their separators), runs of word characters, an ASCII ellipsis, and single characters of
# KEPT_PUNCT.
TOKEN_PATTERN = rf"\d[\d.,:/]*|\w+|\.\.\.|[{re.escape(KEPT_PUNCT)}]"
_TOKEN_RE = re.compile(TOKEN_PATTERN)
# Links and e-mail addresses become one placeholder token each (``__url__``, ``__email__``). Company names such
# as Amazon.com are not links: a bare domain counts only in lower case.
_LINK_RE = re.compile(
    r"(?P<email>\b[\w.+-]+@[\w-]+\.[\w.-]+\b)"
    r"|(?P<url>(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]*\.(?:com|de|net|org|io|co|uk|at|ch)(?:/\S*)?\b)")
#: What any text with a link or address contains (a fast first check before _LINK_RE).
LINK_HINT_RE = re.compile(r"@|://|www\.|\.(?:com?|de|net|org|io|uk|at|ch)")


def mark_links(text: str) -> str:
    """``text`` with every link and e-mail address replaced by its placeholder token."""
    if not LINK_HINT_RE.search(text):
        return text
    return _LINK_RE.sub(lambda m: f" __{m.lastgroup}__ ", text)


#: Start and end markers of a paragraph's token sequence.
BOS, EOS = "__bos__", "__eos__"
NUM = "__num__"
MONEY = "__money__"  # any currency sign
_CURRENCIES = frozenset("$€£")
_UMLAUTS = frozenset("äöüß")


def _language(words: list[str]) -> str:
    """``de`` or ``en`` from lower-case tokens: function words, umlauts as a tie-breaker; English when in doubt."""
    de = sum(map(_DE_WORDS.__contains__, words))
    en = sum(map(_EN_WORDS.__contains__, words))
    if de == en:
        return "de" if any(not _UMLAUTS.isdisjoint(w) for w in words) else "en"
    return "de" if de > en else "en"


def guess_language(text: str) -> str:
    """``de`` or ``en`` from the function words of the text's start (umlauts break a tie); English when in doubt."""
    return _language(_TOKEN_RE.findall(text[:2000].lower()))


@lru_cache(maxsize=200_000)
def _stem(word: str, lang: str) -> str:
    stemmers = getattr(_LOCAL, "stemmers", None)
    if stemmers is None:
        stemmers = _LOCAL.stemmers = {"de": Stemmer.Stemmer("german", 0), "en": Stemmer.Stemmer("english", 0)}
    return stemmers[lang].stemWord(word)


# Words whose stems tell stemmer versions apart (Snowball 3's German changed ``-et`` and ``ue``; nltk's English
# differs on "realization"), with common suffixes of both languages.
_FINGERPRINT_WORDS = (
    "erwartet erwarteten aktuell aktuellen begründete entwickeln handeln belastet kostete findet analysten "
    "aktienanalysen steigende kurse unternehmens gewinnen ergebnisse zahlungen größte übernahme "
    "international realization organic evening university emergency adding added organizations dermatologists "
    "running earnings analysts expected shareholders dividends quarterly generously happiness"
).split()


def stem_fingerprint() -> str:
    """A short hash of the stems of a fixed word list in both languages: it changes when the stemmer does."""
    text = "\n".join(f"{lang} {w} {_stem(w, lang)}" for lang in ("de", "en") for w in _FINGERPRINT_WORDS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def normalize_token(raw: str, lang: str) -> str | None:
    """The feature token of one lower-case raw token: a stem, ``__num__``, punctuation, or None (dropped)."""
    if raw.isalpha():
        return _stem(raw, lang)
    if raw[0].isdecimal():
        return NUM
    if raw in _CURRENCIES:
        return MONEY
    return raw if raw.strip("_") else None  # punctuation, ``q4``-like words, placeholders; not bare underscores


def tokenize(text: str, lang: str | None = None) -> list[str]:
    """Normalised tokens of a paragraph: stemmed lower-case words, ``__num__`` for numbers, key punctuation.

    The paragraph's language (for the stemmer) is guessed from its own words unless given. Its start and end
    are marked (``__bos__``, ``__eos__``) so that bigrams see how it opens and ends.
    """
    raw = _TOKEN_RE.findall(mark_links(join_for_features([text])).lower())
    lang = lang or _language(raw)
    out = [BOS]
    for t in raw:
        n = normalize_token(t, lang)
        if n is not None:
            out.append(n)
    out.append(EOS)
    return out


@lru_cache(maxsize=32768)
def _ngrams(text: str, ngram_max: int) -> tuple[str, ...]:
    toks = tokenize(text)
    grams = toks[1:-1]
    for n in range(2, ngram_max + 1):
        grams.extend(" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
    return tuple(grams)


class NgramAnalyzer:
    """Word uni- and bigrams of :func:`tokenize`; a picklable ``analyzer`` for scikit-learn vectorizers."""

    def __init__(self, ngram_max: int = 2) -> None:
        self.ngram_max = ngram_max

    def __call__(self, text: str) -> list[str]:
        return list(_ngrams(text, self.ngram_max))

    def __repr__(self) -> str:
        return f"NgramAnalyzer(ngram_max={self.ngram_max})"


_SENT_END = ".!?…\"'“”»«)"
_PHONE_RE = re.compile(r"(?:\+|\(0|\b0)\d[\d /().-]{6,}\d")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# Company names such as Amazon.com are not links: a bare domain counts only in lower case.
_URL_RE = re.compile(r"https?://|www\.|\b[a-z0-9][a-z0-9-]*\.(?:com|de|net|org|io)\b")

#: A unit of at most this many words counts as short (headings, one-liners, teaser lines).
SHORT_WORDS = 8


#: Names of the layout features, in the order of :func:`layout_features`.
LAYOUT_FEATURES: tuple[str, ...] = (
    "log_chars", "log_words", "multi_line", "short", "no_end_punct", "ends_colon", "ends_question",
    "ends_exclaim", "ends_ellipsis", "ends_arrows", "upper_ratio", "digit_ratio", "has_url", "has_email",
    "has_phone", "exclaims", "questions", "bullet_start", "title_case", "only_questions", "sentences",
)
SHORT_COLUMN = LAYOUT_FEATURES.index("short")
QUESTION_COLUMN = LAYOUT_FEATURES.index("ends_question")


#: Separator of paragraphs in a batch's joined text (never part of a token or of a layout pattern's match).
SEP = "\x00"


def join_for_features(texts: Sequence[str]) -> str:
    """The texts as the features see them, joined by :data:`SEP`: invisible characters dropped, HTML tags removed
    and entities decoded (the texts themselves are never changed).

    Every batch feature (tokens, layout) is computed in one pass over this one string rather than per text.
    """
    parts = []
    for t in texts:
        if "&" in t or "<" in t:
            t = html.unescape(_TAG_RE.sub(" ", t))
        if SEP in t:  # a NUL inside a text would split it; as a token it is dropped anyway
            t = t.replace(SEP, " ")
        parts.append(t)
    joined = SEP.join(parts)
    if any(c in joined for c in _INVISIBLE):  # six scans for one character: several times faster than the class
        joined = _INVISIBLE_RE.sub("", joined)
    return joined


# Character classes by code point, one byte each: bits for space (str.isspace), letter (str.isalpha), upper case
# (str.isupper) and decimal digit (str.isdecimal); code points from U+3001 on (CJK and beyond) count as letters.
# A second table numbers the characters the layout looks for one by one.
_SPACE, _LETTER, _UPPER, _DIGIT = 1, 2, 4, 8
_CP_LIMIT = 0x3001
_SENT_ENDS = ".!?…"  # ids 1-4
_AFTER_SENT = "\"“”»)"  # ids 5-9: what may follow a sentence end, besides spaces and the end
_S = {c: i + 1 for i, c in enumerate(_SENT_ENDS + _AFTER_SENT + "\x00:>\n@+(0_→▶➤-*•·–▪►✓'«")}


@lru_cache(maxsize=1)
def _char_tables() -> tuple[np.ndarray, np.ndarray]:
    classes = np.full(0x110000, _LETTER, dtype=np.uint8)
    classes[:_CP_LIMIT] = [(c.isspace() * _SPACE) | (c.isalpha() * _LETTER) | (c.isupper() * _UPPER)
                           | (c.isdecimal() * _DIGIT) for c in map(chr, range(_CP_LIMIT))]
    classes[0] = _SPACE  # the separator of joined texts
    symbols = np.zeros(0x110000, dtype=np.uint8)
    for c, i in _S.items():
        symbols[ord(c)] = i
    return classes, symbols


def _ids(chars: str) -> np.ndarray:
    """A lookup table over symbol ids: True for ``chars``."""
    table = np.zeros(len(_S) + 1, dtype=bool)
    table[[_S[c] for c in chars]] = True
    return table


_END_CHARS = _ids(_SENT_END)
_ARROWS = _ids("»→▶➤")
_BULLETS = _ids("-*•·–▪►✓")


def _flag_texts(pattern: re.Pattern[str], joined: str, starts: np.ndarray, ends: np.ndarray,
                candidates: np.ndarray) -> np.ndarray:
    """1.0 for each candidate text (``joined[starts[i]:ends[i]]``) in which ``pattern`` matches."""
    out = np.zeros(len(starts))
    for i in np.flatnonzero(candidates).tolist():
        if pattern.search(joined, int(starts[i]), int(ends[i])):
            out[i] = 1.0
    return out


def _flag_matches(pattern: re.Pattern[str], joined: str, positions: np.ndarray, owner: np.ndarray,
                  ends: np.ndarray) -> np.ndarray:
    """1.0 for each text (the text ``owner[k]`` holds ``positions[k]``; texts end at ``ends``) in which ``pattern``
    matches at one of the character ``positions``: for a pattern whose every match starts at one of them, the same
    as searching each text, at a fraction of the cost."""
    out = np.zeros(len(ends))
    for pos, i in zip(positions.tolist(), owner.tolist()):
        if not out[i] and pattern.match(joined, pos, int(ends[i])):
            out[i] = 1.0
    return out


def _texts_at(positions: np.ndarray | list[int], starts: np.ndarray) -> np.ndarray:
    """Which texts (by their ``starts``) hold any of the character ``positions``."""
    out = np.zeros(len(starts), dtype=bool)
    if len(positions):
        out[np.searchsorted(starts, positions, side="right") - 1] = True
    return out


def _phone_starts(sym: np.ndarray, cls: np.ndarray) -> np.ndarray:
    """Positions where _PHONE_RE could start a match: ``+`` or ``(0`` or a word-initial ``0``, then a digit (all
    of them in text below :data:`_CP_LIMIT`; beyond it the class table calls every character a letter)."""
    size = sym.size
    digit_at = lambda pos: (pos < size) & ((cls[np.minimum(pos, size - 1)] & _DIGIT) > 0)  # noqa: E731
    plus = np.flatnonzero(sym == _S["+"])
    paren = np.flatnonzero(sym == _S["("])
    paren = paren[(paren + 2 < size) & (sym[np.minimum(paren + 1, size - 1)] == _S["0"]) & digit_at(paren + 2)]
    zero = np.flatnonzero(sym == _S["0"])
    prev = cls[np.maximum(zero - 1, 0)]
    word_before = (zero > 0) & (((prev & (_LETTER | _DIGIT)) > 0) | (sym[np.maximum(zero - 1, 0)] == _S["_"]))
    return np.concatenate([plus[digit_at(plus + 1)], paren, zero[digit_at(zero + 1) & ~word_before]])


def _phone_flags(joined: str, cp: np.ndarray, sym: np.ndarray, cls: np.ndarray, starts: np.ndarray,
                 ends: np.ndarray) -> np.ndarray:
    """1.0 for each text with a possible phone start in which _PHONE_RE matches: tried at the start positions only,
    or searched whole in a text with a code point beyond the class table (where the positions may be incomplete)."""
    positions = _phone_starts(sym, cls)
    owner = np.searchsorted(starts, positions, side="right") - 1
    at = ~_texts_at(np.flatnonzero(cp >= _CP_LIMIT), starts)[owner]
    searched = _flag_texts(_PHONE_RE, joined, starts, ends, _texts_at(positions[~at], starts))
    return np.maximum(searched, _flag_matches(_PHONE_RE, joined, positions[at], owner[at], ends))


_URL_DOT_NEXT = np.zeros(128, dtype=bool)
_URL_DOT_NEXT[[ord(c) for c in "cdnoi"]] = True


def _url_hints(cp: np.ndarray) -> np.ndarray:
    """Positions that every match of _URL_RE has one of nearby: ``://``, ``w.`` (of ``www.``), or a dot before
    ``c``, ``d``, ``n``, ``o`` or ``i`` (of a domain ending)."""
    last = cp.size - 1
    dots = np.flatnonzero(cp == ord("."))
    after, before = cp[np.minimum(dots + 1, last)], cp[np.maximum(dots - 1, 0)]
    dots = dots[((dots < last) & _URL_DOT_NEXT[np.minimum(after, 127)]) | ((dots > 0) & (before == ord("w")))]
    colons = np.flatnonzero(cp == ord(":"))
    colons = colons[(colons < last) & (cp[np.minimum(colons + 1, last)] == ord("/"))]
    return np.concatenate([dots, colons])


def _edges(joined: str, starts: np.ndarray, ends: np.ndarray, space: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last visible character of each text (``first > last`` where there is none)."""
    size = space.size
    first, last = starts.copy(), ends - 1
    inside = first < ends
    pad = inside & space[np.minimum(first, size - 1)] | inside & space[np.minimum(np.maximum(last, 0), size - 1)]
    for i in np.flatnonzero(pad).tolist():  # surrounding whitespace is rare: look at those texts one by one
        a, b = int(starts[i]), int(ends[i])
        seg = joined[a:b]
        first[i] = a + len(seg) - len(seg.lstrip())
        last[i] = a + len(seg.rstrip()) - 1
    return first, last


def layout_matrix(texts: Sequence[str], joined: str | None = None) -> np.ndarray:
    """Shape of each text (rows) by :data:`LAYOUT_FEATURES` (columns): length, how it ends, capitals, digits,
    links, contact data, sentences. ``joined`` is :func:`join_for_features` of ``texts`` if already at hand.

    Computed for the whole batch at once over the code points of the joined text; every figure is of the text
    with surrounding whitespace stripped.
    """
    n = len(texts)
    if joined is None:
        joined = join_for_features(texts)
    if not joined:  # no texts, or one empty text
        return _empty_layout(n)
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    size = cp.size
    classes, symbols = _char_tables()
    cls, sym = classes[cp], symbols[cp]
    seps = np.flatnonzero(sym == _S[SEP])
    starts = np.concatenate([[0], seps + 1])
    ends = np.concatenate([seps, [size]])
    space = (cls & _SPACE) > 0
    first, last = _edges(joined, starts, ends, space)
    has = last >= first
    n_chars = np.where(has, last - first + 1, 0)

    word_start = ~space
    word_start[1:] &= space[:-1]
    sent = (sym - 1) < len(_SENT_ENDS)  # unsigned: id 0 wraps round to 255
    run_end = sent.copy()
    run_end[:-1] &= ~sent[1:]
    sent_end = run_end
    sent_end[:-1] &= space[1:] | ((sym[1:] - (1 + len(_SENT_ENDS))) < len(_AFTER_SENT))  # or the end
    # sentence ends whose run of end characters holds a question mark
    run_start = sent.copy()
    run_start[1:] &= ~sent[:-1]
    ends_at = np.flatnonzero(sent_end)
    starts_at = np.flatnonzero(run_start)
    run_from = starts_at[np.searchsorted(starts_at, ends_at, side="right") - 1]
    q_pos = np.flatnonzero(sym == _S["?"])
    q_end_pos = ends_at[np.searchsorted(q_pos, ends_at, side="right") > np.searchsorted(q_pos, run_from)]

    idx = np.minimum(starts, size - 1)

    def per_text(mask: np.ndarray) -> np.ndarray:
        out = np.add.reduceat(mask, idx, dtype=np.int64)
        out[~has] = 0
        return out

    def sparse_per_text(positions: np.ndarray) -> np.ndarray:
        return np.bincount(np.searchsorted(starts, positions, side="right") - 1, minlength=n)

    letters = per_text((cls & _LETTER) > 0)
    upper = per_text((cls & _UPPER) > 0)
    digits = per_text((cls & _DIGIT) > 0)
    n_words = per_text(word_start)
    caps = per_text(word_start & ((cls & _UPPER) > 0))
    exclaims = sparse_per_text(np.flatnonzero(sym == _S["!"]))
    questions = sparse_per_text(np.flatnonzero(sym == _S["?"]))
    n_ends = sparse_per_text(ends_at)
    q_ends = sparse_per_text(q_end_pos)
    nl_pos = np.flatnonzero(sym == _S["\n"])
    inner_nl = np.searchsorted(nl_pos, last) > np.searchsorted(nl_pos, first)

    def at(offset: int) -> np.ndarray:  # symbol id ``offset`` characters before the last visible one (0 if none)
        pos = last - offset
        return np.where(has & (pos >= first), sym[np.minimum(np.maximum(pos, 0), size - 1)], 0)

    c1, c2, c3 = at(0), at(1), at(2)
    first_c = np.where(has, sym[np.minimum(first, size - 1)], 0)
    sid = _S.__getitem__
    return np.column_stack([
        np.log1p(n_chars) / 8.0,
        np.log1p(n_words) / 6.0,
        has & inner_nl,
        n_words <= SHORT_WORDS,
        ~_END_CHARS[c1],
        c1 == sid(":"),
        (c1 == sid("?")) | ((c1 == sid("!")) & (c2 == sid("?"))),
        c1 == sid("!"),
        ((c1 == sid(".")) & (c2 == sid(".")) & (c3 == sid("."))) | (c1 == sid("…")),
        ((c1 == sid(">")) & (c2 == sid(">"))) | _ARROWS[c1],
        upper / np.maximum(letters, 1),
        np.minimum(digits / np.maximum(n_chars, 1) * 5.0, 1.0),
        _flag_texts(_URL_RE, joined, starts, ends, _texts_at(_url_hints(cp), starts)),
        _flag_texts(_EMAIL_RE, joined, starts, ends, _texts_at(np.flatnonzero(sym == sid("@")), starts)),
        _phone_flags(joined, cp, sym, cls, starts, ends),
        np.minimum(exclaims, 3) / 3.0,
        np.minimum(questions, 3) / 3.0,
        has & _BULLETS[first_c],
        caps / np.maximum(n_words, 1),
        (n_ends > 0) & (q_ends == n_ends),
        np.minimum(n_ends, 5) / 5.0,
    ]).astype(np.float64)


def _empty_layout(n: int) -> np.ndarray:
    """Layout rows of ``n`` texts with no visible character."""
    row = np.zeros(len(LAYOUT_FEATURES))
    row[SHORT_COLUMN] = 1.0
    row[LAYOUT_FEATURES.index("no_end_punct")] = 1.0
    return np.tile(row, (n, 1))


def layout_features(text: str) -> list[float]:
    """:func:`layout_matrix` of one text, as a list."""
    return layout_matrix([text])[0].tolist()


#: Names of the context features, in the order of :func:`context_features`.
CONTEXT_FEATURES: tuple[str, ...] = (
    "own_promo", "own_boiler", "own_nonrep",
    "prev_promo", "prev_boiler", "next_promo", "next_boiler",
    "prev2_nonrep", "next2_nonrep", "has_prev", "has_next",
    "max_nonrep_after", "max_nonrep_before", "reporting_after", "reporting_before",
    "run_after", "run_before", "rel_position", "is_first", "is_last", "near_end", "near_start",
    "short", "short_x_next_nonrep", "short_x_next_promo", "log_n",
    "question", "question_pair", "question_pair_x_nonrep",
)
#: Context features a model trained before they existed lacks (:meth:`ContextClassifier` keeps the names it used).
QUESTION_FEATURES: tuple[str, ...] = ("question", "question_pair", "question_pair_x_nonrep")


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.minimum(np.maximum(p, 1e-6), 1 - 1e-6)
    return np.log(p / (1 - p))


#: Context features that describe position alone, or stand in for it (the number of reporting units after a unit
#: grows with its distance from the end); left out unless asked for, because a position prior makes a cleaner eat
#: a clean article from its end (every article has a last paragraph) and keep a teaser placed early in an article.
POSITION_FEATURES: tuple[str, ...] = ("has_prev", "has_next", "rel_position", "is_first", "is_last", "near_end",
                                      "near_start", "log_n", "reporting_after", "reporting_before")
_RELATIONAL = np.array([name not in POSITION_FEATURES for name in CONTEXT_FEATURES])


def context_feature_names(position: bool = False) -> list[str]:
    """Names of the columns :func:`context_features` returns."""
    return [n for n, keep in zip(CONTEXT_FEATURES, _RELATIONAL) if position or keep]


def _running_max_per_doc(values: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Running maxima of ``values`` from each unit to its document's end, and from its document's start.

    Several documents at once: each value is replaced by its rank plus its document's number times ``n``, so one
    accumulate over the batch restarts at every document and never mixes documents; ranks are integers, so the
    maxima are exactly the values (the same, bit for bit, as one accumulate per document, for values without -0.0:
    scores of ``1 - p`` never are)."""
    if lengths.size == 1:
        return np.maximum.accumulate(values[::-1])[::-1], np.maximum.accumulate(values)
    n = values.size
    order = np.argsort(values, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    doc = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    before = np.maximum.accumulate(rank + doc * n) - doc * n
    after = (np.maximum.accumulate((rank - doc * n)[::-1] + (lengths.size - 1) * n)[::-1]
             + doc * n - (lengths.size - 1) * n)
    return values[order[after]], values[order[before]]


def context_features(probs: np.ndarray, short: np.ndarray, *, question: np.ndarray | None = None,
                     position: bool = False, lengths: Sequence[int] | None = None) -> np.ndarray:
    """Context features of every unit of one document, or of several documents one after another.

    ``probs`` holds the paragraph-alone probabilities (rows: units in order; columns: reporting, promotional,
    boilerplate); ``short`` flags short units (headings, one-liners) and ``question`` units that end with a
    question mark (none if not given): a question next to another question reads as a teaser ("Sell now? Or
    buy in?"), one followed by its answer as reporting. ``lengths`` gives the number of units of each document
    when the rows hold several (default: one document). Returns one row per unit; the pure position features
    (:data:`POSITION_FEATURES`) only with ``position=True``. Neighbours never cross documents.
    """
    n = probs.shape[0]
    if n == 0:
        return np.zeros((0, len(context_feature_names(position))))
    lengths = np.asarray([n] if lengths is None else lengths, dtype=np.int64)
    lengths = lengths[lengths > 0]
    doc_start = np.repeat(np.cumsum(lengths) - lengths, lengths)
    doc_len = np.repeat(lengths, lengths)
    idx = np.arange(n)
    pos = idx - doc_start
    from_end = doc_len - 1 - pos
    promo, boiler = probs[:, 1], probs[:, 2]
    nonrep = 1.0 - probs[:, 0]
    rep = nonrep < 0.5

    neighbours: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # k -> (units with a k-th neighbour, its index)

    def shifted(values: np.ndarray, k: int) -> np.ndarray:
        """values[i + k] where that unit is in the same document, else 0."""
        if k not in neighbours:
            ok = np.flatnonzero(from_end >= k if k > 0 else pos >= -k)
            neighbours[k] = ok, ok + k
        ok, src = neighbours[k]
        out = np.zeros(n)
        out[ok] = values[src]
        return out

    incl_after, incl_before = _running_max_per_doc(nonrep, lengths)
    max_after = shifted(incl_after, 1)
    max_before = shifted(incl_before, -1)
    rep_cum = np.concatenate([[0], np.cumsum(rep)])
    doc_end = doc_start + doc_len
    rep_after = rep_cum[doc_end] - rep_cum[idx + 1]
    rep_before = rep_cum[idx] - rep_cum[doc_start]
    # lengths of the runs of non-reporting units that start right after / end right before each unit
    stop = np.where(~rep, n, idx)  # first reporting unit at or after i ...
    next_rep = np.minimum(np.minimum.accumulate(stop[::-1])[::-1], doc_end)  # ... within the document
    streak_fwd = next_rep - idx  # non-reporting units from i on
    start = np.where(~rep, -1, idx)
    prev_rep = np.maximum(np.maximum.accumulate(start), doc_start - 1)
    streak_back = idx - prev_rep  # non-reporting units up to i
    run_after = shifted(streak_fwd.astype(np.float64), 1)
    run_before = shifted(streak_back.astype(np.float64), -1)
    next_nonrep = shifted(nonrep, 1)
    next_promo = shifted(promo, 1)
    question = np.zeros(n) if question is None else np.asarray(question, dtype=np.float64)
    question_pair = question * np.maximum(shifted(question, -1), shifted(question, 1))
    cols = [
        _logit(promo), _logit(boiler), _logit(nonrep),
        shifted(promo, -1), shifted(boiler, -1), next_promo, shifted(boiler, 1),
        shifted(nonrep, -2), shifted(nonrep, 2), (pos > 0).astype(float), (from_end > 0).astype(float),
        max_after, max_before, np.log1p(rep_after), np.log1p(rep_before),
        np.minimum(run_after, 4) / 4, np.minimum(run_before, 4) / 4,
        pos / np.maximum(doc_len - 1, 1), (pos == 0).astype(float), (from_end == 0).astype(float),
        np.minimum(from_end, 5) / 5, np.minimum(pos, 5) / 5,
        short, short * next_nonrep, short * next_promo, np.log1p(doc_len) / 4,
        question, question_pair, question_pair * nonrep,
    ]
    out = np.column_stack(cols).astype(float)
    return out if position else out[:, _RELATIONAL]
