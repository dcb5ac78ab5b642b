"""The live widget: a script any page can include, its JSON data and an iframe page.

The script and the data are served to every origin with Cache-Control and an ETag, so
that a browser or cache revalidates with If-None-Match and usually gets a 304 back.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import condition

from blogsync.embeds.formats import (
    absolute_url,
    entry_link,
    get_topic_or_404,
    lines_payload,
    topic_label,
)
from blogsync.embeds.http import hash_etag, json_response, shared_resource
from blogsync.syncs.caching import public_page
from blogsync.syncs.lists import approved_lines
from blogsync.syncs.models import EntryStatus, Topic

WIDGET_SOURCE = Path(__file__).with_name("widget.js")

# How long a rendered body stays in the cache; a changed list has a new key anyway.
WIDGET_DATA_CACHE_SECONDS = 24 * 3600

# Bumped when the shape of the widget's JSON changes, so that stored copies go stale.
DATA_VERSION = 1


def topic_data_etag(request, series, number):
    """Compute the data endpoint's ETag with one query over the topic and its entries.

    Any approval, rejection, edit or move of an entry changes max(updated_at) or the
    count, and an edit of the topic changes its updated_at.
    NOTE: renaming a contributor changes no timestamp, so the widget shows the old
    name until an entry or the topic of that month changes.
    """
    row = (
        Topic.objects.filter(series__slug=series, number=number)
        .annotate(
            entries_changed=Max("entries__updated_at"),
            approved=Count("entries", filter=Q(entries__status=EntryStatus.APPROVED)),
        )
        .values_list("pk", "updated_at", "entries_changed", "approved")
        .first()
    )
    if row is None:
        return None
    etag = hash_etag(DATA_VERSION, settings.SITE_URL, *row)
    # The view keys its cached body by this value, so it need not query again.
    request.widget_data_etag = etag
    return etag


@shared_resource
@condition(etag_func=topic_data_etag)
def widget_data(request, series, number):
    """Return the current list of a topic as JSON, for the widget on any origin.

    The body is cached under its ETag, so a reader without a stored copy costs the
    ETag query only, until the list changes and the ETag with it.
    """
    # Without an ETag there is no such topic, and get_topic_or_404 below raises 404.
    etag = getattr(request, "widget_data_etag", None)
    cache_key = f"embeds:widget-data:{etag}"
    if etag is not None:
        body = cache.get(cache_key)
        if body is not None:
            return HttpResponse(body, content_type="application/json")
    topic = get_topic_or_404(series, number)
    response = json_response(
        {
            "series": {"name": topic.series.name, "hashtag": topic.series.hashtag},
            "topic": {
                "number": topic.number,
                "title": topic.title,
                "label": topic_label(topic),
                "url": absolute_url(topic.get_absolute_url()),
            },
            "lines": lines_payload(approved_lines(topic)),
        }
    )
    if etag is not None:
        cache.set(cache_key, response.content, WIDGET_DATA_CACHE_SECONDS)
    return response


def _widget_script(config: dict) -> bytes:
    # json.dumps escapes U+2028 and U+2029 (ensure_ascii), so the literal is valid JS.
    source = WIDGET_SOURCE.read_text(encoding="utf-8")
    return source.replace("__BLOGSYNC_CONFIG__", json.dumps(config)).encode()


@shared_resource
def widget_script(request, series, number):
    """Serve the widget script for one topic, with the hub's addresses written in.

    Finding the topic is the only query. The ETag is a hash of the script's bytes, so
    it changes only when the code or the hub's address does.
    """
    if not Topic.objects.filter(series__slug=series, number=number).exists():
        raise Http404("No such topic.")
    kwargs = {"series": series, "number": number}
    config = {
        "data": absolute_url(reverse("embeds:widget_data", kwargs=kwargs)),
        "page": absolute_url(reverse("syncs:topic_detail", kwargs=kwargs)),
    }
    body = _widget_script(config)
    etag = hash_etag(body.decode())
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    return response


@xframe_options_exempt
@public_page
def widget_frame(request, series, number):
    """Show the list as a page of its own, for hosts that cannot run scripts (iframe).

    Only this page may be framed by other origins: it opts out of X-Frame-Options and
    allows any ancestor in its Content-Security-Policy.
    """
    topic = get_topic_or_404(series, number)
    lines = approved_lines(topic)
    for line in lines:
        for entry in line.entries:
            entry.link = entry_link(entry)
    response = render(
        request,
        "embeds/frame.html",
        {
            "topic": topic,
            "label": topic_label(topic),
            "lines": lines,
            "page_url": absolute_url(topic.get_absolute_url()),
        },
    )
    response["Content-Security-Policy"] = "frame-ancestors *"
    return response
