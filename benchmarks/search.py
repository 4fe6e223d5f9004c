"""Benchmark the archive's search against exact-substring ground truth, in headless chromium.

    .venv/bin/python benchmarks/search.py [--sizes 1000 10000] [--queries 200] [--absent 50]
                                          [--full-site 1000] [--material 1000] [--cold 20]
    .venv/bin/python benchmarks/search.py --index-only 100000
    .venv/bin/python benchmarks/search.py --small-sites 100 300

For each size it generates an archive of speeches of about 10,000 Chinese characters (words drawn with
Zipf frequencies from a vocabulary of common words, generated words and a few long formulaic phrases,
in sections with 一、 headings), builds the index, and runs QUERIES substrings cut from the texts (2-8
characters, mostly crossing word boundaries) and ABSENT strings that occur nowhere, through the real client
(archive-search.js) in Debian's chromium. At --full-site sizes the whole site is built with
`mkdocs build --strict` (the hook writes the index); at other sizes only the index is built, and the search
page and assets are copied from a full build. --material also builds the same corpus with Material's
built-in search plugin and measures it through its own search box (recall and precision of its top 10).

The phrase over time: for phrases found in about 10, 20 and 50 % of the speeches (1,000, 2,000 and 5,000
of 10,000), the per-year counts as the search page computes them (archive-trend.js: every candidate
proven, every speech's year read), each in a fresh browser with no DevTools attached (as readers run it):
bytes, time, requests, and whether the speeches found are exactly the ground truth; beside the bytes, their
floor: what a count would still read if the index ruled out every false candidate (where the blocks lie, the
terms' parts, the smallest block that shows each speech found). `--trend-only` measures only this
(benchmarks/results/search_trend.json).

Every page is served by converter/search/http_range.py, which answers Range requests with 206 as GitHub
Pages, Netlify, Cloudflare, S3 and nginx do, so the bytes reported are those a reader of a real host
transfers (`python -m http.server` would send every file whole).

Reported: recall and precision against ground truth (full result sets, and top 10), bytes transferred
for a query on a fresh page ("first": everything the page read, index.json and the dictionary it reads ahead included) and on a page that already ran queries
("later"), time to results (search plus metadata and snippets of the first 10), index build time and peak
memory per 1,000 speeches, and index size and files. Printed as a table, written to
benchmarks/results/search.json. --index-only builds only the index (no browser, no ground truth), to show
that the builder streams: time, peak memory, size and files, in benchmarks/results/search_index_build.json.
--small-sites builds whole sites of small archives (the same corpus, `mkdocs build --strict`), where an
index's fixed costs (a term's entry, its directory line) weigh most: index size against the text, and
files per speech, in benchmarks/results/search_small.json.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import math
import os
import queue
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.search.builder import (  # noqa: E402
    SearchDoc,
    SearchSection,
    build_index,
    document_meta,
    fnv1a,
    load_document,
    read_shard,
)
from converter.search.http_range import RangeRequestHandler, RunningServer, serve  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "search.json"
CHROMIUM = "/usr/bin/chromium"
CORE = ("发展 经济 工业 推进 企业 项目 建设 改革 创新 服务 基础 领导 干部 群众 农业 产业 富硒 茶叶 旅游 交通 "
        "生态 环境 保护 安全 生产 教育 医疗 就业 收入 民生 财政 金融 投资 消费 市场 开放 合作 乡村 振兴 城镇 "
        "规划 落实 责任 考核 督查 作风 效率 质量 效益 目标 任务 措施 政策 制度 机制 体系 能力 水平 平台 园区 "
        "招商 引资 资金 人才 科技 数字 能源 资源 矿产 水利 电力 道路 物流 电商 品牌 标准 监管 执法 法治 文化 "
        "我们 同志们 要 的 是 在 和 了 把 对 进一步 坚持 加强 全面 深化 推动 实现 提高 不断 积极").split()  # fmt: skip
FORMULAS = ("新时代中国特色社会主义思想", "高质量发展", "全面从严治党", "以人民为中心的发展思想",
            "党中央决策部署", "乡村振兴战略", "营商环境", "安全生产责任制")  # fmt: skip
CHARS = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
         "方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好"
         "应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向"
         "道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特"
         "件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队"
         "南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风"
         "切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许"
         "步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列"
         "习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派"
         "层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞")  # fmt: skip
ORDINALS = "一二三四五六七八九十"


# ------------------------------------------------------------------------------------------ corpus


class Corpus:
    """A deterministic archive: speech `i` is regenerated from its number, so nothing is held in memory."""

    def __init__(self, size: int, seed: int = 7) -> None:
        self.size = size
        rng = random.Random(seed)
        char_weights = [1 / (rank + 5) for rank in range(len(CHARS))]
        words = list(CORE)
        seen = set(words)
        while len(words) < 8000:
            length = rng.choices((1, 2, 3, 4), (10, 60, 25, 5))[0]
            word = "".join(rng.choices(CHARS, char_weights, k=length))
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = words
        self.cum = list(_cumulative([1 / (rank + 10) for rank in range(len(words))]))
        self.speakers = ["".join(rng.choices(CHARS, char_weights, k=rng.choice((2, 3)))) for _ in range(150)]

    def _words(self, rng: random.Random, n: int) -> str:
        return "".join(rng.choices(self.words, cum_weights=self.cum, k=n))

    def speech(self, i: int) -> dict:
        rng = random.Random(i * 7919 + self.size)
        year = 2000 + i % 26
        sections = []
        chars = 0
        for number in range(rng.randint(5, 9)):
            paragraphs = []
            while sum(len(p) for p in paragraphs) < 10000 // 7:
                sentences = []
                for _ in range(rng.randint(3, 6)):
                    sentence = self._words(rng, rng.randint(6, 18))
                    if rng.random() < 0.15:
                        sentence += rng.choice(FORMULAS)
                    sentences.append(sentence + rng.choice("，。。"))
                paragraphs.append("".join(sentences))
            heading = f"{ORDINALS[number]}、{self._words(rng, rng.randint(3, 5))}"
            sections.append((heading, paragraphs))
            chars += sum(len(p) for p in paragraphs)
        return {
            "slug": f"speech-{i:05d}",
            "title": f"在{self._words(rng, 3)}会议上的讲话",
            "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "speaker": rng.choice(self.speakers),
            "event": f"{year}年{self._words(rng, 2)}会议",
            "sections": sections,
        }

    def text(self, speech: dict) -> str:
        """The text the index sees (title, then each heading and paragraph on its own line)."""
        lines = [speech["title"]]
        for heading, paragraphs in speech["sections"]:
            lines.append(heading)
            lines.extend(paragraphs)
        return "\n".join(lines)

    def search_doc(self, speech: dict) -> SearchDoc:
        sections = tuple(
            SearchSection(anchor=f"s{n}", heading=h, text="\n".join(p))
            for n, (h, p) in enumerate(speech["sections"])
        )
        return SearchDoc(url=f"speeches/{speech['slug']}/", title=speech["title"], sections=sections,
                         date=speech["date"], speaker=speech["speaker"], event=speech["event"])  # fmt: skip

    def markdown(self, speech: dict) -> str:
        lines = ["---", f"title: {speech['title']}", f"date: '{speech['date']}'", f"speaker: {speech['speaker']}",
                 f"event: {speech['event']}", "language: zh", "tags: []", f"slug: {speech['slug']}", "---", "",
                 f"# {speech['title']}", ""]  # fmt: skip
        for heading, paragraphs in speech["sections"]:
            lines += [f"## {heading}", ""]
            for paragraph in paragraphs:
                lines += [paragraph, ""]
        return "\n".join(lines)


def _cumulative(weights):
    total = 0.0
    for w in weights:
        total += w
        yield total


def pick_queries(corpus: Corpus, count: int, absent: int, seed: int = 11) -> tuple[list[str], list[str]]:
    """`count` substrings of 2-8 CJK characters cut from random speeches, and `absent` strings of common
    characters (checked against the whole corpus later)."""
    rng = random.Random(seed)
    present = []
    while len(present) < count:
        text = corpus.text(corpus.speech(rng.randrange(corpus.size)))
        length = rng.randint(2, 8)
        start = rng.randrange(len(text) - length)
        query = text[start : start + length]
        if all("\u4e00" <= c <= "\u9fff" for c in query) and query not in present:
            present.append(query)
    candidates = ["".join(rng.choices(CHARS[:300], k=rng.randint(3, 6))) for _ in range(absent * 6)]
    return present, candidates


TREND_SHARES = (0.1, 0.2, 0.5)  # of the archive's speeches: 1,000, 2,000 and 5,000 of 10,000


def pick_trend_phrases(corpus: Corpus, per_share: int, seed: int = 17) -> dict[float, list[str]]:
    """For each share in TREND_SHARES, up to `per_share` phrases of 3-6 characters (more than one index
    term, so their speeches must be proven from the text: the costly case) whose share of a sample of the
    archive's speeches is near it. The caller checks them against the whole archive."""
    rng = random.Random(seed)
    sample = [corpus.text(corpus.speech(i)) for i in rng.sample(range(corpus.size), min(corpus.size, 300))]
    pool = set(FORMULAS)
    while len(pool) < 3000:
        text = rng.choice(sample)
        length = rng.randint(3, 6)
        start = rng.randrange(len(text) - length)
        piece = text[start : start + length]
        if all("\u4e00" <= c <= "\u9fff" for c in piece):
            pool.add(piece)
    share = {q: sum(q in t for t in sample) / len(sample) for q in sorted(pool)}
    picked = {}
    for target in TREND_SHARES:
        near = sorted((abs(s - target), q) for q, s in share.items() if abs(s - target) <= target * 0.25)
        picked[target] = [q for _, q in near[:per_share]]
    return picked


