"""Writing the static search index (the format is described in FORMAT.md beside this file).

`build_index(docs, out)` streams the documents three times over temporary files so that memory stays
bounded by one partition of the postings, not by the archive:

1. spill every document to a temporary file and collect the dates (document ids are assigned newest first,
   so "ties by date, newest first" is simply "lower id first");
2. tokenize each document once, write its metadata file and its text chunks, and append its postings to one
   of `partitions` temporary files chosen by term hash;
3. load one partition at a time, group its postings by term and write the shard files (and the position
   chunk files of frequent terms) that belong to it.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from converter.search.tokens import runs

FORMAT_VERSION = 1
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
    """Tuning knobs, with their defaults in one place."""

    shard_bytes: int = 4096  # target size of a term shard file
    inline_positions: int = 384  # position lists up to this many bytes stay inside the shard file
    chunk_bytes: int = 4096  # target size of a position chunk file
    chunk_slots: int = 256  # slots of text per snippet file
    overlap_slots: int = 24  # each snippet file also holds this many slots of the next one
    max_partitions: int = 128


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


def build_index(docs: Iterable[SearchDoc], out: Path, options: IndexOptions | None = None) -> IndexStats:
    """Write the index for `docs` into the folder `out` (replaced if it exists) and return statistics."""
    options = options or IndexOptions()
    started = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    for sub in ("t", "p", "m", "x"):
        (out / sub).mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="search-index-") as tmp:
        tmp_dir = Path(tmp)
        count, order, chars = _spill_docs(docs, tmp_dir / "docs.pickle")
        shards = _shard_count(chars, options)
        partitions = min(shards, options.max_partitions)
        facets = _write_docs(tmp_dir, out, order, partitions, options)
        stats = _write_shards(tmp_dir, out, count, shards, partitions, options)
    (out / "facets.json").write_text(json.dumps(facets, ensure_ascii=False, separators=(",", ":")), "utf-8")
    manifest = {
        "format": FORMAT_VERSION,
        "docs": count,
        "shards": shards,
        "chunkSlots": options.chunk_slots,
        "tfCap": TF_CAP,
    }
    (out / "index.json").write_text(json.dumps(manifest), "utf-8")
    stats.docs = count
    stats.shards = shards
    for path in out.rglob("*"):
        if path.is_file():
            stats.files += 1
            size = path.stat().st_size
            stats.bytes += size
            kind = path.relative_to(out).parts[0]
            stats.bytes_by_kind[kind] = stats.bytes_by_kind.get(kind, 0) + size
    stats.seconds = time.perf_counter() - started
    return stats


def _spill_docs(docs: Iterable[SearchDoc], path: Path) -> tuple[int, list[int], int]:
    """Write the documents to `path` one pickle each; return their count, the id of each (newest first)
    and the number of characters."""
    keys = []
    chars = 0
    with path.open("wb") as spill:
        for seq, doc in enumerate(docs):
            pickle.dump(doc, spill, protocol=pickle.HIGHEST_PROTOCOL)
            keys.append((doc.date, doc.title, seq))
            chars += len(doc.title) + sum(len(s.heading) + len(s.text) for s in doc.sections)
    # ISO dates sort as strings; undated ("") last; equal dates by title. Both sorts are stable.
    ranked = sorted(keys, key=lambda k: k[1])
    ranked.sort(key=lambda k: k[0], reverse=True)
    order = [0] * len(keys)
    for doc_id, (_, _, seq) in enumerate(ranked):
        order[seq] = doc_id
    return len(keys), order, chars


def _shard_count(chars: int, options: IndexOptions) -> int:
    """A power of two so that shards hold at most about `shard_bytes` each (shard files take 1.2 to 1.9
    bytes per character of text on generated Chinese speeches; 1.6 is the estimate)."""
    wanted = max(16, int(chars * 1.6 / options.shard_bytes))
    shards = 16
    while shards < wanted:
        shards *= 2
    return shards


class _Postings:
    """Collects one document's postings: positions of bigrams and words, counts of single characters, and
    the title/heading flags of the terms that occur there."""

    def __init__(self) -> None:
        self.positions: dict[str, list[int]] = {}
        self.counts: Counter = Counter()
        self.flags: dict[str, int] = {}

    def add_text(self, text: str, base: int, flag: int) -> int:
        """Tokenize `text` starting at slot `base`; return the slot after it (plus one for the newline)."""
        positions = self.positions
        end = base
        seen = [] if flag else None
        for kind, value, slot, _ in runs(text):
            slot += base
            if kind == "cjk":
                self.counts.update(value)
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


def _write_docs(tmp: Path, out: Path, order: list[int], partitions: int, options: IndexOptions) -> dict:
    """Tokenize every spilled document: write m/<id>.json and x/<id>/<k>.txt, and append its postings to
    the partition files. Returns the facets (year, speaker, event of every document)."""
    hashes: dict[str, int] = {}
    buffers: list[list] = [[] for _ in range(partitions)]
    facet_values: dict[str, dict[str, int]] = {"years": {}, "speakers": {}, "events": {}}
    facets = {"y": [0] * len(order), "s": [0] * len(order), "e": [0] * len(order)}
    with (tmp / "docs.pickle").open("rb") as spill:
        for seq, doc_id in enumerate(order):
            doc: SearchDoc = pickle.load(spill)
            postings = _index_doc(doc, doc_id, out, options)
            for term, tf, flags, slots in postings.items():
                h = hashes.get(term)
                if h is None:
                    h = hashes[term] = fnv1a(term) % partitions
                buffers[h].append((term, doc_id, tf, flags, slots and encode_slots(slots)))
            for key, letter, value in (
                ("years", "y", doc.date[:4]),
                ("speakers", "s", doc.speaker),
                ("events", "e", doc.event),
            ):
                values = facet_values[key]
                facets[letter][doc_id] = values.setdefault(value, len(values))
            if seq % 25 == 24:
                _flush(tmp, buffers)
    _flush(tmp, buffers)
    for key, values in facet_values.items():
        facets[key] = list(values)
    return facets


def _flush(tmp: Path, buffers: list[list]) -> None:
    for number, buffer in enumerate(buffers):
        if buffer:
            with (tmp / f"part-{number}.pickle").open("ab") as part:
                pickle.dump(buffer, part, protocol=pickle.HIGHEST_PROTOCOL)
            buffer.clear()


def _index_doc(doc: SearchDoc, doc_id: int, out: Path, options: IndexOptions) -> _Postings:
    """Tokenize one document, write its metadata and snippet files, return its postings."""
    postings = _Postings()
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
    with open(os.path.join(out, "m", f"{doc_id}.json"), "w", encoding="utf-8") as handle:
        json.dump(meta, handle, ensure_ascii=False, separators=(",", ":"))
    _write_snippets(parts, slot, os.path.join(out, "x", str(doc_id)), options)
    return postings


def _write_snippets(parts: list[tuple[str, int]], total: int, folder: str, options: IndexOptions) -> None:
    """Cut the document's text into files of `chunk_slots` slots (plus `overlap_slots` of the next)."""
    text = "".join(p[0] for p in parts)
    offsets = _slot_offsets(parts)
    os.mkdir(folder)
    size = options.chunk_slots
    for number, first in enumerate(range(0, max(total, 1), size)):
        begin = _offset_at(offsets, first, len(text))
        end = _offset_at(offsets, first + size + options.overlap_slots, len(text))
        with open(os.path.join(folder, f"{number}.txt"), "w", encoding="utf-8") as handle:
            handle.write(text[begin:end])


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


