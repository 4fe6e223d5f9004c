"""A published URL never breaks: a renamed or moved source keeps its page's URL, and a page that moves
anyway (a new slug in the catalog, a source renamed and edited at once) leaves a redirect at its old
URL, which a real browser follows."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from helpers import build_site, run_converter

# The archive's first run remembers nothing, so the dated source's file-name slug (the scheme before
# dated slugs) is redirected to its page, in case an earlier build published it there.
LEGACY = "2024nian-5yue-20ri-jiao-yu-da-hui-jiang-hua"
SPEECH = "在全县教育工作大会上的讲话\n\n（2024年5月20日）\n\n同志们：\n\n今天召开全县教育工作大会，总结工作，部署任务。{}\n"


def convert(sources: Path, docs: Path) -> dict:
    report = docs.parent / "report.json"
    done = run_converter(sources, docs, "--report", str(report))
    assert done.returncode == 0, done.stderr
    return {e["source"]: e for e in json.loads(report.read_text(encoding="utf-8"))["documents"]}


def redirects(docs: Path) -> dict:
    return json.loads((docs / ".speech-archive.json").read_text(encoding="utf-8")).get("redirects", {})


def pages(docs: Path) -> list[str]:
    return sorted(p.stem for p in (docs / "speeches").glob("*.md"))


@pytest.fixture
def archive(tmp_path):
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    (sources / "2024年5月20日 教育大会讲话.txt").write_text(SPEECH.format(""), encoding="utf-8")
    (sources / "other.txt").write_text("另一篇讲话\n同志们：\n今天开会。\n", encoding="utf-8")
    first = convert(sources, docs)
    return sources, docs, first["2024年5月20日 教育大会讲话.txt"]["output"]


def test_a_renamed_source_keeps_its_url(archive):
    sources, docs, page = archive
    (sources / "2024年5月20日 教育大会讲话.txt").rename(sources / "教育大会讲话.txt")
    entries = convert(sources, docs)
    assert entries["教育大会讲话.txt"]["output"] == page
    assert entries["教育大会讲话.txt"]["renamed_from"] == "2024年5月20日 教育大会讲话.txt"
    assert "source_file: 教育大会讲话.txt" in (docs / page).read_text(encoding="utf-8")
    assert len(pages(docs)) == 2 and redirects(docs) == {LEGACY: Path(page).stem}  # it follows the rename


def test_a_source_moved_into_a_folder_keeps_its_url(archive):
    sources, docs, page = archive
    (sources / "2024").mkdir()
    (sources / "2024年5月20日 教育大会讲话.txt").rename(sources / "2024" / "教育.txt")
    assert convert(sources, docs)["2024/教育.txt"]["output"] == page


def give_a_new_slug(sources: Path, docs: Path) -> None:
    """The catalog gives the dated speech the slug education-2024, and the converter runs."""
    (sources / "catalog.csv").write_text(
        "file,slug\n2024年5月20日 教育大会讲话.txt,education-2024\n", encoding="utf-8"
    )
    convert(sources, docs)


def test_a_new_slug_in_the_catalog_leaves_a_redirect(archive):
    sources, docs, page = archive
    old = Path(page).stem
    give_a_new_slug(sources, docs)
    assert "education-2024" in pages(docs) and old not in pages(docs)
    assert redirects(docs) == {old: "education-2024", LEGACY: "education-2024"}


def test_a_source_renamed_and_edited_leaves_a_redirect(archive):
    sources, docs, page = archive
    (sources / "2024年5月20日 教育大会讲话.txt").unlink()
    (sources / "education.txt").write_text(SPEECH.format("会议开得很成功。"), encoding="utf-8")
    entries = convert(sources, docs)
    new = Path(entries["education.txt"]["output"]).stem
    assert redirects(docs) == {Path(page).stem: new, LEGACY: new}


def test_a_deleted_source_leaves_no_redirect(archive):
    sources, docs, page = archive
    give_a_new_slug(sources, docs)
    (sources / "2024年5月20日 教育大会讲话.txt").unlink()
    convert(sources, docs)
    assert redirects(docs) == {} and pages(docs) == ["other"]


@pytest.mark.browser
def test_the_old_url_takes_a_reader_to_the_page(page, serve, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "speech.txt").write_text(SPEECH.format(""), encoding="utf-8")
    first = tmp_path / "first"
    first.mkdir()
    build_site(sources, first)
    (sources / "catalog.csv").write_text("file,slug\nspeech.txt,education-2024\n", encoding="utf-8")
    second = tmp_path / "second"
    shutil.copytree(first / "docs", second / "docs")  # the converter's state from the last run
    site = build_site(sources, second)
    redirect = (site / "speeches" / "speech" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' in redirect and 'rel="canonical"' in redirect
    url = serve(site)
    page.goto(url + "speeches/speech/")
    page.wait_for_url(url + "speeches/education-2024/")
    assert page.locator("h1").first.inner_text().startswith("在全县教育工作大会上的讲话")
    assert not page.foreign_requests


# ---------------------------------------------------------------- the ledger of published URLs
# docs/ is build output: a fresh checkout, or a CI cache that expired, starts without the converter's
# memory. The ledger (docs/published-urls.json, the one file of docs/ that is committed) keeps URLs.


def ledger(docs: Path) -> dict:
    return json.loads((docs / "published-urls.json").read_text(encoding="utf-8"))


def fresh_checkout(docs: Path) -> None:
    """Leave in DOCS only what a fresh clone has: the committed ledger."""
    for path in docs.iterdir():
        if path.name != "published-urls.json":
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def test_the_ledger_names_every_page(archive):
    sources, docs, page = archive
    speeches = ledger(docs)["speeches"]
    assert speeches["2024年5月20日 教育大会讲话.txt"]["slug"] == Path(page).stem
    assert speeches["2024年5月20日 教育大会讲话.txt"]["title"] == "在全县教育工作大会上的讲话"
    assert speeches["2024年5月20日 教育大会讲话.txt"]["date"] == "2024-05-20"
    assert set(speeches) == {"2024年5月20日 教育大会讲话.txt", "other.txt"}


def test_a_rerun_leaves_the_ledger_untouched(archive):
    sources, docs, _ = archive
    before = (docs / "published-urls.json").stat()
    convert(sources, docs)
    after = (docs / "published-urls.json").stat()
    assert (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)


def test_a_renamed_source_keeps_its_url_on_a_fresh_checkout(archive):
    sources, docs, page = archive
    fresh_checkout(docs)
    (sources / "2024年5月20日 教育大会讲话.txt").rename(sources / "教育大会讲话.txt")
    entries = convert(sources, docs)
    assert entries["教育大会讲话.txt"]["output"] == page
    assert entries["教育大会讲话.txt"]["renamed_from"] == "2024年5月20日 教育大会讲话.txt"
    assert list(ledger(docs)["speeches"]) == ["other.txt", "教育大会讲话.txt"]


def test_a_redirect_survives_a_fresh_checkout(archive):
    sources, docs, page = archive
    old = Path(page).stem
    give_a_new_slug(sources, docs)
    fresh_checkout(docs)
    convert(sources, docs)
    assert redirects(docs) == {old: "education-2024", LEGACY: "education-2024"}


def test_a_source_renamed_and_edited_before_a_fresh_checkout_leaves_a_redirect(archive):
    sources, docs, page = archive
    fresh_checkout(docs)
    (sources / "2024年5月20日 教育大会讲话.txt").unlink()
    (sources / "education.txt").write_text(SPEECH.format("会议开得很成功。"), encoding="utf-8")
    entries = convert(sources, docs)
    new = Path(entries["education.txt"]["output"]).stem
    assert redirects(docs) == {Path(page).stem: new, LEGACY: new}


def test_a_ledger_that_cannot_be_written_is_reported_and_the_pages_are_still_written(tmp_path):
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    (sources / "speech.txt").write_text(SPEECH.format(""), encoding="utf-8")
    (docs / "published-urls.json").mkdir(parents=True)  # a folder where the file should be
    report = docs.parent / "report.json"
    done = run_converter(sources, docs, "--report", str(report))
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [m["code"] for m in data["messages"]] == ["urls-not-saved"]
    assert pages(docs) == ["speech"]


def test_the_ledger_is_not_published(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "speech.txt").write_text(SPEECH.format(""), encoding="utf-8")
    site = build_site(sources, tmp_path)
    assert (tmp_path / "docs" / "published-urls.json").is_file()
    assert not list(site.rglob("published-urls.json"))


# ---------------------------------------------------------------- dated slugs, and the addresses before them
# A new source whose file name holds a date gets YYYY-MM-DD-<rest of the name>; before, it got the slug of
# its whole file name. Remembered sources keep their slugs, and a run that remembers nothing (maybe an
# archive published the old way that lost its memory) redirects each file-name slug to the dated page.

RURAL = "2021年6月30日 乡村振兴工作会议讲话.txt"
RURAL_LEGACY = "2021nian-6yue-30ri-xiang-cun-zhen-xing-gong-zuo-hui-yi-jiang-hua"
RURAL_DATED = "2021-06-30-xiang-cun-zhen-xing-gong-zuo-hui-yi-jiang-hua"


def test_the_archive_s_first_run_gives_the_dated_slug_and_redirects_the_file_name_slug(archive):
    _, docs, page = archive
    assert page == "speeches/2024-05-20-jiao-yu-da-hui-jiang-hua.md"
    assert redirects(docs) == {
        LEGACY: "2024-05-20-jiao-yu-da-hui-jiang-hua"
    }  # other.txt: same slug either way
    assert ledger(docs)["moved"] == {LEGACY: "2024年5月20日 教育大会讲话.txt"}  # survives a fresh checkout


def test_a_first_build_that_remembers_nothing_leaves_a_working_redirect_at_the_file_name_slug(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / RURAL).write_text(SPEECH.format(""), encoding="utf-8")
    (sources / "other.txt").write_text("另一篇讲话\n同志们：\n今天开会。\n", encoding="utf-8")
    site = build_site(sources, tmp_path)
    assert (site / "speeches" / RURAL_DATED / "index.html").is_file()
    redirect = (site / "speeches" / RURAL_LEGACY / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' in redirect and f'href="../{RURAL_DATED}/"' in redirect
    folders = {p.name for p in (site / "speeches").iterdir() if p.is_dir()}
    assert folders == {RURAL_DATED, RURAL_LEGACY, "other"}


def test_a_dated_source_added_later_gets_no_redirect(archive):
    sources, docs, _ = archive
    (sources / RURAL).write_text(SPEECH.format("乡村振兴。"), encoding="utf-8")
    entries = convert(sources, docs)
    assert entries[RURAL]["output"] == f"speeches/{RURAL_DATED}.md"
    assert redirects(docs) == {LEGACY: "2024-05-20-jiao-yu-da-hui-jiang-hua"}  # the first run's only


def remember_the_old_slug(docs: Path, where: str, digest: str) -> None:
    """What a converter from before dated slugs left: the source's file-name slug, in its memory or in
    the committed ledger."""
    record = {
        "slug": RURAL_LEGACY,
        "digest": digest,
        "title": "在全县教育工作大会上的讲话",
        "date": "2024-05-20",
    }
    if where == "memory":
        state = {"version": 1, "sources": {RURAL: record}}
        (docs / ".speech-archive.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    else:
        kept = {"version": 1, "speeches": {RURAL: record}, "moved": {}}
        (docs / "published-urls.json").write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("where", ["memory", "ledger"])
def test_a_remembered_source_keeps_its_file_name_slug_after_the_upgrade(tmp_path, where):
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    docs.mkdir()
    (sources / RURAL).write_text(SPEECH.format(""), encoding="utf-8")
    (sources / "2022年3月3日 安全生产讲话.txt").write_text(SPEECH.format("安全生产。"), encoding="utf-8")
    remember_the_old_slug(docs, where, hashlib.sha256((sources / RURAL).read_bytes()).hexdigest())
    entries = convert(sources, docs)
    assert entries[RURAL]["output"] == f"speeches/{RURAL_LEGACY}.md"
    new = entries["2022年3月3日 安全生产讲话.txt"]["output"]
    assert new == "speeches/2022-03-03-an-quan-sheng-chan-jiang-hua.md"  # new beside it: dated, no redirect
    assert redirects(docs) == {}
    assert ledger(docs)["speeches"][RURAL]["slug"] == RURAL_LEGACY


def test_an_explicit_slug_wins_over_the_dated_one_and_needs_no_redirect(tmp_path):
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    (sources / RURAL).write_text(SPEECH.format(""), encoding="utf-8")
    (sources / "catalog.csv").write_text(f"file,slug\n{RURAL},rural-2021\n", encoding="utf-8")
    assert convert(sources, docs)[RURAL]["output"] == "speeches/rural-2021.md"
    assert redirects(docs) == {}


# ---------------------------------------------------------------- reserved slugs
# speeches/index.md would be published as the speeches folder's own page (speeches/), not as a speech.


@pytest.mark.parametrize("where", ["sidecar", "catalog"])
def test_a_reserved_slug_asked_for_by_an_override_is_refused(tmp_path, where):
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    (sources / "speech.txt").write_text(SPEECH.format(""), encoding="utf-8")
    if where == "sidecar":
        (sources / "speech.yml").write_text("slug: index\n", encoding="utf-8")
    else:
        (sources / "catalog.csv").write_text("file,slug\nspeech.txt,index\n", encoding="utf-8")
    entry = convert(sources, docs)["speech.txt"]
    assert entry["output"] == "speeches/speech.md"
    assert [m["code"] for m in entry["messages"]] == ["override-bad-value"]
    assert "'index'" in entry["messages"][0]["text"] and "reserved" in entry["messages"][0]["text"]
    assert pages(docs) == ["speech"]


# ---------------------------------------------------------------- an address once handed out stays its speech's
# A slug that redirects, or that a removed page had, was published for one speech: citations and search
# engines hold it. No other speech is ever given it, whether by its file name or by an override.

EDUCATION = "2024-05-20-jiao-yu-da-hui-jiang-hua"  # the archive fixture's dated speech


def messages(report: Path) -> list[dict]:
    return json.loads(report.read_text(encoding="utf-8"))["messages"]


def test_a_new_source_is_not_given_an_address_that_redirects(archive):
    sources, docs, page = archive
    give_a_new_slug(sources, docs)  # EDUCATION now redirects to education-2024
    (sources / "2024-05-20 教育大会讲话.txt").write_text(
        "另一篇讲话\n同志们：\n别的会议。\n", encoding="utf-8"
    )
    entries = convert(sources, docs)
    new = entries["2024-05-20 教育大会讲话.txt"]["output"]
    assert new.startswith(f"speeches/{EDUCATION}-") and new != page
    assert redirects(docs)[EDUCATION] == "education-2024"
    assert ledger(docs)["moved"][EDUCATION] == "2024年5月20日 教育大会讲话.txt"


def test_an_override_asking_for_another_speech_s_old_address_is_refused(archive):
    sources, docs, _ = archive
    give_a_new_slug(sources, docs)
    (sources / "other.yml").write_text(f"slug: {EDUCATION}\n", encoding="utf-8")
    entry = convert(sources, docs)["other.txt"]
    assert entry["output"] == "speeches/other.md"  # it keeps its own address
    (warned,) = [m for m in entry["messages"] if m["code"] == "slug-refused"]
    assert "other.txt" in warned["text"] and "2024年5月20日 教育大会讲话.txt" in warned["text"]
    assert redirects(docs)[EDUCATION] == "education-2024"


def test_a_removed_page_s_address_is_not_given_to_a_new_speech(archive):
    sources, docs, _ = archive
    (sources / "other.txt").unlink()
    convert(sources, docs)
    (sources / "sub").mkdir()
    (sources / "sub" / "other.txt").write_text("又一篇讲话\n同志们：\n今天开会。\n", encoding="utf-8")
    new = convert(sources, docs)["sub/other.txt"]["output"]
    assert new.startswith("speeches/other-") and ledger(docs)["gone"] == {"other": "other.txt"}


def test_a_restored_source_gets_its_address_back(archive):
    sources, docs, _ = archive
    text = (sources / "other.txt").read_text(encoding="utf-8")
    (sources / "other.txt").unlink()
    convert(sources, docs)
    (sources / "other.txt").write_text(text, encoding="utf-8")
    assert convert(sources, docs)["other.txt"]["output"] == "speeches/other.md"
    assert "gone" not in ledger(docs)


# ---------------------------------------------------------------- a removed page is never silent


def published_then_renamed(tmp_path: Path, catalog: str, renamed: str) -> tuple[Path, Path]:
    """speech.txt with `catalog` converted, then renamed to renamed.txt holding `renamed` (not converted)."""
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    (sources / "speech.txt").write_text(SPEECH.format(""), encoding="utf-8")
    (sources / "catalog.csv").write_text(catalog, encoding="utf-8")
    convert(sources, docs)
    (sources / "speech.txt").unlink()
    (sources / "renamed.txt").write_text(renamed, encoding="utf-8")
    return sources, docs


def test_a_source_renamed_and_edited_past_recognition_is_reported(tmp_path):
    """The catalog's title no longer applies to the renamed file, so its title and date differ too."""
    catalog = "file,title\nspeech.txt,教育大会讲话\n"
    sources, docs = published_then_renamed(tmp_path, catalog, SPEECH.format("会议开得很成功。"))
    report = docs.parent / "report.json"
    assert run_converter(sources, docs, "--report", str(report)).returncode == 0
    removed = [m for m in messages(report) if m["code"] == "page-removed"]
    assert len(removed) == 1 and "speech.txt" in removed[0]["text"]
    assert "speeches/speech/" in removed[0]["text"] and "replaces: speech" in removed[0]["text"]
    assert redirects(docs) == {} and ledger(docs)["gone"] == {"speech": "speech.txt"}
    # What the warning says to do: the renamed file claims its old address, which then redirects.
    (sources / "renamed.yml").write_text("replaces: speech\n", encoding="utf-8")
    assert run_converter(sources, docs, "--report", str(report)).returncode == 0
    assert not [m for m in messages(report) if m["code"] == "page-removed"]
    assert redirects(docs) == {"speech": "renamed"} and "gone" not in ledger(docs)


