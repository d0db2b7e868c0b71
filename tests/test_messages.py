"""Messages that said the wrong thing (issue 19, item 11): empty files, password-protected workbooks, codes that
are not leaves."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from cvclassify.errors import BatchInputError, UnknownCodeError
from cvclassify.io.columns import map_columns
from cvclassify.io.readers import open_table
from cvclassify.service.review import leaf_ids
from cvclassify.taxonomy import Objective, Taxonomy

# -- empty files -------------------------------------------------------------------------------


def _empty_xlsx(path: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Feuil1"
    book.save(path)
    return path


@pytest.mark.parametrize("name", ["vide.csv", "vide.jsonl", "vide.xlsx", "blancs.jsonl", "feuille-vide.xlsx"])
def test_an_empty_file_is_called_empty(tmp_path, name):
    path = tmp_path / name
    if name == "blancs.jsonl":
        path.write_text("\n  \n\n", encoding="utf-8")
    elif name == "feuille-vide.xlsx":
        _empty_xlsx(path)
    else:
        path.write_bytes(b"")
    table = open_table(path)
    for text_cols in (None, ["Objectif"]):
        with pytest.raises(BatchInputError, match="Le fichier est vide") as caught:
            map_columns(table.columns, text_cols)
        assert "Aucune colonne" not in str(caught.value) and "--text-col" not in str(caught.value)


def test_json_lines_without_one_readable_object_is_not_called_empty(tmp_path):
    path = tmp_path / "faux.jsonl"
    path.write_text('{"texte": "sans fin\n"autre"\n', encoding="utf-8")
    with pytest.raises(BatchInputError) as caught:
        open_table(path)
    assert str(caught.value).startswith("Aucune ligne de « faux.jsonl » n'est un objet JSON lisible")


# -- password-protected workbooks ---------------------------------------------------------------


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (OLE2, version 3, 512-byte sectors) holding ``streams`` (each ≥ 4096 bytes, so
    outside the mini stream), as Office writes a password-protected workbook (MS-CFB, MS-OFFCRYPTO)."""
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fat_sector, end]  # sector 0: the FAT, sector 1: the directory
    data, starts = b"", []
    for body in streams.values():
        body += b"\0" * (-len(body) % 512)
        count = len(body) // 512
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [end]
        data += body
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", no_stream, right, child) + b"\0" * 36 + struct.pack("<IQ", start, size))

    names = list(streams)  # each the right sibling of the one before: a valid, if lopsided, tree
    entries = [entry("Root Entry", 5, 1, no_stream, end, 0)]
    for i, name in enumerate(names):
        entries.append(entry(name, 2, no_stream, i + 2 if i + 1 < len(names) else no_stream, starts[i],
                             len(streams[name])))
    directory = b"".join(entries).ljust(512, b"\0")
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + directory + data


def test_a_password_protected_workbook_is_said_to_be_protected(tmp_path):
    path = tmp_path / "appel.xlsx"
    path.write_bytes(_cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 4092,
                           "EncryptedPackage": b"\x9c\x27" * 3000}))
    with pytest.raises(BatchInputError, match="protégé par un mot de passe") as caught:
        open_table(path)
    assert "endommagé" not in str(caught.value) and "sans mot de passe" in str(caught.value)


def test_other_unreadable_workbooks_are_still_said_damaged(tmp_path):
    other = tmp_path / "autre.xlsx"
    other.write_bytes(_cfb({"Workbook": b"\x09\x08" * 3000}))  # an old .xls renamed, not encrypted
    with pytest.raises(BatchInputError, match="endommagé"):
        open_table(other)


# -- codes that are not leaves -------------------------------------------------------------------


def test_a_code_that_is_not_a_leaf_is_named_by_its_french_level(model):
    with pytest.raises(UnknownCodeError) as caught:
        leaf_ids(model.taxonomy, ["2.8"])
    message = str(caught.value)
    assert message.startswith("« 2.8 » est un code de niveau « objectif opérationnel », pas un code")
    assert "operational" not in message


def test_level_names_of_either_gender_make_a_correct_sentence():
    tree = Taxonomy("t", [Objective("o1", "1", "orientation", "Réussite éducative"),
                          Objective("1.1", "1.1", "action", "Aide aux devoirs", parent="o1"),
                          Objective("egalite", "", "préoccupation transversale", "Égalité", transversal=True)])
    with pytest.raises(UnknownCodeError, match="« 1 » est un code de niveau « orientation », pas un code") as caught:
        leaf_ids(tree, ["1"])
    assert "un orientation" not in str(caught.value)
    with pytest.raises(UnknownCodeError, match="une préoccupation transversale") as caught:
        leaf_ids(tree, ["egalite"])
    assert "sous lui" not in str(caught.value)
    assert leaf_ids(tree, ["1.1"]) == ["1.1"]


def test_a_history_with_only_its_codes_column_is_not_called_empty(tmp_path):
    from cvclassify.errors import CorpusError
    from cvclassify.history import import_history
    from cvclassify.projects import Home, init_home
    from cvclassify.taxonomy import load_taxonomy
    from tests.conftest import ROOT

    project = Home.open(init_home(tmp_path / "home", ROOT)).project()
    path = tmp_path / "codes.csv"
    path.write_text("codes\n2.11.1\n1.4.1\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="n'a que la colonne de codes « codes »"):
        import_history(project, path, load_taxonomy(project.taxonomy_path), "codes")
