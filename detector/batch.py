"""Cleaning at corpus scale: record files streamed in chunks, a DataFrame function for engines, parallel workers.

Formats are ``text`` (a file is one document), ``jsonl``, ``csv`` and ``parquet`` (pyarrow). Readers yield chunks
of records, so memory stays flat whatever the input size; writers write the same format with the cleaned text in
the text field (or in ``output_field``, the original kept beside it) and, on request, what was cut in
``removed_field``. A malformed record (bad JSON line, missing, non-string or NaN text) is reported through a
callback and, with ``on_error="keep"``, passed through unchanged, so the output has one record per input record.
Output files are written to a temporary file and renamed into place only when the whole run succeeded.

:func:`clean_frame` is the unit a distributed engine calls per partition (Dask ``map_partitions``, Spark
``mapInPandas``); this module never prints: the CLI shows progress, errors and the summary.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .textio import InputError, atomic_path, decode

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .core import Detector

#: Record formats; ``text`` treats a whole file as one document.
FORMATS: tuple[str, ...] = ("text", "jsonl", "csv", "parquet")
#: What to do with a malformed record: pass it through unchanged, drop it, or stop the run.
ON_ERROR: tuple[str, ...] = ("keep", "skip", "fail")
#: Records read, sent to a worker and written at a time; bounds memory together with ``jobs``.
DEFAULT_CHUNK_SIZE = 500
#: Chunks in flight per worker (read ahead of the writer) in parallel runs.
CHUNKS_PER_WORKER = 2
#: File name endings and the format they imply.
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet",
              ".txt": "text"}

_JSON_SEPARATORS = (", ", ": ")


class RecordError(InputError):
    """A malformed record; ``where`` is ``line N`` (JSONL) or ``record N`` (CSV, Parquet), 1-based."""

    def __init__(self, source: str, where: str, message: str) -> None:
        super().__init__(f"{source}: {where}: {message}")
        self.source, self.where, self.reason = source, where, message


@dataclass
class BatchStats:
    """Counts of a run: records, paragraphs, removed paragraphs per label, malformed records, time."""

    records: int = 0
    paragraphs: int = 0
    removed: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        """One line for people: ``1,000 records, 4,210 paragraphs, removed …, 0 errors, 812.3 records/s``."""
        removed = ", ".join(f"{n:,} {label}" for label, n in sorted(self.removed.items())) or "nothing"
        errors = f"{self.errors:,} malformed" + (f" ({self.skipped:,} skipped)" if self.skipped else "")
        return (f"{self.records:,} records, {self.paragraphs:,} paragraphs, removed {removed}, {errors}, "
                f"{self.records_per_second:,.1f} records/s")


@dataclass(frozen=True)
class CleanSettings:
    """What to clean with: a model folder (``None``: the bundled model), threshold and labels to keep."""

    model: str | None = None
    threshold: float | None = None
    keep: tuple[str, ...] = ()


def infer_format(path: str) -> str:
    """The format a file name implies (``text`` for ``-`` and unknown endings)."""
    return EXTENSIONS.get(Path(path).suffix.lower(), "text") if path != "-" else "text"


# -- the cleaning work, in this process or in a worker ---------------------------------------------------------

@lru_cache(maxsize=4)
def _detector(model: str | None) -> Detector:
    """A detector per process and model (workers load the model once, not once per chunk)."""
    from .core import Detector

    return Detector.load(model)


Result = tuple[str, list[dict[str, Any]], int]  # cleaned text, removed paragraphs, paragraph count


def _clean_texts(texts: Sequence[str], settings: CleanSettings, det: Detector | None = None) -> list[Result]:
    """Clean ``texts``: the cleaned text, the removed paragraphs as dicts and the number of paragraphs of each."""
    from .segment import segment

    det = det or _detector(settings.model)
    out: list[Result] = []
    pairs = det.clean_and_explain_many(texts, threshold=settings.threshold, keep=settings.keep)
    for text, (cleaned, removed) in zip(texts, pairs):
        gone = [{"label": p.label, "score": round(p.score, 6), "start": p.start, "end": p.end, "text": p.text}
                for p in removed]
        out.append((cleaned, gone, len(segment(text))))
    return out


def resolve_jobs(jobs: int | None) -> int:
    """Worker processes for ``jobs``: None or 0 is every core, -1 too, -2 all but one (joblib's convention)."""
    cores = os.cpu_count() or 1
    if not jobs:
        return cores
    return jobs if jobs > 0 else max(1, cores + 1 + jobs)


def map_chunks(chunks: Iterable[Any], texts_of: Callable[[Any], list[str]], settings: CleanSettings, *,
               jobs: int | None = 1, det: Detector | None = None) -> Iterator[tuple[Any, list[Result]]]:
    """Each chunk with the results for ``texts_of(chunk)``, in input order, on ``jobs`` processes (joblib).

    A single chunk is cleaned in this process whatever ``jobs`` says: starting workers would cost more.
    """
    n = resolve_jobs(jobs)
    it = iter(chunks)
    head = [c for _, c in zip(range(2), it)]
    if n == 1 or len(head) < 2:
        for chunk in chain(head, it):  # lazily: one chunk in memory at a time
            yield chunk, _clean_texts(texts_of(chunk), settings, det)
        return
    from joblib import Parallel, delayed

    pending: deque[Any] = deque()

    def tasks() -> Iterator[Any]:
        for chunk in chain(head, it):
            pending.append(chunk)
            yield delayed(_clean_texts)(texts_of(chunk), settings)

    parallel = Parallel(n_jobs=n, return_as="generator", pre_dispatch=f"{CHUNKS_PER_WORKER}*n_jobs")
    results = parallel(tasks())
    try:
        for res in results:
            yield pending.popleft(), res
    finally:
        results.close()


# -- records ---------------------------------------------------------------------------------------------------

@dataclass
class Chunk:
    """A run of records: ``texts[i]`` is a record's text, or None with ``errors[i]`` saying why."""

    rows: Any
    texts: list[str | None]
    errors: list[RecordError | None]

    def valid_texts(self) -> list[str]:
        return [t for t in self.texts if t is not None]


def _text_error(value: object, field_name: str) -> str | None:
    if isinstance(value, str):
        return None
    if value is None:
        return f"text field {field_name!r} is missing or null"
    if isinstance(value, float) and math.isnan(value):
        return f"text field {field_name!r} is NaN"
    return f"text field {field_name!r} is {type(value).__name__}, not a string"


def _open_binary(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{path}: is a directory; use --out-dir to clean a folder of .txt files")
    try:
        return p.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None


def _where(where: str, record_id: object) -> str:
    return where if record_id is None or record_id != record_id else f"{where} (id {record_id})"


def read_jsonl(path: str, text_field: str = "text", *, chunk_size: int = DEFAULT_CHUNK_SIZE,
               encoding: str = "utf-8", id_field: str | None = None) -> Iterator[Chunk]:
    """JSONL records in chunks; ``rows`` are ``(line number, raw line, object or None)``."""
    name = "<stdin>" if path == "-" else path
    fh = _open_binary(path)
    try:
        rows: list[tuple[int, bytes, Any]] = []
        texts: list[str | None] = []
        errors: list[RecordError | None] = []
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            obj, error = None, None
            try:
                obj = json.loads(decode(raw.rstrip(b"\r\n"), encoding, name=name))
            except InputError as exc:
                error = str(exc).removeprefix(f"{name}: ").split("; pass --encoding")[0]
            except json.JSONDecodeError as exc:
                error = f"bad JSON ({exc.msg} at column {exc.colno})"
            except ValueError as exc:
                error = f"bad JSON ({exc})"
            if error is None and not isinstance(obj, dict):
                error, obj = f"a JSON {type(obj).__name__}, not an object", None
            text = obj.get(text_field) if obj is not None else None
            if error is None:
                error = _text_error(text, text_field)
            rows.append((lineno, raw, obj))
            texts.append(None if error else text)
            rid = obj.get(id_field) if id_field and obj is not None else None
            errors.append(RecordError(name, _where(f"line {lineno}", rid), error) if error else None)
            if len(rows) >= chunk_size:
                yield Chunk(rows, texts, errors)
                rows, texts, errors = [], [], []
        if rows:
            yield Chunk(rows, texts, errors)
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


def read_csv(path: str, text_field: str = "text", *, chunk_size: int = DEFAULT_CHUNK_SIZE,
             encoding: str = "utf-8", id_field: str | None = None) -> Iterator[Chunk]:
    """CSV records in chunks (every column read as a string; an empty cell is missing); ``rows`` are DataFrames."""
    import pandas as pd

    name = "<stdin>" if path == "-" else path
    fh = _open_binary(path)
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8", "auto") else encoding
    try:
        reader = pd.read_csv(fh, chunksize=chunk_size, dtype=str, keep_default_na=False, na_values=[""],
                             encoding=enc)
        for df in reader:
            if text_field not in df.columns:
                raise InputError(f"{name}: no column {text_field!r} (columns: {', '.join(map(str, df.columns))}); "
                                 f"name the text column with --text-field")
            texts: list[str | None] = []
            errors: list[RecordError | None] = []
            ids = df[id_field].tolist() if id_field in df.columns else [None] * len(df)
            for i, value, rid in zip(df.index, df[text_field].tolist(), ids):
                error = _text_error(value, text_field) if isinstance(value, str) or value == value else \
                    f"text field {text_field!r} is empty"
                texts.append(None if error else value)
                errors.append(RecordError(name, _where(f"record {i + 1}", rid), error) if error else None)
            yield Chunk(df, texts, errors)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: not readable as CSV ({str(exc).strip()})") from None
    except pd.errors.EmptyDataError:
        return
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


def read_parquet(path: str, text_field: str = "text", *, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 encoding: str = "utf-8", id_field: str | None = None) -> Iterator[Chunk]:
    """Parquet records in chunks of row groups' batches; ``rows`` are ``pyarrow.RecordBatch`` objects."""
    pa, pq = _pyarrow()
    if path == "-":
        raise InputError("parquet cannot be read from standard input; give a file")
    _open_binary(path).close()
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: not a Parquet file ({exc})") from None
    if text_field not in pf.schema_arrow.names:
        raise InputError(f"{path}: no column {text_field!r} (columns: {', '.join(pf.schema_arrow.names)}); name the "
                         f"text column with --text-field")
    kind = pf.schema_arrow.field(text_field).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise InputError(f"{path}: column {text_field!r} holds {kind}, not text")
    done = 0
    for batch in pf.iter_batches(batch_size=chunk_size):
        texts: list[str | None] = []
        errors: list[RecordError | None] = []
        ids = batch.column(id_field).to_pylist() if id_field in batch.schema.names else [None] * batch.num_rows
        for i, value, rid in zip(range(done + 1, done + 1 + batch.num_rows), batch.column(text_field).to_pylist(), ids):
            error = _text_error(value, text_field)
            texts.append(None if error else value)
            errors.append(RecordError(path, _where(f"record {i}", rid), error) if error else None)
        done += batch.num_rows
        yield Chunk(batch, texts, errors)


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("parquet needs pyarrow: pip install 'finpromo[parquet]'") from None
    return pa, pq


READERS: dict[str, Callable[..., Iterator[Chunk]]] = {"jsonl": read_jsonl, "csv": read_csv, "parquet": read_parquet}


@dataclass(frozen=True)
class Fields:
    """Where results go: the text field, the field for the cleaned text, and the field for what was cut."""

    text: str = "text"
    output: str | None = None
    removed: str | None = None

    @property
    def cleaned(self) -> str:
        return self.output or self.text


def _keep_mask(chunk: Chunk, on_error: str) -> list[bool]:
    return [e is None or on_error == "keep" for e in chunk.errors]


def _spread(chunk: Chunk, results: list[Result]) -> list[Result | None]:
    it = iter(results)
    return [None if t is None else next(it) for t in chunk.texts]


class JsonlWriter:
    """Writes JSONL records; a malformed record kept is written back exactly as read."""

    def __init__(self, fh: IO[bytes], fields: Fields) -> None:
        self.fh, self.fields = fh, fields

    def write(self, chunk: Chunk, results: list[Result | None], keep: list[bool]) -> None:
        out = []
        for (_, raw, obj), res, k in zip(chunk.rows, results, keep):
            if not k:
                continue
            if res is None:
                out.append(raw if raw.endswith(b"\n") else raw + b"\n")
                continue
            obj[self.fields.cleaned] = res[0]
            if self.fields.removed:
                obj[self.fields.removed] = res[1]
            out.append(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
        self.fh.write(b"".join(out))

    def close(self) -> None:
        self.fh.flush()


class CsvWriter:
    """Writes CSV with a header; removed paragraphs go in as a JSON list."""

    def __init__(self, fh: IO[bytes], fields: Fields) -> None:
        import io

        self.text = io.TextIOWrapper(fh, encoding="utf-8", newline="", write_through=True)
        self.fields, self.header = fields, True

    def write(self, chunk: Chunk, results: list[Result | None], keep: list[bool]) -> None:
        df = chunk.rows.copy()
        cleaned = [df[self.fields.text].iloc[i] if r is None else r[0] for i, r in enumerate(results)]
        df[self.fields.cleaned] = cleaned
        if self.fields.removed:
            df[self.fields.removed] = [None if r is None else json.dumps(r[1], ensure_ascii=False) for r in results]
        df[keep].to_csv(self.text, index=False, header=self.header, lineterminator="\n")
        self.header = False

    def close(self) -> None:
        self.text.flush()
        self.text.detach()


class ParquetWriter:
    """Writes Parquet with the input's schema plus the new columns; removed paragraphs are a list of structs."""

    def __init__(self, fh: IO[bytes], fields: Fields) -> None:
        self.fh, self.fields, self.writer = fh, fields, None

    def write(self, chunk: Chunk, results: list[Result | None], keep: list[bool]) -> None:
        pa, pq = _pyarrow()
        batch = chunk.rows
        original = batch.column(self.fields.text)
        values = [v if r is None else r[0] for v, r in zip(original.to_pylist(), results)]
        cols = {name: batch.column(name) for name in batch.schema.names}
        cols[self.fields.cleaned] = pa.array(values, type=original.type)
        if self.fields.removed:
            struct = pa.struct([("label", pa.string()), ("score", pa.float64()), ("start", pa.int64()),
                                ("end", pa.int64()), ("text", pa.string())])
            cols[self.fields.removed] = pa.array([None if r is None else r[1] for r in results], pa.list_(struct))
        table = pa.table(cols).filter(pa.array(keep, pa.bool_()))
        if self.writer is None:
            schema = table.schema.with_metadata(batch.schema.metadata or {})
            self.writer = pq.ParquetWriter(self.fh, schema)
        self.writer.write_table(table.cast(self.writer.schema))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


WRITERS: dict[str, Callable[[IO[bytes], Fields], Any]] = {"jsonl": JsonlWriter, "csv": CsvWriter,
                                                         "parquet": ParquetWriter}




def clean_records(src: str, dst: str | None, *, fmt: str, settings: CleanSettings = CleanSettings(),
                  fields: Fields = Fields(), id_field: str | None = None, on_error: str = "keep",
                  jobs: int | None = 1, force: bool = False,
                  encoding: str = "utf-8", chunk_size: int = DEFAULT_CHUNK_SIZE, det: Detector | None = None,
                  on_record_error: Callable[[RecordError], None] | None = None,
                  on_progress: Callable[[int], None] | None = None) -> BatchStats:
    """Clean the records of ``src`` (``-``: stdin) into ``dst`` (None: stdout; written atomically otherwise).

    ``on_record_error`` hears about each malformed record; with ``on_error="fail"`` the first one is raised as
    :class:`RecordError` and no output file is left. ``on_progress`` gets the number of records of each chunk done.
    """
    if fmt not in READERS:
        raise InputError(f"unknown record format {fmt!r}; choose from {', '.join(READERS)}")
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error takes {', '.join(ON_ERROR)}; got {on_error!r}")
    if fmt == "parquet":
        _pyarrow()
        if dst is None:
            raise InputError("parquet output needs a file: give -o OUT")
    stats = BatchStats()
    start = time.perf_counter()
    chunks = READERS[fmt](src, fields.text, chunk_size=chunk_size, encoding=encoding, id_field=id_field)

    def run(fh: IO[bytes]) -> None:
        writer = WRITERS[fmt](fh, fields)
        for chunk, results in map_chunks(_checked(chunks, on_error, on_record_error, stats), Chunk.valid_texts,
                                         settings, jobs=jobs, det=det):
            spread = _spread(chunk, results)
            keep = _keep_mask(chunk, on_error)
            writer.write(chunk, spread, keep)
            _count(stats, results)
            stats.records += len(chunk.texts)
            stats.skipped += keep.count(False)
            if on_progress:
                on_progress(len(chunk.texts))
        writer.close()

    if dst is None:
        run(sys.stdout.buffer)
    else:
        with atomic_path(dst, force=force) as tmp, tmp.open("wb") as fh:
            run(fh)
    stats.seconds = time.perf_counter() - start
    return stats


def _checked(chunks: Iterable[Chunk], on_error: str, report: Callable[[RecordError], None] | None,
             stats: BatchStats) -> Iterator[Chunk]:
    """Reports each malformed record as it is read (and raises the first under ``fail``)."""
    for chunk in chunks:
        for error in chunk.errors:
            if error is not None:
                if on_error == "fail":
                    raise error
                stats.errors += 1
                if report:
                    report(error)
        yield chunk


def _count(stats: BatchStats, results: Iterable[Result]) -> None:
    for _, removed, paragraphs in results:
        stats.paragraphs += paragraphs
        stats.removed.update(r["label"] for r in removed)


# -- a folder of .txt files ------------------------------------------------------------------------------------

def tree_files(inputs: Sequence[str], out_dir: str) -> list[tuple[Path, Path]]:
    """``(source, target)`` for every ``.txt`` file under the input folders (files map to ``out_dir/name``)."""
    out = Path(out_dir)
    pairs: list[tuple[Path, Path]] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            if out.resolve() == p.resolve() or p.resolve() in out.resolve().parents:
                raise InputError(f"{out}: is inside the input folder {p}; choose an output folder elsewhere")
            pairs += [(f, out / f.relative_to(p)) for f in sorted(p.rglob("*.txt")) if f.is_file()]
        elif p.is_file():
            pairs.append((p, out / p.name))
        else:
            raise InputError(f"{item}: no such file or folder")
    return pairs


def clean_tree(inputs: Sequence[str], out_dir: str, *, settings: CleanSettings = CleanSettings(),
               on_error: str = "keep", jobs: int | None = 1, force: bool = False, encoding: str = "utf-8",
               chunk_size: int = 64, det: Detector | None = None,
               on_record_error: Callable[[RecordError], None] | None = None,
               on_progress: Callable[[int], None] | None = None) -> BatchStats:
    """Clean every ``.txt`` file under ``inputs`` into the same relative path under ``out_dir``, each atomically.

    A file that cannot be decoded is copied unchanged (``keep``), left out (``skip``) or stops the run (``fail``).
    Existing targets stop the run before anything is written, unless ``force``.
    """
    pairs = tree_files(inputs, out_dir)
    if not force:
        existing = [str(t) for _, t in pairs if t.exists()]
        if existing:
            raise InputError(f"{existing[0]}: exists{f' (and {len(existing) - 1} more)' if len(existing) > 1 else ''}"
                             f"; use --force to overwrite")
    stats = BatchStats()
    start = time.perf_counter()

    def chunks() -> Iterator[Chunk]:
        for i in range(0, len(pairs), chunk_size):
            part = pairs[i:i + chunk_size]
            texts: list[str | None] = []
            errors: list[RecordError | None] = []
            raws = []
            for src, _ in part:
                raw = src.read_bytes()
                try:
                    text, error = decode(raw, encoding, name=str(src)), None
                except InputError as exc:
                    text, error = None, RecordError(str(src), "file", str(exc).removeprefix(f"{src}: "))
                raws.append(raw)
                texts.append(text)
                errors.append(error)
            yield Chunk(list(zip(part, raws)), texts, errors)

    for chunk, results in map_chunks(_checked(chunks(), on_error, on_record_error, stats), Chunk.valid_texts,
                                     settings, jobs=jobs, det=det):
        for ((_, dst), raw), res, k in zip(chunk.rows, _spread(chunk, results), _keep_mask(chunk, on_error)):
            if not k:
                stats.skipped += 1
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(dst, force=True) as tmp:
                tmp.write_bytes(raw if res is None else res[0].encode("utf-8"))
        _count(stats, results)
        stats.records += len(chunk.texts)
        if on_progress:
            on_progress(len(chunk.texts))
    stats.seconds = time.perf_counter() - start
    return stats


# -- DataFrames: the unit engines call -------------------------------------------------------------------------

def clean_frame(df: pd.DataFrame, text_column: str = "text", *, detector: Detector | None = None,
                threshold: float | None = None, keep: Collection[str] = (), output_column: str | None = None,
                removed_column: str | None = None) -> pd.DataFrame:
    """A copy of ``df`` with ``text_column`` cleaned (into ``output_column`` if given, the original kept).

    ``removed_column`` gets a list of the removed paragraphs (label, score, start, end, text) per row. Values
    that are not strings (None, NaN) pass through unchanged, with an empty removed list. Without ``detector``
    the bundled model is loaded once per process, so this is cheap to call per partition (Dask
    ``map_partitions``, Spark ``mapInPandas``); an empty frame gets the new columns, for schema inference.
    """
    if text_column not in df.columns:
        raise KeyError(f"no column {text_column!r} in the frame (columns: {', '.join(map(str, df.columns))})")
    settings = CleanSettings(threshold=threshold, keep=(keep,) if isinstance(keep, str) else tuple(keep))
    values = df[text_column].tolist()
    texts = [v for v in values if isinstance(v, str)]
    results = iter(_clean_texts(texts, settings, detector) if texts else [])  # no model load for a schema probe
    done = [next(results) if isinstance(v, str) else None for v in values]
    out = df.copy()
    out[output_column or text_column] = [v if r is None else r[0] for v, r in zip(values, done)]
    if removed_column:
        out[removed_column] = [[] if r is None else r[1] for r in done]
    return out
