"""Pre-flight checks of a source before any reader opens it, and limits on the worker processes.

`check_source(path)` looks at a file's size and first bytes (and, for a .docx, its zip directory) and
raises `ConversionError` for a file no reader should touch. It never parses a document: it only makes
sure a reader gets a file of the kind its name says, of a size it can handle.

`limit_resources()` is called once in every worker process; `time_limit(seconds)` wraps the
conversion of one source; `read_zip_member(zf, name)` reads a part of a zip package with a byte cap
(a zip's declared sizes can lie, and `ZipFile.read` inflates a whole part in one call).

Every limit is a module constant below, with the reason for its value.

Message codes (all errors, raised as `ConversionError`):
  - `not-a-file`      the source is not a regular file (a FIFO, a device, a broken link).
  - `unreadable`      the source cannot be opened (permissions, I/O error).
  - `empty`           the file is empty or holds only whitespace.
  - `too-large`       the file is larger than MAX_SOURCE_BYTES.
  - `not-text`        a .txt/.html file that is binary (a PDF, a zip, an image, random bytes).
  - `encrypted`       a password-protected Word, WPS or OpenDocument file (or a zip with encrypted parts).
  - `doc-not-docx`    an old Word .doc (compound file) saved with a .docx name.
  - `pdf-not-docx`    a PDF saved with a .docx name.
  - `odt-not-docx`    an OpenDocument text (.odt) saved with a .docx name.
  - `rtf-not-docx`    an RTF file saved with a .docx name.
  - `html-not-docx`   a web page (HTML or MHTML) saved with a .docx name.
  - `not-docx`        any other file with a .docx name that is not a Word package.
  - `corrupt-docx`    a zip that is damaged or truncated, or that is not a Word package.
  - `zip-bomb`        a .docx that would inflate to more than the limits allow.
  - `not-pdf`         a .pdf file that is not a PDF (a Word file, a web page, an image).
  - `not-a-word-file` a .doc/.wps/.rtf/.odt file that holds no word-processor document (an Excel file,
                      an image, random bytes after an OLE header).
  - `damaged-document` a .doc/.wps/.rtf/.odt file that is cut short or damaged.
  - `too-slow`        a conversion that used more than its time (raised by `time_limit`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import signal
import stat
import struct
import sys
import threading
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from .model import ConversionError

# --------------------------------------------------------------------------- limits

# The largest source accepted, in bytes. A long speech is well under 1 MB of text and a Word file with
# photos a few MB; 64 MB leaves room for a 20 MB scraped text (which must convert) and image-heavy .docx
# files while keeping one source's memory use (about 10x the file size while parsing) far below
# MAX_ADDRESS_SPACE.
MAX_SOURCE_BYTES = 64 * 1024 * 1024

# A .docx is a zip. The sum of the declared uncompressed sizes of its parts may not exceed this: the
# readers hold the inflated XML in memory, and 256 MB of XML is already several million paragraphs.
MAX_ZIP_UNCOMPRESSED_BYTES = 256 * 1024 * 1024

# Deflate reaches about 1000:1 only on degenerate data; real Word XML compresses 5-20:1 and images
# not at all. A large part above this ratio is a zip bomb, not a document.
MAX_ZIP_RATIO = 100

# The ratio check applies only to parts at least this large: small, repetitive parts (an empty
# header, a settings file) can legitimately compress well beyond 100:1.
ZIP_RATIO_MIN_BYTES = 8 * 1024 * 1024

# A Word file has a few dozen parts (a few hundred with many images). Tens of thousands of entries
# only cost time in every zip reader.
MAX_ZIP_ENTRIES = 10_000

# The most bytes `read_zip_member` returns from one part unless told otherwise.
MAX_ZIP_MEMBER_BYTES = MAX_ZIP_UNCOMPRESSED_BYTES

# Address space of a worker process (RLIMIT_AS). Python, lxml and python-docx need about 200 MB; a
# 64 MB source parsed into a tree needs well under 1 GB. 2 GiB stops a runaway source from pushing the
# machine into swap or the OOM killer (which might pick another process) and fails it with
# MemoryError instead.
MAX_ADDRESS_SPACE = 2 * 1024 * 1024 * 1024

# CPU seconds one source may use (see `time_limit`). A 20 MB text converts in well under a minute on a
# slow machine; a source that needs more is caught in pathological backtracking or a huge table.
MAX_SECONDS_PER_SOURCE = 120

# Elapsed seconds one source may take before the pipeline kills its worker process. The CPU limit
# above cannot interrupt a single long call into C code (an XML parse) or a process stuck waiting;
# this one can, because the parent process enforces it from outside.
MAX_WALL_SECONDS_PER_SOURCE = 2 * MAX_SECONDS_PER_SOURCE

# How much of a text source is sniffed to decide whether it is text at all.
TEXT_SNIFF_BYTES = 64 * 1024

# Text sources up to this size are decoded in full to tell whether they hold only (Unicode) whitespace.
BLANK_CHECK_BYTES = 4 * 1024 * 1024

_READ_CHUNK = 64 * 1024

TEXT_SUFFIXES = (".txt", ".html", ".htm")
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)

# A PDF's header must stand within its first kilobyte (PDF 1.7, 7.5.2 and Implementation note 13).
PDF_HEADER_WITHIN = 1024

# Word-processor files the office reader takes; what they hold is told by content (see word_processor_kind).
OFFICE_SUFFIXES = (".doc", ".wps", ".rtf", ".odt")

# How far into a file the headers of a web archive (MHTML) are looked for.
MHTML_HEADER_BYTES = 4096

# --------------------------------------------------------------------------- magic numbers

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODF_TEXT_MIME = b"application/vnd.oasis.opendocument.text"
_WORD_2003_XML = b"schemas.microsoft.com/office/word/2003/wordml"  # lower-cased, as searched
_FLAT_ODT = b'office:mimetype="application/vnd.oasis.opendocument.text"'

# First bytes of binary formats a text source might really be, with the name shown to the user.
_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF file"),
    (_OLE_MAGIC, "an old Word/Excel file (.doc/.xls)"),
    (b"PK\x03\x04", "a zip package (perhaps a .docx)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)

_ASCII_WHITESPACE = b" \t\r\n\x0b\x0c\x00"
_UNICODE_BLANKS = "\ufeff\u200b\u200c\u200d\u2060\u3000\u00a0"


# --------------------------------------------------------------------------- check_source


def printable(name: str) -> str:
    """`name` as it can be shown and written to the report: the bytes of a name that is not UTF-8 on disk
    (which Python keeps as lone surrogates, and no UTF-8 file can hold) as \\xNN."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def check_source(path: Path) -> None:
    """Raise `ConversionError` when `path` must not be handed to a reader; return None when it may.

    Checks, in order: a regular file; not empty; not over MAX_SOURCE_BYTES; not only whitespace;
    for .txt/.html, not a binary file; for .docx, really a Word package and no zip bomb; for
    .doc/.wps/.rtf/.odt, a kind of file the office reader takes (see `word_processor_kind`).
    """
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise ConversionError("not-a-file", f"{path.name}: cannot be read ({exc.strerror}).") from exc
    if not stat.S_ISREG(info.st_mode):
        raise ConversionError(
            "not-a-file",
            f"{path.name}: not a regular file (a folder, device or pipe); move it out of SOURCES.",
        )
    if info.st_size == 0:
        raise ConversionError(
            "empty", f"{path.name}: the file is empty (0 bytes); replace it with the speech."
        )
    if info.st_size > MAX_SOURCE_BYTES:
        raise ConversionError(
            "too-large",
            f"{path.name}: {info.st_size / 2**20:.0f} MB is over the limit of {MAX_SOURCE_BYTES // 2**20} MB "
            "for one source; split it, or remove large images from it.",
        )
    try:
        with path.open("rb") as f:
            head = f.read(TEXT_SNIFF_BYTES)
    except OSError as exc:
        raise ConversionError("unreadable", f"{path.name}: cannot be read ({exc.strerror}).") from exc
    suffix = path.suffix.lower()
    if suffix in DOCX_SUFFIXES:
        _check_docx(path, head)
    else:
        if _is_blank(path, head, info.st_size):
            raise ConversionError(
                "empty", f"{path.name}: the file holds only whitespace; replace it with the speech."
            )
        if suffix in TEXT_SUFFIXES:
            _check_text(path, head)
        elif suffix in PDF_SUFFIXES:
            _check_pdf(path, head)
        elif suffix in OFFICE_SUFFIXES:
            word_processor_kind(path, head)


