"""Checking the URLs that Webmention and Pingback requests carry.

Whether a URL points to a topic page is decided by blogsync.syncs.topic_urls, which
the feed watcher uses too. Its names are imported here for the mentions modules.
"""

from urllib.parse import urlsplit

from blogsync.syncs.topic_urls import (
    TOPIC_VIEW,
    TopicAddress,
    absolute_topic_url,
    find_topic,
    host_key,
    hub_hosts,
    topic_address,
)

__all__ = [
    "TOPIC_VIEW",
    "InvalidURL",
    "TopicAddress",
    "absolute_topic_url",
    "check_http_url",
    "find_topic",
    "host_key",
    "hub_hosts",
    "topic_address",
]


class InvalidURL(ValueError):
    """A URL that is not an absolute http or https URL; the message states why."""


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
