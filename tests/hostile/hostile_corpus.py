"""Makers of broken and hostile source files, written by the tests themselves into a temporary folder.

Every maker takes the path to write and returns it. Nothing here needs a network or a fixture file:
Word files are built with python-docx, compound (OLE) files and zip bombs by hand with struct and zlib.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

from helpers import png

CHINESE_SPEECH = (
    "在全县工业经济发展推进会上的讲话\n"
    "2023年4月19日\n"
    "同志们：\n"
    "今天召开这次会议，主要任务是总结去年工作，部署今年任务。\n"
    "一、充分肯定成绩\n"
    "过去一年，全县工业经济稳中有进，规模以上工业增加值增长百分之八。\n"
    "二、明确目标任务\n"
    "今年要坚持稳中求进工作总基调，推动工业经济高质量发展。\n"
)


# --------------------------------------------------------------------------- Word files


def docx(path: Path, paragraphs: list[str] | None = None, title: str | None = None) -> Path:
    """A small valid .docx made with python-docx."""
    import docx as python_docx

    document = python_docx.Document()
    if title:
        document.add_heading(title, level=0)
    for text in paragraphs or ["同志们：", "今天召开这次会议，主要任务是部署今年的工作。"]:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def docx_bytes(paragraphs: list[str] | None = None) -> bytes:
    buffer = io.BytesIO()
    import docx as python_docx

    document = python_docx.Document()
    for text in paragraphs or ["同志们：", "今天召开这次会议。"]:
        document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


def truncated_docx(path: Path) -> Path:
    """A .docx cut off half-way, as by an interrupted download (no central directory)."""
    data = docx_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def corrupt_docx(path: Path) -> Path:
    """A .docx whose zip directory is intact but whose main part's compressed bytes are overwritten."""
    data = bytearray(docx_bytes(["损坏的文件" * 200]))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("word/document.xml")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + 10, start + min(info.compress_size, 400) - 10):
        data[i] = (data[i] * 7 + 13) & 0xFF
    path.write_bytes(bytes(data))
    return path


def garbage(path: Path, size: int = 4096, seed: int = 5) -> Path:
    """Random bytes (seeded, so the same every run)."""
    rng = random.Random(seed)
    path.write_bytes(bytes(rng.getrandbits(8) for _ in range(size)))
    return path


def _local_header(name: bytes, crc: int, csize: int, usize: int, method: int = 8) -> bytes:
    return (
        struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, csize, usize, len(name), 0)
        + name
    )


def _central_header(name: bytes, crc: int, csize: int, usize: int, offset: int, method: int = 8) -> bytes:
    return (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            csize,
            usize,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )


def _end_of_directory(count: int, size: int, offset: int) -> bytes:
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, offset, 0)


def _write_zip(path: Path, members: list[tuple[str, object, int, int, int]]) -> None:
    """Write a zip by hand: (name, bytes or iterable of byte chunks, crc, compressed size, declared size)."""
    central = []
    with open(path, "wb") as f:
        for name, payload, crc, csize, usize in members:
            offset = f.tell()
            encoded = name.encode("utf-8")
            f.write(_local_header(encoded, crc, csize, usize))
            for chunk in [payload] if isinstance(payload, bytes) else payload:
                f.write(chunk)
            central.append(_central_header(encoded, crc, csize, usize, offset))
        start = f.tell()
        for entry in central:
            f.write(entry)
        f.write(_end_of_directory(len(central), f.tell() - start, start))


def _deflate(data: bytes) -> tuple[bytes, int, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = c.compress(data) + c.flush()
    return raw, zlib.crc32(data), len(raw), len(data)


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="word/document.xml"/></Relationships>'
)


def zip_bomb_docx(path: Path, megabytes: int = 2048, lie: bool = False) -> Path:
    """A .docx whose word/document.xml inflates to `megabytes` MiB of zeros, built from about 1 KB per MiB.

    The deflate stream is one compressed MiB of zeros repeated: after a full flush the compressor
    starts afresh, so each MiB compresses to the same bytes and nothing large is ever held in memory.
    With `lie=True` the zip declares the part as 1 KB (its CRC and sizes are false).
    """
    mib = 1024 * 1024
    zeros = bytes(mib)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush(zlib.Z_FINISH)
    count = megabytes
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    csize = len(block) * count + len(tail)
    usize = count * mib
    assert usize < 2**32, "keep under 4 GiB: no zip64 here"
    members = [_member("[Content_Types].xml", _CONTENT_TYPES), _member("_rels/.rels", _RELS)]
    chunks = (block for _ in range(count))
    if lie:
        members.append(("word/document.xml", _chain(chunks, [tail]), 0x12345678, csize, 1024))
    else:
        members.append(("word/document.xml", _chain(chunks, [tail]), crc, csize, usize))
    _write_zip(path, members)
    return path


