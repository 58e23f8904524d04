import random

from detector.segment import segment
from detector.sentences import sentence_spans


def units(text):
    return [text[s.start:s.end] for s in segment(text)]


def test_blank_lines_separate_paragraphs_and_offsets_point_into_the_text():
    text = "  First paragraph.\n\nSecond one\nwith two lines.\n\n\nThird.  \n"
    spans = segment(text)
    assert units(text) == ["First paragraph.", "Second one\nwith two lines.", "Third."]
    assert spans[0].start == 2 and text[spans[2].start:spans[2].end] == "Third."


def test_crlf_lone_cr_and_whitespace_only_lines_count_as_blank_lines():
    assert units("a\r\n\r\nb") == ["a", "b"]
    assert units("a\r\rb") == ["a", "b"]
    assert units("a\n \t \nb\n\u00a0\nc") == ["a", "b", "c"]
    assert units("a\r\n  \r\nb\n\nc") == ["a", "b", "c"]


def test_text_without_blank_lines_is_split_per_line():
    assert units("Headline\nFirst sentence.\nSecond sentence.") == ["Headline", "First sentence.", "Second sentence."]


def test_bullet_list_stays_with_its_lead_in_line():
    text = "Intro.\nKey points:\n- one\n- two\n• three\nAfter the list."
    assert units(text) == ["Intro.", "Key points:\n- one\n- two\n• three", "After the list."]


def test_numbered_list_stays_together_in_line_mode():
    assert units("Ranking:\n1. Apple\n2. Microsoft\nEnd.") == ["Ranking:\n1. Apple\n2. Microsoft", "End."]


def test_paragraph_with_bullets_is_one_unit_in_blank_line_mode():
    text = "Lead:\n- a\n- b\n\nNext paragraph."
    assert units(text) == ["Lead:\n- a\n- b", "Next paragraph."]


def test_empty_and_whitespace_only_text_has_no_units():
    assert segment("") == []
    assert segment(" \n\r\n\t ") == []


def test_single_paragraph():
    assert units("Just one line.") == ["Just one line."]


def test_run_on_lines_around_a_list_are_split_into_sentences_and_the_list_stays_whole():
    # A scraper lost the paragraph breaks but kept a list's line breaks: the run-on lines before and after the
    # list are sentence units, not one unit of the whole text (one unit could only be kept or cut whole).
    before = " ".join(f"Der Umsatz stieg im Quartal {i} um {i + 2} Prozent auf neue Rekordwerte." for i in range(20))
    after = " ".join(f"Die Prognose für {2020 + i} bleibt nach Angaben des Vorstands unverändert." for i in range(20))
    text = f"{before} Die Punkte:\n- erstens\n- zweitens {after}"
    spans = segment(text)
    kinds = [s.kind for s in spans]
    assert kinds.count("sentence") >= 30 and kinds.count("line") == 1
    assert [text[s.start:s.end] for s in spans if s.kind == "line"] == ["- erstens"]
    assert units(text)[0].startswith("Der Umsatz stieg im Quartal 0")
    assert all(len(u) < 1000 for u in units(text))


def test_a_long_block_of_single_lines_after_a_headline_is_split_per_line():
    # Scraped text often has a headline, a blank line, then a body whose paragraphs are single lines: the body
    # must not be one unit (it could only be kept or cut whole).
    body = [f"Paragraph {i}: the company reported revenue of {i} billion euros in the quarter." for i in range(20)]
    text = "Headline of the day\n\n" + "\n".join(body)
    assert units(text) == ["Headline of the day", *body]
    short = "Contact:\nJane Doe\n+49 69 1234 5678\n\nNext paragraph."
    assert units(short) == ["Contact:\nJane Doe\n+49 69 1234 5678", "Next paragraph."]  # a short block stays whole


def test_the_fast_blank_line_pattern_splits_text_without_carriage_returns_the_same():
    from detector.segment import _BLANK_LINE_SEP, _BLANK_LINE_SEP_LF

    rng = random.Random(0)
    pieces = ["\n", "\n\n", " ", "\t", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\xa0", "a", "Wort.", "- x"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 16))) for _ in range(5000)]
    for text in [*texts, "Head\n \t\nBody\n\n\n  \nEnd", "\n\n", "a\n\u2028\nb"]:
        assert _BLANK_LINE_SEP_LF.split(text) == _BLANK_LINE_SEP.split(text), repr(text)


def sentences(text):
    return [text[a:b] for a, b in sentence_spans(text)]


def test_a_byline_or_heading_before_a_wire_dateline_is_a_unit_of_its_own():
    assert sentences("By Jane Doe SYDNEY, Feb 2 (Reuters) - Asian shares rose. Bonds fell.") == [
        "By Jane Doe", "SYDNEY, Feb 2 (Reuters) - Asian shares rose.", "Bonds fell."]
    assert sentences("By Jane DoeNEW YORK, Jan 29 (Reuters) - Stocks rose.") == [
        "By Jane Doe", "NEW YORK, Jan 29 (Reuters) - Stocks rose."]
    assert sentences("Adds details, backgroundJan 31 (Reuters) - Wistron said.") == [
        "Adds details, background", "Jan 31 (Reuters) - Wistron said."]
    assert sentences("Die Aktie im ÜberblickBERLIN/FRANKFURT (dpa-AFX) - Die Aktie stieg.") == [
        "Die Aktie im Überblick", "BERLIN/FRANKFURT (dpa-AFX) - Die Aktie stieg."]
    # capitals or an agency in brackets without the dash are no dateline
    assert sentences("The U.S. (AP) result was fine. SYDNEY is a city.") == [
        "The U.S. (AP) result was fine.", "SYDNEY is a city."]


def test_a_link_ending_in_arrows_ends_its_unit():
    assert sentences("(Read the full report on Visa here >>>)Shares of Visa rose.") == [
        "(Read the full report on Visa here >>>)", "Shares of Visa rose."]
    assert sentences("See all reports here >> Apple rose. Jetzt anmelden ➤ Die Aktie stieg.") == [
        "See all reports here >>", "Apple rose.", "Jetzt anmelden ➤", "Die Aktie stieg."]
    # a German opening quote and a comparison are not arrows
    assert sentences("Er sagte »Wir wachsen« und ging. Das Ergebnis: AAPL > MSFT.") == [
        "Er sagte »Wir wachsen« und ging.", "Das Ergebnis: AAPL > MSFT."]
