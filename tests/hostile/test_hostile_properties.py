"""Property-based guarantees, through the real CLI: any text survives, conversion is deterministic, and
front matter parses back to the metadata that was set.

Each example converts a small folder in one CLI run, so the example counts are modest; raise them with
HYPOTHESIS_PROFILE=thorough.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path

import yaml
from helpers import run_converter
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from hostile import hostile_corpus as corpus
from hostile.pages import entries_by_source, load_report, read_page, render, unsafe_parts, visible_text

# Shrinking re-runs the CLI hundreds of times (minutes); the default profile reports the failing example
# as found, the thorough one shrinks it.
settings.register_profile(
    "default-cli",
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
settings.register_profile(
    "thorough", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default-cli")

# Surrogates cannot be written as UTF-8; control characters other than newline, the Unicode line and
# paragraph separators, and private-use and unassigned code points are not text a speech holds (the text
# reader rightly takes a file full of them for binary data).
TEXT_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp", "Co", "Cn"))
LINES = st.text(TEXT_CHARACTERS, min_size=0, max_size=80)
# Narrow alphabets find what random code points miss: European text, Chinese text, markup characters.
NARROW = st.sampled_from(
    [
        "abcdefghij ÀÉÜßàéèêëïîôöùüçñœ’«»—…,.;:!?()-'\"",
        "讲话同志们工作发展经济会议一二三、，。；：？！（）“”《》〝〞 ,;:?!()\u3000",
        "#*_`[]()<>{}|~^=+-!&%$:/.\\ 1.a",
    ]
).flatmap(lambda alphabet: st.text(alphabet, min_size=1, max_size=80))
LINES = st.one_of(LINES, NARROW)
TEXTS = st.lists(LINES, min_size=1, max_size=8).map("\n".join).filter(lambda t: t.strip())

# The typography stage's recorded repairs: ASCII , ; : ? ! ( ) between Chinese characters become full
# width, and 〞〝 become ” “. Folding both sides the same way makes the comparison blind to exactly these.
TYPOGRAPHY_FOLD = str.maketrans({"，": ",", "；": ";", "：": ":", "？": "?", "！": "!", "（": "(", "）": ")",
                                 "〞": "”", "〝": "“"})  # fmt: skip


def _fold(text: str) -> str:
    return "".join(ch for ch in text.translate(TYPOGRAPHY_FOLD) if not ch.isspace())


def _is_subsequence(needle: str, haystack: str) -> tuple[bool, int]:
    """Whether `needle`'s characters appear in `haystack` in order; also how many matched."""
    it = iter(haystack)
    for count, ch in enumerate(needle):
        if not any(ch == other for other in it):
            return False, count
    return True, len(needle)


def _convert(texts: list[str], files: dict[str, bytes] | None = None, *args: str) -> tuple[Path, Path, dict]:
    work = Path(tempfile.mkdtemp(prefix="hostile-prop-"))
    sources, docs = work / "sources", work / "docs"
    sources.mkdir()
    for i, text in enumerate(texts):
        (sources / f"t{i}.txt").write_text(text, encoding="utf-8")
    for name, data in (files or {}).items():
        (sources / name).write_bytes(data)
    done = run_converter(sources, docs, "--report", str(work / "report.json"), *args)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return work, docs, entries_by_source(load_report(work / "report.json"))


@settings(settings.get_profile(PROFILE))
@given(st.lists(TEXTS, min_size=1, max_size=6))
@example(["Ünïcödé façade", "Привет, мир", "naïve café"])
@example(["讲话\n#标题\n1. 列表\n&amp; &lt;b&gt; <!-- x --> {{ y }}"])
def test_any_text_survives(texts):
    work, docs, entries = _convert(texts)
    for i, text in enumerate(texts):
        entry = entries[f"t{i}.txt"]
        assert entry["status"] == "converted", entry
        meta, body = read_page(docs, entry["output"])
        rendered = render(body)
        assert unsafe_parts(rendered) == []
        shown = _fold(visible_text(rendered))
        wanted = _fold(text)
        ok, matched = _is_subsequence(wanted, shown)
        if not ok:
            ok, matched = _is_subsequence(
                unicodedata.normalize("NFC", wanted), unicodedata.normalize("NFC", shown)
            )
        assert ok, (
            f"character {matched} ({wanted[matched]!r}, U+{ord(wanted[matched]):04X}) of the source is missing "
            f"from the page.\nsource: {text!r}\npage body: {body!r}"
        )


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".speech-archive.json"
    }


FIXED_FILES = {
    "word.docx": corpus.docx_bytes(["同志们：", "一、总体要求", "今天召开这次会议。"]),
    "page.html": corpus.HOSTILE_HTML.encode("utf-8"),
    "gb.txt": corpus.CHINESE_SPEECH.encode("gb18030"),
}


@settings(settings.get_profile(PROFILE))
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_conversion_is_deterministic(texts):
    _, first, _ = _convert(texts, FIXED_FILES, "--jobs", "1")
    _, second, _ = _convert(texts, FIXED_FILES, "--jobs", "2")
    assert _tree_bytes(first) == _tree_bytes(second)


# Metadata values: any printable text (control characters are refused by the override validation).
VALUES = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(
    lambda v: v.strip()
)
METADATA = st.fixed_dictionaries(
    {"title": VALUES},
    optional={
        "speaker": VALUES,
        "event": VALUES,
        "location": VALUES,
        "source_name": VALUES,
        "summary": VALUES,
        "tags": st.lists(VALUES.filter(lambda v: not set(v) & set(";；")), max_size=4),
        "date": st.dates(min_value=__import__("datetime").date(1000, 1, 1)),
        "language": st.sampled_from(["zh", "en", "fr", "zh-Hant"]),
        "source_url": st.sampled_from(["https://example.org/a?b=1&c=%3C2%3E#x", "http://例子.中国/讲话"]),
    },
)


def _expected(meta: dict) -> dict:
    expected = {}
    for key, value in meta.items():
        if key == "tags":
            tags = []
            for tag in (" ".join(v.split()) for v in value):
                if tag and tag not in tags:
                    tags.append(tag)
            expected[key] = tags
        elif key == "date":
            expected[key] = value.isoformat()
        else:
            expected[key] = " ".join(value.split())
    return expected


@settings(settings.get_profile(PROFILE))
@given(st.lists(METADATA, min_size=1, max_size=5))
def test_front_matter_parses_back_to_the_metadata_set(metas):
    files = {}
    for i, meta in enumerate(metas):
        files[f"m{i}.yml"] = yaml.safe_dump(meta, allow_unicode=True).encode("utf-8")
        files[f"m{i}.txt"] = "同志们：今天召开这次会议。\n".encode()
    work, docs, entries = _convert([], files)
    for i, meta in enumerate(metas):
        entry = entries[f"m{i}.txt"]
        assert entry["status"] == "converted", entry
        assert [m for m in entry["messages"] if m["code"].startswith("override-")] == []
        front, _ = read_page(docs, entry["output"])  # yaml.safe_load
        got = {key: front.get(key) for key in meta}
        assert got == _expected(meta)
