"""Webring navigation: from one post of a topic to the previous, next or a random one.

Every redirect goes either to the URL of an approved entry of that topic or to the
hub's own topic page, whatever `from` contains, so these links cannot be used as an
open redirect.
"""

import logging
import random
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.views.decorators.http import require_safe

from blogsync.embeds.formats import get_topic_or_404, is_web_url
from blogsync.fetching.urlnorm import normalise_url
from blogsync.syncs.caching import public_page

logger = logging.getLogger(__name__)

# Values of the `notice` query parameter the topic page explains; see
# templates/embeds/includes/topic_notice.html.
NOTICE_MISSING_FROM = "webring-missing-from"
NOTICE_UNKNOWN_FROM = "webring-unknown-from"
NOTICE_EMPTY = "webring-empty"

# Longer `from` values are not URLs of entries (Entry.url is at most 1,000 characters).
MAX_FROM_LENGTH = 2000


def ring_entries(topic) -> list[tuple[str, str]]:
    """(url, normalised url) of the topic's approved entries with a web URL, in list
    order, in one query. Entries imported without a URL are left out."""
    rows = (
        topic.entries.approved()
        .in_list_order()
        .exclude(url="")
        .values_list("url", "normalised_url")
    )
    return [(url, key) for url, key in rows if is_web_url(url)]


def _to_topic_page(topic, notice: str | None = None) -> HttpResponseRedirect:
    url = topic.get_absolute_url()
    if notice:
        url += "?" + urlencode({"notice": notice})
    return HttpResponseRedirect(url)


def _position(ring: list[tuple[str, str]], from_url: str) -> int | None:
    key = normalise_url(from_url)
    for index, (_url, entry_key) in enumerate(ring):
        if entry_key == key:
            return index
    return None


def _step(request, series, number, step: int):
    topic = get_topic_or_404(series, number)
    ring = ring_entries(topic)
    if not ring:
        return _to_topic_page(topic, NOTICE_EMPTY)
    from_url = request.GET.get("from", "").strip()
    if not from_url:
        return _to_topic_page(topic, NOTICE_MISSING_FROM)
    index = _position(ring, from_url[:MAX_FROM_LENGTH])
    if index is None:
        logger.info("Webring of topic %s: from address not in the list", topic.pk)
        return _to_topic_page(topic, NOTICE_UNKNOWN_FROM)
    return HttpResponseRedirect(ring[(index + step) % len(ring)][0])


@public_page
@require_safe
def previous_entry(request, series, number):
    """Redirect to the entry before `from` in the list, wrapping round to the last."""
    return _step(request, series, number, -1)


@public_page
@require_safe
def next_entry(request, series, number):
    """Redirect to the entry after `from` in the list, wrapping round to the first."""
    return _step(request, series, number, +1)


@require_safe
def random_entry(request, series, number):
    """Redirect to a random entry of the list other than `from` (when there is one).

    Not cacheable, because each request should land somewhere new.
    """
    topic = get_topic_or_404(series, number)
    ring = ring_entries(topic)
    if not ring:
        return _to_topic_page(topic, NOTICE_EMPTY)
    index = _position(ring, request.GET.get("from", "")[:MAX_FROM_LENGTH])
    choices = [url for i, (url, _key) in enumerate(ring) if i != index] or [ring[0][0]]
    response = HttpResponseRedirect(random.choice(choices))
    response["Cache-Control"] = "no-store"
    return response


@public_page
@require_safe
def topic_list(request, series, number):
    """Redirect to the topic page: the middle link of the webring snippet."""
    return _to_topic_page(get_topic_or_404(series, number))
