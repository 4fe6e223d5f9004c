"""Reader for PDF files that have a text layer, built on pypdfium2 (PDFium, Apache-2.0/BSD).

A PDF holds no paragraphs, only characters at positions. This reader rebuilds the document from the
layout, the way a person reads a printed page:

1. every character with its box, size and font (`_page_chars`), grouped into lines (`_lines`), and
   a page with two columns read column by column (`_reading_order`);
2. page furniture removed: running headers and footers (the same text in the same place on most
   pages, a changing page number included) and page numbers in their usual forms (`furniture.py`);
3. lines joined into paragraphs across line wraps and page breaks (`layout.py`): a paragraph begins
   at a first-line indent, after a vertical gap, after a line that stops short of the margin, or
   where the font changes;
4. ruled grids become tables (`tables.py`), and small notes at the foot of a page whose marks are
   raised in its text become footnotes (`footnotes.py`);
5. the title is the largest text on the first page (or the file's Title property when it is a real
   title), and fonts named like 黑体/楷体/小标宋 are passed on as the section finder's heading hints.

Message codes:
  - `no-text-layer` (error): a scan; the pages are images. It needs OCR first.
  - `encrypted` (error): the PDF needs a password to open.
  - `unreadable-text` (error): the fonts have no usable character map, so the text layer is garbage.
  - `corrupt-pdf` (error): the file is damaged or cut off.
  - `too-large` (error): more pages than `MAX_PDF_PAGES`.
  - `page-furniture-removed` (warning): how many running headers, footers and page numbers were removed.
"""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ...model import ConversionError, Document, warning
from .furniture import remove_furniture
from .layout import build_blocks
from .lines import Char, PageLines, group_lines, reading_order
from .tables import find_rules

EXTENSIONS = (".pdf",)

# A long report is a few hundred pages; thousands of pages are a book or a hostile file, and each
# page costs time and memory.
MAX_PDF_PAGES = 2000

# Below this many visible characters per page on average, the PDF is a scan (or a picture book).
MIN_CHARS_PER_PAGE = 20

# A text layer where more than this share of the characters are private-use, replacement or control
# characters comes from fonts without a usable character map: publishing it would publish garbage.
MAX_UNREADABLE_SHARE = 0.25

# Titles that PDF producers write into the Title property instead of the document's own title.
_JUNK_TITLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint) - .*|untitled.*|无标题.*|document\d*|文档\d*|.*\.(?:docx?|wps|rtf|pdf|odt|txt))$",
    re.IGNORECASE,
)

_FONT_BUFFER_SIZE = 256


def read(path: Path) -> Document:
    pdf = _open(path)
    try:
        if len(pdf) > MAX_PDF_PAGES:
            raise ConversionError(
                "too-large",
                f"{path.name}: the PDF has {len(pdf)} pages, over the limit of {MAX_PDF_PAGES}; "
                "split it into smaller files.",
            )
        pages = [_read_page(pdf, i) for i in range(len(pdf))]
        declared_title = _declared_title(pdf)
    finally:
        pdf.close()
    _check_text_layer(path, pages)
    pages, removed = remove_furniture(pages)
    blocks, notes = build_blocks(pages)
    messages = []
    if removed.total:
        messages.append(warning("page-furniture-removed", removed.describe()))
    metadata = {"title": declared_title} if declared_title else {}
    return Document(tuple(blocks), metadata=metadata, notes=notes, messages=tuple(messages))


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise ConversionError(
                "encrypted",
                f"{path.name}: the PDF is protected with a password; open it with the password and save or "
                "print it again without one (in a PDF viewer: Print > Save as PDF).",
            ) from exc
        raise ConversionError(
            "corrupt-pdf",
            f"{path.name}: the PDF is damaged or incomplete and cannot be opened; was a download or copy cut "
            "short? Copy it again from its original.",
        ) from exc


def _declared_title(pdf: pdfium.PdfDocument) -> str | None:
    try:
        title = (pdf.get_metadata_value("Title") or "").strip()
    except (pdfium.PdfiumError, KeyError, UnicodeDecodeError):
        return None
    if not title or _JUNK_TITLE.match(title) or not any(ch.isalpha() for ch in title):
        return None
    return title


# --------------------------------------------------------------------------- characters and lines


