"""From positioned characters to lines: the units every later step of the PDF reader works on.

All coordinates are in PDF points with the origin at the top left of the page (`top` grows
downwards), so that "above" and "before" mean the same thing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ...han import CJK_WIDE, HAN
from ...model import Span, merge_spans

# A character of East Asian type (han.CJK_WIDE, wider than Han): no space where a line breaks beside it,
# and a page mostly of these is set on a character grid.
CJK = re.compile(f"[{CJK_WIDE}]")
# Punctuation that may not begin a line in Chinese typesetting: it travels with the character before.
NO_LINE_START = "，。、；：！？）」』”’》〉】…—,.;:!?)"
# A note mark: 1, [1], ①, *. As the first thing in a footnote, or set small and raised in the text.
NOTE_MARK = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})|([①-⑳])|(\*{1,3}))\s*")
SUPERSCRIPT_SIZE = 0.8  # a note mark in the text is smaller than this share of its line
_MARK_CHARACTERS = set("0123456789[]*") | {chr(c) for c in range(ord("①"), ord("⑳") + 1)}
# Spaces a PDF puts between Chinese characters and digits for layout (2024 年 3 月).
_LAYOUT_SPACE = re.compile(rf"(?<=[{HAN}]) +(?=[\d%])|(?<=[\d%]) +(?=[{HAN}])")


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    bold: bool = False
    italic: bool = False
    generated: bool = False  # a space PDFium inferred from a gap, not one in the file
    unmapped: bool = False  # the font could not map this glyph to Unicode


@dataclass(eq=False)
class Line:
    chars: list[Char]
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    font: str = ""
    page: int = 0
    column: int = 0  # 1 for the right column of a page set in two columns

    @property
    def flow(self) -> tuple[int, int]:
        """Where the line stands in the text's flow: its page and column."""
        return (self.page, self.column)

    def __post_init__(self) -> None:
        visible = [c for c in self.chars if not c.text.isspace()] or self.chars
        self.x0 = min(c.x0 for c in visible)
        self.x1 = max(c.x1 for c in visible)
        self.top = min(c.top for c in visible)
        self.bottom = max(c.bottom for c in visible)
        self.size = Counter(c.size for c in visible).most_common(1)[0][0]
        self.font = Counter(c.font for c in visible).most_common(1)[0][0]

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars).strip()

    @property
    def center(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class PageLines:
    """One page as lines in reading order, with the ruling lines drawn on it (for tables)."""

    index: int
    width: float
    height: float
    lines: tuple[Line, ...]
    rules: tuple = ()
    images: int = 0
    chars: int = 0


# --------------------------------------------------------------------------- characters to lines


def group_lines(chars: list[Char]) -> list[Line]:
    """Split the page's characters into lines by their position, not by their order in the file:
    PDFs often draw a line's quotation marks or digits (set in a fallback font) after the rest of it.

    Characters whose vertical centres lie within half a character of each other form a row; a row
    is cut where a gap is wider than two characters (a column or table gutter)."""
    rows: list[list[Char]] = []
    row_center = row_size = 0.0
    for char in sorted(chars, key=_center):
        if rows and abs(_center(char) - row_center) <= 0.5 * max(min(row_size, char.size), 1.0):
            rows[-1].append(char)
            if char.size > row_size:  # a superscript must not pull the row's centre up
                row_center, row_size = _center(char), char.size
        else:
            rows.append([char])
            row_center, row_size = _center(char), char.size
    lines: list[Line] = []
    for row in _with_scripts_merged(rows):
        lines.extend(_cut_row(sorted(row, key=lambda c: (c.x0, c.x1))))
    return [line for line in lines if line.text]


def _with_scripts_merged(rows: list[list[Char]]) -> list[list[Char]]:
    """A row of small characters raised or lowered within a row of larger ones (a note mark, m², a
    subscript) belongs to that row."""
    out: list[list[Char]] = []
    for i, row in enumerate(rows):
        small = max(c.size for c in row)
        center = sum(_center(c) for c in row) / len(row)
        host = next(
            (
                other
                for other in (out[-1] if out else None, rows[i + 1] if i + 1 < len(rows) else None)
                if other
                and small < SUPERSCRIPT_SIZE * max(c.size for c in other)
                and min(c.top for c in other) <= center <= max(c.bottom for c in other)
            ),
            None,
        )
        if host is None:
            out.append(row)
        else:
            host.extend(row)
    return out


def _center(char: Char) -> float:
    return (char.top + char.bottom) / 2


def _cut_row(row: list[Char]) -> list[Line]:
    pieces: list[list[Char]] = []
    last: Char | None = None  # the last visible character (spaces PDFium infers have odd boxes)
    for char in row:
        if char.text.isspace():
            if pieces and pieces[-1]:
                pieces[-1].append(char)
            continue
        if last is not None and _same_glyph(last, char):
            continue  # text drawn twice, slightly offset, to look bold
        if last is None or char.x0 - last.x1 > 2 * max(min(last.size, char.size), 1.0):
            pieces.append([])
        pieces[-1].append(char)
        last = char
    return [Line(piece) for piece in pieces if piece]


def _same_glyph(a: Char, b: Char) -> bool:
    """The same glyph drawn again where the first one stands (fake bold), not a doubled letter."""
    return a.text == b.text and not a.text.isspace() and b.x0 < a.x0 + 0.25 * (a.x1 - a.x0)


def reading_order(lines: list[Line], page: int, width: float) -> list[Line]:
    """Lines top to bottom, each told its page; on a page set in two columns, the left column before
    the right one (whose lines are told they are column 1), with lines spanning both (a title) kept
    in their place above or below the columns."""
    ordered = sorted(lines, key=lambda line: (round(line.center / 3), line.x0))
    for line in ordered:
        line.page = page
    middle = width / 2
    left = [line for line in ordered if line.x1 <= middle + 2]
    right = [line for line in ordered if line.x0 >= middle - 2]
    if len(left) < 5 or len(right) < 5:
        return ordered
    columns_top = min(line.top for line in left + right)
    columns_bottom = max(line.bottom for line in left + right)
    in_columns = {id(line) for line in left + right}
    spanning = [line for line in ordered if id(line) not in in_columns]
    if any(columns_top < line.center < columns_bottom for line in spanning):
        return ordered  # text crosses the middle among the "columns": one column with indents
    for line in right:
        line.column = 1
    above = [line for line in spanning if line.center <= columns_top]
    below = [line for line in spanning if line.center >= columns_bottom]
    return above + left + right + below


def join_lines(lines: list[Line], notes: dict[tuple[int, str], str] | None = None) -> tuple[Span, ...]:
    """The spans of lines that form one paragraph (or one table cell), joined as the language wants.
    `notes` maps (page, mark) to a footnote's id: a raised mark found there becomes a note span."""
    spans: list[Span] = []
    for line in lines:
        chars = list(line.chars)
        while chars and chars[-1].text.isspace():
            chars.pop()
        if spans and chars:
            tail = "".join(s.text for s in spans[-2:])
            joiner = _joiner(tail, chars[0].text)
            if joiner == "-":  # a word hyphenated at the line end: rejoin it
                spans.pop()
            elif joiner:
                spans.append(Span(joiner, spans[-1].bold, spans[-1].italic))
        j = 0
        while j < len(chars):
            char = chars[j]
            mark, length = superscript_mark(chars, j, line.size) if notes else ("", 0)
            if (line.page, mark) in (notes or {}):
                spans.append(Span(notes[(line.page, mark)], kind="note"))
                j += length
                continue
            text = _cjk_space(chars, j) if char.generated and char.text.isspace() else _glyph_text(char)
            if text:
                spans.append(Span(text, char.bold, char.italic))
            j += 1
    merged = merge_spans(spans)
    return tuple(
        Span(_LAYOUT_SPACE.sub("", s.text), s.bold, s.italic) if s.kind == "text" else s for s in merged
    )


def _glyph_text(char: Char) -> str:
    """A character's text; a dash two characters wide is the Chinese double dash (——), which some
    fonts draw as one glyph that maps back to a single —."""
    if char.text in "—―" and char.x1 - char.x0 > 1.6 * char.size:
        return "——"
    return char.text


def superscript_mark(chars: list[Char], start: int, line_size: float) -> tuple[str, int]:
    """The note mark that begins at chars[start] when it is set small and raised, and its length."""
    end = start
    while (
        end < len(chars)
        and chars[end].size < SUPERSCRIPT_SIZE * line_size
        and chars[end].text in _MARK_CHARACTERS
    ):
        end += 1
    mark = "".join(c.text for c in chars[start:end]).strip("[]")
    return (mark, end - start) if end > start and NOTE_MARK.fullmatch(mark) else ("", 0)


def _cjk_space(chars: list[Char], j: int) -> str:
    """What a space PDFium inferred from a gap stands for. Between Latin words it is a space; beside a
    Chinese character the gap decides: a full-width space (U+3000) for a gap of a character, a space
    for a third of one (a space typed in Chinese text), nothing for less (letter spacing)."""
    before = next((c for c in reversed(chars[:j]) if not c.text.isspace()), None)
    after = next((c for c in chars[j + 1 :] if not c.text.isspace()), None)
    if before is None or after is None:
        return ""
    if not (CJK.match(before.text) or CJK.match(after.text)):
        return chars[j].text
    if any(c.text.isspace() for c in chars[j - 1 : j]):
        return ""  # one gap, one space: the first space PDFium inferred stands for it
    gap = (after.x0 - before.x1) / max(chars[j].size, before.size, 1.0)
    return "\u3000" if gap >= 0.8 else " " if gap >= 0.25 else ""


def _joiner(before: str, after: str) -> str:
    """What goes between two lines of one paragraph: nothing between Chinese characters, a space
    between Latin words, and "-" (drop the hyphen) for a word broken at the line end."""
    if not before or not after:
        return ""
    last, first = before[-1], after[0]
    if CJK.match(last) or CJK.match(first):
        return ""
    if last in "-\u00ad" and len(before) > 1 and before[-2].isalpha() and first.islower():
        return "-"
    return "" if last.isspace() else " "
