"""MkDocs hook that turns the converter's speech pages into an archive site.

- on_config: reads `extra.archive`, sets the navigation to the browse pages only, and adds QuickInline
  and QuickToc (archive_markdown: the same HTML in less time) and NamedPermalinks (an accessible name
  for each heading's permalink) to the Markdown extensions.
- on_files: reads every speech page's front matter once (archive_catalog), checks the originals, and adds
  the generated browse pages (archive_browse decides which exist) as `File.generated` pages; each names
  its template in overrides/browse/ in its front matter.
- on_page_markdown: gives speech pages the `speech.html` template (and a description and author).
- on_page_content: lets go of a speech page's Markdown source once it is rendered (memory).
- on_page_context: HTML-escapes every front matter string (Material prints `page.meta.title` and friends
  without escaping) and passes the speech template its `speech` variable (archive_speech) and a browse
  page's template its `browse` variable (archive_browse).
- on_template_context: gives the 404 page (overrides/404.html) the archive's words and the browse pages.
- on_post_page / on_post_template: every HTML page without the template's indentation and Material's
  unused search labels (archive_compact).
- on_post_build: removes Material's source maps and unused search worker (archive_compact), writes
  feed.xml, speeches.json and speeches.csv (archive_data), a redirect page at the old URL of every
  speech whose page moved, and a notice at the URL of every speech a conversion removed (the converter
  lists both in docs/.speech-archive.json: `redirects`, `gone`).

Configuration (mkdocs.yml):
    extra:
      archive:
        sources: sources   # the converter's input folder (for the README's site command)
        speeches: speeches # folder of speech pages inside docs_dir
        latest: 12         # speeches on the home page
        feed_size: 30      # entries in feed.xml
        strict_pages: false # true: a problem in one page's front matter fails `mkdocs build --strict`
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

from archive_browse import SECTIONS, Settings, browse_pages, browse_view
from archive_catalog import Catalog, make_record, read_front_matter
from archive_compact import compact_page, remove_unpublished_theme_files
from archive_data import atom_feed, catalog_csv, catalog_json
from archive_labels import LABELS, labels_for
from archive_markdown import NamedPermalinks, QuickInline, QuickToc
from archive_speech import escaped_labels, resolve_original, speech_view, today
from markupsafe import Markup, escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

log = get_plugin_logger("archive")

# The only files published from originals/ and media/: Word, text (HTML originals are `.html.txt`) and
# bitmap images. An allowlist, because the list of types a browser runs as a page is long (.html, .xht,
# .svg, .svgz, .xml, .xsl, .rss, .rdf, .atom, .mht, .js, ...) and a static server picks the type by name.
SAFE_ORIGINAL_EXTENSIONS = (".docx", ".doc", ".wps", ".txt", ".pdf", ".odt", ".rtf")
SAFE_MEDIA_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".emf", ".wmf")
DEFAULTS = {
    "sources": "sources",
    "speeches": "speeches",
    "latest": 12,
    "feed_size": 30,
    "strict_pages": False,
}


class _State:
    """What one build learns in on_files and uses in later events (reset on every build)."""

    def __init__(self):
        self.options: dict = dict(DEFAULTS)
        self.labels: dict[str, str] = labels_for("en")
        self.catalog = Catalog([])
        self.records: dict = {}  # src_uri -> SpeechRecord
        self.groups: dict = {}  # section -> name -> Group
        self.originals: dict[str, dict] = {}  # slug -> {url, size, ext}
        self.browse: dict = {}  # src_uri -> BrowsePage


state = _State()


ACCEPTS = {
    "sources": "a folder name",
    "speeches": "a folder name inside docs/",
    "latest": "a whole number of speeches (1 or more)",
    "feed_size": "a whole number of feed entries (1 or more)",
    "strict_pages": "true or false",
}


class ArchiveOptions(base.Config):
    """The schema of `extra.archive` in mkdocs.yml, checked by MkDocs' own config options."""

    sources = c.Type(str, default=DEFAULTS["sources"])
    speeches = c.Type(str, default=DEFAULTS["speeches"])
    latest = c.Type(int, default=DEFAULTS["latest"])
    feed_size = c.Type(int, default=DEFAULTS["feed_size"])
    strict_pages = c.Type(bool, default=DEFAULTS["strict_pages"])


