"""Compression bombs and oversized inputs (issue 19, item 5): caps on archive entries and archives, document
text, stored cells and queue rows; an oversized entry is an error row, the others are still read; memory
stays bounded and comes back after a refused upload.

Bombs are built in ``tmp_path``: a few hundred kilobytes on disk, up to 300 MB once decompressed. The caps
(``cvclassify.io.limits``) are lowered with ``monkeypatch`` where the code would otherwise read up to a cap of
tens of megabytes, so that no test allocates much.
"""

from __future__ import annotations

import csv
import gc
import io
import re
import sqlite3
import struct
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cvclassify.cli import app as cli
from cvclassify.document import truncate
from cvclassify.errors import BatchInputError, InputTooLargeError
from cvclassify.io import limits
from cvclassify.io.readers import open_table
from cvclassify.io.readers.documents import _docx_text, _odt_text
from tests.api_support import PROJECT, make_app

MIB = 1 << 20
SENTENCE = "Ateliers de français pour les familles du quartier de Borny. "
DOCS = {"a-soutien.txt": "Soutien scolaire et aide aux devoirs pour les collégiens du quartier.",
        "c-nuit.txt": "Correspondants de nuit dans les halls et les parkings des immeubles."}


# -------------------------------------------------------------------------------------------- builders


