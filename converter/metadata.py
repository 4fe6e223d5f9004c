"""Work out a speech's title and metadata from everything that knows something about it.

Evidence, strongest first: the user's overrides (sidecar NAME.yml, catalog.csv), what the file
itself declares (Word properties, HTML meta tags, a scraped page's metadata lines), the text (a
title line, a ——在…上的讲话 subtitle, a date line, a speaker line), and the file name
(2023-04-19, 20230419, 2023年4月19日). A Word file's creation date is not used as the speech's
date: it records when somebody saved the file, not when the speech was given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .dates import (
    CHINESE_DATE,
    date_from_file_name,
    find_date,
    impossible_date,
    is_date_only,
    normalize_date,
)
from .han import HAN, is_chinese_text
from .model import METADATA_FIELDS, Block, Document, Message, Metadata, Paragraph, warning
from .sections import UNNUMBERED_PARTS

TITLE_FONTS = ("小标宋", "标宋", "小标")
SPEECH_WORDS = "讲话|致辞|发言|报告|主旨讲话|主旨演讲|演讲|致词|贺词|讲演"
SUBTITLE_RE = re.compile(rf"^[—－\-]{{1,2}}\s*在(.+?)(?:上|中)?的(?:{SPEECH_WORDS})")
EVENT_IN_TITLE_RE = re.compile(
    rf"^(?:.*?在)?(.+?(?:会议|大会|会|典礼|论坛|仪式|峰会|座谈会|年会|开幕式|闭幕式))(?:上的?)?(?:{SPEECH_WORDS})"
)
PAREN_DATE_LINE = re.compile(r"^[（(]\s*(" + CHINESE_DATE + r")[\s\u3000,，]*([^）)]*)[）)]$")
# A speaker line: "县长 林晓峰", "中华人民共和国主席　习近平", or a bare 2-3 character name.
SPEAKER_LINE = re.compile(rf"^(?:([{HAN}（）()·]{{2,20}})[\s\u3000]+([{HAN}]{{2,4}})|([{HAN}]{{2,3}}))$")
NOT_NAMES = {
    "同志们",
    "朋友们",
    "各位",
    "大家好",
    "女士们",
    "先生们",
    *UNNUMBERED_PARTS,
}  # short lines that are no name


@dataclass(frozen=True)
class TitleAndBody:
    title: str | None
    blocks: tuple[Block, ...]


def split_title(doc: Document) -> TitleAndBody:
    """Take the title off the top of the body. The source's own title mark wins; otherwise a short
    first line that looks like a title (centred, bold, in a title font, or the declared title)."""
    blocks = list(doc.blocks)
    declared = (doc.metadata.get("title") or "").strip()
    for i, block in enumerate(blocks[:5]):
        if isinstance(block, Paragraph) and block.heading_level == 0 and block.text.strip():
            return TitleAndBody(
                _join_title(blocks, i), tuple(blocks[:i] + blocks[i + _title_lines(blocks, i) :])
            )
    first = next((i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text.strip()), None)
    if first is None or first > 3:
        return TitleAndBody(declared or None, tuple(blocks))
    para = blocks[first]
    text = para.text.strip()
    if _looks_like_title(para, declared) or _is_lone_top_heading(blocks, first):
        return TitleAndBody(text, tuple(blocks[:first] + blocks[first + 1 :]))
    return TitleAndBody(declared or None, tuple(blocks))


def _is_lone_top_heading(blocks: list[Block], first: int) -> bool:
    """A document that opens with its only top-level heading uses it as its title (pandoc's view too)."""
    para = blocks[first]
    if not isinstance(para, Paragraph) or para.heading_level != 1 or len(para.text.strip()) > 120:
        return False
    return not any(isinstance(b, Paragraph) and b.heading_level == 1 for b in blocks[first + 1 :])


def _title_lines(blocks: list[Block], i: int) -> int:
    """A title may run over two lines, both marked as title."""
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    return 2 if isinstance(nxt, Paragraph) and nxt.heading_level == 0 else 1


def _join_title(blocks: list[Block], i: int) -> str:
    return "".join(b.text.strip() for b in blocks[i : i + _title_lines(blocks, i)])


def _looks_like_title(para: Paragraph, declared: str) -> bool:
    text = para.text.strip()
    if not text or len(text) > 60 or text[-1] in "。.；;，,：:":
        return False
    if declared:
        # The file names its title: the first line is the title only if it says the same, or if it is
        # set as a title (a title font, or centred bold and not a short name line). Word's title
        # property is often left over from a template, so a title set on the page wins over it.
        return _same(text, declared) or _set_as_title(para)
    if any(f in (para.font or "") for f in TITLE_FONTS) or para.centered:
        return True
    return para.all_bold and len(text) <= 40 and para.heading_level is None


def _set_as_title(para: Paragraph) -> bool:
    text = para.text.strip()
    if _is_date_or_caption(text):
        return False
    return any(f in (para.font or "") for f in TITLE_FONTS) or (
        para.centered and para.all_bold and len(text) >= 8
    )


def _is_date_or_caption(text: str) -> bool:
    """A centred bold date line ('2012年6月24日') or photo caption ('图为…（刘通摄）') set above a web
    article is not its title."""
    compact = re.sub(r"\s+", "", text)
    return is_date_only(compact) or compact.startswith("图为") or compact.endswith(("摄）", "摄)"))


def _same(a: str, b: str) -> bool:
    squash = lambda s: re.sub(r"\W", "", s)  # noqa: E731 - a one-line normaliser
    return squash(a) == squash(b) or squash(a) in squash(b) or squash(b) in squash(a)


def language_of(text: str) -> str:
    """The language of a text: zh when it is Chinese (judged on its first 20,000 characters), else en."""
    return "zh" if is_chinese_text(text[:20000]) else "en"


def read_front_lines(blocks: tuple[Block, ...]) -> dict:
    """Metadata in the lines under the title: a ——在…上的讲话 subtitle, a （date place） line, a speaker."""
    found: dict = {}
    paragraphs = [b.text.strip() for b in blocks[:8] if isinstance(b, Paragraph) and b.text.strip()]
    for text in paragraphs[:6]:
        if len(text) > 80:
            _read_delivery_line(text, found)
            break
        m = SUBTITLE_RE.match(text)
        if m:
            found.setdefault("event", m.group(1).strip())
            continue
        m = PAREN_DATE_LINE.match(text)
        if m:
            found.setdefault("date", find_date(m.group(1)))
            if m.group(2).strip():
                found.setdefault("location", m.group(2).strip())
            continue
        m = SPEAKER_LINE.match(text.replace("\u3000", " "))
        name = m and (m.group(2) or m.group(3))
        if name and name not in NOT_NAMES and "speaker" not in found:
            found["speaker"] = name
            continue
        _read_delivery_line(text, found)
    return found


DELIVERY_LINE = re.compile(r"(?i)\b(?:delivered|given|spoke|speech|address|remarks|keynote)\b")
# A dateline: a front line that ends with the date ("… Lanchuan International Conference Centre,
# 10 October 2023."), as speaker-and-place lines under an English title do.
# Only dates with a month's name: a numeric date at a line's end may be a label's value ("date:
# 1999-01-01" pasted from a file's front matter), and Chinese date lines have their own rule.
DATELINE_END = re.compile(
    r"(?i)(?:\d{1,2}(?:st|nd|rd|th)?\s+[a-zéû]+\.?,?\s+\d{4}|[a-zéû]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
    r"[\s.)]*$"
)


def _read_delivery_line(text: str, found: dict) -> None:
    """An English opening note such as "The text of the address given by … on 6 November 2024.", or a
    speaker-and-place line that ends with the date."""
    if len(text) > 240 or "date" in found:
        return
    end = DATELINE_END.search(text)
    date = find_date(end.group()) if end else find_date(text) if DELIVERY_LINE.search(text) else None
    if date:
        found["date"] = date


def event_from_title(title: str) -> str | None:
    """The event a title names: 在中非合作论坛北京峰会开幕式上的主旨讲话 → 中非合作论坛北京峰会开幕式."""
    m = EVENT_IN_TITLE_RE.match(title)
    return m.group(1).strip('“”"《》 ') if m else None


def summary_of(blocks: tuple[Block, ...], limit: int = 120) -> str | None:
    """The opening of the speech itself: front lines (subtitle, date line, speaker) are skipped."""
    texts = (b.text.strip() for b in blocks if isinstance(b, Paragraph))
    text = " ".join(t for t in texts if not _is_front_text(t))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return None
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _is_front_text(text: str) -> bool:
    """A subtitle, date line, speaker line or short heading: not the opening of the speech."""
    if len(text) <= 20 and text[-1:] not in "。！？.!?…":
        return True
    if SUBTITLE_RE.match(text) or PAREN_DATE_LINE.match(text):
        return True
    return len(text) <= 25 and bool(SPEAKER_LINE.match(text.replace("\u3000", " ")))


def tags_from(value) -> tuple[str, ...]:
    """Keywords as a tuple of tags: from a list, or a string separated by , ; 、 or spaces."""
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,;，；、\s]+", str(value or ""))
    tags = []
    for item in items:
        item = str(item).strip()
        if item and not item.isdigit() and item not in tags:
            tags.append(item)
    return tuple(tags)


