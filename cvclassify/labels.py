"""Program states as plain ASCII enums, and the one table of the French words people read for them.

Code compares enum values (``Route.AUTO``, ``RowStatus.ERROR``); the CLI, the exports, the API's
``/v1/labels`` and the review desk show ``french(value)`` — no French word is a program state.
"""

from __future__ import annotations

from enum import StrEnum


class Route(StrEnum):
    """What the decision layer advises for one application."""

    AUTO = "auto"
    REVIEW = "review"
    OBJECTIVE = "objective"
    INSUFFICIENT = "insufficient"
    """No word of the text is known to the model: nothing ticked, to classify by hand."""


class RowStatus(StrEnum):
    """The outcome of one row of a batch."""

    CLASSIFIED = "classified"
    TO_CHECK = "to_check"
    ERROR = "error"


class ItemStatus(StrEnum):
    """Where one application of a review queue stands."""

    OPEN = "open"
    DONE = "done"
    ERROR = "error"


class Field(StrEnum):
    """The fields of an application form the classifier reads."""

    TITLE = "title"
    OBJECTIVES = "objectives"
    TEXT = "text"
    PUBLIC = "public"
    TERRITORY = "territory"


LABELS: dict[str, dict[str, str]] = {
    "route": {
        Route.AUTO: "acceptable tel quel",
        Route.REVIEW: "à relire",
        Route.OBJECTIVE: "objectif sûr, code à choisir",
        Route.INSUFFICIENT: "texte insuffisant, à classer à la main",
    },
    "row_status": {
        RowStatus.CLASSIFIED: "classé",
        RowStatus.TO_CHECK: "à vérifier",
        RowStatus.ERROR: "erreur",
    },
    "item_status": {
        ItemStatus.OPEN: "à revoir",
        ItemStatus.DONE: "revu",
        ItemStatus.ERROR: "erreur",
    },
    "field": {
        Field.TITLE: "intitulé",
        Field.OBJECTIVES: "objectifs",
        Field.TEXT: "texte",
        Field.PUBLIC: "public",
        Field.TERRITORY: "territoire",
    },
}
"""Kind of state → value → the French words shown to instruction teams."""


def french(value: StrEnum) -> str:
    """The French words for a state (its kind is known from its enum)."""
    return LABELS[_KIND[type(value)]][value]


_KIND = {Route: "route", RowStatus: "row_status", ItemStatus: "item_status", Field: "field"}


LEVEL_NAMES = {"axis": "axe stratégique", "strategic": "objectif stratégique", "operational": "objectif opérationnel",
               "leaf": "code d'objectif"}
"""French names of the levels of trees parsed from numbered tables like Metz's; other trees name their levels
in French already (« enjeu », « orientation »…)."""


def level_name(level: str) -> str:
    """The French name of a level of the tree."""
    return LEVEL_NAMES.get(level, level)


def label_table() -> dict[str, dict[str, str]]:
    """The whole table as plain strings (served to the review desk by ``GET /v1/labels``)."""
    table = {kind: {str(value): words for value, words in words_of.items()} for kind, words_of in LABELS.items()}
    return {**table, "level": dict(LEVEL_NAMES)}