def _is_blank(path: Path, head: bytes, size: int) -> bool:
    """True when the file holds nothing but whitespace (ASCII, NUL, BOMs or Unicode spaces)."""
    if not head.translate(None, _ASCII_WHITESPACE):
        if size <= len(head):
            return True
        with path.open("rb") as f:
            while chunk := f.read(_READ_CHUNK):
                if chunk.translate(None, _ASCII_WHITESPACE):
                    break
            else:
                return True
    if size > BLANK_CHECK_BYTES:
        return False
    data = path.read_bytes()
    for encoding in _guess_encodings(data):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not text.strip().strip(_UNICODE_BLANKS + "\x00 \t\r\n")
    return False


def _guess_encodings(data: bytes) -> tuple[str, ...]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("utf-16",)
    return ("utf-8-sig", "gb18030")


def _check_text(path: Path, head: bytes) -> None:
    """A .txt or .html source must be text in some encoding, not a binary file with a text name."""
    for magic, name in _BINARY_MAGICS:
        if head.startswith(magic):
            raise ConversionError(
                "not-text",
                f"{path.name}: this is {name}, not text, although its name ends in {path.suffix}; "
                "rename it with its real extension, or save the speech as .docx or .txt.",
            )
    if _looks_binary(head):
        raise ConversionError(
            "not-text",
            f"{path.name}: the file holds binary data, not text in any known encoding; "
            "check that it is the right file, or save the speech again as UTF-8 text.",
        )


