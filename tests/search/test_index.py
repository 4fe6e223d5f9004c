"""The index builder and the hook's page reader, without a browser."""

from __future__ import annotations

import json
import random
import re
import sys
import zlib
from pathlib import Path

import pytest

from converter.search.builder import (
    BLOCK,
    BLOCK_TABLE_DOCS,
    OVERLAP,
    IndexOptions,
    SearchDoc,
    SearchSection,
    _smaller,
    build_index,
    decode_masks,
    decode_posting,
    document_meta,
    encode_slots,
    fnv1a,
    load_document,
    read_block_tables,
    read_shard,
)
from converter.search.postings import encode_masks, encode_posting, encode_posting_bytes, read_varint
from converter.search.tokens import runs

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("工业强县", [("cjk", "工业强县")]),
        ("发展，经济", [("cjk", "发展"), ("other", "，"), ("cjk", "经济")]),
        ("文化 现立", [("cjk", "文化"), ("cjk", "现立")]),
        ("Economic  growth", [("word", "economic"), ("word", "growth")]),
        ("GDP增长5%", [("word", "gdp"), ("cjk", "增长"), ("word", "5"), ("other", "%")]),
        ("一\n二", [("cjk", "一"), ("other", "\n"), ("cjk", "二")]),
    ],
)
def test_runs(text, expected):
    assert [run[:2] for run in runs(text)] == expected
    assert all(text[at:].lower().startswith(value) for _, value, at in runs(text))


def test_fnv1a_matches_the_reference_values():
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C


def test_encode_slots_is_delta_varint():
    assert encode_slots([3, 5, 300]) == bytes([3, 2, 0xA7, 0x02])


def _doc(title, date, text, heading="一、工作"):
    return SearchDoc(url=f"speeches/{title}/", title=title, date=date,
                     sections=(SearchSection("", "", "开场白"), SearchSection("yi", heading, text)))  # fmt: skip


def test_documents_are_numbered_newest_first(tmp_path):
    docs = [
        _doc("a", "2020-01-01", "甲"),
        _doc("b", "", "乙"),
        _doc("c", "2024-05", "丙"),
        _doc("d", "2022", "丁"),
    ]
    stats = build_index(docs, tmp_path / "idx")
    titles = [document_meta((tmp_path / "idx" / "d" / str(i)).read_bytes())["t"] for i in range(4)]
    assert titles == ["c", "d", "a", "b"]
    assert stats.docs == 4


def test_index_json_gives_the_first_speech_of_each_year(tmp_path):
    """The count by year takes every speech's year from index.json's runs, not from the facets file: the
    runs must give each document the year its facets give, undated speeches included."""
    rng = random.Random(5)
    dates = [rng.choice(["2019-03-01", "2019-11", "2021", "2021-12-31", "2023-06-30", ""]) for _ in range(40)]
    build_index([_doc(f"t{i}", date, "正文") for i, date in enumerate(dates)], tmp_path / "idx")
    manifest = json.loads((tmp_path / "idx" / "index.json").read_text())
    facets = json.loads(zlib.decompress((tmp_path / "idx" / "facets").read_bytes(), -15))
    runs = manifest["years"]
    assert [year for year, _ in runs] == ["2023", "2021", "2019", ""]
    ends = [first for _, first in runs[1:]] + [len(dates)]
    by_runs = [year for (year, first), end in zip(runs, ends, strict=True) for _ in range(first, end)]
    assert by_runs == [facets["years"][y] for y in facets["y"]]


def test_an_archive_without_speeches_has_an_index_with_nothing_in_it(tmp_path):
    """A new archive may have no speech yet: the index is still complete, and says so."""
    stats = build_index([], tmp_path / "idx")
    manifest = json.loads((tmp_path / "idx" / "index.json").read_text())
    assert stats.docs == 0 and manifest["docs"] == 0
    assert manifest["years"] == [] and manifest["blockTables"]["bytes"] == []
    assert manifest["firstRead"] == {"t": 64, "d": 64}
    assert list((tmp_path / "idx" / "b").iterdir()) == [] and read_block_tables(tmp_path / "idx") == []


