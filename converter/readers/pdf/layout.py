"""From lines to paragraphs, tables and heading hints: where a paragraph begins, which text is the
title, which fonts mark headings."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ...model import Block, Paragraph
from .footnotes import split_footnotes
from .lines import CJK, NO_LINE_START, Line, PageLines, join_lines
from .tables import Grid, find_grids

_SENTENCE_END = "。！？!?；;"
_CLAUSE_END = ("。", "！", "？", "：", "；", ":", ";")
_NUMBERED_START = re.compile(
    r"(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d{1,2}[.、．]\D|第[一二三四五六七八九十]+[，、]"
    r"|[一二三四五六七八九十]是|[一二三四五六七八九十]要|首先|其次|再次|最后)"
)

# PDF font names (embedded subsets lose their Chinese names) mapped to the names the section finder
# and the title finder know. Checked in order: 小标宋 before 宋.
_FONT_ALIASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("xiaobiaosong", "xbs", "小标宋", "biaosong", "标宋"), "方正小标宋简体"),
    (("kaiti", "kai_gb", "stkaiti", "fzkt", "楷体", "kai"), "楷体"),
    (("simhei", "heiti", "stheiti", "fzht", "黑体", "hei"), "黑体"),
    (("fangsong", "fzfs", "仿宋"), "仿宋"),
)


@dataclass
class _Metrics:
    """What a body line looks like: its size, where it starts and ends, the distance between lines."""

    size: float
    pitch: float
    left: dict[tuple[int, int], float] = field(default_factory=dict)  # (page, column) -> left margin
    right: dict[tuple[int, int], float] = field(default_factory=dict)  # (page, column) -> right margin
    cjk: bool = False
    indented: bool = False  # paragraphs begin with a first-line indent
    indent_runs: dict[int, int] = field(default_factory=dict)  # id(line) -> indented lines in its run
    note_refs: dict[tuple[int, str], str] = field(default_factory=dict)  # (page, mark) -> footnote id

    def indent(self, line: Line) -> float:
        """How far a line starts right of its column's margin."""
        return line.x0 - self.left.get(line.flow, line.x0)

    def centered(self, line: Line) -> bool:
        return _centered(line, self.left.get(line.flow, 0.0), self.right.get(line.flow, 0.0))


def build_blocks(pages: list[PageLines]) -> tuple[list[Block], dict[str, tuple[Block, ...]]]:
    """Paragraphs and tables of the whole document, in reading order, and its footnotes by id."""
    metrics = _measure(pages)
    pages, notes, metrics.note_refs = split_footnotes(pages, metrics.size)
    metrics.indent_runs = _indent_runs([line for page in pages for line in page.lines], metrics)
    blocks: list = []  # _Sized paragraphs and Tables
    paragraph: list[Line] = []
    for page in pages:
        for item in _with_tables(page):
            if isinstance(item, Grid):
                _flush(paragraph, blocks, metrics)
                paragraph = []
                blocks.append(item.table())
                continue
            if paragraph and _breaks(paragraph[-1], item, metrics):
                _flush(paragraph, blocks, metrics)
                paragraph = []
            paragraph.append(item)
    _flush(paragraph, blocks, metrics)
    return _mark_titles_and_headings(blocks, metrics), notes


def _with_tables(page: PageLines) -> list:
    """The page's lines in reading order, with each ruled table standing in for the lines inside it."""
    grids = find_grids(page.rules, page.lines)
    owner = {id(line): grid for grid in grids for line in grid.lines}
    out, placed = [], set()
    for line in page.lines:
        grid = owner.get(id(line))
        if grid is None:
            out.append(line)
        elif id(grid) not in placed:
            placed.add(id(grid))
            out.append(grid)
    return out


