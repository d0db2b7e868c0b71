"""The national nomenclature of the ANCT: the thèmes and sous-thèmes put on every State-funded action of the
politique de la ville, for 2015-2023 and 2024-2030 (``cvclassify/data/anct_nomenclature.csv``, from the ANCT
cartography application, Licence Ouverte 2.0).

Each objective of a tree carries its sous-thèmes in both nomenclatures (``Objective.anct_2015`` and
``anct_2024``): written by hand for Metz (``<tree>.anct.csv`` beside the tree), in the tree spreadsheet of a
territory, or proposed by ``propose`` from the words of the objective and of the sous-thèmes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "anct_nomenclature.csv"
PERIODS = {"2015": "2015-2023", "2024": "2024-2030"}


@dataclass(frozen=True)
class Theme:
    """A thème or sous-thème of one period."""

    period: str
    """``2015`` or ``2024``."""
    level: str
    """``theme`` or ``sous_theme``."""
    code: str
    label: str
    parent: str


@lru_cache(maxsize=1)
def nomenclature() -> dict[tuple[str, str], Theme]:
    """Every thème and sous-thème, by (period, code)."""
    found = {}
    with DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            period = row["periode"][:4]
            found[(period, row["code"])] = Theme(period, row["niveau"], row["code"], row["libelle"], row["parent"])
    return found


def sous_themes(period: str) -> list[Theme]:
    """The sous-thèmes of a period (``2015`` or ``2024``), in order."""
    return [t for (p, _), t in nomenclature().items() if p == period and t.level == "sous_theme"]


def describe(period: str, code: str) -> dict[str, str] | None:
    """A sous-thème (or thème) with its label and its thème, or None when the code is unknown."""
    theme = nomenclature().get((period, code))
    if theme is None:
        return None
    parent = nomenclature().get((period, theme.parent)) if theme.parent else None
    return {"period": PERIODS[period], "code": theme.code, "label": theme.label,
            "theme": f"{parent.code} - {parent.label}" if parent else ""}


def check(period: str, codes: tuple[str, ...], where: str) -> list[str]:
    """French messages for codes that are not sous-thèmes of the period."""
    return [f"{where} : « {c} » n'est pas un code de la nomenclature ANCT {PERIODS[period]}." for c in codes
            if (period, c) not in nomenclature()]
