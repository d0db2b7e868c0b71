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
from cvclassify.taxonomy.importing import contract_text
from cvclassify.taxonomy.parsers import best_parse, parse_contract
from tests.tree_support import label_edges

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
    return path.read_text(encoding="utf-8") if path.suffix == ".txt" else contract_text(path)


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


def test_tables_read_the_same_tree_without_header_or_separator_rows_or_with_tabs():
    text = text_of(CONTRACTS / "pipe-table.txt")
    full = best_parse(text)[1]
    without_separators = "\n".join(line for line in text.split("\n") if not re.fullmatch(r"\f?\|(?:-+\|)+", line))
    without_headers = "\n".join(line for line in without_separators.split("\n")
                                if not line.lstrip("\f").startswith("| Objectif stratégique"))
    # the same tables copied from a word processor into a text file: cells between tabs
    tabbed = "\n".join("\t".join(cell.strip() for cell in line.strip()[1:-1].split("|")) if line.startswith("|")
                       else line for line in without_separators.split("\n"))
    for variant, named in ((without_separators, True), (without_headers, False), (tabbed, True)):
        layout, tree = best_parse(variant)
        assert layout == "tables"
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


def test_tables_read_unnumbered_levels_and_an_axis_column_but_not_other_tables():
    layout, tree = best_parse(UNNUMBERED_TABLE)
    assert layout == "tables"
    assert [o.code for o in tree.roots()] == ["1", "2"] and tree["1"].label == "Réussite éducative"
    leaves = {o.label: tree[o.parent].label for o in tree.leaves}
    assert leaves == {"Développer l'aide aux devoirs dans les centres sociaux": "Accompagner la scolarité",
                      "Renforcer le lien entre les familles et l'école": "Accompagner la scolarité",
                      "Proposer des ateliers artistiques": "Ouvrir la culture aux enfants",
                      "Développer la garde d'enfants à horaires atypiques": "Lever les freins",
                      "Accompagner la mobilité vers l'emploi": "Lever les freins"}
    assert tree[tree.leaves[0].parent].level == "orientation"


def pipe_fixture_parts() -> list[tuple[str, object]]:
    """The pipe-table fixture as headings and tables of cells, wrapped cells joined: what a word processor holds."""
    parts: list[tuple[str, object]] = []
    for line in text_of(CONTRACTS / "pipe-table.txt").replace("\f", "").split("\n"):
        if re.fullmatch(r"\|(?:-+\|)+", line):
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip()[1:-1].split("|")]
            if parts and parts[-1][0] == "table":
                rows = parts[-1][1]
                if cells[0] == "Objectif stratégique" and rows[0][0] == "Objectif stratégique":
                    continue  # the header repeated after the page break
                if any(c[:1].islower() for c in cells):  # a wrapped cell: one cell in a word processor
                    rows[-1][:] = [f"{a} {b}".strip() if b[:1].islower() else a
                                   for a, b in zip(rows[-1], cells, strict=True)]
                    if not any(c and not c[:1].islower() for c in cells):
                        continue
                    cells = [c if not c[:1].islower() else "" for c in cells]
                rows.append(cells)
            else:
                parts.append(("table", [cells]))
        elif line.startswith("#"):
            parts.append(("heading", line.lstrip("#").strip()))
        elif line.strip() and not re.search(r"– \d+$", line):
            parts.append(("paragraph", line))
    return parts


def word_and_odt(parts: list[tuple[str, object]], stem: Path) -> list[Path]:
    """The same headings, paragraphs and tables as a DOCX and an ODT (``stem`` plus each suffix). A table cell's
    paragraphs are separated by « \\n »; a blank cell belongs to the merged cell above it (vertical merge in Word, a
    covered cell in LibreOffice)."""
    import docx
    from odf.opendocument import OpenDocumentText
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import H, P

    word, odt = docx.Document(), OpenDocumentText()
    for kind, content in parts:
        if kind == "heading":
            word.add_heading(content, level=2)
            odt.text.addElement(H(outlinelevel=2, text=content))
        elif kind == "paragraph":
            word.add_paragraph(content)
            odt.text.addElement(P(text=content))
        else:
            rows = content
            table = word.add_table(rows=len(rows), cols=len(rows[0]))
            sheet = Table()
            sheet.addElement(TableColumn(numbercolumnsrepeated=len(rows[0])))
            for c in range(len(rows[0])):
                start = 0
                for r in range(1, len(rows) + 1):
                    if r == len(rows) or rows[r][c]:
                        if r - 1 > start and rows[start][c]:
                            table.cell(start, c).merge(table.cell(r - 1, c))
                        start = r
            for r, cells in enumerate(rows):
                row = TableRow()
                for c, text in enumerate(cells):
                    paragraphs = text.split("\n") if text else []
                    if paragraphs:
                        table.cell(r, c).text = paragraphs[0]
                        for extra in paragraphs[1:]:
                            table.cell(r, c).add_paragraph(extra)
                    cell = CoveredTableCell() if not text and r and any(rows[k][c] for k in range(r)) else TableCell()
                    for paragraph in paragraphs:
                        cell.addElement(P(text=paragraph))
                    row.addElement(cell)
                sheet.addElement(row)
            odt.text.addElement(sheet)
    paths = [stem.with_suffix(".docx"), stem.with_suffix(".odt")]
    word.save(paths[0])
    odt.save(str(paths[1]))
    return paths


def test_word_and_odt_tables_with_merged_cells_give_the_pipe_table_tree(tmp_path):
    expected = best_parse(text_of(CONTRACTS / "pipe-table.txt"))[1]
    for path in word_and_odt(pipe_fixture_parts(), tmp_path / "valmorin"):
        name = path.name
        text = contract_text(path)
        assert "| Garantir à chaque enfant un parcours éducatif de qualité | 1.1 Agir" in text
        layout, tree = best_parse(text)
        assert layout == "tables", name
        assert [(o.id, o.label, o.parent, o.level) for o in tree] == [
            (o.id, o.label, o.parent, o.level) for o in expected], name


def test_the_tables_of_the_metz_contract_are_read_as_generic_tab_tables_but_its_own_parser_wins():
    from cvclassify.taxonomy.parsers import numbered_tables, tables

    text = (Path(__file__).resolve().parents[1] / "corpus" / "objectives" / "sources"
            / "contrat-de-ville-metz-2015-2020.txt").read_text(encoding="utf-8")
    metz, generic = numbered_tables.parse(text), tables.parse(text)
    assert best_parse(text)[0] == "numbered-tables"
    leaves = {o.code: o.label for o in generic.leaves}
    # what only the Metz parser knows (a row out of its table, a label across a page break) aside, the same leaves
    assert len(set(leaves) & {o.code for o in metz.leaves}) >= 100
    assert leaves["1.1.4"] == metz["1.1.4"].label and generic[generic["2.11.1"].parent].code == "2.11"


PDF_FIXTURES = [p for p in FILES if p.suffix == ".txt" and p.stem not in ("fiches-thematiques", "space-columns-dashes")]
"""Every text fixture but the one whose bullets are a symbol font's private characters (no PDF font of the test
writes them) and the one that is itself a PDF's layout export (columns aligned with spaces: the test's writer would
draw each line as one string, spaces included, where a PDF places each cell)."""


@pytest.mark.parametrize("path", PDF_FIXTURES, ids=lambda p: p.stem)
def test_a_pdf_of_the_contract_gives_the_same_tree(path, tmp_path):
    """A PDF places lines, it holds no blank line and no leading space: indentation is a shift to the right, a
    blank line a gap. The contract's text is laid out again from those positions, pages split by form feeds."""
    from tests.pdf_support import pages_pdf

    # the test's PDF font is WinAnsi: glyphs it lacks are swapped for ones it has
    text = (path.read_text(encoding="utf-8").replace("◦", "o").replace("▪", "•").replace("\u202f", " ")
            .replace("ﬁ", "fi"))
    pdf = tmp_path / f"{path.stem}.pdf"
    pdf.write_bytes(pages_pdf([page.split("\n") for page in text.split("\f")]))
    expected = yaml.safe_load((CONTRACTS / f"{path.stem}.expected.yaml").read_text(encoding="utf-8"))
    layout, tree = best_parse(contract_text(pdf))
    got = {(o.code or None, norm(o.label), norm(tree[o.parent].label) if o.parent else None, tree.is_leaf(o.id))
           for o in tree if not o.transversal}
    want = expected_nodes(expected["tree"])
    assert sorted(got - want, key=str) == [] and sorted(want - got, key=str) == [], layout


MARKDOWN = {
    "headings": """# Contrat de ville de Bréville 2024-2030

## Préambule

Le présent contrat est signé par l'État et la communauté de communes.

## Axe 1 : Éducation et jeunesse

### Orientation 1.1 – Favoriser la réussite scolaire

- Développer l'accompagnement à la scolarité
- Soutenir le Programme de réussite éducative

### Orientation 1.2 – Accompagner les jeunes vers l'autonomie

- Développer l'offre de loisirs éducatifs
- Encourager l'engagement des jeunes

## Axe 2 : Emploi et insertion

### Orientation 2.1 – Lever les freins à l'emploi

- Faciliter la mobilité
- Développer la garde d'enfants

## Gouvernance

- Comité de pilotage annuel
- Comité technique
""",
    "nested": """# Contrat de ville Engagements Quartiers 2030 — Aubrac Agglomération

## Les enjeux du contrat

* **Enjeu 1 — Grandir et réussir dans les quartiers**
  * Favoriser la réussite éducative
    * Développer l'accompagnement à la scolarité
    * Renforcer le lien entre l'école et les familles
  * Accompagner les jeunes vers l'autonomie
    * Développer l'offre de loisirs
* **Enjeu 2 — Travailler et entreprendre**
  * Lever les freins à l'emploi
    * Faciliter la mobilité
    * Développer la garde d'enfants

## Gouvernance

Le comité de pilotage se réunit une fois par an.
""",
    "bold": """**Contrat de ville 2024-2030 de Lunel-Vidourle**

**Thématique 1 : Éducation**

- Développer l'accompagnement à la scolarité
- Associer les parents à la vie de l'école

**Thématique 2 : Santé**

- Faciliter l'accès aux soins de premier recours
- Prévenir les addictions

**Gouvernance**

Le comité de pilotage se réunit une fois par an.
""",
}
"""Contracts converted to Markdown (headings with hashes, bold labels, lists nested by two spaces)."""
MARKDOWN_TREES = {
    "headings": {"Favoriser la réussite scolaire": "Éducation et jeunesse",
                 "Développer l'accompagnement à la scolarité": "Favoriser la réussite scolaire",
                 "Encourager l'engagement des jeunes": "Accompagner les jeunes vers l'autonomie",
                 "Développer la garde d'enfants": "Lever les freins à l'emploi"},
    "nested": {"Favoriser la réussite éducative": "Grandir et réussir dans les quartiers",
               "Renforcer le lien entre l'école et les familles": "Favoriser la réussite éducative",
               "Développer l'offre de loisirs": "Accompagner les jeunes vers l'autonomie",
               "Développer la garde d'enfants": "Lever les freins à l'emploi"},
    "bold": {"Associer les parents à la vie de l'école": "Éducation", "Prévenir les addictions": "Santé"},
}
LEAVES = {"headings": 6, "nested": 5, "bold": 4}


@pytest.mark.parametrize("name", MARKDOWN)
def test_a_contract_converted_to_markdown_gives_its_tree(name):
    tree = best_parse(MARKDOWN[name])[1]
    parents = {o.label: tree[o.parent].label for o in tree if o.parent}
    assert {label: parents.get(label) for label in MARKDOWN_TREES[name]} == MARKDOWN_TREES[name]
    assert len(tree.leaves) == LEAVES[name]
    assert not any("#" in o.label or "*" in o.label or "ouvernance" in o.label for o in tree)


def test_a_table_cell_holding_several_coded_paragraphs_gives_one_objective_each(tmp_path):
    rows = [["Objectif opérationnel", "Sous-objectif"],
            ["1.1 Agir dès la petite enfance", "1.1.1 Développer l'accueil des moins de trois ans\n"
                                               "1.1.2 Soutenir les lieux d'accueil enfants-parents"],
            ["1.2 Prévenir le décrochage scolaire", "1.2.1 Conforter le Programme de réussite éducative"]]
    for path in word_and_odt([("table", rows)], tmp_path / "c"):
        tree = best_parse(contract_text(path))[1]
        assert {o.code: tree[o.parent].code for o in tree.leaves} == {"1.1.1": "1.1", "1.1.2": "1.1", "1.2.1": "1.2"}


VALROSE = [("Réussite éducative", [("Accompagner la scolarité", ["Développer l'aide aux devoirs",
                                                              "Associer les parents à l'école"]),
                                   ("Ouvrir la culture aux enfants", ["Proposer des ateliers artistiques"])]),
           ("Emploi", [("Lever les freins périphériques à l'emploi",
                        ["Développer la garde d'enfants à horaires atypiques",
                         "Accompagner la mobilité vers l'emploi"])])]
"""A contract's axes, orientations and objectives, written with automatic numbering only (Word, LibreOffice)."""
VALROSE_LEAVES = [("1.1.1", "Développer l'aide aux devoirs", "1.1"), ("1.1.2", "Associer les parents à l'école", "1.1"),
                  ("1.2.1", "Proposer des ateliers artistiques", "1.2"),
                  ("2.1.1", "Développer la garde d'enfants à horaires atypiques", "2.1"),
                  ("2.1.2", "Accompagner la mobilité vers l'emploi", "2.1")]
"""Its leaves as the numbering shows them: (code, label, parent)."""


def _word_numbered_contract(path: Path, linked: bool = False) -> Path:
    """A contract whose codes exist only as Word's automatic numbering: « Titre 1 » and « Titre 2 » linked to a
    multilevel list (« Axe %1 : », « %1.%2 »), objectives as list paragraphs at the third level, and a bullet list
    of examples in a symbol font. ``linked``: the list used is defined through a numbering style, as Word writes a
    list style's lists (``w:numStyleLink``)."""
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = [("decimal", "Axe %1 :", "Heading1"), ("decimal", "%1.%2", "Heading2"), ("decimal", "%1.%2.%3", None)]
    lvl = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                  + (f'<w:pStyle w:val="{style}"/>' if style else "") + f'<w:lvlText w:val="{text}"/></w:lvl>'
                  for i, (fmt, text, style) in enumerate(levels))
    numbering.append(parse_xml(f'<w:abstractNum {w} w:abstractNumId="90">{lvl}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:abstractNum {w} w:abstractNumId="91"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                               '<w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    used = "90"
    if linked:
        numbering.insert(0, parse_xml(f'<w:abstractNum {w} w:abstractNumId="92">'
                                      '<w:numStyleLink w:val="ContratListe"/></w:abstractNum>'))
        numbering.append(parse_xml(f'<w:num {w} w:numId="92"><w:abstractNumId w:val="92"/></w:num>'))
        document.styles.element.append(parse_xml(
            f'<w:style {w} w:type="numbering" w:styleId="ContratListe"><w:name w:val="Contrat liste"/>'
            '<w:pPr><w:numPr><w:numId w:val="90"/></w:numPr></w:pPr></w:style>'))
        used = "92"
    for style, level in (("Heading 1", None), ("Heading 2", 1)):
        ppr = document.styles[style].element.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:numPr {w}>' + (f'<w:ilvl w:val="{level}"/>' if level is not None else "")
                             + f'<w:numId w:val="{used}"/></w:numPr>'))

    def item(text: str, num: str, level: int) -> None:
        paragraph = document.add_paragraph(text, style="List Paragraph")
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'))

    document.add_paragraph("Contrat de ville « Engagements Quartiers 2030 » de Valrose")
    document.add_paragraph("Le contrat retient deux axes, déclinés en orientations et en objectifs opérationnels.")
    for axis, orientations in VALROSE:
        document.add_heading(axis, level=1)
        for orientation, objectives in orientations:
            document.add_heading(orientation, level=2)
            document.add_paragraph("Les objectifs opérationnels de cette orientation sont les suivants.")
            for objective in objectives:
                item(objective, used, 2)
    document.add_paragraph("Exemples d'actions :")
    for example in ("permis de conduire solidaire ;", "crèche à vocation d'insertion professionnelle."):
        item(example, "91", 0)
    document.save(path)
    return path


@pytest.mark.parametrize("linked", [False, True], ids=["list", "list-style"])
def test_a_word_contract_numbered_by_word_keeps_its_codes(tmp_path, linked):
    """Word's multilevel numbering is not in the paragraphs' text: the numbers are computed as Word shows them."""
    text = contract_text(_word_numbered_contract(tmp_path / "valrose.docx", linked))
    assert "Axe 1 : Réussite éducative" in text and "        1.1.2 Associer les parents à l'école" in text
    assert "Axe 2 : Emploi" in text and "2.1 Lever les freins" in text and "• permis de conduire" in text
    tree = parse_contract(text, name="valrose")
    assert [(o.code, o.label) for o in tree.roots()] == [("1", "Réussite éducative"), ("2", "Emploi")]
    assert [(o.code, o.label, o.parent) for o in tree.leaves] == VALROSE_LEAVES


def test_word_number_formats():
    from cvclassify.io.readers.numbering import _format

    assert [_format(n, "upperRoman") for n in (1, 4, 9, 14)] == ["I", "IV", "IX", "XIV"]
    assert [_format(n, "lowerLetter") for n in (1, 2, 26, 27)] == ["a", "b", "z", "aa"]
    assert _format(3, "decimalZero") == "03" and _format(3, "ordinalText") == "3"


def _outline_odt(suffix: str):
    """An ODT document whose headings are numbered by its outline style (« Axe 1<suffix> », « 1.1 »), with the two
    heading styles."""
    from odf.opendocument import OpenDocumentText
    from odf.style import Style
    from odf.text import OutlineLevelStyle, OutlineStyle

    odt = OpenDocumentText()
    outline = OutlineStyle(name="Outline")
    outline.addElement(OutlineLevelStyle(level=1, numformat="1", numprefix="Axe ", numsuffix=suffix))
    outline.addElement(OutlineLevelStyle(level=2, numformat="1", displaylevels=2))
    odt.styles.addElement(outline)
    for name in ("Heading_20_1", "Heading_20_2"):
        odt.styles.addElement(Style(name=name, family="paragraph"))
    return odt


def test_an_odt_contract_numbered_by_its_styles_keeps_its_codes(tmp_path):
    """LibreOffice: headings numbered by the outline style (« Axe 1 : », « 1.1 »), objectives in numbered lists
    (« 1. », « 2. », each list starting again), examples in a bullet list."""
    from odf.text import H, List, ListItem, ListLevelStyleBullet, ListLevelStyleNumber, ListStyle, P

    odt = _outline_odt(" :")
    numbered, bullets = ListStyle(name="Numbers"), ListStyle(name="Bullets")
    numbered.addElement(ListLevelStyleNumber(level=1, numformat="1", numsuffix="."))
    bullets.addElement(ListLevelStyleBullet(level=1, bulletchar="•"))
    odt.automaticstyles.addElement(numbered)
    odt.automaticstyles.addElement(bullets)

    def listing(style: str, items: list[str]) -> None:
        block = List(stylename=style)
        for text in items:
            item = ListItem()
            item.addElement(P(text=text))
            block.addElement(item)
        odt.text.addElement(block)

    odt.text.addElement(P(text="Contrat de ville « Engagements Quartiers 2030 » de Valrose"))
    for axis, orientations in VALROSE:
        odt.text.addElement(H(outlinelevel=1, stylename="Heading_20_1", text=axis))
        for orientation, objectives in orientations:
            odt.text.addElement(H(outlinelevel=2, stylename="Heading_20_2", text=orientation))
            odt.text.addElement(P(text="Les objectifs opérationnels de cette orientation sont les suivants."))
            listing("Numbers", objectives)
    odt.text.addElement(P(text="Exemples d'actions :"))
    listing("Bullets", ["permis de conduire solidaire ;", "crèche à vocation d'insertion professionnelle."])
    odt.save(str(tmp_path / "valrose.odt"))

    text = contract_text(tmp_path / "valrose.odt")
    assert "Axe 1 : Réussite éducative" in text and "1.2 Ouvrir la culture" in text
    assert "2. Associer les parents" in text and "• permis de conduire" in text
    tree = parse_contract(text, name="valrose")
    assert [(o.code, o.label) for o in tree.roots()] == [("1", "Réussite éducative"), ("2", "Emploi")]
    assert [(o.code, o.label, o.parent) for o in tree.leaves] == VALROSE_LEAVES


@pytest.mark.parametrize("header", ["one line", "wrapped"])
def test_a_pdf_whose_tables_are_drawn_in_columns_gives_the_pipe_table_tree(tmp_path, header):
    """A real PDF table has no « | »: each cell is text placed at its column, wrapped within it, and the text laid
    out again puts the cells of a line apart by spaces, a few characters off from one line to the next. Narrow
    columns wrap the header too (« Objectif / stratégique »)."""
    import textwrap

    from tests.pdf_support import pages_pdf

    source = (CONTRACTS / "pipe-table.txt").read_text(encoding="utf-8")
    columns, widths = (40, 190, 370), (30, 34, 40)  # points; characters per line of each column
    pages: list[list] = [[]]
    for raw in source.split("\n"):
        if raw.startswith("\f"):
            pages.append([])
        line = re.sub(r"^#+\s*|\*", "", raw.lstrip("\f"))
        if line.startswith("|---"):
            continue
        if line.startswith("|"):
            narrow = header == "wrapped" and "Sous-objectif" in line
            wrapped = [textwrap.wrap(cell.strip(), 14 if narrow else width) for cell, width in
                       zip(line.strip().strip("|").split("|"), widths, strict=True)]
            pages[-1] += [[(x, cell[k]) for x, cell in zip(columns, wrapped, strict=True) if k < len(cell)]
                          for k in range(max(map(len, wrapped)))]
        else:
            pages[-1] += textwrap.wrap(line, 100) or [""]
    pdf = tmp_path / "valmorin.pdf"
    pdf.write_bytes(pages_pdf(pages))
    text = contract_text(pdf)
    shown = (r"Objectif stratégique {2,}Objectif opérationnel {2,}Sous-objectif" if header == "one line" else
             r"Objectif {2,}Objectif {2,}Sous-objectif\n *stratégique {2,}opérationnel")
    assert "|" not in text and re.search(shown, text)
    layout, tree = best_parse(text)
    expected = best_parse(text_of(CONTRACTS / "pipe-table.txt"))[1]
    assert layout == "tables"
    assert [(o.id, o.label, o.parent, o.level) for o in tree] == [
        (o.id, o.label, o.parent, o.level) for o in expected]


BULLET_TABLE = [("Favoriser la réussite éducative", ["Développer l'aide aux devoirs", "Associer les parents à l'école",
                                                     "Prévenir le décrochage scolaire"]),
                ("Lever les freins à l'emploi", ["Accompagner la mobilité vers l'emploi",
                                                 "Développer la garde d'enfants à horaires atypiques"])]


def test_a_table_cell_holding_a_bulleted_list_gives_one_objective_per_item(tmp_path):
    """« Orientation | Objectifs opérationnels » with the objectives as a bulleted list inside the second cell, in
    Word (list paragraphs) and in LibreOffice (a list in the cell)."""
    import docx
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, P

    word, odt = docx.Document(), OpenDocumentText()
    word.add_heading("Axe 1 – Cohésion sociale", level=2)
    odt.text.addElement(H(outlinelevel=2, text="Axe 1 – Cohésion sociale"))
    table = word.add_table(rows=1 + len(BULLET_TABLE), cols=2)
    sheet = Table()
    sheet.addElement(TableColumn(numbercolumnsrepeated=2))
    header = TableRow()
    for c, name in enumerate(("Orientation", "Objectifs opérationnels")):
        table.cell(0, c).text = name
        cell = TableCell()
        cell.addElement(P(text=name))
        header.addElement(cell)
    sheet.addElement(header)
    for r, (orientation, objectives) in enumerate(BULLET_TABLE, start=1):
        table.cell(r, 0).text = orientation
        target = table.cell(r, 1)
        target.paragraphs[0].text = objectives[0]
        target.paragraphs[0].style = word.styles["List Bullet"]
        for objective in objectives[1:]:
            target.add_paragraph(objective, style="List Bullet")
        row, first, second, listing = TableRow(), TableCell(), TableCell(), List()
        first.addElement(P(text=orientation))
        for objective in objectives:
            item = ListItem()
            item.addElement(P(text=objective))
            listing.addElement(item)
        second.addElement(listing)
        row.addElement(first)
        row.addElement(second)
        sheet.addElement(row)
    odt.text.addElement(sheet)
    word.save(tmp_path / "lorvanne.docx")
    odt.save(str(tmp_path / "lorvanne.odt"))
    for path in (tmp_path / "lorvanne.docx", tmp_path / "lorvanne.odt"):
        layout, tree = best_parse(contract_text(path))
        assert layout == "tables", path.name
        assert [(o.label, tree[o.parent].label) for o in tree.leaves] == [
            (objective, orientation) for orientation, objectives in BULLET_TABLE for objective in objectives], path.name
        assert [o.label for o in tree.roots()] == ["Cohésion sociale"]


def test_a_contract_table_with_a_code_column_beside_each_level_keeps_the_codes(tmp_path):
    """« N° | Orientation | Code | Objectif opérationnel »: codes in columns of their own (in a text export and in
    Word), merged cells left blank below their first row."""
    rows = [("N°", "Orientation", "Code", "Objectif opérationnel"),
            ("1.1", "Favoriser la réussite éducative", "1.1.1", "Développer l'aide aux devoirs"),
            ("", "", "1.1.2", "Associer les parents à l'école"),
            ("1.2", "Lever les freins à l'emploi", "1.2.1", "Accompagner la mobilité vers l'emploi")]
    text = "## Axe 1 – Cohésion sociale\n\n" + "\n".join("| " + " | ".join(r) + " |" for r in rows) + "\n"
    docx_path = word_and_odt([("heading", "Axe 1 – Cohésion sociale"), ("table", rows)], tmp_path / "lorvanne")[0]
    for source in (text, contract_text(docx_path)):
        layout, tree = best_parse(source)
        assert layout == "tables"
        assert [(o.code, o.label, o.parent) for o in tree] == [
            ("1", "Cohésion sociale", None), ("1.1", "Favoriser la réussite éducative", "1"),
            ("1.1.1", "Développer l'aide aux devoirs", "1.1"), ("1.1.2", "Associer les parents à l'école", "1.1"),
            ("1.2", "Lever les freins à l'emploi", "1"), ("1.2.1", "Accompagner la mobilité vers l'emploi", "1.2")]


def test_a_level_keyword_with_a_qualifier_still_names_its_level():
    """« Priorité stratégique 1 », « Objectif prioritaire 1.2 »: a qualifying word between the keyword and the
    code (the level stays the keyword's)."""
    text = ("Contrat de ville de Sorbiers 2024-2030\n\n"
            "Priorité stratégique 1 : Réussite éducative\n\n"
            "Objectif prioritaire 1.1 : Accompagner la scolarité\n- Développer l'aide aux devoirs\n"
            "- Associer les parents à l'école\n\n"
            "Objectif prioritaire 1.2 : Ouvrir la culture aux enfants\n- Proposer des ateliers artistiques\n\n"
            "Priorité stratégique 2 : Emploi\n\n"
            "Objectif prioritaire 2.1 : Lever les freins à l'emploi\n- Accompagner la mobilité vers l'emploi\n")
    tree = parse_contract(text, name="sorbiers")
    assert [(o.code, o.label) for o in tree.roots()] == [("1", "Réussite éducative"), ("2", "Emploi")]
    assert [(tree[o.parent].code, o.label) for o in tree.leaves] == [
        ("1.1", "Développer l'aide aux devoirs"), ("1.1", "Associer les parents à l'école"),
        ("1.2", "Proposer des ateliers artistiques"), ("2.1", "Accompagner la mobilité vers l'emploi")]
    assert tree["1.2"].label == "Ouvrir la culture aux enfants" and tree["1.2"].parent == "1"


@pytest.mark.parametrize("keyword", ["Engagement", "Thème"])
def test_engagements_and_themes_are_levels(keyword):
    """« Engagements Quartiers 2030 » contracts often name their top level « Engagement n » or « Thème n »."""
    text = (f"Engagements Quartiers 2030 – Contrat de ville de Sorbiers\n\nLe contrat s'organise en deux parties.\n\n"
            f"{keyword} 1 : Réussite éducative et jeunesse\nObjectifs :\n• Développer l'aide aux devoirs\n"
            f"• Associer les parents à l'école\n\n{keyword} 2 : Emploi et insertion\nObjectifs :\n"
            f"• Accompagner la mobilité vers l'emploi\n• Développer la garde d'enfants à horaires atypiques\n")
    tree = parse_contract(text, name="sorbiers")
    assert [(o.code, o.label) for o in tree.roots()] == [("1", "Réussite éducative et jeunesse"),
                                                         ("2", "Emploi et insertion")]
    assert [(o.parent, o.label) for o in tree.leaves] == [
        ("1", "Développer l'aide aux devoirs"), ("1", "Associer les parents à l'école"),
        ("2", "Accompagner la mobilité vers l'emploi"), ("2", "Développer la garde d'enfants à horaires atypiques")]


def test_lower_case_lettered_items_are_objectives_not_a_label_s_continuation():
    text = ("Contrat de ville de Sorbiers 2024-2030\n\nAxe 1 : Réussite éducative\n\n"
            "Objectif 1.1 : Accompagner la scolarité\na) Développer l'aide aux devoirs\n"
            "b) Associer les parents à l'école\n\nObjectif 1.2 : Ouvrir la culture aux enfants\n"
            "a) Proposer des ateliers artistiques\n\nAxe 2 : Emploi\n\nObjectif 2.1 : Lever les freins à l'emploi\n"
            "a) Accompagner la mobilité vers l'emploi\n")
    tree = parse_contract(text, name="sorbiers")
    assert tree["1.1"].label == "Accompagner la scolarité"
    assert [(o.code, o.label, o.parent) for o in tree.leaves] == [
        ("1.1-a", "Développer l'aide aux devoirs", "1.1"), ("1.1-b", "Associer les parents à l'école", "1.1"),
        ("1.2-a", "Proposer des ateliers artistiques", "1.2"),
        ("2.1-a", "Accompagner la mobilité vers l'emploi", "2.1")]


def test_an_axis_written_as_a_row_across_the_table_opens_a_top_node():
    text = ("Contrat de ville de Sorbiers 2024-2030\n\n| Objectif stratégique | Objectif opérationnel |\n|---|---|\n"
            "| AXE 1 – RÉUSSITE ÉDUCATIVE | |\n| Accompagner la scolarité | 1.1 Développer l'aide aux devoirs |\n"
            "| | 1.2 Associer les parents à l'école |\n| AXE 2 – EMPLOI | |\n"
            "| Lever les freins à l'emploi | 2.1 Accompagner la mobilité vers l'emploi |\n")
    layout, tree = best_parse(text)
    assert layout == "tables"
    assert [(o.code, o.label, o.level) for o in tree.roots()] == [("1", "RÉUSSITE ÉDUCATIVE", "axe"),
                                                                   ("2", "EMPLOI", "axe")]
    assert [(tree[tree[o.parent].parent].code, o.code) for o in tree.leaves] == [("1", "1.1"), ("1", "1.2"),
                                                                                 ("2", "2.1")]


OS_OO = [("OS1", "Accompagner la scolarité", [("OO1.1", "Développer l'aide aux devoirs"),
                                               ("OO1.2", "Associer les parents à l'école")]),
         ("OS2", "Ouvrir la culture aux enfants", [("OO2.1", "Proposer des ateliers artistiques")])]


@pytest.mark.parametrize("shape", ["outline", "table"])
def test_codes_prefixed_os_and_oo_are_kept_as_printed(shape):
    """« OS1 – … » (objectif stratégique), « OO1.2 – … » (objectif opérationnel): the codes officers write."""
    if shape == "outline":
        body = "\n\n".join(f"{os} – {label}\n" + "\n".join(f"{oo} – {leaf}" for oo, leaf in leaves)
                           for os, label, leaves in OS_OO)
    else:
        body = "| Objectif stratégique | Objectif opérationnel |\n|---|---|\n" + "\n".join(
            f"| {os + ' – ' + label if i == 0 else ''} | {oo} – {leaf} |"
            for os, label, leaves in OS_OO for i, (oo, leaf) in enumerate(leaves))
    tree = parse_contract(f"Contrat de ville de Sorbiers 2024-2030\n\nAxe 1 : Réussite éducative\n\n{body}\n",
                          name="sorbiers")
    assert [(o.code, o.label, o.parent, o.level) for o in tree if o.parent] == [
        node for os, label, leaves in OS_OO for node in [(os, label, "1", "objectif stratégique")]
        + [(oo, leaf, os, "objectif opérationnel") for oo, leaf in leaves]]


