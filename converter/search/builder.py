"""Writing the static search index (the format is described in FORMAT.md beside this file).

`build_index(docs, out)` streams the documents over temporary files so that memory stays bounded by a fixed
budget, not by the archive:

1. spill every document to a temporary file and collect the dates (document ids are assigned newest first,
   so "ties by date, newest first" is simply "lower id first") and the facets;
2. read the documents back in id order, write each one's document file (metadata and text in blocks, one
   file per speech) and append its postings to one compact accumulator per term (document gaps, tf bytes
   and block masks: the very bytes of the shard format); when the accumulators pass `spill_bytes`, append
   them to `partitions` temporary files chosen by term hash as one segment per term;
3. load one partition at a time, join each term's segments (they are in document order, so joining is
   concatenation) and write the shard files.

Steps 2 and 3 run in `workers` processes: step 2 over consecutive ranges of documents (their segments are
joined in range order), step 3 over partitions. The output does not depend on the number of workers.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import pickle
import random
import shutil
import tempfile
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from converter.search.postings import (
    decode_masks,
    decode_masks_bytes,
    decode_posting,
    encode_masks,
    encode_posting,
    encode_posting_bytes,
    read_varint,
    varints,
)
from converter.search.tokens import runs

__all__ = ["decode_masks", "decode_posting"]  # the readers of a term's parts, with read_shard

FORMAT_VERSION = 7
# Documents per block table (b/<n>): at 10,000 speeches 10 files of about 30 KB, which the count by year
# reads instead of a header (about 110 bytes, and a request) for each of hundreds of speeches in them.
BLOCK_TABLE_DOCS = 1024
TITLE_FLAG = 2
HEADING_FLAG = 1
TF_CAP = 63
# A document's text is stored in blocks of BLOCK characters, each compressed on its own, so that the
# client reads only the blocks where a phrase can be (HTTP Range). Each block also holds the character
# before it and the OVERLAP characters after it: a phrase (with the character after it) of up to OVERLAP
# characters that starts in a block is whole in that block. 512 characters cost about 1 KB to read;
# larger blocks compress better but cost more to read, smaller ones the reverse.
BLOCK = 512
OVERLAP = 16
# Blocks are compressed with a preset dictionary of the archive's commonest strings (32 KB, DEFLATE's
# window): a block of 512 characters alone repeats little, and the dictionary gives it what the rest of
# the archive repeats. On the benchmarks' archives it makes the blocks 10-40 % smaller, about as small as
# whole speeches compressed alone. The client reads the dictionary once.
DICTIONARY_BYTES = 32768
DICTIONARY_SAMPLE = 200  # speeches whose text the dictionary is drawn from (a seeded random sample)


@dataclass(frozen=True)
class SearchSection:
    """One section of a speech: its heading's HTML id and text ("" for the text before the first heading)."""

    anchor: str
    heading: str
    text: str
    level: int = 2


@dataclass(frozen=True)
class SearchDoc:
    """One speech as the index sees it. `url` is relative to the site root ("speeches/slug/")."""

    url: str
    title: str
    sections: tuple[SearchSection, ...]
    date: str = ""
    speaker: str = ""
    event: str = ""


@dataclass(frozen=True)
class IndexOptions:
    """Tuning knobs, with their defaults in one place.

    The file counts are per speech because a static host limits files, and the index must not be most of
    them: with one document file per speech, the defaults give 1.25 to 1.5 index files per speech (the
    shard count is rounded up to a power of two)."""

    shards_per_doc: float = 0.25  # term shard files (t/) per speech (a power of two, at least 4)
    text_encoding: str = "auto"  # of the document files' text: utf-8, utf-16le, or auto (the smaller one)
    max_partitions: int = 128
    spill_bytes: int = 48 << 20  # postings held in memory (per worker) before they go to the partitions
    workers: int = 0  # processes; 0: one per CPU, at most 4 (one for small archives)


@dataclass
class IndexStats:
    docs: int = 0
    terms: int = 0
    shards: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    bytes_by_kind: dict = field(default_factory=dict)
    text_bytes: int = 0  # the UTF-8 bytes of the speeches' text (titles, headings, sections)


def fnv1a(term: str) -> int:
    """32-bit FNV-1a of the term's UTF-8 bytes; the client computes the same to find a term's shard."""
    h = 0x811C9DC5
    for byte in term.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def varint(value: int, out: bytearray) -> None:
    while value > 127:
        out.append((value & 127) | 128)
        value >>= 7
    out.append(value)


VARINT_TABLE = 1 << 16
VARINT = [varints((value,)) for value in range(VARINT_TABLE)]  # the encoding of every small number


