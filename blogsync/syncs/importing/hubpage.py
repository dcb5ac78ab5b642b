"""Read a hub page, as plain text or HTML, into a ParsedArchive.

The page is the one the #blogsync hub showed in early 2014 (data/hub-page-2014.txt).
What it contains, in the order found there:

- a tagline: the first paragraph, before any heading;
- a section whose heading starts "What is" ("1 What is #Blogsync?"): its prose
  paragraphs become the series description;
- one list per topic: a heading "#blogsync 10: “Dear Mr Tristram Hunt”" followed by
  numbered lines "1. David Ellis: Dear Tristram." (see listlines.py for the broken forms);
- a section whose heading starts "Sign Up": the invitation to the current topic, an
  optional partner note ("This #blogsync is organised in conjunction with
  Labourteachers. ...") and the line "CURRENT TOPIC (January): “...”";
- an "Archive" section: "1. January 2013: A Universal Panacea? ...", where the item
  number is the topic number. Month names are read leniently ("Feburary"), with a note.

The archive gives the months of the older topics. The current topic is the highest
numbered one not in the archive (or the one after the archive). Its month is the first
month of its name after the archive's last month. The list heading is kept as a topic's title and
the archive's and the current-topic line's names become alternative titles.

In HTML the same parts are headings (h1-h6), paragraphs (p) and list items (li). A list
item's links give the post URLs: "David Ellis: <a href=...>Dear Tristram.</a>" (the
text before the first link is the author, each link one post) or
"<a href=...>David Ellis: Dear Tristram.</a>" (the link text is read as a plain line).
"""

import difflib
import re
from collections import defaultdict
from datetime import date

from django.utils.text import slugify

from blogsync.syncs.importing.listlines import (
    UNKNOWN_AUTHOR,
    clean_colon_author,
    name_key,
    partition_colon,
    read_list_line,
    split_titles,
    title_openings,
)
from blogsync.syncs.importing.records import (
    ParsedArchive,
    ParsedEntry,
    ParsedTopic,
    checked_url,
)
from blogsync.syncs.importing.sources import SourceLine

TOPIC_HEADING = re.compile(r"^#(?P<tag>[\w-]+)\s+(?P<number>\d+)\s*:\s*(?P<title>.+?)\s*$")
CURRENT_TOPIC = re.compile(
    r"^current topic\s*\((?P<month>[^)]*)\)\s*:\s*(?P<title>.+?)\s*$", re.IGNORECASE
)
ARCHIVE_ITEM = re.compile(r"^(?P<month>[^\W\d_]+)\.?\s+(?P<year>\d{4})\s*:\s*(?P<title>.+?)\s*$")
PARTNER = re.compile(
    r"\b(?:in conjunction|in partnership|together|in association) with (?P<name>[^.,;:]+)",
    re.IGNORECASE,
)
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
MAX_TAGLINE_LENGTH = 200
# Names whose keys differ by one letter are pointed out for review. Shorter keys are
# skipped because they match too easily ("Cav" and "@srcav" are two people).
SIMILAR_NAME_MIN_LENGTH = 8


def read_month_name(word: str) -> tuple[int, str]:
    """Return the month number (1-12) of `word` and a note if it was misspelt.

    Returns (0, "") when `word` is not close to any month name.
    """
    folded = word.casefold()
    if folded in MONTHS:
        return MONTHS.index(folded) + 1, ""
    if len(folded) >= 3:
        for index, month in enumerate(MONTHS):
            if month.startswith(folded):
                return index + 1, ""
    close = difflib.get_close_matches(folded, MONTHS, n=1, cutoff=0.75)
    if close:
        return MONTHS.index(close[0]) + 1, f"read the month “{word}” as {close[0].capitalize()}"
    return 0, ""


def unquote(text: str) -> str:
    """Remove one pair of quotation marks around the whole of `text`."""
    text = text.strip()
    for opening, closing in (("“", "”"), ('"', '"'), ("‘", "’"), ("'", "'")):
        if len(text) >= 2 and text.startswith(opening) and text.endswith(closing):
            inner = text[1:-1].strip()
            if opening not in inner and closing not in inner:
                return inner
    return text


def _section_of(heading: str) -> str:
    folded = heading.casefold()
    if folded.startswith("what is"):
        return "about"
    if re.match(r"sign[\s-]*up\b", folded):
        return "signup"
    if folded.startswith("archive") or folded.endswith("archive"):
        return "archive"
    return "other"


def _is_prose(paragraph: str) -> bool:
    """Return whether a paragraph is a sentence, not an image caption or a sub-heading."""
    return paragraph.rstrip("”’\"' ").endswith((".", "!", "?", "…"))


