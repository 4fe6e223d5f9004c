"""The Markdown writer: source text never becomes markup, front matter round-trips, tables, lists, notes, images.

Pages are rendered with Python-Markdown and the extensions the site uses (read from mkdocs.yml), and the
HTML is checked: what the source says must be what the reader sees, and nothing more.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import markdown as python_markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from converter.markdown import front_matter, media_file_name, page_fields, write_page
from converter.model import Cell, ListItem, Media, Metadata, Paragraph, Section, Span, Speech, Table

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- rendering like the site does


class _IgnoreTagsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its !ENV / !!python tags (their values become None)."""


_IgnoreTagsLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_IgnoreTagsLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def site_extensions() -> tuple[list[str], dict]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTagsLoader)
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict):
            ((name, options),) = entry.items()
            configs[name] = {k: v for k, v in (options or {}).items() if v is not None}
        else:
            name = entry
        names.append(name)
    return names, configs


EXTENSIONS, EXTENSION_CONFIGS = site_extensions()


def split_page(page: str) -> tuple[dict, str]:
    m = re.match(r"---\n(.*?\n)---\n(.*)", page, re.S)
    assert m, page[:200]
    return yaml.safe_load(m.group(1)), m.group(2)


def to_html(body: str):
    """The body as the site would render it, parsed into an element tree (a <div> around it)."""
    md = python_markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    return lxml_html.fragment_fromstring(md.convert(body), create_parent="div")


def speech(
    *blocks, title="标题", notes=None, media=(), truncated=False, language="zh", sections=()
) -> Speech:
    return Speech(
        Metadata(title, language=language),
        Section((), 0, tuple(blocks), tuple(sections)),
        notes or {},
        tuple(media),
        truncated,
    )


def render(sp: Speech, extra: dict | None = None):
    page = write_page(sp, extra or {}, media_prefix="../media/s/")
    meta, body = split_page(page)
    return meta, body, to_html(body)


def para(text: str, **kwargs) -> Paragraph:
    return Paragraph((Span(text, **kwargs),))


def visible(text: str) -> str:
    """What a reader sees of source text: Python-Markdown drops STX/ETX (its placeholder marks), lines join."""
    return text.replace("\x02", "").replace("\x03", "").replace("\n", " ").strip()


def heading_text(element) -> str:
    """A heading's visible text without the permalink ("#") the toc extension appends."""
    links = element.findall("a[@class='headerlink']")
    assert len(links) == 1
    return (element.text or "") + "".join(
        lxml_html.tostring(child, encoding="unicode", method="text", with_tail=True)
        if child not in links
        else (child.tail or "")
        for child in element
    )


def tags_in(tree) -> list[str]:
    """Every element's tag (comments and such as their type), leaving out the wrapper and the page's title."""
    title = tree[0] if len(tree) and tree[0].tag == "h1" else None
    skip = {tree} | (set(title.iter()) if title is not None else set())
    return [el.tag if isinstance(el.tag, str) else type(el).__name__ for el in tree.iter() if el not in skip]


# --------------------------------------------------------------------------- source text stays text

