"""The PDF reader, on PDFs printed inside the test run and on hand-made hostile files.

Printed PDFs come from real programs: LibreOffice prints an office-style Word speech (running header,
`— N —` page numbers, two-character indents, a ruled table), Chromium prints HTML with its own header
and footer. Each printed PDF is compared with its source: same outline, paragraphs whole, no page
furniture left, the text all there.
"""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import pytest
from helpers import IN_CI, require_soffice, run_converter
from pdf_builder import COURIER, HELVETICA, pages_pdf, pdf_file, stream, text_pdf
from pdf_fixtures import (
    TABLE,
    TITLE,
    body_paragraphs,
    chinese_speech_docx,
    print_with_chromium,
    print_with_libreoffice,
)

from converter.model import ConversionError, Paragraph, Table
from converter.readers import pdf
from converter.readers.pdf.furniture import is_page_number
from converter.readers.pdf.layout import canonical_font


def convert(folder: Path, tmp: Path) -> tuple[dict, Path]:
    docs = tmp / "docs"
    done = run_converter(folder, docs, "--report", str(tmp / "report.json"))
    assert done.returncode in (0, 1), done.stderr
    report = json.loads((tmp / "report.json").read_text(encoding="utf-8"))
    return {Path(e["source"]).name: e for e in report["documents"]}, docs


def page_text(entry: dict, docs: Path) -> str:
    assert entry["status"] == "converted", entry["messages"]
    return (docs / entry["output"]).read_text(encoding="utf-8")


def outline(markdown: str) -> list[tuple[int, str]]:
    return [(len(m.group(1)), m.group(2).strip()) for m in re.finditer(r"^(#{1,6}) (.+)$", markdown, re.M)]


def body(markdown: str) -> str:
    return markdown.split("\n---\n", 1)[1]


# --------------------------------------------------------------------------- printed by LibreOffice


@pytest.fixture(scope="session")
def office_twins(tmp_path_factory) -> tuple[dict, Path]:
    """An office-style speech as .docx and as the PDF LibreOffice prints from it, converted together."""
    require_soffice()
    tmp = tmp_path_factory.mktemp("office")
    sources = tmp / "sources"
    sources.mkdir()
    docx = chinese_speech_docx(sources / "speech.docx")
    print_with_libreoffice([docx], tmp)
    (tmp / "speech.pdf").rename(sources / "printed.pdf")
    return convert(sources, tmp)


def test_printed_pdf_has_the_outline_of_its_word_file(office_twins):
    entries, docs = office_twins
    word, printed = page_text(entries["speech.docx"], docs), page_text(entries["printed.pdf"], docs)
    assert outline(printed) == outline(word)
    assert outline(printed)[0] == (1, f"# {TITLE}"[2:]) or outline(printed)[0][1] == TITLE
    assert (2, "一、充分认识做好工业经济工作的重要意义") in outline(printed)
    assert (3, "（一）工业是县域经济的主导力量") in outline(printed)


def test_printed_pdf_keeps_every_paragraph_whole(office_twins):
    """Lines wrapped at the margin and paragraphs running over a page break are joined again."""
    entries, docs = office_twins
    blocks = [b.strip() for b in body(page_text(entries["printed.pdf"], docs)).split("\n\n")]
    for paragraph in body_paragraphs():
        assert paragraph in blocks, f"not one paragraph in the page: {paragraph[:30]}…"


def test_printed_pdf_loses_running_header_and_page_numbers(office_twins):
    entries, docs = office_twins
    text = body(page_text(entries["printed.pdf"], docs))
    assert text.count(TITLE) == 1  # the page's own title, not the running header on every page
    assert not re.search(r"—\s*\d+\s*—", text)
    codes = [m["code"] for m in entries["printed.pdf"]["messages"]]
    assert "page-furniture-removed" in codes
    message = next(
        m["text"] for m in entries["printed.pdf"]["messages"] if m["code"] == "page-furniture-removed"
    )
    assert re.search(r"\d+ running header lines, \d+ page numbers", message)


def test_printed_pdf_has_all_the_text_and_the_metadata(office_twins):
    entries, docs = office_twins
    word, printed = page_text(entries["speech.docx"], docs), page_text(entries["printed.pdf"], docs)
    assert body(printed) == body(word)
    assert "date: '2024-03-15'" in printed
    assert "source_format: pdf" in printed


