"""CSV and TSV files: encoding and delimiter detected, rows streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from cvclassify.errors import BatchInputError
from cvclassify.io.encoding import detect_encoding, file_chunks
from cvclassify.io.readers.base import Reader, Row, Table, number_rows, plural, unique_names

_CSV_FIELD_LIMIT = 64 << 20


def _open_csv(path: Path, sheet: str | None) -> Table:
    """A CSV or TSV file: encoding and delimiter detected, rows streamed."""
    encoding, label = detect_encoding(file_chunks(path))
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(65536)
        handle.seek(0)
        delimiter = _sniff_delimiter(sample, complete=len(sample) < 65536, tsv=path.suffix.lower() == ".tsv")
        header = next(csv.reader(handle, delimiter=delimiter), [])
    name = "tabulation" if delimiter == "\t" else f"« {delimiter} »"
    notes = [f"CSV lu en {label}, séparateur {name}"]
    if not any(cell.strip() for cell in header):
        raise BatchInputError(f"La première ligne de « {path.name} » doit nommer les colonnes : elle est vide.")
    columns = unique_names(header)
    return Table(columns, number_rows([_csv_rows(path, encoding, delimiter, columns)]), notes)


def _sniff_delimiter(sample: str, complete: bool, tsv: bool = False) -> str:
    """The delimiter among ; , tab | that splits the first records of a sample most consistently.

    Each candidate parses the sample as CSV (quotes respected, so a quoted cell holding commas or doubled
    quotes counts for nothing); the one whose header has several columns and whose data records most often
    have the header's column count wins, the order ``; , tab |`` (tab first for .tsv) breaking ties. A
    sample where no candidate splits the header reads with ";" (the French default), tab for .tsv.
    """
    delimiters = "\t;,|" if tsv else ";,\t|"
    best, best_score = delimiters[0], (0.0, 0)
    for delimiter in delimiters:
        widths = _record_widths(sample, delimiter, complete)
        if not widths or widths[0] < 2:
            continue
        data = widths[1:]
        consistent = sum(width == widths[0] for width in data) / len(data) if data else 1.0
        score = (consistent, widths[0] if not data else 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _record_widths(sample: str, delimiter: str, complete: bool, records: int = 50) -> list[int]:
    """The field counts of the first non-blank records of a sample (the last one dropped when the sample
    is cut), or [] when the sample does not parse with this delimiter."""
    widths = []
    try:
        for cells in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in cells):
                widths.append(len(cells))
            if len(widths) > records:
                break
    except csv.Error:
        return []
    if not complete and len(widths) > 1 and len(widths) <= records:
        widths.pop()  # cut in the middle
    return widths[:records]


def _csv_rows(path: Path, encoding: str, delimiter: str, columns: list[str]) -> Iterator[Row | str]:
    # The quote character is always '"': French text is full of apostrophes the sniffer could take for quotes.
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader, None)
        record = 1  # the header
        while True:
            record += 1
            where = f"ligne {record}"
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                yield Row(0, {}, where, f"{where} : ligne illisible (format CSV incorrect)")
                continue
            if not any(cell.strip() for cell in cells):
                yield where
                continue
            problems = []
            if len(cells) > len(columns):
                problems.append(f"{plural(len(cells), 'champ', 'champs')} au lieu de {len(columns)}")
            if any("\ufffd" in cell for cell in cells):
                problems.append("caractères illisibles (encodage)")
            # A line missing its trailing separators (as some exports write them) is read with its missing
            # cells empty; ``io.columns.iter_rows`` notes it when a text column is among them.
            values = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(columns)}
            yield Row(0, values, where, f"{where} : {' ; '.join(problems)}" if problems else None,
                      tuple(columns[len(cells):]))



def count_records(path: Path) -> int | None:
    """Records of a CSV file, not lines: a quoted cell may hold line breaks."""
    csv.field_size_limit(1 << 30)
    with path.open(encoding="latin-1", newline="") as handle:  # any bytes decode; quotes and breaks stay
        header = handle.readline()
        delimiter = max(";,\t|", key=header.count)
        return sum(1 for _ in csv.reader(handle, delimiter=delimiter))


READER = Reader("CSV", (".csv", ".tsv"), "table", _open_csv, count_records, text=True)
