"""Reader for web pages saved from a portal or news site (.html, .htm).

The page is decoded (BOM, declared charset, UTF-8, then charset-normalizer), parsed with lxml and made safe
before anything else looks at it: active and embedded content (script, style, iframe, object, embed, svg,
noscript, template, form controls, …) is removed, so none of it can become text. The article is then found:
an element whose class or id names the content (TRS_Editor, article-content, zoom, …) when the page has one,
otherwise the element readability-lxml chooses (walked in the original page, not readability's pruned copy),
or, when readability gives up and returns the whole page, the parent of the most paragraph text. Info lines,
share bars, print/close links, 原标题 lines and news-site furniture (ad labels, newsletter and author boxes,
comment prompts, photo credits, elements named as related links or comments) inside it are dropped; then
the blocks that readability-lxml and trafilatura both left out of the article are dropped too (see
`htmlconsensus`), and the element is walked to blocks (see `htmlblocks`). Metadata comes from the meta tags,
the page's <h1> or <title> minus its site name, a <time> element, the info line (发布时间：… 来源：…) or an
English byline (Published: … | Source: …), an element named for the publication time, and a lone
来源/Source line at the article's top or end.

Message codes:
  - not-html (error): the file does not decode or parse as HTML.
  - empty (error): the file holds nothing but whitespace.
  - no-article (error): the page holds no text that could be the article.
  - unsafe-link-removed: a javascript:/vbscript:/data:/other non-web link was dropped, its text kept.
  - relative-link-removed: a link relative to the original site (which the archive does not have) was dropped.
  - remote-image-not-embedded: an http(s) image is kept as a link (the site must not load other hosts).
  - image-not-embedded: a local or data: image was missing, outside the page's folder or not an image.
  - embedded-content-removed: an iframe, video, audio or object inside the article was dropped.
  - blocks-left-out: blocks both extraction libraries left out of the article were removed (see
    `htmlconsensus`); the longest is quoted.
  - deep-nesting-flattened: elements nested deeper than the parser or the walk can follow were unwrapped (their
    text kept, their inline formatting lost).
  - text-lost-in-parsing: even unwrapped, part of the page's text is nested too deeply to be read.
"""

from __future__ import annotations

import codecs
import html as html_module
import re
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from ..dates import NUMERIC_DATE, find_declared_date
from ..han import HAN
from ..model import ConversionError, Document, Paragraph, Table, warning
from . import charset, htmlblocks, htmlconsensus, scraped

EXTENSIONS = (".html", ".htm")

MAX_DEPTH = 120  # elements nested deeper than this are unwrapped (the walk recurses once per level)
INLINE_TAG = re.compile(
    r"</?(?:b|i|em|strong|u|s|strike|span|font|small|big|sup|sub|mark|cite|var|code|kbd|tt)(?:\s[^>]*)?/?>",
    re.IGNORECASE,
)
ANY_TAG = re.compile(r"<[^>]*>")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

