"""The contract parser on the real Metz document, each of its quirks, and the stored tree."""

from __future__ import annotations

import json

import pytest

from cvclassify import TaxonomyError, UnknownCodeError, parse_contract
from cvclassify.taxonomy import load_taxonomy, save_taxonomy

EXPECTED_LEAVES = (
    "1.1.1 1.1.2 1.1.3 1.1.4 1.2.1 1.2.2 1.2.3 1.3.1 1.3.2 1.3.3 1.4.1 1.4.2 1.4.3 1.4.4 "
    "1.5.1 1.5.2 1.5.3 1.5.3-bis 1.5.4 1.6.1 1.6.2 1.7.1 1.7.2 1.7.3 1.7.4 1.8.1 1.8.2 1.8.3 "
    "1.9.1 1.10.1 1.10.2 "
    "2.1.1 2.1.2 2.1.3 2.2.1 2.2.2 2.2.3 2.3.1 2.3.2 2.3.3 2.4.1 2.5.1 2.5.2 2.5.3 "
    "2.6.1 2.6.2 2.6.3 2.6.4 2.7.1 2.7.2 2.7.3 2.7.4 2.8.1 2.8.2 2.8.3 2.9.1 2.9.2 2.10.1 2.10.2 "
    "2.11.1 2.12.1 2.12.2 2.12.3 2.12.4 2.13.1 2.13.2 2.13.3 "
    "3.1.1 3.1.2 3.1.3 3.2.1 3.2.2 3.3.1 3.3.2 3.3.3 3.3.4 3.3.5 3.4.1 3.4.2 3.4.3 3.5.1 3.5.2 3.5.3 "
    "3.6.1 3.6.2 3.6.3 3.6.4 3.7.1 3.7.2 3.7.3 3.7.4 3.7.5 3.7.6 3.8.1 3.8.2 3.8.3 "
    "3.9.1 3.9.2 3.9.3 3.9.4 3.9.5 3.9.6 3.9.7 3.9.8 "
    "4.1 4.2 4.3 4.4 4.5 4.6 4.7 4.8 4.9 4.10 4.11 4.12 4.13 4.14"
).split()


@pytest.fixture(scope="module")
def parsed(contract_text):
    return parse_contract(contract_text, name="metz-2015-2020")


def test_every_leaf_of_the_document_is_found_in_order(parsed):
    assert parsed.leaf_ids == EXPECTED_LEAVES
    assert len(parsed.by_level("axis")) == 4
    assert len(parsed.by_level("strategic")) == 15
    assert len(parsed.by_level("operational")) == 32


def test_axes_have_titles_and_introductions(parsed):
    axis1 = parsed["1"]
    assert axis1.label == "DEVELOPPER LES POTENTIELS DES QUARTIERS"
    assert "richesses existantes" in axis1.description
    assert parsed["4"].label == "PARTAGER DES METHODES DE TRAVAIL ET DES PARTENARIATS INNOVANTS"


def test_strategic_objectives_get_their_bullet_text(parsed):
    s = parsed["S1.1"]
    assert s.label == "Favoriser le bien vivre ensemble dans la diversité"
    assert "lutte contre la délinquance" in s.description
    # Axis 2's bullet splits its bold title in two; axis 3's says "et" where the table says "ou".
    assert "égalité femme-homme" in parsed["S2.1"].description
    assert parsed["S3.3"].label.startswith("Poursuivre ou initier")
    assert parsed["S3.3"].description.startswith("Poursuivre et initier")
    assert parsed["S4.1"].description == ""  # axis 4 has no bullets


def test_operational_objectives_are_parents_of_their_leaves(parsed):
    assert parsed["1.1"].label == "En luttant contre la délinquance et les incivilités"
    assert parsed["1.1"].level == "operational"
    assert parsed["1.1.1"].parent == "1.1"
    assert parsed["1.1"].parent == "S1.1"
    assert [o.id for o in parsed.ancestors("2.11.1")] == ["2.11", "S2.4", "2"]


def test_several_codes_on_one_table_line_are_split(parsed):
    assert parsed["1.3.1"].label == "Favoriser les pratiques culturelles et l'accès aux équipements"
    assert parsed["1.3.2"].label == (
        "Créer ou renforcer le lien entre les équipements culturels existants et les quartiers"
    )
    assert parsed["1.4.4"].label == "Développer des partenariats avec les structures spécialisées"


def test_hyphen_or_en_dash_after_a_code(parsed):
    assert parsed["1.2.2"].label == "Identifier et agir sur les risques de replis identitaires"  # en dash
    assert parsed["2.1.1"].label == "Favoriser l'accès à la qualification et à l'emploi des femmes"  # "2.1.1-"
    assert parsed["2.10"].label.startswith("En favorisant l'accès à la scolarisation")  # "2.10 –"


def test_label_split_across_a_page_break_is_joined(parsed):
    assert parsed["3.1.3"].label == (
        "Identifier les besoins en termes d'emploi, de formation, de création d'entreprises "
        "et mobiliser les outils et dispositifs adéquats"
    )


