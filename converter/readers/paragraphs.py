"""Recover paragraphs from text lines: merged lines split, a press header glued to the text separated.

In Chinese text that was flattened to one line, paragraphs are separated by two ideographic spaces
(U+3000 U+3000, or em/no-break spaces) or, when a line holds sentences separated by single spaces, by
those spaces. A press release's head (photo caption, '新华社北京9月5日电', title, '——在…上的讲话',
'（2024年9月5日　北京）', the speaker) glued to the first paragraph is split into its own paragraphs and
read as metadata. In other languages, hard-wrapped lines (e-mail or terminal width) are joined back into
paragraphs, a short first line is the title, and a short standalone line without end punctuation between a
finished paragraph and body text is marked as a heading (level 2) for the section finder. Text is only split,
joined and trimmed, never reworded.
"""

from __future__ import annotations

import re

from ..dates import CHINESE_DATE, find_declared_date
from ..han import HAN, han_ratio
from ..model import Paragraph, Span

LETTER = re.compile(r"[^\W\d_]")
EDGE_SPACE = " \t\u3000\u00a0\u2002\u2003\u200b\ufeff"
# Two or more wide/no-break spaces (or mixed with ASCII spaces) separate paragraphs in CJK text.
WIDE_BREAK = re.compile(r"[ \u3000\u00a0\u2002\u2003]*[\u3000\u00a0\u2002\u2003][ \u3000\u00a0\u2002\u2003]+")
# A single space between two non-ASCII, non-space characters separates paragraphs in a merged line.
NARROW_BREAK = re.compile(r"(?<=[^\x00-\x7f\s])([ \u3000])(?=[^\x00-\x7f\s])")
# A shorter piece without an end mark between single spaces is a name or a word ('记者 李明 摄'), not a paragraph.
MIN_PIECE = 5
SENTENCE_END_SPACE = re.compile(r"[。！？!?…][ \u3000](?=\S)")
TERMINAL = set("。！？!?…」』”’\"'）)》】.；;〞")
SENTENCE_STOP = re.compile(r"[。！？；!?;]")
TITLE_PUNCTUATION = re.compile(r"[。！？；，,;!?：:]")
NUMBERED_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、．])")
MIN_TRUNCATED_LENGTH = 20
# Single spaces split a merged line only in a text that is mostly Han characters: a higher share than
# han.CHINESE_SHARE (what makes a text Chinese), since a wrong split cuts a paragraph in two.
MOSTLY_HAN = 0.5

CAPTION = re.compile(
    rf"(?:记者|摄影|图)[\s\u3000]*[{HAN}·]{{2,5}}(?:[\s\u3000/、]+[{HAN}·]{{2,5}})*[\s\u3000]*/?\s*摄$"
)
DATELINE = re.compile(r"^([^\s\u3000，。：]{2,16}?\d{1,2}月\d{1,2}日电)[\s\u3000]*")
DATE_PAREN = re.compile(r"[（(]\s*(" + CHINESE_DATE + r")(?:[\s\u3000]*([^）)\d]{1,20}))?\s*[）)]")
SPEAKER = re.compile(
    rf"^((?:[^\s\u3000，。：！？、]{{2,20}}[\s\u3000]+)?[{HAN}·]{{2,4}}?)"
    r"(?=尊敬的|各位|同志们|女士们|亲爱的|朋友们|大家好|老师们|同学们)"
)
SALUTATION_FREE = re.compile(r"^[^\s，。：！？；]{1,25}(?:[\s\u3000][^\s，。：！？；]{1,10})?$")


def recover(lines: list[str], *, titles: list[str] | None = None) -> tuple[list[Paragraph], dict]:
    """Paragraphs from cleaned lines, plus the metadata a press header gave (title, date, speaker, …)."""
    cjk = _is_mostly_han("\n".join(lines))
    if not cjk:
        lines = join_wrapped(lines)
    segments = [segment for line in lines for segment in split_line(line)]
    head, metadata = split_press_header(segments[:3])
    texts = head + [(segment, None) for segment in segments[3:]]
    if (
        "title" not in metadata
        and texts
        and _looks_like_title(texts, titles or [], _blank_after_first(lines))
    ):
        metadata["title"] = texts[0][0]
        texts[0] = (texts[0][0], 0)
    texts = [(text, level) for text, level in texts if text]
    if not cjk:
        texts = mark_plain_headings(texts)
    blocks = [Paragraph(spans=(Span(text),), heading_level=level) for text, level in texts]
    return blocks, metadata


def split_line(line: str) -> list[str]:
    """One line's paragraphs: split on wide double spaces, or on single spaces in a merged CJK line."""
    line = line.strip(EDGE_SPACE)
    if not line:
        return []
    if not _is_mostly_han(line):
        return [line]
    if WIDE_BREAK.search(line):
        parts = WIDE_BREAK.split(line)
    elif SENTENCE_END_SPACE.search(line):
        parts = _split_narrow(line)
    else:
        parts = [line]
    return [part.strip(EDGE_SPACE) for part in parts if part.strip(EDGE_SPACE)]