ROMAN_CONTRACT = """CONTRAT DE VILLE « ENGAGEMENTS QUARTIERS 2030 » DU VAL D'ARGENT

Préambule
Le présent contrat engage l'État, l'agglomération et les communes en faveur des quartiers des Tilleuls et du Moulin.

1. PRÉSENTATION DU TERRITOIRE
Les deux quartiers prioritaires comptent 6 200 habitants.

I. L'ÉMANCIPATION ET LA RÉUSSITE ÉDUCATIVE

A. Accompagner les enfants et les familles
1. Renforcer l'accompagnement à la scolarité dans les écoles du réseau d'éducation prioritaire
2. Soutenir la parentalité et les lieux d'accueil enfants-parents

B. Lutter contre le décrochage
1. Repérer les collégiens en risque de rupture scolaire

II. L'EMPLOI ET LE DÉVELOPPEMENT ÉCONOMIQUE

A. Lever les freins à l'emploi
1. Développer l'apprentissage du français à visée professionnelle
2. Favoriser la mobilité des demandeurs d'emploi

III. LE CADRE DE VIE

A. Améliorer la gestion urbaine de proximité
1. Associer les habitants aux diagnostics en marchant

IV. GOUVERNANCE
Le comité de pilotage se réunit deux fois par an.
"""
ROMAN_LEAVES = [("I-A-1", "I-A"), ("I-A-2", "I-A"), ("I-B-1", "I-B"), ("II-A-1", "II-A"), ("II-A-2", "II-A"),
                ("III-A-1", "III-A")]


def test_numbered_headings_in_capitals_head_the_tree_when_the_numbering_below_restarts():
    """« I. L'EMPLOI » then « A. », « 1. » starting again under each: the capitals are the top level, not the
    document's sections (« 1. PRÉSENTATION DU TERRITOIRE », « IV. GOUVERNANCE » still are)."""
    tree = parse_contract(ROMAN_CONTRACT, name="val-d-argent")
    assert [(o.code, o.label) for o in tree.roots()] == [
        ("I", "L'ÉMANCIPATION ET LA RÉUSSITE ÉDUCATIVE"), ("II", "L'EMPLOI ET LE DÉVELOPPEMENT ÉCONOMIQUE"),
        ("III", "LE CADRE DE VIE")]
    assert [(o.code, o.parent) for o in tree.leaves] == ROMAN_LEAVES
    assert not any("imprimé deux fois" in w for w in tree.warnings)
    assert any("capitales" in w for w in tree.warnings)


def test_numbered_headings_in_capitals_stay_sections_when_nothing_restarts():
    text = ("CONTRAT DE VILLE DU VAL D'ARGENT\n\n1. PRÉSENTATION\nDeux quartiers.\n\n2. LES ORIENTATIONS\n\n"
            "A. Accompagner les familles\n- Soutenir la parentalité\n- Développer l'aide aux devoirs\n\n"
            "B. Lever les freins à l'emploi\n- Favoriser la mobilité\n- Développer les clauses d'insertion\n")
    tree = parse_contract(text, name="val-d-argent")
    assert [o.code for o in tree.roots()] == ["A", "B"]


HEADED = [("Émancipation et réussite éducative",
           [("Réussir à l'école", ["Renforcer l'accompagnement à la scolarité",
                                   "Prévenir le décrochage des collégiens"]),
            ("Grandir en santé", ["Développer la prévention en santé mentale", "Faciliter l'accès aux soins"])]),
          ("Emploi et insertion", [("Accéder à l'emploi", ["Renforcer le repérage des jeunes sans activité",
                                                           "Développer les clauses sociales"])])]


HEADED_TREE = [(label, parent) for top, middles in HEADED for label, parent in
               [(top, None)] + [node for middle, leaves in middles
                                for node in [(middle, top)] + [(leaf, middle) for leaf in leaves]]]


@pytest.mark.parametrize("shape", ["docx", "docx set by hand", "odt", "odt set by hand", "markdown", "pdf",
                                   "pdf in bold"])
def test_unnumbered_headings_nest_by_their_level(shape, tmp_path):
    """Headings without numbers (Word's « Titre 1 », « Titre 2 », headings set by hand in larger or bold type,
    LibreOffice's outline levels, Markdown's « # », « ## », a PDF's larger type) over bullet lists: each heading
    level is a level of the tree."""
    intro = "Cette thématique rassemble les actions conduites avec les partenaires."
    if shape == "docx set by hand":
        import docx
        from docx.shared import Pt

        document = docx.Document()

        def set_by_hand(text: str, size: float | None) -> None:
            run = document.add_paragraph().add_run(text)
            run.bold, run.font.size = True, Pt(size) if size else None

        set_by_hand("Contrat de ville Engagements Quartiers 2030 de Lunéville", 18)
        for top, middles in HEADED:
            set_by_hand(top, 14)
            document.add_paragraph(intro).runs[0].bold = False
            for middle, leaves in middles:
                set_by_hand(middle, None)  # bold at the body's size
                for leaf in leaves:
                    document.add_paragraph(leaf, style="List Bullet")
        path = tmp_path / "luneville.docx"
        document.save(str(path))
        text = contract_text(path)
    elif shape.startswith("pdf"):
        from tests.pdf_support import Sized, pages_pdf

        lines = [Sized(20, "Contrat de ville Engagements Quartiers 2030 de Lunéville"), ""]
        for top, middles in HEADED:
            lines += [Sized(16, top), intro, ""]
            for middle, leaves in middles:
                lines += [Sized(9, middle, bold=True) if shape == "pdf in bold" else Sized(12, middle),
                          *(f"• {leaf}" for leaf in leaves), ""]
        path = tmp_path / "luneville.pdf"
        path.write_bytes(pages_pdf([lines[:14], lines[14:]]))
        text = contract_text(path)
    elif shape == "docx":
        import docx

        document = docx.Document()
        document.add_heading("Contrat de ville Engagements Quartiers 2030 de Lunéville", 0)
        for top, middles in HEADED:
            document.add_heading(top, 1)
            document.add_paragraph(intro)
            for middle, leaves in middles:
                document.add_heading(middle, 2)
                for leaf in leaves:
                    document.add_paragraph(leaf, style="List Bullet")
        document.add_heading("Gouvernance", 1)
        document.add_paragraph("Le comité de pilotage se réunit deux fois par an.")
        path = tmp_path / "luneville.docx"
        document.save(str(path))
        text = contract_text(path)
    elif shape.startswith("odt"):
        from odf.opendocument import OpenDocumentText
        from odf.style import Style, TextProperties
        from odf.text import H, List, ListItem, P, Span

        odt = OpenDocumentText()
        for name, family, properties in [("Grand", "paragraph", {"fontsize": "16pt", "fontweight": "bold"}),
                                         ("Gras", "paragraph", {"fontweight": "bold"}),
                                         ("Titre", "text", {"fontsize": "20pt", "fontweight": "bold"})]:
            style = Style(name=name, family=family)
            style.addElement(TextProperties(**properties))
            odt.automaticstyles.addElement(style)
        by_hand = shape == "odt set by hand"
        title = P()
        title.addElement(Span(stylename="Titre" if by_hand else "", text="Contrat de ville Engagements Quartiers 2030"))
        odt.text.addElement(title)
        for top, middles in HEADED:
            odt.text.addElement(P(stylename="Grand", text=top) if by_hand else H(outlinelevel=1, text=top))
            odt.text.addElement(P(text=intro))
            for middle, leaves in middles:
                odt.text.addElement(P(stylename="Gras", text=middle) if by_hand else H(outlinelevel=2, text=middle))
                block = List()
                for leaf in leaves:
                    item = ListItem()
                    item.addElement(P(text=leaf))
                    block.addElement(item)
                odt.text.addElement(block)
        path = tmp_path / "luneville.odt"
        odt.save(str(path))
        text = contract_text(path)
    else:
        text = "# Contrat de ville Engagements Quartiers 2030 de Lunéville\n\n" + "\n\n".join(
            f"## {top}\n\n{intro}\n\n" + "\n\n".join(f"### {middle}\n\n" + "\n".join(f"- {leaf}" for leaf in leaves)
                                                     for middle, leaves in middles) for top, middles in HEADED)
    tree = parse_contract(text, name="luneville")
    assert label_edges(tree) == HEADED_TREE


def test_a_keyword_heading_keeps_the_plain_headings_below_it():
    """« ## Thématique 1 : Émancipation » over « ### Réussir à l'école » over bullets: three levels."""
    text = ("# Contrat de ville 2024-2030 de Villeneuve\n\n## Thématique 1 : Émancipation\n\n### Réussir à l'école\n"
            "- Renforcer l'accompagnement à la scolarité\n- Prévenir le décrochage scolaire\n\n"
            "## Thématique 2 : Emploi\n\n### Accompagner vers l'emploi\n- Renforcer le repérage des jeunes\n"
            "- Développer les clauses d'insertion\n")
    tree = parse_contract(text, name="villeneuve")
    assert [(o.label, o.parent) for o in tree.roots()] == [("Émancipation", None), ("Emploi", None)]
    assert [tree[tree[o.parent].parent].label for o in tree.leaves] == ["Émancipation"] * 2 + ["Emploi"] * 2


@pytest.mark.parametrize("heading", ["Leviers mobilisés", "Dispositifs mobilisés", "Moyens mobilisés"])
def test_a_heading_over_the_means_of_an_axis_is_not_one_of_its_themes(heading):
    """« ### Leviers mobilisés » over a paragraph naming the schemes an axis relies on sits among the axis's themes:
    it heads no objective and is not a node."""
    text = ("# Contrat de ville 2024-2030 de Villeneuve\n\n## Pilier 1 : Emploi\n\n"
            f"### {heading}\n\nCe pilier mobilise en priorité le droit commun : France Travail, la Mission locale.\n\n"
            "### Accompagner vers l'emploi\n- Renforcer le repérage des jeunes\n"
            "- Développer les clauses d'insertion\n\n### Soutenir l'entrepreneuriat\n- Accompagner les créateurs\n"
            "- Maintenir les commerces de proximité\n")
    tree = parse_contract(text, name="villeneuve")
    assert [o.label for o in tree.children(tree.roots()[0].id)] == ["Accompagner vers l'emploi",
                                                                    "Soutenir l'entrepreneuriat"]
    assert len(tree.leaves) == 4


def test_a_keyword_followed_by_a_sentence_is_a_description_and_one_followed_by_a_title_is_a_heading():
    """« Enjeu : les enfants … réussissent moins bien » describes the orientation above; « Pilier Cohésion
    sociale », with no number or colon, is a level of the tree."""
    text = ("Contrat de ville « Engagements Quartiers 2030 » de Montbrison\n\n"
            "Pilier Cohésion sociale\n\n"
            "Orientation n°1 : Grandir et s'épanouir dans son quartier\n"
            "Enjeu : les enfants des quartiers réussissent moins bien que les autres au collège.\n"
            "Objectifs :\n- Renforcer l'accompagnement à la scolarité\n- Développer l'offre de loisirs éducatifs\n\n"
            "Pilier Emploi\n\n"
            "Orientation n°2 : Accéder à l'emploi\n"
            "Enjeu : le chômage des jeunes atteint 32 % dans les quartiers.\n"
            "Objectifs :\n- Accompagner les jeunes vers l'apprentissage\n"
            "- Lever les freins liés à la garde d'enfants\n")
    tree = parse_contract(text, name="montbrison")
    assert [(o.label, o.level) for o in tree.roots()] == [("Cohésion sociale", "pilier"), ("Emploi", "pilier")]
    orientation = tree["1"]
    assert orientation.label == "Grandir et s'épanouir dans son quartier" and tree[orientation.parent].label == (
        "Cohésion sociale")
    assert "réussissent moins bien" in orientation.description
    assert [tree[o.parent].code for o in tree.leaves] == ["1", "1", "2", "2"]


CAPITAL_TITLES = """Contrat de ville « Engagements Quartiers 2030 » de Lunéville

Le contrat rassemble l'État, la ville et les bailleurs autour de deux thématiques.

ÉMANCIPATION ET RÉUSSITE ÉDUCATIVE

Réussir à l'école
- Renforcer l'accompagnement à la scolarité
- Prévenir le décrochage des collégiens

Grandir en santé
- Développer la prévention en santé mentale
- Faciliter l'accès aux soins

EMPLOI ET INSERTION

Accéder à l'emploi
- Renforcer le repérage des jeunes sans activité
- Développer les clauses sociales

GOUVERNANCE ET PILOTAGE

Le comité de pilotage se réunit deux fois par an.
"""


@pytest.mark.parametrize("shape", ["text", "pdf"])
def test_plain_headings_in_capitals_stand_over_the_other_headings(shape, tmp_path):
    """« EMPLOI ET INSERTION » over « Accéder à l'emploi » over its list: three levels, in a text or a PDF (where
    no heading style survives)."""
    text = CAPITAL_TITLES
    if shape == "pdf":
        from tests.pdf_support import pages_pdf

        path = tmp_path / "luneville.pdf"
        path.write_bytes(pages_pdf([CAPITAL_TITLES.splitlines()]))
        text = contract_text(path)
    tree = parse_contract(text, name="luneville")
    assert label_edges(tree) == [(label.upper() if parent is None else label, parent.upper() if parent in (
        "Émancipation et réussite éducative", "Emploi et insertion") else parent) for label, parent in HEADED_TREE]


@pytest.mark.parametrize("mark", ["1 -", "1-", "1°", "1/"])
def test_items_numbered_with_a_dash_a_degree_or_a_slash_are_objectives(mark):
    """« 1 - Renforcer … » under « Thématique Éducation », numbering again under « Thématique Emploi »: the
    codes are kept as printed and the identifiers stay unique without a « printed twice » warning."""
    def item(n: int, label: str) -> str:
        return mark.replace("1", str(n), 1) + " " + label

    text = (f"Contrat de ville 2024-2030 de Forbach\n\nThématique Éducation\n{item(1, 'Renforcer la scolarité')}\n"
            f"{item(2, 'Prévenir le décrochage scolaire')}\n\nThématique Emploi\n"
            f"{item(1, 'Favoriser la mobilité')}\n{item(2, 'Développer les modes de garde')}\n")
    tree = parse_contract(text, name="forbach")
    assert [(o.code, o.label, tree[o.parent].label) for o in tree.leaves] == [
        ("1", "Renforcer la scolarité", "Éducation"), ("2", "Prévenir le décrochage scolaire", "Éducation"),
        ("1", "Favoriser la mobilité", "Emploi"), ("2", "Développer les modes de garde", "Emploi")]
    assert len({o.id for o in tree}) == len(tree)
    assert not any("imprimé deux fois" in w for w in tree.warnings)


@pytest.mark.parametrize("glyph", ["➔", "✔", "❖", "\uf0b7", "\uf0d8"])
def test_arrows_checks_and_symbol_font_bullets_under_titles_in_capitals(glyph):
    text = (f"Contrat de ville 2024-2030 de Forbach\n\nÉDUCATION\n{glyph} Renforcer l'accompagnement à la scolarité\n"
            f"{glyph} Prévenir le décrochage scolaire\n\nEMPLOI\n{glyph} Favoriser la mobilité\n"
            f"{glyph} Développer les modes de garde\n")
    tree = parse_contract(text, name="forbach")
    assert [(o.label, tree[o.parent].label) for o in tree.leaves] == [
        ("Renforcer l'accompagnement à la scolarité", "ÉDUCATION"), ("Prévenir le décrochage scolaire", "ÉDUCATION"),
        ("Favoriser la mobilité", "EMPLOI"), ("Développer les modes de garde", "EMPLOI")]


@pytest.mark.parametrize("header", ["| Domaine | Objectifs |", "| Priorités | Champ d'intervention | Objectifs |"])
def test_a_table_column_that_groups_rows_under_a_header_naming_no_level_is_a_level(header):
    """« Domaine », « Champ d'intervention »: words that each stand over several rows (merged cells left blank)
    are the upper levels of the objectives beside them."""
    middle = header.count("|") == 4
    rows = [("Éducation", "Scolarité", "Renforcer l'accompagnement à la scolarité"),
            ("", "", "Prévenir le décrochage scolaire"),
            ("Emploi", "Insertion", "Favoriser la mobilité des demandeurs d'emploi"),
            ("", "", "Développer les modes de garde")]
    body = "\n".join("| " + " | ".join(r if middle else (r[0], r[2])) + " |" for r in rows)
    text = f"Contrat de ville 2024-2030 de Sarreguemines\n\n{header}\n|---|---|{'---|' if middle else ''}\n{body}\n"
    layout, tree = best_parse(text)
    assert layout == "tables"
    assert [o.label for o in tree.roots()] == ["Éducation", "Emploi"]
    assert [o.level for o in tree.roots()] == ["priorité" if middle else "domaine"] * 2
    expected = ["Scolarité", "Scolarité", "Insertion", "Insertion"] if middle else ["Éducation"] * 2 + ["Emploi"] * 2
    assert [tree[o.parent].label for o in tree.leaves] == expected


@pytest.mark.parametrize("shape", ["1.a", "A.1"])
def test_dotted_codes_with_letters_are_nested_by_their_codes(shape):
    """« Axe 1 » over « 1.a », « 1.b »; « A. Éducation » over « A.1 », « A.2 »."""
    def top(n: int, label: str) -> str:
        return f"Axe {n} : {label}" if shape == "1.a" else f"{'AB'[n - 1]}. {label}"

    def leaf(n: int, k: int) -> str:
        return f"{n}.{'ab'[k - 1]}" if shape == "1.a" else f"{'AB'[n - 1]}.{k}"

    text = (f"Contrat de ville 2024-2030 de Thionville\n\n{top(1, 'Éducation')}\n"
            f"{leaf(1, 1)} Renforcer l'accompagnement à la scolarité\n{leaf(1, 2)} Prévenir le décrochage scolaire\n\n"
            f"{top(2, 'Emploi')}\n{leaf(2, 1)} Favoriser la mobilité\n{leaf(2, 2)} Développer les modes de garde\n")
    tree = parse_contract(text, name="thionville")
    assert [o.label for o in tree.roots()] == ["Éducation", "Emploi"]
    assert [(o.code, tree[o.parent].label) for o in tree.leaves] == [
        (leaf(1, 1), "Éducation"), (leaf(1, 2), "Éducation"), (leaf(2, 1), "Emploi"), (leaf(2, 2), "Emploi")]


def test_a_title_ending_with_a_colon_over_a_list_is_a_heading_and_an_announcing_sentence_is_not():
    text = ("Contrat de ville 2024-2030 de Longwy\n\nLe contrat fixe les objectifs suivants :\n\n"
            "Réussir à l'école :\n- Renforcer l'accompagnement à la scolarité\n- Prévenir le décrochage\n\n"
            "Accéder à l'emploi :\n- Favoriser la mobilité des demandeurs d'emploi\n- Développer les modes de garde\n")
    tree = parse_contract(text, name="longwy")
    assert [o.label for o in tree.roots()] == ["Réussir à l'école", "Accéder à l'emploi"]
    assert [tree[o.parent].label for o in tree.leaves] == ["Réussir à l'école"] * 2 + ["Accéder à l'emploi"] * 2


def test_ranks_printed_again_under_each_uncoded_heading_all_get_their_headings_id():
    """« 1. », « 2. » restart under each title in capitals: every item's id carries its heading's, the first
    heading's included, so that ids do not depend on which heading came first."""
    text = ("Contrat de ville 2024-2030 de Sarreguemines\n\nÉDUCATION\n\n1. Renforcer l'accompagnement à la scolarité\n"
            "2. Prévenir le décrochage scolaire\n3. Soutenir les parents d'élèves\n\nEMPLOI\n\n"
            "1. Favoriser la mobilité des demandeurs d'emploi\n2. Développer les modes de garde\n")
    tree = parse_contract(text, name="sarreguemines")
    assert [(o.code, o.id) for o in tree.leaves] == [
        ("1", "education-1"), ("2", "education-2"), ("3", "education-3"), ("1", "emploi-1"), ("2", "emploi-2")]


def test_a_text_the_likely_layouts_cannot_read_is_tried_with_every_layout():
    """The layouts whose quick pattern matches are tried first; when none of them finds a tree, the others are
    tried too, and the error names them all."""
    from cvclassify.taxonomy.parsers import PARSERS

    with pytest.raises(TaxonomyError) as caught:
        parse_contract("Compte rendu\n\n- les participants ont échangé sur le budget ;\n- la séance est levée.\n")
    assert all(layout in str(caught.value) for layout in PARSERS)


def test_an_odt_list_that_continues_another_by_its_id_goes_on_numbering(tmp_path):
    """LibreOffice writes a list interrupted by a paragraph as a second list with ``text:continue-list`` naming
    the first one's ``xml:id``: its items go on from the first list's last number."""
    from odf.namespaces import TEXTNS, XMLNS
    from odf.opendocument import OpenDocumentText
    from odf.text import H, List, ListItem, ListLevelStyleNumber, ListStyle, P

    odt = OpenDocumentText()
    numbered = ListStyle(name="Numbers")
    numbered.addElement(ListLevelStyleNumber(level=1, numformat="1", numsuffix="."))
    odt.automaticstyles.addElement(numbered)

    def listing(items: list[str], ident: str | None = None, continues: str | None = None) -> None:
        block = List(stylename="Numbers")
        if ident:
            block.setAttrNS(XMLNS, "id", ident)
        if continues:
            block.setAttrNS(TEXTNS, "continue-list", continues)
        for text in items:
            item = ListItem()
            item.addElement(P(text=text))
            block.addElement(item)
        odt.text.addElement(block)

    odt.text.addElement(H(outlinelevel=1, text="Réussite éducative"))
    listing(["Renforcer l'accompagnement à la scolarité", "Prévenir le décrochage scolaire"], ident="list1")
    odt.text.addElement(P(text="Ces deux objectifs sont portés avec l'Éducation nationale."))
    listing(["Associer les parents à la vie de l'école"], continues="list1")
    odt.text.addElement(H(outlinelevel=1, text="Emploi"))
    listing(["Favoriser la mobilité des demandeurs d'emploi"])
    odt.save(str(tmp_path / "suite.odt"))

    text = contract_text(tmp_path / "suite.odt")
    assert "3. Associer les parents" in text and "1. Favoriser la mobilité" in text


def test_a_word_list_level_that_never_restarts_numbers_across_the_levels_above(tmp_path):
    """``w:lvlRestart w:val="0"``: objectives numbered 1 to 4 across the axes of one multilevel list, where
    Word's default would start each axis's objectives again at 1."""
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="80"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>'
        '<w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlRestart w:val="0"/><w:lvlText w:val="Objectif %2 :"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="80"><w:abstractNumId w:val="80"/></w:num>'))

    def item(text: str, level: int) -> None:
        paragraph = document.add_paragraph(text, style="List Paragraph")
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="80"/></w:numPr>'))

    for axis, objectives in (("Éducation", ["Renforcer l'accompagnement à la scolarité", "Prévenir le décrochage"]),
                             ("Emploi", ["Favoriser la mobilité", "Développer les modes de garde"])):
        item(axis, 0)
        for objective in objectives:
            item(objective, 1)
    document.save(tmp_path / "suite.docx")

    text = contract_text(tmp_path / "suite.docx")
    assert "Objectif 3 : Favoriser la mobilité" in text and "Objectif 4 : Développer" in text


def test_a_word_contract_with_a_list_of_places_before_its_styled_axes_and_bold_orientations(tmp_path):
    """« Les quartiers prioritaires » (Titre 2) over a short bullet list of places, then « Axe N : » in Titre 2,
    « Orientation N.N – » set by hand in bold (a level below the styles), « Liste à puces » objectives: the places
    are not a level of the tree and the bold orientations stand under their axes."""
    import docx

    document = docx.Document()
    document.add_paragraph("Contrat de ville « Engagements Quartiers 2030 » de Lussange")
    document.add_heading("Les quartiers prioritaires", level=2)
    for place in ("La Forêt-Haute (2 700 habitants)", "Les Vergers (1 500 habitants)"):
        document.add_paragraph(place, style="List Bullet")
    for axis, orientations in (("Axe 1 : Réussite éducative", [
            ("Orientation 1.1 – Accompagner chaque enfant", ["Développer l'accompagnement à la scolarité",
                                                             "Renforcer les liens entre écoles et familles"]),
            ("Orientation 1.2 – Former des citoyens", ["Développer l'éducation aux médias"])]),
            ("Axe 2 : Emploi", [("Orientation 2.1 – Favoriser l'accès à l'emploi", [
                "Mettre en place des permanences emploi", "Développer les parcours d'insertion"])])):
        document.add_heading(axis, level=2)
        for orientation, objectives in orientations:
            document.add_paragraph().add_run(orientation).bold = True
            for objective in objectives:
                document.add_paragraph(objective, style="List Bullet")
    document.save(tmp_path / "lussange.docx")

    tree = parse_contract(contract_text(tmp_path / "lussange.docx"), name="lussange")
    assert [o.label for o in tree.roots()] == ["Réussite éducative", "Emploi"]
    assert [(tree[o.parent].code, o.label) for o in tree.leaves] == [
        ("1.1", "Développer l'accompagnement à la scolarité"), ("1.1", "Renforcer les liens entre écoles et familles"),
        ("1.2", "Développer l'éducation aux médias"), ("2.1", "Mettre en place des permanences emploi"),
        ("2.1", "Développer les parcours d'insertion")]


def test_a_heading_over_the_whole_tree_is_not_a_level_once_the_diagnostic_is_left_out(tmp_path):
    """« Les orientations du contrat de ville » (Titre 1) holds the thématiques (Titre 2) and their numbered
    objectives; a diagnostic heading with its bullet list of findings comes before it: the roots are the
    thématiques."""
    import docx

    document = docx.Document()
    document.add_heading("Contrat de ville de Courtavel", level=0)
    document.add_heading("Diagnostic partagé", level=1)
    document.add_heading("Ce que disent les habitants", level=2)
    for finding in ("le sentiment d'être éloigné des services publics ;", "des difficultés à trouver un médecin."):
        document.add_paragraph(finding, style="List Bullet")
    document.add_heading("Les orientations du contrat de ville", level=1)
    for theme, objectives in (("Éducation", ["Développer l'accueil des moins de trois ans",
                                             "Renforcer le lien entre les familles et l'école"]),
                              ("Emploi", ["Rapprocher les demandeurs d'emploi des entreprises",
                                          "Développer l'offre de formation linguistique"])):
        document.add_heading(theme, level=2)
        for objective in objectives:
            document.add_paragraph(objective, style="List Number")
    document.save(tmp_path / "courtavel.docx")

    tree = parse_contract(contract_text(tmp_path / "courtavel.docx"), name="courtavel")
    assert [o.label for o in tree.roots()] == ["Éducation", "Emploi"]
    assert [tree[o.parent].label for o in tree.leaves] == ["Éducation"] * 2 + ["Emploi"] * 2


def test_fiche_tables_of_two_columns_give_one_orientation_and_its_objectives_each(tmp_path):
    """One Word table per orientation, a level named on the left of each line (« Orientation : », « Objectifs : »)
    and the objectives as bullets in one cell; « Constat », « Pilote » and « Partenaires » lines are not nodes."""
    import docx

    document = docx.Document()
    document.add_paragraph("Contrat de ville « Engagements Quartiers 2030 » de Morlanges")
    for axis, fiches in (("Axe 1 : Cohésion sociale", [
            ("Garantir l'égalité des chances à l'école", ["Développer les classes passerelles",
                                                          "Renforcer le Programme de réussite éducative"]),
            ("Faciliter l'accès aux soins", ["Ouvrir un centre de santé municipal"])]),
            ("Axe 2 : Emploi", [("Lever les freins à l'emploi", ["Développer une offre de mobilité solidaire",
                                                                "Renforcer l'apprentissage du français"])])):
        document.add_heading(axis, level=1)
        for orientation, objectives in fiches:
            table = document.add_table(rows=0, cols=2)
            for name, value in (("Orientation :", orientation), ("Constat :", "Une offre inégalement répartie."),
                                ("Objectifs :", "\n".join(f"• {o}" for o in objectives)), ("Pilote :", "Ville"),
                                ("Partenaires :", "• CAF\n• centres sociaux")):
                cells = table.add_row().cells
                cells[0].text, cells[1].text = name, value
            document.add_paragraph("")
    document.save(tmp_path / "morlanges.docx")

    tree = parse_contract(contract_text(tmp_path / "morlanges.docx"), name="morlanges")
    assert [o.label for o in tree.roots()] == ["Cohésion sociale", "Emploi"]
    assert [(tree[o.parent].label, o.label) for o in tree.leaves] == [
        ("Garantir l'égalité des chances à l'école", "Développer les classes passerelles"),
        ("Garantir l'égalité des chances à l'école", "Renforcer le Programme de réussite éducative"),
        ("Faciliter l'accès aux soins", "Ouvrir un centre de santé municipal"),
        ("Lever les freins à l'emploi", "Développer une offre de mobilité solidaire"),
        ("Lever les freins à l'emploi", "Renforcer l'apprentissage du français")]


@pytest.mark.parametrize("shape", ["pdf", "docx"])
def test_a_contract_in_more_than_four_type_sizes_is_read(shape, tmp_path):
    """A title page in 28, 22 and 18 points above headings in 16 and 12: the largest sizes share the first level,
    and the title page's headings, one over the other, are not levels (a PDF in five sizes was refused as
    damaged)."""
    tops = [("Éducation", ["Renforcer le Programme de réussite éducative",
                           "Développer l'accompagnement à la scolarité"]),
            ("Emploi", ["Aller vers les jeunes invisibles", "Développer l'insertion par l'activité économique"])]
    title = [(28, "Contrat de ville"), (22, "Engagements Quartiers 2030"), (18, "Ville de Sérigneux")]
    if shape == "pdf":
        from tests.pdf_support import Sized, pages_pdf

        lines = [Sized(size, text) for size, text in title] + ["", Sized(16, "Nos priorités"), ""]
        for top, objectives in tops:
            lines += [Sized(12, top), *(f"• {o}" for o in objectives), ""]
        path = tmp_path / "serigneux.pdf"
        path.write_bytes(pages_pdf([lines]))
    else:
        import docx
        from docx.shared import Pt

        document = docx.Document()
        for size, text in [*title, (16, "Nos priorités")]:
            document.add_paragraph().add_run(text).font.size = Pt(size)
        for top, objectives in tops:
            document.add_paragraph().add_run(top).font.size = Pt(12.5)
            for objective in objectives:
                document.add_paragraph(objective, style="List Bullet")
        path = tmp_path / "serigneux.docx"
        document.save(path)
    tree = parse_contract(contract_text(path), name="serigneux")
    assert [(tree[o.parent].label, o.label) for o in tree.leaves] == [
        (top, objective) for top, objectives in tops for objective in objectives]


@pytest.mark.parametrize("announce", ["Les signataires retiennent les objectifs suivants :",
                                      "Les signataires retiennent pour cette orientation les objectifs opérationnels\n"
                                      "suivants, déclinés chaque année dans l'appel à projets :"])
def test_a_sentence_of_the_signatories_announcing_the_objectives_keeps_its_list(announce):
    """« Les signataires retiennent les objectifs suivants : », on one line or two, announces objectives; « Les
    signataires du contrat : » announces signatories."""
    text = ("Contrat de ville 2024-2030 de Lanvézec\n\nPilier 1 : Cohésion sociale\n\n"
            f"Orientation 1.1 – Favoriser la réussite éducative\n\n{announce}\n"
            "• Renforcer le Programme de réussite éducative\n• Développer la scolarisation des moins de trois ans\n\n"
            f"Orientation 1.2 – Renforcer le lien social\n\n{announce}\n• Soutenir les centres sociaux\n\n"
            "Les signataires du contrat :\n• l'État\n• la communauté d'agglomération\n")
    tree = parse_contract(text, name="lanvezec")
    assert [(o.parent, o.label) for o in tree.leaves] == [
        ("1.1", "Renforcer le Programme de réussite éducative"),
        ("1.1", "Développer la scolarisation des moins de trois ans"), ("1.2", "Soutenir les centres sociaux")]