def spread_bomb_docx(path: Path, parts: int = 40, megabytes: int = 7) -> Path:
    """A .docx of many parts, each under the ratio check's size, that together inflate past the limit."""
    mib = 1024 * 1024
    zeros = bytes(mib)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    members = [_member("[Content_Types].xml", _CONTENT_TYPES), _member("_rels/.rels", _RELS)]
    for i in range(parts):
        members.append(
            (
                f"word/media/part{i}.bin",
                block * megabytes + tail,
                crc,
                len(block) * megabytes + len(tail),
                megabytes * mib,
            )
        )
    _write_zip(path, members)
    return path


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable


def _member(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    raw, crc, csize, usize = _deflate(data)
    return name, raw, crc, csize, usize


def many_entries_docx(path: Path, count: int = 12_000) -> Path:
    """A .docx with more parts than any Word file has."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        for i in range(count):
            zf.writestr(f"word/part{i}.xml", b"<x/>")
    return path


def zip_without_content_types(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("hello.txt", "not a Word package")
    return path


def odt_as_docx(path: Path) -> Path:
    """An OpenDocument text: an uncompressed `mimetype` first, then content.xml."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    return path


def xlsx_as_docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return path


def pdf_as_docx(path: Path) -> Path:
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return path


def rtf_as_docx(path: Path) -> Path:
    path.write_bytes(rb"{\rtf1\ansi\deff0 {\fonttbl {\f0 Times;}} \f0 Hello}")
    return path


def html_as_docx(path: Path) -> Path:
    path.write_text("<html><body><p>saved as a web page</p></body></html>", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- OLE compound files

_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _dir_entry(
    name: str, kind: int, child: int = _FREE, right: int = _FREE, start: int = _END, size: int = 0
):
    encoded = name.encode("utf-16-le") + b"\0\0"
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", _FREE, right, child)
        + bytes(16 + 4 + 16)
        + struct.pack("<IQ", start, size)
    )


def compound_file(path: Path, streams: dict[str, bytes]) -> Path:
    """A minimal valid compound file (CFB v3, 512-byte sectors) holding `streams`.

    Streams of 4096 bytes or more live in regular sectors; smaller ones are declared empty (their names
    are all a sniffer needs). Sector 0 is the FAT, sector 1 the directory, data follows.
    """
    sector = 512
    names = list(streams)
    assert len(names) <= 3, "one directory sector holds four entries"
    data_sectors: list[bytes] = []
    entries = [b""]  # the root entry is filled in last
    fat = [_FATSECT, _END]
    for i, name in enumerate(names):
        payload = streams[name]
        right = i + 2 if i + 1 < len(names) else _FREE
        if len(payload) >= 4096:
            first = 2 + len(data_sectors)
            chunks = [payload[j : j + sector].ljust(sector, b"\0") for j in range(0, len(payload), sector)]
            for k in range(len(chunks)):
                fat.append(first + k + 1 if k + 1 < len(chunks) else _END)
            data_sectors += chunks
            entries.append(_dir_entry(name, 2, right=right, start=first, size=len(payload)))
        else:
            entries.append(_dir_entry(name, 2, right=right))
    entries[0] = _dir_entry("Root Entry", 5, child=1 if names else _FREE)
    directory = b"".join(entries).ljust(sector, b"\0")
    assert len(fat) <= 128
    fat_sector = struct.pack("<128I", *(fat + [_FREE] * (128 - len(fat))))
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", 0, *([_FREE] * 108))
    )
    assert len(header) == 512
    path.write_bytes(header + fat_sector + directory + b"".join(data_sectors))
    return path


def encrypted_docx(path: Path) -> Path:
    """What Word writes for a password-protected .docx: a compound file with the encrypted package."""
    return compound_file(path, {"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\0" * 64})


