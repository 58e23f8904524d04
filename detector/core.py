"""The public entry point: :class:`Detector` and the :class:`Paragraph` it returns."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .cleaner import Excerpt, removal_ranges
from .model import LABELS
from .modelfile import bundled_model_dir, load_model, resolve_model_dir
from .segment import Span, segment

if TYPE_CHECKING:  # pragma: no cover
    from .explain import Explanation

#: Threshold used when a model's manifest names none.
DEFAULT_THRESHOLD = 0.5
#: Upper bound on clean passes; each pass that changes the text removes at least one unit.
MAX_CLEAN_PASSES = 10
#: Texts the ``*_many`` methods score together: larger batches spread numpy's fixed cost per call over more text,
#: up to where a batch's arrays outgrow the CPU caches (on the corpus, 256 is 12 % faster than 64; 1024 is slower).
BATCH_SIZE = 256


class Paragraph(NamedTuple):
    """A unit of the input with its offsets, label and scores (immutable).

    ``text == source[start:end]``; ``score`` is the probability that the unit is not reporting; ``label`` is
    ``reporting`` when ``score`` is below the threshold, else the likelier of ``promotional``/``boilerplate``.
    A named tuple: made by the thousand in a batch, where a frozen dataclass costs three times as much.
    """

    index: int
    start: int
    end: int
    text: str
    label: str
    score: float
    scores: Mapping[str, float] = MappingProxyType({})
    kind: str = "paragraph"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the paragraph."""
        return {"index": self.index, "start": self.start, "end": self.end, "label": self.label,
                "score": round(self.score, 6), "scores": {k: round(v, 6) for k, v in self.scores.items()},
                "kind": self.kind, "text": self.text}


def _check_text(text: object) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError("finpromo works on str, got bytes: decode them first, e.g. data.decode('utf-8')")
    raise TypeError(f"finpromo works on str, got {type(text).__name__}")


def _check_threshold(threshold: float) -> float:
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"threshold must be a number between 0 and 1, got {threshold!r}") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}")
    return value


def _optional_threshold(threshold: float | None) -> float | None:
    """A per-call threshold, checked; None leaves the model's (per kind of document)."""
    return None if threshold is None else _check_threshold(threshold)


def _check_keep(keep: Iterable[str]) -> frozenset[str]:
    if isinstance(keep, str):
        keep = (keep,)
    kept = frozenset(keep)
    unknown = kept - set(LABELS)
    if unknown:
        raise ValueError(f"keep takes labels from {', '.join(LABELS[1:])}; got {', '.join(sorted(unknown))}")
    return kept | {"reporting"}


def is_runon_document(model: Any, units: Sequence[Span] | Sequence[Paragraph]) -> bool:
    """Whether a document of these units is scored by ``model``'s run-on estimator: it has one, and at least half
    of the units are sentences (the text had no paragraph breaks)."""
    return (getattr(model, "runon_model_", None) is not None and bool(units)
            and 2 * sum(u.kind == "sentence" for u in units) >= len(units))