def check_declared_date(doc: Document) -> tuple[Document, list[Message]]:
    """The date a file declares (a meta tag, a 时间: line, a Word property), checked against the calendar
    by the same rules as a date in the catalog. An impossible or unreadable one is dropped with a
    `bad-date` warning: the speech is published undated (or dated from its text or file name), and the
    site build never meets it."""
    date = doc.metadata.get("date")
    if date in (None, ""):
        return doc, []
    try:
        checked = normalize_date(date)
    except ValueError as exc:
        metadata = {k: v for k, v in doc.metadata.items() if k != "date"}
        message = warning("bad-date", f"The date the file gives was left out: {exc}.")
        return replace(doc, metadata=metadata), [message]
    return replace(doc, metadata={**doc.metadata, "date": checked}), []


def check_file_name_date(source: Path, date: str | None) -> list[Message]:
    """A `bad-date` warning when the speech's date came from its file name and the name holds a date the
    calendar lacks (2023-02-30): it is dated by what could be read (its year), and the name needs fixing."""
    wrong = impossible_date(source.stem)
    if not wrong or date != date_from_file_name(source):
        return []
    dated = f"it is dated {date}" if date else "it is published undated"
    return [
        warning(
            "bad-date",
            f"The file name's date {wrong} is not a real date, so {dated}; correct the name (or give the "
            "date in a sidecar or catalog.csv) and convert again.",
        )
    ]


