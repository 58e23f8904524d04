"""The annotated article format: read, write and check labelled articles.

An annotated article is a UTF-8 text file: an optional front-matter block (``---`` lines with ``key: value``),
then paragraphs separated by blank lines. A paragraph is ``reporting`` unless a tag line such as
``[promotional family=NAME]`` or ``[boilerplate family=NAME]`` stands directly above its first line.
``hard`` in a tag marks a deliberate hard case. See ``data/ANNOTATION.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LABELS: tuple[str, ...] = ("reporting", "promotional", "boilerplate")

_TAG_RE = re.compile(r"^\[(reporting|promotional|boilerplate)((?:\s+[^\]\s]+)*)\s*\]\s*$")
_BLOCK_SPLIT_RE = re.compile(r"\n[ \t]*\n")


class CorpusFormatError(ValueError):
    """An annotated file that does not follow the format; the message names the file and line."""


@dataclass
class LabelledParagraph:
    """One labelled paragraph of an annotated article."""

    text: str
    label: str = "reporting"
    family: str | None = None
    hard: bool = False


@dataclass
class Article:
    """An annotated article: its metadata and labelled paragraphs in order."""

    doc_id: str
    lang: str | None
    paragraphs: list[LabelledParagraph]
    meta: dict[str, str] = field(default_factory=dict)
    path: str | None = None

    @property
    def text(self) -> str:
        """The plain article text, paragraphs joined by a blank line."""
        return "\n\n".join(p.text for p in self.paragraphs)


def _parse_front_matter(lines: list[str], where: str) -> tuple[dict[str, str], int]:
    if not lines or lines[0].strip() != "---":
        return {}, 0
    meta: dict[str, str] = {}
    for i in range(1, len(lines)):
        line = lines[i]
        if line.strip() == "---":
            return meta, i + 1
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise CorpusFormatError(f"{where}:{i + 1}: front matter line is not 'key: value': {line!r}")
        meta[key.strip().lower()] = value.strip()
    raise CorpusFormatError(f"{where}: front matter opened with '---' but never closed")


def _parse_tag(line: str, where: str) -> tuple[str, str | None, bool] | None:
    m = _TAG_RE.match(line.strip())
    if not m:
        if line.lstrip().startswith("[") and re.match(r"^\s*\[(promo|boiler|report)\w*\b", line, re.I):
            raise CorpusFormatError(f"{where}: malformed tag line {line.strip()!r}")
        return None
    label, rest = m.group(1), m.group(2).split()
    family: str | None = None
    hard = False
    for item in rest:
        if item == "hard":
            hard = True
        elif item.startswith("family="):
            family = item[len("family="):] or None
        else:
            raise CorpusFormatError(f"{where}: unknown item {item!r} in tag line {line.strip()!r}")
    return label, family, hard


def parse_article(text: str, *, doc_id: str | None = None, lang: str | None = None,
                  path: str | None = None) -> Article:
    """Parse one annotated article from its text."""
    where = path or doc_id or "<text>"
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    meta, body_start = _parse_front_matter(lines, where)
    body = "\n".join(lines[body_start:])
    first_line = body_start + 1
    paragraphs: list[LabelledParagraph] = []
    offset_lines = first_line
    for block in _BLOCK_SPLIT_RE.split(body):
        block_lines = block.split("\n")
        n_lines = len(block_lines)
        while block_lines and not block_lines[0].strip():
            block_lines.pop(0)
            offset_lines += 1
        while block_lines and not block_lines[-1].strip():
            block_lines.pop()
        if block_lines:
            tag = _parse_tag(block_lines[0], f"{where}:{offset_lines}")
            label, family, hard = "reporting", None, False
            if tag is not None:
                label, family, hard = tag
                block_lines = block_lines[1:]
                if not block_lines or not "".join(block_lines).strip():
                    raise CorpusFormatError(f"{where}:{offset_lines}: tag line with no paragraph under it")
            para_text = "\n".join(line.rstrip() for line in block_lines)
            paragraphs.append(LabelledParagraph(para_text, label, family, hard))
        offset_lines += n_lines + 1
    final_id = meta.get("id") or doc_id
    if not final_id:
        raise CorpusFormatError(f"{where}: no article id (add 'id: ...' to the front matter)")
    return Article(final_id, meta.get("lang") or lang, paragraphs, meta, path)


def read_article(path: str | Path) -> Article:
    """Read one annotated article file; the id defaults to the file name, the language to the folder name."""
    p = Path(path)
    folder_lang = p.parent.name if re.fullmatch(r"[a-z]{2}", p.parent.name) else None
    return parse_article(p.read_text(encoding="utf-8"), doc_id=p.stem, lang=folder_lang, path=str(p))


def iter_article_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield annotated ``.txt`` files from files and folders (recursively), sorted within each folder."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*.txt") if q.is_file())
        else:
            yield p


def format_article(article: Article) -> str:
    """Write an article back in the annotated format (the inverse of :func:`parse_article`)."""
    out = ["---", f"id: {article.doc_id}"]
    if article.lang:
        out.append(f"lang: {article.lang}")
    for key, value in article.meta.items():
        if key not in ("id", "lang"):
            out.append(f"{key}: {value}")
    out.append("---")
    blocks = []
    for p in article.paragraphs:
        items = []
        if p.label != "reporting" or p.hard:
            items.append(p.label)
            if p.family:
                items.append(f"family={p.family}")
            if p.hard:
                items.append("hard")
            blocks.append("[" + " ".join(items) + "]\n" + p.text)
        else:
            blocks.append(p.text)
    return "\n".join(out) + "\n" + "\n\n".join(blocks) + "\n"
