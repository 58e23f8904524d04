"""The tokens of :data:`~detector.features.TOKEN_PATTERN` found with numpy instead of a regular expression.

``re.findall`` makes one Python string per token; on a batch of articles that and the dict lookup of each
string are most of the feature time. :func:`token_spans` finds the same tokens (the regular expression's
leftmost-first matches, scanned left to right) from per-character classes, and :func:`token_keys` gives each
token a 63-bit key from its code points (a polynomial hash), so a batch's tokens are looked up as an integer
array. ``tests/test_speed.py`` checks the spans against ``findall`` on the corpus and on edge texts.

The scan, for the pattern ``\\d[\\d.,:/]*|\\w+|\\.\\.\\.|[KEPT]`` (plus the batch separator):

- a *number* starts at a digit that follows no word character, the first such digit of its run of number
  characters (digits and ``.,:/``), and runs to the end of that run;
- a *word* starts at a word character that is not a digit, after a non-word character or after a number's
  last digit, and runs to the end of its run of word characters;
- ``...`` is taken three dots at a time from runs of dots outside numbers; kept punctuation outside numbers and
  the separator are one-character tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from .features import KEPT_PUNCT, SEP

_WORD, _DIGIT, _NUMSEP, _DOT, _SINGLE = 1, 2, 4, 8, 16  # character classes (bits)
#: Code points below this get their class (and lower-case) table at first use; those above are looked at one by one.
_BASIC_LIMIT = 0x3001
#: Tokens longer than this many code points get no hash key (looked up by their string instead).
MAX_HASHED = 64
_BASE = np.uint64(0x100000001B3)  # odd: invertible modulo 2**64
_INVERSE = np.uint64(pow(int(_BASE), -1, 1 << 64))
_INVERSE_4096 = np.uint64(pow(int(_INVERSE), 4096, 1 << 64))
_MASK63 = np.uint64((1 << 63) - 1)


def _word_digit_bits(chars: str) -> np.ndarray:
    """The word and digit bits of each character of ``chars``, from the regular expression engine's own ``\\w`` and
    ``\\d``."""
    out = np.zeros(len(chars), dtype=np.uint8)
    for pattern, bit in ((r"\w+", _WORD), (r"\d+", _DIGIT)):
        delta = np.zeros(len(chars) + 1, dtype=np.int8)
        spans = np.array([m.span() for m in re.finditer(pattern, chars)], dtype=np.int64).reshape(-1, 2)
        delta[spans[:, 0]] = 1
        delta[spans[:, 1]] -= 1
        out[np.cumsum(delta[:-1], dtype=np.int8) > 0] |= bit
    return out


@lru_cache(maxsize=1)
def _classes() -> np.ndarray:
    """Class bits of the code points below :data:`_BASIC_LIMIT` (the other classes are of characters among them)."""
    out = _word_digit_bits("".join(map(chr, range(_BASIC_LIMIT))))
    for c in ".,:/":
        out[ord(c)] |= _NUMSEP
    out[ord(".")] |= _DOT
    for c in KEPT_PUNCT + SEP:
        out[ord(c)] |= _SINGLE
    return out


def _through_table(cp: np.ndarray, table: np.ndarray, beyond: Callable[[str], np.ndarray]) -> np.ndarray:
    """``table[cp]``, with the code points beyond the table (emoji, CJK) given by ``beyond`` of the string of their
    distinct characters, one value per character."""
    if int(cp.max()) < table.size:
        return table[cp]
    out = table[np.minimum(cp, table.size - 1)]
    high = np.flatnonzero(cp >= table.size)
    distinct, which = np.unique(cp[high], return_inverse=True)
    out[high] = beyond("".join(map(chr, distinct.tolist())))[which]
    return out


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates included), as uint32."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


_NO_LOWER = np.uint32(0xFFFFFFFF)  # in the lower-case table: not lower-cased code point by code point


def _single_lowers(chars: str) -> np.ndarray:
    """The lower case of each character, :data:`_NO_LOWER` where it is longer than one code point."""
    return np.array([ord(x) if len(x := c.lower()) == 1 else _NO_LOWER for c in chars], dtype=np.uint32)


@lru_cache(maxsize=1)
def _lower_table() -> np.ndarray:
    """``ord(chr(c).lower())`` for code points below :data:`_BASIC_LIMIT`; :data:`_NO_LOWER` where the lower case
    is not one code point of its own: U+0130 (two code points) and the capital sigma (final or not, by context)."""
    table = _single_lowers("".join(map(chr, range(_BASIC_LIMIT))))
    table[0x3A3] = _NO_LOWER
    return table


def lower_code_points(text: str) -> tuple[np.ndarray, str | None]:
    """The code points of ``text.lower()``, and the lower-cased string where it had to be made.

    Lower-casing code point by code point through a table is several times faster than ``str.lower`` on a batch;
    code points beyond the table (emoji, CJK) are lower-cased one distinct code point at a time. Where that would
    differ from ``str.lower`` (a capital sigma, a dotted capital I, any code point whose lower case is longer) the
    string is lower-cased after all. Either way the code points are those of ``text.lower()``.
    """
    cp = code_points(text)
    if cp.size == 0:
        return cp, None
    low = _through_table(cp, _lower_table(), _single_lowers)
    if int(low.max()) != _NO_LOWER:
        return low, None
    lowered = text.lower()
    return code_points(lowered), lowered


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and (exclusive) ends of the runs of True in ``mask``."""
    n = mask.size
    edges = np.flatnonzero(mask[1:] != mask[:-1]) + 1
    if n and mask[0]:
        edges = np.concatenate([[0], edges])
    if n and mask[-1]:
        edges = np.concatenate([edges, [n]])
    return edges[0::2], edges[1::2]


