"""Writing the static search index (the format is described in FORMAT.md beside this file).

`build_index(docs, out)` streams the documents over temporary files so that memory stays bounded by a fixed
budget, not by the archive:

1. spill every document to a temporary file and collect the dates (document ids are assigned newest first,
   so "ties by date, newest first" is simply "lower id first") and the facets;
2. read the documents back in id order, write each one's metadata and snippet files, and append its
   postings to one compact accumulator per term (document gaps, tf bytes, position blocks: the very bytes
   of the shard format); when the accumulators pass `spill_bytes`, append them to `partitions` temporary
   files chosen by term hash as one segment per term;
3. load one partition at a time, join each term's segments (they are in document order, so joining is
   concatenation) and write the shard files and the position chunk files of frequent terms.

Steps 2 and 3 run in `workers` processes: step 2 over consecutive ranges of documents (their segments are
joined in range order), step 3 over partitions. The output does not depend on the number of workers.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import pickle
import shutil
import tempfile
import time
import zlib
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate
from operator import sub
from pathlib import Path

from converter.search.tokens import gram_buckets, runs

FORMAT_VERSION = 3
TITLE_FLAG = 2
HEADING_FLAG = 1
TF_CAP = 63
GRAMS_PER_FILE = 8  # n-gram buckets per file in g/


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
    """Tuning knobs, with their defaults in one place."""

    shard_bytes: int = 4096  # target size of a term shard file
    inline_positions: int = 384  # position lists up to this many bytes stay inside the shard file
    chunk_bytes: int = 2048  # target size of a position chunk file (before compression)
    chunk_slots: int = 0  # slots of text per snippet file; 0: 384 for UTF-16 text, 256 for UTF-8
    overlap_slots: int = 24  # each snippet file also holds this many slots of the next one
    text_encoding: str = "auto"  # of the snippet files: utf-8, utf-16le, or auto (the smaller one)
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


def varints(values: Iterable[int]) -> bytes:
    out = bytearray()
    for value in values:
        while value > 127:
            out.append((value & 127) | 128)
            value >>= 7
        out.append(value)
    return bytes(out)


VARINT_TABLE = 1 << 16
VARINT = [varints((value,)) for value in range(VARINT_TABLE)]  # the encoding of every small number
SINGLE = [b"\x01" + code for code in VARINT]  # the position block of a term that occurs once, at that slot


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
    compresses at all), so the index compresses them itself: a third to a half fewer bytes per query for
    term shards, position chunks and UTF-16 snippets, and the client inflates them with the browser's
    DecompressionStream."""
    if compress:
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = packer.compress(data) + packer.flush()
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
    chunk_slots: int
    offsets: list[int]  # file offset of each document (by id) in the spill file
    options: IndexOptions
    gram_bits: int  # 2**gram_bits n-gram buckets


