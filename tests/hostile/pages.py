"""Reading what the converter wrote: a page's front matter and body, the body rendered the way the site
renders it (Python-Markdown with the extensions in mkdocs.yml), and checks that the result is inert."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import yaml
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[2]

# What a rendered speech may contain. Anything else (script, iframe, style, svg, object, form, base,
# meta, link, input...) means source markup got through.
ALLOWED_TAGS = {
    "html", "body", "div", "p", "br", "hr", "span", "h1", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong",
    "b", "i", "del", "s", "sup", "sub", "ul", "ol", "li", "blockquote", "pre", "code", "table", "thead",
    "tbody", "tr", "th", "td", "img", "figure", "figcaption", "abbr", "mark", "ins",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"href", "src", "alt", "title", "id", "class", "colspan", "rowspan", "align", "style",
                      "rel", "role", "start", "width", "height", "loading"}  # fmt: skip
SAFE_SCHEMES = {"", "http", "https", "mailto"}
# Files a browser would render or run if served from the archive's own domain.
RUNNABLE_SUFFIXES = {
    ".html",
    ".htm",
    ".xhtml",
    ".shtml",
    ".svg",
    ".svgz",
    ".js",
    ".mjs",
    ".xml",
    ".xsl",
    ".swf",
}


def split_page(text: str) -> tuple[dict, str]:
    """(front matter as parsed by yaml.safe_load, Markdown body) of a page."""
    match = re.match(r"---\n(.*?\n)---\n(.*)\Z", text, flags=re.DOTALL)
    assert match, f"no front matter at the top of the page: {text[:200]!r}"
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict), f"front matter is not a mapping: {match.group(1)[:200]!r}"
    return meta, match.group(2)


def read_page(docs: Path, output: str) -> tuple[dict, str]:
    return split_page((docs / output).read_text(encoding="utf-8"))


class _Lenient(yaml.SafeLoader):
    """Reads mkdocs.yml without running its tags (!ENV, !!python/name: ...): they become None."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)


@cache
def site_extensions() -> tuple[list, dict]:
    """The Markdown extensions and their settings from the project's mkdocs.yml (settings that are
    Python objects are left at their defaults)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Lenient) or {}
    names, configs = [], {}
    for item in config.get("markdown_extensions") or []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            for name, settings in item.items():
                names.append(name)
                if isinstance(settings, dict):
                    configs[name] = {k: v for k, v in settings.items() if v is not None}
    return names, configs


def render(body: str) -> str:
    names, configs = site_extensions()
    return markdown.markdown(body, extensions=names, extension_configs=configs)


def unsafe_parts(rendered: str) -> list[str]:
    """Everything in rendered HTML that could run or load something: empty when the page is inert."""
    if not rendered.strip():
        return []
    problems = []
    tree = lxml_html.fragment_fromstring(rendered, create_parent="div")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            problems.append(f"comment or processing instruction: {lxml_html.tostring(element)[:80]!r}")
            continue
        if element.tag.lower() not in ALLOWED_TAGS:
            problems.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower() not in ALLOWED_ATTRIBUTES:
                problems.append(f"<{element.tag} {name}=...>")
            if name.lower() in ("href", "src") and _scheme(value) not in SAFE_SCHEMES:
                problems.append(f"<{element.tag} {name}={value[:60]!r}>")
            if name.lower() == "src" and _scheme(value) in ("http", "https"):
                problems.append(f"<{element.tag} src={value[:60]!r}> loads from another host")
            if name.lower() == "style" and re.search(r"url\s*\(|expression\s*\(", value, re.IGNORECASE):
                problems.append(f"<{element.tag} style={value[:60]!r}>")
    return problems


def _scheme(url: str) -> str:
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    try:
        return urlsplit(cleaned).scheme.lower()
    except ValueError:
        return "unparsable"


def visible_text(rendered: str) -> str:
    """The text a reader sees in rendered HTML (entities decoded, tags dropped)."""
    if not rendered.strip():
        return ""
    tree = lxml_html.fragment_fromstring(rendered, create_parent="div")
    for link in tree.xpath('//a[contains(@class, "headerlink")]'):  # toc permalinks ("#")
        link.drop_tree()
    return tree.text_content()


def load_report(path: Path) -> dict:
    report = json.loads(path.read_text(encoding="utf-8"))
    assert set(report) >= {"documents", "summary"}, report.keys()
    return report


def entries_by_source(report: dict) -> dict[str, dict]:
    return {entry["source"]: entry for entry in report["documents"]}


def snapshot(folder: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple[int, int]]:
    """Every file under `folder` (except under `skip`) with its size and modification time."""
    skip = tuple(s.resolve() for s in skip)
    result = {}
    for path in sorted(folder.rglob("*")):
        resolved = path.resolve()
        if any(resolved == s or s in resolved.parents for s in skip):
            continue
        if path.is_file():
            stat = path.stat()
            result[path.relative_to(folder).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return result
