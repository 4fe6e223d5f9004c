"""The range server (converter/search/http_range.py) over real sockets: it must answer Range as static
hosts do, or the benchmark measures the wrong bytes and the browser tests check the wrong client path."""

from __future__ import annotations

import http.client
import re
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from converter.search.http_range import (
    RangeRequestHandler,
    RunningServer,
    parse_byte_range,
    satisfiable_range,
    serve,
)

# 256 distinct bytes, so a body taken from the wrong offset never equals the expected slice.
CONTENT = bytes(range(256))
SIZE = len(CONTENT)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("served")
    (root / "data.bin").write_bytes(CONTENT)
    (root / "sub").mkdir()
    (root / "sub" / "inner.txt").write_bytes(b"inner file, served from a subfolder")
    (root / "empty.bin").write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def ranged(folder) -> Iterator[str]:
    with serve(folder) as server:
        yield server.url


@pytest.fixture(scope="module")
def whole(folder) -> Iterator[str]:
    with serve(folder, ranges=False) as server:
        yield server.url


def fetch(base: str, path: str, headers: dict | None = None, method: str = "GET"):
    """(status, headers, body) of one request on a fresh connection."""
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=10-19", 10, 19),  # first and last
        ("bytes=200-", 200, 255),  # open end: to the end of the file
        ("bytes=-16", 240, 255),  # suffix: the last 16 bytes
        ("bytes=250-999", 250, 255),  # an end beyond the file is clipped, as nginx does
        ("bytes=-1000", 0, 255),  # a suffix longer than the file is the whole file
        ("bytes=0-0", 0, 0),  # a single byte
        ("BYTES=5-6", 5, 6),  # the unit is case-insensitive
    ],
)
def test_a_single_range_is_answered_with_206_and_its_bytes(ranged, header, start, end):
    status, headers, body = fetch(ranged, "/data.bin", {"Range": header})
    assert status == 206
    assert body == CONTENT[start : end + 1]
    assert headers["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert headers["Content-Length"] == str(end - start + 1)
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize("header", ["bytes=256-", "bytes=256-300", "bytes=1000-2000", "bytes=-0"])
def test_a_range_that_selects_nothing_is_416_with_the_size(ranged, header):
    status, headers, body = fetch(ranged, "/data.bin", {"Range": header})
    assert status == 416
    assert headers["Content-Range"] == f"bytes */{SIZE}"
    assert body == b""


def test_any_range_of_an_empty_file_is_416(ranged):
    status, headers, _ = fetch(ranged, "/empty.bin", {"Range": "bytes=0-"})
    assert (status, headers["Content-Range"]) == (416, "bytes */0")


@pytest.mark.parametrize(
    "header",
    ["bytes=0-1,5-6", "bytes=0-1, 5-6", "bytes=9-3", "bytes=-", "bytes=a-b", "items=0-5", "bytes 0-5", ""],
)
def test_several_ranges_or_a_malformed_header_get_the_whole_file(ranged, header):
    status, headers, body = fetch(ranged, "/data.bin", {"Range": header})
    assert status == 200
    assert body == CONTENT
    assert "Content-Range" not in headers


def test_without_range_the_answer_is_the_standard_one(ranged, whole):
    for base in (ranged, whole):
        status, headers, body = fetch(base, "/data.bin")
        assert (status, body) == (200, CONTENT)
        assert headers["Content-Length"] == str(SIZE)
        assert "Content-Range" not in headers


def test_the_server_without_ranges_ignores_range_like_http_server(whole):
    status, headers, body = fetch(whole, "/data.bin", {"Range": "bytes=10-19"})
    assert (status, body) == (200, CONTENT)
    assert "Content-Range" not in headers


def test_head_sends_the_headers_without_the_body(ranged):
    status, headers, body = fetch(ranged, "/data.bin", method="HEAD")
    assert (status, headers["Content-Length"], body) == (200, str(SIZE), b"")


def test_head_ignores_range_which_rfc_9110_defines_for_get_only(ranged):
    status, headers, body = fetch(ranged, "/data.bin", {"Range": "bytes=10-19"}, method="HEAD")
    assert (status, headers["Content-Length"], body) == (200, str(SIZE), b"")
    assert "Content-Range" not in headers


def test_a_file_in_a_subfolder_is_served_in_part(ranged):
    status, headers, body = fetch(ranged, "/sub/inner.txt", {"Range": "bytes=0-9"})
    assert (status, body) == (206, b"inner file")
    assert headers["Content-Range"] == "bytes 0-9/35"
    assert headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("headers", [{}, {"Range": "bytes=0-9"}])
def test_a_missing_file_is_404(ranged, headers):
    status, _, _ = fetch(ranged, "/sub/missing.bin", headers)
    assert status == 404


def test_a_range_on_a_folder_keeps_the_standard_redirect(ranged):
    status, headers, _ = fetch(ranged, "/sub", {"Range": "bytes=0-9"})
    assert (status, headers["Location"]) == (301, "/sub/")


def test_an_if_range_for_another_version_gets_the_whole_file(ranged):
    stale = "Mon, 01 Jan 2001 00:00:00 GMT"
    status, _, body = fetch(ranged, "/data.bin", {"Range": "bytes=10-19", "If-Range": stale})
    assert (status, body) == (200, CONTENT)


def test_an_if_range_for_the_current_version_gets_the_range(ranged):
    _, headers, _ = fetch(ranged, "/data.bin", method="HEAD")
    current = headers["Last-Modified"]
    status, _, body = fetch(ranged, "/data.bin", {"Range": "bytes=10-19", "If-Range": current})
    assert (status, body) == (206, CONTENT[10:20])


def test_an_unmodified_file_is_304_even_with_a_range(ranged):
    _, headers, _ = fetch(ranged, "/data.bin", method="HEAD")
    request = {"Range": "bytes=10-19", "If-Modified-Since": headers["Last-Modified"]}
    status, _, body = fetch(ranged, "/data.bin", request)
    assert (status, body) == (304, b"")


def read_answers(stream: bytes) -> list[tuple[bytes, bytes]]:
    """The (status line, body) of each answer in a raw byte stream, split by their Content-Length; fails
    on bytes left over after the last one."""
    answers = []
    while stream:
        head, _, rest = stream.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?im)^content-length: *(\d+)", head).group(1))
        answers.append((head.split(b"\r\n")[0], rest[:length]))
        stream = rest[length:]
    return answers


