"""The whole hostile corpus through the real CLI: every source is in the report with the expected outcome,
a failure never stops the others, pages stay text, and nothing is written outside DOCS."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from helpers import run_converter

from hostile import hostile_corpus as corpus
from hostile.pages import (
    RUNNABLE_SUFFIXES,
    entries_by_source,
    load_report,
    read_page,
    render,
    snapshot,
    unsafe_parts,
    visible_text,
)

CONVERTED = "converted"
SPEECH_LINE = "规模以上工业增加值增长百分之八"

# rel path -> (maker, expected status, expected error code)
FAILING = {
    "docx/truncated.docx": (corpus.truncated_docx, "corrupt-docx"),
    "docx/corrupt.docx": (corpus.corrupt_docx, "corrupt-docx"),
    "docx/garbage.docx": (corpus.garbage, "not-docx"),
    "docx/bomb.docx": (lambda p: corpus.zip_bomb_docx(p, megabytes=2048), "zip-bomb"),
    "docx/lying-bomb.docx": (lambda p: corpus.zip_bomb_docx(p, megabytes=1024, lie=True), "corrupt-docx"),
    "docx/spread-bomb.docx": (corpus.spread_bomb_docx, "zip-bomb"),
    "docx/many-parts.docx": (corpus.many_entries_docx, "zip-bomb"),
    "docx/encrypted.docx": (corpus.encrypted_docx, "encrypted"),
    "docx/old-word.docx": (corpus.doc_as_docx, "doc-not-docx"),
    "docx/pdf.docx": (corpus.pdf_as_docx, "pdf-not-docx"),
    "docx/odt.docx": (corpus.odt_as_docx, "odt-not-docx"),
    "docx/rtf.docx": (corpus.rtf_as_docx, "rtf-not-docx"),
    "docx/web-page.docx": (corpus.html_as_docx, "html-not-docx"),
    "docx/empty.docx": (lambda p: p.write_bytes(b"") and p, "empty"),
    "text/empty.txt": (lambda p: p.write_bytes(b"") and p, "empty"),
    "text/whitespace.txt": (lambda p: p.write_text(" \n\t\u3000\r\n", encoding="utf-8") and p, "empty"),
    "text/garbage.txt": (corpus.garbage, "not-text"),
    "text/pdf.txt": (corpus.pdf_as_docx, "not-text"),
    "text/huge.txt": (lambda p: corpus.sparse_file(p, 65 * 2**20), "too-large"),
    "html/empty.html": (lambda p: p.write_bytes(b"") and p, "empty"),
    "other/speech.xls": (corpus.xls_as_docx, "unsupported-format"),
    "other/speech.pdf": (corpus.pdf_as_docx, "corrupt-pdf"),
    "office/encrypted.doc": (lambda p: corpus.doc_as_docx(p, encrypted=True), "encrypted"),
    "office/encrypted-package.doc": (corpus.encrypted_docx, "encrypted"),
    "office/excel.doc": (corpus.xls_as_docx, "not-a-word-file"),
    "office/garbage.wps": (corpus.garbage, "not-a-word-file"),
    "office/pdf.rtf": (corpus.pdf_as_docx, "not-a-word-file"),
}

TWIN = "关于同名讲话的讲话\n2023年4月19日\n同志们：今天的会议很重要。{}\n"


def _text(content: str, encoding: str = "utf-8"):
    return lambda p: p.write_bytes(content.encode(encoding)) and p


CONVERTING = {
    "docx/ok.docx": corpus.docx,
    "docx/hostile.docx": corpus.hostile_docx,
    "encodings/utf8/speech.txt": _text(corpus.CHINESE_SPEECH),
    "encodings/gb18030/speech.txt": corpus.gb18030_text,
    "encodings/utf16le/speech.txt": corpus.utf16_text,
    "encodings/utf16be/speech.txt": lambda p: corpus.utf16_text(p, big_endian=True),
    "encodings/mixed-endings/speech.txt": corpus.mixed_line_endings,
    "text/markup.txt": _text(corpus.MARKUP_LOOKALIKE_TEXT),
    "html/hostile.html": _text(corpus.HOSTILE_HTML),
    "names/with space.txt": _text(corpus.CHINESE_SPEECH),
    "names/new\nline.txt": _text(corpus.CHINESE_SPEECH),
    "names/emoji 🎤 讲话.txt": _text(corpus.CHINESE_SPEECH),
    "names/rtl \u200f\u202etxt.exe.txt": _text(corpus.CHINESE_SPEECH),
    "names/-leading dash.txt": _text(corpus.CHINESE_SPEECH),
    "names/UPPER.TXT": _text(corpus.CHINESE_SPEECH),
    "names/a b.txt": _text(corpus.CHINESE_SPEECH),
    "names/a-b.txt": _text(corpus.CHINESE_SPEECH),
    "twins/one.txt": _text(TWIN.format("第一篇。")),
    "twins/two.txt": _text(TWIN.format("第二篇。")),
    "overrides/unsafe.txt": _text(corpus.CHINESE_SPEECH),
    "overrides/typed.txt": _text(corpus.CHINESE_SPEECH),
    "overrides/catalogued.txt": _text(corpus.CHINESE_SPEECH),
    "overrides/slug-clash.txt": _text(corpus.CHINESE_SPEECH),
}

SIDECARS = {
    "overrides/unsafe.yml": "title: !!python/object/apply:os.system ['touch {pwned}']\n",
    "overrides/typed.yml": "title: [not, text]\ndate: 2023-02-30\ncolour: red\nspeaker: 张三\n",
    "overrides/slug-clash.yml": "slug: catalogued-slug\n",
}

CATALOG = (
    "\ufefffile,title,date,tags,slug,colour\n"
    "overrides/catalogued.txt,目录里的标题,2023年4月19日,工业；经济,catalogued-slug,blue\n"
    "../../etc/passwd,evil,,,,\n"
    "/etc/passwd,evil,,,,\n"
    "overrides/missing.txt,nobody,,,,\n"
    "overrides/catalogued.txt,second row,,,,\n"
    "overrides/typed.txt,,19/04/2023,,Bad Slug,\n"
)

CATALOG_CODES = {
    "catalog-bad-path",
    "catalog-missing-file",
    "catalog-duplicate-row",
    "override-unknown-field",
}


def write_corpus(sources: Path, pwned: Path) -> None:
    for rel, (make, _) in FAILING.items():
        (sources / rel).parent.mkdir(parents=True, exist_ok=True)
        make(sources / rel)
    for rel, make in CONVERTING.items():
        (sources / rel).parent.mkdir(parents=True, exist_ok=True)
        make(sources / rel)
    for rel, text in SIDECARS.items():
        (sources / rel).write_text(text.format(pwned=pwned), encoding="utf-8")
    (sources / "catalog.csv").write_text(CATALOG, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """One conversion of the whole corpus: (workdir, sources, docs, report, process, files outside DOCS before)."""
    work = tmp_path_factory.mktemp("hostile")
    sources, docs, report_path = work / "sources", work / "out" / "docs", work / "out" / "report.json"
    sources.mkdir()
    pwned = work / "PWNED"
    write_corpus(sources, pwned)
    before = snapshot(work)
    started = time.monotonic()
    done = run_converter(sources, docs, "--report", str(report_path), "--jobs", "2")
    elapsed = time.monotonic() - started
    return {"work": work, "sources": sources, "docs": docs, "report_path": report_path, "done": done,
            "before": before, "pwned": pwned, "elapsed": elapsed}  # fmt: skip


@pytest.fixture(scope="module")
def report(hostile_run):
    path = hostile_run["report_path"]
    assert path.exists(), hostile_run["done"].stdout + hostile_run["done"].stderr
    return load_report(path)


def test_exit_status_is_1_and_the_run_finished(hostile_run):
    done = hostile_run["done"]
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert hostile_run["elapsed"] < 120


def test_every_source_is_in_the_report(report):
    expected = set(FAILING) | set(CONVERTING)
    assert set(entries_by_source(report)) == expected
    assert len(report["documents"]) == len(expected)


@pytest.mark.parametrize("rel", sorted(FAILING))
def test_failing_source(report, hostile_run, rel):
    entry = entries_by_source(report)[rel]
    code = FAILING[rel][1]
    assert entry["status"] == "failed", entry
    assert entry["output"] is None
    errors = [m for m in entry["messages"] if m["level"] == "error"]
    assert [m["code"] for m in errors] == [code], entry["messages"]
    text = errors[0]["text"]
    assert len(text) > 40 and re.search(r"save|open|copy|replace|remove|split|rename|check", text, re.I), text
    assert code in hostile_run["done"].stderr, "errors are printed too"


@pytest.mark.parametrize("rel", sorted(CONVERTING))
def test_converting_source(report, hostile_run, rel):
    entry = entries_by_source(report)[rel]
    assert entry["status"] == CONVERTED, entry
    assert re.fullmatch(r"speeches/[a-z0-9][a-z0-9-]*\.md", entry["output"]), entry["output"]
    meta, body = read_page(hostile_run["docs"], entry["output"])
    assert meta["source_file"] == rel
    assert meta["title"] and isinstance(meta["title"], str)
    rendered = render(body)
    assert unsafe_parts(rendered) == []


def test_failures_do_not_stop_the_others(report, hostile_run):
    statuses = [e["status"] for e in report["documents"]]
    assert statuses.count("failed") == len(FAILING)
    assert statuses.count(CONVERTED) == len(CONVERTING)
    pages = list((hostile_run["docs"] / "speeches").glob("*.md"))
    assert len(pages) == len(CONVERTING)


def test_encodings_and_line_endings_keep_the_text(report, hostile_run):
    """The same speech as UTF-8, GB18030, UTF-16LE/BE without a BOM, and with mixed line endings gives the
    same page (apart from the fields naming the source file)."""

    def page(variant: str) -> tuple[dict, str]:
        meta, body = read_page(
            hostile_run["docs"], entries_by_source(report)[f"encodings/{variant}/speech.txt"]["output"]
        )
        for key in ("source_file", "original", "slug"):
            meta.pop(key, None)
        return meta, body

    reference = page("utf8")
    assert SPEECH_LINE in visible_text(render(reference[1]))
    for variant in ("gb18030", "utf16le", "utf16be", "mixed-endings"):
        meta, body = page(variant)
        assert "\r" not in body
        assert (meta, body) == reference, variant


def test_markup_lookalikes_stay_text(report, hostile_run):
    meta, body = read_page(hostile_run["docs"], entries_by_source(report)["text/markup.txt"]["output"])
    assert "injected" not in str(meta.get("title")) and meta.get("date") != "1999-01-01"
    rendered = render(body)
    text = visible_text(rendered)
    missing = [literal for literal in corpus.MARKUP_LOOKALIKE_LITERALS if literal not in text]
    assert missing == [], rendered[:3000]
    assert "49" not in text, "Jinja must not be evaluated"
    assert unsafe_parts(rendered) == []
    assert not re.search(r"<h[2-6]", rendered.split("同志们")[0]), "a '# ' line became a heading"


def test_hostile_html_is_inert(report, hostile_run):
    meta, body = read_page(hostile_run["docs"], entries_by_source(report)["html/hostile.html"]["output"])
    rendered = render(body)
    assert unsafe_parts(rendered) == []
    lowered = rendered.lower()
    for needle in ("<script", "javascript:", "vbscript:", "data:text", "onerror", "onload", "onclick",
                   "<iframe", "<svg", "<style", "<base", "<meta", "<img"):  # fmt: skip
        assert needle not in lowered, needle
    text = visible_text(rendered)
    assert "先进制造业" in text and "同志们" in text
    assert "<script>alert('escaped text')</script>" in text, "text that shows a tag stays visible text"
    assert "{{ config }}" in text and "<!-- 注释 -->" in text
    assert meta["title"] == "关于推进工业经济发展的讲话"
    assert "source_url" not in meta or meta["source_url"].startswith(("http://", "https://"))


def test_hostile_docx_is_inert(report, hostile_run):
    meta, body = read_page(hostile_run["docs"], entries_by_source(report)["docx/hostile.docx"]["output"])
    rendered = render(body)
    assert unsafe_parts(rendered) == []
    text = visible_text(rendered)
    assert "<script>alert('docx')</script>" in text and "{{ config }}" in text
    assert "脚本链接" in text and "数据链接" in text, "the link text stays even when the link goes"


def test_nothing_runnable_is_published(report, hostile_run):
    """HTML originals are published as .html.txt, and no SVG (which runs its scripts when opened) or other
    file a browser would run on the archive's domain is written into DOCS."""
    docs = hostile_run["docs"]
    runnable = [p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()
                and p.suffix.lower() in RUNNABLE_SUFFIXES]  # fmt: skip
    assert runnable == []
    originals = sorted(p.name for p in (docs / "originals").iterdir())
    assert any(name.endswith(".html.txt") for name in originals)


