"""Find a speech's sections in a flat run of blocks and build the `Section` tree.

Where headings come from, in order of trust:
  1. headings the source marks itself (Word heading styles, HTML <h2>…), when they really are
     headings: a heading style on a paragraph of several sentences is body text;
  2. otherwise, in Chinese text, the official-document numbering hierarchy
     第一部分/第一章 > 一、 > （一） > 1. / 1、 > （1）, the shallowest level present becoming level 1;
     unnumbered part titles (结束语, or short lines set in 黑体/楷体) join it, and the unnumbered part
     titles of a long report (过去一年工作回顾 / 今年政府工作任务) stand one level above the 一、 series
     that restarts under each of them (`find_part_titles`);
  3. in other languages, short standalone bold lines.
Enumerated points (首先/其次/第三/最后, 一是/二是, 一要/二要, 第一，/第二，) become the level below
the section they sit in, but only when they form a sequence starting at one.

A heading that starts a paragraph ("（一）大力推进…建设。充分发挥…") is split: its lead sentence
becomes the heading and the rest stays body text. A marker alone on its line (一要 ⏎ 加强组织领导，…)
is first joined to the line after it, so that both forms give the same page.

What a reader can pass as evidence, on each `Paragraph`: `heading_level` (a heading the source marks),
`font` (the East Asian font name: 黑体, 楷体_GB2312, 小标宋…), `centered`, and bold spans. Part titles
are told from emphasised lines by these: a line without a restart after it must look like the part
titles that have one. Sections in text that runs together are inferred before this (`unbroken`).

Message codes:
  - heading-style-on-body-text: a paragraph styled as a heading reads as body text and was kept as text.
  - heading-styles-ignored: the typed numbering gave a fuller outline than the Word heading styles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .dates import is_chinese_date_line
from .han import HAN, HAN_CHAR, is_chinese_speech
from .model import Block, Message, Paragraph, Section, Span, merge_spans, plain_text, warning

CN_DIGITS = "零〇一二三四五六七八九十百两"
_NUM = f"[{CN_DIGITS}]{{1,4}}"
LAST = 1000  # the ordinal of 最后: it closes any sequence
UNNUMBERED_RANK = 99  # deeper than any family, so any numbered heading closes a 结束语 section
MAX_GAP = 3  # numbers a sequence may skip (一、 then 四、) and still be one sequence

# Numbering families, shallowest first. Each pattern matches the marker at the start of a paragraph.
FAMILIES: dict[str, re.Pattern] = {
    "part": re.compile(rf"第({_NUM})(?:部分|章|篇|编)[\s、：:．.]*"),
    "cn": re.compile(rf"({_NUM})(?:、|[．.](?!\d))\s*"),
    "paren_cn": re.compile(rf"[（(]({_NUM})[）)]\s*"),
    "arabic": re.compile(r"(\d{1,2})(?:[、．]|\.(?!\d))\s*"),
    "paren_arabic": re.compile(r"[（(](\d{1,2})[）)]\s*"),
}
# Enumerated points: (sequence kind, pattern). 首先/其次/第N are one kind, N是/N要 another.
POINTS: tuple[tuple[str, re.Pattern], ...] = (
    ("ordinal", re.compile(r"(首先|其次|再次|最后)(?=[，,、：:])")),
    ("ordinal", re.compile(rf"第({_NUM})(?=[，,、：:])")),
    ("shi", re.compile(rf"({_NUM})(?:是|要)(?![的])")),
)
GLUED_MARKERS = (POINTS[0][1], POINTS[1][1], FAMILIES["paren_cn"])
WORD_ORDINALS = {"首先": 1, "其次": 2, "再次": 3, "最后": LAST}
UNNUMBERED_PARTS = {
    "结束语",
    "结语",
    "前言",
    "引言",
    "总结",
    "小结",
    "后记",
    "序言",
    "导言",
    "开场白",
    "目录",
}
HEADING_FONTS = {
    "黑体": "cn",
    "方正黑体": "cn",
    "方正黑体简体": "cn",
    "楷体": "paren_cn",
    "楷体_GB2312": "paren_cn",
    "方正楷体简体": "paren_cn",
    "华文楷体": "paren_cn",
}
SENTENCE_END = "。！？!?；;"
LIST_LIKE = ("arabic", "paren_arabic")  # families that number list items as often as headings
MAX_LEAD = 100  # a "lead sentence" longer than this is body text, not a heading
MAX_STANDALONE = 60  # a standalone heading line is at most this long
PART_TITLE = "part_title"  # the family of unnumbered part titles found by find_part_titles
MAX_PART_TITLE = 30  # a part title line is at most this long
MAX_LEAD_IN = 4  # paragraphs that may stand between a part title and the 一、 that restarts under it


def chinese_numeral(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105; digits pass through."""
    if text.isdigit():
        return int(text)
    values = {c: i for i, c in enumerate("零一二三四五六七八九")}
    values.update({"〇": 0, "两": 2})
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = values.get(ch, 0)
    return total + current


