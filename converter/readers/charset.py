"""The encoding of a file that declares none, for the text and web-page readers.

charset-normalizer scores every encoding that decodes the bytes by how messy and how much like a language
the result reads, and on short texts it is often wrong in ways that matter to this archive, whose sources
are Chinese speeches and English ones saved on Chinese or Western Windows:

- GBK's 谢谢大家！ decodes cleanly as Korean CP949 too (剋剋댕소！), which it lists first; a Big5 sentence
  reads as Japanese CP932's half-width katakana (ｦPｧﾓｭﾌ…), mojibake that no real text is written in.
  When its best is Korean, or holds half-width katakana, a Chinese encoding that reads the bytes nearly
  as cleanly wins (GB18030, or Big5, in its order).
- A French word in Latin-1, or Word's curly quotes and dashes in Windows-1252, read as Baltic or DOS code
  pages (cafķ, ôthank youö). When Windows-1252 reads the bytes strictly to letters of Western European
  languages and its punctuation, it wins. Central European text keeps its own code page: its ř, ł or ą
  read in Windows-1252 as ø, ³ or ¹, which are not among those letters.

Otherwise charset-normalizer's best stands: a long GBK text is not tied with CP949, whose Korean then
reads as mess, and Japanese in Shift-JIS reads as Japanese.
"""

from __future__ import annotations

from dataclasses import dataclass

from charset_normalizer import from_bytes

CHINESE = {"gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950"}
KOREAN = {"cp949", "euc_kr", "johab", "iso2022_kr"}
WESTERN = {"cp1252", "latin_1", "iso8859_15"}
# A Chinese reading may be this much messier than the best and still win over Korean or katakana.
CHAOS_MARGIN = 0.05
HALF_WIDTH_KATAKANA = frozenset(chr(c) for c in range(0xFF61, 0xFFA0))
# Windows-1252's non-ASCII characters that English, French, German, Spanish, Italian and Portuguese text
# holds: their letters, and the typographic punctuation and signs Word puts in.
WESTERN_CHARACTERS = frozenset("àâäæçéèêëîïôœùûüÿñáíóúõãßìòÀÂÄÆÇÉÈÊËÎÏÔŒÙÛÜŸÑÁÍÓÚÕÃÌÒ“”‘’–—…•€£¥«»°·§©®™\xa0")


@dataclass(frozen=True)
class Guess:
    text: str
    encoding: str
    rivals: tuple[str, ...]  # encodings as likely by charset-normalizer's scores that read it differently


def guess(data: bytes) -> Guess | None:
    """The likeliest decoding of `data`, or None when no encoding decodes it."""
    matches = list(from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    chinese = _chinese_over_mojibake(matches)
    if chinese is not None:
        return Guess(str(chinese), chinese.encoding, _rivals(matches, str(chinese)))
    western = _western(data, best.encoding)
    if western is not None:
        return Guess(western, "cp1252", _rivals(matches, western))
    return Guess(str(best), best.encoding, _rivals(matches, str(best)))


def _chinese_over_mojibake(matches):
    best = matches[0]
    if best.encoding not in KOREAN and HALF_WIDTH_KATAKANA.isdisjoint(str(best)):
        return None
    return next((m for m in matches if m.encoding in CHINESE and m.chaos <= best.chaos + CHAOS_MARGIN), None)


def _western(data: bytes, best: str) -> str | None:
    if best in WESTERN or best in CHINESE:
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if all(c.isascii() or c in WESTERN_CHARACTERS for c in text):
        return text
    return None


def _rivals(matches, text: str) -> tuple[str, ...]:
    """The encodings that charset-normalizer scores as well as its best and that read another text."""
    best = matches[0]
    return tuple(
        m.encoding
        for m in matches
        if m.chaos <= best.chaos + CHAOS_MARGIN and m.coherence >= best.coherence - 0.05 and str(m) != text
    )
