"""oEmbed (https://oembed.com/) for topic pages: a "rich" embed holding the iframe."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html

from blogsync.embeds.formats import absolute_url, topic_label
from blogsync.embeds.http import json_error, json_response, shared_resource
from blogsync.syncs.models import Topic

DEFAULT_WIDTH = 600
DEFAULT_HEIGHT = 400


def _hub_origins(request) -> set[str]:
    """Return the origins a topic URL may have: SITE_URL's and this request's."""
    site = urlsplit(settings.SITE_URL)
    site_origin = f"{site.scheme}://{site.netloc}".lower()
    request_origin = request.build_absolute_uri("/")[:-1].lower()
    return {site_origin, request_origin}


def _dimension(request, name: str, default: int):
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default, None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        return None, f"{name} must be a whole number of pixels, 1 or more; got {raw[:50]!r}."
    return min(default, int(raw)), None


@shared_resource
def oembed(request):
    """Describe the embed of ?url=<topic page>. Only format=json is implemented."""
    if request.GET.get("format", "json") != "json":
        return json_error(501, "Only format=json is implemented.")
    url = request.GET.get("url", "").strip()
    if not url:
        return json_error(400, "The url parameter is missing; give a topic page's address.")
    width, error = _dimension(request, "maxwidth", DEFAULT_WIDTH)
    if error is None:
        height, error = _dimension(request, "maxheight", DEFAULT_HEIGHT)
    if error:
        return json_error(400, error)

    try:
        parts = urlsplit(url)
        match = resolve(parts.path)
    except (ValueError, Resolver404):
        match = None
    origin = f"{parts.scheme}://{parts.netloc}".lower() if match else ""
    if (
        match is None
        or match.view_name != "syncs:topic_detail"
        or origin not in _hub_origins(request)
    ):
        return json_error(404, f"{url[:200]} is not the address of a topic on this hub.")
    try:
        topic = Topic.objects.select_related("series").get(
            series__slug=match.kwargs["series"], number=match.kwargs["number"]
        )
    except Topic.DoesNotExist:
        return json_error(404, f"{url[:200]} is not the address of a topic on this hub.")

    kwargs = {"series": topic.series.slug, "number": topic.number}
    frame_url = absolute_url(reverse("embeds:widget_frame", kwargs=kwargs))
    title = f"{topic_label(topic)}: {topic.title}"
    html = format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
        'style="border:0"></iframe>',
        frame_url,
        width,
        height,
        title,
    )
    return json_response(
        {
            "version": "1.0",
            "type": "rich",
            "title": title,
            "provider_name": topic.series.name,
            "provider_url": absolute_url(reverse("syncs:root")),
            "cache_age": settings.BLOGSYNC_PUBLIC_CACHE_SECONDS,
            "html": str(html),
            "width": width,
            "height": height,
        }
    )
