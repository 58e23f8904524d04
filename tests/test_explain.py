"""Explanations (``Detector.explain``, ``finpromo tag --explain``) and the ``finpromo clean --diff`` view (issue 7)."""

from __future__ import annotations

import json
import math
import re
import subprocess

import numpy as np
import pytest

from conftest import EXAMPLES, finpromo_cmd
from detector.explain import (Explanation, Reason, describe_context, describe_feature, explain_units, format_diff)
from detector.features import CONTEXT_FEATURES, LAYOUT_FEATURES

ARTICLE = EXAMPLES / "siemens-energy-de.txt"
TEASER_END = "Siemens Energy: Kaufen oder verkaufen? Jetzt die Gratis-Analyse lesen..."


@pytest.fixture(scope="module")
def text() -> str:
    return ARTICLE.read_text(encoding="utf-8")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*finpromo_cmd(), *args], input=stdin, capture_output=True, text=True, timeout=120)


# -- plain words ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, words", [
    ("gratis", 'word "gratis"'),
    ("gratis analys", 'phrase "gratis analys"'),
    ("__bos__ jetzt", 'starts with "jetzt"'),
    ("? __eos__", 'ends with "?"'),
    ("__num__ __money__", 'phrase "<number> <currency>"'),
    ("layout:ends_question", 'ends with "?"'),
    ("layout:has_url", "contains a link"),
])
def test_feature_names_in_plain_words(name: str, words: str) -> None:
    assert describe_feature(name) == words


def test_every_feature_has_plain_words() -> None:
    for name in CONTEXT_FEATURES:
        assert "_" not in describe_context(name), name
    for name in LAYOUT_FEATURES:
        assert "_" not in describe_feature(f"layout:{name}"), name


# -- Detector.explain ----------------------------------------------------------------------------------------

def test_explain_returns_one_explanation_per_unit(det, text) -> None:
    explained = det.explain(text, top=3)
    assert [e.paragraph for e in explained] == det.classify(text)
    for e in explained:
        assert isinstance(e, Explanation)
        assert e.toward in ("promotional", "boilerplate")
        assert 0 < len(e.reasons) <= 3
        assert all(isinstance(r, Reason) and r.stage in ("paragraph", "context") for r in e.reasons)
        weights = [abs(r.weight) for r in e.reasons]
        assert weights == sorted(weights, reverse=True)
        record = json.loads(json.dumps(e.to_dict()))  # JSON-ready
        assert record["text"] == e.paragraph.text and len(record["reasons"]) == len(e.reasons)
        assert e.summary().count(";") == len(e.reasons) - 1


def test_explain_types_do_not_change_with_top(det, text) -> None:
    assert [e.reasons for e in det.explain(text, top=0)] == [()] * len(det.classify(text))
    assert det.explain("") == []
    with pytest.raises(ValueError):
        det.explain(text, top=-1)
    with pytest.raises(TypeError, match="decode"):
        det.explain(text.encode())


def test_teaser_is_explained_by_features_pushing_towards_a_cut(det, text) -> None:
    (teaser,) = [e for e in det.explain(text) if e.paragraph.text == TEASER_END]
    assert teaser.paragraph.label != "reporting"
    assert teaser.reasons[0].weight > 0
    assert sum(r.weight for r in teaser.reasons) > 0


def test_paragraph_terms_add_up_to_the_stage1_log_odds(det, text) -> None:
    """The decomposition is exact: intercept + every stage-1 term = stage-1 log-odds of ``toward`` vs reporting."""
    paras = det.classify(text)
    stage1 = det.model.paragraph_
    probs1 = stage1.predict_proba([p.text for p in paras])
    index = {"promotional": 1, "boilerplate": 2}
    from detector.explain import class_coefficients

    clf = stage1.clf_
    intercept = np.zeros(3)
    intercept[list(clf.classes_)] = clf.intercept_ if len(clf.classes_) > 2 else [0, clf.intercept_[0]]
    for e, p1 in zip(explain_units(det, paras, top=10**6, min_weight=0.0), probs1):
        k = index[e.toward]
        terms = sum(r.weight for r in e.reasons if r.stage == "paragraph")
        assert math.isclose(intercept[k] - intercept[0] + terms, math.log(p1[k] / p1[0]), abs_tol=1e-6)
    assert class_coefficients(clf).shape[0] == 3


