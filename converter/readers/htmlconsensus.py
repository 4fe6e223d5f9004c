"""What two maintained extraction libraries agree is a web page's article, used to prune the reader's choice.

The HTML reader finds the article's element in the page itself (see `html.find_article`), because only the
page's own element keeps a speech's headings, nested lists, tables and footnotes as they are. On pages from
news and other non-portal sites that element also holds share bars, "Advertisement" lines, teasers of related
articles, newsletter and author boxes, comment threads and the like. readability-lxml and trafilatura each
drop most of those, but each keeps some furniture the other drops, so a block of the element is kept when
both libraries kept its text (measured on benchmarks/web_pages, this beats keeping what either kept), and a
block too short to be told apart from a chance match goes with the blocks around it. A library
that found (next to) nothing has no say; when neither found anything, or they kept too little of the
element's text to judge by, nothing is pruned and the reader's own choice stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import trafilatura
from lxml import html as lxml_html
from readability import Document as Readability

# Elements that hold one block of text (a paragraph, a heading, a list item, a table row, …).
TEXT_BLOCKS = frozenset("p li h1 h2 h3 h4 h5 h6 tr dt dd pre blockquote figcaption caption address".split())
# Containers: a container with text of its own (old portal pages lay a speech out with <br>) is a block too.
CONTAINERS = frozenset(
    "div section article main header footer aside nav center span font td form ul ol dl table".split()
)
NOT_WORD = re.compile(r"[\W_]+")
SENTENCE_END = re.compile(r"(?<=[。！？；!?;：:])|(?<=\.)\s|\n")
MIN_SHARED = 0.2  # the libraries' text must hold at least this share of the element's text to prune by it
KEEP_COVERED = 0.5  # a block is kept when at least this share of its text is in the libraries' text
MIN_LIBRARY_TEXT = 100  # characters: a library that kept less found no article
SHORT = 8  # characters: a sentence this short may be found anywhere by chance
PRUNED = "data-speech-archive-pruned"


@dataclass(frozen=True)
class Confirmed:
    """The texts the libraries kept, without spaces and punctuation (so that only the words are compared)."""

    texts: tuple[str, ...]
    # sentence as it stands in the page -> (its length without spaces and punctuation, whether each
    # library kept it). Pruning asks about the same sentences again and again (the article, then each
    # block, then each container left); each is cleaned and searched for once.
    _sentences: dict = field(default_factory=dict, compare=False, repr=False)
    # Where in each library's text the last sentence found there ended: the next sentence of the page is
    # looked for from there first, since the libraries keep the page's order (else in the whole text).
    _after: list = field(default_factory=list, compare=False, repr=False)

    def covers(self, text: str) -> float:
        """The share of `text` (by characters, sentence by sentence) that every library kept. Sentences
        too short to be told apart from a chance match count only when the whole text is that short."""
        sentences = [self._sentence(s) for s in SENTENCE_END.split(text)]
        telling = [s for s in sentences if s[0] >= SHORT] or [self._sentence(text)]
        total = sum(length for length, _ in telling)
        if not total:
            return 1.0
        return min(sum(length for length, kept in telling if kept[i]) / total for i in range(len(self.texts)))

    def _sentence(self, sentence: str) -> tuple[int, tuple[bool, ...]]:
        facts = self._sentences.get(sentence)
        if facts is None:
            words = NOT_WORD.sub("", sentence)
            kept = tuple(self._kept(library, words) for library in range(len(self.texts)))
            facts = self._sentences[sentence] = (len(words), kept)
        return facts

    def _kept(self, library: int, words: str) -> bool:
        """Whether the library's text holds `words` (`words in text`): looked for after the last sentence
        found there, then in what lies before (so a sentence the library left out costs one pass too)."""
        if not self._after:
            self._after.extend([0] * len(self.texts))
        text, after = self.texts[library], self._after[library]
        at = text.find(words, after)
        if at < 0:
            return text.find(words, 0, after + len(words) - 1) >= 0
        self._after[library] = at + len(words)
        return True


@dataclass(frozen=True)
class Libraries:
    """What the libraries made of a page: readability-lxml's summary (HTML) and the text both agree on."""

    readability_summary: str
    confirmed: Confirmed


