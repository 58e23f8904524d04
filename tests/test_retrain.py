"""README 'Retrain on your own data', run as written on a small sample through the installed command."""

import json
import shutil
import subprocess

import pytest

from conftest import EXAMPLES, REPO, finpromo_cmd

pytestmark = pytest.mark.slow


def test_readme_retraining_walkthrough(tmp_path):
    my_articles = tmp_path / "my_articles"
    my_articles.mkdir()
    for f in sorted((REPO / "data" / "articles").rglob("*.txt"))[::12]:
        shutil.copy(f, my_articles / f.name)
    model = tmp_path / "models" / "my-model"
    cmd = finpromo_cmd()
    train = subprocess.run([*cmd, "train", str(my_articles), "-o", str(model), "--folds", "3"],
                           capture_output=True, text=True, timeout=300)
    assert train.returncode == 0, train.stderr
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data"]["articles"] == len(list(my_articles.iterdir()))
    assert 0.5 <= manifest["threshold"] < 1 and manifest["cv"]["folds"] == 3 and manifest["cv"]["repeats"] == 3
    assert (model / "MODEL_CARD.md").read_text(encoding="utf-8").startswith("# Model card")
    ev = subprocess.run([*cmd, "eval", str(my_articles), "--model", str(model), "--format", "json"],
                        capture_output=True, text=True, timeout=120)
    assert ev.returncode == 0, ev.stderr
    assert json.loads(ev.stdout)["paragraphs"] == manifest["data"]["paragraphs"]
    clean = subprocess.run([*cmd, "clean", "--model", str(model), str(EXAMPLES / "siemens-energy-de.txt")],
                           capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0 and "Auftragsbestand" in clean.stdout
    again = subprocess.run([*cmd, "train", str(my_articles), "-o", str(model)], capture_output=True, text=True)
    assert again.returncode == 1 and "--force" in again.stderr


def test_train_refuses_bad_data_with_a_clear_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("doc_id,text\na,Some text\n", encoding="utf-8")
    res = subprocess.run([*finpromo_cmd(), "train", str(bad), "-o", str(tmp_path / "m")], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 1
    assert res.stderr.startswith("finpromo: error: ") and "missing column" in res.stderr