def test_the_block_tables_hold_each_documents_block_fields(tmp_path):
    """b/<n> gives, for every document in order, where its blocks begin in its file and its header's
    fields about them (FORMAT.md), so the count by year can read a block without the header. Two workers
    write the documents (240 speeches: one per 100), whose records must come back in document order."""
    rng = random.Random(8)
    docs = [_doc(f"t{i}", f"20{i % 20:02d}-01-01", "".join(rng.choice("发展经济𠀀，") for _ in range(rng.randint(0, 1500))))
            for i in range(240)]  # fmt: skip
    build_index(docs, tmp_path / "idx", IndexOptions(workers=2))
    manifest = json.loads((tmp_path / "idx" / "index.json").read_text())
    assert manifest["blockTables"]["docs"] == BLOCK_TABLE_DOCS
    assert manifest["blockTables"]["bytes"] == [(tmp_path / "idx" / "b" / "0").stat().st_size]
    records = read_block_tables(tmp_path / "idx")
    assert len(records) == 240
    for doc, record in enumerate(records):
        data = (tmp_path / "idx" / "d" / str(doc)).read_bytes()
        size, at = read_varint(data, 0)
        begin, fields = read_varint(record, 0)
        assert begin == at + size  # the first block follows the header
        assert data[at : at + len(record) - fields] == record[fields:]  # the header's first fields
        document = load_document(tmp_path / "idx", doc)
        units, p = read_varint(record, fields)
        count, _ = read_varint(record, p)
        assert (units, count) == (document.units, len(document.blocks))


def _document(folder: Path, doc: int, encoding: str) -> tuple[dict, str]:
    """The metadata and text of document file d/<doc> (FORMAT.md, "A document file")."""
    document = load_document(folder, doc)
    assert json.loads((folder / "index.json").read_text())["text"] == encoding
    return document.meta, document.text


def test_one_file_per_speech_with_its_metadata_sections_and_text(tmp_path):
    build_index([_doc("讲话", "2023-04-19", "工业强县是战略选择。")], tmp_path / "idx")
    manifest = json.loads((tmp_path / "idx" / "index.json").read_text())
    # Chinese text is stored in UTF-16 (2 bytes a character instead of 3)
    assert manifest["text"] == "utf-16le"
    meta, text = _document(tmp_path / "idx", 0, "utf-16le")
    assert text == "讲话\n开场白\n一、工作\n工业强县是战略选择。"
    # each section's entry begins at its offset in the text (the first section has no heading)
    assert meta["h"] == [[3, "", "", 2], [7, "yi", "一、工作", 2]]
    assert text[7:].startswith("一、工作")
    assert (meta["u"], meta["t"], meta["d"]) == ("speeches/讲话/", "讲话", "2023-04-19")
    assert manifest["docs"] == 1 and manifest["shards"] >= 4
    # every shard file exists, so the client never meets a 404
    assert len(list((tmp_path / "idx" / "t").iterdir())) == manifest["shards"]


def test_offsets_count_utf16_code_units_as_the_browser_does(tmp_path):
    doc = SearchDoc(url="s/", title="𠀀表", sections=(SearchSection("a", "一、𠀁", "正文"),))
    build_index([doc], tmp_path / "idx")
    meta, text = _document(tmp_path / "idx", 0, "utf-16le")
    # 𠀀 is one character in Python and two code units in JavaScript: the offset counts units
    assert meta["h"] == [[4, "a", "一、𠀁", 2]]
    assert text.encode("utf-16le")[2 * 4 :].decode("utf-16le").startswith("一、𠀁")


def test_the_index_takes_few_files_per_speech(tmp_path):
    """One document file per speech, and shards in proportion (FORMAT.md): a static host's file limit is
    reached by the archive's pages, not by its index."""
    docs = [_doc(f"t{i}", "2020-01-01", "发展经济工业推进" * 40) for i in range(400)]
    stats = build_index(docs, tmp_path / "idx")
    files = [p for p in (tmp_path / "idx").rglob("*") if p.is_file()]
    assert len(files) == stats.files
    assert len(list((tmp_path / "idx" / "d").iterdir())) == 400
    assert stats.files <= 1.5 * 400


def test_the_same_input_gives_the_same_index(tmp_path):
    docs = [_doc(f"t{i}", f"2020-01-{i + 1:02d}", "发展经济" * (i + 1)) for i in range(5)]
    build_index(docs, tmp_path / "one")
    build_index(docs, tmp_path / "two")
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert files == sorted(
        p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file()
    )
    for rel in files:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel


