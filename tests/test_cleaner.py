from hypothesis import given, settings
from hypothesis import strategies as st

from detector.cleaner import Excerpt, cut, removal_ranges
from detector.segment import segment


def test_removing_middle_unit_keeps_the_original_separators():
    text = "A\n\nB\r\n\r\nC\n"
    spans = segment(text)
    assert cut(text, spans, [False, True, False]) == "A\n\nC\n"


def test_removing_last_unit_takes_the_separator_before_it():
    text = "A\n\nB\n\nC\n"
    assert cut(text, segment(text), [False, False, True]) == "A\n\nB\n"
    assert cut(text, segment(text), [False, True, True]) == "A\n"


def test_removing_first_unit_keeps_leading_whitespace():
    text = "  A\n\nB"
    assert cut(text, segment(text), [True, False]) == "  B"


def test_nothing_removed_returns_the_same_string():
    text = "A\n\nB"
    assert cut(text, segment(text), [False, False]) is text


# Paragraphs without line breaks: a single block with an inner line break is split per line when re-segmented
# (segmentation rule 2), which is segmentation's business, not the cutter's.
paragraph = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), min_size=1,
                    max_size=30).filter(lambda s: s.strip())
separator = st.sampled_from(["\n\n", "\r\n\r\n", "\n \n", "\n\n\n", "\r\r"])


@given(st.lists(st.tuples(paragraph, separator), min_size=1, max_size=8), st.data())
@settings(max_examples=200, deadline=None)
def test_cut_keeps_whole_units_in_order(parts, data):
    text = "".join(p + s for p, s in parts)
    spans = segment(text)
    drop = data.draw(st.lists(st.booleans(), min_size=len(spans), max_size=len(spans)))
    out = cut(text, spans, drop)
    kept = [text[s.start:s.end] for s, d in zip(spans, drop) if not d]
    # every kept unit appears, in order, unchanged; nothing of a removed unit that is not also kept text
    pos = 0
    for unit in kept:
        found = out.find(unit, pos)
        assert found >= 0
        pos = found + len(unit)
    assert len(out) <= len(text)
    assert [out[s.start:s.end] for s in segment(out)] == kept or not kept


@given(st.lists(st.tuples(paragraph, separator), min_size=1, max_size=8), st.data())
@settings(max_examples=100, deadline=None)
def test_excerpt_maps_positions_back_to_the_source(parts, data):
    text = "".join(p + s for p, s in parts)
    ex = Excerpt(text)
    spans = segment(text)
    drop = data.draw(st.lists(st.booleans(), min_size=len(spans), max_size=len(spans)))
    ex.remove(removal_ranges(spans, drop))
    assert ex.text == cut(text, spans, drop)
    for s in segment(ex.text):
        a, b = ex.to_source(s.start), ex.to_source(s.end, end=True)
        assert text[a:b] == ex.text[s.start:s.end]