class _Sizes:
    """Files and bytes written, by top-level kind (t, p, m, x, ...)."""

    def __init__(self) -> None:
        self.by_kind: dict[str, list[int]] = {}

    def add(self, kind: str, size: int, files: int = 1) -> None:
        entry = self.by_kind.setdefault(kind, [0, 0])
        entry[0] += files
        entry[1] += size

    def merge(self, other: dict[str, list[int]]) -> None:
        for kind, (files, size) in other.items():
            self.add(kind, size, files)


def _write(path: str, data: bytes, compress: bool = True) -> int:
    """Write one index file, raw DEFLATE compressed unless told otherwise; return the bytes written.

    Static hosts serve these files as they are (most compress only text types, and not every host
    compresses at all), so the index compresses them itself (shards and document files in parts, see
    _deflate), and the client inflates them with the browser's DecompressionStream."""
    if compress:
        data = _deflate(data)
    with open(path, "wb") as handle:
        handle.write(data)
    return len(data)


def read_index_file(path: str | Path) -> bytes:
    """The content of a compressed index file (every file but index.json), as the client sees it."""
    return zlib.decompress(Path(path).read_bytes(), -15)


@dataclass
class _Plan:
    """What every worker needs to know (picklable)."""

    tmp: str
    out: str
    count: int
    shards: int
    partitions: int
    encoding: str
    offsets: list[int]  # file offset of each document (by id) in the spill file
    options: IndexOptions
    dictionary: bytes  # the blocks' preset dictionary, in the text's encoding


