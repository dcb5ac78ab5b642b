"""The synchronous checks that both endpoints make before a mention is recorded.

Order matters: the per-client rate limit comes first so that even malformed requests
are counted, then the URLs are checked, then the per-host limit and the block list.
Every rejection is logged with the client address. Requests that pass are stored as a
Mention, and so is a blocked host's mention, as rejected, so that admins see it.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from blogsync.fetching.urlnorm import normalise_url
from blogsync.mentions import ratelimit
from blogsync.mentions.models import BlockedHost, Mention, MentionState
from blogsync.mentions.targets import (
    InvalidURL,
    check_http_url,
    find_topic,
    host_key,
    hub_hosts,
    topic_address,
)

logger = logging.getLogger(__name__)

# Pingback 1.0 fault codes.
FAULT_GENERIC = 0
FAULT_SOURCE_MISSING = 16
FAULT_NO_LINK = 17
FAULT_TARGET_MISSING = 32
FAULT_TARGET_UNUSABLE = 33
FAULT_ALREADY_REGISTERED = 48
FAULT_ACCESS_DENIED = 49
FAULT_UPSTREAM = 50

# The source becomes Entry.url, which holds at most 1,000 characters.
MAX_SOURCE_LENGTH = 1000


class RequestRejected(Exception):
    """A request that fails a synchronous check. `status` is the Webmention HTTP
    status, `fault` the Pingback fault code, and the message states why."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        fault: int = FAULT_GENERIC,
        retry_after: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.fault = fault
        self.retry_after = retry_after


@dataclass(frozen=True)
class Request:
    """A mention request as the endpoints pass it in: the two URLs and its origin."""

    source: str
    target: str
    protocol: str
    client_ip: str | None
    request_host: str


def is_blocked(host: str) -> bool:
    """Return whether `host` or any domain above it is on the block list."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    candidates = {".".join(labels[index:]) for index in range(len(labels))}
    return BlockedHost.objects.filter(host__in=candidates).exists()


def _check_rate(key: str, limit: int) -> None:
    limited = ratelimit.hit(key, limit, settings.BLOGSYNC_MENTION_RATE_WINDOW)
    if limited is not None:
        minutes = max(1, round(limited.retry_after / 60))
        raise RequestRejected(
            f"Too many mentions from {key.split(':', 1)[1]}; please try again in about "
            f"{minutes} minute{'s' if minutes != 1 else ''}.",
            status=429,
            fault=FAULT_ACCESS_DENIED,
            retry_after=limited.retry_after,
        )


def receive(request: Request) -> Mention:
    """Check a mention request and store it as a pending Mention.

    Raises RequestRejected for every check that fails.
    """
    try:
        mention = _receive(request)
    except RequestRejected as rejection:
        logger.info(
            "%s from %s rejected (HTTP %s, fault %s): %s; source %r, target %r",
            request.protocol,
            request.client_ip,
            rejection.status,
            rejection.fault,
            rejection.message,
            request.source[:300],
            request.target[:300],
        )
        raise
    logger.info(
        "%s %s received from %s: %s links to topic %s",
        request.protocol,
        mention.pk,
        request.client_ip,
        mention.source,
        mention.topic_id,
    )
    return mention


def _receive(request: Request) -> Mention:
    if request.client_ip:
        _check_rate(f"client:{request.client_ip}", settings.BLOGSYNC_MENTION_LIMIT_PER_CLIENT)

    try:
        source = check_http_url(request.source, "source", max_length=MAX_SOURCE_LENGTH)
    except InvalidURL as error:
        raise RequestRejected(str(error), fault=FAULT_SOURCE_MISSING) from None
    try:
        target = check_http_url(request.target, "target")
    except InvalidURL as error:
        raise RequestRejected(str(error), fault=FAULT_TARGET_UNUSABLE) from None

    normalised_source = normalise_url(source)
    if len(normalised_source) > MAX_SOURCE_LENGTH:
        # Percent-encoding the query can make the key longer than the URL itself.
        raise RequestRejected(
            f"The source URL is longer than {MAX_SOURCE_LENGTH:,} characters once encoded.",
            fault=FAULT_SOURCE_MISSING,
        )
    if normalised_source == normalise_url(target):
        raise RequestRejected("The source and target are the same URL.")
    hosts = hub_hosts(request.request_host)
    if host_key(source) in hosts:
        raise RequestRejected("The source is a page of this hub; only posts on other sites count.")

    address = topic_address(target, hosts)
    if address is None:
        raise RequestRejected(
            f"The target {target} is not a topic page of this hub; mentions are accepted "
            "for topic pages such as /blogsync/10/ only.",
            fault=FAULT_TARGET_UNUSABLE,
        )
    topic = find_topic(address)
    if topic is None:
        raise RequestRejected(
            f"There is no topic {address.number} in the series {address.series}.",
            fault=FAULT_TARGET_MISSING,
        )

    source_host = host_key(source)
    _check_rate(f"host:{source_host}", settings.BLOGSYNC_MENTION_LIMIT_PER_HOST)

    mention = Mention(
        protocol=request.protocol,
        source=source,
        normalised_source=normalised_source,
        target=target,
        topic=topic,
        client_ip=request.client_ip,
    )
    if is_blocked(source_host.split(":")[0].strip("[]")):
        mention.state = MentionState.REJECTED
        mention.error = "Mentions from this site are not accepted by this hub."
        mention.verified_at = timezone.now()
        mention.save()
        logger.warning(
            "%s %s from blocked host %s rejected", request.protocol, mention.pk, source_host
        )
        raise RequestRejected(mention.error, status=403, fault=FAULT_ACCESS_DENIED)
    mention.save()
    return mention
