"""Finding a blog's feed, and polling feeds politely and in parallel.

Feeds are always fetched by the safe fetcher and handed to feedparser as bytes, so
feedparser never makes a request of its own. RSS and Atom are parsed by feedparser;
JSON Feed, which feedparser 6 does not read, is parsed here.

Polling uses conditional GET: the ETag and Last-Modified of the previous response
are sent back, and a 304 response carries no body. Many feeds are polled by a bounded thread
pool, each with its own timeout, and results are handled in the order they complete,
so one slow or broken feed never holds up the others. Network work happens in the
pool; database work stays in the calling thread.
"""

import concurrent.futures
import html
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import feedparser
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone

from blogsync.fetching.fetcher import LATIN_CHARSETS, FetchError, charset_from_content_type, fetch
from blogsync.fetching.metadata import clean_text, parse_date
from blogsync.fetching.models import FeedState
from blogsync.fetching.urlnorm import normalise_url

logger = logging.getLogger(__name__)

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
    "application/json": "json",
}
FEED_TIMEOUT = 15.0
FEED_MAX_BYTES = 5_000_000
MAX_TITLE = 300


@dataclass
class FeedItem:
    key: str
    link: str
    title: str
    published: datetime | None
    content_links: list[str] = field(default_factory=list)
    # The plain text of the title, summary and content, for finding a hashtag.
    text: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class PollOutcome:
    feed_url: str
    status: int | None = None
    not_modified: bool = False
    items: list[FeedItem] = field(default_factory=list)
    etag: str = ""
    last_modified: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


# --- Discovery ---------------------------------------------------------------------------


def discover_feeds(page_html: str, base_url: str) -> list[str]:
    """Return the feed URLs a page advertises with `<link rel="alternate">`, in page
    order, comment feeds last."""
    soup = BeautifulSoup(page_html, "html.parser")
    posts, comments = [], []
    for link in soup.find_all("link", href=True):
        rel = [value.lower() for value in (link.get("rel") or [])]
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        url = urljoin(base_url, link["href"].strip())
        if urlsplit(url).scheme not in ("http", "https") or url in posts + comments:
            continue
        title = (link.get("title") or "").lower()
        is_comments = "comment" in title or "/comments/" in urlsplit(url).path
        (comments if is_comments else posts).append(url)
    return posts + comments


def discover_feed(blog_url: str) -> str | None:
    """Return the main feed of the blog at `blog_url`, or None if it advertises none.

    A `blog_url` that is itself a feed is returned as it is. Raises FetchError when
    the blog cannot be fetched.
    """
    result = fetch(blog_url, timeout=FEED_TIMEOUT)
    if result.status >= 400:
        raise FetchError(blog_url, f"{blog_url} returned the error status {result.status}.")
    if result.content_type in FEED_TYPES or result.content_type.endswith("xml"):
        if parse_feed(result.content, result.url, result.headers.get("content-type", "")):
            return result.url
    found = discover_feeds(result.text, result.url)
    return found[0] if found else None


def store_feed_url(contributor) -> str | None:
    """Find the contributor's feed from their blog URL and save it on them.

    Returns the feed URL, or None when the blog has none or cannot be read (the
    error is logged).
    """
    if not contributor.blog_url:
        return None
    try:
        feed_url = discover_feed(contributor.blog_url)
    except FetchError as error:
        logger.warning("No feed found for contributor %s: %s", contributor.pk, error)
        return None
    if feed_url and len(feed_url) <= 1000 and feed_url != contributor.feed_url:
        contributor.feed_url = feed_url
        contributor.save(update_fields=["feed_url"])
        logger.info("Contributor %s feed set to %s", contributor.pk, feed_url)
    return feed_url


# --- Parsing -----------------------------------------------------------------------------

_XML_DECLARATION = re.compile(rb"^(\s*<\?xml[^>]*encoding=[\"'])([\w.:-]+)([\"'])")


def _repair_charset(content: bytes, content_type: str) -> tuple[bytes, str]:
    """Undo a declared Latin-1 charset on a feed whose bytes are really UTF-8.

    The HTTP header or the XML declaration is often a server default left in place,
    and feedparser would believe it and turn every "é" into "Ã©".
    """
    declaration = _XML_DECLARATION.match(content[:200])
    declared = {charset_from_content_type(content_type)}
    if declaration:
        declared.add(declaration.group(2).decode("ascii").lower())
    if not declared & LATIN_CHARSETS or content.isascii():
        return content, content_type
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return content, content_type
    if declaration:
        content = _XML_DECLARATION.sub(rb"\1utf-8\3", content, count=1)
    return content, content_type.split(";")[0]