def test_a_sentence_that_opens_with_an_ordinal_and_a_level_word_is_not_a_heading():
    """« Première priorité des signataires, la réussite éducative concerne… » under « 1. Réussite éducative »."""
    text = ("Contrat de ville 2024-2030\n\n1. Réussite éducative\n\nPremière priorité des signataires, la réussite "
            "éducative concerne un enfant sur deux.\n\n1.1 Agir dès la petite enfance\n"
            "1.1.1 Développer l'accueil des enfants de moins de trois ans\n\n2. Emploi\n\n"
            "2.1 Accompagner vers l'emploi\n2.1.1 Aller vers les jeunes invisibles\n")
    tree = parse_contract(text, name="premiere")
    assert [(o.code, o.parent) for o in tree.leaves] == [("1.1.1", "1.1"), ("2.1.1", "2.1")]
    assert [o.code for o in tree.roots()] == ["1", "2"]


def test_an_odt_heading_marked_as_a_list_header_takes_no_number(tmp_path):
    """« Préambule » is an outline heading whose numbering LibreOffice switched off (``text:is-list-header``): it
    shows no number and the axes after it are « Axe 1 », « Axe 2 »."""
    from odf.namespaces import TEXTNS
    from odf.text import H, P

    odt = _outline_odt(" –")
    preface = H(outlinelevel=1, stylename="Heading_20_1", text="Préambule")
    preface.setAttrNS(TEXTNS, "is-list-header", "true")
    odt.text.addElement(preface)
    odt.text.addElement(P(text="Le présent contrat engage l'État et la communauté d'agglomération."))
    for axis, orientations in (("Éducation", ["Renforcer la réussite éducative", "Soutenir la parentalité"]),
                               ("Emploi", ["Accompagner l'insertion", "Développer la création d'activité"])):
        odt.text.addElement(H(outlinelevel=1, stylename="Heading_20_1", text=axis))
        for orientation in orientations:
            odt.text.addElement(H(outlinelevel=2, stylename="Heading_20_2", text=orientation))
    odt.save(str(tmp_path / "kerbrat.odt"))

    text = contract_text(tmp_path / "kerbrat.odt")
    assert "Axe 1 – Éducation" in text and "2.2 Développer la création" in text and "Axe 1 – Préambule" not in text


@pytest.mark.parametrize("gaps", [False, True], ids=["tight", "padded"])
def test_a_pdf_table_whose_header_row_is_bold_is_read_as_a_table(tmp_path, gaps):
    """A bold header row (« Axe | Orientation | Objectifs opérationnels ») is the table's header, not a heading of
    the document set in bold; rows set apart by their cells' padding (a blank line between them in the text) are
    still one table, and the heading after it is not a row."""
    from tests.pdf_support import Sized, pages_pdf

    columns = (40, 170, 330)
    rows = [("Éducation", "Favoriser la réussite éducative", "Renforcer le Programme de réussite éducative"),
            ("", "", "Développer l'accompagnement à la scolarité"),
            ("", "Soutenir la parentalité", "Ouvrir des lieux d'accueil enfants-parents"),
            ("Emploi et tranquillité", "Lever les freins à l'emploi", "Développer la garde d'enfants"),
            ("publique", "", ""), ("", "", "Accompagner la mobilité vers l'emploi")]
    lines = [Sized(16, "Contrat de ville de Kerbrat 2024-2030", bold=True), "",
             Sized(12, "Les objectifs du contrat", bold=True), "",
             [(x, title, True) for x, title in zip(columns, ("Axe", "Orientation", "Objectifs opérationnels"),
                                                     strict=True)]]
    for row in rows:  # the axes in bold, as the table's first column often is; « publique » ends a wrapped axis
        lines += [[(x, cell, x == columns[0]) for x, cell in zip(columns, row, strict=True) if cell],
                  *([""] if gaps else [])]
    lines += ["", Sized(12, "Gouvernance", bold=True), "", "Le comité de pilotage se réunit une fois par an."]
    path = tmp_path / "kerbrat.pdf"
    path.write_bytes(pages_pdf([lines]))
    layout, tree = best_parse(contract_text(path))
    assert layout == "tables" and [o.label for o in tree.roots()] == ["Éducation", "Emploi et tranquillité publique"]
    assert [(tree[o.parent].label, o.label) for o in tree.leaves] == [
        ("Favoriser la réussite éducative", "Renforcer le Programme de réussite éducative"),
        ("Favoriser la réussite éducative", "Développer l'accompagnement à la scolarité"),
        ("Soutenir la parentalité", "Ouvrir des lieux d'accueil enfants-parents"),
        ("Lever les freins à l'emploi", "Développer la garde d'enfants"),
        ("Lever les freins à l'emploi", "Accompagner la mobilité vers l'emploi")]


@pytest.mark.parametrize("bold", [False, True], ids=["plain", "bold-axes"])
def test_a_pdf_table_whose_merged_cells_are_centred_vertically_keeps_each_label_on_its_group(tmp_path, bold):
    """Axes and orientations printed in the middle of their merged rows (« centré verticalement »): the first row
    leaves them blank and a wrapped axis shares its lines with other rows. Each label goes to the rows it stands in
    the middle of; an axis in bold alone on its line is a cell, not a heading. A top-aligned table keeps its
    reading (the other PDF table tests)."""
    from tests.pdf_support import Sized, pages_pdf

    columns = (40, 170, 330)
    rows = [("", "Favoriser la réussite éducative", "• Renforcer le Programme de réussite éducative"),
            ("", "", "• Développer l'accompagnement à la scolarité"),
            ("Éducation et", "", "• Ouvrir des lieux d'accueil enfants-parents"),
            ("jeunesse", "Soutenir la parentalité", "• Associer les parents à la vie de l'école"),
            ("", "", "• Créer des cafés des parents"),
            ("", "", "• Former les animateurs à l'écoute"),
            ("", "Lever les freins à l'emploi", "• Développer la garde d'enfants"),
            ("Emploi", "", "• Accompagner la mobilité vers l'emploi"),
            ("", "Rapprocher les entreprises", "• Mobiliser les clauses sociales")]
    lines = [Sized(16, "Contrat de ville de Kerbrat 2024-2030", bold=True), "",
             Sized(12, "Les objectifs du contrat", bold=True), "",
             [(x, title, True) for x, title in zip(columns, ("Axe", "Orientation", "Objectifs opérationnels"),
                                                     strict=True)]]
    lines += [[(x, cell, bold and x == columns[0]) for x, cell in zip(columns, row, strict=True) if cell]
              for row in rows]
    lines += ["", Sized(12, "Gouvernance", bold=True), "", "Le comité de pilotage se réunit une fois par an."]
    path = tmp_path / "kerbrat.pdf"
    path.write_bytes(pages_pdf([lines]))
    layout, tree = best_parse(contract_text(path))
    assert layout == "tables" and [o.label for o in tree.roots()] == ["Éducation et jeunesse", "Emploi"]
    assert [(tree[tree[o.parent].parent].label[:9], tree[o.parent].label[:10], o.label[:20]) for o in tree.leaves] == [
        ("Éducation", "Favoriser ", "Renforcer le Program"), ("Éducation", "Favoriser ", "Développer l'accompa"),
        ("Éducation", "Favoriser ", "Ouvrir des lieux d'a"), ("Éducation", "Soutenir l", "Associer les parents"),
        ("Éducation", "Soutenir l", "Créer des cafés des "), ("Éducation", "Soutenir l", "Former les animateur"),
        ("Emploi", "Lever les ", "Développer la garde "), ("Emploi", "Lever les ", "Accompagner la mobil"),
        ("Emploi", "Rapprocher", "Mobiliser les clause")]


def two_column_page(left: list, right: list[str], gutter: float = 320) -> list:
    """One page's lines with two columns side by side: ``left`` items are text or (text, bold) at the margin."""
    rows = []
    for k in range(max(len(left), len(right))):
        text, bold = (left[k] if isinstance(left[k], tuple) else (left[k], False)) if k < len(left) else ("", False)
        cells = ([(40, text, bold)] if text else []) + ([(gutter, right[k])] if k < len(right) and right[k] else [])
        rows.append(cells or "")
    return rows


def test_a_pdf_page_in_two_columns_is_read_one_column_after_the_other(tmp_path):
    """A page printed in two columns puts each line of the left column beside a line of the right one in the laid
    out text. Read one column after the other: the tree on the left keeps its bold orientations and its items
    whole, the commentary on the right stays out of the labels; a tree flowing from the left column into the right
    one keeps its order."""
    from tests.pdf_support import Sized, pages_pdf

    commentary = ["Éléments de contexte", "Près d'un élève sur quatre des collèges entre",
                  "en sixième avec des difficultés de lecture.", "Les dispositifs existants sont nombreux",
                  "mais peu coordonnés entre eux.", "Les parents demandent des temps",
                  "d'échange avec l'école en dehors", "des heures de classe."]
    tree_left = [("Soutenir les parcours scolaires", True), "• Renforcer le Programme de réussite éducative",
                 "• Lutter contre le décrochage scolaire", "", ("Accompagner la parentalité", True),
                 "• Ouvrir des lieux d'accueil enfants-parents", "• Associer les parents à la vie de l'école"]
    first = [Sized(14, "Axe 1 – Réussite éducative", True), "", *two_column_page(tree_left, commentary)]
    flowing = [Sized(14, "Les objectifs du contrat", True), "",
               *two_column_page([("Axe 2 – Emploi et insertion", True), "• Aller vers les jeunes invisibles",
                                 "• Développer l'insertion par l'activité", "  économique",
                                 "• Accompagner les créateurs d'entreprise", "", ("Axe 3 – Cadre de vie", True),
                                 "• Renforcer la gestion urbaine de proximité"],
                                ["• Végétaliser les espaces publics", "• Développer la médiation sociale", "",
                                 "Axe 4 – Santé", "• Favoriser l'installation de médecins", "• Prévenir les addictions",
                                 "• Développer la médiation en santé"])]
    footer = ["", [(40, "Contrat de ville de Pontarlès 2024-2030"), (480, "Page 1 / 2")]]  # not a column's line
    path = tmp_path / "pontarles.pdf"
    path.write_bytes(pages_pdf([first + footer, flowing + footer], objects="run"))
    tree = best_parse(contract_text(path))[1]
    assert [(o.label, [c.label for c in tree.children(o.id)]) for o in tree.roots()][:1] == [
        ("Réussite éducative", ["Soutenir les parcours scolaires", "Accompagner la parentalité"])]
    assert [(tree[o.parent].label[:12], o.label) for o in tree.leaves] == [
        ("Soutenir les", "Renforcer le Programme de réussite éducative"),
        ("Soutenir les", "Lutter contre le décrochage scolaire"),
        ("Accompagner ", "Ouvrir des lieux d'accueil enfants-parents"),
        ("Accompagner ", "Associer les parents à la vie de l'école"),
        ("Emploi et in", "Aller vers les jeunes invisibles"),
        ("Emploi et in", "Développer l'insertion par l'activité économique"),
        ("Emploi et in", "Accompagner les créateurs d'entreprise"),
        ("Cadre de vie", "Renforcer la gestion urbaine de proximité"),
        ("Cadre de vie", "Végétaliser les espaces publics"),
        ("Cadre de vie", "Développer la médiation sociale"),
        ("Santé", "Favoriser l'installation de médecins"), ("Santé", "Prévenir les addictions"),
        ("Santé", "Développer la médiation en santé")]


def test_a_pdf_bullet_decoded_as_a_control_character_is_a_bullet(tmp_path):
    """PDF makers' standard Helvetica draws « • » with code 0x7F, which pypdf gives as U+007F: still a bullet."""
    from tests.pdf_support import Sized, pages_pdf

    lines = [Sized(14, "Éducation", True), "\x7f Renforcer le Programme de réussite éducative",
             "\x7f Développer l'accompagnement à la scolarité", "", Sized(14, "Emploi", True),
             "\x7f Aller vers les jeunes invisibles", "\x7f Développer l'insertion par l'activité économique"]
    path = tmp_path / "bullets.pdf"
    path.write_bytes(pages_pdf([lines]))
    tree = parse_contract(contract_text(path), name="bullets")
    assert [(tree[o.parent].label, o.label[:20]) for o in tree.leaves] == [
        ("Éducation", "Renforcer le Program"), ("Éducation", "Développer l'accompa"),
        ("Emploi", "Aller vers les jeune"), ("Emploi", "Développer l'inserti")]


def test_levels_the_document_does_not_name_are_named_by_their_depth():
    """« 1. » over « 1.1 » over « 1.1.1 » with no keyword: axe, orientation, objectif (all were « objectif »); a
    keyword's level keeps its name and the items below it stay objectives."""
    tree = best_parse(text_of(CONTRACTS / "dotted-capitals.txt"))[1]
    assert {(len(o.code.split(".")), o.level) for o in tree} == {(1, "axe"), (2, "orientation"), (3, "objectif")}
    roman = best_parse(text_of(CONTRACTS / "roman-lettered.txt"))[1]
    assert {o.level for o in roman.roots()} == {"axe"} and roman["IV-A"].level == "objectif"


@pytest.mark.parametrize("notes", ["marks-and-notes", "marks-only", "small-notes-only"])
def test_pdf_footnotes_with_plain_numbers_are_left_out_and_their_marks_taken_off(tmp_path, notes):
    """A PDF's footnotes come as « 1 Le Programme… », « 2 En lien… » at the foot of the page, their marks glued to
    a word (« mentale2 ») or raised onto a line of their own: the notes are not read into the label that goes on
    over the page break, and the marks leave the labels. A mark whose note was lost (« mentale2 » alone) leaves
    the label too; notes printed smaller than the text are notes even when their marks were lost."""
    from tests.pdf_support import Sized, pages_pdf

    footer = "Contrat de ville de Lanvézec 2024-2030 – page {}"
    first = [Sized(14, "Pilier 1 : Cohésion sociale", True), "",
             "Orientation 1.1 – Favoriser la réussite éducative", "", "Les objectifs retenus sont les suivants :",
             "     1", "  • Renforcer le Programme de réussite éducative",
             "  • Développer les actions de prévention en santé mentale2", "",
             "Orientation 1.2 – Accompagner vers l'emploi", "", "Les objectifs retenus sont les suivants :",
             "  • Mobiliser les employeurs autour de la Cité de l'emploi",
             "  • Repérer les jeunes éloignés de l'emploi avec la Mission locale, les éducateurs de la",
             "", "", "", "1 Le Programme de réussite éducative est porté par le centre communal d'action sociale.",
             "2 En lien avec le conseil local de santé mentale créé en 2021.", footer.format(1)]
    if notes == "marks-only":
        first = first[:-3] + first[-1:]
    elif notes == "small-notes-only":
        first = [line.replace("mentale2", "mentale") if isinstance(line, str) else line for line in first
                 if line != "     1"]
        first[-3:-1] = [Sized(7, line) for line in first[-3:-1]]
    second = ["     prévention spécialisée et les clubs sportifs",
              "  • Développer les parcours d'insertion par l'activité économique", "", "", footer.format(2)]
    third = ["Gouvernance", "", "Le comité de pilotage se réunit une fois par an.", "", footer.format(3)]
    path = tmp_path / "lanvezec.pdf"
    path.write_bytes(pages_pdf([first, second, third]))
    tree = parse_contract(contract_text(path), name="lanvezec")
    assert [o.label for o in tree.leaves] == [
        "Renforcer le Programme de réussite éducative", "Développer les actions de prévention en santé mentale",
        "Mobiliser les employeurs autour de la Cité de l'emploi",
        "Repérer les jeunes éloignés de l'emploi avec la Mission locale, les éducateurs de la prévention spécialisée "
        "et les clubs sportifs", "Développer les parcours d'insertion par l'activité économique"]


CONVERTED = {
    "hyphenated": ("Pilier 1 – Cohésion sociale\nObjectif stratégique 1.1 : Favoriser la réussite éducative\n"
                   "• Développer l'accueil en lien avec les crèches associa-\ntives\n"
                   "• Développer le bien-être des élèves et le sport-\nsanté\n"
                   "Objectif stratégique 1.2 : Améliorer la santé des habitants\n"
                   "• Développer le dépistage auprès des fa-\nmilles monoparentales\n"),
    "setext": ("Axe 1 – Cohésion sociale\n========================\n\nFavoriser la réussite éducative\n"
               "-------------------------------\n\n- Développer l'accueil en lien avec les crèches associatives\n"
               "- Développer le bien-être des élèves et le sport-santé\n\nAméliorer la santé des habitants\n"
               "--------------------------------\n\n- Développer le dépistage auprès des familles monoparentales\n"),
    "rst": ("Axe 1 – Cohésion sociale\n~~~~~~~~~~~~~~~~~~~~~~~~\n\nFavoriser la réussite éducative\n"
            "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\n- Développer l'accueil en lien avec les crèches associatives\n"
            "- Développer le bien-être des élèves et le sport-santé\n\nAméliorer la santé des habitants\n"
            "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\n- Développer le dépistage auprès des familles monoparentales\n"),
    "quoted": ("> Axe 1 – Cohésion sociale\n>   1.1 Favoriser la réussite éducative\n"
               ">     - Développer l'accueil en lien avec les crèches associatives\n"
               ">     - Développer le bien-être des élèves et le sport-santé\n"
               ">   1.2 Améliorer la santé des habitants\n"
               ">     - Développer le dépistage auprès des familles monoparentales\n"),
    "bold wrapped": ("Axe 1 – Cohésion sociale\n\n**Orientation 1.1 – Favoriser la réussite\néducative**\n\n"
                     "1.  Développer l'accueil en lien avec les crèches associatives\n\n"
                     "2.  Développer le bien-être des élèves et le sport-santé\n\n"
                     "**Orientation 1.2 – Améliorer la santé des habitants**\n\n"
                     "1.  Développer le dépistage auprès des familles monoparentales\n"),
    "tabs": ("Axe 1 – Cohésion sociale\n\tFavoriser la réussite éducative\n"
             "\t\tDévelopper l'accueil en lien avec les crèches associatives\n"
             "\t\tDévelopper le bien-être des élèves et le sport-santé\n\tAméliorer la santé des habitants\n"
             "\t\tDévelopper le dépistage auprès des familles monoparentales\n"),
    "references": ("AXE 1 – COHÉSION SOCIALE\n\nOrientation stratégique : Favoriser la réussite éducative (OS 1.1)\n"
                   "- Développer l'accueil en lien avec les crèches associatives (OO 1.1.1)\n"
                   "- Développer le bien-être des élèves et le sport-santé (OO 1.1.2)\n\n"
                   "Orientation stratégique : Améliorer la santé des habitants (OS 1.2)\n"
                   "- Développer le dépistage auprès des familles monoparentales (OO 1.2.1)\n"),
}


@pytest.mark.parametrize("shape", CONVERTED)
def test_contracts_as_conversions_give_them(shape):
    """Texts as they reach a team after a conversion: words split at a line's end by a hyphen (a PDF viewer's copy),
    headings underlined (pandoc's setext Markdown, reStructuredText), an e-mail's « > » quotation marks, a bold
    title wrapped over two lines (pandoc), an outline indented by tabs without bullets (an outliner's export),
    codes printed in brackets after the labels."""
    tree = parse_contract(CONVERTED[shape], name="conversions")
    assert [o.label for o in tree.roots()] == ["Cohésion sociale"] if shape != "references" else ["COHÉSION SOCIALE"]
    assert [(tree[o.parent].label, o.label) for o in tree.leaves] == [
        ("Favoriser la réussite éducative", "Développer l'accueil en lien avec les crèches associatives"),
        ("Favoriser la réussite éducative", "Développer le bien-être des élèves et le sport-santé"),
        ("Améliorer la santé des habitants", "Développer le dépistage auprès des familles monoparentales")]
    if shape == "references":
        assert [o.code for o in tree.leaves] == ["1.1.1", "1.1.2", "1.2.1"]


def test_a_web_page_copied_without_its_bullets_gives_its_lists():
    """A contract's page copied from a browser: titles, a sentence about each, then one objective per line with no
    bullet, and « Lire la suite »; the places and figures around are not objectives."""
    text = ("Accueil > Solidarités > Le contrat de ville 2024-2030\n\nLes quartiers concernés\nLe Val Fleuri\n"
            "Les Hauts de Combe\nLire la suite\n\nÉducation et jeunesse\n"
            "Pour que chaque enfant des quartiers ait les mêmes chances de réussir.\n"
            "Développer l'accueil des tout-petits dans les quartiers\n"
            "Lutter contre le décrochage scolaire au collège\n\nEmploi et insertion\n"
            "Aller au-devant des jeunes qui ne sont suivis par aucune structure\n"
            "Soutenir la création d'entreprise par les habitants\nLire la suite\n")
    tree = parse_contract(text, name="castelmerle")
    assert [(tree[o.parent].label, o.label) for o in tree.leaves] == [
        ("Éducation et jeunesse", "Développer l'accueil des tout-petits dans les quartiers"),
        ("Éducation et jeunesse", "Lutter contre le décrochage scolaire au collège"),
        ("Emploi et insertion", "Aller au-devant des jeunes qui ne sont suivis par aucune structure"),
        ("Emploi et insertion", "Soutenir la création d'entreprise par les habitants")]


def test_a_digit_glued_to_a_word_leaves_a_label_but_not_a_number_of_its_own():
    """« mentale2 » is a footnote mark whose note may be lost; « Covid19 », « CO2 », « 2030 », « Axe 2 » are not."""
    from cvclassify.taxonomy.parsers.outline import clean_label

    assert clean_label("Prévenir en santé mentale2") == "Prévenir en santé mentale"
    assert clean_label("Soutenir les familles3, les jeunes") == "Soutenir les familles, les jeunes"
    for kept in ("Relancer l'activité après la Covid19", "Réduire les émissions de CO2",
                 "Quartiers 2030 : agir", "Former 12 médiateurs"):
        assert clean_label(kept) == kept.rstrip(" :")


PROSE_LISTS = """3. Les enjeux du contrat

Le contrat retient trois enjeux, issus des ateliers de concertation.

3.1 L'éducation

Les élèves du collège obtiennent le brevet dans une proportion inférieure à la moyenne.

Le premier enjeu, l'éducation, se décline en trois objectifs :
- garantir à chaque enfant un accueil de qualité dès le plus jeune âge ;
- réduire les écarts de réussite scolaire entre les élèves des quartiers et ceux de la commune ;
- accompagner les jeunes de 16 à 25 ans vers une qualification.

Pour y parvenir, les partenaires mobiliseront en priorité :
- le contrat d'engagement jeune et l'accompagnement de France Travail ;
- les structures d'insertion par l'activité économique du territoire.

3.2 L'emploi

Le deuxième enjeu se décline en deux objectifs :
1) lever les freins à la mobilité des demandeurs d'emploi ;
2) soutenir la création d'activité et le commerce de proximité.

4. Gouvernance

Le comité de pilotage se réunit une fois par an.
"""

LONG_ITEMS = """Axe 1 – Cadre de vie

1. Améliorer le cadre de vie et la tranquillité des habitants. Les habitants ont placé la propreté des espaces \
publics et la sécurité aux abords des commerces en tête de leurs préoccupations. La gestion urbaine de proximité \
sera renforcée.

2. Associer les habitants à l'évaluation du contrat

3. Garantir l'accès aux droits et aux services publics. L'espace France Services installé dans l'ancienne poste \
accueille déjà 300 personnes par mois, mais les permanences restent trop peu connues des habitants.

Axe 2 – Emploi

1. Lever les freins à l'emploi des femmes

5. Gouvernance et évaluation

Le comité de pilotage se réunit une fois par an.
"""


def test_objectives_written_in_lower_case_under_numbered_sections_of_the_document():
    """French lists often run in lower case, each item ending with « ; »: items worded as objectives (« - garantir
    … ; ») are objectives, capitalised; the means listed after (« - le contrat d'engagement jeune ; ») are not. A
    numbered section of the document (« 3.1 L'éducation ») heads the objectives listed under it."""
    tree = best_parse(PROSE_LISTS)[1]
    assert [(tree[o.parent].label, o.label) for o in tree.leaves] == [
        ("L'éducation", "Garantir à chaque enfant un accueil de qualité dès le plus jeune âge"),
        ("L'éducation", "Réduire les écarts de réussite scolaire entre les élèves des quartiers et ceux de la commune"),
        ("L'éducation", "Accompagner les jeunes de 16 à 25 ans vers une qualification"),
        ("L'emploi", "Lever les freins à la mobilité des demandeurs d'emploi"),
        ("L'emploi", "Soutenir la création d'activité et le commerce de proximité")]


def test_a_long_item_is_its_first_sentence_and_an_objective_naming_a_section_word_stays():
    """An item of several sentences is its first sentence (the objective) and a description; an objective worded
    with a section's word (« préoccupations », « évaluation ») is not a section of the document."""
    tree = best_parse(LONG_ITEMS)[1]
    assert [o.label for o in tree.leaves] == [
        "Améliorer le cadre de vie et la tranquillité des habitants",
        "Associer les habitants à l'évaluation du contrat", "Garantir l'accès aux droits et aux services publics",
        "Lever les freins à l'emploi des femmes"]
    assert tree.leaves[0].description.startswith("Les habitants ont placé la propreté")


def test_a_label_cut_by_running_lines_in_a_copy_without_page_breaks_is_joined():
    """A PDF viewer's copy has no form feed: the running header and footer printed every page (« Contrat de ville
    2024-2030 — page 3 ») are left out, and a label they cut goes on after them."""
    filler = [f"Le quartier compte {n} associations actives et un centre social très fréquenté." for n in range(40)]
    furniture = ["Contrat de ville 2024-2030 — page {}", "Port-Morel · Engagements Quartiers 2030"]
    pages = [[*filler[:20], "Axe 1 – Éducation", "Objectif 1.1 : Renforcer la réussite éducative",
              *filler[20:30], "Axe 2 – Cadre de vie",
              "Objectif 2.1 : Réussir le renouvellement urbain du Grand-Large et lutter contre l'habitat"],
             ["dégradé dans la Haute-Ville", *filler[:25],
              "Objectif 2.2 : Développer la médiation sociale", *filler[25:40]],
             ["Gouvernance", *filler[:30]]]
    text = "\n".join(line for n, page in enumerate(pages, start=1)
                     for line in [*(f.format(n) for f in furniture), *page])
    tree = best_parse(text)[1]
    assert [o.label for o in tree.leaves] == [
        "Renforcer la réussite éducative",
        "Réussir le renouvellement urbain du Grand-Large et lutter contre l'habitat dégradé dans la Haute-Ville",
        "Développer la médiation sociale"]


def test_a_word_table_cell_holding_one_objective_per_paragraph_gives_one_node_each(tmp_path):
    """A cell whose objectives are typed one per paragraph, without bullets, gives one objective per paragraph (they
    were glued into one); « AXE 1 » over its label in the same cell is one axis; a label going on in a second
    paragraph stays one label."""
    rows = [["Axe", "Orientation", "Objectifs opérationnels"],
            ["AXE 1\nCohésion sociale", "Favoriser la réussite éducative",
             "Consolider le Programme de réussite éducative\nLutter contre le décrochage scolaire au collège"],
            ["", "Améliorer la santé", "Faciliter l'accès aux soins de premier recours et\nà la santé mentale"],
            ["AXE 2\nEmploi", "Accompagner vers l'emploi", "Repérer les jeunes sans solution\n"
             "Lever les freins liés à la mobilité\nDévelopper les clauses sociales"]]
    for path in word_and_odt([("heading", "Les objectifs du contrat"), ("table", rows)], tmp_path / "breval"):
        tree = best_parse(contract_text(path))[1]
        assert [(o.code, o.label) for o in tree.roots()] == [("1", "Cohésion sociale"), ("2", "Emploi")], path.suffix
        assert [o.label for o in tree.leaves] == [
            "Consolider le Programme de réussite éducative", "Lutter contre le décrochage scolaire au collège",
            "Faciliter l'accès aux soins de premier recours et à la santé mentale",
            "Repérer les jeunes sans solution", "Lever les freins liés à la mobilité",
            "Développer les clauses sociales"], path.suffix


def test_a_pdf_table_under_each_axis_heading_with_other_columns_beside_the_levels(tmp_path):
    """« Orientation   Objectifs » under each axis heading (a header of single words), and a table whose header
    also names columns that hold no objective (« Partenaires », « Indicateurs de suivi »): read as tables (the
    keyword outline took « Objectifs » for a heading); a cell line after one that ends on « de- » or « de » goes on
    in the same cell even when it starts with a capital."""
    from tests.pdf_support import Sized, pages_pdf

    two = (40, 200)
    four = (40, 170, 330, 450)
    lines = [Sized(14, "Axe 1 – Grandir et apprendre", True), "",
             [(x, t) for x, t in zip(two, ("Orientation", "Objectifs"), strict=True)],
             [(two[0], "Accompagner les familles"), (two[1], "Développer les lieux d'accueil enfants-parents")],
             [(two[1], "Soutenir les parents allophones")],
             [(two[0], "Faire réussir les élèves"), (two[1], "Conforter la cité éducative des Hauts-de-")],
             [(two[1], "Montclar et ses écoles")], "",
             Sized(14, "Axe 2 – Travailler et entreprendre", True), "",
             [(x, t) for x, t in zip(four, ("Orientation", "Objectifs opérationnels", "Partenaires",
                                            "Indicateurs de suivi"), strict=True)],
             [(four[0], "Accompagner vers l'emploi"), (four[1], "Repérer les jeunes sans solution de"),
              (four[2], "Mission locale"), (four[3], "Jeunes repérés")],
             [(four[1], "Montclar et des villages"), (four[2], "France Travail")],
             [(four[1], "Lever les freins à la mobilité"), (four[2], "Région"), (four[3], "Solutions")], "",
             Sized(14, "Gouvernance", True), "", "Le comité de pilotage se réunit une fois par an."]
    path = tmp_path / "montclar.pdf"
    path.write_bytes(pages_pdf([lines], objects="run"))
    layout, tree = best_parse(contract_text(path))
    assert layout == "tables"
    assert [(tree[o.parent].label, o.label) for o in tree.leaves] == [
        ("Accompagner les familles", "Développer les lieux d'accueil enfants-parents"),
        ("Accompagner les familles", "Soutenir les parents allophones"),
        ("Faire réussir les élèves", "Conforter la cité éducative des Hauts-de-Montclar et ses écoles"),
        ("Accompagner vers l'emploi", "Repérer les jeunes sans solution de Montclar et des villages"),
        ("Accompagner vers l'emploi", "Lever les freins à la mobilité")]


def test_balanced_columns_with_symbol_font_bullets_are_read_in_order():
    """Columns balanced by the word processor (the left one longer), items marked with a symbol font's bullet (a
    private-use character), the page number at the foot: the left column, all of it, then the right one; the
    footer stays whole (it is the page's furniture, not the column's)."""
    from cvclassify.io.laid_out import page_columns

    bullet = "\uf0b7"
    left = ["Réussite éducative", f"{bullet}   Créer un espace parents au sein du", "    centre social",
            f"{bullet}   Accompagner les parents vers l'école", "", "Emploi et insertion",
            f"{bullet}   Organiser des permanences emploi", f"{bullet}   Développer les solutions de mobilité"]
    right = ["Cadre de vie", f"{bullet}   Lutter contre l'habitat indigne", f"{bullet}   Requalifier les espaces",
             "    publics de la Capelette", f"{bullet}   Renforcer la médiation sociale", "Santé",
             f"{bullet}   Prévenir les addictions"]
    lines = [f"{a:<60}{b}".rstrip() for a, b in zip(left, [*right, *[""] * len(left)], strict=False)]
    page = ["Les orientations ci-dessous traduisent les priorités exprimées par les habitants lors de la concertation.",
            *lines, "", f"{'Engagements Quartiers 2030':<60}p. 4"]
    out = [line.strip() for line in page_columns(page) if line.strip()]
    assert out == [page[0].strip(), *(line.strip() for line in left if line), *(line.strip() for line in right),
                   f"{'Engagements Quartiers 2030':<60}p. 4".strip()]


def test_a_pdf_heading_wrapped_onto_a_line_that_starts_in_lower_case_keeps_its_end(tmp_path):
    """« Axe 1 : Assurer la réussite éducative et l'émancipation de la » / « jeunesse », both in the heading's type:
    one heading (its end was dropped)."""
    from tests.pdf_support import Sized, pages_pdf

    lines = [Sized(16, "Contrat de ville de Marsac 2024-2030", True), "",
             Sized(13, "Axe 1 : Assurer la réussite éducative et l'émancipation de la", True),
             Sized(13, "jeunesse", True), "", "• Agir dès la petite enfance avec les parents",
             "• Lutter contre le décrochage scolaire", "", Sized(13, "Axe 2 : Emploi", True), "",
             "• Accompagner les jeunes vers l'emploi", "• Développer les clauses sociales"]
    path = tmp_path / "marsac.pdf"
    path.write_bytes(pages_pdf([lines], objects="run"))
    tree = best_parse(contract_text(path))[1]
    assert [o.label for o in tree.roots()] == [
        "Assurer la réussite éducative et l'émancipation de la jeunesse", "Emploi"]


