"""Model files on disk: ``model.joblib`` beside ``manifest.json``, verified before they are unpickled.

A model with a run-on estimator keeps it in a file of its own, ``runon.joblib``: it is verified with the rest but
unpickled only when run-on text first comes in, so paragraph text never pays for it at start-up.

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
RUNON_FILE = "runon.joblib"
MANIFEST_FILE = "manifest.json"
#: Name of the model bundled with the package (and of its folder under ``models/`` in the repository).
BUNDLED_NAME = "finpromo-base"


class ModelError(ValueError):
    """A model that cannot be used: missing files, unreadable manifest, or failed verification."""


class ModelIntegrityError(ModelError):
    """The model file's SHA-256 does not match its manifest: it was changed, truncated or replaced."""


class ModelVersionWarning(UserWarning):
    """The model was trained with a different scikit-learn version, or stemmer, than the one installed."""


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


def _read_verified(path: Path, expected: str) -> bytes:
    """The bytes of ``path``, after checking that their SHA-256 is ``expected`` (what is checked is what loads)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"{path}: missing model file") from None
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the model file ({exc.strerror or exc})") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ModelIntegrityError(
            f"{path}: SHA-256 {actual[:12]}… does not match the manifest ({expected[:12]}…); "
            "the file was modified or truncated and will not be loaded")
    return data


def _unpickle(data: bytes, path: Path) -> Any:
    import io

    import joblib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's own version warning; load_model says it once, clearly
        try:
            return joblib.load(io.BytesIO(data))
        except Exception as exc:  # a corrupt pickle can raise nearly anything
            raise ModelError(f"{path}: cannot load the model ({type(exc).__name__}: {exc})") from None


class LazyEstimator:
    """An estimator file, verified and read at load time, unpickled on first use; attributes pass through."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.path = path
        self._data: bytes | None = data
        self._estimator: Any = None

    @property
    def estimator(self) -> Any:
        """The unpickled estimator (unpickled now if it was not yet)."""
        if self._estimator is None:
            self._estimator = _unpickle(self._data or b"", self.path)
            self._data = None
        return self._estimator

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "path":
            raise AttributeError(name)
        return getattr(self.estimator, name)


def load_model(model_dir: Path) -> tuple[Any, dict[str, Any]]:
    """Verify and load a model folder; returns ``(estimator, manifest)``.

    Every file is read and verified here; a run-on estimator of its own file is unpickled on first use
    (:class:`LazyEstimator`), from the bytes that were verified.
    """
    import sklearn

    from .features import stem_fingerprint

    manifest = read_manifest(model_dir)
    model_path = model_dir / MODEL_FILE
    model_data = _read_verified(model_path, manifest["model_sha256"])
    runon = None
    if manifest.get("runon_file"):
        runon_path = model_dir / manifest["runon_file"]
        runon = LazyEstimator(_read_verified(runon_path, str(manifest.get("runon_sha256"))), runon_path)
    trained = manifest.get("versions", {})
    differs = []
    if trained.get("scikit-learn") and trained["scikit-learn"] != sklearn.__version__:
        differs.append(f"scikit-learn {trained['scikit-learn']}, this is {sklearn.__version__}")
    stems = stem_fingerprint()
    if trained.get("stems") and trained["stems"] != stems:
        differs.append(f"other stems (fingerprint {trained['stems']}, PyStemmer {trained.get('pystemmer', '?')}); "
                       f"the installed stemmer gives {stems}")
    for what in differs:
        warnings.warn(f"model {model_dir.name!r} was trained with {what}; scores may differ — retrain it with "
                      "`finpromo train`", ModelVersionWarning, stacklevel=3)
    estimator = _unpickle(model_data, model_path)
    if runon is not None:
        estimator.runon_model_ = runon
    return estimator, manifest


def save_model(estimator: Any, model_dir: str | os.PathLike[str], manifest: dict[str, Any]) -> Path:
    """Write ``model.joblib`` (and ``runon.joblib`` for a run-on estimator) and ``manifest.json`` (with each file's
    SHA-256) into ``model_dir``."""
    import joblib

    out = Path(model_dir)
    out.mkdir(parents=True, exist_ok=True)

    def dump(obj: Any, name: str) -> str:
        tmp = out / (name + ".tmp")
        joblib.dump(obj, tmp, compress=3)
        os.replace(tmp, out / name)
        return sha256_file(out / name)

    runon = getattr(estimator, "runon_model_", None)
    if isinstance(runon, LazyEstimator):  # a loaded model saved again
        runon = runon.estimator
    files: dict[str, str] = {}
    if runon is not None:
        del estimator.runon_model_  # pickled on its own, so loading can leave it for later
        try:
            files = {"model_sha256": dump(estimator, MODEL_FILE), "runon_file": RUNON_FILE,
                     "runon_sha256": dump(runon, RUNON_FILE)}
        finally:
            estimator.runon_model_ = runon
    else:
        files = {"model_sha256": dump(estimator, MODEL_FILE)}
        (out / RUNON_FILE).unlink(missing_ok=True)
    manifest = {k: v for k, v in manifest.items() if k not in ("runon_file", "runon_sha256")}
    manifest = {**manifest, "model_file": MODEL_FILE, **files}
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out
