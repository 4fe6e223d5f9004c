"""The section finder: numbering hierarchy, run-in headings, enumerated points, traps, heading styles.

Each case is a list of paragraphs (a str is a plain paragraph) and the expected outline, written as
"level:heading" lines in document order. Body text is checked where the rule is about splitting.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from structure_texts import (
    MARKER_LINES,
    MARKER_LINES_OUTLINE,
    REPORT,
    REPORT_OUTLINE,
    STYLE,
    STYLED_EMPHASIS,
    marker_lines_joined,
    report_lines,
)

from converter.model import ListItem, Paragraph, Section, Span
from converter.sections import chinese_numeral, find_sections, split_spans


def para(text: str, **hints) -> Paragraph:
    return Paragraph((Span(text),), **hints)


def as_blocks(items) -> tuple:
    return tuple(para(i) if isinstance(i, str) else i for i in items)


def outline(section: Section) -> list[str]:
    """'level:heading' for every section below the root, in document order."""
    lines = [f"{section.level}:{section.title}"] if section.level else []
    for child in section.children:
        lines += outline(child)
    return lines


def body_of(section: Section, heading: str) -> list[str]:
    """The texts of the blocks directly under the section with this heading."""
    if section.title == heading:
        return [b.text for b in section.blocks]
    for child in section.children:
        found = body_of(child, heading)
        if found is not None:
            return found
    return None


def all_text(section: Section) -> str:
    parts = [section.title]
    parts += [b.text for b in section.blocks]
    for child in section.children:
        parts.append(all_text(child))
    return "".join(parts)


def sections_of(items, language=None):
    root, messages = find_sections(as_blocks(items), language)
    return root, messages


# --------------------------------------------------------------------------- numbering levels

LEVEL_CASES = {
    "cn-only": (
        ["开场白，同志们好。", "一、第一个问题", "正文。", "二、第二个问题", "正文。"],
        ["1:一、第一个问题", "1:二、第二个问题"],
    ),
    "full-hierarchy": (
        ["一、甲", "（一）乙", "1. 丙", "（1）丁", "正文。", "（2）戊", "2. 己", "（二）庚", "二、辛"],
        ["1:一、甲", "2:（一）乙", "3:1. 丙", "4:（1）丁", "4:（2）戊", "3:2. 己", "2:（二）庚", "1:二、辛"],
    ),
    "parts-over-cn": (
        [
            "第一部分 总体要求",
            "一、甲",
            "正文。",
            "二、乙",
            "第二部分 重点任务",
            "一、丙",
            "正文。",
            "二、丁",
        ],
        ["1:第一部分 总体要求", "2:一、甲", "2:二、乙", "1:第二部分 重点任务", "2:一、丙", "2:二、丁"],
    ),
    "chapters": (
        ["第一章 总则", "正文。", "第二章 分则", "正文。"],
        ["1:第一章 总则", "1:第二章 分则"],
    ),
    "paren-cn-shallowest": (
        ["（一）加强组织建设", "正文。", "（二）加强作风建设", "正文。"],
        ["1:（一）加强组织建设", "1:（二）加强作风建设"],
    ),
    "arabic-dot-shallowest": (
        ["1. 总体目标", "正文。", "2. 主要任务", "正文。"],
        ["1:1. 总体目标", "1:2. 主要任务"],
    ),
    "arabic-dunhao-under-cn": (
        ["一、甲", "1、子甲", "正文。", "2、子乙", "二、乙"],
        ["1:一、甲", "2:1、子甲", "2:2、子乙", "1:二、乙"],
    ),
    "paren-arabic-shallowest": (
        ["（1）第一项工作", "正文。", "（2）第二项工作", "正文。"],
        ["1:（1）第一项工作", "1:（2）第二项工作"],
    ),
    "restart-under-each-cn": (
        ["一、甲", "（一）子甲", "正文。", "（二）子乙", "二、乙", "（一）子丙", "（二）子丁"],
        ["1:一、甲", "2:（一）子甲", "2:（二）子乙", "1:二、乙", "2:（一）子丙", "2:（二）子丁"],
    ),
    "skipped-level-still-nests": (
        ["一、甲", "1. 子甲", "正文。", "2. 子乙", "二、乙"],
        ["1:一、甲", "2:1. 子甲", "2:2. 子乙", "1:二、乙"],
    ),
    "gap-in-numbering": (
        ["一、甲", "正文。", "二、乙", "正文。", "四、丁", "正文。"],
        ["1:一、甲", "1:二、乙", "1:四、丁"],
    ),
    "chapter-then-arabic-nests-without-gap": (
        ["第一章 总则", "1、目的", "正文。", "2、范围", "第二章 分则"],
        ["1:第一章 总则", "2:1、目的", "2:2、范围", "1:第二章 分则"],
    ),
    "large-numerals": (
        [f"{n}、第{n}个问题" for n in "一二三四五六七八九十"] + ["十一、第十一个问题", "十二、第十二个问题"],
        [f"1:{n}、第{n}个问题" for n in "一二三四五六七八九十"]
        + ["1:十一、第十一个问题", "1:十二、第十二个问题"],
    ),
}


@pytest.mark.parametrize("items, expected", LEVEL_CASES.values(), ids=LEVEL_CASES.keys())
def test_numbering_levels(items, expected):
    root, messages = sections_of(items)
    assert outline(root) == expected
    assert messages == []


def test_text_before_first_heading_stays_in_root():
    root, _ = sections_of(["开场白，同志们好。", "一、甲", "正文。", "二、乙"])
    assert [b.text for b in root.blocks] == ["开场白，同志们好。"]
    assert root.level == 0 and root.heading == ()


@pytest.mark.parametrize(
    "numeral, value",
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十三", 23),
        ("一百零五", 105),
        ("两", 2),
        ("7", 7),
    ],
    ids=["1", "10", "12", "20", "23", "105", "liang", "digit"],
)
def test_chinese_numeral(numeral, value):
    assert chinese_numeral(numeral) == value


# --------------------------------------------------------------------------- run-in headings

RUN_IN_CASES = {
    "paren-cn-lead-sentence": (
        "（一）大力推进现代化产业体系建设，加快发展新质生产力。充分发挥创新主导作用，推动产业升级。",
        "（一）大力推进现代化产业体系建设，加快发展新质生产力。",
        "充分发挥创新主导作用，推动产业升级。",
    ),
    "cn-lead-sentence": (
        "一、坚持稳中求进。今年经济工作要稳字当头，稳中求进。",
        "一、坚持稳中求进。",
        "今年经济工作要稳字当头，稳中求进。",
    ),
    "glued-onto-next-sentence": (
        "一、正视困难更要坚决信心首先，实现经济发展要靠实干。其次，要抓项目。",
        "一、正视困难更要坚决信心",
        "首先，实现经济发展要靠实干。其次，要抓项目。",
    ),
}


@pytest.mark.parametrize("text, heading, body", RUN_IN_CASES.values(), ids=RUN_IN_CASES.keys())
def test_run_in_heading_is_split(text, heading, body):
    numeral = text[1] if text.startswith("（") else text[0]
    second = "（二）深化改革。全面推进。" if text.startswith("（") else "二、乙"
    assert numeral == "一"
    root, messages = sections_of([text, "正文。", second])
    assert outline(root)[0] == f"1:{heading}"
    assert body_of(root, heading) == [body, "正文。"]
    assert messages == []


def test_heading_glued_onto_the_next_heading():
    root, _ = sections_of(
        ["一、总体要求（一）指导思想。坚持稳中求进。", "（二）基本原则。坚持改革。", "二、主要任务"]
    )
    assert outline(root) == ["1:一、总体要求", "2:（一）指导思想。", "2:（二）基本原则。", "1:二、主要任务"]
    assert body_of(root, "（一）指导思想。") == ["坚持稳中求进。"]


def test_run_in_split_keeps_formatting_of_each_part():
    first = Paragraph((Span("（一）加强组织建设。", bold=True), Span("各级组织要发挥作用。")))
    root, _ = find_sections((first, para("正文。"), para("（二）加强作风建设。持之以恒。")))
    section = root.children[0]
    assert section.heading == (Span("（一）加强组织建设。", bold=True),)
    assert section.blocks[0].spans == (Span("各级组织要发挥作用。"),)


def test_split_spans_inside_a_span():
    left, right = split_spans((Span("abc", bold=True), Span(" def")), 2)
    assert left == (Span("ab", bold=True),)
    assert right == (Span("c", bold=True), Span(" def"))


# --------------------------------------------------------------------------- enumerated points

POINT_CASES = {
    "shouxian-qici-zuihou": (
        [
            "一、形势",
            "首先，要认清形势。这是正文。",
            "其次，要把握机遇。正文。",
            "最后，要狠抓落实。正文。",
            "二、任务",
        ],
        ["1:一、形势", "2:首先，要认清形势。", "2:其次，要把握机遇。", "2:最后，要狠抓落实。", "1:二、任务"],
    ),
    "shouxian-qici-disan-zuihou": (
        [
            "一、形势",
            "首先，认清形势。正文。",
            "其次，把握机遇。正文。",
            "第三，抓住重点。正文。",
            "最后，狠抓落实。正文。",
            "二、任务",
        ],
        [
            "1:一、形势",
            "2:首先，认清形势。",
            "2:其次，把握机遇。",
            "2:第三，抓住重点。",
            "2:最后，狠抓落实。",
            "1:二、任务",
        ],
    ),
    "yishi-ershi-sanshi": (
        ["一、形势", "一是加强领导。正文。", "二是完善机制。正文。", "三是强化考核。正文。", "二、任务"],
        ["1:一、形势", "2:一是加强领导。", "2:二是完善机制。", "2:三是强化考核。", "1:二、任务"],
    ),
    "yiyao-eryao-then-sanshi": (
        ["一、形势", "一要加强领导。正文。", "二要完善机制。正文。", "三是强化考核。正文。", "二、任务"],
        ["1:一、形势", "2:一要加强领导。", "2:二要完善机制。", "2:三是强化考核。", "1:二、任务"],
    ),
    "diyi-dier": (
        ["一、形势", "第一，加强领导。正文。", "第二，完善机制。正文。", "二、任务"],
        ["1:一、形势", "2:第一，加强领导。", "2:第二，完善机制。", "1:二、任务"],
    ),
    "points-restart-per-section": (
        [
            "一、形势",
            "首先，认清形势。正文。",
            "其次，把握机遇。正文。",
            "二、任务",
            "一是加强领导。正文。",
            "二是完善机制。正文。",
        ],
        [
            "1:一、形势",
            "2:首先，认清形势。",
            "2:其次，把握机遇。",
            "1:二、任务",
            "2:一是加强领导。",
            "2:二是完善机制。",
        ],
    ),
    "points-below-paren-cn": (
        ["（一）甲", "一是加强领导。正文。", "二是完善机制。正文。", "（二）乙"],
        ["1:（一）甲", "2:一是加强领导。", "2:二是完善机制。", "1:（二）乙"],
    ),
    "points-without-numbered-sections": (
        ["同志们：", "首先，认清形势。正文。", "其次，把握机遇。正文。"],
        ["1:首先，认清形势。", "1:其次，把握机遇。"],
    ),
}


@pytest.mark.parametrize("items, expected", POINT_CASES.values(), ids=POINT_CASES.keys())
def test_enumerated_points(items, expected):
    root, messages = sections_of(items)
    assert outline(root) == expected
    assert messages == []


NOT_A_SEQUENCE = {
    "lone-shouxian": ["一、形势", "首先，要认清形势。这是正文。", "正文。", "二、任务"],
    "qici-without-shouxian": ["一、形势", "其次，要把握机遇。正文。", "第三，要抓住重点。正文。", "二、任务"],
    "split-by-a-section": ["一、形势", "首先，要认清形势。正文。", "二、任务", "其次，要把握机遇。正文。"],
    "lone-yishi": ["一、形势", "一是加强领导。正文。", "正文。", "二、任务"],
    "ershi-sanshi-without-yishi": ["一、形势", "二是完善机制。正文。", "三是强化考核。正文。", "二、任务"],
}


@pytest.mark.parametrize("items", NOT_A_SEQUENCE.values(), ids=NOT_A_SEQUENCE.keys())
def test_points_that_do_not_form_a_sequence_stay_text(items):
    root, messages = sections_of(items)
    assert outline(root) == ["1:一、形势", "1:二、任务"]
    assert messages == []


# --------------------------------------------------------------------------- traps

TRAPS = {
    "tianren-heyi": ["天人合一、万物并育，这是中华文明的理念。", "正文。"],
    "yi-dunhao-in-prose": ["一、二线城市房价趋稳，三四线城市去库存。", "正文。"],
    "lone-yi": ["一、我们要坚持稳中求进", "正文。"],
    "shi-inside-words": ["统一要求，全面部署。", "我们要坚持三是三非的原则。"],
    "list-items-ending-semicolon": ["1. 加强领导；", "2. 完善机制；", "3. 强化考核。"],
    "long-first-sentence": ["一、" + "很长" * 60 + "。正文。", "二、" + "很长" * 60 + "。正文。"],
    "sentence-list-items": ["1、及时清理垃圾。", "2、定期检查设备。", "3、做好记录。"],
    "far-gap-is-not-a-sequence": ["一、甲", "正文。", "九、乙", "正文。"],
    "decimal-number": ["1.5亿元的投资已经到位。", "2.3万人参加了培训。"],
}


@pytest.mark.parametrize("items", TRAPS.values(), ids=TRAPS.keys())
def test_traps_are_not_headings(items):
    root, messages = sections_of(items)
    assert outline(root) == []
    assert [b.text for b in root.blocks] == items
    assert messages == []


def test_numbered_list_items_under_a_heading_stay_body():
    root, _ = sections_of(["一、甲", "1. 加强领导；", "2. 完善机制；", "二、乙"])
    assert outline(root) == ["1:一、甲", "1:二、乙"]
    assert body_of(root, "一、甲") == ["1. 加强领导；", "2. 完善机制；"]


def test_numbered_items_with_semicolons_inside_stay_body():
    root, _ = sections_of(["一、甲", "1.加强领导；完善机制。", "2.推进改革；扩大开放。", "二、乙"])
    assert outline(root) == ["1:一、甲", "1:二、乙"]


def test_numbered_items_ending_in_full_stop_stay_body():
    root, _ = sections_of(["一、甲", "1. 加强领导。", "2. 完善机制。", "二、乙"])
    assert outline(root) == ["1:一、甲", "1:二、乙"]
    assert body_of(root, "一、甲") == ["1. 加强领导。", "2. 完善机制。"]


def test_unnumbered_part_title_joins_the_top_level():
    root, _ = sections_of(["一、甲", "正文。", "二、乙", "正文。", "结束语", "同志们，谢谢。"])
    assert outline(root) == ["1:一、甲", "1:二、乙", "1:结束语"]
    assert body_of(root, "结束语") == ["同志们，谢谢。"]


def test_unnumbered_part_title_beside_parts():
    root, _ = sections_of(["第一部分 甲", "一、子", "正文。", "二、子", "结束语", "同志们，谢谢。"])
    assert outline(root) == ["1:第一部分 甲", "2:一、子", "2:二、子", "1:结束语"]


FONT_CASES = {
    "heiti-lines": (
        [para("重要意义", font="黑体"), "正文。", para("主要任务", font="黑体"), "正文。"],
        ["1:重要意义", "1:主要任务"],
    ),
    "heiti-over-kaiti": (
        [
            para("重要意义", font="黑体"),
            para("认识高度", font="楷体_GB2312"),
            "正文。",
            para("主要任务", font="黑体"),
            "正文。",
        ],
        ["1:重要意义", "2:认识高度", "1:主要任务"],
    ),
    "kaiti-front-lines-are-not-headings": (
        [
            para("张三", font="楷体_GB2312"),
            para("（2023年4月19日）", font="楷体"),
            para("同志们：", font="楷体"),
            "正文。",
            "一、甲",
            "正文。",
            "二、乙",
        ],
        ["1:一、甲", "1:二、乙"],
    ),
    "heiti-long-sentence-is-body": (
        [para("这是用黑体排版的一整句正文，它有逗号，也有句号。", font="黑体"), "正文。"],
        [],
    ),
}


def test_short_heiti_titles_are_headings():
    items = [
        para("背景", font="黑体"),
        "正文内容在这里。",
        para("目标", font="黑体"),
        "正文内容在这里。",
        para("主要措施", font="黑体"),
        "正文。",
    ]
    root, _ = sections_of(items)
    assert outline(root) == ["1:背景", "1:目标", "1:主要措施"]


@pytest.mark.parametrize("items, expected", FONT_CASES.values(), ids=FONT_CASES.keys())
def test_heading_fonts(items, expected):
    root, messages = sections_of(items)
    assert outline(root) == expected
    assert messages == []


# --------------------------------------------------------------------------- heading styles, other languages


def test_word_heading_styles_are_used():
    items = [
        para("Intro", heading_level=1),
        "Text.",
        para("Detail", heading_level=2),
        "More.",
        para("Next", heading_level=1),
    ]
    root, messages = sections_of(items)
    assert outline(root) == ["1:Intro", "2:Detail", "1:Next"]
    assert messages == []


def test_heading_style_levels_are_compacted():
    items = [para("Part", heading_level=2), "Text.", para("Sub", heading_level=4), "More."]
    root, _ = sections_of(items)
    assert outline(root) == ["1:Part", "2:Sub"]


def test_heading_styles_win_over_chinese_numbering():
    items = [
        para("总体要求", heading_level=1),
        "一、这一行不是标题",
        "正文。",
        "二、这一行也不是标题",
        para("重点任务", heading_level=1),
        "正文。",
    ]
    root, _ = sections_of(items)
    assert outline(root) == ["1:总体要求", "1:重点任务"]


def test_typed_numbering_wins_over_a_stray_heading_style():
    items = [
        para("总体要求", heading_level=1),
        "一、认清形势",
        "正文。",
        "二、坚定信心",
        "正文。",
        "三、狠抓落实",
    ]
    root, messages = sections_of(items)
    assert outline(root) == ["1:一、认清形势", "1:二、坚定信心", "1:三、狠抓落实"]
    assert [b.text for b in root.blocks] == ["总体要求"]
    assert [m.code for m in messages] == ["heading-styles-ignored"]


def test_points_under_heading_styles():
    items = [para("总体要求", heading_level=1), "首先，认清形势。正文。", "其次，把握机遇。正文。"]
    root, _ = sections_of(items)
    assert outline(root) == ["1:总体要求", "2:首先，认清形势。", "2:其次，把握机遇。"]


def test_heading_style_on_body_text_is_demoted():
    long = "This is a sentence. And another sentence. And a third one here."
    root, messages = sections_of([para("Intro", heading_level=1), "Text.", para(long, heading_level=2)], "en")
    assert outline(root) == ["1:Intro"]
    assert body_of(root, "Intro") == ["Text.", long]
    assert [m.code for m in messages] == ["heading-style-on-body-text"]
    assert all(m.level == "warning" for m in messages)


def test_heading_style_on_chinese_body_text_is_demoted():
    long = "我们要坚持稳中求进。要把握好时度效。要落实到位。"
    root, messages = sections_of([para(long, heading_level=1), "正文。"], "zh")
    assert outline(root) == []
    assert [m.code for m in messages] == ["heading-style-on-body-text"]


def test_deep_heading_levels_fold_into_five():
    items = [para(f"H{n}", heading_level=n) for n in range(1, 7)]
    root, _ = sections_of(items, "en")
    assert [line.split(":")[0] for line in outline(root)] == ["1", "2", "3", "4", "5", "5"]


def bold(text: str) -> Paragraph:
    return Paragraph((Span(text, bold=True),))


BOLD_CASES = {
    "short-bold-lines": (
        [bold("Background"), "Some body text here.", bold("Plan"), "More body."],
        ["1:Background", "1:Plan"],
    ),
    "bold-sentence-is-body": ([bold("This is bold body text."), "Some body text."], []),
    "two-bold-lines-in-a-row": ([bold("Line one"), bold("Line two"), "Body."], ["1:Line two"]),
    "bold-at-the-end": (["Body.", bold("Closing")], []),
    "partly-bold": ([Paragraph((Span("Partly", bold=True), Span(" plain"))), "Body."], []),
}


@pytest.mark.parametrize("items, expected", BOLD_CASES.values(), ids=BOLD_CASES.keys())
def test_english_bold_lines(items, expected):
    root, messages = sections_of(items, "en")
    assert outline(root) == expected
    assert messages == []


def test_english_numbering_is_not_chinese_hierarchy():
    root, _ = sections_of(["1. First we must act.", "Body.", "2. Then we must check.", "Body."], "en")
    assert outline(root) == []


def test_non_paragraph_blocks_are_kept_in_place():
    item = ListItem((Span("要点"),))
    root, _ = sections_of(["一、甲", item, "二、乙"])
    assert root.children[0].blocks == (item,)


# --------------------------------------------------------------------------- nothing is lost

FRAGMENTS = [
    "一、",
    "二、",
    "三、",
    "（一）",
    "（二）",
    "1. ",
    "2、",
    "（1）",
    "（2）",
    "第一部分",
    "第二部分",
    "首先，",
    "其次，",
    "最后，",
    "一是",
    "二是",
    "一要",
    "第一，",
    "第二，",
    "结束语",
    "加强领导",
    "完善机制",
    "。",
    "；",
    "，",
    "！",
    "天人合一",
    " ",
    "\u3000",
    "Text",
    ". ",
    "abc",
]


@st.composite
def paragraphs(draw):
    texts = draw(
        st.lists(
            st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8).map("".join), min_size=1, max_size=12
        )
    )
    fonts = draw(st.lists(st.sampled_from([None, "黑体", "楷体"]), min_size=len(texts), max_size=len(texts)))
    levels = draw(
        st.lists(st.sampled_from([None, None, None, 1, 2]), min_size=len(texts), max_size=len(texts))
    )
    return [para(t, font=f, heading_level=h) for t, f, h in zip(texts, fonts, levels, strict=True)]


def squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@settings(max_examples=150, deadline=None)
@given(paragraphs(), st.sampled_from([None, "zh", "en"]))
def test_every_character_survives_in_order(blocks, language):
    root, _ = find_sections(tuple(blocks), language)
    assert squash(all_text(root)) == squash("".join(b.text for b in blocks))


@pytest.mark.parametrize("case", list(LEVEL_CASES) + list(POINT_CASES))
def test_table_cases_lose_nothing(case):
    items = (LEVEL_CASES | POINT_CASES)[case][0]
    root, _ = sections_of(items)
    assert squash(all_text(root)) == squash("".join(items))


def test_two_points_merged_into_one_paragraph_are_split_when_the_next_points_stand_alone():
    items = [
        "一是落实领导责任。严格落实党政同责。二是落实监管责任。按照要求开展检查。",
        "三是落实主体责任。企业要负起责任。",
        "四是落实考核。年底逐项考核。",
    ]
    root, messages = sections_of(items)
    assert outline(root) == [
        "1:一是落实领导责任。",
        "1:二是落实监管责任。",
        "1:三是落实主体责任。",
        "1:四是落实考核。",
    ]
    assert [b.text for b in root.children[1].blocks] == ["按照要求开展检查。"]
    assert messages == []


def test_an_enumeration_inside_one_paragraph_stays_prose():
    items = ["首先，我代表县委表示祝贺。其次，我们要继续努力。", "今天的会议很重要。"]
    root, _ = sections_of(items)
    assert outline(root) == []
    assert [b.text for b in root.blocks] == items


def test_a_typed_table_of_contents_is_not_a_run_of_empty_sections():
    items = [
        para("目录", font="黑体"),
        "第一章  总则",
        "第二章  项目需求",
        "第三章  合同条款",
        "第一章 总则",
        "本文件适用于本项目。",
        "第二章 项目需求",
        "项目需求如下。",
        "第三章 合同条款",
        "合同条款如下。",
    ]
    root, _ = sections_of(items)
    assert outline(root) == ["1:目录", "1:第一章 总则", "1:第二章 项目需求", "1:第三章 合同条款"]
    assert [b.text for b in root.children[0].blocks] == [
        "第一章  总则",
        "第二章  项目需求",
        "第三章  合同条款",
    ]


# --------------------------------------------------------------------------- unnumbered part titles


def report_blocks(*, styled: bool) -> tuple[Paragraph, ...]:
    """The government work report's body (its title line taken off), plain or set as a styled source."""
    blocks = []
    for kind, text in report_lines(styled_emphasis=styled):
        if kind == "title":
            continue
        font, is_bold, centered = STYLE[kind] if styled else (None, False, False)
        blocks.append(Paragraph((Span(text, bold=is_bold),), font=font, centered=centered))
    return tuple(blocks)


