"""The HTTP service: JSON API, Annif dialect and review desk (needs the ``api`` extra)."""

from cvclassify.api.app import create_app
from cvclassify.api.settings import Settings

__all__ = ["Settings", "create_app"]
