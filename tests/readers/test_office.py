"""Tests of the office reader (.doc, .wps, .rtf, .odt through LibreOffice) and of the soffice driver.

A Chinese speech is written with python-docx and saved by LibreOffice as .doc, .rtf and .odt once per
session; one CLI run converts all its forms (and the .docx itself) with LibreOffice started once, and
each page is compared with the .docx's page. Hostile files that the pre-flight refuses, and a soffice
that hangs or crashes (a fake script on PATH), need no LibreOffice. Tests that need LibreOffice skip
when it is missing, and fail under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT, require_soffice
from hostile import hostile_corpus as corpus
from office_fixtures import (
    NOTE_TEXT,
    TITLE,
    save_with_libreoffice,
    word_web_archive,
    word_web_page,
    write_speech_docx,
)

from converter import libreoffice
from converter.batch import Options, convert_folder
from converter.model import ConversionError
from converter.readers import office
from converter.safety import check_source

SPEECH_TXT = "在全县工作会议上的讲话\n2023年4月19日\n同志们：今天的会议很重要。\n一、认清形势\n我们要认清形势，坚定信心。\n"
TABLE_ROW = "| 工业总产值 | 76亿元 | 8.5% |"
HEADINGS = [
    "## 一、正视困难，坚定信心",
    "### （一）实现年度目标任务难度很大",
    "### （二）工业发展的环境有待改善",
    "## 二、强化措施，狠抓落实",
    "### （一）强化对工业经济的领导",
    "### （二）现场办公逐个企业解决问题",
]

# source name -> (its format in the page, whether it keeps the footnote)
FORMS = {
    "speech.doc": ("doc", True),
    "speech.rtf": ("rtf", True),
    "speech.odt": ("odt", True),
    "wps-office.wps": ("wps", True),  # a Word 97 file with WPS Office's extension
    "renamed-docx.doc": ("doc", True),  # a .docx served as .doc: the Word reader, no LibreOffice
    "rtf-inside.doc": ("doc", True),  # RTF served as .doc: LibreOffice
    "word-2003-xml.doc": ("doc", True),  # Word 2003's XML document served as .doc: LibreOffice
    "web-page.doc": ("doc", False),  # Word's "save as web page" served as .doc: the HTML reader
    "web-archive.doc": ("doc", False),  # the same as a single-file web archive (MHTML)
}
WORD_2003_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Word.Document"?><w:wordDocument '
    b'xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body/></w:wordDocument>'
)
FLAT_ODT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:'
    'xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2" '
    'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>'
    "<text:p>关于平面文档的讲话</text:p><text:p>一、认清形势</text:p><text:p>我们要认清形势，坚定信心。</text:p>"
    "</office:text></office:body></office:document>"
)


def run_cli(sources: Path, docs: Path, path_env: str, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    """`python -m converter convert` with PATH set to `path_env`; the process and its report."""
    report = docs.parent / f"{docs.name}-report.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "converter",
            "convert",
            str(sources),
            str(docs),
            "--report",
            str(report),
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env={**os.environ, "PATH": path_env},
    )
    assert report.is_file(), done.stdout + done.stderr
    return done, {e["source"]: e for e in json.loads(report.read_text(encoding="utf-8"))["documents"]}


def write_script(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text("#!/bin/sh\n" + text, encoding="utf-8")
    script.chmod(0o755)
    return script


def counting_soffice(folder: Path, log: Path) -> str:
    """A PATH whose soffice records each start in `log`, then runs the real one."""
    write_script(folder, "soffice", f'echo start >> "{log}"\nexec "{shutil.which("soffice")}" "$@"\n')
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def body_of(page: str) -> list[str]:
    """The page's lines after the front matter, without table rows (compared separately)."""
    return [line for line in page.split("\n---\n", 1)[1].splitlines() if not line.startswith("|")]


# --------------------------------------------------------------------------- one run of every form


@pytest.fixture(scope="session")
def office_sources(tmp_path_factory) -> Path:
    """The speech as .docx and in every form FORMS lists, plus a text speech, in one folder."""
    require_soffice()
    work = tmp_path_factory.mktemp("office")
    made, sources = work / "made", work / "sources"
    made.mkdir()
    sources.mkdir()
    original = write_speech_docx(made / "speech.docx")
    shutil.copy(original, sources / "speech.docx")
    for target in ("doc:MS Word 97", "rtf", "odt"):
        saved = save_with_libreoffice(original, target, made, work / "profile")
        shutil.copy(saved, sources / saved.name)
    word_xml = save_with_libreoffice(original, "xml:MS Word 2003 XML", made, work / "profile")
    shutil.copy(word_xml, sources / "word-2003-xml.doc")
    (sources / "flat.odt").write_text(FLAT_ODT, encoding="utf-8")
    shutil.copy(sources / "speech.doc", sources / "wps-office.wps")
    shutil.copy(original, sources / "renamed-docx.doc")
    shutil.copy(sources / "speech.rtf", sources / "rtf-inside.doc")
    page = word_web_page()
    (sources / "web-page.doc").write_bytes(page.encode("gb2312"))
    (sources / "web-archive.doc").write_bytes(word_web_archive(page))
    (sources / "notes.txt").write_text(SPEECH_TXT, encoding="utf-8")
    return sources


