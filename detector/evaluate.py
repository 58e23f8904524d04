"""Evaluation: per-label precision/recall/F1, reporting loss, exact-clean articles, breakdowns, worst errors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .model import LABELS, doc_slices
from .runon import make_runon

if TYPE_CHECKING:  # pragma: no cover
    from .core import Detector


def predict_labels(probs: np.ndarray, threshold: float) -> np.ndarray:
    """Labels from probabilities: ``reporting`` below the threshold on P(not reporting), else the likelier other."""
    score = 1.0 - probs[:, 0]
    other = np.where(probs[:, 1] >= probs[:, 2], 1, 2)
    return np.array(LABELS)[np.where(score < threshold, 0, other)]


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": int(tp + fn)}


def metrics(y_true: Sequence[str], y_pred: Sequence[str], doc_ids: Sequence[str] | None = None
            ) -> dict[str, Any]:
    """Per-label and removal metrics, reporting loss, confusion matrix and (with ``doc_ids``) exact-clean rate."""
    t = np.asarray(y_true, dtype=object)
    p = np.asarray(y_pred, dtype=object)
    out: dict[str, Any] = {"paragraphs": int(len(t))}
    out["per_label"] = {lab: _prf(int(((t == lab) & (p == lab)).sum()), int(((t != lab) & (p == lab)).sum()),
                                  int(((t == lab) & (p != lab)).sum())) for lab in LABELS}
    true_rm, pred_rm = t != "reporting", p != "reporting"
    out["removal"] = _prf(int((true_rm & pred_rm).sum()), int((~true_rm & pred_rm).sum()),
                          int((true_rm & ~pred_rm).sum()))
    n_rep = int((~true_rm).sum())
    out["reporting_loss"] = round(float((~true_rm & pred_rm).sum() / n_rep), 5) if n_rep else 0.0
    out["confusion"] = {a: {b: int(((t == a) & (p == b)).sum()) for b in LABELS} for a in LABELS}
    if doc_ids is not None:
        ids = list(doc_ids)
        slices = doc_slices(ids)
        exact = [bool((true_rm[s] == pred_rm[s]).all()) for s in slices]
        out["articles"] = len(slices)
        out["exact_clean_rate"] = round(float(np.mean(exact)), 4) if exact else 0.0
    return out


def score_docs(model: Any, df: pd.DataFrame) -> np.ndarray:
    """Probabilities for every row of a paragraph table, each article scored as a whole (with context)."""
    ids = df["doc_id"].tolist()
    texts = df["text"].tolist()
    docs = [texts[s] for s in doc_slices(ids)]
    out = model.predict_proba_docs(docs)
    return np.vstack(out) if out else np.zeros((0, len(LABELS)))


def runon_predictions(detector: Detector, df: pd.DataFrame, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels and scores of the paragraphs of a table when every article has lost its paragraph breaks.

    Each article's paragraphs are joined into one line, a space or nothing between them (as
    :func:`detector.runon.make_runon` does, seeded), and the text is classified by ``detector`` as any input is
    (long lines split into sentences and scored by the run-on model at its threshold). A paragraph counts as removed
    when more than half of its characters fall in removed units, with the label most of them got; its score is the
    mean over its characters of their units' scores.
    """
    rng = np.random.default_rng(seed)
    slices = doc_slices(df["doc_id"].tolist())
    texts = df["text"].tolist()
    joined = [make_runon(texts[s], rng) for s in slices]
    pred = np.full(len(df), LABELS[0], dtype=object)
    score = np.zeros(len(df))
    codes = {label: i for i, label in enumerate(LABELS)}
    for s, (text, spans), units in zip(slices, joined, detector.classify_many(t for t, _ in joined)):
        label = np.zeros(len(text), dtype=np.int8)  # per character: the code of its unit's label
        chars = np.zeros(len(text))  # per character: its unit's score
        for u in units:
            label[u.start:u.end] = codes[u.label]
            chars[u.start:u.end] = u.score
        for row, (a, b) in enumerate(spans, start=s.start):
            counts = np.bincount(label[a:b], minlength=len(LABELS))
            if 2 * (counts[1] + counts[2]) > b - a:
                pred[row] = LABELS[1] if counts[1] >= counts[2] else LABELS[2]
            score[row] = chars[a:b].mean() if b > a else 0.0
    return pred, score


