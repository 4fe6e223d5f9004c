"""The generated browse pages (home, years, speakers, events and tags): which pages exist, and what each shows.

`browse_pages(catalog, settings)` returns a `BrowsePage` for every page, keyed by its src_uri. A page's
Markdown holds only its front matter (title, template, what Material hides) and its headings, which are
Markdown so they get anchors and enter the table of contents. Everything else is drawn by the page's
Jinja template in overrides/browse/ (home.html, section.html, group.html, sharing base.html and
speech-list.html) from `browse_view(...)`, the template's `browse` variable: plain text, numbers and
SpeechRecords, escaped by Jinja's autoescape in the templates, so a title such as `<script>` or `{{ x }}`
stays text. A site owner restyles every browse page by editing those templates.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import yaml
from archive_catalog import Catalog, Group, SpeechRecord
from archive_labels import speeches_count
from markupsafe import Markup

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
_HEADING = re.compile(r"<h[1-6][\s>].*?</h[1-6]>", re.DOTALL)

SECTIONS = ("years", "speakers", "events", "tags")
TEMPLATES = {"home": "browse/home.html", "section": "browse/section.html", "group": "browse/group.html"}


@dataclass(frozen=True)
class Settings:
    site_name: str
    site_description: str
    labels: dict[str, str]
    latest: int = 12
    language: str = ""  # the site's (theme.language): a name in another language is marked with its lang
    sitemap: bool = True  # whether the site has a sitemap.xml (it needs site_url) for the home page to link


@dataclass(frozen=True)
class BrowsePage:
    """One generated page. `data` makes the template's variables when the page is rendered, so the
    lists of every group page are never held in memory at once."""

    src_uri: str
    markdown: str
    headings: tuple[str, ...]  # a name for each Markdown heading, in order (the template's browse.heading)
    data: Callable[[], dict] = field(repr=False)


def page_url(src_uri: str) -> str:
    """The URL (relative to the site root, directory style) of a generated page."""
    if src_uri == "index.md":
        return ""
    stem = src_uri.removesuffix(".md")
    return (stem.removesuffix("/index") if stem.endswith("/index") else stem) + "/"


def relative(target_url: str, from_url: str) -> str:
    """A link from the page at `from_url` to `target_url` (both site-root relative, directory style)."""
    rel = posixpath.relpath("/" + target_url, "/" + (from_url or ""))
    if rel == ".":
        return "./"
    is_dir = target_url == "" or target_url.endswith("/")
    return rel + ("/" if is_dir and not rel.endswith("/") else "")


def md_text(text: str) -> str:
    """Source text made safe for a Markdown heading or paragraph: HTML-escaped and backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def group_src_uri(section: str, group: Group) -> str:
    return f"{section}/{group.slug}.md"


def group_title(section: str, group: Group, labels: dict[str, str]) -> str:
    if section == "years":
        return labels["year_title"].format(year=group.name) if group.name else labels["undated"]
    return group.name


def browse_pages(
    catalog: Catalog, settings: Settings, groups: dict[str, list[Group]] | None = None
) -> dict[str, BrowsePage]:
    """Every browse page, keyed by its src_uri. `groups` is catalog.groups(), when known."""
    labels = settings.labels
    groups = groups or catalog.groups()
    pages = [_home(catalog, groups, settings)]
    for section in SECTIONS:
        pages.append(_section_index(section, groups[section], labels, settings.language))
        pages.extend(_group_page(section, group, labels, settings.language) for group in groups[section])
    return {page.src_uri: page for page in pages}


def browse_view(page: BrowsePage, content_html: str) -> dict:
    """The template's `browse` variable: the page's data, and its headings as rendered by Markdown
    (with their anchors) under the names the page gave them."""
    headings = [Markup(h) for h in _HEADING.findall(content_html)]
    return {**page.data(), "heading": dict(zip(page.headings, headings, strict=False))}


def _markdown(kind: str, title: str | None, headings: list[str], hide: list[str]) -> str:
    meta = {"title": title} if title else {}
    meta |= {"template": TEMPLATES[kind], "hide": hide}
    front_matter = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"
    return front_matter + "".join(headings)


def _home(catalog: Catalog, groups: dict[str, list[Group]], settings: Settings) -> BrowsePage:
    labels = settings.labels
    headings = [f"# {md_text(settings.site_name)}\n\n"]
    headings += [f"## {md_text(labels[key])}\n\n" for key in ("ways_in", "latest", "data")]
    markdown = _markdown("home", None, headings, ["navigation", "toc"])  # <title> is the site name
    names = ("title", "ways_in", "latest", "data")
    return BrowsePage("index.md", markdown, names, partial(_home_data, catalog, groups, settings))


