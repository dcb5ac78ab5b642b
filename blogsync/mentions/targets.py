"""Recognising the hub's topic pages among the URLs that writers copy.

A writer may link to a topic page by any of its equivalent URLs: with or without the
trailing slash, over http or https, with tracking parameters or a fragment. The host may
be the SITE_URL host or whichever host the request came in on. All of them name one
topic.
"""

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

from blogsync.syncs.models import Topic

TOPIC_VIEW = "syncs:topic_detail"


class InvalidURL(ValueError):
    """A URL that is not an absolute http or https URL; the message states why."""


@dataclass(frozen=True)
class TopicAddress:
    """The parts of a URL that name a topic page: the series slug and the number."""

    series: str
    number: int


def check_http_url(value: str, name: str, max_length: int = 2000) -> str:
    """Return `value` stripped, or raise InvalidURL when it is not an absolute http(s)
    URL with a host. `name` is the parameter's name, for the message."""
    value = (value or "").strip()
    if not value:
        raise InvalidURL(f"The {name} parameter is missing.")
    if len(value) > max_length:
        raise InvalidURL(f"The {name} URL is longer than {max_length:,} characters.")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise InvalidURL(f"The {name} URL {value!r} is not a valid URL.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidURL(f"The {name} URL must start with http:// or https://, not {value!r}.")
    if not parts.hostname:
        raise InvalidURL(f"The {name} URL {value!r} has no host name.")
    if any(character.isspace() for character in value):
        raise InvalidURL(f"The {name} URL {value!r} contains spaces.")
    return value


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


def _site_path_prefix() -> str:
    return urlsplit(settings.SITE_URL).path.rstrip("/")


def topic_address(url: str, hosts: set[str]) -> TopicAddress | None:
    """Return the topic that `url` names, if it is a topic page of this hub on one of
    `hosts`; None for any other URL. No database query is made."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or host_key(url) not in hosts:
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


def find_topic(address: TopicAddress) -> Topic | None:
    return (
        Topic.objects.select_related("series")
        .filter(series__slug=address.series, number=address.number)
        .first()
    )


def absolute_topic_url(topic: Topic) -> str:
    """Return the topic page's URL on the SITE_URL host, as the hub links to it."""
    return settings.SITE_URL + topic.get_absolute_url()