def _measure(pages: list[PageLines]) -> _Metrics:
    sizes = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.chars)
    size = sizes.most_common(1)[0][0] if sizes else 12.0
    body = [line for p in pages for line in p.lines if abs(line.size - size) < 0.5]
    steps = [b.top - a.top for a, b in itertools.pairwise(body) if a.flow == b.flow]
    steps = [step for step in steps if 0.8 * size < step < 3 * size]
    pitch = _mode(steps) if steps else 1.5 * size  # the usual step, not one inflated by gaps
    all_text = "".join(line.text for line in body[:200])
    metrics = _Metrics(size, pitch, cjk=len(CJK.findall(all_text)) > 0.3 * max(1, len(all_text)))
    flows: dict[tuple[int, int], list[Line]] = {}
    for line in body:
        flows.setdefault(line.flow, []).append(line)
    columns: dict[int, list[Line]] = {}
    for (_, column), lines in flows.items():
        columns.setdefault(column, []).extend(lines)
    column_left = {column: _margin([ln.x0 for ln in lines]) for column, lines in columns.items()}
    column_right = {column: _right_margin([ln.x1 for ln in lines], size) for column, lines in columns.items()}
    for (page, column), lines in flows.items():
        # A page's own left margin when it has enough lines (books mirror their margins); the text is
        # as wide on every page, so the right margin moves with it.
        left = _margin([ln.x0 for ln in lines]) if len(lines) >= 5 else column_left[column]
        metrics.left[(page, column)] = left
        metrics.right[(page, column)] = column_right[column] + left - column_left[column]
    metrics.indented = _uses_first_line_indents(body, metrics)
    return metrics


def _indent_runs(lines: list[Line], m: _Metrics) -> dict[int, int]:
    """For each indented line, how many lines its indented block holds: consecutive lines with the same
    indent, each but the last running to the right margin (a short line ends the block)."""
    runs: dict[int, int] = {}
    run: list[Line] = []

    def close() -> None:
        runs.update((id(member), len(run)) for member in run)
        run.clear()

    for line in lines:
        indent = m.indent(line)
        if run and (abs(indent - m.indent(run[-1])) > 0.5 * m.size or indent <= 0.8 * m.size):
            close()
        if indent > 0.8 * m.size:
            run.append(line)
            if m.right.get(line.flow, line.x1) - line.x1 > 2 * m.size:
                close()
    close()
    return runs


def _uses_first_line_indents(body: list[Line], m: _Metrics) -> bool:
    """Whether the text marks paragraphs with a first-line indent (one to four characters): true when
    the line after a paragraph's short last line is mostly indented (in a text set in blocks it starts
    at the margin again)."""
    after_short = [
        line
        for prev, line in itertools.pairwise(body)
        if prev.flow == line.flow and m.right.get(prev.flow, prev.x1) - prev.x1 > 2 * m.size
    ]
    indented = sum(1 for line in after_short if 0.8 * m.size < m.indent(line) < 4.5 * m.size)
    return indented >= 3 and indented >= 0.6 * len(after_short)


def _mode(values: list[float]) -> float:
    """The most common value, to the point; ties go to the smaller."""
    counts = Counter(round(v) for v in values)
    best = max(counts.values())
    return float(min(v for v, n in counts.items() if n == best))


def _margin(values: list[float]) -> float:
    """Where lines start: the leftmost position shared by a fair number of lines. Not the most common
    one, which in a text of short indented paragraphs is the indent."""
    counts = Counter(round(v) for v in values)
    enough = max(2, 0.1 * len(values))
    shared = [v for v, n in counts.items() if n >= enough]
    return float(min(shared)) if shared else _mode(values)


def _right_margin(values: list[float], size: float) -> float:
    """Where full lines end: the rightmost end that at least two lines reach (within half a character),
    so one line running into the margin does not move it, and a text of mostly short lines still
    finds the margin its few full lines reach."""
    ordered = sorted(values, reverse=True)
    for i, value in enumerate(ordered[:-1]):
        if value - ordered[i + 1] <= 0.5 * size:
            return value
    return ordered[0]


def _breaks(prev: Line, line: Line, m: _Metrics) -> bool:
    """Whether `line` begins a new paragraph after `prev`."""
    size = max(line.size, prev.size)
    if abs(line.size - prev.size) > 0.15 * m.size:
        return True
    if line.flow == prev.flow:  # on the same page and column: a gap or a step back up breaks
        step = line.top - prev.top
        if step > 1.5 * m.pitch or step < 0:
            return True
    if m.centered(line) or m.centered(prev):
        return True
    if prev.text.endswith(_CLAUSE_END) and _NUMBERED_START.match(line.text):
        return True  # 一、（一）1. 一是 首先 at the start of a line after a finished sentence: a new point
    indent, prev_indent = m.indent(line), m.indent(prev)
    if indent > 0.8 * line.size and abs(indent - prev_indent) > 0.5 * line.size:
        return True
    if m.indented and indent > 0.8 * line.size and m.indent_runs.get(id(line), 0) < 3:
        # Two indented lines in a row where paragraphs begin indented: the first was a paragraph
        # of one line (a heading that fills the line). Three or more are an indented block.
        return True
    if indent < -0.5 * line.size:  # a hanging line that starts left of the margin
        return True
    free = m.right.get(prev.flow, prev.x1) - prev.x1
    if m.indented:
        # Paragraphs announce themselves by their indent; a line a few characters short of the
        # margin is the typesetter's doing (Chinese lines are often not justified to the edge).
        return free > 4 * size
    return free > _first_word_width(line) + 0.5 * size


