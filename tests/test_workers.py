"""The worker pool: one source that hangs or kills its worker never stops the others."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from converter import cli
from converter.batch import run_tasks
from converter.pipeline import Converted, Task


def _work(task: Task) -> Converted:
    """Stand-in for convert_task, steered by the task's name."""
    if task.rel.startswith("hang"):
        time.sleep(600)
    if task.rel.startswith("crash"):
        os._exit(1)  # the worker process dies, as it would under the OOM killer
    if task.rel.startswith("term"):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # a handler would have raised by now; the default action ends the process
    return Converted(task.rel, task.slug, page=f"page of {task.rel}")


def _tasks(*names: str) -> list[Task]:
    return [Task(Path(name), name, name.replace(".", "-")) for name in names]


def _outcomes(results) -> dict[str, str]:
    return {r.rel: ("ok" if not r.failed else r.messages[0].code) for r in results}


def test_every_task_gives_one_result():
    results = list(run_tasks(_tasks("a.txt", "b.txt", "c.txt"), jobs=2, work=_work))
    assert _outcomes(results) == {"a.txt": "ok", "b.txt": "ok", "c.txt": "ok"}
    assert len(results) == 3


def test_a_hanging_source_is_stopped_and_the_others_finish():
    started = time.monotonic()
    results = list(run_tasks(_tasks("a.txt", "hang.txt", "b.txt", "c.txt"), jobs=2, wall_limit=2, work=_work))
    assert _outcomes(results) == {"a.txt": "ok", "hang.txt": "too-slow", "b.txt": "ok", "c.txt": "ok"}
    assert len(results) == 4
    assert time.monotonic() - started < 60
    hang = next(r for r in results if r.rel == "hang.txt")
    assert "hang.txt" in hang.messages[0].text


def test_a_crashing_worker_fails_only_its_own_source():
    results = list(run_tasks(_tasks("a.txt", "crash.txt", "b.txt", "c.txt", "d.txt"), jobs=2, work=_work))
    assert _outcomes(results) == {
        "a.txt": "ok",
        "crash.txt": "worker-died",
        "b.txt": "ok",
        "c.txt": "ok",
        "d.txt": "ok",
    }
    assert len(results) == 5


def test_a_worker_gives_back_the_memory_its_sources_freed(monkeypatch, tmp_path):
    """Without it a worker's resident size grew by about 60 KB a source, so tens of thousands of
    sources would push a worker into its address-space limit. The worker's task function releases
    freed memory every RELEASE_EVERY sources (here every one), also after a source that failed."""
    from converter import batch, safety

    calls = []
    monkeypatch.setattr(safety, "release_freed_memory", lambda: calls.append(1))
    monkeypatch.setattr(batch, "RELEASE_EVERY", 1)
    source = tmp_path / "speech.txt"
    source.write_text("在全县大会上的讲话\n\n同志们：\n今天我们召开大会。\n", encoding="utf-8")
    result = batch.convert_and_release(Task(source, "speech.txt", "speech"))
    assert not result.failed and calls == [1]
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    assert batch.convert_and_release(Task(broken, "broken.docx", "broken")).failed and calls == [1, 1]


def test_memory_is_released_without_error():
    from converter import safety

    safety.release_freed_memory()  # gc.collect, then glibc's malloc_trim on Linux
    assert safety._LIBC is not None or os.uname().sysname != "Linux"


def test_a_worker_killed_by_sigterm_fails_only_its_own_source():
    """A worker inherits the CLI's SIGTERM handler (which stops the run); it must die of the signal as of
    any other, so that its source fails alone, rather than hand the interrupt back to the run."""
    previous = signal.signal(signal.SIGTERM, cli._terminated)  # as `speech-archive convert` runs the pool
    try:
        results = list(run_tasks(_tasks("a.txt", "term.txt", "b.txt", "c.txt"), jobs=2, work=_work))
    except KeyboardInterrupt:  # cli.Terminated: pytest would take it for Ctrl-C and stop every test
        pytest.fail("the worker handed SIGTERM back to the run instead of dying of it")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert _outcomes(results) == {"a.txt": "ok", "term.txt": "worker-died", "b.txt": "ok", "c.txt": "ok"}