# --------------------------------------------------------------------------- splitting spans


def split_spans(spans: tuple[Span, ...], offset: int) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Split spans at a character offset of their plain text (breaks count as one character)."""
    left: list[Span] = []
    right: list[Span] = []
    pos = 0
    for span in spans:
        length = len(span.text) if span.kind == "text" else 1 if span.kind == "break" else 0
        if pos + length <= offset and not (length == 0 and pos >= offset):
            left.append(span)
        elif pos >= offset:
            right.append(span)
        else:
            cut = offset - pos
            left.append(replace(span, text=span.text[:cut]))
            right.append(replace(span, text=span.text[cut:]))
        pos += length
    return tuple(left), _strip_leading(tuple(right))


def _strip_leading(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """Drop leading whitespace and breaks, so a split-off body does not start with a space."""
    spans = list(spans)
    while spans and spans[0].kind in ("text", "break") and not spans[0].text.strip():
        spans.pop(0)
    if spans and spans[0].kind == "text":
        spans[0] = replace(spans[0], text=spans[0].text.lstrip(" \t\u3000"))
    return tuple(spans)


# --------------------------------------------------------------------------- candidates


@dataclass
class Candidate:
    """A paragraph that may start a section: its marker and where its heading text ends."""

    index: int
    family: str  # a FAMILIES key, "point:<kind>", "font:<family>" or "unnumbered"
    number: int
    lead_end: int  # characters of the paragraph's text that form the heading
    level: int = 0


def lead_length(text: str, marker_end: int) -> int | None:
    """How many characters of a numbered paragraph form its heading, or None if it is not one.

    A short line is a heading whole; otherwise the heading is the lead sentence (up to the first 。！？).
    """
    body = text.rstrip()
    if len(body) <= MAX_STANDALONE and not any(c in body[marker_end:-1] for c in "。！？!?"):
        if body[-1:] in "；;":
            return None  # a numbered list item, not a heading
        return len(body)
    ends = [i for i in (body.find(c, marker_end) for c in "。！？!?") if i != -1]
    if not ends or min(ends) + 1 > MAX_LEAD:
        return None
    lead = min(ends) + 1
    semicolon = body.find("；", marker_end)
    if 0 <= semicolon < lead:
        return None  # "1.加强…；2.…" reads as a list, not a heading
    return lead


def glued_marker(text: str, start: int) -> int | None:
    """The offset of an enumeration marker glued into a heading line ("…坚决信心首先，实现…").

    Only distinctive markers count (首先，/其次，/第N，/（N）): 一是 or 一要 occur inside ordinary
    words (统一要求) too often to split on."""
    for pattern in GLUED_MARKERS:
        m = pattern.search(text, start + 2)
        if m and m.start() <= MAX_STANDALONE:
            return m.start()
    return None


def join_marker_lines(blocks: list[Block]) -> list[Block]:
    """A marker alone on its line, its text on the next line (一要 ⏎ 加强组织领导，…; 第一， ⏎ …;
    （一） ⏎ …), is one paragraph, as if they stood on one line; so is a marker ended by a line break."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if _continues_lone_marker(prev, block):
            out[-1] = replace(
                prev, spans=merge_spans(_strip_trailing(prev.spans) + _strip_leading(block.spans))
            )
        else:
            out.append(_join_marker_break(block))
    return out


def _continues_lone_marker(prev: Block | None, block: Block) -> bool:
    return (
        isinstance(prev, Paragraph)
        and isinstance(block, Paragraph)
        and prev.heading_level == block.heading_level
        and _is_lone_marker(prev.text)
        and bool(block.text.strip())
        and find_marker(block.text.lstrip(" \t\u3000")) is None
    )


