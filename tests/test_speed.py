"""The fast inference path gives the reference scikit-learn pipeline's scores; cold starts skip heavy imports.

The scores are checked on a model trained here on part of ``data/articles`` (the fast path must hold for any model
``detector.train`` produces), and on the bundled model when it matches the current features. No timings: the
figures come from ``benchmarks/bench.py``.
"""

from __future__ import annotations

import copy
import json
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

from conftest import EXAMPLES, REPO, finpromo_cmd

TOLERANCE = 1e-9
#: Every n-th article of data/articles trains the test model (fast, and still all labels and families).
TRAIN_EVERY = 8


@pytest.fixture(scope="module")
def corpus():
    from detector.data import load

    return load([REPO / "data" / "articles"])


@pytest.fixture(scope="module")
def trained(corpus):
    from detector.model import ContextClassifier, ParagraphClassifier

    ids = sorted(corpus["doc_id"].unique())[::TRAIN_EVERY]
    part = corpus[corpus["doc_id"].isin(ids)].reset_index(drop=True)
    return ContextClassifier(ParagraphClassifier(), n_folds=2).fit(part[["doc_id", "text"]], part["label"].tolist())


def docs_of(corpus) -> list[list[str]]:
    from detector.model import doc_slices

    texts = corpus["text"].tolist()
    return [texts[s] for s in doc_slices(corpus["doc_id"].tolist())]


def reference_stage1(paragraph, texts: list[str]) -> np.ndarray:
    """scikit-learn's own pipeline: the vectorizer's transform, the design matrix, ``clf_.predict_proba``."""
    from detector.model import LABELS

    proba = paragraph.clf_.predict_proba(paragraph._design(texts))
    out = np.zeros((len(texts), len(LABELS)))
    out[:, paragraph.clf_.classes_] = proba
    return out


def reference_docs(model, docs: list[list[str]]) -> list[np.ndarray]:
    """Both stages through scikit-learn, one document at a time."""
    from detector.features import QUESTION_COLUMN, SHORT_COLUMN, context_features, layout_matrix
    from detector.model import LABELS

    out = []
    for d in docs:
        p = reference_stage1(model.paragraph_, d)
        if model.context_ is not None:
            layout = layout_matrix(d)
            features = context_features(p, layout[:, SHORT_COLUMN], question=layout[:, QUESTION_COLUMN],
                                        position=model.position)
            proba = model.context_.predict_proba(features)
            p = np.zeros((len(d), len(LABELS)))
            p[:, model.context_.classes_] = proba
        out.append(p)
    return out


def max_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    assert len(a) == len(b)
    assert all(x.shape == y.shape for x, y in zip(a, b))
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b) if x.size)


def test_stage1_equals_sklearn_on_the_corpus(trained, corpus):
    texts = corpus["text"].tolist()
    fast = trained.paragraph_.predict_proba(texts)
    assert fast.shape == (len(texts), 3)
    assert np.abs(fast - reference_stage1(trained.paragraph_, texts)).max() < TOLERANCE
    np.testing.assert_allclose(fast.sum(axis=1), 1.0, atol=1e-12)


#: Texts at the edges of tokenization: empty, NUL, markup, invisible characters, a language tie, numbers.
EDGE_TEXTS = ["", "   ", "zzzz qqqq", "a\x00b", "Kurs &amp; <b>Ziel</b>", "soft\u00adhy\u200bphen", "Öl und the",
              "__bos__ __eos__", "www.x.com\x00foo", "Q4 2026: $5.30 (+12 %) >> Hier!", "İstanbul ΣΊΣΥΦΟΣ",
              "\ud800 lone surrogate", "x" * 80 + " a token too long for a key", "中文 𝟘 ٣4 q4.5 5m a.5 ..... 3:"]


def test_tfidf_equals_the_vectorizer(trained, corpus):
    from detector.vectorize import NgramIndex

    texts = [*corpus["text"].tolist()[:500], *EDGE_TEXTS]
    vec = trained.paragraph_.vectorizer_
    fast, ref = NgramIndex(vec).transform(texts), vec.transform(texts)
    assert fast.shape == ref.shape
    assert abs(fast - ref).max() < TOLERANCE
    assert fast[500:502].nnz == 0


