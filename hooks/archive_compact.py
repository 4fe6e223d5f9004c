"""Keep the published site small without changing what a reader sees (issue 16: 10,000 speeches must fit
in GitHub Pages' 1 GB).

- compact_html: Material's templates indent every line and leave blank lines where a Jinja tag stood:
  about 5 KB of a 56 KB speech page and a quarter of a browse page. A run of whitespace that holds a line
  break becomes one line break. HTML renders any run of its whitespace (space, tab, line feed, form feed,
  carriage return) as one space, so the page looks the same; text whose whitespace is kept as written
  (<pre>, <code>, <kbd> and <textarea>: Material sets `white-space: pre-wrap` on code) and the text of
  <script> and <style> are left exactly as they are. Only ASCII whitespace is touched: the ideographic
  space U+3000 that indents Chinese paragraphs is text, not HTML whitespace.
- slim_theme_config: Material's page settings (`<script id="__config">`) carry the labels and the worker
  address of its own search box, which no page of this archive has, in every page; they go, and the
  JSON loses its spaces.
- remove_unpublished_theme_files: Material copies the source maps of its minified files (1.3 MB, the
  largest file of the site) and the worker of its own search, which this archive turns off (the worker
  is started only by Material's search box, which no page has). Neither is loaded by any page.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

# Elements whose text is kept byte for byte. Non-greedy up to the first closing tag of the same name:
# none of them nests inside itself.
_VERBATIM = re.compile(r"<(pre|code|kbd|textarea|script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# HTML's whitespace characters are space, tab, line feed, form feed and carriage return (not Python's \s,
# which also matches U+3000 and other spaces that are text).
_HTML_SPACE_NOT_BREAK = " \t\f\r"
_AFTER_BREAK = re.compile(r"\n[ \t\n\f\r]*")

# Material's folders and files that no page of this archive loads (paths relative to site_dir).
UNUSED_THEME_SEARCH_WORKER = "assets/javascripts/workers"
THEME_ASSETS = "assets"
_SOURCE_MAP_COMMENT = re.compile(r"\n?(?://# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*\Z")


def compact_page(html: str) -> str:
    """A rendered page as published: slim_theme_config, then compact_html."""
    return compact_html(slim_theme_config(html))


def compact_html(html: str) -> str:
    """`html` with every whitespace run that holds a line break made one line break, outside the
    elements whose text is kept as written."""
    out, start = [], 0
    for verbatim in _VERBATIM.finditer(html):
        out.append(_collapse_breaks(html[start : verbatim.start()]))
        out.append(verbatim.group(0))
        start = verbatim.end()
    out.append(_collapse_breaks(html[start:]))
    return "".join(out)


def _collapse_breaks(text: str) -> str:
    """Each whitespace run in `text` that holds a line break, made one line break. (Stripping the end of
    each line first and then matching from the break is a few times faster than one pattern that starts
    with a character class: Python's regex engine would try it at every character.)"""
    *lines, last = text.split("\n")
    if not lines:
        return text
    stripped = [line.rstrip(_HTML_SPACE_NOT_BREAK) for line in lines]
    return _AFTER_BREAK.sub("\n", "\n".join(stripped + [last]))


_THEME_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.DOTALL)
# Labels that only Material's search box reads (its bundle looks them up when it draws search results),
# and the address of the search worker, which only that search box starts (and which is not published).
_THEME_SEARCH_LABELS = "search.result."
_THEME_SEARCH_WORKER = "search"


def slim_theme_config(html: str) -> str:
    """`html` with Material's page settings written without its search box's labels and worker and
    without spaces.
    The page is returned unchanged if the settings are not found or are not JSON."""
    found = _THEME_CONFIG.search(html)
    if not found:
        return html
    try:
        settings = json.loads(found.group(2))
    except ValueError:
        return html
    labels = settings.get("translations")
    if isinstance(labels, dict):
        settings["translations"] = {k: v for k, v in labels.items() if not k.startswith(_THEME_SEARCH_LABELS)}
    settings.pop(_THEME_SEARCH_WORKER, None)
    text = json.dumps(settings, ensure_ascii=False, separators=(",", ":"))
    # As Jinja's tojson: nothing in the JSON can close the <script> or start markup.
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    return html[: found.start(2)] + text + html[found.end(2) :]


def remove_unpublished_theme_files(site_dir: Path) -> int:
    """Delete Material's source maps and its unused search worker from site_dir/assets; drop the
    `sourceMappingURL` comment of each file whose map went, so browser developer tools do not ask for
    a missing file. Returns the number of files removed."""
    removed = 0
    worker = site_dir / UNUSED_THEME_SEARCH_WORKER
    if worker.is_dir() and not worker.is_symlink():
        removed += sum(1 for p in worker.rglob("*") if p.is_file())
        _remove_tree(worker)
    assets = site_dir / THEME_ASSETS
    if not assets.is_dir():
        return removed
    for source_map in sorted(assets.rglob("*.map")):
        if not source_map.is_file() or source_map.is_symlink():
            continue
        source_map.unlink()
        removed += 1
        minified = source_map.with_suffix("")  # bundle.x.min.js.map -> bundle.x.min.js
        if minified.is_file() and not minified.is_symlink():
            _drop_source_map_comment(minified)
    return removed


def _drop_source_map_comment(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    trimmed = _SOURCE_MAP_COMMENT.sub("\n", text)
    if trimmed != text:
        write_atomically(path, trimmed)


def _remove_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
    folder.rmdir()


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder (created with the usual
    permissions, so a web server can still read it), so a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