def archive_options(raw) -> dict:
    """`extra.archive` validated: a one-line error naming the key and what it accepts, never a traceback."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise PluginError(f"extra.archive in mkdocs.yml must be a mapping of options, not {raw!r}.")
    options = ArchiveOptions()
    options.load_dict(raw)
    errors, _warnings = options.validate()
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        errors.append((unknown[0], f"unknown option; the options are {', '.join(DEFAULTS)}"))
    for key in ("latest", "feed_size"):
        if not errors and options[key] < 1:
            errors.append((key, "must be a whole number of 1 or more"))
    if errors:
        key, problem = errors[0]
        if key in ACCEPTS and "Expected type" in str(problem):
            problem = f"must be {ACCEPTS[key]}, not {raw[key]!r}"
        raise PluginError(f"extra.archive.{key} in mkdocs.yml: {problem}")
    return dict(options)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    options = archive_options((config.extra or {}).get("archive"))
    state.options = options
    state.labels = labels_for(str(config.theme.get("language") or "en"))
    toc = config.mdx_configs.get("toc")
    if isinstance(toc, dict) and toc.get("permalink_title") in {x["permalink"] for x in LABELS.values()}:
        # mkdocs.yml names the heading permalinks in Chinese; an archive in another language gets its own.
        toc["permalink_title"] = state.labels["permalink"]
    if not any(isinstance(ext, QuickInline) for ext in config.markdown_extensions):
        # last: they change the other extensions' steps
        config.markdown_extensions.extend([QuickInline(), QuickToc(), NamedPermalinks()])
    if not config.site_url:
        # info, not warning: a build without an address (a preview, the tests) is no mistake under --strict
        log.info(
            "site_url is not set: no sitemap.xml is written (the sitemap protocol needs absolute URLs), and "
            "feed.xml, speeches.json and speeches.csv use relative URLs. To publish, set SITE_URL to the "
            "site's address, e.g. SITE_URL=https://example.org/speeches/"
        )
    if not config.nav:
        labels = state.labels
        config.nav = [{labels["home"]: "index.md"}] + [{labels[s]: f"{s}/index.md"} for s in SECTIONS]
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    speeches_dir = str(state.options["speeches"]).strip("/")
    records, originals = [], {}
    for file in list(files):
        if not is_safe_asset(file.src_uri):
            log.warning(
                f"'{file.src_uri}' could be served as a live web page: originals/ and media/ may hold only "
                f"{', '.join(SAFE_ORIGINAL_EXTENSIONS + SAFE_MEDIA_EXTENSIONS)} files (originals of HTML "
                "sources must be written as <slug>.html.txt). The file is left out of the site."
            )
            files.remove(file)
    for file in files.documentation_pages():
        if not file.src_uri.startswith(speeches_dir + "/") or file.src_uri.count("/") != 1:
            continue
        meta = read_front_matter(file.content_string)
        record, problems = make_record(file.src_uri, file.url, meta)
        for problem in problems:
            page_problem(problem)
        records.append(record)
        original = _find_original(record, files)
        if original:
            originals[record.slug] = original
    catalog = Catalog(sorted(records, key=lambda r: r.sort_key))
    state.catalog = catalog
    state.records = {r.src_uri: r for r in records}
    state.originals = originals
    groups = catalog.groups()
    state.groups = {section: {g.name: g for g in items} for section, items in groups.items()}
    settings = Settings(
        site_name=config.site_name,
        site_description=config.site_description or "",
        labels=state.labels,
        latest=int(state.options["latest"]),
        language=str(config.theme.get("language") or "en"),
        sitemap=bool(config.site_url),  # overrides/sitemap.xml writes one only with site_url
    )
    nav_pages = {"index.md"} | {f"{s}/index.md" for s in SECTIONS}
    state.browse = browse_pages(catalog, settings, groups)
    for src_uri, page in state.browse.items():
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            log.warning(f"'{src_uri}' in docs_dir is replaced by the generated browse page.")
            files.remove(existing)
        inclusion = InclusionLevel.UNDEFINED if src_uri in nav_pages else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, src_uri, content=page.markdown, inclusion=inclusion))
    return files


def page_problem(text: str) -> None:
    """A problem in one speech page (a hand-edited date, a missing original): reported with the page's
    name, and the page published as well as it can be. It does not stop the whole site under
    `mkdocs build --strict` unless the archive asks for that with `extra.archive.strict_pages: true`."""
    (log.warning if state.options.get("strict_pages") else log.info)(text)


def is_safe_asset(src_uri: str) -> bool:
    """False for a file in originals/ or media/ whose type is not on the allowlist (other files: True)."""
    name = src_uri.lower()
    if name.startswith("originals/"):
        return name.endswith(SAFE_ORIGINAL_EXTENSIONS)
    if name.startswith("media/"):
        return name.endswith(SAFE_MEDIA_EXTENSIONS)
    return True


def _find_original(record, files: Files) -> dict | None:
    if not record.original:
        return None
    src_uri = resolve_original(record)
    file = files.get_file_from_path(src_uri) if src_uri else None
    if file is None or file.abs_src_path is None:
        page_problem(f"{record.src_uri}: original '{record.original}' is not in docs_dir; no download link.")
        return None
    return {
        "url": file.url,
        "size": os.path.getsize(file.abs_src_path),
        "ext": Path(src_uri).suffix.lstrip("."),
    }


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    record = state.records.get(page.file.src_uri)
    if record is not None:
        page.meta.setdefault("template", "speech.html")
        if record.summary:
            page.meta.setdefault("description", record.summary)
        if record.speaker:
            page.meta.setdefault("author", record.speaker)
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri in state.records:
        # MkDocs keeps every page's Markdown source to the end of the build, though nothing reads it once
        # the page is rendered (the title comes from the front matter or the rendered h1): at 10,000
        # speeches that is about 200 MB of the build's peak. "" and not None: MkDocs reads None as "not
        # read yet" (Page.title is then None).
        page.markdown = ""
    return html


def _escaped(value):
    """Front matter strings as escaped Markup (templates print them raw); lists and dicts likewise."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return escape(value)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav) -> dict:
    # Escaped here, not earlier, so hooks that read page.meta in on_page_content (search) get plain text.
    page.meta = {key: _escaped(value) for key, value in page.meta.items()}
    record = state.records.get(page.file.src_uri)
    if record is not None:
        site = {"site_name": config.site_name, "site_url": config.site_url or "", "today": today()}
        original = state.originals.get(record.slug)
        context["speech"] = speech_view(
            record, state.catalog, state.groups, state.labels, site, original, page.content or ""
        )
    browse_page = state.browse.get(page.file.src_uri)
    if browse_page is not None:
        context["browse"] = browse_view(browse_page, page.content or "")
    context["archive_labels"] = escaped_labels(state.labels)
    return context