def _check_pdf(path: Path, head: bytes) -> None:
    """A .pdf source must start with a PDF header, not be another file renamed."""
    if b"%PDF-" in head[:PDF_HEADER_WITHIN]:
        return
    what = next((name for magic, name in _BINARY_MAGICS if head.startswith(magic)), None)
    if what is None and head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith((b"<", b"mime-version")):
        what = "a web page"
    if what is None and head.startswith(b"{\\rtf"):
        what = "an RTF file"
    what = what or ("plain text" if not _looks_binary(head) else "a file of another kind")
    raise ConversionError(
        "not-pdf",
        f"{path.name}: this is {what}, not a PDF, although its name ends in .pdf; rename it with its real "
        "extension, or print the document to PDF again.",
    )


def _looks_binary(head: bytes) -> bool:
    """True when a sample is text in none of the encodings the text reader accepts.

    UTF-16 without a BOM is full of NUL bytes, so NULs alone prove nothing: a sample is binary only when
    it decodes as none of UTF-8, UTF-16LE/BE and GB18030, or when every decoding is mostly control
    characters.
    """
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "gb18030"):
        text = _decode_prefix(head, encoding)
        if text is not None and _control_ratio(text) < 0.05:
            return False
    return True


def _decode_prefix(data: bytes, encoding: str) -> str | None:
    """Decode `data`, allowing a character cut in two at the end of the sample; None when it is invalid."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(data, final=False)
    except UnicodeDecodeError:
        return None


# C0 controls but tab, line feed, form feed and carriage return; DEL and the C1 controls.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    # A regex counts them in C: a loop over every character was most of the time to check a text source.
    return len(_CONTROL_CHARS.findall(text)) / len(text)


# --------------------------------------------------------------------------- .docx


def _check_docx(path: Path, head: bytes) -> None:
    name = path.name
    if head.startswith(_OLE_MAGIC):
        _check_ole(path)
    if head.startswith(b"%PDF"):
        raise ConversionError(
            "pdf-not-docx",
            f"{name}: this is a PDF file saved with a .docx name; open the original Word file and save it "
            "as .docx, or copy the PDF's text into a .txt file.",
        )
    if head.startswith(b"{\\rtf"):
        raise ConversionError(
            "rtf-not-docx",
            f"{name}: this is an RTF file saved with a .docx name; open it in Word or LibreOffice and save "
            "as .docx.",
        )
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<", b"mime-version")):
        raise ConversionError(
            "html-not-docx",
            f"{name}: this is a web page saved with a .docx name; rename it to .html, or open it in Word "
            "and save as .docx.",
        )
    if not head.startswith(_ZIP_MAGICS):
        if not head.strip(_ASCII_WHITESPACE):
            raise ConversionError(
                "empty", f"{name}: the file holds only whitespace; replace it with the speech."
            )
        raise ConversionError(
            "not-docx",
            f"{name}: this is not a Word .docx file (it is not a zip package); check that it is the right "
            "file, open it in Word or LibreOffice and save as .docx.",
        )
    _check_zip(path)


@contextlib.contextmanager
def _damage_reported(name: str, code: str, cut_short_advice: str, unreadable_advice: str) -> Iterator[None]:
    """Report a zip package that breaks while it is read (cut short, or unreadable inside) as `code`,
    with the advice for each case; ConversionErrors from the checks pass through."""
    try:
        yield
    except zipfile.BadZipFile as exc:
        raise ConversionError(
            code,
            f"{name}: the file is damaged or incomplete ({exc}); was a download or copy cut short? "
            + cut_short_advice,
        ) from exc
    except (OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
        raise ConversionError(
            code, f"{name}: the file is damaged and cannot be read ({exc}); {unreadable_advice}"
        ) from exc


def _check_zip(path: Path) -> None:
    name = path.name
    with (
        _damage_reported(
            name,
            "corrupt-docx",
            "Copy the file again from its original, or open it in Word and save it again.",
            "copy it again from its original, or open it in Word and save it again.",
        ),
        zipfile.ZipFile(path) as zf,
    ):
        infos = zf.infolist()
        _check_zip_directory(name, infos)
        _check_package_kind(name, zf, infos)
        _verify_members(name, zf, infos)


def _check_zip_directory(name: str, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ConversionError(
            "zip-bomb",
            f"{name}: the package has {len(infos)} parts (limit {MAX_ZIP_ENTRIES}); this is not a normal Word "
            "file. Open it in Word and save it again, or leave it out.",
        )
    total = 0
    seen: set[str] = set()
    for info in infos:
        if info.flag_bits & 0x1:
            raise ConversionError(
                "encrypted",
                f"{name}: parts of the package are encrypted; remove the password and save it again.",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ConversionError(
                "corrupt-docx",
                f"{name}: part {info.filename!r} uses a compression Word does not write "
                f"(method {info.compress_type}); open the file in Word and save it again.",
            )
        key = info.filename.lower()
        if key in seen:
            raise ConversionError(
                "corrupt-docx",
                f"{name}: the package holds two parts named {info.filename!r}; open it in Word and save it again.",
            )
        seen.add(key)
        total += info.file_size
        if info.file_size >= ZIP_RATIO_MIN_BYTES and info.file_size > MAX_ZIP_RATIO * max(
            info.compress_size, 1
        ):
            raise ConversionError(
                "zip-bomb",
                f"{name}: part {info.filename!r} would inflate from {info.compress_size} bytes to "
                f"{info.file_size} bytes (over {MAX_ZIP_RATIO}:1); this is a zip bomb, not a document. Remove it from SOURCES.",
            )
    if total > MAX_ZIP_UNCOMPRESSED_BYTES:
        raise ConversionError(
            "zip-bomb",
            f"{name}: the package would inflate to {total / 2**20:.0f} MB (limit "
            f"{MAX_ZIP_UNCOMPRESSED_BYTES // 2**20} MB); this is a zip bomb or not a normal Word file. Remove it from SOURCES, or open it in Word and save it again.",
        )


def _check_package_kind(name: str, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    names = {info.filename.lower() for info in infos}
    if "mimetype" in names and "[content_types].xml" not in names:
        mime = read_zip_member(zf, _member(infos, "mimetype"), 200).strip()
        if mime == _ODF_TEXT_MIME:
            raise ConversionError(
                "odt-not-docx",
                f"{name}: this is an OpenDocument text (.odt) saved with a .docx name; open it in LibreOffice "
                "or Word and save as .docx.",
            )
        raise ConversionError(
            "not-docx",
            f"{name}: this is an OpenDocument file ({mime.decode('ascii', 'replace')}), not a Word text; "
            "save the speech as .docx.",
        )
    if "[content_types].xml" not in names:
        raise ConversionError(
            "corrupt-docx",
            f"{name}: a zip file, but not a Word package (it has no [Content_Types].xml); check that it is "
            "the right file, or open it in Word and save it again.",
        )
    for marker, kind in (
        ("xl/workbook.xml", "an Excel workbook"),
        ("ppt/presentation.xml", "a PowerPoint file"),
    ):
        if marker in names and not any(n.startswith("word/") for n in names):
            raise ConversionError(
                "not-docx",
                f"{name}: this is {kind} saved with a .docx name; save the speech as a Word .docx.",
            )


def _member(infos: list[zipfile.ZipInfo], lowered: str) -> str:
    return next(info.filename for info in infos if info.filename.lower() == lowered)


def _verify_members(name: str, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate every part once, in small chunks, and check its CRC.

    A part whose declared size is false fails its CRC here, so a reader (python-docx calls
    `ZipFile.read`, which inflates a whole part in one call) never meets a size that lies.
    """
    for info in infos:
        if info.is_dir():
            continue
        with zf.open(info) as f:
            while f.read(_READ_CHUNK):
                pass


