"""Email subscriptions: double opt-in, preferences and unsubscribing."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from blogsync.following import tokens
from blogsync.following.models import (
    MailKind,
    OutboxMessage,
    Subscriber,
    WriterMailPreference,
    outbox_key,
)

logger = logging.getLogger(__name__)


def request_subscription(series, email: str) -> None:
    """Start (or restart) the double opt-in of `email` for `series`.

    The caller shows the same page whatever happens here, so that the form does not
    reveal whether an address follows the series. An unknown or unconfirmed address
    gets a confirmation request; a confirmed one gets a note with its preferences
    link. At most one of each is sent per address and day.
    """
    from blogsync.following.tasks import schedule_delivery

    email = email.strip()
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(series=series, email__iexact=email)
            .first()
        )
        if subscriber is None:
            subscriber = _create_or_get(series, email)
        elif subscriber.unsubscribed_at is not None:
            # Following again after unsubscribing needs a new confirmation.
            subscriber.unsubscribed_at = None
            subscriber.confirmed_at = None
            subscriber.save(update_fields=["unsubscribed_at", "confirmed_at"])
            logger.info("Subscriber %s asked to follow again", subscriber.pk)
        kind = MailKind.ALREADY_SUBSCRIBED if subscriber.is_active else MailKind.CONFIRM
        queue_single(kind, subscriber)
        transaction.on_commit(schedule_delivery)


def _create_or_get(series, email: str) -> Subscriber:
    """Create the subscriber, or lock the one a concurrent request has just created."""
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(series=series, email=email)
    except IntegrityError:
        logger.info("Subscriber for series %s was created by a concurrent request", series.pk)
        return Subscriber.objects.select_for_update().get(series=series, email__iexact=email)
    logger.info("Subscriber %s created for series %s", subscriber.pk, series.pk)
    return subscriber


def queue_single(kind: str, subscriber: Subscriber) -> None:
    """Queue one message about the subscription itself, at most one a day per kind."""
    scope = timezone.localdate().isoformat()
    OutboxMessage.objects.get_or_create(
        key=outbox_key(kind, subscriber.email, topic_id=f"s{subscriber.series_id}", scope=scope),
        defaults={
            "kind": kind,
            "recipient": subscriber.email,
            "series_id": subscriber.series_id,
            "subscriber": subscriber,
            "scope": scope,
        },
    )


def confirm(token: str) -> Subscriber:
    """Confirm the subscription named by `token`; raise tokens.TokenExpired or
    tokens.TokenInvalid."""
    pk, email = tokens.read_confirm_token(token)
    subscriber = Subscriber.objects.select_related("series").filter(pk=pk).first()
    if subscriber is None or subscriber.email.lower() != email:
        raise tokens.TokenInvalid(token)
    if subscriber.confirmed_at is None or subscriber.unsubscribed_at is not None:
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
        logger.info("Subscriber %s confirmed", subscriber.pk)
    return subscriber


def find_by_token(token: str):
    """Return ("subscriber", Subscriber) or ("writer", Contributor) for a manage or
    unsubscribe token; raise tokens.TokenInvalid when it matches no one."""
    from blogsync.syncs.models import Contributor

    kind, pk = tokens.read_manage_token(token)
    if kind == "subscriber":
        found = Subscriber.objects.select_related("series").filter(pk=pk).first()
    else:
        found = Contributor.objects.filter(pk=pk).first()
    if found is None:
        raise tokens.TokenInvalid(token)
    return kind, found


def unsubscribe(token: str):
    """Stop all mail to the subscriber or writer named by `token`; return (kind, who)."""
    kind, who = find_by_token(token)
    if kind == "subscriber":
        if who.unsubscribed_at is None:
            who.unsubscribed_at = timezone.now()
            who.save(update_fields=["unsubscribed_at"])
            logger.info("Subscriber %s unsubscribed", who.pk)
    else:
        WriterMailPreference.objects.update_or_create(
            contributor=who, defaults={"writer_mail": False}
        )
        logger.info("Contributor %s unsubscribed from writers' mail", who.pk)
    return kind, who
