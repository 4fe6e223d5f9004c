"""Score the HTML reader on a dev set of real saved web pages, beside readability-lxml and trafilatura.

    .venv/bin/python benchmarks/web_extraction.py [--pages benchmarks/web_pages] [--show NAME]

Each page in benchmarks/web_pages/ (NAME.html.gz, gzipped as saved) has its expected article text
(NAME.txt, checked by hand) and expected title (manifest.json). The text a system extracts is scored
against the expected text as bags of tokens: a run of Chinese characters counts as its character
bigrams, anything else as lower-cased words, so punctuation and line breaks do not count. Precision,
recall and F1 are computed per page and averaged over the pages; a page a system fails on scores 0.
A title is right when it equals the expected one, ignoring spaces and the width of punctuation.

The systems: this converter (the HTML reader, then the title, typography and sections every reader's
output goes through: the page's body text as the converter writes it, code blocks included), readability-lxml alone (its
summary's text and short title) and trafilatura alone (`extract` and its metadata's title).
The table is printed; the figures and every page's scores go to benchmarks/results/web_extraction.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import html as lxml_html  # noqa: E402
from readability import Document as Readability  # noqa: E402

from converter.markdown import speech_text  # noqa: E402
from converter.model import CodeBlock, ConversionError  # noqa: E402
from converter.pipeline import build_speech  # noqa: E402
from converter.readers import html as html_reader  # noqa: E402

PAGES = ROOT / "benchmarks" / "web_pages"
RESULTS = ROOT / "benchmarks" / "results" / "web_extraction.json"
HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter:
    """Chinese character bigrams (a lone character counts as itself) and lower-cased words."""
    out: Counter = Counter()
    for run in HAN_RUN.findall(text):
        out.update([a + b for a, b in zip(run, run[1:], strict=False)] or [run])
    out.update(word.lower() for word in WORD.findall(HAN_RUN.sub(" ", text)))
    return out


def score(found: str, expected: str) -> dict:
    got, want = tokens(found), tokens(expected)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def same_title(found: str | None, expected: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))

    return bool(found) and norm(found) == norm(expected)


# --------------------------------------------------------------------------- the systems


def run_converter(html: str, folder: Path) -> tuple[str, str | None]:
    page = folder / "page.html"
    page.write_text(html, encoding="utf-8")
    try:
        speech, _messages, _repairs = build_speech(html_reader.read(page), page, {})
    except ConversionError:
        return "", None
    return speech_text(speech) + "\n" + "\n".join(code_blocks(speech.body)), speech.metadata.title


def code_blocks(section) -> list[str]:
    """The text of the code blocks, which the page shows but speech_text (made for counting words) skips."""
    texts = [block.text for block in section.blocks if isinstance(block, CodeBlock)]
    for child in section.children:
        texts += code_blocks(child)
    return texts


def run_readability(html: str, folder: Path) -> tuple[str, str | None]:
    document = Readability(html)
    summary = lxml_html.fromstring(document.summary())
    for node in summary.iter("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br"):
        node.tail = "\n" + (node.tail or "")
    return summary.text_content(), document.short_title()


def run_trafilatura(html: str, folder: Path) -> tuple[str, str | None]:
    import trafilatura  # a benchmark-only dependency (requirements-dev.txt)

    metadata = trafilatura.extract_metadata(html)
    return trafilatura.extract(html) or "", metadata.title if metadata else None


SYSTEMS = {
    "speech-archive": run_converter,
    "readability-lxml": run_readability,
    "trafilatura": run_trafilatura,
}


# --------------------------------------------------------------------------- the run


def evaluate(pages: Path) -> dict:
    manifest = json.loads((pages / "manifest.json").read_text(encoding="utf-8"))
    per_page: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, info in sorted(manifest.items()):
            html = html_reader.decode(gzip.decompress((pages / f"{name}.html.gz").read_bytes()))
            expected = (pages / f"{name}.txt").read_text(encoding="utf-8")
            per_page[name] = {}
            for system, run in SYSTEMS.items():
                try:
                    text, title = run(html, Path(tmp))
                except Exception as exc:  # a library that crashes on a page scores 0 on it
                    text, title = "", f"{type(exc).__name__}"
                per_page[name][system] = {
                    **score(text, expected),
                    "title_ok": same_title(title, info["title"]),
                    "title": title,
                }
    return {"pages": len(per_page), "summary": summarise(per_page, manifest), "per_page": per_page}


def summarise(per_page: dict, manifest: dict) -> dict:
    groups = {"all": list(per_page)}
    for name in per_page:
        language = "zh" if manifest[name]["language"] == "zh" else "other languages"
        groups.setdefault(language, []).append(name)
    summary: dict = {}
    for group, names in groups.items():
        summary[group] = {}
        for system in SYSTEMS:
            rows = [per_page[name][system] for name in names]
            summary[group][system] = {
                "pages": len(rows),
                **{
                    key: round(sum(r[key] for r in rows) / len(rows), 3)
                    for key in ("precision", "recall", "f1")
                },
                "titles_right": sum(r["title_ok"] for r in rows),
            }
    return summary


def print_table(result: dict) -> None:
    print(f"{'pages':<18} {'system':<17} {'precision':>9} {'recall':>7} {'F1':>6} {'titles':>7}")
    for group, systems in result["summary"].items():
        for system, row in systems.items():
            label = f"{group} ({row['pages']})"
            titles = f"{row['titles_right']}/{row['pages']}"
            print(
                f"{label:<18} {system:<17} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {titles:>7}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("--show", help="print every system's scores and title for one page")
    args = parser.parse_args()
    result = evaluate(args.pages)
    if args.show:
        print(json.dumps(result["per_page"][args.show], ensure_ascii=False, indent=1))
    print_table(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