HOSTILE = {
    "ordered-list": "1. 第一条",
    "paren-list": "1) 第一条",
    "atx-heading": "# 不是标题",
    "h6": "###### 也不是",
    "bullet-dash": "- 不是列表",
    "bullet-plus": "+ 不是列表",
    "bullet-star": "* 不是列表",
    "quote": "> 不是引文",
    "admonition": "!!! note",
    "admonition-titled": '!!! warning "标题"',
    "script": "<script>alert(1)</script>",
    "img-onerror": '<img src=x onerror="alert(1)">',
    "jinja-var": "{{ config }}",
    "jinja-block": "{% include 'x' %}",
    "comment": "<!-- x -->",
    "js-link": "[x](javascript:alert(1))",
    "autolink": "<javascript:alert(1)>",
    "ref-link": "[x][1]",
    "image": "![x](http://example.org/a.png)",
    "bold": "**bold**",
    "italic": "_italic_",
    "strike": "~~删除~~",
    "code": "`code`",
    "table-row": "|a|b|",
    "rule-dashes": "---",
    "rule-stars": "***",
    "rule-underscores": "___",
    "setext": "===",
    "entity": "&amp; &lt; &#60;",
    "backslash": "a\\*b\\",
    "footnote-def": "[^1]: 注释",
    "footnote-ref": "正文[^1]",
    "attr-list": "{: .danger onclick=alert(1) }",
    "abbr": "*[HTML]: Hyper",
    "md-in-html": '<div markdown="1">**x**</div>',
    "html-block": "<div>\n</div>",
    "cdata": "<![CDATA[x]]>",
    "url": "https://example.org/a_b_c",
    "placeholder-chars": "\x02wzxhzdk:0\x03",
    "fenced": "```python",
    "definition": ": 定义",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_paragraph_text_never_becomes_markup(text):
    _, body, tree = render(speech(para(text), para("下一段。")))
    paragraphs = tree.findall("p")
    assert tags_in(tree) == ["p", "p"], body
    assert paragraphs[0].text_content() == visible(text)
    assert paragraphs[1].text_content() == "下一段。"


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_heading_and_title_text_never_becomes_markup(text):
    section = Section((Span(text),), 1, (para("正文。"),))
    _, body, tree = render(speech(title=text, sections=(section,)))
    assert [el.tag for el in tree] == ["h1", "h2", "p"], body
    assert heading_text(tree[0]) == visible(text)
    assert heading_text(tree[1]) == visible(text)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_list_item_and_cell_text_never_becomes_markup(text):
    item = ListItem((Span(text),))
    table = Table(((Cell((Span("表头"),)),), (Cell((Span(text),)),)), header_rows=1)
    _, body, tree = render(speech(item, table))
    assert tags_in(tree) == ["ul", "li", "table", "thead", "tr", "th", "tbody", "tr", "td"], body
    assert tree.find("ul/li").text_content() == visible(text)
    assert tree.find("table/tbody/tr/td").text_content() == visible(text)


def test_no_jinja_or_raw_html_survives_in_the_markdown():
    _, body, _ = render(speech(*(para(t) for t in HOSTILE.values())))
    assert "<script" not in body and "<!--" not in body and "{{" not in body


VISIBLE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40)


@pytest.mark.parametrize("text", ["#话题#", "#0", "##2023"], ids=["hashtag", "digit", "double"])
def test_hash_without_space_is_not_a_heading(text):
    _, body, tree = render(speech(para(text)))
    assert tags_in(tree) == ["p"], body


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VISIBLE.filter(lambda t: t.strip() and not t.lstrip().startswith("#")))  # '#…': see the xfail above
def test_any_paragraph_text_is_shown_as_written(text):
    _, body, tree = render(speech(para(text)))
    assert tags_in(tree) == ["p"], body
    assert " ".join(tree.find("p").text_content().split()) == " ".join(text.split())


# --------------------------------------------------------------------------- inline formatting and links

INLINE = {
    "bold": (Span("重要", bold=True), "strong", "重要"),
    "italic": (Span("强调", italic=True), "em", "强调"),
    "strike": (Span("删去", strike=True), "del", "删去"),
    "bold-with-stars-inside": (Span("**x**", bold=True), "strong", "**x**"),
}


@pytest.mark.parametrize("span, tag, text", INLINE.values(), ids=INLINE.keys())
def test_inline_formatting(span, tag, text):
    _, body, tree = render(speech(Paragraph((Span("前"), span, Span("后")))))
    element = tree.find(f".//{tag}")
    assert element is not None, body
    assert element.text_content() == text
    assert tree.find("p").text_content() == f"前{text}后"


LINKS = {
    "https": ("https://example.org/a_(b)?q=1&r=2", "https://example.org/a_(b)?q=1&r=2"),
    "mailto": ("mailto:office@example.org", "mailto:office@example.org"),
    "anchor": ("#section", "#section"),
}


