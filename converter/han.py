"""Han characters: what a Chinese character is, and when a text or a speech is Chinese.

Everything in the converter and the site's hooks that asks "is this Chinese?" or matches a Chinese
character uses the definitions here (the search index's tokenizer in `converter/search/` keeps its
own ranges: they are part of the index format that the browser's script reads too).

- `HAN`: the Han character class, for building regexes ("[{HAN}]{2,4}" is a two-to-four character
  name); `HAN_CHAR` matches one.
- `han_ratio(text)`: the share of the letters that are Han characters; `is_chinese_text(text)` says a
  text is Chinese when that share is above `CHINESE_SHARE`.
- `is_chinese_speech(language, text)`: a speech's language tag decides (zh, zh-CN, zh-Hant-TW …, see
  `model.is_chinese`); without one, its text.

Some jobs need a wider class than Chinese characters: joining lines broken inside East Asian text,
punctuation spacing, list numbering. Their classes are named below, built from `HAN` or beside it.
"""

from __future__ import annotations

import re

from .model import is_chinese

# CJK Unified Ideographs Extension A, CJK Unified Ideographs, CJK Compatibility Ideographs.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_CHAR = re.compile(f"[{HAN}]")
_HAN_RUN = re.compile(f"[{HAN}]+")
# A text is Chinese when more than this share of its letters are Han characters: a Chinese speech
# quoting English names and terms stays Chinese, an English one quoting a Chinese title stays English.
CHINESE_SHARE = 0.3

# Wider classes, for where the question is East Asian type rather than the Chinese language:
# ideographic space and CJK punctuation (、。《》「」【】〇), and full-width forms (，：！？（） Ａ１).
CJK_SYMBOLS = "\u3000-\u303f"
FULL_WIDTH_FORMS = "\uff00-\uffef"
# Everything set without spaces between characters: CJK radicals, symbols and punctuation, kana,
# bopomofo, Hangul jamo, CJK strokes, the Han characters and full-width forms. A line break between
# two of these is no word space (used when joining wrapped lines of an HTML page or a PDF).
CJK_WIDE = "\u2e80-\u9fff\uf900-\ufaff" + FULL_WIDTH_FORMS
HANGUL_SYLLABLES = "\uac00-\ud7af"


def han_count(text: str) -> int:
    """How many Han characters the text holds (what is left without them is shorter by that many:
    faster than listing them one by one)."""
    return len(text) - len(_HAN_RUN.sub("", text))


def han_ratio(text: str) -> float:
    """Han characters as a share of the letters (digits, punctuation and spaces do not count); 0.0
    for a text without letters."""
    letters = letter_count(text)
    return han_count(text) / letters if letters else 0.0


def letter_count(text: str) -> int:
    """How many characters of the text are letters (str.isalpha). A speech has few distinct characters
    that are not letters (punctuation, digits, spaces), and str.count finds each of them far faster than
    asking all 10,000 characters in turn (a fifth of the converter's time on a Chinese speech); a text of
    many distinct symbols is asked character by character."""
    others = [char for char in set(text) if not char.isalpha()]
    if len(others) > 64:
        return sum(char.isalpha() for char in text)
    return len(text) - sum(map(text.count, others))


def is_chinese_text(text: str) -> bool:
    """Whether a text is Chinese: more than CHINESE_SHARE of its letters are Han characters."""
    return han_ratio(text) > CHINESE_SHARE


def is_chinese_speech(language: str | None, text: str) -> bool:
    """Whether a speech is Chinese: its language tag decides when it has one, else its text."""
    return is_chinese(language) if language else is_chinese_text(text)
