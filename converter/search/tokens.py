"""Splitting text into search tokens; the browser client (archive-search.js) does the same.

A text is a sequence of runs: a run of CJK characters, a word (a run of other letters and digits,
lowercased), or one other visible character (punctuation, symbols, a newline); spaces and tabs separate
runs and are not runs themselves. So "发展，经济" is 发展, the comma and 经济, and "文化 现立" is 文化 and
现立: the two characters on either side of a space or a comma are not a pair.

Index terms: every CJK character (a unigram), every pair of CJK characters that are literally adjacent in the
text (a bigram) and every word, each with its count per document. Every three adjacent CJK characters (a
trigram) are hashed into one of 2**bits buckets (`gram_buckets`): the index keeps, per bucket, only the
documents where one of its trigrams occurs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(
    rf"(?P<cjk>[{CJK_RANGES}]+)|(?P<word>[^\W_{CJK_RANGES}]+)|(?P<space>[^\S\n]+)|(?P<other>[^\n]|\n)"
)


def runs(text: str) -> Iterator[tuple[str, str]]:
    """Yield (kind, string) for each run of `text`; kind is cjk, word or other (spaces are skipped)."""
    for match in TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            yield "word", match.group().lower()
        elif kind != "space":
            yield kind, match.group()


M32 = 0xFFFFFFFF


def gram_buckets(run: str, bits: int) -> list[int]:
    """The bucket of every trigram of a run of CJK characters: a multiplicative hash of the code points, its
    top `bits` bits (the client's gramBucket computes the same with Math.imul):

        h = a * K1 ^ b;  h = h * K2 ^ c;  bucket = (h * K3) >> (32 - bits)

    in unsigned 32-bit arithmetic, K1 = 0x9E3779B1, K2 = 0x85EBCA77, K3 = 0xC2B2AE3D."""
    points = list(map(ord, run))
    shift = 32 - bits
    return [
        (((((a * 0x9E3779B1) & M32 ^ b) * 0x85EBCA77) & M32 ^ c) * 0xC2B2AE3D & M32) >> shift
        for a, b, c in zip(points, points[1:], points[2:], strict=False)
    ]
