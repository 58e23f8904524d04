"""finpromo: find and strip promotional boilerplate in scraped finance articles.

>>> from detector import Detector
>>> det = Detector.load()                       # doctest: +SKIP
>>> det.clean(article_text)                     # doctest: +SKIP
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("finpromo")
except PackageNotFoundError:  # running from a source checkout without installing
    __version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .batch import clean_frame
    from .core import Detector, Paragraph
    from .explain import Explanation, Reason
    from .model import LABELS
    from .modelfile import ModelError, ModelIntegrityError, ModelVersionWarning

# Lazy exports keep `import detector` (and so `finpromo --help`) free of scikit-learn's import time.
_EXPORTS = {"Detector": "core", "Paragraph": "core", "LABELS": "model", "ModelError": "modelfile",
            "ModelIntegrityError": "modelfile", "ModelVersionWarning": "modelfile", "clean_frame": "batch",
            "Explanation": "explain", "Reason": "explain"}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Detector", "Paragraph", "LABELS", "ModelError", "ModelIntegrityError", "ModelVersionWarning",
           "clean_frame", "Explanation", "Reason", "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
