"""HTML in: ``Detector.clean_html`` and ``finpromo clean --html`` (trafilatura, extra ``finpromo[html]``; issue 7)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, finpromo_cmd

pytest.importorskip("trafilatura")

from detector.htmltext import MissingExtraError, html_to_text  # noqa: E402
from detector.segment import segment  # noqa: E402

PAGES = REPO / "tests" / "cases" / "html"
EXPECTED: dict[str, dict[str, list[str]]] = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))


def units(text: str) -> list[str]:
    return [text[s.start:s.end] for s in segment(text)]


def kind(paragraph: str, page: str) -> str:
    for label, starts in EXPECTED[page].items():
        if any(paragraph.startswith(s) for s in starts):
            return label
    return "reporting"


def run(*args: str, stdin: str | None = None, cmd: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(cmd or finpromo_cmd()), *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_extraction_keeps_paragraphs_and_drops_page_furniture(page: str) -> None:
    html = (PAGES / page).read_bytes()
    text = html_to_text(html)
    assert text == html_to_text(html.decode("utf-8"))  # bytes and str alike
    paras = units(text)
    assert len(paras) >= 6
    assert "\n\n" in text and "\n\n\n" not in text  # one paragraph per block, blank lines between
    assert not any(word in text for word in ("Sign in", "Anmelden", "Impressum", "All rights reserved", "Most read",
                                             "Meistgelesen", "Related"))
    # trafilatura alone keeps every injected promotion: they look like article text
    for start in EXPECTED[page]["promotional"]:
        assert any(p.startswith(start) for p in paras), start


def test_extraction_of_lists_and_line_breaks() -> None:
    html = ("<html><body><article><h1>Acme Corp rises</h1><p>Acme Corp shares rose 4 percent on Tuesday after results"
            "<br/>beat estimates by a wide margin, the company said in a statement on its website.</p>"
            "<p>Key figures of the third quarter, as reported by the company on Tuesday morning:</p>"
            "<ul><li>Revenue: 3.1 billion dollars</li><li>EPS: 1.20 dollars</li></ul></article></body></html>")
    text = html_to_text(html)
    assert "results\nbeat estimates" in text
    assert "- Revenue: 3.1 billion dollars\n- EPS: 1.20 dollars" in text
    assert html_to_text("<html><body></body></html>") == ""


def test_clean_html_cuts_promotions_and_keeps_reporting(det) -> None:
    before = after = 0
    for page in EXPECTED:
        html = (PAGES / page).read_text(encoding="utf-8")
        text = html_to_text(html)
        cleaned = det.clean_html(html)
        assert cleaned == det.clean(text)
        kept = units(cleaned)
        assert [p for p in units(text) if kind(p, page) == "reporting"] == [p for p in kept
                                                                            if kind(p, page) == "reporting"]
        before += sum(kind(p, page) == "promotional" for p in units(text))
        after += sum(kind(p, page) == "promotional" for p in kept)
    assert before == sum(len(e["promotional"]) for e in EXPECTED.values())
    assert after <= before // 2, f"finpromo kept {after} of {before} promotional paragraphs"


def test_clean_html_without_trafilatura_names_the_extra(det, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import trafilatura now raises ImportError
    with pytest.raises(MissingExtraError, match=r"finpromo\[html\]"):
        det.clean_html("<html><body><p>x</p></body></html>")
    assert issubclass(MissingExtraError, ImportError)


def test_cli_clean_html(det) -> None:
    page = PAGES / "de-wendel-chemie.html"
    proc = run("clean", "--html", str(page))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == det.clean_html(page.read_bytes())
    assert proc.stdout.startswith("Wendel Chemie senkt Prognose")
    # stdin and --diff work on HTML too
    diff = run("clean", "--html", "--diff", "-", stdin=page.read_text(encoding="utf-8"))
    assert diff.returncode == 0 and diff.stdout.startswith("--- -\n")
    tagged = run("tag", "--html", "--format", "jsonl", str(page))
    assert [json.loads(r)["text"] for r in tagged.stdout.splitlines()] == units(html_to_text(page.read_bytes()))


def test_cli_html_errors(tmp_path) -> None:
    records = tmp_path / "a.jsonl"
    records.write_text('{"text": "x"}\n', encoding="utf-8")
    assert run("clean", "--html", str(records)).returncode == 2
    missing = run("clean", "--html", str(tmp_path / "nope.html"))
    assert missing.returncode == 1 and "finpromo: error:" in missing.stderr
    # without the extra: a clear error naming it, exit 1
    blocked = [sys.executable, "-c", "import sys; sys.modules['trafilatura'] = None; from detector.cli import main; "
               "sys.exit(main(sys.argv[1:]))"]
    proc = run("clean", "--html", str(PAGES / "en-quillmark-bank.html"), cmd=blocked)
    assert proc.returncode == 1
    assert proc.stderr.startswith("finpromo: error:") and "pip install 'finpromo[html]'" in proc.stderr


def test_pages_are_small_and_invented() -> None:
    for page in EXPECTED:
        assert (PAGES / page).stat().st_size < 8000
    assert sorted(EXPECTED) == sorted(p.name for p in Path(PAGES).glob("*.html"))


def test_extract_tree_mirrors_folders_and_files(tmp_path) -> None:
    from detector.htmltext import extract_tree

    src = tmp_path / "site"
    (src / "2026" / "11").mkdir(parents=True)
    page = PAGES / "en-harbor-freight.html"
    (src / "2026" / "11" / "story.HTM").write_bytes(page.read_bytes())
    (src / "notes.txt").write_text("not a page", encoding="utf-8")
    made = extract_tree([str(src), str(PAGES / "de-loewen-solar.html")], tmp_path / "x")
    tree, single = map(Path, made)
    assert [p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file()] == ["2026/11/story.txt"]
    assert (tree / "2026" / "11" / "story.txt").read_text(encoding="utf-8") == html_to_text(page.read_bytes())
    assert single.name == "de-loewen-solar.txt"


def test_cli_clean_html_folder(det, tmp_path) -> None:
    out = tmp_path / "cleaned"
    proc = run("clean", "--html", str(PAGES), "--out-dir", str(out), "--jobs", "1", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(page).with_suffix(".txt").name for page in EXPECTED)
    for page in EXPECTED:
        cleaned = (out / Path(page).with_suffix(".txt").name).read_text(encoding="utf-8")
        assert cleaned == det.clean_html((PAGES / page).read_bytes())
    inside = run("clean", "--html", str(PAGES), "--out-dir", str(PAGES / "out"))
    assert inside.returncode == 1 and "inside the input folder" in inside.stderr
