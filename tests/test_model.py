"""Model files: round trip, verification before unpickling, version warnings, sklearn conventions."""

import json
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from detector import Detector, ModelError, ModelIntegrityError, ModelVersionWarning
from detector.data import load
from detector.features import stem_fingerprint
from detector.model import ContextClassifier, ParagraphClassifier
from detector.modelfile import save_model
from detector.train import TrainConfig, build_estimator, cross_validate, mean_metrics, train

from conftest import REPO

ARTICLE = (REPO / "examples" / "siemens-energy-de.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def small_data() -> pd.DataFrame:
    files = sorted((REPO / "data" / "articles").rglob("*.txt"))
    sample = files[::25]  # a fixed, language-mixed sample
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(sample)


@pytest.fixture()
def model_dir(tmp_path, det):
    out = tmp_path / "m"
    shutil.copytree(det_dir(det), out)
    return out


def det_dir(det):
    from contextlib import ExitStack

    from detector.modelfile import bundled_model_dir

    with ExitStack() as stack:
        return bundled_model_dir(stack)


def test_save_load_round_trip_gives_identical_scores(det, tmp_path):
    out = save_model(det.model, tmp_path / "copy", {**det.manifest})
    again = Detector.load(out)
    a = [p.scores for p in det.classify(ARTICLE)]
    b = [p.scores for p in again.classify(ARTICLE)]
    assert a == b


def test_the_run_on_part_is_verified_at_load_and_unpickled_on_first_run_on_text(model_dir, tmp_path):
    run_on = " ".join(ARTICLE.split())
    det = Detector.load(model_dir)
    lazy = det.model.runon_model_
    det.classify(ARTICLE)
    assert lazy._estimator is None  # paragraph text never unpickles it
    scores = [p.score for p in det.classify(run_on)]
    assert lazy._estimator is not None and scores
    again = Detector.load(save_model(det.model, tmp_path / "resaved", {**det.manifest}))  # a loaded model saves whole
    assert [p.score for p in again.classify(run_on)] == scores
    assert (tmp_path / "resaved" / "runon.joblib").is_file()
    path = model_dir / "runon.joblib"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="runon.joblib"):
        Detector.load(model_dir)  # refused at load, not at the first run-on text


def test_load_accepts_the_model_file_path_too(model_dir):
    assert Detector.load(model_dir / "model.joblib").manifest["name"] == "finpromo-base"


def test_tampered_model_is_refused_before_unpickling(model_dir):
    path = model_dir / "model.joblib"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="SHA-256"):
        Detector.load(model_dir)


def test_truncated_model_is_refused(model_dir):
    path = model_dir / "model.joblib"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ModelIntegrityError):
        Detector.load(model_dir)


def test_missing_or_broken_manifest_is_a_clear_error(model_dir, tmp_path):
    (model_dir / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="manifest"):
        Detector.load(model_dir)
    with pytest.raises(ModelError, match="no such model folder"):
        Detector.load(tmp_path / "nowhere")


@pytest.mark.parametrize("library", ["scikit-learn", "stems"])
def test_other_library_version_or_stems_warn(model_dir, library):
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["versions"][library] = "0.0.1"
    (model_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.warns(ModelVersionWarning, match="0.0.1"):
        Detector.load(model_dir)


def test_bundled_model_was_trained_with_the_installed_stems():
    # a PyStemmer with another German algorithm (3.x) would change the fingerprint, and the stems
    assert Detector.load().manifest["versions"]["stems"] == stem_fingerprint()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelVersionWarning)
        Detector.load()


def test_estimators_follow_sklearn_conventions():
    est = build_estimator(TrainConfig())
    twin = clone(est)
    assert twin.get_params()["C"] == est.get_params()["C"]
    assert isinstance(twin.paragraph, ParagraphClassifier)
    assert not hasattr(twin, "paragraph_")


def test_retraining_on_a_fixed_sample_is_deterministic(small_data):
    cfg = TrainConfig(folds=3, inner_folds=3, cv_repeats=2)
    a, man_a = train(small_data, cfg)
    b, man_b = train(small_data, cfg)
    docs = [ARTICLE.split("\n\n")]
    np.testing.assert_array_equal(a.predict_proba_docs(docs)[0], b.predict_proba_docs(docs)[0])
    assert man_a["cv"] == man_b["cv"] and man_a["threshold"] == man_b["threshold"]
    assert man_a["cv"]["repeats"] == 2


def test_repeated_cross_validation_splits_differently_each_time(small_data, capsys):
    first, second = cross_validate(small_data, TrainConfig(folds=3, inner_folds=3, cv_repeats=2), progress=True)
    assert "cross-validation" in capsys.readouterr().err  # a bar of the 6 folds, when asked for
    for cv in (first, second):
        assert cv["context"].shape == (len(small_data), 3)
        np.testing.assert_allclose(cv["context"].sum(axis=1), 1.0)
    assert not np.array_equal(first["unseen"], second["unseen"]) or not np.allclose(first["context"],
                                                                                    second["context"])


