"""Convert one source file into a page: read it, find its title, metadata and sections, write Markdown.

This is the one-document pipeline a worker process runs for each source; `batch` decides which
sources need it and writes what comes back.

Message codes:
  - unsupported-format: no reader handles the file's extension (.xls, .pptx, .jpg, …).
  - truncated: the source ends mid-sentence; the page says so too.
  - media-not-published: an embedded file that is not a plain image (e.g. SVG) was left out.
  - too-large: converting the source needed more memory than the per-source limit.
  - failed: an unexpected error in the converter itself (a bug: please report it with the file).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__, safety
from .han import han_count, is_chinese_speech
from .markdown import render_page, speech_text
from .metadata import build_metadata, check_declared_date, check_file_name_date, split_title
from .model import ConversionError, Document, Media, Message, Speech, is_chinese, warning
from .readers import FORMAT_NAMES, office, reader_for
from .sections import find_sections
from .typography import find_round_trip_damage, repair_block, repair_text
from .unbroken import split_unbroken

READING_SPEED = {"characters": 400, "words": 200}  # per minute: Chinese characters, English words
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".emf", ".wmf"}
SUPPORTED = (
    "a Word .docx (or .doc, .wps, .rtf, .odt) file, a PDF with a text layer, a saved web page (.html) "
    "or plain text (.txt)"
)


@dataclass(frozen=True)
class Task:
    """What a worker needs to convert one source."""

    path: Path
    rel: str  # path relative to SOURCES, with forward slashes
    slug: str
    overrides: dict = field(default_factory=dict)
    time_limit: float = safety.MAX_SECONDS_PER_SOURCE
    prepared: Path | None = None  # a .docx LibreOffice made from this source before the workers started


@dataclass(frozen=True)
class Converted:
    """A converted page and the files that go with it, or the error that stopped it."""

    rel: str
    slug: str
    page: str | None = None
    media: tuple[Media, ...] = ()
    messages: tuple[Message, ...] = ()
    repairs: dict = field(default_factory=dict)
    failed: bool = False
    identity: tuple[str, str] | None = None  # the page's (title, date), as `identity_of` its front matter


def identity_of(meta: object) -> tuple[str, str] | None:
    """A page's (title, date) from its front matter as YAML reads it: how a page is recognised when its
    source was renamed and edited at once. None for a page without a title."""
    if not isinstance(meta, dict):
        return None
    title = str(meta.get("title") or "").strip()
    return (title, str(meta.get("date") or "")) if title else None


def original_name(slug: str, source: Path) -> str:
    """The published name of the original file. HTML is published as text so that a saved page
    can never run its scripts on the archive's own domain: a .html file, and a .doc that is really a
    web page (Word's "save as web page", which portals serve under .doc names)."""
    suffix = source.suffix.lower()
    return f"{slug}{suffix}.txt" if suffix in (".html", ".htm") or _is_web_page(source) else f"{slug}{suffix}"


def _is_web_page(source: Path) -> bool:
    if source.suffix.lower() not in safety.OFFICE_SUFFIXES:
        return False
    try:
        return safety.word_processor_kind(source) in ("html", "mhtml")
    except (ConversionError, OSError):
        return False


def convert_task(task: Task) -> Converted:
    """Convert one source; never raises: a problem becomes a failed result with a message."""
    try:
        with safety.time_limit(task.time_limit):
            return _convert(task)
    except ConversionError as exc:
        return Converted(task.rel, task.slug, messages=(exc.message,), failed=True)
    except MemoryError:
        text = (
            f"{task.rel}: converting this file needed more memory than the limit of "
            f"{safety.MAX_ADDRESS_SPACE // 2**20} MiB per source. Split it into smaller files."
        )
        return Converted(task.rel, task.slug, failed=True, messages=(Message("error", "too-large", text),))
    except Exception as exc:  # a bug in a reader must not stop the batch
        text = (
            f"The converter failed on this file ({type(exc).__name__}: {str(exc)[:200]}). "
            "This is a bug in speech-archive: please report it with the file."
        )
        return Converted(task.rel, task.slug, failed=True, messages=(Message("error", "failed", text),))


def _convert(task: Task) -> Converted:
    safety.check_source(task.path)
    reader = reader_for(task.path)
    if reader is None:
        suffix = task.path.suffix or "(no extension)"
        raise ConversionError(
            "unsupported-format",
            f"{task.rel}: {suffix} files are not supported. Save it as {SUPPORTED} and convert again.",
        )
    doc = office.read(task.path, prepared=task.prepared) if task.prepared else reader(task.path)
    speech, messages, repairs = build_speech(doc, task.path, task.overrides)
    page, meta = render_page(speech, page_extra(speech, task), media_prefix=f"../media/{task.slug}/")
    return Converted(
        task.rel, task.slug, page, speech.media, tuple(messages), repairs, identity=identity_of(meta)
    )


def build_speech(doc: Document, source: Path, overrides: dict) -> tuple[Speech, list[Message], dict]:
    """Turn what a reader found into a Speech: title, typography, metadata, sections, checks."""
    doc, date_messages = check_declared_date(doc)
    messages = list(doc.messages) + date_messages
    split = split_title(doc)
    language_hint = overrides.get("language") or doc.metadata.get("language")
    body, title = split.blocks, split.title
    repairs: Counter = Counter()
    if _is_chinese(language_hint, body, title):
        body = tuple(repair_block(b, repairs) for b in body)
        title = repair_text(title, repairs) if title else title
        body, inferred = split_unbroken(body)
        messages.extend(inferred)
    metadata = build_metadata(doc, title, body, source, overrides)
    messages.extend(check_file_name_date(source, metadata.date))
    root, section_messages = find_sections(body, metadata.language)
    messages.extend(section_messages)
    notes = doc.notes
    if is_chinese(metadata.language):
        notes = {k: tuple(repair_block(b, repairs) for b in v) for k, v in notes.items()}
    media, dropped = publishable_media(doc.media)
    messages.extend(dropped)
    speech = Speech(metadata, root, notes, media, doc.truncated)
    if is_chinese(metadata.language):
        damage = find_round_trip_damage(speech_text(speech))
        if damage:
            messages.append(damage)
    if doc.truncated and not any(m.code == "truncated" for m in messages):
        messages.append(
            warning("truncated", "The source ends mid-sentence: the page is marked as incomplete.")
        )
    return speech, messages, {k: v for k, v in repairs.items() if v}


def publishable_media(media: tuple[Media, ...]) -> tuple[tuple[Media, ...], list[Message]]:
    """Only plain image files are published beside a page: an SVG or HTML file could carry script
    that would run on the archive's own domain."""
    kept, messages = [], []
    for item in media:
        if Path(item.name).suffix.lower() in IMAGE_SUFFIXES:
            kept.append(item)
        else:
            messages.append(
                warning(
                    "media-not-published",
                    f"The embedded file {item.name!r} was not published: "
                    "only PNG, JPEG, GIF, WebP, BMP, TIFF, EMF and WMF images are.",
                )
            )
    return tuple(kept), messages


def _is_chinese(language: str | None, body, title: str | None) -> bool:
    return is_chinese_speech(language, (title or "") + "".join(getattr(b, "text", "") for b in body[:40]))


def measure_length(text: str, language: str | None) -> tuple[int, str]:
    """Length as Chinese characters (plus any Latin words) for Chinese, words otherwise."""
    if is_chinese(language):
        han = han_count(text)
        latin_words = len(re.findall(r"[A-Za-z0-9]+", text))
        return han + latin_words, "characters"
    return len(re.findall(r"\w+", text)), "words"


def page_extra(speech: Speech, task: Task) -> dict:
    """Front-matter fields the pipeline adds to the speech's own metadata."""
    length, unit = measure_length(speech_text(speech), speech.metadata.language)
    return {
        "source_file": task.rel,
        "source_format": FORMAT_NAMES.get(task.path.suffix.lower(), task.path.suffix.lower().lstrip(".")),
        "original": f"../originals/{original_name(task.slug, task.path)}",
        "length": length,
        "length_unit": unit,
        "reading_minutes": max(1, math.ceil(length / READING_SPEED[unit])),
        "truncated": speech.truncated,
        "slug": task.slug,
        "converter": f"speech-archive {__version__}",
    }


def with_overrides(task: Task, overrides: dict) -> Task:
    return replace(task, overrides=overrides)