def test_a_deleted_source_is_reported_and_strict_fails(archive):
    sources, docs, _ = archive
    (sources / "other.txt").unlink()
    report = docs.parent / "report.json"
    done = run_converter(sources, docs, "--report", str(report), "--strict")
    assert done.returncode == 1
    assert [m["code"] for m in messages(report)] == ["page-removed"]
    assert json.loads(report.read_text(encoding="utf-8"))["removed"]  # the files it removed
    assert run_converter(sources, docs, "--report", str(report)).returncode == 0
    assert messages(report) == []  # said once, by the run that removed it


def test_a_replaces_claim_on_another_speech_s_page_is_refused(archive):
    sources, docs, page = archive
    (sources / "other.yml").write_text(f"replaces: [{Path(page).stem}]\n", encoding="utf-8")
    entry = convert(sources, docs)["other.txt"]
    (refused,) = [m for m in entry["messages"] if m["code"] == "replaces-refused"]
    assert "2024年5月20日 教育大会讲话.txt" in refused["text"]
    assert redirects(docs) == {LEGACY: Path(page).stem}


def test_a_removed_speech_s_url_shows_a_notice_even_after_a_fresh_checkout(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "speech.txt").write_text(SPEECH.format(""), encoding="utf-8")
    (sources / "other.txt").write_text("另一篇讲话\n同志们：\n今天开会。\n", encoding="utf-8")
    first = tmp_path / "first"
    first.mkdir()
    build_site(sources, first)
    (sources / "other.txt").unlink()
    second = tmp_path / "second"
    shutil.copytree(first / "docs", second / "docs")
    fresh_checkout(second / "docs")  # only the ledger remembers
    site = build_site(sources, second)
    assert (site / "speeches" / "speech" / "index.html").is_file()
    notice = (site / "speeches" / "other" / "index.html").read_text(encoding="utf-8")
    assert "removed from the archive" in notice and 'content="noindex"' in notice
    assert 'href="../../"' in notice  # the archive's home page
    assert "另一篇讲话" not in notice  # a speech may have been removed on purpose: no title