def _fib(encrypted: bool) -> bytes:
    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0, flags).ljust(4096, b"\0")


def doc_as_docx(path: Path, encrypted: bool = False) -> Path:
    """An old Word 97-2003 .doc: a compound file with WordDocument (its FIB) and 1Table streams."""
    return compound_file(path, {"WordDocument": _fib(encrypted), "1Table": b"\0" * 16})


def xls_as_docx(path: Path) -> Path:
    return compound_file(path, {"Workbook": b"\0" * 16})


# --------------------------------------------------------------------------- text files


def gb18030_text(path: Path) -> Path:
    path.write_bytes(CHINESE_SPEECH.encode("gb18030"))
    return path


def utf16_text(path: Path, big_endian: bool = False) -> Path:
    path.write_bytes(CHINESE_SPEECH.encode("utf-16-be" if big_endian else "utf-16-le"))
    return path


def mixed_line_endings(path: Path) -> Path:
    lines = CHINESE_SPEECH.splitlines()
    endings = ["\r\n", "\n", "\r", "\r\n", "\n", "\r", "\n", "\r\n"]
    path.write_bytes(
        "".join(line + endings[i % len(endings)] for i, line in enumerate(lines)).encode("utf-8")
    )
    return path


def big_text(path: Path, megabytes: int = 20) -> Path:
    """A long speech of about `megabytes` MB of UTF-8, in ordinary paragraphs."""
    paragraph = (
        "要坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展。"
        * 3
        + "\n"
    )
    target = megabytes * 1024 * 1024
    unit = paragraph.encode("utf-8")
    with open(path, "wb") as f:
        f.write("在全县经济工作会议上的讲话\n".encode())
        written = 0
        while written < target:
            f.write(unit)
            written += len(unit)
    return path


