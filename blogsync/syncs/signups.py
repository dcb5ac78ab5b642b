"""Signing up to write on a topic, and confirming the sign-up by email.

A sign-up counts once the writer opens the signed link sent to their email address.
The link carries the sign-up's id signed with a TimestampSigner, so it needs no table
of tokens, and it stops working after settings.BLOGSYNC_CONFIRMATION_MAX_AGE seconds.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from blogsync.syncs.models import Contributor, SignUp, Topic
from blogsync.syncs.services import find_or_create_contributor, reconcile_name

logger = logging.getLogger(__name__)

CONFIRMATION_SALT = "blogsync.syncs.signup-confirmation"


class InvalidToken(Exception):
    """The confirmation link was altered or was not made by this hub."""


class ExpiredToken(Exception):
    """The confirmation link is genuine but older than the maximum age."""

    def __init__(self, signup_id: int):
        super().__init__(f"Confirmation link for sign-up {signup_id} has expired")
        self.signup_id = signup_id


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=CONFIRMATION_SALT)


def make_token(signup: SignUp) -> str:
    return _signer().sign(str(signup.pk))


def confirmation_url(signup: SignUp) -> str:
    """Build the absolute confirmation link, for an email read away from any request."""
    path = reverse("syncs:confirm_signup", kwargs={"token": make_token(signup)})
    return settings.SITE_URL + path


def signup_id_from_token(token: str, *, max_age: int | None = None) -> int:
    """Verify `token` and return the sign-up id it carries.

    Raises ExpiredToken when `max_age` seconds have passed since signing, and
    InvalidToken when the signature does not match.
    """
    signer = _signer()
    try:
        return int(signer.unsign(token, max_age=max_age))
    except signing.SignatureExpired:
        # The signature is genuine, so the id can be trusted for asking a new link.
        signup_id = int(signer.unsign(token))
        raise ExpiredToken(signup_id) from None
    except (signing.BadSignature, ValueError):
        raise InvalidToken(token) from None


def sign_up(
    topic: Topic,
    *,
    name: str,
    email: str,
    blog_url: str,
    social_handle: str = "",
    partner_opt_out: bool = False,
) -> SignUp:
    """Record a writer's sign-up to `topic` and queue the confirmation email.

    Signing up again with the same email address reuses the sign-up, and sends a
    fresh link only to an unconfirmed sign-up whose last link was queued at least
    settings.BLOGSYNC_CONFIRMATION_RESEND_SECONDS ago. An existing contributor keeps
    their name once they have confirmed a sign-up or had an entry approved, and only
    their blank profile fields are filled in, because anyone can type anyone's email
    address into the form.
    """
    try:
        return _sign_up(topic, name, email, blog_url, social_handle, partner_opt_out)
    except IntegrityError:
        # A simultaneous sign-up with the same email address created the contributor
        # or the sign-up first; the second attempt finds and reuses it.
        logger.info("Sign-up for topic %s collided with a simultaneous one, retrying", topic.pk)
        return _sign_up(topic, name, email, blog_url, social_handle, partner_opt_out)


def _sign_up(topic, name, email, blog_url, social_handle, partner_opt_out) -> SignUp:
    from blogsync.syncs.tasks import send_signup_confirmation

    with transaction.atomic():
        contributor = find_or_create_contributor(name, email=email, blog_url=blog_url)
        # Coordinators see the note on entries. A sign-up has no review field, and the
        # confirmation email goes to the address's owner, who sees the name it carries.
        reconcile_name(contributor, name)
        _fill_blank_profile(contributor, blog_url=blog_url, social_handle=social_handle)
        signup, created = SignUp.objects.get_or_create(
            topic=topic,
            contributor=contributor,
            defaults={"partner_opt_out": partner_opt_out},
        )
        if not created and not signup.is_confirmed:
            signup.partner_opt_out = partner_opt_out
            signup.save(update_fields=["partner_opt_out"])
        # The task row is written in the same transaction as the sign-up, so a worker
        # never runs a task whose sign-up was rolled back.
        queued = _claim_confirmation_email(signup.pk)
        if queued:
            send_signup_confirmation.enqueue(signup.pk)
    logger.info(
        "Sign-up %s for topic %s by contributor %s %s; confirmation email %s",
        signup.pk,
        topic.pk,
        contributor.pk,
        "created" if created else "repeated",
        "queued" if queued else "not sent (confirmed or sent recently)",
    )
    return signup


def _claim_confirmation_email(signup_id: int) -> bool:
    """Record that a confirmation email is about to be queued for an unconfirmed
    sign-up, unless one was queued within BLOGSYNC_CONFIRMATION_RESEND_SECONDS.

    Returns whether the caller may queue it. The check and the update are one UPDATE
    statement, so two simultaneous requests cannot both send.
    """
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.BLOGSYNC_CONFIRMATION_RESEND_SECONDS)
    updated = (
        SignUp.objects.filter(pk=signup_id, confirmed_at__isnull=True)
        .filter(Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=cutoff))
        .update(confirmation_sent_at=now)
    )
    return updated == 1


def _fill_blank_profile(contributor: Contributor, *, blog_url: str, social_handle: str):
    changed = []
    if blog_url and not contributor.blog_url:
        contributor.blog_url = blog_url
        changed.append("blog_url")
    if social_handle and not contributor.social_handles:
        contributor.social_handles = {"social": social_handle}
        changed.append("social_handles")
    if changed:
        contributor.save(update_fields=changed)


def confirm(signup_id: int) -> SignUp | None:
    """Mark the sign-up confirmed. Confirming it again changes nothing.

    Returns None when the sign-up no longer exists.
    """
    signup = (
        SignUp.objects.select_related("topic__series", "contributor").filter(pk=signup_id).first()
    )
    if signup is None:
        logger.warning("Confirmation for sign-up %s, which no longer exists", signup_id)
        return None
    if signup.is_confirmed:
        logger.info("Sign-up %s was already confirmed", signup.pk)
        return signup
    updated = SignUp.objects.filter(pk=signup.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    signup.refresh_from_db(fields=["confirmed_at"])
    if updated:
        logger.info(
            "Sign-up %s for topic %s by contributor %s confirmed",
            signup.pk,
            signup.topic_id,
            signup.contributor_id,
        )
    return signup


def renew_link(signup_id: int) -> bool:
    """Queue a fresh confirmation email for a sign-up, or return False if it is gone.

    A confirmed sign-up, or one sent a link within BLOGSYNC_CONFIRMATION_RESEND_SECONDS,
    gets no email, but the function still returns True, so that the page shown
    afterwards does not tell a stranger holding the token which case applied.
    """
    from blogsync.syncs.tasks import send_signup_confirmation

    if not SignUp.objects.filter(pk=signup_id).exists():
        logger.warning("New link requested for sign-up %s, which no longer exists", signup_id)
        return False
    with transaction.atomic():
        if not _claim_confirmation_email(signup_id):
            logger.info(
                "New link for sign-up %s not sent: it is confirmed or was sent recently",
                signup_id,
            )
            return True
        send_signup_confirmation.enqueue(signup_id)
    logger.info("New confirmation link queued for sign-up %s", signup_id)
    return True
