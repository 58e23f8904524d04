"""Quality gate: the bundled model's figures on fixed evaluation corpora, pinned as floors.

Re-pin after retraining: ``python tests/quality_gate.py pin`` — it refuses to lower any floor (or raise a
ceiling) unless ``--allow-lower`` is given, and records each corpus' SHA-256 so a changed corpus is noticed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FLOORS = HERE / "quality_floors.json"
#: name -> (path relative to the repository, is it optional (outside the repo), run-on: evaluated with every
#: article's paragraph breaks lost, as ``finpromo eval --runon`` does)
CORPORA = {
    "golden": ("tests/cases/golden", False, False),
    "golden-runon": ("tests/cases/golden", False, True),
    "realworld-dev": ("../shared/realworld/en-nasdaq-dev.jsonl", True, False),
    "realworld-dev-runon": ("../shared/realworld/en-nasdaq-dev.jsonl", True, True),
}
#: metrics that may not go down (floors) and that may not go up (ceilings)
HIGHER = ("removal_precision", "removal_recall", "promotional_f1", "boilerplate_f1", "exact_clean_rate")
LOWER = ("reporting_loss",)
#: cross-validation also gates run-on text (the held-out articles with their paragraph breaks removed)
CV_HIGHER = (*HIGHER, "runon_promotional_recall", "runon_boilerplate_recall")
CV_LOWER = (*LOWER, "runon_reporting_loss")


def corpus_sha256(path: Path) -> str:
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(f.relative_to(path if path.is_dir() else path.parent).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def measure(path: Path, runon: bool = False) -> dict[str, float]:
    from detector import Detector
    from detector.data import load
    from detector.evaluate import label_report, report, runon_predictions, score_docs

    det = Detector.load()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = load([path], training=False)
    if runon:
        return gate_figures(label_report(df, *runon_predictions(det, df), det.runon_threshold))
    return gate_figures(report(df, score_docs(det.model, df), det.threshold))


def gate_figures(rep: dict) -> dict[str, float]:
    """The gated metrics of an evaluation report (``detector.evaluate.report``, or a manifest's CV section)."""
    return {"removal_precision": rep["removal"]["precision"], "removal_recall": rep["removal"]["recall"],
            "promotional_f1": rep["per_label"]["promotional"]["f1"],
            "boilerplate_f1": rep["per_label"]["boilerplate"]["f1"],
            "exact_clean_rate": rep["exact_clean_rate"], "reporting_loss": rep["reporting_loss"]}


def bundled_manifest() -> dict:
    from contextlib import ExitStack

    from detector.modelfile import bundled_model_dir, read_manifest

    with ExitStack() as stack:
        return read_manifest(bundled_model_dir(stack))


def cv_figures() -> dict[str, float]:
    cv = bundled_manifest()["cv"]
    runon = {f"runon_{k}": cv["runon"][k] for k in ("promotional_recall", "boilerplate_recall", "reporting_loss")}
    return {**gate_figures(cv["context"]["unseen_families"]), **runon}


def training_data_sha256() -> str:
    """The data hash in the bundled model's manifest (what its cross-validated figures were measured on)."""
    return bundled_manifest()["data"]["sha256"]


def violations(measured: dict[str, float], pinned: dict[str, float]) -> list[str]:
    out = []
    for k in CV_HIGHER:
        if k in pinned and measured[k] < pinned[k]:
            out.append(f"{k} {measured[k]:.4f} < floor {pinned[k]:.4f}")
    for k in CV_LOWER:
        if k in pinned and measured[k] > pinned[k]:
            out.append(f"{k} {measured[k]:.4f} > ceiling {pinned[k]:.4f}")
    return out


def pin(allow_lower: bool = False) -> int:
    old = json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    new: dict = {"corpora": {}, "cv": {}}
    for name, (rel, _, runon) in CORPORA.items():
        path = REPO / rel
        if not path.exists():
            print(f"skipping {name}: {rel} not present", file=sys.stderr)
            if name in old.get("corpora", {}):
                new["corpora"][name] = old["corpora"][name]
            continue
        m = measure(path, runon)
        new["corpora"][name] = {"path": rel, "sha256": corpus_sha256(path),
                                "floors": {k: math.floor(m[k] * 1000) / 1000 for k in HIGHER},
                                "ceilings": {k: math.ceil(m[k] * 1000) / 1000 for k in LOWER}}
    c = cv_figures()
    new["cv"] = {"data_sha256": training_data_sha256(),
                 "floors": {k: math.floor(c[k] * 1000) / 1000 for k in CV_HIGHER},
                 "ceilings": {k: math.ceil(c[k] * 1000) / 1000 for k in CV_LOWER}}
    lowered = []
    for name, entry in [*new["corpora"].items(), ("cv", new["cv"])]:
        before = old.get("corpora", {}).get(name) if name != "cv" else old.get("cv")
        key = "sha256" if name != "cv" else "data_sha256"  # cross-validation runs over the training data
        if not before or before.get(key) != entry.get(key):
            continue  # a new or changed corpus starts a new baseline
        merged = {**entry["floors"], **entry["ceilings"]}
        lowered += [f"{name}: {v}" for v in violations(merged, {**before["floors"], **before["ceilings"]})]
    if lowered and not allow_lower:
        print("refusing to lower floors (pass --allow-lower if this is intended):\n  " + "\n  ".join(lowered),
              file=sys.stderr)
        return 1
    FLOORS.write_text(json.dumps(new, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(new, indent=2))
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["pin", "show"])
    ap.add_argument("--allow-lower", action="store_true", help="allow floors to go down")
    a = ap.parse_args()
    if a.command == "show":
        for name, (rel, _, runon) in CORPORA.items():
            if (REPO / rel).exists():
                print(name, measure(REPO / rel, runon))
        print("cv", cv_figures())
        sys.exit(0)
    sys.exit(pin(a.allow_lower))
