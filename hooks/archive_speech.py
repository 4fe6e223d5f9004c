"""What the speech page template shows, computed from a SpeechRecord: metadata rows, the original's
download link, citations, schema.org JSON-LD and the previous/next speeches.

`speech_view(...)` returns a dict of `markupsafe.Markup` values: every value from a source is escaped
here, once, so the template (MkDocs' Jinja runs without autoescape) prints them as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from urllib.parse import urlsplit

from archive_browse import group_src_uri, page_url, relative
from archive_catalog import Catalog, Group, SpeechRecord
from markupsafe import Markup, escape

from converter.han import is_chinese_speech

_MONTHS = "January February March April May June July August September October November December".split()
_FORMAT_NAMES = {"docx": "Word (.docx)", "html": "HTML", "txt": "TXT", "doc": "Word (.doc)", "pdf": "PDF"}
_MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
    "html": "text/plain",  # HTML originals are published as .html.txt
    "pdf": "application/pdf",
}


def is_web_url(url: str) -> bool:
    """True for http(s) URLs only: a source's `javascript:` or `data:` URL never becomes a link."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def resolve_original(record: SpeechRecord) -> str | None:
    """The original's src_uri inside docs_dir (e.g. "originals/x.docx"), or None when `original` is
    empty, absolute, or points outside docs_dir."""
    target = record.original
    if not target or "://" in target or target.startswith(("/", "\\")):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(record.src_uri), target))
    if path.startswith("../") or path == "..":
        return None
    return path


def speech_view(
    record: SpeechRecord,
    catalog: Catalog,
    groups: dict[str, dict[str, Group]],
    labels: dict[str, str],
    site: dict,
    original: dict | None,
    page_html: str,
) -> dict:
    """The template's `speech` variable. `groups` maps section -> group name -> Group (for links);
    `site` holds site_name, site_url and today (YYYY-MM-DD); `original` holds url (site relative),
    size and ext when the original was found."""
    url = record.url

    def group_link(section: str, name: str, text: str | None = None) -> Markup:
        group = groups[section].get(name)
        if group is None:
            return escape(text or name)
        href = relative(page_url(group_src_uri(section, group)), url)
        return Markup(f'<a href="{escape(href)}">{escape(text or name)}</a>')  # as Markup.format, faster

    rows = []
    if record.date:
        rows.append(("date", labels["date"], group_link("years", record.year, record.date)))
    if record.speaker:
        rows.append(("speaker", labels["speaker"], group_link("speakers", record.speaker)))
    if record.event:
        rows.append(("event", labels["event"], group_link("events", record.event)))
    if record.location:
        rows.append(("location", labels["location"], escape(record.location)))
    source = _source(record)
    if source:
        rows.append(("source", labels["source"], source))
    if original and record.source_file:
        # The name the file had in the archive's sources: what a citation of the original, or a request
        # for it, names (the published copy is named after the page's address).
        rows.append(("original", labels["original_file"], escape(posixpath.basename(record.source_file))))
    if record.length is not None:
        unit = "words" if record.length_unit == "words" else "characters"
        rows.append(("length", labels["length"], escape(labels[unit].format(n=f"{record.length:,}"))))
    if record.reading_minutes is not None:
        rows.append(
            ("reading", labels["reading"], escape(labels["minutes"].format(n=record.reading_minutes)))
        )
    if record.tags:
        tags = Markup(" ").join(
            Markup('<span class="sa-tag">{}</span>').format(group_link("tags", t)) for t in record.tags
        )
        rows.append(("tags", labels["tags_label"], tags))

    before, after = catalog.neighbours(record.slug)
    absolute = site["site_url"] + url if site["site_url"] else ""
    heading, body = split_title(page_html)
    return {
        "title": escape(record.title),
        "heading": Markup(heading),
        "body": Markup(body),
        "rows": [{"key": k, "label": escape(label), "value": v} for k, label, v in rows],
        "truncated": record.truncated,
        "download": _download(record, original, url, labels),
        "citations": citations(record, site, absolute or url, labels),
        "json_ld": json_ld(record, site, absolute, original),
        "previous": _neighbour(before, url, labels["previous"]),
        "next": _neighbour(after, url, labels["next"]),
        "labels": escaped_labels(labels),
    }


