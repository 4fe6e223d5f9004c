"""Crash safety and unwritable output: a conversion killed with SIGKILL part-way leaves every page either
the old or the new version and the next run finishes the work; an output folder that cannot be written,
or a disk that fills up, gives a clear message instead of a traceback."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, run_converter

from hostile import hostile_corpus as corpus
from hostile.pages import entries_by_source, load_report, split_page

SOURCES_COUNT = 400


def _command(sources: Path, docs: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "converter", "convert", str(sources), str(docs), *args]


def _speech(i: int, version: str) -> str:
    body = "".join(
        f"第{j}段：今天召开第{i}次会议，研究部署工业经济工作，推动高质量发展。\n" for j in range(30)
    )
    return f"第{i}次会议上的讲话\n2023年4月19日\n{body}{version}\n"


def _pages(docs: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((docs / "speeches").glob("*.md"))}


@pytest.mark.slow
def test_sigkill_part_way_leaves_old_or_new_pages_and_the_next_run_finishes(tmp_path):
    sources, docs, fresh = tmp_path / "sources", tmp_path / "docs", tmp_path / "fresh"
    sources.mkdir()
    for i in range(SOURCES_COUNT):
        (sources / f"speech-{i:04d}.txt").write_text(_speech(i, "旧版本。"), encoding="utf-8")
    first = run_converter(sources, docs)
    assert first.returncode == 0, first.stderr
    old = _pages(docs)
    assert len(old) == SOURCES_COUNT

    for i in range(SOURCES_COUNT):
        (sources / f"speech-{i:04d}.txt").write_text(_speech(i, "新版本。"), encoding="utf-8")
    reference = run_converter(sources, fresh)
    assert reference.returncode == 0, reference.stderr
    new = _pages(fresh)
    assert set(new) == set(old) and all(new[name] != old[name] for name in new)

    process = subprocess.Popen(
        _command(sources, docs, "--jobs", "2"),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            changed = sum((docs / "speeches" / name).read_bytes() != data for name, data in old.items())
            if changed >= 5:
                break
            time.sleep(0.005)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the converter and its workers: a session we started
        process.wait(timeout=30)
    killed_part_way = process.returncode == -signal.SIGKILL

    after_kill = _pages(docs)
    assert set(after_kill) == set(old), "a page appeared or disappeared"
    torn = [name for name, data in after_kill.items() if data not in (old[name], new[name])]
    assert torn == [], f"pages that are neither the old nor the new version: {torn[:5]}"
    for data in after_kill.values():
        split_page(data.decode("utf-8"))
    if killed_part_way:
        assert any(after_kill[name] == old[name] for name in old), "the kill came too late to test anything"

    # What a writer killed between creating and renaming its temporary file leaves behind (planted as
    # well, so the check does not depend on where the kill landed).
    for planted in ("speeches/.speech-0001.md.999999.tmp", "originals/.speech-0001.txt.999999.tmp"):
        (docs / planted).write_bytes(b"partial")

    report = tmp_path / "report.json"
    finish = run_converter(sources, docs, "--report", str(report))
    assert finish.returncode == 0, finish.stdout + finish.stderr
    assert _pages(docs) == new
    entries = entries_by_source(load_report(report))
    assert len(entries) == SOURCES_COUNT
    assert {e["status"] for e in entries.values()} <= {"converted", "unchanged"}
    leftovers = sorted(p.name for p in docs.rglob("*") if p.name.endswith(".tmp"))
    assert leftovers == [], f"temporary files of a killed run are never cleaned up: {leftovers[:5]}"


def test_docs_under_a_regular_file_gives_a_clear_message(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "a.txt").write_text(corpus.CHINESE_SPEECH, encoding="utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    docs = blocker / "docs"
    done = run_converter(sources, docs, "--report", str(tmp_path / "r.json"))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    assert str(blocker) in done.stderr, done.stderr
    assert blocker.read_text(encoding="utf-8") == "a file where a folder should be"


def test_an_unwritable_pages_folder_fails_each_source_with_a_message(tmp_path):
    """As root, chmod does not stop writes: a regular file where DOCS/speeches should be does."""
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    docs.mkdir()
    for name in ("a.txt", "b.txt"):
        (sources / name).write_text(corpus.CHINESE_SPEECH, encoding="utf-8")
    (docs / "speeches").write_text("blocked", encoding="utf-8")
    report = tmp_path / "r.json"
    done = run_converter(sources, docs, "--report", str(report))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    entries = entries_by_source(load_report(report))
    assert set(entries) == {"a.txt", "b.txt"}
    for entry in entries.values():
        assert entry["status"] == "failed"
        assert [m["code"] for m in entry["messages"] if m["level"] == "error"] == ["write-failed"]
        assert "writable" in entry["messages"][-1]["text"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the case above covers it")
def test_a_read_only_docs_folder_gives_a_clear_message(tmp_path):
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    (sources / "a.txt").write_text(corpus.CHINESE_SPEECH, encoding="utf-8")
    docs.mkdir()
    docs.chmod(0o555)
    try:
        done = run_converter(sources, docs, "--report", str(tmp_path / "r.json"))
    finally:
        docs.chmod(0o755)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    assert "writable" in (done.stderr + done.stdout)


def _limit_file_size():
    # Python ignores SIGXFSZ, so a write past the limit fails with EFBIG, as on a full disk.
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))


def test_a_full_disk_fails_the_source_that_does_not_fit_and_keeps_the_others(tmp_path):
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    (sources / "small.txt").write_text(corpus.CHINESE_SPEECH, encoding="utf-8")
    corpus.big_text(sources / "big.txt", megabytes=1)
    report = tmp_path / "r.json"
    done = subprocess.run(
        _command(sources, docs, "--report", str(report)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_file_size,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    entries = entries_by_source(load_report(report))
    assert entries["small.txt"]["status"] == "converted"
    assert entries["big.txt"]["status"] == "failed"
    assert [m["code"] for m in entries["big.txt"]["messages"] if m["level"] == "error"] == ["write-failed"]
    assert "full" in entries["big.txt"]["messages"][-1]["text"]
    assert [p.name for p in docs.rglob("*") if p.name.endswith(".tmp")] == []
    assert not any("big" in p.name for p in (docs / "speeches").iterdir())


def test_sources_are_never_modified(tmp_path):
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    shutil.copytree(Path(__file__).parent, sources, ignore=shutil.ignore_patterns("__pycache__"))
    (sources / "speech.txt").write_text(corpus.CHINESE_SPEECH, encoding="utf-8")
    corpus.docx(sources / "speech.docx")
    before = {p: p.read_bytes() for p in sources.rglob("*") if p.is_file()}
    run_converter(sources, docs)
    after = {p: p.read_bytes() for p in sources.rglob("*") if p.is_file()}
    assert after == before