# Removed with their content before the article is looked for.
ACTIVE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "canvas",
    "link",
    "meta",
    "base",
    "title",
    "input",
    "button",
    "select",
    "textarea",
    "option",
    "datalist",
    "param",
    "applet",
    "frameset",
    "frame",
    "area",
    "map",
)
VOID_TAGS = ("embed", "source", "track", "wbr", "keygen")
# Replaced by a marker, so a warning can say that the article had one.
EMBED_TAGS = ("iframe", "embed", "object", "video", "audio")
CONTENT_NAME = re.compile(
    r"TRS_Editor|TRS_UEDITOR|article[-_]?(?:body|content|text|con)|(?:^|[\s_-])(?:content|zoom|main[-_]?text|"
    r"detail|text|article|con_?txt|news_?content|wz_?content|info_?content|pages_?content|zw)(?:$|[\s_-])",
    re.IGNORECASE,
)
# A site's name glued to the title with a bare hyphen: '…交通-新华网', '…-中国政府网'.
SITE_SUFFIX = re.compile(rf"-\s*([{HAN}]{{2,12}}(?:网|网站|报|台|社|政府|官网|频道))$")
TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜| - | – | — |-{2})\s*")
INFO_KEYS = re.compile(
    r"(发布时间|发布日期|发文日期|成文日期|时间|日期|来源|信息来源|文章来源|作者|浏览次数|点击数|点击量|阅读次数|字体)\s*[:：]"
)
INFO_DATE = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|时间|日期)\s*[:：]\s*(" + NUMERIC_DATE + ")")
INFO_SOURCE = re.compile(
    r"(?:信息来源|文章来源|来源)\s*[:：]\s*([^\s\u3000\xa0|]{2,40}?)(?=[\s\u3000\xa0|]|浏览|点击|作者|\d*人参与|\d*条?评论|$)"
)
INFO_AUTHOR = re.compile(r"作者\s*[:：]\s*([^\s\u3000\xa0|]{2,20}?)(?=[\s\u3000\xa0|]|浏览|点击|来源|$)")
# An info line that opens with a bare date: '2019-09-26 12:11 来源：证券时报网 作者：李在山'.
DATE_FIRST = re.compile(r"^\s*(" + NUMERIC_DATE + r")日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")
# A line that is only a date (and a time): '2020-06-05 20:35', '2019年09月08日 14:10', '更新时间：2021-01-05'.
DATE_LINE = re.compile(
    r"^(?:(?:发布|更新)?(?:时间|日期)\s*[:：]\s*)?" + NUMERIC_DATE + r"\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$"
)
DATE_REACH = 2  # levels above the article within which its header's date line is looked for
# A short element inside the article that is only page chrome.
CHROME_TEXT = re.compile(
    r"^(?:分享到|分享至|责任编辑|责编\s*[:：|｜]|编辑\s*[:：|｜]|[（(]?原标题\s*[:：]|本文来源\s*[:：]|上一篇|下一篇|【?\s*(?:打印|关闭|字体)|扫一扫|相关(?:文章|新闻|链接|阅读)|"
    r"当前位置|您现在的位置|浏览次数|点击数)"
)
# An element named for the publication time holds just the date (WeChat articles, many CMS themes).
PUBLISH_TIME_NAME = re.compile(
    r"publish[-_]?(?:time|date)|pub[-_]?(?:time|date)|post[-_]?date|entry[-_]?date", re.I
)
SOCIAL_BUTTONS = frozenset(
    "facebook twitter x email e-mail linkedin whatsapp print reddit pinterest telegram instagram youtube "
    "weibo wechat 微信 微博 qq空间 tiktok bluesky threads mastodon copy-link share".split()
)
EDGE_REACH = 300  # characters from the article's start within which a byline sits
# Kinds of web-page chrome (see scraped.web_chrome_kind) dropped when a short element inside the article is one.
WEB_CHROME_KINDS = ("skip", "share", "byline", "cookie")
# A short element inside the article that is a news site's furniture: an ad label, a newsletter box, an
# author box's "Follow us", a comment prompt, an "Updated:" line, a photo credit, an "Authors:" or "Tags:"
# line, a reporter's e-mail address alone, a wire story's "(END)".
WEB_FURNITURE = re.compile(
    r"^(?:advertisement|advertising|anzeige|sponsored(?:\s+content)?|广告|"
    r"(?:sign\s+up|subscribe)\b.{0,80}\bnewsletter\b.*|get\s+(?:our|the)\s+.{0,40}(?:newsletter|briefing)|"
    r"subscribe(?:\s+now)?|follow\s+us(?:\s+on\s+.{1,30})?|follow\s+@\w+|"
    r"(?:leave|post|add|write)\s+a\s+comment|comments?(?:\s*\(\d+\))?|kommentar(?:e|\s+verfassen)?|"
    r"发表评论|我要评论|我要跟帖|评论\s*[（(]\d+[)）]|"
    r"(?:photo|photograph|image|picture|credit|photo\s+credit)s?\s*(?:by\s|[:：]).{1,80}|"
    r"(?:图片来源|图片|摄影|图)\s*[:：/].{1,40}|(?:updated|last\s+updated)\b.{0,40}|"
    r"(?:authors?|autori|autor(?:es|en)?)\s*:.{1,80}|(?:tags|keywords|topics)(?:\s*[:：].{0,80})?|"
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\(end\))$",
    re.IGNORECASE,
)
# Class or id names of such furniture (share bars, related-article teasers, author boxes, comments, ads).
FURNITURE_NAME = re.compile(
    r"(?:^|[\s_-])(?:related|recommend\w*|teasers?|newsletter|subscribe|share|sharing|social|"
    r"author-?(?:box|bio|info)|comments?|advert\w*|ads?|ad-slot|sponsor\w*|promo|outbrain|taboola)(?:$|[\s_-])",
    re.IGNORECASE,
)
META_NAMES = {
    "og:title": "title",
    "articletitle": "title",
    "twitter:title": "title",
    "pubdate": "date",
    "article:published_time": "date",
    "publishdate": "date",
    "firstpublishedtime": "date",
    "dc.date": "date",
    "date": "date",
    "contentsource": "source_name",
    "og:site_name": "site_name",
    "sitename": "site_name",
    "description": "description",
    "og:description": "description",
    "keywords": "keywords",
    "author": "author",
    "og:url": "source_url",
}


