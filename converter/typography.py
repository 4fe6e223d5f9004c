"""Typography repairs for Chinese text, and a check for Traditional↔Simplified round-trip damage.

Repairs never change words: ASCII , ; : ? ! ( ) next to Chinese characters become their full-width
forms, and the mis-encoded quotes 〞 〝 (common after a round trip through Traditional Chinese)
become ” “. Every repair is counted so the report can say what was changed.

Message codes:
  - round-trip-damage: the text shows words typical of a Traditional↔Simplified round trip
    (效劳 for 服务, 根底 for 基础, …); the words are left as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from .han import CJK_SYMBOLS, FULL_WIDTH_FORMS, HAN, HAN_CHAR
from .model import Block, Cell, ListItem, Message, Paragraph, Span, Table, warning

# Characters that count as "Chinese" on either side of an ASCII punctuation mark: Han characters, CJK
# punctuation and full-width forms, and the curly quotes Chinese text uses.
CJK_CONTEXT = HAN + CJK_SYMBOLS + FULL_WIDTH_FORMS + "“”‘’〝〞"
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
QUOTES = {"〞": "”", "〝": "“"}

_BETWEEN = re.compile(rf"(?<=[{CJK_CONTEXT}])[,;:?!](?=[{CJK_CONTEXT}])")
# A pair of ASCII parentheses with a Chinese character inside or just outside: '见附件(1)。'
# becomes '见附件（1）。'. Both of a pair change together; a lone parenthesis is left alone.
_PAREN_PAIR = re.compile(r"\(([^()\n]*)\)")

# Words that a Simplified→Traditional→Simplified round trip produces in place of common ones.
ROUND_TRIP_WORDS = {
    "效劳": "服务",
    "根底": "基础",
    "坚决信心": "坚定信心",
    "开展后劲": "发展后劲",
    "工业开展": "工业发展",
    "经济开展": "经济发展",
}


def repair_text(text: str, counts: Counter) -> str:
    """Return `text` with Chinese punctuation repaired, adding what was repaired to `counts`."""
    for wrong, right in QUOTES.items():
        n = text.count(wrong)
        if n:
            counts["quotes"] += n
            text = text.replace(wrong, right)
    text, n = _BETWEEN.subn(lambda m: FULL_WIDTH[m.group(0)], text)
    counts["punctuation"] += n
    return _PAREN_PAIR.sub(lambda m: _full_width_pair(m, text, counts), text)


def _full_width_pair(m: re.Match, text: str, counts: Counter) -> str:
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    if HAN_CHAR.search(before + m.group(1) + after):
        counts["punctuation"] += 2
        return f"（{m.group(1)}）"
    return m.group(0)


def _repair_spans(spans: tuple[Span, ...], counts: Counter) -> tuple[Span, ...]:
    return tuple(replace(s, text=repair_text(s.text, counts)) if s.kind == "text" else s for s in spans)


def repair_block(block: Block, counts: Counter) -> Block:
    """A block with the text of its spans repaired (code blocks are left alone)."""
    if isinstance(block, (Paragraph, ListItem)):
        return replace(block, spans=_repair_spans(block.spans, counts))
    if isinstance(block, Table):
        rows = tuple(
            tuple(Cell(_repair_spans(c.spans, counts), c.colspan, c.rowspan) for c in row)
            for row in block.rows
        )
        return replace(block, rows=rows)
    return block


def find_round_trip_damage(text: str) -> Message | None:
    """A warning when the text carries several words typical of a Traditional↔Simplified round trip."""
    found = {w: text.count(w) for w in ROUND_TRIP_WORDS if w in text}
    if sum(found.values()) < 2:
        return None
    examples = "、".join(
        f"{w}（应为{ROUND_TRIP_WORDS[w]}？）" for w in sorted(found, key=found.get, reverse=True)[:4]
    )
    return warning(
        "round-trip-damage",
        f"The text looks damaged by a Traditional↔Simplified Chinese round trip: {examples}. "
        "The words were left as they are; correct the source if you have a better copy.",
    )
