"""The input document: a plain text or the fields of a form, checked and ready for analysis.

One type for every caller (library, CLI, batch, API). A form is read field by field — title,
objectives, description, public, territory, recognised under their usual French and export names —
and the title is counted twice, since it names the action in few, telling words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Union

from cvclassify.errors import InvalidTextError
from cvclassify.labels import Field

MAX_CHARS = 100_000
"""Texts longer than this are truncated before analysis (a grant application is far shorter)."""
TITLE_WEIGHT = 2
"""The title is read this many times: it names the action in few, telling words."""

FIELD_ALIASES: dict[Field, tuple[str, ...]] = {
    Field.TITLE: ("title", "titre", "intitule", "intitulé", "intituleProjet", "libelle", "libellé",
                  "lib_action", "Libellé de l'action"),
    Field.OBJECTIVES: ("objectives", "objectifs", "objectif", "objet"),
    Field.TEXT: ("text", "texte", "description", "Description"),
    Field.PUBLIC: ("public", "beneficiaires", "bénéficiaires", "Bénéficiaires"),
    Field.TERRITORY: ("territory", "territoire", "Territoire"),
}
"""The names each field goes by in forms and exports (matched exactly; see ``io.columns`` for headers)."""
FIELDS = tuple(Field)

_TWO_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]", re.DOTALL)
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # Cc but tab and line breaks
    "\ud800-\udfff\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)
"""Control (Cc, but tab and line breaks), surrogate (Cs) and private-use (Co) characters."""


def text_fields(record: Mapping[str, Any]) -> dict[str, str]:
    """The known text fields of a record (title, objectives, text, public, territory), by alias."""
    found: dict[str, str] = {}
    for name, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            value = record.get(alias)
            if isinstance(value, str) and value.strip():
                found[str(name)] = value.strip()
                break
    return found


def join_fields(fields: Mapping[str, str]) -> str:
    """The text the classifier reads: the title (weighted) then the other fields, one per line.

    A title the body already starts with is not repeated.
    """
    fields = dict(fields)
    title = fields.pop("title", "")
    body = "\n".join(fields.values())
    if not title:
        return body
    if body.startswith(title):
        body = body[len(title):].lstrip()
    return "\n".join([title] * TITLE_WEIGHT + ([body] if body else []))


def text_of(record: Mapping[str, Any]) -> str:
    """The text the classifier reads for a record given as a mapping of (aliased) fields."""
    return join_fields(text_fields(record))


def text_hash(text: str) -> str:
    """SHA-256 of a text with its spaces normalised: the key of duplicate texts and of officers' decisions."""
    import hashlib

    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def check_text(text: object) -> str:
    """Return a text fit for classification, or raise InvalidTextError with a French message."""
    if text is None:
        raise InvalidTextError("Le texte est absent.")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidTextError(
                "Le texte n'est pas en UTF-8 : il semble binaire ou dans un autre encodage."
            ) from exc
    if not isinstance(text, str):
        raise InvalidTextError(f"Un texte est attendu, pas une valeur de type {type(text).__name__}.")
    if not text.strip():
        raise InvalidTextError("Le texte est vide.")
    sample = text[:20_000]
    control = len(_CONTROL.findall(sample))
    if "\x00" in sample or control / len(sample) > 0.05 or sample.count("\ufffd") / len(sample) > 0.05:
        raise InvalidTextError(
            "Le texte contient des caractères binaires : s'agit-il d'un fichier PDF ou DOCX "
            "non converti en texte ?"
        )
    if not _TWO_LETTERS.search(sample):
        raise InvalidTextError("Le texte ne contient aucun mot à analyser.")
    return text


def truncate(text: str, limit: int = MAX_CHARS) -> tuple[str, bool]:
    """Cut a text at a word boundary before ``limit`` characters; say whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit], True


@dataclass(frozen=True)
class Document:
    """An application to classify: its text fields and, for batches, an id.

    ``Document.of("texte")`` holds one ``text`` field; ``Document.of({"intitule": …, "objet": …})``
    maps the form's fields by their known names.
    """

    fields: dict[str, str]
    id: str | None = None
    raw: str = field(default="", compare=False, repr=False)
    """The text exactly as given, when the input was a plain string."""

    @classmethod
    def of(cls, item: DocumentInput, id: str | None = None) -> Document:
        """A document from a plain text, a mapping of form fields or a Document."""
        if isinstance(item, Document):
            return item
        if isinstance(item, Mapping):
            return cls(text_fields(item), id=id)
        if isinstance(item, str):
            return cls({"text": item}, id=id, raw=item)
        text = check_text(item)  # bytes are decoded; None or another type raises a French message
        return cls({"text": text}, id=id, raw=text)

    @property
    def text(self) -> str:
        """The text the classifier reads (a plain string is kept exactly as given)."""
        return self.raw if self.raw else join_fields(self.fields)

    def prepare(self) -> tuple[str, list[str]]:
        """The checked, possibly truncated text, and the warnings for the reader (in French); computed once."""
        return self._prepared

    @cached_property
    def _prepared(self) -> tuple[str, list[str]]:
        text, cut = truncate(check_text(self.text))
        return text, [f"Texte tronqué à {len(text)} caractères pour l'analyse."] if cut else []


DocumentInput = Union[str, Mapping[str, Any], Document]  # noqa: UP007 - used at run time
