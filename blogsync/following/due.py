"""Mailings that are due now: the work of `manage.py send_due_mail`.

Each mailing is started once (a FanOut row with a unique key), so running this every
few minutes from cron queues nothing twice. Events older than DUE_WINDOW are not
mailed, so that importing an archive, or a trigger that was off for a week, does not
send stale announcements.
"""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from blogsync.following import outbox
from blogsync.following.fanout import approved_on
from blogsync.following.models import DEFAULT_REMINDER_DAYS, FanOut, MailKind
from blogsync.following.tasks import fill_and_deliver, schedule_delivery, start_mailing
from blogsync.syncs.models import Series, Topic

logger = logging.getLogger(__name__)

DUE_WINDOW = timedelta(days=2)
# The maximum reminder period checked; topics whose deadline is further away are skipped.
MAX_REMINDER_DAYS = 60


def queue_due_mail(now=None) -> dict[str, int]:
    """Start every mailing that is due at `now`; return counts of what was started."""
    now = now or timezone.now()
    started = {
        "new_topic": 0,
        "list_published": 0,
        "reminder": 0,
        "digest": 0,
        "resumed": 0,
        "delivery": 0,
    }
    since = now - DUE_WINDOW

    for topic in Topic.objects.filter(signup_opens_at__gt=since, signup_opens_at__lte=now):
        started["new_topic"] += start_mailing(
            MailKind.NEW_TOPIC, topic.series_id, topic_id=topic.pk
        )

    for topic in Topic.objects.filter(list_published_at__gt=since, list_published_at__lte=now):
        started["list_published"] += start_mailing(
            MailKind.LIST_PUBLISHED, topic.series_id, topic_id=topic.pk
        )

    closing = (
        Topic.objects.filter(
            deadline__gt=now, deadline__lte=now + timedelta(days=MAX_REMINDER_DAYS)
        )
        .exclude(list_published_at__lte=now)
        .select_related("series__mail_settings")
    )
    for topic in closing:
        days = _reminder_days(topic.series)
        if days and topic.deadline - timedelta(days=days) <= now:
            started["reminder"] += start_mailing(
                MailKind.REMINDER, topic.series_id, topic_id=topic.pk
            )

    for series in Series.objects.all():
        yesterday = timezone.localtime(now, series.zone).date() - timedelta(days=1)
        if approved_on(series, yesterday).exists():
            started["digest"] += start_mailing(
                MailKind.DIGEST, series.pk, scope=yesterday.isoformat()
            )

    # A fan-out whose worker died before it finished is started again; filling is
    # idempotent, so rows already queued are not duplicated.
    stalled = FanOut.objects.filter(
        Q(done_at__isnull=True),
        created_at__lt=now - timedelta(seconds=_lease_seconds()),
    )
    for fanout in stalled:
        fill_and_deliver.enqueue(fanout.pk)
        logger.warning("Fan-out %s had not finished; queued again", fanout.pk)
        started["resumed"] += 1

    if outbox.has_due_messages(now):
        schedule_delivery()
        started["delivery"] = 1
    return started


def _reminder_days(series) -> int:
    try:
        return series.mail_settings.reminder_days_before
    except Series.mail_settings.RelatedObjectDoesNotExist:
        return DEFAULT_REMINDER_DAYS


def _lease_seconds() -> int:
    from django.conf import settings

    return settings.BLOGSYNC_MAIL_LEASE_SECONDS
