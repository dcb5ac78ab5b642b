"""Feeds, OPML, calendars and the pages of email subscriptions.

Feeds, OPML and calendars are public: the same bytes for everyone, with an ETag.
The subscription pages carry forms and are not cached. Links in mail lead to pages
with a button, because mail scanners follow links: a GET never confirms or
unsubscribes anything.
"""

import logging

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from blogsync.following import subscriptions, tokens
from blogsync.following.conditional import conditional_public
from blogsync.following.forms import PreferencesForm, SubscribeForm
from blogsync.following.icalfeeds import build_calendar
from blogsync.following.opml import build_opml, contributors_with_feeds
from blogsync.syncs.caching import public_page
from blogsync.syncs.models import Series, Topic

logger = logging.getLogger(__name__)


def _topic(series, number):
    return get_object_or_404(
        Topic.objects.select_related("series"), series__slug=series, number=number
    )


def _last_modified(response, topics):
    latest = topics.aggregate(latest=Max("updated_at"))["latest"]
    if latest is not None:
        response.headers["Last-Modified"] = http_date(latest.timestamp())


@conditional_public
def series_opml(request, series):
    series = get_object_or_404(Series, slug=series)
    body = build_opml(
        f"{series.name}: contributors' blogs",
        f"{settings.SITE_URL}{series.get_absolute_url()}",
        contributors_with_feeds(series=series),
    )
    return HttpResponse(body, content_type="text/x-opml; charset=utf-8")


@conditional_public
def topic_opml(request, series, number):
    topic = _topic(series, number)
    body = build_opml(
        f"{topic.series.hashtag} {topic.number}: contributors' blogs",
        f"{settings.SITE_URL}{topic.get_absolute_url()}",
        contributors_with_feeds(topic=topic),
    )
    return HttpResponse(body, content_type="text/x-opml; charset=utf-8")


@conditional_public
def series_calendar(request, series):
    series = get_object_or_404(Series, slug=series)
    topics = series.topics.order_by("number")
    body = build_calendar(series, topics, f"{series.name} dates")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    _last_modified(response, topics)
    return response


@conditional_public
def topic_calendar(request, series, number):
    topic = _topic(series, number)
    body = build_calendar(topic.series, [topic], f"{topic.series.hashtag} {topic.number} dates")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response.headers["Last-Modified"] = http_date(topic.updated_at.timestamp())
    return response


@public_page
def follow(request, series):
    """Show every way of following a series: feeds, calendar, OPML and a link to the
    subscription form."""
    series = get_object_or_404(Series, slug=series)
    return render(request, "following/follow.html", {"series": series})


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request, series):
    """Anyone may ask to follow a series by email. The response is the same whether
    or not the address follows it already."""
    series = get_object_or_404(Series, slug=series)
    form = SubscribeForm(request.POST) if request.method == "POST" else SubscribeForm()
    if request.method == "POST" and form.is_valid():
        subscriptions.request_subscription(series, form.cleaned_data["email"])
        return redirect("following:subscribe_sent", series=series.slug)
    return render(
        request,
        "following/subscribe.html",
        {"series": series, "form": form},
        status=400 if form.errors else 200,
    )


@public_page
def subscribe_sent(request, series):
    series = get_object_or_404(Series, slug=series)
    return render(request, "following/subscribe_sent.html", {"series": series})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button; POST (the button) confirms the subscription."""
    try:
        if request.method == "POST":
            subscriber = subscriptions.confirm(token)
            return render(
                request,
                "following/confirmed.html",
                {
                    "series": subscriber.series,
                    "manage_url": reverse(
                        "following:manage",
                        kwargs={"token": tokens.subscriber_token(subscriber.pk)},
                    ),
                },
            )
        tokens.read_confirm_token(token)
    except tokens.TokenExpired:
        return render(request, "following/link_problem.html", {"expired": True}, status=410)
    except tokens.TokenInvalid:
        logger.info("Invalid confirmation token used")
        return render(request, "following/link_problem.html", {}, status=404)
    return render(request, "following/confirm.html", {"token": token})


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    """Let the holder of a subscriber link choose which messages to receive."""
    try:
        kind, who = subscriptions.find_by_token(token)
    except tokens.TokenInvalid:
        return render(request, "following/link_problem.html", {}, status=404)
    if kind == "writer":
        return redirect("following:unsubscribe", token=token)
    subscriber = who
    saved = False
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            for field, value in form.cleaned_data.items():
                setattr(subscriber, field, value)
            subscriber.save(update_fields=list(form.cleaned_data))
            logger.info("Subscriber %s changed preferences", subscriber.pk)
            saved = True
    else:
        form = PreferencesForm(
            initial={
                "new_topics": subscriber.new_topics,
                "list_published": subscriber.list_published,
                "daily_digest": subscriber.daily_digest,
            }
        )
    return render(
        request,
        "following/manage.html",
        {
            "series": subscriber.series,
            "subscriber": subscriber,
            "form": form,
            "saved": saved,
            "token": token,
        },
    )


# One-click unsubscribe (RFC 8058): mail providers POST "List-Unsubscribe=One-Click"
# without a CSRF token, so the signed token in the URL is the only credential.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a button; POST (the button, or a mail client's one-click request)
    unsubscribes."""
    try:
        if request.method == "POST":
            kind, who = subscriptions.unsubscribe(token)
        else:
            kind, who = subscriptions.find_by_token(token)
    except tokens.TokenInvalid:
        return render(request, "following/link_problem.html", {}, status=404)
    series = who.series if kind == "subscriber" else None
    template = (
        "following/unsubscribed.html"
        if request.method == "POST"
        else ("following/unsubscribe.html")
    )
    return render(request, template, {"kind": kind, "who": who, "series": series, "token": token})
