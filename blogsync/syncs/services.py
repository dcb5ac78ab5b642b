"""Domain actions that more than one way in uses (form, import, Webmention, feed).

Views, commands and tasks call these instead of creating entries themselves, so that
position, lateness, duplicates and the partner opt-out follow one rule everywhere.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from blogsync.fetching.urlnorm import canonical_key, normalise_url
from blogsync.syncs.models import (
    Contributor,
    Entry,
    EntryStatus,
    SignUp,
    Topic,
    unique_slug,
)
from blogsync.syncs.moderation import next_position
from blogsync.syncs.signals import entry_pending

logger = logging.getLogger(__name__)


class DuplicateEntry(Exception):
    """The topic already has an entry with the same normalised URL."""

    def __init__(self, existing: Entry):
        super().__init__(f"Entry {existing.pk} already lists {existing.url}")
        self.existing = existing


def find_duplicate(topic: Topic, url: str, canonical_url: str = "") -> Entry | None:
    """Find the entry of `topic` whose URL normalises like `url`, if any (rejected ones too,
    so that a rejected post cannot be resubmitted around the coordinators).

    `canonical_url`, the URL the page at `url` declares for itself, also counts when
    it is on the same site (see canonical_key), so `/?p=123` matches its permalink.
    """
    if not url:
        return None
    keys = {normalise_url(url), canonical_key(url, canonical_url)}
    return topic.entries.filter(normalised_url__in=keys).order_by("position", "pk").first()


def add_entry(
    topic: Topic,
    contributor: Contributor,
    *,
    url: str,
    title: str,
    source: str,
    status: str = EntryStatus.PENDING,
    submitted_at=None,
    review_note: str = "",
) -> Entry:
    """Store a new entry at the end of the topic's list.

    Raises DuplicateEntry when the topic already has the URL. An entry arriving after
    the deadline and its grace period is kept and labelled late, never dropped. A
    non-empty `review_note` marks the entry as needing a coordinator's review.
    """
    submitted_at = submitted_at or timezone.now()
    existing = find_duplicate(topic, url)
    if existing is not None:
        raise DuplicateEntry(existing)
    signup = SignUp.objects.filter(topic=topic, contributor=contributor).first()
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                topic=topic,
                contributor=contributor,
                url=url,
                title=title,
                source=source,
                status=status,
                position=next_position(topic),
                partner_opt_out=bool(signup and signup.partner_opt_out),
                is_late=topic.is_late(submitted_at),
                submitted_at=submitted_at,
                approved_at=submitted_at if status == EntryStatus.APPROVED else None,
                needs_review=bool(review_note),
                review_note=review_note[: Entry._meta.get_field("review_note").max_length],
            )
    except IntegrityError:
        # Another request stored the same URL between the check above and the insert.
        existing = find_duplicate(topic, url)
        if existing is None:
            raise
        raise DuplicateEntry(existing) from None
    logger.info(
        "Entry %s added to topic %s from %s (status %s, late %s)",
        entry.pk,
        topic.pk,
        source,
        status,
        entry.is_late,
    )
    if status == EntryStatus.PENDING:
        transaction.on_commit(lambda: entry_pending.send(Entry, entry=entry))
    return entry


def find_or_create_contributor(name: str, *, email: str = "", blog_url: str = "") -> Contributor:
    """Find the contributor with this email address, or create one.

    Without an email address (imports, mentions) a new contributor is created unless
    one with the same blog URL exists, because two writers may share a public name.
    """
    if email:
        contributor = Contributor.objects.filter(email__iexact=email).first()
        if contributor is not None:
            return contributor
    elif blog_url:
        contributor = Contributor.objects.filter(blog_url=blog_url).first()
        if contributor is not None:
            return contributor
    return Contributor.objects.create(name=name, email=email, blog_url=blog_url)


def same_name(first: str, second: str) -> bool:
    """Compare two public names ignoring case and runs of whitespace."""
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def has_public_identity(contributor: Contributor) -> bool:
    """Return whether the contributor has confirmed a sign-up or has an approved entry.

    Until then the name on record is only what someone typed next to the email
    address, so a later form may replace it.
    """
    return (
        SignUp.objects.filter(contributor=contributor, confirmed_at__isnull=False).exists()
        or Entry.objects.filter(contributor=contributor, status=EntryStatus.APPROVED).exists()
    )


def reconcile_name(contributor: Contributor, typed_name: str) -> str:
    """Compare the name typed into a form with the name of the email's contributor.

    Returns "" when they match. Otherwise returns a note for the coordinators, because
    anyone can type anyone's email address into a public form. The contributor's name
    becomes the typed one only while it has no public identity (see
    has_public_identity); a confirmed or published name is kept.
    """
    typed_name = typed_name.strip()
    if not typed_name or same_name(contributor.name, typed_name):
        return ""
    previous_name = contributor.name
    if has_public_identity(contributor):
        logger.warning(
            "Form used the email address of contributor %s with a different name; kept their name",
            contributor.pk,
        )
        return (
            f"Submitted under the name '{typed_name}' with the email address of "
            f"{previous_name}; check before approving."
        )
    contributor.name = typed_name
    # The old slug would keep the unconfirmed name in the profile's address.
    contributor.slug = unique_slug(Contributor, typed_name)
    contributor.save(update_fields=["name", "slug"])
    logger.info(
        "Contributor %s renamed by a form: the name had not been confirmed yet", contributor.pk
    )
    return (
        f"Submitted under the name '{typed_name}' with an email address first given with "
        f"the name '{previous_name}' (not yet confirmed, so the name was changed); check "
        f"before approving."
    )
