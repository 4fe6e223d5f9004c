"""PDFs printed inside the test run, the way offices make them.

`chinese_speech_docx` writes a county speech as offices type it in Word: no heading styles, the title
in 方正小标宋简体, 一、 sections in 黑体, （一） sections in 楷体, body in 仿宋_GB2312 with a
two-character first-line indent, justified, a running header with the title and `— N —` page numbers
in the footer, and a ruled table. `print_with_libreoffice` prints it to PDF as a user would.
`print_with_chromium` prints an HTML page to PDF with Chromium's own header and footer.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

TITLE = "在全县工业经济发展推进会上的讲话"
SENTENCES = (
    "今年以来，全县上下按照县委、县政府的总体部署，扎实推进工业强县、产业富民、城乡统筹、民生改善四大战略。",
    "截至十月底，全县规模以上工业总产值完成全年目标任务的百分之八十二，同比增长百分之九点六。",
    "我们必须清醒地看到，工业经济运行质量仍然不高，部分企业生产经营困难，发展后劲明显不足。",
    "各镇各部门要把思想和行动统一到县委、县政府的决策部署上来，以时不我待的紧迫感抓好各项工作。",
    "要坚持问题导向，逐个企业摸清情况，逐项问题拿出办法，确保每一个项目都有人抓、有人管、有人负责。",
    "今年全县共引进项目三十六个，其中投资超过亿元的项目十二个，新开工项目二十个，竣工投产九个。",
    "要进一步优化营商环境，全面推行首问负责制、限时办结制和责任追究制，让企业安心发展。",
    "对于在工作中推诿扯皮、吃拿卡要的，发现一起、查处一起，绝不姑息迁就。",
)
OUTLINE = (
    ("cn", "一、充分认识做好工业经济工作的重要意义"),
    ("body", 3),
    ("paren", "（一）工业是县域经济的主导力量"),
    ("body", 2),
    ("paren", "（二）当前形势不容乐观"),
    ("body", 2),
    ("table", None),
    ("cn", "二、突出重点，全力推进工业经济发展"),
    ("body", 1),
    ("point", "一是抓项目建设。"),
    ("point", "二是抓企业服务。"),
    ("paren", "（一）强化要素保障"),
    ("body", 3),
    ("cn", "三、强化措施，确保各项任务落到实处"),
    ("body", 4),
)
TABLE = (
    ("指标", "目标", "完成", "进度"),
    ("工业总产值", "120亿元", "98.4亿元", "82%"),
    ("固定资产投资", "60亿元", "51.2亿元", "85%"),
)


def body_paragraphs() -> list[str]:
    """The body paragraphs in order, each long enough to wrap over several lines."""
    return [text for kind, text in speech_blocks() if kind == "body"]


def speech_blocks(repeat: int = 1) -> list[tuple[str, str]]:
    """The speech as (kind, text) pairs; `repeat` > 1 makes a longer speech (about 4 pages a round),
    its 一、 sections numbered on through the rounds."""
    out, n, sections = [], 0, 0
    for _ in range(repeat):
        for kind, value in OUTLINE:
            if kind == "body":
                for _ in range(value):
                    out.append(
                        ("body", "".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(3 + n % 3)))
                    )
                    n += 1
            elif kind == "cn":
                sections += 1
                out.append((kind, chinese_number(sections) + value[1:]))
            else:
                out.append((kind, value))
    return out


def chinese_number(n: int) -> str:
    """1-99 in Chinese numerals: 一, 十, 十一, 二十三."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + ("十" if tens else "") + (digits[ones] if ones else "")


def chinese_speech_docx(path: Path, blocks: list[tuple[str, str]] | None = None) -> Path:
    """An office-style Word file: kinds are "cn" (一、 heading in 黑体), "paren" (（一） in 楷体), "body",
    "point" (a bold run-in lead sentence) and "table"."""
    doc = Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = TITLE
    _page_number_footer(section.footer.paragraphs[0])
    _line(doc, TITLE, "方正小标宋简体", 22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(doc, "（2024年3月15日）", "楷体_GB2312", 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(doc, "同志们：", "仿宋_GB2312", 16)
    for kind, value in blocks or speech_blocks():
        if kind == "body":
            _line(doc, value, "仿宋_GB2312", 16, indent=True)
        elif kind == "cn":
            _line(doc, value, "黑体", 16, indent=True)
        elif kind == "paren":
            _line(doc, value, "楷体_GB2312", 16, indent=True)
        elif kind == "point":
            para = _line(doc, value, "仿宋_GB2312", 16, indent=True, bold=True)
            run = para.add_run(SENTENCES[2] + SENTENCES[4])
            _font(run, "仿宋_GB2312", 16)
        elif kind == "table":
            _table(doc)
    doc.save(path)
    return path


def _line(doc, text, font, size, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=False, bold=False):
    para = doc.add_paragraph()
    para.alignment = align
    fmt = para.paragraph_format
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28)
    if indent:
        fmt.first_line_indent = Pt(2 * size)
    run = para.add_run(text)
    run.bold = bold
    _font(run, font, size)
    return para


def _font(run, name, size):
    run.font.size = Pt(size)
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _page_number_footer(para):
    """`— N —` centred: the page number is Word's PAGE field, as offices set it."""
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("— ")
    run = para.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text.strip() == "PAGE" else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    para.add_run(" —")


def _table(doc):
    table = doc.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    table.style = "Table Grid"
    for r, row in enumerate(TABLE):
        for c, text in enumerate(row):
            table.cell(r, c).text = text


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def print_with_libreoffice(sources: list[Path], outdir: Path) -> list[Path]:
    """Print Word files to PDF with LibreOffice headless (one start for all), in a profile of its own."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return [outdir / (s.stem + ".pdf") for s in sources]


def print_with_chromium(browser, html: str, path: Path, header: str = "", footer: str = "") -> Path:
    """Print an HTML page to PDF with Chromium, with a running header and footer of its own."""
    page = browser.new_page()
    try:
        page.set_content(html)
        page.pdf(
            path=str(path),
            format="A4",
            display_header_footer=True,
            header_template=header or "<span></span>",
            footer_template=footer or "<span></span>",
            margin={"top": "80px", "bottom": "80px", "left": "72px", "right": "72px"},
        )
    finally:
        page.close()
    return path
