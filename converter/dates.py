"""Dates: the one place that reads a date out of text and checks one against the calendar.

Every date the archive publishes passes through here:

- `find_date(text)`: the first real date in running text or a file name (a line under the title, an
  English delivery note, `2023-04-19 讲话.docx`). A four-digit number in running text is often no year,
  so only years 1900–2099 count, and a date the calendar does not have (2023-02-30) is skipped.
- `find_declared_date(text)`: the date in a value a source labels as a date (a `时间：` line, a meta
  tag, a `<time>` element, a byline). It is returned as written, YYYY-MM-DD, without the calendar
  check: `normalize_date` (via `metadata.check_declared_date`) makes it, so an impossible date the
  file gives is reported (`bad-date`) instead of silently skipped.
- `normalize_date(value)`: a value given as a date (sidecar, catalog.csv, a declared date; YAML date
  objects too) as YYYY-MM-DD, YYYY-MM or YYYY, or ValueError saying what is wrong.
- `split_stem_date(stem)`: the date a file name opens or closes with, and the rest of the name: what a
  new speech's slug is made of (`converter/batch.py`, `base_slug`).
- `is_page_date(text)`: whether a page's front matter holds a date in the page contract's form
  (YYYY-MM-DD, YYYY-MM or YYYY, and real): what the site's hooks accept.

Shapes read: 2023-04-19, 2023/4/19, 2023.4.19, 2023_04_19 (file names use it), 2023年4月19日 (spaces
allowed: 2023 年 4 月 19 日), 20230419 (running text and file names only), and day-month-year or
month-day-year with English, French, German or Spanish month names (7 November 2024, Nov. 7th, 2024,
7 de noviembre de 2024).
Dates in Chinese numerals (二〇二三年四月十九日) are recognised as a date line (`is_chinese_date_line`)
but not read as a date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

# Years a date found in running text may have; a value given as a date may have any four-digit year
# from 1000 (the page contract's YYYY).
TEXT_YEARS = range(1900, 2100)
DECLARED_YEARS = range(1000, 10000)

_MONTH_NAMES = (  # English, French, German, Spanish
    ("january jan janvier januar enero"),
    ("february feb février februar febrero"),
    ("march mar mars märz marzo"),
    ("april apr avril abril"),
    ("may mai mayo"),
    ("june jun juin juni junio"),
    ("july jul juillet juli julio"),
    ("august aug août agosto"),
    ("september sep sept septembre septiembre"),
    ("october oct octobre oktober octubre"),
    ("november nov novembre noviembre"),
    ("december dec décembre dezember diciembre"),
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
_MONTH = r"(?P<m>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

# The shapes, for readers that match a whole line around a date (an info line, a date line, a
# （2023年4月19日　北京） line under a title); the date itself is then read with the functions below.
NUMERIC_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
CHINESE_DATE = r"\d{4}年\d{1,2}月\d{1,2}日"
# File names use '_' as a separator too (2021_06_30), so the patterns that read them accept it.
_NUMERIC = re.compile(r"(?<!\d)(?P<y>\d{4})\s*[-/._年]\s*(?P<m>\d{1,2})\s*[-/._月]\s*(?P<d>\d{1,2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?!\d)")
_WORDS = (
    re.compile(
        rf"(?i)\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?(?P<y>\d{{4}})\b"
    ),
    re.compile(rf"(?i)\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b"),
)
# A value given as a date: the whole of it, a year, a month or a day (the last two optional).
_GIVEN = (
    re.compile(r"(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?"),
    re.compile(r"(?P<y>\d{4})\s*年(?:\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?)?"),
)
_PAGE_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
# A line that is only a Chinese date, in digits or numerals, maybe in brackets: （2023年4月19日）, 二〇二三年四月.
_CHINESE_DATE_LINE = re.compile(
    r"[（(]?\s*(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年"
    r"(?:\s*[\d一二三四五六七八九十]{1,2}\s*月(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?)?\s*[）)]?"
)


def find_date(text: str) -> str | None:
    """The first real calendar date in running text or a file name, as YYYY-MM-DD (2023-02-30 is not
    one). Numeric and Chinese dates first, then 20230419, then dates with month names."""
    for year, month, day in _dates_in(text, (_NUMERIC, _COMPACT, *_WORDS)):
        if _is_text_date(year, month, day):
            return _iso(year, month, day)
    return None


def find_declared_date(text: str) -> str | None:
    """The first date in a value the source labels as one ('2023-04-19 09:30', '发布时间：2023年4月19日',
    '7 November 2024'), as YYYY-MM-DD, or None. Not checked against the calendar here: the declared
    date goes through `normalize_date`, which reports an impossible one."""
    return next((_iso(*found) for found in _dates_in(text, (_NUMERIC, *_WORDS))), None)


def date_from_file_name(path: Path) -> str | None:
    """A date in the file name, or just its year ("2023年工业经济…" → "2023")."""
    full = find_date(path.stem)
    if full:
        return full
    m = re.search(r"(?<!\d)((?:19|20)\d{2})(?:年|(?!\d))", path.stem)
    return m.group(1) if m else None


def impossible_date(text: str) -> str | None:
    """The first date written with separators ('2023-02-30', '2023年2月30日') whose day the calendar
    lacks, as written: a file name's mistake to report. Eight digits in a row may be a number, not a date."""
    for m in _NUMERIC.finditer(text):
        if int(m["y"]) in TEXT_YEARS and not _is_real(int(m["y"]), int(m["m"]), int(m["d"])):
            return m.group()
    return None


