"""MkDocs hook: the archive's own full-text search (exact for Chinese), replacing Material's search plugin.

- on_files adds the search page (`search/`), unless docs/ already has a search.md, and starts the index
  process (_BackgroundIndex);
- on_page_content reads each speech page's rendered HTML: its title, and every section with the id MkDocs
  gave its heading, so a result can link to the section where the phrase occurs;
- on_page_content, after the last speech page (on_nav counts them), or else on_env, tells the index
  process it has every page: it writes the index into `search-index/` in the site (format:
  converter/search/FORMAT.md) while MkDocs renders the browse pages and the templates;
- on_post_build waits for it (under `mkdocs serve`, it builds the index itself, in one process).

The search box lives in overrides/partials/search.html, the client in
overrides/assets/javascripts/archive-search.js. Elements with a `data-search-exclude` attribute (or the
heading permalinks) are left out of the index, so the site can add panels to a page without indexing them.
"""

from __future__ import annotations

import gc
import multiprocessing
import shutil
import time
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from converter.model import is_chinese
from converter.search.builder import IndexOptions, IndexStats, SearchDoc, SearchSection, build_index

log = get_plugin_logger("search")

INDEX_FOLDER = "search-index"
SEARCH_PAGE = """---
title: {title}
hide:
  - navigation
  - toc
---

# {title}

<div id="sa-search-page" class="sa-page" markdown="0"></div>
<noscript>{noscript}</noscript>
"""
LABELS = {
    "zh": {"title": "搜索", "noscript": "搜索需要启用 JavaScript。"},
    "en": {"title": "Search", "noscript": "Search needs JavaScript."},
}


@dataclass(frozen=True)
class SpeechText:
    """What the index needs of one speech page, taken when its Markdown is rendered. The HTML is parsed
    into a SearchDoc by the process that builds the index, not by the build's own."""

    url: str
    title: str  # the front matter's; else the page's first h1, else MkDocs' title (page_title)
    page_title: str
    date: str
    speaker: str
    event: str
    html: str

    def doc(self) -> SearchDoc:
        parser = _SectionParser()
        parser.feed(self.html)
        parser.close()
        return SearchDoc(
            url=self.url,
            title=self.title or parser.title or self.page_title,
            sections=tuple(parser.sections()),
            date=self.date,
            speaker=self.speaker,
            event=self.event,
        )


_pages: list[SpeechText] = []
# `mkdocs serve` runs threads (the file watcher, the web server); forking worker processes beside
# threads can deadlock, so the index is built in one process there, after the pages.
_options = IndexOptions()
_in_background = True
_background: _BackgroundIndex | None = None


def on_startup(command: str, dirty: bool) -> None:
    global _options, _in_background
    _in_background = command != "serve" and "fork" in multiprocessing.get_all_start_methods()
    _options = IndexOptions() if _in_background else IndexOptions(workers=1)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _pages.clear()
    _stop_background()
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _background
    if files.get_file_from_path("search.md") is None:
        language = str(config.theme.get("language") or "en")
        labels = LABELS["zh" if is_chinese(language) else "en"]
        files.append(File.generated(config, "search.md", content=SEARCH_PAGE.format(**labels)))
    if _in_background:
        _stop_background()
        _background = _BackgroundIndex.start(Path(config.site_dir) / INDEX_FOLDER, _options)
    return files


def _speeches_folder(config: MkDocsConfig) -> str:
    return config.extra.get("archive", {}).get("speeches", "speeches").strip("/") + "/"


def on_nav(nav, config: MkDocsConfig, files: Files):
    """Every hook and plugin has added its files now: count the speech pages the index will receive, so
    it can start on them as soon as the last one is rendered (MkDocs renders the browse pages, which the
    archive hook adds after them, before on_env)."""
    if _background is not None:
        speeches = _speeches_folder(config)
        _background.expected = sum(1 for f in files.documentation_pages() if f.src_uri.startswith(speeches))
    return nav


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri.startswith(_speeches_folder(config)):
        if _background is not None:
            _background.add(speech_text(html, page))
            if _background.sent == _background.expected:
                _background.end_of_pages()
        else:
            _pages.append(speech_text(html, page))
    return html


