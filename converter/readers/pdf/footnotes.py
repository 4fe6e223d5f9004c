"""Footnotes of a printed document: small text at the foot of a page, each note opening with its mark
(1, [1], ①, *), and the same mark set small and raised in the text above.

A note is recognised only when both halves are there: the note at the foot and its mark in the
text of the same page. Anything less stays text, so small print that is not a footnote (a caption, a
signature block) is never taken out of the page.
"""

from __future__ import annotations

from dataclasses import replace

from ...model import Block, Paragraph
from .lines import NOTE_MARK, Line, PageLines, join_lines, superscript_mark

NOTE_SIZE = 0.9  # footnotes are set smaller than this share of the body size


def split_footnotes(
    pages: list[PageLines], body_size: float
) -> tuple[list[PageLines], dict[str, tuple[Block, ...]], dict[tuple[int, str], str]]:
    """The pages without their footnotes, the notes by id, and the id of each (page, mark)."""
    out, notes, refs = [], {}, {}
    for page in pages:
        foot = _foot_lines(page, body_size)
        marks_in_text = _superscript_marks(page.lines[: len(page.lines) - len(foot)])
        found = _notes(foot) if foot else {}
        if not found or not set(found) & marks_in_text:
            out.append(page)
            continue
        for mark, lines in found.items():
            note_id = f"{page.index + 1}-{mark}"
            notes[note_id] = (Paragraph(join_lines(lines)),)
            refs[(page.index, mark)] = note_id
        out.append(replace(page, lines=page.lines[: len(page.lines) - len(foot)]))
    return out, notes, refs


def _foot_lines(page: PageLines, body_size: float) -> tuple[Line, ...]:
    """The small lines that end the page, from the first one that opens with a mark."""
    start = len(page.lines)
    while start > 0:
        line = page.lines[start - 1]
        if line.size > NOTE_SIZE * body_size or line.top < page.height / 2:
            break
        start -= 1
    foot = page.lines[start:]
    while foot and not NOTE_MARK.match(foot[0].text):
        foot = foot[1:]
    return tuple(foot)


def _notes(foot: tuple[Line, ...]) -> dict[str, list[Line]]:
    """Each note's lines, the mark cut off its first line."""
    notes: dict[str, list[Line]] = {}
    current: list[Line] | None = None
    for line in foot:
        match = NOTE_MARK.match(line.text)
        if match:
            mark = next(g for g in match.groups() if g)
            current = notes.setdefault(mark, [])
            rest = _without_mark(line, len(match.group(0).strip()))
            if rest is not None:
                current.append(rest)
        elif current is not None:
            current.append(line)
    return {mark: lines for mark, lines in notes.items() if any(ln.chars for ln in lines)}


def _without_mark(line: Line, mark_length: int) -> Line | None:
    visible = [c for c in line.chars if not c.text.isspace()]
    drop = {id(c) for c in visible[:mark_length]}
    kept = [c for c in line.chars if id(c) not in drop]
    while kept and kept[0].text.isspace():
        kept.pop(0)
    return Line(kept, page=line.page, column=line.column) if kept else None


def _superscript_marks(lines) -> set[str]:
    marks = set()
    for line in lines:
        i = 0
        while i < len(line.chars):
            mark, length = superscript_mark(line.chars, i, line.size)
            if length:
                marks.add(mark)
            i += max(length, 1)
    return marks