@pytest.fixture(scope="session")
def office_run(office_sources, tmp_path_factory) -> dict:
    """One CLI conversion of the whole folder, with every start of soffice counted."""
    work = tmp_path_factory.mktemp("office-run")
    log = work / "soffice-starts.log"
    path_env = counting_soffice(work / "bin", log)
    done, entries = run_cli(office_sources, work / "docs", path_env, "--jobs", "1")
    return {"done": done, "entries": entries, "docs": work / "docs", "log": log, "path": path_env,
            "sources": office_sources}  # fmt: skip


def page_of(run: dict, source: str) -> str:
    entry = run["entries"][source]
    assert entry["status"] == "converted", entry
    return (run["docs"] / entry["output"]).read_text(encoding="utf-8")


def test_the_run_converts_every_source(office_run):
    assert office_run["done"].returncode == 0, office_run["done"].stderr
    assert {e["status"] for e in office_run["entries"].values()} == {"converted"}
    assert len(office_run["entries"]) == len(FORMS) + 3  # and the .docx, the .txt and flat.odt


def test_a_flat_opendocument_file_converts(office_run):
    page = page_of(office_run, "flat.odt")
    assert "source_format: odt\n" in page
    assert body_of(page)[-5:] == ["关于平面文档的讲话", "", "一、认清形势", "", "我们要认清形势，坚定信心。"]


@pytest.mark.parametrize("source", sorted(FORMS))
def test_each_form_gives_the_page_of_the_docx(office_run, source):
    """The same outline, paragraphs, table and (where the form has one) footnote as the .docx's page."""
    fmt, keeps_note = FORMS[source]
    page, docx_page = page_of(office_run, source), page_of(office_run, "speech.docx")
    assert f"title: {TITLE}\n" in page and "date: '2023-04-19'\n" in page
    assert f"source_format: {fmt}\n" in page
    assert [line for line in body_of(page) if line.startswith("##")] == HEADINGS
    assert TABLE_ROW in page.splitlines()
    expected = body_of(docx_page)
    if not keeps_note:  # the web-page fixtures have no footnote
        expected = [line.replace("[^fn1]", "") for line in expected if not line.startswith("[^fn1]:")]
        while expected[-1] == "":
            expected.pop()
    else:
        assert f"[^fn1]: {NOTE_TEXT}" in page
    assert body_of(page) == expected
    assert office_run["entries"][source]["messages"] == []


@pytest.mark.parametrize("source", sorted(FORMS))
def test_the_original_file_is_published_not_the_docx(office_run, office_sources, source):
    slug = Path(office_run["entries"][source]["output"]).stem
    # A web page served under a .doc name is published as text, like a .html original: a page saved
    # from a portal must never run on the archive's own domain.
    as_text = ".txt" if source.startswith("web-") else ""
    published = office_run["docs"] / "originals" / f"{slug}{Path(source).suffix}{as_text}"
    assert published.read_bytes() == (office_sources / source).read_bytes()
    assert f"original: ../originals/{published.name}\n" in page_of(office_run, source)


def test_libreoffice_starts_once_for_the_whole_run(office_run):
    assert office_run["log"].read_text().splitlines() == ["start"]


def test_an_unchanged_source_is_not_converted_again(office_run, tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(office_run["docs"], docs)
    before = office_run["log"].read_text()
    done, entries = run_cli(office_run["sources"], docs, office_run["path"])
    assert done.returncode == 0, done.stderr
    assert {e["status"] for e in entries.values()} == {"unchanged"}
    assert office_run["log"].read_text() == before, "LibreOffice was started for unchanged files"


def test_a_direct_read_converts_the_file_alone(office_sources):
    document = office.read(office_sources / "speech.odt")
    texts = [getattr(block, "text", "") for block in document.blocks]
    assert "一、正视困难，坚定信心" in texts and "（一）强化对工业经济的领导" in texts
    assert document.metadata["title"] == TITLE and document.metadata["author"] == "张三"
    assert NOTE_TEXT in str(document.notes)


def test_a_truncated_doc_fails_in_the_preflight(office_sources, tmp_path):
    data = (office_sources / "speech.doc").read_bytes()
    cut = tmp_path / "cut.doc"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ConversionError) as caught:
        check_source(cut)
    assert caught.value.message.code == "damaged-document"
    assert "cut.doc" in caught.value.message.text and "Copy it again" in caught.value.message.text


