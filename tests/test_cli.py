"""The installed ``finpromo`` command, run as a user would, through a subprocess."""

import json
import subprocess

import pytest

from conftest import EXAMPLES, REPO, finpromo_cmd, read_labels

ARTICLE = EXAMPLES / "siemens-energy-de.txt"


def run(*args, stdin: bytes | None = None):
    return subprocess.run([*finpromo_cmd(), *map(str, args)], input=stdin, capture_output=True, timeout=120)


def test_clean_prints_the_article_without_its_promotions(det):
    res = run("clean", ARTICLE)
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode() == det.clean(ARTICLE.read_text(encoding="utf-8"))
    assert b"Gratis-Analyse" not in res.stdout


def test_clean_reads_stdin_and_reports_removed_on_stderr():
    res = run("clean", "-", "--show-removed", stdin=ARTICLE.read_bytes())
    assert res.returncode == 0
    assert b"removed promotional" in res.stderr
    assert b"Auftragsbestand auf Rekordniveau" in res.stdout


def test_clean_writes_output_file_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "clean.txt"
    assert run("clean", ARTICLE, "-o", out).returncode == 0
    assert "Gratis-Analyse" not in out.read_text(encoding="utf-8")
    again = run("clean", ARTICLE, "-o", out)
    assert again.returncode == 1 and b"--force" in again.stderr
    assert run("clean", ARTICLE, "-o", out, "--force").returncode == 0


def test_threshold_one_keeps_everything():
    res = run("clean", ARTICLE, "--threshold", "1")
    assert res.stdout == ARTICLE.read_bytes()


def test_tag_tsv_and_jsonl():
    labels = read_labels(EXAMPLES / "siemens-energy-de.labels.jsonl")
    tsv = run("tag", ARTICLE).stdout.decode().splitlines()
    assert tsv[0].split("\t") == ["file", "index", "start", "end", "label", "score", "text"]
    assert len(tsv) == 1 + len(labels)
    rows = [json.loads(line) for line in run("tag", ARTICLE, "--format", "jsonl").stdout.splitlines()]
    assert [r["label"] != "reporting" for r in rows] == [label != "reporting" for label in labels]
    assert all(0.0 <= r["score"] <= 1.0 for r in rows)


def test_eval_runon_scores_the_articles_with_their_paragraph_breaks_lost(det):
    golden = REPO / "tests" / "cases" / "golden"
    res = run("eval", golden, "--runon", "--format", "json")
    assert res.returncode == 0, res.stderr
    runon = json.loads(res.stdout)
    paragraphs = json.loads(run("eval", golden, "--format", "json").stdout)
    assert runon["runon"] is True and paragraphs["runon"] is False
    assert runon["paragraphs"] == paragraphs["paragraphs"] and runon["articles"] == paragraphs["articles"]
    assert runon["threshold"] == round(det.runon_threshold, 4) != paragraphs["threshold"]
    assert runon["removal"] != paragraphs["removal"]  # sentences of one line were scored, not the paragraphs
    text = run("eval", golden, "--runon").stdout.decode()
    assert "(run-on: paragraph breaks lost)" in text.splitlines()[0]


@pytest.mark.parametrize("make, expect", [
    (lambda p: p / "missing.txt", b"no such file"),
    (lambda p: p, b"is a directory"),
    (lambda p: (p / "bin.txt", (p / "bin.txt").write_bytes(b"\x00\x01\x02binary"))[0], b"NUL bytes"),
    (lambda p: (p / "latin.txt", (p / "latin.txt").write_bytes("Börse".encode("latin-1")))[0], b"--encoding"),
])
def test_user_mistakes_give_a_clear_error_and_exit_1(tmp_path, make, expect):
    res = run("clean", make(tmp_path))
    assert res.returncode == 1
    assert res.stderr.startswith(b"finpromo: error: ")
    assert expect in res.stderr
    assert b"Traceback" not in res.stderr


def test_encoding_option_reads_latin1(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Die Börse schloss fester.".encode("latin-1"))
    for enc in ("latin-1", "auto"):
        res = run("clean", path, "--encoding", enc)
        assert res.returncode == 0 and res.stdout.decode() == "Die Börse schloss fester."


def test_usage_errors_exit_2():
    assert run("clean", "--threshold", "2").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run().returncode == 2


def test_version_and_help():
    res = run("--version")
    assert res.returncode == 0 and res.stdout.startswith(b"finpromo ")
    helptext = run("--help").stdout
    assert b"examples:" in helptext and b"clean" in helptext


def test_bad_model_path_is_an_error_not_a_traceback(tmp_path):
    res = run("clean", ARTICLE, "--model", tmp_path)
    assert res.returncode == 1 and b"not a model folder" in res.stderr
