"""converter.han: the one definition of a Han character and of a Chinese text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.han import (
    CJK_WIDE,
    HAN,
    HAN_CHAR,
    han_count,
    han_ratio,
    is_chinese_speech,
    is_chinese_text,
)

CHARACTERS = {
    "unified": ("中", True),
    "unified-last": ("\u9fff", True),
    "extension-a": ("\u3400", True),  # 㐀
    "compatibility": ("\uf900", True),  # 豈
    "ideographic-zero": ("〇", False),  # a CJK symbol, not a Han character
    "full-stop": ("。", False),
    "full-width-comma": ("，", False),
    "hiragana": ("あ", False),
    "hangul": ("한", False),
    "latin": ("a", False),
    "digit": ("1", False),
}


@pytest.mark.parametrize(("char", "han"), CHARACTERS.values(), ids=CHARACTERS.keys())
def test_the_han_class(char, han):
    assert bool(HAN_CHAR.fullmatch(char)) is han
    assert bool(re.fullmatch(f"[{HAN}]", char)) is han


@pytest.mark.parametrize("char", ["中", "〇", "。", "，", "あ", "\u2e80", "Ａ"])
def test_the_wide_class_holds_han_punctuation_kana_and_full_width_forms(char):
    assert re.fullmatch(f"[{CJK_WIDE}]", char)


def test_the_wide_class_holds_every_han_character():
    assert all(
        re.fullmatch(f"[{CJK_WIDE}]", chr(c)) for c in (0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xF900, 0xFAFF)
    )


TEXTS = {
    "chinese": ("同志们：今天我们召开全县工作会议。", 15, 1.0, True),
    "english": ("Ladies and gentlemen, good morning.", 0, 0.0, False),
    "chinese-with-english-terms": ("推进GDP和CPI统计工作", 7, 7 / 13, True),
    "english-quoting-a-title": (
        "The speech 在全县大会上的讲话 was given in Lanchuan County today",
        9,
        9 / 47,
        False,
    ),
    "just-over-the-share": ("中中中abcdefg", 3, 0.3, False),  # more than 30% is needed
    "digits-and-punctuation-do-not-count": ("2023年，4月。", 2, 1.0, True),
    "no-letters": ("2023-04-19 …", 0, 0.0, False),
    "empty": ("", 0, 0.0, False),
}


@pytest.mark.parametrize(("text", "count", "ratio", "chinese"), TEXTS.values(), ids=TEXTS.keys())
def test_chinese_text(text, count, ratio, chinese):
    assert han_count(text) == count
    assert han_ratio(text) == pytest.approx(ratio)
    assert is_chinese_text(text) is chinese


SPEECHES = {
    "tag-decides-chinese": ("zh-Hant-TW", "Ladies and gentlemen", True),
    "tag-decides-english": ("en-GB", "同志们：今天我们召开会议。", False),
    "no-tag-chinese-text": (None, "同志们：今天我们召开会议。", True),
    "no-tag-english-text": (None, "Ladies and gentlemen", False),
    "empty-tag-is-no-tag": ("", "同志们：今天我们召开会议。", True),
    "not-zh": ("zhx", "同志们", False),
}


@pytest.mark.parametrize(("language", "text", "chinese"), SPEECHES.values(), ids=SPEECHES.keys())
def test_chinese_speech(language, text, chinese):
    assert is_chinese_speech(language, text) is chinese


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_letters_are_counted_as_str_isalpha_counts_them(text):
    from converter.han import letter_count

    assert letter_count(text) == sum(char.isalpha() for char in text)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_han_characters_are_counted_one_by_one(text):
    assert han_count(text) == len(re.findall("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", text))


def test_a_text_of_many_distinct_symbols_counts_its_letters_too():
    from converter.han import letter_count

    symbols = "".join(chr(code) for code in range(0x2200, 0x2300))  # mathematical operators: no letters
    text = symbols * 3 + "同志们abc"
    assert letter_count(text) == sum(char.isalpha() for char in text) == 6