def ground_truth(corpus: Corpus, queries: list[str]) -> dict[str, set[str]]:
    truth: dict[str, set[str]] = {q: set() for q in queries}
    for i in range(corpus.size):
        speech = corpus.speech(i)
        text = corpus.text(speech)
        for query in queries:
            if query in text:
                truth[query].add(speech["slug"])
    return truth


# ------------------------------------------------------------------------------------------ building


def build_index_only(size: int, out: Path) -> dict:
    """Runs in a child process (see --build-index): build the index of a generated archive of `size`."""
    corpus = Corpus(size)
    text_bytes = 0

    def docs():
        nonlocal text_bytes
        for i in range(size):
            speech = corpus.speech(i)
            text_bytes += len(corpus.text(speech).encode())
            yield corpus.search_doc(speech)

    stats = build_index(docs(), out)
    return {"seconds": stats.seconds, "bytes": stats.bytes, "files": stats.files, "terms": stats.terms,
            "shards": stats.shards, "bytes_by_kind": stats.bytes_by_kind, "text_bytes": text_bytes}  # fmt: skip


def index_only(sizes: list[int], work: Path, output: Path) -> None:
    """Build only the index of generated archives of `sizes` (each in a child process, whose peak memory and
    its workers' are its own) and write their figures to `output`: the builder streams, so 100,000
    speeches must fit in memory as 1,000 do."""
    rows = []
    for size in sizes:
        out = work / f"index-only-{size}"
        print(f"[{size}] index only", flush=True)
        started = time.perf_counter()
        run_child([sys.executable, __file__, "--build-index", str(size), str(out)])
        stats = json.loads((out / "stats.json").read_text())
        rows.append({"speeches": size, "seconds": round(time.perf_counter() - started, 1),
                     "build_seconds": round(stats["seconds"], 1),
                     "peak_memory_mb": round(stats["peak_memory_mb"]),
                     "peak_memory_mb_main": round(stats["peak_memory_mb_main"]),
                     "peak_memory_mb_worker": round(stats["peak_memory_mb_worker"]),
                     "bytes": stats["bytes"], "files": stats["files"], "files_per_speech": round(stats["files"] / size, 2),
                     "text_bytes": stats["text_bytes"], "index_to_text": round(stats["bytes"] / stats["text_bytes"], 3),
                     "bytes_by_kind": stats["bytes_by_kind"]})  # fmt: skip
        shutil.rmtree(out)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(rows, indent=1) + "\n", "utf-8")
    print(
        f"{'speeches':>9} {'seconds':>8} {'peak MB':>8} {'index MB':>9} {'files':>8} {'per speech':>10} {'index/text':>10}"
    )
    for r in rows:
        print(f"{r['speeches']:>9} {r['build_seconds']:>8} {r['peak_memory_mb']:>8} {r['bytes'] / 1e6:>9.0f} "
              f"{r['files']:>8} {r['files_per_speech']:>10} {r['index_to_text']:>10}")  # fmt: skip


