"""From lines to paragraphs, tables and heading hints: where a paragraph begins, which text is the
title, which fonts mark headings."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace

from ...model import Block, Paragraph
from .lines import CJK, NO_LINE_START, Line, PageLines, join_lines
from .tables import Grid, find_grids

_SENTENCE_END = "。！？!?；;"

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
    left: dict[int, float] = field(default_factory=dict)  # page -> left margin
    right: dict[int, float] = field(default_factory=dict)  # page -> right margin
    cjk: bool = False
    indented: bool = False  # paragraphs begin with a first-line indent


def build_blocks(pages: list[PageLines]) -> list[Block]:
    """Paragraphs and tables of the whole document, in reading order."""
    metrics = _measure(pages)
    blocks: list = []  # _Sized paragraphs and Tables
    paragraph: list[Line] = []
    prev: tuple[int, Line] | None = None
    for page in pages:
        grids = find_grids(page.rules, page.lines)
        in_grid = {id(line) for grid in grids for line in grid.lines}
        items = [(line.top, 0, line) for line in page.lines if id(line) not in in_grid]
        items += [(grid.top, 1, grid) for grid in grids]
        for _top, _kind, item in sorted(items, key=lambda t: (t[0], t[1])):
            if isinstance(item, Grid):
                _flush(paragraph, blocks, metrics)
                paragraph, prev = [], None
                blocks.append(item.table())
                continue
            if prev is not None and _breaks(prev, (page.index, item), metrics):
                _flush(paragraph, blocks, metrics)
                paragraph = []
            item.page = page.index
            paragraph.append(item)
            prev = (page.index, item)
    _flush(paragraph, blocks, metrics)
    return _mark_titles_and_headings(blocks, metrics)


def _measure(pages: list[PageLines]) -> _Metrics:
    sizes = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.chars)
    size = sizes.most_common(1)[0][0] if sizes else 12.0
    body = [(p.index, line) for p in pages for line in p.lines if abs(line.size - size) < 0.5]
    steps = []
    for (pa, a), (pb, b) in itertools.pairwise(body):
        if pa == pb and 0.8 * size < b.top - a.top < 3 * size:
            steps.append(b.top - a.top)
    pitch = statistics.median(steps) if steps else 1.5 * size
    all_text = "".join(line.text for _, line in body[:200])
    metrics = _Metrics(size, pitch, cjk=len(CJK.findall(all_text)) > 0.3 * max(1, len(all_text)))
    doc_left = _mode([line.x0 for _, line in body]) if body else 0.0
    doc_right = _high([line.x1 for _, line in body]) if body else 0.0
    metrics.indented = _uses_first_line_indents(body, metrics, doc_left)
    for page in pages:
        lines = [line for p, line in body if p == page.index]
        metrics.left[page.index] = _mode([ln.x0 for ln in lines]) if len(lines) >= 5 else doc_left
        metrics.right[page.index] = _high([ln.x1 for ln in lines]) if len(lines) >= 5 else doc_right
    return metrics


def _uses_first_line_indents(body: list[tuple[int, Line]], m: _Metrics, left: float) -> bool:
    """Whether the text marks paragraphs with a first-line indent (one to four characters): true
    when most lines that follow an indented line start at the margin again."""
    indented = [i for i, (_, line) in enumerate(body) if 0.8 * m.size < line.x0 - left < 4.5 * m.size]
    if len(indented) < 3:
        return False
    back_at_margin = sum(
        1 for i in indented if i + 1 < len(body) and abs(body[i + 1][1].x0 - left) < 0.5 * m.size
    )
    return back_at_margin >= 0.6 * len(indented)


def _mode(values: list[float]) -> float:
    """The most common value, to the point; ties go to the smaller (the margin, not an indent)."""
    counts = Counter(round(v) for v in values)
    best = max(counts.values())
    return float(min(v for v, n in counts.items() if n == best))


def _high(values: list[float]) -> float:
    """Where full lines end: the 90th percentile, so a few lines running into the margin don't count."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def _breaks(prev_item: tuple[int, Line], item: tuple[int, Line], m: _Metrics) -> bool:
    """Whether `line` begins a new paragraph after `prev`."""
    prev_page, prev = prev_item
    page, line = item
    size = max(line.size, prev.size)
    if abs(line.size - prev.size) > 0.15 * m.size:
        return True
    if page == prev_page:
        step = line.top - prev.top
        if step > max(1.5 * m.pitch, prev.bottom - prev.top + 0.9 * size) or step < 0:
            return True
    left, right = m.left.get(page, 0.0), m.right.get(page, 0.0)
    if _centered(line, left, right) or _centered(
        prev, m.left.get(prev_page, 0.0), m.right.get(prev_page, 0.0)
    ):
        return True
    indent = line.x0 - left
    prev_indent = prev.x0 - m.left.get(prev_page, 0.0)
    if indent > 0.8 * line.size and abs(indent - prev_indent) > 0.5 * line.size:
        return True
    if indent < -0.5 * line.size:  # a hanging line that starts left of the margin
        return True
    free = m.right.get(prev_page, 0.0) - prev.x1
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
    spans = join_lines(lines)
    if not "".join(s.text for s in spans).strip():
        return
    page = lines[0].page
    centered = all(_centered(ln, m.left.get(page, 0.0), m.right.get(page, 0.0)) for ln in lines)
    blocks.append(_Sized(Paragraph(spans, font=_font_hint(lines), centered=centered), lines[0].size, page))


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
