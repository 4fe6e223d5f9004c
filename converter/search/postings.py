"""A term's posting and block masks as bits (FORMAT.md, "A term's parts"), written and read back.

Format 6 wrote them in bytes (a varint per document gap, a byte per count, a byte per block) and deflated
each part alone; in a small archive most parts are a few dozen bytes, too short for DEFLATE to build a
code of its own, so each document cost about three bytes. Written in bits with codes fitted to each term
(Rice codes for gaps and counts, block numbers in as few bits as the term's last block needs), a document
costs about two, in a small archive as in a large one.

A term in most of the speeches is the exception: its counts and blocks repeat, and format 6's bytes
deflated take less than bits. So each part is written both ways and the smaller is kept ("in bytes": the
functions ending in _bytes); the directory says which (FORMAT.md).

Bits are written most significant first: the first bit of a part is bit 7 of its first byte. The builder
builds a part as a string of "0" and "1" (joined from tables in C, not bit by bit in Python).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

TABLE = 1024  # codes of numbers below this come from a table


def varints(values) -> bytes:
    out = bytearray()
    for value in values:
        while value > 127:
            out.append((value & 127) | 128)
            value >>= 7
        out.append(value)
    return bytes(out)


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    """The varint at `at` and where the next field starts."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 127) << shift
        if byte < 128:
            return value, at
        shift += 7


def bits_to_bytes(bits: str) -> bytes:
    """A string of "0" and "1" as bytes, the first bit the highest of the first byte, zeros after the last."""
    if not bits:
        return b""
    size = (len(bits) + 7) // 8
    return int(bits.ljust(size * 8, "0"), 2).to_bytes(size, "big")


@lru_cache(maxsize=32)
def rice_table(k: int) -> list[str]:
    """The Rice code with parameter k of every number below TABLE: the quotient v >> k in unary (that many
    ones, then a zero), then the k low bits."""
    return [rice_code(v, k) for v in range(TABLE)]


def rice_code(value: int, k: int) -> str:
    return "1" * (value >> k) + "0" + (format(value & ((1 << k) - 1), f"0{k}b") if k else "")


def rice(values: list[int], k: int) -> str:
    table = rice_table(k)
    if not values or max(values) < TABLE:
        return "".join(map(table.__getitem__, values))
    return "".join(table[v] if v < TABLE else rice_code(v, k) for v in values)


