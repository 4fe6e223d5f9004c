"""Clean text saved from web pages: sharing sites' chrome, other pages' chrome, page footers, licence notices.

A document-sharing site's page is recognised by the site phrases it carries (下载文档, 温馨提示, 网站客服, 猜你
喜欢, …). The rules are generic: numbered notices under a 温馨提示-style header, lines made only of button labels,
metadata lines (`大小:22.64KB`, `时间:2023-04-19`), the file-name line and the keyword line above the text, and a
related-documents list below it.

Any other web page saved as text (a council's news page, a portal's article) is recognised by two kinds of
chrome (`web_chrome_kind`): skip links, menus and breadcrumbs (items separated by | · • › » or spaced > /),
bylines and info lines ('Posted on 7 November 2024 by …', '发布时间：… 来源：…', read as date, author and
source_name), share/print lines, cookie notices, copyright footers and related-links headers. The article's
title is the line above its byline (or the last short line above the text); site names and section labels
above it go, and so does a block of chrome below the text. Lines are only ever removed or cut, never reworded.

Message codes: site-chrome-removed, web-chrome-removed, page-footer-removed, license-notice-removed (see `text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..dates import find_declared_date
from ..han import HAN_CHAR
from ..model import Message, warning

# Phrases that only a document-sharing site's chrome contains; two of them mark a scraped page.
SITE_MARKERS = (
    "下载文档",
    "温馨提示",
    "网站客服",
    "分享赚钱",
    "下载收益归作者所有",
    "猜你喜欢",
    "你可能关注的文档",
    "版权归属用户",
    "本文档由用户上传",
    "相关文档",
    "相关推荐",
    "立即下载",
    "免费下载",
    "文档下载",
    "举报",
    "收藏",
    "原创力文档",
    "开通VIP",
)
# Short labels of buttons and tabs; a line made only of these is chrome.
BUTTON_LABELS = frozenset(
    [
        "分享",
        "收藏",
        "举报",
        "下载",
        "下载文档",
        "分享赚钱",
        "收起",
        "展开",
        "打印",
        "纠错",
        "评论",
        "点赞",
        "关注",
        "复制",
        "全屏",
        "上一页",
        "下一页",
        "首页",
        "尾页",
        "展开全文",
        "阅读全文",
        "继续阅读",
        "立即下载",
        "免费下载",
        "下载本文档",
        "加入VIP",
        "开通VIP",
        "开通会员",
        "反馈",
        "在线阅读",
        "预览",
        "已收藏",
        "取消收藏",
        "分享到",
        "微信",
        "QQ",
        "微博",
        "返回顶部",
        "相关搜索",
        "文档分类",
        "上传文档",
        "登录",
        "注册",
        "搜索",
        "会员中心",
        "帮助中心",
        "我的文档",
        "个人中心",
        "意见反馈",
    ]
)
# Phrases that make a short line chrome wherever it stands in a scraped page.
CHROME_PHRASES = re.compile(
    r"温馨提示|网站客服|客服(?:电话|QQ|微信)|分享赚钱|下载收益归作者所有|版权归属用户|本文档由用户上传|"
    r"负责整理代发布|猜你喜欢|你可能关注的文档|相关文档|相关推荐|热门文档|最新文档|同类文档|更多相关|"
    r"(?:剩余|还剩)\s*\d+\s*页未读|点击(?:查看|下载|阅读)|侵权(?:投诉|举报)|本站(?:声明|不保证)|"
    r"开通(?:VIP|会员)|下载(?:APP|客户端)|扫码(?:下载|关注)|C2C交易模式|收益归\S{0,4}所有"
)
PREVIEW_ONLY = re.compile(r"(?:剩余|还剩)\s*\d+\s*页未读|继续阅读|阅读全文|展开全文")
NOTICE_HEADER = re.compile(r"^(?:温馨提示|特别提醒|下载须知|下载说明|注意事项|免责声明|声明)\s*[:：]?$")
NUMBERED_NOTICE = re.compile(r"^\s*\d{1,2}\s*[.、．)）]")
RELATED_HEADER = re.compile(
    r"^(?:猜你喜欢|你可能关注的文档|相关文档|相关推荐|热门文档|最新文档|同类文档|更多相关文档)\s*$"
)
METADATA_LINE = re.compile(
    r"^\s*(ID|文档ID|文档编号|编号|大小|文件大小|页数|页码|格式|文件格式|类型|时间|上传时间|发布时间|更新时间|日期|"
    r"作者|上传者|贡献者|上传人|浏览|浏览量|阅读量|下载量|下载次数|下载|评分|价格|分类|所属分类|关键词|标签)"
    r"\s*[:：]\s*(\S.{0,60}?)\s*$"
)
FILE_NAME_LINE = re.compile(r"^\s*(.{1,100}?)\.(?:docx?|wps|pdf|pptx?|xlsx?|txt|rtf|odt)\s*$", re.IGNORECASE)
SENTENCE_PUNCTUATION = re.compile(r"[。！？；，,;!?]")
PAGE_MARK = re.compile(r"第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?")
PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:[-—－]\s*\d{1,4}\s*[-—－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)\s*$"
)
LICENSE_START = re.compile(r"^\s*(?:本作品|此作品|This work|这部作品)")
LICENSE_WORDS = re.compile(r"公有领域|Public domain|许可协议|知识共享|Creative Commons|版权", re.IGNORECASE)
SUBSTANTIAL = 30  # a line this long that is not chrome is part of the text


@dataclass
class Cleaned:
    """What `clean` leaves: the text's lines, the metadata read from removed lines, and what was done."""

    lines: list[str]
    metadata: dict = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    title_candidates: list[str] = field(default_factory=list)
    file_title: str | None = None
    preview_only: str | None = None  # the site's own words saying that only part of the text was shown


