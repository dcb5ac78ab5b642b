"""Signed tokens in mail links.

Confirmation tokens expire after BLOGSYNC_CONFIRMATION_MAX_AGE seconds. Unsubscribe
and preference tokens do not expire, because a reader may click the link in a message
that is years old. They name a subscriber ("s.<id>") or a writer ("w.<id>").
"""

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "blogsync.following.confirm"
MANAGE_SALT = "blogsync.following.manage"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def confirm_token(subscriber) -> str:
    value = f"{subscriber.pk}:{subscriber.email.lower()}"
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(value)


def read_confirm_token(token: str) -> tuple[int, str]:
    """Return (subscriber id, address) or raise TokenExpired or TokenInvalid."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        value = signer.unsign(token, max_age=settings.BLOGSYNC_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise TokenExpired(token) from None
    except signing.BadSignature:
        raise TokenInvalid(token) from None
    pk, _, email = value.partition(":")
    if not pk.isdigit():
        raise TokenInvalid(token)
    return int(pk), email


def subscriber_token(subscriber_id: int) -> str:
    return signing.Signer(salt=MANAGE_SALT).sign(f"s.{subscriber_id}")


def writer_token(contributor_id: int) -> str:
    return signing.Signer(salt=MANAGE_SALT).sign(f"w.{contributor_id}")


def read_manage_token(token: str) -> tuple[str, int]:
    """Return ("subscriber", id) or ("writer", id), or raise TokenInvalid."""
    try:
        value = signing.Signer(salt=MANAGE_SALT).unsign(token)
    except signing.BadSignature:
        raise TokenInvalid(token) from None
    prefix, _, pk = value.partition(".")
    if prefix not in {"s", "w"} or not pk.isdigit():
        raise TokenInvalid(token)
    return ("subscriber" if prefix == "s" else "writer"), int(pk)
