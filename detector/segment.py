"""Split text into units (paragraphs) with character offsets into the original string.

Rules, in order:

1. Paragraphs are separated by blank lines: a line break followed by one or more whitespace-only lines, with
   any mix of ``\\n``, ``\\r\\n`` and ``\\r``.
2. A text with no blank line but several lines is split per line; so is a block of several lines at least
   :data:`RUNON_MIN_CHARS` long (a headline, a blank line, then a body whose paragraphs are single lines). A
   bullet list stays with its lead-in line (the line ending in ``:`` before it) and consecutive bullet lines stay
   together.
3. A line at least :data:`RUNON_MIN_CHARS` long is run-on text (a scraper lost the paragraph breaks, ads may be
   glued in): it is split into sentence-sized units (:mod:`detector.sentences`); the short lines of its unit
   between run-on lines (a list, a heading) stay together as one unit.
4. Units never include their surrounding whitespace, so ``text[unit.start:unit.end]`` is the unit's text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# A line break followed by at least one whitespace-only line (the blank line), in any newline convention.
_BLANK_LINE_SEP = re.compile(r"((?:\r\n|\r|\n)(?:[^\S\r\n]*(?:\r\n|\r|\n))+)")
# The same for text without "\r" (nearly all), where it matches the same; the engine finds it three times as fast.
_BLANK_LINE_SEP_LF = re.compile(r"(\n(?:[^\S\n]*\n)+)")
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
#: A line at least this long is treated as run-on text and split into sentences.
RUNON_MIN_CHARS = 1000
#: A line that is an item of a bullet or numbered list.
BULLET_RE = re.compile(r"^[^\S\r\n]*(?:[-*•·–—▪►✓◦]|\d{1,2}[.)])[^\S\r\n]+\S", re.MULTILINE)


class Span(NamedTuple):
    """A unit of text: ``text[start:end]``; ``kind`` says how it was found (``paragraph``, ``line``)."""

    start: int
    end: int
    kind: str = "paragraph"


_span = tuple.__new__  # Span(a, b, kind) without the named tuple's argument handling


def _trimmed(text: str, start: int, end: int, kind: str) -> Span | None:
    """The span without leading/trailing whitespace, or None if nothing but whitespace is left."""
    if text[start:start + 1].isspace() or text[end - 1:end].isspace():
        piece = text[start:end]
        body = piece.lstrip()
        start, end = end - len(body), end - len(body) + len(body.rstrip())
    return Span(start, end, kind) if start < end else None


def _pieces(text: str, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of the pieces of ``text`` between matches of ``sep`` (a pattern with one group)."""
    parts = sep.split(text)  # piece, separator, piece, ..., piece
    pieces, pos = [], 0
    for i in range(0, len(parts) - 1, 2):
        end = pos + len(parts[i])
        pieces.append((pos, end))
        pos = end + len(parts[i + 1])
    pieces.append((pos, len(text)))
    return pieces


def _split_lines(text: str, start: int, end: int) -> list[Span]:
    """Rule 2 for ``text[start:end]``: one unit per line, a bullet list together with its lead-in line."""
    spans: list[Span] = []
    open_list = False  # the last span is a lead-in line or a list, so bullets join it
    for a, b in _pieces(text[start:end], _LINE_BREAK):
        a, b = start + a, start + b
        span = _trimmed(text, a, b, "line")
        if span is None:
            continue
        is_bullet = bool(BULLET_RE.match(text, a, b))
        if is_bullet and spans and open_list:
            spans[-1] = Span(spans[-1].start, span.end, "line")
            continue
        spans.append(span)
        open_list = is_bullet or text[span.end - 1] == ":"
    return spans


def _sentences(text: str, start: int, end: int) -> list[Span]:
    from .sentences import sentence_spans

    return [Span(a, b, "sentence") for a, b in sentence_spans(text, start, end)]


def _split_runon(text: str, spans: list[Span]) -> list[Span]:
    """Rule 3: run-on lines split into sentences; the short lines between them stay together."""
    out: list[Span] = []
    for span in spans:
        if span.end - span.start < RUNON_MIN_CHARS:
            out.append(span)
            continue
        lines = [s for a, b in _pieces(text[span.start:span.end], _LINE_BREAK)
                 if (s := _trimmed(text, span.start + a, span.start + b, "line"))]
        if len(lines) == 1:
            out.extend(_sentences(text, span.start, span.end))
            continue
        if all(line.end - line.start < RUNON_MIN_CHARS for line in lines):
            out.append(span)
            continue
        short: list[Span] = []  # a run of short lines (a list, a heading) between run-on lines
        for line in [*lines, None]:
            if line is not None and line.end - line.start < RUNON_MIN_CHARS:
                short.append(line)
                continue
            if short:
                out.append(Span(short[0].start, short[-1].end, "line"))
                short = []
            if line is not None:
                out.extend(_sentences(text, line.start, line.end))
    return out


def segment(text: str) -> list[Span]:
    """Split ``text`` into units; see the module docstring for the rules."""
    parts = (_BLANK_LINE_SEP if "\r" in text else _BLANK_LINE_SEP_LF).split(text)  # block, separator, ..., block
    blocks = []  # (start, end) trimmed and (start, end) as split, of every block with a visible character
    pos, last = 0, len(parts) - 1
    for i in range(0, last + 1, 2):  # one pass, no Span per block: this runs for every text of a corpus
        a = raw_a = pos
        b = raw_b = a + len(parts[i])
        if i < last:
            pos = b + len(parts[i + 1])
        if a == b:
            continue
        if text[a].isspace() or text[b - 1].isspace():
            body = parts[i].lstrip()
            if not body:
                continue
            a = b - len(body)
            b = a + len(body.rstrip())
        blocks.append((a, b, raw_a, raw_b))
    single = len(blocks) == 1
    units: list[Span] = []
    long = False
    for a, b, raw_a, raw_b in blocks:
        if b - a >= RUNON_MIN_CHARS:
            long = True
        elif not single:
            units.append(_span(Span, (a, b, "paragraph")))
            continue
        if _LINE_BREAK.search(text, a, b):
            units.extend(_split_lines(text, raw_a, raw_b))  # from the start of the block's first line
        else:
            units.append(_span(Span, (a, b, "paragraph")))
    return _split_runon(text, units) if long or single else units