def read_zip_member(
    zf: zipfile.ZipFile, name: str | zipfile.ZipInfo, limit: int = MAX_ZIP_MEMBER_BYTES
) -> bytes:
    """The bytes of one part of a zip package, read in chunks and never more than `limit` bytes.

    Raises ConversionError('zip-bomb') when the part inflates to more than `limit`, and
    ConversionError('corrupt-docx') when the part is damaged (bad CRC, bad deflate data, truncated).
    """
    label = name.filename if isinstance(name, zipfile.ZipInfo) else name
    chunks: list[bytes] = []
    size = 0
    try:
        with zf.open(name) as f:
            while chunk := f.read(_READ_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ConversionError(
                        "zip-bomb",
                        f"part {label!r} inflates to more than {limit} bytes; this is not a normal file. Remove it from SOURCES, or open it in Word and save it again.",
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise ConversionError(
            "corrupt-docx", f"part {label!r} is damaged ({exc}); open the file in Word and save it again."
        ) from exc
    return b"".join(chunks)


# --------------------------------------------------------------------------- .doc, .wps, .rtf, .odt


def word_processor_kind(path: Path, head: bytes | None = None) -> str:
    """What a .doc, .wps, .rtf or .odt source really holds, told by its content, not its name.

    Returns 'word97' (an OLE compound file with a WordDocument stream: Word 97-2003, and WPS Office's
    .wps), 'rtf', 'odt', 'fodt' (flat OpenDocument XML), 'word2003xml' (Word 2003's XML document),
    'docx' (a Word package with an old name), 'html' or 'mhtml' (Word's "save as web page", which
    Chinese portals often serve as .doc). Raises `ConversionError` for anything else:
    `encrypted`, `damaged-document` (e.g. a compound file cut short) or `not-a-word-file`.
    """
    if head is None:
        with path.open("rb") as f:
            head = f.read(TEXT_SNIFF_BYTES)
    if head.startswith(_OLE_MAGIC):
        return _ole_word_kind(path)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_ZIP_MAGICS):
        return _zip_word_kind(path)
    text_kind = _markup_kind(head)
    if text_kind:
        return text_kind
    what = next((name for magic, name in _BINARY_MAGICS if head.startswith(magic)), None)
    raise ConversionError(
        "not-a-word-file",
        f"{path.name}: this is {what or 'not a word-processor file'}, although its name ends in "
        f"{path.suffix}; rename it with its real extension, or open the speech in Word, WPS or LibreOffice "
        "and save it as .docx.",
    )


def _ole_word_kind(path: Path) -> str:
    kind = _ole_kind(path.read_bytes())
    if kind in ("encrypted-package", "encrypted-doc"):
        raise ConversionError(
            "encrypted",
            f"{path.name}: the document is protected with a password; open it in Word or WPS, remove the "
            "password and save it again (as .docx if you can).",
        )
    if kind in ("damaged-word97", "damaged"):
        raise ConversionError(
            "damaged-document",
            f"{path.name}: the file is damaged or incomplete (its table of parts is broken or ends "
            "early); was a download or copy cut short? Copy it again from its original.",
        )
    if kind == "other":
        raise ConversionError(
            "not-a-word-file",
            f"{path.name}: this is an old Office file without a Word document inside (perhaps Excel, "
            "PowerPoint or Works); open the speech in Word or WPS and save it as .docx.",
        )
    return "word97"


def _zip_word_kind(path: Path) -> str:
    """'docx' or 'odt' for a zip package, after the same checks a .docx gets (bombs, damage)."""
    name = path.name
    advice = ("Copy the file again from its original.", "copy it again from its original.")
    with _damage_reported(name, "damaged-document", *advice), zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        _check_zip_directory(name, infos)
        names = {info.filename.lower() for info in infos}
        if "mimetype" in names and "[content_types].xml" not in names:
            _check_odf_text(name, zf, infos)
            _verify_members(name, zf, infos)
            return "odt"
    _check_zip(path)
    return "docx"


def _check_odf_text(name: str, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    mime = read_zip_member(zf, _member(infos, "mimetype"), 200).strip()
    if mime != _ODF_TEXT_MIME:
        raise ConversionError(
            "not-a-word-file",
            f"{name}: this is an OpenDocument file ({mime.decode('ascii', 'replace')}), not a text "
            "document; save the speech as .odt or .docx.",
        )
    manifest = next((i for i in infos if i.filename.lower() == "meta-inf/manifest.xml"), None)
    if manifest is not None and b"encryption-data" in read_zip_member(zf, manifest, 1 << 20):
        raise ConversionError(
            "encrypted",
            f"{name}: the document is protected with a password; open it in LibreOffice, remove the "
            "password (File > Properties > Security) and save it again.",
        )


def _markup_kind(head: bytes) -> str | None:
    """'word2003xml' (Word 2003's XML document), 'fodt' (a flat OpenDocument text), 'html' for a web
    page, 'mhtml' for a web archive (MIME headers, then the page), else None."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(b"<?xml") and _WORD_2003_XML in stripped[:MHTML_HEADER_BYTES]:
        return "word2003xml"
    if stripped.startswith(b"<?xml") and _FLAT_ODT in stripped[:MHTML_HEADER_BYTES]:
        return "fodt"
    if stripped.startswith(b"<"):
        return "html"
    headers = re.split(rb"\r?\n\r?\n", stripped[:MHTML_HEADER_BYTES], maxsplit=1)[0]
    if stripped.startswith(b"mime-version") or b"multipart/related" in headers:
        return "mhtml"
    return None


# --------------------------------------------------------------------------- OLE compound files

_CFB_FREE = 0xFFFFFFFF
_CFB_END = 0xFFFFFFFE
_CFB_MAX_SECTORS = 1 << 20  # bound every chain walk: a malicious file may link sectors in a loop


def _check_ole(path: Path) -> None:
    """An OLE compound file with a .docx name: encrypted Word, an old .doc, or something else."""
    kind = _ole_kind(path.read_bytes())
    if kind == "encrypted-package":
        raise ConversionError(
            "encrypted",
            f"{path.name}: the Word file is protected with a password; open it in Word, remove the password "
            "(File > Info > Protect Document) and save it again.",
        )
    if kind == "encrypted-doc":
        raise ConversionError(
            "encrypted",
            f"{path.name}: this is an old Word .doc file protected with a password, saved with a .docx "
            "name; open it in Word, remove the password and save as .docx.",
        )
    if kind in ("word97", "damaged-word97"):
        raise ConversionError(
            "doc-not-docx",
            f"{path.name}: this is an old Word .doc file saved with a .docx name: open it in Word or "
            "LibreOffice and save as .docx.",
        )
    raise ConversionError(
        "not-docx",
        f"{path.name}: this is an old Office file (perhaps Excel or PowerPoint), not a Word .docx; save the "
        "speech as .docx.",
    )


def _ole_kind(data: bytes) -> str:
    """What an OLE compound file holds: 'encrypted-package' (a password-protected .docx),
    'encrypted-doc', 'word97', 'damaged-word97' (a Word 97 file cut short or broken), 'damaged'
    (a directory that cannot be read, without a sign of Word) or 'other'."""
    entries = _cfb_directory(data)
    names = {entry[0] for entry in entries} if entries is not None else _cfb_names_by_search(data)
    if {"EncryptionInfo", "EncryptedPackage"} & names:
        return "encrypted-package"
    if "WordDocument" not in names:
        return "other" if entries is not None else "damaged"
    if entries is not None and _doc_is_encrypted(data, entries):
        return "encrypted-doc"
    return "damaged-word97" if entries is None or _cfb_is_truncated(data) else "word97"


def _cfb_is_truncated(data: bytes) -> bool:
    """True when the allocation table uses sectors beyond the end of the file (a download cut short)."""
    try:
        sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        fat = _cfb_fat(data, sector_size)
    except (struct.error, ValueError):
        return True
    sectors_in_file = -(-(len(data) - 512) // sector_size)
    used = (index for index, value in enumerate(fat) if value != _CFB_FREE)
    return max(used, default=-1) >= sectors_in_file


def _cfb_directory(data: bytes) -> list[tuple[str, int, int]] | None:
    """(name, start sector, size) of every directory entry of a compound file, or None when malformed."""
    try:
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            return None
        sector_size = 1 << shift
        fat = _cfb_fat(data, sector_size)
        first_dir = struct.unpack_from("<I", data, 0x30)[0]
        entries = []
        for sector in _cfb_chain(fat, first_dir):
            base = (sector + 1) * sector_size
            for offset in range(base, base + sector_size, 128):
                raw = data[offset : offset + 128]
                if len(raw) < 128:
                    return None
                name_len = struct.unpack_from("<H", raw, 0x40)[0]
                if raw[0x42] == 0 or not 2 <= name_len <= 64:
                    continue
                name = raw[: name_len - 2].decode("utf-16-le", "replace")
                start, size = struct.unpack_from("<IQ", raw, 0x74)
                entries.append((name, start, size))
        return entries
    except (struct.error, IndexError, ValueError):
        return None


def _cfb_fat(data: bytes, sector_size: int) -> list[int]:
    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _CFB_END]
    difat = struct.unpack_from("<I", data, 0x44)[0]
    per_sector = sector_size // 4
    for _ in range(_CFB_MAX_SECTORS):
        if difat >= _CFB_END:
            break
        values = struct.unpack_from(f"<{per_sector}I", data, (difat + 1) * sector_size)
        fat_sectors.extend(s for s in values[:-1] if s < _CFB_END)
        difat = values[-1]
    fat: list[int] = []
    for sector in fat_sectors[:_CFB_MAX_SECTORS]:
        fat.extend(struct.unpack_from(f"<{per_sector}I", data, (sector + 1) * sector_size))
    return fat


def _cfb_chain(fat: list[int], start: int) -> Iterator[int]:
    sector, seen = start, set()
    while sector < _CFB_END and sector not in seen and len(seen) < _CFB_MAX_SECTORS:
        seen.add(sector)
        yield sector
        sector = fat[sector] if sector < len(fat) else _CFB_END


def _cfb_names_by_search(data: bytes) -> set[str]:
    """The stream names that matter, found by searching for their UTF-16 spelling (malformed files)."""
    wanted = ("EncryptionInfo", "EncryptedPackage", "WordDocument")
    return {w for w in wanted if w.encode("utf-16-le") in data}


def _doc_is_encrypted(data: bytes, entries: list[tuple[str, int, int]]) -> bool:
    """The fEncrypted bit of a Word 97-2003 file's FIB (the WordDocument stream's first bytes)."""
    try:
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        cutoff = struct.unpack_from("<I", data, 0x38)[0]
        start, size = next((s, n) for name, s, n in entries if name == "WordDocument")
        if size < cutoff or size < 12:  # a WordDocument stream in the mini stream is not worth a parser
            return False
        offset = (start + 1) << shift
        ident, _, flags = struct.unpack_from("<HHxxxxxxH", data, offset)
        return ident == 0xA5EC and bool(flags & 0x0100)
    except (struct.error, StopIteration):
        return False


# --------------------------------------------------------------------------- process limits


def release_freed_memory() -> None:
    """Collect cyclic garbage now and give the memory freed back to the system (glibc's malloc_trim;
    only the collection elsewhere).

    A worker converts thousands of sources one after another. Measured on 1,200 generated sources in one
    process: its resident size grew from 137 to 210 MB (about 60 KB a source), because the trees a
    source leaves behind wait for Python's cyclic collector and glibc keeps the pages they held. At
    tens of thousands of sources a worker would reach its address-space limit (MAX_ADDRESS_SPACE) and
    fail good sources. Collecting and trimming every 25 sources keeps it at 62 MB for about 6 % more
    CPU time (every source: 61 MB but twice the time)."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc():
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except (OSError, AttributeError):
        return None


_LIBC = _glibc() if sys.platform.startswith("linux") else None


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """Have Linux kill this process when `parent` (the process that started it) dies, even of SIGKILL
    (the OOM killer, `docker kill`, a CI runner's hard timeout), which no handler of the parent sees: a
    worker left behind blocks forever on its empty task queue, holding the run's output pipe open, so
    whatever reads that output hangs. Does nothing where prctl is missing (not Linux, not glibc).

    Linux sends the signal when the *thread* that started the process ends; ProcessPoolExecutor starts
    its workers in the thread that submits work (the main one in batch), unless max_tasks_per_child is set."""
    if _LIBC is None or not hasattr(_LIBC, "prctl"):
        return
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the request was made
        os._exit(1)


def limit_resources() -> None:
    """Cap this process's address space at MAX_ADDRESS_SPACE and turn core dumps off.

    Call once in every worker process (and only there: the limits cannot be raised again). Limits that
    are already lower are kept. Does nothing where the `resource` module does not exist (Windows).
    """
    try:
        import resource
    except ImportError:
        return
    _lower_limit(resource, resource.RLIMIT_AS, MAX_ADDRESS_SPACE)
    # A worker killed at its memory limit should not leave a 2 GiB core file in the working folder.
    _lower_limit(resource, resource.RLIMIT_CORE, 0)


def _lower_limit(resource, which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    if soft != resource.RLIM_INFINITY and soft <= value:
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(which, (value, hard))


@contextlib.contextmanager
def time_limit(seconds: float = MAX_SECONDS_PER_SOURCE, *, wall: bool = False) -> Iterator[None]:
    """Raise ConversionError('too-slow') inside the block once it has used `seconds` of CPU time.

    With `wall=True` the limit is on elapsed time instead (SIGALRM), which also ends a block stuck
    waiting. Uses an interval timer and a signal handler, so it works only in the main thread of a
    process (elsewhere, and on Windows, the block runs without a limit) and cannot interrupt a single
    long call into C code (a regular expression, an XML parse) until it returns. The previous handler
    and timer are restored on exit, so blocks may nest.
    """
    if (
        seconds is None
        or seconds <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    timer, signum = (signal.ITIMER_REAL, signal.SIGALRM) if wall else (signal.ITIMER_PROF, signal.SIGPROF)

    def expired(_signum, _frame):
        clock = "seconds" if wall else "CPU seconds"
        raise ConversionError(
            "too-slow",
            f"the conversion took more than {seconds:g} {clock}, the limit for one source; the file may be "
            "pathological. Split it into smaller files or save it again from its original program.",
        )

    previous_handler = signal.signal(signum, expired)
    previous_timer = signal.setitimer(timer, seconds)
    try:
        yield
    finally:
        signal.setitimer(timer, 0)
        signal.signal(signum, previous_handler)
        if previous_timer[0] > 0:
            signal.setitimer(timer, *previous_timer)


def atomic_write(path: Path, data: bytes | str, durable: bool = True) -> None:
    """Write a file so that readers (and a crash) only ever see the old or the new content.

    `durable=False` leaves out the fsync that makes the content survive a power cut before the rename
    does: for many files at once, whose writer calls `make_durable` before it records them anywhere
    (one flush for all of them instead of one wait on the disk for each, 4 to 15 ms here)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(tmp, "wb") as f:
            f.write(payload)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def make_durable() -> None:
    """Put every file written so far on the disk (sync(2)): the barrier after writes made with
    `atomic_write(..., durable=False)`, before anything that names those files is written."""
    os.sync()
