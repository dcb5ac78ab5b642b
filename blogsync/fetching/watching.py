"""Watching the feeds of signed-up writers for posts written for an open topic.

A new post in a writer's feed becomes a pending entry of a topic they signed up to
in two cases. Either it links to the topic's page (under any equivalent URL), or it
names the series hashtag and was published after sign-up opened. Coordinators then approve it
like any other entry.
"""

import concurrent.futures
import logging
import re
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from blogsync.fetching.feeds import FeedItem, discover_feed, poll_feeds
from blogsync.fetching.fetcher import FetchError
from blogsync.fetching.metadata import fetch_metadata
from blogsync.fetching.urlnorm import canonical_key, normalise_url
from blogsync.syncs.models import Contributor, EntrySource, SignUp, Topic
from blogsync.syncs.services import DuplicateEntry, add_entry
from blogsync.syncs.topic_urls import hub_hosts, links_to_topic

logger = logging.getLogger(__name__)

# Reading a matched post's page for its canonical URL is a courtesy: it must not hold
# up the poll for long.
CANONICAL_TIMEOUT = 5.0


def names_hashtag(item: FeedItem, hashtag: str) -> bool:
    """Return whether the item's text or categories name `hashtag` (e.g. "#blogsync")."""
    bare = hashtag.lstrip("#").lower()
    if not bare:
        return False
    if any(tag.lstrip("#").lower() == bare for tag in item.tags):
        return True
    pattern = rf"(?<![\w&#])#{re.escape(bare)}(?![\w-])"
    return re.search(pattern, item.text, re.IGNORECASE) is not None


def item_belongs_to(
    item: FeedItem, topic: Topic, *, first_poll: bool, now, hosts: set[str] | None = None
) -> bool:
    """Return whether a feed item is a post written for `topic`.

    A link to the topic page is proof enough: any URL of it that `links_to_topic`
    recognises on `hosts` (by default `hub_hosts()`). A hashtag alone is not, because
    the writer may have used it last month too: the item must also be dated after
    sign-up opened. An undated item counts as published when first seen, except on
    a feed's first poll, which shows old posts too.
    """
    if links_to_topic(item.content_links, topic, hosts):
        return True
    if not names_hashtag(item, topic.series.hashtag):
        return False
    published = item.published
    if published is None:
        if first_poll:
            return False
        published = now
    return topic.signup_opens_at is None or published >= topic.signup_opens_at


def watched_signups(now=None, workers: int | None = None) -> dict[str, list[SignUp]]:
    """Confirmed sign-ups to open topics, grouped by the writer's feed URL.

    NOTE: only topics open now are watched, so a post published after the deadline
    (which add_entry would label late) must be submitted through the form.

    Writers with a blog URL but no feed URL get their feed discovered first (see
    discover_missing_feeds); writers without either are left out.
    """
    signups = list(
        SignUp.objects.filter(
            topic__in=Topic.objects.open_now(now), confirmed_at__isnull=False
        ).select_related("topic__series", "contributor")
    )
    discover_missing_feeds(
        [signup.contributor for signup in signups if not signup.contributor.feed_url], workers
    )
    by_feed: dict[str, list[SignUp]] = defaultdict(list)
    for signup in signups:
        if signup.contributor.feed_url:
            by_feed[signup.contributor.feed_url].append(signup)
    return by_feed