def _home_data(catalog: Catalog, groups: dict[str, list[Group]], settings: Settings) -> dict:
    labels = settings.labels
    url = page_url("index.md")
    years = [g.name for g in groups["years"] if g.name]
    span = f"{years[-1]}–{years[0]}" if len(years) > 1 else (years[0] if years else "")
    counts = {
        "speeches": len(catalog.speeches),
        "speakers": len(groups["speakers"]),
        "events": len(groups["events"]),
    }
    stats = labels["stats"].format(span=span, **counts) if span else labels["stats_nospan"].format(**counts)
    cards = []
    for section in SECTIONS:
        names = [g.name or labels["undated"] for g in groups[section]]
        hint = labels["list_sep"].join(names[:4]) + ("…" if len(names) > 4 else "")
        cards.append(
            {
                "section": section,
                "href": relative(section + "/", url),
                "label": labels[section],
                "count": len(groups[section]),
                "hint": hint,
            }
        )
    data_links = [
        ("feed.xml", labels["feed"]),
        ("speeches.json", labels["json"]),
        ("speeches.csv", labels["csv"]),
    ] + ([("sitemap.xml", labels["sitemap"])] if settings.sitemap else [])
    return {
        "kind": "home",
        "description": settings.site_description,
        "stats": stats,
        "cards": cards,
        "speeches": speech_items(catalog.newest_first()[: settings.latest], url),
        "data_links": [{"href": relative(name, url), "label": text} for name, text in data_links],
    }


def _section_index(section: str, groups: list[Group], labels: dict[str, str], language: str) -> BrowsePage:
    markdown = _markdown("section", labels[section], [f"# {md_text(labels[section])}\n\n"], ["navigation"])
    data = partial(_section_data, section, groups, labels, language)
    return BrowsePage(f"{section}/index.md", markdown, ("title",), data)


def name_language(section: str, group: Group, site_language: str) -> str:
    """The language of a speaker's, event's or tag's name, for the `lang` that tells a screen reader how
    to read it (and a browser which font to use): its speeches' language when they all have the same one
    and it is not the site's, as a speech page marks its own text; "" otherwise (a year, a name shown in
    the site's language, speeches in several languages or without one)."""
    if section == "years":
        return ""
    languages = {speech.language for speech in group.speeches}
    if len(languages) != 1:
        return ""
    language = languages.pop()
    return language if language and _primary(language) != _primary(site_language) else ""


def _primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def _section_data(section: str, groups: list[Group], labels: dict[str, str], language: str = "") -> dict:
    url = page_url(f"{section}/index.md")
    most = max((len(g.speeches) for g in groups), default=1)
    items = [
        {
            "name": group.name,
            "title": group_title(section, group, labels),
            "lang": name_language(section, group, language),
            "href": relative(page_url(group_src_uri(section, group)), url),
            "count": len(group.speeches),
            "count_text": speeches_count(labels, len(group.speeches)),
            "width": max(2, round(100 * len(group.speeches) / most)),  # of the bar in the years' timeline
        }
        for group in groups
    ]
    return {"kind": "section", "section": section, "intro": labels[section + "_intro"], "groups": items}


def _group_page(section: str, group: Group, labels: dict[str, str], language: str) -> BrowsePage:
    src_uri = group_src_uri(section, group)
    title = group_title(section, group, labels)
    lang = name_language(section, group, language)
    # The name alone carries its lang: the heading's permalink, added inside the h1, is in the site's.
    heading = f'<span lang="{html.escape(lang)}">{md_text(title)}</span>' if lang else md_text(title)
    markdown = _markdown("group", title, [f"# {heading}\n\n"], ["navigation"])
    return BrowsePage(src_uri, markdown, ("title",), partial(group_data, section, group, labels, language))


def group_data(section: str, group: Group, labels: dict[str, str], language: str = "") -> dict:
    url = page_url(group_src_uri(section, group))
    return {
        "kind": "group",
        "section": section,
        "name": group.name,
        "title": group_title(section, group, labels),
        "lang": name_language(section, group, language),
        "count_text": speeches_count(labels, len(group.speeches)),
        "back_href": relative(page_url(f"{section}/index.md"), url),
        "speeches": speech_items(group.speeches, url),
    }


def speech_items(speeches: list[SpeechRecord], from_url: str) -> list[dict]:
    """The speeches a page lists (browse/speech-list.html), each with its link from that page."""
    return [{"speech": speech, "href": relative(speech.url, from_url)} for speech in speeches]