def _is_lone_marker(text: str) -> bool:
    """一要, 第一，, 首先，, 一、, （一）: a numbering marker with nothing after it but punctuation.
    第一部分/第一章 alone are headings of their own (the title often follows on the next line)."""
    text = text.strip(" \t\u3000")
    found = find_marker(text)
    return bool(found) and found[0] != "part" and not text[found[2] :].strip(" \t\u3000，,、：:．.")


def _join_marker_break(block: Block) -> Block:
    """A paragraph whose first line is only a marker ("一要<br>加强组织领导，…") loses that line break."""
    if not isinstance(block, Paragraph):
        return block
    breaks = [i for i, span in enumerate(block.spans) if span.kind == "break"]
    if not breaks or not _is_lone_marker(plain_text(block.spans[: breaks[0]])):
        return block
    first = breaks[0]
    return replace(block, spans=merge_spans(block.spans[:first] + block.spans[first + 1 :]))


def split_glued_headings(blocks: list[Block]) -> list[Block]:
    """Split paragraphs that hold two headings' worth of text, so each part is seen for itself:
    a numbered heading glued onto what follows ("一、总体要求（一）指导思想。…", "一、…坚决信心首先，…"),
    and two enumerated points merged into one paragraph when the points after them stand alone."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        while isinstance(block, Paragraph) and not block.heading_level:
            cut = _glued_cut(block.text) or _merged_point_cut(block.text, blocks[i + 1 : i + 6])
            if cut is None:
                break
            head, rest = split_spans(block.spans, cut)
            out.append(replace(block, spans=head))
            block = replace(block, spans=rest)
        out.append(block)
    return out


def _glued_cut(text: str) -> int | None:
    body = text.lstrip(" \t\u3000")
    offset = len(text) - len(body)
    for pattern in FAMILIES.values():
        m = pattern.match(body)
        if m:
            glued = glued_marker(body, m.end())
            ends = [i for i in (body.find(c, m.end()) for c in "。！？!?；;，,") if i != -1]
            if glued is not None and (not ends or glued < min(ends)):
                return offset + glued
            return None
    return None


def _merged_point_cut(text: str, following: list[Block]) -> int | None:
    """Where point k+1 starts inside a paragraph that begins with point k ("一是…。…。二是…"), when a
    later paragraph starts with point k+2: then the points are paragraphs and these two were merged.
    An enumeration that runs inside a paragraph ("首先，…。其次，…。") stays as it is."""
    body = text.lstrip(" \t\u3000")
    found = find_marker(body)
    if not found or not found[0].startswith("point") or found[1] >= LAST:
        return None
    family, number, _ = found
    later = [find_marker(b.text.lstrip(" \t\u3000")) for b in following if isinstance(b, Paragraph)]
    if not any(m and m[0] == family and m[1] in (number + 2, LAST) for m in later):
        return None
    for m in re.finditer(r"(?<=[。！？])[\s\u3000]*", body):
        nxt = find_marker(body[m.end() :])
        if nxt and nxt[0] == family and nxt[1] == number + 1:
            return len(text) - len(body) + m.end()
    return None


def find_marker(text: str) -> tuple[str, int, int] | None:
    """(family, number, marker length) of a numbered paragraph, or None."""
    for family, pattern in FAMILIES.items():
        m = pattern.match(text)
        if m:
            return family, chinese_numeral(m.group(1)), m.end()
    for kind, pattern in POINTS:
        m = pattern.match(text)
        if m:
            word = m.group(1)
            number = WORD_ORDINALS.get(word) or chinese_numeral(word)
            return f"point:{kind}", number, m.end()
    return None


def numbered_candidate(index: int, para: Paragraph) -> Candidate | None:
    text = para.text.lstrip(" \t\u3000")
    offset = len(para.text) - len(text)
    found = find_marker(text)
    if found:
        family, number, marker_end = found
        lead = lead_length(text, marker_end)
        if lead is None or (family.startswith("point") and lead > MAX_STANDALONE + 20):
            return None
        if family in LIST_LIKE and lead >= len(text.rstrip()) and text.rstrip()[-1] in SENTENCE_END:
            return None  # "1、及时清理垃圾。" is a numbered list item: a heading has no full stop or runs on
        return Candidate(index, family, number, offset + lead)
    return _unnumbered_candidate(index, para, text, offset)


def _unnumbered_candidate(index: int, para: Paragraph, text: str, offset: int) -> Candidate | None:
    stripped = text.strip().rstrip("：:")
    if stripped in UNNUMBERED_PARTS:
        return Candidate(index, "unnumbered", 0, len(para.text.rstrip()))
    font_family = HEADING_FONTS.get((para.font or "").strip())
    short = 0 < len(stripped) <= 30 and not any(c in stripped for c in "。！？；，,")
    if font_family and short:
        return Candidate(index, f"font:{font_family}", 0, len(para.text.rstrip()))
    return None


def _is_front_line(text: str, next_is_body: bool) -> bool:
    """Lines under a title that are set in 楷体 but are not headings: （2023年4月19日）, ——在…上的讲话,
    a speaker ("县长 林晓峰"; a bare 2-3 character name only when no body text follows straight
    after, since 背景 or 目标 followed by text is a section title), a salutation (同志们：)."""
    return bool(
        re.fullmatch(r"[（(].*[）)]", text)
        or text.startswith(("—", "－", "-"))
        or re.fullmatch(rf"\S{{1,12}}[\s\u3000]+[{HAN}]{{2,4}}", text)
        or (re.fullmatch(rf"[{HAN}]{{2,3}}", text) and not next_is_body)
        or text.endswith(("：", ":"))
    )


# --------------------------------------------------------------------------- sequences


def keep_sequences(cands: list[Candidate]) -> list[Candidate]:
    """Keep numbered candidates that continue a sequence (1, 2, 3…, restarting under a new parent).

    Families are checked from the shallowest down, so that a deeper family's count restarts under
    each heading of a shallower one. Points must form a run of at least two.
    """
    order = [*FAMILIES, "point:ordinal", "point:shi"]
    kept: list[Candidate] = [c for c in cands if c.family.startswith(("font:", "unnumbered"))]
    for rank, family in enumerate(order):
        shallower = {c.index for c in kept if _rank(c.family, order) < rank}
        mine = [c for c in cands if c.family == family]
        for run in _runs(mine, shallower):
            if family.startswith("point") and len(run) < 2:
                continue
            if len(run) == 1 and run[0].number == 1 and family != "part":
                continue  # a lone "一、" is more often prose than a heading
            kept.extend(run)
    return sorted(kept, key=lambda c: c.index)


def _rank(family: str, order: list[str]) -> int:
    if family.startswith("font:"):
        return order.index(family[5:])
    if family in ("unnumbered", PART_TITLE):
        return 0
    return order.index(family)


def _runs(cands: list[Candidate], boundaries: set[int]) -> list[list[Candidate]]:
    """Split candidates into runs numbered 1, 2, 3… (最后 may close a run); a boundary restarts."""
    runs: list[list[Candidate]] = []
    current: list[Candidate] = []
    sorted_bounds = sorted(boundaries)
    for cand in cands:
        if current and any(current[-1].index < b < cand.index for b in sorted_bounds):
            runs.append(current)
            current = []
        # A gap of a few numbers is tolerated: a missed heading (one too long to be a heading, say)
        # should not cost the sequence all the headings after it.
        follows = bool(current) and 0 < cand.number - current[-1].number <= MAX_GAP
        if follows or (not current and cand.number == 1) or (cand.number == LAST and current):
            current.append(cand)
        elif cand.number == 1:
            runs.append(current)
            current = [cand]
        if current and current[-1].number == LAST:
            runs.append(current)
            current = []
    runs.append(current)
    return [r for r in runs if r]


def assign_levels(cands: list[Candidate]) -> None:
    """Nest headings by their numbering family: a heading goes one level below the nearest heading
    of a shallower family before it, so a document that skips a level (第一章 then 1、) still gets
    consecutive levels. Unnumbered part titles (结束语) stand at level 1; points go one level
    below the heading they sit under."""
    order = list(FAMILIES)
    stack: list[tuple[int, int]] = []  # (family rank, level) of the open headings
    for cand in cands:
        if cand.family.startswith("point"):
            cand.level = (stack[-1][1] if stack else 0) + 1
            continue
        if cand.family == "unnumbered":
            # A part title closes every open section; the next numbered heading is a sibling of it.
            stack = [(UNNUMBERED_RANK, 1)]
            cand.level = 1
            continue
        rank = _rank(cand.family, order)
        while stack and stack[-1][0] >= rank:
            stack.pop()
        cand.level = (stack[-1][1] if stack else 0) + 1
        stack.append((rank, cand.level))


# --------------------------------------------------------------------------- unnumbered part titles


def find_part_titles(blocks: list[Block], cands: list[Candidate]) -> list[Candidate]:
    """Add the unnumbered part titles of a long report (过去一年工作回顾 / 今年政府工作任务 / 结束语) to
    the kept candidates, one level above the 一、 series. No single rule decides; the evidence together:
      - the line looks like a title: short, no sentence punctuation, its own paragraph, body text after it;
      - the top numbering restarts at 一、 right after it (a few lead-in paragraphs may come between):
        at least one line must show this, and the line before the first series counts then too;
      - similar lines recur: at least two part titles, and a line without a restart after it must look
        like those that have one (same font, bold and centring, so an emphasised sentence does not);
      - it does not sit inside a series (一、 before it and 二、 after it make it body text).
    Date lines, signatures and the speaker and date under the title are not part titles."""
    top = _top_family(cands)
    if top is None:
        return cands
    tops = [c for c in cands if c.family == top]
    taken = {c.index for c in cands if not c.family.startswith(("font:", "unnumbered"))}
    lines = _title_lines(blocks, taken)
    anchors = _restart_anchors(lines, tops, taken)
    if not any(restarts for restarts in anchors.values()):
        return cands
    styles = {_line_style(blocks[i]) for i in anchors}
    parts = set(anchors) | {
        i
        for i in lines
        if blocks[i].text.strip() in UNNUMBERED_PARTS
        or (_line_style(blocks[i]) in styles and not _inside_series(i, tops))
    }
    if len(parts) < 2:
        return cands
    kept = [c for c in cands if c.index not in parts]
    found = [Candidate(i, PART_TITLE, 0, len(blocks[i].text.rstrip())) for i in parts]
    return sorted(kept + found, key=lambda c: c.index)


def _top_family(cands: list[Candidate]) -> str | None:
    """The shallowest numbering family in use, when unnumbered parts can stand above it."""
    numbered = [c.family for c in cands if c.family in FAMILIES]
    top = min(numbered, key=list(FAMILIES).index, default=None)
    return None if top == "part" else top


def _title_lines(blocks: list[Block], taken: set[int]) -> list[int]:
    """Indexes of the paragraphs that could be part titles: title-shaped, after the first body
    paragraph (the speaker and date lines under the title are above it) and followed by text."""
    body = [isinstance(b, Paragraph) and _is_body(b.text) for b in blocks]
    first_body = body.index(True) if True in body else len(blocks)
    return [
        i
        for i in range(first_body + 1, len(blocks) - 1)
        if i not in taken and _is_title_shaped(blocks[i]) and (_is_text(blocks[i + 1]) or i + 1 in taken)
    ]


def _is_text(block: Block) -> bool:
    """Text a title can stand over: a table or list, or a paragraph with punctuation or of some length
    (a line a PDF broke off its paragraph counts; a date or a name under a signature does not)."""
    if not isinstance(block, Paragraph):
        return True
    text = block.text.strip()
    return len(text) > MAX_PART_TITLE or any(c in text for c in "。！？!?；;，,：:")


SPEAKER_LIKE = re.compile(rf"\S{{1,20}}[\s\u3000]+[{HAN}·]{{2,4}}")


def _is_title_shaped(block: Block) -> bool:
    """A short line of Chinese with no sentence punctuation that is no date, name or numbered line."""
    if not isinstance(block, Paragraph):
        return False
    text = block.text.strip()
    return (
        2 <= len(text) <= MAX_PART_TITLE
        and HAN_CHAR.search(text) is not None
        and not any(c in text for c in "。！？!?；;，,：:\n")
        and not text.startswith(("—", "－", "-", "（", "(", "“", "《"))
        and find_marker(text) is None
        and not is_chinese_date_line(text)
        and not SPEAKER_LIKE.fullmatch(text)
    )


def _restart_anchors(lines: list[int], tops: list[Candidate], taken: set[int]) -> dict[int, bool]:
    """Title lines that a 一、 follows within MAX_LEAD_IN paragraphs, with nothing numbered between:
    {index: True when an earlier series exists (the numbering restarts), False for the first series}."""
    anchors: dict[int, bool] = {}
    for first in (c for c in tops if c.number == 1):
        before = [i for i in lines if i < first.index]
        if not before or first.index - before[-1] - 1 > MAX_LEAD_IN:
            continue
        line = before[-1]
        if any(i in taken for i in range(line + 1, first.index)):
            continue
        anchors[line] = any(c.index < line for c in tops)
    return anchors


def _line_style(block: Paragraph) -> tuple:
    """What a styled source says about a line's look: its font, bold, centring and heading mark (a
    PDF marks lines set larger than the body as headings)."""
    return ((block.font or "").strip(), block.all_bold, block.centered, block.heading_level)


def _inside_series(index: int, tops: list[Candidate]) -> bool:
    """True when the top numbering goes on across the line (二、 before it, 三、 after it)."""
    before = [c for c in tops if c.index < index]
    after = [c for c in tops if c.index > index]
    return bool(before and after) and 0 < after[0].number - before[-1].number <= MAX_GAP


# --------------------------------------------------------------------------- explicit headings


def explicit_headings(blocks: list[Block]) -> tuple[list[Candidate], list[Message]]:
    """Headings the source marks itself, minus styled body text (which gets a message)."""
    cands: list[Candidate] = []
    messages: list[Message] = []
    for i, block in enumerate(blocks):
        if not isinstance(block, Paragraph) or not block.heading_level:
            continue
        text = block.text.strip()
        if not text:
            continue
        if _reads_as_body(text):
            messages.append(
                warning(
                    "heading-style-on-body-text",
                    f"A paragraph styled as a heading reads as body text and was kept as text: "
                    f"{text[:40]!r}…",
                )
            )
            continue
        cands.append(Candidate(i, f"h{block.heading_level}", block.heading_level, len(block.text.rstrip())))
    levels = sorted({c.number for c in cands})
    for cand in cands:
        cand.level = levels.index(cand.number) + 1
    return cands, messages


def _reads_as_body(text: str) -> bool:
    sentences = len(re.findall(r"[。！？]|[.!?](?:\s|$)", text.rstrip("。.!?！？")))
    return len(text) > 120 or sentences >= 2


def bold_line_headings(blocks: list[Block]) -> list[Candidate]:
    """In text without heading styles or numbering: short standalone bold lines followed by body text."""
    cands = []
    for i, block in enumerate(blocks):
        if not isinstance(block, Paragraph) or not block.all_bold or i + 1 >= len(blocks):
            continue
        text = block.text.strip()
        nxt = blocks[i + 1]
        if (
            0 < len(text) <= 80
            and text[-1:] not in ".。,，;；"
            and not (isinstance(nxt, Paragraph) and nxt.all_bold)
        ):
            cands.append(Candidate(i, "bold", 1, len(block.text.rstrip()), level=1))
    return cands


# --------------------------------------------------------------------------- the tree


def find_sections(blocks: tuple[Block, ...], language: str | None = None) -> tuple[Section, list[Message]]:
    """Build the section tree of a speech body (title already removed). Returns (root, messages)."""
    blocks = list(blocks)
    chinese = is_chinese_speech(language, _opening_text(blocks))
    if chinese:
        blocks = split_glued_headings(join_marker_lines(blocks))
    cands, messages = explicit_headings(blocks)
    if chinese:
        numbered = drop_typed_contents(
            find_part_titles(blocks, keep_sequences(drop_front_lines(blocks, chinese_candidates(blocks)))),
            blocks,
        )
        structural = [c for c in numbered if not c.family.startswith("point")]
        if cands and len(structural) <= len(cands):
            # The heading styles are the outline; numbered points still nest under them.
            points = [
                c for c in numbered if c.family.startswith("point") and not blocks[c.index].heading_level
            ]
            cands = _merge_points(cands, points)
        else:
            # The typed numbering is the outline (styled lines outside it are usually stray styles).
            outline = {c.index for c in numbered}
            if any(c.index not in outline for c in cands):
                messages.append(
                    warning(
                        "heading-styles-ignored",
                        "The document's heading styles were not used "
                        "for its outline: its typed numbering (一、（一）…) gives a fuller one.",
                    )
                )
            assign_levels(numbered)
            cands = numbered
    if not cands:
        cands = bold_line_headings(blocks)
    return build_tree(blocks, cands), messages


def drop_typed_contents(cands: list[Candidate], blocks: list[Block]) -> list[Candidate]:
    """A typed table of contents (第一章…第六章 on consecutive lines, the same headings again later)
    is body text, not a run of empty sections: headings in a run of three or more consecutive lines
    whose text comes back as a heading further on are dropped."""
    keys = [_heading_key(blocks[c.index].text) for c in cands]
    last_seen = {key: n for n, key in enumerate(keys)}
    dropped: set[int] = set()
    run: list[int] = []
    for n in range(len(cands) + 1):
        if n < len(cands) and run and cands[n].index == cands[run[-1]].index + 1:
            run.append(n)
            continue
        repeated = [i for i in run if last_seen[keys[i]] > i]
        if len(repeated) >= 3 and len(repeated) >= 0.6 * len(run):
            dropped.update(repeated)
        run = [n] if n < len(cands) else []
    return [c for n, c in enumerate(cands) if n not in dropped]


def _heading_key(text: str) -> str:
    """A heading's text without spaces, dot leaders and a trailing page number, for comparing."""
    return re.sub(r"[\s.·…_\-—]+|\d+$", "", re.sub(r"[.·…_\-—\s]+\d+\s*$", "", text.strip()))


