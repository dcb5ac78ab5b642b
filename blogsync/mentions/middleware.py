"""Advertising the Webmention and Pingback endpoints on topic pages.

The headers are the same for every visitor, so topic pages stay cacheable.
"""

from django.conf import settings
from django.urls import reverse

from blogsync.mentions.targets import TOPIC_VIEW


def endpoint_urls() -> tuple[str, str]:
    """Return the absolute URLs of the Webmention and Pingback endpoints on the SITE_URL
    host."""
    return (
        settings.SITE_URL + reverse("mentions:webmention"),
        settings.SITE_URL + reverse("mentions:pingback"),
    )


def advertise_endpoints(get_response):
    """Add `Link: <...>; rel="webmention"` and `X-Pingback` to topic pages."""

    def middleware(request):
        response = get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name != TOPIC_VIEW or response.status_code != 200:
            return response
        webmention, pingback = endpoint_urls()
        link = f'<{webmention}>; rel="webmention"'
        existing = response.headers.get("Link")
        response.headers["Link"] = f"{existing}, {link}" if existing else link
        response.headers["X-Pingback"] = pingback
        return response

    return middleware