@pytest.mark.parametrize("styled", [False, True], ids=["plain", "styled"])
def test_unnumbered_part_titles_stand_one_level_above_the_numbered_sections(styled):
    root, messages = find_sections(report_blocks(styled=styled), "zh")
    assert outline(root) == REPORT_OUTLINE
    assert messages == []


def test_part_title_look_alikes_stay_body_text():
    root, _ = find_sections(report_blocks(styled=False), "zh")
    assert [b.text for b in root.blocks][:2] == [REPORT[1][1], REPORT[2][1]]  # subtitle and speaker
    assert "发展是第一要务" in body_of(root, "二、聚焦强产业，发展动能不断增强。")
    assert body_of(root, "全面加强政府自身建设")[-3:] == [REPORT[-3][1], "岚川县人民政府", "2024年1月10日"]


def test_a_styled_emphasised_line_where_a_part_title_could_stand_stays_body_text():
    root, _ = find_sections(report_blocks(styled=True), "zh")
    assert STYLED_EMPHASIS in body_of(root, "三、聚焦惠民生，群众获得感明显提升。")


PART_CASES = {
    "parts-with-closing-words": (
        [
            "开场白，同志们好。",
            "工作回顾",
            "正文。",
            "一、甲",
            "二、乙",
            "工作安排",
            "一、丙",
            "二、丁",
            "结束语",
            "谢谢。",
        ],
        ["1:工作回顾", "2:一、甲", "2:二、乙", "1:工作安排", "2:一、丙", "2:二、丁", "1:结束语"],
    ),
    "lead-in-paragraphs-before-the-series": (
        [
            "开场白，同志们好。",
            "工作回顾",
            "正文。",
            "正文。",
            "一、甲",
            "二、乙",
            "工作安排",
            "正文。",
            "一、丙",
            "二、丁",
        ],
        ["1:工作回顾", "2:一、甲", "2:二、乙", "1:工作安排", "2:一、丙", "2:二、丁"],
    ),
    "text-under-a-title-broken-at-line-wraps": (
        [
            "开场白，同志们好。",
            "工作回顾",
            "2023年是开局之年。一年来，",
            "我们主要做了以下工作：",
            "一、甲",
            "二、乙",
            "工作安排",
            "今年是关键一年，全县",
            "要加倍努力。",
            "一、丙",
            "二、丁",
        ],
        ["1:工作回顾", "2:一、甲", "2:二、乙", "1:工作安排", "2:一、丙", "2:二、丁"],
    ),
    "date-and-name-lines-are-not-parts": (
        [
            "开场白，同志们好。",
            "工作回顾",
            "正文。",
            "一、甲",
            "二、乙",
            "二〇二四年一月十日",
            "正文，继续。",
            "县长 林晓峰",
            "正文，继续。",
            "工作安排",
            "正文。",
            "一、丙",
            "二、丁",
        ],
        ["1:工作回顾", "2:一、甲", "2:二、乙", "1:工作安排", "2:一、丙", "2:二、丁"],
    ),
    "one-restart-is-not-a-run-of-parts": (
        [
            "开场白，同志们好。",
            "一、甲",
            "正文。",
            "二、乙",
            "正文。",
            "下步工作安排",
            "正文。",
            "一、丙",
            "二、丁",
        ],
        ["1:一、甲", "1:二、乙", "1:一、丙", "1:二、丁"],
    ),
    "short-lines-without-numbering-stay-text": (
        ["开场白，同志们好。", "工作回顾", "正文。", "工作安排", "正文。"],
        [],
    ),
    "numbered-parts-keep-their-numbers": (
        ["开场白。", "第一部分 回顾", "一、甲", "二、乙", "第二部分 安排", "一、丙", "二、丁"],
        ["1:第一部分 回顾", "2:一、甲", "2:二、乙", "1:第二部分 安排", "2:一、丙", "2:二、丁"],
    ),
}


