"""Faster Markdown steps for the archive's pages, with the same output (issue 16: the build time).

QuickInline:

Python-Markdown tries each of its ~16 inline patterns (links, emphasis, code, footnote references,
entities, ...) on each text of a page in turn, one regular expression and a few Python calls each: about
a fifth of the time a speech page takes to render. A speech is mostly plain text in which no pattern can
match, because every one of them needs a character such as `[`, `*` or `<`. `QuickInline` first looks
for any of those characters in the text once, and hands the text to Python-Markdown's own inline step only
when one is there; without one, that step would return the text as it is, which is what QuickInline does.

It knows the trigger of each inline pattern of Python-Markdown and of the extensions in mkdocs.yml, by the
pattern's name and class. When a page's Markdown has any other inline pattern (an extension added later),
it makes no shortcut for that page.

QuickToc: Python-Markdown's toc extension also writes the table of contents as HTML (`md.toc`), for a
`[TOC]` marker in the page, and looks for that marker in every element: about a tenth of a speech
page's Markdown time. MkDocs reads only the headings' list (`md.toc_tokens`) and Material draws the
table of contents from it, so for a page without the marker QuickToc leaves `md.toc` an empty <div>.

NamedPermalinks is no shortcut: it gives each heading's permalink an accessible name (its title).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.extensions.toc import TocTreeprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import AtomicString

# name -> (class, a regular expression that finds every place where the pattern could start to match)
KNOWN_PATTERNS = {
    "backtick": ("BacktickInlineProcessor", r"`"),
    "escape": ("EscapeInlineProcessor", r"\\"),
    "footnote": ("FootnoteInlineProcessor", r"\["),
    "reference": ("ReferenceInlineProcessor", r"\["),
    "link": ("LinkInlineProcessor", r"\["),
    "image_link": ("ImageInlineProcessor", r"!\["),
    "image_reference": ("ImageReferenceInlineProcessor", r"!\["),
    "short_reference": ("ShortReferenceInlineProcessor", r"\["),
    "short_image_ref": ("ShortImageReferenceInlineProcessor", r"!\["),
    "autolink": ("AutolinkInlineProcessor", r"<"),
    "automail": ("AutomailInlineProcessor", r"<"),
    "linebreak": ("SubstituteTagInlineProcessor", r"  \n"),
    "html": ("HtmlInlineProcessor", r"<"),
    "entity": ("HtmlInlineProcessor", r"&"),
    "em_strong": ("DelimiterProcessor", r"[*_]"),
    "em_strong2": ("UnderscoreProcessor", r"_"),
    "not_strong": ("SimpleTextInlineProcessor", r"[*_]"),
    "delimiter": ("DelimiterProcessor", r"~"),  # pymdownx.tilde
    "tilde": ("TildeProcessor", r"~"),  # pymdownx.tilde, older releases
}

_triggers: dict[tuple, re.Pattern | None] = {}


def triggers(md: Markdown) -> re.Pattern | None:
    """One expression for the triggers of every inline pattern of `md`, or None when one is unknown."""
    patterns = md.inlinePatterns
    key = tuple(
        (item.name, type(patterns[item.name]).__name__) for item in getattr(patterns, "_priority", ())
    )
    if key not in _triggers:
        known = [KNOWN_PATTERNS.get(name) for name, _ in key]
        if key and all(k is not None and k[0] == cls for k, (_, cls) in zip(known, key, strict=True)):
            _triggers[key] = re.compile("|".join(sorted({k[1] for k in known})))
        else:
            _triggers[key] = None
    return _triggers[key]


class QuickInlineProcessor(InlineProcessor):
    """Python-Markdown's InlineProcessor, which returns a text in which no inline pattern can match as it
    is, without trying each pattern on it."""

    _quick: re.Pattern | None = None  # None: no shortcut (set for each page by run)

    def run(self, tree, ancestors=None):
        self._quick = triggers(self.md)
        return super().run(tree, ancestors)

    # InlineProcessor calls its private __handleInline for every text, and again inside the elements a
    # pattern made (with a later patternIndex: the trigger of every pattern still covers those).
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if self._quick is not None and not isinstance(data, AtomicString) and not self._quick.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


class QuickInline(Extension):
    """Registers QuickInlineProcessor in place of Python-Markdown's inline step (same name, same place)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        priority = next(item.priority for item in md.treeprocessors._priority if item.name == "inline")
        md.treeprocessors.register(QuickInlineProcessor(md), "inline", priority)


def holds_marker(doc: etree.Element, marker: str) -> bool:
    """True when an element's text is the marker (Python-Markdown replaces a <p> that holds only it)."""
    return any(el.text and el.text.strip() == marker for el in doc.iter())


class QuickTocProcessor(TocTreeprocessor):
    """The toc extension's step, which builds the table of contents' HTML only for a page with the marker."""

    _without_marker = False

    def run(self, doc: etree.Element) -> None:
        self._without_marker = not (self.marker and holds_marker(doc, self.marker))
        super().run(doc)

    def build_toc_div(self, toc_list: list) -> etree.Element:
        return etree.Element("div") if self._without_marker else super().build_toc_div(toc_list)

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        if not self._without_marker:
            super().replace_marker(root, elem)


class QuickToc(Extension):
    """Makes the toc extension's step a QuickTocProcessor (same settings, same place)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        if "toc" in md.treeprocessors and type(md.treeprocessors["toc"]) is TocTreeprocessor:
            md.treeprocessors["toc"].__class__ = QuickTocProcessor


class NamedPermalinksProcessor(Treeprocessor):
    """Gives each heading's permalink (`<a class="headerlink" title="链接到本节">#</a>`, made by the toc
    extension) its title as its accessible name: a link is named by its text, here "#", and a title names
    it only when it has none, so a screen reader announced "#" at every heading. The toc extension has no
    option for it."""

    def run(self, doc: etree.Element) -> None:
        if "toc" not in self.md.treeprocessors:  # a Registry, without dict's get
            return
        toc = self.md.treeprocessors["toc"]
        title = getattr(toc, "permalink_title", "")
        if not title or not getattr(toc, "use_permalinks", False):
            return
        for link in doc.iter("a"):
            if link.get("class") == toc.permalink_class and link.get("title") == title:
                link.set("aria-label", title)


class NamedPermalinks(Extension):
    """Registers NamedPermalinksProcessor just after the toc extension's step (priority 5)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(NamedPermalinksProcessor(md), "named_permalinks", 4)