def build_metadata(
    doc: Document, title: str | None, body: tuple[Block, ...], source: Path, overrides: dict
) -> Metadata:
    """Merge every source of metadata; overrides win, then the file, then the text, then the file name."""
    declared = {k: v for k, v in doc.metadata.items() if k in METADATA_FIELDS and v not in (None, "", [])}
    text_meta = read_front_lines(body)
    body_text = "\n".join(b.text for b in body if isinstance(b, Paragraph))
    values: dict = {}
    values["title"] = title or declared.get("title") or source.stem
    # The date under the title is when the speech was given; a page's or file's date is often when
    # it was published or uploaded, so it comes second.
    values["date"] = text_meta.get("date") or declared.get("date") or date_from_file_name(source)
    values["event"] = declared.get("event") or text_meta.get("event") or event_from_title(values["title"])
    values["speaker"] = declared.get("speaker") or text_meta.get("speaker")
    values["location"] = declared.get("location") or text_meta.get("location")
    values["language"] = declared.get("language") or language_of(values["title"] + body_text)
    values["tags"] = tags_from(declared.get("tags") or doc.metadata.get("keywords") or ())
    values["summary"] = declared.get("summary") or doc.metadata.get("description") or summary_of(body)
    values["source_name"] = declared.get("source_name")
    values["source_url"] = declared.get("source_url")
    for key, value in overrides.items():
        if key in METADATA_FIELDS:
            values[key] = tuple(value) if key == "tags" else value
    return Metadata(**{key: _without_controls(value) for key, value in values.items()})


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _without_controls(value):
    """Metadata from a file may carry control characters (&#1; in a meta tag); they mean nothing to a
    reader and break XML feeds, so they are dropped (tabs and newlines are kept)."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, tuple):
        return tuple(t for t in (_without_controls(v) for v in value) if t)
    return value