def build_index(docs: Iterable[SearchDoc], out: Path, options: IndexOptions | None = None) -> IndexStats:
    """Write the index for `docs` into the folder `out` (replaced if it exists) and return statistics."""
    options = options or IndexOptions()
    started = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    for kind in ("t", "p", "m", "x", "g"):
        (out / kind).mkdir(parents=True)
    sizes = _Sizes()
    terms = 0
    with tempfile.TemporaryDirectory(prefix="search-index-") as tmp:
        spilled = _spill_docs(docs, os.path.join(tmp, "docs.pickle"))
        count = spilled["count"]
        shards = _shard_count(spilled["chars"], options)
        encoding = options.text_encoding
        if encoding == "auto":
            encoding = "utf-16le" if spilled["utf16"] < spilled["utf8"] else "utf-8"
        chunk_slots = options.chunk_slots or (384 if encoding == "utf-16le" else 256)
        plan = _Plan(tmp, str(out), count, shards, min(shards, options.max_partitions), encoding,
                     chunk_slots, spilled["offsets"], options, _gram_bits(spilled["chars"]))  # fmt: skip
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
        for result in doc_results:
            sizes.merge(result)
        for result, found in shard_results:
            sizes.merge(result)
            terms += found
    facets = spilled["facets"]
    data = json.dumps(facets, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sizes.add("facets", _write(os.path.join(out, "facets"), data))
    manifest = {
        "format": FORMAT_VERSION,
        "docs": count,
        "shards": shards,
        "chunkSlots": chunk_slots,
        "chunkOverlap": options.overlap_slots,
        "text": encoding,
        "tfCap": TF_CAP,
        "compression": "deflate-raw",
        "gramBits": plan.gram_bits,
        "gramsPerFile": GRAMS_PER_FILE,
    }
    data = json.dumps(manifest).encode()
    sizes.add("index.json", _write(os.path.join(out, "index.json"), data, compress=False))
    stats = IndexStats(docs=count, terms=terms, shards=shards)
    for kind, (files, size) in sizes.by_kind.items():
        stats.files += files
        stats.bytes += size
        stats.bytes_by_kind[kind] = size
    stats.seconds = time.perf_counter() - started
    return stats


def _spill_docs(docs: Iterable[SearchDoc], path: str) -> dict:
    """Write the documents to `path` one pickle each. Returns their count, the file offset of each by id
    (newest first), the number of characters, the text's size in UTF-8 and in UTF-16, and the facets."""
    keys = []
    offsets = []
    chars = utf8 = utf16 = 0
    with open(path, "wb") as spill:
        for seq, doc in enumerate(docs):
            offsets.append(spill.tell())
            pickle.dump(doc, spill, protocol=pickle.HIGHEST_PROTOCOL)
            keys.append((doc.date, doc.title, seq, doc.speaker, doc.event))
            for text in (doc.title, *(s.heading for s in doc.sections), *(s.text for s in doc.sections)):
                chars += len(text)
                utf8 += len(text.encode("utf-8"))
                utf16 += len(text.encode("utf-16le"))
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
        "chars": chars,
        "utf8": utf8,
        "utf16": utf16,
        "facets": facets,
    }


def _shard_count(chars: int, options: IndexOptions) -> int:
    """A power of two so that shards hold at most about `shard_bytes` each (shard files take 1.2 to 1.9
    bytes per character of text on generated Chinese speeches; 1.6 is the estimate)."""
    wanted = max(16, int(chars * 1.6 / options.shard_bytes))
    shards = 16
    while shards < wanted:
        shards *= 2
    return shards


def _gram_bits(chars: int) -> int:
    """About one n-gram bucket per 128 characters of text: a bucket then holds some twenty distinct
    trigrams and 4-grams, most of them rare, so its document list stays short and selective (about 2 %
    of the documents)."""
    bits = 4
    while (1 << bits) * 128 < chars and bits < 22:
        bits += 1
    return bits


class _Postings:
    """Collects one document's postings: positions of bigrams and words, counts of single characters,
    the title/heading flags of the terms that occur there, and the buckets of its trigrams and 4-grams."""

    def __init__(self, gram_bits: int) -> None:
        self.positions: dict[str, list[int]] = {}
        self.counts: Counter = Counter()
        self.flags: dict[str, int] = {}
        self.grams: set[int] = set()
        self.gram_bits = gram_bits

    def add_text(self, text: str, base: int, flag: int) -> int:
        """Tokenize `text` starting at slot `base`; return the slot after it (plus one for the newline)."""
        positions = self.positions
        end = base
        seen = [] if flag else None
        for kind, value, slot, _ in runs(text):
            slot += base
            if kind == "cjk":
                self.counts.update(value)
                if len(value) > 2:
                    self.grams.update(gram_buckets(value, self.gram_bits))
                for i in range(len(value) - 1):
                    term = value[i : i + 2]
                    slots = positions.get(term)
                    if slots is None:
                        positions[term] = [slot + i]
                    else:
                        slots.append(slot + i)
                    if flag:
                        seen.append(term)
                if flag:
                    seen.extend(value)
                end = slot + len(value)
            elif kind == "word":
                slots = positions.get(value)
                if slots is None:
                    positions[value] = [slot]
                else:
                    slots.append(slot)
                if flag:
                    seen.append(value)
                end = slot + 1
            else:
                end = slot + len(value)
        for term in seen or ():
            self.flags[term] = self.flags.get(term, 0) | flag
        return end + 1

    def items(self):
        """(term, tf, flags, positions or None) of every term."""
        flags = self.flags
        for term, slots in self.positions.items():
            yield term, len(slots), flags.get(term, 0), slots
        for term, count in self.counts.items():
            yield term, count, flags.get(term, 0), None


