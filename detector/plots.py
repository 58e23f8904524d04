"""Figures of the error analysis (matplotlib, optional extra ``finpromo[notebook]``).

Each function draws data from :mod:`detector.analysis` and returns its matplotlib ``Figure``;
:func:`save_figure` writes it as PNG.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .analysis import EvalSplit, calibration, confusion, pr_curves, scores_by_label

#: The extra to install for plotting.
NOTEBOOK_EXTRA = "finpromo[notebook]"
#: Resolution of saved figures.
DPI = 110
LABEL_COLORS = {"reporting": "#4C72B0", "promotional": "#DD8452", "boilerplate": "#55A868",
                "removal (not reporting)": "#222222"}


def _pyplot() -> Any:
    from .htmltext import import_extra

    return import_extra("matplotlib.pyplot", "plots need", NOTEBOOK_EXTRA)


def plot_pr_curves(split: EvalSplit) -> Any:
    """Precision–recall curve per label and for removal, average precision in the legend, the threshold marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name, c in pr_curves(split).items():
        ax.plot(c["recall"], c["precision"], label=f"{name} (AP {c['average_precision']:.3f})",
                color=LABEL_COLORS.get(name), lw=2 if name.startswith("removal") else 1.5)
        if name.startswith("removal"):
            at = int(np.searchsorted(c["thresholds"], split.threshold))
            at = min(at, len(c["thresholds"]) - 1)
            ax.plot(c["recall"][at], c["precision"][at], "o", color="black",
                    label=f"threshold {split.threshold:.3f}")
    ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1.02), ylim=(0, 1.02),
           title=f"Precision–recall ({split.name})")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_confusion(split: EvalSplit) -> Any:
    """Confusion matrix at the threshold, counts in the cells."""
    plt = _pyplot()
    table = confusion(split)
    fig, ax = plt.subplots(figsize=(4.8, 4))
    ax.imshow(np.log1p(table.to_numpy()), cmap="Blues")
    for (i, j), v in np.ndenumerate(table.to_numpy()):
        ax.text(j, i, str(v), ha="center", va="center", color="black")
    ax.set_xticks(range(len(table.columns)), table.columns, rotation=20)
    ax.set_yticks(range(len(table.index)), table.index)
    ax.set(xlabel="predicted", ylabel="true", title=f"Confusion at threshold {split.threshold:.3f}")
    fig.tight_layout()
    return fig


def plot_calibration(split: EvalSplit) -> Any:
    """Observed non-reporting share against the mean score per bin, bin sizes as point areas."""
    plt = _pyplot()
    table = calibration(split)
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.plot([0, 1], [0, 1], "--", color="grey", lw=1, label="perfectly calibrated")
    ax.plot(table["mean_score"], table["observed"], "-", color=LABEL_COLORS["removal (not reporting)"])
    ax.scatter(table["mean_score"], table["observed"], s=10 + 200 * table["count"] / max(table["count"].max(), 1),
               color=LABEL_COLORS["promotional"], zorder=3, label="score bins (area: paragraphs)")
    ax.set(xlabel="mean P(not reporting)", ylabel="observed share not reporting", xlim=(0, 1), ylim=(0, 1),
           title="Calibration")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_score_histogram(split: EvalSplit) -> Any:
    """P(not reporting) per true label (log count axis) with the threshold."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    bins = np.linspace(0, 1, 41)
    for label, scores in scores_by_label(split).items():
        ax.hist(scores, bins=bins, alpha=0.6, label=f"{label} (n={len(scores)})", color=LABEL_COLORS[label])
    ax.axvline(split.threshold, color="black", ls="--", label=f"threshold {split.threshold:.3f}")
    ax.set_yscale("log")
    ax.set(xlabel="P(not reporting)", ylabel="paragraphs", title="Scores by true label")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_top_features(table: pd.DataFrame) -> Any:
    """One bar chart per label of :func:`detector.analysis.top_features_frame`."""
    plt = _pyplot()
    labels = list(dict.fromkeys(table["label"]))
    fig, axes = plt.subplots(1, len(labels), figsize=(5 * len(labels), 0.32 * table.groupby("label").size().max()
                                                          + 1.2), squeeze=False)
    for ax, label in zip(axes[0], labels):
        rows = table[table["label"] == label].iloc[::-1]
        ax.barh(rows["feature"], rows["weight"], color=LABEL_COLORS.get(label))
        ax.set_title(f"{label}: strongest features")
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlabel("coefficient gap vs other labels")
    fig.tight_layout()
    return fig


def save_figure(fig: Any, folder: str | os.PathLike[str], name: str) -> Path:
    """Write ``fig`` as ``folder/name.png`` (folder created) and return the path."""
    path = Path(folder) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    return path


def save_split_figures(split: EvalSplit, folder: str | os.PathLike[str]) -> dict[str, Path]:
    """Every per-split figure (PR curves, confusion, calibration, score histogram) saved as ``<kind>-<split>.png``."""
    plt = _pyplot()
    out = {}
    for kind, draw in (("pr", plot_pr_curves), ("confusion", plot_confusion), ("calibration", plot_calibration),
                       ("scores", plot_score_histogram)):
        fig = draw(split)
        out[kind] = save_figure(fig, folder, f"{kind}-{split.name}")
        plt.close(fig)
    return out