def clean(lines: list[str]) -> Cleaned:
    """Remove a sharing site's chrome (when the text is from one), licence notices and page footers."""
    result = Cleaned(lines=list(lines))
    if is_scraped(lines):
        _remove_site_chrome(result)
    if is_web_page(result.lines):
        _remove_web_chrome(result)
    _remove_license_notice(result)
    _remove_page_footers(result)
    return result


def is_scraped(lines: list[str]) -> bool:
    """True when the text carries at least two distinct document-sharing-site phrases in short lines."""
    short = "\n".join(line for line in lines if len(line.strip()) <= 200)
    return sum(1 for marker in SITE_MARKERS if marker in short) >= 2


def _is_button_line(line: str) -> bool:
    tokens = line.split()
    return bool(tokens) and all(token in BUTTON_LABELS for token in tokens)


def _is_chrome(line: str) -> bool:
    stripped = line.strip()
    return _is_button_line(stripped) or (len(stripped) <= 200 and bool(CHROME_PHRASES.search(stripped)))


def _chrome_marks(lines: list[str]) -> list[bool]:
    marks, in_notice = [], False
    for line in lines:
        stripped = line.strip()
        if NOTICE_HEADER.match(stripped):
            in_notice = True
        elif in_notice and not NUMBERED_NOTICE.match(stripped):
            in_notice = False
        marks.append(in_notice or _is_chrome(stripped))
    return marks


def _remove_site_chrome(result: Cleaned) -> None:
    lines = result.lines
    chrome = _chrome_marks(lines)
    related = _related_list_start(lines)
    for i in range(related, len(lines)):
        chrome[i] = True
    substantial = [i for i, line in enumerate(lines) if not chrome[i] and len(line.strip()) >= SUBSTANTIAL]
    if not substantial:
        return
    start, end = substantial[0], substantial[-1]
    drop = [chrome[i] if start <= i <= end else chrome[i] or not lines[i].strip() for i in range(len(lines))]
    _read_header(result, lines, drop, start)
    _drop_related_list(lines, drop, end)
    removed = [lines[i].strip() for i in range(len(lines)) if drop[i] and lines[i].strip()]
    result.preview_only = next((m.group(0) for line in removed if (m := PREVIEW_ONLY.search(line))), None)
    result.lines = [line for i, line in enumerate(lines) if not drop[i]]
    if removed:
        examples = ", ".join(dict.fromkeys(s[:12] for s in removed[:6]))
        result.messages.append(
            warning(
                "site-chrome-removed",
                f"removed {len(removed)} lines of a document-sharing site ({examples}, …)",
            )
        )