def read(path: Path) -> Document:
    """Read a saved web page: the article's blocks, media beside the page, metadata; raise ConversionError."""
    text = decode(path.read_bytes(), path.name)
    # lxml refuses a str that starts with an XML declaration naming an encoding (XHTML pages do).
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        raise ConversionError("empty", f"{path.name} holds no text.")
    root, messages = parse(text, path.name)
    metadata = read_metadata(root)
    make_safe(root)
    info = read_info_line(root)
    libraries = htmlconsensus.run_libraries(etree.tostring(root, encoding="unicode"))
    article = find_article(root, libraries.readability_summary)
    if article is None:
        raise ConversionError("no-article", f"{path.name}: no article text found in the page.")
    in_article = remove_chrome(article)
    left_out = htmlconsensus.prune_unconfirmed(article, libraries.confirmed)
    if left_out:
        messages.append(_left_out_message(left_out))
    for key, value in {**in_article, **info}.items():
        metadata.setdefault(key, value)
    if "date" not in metadata:
        date = date_above(article)
        if date:
            metadata["date"] = date
    site_name = metadata.pop("site_name", None)
    if site_name:
        metadata.setdefault("source_name", site_name)
    walker = htmlblocks.Walker(source=path, base_url=metadata.get("source_url"))
    blocks = walker.walk(article)
    blocks = mark_title(blocks, metadata.get("title"))
    if not any(getattr(b, "text", "").strip() or isinstance(b, Table) for b in blocks):
        raise ConversionError("no-article", f"{path.name}: no article text found in the page.")
    return Document(
        blocks=tuple(blocks),
        metadata=metadata,
        media=tuple(walker.media),
        messages=tuple(messages + walker.messages),
    )


def _left_out_message(texts: list[str]):
    """A warning naming what the extraction libraries' consensus removed: usually a news site's furniture,
    but it is text of the page, so the archivist is told what to look for in the original."""
    longest = max(texts, key=len)
    shown = longest if len(longest) <= 60 else longest[:60] + "…"
    return warning(
        "blocks-left-out",
        f"left out {len(texts)} block(s) of the page that readability-lxml and trafilatura both left out of "
        f"the article (share bars, related links and the like), the longest '{shown}'. If that is part of "
        "the speech, check the page against the original.",
    )


# --------------------------------------------------------------------------- parsing


def parse(text: str, name: str = "the page") -> tuple:
    """The page's element tree and the messages parsing it gave. libxml2 drops text nested deeper than it
    can follow: when the tree lacks text the source has, inline formatting tags are taken out and the page
    parsed again; elements nested deeper than MAX_DEPTH are flattened so the walk stays bounded."""
    messages = []
    root = _parse(text, name)
    if _missing_text(text, root):
        flat = _parse(INLINE_TAG.sub("", text), name)
        if _text_length(flat) > _text_length(root):
            root = flat
            messages.append(
                warning("deep-nesting-flattened", f"{name}: inline formatting nested too deeply was dropped")
            )
        if _missing_text(text, root):
            messages.append(
                warning("text-lost-in-parsing", f"{name}: part of the text is nested too deeply to be read")
            )
    flattened = flatten_deep(root)
    if flattened and not messages:
        messages.append(
            warning(
                "deep-nesting-flattened",
                f"{name}: {flattened} elements nested deeper than {MAX_DEPTH} were flattened",
            )
        )
    return root, messages