def _centered(line: Line, left: float, right: float) -> bool:
    before, after = line.x0 - left, right - line.x1
    return before > 2 * line.size and after > 2 * line.size and abs(before - after) < 1.5 * line.size


def _first_word_width(line: Line) -> float:
    """How wide the line's first unbreakable piece is: a Latin word, or a Chinese character with the
    punctuation that must stay with it. Had it fitted at the end of the line before, it would be there."""
    chars = line.chars
    if not chars:
        return 0.0
    end = 1
    if not CJK.match(chars[0].text):
        while end < len(chars) and not chars[end].text.isspace() and not CJK.match(chars[end].text):
            end += 1
    while end < len(chars) and chars[end].text in NO_LINE_START:
        end += 1
    return chars[end - 1].x1 - chars[0].x0


@dataclass(frozen=True)
class _Sized:
    """A paragraph with the font size and page it was set in (the shared model has no place for a
    size, and titles and headings are told by size)."""

    paragraph: Paragraph
    size: float
    page: int


def _flush(lines: list[Line], blocks: list, m: _Metrics) -> None:
    if not lines:
        return
    spans = join_lines(lines, m.note_refs)
    if not "".join(s.text for s in spans).strip():
        return
    centered = all(m.centered(line) for line in lines)
    blocks.append(
        _Sized(Paragraph(spans, font=_font_hint(lines), centered=centered), lines[0].size, lines[0].page)
    )


def _font_hint(lines: list[Line]) -> str | None:
    counts = Counter()
    for line in lines:
        for char in line.chars:
            counts[char.font] += 1
    name = counts.most_common(1)[0][0] if counts else ""
    return canonical_font(name)


def canonical_font(name: str) -> str | None:
    """The Chinese font name a PDF font stands for (黑体 for SimHei or FZHTJW--GB1-0), or None."""
    bare = name.split("+", 1)[-1].lower().replace(" ", "")
    for needles, canonical in _FONT_ALIASES:
        if any(n in bare for n in needles):
            return canonical
    return None


def _mark_titles_and_headings(blocks: list, m: _Metrics) -> list[Block]:
    """The largest text near the top of the first page is the title (heading level 0); other short
    paragraphs set larger than the body text are headings, a level per size."""
    sized = [(i, b) for i, b in enumerate(blocks) if isinstance(b, _Sized)]
    title_at: set[int] = set()
    first_page = [(i, b) for i, b in sized[:6] if b.page == sized[0][1].page] if sized else []
    largest = max((b.size for _, b in first_page), default=0.0)
    if largest >= 1.2 * m.size:
        run = [i for i, b in first_page if b.size == largest]
        title_at = {run[0]} | ({run[1]} if len(run) > 1 and run[1] == run[0] + 1 else set())
    heading_sizes = sorted(
        {b.size for i, b in sized if b.size >= 1.15 * m.size and i not in title_at and _short(b.paragraph)},
        reverse=True,
    )[:3]
    out: list[Block] = []
    for i, block in enumerate(blocks):
        if not isinstance(block, _Sized):
            out.append(block)
        elif i in title_at:
            out.append(replace(block.paragraph, heading_level=0))
        elif block.size in heading_sizes and _short(block.paragraph):
            out.append(replace(block.paragraph, heading_level=heading_sizes.index(block.size) + 1))
        else:
            out.append(block.paragraph)
    return out


def _short(block: Block) -> bool:
    text = block.text.strip() if isinstance(block, Paragraph) else ""
    return 0 < len(text) <= 100 and text[-1] not in _SENTENCE_END