def sparse_file(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk space (all zeros)."""
    with open(path, "wb") as f:
        f.truncate(size)
    return path


# --------------------------------------------------------------------------- hostile markup

SCRIPT_MARK = "hostileGlobal"

HOSTILE_HTML = f"""<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=http://evil.example/">
<base href="http://evil.example/">
<title>关于推进工业经济发展的讲话</title>
<style>body {{ background: url(http://evil.example/bg.png) }} p {{ display: none }}</style>
<script>window.{SCRIPT_MARK} = 1; alert('head');</script>
<link rel="stylesheet" href="http://evil.example/x.css">
</head>
<body onload="window.{SCRIPT_MARK}=2; alert('onload')">
<div class="article">
<h1 onclick="alert('h1')">关于推进工业经济发展的讲话</h1>
<p class="info">发布时间：2023-04-19 来源：县人民政府</p>
<p onmouseover="window.{SCRIPT_MARK}=3">同志们：今天召开会议，研究部署工业经济工作。</p>
<p>请看<a href="javascript:window.{SCRIPT_MARK}=4;alert('link')">这个链接</a>和
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">那个链接</a>以及
<a href="  JaVaScRiPt:alert('mixed')">混合大小写链接</a>和<a href="vbscript:msgbox(1)">旧脚本</a>。</p>
<p>正文第二段<img src="x" onerror="window.{SCRIPT_MARK}=5;alert('img')">继续。</p>
<p>远程图片<img src="http://evil.example/track.png" alt="远程">不应加载。</p>
<iframe src="http://evil.example/frame" onload="alert('iframe')"></iframe>
<iframe srcdoc="&lt;script&gt;parent.{SCRIPT_MARK}=6&lt;/script&gt;"></iframe>
<svg xmlns="http://www.w3.org/2000/svg" onload="alert('svg')"><script>window.{SCRIPT_MARK}=7</script>
<a href="javascript:alert('svg-link')"><text>svg</text></a></svg>
<object data="http://evil.example/x.swf"></object><embed src="http://evil.example/y.swf">
<form action="http://evil.example/steal"><input name="q" autofocus onfocus="alert('focus')"></form>
<p>一、加快发展<b onclick="alert('b')">先进制造业</b>，推动产业升级。</p>
<p>&lt;script&gt;alert('escaped text')&lt;/script&gt; 这是一段写着标签的文字。</p>
<p>{{{{ config }}}} {{% include "x" %}} &lt;!-- 注释 --&gt;</p>
<noscript><img src="http://evil.example/noscript.png"></noscript>
<template><script>alert('template')</script></template>
<math><mtext><style><img src=x onerror="alert('mxss')"></style></mtext></math>
</div>
</body></html>
"""

MARKUP_LOOKALIKE_TEXT = """关于看起来像标记的文字的讲话
---
title: injected
date: 1999-01-01
---
# 不是标题
1. 不是列表
- 也不是列表
> 不是引用
<script>alert('x')</script>
<img src=x onerror=alert(1)>
<!-- 这不是注释 -->
{{ 7*7 }} {% raw %} {% endraw %} {{ config.site_name }}
[点我](javascript:alert(1)) ![图](http://evil.example/p.png) <http://evil.example/auto>
[^1]: 不是脚注
| a | b |
|---|---|
*星号* _下划线_ `代码` ~~删除~~ \\反斜杠 &amp; &lt;
{: onclick="alert(1)" }
    缩进四个空格的一行
```
围栏
```
=== "tab"
!!! note "提醒"
:smile: ==mark== ^^ins^^ ++ctrl++
同志们，今天的会议很重要。
"""

# The literal strings each of those lines must still show on the page, as text.
MARKUP_LOOKALIKE_LITERALS = [
    "title: injected",
    "# 不是标题",
    "1. 不是列表",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<!-- 这不是注释 -->",
    "{{ 7*7 }}",
    "{% raw %}",
    "[点我](javascript:alert(1))",
    "*星号*",
    "&amp;",
    '{: onclick="alert(1)" }',
    "==mark==",
]


# --------------------------------------------------------------------------- a hostile Word file

SVG_WITH_SCRIPT = (
    f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="window.{SCRIPT_MARK}=70">'
    f"<script>window.{SCRIPT_MARK}=71;alert(71)</script><rect width='10' height='10'/></svg>"
).encode()


def hostile_docx(path: Path) -> Path:
    """A Word file whose links are javascript:/data: URLs, whose image is an SVG with a script, and whose
    text shows tags and Jinja."""
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("关于恶意文档的讲话", level=0)
    document.add_paragraph("同志们：<script>alert('docx')</script> {{ config }} {% raw %}")
    document.add_paragraph("链接占位一")
    document.add_paragraph("链接占位二")
    document.add_picture(io.BytesIO(png()))
    document.add_paragraph("一、正文继续。")
    buffer = io.BytesIO()
    document.save(buffer)
    return _make_hostile_package(buffer.getvalue(), path)


def _make_hostile_package(data: bytes, path: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    image = next(name for name in parts if name.startswith("word/media/"))
    svg_name = image.rsplit(".", 1)[0] + ".svg"
    parts[svg_name] = SVG_WITH_SCRIPT
    del parts[image]
    rels = parts["word/_rels/document.xml.rels"].decode()
    rels = rels.replace(image.removeprefix("word/"), svg_name.removeprefix("word/"))
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdEvil1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'hyperlink" Target="javascript:window.hostileGlobal=72" TargetMode="External"/>'
        '<Relationship Id="rIdEvil2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'hyperlink" Target="data:text/html,&lt;script&gt;alert(73)&lt;/script&gt;" TargetMode="External"/>'
        "</Relationships>",
    )
    parts["word/_rels/document.xml.rels"] = rels.encode()
    types = parts["[Content_Types].xml"].decode()
    types = types.replace("<Default ", '<Default Extension="svg" ContentType="image/svg+xml"/><Default ', 1)
    parts["[Content_Types].xml"] = types.encode()
    body = parts["word/document.xml"].decode()
    body = body.replace(
        "<w:t>链接占位一</w:t>",
        '<w:t xml:space="preserve">请点</w:t></w:r><w:hyperlink r:id="rIdEvil1"><w:r><w:t>脚本链接</w:t></w:r>'
        "</w:hyperlink><w:r><w:t>。</w:t>",
    )
    body = body.replace(
        "<w:t>链接占位二</w:t>",
        '<w:t xml:space="preserve">还有</w:t></w:r><w:hyperlink r:id="rIdEvil2"><w:r><w:t>数据链接</w:t></w:r>'
        "</w:hyperlink><w:fldSimple w:instr=' HYPERLINK \"javascript:alert(74)\" '><w:r><w:t>域链接</w:t></w:r>"
        "</w:fldSimple><w:r><w:t>。</w:t>",
    )
    parts["word/document.xml"] = body.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return path