def test_the_token_scan_finds_the_tokens_of_the_regular_expression(corpus):
    import random
    import re

    from detector.features import KEPT_PUNCT, SEP, TOKEN_PATTERN, join_for_features
    from detector.tokenscan import _BASIC_LIMIT, code_points, token_keys, token_spans

    pattern = re.compile(f"{TOKEN_PATTERN}|{SEP}")
    rng = random.Random(0)
    pieces = [*"ab_9 .,:/x…?!ü²٣߀İ©", "...", "1.", ":5", SEP, "\ud800", "中文", "𝟘", "www.x.com", "__url__", "5m",
              "🚀", "１２", "ａｂ"]
    fuzz = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    texts = corpus["text"].tolist()
    joined = [join_for_features(texts[i:i + 400]).lower() for i in range(0, len(texts), 400)]
    keys_of: dict[int, str] = {}
    key_of: dict[str, int] = {}
    for text in [*joined, *EDGE_TEXTS, *fuzz]:
        cp = code_points(text)
        starts, ends = token_spans(cp)
        tokens = [text[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
        assert tokens == pattern.findall(text), text[:80]
        for token, key in zip(tokens, token_keys(cp, starts, ends).tolist()):
            assert (key == -1) == (len(token) > 64)
            if key != -1:
                assert keys_of.setdefault(key, token) == token  # one key, one token
                assert key_of.setdefault(token, key) == key  # one token, one key, wherever it stands
    assert max(map(ord, KEPT_PUNCT + SEP + ".,:/")) < _BASIC_LIMIT  # only word and digit are looked up beyond it


def test_lower_casing_by_code_point_gives_the_code_points_of_str_lower(corpus):
    import random

    from detector.features import join_for_features
    from detector.tokenscan import code_points, lower_code_points

    rng = random.Random(0)
    pieces = [*"aBZ ÄÖÜẞß\x00İıΣσςΩKÅǅ", "ΣΑ", "ΟΣ ", "Ｆ", "🚀", "\ud800", "中文", "ΜΕΓΑΛΟΣ", "ﬁ", "𐐀", "Ａ"]
    fuzz = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 20))) for _ in range(3000)]
    texts = corpus["text"].tolist()
    joined = [join_for_features(texts[i:i + 400]) for i in range(0, len(texts), 400)]
    for text in [*joined, *EDGE_TEXTS, *fuzz]:
        cp, lowered = lower_code_points(text)
        assert np.array_equal(cp, code_points(text.lower())), text[:80]
        assert lowered is None or lowered == text.lower()
    assert all(lower_code_points(text)[1] is None for text in joined)  # the corpus takes the table, not str.lower
    assert lower_code_points("Launch 🚀 NOW")[1] is None  # an emoji does not send a batch to str.lower


def test_short_and_long_texts_get_the_same_token_columns(trained, corpus, monkeypatch):
    from detector import vectorize
    from detector.features import join_for_features

    text = join_for_features([*corpus["text"].tolist()[:200], *EDGE_TEXTS]).lower()
    index = vectorize.NgramIndex(trained.paragraph_.vectorizer_)
    monkeypatch.setattr(vectorize, "SCAN_MIN_CHARS", 0)
    scanned = index.raw.columns(text)
    again = index.raw.columns(text)  # now every key is known
    monkeypatch.setattr(vectorize, "SCAN_MIN_CHARS", len(text) + 1)
    assert np.array_equal(scanned, again) and np.array_equal(scanned, index.raw.columns(text))


def test_a_full_token_cache_starts_over_with_the_same_results(trained, corpus, monkeypatch):
    from detector import vectorize

    texts = corpus["text"].tolist()[:300]
    index = vectorize.NgramIndex(trained.paragraph_.vectorizer_)
    before = index.transform(texts)
    full = index.raw
    monkeypatch.setattr(vectorize, "MAX_CACHED_TOKENS", 50)
    assert len(full) > 50
    after = index.transform(texts)
    assert index.raw is not full  # rebuilt from scratch for this batch
    assert abs(after - before).max() == 0


