"""Encodings decided per file and lines decoded one by one (issue 19, item 3): one bad byte never re-decodes
the whole file in a DOS code page, UTF-8 lines of a Windows-1252 file are read as UTF-8, damaged lines are
flagged on their row, and random byte damage never crashes nor moves rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvclassify.io.columns import map_columns
from cvclassify.io.encoding import decode_bytes, examine, split_lines
from cvclassify.io.readers import Row, open_table

ACCENTED = ["Médiation sociale à l'école", "Accès aux droits des aînés", "Fête de quartier, été",
            "Santé : prévention précoce", "Théâtre et créativité", "Égalité femmes-hommes"]
HEADER = "Numéro De l'Action Prj;Libellé de l'action;Objectif\n"


def read(path: Path) -> tuple[list[str], list[Row], list[str]]:
    table = open_table(path)
    return table.columns, list(table.rows), table.notes


def export(rows: int = 64) -> list[str]:
    return [f"A{i:03d};{ACCENTED[i % len(ACCENTED)]} n°{i};Créer du lien entre générations\n" for i in range(rows)]


def test_three_bytes_undefined_in_windows_1252_damage_only_their_row(tmp_path):
    lines = export()
    data = [(HEADER + line).encode("cp1252") if i == 0 else line.encode("cp1252") for i, line in enumerate(lines)]
    data[17] = data[17].replace(b"n\xb0", b"n\x81\x8d\x9d")  # the CP775 case: once read whole as CP775
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(data))
    columns, rows, notes = read(path)
    assert columns == ["Numéro De l'Action Prj", "Libellé de l'action", "Objectif"]
    assert map_columns(columns).text_columns == [("Libellé de l'action", "title"), ("Objectif", "objectives")]
    assert len(rows) == 64 and all(row.error is None for row in rows)
    for i, row in enumerate(rows):
        expected = lines[i].rstrip("\n").split(";")
        if i == 17:
            expected[1] = expected[1].replace("n°", "n\ufffd\ufffd\ufffd")
            assert row.notes == ("ligne 19 : octets illisibles remplacés par « \ufffd » (encodage)",)
        else:
            assert row.notes == ()
        assert list(row.values.values()) == expected
    assert notes[0] == "CSV lu en Windows-1252 (1 ligne avec des octets illisibles remplacés par « \ufffd »), " \
                       "séparateur « ; »"
    assert "CP" not in notes[0]
    # the same file as a document or on stdin
    text = decode_bytes(path.read_bytes())
    assert "Libellé de l'action" in text and "Égalité femmes-hommes" in text and "n\ufffd\ufffd\ufffd17" in text


def test_utf8_lines_of_a_windows_1252_file_are_read_as_utf8(tmp_path):
    lines = export(10)
    data = [line.encode("utf-8" if i in (2, 5, 6) else "cp1252") for i, line in enumerate(lines)]
    path = tmp_path / "mixed.csv"
    path.write_bytes(HEADER.encode("cp1252") + b"".join(data))
    columns, rows, notes = read(path)
    assert columns[1] == "Libellé de l'action"
    assert [list(row.values.values()) for row in rows] == [line.rstrip("\n").split(";") for line in lines]
    assert all(row.error is None for row in rows)
    assert [i for i, row in enumerate(rows) if row.notes] == [2, 5, 6]
    assert rows[2].notes == ("ligne 4 : lue en UTF-8 (le reste du fichier est en Windows-1252)",)
    assert notes[0].startswith("CSV lu en Windows-1252 (3 lignes lues en UTF-8), ")


def test_damaged_utf8_line_in_a_windows_1252_file_keeps_its_accents_and_is_flagged(tmp_path):
    good = "B1;Sécurité routière à vélo;Prévenir\n".encode()
    broken = good.replace(b"routi\xc3\xa8re", b"routi\xc3re")  # one byte of « è » lost
    path = tmp_path / "in.csv"
    path.write_bytes(HEADER.encode("cp1252") + "A1;Fête;Été\n".encode("cp1252") + broken)
    _, rows, notes = read(path)
    assert rows[0].values["Libellé de l'action"] == "Fête" and rows[0].notes == ()
    assert rows[1].values["Libellé de l'action"] == "Sécurité routi\ufffdre à vélo"
    assert rows[1].notes == ("ligne 3 : octets illisibles remplacés par « \ufffd » (encodage)",)
    assert "1 ligne avec des octets illisibles" in notes[0]


def test_a_note_goes_to_the_record_of_its_line_when_quoted_cells_span_lines(tmp_path):
    data = (HEADER.encode("cp1252") + '1;"Fête\nde quartier";Été\n'.encode("cp1252")
            + '2;"Atelier\n'.encode("cp1252") + 'd\'écriture";Créer\n'.encode()  # its second line in UTF-8
            + "3;Théâtre;Lien\n".encode("cp1252"))
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    _, rows, _ = read(path)
    assert [row.values["Libellé de l'action"] for row in rows] == ["Fête\nde quartier", "Atelier\nd'écriture",
                                                                    "Théâtre"]
    assert [row.notes for row in rows] == [(), ("ligne 3 : lue en UTF-8 (le reste du fichier est en "
                                                "Windows-1252)",), ()]


def test_lines_split_as_universal_newlines_across_chunks():
    data = b"a;b\r\nc\rd\n\re\r"
    expected = data.splitlines(keepends=True)
    for cut in range(len(data) + 1):
        assert list(split_lines([data[:cut], data[cut:]])) == expected
    assert list(split_lines(bytes([byte]) for byte in data)) == expected


def test_no_dos_code_page_is_ever_guessed():
    for damage in (b"\x81", b"\x8d\x8f\x90\x9d", bytes(range(0x80, 0xa0))):
        evidence = examine([("Libellé;Objet\nMédiation;" + "é" * 40 + "\n").encode("cp1252") + damage])
        assert evidence.codec == "cp1252"


# ------------------------------------------------------------------------------------- random damage

STRUCTURE = set(b'";,\t|\r\n')
"""Separators, quotes and line breaks: damage that changes records is not what these properties are about."""
LETTERS = "abcdefghijklmnopqrstuvwxyzéèêàâçùûôîïëœÉÀÇ '’«»°-"


def parse_untouched(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[1:]


damages = st.lists(
    st.tuples(st.sampled_from(["flip", "insert", "delete"]), st.integers(min_value=0),
              st.integers(min_value=0, max_value=255).filter(lambda byte: byte not in STRUCTURE)),
    min_size=1, max_size=3)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(LETTERS, min_size=1, max_size=30), min_size=1, max_size=8), damage=damages,
       encoding=st.sampled_from(["cp1252", "utf-8"]))
def test_random_byte_damage_never_crashes_and_leaves_other_rows_alone(tmp_path, texts, damage, encoding):
    """Each record on one line, the damage inside cells: as many rows as records, the other rows exact."""
    text = "id;texte\n" + "".join(f"{i:04d};{value}\n" for i, value in enumerate(texts))
    data = bytearray(text.encode(encoding))
    damaged_lines: set[int] = set()
    for kind, where, byte in damage:
        # never touch the structure: only bytes inside cells change, are added or removed
        inside = [i for i, value in enumerate(data) if value not in STRUCTURE]
        position = inside[where % len(inside)]
        damaged_lines.add(data[:position].count(b"\n"))
        if kind == "flip":
            data[position] = byte
        elif kind == "insert":
            data.insert(position, byte)
        else:
            del data[position]
    path = tmp_path / "damaged.csv"
    path.write_bytes(bytes(data))
    expected = parse_untouched(text)
    _, rows, notes = read(path)
    assert len(rows) == len(expected)
    assert notes and notes[0].startswith("CSV lu en ")
    for number, (row, cells) in enumerate(zip(rows, expected, strict=True), start=1):
        assert row.error is None or "caractères illisibles" in row.error
        if number not in damaged_lines:
            assert list(row.values.values()) == cells
            # (a note « lue en UTF-8 » may come when damage made Windows-1252 the file's majority)
            assert not any("illisibles" in note for note in row.notes)
    assert decode_bytes(bytes(data)).count("\n") == text.count("\n")


def _unlikely_by_loop(text: str) -> bool:
    """``_unlikely`` as first written (a loop per character): the regex must say the same of every code point."""
    from cvclassify.io.encoding import _CP1252_CHARS

    for char in text:
        code = ord(char)
        if code < 0x80:
            continue
        if code < 0x800:
            if char not in _CP1252_CHARS:
                return True
        elif not (0x2000 <= code < 0x2300 or 0x2500 <= code < 0x27C0 or code >= 0xFFF0 or code == 0xFEFF):
            return True
    return False


def test_unlikely_characters_are_the_same_for_every_code_point():
    from cvclassify.io.encoding import _unlikely

    points = [cp for cp in range(0x110000) if not 0xD800 <= cp < 0xE000]
    assert [cp for cp in points if _unlikely(chr(cp)) != _unlikely_by_loop(chr(cp))] == []
    assert _unlikely("Café à Borny É\u0252") and not _unlikely("Café à Borny – 12 € ’ ✓ 😀")
