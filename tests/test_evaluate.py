"""Evaluation with the paragraph breaks lost (``finpromo eval --runon``): how units map back to paragraphs."""

import re

import numpy as np
import pandas as pd

from detector import Paragraph
from detector.evaluate import label_report, runon_predictions
from detector.runon import make_runon, runon_frame, unit_sources


class SentenceDetector:
    """A stand-in detector: one unit per sentence, promotional where it says "Buy now", boilerplate "©"."""

    runon_threshold = 0.5

    def classify_many(self, texts):
        for text in texts:
            units = []
            for i, m in enumerate(re.finditer(r"[^.!]+[.!]", text)):
                label = "promotional" if "Buy now" in m[0] else "boilerplate" if "©" in m[0] else "reporting"
                score = 0.0 if label == "reporting" else 1.0
                units.append(Paragraph(i, m.start(), m.end(), m[0], label, score))
            yield units


def table(*paragraphs):
    return pd.DataFrame({"doc_id": "a", "index": range(len(paragraphs)), "lang": "en",
                         "label": [label for label, _ in paragraphs], "family": None,
                         "text": [text for _, text in paragraphs]})


def test_each_paragraph_takes_the_label_of_most_of_its_characters():
    df = table(("reporting", "Shares rose 4% on Monday. Volume was heavy."),
               ("promotional", "Buy now and save! Buy now, the offer ends soon."),
               ("reporting", "Analysts expect more gains. The next report is due in May."),
               ("boilerplate", "© 2026 Example Media."))
    pred, score = runon_predictions(SentenceDetector(), df)
    assert pred.tolist() == ["reporting", "promotional", "reporting", "boilerplate"]
    assert score.tolist() == [0.0, 1.0, 0.0, 1.0]


def test_a_paragraph_glued_into_a_removed_sentence_counts_as_lost():
    # no sentence end between the heading and the ad: in run-on text they are one unit, and the heading goes with it
    df = table(("reporting", "Shares rose 4% on Monday."), ("reporting", "Outlook"),
               ("promotional", "Buy now and get the full report for free."))
    pred, _ = runon_predictions(SentenceDetector(), df)
    assert pred.tolist() == ["reporting", "promotional", "promotional"]
    rep = label_report(df, pred, np.zeros(len(df)), 0.5)
    assert rep["reporting_loss"] == 0.5 and rep["removal"]["recall"] == 1.0


def test_the_articles_are_joined_as_the_run_on_training_text_is():
    df = pd.concat([table(("reporting", "One. Two."), ("promotional", "Buy now!")).assign(doc_id="a"),
                    table(("reporting", "Three."), ("boilerplate", "© Example.")).assign(doc_id="b")],
                   ignore_index=True)
    seen = []

    class Recorder(SentenceDetector):
        def classify_many(self, texts):
            texts = list(texts)
            seen.extend(texts)
            return super().classify_many(texts)

    runon_predictions(Recorder(), df, seed=3)
    rng = np.random.default_rng(3)
    assert seen == [make_runon(["One. Two.", "Buy now!"], rng)[0], make_runon(["Three.", "© Example."], rng)[0]]
    assert all("\n" not in t for t in seen)


def test_a_run_on_training_unit_with_a_quarter_of_reporting_in_it_is_reporting():
    spans = [(0, 30), (30, 100)]  # a reporting heading glued to a teaser sentence
    assert unit_sources([(0, 100)], spans) == [1]  # the paragraph that covers most of it
    assert unit_sources([(0, 100)], spans, [True, False]) == [0]  # cut whole, it would take the heading with it
    assert unit_sources([(10, 100)], spans, [True, False]) == [1]  # 20 of 90 characters: the teaser's
    assert unit_sources([(0, 100)], spans, [False, True]) == [1]

    df = table(("reporting", "Market outlook for the week"), ("promotional", "Buy now and get the full report free."))
    units = runon_frame(df.assign(hard=False, source=None))
    assert units["label"].tolist() == ["reporting"] and units["para_index"].tolist() == [0]


def test_cross_validated_run_on_figures_count_a_heading_glued_to_a_removed_teaser_as_lost():
    from detector.train import runon_metrics

    df = table(("reporting", "Shares rose 4% on Monday after the results."), ("reporting", "Outlook"),
               ("promotional", "Buy now and get the full report for free today."))
    units = runon_frame(df.assign(hard=False, source=None))
    assert units["text"].tolist()[-1].startswith("Outlook") and units["label"].tolist()[-1] == "promotional"
    assert units["parts"].tolist()[-1] == ((1, "reporting", 7), (2, "promotional", 47))
    scored = units.assign(score=[0.0] * (len(units) - 1) + [1.0])
    m = runon_metrics(scored, 0.5)
    assert m["paragraphs"] == 3 and m["promotional_recall"] == 1.0 and m["reporting_loss"] == 0.5


def test_the_run_on_threshold_is_chosen_for_the_reporting_paragraphs_lost_not_the_units():
    from detector.train import choose_runon_threshold

    df = table(("reporting", "Shares rose 4% on Monday after the results."), ("reporting", "Outlook"),
               ("promotional", "Buy now and get the full report for free today."))
    units = runon_frame(df.assign(hard=False, source=None))
    scored = units.assign(score=[0.2] * (len(units) - 1) + [0.9])  # the heading sits in the teaser's unit
    assert choose_runon_threshold([scored], 0.0, 0.0) == 0.9001  # keep the heading: keep the teaser
    assert choose_runon_threshold([scored], 0.5, 0.0) == 0.2001  # half the reporting paragraphs may go
    other = units.assign(score=[0.2] * (len(units) - 1) + [0.3])  # another repetition of the same article
    assert choose_runon_threshold([scored, other], 0.0, 0.0) == 0.9001  # pooled, not averaged into one article