def test_repeated_figures_are_their_means():
    a = {"f1": 0.5, "support": 10, "folds": 5, "name": "x", "confusion": [[1, 2], [3, 4]],
         "by_lang": {"de": {"f1": 0.2}, "en": {"f1": 0.4}}}
    b = {"f1": 0.7, "support": 13, "folds": 5, "name": "x", "confusion": [[1, 4], [3, 6]],
         "by_lang": {"en": {"f1": 0.6}}}  # no German row was unseen-family in this split
    assert mean_metrics([a, b]) == {"f1": 0.6, "support": 12, "folds": 5, "name": "x",
                                    "confusion": [[1, 3], [3, 5]], "by_lang": {"de": {"f1": 0.2}, "en": {"f1": 0.5}}}
    with pytest.raises(ValueError, match="lengths"):
        mean_metrics([[1, 2], [1, 2, 3]])


def test_each_repetition_is_scored_by_its_own_split(small_data, monkeypatch, capsys):
    import detector.train as tr

    def marked(df, cfg, train, test_docs):  # scores that say which repetition (seed) scored the rows
        ctx = np.tile([1.0 - cfg.seed / 10, cfg.seed / 10, 0.0], (len(test_docs), 1))
        runon = pd.DataFrame({"seed": [cfg.seed]})
        return ctx, ctx, ctx[(test_docs["label"] == "reporting").to_numpy()], runon

    monkeypatch.setattr(tr, "_fit_fold", marked)
    cfg = TrainConfig(folds=3, cv_repeats=3, seed=4, n_jobs=1)
    repeats = cross_validate(small_data, cfg)
    assert capsys.readouterr().err == ""  # no progress bar unless asked for
    for r, cv in enumerate(repeats):
        assert (cv["context"][:, 1] == (cfg.seed + r) / 10).all()
        assert (cv["stripped"][:, 1] == (cfg.seed + r) / 10).all()
        assert set(cv["runon"]["seed"]) == {cfg.seed + r}


def test_paragraph_alone_and_context_models_both_predict(small_data):
    X = small_data[["doc_id", "text"]]
    y = small_data["label"].tolist()
    ctx = ContextClassifier(ParagraphClassifier(), n_folds=3).fit(X, y, families=small_data["family"].tolist())
    flat = ContextClassifier(ParagraphClassifier(), use_context=False).fit(X, y)
    for est in (ctx, flat):
        proba = est.predict_proba(X)
        assert proba.shape == (len(X), 3)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        assert set(est.predict(X)) <= {"reporting", "promotional", "boilerplate"}


def test_the_context_stage_also_learns_from_scores_of_seen_templates(small_data, monkeypatch):
    # Out-of-fold stage-1 scores twice: with the template family held out (as on an unseen publisher) and with only
    # the article held out (as on a known one); without families there is only the article-level kind.
    calls = []
    original = ContextClassifier._oof_stage1

    def spy(self, texts, y, doc_ids, families):
        calls.append(families is not None)
        return original(self, texts, y, doc_ids, families)

    monkeypatch.setattr(ContextClassifier, "_oof_stage1", spy)
    X, y, families = small_data[["doc_id", "text"]], small_data["label"].tolist(), small_data["family"].tolist()
    seen = ContextClassifier(ParagraphClassifier(), n_folds=3).fit(X, y, families=families)
    assert calls == [True, False]
    calls.clear()
    unseen_only = ContextClassifier(ParagraphClassifier(), n_folds=3, seen_scores=False).fit(X, y, families=families)
    assert calls == [True]
    calls.clear()
    ContextClassifier(ParagraphClassifier(), n_folds=3).fit(X, y)
    assert calls == [False]
    assert not np.allclose(seen.predict_proba(X), unseen_only.predict_proba(X))


def test_a_question_next_to_another_question_is_a_pair_and_pairs_stay_inside_their_document():
    from detector.features import context_feature_names, context_features

    # two documents: statement, question, question, statement | question, answer
    probs = np.tile([0.8, 0.1, 0.1], (6, 1))
    question = np.array([0, 1, 1, 0, 1, 0], dtype=float)
    Z = context_features(probs, np.zeros(6), question=question, lengths=[4, 2])
    pair = Z[:, context_feature_names().index("question_pair")]
    assert pair.tolist() == [0, 1, 1, 0, 0, 0]
    # the last unit of one document and the first of the next are not neighbours
    Z = context_features(probs, np.zeros(6), question=np.array([0, 0, 0, 1, 1, 0], dtype=float), lengths=[4, 2])
    assert not Z[:, context_feature_names().index("question_pair")].any()


def test_a_model_trained_before_the_question_features_is_scored_without_them(small_data):
    from sklearn.linear_model import LogisticRegression

    from detector.features import QUESTION_FEATURES

    X, y = small_data[["doc_id", "text"]], small_data["label"].tolist()
    est = ContextClassifier(ParagraphClassifier(), n_folds=3).fit(X, y)
    names = est.context_feature_names()
    assert set(QUESTION_FEATURES) <= set(names)
    del est.context_features_  # as unpickled from a model file written before they existed
    legacy = est.context_feature_names()
    assert legacy == [n for n in names if n not in QUESTION_FEATURES]
    rng = np.random.default_rng(0)
    est.context_ = LogisticRegression().fit(rng.normal(size=(30, len(legacy))), np.arange(30) % 3)
    proba = est.predict_proba(X)
    assert proba.shape == (len(X), 3)
