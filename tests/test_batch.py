"""Cleaning at corpus scale: record formats, malformed records, parallel runs, interruption, folders, Dask.

Expected texts come from the bundled model itself (``det.clean``), so these tests hold whatever the model scores;
the only behaviour assumed of the model is that it cuts the closing teaser block of the Siemens Energy example.
"""

from __future__ import annotations

import json
import math
import signal
import subprocess
import time

import pandas as pd
import pytest

from conftest import EXAMPLES, finpromo_cmd

ARTICLE = (EXAMPLES / "siemens-energy-de.txt").read_text(encoding="utf-8")
TEASER = "Gratis-Analyse"
SHORT = ["Die Aktie stieg am Dienstag um drei Prozent.\n\nDer Umsatz lag bei 4,1 Milliarden Euro.",
         "Shares of Acme rose 2% after the company raised its full-year guidance.",
         ""]


def run(*args, stdin: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*finpromo_cmd(), *map(str, args)], input=stdin, capture_output=True, timeout=timeout)


def texts(n: int) -> list[str]:
    pool = [ARTICLE, *SHORT]
    return [pool[i % len(pool)] for i in range(n)]


# -- Python API ------------------------------------------------------------------------------------------------

def test_clean_many_equals_clean_one_by_one(det):
    docs = texts(9) + ["\n\n  \n", ARTICLE.replace("\n", "\r\n")]
    assert list(det.clean_many(docs, batch_size=4)) == [det.clean(t) for t in docs]
    explained = list(det.clean_and_explain_many(docs, keep=("boilerplate",), batch_size=3))
    assert explained == [det.clean_and_explain(t, keep=("boilerplate",)) for t in docs]
    assert any(TEASER in p.text for p in explained[0][1])
    with pytest.raises(TypeError, match="decode"):
        list(det.clean_many([b"bytes"]))


def test_clean_frame_cleans_a_column_and_passes_missing_values_through(det):
    from detector import clean_frame

    df = pd.DataFrame({"id": [1, 2, 3, 4], "body": [ARTICLE, SHORT[0], None, math.nan]})
    out = clean_frame(df, "body", detector=det, output_column="clean", removed_column="removed")
    assert out["body"].tolist()[:2] == [ARTICLE, SHORT[0]]                       # original kept beside
    assert out["clean"].tolist()[:2] == [det.clean(ARTICLE), SHORT[0]]
    assert out["clean"].iloc[2:].isna().all()                                    # passed through unchanged
    assert any(TEASER in r["text"] for r in out["removed"].iloc[0])
    assert set(out["removed"].iloc[0][0]) == {"label", "score", "start", "end", "text"}
    assert out["removed"].tolist()[1:] == [[], [], []]
    assert df["body"].iloc[0] == ARTICLE                                         # the input frame is not changed
    assert clean_frame(df, "body")["body"].iloc[0] == det.clean(ARTICLE)        # the bundled model by default
    empty = clean_frame(df.iloc[:0], "body", removed_column="removed")           # what engines call for a schema
    assert list(empty.columns) == ["id", "body", "removed"] and len(empty) == 0
    with pytest.raises(KeyError, match="text"):
        clean_frame(df)


# -- record formats through the command --------------------------------------------------------------------------

def _write(fmt: str, path, df: pd.DataFrame) -> None:
    if fmt == "jsonl":
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    elif fmt == "csv":
        df.to_csv(path, index=False)
    else:
        df.to_parquet(path, index=False)


