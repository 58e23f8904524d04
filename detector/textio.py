"""Reading user input as text, with errors that say what to do instead of tracebacks."""

from __future__ import annotations

import codecs
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class InputError(ValueError):
    """Input that cannot be read as text; the message names the input and the fix."""


def sniff_encoding(data: bytes) -> str:
    """``--encoding auto``: a BOM's encoding, else UTF-8 if it decodes, else cp1252 (Western European)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def decode(data: bytes, encoding: str = "utf-8", *, name: str = "input") -> str:
    """Decode bytes; a UTF-8 BOM is dropped; binary data or bad bytes raise :class:`InputError`."""
    if encoding == "auto":
        encoding = sniff_encoding(data)
    elif encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
            encoding = "utf-16"
        else:
            encoding = "utf-8-sig"
    if b"\x00" in data[:8192] and not encoding.lower().startswith(("utf-16", "utf-32")):
        raise InputError(f"{name}: contains NUL bytes: a binary file, or UTF-16/UTF-32 text without a byte-order "
                         "mark (then pass --encoding utf-16)")
    try:
        return data.decode(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex()
        raise InputError(f"{name}: not valid {encoding} (byte 0x{bad} at position {exc.start}); pass "
                         f"--encoding with the file's encoding (e.g. --encoding latin-1) or --encoding auto") from None


def read_text(path: str, encoding: str = "utf-8") -> str:
    """Read a file, or standard input for ``-``, as text."""
    if path == "-":
        return decode(sys.stdin.buffer.read(), encoding, name="<stdin>")
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{path}: is a directory; give files (or use --out-dir for folders where supported)")
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return decode(data, encoding, name=path)


@contextmanager
def atomic_path(path: str | os.PathLike[str], *, force: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed to ``path`` only when the block succeeds (else deleted)."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{target}: is a directory")
    if target.exists() and not force:
        raise InputError(f"{target}: exists; use --force to overwrite it")
    if not target.parent.exists():
        raise InputError(f"{target.parent}: no such folder for the output")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@contextmanager
def atomic_output(path: str | os.PathLike[str], *, force: bool = False, encoding: str = "utf-8",
                  newline: str = "") -> Iterator[IO[str]]:
    """Write a text file atomically: to a temporary file beside it, renamed into place only on success."""
    with atomic_path(path, force=force) as tmp, tmp.open("w", encoding=encoding, newline=newline) as fh:
        yield fh