def encode_slots(slots: list[int]) -> bytes:
    """Delta-encode ascending numbers (slots, document ids) as varints; the first stays absolute."""
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


def _slot_offsets(parts: list[tuple[str, int]]) -> list[tuple[int, int, int]]:
    """(first slot, char offset, width in slots) of every run of the concatenated parts."""
    marks = []
    offset = 0
    for text, base in parts:
        for kind, value, slot, char in runs(text):
            marks.append((base + slot, offset + char, 1 if kind == "word" else len(value)))
        offset += len(text)
    return marks


def _offset_at(marks: list[tuple[int, int, int]], slot: int, length: int) -> int:
    """The character offset where `slot` begins (`length` when it lies past the end)."""
    lo, hi = 0, len(marks)
    while lo < hi:
        mid = (lo + hi) // 2
        if marks[mid][0] <= slot:
            lo = mid + 1
        else:
            hi = mid
    if lo == 0:
        return 0
    first, offset, width = marks[lo - 1]
    if slot < first + width:
        return offset + (slot - first)  # a word is one slot wide, so this is its start
    return marks[lo][1] if lo < len(marks) else length


def _index_range(plan: _Plan, worker: int, first: int, last: int) -> dict[str, list[int]]:
    """Step 2 for the documents `first`..`last`-1: write their metadata and snippet files and append their
    postings to the partition files `part-<worker>-<n>`. Returns the sizes of the files written."""
    collecting = gc.isenabled()
    gc.disable()  # the accumulators form no cycles; collecting would only walk them again and again
    try:
        return _index_docs(plan, worker, first, last)
    finally:
        if collecting:
            gc.enable()


def _index_docs(plan: _Plan, worker: int, first: int, last: int) -> dict[str, list[int]]:
    sizes = _Sizes()
    options = plan.options
    accs: dict[str, list] = {}  # term -> [last doc, doc gaps, tf bytes, position blocks, block sizes]
    held = 0
    hashes: dict[str, int] = {}  # term -> partition
    grams = _GramSpool(plan, worker)
    with open(os.path.join(plan.tmp, "docs.pickle"), "rb") as spill:
        for doc_id in range(first, last):
            spill.seek(plan.offsets[doc_id])
            doc: SearchDoc = pickle.load(spill)
            postings = _index_doc(doc, doc_id, plan, sizes)
            grams.add(doc_id, postings.grams)
            flags = postings.flags
            for term, slots in postings.positions.items():
                acc = accs.get(term)
                if acc is None:
                    acc = accs[term] = [0, bytearray(), bytearray(), bytearray(), array("I")]
                    held += 400  # the accumulator's objects
                gap = doc_id - acc[0]
                acc[0] = doc_id
                acc[1] += VARINT[gap] if gap < VARINT_TABLE else varints((gap,))
                n = len(slots)
                acc[2].append((n if n < TF_CAP else TF_CAP) << 2 | flags.get(term, 0))
                block = SINGLE[slots[0]] if n == 1 and slots[0] < VARINT_TABLE else _block(slots)
                acc[3] += block
                acc[4].append(len(block))
                held += len(block) + 7  # with the gap, the tf byte and the block size
            for term, n in postings.counts.items():
                acc = accs.get(term)
                if acc is None:
                    acc = accs[term] = [0, bytearray(), bytearray(), None, None]
                    held += 250
                gap = doc_id - acc[0]
                acc[0] = doc_id
                acc[1] += VARINT[gap] if gap < VARINT_TABLE else varints((gap,))
                acc[2].append((n if n < TF_CAP else TF_CAP) << 2 | flags.get(term, 0))
            held += 3 * len(postings.counts)
            if held > options.spill_bytes:
                _spill(plan, worker, accs, hashes)
                accs = {}
                held = 0
    _spill(plan, worker, accs, hashes)
    grams.flush()
    return sizes.by_kind


def _block(slots: list[int]) -> bytes:
    """The position block of one document: the count, the first slot and the gaps, as varints (joined in
    C from a table of encoded values; the loop only for a gap beyond the table)."""
    try:
        return VARINT[len(slots)] + b"".join(map(VARINT.__getitem__, map(sub, slots, [0, *slots[:-1]])))
    except IndexError:
        return varints((len(slots),)) + encode_slots(slots)


