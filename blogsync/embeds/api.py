"""The read-only JSON API under /api/v1/, described by openapi.json in this folder.

Every response can be read from any origin. Errors are JSON too:
{"status": 404, "reason": "..."}. Ids are database primary keys and never reused.
"""

import json
from pathlib import Path

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse

from blogsync.embeds.formats import absolute_url, entry_link
from blogsync.embeds.http import json_error, json_response, shared_resource
from blogsync.syncs.lists import approved_lines
from blogsync.syncs.models import EntryStatus, Series, Topic

OPENAPI_DOCUMENT = Path(__file__).with_name("openapi.json")
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


def series_json(series: Series) -> dict:
    return {
        "id": series.pk,
        "slug": series.slug,
        "name": series.name,
        "hashtag": series.hashtag,
        "tagline": series.tagline,
        "url": absolute_url(series.get_absolute_url()),
        "api_url": absolute_url(reverse("embeds:api_series", kwargs={"series": series.slug})),
        "topics_url": absolute_url(reverse("embeds:api_topics", kwargs={"series": series.slug})),
        "created_at": series.created_at,
    }


def topic_json(topic: Topic, entry_count: int) -> dict:
    kwargs = {"series": topic.series.slug, "number": topic.number}
    return {
        "id": topic.pk,
        "series": topic.series.slug,
        "number": topic.number,
        "title": topic.title,
        "month": topic.month,
        "state": topic.state.value,
        "signup_opens_at": topic.signup_opens_at,
        "deadline": topic.deadline,
        "list_published_at": topic.list_published_at,
        "updated_at": topic.updated_at,
        "entry_count": entry_count,
        "url": absolute_url(topic.get_absolute_url()),
        "api_url": absolute_url(reverse("embeds:api_topic", kwargs=kwargs)),
    }


def line_json(line) -> dict:
    contributor = line.contributor
    return {
        "number": line.number,
        "contributor": {
            "id": contributor.pk,
            "name": contributor.name,
            "url": absolute_url(contributor.get_absolute_url()),
        },
        "entries": [
            {
                "id": entry.pk,
                "title": entry.title,
                "url": entry_link(entry),
                "is_late": entry.is_late,
                "approved_at": entry.approved_at,
            }
            for entry in line.entries
        ],
    }


def _get_series(slug: str) -> Series:
    try:
        return Series.objects.get(slug=slug)
    except Series.DoesNotExist:
        raise Http404(f"There is no series {slug!r}.") from None


def api_view(view):
    """Make `view` a GET-only API view whose Http404 becomes a JSON 404 with the reason."""

    def inner(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404 as error:
            return json_error(404, str(error) or "Not found.")

    inner.__doc__ = view.__doc__
    inner.__name__ = view.__name__
    return shared_resource(inner)


@api_view
def openapi_document(request):
    return json_response(json.loads(OPENAPI_DOCUMENT.read_text(encoding="utf-8")))


@api_view
def series_list(request):
    """List all series on this hub, by name."""
    return json_response({"items": [series_json(s) for s in Series.objects.all()]})


@api_view
def series_detail(request, series):
    return json_response(series_json(_get_series(series)))


def _positive_int(request, name: str, default: int, maximum: int | None = None):
    """Read a positive integer query parameter; return (value, error message)."""
    raw = request.GET.get(name)
    if raw is None:
        return default, None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        return None, f"{name} must be a whole number of 1 or more; got {raw[:50]!r}."
    value = int(raw)
    if maximum is not None and value > maximum:
        return None, f"{name} must be at most {maximum}; got {value}."
    return value, None


@api_view
def topic_list(request, series):
    """List a series' topics, newest first, a page at a time (?page=, ?per_page=)."""
    page_number, error = _positive_int(request, "page", 1)
    if error is None:
        per_page, error = _positive_int(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if error:
        return json_error(400, error)
    series = _get_series(series)
    topics = (
        series.topics.annotate(
            approved_count=Count("entries", filter=Q(entries__status=EntryStatus.APPROVED))
        )
        .select_related("series")
        .order_by("-number")
    )
    paginator = Paginator(topics, per_page)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        return json_error(400, f"page {page_number} is past the last page, {paginator.num_pages}.")
    base = absolute_url(reverse("embeds:api_topics", kwargs={"series": series.slug}))

    def page_url(number):
        return f"{base}?page={number}&per_page={per_page}"

    return json_response(
        {
            "items": [topic_json(topic, topic.approved_count) for topic in page.object_list],
            "page": page.number,
            "per_page": per_page,
            "total": paginator.count,
            "pages": paginator.num_pages,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": (page_url(page.previous_page_number()) if page.has_previous() else None),
        }
    )


@api_view
def topic_detail(request, series, number):
    """Show one topic with its numbered list of approved entries."""
    try:
        topic = Topic.objects.select_related("series").get(series__slug=series, number=number)
    except Topic.DoesNotExist:
        raise Http404(f"Series {series!r} has no topic {number}.") from None
    lines = approved_lines(topic)
    data = topic_json(topic, sum(len(line.entries) for line in lines))
    data["invitation"] = topic.invitation
    data["lines"] = [line_json(line) for line in lines]
    return json_response(data)


@api_view
def unknown_path(request, rest):
    raise Http404(f"There is no API resource at /api/v1/{rest[:200]}.")
