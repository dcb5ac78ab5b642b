from django import template
from django.utils.html import format_html

from blogsync.mentions.middleware import endpoint_urls

register = template.Library()


@register.simple_tag
def mention_endpoint_links():
    """The `<link>` elements that advertise the Webmention and Pingback endpoints."""
    webmention, pingback = endpoint_urls()
    return format_html(
        '<link rel="webmention" href="{}">\n  <link rel="pingback" href="{}">',
        webmention,
        pingback,
    )
