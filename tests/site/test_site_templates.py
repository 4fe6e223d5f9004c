"""The site's pages are drawn by the Jinja templates in overrides/: a site owner restyles them there."""

from __future__ import annotations

import pytest
from site_fixture import make_fixture_workdir, mkdocs_build

BROWSE_PAGES = ["index.html", "years/index.html", "years/2023/index.html", "years/undated/index.html",
                "speakers/index.html", "speakers/b-wang-wu-b/index.html", "events/index.html",
                "tags/index.html", "tags/jing-ji/index.html"]  # fmt: skip


@pytest.mark.slow
def test_a_site_owner_restyles_every_browse_page_through_its_templates(tmp_path):
    """The browse pages are drawn by the templates in overrides/browse/: a mark added to the shared
    layout appears on every browse page (and no speech page), one added to the speech list on every page
    that lists speeches, and source text stays text in the restyled pages."""
    workdir = make_fixture_workdir(tmp_path / "restyled")
    browse = workdir / "overrides/browse"
    base = browse / "base.html"
    base.write_text(
        base.read_text().replace(
            "{% block browse %}{% endblock %}",
            '<p class="owner-mark">{{ browse.kind }}</p>{% block browse %}{% endblock %}',
        )
    )
    listing = browse / "speech-list.html"
    listing.write_text(listing.read_text().replace('<ol class="sa-list">', '<ol class="sa-list owner-list">'))
    build = mkdocs_build(workdir)
    assert build.returncode == 0, build.output
    for name in BROWSE_PAGES:
        html = (build.site / name).read_text()
        kind = "home" if name == "index.html" else "section" if name.count("/") == 1 else "group"
        assert f'<p class="owner-mark">{kind}</p>' in html, name
        assert ('<ol class="sa-list owner-list">' in html) is (kind != "section"), name
        assert "<script>alert" not in html and "<b>王五" not in html and "<img src=x" not in html, name
    for page in (build.site / "speeches").rglob("index.html"):
        assert "owner-mark" not in page.read_text(), page