def test_the_integer_hash_table_finds_every_key_and_nothing_else():
    from detector.vectorize import _IntTable

    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(0, 2**40, 5000))
    keys = np.concatenate([keys, keys[:50] + (1 << 41)])  # more keys that share low bits
    table = _IntTable(keys, np.arange(keys.size))
    assert np.array_equal(table.get(keys), np.arange(keys.size))
    others = np.setdiff1d(rng.integers(0, 2**42, 5000), keys)
    assert np.all(table.get(others) == -1)
    assert _IntTable(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).get(keys[:3]).tolist() == [-1] * 3
    grown = _IntTable(keys[:10], np.arange(10))
    for part in np.array_split(np.arange(10, keys.size), 7):  # added in batches, the table doubling as it fills
        grown.add(keys[part], part)
    assert np.array_equal(grown.get(keys), np.arange(keys.size)) and np.all(grown.get(others) == -1)
    assert 4 * grown.size <= grown.keys.size


def test_layout_of_a_batch_is_the_layout_of_each_text(corpus):
    from detector.features import layout_matrix

    texts = [*corpus["text"].tolist()[:300], *EDGE_TEXTS, "  Wait...  ", "Go on >>", "\n• one\n• two\n"]
    together = layout_matrix(texts)
    alone = np.vstack([layout_matrix([t]) for t in texts])
    assert np.array_equal(together, alone)


def test_link_and_contact_flags_are_their_patterns_searched_in_each_text(corpus):
    from detector.features import _EMAIL_RE, _PHONE_RE, _URL_RE, LAYOUT_FEATURES, join_for_features, layout_matrix

    texts = [*corpus["text"].tolist(), *EDGE_TEXTS, "+49 (0)69 1234-5678", "(030) 123 45 67", "a0 1234 5678 9",
             "_0 1234 5678 9", "Tel. 0 1234 5678 9", "up +3.2% to 1,234.5", "(0)", "+", "0", "x@y.z", "www.x",
             "Kurs +1,5 % heute. Hotline📞0800 123 4567", "Kurs +1,5 %. Tel. +４９ 69 1234 5678", "（030) 123 45 67 +1"]
    got = layout_matrix(texts)
    for name, pattern in (("has_url", _URL_RE), ("has_email", _EMAIL_RE), ("has_phone", _PHONE_RE)):
        expected = [float(bool(pattern.search(join_for_features([t])))) for t in texts]
        assert got[:, LAYOUT_FEATURES.index(name)].tolist() == expected, name


@pytest.mark.parametrize("text, feature, value", [
    ("Is it? Yes.", "only_questions", 0.0), ("Buy now? Really?!", "only_questions", 1.0),
    ("Call +49 69 1234 5678", "has_phone", 1.0), ("Revenue rose 0.5% to 2026", "has_phone", 0.0),
    ("Amazon.com rose", "has_url", 0.0), ("see www.example.com today", "has_url", 1.0),
    ("mail ir@example.de", "has_email", 1.0), ("Hier weiterlesen >>", "ends_arrows", 1.0),
    ("Read more…", "ends_ellipsis", 1.0), ("Lead-in:", "ends_colon", 1.0),
    ("  • item one  ", "bullet_start", 1.0), ("line one\nline two", "multi_line", 1.0),
    ("One two three four five six seven eight", "short", 1.0), ("One two three four five six seven eight nine",
                                                                "short", 0.0),
])
def test_layout_features_read_as_named(text, feature, value):
    from detector.features import LAYOUT_FEATURES, layout_features

    assert layout_features(text)[LAYOUT_FEATURES.index(feature)] == value


def test_two_stages_equal_sklearn_on_every_article(trained, corpus):
    docs = docs_of(corpus)
    assert len(docs) > 500
    assert max_diff(trained.predict_proba_docs(docs), reference_docs(trained, docs)) < TOLERANCE


def test_batching_does_not_change_scores(trained, corpus):
    docs = docs_of(corpus)[:40]
    together = trained.predict_proba_docs([*docs[:20], [], *docs[20:]])
    assert together[20].shape == (0, 3)
    alone = [trained.predict_proba_docs([d])[0] for d in docs]
    assert max_diff([*together[:20], *together[21:]], alone) < TOLERANCE


