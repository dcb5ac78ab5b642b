"""Metadata a blog post declares about itself: title, author, date, canonical URL.

Each field is taken from the first source that has it, in this order:

1. microformats2 `h-entry` (parsed by mf2py, which also reads the older `hentry`
   classes that many Blogger and WordPress themes still carry);
2. JSON-LD (`<script type="application/ld+json">`, an Article or BlogPosting, with
   `@graph` references resolved);
3. schema.org microdata (`itemprop` attributes);
4. OpenGraph and plain `<meta>` tags (`og:title`, `author`,
   `article:published_time`, `og:url`);
5. the document itself: `<title>` (without a trailing " | Site name"), or the only
   `<h1>`.

The canonical URL comes first from `<link rel="canonical">`, because that is the
element made for it, then from the sources above.

Every value is treated as untrusted text: the parser decodes entities once, tags left
inside a value are stripped, whitespace is collapsed and the length is capped.
"""

import html
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import mf2py
from bs4 import BeautifulSoup

from blogsync.fetching.fetcher import FetchError, fetch

logger = logging.getLogger(__name__)

MAX_TITLE = 300
MAX_AUTHOR = 200
MAX_URL = 1000
ARTICLE_TYPES = {
    "article",
    "blogposting",
    "newsarticle",
    "posting",
    "socialmediaposting",
    "report",
    "scholarlyarticle",
    "techarticle",
}
TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " » ", ": ")


@dataclass
class PageMetadata:
    url: str
    title: str = ""
    author: str = ""
    published: datetime | None = None
    canonical_url: str = ""
    # Which source each field came from: "link" (rel=canonical), "mf2", "json-ld",
    # "microdata", "meta" or "html".
    found_in: dict[str, str] = field(default_factory=dict)


# --- Cleaning ------------------------------------------------------------------------

_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


