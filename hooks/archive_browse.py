"""The generated browse pages: home, years, speakers, events and tags.

`browse_pages(catalog, settings)` returns `{src_uri: markdown}` for every page. Each page is Markdown with
front matter; its speech lists are raw HTML blocks written here with every value from a source escaped
(html.escape), so a title such as `<script>` or `{{ x }}` stays text. Headings are Markdown with the
same escaping plus backslash escapes, so they get anchors and enter the table of contents.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass

import yaml
from archive_catalog import Catalog, Group, SpeechRecord
from archive_labels import speeches_count

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")

SECTIONS = ("years", "speakers", "events", "tags")


@dataclass(frozen=True)
class Settings:
    site_name: str
    site_description: str
    labels: dict[str, str]
    latest: int = 12


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


def e(text: str) -> str:
    return html.escape(text, quote=True)


def group_src_uri(section: str, group: Group) -> str:
    return f"{section}/{group.slug}.md"


def browse_pages(
    catalog: Catalog, settings: Settings, groups: dict[str, list[Group]] | None = None
) -> dict[str, str]:
    """Every browse page as Markdown, keyed by its src_uri. `groups` is catalog.groups(), when known."""
    labels = settings.labels
    groups = groups or catalog.groups()
    pages = {"index.md": _home(catalog, groups, settings)}
    for section in SECTIONS:
        pages[f"{section}/index.md"] = _section_index(section, groups[section], labels)
        for group in groups[section]:
            pages[group_src_uri(section, group)] = _group_page(section, group, labels)
    return pages


def group_title(section: str, group: Group, labels: dict[str, str]) -> str:
    if section == "years":
        return labels["year_title"].format(year=group.name) if group.name else labels["undated"]
    return group.name


def _front_matter(title: str | None, **extra) -> str:
    data = {"title": title, **extra} if title else extra
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n\n"


def _home(catalog: Catalog, groups: dict[str, list[Group]], settings: Settings) -> str:
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
            f'<a class="sa-card" href="{e(relative(section + "/", url))}">'
            f'<span class="sa-card__title">{e(labels[section])}</span>'
            f'<span class="sa-card__count">{len(groups[section])}</span>'
            f'<span class="sa-card__hint">{e(hint)}</span></a>'
        )
    data_links = [
        ("feed.xml", labels["feed"]),
        ("speeches.json", labels["json"]),
        ("speeches.csv", labels["csv"]),
        ("sitemap.xml", labels["sitemap"]),
    ]
    data = "".join(f'<li><a href="{e(relative(f, url))}">{e(text)}</a></li>' for f, text in data_links)
    latest = catalog.newest_first()[: settings.latest]
    parts = [
        _front_matter(None, hide=["navigation", "toc"]),  # the home page's <title> is the site name
        f"# {md_text(settings.site_name)}\n\n",
        f'<p class="sa-lead">{e(settings.site_description)}</p>\n\n' if settings.site_description else "",
        f'<p class="sa-stats">{e(stats)}</p>\n\n',
        f"## {md_text(labels['ways_in'])}\n\n",
        '<div class="sa-cards">' + "".join(cards) + "</div>\n\n",
        f"## {md_text(labels['latest'])}\n\n",
        speech_list(latest, url, labels) if latest else f"<p>{e(labels['empty'])}</p>\n\n",
        f"## {md_text(labels['data'])}\n\n",
        f'<ul class="sa-data">{data}</ul>\n',
    ]
    return "".join(parts)


def _section_index(section: str, groups: list[Group], labels: dict[str, str]) -> str:
    url = page_url(f"{section}/index.md")
    parts = [_front_matter(labels[section], hide=["navigation"]), f"# {md_text(labels[section])}\n\n"]
    parts.append(f"<p>{e(labels[section + '_intro'])}</p>\n\n")
    if not groups:
        parts.append(f"<p>{e(labels['empty'])}</p>\n")
        return "".join(parts)
    if section == "years":
        most = max(len(g.speeches) for g in groups)
        rows = []
        for group in groups:
            href = relative(page_url(group_src_uri(section, group)), url)
            width = max(2, round(100 * len(group.speeches) / most))
            rows.append(
                f'<li class="sa-year"><a class="sa-year__name" href="{e(href)}">'
                f"{e(group_title(section, group, labels))}</a>"
                f'<span class="sa-year__bar"><span style="width:{width}%"></span></span>'
                f'<span class="sa-year__count">{e(speeches_count(labels, len(group.speeches)))}'
                "</span></li>"
            )
        parts.append('<ol class="sa-timeline">' + "".join(rows) + "</ol>\n")
        return "".join(parts)
    items = []
    for group in groups:
        href = relative(page_url(group_src_uri(section, group)), url)
        items.append(
            f'<li><a href="{e(href)}">{e(group.name)}</a> '
            f'<span class="sa-count">({len(group.speeches)})</span></li>'
        )
    parts.append(f'<ul class="sa-names sa-names--{section}">' + "".join(items) + "</ul>\n")
    return "".join(parts)


def _group_page(section: str, group: Group, labels: dict[str, str]) -> str:
    src_uri = group_src_uri(section, group)
    url = page_url(src_uri)
    title = group_title(section, group, labels)
    count = speeches_count(labels, len(group.speeches))
    back = relative(page_url(f"{section}/index.md"), url)
    parts = [
        _front_matter(title, hide=["navigation"]),
        f"# {md_text(title)}\n\n",
        f'<p class="sa-stats">{e(count)} · <a href="{e(back)}">{e(labels["back_to"])} '
        f"{e(labels[section])}</a></p>\n\n",
        speech_list(group.speeches, url, labels),
    ]
    return "".join(parts)


def speech_list(speeches, from_url: str, labels: dict[str, str]) -> str:
    """An HTML list of speeches (date, title, speaker, event) as a raw block for a Markdown page."""
    items = [_speech_item(s, from_url, labels) for s in speeches]
    return '<ol class="sa-list">' + "".join(items) + "</ol>\n\n"


def _speech_item(speech: SpeechRecord, from_url: str, labels: dict[str, str]) -> str:
    date = (
        f'<time class="sa-date" datetime="{e(speech.date)}">{e(speech.date)}</time>'
        if speech.date
        else f'<span class="sa-date sa-date--none">{e(labels["undated"])}</span>'
    )
    who = f'<span class="sa-speaker">{e(speech.speaker)}</span>' if speech.speaker else ""
    event = f'<span class="sa-event">{e(speech.event)}</span>' if speech.event else ""
    lang = f' lang="{e(speech.language)}"' if speech.language else ""  # an English title on a Chinese page
    return (
        f'<li class="sa-item" data-slug="{e(speech.slug)}">{date}'
        f'<a class="sa-title" href="{e(relative(speech.url, from_url))}"{lang}>{e(speech.title)}</a>'
        f'<span class="sa-byline">{who}{event}</span></li>'
    )