def _parse(text: str, name: str):
    try:
        return lxml_html.document_fromstring(text, parser=lxml_html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError) as exc:
        raise ConversionError("not-html", f"{name} does not parse as HTML: {exc}") from exc


def _missing_text(source: str, root) -> bool:
    """True when the parsed tree holds clearly less text than the source shows between its tags."""
    shown = html_module.unescape(ANY_TAG.sub("", COMMENT.sub("", source)))
    expected = len("".join(shown.split()))
    return expected - _text_length(root) > max(5, 0.02 * expected)


def flatten_deep(root) -> int:
    """Unwrap every element nested deeper than MAX_DEPTH (its text and children stay); return how many."""
    depth: dict = {root: 0}
    deep = []
    for node in root.iterdescendants():
        depth[node] = depth.get(node.getparent(), 0) + 1
        if depth[node] > MAX_DEPTH and isinstance(node.tag, str):
            deep.append(node)
    for node in reversed(deep):
        node.drop_tag()
    return len(deep)


# --------------------------------------------------------------------------- decoding


def decode(data: bytes, name: str = "the page") -> str:
    """The page's text: BOM, then the declared charset, then UTF-8, then a detected encoding."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", data[:4096], re.IGNORECASE)
    candidates = []
    if declared:
        candidates.append(_encoding_name(declared.group(1).decode("ascii", "replace")))
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    found = charset.guess(data)
    if found is None:
        raise ConversionError("not-html", f"{name}: no text encoding decodes it. Is it really a web page?")
    return found.text


def _encoding_name(name: str) -> str:
    # Pages that declare GB2312 or GBK routinely use characters only GB18030 (their superset) has.
    return (
        "gb18030"
        if name.lower().replace("-", "").replace("_", "") in {"gb2312", "gbk", "gb18030", "cp936"}
        else name
    )


# --------------------------------------------------------------------------- safety


def make_safe(root) -> None:
    """Remove everything that is not static content, so it can never become text: see ACTIVE_TAGS.
    Embedded content becomes a marker element; comments and processing instructions go too."""
    for node in root.xpath("//comment() | //processing-instruction()"):
        _remove(node)
    for node in root.iter(*ACTIVE_TAGS):
        node.set("data-remove", "1")
    for node in root.xpath("//*[@data-remove]"):
        _remove(node)
    for node in list(root.iter(*VOID_TAGS)):
        # libxml2 does not know these HTML5 void elements and nests what follows inside them.
        if node.tag in EMBED_TAGS:
            node.addprevious(etree.Element("embedded-content", kind=node.tag))
        node.drop_tag()
    for node in list(root.iter(*EMBED_TAGS)):
        marker = etree.Element("embedded-content", kind=node.tag)
        marker.tail = node.tail
        node.getparent().replace(node, marker)
    for node in list(root.iter("form")):
        if len(node.findall(".//p")) >= 2 or _text_length(node) >= 200:
            node.drop_tag()  # an ASP.NET page wraps the whole body in one form: keep its content
        else:
            _remove(node)


def _remove(node) -> None:
    parent = node.getparent()
    if parent is None:
        return
    if isinstance(node.tag, str):
        node.drop_tree()
    else:
        tail = node.tail
        previous = node.getprevious()
        parent.remove(node)
        if tail:
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail


def _text_length(node) -> int:
    r"""Characters of the node's text but whitespace (str.split's whitespace is the regex \s: 4x faster)."""
    return len("".join(node.text_content().split()))


# --------------------------------------------------------------------------- metadata


def read_metadata(root) -> dict:
    """Title, date, source, description, keywords, author and URL from meta tags and <title>."""
    found: dict = {}
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
        value = " ".join((meta.get("content") or "").split())
        field = META_NAMES.get(key)
        if field and value:
            found.setdefault(field, value)
    canonical = root.xpath("//link[@rel='canonical']/@href")
    if canonical:
        found.setdefault("source_url", canonical[0].strip())
    metadata: dict = {}
    page_title, site_from_title = split_page_title(root.findtext(".//title") or "")
    site_name = found.get("site_name") or site_from_title
    whole_title = " ".join((root.findtext(".//title") or "").split())
    title = choose_title(found.get("title"), page_title, _headings(root, "h1"), site_name, whole_title)
    if title:
        metadata["title"] = title
    date = find_declared_date(found.get("date", "")) or _time_element_date(root)
    if date:
        metadata["date"] = date
    if found.get("source_name"):
        metadata["source_name"] = found["source_name"]
    if site_name:
        metadata["site_name"] = site_name
    for key in ("description", "keywords", "author"):
        if key in found:
            metadata[key] = found[key]
    if re.match(r"^https?://", found.get("source_url", ""), re.IGNORECASE):
        metadata["source_url"] = found["source_url"]
    return metadata


def split_page_title(title: str) -> tuple[str, str | None]:
    """'工业经济开展推进会讲话_领导讲话_县人民政府门户网站' -> ('工业经济开展推进会讲话', '县人民政府门户网站');
    '法国全国大罢工再次严重影响交通-新华网' -> ('法国全国大罢工再次严重影响交通', '新华网')."""
    parts = [part for part in TITLE_SEPARATORS.split(" ".join(title.split())) if part]
    if not parts:
        return "", None
    if len(parts) == 1:
        glued = SITE_SUFFIX.search(parts[0])
        if glued:
            return parts[0][: glued.start()], glued.group(1)
        return parts[0], None
    return parts[0], parts[-1]


def choose_title(
    meta_title: str | None, page_title: str, h1s: list[str], site_name: str | None, whole_title: str = ""
) -> str | None:
    """The article's title: the visible <h1> when it says what the meta title or <title> says (the page
    shows it; og:title is often shortened or reworded), otherwise og:title (or the like), or the <title>
    when og:title was cut short; a site name stuck to its end is taken off. `whole_title` is the <title>
    before its site name was split off (an <h1> such as '棱镜|数据业大整顿…' matches only that)."""
    for h1 in h1s:
        for other in (meta_title, page_title, whole_title):
            if other and _similar(h1, other):
                # An <h1> that runs on into the site's logo text: 'Anticorrupción … InfantaUltima Hora'.
                rest = h1[len(other) :] if h1.startswith(other) else ""
                runs_on = rest and not TITLE_SEPARATORS.match(rest) and rest[0] not in "|｜_-–—:："
                return _without_site_name(other if runs_on else h1, site_name)
    declared = meta_title or page_title
    if meta_title and page_title.startswith(meta_title) and len(page_title) > len(meta_title):
        declared = page_title  # og:title cut at a quotation mark: 奖金711万元！"中国诺贝尔奖"…
    if not declared:
        return h1s[0] if h1s else None
    return _without_site_name(declared, site_name)


def _similar(a: str, b: str) -> bool:
    """True when two titles share most of their words (Chinese: characters), whatever the punctuation."""

    def words(text: str) -> set[str]:
        return set(re.findall(rf"[{HAN}]|[^\W_]+", text.lower()))

    shorter, longer = sorted((words(a), words(b)), key=len)
    return bool(shorter) and len(shorter & longer) >= 0.6 * len(shorter) and len(shorter) >= 0.5 * len(longer)


def _without_site_name(title: str, site_name: str | None) -> str:
    if site_name:
        parts = TITLE_SEPARATORS.split(title)
        if len(parts) > 1 and parts[-1].strip() == site_name.strip() and parts[0].strip():
            return title[: title.rfind(parts[-1])].rstrip(" _|｜-–—")
    return title


def _headings(root, tag: str) -> list[str]:
    return [text for text in (" ".join(h.text_content().split()) for h in root.iter(tag)) if text]


def _time_element_date(root) -> str | None:
    """The date of the page's first <time> element (its datetime attribute, else its text)."""
    for node in root.iter("time"):
        date = find_declared_date(node.get("datetime") or "") or find_declared_date(node.text_content())
        if date:
            return date
    return None


