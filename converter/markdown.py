"""Write a `Speech` as a Markdown page: YAML front matter, one `#` title, a heading per section.

Source text never becomes markup by accident: every character that Markdown, raw HTML or an
extension of the site could read as syntax is escaped, so `1. `, `#`, `<script>`, `{{ }}`,
`[x](javascript:…)` all stay text on the page.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

import yaml

from .model import (
    METADATA_FIELDS,
    Block,
    CodeBlock,
    ListItem,
    PageFields,
    Paragraph,
    Section,
    Span,
    Speech,
    Table,
    front_matter_of,
    is_chinese,
    merge_spans,
    plain_text,
)

# Characters Python-Markdown lets a backslash escape (its ESCAPED_CHARS); others go as entities.
BACKSLASH = set("\\`*_{}[]()#+-.!")
ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "~": "&#126;",
    "^": "&#94;",
    "=": "&#61;",
    "$": "&#36;",
    ":": "&#58;",
    '"': "&quot;",
}
# Only these need escaping everywhere; the rest of BACKSLASH only where they could start syntax.
ALWAYS = set("\\`*_[]<>&|~^{}#")
# Characters that end a line for Markdown or YAML besides \n: inside a paragraph they are spaces.
LINE_BREAKS = "\r\x0b\x0c\x85\u2028\u2029"
_ANY_LINE_BREAK = re.compile(f"[\n{LINE_BREAKS}]")  # a regex: str.translate is slow on non-ASCII text
# A run of dashes of any length: a list marker, a rule, or under a line a heading (setext), as is `=+`.
LINE_START = re.compile(r"^(\s*)(#{1,6}|-+|[+*]|\d+[.)]|>|=+|_{3,}|\*{3,}|!!!|\?\?\?|:::)(?=\s|$)")


# One table for both: a line break becomes a space (never a character of ALWAYS), and a character of
# ALWAYS its escape. A regex finds the few such characters in C; a loop over every character of a
# speech took 2 ms (str.translate with this table still 0.9 ms, a regex 0.1 ms).
_ESCAPES = {c: " " for c in LINE_BREAKS} | {
    ch: "\\" + ch if ch in BACKSLASH else ENTITIES[ch] for ch in ALWAYS
}
_TO_ESCAPE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


def escape_text(text: str) -> str:
    """Escape plain text for the inside of a Markdown paragraph, heading or table cell."""
    # ![ or ]( cannot form links once [ ] are escaped; :emoji: and {: attr} stay inert as well.
    return _TO_ESCAPE.sub(_escape_one, text)


def _escape_one(match: re.Match) -> str:
    return _ESCAPES[match.group()]


def escape_line_start(line: str) -> str:
    """Escape what would make a line a heading, list item, quote, rule or admonition."""
    m = LINE_START.match(line)
    if not m:
        return line
    lead, marker = m.group(1), m.group(2)
    if marker[0].isdigit():
        digits = marker[:-1]
        return f"{lead}{digits}\\{marker[-1]}{line[m.end() :]}"
    first = marker[0]
    escaped_first = "\\" + first if first in BACKSLASH else ENTITIES.get(first, first)
    return f"{lead}{escaped_first}{marker[1:]}{line[m.end() :]}"


def render_spans(spans: tuple[Span, ...], media_prefix: str, media_names: set[str]) -> str:
    """Inline Markdown for some spans. Adjacent spans with the same formatting are merged first."""
    parts = []
    for span in merge_spans(spans):
        if span.kind == "break":
            parts.append("<br>\n")
        elif span.kind == "note":
            parts.append(f"[^{_note_label(span.text)}]")
        elif span.kind == "image":
            parts.append(_render_image(span, media_prefix, media_names))
        else:
            parts.append(_render_text_span(span))
    text = "".join(parts).strip()
    return "\n".join(escape_line_start(line.strip()) for line in text.split("\n"))


def _render_text_span(span: Span) -> str:
    text = _ANY_LINE_BREAK.sub(" ", span.text)
    core = text.strip()
    if not core:
        return text
    inner = escape_text(core)
    if span.strike:
        inner = f"<del>{inner}</del>"
    if span.italic:
        inner = f"*{inner}*"
    if span.bold:
        inner = f"**{inner}**"
    if span.href and safe_href(span.href):
        inner = f"[{inner}](<{_escape_url(span.href)}>)"
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{inner}{trail}"


def safe_href(href: str) -> bool:
    """Only web, mail and in-page links are written as links; anything else stays text."""
    return bool(re.match(r"(?i)^(https?://|mailto:|#)[^<>\x00-\x1f]*$", href.strip()))


def _escape_url(url: str) -> str:
    return url.strip().replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def media_file_name(name: str) -> str:
    """The name a media file is published under: ASCII letters, digits, '.', '_' and '-' only, so it
    can never break out of a Markdown link; a short hash of the original keeps renamed files apart."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, _, suffix = base.rpartition(".") if "." in base else (base, "", "")
    safe_stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_-") or "file"
    safe_suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix).lower()
    safe = f"{safe_stem}.{safe_suffix}" if safe_suffix else safe_stem
    if safe != base:
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
        safe = f"{safe_stem}-{digest}.{safe_suffix}" if safe_suffix else f"{safe_stem}-{digest}"
    return safe