def _read_header(result: Cleaned, lines: list[str], drop: list[bool], start: int) -> None:
    """Read metadata, file-name and keyword lines above the text (and drop them, with any other line that
    stands between the site's chrome lines; short ones are kept as title candidates)."""
    for i in range(start):
        stripped = lines[i].strip()
        meta, name = METADATA_LINE.match(stripped), FILE_NAME_LINE.match(stripped)
        if drop[i]:
            continue
        if meta:
            _store_metadata(result.metadata, meta.group(1), meta.group(2))
            drop[i] = True
        elif name:
            result.file_title = name.group(1).strip()
            result.title_candidates.append(result.file_title)
            drop[i] = True
    last_chrome = max((i for i in range(start) if drop[i] and lines[i].strip()), default=-1)
    for i in range(last_chrome):
        if not drop[i]:
            if 2 <= len(lines[i].strip()) <= 40 and not _is_button_line(lines[i]):
                result.title_candidates.append(lines[i].strip())
            drop[i] = True
    following = [i for i in range(last_chrome + 1, start) if lines[i].strip()]
    if following and _is_keyword_line(lines[following[0]]):
        result.metadata.setdefault("keywords", ",".join(lines[following[0]].split()))
        drop[following[0]] = True
    for i in following[1:]:
        if len(lines[i].strip()) <= 40:
            result.title_candidates.append(lines[i].strip())


def _store_metadata(metadata: dict, key: str, value: str) -> None:
    if key in {"时间", "上传时间", "发布时间", "更新时间", "日期"}:
        date = find_declared_date(value)
        if date:
            metadata.setdefault("date", date)
    elif key in {"作者"}:
        metadata.setdefault("author", value)
    elif key in {"关键词", "标签"}:
        metadata.setdefault("keywords", ",".join(re.split(r"[\s,，、;；]+", value)))


def _is_keyword_line(line: str) -> bool:
    tokens = line.split()
    return (
        3 <= len(tokens) <= 12
        and len(line.strip()) <= 80
        and all(len(token) <= 12 for token in tokens)
        and not SENTENCE_PUNCTUATION.search(line)
    )


def _related_list_start(lines: list[str]) -> int:
    """Where a trailing related-documents list starts (its header, then only short lines); len(lines) if none."""
    text_seen = False
    for i, line in enumerate(lines):
        if text_seen and RELATED_HEADER.match(line.strip()) and all(len(s.strip()) <= 80 for s in lines[i:]):
            return i
        text_seen = text_seen or (len(line.strip()) >= SUBSTANTIAL and not _is_chrome(line))
    return len(lines)


def _drop_related_list(lines: list[str], drop: list[bool], end: int) -> None:
    """Below the text, a related-documents header starts a list of other documents' titles: drop it all."""
    for i in range(end + 1, len(lines)):
        if RELATED_HEADER.match(lines[i].strip()) and all(len(s.strip()) <= 80 for s in lines[i:]):
            for j in range(i, len(lines)):
                drop[j] = True
            return


# --------------------------------------------------------------------------- licence notices


def _remove_license_notice(result: Cleaned) -> None:
    """A trailing 'this work is in the public domain' block (wikisource and the like) is not the speech."""
    lines = result.lines
    for i in range(max(0, len(lines) - 120), len(lines)):
        if LICENSE_START.match(lines[i]) and LICENSE_WORDS.search("\n".join(lines[i:])):
            if any(len(line.strip()) > 200 for line in lines[i:]):
                return
            result.lines = lines[:i]
            result.messages.append(
                warning(
                    "license-notice-removed",
                    f"removed a trailing licence notice ('{lines[i].strip()[:20]}…')",
                )
            )
            return


