"""Benchmark the PDF reader: how faithful a printed PDF's page is to its Word file, and how fast.

    .venv/bin/python benchmarks/pdf.py [--count 200] [--rounds 5] [--real ../shared/corpus/real-zh]

Needs LibreOffice (`soffice`), which prints the Word files to PDF as an office would.

Fidelity: office-style Word speeches (no heading styles; 黑体/楷体 headings typed as 一、（一）; a
running header; `— N —` page numbers; two-character indents) are printed to PDF, and the PDF and the
Word file are converted side by side. For each pair: is the outline the same, what share of the
Word page's paragraphs stand whole in the PDF page, how many running headers or page numbers are
left, and the recall of the Word page's character bigrams in the PDF page. `--real` adds the real
speeches of a folder of .txt files (one paragraph per line, or paragraphs separated by two
ideographic spaces), typed into Word the same way.

Speed: one 20-page PDF read in this process (median of five; wall and CPU seconds), then COUNT such
PDFs through the real CLI with --jobs 2: seconds, documents and pages per second, CPU seconds per
PDF for the whole conversion (reader, sections, page), and the peak resident memory of any one
process. CPU seconds are what to compare when the machine is busy. Prints a table and writes benchmarks/results/pdf.json.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "readers"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import convert as convert_bench  # noqa: E402
import pypdfium2  # noqa: E402
from pdf_fixtures import TITLE, chinese_speech_docx, print_with_libreoffice, soffice, speech_blocks  # noqa: E402

from converter.readers import pdf  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "pdf.json"
HEADING = re.compile(r"^[一二三四五六七八九十]+、")
HAN = re.compile(r"[\u3400-\u9fff]")


def real_blocks(path: Path) -> list[tuple[str, str]]:
    """A real speech's paragraphs as the kinds the Word builder types: 一、 lines in 黑体, the rest body."""
    text = path.read_text(encoding="utf-8")
    parts = text.split("\n") if text.count("\n") > 5 else re.split(r"\u3000\u3000", text)
    blocks = []
    for part in (p.strip() for p in parts):
        if part:
            blocks.append(("cn" if HEADING.match(part) and len(part) <= 40 else "body", part))
    return blocks


def convert(sources: Path, work: Path, jobs: int = 2) -> tuple[dict, Path, float, int]:
    """Convert with the real CLI (benchmarks/convert.py runs it); the report's entries by file name,
    the docs folder, the seconds and the peak resident size of any process so far (KB)."""
    docs = work / "docs"
    seconds, _ = convert_bench.convert(sources, docs, jobs)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report = json.loads((docs.parent / "report.json").read_text(encoding="utf-8"))
    return {Path(e["source"]).name: e for e in report["documents"]}, docs, seconds, peak_kb


def page_parts(entry: dict, docs: Path) -> tuple[list[tuple[int, str]], list[str], str]:
    markdown = (docs / entry["output"]).read_text(encoding="utf-8")
    body = markdown.split("\n---\n", 1)[1]
    outline = [(len(m.group(1)), m.group(2)) for m in re.finditer(r"^(#+) (.+)$", body, re.M)]
    blocks = [b.strip() for b in body.split("\n\n") if b.strip()]
    return outline, blocks, body


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def bigram_recall(expected: str, got: str) -> float:
    def bigrams(text):
        han = HAN.findall(text)
        return Counter(a + b for a, b in zip(han, han[1:], strict=False))

    want, have = bigrams(expected), bigrams(got)
    total = sum(want.values())
    return sum(min(n, have[k]) for k, n in want.items()) / total if total else 1.0


