"""The domain of a synchronised blogging community.

A Series (such as #blogsync) runs one numbered Topic a month. Contributors sign up to a
topic, write on their own blogs, and each post becomes an Entry in the topic's numbered
list once a coordinator approves it. Proposals are suggested future topics.
"""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from blogsync.fetching.urlnorm import normalise_url


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "%(value)s is not a known time zone; use a name such as Europe/London.",
            params={"value": value},
        ) from None


class Series(models.Model):
    """A community's running sync, such as #blogsync, served under its own path."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True, help_text="The path the series is served under.")
    hashtag = models.CharField(max_length=50, help_text="Including the #, e.g. #blogsync.")
    tagline = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text="What the series is, for the home page.")
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    late_grace = models.DurationField(
        default=timedelta(0),
        help_text="Entries arriving within this time after the deadline are not labelled late.",
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_series",
        help_text="Who gets this series' mail about pending entries and dead links. "
        "Leave empty to send it to every member of the Coordinators group. Admin rights "
        "come from that group, not from this list.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "series"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("syncs:series_home", kwargs={"series": self.slug})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def coordinator_emails(self) -> list[str]:
        """Return the addresses of the active coordinators who get this series' mail, sorted.

        The series' own list when it names anyone, else every member of the
        Coordinators group, so that a new install emails someone from the start.
        """
        from django.contrib.auth import get_user_model

        from blogsync.syncs.coordinators import COORDINATORS_GROUP

        users = self.coordinators.all()
        if not users.exists():
            users = get_user_model().objects.filter(groups__name=COORDINATORS_GROUP)
        emails = users.filter(is_active=True).exclude(email="").values_list("email", flat=True)
        return sorted(set(emails))


class TopicState(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming"
    OPEN = "open", "Open for sign-ups"
    CLOSED = "closed", "Writing closed"
    PUBLISHED = "published", "List published"


class TopicQuerySet(models.QuerySet):
    def published(self, now=None):
        now = now or timezone.now()
        return self.filter(list_published_at__isnull=False, list_published_at__lte=now)

    def open_now(self, now=None):
        """Topics whose sign-up has opened, whose deadline has not passed, and whose
        list is not yet published."""
        now = now or timezone.now()
        return self.filter(signup_opens_at__lte=now, deadline__gte=now).exclude(
            list_published_at__lte=now
        )

    def newest_first(self):
        return self.order_by("-number")


class Topic(models.Model):
    """One month's sync: a numbered topic with its dates.

    The state is derived from the dates, never stored, so it cannot go stale: see
    state_at().
    """

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="topics")
    number = models.PositiveIntegerField()
    month = models.DateField(help_text="The first day of the month the topic belongs to.")
    title = models.CharField(max_length=300)
    alternative_titles = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names the topic has been given, e.g. in the archive.",
    )
    invitation = models.TextField(blank=True, help_text="The text that invites writers.")
    partner_note = models.TextField(
        blank=True, help_text="An optional note about a guest or partner for this month."
    )
    partner_name = models.CharField(max_length=200, blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_topics",
        help_text="The person hosting this month, if any. They get the mail about its "
        "pending entries as the coordinators do.",
    )
    signup_opens_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True, help_text="The writing deadline.")
    list_published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["series", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="topic_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series.hashtag} {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "syncs:topic_detail", kwargs={"series": self.series.slug, "number": self.number}
        )

    def clean(self) -> None:
        if self.signup_opens_at and self.deadline and self.deadline < self.signup_opens_at:
            raise ValidationError({"deadline": "The deadline must come after sign-up opens."})
        if self.deadline and self.list_published_at and self.list_published_at < self.deadline:
            raise ValidationError(
                {"list_published_at": "The list cannot be published before the deadline."}
            )

    def state_at(self, now=None) -> TopicState:
        now = now or timezone.now()
        if self.list_published_at and now >= self.list_published_at:
            return TopicState.PUBLISHED
        if self.signup_opens_at is None or now < self.signup_opens_at:
            return TopicState.UPCOMING
        if self.deadline is None or now <= self.deadline:
            return TopicState.OPEN
        return TopicState.CLOSED

    @property
    def state(self) -> TopicState:
        return self.state_at()

    def is_late(self, when) -> bool:
        """Return whether something arriving at `when` is past the deadline and its grace."""
        if self.deadline is None:
            return False
        return when > self.deadline + self.series.late_grace

    def all_titles(self) -> list[str]:
        return [self.title, *self.alternative_titles]


class Contributor(models.Model):
    """A writer, one record across all months, so that a profile lists all their posts."""

    name = models.CharField(
        max_length=200, help_text="The public name: a real name, pseudonym or handle."
    )
    slug = models.SlugField(max_length=220, unique=True)
    blog_url = models.URLField("blog URL", max_length=1000, blank=True)
    feed_url = models.URLField("feed URL", max_length=1000, blank=True)
    social_handles = models.JSONField(
        default=dict, blank=True, help_text='For example {"mastodon": "@name@example.social"}.'
    )
    email = models.EmailField(blank=True, help_text="Private: never shown on the site.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"),
                condition=~models.Q(email=""),
                name="contributor_email_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Contributor, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("syncs:contributor_detail", kwargs={"slug": self.slug})


def unique_slug(model, text: str, max_length: int = 200) -> str:
    """Slugify `text`, adding -2, -3, ... until no row of `model` has the slug."""
    base = slugify(text)[:max_length] or "contributor"
    candidate = base
    suffix = 2
    while model.objects.filter(slug=candidate).exists():
        candidate = f"{base}-{suffix}"
        suffix += 1
    return candidate


class SignUp(models.Model):
    """A contributor's intention to write on a topic; it counts once confirmed by email."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="signups")
    contributor = models.ForeignKey(Contributor, on_delete=models.CASCADE, related_name="signups")
    partner_opt_out = models.BooleanField(
        default=False,
        help_text="The writer does not want the partner to republish links to their post.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the last confirmation email was queued; limits how often it is resent.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "contributor"], name="signup_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.contributor} for {self.topic}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class EntrySource(models.TextChoices):
    FORM = "form", "Submission form"
    IMPORT = "import", "Import"
    ADMIN = "admin", "Added by a coordinator"
    WEBMENTION = "webmention", "Webmention"
    PINGBACK = "pingback", "Pingback"
    FEED = "feed", "Feed watching"


class EntryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class EntryQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=EntryStatus.APPROVED)

    def pending(self):
        return self.filter(status=EntryStatus.PENDING)

    def in_list_order(self):
        return self.order_by("position", "id")

    def needing_review(self):
        return self.filter(needs_review=True)


class Entry(models.Model):
    """One post written for a topic.

    Several approved entries by one contributor in a topic share one numbered line of
    the list; see blogsync.syncs.lists.numbered_lines().
    """

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="entries")
    contributor = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="entries")
    url = models.URLField(
        "URL", max_length=1000, blank=True, help_text="Missing for some imported history."
    )
    normalised_url = models.CharField(
        max_length=1000,
        blank=True,
        db_index=True,
        editable=False,
        help_text="The URL in a canonical form, for finding duplicates.",
    )
    title = models.CharField(max_length=500)
    position = models.PositiveIntegerField(
        default=0, help_text="Place in the list; arrival order unless a coordinator moves it."
    )
    source = models.CharField(max_length=20, choices=EntrySource.choices)
    status = models.CharField(
        max_length=20, choices=EntryStatus.choices, default=EntryStatus.PENDING, db_index=True
    )
    needs_review = models.BooleanField(
        default=False,
        help_text=(
            "Check before approving: the importer had to guess, or the post was sent under "
            "a name other than that of its email address's contributor (see the review note)."
        ),
    )
    review_note = models.CharField(max_length=500, blank=True)
    partner_opt_out = models.BooleanField(default=False)
    is_late = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["topic", "position", "id"]
        indexes = [models.Index(fields=["topic", "status", "position"])]
        constraints = [
            # The database, not only add_entry(), keeps two concurrent submissions of
            # one post from both landing in a topic.
            models.UniqueConstraint(
                fields=["topic", "normalised_url"],
                condition=~models.Q(normalised_url=""),
                name="entry_url_unique_per_topic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contributor}: {self.title}"

    def save(self, *args, **kwargs):
        self.normalised_url = normalise_url(self.url) if self.url else ""
        super().save(*args, **kwargs)

    @property
    def link_url(self) -> str:
        """The URL if it is safe to put in a link (http or https), else an empty string.

        Forms accept only http(s), but imports and the admin can store other schemes,
        and a `javascript:` link must never reach a page."""
        scheme = self.url.split(":", 1)[0].lower() if ":" in self.url else ""
        return self.url if scheme in {"http", "https"} else ""


class ProposalStatus(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Proposal(models.Model):
    """A suggested future topic; anyone may propose one."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    proposer_name = models.CharField(max_length=200)
    proposer_email = models.EmailField(blank=True, help_text="Private: never shown on the site.")
    status = models.CharField(
        max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.NEW
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        help_text="The topic this proposal was accepted into.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class AuditEvent(models.Model):
    """A record of who did what to which object, kept apart from technical logs."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Empty for actions taken by the system, such as an import.",
    )
    action = models.CharField(max_length=50)
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL)
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.SET_NULL)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor or 'system'} {self.action}"
