"""HTML in: the main text of a web page, one paragraph per block, ready for cleaning.

Main-text extraction is trafilatura's (optional extra ``finpromo[html]``): it drops navigation, headers, footers
and sidebars, but keeps promotional blocks inside the article body because they look like article text — that is
what finpromo then cuts. Each block trafilatura keeps (heading, paragraph, quote, list, table) becomes one
paragraph, separated by blank lines; list items and table rows are lines of their block. Folders of pages are
extracted to a tree of ``.txt`` files (:func:`extract_tree`) that the folder mode of ``finpromo clean`` cleans.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from typing import Any

#: The extra to install for HTML input.
HTML_EXTRA = "finpromo[html]"
_SPACE_RE = re.compile(r"[^\S\n]+")


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""


def import_extra(module: str, purpose: str, extra: str) -> Any:
    """Import an optional dependency, or raise :class:`MissingExtraError` saying which extra brings it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(f"{purpose} {module.split('.')[0]}, which is not installed: pip install '{extra}'"
                                ) from None


def _trafilatura() -> Any:
    return import_extra("trafilatura", "HTML input needs", HTML_EXTRA)


def _inline(element: Any) -> str:
    """Text of an element; ``<lb/>`` line breaks kept, other whitespace runs collapsed."""
    parts = []
    for node in element.iter():
        if node.tag == "lb":
            parts.append("\n")
        elif node is element or node.text:
            parts.append(node.text or "")
        if node is not element and node.tail:
            parts.append(node.tail)
    lines = (_SPACE_RE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _block(element: Any) -> str:
    if element.tag == "list":
        return "\n".join(f"- {text}" for item in element.iter("item") if (text := _inline(item)))
    if element.tag == "table":
        rows = (" | ".join(c for cell in row if (c := _inline(cell))) for row in element.iter("row"))
        return "\n".join(r for r in rows if r)
    return _inline(element)


def html_to_text(html: str | bytes) -> str:
    """The main text of an HTML page, blocks separated by blank lines (empty if trafilatura finds none).

    ``bytes`` are decoded by trafilatura (it reads the page's declared charset).
    """
    trafilatura = _trafilatura()
    from lxml import etree

    xml = trafilatura.extract(html, output_format="xml", include_comments=False, include_tables=True,
                              include_images=False, include_links=False, include_formatting=False)
    if not xml:
        return ""
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    if main is None:
        return ""
    blocks = (_block(child) for child in main if isinstance(child.tag, str) and child.tag != "graphic")
    return "\n\n".join(b for b in blocks if b) + "\n"


#: File endings read as HTML pages in folders.
HTML_SUFFIXES = (".html", ".htm")


def extract_tree(inputs: list[str], dest: str | os.PathLike[str]) -> list[str]:
    """Main text of every HTML page under ``inputs`` (folders, or single files) as ``.txt`` files under ``dest``.

    Returns the inputs to clean in their place: a folder becomes a folder of ``dest`` mirroring it (``a/b.html`` ->
    ``a/b.txt``), a file becomes ``dest/<name>.txt``; so cleaning the returned paths into an output folder mirrors
    the original tree.
    """
    from .textio import InputError

    root = Path(dest)
    out: list[str] = []
    loose = root / "files"
    for i, item in enumerate(inputs):
        p = Path(item)
        if p.is_dir():
            target = root / f"tree{i}"
            pages = [f for f in sorted(p.rglob("*")) if f.suffix.lower() in HTML_SUFFIXES and f.is_file()]
            for page in pages:
                _write_text(target / page.relative_to(p).with_suffix(".txt"), html_to_text(page.read_bytes()))
            target.mkdir(parents=True, exist_ok=True)
            out.append(str(target))
        elif p.is_file():
            dst = loose / p.with_suffix(".txt").name
            _write_text(dst, html_to_text(p.read_bytes()))
            out.append(str(dst))
        else:
            raise InputError(f"{item}: no such file or folder")
    return out


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
