"""Write a ParsedArchive to the database, creating only what is not there yet.

Running the same import twice changes nothing: topics are matched by series and number,
contributors by name key (listlines.name_key), and entries by normalised URL or by
topic, contributor and title. Existing rows are never overwritten: an import only fills
empty fields, adds alternative titles and adds a link to an entry that had none.
"""

import calendar
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from blogsync.fetching.urlnorm import normalise_url
from blogsync.syncs.importing.errors import ArchiveFormatError
from blogsync.syncs.importing.listlines import name_key
from blogsync.syncs.importing.records import ParsedArchive, ParsedEntry, ParsedTopic
from blogsync.syncs.models import (
    Contributor,
    Entry,
    EntrySource,
    EntryStatus,
    Series,
    Topic,
)

logger = logging.getLogger(__name__)

DEFAULT_SERIES_SLUG = "blogsync"
BULK_BATCH_SIZE = 500


@dataclass
class ImportSummary:
    series: Series | None = None
    series_created: bool = False
    series_updated: bool = False
    topics_created: int = 0
    topics_updated: int = 0
    topics_unchanged: int = 0
    contributors_created: int = 0
    entries_created: int = 0
    entries_updated: int = 0
    entries_present: int = 0
    # "line 41: ..." for every source line whose reading needed a guess.
    flagged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.series_created
            or self.series_updated
            or self.topics_created
            or self.topics_updated
            or self.contributors_created
            or self.entries_created
            or self.entries_updated
        )


def published_month_dates(month: date, zone) -> tuple[datetime, datetime, datetime]:
    """Return sign-up opening, deadline and list publication for a past month, in UTC.

    Sign-up opens on the 1st at 00:00 and the deadline is the last day at 23:59, both in
    the series' time zone. The list counts as published at the deadline.
    """
    last_day = calendar.monthrange(month.year, month.month)[1]
    opens = datetime(month.year, month.month, 1, 0, 0, tzinfo=zone)
    deadline = datetime(month.year, month.month, last_day, 23, 59, tzinfo=zone)
    return opens.astimezone(UTC), deadline.astimezone(UTC), deadline.astimezone(UTC)


def _clip(text: str, max_length: int) -> str:
    return text if len(text) <= max_length else text[: max_length - 1] + "…"