def test_the_short_wrapped_end_of_a_bullet_item_goes_on_in_its_label_even_with_a_capital():
    """« • Renforcer l'accueil de l'espace France » / «     Services » (a narrow column): one label; a sentence at the
    same place is the item's description, not its label."""
    text = ("Accès aux droits\n\n"
            "  •  Renforcer l'accueil de l'espace France\n     Services\n"
            "  •  Développer la médiation numérique\n"
            "     Des conseillers numériques accueillent les habitants dans les centres sociaux.\n\n"
            "Santé\n\n  •  Faciliter l'accès aux soins de premier recours\n  •  Prévenir les addictions\n")
    tree = best_parse(text)[1]
    assert [o.label for o in tree.leaves] == [
        "Renforcer l'accueil de l'espace France Services", "Développer la médiation numérique",
        "Faciliter l'accès aux soins de premier recours", "Prévenir les addictions"]


def pdf_table_page(columns: tuple, header: tuple, rows: list[tuple], footer: str | None = None) -> list:
    """A page of a PDF table: its header in bold, each row's non-empty cells at their columns, a footer with its
    page number at the right."""
    lines = [[(x, title, True) for x, title in zip(columns, header, strict=True)]]
    lines += [[(x, cell) for x, cell in zip(columns, row, strict=True) if cell] for row in rows]
    return lines + (["", [(40, "Contrat de ville de Bréval 2024-2030"), (480, footer)]] if footer else [])


def test_a_pdf_table_with_a_code_column_and_centred_axes(tmp_path):
    """« N° | Axe | Orientation | Objectif opérationnel », the objectives' codes in the first column, the axes
    centred in their merged rows, objectives wrapped: each code goes with its objective (its lines that wrap do not
    count as starts), each axis over its rows."""
    from tests.pdf_support import Sized, pages_pdf

    rows = [("1.1.1", "", "Accompagner les familles", "Augmenter l'offre d'accueil du jeune"),
            ("", "", "", "enfant"),
            ("1.1.2", "Réussite éducative", "", "Soutenir les parents"),
            ("1.2.1", "", "Sécuriser les parcours", "Renforcer la cité éducative"),
            ("1.2.2", "", "", "Prévenir le décrochage scolaire"),
            ("2.1.1", "", "Lever les freins", "Proposer des solutions de garde"),
            ("2.1.2", "Emploi", "", "Développer le français à visée"),
            ("", "", "", "professionnelle"),
            ("2.2.1", "", "Rapprocher les entreprises", "Mobiliser les employeurs")]
    page = [Sized(14, "Le cadre stratégique", True), "",
            *pdf_table_page((40, 90, 220, 370), ("N°", "Axe", "Orientation", "Objectif opérationnel"), rows)]
    path = tmp_path / "portmorel.pdf"
    path.write_bytes(pages_pdf([page], objects="run"))
    layout, tree = best_parse(contract_text(path))
    assert layout == "tables" and [o.label for o in tree.roots()] == ["Réussite éducative", "Emploi"]
    assert [(o.code, o.label, tree[o.parent].label) for o in tree.leaves] == [
        ("1.1.1", "Augmenter l'offre d'accueil du jeune enfant", "Accompagner les familles"),
        ("1.1.2", "Soutenir les parents", "Accompagner les familles"),
        ("1.2.1", "Renforcer la cité éducative", "Sécuriser les parcours"),
        ("1.2.2", "Prévenir le décrochage scolaire", "Sécuriser les parcours"),
        ("2.1.1", "Proposer des solutions de garde", "Lever les freins"),
        ("2.1.2", "Développer le français à visée professionnelle", "Lever les freins"),
        ("2.2.1", "Mobiliser les employeurs", "Rapprocher les entreprises")]


def test_a_centred_pdf_table_going_on_over_a_page_break(tmp_path):
    """A table whose axes and orientations are centred goes on over a page break, its header repeated: « AXE 1 »
    over its label is one axis; the footer with its page number is not a row; on the next page the first rows
    belong to the orientation above the break, and a centred orientation printed beside an objective's wrapped
    end goes to the objective it heads."""
    from tests.pdf_support import Sized, pages_pdf

    columns, header = (40, 150, 330), ("Axe", "Orientation", "Objectifs opérationnels")
    first = [("", "", "Renforcer la parentalité dans les"),
             ("", "Favoriser la réussite", "structures de proximité"),
             ("", "éducative des enfants", "Consolider le Programme de réussite"),
             ("AXE 1", "", "éducative"),
             ("Cohésion sociale", "", "Développer l'accès aux soins"),
             ("", "Améliorer la santé", "Lutter contre le non-recours aux"),
             ("", "", "droits sociaux"),
             ("", "", "Réduire la fracture numérique")]
    second = [("", "", "Réduire les délais d'accès aux droits"),
              ("AXE 2", "", "Déployer la médiation sociale et la"),
              ("Cadre de vie", "Garantir la tranquillité", "prévention spécialisée"),
              ("", "", "Lutter contre les violences")]
    pages = [[Sized(14, "Le cadre stratégique", True), "", *pdf_table_page(columns, header, first, "Page 1 / 2")],
             [*pdf_table_page(columns, header, second), "", Sized(14, "Gouvernance", True), "",
              "Le comité de pilotage se réunit une fois par an.", "",
              [(40, "Contrat de ville de Bréval 2024-2030"), (480, "Page 2 / 2")]]]
    path = tmp_path / "breval.pdf"
    path.write_bytes(pages_pdf(pages, objects="run"))
    layout, tree = best_parse(contract_text(path))
    assert layout == "tables" and [(o.code, o.label) for o in tree.roots()] == [
        ("1", "Cohésion sociale"), ("2", "Cadre de vie")]
    assert [(tree[o.parent].label, o.label) for o in tree.leaves] == [
        ("Favoriser la réussite éducative des enfants", "Renforcer la parentalité dans les structures de proximité"),
        ("Favoriser la réussite éducative des enfants", "Consolider le Programme de réussite éducative"),
        ("Améliorer la santé", "Développer l'accès aux soins"),
        ("Améliorer la santé", "Lutter contre le non-recours aux droits sociaux"),
        ("Améliorer la santé", "Réduire la fracture numérique"),
        ("Améliorer la santé", "Réduire les délais d'accès aux droits"),
        ("Garantir la tranquillité", "Déployer la médiation sociale et la prévention spécialisée"),
        ("Garantir la tranquillité", "Lutter contre les violences")]


DASHBOARD = """3. LES AXES ET OBJECTIFS DU CONTRAT

Axe 1 – Réussite éducative
Objectif 1.1 : Favoriser la réussite scolaire dès la maternelle
Objectif 1.2 : Lutter contre le décrochage scolaire (voir aussi objectif 2.1)

Axe 2 – Emploi
Objectif 2.1 : Accompagner vers l'emploi les habitants qui en sont les plus éloignés
Objectif 2.2 : Développer l'emploi des femmes

4. DÉCLINAISON PAR QUARTIER

Quartier des Tilleuls

Priorités :
- Améliorer l'habitat et le cadre de vie
- Accompagner les familles relogées

5. TABLEAU DE BORD DE SUIVI

| Axe | Objectif | Indicateur | Référence | Cible 2030 |
|---|---|---|---|---|
| Axe 1 | Favoriser la réussite scolaire dès la maternelle | Taux de scolarisation à 2 ans | 8 % | 20 % |
| | Lutter contre le décrochage scolaire | Taux d'absentéisme des collégiens | 9,5 % | 6 % |
| Axe 2 | Accompagner vers l'emploi les habitants qui en sont les plus éloignés | Demandeurs d'emploi | 1 480 | 1 200 |
| | Développer l'emploi des femmes | Taux d'emploi des femmes | 38 % | 45 % |
"""


def test_an_indicator_table_after_the_tree_and_priorities_by_neighbourhood_are_not_the_tree():
    """The tree in keyword headings, then priorities listed by neighbourhood (« DÉCLINAISON PAR QUARTIER ») and a
    dashboard table repeating the objectives beside « Axe 1 » cells: the headings' tree is kept (the table's, whose
    axes have no label of their own, tied with it), the neighbourhoods' lists are not objectives, and a cross
    reference in brackets (« (voir aussi objectif 2.1) ») leaves the label."""
    layout, tree = best_parse(DASHBOARD)
    assert layout == "keyword-outline"
    assert [(o.code, o.label) for o in tree.roots()] == [("1", "Réussite éducative"), ("2", "Emploi")]
    assert [o.label for o in tree.leaves] == [
        "Favoriser la réussite scolaire dès la maternelle", "Lutter contre le décrochage scolaire",
        "Accompagner vers l'emploi les habitants qui en sont les plus éloignés", "Développer l'emploi des femmes"]


def test_a_heading_level_without_keyword_between_keyword_levels_and_examples_over_a_page_break():
    """« ### Axe 1 : … » over « #### Agir pour la réussite » (no keyword) over « ##### Objectif 1 : … » (objectives
    numbered through the document): the unnamed heading is a level, « Objectif 1 » and « Axe 1 » each keep their
    code, and an example of actions carried over a page break is still an example."""
    header, footer = "Contrat de ville de Sarlanges – 2024-2030", "Engagements Quartiers 2030   Page {} sur 3"
    pages = [["### Axe 1 : Réussite éducative", "", "#### Agir pour la réussite de chaque enfant", "",
              "##### Objectif 1 : Renforcer l'accompagnement des enfants en fragilité", "",
              "Le Programme de réussite éducative accompagne 140 enfants.", "Exemples d'actions :",
              "   •   Parcours personnalisés.", "   •   Ateliers de langage en maternelle."],
             ["   •   Bilans de santé pour les enfants repérés.", "",
              "##### Objectif 2 : Prévenir le décrochage scolaire", "",
              "#### Accompagner les jeunes vers l'autonomie", "",
              "##### Objectif 3 : Aller vers les jeunes sans solution", "",
              "### Axe 2 : Emploi", "", "#### Favoriser l'accès à l'emploi", "",
              "##### Objectif 4 : Lever les freins périphériques à l'emploi"],
             ["### Gouvernance", "", "Le comité de pilotage se réunit une fois par an."]]
    text = "\f".join("\n".join([header, "", *page, "", footer.format(n)]) for n, page in enumerate(pages, start=1))
    tree = best_parse(text)[1]
    assert [(o.code, o.label, tree[o.parent].label) for o in tree.leaves] == [
        ("1", "Renforcer l'accompagnement des enfants en fragilité", "Agir pour la réussite de chaque enfant"),
        ("2", "Prévenir le décrochage scolaire", "Agir pour la réussite de chaque enfant"),
        ("3", "Aller vers les jeunes sans solution", "Accompagner les jeunes vers l'autonomie"),
        ("4", "Lever les freins périphériques à l'emploi", "Favoriser l'accès à l'emploi")]
    assert [(o.code, o.label) for o in tree.roots()] == [("1", "Réussite éducative"), ("2", "Emploi")]
    assert len({o.id for o in tree}) == len(list(tree))


def test_orientations_printed_again_with_their_code_in_the_detail_part_are_the_same_nodes():
    """A synthesis lists each « Orientation 1 – … » and its objectives; the detailed part prints each orientation
    again, code and label, with a paragraph under each objective: the same nodes, no « 1-bis » empty twin."""
    text = """3.1 Synthèse des orientations

Orientation 1 – Garantir l'égalité des chances éducatives
   • Accompagner les enfants et leurs familles dès la petite enfance
   • Lutter contre le décrochage scolaire

Orientation 2 – Favoriser l'accès à l'emploi et aux droits
   • Rapprocher les habitants du service public de l'emploi
   • Favoriser l'emploi des femmes

3.2 Présentation détaillée des orientations

Orientation 1 – Garantir l'égalité des chances éducatives

La réussite éducative reste la première attente des familles.

Accompagner les enfants et leurs familles dès la petite enfance

Le taux de scolarisation des enfants de moins de trois ans est de 9 % dans les quartiers.

Orientation 2 – Favoriser l'accès à l'emploi et aux droits

Favoriser l'emploi des femmes

Les actions de remobilisation et les modes de garde adaptés seront développés.

4. Gouvernance

Le comité de pilotage se réunit une fois par an.
"""
    tree = best_parse(text)[1]
    assert [(o.code, o.label) for o in tree.roots()] == [
        ("1", "Garantir l'égalité des chances éducatives"), ("2", "Favoriser l'accès à l'emploi et aux droits")]
    assert len(tree.leaves) == 4 and not any("deux fois" in w for w in tree.warnings)


def test_pdf_fiches_of_keys_and_values_give_the_tree_and_a_shared_axis_once(tmp_path):
    """One « fiche » per orientation, laid out as keys in bold on the left (« Axe : », « Orientation : »,
    « Objectifs opérationnels » with its colon wrapped onto the next line) and values on the right, the objectives
    one per line with bullets: read as fiche tables (the keys are not a column of the page, nor headings); an axis
    printed in two fiches is one node."""
    from tests.pdf_support import Sized, pages_pdf

    def fiche(axis: str, orientation: str, objectives: list[str]) -> list:
        rows = [[(40, "Axe :", True), (200, axis)], [(40, "Orientation :", True), (200, orientation)],
                [(40, "Objectifs opérationnels", True), (200, f"• {objectives[0]}")],
                [(40, ":", True), (200, f"• {objectives[1]}")], *[[(200, f"• {o}")] for o in objectives[2:]],
                [(40, "Pilote :", True), (200, "Ville – direction de l'éducation")],
                [(40, "Partenaires :", True), (200, "Éducation nationale, CAF, associations")],
                [(40, "Indicateurs :", True), (200, "• Nombre d'enfants suivis")]]
        return [Sized(14, f"Fiche – {orientation}", True), "", *rows, "",
                "Cette orientation a été définie à partir des constats partagés lors de la concertation des habitants."]

    pages = [fiche("Éducation et jeunesse", "Garantir la réussite de chaque enfant",
                   ["Renforcer le Programme de réussite éducative", "Développer le soutien à la parentalité",
                    "Prévenir le décrochage scolaire"]),
             fiche("Éducation et jeunesse", "Accompagner les jeunes vers l'autonomie",
                   ["Aller vers les jeunes sans solution", "Soutenir l'engagement des jeunes"]),
             fiche("Emploi", "Favoriser l'accès à l'emploi",
                   ["Lever les freins à l'emploi", "Mobiliser les employeurs"])]
    path = tmp_path / "roquesalves.pdf"
    path.write_bytes(pages_pdf(pages, objects="run"))
    layout, tree = best_parse(contract_text(path))
    assert layout == "tables" and [o.label for o in tree.roots()] == ["Éducation et jeunesse", "Emploi"]
    assert [(tree[o.parent].label[:12], o.label) for o in tree.leaves] == [
        ("Garantir la ", "Renforcer le Programme de réussite éducative"),
        ("Garantir la ", "Développer le soutien à la parentalité"), ("Garantir la ", "Prévenir le décrochage scolaire"),
        ("Accompagner ", "Aller vers les jeunes sans solution"), ("Accompagner ", "Soutenir l'engagement des jeunes"),
        ("Favoriser l'", "Lever les freins à l'emploi"), ("Favoriser l'", "Mobiliser les employeurs")]


ROMAN_LETTERS = """II. DIAGNOSTIC DU TERRITOIRE

A. Les quartiers prioritaires

- Les Hauts de Rocheblanche, 4 200 habitants
- Le Pré-Vert, 2 100 habitants

III. LES ORIENTATIONS DU CONTRAT

A. Cohésion sociale

a) Réussite éducative et parentalité
Les signataires poursuivent les objectifs suivants :
- Renforcer l'acquisition du langage chez les enfants
- Associer les parents à la scolarité de leurs enfants

b) Santé et accès aux droits
- Faciliter l'accès aux soins de premier recours
- Développer la prévention en santé mentale

B. Emploi et développement économique

a) Accès à l'emploi
- Accompagner les jeunes vers l'emploi
- Lever les freins à la mobilité

IV. GOUVERNANCE

A. Le comité de pilotage

Il se réunit une fois par an.
"""


def test_roman_parts_letters_and_dashes_written_flush_left():
    """« III. LES ORIENTATIONS DU CONTRAT » over « A. », « a) » and dashes, all flush left, after a diagnostic whose
    dash lists came first: « b) » is a sibling of « a) » (not a child of the dash item above it), and the part's
    title is not a level of the tree."""
    tree = best_parse(ROMAN_LETTERS)[1]
    assert [o.label for o in tree.roots()] == ["Cohésion sociale", "Emploi et développement économique"]
    assert [(tree[o.parent].label, o.label) for o in tree.leaves] == [
        ("Réussite éducative et parentalité", "Renforcer l'acquisition du langage chez les enfants"),
        ("Réussite éducative et parentalité", "Associer les parents à la scolarité de leurs enfants"),
        ("Santé et accès aux droits", "Faciliter l'accès aux soins de premier recours"),
        ("Santé et accès aux droits", "Développer la prévention en santé mentale"),
        ("Accès à l'emploi", "Accompagner les jeunes vers l'emploi"),
        ("Accès à l'emploi", "Lever les freins à la mobilité")]


def test_markdown_bold_axes_with_a_space_before_the_closing_stars_and_a_list_of_figures_before():
    """A converter's Markdown: « **Axe 1 – … **» (a space before the closing stars) heads numbered lists that
    start again under each axis, with lazy continuation lines; a list of figures announced by « Quelques données
    … : » in the diagnostic is not the tree's top."""
    text = """## 2. Diagnostic

Quelques données issues de l'Insee et des partenaires :

- 49 % des habitants des Coteaux vivent sous le seuil de pauvreté ;
- 38 % des jeunes de 16 à 25 ans ne sont ni en emploi ni en formation.

## 3. Les axes et objectifs du contrat

**Axe 1 – Éducation, jeunesse et parentalité **

1. Favoriser la réussite éducative des enfants
en s'appuyant sur le Programme de réussite éducative
2. Soutenir les parents, en particulier les mères isolées

**Axe 2 – Emploi et accès aux droits **

1. Lever les freins à l'emploi, notamment la mobilité
2. Favoriser l'accès aux droits et l'inclusion numérique

## 4. Gouvernance

Le comité de pilotage se réunit une fois par an.
"""
    tree = best_parse(text)[1]
    assert [o.label for o in tree.roots()] == ["Éducation, jeunesse et parentalité", "Emploi et accès aux droits"]
    assert [o.label for o in tree.leaves] == [
        "Favoriser la réussite éducative des enfants en s'appuyant sur le Programme de réussite éducative",
        "Soutenir les parents, en particulier les mères isolées", "Lever les freins à l'emploi, notamment la mobilité",
        "Favoriser l'accès aux droits et l'inclusion numérique"]
    assert not any("deux fois" in w for w in tree.warnings)


LONG_CONTRACT = """SOMMAIRE

Axe stratégique A – Grandir et s'épanouir dans son quartier et dans la ville tout entière . 38

6. LES QUARTIERS PRIORITAIRES

6.1 Quartier Les Lilas

Code QPV : QN077268M
Population : 2953 habitants

Les enjeux du quartier :

- Désenclaver le quartier par une meilleure desserte en transports ;
- Requalifier la place centrale et ses commerces.

Parmi les principales réalisations du contrat précédent, on peut citer :
- ouverture de deux espaces de vie sociale ;
- création d'une maison du projet.

7. ARCHITECTURE DU CONTRAT

Axe stratégique A – Grandir et s'épanouir dans son quartier et dans la ville tout entière

Objectif stratégique A.1 – Soutenir la réussite éducative

Objectifs opérationnels :

- Renforcer l'accompagnement individualisé des élèves
- Accompagner les porteurs de projet avec CitésLab3

Pistes d'actions :

- Mettre en place des ateliers ;
- Organiser des rencontres entre partenaires.

Objectif stratégique A.2 – Élargir les horizons des jeunes

Objectifs opérationnels :

- Développer les séjours éducatifs

Axe stratégique B – Travailler et entreprendre

Objectif stratégique B.1 – Sécuriser les parcours d'insertion

Objectifs opérationnels :

- Lever les freins à l'emploi

7.3 Quartier Bel-Air

Les enjeux du quartier :

- Redresser les copropriétés en difficulté ;
- Lutter contre l'habitat indigne.

8. GOUVERNANCE

Le comité de pilotage se réunit une fois par an.
"""


def test_a_long_contract_keeps_the_neighbourhoods_stakes_actions_and_contents_out_of_its_tree():
    """Neighbourhood sheets (« Code QPV : … », « Les enjeux du quartier : » over verbs), before or after the tree;
    « Pistes d'actions : » over a list after a blank line; a contents line whose dot leader shrank to « . 38 »; a
    past achievement in lower case (« ouverture de … », a noun); codes « A.1 » under « Axe stratégique A »; a
    footnote mark glued to a capitalised word (« CitésLab3 »): none of them changes the tree."""
    tree = best_parse(LONG_CONTRACT)[1]
    assert [(o.code, o.label) for o in tree.roots()] == [
        ("A", "Grandir et s'épanouir dans son quartier et dans la ville tout entière"),
        ("B", "Travailler et entreprendre")]
    assert [(o.code, o.label) for o in tree if o.level == "objectif stratégique"] == [
        ("A.1", "Soutenir la réussite éducative"), ("A.2", "Élargir les horizons des jeunes"),
        ("B.1", "Sécuriser les parcours d'insertion")]
    assert [o.label for o in tree.leaves] == [
        "Renforcer l'accompagnement individualisé des élèves", "Accompagner les porteurs de projet avec CitésLab",
        "Développer les séjours éducatifs", "Lever les freins à l'emploi"]


def test_a_pdf_table_with_axis_rows_across_it_and_notes_under_objectives(tmp_path):
    """« Orientation | Objectif opérationnel », each axis on a row across the table in bold (a heading mark for the
    PDF's text), a note « Pilote : … » under each objective in its cell, wrapped: the axes head their rows, the
    notes describe their objectives."""
    from tests.pdf_support import Sized, pages_pdf

    columns = (40, 220)
    rows = [Sized(10, "AXE 1 – Réussir à l'école", True),
            [(40, "Petite enfance et"), (220, "Augmenter les places en accueil collectif")],
            [(40, "parentalité"), (220, "Pilote : à désigner en comité technique ; indicateurs de la fiche")],
            [(220, "action")],
            [(220, "Accompagner les parents dans la scolarité")],
            [(40, "Parcours scolaires"), (220, "Prévenir l'absentéisme des collégiens")],
            Sized(10, "AXE 2 – Accéder à l'emploi", True),
            [(40, "Création d'activité"), (220, "Accompagner les porteurs de projet")],
            [(220, "Pilote : maison de l'emploi")]]
    lines = [Sized(14, "Le cadre stratégique", True), "", [(x, t, True) for x, t in zip(
        columns, ("Orientation", "Objectif opérationnel"), strict=True)], *rows, "",
        Sized(14, "Gouvernance", True), "", "Le comité de pilotage se réunit une fois par an."]
    path = tmp_path / "auron.pdf"
    path.write_bytes(pages_pdf([lines], objects="run"))
    layout, tree = best_parse(contract_text(path))
    assert layout == "tables" and [o.label for o in tree.roots()] == ["Réussir à l'école", "Accéder à l'emploi"]
    assert [(tree[o.parent].label, o.label) for o in tree.leaves] == [
        ("Petite enfance et parentalité", "Augmenter les places en accueil collectif"),
        ("Petite enfance et parentalité", "Accompagner les parents dans la scolarité"),
        ("Parcours scolaires", "Prévenir l'absentéisme des collégiens"),
        ("Création d'activité", "Accompagner les porteurs de projet")]
    assert tree.leaves[0].description.endswith("indicateurs de la fiche action")


def test_a_table_with_actions_and_partners_beside_the_levels(tmp_path):
    """« Axe | Orientation | Objectif | Actions | Partenaires » (a landscape page): the levels are read, the actions
    and partners left out."""
    rows = [["Axe", "Orientation", "Objectif", "Actions", "Partenaires"],
            ["Éducation et jeunesse", "Prévenir les ruptures de parcours", "Accompagner les élèves exclus",
             "– Dispositif d'accueil – ateliers relais", "Éducation nationale"],
            ["", "", "Développer les internats d'excellence", "– Information des familles", "Région"],
            ["Emploi", "Lever les freins à l'emploi", "Développer la garde d'enfants", "– Crèche AVIP", "CAF"]]
    for path in word_and_odt([("heading", "Les objectifs du contrat"), ("table", rows)], tmp_path / "landes"):
        layout, tree = best_parse(contract_text(path))
        assert layout == "tables", path.suffix
        assert [(tree[o.parent].label, o.label) for o in tree.leaves] == [
            ("Prévenir les ruptures de parcours", "Accompagner les élèves exclus"),
            ("Prévenir les ruptures de parcours", "Développer les internats d'excellence"),
            ("Lever les freins à l'emploi", "Développer la garde d'enfants")], path.suffix


def test_axes_numbered_in_big_type_and_orientation_numbers_on_a_line_of_their_own(tmp_path):
    """A Word contract whose axes are paragraphs set by hand: a big « 1 » then the label in large type; each
    orientation's number (« 1.1 ») alone on a line above its bold title: the axes head the orientations (a bare
    number was read as a heading of its own, which made the orientations roots)."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.add_paragraph("Contrat de ville de Ponthieu 2024-2030")
    tree_text = [("1", "Réussite éducative", [("1.1", "Mieux accompagner les familles",
                                               ["Étendre le programme de réussite éducative", "Ouvrir les écoles"]),
                                              ("1.2", "Élargir les horizons des jeunes",
                                               ["Développer les séjours de découverte", "Faciliter les stages"])]),
                 ("2", "Emploi et insertion", [("2.1", "Lever les freins à l'emploi",
                                                ["Proposer des solutions de garde", "Développer l'auto-école"])])]
    for number, axis, orientations in tree_text:
        paragraph = document.add_paragraph()
        paragraph.add_run(number + "   ").font.size = Pt(28)
        paragraph.add_run(axis).font.size = Pt(16)
        document.add_paragraph("Cet axe mobilise prioritairement les crédits de droit commun des signataires.")
        for code, orientation, objectives in orientations:
            document.add_paragraph(code)
            title = document.add_paragraph().add_run(orientation)
            title.bold = True
            for objective in objectives:
                document.add_paragraph(objective, style="List Bullet")
    path = tmp_path / "ponthieu.docx"
    document.save(path)
    tree = best_parse(contract_text(path))[1]
    assert [o.label for o in tree.roots()] == ["Réussite éducative", "Emploi et insertion"]
    assert [(tree[o.parent].label, o.label) for o in tree if o.parent and not tree.is_leaf(o.id)] == [
        ("Réussite éducative", "Mieux accompagner les familles"),
        ("Réussite éducative", "Élargir les horizons des jeunes"),
        ("Emploi et insertion", "Lever les freins à l'emploi")]


def test_a_code_and_label_table_whose_codes_name_the_levels(tmp_path):
    """« Code | Intitulé », every level in the same two columns, told apart by the code's prefix (« AXE 1 »,
    « OS1.1 », « OO1.1.1 »), in a Word or ODT file: the tree of the codes (nothing was read)."""
    rows = [["Code", "Intitulé"], ["AXE 1", "Garantir l'égalité des chances éducatives"],
            ["OS1.1", "Agir dès la petite enfance"],
            ["OO1.1.1", "Développer l'accueil des enfants de moins de trois ans"],
            ["OO1.1.2", "Renforcer les actions de soutien à la parentalité"], ["AXE 2", "Favoriser l'insertion"],
            ["OS2.1", "Mobiliser les entreprises"], ["OO2.1.1", "Développer le parrainage vers l'emploi"]]
    for path in word_and_odt([("paragraph", "Le tableau ci-dessous donne les codes du contrat."), ("table", rows)],
                             tmp_path / "codes"):
        tree = best_parse(contract_text(path))[1]
        assert [(o.code, o.label, o.parent) for o in tree] == [
            ("1", "Garantir l'égalité des chances éducatives", None), ("OS1.1", "Agir dès la petite enfance", "1"),
            ("OO1.1.1", "Développer l'accueil des enfants de moins de trois ans", "OS1.1"),
            ("OO1.1.2", "Renforcer les actions de soutien à la parentalité", "OS1.1"),
            ("2", "Favoriser l'insertion", None), ("OS2.1", "Mobiliser les entreprises", "2"),
            ("OO2.1.1", "Développer le parrainage vers l'emploi", "OS2.1")], path.suffix


INDENTED_TREE = [
    ("Cohésion sociale et vivre ensemble", [
        ("Favoriser la réussite éducative des enfants et des jeunes",
         ["Développer l'accompagnement à la scolarité des collégiens",
          "Renforcer les liens entre l'école et les familles"]),
        ("Améliorer l'accès à la santé des habitants",
         ["Soutenir la prévention en santé mentale", "Faciliter l'accès aux droits et aux soins"])]),
    ("Emploi et développement économique", [
        ("Lever les freins à l'emploi",
         ["Accompagner les femmes vers la formation", "Développer la mobilité des demandeurs d'emploi"]),
        ("Soutenir la création d'activité", ["Accompagner les porteurs de projet des quartiers"])])]
INDENTED_INTRO = ("Le présent contrat fixe les orientations suivantes pour les quartiers prioritaires, arrêtées par "
                  "le comité de pilotage du 12 mars 2024.")


def _indented_edges(tree) -> list[tuple[str | None, str]]:
    return [(tree[o.parent].label if o.parent else None, o.label) for o in tree]


INDENTED_EDGES = [edge for axis, objectives in INDENTED_TREE for edge in [(None, axis)] + [
    edge for objective, subs in objectives for edge in [(axis, objective)] + [(objective, sub) for sub in subs]]]


@pytest.mark.parametrize("shape", ["spaces", "paragraph spacing", "pdf"])
def test_an_outline_set_by_indentation_alone_gives_its_tree(shape, tmp_path):
    """Titles flush left, objectives indented under them, sub-objectives further, no bullet nor number (paragraphs
    indented in a word processor, copied as text or printed to PDF): the tree of the indentation (nothing was
    read); the closing sections and the introduction are not part of it."""
    from tests.pdf_support import pages_pdf

    lines = ["CONTRAT DE VILLE 2024-2030", "", INDENTED_INTRO, ""]
    for axis, objectives in INDENTED_TREE:
        lines.append(axis)
        for objective, subs in objectives:
            lines += ["    " + objective] + ["        " + sub for sub in subs]
    lines += ["", "Gouvernance du contrat", "Le comité de pilotage se réunit une fois par an."]
    if shape == "paragraph spacing":  # a PDF viewer's copy: a blank line after every paragraph
        lines = [line for text in lines for line in (text, "")]
    if shape == "pdf":
        path = tmp_path / "indent.pdf"
        path.write_bytes(pages_pdf([[line for text in lines for line in (text, "")]], objects="run"))
        text = contract_text(path)
    else:
        text = "\n".join(lines)
    assert _indented_edges(best_parse(text)[1]) == INDENTED_EDGES


@pytest.mark.parametrize("shape", ["docx margins", "docx symbol bullets", "odt margins"])
def test_a_word_or_odt_outline_set_by_paragraph_margins_gives_its_tree(shape, tmp_path):
    """Paragraphs indented by their left margin (« Retrait gauche »), without list styles, under bold titles, or
    starting with a bullet typed in the Symbol font (« <w:sym> », which the text of the paragraph leaves out):
    the tree of the margins (the margins were dropped and every line was an objective of one level, or nothing
    was read)."""
    if shape.startswith("docx"):
        import docx
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm

        document = docx.Document()
        document.add_paragraph(INDENTED_INTRO)
        for axis, objectives in INDENTED_TREE:
            document.add_paragraph().add_run(axis).bold = True
            for objective, subs in objectives:
                for text, margin in [(objective, 1.0)] + [(sub, 2.0) for sub in subs]:
                    paragraph = document.add_paragraph()
                    paragraph.paragraph_format.left_indent = Cm(margin)
                    if shape == "docx symbol bullets":
                        symbol = OxmlElement("w:sym")
                        symbol.set(qn("w:font"), "Symbol")
                        symbol.set(qn("w:char"), "F0B7")
                        paragraph.add_run()._r.append(symbol)
                        text = "\t" + text
                    paragraph.add_run(text)
        document.add_paragraph("Gouvernance")
        document.add_paragraph("Le comité de pilotage se réunit une fois par an.")
        path = tmp_path / "indent.docx"
        document.save(path)
    else:
        from odf.opendocument import OpenDocumentText
        from odf.style import ParagraphProperties, Style, TextProperties
        from odf.text import P

        document = OpenDocumentText()
        styles = {}
        for name, margin in (("Titre", None), ("Retrait1", "1cm"), ("Retrait2", "0.787in")):
            style = Style(name=name, family="paragraph")
            if margin:
                style.addElement(ParagraphProperties(marginleft=margin))
            else:
                style.addElement(TextProperties(fontweight="bold"))
            document.automaticstyles.addElement(style)
            styles[name] = style
        document.text.addElement(P(text=INDENTED_INTRO))
        for axis, objectives in INDENTED_TREE:
            document.text.addElement(P(stylename=styles["Titre"], text=axis))
            for objective, subs in objectives:
                document.text.addElement(P(stylename=styles["Retrait1"], text=objective))
                for sub in subs:
                    document.text.addElement(P(stylename=styles["Retrait2"], text=sub))
        document.text.addElement(P(text="Gouvernance"))
        document.text.addElement(P(text="Le comité de pilotage se réunit une fois par an."))
        path = tmp_path / "indent.odt"
        document.save(str(path))
    assert _indented_edges(best_parse(contract_text(path))[1]) == INDENTED_EDGES


def test_indented_prose_and_indented_lists_of_nouns_are_not_an_outline():
    """Indented paragraphs of prose (a quotation, first-line indents) and an indented list of figures are left as
    they are: no tree is made of them."""
    text = "\n".join([
        "Diagnostic du territoire", "",
        "Le quartier compte 4 200 habitants.",
        "    Les familles monoparentales y sont nombreuses.",
        "    Le taux de chômage des jeunes atteint 38 %.",
        "    La part des moins de 25 ans progresse depuis 2015.", "",
        "Chiffres clés",
        "    Population : 4 200 habitants",
        "    Revenu médian : 11 900 euros",
        "    Logements sociaux : 82 %"])
    with pytest.raises(TaxonomyError):
        best_parse(text)


NARROW_COPY = """Contrat de ville « Engagements Quartiers 2030 » de Brévannes Agglomération

