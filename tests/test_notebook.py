"""``notebooks/error_analysis.ipynb`` runs from top to bottom and writes its figures (issue 7).

Executed without ``../shared`` (so it must not need it) and with figures going to a temporary folder.
"""

from __future__ import annotations

import os

import pytest

from conftest import REPO

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("matplotlib")
pytest.importorskip("ipykernel")

NOTEBOOK = REPO / "notebooks" / "error_analysis.ipynb"
FIGURES = ("pr-golden", "confusion-golden", "calibration-golden", "scores-golden", "top-features")


def test_notebook_holds_no_logic_of_its_own() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "def " not in code and "class " not in code and "import numpy" not in code
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook cleared"


def test_notebook_executes_without_shared(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FINPROMO_SHARED", str(tmp_path / "no-shared"))
    monkeypatch.setenv("FINPROMO_FIGURES", str(tmp_path / "figures"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    for name in FIGURES:
        png = tmp_path / "figures" / f"{name}.png"
        assert png.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    tables = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") ==
              "execute_result" and "text/html" in o.get("data", {})]
    assert tables, "no table was displayed"
    assert os.environ["FINPROMO_SHARED"].endswith("no-shared")
