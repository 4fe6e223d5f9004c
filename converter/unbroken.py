"""Split Chinese text that runs together with no paragraph breaks at the sections its numbering shows.

Speeches scraped with every paragraph run together ("……我讲三点意见。一、充分认识…去年以来，全县上下…
二、准确把握…") carry their structure only in the 一、 二、 三、 series inside the run. This stage finds that
series and splits the run there, so that the section finder sees one heading line per section:

  - a marker counts when it follows a sentence end or a colon (or starts the paragraph), stands outside
    quotation marks and is not the start of a list such as 一、二、三等奖; the markers must run 一、 二、 三、
    in order, at least two of them;
  - the heading is the clause the marker begins, up to its first punctuation mark, or a better boundary
    where the text gives one (a space, an opening phrase such as 去年以来 glued on its end, a （一） glued
    into it);
  - the text between headings is split before an in-order series of sub-markers (（一）, 一是, 首先，…) that
    follow sentence ends, and otherwise at sentence ends into paragraphs of a readable length; never
    inside a sentence or a quotation. Text is only split, never changed.

Only documents in which no paragraph starts with 一、/二、 and whose run-together paragraphs hold most of
the text are touched: where the source has its own heading lines, those are its structure, and a
paragraph of an ordinary document that enumerates 一、…。二、… inside it stays a paragraph.

Message codes:
  - sections-inferred: the sections and paragraphs were inferred from text that ran together.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from typing import NamedTuple

from .model import Block, Message, Paragraph, Span, plain_text, warning
from .sections import FAMILIES, LAST, POINTS, WORD_ORDINALS, chinese_numeral, glued_marker, split_spans

MIN_UNBROKEN = 300  # a paragraph shorter than this is a paragraph, not a whole speech run together
RUN_SHARE = 0.6  # share of the text the run-together paragraphs must hold
MAX_HEADING = 60  # an inferred heading longer than this is a sentence: the marker is not taken
MAX_CLAUSES = 3  # clauses a heading may run on over to differ from the others of its series
MIN_HEADING = 2  # characters a heading needs after its marker
PARAGRAPH_TARGET = 150  # split a long stretch at the first sentence end after this many characters
SENTENCE_ENDS = "。！？!?"
LOOK_BACK = 8  # characters before a marker searched for the sentence end it follows
AFTER_END = "”’」』）)\"' \u3000"  # what may stand between a sentence end and the next marker
CLAUSE_END = re.compile(r"[，,。！？!?；;：:]")
OPEN_QUOTES, CLOSE_QUOTES = "“‘「『《", "”’」』》"
QUOTE = re.compile(f"[{OPEN_QUOTES}{CLOSE_QUOTES}]")
CN_MARKER = re.compile(r"([零〇一二三四五六七八九十两]{1,3})、")
LIST_AFTER_MARKER = re.compile(r"[零〇一二三四五六七八九十两]")  # 一、二、三等奖, 一、二线城市
# Phrases that open a paragraph; glued onto the end of a heading clause they mark where it really ends.
OPENERS = (
    "去年以来",
    "今年以来",
    "近年来",
    "近几年来",
    "多年来",
    "一年来",
    "长期以来",
    "总的来看",
    "总体来看",
    "实践证明",
    "事实证明",
    "同志们",
    "当前",
    "目前",
    "为此",
    "因此",
    "对此",
    "同时",
)
YEAR_IS = re.compile(r"(?:今|去|明)年是|\d{4}年是")  # "今年是…之年" opens a paragraph wherever it stands
ADDRESS = ("同志们", "各位代表", "各位委员")
SUB_MARKERS = (FAMILIES["paren_cn"], *(pattern for _, pattern in POINTS))


def split_unbroken(blocks: tuple[Block, ...]) -> tuple[tuple[Block, ...], list[Message]]:
    """Blocks with every run-together paragraph split at its inferred headings and paragraphs, plus a
    'sections-inferred' warning when that happened. Blocks without such a run come back unchanged."""
    if any(_starts_with_section_marker(b) for b in blocks if not _is_long(b)):
        return blocks, []
    series = _heading_series(blocks)
    if len(series) < 2 or not _mostly_run_together(blocks, {h.block for h in series}):
        return blocks, []
    series = _distinct_headings(blocks, series)
    out: list[Block] = []
    for i, block in enumerate(blocks):
        headings = [h for h in series if h.block == i]
        out.extend(_split_paragraph(block, headings) if headings else [block])
    text = (
        f"The text runs together with no paragraph breaks: its {len(series)} sections (一、二、…) were "
        "inferred from the numbering inside it, and its paragraphs were split at sentence ends. "
        "Check the headings against the source."
    )
    return tuple(out), [warning("sections-inferred", text)]


def _mostly_run_together(blocks: tuple[Block, ...], runs: set[int]) -> bool:
    """The paragraphs holding the series hold most of the text: a whole speech run together, not a
    paragraph of an ordinary document that enumerates a few points."""
    total = sum(len(b.text) for b in blocks if isinstance(b, Paragraph))
    return sum(len(blocks[i].text) for i in runs) >= RUN_SHARE * total


def _is_long(block: Block) -> bool:
    return isinstance(block, Paragraph) and len(block.text) >= MIN_UNBROKEN


def _starts_with_section_marker(block: Block) -> bool:
    return isinstance(block, Paragraph) and FAMILIES["cn"].match(block.text.lstrip(" \t\u3000")) is not None


# --------------------------------------------------------------------------- the heading series


class Heading(NamedTuple):
    """An inferred heading: the paragraph it is in and where it starts and ends there."""

    block: int
    start: int
    end: int


def _heading_series(blocks: tuple[Block, ...]) -> list[Heading]:
    """The headings of the in-order series 一、 二、 三、… across the long paragraphs."""
    series: list[Heading] = []
    for i, block in enumerate(blocks):
        if not _is_long(block):
            continue
        for pos, number in _marker_positions(block.text):
            end = _heading_end(block.text, pos)
            if number == len(series) + 1 and end is not None:
                series.append(Heading(i, pos, end))
    return series


def _distinct_headings(blocks: tuple[Block, ...], series: list[Heading]) -> list[Heading]:
    """Parallel headings share their first clause (一、坚守党校初心，就必须… 二、坚守党校初心，就必须…):
    while two headings read the same, each runs on over the comma to the end of its next clause."""
    for _ in range(MAX_CLAUSES):
        texts = [blocks[h.block].text[h.start : h.end].split("、", 1)[1] for h in series]
        if len(set(texts)) == len(texts):
            break
        longer = [_next_clause(blocks[h.block].text, h) for h in series]
        if None in longer:
            break
        series = longer
    return series


def _next_clause(text: str, heading: Heading) -> Heading | None:
    """The heading run on over the comma that ends it, or None where it ends otherwise or gets too long."""
    if text[heading.end : heading.end + 1] not in ("，", ","):
        return None
    end = _clause_end(text, heading.start, heading.end + 1)
    return heading._replace(end=end) if end - heading.start <= MAX_HEADING else None


def _marker_positions(text: str) -> list[tuple[int, int]]:
    """(offset, number) of the 一、-style markers that could start a section: after a sentence end or a
    colon, outside quotation marks, and not the first item of a list such as 一、二、三等奖."""
    depths = QuoteDepths(text)
    found = []
    for m in CN_MARKER.finditer(text):
        before = text[max(m.start() - LOOK_BACK, 0) : m.start()].rstrip(AFTER_END)
        if m.start() and (not before or before[-1] not in SENTENCE_ENDS + "：:"):
            continue
        if depths[m.start()] or LIST_AFTER_MARKER.match(text, m.end()):
            continue
        found.append((m.start(), chinese_numeral(m.group(1))))
    return found


class QuoteDepths:
    """How many quotation marks (“ 「 『 《 ‘) are open at an offset: `depths[offset]`. Only the
    quotation marks are stored, so a long text costs no more than its quotations."""

    def __init__(self, text: str):
        self.positions: list[int] = []
        self.depths: list[int] = []
        depth = 0
        for m in QUOTE.finditer(text):
            depth = depth + 1 if m.group() in OPEN_QUOTES else max(depth - 1, 0)
            self.positions.append(m.start())
            self.depths.append(depth)

    def __getitem__(self, offset: int) -> int:
        before = bisect_left(self.positions, offset)  # quotation marks before the offset
        return self.depths[before - 1] if before else 0


def _heading_end(text: str, start: int) -> int | None:
    """Where the heading that starts at a marker ends: at its clause's first punctuation mark (a
    sentence end stays with the heading), or at a better boundary inside the clause."""
    marker_end = text.index("、", start) + 1
    m = CLAUSE_END.search(text, marker_end)
    if m and m.group() in "；;":
        return None  # "一、资金不足；二、…" is a list item
    end = _clause_end(text, start, marker_end)
    if end - marker_end < MIN_HEADING or end - start > MAX_HEADING:
        return None
    return end


def _clause_end(text: str, start: int, clause_start: int) -> int:
    """Where the clause from clause_start ends as part of the heading that begins at start: before its
    punctuation mark (after it, for a sentence end), or at a better boundary inside it."""
    m = CLAUSE_END.search(text, clause_start)
    end = m.start() if m else len(text)
    if m and m.group() in SENTENCE_ENDS:
        end += 1
    return _better_boundary(text, start, clause_start, end)


def _better_boundary(text: str, start: int, marker_end: int, end: int) -> int:
    """A space in the clause, a sub-marker glued into it (一、总体要求（一）指导思想) or an opening phrase
    glued onto its end (…的重要意义去年以来，) ends the heading earlier than its punctuation."""
    clause = text[marker_end:end]
    space = re.search(r"[\s\u3000]", clause.strip())
    if space:
        return marker_end + len(clause) - len(clause.lstrip()) + space.start()
    glued = glued_marker(text[start : end + 1], marker_end - start)
    if glued is not None:
        return start + glued
    for opener in OPENERS:
        if clause.endswith(opener) and len(clause) - len(opener) >= MIN_HEADING + 2:
            return end - len(opener)
    year_is = YEAR_IS.search(clause, MIN_HEADING + 2)
    return marker_end + year_is.start() if year_is else end


# --------------------------------------------------------------------------- splitting one paragraph


def _split_paragraph(block: Paragraph, headings: list[Heading]) -> list[Paragraph]:
    """The paragraph cut into: the text before the first heading, then per heading its line and the
    paragraphs of its text."""
    text = block.text
    depths = QuoteDepths(text)
    cuts: list[int] = []
    for heading in headings:
        previous = cuts[-1] if cuts else 0
        cuts += _body_cuts(text, previous, heading.start, depths) + [heading.start, heading.end]
    cuts += _body_cuts(text, cuts[-1], len(text), depths)
    # Cut from the end: the part before a cut keeps its offsets (the part after loses leading spaces).
    pieces, spans = [], block.spans
    for cut in reversed(cuts):
        spans, tail = split_spans(spans, cut)
        pieces.append(tail)
    pieces.append(spans)
    return [replace(block, spans=s) for s in reversed(pieces) if _has_content(s)]


def _has_content(spans: tuple[Span, ...]) -> bool:
    """Text, an image or a note mark: a piece with none of them is only the space a cut left behind."""
    return bool(plain_text(spans).strip()) or any(s.kind in ("image", "note") for s in spans)


def _body_cuts(text: str, start: int, end: int, depths: QuoteDepths) -> list[int]:
    """Offsets inside text[start:end] where a new paragraph begins: before an in-order series of
    sub-markers after sentence ends, and, where a stretch is still long, at sentence ends."""
    clues = _sub_marker_cuts(text, start, end, depths) + _address_cuts(text, start, end, depths)
    bounds = [start, *sorted(set(clues)), end]
    cuts: list[int] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a > start:
            cuts.append(a)
        cuts += _sentence_cuts(text, a, b, depths)
    return cuts


def _sub_marker_cuts(text: str, start: int, end: int, depths: QuoteDepths) -> list[int]:
    """Where the sub-markers of one kind (（一）（二）…, 一是 二是…, 首先 其次…最后) begin sentences in
    order from one, at least two of them: each starts a paragraph."""
    for pattern in SUB_MARKERS:
        found: list[int] = []
        for offset in [start, *_sentence_starts(text, start, end, depths)]:
            m = pattern.match(text, offset)
            if m and not depths[offset]:
                number = WORD_ORDINALS.get(m.group(1)) or chinese_numeral(m.group(1))
                if number == len(found) + 1 or (number == LAST and found):
                    found.append(offset)
        if len(found) >= 2:
            return found
    return []


def _address_cuts(text: str, start: int, end: int, depths: QuoteDepths) -> list[int]:
    """Sentences that address the audience (同志们，…) open a paragraph in a speech."""
    return [o for o in _sentence_starts(text, start, end, depths) if text.startswith(ADDRESS, o)]


def _sentence_starts(text: str, start: int, end: int, depths: QuoteDepths) -> list[int]:
    """Offsets in text[start:end] where a sentence begins after a sentence end outside quotations."""
    starts = []
    for m in re.finditer(rf"[{SENTENCE_ENDS}][{re.escape(AFTER_END)}]*", text[start:end]):
        offset = start + m.end()
        if offset < end and not depths[start + m.start()]:
            starts.append(offset)
    return starts


def _sentence_cuts(text: str, start: int, end: int, depths: QuoteDepths) -> list[int]:
    """Paragraph breaks in a stretch without other clues: at the first sentence end after every
    PARAGRAPH_TARGET characters, so that no paragraph is cut inside a sentence."""
    cuts, last = [], start
    for offset in _sentence_starts(text, start, end, depths):
        if offset - last >= PARAGRAPH_TARGET and end - offset >= PARAGRAPH_TARGET // 3:
            cuts.append(offset)
            last = offset
    return cuts
