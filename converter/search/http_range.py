"""A static file server that answers HTTP Range requests as real static hosts do, for tests and benchmarks.

The search client reads parts of index files with `Range: bytes=a-b` and uses the whole body when a
server answers 200 instead of 206. Python's `http.server` and `mkdocs serve` ignore Range; GitHub Pages,
Netlify, Cloudflare, S3 and nginx honour it. So the benchmark must be served by `RangeRequestHandler`, or
it would measure whole files where a reader of a real host transfers only the parts asked for; and the
tests need both kinds of server (`serve(folder)` and `serve(folder, ranges=False)`), because a reader
meets both.

What the range handler does, like nginx: one range of a regular file (`bytes=a-b`, `bytes=a-`, suffix
`bytes=-n`) gets `206 Partial Content` with `Content-Range`; an end beyond the file is clipped; a start at
or beyond the size gets `416` with `Content-Range: bytes */size`. A malformed header or several ranges are
ignored (200 with the whole file, which RFC 9110 allows), as is a range on HEAD (RFC 9110 defines ranges
for GET only). Without Range every answer is `SimpleHTTPRequestHandler`'s.
"""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import functools
import http.server
import os
import re
import threading
from http import HTTPStatus
from pathlib import Path

# One range only: a comma (several ranges) or anything else fails to match and the header is ignored.
_SINGLE_RANGE = re.compile(r"bytes=(\d*)-(\d*)", re.IGNORECASE)


