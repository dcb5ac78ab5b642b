"""Conditional GET for feeds, OPML and calendars.

The ETag is a hash of the body, so it changes whenever anything shown changes,
including things without a modification date (a contributor's name, a topic that
became visible because time passed). A request whose If-None-Match matches gets 304
Not Modified. The body is still built, so a 304 saves bandwidth, not queries.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe, quote_etag

from blogsync.syncs.caching import read_only


def conditional_public(view):
    """Add an ETag to a public 200 response, and return 304 when the client has that body."""

    @read_only
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            patch_cache_control(response, private=True, no_cache=True)
            return response
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response.headers["ETag"] = etag
        last_modified = None
        if response.has_header("Last-Modified"):
            last_modified = parse_http_date_safe(response.headers["Last-Modified"])
        response = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
        patch_cache_control(response, public=True, max_age=settings.BLOGSYNC_PUBLIC_CACHE_SECONDS)
        return response

    return wrapper
