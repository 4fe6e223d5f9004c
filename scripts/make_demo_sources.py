"""Write the demo corpus (scripts/demo_corpus.py) into sources/ as the files an archive really receives.

    .venv/bin/python scripts/make_demo_sources.py [OUTPUT_DIR]     (default: sources/)

Each speech is written in the shape its `style` names:

  docx-styles, docx-styles-en  Word file whose headings use Word's Title/Heading 1/Heading 2 styles
  docx-plain                   Word file in the usual office layout, no heading styles: 黑体 一、 lines,
                               楷体 （一） lines and run-in lead sentences, 仿宋 body, 小标宋 title
  html-portal                  a government portal page saved from the browser: nav, breadcrumb, a
                               发布时间/来源 info line, footer and scripts around the article; headings in <strong>
  html-portal-headings         another portal template whose article uses <h3>/<h4> headings and meta tags
  html-wechat                  a saved WeChat public-account article (#js_content, hidden until scripts run)
  html-en                      an English news portal page with <h2> headings
  pdf-printed                  the docx-plain Word file printed to PDF by LibreOffice, with a running
                               header and `— N —` page numbers (needs soffice)
  txt-sharing-site             text copied from a document-sharing site: its chrome, metadata lines,
                               page footers and merged paragraphs; UTF-8 with CRLF line ends
  txt-portal-gb18030           text copied from a portal, saved by Notepad in GB18030 ("ANSI")
  txt-scraped-en               an English council web page saved as text, hard-wrapped

It also writes catalog.csv (overrides for several sources) and one sidecar NAME.yml. The output is
byte-for-byte the same on every run (fixed dates inside the .docx zip files), so regenerating the corpus
never makes the converter think a source changed.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from demo_corpus import SPEECHES, DemoSpeech
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent

# ----------------------------------------------------------------------------------------- the markup


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "para" | "lead" | "table"
    text: str = ""
    level: int = 0
    lead: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def parse(body: str) -> list[Block]:
    """The body markup of demo_corpus.py as blocks."""
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] | None = None
    for line in body.strip().splitlines():
        line = line.strip()
        if not line:
            continue
        if line == "TABLE":
            rows = []
        elif line == "ENDTABLE":
            blocks.append(Block("table", rows=tuple(rows or ())))
            rows = None
        elif rows is not None:
            rows.append(tuple(cell.strip() for cell in line.split("|")))
        elif line.startswith("#"):
            marks, _, text = line.partition(" ")
            blocks.append(Block("heading", text=text, level=len(marks)))
        elif line.startswith("> "):
            lead, _, rest = line[2:].partition("|")
            blocks.append(Block("lead", text=rest, lead=lead))
        else:
            blocks.append(Block("para", text=line))
    return blocks


def plain_lines(blocks: list[Block]) -> list[str]:
    """One line of text per block, as a copy from a web page or Word gives it."""
    lines = []
    for b in blocks:
        if b.kind == "table":
            lines.extend("\t".join(row) for row in b.rows)
        else:
            lines.append(b.lead + b.text if b.kind == "lead" else b.text)
    return lines


def chinese_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def english_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


def has_date_line(s: DemoSpeech) -> bool:
    return s.body.strip().startswith("（")


# ----------------------------------------------------------------------------------------------- Word

FANGSONG, KAITI, HEITI, XIAOBIAOSONG = "仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体"


def set_font(run, name: str, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def add_par(
    doc,
    text: str = "",
    font: str = FANGSONG,
    size: float = 16,
    bold: bool = False,
    *,
    center: bool = False,
    indent: bool = True,
    style: str | None = None,
):
    p = doc.add_paragraph(style=style)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        p.paragraph_format.first_line_indent = Pt(2 * size)
    if text:
        set_font(p.add_run(text), font, size, bold)
    return p


def add_table(doc, rows: tuple[tuple[str, ...], ...], font: str) -> None:
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_font(cell.paragraphs[0].add_run(text), font, 12, bold=r == 0)


def official_page(doc) -> None:
    """The page of a Chinese office document (GB/T 9704): A4, 3.7/3.5/2.8/2.6 cm margins."""
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def write_docx_plain(s: DemoSpeech) -> bytes:
    """No heading styles: structure shows only through numbering and fonts, as most office files do."""
    return docx_bytes(plain_document(s), s)


def write_pdf_printed(s: DemoSpeech) -> bytes:
    """The office Word file printed to PDF by LibreOffice, with the title as a running header and
    `— N —` page numbers in the footer. The printer's time stamps and file ID are fixed afterwards (same
    length, so the PDF's byte offsets stay right) to keep the output the same on every run."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice prints the demo PDF: apt-get install libreoffice-writer-nogui")
    doc = plain_document(s)
    section = doc.sections[0]
    section.header.paragraphs[0].text = s.title
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    add_page_field(footer)
    footer.add_run(" —")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "speech.docx"
        source.write_bytes(docx_bytes(doc, s))
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        data = (Path(tmp) / "speech.pdf").read_bytes()
    stamp = date.fromisoformat(s.date).strftime("%Y%m%d090000")
    data = re.sub(rb"D:\d{14}", b"D:" + stamp.encode(), data)
    # The file ID and LibreOffice's checksum differ on every run: zeros of the same length instead.
    return re.sub(rb"(/ID \[\s*<|>\s*<|/DocChecksum /)([0-9A-F]{32})", lambda m: m.group(1) + b"0" * 32, data)


