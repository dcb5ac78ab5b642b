"""Rate limits for the mention endpoints, counted in the database.

Each key (a client address or a source host) has a counter per fixed window of
BLOGSYNC_MENTION_RATE_WINDOW seconds. The counters live in the database so that every
web process shares them; a cache would be per process unless a shared one is set up.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from blogsync.mentions.models import RateWindow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateLimited:
    """A request over its limit; `retry_after` is whole seconds until the window ends."""

    key: str
    limit: int
    retry_after: int


def _window_start(now: datetime, window_seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_seconds, tz=UTC)


def hit(key: str, limit: int, window_seconds: int, now: datetime | None = None):
    """Count one request for `key`; return RateLimited when it is over `limit` in the
    current window, else None. A limit of 0 turns the check off."""
    if limit <= 0:
        return None
    now = now or timezone.now()
    start = _window_start(now, window_seconds)
    with transaction.atomic():
        counter, created = RateWindow.objects.get_or_create(
            key=key, window_start=start, defaults={"hits": 1}
        )
        if not created:
            RateWindow.objects.filter(pk=counter.pk).update(hits=F("hits") + 1)
            counter.refresh_from_db(fields=["hits"])
        else:
            # Once per key and window: drop every finished window, so that the table
            # holds no more than one window's worth of keys.
            RateWindow.objects.filter(window_start__lt=start).delete()
    if counter.hits <= limit:
        return None
    retry_after = max(1, int((start + timedelta(seconds=window_seconds) - now).total_seconds()))
    logger.info("Rate limit reached for %s: %s requests, limit %s", key, counter.hits, limit)
    return RateLimited(key=key, limit=limit, retry_after=retry_after)
