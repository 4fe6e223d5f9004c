"""Walk a (made safe) HTML article element into the document model's blocks.

<p>/<div> text -> Paragraph, <h1>-<h6> -> Paragraph(heading_level), <li> -> ListItem, <table> -> Table (with
colspan/rowspan; a one-column layout table is walked as a container), <blockquote> -> quoted paragraphs,
<pre> -> CodeBlock; b/strong/i/em/s/a/br/img become Span flags and kinds. Text in a Span is always plain text.
A run of <br> (or a <br> before an indented line) between runs of text separates paragraphs, as old portal
pages lay out a speech. Images: a local file beside the page becomes Media only when it resolves inside the
page's folder and is really an image; remote images are never embedded (kept as a link).
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..han import CJK_WIDE
from ..model import (
    Block,
    Cell,
    CodeBlock,
    ListItem,
    Media,
    Message,
    Paragraph,
    Span,
    Table,
    merge_spans,
    warning,
)

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "center",
        "address",
        "figure",
        "figcaption",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "form",
        "fieldset",
        "details",
        "summary",
    ]
)
BOLD_TAGS, ITALIC_TAGS, STRIKE_TAGS = {"b", "strong"}, {"i", "em", "cite", "var"}, {"s", "strike", "del"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
)
MAX_IMAGE_BYTES = 20 * 1024 * 1024
INDENT = "\u3000\u00a0\u2002\u2003"
EDGE_SPACE = " \t\n\r\f" + INDENT + "\u200b\ufeff"
# A newline between two characters of East Asian type is no space (han.CJK_WIDE: wider than Han).
NEWLINE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK_WIDE}])[ \t\r\f]*\n[\s]*(?=[{CJK_WIDE}])")
WHITESPACE = re.compile(r"[ \t\n\r\f]+")


class _Split:
    """A paragraph boundary inside a run of inline content (from <br><br> or <br> before an indent)."""


SPLIT = _Split()


class Walker:
    """Turns an article element into blocks; collects the media it embeds and the messages it raises."""

    def __init__(self, *, source: Path, base_url: str | None = None):
        self.folder = source.parent.resolve()
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.media: list[Media] = []
        self.messages: list[Message] = []
        self._inline: list = []
        self._media_names: set[str] = set()

    def walk(self, article) -> list[Block]:
        self._container(article, quote=False, centered=False)
        self._flush(quote=False, centered=False)
        return self.blocks

    # ----------------------------------------------------------------- blocks

    def _container(self, element, *, quote: bool, centered: bool) -> None:
        """Walk an element whose children may be blocks: inline runs between them become paragraphs."""
        self._text(element.text, _Format())
        for child in element:
            if not isinstance(child.tag, str):
                self._text(child.tail, _Format())
                continue
            tag = child.tag.lower()
            if tag in BLOCK_TAGS:
                self._flush(quote=quote, centered=centered)
                self._block(child, tag, quote=quote, centered=centered)
            else:
                self._inline_element(child, _Format())
            self._text(child.tail, _Format())

    def _block(self, element, tag: str, *, quote: bool, centered: bool) -> None:
        centered = centered or _is_centered(element)
        if tag in HEADINGS:
            spans = self._spans_of(element)
            level = HEADINGS[tag]
            if level == 1 and not any(isinstance(b, Paragraph) and b.heading_level == 0 for b in self.blocks):
                level = 0
            if spans:
                self.blocks.append(Paragraph(spans, heading_level=level, centered=centered))
        elif tag in ("ul", "ol"):
            self._list(element, ordered=tag == "ol", level=0)
        elif tag == "table":
            self._table(element, quote=quote, centered=centered)
        elif tag == "pre":
            text = element.text_content().strip("\n")
            if text.strip():
                self.blocks.append(CodeBlock(text))
        elif tag == "hr":
            return
        else:
            self._container(element, quote=quote or tag == "blockquote", centered=centered)
            self._flush(quote=quote or tag == "blockquote", centered=centered)

    def _flush(self, *, quote: bool, centered: bool) -> None:
        items, self._inline = self._inline, []
        for spans in _split_runs(items):
            spans = _trim(list(merge_spans(spans)))
            if any(s.kind != "break" for s in spans):
                self.blocks.append(Paragraph(tuple(spans), quote=quote, centered=centered))

    def _list(self, element, *, ordered: bool, level: int) -> None:
        for item in element:
            if not isinstance(item.tag, str):
                continue
            tag = item.tag.lower()
            if tag in ("ul", "ol"):
                self._list(item, ordered=tag == "ol", level=level + 1)
                continue
            nested = [
                child for child in item if isinstance(child.tag, str) and child.tag.lower() in ("ul", "ol")
            ]
            spans = self._spans_of(item, skip=nested)
            if spans:
                self.blocks.append(ListItem(spans, ordered=ordered, level=level))
            for child in nested:
                self._list(child, ordered=child.tag.lower() == "ol", level=level + 1)

    def _table(self, element, *, quote: bool, centered: bool) -> None:
        rows = element.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
        cells = [row.xpath("./td | ./th") for row in rows]
        if _is_layout_table(element, cells):
            for row in cells:
                for cell in row:
                    self._container(cell, quote=quote, centered=centered)
                    self._flush(quote=quote, centered=centered)
            return
        out_rows, header_rows, in_header = [], 0, True
        for row, row_cells in zip(rows, cells, strict=True):
            out = tuple(
                Cell(
                    self._spans_of(cell),
                    colspan=_span_count(cell, "colspan"),
                    rowspan=_span_count(cell, "rowspan"),
                )
                for cell in row_cells
            )
            if not out:
                continue
            is_header = row.getparent().tag == "thead" or all(c.tag == "th" for c in row_cells)
            if in_header and is_header:
                header_rows += 1
            else:
                in_header = False
            out_rows.append(out)
        if out_rows:
            self.blocks.append(Table(tuple(out_rows), header_rows=header_rows))

    # ----------------------------------------------------------------- inline content

    def _spans_of(self, element, skip=()) -> tuple[Span, ...]:
        """All of an element's content as one run of spans (block children are separated by line breaks)."""
        saved, self._inline = self._inline, []
        self._inline_children(element, _Format(), skip=skip, block_breaks=True)
        items, self._inline = self._inline, saved
        spans = [item if isinstance(item, Span) else Span("", kind="break") for item in items]
        return tuple(_trim(list(merge_spans(spans))))

    def _inline_children(self, element, fmt: _Format, *, skip=(), block_breaks=False) -> None:
        self._text(element.text, fmt)
        for child in element:
            if isinstance(child.tag, str) and not any(child is s for s in skip):
                if block_breaks and child.tag.lower() in BLOCK_TAGS and self._inline:
                    self._inline.append(Span("", kind="break"))
                self._inline_element(child, fmt, block_breaks=block_breaks)
            self._text(child.tail, fmt)

    def _inline_element(self, element, fmt: _Format, *, block_breaks: bool = False) -> None:
        tag = element.tag.lower()
        if tag == "br":
            self._break(element)
            return
        if tag == "img":
            self._image(element, fmt)
            return
        if tag == "embedded-content":
            self._warn(
                "embedded-content-removed", f"an embedded {element.get('kind')} in the article was dropped"
            )
            return
        fmt = fmt.inside(element, tag, self)
        self._inline_children(element, fmt, block_breaks=block_breaks)

    def _text(self, text: str | None, fmt: _Format) -> None:
        if not text:
            return
        if (
            self._inline
            and self._inline[-1] is _PENDING_BREAK
            and text.lstrip(" \t\r\n").startswith(tuple(INDENT))
        ):
            self._inline[-1] = SPLIT
        text = WHITESPACE.sub(" ", NEWLINE_BETWEEN_CJK.sub("", text)).replace("\u00a0", " ")
        if text:
            self._inline.append(
                Span(text, bold=fmt.bold, italic=fmt.italic, strike=fmt.strike, href=fmt.href)
            )

    def _break(self, element) -> None:
        last = next((item for item in reversed(self._inline) if not _is_blank(item)), None)
        if last is _PENDING_BREAK or last is SPLIT:
            while self._inline and _is_blank(self._inline[-1]):
                self._inline.pop()
            self._inline[-1] = SPLIT
        else:
            self._inline.append(_PENDING_BREAK)

    def _image(self, element, fmt: _Format) -> None:
        src = (element.get("src") or "").strip()
        alt = " ".join((element.get("alt") or element.get("title") or "").split())
        scheme = _scheme(src)
        if scheme in ("http", "https") or src.startswith("//"):
            url = src if scheme else "https:" + src
            self._warn(
                "remote-image-not-embedded", f"the remote image {url[:120]} is kept as a link, not embedded"
            )
            label = alt or Path(urlsplit(url).path).name or url
            self._inline.append(Span(label, bold=fmt.bold, italic=fmt.italic, href=url))
            return
        data = self._image_bytes(src, scheme)
        extension = _image_extension(data) if data is not None else None
        if extension is None:
            shown = src[:60] + ("…" if len(src) > 60 else "")
            self._warn(
                "image-not-embedded",
                f"the image {shown!r} is missing, outside the page's folder or not an image",
            )
            if alt:
                self._inline.append(Span(alt, bold=fmt.bold, italic=fmt.italic))
            return
        name = self._media_name(src if scheme != "data" else "image", extension)
        self.media.append(Media(name, data))
        self._inline.append(Span(alt, kind="image", src=name))

    def _image_bytes(self, src: str, scheme: str | None) -> bytes | None:
        if scheme == "data":
            header, _, payload = src.partition(",")
            if ";base64" not in header.lower():
                return None
            try:
                return base64.b64decode(payload, validate=False)[:MAX_IMAGE_BYTES]
            except (binascii.Error, ValueError):
                return None
        if scheme or not src:
            return None
        path = (self.folder / unquote(urlsplit(src).path)).resolve()
        if (
            not path.is_relative_to(self.folder)
            or not path.is_file()
            or path.stat().st_size > MAX_IMAGE_BYTES
        ):
            return None
        return path.read_bytes()

    def _media_name(self, src: str, extension: str) -> str:
        stem = (
            re.sub(r"[^A-Za-z0-9_-]+", "-", Path(unquote(urlsplit(src).path)).stem).strip("-")[:60] or "image"
        )
        name, n = f"{stem}{extension}", 1
        while name in self._media_names:
            n += 1
            name = f"{stem}-{n}{extension}"
        self._media_names.add(name)
        return name

    def safe_href(self, href: str) -> str | None:
        """An http(s)/mailto/tel link, a relative link resolved against the page's URL, or None (with a
        warning when a link was dropped)."""
        href = href.strip()
        if not href or href.startswith("#"):
            return None
        scheme = _scheme(href)
        if scheme in SAFE_SCHEMES:
            return href
        if scheme:
            self._warn("unsafe-link-removed", f"a {scheme}: link was removed, its text kept")
            return None
        if self.base_url:
            return urljoin(self.base_url, href)
        self._warn(
            "relative-link-removed", f"the link {href[:80]!r} points into the original site and was removed"
        )
        return None

    def _warn(self, code: str, text: str) -> None:
        self.messages.append(warning(code, text))


