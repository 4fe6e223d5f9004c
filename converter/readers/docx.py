"""Reader for Word .docx files: the main document part becomes a flat run of model blocks.

python-docx opens the package (parts, relationships, core properties); the body XML is walked once
with lxml. The reader reports what the file marks (heading styles and outline levels, fonts, centring,
bold/italic/strike, links, lists, tables, notes, text boxes, images) and leaves judgement to the shared
stages: a heading style on a long paragraph is still reported as a heading here. Word auto-numbering
drawn in Chinese form (一、 （一） 第一章) is written into the paragraph's text, because the section finder
reads the numbering from the text; other numbered paragraphs become `ListItem`s.

Message codes (warnings in `Document.messages`, deduplicated):
  unrecognised-element     an element the reader does not know was ignored (its text, if any, is kept)
  undefined-style          a paragraph or run names a style the styles part does not define
  comments-dropped         Word comments were left out of the page
  linked-image             an image linked to an outside file (not embedded) was left out
  missing-image            an image whose part is missing from the package was left out
  unsupported-image        an embedded image in a format browsers cannot show (e.g. EMF/WMF) was kept as-is
  missing-note             a footnote or endnote reference points at no note
  math-as-text             an equation was kept as plain text
  nested-table-flattened   a table inside a table cell was flattened into the cell's text
  object-dropped           an embedded object, chart, diagram or ink drawing was left out
  symbol-dropped           a symbol-font character (w:sym) was left out
  altchunk-dropped         imported content (w:altChunk, e.g. embedded HTML or RTF) was left out

ConversionError codes:
  not-a-docx      not a zip package (an old .doc, a renamed file) or not a Word document
  encrypted       a password-protected (encrypted) Word file
  no-main-part    the package has no main document part
  damaged-docx    the package or its XML is broken
  unreadable      the file could not be read from disk
  reader-failed   the reader itself failed on this file (a bug to report)
"""

from __future__ import annotations

import functools
import hashlib
import io
import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, PartFactory
from lxml import etree

from ..han import CJK_WIDE, HANGUL_SYLLABLES
from ..model import (
    Block,
    Cell,
    ConversionError,
    Document,
    ListItem,
    Media,
    Message,
    Paragraph,
    Span,
    Table,
    merge_spans,
    warning,
)

EXTENSIONS = (".docx",)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
V = "urn:schemas-microsoft-com:vml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"

PREFIXES = {
    W: "w",
    R: "r",
    A: "a",
    WP: "wp",
    V: "v",
    MC: "mc",
    M: "m",
    "urn:schemas-microsoft-com:office:office": "o",
    "urn:schemas-microsoft-com:office:word": "w10",
    "http://schemas.microsoft.com/office/word/2010/wordml": "w14",
    "http://schemas.microsoft.com/office/word/2012/wordml": "w15",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape": "wps",
}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
STRICT_NS = re.compile(rb"http://purl\.oclc\.org/ooxml/(\w+)/")
SAVE_AS_DOCX = "If it is an old .doc, open it in Word or LibreOffice and save it as .docx."
WEB_IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".svg", ".webp", ".tif", ".tiff"}
QUOTE_STYLES = {"quote", "intense quote", "block text"}
# A list label in East Asian type (Chinese, Japanese or Korean, full-width forms) follows CJK numbering.
EAST_ASIAN = re.compile(f"[{CJK_WIDE}{HANGUL_SYLLABLES}]")
WORD_END = re.compile(r"[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff.,;:!?]$")
FULL_WIDTH_END = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]$")
HEADING_NAME = re.compile(r"(?:heading|标题)\s*(\d)")  # WPS may write the localized name
HYPERLINK_FIELD = re.compile(r"^\s*HYPERLINK\b(.*)$", re.S)
FIELD_ARG = re.compile(r'"([^"]*)"|(\S+)')

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


