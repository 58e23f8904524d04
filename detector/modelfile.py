"""Model files on disk: ``model.joblib`` beside ``manifest.json``, verified before they are unpickled.

A joblib/pickle file runs code when it is loaded. Only load model files you trust: :func:`load_model` refuses a
model whose SHA-256 does not match the one in its manifest, so a tampered or truncated file never reaches
``joblib.load``, but the manifest itself is only as trustworthy as where it came from.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import Any

MODEL_FILE = "model.joblib"
MANIFEST_FILE = "manifest.json"
#: Name of the model bundled with the package (and of its folder under ``models/`` in the repository).
BUNDLED_NAME = "finpromo-base"


class ModelError(ValueError):
    """A model that cannot be used: missing files, unreadable manifest, or failed verification."""


class ModelIntegrityError(ModelError):
    """The model file's SHA-256 does not match its manifest: it was changed, truncated or replaced."""


class ModelVersionWarning(UserWarning):
    """The model was trained with a different scikit-learn version than the one installed."""


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def bundled_model_dir(stack: ExitStack) -> Path:
    """Folder of the bundled model: inside the installed package, else ``models/`` of a source checkout."""
    packaged = resources.files("detector") / "_bundled"
    if packaged.is_dir():
        return Path(stack.enter_context(resources.as_file(packaged)))
    checkout = Path(__file__).resolve().parent.parent / "models" / BUNDLED_NAME
    if checkout.is_dir():
        return checkout
    raise ModelError("the bundled model is missing from this installation; reinstall finpromo "
                     "or pass a model folder to Detector.load(path)")


def resolve_model_dir(path: str | os.PathLike[str]) -> Path:
    """The model folder for ``path``: a folder holding ``manifest.json``, or a ``model.joblib`` inside one."""
    p = Path(path)
    if p.is_file() and p.name == MANIFEST_FILE:
        p = p.parent
    elif p.is_file():
        if (p.parent / MANIFEST_FILE).is_file():
            if p.name != MODEL_FILE:
                raise ModelError(f"{p}: a model folder holds {MODEL_FILE}; got {p.name}")
            return p.parent
        raise ModelError(f"{p}: no {MANIFEST_FILE} beside this file; a model is a folder with "
                         f"{MODEL_FILE} and {MANIFEST_FILE}")
    if not p.exists():
        raise ModelError(f"{p}: no such model folder")
    if not (p / MANIFEST_FILE).is_file():
        raise ModelError(f"{p}: not a model folder (no {MANIFEST_FILE})")
    return p


def read_manifest(model_dir: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((model_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{model_dir / MANIFEST_FILE}: cannot read the manifest ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("model_sha256"), str):
        raise ModelError(f"{model_dir / MANIFEST_FILE}: the manifest has no model_sha256")
    return manifest


def load_model(model_dir: Path) -> tuple[Any, dict[str, Any]]:
    """Verify and load a model folder; returns ``(estimator, manifest)``."""
    import joblib
    import sklearn

    manifest = read_manifest(model_dir)
    model_path = model_dir / MODEL_FILE
    if not model_path.is_file():
        raise ModelError(f"{model_path}: missing model file")
    actual = sha256_file(model_path)
    if actual != manifest["model_sha256"]:
        raise ModelIntegrityError(
            f"{model_path}: SHA-256 {actual[:12]}… does not match the manifest ({manifest['model_sha256'][:12]}…); "
            "the file was modified or truncated and will not be loaded")
    trained_with = manifest.get("versions", {}).get("scikit-learn")
    if trained_with and trained_with != sklearn.__version__:
        warnings.warn(f"model {model_dir.name!r} was trained with scikit-learn {trained_with}, this is "
                      f"{sklearn.__version__}; scores may differ — retrain it with `finpromo train`",
                      ModelVersionWarning, stacklevel=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's own version warning; ours above says it once, clearly
        try:
            estimator = joblib.load(model_path)
        except Exception as exc:  # a corrupt pickle can raise nearly anything
            raise ModelError(f"{model_path}: cannot load the model ({type(exc).__name__}: {exc})") from None
    return estimator, manifest


def save_model(estimator: Any, model_dir: str | os.PathLike[str], manifest: dict[str, Any]) -> Path:
    """Write ``model.joblib`` and ``manifest.json`` (with the model's SHA-256) into ``model_dir``."""
    import joblib

    out = Path(model_dir)
    out.mkdir(parents=True, exist_ok=True)
    model_path = out / MODEL_FILE
    tmp = out / (MODEL_FILE + ".tmp")
    joblib.dump(estimator, tmp, compress=3)
    os.replace(tmp, model_path)
    manifest = {**manifest, "model_file": MODEL_FILE, "model_sha256": sha256_file(model_path)}
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out