def test_run_on_text_is_explained_by_the_run_on_model_that_scored_it(det, text) -> None:
    runon = " ".join(text.split())  # every line break gone
    paras = det.classify(runon)
    assert sum(p.kind == "sentence" for p in paras) * 2 >= len(paras)
    stage1 = det.model.runon_model_.paragraph_
    probs1 = stage1.predict_proba([p.text for p in paras])
    index = {"promotional": 1, "boilerplate": 2}
    from detector.explain import class_coefficients

    intercept = class_coefficients(stage1.clf_) * 0
    intercept[list(stage1.clf_.classes_), 0] = stage1.clf_.intercept_
    for e, p1 in zip(explain_units(det, paras, top=10**6, min_weight=0.0), probs1):
        k = index[e.toward]
        terms = sum(r.weight for r in e.reasons if r.stage == "paragraph")
        assert math.isclose(intercept[k, 0] - intercept[0, 0] + terms, math.log(p1[k] / p1[0]), abs_tol=1e-6)


def test_context_terms_of_a_logistic_regression_are_coefficient_times_value() -> None:
    from sklearn.linear_model import LogisticRegression

    from detector.explain import class_coefficients, context_terms

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    clf = LogisticRegression().fit(X, np.arange(60) % 3)
    terms = context_terms(clf, X[:5])
    coef = class_coefficients(clf)
    expected = (coef - coef[0])[None, :, :] * X[:5, None, :]  # units, labels, features
    np.testing.assert_allclose(terms, expected.transpose(0, 2, 1), atol=1e-9)


def test_context_reasons_name_the_neighbours(det, text) -> None:
    context = [r for e in det.explain(text, top=100) for r in e.reasons if r.stage == "context"]
    assert context, "the context stage explains nothing"
    assert all(r.feature in CONTEXT_FEATURES and not r.feature.startswith("own_") for r in context)


# -- the diff view -------------------------------------------------------------------------------------------

def test_format_diff_lists_exactly_the_cut_lines(det, text) -> None:
    cleaned, removed = det.clean_and_explain(text)
    assert removed
    diff = format_diff(text, cleaned, removed, name="a.txt")
    lines = diff.splitlines()
    assert lines[0] == "--- a.txt" and lines[1] == "+++ a.txt (cleaned)"
    cut = [line[1:] for line in lines[2:] if line.startswith("-") and line[1:].strip()]
    assert cut == [line for p in removed for line in p.text.splitlines()]
    assert not [line for line in lines[2:] if line.startswith("+")]  # lossless: nothing is added
    hunks = [line for line in lines if line.startswith("@@")]
    assert any(f"{removed[-1].label} {removed[-1].score:.3f}" in h for h in hunks)
    assert "\033[" not in diff
    coloured = format_diff(text, cleaned, removed, name="a.txt", color=True)
    assert "\033[31m-" in coloured and "\033[0m" in coloured


def test_format_diff_of_an_untouched_text_is_empty() -> None:
    assert format_diff("One.\n\nTwo.\n", "One.\n\nTwo.\n", []) == ""


# -- the command line ----------------------------------------------------------------------------------------

def test_cli_tag_explain_tsv_and_jsonl(text) -> None:
    proc = run("tag", "--explain", "--top", "2", str(ARTICLE))
    assert proc.returncode == 0, proc.stderr
    header, *rows = proc.stdout.splitlines()
    assert header.split("\t")[-1] == "explain"
    assert rows and all(len(r.split("\t")) == 8 for r in rows)
    assert all(0 < r.split("\t")[-1].count(";") + 1 <= 2 for r in rows)

    proc = run("tag", "--explain", "--format", "jsonl", "-", stdin=text)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert records and all(1 <= len(r["reasons"]) <= 5 and r["file"] == "-" for r in records)
    teaser = next(r for r in records if r["text"] == TEASER_END)
    assert teaser["reasons"][0]["weight"] > 0 and teaser["reasons"][0]["description"]


def test_cli_clean_diff() -> None:
    proc = run("clean", "--diff", str(ARTICLE))  # not a terminal: auto means plain
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"--- {ARTICLE}\n+++ {ARTICLE} (cleaned)\n")
    assert f"-{TEASER_END}\n" in proc.stdout and "\033[" not in proc.stdout
    coloured = run("clean", "--diff", "--color", "always", str(ARTICLE)).stdout
    assert "\033[31m-" in coloured and "\033[1m---" in coloured
    assert re.sub(r"\033\[[0-9;]*m", "", coloured) == proc.stdout  # the same diff, with colour codes


def test_cli_diff_usage_errors(tmp_path) -> None:
    records = tmp_path / "a.jsonl"
    records.write_text('{"text": "x"}\n', encoding="utf-8")
    for args in (("clean", "--diff", str(records)), ("clean", "--color", "sometimes", str(ARTICLE)),
                 ("tag", "--explain", "--top", "-1", str(ARTICLE))):
        proc = run(*args)
        assert proc.returncode == 2, args
