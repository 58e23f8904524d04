"""Adapting to a new source (issue 8): ``templates`` finds a planted ad family the bundled model misses,
``suggest`` surfaces it, and after labelling the suggested files and retraining the family is caught on held-out
articles without losing reporting.

The corpus is generated: reporting paragraphs of German articles from ``data/articles`` re-published by three
invented sources, one of which ("boersenfuchs") inserts the "Kursfuchs" family below (written for this test,
with slots) into most of its articles.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, finpromo_cmd
from detector.corpus import Article, LabelledParagraph, format_article, iter_article_files, parse_article, read_article
from detector.templates import (Document, article_names, describe_templates, lsh_groups, mask, mine,
                                minhash_signatures, read_corpus, template_key)

FAMILY = "kursfuchs-fuchsbau"
SOURCES = ("boersenfuchs", "wire-a", "wire-b")
HOOKS = (
    "Das Kursfuchs-Team hat {co} am {date} auf die Fuchsliste gesetzt. Welche drei Werte dort noch stehen, lesen "
    "Mitglieder im Fuchsbau.",
    "{co} steht seit dem {date} auf der Fuchsliste des Kursfuchs-Teams. Mitglieder im Fuchsbau erfahren, welche "
    "Werte dazugekommen sind.",
    "Im Fuchsbau diskutieren {n} Mitglieder seit dem {date} über {co}. Das Kursfuchs-Team verrät dort, wo es die "
    "nächste Marke sieht.",
)
CLOSERS = (
    "Was das Kursfuchs-Team zu {co} denkt, steht seit dem {date} im Fuchsbau – gemeinsam mit {n} weiteren Werten, "
    "die das Team beobachtet.",
    "Im Fuchsbau liegt die Kursfuchs-Einschätzung zu {co} vom {date}, zusammen mit {n} weiteren Werten aus dem "
    "Fuchs-Depot.",
)
TRAIN_COMPANIES = ("Infineon", "Siemens Energy", "Rheinmetall", "Zalando", "Deutsche Bank", "SAP", "Aixtron")
HELDOUT_COMPANIES = ("Hensoldt", "Porsche", "Covestro", "Brenntag", "Qiagen")
TRAIN_MONTHS = ("März", "April", "Mai", "Juni")
HELDOUT_MONTHS = ("September", "Oktober")


def _family(rng: random.Random, companies: tuple[str, ...], months: tuple[str, ...]) -> tuple[str, str]:
    slots = {"co": rng.choice(companies), "date": f"{rng.randint(1, 28)}. {rng.choice(months)}",
             "n": rng.randint(3, 40)}
    return rng.choice(HOOKS).format(**slots), rng.choice(CLOSERS).format(**slots)


def _article(src: Article, doc_id: str, source: str, rng: random.Random, plant: bool,
             companies: tuple[str, ...], months: tuple[str, ...]) -> Article:
    paras = [p for p in src.paragraphs if p.label == "reporting"]
    if plant:
        hook, closer = _family(rng, companies, months)
        paras.insert(min(3, len(paras)), LabelledParagraph(hook, "promotional", FAMILY))
        paras.append(LabelledParagraph(closer, "promotional", FAMILY))
    return Article(doc_id, "de", paras, {"source": source})


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict:
    """The generated corpus (plain text, three sources), held-out labelled articles and a training sample."""
    root = tmp_path_factory.mktemp("newsource")
    files = sorted(iter_article_files([REPO / "data" / "articles" / "de"]))
    rng = random.Random(8)
    rng.shuffle(files)
    corpus_src = files[:150]
    # the retraining sample of data/articles (full retraining takes too long for a test); the held-out articles
    # reuse reporting paragraphs of sampled articles outside the corpus, so their reporting loss measures what the
    # new labels cost (loss on unseen reporting is the quality gate's job, on the full retraining)
    sample = sorted(iter_article_files([REPO / "data" / "articles"]))[::5]
    in_corpus = set(corpus_src)
    heldout_src = [f for f in sample if f.parent.name == "de" and f not in in_corpus][:60]
    planted: set[str] = set()
    corpus = root / "corpus"
    for i, f in enumerate(corpus_src):
        source = SOURCES[i % 2 * (1 + i % 4 // 2)]  # half boersenfuchs, the rest split between the wires
        plant = source == "boersenfuchs" and rng.random() < 0.9
        art = _article(read_article(f), f"gen-{i:04d}", source, rng, plant, TRAIN_COMPANIES, TRAIN_MONTHS)
        planted.update(p.text for p in art.paragraphs if p.family == FAMILY)
        (corpus / source).mkdir(parents=True, exist_ok=True)
        (corpus / source / f"{art.doc_id}.txt").write_text(art.text + "\n", encoding="utf-8")
    heldout = root / "heldout"
    heldout.mkdir()
    for j, f in enumerate(heldout_src):
        art = _article(read_article(f), f"held-{j:04d}", "boersenfuchs", rng, j % 4 != 3, HELDOUT_COMPANIES,
                       HELDOUT_MONTHS)
        (heldout / f"{art.doc_id}.txt").write_text(format_article(art), encoding="utf-8")
    return {"root": root, "corpus": corpus, "heldout": heldout, "planted": planted, "sample": sample}


def _run(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    res = subprocess.run([*finpromo_cmd(), *args], capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, res.stderr
    return res


# -- units ------------------------------------------------------------------------------------------------------


def test_mask_hides_slots_and_the_names_an_article_repeats():
    paras = ["Infineon übertrifft Erwartungen", "Infineon-Aktie: Kaufen oder verkaufen?! Neue Infineon-Analyse "
             "vom 13. November 2026 – nur 4,99 € statt 9,99 € (WKN 623100), plus 12 % Rabatt: www.boerse.example"]
    names = article_names(paras)
    assert "Infineon" in names and "Aktie" not in names
    assert mask(paras[1], names) == ("{Name}-Aktie: Kaufen oder verkaufen?! Neue {Name}-Analyse vom {date} – nur "
                                     "{price} statt {price} ({ticker}), plus {pct} Rabatt: {url}")
    a = template_key(mask("Siemens Energy-Aktie: Kaufen oder verkaufen?! Analyse vom 2. Mai", {"Siemens", "Energy"}))
    b = template_key(mask("SAP-Aktie: kaufen oder verkaufen?!  Analyse vom 30.04.2027", {"SAP"}))
    assert a == b


def test_minhash_lsh_groups_near_duplicates_only():
    base = ("Was das Team zu {Name} denkt steht seit dem {date} im Fuchsbau gemeinsam mit {num} weiteren Werten "
            "die das Team beobachtet und die Mitglieder jeden Morgen als Erste sehen")
    keys = [template_key(base), template_key(base.replace("gemeinsam", "zusammen")),
            template_key("Die Aktie legte im frühen Handel um {pct} zu und war größter Gewinner im Leitindex"),
            template_key("Der Umsatz stieg im dritten Quartal auf {price} nach {price} im Vorjahr")]
    sigs = minhash_signatures(keys)
    assert sigs.shape == (4, 64) and sigs.dtype == np.uint32
    groups = lsh_groups(sigs)
    assert groups[0] == groups[1] and len({groups[0], groups[2], groups[3]}) == 3
    assert (minhash_signatures(keys) == sigs).all()  # deterministic across calls (and processes: crc32, fixed seed)


def test_read_corpus_streams_txt_jsonl_and_paragraph_rows(tmp_path):
    (tmp_path / "siteA").mkdir()
    (tmp_path / "siteA" / "a1.txt").write_text("Erster Absatz.\n\nZweiter Absatz.", encoding="utf-8")
    rows = [{"doc_id": "x", "text": "Para 1", "publisher": "wire"}, {"doc_id": "x", "text": "Para 2"},
            {"id": "y", "text": "Other", "url": "https://news.example/y"}, {"id": "z"}]
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    docs = list(read_corpus([tmp_path]))
    assert [(d.doc_id, d.source) for d in docs] == [("x", "wire"), ("y", "news.example"), ("a1", "siteA")]
    assert docs[0].text == "Para 1\n\nPara 2"


# -- the adaptation loop ----------------------------------------------------------------------------------------


def test_templates_finds_the_planted_family_that_the_bundled_model_keeps(world):
    res = _run("templates", str(world["corpus"]), "--format", "jsonl", "--min-articles", "5")
    templates = [json.loads(line) for line in res.stdout.splitlines()]
    family = [t for t in templates if t["example"] in world["planted"]]
    assert family, "no template of the planted family found"
    n_planted_articles = sum(1 for p in world["corpus"].glob("boersenfuchs/*.txt")
                             if "Kursfuchs" in p.read_text(encoding="utf-8"))
    top = family[0]
    assert top["articles"] >= 0.15 * n_planted_articles and top["sources"] == 1
    assert top["label"] == "reporting" and top["removed_share"] <= 0.2  # the bundled model misses it
    assert "Kursfuchs" in top["pattern"] or "Fuchsbau" in top["pattern"]  # constant words stay visible
    assert "{Name}" in top["pattern"] or "{date}" in top["pattern"]  # slots are masked
    # the planted family accounts for the most widespread templates
    assert sum(t["articles"] for t in family) >= 0.9 * 2 * n_planted_articles - 5
    text = _run("templates", str(world["corpus"]), "--limit", "3", "--no-model").stdout
    assert "templates in 150 articles" in text and "not scored" in text


def test_mine_and_describe_in_process_on_a_repeated_corpus(world):
    docs = [Document(d.doc_id, d.text, d.source) for d in read_corpus([world["corpus"]])]
    mined = mine(docs * 8, min_articles=5)  # 1,200 articles, every text repeated: groups grow, not pairs
    assert mined.articles == 1200 and mined.templates[0].articles >= 8 * 20
    describe_templates(mined, lambda: docs * 8)
    assert mined.templates[0].example


@pytest.fixture(scope="module")
def labelled(world) -> Path:
    """``finpromo suggest`` output, labelled as a user would: fix the tags of the wrong guesses."""
    out = world["root"] / "to_label"
    res = _run("suggest", str(world["corpus"]), "-n", "60", "-o", str(out))
    assert "wrote 60 articles" in res.stderr
    world["prefilled"] = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.txt")}
    for path in sorted(out.glob("*.txt")):
        art = parse_article(path.read_text(encoding="utf-8"), path=str(path))
        for p in art.paragraphs:
            if p.text in world["planted"]:
                p.label, p.family = "promotional", FAMILY
            else:  # the generated articles hold nothing else but reporting
                p.label, p.family = "reporting", None
        path.write_text(format_article(art), encoding="utf-8")
    return out


def test_suggest_surfaces_the_family_spread_over_sources(world, labelled):
    files = sorted(labelled.glob("*.txt"))
    assert len(files) == 60 and (labelled / "SUGGESTIONS.md").is_file()
    arts = [parse_article(f.read_text(encoding="utf-8")) for f in files]
    with_family = [a for a in arts if any(p.family == FAMILY for p in a.paragraphs)]
    assert len(with_family) >= 15
    first = [a.meta["suggested"] for a in arts[:10]]
    assert sum("template" in s for s in first) >= 4
    assert {a.meta["source"] for a in arts} == set(SOURCES)  # spread over sources
    assert len({a.doc_id for a in arts}) == 60


def test_suggested_files_are_prefilled_with_the_models_guesses(world, labelled):
    prefilled = world["prefilled"]
    assert all(t.startswith("---\nid: gen-") and "\nsuggested: paragraph " in t for t in prefilled.values())
    guessed = [parse_article(t) for t in prefilled.values()]
    assert any(p.label != "reporting" for a in guessed for p in a.paragraphs)  # the model's guesses as tags
    # the family is what the user has to fix: the model guessed most of it reporting (it catches 11 of the 50
    # planted paragraphs unseen, since its context stage also learns from seen templates' scores)
    family = [p for a in guessed for p in a.paragraphs if p.text in world["planted"]]
    assert family and sum(p.label == "reporting" for p in family) > 0.5 * len(family)
    again = subprocess.run([*finpromo_cmd(), "suggest", str(world["corpus"]), "-n", "5", "-o", str(labelled)],
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and again.stderr.startswith("finpromo: error: ") and "--force" in again.stderr


def test_retraining_on_the_labelled_suggestions_catches_the_family_on_heldout_articles(world, labelled):
    from detector import Detector

    model = world["root"] / "model"
    # a fifth of data/articles and two folds keep this fast; the threshold so small a cross-validation picks is
    # noise (anywhere from 0.8 to 0.99), so both models are compared at the bundled model's operating point
    _run("train", str(labelled), *map(str, world["sample"]), "-o", str(model), "--folds", "2", "--cv-repeats", "1",
         timeout=300)
    at = str(Detector.load().threshold)
    new = json.loads(_run("eval", str(world["heldout"]), "--model", str(model), "--threshold", at,
                          "--format", "json").stdout)
    old = json.loads(_run("eval", str(world["heldout"]), "--format", "json").stdout)
    assert old["by_family"][FAMILY]["recall"] <= 0.2  # the bundled model misses the family ...
    assert new["by_family"][FAMILY]["recall"] >= 0.9  # ... the retrained one catches it on unseen articles
    assert new["by_family"][FAMILY]["support"] >= 80
    assert new["reporting_loss"] <= 0.005  # the quality gate's ceiling


def test_corpus_errors_are_reported_not_raised(tmp_path):
    res = subprocess.run([*finpromo_cmd(), "templates", str(tmp_path / "missing")], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 1 and res.stderr == f"finpromo: error: {tmp_path / 'missing'}: no such file or folder\n"
    usage = subprocess.run([*finpromo_cmd(), "suggest", str(tmp_path), "-n", "0", "-o", str(tmp_path / "out")],
                           capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "-n and --pool must be 1 or more" in usage.stderr
