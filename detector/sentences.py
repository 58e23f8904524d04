"""Sentence-sized units for run-on text (scraped text whose paragraph breaks were lost).

Sentence boundaries come from nltk's Punkt algorithm with parameters trained on this project's own corpus and
shipped inside the package (``resources/punkt.json``; nothing is downloaded), plus rules for boundaries that a
scraper glued together without a space: ``senkt?Anzeige``, ``ab!Depot``, ``eröffnenMehr erfahren``,
``erfahren"Wir``; after a link's arrows (``… here >>>)Shares``) and before a wire dateline (``By Jane Doe SYDNEY,
Feb 2 (Reuters) - …``), which no sentence end marks.

Rebuild the parameters with ``python -m detector.sentences data/articles``.
"""

from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktTrainer

RESOURCE = "punkt.json"
#: A lower-case run at least this long glued to a capitalised word is taken as a lost boundary.
GLUE_MIN_LOWER = 6

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}"
_AGENCIES = r"Reuters|dpa-AFX|dpa|AFP|AP|APA|Bloomberg|Dow Jones|RTTNews|awp|Xinhua|Kyodo"
_GLUE_RE = re.compile(
    r"(?<=[.!?…:])(?=[\"„“»]?[A-ZÄÖÜ0-9])"                    # sentence end glued to the next sentence
    rf"|(?<=[a-zäöüß]{{{GLUE_MIN_LOWER}}})(?=[A-ZÄÖÜ][a-zäöüß]{{2}})"  # wordEndNextWord
    r"|(?<=[a-zäöüß])(?=[\"„“»][A-ZÄÖÜ])"                     # word"Quote
    r"|(?:(?<=>>)|(?<=>>\)))(?=\s*[A-ZÄÖÜ0-9])"               # a link's arrows: "… report here >>>)Shares"
    r"|(?:(?<=[→▶➤►])|(?<=[→▶➤►]\)))(?=\s*[A-ZÄÖÜ0-9])"
)
# A wire dateline opens an article, so whatever stands before it (a byline, a heading, an update note) is a unit of
# its own: "By Jane Doe SYDNEY, Feb 2 (Reuters) - …", "…im ÜberblickFRANKFURT (dpa-AFX) - …".
_DATELINE_RE = re.compile(r"(?:[A-ZÄÖÜ]{2,}(?:[ /-][A-ZÄÖÜ]{2,})*(?:, " + _MONTH + r")?|" + _MONTH + r") \((?:"
                          + _AGENCIES + r")\) ?[-–—]")
_NUMBER_DOT = re.compile(r"\d[.:]\d")


def train_params(texts: list[str]) -> dict:
    """Punkt parameters learnt from ``texts``, as a JSON-ready dict."""
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCATIONS = True
    for t in texts:
        trainer.train(t, finalize=False)
    trainer.finalize_training()
    p = trainer.get_params()
    return {"abbrev_types": sorted(p.abbrev_types), "collocations": sorted(map(list, p.collocations)),
            "sent_starters": sorted(p.sent_starters), "ortho_context": dict(sorted(p.ortho_context.items()))}


@lru_cache(maxsize=1)
def tokenizer() -> PunktSentenceTokenizer:
    """The shipped Punkt tokenizer (loaded once)."""
    raw = json.loads((resources.files("detector") / "resources" / RESOURCE).read_text(encoding="utf-8"))
    params = PunktParameters()
    params.abbrev_types = set(raw["abbrev_types"])
    params.collocations = {tuple(c) for c in raw["collocations"]}
    params.sent_starters = set(raw["sent_starters"])
    for k, v in raw["ortho_context"].items():
        params.ortho_context[k] = v
    return PunktSentenceTokenizer(params)


def _glued(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` further at glued boundaries (no whitespace between two units), after a link's
    arrows and before a wire dateline."""
    cuts = [start]
    found = {m.start() for m in _GLUE_RE.finditer(text, start, end)}
    found.update(m.start() for m in _DATELINE_RE.finditer(text, start, end))
    for pos in sorted(found):
        if pos - cuts[-1] < 2 or end - pos < 2:
            continue
        if pos >= 2 and _NUMBER_DOT.match(text, pos - 2):  # 19.800, 3.5, 12:30
            continue
        if text[pos - 1] == "." and pos >= 2 and text[pos - 2].isalpha() and (
                pos < 3 or not text[pos - 3].isalpha()):  # single-letter abbreviations: U.S.A., z.B.
            continue
        if text[pos - 1] in ".!?…:" and (pos - 2 < start or not text[pos - 2].isalnum() and text[pos - 2] not in ")\"”“"):
            continue
        cuts.append(pos)
    cuts.append(end)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (offsets into ``text``) of ``text[start:end]``, whitespace trimmed."""
    end = len(text) if end is None else end
    chunk = text[start:end]
    out = []
    for a, b in tokenizer().span_tokenize(chunk):
        for x, y in _glued(text, start + a, start + b):
            while x < y and text[x].isspace():
                x += 1
            while y > x and text[y - 1].isspace():
                y -= 1
            if y > x:
                out.append((x, y))
    return out


def main(argv: list[str] | None = None) -> int:
    from .corpus import iter_article_files, read_article

    paths = (sys.argv[1:] if argv is None else argv) or ["data/articles"]
    texts = [read_article(p).text for p in iter_article_files(paths)]
    out = Path(__file__).parent / "resources" / RESOURCE
    out.write_text(json.dumps(train_params(texts), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {out} from {len(texts)} articles", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