def test_detector_scores_are_the_reference(trained):
    from detector import Detector
    from detector.segment import segment

    text = (EXAMPLES / "siemens-energy-de.txt").read_text(encoding="utf-8")
    paras = Detector(trained).classify(text)
    ref = reference_docs(trained, [[text[s.start:s.end] for s in segment(text)]])[0]
    assert [p.text for p in paras] == [text[s.start:s.end] for s in segment(text)]
    assert max(abs(p.score - (1.0 - r[0])) for p, r in zip(paras, ref)) < TOLERANCE


def test_bundled_model_equals_sklearn(det, corpus):
    pc = det.model.paragraph_
    from detector.features import LAYOUT_FEATURES

    if pc.clf_.coef_.shape[1] != len(pc.vectorizer_.vocabulary_) + len(LAYOUT_FEATURES):
        pytest.skip("the bundled model predates the current layout features (retrain it)")
    docs = docs_of(corpus)[::5]
    assert max_diff(det.model.predict_proba_docs(docs), reference_docs(det.model, docs)) < TOLERANCE


def test_a_binary_model_uses_the_expit_branch(corpus):
    from detector.model import ParagraphClassifier

    part = corpus[corpus["label"] != "boilerplate"].iloc[::6]
    clf = ParagraphClassifier().fit(part["text"].tolist(), part["label"].tolist())
    texts = corpus["text"].tolist()[::7]
    fast = clf.predict_proba(texts)
    assert np.all(fast[:, 2] == 0.0)
    assert np.abs(fast - reference_stage1(clf, texts)).max() < TOLERANCE


def test_settings_the_fast_path_does_not_know_fall_back_to_sklearn(trained, corpus):
    from detector.model import _ngram_index

    other = copy.deepcopy(trained.paragraph_)
    other.vectorizer_.set_params(norm="l1")
    texts = corpus["text"].tolist()[:300]
    assert _ngram_index(other.vectorizer_) is None
    assert np.abs(other.predict_proba(texts) - reference_stage1(other, texts)).max() < TOLERANCE


def test_a_one_vs_rest_model_is_left_to_sklearn(trained, corpus):
    from detector.model import _scorer

    other = copy.deepcopy(trained.paragraph_)
    assert _scorer(trained.paragraph_.clf_) is not None
    other.clf_.multi_class = "ovr"  # as scikit-learn < 1.8 could be told; not a softmax over the classes
    assert _scorer(other.clf_) is None
    texts = corpus["text"].tolist()[:100]
    assert np.abs(other.predict_proba(texts) - reference_stage1(other, texts)).max() < TOLERANCE


def test_the_trees_are_scored_as_sklearn_scores_them_bit_for_bit(trained, corpus):
    from sklearn.ensemble import HistGradientBoostingClassifier

    from detector.model import _fast_proba, _forest, _full_proba

    assert isinstance(trained.context_, HistGradientBoostingClassifier) and _forest(trained.context_) is not None
    flat = [t for d in docs_of(corpus)[:80] for t in d]
    p1, layout = trained.paragraph_.predict_proba_layout(flat)
    Z = trained.context_matrix(p1, layout)
    reference = _full_proba(trained.context_, Z)
    assert len(Z) > 64  # the round-by-round sums, and below the cumulative sum of one row
    assert np.array_equal(_fast_proba(trained.context_, Z), reference)
    assert np.array_equal(_fast_proba(trained.context_, Z[:1]), reference[:1])
    edges = np.vstack([Z[:3], np.zeros((1, Z.shape[1])), np.full((1, Z.shape[1]), 1e6)])  # off every threshold
    assert np.array_equal(_fast_proba(trained.context_, edges), _full_proba(trained.context_, edges))
    refit = copy.deepcopy(trained.context_)
    first = _fast_proba(refit, Z)  # caches its trees
    refit.fit(Z, np.arange(len(Z)) % 3)  # new trees: the cache follows
    assert np.array_equal(_fast_proba(refit, Z), _full_proba(refit, Z))
    assert not np.array_equal(_fast_proba(refit, Z), first)


