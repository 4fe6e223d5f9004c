"""The search index's bytes by kind, against the speeches' text: where an index's size goes.

    .venv/bin/python benchmarks/index_bytes.py --corpus 300 [--keep DIR]   # build the benchmark's corpus
    .venv/bin/python benchmarks/index_bytes.py --index site/search-index   # an index already built

Shards (t/): their directories, and the terms' parts by how many speeches a term is in (1, 2, 3-9, 10+);
documents (d/): headers, blocks of text, metadata. Text bytes are known only for --corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.search.builder import read_shard_parts  # noqa: E402
from converter.search.postings import read_varint  # noqa: E402


def df_band(df: int) -> str:
    return "df1" if df == 1 else "df2" if df == 2 else "df3-9" if df < 10 else "df10+"


def shard_bytes(folder: Path) -> Counter:
    kinds: Counter = Counter()
    for path in (folder / "t").iterdir():
        data = path.read_bytes()
        directory, parts = read_shard_parts(data)
        kinds["t directory"] += directory
        for df, size in parts:
            kinds[f"t terms {df_band(df)}"] += size
            kinds[f"t terms {df_band(df)} (count)"] += 1
    return kinds


def document_bytes(folder: Path) -> Counter:
    kinds: Counter = Counter()
    for path in (folder / "d").iterdir():
        data = path.read_bytes()
        size, at = read_varint(data, 0)
        fields = []
        while at < size + 1 + (size > 127):
            value, at = read_varint(data, at)
            fields.append(value)
        head = at
        count = fields[1]
        meta = fields[2 + 2 * count]
        kinds["d header"] += head
        kinds["d meta"] += meta
        kinds["d blocks"] += len(data) - head - meta
    return kinds


def report(folder: Path, text_bytes: int) -> dict:
    kinds = shard_bytes(folder) + document_bytes(folder)
    for path in folder.iterdir():
        if path.is_file():
            kinds[path.name] += path.stat().st_size
    total = sum(v for k, v in kinds.items() if not k.endswith("(count)"))
    print(f"{'kind':<28} {'bytes':>12} {'/ text':>8}")
    for kind, value in sorted(kinds.items()):
        share = "" if kind.endswith("(count)") or not text_bytes else f"{value / text_bytes:8.3f}"
        print(f"{kind:<28} {value:>12,} {share}")
    print(f"{'total':<28} {total:>12,} {total / text_bytes if text_bytes else 0:8.3f}")
    return {"total": total, "text": text_bytes, **kinds}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=int, help="build the index of the search benchmark's corpus of N")
    parser.add_argument("--index", type=Path, help="an index folder already built")
    parser.add_argument("--keep", type=Path, help="with --corpus: build into this folder and keep it")
    args = parser.parse_args()
    if args.index:
        report(args.index, 0)
        return
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from search import build_index_only

    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "index"
        stats = build_index_only(args.corpus, out)
        report(out, stats["text_bytes"])
        print(json.dumps({k: stats[k] for k in ("bytes", "files", "terms", "text_bytes")}))


if __name__ == "__main__":
    main()
