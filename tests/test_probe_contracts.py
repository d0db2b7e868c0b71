"""Contracts and tree spreadsheets written by independent writers (tests/fixtures/probes): each gives the tree its
.expected.yaml holds — labels, parents, printed codes and transversal concerns."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from cvclassify.taxonomy.importing import import_tree

PROBES = Path(__file__).resolve().parent / "fixtures" / "probes"
FILES = sorted(p for p in PROBES.glob("*/*") if p.suffix != ".yaml" and p.name != "README.md")
OTHER_CODES = {"04_cazelles_agglomeration.xlsx", "p03_grandvaux.md", "p10_hautmoncel.txt",
               "09_pontarnaud_eq2030.docx", "10_charnelieu_double_arbre.docx", "06_rivelande_objectif_no.txt",
               "prefecture_varennac.txt", "03_castelmoran_liste_continue.docx", "paren_orbelin.txt",
               "cadre_logique_hautval.md", "03_castelmoran_liste_continue.pdf",
               "06_lignes_fusionnees.ods", "plan_administratif_brevailles.txt", "07_tableau_word.docx"}
"""Files whose expected codes follow another convention than the tree's (« 1° » under « A/ » is « A.1 » here)."""


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip()


def expected_edges(nodes, parent=None, out=None) -> list[tuple[str | None, str, str | None]]:
    out = [] if out is None else out
    for node in nodes:
        out.append((node.get("code"), norm(node["label"]), parent))
        expected_edges(node.get("children") or [], norm(node["label"]), out)
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_an_independent_writers_contract_gives_its_expected_tree(path):
    expected = yaml.safe_load((path.parent / f"{path.name.split('.')[0]}.expected.yaml").read_text(encoding="utf-8"))
    _, tree = import_tree(path)
    got = [(o.code or None, norm(o.label), norm(tree[o.parent].label) if o.parent else None)
           for o in tree if not o.transversal]
    want = expected_edges(expected["tree"])
    assert sorted(((label, parent) for _, label, parent in got), key=str) == sorted(
        ((label, parent) for _, label, parent in want), key=str)
    if path.name not in OTHER_CODES:
        assert [w for w in want if w[0] is not None and w not in got] == []
    concerns = [norm(c["label"] if isinstance(c, dict) else c) for c in expected.get("transversal") or []]
    assert sorted(norm(o.label) for o in tree.transversal) == sorted(concerns)
