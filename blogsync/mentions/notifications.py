"""Emailing a series' coordinators about each new pending entry, whatever way it came in.

One CoordinatorNotice row per entry is the claim: a second run of the task finds it and
sends nothing. If sending fails, the claim is removed again so that the task can be run
once more.
"""

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from blogsync.mail import build_message
from blogsync.mentions.models import CoordinatorNotice
from blogsync.mentions.targets import absolute_topic_url
from blogsync.syncs.models import Entry, EntryStatus

logger = logging.getLogger(__name__)


def notify_coordinators(entry_id: int) -> int:
    """Email the coordinators of the entry's series and the topic's host, once.

    Returns how many messages were sent: 0 when the entry is gone, no longer pending, or
    was notified before."""
    entry = (
        Entry.objects.select_related("topic__series", "topic__host", "contributor")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.status != EntryStatus.PENDING:
        logger.info("No coordinator notice for entry %s: it is missing or not pending", entry_id)
        return 0
    try:
        with transaction.atomic():
            notice = CoordinatorNotice.objects.create(entry=entry)
    except IntegrityError:
        logger.info("Coordinators were already notified about entry %s", entry_id)
        return 0

    series = entry.topic.series
    addresses = set(series.coordinator_emails())
    host = entry.topic.host
    if host is not None and host.is_active and host.email:
        addresses.add(host.email)
    addresses = sorted(addresses)
    context = {
        "entry": entry,
        "topic": entry.topic,
        "series": series,
        "topic_url": absolute_topic_url(entry.topic),
        "review_url": settings.SITE_URL + reverse("admin:syncs_entry_change", args=[entry.pk]),
    }
    messages = [build_message("entry_pending", address, context) for address in addresses]
    try:
        sent = get_connection().send_messages(messages) if messages else 0
    except Exception:
        # Remove the claim so that running the task again retries the email; the
        # task then fails with the error.
        logger.exception("Could not email coordinators about entry %s", entry_id)
        notice.delete()
        raise
    notice.recipients = sent or 0
    notice.sent_at = timezone.now()
    notice.save(update_fields=["recipients", "sent_at"])
    logger.info(
        "Told %s coordinator(s) of series %s about pending entry %s",
        notice.recipients,
        series.pk,
        entry_id,
    )
    return notice.recipients