Sommaire
Préambule ........................................................... 2
Fiche thématique n°1 – Vivre ensemble et
citoyenneté ......................................................... 3
Fiche thématique n°2 – Réussite éducative et
parentalité ......................................................... 4

Préambule

Le contrat a été préparé avec les habitants. Les signataires retiennent deux axes, qui
se déclinent en objectifs stratégiques puis opérationnels.

Synthèse des objectifs

AXE 1 – VIVRE ENSEMBLE ET CITOYENNETÉ
Premier objectif stratégique : Renforcer le lien social et l'accès à la culture et au
sport
Deuxième objectif stratégique : Garantir l'accès aux droits

AXE 2 – RÉUSSITE ÉDUCATIVE ET PARENTALITÉ
Premier objectif stratégique : Soutenir les parents

Détail des objectifs

AXE 1 – VIVRE ENSEMBLE ET CITOYENNETÉ

Les habitants ont exprimé un fort besoin de lieux de rencontre et de reconnaissance de
leur engagement. Les centres sociaux, les associations sportives et culturelles et les
bailleurs ont été entendus au cours de six ateliers, dont les comptes rendus sont
annexés au présent contrat. Ils décrivent des équipements fermés le soir et le
week-end, des associations qui peinent à renouveler leurs bénévoles et des jeunes
filles qui quittent les clubs à l'entrée au collège. La Cité éducative et le centre
social de la Sablière, qui coordonnent les objectifs 1.1 et
1.2 avec la ville, animeront le suivi de cet axe.

Objectif stratégique : Renforcer le lien social et l'accès à la culture et au
sport
Objectifs opérationnels :
- Soutenir les centres sociaux et la vie associative
- Développer les pratiques sportives des jeunes filles

Objectif stratégique : Garantir l'accès aux droits
Les partenaires garantissent à chacun l'accès à ses droits et aux services
publics, au plus près
des habitants.
- Lutter contre le non-recours aux droits
- Accompagner les habitants dans l'usage du numérique

AXE 2 – RÉUSSITE ÉDUCATIVE ET PARENTALITÉ

Objectif stratégique : Soutenir les parents
Objectifs opérationnels :
- Créer des espaces de rencontre entre parents et enseignants
- Développer les actions de soutien à la parentalité

Trois principes transversaux guident la mise en œuvre de l'ensemble des
objectifs :
- l'égalité entre les femmes et les hommes, notamment dans l'accès à l'emploi,
à l'espace public et aux pratiques sportives ;
- la lutte contre les discriminations, en particulier celles liées à l'origine
et à l'adresse.

Gouvernance

Le comité de pilotage se réunit chaque année.
"""


def test_a_contract_copied_from_a_narrow_pdf_page_gives_its_tree():
    """The text of a PDF whose lines wrap at the page's width (a PDF viewer's copy, or a contract printed from its
    text): a table of contents' entry wrapped before its leader, a keyword heading wrapped and printed twice (in the
    synthesis and in the detail), a paragraph of eight lines between an axis and its objectives, « objectifs 1.1
    et » going on a sentence, a sentence whose end starts with « publics », and a transversal list announced and
    written over wrapped lines: the tree of the unwrapped text (each was lost, doubled or made a node)."""
    tree = best_parse(NARROW_COPY)[1]
    assert [(o.level, o.label, tree[o.parent].label if o.parent else None) for o in tree if not o.transversal] == [
        ("axe", "VIVRE ENSEMBLE ET CITOYENNETÉ", None),
        ("objectif stratégique", "Renforcer le lien social et l'accès à la culture et au sport",
         "VIVRE ENSEMBLE ET CITOYENNETÉ"),
        ("objectif", "Soutenir les centres sociaux et la vie associative",
         "Renforcer le lien social et l'accès à la culture et au sport"),
        ("objectif", "Développer les pratiques sportives des jeunes filles",
         "Renforcer le lien social et l'accès à la culture et au sport"),
        ("objectif stratégique", "Garantir l'accès aux droits", "VIVRE ENSEMBLE ET CITOYENNETÉ"),
        ("objectif", "Lutter contre le non-recours aux droits", "Garantir l'accès aux droits"),
        ("objectif", "Accompagner les habitants dans l'usage du numérique",
         "Garantir l'accès aux droits"),
        ("axe", "RÉUSSITE ÉDUCATIVE ET PARENTALITÉ", None),
        ("objectif stratégique", "Soutenir les parents", "RÉUSSITE ÉDUCATIVE ET PARENTALITÉ"),
        ("objectif", "Créer des espaces de rencontre entre parents et enseignants", "Soutenir les parents"),
        ("objectif", "Développer les actions de soutien à la parentalité", "Soutenir les parents"),
    ]
    assert [o.label for o in tree.transversal] == [
        "l'égalité entre les femmes et les hommes", "la lutte contre les discriminations"]


def test_a_plain_heading_over_a_long_wrapped_paragraph_still_heads_its_list():
    """« Améliorer le cadre de vie », then a paragraph wrapped over nine lines of a PDF's text, then its objectives:
    the heading is a node (its objectives went to the heading before)."""
    paragraph = ("Le renouvellement urbain de Kervénec va transformer le quartier pendant six ans ; les copropriétés "
                 "des Glycines et l'habitat ancien de Bel-Air-Gare demandent des interventions d'une autre nature. "
                 "Dans les trois quartiers, les habitants placent la propreté et l'entretien des espaces extérieurs au "
                 "premier rang de leurs préoccupations, devant la tranquillité et le stationnement. Les ménages des "
                 "quartiers sont aussi les premiers exposés à la hausse des prix de l'énergie et de l'alimentation.")
    import textwrap

    text = "\n".join([
        "Nos enjeux pour 2030", "",
        "Grandir et réussir dans les quartiers", "",
        "  • Renforcer l'accompagnement des enfants dès la maternelle",
        "  • Prévenir le décrochage scolaire au collège", "",
        "Améliorer le cadre de vie et engager les quartiers dans les transitions", "",
        *textwrap.wrap(paragraph, 60), "",
        "  • Renforcer la gestion urbaine et sociale de proximité",
        "  • Accompagner les habitants dans le renouvellement urbain"])
    tree = best_parse(text)[1]
    assert label_edges(tree) == [
        ("Grandir et réussir dans les quartiers", None),
        ("Renforcer l'accompagnement des enfants dès la maternelle", "Grandir et réussir dans les quartiers"),
        ("Prévenir le décrochage scolaire au collège", "Grandir et réussir dans les quartiers"),
        ("Améliorer le cadre de vie et engager les quartiers dans les transitions", None),
        ("Renforcer la gestion urbaine et sociale de proximité",
         "Améliorer le cadre de vie et engager les quartiers dans les transitions"),
        ("Accompagner les habitants dans le renouvellement urbain",
         "Améliorer le cadre de vie et engager les quartiers dans les transitions")]


def test_numbered_axes_with_a_paragraph_before_their_dotted_orientations_head_them():
    """« 1. Cohésion sociale » (Word's numbering of a heading), a paragraph about it, then « 1.1. … » over its
    bullets, after a bulleted list of transversal priorities: the numbered axes head the tree (the first one was
    dropped as an item of a list of places, its orientations left without it)."""
    text = "\n".join([
        "Les priorités transversales", "",
        "Quatre priorités transversales seront prises en compte dans chacun des axes du contrat :",
        "• La jeunesse", "• L'égalité entre les femmes et les hommes", "",
        "1. Cohésion sociale", "",
        "La cohésion sociale recouvre l'éducation, la santé et l'accès aux droits. Elle mobilise d'abord le droit "
        "commun.", "",
        "1.1. Favoriser la réussite éducative", "",
        "• Développer l'accompagnement à la scolarité", "• Lutter contre le décrochage scolaire", "",
        "1.2. Améliorer l'accès aux droits et à la santé", "",
        "• Renforcer la présence des médiateurs en santé", "• Soutenir la santé mentale des habitants", "",
        "2. Emploi et insertion", "",
        "Le chômage des quartiers reste deux fois supérieur à la moyenne.", "",
        "2.1. Rapprocher les habitants du service public de l'emploi", "",
        "• Aller vers les publics invisibles", "• Mobiliser les clauses d'insertion"])
    tree = best_parse(text)[1]
    assert [(o.code or None, o.label, o.parent) for o in tree if not o.transversal] == [
        ("1", "Cohésion sociale", None), ("1.1", "Favoriser la réussite éducative", "1"),
        (None, "Développer l'accompagnement à la scolarité", "1.1"),
        (None, "Lutter contre le décrochage scolaire", "1.1"),
        ("1.2", "Améliorer l'accès aux droits et à la santé", "1"),
        (None, "Renforcer la présence des médiateurs en santé", "1.2"),
        (None, "Soutenir la santé mentale des habitants", "1.2"),
        ("2", "Emploi et insertion", None), ("2.1", "Rapprocher les habitants du service public de l'emploi", "2"),
        (None, "Aller vers les publics invisibles", "2.1"), (None, "Mobiliser les clauses d'insertion", "2.1")]
    assert [o.label for o in tree.transversal] == ["La jeunesse", "L'égalité entre les femmes et les hommes"]


def test_a_numbered_pdf_heading_wrapped_before_a_name_keeps_the_name(tmp_path):
    """« 3.1.   Achever le renouvellement urbain du quartier de la » / « Garenne », both in the heading's bold: the name
    ends the orientation's label (it became a heading of its own, over the orientation's objectives)."""
    from tests.pdf_support import Sized, pages_pdf

    page = ["Contrat de ville 2024-2030 de la Métropole de Béthenval", "",
            [(40, "3.", True), (75, "Cadre de vie et renouvellement urbain", True)], "",
            [(40, "3.1.", True), (75, "Achever le renouvellement urbain du quartier de la", True)],
            [(75, "Garenne", True)], "",
            "   • Mener à terme les opérations de démolition-reconstruction",
            "   • Accompagner les ménages relogés", "",
            [(40, "3.2.", True), (75, "Améliorer la gestion urbaine et la tranquillité publique", True)], "",
            "   • Renforcer la gestion urbaine et sociale de proximité",
            "   • Prévenir la délinquance et les rixes entre jeunes", "",
            Sized(14, "Gouvernance et suivi", True), "",
            "Le comité de pilotage se réunit au moins une fois par an."]
    path = tmp_path / "bethenval.pdf"
    path.write_bytes(pages_pdf([page], objects="run"))
    tree = best_parse(contract_text(path))[1]
    assert [(o.label, tree[o.parent].label if o.parent else None) for o in tree if not tree.is_leaf(o.id)] == [
        ("Cadre de vie et renouvellement urbain", None),
        ("Achever le renouvellement urbain du quartier de la Garenne", "Cadre de vie et renouvellement urbain"),
        ("Améliorer la gestion urbaine et la tranquillité publique", "Cadre de vie et renouvellement urbain")]
    assert len(tree.leaves) == 4


def test_pdf_fiches_whose_keys_have_no_colon_and_wrap_are_read(tmp_path):
    """One fiche per orientation laid out from a PDF, keys without colon on the left (« Orientation », « Objectifs » /
    « opérationnels » wrapped, « Pilote », « Partenaires »), values on the right: the orientations and their objectives
    (the page was read as two columns, keys then values, or the wrapped key ended the fiche); a name cut at its
    hyphen (« Fontaine-aux- » / « Loups ») is joined."""
    from tests.pdf_support import Sized, pages_pdf

    def fiche(orientation: str, objectives: list[str], partners: list[str]) -> list:
        rows = [[(40, "Orientation"), (160, orientation)], [(40, "Objectifs"), (160, objectives[0])],
                [(40, "opérationnels"), (160, objectives[1])], *[[(160, more)] for more in objectives[2:]],
                [(40, "Pilote"), (160, "Direction de l'emploi et de l'insertion")],
                [(40, "Partenaires"), (160, partners[0])], *[[(160, more)] for more in partners[1:]],
                [(40, "Indicateurs"), (160, "Nombre de personnes accompagnées")], ""]
        return rows

    page = ["Contrat de ville 2024-2030 de l'Agglomération de Sainte-Olmène", "",
            Sized(13, "Axe 1 — Emploi et insertion", True), "",
            *fiche("1.1. Lever les freins à l'emploi",
                   ["Développer l'offre de garde d'enfants à horaires atypiques",
                    "Renforcer l'apprentissage du français à visée professionnelle",
                    "Faciliter la mobilité des demandeurs d'emploi"], ["France Travail", "Mission locale"]),
            Sized(13, "Axe 2 — Éducation et cohésion sociale", True), "",
            *fiche("2.1. Agir pour la réussite éducative",
                   ["Renforcer le Programme de réussite éducative",
                    "Soutenir la labellisation Cité éducative de la Fontaine-aux-", "Loups",
                    "Développer l'accompagnement à la scolarité"], ["Ville de Sainte-Olmène", "Caisse d'allocations"]),
            "Le comité de pilotage se réunit une fois par an."]
    path = tmp_path / "olmene.pdf"
    path.write_bytes(pages_pdf([page], objects="run"))
    tree = best_parse(contract_text(path))[1]
    assert label_edges(tree) == [
        ("Emploi et insertion", None), ("Lever les freins à l'emploi", "Emploi et insertion"),
        ("Développer l'offre de garde d'enfants à horaires atypiques", "Lever les freins à l'emploi"),
        ("Renforcer l'apprentissage du français à visée professionnelle", "Lever les freins à l'emploi"),
        ("Faciliter la mobilité des demandeurs d'emploi", "Lever les freins à l'emploi"),
        ("Éducation et cohésion sociale", None), ("Agir pour la réussite éducative", "Éducation et cohésion sociale"),
        ("Renforcer le Programme de réussite éducative", "Agir pour la réussite éducative"),
        ("Soutenir la labellisation Cité éducative de la Fontaine-aux-Loups", "Agir pour la réussite éducative"),
        ("Développer l'accompagnement à la scolarité", "Agir pour la réussite éducative")]


def test_centred_pdf_tables_one_per_axis_and_over_a_page_break(tmp_path):
    """One table « Objectifs stratégiques | Objectifs opérationnels » per axis under a bold « Axe n : … », the
    strategic objective centred in the height of its merged rows (LibreOffice's PDF): in the second table a label of
    two lines centred over three rows starts on the first row, in the third a label half a line above its group's
    middle; the second table goes on over a page break without its header. Each group keeps its objectives (the
    axis took the first table's last row, groups were shifted by one, and the rows after the break were lost)."""
    from tests.pdf_support import Sized, pages_pdf

    header = [(40, "Objectifs stratégiques"), (250, "Objectifs opérationnels")]
    page1 = ["Contrat de ville 2024-2030 de Valcroze Agglomération", "",
             Sized(12, "Axe 1 : Éducation et réussite des jeunes", True), "", header,
             [(250, "Développer l'accueil en crèche des enfants")],
             [(40, "Garantir l'égalité des chances dès"), (250, "Soutenir les projets pédagogiques des écoles")],
             [(40, "la petite enfance"), (250, "Renforcer le Programme de réussite éducative")],
             [(250, "Associer les parents à l'école")],
             [(250, "Accompagner les collégiens exclus temporairement")],
             [(40, "Lutter contre le décrochage scolaire"), (250, "Favoriser l'orientation choisie")],
             [(250, "Développer les stages de troisième")], "",
             Sized(12, "Axe 2 : Santé et accès aux droits", True), "", header,
             [(40, "Améliorer l'accès aux soins de"), (250, "Soutenir l'installation de maisons de santé")],
             [(40, "premier recours"), (250, "pluriprofessionnelles")],
             [(250, "Développer la médiation en santé")],
             [(250, "Conforter les espaces France Services")],
             [(40, "Garantir l'accès aux droits"), (250, "Lutter contre le non-recours aux prestations")]]
    page2 = [[(250, "Accompagner les habitants dans l'usage du numérique")], "",
             Sized(12, "Axe 3 : Cadre de vie et tranquillité", True), "", header,
             [(250, "Poursuivre le programme de renouvellement urbain du")],
             [(40, "Améliorer le cadre de vie"), (250, "quartier Saint-Fiacre")],
             [(250, "Renforcer la gestion urbaine de proximité")],
             [(40, "Assurer la tranquillité des habitants"), (250, "Déployer des médiateurs de nuit")],
             [(250, "Prévenir les violences intrafamiliales")], "",
             Sized(12, "Gouvernance", True), "", "Le comité de pilotage se réunit chaque année."]
    path = tmp_path / "valcroze.pdf"
    path.write_bytes(pages_pdf([page1, page2], objects="run"))
    tree = best_parse(contract_text(path))[1]
    groups = {o.label: [c.label for c in tree.children(o.id)] for o in tree if o.parent and not tree.is_leaf(o.id)}
    assert groups == {
        "Garantir l'égalité des chances dès la petite enfance": [
            "Développer l'accueil en crèche des enfants", "Soutenir les projets pédagogiques des écoles",
            "Renforcer le Programme de réussite éducative", "Associer les parents à l'école"],
        "Lutter contre le décrochage scolaire": [
            "Accompagner les collégiens exclus temporairement", "Favoriser l'orientation choisie",
            "Développer les stages de troisième"],
        "Améliorer l'accès aux soins de premier recours": [
            "Soutenir l'installation de maisons de santé pluriprofessionnelles", "Développer la médiation en santé"],
        "Garantir l'accès aux droits": [
            "Conforter les espaces France Services", "Lutter contre le non-recours aux prestations",
            "Accompagner les habitants dans l'usage du numérique"],
        "Améliorer le cadre de vie": [
            "Poursuivre le programme de renouvellement urbain du quartier Saint-Fiacre",
            "Renforcer la gestion urbaine de proximité"],
        "Assurer la tranquillité des habitants": [
            "Déployer des médiateurs de nuit", "Prévenir les violences intrafamiliales"]}
    assert [o.label for o in tree.roots()] == [
        "Éducation et réussite des jeunes", "Santé et accès aux droits", "Cadre de vie et tranquillité"]


def test_objectives_announced_in_the_signatories_voice_are_the_engagement_s():
    """« Engagement n°1 – … », a paragraph, then « Pour cela, nous nous engageons à : » over a list in lower case:
    the list is the engagement's objectives (the sentence became a node over them)."""
    text = "\n".join([
        "Engagement n°1 – Réussir à l'école et s'épanouir dès le plus jeune âge", "",
        "Les écarts de réussite se creusent dès l'école maternelle.", "",
        "Pour cela, nous nous engageons à :",
        "• développer l'accueil des enfants de moins de trois ans ;",
        "• renforcer le Programme de réussite éducative.", "", "",
        "Engagement n° 2 – Accéder à l'emploi et à la formation", "",
        "Pour cela, nous nous engageons à :",
        "• accompagner vers l'emploi les habitants les plus éloignés ;",
        "• développer les clauses d'insertion dans la commande publique."])
    tree = best_parse(text)[1]
    assert [(o.label, tree[o.parent].label[:8] if o.parent else None) for o in tree] == [
        ("Réussir à l'école et s'épanouir dès le plus jeune âge", None),
        ("Développer l'accueil des enfants de moins de trois ans", "Réussir "),
        ("Renforcer le Programme de réussite éducative", "Réussir "),
        ("Accéder à l'emploi et à la formation", None),
        ("Accompagner vers l'emploi les habitants les plus éloignés", "Accéder "),
        ("Développer les clauses d'insertion dans la commande publique", "Accéder ")]


@pytest.mark.parametrize("shape", ["sentence", "numbered list", "markdown escapes"])
def test_transversal_priorities_named_in_a_sentence_or_a_numbered_list(shape):
    """Transversal priorities named in the sentence that announces them (« … trois priorités transversales :
    l'égalité …, la lutte … et la transition écologique. »), or listed « 1. », « 2. » under « Priorités
    transversales » (escaped « 1\\. » by a Markdown converter): the transversal concerns (none were read, or the
    list was read as a section)."""
    tree_part = ["# 1. Cohésion sociale", "", "- Développer l'accompagnement à la scolarité",
                 "- Lutter contre le décrochage scolaire", "", "# 2. Emploi", "",
                 "- Accompagner les demandeurs d'emploi", "- Développer les clauses d'insertion", ""]
    if shape == "sentence":
        ending = ["Les orientations intègrent trois priorités transversales : l'égalité entre les femmes et les "
                  "hommes, la lutte contre les discriminations et la transition écologique."]
    else:
        mark = "\\." if shape == "markdown escapes" else "."
        ending = ["## Priorités transversales", "",
                  "Trois priorités s'appliquent à l'ensemble des thématiques et seront",
                  "prises en compte dans l'instruction de chaque demande :", "",
                  f"1{mark} L'égalité entre les femmes et les hommes", "",
                  f"2{mark} La lutte contre les discriminations", "", f"3{mark} La transition écologique"]
    tree = best_parse("\n".join([*tree_part, *ending, "", "# Gouvernance", "", "Le comité se réunit."]))[1]
    assert [o.label.casefold() for o in tree.transversal] == [
        "l'égalité entre les femmes et les hommes", "la lutte contre les discriminations", "la transition écologique"]
    assert len(tree.leaves) == 4


def test_a_synthesis_of_dotted_codes_and_a_detail_of_keyword_headings_are_one_tree():
    """A synthesis « Axe 1 – … » / « 1.1 … », then the detail « Objectif 1.1 – … » with its explanation and examples:
    one node per objective (each was there twice, the second as « 1.1-bis »)."""
    text = "\n".join([
        "Le contrat s'organise autour de deux axes et de trois objectifs :", "",
        "Axe 1 – Grandir et réussir dans son quartier",
        "   1.1 Agir dès la petite enfance pour l'égalité des chances",
        "   1.2 Accompagner la scolarité et prévenir le décrochage", "",
        "Axe 2 – Travailler et se former",
        "   2.1 Rapprocher les demandeurs d'emploi des entreprises", "",
        "LES ORIENTATIONS DÉTAILLÉES", "",
        "Axe 1 – Grandir et réussir dans son quartier", "",
        "Objectif 1.1 – Agir dès la petite enfance pour l'égalité des chances", "",
        "Les inégalités de développement du langage sont repérables dès deux ans.", "",
        "Exemples d'actions :", "– ateliers « Parler bambin » dans les lieux d'accueil enfants-parents", "",
        "Objectif 1.2 – Accompagner la scolarité et prévenir le décrochage", "",
        "Le Programme de réussite éducative accompagne 450 enfants.", "",
        "Axe 2 – Travailler et se former", "",
        "Objectif 2.1 – Rapprocher les demandeurs d'emploi des entreprises", "",
        "La Métropole connaît des tensions de recrutement."])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent) for o in tree] == [("1", None), ("1.1", "1"), ("1.2", "1"), ("2", None), ("2.1", "2")]
    assert tree["1.1"].description.startswith("Les inégalités de développement du langage")


def test_a_tree_pasted_in_an_e_mail_under_a_wrapped_sentence_naming_the_themes():
    """« > Les partenaires se sont accordés sur cinq thématiques et dix-sept » / « > objectifs : », then « - » themes
    and « * » objectives in a quoted e-mail: the themes over their objectives (the sentence became the tree's top,
    or every item a theme)."""
    text = "\n".join([
        "De : Service politique de la ville", "Objet : contrat de ville, version validée", "",
        "> NOS PRIORITÉS", ">",
        "> Les partenaires se sont accordés sur deux thématiques et cinq",
        "> objectifs :", ">",
        "> - Emploi et développement économique",
        ">   * Favoriser l'accès à l'emploi des habitants, en particulier des",
        ">     femmes et des jeunes sans qualification",
        ">   * Soutenir l'entrepreneuriat et le commerce de proximité",
        "> - Éducation et jeunesse",
        ">   * Renforcer le Programme de réussite éducative",
        ">   * Développer les actions de la Cité éducative autour du collège",
        ">     Marie-Curie",
        ">   * Prévenir le décrochage scolaire", ">",
        "> GOUVERNANCE", ">", "> Le comité de pilotage se réunit une fois par an."])
    tree = best_parse(text)[1]
    assert [(o.label, tree[o.parent].label[:9] if o.parent else None) for o in tree] == [
        ("Emploi et développement économique", None),
        ("Favoriser l'accès à l'emploi des habitants, en particulier des femmes et des jeunes sans qualification",
         "Emploi et"),
        ("Soutenir l'entrepreneuriat et le commerce de proximité", "Emploi et"),
        ("Éducation et jeunesse", None),
        ("Renforcer le Programme de réussite éducative", "Éducation"),
        ("Développer les actions de la Cité éducative autour du collège Marie-Curie", "Éducation"),
        ("Prévenir le décrochage scolaire", "Éducation")]


def test_a_diagnostic_part_with_its_own_letters_does_not_take_the_tree_s_levels():
    """« DEUXIÈME PARTIE – DIAGNOSTIC PARTAGÉ » with « A. », « B. » sub-parts and « a) » paragraphs, then « TROISIÈME
    PARTIE – LES ORIENTATIONS » with « I. » / « A. » / « a) »: the tree is the third part's, by its own levels (the
    diagnostic's letters came first and the orientations fell under its last paragraph)."""
    text = "\n".join([
        "DEUXIÈME PARTIE – DIAGNOSTIC PARTAGÉ", "",
        "A. Un territoire contrasté", "",
        "Quatre quartiers prioritaires y ont été identifiés :",
        "– le Val-Joli, à Hautmoncel (6 820 habitants) ;", "– les Terres-Rouges (4 150 habitants).", "",
        "B. Des fragilités persistantes", "",
        "a) L'éducation. Tous les établissements relèvent de l'éducation prioritaire.", "",
        "b) Le cadre de vie. Le Val-Joli fait l'objet d'un projet de renouvellement urbain.", "",
        "C. Des ressources à mobiliser", "",
        "Les quartiers disposent de quatre centres sociaux et de trois France Services.", "", "",
        "TROISIÈME PARTIE – LES ORIENTATIONS DU CONTRAT", "",
        "I. Réussir sa scolarité et construire son avenir", "",
        "Cette première orientation vise à réduire les écarts de réussite éducative.", "",
        "A. Favoriser la réussite éducative", "",
        "a) Développer l'accueil et l'éveil des tout-petits", "b) Prévenir le décrochage scolaire", "",
        "B. Accompagner les jeunes vers l'autonomie", "",
        "a) Améliorer l'orientation et l'accès aux stages", "", "",
        "II. Accéder à l'emploi et développer l'activité", "",
        "A. Rapprocher les habitants de l'emploi", "",
        "a) Renforcer l'action de la Cité de l'emploi", "b) Lever les freins liés à la mobilité", "", "",
        "QUATRIÈME PARTIE – GOUVERNANCE", "", "Le comité de pilotage se réunit chaque année."])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent) for o in tree] == [
        ("I", None), ("I-A", "I"), ("I-A-a", "I-A"), ("I-A-b", "I-A"), ("I-B", "I"), ("I-B-a", "I-B"),
        ("II", None), ("II-A", "II"), ("II-A-a", "II-A"), ("II-A-b", "II-A")]


def test_a_web_page_copied_without_bullets_with_its_links_and_a_nominal_objective():
    """A collectivity's web page copied as text: each thématique a title, a paragraph and « Lire la suite » over its
    objectives without bullets, one of them nominal (« Accès aux droits et aux soins »), then « trois priorités
    transversales : » over three lines: the themes over their objectives and the transversal concerns (the first
    theme, the theme with a nominal objective and the priorities were lost, « Lire la suite » was an objective)."""
    text = "\n".join([
        "Accueil > Politique de la ville > Contrat de ville", "", "Nos engagements pour 2030",
        "Le contrat s'articule autour de trois thématiques, définies avec les habitants.", "",
        "Réussite éducative et jeunesse",
        "Accompagner chaque enfant, de la crèche au lycée : c'est la première attente des familles. La Cité "
        "éducative sera au cœur de cette thématique.", "Lire la suite",
        "Favoriser le développement du langage des tout-petits",
        "Renforcer le Programme de réussite éducative", "Prévenir le décrochage scolaire au collège", "",
        "Santé et accès aux droits",
        "Les habitants des quartiers renoncent plus souvent aux soins.", "Lire la suite",
        "Développer la prévention et la promotion de la santé", "Accès aux droits et aux soins",
        "Renforcer la médiation sociale avec les adultes-relais", "",
        "Participation et citoyenneté", "Lire la suite",
        "Soutenir les conseils citoyens", "Favoriser l'engagement des jeunes dans la vie associative",
        "Retour en haut de page", "",
        "Des priorités pour toutes les thématiques",
        "Quelle que soit la thématique, chaque action financée devra prendre en compte trois priorités transversales :",
        "L'égalité entre les femmes et les hommes", "La lutte contre les discriminations", "La jeunesse",
        "Retour en haut de page", "", "Qui pilote le contrat ?",
        "Le contrat est piloté par un comité de pilotage coprésidé par le préfet."])
    tree = best_parse(text)[1]
    assert {o.label: [c.label for c in tree.children(o.id)] for o in tree.roots()} == {
        "Réussite éducative et jeunesse": ["Favoriser le développement du langage des tout-petits",
                                           "Renforcer le Programme de réussite éducative",
                                           "Prévenir le décrochage scolaire au collège"],
        "Santé et accès aux droits": ["Développer la prévention et la promotion de la santé",
                                      "Accès aux droits et aux soins",
                                      "Renforcer la médiation sociale avec les adultes-relais"],
        "Participation et citoyenneté": ["Soutenir les conseils citoyens",
                                         "Favoriser l'engagement des jeunes dans la vie associative"]}
    assert [o.label for o in tree.transversal] == [
        "L'égalité entre les femmes et les hommes", "La lutte contre les discriminations", "La jeunesse"]


def test_commitments_written_as_sentences_in_the_signatories_voice_are_objectives():
    """« Grandir et apprendre » over « – Nous développerons l'accueil des tout-petits. »: objectives, as the
    commitments of a contract written for the inhabitants (no tree was found)."""
    text = "\n".join([
        "Nos engagements", "", "Nous avons choisi deux grandes thématiques.", "",
        "Grandir et apprendre", "– Nous développerons l'accueil des tout-petits.",
        "– Nous aiderons les parents à suivre la scolarité de leurs enfants.", "",
        "Travailler et se former", "– Nous accompagnerons chaque demandeur d'emploi vers un emploi.",
        "– Nous soutiendrons les habitants qui souhaitent créer leur activité.", "",
        "Avec quels moyens ?", "", "En 2024, les crédits représentent :", "– 760 000 euros de l'État ;",
        "– 350 000 euros de la communauté d'agglomération."])
    tree = best_parse(text)[1]
    assert label_edges(tree) == [
        ("Grandir et apprendre", None),
        ("Nous développerons l'accueil des tout-petits", "Grandir et apprendre"),
        ("Nous aiderons les parents à suivre la scolarité de leurs enfants", "Grandir et apprendre"),
        ("Travailler et se former", None),
        ("Nous accompagnerons chaque demandeur d'emploi vers un emploi", "Travailler et se former"),
        ("Nous soutiendrons les habitants qui souhaitent créer leur activité", "Travailler et se former")]


