"""The one document model every reader produces and the writer consumes.

A reader turns a source file into a `Document`: a flat run of blocks plus whatever metadata the
file itself carries. The shared stages (`cleaning`, `metadata`, `sections`) turn that into a
`Speech`: a title, validated `Metadata` and a tree of `Section`s. `markdown.write_page` renders a
`Speech`. Everything here is frozen so a stage can never change what an earlier stage saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Literal

# --------------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Message:
    """Something dropped, guessed or wrong. `code` is stable (listed in the README); `text` is for people."""

    level: Literal["warning", "error"]
    code: str
    text: str

    def as_dict(self) -> dict:
        return {"level": self.level, "code": self.code, "text": self.text}


def warning(code: str, text: str) -> Message:
    return Message("warning", code, text)


def error(code: str, text: str) -> Message:
    return Message("error", code, text)


class ConversionError(Exception):
    """A source that cannot become a page. Carries the message that goes into the report."""

    def __init__(self, code: str, text: str):
        super().__init__(text)
        self.message = error(code, text)


# --------------------------------------------------------------------------- inline content


@dataclass(frozen=True)
class Span:
    """A run of text with one formatting. The writer escapes `text`, so it is always plain text.

    `kind` says what the span is:
      - "text": ordinary text (with `bold`/`italic`/`strike`, and `href` when it is a link);
      - "break": a line break inside the paragraph (`text` is ignored);
      - "image": an image; `src` is a file name in `Document.media` or an http(s) URL, `text` its alt text;
      - "note": a reference to a footnote or endnote; `text` is the note's id in `Document.notes`.
    """

    text: str
    bold: bool = False
    italic: bool = False
    strike: bool = False
    href: str | None = None
    kind: Literal["text", "break", "image", "note"] = "text"
    src: str | None = None


def merge_spans(spans) -> tuple[Span, ...]:
    """Adjacent text spans with the same formatting joined into one (readers split runs freely)."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if last is not None and span.kind == last.kind == "text" and _format(span) == _format(last):
            out[-1] = Span(last.text + span.text, last.bold, last.italic, last.strike, last.href)
        else:
            out.append(span)
    return tuple(out)


def _format(span: Span) -> tuple:
    return (span.bold, span.italic, span.strike, span.href)


def plain_text(spans: tuple[Span, ...]) -> str:
    """The visible text of some spans, breaks as newlines, images and note marks left out."""
    return "".join(s.text if s.kind == "text" else "\n" if s.kind == "break" else "" for s in spans)


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of body text, with the hints the section finder uses.

    `heading_level` is set only when the source itself marks the paragraph as a heading (a Word
    heading style or outline level, an HTML <h2>): 1 is the top level. `font` is the East Asian
    font name when the source names one (黑体 and 楷体 mark headings in Chinese office documents).
    """

    spans: tuple[Span, ...]
    heading_level: int | None = None
    font: str | None = None
    centered: bool = False
    quote: bool = False

    @cached_property
    def text(self) -> str:
        # Cached: the section finder asks a paragraph for its text a dozen times, and spans never change.
        return plain_text(self.spans)

    @property
    def all_bold(self) -> bool:
        visible = [s for s in self.spans if s.kind == "text" and s.text.strip()]
        return bool(visible) and all(s.bold for s in visible)


@dataclass(frozen=True)
class ListItem:
    """One item of a bulleted or numbered list; consecutive items form one list. `level` counts from 0."""

    spans: tuple[Span, ...]
    ordered: bool = False
    level: int = 0

    @cached_property
    def text(self) -> str:
        return plain_text(self.spans)


@dataclass(frozen=True)
class Cell:
    spans: tuple[Span, ...]
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Table:
    """Rows of cells. A merged cell appears once, in its top-left position, with its spans set."""

    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 0


@dataclass(frozen=True)
class CodeBlock:
    text: str


Block = Paragraph | ListItem | Table | CodeBlock


# --------------------------------------------------------------------------- what a reader returns


@dataclass(frozen=True)
class Media:
    """A file extracted from the source (an image), written beside the page under `name`."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Document:
    """What a reader found in one source file.

    `metadata` holds only what the file itself says, keyed by `Metadata` field names
    (e.g. {"title": "...", "date": "2023-04-19", "source_name": "县人民政府"}); later stages add the
    rest. `notes` maps a note id to its blocks. `truncated` is set when the reader can tell the
    source was cut off.
    """

    blocks: tuple[Block, ...]
    metadata: dict = field(default_factory=dict)
    notes: dict[str, tuple[Block, ...]] = field(default_factory=dict)
    media: tuple[Media, ...] = ()
    messages: tuple[Message, ...] = ()
    truncated: bool = False