@pytest.mark.parametrize("href, expected", LINKS.values(), ids=LINKS.keys())
def test_safe_links_are_links(href, expected):
    _, body, tree = render(speech(Paragraph((Span("链接", href=href),))))
    anchors = tree.find("p").findall(".//a")
    assert [(a.get("href"), a.text_content()) for a in anchors] == [(expected, "链接")], body


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<b>",
        "vbscript:x",
        "file:///etc/passwd",
        "//evil.example/x",
    ],
    ids=["js", "js-case", "js-space", "data", "vbscript", "file", "protocol-relative"],
)
def test_unsafe_links_stay_text(href):
    _, body, tree = render(speech(Paragraph((Span("点我", href=href),))))
    assert tree.find("p").findall(".//a") == [], body
    assert tree.find("p").text_content() == "点我"
    assert "javascript" not in lxml_html.tostring(tree, encoding="unicode").lower()
    assert [a.get("class") for a in tree.iter("a")] == ["headerlink"]


# A line of dashes or equals signs under a line is a heading (setext) however short: "--" after a line
# break made the line before it a heading and lost the dashes.
UNDERLINES = {"one-dash": "-", "two-dashes": "--", "one-equals": "=", "two-equals": "==", "spaced": "- -"}


@pytest.mark.parametrize("text", [*HOSTILE.values(), *UNDERLINES.values()], ids=[*HOSTILE, *UNDERLINES])
def test_text_after_a_line_break_never_becomes_markup(text):
    _, body, tree = render(speech(Paragraph((Span("第一行"), Span("", kind="break"), Span(text)))))
    assert tags_in(tree) == ["p", "br"], body
    assert "".join(tree.find("p").text_content().split()) == "第一行" + "".join(visible(text).split())


def test_line_break_inside_a_paragraph():
    _, body, tree = render(speech(Paragraph((Span("第一行"), Span("", kind="break"), Span("- 第二行")))))
    assert tags_in(tree) == ["p", "br"], body
    assert tree.find("p").text_content().split() == ["第一行", "-", "第二行"]


# --------------------------------------------------------------------------- images


def test_extracted_image_is_shown():
    image = Span("示意图", kind="image", src="image1.png")
    _, body, tree = render(speech(Paragraph((image,)), media=(Media("image1.png", b"\x89PNG"),)))
    images = tree.findall(".//img")
    assert [(i.get("src"), i.get("alt")) for i in images] == [("../media/s/image1.png", "示意图")], body


def one_image(name: str):
    image = Span("示意图", kind="image", src=name)
    _, body, tree = render(speech(Paragraph((image,)), media=(Media(name, b"x"),)))
    assert tags_in(tree) == ["p", "img"], body
    src = unquote(tree.find("p/img").get("src"))
    assert src == "../media/s/" + media_file_name(name)
    assert re.fullmatch(r"\.\./media/s/[A-Za-z0-9._-]+", src), src
    assert tree.find("p").text_content() == ""


@pytest.mark.parametrize("name", ["image (1).png", "a b.png", "图片.png"], ids=["parens", "space", "chinese"])
def test_media_names_with_spaces_and_parentheses(name):
    one_image(name)


@pytest.mark.parametrize(
    "name",
    ["a)<img src=x onerror=alert(1)>.png", "a)[x](javascript:alert(1))b.png"],
    ids=["img-onerror", "js-link"],
)
def test_any_media_name_stays_one_image(name):
    one_image(name)


@pytest.mark.parametrize(
    "src",
    [
        "http://example.org/a.png",
        "https://example.org/a.png",
        "//example.org/a.png",
        "missing.png",
        "javascript:alert(1)",
        "../../etc/passwd",
    ],
    ids=["http", "https", "protocol-relative", "not-extracted", "javascript", "traversal"],
)
def test_image_not_extracted_is_never_an_img(src):
    image = Span("示意图", kind="image", src=src)
    _, body, tree = render(speech(Paragraph((Span("前"), image)), media=(Media("image1.png", b"x"),)))
    assert tree.findall(".//img") == [], body
    assert "示意图" in tree.find("p").text_content()


# --------------------------------------------------------------------------- lists, tables, quotes, notes


