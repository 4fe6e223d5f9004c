"""Fixtures for the office reader, made inside the test run: one Chinese speech written as .docx with
python-docx (一、 sections in 黑体, （一） sections in 楷体, a table, a footnote, core properties), then
saved by LibreOffice as .doc, .rtf and .odt, and written by hand as Word's "save as web page" (HTML and
single-file MHTML)."""

from __future__ import annotations

import datetime as dt
import io
import quopri
import subprocess
import zipfile
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

TITLE = "在全县工业经济推进会上的讲话"
DATE_LINE = "（2023年4月19日）"
NOTE_MARK = "【注】"
NOTE_TEXT = "数据来源：县统计局2023年8月月报。"
TABLE = [["指标", "完成值", "增长"], ["工业总产值", "76亿元", "8.5%"], ["工业增加值", "21亿元", "6.2%"]]

# (kind, text): kind is the paragraph's role in the speech.
SPEECH = [
    ("body", "同志们："),
    ("body", "今天我们召开全县工业经济推进会，主要任务是总结前八个月的工作，分析形势，部署后四个月的任务。"),
    ("h1", "一、正视困难，坚定信心"),
    ("h2", "（一）实现年度目标任务难度很大"),
    ("body", f"截至八月底，全县工业总产值完成年度任务的76%，规模以上工业增加值增长8.5%{NOTE_MARK}。"),
    ("table", ""),
    ("body", "我们也要清楚地看到，工业经济运行质量仍然不高，匹配性指标仍然不稳定。"),
    ("h2", "（二）工业发展的环境有待改善"),
    ("body", "个别部门服务意识不强，企业办理行政许可的时间偏长，这种状况必须下决心改变。"),
    ("h1", "二、强化措施，狠抓落实"),
    ("h2", "（一）强化对工业经济的领导"),
    ("body", "各镇各部门主要负责同志要亲自抓工业，每月至少研究一次工业经济工作。"),
    ("h2", "（二）现场办公逐个企业解决问题"),
    ("body", "县级领导要深入企业现场办公，对企业反映的问题，能解决的当场解决，不能解决的限期答复。"),
    ("body", "同志们，做好今年的工业经济工作意义重大，让我们坚定信心，真抓实干，确保完成全年目标任务！"),
]

FONTS = {
    "title": ("方正小标宋简体", 22),
    "h1": ("黑体", 16),
    "h2": ("楷体_GB2312", 16),
    "body": ("仿宋_GB2312", 16),
}

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
    '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
    f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {NOTE_TEXT}</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)
NOTE_REFERENCE = (
    '</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/>'
    '</w:r><w:r><w:t xml:space="preserve">'
)


def write_speech_docx(path: Path) -> Path:
    """The speech as a Word file, with a real footnote (python-docx cannot write one: patched in)."""
    document = docx.Document()
    document.core_properties.title = TITLE
    document.core_properties.author = "张三"
    document.core_properties.created = dt.datetime(2023, 4, 19, 9, 0)
    _add(document, "title", TITLE, center=True)
    _add(document, "body", DATE_LINE, center=True)
    for kind, text in SPEECH:
        if kind == "table":
            _add_table(document)
        else:
            _add(document, kind, text)
    buffer = io.BytesIO()
    document.save(buffer)
    _write_with_footnote(buffer, path)
    return path


def _add(document, kind: str, text: str, center: bool = False) -> None:
    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif kind == "body":
        paragraph.paragraph_format.first_line_indent = Pt(32)
    run = paragraph.add_run(text)
    font, size = FONTS[kind]
    run.font.size = Pt(size)
    run.font.bold = kind in ("title", "h1")
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _add_table(document) -> None:
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    table.style = "Table Grid"
    for row, values in zip(table.rows, TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value


def _write_with_footnote(buffer: io.BytesIO, path: Path) -> None:
    with zipfile.ZipFile(buffer) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    files["word/document.xml"] = files["word/document.xml"].replace(
        NOTE_MARK.encode(), NOTE_REFERENCE.encode()
    )
    files["word/footnotes.xml"] = FOOTNOTES_XML.encode()
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.wordprocessingml.footnotes+xml"/></Types>',
    )
    files["word/_rels/document.xml.rels"] = files["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def save_with_libreoffice(source: Path, target_format: str, outdir: Path, profile: Path) -> Path:
    """`source` saved by LibreOffice as `target_format` (e.g. 'doc:MS Word 97') into `outdir`."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    made = outdir / f"{source.stem}.{target_format.split(':')[0]}"
    assert made.is_file(), f"LibreOffice did not write {made}"
    return made


def word_web_page() -> str:
    """The speech as Word's "save as web page" writes it (the markup Word uses, much simplified)."""
    paragraphs = [
        f"<p class=MsoTitle align=center style='text-align:center'><b><span style='font-size:22.0pt;"
        f"font-family:方正小标宋简体'>{TITLE}</span></b></p>",
        f"<p class=MsoNormal align=center style='text-align:center'><span>{DATE_LINE}</span></p>",
    ]
    fonts = {"h1": "黑体", "h2": "楷体_GB2312", "body": "仿宋_GB2312"}
    for kind, text in SPEECH:
        if kind == "table":
            rows = "".join(
                "<tr>" + "".join(f"<td><p class=MsoNormal>{v}</p></td>" for v in row) + "</tr>"
                for row in TABLE
            )
            paragraphs.append(f"<table class=MsoTableGrid border=1>{rows}</table>")
            continue
        text = text.replace(NOTE_MARK, "")
        paragraphs.append(
            f"<p class=MsoNormal style='text-indent:32.0pt'><span style='font-size:16.0pt;"
            f"font-family:{fonts[kind]}'>{text}</span></p>"
        )
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:'
        'word" xmlns="http://www.w3.org/TR/REC-html40"><head><meta http-equiv=Content-Type content="text/html;'
        f' charset=gb2312"><meta name=Generator content="Microsoft Word 15"><title>{TITLE}</title></head>'
        f"<body lang=ZH-CN><div class=WordSection1>{''.join(paragraphs)}</div></body></html>"
    )


def word_web_archive(page: str) -> bytes:
    """A single-file web page (MHTML) as Word writes it: MIME headers, the page in quoted-printable."""
    body = quopri.encodestring(page.encode("gb2312")).decode("ascii")
    return (
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; boundary="----=_NextPart_01D9"\r\n\r\n'
        "This document is a Single File Web Page, also known as a Web Archive file.\r\n\r\n"
        "------=_NextPart_01D9\r\n"
        "Content-Location: file:///C:/speech.htm\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        'Content-Type: text/html; charset="gb2312"\r\n\r\n'
        f"{body}\r\n"
        "------=_NextPart_01D9--\r\n"
    ).encode("ascii")
