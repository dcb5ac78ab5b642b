"""Import a series' archive of topics and their numbered lists from a file.

`manage.py import_archive FILE` and `manage.py load_initial_archive FILE` call
import_archive_file(). Three formats are read (see docs/import-format.md):

- text: a copy of a hub page as plain text, like data/hub-page-2014.txt. The hubpage
  module documents which parts are read and how broken lines are repaired.
- html: the same page as HTML, where list items may carry links to the posts;
- json: the format below, for archives exported from elsewhere.

The format is chosen by the file extension (.txt, .html/.htm, .json) and otherwise by
the content. The import is idempotent (see store.py) and runs in one transaction, so a
failed import stores nothing.

JSON format, version 1 (unknown fields are rejected, so that a misspelt name is not
silently dropped)::

    {
      "version": 1,                              optional, must be 1
      "series": {                                optional
        "slug": "blogsync", "name": "#blogsync", "hashtag": "#blogsync",
        "tagline": "...", "description": "..."   all optional strings
      },
      "topics": [
        {
          "number": 10,                          required, positive whole number
          "month": "2014-01",                    required, YYYY-MM (or YYYY-MM-DD)
          "title": "Dear Mr Tristram Hunt",      required
          "alternative_titles": ["..."],         optional list of strings
          "invitation": "...", "partner_name": "...", "partner_note": "...",
          "signup_opens_at": "2014-01-01T00:00:00+00:00",   optional ISO 8601 with
          "deadline": "...", "list_published_at": "...",    offset; default: the month
          "entries": [                           optional, in list order
            {"author": "David Ellis", "title": "Dear Tristram.",
             "url": "https://example.org/dear-tristram"}     url optional
          ]
        }
      ]
    }

An entry's position is its author's line in the topic: entries by an author already
listed share that author's line, as on the hub.
"""

import logging
from pathlib import Path

from blogsync.syncs.importing.errors import ArchiveFormatError, ArchiveImportError
from blogsync.syncs.importing.hubpage import read_hub_page
from blogsync.syncs.importing.jsonformat import read_json_archive
from blogsync.syncs.importing.records import ParsedArchive
from blogsync.syncs.importing.sources import html_lines, text_lines
from blogsync.syncs.importing.store import ImportSummary, store_archive

__all__ = [
    "FORMATS",
    "ArchiveFormatError",
    "ArchiveImportError",
    "ImportSummary",
    "detect_format",
    "import_archive_file",
    "parse_archive",
    "read_archive_file",
]

logger = logging.getLogger(__name__)

FORMATS = ("text", "html", "json")
_EXTENSIONS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".json": "json"}
_HTML_MARKERS = ("<html", "<body", "<h1", "<h2", "<h3", "<ol", "<ul", "<li", "<p>", "<p ")


def detect_format(path: Path, text: str) -> str:
    """Return "text", "html" or "json" from the file extension, else from the content."""
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    start = text.lstrip()[:1]
    if start in ("{", "["):
        return "json"
    head = text[:4096].lower()
    if any(marker in head for marker in _HTML_MARKERS):
        return "html"
    return "text"


def read_archive_file(path: Path) -> str:
    """Return the file's text; raise ArchiveImportError if it cannot be read as UTF-8."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ArchiveImportError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise ArchiveImportError(f"{path} is a directory; give the archive file.") from None
    except OSError as error:
        raise ArchiveImportError(f"{path} cannot be read: {error.strerror}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArchiveFormatError(
            f"{path} is not UTF-8 text (invalid byte at position {error.start}); save it "
            "as UTF-8 and try again."
        ) from None


def parse_archive(text: str, file_format: str) -> ParsedArchive:
    """Parse `text` in `file_format` ("text", "html" or "json")."""
    if file_format == "json":
        archive = read_json_archive(text)
    elif file_format == "html":
        archive = read_hub_page(html_lines(text))
    elif file_format == "text":
        archive = read_hub_page(text_lines(text))
    else:
        raise ArchiveImportError(
            f"“{file_format}” is not a known format; use one of {', '.join(FORMATS)}."
        )
    if not archive.topics:
        raise ArchiveFormatError(
            "no topics were found. A hub page needs headings such as "
            "“#blogsync 10: “Title”” followed by numbered lines, and an archive section "
            "giving each topic's month; a JSON file needs a non-empty “topics” list."
        )
    return archive


def import_archive_file(
    path: Path,
    *,
    series_slug: str | None = None,
    file_format: str = "auto",
    progress_factory=None,
    dry_run: bool = False,
) -> ImportSummary:
    """Read, parse and store the archive in `path`.

    `progress_factory(total)`, if given, returns a tqdm-like progress bar for the
    entries, or None. With `dry_run` nothing is stored (see store_archive). Raises
    ArchiveImportError (or ArchiveFormatError) with a message
    naming the problem; nothing is stored then.
    """
    path = Path(path)
    text = read_archive_file(path)
    if file_format == "auto":
        file_format = detect_format(path, text)
    try:
        archive = parse_archive(text, file_format)
    except ArchiveFormatError as error:
        raise ArchiveFormatError(f"{path} ({file_format}): {error}") from None
    logger.info(
        "Parsed %s as %s: %s topics, %s entries",
        path,
        file_format,
        len(archive.topics),
        archive.entry_count,
    )

    progress = progress_factory(archive.entry_count) if progress_factory else None
    try:
        summary = store_archive(
            archive, series_slug=series_slug, progress=progress, dry_run=dry_run
        )
    finally:
        if progress is not None:
            progress.close()
    return summary