def read_info_line(root) -> dict:
    """Date, source and author from the article's info line ('发布时间：2023-04-19 来源：县政府办公室 …')."""
    for node in root.iter("div", "p", "span", "td", "li", "section", "header"):
        text = " ".join(node.text_content().split())
        if len(text) > 200 or len(INFO_KEYS.findall(text)) < 1:
            continue
        date = INFO_DATE.search(text) or DATE_FIRST.match(text)  # '2019-09-26 12:11来源：证券时报网'
        if not date:
            continue
        found = {"date": find_declared_date(date.group(1))}
        source, author = INFO_SOURCE.search(text), INFO_AUTHOR.search(text)
        if source:
            found["source_name"] = source.group(1)
        if author:
            found["author"] = author.group(1)
        return {k: v for k, v in found.items() if v}
    for node in root.iter("div", "p", "span", "time", "section", "header"):
        byline = scraped.read_byline(" ".join(node.text_content().split()))
        if byline and "date" in byline:  # an English byline: 'Posted on 7 November 2024 by …'
            return byline
    for node in root.iter():
        names = f"{node.get('id', '')} {node.get('class', '')}" if isinstance(node.tag, str) else ""
        text = " ".join(node.text_content().split()) if PUBLISH_TIME_NAME.search(names) else ""
        if len(text) <= 40 and find_declared_date(text):  # WeChat's <em id="publish_time">
            return {"date": find_declared_date(text)}
    return {}


