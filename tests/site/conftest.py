"""Fixtures for the site tests (helpers in site_fixture.py)."""

from __future__ import annotations

import pytest
from site_fixture import Build, make_fixture_workdir, mkdocs_build


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory) -> Build:
    """The fixture archive, built once per session. Fails the test when the build fails."""
    build = mkdocs_build(make_fixture_workdir(tmp_path_factory.mktemp("fixture-site")))
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="session")
def fixture_url(fixture_build, serve) -> str:
    return serve(fixture_build.site)
