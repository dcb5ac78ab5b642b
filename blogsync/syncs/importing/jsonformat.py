"""Read the JSON archive format into a ParsedArchive.

The format is documented in docs/import-format.md and in the package docstring. Every
problem is reported as an ArchiveFormatError naming the JSON path, such as
"topics[2].entries[5].title is missing".
"""

import json
from datetime import date, datetime

from django.utils.text import slugify

from blogsync.syncs.importing.errors import ArchiveFormatError
from blogsync.syncs.importing.hubpage import display_names, flag_repeated_authors
from blogsync.syncs.importing.listlines import UNKNOWN_AUTHOR, name_key
from blogsync.syncs.importing.records import (
    ParsedArchive,
    ParsedEntry,
    ParsedTopic,
    checked_url,
)

SUPPORTED_VERSION = 1
SERIES_FIELDS = ("slug", "name", "hashtag", "tagline", "description")
TOPIC_TEXT_FIELDS = ("invitation", "partner_name", "partner_note")
TOPIC_DATE_FIELDS = ("signup_opens_at", "deadline", "list_published_at")
TOPIC_FIELDS = frozenset(
    {
        "number",
        "month",
        "title",
        "alternative_titles",
        "entries",
        *TOPIC_TEXT_FIELDS,
        *TOPIC_DATE_FIELDS,
    }
)
ENTRY_FIELDS = frozenset({"author", "title", "url"})
TOP_LEVEL_FIELDS = frozenset({"format", "version", "series", "topics"})


def read_json_archive(text: str) -> ParsedArchive:
    """Parse and check a JSON archive; raise ArchiveFormatError naming the bad field."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ArchiveFormatError(
            f"the file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    _require(isinstance(data, dict), "the top level must be a JSON object with “topics”")
    _reject_unknown_fields(data, TOP_LEVEL_FIELDS, "the top level")
    version = data.get("version", SUPPORTED_VERSION)
    _require(
        version == SUPPORTED_VERSION,
        f"version {version!r} is not supported; this hub reads version 1",
    )

    archive = ParsedArchive()
    series = data.get("series", {})
    _require(isinstance(series, dict), "series must be an object")
    _reject_unknown_fields(series, frozenset(SERIES_FIELDS), "series")
    for name in SERIES_FIELDS:
        setattr(archive.series, name, _text(series, name, "series"))
    if archive.series.slug:
        _require(
            slugify(archive.series.slug) == archive.series.slug,
            f"series.slug “{archive.series.slug}” is not a valid slug; use lower-case "
            "letters, digits and hyphens",
        )

    topics = data.get("topics")
    _require(isinstance(topics, list), "topics is missing or is not a list")
    numbers = set()
    order = 0
    for index, raw in enumerate(topics):
        topic = _read_topic(raw, f"topics[{index}]")
        _require(
            topic.number not in numbers, f"topics[{index}].number {topic.number} appears twice"
        )
        numbers.add(topic.number)
        for entry in topic.entries:
            order += 1
            entry.line = order
        flag_repeated_authors(topic)
        archive.topics.append(topic)
    archive.display_names = display_names(archive)
    return archive


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ArchiveFormatError(message)


def _reject_unknown_fields(container: dict, known: frozenset[str], path: str) -> None:
    """Reject misspelt field names, which would otherwise be dropped without a word."""
    unknown = sorted(set(container) - known)
    _require(
        not unknown,
        f"{path} has an unknown field “{unknown[0] if unknown else ''}”; "
        f"the known fields are {', '.join(sorted(known))}",
    )


def _text(container: dict, name: str, path: str, *, required: bool = False) -> str:
    value = container.get(name)
    if value is None:
        _require(not required, f"{path}.{name} is missing")
        return ""
    _require(isinstance(value, str), f"{path}.{name} must be a string")
    value = value.strip()
    _require(bool(value) or not required, f"{path}.{name} is empty")
    return value


def _read_topic(raw, path: str) -> ParsedTopic:
    _require(isinstance(raw, dict), f"{path} must be an object")
    _reject_unknown_fields(raw, TOPIC_FIELDS, path)
    number = raw.get("number")
    _require(
        isinstance(number, int) and not isinstance(number, bool) and number > 0,
        f"{path}.number must be a positive whole number",
    )
    topic = ParsedTopic(number, where=path)
    topic.title = _text(raw, "title", path, required=True)
    topic.month = _month(raw.get("month"), f"{path}.month")

    alternatives = raw.get("alternative_titles", [])
    _require(
        isinstance(alternatives, list) and all(isinstance(t, str) for t in alternatives),
        f"{path}.alternative_titles must be a list of strings",
    )
    for title in alternatives:
        topic.add_title(title)
    for name in TOPIC_TEXT_FIELDS:
        setattr(topic, name, _text(raw, name, path))
    for name in TOPIC_DATE_FIELDS:
        setattr(topic, name, _datetime(raw.get(name), f"{path}.{name}"))

    entries = raw.get("entries", [])
    _require(isinstance(entries, list), f"{path}.entries must be a list")
    lines: dict[str, int] = {}
    for index, raw_entry in enumerate(entries):
        topic.entries.append(_read_entry(raw_entry, f"{path}.entries[{index}]", lines))
    topic.list_lines = len(lines)
    return topic


def _read_entry(raw, path: str, lines: dict[str, int]) -> ParsedEntry:
    _require(isinstance(raw, dict), f"{path} must be an object")
    _reject_unknown_fields(raw, ENTRY_FIELDS, path)
    author = _text(raw, "author", path)
    title = _text(raw, "title", path, required=True)
    url, url_note = checked_url(_text(raw, "url", path))
    # Entries by one author share that author's line, as on the hub.
    position = lines.setdefault(name_key(author) or UNKNOWN_AUTHOR, len(lines) + 1)
    entry = ParsedEntry(
        author=author or UNKNOWN_AUTHOR, title=title, position=position, url=url, where=path
    )
    if not author:
        entry.author_guessed = True
        entry.flag(f"The author's name is missing; listed under “{UNKNOWN_AUTHOR}”.")
    if url_note:
        entry.flag(url_note)
    return entry


def _month(value, path: str) -> date:
    _require(isinstance(value, str), f"{path} is missing; give it as YYYY-MM")
    try:
        parsed = date.fromisoformat(value if len(value) > 7 else f"{value}-01")
    except ValueError:
        raise ArchiveFormatError(f"{path} “{value}” is not a month; give it as YYYY-MM") from None
    return parsed.replace(day=1)


def _datetime(value, path: str) -> datetime | None:
    if value is None:
        return None
    _require(isinstance(value, str), f"{path} must be a string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ArchiveFormatError(
            f"{path} “{value}” is not an ISO 8601 date and time, such as 2014-01-31T23:59:00+00:00"
        ) from None
    _require(parsed.tzinfo is not None, f"{path} “{value}” needs a UTC offset, such as +00:00")
    return parsed