def test_a_laid_out_table_of_themes_over_a_page_number_with_transversal_priorities_in_a_sentence():
    """A pdftotext -layout table « Thématique   Objectifs », the theme centred beside its bulleted objectives, the
    page's number alone between two pages of it, then a sentence naming three transversal priorities: the themes
    over their objectives and the priorities (the header named no layout the tables parser was tried for, the page
    number became an objective, and the tables parser read no transversal concern)."""
    text = "\n".join([
        "      2. LES ORIENTATIONS", "",
        "    Thématique                    Objectifs", "",
        "                                  • Renforcer l'accompagnement éducatif des enfants de",
        "    Éducation, jeunesse et          2 à 16 ans",
        "    parentalité                   • Lutter contre le décrochage scolaire",
        "                                  • Soutenir les parents dans leur rôle éducatif", "",
        "                                  • Favoriser l'accès à l'emploi des jeunes",
        "    Emploi et insertion           • Développer les clauses sociales d'insertion",
        "                                  • Accompagner les femmes éloignées de l'emploi", "", "",
        "                                                  3", "", "",
        "    Thématique                    Objectifs", "",
        "    Santé et accès aux            • Développer la prévention et la promotion de la santé",
        "    droits                        • Renforcer l'accompagnement en santé mentale", "",
        "      Trois  priorités transversales s'appliquent à l'ensemble des thématiques : l'égalité entre",
        "      les  femmes et les hommes, la lutte contre les discriminations et la place des jeunes dans",
        "      les projets.", "",
        "      3. LA GOUVERNANCE", "",
        "      Le  comité  de  pilotage  se réunit au  moins une fois par an."])
    layout, tree = best_parse(text)
    assert layout == "tables"
    assert {o.label: [c.label for c in tree.children(o.id)] for o in tree.roots() if not o.transversal} == {
        "Éducation, jeunesse et parentalité": ["Renforcer l'accompagnement éducatif des enfants de 2 à 16 ans",
                                               "Lutter contre le décrochage scolaire",
                                               "Soutenir les parents dans leur rôle éducatif"],
        "Emploi et insertion": ["Favoriser l'accès à l'emploi des jeunes",
                                "Développer les clauses sociales d'insertion",
                                "Accompagner les femmes éloignées de l'emploi"],
        "Santé et accès aux droits": ["Développer la prévention et la promotion de la santé",
                                      "Renforcer l'accompagnement en santé mentale"]}
    assert [o.label for o in tree.transversal] == [
        "l'égalité entre les femmes et les hommes", "la lutte contre les discriminations",
        "la place des jeunes dans les projets"]


def test_a_contents_list_without_page_numbers_is_not_the_tree():
    """« SOMMAIRE » over « 1. Préambule », « 1.1 Le cadre national », … « 4. Les engagements des signataires »
    without page numbers, each entry printed again as a heading further down: the entries are page furniture (they
    were read as a tree that stopped at « engagements des signataires », and nothing after was read)."""
    text = "\n".join([
        "SOMMAIRE", "", "1. Le cadre du contrat", "   1.1 Le cadre national", "   1.2 La démarche d'élaboration",
        "2. Le projet stratégique", "   2.1 Les orientations, objectifs et sous-objectifs",
        "3. Les engagements des signataires", "", "",
        "1. LE CADRE DU CONTRAT", "", "1.1 Le cadre national", "", "La loi du 21 février 2014 fixe le cadre.", "",
        "1.2 La démarche d'élaboration", "", "Six ateliers ont réuni les habitants.", "",
        "2. LE PROJET STRATÉGIQUE", "", "2.1 Les orientations, objectifs et sous-objectifs", "",
        "A – Réussir à l'école et s'insérer", "",
        "   A.1 Agir pour la réussite éducative",
        "      A.1.a Étendre la scolarisation précoce", "      A.1.b Prévenir le décrochage scolaire", "",
        "B – Travailler et entreprendre", "",
        "   B.1 Renforcer l'accès à l'emploi",
        "      B.1.a Développer l'offre d'insertion par l'activité économique", "", "",
        "3. LES ENGAGEMENTS DES SIGNATAIRES", "", "L'État mobilise ses crédits."])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent) for o in tree] == [
        ("A", None), ("A.1", "A"), ("A.1.a", "A.1"), ("A.1.b", "A.1"), ("B", None), ("B.1", "B"),
        ("B.1.a", "B.1")]


def test_consultant_numbering_with_steps_before_and_a_recap_after():
    """« 1) » priorities over « 1a) », « 1b) » objectives, after a method whose steps are also « 1) », « 2) » under
    another numbered part, and repeated in an annex; transversal principles named in the sentence under their
    heading, separated by « ; »: the priorities over their objectives, once, codes « 1a », and the principles
    (« 1a) » was not an item, and the parts in capitals headed the tree)."""
    tree_lines = ["1) Favoriser la réussite éducative des jeunes",
                  "   1a) Renforcer le repérage des enfants en fragilité",
                  "   1b) Développer une offre périscolaire accessible à tous", "",
                  "2) Rapprocher les habitants de l'emploi",
                  "   2a) Aller vers les jeunes sans solution", "   2b) Développer l'alternance", ""]
    text = "\n".join([
        "1. CONTEXTE ET MÉTHODOLOGIE", "", "La mission s'est déroulée en trois phases :",
        "   1) Bilan et diagnostic (octobre – décembre 2023) : analyse documentaire ;",
        "   2) Concertation (novembre 2023 – janvier 2024) : cinq ateliers habitants ;", "",
        "2. STRATÉGIE : PRIORITÉS ET OBJECTIFS", "",
        "La stratégie est présentée sous la forme d'une arborescence à deux niveaux.", "", *tree_lines,
        "Principes transversaux", "",
        "Trois principes transversaux s'appliquent à l'ensemble des priorités : la jeunesse ; l'égalité",
        "entre les femmes et les hommes ; la lutte contre les discriminations. Ils constituent des",
        "critères d'analyse de tous les projets.", "", "",
        "3. ANNEXES", "", "Annexe A – Récapitulatif des objectifs", "", *tree_lines])
    tree = best_parse(text)[1]
    assert [(o.code, o.parent) for o in tree if not o.transversal] == [
        ("1", None), ("1a", "1"), ("1b", "1"), ("2", None), ("2a", "2"), ("2b", "2")]
    assert [o.label for o in tree.transversal] == [
        "la jeunesse", "l'égalité entre les femmes et les hommes", "la lutte contre les discriminations"]


@pytest.mark.parametrize("orientation", ["Comment mieux accompagner les familles ?", "Le soutien aux familles"])
def test_a_plain_heading_over_a_list_under_a_keyword_axis_is_a_level(orientation):
    """« AXE 1 – GRANDIR » over plain headings (a question, or a title) each over its « - » list: the headings are a
    level under the axis (their lists went to the axis); « QUI FAIT QUOI ? » after the tree ends it (the
    signatories' commitments were read as objectives)."""
    text = "\n".join([
        "AXE 1 – GRANDIR ET S'ÉPANOUIR", "", orientation, "",
        "- Renforcer les lieux d'accueil parents-enfants", "- Soutenir les parents dans le suivi de la scolarité", "",
        "Comment éviter qu'un jeune décroche ?", "",
        "- Repérer plus tôt les signes de décrochage", "- Proposer une prise en charge aux élèves exclus", "", "",
        "AXE 2 – TRAVAILLER", "", "Comment lever les freins à la mobilité ?", "",
        "- Développer l'auto-école sociale", "- Proposer des vélos en location solidaire", "", "",
        "QUI FAIT QUOI ?", "", "L'État s'engage à :", "- financer l'appel à projets annuel ;",
        "- maintenir le poste de délégué du préfet."])
    tree = best_parse(text)[1]
    assert [(o.label, tree[o.parent].label[:20] if o.parent else None) for o in tree if not tree.is_leaf(o.id)] == [
        ("GRANDIR ET S'ÉPANOUIR", None), (orientation, "GRANDIR ET S'ÉPANOUI"),
        ("Comment éviter qu'un jeune décroche ?", "GRANDIR ET S'ÉPANOUI"), ("TRAVAILLER", None),
        ("Comment lever les freins à la mobilité ?", "TRAVAILLER")]
    assert len(tree.leaves) == 6


def test_objectives_listed_on_one_line_after_objectifs_and_a_section_after_the_transversal_sentence():
    """« **Orientation 1 : …** », a sentence, then « Objectifs : a ; b ; c. » on one line: one objective per part
    (the line was one objective, or a sentence when it ended with a full stop); « **Priorités transversales** » and
    its sentence, then « ## Les engagements des signataires » and their lists: the sentence's two priorities, and
    the commitments are neither transversal concerns nor nodes."""
    text = "\n".join([
        "## Nos orientations", "",
        "**Orientation 1 : Donner à chaque enfant les moyens de réussir**",
        "Les écarts de réussite se creusent dès la maternelle.",
        "Objectifs : Développer l'accueil des tout-petits ; Renforcer le lien entre les familles et l'école ; Lutter "
        "contre le décrochage scolaire.", "",
        "**Orientation 2 : Ouvrir les horizons des jeunes**",
        "Objectifs : Favoriser la mobilité internationale des jeunes ; Accompagner le service civique", "",
        "**Priorités transversales**", "",
        "Deux priorités s'appliquent à l'ensemble des orientations et seront examinées pour chaque",
        "projet : l'égalité entre les femmes et les hommes ; la lutte contre les discriminations.", "",
        "---", "", "## Les engagements des signataires", "", "### L'État", "",
        "- Crédits du programme 147", "- Trois postes d'adultes-relais"])
    tree = best_parse(text)[1]
    assert [(o.label, tree[o.parent].label[:12] if o.parent else None) for o in tree if not o.transversal] == [
        ("Donner à chaque enfant les moyens de réussir", None),
        ("Développer l'accueil des tout-petits", "Donner à cha"),
        ("Renforcer le lien entre les familles et l'école", "Donner à cha"),
        ("Lutter contre le décrochage scolaire", "Donner à cha"),
        ("Ouvrir les horizons des jeunes", None),
        ("Favoriser la mobilité internationale des jeunes", "Ouvrir les h"),
        ("Accompagner le service civique", "Ouvrir les h")]
    assert [o.label for o in tree.transversal] == [
        "l'égalité entre les femmes et les hommes", "la lutte contre les discriminations"]


def test_headings_numbered_by_an_outline_style_with_a_space_after_the_number(tmp_path):
    """LibreOffice's default outline numbering: « 1 », « 1.1 », « 1.1.1 » then a space (no full stop), on three
    heading levels, the numbers only in the style; in the ODT and as its PDF shows it (« 1   Cohésion sociale »
    over « 1.1   … » over « 1.1.1   … »): the tree of the numbers (« 1 Cohésion sociale » was read as a word
    and nothing was found)."""
    from odf.opendocument import OpenDocumentText
    from odf.style import Style
    from odf.text import H, OutlineLevelStyle, OutlineStyle, P

    from tests.pdf_support import Sized, pages_pdf

    tree_spec = [("Cohésion sociale", [("Accompagner la réussite éducative",
                                         ["Renforcer le Programme de réussite éducative",
                                          "Développer les actions de soutien à la parentalité"]),
                                        ("Améliorer l'accès à la santé", ["Créer un centre de santé"])]),
                 ("Emploi", [("Accompagner les habitants vers l'emploi",
                              ["Consolider la Cité de l'emploi", "Développer l'offre de formation linguistique"])])]
    odt = OpenDocumentText()
    outline = OutlineStyle(name="Outline")
    for level in (1, 2, 3):
        outline.addElement(OutlineLevelStyle(level=level, numformat="1", displaylevels=level, numsuffix=" "))
    odt.styles.addElement(outline)
    for level in (1, 2, 3):
        odt.styles.addElement(Style(name=f"Heading_20_{level}", family="paragraph"))
    odt.text.addElement(P(text="Le contrat est structuré en deux axes, déclinés en orientations puis en objectifs."))
    pdf_page: list = ["Le contrat est structuré en deux axes, déclinés en orientations puis en objectifs.", ""]
    for a, (axis, orientations) in enumerate(tree_spec, start=1):
        odt.text.addElement(H(outlinelevel=1, stylename="Heading_20_1", text=axis))
        pdf_page += [Sized(14, f"{a}   {axis}", True), ""]
        for o, (orientation, objectives) in enumerate(orientations, start=1):
            odt.text.addElement(H(outlinelevel=2, stylename="Heading_20_2", text=orientation))
            pdf_page += [Sized(12, f"{a}.{o}   {orientation}", True), ""]
            for k, objective in enumerate(objectives, start=1):
                odt.text.addElement(H(outlinelevel=3, stylename="Heading_20_3", text=objective))
                odt.text.addElement(P(text="Cet objectif sera suivi chaque année par le comité technique."))
                pdf_page += [f"{a}.{o}.{k}      {objective}", "Cet objectif sera suivi chaque année.", ""]
    odt.save(str(tmp_path / "moncery.odt"))
    (tmp_path / "moncery.pdf").write_bytes(pages_pdf([pdf_page], objects="run"))
    for path in (tmp_path / "moncery.odt", tmp_path / "moncery.pdf"):
        tree = best_parse(contract_text(path))[1]
        assert [(o.code, o.parent) for o in tree] == [
            ("1", None), ("1.1", "1"), ("1.1.1", "1.1"), ("1.1.2", "1.1"), ("1.2", "1"), ("1.2.1", "1.2"),
            ("2", None), ("2.1", "2"), ("2.1.1", "2.1"), ("2.1.2", "2.1")], path.suffix
        assert tree["1.1.1"].label == "Renforcer le Programme de réussite éducative"


def test_a_pictogram_letter_before_a_keyword_heading_is_left_out():
    """« E   Engagement n°1 : … » (an icon font's glyph, or a coloured letter, printed before the heading): the
    heading is read (the engagement and its objectives were lost)."""
    text = "\n".join([
        "Pontarnaud – Engagements Quartiers 2030", "",
        "\f E   Engagement n°1 : Permettre à chacun d'accéder à l'emploi",
        "L'accès à l'emploi est la première attente des habitants.",
        "     1)    Aller vers les habitants les plus éloignés de l'emploi",
        "     2)    Développer l'insertion par l'activité économique", "",
        " R   Engagement n°2 : Réussir à l'école et s'émanciper",
        "     1)    Consolider la Cité éducative", "     2)    Poursuivre le Programme de réussite éducative"])
    tree = best_parse(text)[1]
    assert [(o.code, o.parent) for o in tree] == [("1", None), ("1.1", "1"), ("1.2", "1"), ("2", None), ("2.1", "2"),
                                                  ("2.2", "2")]
    assert tree["1"].label == "Permettre à chacun d'accéder à l'emploi"


def test_a_word_heading_with_a_pictogram_letter_and_an_indicator_table_naming_its_engagements(tmp_path):
    """A Word heading « ⎵E⎵⎵⎵Engagement n°1 : … » (its spaces collapse to « # E Engagement n°1 ») over numbered
    objectives, and an annex table of indicators whose first column says only « Engagement n°1 »: the headings'
    titles head the tree (the table's bare « Engagement n°1 » cells were the top nodes)."""
    import docx

    from cvclassify.taxonomy.importing import import_tree

    document = docx.Document()
    engagements = {"Permettre à chacun d'accéder à l'emploi": ["Aller vers les habitants éloignés de l'emploi",
                                                               "Développer l'insertion par l'activité économique"],
                   "Réussir à l'école et s'émanciper": ["Consolider la Cité éducative",
                                                        "Poursuivre le Programme de réussite éducative"]}
    for number, (title, objectives) in enumerate(engagements.items(), 1):
        document.add_paragraph(f" {'ER'[number - 1]}   Engagement n°{number} : {title}", style="Heading 1")
        document.add_paragraph("Les partenaires s'engagent à rapprocher les services publics des habitants.")
        for objective in objectives:
            document.add_paragraph(objective, style="List Number")
    document.add_paragraph("Annexe – Tableau des indicateurs", style="Heading 1")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Engagement", "Objectif", "Indicateur"), strict=True):
        cell.text = text
    for number, objectives in enumerate(engagements.values(), 1):
        for objective in objectives:
            row = (f"Engagement n°{number}", objective, "Nombre de personnes")
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    document.save(tmp_path / "pontarnaud.docx")
    tree = import_tree(tmp_path / "pontarnaud.docx")[1]
    assert [o.label for o in tree.roots()] == list(engagements)
    assert [[o.label for o in tree.children(root.id)] for root in tree.roots()] == list(engagements.values())


def test_a_synthesis_table_read_across_its_columns_does_not_double_the_axes():
    """A PDF's synthesis table without rules (« Axe 1 ⎵⎵⎵ Accompagner chaque enfant … » on one line, the axis's
    title on the next) before the detail « Axe 1 – … » over « Objectif stratégique 1.1 : … »: each axis once, over
    its objectives (each axis was also a childless node labelled with its first objective, the detail « 1-bis »)."""
    from cvclassify.taxonomy.parsers import keyword_outline

    text = "\n".join([
        "Le contrat en un coup d'œil", "",
        "Axes                         Objectifs stratégiques",
        "Axe 1                        Accompagner chaque enfant dans son parcours éducatif",
        "Éducation et jeunesse        Soutenir les parents dans leur rôle éducatif",
        "Axe 2                        Rapprocher les demandeurs d'emploi des entreprises",
        "Emploi                       Lever les freins périphériques à l'emploi", "",
        "Axe 1 – Éducation et jeunesse", "",
        "Objectif stratégique 1.1 : Accompagner chaque enfant dans son parcours éducatif",
        "Les écarts de réussite apparaissent dès l'école maternelle.",
        "Objectif stratégique 1.2 : Soutenir les parents dans leur rôle éducatif", "",
        "Axe 2 – Emploi", "",
        "Objectif stratégique 2.1 : Rapprocher les demandeurs d'emploi des entreprises",
        "Objectif stratégique 2.2 : Lever les freins périphériques à l'emploi"])
    want = [("1", None, "Éducation et jeunesse"), ("1.1", "1", "Accompagner chaque enfant dans son parcours éducatif"),
            ("1.2", "1", "Soutenir les parents dans leur rôle éducatif"), ("2", None, "Emploi"),
            ("2.1", "2", "Rapprocher les demandeurs d'emploi des entreprises"),
            ("2.2", "2", "Lever les freins périphériques à l'emploi")]
    assert [(o.id, o.parent, o.label) for o in keyword_outline.parse(text)] == want
    assert [(o.label, o.parent) for o in best_parse(text)[1]] == [(label, parent) for _, parent, label in want]


@pytest.mark.parametrize("sentence", [
    "Ces engagements prennent en compte, de manière transversale, la jeunesse, l'égalité entre les femmes et les "
    "hommes et la lutte contre toutes les formes de discriminations, conformément aux priorités nationales.",
    "Considérant que le contrat retient en outre, comme priorités transversales\nà l'ensemble des axes, la "
    "jeunesse, l'égalité entre les femmes et les\nhommes et la lutte contre toutes les formes de discriminations ;",
    "Trois priorités transversales s'appliquent à l'ensemble des piliers :\n• la jeunesse, qui représente un "
    "habitant sur trois ;\n• l'égalité entre les femmes et les hommes ;\n• la lutte contre toutes les formes de "
    "discriminations, avec une attention particulière à l'adresse."])
def test_transversal_concerns_named_without_a_colon_or_followed_by_their_explanation(sentence):
    """Concerns named in a sentence « de manière transversale, a, b et c, conformément … » (no colon: nothing was
    read), or listed each with its explanation after a comma (« …, avec une attention particulière à … »): the
    concerns alone."""
    text = ("Pilier 1 – Cohésion sociale\n\n• Renforcer l'accompagnement à la scolarité\n• Prévenir le décrochage "
            "scolaire\n\nPilier 2 – Emploi\n\n• Développer les clauses d'insertion\n• Accompagner les créateurs "
            f"d'entreprise\n\n{sentence}\n\nGouvernance\n\nLe comité de pilotage se réunit deux fois par an.\n")
    tree = best_parse(text)[1]
    assert [o.label for o in tree.transversal] == ["la jeunesse", "l'égalité entre les femmes et les hommes",
                                                   "la lutte contre toutes les formes de discriminations"]
    assert len(tree.leaves) == 4


CODE_TABLE_TREE = [("1", None, "Emploi, insertion et activité économique"),
                   ("1.1", "1", "Favoriser l'accès à l'emploi des habitants"),
                   ("1.1.1", "1.1", "Renforcer la présence de France Travail dans les quartiers"),
                   ("1.1.2", "1.1", "Accompagner vers l'emploi les jeunes suivis par la Mission locale"),
                   ("1.2", "1", "Soutenir l'entrepreneuriat"),
                   ("1.2.1", "1.2", "Implanter un tiers-lieu économique au Mail"),
                   ("2", None, "Éducation"), ("2.1", "2", "Favoriser la réussite éducative"),
                   ("2.1.1", "2.1", "Étendre la Cité éducative au collège Louise-Michel"),
                   ("2.1.2", "2.1", "Lutter contre l'absentéisme scolaire")]
CODE_TABLES = [("Emploi, insertion et activité économique", [
    ("Objectif stratégique 1.1 – Favoriser l'accès à l'emploi des habitants",),
    ("1.1.1", "Renforcer la présence de France Travail dans les quartiers", "Nombre de demandeurs d'emploi"),
    ("1.1.2", "Accompagner vers l'emploi les jeunes suivis par la Mission locale", "Nombre de CEJ signés"),
    ("Objectif stratégique 1.2 – Soutenir l'entrepreneuriat",),
    ("1.2.1", "Implanter un tiers-lieu économique au Mail", "Taux d'occupation")]),
    ("Éducation", [("Objectif stratégique 2.1 – Favoriser la réussite éducative",),
                   ("2.1.1", "Étendre la Cité éducative au collège Louise-Michel", "Nombre d'élèves"),
                   ("2.1.2", "Lutter contre l'absentéisme scolaire", "Taux d'absentéisme")])]


def test_a_word_table_of_coded_objectives_with_strategic_objectives_on_rows_across(tmp_path):
    """Under each « Axe 1 : … », a Word table « N° | Objectif opérationnel | Indicateur » whose strategic objectives
    are rows across (« Objectif stratégique 1.1 – … », cells merged) over rows « 1.1.1 | … | … »: the axes over
    their strategic objectives over the coded objectives, indicators left out (only the axes were read)."""
    import docx

    from cvclassify.taxonomy.importing import import_tree

    document = docx.Document()
    for number, (axis, rows) in enumerate(CODE_TABLES, 1):
        document.add_paragraph(f"Axe {number} : {axis}", style="Heading 1")
        table = document.add_table(rows=1, cols=3)
        for cell, text in zip(table.rows[0].cells, ("N°", "Objectif opérationnel", "Indicateur"), strict=True):
            cell.text = text
        for row in rows:
            cells = table.add_row().cells
            if len(row) == 1:
                cells[0].merge(cells[2]).text = row[0]
            else:
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
    document.save(tmp_path / "orbelac.docx")
    tree = import_tree(tmp_path / "orbelac.docx")[1]
    assert [(o.id, o.parent, o.label) for o in tree] == CODE_TABLE_TREE


def test_a_pdf_table_of_coded_objectives_with_wrapped_cells_and_strategic_objectives_across():
    """The same tables in a PDF's laid-out text: a header « N°  Objectif opérationnel  Indicateur » naming one level
    beside a code column, rows across, and cells wrapped on lines whose code cell is blank: one node per code, its
    wrapped end joined (« Louise- » / « Michel » keeps its hyphen), the indicator left out (the labels ran into the
    indicators' words)."""
    header = "N°         Objectif opérationnel                                  Indicateur"
    text = "\n".join([
        "## Axe 1 : Emploi, insertion et activité économique", "", header,
        "Objectif stratégique 1.1 – Favoriser l'accès à l'emploi des habitants",
        "1.1.1      Renforcer la présence de France Travail dans les       Nombre de demandeurs d'emploi résidant",
        "           quartiers                                              en QPV accompagnés",
        "1.1.2      Accompagner vers l'emploi les jeunes suivis par        Nombre de contrats d'engagement jeune",
        "           la Mission locale                                      signés par des résidents des QPV",
        "Objectif stratégique 1.2 – Soutenir l'entrepreneuriat",
        "1.2.1      Implanter un tiers-lieu économique au Mail             Taux d'occupation", "",
        "## Axe 2 : Éducation", "", header,
        "Objectif stratégique 2.1 – Favoriser la réussite éducative",
        "2.1.1      Étendre la Cité éducative au collège Louise-           Nombre d'élèves",
        "           Michel",
        "2.1.2      Lutter contre l'absentéisme scolaire                   Taux d'absentéisme dans les collèges",
        "                                                                  REP et REP+", "",
        "## Gouvernance", "", "Le comité de pilotage se réunit deux fois par an."])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent, o.label) for o in tree] == CODE_TABLE_TREE


def test_a_google_docs_markdown_export_gives_its_tree():
    """Google Docs' Markdown: headings with identifiers (« {#axe-1---grandir} »), bold escaped numbers
    (« **1\\.2\\.1\\.** »), a contents list of links ending with their page, italics, images and their base64
    definitions, transversal concerns named « une attention transversale à la jeunesse, à l'égalité … et à la … »
    (the labels kept their identifiers, the contents entries were axes of their own, the concerns were missed)."""
    text = "\n".join([
        "![][image1]", "", "# **CONTRAT DE VILLE 2024 – 2030 DU BASSIN DE CALVÉRAN**", "", "**Sommaire**", "",
        "[Préambule\t3](#heading=h.gjdgxs)", "", "[Axe 1 \\- Grandir et apprendre\t8](#heading=h.3znysh7)", "",
        "[Axe 2 \\- Travailler et entreprendre\t9](#heading=h.2et92p0)", "",
        "# **Préambule** {#préambule}", "",
        "Le contrat porte une attention transversale à la jeunesse, à l’égalité entre les femmes et les hommes et à la "
        "transition écologique, conformément à la circulaire du 31 août 2023[^2].", "",
        "## **Axe 1 \\- Grandir et apprendre** {#axe-1---grandir-et-apprendre}", "",
        "**1\\.1\\.** Accompagner les familles dès la naissance", "",
        "Soutien à la parentalité, accès aux modes d’accueil, avec la CAF.", "",
        "**1\\.2\\.** Faire réussir tous les élèves", "",
        "**1\\.2\\.1\\.** Renforcer la maîtrise des savoirs fondamentaux", "",
        "**1\\.2\\.2\\.** Lutter contre l’absentéisme au collège", "", "*Exemples d’actions :*", "",
        "* coup de pouce CLÉ ;", "* dispositif « Devoirs faits ».", "",
        "## **Axe 2 \\- Travailler et entreprendre** {#axe-2---travailler-et-entreprendre}", "",
        "**2\\.1\\.** Aller vers les publics invisibles", "", "**2\\.2\\.** Lever les freins à l’emploi des femmes",
        "", "# **Gouvernance et suivi** {#gouvernance-et-suivi}", "",
        "Le comité de pilotage se réunit deux fois par an.", "",
        "[image1]: <data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAMgAAAAy>"])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent, o.label) for o in tree if not o.transversal] == [
        ("1", None, "Grandir et apprendre"), ("1.1", "1", "Accompagner les familles dès la naissance"),
        ("1.2", "1", "Faire réussir tous les élèves"),
        ("1.2.1", "1.2", "Renforcer la maîtrise des savoirs fondamentaux"),
        ("1.2.2", "1.2", "Lutter contre l’absentéisme au collège"), ("2", None, "Travailler et entreprendre"),
        ("2.1", "2", "Aller vers les publics invisibles"), ("2.2", "2", "Lever les freins à l’emploi des femmes")]
    assert [o.label for o in tree.transversal] == ["la jeunesse", "l’égalité entre les femmes et les hommes",
                                                   "la transition écologique"]