def build_index(docs: Iterable[SearchDoc], out: Path, options: IndexOptions | None = None) -> IndexStats:
    """Write the index for `docs` into the folder `out` (replaced if it exists) and return statistics."""
    options = options or IndexOptions()
    started = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    for kind in ("t", "d"):
        (out / kind).mkdir(parents=True)
    sizes = _Sizes()
    terms = 0
    reads: dict[str, list[int]] = {"t": [], "d": []}
    with tempfile.TemporaryDirectory(prefix="search-index-") as tmp:
        spilled = _spill_docs(docs, os.path.join(tmp, "docs.pickle"))
        count = spilled["count"]
        shards = _power_of_two(count * options.shards_per_doc)
        encoding = options.text_encoding
        if encoding == "auto":
            encoding = "utf-16le" if spilled["utf16"] < spilled["utf8"] else "utf-8"
        dictionary = build_dictionary(spilled["sample"], encoding)
        plan = _Plan(tmp, str(out), count, shards, min(shards, options.max_partitions), encoding,
                     spilled["offsets"], options, dictionary)  # fmt: skip
        workers = options.workers or min(os.cpu_count() or 1, 4)
        workers = max(1, min(workers, count // 100))  # a process is worth starting for 100 speeches
        bounds = [count * w // workers for w in range(workers + 1)]
        groups = [list(range(w, plan.partitions, workers)) for w in range(workers)]
        if workers == 1:
            doc_results = [_index_range(plan, 0, 0, count)]
            shard_results = [_write_partitions(plan, groups[0], 1)]
        else:
            # fork where there is one: spawn would re-import the caller's main module in every worker
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                doc_results = list(pool.map(_index_range, [plan] * workers, range(workers),
                                            bounds[:-1], bounds[1:]))  # fmt: skip
                shard_results = list(
                    pool.map(_write_partitions, [plan] * workers, groups, [workers] * workers)
                )
        records: list[bytes] = []
        for result, heads, worker_records in doc_results:  # the workers' ranges, in document order
            sizes.merge(result)
            reads["d"] += heads
            records += worker_records
        for result, found, dirs in shard_results:
            sizes.merge(result)
            terms += found
            reads["t"] += dirs
    facets = spilled["facets"]
    data = json.dumps(facets, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sizes.add("facets", _write(os.path.join(out, "facets"), data))
    sizes.add("dictionary", _write(os.path.join(out, "dictionary"), dictionary))
    table_bytes = _write_block_tables(records, out, sizes)
    manifest = {
        "format": FORMAT_VERSION,
        "docs": count,
        "shards": shards,
        "text": encoding,
        "tfCap": TF_CAP,
        "compression": "deflate-raw",
        "overlap": OVERLAP,
        "dictionary": len(dictionary),
        # How many bytes to ask for first: enough for the whole directory of 999 shards in 1,000 and the
        # header of 999 documents in 1,000, so nearly every file takes one request before its parts.
        "firstRead": {kind: _first_read(sizes) for kind, sizes in reads.items()},
        "years": year_runs(facets["years"], facets["y"]),
        "blockTables": {"docs": BLOCK_TABLE_DOCS, "bytes": table_bytes},
    }
    data = json.dumps(manifest).encode()
    sizes.add("index.json", _write(os.path.join(out, "index.json"), data, compress=False))
    stats = IndexStats(docs=count, terms=terms, shards=shards, text_bytes=spilled["utf8"])
    for kind, (files, size) in sizes.by_kind.items():
        stats.files += files
        stats.bytes += size
        stats.bytes_by_kind[kind] = size
    stats.seconds = time.perf_counter() - started
    return stats


def _write_block_tables(records: list[bytes], out: Path, sizes: _Sizes) -> list[int]:
    """Write b/<n>, the block tables of documents n*BLOCK_TABLE_DOCS onwards; return their sizes."""
    (out / "b").mkdir()
    written = []
    for n, first in enumerate(range(0, len(records), BLOCK_TABLE_DOCS)):
        data = b"".join(records[first : first + BLOCK_TABLE_DOCS])
        written.append(_write(os.path.join(out, "b", str(n)), data))
        sizes.add("b", written[-1])
    return written


def block_record(document: bytes) -> bytes:
    """A document file's record in the block tables (FORMAT.md): where its blocks begin in the file, then
    its header's first fields (the text's length, the block count, each block's gap and sizeLead),
    which are all a reader needs to find and read its blocks."""
    size, header_at = read_varint(document, 0)
    return varints((header_at + size,)) + document[header_at : _after_block_fields(document, header_at)]


def _after_block_fields(data: bytes, at: int) -> int:
    """Where the block fields starting at `at` end: units, count, then (gap, sizeLead) for each block."""
    _, at = read_varint(data, at)  # units
    count, at = read_varint(data, at)
    for _ in range(2 * count):
        _, at = read_varint(data, at)
    return at


def read_block_tables(folder: str | Path) -> list[bytes]:
    """Every document's record, in document order, as the client reads them from the b/ files."""
    records = []
    for n in range(len(json.loads((Path(folder) / "index.json").read_text())["blockTables"]["bytes"])):
        data = read_index_file(Path(folder) / "b" / str(n))
        at = 0
        while at < len(data):
            start = at
            _, at = read_varint(data, at)  # where the blocks begin
            at = _after_block_fields(data, at)
            records.append(data[start:at])
    return records


def year_runs(years: list[str], doc_years: list[int]) -> list[list]:
    """Each year with its first document, in document order: [[year, first], ...], "" for the undated.
    Documents are numbered by their date strings, newest first, and strings with the same first four
    characters sort together, so a year's documents are neighbours: the count by year learns every
    speech's year from these few bytes instead of the facets file (120 KB at 10,000 speeches)."""
    runs: list[list] = []
    for doc, index in enumerate(doc_years):
        if not runs or runs[-1][0] != years[index]:
            runs.append([years[index], doc])
    return runs


def _first_read(sizes: list[int]) -> int:
    """The 99.9th percentile of `sizes`, rounded up to 16 bytes (at least 64). A first read that falls
    short costs a request in a row, which a query's shard directories (read before anything else) and
    its candidates' headers put on the path to its first results: at the 90th percentile, a query of
    four terms at 10,000 speeches waited for a second directory read about one time in three. Not
    rounded up to 256 either: a document's header is about 110 bytes (at most 147 at 10,000 speeches),
    and 256 read 96 bytes more than 160 for every speech a search or the count by year reads."""
    if not sizes:
        return 64
    ordered = sorted(sizes)
    return max(64, -(-ordered[len(ordered) * 999 // 1000] // 16) * 16)


def _spill_docs(docs: Iterable[SearchDoc], path: str) -> dict:
    """Write the documents to `path` one pickle each. Returns their count, the file offset of each by id
    (newest first), the text's size in UTF-8 and in UTF-16, and the facets."""
    keys = []
    offsets = []
    utf8 = utf16 = 0
    sample: list[str] = []
    chooser = random.Random(5)  # seeded: the same archive gives the same dictionary
    with open(path, "wb") as spill:
        for seq, doc in enumerate(docs):
            offsets.append(spill.tell())
            pickle.dump(doc, spill, protocol=pickle.HIGHEST_PROTOCOL)
            keys.append((doc.date, doc.title, seq, doc.speaker, doc.event))
            texts = (doc.title, *(s.heading for s in doc.sections), *(s.text for s in doc.sections))
            for text in texts:
                utf8 += len(text.encode("utf-8"))
                utf16 += len(text.encode("utf-16le"))
            # a uniform sample of the speeches, however many there are (reservoir sampling)
            slot = seq if seq < DICTIONARY_SAMPLE else chooser.randrange(seq + 1)
            if slot < DICTIONARY_SAMPLE:
                joined = "\n".join(texts)
                if slot == len(sample):
                    sample.append(joined)
                else:
                    sample[slot] = joined
    # ISO dates sort as strings; undated ("") last; equal dates by title. Both sorts are stable.
    ranked = sorted(keys, key=lambda k: k[1])
    ranked.sort(key=lambda k: k[0], reverse=True)
    doc_ids = [0] * len(keys)
    for doc_id, key in enumerate(ranked):
        doc_ids[key[2]] = doc_id
    facet_values: dict[str, dict[str, int]] = {"years": {}, "speakers": {}, "events": {}}
    facets: dict[str, list] = {"y": [0] * len(keys), "s": [0] * len(keys), "e": [0] * len(keys)}
    for date, _, seq, speaker, event in keys:
        for key, letter, value in (
            ("years", "y", date[:4]),
            ("speakers", "s", speaker),
            ("events", "e", event),
        ):
            values = facet_values[key]
            facets[letter][doc_ids[seq]] = values.setdefault(value, len(values))
    for key, values in facet_values.items():
        facets[key] = list(values)
    return {
        "count": len(keys),
        "offsets": [offsets[k[2]] for k in ranked],
        "utf8": utf8,
        "utf16": utf16,
        "facets": facets,
        "sample": sample,
    }


def build_dictionary(texts: list[str], encoding: str, size: int = DICTIONARY_BYTES) -> bytes:
    """A preset dictionary for the blocks: the strings of six characters that recur most in `texts`, the
    commonest last (DEFLATE reaches near strings with shorter codes), at most `size` bytes in `encoding`.
    Empty when nothing recurs."""
    counts = _recurring(texts, 6)
    chosen = []
    total = 0
    # as Counter.most_common: by count, equal counts in the order first seen (sorted() is stable)
    for piece in sorted(counts, key=counts.__getitem__, reverse=True):
        if total >= size:
            break
        chosen.append(piece)
        total += len(piece.encode(encoding))
    return "".join(reversed(chosen)).encode(encoding)[-size:] if chosen else b""


def _recurring(texts: list[str], width: int, sketch_bits: int = 24) -> dict[str, int]:
    """The strings of `width` characters found more than once in `texts`, with their counts, in the order
    first seen. Most strings of a sample occur once, and counting every one of them took 300 MB or more
    (a Python string and a dict entry each); so a first pass counts them by hash, up to two, in a table of
    2**sketch_bits bytes, and the second counts only the strings whose hash was seen twice. A string
    seen twice is always counted (strings that share its hash only add to the table), and one that
    shares a hash with another is dropped by its count."""
    mask = (1 << sketch_bits) - 1
    seen = bytearray(mask + 1)
    for text in texts:
        for i in range(len(text) - width + 1):
            slot = hash(text[i : i + width]) & mask
            if seen[slot] < 2:
                seen[slot] += 1
    counts: Counter = Counter()
    for text in texts:
        grams = (text[i : i + width] for i in range(len(text) - width + 1))
        counts.update(gram for gram in grams if seen[hash(gram) & mask] == 2)
    return {gram: count for gram, count in counts.items() if count > 1}


def _power_of_two(wanted: float) -> int:
    """The power of two nearest above `wanted`, at least 4: a number of shard files."""
    files = 4
    while files < wanted:
        files *= 2
    return files


class _Postings:
    """Collects one document's postings: the count of every bigram, word and single CJK character, the
    title/heading flags of the terms that occur there, and the blocks where each bigram and word starts (a
    bit mask: bit k for block k, the characters k*BLOCK .. k*BLOCK+BLOCK-1 of the text). Single characters
    have no blocks: a phrase of one character is settled by the index, and a longer one has a bigram."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.flags: dict[str, int] = {}
        self.masks: dict[str, int] = {}

    def add_text(self, text: str, start: int, flag: int) -> None:
        """Add one line of the document's text (title, heading or section), which begins at code point
        `start` of the whole text."""
        counts = self.counts
        seen = [] if flag else None
        for kind, value, at in runs(text):
            if kind == "cjk":
                counts.update(value)
                pairs = list(map(str.__add__, value, value[1:]))
                counts.update(pairs)
                self._mark_run(value, pairs, start + at)
                if flag:
                    seen.extend(pairs)
                    seen.extend(value)
            elif kind == "word":
                counts[value] += 1
                self._mark(value, (start + at) // BLOCK)
                if flag:
                    seen.append(value)
        for term in seen or ():
            self.flags[term] = self.flags.get(term, 0) | flag

    def _mark(self, term: str, block: int) -> None:
        self.masks[term] = self.masks.get(term, 0) | 1 << block

    def _mark_run(self, chars: str, pairs: list[str], at: int) -> None:
        """Mark the block where each pair of a CJK run (at code point `at`) starts."""
        masks = self.masks
        first = 0
        while first < len(chars):
            block = (at + first) // BLOCK
            last = min(len(chars), (block + 1) * BLOCK - at)  # the run's part in this block
            bit = 1 << block
            for term in set(pairs[first:last]):
                masks[term] = masks.get(term, 0) | bit
            first = last


def encode_slots(slots: list[int]) -> bytes:
    """Delta-encode ascending numbers (document ids) as varints; the first stays absolute."""
    out = bytearray()
    previous = 0
    for slot in slots:
        gap = slot - previous
        previous = slot
        while gap > 127:
            out.append((gap & 127) | 128)
            gap >>= 7
        out.append(gap)
    return bytes(out)


def encode_mask(mask: int, count: int) -> bytes:
    """The blocks where a term starts in one document, as the builder holds them until the term's shard is
    written (the form of format 6's masks): once, the block; twice, the first block and the gap to the
    second; more often, the bit mask (bit k for block k) as a varint. Most terms occur once in a document,
    so most take one byte."""
    if count == 1:
        return VARINT[mask.bit_length() - 1]
    if count == 2:
        first = (mask & -mask).bit_length() - 1
        return VARINT[first] + VARINT[mask.bit_length() - 1 - first]
    return varints((mask,))


def _index_range(
    plan: _Plan, worker: int, first: int, last: int
) -> tuple[dict[str, list[int]], list[int], list[bytes]]:
    """Step 2 for the documents `first`..`last`-1: write their document files and append their postings to
    the partition files `part-<worker>-<n>`. Returns the sizes of the files written, the size of each
    document file's header and each document's record in the block tables."""
    collecting = gc.isenabled()
    gc.disable()  # the accumulators form no cycles; collecting would only walk them again and again
    try:
        return _index_docs(plan, worker, first, last)
    finally:
        if collecting:
            gc.enable()


def _index_docs(
    plan: _Plan, worker: int, first: int, last: int
) -> tuple[dict[str, list[int]], list[int], list[bytes]]:
    sizes = _Sizes()
    heads: list[int] = []
    records: list[bytes] = []
    options = plan.options
    accs: dict[str, list] = {}  # term -> [last doc, doc gaps, tf bytes, block masks]
    held = 0
    hashes: dict[str, int] = {}  # term -> partition
    with open(os.path.join(plan.tmp, "docs.pickle"), "rb") as spill:
        for doc_id in range(first, last):
            spill.seek(plan.offsets[doc_id])
            doc: SearchDoc = pickle.load(spill)
            postings, head, record = _index_doc(doc, doc_id, plan, sizes)
            heads.append(head)
            records.append(record)
            flags = postings.flags
            masks = postings.masks
            for term, n in postings.counts.items():
                acc = accs.get(term)
                if acc is None:
                    acc = accs[term] = [0, bytearray(), bytearray(), bytearray()]
                    held += 300  # the accumulator's objects
                gap = doc_id - acc[0]
                acc[0] = doc_id
                acc[1] += VARINT[gap] if gap < VARINT_TABLE else varints((gap,))
                acc[2].append((n if n < TF_CAP else TF_CAP) << 2 | flags.get(term, 0))
                mask = masks.get(term)
                if mask is not None:
                    acc[3] += encode_mask(mask, n if n < TF_CAP else TF_CAP)
            held += 6 * len(postings.counts)
            if held > options.spill_bytes:
                _spill(plan, worker, accs, hashes)
                accs = {}
                held = 0
    _spill(plan, worker, accs, hashes)
    return sizes.by_kind, heads, records


def _spill(plan: _Plan, worker: int, accs: dict[str, list], hashes: dict[str, int]) -> None:
    """Append every term's segment (first doc, last doc, gaps, tf bytes, masks) to its partition file."""
    buffers: list[list] = [[] for _ in range(plan.partitions)]
    for term, (last, gaps, tfs, masks) in accs.items():
        segment = (term, _first_varint(gaps), last, bytes(gaps), bytes(tfs), bytes(masks))
        number = hashes.get(term)
        if number is None:
            number = hashes[term] = fnv1a(term) % plan.partitions
        buffers[number].append(segment)
    for number, buffer in enumerate(buffers):
        if buffer:
            with open(os.path.join(plan.tmp, f"part-{worker}-{number}.pickle"), "ab") as part:
                pickle.dump(buffer, part, protocol=pickle.HIGHEST_PROTOCOL)


def _first_varint(data: bytes) -> int:
    return read_varint(data, 0)[0]


def _index_doc(doc: SearchDoc, doc_id: int, plan: _Plan, sizes: _Sizes) -> tuple[_Postings, int, bytes]:
    """Tokenize one document, write its document file; return its postings, the size of the file's
    header and its record in the block tables."""
    postings = _Postings()
    pieces = [doc.title]
    postings.add_text(doc.title, 0, TITLE_FLAG)
    start = len(doc.title) + 1  # code points, as Python counts (the blocks)
    offset = _units(doc.title) + 1  # UTF-16 code units, as JavaScript counts (the sections' offsets)
    heads = []
    for section in doc.sections:
        heads.append([offset, section.anchor, section.heading, section.level])
        if section.heading:
            postings.add_text(section.heading, start, HEADING_FLAG)
            pieces.append(section.heading)
            start += len(section.heading) + 1
            offset += _units(section.heading) + 1
        postings.add_text(section.text, start, 0)
        pieces.append(section.text)
        start += len(section.text) + 1
        offset += _units(section.text) + 1
    data, head = document_file(doc, heads, "\n".join(pieces), plan.encoding, plan.dictionary)
    sizes.add("d", _write(os.path.join(plan.out, "d", str(doc_id)), data, compress=False))
    return postings, head, block_record(data)


def _units(text: str) -> int:
    """The length of `text` in UTF-16 code units (a character beyond U+FFFF counts two, as in JavaScript)."""
    return len(text) + sum(1 for char in text if char > "\uffff") if not text.isascii() else len(text)


def _deflate(data: bytes, level: int = 6, dictionary: bytes = b"") -> bytes:
    """Raw DEFLATE, with a preset dictionary when one is given (an empty one is none)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, dictionary)
    return packer.compress(data) + packer.flush()


def _inflate(data: bytes, dictionary: bytes = b"") -> bytes:
    inflater = zlib.decompressobj(-15, dictionary)
    return inflater.decompress(data) + inflater.flush()


# Parts shorter than this are not even tried with DEFLATE: it seldom makes them smaller, and trying it
# (two forms of two parts of every term) took a sixth of the index's build.
DEFLATE_FROM = 16


def _packed(data: bytes) -> tuple[bytes, bool]:
    """`data` deflated, or as it is when deflating would not make it smaller (tiny postings)."""
    if len(data) < DEFLATE_FROM:
        return data, False
    packed = _deflate(data)
    return (packed, True) if len(packed) < len(data) else (data, False)


def document_file(
    doc: SearchDoc, heads: list, text: str, encoding: str, dictionary: bytes
) -> tuple[bytes, int]:
    """One speech's file and the size of its header (FORMAT.md): the header says where the title and the
    headings are in the text and where each block is; then the text (title, then each heading and section
    text, one per line) in blocks of BLOCK characters, each deflated on its own with the character before
    it and the OVERLAP characters after it; then the metadata (JSON, UTF-8, deflated), last because only
    the results shown need it. Offsets are in UTF-16 code units, as JavaScript counts."""
    meta = {"u": doc.url, "t": doc.title, "d": doc.date, "s": doc.speaker, "e": doc.event, "h": heads}
    meta_data = _deflate(json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    narrow = text.isascii() or max(text) <= "\uffff"  # then a code point is a code unit
    blocks = []
    fields = []
    previous = 0
    for first in range(0, max(len(text), 1), BLOCK):
        lead = 1 if first else 0  # the character before the block: a word must not continue into it
        stored = text[first - lead : first + BLOCK + OVERLAP]
        start = first if narrow else _units(text[:first])
        lead_units = lead if narrow or not lead else _units(text[first - 1])
        blocks.append(_deflate(stored.encode(encoding), 9, dictionary))  # level 9: written once, read often
        fields += [start - previous, len(blocks[-1]) << 2 | lead_units]
        previous = start
    # the lines whose places count more: the title (line 0) and each heading, as (offset gap, length)
    lines = [0, _units(doc.title)]
    previous = 0
    for offset, _, heading, _ in heads:
        if heading:
            lines += [offset - previous, _units(heading)]
            previous = offset
    header = varints((_units(text), len(blocks), *fields, len(meta_data), len(lines) // 2, *lines))
    prefix = varints((len(header),)) + header
    return prefix + b"".join(blocks) + meta_data, len(prefix)


class Document:
    """A document file read back, as the client reads it: its metadata, its lines, its blocks and its text."""

    def __init__(self, data: bytes, encoding: str, dictionary: bytes = b"") -> None:
        size, at = read_varint(data, 0)
        fields = []
        end = at + size
        while at < end:
            value, at = read_varint(data, at)
            fields.append(value)
        self.units, count = fields[:2]
        self.starts: list[int] = []
        self.leads: list[int] = []
        self.sizes: list[int] = []  # each block's compressed size, as a Range request reads it
        self.blocks: list[str] = []
        start = 0
        for gap, size_lead in zip(fields[2 : 2 + 2 * count : 2], fields[3 : 3 + 2 * count : 2], strict=True):
            start += gap
            self.starts.append(start)
            self.leads.append(size_lead & 3)
            self.sizes.append(size_lead >> 2)
            if encoding:
                block = _inflate(data[at : at + (size_lead >> 2)], dictionary)
                self.blocks.append(block.decode(encoding))
            at += size_lead >> 2
        meta_size, lines = fields[2 + 2 * count : 4 + 2 * count]
        self.meta = json.loads(zlib.decompress(data[at : at + meta_size], -15))
        self.lines: list[tuple[int, int]] = []
        offset = 0
        for gap, length in zip(fields[4 + 2 * count :: 2], fields[5 + 2 * count :: 2], strict=True):
            offset += gap
            self.lines.append((offset, length))
        if at + meta_size != len(data) or len(self.lines) != lines:
            raise ValueError("a damaged document file")

    def owned(self, k: int) -> str:
        """Block k's own text: without the character before it and the overlap after it."""
        end = self.starts[k + 1] if k + 1 < len(self.starts) else self.units
        return _utf16_slice(self.blocks[k], self.leads[k], self.leads[k] + end - self.starts[k])

    @property
    def text(self) -> str:
        return "".join(self.owned(k) for k in range(len(self.blocks)))


def _utf16_slice(text: str, start: int, end: int) -> str:
    """text[start:end] with start and end counted in UTF-16 code units."""
    if text.isascii() or max(text) <= "\uffff":
        return text[start:end]
    return text.encode("utf-16le")[2 * start : 2 * end].decode("utf-16le")


def load_document(folder: str | Path, doc: int) -> Document:
    """Document `doc` of the index in `folder`, read with the index's text encoding and dictionary."""
    folder = Path(folder)
    manifest = json.loads((folder / "index.json").read_text())
    dictionary = read_index_file(folder / "dictionary") if manifest.get("dictionary") else b""
    return Document((folder / "d" / str(doc)).read_bytes(), manifest["text"], dictionary)


def document_meta(data: bytes) -> dict:
    """The metadata of a document file (its text is not decoded)."""
    return Document(data, "").meta


def _write_partitions(
    plan: _Plan, numbers: list[int], workers: int
) -> tuple[dict[str, list[int]], int, list[int]]:
    """Step 3 for the partitions `numbers`: join each term's segments (worker by worker, each in document
    order) and write the shard files of the partition. Returns the sizes of the files written, the number
    of terms and the size of each shard's directory."""
    sizes = _Sizes()
    terms_written = 0
    dirs = []
    for number in numbers:
        grouped = _load_segments(plan, number, workers)
        by_shard: dict[int, list[str]] = defaultdict(list)
        for term in grouped:
            by_shard[fnv1a(term) % plan.shards].append(term)
        for shard in range(number, plan.shards, plan.partitions):
            terms = sorted(by_shard.get(shard, []))  # code point order is UTF-8 byte order
            data, directory = shard_file([(term, _encode_term(grouped[term], plan)) for term in terms])
            sizes.add("t", _write(os.path.join(plan.out, "t", str(shard)), data, compress=False))
            dirs.append(directory)
            terms_written += len(terms)
        del grouped
    return sizes.by_kind, terms_written, dirs


def shard_file(entries: list[tuple[str, tuple[bytes, int, bytes, int]]]) -> tuple[bytes, int]:
    """A shard's file and the size of its directory (FORMAT.md): the directory (each term's name, front
    coded, with the size and flags of its parts; deflated) and then each term's parts."""
    directory = bytearray()
    varint(len(entries), directory)
    body = []
    previous = b""
    for term, (posting, posting_flags, masks, mask_flags) in entries:
        name = term.encode("utf-8")
        shared = _shared_prefix(previous, name)
        varint(shared, directory)
        varint(len(name) - shared, directory)
        directory += name[shared:]
        previous = name
        varint(len(posting) << 2 | posting_flags, directory)
        varint(len(masks) << 2 | mask_flags, directory)
        body += (posting, masks)
    packed = _deflate(bytes(directory))
    prefix = varints((len(packed),)) + packed
    return prefix + b"".join(body), len(prefix)


def _shared_prefix(a: bytes, b: bytes) -> int:
    return len(os.path.commonprefix([a, b]))


def read_shard(data: bytes) -> dict[str, tuple[bytes, bytes, bool, bool]]:
    """A shard file read back: term -> (posting, masks, whether the posting is in bytes, whether the masks
    are), as the client reads them (see decode_posting, decode_masks)."""
    return {term: parts for term, parts, _ in _shard_terms(data)}


def read_shard_parts(data: bytes) -> tuple[int, list[tuple[int, int]]]:
    """A shard's layout: the size of its directory and, for each term, its document count and the bytes of
    its parts in the file, for benchmarks/index_bytes.py."""
    size, at = read_varint(data, 0)
    return size + at, [(_df(parts[0], parts[2]), stored) for _, parts, stored in _shard_terms(data)]


def _df(posting: bytes, in_bytes: bool) -> int:
    """A posting's document count: its first varint (in bits, with the flag of any title or heading)."""
    value = read_varint(posting, 0)[0]
    return value if in_bytes else value >> 1


def _shard_terms(data: bytes):
    """Each term of a shard: its name, its parts (inflated) and the bytes they take in the file."""
    size, at = read_varint(data, 0)
    directory = zlib.decompress(data[at : at + size], -15)
    at += size
    terms, p = read_varint(directory, 0)
    name = b""
    for _ in range(terms):
        shared, p = read_varint(directory, p)
        length, p = read_varint(directory, p)
        name = name[:shared] + directory[p : p + length]
        p += length
        posting_field, p = read_varint(directory, p)
        masks_field, p = read_varint(directory, p)
        posting, masks = posting_field >> 2, masks_field >> 2
        parts = (
            _unpacked(data[at : at + posting], posting_field & 1),
            _unpacked(data[at + posting : at + posting + masks], masks_field & 1),
            bool(posting_field & 2),
            bool(masks_field & 2),
        )
        yield name.decode("utf-8"), parts, posting + masks
        at += posting + masks


def _unpacked(data: bytes, deflated: int) -> bytes:
    return zlib.decompress(data, -15) if deflated else data


def _load_segments(plan: _Plan, number: int, workers: int) -> dict[str, list]:
    """The segments of partition `number` by term, each term's in document order."""
    grouped: dict[str, list] = {}
    for worker in range(workers):
        path = os.path.join(plan.tmp, f"part-{worker}-{number}.pickle")
        if not os.path.exists(path):
            continue
        with open(path, "rb") as part:
            while True:
                try:
                    batch = pickle.load(part)
                except EOFError:
                    break
                for segment in batch:
                    found = grouped.get(segment[0])
                    if found is None:
                        grouped[segment[0]] = [segment]
                    else:
                        found.append(segment)
        os.unlink(path)
    return grouped


def _join(segments: list[tuple]) -> tuple[bytes, bytes, bytes]:
    """One term's doc gaps, tf bytes and masks from its segments in document order: each segment's first
    gap counts from 0, so it is re-encoded as the gap from the previous segment's last document."""
    if len(segments) == 1:
        return segments[0][3], segments[0][4], segments[0][5]
    gaps_out = bytearray()
    tfs_out = bytearray()
    masks_out = bytearray()
    previous = 0
    for _, first, last, gaps, tfs, masks in segments:
        _, skip = read_varint(gaps, 0)  # the first gap, re-encoded from the previous segment below
        varint(first - previous, gaps_out)
        gaps_out += gaps[skip:]
        previous = last
        tfs_out += tfs
        masks_out += masks
    return bytes(gaps_out), bytes(tfs_out), bytes(masks_out)


def _encode_term(segments: list[tuple], plan: _Plan) -> tuple[bytes, int, bytes, int]:
    """The two parts of one term in its shard, each deflated when that makes it smaller, with their flags
    (FORMAT.md): its posting (its documents and its tf byte in each) and its block masks (none for a
    single character)."""
    gaps, tfs, masks = _join(segments)
    docs = _docs(gaps)
    posting, posting_flags = _smaller(encode_posting(docs, tfs, plan.count),
                                      encode_posting_bytes(docs, gaps, tfs, plan.count))  # fmt: skip
    if not masks:
        return posting, posting_flags, b"", 0
    masks, masks_flags = _smaller(encode_masks(decode_masks_bytes(masks, tfs), tfs), masks)
    return posting, posting_flags, masks, masks_flags


def _smaller(bits: bytes, in_bytes: bytes) -> tuple[bytes, int]:
    """A part written in bits or in bytes, each deflated when that makes it smaller, whichever is
    smallest, with its flags (FORMAT.md): 2 when in bytes, 1 when deflated."""
    packed, deflated = _packed(bits)
    packed_bytes, deflated_bytes = _packed(in_bytes)
    if len(packed_bytes) < len(packed):
        return packed_bytes, 2 | deflated_bytes
    return packed, int(deflated)


def _docs(gaps: bytes) -> list[int]:
    """The ascending document ids of a list of gaps (varints, the first from 0)."""
    if not gaps or max(gaps) < 128:  # one byte each: no varint to decode
        values = gaps
    else:
        values = []
        at = 0
        while at < len(gaps):
            value, at = read_varint(gaps, at)
            values.append(value)
    return list(accumulate(values))