class _PageReader:
    """One pass over the page's lines, collecting what each section holds."""

    def __init__(self, lines: list[SourceLine]):
        self.lines = lines
        self.archive = ParsedArchive()
        self.topics: dict[int, ParsedTopic] = {}
        self.list_items: dict[int, list[SourceLine]] = {}
        self.archive_items: dict[int, tuple[date, str]] = {}
        self.current: tuple[int, str, int] | None = None  # month, title, line
        self.signup_paragraphs: list[str] = []
        self.about_paragraphs: list[str] = []

    def note(self, line: int, text: str) -> None:
        self.archive.notes.append(f"line {line}: {text}")

    def read(self) -> None:
        section = "start"
        list_number = None
        for line in self.lines:
            current = CURRENT_TOPIC.match(line.text) if line.kind != "item" else None
            if current:
                self._read_current(line, current)
                continue
            if line.kind == "heading":
                heading = TOPIC_HEADING.match(line.text)
                if heading:
                    section, list_number = "list", self._open_list(line, heading)
                else:
                    section, list_number = _section_of(line.text), None
            elif line.kind == "paragraph":
                self._read_paragraph(section, line)
            elif section == "list":
                self.list_items[list_number].append(line)
            elif section == "archive":
                self._read_archive_item(line)

    def _open_list(self, line: SourceLine, heading: re.Match) -> int:
        number = int(heading["number"])
        series = self.archive.series
        if not series.slug:
            series.slug = slugify(heading["tag"])
            series.hashtag = f"#{heading['tag']}"
            series.name = series.hashtag
        if number in self.topics:
            self.note(
                line.line, f"a second list for topic {number}; its lines are added to the first"
            )
        topic = self.topics.setdefault(number, ParsedTopic(number, where=f"line {line.line}"))
        topic.add_title(unquote(heading["title"]))
        self.list_items.setdefault(number, [])
        return number

    def _read_current(self, line: SourceLine, match: re.Match) -> None:
        month, misspelt = read_month_name(match["month"].strip())
        if misspelt:
            self.note(line.line, misspelt)
        if not month:
            self.note(
                line.line,
                f"no month could be read in “{match['month']}”; the current "
                "topic line was left out",
            )
            return
        self.current = (month, unquote(match["title"]), line.line)

    def _read_paragraph(self, section: str, line: SourceLine) -> None:
        series = self.archive.series
        if section == "start" and not series.tagline and len(line.text) <= MAX_TAGLINE_LENGTH:
            series.tagline = line.text
        elif section == "about" and _is_prose(line.text):
            self.about_paragraphs.append(line.text)
        elif section == "signup":
            self.signup_paragraphs.append(line.text)

    def _read_archive_item(self, line: SourceLine) -> None:
        match = ARCHIVE_ITEM.match(line.text)
        month = 0
        if match:
            month, misspelt = read_month_name(match["month"])
            if misspelt:
                self.note(line.line, misspelt)
        if not month or line.item_number is None:
            self.note(line.line, f"no month and year could be read in “{line.text[:80]}”")
            return
        self.archive_items[line.item_number] = (
            date(int(match["year"]), month, 1),
            match["title"].strip(),
        )


def read_hub_page(lines: list[SourceLine]) -> ParsedArchive:
    """Read the classified lines of a hub page into a ParsedArchive."""
    reader = _PageReader(lines)
    reader.read()
    archive = reader.archive
    archive.series.description = "\n\n".join(reader.about_paragraphs)

    _add_archive_topics(reader)
    _add_current_topic(reader)
    for number in sorted(reader.topics):
        topic = reader.topics[number]
        if topic.month is None:
            archive.notes.append(
                f"{topic.where}: topic {number} has no month in the archive section, so "
                "it was left out; add it to the archive to import it"
            )
            continue
        archive.topics.append(topic)

    known_keys = _known_name_keys(reader.list_items)
    for topic in archive.topics:
        items = reader.list_items.get(topic.number, [])
        topic.list_lines = len(items)
        openings = title_openings(topic_titles(topic))
        for item in items:
            topic.entries.extend(_entries_of_item(item, known_keys, openings))
        flag_repeated_authors(topic)
    archive.display_names = display_names(archive)
    flag_similar_names(archive)
    return archive


def topic_titles(topic: ParsedTopic) -> list[str]:
    return [topic.title, *topic.alternative_titles]


def _add_archive_topics(reader: _PageReader) -> None:
    for number, (month, title) in sorted(reader.archive_items.items()):
        topic = reader.topics.setdefault(number, ParsedTopic(number, where="archive"))
        topic.month = month
        topic.add_title(title)


def _add_current_topic(reader: _PageReader) -> None:
    if reader.current is None:
        if reader.signup_paragraphs:
            reader.archive.notes.append(
                "the sign-up section has no “CURRENT TOPIC (Month): …” line, so its "
                "invitation was not imported"
            )
        return
    month, title, line = reader.current
    numbers = set(reader.topics)
    newest = max(numbers, default=0)
    number = newest if newest and newest not in reader.archive_items else newest + 1

    topic = reader.topics.setdefault(number, ParsedTopic(number, where=f"line {line}"))
    topic.add_title(title)
    latest = max((month for month, _ in reader.archive_items.values()), default=None)
    if latest is None:
        reader.note(
            line,
            f"the current topic's year is unknown because the archive section "
            f"is missing; topic {number} has no month",
        )
    else:
        year = latest.year if month > latest.month else latest.year + 1
        topic.month = date(year, month, 1)

    invitation = []
    for paragraph in reader.signup_paragraphs:
        partner = PARTNER.search(paragraph)
        if partner and not topic.partner_note:
            topic.partner_note = paragraph
            topic.partner_name = partner["name"].strip().rstrip(".")
        else:
            invitation.append(paragraph)
    topic.invitation = "\n\n".join(invitation)


