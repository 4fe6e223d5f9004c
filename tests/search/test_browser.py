"""The search in a real browser, on a small site built with the project's configuration."""

from __future__ import annotations

import contextlib
import json
import random
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from converter.search.builder import (
    IndexOptions,
    SearchDoc,
    SearchSection,
    build_index,
    document_meta,
)
from converter.search.http_range import RangeRequestHandler, RunningServer
from converter.search.postings import read_varint

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def results_for(page, base: str, query: str, **params) -> list[str]:
    """Open the search page for `query`; return the result titles (the page's status is in .sa-page__status)."""
    extra = "".join(f"&{k}={quote(v)}" for k, v in params.items())
    page.goto(f"{base}search/?q={quote(query)}{extra}")
    page.wait_for_selector("#sa-search-page[data-ms]")
    return page.locator(".sa-result .sa-result__title").all_inner_texts()


def test_two_characters_find_every_speech_that_contains_them(page, search_url):
    titles = results_for(page, search_url, "富硒")
    assert sorted(titles) == ["在全县农业农村工作会议上的讲话", "在全县工业经济发展推进会上的讲话"]
    # 富民 is not 富硒: the snippet highlights exactly the phrase
    marks = page.locator(".sa-result__snippet mark").all_inner_texts()
    assert marks and set(marks) == {"富硒"}
    assert "找到 2 篇" in page.inner_text(".sa-page__status")


def test_a_phrase_across_word_boundaries_and_its_section(page, search_url):
    titles = results_for(page, search_url, "包抓重点")
    assert titles == ["在全县工业经济发展推进会上的讲话"]
    assert "二、落实领导包抓责任" in page.inner_text(".sa-result__section")
    assert results_for(page, search_url, "强县是我") == ["在全县工业经济发展推进会上的讲话"]
    # a title or heading match ranks first: 工业强县 is in both headings; the newer speech comes first
    assert results_for(page, search_url, "工业强县") == [
        "在全县工业经济发展推进会上的讲话",
        "工业经济运行调度会讲话",
    ]


def test_several_terms_must_all_occur(page, search_url):
    assert sorted(results_for(page, search_url, "富硒 经济发展")) == [
        "在全县农业农村工作会议上的讲话", "在全县工业经济发展推进会上的讲话"]  # fmt: skip
    assert results_for(page, search_url, "富硒 调度") == []


def test_english_words_and_quoted_phrases(page, search_url):
    assert results_for(page, search_url, "GROWTH") == ["Remarks at the Trade Fair Opening"]
    assert results_for(page, search_url, '"economic growth"') == ["Remarks at the Trade Fair Opening"]
    assert results_for(page, search_url, '"growth economic"') == []
    assert results_for(page, search_url, "2024") == ["Remarks at the Trade Fair Opening"]


def test_an_apostrophe_inside_a_word_keeps_it_one_phrase(page, search_url):
    """county's is one phrase, typed with ' where the text has Word's ’; fair's is not in the text,
    though fair and an s (of county’s) are."""
    assert results_for(page, search_url, "county's") == ["Remarks at the Trade Fair Opening"]
    assert results_for(page, search_url, "County’s") == ["Remarks at the Trade Fair Opening"]
    assert results_for(page, search_url, "fair's") == []
    assert page.inner_text(".sa-page__status") == "没有找到包含“fair's”的讲话"


def test_the_status_names_each_phrase_the_results_contain(page, search_url):
    """Words a space separates must each occur, not together: the status says so, as written."""
    assert results_for(page, search_url, "Growth partnership") == ["Remarks at the Trade Fair Opening"]
    assert page.inner_text(".sa-page__status") == "找到 1 篇讲话同时包含“Growth”和“partnership”"
    assert page.title().startswith("“Growth partnership” - 搜索")  # the tab and history tell searches apart
    results_for(page, search_url, '"economic growth"')
    assert page.inner_text(".sa-page__status") == "找到 1 篇讲话包含“economic growth”"
    results_for(page, search_url, "富硒 调度 农业")
    assert page.inner_text(".sa-page__status") == "没有找到同时包含“富硒”、“调度”和“农业”的讲话"


def snippets_for(page, base: str, query: str) -> dict[str, str]:
    results_for(page, base, query)
    return dict(zip(page.locator(".sa-result .sa-result__title").all_inner_texts(),
                    page.locator(".sa-result .sa-result__snippet").all_inner_texts(), strict=True))  # fmt: skip


def test_a_snippet_shows_the_text_rather_than_the_title_again(page, search_url):
    """工业经济 is in the title and in the first sentence: the snippet shows the sentence."""
    snippet = snippets_for(page, search_url, "工业经济")["在全县工业经济发展推进会上的讲话"]
    assert "今天召开全县工业经济发展推进会" in snippet and "推进会上的讲话" not in snippet, snippet


@pytest.mark.parametrize("query", ["partners", "markets", "benefits", "partnership"])
def test_an_english_snippet_cuts_no_word_in_two(page, search_url, search_site, query):
    snippet = snippets_for(page, search_url, query)["Remarks at the Trade Fair Opening"]
    words = set(
        re.findall(r"\w+", (search_site / "speeches" / "opening-2024-en" / "index.html").read_text("utf-8"))
    )
    shown = re.findall(r"\w+", snippet)
    assert shown[0] in words and shown[-1] in words, snippet


def test_no_result(page, search_url):
    assert results_for(page, search_url, "中央军区") == []
    assert "没有找到" in page.inner_text(".sa-page__status")
    assert page.foreign_requests == [] and page.console_errors == []


def test_an_index_of_another_format_gives_a_clear_message(page, serve, search_site, tmp_path):
    """A page cached from one build meeting the index of another must say so, not search forever."""
    site = tmp_path / "site"
    shutil.copytree(search_site, site)
    manifest = json.loads((site / "search-index" / "index.json").read_text())
    manifest["format"] = 2
    (site / "search-index" / "index.json").write_text(json.dumps(manifest))
    page.goto(f"{serve(site)}search/?q={quote('富硒')}")
    page.wait_for_selector("#sa-search-page[data-error]")
    assert "重新构建" in page.inner_text(".sa-page__status")
    assert page.locator(".sa-result").count() == 0


