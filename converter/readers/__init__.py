"""One reader per source format. Each module declares the file extensions it handles and a
`read(path: Path) -> Document` function that raises `ConversionError` for a file it cannot read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..model import Document
from . import docx, html, office, pdf, text

Reader = Callable[[Path], Document]

READERS: dict[str, Reader] = {}
for _module in (docx, html, office, pdf, text):
    for _extension in _module.EXTENSIONS:
        READERS[_extension] = _module.read

FORMAT_NAMES = {".docx": "docx", ".html": "html", ".htm": "html", ".txt": "txt", ".pdf": "pdf"}
# Read through LibreOffice (see readers/office.py).
FORMAT_NAMES |= {".doc": "doc", ".wps": "wps", ".rtf": "rtf", ".odt": "odt"}


def reader_for(path: Path) -> Reader | None:
    """The reader for a file, by its extension (case-insensitive), or None if no reader handles it."""
    return READERS.get(path.suffix.lower())