def test_a_source_renamed_and_edited_keeps_the_slug_its_catalog_row_follows_it_with(tmp_path):
    """The user's word that it is the same speech: the row names the new file with the old slug."""
    catalog = "file,slug\nspeech.txt,education\n"
    sources, docs = published_then_renamed(tmp_path, catalog, "新标题\n\n同志们：\n\n今天开会。\n")
    (sources / "catalog.csv").write_text("file,slug\nrenamed.txt,education\n", encoding="utf-8")
    report = docs.parent / "report.json"
    assert run_converter(sources, docs, "--report", str(report)).returncode == 0
    (entry,) = json.loads(report.read_text(encoding="utf-8"))["documents"]
    assert entry["output"] == "speeches/education.md" and entry["messages"] == []
    assert messages(report) == [] and redirects(docs) == {} and "gone" not in ledger(docs)


def test_a_removed_page_s_address_is_given_back_only_with_a_replaces_claim(archive):
    sources, docs, _ = archive
    (sources / "other.txt").unlink()
    convert(sources, docs)
    (sources / "again.txt").write_text("另一篇讲话\n同志们：\n今天开了会。\n", encoding="utf-8")
    (sources / "again.yml").write_text("slug: other\n", encoding="utf-8")
    entry = convert(sources, docs)["again.txt"]
    assert entry["output"] == "speeches/again.md"
    assert [m["code"] for m in entry["messages"]] == ["slug-refused"]
    (sources / "again.yml").write_text("slug: other\nreplaces: other\n", encoding="utf-8")
    entry = convert(sources, docs)["again.txt"]
    assert entry["output"] == "speeches/other.md" and entry["messages"] == []
    assert "gone" not in ledger(docs) and redirects(docs)["again"] == "other"


def test_a_source_that_fails_on_the_first_run_gets_its_redirect_once_it_converts(tmp_path):
    """The first run redirects a dated source's file-name slug; a source that failed keeps the redirect
    waiting for its page, not a "removed" notice."""
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    (sources / RURAL).write_bytes(b"\x00\x01\x02\xff" * 64)  # binary: not-text
    (sources / "other.txt").write_text("另一篇讲话\n同志们：\n今天开会。\n", encoding="utf-8")
    assert run_converter(sources, docs).returncode == 1
    (sources / RURAL).write_text(SPEECH.format(""), encoding="utf-8")
    assert convert(sources, docs)[RURAL]["output"] == f"speeches/{RURAL_DATED}.md"
    assert redirects(docs) == {RURAL_LEGACY: RURAL_DATED} and "gone" not in ledger(docs)