def test_trees_the_scorer_does_not_know_are_left_to_sklearn(trained, corpus):
    from sklearn.ensemble import HistGradientBoostingClassifier

    from detector.model import _fast_proba, _forest, _full_proba

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    bigger = HistGradientBoostingClassifier(max_leaf_nodes=31, min_samples_leaf=2, max_iter=3).fit(
        X, rng.integers(0, 3, 300))
    assert max(t.nodes["is_leaf"].sum() for it in bigger._predictors for t in it) > 8
    assert _forest(bigger) is None
    assert np.array_equal(_fast_proba(bigger, X), _full_proba(bigger, X))
    flat = [t for d in docs_of(corpus)[:10] for t in d]
    Z = trained.context_matrix(*trained.paragraph_.predict_proba_layout(flat))
    Z[0, 0] = np.nan  # scikit-learn sends missing values their own way
    assert np.array_equal(_fast_proba(trained.context_, Z), _full_proba(trained.context_, Z))


def test_a_logistic_context_stage_scores_as_sklearn_too(corpus):
    from detector.model import ContextClassifier, ParagraphClassifier

    ids = sorted(corpus["doc_id"].unique())[::16]
    part = corpus[corpus["doc_id"].isin(ids)].reset_index(drop=True)
    est = ContextClassifier(ParagraphClassifier(), n_folds=2, context_model="logistic").fit(
        part[["doc_id", "text"]], part["label"].tolist())
    docs = docs_of(part)
    assert max_diff(est.predict_proba_docs(docs), reference_docs(est, docs)) < TOLERANCE
    with pytest.raises(ValueError, match="context_model"):
        ContextClassifier(ParagraphClassifier(), n_folds=2, context_model="forest").fit(
            part[["doc_id", "text"]], part["label"].tolist())


def test_the_cache_is_not_pickled_and_follows_a_refit(trained, corpus):
    texts = corpus["text"].tolist()[:200]
    before = trained.predict_proba_docs([texts])[0]
    blob = pickle.dumps(trained)
    assert b"_LinearScorer" not in blob and b"_ForestScorer" not in blob
    assert np.array_equal(pickle.loads(blob).predict_proba_docs([texts])[0], before)

    clf = copy.deepcopy(trained.paragraph_)
    first = clf.predict_proba(texts)  # caches the weights of this estimator
    clf.clf_.coef_ = clf.clf_.coef_ * 2.0  # as a refit does: a new array, so the cached weights are stale
    assert np.abs(clf.predict_proba(texts) - reference_stage1(clf, texts)).max() < TOLERANCE
    assert np.abs(clf.predict_proba(texts) - first).max() > 1e-6


def imported_modules(args: list[str], cwd=REPO) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run the installed command with Python's import profile on; the modules it imported."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    proc = subprocess.run([*finpromo_cmd(), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    mods = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}
    return proc, mods


def test_help_imports_neither_sklearn_nor_pandas():
    proc, mods = imported_modules(["--help"])
    assert proc.returncode == 0
    assert "train" in proc.stdout and "suggest" in proc.stdout
    assert not {"sklearn", "pandas", "scipy", "nltk", "detector.features"} & mods


