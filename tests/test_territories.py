"""Every territory's tree: spreadsheets, projects made from the command line with a cold-start model, trees of
any depth, transversal concerns, the national nomenclature and a second coding beside the first."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cvclassify import Classifier, TaxonomyError
from cvclassify.cli import app
from cvclassify.projects import CONFIG_FILE, Home
from cvclassify.taxonomy.spreadsheet import read_tree, tree_from_rows, write_template
from tests.conftest import ROOT
from tests.tree_support import label_edges

TERRITORIES = ROOT / "corpus" / "territories"


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".csv"])
def test_the_template_reads_back_as_a_tree(tmp_path, suffix):
    tree = read_tree(write_template(tmp_path / f"arbre{suffix}"), "essai")
    assert [o.id for o in tree.leaves] == ["1.1", "1.2", "reperer-accompagner-jeunes-sans"]
    assert tree["reperer-accompagner-jeunes-sans"].parent == "emploi-insertion"  # a parent named by its label
    assert tree["reperer-accompagner-jeunes-sans"].level == "orientation"  # derived from the depth
    assert [o.label for o in tree.transversal] == ["L'égalité entre les femmes et les hommes"]
    assert tree["1.1"].lexicon[0] == "PRE" and tree["1.1"].anct_2024 == ("1.1",)
    again = read_tree(write_template(tmp_path / "again" / f"arbre{suffix}"), "essai")
    assert again.to_dict() == tree.to_dict()  # stable codes


def test_a_tree_with_errors_names_each_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "arbre.csv"
    bad.write_text("code;libellé;code parent\n1;Emploi;\n1;Santé;\n2;;\n3;Sport;99\n4;Culture;5\n5;Loisirs;4\n"
                   "6;Enjeu A;\n7;Enjeu B;\n8;Accès aux soins;6\n9;Accès aux soins;7\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["taxonomy", "import", str(bad), "-o", str(tmp_path / "arbre.json")])
    assert result.exit_code == 1
    for message in ("ligne 3 : le code « 1 » est déjà celui de la ligne 2", "ligne 4 : le libellé est vide",
                    "ligne 5 : le code parent « 99 »", "boucle", "ligne 11 : l'objectif « Accès aux soins » figure "
                    "aussi ligne 10"):
        assert message in " ".join(result.output.split()), message
    assert not (tmp_path / "arbre.json").exists()


def test_a_code_a_spreadsheet_turned_into_a_number_is_named_in_the_error(tmp_path):
    """« 1.10 » saved by a spreadsheet as the number 1.1 collides with « 1.1 »: the message says what happened."""
    bad = tmp_path / "arbre.csv"
    bad.write_text("code;libellé\n1;Emploi\n1.1;Accompagner\n1.1;Former\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"comme le nombre 1\.1"):
        read_tree(bad, "sablonnieres")


def test_rows_in_yaml_without_codes_get_stable_generated_codes(tmp_path):
    rows = tmp_path / "arbre.yaml"
    rows.write_text("- libellé: Réussite éducative\n- libellé: Conforter le PRE\n  code parent: Réussite éducative\n"
                    "- libellé: Santé\n- libellé: Accès aux soins\n  code parent: Santé\n", encoding="utf-8")
    tree = read_tree(rows, "yaml")
    assert tree.leaf_ids == ["conforter-pre", "acces-soins"] and tree.depth == 2
    with pytest.raises(TaxonomyError, match="aucune ligne"):
        tree_from_rows([], "vide")


WIDE = [("Axe", "Orientation", "Objectif opérationnel", "Description", "Mots-clés"),
        ("Axe 1 – Réussite éducative", "Accompagner la scolarité", "Développer l'aide aux devoirs", "CLAS",
         "CLAS | aide aux devoirs"),
        ("Axe 1 – Réussite éducative", "Accompagner la scolarité", "Associer les parents à l'école", "", ""),
        ("Axe 1 – Réussite éducative", "Ouvrir la culture aux enfants", "Proposer des ateliers artistiques", "", ""),
        ("Axe 2 – Emploi", "Lever les freins", "Développer la garde d'enfants à horaires atypiques", "", ""),
        ("Axe 2 – Emploi", "Lever les freins", "Accompagner la mobilité vers l'emploi", "permis", "")]


@pytest.mark.parametrize("shape", ["repeated", "merged"])
def test_a_spreadsheet_with_one_column_per_level_is_read_as_its_tree(tmp_path, shape):
    """What teams hold: « Axe | Orientation | Objectif », each row repeating its parents or merged cells."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in WIDE:
        sheet.append(row)
    if shape == "merged":
        for cells in ("A2:A4", "B2:B3", "A5:A6", "B5:B6"):
            sheet.merge_cells(cells)
    book.save(tmp_path / "arbre.xlsx")
    tree = read_tree(tmp_path / "arbre.xlsx", "lorvanne")
    assert [(o.code, o.label) for o in tree.roots()] == [("1", "Réussite éducative"), ("2", "Emploi")]
    parents = {o.label: tree[o.parent].label for o in tree.leaves}
    assert parents == {"Développer l'aide aux devoirs": "Accompagner la scolarité",
                       "Associer les parents à l'école": "Accompagner la scolarité",
                       "Proposer des ateliers artistiques": "Ouvrir la culture aux enfants",
                       "Développer la garde d'enfants à horaires atypiques": "Lever les freins",
                       "Accompagner la mobilité vers l'emploi": "Lever les freins"}
    assert {o.level for o in tree.leaves} == {"objectif opérationnel"}
    assert len(tree) == 2 + 3 + 5
    leaf = {o.label: o for o in tree.leaves}
    assert leaf["Développer l'aide aux devoirs"].description == "CLAS"
    assert leaf["Développer l'aide aux devoirs"].lexicon == ("CLAS", "aide aux devoirs")
    assert leaf["Accompagner la mobilité vers l'emploi"].description == "permis"