@functools.cache
def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element or attribute (prefix-agnostic: `ns0:` works too)."""
    return f"{{{W}}}{tag}"


def _val(el, attr: str = "val") -> str | None:
    return None if el is None else el.get(w(attr))


def _on(el) -> bool | None:
    """A Word on/off property: None when absent, else its value (a bare <w:b/> is on)."""
    if el is None:
        return None
    return _val(el) not in ("0", "false", "off", "none")


# --------------------------------------------------------------------------- opening the package


def read(path: Path) -> Document:
    """Read a .docx file into a `Document`. Raises `ConversionError` for a file that is not a readable .docx."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConversionError(
            "unreadable", f"{path.name}: could not read the file ({exc.strerror})."
        ) from exc
    package = _open_package(data, path.name)
    try:
        return _Reader(package).read()
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        raise ConversionError("damaged-docx", _damaged(path.name, exc)) from exc
    except (ValueError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        # A file the reader does not cope with must fail alone, with a report, not stop a batch.
        raise ConversionError(
            "reader-failed",
            f"{path.name}: the Word reader failed ({type(exc).__name__}: {exc}). Please report it.",
        ) from exc


def _damaged(name: str, exc: Exception) -> str:
    return f"{name}: the file is damaged ({exc}). Open it in Word or LibreOffice and save it again."


def _open_package(data: bytes, name: str):
    """Open the bytes of a .docx with python-docx, after the in-memory repairs odd packages need."""
    if not data:
        raise ConversionError("not-a-docx", f"{name} is empty (0 bytes). {SAVE_AS_DOCX}")
    if data.startswith(OLE_MAGIC):
        raise _ole_error(data, name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ConversionError(
            "not-a-docx", f"{name} is not a .docx file (it is not a zip package). {SAVE_AS_DOCX}"
        ) from exc
    with archive:
        data = _normalized_package(archive, data, name)
    try:
        return _document_with_raw_styles(data)
    except KeyError as exc:
        raise ConversionError("no-main-part", _no_main_part(name)) from exc
    except ValueError as exc:
        raise ConversionError("not-a-docx", f"{name} is not a Word document ({exc}). {SAVE_AS_DOCX}") from exc
    except Exception as exc:  # python-docx raises many kinds of error for a broken package
        raise ConversionError("damaged-docx", _damaged(name, exc)) from exc


def _document_with_raw_styles(data: bytes):
    """python-docx's Document, with the styles part left as bytes (a plain Part) instead of parsed.

    The reader parses it itself (`_styles_of`), once per distinct styles part in a worker: documents
    made from one template share it, and it is often the largest part of a short speech (python-docx's
    own template: 350 KB of XML, 6 ms to parse and index, half the time to read the whole file)."""
    previous = PartFactory.part_class_selector
    PartFactory.part_class_selector = _raw_styles_part
    try:
        return docx.Document(io.BytesIO(data))
    finally:
        PartFactory.part_class_selector = previous


def _raw_styles_part(content_type: str, reltype: str):
    return Part if content_type == CT.WML_STYLES else None


def _ole_error(data: bytes, name: str) -> ConversionError:
    if "EncryptedPackage".encode("utf-16-le") in data:
        return ConversionError(
            "encrypted",
            f"{name} is password-protected. Open it in Word, remove the password "
            "(File > Info > Protect Document) and save it again.",
        )
    return ConversionError(
        "not-a-docx",
        f"{name} is an old Word 97-2003 (.doc) file, not a .docx. "
        "Open it in Word or LibreOffice and save it as .docx.",
    )


def _no_main_part(name: str) -> str:
    return f"{name}: could not find the main document part. Is this a valid .docx file? {SAVE_AS_DOCX}"


def _normalized_package(archive: zipfile.ZipFile, data: bytes, name: str) -> bytes:
    """The package bytes, with Strict OOXML namespaces rewritten to transitional ones when needed."""
    names = set(archive.namelist())
    if "_rels/.rels" not in names or "[Content_Types].xml" not in names:
        raise ConversionError("no-main-part", _no_main_part(name))
    try:
        rels = archive.read("_rels/.rels")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ConversionError("damaged-docx", _damaged(name, exc)) from exc
    if not STRICT_NS.search(rels):
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename.endswith((".xml", ".rels")):
                content = STRICT_NS.sub(rb"http://schemas.openxmlformats.org/\1/2006/", content)
            target.writestr(info.filename, content)
    return out.getvalue()


def _xml_of(part):
    """The root element of a package part: python-docx's parsed tree, or the blob parsed with lxml."""
    element = getattr(part, "_element", None)
    if element is not None:
        return element
    return etree.fromstring(part.blob, _XML_PARSER)


def _related(part, reltype: str):
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return rel.target_part
    return None


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class _Style:
    style_id: str
    name: str
    based_on: str | None
    ppr: object
    rpr: object


class _Styles:
    """Style definitions with inherited properties looked up along the basedOn chain (memoized)."""

    def __init__(self, root, theme_fonts: dict[str, str]):
        self.by_id: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self.default_rpr = None
        self.missing = root is None
        self.theme_fonts = theme_fonts
        self._memo: dict[tuple, object] = {}
        if root is not None:
            self._load(root)

    def _load(self, root) -> None:
        for el in root.iter(w("style")):
            style_id = _val(el, "styleId") or ""
            name = (_val(el.find(w("name"))) or "").strip().lower()
            based = _val(el.find(w("basedOn")))
            self.by_id[style_id] = _Style(style_id, name, based, el.find(w("pPr")), el.find(w("rPr")))
            if el.get(w("type")) == "paragraph" and el.get(w("default")) in ("1", "true", "on"):
                self.default_paragraph = style_id
        self.default_rpr = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")

    def chain(self, style_id: str | None) -> list[_Style]:
        """The style and the styles it is based on, nearest first (cycles cut)."""
        out, seen = [], set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            out.append(style)
            style_id = style.based_on
        return out

    def lookup(self, style_id: str | None, key: str, finder):
        """The first non-None `finder(style)` along the chain, memoized by (style_id, key)."""
        memo_key = (style_id, key)
        if memo_key not in self._memo:
            self._memo[memo_key] = next(
                (v for v in (finder(s) for s in self.chain(style_id)) if v is not None), None
            )
        return self._memo[memo_key]

    def heading_level(self, style_id: str | None) -> int | None:
        if self.missing and style_id:
            match = re.fullmatch(r"(?i)heading\s*(\d)", style_id)
            return max(1, min(int(match.group(1)), 6)) if match else 0 if style_id == "Title" else None
        return self.lookup(style_id, "heading", _style_heading)

    def east_asia_font(self, rpr) -> str | None:
        fonts = None if rpr is None else rpr.find(w("rFonts"))
        if fonts is None:
            return None
        theme = _val(fonts, "eastAsiaTheme")
        if theme:
            return self.theme_fonts.get("minor" if theme.startswith("minor") else "major") or ""
        return _val(fonts, "eastAsia")


_STYLES_SEEN: dict[tuple, _Styles] = {}  # (digest of the styles part, theme fonts) -> its styles
_STYLES_KEPT = 4  # styles parts remembered per worker process


def _styles_of(main) -> _Styles:
    """The document's styles, parsed and indexed once per distinct styles part and theme fonts. A
    _Styles only reads its elements and memoizes what depends on them alone, so documents with the same
    bytes there can share one."""
    theme_fonts = _theme_fonts(main)
    part = _related(main, RT.STYLES)
    if part is None or getattr(part, "_element", None) is not None:
        return _Styles(_xml_of(part) if part is not None else None, theme_fonts)
    key = (hashlib.sha256(part.blob).digest(), tuple(sorted(theme_fonts.items())))
    styles = _STYLES_SEEN.pop(key, None) or _Styles(_xml_of(part), theme_fonts)
    _STYLES_SEEN[key] = styles  # most recently used last
    while len(_STYLES_SEEN) > _STYLES_KEPT:
        del _STYLES_SEEN[next(iter(_STYLES_SEEN))]
    return styles


def _style_heading(style: _Style) -> int | None:
    """-1 means "decided: not a heading" so the chain stops; callers treat it as None."""
    match = HEADING_NAME.fullmatch(style.name)
    if match:
        return max(1, min(int(match.group(1)), 6))
    if style.name == "title":
        return 0
    if style.name == "subtitle" or style.name.startswith("toc "):
        return -1
    level = _val(None if style.ppr is None else style.ppr.find(w("outlineLvl")))
    if level and level.isdigit() and int(level) < 9:
        return min(int(level) + 1, 6)
    return None


def _theme_fonts(part) -> dict[str, str]:
    """East Asian theme fonts {"minor": ..., "major": ...}, preferring the Simplified Chinese script font."""
    theme = _related(part, RT.THEME)
    if theme is None:
        return {}
    root = _xml_of(theme)
    fonts = {}
    for kind in ("minor", "major"):
        el = root.find(f".//{{{A}}}{kind}Font")
        if el is None:
            continue
        ea = el.find(f"{{{A}}}ea")
        hans = el.find(f"{{{A}}}font[@script='Hans']")
        name = (ea.get("typeface") if ea is not None else "") or (
            hans.get("typeface") if hans is not None else ""
        )
        if name:
            fonts[kind] = name
    return fonts


# --------------------------------------------------------------------------- numbering


class _Level(NamedTuple):
    """One level of a list definition."""

    fmt: str  # numFmt: decimal, bullet, chineseCounting, ...
    start: int
    text: str  # lvlText, e.g. "%1、" or "第%1章"
    suffix: str  # what Word puts after the label: tab, space or nothing


class _Numbering:
    """List definitions: (numId, ilvl) -> (numFmt, abstract key, start), with level overrides."""

    def __init__(self, root):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, _Level], dict[int, int]]] = {}
        self.style_levels: dict[str, tuple[str, int]] = {}
        if root is not None:
            self._load(root)

    def _load(self, root) -> None:
        for el in root.findall(w("abstractNum")):
            abstract_id = _val(el, "abstractNumId") or ""
            self.abstract[abstract_id] = {lvl: info for lvl, info in map(_level, el.findall(w("lvl")))}
            for lvl_el in el.findall(w("lvl")):
                style = _val(lvl_el.find(w("pStyle")))
                if style:
                    self.style_levels[style] = (abstract_id, int(_val(lvl_el, "ilvl") or 0))
        for el in root.findall(w("num")):
            overrides, starts = {}, {}
            for override in el.findall(w("lvlOverride")):
                ilvl = int(_val(override, "ilvl") or 0)
                if override.find(w("lvl")) is not None:
                    overrides[ilvl] = _level(override.find(w("lvl")))[1]
                start = _val(override.find(w("startOverride")))
                if start and start.lstrip("-").isdigit():
                    starts[ilvl] = int(start)
            self.nums[_val(el, "numId") or ""] = (_val(el.find(w("abstractNumId"))) or "", overrides, starts)

    def level(self, num_id: str, ilvl: int) -> _Level | None:
        """(numFmt, start, lvlText) of a list level, or None when the list is not defined."""
        if num_id not in self.nums:
            return None
        abstract_id, overrides, starts = self.nums[num_id]
        info = overrides.get(ilvl) or self.abstract.get(abstract_id, {}).get(ilvl)
        if info is not None and ilvl in starts:
            info = info._replace(start=starts[ilvl])
        return info