def fidelity(twins: list[str], entries: dict, docs: Path) -> list[dict]:
    rows = []
    for stem in twins:
        word, printed = entries[f"{stem}.docx"], entries[f"{stem}.pdf"]
        if printed["status"] == "failed":
            rows.append({"speech": stem, "failed": printed["messages"]})
            continue
        w_outline, w_blocks, w_body = page_parts(word, docs)
        p_outline, p_blocks, p_body = page_parts(printed, docs)
        # Paragraphs compared without spaces, as the acceptance check does: a PDF keeps no record of
        # whether a narrow gap between two Chinese characters was a typed space.
        paragraphs = [_squash(b) for b in w_blocks if not b.startswith(("#", "|"))]
        printed_blocks = {_squash(b) for b in p_blocks}
        whole = sum(1 for b in paragraphs if b in printed_blocks)
        furniture = len(re.findall(r"^—\s*\d+\s*—$", p_body, re.M)) + max(
            0, p_body.count(TITLE) - w_body.count(TITLE)
        )
        pages = len(pypdfium2.PdfDocument(str(docs.parent / "sources" / f"{stem}.pdf")))
        rows.append(
            {
                "speech": stem,
                "pages": pages,
                "outline_same": p_outline == w_outline,
                "headings": len(w_outline),
                "paragraphs_whole": round(whole / len(paragraphs), 4) if paragraphs else 1.0,
                "furniture_left": furniture,
                "text_recall": round(bigram_recall(w_body, p_body), 4),
            }
        )
    return rows


def read_seconds(path: Path, repeat: int = 5) -> tuple[float, float]:
    """Median wall and CPU seconds of reading one PDF in this process (CPU time is what one core
    needs, whatever else the machine is doing)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf.read(path)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="PDFs in the speed run")
    parser.add_argument(
        "--rounds", type=int, default=5, help="length of a generated speech (4 pages a round)"
    )
    parser.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "corpus" / "real-zh")
    args = parser.parse_args(argv)
    if soffice() is None:
        print("LibreOffice is needed to print the Word files: apt-get install libreoffice-writer-nogui")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources = work / "sources"
        sources.mkdir()
        twins = []
        for rounds in (1, args.rounds):
            stem = f"generated-{rounds * 4}-pages"
            chinese_speech_docx(sources / f"{stem}.docx", speech_blocks(rounds))
            twins.append(stem)
        for path in sorted(args.real.glob("*.txt")) if args.real.is_dir() else []:
            chinese_speech_docx(sources / f"{path.stem}.docx", real_blocks(path))
            twins.append(path.stem)
        print_with_libreoffice([sources / f"{s}.docx" for s in twins], sources)
        entries, docs, _, _ = convert(sources, work)
        rows = fidelity(twins, entries, docs)

        long_pdf = sources / f"generated-{args.rounds * 4}-pages.pdf"
        pages = len(pypdfium2.PdfDocument(str(long_pdf)))
        one, one_cpu = read_seconds(long_pdf)
        cpu_before = _children_cpu()
        batch = work / "batch"
        batch.mkdir()
        for i in range(args.count):
            shutil.copy(long_pdf, batch / f"speech-{i:04d}.pdf")
        batch_entries, _, seconds, peak_kb = convert(batch, work / "batch-out")
        batch_cpu = _children_cpu() - cpu_before
        failed = sum(e["status"] == "failed" for e in batch_entries.values())
    speed = {
        "pdf_pages": pages,
        "one_pdf_seconds_wall": round(one, 3),
        "one_pdf_cpu_seconds": round(one_cpu, 3),
        "one_pdf_pages_per_cpu_second": round(pages / one_cpu, 1),
        "batch_pdfs": args.count,
        "batch_jobs": 2,
        "batch_seconds": round(seconds, 2),
        "batch_pdfs_per_second": round(args.count / seconds, 2),
        "batch_pages_per_second": round(args.count * pages / seconds, 1),
        "batch_cpu_seconds_per_pdf": round(batch_cpu / args.count, 3),
        "batch_failed": failed,
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }
    print(f"{'speech':<44} {'pages':>5} {'outline':>8} {'whole':>6} {'furniture':>9} {'recall':>7}")
    for row in rows:
        if "failed" in row:
            print(f"{row['speech']:<44} FAILED {row['failed']}")
            continue
        print(
            f"{row['speech']:<44} {row['pages']:>5} {'same' if row['outline_same'] else 'DIFF':>8} "
            f"{row['paragraphs_whole']:>6.1%} {row['furniture_left']:>9} {row['text_recall']:>7.3f}"
        )
    print()
    for key, value in speed.items():
        print(f"{key:<28} {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"fidelity": rows, "speed": speed}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
