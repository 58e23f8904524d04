"""The quality gate (floors pinned in quality_floors.json) and the bundled model's freshness."""

import json
import warnings

import pytest

from conftest import REPO
from quality_gate import CORPORA, FLOORS, corpus_sha256, cv_figures, measure, training_data_sha256, violations

PINNED = json.loads(FLOORS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_bundled_model_holds_its_floors(name):
    rel, optional, runon = CORPORA[name]
    path = REPO / rel
    if not path.exists():
        if optional:
            pytest.skip(f"{rel} is not present on this machine")
        pytest.fail(f"{rel} is missing")
    entry = PINNED["corpora"][name]
    assert corpus_sha256(path) == entry["sha256"], f"{rel} changed: re-pin with python tests/quality_gate.py pin"
    assert violations(measure(path, runon), {**entry["floors"], **entry["ceilings"]}) == []


def test_cross_validated_figures_hold_their_floors():
    assert violations(cv_figures(), {**PINNED["cv"]["floors"], **PINNED["cv"]["ceilings"]}) == []


def test_bundled_model_was_trained_on_the_current_data():
    from detector.data import data_hash, load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        current = data_hash(load([REPO / "data" / "articles"]))
    assert training_data_sha256() == current, (
        "data/ changed since the bundled model was trained: run the command in README 'Retrain the bundled model'")


def test_gate_refuses_a_drop():
    floors = {"removal_precision": 0.9, "reporting_loss": 0.01}
    measured = {"removal_precision": 0.89, "removal_recall": 1, "promotional_f1": 1, "boilerplate_f1": 1,
                "exact_clean_rate": 1, "reporting_loss": 0.02}
    assert len(violations(measured, floors)) == 2


def test_cross_validation_gates_run_on_text_too():
    pinned = {**PINNED["cv"]["floors"], **PINNED["cv"]["ceilings"]}
    assert {"runon_promotional_recall", "runon_boilerplate_recall", "runon_reporting_loss"} <= set(pinned)
    worse = {**cv_figures(), "runon_promotional_recall": 0.0, "runon_reporting_loss": 1.0}
    assert [v.split()[0] for v in violations(worse, pinned)] == ["runon_promotional_recall", "runon_reporting_loss"]