class _FragmentReader(HTMLParser):
    """Collects the link targets and the text of an HTML fragment in one pass.

    The standard library's parser builds no tree, which makes it several times
    faster than BeautifulSoup on the many small fragments of a feed.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href.strip())

    def handle_data(self, data):
        self.text.append(data)


def _read_fragment(fragment: str, base: str) -> tuple[list[str], str]:
    if "<" not in fragment:
        return [], html.unescape(fragment)
    reader = _FragmentReader()
    reader.feed(fragment)
    reader.close()
    links = []
    for href in reader.hrefs:
        url = urljoin(base, href)
        if urlsplit(url).scheme in ("http", "https") and url not in links:
            links.append(url)
    return links, " ".join(reader.text)


def _make_item(key, link, title, published, fragments, tags, base) -> FeedItem | None:
    if not isinstance(link, str) or not link.strip():
        return None
    link = urljoin(base, link.strip())
    if urlsplit(link).scheme not in ("http", "https"):
        return None
    content_links = []
    texts = [title or ""]
    for fragment in fragments:
        links, text = _read_fragment(fragment, link)
        content_links.extend(url for url in links if url not in content_links)
        texts.append(text)
    title_text = clean_text(title or "", MAX_TITLE)
    text = " ".join(" ".join(texts).split())
    return FeedItem(
        key=str(key or link)[:1000],
        link=link,
        title=title_text,
        published=published,
        content_links=content_links,
        text=text,
        tags=[str(tag).strip() for tag in tags if str(tag).strip()],
    )


def _parse_json_feed(content: bytes, url: str) -> list[FeedItem]:
    try:
        data = json.loads(content.decode("utf-8", errors="replace"))
    except ValueError:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return []
    items = []
    for raw in data["items"]:
        if not isinstance(raw, dict):
            continue
        fragments = [
            value
            for value in (raw.get("content_html"), raw.get("content_text"), raw.get("summary"))
            if isinstance(value, str)
        ]
        tags = raw.get("tags") if isinstance(raw.get("tags"), list) else []
        item = _make_item(
            raw.get("id"),
            raw.get("url") or raw.get("external_url"),
            raw.get("title") if isinstance(raw.get("title"), str) else "",
            parse_date(raw.get("date_published")),
            fragments,
            tags,
            url,
        )
        if item:
            items.append(item)
    return items


def _struct_time(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def parse_feed(content: bytes, url: str, content_type: str = "") -> list[FeedItem]:
    """Return the items of an RSS, Atom or JSON feed, skipping items without a link.

    An item's relative link is resolved against the feed's `url` (or its xml:base),
    and relative links in its content against the item's link.
    An unreadable feed gives an empty list.
    """
    if content.lstrip()[:1] == b"{":
        return _parse_json_feed(content, url)
    content, content_type = _repair_charset(content, content_type)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # The content is never shown, only searched for links and a hashtag, so
    # feedparser's sanitiser is not needed. Relative links are resolved against each
    # item's own link in _make_item. Skipping both made parsing a ten-item feed about
    # a third faster (bench/feeds.py items, measured in-process).
    parsed = feedparser.parse(
        content, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    items = []
    for entry in parsed.entries:
        fragments = [part.get("value", "") for part in entry.get("content", [])]
        if entry.get("summary"):
            fragments.append(entry.summary)
        published = _struct_time(entry.get("published_parsed") or entry.get("updated_parsed"))
        item = _make_item(
            entry.get("id"),
            entry.get("link"),
            entry.get("title", ""),
            published,
            fragments,
            [tag.get("term", "") for tag in entry.get("tags", [])],
            url,
        )
        if item:
            items.append(item)
    return items


# --- Polling -----------------------------------------------------------------------------


def fetch_feed(feed_url: str, etag: str = "", last_modified: str = "") -> PollOutcome:
    """Fetch and parse one feed with a conditional GET, returning fetch errors in the
    outcome instead of raising them. Makes no database query, so that it can run in a
    worker thread.
    """
    headers = {
        "Accept": "application/atom+xml, application/rss+xml, application/feed+json, "
        "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    outcome = PollOutcome(feed_url=feed_url, etag=etag, last_modified=last_modified)
    try:
        result = fetch(feed_url, headers=headers, timeout=FEED_TIMEOUT, max_bytes=FEED_MAX_BYTES)
    except FetchError as error:
        outcome.error = str(error)
        return outcome

    outcome.status = result.status
    if result.status == 304:
        outcome.not_modified = True
        return outcome
    if result.status >= 400:
        outcome.error = f"The feed returned the error status {result.status}."
        return outcome

    outcome.etag = result.headers.get("etag", "")[:500]
    outcome.last_modified = result.headers.get("last-modified", "")[:100]
    outcome.items = parse_feed(result.content, result.url, result.headers.get("content-type", ""))
    if not outcome.items and not _looks_like_empty_feed(result.content):
        outcome.error = "The address does not return a feed that can be read."
    return outcome


def _looks_like_empty_feed(content: bytes) -> bool:
    head = content[:2000].lower()
    return any(marker in head for marker in (b"<rss", b"<feed", b"<rdf:rdf", b'"items"'))


def poll_concurrently(
    requests: Iterable[tuple[str, str, str]], workers: int | None = None
) -> Iterator[PollOutcome]:
    """Fetch feeds given as (url, etag, last_modified), `workers` at a time, and
    yield each outcome as soon as it is ready."""
    workers = workers or settings.BLOGSYNC_FETCH_WORKERS
    with concurrent.futures.ThreadPoolExecutor(
        max_workers=workers, thread_name_prefix="blogsync-feed"
    ) as pool:
        futures = {
            pool.submit(fetch_feed, url, etag, last_modified): url
            for url, etag, last_modified in requests
        }
        for future in concurrent.futures.as_completed(futures):
            try:
                yield future.result()
            except Exception as error:
                # fetch_feed catches fetch errors; anything else is a parsing bug that
                # must not stop the other feeds.
                logger.exception("Polling %s failed unexpectedly", futures[future])
                yield PollOutcome(feed_url=futures[future], error=f"Unexpected error: {error}")


@dataclass
class PolledFeed:
    state: FeedState
    outcome: PollOutcome
    new_items: list[FeedItem]
    first_poll: bool


def item_key(item: FeedItem) -> str:
    return normalise_url(item.link) if item.link else item.key


def poll_feeds(feed_urls: Iterable[str], workers: int | None = None) -> Iterator[PolledFeed]:
    """Poll each feed once and record the outcome in its FeedState.

    Yields, as each feed completes, its items not seen in earlier polls. A feed's
    first poll also yields every item; callers decide what counts as new.
    """
    urls = sorted(set(feed_urls))
    states = {state.feed_url: state for state in FeedState.objects.filter(feed_url__in=urls)}
    for url in urls:
        if url not in states:
            states[url], _ = FeedState.objects.get_or_create(feed_url=url)
    requests = [(url, states[url].etag, states[url].last_modified) for url in urls]
    for outcome in poll_concurrently(requests, workers):
        state = states[outcome.feed_url]
        first_poll = state.last_success_at is None
        new_items = record_outcome(state, outcome)
        yield PolledFeed(state=state, outcome=outcome, new_items=new_items, first_poll=first_poll)


def record_outcome(state: FeedState, outcome: PollOutcome) -> list[FeedItem]:
    """Save what a poll found on the feed's state; return the items not seen before."""
    now = timezone.now()
    state.last_checked_at = now
    new_items: list[FeedItem] = []
    if outcome.error:
        state.failures += 1
        state.last_error = outcome.error
        logger.warning(
            "Feed %s failed (%s in a row): %s", state.feed_url, state.failures, outcome.error
        )
    else:
        state.failures = 0
        state.last_error = ""
        state.failure_notified_at = None
        state.last_success_at = now
        if not outcome.not_modified:
            state.etag = outcome.etag
            state.last_modified = outcome.last_modified
            seen = set(state.seen)
            new_items = [item for item in outcome.items if item_key(item) not in seen]
            keys = list(state.seen) + [item_key(item) for item in new_items]
            state.seen = keys[-FeedState.MAX_SEEN :]
    state.save()
    return new_items