def _split_narrow(line: str) -> list[str]:
    """Split a merged line at single spaces between CJK characters, keeping short pieces joined."""
    pieces = NARROW_BREAK.split(line)  # text, separator, text, separator, …
    parts = [pieces[0]]
    for separator, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if _is_fragment(piece) or _is_fragment(parts[-1]):
            parts[-1] += separator + piece
        else:
            parts.append(piece)
    return parts


def _is_fragment(piece: str) -> bool:
    return len(piece) < MIN_PIECE and piece[-1] not in TERMINAL and not NUMBERED_HEADING.match(piece)


def _is_mostly_han(text: str) -> bool:
    """Mostly Han characters (judged on the first 5,000 characters)."""
    return han_ratio(text[:5000]) >= MOSTLY_HAN


def _blank_after_first(lines: list[str]) -> bool:
    """True when the first non-blank line is followed by a blank line (a title set apart from the text)."""
    filled = [i for i, line in enumerate(lines) if line.strip(EDGE_SPACE)]
    return bool(filled) and filled[0] + 1 < len(lines) and not lines[filled[0] + 1].strip(EDGE_SPACE)


def _looks_like_title(texts: list[tuple[str, int | None]], titles: list[str], set_apart: bool) -> bool:
    """A short first paragraph without sentence punctuation or numbering, known as a title, set apart by a
    blank line, or followed by a longer paragraph within the next three (a date line, a subtitle or a
    speaker line often stands between the title and the speech)."""
    first = texts[0][0]
    if first in titles:
        return True
    if not _is_mostly_han(first):
        return _looks_like_latin_title(texts, set_apart)
    return (
        len(texts) > 1
        and len(first) <= 40
        and not TITLE_PUNCTUATION.search(first)
        and not NUMBERED_HEADING.match(first)
        and (set_apart or any(len(text) > len(first) for text, _ in texts[1:4]))
    )


# --------------------------------------------------------------------------- hard-wrapped text

MAX_WRAP_WIDTH = 100  # text hard-wrapped for e-mail or a terminal is at most this wide
MIN_WRAPPED_LINES = 3


def join_wrapped(lines: list[str]) -> list[str]:
    """Join the lines of hard-wrapped (non-Chinese) text into one line per paragraph; other text unchanged.

    Text is hard-wrapped when its lines are at most MAX_WRAP_WIDTH wide and several long lines end without
    end punctuation. A line continues on the next when the next word would not have fitted on it, or when it
    is long and ends without end punctuation; a short line (a heading, a salutation) stands alone."""
    width = _wrap_width(lines)
    if width is None:
        return lines
    out: list[str] = []
    previous = ""  # the last physical line: what the wrap decision looks at
    for line in lines:
        stripped = line.strip(EDGE_SPACE)
        if previous and stripped and _continues(previous, stripped, width):
            hyphen = previous.endswith("-") and previous[-2:-1].isalpha()
            out[-1] = out[-1] + ("" if hyphen else " ") + stripped
        else:
            out.append(stripped)
        previous = stripped
    return out


def _wrap_width(lines: list[str]) -> int | None:
    filled = [line.strip(EDGE_SPACE) for line in lines if line.strip(EDGE_SPACE)]
    if not filled or max(len(line) for line in filled) > MAX_WRAP_WIDTH:
        return None
    width = max(len(line) for line in filled)
    open_ended = sum(1 for line in filled if len(line) >= 0.8 * width and line[-1] not in TERMINAL)
    return width if open_ended >= max(MIN_WRAPPED_LINES, 0.2 * len(filled)) else None


def _continues(line: str, following: str, width: int) -> bool:
    if len(line) + 1 + len(following.split()[0]) > width:
        return True  # the next word did not fit: the wrap was forced
    if line.endswith("-") and line[-2:-1].isalpha():
        return True  # a word hyphenated at the wrap
    if line[-1] in TERMINAL:
        return False
    return len(line) >= 0.6 * width or following[0].islower()


# --------------------------------------------------------------------------- plain-text headings

HEADING_MAX_LENGTH = 80
HEADING_MAX_WORDS = 12
HEADING_END = tuple(TERMINAL) + tuple(",:;，：、-–—")
# Short lines without end punctuation that open a speech rather than a section.
SALUTATION = re.compile(
    r"^(?:ladies|gentlemen|good\s+(?:morning|afternoon|evening)|dear|distinguished|excellenc|honou?red|friends|"
    r"colleagues|mr\.?|mrs\.?|ms\.?|madam|your\s+(?:excellency|honou?r|majesty)|thank\s+you)",
    re.IGNORECASE,
)
HEADING_MAX_SHARE = 1 / 3  # more candidates than this is a list or a poem, not headings