def test_deferred_subcommands_still_parse_their_options(capsys):
    from detector.cli import main

    proc = subprocess.run([*finpromo_cmd(), "train", "--help"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "--folds" in proc.stdout and "--target-loss" in proc.stdout
    with pytest.raises(SystemExit) as exit_:
        main(["suggest", "--help"])
    assert exit_.value.code == 0 and "--pool" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["train", "data"])
    assert exit_.value.code == 2 and "--output" in capsys.readouterr().err


def test_clean_cold_start_imports_only_the_inference_modules(trained, tmp_path):
    from detector.model import LABELS
    from detector.modelfile import save_model

    model_dir = save_model(trained, tmp_path / "model", {"name": "speed-test", "labels": list(LABELS),
                                                         "threshold": 0.5})
    proc, mods = imported_modules(["clean", str(EXAMPLES / "siemens-energy-de.txt"), "--model", str(model_dir)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Siemens Energy" in proc.stdout
    assert "sklearn.linear_model" in mods  # unpickling the model needs it
    assert not {"detector.train", "detector.data", "detector.evaluate", "detector.suggest", "detector.runon"} & mods
    assert not {"nltk", "detector.sentences"} & mods  # paragraph text needs no sentence splitter; stems: PyStemmer


def load_bench():
    import importlib.util

    if "finpromo_bench" not in sys.modules:
        spec = importlib.util.spec_from_file_location("finpromo_bench", REPO / "benchmarks" / "bench.py")
        sys.modules["finpromo_bench"] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules["finpromo_bench"]


def test_benchmark_reports_every_ratio(trained, tmp_path, capsys):
    pytest.importorskip("justext")
    from detector.model import LABELS
    from detector.modelfile import save_model

    bench = load_bench()
    model_dir = save_model(trained, tmp_path / "model", {"name": "speed-test", "labels": list(LABELS),
                                                         "threshold": 0.5})
    assert bench.main(["--model", str(model_dir), "--limit", "12", "--repeats", "1", "--latency-runs", "5",
                       "--cold-runs", "0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    figures = out["figures"]
    for key in ("throughput_vs_justext", "throughput_vs_floor", "latency_speedup_vs_justext", "model_file_mb",
                "model_load_s", "finpromo_latency_p95_ms", "justext_latency_p95_ms"):
        assert figures[key] > 0, key
    assert figures["articles"] == 12
    assert figures["latency_article_paragraphs"] > 3
    assert set(out["targets_met"]) == {"throughput_vs_justext", "throughput_vs_floor", "latency_speedup_vs_justext",
                                       "model_file_mb"}
    figures.update(cli_cold_start_s=1.2, sklearn_import_s=1.0, cold_start_vs_sklearn_import=1.2, cli_peak_rss_mb=300)
    table = bench.format_table(figures)
    assert "jusText" in table and "1.20x" in table and "<= 250 MISSED" in table


def test_benchmark_times_a_whole_process():
    bench = load_bench()
    seconds, rss_mb = bench.run_process([sys.executable, "-c", "x = bytearray(64 * 1024 * 1024)"])
    assert seconds > 0 and rss_mb >= 64
    with pytest.raises(RuntimeError):
        bench.run_process([sys.executable, "-c", "raise SystemExit(3)"])


def test_benchmark_table_reads_without_justext_and_the_cli_runs():
    bench = load_bench()
    figures = {"articles": 3, "paragraphs": 30, "finpromo_paragraphs_per_s": 900.0, "floor_paragraphs_per_s": 9000.0,
               "throughput_vs_floor": 0.1, "sklearn_path_paragraphs_per_s": 300.0, "throughput_vs_sklearn_path": 3.0,
               "finpromo_latency_median_ms": 1.0, "finpromo_latency_p95_ms": 1.5,
               "sklearn_path_latency_median_ms": 3.0, "latency_speedup_vs_sklearn_path": 3.0,
               "model_file_mb": 2.5, "model_load_s": 0.2}
    table = bench.format_table(figures)
    assert "0.10x  >= 0.25 MISSED" in table and "2.50 MB  <= 10 ok" in table
    assert "jusText" not in table and "CLI" not in table


def test_threads_sharing_a_detector_get_the_scores_of_one_thread(corpus):
    import threading

    from detector import Detector

    texts = ["\n\n".join(doc) for doc in docs_of(corpus)[:600]]
    expected = [[p.score for p in r] for r in Detector.load().classify_many(texts)]
    for _ in range(2):
        shared = Detector.load()  # its own model object: the token cache starts empty, so the threads fill it
        got: list[list[float] | None] = [None] * len(texts)

        def work(k: int) -> None:
            mine = list(range(k, len(texts), 8))
            if k % 2:
                for i in mine:
                    got[i] = [p.score for p in shared.classify(texts[i])]
            else:
                for i, r in zip(mine, shared.classify_many([texts[i] for i in mine], batch_size=16)):
                    got[i] = [p.score for p in r]

        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert got == expected