def clean_text(value, limit: int, *, strip_tags: bool = True) -> str:
    """Collapse whitespace, strip leftover tags and cap the length of `value`.

    Entities are not decoded here: the HTML parser has decoded them once already, and
    decoding again would turn a literal "&amp;amp;" written by the author into "&".
    Text read from elements (not attributes or JSON) is already free of tags, so any
    "<...>" left in it is what the author wrote, and `strip_tags=False` keeps it.
    """
    if not isinstance(value, str):
        return ""
    if strip_tags and _TAG.search(value):
        value = BeautifulSoup(value, "html.parser").get_text(" ")
    value = " ".join(value.split())
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def parse_date(value) -> datetime | None:
    """Read an ISO 8601 or RFC 2822 date; a date without a zone is taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _web_url(value, base: str) -> str:
    if not isinstance(value, str) or not value.strip():
        return ""
    absolute = urljoin(base, value.strip())
    if urlsplit(absolute).scheme not in ("http", "https") or len(absolute) > MAX_URL:
        return ""
    return absolute


# --- Sources ---------------------------------------------------------------------------


def _from_mf2(page_html: str, url: str) -> dict:
    try:
        parsed = mf2py.parse(doc=page_html, url=url, html_parser="html.parser")
    except Exception:
        # mf2py raises assorted errors on broken markup; the other sources remain.
        logger.warning("mf2py could not parse %s", url, exc_info=True)
        return {}

    entries = _find_entries(parsed.get("items", []))
    if not entries:
        return {}
    # On a page listing several entries, the one whose u-url is this page wins.
    entry = entries[0]
    for candidate in entries:
        if url in candidate.get("properties", {}).get("url", []):
            entry = candidate
            break

    properties = entry.get("properties", {})
    found = {}
    name = _first(properties.get("name"))
    content = _first(properties.get("content"))
    content_text = content.get("value", "") if isinstance(content, dict) else content
    # mf2 implies a name from the whole text when none is marked up; that is the
    # post's body, not its title.
    if isinstance(name, str) and " ".join(name.split()) != " ".join(str(content_text).split()):
        found["title"] = name

    author = _first(properties.get("author"))
    if isinstance(author, dict):
        author = _first(author.get("properties", {}).get("name")) or author.get("value")
    if isinstance(author, str) and not author.startswith(("http://", "https://")):
        found["author"] = author
    found["published"] = _first(properties.get("published"))
    found["canonical_url"] = _first(properties.get("url"))
    return found


def _find_entries(items: list) -> list[dict]:
    entries = []
    for item in items:
        if "h-entry" in item.get("type", []):
            entries.append(item)
        entries.extend(_find_entries(item.get("children", [])))
    return entries


def _first(values):
    if isinstance(values, list):
        return values[0] if values else None
    return values


def _from_json_ld(soup: BeautifulSoup) -> dict:
    nodes = []
    for script in soup.find_all("script", type=re.compile(r"application/ld\+json", re.I)):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        nodes.extend(_flatten(data))
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    for node in nodes:
        types = node.get("@type", [])
        types = [types] if isinstance(types, str) else types
        if not {str(t).lower() for t in types} & ARTICLE_TYPES:
            continue
        found = {
            "title": _unescape(node.get("headline") or node.get("name")),
            "published": node.get("datePublished") or node.get("dateCreated"),
        }
        # Medium appends " - Medium" to the headline but gives the plain title as name.
        if isinstance(node.get("name"), str) and isinstance(node.get("headline"), str):
            if node["headline"].startswith(node["name"]):
                found["title"] = _unescape(node["name"])
        author = _first(node.get("author"))
        if isinstance(author, dict) and "name" not in author:
            author = by_id.get(author.get("@id"), author)
        if isinstance(author, dict):
            author = author.get("name")
        found["author"] = _unescape(author)
        page = node.get("mainEntityOfPage")
        if isinstance(page, dict):
            page = page.get("@id")
        found["canonical_url"] = node.get("url") or page
        return found
    return {}


def _flatten(data) -> list[dict]:
    if isinstance(data, list):
        return [node for item in data for node in _flatten(item)]
    if not isinstance(data, dict):
        return []
    if isinstance(data.get("@graph"), list):
        return _flatten(data["@graph"])
    return [data]


def _unescape(value):
    # JSON is not HTML, but CMS plugins often write HTML entities into it.
    return html.unescape(value) if isinstance(value, str) else value


def _from_microdata(soup: BeautifulSoup) -> dict:
    """schema.org microdata (itemprop attributes), as Blogger themes write it."""
    found = {}
    author = soup.find(attrs={"itemprop": "author"})
    if author is not None:
        name = author.find(attrs={"itemprop": "name"}) or author
        found["author"] = name.get("content") or name.get_text(" ")
    published = soup.find(attrs={"itemprop": "datePublished"})
    if published is not None:
        found["published"] = (
            published.get("content")
            or published.get("datetime")
            or published.get("title")
            or published.get_text()
        )
    headline = soup.find(attrs={"itemprop": ["headline", "name"]})
    if headline is not None and headline.find_parent(attrs={"itemprop": "author"}) is None:
        found["title"] = headline.get("content") or headline.get_text(" ")
    return found


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find(
            "meta", attrs={"name": name}
        )
        if tag and tag.get("content"):
            return tag["content"]
    return None


def _from_meta(soup: BeautifulSoup) -> dict:
    author = _meta(soup, "author", "article:author", "twitter:creator")
    if author and author.startswith(("http://", "https://", "@")):
        author = None
    return {
        "title": _meta(soup, "og:title", "twitter:title"),
        "author": author,
        "published": _meta(soup, "article:published_time", "datePublished", "date"),
        "canonical_url": _meta(soup, "og:url"),
    }


def _from_document(soup: BeautifulSoup) -> dict:
    title = soup.title.get_text() if soup.title else ""
    title = " ".join(title.split())
    site_name = _meta(soup, "og:site_name", "application-name")
    for separator in TITLE_SEPARATORS:
        head, sep, tail = title.rpartition(separator)
        if sep and head and site_name and tail.strip() == " ".join(site_name.split()):
            title = head
            break
    if not title:
        headings = soup.find_all("h1")
        if len(headings) == 1:
            title = headings[0].get_text(" ")
    return {"title": title}


def extract_metadata(page_html: str, url: str) -> PageMetadata:
    """Read the metadata of the post at `url` from its HTML; makes no request."""
    soup = BeautifulSoup(page_html, "html.parser")
    sources = [
        ("mf2", _from_mf2(page_html, url)),
        ("json-ld", _from_json_ld(soup)),
        ("microdata", _from_microdata(soup)),
        ("meta", _from_meta(soup)),
        ("html", _from_document(soup)),
    ]
    metadata = PageMetadata(url=url)
    canonical = soup.find("link", rel="canonical", href=True)
    if canonical is not None:
        metadata.canonical_url = _web_url(canonical["href"], url)
        metadata.found_in["canonical_url"] = "link"
    for source, found in sources:
        strip = source in ("json-ld", "meta")
        title = clean_text(found.get("title"), MAX_TITLE, strip_tags=strip)
        author = clean_text(found.get("author"), MAX_AUTHOR, strip_tags=strip)
        if not metadata.title and title:
            metadata.title = title
            metadata.found_in["title"] = source
        if not metadata.author and author:
            metadata.author = author
            metadata.found_in["author"] = source
        if metadata.published is None and (published := parse_date(found.get("published"))):
            metadata.published = published
            metadata.found_in["published"] = source
        if not metadata.canonical_url and (
            canonical_url := _web_url(found.get("canonical_url"), url)
        ):
            metadata.canonical_url = canonical_url
            metadata.found_in["canonical_url"] = source
    return metadata


def fetch_metadata(url: str, **fetch_options) -> PageMetadata:
    """Fetch the post at `url` with the safe fetcher and read its metadata.

    Raises FetchError when the page cannot be fetched, returns an error status
    or is not HTML.
    """
    result = fetch(url, **fetch_options)
    if result.status >= 400:
        raise FetchError(url, f"{url} returned the error status {result.status}.")
    if result.content_type not in ("text/html", "application/xhtml+xml", ""):
        raise FetchError(url, f"{url} is not a web page (it is {result.content_type}).")
    return extract_metadata(result.text, result.url)
