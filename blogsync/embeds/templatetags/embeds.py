"""Template tags the topic page uses to point at its embeds, API and oEmbed forms."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from blogsync.embeds.formats import absolute_url
from blogsync.embeds.webring import NOTICE_EMPTY, NOTICE_MISSING_FROM, NOTICE_UNKNOWN_FROM

register = template.Library()

# The only notices the topic page shows: the query parameter selects one of these
# fixed texts and is never echoed, so the page stays the same for every reader.
NOTICES = {
    NOTICE_MISSING_FROM: (
        "The webring link did not say which post it came from, so here is the whole list instead."
    ),
    NOTICE_UNKNOWN_FROM: (
        "The post the webring link came from is not in this list (yet), so here is the "
        "whole list instead."
    ),
    NOTICE_EMPTY: "No post in this list has an address yet, so the webring has nowhere to go.",
}


@register.simple_tag
def topic_alternate_links(topic):
    """Render the <link> elements that announce the topic's JSON and oEmbed forms."""
    kwargs = {"series": topic.series.slug, "number": topic.number}
    topic_url = absolute_url(topic.get_absolute_url())
    oembed_url = (
        absolute_url(reverse("embeds:oembed"))
        + "?"
        + urlencode({"url": topic_url, "format": "json"})
    )
    return format_html(
        '<link rel="alternate" type="application/json" href="{}" title="{}">\n'
        '  <link rel="alternate" type="application/json+oembed" href="{}" title="{}">',
        absolute_url(reverse("embeds:api_topic", kwargs=kwargs)),
        f"{topic.title} (JSON)",
        oembed_url,
        f"{topic.title} (oEmbed)",
    )


@register.simple_tag(takes_context=True)
def webring_notice(context):
    """Render the notice that a webring redirect requested with ?notice=, or nothing."""
    request = context.get("request")
    text = NOTICES.get(request.GET.get("notice", "")) if request else None
    if not text:
        return ""
    return format_html('<p class="notice" role="status">{}</p>', text)
