"""Shared fixtures: the bundled detector, repository paths, and ``../shared`` (skipped where absent)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests with a fixed seed, so a run is reproducible; locally every run explores new examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FINPROMO_SHARED", REPO.parent / "shared"))
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def det():
    from detector import Detector

    return Detector.load()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present on this machine")
    return SHARED


def finpromo_cmd() -> list[str]:
    """The installed ``finpromo`` console script (beside this Python), else ``python -m detector``."""
    exe = Path(sys.executable).parent / "finpromo"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("finpromo")
    return [found] if found else [sys.executable, "-m", "detector"]


def read_labels(path: Path) -> list[str]:
    return [json.loads(line)["label"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
