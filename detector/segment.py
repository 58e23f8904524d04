"""Split text into units (paragraphs) with character offsets into the original string.

Rules, in order:

1. Paragraphs are separated by blank lines: a line break followed by one or more whitespace-only lines, with
   any mix of ``\\n``, ``\\r\\n`` and ``\\r``.
2. A text with no blank line but several lines is split per line; a bullet list stays with its lead-in line
   (the line ending in ``:`` before it) and consecutive bullet lines stay together.
3. A unit longer than :data:`RUNON_MIN_CHARS` without any line break is run-on text (a scraper lost the
   paragraph breaks, ads may be glued in): it is split into sentence-sized units (:mod:`detector.sentences`).
4. Units never include their surrounding whitespace, so ``text[unit.start:unit.end]`` is the unit's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A line break followed by at least one whitespace-only line (the blank line), in any newline convention.
_BLANK_LINE_SEP = re.compile(r"(?:\r\n|\r|\n)(?:[^\S\r\n]*(?:\r\n|\r|\n))+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: A unit at least this long with no line break in it is treated as run-on text and split into sentences.
RUNON_MIN_CHARS = 1000
#: A line that is an item of a bullet or numbered list.
BULLET_RE = re.compile(r"^[^\S\r\n]*(?:[-*•·–—▪►✓◦]|\d{1,2}[.)])[^\S\r\n]+\S", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Span:
    """A unit of text: ``text[start:end]``; ``kind`` says how it was found (``paragraph``, ``line``)."""

    start: int
    end: int
    kind: str = "paragraph"


def _trimmed(text: str, start: int, end: int, kind: str) -> Span | None:
    """The span without leading/trailing whitespace, or None if nothing but whitespace is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, kind) if start < end else None


def _pieces(text: str, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    pieces, pos = [], 0
    for m in sep.finditer(text):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(text)))
    return pieces


def _split_lines(text: str) -> list[Span]:
    spans: list[Span] = []
    open_list = False  # the last span is a lead-in line or a list, so bullets join it
    for a, b in _pieces(text, _LINE_BREAK):
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


def _split_runon(text: str, spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        if span.end - span.start >= RUNON_MIN_CHARS and not _LINE_BREAK.search(text, span.start, span.end):
            from .sentences import sentence_spans

            out.extend(Span(a, b, "sentence") for a, b in sentence_spans(text, span.start, span.end))
        else:
            out.append(span)
    return out


def segment(text: str) -> list[Span]:
    """Split ``text`` into units; see the module docstring for the rules."""
    blocks = [s for a, b in _pieces(text, _BLANK_LINE_SEP) if (s := _trimmed(text, a, b, "paragraph"))]
    if len(blocks) == 1 and _LINE_BREAK.search(text, blocks[0].start, blocks[0].end):
        blocks = _split_lines(text)
    return _split_runon(text, blocks)