_escaped: tuple[dict, dict] = ({}, {})


def escaped_labels(labels: dict[str, str]) -> dict:
    """`labels` with every value HTML-escaped, made once for a build's labels (the same dict for every
    page: the templates only read it)."""
    global _escaped
    if _escaped[0] is not labels:
        _escaped = (labels, {k: escape(v) for k, v in labels.items()})
    return _escaped[1]


def split_title(page_html: str) -> tuple[str, str]:
    """The page's first <h1>...</h1> and the rest of its HTML ("" and everything when it has none)."""
    start = page_html.find("<h1")
    end = page_html.find("</h1>", start)
    if start == -1 or end == -1 or page_html[:start].strip():
        return "", page_html
    end += len("</h1>")
    return page_html[start:end], page_html[end:]


def _source(record: SpeechRecord) -> Markup | None:
    name = record.source_name
    if record.source_url and is_web_url(record.source_url):
        text = name or urlsplit(record.source_url).netloc
        return Markup('<a href="{}" rel="nofollow noopener noreferrer">{}</a>').format(
            record.source_url, text
        )
    if name:
        return escape(name)
    return None


def _download(record: SpeechRecord, original: dict | None, url: str, labels: dict[str, str]) -> dict | None:
    if not original:
        return None
    fmt = _FORMAT_NAMES.get(record.source_format, (record.source_format or original["ext"]).upper())
    return {
        "href": escape(relative(original["url"], url)),
        "label": escape(labels["download"]),
        "detail": escape(f"{labels['format'].format(fmt=fmt)}, {_size(original['size'])}"),
        "filename": escape(_download_name(record, original)),
    }


def _download_name(record: SpeechRecord, original: dict) -> str:
    """The source's own file name, with the published copy's extension when that differs (a web page is
    published as .html.txt, which no browser runs): 2021年6月30日 乡村振兴工作会议讲话.pdf, not its slug."""
    published = original["url"].rsplit("/", 1)[-1]
    name = posixpath.basename(record.source_file or "")
    if not name:
        return published
    published_ext = published.rsplit(".", 1)[-1] if "." in published else ""
    source_ext = name.rsplit(".", 1)[-1] if "." in name else ""
    return name if published_ext.lower() == source_ext.lower() else f"{name}.{published_ext}"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _neighbour(record: SpeechRecord | None, from_url: str, label: str) -> dict | None:
    if record is None:
        return None
    return {
        "href": escape(relative(record.url, from_url)),
        "title": escape(record.title),
        "lang": escape(record.language),
        "date": escape(record.date),
        "label": escape(label),
    }


# --------------------------------------------------------------------------- citations


def citations(record: SpeechRecord, site: dict, url: str, labels: dict[str, str]) -> list[dict]:
    """GB/T 7714-2015 and Chicago citations, the one for the speech's language first. Each is
    {"style", "html"}; the URL and the access date sit in spans that the page's script can refresh."""
    gbt = {"style": "GB/T 7714—2015", "html": gbt7714(record, site, url)}
    chicago = {"style": "Chicago", "html": chicago_citation(record, site, url)}
    chinese = is_chinese_speech(record.language, record.title)  # the converter's test
    return [gbt, chicago] if chinese else [chicago, gbt]


def _url_span(url: str) -> Markup:
    return Markup('<span class="sa-cite-url">{}</span>').format(url)


def gbt7714(record: SpeechRecord, site: dict, url: str) -> Markup:
    """主要责任者. 题名[EB/OL]. 出版者, 日期[引用日期]. 获取和访问路径. (GB/T 7714-2015, 电子资源)"""
    parts = []
    if record.speaker:
        parts.append(Markup("{}. ").format(record.speaker))
    parts.append(Markup("{}[EB/OL]. ").format(record.title))
    publisher = escape(site["site_name"])
    date = Markup("({})").format(record.date) if record.date else Markup("")
    accessed = Markup('[<span class="sa-cite-accessed">{}</span>]').format(site["today"])
    parts.append(Markup("{}, {}{}. {}.").format(publisher, date, accessed, _url_span(url)))
    return Markup("").join(parts)