# --------------------------------------------------------------------------- page footers


def _remove_page_footers(result: Cleaned) -> None:
    candidates = _footer_titles(result.lines, result.title_candidates)
    count = 0
    new_lines = []
    for line in result.lines:
        if PAGE_NUMBER_LINE.match(line):
            count += 1
            continue
        line, n = _cut_footers(line, candidates)
        count += n
        new_lines.append(line)
    result.lines = new_lines
    if count:
        result.messages.append(
            warning(
                "page-footer-removed",
                f"removed {count} page footer(s) ('…第N页') and rejoined the words they split",
            )
        )


def _footer_titles(lines: list[str], known: list[str]) -> list[str]:
    """Texts that stand before '第N页' in a footer: known titles, the text's first short segment, and the
    longest text that stands before every '第N页' when there are several."""
    titles = [t for t in known if t]
    for line in lines:
        if line.strip():
            first = re.split(r"[ \u3000]", line.strip(), maxsplit=1)[0]
            if 2 <= len(first) <= 40 and not SENTENCE_PUNCTUATION.search(first):
                titles.append(first)
            break
    before = [line[max(0, m.start() - 40) : m.start()] for line in lines for m in PAGE_MARK.finditer(line)]
    if len(before) >= 2:
        common = _common_suffix(before)
        if len(common.strip()) >= 4:
            titles.append(common.strip())
    return sorted(set(titles), key=len, reverse=True)


def _common_suffix(texts: list[str]) -> str:
    suffix = texts[0]
    for text in texts[1:]:
        while suffix and not text.endswith(suffix):
            suffix = suffix[1:]
    return suffix


def _cut_footers(line: str, titles: list[str]) -> tuple[str, int]:
    count = 0
    for match in reversed(list(PAGE_MARK.finditer(line))):
        before = line[: match.start()]
        title = next((t for t in titles if before.endswith(t)), None)
        if title is None:
            continue
        start, end = match.start() - len(title), match.end()
        if end < len(line) and line[end] in " \u3000":
            end += 1
        line = line[:start] + line[end:]
        count += 1
    return line, count


# --------------------------------------------------------------------------- web pages saved as text

