"""Verifying a received mention: fetch the source and decide.

Both protocols end here. The source is fetched through the safe fetcher, outside any
transaction. Then, with the topic row locked so that two mentions of one source
cannot both create an entry:

- a source that links to the topic page becomes a pending entry (or an approved one,
  see BLOGSYNC_MENTION_AUTO_APPROVE_OWN_BLOG), or updates the entry an earlier mention
  made;
- a source that returns 410 Gone, or no longer links to the topic page, takes the
  entry an earlier mention made out of the list (rejected, with an audit record);
- a source that cannot be fetched leaves any existing entry alone.

`verify()` takes a mention id and may run twice: a mention that is no longer pending
is left as it is.
"""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from blogsync.fetching.fetcher import BlockedAddress, FetchError, FetchTimeout, TooLarge, fetch
from blogsync.fetching.metadata import extract_metadata
from blogsync.fetching.urlnorm import normalise_url
from blogsync.mentions import receiving
from blogsync.mentions.contributors import choose_contributor
from blogsync.mentions.links import read_source
from blogsync.mentions.models import Mention, MentionProtocol, MentionState
from blogsync.syncs.models import (
    AuditEvent,
    Entry,
    EntrySource,
    EntryStatus,
    Topic,
)
from blogsync.syncs.moderation import record, reject_entry
from blogsync.syncs.services import add_entry, find_duplicate
from blogsync.syncs.signals import entry_approved, entry_pending
from blogsync.syncs.topic_urls import host_key, hub_hosts, links_to_topic

logger = logging.getLogger(__name__)