class _Counters:
    """Word's list counters, so a label such as 六、 or 第二章 that Word draws can be put into the text."""

    def __init__(self, numbering: _Numbering):
        self.numbering = numbering
        self.values: dict[str, dict[int, int]] = {}

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (num_id, ilvl) and return the label Word shows for it."""
        levels = self.values.setdefault(num_id, {})
        info = self.numbering.level(num_id, ilvl)
        levels[ilvl] = levels[ilvl] + 1 if ilvl in levels else info.start
        for deeper in [lvl for lvl in levels if lvl > ilvl]:
            del levels[deeper]
        label = re.sub(r"%([1-9])", lambda m: self.number(num_id, int(m.group(1)) - 1), info.text)
        if info.suffix != "nothing" and label and not FULL_WIDTH_END.search(label):
            label += " "
        return label

    def number(self, num_id: str, ilvl: int) -> str:
        info = self.numbering.level(num_id, ilvl)
        value = self.values[num_id].get(ilvl, info.start if info else 1)
        return _format_number(value, info.fmt if info else "decimal")


CJK_FORMATS = (
    "chinese",
    "ideograph",
    "japanese",
    "taiwanese",
    "korean",
    "decimalFullWidth",
    "decimalEnclosed",
)
CJK_DIGITS = "零一二三四五六七八九"
CELESTIAL_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _format_number(value: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "taiwanese", "japaneseCounting", "ideographDigital")):
        return _chinese_number(value)
    if fmt in ("ideographTraditional",):
        return CELESTIAL_STEMS[(value - 1) % 10]
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(value))
    if fmt.startswith("decimalEnclosedCircle") and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(value) if fmt == "upperRoman" else _roman(value).lower()
    return str(value)


def _chinese_number(value: int) -> str:
    """一 … 十 … 九十九, and plain digits beyond (lists in speeches stay far below a hundred)."""
    if not 0 < value < 100:
        return str(value)
    tens, ones = divmod(value, 10)
    if tens == 0:
        return CJK_DIGITS[ones]
    return ("" if tens == 1 else CJK_DIGITS[tens]) + "十" + (CJK_DIGITS[ones] if ones else "")


def _roman(value: int) -> str:
    out = ""
    for number, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, value = divmod(value, number)
        out += letters * count
    return out


def _level(el) -> tuple[int, _Level]:
    start = _val(el.find(w("start"))) or "1"
    info = _Level(
        _val(el.find(w("numFmt"))) or "decimal",
        int(start) if start.lstrip("-").isdigit() else 1,
        _val(el.find(w("lvlText"))) or "",
        _val(el.find(w("suff"))) or "tab",
    )
    return int(_val(el, "ilvl") or 0), info


# --------------------------------------------------------------------------- the walk


@dataclass
class _Field:
    """A complex field (w:fldChar begin/separate/end) being read."""

    instruction: list[str] = field(default_factory=list)
    in_result: bool = False
    href: str | None = None


@dataclass
class _Format:
    bold: bool = False
    italic: bool = False
    strike: bool = False
    font: str | None = None


@dataclass
class _Line:
    """The paragraph being built: its spans, the text boxes found in it, the characters per font."""

    spans: list[Span] = field(default_factory=list)
    boxes: list = field(default_factory=list)
    fonts: Counter = field(default_factory=Counter)


class _Reader:
    """Reads one opened package. Holds what every part shares: styles, lists, notes, media, messages."""

    def __init__(self, package):
        self.package = package
        main = package.part
        self.main = main
        self.styles = _styles_of(main)
        self.numbering = _Numbering(_optional_xml(main, RT.NUMBERING))
        self.messages: dict[tuple[str, str], Message] = {}
        self.media: dict[str, Media] = {}  # by part name
        self._media_names: dict[str, str] = {}
        self.notes: dict[str, tuple[Block, ...]] = {}
        self.note_parts = {
            "fn": (_related(main, RT.FOOTNOTES), "footnote"),
            "en": (_related(main, RT.ENDNOTES), "endnote"),
        }
        self._note_elements: dict[str, dict[str, object]] = {}
        self._note_ids: dict[tuple[str, str], str] = {}
        self._note_counts: Counter = Counter()
        self.counters = _Counters(self.numbering)

    def read(self) -> Document:
        body = self.main.element.find(w("body"))
        blocks = _Walker(self, self.main).blocks(body) if body is not None else []
        return Document(
            blocks=tuple(blocks),
            metadata=_metadata(self.package),
            notes=dict(self.notes),
            media=tuple(self.media.values()),
            messages=tuple(self.messages.values()),
        )

    def warn(self, code: str, text: str) -> None:
        self.messages.setdefault((code, text), warning(code, text))

    def note(self, kind: str, note_id: str) -> str | None:
        """The model id ('fn1', 'en2') of a note, reading its blocks the first time it is referenced."""
        key = (kind, note_id)
        if key in self._note_ids:
            return self._note_ids[key]
        part, tag = self.note_parts[kind]
        element = self._note_index(kind, part, tag).get(note_id)
        if element is None:
            self.warn("missing-note", f"A {tag} reference points at {tag} {note_id}, which does not exist")
            return None
        self._note_counts[kind] += 1
        label = f"{kind}{self._note_counts[kind]}"
        self._note_ids[key] = label
        self.notes[label] = tuple(_Walker(self, part).blocks(element))
        return label

    def _note_index(self, kind: str, part, tag: str) -> dict[str, object]:
        if kind not in self._note_elements:
            root = _xml_of(part) if part is not None else None
            found = {} if root is None else {_val(el, "id"): el for el in root.findall(w(tag))}
            self._note_elements[kind] = found
        return self._note_elements[kind]

    def image(self, part, rel_id: str | None, linked: str | None) -> str | None:
        """The media name of an embedded image (extracting it once), or None with a message."""
        if not rel_id:
            if linked:
                self.warn("linked-image", "An image linked to an outside file (not embedded) was left out")
            return None
        rel = part.rels.get(rel_id)
        if rel is not None and rel.is_external:
            self.warn("linked-image", "An image linked to an outside file (not embedded) was left out")
            return None
        if rel is None:
            self.warn("missing-image", f"An image (relationship {rel_id}) is missing from the package")
            return None
        return self.media_name(rel.target_part)

    def media_name(self, target) -> str:
        """The name an image part is written under: its file name, numbered when two parts share one."""
        partname = str(target.partname)
        if partname not in self._media_names:
            name = posixpath.basename(partname)
            stem, ext = posixpath.splitext(name)
            taken = {m.name for m in self.media.values()}
            n = 1
            while name in taken:
                n += 1
                name = f"{stem}-{n}{ext}"
            self._media_names[partname] = name
            self.media[partname] = Media(name, target.blob)
            if ext.lower() not in WEB_IMAGE_TYPES:
                self.warn("unsupported-image", f"The image {name} is in a format browsers may not show")
        return self._media_names[partname]


def _optional_xml(part, reltype: str):
    related = _related(part, reltype)
    return _xml_of(related) if related is not None else None


def _metadata(package) -> dict:
    """Title, author, description, keywords and created date from the core properties, when present."""
    try:
        props = package.part.package.part_related_by(RT.CORE_PROPERTIES).core_properties
    except (KeyError, AttributeError, ValueError):
        return {}
    out = {}
    for key, value in (
        ("title", props.title),
        ("author", props.author),
        ("description", props.subject),
        ("keywords", props.keywords),
    ):
        if value and value.strip():
            out[key] = value.strip()
    try:
        created = props.created
    except (ValueError, TypeError):
        created = None
    if created is not None:
        out["created"] = created.strftime("%Y-%m-%d")
    return out


def _prefixed(el) -> str:
    qname = etree.QName(el)
    prefix = PREFIXES.get(qname.namespace) or el.prefix or ""
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


class _Walker:
    """Walks the blocks of one part (the body, a note, a text box) in document order, once."""

    def __init__(self, reader: _Reader, part):
        self.reader = reader
        self.styles = reader.styles
        self.part = part
        self.fields: list[_Field] = []
        self.carried: list[Span] = []

    # ------------------------------------------------------------- blocks

    def blocks(self, container) -> list[Block]:
        out: list[Block] = []
        for child in container:
            self.block(child, out)
        if self.carried:  # the last paragraph mark was deleted: nothing to join, keep the text
            self.emit(_Line(spans=self.carried), None, self.styles.default_paragraph, out)
            self.carried = []
        return out

    def block(self, el, out: list[Block]) -> None:
        tag = el.tag
        if tag == w("p"):
            self.paragraph(el, out)
        elif tag == w("tbl"):
            out.append(self.table(el))
        elif tag == w("sdt"):
            content = el.find(w("sdtContent"))
            if content is not None:
                for child in content:
                    self.block(child, out)
        elif tag in (w("customXml"), w("ins"), w("moveTo"), w("smartTag")):
            for child in el:
                self.block(child, out)
        elif tag == f"{{{MC}}}AlternateContent":
            for child in _alternative(el):
                self.block(child, out)
        elif tag == w("altChunk"):
            self.reader.warn("altchunk-dropped", "Imported content (w:altChunk) was left out")
        elif tag in _IGNORED_BLOCK or not isinstance(tag, str):
            pass
        elif tag in (f"{{{M}}}oMathPara", f"{{{M}}}oMath"):
            self.reader.warn("math-as-text", "An equation was kept as plain text")
            out.append(Paragraph((Span(_math_text(el)),)))
        else:
            self.unknown(el)
            for child in el:
                self.block(child, out)

    def unknown(self, el) -> None:
        self.reader.warn("unrecognised-element", f"An unrecognised element was ignored: {_prefixed(el)}")

    # ------------------------------------------------------------- paragraphs

    def paragraph(self, el, out: list[Block]) -> None:
        ppr = el.find(w("pPr"))
        style_id = _val(None if ppr is None else ppr.find(w("pStyle"))) or self.styles.default_paragraph
        self.check_style(style_id, "Paragraph")
        line = _Line(spans=_joined(self.carried))
        self.carried = []
        base = self.paragraph_format(style_id)
        for child in el:
            self.inline(child, line, base, None)
        # A field code never closed by its paragraph's end is broken; it must not hide the text after it.
        self.fields = [f for f in self.fields if f.in_result]
        if _mark_deleted(ppr):
            self.carried = line.spans
        else:
            self.emit(line, ppr, style_id, out)
        for box in line.boxes:
            out.extend(_Walker(self.reader, self.part).blocks(box))

    def check_style(self, style_id: str | None, kind: str) -> None:
        if style_id and not self.styles.missing and style_id not in self.styles.by_id:
            self.reader.warn(
                "undefined-style",
                f"{kind} style with ID {style_id} was referenced but not defined in the document",
            )

    def emit(self, line: _Line, ppr, style_id: str | None, out: list[Block]) -> None:
        spans = _merged(line.spans)
        if not any(s.kind in ("image", "note") or s.text.strip() for s in spans if s.kind != "break"):
            return
        level = self.styles.heading_level(style_id)
        level = None if level is None or level < 0 else level
        numbered = self.numbered(ppr, style_id)
        if numbered is not None:
            label = self.reader.counters.label(numbered[0], numbered[1])
            if _drawn_label(numbered[2]):
                spans = (Span(label), *spans)
            elif level is None:
                out.append(ListItem(spans, ordered=numbered[2].fmt != "bullet", level=min(numbered[1], 8)))
                return
        out.append(
            Paragraph(
                _merged(list(spans)),
                heading_level=level,
                font=_main_font(line.fonts),
                centered=self.centered(ppr, style_id),
                quote=any(s.name in QUOTE_STYLES for s in self.styles.chain(style_id)),
            )
        )

    def numbered(self, ppr, style_id: str | None) -> tuple[str, int, _Level] | None:
        """(numId, ilvl, level definition) when the paragraph is numbered, by itself or by its style."""
        num = None if ppr is None else ppr.find(w("numPr"))
        num_id = _val(None if num is None else num.find(w("numId")))
        ilvl = _val(None if num is None else num.find(w("ilvl")))
        if num_id is None:
            style_num = self.styles.lookup(style_id, "numPr", _style_numpr)
            if style_num is None:
                return None
            num_id = style_num[0]
            ilvl = ilvl or style_num[1] or self.style_level(style_id)
        level = int(ilvl) if ilvl and ilvl.isdigit() else 0
        info = self.reader.numbering.level(num_id, level) if num_id != "0" else None
        if info is None or info.fmt == "none":
            return None
        return num_id, level, info

    def style_level(self, style_id: str | None) -> str | None:
        found = self.reader.numbering.style_levels.get(style_id or "")
        return str(found[1]) if found else None

    def centered(self, ppr, style_id: str | None) -> bool:
        jc = _val(None if ppr is None else ppr.find(w("jc")))
        if jc is None:
            jc = self.styles.lookup(
                style_id, "jc", lambda s: _val(None if s.ppr is None else s.ppr.find(w("jc")))
            )
        return jc == "center"

    def paragraph_format(self, style_id: str | None) -> _Format:
        """Formatting a run inherits from the paragraph style and the document defaults."""
        styles = self.styles
        return _Format(
            bold=bool(styles.lookup(style_id, "b", _rpr_toggle("b"))),
            italic=bool(styles.lookup(style_id, "i", _rpr_toggle("i"))),
            strike=bool(styles.lookup(style_id, "strike", _rpr_toggle("strike"))),
            font=styles.lookup(style_id, "font", lambda s: styles.east_asia_font(s.rpr))
            or styles.east_asia_font(styles.default_rpr)
            or None,
        )

    # ------------------------------------------------------------- inline content

    def inline(self, el, line: _Line, base: _Format, href: str | None) -> None:
        tag = el.tag
        if tag == w("r"):
            self.run(el, line, base, href)
        elif tag == w("hyperlink"):
            link = self.hyperlink(el)
            for child in el:
                self.inline(child, line, base, link or href)
        elif tag == w("fldSimple"):
            link = _hyperlink_target(el.get(w("instr")) or "") or href
            for child in el:
                self.inline(child, line, base, link)
        elif tag == w("sdt"):
            content = el.find(w("sdtContent"))
            for child in content if content is not None else ():
                self.inline(child, line, base, href)
        elif tag in _TRANSPARENT_INLINE:
            for child in el:
                self.inline(child, line, base, href)
        elif tag == f"{{{MC}}}AlternateContent":
            for child in _alternative(el):
                self.inline(child, line, base, href)
        elif tag in (f"{{{M}}}oMath", f"{{{M}}}oMathPara"):
            self.reader.warn("math-as-text", "An equation was kept as plain text")
            self.text(_math_text(el), line, base, href)
        elif tag in (w("commentRangeStart"), w("commentRangeEnd")):
            self.comment()
        elif tag in _IGNORED_INLINE or not isinstance(tag, str):
            pass
        else:
            self.unknown(el)
            for child in el:
                self.inline(child, line, base, href)

    def hyperlink(self, el) -> str | None:
        rel_id = el.get(f"{{{R}}}id")
        rel = self.part.rels.get(rel_id) if rel_id else None
        if rel is not None and rel.is_external:
            anchor = _val(el, "anchor")
            return rel.target_ref + (f"#{anchor}" if anchor else "")
        return None  # links to bookmarks inside the document have no target on the page

    def comment(self) -> None:
        self.reader.warn("comments-dropped", "Word comments were left out of the page")

    def run(self, el, line: _Line, base: _Format, href: str | None) -> None:
        fmt = self.run_format(el.find(w("rPr")), base)
        for child in el:
            self.run_child(child, line, fmt, href)

    def run_format(self, rpr, base: _Format) -> _Format:
        if rpr is None:
            return base
        style_id = _val(rpr.find(w("rStyle")))
        self.check_style(style_id, "Run")
        styles = self.styles

        def pick(name: str, inherited: bool) -> bool:
            direct = _on(rpr.find(w(name)))
            if direct is not None:
                return direct
            from_style = styles.lookup(style_id, name, _rpr_toggle(name)) if style_id else None
            return inherited if from_style is None else from_style

        font = styles.east_asia_font(rpr)
        if font is None and style_id:
            font = styles.lookup(style_id, "font", lambda s: styles.east_asia_font(s.rpr))
        return _Format(
            bold=pick("b", base.bold),
            italic=pick("i", base.italic),
            strike=pick("strike", base.strike) or bool(_on(rpr.find(w("dstrike")))),
            font=(font or None) if font is not None else base.font,
        )

    def run_child(self, el, line: _Line, fmt: _Format, href: str | None) -> None:
        tag = el.tag
        if tag == w("t"):
            self.text(el.text or "", line, fmt, href)
        elif tag in (w("tab"), w("ptab")):
            self.text("\t", line, fmt, href)
        elif tag in (w("br"), w("cr")):
            if _val(el, "type") not in ("page", "column") and self.visible():
                line.spans.append(Span("", kind="break"))
        elif tag == w("noBreakHyphen"):
            self.text("-", line, fmt, href)
        elif tag == w("fldChar"):
            self.field_char(_val(el, "fldCharType"))
        elif tag == w("instrText"):
            if self.fields and not self.fields[-1].in_result:
                self.fields[-1].instruction.append(el.text or "")
        elif tag in (w("footnoteReference"), w("endnoteReference")):
            self.note_reference(el, line)
        elif tag in (w("drawing"), w("pict")):
            self.drawing(el, line)
        elif tag == f"{{{MC}}}AlternateContent":
            for child in _alternative(el):
                self.run_child(child, line, fmt, href)
        else:
            self.run_other(el, line, fmt, href)

    def run_other(self, el, line: _Line, fmt: _Format, href: str | None) -> None:
        tag = el.tag
        if tag == w("ruby"):
            base = el.find(w("rubyBase"))
            for child in base if base is not None else ():
                self.inline(child, line, fmt, href)
        elif tag == w("commentReference"):
            self.comment()
        elif tag == w("sym"):
            self.reader.warn("symbol-dropped", "A symbol-font character (w:sym) was left out")
        elif tag in (w("object"), w("contentPart")):
            self.drawing(el, line)
            self.reader.warn("object-dropped", f"An embedded object ({_prefixed(el)}) was left out")
        elif tag in _IGNORED_RUN or not isinstance(tag, str):
            pass
        else:
            self.unknown(el)
            self.text("".join(el.itertext()), line, fmt, href)

    def visible(self) -> bool:
        return all(f.in_result for f in self.fields)

    def text(self, text: str, line: _Line, fmt: _Format, href: str | None) -> None:
        if not text or not self.visible():
            return
        link = next((f.href for f in reversed(self.fields) if f.href), None) or href
        line.spans.append(Span(text, bold=fmt.bold, italic=fmt.italic, strike=fmt.strike, href=link))
        if fmt.font:
            east_asian = len(EAST_ASIAN.findall(text))
            if east_asian:
                line.fonts[fmt.font] += east_asian

    def field_char(self, kind: str | None) -> None:
        if kind == "begin":
            self.fields.append(_Field())
        elif kind == "separate" and self.fields:
            current = self.fields[-1]
            current.in_result = True
            current.href = _hyperlink_target("".join(current.instruction))
        elif kind == "end" and self.fields:
            self.fields.pop()

    def note_reference(self, el, line: _Line) -> None:
        kind = "fn" if el.tag == w("footnoteReference") else "en"
        label = self.reader.note(kind, _val(el, "id") or "")
        if label and self.visible():
            line.spans.append(Span(label, kind="note"))

    def drawing(self, el, line: _Line) -> None:
        """Images become image spans; text boxes are kept to be read after the paragraph."""
        for found in _find_until_box(el):
            if found.tag == w("txbxContent"):
                line.boxes.append(found)
            elif found.tag == f"{{{A}}}blip":
                self.picture(found.get(f"{{{R}}}embed"), found.get(f"{{{R}}}link"), el, line)
            elif found.tag == f"{{{V}}}imagedata":
                self.picture(found.get(f"{{{R}}}id"), found.get(f"{{{R}}}href"), el, line)
            elif found.tag == f"{{{A}}}graphicData" and re.search(r"chart|diagram", found.get("uri", "")):
                self.reader.warn("object-dropped", "A chart or diagram was left out")

    def picture(self, rel_id: str | None, linked: str | None, drawing, line: _Line) -> None:
        name = self.reader.image(self.part, rel_id, linked)
        if name and self.visible():
            line.spans.append(Span(_alt_text(drawing), kind="image", src=name))

    # ------------------------------------------------------------- tables

    def table(self, el) -> Table:
        rows: list[list[list]] = []  # each cell: [spans, colspan, rowspan]
        above: dict[int, list] = {}  # grid column -> the cell that last started there (vMerge origins)
        header_rows, in_header = 0, True
        for tr in _rows(el):
            cells, column = [], _grid_skip(tr, "gridBefore")
            for tc in _cells(tr):
                span = int(_val(_tc_prop(tc, "gridSpan")) or 1)
                merge = _tc_prop(tc, "vMerge")
                if merge is not None and _val(merge) in (None, "continue") and column in above:
                    self.extend_rowspan(above[column], tc)
                else:
                    above[column] = [self.cell_spans(tc), span, 1]
                    cells.append(above[column])
                column += span
            rows.append(cells)
            in_header = in_header and _on(_tr_prop(tr, "tblHeader")) is True
            header_rows += in_header
        if not header_rows and rows and _first_row_styled(el):
            header_rows = 1
        # A header cell merged down into the rows below takes those rows into the header.
        header_rows = max([header_rows] + [i + c[2] for i, row in enumerate(rows[:header_rows]) for c in row])
        return Table(
            rows=tuple(tuple(Cell(tuple(s), colspan=c, rowspan=r) for s, c, r in row) for row in rows),
            header_rows=header_rows,
        )

    def extend_rowspan(self, origin: list, tc) -> None:
        """Add a row to a vertically merged cell; the continuing cell's own text (normally none) joins it."""
        origin[2] += 1
        extra = self.cell_spans(tc)
        if extra:
            origin[0] = origin[0] + [Span("", kind="break")] + extra

    def cell_spans(self, tc) -> list[Span]:
        spans: list[Span] = []
        for block in _Walker(self.reader, self.part).blocks(tc):
            if spans:
                spans.append(Span("", kind="break"))
            spans.extend(self.block_spans(block))
        return spans

    def block_spans(self, block: Block) -> list[Span]:
        if isinstance(block, Table):
            self.reader.warn(
                "nested-table-flattened", "A table inside a table cell was flattened into its text"
            )
            out: list[Span] = []
            for row in block.rows:
                for cell in row:
                    if out:
                        out.append(Span(" "))
                    out.extend(cell.spans)
            return out
        return list(getattr(block, "spans", ()))