def small_sites(sizes: list[int], work: Path, output: Path) -> None:
    """Build the whole site of small archives and report the index's size against the text and the
    site's files per speech (no originals: the corpus has none)."""
    rows = []
    for size in sizes:
        print(f"[{size}] small site", flush=True)
        corpus = Corpus(size)
        site, seconds = build_full_site(corpus, work / f"small-{size}")
        text = sum(len(corpus.text(corpus.speech(i)).encode()) for i in range(size))
        index = folder_size(site / "search-index")
        rows.append({"speeches": size, "build_seconds": round(seconds, 1), "text_bytes": text,
                     "index_bytes": index, "index_to_text": round(index / text, 3),
                     "index_files": sum(1 for p in (site / "search-index").rglob("*") if p.is_file()),
                     "site_files_per_speech": round(sum(1 for p in site.rglob("*") if p.is_file()) / size, 2)})  # fmt: skip
        output.write_text(json.dumps(rows, indent=1) + "\n", "utf-8")
    print(f"{'speeches':>9} {'index/text':>10} {'index files':>11} {'site files per speech':>22}")
    for r in rows:
        print(
            f"{r['speeches']:>9} {r['index_to_text']:>10} {r['index_files']:>11} {r['site_files_per_speech']:>22}"
        )


def run_child(args: list[str]) -> None:
    """Run a child process (so that its peak memory is its own); stop with its output if it fails."""
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(done.stdout[-3000:] + done.stderr[-3000:])


def build_full_site(
    corpus: Corpus, work: Path, material: bool = False, reuse: bool = False
) -> tuple[Path, float]:
    """Write the Markdown pages and run `mkdocs build --strict`; with `material`, Material's own search
    replaces ours. Returns the site folder and the build time (with `reuse`, those of an earlier run)."""
    done_file = work / "build-seconds.txt"
    if reuse and done_file.exists():
        return work / "site", float(done_file.read_text())
    if work.exists():
        shutil.rmtree(work)
    (work / "docs" / "speeches").mkdir(parents=True)
    for name in ("hooks", "overrides"):
        shutil.copytree(ROOT / name, work / name)
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    if material:
        config = config.replace("  - hooks/search.py", "  # - hooks/search.py").replace(
            "plugins: []", "plugins: [search]"
        )
        (work / "overrides" / "partials" / "header.html").unlink()
        (work / "overrides" / "partials" / "search.html").unlink()
    (work / "mkdocs.yml").write_text(config, "utf-8")
    for i in range(corpus.size):
        speech = corpus.speech(i)
        (work / "docs" / "speeches" / f"{speech['slug']}.md").write_text(corpus.markdown(speech), "utf-8")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(work / "mkdocs.yml"),
                           "-d", str(work / "site")], capture_output=True, text=True, cwd=work,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    if done.returncode:
        raise SystemExit(done.stdout[-3000:] + done.stderr[-3000:])
    seconds = time.perf_counter() - started
    done_file.write_text(str(seconds))
    return work / "site", seconds


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# ------------------------------------------------------------------------------------------ browser


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


