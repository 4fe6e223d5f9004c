"""Small, hand-made PDF files for the PDF reader's tests: each built from raw PDF objects, so a test
shows exactly what the file holds (a text layer or none, a font with or without a character map,
thousands of pages, a compressed stream that inflates to gigabytes)."""

from __future__ import annotations

import zlib


def pdf_file(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF whose object N (counting from 1) is objects[N-1], with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        trailer_extra,
        xref,
    )
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pages_pdf(
    contents: list[bytes], fonts: bytes = b"", extra_objects: list[bytes] = (), size=(595, 842)
) -> bytes:
    """A PDF with one page per content stream. Objects: 1 catalog, 2 page tree, then `extra_objects`
    (fonts, images: refer to them as 3 0 R, 4 0 R, ...), then each page and its content."""
    extra = list(extra_objects)
    first_page = 3 + len(extra)
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(contents)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(contents)),
        *extra,
    ]
    for i, content in enumerate(contents):
        page = first_page + 2 * i
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << %s >> /Contents %d 0 R >>"
            % (size[0], size[1], fonts, page + 1)
        )
        objects.append(stream(content))
    return pdf_file(objects)


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
# Every Courier character is 0.6 em wide, so lines of equal length end at the same place.
COURIER = b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>"


def text_page(lines: list[str], top: int = 780, step: int = 16, x: int = 72) -> bytes:
    """A content stream that writes ASCII lines in Helvetica 12 (font resource /F1)."""
    ops = []
    for i, line in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")
        ops.append(b"BT /F1 12 Tf %d %d Td (%s) Tj ET" % (x, top - i * step, escaped))
    return b"\n".join(ops)


def text_pdf(pages: list[list[str]], font: bytes = HELVETICA) -> bytes:
    return pages_pdf([text_page(lines) for lines in pages], b"/Font << /F1 3 0 R >>", [font])
