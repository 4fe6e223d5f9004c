"""Tables drawn as ruled grids: the horizontal and vertical rules a page draws, and the text between them.

Only simple grids are recognised: rows between horizontal rules, columns between vertical rules that
run the table's whole height. A grid with fewer than two rows or two columns is a frame or an
underline, not a table. Tables without rules stay paragraphs: guessing columns from white space
alone splits too many ordinary lines.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2.raw as pdfium_c

from ...model import Cell, Table
from .lines import Line, join_lines

THIN = 3.0  # points: a path thinner than this is a rule
MIN_RULE = 8.0  # points: shorter strokes are glyph parts, bullets or dashes
SNAP = 2.0  # points: rules this close are the same grid line


@dataclass(frozen=True)
class Rule:
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


def find_rules(page, height: float) -> tuple[Rule, ...]:
    """Every horizontal or vertical rule on a page: thin filled rectangles, stroked lines and the
    edges of stroked rectangles."""
    rules: list[Rule] = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        if right - left < THIN or top - bottom < THIN:
            if max(right - left, top - bottom) >= MIN_RULE:
                rules.append(Rule(left, right, height - top, height - bottom))
            continue
        rules.extend(_segments(obj.raw, height))
    return tuple(rules)


def _segments(path, height: float) -> list[Rule]:
    """Axis-aligned straight segments of a path, in page coordinates."""
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(path, matrix):
        return []
    count = pdfium_c.FPDFPath_CountSegments(path)
    if count <= 1 or count > 2000:
        return []
    x, y = ctypes.c_float(), ctypes.c_float()
    points, out = [], []
    for i in range(count):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, i)
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        px = matrix.a * x.value + matrix.c * y.value + matrix.e
        py = matrix.b * x.value + matrix.d * y.value + matrix.f
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and points:
            out.append(_rule(points[-1], (px, py), height))
        if pdfium_c.FPDFPathSegment_GetClose(segment) and points:
            start = points[0]
            out.append(_rule((px, py), start, height))
        points = [(px, py)] if kind == pdfium_c.FPDF_SEGMENT_MOVETO else [*points, (px, py)]
    return [r for r in out if r is not None]


def _rule(a: tuple[float, float], b: tuple[float, float], height: float) -> Rule | None:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) < 0.5 and abs(ax - bx) >= MIN_RULE:
        return Rule(min(ax, bx), max(ax, bx), height - ay, height - ay)
    if abs(ax - bx) < 0.5 and abs(ay - by) >= MIN_RULE:
        return Rule(ax, ax, height - max(ay, by), height - min(ay, by))
    return None


@dataclass
class Grid:
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    lines: list[Line] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.ys[0]

    def contains(self, line: Line) -> bool:
        cx = (line.x0 + line.x1) / 2
        return self.xs[0] <= cx <= self.xs[-1] and self.ys[0] <= line.center <= self.ys[-1]

    def table(self) -> Table:
        cells: list[list[list[Line]]] = [[[] for _ in self.xs[1:]] for _ in self.ys[1:]]
        for line in self.lines:
            for piece in _split_at(line, self.xs):
                row = _slot(piece.center, self.ys)
                col = _slot((piece.x0 + piece.x1) / 2, self.xs)
                cells[row][col].append(piece)
        rows = tuple(tuple(Cell(_cell_spans(lines)) for lines in row) for row in cells)
        return Table(rows, header_rows=1 if len(rows) > 1 else 0)


def _slot(value: float, bounds: list[float]) -> int:
    for i in range(len(bounds) - 1):
        if value <= bounds[i + 1]:
            return i
    return len(bounds) - 2


def _split_at(line: Line, xs: list[float]) -> list[Line]:
    """A text line that crosses column rules (PDFium joined two cells' text) cut at the rules."""
    pieces: dict[int, list] = {}
    for char in line.chars:
        pieces.setdefault(_slot((char.x0 + char.x1) / 2, xs), []).append(char)
    return [Line(chars) for _, chars in sorted(pieces.items()) if "".join(c.text for c in chars).strip()]


def _cell_spans(lines: list[Line]):
    return join_lines(sorted(lines, key=lambda ln: (round(ln.center / 3), ln.x0)))


def find_grids(rules: tuple[Rule, ...], lines: tuple[Line, ...]) -> list[Grid]:
    """Ruled tables on a page, each with the text lines inside it."""
    horizontal = [r for r in rules if r.horizontal]
    vertical = [r for r in rules if not r.horizontal]
    grids: list[Grid] = []
    for group in _overlapping(horizontal):
        ys = _snap([r.top for r in group])
        if len(ys) < 3:
            continue
        left, right = min(r.x0 for r in group), max(r.x1 for r in group)
        inner = [
            v
            for v in vertical
            if left - SNAP <= v.x0 <= right + SNAP and v.top <= ys[0] + SNAP and v.bottom >= ys[1] - SNAP
        ]
        xs = _snap([v.x0 for v in inner])
        if len(xs) < 3:
            continue
        grid = Grid(xs, ys)
        grid.lines = [line for line in lines if grid.contains(line)]
        if grid.lines:
            grids.append(grid)
    return grids


def _overlapping(rules: list[Rule]) -> list[list[Rule]]:
    """Horizontal rules grouped by overlapping x ranges and closeness in height (one table each)."""
    groups: list[list[Rule]] = []
    for rule in sorted(rules, key=lambda r: r.top):
        for group in groups:
            last = group[-1]
            overlaps = rule.x0 < max(r.x1 for r in group) and rule.x1 > min(r.x0 for r in group)
            if overlaps and rule.top - last.top < 200:
                group.append(rule)
                break
        else:
            groups.append([rule])
    return groups


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > SNAP:
            out.append(value)
    return out