def test_a_cold_start_project_from_a_wide_spreadsheet_names_unnumbered_objectives_by_label(tmp_path, monkeypatch):
    import openpyxl

    home = tmp_path / "home"
    monkeypatch.setenv("CVCLASSIFY_HOME", str(home))
    runner = CliRunner()
    assert runner.invoke(app, ["projects", "init", str(home)]).exit_code == 0
    book = openpyxl.Workbook()
    for row in [("Thématique", "Objectif")] + [(axis, leaf) for axis, _, leaf, *_ in WIDE[1:]]:
        book.active.append([cell.split("– ")[-1] for cell in row])
    book.save(tmp_path / "arbre.xlsx")
    made = runner.invoke(app, ["projects", "create", "lorvanne", "--tree", str(tmp_path / "arbre.xlsx")])
    assert made.exit_code == 0, made.output
    from cvclassify import render

    result = Classifier.load(project="lorvanne").suggest("Cours de conduite et aide au permis pour rejoindre un "
                                                         "emploi en zone industrielle", k=3)
    assert result.suggestions[0].objective["code"] == "emploi"
    # the objective's label, not its generated id
    assert render.cli_rows(result)[0][3] == "Emploi"
    assert {row[3] for row in render.cli_rows(result)} <= {"Emploi", "Réussite éducative"}


def test_show_reads_a_contract_and_says_which_layout(tmp_path):
    result = CliRunner().invoke(app, ["taxonomy", "show", str(TERRITORIES / "pays-de-lorn" / "contrat.txt")])
    assert result.exit_code == 0, result.output
    assert "heading-lists" in result.output and "26 codes" in result.output
    assert "Place et parole des jeunes" in result.output


def test_a_one_level_tree_rolls_up_to_itself(tmp_path):
    from cvclassify.evaluation.metrics import evaluate_scores
    from cvclassify.result import TreeView
    from cvclassify.taxonomy import load_taxonomy

    tree = load_taxonomy(ROOT / "corpus" / "objectives" / "metz-2024-2030.json")
    assert tree.depth == 1 and len(tree.leaves) == 5 and len(tree.transversal) == 3
    assert tree.group_of("emploi").id == tree.axis_of("emploi").id == "emploi"
    scores = np.array([[0.9, 0.05, 0.02, 0.02, 0.01]])
    report = evaluate_scores(scores, [{"emancipation"}], tree.leaf_ids, tree)
    assert report["leaf"]["P@1"] == report["objective"]["P@1"] == report["axis"]["P@1"] == 1.0
    suggestion = TreeView(tree, tree.leaf_ids).suggestion("emploi", 0.8, True)
    assert suggestion.objective["code"] == "emploi" and suggestion.national["2024-2030"]["code"] == "5.1"


def test_metz_2024_2030_is_shipped_with_concerns_and_national_themes():
    model = Classifier.load(project="metz-2024-2030")
    result = model.suggest("Atelier d'autodéfense pour les femmes victimes de violences conjugales", k=3)
    assert {t.id for t in result.transversal} == {"egalite-femmes-hommes", "lutte-discriminations",
                                                   "valeurs-republique-laicite"}
    assert result.transversal[0].id == "egalite-femmes-hommes" and result.transversal[0].selected
    assert "national" in result.to_dict()["suggestions"][0]
    card = model.card
    assert card.metrics["heldout"]["leaf"]["P@1"] >= 0.85 and "transversal" in card.metrics["heldout"]
    assert Home.open().default_project == "metz-2015-2020" and next(iter(Home.open().projects)) == "metz-2015-2020"