class _PendingBreak:
    """A single <br>: a line break, or a paragraph boundary if an indented line or another <br> follows."""


_PENDING_BREAK = _PendingBreak()


class _Format:
    """The inline formatting in force: bold, italic, strike and the link target."""

    def __init__(self, bold=False, italic=False, strike=False, href=None):
        self.bold, self.italic, self.strike, self.href = bold, italic, strike, href

    def inside(self, element, tag: str, walker: Walker) -> _Format:
        style = (element.get("style") or "").lower().replace(" ", "")
        href = self.href
        if tag == "a" and element.get("href") is not None:
            href = walker.safe_href(element.get("href"))
        return _Format(
            bold=self.bold or tag in BOLD_TAGS or re.search(r"font-weight:(bold|[6-9]00)", style) is not None,
            italic=self.italic or tag in ITALIC_TAGS or "font-style:italic" in style,
            strike=self.strike or tag in STRIKE_TAGS or "line-through" in style,
            href=href,
        )


# --------------------------------------------------------------------------- helpers


def _scheme(url: str) -> str | None:
    # Browsers ignore tabs, newlines and control characters inside a URL ('java\tscript:' is javascript:).
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    match = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else None


def _image_extension(data: bytes) -> str | None:
    for magic, extension in IMAGE_MAGIC:
        if data.startswith(magic):
            return extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return None