@pytest.mark.parametrize("items, expected", PART_CASES.values(), ids=PART_CASES.keys())
def test_part_titles(items, expected):
    root, messages = sections_of(items, "zh")
    assert outline(root) == expected
    assert messages == []


def test_part_titles_a_pdf_sets_larger_are_parts_above_the_typed_numbering():
    items = ["开场白，同志们好。", para("工作回顾", heading_level=1), "正文。", "一、甲", "正文。", "二、乙"]
    items += [para("工作安排", heading_level=1), "一、丙", "正文。", "二、丁"]
    root, messages = sections_of(items, "zh")
    assert outline(root) == ["1:工作回顾", "2:一、甲", "2:二、乙", "1:工作安排", "2:一、丙", "2:二、丁"]
    assert messages == []


# --------------------------------------------------------------------------- markers alone on a line


def test_a_marker_alone_on_its_line_forms_one_heading_with_the_line_after_it():
    root, messages = sections_of(MARKER_LINES[1:], "zh")
    assert outline(root) == MARKER_LINES_OUTLINE
    assert body_of(root, "一要加强组织领导，切实把安全责任扛在肩上。") == [
        "各级党委政府要把安全生产摆上重要议事日程。"
    ]
    assert messages == []


def test_a_marker_alone_on_its_line_gives_the_page_of_the_same_text_on_one_line():
    assert sections_of(MARKER_LINES[1:], "zh") == sections_of(marker_lines_joined()[1:], "zh")