class _Importer:
    def __init__(self, archive: ParsedArchive, series_slug: str | None, progress):
        self.archive = archive
        self.series_slug = series_slug
        self.progress = progress
        self.summary = ImportSummary(notes=list(archive.notes))
        self.contributors: dict[str, Contributor] = {}
        self.slugs: set[str] = set()

    def run(self) -> ImportSummary:
        self.summary.series = self._series()
        for contributor in Contributor.objects.order_by("pk").only("pk", "name", "slug"):
            self.contributors.setdefault(name_key(contributor.name), contributor)
            self.slugs.add(contributor.slug)
        existing = {topic.number: topic for topic in self.summary.series.topics.all()}
        for parsed in self.archive.topics:
            topic = self._topic(parsed, existing.get(parsed.number))
            self._entries(topic, parsed)
        return self.summary

    def _series(self) -> Series:
        parsed = self.archive.series
        slug = self.series_slug or parsed.slug or DEFAULT_SERIES_SLUG
        if slugify(slug) != slug:
            raise ArchiveFormatError(
                f"“{slug}” is not a valid series slug; use lower-case letters, digits and hyphens"
            )
        series = Series.objects.filter(slug=slug).first()
        if series is None:
            # The file's name and hashtag belong to its own series, not to another slug.
            named_in_file = parsed.slug in ("", slug)
            hashtag = parsed.hashtag if named_in_file and parsed.hashtag else f"#{slug}"
            name = parsed.name if named_in_file and parsed.name else hashtag
            series = Series.objects.create(
                slug=slug,
                name=_clip(name, 100),
                hashtag=_clip(hashtag, 50),
                tagline=_clip(parsed.tagline, 200),
                description=parsed.description,
            )
            self.summary.series_created = True
            logger.info("Series %s (%s) created by import", series.pk, slug)
            return series

        changed = []
        if not series.tagline and parsed.tagline:
            series.tagline = _clip(parsed.tagline, 200)
            changed.append("tagline")
        if not series.description and parsed.description:
            series.description = parsed.description
            changed.append("description")
        if changed:
            series.save(update_fields=changed)
            self.summary.series_updated = True
            logger.info("Series %s: import filled in %s", series.pk, ", ".join(changed))
        return series

    def _topic(self, parsed: ParsedTopic, topic: Topic | None) -> Topic:
        series = self.summary.series
        opens, deadline, published = published_month_dates(parsed.month, series.zone)
        deadline = parsed.deadline or deadline
        values = {
            "signup_opens_at": parsed.signup_opens_at or opens,
            "deadline": deadline,
            # Never before the deadline, which a file may set after the month's end.
            "list_published_at": parsed.list_published_at or max(published, deadline),
            "invitation": parsed.invitation,
            "partner_note": parsed.partner_note,
            "partner_name": _clip(parsed.partner_name, 200),
        }
        if values["deadline"] < values["signup_opens_at"]:
            raise ArchiveFormatError(
                f"{parsed.where}: the deadline of topic {parsed.number} comes before sign-up "
                "opens; correct signup_opens_at or deadline"
            )
        if values["list_published_at"] < values["deadline"]:
            raise ArchiveFormatError(
                f"{parsed.where}: the list of topic {parsed.number} is published before its "
                "deadline; correct list_published_at or deadline"
            )
        if len(parsed.title) > 300:
            self.summary.notes.append(
                f"{parsed.where}: the title of topic {parsed.number} is "
                "longer than 300 characters and was shortened"
            )
        title = _clip(parsed.title, 300)

        if topic is None:
            topic = Topic.objects.create(
                series=series,
                number=parsed.number,
                month=parsed.month,
                title=title,
                alternative_titles=list(parsed.alternative_titles),
                **values,
            )
            self.summary.topics_created += 1
            logger.info(
                "Topic %s (series %s, number %s) created by import",
                topic.pk,
                series.pk,
                parsed.number,
            )
            return topic

        changed = []
        known = {text.casefold() for text in topic.all_titles()}
        for text in [title, *parsed.alternative_titles]:
            if text.casefold() not in known:
                topic.alternative_titles.append(text)
                known.add(text.casefold())
                if "alternative_titles" not in changed:
                    changed.append("alternative_titles")
        for name, value in values.items():
            if value and not getattr(topic, name):
                setattr(topic, name, value)
                changed.append(name)
        if changed:
            topic.save(update_fields=[*changed, "updated_at"])
            self.summary.topics_updated += 1
            logger.info("Topic %s: import added %s", topic.pk, ", ".join(changed))
        else:
            self.summary.topics_unchanged += 1
        return topic

    def _create_contributors(self, entries: list[ParsedEntry]) -> None:
        """Create the contributors of `entries` that do not exist yet, in one query."""
        new = []
        for entry in entries:
            key = name_key(entry.author)
            if key in self.contributors:
                continue
            name = _clip(self.archive.display_names.get(key, entry.author), 200)
            contributor = Contributor(name=name, slug=self._unique_slug(name))
            self.contributors[key] = contributor
            new.append(contributor)
        # bulk_create skips Contributor.save(), so the slug is set above, made unique
        # against the slugs loaded at the start of the import.
        Contributor.objects.bulk_create(new, batch_size=BULK_BATCH_SIZE)
        self.summary.contributors_created += len(new)
        if new:
            logger.info(
                "Import created contributors %s",
                ", ".join(str(contributor.pk) for contributor in new),
            )

    def _unique_slug(self, name: str) -> str:
        base = slugify(name)[:200] or "contributor"
        candidate, suffix = base, 2
        while candidate in self.slugs:
            candidate = f"{base}-{suffix}"
            suffix += 1
        self.slugs.add(candidate)
        return candidate

    def _entries(self, topic: Topic, parsed: ParsedTopic) -> None:
        # Stored entries as (pk, url) under both matching keys. Plain tuples, because
        # building model instances was most of the time of a re-import.
        stored = topic.entries.values_list(
            "pk", "contributor_id", "title", "normalised_url", "url"
        )
        by_url: dict[str, tuple[int | None, str]] = {}
        by_author_title: dict[tuple[int, str], tuple[int | None, str]] = {}
        for pk, contributor_id, title, normalised_url, url in stored:
            by_author_title[(contributor_id, title)] = (pk, url)
            if normalised_url:
                by_url[normalised_url] = (pk, url)
        submitted_at = topic.deadline or timezone.now()
        approved_at = topic.list_published_at or submitted_at
        new_entries = []

        self._create_contributors(parsed.entries)
        for item in parsed.entries:
            self._note_flag(parsed, item)
            contributor = self.contributors[name_key(item.author)]
            title = _clip(item.title, 500)
            if title != item.title:
                item.flag("The title was longer than 500 characters and was shortened.")
            normalised = normalise_url(item.url) if item.url else ""
            match = by_url.get(normalised) if normalised else None
            match = match or by_author_title.get((contributor.pk, title))
            if match is not None:
                self._merge_link(match, item)
            else:
                entry = Entry(
                    topic=topic,
                    contributor=contributor,
                    url=item.url,
                    normalised_url=normalised,
                    title=title,
                    position=item.position,
                    source=EntrySource.IMPORT,
                    status=EntryStatus.APPROVED,
                    needs_review=item.needs_review,
                    review_note=_clip(item.review_note, 500),
                    submitted_at=submitted_at,
                    approved_at=approved_at,
                )
                new_entries.append(entry)
                # No pk yet: a repeat of this post later in the file is only counted.
                by_author_title[(contributor.pk, title)] = (None, item.url)
                if normalised:
                    by_url[normalised] = (None, item.url)
            if self.progress is not None:
                self.progress.update(1)

        # bulk_create skips Entry.save(), so normalised_url is set above.
        created = Entry.objects.bulk_create(new_entries, batch_size=BULK_BATCH_SIZE)
        self.summary.entries_created += len(created)
        if created:
            logger.info("Topic %s: import created %s entries", topic.pk, len(created))
        flagged_ids = [entry.pk for entry in created if entry.needs_review]
        if flagged_ids:
            logger.info(
                "Topic %s: imported entries %s need review",
                topic.pk,
                ", ".join(str(pk) for pk in flagged_ids),
            )

    def _merge_link(self, match: tuple[int | None, str], item: ParsedEntry) -> None:
        pk, url = match
        if item.url and not url and pk is not None:
            entry = Entry.objects.get(pk=pk)
            entry.url = item.url
            entry.save(update_fields=["url", "normalised_url", "updated_at"])
            self.summary.entries_updated += 1
            logger.info("Entry %s: import added its link", pk)
        else:
            self.summary.entries_present += 1

    def _note_flag(self, topic: ParsedTopic, item: ParsedEntry) -> None:
        if not item.needs_review:
            return
        text = f"{item.where}: topic {topic.number}, “{item.author}”: {item.review_note}"
        if not self.summary.flagged or self.summary.flagged[-1] != text:
            self.summary.flagged.append(text)


def store_archive(
    archive: ParsedArchive,
    *,
    series_slug: str | None = None,
    progress=None,
    dry_run: bool = False,
) -> ImportSummary:
    """Store `archive` in one transaction and return what was created and updated.

    `progress`, if given, is a tqdm-like object whose update(1) is called per entry.
    With `dry_run` the transaction is rolled back, so the summary says what an import
    would do and nothing is stored.
    """
    with transaction.atomic():
        summary = _Importer(archive, series_slug, progress).run()
        if dry_run:
            transaction.set_rollback(True)
    return summary
