"""Train and cross-validate a finpromo model; ``python -m detector.train DATA... -o models/NAME``.

Cross-validation holds out articles *and* template families: in fold ``k`` the model is trained without the
articles of fold ``k`` and without every paragraph of the families of fold ``k``; it is then scored on fold ``k``'s
articles, where a non-reporting paragraph counts as *unseen* only if its family belongs to fold ``k``. The
default threshold is picked on the out-of-fold scores so that at most ``target_loss`` of reporting paragraphs
would be removed.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import numbers
import platform
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .evaluate import metrics, predict_labels, score_docs
from .features import stem_fingerprint
from .model import BOOSTING, LABELS, ContextClassifier, ParagraphClassifier, fold_assignment
from .runon import runon_frame

log = logging.getLogger(__name__)

#: Default share of reporting paragraphs the default threshold may remove on out-of-fold scores.
TARGET_LOSS = 0.005
#: The default threshold never goes below this, whatever the out-of-fold scores say.
MIN_THRESHOLD = 0.5


@dataclass(frozen=True)
class TrainConfig:
    """Training settings; every field is recorded in the manifest."""

    seed: int = 0
    folds: int = 5
    cv_repeats: int = 3
    inner_folds: int = 3
    C: float = 8.0
    class_weight: str | None = "balanced"
    context_model: str = "boosting"
    context_C: float = 1.0
    context_class_weight: str | None = None
    position: bool = False
    context_seen_scores: bool = True
    runon_fraction: float = 1.0
    min_df: int = 2
    target_loss: float = TARGET_LOSS
    min_threshold: float = MIN_THRESHOLD
    cv: bool = True
    n_jobs: int = 1


def build_estimator(cfg: TrainConfig, *, use_context: bool = True) -> ContextClassifier:
    """The (unfitted) two-stage estimator described by ``cfg``."""
    return ContextClassifier(ParagraphClassifier(C=cfg.C, min_df=cfg.min_df, class_weight=cfg.class_weight),
                             C=cfg.context_C, n_folds=cfg.inner_folds, use_context=use_context,
                             class_weight=cfg.context_class_weight, position=cfg.position,
                             context_model=cfg.context_model,
                             seen_scores=cfg.context_seen_scores, random_state=cfg.seed)


def fit(df: pd.DataFrame, cfg: TrainConfig) -> ContextClassifier:
    """Fit the estimator of ``cfg`` on a paragraph table.

    With ``cfg.runon_fraction > 0`` a second estimator of the same kind is fitted on run-on versions of a seeded
    share of the articles (sentence units, :mod:`detector.runon`) and kept as ``runon_model_``: text whose
    paragraph breaks were lost is scored by it, so sentence fragments never blur what the paragraph model learns.
    """
    est = build_estimator(cfg).fit(df[["doc_id", "text"]], df["label"].tolist(), families=df["family"].tolist())
    if cfg.runon_fraction > 0:
        rows = runon_frame(df, fraction=cfg.runon_fraction, seed=cfg.seed)
        est.runon_model_ = build_estimator(cfg).fit(rows[["doc_id", "text"]], rows["label"].tolist(),
                                                    families=rows["family"].tolist())
    return est


def _fit_fold(df: pd.DataFrame, cfg: TrainConfig, train: np.ndarray, test_docs: pd.DataFrame
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    est = fit(df[train], cfg)
    ctx = score_docs(est, test_docs)
    para = est.paragraph_.predict_proba(test_docs["text"].tolist())
    stripped = score_docs(est, test_docs[test_docs["label"] == "reporting"])
    runon = runon_frame(test_docs, seed=cfg.seed + 1)
    runon["score"] = 1.0 - score_docs(getattr(est, "runon_model_", est), runon)[:, 0]
    return ctx, para, stripped, runon


def _cv_shape(df: pd.DataFrame, cfg: TrainConfig) -> tuple[int, int]:
    """The folds (at least 2, at most one per article) and repetitions (at least 1) cross-validation runs."""
    return max(2, min(cfg.folds, df["doc_id"].nunique())), max(1, cfg.cv_repeats)


def cross_validate(df: pd.DataFrame, cfg: TrainConfig, *, progress: bool = False) -> list[dict[str, Any]]:
    """Out-of-fold probabilities (context model and paragraph-alone) and which rows count as unseen-family, once
    per repetition: ``cfg.cv_repeats`` different splits (seeds ``cfg.seed``, ``cfg.seed + 1``, ...), each fold's
    model fitted with its repetition's seed. ``progress`` shows a bar of the folds done on stderr."""
    from joblib import Parallel, delayed
    from tqdm import tqdm

    k, n_repeats = _cv_shape(df, cfg)
    splits, jobs = [], []
    for r in range(n_repeats):
        rcfg = replace(cfg, seed=cfg.seed + r)
        doc_fold, fam_fold = fold_assignment(df["doc_id"].tolist(), df["family"].tolist(), k, rcfg.seed)
        splits.append((doc_fold, fam_fold))
        for fold in range(k):
            train = (doc_fold != fold) & (fam_fold != fold)
            jobs.append((rcfg, train, df[doc_fold == fold]))
    with warnings.catch_warnings():
        # joblib's loky replaces a worker whose memory grew by 300 MB (fitting a fold can) and warns of a possible
        # leak when jobs are still queued; the replacement is harmless and the warning only noise for the user
        warnings.filterwarnings("ignore", message="A worker stopped while some jobs", category=UserWarning)
        done = Parallel(n_jobs=cfg.n_jobs, return_as="generator")(delayed(_fit_fold)(df, c, tr, te)
                                                                   for c, tr, te in jobs)
        results = list(tqdm(done, total=len(jobs), desc="cross-validation", unit=" folds", file=sys.stderr,
                            disable=not progress))
    is_rep = (df["label"] == "reporting").to_numpy()
    out = []
    for r, (doc_fold, fam_fold) in enumerate(splits):
        ctx = np.zeros((len(df), len(LABELS)))
        para = np.zeros_like(ctx)
        stripped = np.zeros_like(ctx)
        mine = results[r * k:(r + 1) * k]
        for fold, (c, p, st, _) in enumerate(mine):
            rows = np.flatnonzero(doc_fold == fold)
            ctx[rows], para[rows] = c, p
            stripped[np.flatnonzero((doc_fold == fold) & is_rep)] = st
        unseen = (fam_fold < 0) | (fam_fold == doc_fold)
        runon = pd.concat([ro for *_, ro in mine], ignore_index=True)
        out.append({"context": ctx, "paragraph": para, "stripped": stripped[is_rep], "unseen": unseen, "folds": k,
                    "runon": runon})
    return out