def test_classify_writes_both_codings_the_national_theme_and_agreement(tmp_path):
    source = tmp_path / "export.csv"
    source.write_text("Libellé de l'action;Objectif;Thème;Sous-thèmes\n"
                      "ASL mamans;Ateliers de français pour les mères;1 - Cohésion sociale;1.5 - Lien social\n"
                      "Job dating;Rencontre entre entreprises et demandeurs d'emploi;2;1.4 - Culture\n",
                      encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["classify", str(source), "-o", str(out), "--also", "metz-2024-2030",
                                      "-w", "1"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig"), delimiter=";"))
    assert [r["cv_accord_anct"] for r in rows] == ["oui", "non"]
    assert rows[0]["cv_metz-2024-2030_code_1"] == "emancipation" and rows[1]["cv_metz-2024-2030_code_1"] == "emploi"
    assert "2024-2030 : 2.3" in rows[0]["cv_sous_theme_anct"]
    summary = json.loads(result.output.strip().splitlines()[-1])["summary"]
    assert summary["anct_agreement"] == [1, 2] and any("50 %" in n for n in summary["notes"])


def test_a_service_serves_a_new_project_without_a_restart(tmp_path):
    """A project declared in the data home while the service runs is served after the next refresh."""
    from cvclassify.service.pool import ModelPool

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(ROOT / CONFIG_FILE, home / CONFIG_FILE)
    for rel in ("corpus", "models"):
        (home / rel).symlink_to(ROOT / rel)
    config = (home / CONFIG_FILE).read_text(encoding="utf-8")
    (home / CONFIG_FILE).write_text(config.replace('''[projects.metz-2024-2030]''', '''[projects.ignored]
title = "x"
taxonomy = "corpus/objectives/metz-2024-2030.json"
corpus = "corpus/proposals"
heldout = "corpus/splits/heldout.txt"
models = "models/none"
''').split("[projects.ignored]")[0], encoding="utf-8")
    pool = ModelPool(Home.open(home), ("metz-2015-2020",))
    pool.load()
    assert pool.names == ("metz-2015-2020",)
    (home / CONFIG_FILE).write_text(config, encoding="utf-8")
    assert pool.refresh() == [f"metz-2024-2030@{pool.home.project('metz-2024-2030').current_version()}"]
    assert pool.model("metz-2024-2030")[1].card.project == "metz-2024-2030"


@pytest.mark.slow
def test_projects_create_makes_a_cold_start_project_that_suggests_at_once(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("CVCLASSIFY_HOME", str(home))
    runner = CliRunner()
    assert runner.invoke(app, ["projects", "init", str(home)]).exit_code == 0
    contract = TERRITORIES / "val-de-sorbe" / "contrat.txt"
    made = runner.invoke(app, ["projects", "create", "val-de-sorbe", "--tree", str(contract), "--title", "Val"])
    assert made.exit_code == 0, made.output
    assert "démarrage à froid" in made.output
    suggested = runner.invoke(app, ["suggest", "-p", "val-de-sorbe", "--json",
                                    "Accompagnement à la scolarité des collégiens le soir (CLAS)"])
    body = json.loads(suggested.output)
    assert body["suggestions"][0]["code"].startswith("1.") and body["decision"]["route"] != "auto"
    model = Classifier.load(project="val-de-sorbe")
    assert "démarrage à froid" in model.card.notes and model.card.cold_start["source_project"] == "metz-2015-2020"
    assert model.decision.decider.auto_threshold > 1
    again = runner.invoke(app, ["projects", "create", "val-de-sorbe", "--tree", str(contract)])
    assert again.exit_code == 1 and "existe déjà" in again.output
    for name in ("a b", "../x", "Val"):
        refused = runner.invoke(app, ["projects", "create", name, "--tree", str(contract)])
        assert refused.exit_code == 1 and "Nom de projet refusé" in refused.output
    assert sorted(p.name for p in (home / "models").iterdir()) == ["metz-2015-2020", "metz-2024-2030", "val-de-sorbe"]


def test_a_project_whose_tree_is_unreadable_is_not_created(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("CVCLASSIFY_HOME", str(home))
    runner = CliRunner()
    assert runner.invoke(app, ["projects", "init", str(home)]).exit_code == 0
    empty = tmp_path / "vide.txt"
    empty.write_text("Compte rendu de réunion.\n", encoding="utf-8")
    result = runner.invoke(app, ["projects", "create", "vide", "--tree", str(empty)])
    assert result.exit_code == 1 and "Dispositions essayées" in " ".join(result.output.split())
    assert "vide" not in (home / CONFIG_FILE).read_text(encoding="utf-8")
    assert not (home / "corpus" / "objectives" / "vide.json").exists() and not (home / "models" / "vide").exists()
    unknown = runner.invoke(app, ["suggest", "-p", "nulle-part", "texte"])
    assert unknown.exit_code == 1 and "inconnu" in unknown.output


CODED_WIDE = [("Code axe", "Axe", "N°", "Orientation", "Code", "Objectif opérationnel", "Mots-clés"),
              ("1", "Réussite éducative", "1.1", "Accompagner la scolarité", "1.1.1", "Développer l'aide aux devoirs",
               "CLAS"),
              ("1", "Réussite éducative", "1.1", "Accompagner la scolarité", "1.1.2", "Associer les parents à l'école",
               ""),
              ("", "", "1.2", "Ouvrir la culture aux enfants", "1.2.1", "Proposer des ateliers artistiques", ""),
              ("2", "Emploi", "2.1", "Lever les freins", "2.1.1", "Développer la garde d'enfants à horaires atypiques",
               ""),
              ("2", "Emploi", "2.1", "Lever les freins", "2.1.2", "Accompagner la mobilité vers l'emploi", "permis")]


def test_a_spreadsheet_with_a_code_column_beside_each_level_keeps_the_codes(tmp_path):
    """« Code axe | Axe | N° | Orientation | Code | Objectif » : each level's code in a column of its own (the
    codes are what exports and past files name, so they must not become generated ids)."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in CODED_WIDE:
        book.active.append(row)
    book.save(tmp_path / "arbre.xlsx")
    tree = read_tree(tmp_path / "arbre.xlsx", "lorvanne")
    assert [(o.code, o.label) for o in tree.roots()] == [("1", "Réussite éducative"), ("2", "Emploi")]
    assert [(o.code, o.label, o.parent) for o in tree.leaves] == [
        ("1.1.1", "Développer l'aide aux devoirs", "1.1"), ("1.1.2", "Associer les parents à l'école", "1.1"),
        ("1.2.1", "Proposer des ateliers artistiques", "1.2"),
        ("2.1.1", "Développer la garde d'enfants à horaires atypiques", "2.1"),
        ("2.1.2", "Accompagner la mobilité vers l'emploi", "2.1")]
    assert tree["1.2"].parent == "1" and tree["1.1.1"].lexicon == ("CLAS",)



@pytest.mark.parametrize("header", ["Code", "N°", "Code objectif"])
def test_a_leaf_code_column_first_goes_with_the_level_its_codes_are_as_deep_as(tmp_path, header):
    """« Code | Axe | Orientation | Objectif opérationnel », upper levels repeated on every row and « 1.2.3 » in the
    first column: the codes are the objectives' (three parts, the third level), not the axes'."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append([header, "Axe", "Orientation", "Objectif opérationnel"])
    for code, axis, orientation, objective in (
            ("1.1.1", "Réussite éducative", "Accompagner la scolarité", "Développer l'aide aux devoirs"),
            ("1.1.2", "Réussite éducative", "Accompagner la scolarité", "Associer les parents à l'école"),
            ("1.2.1", "Réussite éducative", "Ouvrir la culture", "Proposer des ateliers artistiques"),
            ("2.1.1", "Emploi", "Lever les freins", "Développer la garde d'enfants")):
        book.active.append([code, axis, orientation, objective])
    book.save(tmp_path / "arbre.xlsx")
    tree = read_tree(tmp_path / "arbre.xlsx", "ornay")
    assert [o.label for o in tree.roots()] == ["Réussite éducative", "Emploi"]
    assert [(o.code, o.label, tree[o.parent].label) for o in tree.leaves] == [
        ("1.1.1", "Développer l'aide aux devoirs", "Accompagner la scolarité"),
        ("1.1.2", "Associer les parents à l'école", "Accompagner la scolarité"),
        ("1.2.1", "Proposer des ateliers artistiques", "Ouvrir la culture"),
        ("2.1.1", "Développer la garde d'enfants", "Lever les freins")]


def test_a_workbook_whose_first_sheet_is_a_notice_is_read_from_the_sheet_that_holds_the_tree(tmp_path):
    """« Notice » (a few lines of instructions), then the tree on the second sheet, its codes in a « N° » column."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notice"
    book.active.append(["Arbre des objectifs du contrat de ville d'Hautmesnil"])
    book.active.append(["Une ligne par objectif ; le niveau dit où il se place."])
    tree_sheet = book.create_sheet("Arbre")
    for row in (("N°", "Libellé", "Niveau"), ("1", "Réussite éducative", "axe"),
                ("1.1", "Développer l'aide aux devoirs", "objectif"), ("2", "Emploi", "axe"),
                ("2.1", "Accompagner la mobilité vers l'emploi", "objectif")):
        tree_sheet.append(row)
    book.save(tmp_path / "arbre.xlsx")
    tree = read_tree(tmp_path / "arbre.xlsx", "hautmesnil")
    assert [(o.code, o.label, o.parent) for o in tree] == [
        ("1", "Réussite éducative", None), ("1.1", "Développer l'aide aux devoirs", "1"), ("2", "Emploi", None),
        ("2.1", "Accompagner la mobilité vers l'emploi", "2")]


ONE_COLUMN = [("Arbre des objectifs du contrat de ville de Ferrignac", 0, True), ("Réussite éducative", 0, True),
              ("Accompagner la scolarité", 1, False), ("Développer l'aide aux devoirs", 2, False),
              ("Associer les parents à l'école", 2, False), ("Emploi", 0, True),
              ("Lever les freins à l'emploi", 1, False), ("Accompagner la mobilité vers l'emploi", 2, False)]
"""A one-column tree: each row's label, indentation (in indent steps) and weight."""
ONE_COLUMN_TREE = [("Réussite éducative", None), ("Accompagner la scolarité", "Réussite éducative"),
                   ("Développer l'aide aux devoirs", "Accompagner la scolarité"),
                   ("Associer les parents à l'école", "Accompagner la scolarité"), ("Emploi", None),
                   ("Lever les freins à l'emploi", "Emploi"),
                   ("Accompagner la mobilité vers l'emploi", "Lever les freins à l'emploi")]


def one_column_xlsx(path: Path, indented: bool = True, bold: bool = True) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    for row, (label, indent, strong) in enumerate(ONE_COLUMN, start=1):
        cell = book.active.cell(row=row, column=1, value=label)
        cell.alignment = Alignment(indent=indent if indented else 0)
        cell.font = Font(bold=strong and bold)
    book.save(path)
    return path


def one_column_ods(path: Path) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import ParagraphProperties, Style, TableCellProperties, TextProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    styles = {}
    for indent in (0, 1, 2):  # LibreOffice writes an indented cell as a left margin of its paragraph
        style = Style(name=f"ce{indent}", family="table-cell")
        style.addElement(TableCellProperties())
        style.addElement(ParagraphProperties(marginleft=f"{0.353 * indent:.3f}cm"))
        style.addElement(TextProperties(fontweight="bold" if indent == 0 else "normal"))
        document.automaticstyles.addElement(style)
        styles[indent] = style
    sheet = Table(name="Arbre")
    for label, indent, _ in ONE_COLUMN:
        row = TableRow()
        cell = TableCell(valuetype="string", stylename=styles[indent])
        cell.addElement(P(text=label))
        row.addElement(cell)
        sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    document.save(str(path))
    return path


@pytest.mark.parametrize("kind", ["xlsx-indent", "xlsx-bold-and-indent", "ods-indent", "csv-spaces"])
def test_a_one_column_tree_is_read_from_its_indentation_or_its_bold(tmp_path, kind):
    """A single column whose levels are shown by the cells' indentation (Excel's or LibreOffice's « retrait »,
    or spaces typed before the label) or their weight is read as an outline: its title row is not a node."""
    if kind == "xlsx-indent":
        path = one_column_xlsx(tmp_path / "retraits.xlsx", bold=False)
    elif kind == "xlsx-bold-and-indent":
        path = one_column_xlsx(tmp_path / "retraits.xlsx")
    elif kind == "ods-indent":
        path = one_column_ods(tmp_path / "retraits.ods")
    else:
        path = tmp_path / "retraits.csv"
        path.write_text("\n".join(" " * (3 * indent) + label for label, indent, _ in ONE_COLUMN) + "\n",
                        encoding="utf-8")
    tree = read_tree(path, "ferrignac")
    assert label_edges(tree) == ONE_COLUMN_TREE
    assert "retrait" in tree.warnings[0]


def test_bold_alone_shows_the_top_level_of_a_one_column_tree(tmp_path):
    """Without indentation, bold rows are the level above the others."""
    tree = read_tree(one_column_xlsx(tmp_path / "gras.xlsx", indented=False), "ferrignac")
    assert label_edges(tree)[:3] == [
        ("Réussite éducative", None), ("Accompagner la scolarité", "Réussite éducative"),
        ("Développer l'aide aux devoirs", "Réussite éducative")]


def test_a_one_column_tree_whose_rows_all_look_alike_says_its_levels_are_missing(tmp_path):
    """A single column with neither indentation nor bold is refused with a message that says what to add; a
    « Libellé » column alone is a flat list of objectives."""
    one = tmp_path / "sans-retrait.csv"
    one.write_text("Arbre des objectifs\nRéussite éducative\nDévelopper l'aide aux devoirs\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"n'a qu'une colonne.*ni retrait, ni gras.*mettez en retrait"):
        read_tree(one, "ferrignac")
    plain = one_column_xlsx(tmp_path / "sans-retrait.xlsx", indented=False, bold=False)
    with pytest.raises(TaxonomyError, match=r"n'a qu'une colonne"):
        read_tree(plain, "ferrignac")
    flat = tmp_path / "liste.csv"
    flat.write_text("Libellé\nDévelopper l'aide aux devoirs\nAccompagner la mobilité vers l'emploi\n", encoding="utf-8")
    assert {o.level for o in read_tree(flat, "ferrignac")} == {"objectif"}


def test_a_list_of_dotted_codes_without_parents_is_nested_by_its_codes(tmp_path):
    """« Code | Libellé » only, as many teams export their tree: « 1.1.2 » goes under « 1.1 », « 1.1 » under « 1 »
    (a code whose prefix is not listed stays at the top)."""
    rows = tmp_path / "codes.csv"
    rows.write_text("Code;Libellé\n1;Réussite éducative\n1.1;Accompagner la scolarité\n"
                    "1.1.1;Développer l'aide aux devoirs\n1.1.2;Associer les parents à l'école\n2;Emploi\n"
                    "2.1.1;Accompagner la mobilité vers l'emploi\n", encoding="utf-8")
    tree = read_tree(rows, "sorbiers")
    assert [(o.code, o.parent) for o in tree] == [("1", None), ("1.1", "1"), ("1.1.1", "1.1"), ("1.1.2", "1.1"),
                                                   ("2", None), ("2.1.1", "2")]
    assert tree.leaf_ids == ["1.1.1", "1.1.2", "2.1.1"]
    assert "placé sous l'objectif dont le code prolonge le sien" in tree.warnings[0]  # said, not silently done


def test_rows_listed_as_an_outline_with_their_level_are_nested_in_reading_order(tmp_path):
    """« Niveau | Libellé » in reading order, no codes and no parents: each row under the last row of the level
    above it."""
    rows = tmp_path / "arbre.csv"
    rows.write_text("Niveau;Libellé\nAxe;Réussite éducative\nObjectif;Développer l'aide aux devoirs\n"
                    "Objectif;Associer les parents à l'école\nAxe;Emploi\nObjectif;Accompagner la mobilité vers "
                    "l'emploi\n", encoding="utf-8")
    tree = read_tree(rows, "sorbiers")
    assert [o.label for o in tree.roots()] == ["Réussite éducative", "Emploi"]
    assert [(o.label, tree[o.parent].label) for o in tree.leaves] == [
        ("Développer l'aide aux devoirs", "Réussite éducative"),
        ("Associer les parents à l'école", "Réussite éducative"), ("Accompagner la mobilité vers l'emploi", "Emploi")]
    assert "dernière ligne du niveau au-dessus" in tree.warnings[0]


def test_a_plan_with_a_title_row_and_columns_that_are_not_levels_gives_its_tree(tmp_path):
    """A title row above the header, then « Thématique | Objectif stratégique | Objectif opérationnel | Pilote |
    Partenaires | Indicateurs »: the header is found, the other columns are left out."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Contrat de ville 2024-2030 – Plan d'actions"])
    sheet.append([])
    sheet.append(["Thématique", "Objectif stratégique", "Objectif opérationnel", "Pilote", "Partenaires",
                  "Indicateurs"])
    for row in [("Éducation", "Favoriser la réussite scolaire", "Renforcer l'accompagnement à la scolarité", "Ville",
                 "Éducation nationale", "Nombre d'enfants suivis"),
                ("", "", "Prévenir le décrochage scolaire", "Département", "Collèges", "Taux d'absentéisme"),
                ("Emploi", "Lever les freins à l'emploi", "Favoriser la mobilité des demandeurs d'emploi",
                 "France Travail", "Région", "Nombre de permis")]:
        sheet.append(row)
    book.save(tmp_path / "plan.xlsx")
    tree = read_tree(tmp_path / "plan.xlsx", "plan")
    assert [(o.label, o.level) for o in tree.roots()] == [("Éducation", "thématique"), ("Emploi", "thématique")]
    assert [(o.label, tree[o.parent].label) for o in tree.leaves] == [
        ("Renforcer l'accompagnement à la scolarité", "Favoriser la réussite scolaire"),
        ("Prévenir le décrochage scolaire", "Favoriser la réussite scolaire"),
        ("Favoriser la mobilité des demandeurs d'emploi", "Lever les freins à l'emploi")]


def test_themes_of_one_word_are_a_level(tmp_path):
    """« Thématique;Objectif » with « Éducation », « Emploi » repeated on each row: two levels, not leaves alone."""
    (tmp_path / "arbre.csv").write_text(
        "Thématique;Objectif\nÉducation;Renforcer l'accompagnement à la scolarité\n"
        "Éducation;Prévenir le décrochage scolaire\nEmploi;Favoriser la mobilité\n", encoding="utf-8")
    tree = read_tree(tmp_path / "arbre.csv", "arbre")
    assert [o.label for o in tree.roots()] == ["Éducation", "Emploi"]
    assert [tree[o.parent].label for o in tree.leaves] == ["Éducation", "Éducation", "Emploi"]


def test_a_csv_tree_with_a_title_row_and_json_lines_without_a_header_give_a_tree_or_a_clear_error(tmp_path):
    """A CSV exported from a plan whose first row is a title (« Plan …;; »); JSON Lines whose first record is not
    the header: a French error, never a traceback."""
    (tmp_path / "plan.csv").write_text("Plan du contrat de ville 2024-2030;;\n;;\nThématique;Objectif;Pilote\n"
                                       "Éducation;Renforcer la scolarité;Ville\nEmploi;Favoriser la mobilité;Région\n",
                                       encoding="utf-8")
    tree = read_tree(tmp_path / "plan.csv", "plan")
    assert [(o.label, tree[o.parent].label) for o in tree.leaves] == [("Renforcer la scolarité", "Éducation"),
                                                                      ("Favoriser la mobilité", "Emploi")]
    (tmp_path / "arbre.jsonl").write_text('{"titre": "Plan"}\n{"a": "Thématique", "b": "Objectif"}\n',
                                          encoding="utf-8")
    with pytest.raises(TaxonomyError, match="libellé"):
        read_tree(tmp_path / "arbre.jsonl", "arbre")


def test_a_workbook_with_one_sheet_per_axis_gives_every_axis(tmp_path):
    """« Sommaire », then one sheet per axis named « Axe 1 - Éducation » with « Orientation | Objectif
    opérationnel », then « Indicateurs »: each sheet is an axis, named by its sheet (only the first axis was read);
    a « Total » row is not a node."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Sommaire"
    book.active.append(["Contrat de ville 2024-2030 – Communauté d'agglomération de Vauclerc"])
    book.active.append(["Axe 1 - Éducation"])
    for name, rows in (("Axe 1 - Éducation", [("Favoriser la réussite éducative", "Développer l'aide aux devoirs"),
                                               ("", "Associer les parents à l'école")]),
                       ("Axe 2 - Emploi", [("Lever les freins à l'emploi", "Développer la garde d'enfants"),
                                           ("Total : 2 objectifs", "")])):
        sheet = book.create_sheet(name)
        sheet.append(["Orientation", "Objectif opérationnel"])
        for row in rows:
            sheet.append(row)
    indicators = book.create_sheet("Indicateurs")
    indicators.append(["Axe", "Indicateur", "Cible 2030"])
    indicators.append(["Axe 1", "Taux de réussite au brevet", "85 %"])
    book.save(tmp_path / "arbre.xlsx")
    tree = read_tree(tmp_path / "arbre.xlsx", "vauclerc")
    assert label_edges(tree) == [
        ("Éducation", None), ("Favoriser la réussite éducative", "Éducation"),
        ("Développer l'aide aux devoirs", "Favoriser la réussite éducative"),
        ("Associer les parents à l'école", "Favoriser la réussite éducative"),
        ("Emploi", None), ("Lever les freins à l'emploi", "Emploi"),
        ("Développer la garde d'enfants", "Lever les freins à l'emploi")]
    assert [o.code for o in tree.roots()] == ["1", "2"]


def test_a_total_row_under_a_wide_tree_is_not_an_axis(tmp_path):
    """« Total : 24 objectifs » in the axis column after the last row: not a fifth axis."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in [*WIDE, ("Total : 5 objectifs", "", "", "", "")]:
        book.active.append(row)
    book.save(tmp_path / "arbre.xlsx")
    tree = read_tree(tmp_path / "arbre.xlsx", "lorvanne")
    assert [o.label for o in tree.roots()] == ["Réussite éducative", "Emploi"]


def test_a_programming_sheet_whose_parents_are_spelled_differently_from_row_to_row(tmp_path):
    """An « appel à projets » sheet, one row per action: the pillar typed « Emploi et insertion », « Emploi et
    Insertion », « emploi et insertion » or with a double space is one pillar, each objective once (the lower-case
    spelling was taken for the end of the cell above: « Cadre de vie emploi et insertion »)."""
    import openpyxl

    book = openpyxl.Workbook()
    rows = [("N° DOSSIER", "PORTEUR", "PILIER", "OBJECTIF STRATEGIQUE", "OBJECTIF OPERATIONNEL", "MONTANT"),
            ("2025-001", "Mission locale", "Emploi et insertion", "Favoriser l'accès à l'emploi",
             "Accompagner les jeunes NEET", 8000),
            ("2025-002", "Médiaterre", "Cadre de vie", "Améliorer la tranquillité", "Développer la médiation", 12000),
            ("2025-003", "Mobil'Emploi", "emploi et insertion", "Lever les freins à l'emploi",
             "Développer la mobilité", 5000),
            ("2025-004", "Mission locale", "Emploi et Insertion", "Favoriser l'accès à l'emploi",
             "Accompagner les jeunes NEET", 9000),
            ("2025-005", "Régie de quartier", "Cadre de vie", "Améliorer  la tranquillité", "Embellir les espaces",
             3000)]
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "programmation.xlsx")
    tree = read_tree(tmp_path / "programmation.xlsx", "breval")
    assert label_edges(tree) == [
        ("Emploi et insertion", None), ("Favoriser l'accès à l'emploi", "Emploi et insertion"),
        ("Accompagner les jeunes NEET", "Favoriser l'accès à l'emploi"),
        ("Lever les freins à l'emploi", "Emploi et insertion"),
        ("Développer la mobilité", "Lever les freins à l'emploi"),
        ("Cadre de vie", None), ("Améliorer la tranquillité", "Cadre de vie"),
        ("Développer la médiation", "Améliorer la tranquillité"), ("Embellir les espaces", "Améliorer la tranquillité")]


def test_footnote_marks_and_notes_under_a_wide_tree_are_left_out(tmp_path):
    """Labels ending with « (1) », « ² », « * » or « [à valider en COPIL] », and the footnotes under the table: the
    labels without their marks, the footnotes no nodes (they were axes of their own)."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in [("Thématique", "Objectif", "Objectif opérationnel"),
                ("Emploi et insertion", "Favoriser l'accès à l'emploi des femmes (1)", "Développer les modes de garde"),
                ("Emploi et insertion", "Favoriser l'accès à l'emploi des femmes (1)", "Accompagner vers les métiers²"),
                ("Sécurité et tranquillité*", "Prévenir les conduites à risque",
                 "Créer un conseil citoyen jeunesse [à valider en COPIL]"),
                ("", "", ""), ("(1) Objectif issu de la concertation avec les habitants", "", ""),
                ("² Sous réserve du cofinancement de l'Agence régionale de santé", "", ""),
                ("* Objectif partagé avec le Conseil local de sécurité", "", "")]:
        book.active.append(row)
    book.save(tmp_path / "arbre.xlsx")
    tree = read_tree(tmp_path / "arbre.xlsx", "lorvanne")
    assert label_edges(tree) == [
        ("Emploi et insertion", None), ("Favoriser l'accès à l'emploi des femmes", "Emploi et insertion"),
        ("Développer les modes de garde", "Favoriser l'accès à l'emploi des femmes"),
        ("Accompagner vers les métiers", "Favoriser l'accès à l'emploi des femmes"),
        ("Sécurité et tranquillité", None), ("Prévenir les conduites à risque", "Sécurité et tranquillité"),
        ("Créer un conseil citoyen jeunesse", "Prévenir les conduites à risque")]


def test_a_header_on_two_rows_names_each_level_column(tmp_path):
    """« Axe » merged over two rows, « Objectifs » merged over « stratégiques | opérationnels », « Pilotage » over
    « Pilote | Partenaires »: the columns « Objectifs stratégiques » and « Objectifs opérationnels » are levels
    (only the axes were read, « stratégiques » among them)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in [("Axe", "Objectifs", None, "Pilotage", None),
                (None, "stratégiques", "opérationnels", "Pilote", "Partenaires"),
                ("Santé", "Améliorer l'accès aux soins", "Installer une maison de santé", "Ville", "CPAM"),
                (None, None, "Développer la télémédecine", "ARS", "France Services"),
                ("Tranquillité", "Prévenir l'entrée dans la délinquance", "Renforcer la prévention spécialisée",
                 "Ville", "Conseil citoyen")]:
        sheet.append(row)
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("D1:E1")
    book.save(tmp_path / "arbre.xlsx")
    tree = read_tree(tmp_path / "arbre.xlsx", "vaulmont")
    assert label_edges(tree) == [
        ("Santé", None), ("Améliorer l'accès aux soins", "Santé"),
        ("Installer une maison de santé", "Améliorer l'accès aux soins"),
        ("Développer la télémédecine", "Améliorer l'accès aux soins"),
        ("Tranquillité", None), ("Prévenir l'entrée dans la délinquance", "Tranquillité"),
        ("Renforcer la prévention spécialisée", "Prévenir l'entrée dans la délinquance")]


def test_a_sheet_with_one_column_per_axis_and_a_column_of_transversal_concerns(tmp_path):
    """« Axes thématiques » merged over four axis names, each over its objectives (uneven lengths), and « Axes
    transversaux » over the concerns: each axis over its objectives, the concerns transversal (the sheet was
    refused for want of a « libellé » column)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in [("Axes thématiques", None, None, "Axes transversaux"),
                ("Cohésion sociale", "Emploi", "Habitat et cadre de vie", None),
                ("Renforcer les centres sociaux", "Accompagner les demandeurs d'emploi", "Améliorer la GUSP",
                 "Jeunesse"),
                ("Développer l'accès à la culture", "Favoriser la création d'entreprise",
                 "Accompagner les copropriétés", "Égalité entre les femmes et les hommes"),
                ("Soutenir la vie associative", None, None, None)]:
        sheet.append(row)
    sheet.merge_cells("A1:C1")
    sheet.merge_cells("D1:D2")
    book.save(tmp_path / "axes.xlsx")
    tree = read_tree(tmp_path / "axes.xlsx", "sorbiers")
    assert [(o.label, tree[o.parent].label if o.parent else None) for o in tree if not o.transversal] == [
        ("Cohésion sociale", None), ("Renforcer les centres sociaux", "Cohésion sociale"),
        ("Développer l'accès à la culture", "Cohésion sociale"), ("Soutenir la vie associative", "Cohésion sociale"),
        ("Emploi", None), ("Accompagner les demandeurs d'emploi", "Emploi"),
        ("Favoriser la création d'entreprise", "Emploi"), ("Habitat et cadre de vie", None),
        ("Améliorer la GUSP", "Habitat et cadre de vie"), ("Accompagner les copropriétés", "Habitat et cadre de vie")]
    assert [o.label for o in tree.transversal] == ["Jeunesse", "Égalité entre les femmes et les hommes"]


FILLED = [("Orientations et objectifs du contrat", "D9D9D9", True, "Pilote(s)"),
          ("Faire des quartiers des lieux d'emploi", "1F4E79", True, ""),
          ("Accompagner vers l'emploi les publics éloignés", "DDEBF7", True, ""),
          ("Déployer un accompagnement renforcé des allocataires du RSA", "", False, "France Travail"),
          ("Développer les chantiers d'insertion", "", False, "Ville"),
          ("Garantir l'égalité des chances des enfants", "1F4E79", True, ""),
          ("Agir dès la petite enfance", "DDEBF7", True, ""),
          ("Augmenter le nombre de places en crèche", "", False, "CAF"),
          ("Prévenir le décrochage scolaire", "DDEBF7", True, "Ville"),
          ("Ouvrir un accueil des collégiens exclus", "", False, "Éducation nationale")]
"""A tree whose levels only the label cells' fill colour (and weight) show: the label, its fill, bold, its pilot."""
FILLED_TREE = [("Faire des quartiers des lieux d'emploi", None),
               ("Accompagner vers l'emploi les publics éloignés", "Faire des quartiers des lieux d'emploi"),
               ("Déployer un accompagnement renforcé des allocataires du RSA",
                "Accompagner vers l'emploi les publics éloignés"),
               ("Développer les chantiers d'insertion", "Accompagner vers l'emploi les publics éloignés"),
               ("Garantir l'égalité des chances des enfants", None),
               ("Agir dès la petite enfance", "Garantir l'égalité des chances des enfants"),
               ("Augmenter le nombre de places en crèche", "Agir dès la petite enfance"),
               ("Prévenir le décrochage scolaire", "Garantir l'égalité des chances des enfants"),
               ("Ouvrir un accueil des collégiens exclus", "Prévenir le décrochage scolaire")]


@pytest.mark.parametrize("suffix", ["xlsx", "xlsx-theme", "ods"])
def test_levels_shown_by_the_fill_colour_of_the_label_column_beside_a_pilots_column(tmp_path, suffix):
    """No « libellé » or level column: the labels in column A, each level a fill colour (dark over light over none;
    in RGB, or a theme colour and tint from Excel's palette), a pilots column beside them and a legend of the colours
    further right. The label column's looks give the levels; its title row is not a node."""
    path = tmp_path / f"couleurs.{suffix.split('-')[0]}"
    legend = ["Légende", "Orientation", "Objectif stratégique", "Objectif opérationnel"]
    themes = {"D9D9D9": (0, -0.15), "1F4E79": (4, -0.5), "DDEBF7": (4, 0.8)}  # Excel's palette: a theme and a tint
    if suffix.startswith("xlsx"):
        from openpyxl import Workbook
        from openpyxl.styles import Color, Font, PatternFill

        book = Workbook()
        for row, (label, fill, bold, pilot) in enumerate(FILLED, start=1):
            cell = book.active.cell(row=row, column=1, value=label)
            cell.font = Font(bold=bold)
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill if suffix == "xlsx" else Color(
                    theme=themes[fill][0], tint=themes[fill][1]))
            if pilot:
                book.active.cell(row=row, column=2, value=pilot)
            if row <= len(legend):
                book.active.cell(row=row, column=5, value=legend[row - 1])
        book.save(path)
    else:
        from odf.opendocument import OpenDocumentSpreadsheet
        from odf.style import Style, TableCellProperties, TextProperties
        from odf.table import Table, TableCell, TableRow
        from odf.text import P

        document = OpenDocumentSpreadsheet()
        styles = {}
        for fill, bold in {(fill, bold) for _, fill, bold, _ in FILLED}:
            style = Style(name=f"ce{len(styles)}", family="table-cell")
            style.addElement(TableCellProperties(backgroundcolor=f"#{fill.lower()}" if fill else "transparent"))
            style.addElement(TextProperties(fontweight="bold" if bold else "normal"))
            document.automaticstyles.addElement(style)
            styles[fill, bold] = style
        sheet = Table(name="Arbre")
        for k, (label, fill, bold, pilot) in enumerate(FILLED):
            row = TableRow()
            for value, style in ((label, styles[fill, bold]), (pilot, None), ("", None), ("", None),
                                 (legend[k] if k < len(legend) else "", None)):
                cell = TableCell(valuetype="string", **({"stylename": style} if style else {})) if value else (
                    TableCell())
                if value:
                    cell.addElement(P(text=value))
                row.addElement(cell)
            sheet.addElement(row)
        document.spreadsheet.addElement(sheet)
        document.save(str(path))
    tree = read_tree(path, "moulinet")
    assert label_edges(tree) == FILLED_TREE
    assert "couleur de fond" in tree.warnings[0]