# --------------------------------------------------------------------------- what the writer takes


@dataclass(frozen=True)
class Metadata:
    """A speech's metadata, as written into the page's front matter. Every field is optional but `title`."""

    title: str
    date: str | None = None  # YYYY-MM-DD, or YYYY-MM / YYYY when only that is known
    speaker: str | None = None
    event: str | None = None
    location: str | None = None
    language: str | None = None  # BCP 47: "zh", "en", ...
    tags: tuple[str, ...] = ()
    summary: str | None = None
    source_name: str | None = None  # the publisher the source came from (来源), e.g. a portal's name
    source_url: str | None = None


METADATA_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Metadata))


@dataclass(frozen=True, kw_only=True)
class PageFields(Metadata):
    """The page contract: every field of a speech page's front matter, in the order written. The converter
    writes it (`front_matter_of`), the site hooks read it (`read_page_fields`), so the two cannot drift
    apart. A speech's own Metadata, then what the converter adds about the page."""

    source_file: str = ""  # the source's path under SOURCES
    source_format: str = ""  # its format's name (FORMAT_NAMES)
    original: str = ""  # the published original, relative to the page's source file
    length: int | None = None
    length_unit: str = ""  # "characters" (Chinese) or "words"
    reading_minutes: int | None = None
    truncated: bool = False
    slug: str = ""
    converter: str = ""  # "speech-archive <version>"


PAGE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PageFields))
_PAGE_INT_FIELDS = ("length", "reading_minutes")


def front_matter_of(page: PageFields) -> dict:
    """The front matter of a page, field by field in the contract's order (tags as a list)."""
    data = {name: getattr(page, name) for name in PAGE_FIELDS}
    data["tags"] = list(page.tags)
    return data


def read_page_fields(meta: dict, fallback_title: str = "") -> PageFields:
    """A page's fields from its front matter as YAML gives it (a hand-edited page may hold anything):
    text fields as single-line strings ("" when missing; a YAML date as YYYY-MM-DD), tags as a tuple of
    strings, numbers as int or None, `truncated` only when it is true. The date is not checked here:
    the caller decides what a bad date costs."""
    text = {
        name: _text(meta.get(name))
        for name in PAGE_FIELDS
        if name not in ("tags", "truncated", *_PAGE_INT_FIELDS)
    }
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    text["title"] = text["title"] or fallback_title
    return PageFields(
        **text,
        tags=tuple(t for t in (_text(t) for t in tags) if t) if isinstance(tags, (list, tuple)) else (),
        length=_int(meta.get("length")),
        reading_minutes=_int(meta.get("reading_minutes")),
        truncated=meta.get("truncated") is True,
    )


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):  # YAML reads an unquoted 2023-04-19 as a date
        return value.strftime("%Y-%m-%d")
    return " ".join(str(value).split())


def _int(value) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def is_chinese(language: str | None) -> bool:
    """Whether a BCP 47 language tag is Chinese: its primary subtag decides (zh, zh-CN, zh-Hans,
    zh-Hant-TW, ZH are; en-GB is not). Chinese processing (sections, punctuation, length in characters)
    follows it; the full tag is kept for the page's <html lang> and the feeds."""
    return bool(language) and language.split("-", 1)[0].strip().lower() == "zh"


# Fields a sidecar file or a catalog.csv row may set, besides those of Metadata.
# `replaces` names old slugs of the speech (a removed page's), to redirect to it.
OVERRIDE_ONLY_FIELDS = ("slug", "replaces")


@dataclass(frozen=True)
class Section:
    """A heading and what follows it up to the next heading of the same or a higher level.

    `level` 1 is the top section of the page (written as ##). The part of a speech before its
    first heading is the root section: `heading` empty and `level` 0.
    """

    heading: tuple[Span, ...]
    level: int
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()

    @property
    def title(self) -> str:
        return plain_text(self.heading)


@dataclass(frozen=True)
class Speech:
    """A speech ready to be written: metadata, the section tree and what goes with it."""

    metadata: Metadata
    body: Section
    notes: dict[str, tuple[Block, ...]] = field(default_factory=dict)
    media: tuple[Media, ...] = ()
    truncated: bool = False
