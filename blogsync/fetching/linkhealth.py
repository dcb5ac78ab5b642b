"""Checking that listed posts are still online.

Every approved entry's URL is checked with HEAD (and GET when the server rejects HEAD
with 405 or 501). Each check is kept as a LinkCheck. After
BLOGSYNC_LINK_FAILURES_BEFORE_DEAD failed checks in a row the entry's LinkHealth is
marked dead, and the topic list then offers the Wayback Machine's copy next to the
link. A later successful check brings the entry back. Coordinators are emailed about
links that died in a run.
"""

import concurrent.futures
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from blogsync.fetching.fetcher import FetchError, TooLarge, fetch
from blogsync.fetching.models import CheckResult, LinkCheck, LinkHealth
from blogsync.mail import build_message
from blogsync.syncs.models import Entry

logger = logging.getLogger(__name__)

LINK_TIMEOUT = 15.0
RETRY_WITH_GET = {405, 501}
# Statuses saying the site is up but will not show the page to a robot.
INCONCLUSIVE_STATUSES = {401, 403, 429}


@dataclass
class LinkStatus:
    status: int | None
    error: str
    result: str


def check_link(url: str) -> LinkStatus:
    """Check one URL, returning a fetch error in the status instead of raising it.
    Makes no database query, so that it can run in a worker thread."""
    try:
        response = fetch(url, method="HEAD", timeout=LINK_TIMEOUT)
        if response.status in RETRY_WITH_GET:
            response = fetch(url, timeout=LINK_TIMEOUT, max_bytes=500_000)
    except TooLarge:
        # The server is sending the page; its size does not matter here.
        return LinkStatus(status=200, error="", result=CheckResult.OK)
    except FetchError as error:
        logger.info("Link check of %s failed: %s", url, error)
        return LinkStatus(status=None, error=str(error), result=CheckResult.FAILED)
    if response.status < 400:
        return LinkStatus(status=response.status, error="", result=CheckResult.OK)
    if response.status in INCONCLUSIVE_STATUSES:
        return LinkStatus(status=response.status, error="", result=CheckResult.INCONCLUSIVE)
    return LinkStatus(
        status=response.status,
        error=f"The page returned the error status {response.status}.",
        result=CheckResult.FAILED,
    )


def record_check(entry: Entry, status: LinkStatus, now=None) -> bool:
    """Store a check and update the entry's health; return True if it just died."""
    now = now or timezone.now()
    with transaction.atomic():
        LinkCheck.objects.create(
            entry=entry,
            checked_at=now,
            status=status.status,
            error=status.error,
            result=status.result,
        )
        health, _ = LinkHealth.objects.select_for_update().get_or_create(entry=entry)
        health.last_checked_at = now
        died = False
        if status.result == CheckResult.OK:
            if health.is_dead:
                logger.info("Entry %s link works again", entry.pk)
            health.consecutive_failures = 0
            health.is_dead = False
            health.dead_since = None
        elif status.result == CheckResult.FAILED:
            health.consecutive_failures += 1
            threshold = settings.BLOGSYNC_LINK_FAILURES_BEFORE_DEAD
            if not health.is_dead and health.consecutive_failures >= threshold:
                health.is_dead = True
                health.dead_since = now
                died = True
                logger.warning(
                    "Entry %s link is dead after %s failed checks: %s",
                    entry.pk,
                    health.consecutive_failures,
                    status.error,
                )
        health.save()
    return died


def check_entries(entries: Iterable[Entry], workers: int | None = None) -> list[Entry]:
    """Check the links of `entries` concurrently; return the entries that died."""
    workers = workers or settings.BLOGSYNC_FETCH_WORKERS
    died = []
    with concurrent.futures.ThreadPoolExecutor(
        max_workers=workers, thread_name_prefix="blogsync-link"
    ) as pool:
        futures = {pool.submit(check_link, entry.url): entry for entry in entries if entry.url}
        for future in concurrent.futures.as_completed(futures):
            entry = futures[future]
            try:
                status = future.result()
            except Exception as error:
                logger.exception("Checking entry %s failed unexpectedly", entry.pk)
                status = LinkStatus(None, f"Unexpected error: {error}", CheckResult.FAILED)
            if record_check(entry, status):
                died.append(entry)
    return died


def dead_entries(series=None):
    """Approved entries whose link is dead, in list order, with what a report needs."""
    entries = (
        Entry.objects.approved()
        .filter(link_health__is_dead=True)
        .select_related("topic__series", "contributor", "link_health")
        .order_by("topic__series__name", "-topic__number", "position", "id")
    )
    if series is not None:
        entries = entries.filter(topic__series=series)
    return entries


def send_reports(died: list[Entry]) -> int:
    """Email each series' coordinators the links that died; return the messages sent."""
    by_series = defaultdict(list)
    for entry in died:
        by_series[entry.topic.series].append(entry)
    sent = 0
    for series, entries in by_series.items():
        still_dead = list(dead_entries(series))
        for address in series.coordinator_emails():
            message = build_message(
                "fetching/link_report",
                address,
                {"series": series, "died": entries, "dead": still_dead},
            )
            message.send()
            sent += 1
        logger.info(
            "Link report for series %s: %s newly dead, sent to %s coordinators",
            series.pk,
            len(entries),
            sent,
        )
    return sent


def check_all_and_report(workers: int | None = None) -> dict[str, int]:
    """Check every approved entry with a URL, then report links that died."""
    entries = list(
        Entry.objects.approved().exclude(url="").select_related("topic__series", "contributor")
    )
    logger.info("Checking the links of %s approved entries", len(entries))
    died = check_entries(entries, workers)
    sent = send_reports(died)
    counts = {"checked": len(entries), "died": len(died), "reports": sent}
    logger.info(
        "Link check finished: %(checked)s checked, %(died)s died, %(reports)s reports", counts
    )
    return counts