def _read_page(pdf: pdfium.PdfDocument, index: int) -> PageLines:
    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            chars = _page_chars(textpage, height)
        finally:
            textpage.close()
        rules = find_rules(page, height)
        images = sum(1 for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2))
    finally:
        page.close()
    lines = reading_order(group_lines(chars), index, width)
    return PageLines(index, width, height, tuple(lines), rules, images, len(chars))


def _page_chars(textpage: pdfium.PdfTextPage, height: float) -> list[Char]:
    """Every character PDFium finds on the page with its box, size and font (line breaks PDFium
    inserts are left out: lines are found from the positions)."""
    raw = textpage.raw
    fonts = _Fonts()
    box = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    out: list[Char] = []
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code in (0x0D, 0x0A):  # PDFium's line breaks: lines are found from the positions
            continue
        if code == 0x02:  # PDFium's mark for a hyphen at the end of a line
            code = ord("-")
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, box):
            continue
        generated = bool(pdfium_c.FPDFText_IsGenerated(raw, i))
        name, bold, italic = fonts.of(raw, i)
        size = pdfium_c.FPDFText_GetFontSize(raw, i) * _scale(raw, i, matrix)
        out.append(
            Char(
                text=chr(code) if code < 0x110000 else "\ufffd",
                x0=box.left,
                x1=box.right,
                top=height - box.top,
                bottom=height - box.bottom,
                size=round(size, 1),
                font=name,
                bold=bold,
                italic=italic,
                generated=generated,
                unmapped=bool(pdfium_c.FPDFText_HasUnicodeMapError(raw, i) == 1),
            )
        )
    return out


def _scale(raw, index: int, matrix) -> float:
    """How much the text's matrix scales its font: Chromium, for one, sets 16-unit text at 0.75."""
    if not pdfium_c.FPDFText_GetMatrix(raw, index, matrix):
        return 1.0
    return abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5 or 1.0


class _Fonts:
    """Font name, bold and italic of each character; one buffer reused, names parsed once each."""

    def __init__(self) -> None:
        self.buffer = ctypes.create_string_buffer(_FONT_BUFFER_SIZE)
        self.flags = ctypes.c_int()
        self.known: dict[tuple[bytes, int, int], tuple[str, bool, bool]] = {}

    def of(self, raw, index: int) -> tuple[str, bool, bool]:
        pdfium_c.FPDFText_GetFontInfo(raw, index, self.buffer, _FONT_BUFFER_SIZE, ctypes.byref(self.flags))
        weight = pdfium_c.FPDFText_GetFontWeight(raw, index)
        key = (self.buffer.value, self.flags.value, weight)
        if key not in self.known:
            self.known[key] = _describe_font(*key)
        return self.known[key]


def _describe_font(raw_name: bytes, flags: int, weight: int) -> tuple[str, bool, bool]:
    try:
        name = raw_name.decode("utf-8")
    except UnicodeDecodeError:  # Chinese font names are often stored in GBK
        name = raw_name.decode("gb18030", "replace")
    lowered = name.lower()
    bold = weight >= 600 or bool(flags & (1 << 18)) or "bold" in lowered or "heavy" in lowered
    italic = bool(flags & (1 << 6)) or "italic" in lowered or "oblique" in lowered
    return name, bold, italic


# --------------------------------------------------------------------------- checks


def _check_text_layer(path: Path, pages: list[PageLines]) -> None:
    chars = [c for page in pages for line in page.lines for c in line.chars if not c.text.isspace()]
    if len(chars) < MIN_CHARS_PER_PAGE * max(1, len(pages)) / 4 and len(chars) < 200:
        raise ConversionError(
            "no-text-layer",
            f"{path.name}: the PDF has no text layer (it is a scan: its pages are images). Run it through "
            "OCR first, for example with OCRmyPDF (Debian package ocrmypdf: "
            "`ocrmypdf --language chi_sim+eng scan.pdf text.pdf`), then convert the result.",
        )
    unreadable = sum(1 for c in chars if c.unmapped or _is_garbage(c.text))
    if unreadable / len(chars) > MAX_UNREADABLE_SHARE:
        raise ConversionError(
            "unreadable-text",
            f"{path.name}: {unreadable / len(chars):.0%} of the PDF's characters cannot be read (its fonts "
            "have no usable character map), so its text would be garbage. Convert the original Word file "
            "instead, or run the PDF through OCR (for example OCRmyPDF with --force-ocr).",
        )


def _is_garbage(ch: str) -> bool:
    code = ord(ch)
    return 0xE000 <= code <= 0xF8FF or code == 0xFFFD or code < 0x20