def test_file_names_give_ascii_slugs_and_distinct_pages(report):
    entries = entries_by_source(report)
    outputs = [entries[rel]["output"] for rel in CONVERTING]
    assert len(set(outputs)) == len(outputs), "two sources share a page"


def test_same_title_and_date_both_survive(report, hostile_run):
    entries = entries_by_source(report)
    pages = [
        read_page(hostile_run["docs"], entries[rel]["output"]) for rel in ("twins/one.txt", "twins/two.txt")
    ]
    assert pages[0][0]["title"] == pages[1][0]["title"] == "关于同名讲话的讲话"
    assert pages[0][0]["slug"] != pages[1][0]["slug"]
    assert "第一篇" in pages[0][1] and "第二篇" in pages[1][1]


def test_unsafe_sidecar_is_reported_not_run(report, hostile_run):
    entry = entries_by_source(report)["overrides/unsafe.txt"]
    assert "override-unsafe-yaml" in [m["code"] for m in entry["messages"]]
    assert not hostile_run["pwned"].exists()
    meta, _ = read_page(hostile_run["docs"], entry["output"])
    assert "python" not in str(meta["title"])


def test_badly_typed_overrides_are_reported_and_the_good_field_applies(report, hostile_run):
    entry = entries_by_source(report)["overrides/typed.txt"]
    codes = [m["code"] for m in entry["messages"]]
    assert codes.count("override-bad-value") >= 3 and "override-unknown-field" in codes, codes
    texts = " ".join(m["text"] for m in entry["messages"])
    for name in ("title", "date", "colour", "slug", "typed.yml", "catalog.csv"):
        assert name in texts, name
    meta, _ = read_page(hostile_run["docs"], entry["output"])
    assert meta["speaker"] == "张三"
    assert meta["title"] != ["not", "text"]


