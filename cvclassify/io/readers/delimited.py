"""CSV and TSV files: encoding and delimiter detected, rows streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from cvclassify.errors import BatchInputError
from cvclassify.io.encoding import Evidence, decode_lines, examine, file_chunks
from cvclassify.io.readers.base import Reader, Row, Table, number_rows, plural, unique_names

_CSV_FIELD_LIMIT = 64 << 20


def _open_csv(path: Path, sheet: str | None) -> Table:
    """A CSV or TSV file: encoding and delimiter detected, rows streamed.

    UTF-8 and Windows-1252 files are decoded line by line (``cvclassify.io.encoding.decode_line``): a UTF-8
    line of a Windows-1252 file is read as UTF-8, and the reverse; the row of a line with unreadable bytes
    gets a note, and the file's note says how many lines were read so.
    """
    evidence = examine(file_chunks(path))
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    lines = _Lines(path, evidence)
    sample_lines, size = [], 0
    for line in lines:
        sample_lines.append(line)
        size += len(line)
        if size >= 65536:
            break
    sample = "".join(sample_lines)[:65536]
    delimiter = _sniff_delimiter(sample, complete=size < 65536, tsv=path.suffix.lower() == ".tsv")
    header = next(csv.reader(_Lines(path, evidence), delimiter=delimiter), [])  # the whole first record
    name = "tabulation" if delimiter == "\t" else f"« {delimiter} »"
    notes = [f"CSV lu en {evidence.summary()}, séparateur {name}"]
    if not any(cell.strip() for cell in header):
        raise BatchInputError(f"La première ligne de « {path.name} » doit nommer les colonnes : elle est vide.")
    columns = unique_names(header)
    return Table(columns, number_rows([_csv_rows(path, evidence, delimiter, columns)]), notes)


class _Lines:
    """The decoded physical lines of a CSV file, for ``csv.reader``, remembering the lines read in the
    file's other encoding or with unreadable bytes (by 1-based line number) until ``take`` asks for them."""

    def __init__(self, path: Path, evidence: Evidence) -> None:
        self.path, self.evidence = path, evidence
        self.odd: dict[int, tuple[str, bool]] = {}

    def __iter__(self) -> Iterator[str]:
        if not self.evidence.by_line:  # UTF-16, UTF-32: read whole in their codec
            with open(self.path, encoding=self.evidence.codec, errors="replace", newline="") as handle:
                yield from handle
            return
        main = self.evidence.main
        for number, (text, encoding, replaced) in enumerate(decode_lines(file_chunks(self.path)), start=1):
            if replaced or (encoding and encoding != main):
                self.odd[number] = (encoding, replaced)
            yield text

    def take(self, last: int) -> tuple[str | None, bool]:
        """The other encoding some lines up to ``last`` were read in (or None), and whether bytes of some
        were replaced; forgotten afterwards."""
        other, replaced = None, False
        for number in [number for number in self.odd if number <= last]:
            encoding, damaged = self.odd.pop(number)
            replaced = replaced or damaged
            if encoding != self.evidence.main and not damaged:
                other = encoding
        return other, replaced


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


def _csv_rows(path: Path, evidence: Evidence, delimiter: str, columns: list[str]) -> Iterator[Row | str]:
    # The quote character is always '"': French text is full of apostrophes the sniffer could take for quotes.
    lines = _Lines(path, evidence)
    reader = csv.reader(lines, delimiter=delimiter)
    next(reader, None)
    lines.take(reader.line_num)
    record = 1  # the header
    while True:
        record += 1
        where = f"ligne {record}"
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            lines.take(reader.line_num)
            yield Row(0, {}, where, f"{where} : ligne illisible (format CSV incorrect)")
            continue
        other, replaced = lines.take(reader.line_num)
        if not any(cell.strip() for cell in cells):
            yield where
            continue
        problems, notes = [], []
        if len(cells) > len(columns):
            problems.append(f"{plural(len(cells), 'champ', 'champs')} au lieu de {len(columns)}")
        if replaced:
            notes.append(f"{where} : octets illisibles remplacés par « \ufffd » (encodage)")
        elif any("\ufffd" in cell for cell in cells):
            problems.append("caractères illisibles (encodage)")
        if other:
            notes.append(f"{where} : lue en {_NAMES[other]} (le reste du fichier est en {_NAMES[evidence.main]})")
        # A line missing its trailing separators (as some exports write them) is read with its missing
        # cells empty; ``io.columns.iter_rows`` notes it when a text column is among them.
        values = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(columns)}
        yield Row(0, values, where, f"{where} : {' ; '.join(problems)}" if problems else None,
                  tuple(columns[len(cells):]), tuple(notes))


_NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}


def count_records(path: Path) -> int | None:
    """Records of a CSV file, not lines: a quoted cell may hold line breaks."""
    csv.field_size_limit(1 << 30)
    with path.open(encoding="latin-1", newline="") as handle:  # any bytes decode; quotes and breaks stay
        header = handle.readline()
        delimiter = max(";,\t|", key=header.count)
        return sum(1 for _ in csv.reader(handle, delimiter=delimiter))


READER = Reader("CSV", (".csv", ".tsv"), "table", _open_csv, count_records, text=True)
