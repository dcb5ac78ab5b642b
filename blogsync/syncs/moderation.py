"""Moderation of entries and proposals by coordinators.

Every action writes an AuditEvent (who, what, when) and a log line with the ids.
"""

import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from blogsync.syncs.models import (
    AuditEvent,
    Entry,
    EntryStatus,
    Proposal,
    ProposalStatus,
    Topic,
)
from blogsync.syncs.signals import entry_approved

logger = logging.getLogger(__name__)


def record(actor, action: str, *, entry=None, topic=None, proposal=None, detail="") -> None:
    AuditEvent.objects.create(
        actor=actor, action=action, entry=entry, topic=topic, proposal=proposal, detail=detail
    )


def approve_entry(entry: Entry, actor) -> None:
    if entry.status == EntryStatus.APPROVED:
        return
    with transaction.atomic():
        entry.status = EntryStatus.APPROVED
        entry.approved_at = timezone.now()
        entry.save(update_fields=["status", "approved_at", "updated_at"])
        record(actor, "approve_entry", entry=entry, topic=entry.topic)
    logger.info("Entry %s in topic %s approved by user %s", entry.pk, entry.topic_id,
                getattr(actor, "pk", None))
    transaction.on_commit(lambda: entry_approved.send(Entry, entry=entry, actor=actor))


def reject_entry(entry: Entry, actor, reason: str = "") -> None:
    if entry.status == EntryStatus.REJECTED:
        return
    with transaction.atomic():
        entry.status = EntryStatus.REJECTED
        entry.save(update_fields=["status", "updated_at"])
        record(actor, "reject_entry", entry=entry, topic=entry.topic, detail=reason)
    logger.info("Entry %s in topic %s rejected by user %s", entry.pk, entry.topic_id,
                getattr(actor, "pk", None))


def next_position(topic: Topic) -> int:
    highest = topic.entries.aggregate(highest=Max("position"))["highest"]
    return (highest or 0) + 1


def move_entry(entry: Entry, new_position: int, actor) -> None:
    """Move `entry` to `new_position` (1-based) among its topic's entries, renumbering
    the others so that positions stay 1, 2, 3, ..."""
    with transaction.atomic():
        siblings = list(
            Entry.objects.select_for_update().filter(topic_id=entry.topic_id)
            .order_by("position", "id")
        )
        ordered = [e for e in siblings if e.pk != entry.pk]
        index = max(0, min(new_position - 1, len(ordered)))
        moved = next(e for e in siblings if e.pk == entry.pk)
        ordered.insert(index, moved)
        for position, sibling in enumerate(ordered, start=1):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position", "updated_at"])
        record(actor, "move_entry", entry=moved, topic=moved.topic,
               detail=f"to position {index + 1}")
    entry.position = index + 1
    logger.info("Entry %s moved to position %s by user %s", entry.pk, index + 1,
                getattr(actor, "pk", None))


def accept_proposal(proposal: Proposal, topic: Topic, actor) -> None:
    with transaction.atomic():
        proposal.status = ProposalStatus.ACCEPTED
        proposal.topic = topic
        proposal.save(update_fields=["status", "topic"])
        record(actor, "accept_proposal", proposal=proposal, topic=topic)
    logger.info("Proposal %s accepted into topic %s by user %s", proposal.pk, topic.pk,
                getattr(actor, "pk", None))