def test_ruled_table_becomes_a_markdown_table(office_twins):
    entries, docs = office_twins
    printed = page_text(entries["printed.pdf"], docs)
    for row in TABLE:
        assert "| " + " | ".join(row) + " |" in printed


# --------------------------------------------------------------------------- printed by Chromium

ENGLISH = [
    "Thank you all for coming this evening to celebrate twenty years of the river restoration programme.",
    "When we began, the water was too polluted for fish, the banks were lined with abandoned warehouses, "
    "and few people believed that the town could ever turn back towards its river.",
    "Today the otters are back, the warehouses have become workshops and homes, and every summer thousands "
    "of visitors walk the towpath that volunteers rebuilt stone by stone.",
]


def english_html(paragraphs: list[str], columns: int = 1) -> str:
    css = f"body {{ font: 12pt serif; column-count: {columns}; column-gap: 36pt }} p {{ margin: 0 0 12pt }}"
    body_html = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<!doctype html><html lang='en'><head><style>{css}</style></head><body><h1>Riverside Address</h1>{body_html}</body></html>"


FOOTER = "<div style='font-size:10px;width:100%;text-align:center'>Page <span class='pageNumber'></span> of <span class='totalPages'></span></div>"
HEADER = "<div style='font-size:10px;width:100%;text-align:center'>Riverside Address — Town Hall</div>"


def test_english_pdf_from_chromium(browser, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    paragraphs = [f"{p} {q}" for p in ENGLISH for q in ENGLISH] * 3  # enough for three pages
    print_with_chromium(browser, english_html(paragraphs), sources / "address.pdf", HEADER, FOOTER)
    doc = pdf.read(sources / "address.pdf")
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts[0] == "Riverside Address" and doc.blocks[0].heading_level == 0
    assert texts[1:] == paragraphs
    assert not any("Page " in t or "Town Hall" in t for t in texts)


def test_two_columns_are_read_column_by_column(browser, tmp_path):
    numbered = [f"Paragraph {n}. {ENGLISH[n % 3]}" for n in range(1, 13)]
    print_with_chromium(browser, english_html(numbered, columns=2), tmp_path / "columns.pdf")
    texts = [b.text for b in pdf.read(tmp_path / "columns.pdf").blocks]
    assert texts[1:] == numbered


# --------------------------------------------------------------------------- layout rules


@pytest.mark.parametrize(
    "text",
    [
        "3",
        "- 3 -",
        "— 3 —",
        "—3—",
        "－ 12 －",
        "第3页",
        "第 3 页 共 10 页",
        "3/10",
        "Page 3 of 10",
        "page 7",
        "iv",
        "- xii -",
    ],
)
def test_page_number_forms(text):
    assert is_page_number(text)


@pytest.mark.parametrize(
    "text", ["2024年", "一、总体要求", "第三章", "Page three", "3. Results", "civil", "10 points"]
)
def test_not_page_numbers(text):
    assert not is_page_number(text)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("ABCDEF+SimHei", "黑体"),
        ("FZHTJW--GB1-0", "黑体"),
        ("KaiTi_GB2312", "楷体"),
        ("STKaiti", "楷体"),
        ("FZXBSJW--GB1-0", "方正小标宋简体"),
        ("方正小标宋简体", "方正小标宋简体"),
        ("FangSong_GB2312", "仿宋"),
        ("TimesNewRomanPSMT", None),
    ],
)
def test_pdf_font_names_map_to_the_heading_fonts(name, canonical):
    assert canonical_font(name) == canonical


def test_hyphenated_line_ends_and_latin_lines_are_joined(tmp_path):
    lines = [
        "The committee met on Tuesday to discuss the pro-",  # 48 characters each: in Courier the
        "posal for a new library and the widely known and",  # lines end at the same margin
        "long-standing problems of the old one. It agreed",
        "A second paragraph follows after the break.",
    ]
    path = tmp_path / "hyphen.pdf"
    path.write_bytes(text_pdf([["A Short Note", "", *lines[:3], "", lines[3]]], font=COURIER))
    texts = [b.text for b in pdf.read(path).blocks]
    assert texts[-2:] == [
        "The committee met on Tuesday to discuss the proposal for a new library and the widely known and "
        "long-standing problems of the old one. It agreed",
        lines[3],
    ]