def run_libraries(page_html: str) -> Libraries:
    """Run readability-lxml and trafilatura on the (already made safe) page. The confirmed text is what both
    kept, or what one kept when the other found (next to) nothing."""
    summary = _readability_summary(page_html)
    texts = (_text_of(summary) if summary else "", _trafilatura_text(page_html))
    useful = tuple(t for t in (NOT_WORD.sub("", text) for text in texts) if len(t) >= MIN_LIBRARY_TEXT)
    return Libraries(summary, Confirmed(useful))


def _readability_summary(page_html: str) -> str:
    try:
        return Readability(page_html, min_text_length=10).summary(html_partial=True)
    except Exception:  # noqa: BLE001 - a library that fails on a page confirms nothing
        return ""


def _text_of(summary: str) -> str:
    return lxml_html.fragment_fromstring(summary, create_parent="div").text_content()


def _trafilatura_text(page_html: str) -> str:
    try:
        return trafilatura.extract(page_html, include_comments=False, include_tables=True) or ""
    except Exception:  # noqa: BLE001
        return ""


def prune_unconfirmed(article, confirmed: Confirmed) -> list[str]:
    """Remove the blocks of `article` whose text the libraries did not keep, then the containers left with
    nothing the libraries kept; return the texts removed (so the reader can say what it left out). Nothing
    is removed when the libraries kept too little of the article's text to judge by."""
    if not confirmed.texts or confirmed.covers(article.text_content()) < MIN_SHARED:
        return []
    blocks = [block for block in _blocks(article) if NOT_WORD.sub("", block.text_content())]
    removed = []
    for block, keep in zip(blocks, _decide(blocks, confirmed), strict=True):
        if not keep:
            for ancestor in block.iterancestors():
                ancestor.set(PRUNED, "1")
            removed.append(block.text_content())
            block.drop_tree()
    for container in reversed(list(article.iterdescendants())):
        if container.get(PRUNED) and container.getparent() is not None:
            text = _text_and_alts(container)
            if not NOT_WORD.sub("", text) or confirmed.covers(text) < KEEP_COVERED:
                removed.append(container.text_content())
                container.drop_tree()
    for node in article.iter():
        node.attrib.pop(PRUNED, None)
    return [text for text in (" ".join(t.split()) for t in removed) if text]


def _decide(blocks: list, confirmed: Confirmed) -> list[bool]:
    """Keep or remove each block. A block long enough to be told apart is kept when the libraries kept its
    text; a short one (a heading, a list item, a caption) goes with the long blocks around it, and is
    judged by its text only when those went different ways. The article's <h1> is its title, which the
    libraries leave out of their text: it is kept."""
    long = [len(NOT_WORD.sub("", block.text_content())) >= SHORT for block in blocks]
    keep: list = [
        True
        if block.tag == "h1"
        else confirmed.covers(block.text_content()) >= KEEP_COVERED
        if is_long
        else None
        for block, is_long in zip(blocks, long, strict=True)
    ]
    for i, decided in enumerate(keep):
        if decided is None:
            before = next((keep[j] for j in range(i - 1, -1, -1) if long[j]), None)
            after = next((keep[j] for j in range(i + 1, len(keep)) if long[j]), None)
            around = [k for k in (before, after) if k is not None]
            keep[i] = (bool(around) and all(around)) or confirmed.covers(
                blocks[i].text_content()
            ) >= KEEP_COVERED
    return keep


def _text_and_alts(node) -> str:
    return " ".join([node.text_content(), *(img.get("alt") or "" for img in node.iter("img"))])


def _blocks(article) -> list:
    """The article's smallest blocks of text, in document order: text blocks without a text block inside,
    and containers without any block inside (a container's own run of text, as old portal pages lay out a
    speech with <br>)."""
    below: dict = {}  # element -> the block tags found inside it
    for node in reversed(list(article.iterdescendants())):
        if not isinstance(node.tag, str):
            continue
        inside = below.get(node, frozenset())
        parent = node.getparent()
        if parent is not None:
            below[parent] = below.get(parent, frozenset()) | inside | {_kind(node.tag)}
    found = []
    for node in article.iterdescendants():
        if not isinstance(node.tag, str):
            continue
        inside, kind = below.get(node, frozenset()), _kind(node.tag)
        if (kind == "text" and "text" not in inside) or (kind == "container" and not inside - {None}):
            found.append(node)
    return found


def _kind(tag: str) -> str | None:
    tag = tag.lower()
    return "text" if tag in TEXT_BLOCKS else "container" if tag in CONTAINERS else None