def test_a_damaged_block_gives_a_clear_message_not_an_endless_search(page, serve, search_site, tmp_path):
    """A block that is not DEFLATE (a file damaged in an upload) must end the search with the page's
    message: the inflating stream's error has to reach the search, not be lost between its parts."""
    site = tmp_path / "site"
    shutil.copytree(search_site, site)
    for path in (site / "search-index" / "d").iterdir():
        data = bytearray(path.read_bytes())
        size, at, shift = 0, 0, 0
        while True:  # the header's size, a varint (FORMAT.md)
            size |= (data[at] & 0x7F) << shift
            at, shift = at + 1, shift + 7
            if data[at - 1] < 0x80:
                break
        data[at + size] = 0xFF  # BTYPE 11, which DEFLATE reserves: the first block cannot be inflated
        path.write_bytes(bytes(data))
    page.goto(f"{serve(site)}search/?q={quote('富硒')}")
    page.wait_for_selector("#sa-search-page[data-error]")
    assert "搜索索引无法读取" in page.inner_text(".sa-page__status")


def test_a_browser_that_cannot_inflate_the_index_is_told_so(page, search_url):
    page.add_init_script("delete window.DecompressionStream")
    page.goto(f"{search_url}search/?q={quote('富硒')}")
    page.wait_for_selector("#sa-search-page[data-error]")
    assert "浏览器版本过旧" in page.inner_text(".sa-page__status")


def test_filters_and_sort(page, search_url):
    assert results_for(page, search_url, "经济发展", speaker="张三") == [
        "在全县工业经济发展推进会上的讲话", "工业经济运行调度会讲话"]  # fmt: skip
    assert results_for(page, search_url, "经济发展", year="2021") == ["在全县农业农村工作会议上的讲话"]
    assert results_for(page, search_url, "经济发展", event="2022年工业经济运行调度会") == [
        "工业经济运行调度会讲话"
    ]
    assert results_for(page, search_url, "经济发展", sort="date") == [
        "在全县工业经济发展推进会上的讲话", "工业经济运行调度会讲话", "在全县农业农村工作会议上的讲话"]  # fmt: skip
    # the filter controls are filled from the index when first used, and change the results
    page.focus("#sa-page-speaker")
    page.wait_for_selector("#sa-page-speaker option[value='李四']", state="attached")
    page.select_option("#sa-page-speaker", "李四")
    page.wait_for_function("document.querySelectorAll('.sa-result').length === 1")
    assert "speaker=" in page.url


def test_opening_a_result_scrolls_to_the_section_and_highlights_the_phrase(page, search_url):
    results_for(page, search_url, "中央军委")
    page.click(".sa-result a")
    page.wait_for_selector("mark.sa-hit--current")
    assert "#" in page.url
    mark = page.locator("mark.sa-hit--current")
    assert mark.inner_text() == "中央军委"
    box = mark.bounding_box()
    assert box and 0 <= box["y"] <= page.viewport_size["height"]
    assert page.foreign_requests == [] and page.console_errors == []


def test_a_malformed_fragment_does_not_stop_the_highlight(page, search_url):
    results_for(page, search_url, "中央军委")
    target = page.locator(".sa-result a").first.get_attribute("href").split("#")[0]
    page.goto(f"{search_url}search/{target}#%E0" if not target.startswith(("/", "http")) else target + "#%E0")
    page.wait_for_selector("mark.sa-hit--current")
    assert page.locator("mark.sa-hit--current").inner_text() == "中央军委"
    assert page.console_errors == []