def test_lists_keep_order_nesting_and_kind():
    items = [
        ListItem((Span("甲"),), ordered=True),
        ListItem((Span("乙"),), ordered=True),
        ListItem((Span("乙一"),), level=1),
        ListItem((Span("丙"),), ordered=True),
    ]
    _, body, tree = render(speech(*items, para("之后的段落。")))
    ol = tree.find("ol")
    assert [li.text.strip() for li in ol.findall("li")] == ["甲", "乙", "丙"], body
    assert [li.text_content() for li in ol.findall("li/ul/li")] == ["乙一"]
    assert tree.find("p").text_content() == "之后的段落。"


def test_lists_separated_by_a_paragraph_stay_two_lists():
    _, body, tree = render(speech(ListItem((Span("甲"),)), para("段落。"), ListItem((Span("乙"),))))
    assert [el.tag for el in tree] == ["h1", "ul", "p", "ul"], body


def test_table_with_merged_cells():
    table = Table(
        rows=(
            (Cell((Span("地区"),), rowspan=2), Cell((Span("产值"),), colspan=2)),
            (Cell((Span("2022"),)), Cell((Span("2023"),))),
            (Cell((Span("甲县"),)), Cell((Span("1|2"),)), Cell((Span("3"),))),
        ),
        header_rows=1,
    )
    _, body, tree = render(speech(table))
    rows = [[c.text_content() for c in tr.findall("*")] for tr in tree.iter("tr")]
    assert rows == [["地区", "产值", ""], ["", "2022", "2023"], ["甲县", "1|2", "3"]], body


def test_table_without_header_row_keeps_every_row_in_the_body():
    table = Table(rows=((Cell((Span("甲"),)), Cell((Span("乙"),))), (Cell((Span("丙"),)),)))
    _, body, tree = render(speech(table))
    rows = [[c.text_content() for c in tr.findall("td")] for tr in tree.iter("tr")]
    assert rows == [[], ["甲", "乙"], ["丙", ""]], body


def test_quote_paragraph_is_a_blockquote_of_escaped_text():
    _, body, tree = render(speech(Paragraph((Span("# 引文"),), quote=True)))
    assert tags_in(tree) == ["blockquote", "p"], body
    assert tree.find("blockquote").text_content().strip() == "# 引文"


def test_footnotes():
    notes = {"1": (para("注释 <b>正文</b>"),), "n 2": (para("第二个注释"),)}
    paragraph = Paragraph((Span("正文"), Span("1", kind="note"), Span("继续"), Span("n 2", kind="note")))
    _, body, tree = render(speech(paragraph, notes=notes))
    refs = tree.findall(".//sup")
    assert len(refs) == 2, body
    footnotes = tree.find(".//div[@class='footnote']")
    assert [li.text_content().replace("\u21a9", "").strip() for li in footnotes.iter("li")] == [
        "注释 <b>正文</b>",
        "第二个注释",
    ]
    assert tree.find("p").text_content().startswith("正文")


@pytest.mark.parametrize(
    "language, heading", [("zh", "原文不完整"), ("en", "Incomplete source")], ids=["zh", "en"]
)
def test_truncated_notice(language, heading):
    _, body, tree = render(speech(para("正文。"), truncated=True, language=language))
    notice = tree.find(".//div[@class='admonition warning']")
    assert notice is not None, body
    assert notice.find("p").text_content() == heading


def test_no_notice_when_complete():
    _, body, tree = render(speech(para("正文。")))
    assert tree.find(".//div") is None, body


def test_section_levels_become_atx_headings():
    deep = Section((Span("第三级"),), 3, (para("c"),))
    child = Section((Span("第二级"),), 2, (para("b"),), (deep,))
    top = Section((Span("第一级"),), 1, (para("a"),), (child,))
    _, body, tree = render(speech(para("前言。"), sections=(top,)))
    assert [el.tag for el in tree] == ["h1", "p", "h2", "p", "h3", "p", "h4", "p"], body
    assert re.findall(r"(?m)^#+ ", body) == ["# ", "## ", "### ", "#### "]


def test_bold_heading_is_not_double_bold():
    section = Section((Span("加强领导", bold=True),), 1, ())
    _, body, tree = render(speech(sections=(section,)))
    assert tree.find("h2").findall(".//strong") == [], body


# --------------------------------------------------------------------------- front matter