def _word_xml(document, xml: str) -> None:
    """Append raw WordprocessingML paragraphs to a python-docx document's body (before its section settings)."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = document.element.body
    for element in parse_xml(f"<w:body {w}>{xml}</w:body>"):
        body.insert(len(body) - 1, element)


def test_a_word_draft_with_tracked_changes_content_controls_and_text_boxes(tmp_path):
    """What Word shows is read, not what python-docx's ``text`` holds: a tracked insertion in a label and a whole
    objective inserted in bold (lost: only the direct runs were read), deleted text and a deleted objective (left
    out), objectives inside a content control (lost: the body's controls were skipped), a control still showing
    its placeholder (left out), an axis title in a text box (lost), transversal concerns as ticked boxes, the
    unticked one left out."""
    import docx

    from cvclassify.taxonomy.importing import import_tree

    def run(text: str, bold: bool = False) -> str:
        return f'<w:r>{"<w:rPr><w:b/></w:rPr>" if bold else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'

    def para(inner: str) -> str:
        return f"<w:p>{inner}</w:p>"

    def box(text: str) -> str:  # a text box as Word writes it, with the fallback copy for older readers
        frame = f"<w:txbxContent>{para(run(text, True))}</w:txbxContent>"
        return ('<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
                f'<mc:Choice Requires="wps"><w:drawing><wps:txbx xmlns:wps="http://schemas.microsoft.com/office/'
                f'word/2010/wordprocessingShape">{frame}</wps:txbx></w:drawing></mc:Choice>'
                f'<mc:Fallback><w:pict><v:textbox xmlns:v="urn:schemas-microsoft-com:vml">{frame}</v:textbox>'
                "</w:pict></mc:Fallback></mc:AlternateContent></w:r>")

    ins = '<w:ins w:id="1" w:author="SPV" w:date="2024-04-18T09:30:00Z">{}</w:ins>'
    delete = '<w:del w:id="2" w:author="SPV" w:date="2024-04-18T09:30:00Z"><w:r><w:delText>{}</w:delText></w:r></w:del>'
    placeholder = ('<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt>')
    document = docx.Document()
    document.add_paragraph("Priorités transversales", style="Heading 1")
    document.add_paragraph("Cocher les priorités transversales retenues par les signataires :")
    for mark, concern in (("☒", "La jeunesse"), ("☐", "Le numérique"), ("☒", "La transition écologique")):
        document.add_paragraph(f"{mark}  {concern}")
    _word_xml(document, "".join([
        para(box("AXE 1 – Cohésion sociale")),
        para(run("Objectif 1.1 – Renforcer ", True) + ins.format(run("durablement ", True))
             + run("la prévention en santé", True) + delete.format(" et la santé mentale")),
        para(run("Les habitants ont exprimé de fortes attentes.")),
        para(delete.format("Objectif 1.2 – Créer un observatoire local de la jeunesse")),
        para(ins.format(run("Objectif 1.2 – Soutenir les associations de proximité", True))),
        para(box("AXE 2 – Emploi")),
        "<w:sdt><w:sdtPr><w:alias w:val=\"Objectifs\"/></w:sdtPr><w:sdtContent>"
        + para(run("Objectif 2.1 – Lever les freins périphériques à l’emploi", True))
        + para(run("Objectif 2.2 – Rapprocher les habitants des entreprises", True)) + "</w:sdtContent></w:sdt>",
        placeholder.format(para(run("Objectif 2.3 – Cliquez ou appuyez ici pour entrer du texte.", True)))]))
    document.add_paragraph("Gouvernance", style="Heading 1")
    document.add_paragraph("Le comité de pilotage se réunit deux fois par an.")
    document.save(tmp_path / "brouillon.docx")
    tree = import_tree(tmp_path / "brouillon.docx")[1]
    assert [(o.id, o.parent, o.label) for o in tree if not o.transversal] == [
        ("1", None, "Cohésion sociale"), ("1.1", "1", "Renforcer durablement la prévention en santé"),
        ("1.2", "1", "Soutenir les associations de proximité"), ("2", None, "Emploi"),
        ("2.1", "2", "Lever les freins périphériques à l’emploi"),
        ("2.2", "2", "Rapprocher les habitants des entreprises")]
    assert [o.label for o in tree.transversal] == ["La jeunesse", "La transition écologique"]


def test_a_level_word_before_a_curly_apostrophe_is_a_noun_not_a_lettered_heading():
    """« • Chantiers d’insertion dans les métiers du bâtiment » among examples: « Chantiers d » was a level
    « chantier » coded « D » (the curly apostrophe did not end the code), a node over the examples that followed."""
    text = "\n".join([
        "Axe 2 – Emploi", "", "Objectif 2.1 – Soutenir la création d’activité dans les quartiers",
        "Exemples d’actions :", "• Clauses d’insertion dans les marchés publics",
        "• Chantiers d’insertion dans les métiers du bâtiment", "• Places de crèche pour les parents en insertion", "",
        "Objectif 2.2 – Rapprocher les habitants des entreprises", "", "Gouvernance", "",
        "Le comité de pilotage se réunit deux fois par an."])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent) for o in tree] == [("2", None), ("2.1", "2"), ("2.2", "2")]


def test_a_dotted_objective_after_a_list_of_actions_at_its_own_indentation_goes_on_with_the_tree():
    """« Pistes d'action : » indented as the objectives « 1.1. », « 1.2. » of a Word multi-level list, its bullets
    further in: « 1.2. » after it is the next objective (it and its children were skipped with the actions)."""
    text = "\n".join([
        "Orientation 1 – Éducation, jeunesse et parentalité",
        "    1.1. Sécuriser les parcours éducatifs de 0 à 25 ans",
        "        1.1.1. Développer l'accueil des enfants de moins de trois ans",
        "    Pistes d'action :", "            • Cafés des parents dans les écoles maternelles",
        "    1.2. Accompagner les parents dans leur rôle éducatif",
        "        1.2.1. Déployer des lieux d'accueil enfants-parents",
        "    Pistes d'action :", "            • Séances de sport-santé sur ordonnance",
        "Orientation 2 – Emploi et insertion professionnelle",
        "    2.1. Améliorer le repérage des publics invisibles",
        "        2.1.1. Mobiliser les adultes-relais et les médiateurs sociaux", "", "Gouvernance", "",
        "Le comité de pilotage se réunit deux fois par an."])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent) for o in tree] == [("1", None), ("1.1", "1"), ("1.1.1", "1.1"), ("1.2", "1"),
                                               ("1.2.1", "1.2"), ("2", None), ("2.1", "2"), ("2.1.1", "2.1")]


@pytest.mark.parametrize("shape", ["word", "pdf"])
def test_codes_typed_with_a_tab_before_their_title(shape):
    """« I⇥Cohésion sociale », « I.1⇥Favoriser … », « I.1.a⇥Attirer … » typed with tabs: as Word's text (headings
    marked) and as a PDF's (a tab's width of spaces): the roman numeral heads its dotted codes (nothing was read)."""
    lines = [("I", "Cohésion sociale et santé"), ("I.1", "Favoriser l'accès aux soins et à la prévention"),
             ("I.1.a", "Attirer de nouveaux professionnels de santé"), ("I.1.b", "Développer la prévention"),
             ("II", "Emploi et insertion"), ("II.1", "Accompagner les publics éloignés de l'emploi"),
             ("II.1.a", "Renforcer la présence de la Mission locale"), ("II.1.b", "Développer les clauses sociales")]
    if shape == "word":
        text = "\n".join(f"\n#### {code} {label}\n" if "." not in code else f"\n##### {code} {label}\n"
                         if code.count(".") == 1 else f"    {code}\t{label}" for code, label in lines)
    else:
        text = "\n".join(f"{' ' * 9 * code.count('.')}{code}{' ' * (9 - len(code))}{label}" for code, label in lines)
    text = "Les orientations du contrat\n\n" + text + "\n\nGouvernance\n\nLe comité se réunit deux fois par an.\n"
    tree = best_parse(text)[1]
    assert [(o.code, o.parent, o.label) for o in tree] == [
        (code, code.rsplit(".", 1)[0] if "." in code else None, label) for code, label in lines]


def test_headings_naming_a_level_alone_or_a_list_of_actions_over_bullets():
    """Word headings « Objectifs opérationnels » and « Actions envisagées » over bullet lists under each strategic
    objective: the first list is the objective's children (« Objectifs opérationnels » was a node of its own), the
    second is left out (after a blank line, the actions were objectives)."""
    text = "\n".join([
        "### AXE 1", "", "##### Grandir et s’émanciper dans les quartiers", "", "###### Constats", "",
        "Une attention particulière sera portée aux familles monoparentales.", "",
        "## 1.1 – Garantir à chaque enfant un parcours éducatif sans rupture", "", "###### Objectifs opérationnels", "",
        "• Généraliser l’accompagnement à la scolarité", "• Réduire l’absentéisme au collège", "",
        "###### Actions envisagées", "", "• Séances de sport-santé sur ordonnance", "• Cafés des parents", "",
        "## 1.2 – Accompagner les jeunes vers l’autonomie", "", "###### Objectifs opérationnels", "",
        "• Faciliter l’accès au permis de conduire", "• Développer l’information jeunesse", "",
        "###### Actions envisagées", "", "• Lieu d’accueil enfants-parents itinérant", "", "# Gouvernance", "",
        "Le comité de pilotage se réunit deux fois par an."])
    tree = best_parse(text)[1]
    assert label_edges(tree) == [
        ("Grandir et s’émanciper dans les quartiers", None),
        ("Garantir à chaque enfant un parcours éducatif sans rupture", "Grandir et s’émanciper dans les quartiers"),
        ("Généraliser l’accompagnement à la scolarité", "Garantir à chaque enfant un parcours éducatif sans rupture"),
        ("Réduire l’absentéisme au collège", "Garantir à chaque enfant un parcours éducatif sans rupture"),
        ("Accompagner les jeunes vers l’autonomie", "Grandir et s’émanciper dans les quartiers"),
        ("Faciliter l’accès au permis de conduire", "Accompagner les jeunes vers l’autonomie"),
        ("Développer l’information jeunesse", "Accompagner les jeunes vers l’autonomie")]


def test_fiches_of_keys_and_values_naming_their_axis_and_coded_objective():
    """« FICHE-OBJECTIF N° 1 » blocks: « Axe de rattachement : Axe 1 – … », « Objectif stratégique : 1.1 – … »,
    « Objectifs opérationnels : » over bullets, then « Priorités transversales concernées : jeunesse, … » and
    « Constats : » dashes: each axis once over its coded objectives (the objectives were roots labelled « 1.1 – … »,
    the axes lost), the transversal concerns those the preamble lists (each fiche's attribute opened a list that took
    the « Constats »)."""
    def fiche(number: int, axis: str, code: str, objective: str, children: list[str], concerns: str) -> list[str]:
        return [f"FICHE-OBJECTIF N° {number}", "═" * 40, "", f"Axe de rattachement : {axis}",
                f"Objectif stratégique : {code} – {objective}", "", "Objectifs opérationnels :",
                *[f"   • {child}" for child in children], "", "Pilote : Ville de Saint-Escaut – CCAS",
                f"Priorités transversales concernées : {concerns}", "", "Constats :",
                "   - Taux de non-recours au RSA estimé à 34 %.", "   - Fermeture du bureau de poste en 2022.", ""]

    text = "\n".join([
        "Quatre priorités transversales sont prises en compte :", "   • la jeunesse ;",
        "   • la lutte contre les discriminations.", "",
        *fiche(1, "Axe 1 – Cohésion sociale", "1.1", "Rapprocher les services publics des habitants",
               ["Développer les permanences d'accès aux droits", "Accompagner les démarches numériques"],
               "lutte contre les discriminations"),
        *fiche(2, "Axe 1 – Cohésion sociale", "1.2", "Améliorer la santé des habitants",
               ["Favoriser l'installation de professionnels de santé"], "jeunesse"),
        *fiche(3, "Axe 2 – Emploi", "2.1", "Lever les freins à l'emploi", ["Développer la garde d'enfants"],
               "jeunesse, lutte contre les discriminations")])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent, o.label) for o in tree if not o.transversal and o.code] == [
        ("1", None, "Cohésion sociale"), ("1.1", "1", "Rapprocher les services publics des habitants"),
        ("1.2", "1", "Améliorer la santé des habitants"), ("2", None, "Emploi"),
        ("2.1", "2", "Lever les freins à l'emploi")]
    assert [tree[o.parent].code for o in tree.leaves if not o.transversal] == ["1.1", "1.1", "1.2", "2.1"]
    assert [o.label for o in tree.transversal] == ["la jeunesse", "la lutte contre les discriminations"]


def test_a_presentation_exported_as_text_gives_its_tree():
    """A COPIL's slides as text: « ===== Diapositive 7 ===== » separators and a footer on each slide, « Axe 1 |
    Réussite éducative » titles over « Nos objectifs » and « • 1.1 Développer … », an axis continued « (suite) » on
    the next slide, an axis's « Chiffres repères » slide and a method slide counting meetings: the axes over their
    coded objectives (nothing of it was read as the tree)."""
    footer = "Val de Sorne Agglomération | COPIL 14/03/2024                                {}"
    slides = [
        ["La méthode d’élaboration", "• 6 ateliers thématiques (octobre – décembre 2023)",
         "• 1 questionnaire en ligne : 412 réponses", "• 1 séminaire des partenaires (30 novembre 2023)"],
        ["Axe 1 | Réussite éducative et petite enfance", "Nos objectifs",
         "• 1.1 Développer l’accueil du jeune enfant dans les quartiers",
         "• 1.2 Prévenir le décrochage scolaire dès le collège", "", "Pistes d’actions (exemples)",
         "– Dispositif « Devoirs faits » élargi"],
        ["Axe 1 | Chiffres repères", "• Retard à l’entrée en 6e : 18 %", "• 1 Cité éducative labellisée en 2021"],
        ["Axe 2 | Emploi et insertion", "Nos objectifs", "• 2.1 Aller vers les habitants éloignés de l’emploi"],
        ["Axe 2 | Emploi et insertion (suite)", "Nos objectifs", "• 2.2 Mobiliser les entreprises du territoire"],
        ["Gouvernance", "• Un COPIL deux fois par an", "• Un comité technique chaque trimestre"]]
    text = "\n".join(line for number, slide in enumerate(slides, 5) for line in [
        f"==================== Diapositive {number} ====================", *slide, "", footer.format(number), ""])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent, o.label) for o in tree] == [
        ("1", None, "Réussite éducative et petite enfance"),
        ("1.1", "1", "Développer l’accueil du jeune enfant dans les quartiers"),
        ("1.2", "1", "Prévenir le décrochage scolaire dès le collège"), ("2", None, "Emploi et insertion"),
        ("2.1", "2", "Aller vers les habitants éloignés de l’emploi"),
        ("2.2", "2", "Mobiliser les entreprises du territoire")]


def test_a_web_page_of_ambitions_challenges_and_worksites_with_middle_dots():
    """A web page in Markdown: « ### Ambition 1 — … », « #### Défi 1.1 · … » (a middle dot after the code),
    « - **Chantier 1.1.1** — … », then « ## Comment nous travaillerons ensemble » over bullets: three levels, the
    last part out of the tree (the défis were not read; the governance bullets were the last défi's children)."""
    text = "\n".join([
        "# Brennac, des quartiers qui comptent", "", "## Trois ambitions, huit défis", "",
        "### Ambition 1 — Émanciper par l’éducation et l’emploi", "",
        "#### Défi 1.1 · Donner à chaque enfant les moyens de réussir", "",
        "- **Chantier 1.1.1** — Généraliser l’accueil des moins de trois ans",
        "- **Chantier 1.1.2** — Faire de la Cité éducative un levier", "",
        "#### Défi 1.2 · Ouvrir les portes de l’emploi", "",
        "### Ambition 2 — Habiter une ville plus juste", "", "#### Défi 2.1 · Réussir le renouvellement urbain", "",
        "- **Chantier 2.1.1** — Reloger dignement les ménages", "",
        "## Comment nous travaillerons ensemble", "",
        "- Le comité de pilotage se réunit deux fois par an.", "- Les conseils citoyens siègent dans les instances."])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent, str(o.level)) for o in tree] == [
        ("1", None, "ambition"), ("1.1", "1", "défi"), ("1.1.1", "1.1", "chantier"), ("1.1.2", "1.1", "chantier"),
        ("1.2", "1", "défi"), ("2", None, "ambition"), ("2.1", "2", "défi"), ("2.1.1", "2.1", "chantier")]


def test_a_logical_framework_with_activities_and_an_indicator_table_of_codes():
    """A consultant's logical framework: « ## Objectif général 1 : … » over « ### Objectif spécifique 1.1 : … »,
    each with « **Résultats attendus** » and « **Activités indicatives** » lists, then « | Code | Indicateur
    principal | Cible 2030 | » rows « | OS 1.1 | Taux d'absentéisme | 7 % | »: the two levels only (the activities
    were objectives, the indicators top nodes)."""
    def specific(code: str, label: str) -> list[str]:
        return [f"### Objectif spécifique {code} : {label}", "", "**Résultats attendus**",
                "- R1 : les familles des élèves absentéistes sont contactées", "", "**Activités indicatives**",
                "- Médiation scolaire par des adultes-relais", "- Forums de l'alternance dans les quartiers", ""]

    text = "\n".join([
        "# Contrat de ville 2024-2030 – Cadre logique", "",
        "## Objectif général 1 : Améliorer la réussite éducative des jeunes", "",
        *specific("1.1", "Réduire le décrochage scolaire des collégiens"),
        *specific("1.2", "Augmenter le nombre de jeunes accompagnés vers l'emploi"),
        "## Objectif général 2 : Améliorer le cadre de vie des habitants", "",
        *specific("2.1", "Améliorer la qualité des logements"),
        "## Tableau de suivi des cibles 2030", "", "| Code | Indicateur principal | Valeur de référence | Cible 2030 |",
        "|---|---|---|---|", "| OS 1.1 | Taux d'absentéisme au collège | 11 % | 7 % |",
        "| OS 1.2 | Jeunes en CEJ (résidents QPV) | 96 | 160 |", "| OS 2.1 | Logements réhabilités | 0 | 320 |"])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent, str(o.level)) for o in tree] == [
        ("1", None, "objectif général"), ("1.1", "1", "objectif spécifique"), ("1.2", "1", "objectif spécifique"),
        ("2", None, "objectif général"), ("2.1", "2", "objectif spécifique")]


def test_a_scanned_contract_read_by_character_recognition_with_a_recapitulative_table():
    """A scan's text: « 0bjectif 1.2 » and « Obiectif 2.2 » misread, then a recapitulative table « AXE 1   Vivre
    dignement …   2 objectifs » and « Total : 4 objectifs »: each objective under its axis (the misread ones were
    lost), the table adds nothing (its rows were axes of their own, « Total » an objective)."""
    text = "\n".join([
        "AXE 1 — Vivre dignement dans son quartier", "",
        "Objectif 1.1 : Améliorer la qualité du cadre de vie", "",
        "0bjectif 1.2 : Accompagner les habitants dans la transfor-", "mation des quartiers", "",
        "AXE 2 — Réussir sa scolarité", "", "Objectif 2.1 : Soutenir les familles", "",
        "Obiectif 2.2 : Rapprocher les demandeurs d'emploi des entreprises", "",
        "           Tableau 2 - Récapitulatif des axes et objectifs", "",
        "   AXE 1   Vivre dignement dans son quartier          2 objectifs",
        "   AXE 2   Réussir sa scolarité                       2 objectifs",
        "                     Total : 4 objectifs", "", "3. PILOTAGE, SUIVI ET ÉVALUATION", "",
        "Le comité de pilotage se réunit deux fois par an."])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent, o.label) for o in tree] == [
        ("1", None, "Vivre dignement dans son quartier"), ("1.1", "1", "Améliorer la qualité du cadre de vie"),
        ("1.2", "1", "Accompagner les habitants dans la transformation des quartiers"),
        ("2", None, "Réussir sa scolarité"), ("2.1", "2", "Soutenir les familles"),
        ("2.2", "2", "Rapprocher les demandeurs d'emploi des entreprises")]


def test_a_wiki_page_with_emoji_headings_and_toggles():
    """A note-taking tool's export: « ### 🏠 Axe 1 · Habiter … », objectives as toggles « ▸ Objectif 1.1 — … » over
    indented notes and examples, « - 🔴 … » points in the diagnostic: the axes over their objectives (the axes were
    lost and the objectives were roots)."""
    text = "\n".join([
        "# 🏙️ Contrat de ville Aurance Agglo 2024-2030", "", "## 📊 Diagnostic express", "",
        "- 🔴 logements anciens, factures d'énergie très élevées", "- 🟢 tissu associatif dense et mobilisé", "",
        "## 🎯 Axes et objectifs", "", "### 🏠 Axe 1 · Habiter et vivre ensemble", "",
        "▸ Objectif 1.1 — Rendre les logements plus confortables", "    **Exemples d'actions :**",
        "    - ambassadeurs de l'énergie", "    **Référent :** @Sophie L. (Aurance Habitat)", "",
        "▸ Objectif 1.2 — Faire vivre les espaces publics au quotidien", "",
        "### 💼 Axe 2 · Apprendre, se former, travailler", "",
        "▸ Objectif 2.1 — Lutter contre le décrochage scolaire", "    **Exemples d'actions :**",
        "    - tutorat étudiant", "", "## 🛠️ Gouvernance", "", "Un COPIL deux fois par an."])
    tree = best_parse(text)[1]
    assert [(o.id, o.parent, o.label) for o in tree] == [
        ("1", None, "Habiter et vivre ensemble"), ("1.1", "1", "Rendre les logements plus confortables"),
        ("1.2", "1", "Faire vivre les espaces publics au quotidien"), ("2", None, "Apprendre, se former, travailler"),
        ("2.1", "2", "Lutter contre le décrochage scolaire")]


def test_themes_listed_first_then_each_a_heading_over_a_list_of_the_same_bullet():
    """« Quatre thématiques : » over « •⇥Éducation … », then each thématique again as a plain heading over its
    « •⇥ » orientations and « ⇥–⇥ » objectives (Word's glyphs pasted into text), then « ENGAGEMENTS DES
    PARTENAIRES » in capitals: the themes over their orientations (the orientations were themes of their own, the
    first list's bullet being theirs, and « ENGAGEMENTS DES PARTENAIRES » was an engagement)."""
    text = "\n".join([
        "Le projet retient deux thématiques :", "•\tÉducation et parentalité", "•\tEmploi et insertion", "",
        "Éducation et parentalité", "",
        "•\tFavoriser la réussite scolaire des enfants", "\t–\tRenforcer l'accompagnement à la scolarité",
        "\t–\tSoutenir les parents dans leur rôle éducatif", "•\tAccompagner les jeunes vers l'autonomie",
        "\t–\tPrévenir les conduites à risque", "", "",
        "Emploi et insertion", "",
        "•\tLever les freins à l'emploi", "\t–\tFaciliter la mobilité des demandeurs d'emploi", "", "",
        "ENGAGEMENTS DES PARTENAIRES", "", "L'État", "•\tCrédits du programme 147 : 198 000 € en 2024"])
    tree = best_parse(text)[1]
    assert [(o.label, tree[o.parent].label[:12] if o.parent else None) for o in tree] == [
        ("Éducation et parentalité", None), ("Favoriser la réussite scolaire des enfants", "Éducation et"),
        ("Renforcer l'accompagnement à la scolarité", "Favoriser la"),
        ("Soutenir les parents dans leur rôle éducatif", "Favoriser la"),
        ("Accompagner les jeunes vers l'autonomie", "Éducation et"),
        ("Prévenir les conduites à risque", "Accompagner "),
        ("Emploi et insertion", None), ("Lever les freins à l'emploi", "Emploi et in"),
        ("Faciliter la mobilité des demandeurs d'emploi", "Lever les fr")]


def test_transversal_priorities_named_in_the_preamble_and_listed_again_are_read_once():
    """« … trois priorités transversales : la jeunesse, l'égalité entre les femmes et les hommes et la lutte contre
    les discriminations. » in the preamble, then the same three listed « a) », « b) », « c) »: three concerns, the
    second whole (it was cut at « femmes et les hommes », and each concern came twice)."""
    text = "\n".join([
        "Le contrat intègre trois priorités transversales : la jeunesse,",
        "l'égalité entre les femmes et les hommes et la lutte contre les discriminations.", "",
        "AXE 1 : COHÉSION SOCIALE", "",
        "Objectif opérationnel 1.1 : Développer l'accompagnement à la scolarité",
        "Objectif opérationnel 1.2 : Renforcer la prévention en santé", "",
        "TITRE IV – LES AXES TRANSVERSAUX", "",
        "Les trois priorités transversales suivantes irriguent l'ensemble des axes :", "",
        "   a) la jeunesse ;", "   b) l'égalité entre les femmes et les hommes ;",
        "   c) la lutte contre les discriminations.", "", "TITRE V – LA GOUVERNANCE", "", "Le comité se réunit."])
    tree = best_parse(text)[1]
    assert [o.label.casefold() for o in tree.transversal] == [
        "la jeunesse", "l'égalité entre les femmes et les hommes", "la lutte contre les discriminations"]


def test_a_pdf_heading_wrapped_before_a_word_carrying_a_note_mark_is_joined():
    """« Orientation stratégique 1.1 – Faire de la Cité éducative le cadre commun de l'action » over « éducative² »
    (its end, with a footnote's mark glued to it), both in the heading's type: one heading (its end was left as a
    line of text, the label cut)."""
    from cvclassify.io.readers.documents import _mark_headings

    heading = "Orientation stratégique 1.1 – Faire de la Cité éducative le cadre commun de l'action"
    body = "Le label obtenu en 2022 offre un cadre de coopération éprouvé entre les acteurs éducatifs."
    page = "\n".join([heading, "éducative2", body, body, "Axe 2 – Emploi et insertion", body, body])
    sizes = [[(11.5, heading, True), (11.5, "éducative", True), (7.0, "2", False), (9.0, body, False),
              (9.0, body, False), (11.5, "Axe 2 – Emploi et insertion", True), (9.0, body, False), (9.0, body, False)]]
    marked = _mark_headings([page], sizes)[0]
    assert f"# {heading} éducative2" in marked


def test_a_contents_list_whose_pages_stand_apart_without_leaders_is_not_the_tree():
    """LibreOffice's table of contents in a PDF: « ENJEU 1 : … » then spaces and the page, no dot leader: not
    nodes (each enjeu was read twice, « … DES JEUNES 4 » then the enjeu itself as « 1-bis »)."""
    text = "\n".join([
        "SOMMAIRE",
        "1. LE CONTEXTE            3",
        "   ENJEU 1 : RÉUSSITE ÉDUCATIVE ET ÉMANCIPATION DES JEUNES                 4",
        "   ENJEU 2 : EMPLOI ET FORMATION                                           5",
        "2. LA GOUVERNANCE                      6", "",
        "## 1. LE CONTEXTE", "", "Le territoire compte sept quartiers prioritaires.", "",
        "ENJEU 1 : RÉUSSITE ÉDUCATIVE ET ÉMANCIPATION DES JEUNES", "",
        "Orientation 1.1 – Agir dès la petite enfance",
        "Objectif opérationnel 1.1.1 – Développer les modes d'accueil du jeune enfant", "",
        "ENJEU 2", "EMPLOI ET FORMATION", "",
        "Orientation 2.1 – Lever les freins à l'emploi",
        "Objectif opérationnel 2.1.1 – Faciliter la mobilité des demandeurs d'emploi", "",
        "## 2. LA GOUVERNANCE", "", "Le comité de pilotage se réunit chaque année."])
    tree = best_parse(text)[1]
    assert [(o.id, o.label) for o in tree if not o.parent] == [
        ("1", "RÉUSSITE ÉDUCATIVE ET ÉMANCIPATION DES JEUNES"), ("2", "EMPLOI ET FORMATION")]
    assert len(tree) == 6


def test_a_banner_table_and_an_axis_titled_below_its_number_in_a_word_contract(tmp_path):
    """« AXE 1 » as a heading, its title as the next heading, and each orientation framed in a one-cell table
    (a shaded banner) over its bulleted objectives: the axis with its title over its orientations (the banner was
    a table of one column, and the axis took a sentence of its paragraph as its title)."""
    import docx

    document = docx.Document()
    for number, title, orientations in (
            ("AXE 1", "Vivre ensemble et accès aux droits",
             [("Orientation 1.1 – Renforcer l'accès aux droits", ["Développer le réseau France Services",
                                                                  "Lutter contre le non-recours"])]),
            ("AXE 2", "Éducation et jeunesse",
             [("Orientation 2.1 – Assurer la réussite éducative", ["Poursuivre le Programme de réussite éducative",
                                                                   "Prévenir les conduites à risque"])])):
        document.add_heading(number, level=1)
        document.add_heading(title, level=3)
        document.add_paragraph("Le non-recours aux droits et l'isolement d'une partie des habitants appellent une "
                               "présence renforcée des services publics.")
        for orientation, objectives in orientations:
            document.add_table(rows=1, cols=1).cell(0, 0).text = orientation
            for objective in objectives:
                document.add_paragraph(objective, style="List Bullet")
    path = tmp_path / "rivelande.docx"
    document.save(path)
    tree = best_parse(contract_text(path))[1]
    assert [(o.code, o.label, o.parent) for o in tree if not tree.is_leaf(o.id)] == [
        ("1", "Vivre ensemble et accès aux droits", None), ("1.1", "Renforcer l'accès aux droits", "1"),
        ("2", "Éducation et jeunesse", None), ("2.1", "Assurer la réussite éducative", "2")]
    assert len(tree.leaves) == 4


def test_a_grid_table_drawn_in_text_with_wrapped_cells_and_lists_in_cells():
    """A reStructuredText (or Pandoc) grid table, « +----+ » borders, indented under a directive: each cell's lines
    wrapped inside its column, the objectives a dash list in the « Objectifs » cell, examples and indicators in
    columns beside it, and a second grid table (governance) that is no tree. The concerns come in a sentence that
    goes on after its colon on the next line."""
    text = "\n".join([
        "Orientations stratégiques", "=========================", "",
        ".. table:: Cadre stratégique", "",
        "   +------------------+--------------------------------+-------------------------+",
        "   | Axe              | Objectifs                      | Exemples d'actions      |",
        "   +==================+================================+=========================+",
        "   | **Axe 1** –      | - 1.1 Garantir à chaque enfant | - Crèche AVIP au        |",
        "   | Petite enfance   |   un mode d'accueil adapté     |   quartier des Forges   |",
        "   | et parentalité   | - 1.2 Accompagner les parents  | - Ateliers parents-     |",
        "   |                  |   dans leur rôle éducatif      |   enfants               |",
        "   +------------------+--------------------------------+-------------------------+",
        "   | **Axe 2** –      | - 2.1 Renforcer le repérage    | - Maraudes numériques   |",
        "   | Emploi           |   des jeunes NEET              |                         |",
        "   |                  | - 2.2 Développer               |                         |",
        "   |                  |   l'entrepreneuriat            |                         |",
        "   +------------------+--------------------------------+-------------------------+", "",
        ".. important::", "",
        "   Deux priorités transversales irriguent les axes :",
        "   l'égalité entre les femmes et les hommes et l'inclusion numérique.", "",
        "Gouvernance", "===========", "",
        "+--------------------+------------------------------+",
        "| Instance           | Rôle                         |",
        "+====================+==============================+",
        "| Comité de pilotage | Valide la programmation et   |",
        "|                    | le bilan annuel              |",
        "+--------------------+------------------------------+",
    ])
    layout, tree = best_parse(text)
    assert layout == "tables"
    assert label_edges(tree) == [
        ("Petite enfance et parentalité", None),
        ("Garantir à chaque enfant un mode d'accueil adapté", "Petite enfance et parentalité"),
        ("Accompagner les parents dans leur rôle éducatif", "Petite enfance et parentalité"),
        ("Emploi", None), ("Renforcer le repérage des jeunes NEET", "Emploi"),
        ("Développer l'entrepreneuriat", "Emploi"),
        ("l'égalité entre les femmes et les hommes", None), ("l'inclusion numérique", None)]
    assert [o.code for o in tree if o.label[:1].isupper()] == ["1", "1.1", "1.2", "2", "2.1", "2.2"]
    assert [o.label for o in tree.transversal] == ["l'égalité entre les femmes et les hommes",
                                                    "l'inclusion numérique"]


def test_a_spreadsheet_export_pasted_into_an_email_is_read_as_a_table():
    """An e-mail with a « ; » export pasted into its body: every field quoted, axis and strategic objective repeated
    on every row, a strategic objective with empty operational columns (a leaf), a label holding « ; », pilot,
    indicator and neighbourhood columns beside the tree; then a second export of actions keyed by objective code,
    which is no tree."""
    header = ('"code_axe";"axe";"code_os";"objectif_strategique";"code_oo";"objectif_operationnel";"pilote";'
              '"qpv_concernes"')
    rows = [("1", "Éducation et parentalité", "1.1", "Favoriser la réussite scolaire", "1.1.1",
             "Renforcer l'accompagnement à la scolarité"),
            ("1", "Éducation et parentalité", "1.1", "Favoriser la réussite scolaire", "1.1.2",
             "Prévenir le décrochage ; accueillir les élèves exclus"),
            ("2", "Emploi et formation", "2.1", "Améliorer l'accès à l'emploi", "2.1.1",
             "Mobiliser les clauses sociales des marchés publics"),
            ("2", "Emploi et formation", "2.2", "Développer les compétences linguistiques", "", "")]
    text = "\n".join([
        "De : Élodie Garnier", "Objet : Contrat de ville - export du cadre stratégique (CSV)", "",
        "Bonjour Madame,", "", "Je colle ci-dessous le contenu du fichier (séparateur point-virgule).", "",
        "===== début du fichier cadre_strategique_v5.csv =====", header,
        *(";".join(f'"{v}"' for v in row) + ';"Ville";"Les Dunes, Le Port-Neuf"' for row in rows),
        "===== fin du fichier =====", "",
        '"num_action";"code_objectif";"intitule_action";"porteur"',
        '"A01";"1.1.1";"CLAS renforcé en collège";"Centre social des Dunes"',
        '"A02";"2.1.1";"Job dating de quartier";"Mission locale"',
        '"A03";"2.2";"Ateliers sociolinguistiques";"Centre social du Port-Neuf"', "",
        "Bien cordialement,", "Élodie Garnier"])
    layout, tree = best_parse(text)
    assert layout == "tables"
    assert [(o.code, o.label, tree[o.parent].code if o.parent else None) for o in tree] == [
        ("1", "Éducation et parentalité", None), ("1.1", "Favoriser la réussite scolaire", "1"),
        ("1.1.1", "Renforcer l'accompagnement à la scolarité", "1.1"),
        ("1.1.2", "Prévenir le décrochage ; accueillir les élèves exclus", "1.1"),
        ("2", "Emploi et formation", None), ("2.1", "Améliorer l'accès à l'emploi", "2"),
        ("2.1.1", "Mobiliser les clauses sociales des marchés publics", "2.1"),
        ("2.2", "Développer les compétences linguistiques", "2")]


def test_a_notion_callout_listing_the_concerns_with_emoji_for_bullets():
    """A note-taking tool's Markdown page: the transversal priorities announced in a callout (« > ») and listed one
    per line, each opened by an emoji instead of a bullet; the axes are emoji headings over their objectives."""
    text = "\n".join([
        "# Contrat de ville d'Aurance", "",
        "## 🔁 Priorités transversales", "",
        "> 🔁 Trois priorités transversales s'appliquent à tous les axes :",
        "> 🧒 Jeunesse", "> ⚖️ Égalité femmes-hommes", "> 🌱 Transition écologique", "",
        "## 🎯 Axes et objectifs", "",
        "### 🏠 Axe 1 · Habiter et vivre ensemble", "",
        "- Objectif 1.1 — Rendre les logements plus confortables",
        "- Objectif 1.2 — Apaiser les espaces publics", "",
        "### 💼 Axe 2 · Travailler et se former", "",
        "- Objectif 2.1 — Lever les freins à l'emploi",
        "- Objectif 2.2 — Former aux métiers qui recrutent"])
    tree = best_parse(text)[1]
    assert [o.label for o in tree.transversal] == ["Jeunesse", "Égalité femmes-hommes", "Transition écologique"]
    assert [(o.code, o.label) for o in tree.leaves] == [
        ("1.1", "Rendre les logements plus confortables"), ("1.2", "Apaiser les espaces publics"),
        ("2.1", "Lever les freins à l'emploi"), ("2.2", "Former aux métiers qui recrutent")]


