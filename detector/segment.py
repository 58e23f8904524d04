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


def _pieces(text: str, sep: re.Pattern[str], start: int = 0, end: int | None = None
            ) -> list[tuple[int, int, int, int]]:
    """The pieces of ``text[start:end]`` between matches of ``sep`` (a pattern with one group) that hold a visible
    character: ``(start, end)`` without surrounding whitespace, then ``(start, end)`` as split, offsets into
    ``text``. One pass without a call per piece: it runs for every paragraph of a corpus."""
    end = len(text) if end is None else end
    parts = sep.split(text[start:end] if start or end < len(text) else text)  # piece, separator, ..., piece
    pieces = []
    pos, last = start, len(parts) - 1
    for i in range(0, last + 1, 2):
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
        pieces.append((a, b, raw_a, raw_b))
    return pieces


def _split_lines(text: str, start: int, end: int) -> list[Span]:
    """Rule 2 for ``text[start:end]``: one unit per line, a bullet list together with its lead-in line."""
    spans: list[Span] = []
    open_list = False  # the last span is a lead-in line or a list, so bullets join it
    for a, b, raw_a, raw_b in _pieces(text, _LINE_BREAK, start, end):
        span = _span(Span, (a, b, "line"))
        is_bullet = bool(BULLET_RE.match(text, raw_a, raw_b))
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
        lines = [_span(Span, (a, b, "line")) for a, b, _, _ in _pieces(text, _LINE_BREAK, span.start, span.end)]
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
    blocks = _pieces(text, _BLANK_LINE_SEP if "\r" in text else _BLANK_LINE_SEP_LF)
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