def date_above(article) -> str | None:
    """The date of a line that holds only a date, in the article's header: the elements before the article
    within DATE_REACH levels above it (news sites set '2020-06-05 20:35' under the headline, unlabelled)."""
    container = article
    for _ in range(DATE_REACH):
        if container.getparent() is None:
            break
        container = container.getparent()
    for node in container.iter():
        if node is article:
            return None
        if not isinstance(node.tag, str) or node.tag == "a":
            continue
        text = " ".join(node.text_content().split())
        if len(text) <= 40 and (DATE_LINE.match(text) or _english_date_line(text)):
            return find_declared_date(text)
    return None


def _english_date_line(text: str) -> bool:
    """'December 27, 2014' or 'Nov. 7, 2024 at 12:06 PM': a date and little else."""
    return bool(find_declared_date(text)) and len(text.split()) <= 6 and not text.endswith((".", "!", "?"))


# --------------------------------------------------------------------------- the article


def find_article(root, summary: str):
    """The element that holds the article: a content-named element when the page has one, otherwise
    readability's choice (`summary`, its HTML). None when the page has no text."""
    body = root.find("body")
    if body is None or _text_length(body) == 0:
        return None
    named = _content_named(body)
    if named is not None:
        return named
    if not summary:
        return _densest(body)
    element = lxml_html.fragment_fromstring(summary, create_parent="div")
    if "readabilityBody" in summary or not _text_length(element):
        # readability gave up and returned the whole page (its scores count ASCII commas, which Chinese
        # text lacks, and it retries below 250 characters): take the parent of the most paragraph text.
        return _densest(body)
    original = _original_of(body, element)
    return original if original is not None else element


def _densest(body):
    """The element whose child paragraphs hold the most non-link text (half of it counts for the grandparent)."""
    scores: dict = {}
    for paragraph in body.iter("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote"):
        parent = paragraph.getparent()
        if parent is None:
            continue
        length = _own_text(paragraph)
        scores[parent] = scores.get(parent, 0) + length
        grandparent = parent.getparent()
        if grandparent is not None and paragraph.tag != "li":
            scores[grandparent] = scores.get(grandparent, 0) + length / 2
    if not scores:
        return body
    return max(scores, key=lambda node: scores[node])


def _original_of(body, summary):
    """The page's own element that readability chose (readability returns a pruned copy that loses nested
    lists and more): the summary's outermost element, found in the page by its tag, id and class and, when
    several match, by its opening text; None when it cannot be told apart."""
    chosen = summary
    while len(chosen) == 1 and not (chosen.text or "").strip() and isinstance(chosen[0].tag, str):
        chosen = chosen[0]
    if chosen is summary:
        return None
    matches = [
        node
        for node in body.iter(chosen.tag)
        if node.get("id") == chosen.get("id") and node.get("class") == chosen.get("class")
    ]
    if len(matches) > 1:
        opening = _opening(chosen)
        matches = [node for node in matches if _opening(node) == opening]
    return matches[0] if len(matches) == 1 else None


