"""Subscribers, per-series mail settings and the outbox of messages.

Every message to every recipient is one OutboxMessage row with a unique key, so that a
task run twice, or run again after its worker died, sends nothing twice: see
blogsync/following/outbox.py for the states a row goes through.
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from blogsync.syncs.models import Contributor, Series, Topic


class SeriesMailSettings(models.Model):
    """Mail settings of one series, kept here so that the domain model stays as it is."""

    series = models.OneToOneField(Series, on_delete=models.CASCADE, related_name="mail_settings")
    reminder_days_before = models.PositiveSmallIntegerField(
        default=3,
        help_text="Days before the writing deadline that writers without an entry are "
        "reminded; 0 sends no reminder.",
    )

    class Meta:
        verbose_name_plural = "series mail settings"

    def __str__(self) -> str:
        return f"Mail settings of {self.series}"


DEFAULT_REMINDER_DAYS = SeriesMailSettings._meta.get_field("reminder_days_before").default


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Addresses that confirmed and have not unsubscribed: the only ones mailed,
        apart from the confirmation request itself."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Subscriber(models.Model):
    """An email address following one series, with what it wants to receive."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField()
    new_topics = models.BooleanField(
        default=True, help_text="A message when a new topic opens for sign-ups."
    )
    list_published = models.BooleanField(
        default=True, help_text="A message when a topic's list is published."
    )
    daily_digest = models.BooleanField(
        default=False, help_text="One message a day listing the entries approved that day."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["series", "email"]
        constraints = [
            models.UniqueConstraint(
                "series", Lower("email"), name="subscriber_series_email_unique"
            ),
        ]
        indexes = [models.Index(fields=["series", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.email} following {self.series}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class WriterMailPreference(models.Model):
    """A writer's choice about reminders and "the list is out" messages.

    A writer without a row receives both; the unsubscribe link in those messages
    creates the row with `writer_mail` off.
    """

    contributor = models.OneToOneField(
        Contributor, on_delete=models.CASCADE, related_name="mail_preference"
    )
    writer_mail = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Mail preference of {self.contributor}"


class MailKind(models.TextChoices):
    CONFIRM = "confirm", "Subscription confirmation request"
    ALREADY_SUBSCRIBED = "already_subscribed", "Already subscribed"
    NEW_TOPIC = "new_topic", "New topic announced"
    LIST_PUBLISHED = "list_published", "The list is published"
    REMINDER = "reminder", "Deadline reminder"
    DIGEST = "digest", "Daily digest"


class OutboxState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (unsubscribed before sending)"


class OutboxMessage(models.Model):
    """One message to one recipient.

    `key` is unique: kind, topic (or "-"), scope (a date for digests, otherwise "-")
    and the lower-cased address. Adding a row that exists already is a no-op, which is
    what makes fan-out safe to repeat.
    """

    key = models.CharField(max_length=400, unique=True)
    kind = models.CharField(max_length=30, choices=MailKind.choices)
    recipient = models.EmailField()
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    contributor = models.ForeignKey(
        Contributor, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(
        max_length=40, default="-", help_text="The day of a digest, otherwise '-'."
    )
    state = models.CharField(
        max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["kind", "topic", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.state})"


class FanOut(models.Model):
    """A record that the recipients of one mailing (kind, topic, scope) were queued.

    The periodic trigger creates it once; the task that fills the outbox marks it done,
    so that a finished mailing is never enumerated again.
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=MailKind.choices)
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(max_length=40, default="-")
    queued = models.PositiveIntegerField(default=0, help_text="Outbox rows added.")
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key


def outbox_key(kind: str, recipient: str, *, topic_id=None, scope: str = "-") -> str:
    return f"{kind}|{topic_id or '-'}|{scope}|{recipient.lower()}"


def fanout_key(kind: str, series_id: int, *, topic_id=None, scope: str = "-") -> str:
    return f"{kind}|{series_id}|{topic_id or '-'}|{scope}"