RUN_QUERY = """async ([q, full]) => {
  const s = window.archiveSearch; const before = s.stats.bytes; const t0 = performance.now();
  const found = await s.search(q);
  if (full) await found.more(Infinity, Infinity);
  else await Promise.all(found.results.slice(0, 10).map(r => s.describe(r, found.phrases)));
  return {ms: performance.now() - t0, bytes: s.stats.bytes - before, pending: found.pending,
          docs: found.results.map(r => r.doc), all: s.stats.bytes};
}"""


def measure_ours(site: Path, queries: list[str], cold: int, all_results: bool = True) -> dict:
    """Run every query on one page as a user would (the first 10 results with snippets; the first query
    on a fresh page counts as "first", the others as "later"), then `cold` of them again, each on a fresh
    browser context; then (unless not `all_results`), on another page, check every candidate of every
    query (`more(Infinity, Infinity)`) for the full result sets."""
    from playwright.sync_api import sync_playwright

    slugs = _slugs(site)
    server = serve(site)  # Range honoured, as on the hosts readers use
    runs, first = {}, []
    foreign = []

    def fresh_page(browser):
        context = browser.new_context()
        page = context.new_page()
        page.on("request", lambda r: r.url.startswith(server.url) or foreign.append(r.url))
        page.goto(server.url + "search/")
        page.wait_for_function("window.archiveSearch")
        return context, page

    try:
        with sync_playwright() as p:
            browser = launch(p)
            context, page = fresh_page(browser)
            for query in queries:
                out = page.evaluate(RUN_QUERY, [query, False])
                runs[query] = {
                    "ms": out["ms"],
                    "bytes": out["bytes"],
                    "pending": out["pending"],
                    "first_page": [slugs[d] for d in out["docs"][:10]],
                }
            context.close()
            for query in queries[:cold]:
                context, page = fresh_page(browser)
                out = page.evaluate(RUN_QUERY, [query, False])
                # everything the fresh page read, including what it read ahead at load (the manifest and
                # the blocks' dictionary)
                first.append({"query": query, "ms": out["ms"], "bytes": out["all"]})
                context.close()
            context, page = fresh_page(browser)
            for query in queries if all_results else []:
                out = page.evaluate(RUN_QUERY, [query, True])
                runs[query].update(
                    all_ms=out["ms"], all_bytes=out["bytes"], slugs=[slugs[d] for d in out["docs"]]
                )
            context.close()
            browser.close()
    finally:
        server.close()
    return {"runs": runs, "first": first, "foreign_requests": foreign}


MATERIAL_QUERY = """async (q) => {
  const input = document.querySelector('.md-search__input');
  const list = document.querySelector('.md-search-result__list');
  const t0 = performance.now();
  input.value = q; input.dispatchEvent(new Event('input', {bubbles: true}));
  input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true, key: 'a'}));
  let last = null, stable = 0;
  while (performance.now() - t0 < 20000) {
    await new Promise(r => setTimeout(r, 50));
    const meta = document.querySelector('.md-search-result__meta').textContent;
    const html = list.innerHTML + meta;
    if (html === last) { if (++stable >= 6 && !/初始化|Initializing/.test(meta)) break; } else { stable = 0; last = html; }
  }
  const hrefs = Array.from(list.querySelectorAll('a.md-search-result__link')).map(a => a.getAttribute('href'));
  return {ms: performance.now() - t0, hrefs: hrefs};
}"""


TREND_QUERY = """async (q) => {
  const s = window.archiveSearch, before = s.stats.bytes, requests = s.stats.requests, t0 = performance.now();
  await s.loadYears({});  // the chart needs every speech's year (archive-trend.js show)
  const found = await window.archiveTrend.count(q, {});
  return {ms: performance.now() - t0, bytes: s.stats.bytes - before, docs: found.results.map(r => r.doc),
          pending: found.pending, requests: s.stats.requests - requests};
}"""

# The count by year without DevTools: a page of the site's own scripts that runs TREND_QUERY once loaded and
# posts what it measured back to the server.
TREND_PAGE = """<!doctype html><html lang="zh"><meta charset="utf-8"><title>count by year</title>
<script src="/assets/javascripts/archive-search.js"></script>
<script src="/assets/javascripts/archive-trend.js"></script>
<script>
addEventListener("load", () => setTimeout(async () => {
  let out;
  try {
    out = await (TREND_QUERY)(new URLSearchParams(location.search).get("q"));
  } catch (e) {
    out = {error: String(e && e.stack || e)};
  }
  await fetch("/__bench/result", {method: "POST", body: JSON.stringify(out)});
}, 200));
</script>""".replace("TREND_QUERY", TREND_QUERY)


class _TrendHandler(RangeRequestHandler):
    """The site as a real host serves it, plus the page that counts (GET /__bench/trend) and the address
    it posts its figures to (POST /__bench/result, put on `results`)."""

    results: queue.Queue

    def do_GET(self):
        if self.path.split("?")[0] != "/__bench/trend":
            return super().do_GET()
        body = TREND_PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        try:
            self.results.put(json.loads(body))
        except ValueError:
            self.results.put({"error": f"the page posted something other than JSON: {body[:200]!r}"})
        self.send_response(204)
        self.end_headers()