def _opening(node) -> str:
    return re.sub(r"\s+", "", node.text_content())[:200]


def _content_named(body):
    """The content-named element with the most non-link text (at least a third of the page's), narrowed to a
    content-named descendant that holds nearly all of it."""
    candidates = [
        node
        for node in body.iter()
        if isinstance(node.tag, str) and CONTENT_NAME.search(f"{node.get('class', '')} {node.get('id', '')}")
    ]
    scored = [(node, _own_text(node)) for node in candidates]
    scored = [(node, score) for node, score in scored if score >= 0.7 * _text_length(node) and score > 0]
    if not scored:
        return None
    best, score = max(scored, key=lambda pair: pair[1])
    if score < max(20, _own_text(body) / 3):
        return None
    for node, inner in scored:
        if node is not best and inner >= 0.9 * score and any(a is best for a in node.iterancestors()):
            best, score = node, inner
    return best


def _own_text(node) -> int:
    """Length of the text outside links (navigation and related-link lists are mostly links)."""
    linked = sum(_text_length(a) for a in node.iter("a"))
    return _text_length(node) - linked


def remove_chrome(article) -> dict:
    """Drop info lines, bylines, share bars, print/close links, editor lines and the like inside the article;
    return the metadata the dropped bylines carried (a lone '来源：…' or 'Source: …' line gives source_name)."""
    found: dict = {}
    whole = " ".join(article.text_content().split())
    _remove_named_furniture(article)
    for node in list(
        article.iter(
            "div", "p", "span", "td", "li", "section", "ul", "h3", "h4", "h5", "h6", "figcaption", "aside"
        )
    ):
        if node.getparent() is None or node is article:
            continue
        text = " ".join(node.text_content().split())
        if not text or len(text) > 200:
            continue
        if CHROME_TEXT.match(text) or len(set(INFO_KEYS.findall(text))) >= 2 or _is_furniture(text):
            node.drop_tree()
        elif scraped.web_chrome_kind(text) in WEB_CHROME_KINDS:
            byline = scraped.read_byline(text) or {}
            if byline and "date" not in byline and not _at_edge(whole, text):
                continue  # 'Source: …' under a chart in the middle of the text is a caption
            for key, value in byline.items():
                found.setdefault(key, value)
            node.drop_tree()
    return found


def _is_furniture(text: str) -> bool:
    """A news site's furniture (see WEB_FURNITURE), or a row of social-network buttons."""
    words = re.split(r"[\s|｜·•/]+", text.lower().replace("copy link", "copy-link"))
    social = [w for w in words if w]
    if len(social) >= 2 and all(w in SOCIAL_BUTTONS for w in social):
        return True
    return bool(WEB_FURNITURE.match(text))


def _remove_named_furniture(article) -> None:
    """Remove elements named as furniture (class="share-bar", id="related-news", …) that hold a small part
    of the article's text: a page that names its whole article so keeps it."""
    whole = _text_length(article)
    for node in list(article.iter()):
        if not isinstance(node.tag, str) or node is article or node.getparent() is None:
            continue
        names = f"{node.get('class', '')} {node.get('id', '')}"
        if FURNITURE_NAME.search(names) and _text_length(node) < whole / 3:
            node.drop_tree()


def _at_edge(whole: str, text: str) -> bool:
    """True when `text` stands at the top (after the title) or at the very end of the article's text."""
    position = whole.find(text)
    return 0 <= position <= EDGE_REACH or position + len(text) >= len(whole) - EDGE_REACH // 10


def mark_title(blocks: list, title: str | None) -> list:
    """The article's first block repeating the page title is the title (heading level 0)."""
    if not blocks or not title or not isinstance(blocks[0], Paragraph):
        return blocks
    first = blocks[0]
    if first.heading_level is None and " ".join(first.text.split()) == " ".join(title.split()):
        blocks[0] = Paragraph(first.spans, heading_level=0, font=first.font, centered=first.centered)
    return blocks
