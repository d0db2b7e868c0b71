"""Reading and writing files: atomic writes and JSON Lines records."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


@dataclass
class Record:
    """One input line of a batch: its parsed fields, or the reason it could not be read."""

    line_no: int
    data: dict[str, Any] | None
    error: str | None = None

    @property
    def id(self) -> Any:
        if self.data is not None and "id" in self.data:
            return self.data["id"]
        return f"ligne-{self.line_no}"


def read_jsonl(handle: IO[str]) -> Iterator[Record]:
    """Yield one Record per non-blank line; a broken line yields a Record with an error."""
    for line_no, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Record(line_no, None, f"Ligne {line_no} : JSON invalide ({exc.msg}, colonne {exc.colno}).")
            continue
        if not isinstance(data, dict):
            yield Record(line_no, None, f"Ligne {line_no} : un objet JSON {{…}} est attendu.")
            continue
        yield Record(line_no, data)


def write_jsonl(handle: IO[str], rows: Iterable[dict[str, Any]]) -> int:
    """Write rows as JSON Lines (UTF-8, accents kept); return how many were written."""
    n = 0
    for row in rows:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n