def measure_trend(site: Path, phrases: dict[float, list[str]], devtools: bool = False) -> dict:
    """The per-year counts of each phrase as the search page computes them (archive-trend.js `count`: every
    candidate proven, and every speech's year), each in a fresh browser as a first search would be: bytes
    and time, and the speeches found (checked against the ground truth by the caller).

    Timed without DevTools (chromium started on its own, the page posting its figures back), as readers run
    it: with Playwright attached, each of a count's thousand requests is also reported to the driver and to
    this process, which cost as much CPU as the count (the count of a phrase in 1,000 of 10,000 speeches:
    1.6 s alone, 2.6 s under DevTools on two cores). `devtools` times it under Playwright instead."""
    slugs = _slugs(site)
    count = _count_under_devtools if devtools else _count_alone
    out = {}
    for share, query, got in count(site, [(share, q) for share, qs in phrases.items() for q in qs]):
        out[query] = {"share": share, "ms": got["ms"], "bytes": got["bytes"], "requests": got["requests"],
                      "pending": got["pending"], "slugs": sorted(slugs[d] for d in got["docs"])}  # fmt: skip
    return out


def _count_alone(site: Path, phrases: list[tuple[float, str]]):
    """(share, phrase, figures) for each phrase, counted in a chromium of its own with no DevTools."""
    handler = type("Handler", (_TrendHandler,), {"results": queue.Queue()})
    server = RunningServer(site, handler)
    try:
        for share, query in phrases:
            with tempfile.TemporaryDirectory() as profile:
                url = server.url + "__bench/trend?q=" + urllib.parse.quote(query)
                log = Path(profile) / "chromium.log"
                with log.open("wb") as err:
                    browser = subprocess.Popen([CHROMIUM, "--headless", *CHROMIUM_ARGS, f"--user-data-dir={profile}/p", url],
                                               stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)  # fmt: skip
                try:
                    got = _posted(handler.results, browser, log, query)
                finally:
                    _stop(browser)
            if "error" in got:
                raise SystemExit(f"the count of {query!r} failed in the browser: {got['error']}")
            yield share, query, got
    finally:
        server.close()


def _posted(results: queue.Queue, browser: subprocess.Popen, log: Path, query: str) -> dict:
    """What the counting page posted; a clear failure when chromium ends first or nothing comes in 10
    minutes, instead of waiting out the time for a browser that is gone."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            return results.get(timeout=1)
        if browser.poll() is not None:
            tail = log.read_text("utf-8", "replace")[-2000:]
            raise SystemExit(f"chromium ended (exit {browser.returncode}) before counting {query!r}:\n{tail}")
    raise SystemExit(f"the count of {query!r} posted nothing in 10 minutes")


def _stop(browser: subprocess.Popen) -> None:
    """End chromium and every process it started (its session), so that none still writes to its profile
    when the profile's folder is removed: asked to end, then killed, whatever remains."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(browser.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        browser.wait(10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(browser.pid, signal.SIGKILL)
    browser.wait()


def _count_under_devtools(site: Path, phrases: list[tuple[float, str]]):
    """(share, phrase, figures) for each phrase, counted on a fresh page driven by Playwright."""
    from playwright.sync_api import sync_playwright

    server = serve(site)
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for share, query in phrases:
                context = browser.new_context()
                page = context.new_page()
                page.goto(server.url + "search/")
                page.wait_for_function("window.archiveSearch")
                page.add_script_tag(url=server.url + "assets/javascripts/archive-trend.js")
                page.wait_for_function("window.archiveTrend")
                yield share, query, page.evaluate(TREND_QUERY, query)
                context.close()
            browser.close()
    finally:
        server.close()


def add_floors(site: Path, measured: dict, truth: dict[str, set[str]]) -> None:
    """Give each counted phrase its `floor`: about the bytes a count that met no false candidate would still
    read (within 1 %: the client may skip a pair's masks): the shard directories' first reads and the
    postings and masks of the phrase's pairs; where each block
    lies (a block table, or the speeches' headers, as the client chooses for these speeches); and for each
    speech that holds the phrase the smallest block that shows it. Between it and what the count read are
    the candidates that the masks could not rule out."""
    index = site / "search-index"
    manifest = json.loads((index / "index.json").read_text())
    docs_of = {slug: doc for doc, slug in _slugs(site).items()}
    for phrase, run in measured.items():
        pairs = {phrase[i : i + 2] for i in range(len(phrase) - 1)}
        shards = {fnv1a(pair) % manifest["shards"] for pair in pairs}
        terms = sum(len(part) for pair in pairs for part in _term_parts(index, manifest, pair))
        docs = [docs_of[slug] for slug in truth[phrase]]
        blocks = 0
        for doc in docs:
            document = load_document(index, doc)
            blocks += min(
                size for size, text in zip(document.sizes, document.blocks, strict=True) if phrase in text
            )
        places = _where_blocks_lie(manifest, docs)
        run["floor"] = len(shards) * manifest["firstRead"]["t"] + terms + places + blocks


