"""Tests of the Word reader: one small generated .docx per feature.

Each fixture is a real package written by python-docx; features python-docx cannot write (notes, text
boxes, fields, tracked changes, odd packages) are patched into its XML. Every test checks the blocks and
the messages: a clean input gives no message, a damaged one the expected codes.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.model import Cell, ConversionError, ListItem, Paragraph, Span, Table
from converter.readers.docx import read

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:x="urn:example:unknown"'
)
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WML_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml"
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

Files = dict[str, bytes]


# --------------------------------------------------------------------------- fixture helpers


def make_docx(
    tmp_path: Path,
    name: str,
    *,
    build: Callable | None = None,
    body: str | None = None,
    edit: Callable[[Files], None] | None = None,
) -> Path:
    """Write `name`.docx: a python-docx document (`build(doc)` adds content), its body replaced by
    `body` (WordprocessingML) when given, then `edit(files)` for package-level changes."""
    document = docx.Document()
    if build:
        build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    if body is not None:
        files["word/document.xml"] = f"<w:document {NS}><w:body>{body}</w:body></w:document>".encode()
    if edit:
        edit(files)
    path = tmp_path / f"{name}.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in files.items():
            archive.writestr(part, data)
    return path


def add_part(files: Files, name: str, content_type: str, reltype: str, xml: str, rel_id: str) -> None:
    """Add a part related to the main document part."""
    files[f"word/{name}"] = xml.encode()
    types = files["[Content_Types].xml"].decode()
    files["[Content_Types].xml"] = types.replace(
        "</Types>", f'<Override PartName="/word/{name}" ContentType="{content_type}"/></Types>'
    ).encode()
    add_rel(files, f'<Relationship Id="{rel_id}" Type="{RELS}/{reltype}" Target="{name}"/>')


def add_rel(files: Files, relationship: str) -> None:
    rels = files["word/_rels/document.xml.rels"].decode()
    files["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>", relationship + "</Relationships>"
    ).encode()


def drop_part(files: Files, name: str) -> None:
    del files[f"word/{name}"]
    rels = files["word/_rels/document.xml.rels"].decode()
    files["word/_rels/document.xml.rels"] = re.sub(
        rf'<Relationship [^>]*Target="{name}"/>', "", rels
    ).encode()
    types = files["[Content_Types].xml"].decode()
    files["[Content_Types].xml"] = re.sub(rf'<Override PartName="/word/{name}"[^>]*/>', "", types).encode()


def p(text: str, ppr: str = "", rpr: str = "") -> str:
    """A paragraph of one run."""
    return f'<w:p><w:pPr>{ppr}</w:pPr><w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def texts(document) -> list[str]:
    return [block.text for block in document.blocks]


def codes(document) -> list[str]:
    return [message.code for message in document.messages]


# --------------------------------------------------------------------------- plain text and headings


def test_clean_paragraphs_have_no_messages(tmp_path):
    def build(doc):
        doc.add_paragraph("First paragraph.")
        doc.add_paragraph("")
        doc.add_paragraph("第二段。")

    result = read(make_docx(tmp_path, "plain", build=build))
    assert result.blocks == (
        Paragraph((Span("First paragraph."),)),
        # The template's East Asian font is the theme's (minorEastAsia: 宋体 for Simplified Chinese).
        Paragraph((Span("第二段。"),), font="宋体"),
    )
    assert list(result.messages) == []


def test_heading_styles_and_title(tmp_path):
    def build(doc):
        doc.add_heading("The title", level=0)
        doc.add_heading("Part one", level=1)
        doc.add_heading("A detail", level=3)
        doc.add_heading("Too deep", level=8)
        doc.add_paragraph("Body.")

    result = read(make_docx(tmp_path, "heading_styles", build=build))
    levels = [(b.text, b.heading_level) for b in result.blocks]
    assert levels == [("The title", 0), ("Part one", 1), ("A detail", 3), ("Too deep", 6), ("Body.", None)]
    assert codes(result) == []


def test_localized_heading_style_is_found_by_name_not_id(tmp_path):
    def edit(files):
        styles = files["word/styles.xml"].decode().replace('w:styleId="Heading1"', 'w:styleId="1"')
        # Only the name may tell: no outline level.
        files["word/styles.xml"] = re.sub(r"<w:outlineLvl [^>]*/>", "", styles).encode()

    body = p("Заголовок", '<w:pStyle w:val="1"/>') + p("Текст")
    result = read(make_docx(tmp_path, "localized_heading", body=body, edit=edit))
    assert [b.heading_level for b in result.blocks] == [1, None]
    assert codes(result) == []


def test_documents_with_different_styles_parts_keep_their_own_styles(tmp_path):
    """A worker remembers the styles parts it has read (documents from one template share one): a
    document whose styles differ must still be read with its own, before and after the others."""

    def not_a_heading(files):
        styles = files["word/styles.xml"].decode()
        styles = styles.replace('<w:name w:val="heading 1"/>', '<w:name w:val="body custom"/>')
        files["word/styles.xml"] = re.sub(r"<w:outlineLvl [^>]*/>", "", styles).encode()

    body = p("一、总体要求", '<w:pStyle w:val="Heading1"/>') + p("正文。")
    plain = make_docx(tmp_path, "template_styles", body=body)
    renamed = make_docx(tmp_path, "own_styles", body=body, edit=not_a_heading)
    levels = [[b.heading_level for b in read(path).blocks] for path in (plain, renamed, plain, renamed)]
    assert levels == [[1, None], [None, None], [1, None], [None, None]]


def test_outline_level_in_style_chain_marks_heading(tmp_path):
    def build(doc):
        style = doc.styles.add_style("一级标题", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), "1")
        style.element.get_or_add_pPr().append(outline)
        derived = doc.styles.add_style("派生标题", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
        derived.base_style = style
        doc.add_paragraph("一、总体要求", style="派生标题")

    result = read(make_docx(tmp_path, "outline_level_style", build=build))
    assert [(b.text, b.heading_level) for b in result.blocks] == [("一、总体要求", 2)]


def test_direct_outline_level_is_not_a_heading(tmp_path):
    result = read(
        make_docx(tmp_path, "direct_outline_level", body=p("Just text", '<w:outlineLvl w:val="2"/>'))
    )
    assert result.blocks == (Paragraph((Span("Just text"),)),)


def test_custom_heading_zero_is_not_a_title(tmp_path):
    def build(doc):
        style = doc.styles.add_style("Heading 0", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Heading 1"]
        doc.add_paragraph("FIGURES", style="Heading 0")

    result = read(make_docx(tmp_path, "heading_zero", build=build))
    assert [b.heading_level for b in result.blocks] == [1]


def test_undefined_style_is_reported(tmp_path):
    body = p("Seventh level", '<w:pStyle w:val="Heading7x"/>')
    result = read(make_docx(tmp_path, "undefined_style", body=body))
    assert result.blocks == (Paragraph((Span("Seventh level"),)),)
    assert codes(result) == ["undefined-style"]


# --------------------------------------------------------------------------- hints and inline formatting


def test_font_and_centering_hints(tmp_path):
    def build(doc):
        heading = doc.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = heading.add_run("一、坚定信心")
        run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
        body = doc.add_paragraph()
        run = body.add_run("今年以来，全县上下扎实推进。")
        run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")

    first, second = read(make_docx(tmp_path, "font_hints", build=build)).blocks
    assert (first.font, first.centered) == ("黑体", True)
    assert (second.font, second.centered) == ("仿宋_GB2312", False)


def test_font_from_paragraph_style(tmp_path):
    def build(doc):
        style = doc.styles.add_style("楷体标题", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "楷体_GB2312")
        doc.add_paragraph("（一）强化领导", style="楷体标题")

    (block,) = read(make_docx(tmp_path, "font_from_style", build=build)).blocks
    assert block.font == "楷体_GB2312"


def test_bold_italic_strike_runs_and_character_style(tmp_path):
    def build(doc):
        para = doc.add_paragraph()
        para.add_run("bold").bold = True
        para.add_run(" italic").italic = True
        para.add_run(" gone").font.strike = True
        para.add_run(" strong", style="Strong")
        para.add_run(" plain")

    (block,) = read(make_docx(tmp_path, "run_formatting", build=build)).blocks
    assert block.spans == (
        Span("bold", bold=True),
        Span(" italic", italic=True),
        Span(" gone", strike=True),
        Span(" strong", bold=True),
        Span(" plain"),
    )


def test_bold_from_paragraph_style_makes_all_bold(tmp_path):
    def build(doc):
        style = doc.styles.add_style("Bold Body", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
        style.font.bold = True
        doc.add_paragraph("Whole line bold", style="Bold Body")

    (block,) = read(make_docx(tmp_path, "bold_from_style", build=build)).blocks
    assert block.all_bold and block.heading_level is None


# --------------------------------------------------------------------------- links and fields


def test_relationship_hyperlink(tmp_path):
    def edit(files):
        add_rel(files, f'<Relationship Id="rId99" Type="{RELS}/hyperlink" Target="https://example.org/a" '
                'TargetMode="External"/>')  # fmt: skip

    body = (
        '<w:p><w:r><w:t xml:space="preserve">See </w:t></w:r><w:hyperlink r:id="rId99"><w:r><w:t>the site</w:t>'
        '</w:r></w:hyperlink><w:hyperlink w:anchor="_Toc1"><w:r><w:t xml:space="preserve"> here</w:t></w:r>'
        "</w:hyperlink></w:p>"
    )
    result = read(make_docx(tmp_path, "relationship_hyperlink", body=body, edit=edit))
    assert result.blocks[0].spans == (
        Span("See "),
        Span("the site", href="https://example.org/a"),
        Span(" here"),
    )
    assert codes(result) == []


def test_field_hyperlink_keeps_result_not_instruction(tmp_path):
    body = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> HYPERLINK "http://www.gov.cn/" \\o "tip" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>中国政府网</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>。</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    (block,) = read(make_docx(tmp_path, "field_hyperlink", body=body)).blocks
    assert block.spans == (Span("中国政府网", href="http://www.gov.cn/"), Span("。"))


def test_unclosed_field_code_does_not_hide_later_text(tmp_path):
    body = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>'
        + p("Still here.")
    )
    result = read(make_docx(tmp_path, "unclosed_field", body=body))
    assert texts(result) == ["Still here."]


# --------------------------------------------------------------------------- lists


def test_list_numbering_from_styles(tmp_path):
    def build(doc):
        doc.add_paragraph("first", style="List Number")
        doc.add_paragraph("second", style="List Number")
        doc.add_paragraph("point", style="List Bullet")
        doc.add_paragraph("deeper point", style="List Bullet 2")

    result = read(make_docx(tmp_path, "list_from_style", build=build))
    assert result.blocks == (
        ListItem((Span("first"),), ordered=True),
        ListItem((Span("second"),), ordered=True),
        ListItem((Span("point"),), ordered=False),
        ListItem((Span("deeper point"),), ordered=False, level=0),
    )
    assert codes(result) == []


NUMBERING = (
    f"<w:numbering {NS}>"
    '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
    '<w:lvlText w:val="o"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    "</w:numbering>"
)


def numbered(text: str, num_id: int, ilvl: int, ppr: str = "") -> str:
    return p(text, f'{ppr}<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')


def set_numbering(files: Files) -> None:
    files["word/numbering.xml"] = NUMBERING.encode()


def test_list_levels_and_kinds_from_numpr(tmp_path):
    body = numbered("one", 2, 0) + numbered("sub", 2, 1) + numbered("two", 2, 0) + p("after")
    result = read(make_docx(tmp_path, "list_numpr", body=body, edit=set_numbering))
    assert result.blocks == (
        ListItem((Span("one"),), ordered=True, level=0),
        ListItem((Span("sub"),), ordered=False, level=1),
        ListItem((Span("two"),), ordered=True, level=0),
        Paragraph((Span("after"),)),
    )


def test_chinese_auto_numbering_becomes_text(tmp_path):
    body = (
        numbered("正视困难", 1, 0)
        + numbered("首先", 1, 1)
        + numbered("其次", 1, 1)
        + numbered("狠抓落实", 1, 0)
    )
    result = read(make_docx(tmp_path, "chinese_numbering", body=body, edit=set_numbering))
    assert texts(result) == ["一、正视困难", "（一）首先", "（二）其次", "二、狠抓落实"]
    assert all(isinstance(b, Paragraph) for b in result.blocks)


def test_chapter_label_is_separated_from_its_title(tmp_path):
    def edit(files):
        files["word/numbering.xml"] = (
            NUMBERING.replace('w:val="chineseCounting"/><w:lvlText w:val="%1、"', 'w:val="chineseCountingThousand"/>'
                              '<w:lvlText w:val="第%1章"').encode()
        )  # fmt: skip

    body = numbered("总则", 1, 0) + numbered("附则", 1, 0)
    result = read(make_docx(tmp_path, "chapter_numbering", body=body, edit=edit))
    assert texts(result) == ["第一章 总则", "第二章 附则"]


def test_numbered_heading_stays_heading(tmp_path):
    body = numbered("Scope", 2, 0, '<w:pStyle w:val="Heading1"/>') + p("Text")
    result = read(make_docx(tmp_path, "numbered_heading", body=body, edit=set_numbering))
    assert result.blocks == (
        Paragraph((Span("Scope", bold=True),), heading_level=1),
        Paragraph((Span("Text"),)),
    )


# --------------------------------------------------------------------------- tables


def test_table_with_merged_cells(tmp_path):
    def build(doc):
        table = doc.add_table(rows=3, cols=3)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = f"{r}{c}"
        table.cell(0, 0).merge(table.cell(0, 1)).text = "wide"
        table.cell(1, 2).merge(table.cell(2, 2)).text = "tall"

    result = read(make_docx(tmp_path, "table_merged_cells", build=build))
    (table,) = result.blocks
    assert table == Table(
        rows=(
            (Cell((Span("wide"),), colspan=2), Cell((Span("02"),))),
            (Cell((Span("10"),)), Cell((Span("11"),)), Cell((Span("tall"),), rowspan=2)),
            (Cell((Span("20"),)), Cell((Span("21"),))),
        ),
        header_rows=table.header_rows,
    )
    assert codes(result) == []


def test_header_cell_merged_down_extends_the_header(tmp_path):
    def build(doc):
        table = doc.add_table(rows=3, cols=2)
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        table.cell(0, 0).merge(table.cell(1, 0)).text = "Region"
        table.cell(0, 1).text, table.cell(1, 1).text = "2023", "output"
        table.cell(2, 0).text, table.cell(2, 1).text = "North", "5"

    (table,) = read(make_docx(tmp_path, "table_header_rowspan", build=build)).blocks
    assert table.header_rows == 2
    assert [len(row) for row in table.rows] == [2, 1, 2]


def test_table_cell_paragraphs_and_header_row(tmp_path):
    def build(doc):
        table = doc.add_table(rows=2, cols=1)
        header = OxmlElement("w:tblHeader")
        table.rows[0]._tr.get_or_add_trPr().append(header)
        table.cell(0, 0).text = "Name"
        table.cell(1, 0).text = "line one"
        table.cell(1, 0).add_paragraph("line two")

    (table,) = read(make_docx(tmp_path, "table_cell_paragraphs", build=build)).blocks
    assert table.header_rows == 1
    assert table.rows[1][0].spans == (Span("line one"), Span("", kind="break"), Span("line two"))


def test_nested_table_is_flattened_with_a_message(tmp_path):
    def build(doc):
        outer = doc.add_table(rows=1, cols=1)
        inner = outer.cell(0, 0).add_table(rows=1, cols=2)
        inner.cell(0, 0).text = "a"
        inner.cell(0, 1).text = "b"

    result = read(make_docx(tmp_path, "nested_table", build=build))
    assert "a" in "".join(s.text for s in result.blocks[0].rows[0][0].spans)
    assert codes(result) == ["nested-table-flattened"]


# --------------------------------------------------------------------------- notes, boxes, controls, changes

FOOTNOTES = (
    f"<w:footnotes {NS}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Source: report.</w:t>'
    "</w:r></w:p></w:footnote></w:footnotes>"
)
ENDNOTES = (
    f"<w:endnotes {NS}>"
    '<w:endnote w:id="3"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t>An endnote.</w:t></w:r></w:p></w:endnote>'
    "</w:endnotes>"
)


def test_footnotes_and_endnotes(tmp_path):
    def edit(files):
        add_part(files, "footnotes.xml", f"{WML_TYPE}.footnotes+xml", "footnotes", FOOTNOTES, "rId90")
        add_part(files, "endnotes.xml", f"{WML_TYPE}.endnotes+xml", "endnotes", ENDNOTES, "rId91")

    body = (
        '<w:p><w:r><w:t>Growth was 5%.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>'
        '<w:r><w:t xml:space="preserve"> More.</w:t></w:r><w:r><w:endnoteReference w:id="3"/></w:r>'
        '<w:r><w:footnoteReference w:id="7"/></w:r></w:p>'
    )
    result = read(make_docx(tmp_path, "notes", body=body, edit=edit))
    assert result.blocks[0].spans == (
        Span("Growth was 5%."),
        Span("fn1", kind="note"),
        Span(" More."),
        Span("en1", kind="note"),
    )
    assert result.notes == {
        "fn1": (Paragraph((Span(" Source: report."),)),),
        "en1": (Paragraph((Span("An endnote."),)),),
    }
    assert codes(result) == ["missing-note"]


TEXT_BOX = (
    "<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>In the box</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
)


def test_text_box_follows_its_paragraph(tmp_path):
    body = (
        f'<w:p><w:r><w:t xml:space="preserve">Before </w:t></w:r>{TEXT_BOX}<w:r><w:t>after</w:t></w:r></w:p>'
    )
    result = read(make_docx(tmp_path, "text_box", body=body))
    assert texts(result) == ["Before after", "In the box"]
    assert codes(result) == []


def test_alternate_content_is_read_once(tmp_path):
    choice = (
        '<w:drawing><wp:anchor><wp:docPr id="1" name="Text Box 1"/><a:graphic><a:graphicData uri="http://schemas.'
        'microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r>'
        "<w:t>Datum plane</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic>"
        "</wp:anchor></w:drawing>"
    )
    body = (
        f'<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps">{choice}</mc:Choice><mc:Fallback>'
        f"{TEXT_BOX[5:-6]}</mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    result = read(make_docx(tmp_path, "alternate_content", body=body))
    assert texts(result) == ["Datum plane"]


def test_content_controls(tmp_path):
    body = (
        '<w:sdt><w:sdtPr><w:alias w:val="Title"/></w:sdtPr><w:sdtContent>'
        + p("Block control")
        + '</w:sdtContent></w:sdt><w:p><w:r><w:t xml:space="preserve">Name: </w:t></w:r><w:sdt><w:sdtPr/>'
        "<w:sdtContent><w:r><w:t>张三</w:t></w:r></w:sdtContent></w:sdt></w:p>"
    )
    result = read(make_docx(tmp_path, "content_controls", body=body))
    assert texts(result) == ["Block control", "Name: 张三"]
    assert codes(result) == []


def test_tracked_changes_accepted(tmp_path):
    mark_deleted = '<w:rPr><w:del w:id="9" w:author="a" w:date="2020-01-01T00:00:00Z"/></w:rPr>'
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Two </w:t></w:r><w:ins w:id="1" w:author="a"><w:r>'
        '<w:t xml:space="preserve">exciting </w:t></w:r></w:ins><w:del w:id="2" w:author="a"><w:r>'
        '<w:delText xml:space="preserve">boring </w:delText></w:r></w:del><w:r><w:t>days</w:t></w:r></w:p>'
        + p("This is a split", mark_deleted)
        + p("paragraph.")
        + p("并列", mark_deleted)
        + p("段落")
        + p("Last words.", mark_deleted)
    )
    result = read(make_docx(tmp_path, "tracked_changes", body=body))
    assert texts(result) == ["Two exciting days", "This is a split paragraph.", "并列段落", "Last words."]
    assert codes(result) == []


# --------------------------------------------------------------------------- images, comments, the unknown


def test_embedded_image_becomes_media(tmp_path):
    def build(doc):
        doc.add_paragraph("An image:")
        doc.add_picture(io.BytesIO(PNG_1X1))

    result = read(make_docx(tmp_path, "image", build=build))
    assert [m.name for m in result.media] == ["image1.png"]
    assert result.media[0].data == PNG_1X1
    image = result.blocks[1].spans[0]
    assert (image.kind, image.src) == ("image", "image1.png")
    assert codes(result) == []


def test_line_breaks_inside_a_paragraph_and_empty_break_paragraphs(tmp_path):
    body = (
        '<w:p><w:r><w:t>line one</w:t><w:br/><w:t>line two</w:t><w:br w:type="page"/></w:r></w:p>'
        "<w:p><w:r><w:br/></w:r></w:p>"
    )
    result = read(make_docx(tmp_path, "line_breaks", body=body))
    assert result.blocks == (Paragraph((Span("line one"), Span("", kind="break"), Span("line two"))),)


def test_comments_are_dropped_with_a_message(tmp_path):
    body = (
        '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Reviewed text</w:t></w:r><w:commentRangeEnd w:id="0"/>'
        '<w:r><w:commentReference w:id="0"/></w:r></w:p>'
    )
    result = read(make_docx(tmp_path, "comments", body=body))
    assert texts(result) == ["Reviewed text"]
    assert codes(result) == ["comments-dropped"]


def test_unrecognised_element_keeps_text_and_warns_once(tmp_path):
    body = "<w:p><x:wrapper><w:r><w:t>kept</w:t></w:r></x:wrapper></w:p>" * 2
    result = read(make_docx(tmp_path, "unrecognised_element", body=body))
    assert texts(result) == ["kept", "kept"]
    assert [(m.code, m.text) for m in result.messages] == [
        ("unrecognised-element", "An unrecognised element was ignored: x:wrapper")
    ]


def test_equation_is_kept_as_text(tmp_path):
    body = '<w:p><w:r><w:t xml:space="preserve">Area </w:t></w:r><m:oMath><m:r><m:t>πr²</m:t></m:r></m:oMath></w:p>'
    result = read(make_docx(tmp_path, "math", body=body))
    assert texts(result) == ["Area πr²"]
    assert codes(result) == ["math-as-text"]


# --------------------------------------------------------------------------- nothing is lost

PARAGRAPH_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Co")), max_size=40)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=st.lists(PARAGRAPH_TEXT, max_size=6), bold=st.booleans())
def test_every_paragraph_text_survives(tmp_path, paragraphs, bold):
    def build(doc):
        for text in paragraphs:
            doc.add_paragraph().add_run(text).bold = bold

    result = read(make_docx(tmp_path, "nothing_lost", build=build))
    assert texts(result) == [text for text in paragraphs if text.strip()]
    assert all(block.all_bold == bold for block in result.blocks)
    assert list(result.messages) == []


# --------------------------------------------------------------------------- metadata


def test_core_properties_become_metadata(tmp_path):
    def build(doc):
        props = doc.core_properties
        props.title, props.author, props.subject, props.keywords = (
            "工业经济推进会讲话",
            "县政府办公室",
            "讲话",
            "工业",
        )
        props.created = dt.datetime(2023, 4, 19, 8, 30)
        doc.add_paragraph("正文")

    metadata = read(make_docx(tmp_path, "core_properties", build=build)).metadata
    assert metadata == {
        "title": "工业经济推进会讲话",
        "author": "县政府办公室",
        "description": "讲话",
        "keywords": "工业",
        "created": "2023-04-19",
    }


def test_missing_core_properties_give_no_metadata(tmp_path):
    def edit(files):
        del files["docProps/core.xml"]
        files["_rels/.rels"] = re.sub(
            rb"<Relationship [^>]*core-properties[^>]*/>", b"", files["_rels/.rels"]
        )

    result = read(make_docx(tmp_path, "no_core_properties", build=lambda d: d.add_paragraph("x"), edit=edit))
    assert result.metadata == {}


# --------------------------------------------------------------------------- odd but valid packages


def odd(tmp_path: Path, name: str, edit: Callable[[Files], None]):
    return read(
        make_docx(
            tmp_path, name, build=lambda d: d.add_heading("Heading", 1) and d.add_paragraph("Body"), edit=edit
        )
    )


def strict(files: Files) -> None:
    for name, data in files.items():
        if name.endswith((".xml", ".rels")):
            data = data.replace(b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                                b"http://purl.oclc.org/ooxml/wordprocessingml/main")  # fmt: skip
            files[name] = data.replace(
                b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                b"http://purl.oclc.org/ooxml/officeDocument/relationships",
            )


def renamed_main_part(files: Files) -> None:
    files["word/speech.xml"] = files.pop("word/document.xml")
    files["word/_rels/speech.xml.rels"] = files.pop("word/_rels/document.xml.rels")
    for name in ("_rels/.rels", "[Content_Types].xml"):
        files[name] = files[name].replace(b"word/document.xml", b"word/speech.xml")


def no_styles(files: Files) -> None:
    drop_part(files, "styles.xml")
    drop_part(files, "stylesWithEffects.xml")


def bom(files: Files) -> None:
    for name in ("word/document.xml", "word/styles.xml"):
        files[name] = b"\xef\xbb\xbf" + files[name]


def ns0(files: Files) -> None:
    files["word/document.xml"] = (
        files["word/document.xml"].replace(b"w:", b"ns0:").replace(b"xmlns:w=", b"xmlns:ns0=")
    )


@pytest.mark.parametrize("edit", [strict, renamed_main_part, no_styles, bom, ns0], ids=lambda f: f.__name__)
def test_odd_packages_convert(tmp_path, edit):
    result = odd(tmp_path, edit.__name__, edit)
    assert [(b.text, b.heading_level) for b in result.blocks] == [("Heading", 1), ("Body", None)]
    assert codes(result) == []


def test_empty_document(tmp_path):
    result = read(make_docx(tmp_path, "empty", body="<w:p/>"))
    assert result.blocks == () and list(result.messages) == []


# --------------------------------------------------------------------------- files that are not .docx


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def without_main_part(tmp_path: Path) -> Path:
    def edit(files):
        del files["word/document.xml"]

    return make_docx(tmp_path, "no_main_part", edit=edit)


def damaged_xml(tmp_path: Path) -> Path:
    def edit(files):
        files["word/document.xml"] = files["word/document.xml"][:200]

    return make_docx(tmp_path, "damaged_xml", edit=edit)


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda t: write(t, "text.docx", b"just some text"), "not-a-docx"),
        (lambda t: write(t, "zero.docx", b""), "not-a-docx"),
        (lambda t: write(t, "old.docx", OLE + b"WordDocument".decode().encode("utf-16-le")), "not-a-docx"),
        (lambda t: write(t, "locked.docx", OLE + "EncryptedPackage".encode("utf-16-le")), "encrypted"),
        (without_main_part, "no-main-part"),
        (damaged_xml, "damaged-docx"),
    ],
    ids=["text", "zero-bytes", "old-doc", "encrypted", "no-main-part", "damaged-xml"],
)
def test_invalid_files_raise_with_code_and_hint(tmp_path, make, code):
    with pytest.raises(ConversionError) as caught:
        read(make(tmp_path))
    assert caught.value.message.code == code
    assert caught.value.message.level == "error"
    assert re.search(r"save it|Is this a valid|password", caught.value.message.text)
