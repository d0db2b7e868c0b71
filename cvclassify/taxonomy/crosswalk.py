"""Crosswalks between two projects' codes: each code of a source tree in a target tree's terms.

A crosswalk is a CSV file ``SOURCE__TARGET.csv`` (``;``-separated, UTF-8) with the columns ``code source``,
``code cible`` (a target code, or several separated by « | ») and optionally ``transversales`` (the target's
transversal concerns the source code serves, « | »-separated) and ``justification``. It lets a project learn
from proposals coded in another project's codes (Metz 2024-2030 from the 2015-2020 corpus), and a team import
archives coded in an older tree.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from cvclassify.errors import TaxonomyError, UnknownCodeError
from cvclassify.taxonomy.tree import Taxonomy


@dataclass
class Crosswalk:
    """Source code → target codes and target transversal concerns."""

    source: str
    target: str
    codes: dict[str, tuple[str, ...]]
    transversal: dict[str, tuple[str, ...]]

    def map(self, codes: tuple[str, ...] | list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The target codes (first the primary's, no repeats) and transversal concerns of source codes."""
        missing = [c for c in codes if c not in self.codes]
        if missing:
            raise UnknownCodeError(f"Code(s) {', '.join(missing)} absent(s) de la table de correspondance "
                                   f"{self.source} → {self.target}.")
        mapped = dict.fromkeys(t for c in codes for t in self.codes[c])
        transversal = dict.fromkeys(t for c in codes for t in self.transversal.get(c, ()))
        return tuple(mapped), tuple(transversal)


def crosswalk_path(folder: Path, source: str, target: str) -> Path:
    """Where the crosswalk from one project to another is kept."""
    return Path(folder) / f"{source}__{target}.csv"


def load_crosswalk(path: Path, source_tree: Taxonomy | None = None, target_tree: Taxonomy | None = None) -> Crosswalk:
    """Read a crosswalk; with the trees, check that every code exists (French messages naming the line)."""
    path = Path(path)
    if not path.is_file():
        raise TaxonomyError(f"Table de correspondance introuvable : {path}.")
    source, _, target = path.stem.partition("__")
    codes: dict[str, tuple[str, ...]] = {}
    transversal: dict[str, tuple[str, ...]] = {}
    problems = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter=";"), start=2):
            code = (row.get("code source") or "").strip()
            targets = tuple(t.strip() for t in (row.get("code cible") or "").split("|") if t.strip())
            concerns = tuple(t.strip() for t in (row.get("transversales") or "").split("|") if t.strip())
            if not code or not targets:
                problems.append(f"ligne {line} : code source ou code cible vide.")
                continue
            for tree, wanted in ((source_tree, (code,)), (target_tree, targets + concerns)):
                for c in wanted if tree is not None else ():
                    if c not in tree:
                        problems.append(f"ligne {line} : « {c} » n'est pas un code de l'arbre {tree.name}.")
            codes[code], transversal[code] = targets, concerns
    if source_tree is not None:
        problems += [f"le code {c} de {source} n'a pas de correspondance." for c in source_tree.leaf_ids
                     if c not in codes]
    if problems:
        raise TaxonomyError(f"Table de correspondance {path.name} invalide :\n" + "\n".join(f"- {p}" for p in problems))
    return Crosswalk(source, target, codes, transversal)
