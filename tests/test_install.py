"""A non-editable install (a built wheel) carries the bundled model and works from anywhere."""

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import EXAMPLES, REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(out), str(REPO)], capture_output=True, text=True, timeout=300)
    if res.returncode != 0 and "hatchling" in res.stderr:
        pytest.skip("hatchling is not installed (pip install '.[test]')")
    assert res.returncode == 0, res.stderr
    (whl,) = out.glob("finpromo-*.whl")
    return whl


def test_wheel_contains_the_bundled_model(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for f in ("model.joblib", "runon.joblib", "manifest.json", "MODEL_CARD.md"):
        assert f"detector/_bundled/{f}" in names
    assert "detector/py.typed" in names


def test_installed_wheel_cleans_with_the_bundled_model(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = ("import detector, sys; from detector import Detector; d = Detector.load(); "
            "print(detector.__file__); sys.stdout.write(d.clean(open(sys.argv[1], encoding='utf-8').read()))")
    res = subprocess.run([sys.executable, "-c", code, str(EXAMPLES / "siemens-energy-de.txt")], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    first, _, cleaned = res.stdout.partition("\n")
    assert first.startswith(str(site))
    assert "Auftragsbestand" in cleaned and "Gratis-Analyse" not in cleaned
    script = site / "bin" / "finpromo"
    res = subprocess.run([sys.executable, str(script), "clean", str(EXAMPLES / "siemens-energy-de.txt")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout == cleaned