class Detector:
    """Finds promotional and boilerplate paragraphs in finance articles and cuts them out.

    >>> det = Detector.load()                      # doctest: +SKIP
    >>> cleaned = det.clean(article_text)          # doctest: +SKIP
    """

    def __init__(self, model: Any, manifest: dict[str, Any] | None = None, *,
                 threshold: float | None = None) -> None:
        self.model = model
        self.manifest: dict[str, Any] = dict(manifest or {})
        default = self.manifest.get("threshold", DEFAULT_THRESHOLD)
        #: Threshold on the non-reporting score for paragraphs; ``runon_threshold`` for run-on text (documents
        #: scored by the run-on model), chosen by training for the same reporting loss. A ``threshold`` given here
        #: or to a method sets both.
        self.threshold = _check_threshold(default if threshold is None else threshold)
        self.runon_threshold = (self.threshold if threshold is not None else
                                _check_threshold(self.manifest.get("runon_threshold", self.threshold)))

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, *, threshold: float | None = None) -> Detector:
        """Load the bundled model, or the model folder at ``path``, after verifying its SHA-256.

        A model file is code (pickle): load only models you trust.
        """
        with ExitStack() as stack:
            model_dir = bundled_model_dir(stack) if path is None else resolve_model_dir(path)
            model, manifest = load_model(model_dir)
        return cls(model, manifest, threshold=threshold)

    def __repr__(self) -> str:
        return f"Detector(model={self.manifest.get('name', '?')!r}, threshold={self.threshold})"

    # -- classification -------------------------------------------------------------------------------------

    def _score_docs(self, docs: list[tuple[str, list[Span]]], threshold: float | None
                    ) -> list[tuple[np.ndarray, float]]:
        """Scores and threshold per document; run-on documents (at least half of the units sentences) go to the
        model's run-on estimator if any, with its threshold unless ``threshold`` is given."""
        runon_model = getattr(self.model, "runon_model_", None)
        is_runon = [is_runon_document(self.model, spans) for _, spans in docs]
        out: list[tuple[np.ndarray, float] | None] = [None] * len(docs)
        for flag, model in ((False, self.model), (True, runon_model)):
            idx = [i for i, r in enumerate(is_runon) if r == flag]
            if idx:
                t = threshold if threshold is not None else self.runon_threshold if flag else self.threshold
                texts = [[docs[i][0][s.start:s.end] for s in docs[i][1]] for i in idx]
                for i, probs in zip(idx, model.predict_proba_docs(texts)):
                    out[i] = probs, t
        return out  # type: ignore[return-value]

    def _paragraphs(self, text: str, spans: list[Span], probs: np.ndarray, threshold: float) -> list[Paragraph]:
        out = []
        rep, promo, boiler = LABELS
        new = tuple.__new__  # Paragraph(...) without the named tuple's argument handling: one per unit of a corpus
        for i, ((start, end, kind), (p0, p1, p2)) in enumerate(zip(spans, probs.tolist())):  # plain floats
            score = 1.0 - p0
            if score < 0.0:
                score = 0.0
            elif score > 1.0:
                score = 1.0
            label = rep if score < threshold else promo if p1 >= p2 else boiler
            out.append(new(Paragraph, (i, start, end, text[start:end], label, score,
                                       {rep: p0, promo: p1, boiler: p2}, kind)))
        return out

    def classify(self, text: str, *, threshold: float | None = None) -> list[Paragraph]:
        """Every unit of ``text`` in document order, with offsets, label and scores."""
        text = _check_text(text)
        t = _optional_threshold(threshold)
        spans = segment(text)
        if not spans:
            return []
        ((probs, t_doc),) = self._score_docs([(text, spans)], t)
        return self._paragraphs(text, spans, probs, t_doc)

    def classify_many(self, texts: Iterable[str], *, threshold: float | None = None,
                      batch_size: int = BATCH_SIZE) -> Iterator[list[Paragraph]]:
        """:meth:`classify` over many texts, scored in batches (faster than one call each)."""
        t = _optional_threshold(threshold)
        batch: list[tuple[str, list[Span]]] = []

        def flush() -> Iterator[list[Paragraph]]:
            for (txt, spans), (probs, t_doc) in zip(batch, self._score_docs(batch, t)):
                yield self._paragraphs(txt, spans, probs, t_doc)
            batch.clear()

        for text in texts:
            text = _check_text(text)
            batch.append((text, segment(text)))
            if len(batch) >= batch_size:
                yield from flush()
        if batch:
            yield from flush()

    # -- cleaning -------------------------------------------------------------------------------------------

    def clean(self, text: str, *, threshold: float | None = None, keep: Collection[str] = ()) -> str:
        """``text`` with every paragraph whose label is not kept cut out (``reporting`` is always kept).

        Removal repeats on the result until nothing more goes, so ``clean(clean(x)) == clean(x)``.
        """
        return self.clean_and_explain(text, threshold=threshold, keep=keep)[0]

    def clean_and_explain(self, text: str, *, threshold: float | None = None, keep: Collection[str] = ()
                          ) -> tuple[str, list[Paragraph]]:
        """The cleaned text and the removed paragraphs (offsets into the original ``text``)."""
        t = _optional_threshold(threshold)
        return self._clean_batch([_check_text(text)], t, _check_keep(keep))[0]

    # -- explanations and HTML (issue 7) --------------------------------------------------------------------

    def explain(self, text: str, top: int = 5, *, threshold: float | None = None) -> list[Explanation]:
        """Every unit of ``text`` with the ``top`` features that pushed its score most (:mod:`detector.explain`)."""
        from .explain import explain_paragraphs

        return explain_paragraphs(self, _check_text(text), top=top, threshold=threshold)

    def clean_html(self, html: str | bytes, *, threshold: float | None = None, keep: Collection[str] = ()) -> str:
        """The main text of an HTML page (trafilatura, extra ``finpromo[html]``), one paragraph per block, cleaned."""
        from .htmltext import html_to_text

        return self.clean(html_to_text(html), threshold=threshold, keep=keep)

    # -- cleaning many texts --------------------------------------------------------------------------------

    def clean_many(self, texts: Iterable[str], *, threshold: float | None = None, keep: Collection[str] = (),
                   batch_size: int = BATCH_SIZE) -> Iterator[str]:
        """:meth:`clean` over many texts, in order, scored in batches (faster than one call each)."""
        for cleaned, _ in self.clean_and_explain_many(texts, threshold=threshold, keep=keep, batch_size=batch_size):
            yield cleaned

    def clean_and_explain_many(self, texts: Iterable[str], *, threshold: float | None = None,
                               keep: Collection[str] = (), batch_size: int = BATCH_SIZE
                               ) -> Iterator[tuple[str, list[Paragraph]]]:
        """:meth:`clean_and_explain` over many texts, in order; each pass scores a whole batch at once."""
        t = _optional_threshold(threshold)
        kept = _check_keep(keep)
        batch: list[str] = []
        for text in texts:
            batch.append(_check_text(text))
            if len(batch) >= batch_size:
                yield from self._clean_batch(batch, t, kept)
                batch = []
        if batch:
            yield from self._clean_batch(batch, t, kept)

    def _clean_batch(self, texts: list[str], threshold: float | None, kept: frozenset[str]
                     ) -> list[tuple[str, list[Paragraph]]]:
        """The passes of :meth:`clean_and_explain`, each pass scoring every still-changing text together
        (``threshold`` None: the model's, per kind of document)."""
        excerpts = [Excerpt(text) for text in texts]
        removed: list[list[Paragraph]] = [[] for _ in texts]
        active = list(range(len(texts)))
        for _ in range(MAX_CLEAN_PASSES):
            docs = [(i, current, segment(current)) for i in active for current in (excerpts[i].text,)]
            docs = [d for d in docs if d[2]]
            if not docs:
                break
            active = []
            for (i, current, spans), (probs, t_doc) in zip(docs, self._score_docs([(c, s) for _, c, s in docs],
                                                                                   threshold)):
                paras = self._paragraphs(current, spans, probs, t_doc)
                drop = [p.label not in kept for p in paras]
                if not any(drop):
                    continue
                excerpt, source = excerpts[i], texts[i]
                for p, d in zip(paras, drop):
                    if d:
                        start, end = excerpt.to_source(p.start), excerpt.to_source(p.end, end=True)
                        removed[i].append(Paragraph(p.index, start, end, source[start:end], p.label, p.score,
                                                    p.scores, p.kind))
                excerpt.remove(removal_ranges([Span(p.start, p.end, p.kind) for p in paras], drop))
                active.append(i)
        for r in removed:
            r.sort(key=lambda p: p.start)
        return [(excerpt.text, r) for excerpt, r in zip(excerpts, removed)]