def test_the_header_box_works_with_the_keyboard(page, search_url):
    page.goto(search_url)
    page.keyboard.press("/")
    box = page.locator("#sa-search-input")
    assert box.evaluate("el => el === document.activeElement")
    page.keyboard.type("领导包抓")
    page.wait_for_selector("#sa-search-list [role=option]")
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "sa-option-0"
    assert page.get_attribute("#sa-option-0", "aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_selector("mark.sa-hit--current")
    assert "/speeches/industry-2023/" in page.url
    # Escape closes the list; Enter without a chosen result opens the results page
    box.fill("富硒")
    page.wait_for_selector("#sa-search-list [role=option]")
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.fill("富硒")
    page.wait_for_selector("#sa-search-list [role=option]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#sa-search-page[data-ms]")
    assert len(page.locator(".sa-result").all()) == 2
    assert page.foreign_requests == [] and page.console_errors == []


def open_index_page(page, serve, folder: Path, docs: list[SearchDoc], options: IndexOptions | None) -> None:
    """Build the index of `docs` in `folder`, beside a bare page that loads the client, and open it."""
    build_index(docs, folder / "search-index", options)
    shutil.copytree(ROOT / "overrides" / "assets", folder / "assets")
    (folder / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><script src="assets/javascripts/archive-search.js"></script>',
        "utf-8",
    )
    page.goto(serve(folder))


def test_blocks_rule_out_candidates_without_reading_them(page, serve, tmp_path):
    """Every speech has the bigrams 发展 and 展经, 发展 at its beginning and 展经 some 5,000 characters
    later (blocks apart, even for terms so common that their blocks are told apart by fours); one also has
    发展经 there. Only the blocks where each term starts can tell
    them apart without reading every speech: the query reads the blocks of that one speech and no other."""
    docs = [
        SearchDoc(url=f"speeches/s{i}/", title=f"s{i}", date=f"2020-01-{i + 1:02d}",
                  sections=(SearchSection("a", "", "发展。" + "好。" * 2500 + ("发展经营" if i == 7 else "展经济")),))
        for i in range(20)
    ]  # fmt: skip
    open_index_page(page, serve, tmp_path, docs, None)
    found = page.evaluate(
        """async () => {
             const s = await archiveSearch.search("发展经");
             return {docs: s.results.map(r => r.doc), pending: s.pending,
                     requests: performance.getEntriesByType("resource").map(e => e.name)}; }"""
    )
    titles = {
        int(p.name): document_meta(p.read_bytes())["t"] for p in (tmp_path / "search-index" / "d").iterdir()
    }
    assert [titles[d] for d in found["docs"]] == ["s7"] and found["pending"] == 0
    read = [u.rsplit("/", 1)[1] for u in found["requests"] if "/search-index/d/" in u]
    assert {titles[int(d)] for d in read} == {"s7"}


def test_a_long_speech_is_read_only_where_the_phrase_can_be(page, serve, tmp_path):
    """A speech of 41,000 characters (81 blocks: more than a number holds bits exactly) has 富硒产业 in
    three blocks, the last one 40,000 characters in, and 富硒 alone in others: every place is found, with
    its offset, and only the blocks where a place can start (and the header and the metadata) are read,
    each inflated after the archive's dictionary."""
    rng = random.Random(2)
    blocks = [
        "".join(rng.choice("发展经济工业推进企业项目建设改革创新服务，。") for _ in range(512))
        for _ in range(81)
    ]
    for k, piece in ((1, "富硒产业"), (7, "富硒"), (60, "富硒产业"), (79, "富硒产业"), (80, "富硒")):
        blocks[k] = piece + blocks[k][len(piece) :]
    text = "".join(blocks)
    docs = [
        SearchDoc(
            url="speeches/long/", title="长", date="2020-01-01", sections=(SearchSection("a", "", text),)
        )
    ]
    docs += [SearchDoc(url=f"speeches/s{i}/", title=f"s{i}", date="2019-01-01",
                       sections=(SearchSection("a", "", "全面推进乡村振兴战略。" * 3),)) for i in range(7)]  # fmt: skip
    open_index_page(page, serve, tmp_path, docs, None)
    # the blocks are compressed with a dictionary of the archive's recurring strings (here 乡村振兴...)
    assert json.loads((tmp_path / "search-index" / "index.json").read_text())["dictionary"] > 0
    found = page.evaluate(
        """async () => { const s = await archiveSearch.search("富硒产业");
             const before = archiveSearch.stats.bytes;
             const item = await archiveSearch.describe(s.results[0], s.phrases);
             return {results: s.results.map(r => [r.doc, r.score, r.at]), snippet: item.snippet,
                     describeBytes: archiveSearch.stats.bytes - before, d: archiveSearch.stats.byKind.d}; }"""
    )
    full = "长\n" + text
    places = [i for i in range(len(full)) if full.startswith("富硒产业", i)]
    assert found["results"] == [[0, 3, places[0]]]  # score 3: three places found
    assert "富硒产业" in found["snippet"]
    assert found["describeBytes"] < 1000  # the metadata; the block of the first place was read already
    whole = (tmp_path / "search-index" / "d" / "0").stat().st_size
    assert found["d"] < whole / 8  # 3 of 81 blocks, the header and the metadata


def text_in_blocks(rng: random.Random, count: int, pieces: dict[int, str], at: int) -> str:
    """A speech's text of `count` blocks of 512 characters drawn from common ones by `rng`, with pieces[k]
    written `at` characters into block k."""
    blocks = [
        "".join(rng.choice("发展经济工业推进企业项目建设改革创新服务，。") for _ in range(512))
        for _ in range(count)
    ]
    for k, piece in pieces.items():
        blocks[k] = blocks[k][:at] + piece + blocks[k][at + len(piece) :]
    return "".join(blocks)


def test_results_by_date_are_proven_by_the_first_blocks_that_hold_the_phrase(page, serve, tmp_path):
    """Listed by date (and counted by year), a speech needs only proof: its first run of candidate
    blocks is read, and the others only when the phrase is not there. Speech 0 says 富硒产业 in blocks 5,
    30 and 70: by date only block 5 is read. Speech 1 has all three pairs of 富硒产业 in block 5 but not
    the phrase, which is in block 30: block 5 is read, then the rest. By relevance every candidate block
    is read, for the count of places in the score."""
    rng = random.Random(3)

    def speech(pieces: dict[int, str]) -> str:
        return text_in_blocks(rng, 81, pieces, at=0)

    long = "坚持以人民为中心的发展思想推动高质量发展"
    base, at = speech({}), 11 * 512 - 4  # the text follows "长\n": block 11 starts at the text's 11 * 512 - 2
    spanning = base[:at] + long + "，" + long[:6] + base[at + len(long) + 7 :]
    texts = [
        speech({5: "富硒产业", 30: "富硒产业", 70: "富硒产业"}),
        speech({5: "富硒，硒产，产业", 30: "富硒产业"}),
        spanning,
    ]
    docs = [SearchDoc(url=f"speeches/long{i}/", title="长", date=f"202{2 - i}-01-01",  # doc i: newest first
                      sections=(SearchSection("a", "", text),)) for i, text in enumerate(texts)]  # fmt: skip
    docs += [SearchDoc(url=f"speeches/s{i}/", title=f"s{i}", date="2019-01-01",
                       sections=(SearchSection("a", "", "全面推进乡村振兴战略。" * 3),)) for i in range(7)]  # fmt: skip
    open_index_page(page, serve, tmp_path, docs, None)
    found = page.evaluate(
        """async () => {
             const read = async (sort) => {
               const before = archiveSearch.stats.byKind.d || 0;
               const s = await archiveSearch.search("富硒产业", {sort});
               await s.more(10, 10);
               return {results: s.results.map(r => [r.doc, r.score, r.at]).sort(),
                       d: archiveSearch.stats.byKind.d - before};
             };
             const byDate = await read("date");
             const s = await archiveSearch.search("坚持以人民为中心的发展思想推动高质量发展", {sort: "date"});
             return {byDate, byRelevance: await read("relevance"),
                     long: s.results.map(r => [r.doc, r.at])}; }"""
    )
    places = [[i for i in range(len(t) + 2) if ("长\n" + t).startswith("富硒产业", i)] for t in texts]
    assert [len(p) for p in places] == [3, 1, 0] and places[1][0] // 512 == 30
    assert found["byDate"]["results"] == [[0, 1, places[0][0]], [1, 1, places[1][0]]]
    assert found["byRelevance"]["results"] == [[0, 3, places[0][0]], [1, 1, places[1][0]]]
    assert found["byRelevance"]["d"] > 0  # speech 0's blocks 30 and 70, not read by date
    assert found["long"] == [[2, 11 * 512 - 2]]


def block_bytes(path: Path) -> list[tuple[int, int]]:
    """Where each block of document file `path` lies in it: [(start, end)] (FORMAT.md)."""
    data = path.read_bytes()
    size, at = read_varint(data, 0)
    end = at + size
    _, at = read_varint(data, at)  # the text's length
    count, at = read_varint(data, at)
    out = []
    for _ in range(count):
        _, at = read_varint(data, at)
        size_lead, at = read_varint(data, at)
        out.append((end, end + (size_lead >> 2)))
        end += size_lead >> 2
    return out


def record_ranges(page) -> dict[str, list[tuple[int, int]]]:
    """The parts of document files the page asks for from now on: {document number: [(start, end)]}."""
    ranges: dict[str, list[tuple[int, int]]] = {}

    def note_range(request):
        if "/search-index/d/" in request.url and "range" in request.headers:
            first, last = request.headers["range"].removeprefix("bytes=").split("-")
            ranges.setdefault(request.url.rsplit("/", 1)[1], []).append((int(first), int(last) + 1))

    page.on("request", note_range)
    return ranges


def test_a_speech_is_proven_by_the_block_its_terms_share_first(page, serve, tmp_path):
    """Listed by date, 富硒产业 in block 5 of each speech, and 富硒 also in block 4: 硒产 (one character into
    the phrase) in block 5 lets the phrase start at the very end of block 4 too, so both are possible
    starts. Block 5, where every placing term starts itself, is read first and proves the speech; block 4
    is never asked for."""
    rng = random.Random(11)
    texts = [text_in_blocks(rng, 8, {4: "富硒", 5: "富硒产业"}, at=20) for _ in range(12)]
    docs = [SearchDoc(url=f"speeches/s{i}/", title="长", date=f"2020-01-{i + 1:02d}",
                      sections=(SearchSection("a", "", text),)) for i, text in enumerate(texts)]  # fmt: skip
    ranges = record_ranges(page)
    open_index_page(page, serve, tmp_path, docs, None)
    found = page.evaluate(
        """async () => { const s = await archiveSearch.search("富硒产业", {sort: "date"});
             await s.more(Infinity, Infinity); return s.results.map(r => r.doc); }"""
    )
    assert sorted(found) == list(range(12))
    for doc in range(12):
        blocks = block_bytes(tmp_path / "search-index" / "d" / str(doc))
        read = ranges[str(doc)]
        assert any(a <= blocks[5][0] and blocks[5][1] <= b for a, b in read)
        assert not any(a < blocks[4][1] and blocks[4][0] < b for a, b in read), (doc, read, blocks[4])


class _RecordingHandler(RangeRequestHandler):
    """Serves like a real static host, and notes each request for the index as the server receives it:
    (path in search-index/, first byte asked for, Cache-Control), the headers the browser really sent."""

    seen: list[tuple[str, int, str]]

    def do_GET(self):
        if "/search-index/" in self.path:
            at = (self.headers.get("Range") or "bytes=0-").removeprefix("bytes=").split("-")[0]
            path = self.path.split("/search-index/")[1]
            self.seen.append((path, int(at), self.headers.get("Cache-Control", "")))
        super().do_GET()


def test_reading_every_candidate_by_date_reads_blocks_through_the_block_table(browser, tmp_path):
    """The count by year reads every candidate by date: where many candidates share a block table, each
    speech's block is read with one request from the offsets in the table, without its header. 40
    speeches, 富硒产业 in 25 of them and every pair of it in one block of the others: the results are
    exact, b/0 is read, and no header is asked for after the first page's. The count's reads skip the
    browser's HTTP cache (fetch's no-store, which sends Cache-Control: no-cache); the first page's keep it."""
    rng = random.Random(21)
    texts = [
        text_in_blocks(rng, 4, {2: "富硒产业" if i % 8 < 5 else "富硒，硒产，产业"}, at=30) for i in range(40)
    ]
    docs = [SearchDoc(url=f"speeches/s{i}/", title="长", date=f"2020-01-{i % 28 + 1:02d}",
                      sections=(SearchSection("a", "", text),)) for i, text in enumerate(texts)]  # fmt: skip
    handler = type("Recording", (_RecordingHandler,), {"seen": []})
    # a page of its own, without the `page` fixture's request guard: Playwright's interception turns the
    # HTTP cache off, and every request then says Cache-Control: no-cache
    context = browser.new_context()
    page = context.new_page()
    with RunningServer(tmp_path, handler) as server, contextlib.closing(context):
        open_index_page(page, lambda folder: server.url, tmp_path, docs, None)
        first_page = page.evaluate(
            """async () => { window.s = await archiveSearch.search("富硒产业", {sort: "date"});
                 // the first page as shown: its metadata, asked for while the search went on, is in
                 await Promise.all(s.results.slice(0, 10).map(r => archiveSearch.describe(r, s.phrases)));
                 return [...new Set(performance.getEntriesByType("resource")
                   .map(e => e.name.split("/search-index/")[1]).filter(Boolean))]; }"""
        )
        counted_from = len(handler.seen)
        found = {"before": first_page, "docs": page.evaluate(
            "async () => { await s.more(Infinity, Infinity); return s.results.map(r => r.doc); }")}  # fmt: skip
    ranges = handler.seen
    titles = {
        int(p.name): document_meta(p.read_bytes())["u"] for p in (tmp_path / "search-index" / "d").iterdir()
    }
    assert sorted(titles[d] for d in found["docs"]) == sorted(
        f"speeches/s{i}/" for i, text in enumerate(texts) if "富硒产业" in text
    )
    assert ("b/0", 0) in [r[:2] for r in ranges] and "b/0" not in found["before"]
    headers = {path for path, at, _ in ranges if path.startswith("d/") and at == 0}
    read = {path for path, _, _ in ranges if path.startswith("d/")}
    assert len(read) == 40 and len([p for p in found["before"] if p.startswith("d/")]) < 30
    assert headers <= set(found["before"])  # after the first page, no header
    counted = [r for r in ranges[counted_from:] if r[0].startswith("d/")]
    assert counted and all("no-cache" in cache for _, _, cache in counted), counted
    # the first page's keep the cache (its headers: the first request for each file, so never the retry
    # past the cache that a part answered from an earlier one can need)
    first = [r for r in ranges[:counted_from] if r[0].startswith("d/") and r[1] == 0]
    assert first and not any("no-cache" in cache for _, _, cache in first)


def test_a_place_at_a_blocks_last_character_is_proven_by_the_next_block(page, serve, tmp_path):
    """Listed by date, 发展富硒 with its 发 as block 4's last character: its rare pairs 展富 and 富硒 (one
    and two characters into it) place it, and start in block 5 only, so blocks 4 and 5 are both possible
    starts. Block 5 holds the character before it, 发, so reading it proves the speech: block 4 is never
    asked for. Block 2 holds 展富硒 after another character (the likeliest start, read first, in vain) and
    makes block 1 a start too, which block 2 shows as well: it is not read either."""
    rng = random.Random(5)
    docs = []
    for i in range(12):
        body = list(text_in_blocks(rng, 8, {2: "改展富硒"}, at=100))
        # the text is "长\n" + body, so block 5 starts at body[5 * 512 - 2]: 发 ends block 4
        body[5 * 512 - 3 : 5 * 512 + 1] = "发展富硒"
        docs.append(SearchDoc(url=f"speeches/s{i}/", title="长", date=f"2020-01-{i + 1:02d}",
                              sections=(SearchSection("a", "", "".join(body)),)))  # fmt: skip
    ranges = record_ranges(page)
    open_index_page(page, serve, tmp_path, docs, None)
    found = page.evaluate(
        """async () => { const s = await archiveSearch.search("发展富硒", {sort: "date"});
             await s.more(Infinity, Infinity); return s.results.map(r => [r.doc, r.at]); }"""
    )
    assert sorted(found) == [[doc, 5 * 512 - 1] for doc in range(12)]
    for doc in range(12):
        blocks = block_bytes(tmp_path / "search-index" / "d" / str(doc))
        read = ranges[str(doc)]
        assert any(a <= blocks[5][0] and blocks[5][1] <= b for a, b in read)
        for k in (1, 4):
            assert not any(a < blocks[k][1] and blocks[k][0] < b for a, b in read), (doc, k, read, blocks[k])


def test_a_word_at_a_blocks_last_character_needs_the_character_before_it(page, serve, tmp_path):
    """a富硒 begins with a word, which must not continue letters before it. Speech 0 ends block 3 with
    "xa" and begins block 4 with 富硒: block 4 stores the a before it but not the x, so it cannot show the
    place; the speech holds the word a (block 3) and "a 富硒" (block 6) and is not a result. Speech 1
    ends block 3 with " a" instead, and is."""
    rng = random.Random(9)
    docs = []
    for i, before in enumerate(("xa", " a")):
        body = list(text_in_blocks(rng, 8, {}, at=0))
        # the text is "长\n" + body, so block k starts at body[k * 512 - 2]
        body[3 * 512 + 98 : 3 * 512 + 101] = " a "
        body[4 * 512 - 4 : 4 * 512] = before + "富硒"
        body[6 * 512 + 48 : 6 * 512 + 52] = "a 富硒"
        docs.append(SearchDoc(url=f"speeches/s{i}/", title="长", date=f"2020-01-{i + 1:02d}",
                              sections=(SearchSection("a", "", "".join(body)),)))  # fmt: skip
    open_index_page(page, serve, tmp_path, docs, None)
    found = page.evaluate(
        """async () => { const out = {};
             for (const sort of ["date", "relevance"]) {
               const s = await archiveSearch.search("a富硒", {sort});
               await s.more(Infinity, Infinity); out[sort] = s.results.map(r => [r.doc, r.at]); }
             return out; }"""
    )
    urls = {
        int(d.name): document_meta(d.read_bytes())["u"] for d in (tmp_path / "search-index" / "d").iterdir()
    }
    place = 4 * 512 - 1  # the a, block 3's last character
    for sort, results in found.items():
        assert [(urls[doc], at) for doc, at in results] == [("speeches/s1/", place)], sort


def test_many_candidates_are_ruled_out_by_the_masks_of_a_selective_bigram(page, serve, tmp_path):
    """作和能 where every speech has both its bigrams: 和能 in blocks 1 to 6, 作和 in blocks 0 and 7 (and
    speech 0 has 作和能 in block 3). Placed by 和能 alone (the fewest bytes of masks), every one of the 30
    speeches may hold the phrase in 7 blocks; more candidates than a search reads are left, so the masks
    of 作和 (twice a speech: two bytes) are read too, and then each candidate has one block left (two in
    speech 0). Same results, a fraction of the reading."""
    rng = random.Random(5)

    def speech(pieces: dict[int, str]) -> str:
        return text_in_blocks(rng, 8, pieces, at=20)

    pieces = {0: "工作和", 7: "工作和", **{k: "和能力" for k in range(1, 7)}}
    texts = [speech({**pieces, 3: "工作和能力"})] + [speech(pieces) for _ in range(29)]
    docs = [SearchDoc(url=f"speeches/s{i}/", title="长", date=f"2020-01-{i + 1:02d}",
                      sections=(SearchSection("a", "", text),)) for i, text in enumerate(texts)]  # fmt: skip
    open_index_page(page, serve, tmp_path, docs, None)
    found = page.evaluate(
        """async () => {
             const read = async (selective) => {
               Object.assign(archiveSearch.settings, {secondMasks: 0, selectiveMasks: selective});
               const before = archiveSearch.stats.byKind.d || 0;
               const s = await archiveSearch.search("作和能");
               const first = s.results.map(r => [r.doc, r.score, r.at]);
               await s.more(Infinity, Infinity);
               return {first, all: s.results.map(r => [r.doc, r.score, r.at]),
                       d: archiveSearch.stats.byKind.d - before,
                       placing: s.phrases[0].placing.map(t => t.term)};
             };
             return {without: await read(0), with: await read(2)}; }"""
    )
    newest_first = sorted(range(30), key=lambda i: docs[i].date, reverse=True)
    at = ("长\n" + texts[0]).index("作和能")
    truth = [[newest_first.index(0), 1, at]]
    assert all(t.count("作和能") == (1 if i == 0 else 0) for i, t in enumerate(texts))
    assert found["without"]["all"] == found["with"]["all"] == truth
    assert found["with"]["first"] == truth
    assert found["without"]["placing"] == ["和能"] and found["with"]["placing"] == ["和能", "作和"]
    assert found["with"]["d"] * 3 < found["without"]["d"]


def test_a_search_of_mostly_false_candidates_stops_early_and_reads_on_when_asked(page, serve, tmp_path):
    """30 speeches have 工作 and 作和 in one block, and only the oldest has 工作和: once a search has read
    settings.missBytes and fewer than half the speeches it read were results, it stops (10 read, not 20);
    "More results" reads on in the same way, and reading every candidate finds the one result."""
    rng = random.Random(11)
    filler = lambda n: "".join(rng.choice("发展经济业推进企项目建设改革创新服务，。") for _ in range(n))  # noqa: E731
    texts = [filler(50) + ("工作和" if i == 29 else "工作。作和") + filler(2000) for i in range(30)]
    docs = [SearchDoc(url=f"speeches/s{i}/", title=f"讲话{i}", date=f"2020-01-{30 - i:02d}",
                      sections=(SearchSection("a", "", t),)) for i, t in enumerate(texts)]  # fmt: skip
    open_index_page(page, serve, tmp_path, docs, None)
    found = page.evaluate(
        """async () => {
             const run = async (missBytes) => {
               archiveSearch.settings.missBytes = missBytes;
               const s = await archiveSearch.search("工作和");
               const first = {results: s.results.length, pending: s.pending};
               await s.more(10);
               const more = {results: s.results.length, pending: s.pending};
               await s.more(Infinity, Infinity);
               return {first, more, all: s.results.map(r => r.doc)};
             };
             return {capped: await run(1), uncapped: await run(Infinity)}; }"""
    )
    assert found["capped"]["first"] == {"results": 0, "pending": 20}
    assert found["capped"]["more"] == {"results": 0, "pending": 10}
    assert found["uncapped"]["first"] == {"results": 0, "pending": 10}
    assert found["capped"]["all"] == found["uncapped"]["all"] == [29]


def test_the_first_page_waits_for_as_few_requests_as_it_can(page, serve, tmp_path):
    """A result's metadata is asked for as soon as the search finds it (describe then asks for nothing);
    a result the index settles, whose place is in the speech's first blocks, has them read with its
    header: one request, then the metadata."""
    rng = random.Random(9)
    filler = lambda n: "".join(rng.choice("发展经济工业推进企业项目建设改革创新服务，。") for _ in range(n))  # noqa: E731
    texts = [filler(100) + "乡村振兴" + filler(3000) for _ in range(3)] + [filler(3000) for _ in range(3)]
    docs = [SearchDoc(url=f"speeches/s{i}/", title=f"讲话{i}", date=f"2020-01-{i + 1:02d}",
                      sections=(SearchSection("a", "", t),)) for i, t in enumerate(texts)]  # fmt: skip
    open_index_page(page, serve, tmp_path, docs, None)
    found = page.evaluate(
        """async () => {
             // requests counted when asked for (stats counts them when answered)
             window.asked = 0; const fetch0 = window.fetch;
             window.fetch = (...args) => { window.asked += 1; return fetch0(...args); };
             const describeAll = async (q) => {
               const s = await archiveSearch.search(q);
               const before = window.asked;
               const described = await Promise.all(s.results.map(r => archiveSearch.describe(r, s.phrases)));
               return {requests: window.asked - before, results: s.results.length,
                       snippets: described.map(d => d.snippet.join(""))};
             };
             return {phrase: await describeAll("乡村振兴"), term: await describeAll("村振")}; }"""
    )
    assert found["phrase"]["results"] == 3 and found["phrase"]["requests"] == 0
    assert found["term"]["results"] == 3 and found["term"]["requests"] == 0  # the speeches read just now
    assert all("乡村振兴" in s for s in found["phrase"]["snippets"])
    page.reload()
    page.wait_for_function("window.archiveSearch")
    fresh = page.evaluate(
        """async () => {
             window.asked = 0; const fetch0 = window.fetch;
             window.fetch = (...args) => { window.asked += 1; return fetch0(...args); };
             const s = await archiveSearch.search("村振");
             const before = window.asked;
             const d = await archiveSearch.describe(s.results[0], s.phrases);
             return {requests: window.asked - before, snippet: d.snippet.join("")}; }"""
    )
    assert "村振" in fresh["snippet"]
    assert fresh["requests"] == 2  # the header with the first blocks, then the metadata


@pytest.mark.parametrize("tables", [True, False])
def test_reading_every_candidate_asks_for_no_metadata(page, serve, tmp_path, tables):
    """The count by year reads every candidate (more(Infinity, Infinity)): the block of each speech's
    phrase, found from its block table (or from its header, with an index.json that names no tables),
    never the metadata of every result, and no header twice even when the speeches read outnumber those
    kept in memory."""
    rng = random.Random(13)
    filler = lambda n: "".join(rng.choice("发展经济工业推进企业项目建设改革创新服务，。") for _ in range(n))  # noqa: E731
    docs = [SearchDoc(url=f"speeches/s{i}/", title=f"讲话{i}", date=f"2020-02-{i + 1:02d}",
                      sections=(SearchSection("a", "", filler(2000) + "乡村振兴" + filler(2000)),)) for i in range(25)]  # fmt: skip
    open_index_page(page, serve, tmp_path, docs, None)
    if not tables:
        manifest = json.loads((tmp_path / "search-index" / "index.json").read_text())
        del manifest["blockTables"]
        (tmp_path / "search-index" / "index.json").write_text(json.dumps(manifest))
        page.reload()
    found = page.evaluate(
        """async () => {
             archiveSearch.settings.keepDocs = 4;
             window.asked = 0; const fetch0 = window.fetch;
             window.fetch = (...a) => { if (String(a[0]).includes("/d/")) window.asked += 1; return fetch0(...a); };
             const s = await archiveSearch.search("乡村振兴", {sort: "date"});
             // the first page shown: its metadata (asked for ahead) all in before the count begins
             await Promise.all(s.results.map(r => archiveSearch.describe(r, s.phrases)));
             const first = {read: s.total, asked: window.asked};
             await s.more(Infinity, Infinity);
             return {first, results: s.total, asked: window.asked - first.asked}; }"""
    )
    assert found["results"] == 25 and found["first"]["read"] == 10
    # the other 15 speeches: a block each from the table, or a header and a block
    assert found["asked"] == (15 if tables else 2 * 15)


def test_a_speech_that_cannot_be_read_goes_back_to_the_queue(page, serve, tmp_path):
    """Reading every candidate, one speech's file fails for good: the reading rejects once the speeches
    in flight are done, that speech and the unread ones are left in the queue (none lost, none read
    twice), and the results found are in order."""
    docs = [SearchDoc(url=f"speeches/s{i}/", title=f"讲话{i}", date=f"2020-02-{i + 1:02d}",
                      sections=(SearchSection("a", "", "推进工作。" * 300 + "乡村振兴" + "。" * 9),)) for i in range(25)]  # fmt: skip
    open_index_page(page, serve, tmp_path, docs, None)
    page.route("**/search-index/d/20", lambda route: route.abort("failed"))
    found = page.evaluate(
        """async () => {
             const s = await archiveSearch.search("乡村振兴", {sort: "date"});
             let failed = false;
             try { await s.more(Infinity, Infinity); } catch (e) { failed = true; }
             return {failed, results: s.results.map(r => r.doc), queue: s.queue.slice()}; }"""
    )
    assert found["failed"] and 20 in found["queue"]
    assert sorted(found["results"] + found["queue"]) == list(range(25))
    assert found["results"] == sorted(found["results"])


def random_archive(
    rng: random.Random, chars: str, count: int, lengths: tuple[int, int], years: int, heading: str = ""
) -> tuple[list[str], list[SearchDoc]]:
    """`count` speeches s0, s1, ... of characters drawn from `chars` (as many as `lengths` allows), one
    section each under `heading`, dated over `years` years: their texts and their documents."""
    texts = ["".join(rng.choice(chars) for _ in range(rng.randint(*lengths))) for _ in range(count)]
    docs = [SearchDoc(url=f"speeches/s{i}/", title=f"s{i}", date=f"20{i % years:02d}-01-01",
                      sections=(SearchSection("a", heading, t),)) for i, t in enumerate(texts)]  # fmt: skip
    return texts, docs


def test_memory_holds_only_the_speeches_terms_and_shards_it_may_keep(page, serve, tmp_path):
    """A page that runs many searches forgets the least recently used speeches, terms and shard
    directories beyond its limits, and finds the same results as a page with room for everything."""
    rng = random.Random(17)
    chars = "发展经济工业推进企业项目建设改革创新服务基础领导干部群众农业产业"
    texts, docs = random_archive(rng, chars, 60, (300, 1500), years=20)
    open_index_page(page, serve, tmp_path, docs, None)
    queries = [t[a : a + rng.randint(2, 5)] for t in rng.sample(texts, 25) for a in [rng.randrange(200)]]
    run_all = """async ([qs, limits]) => {
        Object.assign(archiveSearch.settings, limits);
        const out = [];
        for (const q of qs) { const s = await archiveSearch.search(q); await s.more(Infinity, Infinity);
                              out.push(s.results.map(r => r.doc).sort((a, b) => a - b)); }
        return {results: out, kept: archiveSearch.kept()}; }"""
    roomy = page.evaluate(run_all, [queries, {}])
    page.reload()
    tight = page.evaluate(run_all, [queries, {"keepDocs": 3, "keepTerms": 5, "keepShards": 4}])
    assert tight["results"] == roomy["results"] and any(roomy["results"])
    assert roomy["kept"]["terms"] > 5 and roomy["kept"]["docs"] > 3 and roomy["kept"]["shards"] > 4
    assert tight["kept"]["docs"] <= 3 and tight["kept"]["terms"] <= 5 and tight["kept"]["shards"] <= 4


def test_a_space_between_chinese_characters_is_never_ignored(page, serve, tmp_path):
    """Substring truth on every path: 文化现立 is not in "文化 现立" and "文化 现立" is not in 文化现立,
    whether a phrase is placed in its blocks by one term or by two."""
    texts = {"together": "我们的文化现立于此。", "apart": "我们的文化 现立于此。", "comma": "文化，现立。"}
    docs = [SearchDoc(url=f"speeches/{k}/", title=k, date="2020-01-01", sections=(SearchSection("a", "", t),))
            for k, t in texts.items()]  # fmt: skip
    open_index_page(page, serve, tmp_path, docs, None)
    titles = {
        int(p.name): document_meta(p.read_bytes())["t"] for p in (tmp_path / "search-index" / "d").iterdir()
    }
    for narrow_above in (0, 1e9):
        found = page.evaluate(
            """async ([queries, above]) => { archiveSearch.settings.secondMasks = above; const out = {};
                 for (const q of queries) { const s = await archiveSearch.search(q); await s.more(Infinity, Infinity);
                   out[q] = s.results.map(r => r.doc); }
                 return out; }""",
            [["文化现立", '"文化 现立"', "化现", '"文化，现立"', "文化 现立"], narrow_above],
        )
        named = {q: sorted(titles[d] for d in docs) for q, docs in found.items()}
        assert named["文化现立"] == ["together"], narrow_above
        assert named['"文化 现立"'] == ["apart"], narrow_above
        assert named["化现"] == ["together"], narrow_above
        assert named['"文化，现立"'] == ["comma"], narrow_above
        # without quotes, a space separates two phrases that must both occur
        assert named["文化 现立"] == ["apart", "comma", "together"], narrow_above


def test_the_more_button_shows_only_while_there_is_more(page, serve, tmp_path):
    """12 speeches contain 富硒: the first page shows 10 and the button; after it, 12 and no button. A
    query with 2 results never shows the button."""
    docs = [SearchDoc(url=f"speeches/s{i}/", title=f"第{i}篇", date=f"2020-01-{i + 1:02d}",
                      sections=(SearchSection("a", "", "发展富硒产业" + ("茶叶" if i < 2 else "")),)) for i in range(12)]  # fmt: skip
    build_index(docs, tmp_path / "search-index")
    shutil.copytree(ROOT / "overrides" / "assets", tmp_path / "assets")
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "index.html").write_text(
        '<!doctype html><html lang="zh"><meta charset="utf-8">'
        '<link rel="stylesheet" href="../assets/stylesheets/archive-search.css">'
        "<style>.md-button { display: inline-block; }</style>"  # as Material's stylesheet does
        '<div id="sa-search-page" class="sa-page"></div>'
        '<script src="../assets/javascripts/archive-search.js"></script>',
        "utf-8",
    )
    base = serve(tmp_path)
    button = page.locator("#sa-search-page .sa-page__more")
    assert len(results_for(page, base, "富硒")) == 10
    assert button.is_visible()
    button.click()
    page.wait_for_function("document.querySelectorAll('.sa-result').length === 12")
    assert button.is_hidden()
    assert len(results_for(page, base, "茶叶")) == 2
    assert button.is_hidden()
    assert page.console_errors == []