SOURCE_GONE = "source gone"
NO_LONGER_LINKS = "source no longer links"
MENTION_SOURCES = (EntrySource.WEBMENTION, EntrySource.PINGBACK)
MAX_SOURCE_BYTES = 1_000_000
ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, */*;q=0.1"


@dataclass(frozen=True)
class Outcome:
    """The result of verifying one mention. `fault` is the Pingback fault code for a
    rejection, None when accepted."""

    state: str
    message: str
    fault: int | None = None

    @property
    def accepted(self) -> bool:
        return self.state == MentionState.ACCEPTED


class _Rejected(Exception):
    def __init__(self, message: str, fault: int, removal_reason: str = ""):
        super().__init__(message)
        self.message = message
        self.fault = fault
        self.removal_reason = removal_reason


def verify(mention_id: int, *, timeout: float = 10.0) -> Outcome:
    """Fetch the mention's source and accept or reject the mention; see the module
    docstring. Returns the outcome, also for a mention verified before."""
    mention = Mention.objects.select_related("topic__series").filter(pk=mention_id).first()
    if mention is None:
        logger.warning("Mention %s no longer exists; nothing to verify", mention_id)
        return Outcome(
            MentionState.REJECTED, "The mention no longer exists.", receiving.FAULT_GENERIC
        )
    if mention.state != MentionState.PENDING:
        logger.info("Mention %s was already verified (%s)", mention.pk, mention.state)
        return _outcome_of(mention)

    logger.info(
        "Verifying mention %s: %s -> topic %s", mention.pk, mention.source, mention.topic_id
    )
    try:
        title, author_name, author_url = _check_source(mention, timeout)
    except _Rejected as rejection:
        return _reject(mention, rejection)
    return _accept(mention, title, author_name, author_url)


def _outcome_of(mention: Mention) -> Outcome:
    if mention.state == MentionState.ACCEPTED:
        return Outcome(mention.state, "The mention was accepted.")
    return Outcome(
        mention.state,
        mention.error or "The mention is waiting to be checked.",
        None if mention.state == MentionState.PENDING else receiving.FAULT_GENERIC,
    )


def _check_source(mention: Mention, timeout: float) -> tuple[str, str, str]:
    """Fetch the source and return (title, author name, author URL) when it links to
    the mention's topic; raise _Rejected otherwise."""
    try:
        result = fetch(
            mention.source, headers={"Accept": ACCEPT}, timeout=timeout, max_bytes=MAX_SOURCE_BYTES
        )
    except BlockedAddress as error:
        logger.warning("Mention %s: source blocked: %s", mention.pk, error)
        raise _Rejected(str(error), receiving.FAULT_SOURCE_MISSING) from None
    except TooLarge as error:
        logger.warning("Mention %s: source too large: %s", mention.pk, error)
        raise _Rejected(str(error), receiving.FAULT_GENERIC) from None
    except FetchTimeout as error:
        logger.warning("Mention %s: source timed out: %s", mention.pk, error)
        raise _Rejected(
            f"{error} Please send the mention again later.", receiving.FAULT_UPSTREAM
        ) from None
    except FetchError as error:
        logger.warning("Mention %s: source could not be fetched: %s", mention.pk, error)
        raise _Rejected(
            f"{error} Please send the mention again later.", receiving.FAULT_UPSTREAM
        ) from None

    if result.status == 410:
        raise _Rejected(
            "The source page is gone (HTTP 410).",
            receiving.FAULT_SOURCE_MISSING,
            removal_reason=SOURCE_GONE,
        )
    if 400 <= result.status < 500:
        raise _Rejected(
            f"The source page could not be found (HTTP {result.status}).",
            receiving.FAULT_SOURCE_MISSING,
        )
    if not 200 <= result.status < 300:
        raise _Rejected(
            f"The source site responded with HTTP {result.status}. Please send the mention "
            "again later.",
            receiving.FAULT_UPSTREAM,
        )

    # The hub's own host, and the host the sender used for the target (which the
    # endpoint already accepted as this hub).
    hosts = hub_hosts() | {host_key(mention.target)}
    if host_key(result.url) in hosts:
        # Hub pages link to topics; a source redirecting here must not borrow that.
        raise _Rejected("The source redirects to a page of this hub.", receiving.FAULT_GENERIC)

    document = read_source(result.url, result.headers, result.text)
    topic = mention.topic
    if not links_to_topic(document.links, topic, hosts):
        raise _Rejected(
            f"The source page does not link to the topic page {mention.target}.",
            receiving.FAULT_NO_LINK,
            removal_reason=NO_LONGER_LINKS,
        )

    title = author_name = ""
    if document.html is not None:
        metadata = extract_metadata(document.html, result.url)
        title, author_name = metadata.title, metadata.author
    return title, document.author_name or author_name, document.author_url


def _mention_entry(topic: Topic, mention: Mention) -> Entry | None:
    """Return the entry that mentions of this source made in this topic, if any."""
    entry = find_duplicate(topic, mention.source)
    if entry is not None and entry.source in MENTION_SOURCES:
        return entry
    return None


def _reject(mention: Mention, rejection: _Rejected) -> Outcome:
    with transaction.atomic():
        locked = Mention.objects.select_for_update().get(pk=mention.pk)
        if locked.state != MentionState.PENDING:
            return _outcome_of(locked)
        removed = None
        if rejection.removal_reason:
            removed = _mention_entry(mention.topic, mention)
            if removed is not None and removed.status != EntryStatus.REJECTED:
                reject_entry(removed, None, rejection.removal_reason)
                logger.info(
                    "Entry %s taken out of topic %s: %s",
                    removed.pk,
                    mention.topic_id,
                    rejection.removal_reason,
                )
        locked.state = MentionState.REJECTED
        locked.error = rejection.message
        locked.verified_at = timezone.now()
        locked.entry = removed or locked.entry
        locked.save(update_fields=["state", "error", "verified_at", "entry"])
    logger.info("Mention %s rejected: %s", mention.pk, rejection.message)
    return Outcome(MentionState.REJECTED, rejection.message, rejection.fault)


def _fallback_title(url: str) -> str:
    host = urlsplit(url).hostname or url
    return f"A post on {host}"


def _accept(mention: Mention, title: str, author_name: str, author_url: str) -> Outcome:
    title = (title or _fallback_title(mention.source))[:500]
    entry_source = (
        EntrySource.PINGBACK
        if mention.protocol == MentionProtocol.PINGBACK
        else EntrySource.WEBMENTION
    )
    with transaction.atomic():
        # The topic lock serialises every mention of this topic, so two mentions of
        # one source cannot both find no entry and create one each. On SQLite,
        # select_for_update does nothing, but the IMMEDIATE transactions set in
        # settings take the write lock at BEGIN, with the same effect.
        topic = Topic.objects.select_for_update().select_related("series").get(pk=mention.topic_id)
        locked = Mention.objects.select_for_update().get(pk=mention.pk)
        if locked.state != MentionState.PENDING:
            return _outcome_of(locked)

        existing = find_duplicate(topic, mention.source)
        if existing is None:
            entry, message = _create_entry(
                topic, mention, entry_source, title, author_name, author_url
            )
        else:
            entry, message = _update_entry(existing, title)

        locked.state = MentionState.ACCEPTED
        locked.entry = entry
        locked.error = ""
        locked.verified_at = timezone.now()
        locked.save(update_fields=["state", "entry", "error", "verified_at"])
    logger.info("Mention %s accepted for entry %s: %s", mention.pk, entry.pk, message)
    return Outcome(MentionState.ACCEPTED, message)


def _create_entry(topic, mention, entry_source, title, author_name, author_url):
    contributor, own_blog = choose_contributor(topic, mention.source, author_name, author_url)
    approve = own_blog and settings.BLOGSYNC_MENTION_AUTO_APPROVE_OWN_BLOG
    entry = add_entry(
        topic,
        contributor,
        url=mention.source,
        title=title,
        source=entry_source,
        status=EntryStatus.APPROVED if approve else EntryStatus.PENDING,
        submitted_at=mention.received_at,
    )
    if not approve:
        return entry, "The post is waiting for a coordinator to approve it."
    record(
        None,
        "approve_entry",
        entry=entry,
        topic=topic,
        detail="approved automatically: the post is on the signed-up writer's own blog",
    )
    transaction.on_commit(lambda: entry_approved.send(Entry, entry=entry, actor=None))
    return entry, "The post is on the signed-up writer's own blog, so it is in the list."


def _update_entry(entry: Entry, title: str):
    """Bring an existing entry up to date with a re-sent mention of its post."""
    if entry.source not in MENTION_SOURCES:
        # Entries submitted by form or import keep the title their writer gave.
        return entry, "The post is already in the list."
    changed = []
    if title and entry.title != title:
        entry.title = title
        changed.append("title")
    if entry.status == EntryStatus.REJECTED and _removed_by_mention(entry):
        entry.status = EntryStatus.PENDING
        changed.append("status")
        transaction.on_commit(lambda: entry_pending.send(Entry, entry=entry))
    if not changed:
        return entry, "The post is already known; nothing changed."
    entry.save(update_fields=[*changed, "updated_at"])
    detail = "title updated" if "title" in changed else ""
    if "status" in changed:
        detail = ", ".join(filter(None, [detail, "back to pending: the source links again"]))
    record(None, "update_entry", entry=entry, topic=entry.topic, detail=detail)
    logger.info("Entry %s updated by a re-sent mention: %s", entry.pk, detail)
    if "status" in changed:
        return entry, "The post links to the topic page again and waits for approval."
    return entry, "The entry's title was updated."


def _removed_by_mention(entry: Entry) -> bool:
    """Return whether the entry's latest rejection was the hub's own, made when its
    source went away, rather than a coordinator's decision."""
    latest = (
        AuditEvent.objects.filter(entry=entry, action="reject_entry")
        .order_by("-created_at", "-pk")
        .first()
    )
    return (
        latest is not None
        and latest.actor_id is None
        and latest.detail in (SOURCE_GONE, NO_LONGER_LINKS)
    )


def source_already_registered(topic: Topic, source: str) -> bool:
    """Return whether the topic already lists this source (in any status but rejected)."""
    return (
        topic.entries.filter(normalised_url=normalise_url(source))
        .exclude(status=EntryStatus.REJECTED)
        .exists()
    )