def on_env(env, config: MkDocsConfig, files: Files):
    """Every page's Markdown is rendered now: the index process has every speech (if it was not told so
    after the last one) and builds the index while MkDocs renders the templates (on one core; the
    index's workers use the other cores)."""
    if _background is not None:
        _background.end_of_pages()
    return env


def on_post_build(config: MkDocsConfig) -> None:
    global _background
    _remove_unused_theme_search(Path(config.site_dir))
    started = time.perf_counter()
    if _background is not None:
        stats, _background = _background.result(), None
    else:
        stats = build_index((page.doc() for page in _pages), Path(config.site_dir) / INDEX_FOLDER, _options)
    log.info(
        "search index: %d speeches, %d terms, %d files, %.1f MB (%.2f times the text) in %.1f s",
        stats.docs,
        stats.terms,
        stats.files,
        stats.bytes / 1e6,
        stats.bytes / max(stats.text_bytes, 1),
        time.perf_counter() - started,
    )
    _pages.clear()


def on_build_error(error: Exception) -> None:
    _stop_background()
    _pages.clear()


def _stop_background() -> None:
    global _background
    if _background is not None:
        _background.stop()
        _background = None


class _BackgroundIndex:
    """build_index in a process of its own, started (forked) before MkDocs renders the pages. MkDocs
    renders them on one core; the process receives each speech page through a pipe as soon as it is
    rendered, and parses and stores it on the other core, so the index's own work starts before the
    last page is rendered, and it builds the index while MkDocs renders the templates. It hands back
    its IndexStats, or its error, through a second pipe.

    The build freezes its garbage collector's objects from the end of the pages to the end of the
    index: it holds every page until the end of the build, and each collection of the templates' phase
    would walk them all again."""

    def __init__(self, process, pages, result) -> None:
        self.process = process
        self.pages = pages  # the sending end: SpeechText, then None
        self.result_pipe = result
        self.frozen = False
        self.sent = 0  # speech pages sent
        self.expected = -1  # speech pages the build renders (on_nav), -1 until known
        self.ended = False

    @classmethod
    def start(cls, out: Path, options: IndexOptions) -> _BackgroundIndex:
        page_reader, page_writer = multiprocessing.Pipe(duplex=False)
        result_reader, result_writer = multiprocessing.Pipe(duplex=False)
        context = multiprocessing.get_context("fork")
        ends = (page_reader, result_writer, (page_writer, result_reader))
        process = context.Process(target=_build_in_child, args=(*ends, out, options), daemon=False)
        process.start()
        page_reader.close()
        result_writer.close()
        return cls(process, page_writer, result_reader)

    def add(self, page: SpeechText | None) -> None:
        if self.ended and page is not None:
            # a page MkDocs renders after the count of on_nav: the index would miss it
            raise PluginError(f"The search index was closed before the speech page {page.url} was rendered.")
        if page is not None:
            self.sent += 1
        if self.pages.closed:
            return
        try:
            # as a tuple: MkDocs loads this file as a module no other process can import, so its
            # classes do not pickle
            self.pages.send(page if page is None else astuple(page))
        except OSError:  # the process stopped: result() says why
            self.pages.close()

    def end_of_pages(self) -> None:
        if self.ended:
            return
        self.add(None)
        self.ended = True
        if not self.pages.closed:
            self.pages.close()
        gc.freeze()
        self.frozen = True

    def result(self) -> IndexStats:
        """Wait for the index; a PluginError (one line, no traceback) when it could not be built."""
        try:
            outcome, value = self.result_pipe.recv()
        except EOFError:
            outcome, value = "stopped", "the index process stopped"
        finally:
            self.stop(kill=False)
        if outcome == "stopped":  # killed, or out of memory: only its exit code tells
            value += f" (exit code {self.process.exitcode})"
        if outcome != "ok":
            raise PluginError(f"The search index could not be built: {value}.")
        return value

    def stop(self, kill: bool = True) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        self.process.join()
        for end in (self.pages, self.result_pipe):
            end.close()
        if self.frozen:
            gc.unfreeze()
            self.frozen = False


