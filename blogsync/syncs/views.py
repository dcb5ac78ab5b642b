"""Public pages of the hub.

Public pages are the same bytes for every anonymous visitor: they set no cookie and
carry no per-visitor token, so that an HTTP cache in front of the hub can serve them.
Forms live on pages of their own.
"""

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from blogsync.syncs.caching import public_page
from blogsync.syncs.durations import duration_in_words
from blogsync.syncs.lists import approved_lines, numbered_lines
from blogsync.syncs.models import Contributor, Entry, EntryStatus, Series, Topic, TopicState


@public_page
def root(request):
    """With one series, its home; with several, a list of them."""
    series_list = list(Series.objects.all()[:2])
    if len(series_list) == 1:
        return series_home(request, series_list[0].slug)
    return render(request, "syncs/series_list.html", {"series_list": Series.objects.all()})


def _approved_entries():
    return Prefetch(
        "entries",
        queryset=Entry.objects.approved()
        .in_list_order()
        .select_related("contributor", "link_health"),
        to_attr="approved_entries",
    )


@public_page
def series_home(request, series):
    series = get_object_or_404(Series, slug=series)
    now = timezone.now()
    topics = series.topics.all()
    current = topics.open_now(now).order_by("deadline").first()
    upcoming = topics.filter(signup_opens_at__gt=now).order_by("signup_opens_at").first()
    latest = list(
        topics.annotate(
            approved_count=Count("entries", filter=Q(entries__status=EntryStatus.APPROVED))
        )
        .filter(approved_count__gt=0)
        .newest_first()
        .prefetch_related(_approved_entries())[:3]
    )
    for topic in latest:
        topic.lines = numbered_lines(topic.approved_entries)
    return render(
        request,
        "syncs/series_home.html",
        {"series": series, "current": current, "upcoming": upcoming, "latest": latest, "now": now},
    )


def _get_topic(series_slug, number):
    return get_object_or_404(
        Topic.objects.select_related("series"), series__slug=series_slug, number=number
    )


@public_page
def topic_detail(request, series, number):
    topic = _get_topic(series, number)
    lines = approved_lines(topic)
    state = topic.state
    confirmed_signups = topic.signups.filter(confirmed_at__isnull=False).count()
    return render(
        request,
        "syncs/topic_detail.html",
        {
            "series": topic.series,
            "topic": topic,
            "lines": lines,
            "state": state,
            "states": TopicState,
            "confirmed_signups": confirmed_signups,
        },
    )


@public_page
def archive(request, series):
    series = get_object_or_404(Series, slug=series)
    topics = series.topics.annotate(
        approved_count=Count("entries", filter=Q(entries__status=EntryStatus.APPROVED))
    ).order_by("-number")
    return render(request, "syncs/archive.html", {"series": series, "topics": topics})


@public_page
def contributor_detail(request, slug):
    contributor = get_object_or_404(Contributor, slug=slug)
    entries = (
        contributor.entries.approved()
        .select_related("topic__series")
        .order_by("-topic__month", "position")
    )
    return render(
        request,
        "syncs/contributor_detail.html",
        {"contributor": contributor, "entries": entries},
    )


@public_page
def help_writers(request, series):
    series = get_object_or_404(Series, slug=series)
    current = series.topics.open_now().order_by("deadline").first()
    return render(request, "syncs/help_writers.html", {"series": series, "current": current})


@public_page
def help_readers(request, series):
    series = get_object_or_404(Series, slug=series)
    return render(request, "syncs/help_readers.html", {"series": series})


@public_page
def signup_thanks(request, series, number):
    topic = _get_topic(series, number)
    return render(
        request,
        "syncs/signup_thanks.html",
        {"series": topic.series, "topic": topic, "resend_wait": resend_wait()},
    )


@public_page
def submit_thanks(request, series, number):
    topic = _get_topic(series, number)
    return render(
        request,
        "syncs/submit_thanks.html",
        {"series": topic.series, "topic": topic, "late": request.GET.get("late") == "1"},
    )


@public_page
def propose_thanks(request, series):
    series = get_object_or_404(Series, slug=series)
    return render(request, "syncs/propose_thanks.html", {"series": series})


@public_page
def signup_link_sent(request):
    return render(request, "syncs/signup_link_sent.html", {"resend_wait": resend_wait()})


def resend_wait() -> str:
    """The time between two confirmation emails, in words such as "10 minutes"."""
    return duration_in_words(settings.BLOGSYNC_CONFIRMATION_RESEND_SECONDS)