def _runon_parts(runon: pd.DataFrame) -> pd.DataFrame:
    """One row per unit and paragraph it holds characters of (the ``parts`` of :func:`~detector.runon.runon_frame`)."""
    parts = runon[["doc_id", "lang", "score", "parts"]].explode("parts", ignore_index=True)
    parts[["para_index", "label", "chars"]] = pd.DataFrame(parts["parts"].tolist(), index=parts.index)
    return parts.drop(columns="parts")


def _paragraph_removal(parts: pd.DataFrame, threshold: float) -> pd.DataFrame:
    r = parts.assign(cut_chars=np.where(parts["score"] >= threshold, parts["chars"], 0))
    g = r.groupby(["doc_id", "para_index"], sort=False).agg(label=("label", "first"), cut=("cut_chars", "sum"),
                                                             chars=("chars", "sum"), lang=("lang", "first"))
    g["removed"] = g["cut"] * 2 > g["chars"]
    return g.reset_index()


def runon_paragraph_removal(runon: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Per original paragraph of run-on documents: its label and whether more than half of its characters were in
    units scored at least ``threshold``."""
    return _paragraph_removal(_runon_parts(runon), threshold)


def runon_metrics(runon: pd.DataFrame, threshold: float) -> dict[str, Any]:
    """Per-paragraph promotional/boilerplate recall and reporting loss on run-on versions of articles."""
    per_para = runon_paragraph_removal(runon, threshold)
    removed = per_para.groupby("label")["removed"].mean()
    return {"articles": int(per_para["doc_id"].nunique()), "paragraphs": int(len(per_para)),
            "promotional_recall": round(float(removed.get("promotional", 0.0)), 4),
            "boilerplate_recall": round(float(removed.get("boilerplate", 0.0)), 4),
            "reporting_loss": round(float(removed.get("reporting", 0.0)), 5)}


def threshold_for_loss(reporting_scores: np.ndarray, target_loss: float, minimum: float) -> float:
    """Lowest threshold on P(not reporting) at which at most ``target_loss`` of these reporting scores reach it."""
    rep_scores = np.sort(np.asarray(reporting_scores, dtype=np.float64))[::-1]
    allowed = int(np.floor(target_loss * len(rep_scores)))
    t = float(rep_scores[allowed]) + 1e-6 if allowed < len(rep_scores) else 0.0
    return round(min(max(t, minimum), 0.999), 4)


def choose_threshold(labels: pd.Series, probs: np.ndarray, target_loss: float, minimum: float,
                     extra_reporting: np.ndarray | None = None) -> float:
    """Lowest threshold on P(not reporting) at which at most ``target_loss`` of reporting rows are removed.

    ``extra_reporting`` adds probabilities of further reporting rows (e.g. of articles already cleaned once).
    """
    rep = probs[(labels == "reporting").to_numpy()]
    if extra_reporting is not None:
        rep = np.vstack([rep, extra_reporting])
    return threshold_for_loss(1.0 - rep[:, 0], target_loss, minimum)


def choose_runon_threshold(runons: Sequence[pd.DataFrame], target_loss: float, minimum: float) -> float:
    """The threshold for run-on text: the lowest at which at most ``target_loss`` of the reporting paragraphs are
    removed (more than half of their characters in units scored at or above it), on the out-of-fold scores of the
    sentence units of run-on articles (scored by the run-on model, whose scores run higher on reporting), of every
    cross-validation repetition together. Per paragraph, not per unit: a unit is cut whole, and a heading glued
    into a removed sentence is lost with it."""
    parts = pd.concat([_runon_parts(r).assign(doc_id=lambda p, i=i: p["doc_id"] + f"#{i}")  # repetitions apart
                       for i, r in enumerate(runons)], ignore_index=True)
    rep = parts[parts["label"] == "reporting"]
    # the paragraph-level loss only falls as the threshold rises: the lowest candidate that meets the target
    candidates = np.unique(np.append(parts["score"].to_numpy() + 1e-6, 0.999))
    candidates = candidates[(candidates >= minimum) & (candidates <= 0.999)]

    def loss(t: float) -> float:
        return float(_paragraph_removal(rep, t)["removed"].mean()) if len(rep) else 0.0

    lo, hi = 0, len(candidates) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if loss(candidates[mid]) <= target_loss:
            hi = mid
        else:
            lo = mid + 1
    t = float(candidates[lo]) if len(candidates) else minimum  # candidates are already at least the minimum
    return min(math.ceil(t * 1e4) / 1e4, 0.999)


def _cv_metrics(df: pd.DataFrame, cv: dict[str, Any], threshold: float, runon_threshold: float) -> dict[str, Any]:
    out: dict[str, Any] = {"folds": cv["folds"], "threshold": threshold,
                           "cleaned_article_reporting_loss": round(float((1 - cv["stripped"][:, 0] >= threshold).mean()), 5)}
    unseen = cv["unseen"]
    out["runon"] = {"threshold": runon_threshold, **runon_metrics(cv["runon"], runon_threshold)}
    for name in ("context", "paragraph"):
        pred = predict_labels(cv[name], threshold)
        sub = df[unseen]
        out[name] = {
            "unseen_families": metrics(sub["label"], pred[unseen], sub["doc_id"].tolist()),
            "all_rows": metrics(df["label"], pred, df["doc_id"].tolist()),
            "by_lang": {str(lang): metrics(g["label"], pred[g.index], g["doc_id"].tolist())
                        for lang, g in df[unseen].groupby("lang")},
        }
    return out


def mean_metrics(reports: list[Any]) -> Any:
    """The mean of metric reports (nested dicts and lists of numbers): rates averaged, counts averaged to the
    nearest whole number, anything else taken from the first report. A key some reports lack (a language with no
    unseen-family rows in one split) is averaged over the reports that have it."""
    first = reports[0]
    if isinstance(first, dict):
        keys = dict.fromkeys(key for r in reports for key in r)
        return {key: mean_metrics([r[key] for r in reports if key in r]) for key in keys}
    if isinstance(first, list):
        if len({len(r) for r in reports}) > 1:
            raise ValueError("metric lists of different lengths cannot be averaged")
        return [mean_metrics(list(items)) for items in zip(*reports)]
    if all(isinstance(r, numbers.Real) and not isinstance(r, bool) for r in reports):
        if all(isinstance(r, numbers.Integral) for r in reports):
            return int(round(float(np.mean(reports))))
        return round(float(np.mean(reports)), 5)
    return first


def versions() -> dict[str, str]:
    """Versions of Python and the libraries a model depends on."""
    from importlib.metadata import version

    import joblib
    import nltk
    import scipy
    import sklearn

    return {"finpromo": __version__, "python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "scipy": scipy.__version__, "pandas": pd.__version__,
            "joblib": joblib.__version__, "nltk": nltk.__version__, "pystemmer": version("pystemmer"),
            "stems": stem_fingerprint()}


def train(df: pd.DataFrame, cfg: TrainConfig = TrainConfig(), *, name: str = "model", progress: bool = False
          ) -> tuple[ContextClassifier, dict[str, Any]]:
    """Cross-validate (if ``cfg.cv``), pick the threshold, fit on all data; returns ``(estimator, manifest)``.

    ``progress`` shows a bar of the cross-validation folds done on stderr."""
    from .data import data_hash, stats

    t0 = time.perf_counter()
    cv_report: dict[str, Any] | None = None
    threshold = runon_threshold = 0.5
    if cfg.cv:
        log.info("cross-validating (%d folds by article and template family, %d repetitions)", *_cv_shape(df, cfg))
        repeats = cross_validate(df, cfg, progress=progress)
        # thresholds from the scores of every repetition together: a 0.5 % tail of one split's scores moves
        # with the split, the pooled tail much less
        threshold = choose_threshold(pd.concat([df["label"]] * len(repeats), ignore_index=True),
                                     np.vstack([cv["context"] for cv in repeats]), cfg.target_loss,
                                     cfg.min_threshold, extra_reporting=np.vstack([cv["stripped"] for cv in repeats]))
        runon_threshold = (choose_runon_threshold([cv["runon"] for cv in repeats],
                                                  cfg.target_loss, cfg.min_threshold)
                           if cfg.runon_fraction > 0 else threshold)
        cv_report = mean_metrics([_cv_metrics(df, cv, threshold, runon_threshold) for cv in repeats])
        cv_report["repeats"] = len(repeats)
    log.info("fitting on all %d paragraphs", len(df))
    est = fit(df, cfg)
    s = stats(df)
    manifest: dict[str, Any] = {
        "name": name,
        "format": 1,
        "labels": list(LABELS),
        "threshold": threshold,
        "runon_threshold": runon_threshold,
        "threshold_rule": {"target_reporting_loss": cfg.target_loss, "minimum": cfg.min_threshold,
                           "chosen_on": (f"out-of-fold context-model scores of {_cv_shape(df, cfg)[1]} "
                                         "cross-validation repetitions together") if cfg.cv else "default (no CV)"},
        "pipeline": {
            "stage1": "paragraph alone: tf-idf of stemmed word uni/bigrams (Snowball, de/en) + "
                      f"{len(est.paragraph_.feature_names()) - len(est.paragraph_.vectorizer_.vocabulary_)} "
                      "layout features -> multinomial logistic regression",
            "stage2": "context: own and neighbours' out-of-fold stage-1 probabilities (from stage-1 models that "
                      "held out the template family" + (", and from models that held out only the article" if
                                                        cfg.context_seen_scores else "") +
                      "), runs of non-reporting units before and after, short units, a question next to another "
                      "question (no position features, nor counts of "
                      "reporting units standing in for position) -> " + (
                          "logistic regression" if cfg.context_model == "logistic" else
                          "gradient-boosted trees ({max_iter} rounds of at most {max_leaf_nodes} leaves)".format(
                              **BOOSTING)),
            "vocabulary": len(est.paragraph_.vectorizer_.vocabulary_),
        },
        "config": asdict(cfg),
        "versions": versions(),
        "data": {"sha256": data_hash(df), "articles": s["articles"], "paragraphs": s["paragraphs"],
                 "per_label": s["paragraphs_per_label"], "articles_per_lang": s["articles_per_lang"],
                 "families": s["families"]},
        "cv": cv_report,
        "train_seconds": round(time.perf_counter() - t0, 1),
    }
    return est, manifest


def model_card(manifest: dict[str, Any]) -> str:
    """MODEL_CARD.md text for a trained model."""
    lines = [f"# Model card: {manifest['name']}", "",
             "## Intended use",
             "Tags paragraphs of scraped German and English finance news as `reporting`, `promotional` or "
             "`boilerplate` so that a cleaner can cut the non-reporting ones before the text feeds sentiment "
             "models, LLM/RAG corpora, search indexes or archives. Not a spam filter, not a fact checker, not for "
             "other domains without retraining.", "",
             "A model file is a pickle: it runs code when loaded. finpromo verifies its SHA-256 against "
             "`manifest.json` before loading; load only models from sources you trust.", "",
             "## Data",
             f"{manifest['data']['articles']} articles, {manifest['data']['paragraphs']} paragraphs "
             f"(per label: {manifest['data']['per_label']}; articles per language: "
             f"{manifest['data']['articles_per_lang']}; families: {manifest['data']['families']}). "
             f"Data SHA-256 `{manifest['data']['sha256'][:16]}…`.", "",
             "## Model",
             f"- Stage 1: {manifest['pipeline']['stage1']}",
             f"- Stage 2: {manifest['pipeline']['stage2']}",
             f"- Default threshold on P(not reporting): {manifest['threshold']} "
             f"({manifest['threshold_rule']['chosen_on']}, target reporting loss "
             f"{manifest['threshold_rule']['target_reporting_loss']:.1%}); for run-on text (sentence units, the "
             f"run-on model): {manifest.get('runon_threshold', manifest['threshold'])}, chosen for the same loss of "
             "reporting paragraphs (one lost when most of its characters are in cut units) on out-of-fold scores of "
             "run-on articles.", ""]
    cv = manifest.get("cv")
    if cv:
        lines += ["## Cross-validated metrics",
                  f"{cv['folds']} folds holding out articles and template families" +
                  (f", repeated {cv['repeats']} times with different splits (figures are the means of the "
                   "repetitions, thresholds come from their scores together)" if cv.get("repeats", 1) > 1 else "") +
                  ". *Unseen families*: "
                  "non-reporting paragraphs whose template family was absent from training, and all reporting "
                  "paragraphs of held-out articles.", "",
                  "| model | rows | label | precision | recall | F1 |", "|---|---|---|---|---|---|"]
        for name in ("paragraph", "context"):
            for rows in ("unseen_families", "all_rows"):
                m = cv[name][rows]
                for lab in LABELS:
                    pl = m["per_label"][lab]
                    lines.append(f"| {name} | {rows} | {lab} | {pl['precision']:.3f} | {pl['recall']:.3f} | "
                                 f"{pl['f1']:.3f} |")
        lines += ["", "| model | rows | reporting loss | exact-clean articles |", "|---|---|---|---|"]
        for name in ("paragraph", "context"):
            for rows in ("unseen_families", "all_rows"):
                m = cv[name][rows]
                lines.append(f"| {name} | {rows} | {m['reporting_loss']:.2%} | {m['exact_clean_rate']:.1%} |")
        if cv.get("runon"):
            r = cv["runon"]
            lines += ["", f"Run-on text (the same held-out articles with their paragraph breaks removed, scored by the "
                          f"run-on model at its threshold {r.get('threshold', manifest['threshold'])}, a paragraph "
                          f"counted as cut when most of its characters go): promotional "
                          f"recall {r['promotional_recall']:.3f}, boilerplate recall {r['boilerplate_recall']:.3f}, "
                          f"reporting loss {r['reporting_loss']:.2%}."]
        if "cleaned_article_reporting_loss" in cv:
            lines += ["", "Reporting loss on held-out articles that were already cleaned once (the second pass of "
                          f"`clean`): {cv['cleaned_article_reporting_loss']:.2%}."]
        lines += ["", "Per language (context model, unseen families):", ""]
        for lang, m in cv["context"]["by_lang"].items():
            pl = m["per_label"]
            lines.append(f"- {lang}: promotional F1 {pl['promotional']['f1']:.3f}, boilerplate F1 "
                         f"{pl['boilerplate']['f1']:.3f}, reporting loss {m['reporting_loss']:.2%}")
        lines.append("")
    lines += ["## Known failure cases",
              "- Promotions written as news (advertorials) and one-line teasers without sales vocabulary.",
              "- Templates and languages far from the training data: retrain with a few labelled articles of the "
              "new source (see the README).",
              "- Text whose paragraph breaks were lost is split per line or sentence; scores there are less sure.",
              "", "## Versions", "", "```json", json.dumps(manifest["versions"], indent=2), "```", ""]
    return "\n".join(lines)


def write_model(est: ContextClassifier, out_dir: str | Path, manifest: dict[str, Any]) -> Path:
    """Save model, manifest and model card into ``out_dir``."""
    from .modelfile import save_model

    out = save_model(est, out_dir, manifest)
    (out / "MODEL_CARD.md").write_text(model_card(manifest), encoding="utf-8")
    return out


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    p = parser or argparse.ArgumentParser(prog="python -m detector.train", description=__doc__.split("\n")[0])
    p.add_argument("data", nargs="+", metavar="DATA",
                   help="annotated article files or folders, or CSV/TSV/JSONL/Parquet tables")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="model folder to write")
    p.add_argument("--name", help="model name in the manifest (default: the folder name)")
    p.add_argument("--seed", type=int, default=0, help="random seed for folds (default: %(default)s)")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: %(default)s)")
    p.add_argument("--cv-repeats", type=int, default=TrainConfig.cv_repeats, metavar="N",
                   help="cross-validate N times with different splits; thresholds come from all of them together "
                        "and the figures are their means (default: %(default)s)")
    p.add_argument("--target-loss", type=float, default=TARGET_LOSS,
                   help="share of reporting paragraphs the default threshold may remove (default: %(default)s)")
    p.add_argument("--context-model", choices=("boosting", "logistic"), default=TrainConfig.context_model,
                   help="the context stage: gradient-boosted trees, or a logistic regression (faster to score, "
                        "less accurate) (default: %(default)s)")
    p.add_argument("--no-cv", action="store_true", help="skip cross-validation (threshold 0.5, no metrics)")
    p.add_argument("-j", "--jobs", type=int, default=2, help="parallel CV folds (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="overwrite an existing model folder")
    return p


def run(args: argparse.Namespace) -> int:
    """Train from parsed arguments; prints a summary to stderr. Raises DataError on bad data."""
    from .data import load

    out = Path(args.output)
    if out.exists() and any(out.iterdir()) and not args.force:
        raise FileExistsError(f"{out} exists and is not empty; use --force to overwrite it")
    if not 0 <= args.target_loss < 1:
        raise ValueError("--target-loss must be between 0 and 1")
    if args.folds < 2:
        raise ValueError("--folds must be at least 2")
    if args.cv_repeats < 1:
        raise ValueError("--cv-repeats must be at least 1")
    t0 = time.perf_counter()
    df = load(args.data)
    cfg = TrainConfig(seed=args.seed, folds=args.folds, cv_repeats=args.cv_repeats, target_loss=args.target_loss,
                      context_model=args.context_model, cv=not args.no_cv, n_jobs=args.jobs)
    est, manifest = train(df, cfg, name=args.name or out.name, progress=sys.stderr.isatty())
    write_model(est, out, manifest)
    secs = time.perf_counter() - t0
    print(f"trained on {manifest['data']['paragraphs']} paragraphs from {manifest['data']['articles']} articles "
          f"in {secs:.0f}s; threshold {manifest['threshold']}; wrote {out}", file=sys.stderr)
    if manifest["cv"]:
        m = manifest["cv"]["context"]["unseen_families"]
        print("CV (unseen families): " + ", ".join(
            f"{lab} F1 {m['per_label'][lab]['f1']:.3f}" for lab in LABELS) +
              f", reporting loss {m['reporting_loss']:.2%}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    from .cli import main as cli_main

    return cli_main(["train", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