def test_front_matter_round_trips_exactly():
    meta = Metadata(
        title="标题: #1 \"引号\" 'x'",
        date="2023-04-19",
        speaker="张三",
        event="推进会",
        location="北京",
        language="zh",
        tags=("工业", "yes", "2023"),
        summary="摘要…",
        source_name="县政府",
        source_url="https://example.org/a?b=1#c",
    )
    extra = {"source_file": "seed/a b.docx", "length": 12, "truncated": False, "slug": "a-b"}
    sp = Speech(meta, Section((), 0, ()))
    loaded, _ = split_page(write_page(sp, extra, "../media/a-b/"))
    assert loaded == {
        "title": "标题: #1 \"引号\" 'x'",
        "date": "2023-04-19",
        "speaker": "张三",
        "event": "推进会",
        "location": "北京",
        "language": "zh",
        "tags": ["工业", "yes", "2023"],
        "summary": "摘要…",
        "source_name": "县政府",
        "source_url": "https://example.org/a?b=1#c",
        "source_file": "seed/a b.docx",
        "length": 12,
        "truncated": False,
        "slug": "a-b",
    }
    assert isinstance(loaded["date"], str)


def test_empty_fields_are_left_out_but_tags_stay_a_list():
    loaded, _ = split_page(write_page(speech(para("x")), {}, ""))
    # `truncated` is a yes/no field of the page contract: false is written, as on every page
    assert loaded == {"title": "标题", "language": "zh", "tags": [], "truncated": False}


def test_a_field_outside_the_page_contract_is_an_error():
    with pytest.raises(TypeError):
        write_page(speech(para("x")), {"sorce_file": "a.txt"}, "")


def test_front_matter_keeps_next_line_character():
    loaded, _ = split_page(front_matter({"title": "a\x85b"}) + "\n")
    assert loaded == {"title": "a\x85b"}


# U+0085 is left out here: see the xfail above.
FRONT_MATTER_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85"), min_size=1, max_size=30
)


@settings(max_examples=150, deadline=None)
@given(
    title=FRONT_MATTER_TEXT,
    speaker=st.one_of(st.none(), FRONT_MATTER_TEXT),
    tags=st.lists(FRONT_MATTER_TEXT, max_size=3),
)
def test_front_matter_round_trips_any_text(title, speaker, tags):
    sp = Speech(Metadata(title, speaker=speaker, tags=tuple(tags)), Section((), 0, ()))
    fields = page_fields(sp, {"source_file": title})
    loaded, _ = split_page(front_matter(fields) + "\n")
    expected = {k: v for k, v in fields.items() if v not in (None, "", ())}
    assert loaded == expected


@pytest.mark.parametrize("where", ["paragraph", "title"])
def test_carriage_return_never_starts_markup(where):
    text = "甲\r# 乙"
    sp = speech(para(text)) if where == "paragraph" else speech(para("正文。"), title=text)
    _, body, tree = render(sp)
    assert [el.tag for el in tree] == ["h1", "p"], body


@pytest.mark.parametrize("text", ["C#", "关于#话题#", "第一条 #"], ids=["c-sharp", "hashtag", "spaced"])
def test_trailing_hash_in_a_heading_is_kept(text):
    _, body, tree = render(speech(title=text, sections=(Section((Span(text),), 1, ()),)))
    assert (heading_text(tree[0]), heading_text(tree[1])) == (text, text), body


# A carriage return is left out here: see the xfail above.
@settings(max_examples=100, deadline=None)
@given(title=FRONT_MATTER_TEXT.filter(lambda t: "\r" not in t))
def test_title_never_breaks_out_of_its_heading(title):
    page = write_page(Speech(Metadata(title), Section((), 0, (para("正文。"),))), {}, "")
    meta, body = split_page(page)
    assert meta["title"] == title
    tree = to_html(body)
    assert [el.tag for el in tree] == ["h1", "p"], body
    # A trailing '#': see test_trailing_hash_in_a_heading_is_kept (xfail); control characters are not text.
    if not title.rstrip().endswith("#") and not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", title):
        assert heading_text(tree[0]).split() == visible(title).split()  # tabs become spaces
    assert tree[1].text_content() == "正文。"
