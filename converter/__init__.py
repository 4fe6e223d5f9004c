"""speech-archive: turn a folder of speeches (Word, PDF, saved .html pages, scraped .txt) into Markdown pages
for a static archive site built with MkDocs."""

__version__ = "0.2.0"
