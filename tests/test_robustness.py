"""Hostile and messy input: invariants that always hold, and inputs that must not crash or lose text."""

import json
import random
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, finpromo_cmd
from detector.corpus import read_article

GOLDEN = sorted((REPO / "tests" / "cases" / "golden").glob("*.txt"))
POOL = [p.text for f in GOLDEN for p in read_article(f).paragraphs]
SEPARATORS = ["\n\n", "\r\n\r\n", "\n \n", "\n\n\n", "\r\r"]

articles = st.lists(st.tuples(st.sampled_from(POOL), st.sampled_from(SEPARATORS)), min_size=1, max_size=12).map(
    lambda parts: "".join(p + s for p, s in parts))
slow_settings = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def kept_units_in_order(original: str, cleaned: str, det) -> bool:
    """``cleaned`` is ``original`` with whole units removed: its units appear in ``original`` in order."""
    pos = 0
    for p in det.classify(cleaned, threshold=1.0):
        found = original.find(p.text, pos)
        if found < 0:
            return False
        pos = found + len(p.text)
    return True


@given(articles)
@slow_settings
def test_cleaning_removes_whole_units_in_order_and_is_idempotent(det, text):
    cleaned = det.clean(text)
    assert kept_units_in_order(text, cleaned, det)
    assert det.clean(cleaned) == cleaned


@given(articles, st.floats(0.5, 1.0), st.floats(0.5, 1.0))
@slow_settings
def test_a_higher_threshold_never_removes_more(det, text, t1, t2):
    low, high = sorted((t1, t2))
    removed_low = {(p.start, p.end) for p in det.clean_and_explain(text, threshold=low)[1]}
    removed_high = {(p.start, p.end) for p in det.clean_and_explain(text, threshold=high)[1]}
    assert removed_high <= removed_low


@given(st.text(max_size=400))
@settings(max_examples=150, deadline=None)
def test_classify_never_raises_and_offsets_slice_back(det, text):
    for p in det.classify(text):
        assert text[p.start:p.end] == p.text
        assert 0.0 <= p.score <= 1.0
    cleaned = det.clean(text)
    assert len(cleaned) <= len(text)


@pytest.mark.parametrize("text", [
    "", "   ", "\n\n\n", "\ufeffDie Aktie stieg.", "Zeile eins\rZeile zwei\r\rAbsatz zwei",
    "Die\u00a0Aktie\u00a0stieg.\n\u00a0\nWeiter\u00adgehts.", "Die Ak\u200btie stieg\u2060 um 3 %.",
    "<p>Die Aktie &amp; der Index stiegen.</p>\n\n<p>Jetzt &gt;&gt; Gratis-Report sichern!</p>",
    "Kontroll\x00zeichen\x07 im\x1b Text.\n\nZweiter Absatz\x0b.",
])
def test_messy_input_is_handled_losslessly(det, text):
    paras = det.classify(text)
    for p in paras:
        assert text[p.start:p.end] == p.text
    cleaned = det.clean(text)
    assert kept_units_in_order(text, cleaned, det)


def test_many_tiny_paragraphs(det):
    text = "\n\n".join(f"Absatz {i}." for i in range(20_000))
    paras = det.classify(text)
    assert len(paras) == 20_000
    assert det.clean(text).count("Absatz") >= 19_900  # reporting-like lines are kept


def test_one_huge_run_on_paragraph_is_split_into_sentences(det):
    sentence = "Der Dax legte am Dienstag um 0,4 Prozent zu, gestützt von Autowerten. "
    text = sentence * 20_000  # about 1.4 MB, no line break
    paras = det.classify(text)
    assert len(paras) > 1000 and {p.kind for p in paras} == {"sentence"}
    assert all(text[p.start:p.end] == p.text for p in paras[:50])


RUNON = ('Die Notenbank hielt die Zinsen am Donnerstag stabil, wie von Volkswirten erwartet. Offen blieb, wie stark '
         'die Notenbank im Frühjahr senkt?AnzeigeBörsenbrief Premium: Diese Wasserstoff-Aktie hebt ab!Depot jetzt '
         'eröffnenMehr erfahren"Wir bleiben vorsichtig", sagte ein Händler in Frankfurt. ')


def test_run_on_text_with_glued_ads_is_split_at_the_glue(det):
    text = RUNON * 8
    units = [p.text for p in det.classify(text)]
    assert "Anzeige" in units and "Depot jetzt eröffnen" in units and "Mehr erfahren" in units
    assert '"Wir bleiben vorsichtig", sagte ein Händler in Frankfurt.' in units


def test_bytes_to_the_api_say_decode_first(det):
    with pytest.raises(TypeError, match="decode"):
        det.clean(RUNON.encode("utf-8"))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_cli_reads_utf16_and_bom_files(tmp_path, encoding):
    path = tmp_path / "a.txt"
    path.write_text("Die Aktie stieg um drei Prozent.", encoding=encoding)
    res = subprocess.run([*finpromo_cmd(), "clean", str(path)], capture_output=True, timeout=120)
    assert res.returncode == 0 and res.stdout.decode() == "Die Aktie stieg um drei Prozent."


def test_cli_fuzz_random_bytes_never_tracebacks(tmp_path):
    rng = random.Random(20261125)
    files = []
    for i in range(12):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
        if i % 3 == 0:  # mostly text with a few random bytes spliced in
            raw = "Die Aktie stieg.\n\nJetzt Depot eröffnen!".encode() + raw[:20]
        path = tmp_path / f"f{i}.txt"
        path.write_bytes(raw)
        files.append(path)
    for path in files:
        for args in (["clean", str(path)], ["tag", str(path), "--format", "jsonl"],
                     ["clean", str(path), "--encoding", "auto"]):
            res = subprocess.run([*finpromo_cmd(), *args], capture_output=True, timeout=120)
            assert res.returncode in (0, 1), res.stderr
            assert b"Traceback" not in res.stderr
            if res.returncode == 1:
                assert res.stderr.startswith(b"finpromo: error: ")
            elif args[0] == "tag":
                assert all(json.loads(line) for line in res.stdout.splitlines())
