"""Mentions that arrive by themselves (Webmention, Pingback) and the replies sent back.

A Mention is one request received at an endpoint that passed the synchronous checks.
Verification (see blogsync.mentions.verification) fetches the source and turns an
accepted mention into a pending Entry, or updates the entry an earlier mention made.
"""

import uuid

from django.db import models
from django.urls import reverse


class MentionProtocol(models.TextChoices):
    WEBMENTION = "webmention", "Webmention"
    PINGBACK = "pingback", "Pingback"


class MentionState(models.TextChoices):
    PENDING = "pending", "Waiting to be checked"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Mention(models.Model):
    """One Webmention or Pingback received for a topic page."""

    token = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="The unguessable part of the status page's URL.",
    )
    protocol = models.CharField(max_length=20, choices=MentionProtocol.choices)
    source = models.URLField(max_length=2000, help_text="The page that links to the topic.")
    normalised_source = models.CharField(max_length=2000, db_index=True, editable=False)
    target = models.URLField(max_length=2000, help_text="The topic URL as the sender gave it.")
    topic = models.ForeignKey("syncs.Topic", on_delete=models.CASCADE, related_name="mentions")
    state = models.CharField(
        max_length=20,
        choices=MentionState.choices,
        default=MentionState.PENDING,
        db_index=True,
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(
        blank=True, help_text="Why the mention was rejected, in words the sender can act on."
    )
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    entry = models.ForeignKey(
        "syncs.Entry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentions",
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["topic", "normalised_source"])]

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} from {self.source}"

    def get_absolute_url(self) -> str:
        return reverse("mentions:status", kwargs={"token": self.token})


class BlockedHost(models.Model):
    """A host whose mentions are rejected, together with those of its subdomains."""

    host = models.CharField(
        max_length=253,
        unique=True,
        help_text="A host name such as spam.example; a.spam.example is blocked as well.",
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["host"]

    def __str__(self) -> str:
        return self.host

    def save(self, *args, **kwargs):
        self.host = self.host.strip().lower().rstrip(".")
        super().save(*args, **kwargs)


class RateWindow(models.Model):
    """How many requests one key (a client address or a source host) made in one
    fixed time window; see blogsync.mentions.ratelimit."""

    key = models.CharField(max_length=300)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_window_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} since {self.window_start:%H:%M}: {self.hits}"


class OutgoingState(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    NO_ENDPOINT = "no_endpoint", "The post advertises no Webmention endpoint"
    FAILED = "failed", "Failed"


class OutgoingWebmention(models.Model):
    """The Webmention sent from a topic page to an approved entry's post, at most one
    per entry."""

    entry = models.OneToOneField(
        "syncs.Entry", on_delete=models.CASCADE, related_name="outgoing_webmention"
    )
    source = models.URLField(max_length=2000, help_text="The topic page.")
    target = models.URLField(max_length=2000, help_text="The writer's post.")
    endpoint = models.URLField(max_length=2000, blank=True)
    state = models.CharField(
        max_length=20, choices=OutgoingState.choices, default=OutgoingState.SENDING
    )
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Webmention to {self.target} ({self.state})"


class CoordinatorNotice(models.Model):
    """The email telling a series' coordinators about a new pending entry, at most one
    per entry."""

    entry = models.OneToOneField(
        "syncs.Entry", on_delete=models.CASCADE, related_name="coordinator_notice"
    )
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Notice about entry {self.entry_id}"