def add_page_field(paragraph) -> None:
    """Word's PAGE field (begin, instruction, separator, shown value, end): the page number on each page."""
    for kind, text in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()._element
        if kind in ("instr", "text"):
            element = OxmlElement("w:instrText" if kind == "instr" else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run.append(element)


def plain_document(s: DemoSpeech):
    doc = Document()
    official_page(doc)
    add_par(doc, s.title, XIAOBIAOSONG, 22, center=True)
    add_par(doc, s.speaker, KAITI, 16, center=True)
    add_par(doc, f"（{chinese_date(s.date)}）", KAITI, 16, center=True)
    add_par(doc)
    for b in parse(s.body):
        if b.kind == "heading":
            font, bold = {1: (HEITI, False), 2: (KAITI, False)}.get(b.level, (FANGSONG, True))
            add_par(doc, b.text, font, 16, bold)
        elif b.kind == "lead":
            p = add_par(doc)
            lead_font, lead_bold = (KAITI, False) if b.lead.startswith("（") else (FANGSONG, True)
            set_font(p.add_run(b.lead), lead_font, 16, lead_bold)
            if b.text:
                set_font(p.add_run(b.text), FANGSONG, 16)
        elif b.kind == "table":
            add_table(doc, b.rows, FANGSONG)
        else:
            add_par(doc, b.text)
    props(doc, s, title="", author="Administrator")
    return doc


def write_docx_styles(s: DemoSpeech) -> bytes:
    """Headings in Word's own Title/Heading styles, as a carefully kept file has them."""
    doc = Document()
    english = s.language == "en"
    body_font = "Times New Roman" if english else FANGSONG
    if not english:
        official_page(doc)
    p = doc.add_paragraph(style="Title")
    set_font(p.add_run(s.title), "Times New Roman" if english else XIAOBIAOSONG, 20 if english else 22)
    if english:
        p = add_par(doc, "", center=True)
        set_font(p.add_run(f"{s.speaker}\n{english_date(s.date)}, Lanchuan Exhibition Centre"), body_font, 12)
        p.runs[0].italic = True
    else:
        add_par(doc, s.speaker, KAITI, 16, center=True)
        add_par(doc, f"（{chinese_date(s.date)}）", KAITI, 16, center=True)
    for b in parse(s.body):
        if b.kind == "heading":
            p = doc.add_paragraph(style=f"Heading {b.level}")
            font = "Calibri" if english else {1: HEITI, 2: KAITI}.get(b.level, FANGSONG)
            set_font(p.add_run(b.text), font, 14 if english else 16)
        elif b.kind == "table":
            add_table(doc, b.rows, body_font)
        else:
            p = add_par(doc, "", body_font, 12 if english else 16, indent=not english)
            if b.kind == "lead":
                set_font(p.add_run(b.lead), body_font, 12 if english else 16, bold=True)
            set_font(p.add_run(b.text), body_font, 12 if english else 16)
    props(doc, s, title=s.title, author="Lanchuan County Government Office" if english else "县委办公室")
    return docx_bytes(doc, s)


def props(doc, s: DemoSpeech, *, title: str, author: str) -> None:
    """Fixed core properties: drafted three days before the speech, last saved the day before."""
    day = datetime.fromisoformat(s.date)
    cp = doc.core_properties
    cp.title, cp.subject, cp.keywords, cp.comments, cp.category = title, "", "", "", ""
    cp.author, cp.last_modified_by = author, "Administrator"
    cp.created = day - timedelta(days=3) + timedelta(hours=8, minutes=30)
    cp.modified = day - timedelta(days=1) + timedelta(hours=17, minutes=45)
    cp.last_printed = day - timedelta(days=1) + timedelta(hours=18)
    cp.revision = 3


def docx_bytes(doc, s: DemoSpeech) -> bytes:
    """The saved file, its zip entries stamped with a fixed time so every run writes the same bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    stamp = (*date.fromisoformat(s.date).timetuple()[:3], 9, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ HTML

e = html.escape


def html_article(
    s: DemoSpeech, *, heading_tags: tuple[str, str] | None, indent: str, speaker_line: bool = True
) -> str:
    """The article's paragraphs; headings as <h3>/<h4> when `heading_tags`, else bold paragraphs."""
    out = []
    if s.speaker and speaker_line:
        out.append(f'<p style="text-align:center">{e(s.speaker)}</p>')
    if not has_date_line(s) and s.language == "zh":
        out.append(f'<p style="text-align:center">（{chinese_date(s.date)}）</p>')
    for b in parse(s.body):
        if b.kind == "heading" and heading_tags:
            tag = heading_tags[min(b.level, 2) - 1]
            out.append(f"<{tag}>{e(b.text)}</{tag}>")
        elif b.kind == "heading":
            out.append(f'<p style="{indent}"><strong>{e(b.text)}</strong></p>')
        elif b.kind == "lead":
            out.append(f'<p style="{indent}"><strong>{e(b.lead)}</strong>{e(b.text)}</p>')
        elif b.kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            out.append(f'<table border="1" cellspacing="0">{rows}</table>')
        elif b.text.startswith("（") and b.text.endswith("）"):
            out.append(f'<p style="text-align:center">{e(b.text)}</p>')
        else:
            out.append(f'<p style="{indent}">{e(b.text)}</p>')
    return "\n".join(out)


PORTAL = "https://www.lanchuan.gov.example"
PORTAL_NAV = f"""<ul class="nav">
  <li><a href="{PORTAL}/">首页</a></li><li><a href="{PORTAL}/zwgk/">政务公开</a></li><li><a href="{PORTAL}/zwfw/">政务服务</a></li>
  <li><a href="{PORTAL}/hdjl/">互动交流</a></li><li><a href="{PORTAL}/zjlc/">走进岚川</a></li>
</ul>"""
PORTAL_FOOTER = f"""<div class="footer">
  <p><a href="{PORTAL}/wzdt/">网站地图</a> | <a href="{PORTAL}/lxwm/">联系我们</a> | <a href="{PORTAL}/smsm/">隐私声明</a></p>
  <p>主办单位：岚川县人民政府办公室　承办单位：岚川县融媒体中心</p>
  <p>网站标识码：0000000000　备案号：示例ICP备00000000号　联系电话：0000-0000000</p>
</div>"""
ANALYTICS = """<script>
var _hmt = _hmt || [];
(function () {
  var hm = document.createElement("script");
  hm.src = "https://analytics.lanchuan.gov.example/hm.js?site=0000";
  document.getElementsByTagName("head")[0].appendChild(hm);
})();
</script>"""


def write_html_portal(s: DemoSpeech) -> bytes:
    files = Path(s.file).stem + "_files"
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{e(s.title)}_领导讲话_岚川县人民政府</title>
<meta name="SiteName" content="岚川县人民政府">
<meta name="ColumnName" content="领导讲话">
<meta name="ArticleTitle" content="{e(s.title)}">
<meta name="PubDate" content="{e(s.published)}">
<meta name="ContentSource" content="{e(s.publisher)}">
<link rel="stylesheet" href="./{files}/common.css">
<script src="./{files}/jquery.min.js"></script>
</head>
<body>
<div class="topbar">欢迎访问岚川县人民政府网站　<a href="#">无障碍浏览</a>　<a href="#">长者模式</a></div>
<div class="header">
  <div class="logo"><img src="./{files}/logo.png" alt="岚川县人民政府"></div>
  <form class="search" action="{PORTAL}/search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form>
</div>
{PORTAL_NAV}
<div class="breadcrumb">当前位置：<a href="{PORTAL}/">首页</a> &gt; <a href="{PORTAL}/zwgk/">政务公开</a> &gt; <a href="{PORTAL}/zwgk/ldjh/">领导讲话</a></div>
<div class="article">
  <h1 class="article-title">{e(s.title)}</h1>
  <div class="article-info">发布时间：{e(s.published)}　来源：{e(s.publisher)}　浏览次数：<span id="views">1268</span>　【字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】【<a href="javascript:window.print()">打印</a>】【<a href="javascript:window.close()">关闭</a>】</div>
  <div class="article-content" id="zoom">
{html_article(s, heading_tags=None, indent="text-indent:2em")}
  </div>
  <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
  <div class="prev-next">
    <p>上一篇：<a href="{PORTAL}/zwgk/ldjh/202012/t20201225_0001.html">在全县脱贫攻坚总结表彰大会上的讲话</a></p>
    <p>下一篇：<a href="{PORTAL}/zwgk/ldjh/202101/t20210108_0002.html">在县政协全体会议闭幕会上的讲话</a></p>
  </div>
</div>
{PORTAL_FOOTER}
{ANALYTICS}
<script>$(function () {{ $("#views").load("/api/views?id=20201230001"); }});</script>
</body>
</html>
"""
    return page.encode("utf-8")


def write_html_portal_headings(s: DemoSpeech) -> bytes:
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(s.title)} - 岚川县人民政府</title>
<meta name="ArticleTitle" content="{e(s.title)}">
<meta name="PubDate" content="{e(s.published)}">
<meta name="ContentSource" content="{e(s.publisher)}">
<meta name="Keywords" content="营商环境,放管服,一网通办">
<meta name="Description" content="{e(s.title)}">
<style>body{{font-family:"Microsoft YaHei",sans-serif}} .wrap{{width:1000px;margin:0 auto}}</style>
</head>
<body>
<header class="wrap"><a class="logo" href="{PORTAL}/">岚川县人民政府</a>
{PORTAL_NAV}
</header>
<main class="wrap">
<nav class="crumbs"><a href="{PORTAL}/">首页</a> / <a href="{PORTAL}/zwgk/">政务公开</a> / <a href="{PORTAL}/zwgk/ldjh/">领导讲话</a> / 正文</nav>
<article>
<h1>{e(s.title)}</h1>
<p class="info"><span>来源：{e(s.publisher)}</span> <span>发布时间：{e(s.published)}</span> <span>【<a href="javascript:window.print()">打印本页</a>】</span></p>
<div class="TRS_Editor">
{html_article(s, heading_tags=("h3", "h4"), indent="text-indent:2em;line-height:2")}
</div>
</article>
<aside><h2>相关信息</h2><ul>
<li><a href="{PORTAL}/zwgk/zcwj/202207/t20220712_0005.html">岚川县优化营商环境三年行动方案（2022—2024年）</a></li>
<li><a href="{PORTAL}/zwgk/ldjh/202206/t20220630_0004.html">在全县招商引资工作推进会上的讲话</a></li>
</ul></aside>
</main>
{PORTAL_FOOTER}
{ANALYTICS}
</body>
</html>
"""
    return page.encode("utf-8")


def write_html_wechat(s: DemoSpeech) -> bytes:
    paragraphs = []
    for b in parse(s.body):
        if b.kind == "heading":
            paragraphs.append(
                f'<p style="text-align:center;"><strong><span style="color:#c00000;">{e(b.text)}</span></strong></p>'
            )
        elif b.kind == "lead":
            paragraphs.append(
                f'<section style="text-indent:2em;"><span style="font-size:16px;"><strong>{e(b.lead)}</strong>'
                f"{e(b.text)}</span></section>"
            )
        else:
            align = "text-align:center;" if b.text.startswith("（") else "text-indent:2em;"
            paragraphs.append(
                f'<section style="{align}"><span style="font-size:16px;">{e(b.text)}</span></section>'
            )
    body = "\n".join(paragraphs)
    published = datetime.fromisoformat(s.published)
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0">
<meta property="og:title" content="{e(s.title)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="微信公众平台">
<meta property="og:description" content="今天召开全县生态环境保护工作会议">
<title>{e(s.title)}</title>
<script>var ct = "{int(published.timestamp())}"; var msg_title = "{e(s.title)}"; var nickname = "{e(s.publisher)}";</script>
</head>
<body id="activity-detail" class="zh_CN wx_wap_page">
<div id="js_article" class="rich_media">
<div class="rich_media_inner"><div id="page-content" class="rich_media_area_primary">
<h1 class="rich_media_title" id="activity-name">{e(s.title)}</h1>
<div id="meta_content" class="rich_media_meta_list">
<span class="rich_media_meta rich_media_meta_text">原创</span>
<span class="rich_media_meta rich_media_meta_nickname" id="profileBt"><a href="javascript:void(0);" id="js_name">{e(s.publisher)}</a></span>
<em id="publish_time" class="rich_media_meta rich_media_meta_text">{published:%Y年%m月%d日 %H:%M}</em>
</div>
<div class="rich_media_content js_underline_content" id="js_content" style="visibility: hidden;">
{body}
<p><br></p>
<section style="font-size:14px;color:#888;">来源：岚川县生态环境分局</section>
<section style="font-size:14px;color:#888;">编辑：李文　审核：张华</section>
</div>
<div id="js_tags" class="article-tag__list">#生态环境 #岚川</div>
<div class="rich_media_tool"><a id="js_view_source" href="javascript:void(0);">阅读原文</a> <span>阅读 2368</span> <span>在看 45</span></div>
</div></div>
<div class="qr_code_pc"><p>微信扫一扫<br>关注该公众号</p></div>
</div>
<script>window.__initCatch = function () {{ document.getElementById("js_content").style.visibility = "visible"; }};</script>
<script src="https://res.wx.example/open/js/jweixin-1.6.0.js"></script>
</body>
</html>
"""
    return page.encode("utf-8")


def write_html_en(s: DemoSpeech) -> bytes:
    site = "https://en.lanchuan.gov.example"
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(s.title)} | Lanchuan Today</title>
<meta name="author" content="{e(s.speaker)}">
<meta property="og:title" content="{e(s.title)}">
<meta property="article:published_time" content="{e(s.published)}">
<link rel="stylesheet" href="{site}/static/site.css">
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header><a class="brand" href="{site}/">Lanchuan Today</a>
<nav><a href="{site}/">Home</a> <a href="{site}/news/">News</a> <a href="{site}/invest/">Invest</a> <a href="{site}/visit/">Visit</a> <a href="{PORTAL}/">中文</a></nav>
</header>
<main id="main">
<p class="breadcrumb"><a href="{site}/">Home</a> › <a href="{site}/news/">News</a> › Speeches</p>
<article>
<h1>{e(s.title)}</h1>
<p class="byline">Published: {e(s.published)} | Source: {e(s.publisher)}</p>
<p class="speaker"><em>{e(s.speaker)}, Director, Institute for Trace Element Nutrition. Lanchuan International Conference Centre, {english_date(s.date)}.</em></p>
{html_article(s, heading_tags=("h2", "h3"), indent="", speaker_line=False)}
</article>
<section class="related"><h2>Related</h2><ul>
<li><a href="{site}/news/2023/forum-opens.html">International selenium forum opens in Lanchuan</a></li>
<li><a href="{site}/news/2023/tea-exports.html">Selenium tea exports reach new high</a></li>
</ul></section>
</main>
<footer><p>© 2023 Lanchuan County People's Government. <a href="{site}/contact/">Contact</a> | <a href="{site}/privacy/">Privacy</a></p></footer>
<script src="{site}/static/site.js"></script>
</body>
</html>
"""
    return page.replace(' style=""', "").encode("utf-8")


# ------------------------------------------------------------------------------------------------ text


NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．]|首先|其次|再次|最后|同志们)"
)