def _known_name_keys(list_items: dict[int, list[SourceLine]]) -> set[str]:
    """Collect the keys of names written plainly before a colon (or before a link)."""
    keys = set()
    for items in list_items.values():
        for item in items:
            if item.links and item.text_before_links:
                name = item.text_before_links.rstrip(": ")
            else:
                name = clean_colon_author(item.text)
            if name:
                keys.add(name_key(name))
    keys.discard("")
    return keys


def _entries_of_item(
    item: SourceLine, known_keys: set[str], openings: list[str]
) -> list[ParsedEntry]:
    where = f"line {item.line}"
    position = item.item_number or 0
    if item.links and (item.text_before_links or len(item.links) > 1):
        return _entries_of_linked_item(item, where, position)

    url, url_note = checked_url(item.links[0].href) if item.links else ("", "")
    # One link means one post, whatever the title looks like.
    reading = read_list_line(item.text, known_keys, openings, split=not url)
    notes = [*reading.notes, url_note]
    if url and len(split_titles(reading.titles[0])[0]) > 1:
        notes.append(
            "The line reads like several posts but has one link, so it was kept as one post."
        )
    entries = []
    for title in reading.titles:
        entry = ParsedEntry(
            author=reading.author,
            title=title,
            position=position,
            url=url,
            where=where,
            line=item.line,
            author_guessed=reading.author_guessed,
        )
        for note in notes:
            if note:
                entry.flag(note)
        entries.append(entry)
    return entries


def _entries_of_linked_item(item: SourceLine, where: str, position: int) -> list[ParsedEntry]:
    author = item.text_before_links.strip()
    head, separator, _ = partition_colon(author)
    author = (head if separator else author).rstrip(":").strip()
    entries = []
    for link in item.links:
        url, url_note = checked_url(link.href)
        entry = ParsedEntry(
            author=author or UNKNOWN_AUTHOR,
            title=link.text,
            position=position,
            url=url,
            where=where,
            line=item.line,
        )
        if not author:
            entry.author_guessed = True
            entry.flag(f"The author's name is missing; listed under “{UNKNOWN_AUTHOR}”.")
        if url_note:
            entry.flag(url_note)
        entries.append(entry)
    return entries


def flag_repeated_authors(topic: ParsedTopic) -> None:
    """Flag a post whose author already has an earlier line in the same list.

    The hub numbers writers, not posts, so it shows both posts on the earlier line (see
    blogsync.syncs.lists). The hub's list then has one line fewer than the source.
    """
    first_position: dict[str, int] = {}
    for entry in topic.entries:
        key = name_key(entry.author)
        if entry.author == UNKNOWN_AUTHOR:
            continue  # Already flagged as having no name.
        first = first_position.setdefault(key, entry.position)
        if first != entry.position:
            entry.flag(
                f"“{entry.author}” is also on line {first} of this list, so the hub "
                f"shows this post on that line too."
            )


def display_names(archive: ParsedArchive) -> dict[str, str]:
    """Pick each contributor's public name: the first spelling read before a colon.

    A spelling taken from a guessed split ("cherrylkd" from "cherrylkdA letter ...")
    is used only when the name never appears plainly.
    """
    plain: dict[str, str] = {}
    guessed: dict[str, str] = {}
    entries = [entry for topic in archive.topics for entry in topic.entries]
    for entry in sorted(entries, key=lambda entry: entry.line):
        target = guessed if entry.author_guessed else plain
        target.setdefault(name_key(entry.author), entry.author)
    return {**guessed, **plain}


def flag_similar_names(archive: ParsedArchive) -> None:
    """Flag posts whose author's key differs from another author's by one letter.

    "Laura McInerny" and "Laura McInerney" become two contributors, because only names
    with the same key are merged automatically, and the note leaves the decision to a
    coordinator. Keys that become equal after dropping at most one letter from each are
    found through a table of those variants, in time linear in the number of names.
    """
    names = archive.display_names
    by_variant: dict[str, set[str]] = defaultdict(set)
    for key in names:
        if len(key) < SIMILAR_NAME_MIN_LENGTH:
            continue
        by_variant[key].add(key)
        for index in range(len(key)):
            by_variant[key[:index] + key[index + 1 :]].add(key)
    similar: dict[str, str] = {}
    for keys in by_variant.values():
        for key in sorted(keys):
            other = min((k for k in keys if k != key), default=None)
            if other is not None:
                similar.setdefault(key, other)

    for topic in archive.topics:
        for entry in topic.entries:
            other = similar.get(name_key(entry.author))
            if other:
                entry.flag(
                    f"The name “{entry.author}” is nearly the same as “{names[other]}” "
                    "elsewhere in the file; they may be one person."
                )
