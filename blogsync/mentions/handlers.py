"""Listeners to the domain's signals: queue the mentions app's tasks.

The signals are sent after the transaction that changed the entry has committed, so a
task queued here can read the entry. A failure to queue is logged and not raised, because
it must not undo or break the approval that sent the signal.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from blogsync.syncs.signals import entry_approved, entry_pending

logger = logging.getLogger(__name__)


def queue_outgoing_webmention(sender, entry, **kwargs):
    from blogsync.mentions.tasks import send_webmention_task

    if not entry.url:
        return
    # The writer's receiver fetches the topic page to check that it links to the post,
    # so wait until any HTTP cache in front of the hub serves the page with the entry.
    delay = settings.BLOGSYNC_PUBLIC_CACHE_SECONDS
    task = send_webmention_task
    if delay:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    try:
        task.enqueue(entry.pk)
    except Exception:
        logger.exception("Could not queue the Webmention for entry %s", entry.pk)


def queue_coordinator_notice(sender, entry, **kwargs):
    from blogsync.mentions.tasks import notify_coordinators_task

    try:
        notify_coordinators_task.enqueue(entry.pk)
    except Exception:
        logger.exception("Could not queue the coordinator notice for entry %s", entry.pk)


def connect() -> None:
    entry_approved.connect(
        queue_outgoing_webmention, dispatch_uid="mentions.queue_outgoing_webmention"
    )
    entry_pending.connect(
        queue_coordinator_notice, dispatch_uid="mentions.queue_coordinator_notice"
    )