def merge_some(lines: list[str], every: int = 3) -> list[str]:
    """Join every `every`-th body paragraph to the one before it, as a copy from a web page often does."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if out and i % every == 0 and not NUMBERED.match(line) and not NUMBERED.match(out[-1]):
            out[-1] += line
        else:
            out.append(line)
    return out


def write_txt_sharing_site(s: DemoSpeech) -> bytes:
    body = [s.title, *merge_some(plain_lines(parse(s.body)))]
    # The site breaks the text into pages and prints a footer between them, mid-sentence.
    pages, footer_every = 5, max(1, len(body) // 4)
    with_footers: list[str] = []
    for i, line in enumerate(body):
        page = i // footer_every + 1
        if i and i % footer_every == 0 and page <= pages and len(line) > 40:
            cut = len(line) // 2
            with_footers += [line[:cut], f"第{page}页 共{pages}页", line[cut:]]
        else:
            with_footers.append(line)
    lines = [
        "文库首页 > 行业资料 > 农林牧渔",
        f"{s.title}.docx",
        "大小:21.36KB 页数:5页",
        f"上传时间:{s.published}",
        "浏览:386 下载:27",
        "收藏 分享 举报 下载文档",
        "温馨提示：",
        "1.本站所有文档均由用户上传，仅供学习交流，下载收益归作者所有。",
        "2.下载前请先预览，预览内容与下载文档一致，下载后不支持退换。",
        "3.如遇侵权，请联系网站客服处理。",
        "",
        *with_footers,
        "",
        "相关文档",
        "在全县茶产业发展大会上的讲话.docx",
        "富硒农业发展调研报告.doc",
        "乡镇富硒产业发展规划（2019-2021年）.docx",
        "猜你喜欢",
        "县长在全县农业农村工作会议上的讲话.doc",
        "网站客服QQ：000000000",
        "本站为文档C2C交易模式，即用户上传的文档直接被用户下载，收益归上传人所有。",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def write_txt_portal_gb18030(s: DemoSpeech) -> bytes:
    text = plain_lines(parse(s.body))
    lines = [
        s.title,
        f"发布时间：{s.published} 09:30:00　来源：{s.publisher}　浏览次数：521",
        "",
        s.speaker,
        f"（{chinese_date(s.date)}）",
        *("\u3000\u3000" + line for line in merge_some(text, every=4)),
        "",
        "【打印本页】\u3000\u3000【关闭窗口】",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def write_txt_scraped_en(s: DemoSpeech) -> bytes:
    intro = (
        f"The following is the text of the address given by {s.speaker} at the civic reception in the "
        f"Town Hall on Wednesday {english_date(s.date)}."
    )
    blocks = [Block("para", text=intro), *parse(s.body)]
    body: list[str] = []
    for i, b in enumerate(blocks):
        body += textwrap.wrap(b.lead + b.text, 76)
        next_is_para = i + 1 < len(blocks) and blocks[i + 1].kind == "para"
        # The saved page lost some of the blank lines between two paragraphs of body text.
        if not (b.kind == "para" and next_is_para and i % 3 == 1):
            body.append("")
    lines = [
        "Skip to main content",
        "Ashford Town Council",
        "Home | News | Your Council | Services | Contact us",
        "News",
        s.title,
        f"Posted on {s.published} by {s.publisher}",
        "",
        *body,
        "Share this:",
        "Facebook",
        "X",
        "Email",
        "Print",
        "Related",
        "Ashford students return from Lanchuan exchange",
        "Twinning Association annual general meeting",
        "© 2024 Ashford Town Council. All rights reserved.",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


WRITERS = {
    "docx-plain": write_docx_plain,
    "pdf-printed": write_pdf_printed,
    "docx-styles": write_docx_styles,
    "docx-styles-en": write_docx_styles,
    "html-portal": write_html_portal,
    "html-portal-headings": write_html_portal_headings,
    "html-wechat": write_html_wechat,
    "html-en": write_html_en,
    "txt-sharing-site": write_txt_sharing_site,
    "txt-portal-gb18030": write_txt_portal_gb18030,
    "txt-scraped-en": write_txt_scraped_en,
}

# ------------------------------------------------------------------------------- catalog and sidecar

CATALOG_FIELDS = ("file", "title", "date", "speaker", "event", "location", "tags")
# Only the fields a person would correct or add; empty cells leave the source's own value.
CATALOG = [
    (
        "2019-03-12 全县工业强县推进大会讲话.docx",
        "",
        "",
        "周明远",
        "全县工业强县推进大会",
        "",
        "工业;工业强县",
    ),
    (
        "富硒产业发展大会讲话.txt",
        "在全县富硒产业发展大会上的讲话",
        "2019-11-20",
        "林晓峰",
        "2019年全县富硒产业发展大会",
        "岚川县会议中心",
        "富硒;农业;产业发展",
    ),
    (
        "20200408 复工复产暨项目建设推进会讲话.docx",
        "",
        "",
        "",
        "全县复工复产暨重点项目建设推进会",
        "",
        "复工复产;项目建设",
    ),
    (
        "县委经济工作会议讲话.html",
        "在县委经济工作会议上的讲话",
        "",
        "周明远",
        "2020年县委经济工作会议",
        "",
        "经济工作;年度部署",
    ),
    ("2021年6月30日 乡村振兴工作会议讲话.pdf", "", "", "", "", "", "乡村振兴;农业;富硒"),
    (
        "2021-09-15-selenium-tea-trade-fair-remarks.docx",
        "",
        "",
        "林晓峰",
        "2021 Lanchuan Selenium Tea Trade Fair",
        "Lanchuan Exhibition Centre",
        "selenium;tea;trade",
    ),
    ("安全生产工作会议讲话（2022年3月3日）.txt", "", "", "", "全县安全生产工作会议", "", "安全生产;应急管理"),
    ("优化营商环境大会讲话.html", "", "", "林晓峰", "全县优化营商环境大会", "", "营商环境;改革"),
    (
        "2023-04-19 工业经济发展推进会讲话.docx",
        "",
        "",
        "",
        "2023年全县工业经济发展推进会",
        "",
        "工业;工业强县;经济运行",
    ),
    (
        "selenium-forum-2023-keynote.html",
        "",
        "",
        "Margaret Hale",
        "2023 International Forum on Selenium-Rich Agriculture",
        "Lanchuan International Conference Centre",
        "selenium;public health;research",
    ),
    ("全县教育工作大会讲话.docx", "", "", "王建华", "全县教育工作大会", "", "教育"),
    (
        "ashford-mayor-address-lanchuan-delegation.txt",
        "",
        "2024-11-06",
        "Thomas Reed",
        "Visit of the Lanchuan County Delegation to Ashford",
        "Ashford Town Hall",
        "sister cities;education;trade",
    ),
    (
        "生态环境保护工作会议讲话.html",
        "在全县生态环境保护工作会议上的讲话",
        "2025-06-12",
        "林晓峰",
        "全县生态环境保护工作会议",
        "",
        "生态环境;污染防治",
    ),
]

SIDECAR_NAME = "2025重点项目动员大会讲话.yml"
SIDECAR = """\
# Overrides for 2025重点项目动员大会讲话.docx: what is given here wins over what the file says.
title: 在2025年全县重点项目建设动员大会上的讲话
date: 2025-02-25
speaker: 周明远
event: 2025年全县重点项目建设动员大会
location: 岚川县会议中心
tags: [项目建设, 招商引资, 领导包抓]
slug: 2025-key-projects-mobilization
"""


def write_catalog() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CATALOG_FIELDS)
    writer.writerows(CATALOG)
    return out.getvalue().encode("utf-8")


# ------------------------------------------------------------------------------------------------ main


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else ROOT / "sources"
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {s.file: WRITERS[s.style](s) for s in SPEECHES}
    files["catalog.csv"] = write_catalog()
    files[SIDECAR_NAME] = SIDECAR.encode("utf-8")
    known = {row[0] for row in CATALOG} | {SIDECAR_NAME.removesuffix(".yml") + ".docx"}
    missing = known - files.keys()
    if missing:
        raise SystemExit(f"catalog or sidecar names files that are not in the corpus: {sorted(missing)}")
    for name, data in sorted(files.items()):
        (out_dir / name).write_bytes(data)
    print(f"wrote {len(files)} files ({len(SPEECHES)} speeches) to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
