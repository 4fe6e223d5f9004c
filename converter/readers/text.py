"""Reader for plain-text sources (.txt).

The bytes are decoded (BOMs first, then strict UTF-8, UTF-16 without a BOM by its NUL pattern, then
charset-normalizer for GB18030/GBK and the rest, ties broken by `charset`); line endings of any kind are accepted. Plain text gives one
paragraph per line. Text saved from a document-sharing site or any other web page is cleaned by `scraped`;
merged lines are split into paragraphs, hard-wrapped lines rejoined and plain-text headings marked by
`paragraphs`; both only remove, split or join lines, never change words.

Message codes:
  - not-text (error): the file is binary or in no encoding that decodes it cleanly.
  - empty (error): the file holds no text at all.
  - site-chrome-removed: lines of a document-sharing site (notices, buttons, related documents) were dropped.
  - web-chrome-removed: lines of a web page saved as text (skip links, menus, breadcrumbs, bylines read as
    metadata, share/print/cookie lines, related links, copyright footers) were dropped.
  - page-footer-removed: page footers such as '…讲话第2页' were cut out and the split word rejoined.
  - license-notice-removed: a trailing public-domain/licence notice of the site the text came from was dropped.
  - truncated: the text ends mid-sentence, so the source is incomplete.
  - encoding-guessed: the file is not UTF-8 and short or plain enough that other encodings read it as well;
    the one chosen is named (see `charset`).
"""

from __future__ import annotations

import codecs
import dataclasses
import re
import unicodedata
from pathlib import Path

from ..han import han_count
from ..model import ConversionError, Document, Message, warning
from . import charset, paragraphs, scraped

EXTENSIONS = (".txt",)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of characters that may be control/unassigned/private-use before a decoding is called binary.
MAX_JUNK_RATIO = 0.01
JUNK = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffe\uffff]")
NOT_TEXT_HINT = "Is it really a text file? Save it as UTF-8 (or GB18030) plain text and convert it again."


def read(path: Path) -> Document:
    """Read a .txt file into a Document of paragraphs; raise ConversionError('not-text'|'empty')."""
    notes: list[Message] = []
    text = decode(path.read_bytes(), name=path.name, notes=notes)
    document = read_text(text)
    return dataclasses.replace(document, messages=(*notes, *document.messages))


def read_text(text: str) -> Document:
    """Turn decoded text into a Document: site chrome and page footers removed, paragraphs recovered."""
    lines = split_lines(text)
    cleaned = scraped.clean(lines)
    blocks, prefix_meta = paragraphs.recover(cleaned.lines, titles=cleaned.title_candidates)
    metadata = {**prefix_meta, **cleaned.metadata}
    if "title" not in metadata and cleaned.file_title:
        metadata["title"] = cleaned.file_title
    messages = list(cleaned.messages)
    truncated = paragraphs.ends_mid_sentence(blocks)
    if truncated:
        last = blocks[-1].text[-20:]
        messages.append(
            warning("truncated", f"the text ends mid-sentence ('…{last}'): the source is incomplete")
        )
    elif cleaned.preview_only:
        truncated = True
        messages.append(
            warning(
                "truncated",
                f"the site showed only part of the text ('{cleaned.preview_only}'): the source is incomplete",
            )
        )
    return Document(blocks=tuple(blocks), metadata=metadata, messages=tuple(messages), truncated=truncated)


def split_lines(text: str) -> list[str]:
    """Lines of the text, whatever the line endings (\\r\\n, \\r, \\n, U+2028/2029 mixed)."""
    return (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n")
        .split("\n")
    )


# --------------------------------------------------------------------------- decoding


def decode(data: bytes, *, name: str = "the file", notes: list[Message] | None = None) -> str:
    """Decode a text file's bytes. Raises ConversionError('not-text') for binary or undecodable data and
    ConversionError('empty') when there is nothing but whitespace. An encoding guessed among others that
    read the bytes differently adds an 'encoding-guessed' warning to `notes`."""
    text = _decode(data, name, notes if notes is not None else [])
    if _junk_ratio(text) > MAX_JUNK_RATIO:
        raise ConversionError(
            "not-text", f"{name} looks binary (control characters in the text). {NOT_TEXT_HINT}"
        )
    if not text.strip():
        raise ConversionError("empty", f"{name} holds no text.")
    return text


def _decode(data: bytes, name: str, notes: list[Message]) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16, name)
    if b"\x00" in data:
        raise ConversionError("not-text", f"{name} contains NUL bytes. {NOT_TEXT_HINT}")
    found = charset.guess(data)
    if found is None:
        raise ConversionError("not-text", f"{name}: no text encoding decodes it. {NOT_TEXT_HINT}")
    if found.rivals:
        notes.append(
            warning(
                "encoding-guessed",
                f"{name} is not UTF-8 and says nothing of its encoding; it was read as {found.encoding}, "
                f"though {', '.join(found.rivals)} would read it differently. If its page shows the wrong "
                "characters, save it as UTF-8 and convert it again.",
            )
        )
    return found.text


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ConversionError(
            "not-text", f"{name} is not valid {encoding}: {exc.reason}. {NOT_TEXT_HINT}"
        ) from exc


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit in the odd/even positions as UTF-16 text puts them."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    half = len(data) // 2
    for zeros, encoding in ((odd.count(0), "utf-16-le"), (even.count(0), "utf-16-be")):
        if zeros >= 0.3 * half and (even if encoding == "utf-16-le" else odd).count(0) < 0.05 * half:
            return encoding
    # CJK text in UTF-16 has few NULs: accept it when it decodes strictly to mostly letters, with a line
    # break or a Chinese punctuation mark. Shift-JIS, Big5 (and GBK's rarer pairs) also decode as UTF-16
    # to Chinese characters, but never to these: their code units need a NUL, a control or an 0xFF byte.
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        letters = sum(
            1 for c in text if c.isalpha() or c.isspace() or unicodedata.category(c).startswith("P")
        )
        if letters >= 0.95 * len(text) and han_count(text) >= 0.5 * len(text) and UTF16_SIGNS.search(text):
            return encoding
    return None


UTF16_SIGNS = re.compile("[\n\r，。、：；！？“”（）]")


def _junk_ratio(text: str) -> float:
    """Share of control, surrogate and private-use characters: binary data decoded as text is full of them."""
    return len(JUNK.findall(text)) / len(text) if text else 0.0