def test_a_marker_ended_by_a_line_break_joins_the_text_after_the_break():
    split = Paragraph((Span("一要"), Span("", kind="break"), Span("加强组织领导。正文。")))
    joined = para("一要加强组织领导。正文。")
    rest = ["二要完善机制。正文。", "三要强化考核。正文。"]
    assert sections_of([split, *rest], "zh") == sections_of([joined, *rest], "zh")


LONE_MARKER_LOOK_ALIKES = {
    "marker-before-a-marker": ["一、形势", "首先，", "其次，要把握机遇。正文。", "二、任务"],
    "marker-at-the-end": ["一、形势", "正文。", "二、任务", "正文。", "最后，"],
    "shouxian-opening-a-sentence": ["一、形势", "首先", "感谢同志们的辛勤工作。", "二、任务"],
}


@pytest.mark.parametrize("items", LONE_MARKER_LOOK_ALIKES.values(), ids=LONE_MARKER_LOOK_ALIKES.keys())
def test_lines_that_are_not_a_lone_marker_before_its_text_are_not_joined(items):
    root, _ = sections_of(items, "zh")
    assert outline(root)[0] == "1:一、形势"
    for text in texts_in_order(root):
        assert any(text in item for item in items), f"{text!r} joins two lines"


def texts_in_order(section: Section) -> list[str]:
    texts = [section.title] if section.level else []
    texts += [b.text for b in section.blocks]
    for child in section.children:
        texts += texts_in_order(child)
    return texts


def test_a_part_label_alone_on_its_line_stays_a_heading_of_its_own():
    root, _ = sections_of(["第一部分", "总体要求", "正文。", "第二部分", "主要任务"], "zh")
    assert outline(root) == ["1:第一部分", "1:第二部分"]
