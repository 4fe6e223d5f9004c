"""speech-archive: turn a folder of speeches (.docx, saved .html pages, scraped .txt) into Markdown pages
for a static archive site built with MkDocs."""

__version__ = "0.1.0"
