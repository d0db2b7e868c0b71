"""Hostile inputs and outputs found by the security review (issue 19): stale XLSX dimensions, formula
injection in CSV outputs, links and special files in a folder of documents."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from cvclassify.io.readers import open_table

# ------------------------------------------------------------------------ XLSX whose size is stale (item 2)


def stale_xlsx(path: Path, rows: int = 6) -> Path:
    """A real workbook of ``rows`` data rows (3 columns) whose sheet declares ``<dimension ref="A1:B2"/>``."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "Libellé de l'action"])
    for i in range(1, rows + 1):
        sheet.append([f"A{i}", f"Action n° {i}", f"note {i}"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:B2"/>', data)
                assert count == 1
            target.writestr(info, data)
    return path


def test_xlsx_with_a_stale_dimension_gives_every_row_and_column(tmp_path):
    path = stale_xlsx(tmp_path / "appel.xlsx")
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:B2"/>' in archive.read("xl/worksheets/sheet1.xml")
    table = open_table(path)
    rows = list(table.rows)
    assert table.columns == ["id", "Libellé de l'action"]
    assert [(r.values, r.error) for r in rows] == [
        ({"id": f"A{i}", "Libellé de l'action": f"Action n° {i}", "colonne 3": f"note {i}"}, None)
        for i in range(1, 7)
    ]
    assert rows[-1].where == "feuille « Sheet », ligne 7"