def test_catalog_problems_are_reported_and_good_rows_apply(report, hostile_run):
    codes = {m["code"] for m in report.get("messages", [])}
    assert codes >= CATALOG_CODES, report.get("messages")
    texts = " ".join(m["text"] for m in report["messages"])
    assert "etc/passwd" in texts and "missing.txt" in texts
    entry = entries_by_source(report)["overrides/catalogued.txt"]
    meta, _ = read_page(hostile_run["docs"], entry["output"])
    assert meta["title"] == "目录里的标题"
    assert meta["date"] == "2023-04-19"
    assert meta["tags"] == ["工业", "经济"]
    assert entry["output"] == "speeches/catalogued-slug.md"
    clash = entries_by_source(report)["overrides/slug-clash.txt"]
    assert clash["output"] != entry["output"]


def test_nothing_is_written_outside_docs(hostile_run):
    work, docs = hostile_run["work"], hostile_run["docs"]
    after = snapshot(work, skip=(docs, hostile_run["report_path"]))
    assert after == hostile_run["before"]
    top = {p.name for p in docs.iterdir()}
    assert top <= {"speeches", "originals", "media", ".speech-archive.json", "published-urls.json"}, top
    leftovers = [p for p in docs.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_second_run_changes_nothing_and_fails_the_same(hostile_run, report):
    docs = hostile_run["docs"]
    before = snapshot(docs, skip=(docs / ".speech-archive.json",))
    second_report = hostile_run["work"] / "second.json"
    done = run_converter(hostile_run["sources"], docs, "--report", str(second_report))
    assert done.returncode == 1, done.stderr
    second = entries_by_source(load_report(second_report))
    first = entries_by_source(report)
    for rel, entry in first.items():
        expected = "unchanged" if entry["status"] == CONVERTED else "failed"
        assert second[rel]["status"] == expected, (rel, second[rel])
    assert snapshot(docs, skip=(docs / ".speech-archive.json",)) == before


@pytest.mark.slow
def test_a_20_mb_text_converts(tmp_path):
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    corpus.big_text(sources / "big.txt", megabytes=20)
    (sources / "small.txt").write_text(corpus.CHINESE_SPEECH, encoding="utf-8")
    started = time.monotonic()
    done = run_converter(sources, docs, "--report", str(tmp_path / "r.json"))
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    entries = entries_by_source(load_report(tmp_path / "r.json"))
    assert entries["big.txt"]["status"] == CONVERTED
    page = (docs / entries["big.txt"]["output"]).read_text(encoding="utf-8")
    assert len(page.encode("utf-8")) > 19 * 2**20
    assert elapsed < 300, f"{elapsed:.0f} s"


PATHOLOGICAL = {
    "nested-300.html": "<html><body><article><h1>深层嵌套</h1>" + "<div>" * 300 + "<p>同志们：嵌套正文。</p>"
    + "</div>" * 300 + "</article></body></html>",
    "nested-inline.html": "<html><body><article><h1>嵌套</h1><p>" + "<b><i>" * 5000 + "同志们：嵌套正文。"
    + "</i></b>" * 5000 + "</p></article></body></html>",
    "many-headings.txt": "讲话\n" + "一、\n" * 20_000,
    "wide-table.html": "<html><body><article><h1>大表格</h1><table>"
    + ("<tr>" + "<td>格</td>" * 500 + "</tr>") * 100 + "</table><p>同志们：嵌套正文。</p></article></body></html>",
}  # fmt: skip


def test_pathological_structure_keeps_its_text_or_says_why(tmp_path):
    """Deep nesting, thousands of heading-like lines, a huge table: each source converts in bounded time with
    its text, or its entry carries a message: nothing is dropped without a word."""
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    for name, text in PATHOLOGICAL.items():
        (sources / name).write_text(text, encoding="utf-8")
    started = time.monotonic()
    done = run_converter(sources, docs, "--report", str(tmp_path / "r.json"))
    assert time.monotonic() - started < 120
    assert "Traceback" not in done.stderr, done.stderr
    entries = entries_by_source(load_report(tmp_path / "r.json"))
    assert set(entries) == set(PATHOLOGICAL)
    silent_loss = []
    for name, entry in entries.items():
        if entry["status"] == "failed" or entry["messages"]:
            continue
        _, body = read_page(docs, entry["output"])
        if "同志们" in PATHOLOGICAL[name] and "同志们" not in visible_text(render(body)):
            silent_loss.append(name)
    assert silent_loss == [], "text dropped with no message"