def _build_in_child(pages, result, parents_ends, out: Path, options: IndexOptions) -> None:
    for end in parents_ends:  # else the pipe of pages would never end if the build stopped
        end.close()
    try:
        docs = (page.doc() for page in _received(pages))
        result.send(("ok", build_index(docs, out, options)))
    except Exception as error:  # reported by the parent, which fails the build with it
        result.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        pages.close()
        result.close()


def _received(pages) -> Iterator[SpeechText]:
    """The pages the build sends, until its None; a build that stopped sending ends them too."""
    while True:
        try:
            page = pages.recv()
        except EOFError:
            raise RuntimeError("the build stopped before sending every page") from None
        if page is None:
            return
        yield SpeechText(*page)


# Material copies the language files of its own search (lunr) into every site, search plugin or not.
# This archive searches with its own index, so they are 34 files no page ever loads.
UNUSED_THEME_SEARCH = "assets/javascripts/lunr"


def _remove_unused_theme_search(site_dir: Path) -> None:
    folder = site_dir / UNUSED_THEME_SEARCH
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)


def speech_text(html: str, page: Page) -> SpeechText:
    """What the index needs of a rendered speech page (front matter from page.meta)."""
    meta = page.meta or {}
    return SpeechText(
        url=page.url,
        title=str(meta.get("title") or ""),
        page_title=str(page.title or ""),
        date=str(meta.get("date") or ""),
        speaker=str(meta.get("speaker") or ""),
        event=str(meta.get("event") or ""),
        html=html,
    )


_BLOCKS = {"p", "li", "tr", "div", "blockquote", "pre", "table", "dd", "dt", "br", "figcaption"}
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
_VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "col", "source"}


class _SectionParser(HTMLParser):
    """Splits rendered page content into the h1 title and sections at h2-h6, as plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self._parts: list[list] = [["", "", 0, []]]  # anchor, heading, level, text pieces
        self._heading: list | None = None  # [tag, anchor, pieces]
        self._skip = 0  # depth inside excluded elements
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _VOID:
            if tag == "br":
                self._text("\n")
            return
        self._stack.append(tag)
        excluded = "data-search-exclude" in attributes or "headerlink" in (attributes.get("class") or "")
        if self._skip or excluded or tag in ("script", "style"):
            self._skip += 1
        elif tag == "h1" or tag in _HEADINGS:
            self._heading = [tag, attributes.get("id") or "", []]
        elif tag in _BLOCKS or tag in ("td", "th"):
            self._text("\n" if tag in _BLOCKS else " ")

    def handle_endtag(self, tag):
        if tag in _VOID or tag not in self._stack:
            return
        while self._stack and self._stack.pop() != tag:
            pass
        if self._skip:
            self._skip -= 1
            return
        if self._heading and tag == self._heading[0]:
            name, anchor, pieces = self._heading
            text = " ".join("".join(pieces).split())
            if name == "h1":
                self.title = self.title or text
            else:
                self._parts.append([anchor, text, int(name[1]), []])
            self._heading = None
        elif tag in _BLOCKS:
            self._text("\n")

    def handle_data(self, data):
        if self._skip:
            return
        if self._heading is not None:
            self._heading[2].append(data)
        else:
            self._text(data)

    def _text(self, data: str) -> None:
        self._parts[-1][3].append(data)

    def sections(self) -> list[SearchSection]:
        out = []
        for anchor, heading, level, pieces in self._parts:
            lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
            text = "\n".join(line for line in lines if line)
            if text or heading:
                out.append(SearchSection(anchor=anchor, heading=heading, text=text, level=level))
        return out