def test_the_hook_reads_sections_and_anchors_from_rendered_html():
    sys.path.insert(0, str(ROOT / "hooks"))
    try:
        from search import _SectionParser
    finally:
        sys.path.remove(str(ROOT / "hooks"))
    html = (
        '<h1 id="t">讲话<a class="headerlink" href="#t">#</a></h1><p>同志们：</p>'
        "<div data-search-exclude><p>不要索引</p></div>"
        '<h2 id="一坚定">一、坚定<a class="headerlink" href="#一坚定">#</a></h2>'
        "<p>第一段<strong>加粗</strong>文字</p><ul><li>甲</li><li>乙</li></ul>"
        '<h3 id="x">（一）小节</h3><table><tr><td>表</td><td>格</td></tr></table>'
    )
    parser = _SectionParser()
    parser.feed(html)
    parser.close()
    assert parser.title == "讲话"
    assert [(s.anchor, s.heading, s.level, s.text) for s in parser.sections()] == [
        ("", "", 0, "同志们："),
        ("一坚定", "一、坚定", 2, "第一段加粗文字\n甲\n乙"),
        ("x", "（一）小节", 3, "表 格"),
    ]


def test_english_text_stays_utf8(tmp_path):
    doc = SearchDoc(
        url="speeches/a/", title="Remarks", sections=(SearchSection("", "", "Economic growth " * 200),)
    )
    build_index([doc], tmp_path / "idx")
    manifest = json.loads((tmp_path / "idx" / "index.json").read_text())
    assert manifest["text"] == "utf-8"
    _, text = _document(tmp_path / "idx", 0, "utf-8")
    assert text.startswith("Remarks\nEconomic growth") and len(text.split()) == 401


def test_workers_and_spills_do_not_change_the_index(tmp_path):
    """Documents indexed by several processes, with postings spilled to disk many times, give the same
    files, byte for byte, as one process holding everything."""
    words = ["发展", "经济", "工业", "富硒", "growth", "2024", "推进", "企业", "，", "。"]
    docs = [
        _doc(
            f"t{i}", f"20{i % 20:02d}-01-01", "".join(words[(i * k) % len(words)] for k in range(30 + i % 40))
        )
        for i in range(230)
    ]
    build_index(docs, tmp_path / "one", IndexOptions(workers=1))
    build_index(docs, tmp_path / "two", IndexOptions(workers=2, spill_bytes=1))
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert files == sorted(
        p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file()
    )
    assert sum(str(f).startswith("d/") for f in files) == 230
    for rel in files:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel


def test_a_document_file_holds_its_text_in_blocks_with_their_edges(tmp_path):
    """Each block is BLOCK characters of the text with the character before it and the OVERLAP after it,
    compressed on its own; the header also places the title and the headings (the lines whose places
    score more). Offsets count UTF-16 code units: a character beyond U+FFFF moves the next block's start."""
    body = "".join("发展经济工业推进企业项目"[i % 12] for i in range(2 * BLOCK)) + "𠀀" + "尾" * BLOCK
    doc = SearchDoc(url="s/", title="标题", sections=(SearchSection("a", "一、工作", body),))
    build_index([doc], tmp_path / "idx")
    document = load_document(tmp_path / "idx", 0)
    # the text recurs, so the blocks are compressed with a dictionary of its recurring strings
    assert json.loads((tmp_path / "idx" / "index.json").read_text())["dictionary"] > 0
    text = "标题\n一、工作\n" + body
    assert document.text == text
    assert len(document.blocks) == 4  # 8 + 2 * BLOCK + 1 + BLOCK characters
    for k, stored in enumerate(document.blocks):
        start = k * BLOCK
        assert stored == text[max(0, start - 1) : start + BLOCK + OVERLAP], k
        assert document.leads[k] == (1 if k else 0)
    # block 3 starts after 𠀀 (one character in Python, two code units in JavaScript)
    assert document.starts == [0, BLOCK, 2 * BLOCK, 3 * BLOCK + 1]
    assert document.units == len(text) + 1
    assert document.lines == [(0, 2), (3, 4)]  # the title, and the heading 一、工作 at offset 3