def chicago_date(date: str) -> str:
    pieces = date.split("-")
    if len(pieces) == 3:
        return f"{_MONTHS[int(pieces[1]) - 1]} {int(pieces[2])}, {pieces[0]}"
    if len(pieces) == 2:
        return f"{_MONTHS[int(pieces[1]) - 1]} {pieces[0]}"
    return date


_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def chicago_author(name: str) -> str:
    """A bibliography's author, family name first as Chicago sorts it: "Margaret Hale" -> "Hale, Margaret",
    "Martin Luther King Jr." -> "King, Martin Luther, Jr.". A name in Chinese characters (family name
    first already), one word, or one already written with a comma stays as it is."""
    words = name.split()
    if len(words) < 2 or "," in name or any("\u3400" <= c <= "\u9fff" for c in name):
        return name
    suffix = words[-1] if words[-1].lower().rstrip(".") in _NAME_SUFFIXES and len(words) > 2 else ""
    if suffix:
        words = words[:-1]
    return f"{words[-1]}, {' '.join(words[:-1])}" + (f", {suffix}" if suffix else "")


def chicago_citation(record: SpeechRecord, site: dict, url: str) -> Markup:
    """Speaker. "Title." Speech, Event, Location, Month Day, Year. Site. URL. (Chicago bibliography)"""
    head = Markup("{}. ").format(chicago_author(record.speaker)) if record.speaker else Markup("")
    details = [d for d in (record.event, record.location) if d]
    if record.date:
        details.append(chicago_date(record.date))
    speech = Markup("Speech") + Markup("").join(Markup(", {}").format(d) for d in details)
    return Markup("{}“{}.” {}. <i>{}</i>. {}.").format(
        head, record.title, speech, site["site_name"], _url_span(url)
    )


# --------------------------------------------------------------------------- JSON-LD


def json_ld(record: SpeechRecord, site: dict, absolute_url: str, original: dict | None) -> Markup:
    """schema.org metadata as the body of a <script type="application/ld+json">: `<`, `>`, `&` and line
    separators are \\u-escaped, so no text from a source can close the script element."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "genre": "speech",
        "name": record.title,
        "headline": record.title,
    }
    if absolute_url:
        data["url"] = absolute_url
    if record.date:
        data["dateCreated"] = record.date
    if record.speaker:
        data["author"] = {"@type": "Person", "name": record.speaker}
    if record.event:
        data["recordedAt"] = {"@type": "Event", "name": record.event}
        if record.date:
            data["recordedAt"]["startDate"] = record.date
        if record.location:
            data["recordedAt"]["location"] = {"@type": "Place", "name": record.location}
    if record.location:
        data["locationCreated"] = {"@type": "Place", "name": record.location}
    if record.language:
        data["inLanguage"] = record.language
    if record.tags:
        data["keywords"] = list(record.tags)
    if record.summary:
        data["abstract"] = record.summary
    if record.length is not None and record.length_unit == "words":
        data["wordCount"] = record.length
    if record.reading_minutes is not None:
        data["timeRequired"] = f"PT{record.reading_minutes}M"
    if record.source_url and is_web_url(record.source_url):
        data["isBasedOn"] = record.source_url
    if record.source_name:
        data["sourceOrganization"] = {"@type": "Organization", "name": record.source_name}
    data["isPartOf"] = {"@type": "WebSite", "name": site["site_name"]}
    if original:
        encoding = {"@type": "MediaObject", "encodingFormat": _MIME.get(record.source_format, "")}
        if site["site_url"]:
            encoding["contentUrl"] = site["site_url"] + original["url"]
        data["encoding"] = {k: v for k, v in encoding.items() if v}
    return Markup(script_json(data))


def script_json(data) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return text


def today() -> str:
    return dt.date.today().isoformat()