def _render_image(span: Span, media_prefix: str, media_names: set[str]) -> str:
    alt = escape_text(span.text or "")
    if span.src in media_names:
        return f"![{alt}]({media_prefix}{media_file_name(span.src)})"
    return alt  # never link an image from another host: the site makes no outside requests


def _note_label(note_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", note_id) or "note"


# --------------------------------------------------------------------------- blocks


def render_block(block: Block, ctx: _Context) -> str:
    if isinstance(block, Paragraph):
        text = render_spans(block.spans, ctx.media_prefix, ctx.media_names)
        if not text:
            return ""
        return "\n".join("> " + line for line in text.split("\n")) if block.quote else text
    if isinstance(block, ListItem):
        return render_list_item(block, ctx)
    if isinstance(block, Table):
        return render_table(block, ctx)
    if isinstance(block, CodeBlock):
        fence = "`" * max(3, _longest_run(block.text, "`") + 1)
        return f"{fence}text\n{block.text}\n{fence}"
    return ""


def render_list_item(item: ListItem, ctx: _Context) -> str:
    indent = "    " * item.level
    marker = "1." if item.ordered else "-"
    text = render_spans(item.spans, ctx.media_prefix, ctx.media_names) or "&nbsp;"
    lines = text.split("\n")
    rest = "".join(f"\n{indent}    {line}" for line in lines[1:])
    return f"{indent}{marker} {lines[0]}{rest}"


def render_table(table: Table, ctx: _Context) -> str:
    """A pipe table. A merged cell's text stands in its first position; the cells it covers are empty."""
    grid = _expand_merged(table)
    if not grid:
        return ""
    width = max(len(r) for r in grid)
    rows = [r + [""] * (width - len(r)) for r in grid]
    header = rows[0] if table.header_rows else [""] * width
    body = rows[1:] if table.header_rows else rows
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def _expand_merged(table: Table) -> list[list[str]]:
    grid: list[list[str | None]] = []
    for r, row in enumerate(table.rows):
        while len(grid) <= r:
            grid.append([])
        col = 0
        for cell in row:
            while col < len(grid[r]) and grid[r][col] is not None:
                col += 1
            text = render_spans(cell.spans, "", set()).replace("\n", " ").replace("<br> ", " ")
            for dr in range(cell.rowspan):
                while len(grid) <= r + dr:
                    grid.append([])
                line = grid[r + dr]
                while len(line) < col + cell.colspan:
                    line.append(None)
                for dc in range(cell.colspan):
                    line[col + dc] = text if (dr, dc) == (0, 0) else ""
            col += cell.colspan
    return [[c or "" for c in row] for row in grid]


def _longest_run(text: str, ch: str) -> int:
    return max((len(m) for m in re.findall(re.escape(ch) + "+", text)), default=0)


# --------------------------------------------------------------------------- page


class _Context:
    def __init__(self, speech: Speech, media_prefix: str):
        self.media_prefix = media_prefix
        self.media_names = {m.name for m in speech.media}


def render_blocks(blocks: tuple[Block, ...], ctx: _Context) -> list[str]:
    """Blocks as Markdown chunks; consecutive list items stay in one list."""
    chunks: list[str] = []
    for block in blocks:
        text = render_block(block, ctx)
        if not text:
            continue
        if isinstance(block, ListItem) and chunks and chunks[-1].endswith(("\x00list",)):
            chunks[-1] = chunks[-1][: -len("\x00list")] + "\n" + text + "\x00list"
        else:
            chunks.append(text + ("\x00list" if isinstance(block, ListItem) else ""))
    return [c.removesuffix("\x00list") for c in chunks]


def render_section(section: Section, ctx: _Context, out: list[str]) -> None:
    if section.level:
        # Headings are bold already: a bold run in one is the heading style showing through.
        spans = tuple(replace(s, bold=False) for s in section.heading)
        heading = render_spans(spans, ctx.media_prefix, ctx.media_names).replace("<br>\n", " ")
        out.append("#" * (section.level + 1) + " " + heading.replace("\n", " "))
    out.extend(render_blocks(section.blocks, ctx))
    for child in section.children:
        render_section(child, ctx, out)


def front_matter(fields: dict) -> str:
    """YAML front matter; values are plain data so `yaml.safe_load` gives back exactly what was written."""
    return front_matter_and_data(fields)[0]


def front_matter_and_data(fields: dict) -> tuple[str, dict]:
    """The front matter, and what `yaml.safe_load` reads back from it (the identity of the page without
    parsing it again)."""
    data = {k: (list(v) if isinstance(v, tuple) else v) for k, v in fields.items() if v not in (None, "", ())}
    text = _dump(data, allow_unicode=True)
    if not _round_trips(text, data):
        # A character YAML would fold (U+0085, U+2028, a form feed): write escapes instead.
        text = _dump(data, allow_unicode=False)
        data = yaml.safe_load(text)
    return f"---\n{text}---", data


# Characters of a front matter that PyYAML's pure-Python reader and LibYAML's read alike (printable, no
# line break but \n, no byte-order mark): only there may the fast C parser stand in for the Python one.
_LIBYAML_SAFE = re.compile("[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_C_LOADER = getattr(yaml, "CSafeLoader", None)


def _round_trips(text: str, data: dict) -> bool:
    """Whether the dumped front matter reads back as `data` (a fifth of the time it took to write a page
    with the pure-Python parser; the C one answers in a tenth of that, where both read the same)."""
    if _C_LOADER is not None and _LIBYAML_SAFE.fullmatch(text):
        return yaml.load(text, Loader=_C_LOADER) == data
    return yaml.safe_load(text) == data


def _dump(data: dict, allow_unicode: bool) -> str:
    return yaml.safe_dump(
        data, allow_unicode=allow_unicode, sort_keys=False, default_flow_style=None, width=10_000
    )


def page_fields(speech: Speech, extra: dict) -> dict:
    """The page's front matter: the speech's metadata and `extra`, as the page contract (PageFields)
    orders and types them; a field the contract does not know is an error, not a silent new field."""
    own = {name: getattr(speech.metadata, name) for name in METADATA_FIELDS}
    return front_matter_of(PageFields(**own, **extra))


def write_page(speech: Speech, extra: dict, media_prefix: str) -> str:
    """The whole page for a speech. `extra` holds the front-matter fields the pipeline adds
    (source_file, original, length, …); `media_prefix` is the relative path to its media folder."""
    return render_page(speech, extra, media_prefix)[0]


def render_page(speech: Speech, extra: dict, media_prefix: str) -> tuple[str, dict]:
    """The page (as `write_page`) and its front matter as `yaml.safe_load` reads it back."""
    ctx = _Context(speech, media_prefix)
    head, meta = front_matter_and_data(page_fields(speech, extra))
    out = [
        head,
        "# " + escape_text(speech.metadata.title.replace("\n", " ")),
    ]
    if speech.truncated:
        out.append(truncation_notice(speech.metadata.language))
    render_section(speech.body, ctx, out)
    out.extend(render_notes(speech, ctx))
    return "\n\n".join(chunk for chunk in out if chunk) + "\n", meta


def truncation_notice(language: str | None) -> str:
    if is_chinese(language):
        return '!!! warning "原文不完整"\n    来源文本在句中截断，以下内容不是讲话全文。'
    return '!!! warning "Incomplete source"\n    The source text ends mid-sentence; what follows is not the whole speech.'


def render_notes(speech: Speech, ctx: _Context) -> list[str]:
    notes = []
    for note_id, blocks in speech.notes.items():
        chunks = render_blocks(blocks, ctx) or [""]
        body = "\n\n".join(chunks).replace("\n", "\n    ")
        notes.append(f"[^{_note_label(note_id)}]: {body}")
    return notes


def speech_text(speech: Speech) -> str:
    """All visible text of the body, for counting its length."""
    parts: list[str] = []

    def walk(section: Section) -> None:
        parts.append(plain_text(section.heading))
        for block in section.blocks:
            if isinstance(block, (Paragraph, ListItem)):
                parts.append(block.text)
            elif isinstance(block, Table):
                parts.extend(plain_text(c.spans) for row in block.rows for c in row)
        for child in section.children:
            walk(child)

    walk(speech.body)
    return "\n".join(parts)
