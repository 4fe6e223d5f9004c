"""Tests of the .txt reader: encodings, document-sharing site cleaning, paragraph recovery, truncation."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.model import ConversionError, Paragraph, Span
from converter.readers import paragraphs, scraped, text

FIXTURES = Path(__file__).parent / "text_fixtures"
SPEECH = [
    "在全县工作会议上的讲话",
    "同志们：",
    "今天我们召开全县工作会议，主要任务是总结去年工作，部署今年任务。",
]


def read(name: str):
    return text.read(FIXTURES / name)


def texts(document) -> list[str]:
    return [block.text for block in document.blocks]


def codes(document) -> list[str]:
    return [message.code for message in document.messages]


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "name",
    [
        "encoding_utf8_bom.txt",
        "encoding_gb18030.txt",
        "encoding_utf16le_no_bom.txt",
        "encoding_utf16be_no_bom.txt",
        "encoding_utf16_bom.txt",
    ],
)
def test_encodings_decode_to_the_same_paragraphs(name):
    document = read(name)
    assert texts(document) == SPEECH
    assert document.messages == ()
    assert not document.truncated


# Short texts in legacy encodings, where charset-normalizer alone picks a wrong one (Korean for GBK,
# half-width katakana for Big5, Baltic and DOS code pages for Latin-1 and Windows-1252), and texts it
# gets right that must stay right (Central European, Japanese, Korean, a long GBK text).
LEGACY = {
    "gbk-thanks": ("谢谢大家！", "gbk"),
    "gbk-title-date": ("县长讲话（2023年4月19日）", "gbk"),
    "gbk-name": ("张三同志讲话", "gbk"),
    "gbk-year": ("2023年工作报告", "gbk"),
    "gbk-long": ("同志们：今天我们召开全县工业经济发展推进会，主要任务是总结去年工作。", "gbk"),
    "big5-sentence": ("同志們：臺灣同胞是我們的骨肉兄弟。", "big5"),
    "big5-long": ("各位同志：今天我們召開全縣工業經濟發展推進會，主要任務是總結去年工作。", "big5"),
    "latin-1-french": ("Speech at the café, a naïve façade and a résumé. Thank you all.", "latin-1"),
    "cp1252-quotes": ("Ladies and gentlemen, “thank you” — it’s an honour. £5 million.", "cp1252"),
    "cp1250-czech": ("Děkuji vám, dámy a pánové. Příští rok.", "cp1250"),
    "shift-jis": ("こんにちは、皆さん。今日は会議です。", "shift_jis"),
    "cp949-korean": ("안녕하세요 여러분. 오늘 회의를 시작하겠습니다.", "cp949"),
}


@pytest.mark.parametrize(("written", "encoding"), LEGACY.values(), ids=LEGACY.keys())
def test_short_texts_in_legacy_encodings_are_read_as_written(written, encoding):
    assert text.decode(written.encode(encoding)) == written


def test_an_encoding_chosen_among_others_is_named_in_a_warning(tmp_path):
    path = tmp_path / "致辞.txt"
    path.write_bytes("谢谢大家！".encode("gbk"))
    document = text.read(path)
    assert texts(document) == ["谢谢大家！"]
    [message] = [m for m in document.messages if m.code == "encoding-guessed"]
    assert message.level == "warning" and "致辞.txt" in message.text
    assert "gb18030" in message.text and "cp949" in message.text and "UTF-8" in message.text


def test_a_text_title_set_apart_by_a_blank_line_is_the_title():
    document = read("encoding_utf8_bom.txt")
    assert document.blocks[0].heading_level == 0
    assert document.metadata == {"title": "在全县工作会议上的讲话"}


@pytest.mark.parametrize(
    ("name", "code"),
    [("binary_garbage.txt", "not-text"), ("binary_no_nul.txt", "not-text"), ("whitespace_only.txt", "empty")],
)
def test_unreadable_files_raise_with_a_code_and_hint(name, code):
    with pytest.raises(ConversionError) as raised:
        read(name)
    assert raised.value.message.code == code
    assert raised.value.message.level == "error"
    assert name in raised.value.message.text


def test_not_text_error_carries_a_hint():
    with pytest.raises(ConversionError) as raised:
        read("binary_garbage.txt")
    assert "UTF-8" in raised.value.message.text


def test_mixed_line_endings_give_one_paragraph_per_line():
    document = read("mixed_line_endings.txt")
    assert texts(document) == ["第一段文字。", "第二段文字。", "第三段文字。", "第四段文字。"]
    assert document.messages == ()


# --------------------------------------------------------------------------- plain text


def test_plain_text_is_one_paragraph_per_line_and_blank_lines_separate():
    document = read("plain_lines.txt")
    assert texts(document) == [
        "各位代表：",
        "现在，我向大会报告工作，请予审议。",
        "一、过去一年工作回顾",
        "过去一年，我们坚持稳中求进，经济运行总体平稳。",
        "谢谢大家！",
    ]
    assert all(isinstance(b, Paragraph) and b.heading_level is None for b in document.blocks)
    assert document.messages == ()
    assert document.metadata == {}


def test_numbered_headings_are_left_to_the_section_finder():
    document = read("plain_lines.txt")
    assert document.blocks[2].heading_level is None


# --------------------------------------------------------------------------- document-sharing sites


def test_sharing_site_chrome_is_removed_and_metadata_read():
    document = read("sharing_site_page.txt")
    body = "\n".join(texts(document))
    for chrome in (
        "首页",
        "下载本文档",
        "文档ID",
        "88123",
        "特别提醒",
        "本站文档",
        "收藏",
        "举报",
        "还剩3页未读",
        "立即下载",
        "相关推荐",
        "最新文档",
        "教育局长在全市",
        "2022年教育工作总结",
        ".doc",
    ):
        assert chrome not in body
    assert document.metadata["date"] == "2022-09-10"
    assert document.metadata["keywords"] == "教育,大会,讲话,全市"
    assert document.metadata["title"] == "在全市教育大会上的讲话"
    assert texts(document)[:2] == ["在全市教育大会上的讲话", "同志们："]
    assert texts(document)[-1].startswith("教育是国之大计")


def test_sharing_site_preview_is_flagged_truncated():
    document = read("sharing_site_page.txt")
    assert document.truncated
    assert codes(document) == ["site-chrome-removed", "truncated"]
    assert "还剩3页未读" in document.messages[-1].text


def test_page_footer_is_removed_and_the_split_word_rejoined():
    document = read("page_footer_split_word.txt")
    assert texts(document) == [
        "水利工作会议讲话",
        "今年以来，全县水利建设扎实推进，新建的水库已经蓄水，群众的饮水问题得到了解决。",
        "下一步，要继续加大投入，确保工程质量。",
    ]
    assert codes(document) == ["page-footer-removed"]


def test_merged_line_is_split_on_single_spaces():
    document = read("merged_single_space.txt")
    assert texts(document) == [
        "工作会议讲话",
        "同志们，今天我们召开全县工作会议。",
        "一、认清形势",
        "今年以来，全县经济运行总体平稳，主要指标好于预期，这是全县上下共同努力的结果。",
        "二、明确任务",
        "今年要重点抓好三件事：一是招商引资，二是项目建设，三是民生改善。",
    ]
    assert document.metadata == {"title": "工作会议讲话"}
    assert document.messages == ()


def test_text_ending_mid_sentence_is_truncated():
    document = read("truncated_mid_sentence.txt")
    assert document.truncated
    assert codes(document) == ["truncated"]
    assert "同时" in document.messages[0].text


def test_trailing_license_notice_is_removed():
    document = read("license_notice.txt")
    assert texts(document) == ["各位代表：", "现在，我代表政府向大会报告工作，请予审议。", "谢谢大家！"]
    assert codes(document) == ["license-notice-removed"]
    assert not document.truncated


# --------------------------------------------------------------------------- press releases in one line


def test_oneline_press_release_head_is_split_into_paragraphs_and_metadata():
    document = read("oneline_press_release.txt")
    assert texts(document) == [
        "5月8日，全国科技工作会议在北京召开。新华社记者 李明 摄",
        "新华社北京5月8日电",
        "奋力建设科技强国",
        "——在全国科技工作会议上的讲话",
        "（2024年5月8日\u3000北京）",
        "国务院总理\u3000王某某",
        "各位代表，同志们：",
        "这次会议的主要任务是总结工作、部署任务。",
        "一、过去一年的工作",
        "过去一年，科技创新取得新的重大成果。",
        "谢谢大家。",
    ]
    assert document.blocks[2].heading_level == 0
    assert document.metadata == {
        "title": "奋力建设科技强国",
        "subtitle": "在全国科技工作会议上的讲话",
        "date": "2024-05-08",
        "location": "北京",
        "speaker": "王某某",
    }
    assert document.messages == ()


def test_oneline_title_date_speaker_prefix():
    document = read("oneline_title_date_speaker.txt")
    assert texts(document)[:4] == [
        "在全省文化工作会议上的讲话",
        "（2023年6月1日）",
        "张三",
        "同志们，今天召开全省文化工作会议。",
    ]
    assert document.metadata == {
        "title": "在全省文化工作会议上的讲话",
        "date": "2023-06-01",
        "speaker": "张三",
    }


# --------------------------------------------------------------------------- the rules, table-driven

SPLIT_LINE_CASES = [
    # (line, expected paragraphs)
    ("一段没有空格的文字。", ["一段没有空格的文字。"]),
    ("\u3000\u3000缩进的段落。", ["缩进的段落。"]),
    ("第一段。\u3000\u3000第二段。", ["第一段。", "第二段。"]),
    ("第一段。\u2003\u2003第二段。", ["第一段。", "第二段。"]),
    (
        "记者 张三 摄\u3000\u3000正文开始。",
        ["记者 张三 摄", "正文开始。"],
    ),  # wide breaks win over single spaces
    ("第一句。 第二句。 三、标题 正文。", ["第一句。", "第二句。", "三、标题", "正文。"]),
    ("没有句末标点的 空格不拆", ["没有句末标点的 空格不拆"]),
    ("会议开幕。 新华社记者 李明 摄 下一段正文。", ["会议开幕。", "新华社记者 李明 摄", "下一段正文。"]),
    ("最后一段正文。 谢谢。", ["最后一段正文。", "谢谢。"]),
    ("2023 年的数字。 下一段。", ["2023 年的数字。", "下一段。"]),  # a space beside ASCII is not a break
    ("An English line. Next sentence.", ["An English line. Next sentence."]),
    ("   ", []),
]


@pytest.mark.parametrize(("line", "expected"), SPLIT_LINE_CASES)
def test_split_line(line, expected):
    assert paragraphs.split_line(line) == expected


TRUNCATION_CASES = [
    ("这是一个完整的句子，以句号结束，长度足够判断。", False),
    ("这是一个没有结束的句子，长度足够判断，但是同时", True),
    ("引号结束的句子也算完整，长度足够判断“是的。”", False),
    ("二〇二三年四月十九日", False),  # a short closing date or signature line is not evidence
    ("谢谢大家", False),
]


@pytest.mark.parametrize(("last", "truncated"), TRUNCATION_CASES)
def test_ends_mid_sentence(last, truncated):
    blocks = [Paragraph((Span(last),))]
    assert paragraphs.ends_mid_sentence(blocks) is truncated


IS_SCRAPED_CASES = [
    (["下载文档", "正文", "猜你喜欢"], True),
    (["温馨提示:", "1. 文件下载后无此问题", "网站客服:123"], True),
    (["各位代表：", "收藏家协会成立十周年了。"], False),  # one marker is not enough
    (["今天召开会议。"], False),
]


@pytest.mark.parametrize(("lines", "expected"), IS_SCRAPED_CASES)
def test_is_scraped(lines, expected):
    assert scraped.is_scraped(lines) is expected


CLEAN_CASES = [
    # (lines, kept lines, metadata)
    (
        [
            "分享",
            "讲话稿.docx",
            "下载文档",
            "时间:2021-05-06",
            "温馨提示:",
            "1. 请放心下载。",
            "网站客服:1",
            "讲话 会议 稿",
            "同志们，今天召开会议，主要任务是总结工作、部署任务，希望大家认真抓好落实，确保取得实效。",
            "下载文档",
            "猜你喜欢",
            "另一篇文档",
        ],
        ["同志们，今天召开会议，主要任务是总结工作、部署任务，希望大家认真抓好落实，确保取得实效。"],
        {"date": "2021-05-06", "keywords": "讲话,会议,稿"},
    ),
    (
        [
            "第一页的文字写在这里，内容很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。",
            "- 2 -",
            "第二页。",
        ],
        [
            "第一页的文字写在这里，内容很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。",
            "第二页。",
        ],
        {},
    ),
    (
        [
            "会议讲话第1页 开头",
            "中间会议讲话第2页 继续",
            "结尾。",
        ],  # the footer's title found as the common suffix
        ["开头", "中间继续", "结尾。"],
        {},
    ),
    (["详见第2页 的表格。"], ["详见第2页 的表格。"], {}),  # '第2页' without a footer title stays
]


@pytest.mark.parametrize(("lines", "kept", "metadata"), CLEAN_CASES)
def test_clean(lines, kept, metadata):
    cleaned = scraped.clean(lines)
    assert [line for line in cleaned.lines if line.strip()] == kept
    assert cleaned.metadata == metadata


def test_read_text_never_changes_words():
    source = "同志们：\n今天我们召开会议，研究部署工作。\n"
    document = text.read_text(source)
    assert "".join(texts(document)) == source.replace("\n", "")


# --------------------------------------------------------------------------- web pages saved as text


def test_english_web_page_saved_as_text_loses_its_chrome_and_keeps_its_outline():
    document = read("web_page_english.txt")
    assert [(block.heading_level, block.text[:30]) for block in document.blocks] == [
        (0, "Leader's speech to the annual "),
        (None, "Thank you all for coming out s"),
        (2, "Where we stand"),
        (None, "Last year the district welcome"),
        (None, "There is more to do. Three emp"),
        (2, "What comes next"),
        (None, "We will open the enterprise hu"),
    ]
    assert document.blocks[1].text.endswith("straight from the night shift.")
    assert document.metadata == {
        "title": "Leader's speech to the annual business breakfast",
        "date": "2025-03-14",
        "author": "Press Office",
    }
    assert codes(document) == ["web-chrome-removed"]


def test_chinese_portal_page_saved_as_text_reads_its_info_line():
    document = text.read_text(
        "在全县工作会议上的讲话\n发布时间：2022-03-04 09:30:00　来源：县应急管理局　浏览次数：521\n\n"
        "同志们：\n今天召开全县工作会议，主要任务是总结去年工作，部署今年任务。\n\n【打印本页】　　【关闭窗口】\n"
    )
    assert texts(document) == [
        "在全县工作会议上的讲话",
        "同志们：",
        "今天召开全县工作会议，主要任务是总结去年工作，部署今年任务。",
    ]
    assert document.metadata == {
        "title": "在全县工作会议上的讲话",
        "date": "2022-03-04",
        "source_name": "县应急管理局",
    }
    assert codes(document) == ["web-chrome-removed"]


@pytest.mark.parametrize("name", ["plain_english_wrapped.txt", "plain_english_lines.txt"])
def test_clean_english_text_gives_no_messages(name):
    document = read(name)
    assert document.messages == ()
    assert document.blocks[0].heading_level == 0
    assert not document.truncated


def test_hard_wrapped_english_text_is_reflowed_into_paragraphs_with_headings():
    document = read("plain_english_wrapped.txt")
    expected = [
        (0, "Remarks at the river clean-up day"),
        (None, "Good morning, everyone."),
        (None, "Thank you for giving up … from the weir to the bridge."),
        (2, "The river belongs to all of us"),
        (None, "It is easy to forget … grew up along its banks."),
        (None, "We owe it some care."),
    ]
    assert len(document.blocks) == len(expected)
    for block, (level, words) in zip(document.blocks, expected, strict=True):
        start, _, end = words.partition(" … ")
        assert block.heading_level == level
        assert block.text.startswith(start) and block.text.endswith(end or start)
    assert "plastic out of our river. Last year" in document.blocks[2].text


def test_a_short_line_before_a_short_line_is_not_a_heading():
    assert [block.heading_level for block in read("plain_english_lines.txt").blocks] == [
        0,
        None,
        None,
        None,
        None,
    ]


def test_sharing_site_related_list_below_a_long_site_notice_is_removed():
    lines = [
        "下载文档",
        "温馨提示：",
        "1. 本站所有文档均由用户上传。",
        "同志们，今天召开会议，主要任务是总结工作、部署任务，希望大家认真抓好落实，确保取得实效。",
        "相关文档",
        "另一篇讲话.docx",
        "本站为文档C2C交易模式，即用户上传的文档直接被用户下载，收益归上传人所有。",
    ]
    assert scraped.clean(lines).lines == [lines[3]]


BYLINE_CASES = [
    (
        "Posted on 7 November 2024 by Communications Team",
        {"date": "2024-11-07", "author": "Communications Team"},
    ),
    (
        "Published: 2023-10-11 | Source: Lanchuan County Foreign Affairs Office",
        {"date": "2023-10-11", "source_name": "Lanchuan County Foreign Affairs Office"},
    ),
    ("By Jane Smith | 12 March 2024", {"date": "2024-03-12", "author": "Jane Smith"}),
    ("Last updated: 3 January 2025", {"date": "2025-01-03"}),
    ("By the Office of the Mayor", {"author": "the Office of the Mayor"}),
    (
        "发布时间：2022-03-04 09:30:00　来源：县应急管理局　浏览次数：521",
        {"date": "2022-03-04", "source_name": "县应急管理局"},
    ),
    ("来源：岚川县生态环境分局", {"source_name": "岚川县生态环境分局"}),
    ("作者：李明", {"author": "李明"}),
    ("By the end of the year we will have built two schools.", None),
    ("By then everything had changed", None),
    ("Source of pride for the whole town", None),
    ("Date night at the market", None),
    ("时间过得真快，转眼一年又过去了。", None),
    ("来源于群众，服务于群众", None),
]


@pytest.mark.parametrize(("line", "expected"), BYLINE_CASES)
def test_read_byline(line, expected):
    assert scraped.read_byline(line) == expected


MENU_CASES = [
    ("Home | News | Your Council | Services | Contact us", True),
    ("Home · Residents · Business · Contact", True),
    ("Home > News > Speeches", True),
    ("Home › News", True),
    ("首页 > 新闻中心 > 领导讲话", True),
    ("Peace, prosperity | partnership | trust", False),  # a comma: text, not a menu
    ("Schools > roads", False),  # two items that are not a breadcrumb
    ("A | B", False),
    ("We met in London | Paris | Rome last year and agreed on everything.", False),
]


@pytest.mark.parametrize(("line", "expected"), MENU_CASES)
def test_is_menu_line(line, expected):
    assert scraped.is_menu_line(line) is expected


CHROME_KIND_CASES = [
    ("Skip to main content", "skip"),
    ("Skip navigation", "skip"),
    ("跳转到主要内容", "skip"),
    ("Share this:", "share"),
    ("Share on Facebook", "share"),
    ("Print this page", "share"),
    ("Back to top", "share"),
    ("【打印本页】　　【关闭窗口】", "share"),
    ("【字体：大 中 小】【打印】", "share"),
    ("© 2024 Ashford Town Council. All rights reserved.", "footer"),
    ("Copyright 2025 Riverside District Council", "footer"),
    ("Privacy policy", "footer"),
    ("版权所有：岚川县人民政府　蜀ICP备00000000号", "footer"),
    ("We use cookies to make this website work. Accept all cookies or manage settings.", "cookie"),
    ("Related", "related"),
    ("Related news", "related"),
    ("Posted on 7 November 2024 by Communications Team", "byline"),
    ("Home | News | Contact us", "menu"),
    ("Good evening, and a very warm welcome to Ashford.", None),
    ("Five years of friendship", None),
    ("Our cookies are famous across the county, and we use only local butter.", None),
    ("Print shops and copy centres have closed across the region.", None),
    ("Facebook", None),  # a network's name alone is chrome only in a share bar
]


@pytest.mark.parametrize(("line", "expected"), CHROME_KIND_CASES)
def test_web_chrome_kind(line, expected):
    assert scraped.web_chrome_kind(line) == expected


IS_WEB_PAGE_CASES = [
    (["Skip to main content", "Title", "Text.", "© 2024 Council"], True),
    (["Title", "Posted on 1 May 2024 by Staff", "Text.", "Share this:"], True),
    (["Title", "Text about cookies.", "© 2024 Council"], False),  # one kind is not enough
    (["Good evening.", "Thank you."], False),
]


@pytest.mark.parametrize(("lines", "expected"), IS_WEB_PAGE_CASES)
def test_is_web_page(lines, expected):
    assert scraped.is_web_page(lines) is expected


WEB_CLEAN_CASES = [
    # (lines, kept lines, metadata, title candidates)
    (
        [
            "Skip to content",
            "Town Council",
            "Home | News | Contact",
            "News",
            "A title",
            "",
            "Body text here.",
            "© 2024",
        ],
        ["A title", "Body text here."],
        {},
        ["A title"],
    ),
    (
        [
            "Site",
            "Home | News | Contact",
            "The title",
            "Posted on 1 May 2024",
            "Text.",
            "Share this:",
            "X",
            "Email",
        ],
        ["The title", "Text."],
        {"date": "2024-05-01"},
        ["The title"],
    ),
    (  # related articles' titles below the text go with the header that announces them
        ["Skip to content", "Title", "Text.", "Related", "Another story", "Third story", "© 2024 Council"],
        ["Title", "Text."],
        {},
        ["Title"],
    ),
    (  # a dateless source line inside the text is a caption, not a byline
        [
            "Skip to content",
            "Title",
            "Text.",
            "Source: National Bureau of Statistics",
            "More text.",
            "© 2024",
        ],
        ["Title", "Text.", "Source: National Bureau of Statistics", "More text."],
        {},
        ["Title"],
    ),
    (  # a short last line of the speech stays above the share bar
        ["Skip to content", "Title", "Text.", "Thank you", "Share this:", "Facebook"],
        ["Title", "Text.", "Thank you"],
        {},
        ["Title"],
    ),
]


@pytest.mark.parametrize(("lines", "kept", "metadata", "titles"), WEB_CLEAN_CASES)
def test_clean_web_page(lines, kept, metadata, titles):
    cleaned = scraped.clean(lines)
    assert [line for line in cleaned.lines if line.strip()] == kept
    assert cleaned.metadata == metadata
    assert cleaned.title_candidates == titles


JOIN_WRAPPED_CASES = [
    (  # wrapped text: a line continues when the next word would not have fitted or it ends open
        [
            "The council met on Tuesday to agree the budget for the coming year, and",
            "the vote was carried by a large majority of the members present.",
            "Short line.",
            "Next paragraph begins here and runs on to the full width of the text",
            "and then stops.",
            "",
            "A heading",
            "Then more text that fills the line nearly to the right margin of the page",
            "so that it wraps.",
        ],
        [
            "The council met on Tuesday to agree the budget for the coming year, and the vote was carried by a "
            "large majority of the members present.",
            "Short line.",
            "Next paragraph begins here and runs on to the full width of the text and then stops.",
            "",
            "A heading",
            "Then more text that fills the line nearly to the right margin of the page so that it wraps.",
        ],
    ),
    (  # one paragraph per line (not wrapped) stays as it is
        ["A first paragraph that ends here.", "A heading", "A second paragraph that ends here too."],
        ["A first paragraph that ends here.", "A heading", "A second paragraph that ends here too."],
    ),
    (  # lines wider than any wrap width are paragraphs
        ["x " * 60 + "end", "y " * 60 + "end", "z " * 60 + "end", "w " * 60 + "end"],
        ["x " * 60 + "end", "y " * 60 + "end", "z " * 60 + "end", "w " * 60 + "end"],
    ),
    (  # a word hyphenated at the wrap is rejoined without a space
        [
            "We are building a well-",
            "known partnership with our neighbours across the water, and it will",
            "grow stronger every year that we keep working together as we have been",
            "doing since the start of the programme, and we mean to carry on doing so for",
            "many years.",
        ],
        [
            "We are building a well-known partnership with our neighbours across the water, and it will grow "
            "stronger every year that we keep working together as we have been doing since the start of the "
            "programme, and we mean to carry on doing so for many years."
        ],
    ),
]


@pytest.mark.parametrize(("lines", "expected"), JOIN_WRAPPED_CASES)
def test_join_wrapped(lines, expected):
    assert paragraphs.join_wrapped(lines) == expected


BODY = "This is a paragraph of body text that is long enough to follow a heading."
HEADING_CASES = [
    # (paragraph texts, indexes marked as headings)
    (["Title", BODY, "Five years of friendship", BODY], [2]),
    (["Title", BODY, "2. The way ahead", BODY], [2]),
    (["Title", "Five years of friendship", BODY], []),  # right under the title: a speaker or date line
    (["Title", BODY, "Ladies and gentlemen", BODY], []),  # a salutation
    (["Title", BODY, "Thank you", BODY], []),
    (["Title", BODY, "6 November 2024", BODY], []),  # a date line
    (["Title", BODY, "and then we went home", BODY], []),  # lower case: a broken line
    (["Title", BODY, "What we hope to build:", BODY], []),  # end punctuation
    (["Title", BODY, "A heading", "Short text."], []),  # not followed by body text
    (["Title", "An open line", "A heading", BODY], []),  # not after a finished paragraph
    (["Title", BODY, "A heading that is far too long to be a heading in any text of this kind", BODY], []),
    (["Title", BODY, "One", BODY, "Two", BODY, "Three", BODY], []),  # half the paragraphs: not headings
    (["Title", BODY, "Last line"], []),
]


@pytest.mark.parametrize(("paragraph_texts", "expected"), HEADING_CASES)
def test_mark_plain_headings(paragraph_texts, expected):
    marked = paragraphs.mark_plain_headings(
        [(t, 0 if i == 0 else None) for i, t in enumerate(paragraph_texts)]
    )
    assert [i for i, (_, level) in enumerate(marked) if level == 2] == expected


def test_title_line_followed_by_a_date_line_without_blank_lines(tmp_path):
    """A speech typed one paragraph per line: title, date line, salutation, then the speech."""
    from converter.readers import text

    path = tmp_path / "speech.txt"
    path.write_text(
        "在全县教育工作大会上的讲话\n（2024年5月20日）\n同志们：\n今天召开全县教育工作大会，总结工作，部署任务。\n",
        encoding="utf-8",
    )
    document = text.read(path)
    assert document.metadata["title"] == "在全县教育工作大会上的讲话"
    assert document.blocks[0].heading_level == 0