def chinese_candidates(blocks: list[Block]) -> list[Candidate]:
    return [
        c for i, b in enumerate(blocks) if isinstance(b, Paragraph) for c in [numbered_candidate(i, b)] if c
    ]


def drop_front_lines(blocks: list[Block], cands: list[Candidate]) -> list[Candidate]:
    """Short 楷体/黑体 lines above the first body paragraph are the speaker, date and salutation, not headings."""
    body = [isinstance(b, Paragraph) and _is_body(b.text) for b in blocks] + [False]
    first_body = body.index(True) if True in body else len(blocks)
    return [c for c in cands if not _is_front_candidate(c, blocks, body, first_body)]


def _is_front_candidate(cand: Candidate, blocks: list[Block], body: list[bool], first_body: int) -> bool:
    if not cand.family.startswith("font:") or cand.index >= first_body:
        return False
    return _is_front_line(blocks[cand.index].text.strip(), next_is_body=body[cand.index + 1])


def _is_body(text: str) -> bool:
    """A sentence or a long line; a ——在…上的讲话 subtitle under the title is not body text, however long."""
    text = text.strip()
    return (len(text) > 30 or text[-1:] in "。！？") and not text.startswith(("—", "－"))


def _merge_points(explicit: list[Candidate], points: list[Candidate]) -> list[Candidate]:
    merged = sorted(explicit + points, key=lambda c: c.index)
    level = 0
    for cand in merged:
        if cand.family.startswith("point"):
            cand.level = level + 1
        else:
            level = cand.level
    return merged