SKIP_LINK = re.compile(
    r"^(?:skip|jump)\s+(?:to\s+)?(?:the\s+)?(?:main\s+)?(?:content|navigation|main|menu|search)$|"
    r"^(?:跳过导航|跳转到主要内容|跳到主要内容|无障碍浏览|无障碍阅读|长者模式|适老化)$",
    re.IGNORECASE,
)
# Separators of menu items and breadcrumbs; '>' and '/' only with spaces around them.
MENU_SEPARATOR = re.compile(r"\s*[|｜•·]\s*|\s+[/>›»]\s+|\s*[›»＞]\s*")
BREADCRUMB_SEPARATOR = re.compile(r"\s+[/>›»]\s+|\s*[›»＞]\s*")
BREADCRUMB_START = re.compile(
    r"^(?:home|homepage|首页|网站首页|当前位置|您现在的位置|您的位置)\b", re.IGNORECASE
)
BYLINE_START = re.compile(
    r"^(?:(?:posted|published|updated|last\s+updated|last\s+modified|first\s+published|released|date|by|"
    r"written\s+by|source|delivered\s+on|publié\s+le|mis\s+à\s+jour\s+le|veröffentlicht\s+am|"
    r"aktualisiert\s+am|publicado\s+el|actualizado\s+el|发布时间|发布日期|发文日期|时间|日期|来源|信息来源|文章来源|作者)\b"
    r"|from\s*:)",
    re.IGNORECASE,
)
BYLINE_AUTHOR = re.compile(
    r"(?:\bby\s+|\bauthor\s*[:：]\s*|作者\s*[:：]\s*)(?P<value>[^|｜·\u3000]+?)\s*(?=$|[|｜·\u3000]|\s{2}|\s+on\s)",
    re.IGNORECASE,
)
BYLINE_SOURCE = re.compile(
    r"(?:\b(?:source|from)\s*[:：]\s*|(?:信息|文章)?来源\s*[:：]\s*)(?P<value>[^|｜·\u3000]+?)\s*(?=$|[|｜·\u3000]|\s{2}|浏览|点击)",
    re.IGNORECASE,
)
BYLINE_LABEL = re.compile(
    r"^(?:posted(?:\s+on)?|published(?:\s+on)?|updated|last\s+updated|first\s+published|date|发布时间|发布日期)\s*[:：]?$",
    re.IGNORECASE,
)
DELIVERED = re.compile(r"^delivered\s+on\b", re.IGNORECASE)
SHARE_LINE = re.compile(
    r"^(?:share(?:\s+(?:this|this\s+page|this\s+article|this\s+story|on\s+\w+))?\s*:?|print(?:\s+this\s+page)?|"
    r"email\s+this(?:\s+page)?|back\s+to\s+top|return\s+to\s+top|top\s+of\s+page|"
    r"(?:was|is)\s+this\s+page\s+(?:useful|helpful)\??|report\s+a\s+problem(?:\s+with\s+this\s+page)?|"
    r"分享到\s*[:：]?|打印本页|打印|关闭窗口|关闭|返回顶部|【\s*(?:打印本页|打印|关闭窗口|关闭|返回顶部|字体\s*[:：]?.{0,12})\s*】"
    r"(?:\s*【[^】]{1,12}】)*)$",
    re.IGNORECASE,
)
SOCIAL_NAMES = frozenset(
    "facebook x twitter email e-mail linkedin whatsapp print reddit pinterest telegram instagram youtube "
    "weibo wechat 微信 微博 qq空间 tiktok bluesky threads mastodon copy link".split()
)
COOKIE_LINE = re.compile(
    r"\b(?:we|this\s+(?:web)?site)\s+uses?\s+(?:some\s+)?(?:essential\s+|necessary\s+)?cookies\b|"
    r"\bcookies?\s+(?:policy|settings|preferences|notice|consent)\b|^cookies\s+on\s+\S+$|"
    r"\b(?:accept|reject|manage|allow)\s+(?:all\s+|additional\s+|analytics\s+|optional\s+)?cookies\b",
    re.IGNORECASE,
)
FOOTER_LINE = re.compile(
    r"^(?:©|\(c\)\s|copyright\b|版权所有|all\s+rights\s+reserved)|\ball\s+rights\s+reserved\b|"
    r"^(?:privacy(?:\s+(?:policy|notice))?|terms(?:\s+(?:of\s+use|and\s+conditions))?|accessibility(?:\s+statement)?|"
    r"contact\s+us|sitemap|site\s+map)$|ICP备|公网安备",
    re.IGNORECASE,
)
WEB_RELATED_HEADER = re.compile(
    r"^(?:related(?:\s+(?:articles|news|stories|content|pages|links|posts))?|more\s+(?:news|stories|articles)|"
    r"latest\s+news|you\s+may\s+also\s+like|read\s+more|see\s+also|相关(?:文章|新闻|链接|阅读|稿件)|"
    r"上一篇|下一篇|推荐阅读|延伸阅读)\s*:?$",
    re.IGNORECASE,
)
NAME_PARTICLES = frozenset("of the and for de du van von der la le da di & on".split())
END_PUNCTUATION = tuple("。！？；.!?;:：,，…")
WEB_SIGNALS = ("skip", "menu", "byline", "share", "footer", "cookie", "related")
HEADER_REACH = 15  # the article's title and byline are among the first lines of the page


