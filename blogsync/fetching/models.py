"""Outbound layer state kept between runs: feed polling state and link checks."""

from django.db import models
from django.utils import timezone

from blogsync.syncs.models import Entry

WAYBACK_URL = "https://web.archive.org/web/{date}/{url}"


class FeedState(models.Model):
    """The polling state of one feed URL, for conditional GET and failure notices."""

    feed_url = models.URLField(max_length=1000, unique=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(
        default=0, help_text="Polls that failed in a row; reset by a successful poll."
    )
    last_error = models.TextField(blank=True)
    failure_notified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the writer was told the feed cannot be read; cleared on success.",
    )
    seen = models.JSONField(
        default=list,
        blank=True,
        help_text="Keys of the items already handled, newest last, at most MAX_SEEN.",
    )

    MAX_SEEN = 500

    class Meta:
        ordering = ["feed_url"]

    def __str__(self) -> str:
        return self.feed_url


class LinkHealth(models.Model):
    """The current health of an entry's link, summarising its LinkCheck history."""

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="link_health")
    consecutive_failures = models.PositiveIntegerField(default=0)
    is_dead = models.BooleanField(default=False, db_index=True)
    dead_since = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "link health"

    def __str__(self) -> str:
        return f"{self.entry_id}: {'dead' if self.is_dead else 'alive'}"

    @property
    def archive_url(self) -> str:
        """The Wayback Machine's copy nearest the day the entry was submitted.

        The Wayback Machine redirects a dated URL to its closest snapshot, so no
        request is needed to build it.
        """
        date = timezone.localtime(self.entry.submitted_at).strftime("%Y%m%d")
        return WAYBACK_URL.format(date=date, url=self.entry.url)


class CheckResult(models.TextChoices):
    OK = "ok", "Working"
    FAILED = "failed", "Failed"
    # The site responded but would not show the page to the checker (401, 403, 429),
    # which shows nothing about whether the post still exists.
    INCONCLUSIVE = "inconclusive", "Inconclusive"


class LinkCheck(models.Model):
    """One check of an entry's link: the HTTP status, or the error when none came."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="link_checks")
    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    result = models.CharField(max_length=20, choices=CheckResult.choices)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.entry_id} at {self.checked_at:%Y-%m-%d %H:%M}: {self.status or self.error}"
