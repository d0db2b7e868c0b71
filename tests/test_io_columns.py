"""Mapping the columns of real export headers to the classifier's text fields."""

from __future__ import annotations

import pytest

from cvclassify.errors import BatchInputError
from cvclassify.io.columns import ColumnMapping, map_columns
from cvclassify.io.readers import Row

ANCT = ["Numéro De l'Action Prj", "Libellé de l'action", "Raison sociale longue", "Objectif", "Thème", "Mt engagé"]


def test_anct_export_headers():
    mapping = map_columns(ANCT)
    assert mapping.text_columns == [("Libellé de l'action", "title"), ("Objectif", "objectives")]
    assert mapping.id_column == "Numéro De l'Action Prj"
    assert mapping.describe() == (
        "texte lu dans « Libellé de l'action » (intitulé), « Objectif » (objectifs) ; "
        "identifiant : « Numéro De l'Action Prj »"
    )


def test_headers_mangled_by_r_are_recognised():
    mapping = map_columns(["numéro.de.l.action.prj", "libellé.de.l.action", "raison.sociale.longue", "thème", "n."])
    assert mapping.text_columns == [("libellé.de.l.action", "title")]
    assert mapping.id_column == "numéro.de.l.action.prj"


def test_dauphin_paris_and_folder_headers():
    dauphin = map_columns(["reference", "intituleProjet", "thematique.title", "description.value", "objet.value"])
    assert dauphin.text_columns == [("intituleProjet", "title"), ("objet.value", "objectives"),
                                    ("description.value", "text")]
    assert dauphin.id_column == "reference"
    paris = map_columns(["Numéro de dossier", "Nom Bénéficiaire", "Objet du dossier", "Montant voté"])
    assert (paris.text_columns, paris.id_column) == ([("Objet du dossier", "objectives")], "Numéro de dossier")
    folder = map_columns(["id", "fichier", "texte"])
    assert (folder.text_columns, folder.id_column) == ([("texte", "text")], "id")


def test_first_matching_column_per_field_wins():
    mapping = map_columns(["Objectifs", "titre", "Intitulé", "objet"])
    assert mapping.text_columns == [("titre", "title"), ("Objectifs", "objectives")]
    assert mapping.id_column is None
    assert mapping.describe().endswith("; pas de colonne d'identifiant")


def test_no_text_column_is_a_clear_error():
    with pytest.raises(BatchInputError, match=r"Aucune colonne de texte reconnue parmi : « Thème », « Porteur », "
                                              r"« montant »\. Indiquez-la avec --text-col\."):
        map_columns(["Thème", "Porteur", "montant"])


def test_given_text_columns_keep_their_order_and_recognised_fields():
    columns = ["Code", "Résumé", "Détails", "Objectif", "Thème"]
    mapping = map_columns(columns, text_cols=["résumé", "Objectif", "DETAILS", "Thème"], id_col="code")
    assert mapping.text_columns == [("Résumé", "title"), ("Objectif", "objectives"), ("Détails", "text"),
                                    ("Thème", "text")]
    assert mapping.id_column == "Code"
    assert map_columns(columns, text_cols=["Détails"]).text_columns == [("Détails", "text")]
    with_title = map_columns(["Intitulé", "Résumé"], text_cols=["Résumé", "Intitulé"]).text_columns
    assert with_title == [("Résumé", "text"), ("Intitulé", "title")]


def test_unknown_given_column_suggests_close_names():
    with pytest.raises(BatchInputError) as caught:
        map_columns(ANCT, text_cols=["Objectif", "Libelé de laction"])
    message = str(caught.value)
    assert message.startswith("Colonne « Libelé de laction » introuvable. Colonnes disponibles : « Numéro")
    assert "Vouliez-vous dire « Libellé de l'action » ou « " in message and message.endswith(" ?")
    with pytest.raises(BatchInputError, match="Colonne « numero » introuvable"):
        map_columns(ANCT, id_col="numero")


def test_fields_join_columns_of_one_field_and_leave_empty_cells_out():
    mapping = ColumnMapping([("T", "title"), ("A", "text"), ("B", "text"), ("P", "public")], "id")
    values = {"T": " Jardin ", "A": "Créer du lien", "B": "entre voisins", "P": "  ", "id": "7"}
    assert mapping.fields(values) == {"title": "Jardin", "text": "Créer du lien\nentre voisins"}


def test_row_id_falls_back_on_the_file_then_the_line():
    mapping = ColumnMapping([("texte", "text")], "id")
    assert mapping.row_id(Row(3, {"id": " A-12 ", "texte": "x"}, "ligne 4")) == "A-12"
    assert mapping.row_id(Row(3, {"id": "", "texte": "x"}, "ligne 4")) == "ligne-3"
    assert ColumnMapping([], None).row_id(Row(2, {"fichier": "a/b.pdf"}, "a/b.pdf")) == "a/b.pdf"
    assert ColumnMapping([], None).row_id(Row(5, {}, "ligne 6", "ligne 6 : ligne vide")) == "ligne-5"