@pytest.mark.parametrize(("code", "parent"), [("2.5.3", "2.5"), ("3.9.8", "3.9")])
def test_rows_that_slipped_out_of_their_table_keep_their_parent(parsed, code, parent):
    assert parsed[code].parent == parent
    assert parsed[code].level == "leaf"
    assert not any(code in o.label for o in parsed.by_level("strategic"))


def test_code_printed_twice_is_kept_twice_with_a_distinct_id(parsed):
    first, second = parsed["1.5.3"], parsed["1.5.3-bis"]
    assert first.code == second.code == "1.5.3"
    assert first.label.startswith("Réaliser des aménagements urbains de qualité")
    assert second.label == "Développer et diffuser des contenus médiatiques"
    assert second.display_code == "1.5.3"
    assert any("1.5.3" in w and "imprimé deux fois" in w for w in parsed.warnings)


def test_html_tags_are_removed(parsed):
    assert not any("<" in o.label or ">" in o.label or "**" in o.label for o in parsed)


def test_axis_four_codes_are_leaves_under_their_strategic_objective(parsed):
    assert parsed["4.7"].level == "leaf"
    assert parsed["4.7"].parent == "S4.2"
    assert parsed.group_of("4.7").id == "S4.2"
    assert parsed.group_of("1.1.1").id == "1.1"


def test_announced_counts_are_checked(parsed):
    assert any("annonce 14 objectifs stratégiques" in w for w in parsed.warnings)


def test_stored_taxonomy_is_the_parse_of_the_contract(parsed, taxonomy):
    stored = [(o.id, o.code, o.level, o.label, o.parent, o.description) for o in taxonomy]
    fresh = [(o.id, o.code, o.level, o.label, o.parent, o.description) for o in parsed]
    assert stored == fresh


def test_save_and_load_round_trip_json_and_yaml(parsed, tmp_path):
    for suffix in (".json", ".yaml"):
        path = save_taxonomy(parsed, tmp_path / f"tree{suffix}")
        assert load_taxonomy(path).to_dict() == parsed.to_dict()


def test_lexicon_sidecar_is_merged(tmp_path, parsed):
    save_taxonomy(parsed, tmp_path / "mini.json")
    (tmp_path / "mini.lexicon.yaml").write_text("2.11.1: [ASL, FLE]\n", encoding="utf-8")
    tree = load_taxonomy(tmp_path / "mini.json")
    assert tree["2.11.1"].lexicon == ("ASL", "FLE")
    assert "ASL" in tree.describe("2.11.1")
    (tmp_path / "mini.lexicon.yaml").write_text("9.9.9: [X]\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"9\.9\.9"):
        load_taxonomy(tmp_path / "mini.json")


def test_resolve_and_patterns(parsed):
    assert parsed.resolve("1.5.3").id == "1.5.3"
    assert parsed.leaves_matching(["2.*"])[0] == "2.1.1"
    assert len(parsed.leaves_matching(["2.*"])) == 36
    assert parsed.leaves_matching(["1.5.3"]) == ["1.5.3", "1.5.3-bis"]
    assert parsed.leaves_matching(["S4.3"]) == ["4.10", "4.11"]
    assert parsed.leaves_matching(["2.11"]) == ["2.11.1"]
    with pytest.raises(UnknownCodeError, match="Vouliez-vous dire"):
        parsed.resolve("2.11.9")
    with pytest.raises(UnknownCodeError):
        parsed.leaves_matching(["7.*"])


def test_another_territory_contract_parses_the_same_way():
    text = (
        "Axe stratégique 1 – EMPLOI\n\nL'axe 1 se décline en 1 objectif stratégique :\n"
        "- **Aller vers l'emploi** en accompagnant les habitants.\n\n"
        "Objectifs stratégiques\tObjectifs opérationnels\t\n"
        "Aller vers l'emploi\t<i>1.1 – En accompagnant</i>\t1.1.1 – Repérer les invisibles 1.1.2- Former\n"
        "\t\t1.1.3 - Suivre les\n\n\t\tparcours longs\n"
    )
    tree = parse_contract(text, name="ailleurs")
    assert tree.leaf_ids == ["1.1.1", "1.1.2", "1.1.3"]
    assert tree["1.1.3"].label == "Suivre les parcours longs"
    assert tree["S1.1"].description.startswith("Aller vers l'emploi en accompagnant")


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "vide"), ("Rien à voir\n", "Aucun arbre"), ("a\x00b", "binaire")],
)
def test_unparseable_text_gets_a_clear_error(text, message):
    with pytest.raises(TaxonomyError, match=message):
        parse_contract(text)


def test_stored_file_is_valid_json_with_schema(taxonomy):
    from cvclassify.taxonomy import taxonomy_path

    data = json.loads(taxonomy_path().read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    import hashlib

    from .conftest import CONTRACT

    assert data["source_sha256"] == hashlib.sha256(CONTRACT.read_text(encoding="utf-8").encode()).hexdigest()
