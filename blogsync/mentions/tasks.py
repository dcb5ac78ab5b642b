"""Background tasks of the mentions app. Each takes an id and may run twice safely."""

import logging

from django_tasks import task

from blogsync.mentions import notifications, sending, verification

logger = logging.getLogger(__name__)


@task()
def verify_mention_task(mention_id: int) -> str:
    """Fetch a Webmention's source, accept or reject it, and return the new state."""
    outcome = verification.verify(mention_id)
    return str(outcome.state)


@task()
def send_webmention_task(entry_id: int) -> str:
    """Send a Webmention from the topic page to an approved entry's post, once."""
    return sending.send_for_entry(entry_id)


@task()
def notify_coordinators_task(entry_id: int) -> int:
    """Email the coordinators about a new pending entry, once."""
    return notifications.notify_coordinators(entry_id)