@pytest.mark.parametrize("count", [1, 2, 3, 63])
def test_block_masks_are_written_in_the_form_the_count_implies(count):
    blocks = {1: [[5], [130], [0]], 2: [[7], [2, 9], [3, 200]], 3: [[1, 2, 4], [0, 70], [0, 1, 2]],
              63: [list(range(90)), [4]]}[count]  # fmt: skip
    tfs = bytes([count << 2] * len(blocks))
    data = encode_masks(blocks, tfs)
    assert decode_masks(data, tfs) == blocks
    if count == 1:
        # most terms occur once in a speech: a block number in as few bits as the last block needs
        assert len(encode_masks([[5], [19], [0], [7]], bytes([4] * 4))) == 1 + 3  # B, then 4 × 5 bits


@pytest.mark.parametrize("count", [1, 2, 300, 5000])
def test_postings_read_back_with_their_counts_and_flags(count):
    rng = random.Random(count)
    for df in sorted({1, min(count, 2), min(count, 7), count // 2 or 1, count}):
        docs = sorted(rng.sample(range(count), df))
        tfs = bytes(
            min(63, rng.choice([1, 1, 1, 2, 5, 80])) << 2 | rng.choice([0, 0, 0, 1, 2, 3]) for _ in docs
        )
        data = encode_posting(docs, tfs, count)
        assert decode_posting(data + b"\xff", count) == (docs, tfs, len(data))


def test_a_term_of_one_speech_costs_a_few_bytes():
    """Most terms of a small archive are in one speech: their posting is df (and that it is in no title
    or heading) in a byte, then the document's id in 9 bits and its count in 1."""
    assert len(encode_posting([287], bytes([4]), 300)) == 1 + 2


CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _shard_entries(folder: Path, manifest: dict) -> dict[str, dict[int, tuple[int, list[int] | None]]]:
    """Decode every t/ file (FORMAT.md, "A shard file"): term -> {document: (tf byte, its blocks)} (None
    for a single character: it has no blocks)."""
    entries = {}
    count = manifest["docs"]
    for shard in range(manifest["shards"]):
        for term, parts in read_shard((folder / "t" / str(shard)).read_bytes()).items():
            data, masks, posting_in_bytes, masks_in_bytes = parts
            assert fnv1a(term) % manifest["shards"] == shard, term
            docs, tfs, end = decode_posting(data, count, posting_in_bytes)
            assert end == len(data), term
            blocks = decode_masks(masks, tfs, masks_in_bytes) if masks else [None] * len(docs)
            entries[term] = dict(zip(docs, zip(tfs, blocks, strict=True), strict=True))
    return entries


@pytest.mark.parametrize("workers", [1, 2])
def test_every_character_pair_of_every_section_is_in_the_index(tmp_path, workers):
    """Decode the shards and check them against the texts, counted here without the builder's tokenizer:
    every pair of adjacent CJK characters (and every character, and every word) of every title, heading
    and section text has an entry listing exactly the speeches where it occurs, with its count (at most
    63), whether it is in the title (2) or a heading (1), and (pairs and words) the blocks where it starts
    exactly). Dropping any pair, count, flag or
    block fails."""
    rng = random.Random(8)
    chars = "发展经济工业推进企业项目建设改革创新富硒茶叶㐀豈"
    texts = [
        "".join(rng.choice(chars + "，。 \n") for _ in range(rng.randint(1, 300))) + rng.choice(["", " GDP 2024 Growth"])
        for _ in range(150)
    ]  # fmt: skip
    texts[3] += "发展" * 70  # a count beyond the cap
    texts[4] += "。" * 3 * BLOCK + "富硒茶叶。" * 3  # terms in blocks far from the beginning
    docs = [
        SearchDoc(url=f"s/{i}/", title=f"t{i}" + "".join(rng.choice(chars) for _ in range(rng.randint(0, 6))),
                  date=f"20{i % 30:02d}-01-01",
                  sections=(SearchSection("", "", texts[i][:40]),
                            SearchSection("h", "".join(rng.choice(chars) for _ in range(rng.randint(0, 5))), texts[i][40:])))
        for i in range(150)
    ]  # fmt: skip
    build_index(docs, tmp_path / "idx", IndexOptions(workers=workers, spill_bytes=20_000))
    manifest = json.loads((tmp_path / "idx" / "index.json").read_text())
    ids = {document_meta((tmp_path / "idx" / "d" / str(i)).read_bytes())["u"]: i for i in range(len(docs))}
    expected: dict[str, dict[int, list]] = {}  # term -> doc -> [count, flags, blocks]
    for doc in docs:
        parts = [(doc.title, 2)] + [(p, f) for s in doc.sections for p, f in ((s.heading, 1), (s.text, 0))]
        start = 0  # where the part begins in the speech's text (its parts joined by newlines)
        for part, flag in parts:
            if not part and flag == 1:
                continue  # a section without a heading has no heading line
            terms = [
                (m.group(), m.start(), True)
                for m in re.finditer(
                    r"(?:(?![\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[^\W_])+", part.lower()
                )
            ]
            for m in CJK_RUN.finditer(part):
                run = m.group()
                terms += [(c, m.start() + k, False) for k, c in enumerate(run)]
                terms += [(run[k : k + 2], m.start() + k, True) for k in range(len(run) - 1)]
            for term, at, placed in terms:
                entry = expected.setdefault(term, {}).setdefault(
                    ids[doc.url], [0, 0, set() if placed else None]
                )
                entry[0] += 1
                entry[1] |= flag
                if placed:
                    entry[2].add((start + at) // BLOCK)
            start += len(part) + 1
    got = _shard_entries(tmp_path / "idx", manifest)
    assert set(got) == set(expected)
    for term, by_doc in expected.items():
        want = {
            d: (min(n, 63) << 2 | f, sorted(blocks) if blocks is not None else None)
            for d, (n, f, blocks) in by_doc.items()
        }
        assert got[term] == want, term
    assert any(len(v) > len(docs) // 8 for v in got.values())  # some document lists are bitmaps
    assert any(n >= 63 for v in expected.values() for n, _, _ in v.values())  # the cap is reached
    assert any(max(b) >= 3 for v in expected.values() for _, _, b in v.values() if b)  # far blocks


def test_a_posting_of_a_term_in_every_speech_at_the_cap_is_kept_in_bytes():
    """Counts at the cap in every speech: format 6's bytes deflated are smaller than Rice codes."""
    docs = list(range(1000))
    tfs = bytes([63 << 2] * 1000)
    bits = encode_posting(docs, tfs, 1000)
    part, flags = _smaller(bits, encode_posting_bytes(docs, bytes([0] + [1] * 999), tfs, 1000))
    assert flags == 2 | 1 and len(part) < len(bits)  # in bytes, deflated
    assert decode_posting(zlib.decompress(part, -15), 1000, True)[:2] == (docs, tfs)


def _dictionary_by_counting_everything(texts, encoding, size):
    """build_dictionary as it was first written: every string of six characters in a Counter."""
    from collections import Counter

    counts = Counter()
    for text in texts:
        counts.update(text[i : i + 6] for i in range(len(text) - 5))
    chosen, total = [], 0
    for piece, count in counts.most_common():
        if count < 2 or total >= size:
            break
        chosen.append(piece)
        total += len(piece.encode(encoding))
    return "".join(reversed(chosen)).encode(encoding)[-size:] if chosen else b""


@pytest.mark.parametrize("seed", range(40))
def test_the_dictionary_is_the_one_counting_every_string_would_give(seed):
    from converter.search import builder

    rng = random.Random(seed)
    alphabet = "ab中文化现立 \n"[: rng.randint(1, 10)]
    texts = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400))) for _ in range(rng.randint(0, 6))
    ]
    for encoding in ("utf-8", "utf-16le"):
        for size in (12, 100, 32768):
            expected = _dictionary_by_counting_everything(texts, encoding, size)
            assert builder.build_dictionary(texts, encoding, size) == expected


def test_strings_that_share_a_hash_are_still_counted_apart():
    from collections import Counter

    from converter.search.builder import _recurring

    rng = random.Random(3)
    texts = ["".join(rng.choice("甲乙丙丁") for _ in range(300)) for _ in range(3)]
    everything = Counter(text[i : i + 6] for text in texts for i in range(len(text) - 5))
    recurring = [(gram, count) for gram, count in everything.items() if count > 1]
    # a table of 2 entries: nearly every string shares its slot with others
    assert list(_recurring(texts, 6, sketch_bits=1).items()) == recurring
    assert list(_recurring(texts, 6).items()) == recurring
