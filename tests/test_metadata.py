"""Metadata: the title, dates from file names and text, the front lines under a title, language, tags, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.metadata import (
    build_metadata,
    event_from_title,
    language_of,
    read_front_lines,
    split_title,
    summary_of,
    tags_from,
)
from converter.model import Document, Metadata, Paragraph, Span, Table


def para(text: str, **hints) -> Paragraph:
    return Paragraph((Span(text),), **hints)


def doc(*items, **kwargs) -> Document:
    return Document(tuple(para(i) if isinstance(i, str) else i for i in items), **kwargs)


def metadata_of(document: Document, name: str = "speech.docx", overrides: dict | None = None) -> Metadata:
    split = split_title(document)
    return build_metadata(document, split.title, split.blocks, Path(name), overrides or {})


def texts(blocks) -> list[str]:
    return [b.text for b in blocks]


# --------------------------------------------------------------------------- title

TITLE_CASES = {
    "heading-level-0": (
        doc("正文之前", para("工业经济推进会讲话", heading_level=0), "正文。"),
        "工业经济推进会讲话",
        ["正文之前", "正文。"],
    ),
    "two-title-lines": (
        doc(para("在全县工业经济", heading_level=0), para("推进会上的讲话", heading_level=0), "正文。"),
        "在全县工业经济推进会上的讲话",
        ["正文。"],
    ),
    "centred-first-line": (
        doc(para("工业经济推进会讲话", centered=True), "正文。"),
        "工业经济推进会讲话",
        ["正文。"],
    ),
    "title-font": (
        doc(para("工业经济推进会讲话", font="方正小标宋简体"), "正文。"),
        "工业经济推进会讲话",
        ["正文。"],
    ),
    "bold-short-first-line": (
        doc(Paragraph((Span("Opening Remarks", bold=True),)), "Body."),
        "Opening Remarks",
        ["Body."],
    ),
    "declared-matches-first-line": (
        doc("工业经济推进会讲话", "正文。", metadata={"title": "工业经济推进会讲话"}),
        "工业经济推进会讲话",
        ["正文。"],
    ),
    "declared-beats-a-different-centred-line": (
        doc(para("内部资料", centered=True), "正文。", metadata={"title": "声明的标题"}),
        "声明的标题",
        ["内部资料", "正文。"],
    ),
    "declared-elsewhere": (
        doc("同志们：", "正文。", metadata={"title": "声明的标题"}),
        "声明的标题",
        ["同志们：", "正文。"],
    ),
    "lone-top-heading": (
        doc(para("Opening Remarks", heading_level=1), "Body.", para("Sub", heading_level=2)),
        "Opening Remarks",
        ["Body.", "Sub"],
    ),
    "blank-lines-before-title": (
        doc("", " ", para("工业经济推进会讲话", centered=True), "正文。"),
        "工业经济推进会讲话",
        ["", " ", "正文。"],
    ),
}


@pytest.mark.parametrize("document, title, body", TITLE_CASES.values(), ids=TITLE_CASES.keys())
def test_title_is_taken_off_the_body(document, title, body):
    split = split_title(document)
    assert split.title == title
    assert texts(split.blocks) == body


NO_TITLE_CASES = {
    "plain-first-line": doc("同志们：", "正文。"),
    "centred-sentence": doc(para("这是居中的一句话。", centered=True), "正文。"),
    "two-top-headings": doc(para("Part one", heading_level=1), "Body.", para("Part two", heading_level=1)),
    "long-centred-line": doc(para("很长" * 40, centered=True), "正文。"),
    "table-first": doc(Table(rows=()), "正文。"),
}


@pytest.mark.parametrize("document", NO_TITLE_CASES.values(), ids=NO_TITLE_CASES.keys())
def test_no_title_line_leaves_the_body_whole(document):
    split = split_title(document)
    assert split.title is None
    assert split.blocks == document.blocks


def test_title_falls_back_to_the_file_name():
    meta = metadata_of(doc("同志们：", "正文。"), name="seed/县长在工业经济推进会上的讲话.docx")
    assert meta.title == "县长在工业经济推进会上的讲话"


# --------------------------------------------------------------------------- dates

# --------------------------------------------------------------------------- lines under the title

FRONT_LINE_CASES = {
    "date-and-place": (["（2024年9月5日　北京）"], {"date": "2024-09-05", "location": "北京"}),
    "date-ascii-parens": (["(2024年9月5日)"], {"date": "2024-09-05"}),
    "subtitle-event": (["——在2023年工业经济发展推进会上的讲话"], {"event": "2023年工业经济发展推进会"}),
    "subtitle-single-dash": (["—在全县干部大会上的讲话"], {"event": "全县干部大会"}),
    "speaker-alone": (["张三"], {"speaker": "张三"}),
    "speaker-with-office": (["县委书记　张三"], {"speaker": "张三"}),
    "all-together": (
        ["——在全县干部大会上的讲话", "县委书记　张三", "（2023年4月19日　北京）", "同志们："],
        {"event": "全县干部大会", "speaker": "张三", "date": "2023-04-19", "location": "北京"},
    ),
    "body-sentence-is-nothing": (["同志们，今天我们召开全县工业经济发展推进会。"], {}),
}


@pytest.mark.parametrize("lines, expected", FRONT_LINE_CASES.values(), ids=FRONT_LINE_CASES.keys())
def test_front_lines(lines, expected):
    assert read_front_lines(tuple(para(line) for line in lines)) == expected


@pytest.mark.parametrize(
    "line", ["同志们", "结束语", "重要意义"], ids=["salutation", "part-title", "heiti-heading"]
)
def test_short_lines_that_are_not_names_are_not_the_speaker(line):
    assert "speaker" not in read_front_lines((para(line), para("今天我们召开会议，研究部署工作。")))


@pytest.mark.parametrize(
    "title, event",
    [
        ("在中非合作论坛北京峰会开幕式上的主旨讲话", "中非合作论坛北京峰会开幕式"),
        ("县长在2023年工业经济发展推进会上的讲话", "2023年工业经济发展推进会"),
        ("在全县经济工作会议上的讲话", "全县经济工作会议"),
        ("关于加强作风建设的几点意见", None),
        ("Opening remarks", None),
    ],
    ids=["summit", "speaker-prefix", "conference", "no-event", "english"],
)
def test_event_from_title(title, event):
    assert event_from_title(title) == event


def test_whole_metadata_of_an_office_speech():
    document = doc(
        para("在全县工业经济推进会上的讲话", centered=True),
        "县委书记　张三",
        "（2023年4月19日　北京）",
        "同志们：今天我们召开全县工业经济推进会，主要任务是总结去年工作，部署今年任务。",
        metadata={"keywords": "工业, 经济；发展"},
    )
    meta = metadata_of(document, name="2020-01-01.docx")
    assert meta == Metadata(
        title="在全县工业经济推进会上的讲话",
        date="2023-04-19",  # the text's date line beats the file name
        speaker="张三",
        event="全县工业经济推进会",
        location="北京",
        language="zh",
        tags=("工业", "经济", "发展"),
        summary="同志们：今天我们召开全县工业经济推进会，主要任务是总结去年工作，部署今年任务。",
    )


def test_summary_skips_the_subtitle():
    document = doc(
        para("工业经济推进会讲话", centered=True),
        "——在2023年工业经济发展推进会上的讲话",
        "同志们：今天我们召开全县工业经济推进会。",
    )
    assert metadata_of(document).summary == "同志们：今天我们召开全县工业经济推进会。"


def test_declared_metadata_beats_text_and_file_name():
    document = doc(
        "县委书记　张三",
        "（北京）",
        "正文。",
        metadata={"date": "2022-01-02", "speaker": "李四", "source_name": "县政府网", "ignored_key": "x"},
    )
    meta = metadata_of(document, name="2021-05-06.docx")
    assert (meta.date, meta.speaker, meta.source_name) == ("2022-01-02", "李四", "县政府网")


def test_date_line_under_the_title_beats_a_declared_publication_date():
    document = doc("（2023年4月19日　北京）", "正文。", metadata={"date": "2023-04-25", "location": "上海"})
    meta = metadata_of(document, name="2021-05-06.docx")
    assert (meta.date, meta.location) == ("2023-04-19", "上海")


def test_date_from_file_name_is_the_last_resort():
    assert metadata_of(doc("正文。"), name="20230419.txt").date == "2023-04-19"
    assert metadata_of(doc("正文。"), name="讲话.txt").date is None


def test_overrides_win():
    document = doc(
        para("原标题", centered=True),
        "县委书记　张三",
        "（2023年4月19日　北京）",
        "正文。",
        metadata={"keywords": "工业"},
    )
    overrides = {
        "title": "新标题",
        "date": "2020-02-03",
        "speaker": "王五",
        "location": "上海",
        "tags": ["甲", "乙"],
        "language": "en",
        "slug": "ignored-here",
    }
    meta = metadata_of(document, overrides=overrides)
    assert (meta.title, meta.date, meta.speaker, meta.location, meta.tags, meta.language) == (
        "新标题",
        "2020-02-03",
        "王五",
        "上海",
        ("甲", "乙"),
        "en",
    )


# --------------------------------------------------------------------------- language, tags, summary

LANGUAGE_CASES = {
    "chinese": ("同志们，今天我们召开会议。", "zh"),
    "english": ("Ladies and gentlemen, thank you.", "en"),
    "english-with-a-chinese-name": ("Thank you, 张三, for the kind words and the invitation.", "en"),
    "chinese-with-english-terms": ("我们要发展AI和5G产业，推动数字经济。", "zh"),
    "no-letters": ("2023 — 100%", "en"),
}


@pytest.mark.parametrize("text, language", LANGUAGE_CASES.values(), ids=LANGUAGE_CASES.keys())
def test_language_of(text, language):
    assert language_of(text) == language


def test_declared_language_wins():
    assert (
        metadata_of(doc("同志们，今天我们召开会议。", metadata={"language": "zh-Hant"})).language == "zh-Hant"
    )


TAG_CASES = {
    "comma-string": ("工业, 经济", ("工业", "经济")),
    "chinese-separators": ("工业，经济；发展、改革", ("工业", "经济", "发展", "改革")),
    "spaces": ("economy  industry", ("economy", "industry")),
    "list": (["工业", " 经济 ", ""], ("工业", "经济")),
    "duplicates-and-numbers": ("工业,工业,2023", ("工业",)),
    "empty": ("", ()),
    "none": (None, ()),
}


@pytest.mark.parametrize("value, tags", TAG_CASES.values(), ids=TAG_CASES.keys())
def test_tags_from(value, tags):
    assert tags_from(value) == tags


def test_tags_from_declared_keywords():
    assert metadata_of(doc("正文。", metadata={"keywords": "工业；经济"})).tags == ("工业", "经济")
    assert metadata_of(doc("正文。", metadata={"tags": ["甲"], "keywords": "乙"})).tags == ("甲",)


def test_summary_is_the_start_of_the_body():
    long = "同志们：" + "发展" * 100
    summary = summary_of((para("短句"), para(long)))
    assert summary == long[:120] + "…"
    assert summary_of((para("短句"),)) is None


def test_description_becomes_the_summary():
    assert metadata_of(doc("正文。", metadata={"description": "一段描述"})).summary == "一段描述"


def test_english_delivery_line_gives_the_date():
    document = doc(
        para("Mayor's address to the delegation"),
        "The following is the text of the address given by Mayor Thomas Reed at the civic reception on "
        "Wednesday 6 November 2024.",
        "Good evening, and a very warm welcome to Ashford.",
        metadata={"date": "2024-11-07"},
    )
    assert metadata_of(document).date == "2024-11-06"


@pytest.mark.parametrize(
    "line",
    [
        "Dr. Margaret Hale, Director, Institute for Trace Element Nutrition. Lanchuan International "
        "Conference Centre, 10 October 2023.",
        "Lanchuan, October 10, 2023",
    ],
)
def test_a_speaker_and_place_line_ending_with_the_date_dates_the_speech(line):
    """The page was published the next day (its meta tag and byline): the dateline under the title says
    when the speech was given."""
    document = doc(
        para("Selenium, Soil and Public Health"),
        line,
        "Thank you, Mayor Lin, for your kind introduction.",
        metadata={"date": "2023-10-11"},
    )
    assert metadata_of(document).date == "2023-10-10"


def test_a_date_inside_an_opening_sentence_is_not_a_dateline():
    document = doc(
        para("Remarks at the Fair"),
        "We signed the agreement on 1 May 2019 and it has served us well.",
        metadata={"date": "2023-10-11"},
    )
    assert metadata_of(document).date == "2023-10-11"


def test_a_title_set_on_the_page_wins_over_a_stale_word_title_property():
    document = doc(
        Paragraph((Span("关于歌山镇农贸市场经营管理权项目的讲话", bold=True),), centered=True),
        "同志们：今天我们召开会议。",
        metadata={"title": "东阳市八家单位信息网络安全"},
    )
    assert metadata_of(document).title == "关于歌山镇农贸市场经营管理权项目的讲话"


def test_a_short_centred_line_does_not_replace_the_declared_title():
    document = doc(
        Paragraph((Span("县长 林晓峰", bold=True),), centered=True),
        "同志们：今天我们召开会议。",
        metadata={"title": "在全县优化营商环境大会上的讲话"},
    )
    assert metadata_of(document).title == "在全县优化营商环境大会上的讲话"


def test_control_characters_in_declared_metadata_are_dropped():
    document = doc(
        "同志们：今天我们召开会议。",
        metadata={"title": "工作\x01会议讲话", "keywords": "a\x01b,\x02", "source_name": "县\x7f政府"},
    )
    meta = metadata_of(document)
    assert (meta.title, meta.tags, meta.source_name) == ("工作会议讲话", ("ab",), "县政府")


@pytest.mark.parametrize(
    ("declared", "date", "codes"),
    [
        ("2019-02-30", None, ["bad-date"]),  # no such day: the speech is published undated
        ("2019-13-01", None, ["bad-date"]),
        ("yesterday", None, ["bad-date"]),
        ("2019/3/5", "2019-03-05", []),  # the same normaliser as the catalog's
        ("2019年3月5日", "2019-03-05", []),
    ],
)
def test_a_declared_date_is_checked_against_the_calendar(declared, date, codes):
    from converter.pipeline import build_speech

    source = doc(
        "在全县大会上的讲话", "同志们：今天召开全县大会，总结工作，部署任务。", metadata={"date": declared}
    )
    speech, messages, _ = build_speech(source, Path("speech.txt"), {})
    assert speech.metadata.date == date
    assert [m.code for m in messages if m.code == "bad-date"] == codes
    if codes:
        assert declared in next(m.text for m in messages if m.code == "bad-date")


@pytest.mark.parametrize(
    ("name", "body", "date", "reported"),
    [
        ("2023-02-30 讲话.txt", "正文。", "2023", "2023-02-30"),  # dated by its year, and told why
        ("讲话（2023年2月30日）.txt", "正文。", "2023", "2023年2月30"),
        ("2023-02-30 讲话.txt", "（2023年3月1日）", "2023-03-01", None),  # the text's date is used
        ("2023-02-28 讲话.txt", "正文。", "2023-02-28", None),
        ("编号20231345 讲话.txt", "正文。", None, None),  # eight digits may be a number, not a date
    ],
)
def test_an_impossible_date_in_the_file_name_is_reported(name, body, date, reported):
    from converter.pipeline import build_speech

    source = doc("在全县大会上的讲话", body, "同志们：今天召开全县大会，总结工作，部署任务。")
    speech, messages, _ = build_speech(source, Path(name), {})
    assert speech.metadata.date == date
    bad = [m.text for m in messages if m.code == "bad-date"]
    assert bad == [] if reported is None else len(bad) == 1 and reported in bad[0]


@pytest.mark.parametrize(
    ("info_line", "date", "codes"),
    [
        ("时间:2019-02-30", None, ["bad-date"]),
        ("时间:2019-13-01", None, ["bad-date"]),  # was read as no date at all, silently, before dates.py
        ("发布时间：2019年3月5日 09:30", "2019-03-05", []),
    ],
)
def test_a_date_in_a_scraped_info_line_is_checked_against_the_calendar(tmp_path, info_line, date, codes):
    from converter.pipeline import build_speech
    from converter.readers import text

    path = tmp_path / "讲话.txt"
    lines = ["分享", "讲话稿.docx", "下载文档", info_line, "温馨提示:", "1. 请放心下载。", "网站客服:1",
             "同志们，今天召开会议，主要任务是总结工作、部署任务，希望大家认真抓好落实，确保取得实效。"]  # fmt: skip
    path.write_text("\n".join(lines), encoding="utf-8")
    speech, messages, _ = build_speech(text.read(path), path, {})
    assert speech.metadata.date == date
    assert [m.code for m in messages if m.code == "bad-date"] == codes


@pytest.mark.parametrize(
    ("tag", "chinese"),
    [("zh", True), ("zh-CN", True), ("zh-Hans", True), ("zh-Hant-TW", True), ("ZH-tw", True),
     ("en", False), ("en-GB", False), ("", False), (None, False), ("zhx", False)],
)  # fmt: skip
def test_chinese_processing_follows_the_primary_subtag(tag, chinese):
    from converter.model import is_chinese
    from converter.pipeline import build_speech

    assert is_chinese(tag) is chinese
    body = doc("在全县大会上的讲话", "同志们：", "一、认清形势", "今年以来，全县上下扎实推进各项工作。",
               "二、狠抓落实", "各级各部门要把思想统一到县委的部署上来。")  # fmt: skip
    speech, _, _ = build_speech(body, Path("speech.txt"), {"language": tag} if tag else {})
    if tag:
        assert speech.metadata.language == tag  # the full tag reaches the page
    assert [s.title for s in speech.body.children] == (
        ["一、认清形势", "二、狠抓落实"] if chinese or not tag else []
    )
