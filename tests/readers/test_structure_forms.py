"""The structures of issue 11 read from every source form: unnumbered part titles, markers alone on their
line and a speech run together, each as .txt, plain .docx, styled .docx (fonts, bold, centring as Chinese
office documents set them), .html and the styled Word file printed to PDF, through the real reader and the
shared stages to the section tree."""

from __future__ import annotations

from html import escape
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from helpers import require_soffice
from pdf_fixtures import print_with_libreoffice
from structure_texts import (
    MARKER_LINES,
    MARKER_LINES_OUTLINE,
    MARKER_LINES_TITLE,
    REPORT_OUTLINE,
    REPORT_TITLE,
    STYLE,
    STYLED_EMPHASIS,
    UNBROKEN,
    UNBROKEN_OUTLINE,
    UNBROKEN_TITLE,
    report_lines,
)
from test_sections import outline, texts_in_order

from converter.pipeline import build_speech
from converter.readers import reader_for

FORMS = ["txt", "plain-docx", "styled-docx", "html", "pdf"]

# (kind, text) lines of each document; kinds name a STYLE for the styled forms.
MARKER_KINDS = {"一、": "cn", "二、": "cn", "三、": "cn"}


def marker_lines() -> list[tuple[str, str]]:
    kinds = [("title", MARKER_LINES_TITLE)]
    for text in MARKER_LINES[1:]:
        kinds.append((MARKER_KINDS.get(text[:2], "body"), text))
    return kinds


def unbroken_lines() -> list[tuple[str, str]]:
    return [("title", UNBROKEN_TITLE), ("body", UNBROKEN)]


# --------------------------------------------------------------------------- writing each form


def write_txt(folder: Path, lines: list[tuple[str, str]]) -> Path:
    path = folder / "speech.txt"
    title, *rest = [text for _, text in lines]
    path.write_text(title + "\n\n" + "\n".join(rest) + "\n", encoding="utf-8")
    return path


def write_docx(folder: Path, lines: list[tuple[str, str]], *, styled: bool) -> Path:
    document = docx.Document()
    for kind, text in lines:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        if styled:
            font, bold, centered = STYLE[kind]
            run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
            run.bold = bold
            if centered:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    path = folder / "speech.docx"
    document.save(path)
    return path


def write_html(folder: Path, lines: list[tuple[str, str]]) -> Path:
    """A portal article: the title in <h1>, part titles centred and bold, an emphasised line in
    <strong>; a marker alone on its line ends with <br> inside the paragraph of its text."""
    body, pending = [], ""
    for kind, text in lines:
        if kind == "title":
            body.append(f"<h1>{escape(text)}</h1>")
        elif text in ("一要", "二要"):
            pending = f"{escape(text)}<br>"
        elif kind == "part":
            body.append(f'<p style="text-align:center"><strong>{escape(text)}</strong></p>')
        elif kind == "emphasis":
            body.append(f"<p><strong>{escape(text)}</strong></p>")
        else:
            body.append(f"<p>{pending}{escape(text)}</p>")
            pending = ""
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>岚川县人民政府</title></head><body>"
        "<div class='nav'><a href='/'>首页</a></div><div class='article'>"
        + "\n".join(body)
        + "</div><div class='footer'>版权所有 岚川县人民政府</div></body></html>"
    )
    path = folder / "speech.html"
    path.write_text(page, encoding="utf-8")
    return path


def write_pdf(folder: Path, lines: list[tuple[str, str]]) -> Path:
    """The styled Word file printed to PDF by LibreOffice, as offices publish it."""
    require_soffice()
    source = write_docx(folder, lines, styled=True)
    return print_with_libreoffice([source], folder)[0]


def convert(folder: Path, form: str, lines: list[tuple[str, str]]):
    if form == "txt":
        path = write_txt(folder, lines)
    elif form == "html":
        path = write_html(folder, lines)
    elif form == "pdf":
        path = write_pdf(folder, lines)
    else:
        path = write_docx(folder, lines, styled=form == "styled-docx")
    speech, messages, _ = build_speech(reader_for(path)(path), path, {})
    # A plain Word file does not mark its title: it stays the first paragraph, above every section.
    title = speech.metadata.title if form != "plain-docx" else speech.body.blocks[0].text
    return speech, title, [m.code for m in messages]


# --------------------------------------------------------------------------- the three structures


@pytest.mark.parametrize("form", FORMS)
def test_unnumbered_part_titles_in_every_form(tmp_path, form):
    styled = form in ("styled-docx", "html", "pdf")
    speech, title, codes = convert(tmp_path, form, report_lines(styled_emphasis=styled))
    assert title == REPORT_TITLE
    assert outline(speech.body) == REPORT_OUTLINE
    texts = texts_in_order(speech.body)
    for look_alike in ["县长 林晓峰", "发展是第一要务", "岚川县人民政府", "2024年1月10日"]:
        assert look_alike in texts
    if styled:
        assert STYLED_EMPHASIS in texts
    assert "sections-inferred" not in codes


@pytest.mark.parametrize("form", FORMS)
def test_markers_alone_on_their_line_in_every_form(tmp_path, form):
    speech, title, codes = convert(tmp_path, form, marker_lines())
    assert title == MARKER_LINES_TITLE
    assert outline(speech.body) == MARKER_LINES_OUTLINE
    assert "首先感谢同志们一年来的辛勤付出。下面，我讲三点意见。" in [b.text for b in speech.body.blocks]
    assert texts_in_order(speech.body)[-1] == MARKER_LINES[-1]
    assert "sections-inferred" not in codes


@pytest.mark.parametrize("form", FORMS)
def test_a_speech_run_together_in_every_form(tmp_path, form):
    speech, title, codes = convert(tmp_path, form, unbroken_lines())
    assert title == UNBROKEN_TITLE
    assert outline(speech.body) == UNBROKEN_OUTLINE
    assert "sections-inferred" in codes
    assert "".join(texts_in_order(speech.body)).endswith(UNBROKEN)  # after the title in plain Word