def test_a_damaged_odt_that_passes_the_preflight_fails_in_libreoffice(tmp_path):
    require_soffice()
    broken = corpus.odt_as_docx(tmp_path / "broken.odt")  # a valid package whose content is no document
    check_source(broken)
    outcome = libreoffice.convert_many([(broken, "odt")], tmp_path / "work", workers=1)[broken]
    assert isinstance(outcome, ConversionError) and outcome.message.code == "damaged-document"
    assert "broken.odt: LibreOffice could not open this file" in outcome.message.text


# --------------------------------------------------------------------------- the pre-flight


def encrypted_odt(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", b"\x8f\x11encrypted bytes")
        zf.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
            "</manifest:file-entry></manifest:manifest>",
        )
    return path


def ole_header_then_random(path: Path) -> Path:
    corpus.garbage(path, size=20_000)
    with path.open("r+b") as f:
        f.write(bytes.fromhex("D0CF11E0A1B11AE1"))
    return path


def spreadsheet_odt(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
    return path


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("random-after-ole-header.doc", ole_header_then_random, "damaged-document"),
        ("encrypted.doc", lambda p: corpus.doc_as_docx(p, encrypted=True), "encrypted"),
        ("encrypted-docx-inside.doc", corpus.encrypted_docx, "encrypted"),
        ("encrypted.odt", encrypted_odt, "encrypted"),
        ("excel.doc", corpus.xls_as_docx, "not-a-word-file"),
        ("spreadsheet.odt", spreadsheet_odt, "not-a-word-file"),
        ("garbage.wps", corpus.garbage, "not-a-word-file"),
        ("pdf.doc", corpus.pdf_as_docx, "not-a-word-file"),
        ("cut-zip.odt", lambda p: p.write_bytes(b"PK\x03\x04" + b"\0" * 100) and p, "damaged-document"),
    ],
)
def test_the_preflight_refuses_what_no_reader_should_open(tmp_path, name, make, code):
    path = make(tmp_path / name)
    with pytest.raises(ConversionError) as caught:
        check_source(path)
    assert caught.value.message.code == code
    assert caught.value.message.text.startswith(f"{name}: ")


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda p: corpus.doc_as_docx(p), "word97"),
        (corpus.rtf_as_docx, "rtf"),
        (lambda p: p.write_text(FLAT_ODT, encoding="utf-8") and p, "fodt"),
        (lambda p: p.write_bytes(WORD_2003_XML) and p, "word2003xml"),
        (lambda p: p.write_bytes(b"\xef\xbb\xbf\r\n<html><body>x</body></html>") and p, "html"),
        (lambda p: p.write_bytes(word_web_archive("<p>x</p>")) and p, "mhtml"),
    ],
)
def test_what_a_file_holds_is_told_by_its_content(tmp_path, make, kind):
    path = make(tmp_path / "speech.doc")
    check_source(path)
    expected = kind if kind in libreoffice.STAGED_SUFFIX else None
    assert office.needs_libreoffice(path) == expected
    assert office.needs_libreoffice(make(tmp_path / "speech.txt")) is None  # only this reader's files


def test_a_huge_doc_is_refused_before_libreoffice_or_a_parser_sees_it(tmp_path):
    path = corpus.sparse_file(tmp_path / "huge.doc", 65 * 2**20)
    with path.open("r+b") as f:
        f.write(bytes.fromhex("D0CF11E0A1B11AE1"))
    assert office.needs_libreoffice(path) is None
    with pytest.raises(ConversionError) as caught:
        check_source(path)
    assert caught.value.message.code == "too-large"


def test_a_web_archive_without_a_page_fails_clearly(tmp_path):
    path = tmp_path / "pictures.doc"
    path.write_bytes(
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n"
    )
    check_source(path)
    with pytest.raises(ConversionError) as caught:
        office.read(path)
    assert caught.value.message.code == "no-web-page"
    assert caught.value.message.text.startswith("pictures.doc: ")


# --------------------------------------------------------------------------- a soffice that misbehaves