# --------------------------------------------------------------------------- bad PDFs


def expect_error(path: Path, code: str) -> str:
    with pytest.raises(ConversionError) as caught:
        pdf.read(path)
    assert caught.value.message.code == code
    return caught.value.message.text


def test_scan_without_text_layer(tmp_path):
    image = stream(
        b"\x80" * 100,
        b" /Type /XObject /Subtype /Image /Width 10 /Height 10 /ColorSpace /DeviceGray /BitsPerComponent 8",
    )
    content = b"q 500 0 0 700 40 60 cm /Im1 Do Q"
    path = tmp_path / "scan.pdf"
    path.write_bytes(pages_pdf([content, content], b"/XObject << /Im1 3 0 R >>", [image]))
    text = expect_error(path, "no-text-layer")
    assert "OCR" in text and "ocrmypdf" in text


def test_fonts_without_character_map(tmp_path):
    type3 = (
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 10 10] /FontMatrix [0.1 0 0 0.1 0 0] "
        b"/CharProcs << /g1 4 0 R >> /Encoding << /Type /Encoding /Differences [1 /g1 2 /g1 3 /g1] >> "
        b"/FirstChar 1 /LastChar 3 /Widths [10 10 10] >>"
    )
    glyph = stream(b"10 0 0 0 10 10 d1 0 0 10 10 re f")
    content = b"\n".join(
        b"BT /F1 12 Tf 72 %d Td (\\001\\002\\003\\001\\002\\003) Tj ET" % (780 - 16 * i) for i in range(30)
    )
    path = tmp_path / "garbage.pdf"
    path.write_bytes(pages_pdf([content], b"/Font << /F1 3 0 R >>", [type3, glyph]))
    assert "character map" in expect_error(path, "unreadable-text")


def test_truncated_pdf(tmp_path):
    whole = text_pdf([["A speech of some length."] * 30] * 3)
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    assert "damaged or incomplete" in expect_error(path, "corrupt-pdf")


def test_encrypted_pdf(tmp_path):
    pypdf = pytest.importorskip("pypdf") if not IN_CI else __import__("pypdf")
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(text_pdf([["Confidential remarks."] * 10]))
    writer = pypdf.PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as f:
        writer.write(f)
    assert "password" in expect_error(path, "encrypted")


def test_thousands_of_pages(tmp_path):
    path = tmp_path / "book.pdf"
    path.write_bytes(pages_pdf([b""] * (pdf.MAX_PDF_PAGES + 1)))
    assert f"{pdf.MAX_PDF_PAGES + 1} pages" in expect_error(path, "too-large")


def test_not_a_pdf_with_a_pdf_name(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "page.pdf").write_text("<html><body>not a pdf</body></html>", encoding="utf-8")
    (sources / "speech.txt").write_text("同志们：\n今天我们召开会议。\n", encoding="utf-8")
    entries, _ = convert(sources, tmp_path)
    assert entries["page.pdf"]["status"] == "failed"
    assert entries["page.pdf"]["messages"][0]["code"] == "not-pdf"
    assert "web page" in entries["page.pdf"]["messages"][0]["text"]
    assert entries["speech.txt"]["status"] == "converted"


def test_content_stream_bomb_fails_alone(tmp_path):
    """A page whose content inflates to a gigabyte ends as a message; the batch goes on."""
    sources = tmp_path / "sources"
    sources.mkdir()
    bomb = zlib.compress(b" " * (1 << 30), 9)  # about 1 MB on disk
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream",
    ]
    (sources / "bomb.pdf").write_bytes(pdf_file(objects))
    (sources / "speech.txt").write_text("同志们：\n今天我们召开会议。\n", encoding="utf-8")
    entries, _ = convert(sources, tmp_path)
    assert entries["bomb.pdf"]["status"] == "failed"
    assert entries["bomb.pdf"]["messages"][0]["code"] in {
        "no-text-layer",
        "too-large",
        "too-slow",
        "worker-died",
    }
    assert entries["speech.txt"]["status"] == "converted"


def test_plain_text_pdf_is_read(tmp_path):
    path = tmp_path / "memo.pdf"
    path.write_bytes(
        pages_pdf(
            [b"BT /F1 12 Tf 72 700 Td (Opening remarks by the mayor.) Tj ET"],
            b"/Font << /F1 3 0 R >>",
            [HELVETICA],
        )
    )
    blocks = pdf.read(path).blocks
    assert [b.text for b in blocks] == ["Opening remarks by the mayor."]
    assert not any(isinstance(b, Table) for b in blocks)


