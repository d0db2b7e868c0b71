"""Model backends, registered by name and imported on first use (see ``base.Backend`` for the contract).

A new backend is one module with one ``Backend`` subclass, and one line in ``BACKENDS``.
"""

from __future__ import annotations

import importlib
from typing import Any

from cvclassify.backends.base import Backend, Example
from cvclassify.errors import ModelError

BACKENDS: dict[str, str] = {
    "linear": "cvclassify.backends.linear:LinearBackend",
    "transfer": "cvclassify.backends.transfer:TransferBackend",
    "omikuji": "cvclassify.backends.omikuji:OmikujiBackend",
    "ensemble": "cvclassify.backends.ensemble:EnsembleBackend",
}
"""Backend name → ``module:class``."""


def backend_class(name: str) -> type[Backend]:
    """The class of a registered backend."""
    if name not in BACKENDS:
        raise ModelError(f"Unknown backend {name!r}; known backends: {', '.join(BACKENDS)}.")
    module, _, cls = BACKENDS[name].partition(":")
    return getattr(importlib.import_module(module), cls)


def make_backend(name: str, *args: Any, **kwargs: Any) -> Backend:
    """A new, unfitted backend of a registered name."""
    return backend_class(name)(*args, **kwargs)


__all__ = ["BACKENDS", "Backend", "Example", "backend_class", "make_backend"]
