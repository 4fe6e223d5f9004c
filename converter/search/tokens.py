"""Splitting text into search tokens; the browser client (archive-search.js) does the same.

A text is a sequence of runs: a run of CJK characters, a word (a run of other letters and digits,
lowercased), or one other visible character (punctuation, symbols, a newline); spaces and tabs separate
runs and are not runs themselves. So "发展，经济" is 发展, the comma and 经济, and "文化 现立" is 文化 and
现立: the two characters on either side of a space or a comma are not a pair.

Index terms: every CJK character (a unigram), every pair of CJK characters that are literally adjacent in the
text (a bigram) and every word, each with its count per document and the blocks of the text where it starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(
    rf"(?P<cjk>[{CJK_RANGES}]+)|(?P<word>[^\W_{CJK_RANGES}]+)|(?P<space>[^\S\n]+)|(?P<other>[^\n]|\n)"
)


def runs(text: str) -> Iterator[tuple[str, str, int]]:
    """Yield (kind, string, start) for each run of `text`; kind is cjk, word or other (spaces are skipped);
    start is where the run begins in `text` (a code point index)."""
    for match in TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            yield "word", match.group().lower(), match.start()
        elif kind != "space":
            yield kind, match.group(), match.start()
