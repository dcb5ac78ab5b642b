"""Telling writers back: a Webmention from the topic page to each approved post.

At most one Webmention is sent per entry. The OutgoingWebmention row is created
before anything is sent and its unique entry is the claim, so a second run of the
task, or a second approval of the same entry, sends nothing. A run that dies between
the claim and the request leaves the row in the "sending" state and the Webmention
unsent, because never sending twice matters more than always sending.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from blogsync.fetching.fetcher import FetchError, fetch
from blogsync.mentions.links import discover_webmention_endpoint
from blogsync.mentions.models import OutgoingState, OutgoingWebmention
from blogsync.mentions.targets import absolute_topic_url
from blogsync.syncs.models import Entry, EntryStatus

logger = logging.getLogger(__name__)

DISCOVERY_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
DISCOVERY_MAX_BYTES = 1_000_000


def send_for_entry(entry_id: int) -> str:
    """Send the Webmention for an approved entry unless one was sent or tried before.
    Returns the state recorded, or "skipped"."""
    entry = Entry.objects.select_related("topic__series").filter(pk=entry_id).first()
    if entry is None or entry.status != EntryStatus.APPROVED or not entry.url:
        logger.info(
            "No Webmention for entry %s: it is missing, not approved or has no URL", entry_id
        )
        return "skipped"
    try:
        with transaction.atomic():
            outgoing = OutgoingWebmention.objects.create(
                entry=entry, source=absolute_topic_url(entry.topic), target=entry.url
            )
    except IntegrityError:
        logger.info(
            "Webmention for entry %s was sent or tried before; not sending again", entry_id
        )
        return "skipped"

    try:
        _discover_and_send(outgoing)
    except FetchError as error:
        outgoing.state = OutgoingState.FAILED
        outgoing.error = str(error)
        logger.warning("Webmention %s for entry %s failed: %s", outgoing.pk, entry_id, error)
    outgoing.finished_at = timezone.now()
    outgoing.save()
    logger.info(
        "Webmention %s for entry %s: %s %s",
        outgoing.pk,
        entry_id,
        outgoing.state,
        outgoing.status_code or "",
    )
    return outgoing.state


def _discover_and_send(outgoing: OutgoingWebmention) -> None:
    page = fetch(
        outgoing.target, headers={"Accept": DISCOVERY_ACCEPT}, max_bytes=DISCOVERY_MAX_BYTES
    )
    if page.status >= 400:
        outgoing.state = OutgoingState.FAILED
        outgoing.error = f"The post responded with HTTP {page.status}."
        return
    endpoint = discover_webmention_endpoint(page.url, page.headers, page.text)
    if not endpoint:
        outgoing.state = OutgoingState.NO_ENDPOINT
        return
    outgoing.endpoint = endpoint[:2000]
    # The Webmention Recommendation: a form-encoded POST; any 2xx means received.
    # Redirects are not followed, because the fetcher would turn the POST into a GET.
    response = fetch(
        endpoint,
        method="POST",
        data={"source": outgoing.source, "target": outgoing.target},
        headers={"Accept": "*/*"},
        follow_redirects=False,
        max_bytes=100_000,
    )
    outgoing.status_code = response.status
    if 200 <= response.status < 300:
        outgoing.state = OutgoingState.SENT
    else:
        outgoing.state = OutgoingState.FAILED
        outgoing.error = f"The endpoint responded with HTTP {response.status}."
