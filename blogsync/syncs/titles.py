"""Reading a post's title from its page for the entry form.

A writer may leave the title empty: the hub then fetches the post through the safe
fetcher (blogsync.fetching.metadata) and offers the title it finds. The lookup also
returns the page's declared canonical URL, signed, so that the final submission can
detect a duplicate (`/?p=123` against a pretty permalink already listed) without
fetching the page again.

Each lookup makes an outbound request that a stranger chose, so lookups are bounded:
a per-client count per minute (in Django's cache), a few at a time per process, and a
total timeout (BLOGSYNC_TITLE_LOOKUP_TIMEOUT).
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from blogsync.fetching.fetcher import FetchError
from blogsync.fetching.metadata import fetch_metadata

logger = logging.getLogger(__name__)

# Pages are small; a post larger than this is not read for its title.
MAX_PAGE_BYTES = 1_000_000
# Lookups running at once in one process; another waits this many seconds for a turn.
CONCURRENT_LOOKUPS = 4
TURN_WAIT_SECONDS = 2.0
PAGE_TOKEN_SALT = "blogsync.syncs.titles.page"
# A filled-in form may sit in a browser tab for a while before it is submitted.
PAGE_TOKEN_MAX_AGE = 24 * 3600

_turns = threading.BoundedSemaphore(CONCURRENT_LOOKUPS)


class LookupFailed(Exception):
    """No title could be read; `reason` is a clause to show the writer, without a
    full stop."""

    def __init__(self, reason: str, *, rate_limited: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.rate_limited = rate_limited


@dataclass(frozen=True)
class PageTitle:
    url: str
    title: str
    canonical_url: str

    @property
    def token(self) -> str:
        """The URL and its canonical URL, signed, for a hidden form field."""
        return signing.dumps([self.url, self.canonical_url], salt=PAGE_TOKEN_SALT, compress=True)


def canonical_url_from_token(token: str, url: str) -> str:
    """Return the canonical URL that a lookup of `url` found, read from a token made by
    PageTitle.token. Returns an empty string when the token is missing, invalid,
    expired or made for another URL."""
    if not token:
        return ""
    try:
        looked_up, canonical = signing.loads(
            token, salt=PAGE_TOKEN_SALT, max_age=PAGE_TOKEN_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        logger.info("Ignored an invalid page token on an entry form")
        return ""
    if looked_up != url or not isinstance(canonical, str):
        return ""
    return canonical


def _count_lookup(client: str) -> bool:
    """Count one lookup for `client`; return False when it is over the minute's limit."""
    key = f"blogsync:title-lookups:{client}:{int(time.time() // 60)}"
    # add() creates the counter only if it is missing, so two first requests cannot
    # both start it at 1.
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        # The counter expired between add() and incr().
        cache.set(key, 1, timeout=120)
        count = 1
    return count <= settings.BLOGSYNC_TITLE_LOOKUPS_PER_MINUTE


def look_up_title(url: str, *, client: str) -> PageTitle:
    """Fetch the post at `url` and return its title and canonical URL. The title is
    empty when the page declares none, so the caller can still check the canonical URL
    for a duplicate.

    Raises LookupFailed when `client` (an IP address) made too many requests, the hub
    is busy or the fetch fails (FetchError: an error status, a blocked address, a
    timeout).

    NOTE: with Django's default local-memory cache, the per-client count is kept per
    process, so a server with several processes allows that many times more.
    """
    if not _count_lookup(client):
        logger.info("Title lookup for %s rejected: rate limit reached", client)
        raise LookupFailed(
            "the hub has read too many pages for you in the last minute", rate_limited=True
        )
    if not _turns.acquire(timeout=TURN_WAIT_SECONDS):
        logger.warning(
            "Title lookup for %s rejected: %s lookups already running", client, CONCURRENT_LOOKUPS
        )
        raise LookupFailed("the hub is busy reading other pages")
    try:
        metadata = fetch_metadata(
            url, timeout=settings.BLOGSYNC_TITLE_LOOKUP_TIMEOUT, max_bytes=MAX_PAGE_BYTES
        )
    except FetchError as error:
        logger.info("Title lookup of %s for %s failed: %s", url, client, error)
        raise LookupFailed(error.message.rstrip(".")) from None
    finally:
        _turns.release()
    if metadata.title:
        logger.info("Title of %s read for %s from %s", url, client, metadata.found_in["title"])
    else:
        logger.info("Title lookup of %s for %s found no title", url, client)
    return PageTitle(url=url, title=metadata.title, canonical_url=metadata.canonical_url)
