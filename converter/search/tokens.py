"""Splitting text into search tokens and "slots"; the browser client (archive-search.js) does the same.

A text is a sequence of slots. Each CJK character takes one slot; each run of other letters and digits is
one word (lowercased) in one slot; every other visible character (punctuation, symbols) and every newline
takes one slot and is not indexed; spaces and tabs take no slot. So "economic growth" is two words in
adjacent slots, and "发展，经济" puts the comma between 展 and 经.

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


def is_cjk(char: str) -> bool:
    return bool(CJK_RE.fullmatch(char))