FAKE_SOFFICE = """out=""; files=""
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) out="$2"; shift 2 ;;
    -*|docx:*) shift ;;
    *) files="$files $1"; shift ;;
  esac
done
for f in $files; do
  if grep -q HANG "$f"; then sleep 600 & echo $! > "$f.pid"; wait; fi
  if grep -q CRASH "$f"; then kill -SEGV $$; fi
  name=$(basename "$f"); cp "{docx}" "$out/${{name%.*}}.docx"
done
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    """A soffice on PATH that copies a small .docx for each file, hangs on files holding HANG and
    crashes on files holding CRASH; the watchdog waits one second."""
    docx_file = write_speech_docx(tmp_path / "made.docx")
    write_script(tmp_path / "bin", "soffice", FAKE_SOFFICE.format(docx=docx_file))
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(libreoffice, "START_SECONDS", 0)
    monkeypatch.setattr(libreoffice, "SECONDS_PER_FILE", 1)
    return tmp_path


def test_a_file_that_hangs_or_crashes_libreoffice_fails_alone(fake_soffice):
    names = ["good1", "hang", "good2", "crash", "good3"]
    files = []
    for name in names:
        path = fake_soffice / f"{name}.doc"
        path.write_text(name.upper())
        files.append((path, "word97"))
    outcomes = libreoffice.convert_many(files, fake_soffice / "work", workers=1)
    codes = {
        p.stem: o.message.code if isinstance(o, ConversionError) else "docx" for p, o in outcomes.items()
    }
    assert codes == {
        "good1": "docx",
        "hang": "too-slow",
        "good2": "docx",
        "crash": "damaged-document",
        "good3": "docx",
    }
    assert "(it crashed)" in outcomes[fake_soffice / "crash.doc"].message.text
    for pid_file in (fake_soffice / "work").rglob("*.pid"):  # the hanging process group was killed
        pid = int(pid_file.read_text())
        assert not Path(f"/proc/{pid}").exists() or "\tZ" in Path(f"/proc/{pid}/status").read_text()


def test_a_hanging_libreoffice_fails_its_source_and_the_batch_goes_on(fake_soffice):
    sources, docs = fake_soffice / "sources", fake_soffice / "docs"
    sources.mkdir()
    (sources / "notes.txt").write_text(SPEECH_TXT, encoding="utf-8")
    doc = corpus.doc_as_docx(sources / "stuck.doc")
    with doc.open("ab") as f:
        f.write(b"HANG")  # the fake soffice hangs on it (the compound file stays readable)
    report = convert_folder(sources, docs, Options(jobs=2))
    entries = {e.source: e for e in report.documents}
    assert entries["notes.txt"].status == "converted"
    assert entries["stuck.doc"].status == "failed"
    assert [m.code for m in entries["stuck.doc"].messages] == ["too-slow"]
    assert report.exit_status(strict=False) == 1


def test_without_libreoffice_its_sources_fail_and_the_others_publish(tmp_path):
    sources, docs = tmp_path / "sources", tmp_path / "docs"
    sources.mkdir()
    (sources / "notes.txt").write_text(SPEECH_TXT, encoding="utf-8")
    corpus.doc_as_docx(sources / "old.doc")
    corpus.rtf_as_docx(sources / "old.rtf")
    done, entries = run_cli(sources, docs, str(tmp_path / "empty-bin"))
    assert done.returncode == 1
    assert entries["notes.txt"]["status"] == "converted"
    for name in ("old.doc", "old.rtf"):
        assert entries[name]["status"] == "failed"
        [message] = entries[name]["messages"]
        assert message["code"] == "needs-libreoffice"
        assert message["text"].startswith(f"{name}: ") and "libreoffice-writer-nogui" in message["text"]
    assert "needs-libreoffice" in done.stderr and "Traceback" not in done.stderr


def test_a_libreoffice_that_cannot_start_is_reported_as_such(tmp_path, monkeypatch):
    write_script(tmp_path / "bin", "soffice", "").write_text("#!/nonexistent/interpreter\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    source = corpus.rtf_as_docx(tmp_path / "old.rtf")
    outcome = libreoffice.convert_many([(source, "rtf")], tmp_path / "work", workers=1)[source]
    assert isinstance(outcome, ConversionError) and outcome.message.code == "needs-libreoffice"
    assert "could not be started" in outcome.message.text


def test_a_direct_read_without_libreoffice_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(ConversionError) as caught:
        office.read(corpus.rtf_as_docx(tmp_path / "old.rtf"))
    assert caught.value.message.code == "needs-libreoffice"
    assert "apt-get install libreoffice-writer-nogui" in caught.value.message.text