def _where_blocks_lie(manifest: dict, docs: list[int]) -> int:
    """The bytes that tell where `docs`' blocks are: per block table, the table, or each speech's header
    (its first read) when that is cheaper, by the client's rule (archive-search.js viaTables, which
    counts 250 bytes for each request a table saves)."""
    first_read, tables = manifest["firstRead"]["d"], manifest.get("blockTables")
    if not tables:
        return len(docs) * first_read
    per_table = collections.Counter(doc // tables["docs"] for doc in docs)
    return sum(
        tables["bytes"][n] if count * (first_read + 250) > tables["bytes"][n] else count * first_read
        for n, count in per_table.items()
    )


def _term_parts(index: Path, manifest: dict, term: str) -> tuple[bytes, bytes]:
    """A term's posting and masks as stored in its shard."""
    shard = read_shard((index / "t" / str(fnv1a(term) % manifest["shards"])).read_bytes())
    return shard[term][:2]


def _slugs(site: Path) -> dict[int, str]:
    """The slug of every document number of the index."""
    return {
        int(doc.name): document_meta(doc.read_bytes())["u"].strip("/").split("/")[-1]
        for doc in (site / "search-index" / "d").iterdir()
    }


def trend_summary(measured: dict, truth: dict[str, set[str]], size: int) -> dict:
    """Per target share: the phrases' speeches found (all must equal the truth), KB, ms and requests
    (median/p90/max), and each phrase's own figures, so that a claim about one phrase can be checked."""
    rows = {}
    for share in TREND_SHARES:
        runs = {q: r for q, r in measured.items() if r["share"] == share}
        if not runs:
            continue
        rows[str(share)] = {
            "target_speeches": round(share * size),
            "phrases": {q: len(truth[q]) for q in runs},
            "exact": all(set(r["slugs"]) == truth[q] and not r["pending"] for q, r in runs.items()),
            "kb": summary([r["bytes"] / 1000 for r in runs.values()]),
            "ms": summary([r["ms"] for r in runs.values()]),
            "requests": summary([r["requests"] for r in runs.values()]),
            "floor_kb": summary([r["floor"] / 1000 for r in runs.values()]),
            "each": {
                q: {
                    "kb": round(r["bytes"] / 1000, 1),
                    "floor_kb": round(r["floor"] / 1000, 1),
                    "ms": round(r["ms"]),
                    "requests": r["requests"],
                }
                for q, r in runs.items()
            },
        }
    return rows


def measure_material(site: Path, queries: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    server = serve(site)
    runs = {}
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(server.url)
            page.focus(".md-search__input")
            page.wait_for_function(
                "!/初始化|Initializing/.test(document.querySelector('.md-search-result__meta').textContent)",
                timeout=600_000,
            )
            load = time.perf_counter() - started
            for query in queries:
                out = page.evaluate(MATERIAL_QUERY, query)
                slugs = []
                for href in out["hrefs"]:
                    slug = href.split("#")[0].strip("/").split("/")[-1]
                    if slug.startswith("speech-") and slug not in slugs:
                        slugs.append(slug)
                runs[query] = {"ms": out["ms"], "slugs": slugs[:10]}
            browser.close()
    finally:
        server.close()
    return {"load_seconds": load, "runs": runs}


# ------------------------------------------------------------------------------------------ scoring


def score(
    runs: dict, truth: dict[str, set[str]], present: list[str], absent: list[str], top: int | None
) -> dict:
    recalls, precisions = [], []
    for query in present:
        got = runs[query]["slugs"][:top] if top else runs[query]["slugs"]
        expected = truth[query]
        hits = len(set(got) & expected)
        recalls.append(hits / min(len(expected), top or len(expected)))
        if got:
            precisions.append(hits / len(got))
    false_hits = sum(1 for q in absent if runs[q]["slugs"])
    return {
        "recall": round(statistics.mean(recalls), 4),
        "precision": round(statistics.mean(precisions), 4) if precisions else None,
        "present_without_correct_result": sum(1 for r in recalls if r == 0),
        "absent_with_results": false_hits,
    }


def summary(values: list[float]) -> dict:
    values = sorted(values)
    # Nearest rank: the ceiling, or a sample of fewer than 10 (2 cold queries) gave a p90 below the median.
    p90 = values[math.ceil(len(values) * 0.9) - 1]
    return {"median": round(statistics.median(values), 1), "p90": round(p90, 1),
            "max": round(values[-1], 1)}  # fmt: skip


def bench_size(size: int, args, template_site: Path | None) -> tuple[dict, Path]:
    corpus = Corpus(size)
    work = Path(args.work) / f"ours-{size}"
    print(f"[{size}] queries and ground truth", flush=True)
    present, candidates = pick_queries(corpus, args.queries, args.absent)
    trend_phrases = pick_trend_phrases(corpus, args.trend_phrases)
    trend_list = [q for qs in trend_phrases.values() for q in qs]
    truth_file = work / "truth.json"
    if args.trend_only:  # only the phrases over time need their truth
        present, candidates, truth_file = [], [], work / "trend-truth.json"
    if args.reuse and truth_file.exists():
        truth = {q: set(slugs) for q, slugs in json.loads(truth_file.read_text("utf-8")).items()}
    if not (args.reuse and truth_file.exists()) or not set(trend_list) <= set(truth):
        truth = ground_truth(corpus, present + candidates + trend_list)
        work.mkdir(parents=True, exist_ok=True)
        truth_file.write_text(
            json.dumps({q: sorted(s) for q, s in truth.items()}, ensure_ascii=False), "utf-8"
        )
    absent = [q for q in candidates if not truth[q]][: args.absent]
    result: dict = {"speeches": size, "queries": len(present), "absent": len(absent)}
    if present:
        result["mean_truth_matches"] = round(statistics.mean(len(truth[q]) for q in present), 1)
    if not (args.reuse and (work / "index" / "stats.json").exists()):
        run_child([sys.executable, __file__, "--build-index", str(size), str(work / "index")])
    index = json.loads((work / "index" / "stats.json").read_text())
    result["index"] = {"build_seconds": round(index["seconds"], 1),
                       "build_seconds_per_1000": round(index["seconds"] * 1000 / size, 1),
                       "peak_memory_mb": round(index["peak_memory_mb"]),
                       "peak_memory_mb_main": round(index.get("peak_memory_mb_main", index["peak_memory_mb"])),
                       "peak_memory_mb_worker": round(index.get("peak_memory_mb_worker", 0)), "bytes": index["bytes"], "files": index["files"],
                       "terms": index["terms"], "shards": index["shards"], "bytes_by_kind": index["bytes_by_kind"]}  # fmt: skip
    if size in args.full_site:
        print(f"[{size}] mkdocs build --strict", flush=True)
        site, build_seconds = build_full_site(corpus, work / "site-build", reuse=args.reuse)
        result["site_build_seconds"] = round(build_seconds, 1)
        result["site_bytes"] = folder_size(site)
    else:
        if template_site is None:  # the search page and assets come from a small full build
            template_site, _ = build_full_site(Corpus(20), work / "template-build")
        site = work / "site"
        if site.exists():
            shutil.rmtree(site)
        shutil.copytree(template_site / "assets", site / "assets")
        shutil.copytree(template_site / "search", site / "search")
        (site / "search-index").symlink_to(work / "index")
        result["site_build_seconds"] = None
    result["text_bytes"] = index["text_bytes"]
    print(f"[{size}] browser: phrases over time", flush=True)
    trend = measure_trend(site, trend_phrases, args.trend_devtools)
    add_floors(site, trend, truth)
    result["trend"] = trend_summary(trend, truth, size)
    if args.trend_only:
        return result, site
    print(f"[{size}] browser", flush=True)
    measured = measure_ours(site, present + absent, args.cold, not args.first_pages_only)
    runs = measured["runs"]
    later = [runs[q] for q in (present + absent)[1:]]
    if args.first_pages_only:  # no full result sets: the first pages stand in for them
        for r in runs.values():
            r.update(slugs=r["first_page"], all_bytes=0, all_ms=0)
    result["ours"] = {
        "all_results": score(runs, truth, present, absent, None),
        "top10": score(runs, truth, present, absent, 10),
        "first_page_top10": score(
            {q: {"slugs": r["first_page"]} for q, r in runs.items()}, truth, present, absent, 10
        ),
        "first_query_kb": summary([r["bytes"] / 1000 for r in measured["first"]]),
        "later_query_kb": summary([r["bytes"] / 1000 for r in later]),
        "first_query_ms": summary([r["ms"] for r in measured["first"]]),
        "later_query_ms": summary([r["ms"] for r in later]),
        "foreign_requests": len(measured["foreign_requests"]),
        "queries_with_unchecked_candidates": sum(1 for r in later if r["pending"]),
        "all_results_kb": summary([r["all_bytes"] / 1000 for r in runs.values()]),
        "all_results_ms": summary([r["all_ms"] for r in runs.values()]),
    }
    if args.first_pages_only:
        for key in ("all_results", "top10", "all_results_kb", "all_results_ms"):
            del result["ours"][key]
    worst = sorted(later, key=lambda r: -r["bytes"])[:1]
    result["ours"]["heaviest_query"] = next(
        ({"query": q, "kb": round(runs[q]["bytes"] / 1000, 1), "results": len(runs[q]["slugs"])}
         for q in present + absent if worst and runs[q] is worst[0]), None)  # fmt: skip
    if size in args.material:
        print(f"[{size}] Material's built-in search", flush=True)
        material_site, build_seconds = build_full_site(
            corpus, work / "material-build", material=True, reuse=args.reuse
        )
        index_file = material_site / "search" / "search_index.json"
        measured = measure_material(material_site, present + absent)
        result["material"] = {
            "build_seconds": round(build_seconds, 1),
            "index_bytes": index_file.stat().st_size,
            "load_seconds": round(measured["load_seconds"], 1),
            "top10": score(measured["runs"], truth, present, absent, 10),
            "query_ms": summary([r["ms"] for r in measured["runs"].values()]),
        }
    return result, site


def print_trend_table(results: list[dict]) -> None:
    print("\nphrase over time (per-year counts on a fresh page: every candidate proven, facets included)")
    print(f"{'speeches':>9} {'target':>7} {'found (each phrase)':<28} {'exact':>6} {'KB median/p90/max':>22} "
          f"{'floor KB median/p90/max':>24} {'ms median/p90/max':>22}")  # fmt: skip
    for r in results:
        for row in r.get("trend", {}).values():
            found = ",".join(str(n) for n in row["phrases"].values())
            floor = "{median}/{p90}/{max}".format(**row["floor_kb"]) if "floor_kb" in row else "-"
            print(f"{r['speeches']:>9} {row['target_speeches']:>7} {found:<28} {row['exact']!s:>6} "
                  f"{'{median}/{p90}/{max}'.format(**row['kb']):>22} {floor:>24} "
                  f"{'{median}/{p90}/{max}'.format(**row['ms']):>22}")  # fmt: skip


def print_table(results: list[dict]) -> None:
    rows = [("speeches", lambda r: r["speeches"]),
            ("recall / precision (all results)",
             lambda r: f"{r['ours']['all_results']['recall']:.2f} / {r['ours']['all_results']['precision']:.2f}"),
            ("recall@10 / precision@10", lambda r: f"{r['ours']['top10']['recall']:.2f} / {r['ours']['top10']['precision']:.2f}"),
            ("first page (no 'more') recall@10 / precision@10",
             lambda r: "{recall:.2f} / {precision:.2f}".format(**r["ours"]["first_page_top10"])),
            ("absent strings with results", lambda r: f"{r['ours']['all_results']['absent_with_results']}/{r['absent']}"),
            ("first query KB (median/p90/max)", lambda r: "{median}/{p90}/{max}".format(**r["ours"]["first_query_kb"])),
            ("later query KB (median/p90/max)", lambda r: "{median}/{p90}/{max}".format(**r["ours"]["later_query_kb"])),
            ("first query ms (median/p90/max)", lambda r: "{median}/{p90}/{max}".format(**r["ours"]["first_query_ms"])),
            ("later query ms (median/p90/max)", lambda r: "{median}/{p90}/{max}".format(**r["ours"]["later_query_ms"])),
            ("queries leaving candidates unchecked", lambda r: r["ours"]["queries_with_unchecked_candidates"]),
            ("all results KB (median/p90/max)", lambda r: "{median}/{p90}/{max}".format(**r["ours"]["all_results_kb"])),
            ("index build s per 1,000", lambda r: r["index"]["build_seconds_per_1000"]),
            ("index build peak MB", lambda r: r["index"]["peak_memory_mb"]),
            ("index MB (text MB)", lambda r: f"{r['index']['bytes'] / 1e6:.0f} ({r['text_bytes'] / 1e6:.0f})"),
            ("index files", lambda r: r["index"]["files"]),
            ("requests to other hosts", lambda r: r["ours"]["foreign_requests"])]  # fmt: skip
    for r in results:
        if "material" in r:
            m = r["material"]
            rows_m = [f"Material {r['speeches']}: recall@10 {m['top10']['recall']:.2f}, precision@10 "
                      f"{m['top10']['precision'] or 0:.2f}, present with no correct result "
                      f"{m['top10']['present_without_correct_result']}/{r['queries']}, absent with results "
                      f"{m['top10']['absent_with_results']}/{r['absent']}, index {m['index_bytes'] / 1e6:.0f} MB, "
                      f"load {m['load_seconds']} s, query median {m['query_ms']['median']} ms"]  # fmt: skip
            print(*rows_m)
    width = max(len(name) for name, _ in rows)
    for name, get in rows:
        print(f"{name:<{width}}  " + "  ".join(f"{_cell(get, r)!s:>18}" for r in results))


def _cell(get, result: dict):
    """A table cell, or a dash for a figure the run did not measure (--first-pages-only)."""
    try:
        return get(result)
    except KeyError:
        return "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--absent", type=int, default=50)
    parser.add_argument("--full-site", type=int, nargs="*", default=[1000])
    parser.add_argument("--material", type=int, nargs="*", default=[1000])
    parser.add_argument("--cold", type=int, default=20, help="queries repeated on a fresh page")
    parser.add_argument("--work", default="/tmp/speech-archive-search-bench")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--reuse", action="store_true", help="reuse the ground truth and index in --work")
    parser.add_argument("--trend-phrases", type=int, default=10, help="phrases per share of the archive")
    parser.add_argument("--first-pages-only", action="store_true",
                        help="skip reading every candidate of every query (the full result sets)")  # fmt: skip
    parser.add_argument("--trend-devtools", action="store_true",
                        help="time the phrase over time under Playwright (DevTools attached), for comparison")  # fmt: skip
    parser.add_argument("--trend-only", action="store_true",
                        help="measure only the phrase over time; write benchmarks/results/search_trend.json")  # fmt: skip
    parser.add_argument("--build-index", nargs=2, metavar=("SIZE", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--index-only", type=int, nargs="+", metavar="SIZE",
                        help="only build the index of these sizes; write benchmarks/results/search_index_build.json")  # fmt: skip
    parser.add_argument("--small-sites", type=int, nargs="+", metavar="SIZE",
                        help="only build whole sites of these small sizes; write benchmarks/results/search_small.json")  # fmt: skip
    args = parser.parse_args()
    if args.small_sites:
        small_sites(args.small_sites, Path(args.work), RESULTS.with_name("search_small.json"))
        return
    if args.index_only:
        index_only(args.index_only, Path(args.work), RESULTS.with_name("search_index_build.json"))
        return
    if args.build_index:
        out = Path(args.build_index[1])
        stats = build_index_only(int(args.build_index[0]), out)
        # the builder's worker processes (fork) hold the postings: the peak of the largest one counts too
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        stats["peak_memory_mb"] = max(own, workers)
        stats["peak_memory_mb_main"] = own
        stats["peak_memory_mb_worker"] = workers
        (out / "stats.json").write_text(json.dumps(stats))
        return
    if args.trend_only:
        args.output = RESULTS.with_name("search_trend.json")
        args.full_site = args.material = []  # the search page and its assets come from a small build
    results = []
    template = None
    for size in sorted(args.sizes, key=lambda s: (s not in args.full_site, s)):
        result, site = bench_size(size, args, template)
        template = template or site
        results.append(result)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", "utf-8")
    if not args.trend_only:
        print_table(sorted(results, key=lambda r: r["speeches"]))
    print_trend_table(sorted(results, key=lambda r: r["speeches"]))


if __name__ == "__main__":
    main()
