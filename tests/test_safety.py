"""converter.safety: every kind of file no reader should open gets its code and a hint; good files pass."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from hostile import hostile_corpus as corpus

from converter import safety
from converter.model import ConversionError


def _write(text: str | bytes, encoding: str = "utf-8"):
    def make(path: Path) -> Path:
        path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
        return path

    return make


# (file name, maker, expected code or None when the file must pass, a word the message must contain)
CASES = [
    ("speech.docx", corpus.docx, None, None),
    ("speech.txt", _write(corpus.CHINESE_SPEECH), None, None),
    ("speech-bom.txt", _write("\ufeff" + corpus.CHINESE_SPEECH), None, None),
    ("gb18030.txt", corpus.gb18030_text, None, None),
    ("utf16le.txt", corpus.utf16_text, None, None),
    ("utf16be.txt", lambda p: corpus.utf16_text(p, big_endian=True), None, None),
    ("mixed.txt", corpus.mixed_line_endings, None, None),
    ("page.html", _write(corpus.HOSTILE_HTML), None, None),
    ("one-char.txt", _write("字"), None, None),
    ("empty.txt", _write(b""), "empty", "empty"),
    ("empty.docx", _write(b""), "empty", "empty"),
    ("empty.html", _write(b""), "empty", "empty"),
    ("spaces.txt", _write(" \t\r\n  \n"), "empty", "whitespace"),
    ("unicode-spaces.txt", _write("\ufeff\u3000\u3000\n\u00a0 "), "empty", "whitespace"),
    ("gb-spaces.txt", _write("\u3000\u3000\r\n", "gb18030"), "empty", "whitespace"),
    ("utf16-spaces.txt", _write("   \n", "utf-16"), "empty", "whitespace"),
    ("spaces.docx", _write(b"   \n"), "empty", "whitespace"),
    ("garbage.txt", corpus.garbage, "not-text", "binary"),
    ("garbage.html", corpus.garbage, "not-text", "binary"),
    ("pdf.txt", corpus.pdf_as_docx, "not-text", "PDF"),
    ("docx.txt", corpus.docx, "not-text", "zip"),
    ("png.txt", _write(b"\x89PNG\r\n\x1a\n" + bytes(100)), "not-text", "PNG"),
    ("garbage.docx", corpus.garbage, "not-docx", "not a zip"),
    ("truncated.docx", corpus.truncated_docx, "corrupt-docx", "damaged"),
    ("corrupt.docx", corpus.corrupt_docx, "corrupt-docx", "damaged"),
    ("no-content-types.docx", corpus.zip_without_content_types, "corrupt-docx", "not a Word package"),
    ("encrypted.docx", corpus.encrypted_docx, "encrypted", "password"),
    ("encrypted-doc.docx", lambda p: corpus.doc_as_docx(p, encrypted=True), "encrypted", "password"),
    ("old.docx", corpus.doc_as_docx, "doc-not-docx", "save as .docx"),
    ("sheet.docx", corpus.xls_as_docx, "not-docx", "Excel"),
    ("xlsx.docx", corpus.xlsx_as_docx, "not-docx", "Excel"),
    ("pdf.docx", corpus.pdf_as_docx, "pdf-not-docx", "PDF"),
    ("odt.docx", corpus.odt_as_docx, "odt-not-docx", ".odt"),
    ("rtf.docx", corpus.rtf_as_docx, "rtf-not-docx", "RTF"),
    ("page.docx", corpus.html_as_docx, "html-not-docx", "web page"),
    ("bomb.docx", lambda p: corpus.zip_bomb_docx(p, megabytes=2048), "zip-bomb", "zip bomb"),
    ("bomb-300mb.docx", lambda p: corpus.zip_bomb_docx(p, megabytes=300), "zip-bomb", "zip bomb"),
    ("bomb-spread.docx", corpus.spread_bomb_docx, "zip-bomb", "MB"),
    ("lying-bomb.docx", lambda p: corpus.zip_bomb_docx(p, megabytes=1024, lie=True), "corrupt-docx", "CRC"),
    ("many-parts.docx", corpus.many_entries_docx, "zip-bomb", "parts"),
    ("huge.txt", lambda p: corpus.sparse_file(p, safety.MAX_SOURCE_BYTES + 1), "too-large", "limit"),
    ("huge.docx", lambda p: corpus.sparse_file(p, safety.MAX_SOURCE_BYTES + 1), "too-large", "limit"),
]


@pytest.mark.parametrize(("name", "make", "code", "word"), CASES, ids=[c[0] for c in CASES])
def test_check_source(tmp_path, name, make, code, word):
    path = make(tmp_path / name)
    if code is None:
        safety.check_source(path)
        return
    with pytest.raises(ConversionError) as raised:
        safety.check_source(path)
    message = raised.value.message
    assert (message.level, message.code) == ("error", code), message.text
    assert name in message.text, "the message names the file"
    assert word.lower() in message.text.lower(), message.text


def test_a_20_mb_text_passes(tmp_path):
    safety.check_source(corpus.big_text(tmp_path / "big.txt", megabytes=20))


def test_limits_leave_room_for_a_20_mb_text():
    assert safety.MAX_SOURCE_BYTES >= 20 * 2**20 * 2
    assert safety.MAX_ADDRESS_SPACE >= 1 << 30


def test_not_a_regular_file(tmp_path):
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for path in (folder, fifo, tmp_path / "missing.txt"):
        with pytest.raises(ConversionError) as raised:
            safety.check_source(path)
        assert raised.value.message.code == "not-a-file"


def test_the_bomb_is_checked_without_inflating_it(tmp_path):
    path = corpus.zip_bomb_docx(tmp_path / "bomb.docx", megabytes=2048)
    assert path.stat().st_size < 4 * 2**20
    started = time.process_time()
    with pytest.raises(ConversionError):
        safety.check_source(path)
    assert time.process_time() - started < 1


def _zip(members: dict[str, bytes]) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def test_read_zip_member_caps_what_it_inflates():
    zf = _zip({"big.xml": bytes(10_000), "small.xml": b"<x/>"})
    assert safety.read_zip_member(zf, "small.xml") == b"<x/>"
    assert safety.read_zip_member(zf, "big.xml", limit=10_000) == bytes(10_000)
    with pytest.raises(ConversionError) as raised:
        safety.read_zip_member(zf, "big.xml", limit=9_999)
    assert raised.value.message.code == "zip-bomb"


def test_read_zip_member_reports_a_damaged_part(tmp_path):
    path = corpus.corrupt_docx(tmp_path / "c.docx")
    with zipfile.ZipFile(path) as zf, pytest.raises(ConversionError) as raised:
        safety.read_zip_member(zf, "word/document.xml")
    assert raised.value.message.code == "corrupt-docx"


def test_read_zip_member_stops_a_lying_part(tmp_path):
    """A part that declares 1 KB but inflates to 1 GiB yields at most 1 KB, then a CRC error."""
    path = corpus.zip_bomb_docx(tmp_path / "lie.docx", megabytes=1024, lie=True)
    with zipfile.ZipFile(path) as zf, pytest.raises(ConversionError) as raised:
        safety.read_zip_member(zf, "word/document.xml")
    assert raised.value.message.code == "corrupt-docx"


# --------------------------------------------------------------------------- time and memory


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


@pytest.mark.parametrize("wall", [False, True], ids=["cpu", "wall"])
def test_time_limit_stops_a_slow_block(wall):
    started = time.monotonic()
    with pytest.raises(ConversionError) as raised, safety.time_limit(0.2, wall=wall):
        _spin(5)
    assert raised.value.message.code == "too-slow"
    assert time.monotonic() - started < 2


def test_time_limit_lets_a_quick_block_finish_and_restores_the_handler():
    before = signal.getsignal(signal.SIGPROF)
    with safety.time_limit(5):
        _spin(0.01)
    assert signal.getsignal(signal.SIGPROF) is before
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    _spin(0.05)  # no late alarm


def test_time_limit_outside_the_main_thread_runs_without_a_limit():
    errors = []

    def work():
        try:
            with safety.time_limit(0.01):
                _spin(0.05)
        except Exception as exc:  # pragma: no cover - the assertion reports it
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert errors == []


def test_limit_resources_bounds_memory_in_a_child_process():
    code = (
        "from converter import safety\n"
        "safety.limit_resources()\n"
        "import resource\n"
        "assert resource.getrlimit(resource.RLIMIT_AS)[0] == safety.MAX_ADDRESS_SPACE\n"
        "try:\n"
        "    block = bytearray(safety.MAX_ADDRESS_SPACE + 2**20)\n"
        "except MemoryError:\n"
        "    print('memory-error')\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "memory-error"


def test_module_docstring_lists_every_code():
    import re

    source = Path(safety.__file__).read_text(encoding="utf-8")
    for code in set(re.findall(r'ConversionError\(\s*"([a-z-]+)"', source)):
        assert f"`{code}`" in safety.__doc__, code


def test_a_bomb_under_the_total_cap_is_stopped_by_its_ratio(tmp_path):
    """200 MB in a part of about 200 KB: under the 256 MB total, so only the ratio limit can stop it
    (raising MAX_ZIP_RATIO far enough makes this test fail)."""
    path = corpus.zip_bomb_docx(tmp_path / "bomb-200mb.docx", megabytes=200)
    assert path.stat().st_size < 1 * 2**20
    with pytest.raises(ConversionError) as raised:
        safety.check_source(path)
    assert raised.value.message.code == "zip-bomb"
    assert f"over {safety.MAX_ZIP_RATIO}:1" in raised.value.message.text
