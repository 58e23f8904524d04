"""The corpus is well-formed, and bad training data stops with a clear message."""

import csv
import warnings

import pandas as pd
import pytest

from detector.corpus import format_article, parse_article, read_article
from detector.data import DataError, DataWarning, load, stats

from conftest import REPO

DATA = REPO / "data"


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return load([DATA / "articles"])


def registry() -> dict[str, dict]:
    fams = {}
    for path in sorted(DATA.glob("families*.tsv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                fams[row["family"]] = row
    return fams


def test_corpus_has_no_empty_paragraphs_and_unique_ids(corpus):
    assert corpus["text"].str.strip().str.len().gt(0).all()
    files = sorted((DATA / "articles").rglob("*.txt"))
    ids = [read_article(f).doc_id for f in files]
    assert len(ids) == len(set(ids))
    assert all(f.stem == i for f, i in zip(files, ids))


def test_no_paragraph_text_carries_two_labels(corpus):
    assert corpus.groupby(corpus["text"].str.strip())["label"].nunique().max() == 1


def test_every_family_is_registered_with_its_label_and_languages(corpus):
    fams = registry()
    used = corpus[corpus["label"] != "reporting"]
    assert used["family"].notna().all(), "every non-reporting paragraph names its template family"
    for (family, label), g in used.groupby(["family", "label"]):
        assert family in fams, f"{family} is not in data/families*.tsv"
        assert fams[family]["label"] == label
        documented = set(fams[family]["langs"].split(","))
        assert set(g["lang"]) <= documented, f"{family} used in {set(g['lang'])}, documented {documented}"


def test_corpus_meets_the_size_targets(corpus):
    s = stats(corpus)
    assert s["articles"] >= 600 and s["paragraphs"] >= 6000
    assert s["articles_per_lang"]["de"] >= 250 and s["articles_per_lang"]["en"] >= 250
    assert s["families"]["promotional"] >= 80 and s["families"]["boilerplate"] >= 25
    assert s["hard_negatives"] >= 500 and s["hard_positives"] >= 200


def test_annotated_format_round_trips():
    text = (DATA / "articles" / "de").glob("*.txt").__next__().read_text(encoding="utf-8")
    article = parse_article(text)
    assert parse_article(format_article(article)) == article


def _table(tmp_path, rows, name="t.csv"):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


GOOD = [{"doc_id": f"d{i // 3}", "text": f"Paragraph {i} about markets.", "label": ["reporting", "promotional", "boilerplate"][i % 3]}
        for i in range(12)]


@pytest.mark.parametrize("rows, message", [
    ([{k: v for k, v in r.items() if k != "label"} for r in GOOD], "missing column"),
    ([{**r, "label": "advert"} if i == 0 else r for i, r in enumerate(GOOD)], "unknown label"),
    ([{**r, "text": " "} if i == 0 else r for i, r in enumerate(GOOD)], "empty"),
    ([{**r, "label": "reporting"} for r in GOOD], "only one label"),
    ([*GOOD, {"doc_id": "x", "text": GOOD[0]["text"], "label": "promotional"}], "conflicting labels"),
])
def test_bad_tables_stop_with_a_clear_message(tmp_path, rows, message):
    with pytest.raises(DataError, match=message), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load([_table(tmp_path, rows)])


def test_ids_repeating_across_files_are_refused(tmp_path):
    a = _table(tmp_path, GOOD, "a.csv")
    b = _table(tmp_path, [{**r, "text": r["text"] + " (b)"} for r in GOOD], "b.csv")
    with pytest.raises(DataError, match="more than one file"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load([a, b])


def test_tiny_data_warns(tmp_path):
    with pytest.warns(DataWarning, match="tiny"):
        load([_table(tmp_path, GOOD)])


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet", "tsv"])
def test_tables_in_every_format_load_the_same(tmp_path, suffix):
    df = pd.DataFrame(GOOD)
    path = tmp_path / f"t.{suffix}"
    if suffix == "csv":
        df.to_csv(path, index=False)
    elif suffix == "tsv":
        df.to_csv(path, index=False, sep="\t")
    elif suffix == "jsonl":
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        df.to_parquet(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = load([path])
    assert out["text"].tolist() == df["text"].tolist()
    assert out["label"].tolist() == df["label"].tolist()
    assert out["index"].tolist() == [0, 1, 2] * 4
