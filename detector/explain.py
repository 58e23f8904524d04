"""Why a paragraph got its score: the features that pushed it most, in plain words, and a diff of what was cut.

Both stages of the model are logistic regressions, so a score decomposes exactly into per-feature terms:
coefficient times feature value. For each unit we take the log-odds of its non-reporting side (``promotional`` or
``boilerplate``, whichever the model finds likelier) against ``reporting``:

- **stage 1** (the paragraph alone): tf-idf word uni-/bigrams and layout features (``word "gratis" +1.9``,
  ``ends with "?" +0.7``);
- **stage 2** (context): the neighbours' and following paragraphs' stage-1 scores (``next paragraph looks
  promotional +0.8``). Its terms for the paragraph's own stage-1 score are left out: they are the sum of the
  stage-1 terms already listed.

A positive weight pushes towards cutting, a negative one towards keeping. Weights of the two stages are on their
own log-odds scales; they rank features, they do not add up to the final score. Explanations describe one
:meth:`~detector.core.Detector.classify` pass over the text as given (cleaning may take further passes).
"""

from __future__ import annotations

import bisect
import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .features import SHORT_WORDS
from .model import LABELS, _fast_proba

if TYPE_CHECKING:  # pragma: no cover
    from .core import Detector, Paragraph

#: Features listed per unit by default.
DEFAULT_TOP = 5
#: Terms smaller than this (in log-odds) are noise and never listed.
MIN_WEIGHT = 0.01
#: Context terms for the unit's own stage-1 score: already explained by the stage-1 terms.
OWN_SCORE_FEATURES = frozenset({"own_promo", "own_boiler", "own_nonrep"})

_TOKEN_WORDS = {"__num__": "<number>", "__money__": "<currency>", "__url__": "<link>",
                "__email__": "<e-mail>"}

LAYOUT_WORDS: dict[str, str] = {
    "log_chars": "length (characters)", "log_words": "length (words)", "multi_line": "spans several lines",
    "short": f"short ({SHORT_WORDS} words or fewer)", "no_end_punct": "no closing punctuation",
    "ends_colon": 'ends with ":"', "ends_question": 'ends with "?"', "ends_exclaim": 'ends with "!"',
    "ends_ellipsis": 'ends with "…"', "ends_arrows": 'ends with an arrow (">>", "»")',
    "upper_ratio": "share of capital letters", "digit_ratio": "share of digits", "has_url": "contains a link",
    "has_email": "contains an e-mail address", "has_phone": "contains a phone number",
    "exclaims": "exclamation marks", "questions": "question marks", "bullet_start": "starts with a bullet",
    "title_case": "share of capitalised words", "only_questions": "nothing but questions",
    "sentences": "number of sentences",
}

