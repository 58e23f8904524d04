"""Lossless removal of whole units from a text.

The output is the input with each removed unit and the separator whitespace it leaves behind cut out: a removed
unit takes the whitespace up to the next unit with it; a removed last unit takes the whitespace before it. Every
kept character is unchanged and in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from .segment import Span


def removal_ranges(spans: Sequence[Span], remove: Sequence[bool]) -> list[tuple[int, int]]:
    """Character ranges ``[a, b)`` to cut, merged and in order, for removing ``spans[i]`` where ``remove[i]``."""
    n = len(spans)
    last_kept = max((i for i in range(n) if not remove[i]), default=-1)
    ranges: list[tuple[int, int]] = []
    for i, (span, cut) in enumerate(zip(spans, remove)):
        if not cut:
            continue
        if i < last_kept:  # the unit and the separator after it
            a, b = span.start, spans[i + 1].start
        elif last_kept >= 0:  # a trailing unit: the separator before it and the unit
            a, b = spans[last_kept].end if i == last_kept + 1 else spans[i - 1].end, span.end
        else:  # nothing kept at all: the units, leading/trailing whitespace stays
            a, b = span.start, spans[i + 1].start if i + 1 < n else span.end
        if ranges and a <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(b, ranges[-1][1]))
        else:
            ranges.append((a, b))
    return ranges


def cut(text: str, spans: Sequence[Span], remove: Sequence[bool]) -> str:
    """``text`` without the units flagged in ``remove`` (see the module docstring)."""
    ranges = removal_ranges(spans, remove)
    if not ranges:
        return text
    parts, pos = [], 0
    for a, b in ranges:
        parts.append(text[pos:a])
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


class Excerpt:
    """A text made of pieces of a source string, so repeated cuts can still be mapped back to the source."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pieces: list[tuple[int, int]] = [(0, len(source))] if source else []

    @property
    def text(self) -> str:
        if len(self.pieces) == 1 and self.pieces[0] == (0, len(self.source)):
            return self.source
        return "".join(self.source[a:b] for a, b in self.pieces)

    def to_source(self, pos: int, *, end: bool = False) -> int:
        """Offset in the source of position ``pos`` of the current text (``end``: of a range's end)."""
        for a, b in self.pieces:
            if pos < b - a or (end and pos == b - a):
                return a + pos
            pos -= b - a
        return self.pieces[-1][1] if self.pieces else 0

    def remove(self, ranges: Sequence[tuple[int, int]]) -> None:
        """Cut ``[a, b)`` ranges given in coordinates of the current text (sorted, disjoint)."""
        out: list[tuple[int, int]] = []
        offset = 0  # current-text offset where the piece starts
        ri = 0
        for a, b in self.pieces:
            length = b - a
            start = 0
            while ri < len(ranges) and ranges[ri][0] < offset + length:
                ca, cb = ranges[ri]
                lo, hi = max(ca - offset, start), min(cb - offset, length)
                if lo > start:
                    out.append((a + start, a + lo))
                start = max(start, hi)
                if cb <= offset + length:
                    ri += 1
                else:
                    break
            if start < length:
                out.append((a + start, b))
            offset += length
        self.pieces = out
