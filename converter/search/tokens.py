"""Splitting text into search tokens and "slots"; the browser client (archive-search.js) does the same.

A text is a sequence of slots. Each CJK character takes one slot; each run of other letters and digits is
one word (lowercased) in one slot; every other visible character (punctuation, symbols) and every newline
takes one slot and is not indexed; spaces and tabs take no slot. So "economic growth" is two words in
adjacent slots, and "发展，经济" puts the comma between 展 and 经.

Index terms: every CJK character (a unigram), every pair of CJK characters that are literally adjacent in the
text (a bigram, with the slot of its first character) and every word (with its slot).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(
    rf"(?P<cjk>[{CJK_RANGES}]+)|(?P<word>[^\W_{CJK_RANGES}]+)|(?P<space>[^\S\n]+)|(?P<other>[^\n]|\n)"
)
CJK_RE = re.compile(rf"[{CJK_RANGES}]")


def runs(text: str) -> Iterator[tuple[str, str, int, int]]:
    """Yield (kind, string, slot, char offset) for each run of `text`; kind is cjk, word or other
    (one slot per character of a cjk or other run, one slot per word; spaces are skipped)."""
    slot = 0
    for match in TOKEN_RE.finditer(text):
        kind = match.lastgroup
        value = match.group()
        if kind == "space":
            continue
        if kind == "word":
            yield "word", value.lower(), slot, match.start()
            slot += 1
        else:
            yield kind, value, slot, match.start()
            slot += len(value)


def slot_count(text: str) -> int:
    """The number of slots `text` takes."""
    end = 0
    for kind, value, slot, _ in runs(text):
        end = slot + (1 if kind == "word" else len(value))
    return end


def is_cjk(char: str) -> bool:
    return bool(CJK_RE.fullmatch(char))