def read_byline(line: str) -> dict | None:
    """The metadata of a page's byline or info line ('Posted on 7 November 2024 by Communications Team',
    'Published: 2023-10-11 | Source: …', '发布时间：2022-03-04 来源：县应急管理局 浏览次数：521'), or None
    when the line is not one. Keys: date, author, source_name (only those found)."""
    stripped = " ".join(line.split()) if "\u3000" not in line else line.strip()
    if not stripped or len(stripped) > 160 or not BYLINE_START.match(stripped):
        return None
    found: dict = {}
    date = find_declared_date(stripped)
    if date:
        found["date"] = date
    for key, pattern in (("author", BYLINE_AUTHOR), ("source_name", BYLINE_SOURCE)):
        match = pattern.search(stripped)
        value = match["value"].strip(" ,.;:") if match else ""
        if value and not find_declared_date(value) and _looks_like_name(value):
            found[key] = value
    # A sentence that merely starts with 'By' or 'Source' is not a byline: a byline has a date or is short.
    if not found or (
        "date" not in found and (len(stripped.split()) > 8 or stripped.endswith(END_PUNCTUATION))
    ):
        return None
    return found


def _looks_like_name(value: str) -> bool:
    """A person's or an office's name: short, and in English every main word capitalised ('Communications
    Team', 'Office of the Mayor'), so 'by the end of the year' is not read as an author."""
    words = value.split()
    if len(value) > 60 or len(words) > 8:
        return False
    if HAN_CHAR.search(value):
        return True
    return all(word[0].isupper() or word[0].isdigit() or word.lower() in NAME_PARTICLES for word in words)


def _menu_items(line: str, separator: re.Pattern) -> list[str]:
    return [item for item in separator.split(line) if item.strip()]


def is_menu_line(line: str) -> bool:
    """A navigation menu ('Home | News | Contact us') or breadcrumb ('Home › News › Speeches')."""
    stripped = line.strip()
    if not stripped or len(stripped) > 200 or stripped.endswith(END_PUNCTUATION):
        return False
    items = _menu_items(stripped, MENU_SEPARATOR)
    short = all(len(item) <= 30 and len(item.split()) <= 4 for item in items)
    no_sentences = not any(SENTENCE_PUNCTUATION.search(item) for item in items)
    if len(items) >= 3 and short and no_sentences:
        return True
    crumbs = _menu_items(stripped, BREADCRUMB_SEPARATOR)
    return len(crumbs) >= 2 and short and no_sentences and bool(BREADCRUMB_START.match(stripped))


def web_chrome_kind(line: str) -> str | None:
    """Which kind of web-page chrome a line is (one of WEB_SIGNALS), or None for text."""
    stripped = line.strip()
    if not stripped or len(stripped) > 250:
        return None
    if SKIP_LINK.match(stripped):
        return "skip"
    if SHARE_LINE.match(stripped):
        return "share"
    if read_byline(stripped):
        return "byline"
    if is_menu_line(stripped):
        return "menu"
    if FOOTER_LINE.search(stripped) and len(stripped) <= 160:
        return "footer"
    if COOKIE_LINE.search(stripped):
        return "cookie"
    if WEB_RELATED_HEADER.match(stripped):
        return "related"
    return None


def is_web_page(lines: list[str]) -> bool:
    """True when the text carries at least two kinds of web-page chrome (skip link, menu, byline, …)."""
    kinds = {web_chrome_kind(line) for line in lines}
    return len(kinds - {None}) >= 2


def _is_sentence(line: str) -> bool:
    stripped = line.strip()
    return stripped.endswith(END_PUNCTUATION) or len(stripped) > 150


def _remove_web_chrome(result: Cleaned) -> None:
    lines = result.lines
    kinds = [web_chrome_kind(line) for line in lines]
    filled = [i for i, line in enumerate(lines) if line.strip()]
    _mark_split_bylines(lines, kinds, filled)
    drop = [kind is not None and kind != "related" for kind in kinds]
    text_start = _first_text(lines, drop, filled[:HEADER_REACH])
    for i, kind in enumerate(kinds):
        if kind == "byline" and i > text_start and "date" not in (read_byline(lines[i]) or {"date": 1}):
            drop[i] = False  # 'Source: …' in the text is a caption; in the tail it goes with the tail
    _read_web_header(result, lines, kinds, drop, filled[:HEADER_REACH])
    _drop_web_tail(lines, kinds, drop)
    _read_bylines(result, [line for i, line in enumerate(lines) if drop[i] and kinds[i] == "byline"])
    removed = [lines[i].strip() for i in range(len(lines)) if drop[i] and lines[i].strip()]
    result.lines = [line for i, line in enumerate(lines) if not drop[i]]
    if removed:
        examples = ", ".join(dict.fromkeys(s[:20] for s in removed[:6]))
        result.messages.append(
            warning(
                "web-chrome-removed", f"removed {len(removed)} lines of a web page's chrome ({examples}, …)"
            )
        )


