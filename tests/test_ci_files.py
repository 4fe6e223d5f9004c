"""The CI files that publish an archive (.github/workflows/site.yml, .gitlab-ci.yml) run the README's own
command, publish the folder it builds, and cache what makes a push cheap: the Python environment and
every file the converter keeps between runs. A push that adds one speech converts one speech, even
though a CI checkout gives every file a new modification time."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time

import yaml
from helpers import ROOT, run_converter

GITHUB = ROOT / ".github" / "workflows" / "site.yml"
GITLAB = ROOT / ".gitlab-ci.yml"


def readme_build_command() -> str:
    """The command of the README's quick start that builds the site."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", readme, re.S).group(1)
    return next(line.split("#")[0].strip() for line in block.splitlines() if "builds" in line)


def github_steps() -> list[dict]:
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    return workflow["jobs"]["build"]["steps"]


def gitlab() -> dict:
    return yaml.safe_load(GITLAB.read_text(encoding="utf-8"))


def state_written_by_the_converter(tmp_path) -> set[str]:
    """What the converter leaves in DOCS for its next run, as paths relative to the project."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "speech.txt").write_text(
        "在全县大会上的讲话\n\n同志们：\n今天我们召开大会。\n", encoding="utf-8"
    )
    docs = tmp_path / "docs"
    assert run_converter(sources, docs).returncode == 0
    written = {f"docs/{p.name}" for p in docs.iterdir()}
    # The ledger of published URLs is committed, not cached: a cached copy restored over the checkout
    # would undo a committed change to it.
    assert LEDGER in written
    return written - {LEDGER}


LEDGER = "docs/published-urls.json"


def test_the_ledger_of_published_urls_is_committed_not_ignored():
    ignored = subprocess.run(["git", "check-ignore", "-q", LEDGER], cwd=ROOT)
    assert ignored.returncode == 1  # not ignored
    assert LEDGER not in {p.strip() for s in github_steps() if s.get("uses", "").startswith("actions/cache")
                          for p in s["with"]["path"].split("\n")}  # fmt: skip
    assert LEDGER not in {p for cache in gitlab()["cache"] for p in cache["paths"]}


def test_readme_build_command_is_make_site():
    assert readme_build_command() == "make site"


def test_github_workflow_runs_the_readme_command_and_publishes_its_folder():
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    assert "push" in workflow[True]  # PyYAML reads the key `on` as True
    runs = [step.get("run", "") for step in github_steps()]
    assert readme_build_command() in runs
    upload = next(s for s in github_steps() if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"
    assert re.search(r"^SITE \?= site$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages")


def test_both_ci_files_build_with_the_sites_address():
    """SITE_URL gives the feed, the catalog and citations absolute URLs, and without it no sitemap is
    written: it must reach the step that builds (it once sat on the step after it)."""
    build = next(step for step in github_steps() if step.get("run") == readme_build_command())
    assert build["env"]["SITE_URL"].startswith("https://") and build["env"]["SITE_URL"].endswith("/")
    assert gitlab()["variables"]["SITE_URL"] == "$CI_PAGES_URL/"


def test_github_workflow_caches_the_environment_and_the_converter_state(tmp_path):
    caches = [s for s in github_steps() if s.get("uses", "").startswith("actions/cache")]
    paths = {p.strip() for s in caches for p in s["with"]["path"].split("\n") if p.strip()}
    venv = next(s for s in caches if s["with"]["path"].strip() == ".venv")
    assert "requirements.txt" in venv["with"]["key"] and "pyproject.toml" in venv["with"]["key"]
    assert state_written_by_the_converter(tmp_path) <= paths


def test_gitlab_pages_job_runs_the_readme_command_into_public(tmp_path):
    config = gitlab()
    script = config["pages"]["script"]
    assert any(line.startswith(readme_build_command()) and "SITE=public" in line for line in script)
    assert config["pages"]["artifacts"]["paths"] == ["public"]
    cached = {p for cache in config["cache"] for p in cache["paths"]}
    assert ".venv" in cached
    assert state_written_by_the_converter(tmp_path) <= cached
    keyed = next(c for c in config["cache"] if ".venv" in c["paths"])
    assert set(keyed["key"]["files"]) == {"requirements.txt", "pyproject.toml"}


def test_a_push_that_adds_one_speech_converts_one_speech(tmp_path):
    """Sources checked out afresh (new modification times) beside the cached state of the last run."""
    first = tmp_path / "first-run" / "sources"
    first.mkdir(parents=True)
    for n in range(3):
        (first / f"speech-{n}.txt").write_text(
            f"第{n}次大会讲话\n\n同志们：\n今天召开第{n}次大会。\n", encoding="utf-8"
        )
    cached_docs = tmp_path / "first-run" / "docs"
    assert run_converter(first, cached_docs).returncode == 0

    checkout = tmp_path / "second-run"
    shutil.copytree(first, checkout / "sources")
    later = time.time() + 3600
    for path in (checkout / "sources").iterdir():
        os.utime(path, (later, later))
    (checkout / "sources" / "speech-new.txt").write_text(
        "新的讲话\n\n同志们：\n今天再开一次会。\n", encoding="utf-8"
    )
    shutil.copytree(cached_docs, checkout / "docs")
    report = checkout / "report.json"
    assert run_converter(checkout / "sources", checkout / "docs", "--report", str(report)).returncode == 0
    statuses = {e["source"]: e["status"] for e in json.loads(report.read_text(encoding="utf-8"))["documents"]}
    assert statuses == {"speech-0.txt": "unchanged", "speech-1.txt": "unchanged", "speech-2.txt": "unchanged",
                        "speech-new.txt": "converted"}  # fmt: skip


def test_the_demo_ledger_is_up_to_date(tmp_path):
    """A fresh checkout's `make site` must leave the committed ledger as it is (CI warns otherwise)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy2(ROOT / LEDGER, docs / "published-urls.json")
    assert run_converter(ROOT / "sources", docs).returncode == 0
    assert (docs / "published-urls.json").read_bytes() == (ROOT / LEDGER).read_bytes()
    # Every demo page keeps the address the ledger gives it, those published before dated slugs too.
    committed = json.loads((ROOT / LEDGER).read_text(encoding="utf-8"))
    published = {record["slug"] for record in committed["speeches"].values()}
    assert {p.stem for p in (docs / "speeches").glob("*.md")} == published
    assert "2021nian-6yue-30ri-xiang-cun-zhen-xing-gong-zuo-hui-yi-jiang-hua" in published
