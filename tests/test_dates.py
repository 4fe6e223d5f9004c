"""converter.dates: the one place dates are read from text and checked against the calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from converter.dates import (
    date_from_file_name,
    find_date,
    find_declared_date,
    is_chinese_date_line,
    is_date_only,
    is_page_date,
    normalize_date,
    split_stem_date,
)

# --------------------------------------------------------------------------- dates in running text

FIND_DATE_CASES = {
    "datetime": ("发布时间：2024-09-05 10:30", "2024-09-05"),
    "chinese": ("2024年9月5日", "2024-09-05"),
    "chinese-spaced": ("2024 年 9 月 5 日", "2024-09-05"),  # a PDF's layout spaces
    "slashes": ("2024/9/5", "2024-09-05"),
    "dots": ("讲话2024.9.5", "2024-09-05"),
    "compact": ("20240905讲话", "2024-09-05"),
    "none": ("第3页", None),
    "month-13": ("2024年13月5日", None),
    "impossible": ("2023-02-30讲话", None),
    "impossible-then-real": ("2023-02-30 改为 2023-03-02", "2023-03-02"),
    "digits-glued-before": ("12023-04-19", None),
    "digits-glued-after": ("2023-04-123", None),
    "year-out-of-range": ("1850-01-01", None),  # running text: only 1900-2099 count
    "long-number": ("文号123456789", None),
    "day-month-year": ("on Wednesday 6 November 2024.", "2024-11-06"),
    "month-day-year": ("November 6, 2024", "2024-11-06"),
    "abbreviated": ("Sept. 3rd 2021", "2021-09-03"),
    "french": ("le 1er mai 2023", "2023-05-01"),
    "spanish": ("7 de noviembre de 2024", "2024-11-07"),
    "english-impossible": ("31 February 2024", None),
    "no-year": ("in May we met", None),
    "numeric-before-words": ("6 November 2024, 2024-11-07", "2024-11-07"),
}


FILE_NAME_DATES = {
    "iso": ("2023-04-19 工业经济推进会讲话.docx", "2023-04-19"),
    "compact": ("20230419讲话.txt", "2023-04-19"),
    "chinese": ("2023年4月19日在推进会上的讲话.docx", "2023-04-19"),
    "dots": ("讲话2023.4.9.html", "2023-04-09"),
    "year-only": ("2023年工业经济发展推进会讲话.docx", "2023"),
    "year-with-dash": ("speech-2019.txt", "2019"),
    "no-date": ("工业经济推进会讲话.docx", None),
    "long-number": ("文号123456789.txt", None),
    "bad-month": ("20231399.txt", None),
    "impossible-day-keeps-year": ("2023-02-30 讲话.txt", "2023"),
    "underscores": ("2023_04_19_讲话.txt", "2023-04-19"),
}

# A date that opens or closes a file name's stem, and the rest of the name: what a dated slug is made of.
STEM_DATES = {
    "chinese": ("2021年6月30日 乡村振兴讲话", ("2021-06-30", "乡村振兴讲话")),
    "chinese-padded": ("2021年06月30日乡村振兴讲话", ("2021-06-30", "乡村振兴讲话")),
    "compact": ("20210630 乡村振兴讲话", ("2021-06-30", "乡村振兴讲话")),
    "dots": ("2021.6.30 乡村振兴讲话", ("2021-06-30", "乡村振兴讲话")),
    "dashes": ("2021-6-30-乡村振兴讲话", ("2021-06-30", "-乡村振兴讲话")),
    "underscores": ("2021_06_30_乡村振兴讲话", ("2021-06-30", "_乡村振兴讲话")),
    "day-hao": ("2021年6月30号乡村振兴讲话", ("2021-06-30", "乡村振兴讲话")),
    "end-in-brackets": ("乡村振兴讲话（2021年6月30日）", ("2021-06-30", "乡村振兴讲话")),
    "end-plain": ("乡村振兴讲话 20210630", ("2021-06-30", "乡村振兴讲话")),
    "start-in-brackets": ("【2021-06-30】乡村振兴讲话", ("2021-06-30", "乡村振兴讲话")),
    "only-a-date": ("2021年6月30日", ("2021-06-30", "")),
    "in-the-middle": ("关于2021年6月30日会议的讲话", None),
    "impossible": ("2019-02-30 讲话", None),
    "impossible-then-real-at-the-end": ("2019-02-30 讲话（2019年3月1日）", ("2019-03-01", "2019-02-30 讲话")),
    "year-only": ("2025重点项目动员大会讲话", None),
    "year-out-of-range": ("1850-01-01 讲话", None),
    "digits-glued": ("2021063012 讲话", None),
    "no-date": ("乡村振兴讲话", None),
}


# --------------------------------------------------------------------------- dates a source declares

# A declared date comes back as written (not calendar-checked): normalize_date reports an impossible one.
DECLARED_CASES = {
    "datetime": ("2023-04-19 09:30", "2023-04-19"),
    "iso-t": ("2024-11-07T09:00", "2024-11-07"),
    "chinese": ("2023年4月9日", "2023-04-09"),
    "slashes": ("2023/4/19", "2023-04-19"),
    "labelled-dots": ("时间:2023.04.19", "2023-04-19"),
    "full-width-digits": ("２０２３年４月１９日", "2023-04-19"),
    "impossible-day": ("时间:2019-02-30", "2019-02-30"),
    "month-13": ("2023-13-01", "2023-13-01"),
    "old-year": ("0999-01-01", "0999-01-01"),
    "english": ("7 November 2024", "2024-11-07"),
    "weekday-ordinal": ("Wednesday 6th Nov. 2024", "2024-11-06"),
    "month-first": ("November 7, 2024", "2024-11-07"),
    "sept": ("Sept 30 2023", "2023-09-30"),
    "chinese-english": ("2024年11月7日", "2024-11-07"),
    "german": ("7. März 2024", "2024-03-07"),
    "day-32": ("32 May 2024", "2024-05-32"),
    "no-day": ("in May 2024", None),
    "not-a-month": ("Mayor 7, 2024", None),
    "yesterday": ("昨天", None),
    "empty": ("", None),
}


@pytest.mark.parametrize("text", ["时间:2019-02-30", "2023-13-01", "32 May 2024", "0999-01-01"])
def test_an_impossible_declared_date_is_refused_by_the_normaliser(text):
    with pytest.raises(ValueError, match="not a real date"):
        normalize_date(find_declared_date(text))


# --------------------------------------------------------------------------- values given as dates

NORMALIZE_CASES = {
    "iso": ("2023-04-19", "2023-04-19"),
    "dots": ("2023.4.9", "2023-04-09"),
    "slashes": ("2023/4/19", "2023-04-19"),
    "leap-day": ("2024-02-29", "2024-02-29"),
    "chinese": ("2023年4月19日", "2023-04-19"),
    "chinese-hao": ("2023年4月19号", "2023-04-19"),
    "chinese-month": ("2023年4月", "2023-04"),
    "chinese-year": ("2023年", "2023"),
    "year-month": ("2023-4", "2023-04"),
    "year-text": ("2023", "2023"),
    "year-number": (2023, "2023"),
    "full-width": ("２０２３－０４－１９", "2023-04-19"),
    "spaces": ("  2023-04-19 ", "2023-04-19"),
    "yaml-date": (dt.date(2023, 4, 19), "2023-04-19"),
    "yaml-datetime": (dt.datetime(2023, 4, 19, 9, 30), "2023-04-19"),
}


REFUSED = {
    "not-leap": "2023-02-29",
    "impossible": "2019-02-30",
    "month-13": "2019-13-01",
    "year-999": "0999",
    "month-0": "2023-00",
    "too-many-parts": "2023-4-19-1",
    "empty": "",
    "words": "yesterday",
    "chinese-without-ri": "2023年4月19",
    "float": 1.5,
    "bool": True,
    "none": None,
    "list": [2023],
    "small-number": 999,
}


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_normalize_date_refuses(value):
    with pytest.raises(ValueError):
        normalize_date(value)


def test_a_refusal_names_the_value():
    with pytest.raises(ValueError, match="'2019-02-30' is not a real date"):
        normalize_date("2019-02-30")


PAGE_DATES = {
    "full": ("2023-04-19", True),
    "month": ("2023-04", True),
    "year": ("2023", True),
    "impossible": ("2023-02-30", False),
    "month-13": ("2023-13", False),
    "short-year": ("23-04-19", False),
    "slashes": ("2023/04/19", False),  # the converter writes ISO; a page is read as written
    "unpadded": ("2023-4-19", False),
    "year-999": ("0999", False),
    "full-width": ("２０２３", False),
}


# --------------------------------------------------------------------------- lines that are a date

DATE_ONLY = {
    "chinese": ("2012年6月24日", True),
    "spaced": ("2012 年 6 月 24 日", True),
    "compact": ("20120624", True),
    "iso": ("2012-06-24", True),
    "with-words": ("2012年6月24日讲话", False),
    "year-only": ("2012年", False),
}


CHINESE_DATE_LINES = {
    "digits": ("2023年4月19日", True),
    "bracketed": ("（2023年4月19日）", True),
    "numerals": ("二〇二三年四月十九日", True),
    "year-month": ("2023年4月", True),
    "year": ("2023年", True),
    "title": ("2023年工作回顾", False),
    "iso": ("2023-04-19", False),
}


# --------------------------------------------------------------------------- every table above


def _file_name_date(name: str) -> str | None:
    return date_from_file_name(Path(name))


TABLES = {
    find_date: FIND_DATE_CASES,
    _file_name_date: FILE_NAME_DATES,
    split_stem_date: STEM_DATES,
    find_declared_date: DECLARED_CASES,
    normalize_date: NORMALIZE_CASES,
    is_page_date: PAGE_DATES,
    is_date_only: DATE_ONLY,
    is_chinese_date_line: CHINESE_DATE_LINES,
}
CASES = [
    pytest.param(function, value, expected, id=f"{function.__name__.strip('_')}:{name}")
    for function, table in TABLES.items()
    for name, (value, expected) in table.items()
]


@pytest.mark.parametrize(("function", "value", "expected"), CASES)
def test_every_table(function, value, expected):
    assert function(value) == expected