def _is_blank(item) -> bool:
    return isinstance(item, Span) and item.kind == "text" and not item.text.strip(EDGE_SPACE)


def _split_runs(items: list) -> list[list[Span]]:
    runs: list[list[Span]] = [[]]
    for item in items:
        if item is SPLIT:
            runs.append([])
        elif item is _PENDING_BREAK:
            runs[-1].append(Span("", kind="break"))
        else:
            runs[-1].append(item)
    return runs


def _trim(spans: list[Span]) -> list[Span]:
    """Strip leading/trailing whitespace and breaks of a paragraph (indentation such as U+3000 included)."""
    spans = list(spans)
    while spans and (spans[0].kind == "break" or _is_blank(spans[0])):
        spans.pop(0)
    while spans and (spans[-1].kind == "break" or _is_blank(spans[-1])):
        spans.pop()
    if spans and spans[0].kind == "text":
        spans[0] = _with_text(spans[0], spans[0].text.lstrip(EDGE_SPACE))
    if spans and spans[-1].kind == "text":
        spans[-1] = _with_text(spans[-1], spans[-1].text.rstrip(EDGE_SPACE))
    for i in range(1, len(spans)):
        if spans[i - 1].kind == "break" and spans[i].kind == "text":
            spans[i] = _with_text(spans[i], spans[i].text.lstrip(EDGE_SPACE))
    return [s for s in spans if s.kind != "text" or s.text]


def _with_text(span: Span, text: str) -> Span:
    return Span(text, span.bold, span.italic, span.strike, span.href, span.kind, span.src)


def _is_centered(element) -> bool:
    style = (element.get("style") or "").lower().replace(" ", "")
    return (
        (element.get("align") or "").lower() == "center"
        or "text-align:center" in style
        or element.tag == "center"
    )


def _span_count(cell, attribute: str) -> int:
    try:
        return min(max(int((cell.get(attribute) or "1").strip()), 1), 1000)
    except ValueError:
        return 1


def _is_layout_table(table, cells: list[list]) -> bool:
    """A table used for page layout: one column, or cells holding paragraphs or further tables."""
    if not cells or all(len(row) <= 1 for row in cells):
        return True
    return any(
        cell.find(".//table") is not None or len(cell.findall(".//p")) > 1 for row in cells for cell in row
    )
