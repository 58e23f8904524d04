"""Features of a paragraph on its own (words, layout) and in its document (neighbours, position).

Everything here is deterministic and offline: tokens come from regular expressions, stems from nltk's Snowball
stemmers (pure code, no data files).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from nltk.stem.snowball import SnowballStemmer

_STEMMERS = {"de": SnowballStemmer("german"), "en": SnowballStemmer("english")}

_DE_WORDS = frozenset(
    "der die das und ist nicht mit sich auf für ein eine einer den dem des von zu im auch wie noch bei "
    "nach aus sind wird werden hat haben sie ihr ihre oder aber als um über vom zum zur jetzt".split()
)
_EN_WORDS = frozenset(
    "the and of to in is that for with on as are was by it this be at from has have an or its will "
    "you your their which been were after about said than more".split()
)

# One pass over the text; the group that matched says what kind of token it is.
_TOKEN_RE = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]*\.(?:com|de|net|org|io|co|uk|at|ch)(?:/\S*)?\b)"
    r"|(?P<email>\b[\w.+-]+@[\w-]+\.[\w.-]+\b)"
    r"|(?P<money>[$€£]\s?\d[\d.,]*|\d[\d.,]*\s?(?:€|\$|£|Euro|EUR|USD|Dollar|dollars?)\b)"
    r"|(?P<pct>\d[\d.,]*\s?(?:%|Prozent|percent)(?!\w))"
    r"|(?P<num>\d[\d.,:/]*)"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)?)"
    r"|(?P<punct>\?!|!\?|>>+|\.\.\.|…|[?!:|*©@#>»→▶➤])",
    re.UNICODE,
)


# Characters that split words without being visible (soft hyphen, zero-width space/joiners, word joiner, BOM),
# HTML tags and entities left over from extraction: features ignore them (the text itself is never changed).
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")


def normalize_for_features(text: str) -> str:
    """Text as the features see it: invisible characters dropped, HTML tags removed and entities decoded."""
    if "&" in text or "<" in text:
        text = html.unescape(_TAG_RE.sub(" ", text))
    return _INVISIBLE_RE.sub("", text)


def guess_language(text: str) -> str:
    """``de`` or ``en`` from function words (and umlauts as a tie-breaker); English when in doubt."""
    de = en = 0
    for w in re.findall(r"[^\W\d_]+", text[:2000].lower()):
        de += w in _DE_WORDS
        en += w in _EN_WORDS
    if de == en:
        return "de" if re.search(r"[äöüß]", text[:2000], re.I) else "en"
    return "de" if de > en else "en"


@lru_cache(maxsize=200_000)
def _stem(word: str, lang: str) -> str:
    return _STEMMERS[lang].stem(word)


def tokenize(text: str, lang: str | None = None) -> list[str]:
    """Normalised tokens: stemmed lower-case words, ``__url__``/``__num__``-style placeholders, key punctuation.

    The paragraph's start and end are marked (``__bos__``, ``__eos__``) so that bigrams see how it opens and ends.
    """
    text = normalize_for_features(text)
    lang = lang or guess_language(text)
    out = ["__bos__"]
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "word":
            out.append(_stem(m.group().lower(), lang))
        elif kind == "punct":
            out.append(m.group())
        else:
            out.append(f"__{kind}__")
    out.append("__eos__")
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


def short_flags(texts: Sequence[str]) -> np.ndarray:
    """1.0 for each short unit (:data:`SHORT_WORDS` words or fewer), else 0.0 — the ``short`` input of
    :func:`context_features`."""
    return np.array([len(t.split()) <= SHORT_WORDS for t in texts], dtype=float)


#: Names of the layout features, in the order of :func:`layout_features`.
LAYOUT_FEATURES: tuple[str, ...] = (
    "log_chars", "log_words", "multi_line", "short", "no_end_punct", "ends_colon", "ends_question",
    "ends_exclaim", "ends_ellipsis", "ends_arrows", "upper_ratio", "digit_ratio", "has_url", "has_email",
    "has_phone", "exclaims", "questions", "bullet_start", "title_case", "only_questions", "sentences",
)


_LETTER_RE = re.compile(r"[^\W\d_]")
# Sentence ends: runs of . ! ? … followed by a space, a quote or the end (not 3.5 or z.B.).
_SENT_END_RE = re.compile(r"[.!?…]+(?=[\s\"“”»)]|$)")
_UPPER_RE = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž]")
_DIGIT_RE = re.compile(r"\d")


def layout_features(text: str) -> list[float]:
    """Shape of a paragraph: length, how it ends, capitals, digits, links, contact data."""
    return list(_layout(text))


@lru_cache(maxsize=32768)
def _layout(text: str) -> tuple[float, ...]:
    stripped = normalize_for_features(text).strip()
    n_chars = len(stripped)
    words = stripped.split()
    n_words = len(words)
    letters = len(_LETTER_RE.findall(stripped)) or 1
    upper = len(_UPPER_RE.findall(stripped))
    digits = len(_DIGIT_RE.findall(stripped))
    last = stripped[-1:] or " "
    tail = stripped[-3:]
    caps = sum(1 for w in words if w[:1].isupper())
    ends = _SENT_END_RE.findall(stripped)
    return (
        math.log1p(n_chars) / 8.0,
        math.log1p(n_words) / 6.0,
        float("\n" in stripped),
        float(n_words <= SHORT_WORDS),
        float(last not in _SENT_END),
        float(last == ":"),
        float(last == "?" or tail.endswith("?!")),
        float(last == "!"),
        float(tail == "..." or last == "…"),
        float(tail.endswith(">>") or last in "»→▶➤"),
        upper / letters,
        min(digits / max(n_chars, 1) * 5.0, 1.0),
        float(bool(_URL_RE.search(stripped))),
        float(bool(_EMAIL_RE.search(stripped))),
        float(bool(_PHONE_RE.search(stripped))),
        min(stripped.count("!"), 3) / 3.0,
        min(stripped.count("?"), 3) / 3.0,
        float(stripped[:1] in "-*•·–▪►✓"),
        caps / n_words if n_words else 0.0,
        float(bool(ends) and all("?" in e for e in ends)),
        min(len(ends), 5) / 5.0,
    )


#: Names of the context features, in the order of :func:`context_features`.
CONTEXT_FEATURES: tuple[str, ...] = (
    "own_promo", "own_boiler", "own_nonrep",
    "prev_promo", "prev_boiler", "next_promo", "next_boiler",
    "prev2_nonrep", "next2_nonrep", "has_prev", "has_next",
    "max_nonrep_after", "max_nonrep_before", "reporting_after", "reporting_before",
    "run_after", "run_before", "rel_position", "is_first", "is_last", "near_end", "near_start",
    "short", "short_x_next_nonrep", "short_x_next_promo", "log_n",
)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


#: Context features that describe position alone; left out unless asked for, because a position prior makes a
#: cleaner eat a clean article from its end (every article has a last paragraph).
POSITION_FEATURES: tuple[str, ...] = ("has_prev", "has_next", "rel_position", "is_first", "is_last", "near_end",
                                      "near_start", "log_n")
_RELATIONAL = np.array([name not in POSITION_FEATURES for name in CONTEXT_FEATURES])


def context_feature_names(position: bool = False) -> list[str]:
    """Names of the columns :func:`context_features` returns."""
    return [n for n, keep in zip(CONTEXT_FEATURES, _RELATIONAL) if position or keep]


def context_features(probs: np.ndarray, short: np.ndarray, *, position: bool = False) -> np.ndarray:
    """Context features of every unit of one document.

    ``probs`` holds the paragraph-alone probabilities (rows: units in order; columns: reporting, promotional,
    boilerplate); ``short`` flags short units (headings, one-liners). Returns one row per unit; the pure position
    features (:data:`POSITION_FEATURES`) only with ``position=True``.
    """
    n = probs.shape[0]
    if n == 0:
        return np.zeros((0, len(context_feature_names(position))))
    promo, boiler = probs[:, 1], probs[:, 2]
    nonrep = 1.0 - probs[:, 0]
    rep = nonrep < 0.5
    pad = np.zeros(2)
    promo_p = np.concatenate([pad, promo, pad])
    boiler_p = np.concatenate([pad, boiler, pad])
    nonrep_p = np.concatenate([pad, nonrep, pad])
    idx = np.arange(n) + 2
    # suffix/prefix maxima and counts, excluding the unit itself
    max_after = np.concatenate([np.maximum.accumulate(nonrep[::-1])[::-1][1:], [0.0]])
    max_before = np.concatenate([[0.0], np.maximum.accumulate(nonrep)[:-1]])
    rep_after = np.concatenate([np.cumsum(rep[::-1])[::-1][1:], [0]])
    rep_before = np.concatenate([[0], np.cumsum(rep)[:-1]])
    run_after = np.zeros(n)
    run_before = np.zeros(n)
    for i in range(n - 2, -1, -1):
        run_after[i] = run_after[i + 1] + 1 if nonrep[i + 1] >= 0.5 else 0
    for i in range(1, n):
        run_before[i] = run_before[i - 1] + 1 if nonrep[i - 1] >= 0.5 else 0
    pos = np.arange(n)
    from_end = n - 1 - pos
    next_nonrep = nonrep_p[idx + 1]
    next_promo = promo_p[idx + 1]
    cols = [
        _logit(promo), _logit(boiler), _logit(nonrep),
        promo_p[idx - 1], boiler_p[idx - 1], next_promo, boiler_p[idx + 1],
        nonrep_p[idx - 2], nonrep_p[idx + 2], (pos > 0).astype(float), (from_end > 0).astype(float),
        max_after, max_before, np.log1p(rep_after), np.log1p(rep_before),
        np.minimum(run_after, 4) / 4, np.minimum(run_before, 4) / 4,
        pos / max(n - 1, 1), (pos == 0).astype(float), (from_end == 0).astype(float),
        np.minimum(from_end, 5) / 5, np.minimum(pos, 5) / 5,
        short, short * next_nonrep, short * next_promo, np.full(n, math.log1p(n) / 4),
    ]
    out = np.column_stack(cols).astype(float)
    return out if position else out[:, _RELATIONAL]
