"""The outbox: queue messages as rows, then deliver them one row at a time.

A row goes pending -> sending -> sent. A sender claims a batch of due rows with a
conditional UPDATE (only rows still pending, or left in sending past the lease), so
two workers never hold the same row. An SMTP error puts the row back to pending with
a later `next_attempt_at` (backoff), and after MAX_ATTEMPTS it becomes failed.

A worker killed between messages leaves rows in sending. Each row's lease
(BLOGSYNC_MAIL_LEASE_SECONDS) is renewed just before it is sent, and once it has run
out, the next delivery takes the row again. NOTE: a worker killed after the SMTP server
accepted a message but before the row was marked sent would send that one message
again; the window is one UPDATE long.
"""

import logging
import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Min, Q
from django.utils import timezone

from blogsync.following.models import OutboxMessage, OutboxState

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_BATCH_SIZE = 200
# After this many failed sends in a row the SMTP server is taken to be down: the run
# stops instead of spending a timeout on every remaining message.
MAX_CONSECUTIVE_ERRORS = 3
# Retry delays after the 1st, 2nd, ... failed attempt.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]


def backoff_after(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _due(now):
    lease_expired = now - timedelta(seconds=settings.BLOGSYNC_MAIL_LEASE_SECONDS)
    return Q(state=OutboxState.PENDING, next_attempt_at__lte=now) | Q(
        state=OutboxState.SENDING, claimed_at__lt=lease_expired
    )


def has_due_messages(now=None) -> bool:
    return OutboxMessage.objects.filter(_due(now or timezone.now())).exists()


def next_retry_at():
    """Return the earliest next attempt among pending rows, or None."""
    return OutboxMessage.objects.filter(state=OutboxState.PENDING).aggregate(
        next=Min("next_attempt_at")
    )["next"]


def claim_batch(size: int = CLAIM_BATCH_SIZE) -> tuple[str, list[OutboxMessage]]:
    """Mark up to `size` due rows as sending under a new claim token and return them."""
    now = timezone.now()
    ids = list(
        OutboxMessage.objects.filter(_due(now)).order_by("id").values_list("id", flat=True)[:size]
    )
    if not ids:
        return "", []
    token = uuid.uuid4().hex
    # The condition is checked again by the UPDATE, so a row another worker claimed
    # in between is left alone.
    OutboxMessage.objects.filter(_due(now), id__in=ids).update(
        state=OutboxState.SENDING, claimed_at=now, claim_token=token, updated_at=now
    )
    rows = list(
        OutboxMessage.objects.filter(claim_token=token, state=OutboxState.SENDING)
        .select_related("series", "topic__series", "subscriber", "contributor")
        .order_by("id")
    )
    return token, rows


def _finish(row: OutboxMessage, token: str, **fields) -> None:
    fields["updated_at"] = timezone.now()
    OutboxMessage.objects.filter(pk=row.pk, claim_token=token).update(**fields)


def deliver_due(max_batches: int | None = None) -> dict[str, int]:
    """Send every due row, batch by batch; return counts by outcome."""
    from blogsync.following.messages import build_outbox_message

    counts = {"sent": 0, "skipped": 0, "retry": 0, "failed": 0, "taken": 0}
    batches = 0
    cache: dict = {}  # shared renderings, such as a topic's list, for this run
    consecutive_errors = 0
    while max_batches is None or batches < max_batches:
        token, rows = claim_batch()
        if not rows:
            break
        batches += 1
        connection = get_connection()
        try:
            for row in rows:
                outcome = _deliver_one(row, token, connection, build_outbox_message, cache)
                counts[outcome] += 1
                consecutive_errors = (
                    consecutive_errors + 1 if outcome in {"retry", "failed"} else 0
                )
                if consecutive_errors >= MAX_CONSECUTIVE_ERRORS:
                    break
        finally:
            try:
                connection.close()
            except (smtplib.SMTPException, OSError):
                logger.warning("Closing the SMTP connection failed", exc_info=True)
        if consecutive_errors >= MAX_CONSECUTIVE_ERRORS:
            _release_batch(token)
            break
    return counts


def _release_batch(token: str) -> None:
    """Put the unsent rows of a batch back for later, without counting an attempt."""
    retry_at = timezone.now() + backoff_after(1)
    released = OutboxMessage.objects.filter(claim_token=token, state=OutboxState.SENDING).update(
        state=OutboxState.PENDING, next_attempt_at=retry_at, updated_at=timezone.now()
    )
    logger.error(
        "SMTP failed %s times in a row; delivery stopped, %s messages wait until %s",
        MAX_CONSECUTIVE_ERRORS,
        released,
        retry_at.isoformat(),
    )


def _deliver_one(row, token, connection, build, cache) -> str:
    # Renew the lease of this one row just before sending it. If the batch took so
    # long that another worker took the row over, leave it to that worker.
    renewed = OutboxMessage.objects.filter(
        pk=row.pk, claim_token=token, state=OutboxState.SENDING
    ).update(claimed_at=timezone.now())
    if not renewed:
        return "taken"
    message = build(row, cache)
    if message is None:
        _finish(row, token, state=OutboxState.SKIPPED)
        logger.info("Outbox message %s (%s to %s) skipped", row.pk, row.kind, row.recipient)
        return "skipped"
    message.connection = connection
    attempts = row.attempts + 1
    try:
        # Opens the connection once; later messages of the batch reuse it.
        connection.open()
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        # The connection may be broken; the next message opens a new one.
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            pass
        if attempts >= MAX_ATTEMPTS:
            _finish(
                row,
                token,
                state=OutboxState.FAILED,
                attempts=attempts,
                last_error=repr(error)[:2000],
            )
            logger.error(
                "Outbox message %s (%s to topic %s) failed after %s attempts: %r",
                row.pk,
                row.kind,
                row.topic_id,
                attempts,
                error,
            )
            return "failed"
        retry_at = timezone.now() + backoff_after(attempts)
        _finish(
            row,
            token,
            state=OutboxState.PENDING,
            attempts=attempts,
            next_attempt_at=retry_at,
            last_error=repr(error)[:2000],
        )
        logger.warning(
            "Outbox message %s (%s) attempt %s failed, retrying at %s: %r",
            row.pk,
            row.kind,
            attempts,
            retry_at.isoformat(),
            error,
        )
        return "retry"
    _finish(
        row,
        token,
        state=OutboxState.SENT,
        attempts=attempts,
        sent_at=timezone.now(),
        last_error="",
    )
    return "sent"