def on_template_context(context: dict, template_name: str, config: MkDocsConfig) -> dict:
    if template_name == "404.html":
        # The 404 page is drawn from a template, without a page: it gets the archive's words and the pages
        # it links to here (overrides/404.html makes each link absolute with the `url` filter).
        labels = state.labels
        context["archive_labels"] = escaped_labels(labels)
        context["archive_ways_in"] = [{"path": "", "label": labels["home"]}] + [
            {"path": f"{section}/", "label": labels[section]} for section in SECTIONS
        ]
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return compact_page(output)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    # 404.html is rendered from a template, not a page; sitemap.xml is left as the template writes it.
    return compact_page(output_content) if template_name.endswith(".html") else output_content


def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    remove_unpublished_theme_files(site_dir)
    site_url = config.site_url or ""
    originals = {slug: o["url"] for slug, o in state.originals.items()}
    updated = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    size = int(state.options["feed_size"])
    outputs = {
        "feed.xml": atom_feed(state.catalog, config.site_name, site_url, size, updated),
        "speeches.json": catalog_json(state.catalog, config.site_name, site_url, originals),
        "speeches.csv": catalog_csv(state.catalog, site_url, originals),
    }
    for name, text in outputs.items():
        (site_dir / name).write_text(text, encoding="utf-8", newline="")
    converter_state = read_converter_state(config)
    redirects = write_redirects(config, site_dir, converter_state)
    removed = write_removed_notices(site_dir, converter_state)
    log.info(
        f"{len(state.catalog.speeches)} speeches; wrote {', '.join(outputs)}; {redirects} redirects; "
        f"{removed} notices of removed speeches"
    )