def _mark_split_bylines(lines: list[str], kinds: list, filled: list[int]) -> None:
    """A byline label alone on its line ('Published') with the date on the next line: both are byline."""
    for here, following in zip(filled, filled[1:], strict=False):
        stripped = lines[following].strip()
        if BYLINE_LABEL.match(lines[here].strip()) and len(stripped) <= 40 and find_declared_date(stripped):
            kinds[here] = kinds[following] = "byline"


def _read_bylines(result: Cleaned, bylines: list[str]) -> None:
    """Metadata from the dropped bylines: the first of each field wins, but a 'Delivered on' date (the day
    the speech was given) beats a publication date."""
    for line in bylines:
        found = read_byline(line) or {}
        date = found.get("date") or find_declared_date(line)
        if date and DELIVERED.match(line.strip()):
            result.metadata["date"] = date
        elif date:
            result.metadata.setdefault("date", date)
        for key in ("author", "source_name"):
            if key in found:
                result.metadata.setdefault(key, found[key])


def _read_web_header(
    result: Cleaned, lines: list[str], kinds: list, drop: list[bool], head: list[int]
) -> None:
    """Find the article's title among the page's first lines: the line above the byline, or else the last
    short line above the text. Site names and section labels above it (short lines among chrome) go."""
    first_text = _first_text(lines, drop, head)
    head = [i for i in head if i <= first_text]
    bylines = [i for i in head if kinds[i] == "byline"]
    if bylines:
        above = [i for i in head if i < bylines[0] and not drop[i]]
        title = above[-1] if above and not _is_sentence(lines[above[-1]]) else None
    else:
        last_chrome = max((i for i in head if drop[i]), default=None)
        if last_chrome is None:
            return
        after = [i for i in head if i > last_chrome and not drop[i]]
        body = next(
            (k for k, i in enumerate(after) if _is_sentence(lines[i]) or _starts_paragraph(lines, i)), None
        )
        title = after[body - 1] if body else None
    if title is None or len(lines[title].strip()) > 150:
        return
    for i in head:
        if i < title and not drop[i] and not _is_sentence(lines[i]) and len(lines[i].strip()) <= 80:
            drop[i] = True
    result.title_candidates.append(lines[title].strip())


def _first_text(lines: list[str], drop: list[bool], head: list[int]) -> int:
    """Index of the text's first line (a sentence, or the first line of a wrapped paragraph) among the
    page's first lines; past the end of `head` when there is none."""
    return next(
        (i for i in head if not drop[i] and (_is_sentence(lines[i]) or _starts_paragraph(lines, i))),
        head[-1] + 1 if head else 0,
    )


def _starts_paragraph(lines: list[str], i: int) -> bool:
    """A long line continued on the next line: the first line of a hard-wrapped paragraph."""
    return len(lines[i].strip()) >= 60 and i + 1 < len(lines) and bool(lines[i + 1].strip())


def _drop_web_tail(lines: list[str], kinds: list, drop: list[bool]) -> None:
    """Below the text: from the first chrome line (share bar, related links, footer) on, a block of chrome
    and short link titles is dropped whole, social network names and related articles' titles included."""
    start = None
    for i in range(len(lines) - 1, -1, -1):
        stripped = lines[i].strip()
        if not stripped:
            continue
        if kinds[i] is not None:
            start = i
        elif _is_sentence(stripped) or len(stripped) > 100:
            break
    if start is None:
        return
    for i in range(start, len(lines)):
        drop[i] = True
    for i in range(start - 1, -1, -1):  # social names just above a share bar's last label
        if lines[i].strip().lower() in SOCIAL_NAMES:
            drop[i] = True
        elif lines[i].strip():
            break