# --------------------------------------------------------------------------- small helpers


_IGNORED_BLOCK = {
    w(tag)
    for tag in (
        "sectPr", "bookmarkStart", "bookmarkEnd", "proofErr", "permStart", "permEnd", "del", "moveFrom",
        "tcPr", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
        "customXmlPr", "sdtPr", "sdtEndPr", "commentRangeStart", "commentRangeEnd", "tblPr", "tblGrid",
        "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd",
    )
}  # fmt: skip
_IGNORED_INLINE = {
    w(tag)
    for tag in (
        "pPr", "bookmarkStart", "bookmarkEnd", "proofErr", "permStart", "permEnd", "del", "moveFrom",
        "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd", "customXmlPr",
        "smartTagPr", "sdtPr", "sdtEndPr", "customXmlInsRangeStart", "customXmlInsRangeEnd",
        "customXmlDelRangeStart", "customXmlDelRangeEnd",
    )
}  # fmt: skip
_TRANSPARENT_INLINE = {w(tag) for tag in ("ins", "moveTo", "smartTag", "customXml", "dir", "bdo")}
_IGNORED_RUN = {
    w(tag)
    for tag in (
        "rPr", "delText", "delInstrText", "softHyphen", "lastRenderedPageBreak", "footnoteRef",
        "endnoteRef", "separator", "continuationSeparator", "annotationRef", "dayShort", "monthShort",
        "yearShort", "dayLong", "monthLong", "yearLong", "pgNum", "fldData",
    )
}  # fmt: skip