def mark_plain_headings(texts: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """Mark the headings of plain (non-Chinese) text with heading level 2: a short line without end
    punctuation, starting with a capital or a digit, that stands between a finished paragraph and a
    paragraph of body text. Marks nothing when candidates are too many to be headings."""
    found = [i for i in range(1, len(texts) - 1) if _is_plain_heading(texts, i)]
    if len(found) > HEADING_MAX_SHARE * len(texts):
        return texts
    return [(text, 2) if i in found else (text, level) for i, (text, level) in enumerate(texts)]


def _is_plain_heading(texts: list[tuple[str, int | None]], i: int) -> bool:
    text, level = texts[i]
    before, after = texts[i - 1], texts[i + 1]
    return (
        level is None
        and len(text) <= HEADING_MAX_LENGTH
        and len(text.split()) <= HEADING_MAX_WORDS
        and not text.endswith(HEADING_END)
        and (text[0].isupper() or text[0].isdigit())
        and bool(LETTER.search(text))
        and not SALUTATION.match(text)
        and find_declared_date(text) is None
        and before[1] is None
        and before[0].endswith(tuple(TERMINAL))
        and after[1] is None
        and after[0].endswith(tuple(TERMINAL))
        and len(after[0]) >= max(2 * len(text), 60)
    )


LATIN_TITLE_MAX_LENGTH = 120


def _looks_like_latin_title(texts: list[tuple[str, int | None]], set_apart: bool) -> bool:
    """A non-Chinese first line is the title when it is short, starts with a capital, has no end punctuation
    and stands apart or before a sentence or a salutation ('Ladies and gentlemen,')."""
    first = texts[0][0]
    return (
        len(texts) > 1
        and len(first) <= LATIN_TITLE_MAX_LENGTH
        and (first[0].isupper() or first[0].isdigit())
        and not first.endswith(HEADING_END)
        and (set_apart or texts[1][0].endswith(HEADING_END))
    )


# --------------------------------------------------------------------------- press header


def split_press_header(segments: list[str]) -> tuple[list[tuple[str, int | None]], dict]:
    """Split the first segments of a press release into caption, dateline, title, subtitle, date and speaker
    paragraphs (title with heading level 0). Segments without such a head come back unchanged."""
    out: list[tuple[str, int | None]] = []
    metadata: dict = {}
    for segment in segments:
        if metadata or CAPTION.search(segment):
            out.append((segment, None))
            continue
        head, found = _split_head(segment)
        metadata.update(found)
        out.extend(head)
    return out, metadata


def _split_head(segment: str) -> tuple[list[tuple[str, int | None]], dict]:
    parts: list[tuple[str, int | None]] = []
    rest = segment
    dateline = DATELINE.match(rest)
    date = DATE_PAREN.search(rest[:200])
    if not date or SENTENCE_STOP.search(rest[: date.start()]):
        return [(segment, None)], {}
    if dateline and dateline.end() <= date.start():
        parts.append((dateline.group(1), None))
        rest = rest[dateline.end() :]
        date = DATE_PAREN.search(rest)
    head = rest[: date.start()].strip(EDGE_SPACE)
    if not head:
        return [(segment, None)], {}
    metadata: dict = {}
    dash = head.find("——")
    if dash > 0:
        parts += [(head[:dash], 0), (head[dash:], None)]
        metadata["title"], metadata["subtitle"] = head[:dash], head[dash:].lstrip("—")
    else:
        parts.append((head, 0))
        metadata["title"] = head
    parts.append((date.group(0), None))
    metadata["date"] = find_declared_date(date.group(1))
    if date.group(2) and date.group(2).strip(EDGE_SPACE):
        metadata["location"] = date.group(2).strip(EDGE_SPACE)
    parts += _split_speaker(rest[date.end() :].strip(EDGE_SPACE), metadata)
    return parts, {k: v for k, v in metadata.items() if v}


def _split_speaker(tail: str, metadata: dict) -> list[tuple[str, int | None]]:
    if not tail:
        return []
    if SALUTATION_FREE.match(tail):
        metadata["speaker"] = re.split(r"[\s\u3000]+", tail)[-1]
        return [(tail, None)]
    match = SPEAKER.match(tail)
    if not match:
        return [(tail, None)]
    metadata["speaker"] = re.split(r"[\s\u3000]+", match.group(1))[-1]
    return [(match.group(1), None), (tail[match.end() :], None)]


# --------------------------------------------------------------------------- truncation


def ends_mid_sentence(blocks: list[Paragraph]) -> bool:
    """True when the last paragraph is a sentence (not a short signature or date line) cut off before its end."""
    if not blocks:
        return False
    last = blocks[-1].text.rstrip(EDGE_SPACE + "\n")
    return len(last) >= MIN_TRUNCATED_LENGTH and last[-1] not in TERMINAL
