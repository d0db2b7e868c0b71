"""Contracts written in other layouts (tests/fixtures/contracts, fictional territories): each parses into the
tree its .expected.yaml gives — codes, labels, parents, leaves and transversal concerns — despite page
furniture, tables of contents, examples, encadrés and labels split across pages."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from cvclassify import TaxonomyError
from cvclassify.io.readers.documents import _extract
from cvclassify.taxonomy.parsers import best_parse, parse_contract

CONTRACTS = Path(__file__).resolve().parent / "fixtures" / "contracts"


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip()


def expected_nodes(nodes, parent=None, out=None) -> set[tuple]:
    out = set() if out is None else out
    for node in nodes:
        out.add((node.get("code"), norm(node["label"]), parent, not node.get("children")))
        expected_nodes(node.get("children", []), norm(node["label"]), out)
    return out


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.suffix == ".txt" else _extract(path.suffix, path.read_bytes())


FILES = sorted(p for p in CONTRACTS.iterdir() if p.suffix in (".txt", ".docx", ".odt"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_contract_gives_its_expected_tree(path):
    expected = yaml.safe_load((CONTRACTS / f"{path.stem}.expected.yaml").read_text(encoding="utf-8"))
    layout, tree = best_parse(text_of(path), name=path.stem)
    got = {(o.code or None, norm(o.label), norm(tree[o.parent].label) if o.parent else None, tree.is_leaf(o.id))
           for o in tree if not o.transversal}
    want = expected_nodes(expected["tree"])
    assert sorted(got - want, key=str) == [] and sorted(want - got, key=str) == [], layout
    assert {norm(o.label) for o in tree.transversal} == {norm(t["label"]) for t in expected.get("transversal", [])}
    for duplicate in expected.get("duplicates") or []:
        assert tree[duplicate["second_id"]].code == duplicate["code"]
    assert tree.warnings[0].startswith("Disposition lue")


def test_text_without_objectives_says_which_layouts_were_tried():
    with pytest.raises(TaxonomyError, match="Dispositions essayées") as caught:
        parse_contract("Compte rendu de la réunion du 12 mars.\n\nLes participants ont échangé sur le budget.\n")
    assert "tableur" in str(caught.value)


def test_codes_are_built_from_context_and_generated_when_not_printed():
    roman = best_parse(text_of(CONTRACTS / "roman-lettered.txt"))[1]
    assert roman["IV-A-2"].parent == "IV-A" and roman.axis_of("IV-A-2").code == "IV"
    lists = best_parse(text_of(CONTRACTS / "thematiques-unnumbered.txt"))[1]
    assert all(o.code == "" and re.fullmatch(r"[a-z0-9-]+", o.id) for o in lists)
    again = best_parse(text_of(CONTRACTS / "thematiques-unnumbered.txt"))[1]
    assert [o.id for o in again] == [o.id for o in lists]  # stable


def test_pipe_tables_read_the_same_tree_without_header_or_separator_rows():
    text = text_of(CONTRACTS / "pipe-table.txt")
    full = best_parse(text)[1]
    without_separators = "\n".join(line for line in text.split("\n") if not re.fullmatch(r"\f?\|(?:-+\|)+", line))
    without_headers = "\n".join(line for line in without_separators.split("\n")
                                if not line.lstrip("\f").startswith("| Objectif stratégique"))
    for variant, named in ((without_separators, True), (without_headers, False)):
        layout, tree = best_parse(variant)
        assert layout == "pipe-tables"
        assert [(o.id, o.label, o.parent) for o in tree] == [(o.id, o.label, o.parent) for o in full]
        # level names come from the header row, when there is one
        assert {o.level for o in tree} == ({"axe", "objectif stratégique", "objectif opérationnel", "sous-objectif"}
                                           if named else {"axe", "objectif"})


UNNUMBERED_TABLE = """Contrat de ville 2024-2030 de Lorvanne

| Axe | Orientation | Objectif |
|---|---|---|
| Axe 1 – Réussite éducative | Accompagner la scolarité | Développer l'aide aux devoirs dans les centres sociaux |
| | | Renforcer le lien entre les familles et l'école |
| | Ouvrir la culture aux enfants | Proposer des ateliers artistiques |
| Axe 2 – Emploi | Lever les freins | Développer la garde d'enfants à horaires atypiques |
| | | Accompagner la mobilité vers l'emploi |

| Partenaire | Rôle |
|---|---|
| France Travail | Accompagner les demandeurs d'emploi vers un métier |
"""


def test_pipe_tables_read_unnumbered_levels_and_an_axis_column_but_not_other_tables():
    layout, tree = best_parse(UNNUMBERED_TABLE)
    assert layout == "pipe-tables"
    assert [o.code for o in tree.roots()] == ["1", "2"] and tree["1"].label == "Réussite éducative"
    leaves = {o.label: tree[o.parent].label for o in tree.leaves}
    assert leaves == {"Développer l'aide aux devoirs dans les centres sociaux": "Accompagner la scolarité",
                      "Renforcer le lien entre les familles et l'école": "Accompagner la scolarité",
                      "Proposer des ateliers artistiques": "Ouvrir la culture aux enfants",
                      "Développer la garde d'enfants à horaires atypiques": "Lever les freins",
                      "Accompagner la mobilité vers l'emploi": "Lever les freins"}
    assert tree[tree.leaves[0].parent].level == "orientation"
