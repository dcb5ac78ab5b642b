"""Background tasks of the outbound layer. Each takes ids and can run twice safely."""

import logging

from django_tasks import task

from blogsync.fetching import linkhealth, watching
from blogsync.fetching.models import FeedState
from blogsync.mail import build_message
from blogsync.syncs.models import Contributor

logger = logging.getLogger(__name__)


@task()
def poll_open_topic_feeds() -> dict:
    """Poll the feeds of writers signed up to open topics (see blogsync.fetching.watching)."""
    return watching.poll_open_topic_feeds()


@task()
def send_feed_failure_notice(contributor_id: int, feed_url: str) -> bool:
    """Email a writer that their feed could not be read, with the last error."""
    contributor = Contributor.objects.filter(pk=contributor_id).first()
    state = FeedState.objects.filter(feed_url=feed_url).first()
    if contributor is None or state is None or not contributor.email:
        logger.info("No feed notice for contributor %s: no address or state", contributor_id)
        return False
    if state.failures == 0:
        logger.info(
            "Feed %s works again, so contributor %s is not emailed", feed_url, contributor_id
        )
        return False
    message = build_message(
        "fetching/feed_unreadable",
        contributor.email,
        {
            "contributor": contributor,
            "feed_url": feed_url,
            "error": state.last_error,
            "failures": state.failures,
        },
    )
    message.send()
    logger.info("Told contributor %s that feed %s cannot be read", contributor_id, feed_url)
    return True


@task()
def check_links() -> dict:
    """Check every approved entry's link and report new dead links to coordinators."""
    return linkhealth.check_all_and_report()
