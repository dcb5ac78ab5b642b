"""Background tasks of the hub core, run by the django-tasks worker.

Tasks take ids, not objects, and log what they did, so that a task run twice or after
its object was deleted does no harm.
"""

import logging

from django.conf import settings
from django_tasks import task

from blogsync.mail import build_message
from blogsync.syncs.models import SignUp
from blogsync.syncs.signups import confirmation_url

logger = logging.getLogger(__name__)


@task()
def send_signup_confirmation(signup_id: int) -> None:
    """Send the email with the link that confirms sign-up `signup_id`.

    Running it twice sends two emails with two valid links, which is harmless.
    """
    signup = (
        SignUp.objects.select_related("topic__series", "contributor").filter(pk=signup_id).first()
    )
    if signup is None:
        logger.warning("Not sending confirmation: sign-up %s no longer exists", signup_id)
        return
    email = signup.contributor.email
    if not email:
        logger.warning("Not sending confirmation: sign-up %s has no email address", signup_id)
        return
    message = build_message(
        "signup_confirmation",
        email,
        {
            "signup": signup,
            "topic": signup.topic,
            "series": signup.topic.series,
            "contributor": signup.contributor,
            "confirmation_url": confirmation_url(signup),
            "max_age_days": settings.BLOGSYNC_CONFIRMATION_MAX_AGE // 86400,
            "max_age_hours": settings.BLOGSYNC_CONFIRMATION_MAX_AGE // 3600,
        },
    )
    message.send()
    logger.info(
        "Confirmation email for sign-up %s sent to contributor %s",
        signup.pk,
        signup.contributor_id,
    )