def run_of_text(size: int, chunk: int = MIB) -> Iterator[bytes]:
    """``size`` bytes of one sentence repeated (deflates about 1,000 to 1)."""
    block = (SENTENCE.encode() * (chunk // len(SENTENCE) + 1))[:chunk]
    while size > 0:
        yield block[:size]
        size -= min(size, chunk)


def zip_of_documents(path: Path, bombs: dict[str, int], docs: dict[str, str] = DOCS) -> Path:
    """A zip of ordinary text documents and, for each name of ``bombs``, that many bytes of text."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in docs.items():
            archive.writestr(name, text)
        for name, size in bombs.items():
            with archive.open(name, "w", force_zip64=size > 1 << 31) as handle:
                for piece in run_of_text(size):
                    handle.write(piece)
    return path


def inflate(source: bytes, placeholder: bytes, size: int, path: Path) -> Path:
    """The zip ``source`` (a DOCX, XLSX, ODS…) written to ``path`` with ``placeholder`` replaced by ``size``
    bytes of text in the entry that holds it."""
    with zipfile.ZipFile(io.BytesIO(source)) as original, zipfile.ZipFile(path, "w") as out:
        for info in original.infolist():
            data = original.read(info)
            if placeholder not in data:
                out.writestr(info, data)
                continue
            before, after = data.split(placeholder)
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with out.open(entry, "w", force_zip64=size > 1 << 31) as handle:
                handle.write(before)
                for piece in run_of_text(size):
                    handle.write(piece)
                handle.write(after)
    return path


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def shared_strings_xlsx(header: list[str], cells: int) -> bytes:
    """A minimal workbook as Excel writes them: ``header``, then one row whose first cell is « A1 » and whose
    next ``cells`` cells all point to one shared string, « @@BOMBE@@ »."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strings = ["@@BOMBE@@", "A1", *header]
    index = {text: i for i, text in enumerate(strings)}

    def row(number: int, texts: list[str]) -> str:
        return f'<row r="{number}">' + "".join(f'<c t="s"><v>{index[t]}</v></c>' for t in texts) + "</row>"

    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="r1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="Demandes" sheetId="1" r:id="r1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="r1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="r2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f"<worksheet {ns}><sheetData>{row(1, header)}"
        f"{row(2, ['A1', *['@@BOMBE@@'] * cells])}</sheetData></worksheet>",
        "xl/sharedStrings.xml": f'<sst {ns} count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{text}</t></si>" for text in strings) + "</sst>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text)
    return buffer.getvalue()


def ods_bytes(rows: list[list[str]]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    sheet = Table(name="Demandes")
    for cells in rows:
        row = TableRow()
        for value in cells:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        sheet.addElement(row)
    doc.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes(paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for text in paragraphs:
        document.text.addElement(P(text=text))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def declare(path: Path, name: str, size: int) -> Path:
    """Make entry ``name`` of a zip declare ``size`` bytes uncompressed (local header and central directory):
    a zip that lies about its sizes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    assert info.file_size < 0xFFFFFFFF, "not for zip64 entries"
    struct.pack_into("<I", data, info.header_offset + 22, size)
    start = data.rfind(b"PK\x05\x06")
    offset = struct.unpack_from("<I", data, start + 16)[0]
    while data[offset:offset + 4] == b"PK\x01\x02":
        name_length, extra, comment = struct.unpack_from("<HHH", data, offset + 28)
        if data[offset + 46:offset + 46 + name_length].decode() == name:
            struct.pack_into("<I", data, offset + 24, size)
        offset += 46 + name_length + extra + comment
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(name).file_size == size
    return path


@contextmanager
def rss_growth() -> Iterator[dict[str, float]]:
    """This process's resident memory over the block, in MiB above what it was before: ``peak`` (sampled
    every 5 ms) and ``after`` (after a garbage collection)."""
    process = psutil.Process()
    gc.collect()
    base = process.memory_info().rss
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            stop.wait(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    growth: dict[str, float] = {}
    try:
        yield growth
    finally:
        stop.set()
        sampler.join()
        gc.collect()
        growth.update(peak=(peak[0] - base) / MIB, after=(process.memory_info().rss - base) / MIB)


@pytest.fixture(scope="module")
def bomb_zip(tmp_path_factory) -> Path:
    """Two ordinary documents around ``bombe.txt``, 300 MB of text in a zip of some 300 kB."""
    return zip_of_documents(tmp_path_factory.mktemp("bombs") / "dossiers.zip", {"b-bombe.txt": 300 * MIB})


# ------------------------------------------------------------------------------- messages and helpers


def test_sizes_and_counts_are_written_in_french():
    assert limits.size_text(int(1.1 * 1024**3)) == "1,1 Go"
    assert limits.size_text(50 * MIB) == "50 Mo"
    assert limits.size_text(300 * MIB) == "300 Mo"
    assert limits.size_text(12 * 1024) == "12 ko"
    assert limits.size_text(1) == "1 octet" and limits.size_text(300) == "300 octets"
    assert limits.count_text(5_000) == "5 000" and limits.count_text(20_000_000) == "20 millions"
    assert limits.count_text(1_000_000) == "1 million"
    assert limits.count_text(20_000_000, "caractères") == "20 millions de caractères"
    assert limits.count_text(1_000, "caractères") == "1 000 caractères"


# ------------------------------------------------------------------------------- zip of documents (CLI)


def test_an_oversized_zip_entry_is_an_error_row_and_reading_stays_small(bomb_zip):
    assert bomb_zip.stat().st_size < 2 * MIB
    with rss_growth() as growth:
        table = open_table(bomb_zip)
        rows = list(table.rows)
    assert [r.where for r in rows] == ["a-soutien.txt", "b-bombe.txt", "c-nuit.txt"]
    assert rows[1].error == ("b-bombe.txt : entrée trop volumineuse une fois décompressée (300 Mo > 50 Mo) : "
                             "ignorée")
    assert rows[1].values["texte"] == ""
    assert [(r.values["texte"], r.error) for r in (rows[0], rows[2])] == [
        (DOCS["a-soutien.txt"], None), (DOCS["c-nuit.txt"], None)]
    assert growth["peak"] < 60, growth


def test_cli_classifies_the_other_entries_of_a_zip_bomb(bomb_zip, model_dir, tmp_path):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["classify", str(bomb_zip), "-o", str(out), "--model", str(model_dir),
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size < MIB
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert [r["fichier"] for r in rows] == ["a-soutien.txt", "b-bombe.txt", "c-nuit.txt"]
    assert [r["cv_statut"] == "erreur" for r in rows] == [False, True, False]
    assert "entrée trop volumineuse une fois décompressée (300 Mo > 50 Mo) : ignorée" in rows[1]["cv_erreur"]
    assert rows[0]["cv_code_1"] and rows[2]["cv_code_1"]


def test_an_entry_that_lies_about_its_size_is_read_against_the_budget(tmp_path):
    path = zip_of_documents(tmp_path / "menteuse.zip", {"b-bombe.txt": 300 * MIB, "b-longue.txt": 4096})
    declare(path, "b-bombe.txt", 1000)  # says 1 kB, holds 300 MB
    declare(path, "b-longue.txt", 100)  # says 100 bytes, holds 4 kB: under the cap, but a lie
    with rss_growth() as growth:
        rows = list(open_table(path).rows)
    lie = "archive endommagée : l'entrée est plus longue une fois décompressée que la taille qu'elle déclare"
    assert {r.where: r.error for r in rows} == {
        "a-soutien.txt": None, "c-nuit.txt": None,
        "b-bombe.txt": f"b-bombe.txt : {lie} : entrée ignorée",
        "b-longue.txt": f"b-longue.txt : {lie} : entrée ignorée",
    }
    assert growth["peak"] < 30, growth  # stopped at the first megabyte past the declared size


def test_entries_past_the_archive_budget_are_error_rows_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ENTRY_BYTES", 2 * MIB)
    monkeypatch.setattr(limits, "MAX_ARCHIVE_BYTES", 3 * MIB)
    bombs = {f"d{i}.txt": int(1.2 * MIB) for i in range(1, 5)}
    table = open_table(zip_of_documents(tmp_path / "dossiers.zip", bombs, docs={}))
    rows = list(table.rows)
    assert [r.where for r in rows] == ["d1.txt", "d2.txt", "d3.txt", "d4.txt"]
    assert [r.error is None for r in rows] == [True, True, False, False]
    assert rows[2].error == ("d3.txt : entrée non lue : l'archive dépasse 3 Mo une fois décompressée (limite "
                             "atteinte avant cette entrée)")
    assert "« dossiers.zip » fait 4,8 Mo une fois décompressée, plus que la limite de 3 Mo" in table.notes[1]


def test_entries_compressed_otherwise_than_deflate_are_refused_one_by_one(tmp_path):
    path = tmp_path / "bzip2.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", DOCS["a-soutien.txt"])
        archive.writestr("b.txt", DOCS["c-nuit.txt"], compress_type=zipfile.ZIP_BZIP2)
    rows = list(open_table(path).rows)
    assert rows[0].error is None
    assert rows[1].error == ("b.txt : méthode de compression bzip2 non prise en charge : recompressez l'archive au "
                             "format ZIP ordinaire (Deflate) : entrée ignorée")


# ---------------------------------------------------------------------------- documents and folders


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_a_document_bomb_is_an_error_row_alone_or_in_a_zip(tmp_path, monkeypatch, kind):
    monkeypatch.setattr(limits, "MAX_ENTRY_BYTES", 2 * MIB)
    source = docx_bytes(["@@BOMBE@@"]) if kind == "docx" else odt_bytes(["@@BOMBE@@"])
    bomb = inflate(source, b"@@BOMBE@@", 30 * MIB, tmp_path / f"bombe.{kind}")
    assert bomb.stat().st_size < MIB
    [row] = open_table(bomb).rows
    assert row.error.startswith(f"bombe.{kind} : document trop volumineux une fois décompressé (")
    assert row.error.endswith(" > 2 Mo) : ignoré")
    archive = tmp_path / "dossiers.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("a.txt", DOCS["a-soutien.txt"])
        out.write(bomb, f"bombe.{kind}")
    rows = list(open_table(archive).rows)
    assert rows[0].error is None and "document trop volumineux une fois décompressé" in rows[1].error


def test_a_file_of_a_folder_past_the_cap_is_an_error_row(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ENTRY_BYTES", MIB)
    folder = tmp_path / "dossiers"
    folder.mkdir()
    (folder / "a.txt").write_text(DOCS["a-soutien.txt"], encoding="utf-8")
    (folder / "b.txt").write_bytes(b"".join(run_of_text(3 * MIB)))
    rows = list(open_table(folder).rows)
    assert [(r.where, r.error) for r in rows] == [
        ("a.txt", None), ("b.txt", "b.txt : fichier trop volumineux (3 Mo > 1 Mo) : ignoré")]
    [single] = open_table(folder / "b.txt").rows
    assert single.error == "b.txt : fichier trop volumineux (3 Mo > 1 Mo) : ignoré"


def test_the_text_of_a_document_is_cut_at_the_cap_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 1000)
    text = SENTENCE * 100
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    [row] = open_table(tmp_path / "long.txt").rows
    assert row.error is None and row.values["texte"] == truncate(text, 1000)[0]
    assert row.notes == (f"long.txt : texte tronqué à {len(row.values['texte'])} caractères à la lecture (le "
                         "document est plus long)",)


@pytest.mark.parametrize(("build", "extract"), [(docx_bytes, _docx_text), (odt_bytes, _odt_text)])
def test_document_extraction_stops_once_it_has_enough_text_and_cuts_as_a_full_read_would(build, extract):
    data = build([f"Paragraphe {i} : {SENTENCE}" for i in range(400)])
    whole = extract(data)
    early = extract(data, 2000)
    assert len(early) < len(whole) / 4
    assert truncate(early, 2000) == truncate(whole, 2000)


def test_cli_notes_a_document_cut_at_the_cap(tmp_path, model_dir, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 1000)
    (tmp_path / "long.txt").write_text(SENTENCE * 100, encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["classify", str(tmp_path / "long.txt"), "-o", str(out), "--model",
                                      str(model_dir), "--workers", "1"])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle, delimiter=";"))
    assert row["cv_statut"] != "erreur" and "long.txt : texte tronqué à" in row["cv_remarques"]


# ------------------------------------------------------------------------------------------ workbooks


def test_a_row_of_a_workbook_past_the_cap_is_cut_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROW_CHARS", 1000)
    long = SENTENCE * 30
    path = tmp_path / "appel.xlsx"
    path.write_bytes(xlsx_bytes([["id", "Libellé de l'action", "Objectif", "Public"], ["A1", "Ateliers", long, long],
                                 ["A2", "Sport", "Boxe", "Filles"]]))
    rows = list(open_table(path).rows)
    first = rows[0]
    assert sum(map(len, first.values.values())) <= 1000
    assert first.values["Objectif"] == truncate(long, 1000 - len("A1Ateliers"))[0] and first.values["Public"] == ""
    kept, total = sum(map(len, first.values.values())), len("A1Ateliers") + 2 * len(long)
    assert first.notes == (f"feuille « Sheet », ligne 2 : texte de la ligne tronqué à la lecture à {kept} "
                           f"caractères sur {limits.count_text(total)} (2 cellules coupées : « Objectif », "
                           "« Public »)",)
    assert rows[1].notes == () and rows[1].values["Objectif"] == "Boxe"


def test_csv_cells_are_not_cut_at_the_row_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROW_CHARS", 1000)
    long = SENTENCE * 30
    (tmp_path / "appel.csv").write_text(f"id;Objectif\nA1;{long}\n", encoding="utf-8")
    [row] = open_table(tmp_path / "appel.csv").rows
    assert row.values["Objectif"] == long and row.notes == ()


def test_a_shared_string_bomb_in_every_cell_of_a_sheet_stays_small(tmp_path, monkeypatch):
    """One string of 30 MB in the shared strings, referenced by 40 cells: 1.2 GB of text once read."""
    monkeypatch.setattr(limits, "MAX_ROW_CHARS", 100_000)
    header = ["id", "Libellé de l'action", *[f"c{i}" for i in range(39)]]
    bomb = inflate(shared_strings_xlsx(header, 40), b"@@BOMBE@@", 30 * MIB, tmp_path / "appel.xlsx")
    with rss_growth() as growth:
        [row] = list(open_table(bomb).rows)
    assert sum(map(len, row.values.values())) <= 100_000
    assert row.values["Libellé de l'action"].startswith(SENTENCE) and row.values["c0"] == ""
    note = re.fullmatch(r"feuille « Demandes », ligne 2 : texte de la ligne tronqué à la lecture à ([\d ]+) "
                        r"caractères sur ([\d ]+) \(40 cellules coupées : « Libellé de l'action », « c0 », « c1 », "
                        r"« c2 », « c3 », …\)", row.notes[0])
    assert note and int(note[1].replace(" ", "")) <= 100_000 and int(note[2].replace(" ", "")) > 40 * 29_000_000
    assert growth["peak"] < 300, growth



@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_a_workbook_bomb_is_refused_in_french(tmp_path, monkeypatch, kind):
    monkeypatch.setattr(limits, "MAX_WORKBOOK_BYTES", 2 * MIB)
    rows = [["id", "Libellé de l'action"], ["A1", "@@BOMBE@@"]]
    source = xlsx_bytes(rows) if kind == "xlsx" else ods_bytes(rows)
    bomb = inflate(source, b"@@BOMBE@@", 30 * MIB, tmp_path / f"appel.{kind}")
    with rss_growth() as growth, pytest.raises(InputTooLargeError) as refused:
        open_table(bomb)
    assert str(refused.value).startswith(f"« appel.{kind} » est trop volumineux une fois décompressé (30 Mo > 2 Mo) "
                                         ": il n'est pas lu.")
    assert "découpez-le en plusieurs fichiers" in str(refused.value)
    assert growth["peak"] < 20, growth


def test_a_workbook_that_lies_about_its_sizes_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_WORKBOOK_BYTES", 2 * MIB)
    bomb = inflate(ods_bytes([["id", "Libellé de l'action"], ["A1", "@@BOMBE@@"]]), b"@@BOMBE@@", 8 * MIB,
                   tmp_path / "appel.ods")
    declare(bomb, "content.xml", 4000)
    with pytest.raises(BatchInputError, match="n'est pas un classeur lisible \\(archive endommagée"):
        open_table(bomb)
    small = inflate(xlsx_bytes([["id", "Libellé de l'action"], ["A1", "@@X@@"]]), b"@@X@@", 5000,
                    tmp_path / "petit.xlsx")
    declare(small, "xl/worksheets/sheet1.xml", 300)
    with pytest.raises(BatchInputError, match="n'est pas un classeur lisible \\(archive endommagée"):
        open_table(small)


def test_an_ordinary_workbook_is_read_as_before(tmp_path):
    path = tmp_path / "appel.xlsx"
    path.write_bytes(xlsx_bytes([["id", "Libellé de l'action"], ["A1", "Ateliers de français"]]))
    assert [r.values for r in open_table(path).rows] == [{"id": "A1", "Libellé de l'action": "Ateliers de français"}]


# ---------------------------------------------------------------------------------- review queues (API)


@pytest.fixture
def api(model, tmp_path):
    db = tmp_path / "fb.sqlite3"
    with TestClient(make_app(model, db), raise_server_exceptions=False) as client:
        yield client, db


def stored_items(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("select count(*) from review_item").fetchone()[0]


def upload(client: TestClient, name: str, data: bytes):
    return client.post(f"/v1/projects/{PROJECT}/queues", files={"file": (name, data)})


def test_a_workbook_bomb_upload_is_refused_413_and_memory_comes_back(api, tmp_path, monkeypatch):
    client, db = api
    monkeypatch.setattr(limits, "MAX_WORKBOOK_BYTES", 16 * MIB)
    warm = upload(client, "petit.csv", "id;Libellé de l'action\nA1;Ateliers de français\n".encode())
    assert warm.status_code == 201
    bomb = inflate(xlsx_bytes([["id", "Libellé de l'action"], ["A1", "@@BOMBE@@"]]), b"@@BOMBE@@", 100 * MIB,
                   tmp_path / "appel.xlsx").read_bytes()
    assert len(bomb) < MIB
    items = stored_items(db)
    with rss_growth() as growth:
        answer = upload(client, "appel.xlsx", bomb)
    assert answer.status_code == 413, answer.text
    assert answer.json()["detail"].startswith("« appel.xlsx » est trop volumineux une fois décompressé (100 Mo > "
                                              "16 Mo) : il n'est pas lu.")
    assert stored_items(db) == items
    assert growth["peak"] < 50 and growth["after"] < 20, growth


def test_a_queue_over_the_row_cap_is_refused_before_anything_is_stored(api, monkeypatch):
    client, db = api
    monkeypatch.setattr(limits, "MAX_QUEUE_ROWS", 5)
    lines = ["id;Libellé de l'action"] + [f"A{i};Ateliers de français n° {i}" for i in range(6)]
    answer = upload(client, "appel.csv", "\n".join(lines).encode())
    assert answer.status_code == 413, answer.text
    assert answer.json()["detail"] == ("« appel.csv » compte plus de 5 lignes de demandes : une file de revue en "
                                       "prend au plus 5. Découpez le fichier en plusieurs files.")
    assert stored_items(db) == 0
    assert upload(client, "appel.csv", "\n".join(lines[:6]).encode()).status_code == 201


def test_a_queue_over_the_text_cap_is_refused_before_anything_is_stored(api, monkeypatch):
    client, db = api
    monkeypatch.setattr(limits, "MAX_QUEUE_CHARS", 1000)
    lines = ["id;Libellé de l'action"] + [f"A{i};{SENTENCE * 10}" for i in range(3)]
    answer = upload(client, "appel.csv", "\n".join(lines).encode())
    assert answer.status_code == 413, answer.text
    assert answer.json()["detail"] == ("« appel.csv » contient plus de 1 000 caractères de texte (limite atteinte à "
                                       "la demande n° 2) : une file de revue en prend au plus 1 000 caractères. "
                                       "Découpez le fichier en plusieurs files.")
    assert stored_items(db) == 0


def test_long_cells_are_stored_cut_and_marked_with_a_note(api, monkeypatch):
    client, db = api
    monkeypatch.setattr(limits, "MAX_STORED_CELL_CHARS", 500)
    long = SENTENCE * 40
    lines = ["id;Libellé de l'action;Objectif", "A1;Ateliers de français;" + long,
             "A2;Correspondants de nuit;Médiation dans les halls"]
    answer = upload(client, "appel.csv", "\n".join(lines).encode())
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert any(n.startswith("La demande n° 1 a des cellules de plus de 500 caractères : elles sont classées "
                            "telles que lues mais enregistrées tronquées (marquées « … [tronqué] »)")
               for n in created["notes"])
    queue = client.get(f"/v1/projects/{PROJECT}/queues/{created['queue_id']}").json()
    first = next(i for i in queue["items"] if i["row_id"] == "A1")
    stored = first["fields"]["objectives"] if "objectives" in first["fields"] else first["fields"]["text"]
    assert stored == truncate(long, 500)[0] + "… [tronqué]"
    assert first["suggestions"]
    export = client.get(f"/v1/projects/{PROJECT}/queues/{created['queue_id']}/export?format=csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["Objectif"].endswith("… [tronqué]") and len(rows[0]["Objectif"]) < 520
    assert rows[1]["Objectif"] == "Médiation dans les halls"
    with sqlite3.connect(db) as connection:
        largest = connection.execute("select max(length(\"values\")) from review_item").fetchone()[0]
    assert largest < 1000
