"""Writing the static search index (the format is described in FORMAT.md beside this file).

`build_index(docs, out)` streams the documents over temporary files so that memory stays bounded by a fixed
budget, not by the archive:

1. spill every document to a temporary file and collect the dates (document ids are assigned newest first,
   so "ties by date, newest first" is simply "lower id first") and the facets;
2. read the documents back in id order, write each one's document file (metadata and text, one file per
   speech) and append its postings to one compact accumulator per term (document gaps and tf bytes: the
   very bytes of the shard format); when the accumulators pass `spill_bytes`, append them to `partitions`
   temporary files chosen by term hash as one segment per term;
3. load one partition at a time, join each term's segments (they are in document order, so joining is
   concatenation) and write the shard files and the trigram files.

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
from pathlib import Path

from converter.search.tokens import gram_buckets, runs

FORMAT_VERSION = 4
TITLE_FLAG = 2
HEADING_FLAG = 1
TF_CAP = 63


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
    them: with one document file per speech, the defaults give 1.75 to 2.5 index files per speech (the
    shard and trigram file counts are rounded up to powers of two)."""

    shards_per_doc: float = 0.25  # term shard files (t/) per speech (a power of two, at least 16)
    gram_files_per_doc: float = 0.5  # trigram files (g/) per speech (a power of two, at least 16)
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
    term shards and document files, and the client inflates them with the browser's DecompressionStream."""
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
    offsets: list[int]  # file offset of each document (by id) in the spill file
    options: IndexOptions
    gram_bits: int  # 2**gram_bits trigram buckets
    grams_per_file: int  # buckets per g/ file