def _alternative(el) -> list:
    """The children of mc:AlternateContent to read: its first Choice (we read DrawingML), else Fallback."""
    choice = el.find(f"{{{MC}}}Choice")
    chosen = choice if choice is not None else el.find(f"{{{MC}}}Fallback")
    return list(chosen) if chosen is not None else []


def _find_until_box(el):
    """Text boxes, pictures and graphic frames inside a drawing, not looking inside the text boxes."""
    wanted = {w("txbxContent"), f"{{{A}}}blip", f"{{{V}}}imagedata", f"{{{A}}}graphicData"}
    stack = list(reversed(el))
    while stack:
        node = stack.pop()
        if node.tag in wanted:
            yield node
        if node.tag == f"{{{MC}}}AlternateContent":
            stack.extend(reversed(_alternative(node)))
        elif node.tag != w("txbxContent"):
            stack.extend(reversed(node))


def _alt_text(drawing) -> str:
    for doc_pr in drawing.iter(f"{{{WP}}}docPr"):
        return doc_pr.get("descr") or doc_pr.get("title") or ""
    return ""


def _math_text(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{{{M}}}t"))


def _mark_deleted(ppr) -> bool:
    """True when the paragraph mark is a tracked deletion: accepted, the paragraph joins the next one."""
    rpr = None if ppr is None else ppr.find(w("rPr"))
    return rpr is not None and rpr.find(w("del")) is not None


def _drawn_label(info: _Level) -> bool:
    """True for numbering that is part of the text in Chinese documents (一、 （一） 第一章), which the
    section finder must see; other lists stay lists and Markdown numbers them."""
    return info.fmt != "bullet" and (info.fmt.startswith(CJK_FORMATS) or bool(EAST_ASIAN.search(info.text)))


def _joined(carried: list[Span]) -> list[Span]:
    """Spans of a paragraph whose mark was deleted, with a space where the join would glue two words."""
    if carried and carried[-1].kind == "text" and WORD_END.search(carried[-1].text):
        return [*carried, Span(" ")]
    return carried


def _merged(spans: list[Span]) -> tuple[Span, ...]:
    """Adjacent text spans with the same formatting joined; tabs as spaces."""
    return merge_spans(replace(s, text=s.text.replace("\t", " ")) if s.kind == "text" else s for s in spans)


def _main_font(fonts: Counter) -> str | None:
    return fonts.most_common(1)[0][0] if fonts else None


def _rpr_toggle(name: str):
    def find(style: _Style) -> bool | None:
        return None if style.rpr is None else _on(style.rpr.find(w(name)))

    return find


def _style_numpr(style: _Style) -> tuple[str, str | None] | None:
    num = None if style.ppr is None else style.ppr.find(w("numPr"))
    num_id = _val(None if num is None else num.find(w("numId")))
    return None if num_id is None else (num_id, _val(num.find(w("ilvl"))))


def _hyperlink_target(instruction: str) -> str | None:
    """The URL of a HYPERLINK field instruction (`HYPERLINK "url" \\l "anchor"`), None for other fields."""
    match = HYPERLINK_FIELD.match(instruction)
    if not match:
        return None
    url, anchor, args = None, None, FIELD_ARG.findall(match.group(1))
    words = [quoted or bare for quoted, bare in args]
    for i, word in enumerate(words):
        if word == "\\l" and i + 1 < len(words):
            anchor = words[i + 1]
        elif not word.startswith("\\") and url is None and (i == 0 or words[i - 1] != "\\l"):
            url = word
    if url and re.match(r"(?i)(https?|mailto|ftp):", url):
        return url + (f"#{anchor}" if anchor else "")
    return None


def _rows(tbl):
    for child in tbl:
        if child.tag == w("tr"):
            if not _row_deleted(child):
                yield child
        elif child.tag in (w("sdt"), w("customXml"), w("ins")):
            content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
            if content is not None:
                yield from _rows(content)


def _row_deleted(tr) -> bool:
    trpr = tr.find(w("trPr"))
    return trpr is not None and trpr.find(w("del")) is not None


def _cells(tr):
    for child in tr:
        if child.tag == w("tc"):
            yield child
        elif child.tag in (w("sdt"), w("customXml")):
            content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
            if content is not None:
                yield from _cells(content)


def _tc_prop(tc, name: str):
    tcpr = tc.find(w("tcPr"))
    return None if tcpr is None else tcpr.find(w(name))


def _tr_prop(tr, name: str):
    trpr = tr.find(w("trPr"))
    return None if trpr is None else trpr.find(w(name))


def _grid_skip(tr, name: str) -> int:
    value = _val(_tr_prop(tr, name))
    return int(value) if value and value.isdigit() else 0


def _first_row_styled(tbl) -> bool:
    look = tbl.find(f"{w('tblPr')}/{w('tblLook')}")
    if look is None:
        return False
    first = _val(look, "firstRow")
    if first is not None:
        return first in ("1", "true", "on")
    value = _val(look)
    return (
        bool(value) and bool(int(value, 16) & 0x20)
        if value and re.fullmatch(r"[0-9A-Fa-f]+", value)
        else False
    )