def _read(fmt: str, path) -> pd.DataFrame:
    if fmt == "jsonl":
        return pd.read_json(path, lines=True, dtype=False)
    if fmt == "csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    return pd.read_parquet(path)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_every_format_round_trips_with_one_record_per_input_record(tmp_path, det, fmt):
    docs = texts(6)
    docs[4] = None  # a missing text: reported with its record number, passed through unchanged
    df = pd.DataFrame({"doc": [f"d{i}" for i in range(6)], "body": docs, "source": ["x"] * 6})
    src, dst = tmp_path / f"in.{fmt}", tmp_path / f"out.{fmt}"
    _write(fmt, src, df)
    res = run("clean", src, "-o", dst, "--text-field", "body", "--output-field", "clean", "--removed-field",
              "removed", "--id-field", "doc", "--jobs", "1")
    assert res.returncode == 0, res.stderr.decode()
    out = _read(fmt, dst)
    assert list(out.columns) == ["doc", "body", "source", "clean", "removed"]
    assert out["doc"].tolist() == df["doc"].tolist() and out["source"].tolist() == ["x"] * 6
    want = [det.clean(t) if t is not None else None for t in docs]
    got = [None if not isinstance(v, str) else v for v in out["clean"]]
    if fmt == "csv":  # CSV cannot tell an empty text from a missing one
        want = [w or None for w in want]
    assert got == want
    removed = out["removed"].tolist()
    first = json.loads(removed[0]) if fmt == "csv" else list(removed[0])
    assert any(TEASER in r["text"] for r in first)
    err = res.stderr.decode()
    assert f"{'line' if fmt == 'jsonl' else 'record'} 5 (id d4): text field 'body' is" in err
    assert "passed through unchanged" in err and "6 records" in err and "records/s" in err
    assert f"{2 if fmt == 'csv' else 1} malformed" in err  # in CSV the empty text (record 4) is missing too


def test_jsonl_stdin_to_stdout_replaces_the_text_field(det):
    lines = [json.dumps({"id": i, "text": t, "meta": {"k": [1, 2]}}, ensure_ascii=False) for i, t in
             enumerate(texts(3))]
    res = run("clean", "-", "--input-format", "jsonl", "--quiet", stdin="\n".join(lines).encode())
    assert res.returncode == 0 and res.stderr == b""
    out = [json.loads(line) for line in res.stdout.decode().splitlines()]
    assert out == [{"id": i, "text": det.clean(t), "meta": {"k": [1, 2]}} for i, t in enumerate(texts(3))]


MALFORMED = [
    (b'{"id": "bad", "text": "unterminated', "bad JSON"),
    (b'{"id": "nan", "text": NaN}', "is NaN"),
    (b'{"id": "null", "text": null}', "missing or null"),
    (b'{"id": "missing", "title": "no text"}', "missing or null"),
    (b'{"id": "number", "text": 42}', "is int, not a string"),
    (b'["a", "list"]', "not an object"),
    (b'{"id": "bytes", "text": "B\xf6rse"}', "not valid"),
]


def test_each_malformed_jsonl_record_is_reported_and_kept_skipped_or_fatal(tmp_path, det):
    good = [json.dumps({"id": i, "text": t}, ensure_ascii=False).encode() for i, t in enumerate(texts(2))]
    lines = [good[0], *(raw for raw, _ in MALFORMED), good[1]]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")

    keep = run("clean", src, "-o", tmp_path / "keep.jsonl", "--id-field", "id")
    assert keep.returncode == 0, keep.stderr.decode()
    out = (tmp_path / "keep.jsonl").read_bytes().split(b"\n")[:-1]
    assert len(out) == len(lines)
    assert out[1:-1] == lines[1:-1]                                   # passed through byte for byte
    assert json.loads(out[0])["text"] == det.clean(ARTICLE)
    err = keep.stderr.decode()
    for lineno, (_, message) in enumerate(MALFORMED, 2):
        assert f"in.jsonl: line {lineno}" in err and message in err
    assert "line 3 (id nan)" in err and f"{len(MALFORMED)} malformed" in err

    # skip and fail through the library function the command runs (same code, no second start-up)
    from detector.batch import RecordError, clean_records

    reported: list[RecordError] = []
    stats = clean_records(str(src), str(tmp_path / "skip.jsonl"), fmt="jsonl", on_error="skip", det=det,
                          on_record_error=reported.append)
    assert [json.loads(x)["id"] for x in (tmp_path / "skip.jsonl").read_bytes().splitlines()] == [0, 1]
    assert (stats.records, stats.errors, stats.skipped) == (len(lines), len(MALFORMED), len(MALFORMED))
    assert [e.where.split()[1] for e in reported] == [str(n) for n in range(2, 2 + len(MALFORMED))]
    with pytest.raises(RecordError, match="line 2: bad JSON"):
        clean_records(str(src), str(tmp_path / "fail.jsonl"), fmt="jsonl", on_error="fail", det=det)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "keep.jsonl", "skip.jsonl"]