def token_spans(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends (code point offsets) of the tokens of the text with code points ``cp``, in order."""
    n = cp.size
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    cls = _through_table(cp, _classes(), _word_digit_bits)
    word = (cls & _WORD) > 0
    digit = (cls & _DIGIT) > 0
    after_word = np.zeros(n, dtype=bool)
    after_word[1:] = word[:-1]
    ends_at = np.zeros(n + 1, dtype=np.int64)  # each token's end, at its start
    is_start = np.zeros(n, dtype=bool)

    # numbers: the first digit of a number run that follows no word character, to the end of the run
    run_starts, run_ends = _runs((cls & (_DIGIT | _NUMSEP)) > 0)
    candidates = np.flatnonzero(digit & ~after_word)
    run_of = np.searchsorted(run_starts, candidates, side="right") - 1
    first = np.ones(candidates.size, dtype=bool)
    first[1:] = run_of[1:] != run_of[:-1]
    num_starts, num_ends = candidates[first], run_ends[run_of[first]]
    is_start[num_starts] = True
    ends_at[num_starts] = num_ends

    def in_number(positions: np.ndarray) -> np.ndarray:
        if num_starts.size == 0:
            return np.zeros(positions.size, dtype=bool)
        i = np.searchsorted(num_starts, positions, side="right") - 1
        return (i >= 0) & (positions < num_ends[np.maximum(i, 0)])

    # words: a non-digit word character after a non-word character or right after a number, to the end of its
    # word run
    after = num_ends[num_ends < n]
    _, word_ends = _runs(word)
    for word_starts in (np.flatnonzero(word & ~digit & ~after_word), after[word[after] & ~digit[after]]):
        is_start[word_starts] = True
        ends_at[word_starts] = word_ends[np.searchsorted(word_ends, word_starts, side="right")]

    # "..." three dots at a time from runs of dots outside numbers (a run is all inside a number or all outside)
    dot_starts, dot_ends = _runs((cls & _DOT) > 0)
    long = (dot_ends - dot_starts >= 3) & ~in_number(dot_starts)
    dot_starts, counts = dot_starts[long], (dot_ends - dot_starts)[long] // 3
    if counts.size:
        owner = np.repeat(np.arange(counts.size), counts)
        ellipses = dot_starts[owner] + 3 * (np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts))
        is_start[ellipses] = True
        ends_at[ellipses] = ellipses + 3
    # one-character tokens outside numbers (of them only ":" can be inside one)
    singles = np.flatnonzero((cls & _SINGLE) > 0)
    singles = singles[~in_number(singles)]
    is_start[singles] = True
    ends_at[singles] = singles + 1

    starts = np.flatnonzero(is_start)
    return starts, ends_at[starts]


@lru_cache(maxsize=1)
def _low_inverse_powers() -> np.ndarray:
    """``_INVERSE ** k`` (modulo 2**64) for ``k`` below 4096."""
    out = np.full(4096, _INVERSE, dtype=np.uint64)
    out[0] = 1
    return np.cumprod(out)


def _inverse_powers(positions: np.ndarray) -> np.ndarray:
    """``_INVERSE ** p`` (modulo 2**64) for each position: the low and high 12-bit parts from two small tables."""
    high = np.full(int(positions.max()) // 4096 + 1, _INVERSE_4096, dtype=np.uint64)
    high[0] = 1
    np.cumprod(high, out=high)
    return _low_inverse_powers()[positions & 4095] * high[positions >> 12]


def token_keys(cp: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 63-bit key of each token's code points (-1 for tokens longer than :data:`MAX_HASHED`)."""
    if starts.size == 0:
        return np.zeros(0, dtype=np.int64)
    n = int(ends[-1])
    weighted = np.full(n, _BASE, dtype=np.uint64)
    weighted[0] = 1
    np.cumprod(weighted, out=weighted)  # _BASE ** i, wrapping modulo 2**64
    np.multiply(weighted, cp[:n], out=weighted, casting="unsafe")  # in place: two arrays of the text's length
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(weighted, out=prefix[1:])
    del weighted
    keys = ((prefix[ends] - prefix[starts]) * _inverse_powers(starts)) & _MASK63
    keys = keys.view(np.int64)
    keys[ends - starts > MAX_HASHED] = -1
    return keys
