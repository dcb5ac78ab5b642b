"""Finding links in fetched documents: the links a source page makes (to verify a
mention), the author it names, and the Webmention endpoint a post advertises.

Everything here works on a FetchResult that is already in memory; nothing fetches.
"""

import logging
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import mf2py
from bs4 import BeautifulSoup

logger = logging.getLogger(__name__)

HTML_TYPES = {"text/html", "application/xhtml+xml"}
# Elements and attributes whose values are links, as HTML defines them.
LINK_ATTRIBUTES = {
    "a": "href",
    "area": "href",
    "link": "href",
    "blockquote": "cite",
    "q": "cite",
    "ins": "cite",
    "del": "cite",
}
# Microformats 2 properties by which a post names what it replies to or mentions; their
# values may be plain URLs or embedded h-cite objects with a url.
MF2_LINK_PROPERTIES = (
    "in-reply-to",
    "like-of",
    "repost-of",
    "bookmark-of",
    "mention-of",
    "quotation-of",
)
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)


def content_type(headers) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


def is_html(headers, text: str) -> bool:
    kind = content_type(headers)
    if kind in HTML_TYPES:
        return True
    # A missing or generic type: look at the start of the body.
    if kind in ("", "application/octet-stream"):
        return text.lstrip()[:500].lower().startswith(("<!doctype html", "<html"))
    return False


def parse_html(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def base_url(soup: BeautifulSoup, document_url: str) -> str:
    """Return the URL that relative links resolve against: `<base href>` if present."""
    base = soup.find("base", href=True)
    if base is not None:
        return urljoin(document_url, base["href"].strip())
    return document_url


def html_links(soup: BeautifulSoup, document_url: str) -> list[str]:
    """Return every link in an HTML document, resolved to an absolute URL, in order."""
    base = base_url(soup, document_url)
    found = []
    for element in soup.find_all(list(LINK_ATTRIBUTES)):
        value = element.get(LINK_ATTRIBUTES[element.name])
        if isinstance(value, str) and value.strip():
            found.append(urljoin(base, value.strip()))
    return found


def _mf2_values(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        urls = [v for v in value.get("properties", {}).get("url", []) if isinstance(v, str)]
        if isinstance(value.get("value"), str):
            urls.append(value["value"])
        return urls
    return []


def _walk_items(items):
    for item in items:
        yield item
        yield from _walk_items(item.get("children", []))
        for values in item.get("properties", {}).values():
            yield from _walk_items([v for v in values if isinstance(v, dict) and "type" in v])


def mf2_links(parsed: dict) -> list[str]:
    """URLs named by reply, like, repost, bookmark and mention properties of any
    microformats item in `parsed` (mf2py's output)."""
    found = []
    for item in _walk_items(parsed.get("items", [])):
        properties = item.get("properties", {})
        for name in MF2_LINK_PROPERTIES:
            for value in properties.get(name, []):
                found.extend(_mf2_values(value))
    return found


def text_links(text: str) -> list[str]:
    """Absolute http(s) URLs written out in plain text, JSON or any other format."""
    return [match.rstrip(".,;:!?)]}") for match in URL_IN_TEXT.findall(text)]


@dataclass
class SourceDocument:
    """The links and author of a fetched source, as verification uses them."""

    links: list[str]
    html: str | None
    author_name: str = ""
    author_url: str = ""


def read_source(url: str, headers, text: str) -> SourceDocument:
    """Collect the links and the h-card author of a fetched source document."""
    if not is_html(headers, text):
        return SourceDocument(links=text_links(text), html=None)
    soup = parse_html(text)
    links = html_links(soup, url)
    author_name = author_url = ""
    try:
        parsed = mf2py.parse(doc=text, url=url, html_parser="html.parser")
    except Exception:
        # mf2py raises assorted errors on odd markup; the plain links above still count.
        logger.warning("Could not parse microformats in %s", url, exc_info=True)
    else:
        links.extend(mf2_links(parsed))
        author_name, author_url = entry_author(parsed)
    return SourceDocument(links=links, html=text, author_name=author_name, author_url=author_url)


def entry_author(parsed: dict) -> tuple[str, str]:
    """Return the name and URL of the first h-entry's author (an h-card or a name)."""
    for item in _walk_items(parsed.get("items", [])):
        if "h-entry" not in item.get("type", []):
            continue
        for author in item.get("properties", {}).get("author", []):
            if isinstance(author, str):
                if author.startswith(("http://", "https://")):
                    return "", author
                return author.strip(), ""
            if isinstance(author, dict):
                properties = author.get("properties", {})
                names = [n for n in properties.get("name", []) if isinstance(n, str)]
                urls = [u for u in properties.get("url", []) if isinstance(u, str)]
                return (names[0].strip() if names else ""), (urls[0] if urls else "")
    return "", ""


# --- Webmention endpoint discovery ----------------------------------------------------

_LINK_VALUE = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_LINK_PARAM = re.compile(r"""([\w*-]+)\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""")


def link_header_targets(values: list[str], relation: str) -> list[str]:
    """Return the targets of Link header values (RFC 8288) whose rel includes `relation`, in
    order, as written (possibly relative)."""
    found = []
    for value in values:
        for match in _LINK_VALUE.finditer(value):
            target, raw_params = match.group(1), match.group(2)
            for name, quoted, bare in _LINK_PARAM.findall(raw_params):
                if name.lower() != "rel":
                    continue
                rels = (quoted if quoted else bare).lower().split()
                if relation in rels:
                    found.append(target.strip())
    return found


def discover_webmention_endpoint(url: str, headers, text: str) -> str | None:
    """Return the Webmention endpoint a fetched page advertises, as an absolute URL.

    The order is the Webmention Recommendation's (section 3.1.2): the first HTTP Link
    header with rel="webmention", then the first `<link>` or `<a>` element with that
    rel in document order. Relative URLs resolve against `url`, the page's URL after
    redirects, and an empty href names the page itself. None when there is no endpoint.
    """
    from_header = link_header_targets(headers.get_list("link"), "webmention")
    if from_header:
        return urljoin(url, from_header[0])
    if not is_html(headers, text):
        return None
    soup = parse_html(text)
    for element in soup.find_all(["link", "a"]):
        rels = element.get("rel") or []
        if isinstance(rels, str):
            rels = rels.split()
        if "webmention" not in [rel.lower() for rel in rels]:
            continue
        href = element.get("href")
        if href is None:
            continue
        return urljoin(base_url(soup, url), href.strip())
    return None