def build_index(docs: Iterable[SearchDoc], out: Path, options: IndexOptions | None = None) -> IndexStats:
    """Write the index for `docs` into the folder `out` (replaced if it exists) and return statistics."""
    options = options or IndexOptions()
    started = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    for kind in ("t", "d", "g"):
        (out / kind).mkdir(parents=True)
    sizes = _Sizes()
    terms = 0
    with tempfile.TemporaryDirectory(prefix="search-index-") as tmp:
        spilled = _spill_docs(docs, os.path.join(tmp, "docs.pickle"))
        count = spilled["count"]
        shards = _power_of_two(count * options.shards_per_doc)
        encoding = options.text_encoding
        if encoding == "auto":
            encoding = "utf-16le" if spilled["utf16"] < spilled["utf8"] else "utf-8"
        gram_bits = _gram_bits(spilled["chars"])
        grams_per_file = max(1, (1 << gram_bits) // _power_of_two(count * options.gram_files_per_doc))
        plan = _Plan(tmp, str(out), count, shards, min(shards, options.max_partitions), encoding,
                     spilled["offsets"], options, gram_bits, grams_per_file)  # fmt: skip
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
        "text": encoding,
        "tfCap": TF_CAP,
        "compression": "deflate-raw",
        "gramBits": plan.gram_bits,
        "gramsPerFile": plan.grams_per_file,
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


def _power_of_two(wanted: float) -> int:
    """The power of two nearest above `wanted`, at least 4: a number of files (shards, trigram files)."""
    files = 4
    while files < wanted:
        files *= 2
    return files


def _gram_bits(chars: int) -> int:
    """About one trigram bucket per 128 characters of text: a bucket then holds some ten distinct
    trigrams, most of them rare, so its document list stays short and selective (about 1 % of the
    documents)."""
    bits = 4
    while (1 << bits) * 128 < chars and bits < 22:
        bits += 1
    return bits


class _Postings:
    """Collects one document's postings: the count of every bigram, word and single CJK character, the
    title/heading flags of the terms that occur there, and the buckets of its trigrams."""

    def __init__(self, gram_bits: int) -> None:
        self.counts: Counter = Counter()
        self.flags: dict[str, int] = {}
        self.grams: set[int] = set()
        self.gram_bits = gram_bits

    def add_text(self, text: str, flag: int) -> None:
        counts = self.counts
        seen = [] if flag else None
        for kind, value in runs(text):
            if kind == "cjk":
                counts.update(value)
                if len(value) > 1:
                    pairs = list(map(str.__add__, value, value[1:]))
                    counts.update(pairs)
                    if len(value) > 2:
                        self.grams.update(gram_buckets(value, self.gram_bits))
                    if flag:
                        seen.extend(pairs)
                if flag:
                    seen.extend(value)
            elif kind == "word":
                counts[value] += 1
                if flag:
                    seen.append(value)
        for term in seen or ():
            self.flags[term] = self.flags.get(term, 0) | flag


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


def _index_range(plan: _Plan, worker: int, first: int, last: int) -> dict[str, list[int]]:
    """Step 2 for the documents `first`..`last`-1: write their document files and append their postings to
    the partition files `part-<worker>-<n>`. Returns the sizes of the files written."""
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
    accs: dict[str, list] = {}  # term -> [last doc, doc gaps, tf bytes]
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
            for term, n in postings.counts.items():
                acc = accs.get(term)
                if acc is None:
                    acc = accs[term] = [0, bytearray(), bytearray()]
                    held += 250  # the accumulator's objects
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


def _spill(plan: _Plan, worker: int, accs: dict[str, list], hashes: dict[str, int]) -> None:
    """Append every term's segment (first doc, last doc, gaps, tf bytes) to its partition file."""
    buffers: list[list] = [[] for _ in range(plan.partitions)]
    for term, (last, gaps, tfs) in accs.items():
        segment = (term, _first_varint(gaps), last, bytes(gaps), bytes(tfs))
        number = hashes.get(term)
        if number is None:
            number = hashes[term] = fnv1a(term) % plan.partitions
        buffers[number].append(segment)
    for number, buffer in enumerate(buffers):
        if buffer:
            with open(os.path.join(plan.tmp, f"part-{worker}-{number}.pickle"), "ab") as part:
                pickle.dump(buffer, part, protocol=pickle.HIGHEST_PROTOCOL)


def _gram_partitions(plan: _Plan) -> int:
    """Trigram buckets go to partitions in contiguous ranges, whole g/ files each."""
    return min(plan.partitions, (1 << plan.gram_bits) // plan.grams_per_file)


class _GramSpool:
    """The trigram buckets of one worker's documents, spooled to the partitions for step 3.

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
    return _read_varint(data, 0)[0]


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    """The varint at `at` and where the next field starts."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 127) << shift
        if byte < 128:
            return value, at
        shift += 7


def _index_doc(doc: SearchDoc, doc_id: int, plan: _Plan, sizes: _Sizes) -> _Postings:
    """Tokenize one document, write its document file, return its postings."""
    postings = _Postings(plan.gram_bits)
    postings.add_text(doc.title, TITLE_FLAG)
    pieces = [doc.title]
    offset = _units(doc.title) + 1
    heads = []
    for section in doc.sections:
        heads.append([offset, section.anchor, section.heading, section.level])
        if section.heading:
            postings.add_text(section.heading, HEADING_FLAG)
            pieces.append(section.heading)
            offset += _units(section.heading) + 1
        postings.add_text(section.text, 0)
        pieces.append(section.text)
        offset += _units(section.text) + 1
    sizes.add("d", _write(os.path.join(plan.out, "d", str(doc_id)), document_file(doc, heads, pieces, plan)))
    return postings


def _units(text: str) -> int:
    """The length of `text` in UTF-16 code units (a character beyond U+FFFF counts two, as in JavaScript)."""
    return len(text) + sum(1 for char in text if char > "\uffff") if not text.isascii() else len(text)


def document_file(doc: SearchDoc, heads: list, pieces: list[str], plan: _Plan) -> bytes:
    """One speech's file (before compression): the size of its metadata, the metadata (JSON, UTF-8) and the
    text (title, then each heading and section text, one per line) in the archive's text encoding. A
    section's entry in "h" is the offset (in UTF-16 code units, as JavaScript counts) where it begins."""
    meta = {"u": doc.url, "t": doc.title, "d": doc.date, "s": doc.speaker, "e": doc.event, "h": heads}
    data = json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text = "\n".join(pieces)
    out = bytearray()
    varint(len(data), out)
    return bytes(out) + data + text.encode(plan.encoding)


def document_meta(data: bytes) -> dict:
    """The metadata of a document file's content (after inflating), as the client reads it."""
    at, size = _meta_span(data)
    return json.loads(data[at : at + size])


def document_text(data: bytes, encoding: str) -> str:
    """The text of a document file's content (after inflating), in the index's text encoding."""
    at, size = _meta_span(data)
    return data[at + size :].decode(encoding)


def _meta_span(data: bytes) -> tuple[int, int]:
    """Where a document file's metadata starts and its size (the varint that leads the file)."""
    size, at = _read_varint(data, 0)
    return at, size


def _write_partitions(plan: _Plan, numbers: list[int], workers: int) -> tuple[dict[str, list[int]], int]:
    """Step 3 for the partitions `numbers`: join each term's segments (worker by worker, each in document
    order) and write the shard files and trigram files of the partition. Returns the sizes of the files
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
            for term in terms:
                payload = _encode_term(grouped[term], plan)
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
    """Write the g/ files of n-gram partition `number`: for each of a file's plan.grams_per_file buckets, the
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
    for file in range(number * span // plan.grams_per_file, (number + 1) * span // plan.grams_per_file):
        data = bytearray()
        for bucket in range(file * plan.grams_per_file, (file + 1) * plan.grams_per_file):
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


def _join(segments: list[tuple]) -> tuple[bytes, bytes]:
    """One term's doc gaps and tf bytes from its segments in document order: each segment's first gap
    counts from 0, so it is re-encoded as the gap from the previous segment's last document."""
    if len(segments) == 1:
        return segments[0][3], segments[0][4]
    gaps_out = bytearray()
    tfs_out = bytearray()
    previous = 0
    for _, first, last, gaps, tfs in segments:
        _, skip = _read_varint(gaps, 0)  # the first gap, re-encoded from the previous segment below
        varint(first - previous, gaps_out)
        gaps_out += gaps[skip:]
        previous = last
        tfs_out += tfs
    return bytes(gaps_out), bytes(tfs_out)


def _encode_term(segments: list[tuple], plan: _Plan) -> bytes:
    """The payload of one term in its shard: its documents (a list of gaps or a bitmap, whichever is
    smaller) and its tf byte (count and flags) in each."""
    gaps, tfs = _join(segments)
    bitmap_size = (plan.count + 7) // 8
    data = bytearray()
    varint(len(tfs), data)
    if len(gaps) > bitmap_size:
        data.append(1)
        data += _bitmap(gaps, bitmap_size)
    else:
        data.append(0)
        data += gaps
    data += tfs
    return bytes(data)