def parse_byte_range(header: str | None) -> tuple[int | None, int | None] | None:
    """The (first, last) byte positions of a single-range header, first None for a suffix (`bytes=-n`,
    last is then n) and last None for an open end (`bytes=a-`); None for no header, a malformed one or
    several ranges, which the server ignores."""
    match = _SINGLE_RANGE.fullmatch((header or "").strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first = int(match.group(1)) if match.group(1) else None
    last = int(match.group(2)) if match.group(2) else None
    if first is not None and last is not None and last < first:
        return None  # RFC 9110 calls this invalid, not unsatisfiable: ignored like any malformed header
    return first, last


def satisfiable_range(byte_range: tuple[int | None, int | None], size: int) -> tuple[int, int] | None:
    """The inclusive (start, end) the range selects from a file of `size` bytes, the end clipped to the
    file as nginx does; None when it selects nothing (a start at or past the end, `bytes=-0`, an empty
    file), which is answered with 416."""
    first, last = byte_range
    if first is None:  # suffix: the last `last` bytes, the whole file if it is shorter
        if last == 0 or size == 0:
            return None
        return max(size - last, 0), size - 1
    if first >= size:
        return None
    return first, size - 1 if last is None else min(last, size - 1)


class _FileSlice:
    """The part of an open file that a 206 answer sends: `copyfile` reads until it gets b"", so reads
    stop at the range's end instead of the file's."""

    def __init__(self, file, start: int, length: int) -> None:
        file.seek(start)
        self._file = file
        self._left = length

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        data = self._file.read(size)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()


class WholeFileRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Serves like `python -m http.server` and `mkdocs serve`: Range is ignored, every file comes whole."""

    # HTTP/1.1 keeps connections open, so the browser reuses its six instead of opening one per file
    # (6 connections for 3,940 fetches of index files instead of 3,940).
    protocol_version = "HTTP/1.1"
    # On a kept-alive connection the headers and the body go out in two writes; with Nagle's algorithm
    # the second waits for the client's delayed acknowledgement of the first: 40 ms a response, whatever
    # its size. Web servers (nginx's tcp_nodelay, on by default) send at once, and so does this one.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - the signature is the standard library's
        pass

    def handle(self) -> None:
        # A browser closes connections when it navigates away or a page is closed; the standard server
        # would print a traceback for each, burying real failures in test and benchmark output.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()


class RangeRequestHandler(WholeFileRequestHandler):
    """Serves like a real static host: a single byte range of a regular file is answered with 206."""

    def send_head(self):
        byte_range = parse_byte_range(self.headers.get("Range")) if self.command == "GET" else None
        path = self.translate_path(self.path)
        # Directories (redirects, index.html, listings) and missing files keep the standard answers.
        if byte_range is None or not os.path.isfile(path):
            return super().send_head()
        file = open(path, "rb")  # noqa: SIM115 - do_GET copies from it and closes it
        try:
            return self._send_range_head(file, path, byte_range)
        except BaseException:
            file.close()
            raise

    def _send_range_head(self, file, path: str, byte_range: tuple[int | None, int | None]):
        stat = os.fstat(file.fileno())
        last_modified = self.date_time_string(stat.st_mtime)
        if self._unchanged_since_request(stat.st_mtime) or self._if_range_is_stale(last_modified):
            file.close()
            return super().send_head()  # 304, or the whole current file: what the conditions ask for
        selected = satisfiable_range(byte_range, stat.st_size)
        if selected is None:
            file.close()
            self._send_unsatisfiable(stat.st_size)
            return None
        start, end = selected
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{stat.st_size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        return _FileSlice(file, start, end - start + 1)

    def _send_unsatisfiable(self, size: int) -> None:
        # Not send_error: it ends the headers before Content-Range could be added.
        self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
        self.send_header("Content-Range", f"bytes */{size}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _unchanged_since_request(self, mtime: float) -> bool:
        """Whether If-Modified-Since holds, so the answer is 304 rather than a range (RFC 9110 evaluates
        the conditions first); the standard handler's rule: ignored beside If-None-Match or unparsable."""
        if "If-Modified-Since" not in self.headers or "If-None-Match" in self.headers:
            return False
        since = _http_date(self.headers["If-Modified-Since"])
        modified = datetime.datetime.fromtimestamp(mtime, datetime.UTC).replace(microsecond=0)
        return since is not None and modified <= since

    def _if_range_is_stale(self, last_modified: str) -> bool:
        # If-Range names the version the client holds part of; another version must come whole, or the
        # client would splice two versions together. With no ETag, only the exact date matches.
        return "If-Range" in self.headers and self.headers["If-Range"].strip() != last_modified


def _http_date(value: str) -> datetime.datetime | None:
    try:
        date = email.utils.parsedate_to_datetime(value)
    except (TypeError, IndexError, OverflowError, ValueError):
        return None
    return date if date.tzinfo is not None else date.replace(tzinfo=datetime.UTC)


class StaticServer(http.server.ThreadingHTTPServer):
    """The server for tests and benchmarks: kept-alive connections (the handlers above), daemon threads
    (the process exits while a browser still holds a connection) and a listen backlog of 128, room for
    several pages at once. Neither connections nor backlog was the cause of issue 15's "Failed to fetch"
    in the browser tests: Chromium opens at most 6 connections to one host, which the standard backlog
    of 5 holds (the queue reached 6 and never overflowed, under a load average of 11), and a connection
    that does find the queue full waits for its SYN to be sent again instead of failing (63 forced
    overflows, 0 failed fetches). What does fail every fetch in flight with "Failed to fetch" is the
    browser's network process dying; the client's one retry covers that (archive-search.js, fetchBytes)."""

    request_queue_size = 128
    daemon_threads = True


class RunningServer:
    """A StaticServer serving in a background thread: `url` is its base URL ("http://127.0.0.1:PORT/"),
    `close()` (or leaving a `with` block) stops it and frees the port."""

    def __init__(self, folder: Path, handler: type[http.server.SimpleHTTPRequestHandler]) -> None:
        self._server = StaticServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def serve(folder: Path, *, ranges: bool = True) -> RunningServer:
    """Serve `folder` on 127.0.0.1 on a free port: like a real static host (Range honoured) by default,
    like `python -m http.server` (Range ignored) with `ranges=False`."""
    return RunningServer(folder, RangeRequestHandler if ranges else WholeFileRequestHandler)