def rice_parameter(values: list[int], largest: int = 15) -> int:
    """The Rice parameter (0..largest) that codes `values` in the fewest bits: near log2 of their mean, so
    only three are tried."""
    guess = max(0, (sum(values) // len(values)).bit_length() - 1)
    best = None
    for k in range(max(0, guess - 1), min(largest, guess + 1) + 1):
        size = sum(v >> k for v in values) + len(values) * (k + 1)
        if best is None or size < best[0]:
            best = (size, k)
    return best[1]


@lru_cache(maxsize=1024)
def truncated_table(size: int) -> list[str]:
    """Truncated binary codes of 0..size-1: with k = floor(log2 size) and u = 2**(k+1) - size, the first u
    numbers take k bits and the others k+1 (the number plus u). A block of a term whose last block is 19
    takes 4 or 5 bits, not 5."""
    k = size.bit_length() - 1
    u = (1 << (k + 1)) - size
    return (
        [format(v, f"0{k}b") if v < u else format(v + u, f"0{k + 1}b") for v in range(size)]
        if k
        else [""] * size
    )


class BitReader:
    """Reads a part written by the functions above (as the client's BitReader does)."""

    def __init__(self, data: bytes, at: int = 0) -> None:
        self.value = int.from_bytes(data[at:], "big")
        self.size = (len(data) - at) * 8
        self.pos = 0
        self.start = at

    def read(self, count: int) -> int:
        if not count:
            return 0
        if self.pos + count > self.size:
            raise ValueError("a part ends too soon")
        self.pos += count
        return (self.value >> (self.size - self.pos)) & ((1 << count) - 1)

    def rice(self, k: int) -> int:
        quotient = 0
        while self.read(1):
            quotient += 1
        return quotient << k | self.read(k)

    def truncated(self, size: int) -> int:
        k = size.bit_length() - 1
        u = (1 << (k + 1)) - size
        value = self.read(k)
        return value if value < u else (value << 1 | self.read(1)) - u

    def end(self) -> int:
        """Where the next byte after the bits read so far starts, in the data."""
        return self.start + (self.pos + 7) // 8


# ------------------------------------------------------------------------------------------ posting


def encode_posting(docs: list[int], tfs: bytes, count: int) -> bytes:
    """A term's posting (FORMAT.md): its documents (ascending ids, of `count` in the archive) and its tf
    byte in each (min(count, 63) << 2 | flags)."""
    df = len(docs)
    flagged = [i for i, tf in enumerate(tfs) if tf & 3]
    # df and whether any document is flagged in one varint: most terms are in no title or heading
    head = varints((df << 1 | 1, len(flagged)) if flagged else (df << 1,))
    gaps = [b - a - 1 for a, b in pairwise(docs)]
    counts = [(tf >> 2) - 1 for tf in tfs]
    k_tf = rice_parameter(counts, 7) if df > 1 else 0
    if df > 1:
        k_gap = rice_parameter(gaps)
        listed = fixed(docs[0], doc_bits(count)) + rice(gaps, k_gap)
        bitmap = len(listed) > count
        head += bytes((bitmap | k_tf << 1 | k_gap << 4,))
        doc_part = _bitmap(docs, count) if bitmap else listed
    else:
        doc_part = fixed(docs[0], doc_bits(count))
    flag_part = ""
    if flagged:
        k_flag = flag_parameter(df, len(flagged))
        positions = [flagged[0]] + [b - a - 1 for a, b in pairwise(flagged)]
        flag_part = "".join(
            rice_code(p, k_flag) + format(tfs[i] & 3, "02b") for p, i in zip(positions, flagged, strict=True)
        )
    return head + bits_to_bytes(doc_part + rice(counts, k_tf) + flag_part)


def fixed(value: int, width: int) -> str:
    """`value` in `width` bits (none when width is 0)."""
    return format(value, f"0{width}b") if width else ""


def doc_bits(count: int) -> int:
    """Bits of a document id in an archive of `count` documents."""
    return (count - 1).bit_length()


def flag_parameter(df: int, flagged: int) -> int:
    """The Rice parameter of the gaps between the flagged documents of a posting: from their mean."""
    return max(0, (df // flagged).bit_length() - 2)


def _bitmap(docs: list[int], count: int) -> str:
    bits = ["0"] * count
    for doc in docs:
        bits[doc] = "1"
    return "".join(bits)


def decode_posting(data: bytes, count: int, in_bytes: bool = False) -> tuple[list[int], bytes, int]:
    """A posting read back (as the client's decodeTerm): its documents, its tf bytes, and where it ends in
    `data`."""
    if in_bytes:
        return decode_posting_bytes(data, count)
    df, at = read_varint(data, 0)
    flagged = 0
    if df & 1:
        flagged, at = read_varint(data, at)
    df >>= 1
    params = 0
    if df > 1:
        params, at = data[at], at + 1
    bits = BitReader(data, at)
    if params & 1:
        docs = [d for d in range(count) if bits.read(1)]
    else:
        docs = [bits.read(doc_bits(count))]
        k_gap = params >> 4
        for _ in range(df - 1):
            docs.append(docs[-1] + 1 + bits.rice(k_gap))
    k_tf = params >> 1 & 7
    tfs = bytearray((bits.rice(k_tf) + 1) << 2 for _ in range(df))
    position = -1
    k_flag = flag_parameter(df, flagged) if flagged else 0
    for _ in range(flagged):
        position += 1 + bits.rice(k_flag)
        tfs[position] |= bits.read(2)
    if len(docs) != df:
        raise ValueError("a damaged posting")
    return docs, bytes(tfs), bits.end()


# ------------------------------------------------------------------------------------------ masks


def encode_masks(blocks: list[list[int]], tfs: bytes) -> bytes:
    """A term's block masks (FORMAT.md): for each of its documents, in order, the blocks where it starts
    (ascending, distinct), in the form its count (in its tf byte) implies."""
    last = max(b[-1] for b in blocks) + 1  # B: the blocks are 0..B-1
    width = (last - 1).bit_length()
    codes = truncated_table(last)
    out = []
    for found, tf in zip(blocks, tfs, strict=True):
        times = tf >> 2
        if listed(times, width, last):
            # a block for each time, the last one repeated as often as the term occurs more than blocks
            out.append("".join(map(codes.__getitem__, found)) + codes[found[-1]] * (times - len(found)))
        else:
            mask = ["0"] * last
            for block in found:
                mask[block] = "1"
            out.append("".join(mask))
    return varints((last,)) + bits_to_bytes("".join(out))


def listed(times: int, width: int, last: int) -> bool:
    """Whether a document's blocks are written as a list of block numbers (one for each time the term
    occurs there) rather than as a mask of `last` bits: when that is shorter. Never for a count at the cap
    (63): the term may start in more blocks than that."""
    return times < 63 and times * width < last


def decode_masks(data: bytes, tfs: bytes, in_bytes: bool = False) -> list[list[int]]:
    """The blocks of each document of a term from its masks and its tf bytes, as the client decodes them."""
    if in_bytes:
        return decode_masks_bytes(data, tfs)
    last, at = read_varint(data, 0)
    width = (last - 1).bit_length()
    bits = BitReader(data, at)
    out = []
    for tf in tfs:
        times = tf >> 2
        if listed(times, width, last):
            out.append(sorted({bits.truncated(last) for _ in range(times)}))
        else:
            out.append([k for k in range(last) if bits.read(1)])
    return out


# ------------------------------------------------------------------------------------------ in bytes


def encode_posting_bytes(docs: list[int], gaps: bytes, tfs: bytes, count: int) -> bytes:
    """A posting in bytes (format 6's): df, then a bitmap of the documents (mode 1) or their gaps as
    varints (mode 0: `gaps`, the first from 0), whichever is smaller, then the tf bytes."""
    size = (count + 7) // 8
    if len(gaps) > size:
        bitmap = bytearray(size)
        for doc in docs:
            bitmap[doc >> 3] |= 1 << (doc & 7)
        return varints((len(docs),)) + b"\x01" + bytes(bitmap) + tfs
    return varints((len(docs),)) + b"\x00" + gaps + tfs


def decode_posting_bytes(data: bytes, count: int) -> tuple[list[int], bytes, int]:
    df, at = read_varint(data, 0)
    mode, at = data[at], at + 1
    if mode == 1:
        docs = [d for d in range(count) if data[at + (d >> 3)] >> (d & 7) & 1]
        at += (count + 7) // 8
    else:
        docs = []
        doc = 0
        for _ in range(df):
            gap, at = read_varint(data, at)
            doc += gap
            docs.append(doc)
    if len(docs) != df or at + df > len(data):
        raise ValueError("a damaged posting")
    return docs, bytes(data[at : at + df]), at + df


def decode_masks_bytes(data: bytes, tfs: bytes) -> list[list[int]]:
    """The blocks of each document from masks in bytes (format 6's, and the form the builder holds them
    in, see builder.encode_mask): once, the block; twice, the first block and the gap to the second; more
    often, the bit mask (bit k for block k) as a varint."""
    out = []
    at = 0
    for tf in tfs:
        count = tf >> 2
        value = data[at]
        if value < 128 and count == 1:  # the common case, without a call
            at += 1
            out.append([value])
            continue
        value, at = read_varint(data, at)
        if count == 1:
            out.append([value])
        elif count == 2:
            gap, at = read_varint(data, at)
            out.append([value, value + gap] if gap else [value])
        else:
            out.append([k for k in range(value.bit_length()) if value >> k & 1])
    return out
