"""Reactions to domain events: a published list is mailed at once rather than at the
next run of send_due_mail."""

import logging

from django.db import transaction
from django.dispatch import receiver

from blogsync.following.models import MailKind
from blogsync.syncs.signals import list_published

logger = logging.getLogger(__name__)


@receiver(list_published, dispatch_uid="following_list_published")
def mail_published_list(sender, topic, **kwargs):
    from blogsync.following.tasks import start_mailing

    transaction.on_commit(
        lambda: start_mailing(MailKind.LIST_PUBLISHED, topic.series_id, topic_id=topic.pk)
    )