CONTEXT_WORDS: dict[str, str] = {
    "own_promo": "its own text looks promotional", "own_boiler": "its own text looks like boilerplate",
    "own_nonrep": "its own text looks non-reporting",
    "prev_promo": "previous paragraph looks promotional", "prev_boiler": "previous paragraph looks like boilerplate",
    "next_promo": "next paragraph looks promotional", "next_boiler": "next paragraph looks like boilerplate",
    "prev2_nonrep": "paragraph two before looks non-reporting", "next2_nonrep": "paragraph two after looks "
    "non-reporting", "has_prev": "has a previous paragraph", "has_next": "has a next paragraph",
    "max_nonrep_after": "a non-reporting paragraph follows later", "max_nonrep_before": "a non-reporting paragraph "
    "comes earlier", "reporting_after": "reporting paragraphs follow", "reporting_before": "reporting paragraphs "
    "come before", "run_after": "a run of non-reporting paragraphs follows", "run_before": "a run of non-reporting "
    "paragraphs comes before", "rel_position": "position in the article", "is_first": "first paragraph",
    "is_last": "last paragraph", "near_end": "distance from the end", "near_start": "distance from the start",
    "short": f"short ({SHORT_WORDS} words or fewer)", "short_x_next_nonrep": "short, and the next paragraph looks "
    "non-reporting", "short_x_next_promo": "short, and the next paragraph looks promotional",
    "log_n": "article length", "question": 'ends with "?"',
    "question_pair": 'a question next to another question ("Sell now? Or buy in?")',
    "question_pair_x_nonrep": "a question next to another question, and its own text looks non-reporting",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """One feature's push on a unit's score: ``weight`` in log-odds of ``toward`` vs reporting (+ = cut)."""

    feature: str
    description: str
    stage: str  # "paragraph" (the text alone) or "context" (neighbours)
    value: float
    weight: float

    def __str__(self) -> str:
        return f"{self.description} {self.weight:+.2f}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the reason."""
        return {"feature": self.feature, "description": self.description, "stage": self.stage,
                "value": round(self.value, 4), "weight": round(self.weight, 4)}


@dataclass(frozen=True, slots=True)
class Explanation:
    """A unit with its label and score, and the features that pushed its score most (strongest first)."""

    paragraph: Paragraph
    toward: str  # the non-reporting label the weights are measured towards
    reasons: tuple[Reason, ...]

    def summary(self) -> str:
        """The reasons on one line: ``word "gratis" +1.90; ends with "?" +0.71``."""
        return "; ".join(str(r) for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the paragraph's fields plus ``toward`` and ``reasons``."""
        return {**self.paragraph.to_dict(), "toward": self.toward, "reasons": [r.to_dict() for r in self.reasons]}


def describe_feature(name: str) -> str:
    """A stage-1 feature name in plain words: ``word "gratis"``, ``starts with "jetzt"``, ``ends with "?"``."""
    if name.startswith("layout:"):
        key = name.split(":", 1)[1]
        return LAYOUT_WORDS.get(key, key.replace("_", " "))
    toks = name.split(" ")
    if toks[0] == "__bos__" and len(toks) > 1:
        return f'starts with "{_words(toks[1:])}"'
    if toks[-1] == "__eos__" and len(toks) > 1:
        return f'ends with "{_words(toks[:-1])}"'
    return f'{"word" if len(toks) == 1 else "phrase"} "{_words(toks)}"'


def _words(tokens: Sequence[str]) -> str:
    return " ".join(_TOKEN_WORDS.get(t, t) for t in tokens)


def describe_context(name: str, value: float | None = None) -> str:
    """A stage-2 (context) feature in plain words, with its value where that helps (``3 reporting ...``)."""
    words = CONTEXT_WORDS.get(name, name.replace("_", " "))
    if value is None:
        return words
    if name in ("reporting_after", "reporting_before"):
        return f"{round(math.expm1(value))} {words}"
    if name in ("run_after", "run_before"):
        return f"{words} ({round(value * 4)}{'+' if value >= 1 else ''})"
    if name.startswith(("prev", "next", "max_nonrep")):
        return f"{words} ({value:.2f})"
    return words


def class_coefficients(clf: Any) -> np.ndarray:
    """Coefficients of a fitted logistic regression as a (len(LABELS), n_features) array; rows of absent labels 0.

    Binary models (two labels present) get the first label's row 0, so row differences are still log-odds.
    """
    coef = np.asarray(clf.coef_)
    classes = list(clf.classes_)
    out = np.zeros((len(LABELS), coef.shape[1]))
    if len(classes) == 2 and coef.shape[0] == 1:
        out[classes[1]] = coef[0]
    else:
        out[classes] = coef
    return out


def context_terms(context: Any, Z: np.ndarray) -> np.ndarray:
    """What each context feature adds to each unit's log-odds of every label against reporting: the log-odds
    with the feature's value, less those with the feature at 0 (no neighbour, no run, not short). Shape
    ``(units, features, len(LABELS))``; column 0 is 0.

    For a logistic regression this is exactly coefficient times value; for gradient-boosted trees it is what the
    feature changes for this unit, the others held as they are.
    """
    n, f = Z.shape
    variants = np.repeat(Z[:, None, :], f + 1, axis=1)  # row 0: as it is; row j + 1: feature j at 0
    variants[:, np.arange(1, f + 1), np.arange(f)] = 0.0
    log_p = np.log(np.maximum(_fast_proba(context, variants.reshape(-1, f)), 1e-300)).reshape(n, f + 1, -1)
    log_odds = log_p - log_p[:, :, :1]
    return log_odds[:, :1, :] - log_odds[:, 1:, :]


def _toward(scores: dict[str, float]) -> int:
    return 1 if scores.get("promotional", 0.0) >= scores.get("boilerplate", 0.0) else 2


def explain_paragraphs(det: Detector, text: str, *, top: int = DEFAULT_TOP,
                       threshold: float | None = None) -> list[Explanation]:
    """For every unit of ``text`` (as :meth:`Detector.classify` finds them), the ``top`` strongest reasons."""
    return explain_units(det, det.classify(text, threshold=threshold), top=top)


def explain_units(det: Detector, paras: Sequence[Paragraph], *, top: int = DEFAULT_TOP,
                  min_weight: float = MIN_WEIGHT) -> list[Explanation]:
    """Explanations of the units of one document, given in order with their final scores."""
    if top < 0:
        raise ValueError(f"top must be 0 or more, got {top}")
    if not paras:
        return []
    from .core import is_runon_document

    # run-on text is scored by the run-on model: explain that one
    model = det.model.runon_model_ if is_runon_document(det.model, paras) else det.model
    stage1 = model.paragraph_
    texts = [p.text for p in paras]
    design = stage1._design(texts).tocsr()
    coef1 = class_coefficients(stage1.clf_)
    names1 = stage1.feature_names()
    context = getattr(model, "context_", None)
    if context is not None:
        probs1, layout = stage1.predict_proba_layout(texts)
        ctx = model.context_matrix(probs1, layout)
        terms2 = context_terms(context, ctx)
        names2 = model.context_feature_names()
    out = []
    for i, p in enumerate(paras):
        k = _toward(p.scores)
        reasons: list[Reason] = []
        row = design.getrow(i)
        w1 = coef1[k] - coef1[0]
        for j, v in zip(row.indices, row.data):
            reasons.append(Reason(names1[j], describe_feature(names1[j]), "paragraph", float(v), float(w1[j] * v)))
        if context is not None:
            for j, name in enumerate(names2):
                if name not in OWN_SCORE_FEATURES:
                    v = float(ctx[i, j])
                    reasons.append(Reason(name, describe_context(name, v), "context", v, float(terms2[i, j, k])))
        reasons = [r for r in reasons if abs(r.weight) >= min_weight]
        reasons.sort(key=lambda r: (-abs(r.weight), r.feature))
        out.append(Explanation(p, LABELS[k], tuple(reasons[:top])))
    return out


def top_features(det: Detector, n: int = 15) -> dict[str, list[tuple[str, float]]]:
    """Per label, the ``n`` stage-1 features that favour it most over the other labels (mean coefficient gap)."""
    stage1 = det.model.paragraph_
    coef = class_coefficients(stage1.clf_)
    names = stage1.feature_names()
    out: dict[str, list[tuple[str, float]]] = {}
    for k, label in enumerate(LABELS):
        gap = coef[k] - np.delete(coef, k, axis=0).mean(axis=0)
        best = np.argsort(-gap, kind="stable")[:n]
        out[label] = [(describe_feature(names[j]), float(gap[j])) for j in best]
    return out


# -- what was cut, as a diff ---------------------------------------------------------------------------------

#: ANSI colours of the diff view.
COLORS = {"header": "\033[1m", "hunk": "\033[36m", "removed": "\033[31m", "added": "\033[32m", "reset": "\033[0m"}
#: Unchanged lines shown around each cut.
DIFF_CONTEXT_LINES = 1


def format_diff(text: str, cleaned: str, removed: Sequence[Paragraph], *, name: str = "input",
                color: bool = False, context: int = DIFF_CONTEXT_LINES) -> str:
    """A unified diff from ``text`` to ``cleaned``; each hunk header names the label and score of what it cuts."""
    lines = text.splitlines(keepends=True)
    starts = np.cumsum([0, *(len(x) for x in lines)]).tolist()
    cut_at = [(bisect.bisect_right(starts, p.start) - 1, p) for p in removed]
    out = []
    for line in difflib.unified_diff(lines, cleaned.splitlines(keepends=True), fromfile=name,
                                     tofile=f"{name} (cleaned)", n=context):
        if not line.endswith(("\n", "\r")):
            line += "\n"
        if line.startswith("@@"):
            first, count = _hunk_range(line)
            notes = [f"{p.label} {p.score:.3f}" for at, p in cut_at if first <= at < first + max(count, 1)]
            line = line.rstrip("\r\n") + (f" {', '.join(notes)}" if notes else "") + "\n"
            kind = "hunk"
        elif line.startswith(("---", "+++")):
            kind = "header"
        else:
            kind = {"-": "removed", "+": "added"}.get(line[:1], "")
        out.append(f"{COLORS[kind]}{line.rstrip(chr(10))}{COLORS['reset']}\n" if color and kind else line)
    return "".join(out)


def _hunk_range(header: str) -> tuple[int, int]:
    """0-based first line and line count of the old side of ``@@ -a,b +c,d @@``."""
    old = header.split()[1][1:]
    a, _, b = old.partition(",")
    count = int(b) if b else 1
    return (int(a) - 1 if count else int(a)), count


__all__ = ["Explanation", "Reason", "context_terms", "describe_context", "describe_feature", "explain_paragraphs",
           "explain_units", "format_diff", "top_features"]
