"""Reader for other word-processor files: Word 97-2003 .doc, WPS Office .wps, .rtf and OpenDocument .odt.

What a file holds is told by its content, not its name (`safety.word_processor_kind`), because real
portals serve all sorts under these names:
  - Word 97 (an OLE compound file with a WordDocument stream, as Word and WPS write .doc and .wps),
    RTF, OpenDocument text (zipped or flat XML) and Word 2003's XML document go through LibreOffice (`converter.libreoffice`) into a .docx, which the
    Word reader reads. The batch runner converts all of a run's files in a few soffice calls before
    the workers start and passes each worker its .docx (`prepared`); a direct call converts alone.
  - a Word package (.docx) with an old name goes straight to the Word reader;
  - a web page (Word's "save as web page", HTML or single-file MHTML), common on Chinese government
    portals as .doc, goes to the HTML reader.
The page links to the original file, never to the .docx made from it.

Message codes (errors):
  - no-text: LibreOffice opened the file but found no text in it.
  - no-web-page: a web archive (MHTML) without a web page inside.
  - needs-libreoffice, too-slow, damaged-document: from `converter.libreoffice`.
  - encrypted, not-a-word-file, damaged-document: from the pre-flight (`converter.safety`).
A file read by the Word or HTML reader may also give their codes.
"""

from __future__ import annotations

import email
import email.policy
import tempfile
from dataclasses import replace
from pathlib import Path

from .. import libreoffice, safety
from ..model import ConversionError, Document, Message
from . import docx, html

EXTENSIONS = (".doc", ".wps", ".rtf", ".odt")


def read(path: Path, prepared: Path | None = None) -> Document:
    """Read a .doc, .wps, .rtf or .odt file. `prepared` is a .docx LibreOffice already made from it."""
    kind = safety.word_processor_kind(path)
    if kind == "docx":
        return docx.read(path)
    if kind == "html":
        return html.read(path)
    if kind == "mhtml":
        return _read_web_archive(path)
    if prepared is not None:
        return _read_converted(path, prepared)
    with tempfile.TemporaryDirectory(prefix="speech-archive-office-") as workdir:
        return _read_converted(path, libreoffice.convert_one(path, kind, Path(workdir)))


def needs_libreoffice(path: Path) -> str | None:
    """The kind of content (for `libreoffice.convert_many`) when `path` must go through LibreOffice;
    None when it need not (or is not a file for this reader), or when the pre-flight refuses it (the
    worker then reports why). The whole pre-flight runs first: its size limit keeps a huge or hostile
    file from being parsed here, in the unlimited main process."""
    if path.suffix.lower() not in EXTENSIONS:
        return None
    try:
        safety.check_source(path)
        kind = safety.word_processor_kind(path)
    except (ConversionError, OSError):
        return None
    return kind if kind in libreoffice.STAGED_SUFFIX else None


def _read_converted(source: Path, converted: Path) -> Document:
    """The Word reader's view of the .docx LibreOffice made from `source`."""
    document = _read_as(source, converted, docx.read)
    if not document.blocks:
        raise ConversionError(
            "no-text",
            f"{source.name}: LibreOffice opened the file but found no text in it; check that it is the "
            "right file, or open it in Word or WPS and save it as .docx.",
        )
    return document


def _read_web_archive(path: Path) -> Document:
    """The page inside a single-file web archive (MHTML), read by the HTML reader. Its pictures stay
    in the archive: the HTML reader reports each as not embedded."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    if part is None:
        raise ConversionError(
            "no-web-page",
            f"{path.name}: a web archive (MHTML) without a web page inside; open it in a browser or "
            "Word and save it as .html or .docx.",
        )
    page = part.get_content()  # decoded from quoted-printable or base64, in its declared charset
    with tempfile.TemporaryDirectory(prefix="speech-archive-mhtml-") as workdir:
        extracted = Path(workdir) / "page.html"
        extracted.write_text(page if isinstance(page, str) else page.decode("utf-8", "replace"), "utf-8-sig")
        return _read_as(path, extracted, html.read)


def _read_as(source: Path, stand_in: Path, reader) -> Document:
    """Read `stand_in` (a file made from `source`) with `reader`, naming `source` in every message."""

    def renamed(message: Message) -> Message:
        return replace(message, text=message.text.replace(stand_in.name, source.name))

    try:
        document = reader(stand_in)
    except ConversionError as exc:
        raise ConversionError(exc.message.code, renamed(exc.message).text) from exc
    return replace(document, messages=tuple(renamed(m) for m in document.messages))
