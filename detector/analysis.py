"""Error analysis on a labelled evaluation split: the numbers behind ``notebooks/error_analysis.ipynb``.

Everything here returns plain data (arrays, dicts, DataFrames); :mod:`detector.plots` draws it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .evaluate import metrics, predict_labels, report, score_docs
from .model import LABELS

#: Bins of the calibration plot.
CALIBRATION_BINS = 10


@dataclass(frozen=True)
class EvalSplit:
    """A labelled paragraph table scored by a detector: ``probs`` rows match ``frame`` rows."""

    name: str
    frame: pd.DataFrame
    probs: np.ndarray
    threshold: float

    @property
    def score(self) -> np.ndarray:
        """P(not reporting) per paragraph."""
        return 1.0 - self.probs[:, 0]

    @property
    def predicted(self) -> np.ndarray:
        return predict_labels(self.probs, self.threshold)


def available_sources(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The paths that exist (an evaluation split may be missing on this machine, e.g. ``../shared``)."""
    return [Path(p) for p in paths if Path(p).exists()]


def load_split(det: Any, paths: Sequence[str | os.PathLike[str]], *, name: str = "") -> EvalSplit:
    """Load annotated articles or tables (see :func:`detector.data.load`) and score every article in context."""
    from .data import load

    frame = load([str(p) for p in paths], training=False).reset_index(drop=True)
    return EvalSplit(name or ", ".join(Path(p).name for p in paths), frame, score_docs(det.model, frame),
                     float(det.threshold))


def summary(split: EvalSplit) -> dict[str, Any]:
    """Per-label precision/recall/F1, removal metrics, reporting loss, exact-clean rate (:func:`metrics`)."""
    return metrics(split.frame["label"], split.predicted, split.frame["doc_id"].tolist())


def pr_curves(split: EvalSplit) -> dict[str, dict[str, np.ndarray | float]]:
    """Precision–recall curve per label (one-vs-rest on its probability) and for removal (on the score)."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    y = split.frame["label"].to_numpy()
    out: dict[str, dict[str, np.ndarray | float]] = {}
    columns = [(label, y == label, split.probs[:, k]) for k, label in enumerate(LABELS)]
    columns.append(("removal (not reporting)", y != "reporting", split.score))
    for name, truth, score in columns:
        if truth.all() or not truth.any():
            continue
        precision, recall, thresholds = precision_recall_curve(truth, score)
        out[name] = {"precision": precision, "recall": recall, "thresholds": thresholds,
                     "average_precision": float(average_precision_score(truth, score))}
    return out


def confusion(split: EvalSplit) -> pd.DataFrame:
    """Confusion matrix at the detector's threshold: rows true labels, columns predicted."""
    table = metrics(split.frame["label"], split.predicted)["confusion"]
    return pd.DataFrame(table).T.loc[list(LABELS), list(LABELS)]


def calibration(split: EvalSplit, bins: int = CALIBRATION_BINS) -> pd.DataFrame:
    """Mean predicted P(not reporting) vs the observed non-reporting share, per score bin (empty bins left out)."""
    truth = (split.frame["label"].to_numpy() != "reporting").astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(split.score, edges[1:-1]), 0, bins - 1)
    rows = [{"bin": f"{edges[b]:.1f}–{edges[b + 1]:.1f}", "mean_score": float(split.score[which == b].mean()),
             "observed": float(truth[which == b].mean()), "count": int((which == b).sum())}
            for b in range(bins) if (which == b).any()]
    return pd.DataFrame(rows, columns=["bin", "mean_score", "observed", "count"])


def scores_by_label(split: EvalSplit) -> dict[str, np.ndarray]:
    """P(not reporting) of the paragraphs of each true label (for the score histogram)."""
    y = split.frame["label"].to_numpy()
    return {label: split.score[y == label] for label in LABELS if (y == label).any()}


def worst_errors(split: EvalSplit, n: int = 10) -> pd.DataFrame:
    """The ``n`` worst mistakes: lost reporting paragraphs by descending score, then missed removals."""
    errors = report(split.frame, split.probs, split.threshold, errors=n).get("errors", [])
    return pd.DataFrame(errors, columns=["doc_id", "index", "label", "predicted", "score", "family", "text"])


def top_features_frame(det: Any, n: int = 12) -> pd.DataFrame:
    """The stage-1 features that favour each label most (:func:`detector.explain.top_features`) as a table."""
    from .explain import top_features

    rows = [{"label": label, "rank": i + 1, "feature": name, "weight": round(w, 3)}
            for label, feats in top_features(det, n).items() for i, (name, w) in enumerate(feats)]
    return pd.DataFrame(rows, columns=["label", "rank", "feature", "weight"])


def summary_table(splits: Sequence[EvalSplit]) -> pd.DataFrame:
    """One row per split: articles, paragraphs, removal precision/recall/F1, reporting loss, exact-clean rate."""
    rows = []
    for split in splits:
        m = summary(split)
        rows.append({"split": split.name, "articles": m.get("articles"), "paragraphs": m["paragraphs"],
                     "threshold": round(split.threshold, 4), "removal_precision": m["removal"]["precision"],
                     "removal_recall": m["removal"]["recall"], "removal_f1": m["removal"]["f1"],
                     "reporting_loss": m["reporting_loss"], "exact_clean_rate": m.get("exact_clean_rate")})
    return pd.DataFrame(rows).set_index("split")


def explain_errors(det: Any, split: EvalSplit, errors: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """``errors`` (rows of :func:`worst_errors`) with the features that pushed each score most, in its article."""
    from .core import Paragraph
    from .explain import explain_units

    frame = split.frame
    why = []
    for doc_id, index in zip(errors["doc_id"], errors["index"]):
        rows = np.flatnonzero(frame["doc_id"].to_numpy() == doc_id)
        paras = []
        for i in rows:
            scores = {label: float(v) for label, v in zip(LABELS, split.probs[i])}
            paras.append(Paragraph(int(frame["index"].iat[i]), 0, 0, frame["text"].iat[i],
                                   str(split.predicted[i]), float(split.score[i]), scores))
        explained = {e.paragraph.index: e for e in explain_units(det, paras, top=top)}
        why.append(explained[int(index)].summary() if int(index) in explained else "")
    out = errors[["doc_id", "index", "label", "predicted", "score"]].copy()
    out["why"] = why
    return out
