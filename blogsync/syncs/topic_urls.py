"""Recognising the hub's topic pages among the URLs that writers copy.

A writer may link to a topic page by any of its equivalent URLs: with or without the
trailing slash, over http or https, with or without `www.`, with a query string
(tracking parameters, say) or a fragment. The host may be the SITE_URL host, a literal
ALLOWED_HOSTS entry or, for a request, whichever host it came in on. All of them name
one topic.

Both the mentions endpoints and the feed watcher (blogsync.fetching.watching) decide
with `topic_address()` whether a link points to a topic page, so this module depends
on neither of them.
"""

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

from blogsync.syncs.models import Topic

TOPIC_VIEW = "syncs:topic_detail"


@dataclass(frozen=True)
class TopicAddress:
    """The parts of a URL that name a topic page: the series slug and the number."""

    series: str
    number: int

    @classmethod
    def of(cls, topic: Topic) -> "TopicAddress":
        return cls(series=topic.series.slug, number=topic.number)


def host_key(url: str) -> str:
    """Return the host and any non-default port of `url`, lower-cased, the same for http and
    https, so that http://hub/ and https://hub/ compare equal."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    if ":" in host:
        host = f"[{host}]"
    if port is None or port in (80, 443):
        return host
    return f"{host}:{port}"


def hub_hosts(request_host: str = "") -> set[str]:
    """Return the host keys under which the hub's pages are reachable: the SITE_URL
    host, every literal host in ALLOWED_HOSTS (on the default ports), and, when given,
    the host of the current request (as `request.get_host()` returns it)."""
    hosts = {host_key(settings.SITE_URL)}
    for allowed in settings.ALLOWED_HOSTS:
        # Patterns (".example.org", "*") stand for hosts the hub cannot list.
        if allowed and not allowed.startswith(".") and "*" not in allowed:
            hosts.add(host_key(f"http://{allowed}"))
    if request_host:
        hosts.add(host_key(f"http://{request_host}"))
    hosts.discard("")
    return hosts


def _without_www(host: str) -> str:
    return host.removeprefix("www.")


def _site_path_prefix() -> str:
    return urlsplit(settings.SITE_URL).path.rstrip("/")


def topic_address(url: str, hosts: set[str]) -> TopicAddress | None:
    """Return the topic that `url` names, if it is a topic page of this hub on one of
    `hosts` (with or without `www.`); None for any other URL. No database query is
    made."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    if _without_www(host_key(url)) not in {_without_www(host) for host in hosts}:
        return None
    path = unquote(parts.path) or "/"
    prefix = _site_path_prefix()
    if prefix:
        if not path.startswith(prefix + "/"):
            return None
        path = path[len(prefix) :]
    if not path.endswith("/"):
        path += "/"
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != TOPIC_VIEW:
        return None
    return TopicAddress(series=match.kwargs["series"], number=match.kwargs["number"])


def links_to_topic(links, topic: Topic, hosts: set[str] | None = None) -> bool:
    """Return whether any of `links` is a URL of `topic`'s page on the hub's hosts
    (`hub_hosts()` when `hosts` is not given)."""
    if hosts is None:
        hosts = hub_hosts()
    expected = TopicAddress.of(topic)
    return any(topic_address(link, hosts) == expected for link in links)


def find_topic(address: TopicAddress) -> Topic | None:
    return (
        Topic.objects.select_related("series")
        .filter(series__slug=address.series, number=address.number)
        .first()
    )


def absolute_topic_url(topic: Topic) -> str:
    """Return the topic page's URL on the SITE_URL host, as the hub links to it."""
    return settings.SITE_URL + topic.get_absolute_url()
