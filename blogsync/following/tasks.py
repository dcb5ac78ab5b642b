"""Background tasks that send mail. Each takes ids and may run twice without harm:
the outbox keys stop a second run from sending anything again."""

import logging

from django.utils import timezone
from django_tasks import task

from blogsync.following import fanout as fanouts
from blogsync.following import outbox
from blogsync.following.models import FanOut

logger = logging.getLogger(__name__)


@task()
def fill_and_deliver(fanout_id: int) -> int:
    """Queue one message per recipient of a mailing, then deliver what is due."""
    fanout = FanOut.objects.select_related("topic").filter(pk=fanout_id).first()
    if fanout is None:
        logger.warning("Fan-out %s no longer exists; nothing to send", fanout_id)
        return 0
    queued = fanout.queued
    if fanout.done_at is None:
        logger.info("Fan-out %s (%s, topic %s) started", fanout.pk, fanout.kind, fanout.topic_id)
        queued = fanouts.fill_outbox(fanout)
        logger.info("Fan-out %s queued %s messages", fanout.pk, queued)
    _deliver()
    return queued


@task()
def deliver_outbox() -> dict:
    """Send every due outbox row; schedule the next run for rows waiting to retry."""
    return _deliver()


def _deliver() -> dict:
    logger.info("Outbox delivery started")
    counts = outbox.deliver_due()
    logger.info(
        "Outbox delivery finished: %s sent, %s skipped, %s to retry, %s failed",
        counts["sent"],
        counts["skipped"],
        counts["retry"],
        counts["failed"],
    )
    retry_at = outbox.next_retry_at()
    if retry_at is not None and retry_at > timezone.now():
        schedule_delivery(run_after=retry_at)
    return counts


def schedule_delivery(run_after=None) -> None:
    """Enqueue deliver_outbox unless a run that starts no later is already queued."""
    if _delivery_already_queued(run_after):
        return
    if run_after is None:
        deliver_outbox.enqueue()
    else:
        deliver_outbox.using(run_after=run_after).enqueue()
    logger.info("Outbox delivery queued (run after %s)", run_after or "now")


def _delivery_already_queued(run_after) -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult, get_date_max
    except ImportError:
        return False
    if not isinstance(deliver_outbox.get_backend(), DatabaseBackend):
        return False
    from django.db.models import Q

    starts_in_time = Q(run_after=get_date_max())
    starts_in_time |= Q(run_after__lte=run_after or timezone.now())
    return (
        DBTaskResult.objects.filter(status="READY", task_path=deliver_outbox.module_path)
        .filter(starts_in_time)
        .exists()
    )


def start_mailing(kind: str, series_id: int, *, topic_id=None, scope: str = "-") -> bool:
    """Create a mailing once and enqueue its task; return whether it was new."""
    fanout = fanouts.start_fanout(kind, series_id, topic_id=topic_id, scope=scope)
    if fanout is None:
        return False
    fill_and_deliver.enqueue(fanout.pk)
    logger.info("Mailing %s queued as fan-out %s", fanout.key, fanout.pk)
    return True
