"""Turning one mailing (a new topic, a published list, a reminder, a digest) into
outbox rows, one per recipient.

Recipients are read in chunks ordered by primary key, so that memory does not grow
with the number of subscribers, and rows are inserted with ignore_conflicts on their
unique key, so that filling the same mailing twice adds nothing.
"""

import logging
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from blogsync.following.models import (
    FanOut,
    MailKind,
    OutboxMessage,
    Subscriber,
    WriterMailPreference,
    fanout_key,
    outbox_key,
)
from blogsync.syncs.models import Entry, Series, SignUp, Topic

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000


def _chunked(queryset, fields: list[str]) -> Iterator[tuple]:
    """Yield `fields` of every row of `queryset`, CHUNK_SIZE rows per query."""
    last_pk = 0
    while True:
        chunk = list(
            queryset.filter(pk__gt=last_pk).order_by("pk").values_list("pk", *fields)[:CHUNK_SIZE]
        )
        if not chunk:
            return
        yield from chunk
        last_pk = chunk[-1][0]


def _writer_signups(topic: Topic):
    opted_out = WriterMailPreference.objects.filter(
        contributor_id=OuterRef("contributor_id"), writer_mail=False
    )
    return (
        SignUp.objects.filter(topic=topic, confirmed_at__isnull=False)
        .exclude(contributor__email="")
        .exclude(Exists(opted_out))
    )


def writers_to_remind(topic: Topic):
    """Confirmed sign-ups of `topic` whose writer has no entry in it yet."""
    entries = Entry.objects.filter(
        topic_id=OuterRef("topic_id"), contributor_id=OuterRef("contributor_id")
    )
    return _writer_signups(topic).exclude(Exists(entries))


def approved_on(series: Series, day: date):
    """Approved entries of `series` whose approval falls on `day` in its time zone."""
    zone = series.zone
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return Entry.objects.approved().filter(
        topic__series=series, approved_at__gte=start, approved_at__lt=end
    )


def _recipients(fanout: FanOut) -> Iterator[tuple[str, int | None, int | None]]:
    """Yield (address, subscriber id, contributor id) for each recipient."""
    subscribers = Subscriber.objects.confirmed().filter(series_id=fanout.series_id)
    if fanout.kind == MailKind.NEW_TOPIC:
        for _pk, sub_id, email in _chunked(subscribers.filter(new_topics=True), ["id", "email"]):
            yield email, sub_id, None
    elif fanout.kind == MailKind.DIGEST:
        for _pk, sub_id, email in _chunked(subscribers.filter(daily_digest=True), ["id", "email"]):
            yield email, sub_id, None
    elif fanout.kind == MailKind.LIST_PUBLISHED:
        # Subscribers first: a subscriber who also wrote gets the subscriber's message,
        # because the outbox key admits one "list is out" message per address.
        for _pk, sub_id, email in _chunked(
            subscribers.filter(list_published=True), ["id", "email"]
        ):
            yield email, sub_id, None
        for _pk, contributor_id, email in _chunked(
            _writer_signups(fanout.topic), ["contributor_id", "contributor__email"]
        ):
            yield email, None, contributor_id
    elif fanout.kind == MailKind.REMINDER:
        for _pk, contributor_id, email in _chunked(
            writers_to_remind(fanout.topic), ["contributor_id", "contributor__email"]
        ):
            yield email, None, contributor_id
    else:
        raise ValueError(f"{fanout.kind!r} is not a mailing kind")


def fill_outbox(fanout: FanOut) -> int:
    """Add an outbox row for every recipient of `fanout`; return the rows offered."""
    offered = 0
    batch: list[OutboxMessage] = []

    def flush():
        OutboxMessage.objects.bulk_create(batch, ignore_conflicts=True)
        batch.clear()

    for email, subscriber_id, contributor_id in _recipients(fanout):
        batch.append(
            OutboxMessage(
                key=outbox_key(fanout.kind, email, topic_id=fanout.topic_id, scope=fanout.scope),
                kind=fanout.kind,
                recipient=email,
                series_id=fanout.series_id,
                topic_id=fanout.topic_id,
                subscriber_id=subscriber_id,
                contributor_id=contributor_id,
                scope=fanout.scope,
            )
        )
        offered += 1
        if len(batch) >= CHUNK_SIZE:
            flush()
    if batch:
        flush()
    FanOut.objects.filter(pk=fanout.pk).update(queued=offered, done_at=timezone.now())
    return offered


def start_fanout(kind: str, series_id: int, *, topic_id=None, scope: str = "-"):
    """Create the FanOut record of a mailing; return it, or None if it exists already."""
    key = fanout_key(kind, series_id, topic_id=topic_id, scope=scope)
    with transaction.atomic():
        fanout, created = FanOut.objects.get_or_create(
            key=key,
            defaults={"kind": kind, "series_id": series_id, "topic_id": topic_id, "scope": scope},
        )
    return fanout if created else None