def test_footnotes_stay_footnotes(tmp_path):
    """A raised mark in the text and a small note with the same mark at the foot of the page."""
    body = [
        b"BT /F1 12 Tf 72 700 Td (Industrial output grew by nine per cent) Tj /F1 7 Tf 0 5 Td (1) Tj ET",
        b"BT /F1 12 Tf 72 684 Td (while investment held steady all year.) Tj ET",
        b"BT /F1 8 Tf 72 80 Td (1 County statistics bureau, annual report 2024.) Tj ET",
    ]
    path = tmp_path / "notes.pdf"
    path.write_bytes(pages_pdf([b"\n".join(body)], b"/Font << /F1 3 0 R >>", [HELVETICA]))
    doc = pdf.read(path)
    spans = doc.blocks[-1].spans
    assert [s.kind for s in spans] == ["text", "note", "text"]
    assert doc.notes == {spans[1].text: (Paragraph(spans=doc.notes[spans[1].text][0].spans),)}
    assert doc.notes[spans[1].text][0].text == "County statistics bureau, annual report 2024."
    assert "".join(s.text for s in spans if s.kind == "text") == (
        "Industrial output grew by nine per cent while investment held steady all year."
    )


def test_small_print_without_a_mark_in_the_text_stays_text(tmp_path):
    body = [
        b"BT /F1 12 Tf 72 700 Td (The mayor opened the new bridge on Monday.) Tj ET",
        b"BT /F1 8 Tf 72 80 Td (1 photograph by the town archive) Tj ET",
    ]
    path = tmp_path / "caption.pdf"
    path.write_bytes(pages_pdf([b"\n".join(body)], b"/Font << /F1 3 0 R >>", [HELVETICA]))
    doc = pdf.read(path)
    assert doc.notes == {}
    assert doc.blocks[-1].text == "1 photograph by the town archive"


CHINESE_LAYOUTS = {
    "indented, ragged right": "p { margin: 0; text-indent: 2em }",
    "indented, justified": "p { margin: 0; text-indent: 2em; text-align: justify } body { font-family: serif }",
    "blocks with space between": "p { margin: 0 0 8px }",
}


@pytest.mark.parametrize("layout", list(CHINESE_LAYOUTS))
def test_chinese_paragraphs_in_every_layout(browser, tmp_path, layout):
    """Short one-line paragraphs (part titles, headings that fill their line) and wrapped ones, set
    with first-line indents or with space between blocks, each come back as one paragraph."""
    from structure_texts import REPORT

    body = "".join(f"<p>{text}</p>" for _, text in REPORT)
    css = "body { font: 16px sans-serif } " + CHINESE_LAYOUTS[layout]
    page = f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><style>{css}</style></head><body>{body}</body></html>"
    print_with_chromium(browser, page, tmp_path / "report.pdf")
    squash = lambda text: re.sub(r"\s", "", text)  # noqa: E731 - the print drops a space between names
    assert [squash(b.text) for b in pdf.read(tmp_path / "report.pdf").blocks] == [
        squash(t) for _, t in REPORT
    ]


def test_word_footnote_printed_by_libreoffice_stays_a_footnote(tmp_path):
    """A real Word footnote (separator line, raised mark, note at the foot), printed to PDF, gives the
    same page as the Word file: the mark in the text and the note at the end."""
    from office_fixtures import NOTE_TEXT, save_with_libreoffice, write_speech_docx

    require_soffice()
    sources = tmp_path / "sources"
    sources.mkdir()
    docx = write_speech_docx(tmp_path / "speech.docx")
    printed = save_with_libreoffice(docx, "pdf", tmp_path, tmp_path / "profile")
    (sources / "word.docx").write_bytes(docx.read_bytes())
    (sources / "printed.pdf").write_bytes(printed.read_bytes())
    entries, docs = convert(sources, tmp_path)
    word, pdf_page = page_text(entries["word.docx"], docs), page_text(entries["printed.pdf"], docs)
    assert re.search(r"\[\^[^\]]+\]: " + re.escape(NOTE_TEXT.strip()), pdf_page)
    assert body(pdf_page).count("[^") == body(word).count("[^") == 2
