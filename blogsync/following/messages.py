"""Rendering one outbox row into a message, at the moment it is sent.

Each kind returns None when the recipient no longer wants it (unsubscribed, changed a
preference, or, for a reminder, has submitted an entry since), and the row is skipped.
Every message carries List-Unsubscribe headers and an unsubscribe link in its body.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from blogsync.following import tokens
from blogsync.following.fanout import approved_on
from blogsync.following.models import MailKind, OutboxMessage, WriterMailPreference
from blogsync.mail import build_message
from blogsync.syncs.lists import approved_lines
from blogsync.syncs.models import Entry


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    """List-Unsubscribe (RFC 2369) and, over https, one-click unsubscribe (RFC 8058)."""
    headers = {"List-Unsubscribe": f"<{unsubscribe_url}>"}
    if unsubscribe_url.startswith("https://"):
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def local(moment, series):
    return timezone.localtime(moment, series.zone) if moment else None


def build_outbox_message(row: OutboxMessage, cache: dict | None = None):
    """The message for `row`, or None when it should not be sent any more."""
    cache = {} if cache is None else cache
    if row.subscriber_id:
        subscriber = row.subscriber
        if subscriber.unsubscribed_at is not None:
            return None
        if row.kind != MailKind.CONFIRM and subscriber.confirmed_at is None:
            # An unconfirmed address receives the confirmation request and nothing else.
            return None
        token = tokens.subscriber_token(subscriber.pk)
    elif row.contributor_id:
        subscriber = None
        if WriterMailPreference.objects.filter(
            contributor_id=row.contributor_id, writer_mail=False
        ).exists():
            return None
        token = tokens.writer_token(row.contributor_id)
    else:
        return None

    series = row.series
    topic = row.topic
    unsubscribe_url = absolute(reverse("following:unsubscribe", kwargs={"token": token}))
    context = {
        "series": series,
        "topic": topic,
        "subscriber": subscriber,
        "unsubscribe_url": unsubscribe_url,
        "manage_url": absolute(reverse("following:manage", kwargs={"token": token})),
        "topic_url": absolute(topic.get_absolute_url()) if topic else "",
        "series_url": absolute(series.get_absolute_url()),
    }
    if topic is not None:
        context["deadline"] = local(topic.deadline, series)
        context["signup_opens_at"] = local(topic.signup_opens_at, series)

    kind = row.kind
    if kind == MailKind.CONFIRM:
        if subscriber.confirmed_at is not None:
            return None
        context["confirm_url"] = absolute(
            reverse("following:confirm", kwargs={"token": tokens.confirm_token(subscriber)})
        )
        context["max_age_days"] = max(1, settings.BLOGSYNC_CONFIRMATION_MAX_AGE // 86400)
    elif kind == MailKind.NEW_TOPIC:
        if subscriber is None or not subscriber.new_topics:
            return None
    elif kind == MailKind.LIST_PUBLISHED:
        if subscriber is not None and not subscriber.list_published:
            return None
        key = ("lines", topic.pk)
        if key not in cache:
            cache[key] = approved_lines(topic)
        context["lines"] = cache[key]
        context["for_writer"] = subscriber is None
    elif kind == MailKind.REMINDER:
        if Entry.objects.filter(topic=topic, contributor_id=row.contributor_id).exists():
            return None
        context["contributor"] = row.contributor
    elif kind == MailKind.DIGEST:
        if subscriber is None or not subscriber.daily_digest:
            return None
        key = ("digest", series.pk, row.scope)
        if key not in cache:
            from datetime import date

            day = date.fromisoformat(row.scope)
            cache[key] = (
                day,
                list(
                    approved_on(series, day)
                    .select_related("contributor", "topic")
                    .order_by("topic__number", "position", "id")
                ),
            )
        context["day"], context["entries"] = cache[key]
        if not context["entries"]:
            return None
    elif kind != MailKind.ALREADY_SUBSCRIBED:
        return None

    # The date filter converts to the active time zone, so dates read in the series' one.
    with timezone.override(series.zone):
        return build_message(
            f"following/{kind}",
            row.recipient,
            context,
            headers=unsubscribe_headers(unsubscribe_url),
        )
