import pytest

from conftest import EXAMPLES, read_labels
from detector import LABELS, Detector, Paragraph

ARTICLE = (EXAMPLES / "siemens-energy-de.txt").read_text(encoding="utf-8")


def test_classify_returns_paragraphs_in_order_with_offsets_and_scores(det):
    paras = det.classify(ARTICLE)
    assert [p.index for p in paras] == list(range(len(paras)))
    for p in paras:
        assert isinstance(p, Paragraph)
        assert ARTICLE[p.start:p.end] == p.text
        assert p.label in LABELS
        assert set(p.scores) == set(LABELS)
        assert sum(p.scores.values()) == pytest.approx(1.0)
        assert p.score == pytest.approx(1.0 - p.scores["reporting"])
        assert (p.label == "reporting") == (p.score < det.threshold)


def test_own_example_article_loses_exactly_its_promotional_paragraphs(det):
    labels = read_labels(EXAMPLES / "siemens-energy-de.labels.jsonl")
    paras = det.classify(ARTICLE)
    assert [p.label != "reporting" for p in paras] == [label != "reporting" for label in labels]


def test_clean_cuts_whole_paragraphs_and_keeps_the_rest_byte_identical(det):
    labels = read_labels(EXAMPLES / "siemens-energy-de.labels.jsonl")
    paras = det.classify(ARTICLE)
    cleaned = det.clean(ARTICLE)
    kept = [p.text for p, label in zip(paras, labels) if label == "reporting"]
    assert cleaned == "\n\n".join(kept) + "\n"


def test_shared_example_article_comes_out_exactly_right(det, shared_dir):
    path = shared_dir / "examples" / "amazon-openai-de.txt"
    if not path.exists():
        pytest.skip("shared example article absent")
    text = path.read_text(encoding="utf-8")
    labels = read_labels(shared_dir / "examples" / "amazon-openai-de.labels.jsonl")
    paras = det.classify(text)
    assert len(paras) == len(labels)
    assert [p.label != "reporting" for p in paras] == [label != "reporting" for label in labels]
    cleaned = det.clean(text)
    assert cleaned.split("\n\n") == [p.text for p, label in zip(paras, labels) if label == "reporting"]


def test_clean_is_idempotent(det):
    once = det.clean(ARTICLE)
    assert det.clean(once) == once


def test_keep_boilerplate_strips_only_promotions(det):
    text = ARTICLE + "\n\nMit Material von dpa-AFX\n"
    paras = det.classify(text)
    assert paras[-1].label == "boilerplate"
    kept = det.clean(text, keep=("boilerplate",))
    assert kept.endswith("Mit Material von dpa-AFX\n")
    assert "Gratis-Analyse" not in kept
    assert "dpa-AFX" not in det.clean(text)


def test_threshold_per_call_and_per_detector(det):
    assert det.clean(ARTICLE, threshold=1.0) == ARTICLE
    strict = Detector(det.model, det.manifest, threshold=1.0)
    assert strict.clean(ARTICLE) == ARTICLE
    assert all(p.label == "reporting" for p in strict.classify(ARTICLE))


def test_clean_and_explain_reports_removed_paragraphs_with_original_offsets(det):
    cleaned, removed = det.clean_and_explain(ARTICLE)
    assert removed and cleaned == det.clean(ARTICLE)
    for p in removed:
        assert ARTICLE[p.start:p.end] == p.text
        assert p.label != "reporting"


def test_bytes_input_says_to_decode_first(det):
    with pytest.raises(TypeError, match="decode"):
        det.classify(ARTICLE.encode())
    with pytest.raises(TypeError, match="decode"):
        det.clean(b"abc")


def test_bad_threshold_and_keep_values_are_rejected(det):
    with pytest.raises(ValueError, match="between 0 and 1"):
        det.clean(ARTICLE, threshold=1.5)
    with pytest.raises(ValueError, match="keep"):
        det.clean(ARTICLE, keep=("adverts",))


def test_empty_and_whitespace_input(det):
    assert det.classify("") == []
    assert det.clean("") == ""
    assert det.clean(" \n\n ") == " \n\n "


def test_classify_many_matches_classify(det):
    texts = [ARTICLE, "Kurze Meldung ohne Werbung.", ""]
    assert list(det.classify_many(texts, batch_size=2)) == [det.classify(t) for t in texts]


def test_repr_names_model_and_threshold(det):
    assert "finpromo-base" in repr(det) and str(det.threshold) in repr(det)


def test_run_on_text_is_cut_at_the_run_on_models_own_threshold(det):
    # A scraped article whose paragraph breaks were lost is scored sentence by sentence by the run-on model, whose
    # threshold training chose for the same reporting loss; a threshold given explicitly applies to both kinds.
    article = (EXAMPLES / "siemens-energy-de.txt").read_text(encoding="utf-8")
    run_on = " ".join(article.split())
    units = det.classify(run_on)
    assert units and all(p.kind == "sentence" for p in units)
    assert all((p.label != "reporting") == (p.score >= det.runon_threshold) for p in units)
    assert any(p.label != "reporting" for p in units)  # the closing ad goes in run-on text too
    never = Detector(det.model, {**det.manifest, "runon_threshold": 1.0})
    assert [p.label != "reporting" for p in never.classify(run_on)] == [p.score >= 1.0 for p in units]
    assert never.clean(article) == det.clean(article) != article  # paragraphs keep their own threshold
    assert never.clean(run_on, threshold=det.threshold) == Detector(det.model, {**det.manifest, "runon_threshold":
                                                                                 det.threshold}).clean(run_on)
    both = Detector(det.model, det.manifest, threshold=0.6)
    assert both.threshold == both.runon_threshold == 0.6


def test_a_body_of_single_lines_under_a_headline_keeps_its_reporting(det):
    article = (EXAMPLES / "siemens-energy-de.txt").read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in article.split("\n\n") if p.strip()]
    text = "Siemens Energy im Überblick\n\n" + "\n".join(paragraphs)
    kept = [p.text for p in det.classify(article) if p.label == "reporting"]
    cleaned = det.clean(text)
    assert all(" ".join(k.split()) in cleaned for k in kept)
    assert len(cleaned) < len(text)  # the closing ad still goes