def _opening_text(blocks: list[Block]) -> str:
    """Enough of the body to tell its language by, when no language tag says it."""
    return "".join(b.text for b in blocks[:50] if isinstance(b, Paragraph))[:4000]


def build_tree(blocks: list[Block], cands: list[Candidate]) -> Section:
    """Nest blocks under their headings. Levels deeper than 5 are folded into 5 (Markdown ends at ######)."""
    by_index = {c.index: c for c in cands}
    root = _Open(level=0, heading=())
    stack = [root]
    for i, block in enumerate(blocks):
        cand = by_index.get(i)
        if cand is None:
            stack[-1].blocks.append(block)
            continue
        heading, rest = split_spans(block.spans, cand.lead_end)
        level = min(cand.level, 5)
        while stack[-1].level >= level:
            stack.pop()
        section = _Open(level=level, heading=_strip_trailing(heading))
        stack[-1].children.append(section)
        stack.append(section)
        if rest and "".join(s.text for s in rest).strip() or any(s.kind != "text" for s in rest):
            section.blocks.append(replace(block, spans=rest, heading_level=None))
    return root.freeze()


def _strip_trailing(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    spans = list(spans)
    while spans and spans[-1].kind == "break":
        spans.pop()
    if spans and spans[-1].kind == "text":
        spans[-1] = replace(spans[-1], text=spans[-1].text.rstrip())
    return tuple(s for s in spans if s.kind != "text" or s.text)


@dataclass
class _Open:
    """A section while the tree is being built."""

    level: int
    heading: tuple[Span, ...]

    def __post_init__(self):
        self.blocks: list[Block] = []
        self.children: list[_Open] = []

    def freeze(self) -> Section:
        return Section(self.heading, self.level, tuple(self.blocks), tuple(c.freeze() for c in self.children))