def test_ranges_on_one_kept_alive_connection_send_exactly_their_bytes(ranged):
    # The client reads several parts of one file over a reused connection: a body longer than its
    # Content-Length would make the next answer start inside this one. Read raw, to the connection's
    # end, so no extra byte can hide in a client's buffer.
    requests = [
        f"GET /data.bin HTTP/1.1\r\nHost: x\r\nRange: {r}\r\n" for r in ("bytes=0-3", "bytes=100-103")
    ]
    requests.append("GET /data.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=-2\r\nConnection: close\r\n")
    host, port = ranged.removeprefix("http://").rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as client:
        client.sendall("".join(r + "\r\n" for r in requests).encode())
        stream = b"".join(iter(lambda: client.recv(65536), b""))
    status = b"HTTP/1.1 206 Partial Content"
    assert read_answers(stream) == [
        (status, CONTENT[0:4]),
        (status, CONTENT[100:104]),
        (status, CONTENT[-2:]),
    ]


def test_a_closed_server_frees_its_port(folder):
    server = serve(folder)
    url = server.url
    server.close()
    with pytest.raises(ConnectionRefusedError):
        fetch(url, "/data.bin")


@pytest.mark.parametrize(
    ("header", "parsed"),
    [
        ("bytes=1-2", (1, 2)),
        ("bytes=3-", (3, None)),
        ("bytes=-4", (None, 4)),
        (None, None),
        ("bytes=1-2,4-5", None),
    ],
)
def test_parse_byte_range(header, parsed):
    assert parse_byte_range(header) == parsed


@pytest.mark.parametrize(
    ("byte_range", "size", "selected"),
    [((0, 9), 5, (0, 4)), ((None, 3), 10, (7, 9)), ((5, None), 5, None), ((None, 2), 0, None)],
)
def test_satisfiable_range(byte_range, size, selected):
    assert satisfiable_range(byte_range, size) == selected


def test_a_connection_the_browser_drops_ends_without_an_error(tmp_path):
    # Browsers close connections mid-answer (a page closed, a navigation); the standard server prints
    # a traceback for each, which buried real failures in the browser tests' output.
    (tmp_path / "large.bin").write_bytes(bytes(32 * 1024 * 1024))
    escaped, done = [], threading.Event()

    class Recording(RangeRequestHandler):
        def handle(self):
            try:
                super().handle()
            except BaseException as error:
                escaped.append(error)
                raise
            finally:
                done.set()

    with RunningServer(tmp_path, Recording) as server:
        host, port = server.url.removeprefix("http://").rstrip("/").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as client:
            client.sendall(b"GET /large.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            assert client.recv(1024).startswith(b"HTTP/1.1 200")
            # Linger 0: close with a reset, as a browser tearing down a page does.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        assert done.wait(10)
    assert escaped == []


def test_the_serve_fixture_honours_range_and_serve_without_ranges_ignores_it(
    serve, serve_without_ranges, folder
):
    # The browser tests rely on these two fixtures being the two kinds of host a reader meets.
    ranged_status, _, ranged_body = fetch(serve(folder), "/data.bin", {"Range": "bytes=10-19"})
    whole_status, _, whole_body = fetch(serve_without_ranges(folder), "/data.bin", {"Range": "bytes=10-19"})
    assert (ranged_status, ranged_body) == (206, CONTENT[10:20])
    assert (whole_status, whole_body) == (200, CONTENT)
