"""Typography repairs in Chinese text (counted, words untouched) and the round-trip damage warning."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.model import Cell, CodeBlock, Document, ListItem, Paragraph, Span, Table
from converter.pipeline import build_speech
from converter.typography import find_round_trip_damage, repair_block, repair_text

REPAIRS = {
    "comma": ("我们,你们", "我们，你们", {"punctuation": 1}),
    "semicolon": ("加强领导;完善机制", "加强领导；完善机制", {"punctuation": 1}),
    "colon": ("同志们:今天", "同志们：今天", {"punctuation": 1}),
    "question": ("怎么办?我们", "怎么办？我们", {"punctuation": 1}),
    "exclamation": ("好!谢谢", "好！谢谢", {"punctuation": 1}),
    "parens-around-numeral": ("(一)加强领导", "（一）加强领导", {"punctuation": 2}),
    "parens-in-sentence": ("会议(扩大)召开", "会议（扩大）召开", {"punctuation": 2}),
    "after-full-width-punct": ("“好”,他说", "“好”，他说", {"punctuation": 1}),
    "several": ("一,二;三:四", "一，二；三：四", {"punctuation": 3}),
    "quotes": ("〝发展〞是硬道理", "“发展”是硬道理", {"quotes": 2}),
    "quotes-and-comma": ("〝甲〞,乙", "“甲”，乙", {"quotes": 2, "punctuation": 1}),
}


@pytest.mark.parametrize("text, repaired, counts", REPAIRS.values(), ids=REPAIRS.keys())
def test_repairs_are_made_and_counted(text, repaired, counts):
    found = Counter()
    assert repair_text(text, found) == repaired
    assert {k: v for k, v in found.items() if v} == counts


@pytest.mark.parametrize(
    "text", ["见附件(1)。", "中国(China)", "(a)中国"], ids=["digit-inside", "latin-inside", "latin-before"]
)
def test_parentheses_stay_a_matching_pair(text):
    repaired = repair_text(text, Counter())
    assert repaired.count("（") == repaired.count("）") and repaired.count("(") == repaired.count(")")


UNTOUCHED = {
    "english": "Hello, world; yes: no? (ok)!",
    "numbers": "1,000; 3:45",
    "chinese-then-english": "中国, China",
    "english-then-chinese": "China,中国",
    "time-between-digits": "会议在10:30开始",
    "url": "网址https://example.org/a?b=1",
    "already-full-width": "我们，你们；（一）",
    "ascii-quotes": '他说"好"',
    "emoticon-space": "好 ! 谢谢",
}


@pytest.mark.parametrize("text", UNTOUCHED.values(), ids=UNTOUCHED.keys())
def test_text_without_repairs_is_untouched(text):
    found = Counter()
    assert repair_text(text, found) == text
    assert sum(found.values()) == 0


def test_repair_block_covers_paragraphs_lists_and_tables_but_not_code():
    found = Counter()
    paragraph = Paragraph((Span("甲,乙", bold=True), Span("x", kind="image", src="a.png")), font="黑体")
    repaired = repair_block(paragraph, found)
    assert repaired == Paragraph(
        (Span("甲，乙", bold=True), Span("x", kind="image", src="a.png")), font="黑体"
    )
    assert repair_block(ListItem((Span("丙;丁"),), ordered=True), found) == ListItem(
        (Span("丙；丁"),), ordered=True
    )
    table = Table(((Cell((Span("戊:己"),), colspan=2),),), header_rows=1)
    assert repair_block(table, found) == Table(((Cell((Span("戊：己"),), colspan=2),),), header_rows=1)
    code = CodeBlock("甲,乙")
    assert repair_block(code, found) is code
    assert found == Counter({"punctuation": 3})


HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(HAN, st.sampled_from(list(",;:?!()〝〞 abc1")), st.characters()), max_size=40).map(
        "".join
    )
)
def test_repairs_never_change_anything_else(text):
    found = Counter()
    repaired = repair_text(text, found)
    assert len(repaired) == len(text)
    changed = [(a, b) for a, b in zip(text, repaired, strict=True) if a != b]
    allowed = {
        ",": "，",
        ";": "；",
        ":": "：",
        "?": "？",
        "!": "！",
        "(": "（",
        ")": "）",
        "〝": "“",
        "〞": "”",
    }
    assert all(allowed[a] == b for a, b in changed)
    assert len(changed) == found["punctuation"] + found["quotes"]


# --------------------------------------------------------------------------- round-trip damage

DAMAGE = {
    "two-different-words": ("我们要做好效劳工作，打牢根底。", True),
    "one-word-twice": ("效劳群众，效劳企业。", True),
    "seed-phrases": ("工业开展要坚决信心。", True),
    "one-hit": ("我们要做好效劳工作。", False),
    "clean": ("我们要做好服务工作，打牢基础。", False),
}


@pytest.mark.parametrize("text, warned", DAMAGE.values(), ids=DAMAGE.keys())
def test_round_trip_damage_needs_several_hits(text, warned):
    message = find_round_trip_damage(text)
    if warned:
        assert message is not None
        assert (message.level, message.code) == ("warning", "round-trip-damage")
    else:
        assert message is None


def test_round_trip_warning_names_the_words():
    message = find_round_trip_damage("效劳群众，效劳企业，打牢根底。")
    assert "效劳" in message.text and "服务" in message.text and "根底" in message.text


# --------------------------------------------------------------------------- in a whole conversion


def build(*texts: str, **metadata):
    document = Document(
        tuple(Paragraph((Span(t),)) for t in texts),
        metadata=metadata,
        notes={"1": (Paragraph((Span("注释,说明"),)),)},
    )
    return build_speech(document, Path("speech.txt"), {})


def test_title_body_and_notes_of_chinese_speeches_are_repaired():
    speech, messages, repairs = build("正文第一段,内容。", title="会议(扩大)讲话")
    assert speech.metadata.title == "会议（扩大）讲话"
    assert speech.body.blocks[0].text == "正文第一段，内容。"
    assert speech.notes["1"][0].text == "注释，说明"
    assert repairs == {"punctuation": 4}
    assert messages == []


def test_english_speeches_are_never_repaired():
    speech, messages, repairs = build("We met in 北京,上海 and other cities, twice.", "Thank you!")
    assert speech.metadata.language == "en"
    assert speech.body.blocks[0].text == "We met in 北京,上海 and other cities, twice."
    assert speech.notes["1"][0].text == "注释,说明"
    assert repairs == {}
    assert messages == []


def test_round_trip_damage_is_reported_by_a_conversion():
    _, messages, _ = build("我们要做好效劳企业工作，打牢工业开展的根底。")
    assert [(m.level, m.code) for m in messages] == [("warning", "round-trip-damage")]
