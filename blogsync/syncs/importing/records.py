"""The output of every parser: an archive read from a file, before anything is stored.

Every parser (text, HTML, JSON) returns a ParsedArchive, and blogsync.syncs.importing.store
writes it to the database. Keeping the two apart lets the tests check what was read
from a file without a database, and lets every format share the storing rules.
"""

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class ParsedEntry:
    """One post of a topic's list, as read from the file."""

    author: str
    title: str
    # The number of the list line the post was on. Posts split from one line share it.
    position: int
    url: str = ""
    # Where in the file the post was read: "line 47" or "topics[0].entries[3]".
    where: str = ""
    # The order in the file (a line number or a running index), for "first seen" rules.
    line: int = 0
    needs_review: bool = False
    review_notes: list[str] = field(default_factory=list)
    # True when the author's name was guessed rather than read before a colon.
    author_guessed: bool = False

    def flag(self, note: str) -> None:
        self.needs_review = True
        if note not in self.review_notes:
            self.review_notes.append(note)

    @property
    def review_note(self) -> str:
        return " ".join(self.review_notes)


@dataclass
class ParsedTopic:
    number: int
    title: str = ""
    month: date | None = None
    alternative_titles: list[str] = field(default_factory=list)
    invitation: str = ""
    partner_name: str = ""
    partner_note: str = ""
    signup_opens_at: datetime | None = None
    deadline: datetime | None = None
    list_published_at: datetime | None = None
    entries: list[ParsedEntry] = field(default_factory=list)
    # The number of numbered lines the source list had (a line may hold several posts).
    list_lines: int = 0
    where: str = ""

    def add_title(self, title: str) -> None:
        """Record `title` as the title, or as an alternative title if one is set.

        Titles that differ only in letter case count as the same title, so the archive's
        "Marking with impact" adds nothing to the list heading "Marking with Impact".
        """
        title = title.strip()
        if not title:
            return
        if not self.title:
            self.title = title
            return
        known = {t.casefold() for t in [self.title, *self.alternative_titles]}
        if title.casefold() not in known:
            self.alternative_titles.append(title)


@dataclass
class ParsedSeries:
    slug: str = ""
    name: str = ""
    hashtag: str = ""
    tagline: str = ""
    description: str = ""


@dataclass
class ParsedArchive:
    series: ParsedSeries = field(default_factory=ParsedSeries)
    topics: list[ParsedTopic] = field(default_factory=list)
    # Findings that belong to no single entry, such as a misspelt month; shown in the
    # summary with where they were found.
    notes: list[str] = field(default_factory=list)
    # The public name to use for each contributor key (see names.name_key).
    display_names: dict[str, str] = field(default_factory=dict)

    @property
    def entry_count(self) -> int:
        return sum(len(topic.entries) for topic in self.topics)


def checked_url(url: str) -> tuple[str, str]:
    """Return (url, "") for a usable http(s) link, or ("", note) saying why it was left out."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    url = url.strip()
    if not url:
        return "", ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return "", f"The link “{url[:200]}” is not a valid http(s) URL; it was left out."
    if len(url) > 1000:
        return "", "The link is longer than 1,000 characters; it was left out."
    return url, ""
