"""The archive's catalog: every speech page's front matter, read once, sorted and grouped.

`read_catalog(files, speeches_dir)` returns a `Catalog` of `SpeechRecord`s built from the YAML front
matter of `docs/<speeches_dir>/*.md` (the page contract, converter.model.PageFields). Records are
plain data: nothing here escapes or renders; the browse, speech and data modules do that.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml
from slugify import slugify as ascii_slugify

from converter.dates import is_page_date
from converter.model import PAGE_FIELDS, PageFields, read_page_fields

_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\r?\n(.*?\r?\n)(?:-{3}|\.{3})[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


@dataclass(frozen=True, kw_only=True)
class SpeechRecord(PageFields):
    """One speech page: its front matter as the page contract types it (converter.model.PageFields, which
    the converter writes), and where the page lives. `slug` is the page file's name."""

    src_uri: str  # "speeches/<slug>.md"
    url: str  # the page's URL relative to the site root ("speeches/<slug>/")

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def sort_key(self) -> tuple:
        """Chronological order: dated speeches by date (a bare year sorts before its months), then title;
        undated speeches after every dated one."""
        return (self.date == "", self.date, self.title, self.slug)


@dataclass(frozen=True)
class Group:
    """Speeches that share a year, speaker, event or tag, newest first, with the group's page slug."""

    name: str
    slug: str
    speeches: tuple[SpeechRecord, ...]


@dataclass
class Catalog:
    speeches: list[SpeechRecord]  # chronological, oldest first
    problems: list[str] = field(default_factory=list)
    _positions: dict[str, int] | None = field(default=None, init=False, repr=False, compare=False)

    def newest_first(self) -> list[SpeechRecord]:
        return newest_first(self.speeches)

    def neighbours(self, slug: str) -> tuple[SpeechRecord | None, SpeechRecord | None]:
        """The speech before and after `slug` in chronological order. The slug -> position index is built
        once (every speech page asks, so building it per call made a build quadratic in the archive)."""
        if self._positions is None or len(self._positions) != len(self.speeches):
            self._positions = {s.slug: i for i, s in enumerate(self.speeches)}
        index = self._positions.get(slug)
        if index is None:
            return None, None
        before = self.speeches[index - 1] if index > 0 else None
        after = self.speeches[index + 1] if index + 1 < len(self.speeches) else None
        return before, after

    def by_year(self) -> list[Group]:
        """Years newest first; undated speeches last, under the group name ""."""
        groups = _group(self.speeches, lambda s: [s.year])
        dated = sorted((g for g in groups if g[0]), key=lambda g: g[0], reverse=True)
        undated = [g for g in groups if not g[0]]
        return [Group(name, name or "undated", tuple(newest_first(items))) for name, items in dated + undated]

    def by_speaker(self) -> list[Group]:
        return _named_groups(_group(self.speeches, lambda s: [s.speaker]))

    def by_event(self) -> list[Group]:
        return _named_groups(_group(self.speeches, lambda s: [s.event]))

    def by_tag(self) -> list[Group]:
        return _named_groups(_group(self.speeches, lambda s: list(s.tags)))

    def groups(self) -> dict[str, list[Group]]:
        """Every grouping by section name: years, speakers, events, tags."""
        return {"years": self.by_year(), "speakers": self.by_speaker(), "events": self.by_event(),
                "tags": self.by_tag()}  # fmt: skip


def newest_first(speeches: Iterable[SpeechRecord]) -> list[SpeechRecord]:
    dated = sorted((s for s in speeches if s.date), key=lambda s: (s.date, s.title, s.slug), reverse=True)
    undated = sorted((s for s in speeches if not s.date), key=lambda s: (s.title, s.slug))
    return dated + undated


def _group(speeches: Iterable[SpeechRecord], keys) -> list[tuple[str, list[SpeechRecord]]]:
    groups: dict[str, list[SpeechRecord]] = {}
    for speech in speeches:
        for key in dict.fromkeys(keys(speech)):  # a tag listed twice counts once
            groups.setdefault(key, []).append(speech)
    return list(groups.items())


def _named_groups(groups: list[tuple[str, list[SpeechRecord]]]) -> list[Group]:
    """Named groups in reading order (pinyin/latin transliteration, then the name itself), each with a
    stable ASCII slug; names that transliterate alike get a short hash of the name appended."""
    named = sorted(((n, items) for n, items in groups if n), key=lambda g: (name_slug(g[0]), g[0]))
    counts: dict[str, int] = {}
    for name, _ in named:
        base = name_slug(name)
        counts[base] = counts.get(base, 0) + 1
    result = []
    for name, items in named:
        slug = name_slug(name)
        if counts[slug] > 1 or slug == "index":
            slug = f"{slug}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"
        result.append(Group(name, slug, tuple(newest_first(items))))
    return result


@functools.lru_cache(maxsize=65536)
def name_slug(name: str) -> str:
    """A readable ASCII slug for a speaker, event or tag (Chinese names become pinyin-like words)."""
    slug = ascii_slugify(name, max_length=60, word_boundary=True)
    return slug or "x-" + hashlib.sha1(name.encode()).hexdigest()[:8]


# --------------------------------------------------------------------------- reading front matter


def read_front_matter(text: str) -> dict:
    """The YAML front matter at the top of a Markdown page, or {} when there is none."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}
    data = yaml.load(match.group(1), Loader=_LOADER)
    return data if isinstance(data, dict) else {}


def make_record(src_uri: str, url: str, meta: dict) -> tuple[SpeechRecord, list[str]]:
    """A SpeechRecord from one page's front matter, and the problems found in it (for the build log)."""
    problems = []
    slug = src_uri.rsplit("/", 1)[-1].removesuffix(".md")
    fields = read_page_fields(meta, fallback_title=slug)
    date = fields.date
    if date and not is_page_date(date):
        problems.append(f"{src_uri}: date {date!r} is not YYYY-MM-DD, YYYY-MM or YYYY; treated as undated")
        date = ""
    own = {name: getattr(fields, name) for name in PAGE_FIELDS}
    record = SpeechRecord(**{**own, "date": date, "slug": slug}, src_uri=src_uri, url=url)
    return record, problems