def _write_shards(tmp: Path, out: Path, count: int, shards: int, partitions: int, options: IndexOptions):
    stats = IndexStats()
    for number in range(partitions):
        grouped: dict[str, list] = defaultdict(list)
        path = tmp / f"part-{number}.pickle"
        if path.exists():
            with path.open("rb") as part:
                while True:
                    try:
                        batch = pickle.load(part)
                    except EOFError:
                        break
                    for term, doc_id, tf, flags, encoded in batch:
                        grouped[term].append((doc_id, tf, flags, encoded))
            path.unlink()
        by_shard: dict[int, list[str]] = defaultdict(list)
        for term in grouped:
            by_shard[fnv1a(term) % shards].append(term)
        for shard in range(number, shards, partitions):
            terms = sorted(by_shard.get(shard, []))
            data = bytearray()
            varint(len(terms), data)
            for index, term in enumerate(terms):
                records = sorted(grouped[term])
                payload = _encode_term(records, count, out / "p", f"{shard}-{index}", options)
                name = term.encode("utf-8")
                varint(len(name), data)
                data += name
                varint(len(payload), data)
                data += payload
            (out / "t" / f"{shard}.bin").write_bytes(bytes(data))
            stats.terms += len(terms)
        del grouped
    return stats


def _encode_term(
    records: list[tuple], count: int, chunk_dir: Path, name: str, options: IndexOptions
) -> bytes:
    """The payload of one term in its shard: doc ids, tf and flags per doc, then the positions inline or
    a table of the chunk files that hold them."""
    doc_ids = [r[0] for r in records]
    listed = encode_slots(doc_ids)
    bitmap_size = (count + 7) // 8
    has_positions = records[0][3] is not None
    mode = 0
    data = bytearray()
    varint(len(records), data)
    if len(listed) > bitmap_size:
        mode |= 1
        bitmap = bytearray(bitmap_size)
        for doc_id in doc_ids:
            bitmap[doc_id >> 3] |= 1 << (doc_id & 7)
        docs_part = bytes(bitmap)
    else:
        docs_part = listed
    blocks = []
    if has_positions:
        mode |= 2
        blocks = [varints((r[1],)) + r[3] for r in records]
        if sum(len(b) for b in blocks) > options.inline_positions:
            mode |= 4
    data.append(mode)
    data += docs_part
    data += bytes(min(r[1], TF_CAP) << 2 | r[2] for r in records)
    if mode & 4:
        data += _write_chunks(blocks, chunk_dir, name, options.chunk_bytes)
    elif has_positions:
        data += b"".join(blocks)
    return bytes(data)


def _write_chunks(blocks: list[bytes], chunk_dir: Path, name: str, target: int) -> bytes:
    """Write the per-document position blocks into files of about `target` bytes; return the table:
    number of chunks, then for each the number of documents it covers."""
    chunks: list[list[bytes]] = [[]]
    size = 0
    for block in blocks:
        if size and size + len(block) > target:
            chunks.append([])
            size = 0
        chunks[-1].append(block)
        size += len(block)
    table = bytearray()
    varint(len(chunks), table)
    for number, chunk in enumerate(chunks):
        varint(len(chunk), table)
        with open(os.path.join(chunk_dir, f"{name}-{number}.bin"), "wb") as handle:
            handle.write(b"".join(chunk))
    return bytes(table)