def read_converter_state(config: MkDocsConfig) -> dict:
    """The converter's memory (docs/.speech-archive.json): its `redirects` and `gone` slugs."""
    try:
        converter_state = json.loads((Path(config.docs_dir) / CONVERTER_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return converter_state if isinstance(converter_state, dict) else {}


def write_redirects(config: MkDocsConfig, site_dir: Path, converter_state: dict) -> int:
    """A small page at each old speech URL that sends readers (and search engines, by its canonical link)
    to where the speech is now: the converter keeps a speech's URL when its source is renamed, and
    records the old slug when a page moves anyway (a new slug in the catalog, a source renamed and
    edited at once)."""
    speeches_dir = str(state.options["speeches"]).strip("/")
    current = {record.slug for record in state.catalog.speeches}
    written = 0
    for old, new in (converter_state.get("redirects") or {}).items():
        if not _SLUG.fullmatch(str(new)) or new not in current:
            continue
        target = f"../{new}/"
        absolute = f"{config.site_url.rstrip('/')}/{speeches_dir}/{new}/" if config.site_url else target
        page = REDIRECT_PAGE.format(target=target, canonical=absolute)
        written += _write_stand_in(site_dir / speeches_dir, old, page, current)
    return written


def write_removed_notices(site_dir: Path, converter_state: dict) -> int:
    """A small page at the URL of each speech a conversion removed (its source deleted, or not
    recognised): a citation or bookmark then finds a notice that the speech was removed from the
    archive, with a way to the archive's home page, instead of a bare "not found". It names no title:
    a speech may have been removed on purpose. Search engines are asked not to index it."""
    speeches_dir = str(state.options["speeches"]).strip("/")
    page = REMOVED_PAGE.format(home="../" * (len(speeches_dir.split("/")) + 1))
    current = {record.slug for record in state.catalog.speeches}
    gone = converter_state.get("gone")
    slugs = gone if isinstance(gone, dict) else {}
    return sum(_write_stand_in(site_dir / speeches_dir, slug, page, current) for slug in slugs)


def _write_stand_in(speeches: Path, slug, page: str, current: set[str]) -> bool:
    """Write `page` at speeches/<slug>/ (a redirect, or a notice), unless `slug` is not a slug or a
    speech's page (or another stand-in) is there: the converter's memory is read, not trusted."""
    folder = speeches / str(slug)
    if not _SLUG.fullmatch(str(slug)) or slug in current or (folder / "index.html").exists():
        return False
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(page, encoding="utf-8")
    return True


CONVERTER_STATE = ".speech-archive.json"
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,120}")
REDIRECT_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Moved</title>
<link rel="canonical" href="{canonical}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={target}">
</head><body><p><a href="{target}">This speech has moved / 本讲话已移至新地址</a></p></body></html>
"""
REMOVED_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Removed / 已移除</title>
<meta name="robots" content="noindex">
</head><body><p>This speech has been removed from the archive. / 本讲话已从档案中移除。</p>
<p><a href="{home}">Go to the archive / 返回档案首页</a></p></body></html>
"""
