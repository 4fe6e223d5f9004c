"""Clean text saved from document-sharing sites: their chrome, metadata lines, page footers, licence notices.

Such a page is recognised by the site phrases it carries (下载文档, 温馨提示, 网站客服, 猜你喜欢, …). The rules
are generic: numbered notices under a 温馨提示-style header, lines made only of button labels, metadata lines
(`大小:22.64KB`, `时间:2023-04-19`), the file-name line and the keyword line above the text, and a
related-documents list below it. Lines are only ever removed or cut, never reworded.

Message codes: site-chrome-removed, page-footer-removed, license-notice-removed (see `text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
    r"开通(?:VIP|会员)|下载(?:APP|客户端)|扫码(?:下载|关注)"
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
DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
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
        date = parse_date(value)
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


def _drop_related_list(lines: list[str], drop: list[bool], end: int) -> None:
    """Below the text, a related-documents header starts a list of other documents' titles: drop it all."""
    for i in range(end + 1, len(lines)):
        if RELATED_HEADER.match(lines[i].strip()) and all(len(s.strip()) <= 80 for s in lines[i:]):
            for j in range(i, len(lines)):
                drop[j] = True
            return


def parse_date(text: str) -> str | None:
    """'2023-04-19 09:30', '2023年4月19日', '2023/4/19' -> '2023-04-19'; None when there is no valid date."""
    match = DATE.search(text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1000 <= year <= 2999):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


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