def test_existing_output_is_not_overwritten_without_force(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"text": SHORT[1]}) + "\n", encoding="utf-8")
    dst.write_text("precious\n", encoding="utf-8")
    res = run("clean", src, "-o", dst)
    assert res.returncode == 1 and b"--force" in res.stderr
    assert dst.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_jobs_2_gives_the_same_output_as_jobs_1(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                           for i, t in enumerate(texts(48))), encoding="utf-8")
    outs = []
    for jobs in (1, 2):
        dst = tmp_path / f"out{jobs}.jsonl"
        res = run("clean", src, "-o", dst, "--jobs", jobs, "--chunk-size", 5, "--removed-field", "removed")
        assert res.returncode == 0, res.stderr.decode()
        outs.append(dst.read_bytes())
    assert outs[0] == outs[1]
    assert [json.loads(line)["id"] for line in outs[1].splitlines()] == list(range(48))


@pytest.mark.parametrize("sig, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_an_interrupted_run_leaves_no_output_file(tmp_path, sig, status):
    src, dst = tmp_path / "big.jsonl", tmp_path / "out.jsonl"
    src.write_text((json.dumps({"text": ARTICLE}, ensure_ascii=False) + "\n") * 20000, encoding="utf-8")
    proc = subprocess.Popen([*finpromo_cmd(), "clean", str(src), "-o", str(dst), "--jobs", "1", "--chunk-size",
                             "20"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.jsonl.*.part")) and time.monotonic() < deadline:  # writing has begun
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err.decode(errors="replace")
    assert b"interrupted after" in err and b"was not written" in err and b"Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl"]  # no output, no temporary file


# -- folders -------------------------------------------------------------------------------------------------------

def test_out_dir_mirrors_a_tree_of_text_files(tmp_path, det):
    src, dst = tmp_path / "scraped", tmp_path / "cleaned"
    (src / "de" / "2024").mkdir(parents=True)
    (src / "en").mkdir()
    (src / "de" / "2024" / "siemens.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "en" / "acme.txt").write_text(SHORT[1], encoding="utf-8")
    (src / "en" / "latin.txt").write_bytes("Die Börse".encode("latin-1"))   # undecodable: copied unchanged
    (src / "en" / "notes.md").write_text("not a .txt file", encoding="utf-8")
    res = run("clean", src, "--out-dir", dst, "--jobs", 1)
    assert res.returncode == 0, res.stderr.decode()
    assert sorted(str(p.relative_to(dst)) for p in dst.rglob("*") if p.is_file()) == [
        "de/2024/siemens.txt", "en/acme.txt", "en/latin.txt"]
    assert (dst / "de" / "2024" / "siemens.txt").read_text(encoding="utf-8") == det.clean(ARTICLE)
    assert (dst / "en" / "acme.txt").read_text(encoding="utf-8") == SHORT[1]
    assert (dst / "en" / "latin.txt").read_bytes() == "Die Börse".encode("latin-1")
    assert b"latin.txt: file: not valid utf-8" in res.stderr and b"3 records" in res.stderr

    again = run("clean", src, "--out-dir", dst)
    assert again.returncode == 1 and b"exists" in again.stderr and b"--force" in again.stderr
    from detector.batch import tree_files
    from detector.textio import InputError

    with pytest.raises(InputError, match="inside the input folder"):
        tree_files([str(src)], str(src / "inside"))


# -- scale-out: the README's Dask recipe on a real (local, loopback-only) cluster ----------------------------------

def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and math.isnan(v) else list(v) if k == "removed" else v)
             for k, v in row.items()} for row in df.to_dict("records")]


def test_dask_recipe_on_a_local_cluster_equals_the_single_process_result(tmp_path):
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    from detector import clean_frame

    docs = texts(12)
    docs[5] = None
    data = tmp_path / "corpus"
    data.mkdir()
    for part in range(3):  # a small Parquet dataset: three files, four records each
        chunk = pd.DataFrame({"doc_id": range(part * 4, part * 4 + 4), "text": docs[part * 4:part * 4 + 4]})
        chunk.to_parquet(data / f"part-{part}.parquet", index=False)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0") as cluster, distributed.Client(cluster):
        ddf = dd.read_parquet(str(data))
        assert ddf.npartitions == 3
        out = ddf.map_partitions(clean_frame, "text", removed_column="removed").compute()

    single = clean_frame(pd.concat([pd.read_parquet(f) for f in sorted(data.iterdir())], ignore_index=True),
                         "text", removed_column="removed")
    assert _records(out.reset_index(drop=True)) == _records(single)
    assert TEASER not in out["text"].iloc[0] and pd.isna(out["text"].iloc[5])
