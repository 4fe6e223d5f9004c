"""Exact full-text search for the archive: a static, sharded index of CJK character bigrams and words.

`build_index(docs, out)` (converter/search/builder.py) writes the index; hooks/search.py calls it after
`mkdocs build`, and overrides/assets/javascripts/archive-search.js queries it in the browser. The files and
their encoding are described in FORMAT.md beside this file.
"""

from converter.search.builder import IndexOptions, IndexStats, SearchDoc, SearchSection, build_index

__all__ = ["IndexOptions", "IndexStats", "SearchDoc", "SearchSection", "build_index"]