@pytest.mark.parametrize(
    ("small_batches", "server"),
    [(False, "serve"), (True, "serve"), (False, "serve_without_ranges")],
    ids=["default", "one-speech-batches", "server-without-ranges"],
)
def test_results_are_exact_substrings_on_a_random_archive(page, request, tmp_path, small_batches, server):
    """200 generated speeches with frequent and rare bigrams: every query's results are exactly the
    speeches that contain it (index only, queried through the client's JavaScript API). With one speech
    read per batch and phrases placed by one term only, candidates are read in many batches: the first page
    is still exactly the first page of the full ranking. A server that ignores Range requests (python -m
    http.server) sends whole files instead of their parts: the results are the same."""
    serve = request.getfixturevalue(server)
    rng = random.Random(5)
    chars = "发展经济工业推进企业项目建设改革创新服务基础领导干部群众农业产业富硒茶叶"
    texts, docs = random_archive(rng, chars, 200, (200, 3000), years=25, heading="标题")
    open_index_page(page, serve, tmp_path, docs, None)
    queries = []
    for _ in range(120):
        text = rng.choice(texts)
        length = rng.randint(1, 8)
        start = rng.randrange(len(text) - length)
        queries.append(text[start : start + length])
    queries += ["".join(rng.choice(chars) for _ in range(9)) for _ in range(30)]
    # phrases that begin at a block's last character (the text is title, heading and body, one a line):
    # proof may see them in the next block, which stores that character before its own text
    for _ in range(30):
        i = rng.randrange(len(texts))
        prefix = len(f"s{i}\n标题\n")
        ends = [512 * k - 1 - prefix for k in range(1, (len(texts[i]) + prefix) // 512)]
        if ends:
            end = rng.choice(ends)
            queries.append(texts[i][end : end + rng.randint(2, 6)])
    found = page.evaluate(
        """async ([qs, small]) => {
             archiveSearch.settings.batchDocs = small ? 1 : 10;
             archiveSearch.settings.secondMasks = small ? 0 : 8192;
             const out = {};
             for (const q of qs) {
               // tight budgets: results so far are still exact
               Object.assign(archiveSearch.settings, {maxDocs: 2, missBytes: 1});
               const partial = (await archiveSearch.search(q)).results.map(r => r.doc);
               Object.assign(archiveSearch.settings, {maxDocs: 1e9, missBytes: Infinity});
               const s = await archiveSearch.search(q);
               const first = s.results.slice(0, 10).map(r => [r.doc, r.score]), unchecked = s.pending;
               await s.more(Infinity, Infinity);
               // widened (every bigram read and placing, as the count by year does): the same results
               const w = await archiveSearch.search(q, {sort: "date"});
               await w.widen();
               await w.more(Infinity, Infinity);
               out[q] = {first: first, all: s.results.map(r => [r.doc, r.score]), pending: s.pending,
                         unchecked: unchecked, partial: partial, widened: w.results.map(r => r.doc)};
             }
             return out; }""",
        [queries, small_batches],
    )
    titles = {
        int(p.name): document_meta(p.read_bytes())["t"] for p in (tmp_path / "search-index" / "d").iterdir()
    }
    for query in queries:
        expected = {f"s{i}" for i, t in enumerate(texts) if query in t}
        assert {titles[d] for d, _ in found[query]["all"]} == expected, query
        assert found[query]["pending"] == 0
        assert {titles[d] for d in found[query]["partial"]} <= expected, query
        assert found[query]["first"] == found[query]["all"][:10], query
        assert sorted(found[query]["widened"]) == sorted(d for d, _ in found[query]["all"]), query
    # the small batches really made the client stop early for some queries
    assert any(found[q]["unchecked"] for q in queries) or not small_batches


def test_ranking_is_title_then_heading_then_body_each_by_count_then_newest(page, serve, tmp_path):
    """The order users see: a phrase in the title first, then in a heading, then in the text only; within
    each, the speech where it occurs more often (the title counts once), ties newest first. Checked for a
    phrase the index settles alone (富硒) and one proven from the text (富硒产业)."""
    phrase = "富硒产业"

    def speech(name, date, title="", heading="", body=0):
        text = "。".join(["发展茶叶"] + [phrase] * body) + "。"
        return SearchDoc(url=f"speeches/{name}/", title=name + title, date=date,
                         sections=(SearchSection("a", "一、" + heading, text),))  # fmt: skip

    docs = [
        speech("body-one-old", "2018-01-01", body=1),
        speech("title-new", "2020-01-01", title=phrase, body=1),
        speech("body-many", "2017-01-01", body=9),
        speech("heading", "2016-01-01", heading=phrase, body=5),
        speech("title-old", "2019-01-01", title=phrase, body=3),
        speech("body-one-new", "2024-01-01", body=1),
        speech("none", "2025-01-01"),
    ]
    open_index_page(page, serve, tmp_path, docs, None)
    titles = {
        int(p.name): document_meta(p.read_bytes())["t"] for p in (tmp_path / "search-index" / "d").iterdir()
    }
    found = page.evaluate(
        """async (queries) => { const out = {};
             for (const q of queries) out[q] = (await archiveSearch.search(q)).results.map(r => [r.doc, r.score]);
             return out; }""",
        ["富硒", phrase],
    )
    expected = ["title-old", "title-new", "heading", "body-many", "body-one-new", "body-one-old"]
    for query in ("富硒", phrase):
        assert [titles[d].replace(phrase, "") for d, _ in found[query]] == expected, query
        assert [s for _, s in found[query]] == [1004, 1002, 106, 9, 1, 1], query


def test_a_wrong_part_from_a_cache_is_asked_for_again(page, search_url):
    """Chromium's cache can answer a Range request with a shorter part it holds from an earlier request.
    Here the first answer for every part of a speech's file is a wrong one: the client sees that its
    Content-Range is not the part it asked for, asks the server again past the cache, and still finds
    its results."""
    wrong = []

    def short_part_once(route):
        asked = route.request.headers.get("range", "")
        key = (route.request.url, asked)
        if asked and key not in wrong:
            wrong.append(key)
            start = int(asked.split("=")[1].split("-")[0])
            route.fulfill(
                status=206, body=b"\0" * 4, headers={"Content-Range": f"bytes {start}-{start + 3}/99999"}
            )
        else:
            route.continue_()

    page.route("**/search-index/d/**", short_part_once)
    titles = results_for(page, search_url, "富硒")
    assert sorted(titles) == ["在全县农业农村工作会议上的讲话", "在全县工业经济发展推进会上的讲话"]
    # the first part of each of the two speeches (its header, with its first blocks: 富硒 is one index
    # term, whose place the client looks for from the first blocks on), and any part read after it
    assert len(wrong) >= 2 and all("/d/" in url for url, _ in wrong)


def test_a_dropped_connection_is_tried_again(page, search_url):
    """The first request for every index file fails at the network level (as a dropped connection does):
    each is asked for once more, and the search still finds its results."""
    failed = []

    def drop_once(route):
        if route.request.url not in failed:
            failed.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/search-index/**", drop_once)
    titles = results_for(page, search_url, "富硒")
    assert sorted(titles) == ["在全县农业农村工作会议上的讲话", "在全县工业经济发展推进会上的讲话"]
    assert any("/search-index/d/" in u for u in failed) and any("/search-index/t/" in u for u in failed)
