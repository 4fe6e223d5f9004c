"""Sections inferred in text that runs together: where the run is split, what the headings are, and the
look-alikes (quotations, 一、二、三等奖, inline lists) that must not split it."""

from __future__ import annotations

import pytest
from structure_texts import UNBROKEN, UNBROKEN_OUTLINE
from test_sections import body_of, outline

from converter.model import Paragraph, Span
from converter.sections import find_sections
from converter.unbroken import split_unbroken

INTRO = "同志们：今天召开全县经济工作会议，主要任务是总结去年工作，部署今年任务。现在，我讲两点意见。"
FILLER = "要坚持稳中求进工作总基调，统筹发展和安全，推动经济实现质的有效提升和量的合理增长。" * 4


def para(text: str) -> Paragraph:
    return Paragraph((Span(text),))


def split(*texts: str) -> tuple[list[str], list[str]]:
    blocks, messages = split_unbroken(tuple(para(t) for t in texts))
    return [b.text for b in blocks], [m.code for m in messages]


def test_a_speech_run_together_is_split_into_its_numbered_sections():
    blocks, messages = split_unbroken((para(UNBROKEN),))
    root, section_messages = find_sections(blocks, "zh")
    assert outline(root) == UNBROKEN_OUTLINE
    assert [m.code for m in messages] == ["sections-inferred"]
    assert messages[0].level == "warning"
    assert section_messages == []


def test_splitting_loses_and_changes_nothing():
    texts, _ = split(UNBROKEN)
    assert "".join(texts) == UNBROKEN


def test_paragraphs_are_split_at_sentence_ends_and_clues_only():
    blocks, _ = split_unbroken((para(UNBROKEN),))
    root, _ = find_sections(blocks, "zh")
    assert [b.text for b in root.blocks] == [
        "同志们：今天，县委、县政府召开全县经济工作会议，主要任务是总结去年工作，部署今年任务。"
        "刚才，张县长作了很好的讲话，我完全同意。现在，我讲三点意见。"
    ]
    first = body_of(root, "一、充分认识做好今年工作的重要意义")
    assert first[0].startswith("去年以来，全县上下")
    assert first[-1].endswith("三、民生短板较多。")  # the inline list stays in its paragraph
    assert body_of(root, "二、准确把握今年工作的总体要求")[0].startswith("今年是全面贯彻")
    assert body_of(root, "（三）坚定不移惠民生。")[-1].startswith("同志们，做好今年工作责任重大。")
    for text in (b.text for b in blocks):
        assert text[-1] in "。！？" or text.startswith(("一、", "二、", "三、")), text


HEADINGS = {
    "first-punctuation": ("一、加快推进项目建设全县上下，", "一、加快推进项目建设全县上下"),
    "sentence-end-stays-with-the-heading": ("一、加快推进项目建设。全县上下，", "一、加快推进项目建设。"),
    "opening-phrase-glued-on": ("一、加快推进项目建设去年以来，", "一、加快推进项目建设"),
    "year-opening-a-sentence": ("一、把握总体要求今年是关键之年，", "一、把握总体要求"),
    "space-inside-the-clause": ("一、加快推进项目建设 全县上下，", "一、加快推进项目建设"),
    "sub-heading-glued-on": ("一、加快推进项目建设（一）抓谋划。", "一、加快推进项目建设"),
}


@pytest.mark.parametrize("start, heading", HEADINGS.values(), ids=HEADINGS.keys())
def test_the_heading_is_the_clause_its_marker_begins_or_a_better_boundary(start, heading):
    texts, codes = split(INTRO + start + FILLER + "二、狠抓工作落实。" + FILLER)
    assert heading in texts
    assert "二、狠抓工作落实。" in texts
    assert codes == ["sections-inferred"]


def test_parallel_headings_run_on_over_their_shared_first_clause():
    texts, _ = split(
        INTRO
        + "一、坚守初心，就必须服务大局围绕中心，"
        + FILLER
        + "二、坚守初心，就必须培养干部党校是主阵地。"
        + FILLER
    )
    assert [t for t in texts if t.startswith(("一、", "二、"))] == [
        "一、坚守初心，就必须服务大局围绕中心",
        "二、坚守初心，就必须培养干部党校是主阵地。",
    ]


LOOK_ALIKES = {
    "inside-a-quotation": INTRO
    + "他强调：“今年要做好两件事。一、要抓项目。二、要抓产业。”"
    + FILLER
    + FILLER,
    "a-list-of-prizes": INTRO
    + "设立奖项：一、二、三等奖各若干名。"
    + FILLER
    + "二、三等奖另有奖金。"
    + FILLER,
    "inline-list-with-semicolons": INTRO
    + "主要问题有：一、资金不足；二、人才缺乏；三、机制不活。"
    + FILLER * 2,
    "out-of-order": INTRO + "一、抓项目" + FILLER + "三、抓民生" + FILLER,
    "inside-a-sentence": INTRO + "全县一、二季度经济运行平稳，" + FILLER + "第二、三产业协调发展。" + FILLER,
    "too-short-to-be-a-whole-speech": "开场。一、抓项目。要加快建设。二、抓民生。要办好实事。",
}


@pytest.mark.parametrize("text", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_look_alikes_leave_the_text_whole(text):
    assert split(text) == ([text], [])


def test_a_document_with_its_own_heading_lines_is_left_alone():
    texts = ["一、抓项目", INTRO + "一、抓项目。" + FILLER + "二、抓民生。" + FILLER, "二、抓民生"]
    assert split(*texts) == (texts, [])


def test_an_enumeration_inside_one_paragraph_of_an_ordinary_document_is_left_alone():
    enumeration = "主要做法是：一、建立包抓机制。" + FILLER + "二、强化督查考核。" + FILLER
    texts = [
        "（一）加强组织领导",
        enumeration,
        "（二）完善工作机制",
        FILLER * 2,
        "（三）强化考核问效",
        FILLER,
    ]
    assert split(*texts) == (texts, [])


def test_the_series_may_run_on_across_paragraphs():
    first, second = INTRO + "一、抓项目。" + FILLER * 2, "二、抓民生。" + FILLER + "三、抓改革。" + FILLER
    texts, codes = split(first, second)
    assert [t for t in texts if t[:2] in ("一、", "二、", "三、")] == [
        "一、抓项目。",
        "二、抓民生。",
        "三、抓改革。",
    ]
    assert codes == ["sections-inferred"]


def test_images_and_note_marks_inside_the_run_are_kept():
    spans = (
        Span(INTRO),
        Span("photo", kind="image", src="photo.png"),
        Span("一、抓项目。" + FILLER),
        Span("1", kind="note"),
        Span("二、抓民生。" + FILLER),
    )
    blocks, _ = split_unbroken((Paragraph(spans),))
    kinds = [s.kind for b in blocks for s in b.spans]
    assert kinds.count("image") == 1 and kinds.count("note") == 1
    assert "".join(b.text for b in blocks) == Paragraph(spans).text