def report(df: pd.DataFrame, probs: np.ndarray, threshold: float, *, errors: int = 0) -> dict[str, Any]:
    """Full evaluation report for a paragraph table and its probabilities."""
    return label_report(df, predict_labels(probs, threshold), 1.0 - probs[:, 0], threshold, errors=errors)


def label_report(df: pd.DataFrame, pred: np.ndarray, score: np.ndarray, threshold: float, *, errors: int = 0
                 ) -> dict[str, Any]:
    """Full evaluation report for a paragraph table, its predicted labels and scores (P(not reporting))."""
    ids = df["doc_id"].tolist()
    out: dict[str, Any] = {"threshold": round(float(threshold), 4), **metrics(df["label"], pred, ids)}
    out["by_lang"] = {str(lang): metrics(g["label"], pred[g.index], g["doc_id"].tolist())
                      for lang, g in df.groupby("lang", sort=True)}
    if "source" in df and df["source"].nunique() <= 50:
        out["by_source"] = {str(src): metrics(g["label"], pred[g.index], g["doc_id"].tolist())
                            for src, g in df.groupby("source", sort=True)}
    fam = df[df["label"] != "reporting"]
    out["by_family"] = {
        str(f): {"label": g["label"].iloc[0], "support": int(len(g)),
                 "recall": round(float((pred[g.index] != "reporting").mean()), 4)}
        for f, g in fam.groupby(fam["family"].fillna("(none)"), sort=True)}
    if errors:
        wrong = np.flatnonzero((pred != "reporting") != (df["label"].to_numpy() != "reporting"))
        # worst first: lost reporting by descending score, then missed removals by ascending score
        order = sorted(wrong, key=lambda i: (df["label"].iat[i] != "reporting",
                                             -score[i] if df["label"].iat[i] == "reporting" else score[i]))
        out["errors"] = [{"doc_id": df["doc_id"].iat[i], "index": int(df["index"].iat[i]),
                          "label": df["label"].iat[i], "predicted": str(pred[i]), "score": round(float(score[i]), 4),
                          "family": df["family"].iat[i], "text": df["text"].iat[i]} for i in order[:errors]]
    return out


def format_report(rep: dict[str, Any], *, title: str = "") -> str:
    """A human-readable rendering of :func:`report`."""
    lines = [title] if title else []
    lines.append(f"paragraphs {rep['paragraphs']}, articles {rep.get('articles', '?')}, "
                 f"threshold {rep['threshold']}")
    lines.append(f"{'label':<14}{'precision':>10}{'recall':>9}{'f1':>8}{'support':>9}")
    for lab, m in [*rep["per_label"].items(), ("(removal)", rep["removal"])]:
        lines.append(f"{lab:<14}{m['precision']:>10.3f}{m['recall']:>9.3f}{m['f1']:>8.3f}{m['support']:>9}")
    lines.append(f"reporting loss {rep['reporting_loss']:.2%}   exact-clean articles "
                 f"{rep.get('exact_clean_rate', 0):.1%}")
    lines.append("confusion (rows true, columns predicted): " + ", ".join(LABELS))
    for a, row in rep["confusion"].items():
        lines.append(f"  {a:<12}" + "".join(f"{row[b]:>8}" for b in LABELS))
    for key, name in (("by_lang", "language"), ("by_source", "source")):
        if rep.get(key):
            lines.append(f"by {name}:")
            for k, m in rep[key].items():
                lines.append(f"  {k:<22} removal P {m['removal']['precision']:.3f} R {m['removal']['recall']:.3f}"
                             f"  reporting loss {m['reporting_loss']:.2%}  exact {m.get('exact_clean_rate', 0):.1%}")
    if rep.get("by_family"):
        lines.append("recall by family (worst first):")
        for f, m in sorted(rep["by_family"].items(), key=lambda kv: (kv[1]["recall"], kv[0]))[:25]:
            lines.append(f"  {f:<40} {m['label']:<12} {m['recall']:.2f}  (n={m['support']})")
    for e in rep.get("errors", []):
        text = e["text"].replace("\n", " ")
        lines.append(f"  [{e['label']}→{e['predicted']} {e['score']:.2f}] {e['doc_id']}#{e['index']}: "
                     f"{text[:110]}{'…' if len(text) > 110 else ''}")
    return "\n".join(lines)


def to_json(rep: dict[str, Any]) -> str:
    return json.dumps(rep, indent=2, ensure_ascii=False, default=str)
