"""Exceptions raised by cvclassify, with messages a user can act on."""

from __future__ import annotations


class CvclassifyError(Exception):
    """Base class of every error cvclassify raises on purpose."""


class TaxonomyError(CvclassifyError):
    """The objective tree could not be parsed, loaded or validated."""


class UnknownCodeError(CvclassifyError, KeyError):
    """A code or pattern does not name any objective of the taxonomy."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class CorpusError(CvclassifyError):
    """A labelled proposal file is missing, unreadable or invalid."""


class InvalidTextError(CvclassifyError, ValueError):
    """A text cannot be classified (empty, binary, no words)."""


class ModelError(CvclassifyError):
    """A model file is missing, corrupt or incompatible."""


class ProjectError(CvclassifyError):
    """A project, its configuration or one of its model versions cannot be found or written."""


class MissingExtraError(CvclassifyError):
    """An optional dependency is needed for this feature; the message names the extra to install."""


class BatchInputError(CvclassifyError):
    """A batch input or output cannot be used (unknown format, missing file, output over an input)."""


class OutputBusyError(BatchInputError):
    """Another batch run is writing the same output (and its journal) right now."""


class InputTooLargeError(BatchInputError):
    """An input would grow past a cap once read (``cvclassify.io.limits``): a compression bomb, too many rows or
    too much text for a review queue. The API answers 413."""