def _spill(plan: _Plan, worker: int, accs: dict[str, list], hashes: dict[str, int]) -> None:
    """Append every term's segment (first doc, last doc, gaps, tf bytes, positions, block sizes) to its
    partition file."""
    buffers: list[list] = [[] for _ in range(plan.partitions)]
    for term, (last, gaps, tfs, blocks, lengths) in accs.items():
        first = _first_varint(gaps)
        segment = (term, first, last, bytes(gaps), bytes(tfs),
                   None if blocks is None else bytes(blocks), None if lengths is None else lengths.tobytes())  # fmt: skip
        number = hashes.get(term)
        if number is None:
            number = hashes[term] = fnv1a(term) % plan.partitions
        buffers[number].append(segment)
    for number, buffer in enumerate(buffers):
        if buffer:
            with open(os.path.join(plan.tmp, f"part-{worker}-{number}.pickle"), "ab") as part:
                pickle.dump(buffer, part, protocol=pickle.HIGHEST_PROTOCOL)


def _gram_partitions(plan: _Plan) -> int:
    """N-gram buckets go to partitions in contiguous ranges, whole g/ files each."""
    return min(plan.partitions, (1 << plan.gram_bits) // GRAMS_PER_FILE)


class _GramSpool:
    """The n-gram buckets of one worker's documents, spooled to the partitions for step 3.

    Buckets are many (about one per 128 characters of the archive) and hold documents only, so instead of
    an accumulator per bucket each document's buckets are sorted and cut, at C speed, into the contiguous
    ranges of the partitions: a record (document, count, buckets...) in each partition's spool file.
    Step 3 turns one partition's records into its buckets' document lists."""

    def __init__(self, plan: _Plan, worker: int) -> None:
        self.plan = plan
        self.worker = worker
        parts = _gram_partitions(plan)
        span = (1 << plan.gram_bits) // parts
        self.bounds = [span * (n + 1) for n in range(parts)]
        self.buffers = [array("I") for _ in range(parts)]
        self.held = 0

    def add(self, doc_id: int, buckets: set[int]) -> None:
        ordered = sorted(buckets)
        start = 0
        for number, bound in enumerate(self.bounds):
            end = bisect_left(ordered, bound, start)
            if end > start:
                buffer = self.buffers[number]
                buffer.append(doc_id)
                buffer.append(end - start)
                buffer.extend(ordered[start:end])
            start = end
        self.held += 4 * len(ordered)
        if self.held > self.plan.options.spill_bytes:
            self.flush()

    def flush(self) -> None:
        for number, buffer in enumerate(self.buffers):
            if buffer:
                with open(os.path.join(self.plan.tmp, f"gram-{self.worker}-{number}.bin"), "ab") as spool:
                    buffer.tofile(spool)
                self.buffers[number] = array("I")
        self.held = 0


def _first_varint(data: bytes) -> int:
    value = shift = 0
    for byte in data:
        value |= (byte & 127) << shift
        if byte < 128:
            return value
        shift += 7
    return value


def _index_doc(doc: SearchDoc, doc_id: int, plan: _Plan, sizes: _Sizes) -> _Postings:
    """Tokenize one document, write its metadata and snippet files, return its postings."""
    postings = _Postings(plan.gram_bits)
    parts: list[tuple[str, int]] = []  # (text, first slot) of each block, to cut the snippet files
    slot = postings.add_text(doc.title, 0, TITLE_FLAG)
    parts.append((doc.title + "\n", 0))
    heads = []
    for section in doc.sections:
        start = slot
        if section.heading:
            parts.append((section.heading + "\n", slot))
            slot = postings.add_text(section.heading, slot, HEADING_FLAG)
        parts.append((section.text + "\n", slot))
        slot = postings.add_text(section.text, slot, 0)
        heads.append([start, section.anchor, section.heading, section.level])
    meta = {
        "u": doc.url,
        "t": doc.title,
        "d": doc.date,
        "s": doc.speaker,
        "e": doc.event,
        "h": heads,
        "n": slot,
    }
    data = json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sizes.add("m", _write(os.path.join(plan.out, "m", str(doc_id)), data))
    _write_snippets(parts, slot, os.path.join(plan.out, "x", str(doc_id)), plan, sizes)
    return postings


def _write_snippets(
    parts: list[tuple[str, int]], total: int, folder: str, plan: _Plan, sizes: _Sizes
) -> None:
    """Cut the document's text into files of `chunk_slots` slots (plus `overlap_slots` of the next)."""
    text = "".join(p[0] for p in parts)
    offsets = _slot_offsets(parts)
    os.mkdir(folder)
    size = plan.chunk_slots
    overlap = plan.options.overlap_slots
    for number, first in enumerate(range(0, max(total, 1), size)):
        begin = _offset_at(offsets, first, len(text))
        end = _offset_at(offsets, first + size + overlap, len(text))
        data = text[begin:end].encode(plan.encoding)
        sizes.add("x", _write(os.path.join(folder, str(number)), data))


def _write_partitions(plan: _Plan, numbers: list[int], workers: int) -> tuple[dict[str, list[int]], int]:
    """Step 3 for the partitions `numbers`: join each term's segments (worker by worker, each in document
    order) and write the shard files and n-gram files of the partition. Returns the sizes of the files
    written and the number of terms."""
    sizes = _Sizes()
    terms_written = 0
    for number in numbers:
        _write_grams(plan, number, workers, sizes)
        grouped = _load_segments(plan, number, workers)
        by_shard: dict[int, list[str]] = defaultdict(list)
        for term in grouped:
            by_shard[fnv1a(term) % plan.shards].append(term)
        for shard in range(number, plan.shards, plan.partitions):
            terms = sorted(by_shard.get(shard, []))  # code point order is UTF-8 byte order
            data = bytearray()
            varint(len(terms), data)
            for index, term in enumerate(terms):
                payload = _encode_term(grouped[term], plan, f"{shard}-{index}", sizes)
                name = term.encode("utf-8")
                varint(len(name), data)
                data += name
                varint(len(payload), data)
                data += payload
            sizes.add("t", _write(os.path.join(plan.out, "t", str(shard)), bytes(data)))
            terms_written += len(terms)
        del grouped
    return sizes.by_kind, terms_written


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


def _write_grams(plan: _Plan, number: int, workers: int, sizes: _Sizes) -> None:
    """Write the g/ files of n-gram partition `number`: for each of a file's GRAMS_PER_FILE buckets, the
    size of its document list and the list (every file exists, so the client never meets a 404)."""
    parts = _gram_partitions(plan)
    if number >= parts:
        return
    lists: dict[int, list[int]] = defaultdict(list)
    for worker in range(workers):  # workers hold consecutive document ranges: lists stay ascending
        path = os.path.join(plan.tmp, f"gram-{worker}-{number}.bin")
        if not os.path.exists(path):
            continue
        records = array("I")
        with open(path, "rb") as spool:
            records.frombytes(spool.read())
        os.unlink(path)
        at = 0
        while at < len(records):
            doc_id, count = records[at], records[at + 1]
            for bucket in records[at + 2 : at + 2 + count]:
                lists[bucket].append(doc_id)
            at += 2 + count
    span = (1 << plan.gram_bits) // parts
    for file in range(number * span // GRAMS_PER_FILE, (number + 1) * span // GRAMS_PER_FILE):
        data = bytearray()
        for bucket in range(file * GRAMS_PER_FILE, (file + 1) * GRAMS_PER_FILE):
            docs = lists.get(bucket)
            encoded = _doc_list(encode_slots(docs), plan.count) if docs else b""
            varint(len(encoded), data)
            data += encoded
        sizes.add("g", _write(os.path.join(plan.out, "g", str(file)), bytes(data)))


def _doc_list(gaps: bytes, count: int) -> bytes:
    """A document list as the index stores it: a mode byte (0: the gaps as given, 1: a bitmap of `count`
    bits, when that is smaller) and the data."""
    bitmap_size = (count + 7) // 8
    if len(gaps) <= bitmap_size:
        return b"\x00" + gaps
    return b"\x01" + _bitmap(gaps, bitmap_size)


def _bitmap(gaps: bytes, size: int) -> bytes:
    """The bitmap (bit d of byte d >> 3 for document d) of a list of document gaps."""
    bitmap = bytearray(size)
    doc_id = value = shift = 0
    for byte in gaps:
        value |= (byte & 127) << shift
        if byte > 127:
            shift += 7
            continue
        doc_id += value
        bitmap[doc_id >> 3] |= 1 << (doc_id & 7)
        value = shift = 0
    return bytes(bitmap)


def _join(segments: list[tuple]) -> tuple[bytes, bytes, bytes | None, array | None]:
    """One term's doc gaps, tf bytes, position blocks and block sizes from its segments in document order:
    each segment's first gap counts from 0, so it is re-encoded as the gap from the previous segment's
    last document."""
    if len(segments) == 1:
        _, _, _, gaps, tfs, blocks, lengths = segments[0]
        sizes = None
        if lengths is not None:
            sizes = array("I")
            sizes.frombytes(lengths)
        return gaps, tfs, blocks, sizes
    gaps_out = bytearray()
    tfs_out = bytearray()
    blocks_out = None if segments[0][5] is None else bytearray()
    sizes = None if segments[0][6] is None else array("I")
    previous = 0
    for _, first, last, gaps, tfs, blocks, lengths in segments:
        skip = 1
        while gaps[skip - 1] > 127:
            skip += 1
        varint(first - previous, gaps_out)
        gaps_out += gaps[skip:]
        previous = last
        tfs_out += tfs
        if blocks_out is not None:
            blocks_out += blocks
            sizes.frombytes(lengths)
    return bytes(gaps_out), bytes(tfs_out), blocks_out, sizes


def _encode_term(segments: list[tuple], plan: _Plan, name: str, sizes: _Sizes) -> bytes:
    """The payload of one term in its shard: doc ids, tf and flags per doc, then the positions inline or
    a table of the chunk files that hold them."""
    gaps, tfs, blocks, lengths = _join(segments)
    count = plan.count
    options = plan.options
    bitmap_size = (count + 7) // 8
    mode = 0
    data = bytearray()
    varint(len(tfs), data)
    if len(gaps) > bitmap_size:
        mode |= 1
        docs_part = _bitmap(gaps, bitmap_size)
    else:
        docs_part = gaps
    if blocks is not None:
        mode |= 2
        if len(blocks) > options.inline_positions:
            mode |= 4
    data.append(mode)
    data += docs_part
    data += tfs
    if mode & 4:
        blocks, lengths = _impact_order(blocks, lengths, tfs)
        data += _write_chunks(blocks, lengths, os.path.join(plan.out, "p", name), options.chunk_bytes, sizes)
    elif blocks is not None:
        data += blocks
    return bytes(data)


def impact(value: int) -> int:
    """How high a document ranks in a term's chunk files, from its tf byte: title and heading flags
    first, then the count. The client sorts by the same key, so the chunk table needs no document list."""
    return (value & 3) << 6 | value >> 2


def _impact_order(blocks: bytes, lengths: array, tfs: bytes) -> tuple[bytes, array]:
    """The position blocks reordered by impact (highest first, then document order), with their sizes.

    A query's best candidates are the documents where all its terms are frequent (or in the title or a
    heading), so in impact order they sit together in the first chunk files of every term: proving the
    first page of results takes a few files where document order scattered them over all of them."""
    starts = list(accumulate(lengths, initial=0))
    order = sorted(range(len(lengths)), key=lambda i: -impact(tfs[i]))  # stable: ties keep document order
    view = memoryview(blocks)
    ordered = b"".join(view[starts[i] : starts[i] + lengths[i]] for i in order)
    return ordered, array("I", (lengths[i] for i in order))


def _write_chunks(blocks: bytes, lengths: array, stem: str, target: int, sizes: _Sizes) -> bytes:
    """Write the per-document position blocks into files of about `target` bytes; return the table:
    number of chunks, then for each the number of documents it covers (in the order of `blocks`)."""
    chunks: list[list[int]] = [[0, 0, 0]]  # [start, end, documents]
    for length in lengths:
        chunk = chunks[-1]
        if chunk[2] and chunk[1] - chunk[0] + length > target:
            chunk = [chunk[1], chunk[1], 0]
            chunks.append(chunk)
        chunk[1] += length
        chunk[2] += 1
    table = bytearray()
    varint(len(chunks), table)
    view = memoryview(blocks)
    for number, (start, end, documents) in enumerate(chunks):
        varint(documents, table)
        sizes.add("p", _write(f"{stem}-{number}", view[start:end]))
    return bytes(table)