def discover_missing_feeds(contributors: list[Contributor], workers: int | None = None) -> int:
    """Discover and save the feed of each contributor from their blog URL, several at
    a time. Returns how many feeds were found; blogs that fail are logged and retried
    on the next run."""
    unique = {c.pk: c for c in contributors if c.blog_url and not c.feed_url}
    if not unique:
        return 0
    found = 0
    with concurrent.futures.ThreadPoolExecutor(
        max_workers=workers or settings.BLOGSYNC_FETCH_WORKERS,
        thread_name_prefix="blogsync-discover",
    ) as pool:
        futures = {pool.submit(discover_feed, c.blog_url): c for c in unique.values()}
        for future in concurrent.futures.as_completed(futures):
            contributor = futures[future]
            try:
                feed_url = future.result()
            except FetchError as error:
                logger.warning(
                    "Feed discovery for contributor %s failed: %s", contributor.pk, error
                )
                continue
            if not feed_url or len(feed_url) > 1000:
                logger.info("Contributor %s blog advertises no feed", contributor.pk)
                continue
            # Several sign-ups may share this contributor object; they all see the URL.
            for same in contributors:
                if same.pk == contributor.pk:
                    same.feed_url = feed_url
            contributor.save(update_fields=["feed_url"])
            logger.info("Contributor %s feed discovered at %s", contributor.pk, feed_url)
            found += 1
    return found


def poll_open_topic_feeds(workers: int | None = None) -> dict[str, int]:
    """Poll the feeds of every writer signed up to an open topic; add matching posts as
    pending entries, and tell writers whose feed keeps failing. Returns counts."""
    from blogsync.fetching.tasks import send_feed_failure_notice

    now = timezone.now()
    by_feed = watched_signups(now, workers)
    counts = {"feeds": len(by_feed), "failed": 0, "not_modified": 0, "entries": 0}
    logger.info("Polling %s feeds of writers signed up to open topics", len(by_feed))
    threshold = settings.BLOGSYNC_FEED_FAILURES_BEFORE_NOTICE
    hosts = hub_hosts()
    for polled in poll_feeds(by_feed, workers):
        signups = by_feed[polled.state.feed_url]
        if polled.outcome.error:
            counts["failed"] += 1
            if polled.state.failures >= threshold and polled.state.failure_notified_at is None:
                polled.state.failure_notified_at = now
                polled.state.save(update_fields=["failure_notified_at"])
                for contributor_id in {signup.contributor_id for signup in signups}:
                    send_feed_failure_notice.enqueue(contributor_id, polled.state.feed_url)
            continue
        if polled.outcome.not_modified:
            counts["not_modified"] += 1
        for item in polled.new_items:
            for signup in signups:
                if item_belongs_to(
                    item, signup.topic, first_poll=polled.first_poll, now=now, hosts=hosts
                ):
                    counts["entries"] += _add(item, signup, now)
    logger.info(
        "Polled %(feeds)s feeds: %(failed)s failed, %(not_modified)s unchanged, "
        "%(entries)s entries added",
        counts,
    )
    return counts


def canonical_link(item: FeedItem) -> tuple[str, str]:
    """Return the URL and title to list for a feed item.

    The post page is fetched for its declared canonical URL, so that a feed linking to
    `/?p=123` gives the same entry as the permalink a writer would submit (see
    canonical_key). The page's title fills in for a feed item without one. When the
    page cannot be fetched, the feed's own link and title are used.
    """
    url, title = item.link, item.title
    try:
        metadata = fetch_metadata(item.link, timeout=CANONICAL_TIMEOUT)
    except FetchError as error:
        logger.info("Could not read %s for its canonical URL: %s", item.link, error)
        return url, title
    if metadata.canonical_url and canonical_key(item.link, metadata.canonical_url) != (
        normalise_url(item.link)
    ):
        url = metadata.canonical_url
    return url, title or metadata.title


def _add(item: FeedItem, signup: SignUp, now) -> int:
    submitted_at = min(item.published, now) if item.published else now
    url, title = canonical_link(item)
    try:
        with transaction.atomic():
            entry = add_entry(
                signup.topic,
                signup.contributor,
                url=url[:1000],
                title=title[:500] or url[:500],
                source=EntrySource.FEED,
                submitted_at=submitted_at,
            )
    except DuplicateEntry as duplicate:
        logger.debug("Feed item %s is already entry %s", url, duplicate.existing.pk)
        return 0
    logger.info("Feed item %s added as entry %s to topic %s", url, entry.pk, signup.topic_id)
    return 1