# A date that opens or closes a file name: '2021年6月30日 讲话', '20210630_讲话', '讲话（2021年6月30日）'.
_OPENING, _CLOSING = r"[(（\[【]?\s*", r"\s*[日号]?\s*[)）\]】]?"
_DATE_FIRST = tuple(re.compile(r"\s*" + _OPENING + p.pattern + _CLOSING) for p in (_NUMERIC, _COMPACT))
_DATE_LAST = tuple(re.compile(_OPENING + p.pattern + _CLOSING + r"\s*$") for p in (_NUMERIC, _COMPACT))


def split_stem_date(stem: str) -> tuple[str, str] | None:
    """(YYYY-MM-DD, the rest of the name) when a file name's stem opens or closes with a real date
    ('2021年6月30日 乡村振兴讲话' → ('2021-06-30', ' 乡村振兴讲话')), else None. A date inside the name
    ('关于2021年6月30日会议') or one the calendar lacks (2019-02-30) does not count. The rest keeps its
    own spaces and punctuation; brackets around the date and a 日 or 号 after it go with the date."""
    for match in (*(p.match(stem) for p in _DATE_FIRST), *(p.search(stem) for p in _DATE_LAST)):
        if match:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            if _is_text_date(year, month, day):
                return _iso(year, month, day), stem[: match.start()] + stem[match.end() :]
    return None


def is_date_only(text: str) -> bool:
    """Whether the text, spaces aside, is one numeric date and nothing else ('2012年6月24日', '20120624')."""
    compact = re.sub(r"\s+", "", text)
    compact = compact[:-1] if compact.endswith("日") else compact
    return any(pattern.fullmatch(compact) for pattern in (_NUMERIC, _COMPACT))


def is_chinese_date_line(text: str) -> bool:
    """A line that is only a Chinese year, month or date, in digits or numerals ('（2023年4月）',
    '二〇二三年四月十九日'): a date under a title or a signature, never a heading."""
    return _CHINESE_DATE_LINE.fullmatch(text) is not None


def normalize_date(value) -> str:
    """A date as YYYY-MM-DD, YYYY-MM or YYYY; accepts 2023/4/19, 2023.4.19, 2023年4月19日, YAML dates.

    Raises ValueError (the text says what is wrong) for anything else, or a date that does not exist
    (2023-02-30).
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and value in DECLARED_YEARS:
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"must be a date like 2023-04-19, not {_described(value)}")
    text = unicodedata.normalize("NFKC", value).strip()
    for pattern in _GIVEN:
        match = pattern.fullmatch(text)
        if match:
            return _checked(match["y"], match["m"], match["d"], value)
    raise ValueError(f"{_shown(value)} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2023-04-19)")


def is_page_date(text: str) -> bool:
    """Whether a front-matter date is in the page contract's form: YYYY-MM-DD, YYYY-MM or YYYY, real."""
    if not _PAGE_DATE.fullmatch(text):
        return False
    try:
        return normalize_date(text) == text
    except ValueError:
        return False


def _dates_in(text: str, patterns) -> Iterator[tuple[int, int, int]]:
    """(year, month, day) of every match of each pattern in turn, in the order they stand."""
    for pattern in patterns:
        for m in pattern.finditer(text):
            month = m["m"]
            yield int(m["y"]), int(month) if month.isdigit() else MONTHS[month.lower()], int(m["d"])


def _is_real(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _is_text_date(year: int, month: int, day: int) -> bool:
    """A date in running text or a file name: a real one, in the years such text means (1900–2099)."""
    return year in TEXT_YEARS and _is_real(year, month, day)


def _iso(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def _checked(year: str, month: str | None, day: str | None, original: str) -> str:
    bad = ValueError(f"{_shown(original)} is not a real date; write YYYY-MM-DD, YYYY-MM or YYYY")
    y = int(year)
    if y not in DECLARED_YEARS:
        raise bad
    if month is None:
        return f"{y:04d}"
    if not 1 <= int(month) <= 12:
        raise bad
    if day is None:
        return f"{y:04d}-{int(month):02d}"
    if not _is_real(y, int(month), int(day)):
        raise bad
    return _iso(y, int(month), int(day))


def _shown(text: str, limit: int = 60) -> str:
    """A value for a message: short and on one line."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _described(value) -> str:
    kinds = {bool: "true/false", int: "number", float: "number", list: "a list", dict: "a mapping"}
    kind = kinds.get(type(value), type(value).__name__)
    return f"{kind} {value!r}" if isinstance(value, (bool, int, float)) else kind