def test_a_word_grid_of_boxes_one_axis_per_cell_with_letter_and_digit_codes(tmp_path):
    """The tree as a 2 × 2 grid of boxes in a Word contract, under a heading of the document: each cell an axis's
    title « A – … » over its objectives « A1 … », each followed by « Ex. : … » examples; a last row merged across
    the grid names the concerns between « • ». Each box is read as lines (the grid was one pipe row per row of
    boxes), « A1 » is coded under « A » as « A.1 » would be, and the document's heading is no level."""
    import docx

    boxes = [("A – Habiter un cadre de vie apaisé", ["A1 Poursuivre la rénovation thermique des logements",
                                                     "A2 Requalifier les espaces publics de Penhoat"]),
             ("B – Grandir et réussir à chaque âge", ["B1 Renforcer l'accueil du jeune enfant",
                                                      "B2 Prévenir le décrochage scolaire au collège"]),
             ("C – Travailler et entreprendre", ["C1 Lever les freins à l'emploi des femmes",
                                                 "C2 Développer l'insertion par l'activité économique"]),
             ("D – Prendre soin de soi et des autres", ["D1 Améliorer l'accès aux soins de premier recours",
                                                        "D2 Rompre l'isolement des personnes âgées"])]
    document = docx.Document()
    document.add_heading("Le projet de territoire en un coup d'œil", level=1)
    document.add_paragraph("Le contrat est organisé en quatre axes, présentés dans la grille ci-dessous.")
    table = document.add_table(rows=3, cols=2)
    for k, (title, objectives) in enumerate(boxes):
        cell = table.cell(k // 2, k % 2)
        cell.text = title
        for objective in objectives:
            cell.add_paragraph(objective)
            cell.add_paragraph("Ex. : ateliers en pied d'immeuble ; permanences au centre social")
    merged = table.cell(2, 0).merge(table.cell(2, 1))
    merged.text = ("Fils rouges transversaux : la jeunesse • l'égalité entre les femmes et les hommes • la "
                   "transition écologique")
    document.add_heading("Mise en œuvre", level=1)
    document.add_paragraph("Chaque axe est animé par un binôme de référents.")
    path = tmp_path / "kerbreac.docx"
    document.save(path)
    tree = best_parse(contract_text(path))[1]
    assert [(o.code, tree[o.parent].code if o.parent else None) for o in tree if o.label[:1].isupper()] == [
        ("A", None), ("A1", "A"), ("A2", "A"), ("B", None), ("B1", "B"), ("B2", "B"),
        ("C", None), ("C1", "C"), ("C2", "C"), ("D", None), ("D1", "D"), ("D2", "D")]
    assert tree["A1"].label == "Poursuivre la rénovation thermique des logements"
    assert [o.label for o in tree.transversal] == [
        "la jeunesse", "l'égalité entre les femmes et les hommes", "la transition écologique"]


def test_objectives_coded_by_their_axis_letter_and_rank():
    """« Objectif A1 : … » under « Axe A – … », and « B1 … » alone under « B – … »: codes that hold their axis's
    letter without a dot, each objective under its axis."""
    keyword = "\n".join(["Axe A – Habiter un cadre de vie apaisé",
                         "Objectif A1 : Poursuivre la rénovation thermique des logements",
                         "Objectif A2 : Requalifier les espaces publics", "",
                         "Axe B – Grandir et réussir à chaque âge",
                         "Objectif B1 : Renforcer l'accueil du jeune enfant",
                         "Objectif B2 : Prévenir le décrochage scolaire"])
    bare = "\n".join(["Le contrat retient deux axes.", "",
                      "A – Habiter un cadre de vie apaisé", "A1 Poursuivre la rénovation thermique des logements",
                      "A2. Requalifier les espaces publics", "",
                      "B – Grandir et réussir à chaque âge", "B1 – Renforcer l'accueil du jeune enfant",
                      "B2 Prévenir le décrochage scolaire"])
    for text in (keyword, bare):
        tree = best_parse(text)[1]
        assert [(o.code, tree[o.parent].code if o.parent else None) for o in tree] == [
            ("A", None), ("A1", "A"), ("A2", "A"), ("B", None), ("B1", "B"), ("B2", "B")]
        assert tree["B1"].label == "Renforcer l'accueil du jeune enfant"


def test_a_word_table_of_objectives_under_pillar_rows_with_a_column_of_ticked_boxes(tmp_path):
    """One table: « Prioritaire 2024-2026 | Objectif | Pilote(s) et partenaires », each pillar a row merged across
    the table, its objectives the rows below with a box ticked or not and their pilots, and a last row across naming
    the concerns between « ; ». The header names one level only: the pillars' rows make it the table's header."""
    import docx

    pillars = [("Pilier 1 – Cohésion sociale", [("☒", "Développer une offre de soins de premier recours", "ARS"),
                                                  ("☐", "Renforcer l'accompagnement des familles", "CAF")]),
               ("Pilier 2 – Emploi et développement économique",
                [("☒", "Accompagner vers l'emploi les publics éloignés", "France Travail"),
                 ("☐", "Maintenir les commerces de proximité", "CCI, EPARECA")])]
    document = docx.Document()
    document.add_heading("Tableau des engagements", level=1)
    table = document.add_table(rows=1, cols=3)
    for cell, title in zip(table.rows[0].cells, ("Prioritaire 2024-2026", "Objectif", "Pilote(s) et partenaires"),
                           strict=True):
        cell.text = title
    for pillar, objectives in pillars:
        row = table.add_row()
        row.cells[0].merge(row.cells[2]).text = pillar
        for values in objectives:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = value
    row = table.add_row()
    row.cells[0].merge(row.cells[2]).text = ("Priorités transversales, communes aux piliers : la jeunesse ; "
                                             "l'égalité femmes-hommes ; la lutte contre les discriminations")
    path = tmp_path / "castelvieil.docx"
    document.save(path)
    layout, tree = best_parse(contract_text(path))
    assert layout == "tables"
    assert [(o.label, tree[o.parent].label if o.parent else None) for o in tree if not o.transversal] == [
        ("Cohésion sociale", None), ("Développer une offre de soins de premier recours", "Cohésion sociale"),
        ("Renforcer l'accompagnement des familles", "Cohésion sociale"),
        ("Emploi et développement économique", None),
        ("Accompagner vers l'emploi les publics éloignés", "Emploi et développement économique"),
        ("Maintenir les commerces de proximité", "Emploi et développement économique")]
    assert [o.label for o in tree.transversal] == [
        "la jeunesse", "l'égalité femmes-hommes", "la lutte contre les discriminations"]


def test_a_heading_repeated_in_every_axis_is_no_running_header():
    """« ###### Constats » atop each axis of a Word contract (one section per axis), three times far apart: a heading
    of the document, not a running header left out — which made the paragraph below it run on the axis's title."""
    parts = []
    for n, axis, objective in ((1, "Grandir et s'émanciper dans les quartiers", "Favoriser la réussite éducative"),
                               (2, "Travailler et entreprendre", "Mobiliser les entreprises du territoire"),
                               (3, "Habiter un quartier agréable et sûr", "Poursuivre la transformation urbaine")):
        parts += [f"### AXE {n}", "", f"##### {axis}", "", "###### Constats", "",
                  "Les habitants rencontrés lors des ateliers de concertation ont exprimé de fortes attentes en la "
                  "matière. Cet objectif s'appuie sur les dispositifs existants.", "",
                  f"## {n}.1 – {objective}", "", "###### Objectifs opérationnels", "",
                  "• Renforcer la coordination des acteurs", "• Associer les habitants au suivi", "",
                  "###### Actions envisagées", "", "• Forums de recrutement en pied d'immeuble",
                  "• Diagnostics en marchant", "• Ateliers de quartier", ""]
    tree = best_parse("\n".join(parts))[1]
    assert [o.label for o in tree if not o.parent and not o.transversal] == [
        "Grandir et s'émanciper dans les quartiers", "Travailler et entreprendre",
        "Habiter un quartier agréable et sûr"]


def test_objectives_abbreviated_obj_in_typed_notes():
    """Notes typed in haste: « obj 1.1 : … », « Obj. 2.1 : … » under « AXE 1 - … », without accents; each « obj » is
    an objective (they ran on the axis's title)."""
    text = "\n".join(["AXE 1 - Education, jeunesse et parentalite",
                      "  obj 1.1 : Soutenir la parentalite des la petite enfance",
                      "  obj 1.2 : Prevenir le decrochage scolaire", "",
                      "AXE 2 - Emploi et insertion",
                      "  Obj. 2.1 : Accompagner les demandeurs d'emploi au plus pres des quartiers",
                      "  Obj. 2.2 : Developper l'economie sociale et solidaire"])
    tree = best_parse(text)[1]
    assert [(o.code, o.label, o.parent) for o in tree] == [
        ("1", "Education, jeunesse et parentalite", None),
        ("1.1", "Soutenir la parentalite des la petite enfance", "1"),
        ("1.2", "Prevenir le decrochage scolaire", "1"), ("2", "Emploi et insertion", None),
        ("2.1", "Accompagner les demandeurs d'emploi au plus pres des quartiers", "2"),
        ("2.2", "Developper l'economie sociale et solidaire", "2")]


def test_sections_numbered_like_the_axes_but_heading_no_objective_are_not_the_tree():
    """Chapters « 1. », « 2. », « 3. », each with sections in capitals « 1.1. LE CONTEXTE », « 2.1. LES QUARTIERS »,
    « 3.1. VIVRE MIEUX … »; only chapter 3's sections stand over objectives « 3.1.1. » (headings set in bold): they
    are the axes, the others the document's sections (no tree was read)."""
    lines = ["## 1. Le cadre du contrat", "", "1.1. LE CONTEXTE", "",
             "Le présent contrat succède au contrat de ville 2015-2023 et couvre la période 2024-2030.", "",
             "1.2. LES PRIORITÉS TRANSVERSALES", "",
             "Les signataires retiennent deux priorités transversales : la participation citoyenne et la lutte "
             "contre les discriminations.", "",
             "## 2. Le diagnostic partagé", "", "2.1. LES QUARTIERS CONCERNÉS", "",
             "• Les Acacias (QN99401L) – 3 870 habitants", "• Rive-Haute (QN99402L) – 2 950 habitants", "",
             "2.2. LES ENJEUX", "", "Le diagnostic fait ressortir un sentiment d'insécurité.", "",
             "## 3. Les engagements du contrat", ""]
    for code, axis, objectives in (("3.1", "VIVRE MIEUX DANS SON QUARTIER",
                                    ["Améliorer l'habitat de la résidence des Acacias",
                                     "Garantir la tranquillité résidentielle"]),
                                   ("3.2", "RÉUSSIR À TOUT ÂGE", ["Renforcer la continuité éducative",
                                                                  "Favoriser l'accès des jeunes aux loisirs"])):
        lines += [f"{code}. {axis}", "", "Les bailleurs sociaux seront étroitement associés.", ""]
        for k, objective in enumerate(objectives, start=1):
            lines += [f"##### {code}.{k}. {objective}", "", "L'enjeu est de garantir une meilleure lisibilité.",
                      "Actions envisagées :", "   • Ateliers de sensibilisation aux éco-gestes",
                      "   • Diagnostics en marchant", ""]
    lines += ["## 4. La gouvernance", "", "4.1. LE COMITÉ DE PILOTAGE", "", "Il se réunit deux fois par an."]
    tree = best_parse("\n".join(lines))[1]
    assert [(o.code, o.label, o.parent) for o in tree if not o.transversal] == [
        ("3.1", "VIVRE MIEUX DANS SON QUARTIER", None),
        ("3.1.1", "Améliorer l'habitat de la résidence des Acacias", "3.1"),
        ("3.1.2", "Garantir la tranquillité résidentielle", "3.1"), ("3.2", "RÉUSSIR À TOUT ÂGE", None),
        ("3.2.1", "Renforcer la continuité éducative", "3.2"),
        ("3.2.2", "Favoriser l'accès des jeunes aux loisirs", "3.2")]


def test_a_line_announcing_a_list_at_every_page_foot_is_no_running_footer():
    """« Actions envisagées : » over its bullets near the foot of every page of a PDF: repeated where running
    footers stand, it still announces a list of examples (left out as furniture, its examples became objectives);
    « Paraphes : » over the running footer is furniture."""
    pages = []
    for n, (code, objective, actions) in enumerate((
            ("1.1", "Améliorer l'habitat des Acacias", ["Ateliers éco-gestes", "Diagnostics en marchant"]),
            ("1.2", "Garantir la tranquillité résidentielle", ["Éclairage public à LED", "Médiation de soirée"]),
            ("2.1", "Renforcer la continuité éducative", ["Ateliers sociolinguistiques", "Accueil parents"]),
            ("2.2", "Favoriser l'accès des jeunes aux loisirs", ["Pass'Sport", "Sorties culturelles"])), start=1):
        axis = (["AXE 1 – VIVRE MIEUX DANS SON QUARTIER", ""] if code == "1.1" else
                ["AXE 2 – RÉUSSIR À TOUT ÂGE", ""] if code == "2.1" else [])
        pages.append("\n".join(["Contrat de ville de Lunéac 2024-2030", "", *axis,
                                f"Objectif {code} – {objective}", "",
                                "L'enjeu est de garantir une meilleure lisibilité de l'offre pour les habitants.", "",
                                "Actions envisagées :", *(f"   • {a}" for a in actions), "",
                                "Paraphes :", f"Contrat de ville de Lunéac – page {n} / 4"]))
    tree = best_parse("\f".join(pages))[1]
    assert [(o.code, o.parent) for o in tree if not o.transversal] == [
        ("1", None), ("1.1", "1"), ("1.2", "1"), ("2", None), ("2.1", "2"), ("2.2", "2")]
    assert "Paraphes" not in " ".join(o.label + o.description for o in tree)


def test_a_pdf_table_under_a_header_naming_one_level_with_pillar_rows_across():
    """The PDF of a Word table « Prioritaire 2024-2026 | Objectif | Pilote(s) et partenaires » laid out in columns:
    the header names one level (its first cell wrapped), each pillar a line across the table, each objective a row
    with a ticked box and its pilots, labels wrapped in their column."""
    rows = [
        "    Prioritaire       Objectif                                                 Pilote(s) et partenaires",
        "    2024-2026", "", "#### Pilier 1 – Cohésion sociale", "",
        "        ☒             Développer une offre de soins de premier recours dans    ARS, Ville, CPAM",
        "                      le quartier du Faubourg-Est",
        "        ☐             Renforcer l’accompagnement des familles                  CAF, Département, centres",
        "                      monoparentales                                           sociaux", "",
        "#### Pilier 2 – Emploi et développement économique", "",
        "        ☒             Accompagner vers l’emploi les publics les plus éloignés  France Travail,",
        "                      avec France Travail                                      Mission locale",
        "        ☐             Maintenir les commerces de proximité                     CCI, EPARECA", "",
        " Priorités transversales, communes aux deux piliers : la jeunesse ; l’égalité femmes-hommes ; la lutte contre",
        " les discriminations", "", "## Gouvernance", "", "Le comité de pilotage se réunit deux fois par an."]
    layout, tree = best_parse("\n".join(["## Tableau des engagements", "", *rows]))
    assert layout == "tables"
    assert [(o.label, tree[o.parent].label if o.parent else None) for o in tree if not o.transversal] == [
        ("Cohésion sociale", None),
        ("Développer une offre de soins de premier recours dans le quartier du Faubourg-Est", "Cohésion sociale"),
        ("Renforcer l’accompagnement des familles monoparentales", "Cohésion sociale"),
        ("Emploi et développement économique", None),
        ("Accompagner vers l’emploi les publics les plus éloignés avec France Travail",
         "Emploi et développement économique"),
        ("Maintenir les commerces de proximité", "Emploi et développement économique")]


def test_an_objective_and_its_explanation_in_one_paragraph_and_concerns_in_a_key_table():
    """« Objectif 2.2 : Encourager l'esprit d'entreprendre. Un accompagnement … » — a short label, then its
    explanation in the same paragraph — is the label and a description, the label however short; the
    concerns come from a row of a « Cadre du contrat » table of keys (« | Priorités transversales | a – b – c | »)."""
    text = "\n".join([
        "| Cadre du contrat |  |", "| Territoire | Communauté d'agglomération de Castelmoran |",
        "| Priorités transversales | Jeunesse – Égalité femmes-hommes – Lutte contre les discriminations |",
        "| Pilotage | État et Communauté d'agglomération |", "",
        "## AXE 1 : EMPLOI ET DÉVELOPPEMENT ÉCONOMIQUE", "",
        "Objectif 1.1 : Rapprocher les demandeurs d'emploi des entreprises du territoire. Des rencontres entre "
        "employeurs et habitants seront organisées avec France Travail.",
        "Objectif 1.2 : Encourager l'esprit d'entreprendre. Un accompagnement renforcé sera proposé aux porteurs de "
        "projets, depuis l'idée jusqu'aux premières années.", "",
        "## AXE 2 : CADRE DE VIE ET TRANQUILLITÉ PUBLIQUE", "",
        "Objectif 2.1 : Prévenir la délinquance et apaiser les relations. La présence d'adultes-relais sera "
        "renforcée aux Terrasses, en soirée et pendant les vacances.",
        "Objectif 2.2 : Améliorer la qualité des espaces publics. Les habitants seront associés aux diagnostics en "
        "marchant de chaque quartier."])
    tree = best_parse(text)[1]
    assert [(o.code, o.label) for o in tree.leaves] == [
        ("1.1", "Rapprocher les demandeurs d'emploi des entreprises du territoire"),
        ("1.2", "Encourager l'esprit d'entreprendre"), ("2.1", "Prévenir la délinquance et apaiser les relations"),
        ("2.2", "Améliorer la qualité des espaces publics")]
    assert tree["1.2"].description.startswith("Un accompagnement renforcé")
    assert [o.label for o in tree.transversal] == ["Jeunesse", "Égalité femmes-hommes",
                                                    "Lutte contre les discriminations"]


def test_a_table_whose_last_row_names_the_concerns_and_fiches_restating_their_axis():
    """« | Priorités transversales : la jeunesse, … |  |  | » across the last row of an « Axe | N° | Objectif » table
    is no axis; a fiche's « Axe de rattachement | Axe 1 – … » under the heading « Axe 1 – … » is that axis, not a
    level below it."""
    table = "\n".join([
        "| Axe | N° | Objectif | Indicateur |",
        "| Axe 1 – Emploi et insertion | 1.1 | Augmenter le taux d'emploi des habitants | Taux d'emploi |",
        "|  | 1.2 | Développer l'apprentissage et l'alternance | Contrats signés |",
        "| Axe 2 – Habitat et cadre de vie | 2.1 | Améliorer l'état du parc social | Logements réhabilités |",
        "| Priorités transversales : la jeunesse, l'égalité entre les femmes et les hommes et la transition "
        "écologique. |  |  |  |"])
    tree = best_parse(table)[1]
    assert [(o.code, o.parent) for o in tree if not o.transversal] == [
        ("1", None), ("1.1", "1"), ("1.2", "1"), ("2", None), ("2.1", "2")]
    assert [o.label for o in tree.transversal] == [
        "la jeunesse", "l'égalité entre les femmes et les hommes", "la transition écologique"]
    fiches = []
    for axis, objectives in (("Axe 1 – Emploi et formation", ["1.1 Améliorer l'accès à l'emploi des habitants",
                                                             "1.2 Développer les compétences et la formation"]),
                             ("Axe 2 – Santé et accès aux droits", ["2.1 Réduire les inégalités d'accès aux soins"])):
        fiches += [f"## {axis}", ""]
        for objective in objectives:
            fiches += [f"| Axe de rattachement | {axis} |", f"| Objectif | {objective} |",
                       "| Objectifs opérationnels | • Organiser des forums de recrutement • Mobiliser les employeurs |",
                       "| Pilote | France Travail |", ""]
    tree = best_parse("\n".join(fiches))[1]
    assert [(o.code, o.label, tree[o.parent].code if o.parent else None) for o in tree if o.code] == [
        ("1", "Emploi et formation", None), ("1.1", "Améliorer l'accès à l'emploi des habitants", "1"),
        ("1.2", "Développer les compétences et la formation", "1"), ("2", "Santé et accès aux droits", None),
        ("2.1", "Réduire les inégalités d'accès aux soins", "2")]


@pytest.mark.parametrize("named", [
    "Priorités transversales : la jeunesse et l'égalité entre les femmes et les hommes.",
    "Deux priorités transversales s'appliquent à chacun des axes du contrat :\n\n| La jeunesse | L'égalité entre "
    "les femmes et les hommes |"])
def test_two_concerns_joined_by_et_or_set_in_the_cells_of_a_row(named):
    """« la jeunesse et l'égalité entre les femmes et les hommes »: the « et » of « entre les femmes et les hommes »
    splits nothing (it gave « les hommes » as a concern); concerns in the cells of a row under the sentence."""
    text = "\n".join(["# Priorités transversales", "", named, "", "# Axes et objectifs", "",
                      "## Habiter un quartier agréable et durable", "",
                      "• Améliorer le logement et les espaces extérieurs", "• Apaiser la vie quotidienne", "",
                      "## Apprendre, se former et travailler", "", "• Réussir à l'école", "• Accéder à l'emploi"])
    tree = best_parse(text)[1]
    assert [o.label.casefold() for o in tree.transversal] == [
        "la jeunesse", "l'égalité entre les femmes et les hommes"]


def test_a_part_of_the_document_ranks_its_own_lists():
    """The bullets of « Ce que nous ont dit les habitants » come first; under the next part « # Nos orientations »,
    « ## A. … » still heads its bullets (the earlier bullets had ranked over the lettered axes: each objective a root
    and « B. » under the last one)."""
    text = "\n".join([
        "## Ce que nous ont dit les habitants", "",
        "• Des logements mieux isolés et des charges maîtrisées ;",
        "• Des activités pour les adolescents le soir et pendant les vacances.", "",
        "# Nos orientations pour 2030", "", "Trois axes structurent le contrat.", "",
        "## A. Un habitat digne et un cadre de vie apaisé", "",
        "• Poursuivre la réhabilitation thermique du parc social",
        "• Accompagner les copropriétés dégradées du Moulin-Neuf", "",
        "## B. Des parcours éducatifs et professionnels réussis", "",
        "• Consolider la Cité éducative des Cèdres", "• Lutter contre le décrochage scolaire", "",
        "# Gouvernance", "", "Le comité se réunit deux fois par an."])
    tree = best_parse(text)[1]
    assert [(o.code, tree[o.parent].code if o.parent else None) for o in tree] == [
        ("A", None), ("", "A"), ("", "A"), ("B", None), ("", "B"), ("", "B")]


def test_a_pdf_table_whose_titles_are_centred_over_their_columns():
    """A PDF's table « Axe | N° | Objectif | Indicateur » laid out in columns: the titles centred over their columns,
    so « Objectif » stands far right of where its cells start, nearer to « N° »; the axis cells centred in the height
    of their rows. Each line's second cell nearest « N° » starts the « Objectif » column (the label had joined the
    codes' column and no objective was read)."""
    lines = [
        "         Axe                N°                       Objectif                               Indicateur",
        "                            1.1     Augmenter le taux d’emploi des                Taux d’emploi des 15-64",
        "                                    habitants des quartiers                       ans",
        "Axe 1 – Emploi et           1.2     Développer l’apprentissage et                 Nombre de contrats",
        "insertion                           l’alternance                                  d’apprentissage signés",
        "                            1.3     Favoriser la création d’activité              Nombre de créations",
        "                            2.1     Renforcer l’accueil des enfants de            Taux de scolarisation à",
        "Axe 2 – Éducation                   moins de trois ans                            deux ans",
        "et parentalité              2.2     Réduire l’absentéisme au collège              Taux d’absentéisme des",
        "                                                                                  collégiens", "",
        "La gouvernance du contrat est décrite ci-après."]
    layout, tree = best_parse("\n".join(["## Axes et objectifs du contrat", "", *lines]))
    assert layout == "tables"
    assert [(o.code, o.label, o.parent) for o in tree] == [
        ("1", "Emploi et insertion", None), ("1.1", "Augmenter le taux d’emploi des habitants des quartiers", "1"),
        ("1.2", "Développer l’apprentissage et l’alternance", "1"), ("1.3", "Favoriser la création d’activité", "1"),
        ("2", "Éducation et parentalité", None), ("2.1", "Renforcer l’accueil des enfants de moins de trois ans", "2"),
        ("2.2", "Réduire l’absentéisme au collège", "2")]


def test_a_pdf_table_whose_second_title_is_centred_and_whose_lines_hold_one_cell():
    """« Objectif stratégique   Objectifs opérationnels » laid out from a PDF, the second title centred: most lines
    hold one operational objective alone, starting left of its centred title and running across it; they are cells,
    not prose ending the table (a line from the left margin would be)."""
    lines = [
        "### Axe 1 – Cohésion sociale et accès aux droits", "", "",
        "       Objectif stratégique                                     Objectifs opérationnels", "",
        "                                            Implanter un espace France Services dans chaque",
        "                                            quartier prioritaire", "",
        "1.1 Garantir l’accès aux droits             Accompagner les habitants dans leurs démarches",
        "et aux services publics                     dématérialisées", "",
        "                                            Lutter contre le non-recours aux prestations", "",
        "1.2 Soutenir la vie associative             Conforter les centres sociaux comme lieux ressources",
        "et le lien social                           Pérenniser les postes d’adultes-relais", "",
        "Partenaires mobilisés : CAF, CPAM, ARS, centres sociaux, communes, associations de médiation."]
    layout, tree = best_parse("\n".join(lines))
    assert layout == "tables"
    assert [(o.label, tree[o.parent].code if o.parent else None) for o in tree] == [
        ("Cohésion sociale et accès aux droits", None), ("Garantir l’accès aux droits et aux services publics", "1"),
        ("Implanter un espace France Services dans chaque quartier prioritaire", "1.1"),
        ("Accompagner les habitants dans leurs démarches dématérialisées", "1.1"),
        ("Lutter contre le non-recours aux prestations", "1.1"), ("Soutenir la vie associative et le lien social", "1"),
        ("Conforter les centres sociaux comme lieux ressources", "1.2"),
        ("Pérenniser les postes d’adultes-relais", "1.2")]


MARKUP_SOURCES = {
    "asciidoc": ["= Contrat de ville de Valbrune", ":toc:", "", "== Préambule", "", "Le contrat est signé.", "",
                 "== Axe 1 : Favoriser l'accès à l'emploi", "", "=== Objectif 1.1 : Lever les freins à l'emploi", "",
                 ". Développer des solutions de garde d'enfants", ". Faciliter la mobilité vers les zones d'activité",
                 "", "== Axe 2 : Réussir à l'école", "", "=== Objectif 2.1 : Prévenir le décrochage scolaire", "",
                 ". Renforcer le programme de réussite éducative", ". Ouvrir les collèges aux parents"],
    "mediawiki": ["{{Infobox contrat|territoire=Port-Brial}}", "== Préambule ==", "Le contrat est signé.", "",
                  "== Axe 1 : Favoriser l'accès à l'emploi ==",
                  "=== Objectif 1.1 : Lever les freins à l'emploi ===",
                  "# Développer des solutions de garde d'enfants<ref>Voir le schéma\ndépartemental.</ref>",
                  "# Faciliter la mobilité vers les zones d'[[activité]]",
                  "== Axe 2 : Réussir à l'école ==", "=== Objectif 2.1 : Prévenir le décrochage scolaire ===",
                  "# Renforcer le programme de [[PRE|réussite éducative]]", "# Ouvrir les collèges aux parents"],
    "latex": ["\\documentclass{article}", "\\begin{document}", "\\tableofcontents", "\\section{Préambule}",
              "Le contrat est signé.", "\\section{Axe 1 -- Favoriser l'accès à l'emploi}",
              "\\subsection{Objectif 1.1 -- Lever les freins à l'emploi}", "\\begin{enumerate}",
              "  \\item Développer des solutions de garde d'enfants\\footnote{Avec la CAF.}",
              "  \\item Faciliter la mobilité vers les zones d'activité", "\\end{enumerate}",
              "\\section{Axe 2 -- Réussir à l'école}", "\\subsection{Objectif 2.1 -- Prévenir le décrochage scolaire}",
              "\\begin{itemize}", "  \\item Renforcer le programme de \\textbf{réussite éducative}",
              "  \\item Ouvrir les collèges aux parents", "\\end{itemize}", "\\end{document}"],
    "org": ["#+TITLE: Contrat de ville de Lagrave", "#+TODO: TODO EN-COURS | DONE", "",
            "* Notes de réunion :noexport:", "** Idées non retenues", "   - Créer une monnaie locale de quartier",
            "* Axe 1 : Favoriser l'accès à l'emploi                 :emploi:", "  :PROPERTIES:",
            "  :PILOTE:   Préfecture", "  :END:", "** Objectif 1.1 : Lever les freins à l'emploi",
            "*** TODO Développer des solutions de garde d'enfants", "    DEADLINE: <2025-01-31 ven.>",
            "*** EN-COURS Faciliter la mobilité vers les zones d'activité",
            "* Axe 2 : Réussir à l'école", "** Objectif 2.1 : Prévenir le décrochage scolaire",
            "*** Renforcer le programme de réussite éducative", "*** DONE Ouvrir les collèges aux parents"]}


@pytest.mark.parametrize("markup", list(MARKUP_SOURCES))
def test_contracts_kept_as_asciidoc_mediawiki_latex_or_org_sources(markup):
    """An intranet's AsciiDoc, a wiki's MediaWiki source, a LaTeX report or an Org file: their headings and lists
    read as Markdown's, their markup (links, notes, commands, drawers, task keywords, unexported notes) left out."""
    tree = best_parse("\n".join(MARKUP_SOURCES[markup]))[1]
    assert [(o.code or None, o.label, tree[o.parent].code if o.parent else None) for o in tree] == [
        ("1", "Favoriser l'accès à l'emploi", None), ("1.1", "Lever les freins à l'emploi", "1"),
        (None, "Développer des solutions de garde d'enfants", "1.1"),
        (None, "Faciliter la mobilité vers les zones d'activité", "1.1"),
        ("2", "Réussir à l'école", None), ("2.1", "Prévenir le décrochage scolaire", "2"),
        (None, "Renforcer le programme de réussite éducative", "2.1"), (None, "Ouvrir les collèges aux parents", "2.1")]


def test_a_web_page_saved_by_a_text_browser_loses_its_link_numbers():
    """lynx -dump writes each link's number before its text (« [28]Kervalan-les Dunes »): the labels keep the text
    only."""
    text = "\n".join(["Axe 1 - L'éducation et la jeunesse", "",
                      "     * Renforcer la cité éducative de [28]Kervalan-les Dunes",
                      "     * Prévenir le décrochage scolaire au collège", "",
                      "Axe 2 - La santé et l'accès aux droits", "",
                      "     * Garantir l'accès aux droits grâce au réseau [30]France Services",
                      "     * Développer la médiation en santé", "", "References", "",
                      "  28. https://www.bordemer.fr/quartiers/kervalan"])
    tree = best_parse(text)[1]
    assert [o.label for o in tree.leaves] == [
        "Renforcer la cité éducative de Kervalan-les Dunes", "Prévenir le décrochage scolaire au collège",
        "Garantir l'accès aux droits grâce au réseau France Services", "Développer la médiation en santé"]


def test_a_heading_left_of_indented_axes_over_a_paragraph_ends_the_tree():
    """A web page's text (lynx): axes indented under the page's own flush-left headings; « Qui finance ? » over a
    paragraph and a list of amounts ends the tree, while the objectives under a flush-left heading over their list
    stay in it, under that heading."""
    text = "\n".join([
        "Les axes du contrat", "",
        "  Axe 1 - L'emploi et l'insertion", "",
        "Aller vers les jeunes", "",
        "     * Accompagner chaque jeune vers une formation ou un emploi",
        "     * Lever les freins à la mobilité", "",
        "  Axe 2 - L'éducation et la jeunesse", "",
        "Réussir à l'école", "",
        "     * Renforcer la Cité éducative",
        "     * Soutenir la parentalité", "",
        "Qui finance ?", "",
        "   Les actions sont financées par l'État, l'agglomération et les communes.", "",
        "     * État : 1,2 million d'euros par an",
        "     * Communes : 350 000 euros par an"])
    tree = best_parse(text)[1]
    assert set(label_edges(tree)) == {
        ("L'emploi et l'insertion", None), ("L'éducation et la jeunesse", None),
        ("Aller vers les jeunes", "L'emploi et l'insertion"), ("Réussir à l'école", "L'éducation et la jeunesse"),
        ("Accompagner chaque jeune vers une formation ou un emploi", "Aller vers les jeunes"),
        ("Lever les freins à la mobilité", "Aller vers les jeunes"),
        ("Renforcer la Cité éducative", "Réussir à l'école"), ("Soutenir la parentalité", "Réussir à l'école")}
