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
    logger.info(
        "Entry %s in topic %s approved by user %s",
        entry.pk,
        entry.topic_id,
        getattr(actor, "pk", None),
    )
    transaction.on_commit(lambda: entry_approved.send(Entry, entry=entry, actor=actor))


def reject_entry(entry: Entry, actor, reason: str = "") -> None:
    if entry.status == EntryStatus.REJECTED:
        return
    with transaction.atomic():
        entry.status = EntryStatus.REJECTED
        entry.save(update_fields=["status", "updated_at"])
        record(actor, "reject_entry", entry=entry, topic=entry.topic, detail=reason)
    logger.info(
        "Entry %s in topic %s rejected by user %s",
        entry.pk,
        entry.topic_id,
        getattr(actor, "pk", None),
    )


def reopen_entry(entry: Entry, actor) -> None:
    """Put an approved or rejected entry back among those waiting for a decision."""
    if entry.status == EntryStatus.PENDING:
        return
    with transaction.atomic():
        entry.status = EntryStatus.PENDING
        entry.approved_at = None
        entry.save(update_fields=["status", "approved_at", "updated_at"])
        record(actor, "reopen_entry", entry=entry, topic=entry.topic)
    logger.info(
        "Entry %s in topic %s set back to pending by user %s",
        entry.pk,
        entry.topic_id,
        getattr(actor, "pk", None),
    )


def next_position(topic: Topic) -> int:
    highest = topic.entries.aggregate(highest=Max("position"))["highest"]
    return (highest or 0) + 1


def move_entry(entry: Entry, new_position: int, actor) -> None:
    """Move `entry` to `new_position` (1-based) among its topic's entries, renumbering
    the others so that positions stay 1, 2, 3, ..."""
    with transaction.atomic():
        siblings = list(
            Entry.objects.select_for_update()
            .filter(topic_id=entry.topic_id)
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
        record(
            actor, "move_entry", entry=moved, topic=moved.topic, detail=f"to position {index + 1}"
        )
    entry.position = index + 1
    logger.info(
        "Entry %s moved to position %s by user %s", entry.pk, index + 1, getattr(actor, "pk", None)
    )


def mark_reviewed(entry: Entry, actor) -> None:
    """Clear the importer's needs-review flag; the review note stays as history."""
    if not entry.needs_review:
        return
    with transaction.atomic():
        entry.needs_review = False
        entry.save(update_fields=["needs_review", "updated_at"])
        record(actor, "mark_reviewed", entry=entry, topic=entry.topic, detail=entry.review_note)
    logger.info(
        "Entry %s in topic %s marked reviewed by user %s",
        entry.pk,
        entry.topic_id,
        getattr(actor, "pk", None),
    )


def record_entry_edit(entry: Entry, actor, changed_fields: list[str]) -> None:
    """Record a coordinator's edit of an entry's fields (title, URL, contributor...)."""
    record(
        actor,
        "edit_entry",
        entry=entry,
        topic=entry.topic,
        detail="changed " + ", ".join(changed_fields),
    )
    logger.info(
        "Entry %s edited by user %s: %s",
        entry.pk,
        getattr(actor, "pk", None),
        ", ".join(changed_fields),
    )


def move_entries_up_or_down(entry_ids, step: int, actor) -> int:
    """Move each of the entries one place up (step -1) or down (step 1) in its topic.

    Selected neighbours move together as a block, and a block already at the end of
    its list stays where it is. Returns the number of entries moved.
    """
    if step not in (-1, 1):
        raise ValueError(f"step must be -1 or 1, not {step!r}")
    selected = set(entry_ids)
    moved = 0
    with transaction.atomic():
        topic_ids = set(Entry.objects.filter(pk__in=selected).values_list("topic_id", flat=True))
        for topic_id in sorted(topic_ids):
            order = list(
                Entry.objects.select_for_update()
                .filter(topic_id=topic_id)
                .order_by("position", "id")
                .values_list("pk", flat=True)
            )
            # Moving up, the first selected entry goes first (moving down, the last),
            # so that each move leaves room for the next one.
            indexes = [i for i, pk in enumerate(order) if pk in selected]
            if step > 0:
                indexes.reverse()
            stuck = set()
            for index in indexes:
                target = index + step
                if not 0 <= target < len(order) or order[target] in stuck:
                    stuck.add(order[index])
                    continue
                entry = Entry.objects.get(pk=order[index])
                move_entry(entry, target + 1, actor)
                order[index], order[target] = order[target], order[index]
                moved += 1
    return moved


def accept_proposal(proposal: Proposal, topic: Topic, actor) -> None:
    with transaction.atomic():
        proposal.status = ProposalStatus.ACCEPTED
        proposal.topic = topic
        proposal.save(update_fields=["status", "topic"])
        record(actor, "accept_proposal", proposal=proposal, topic=topic)
    logger.info(
        "Proposal %s accepted into topic %s by user %s",
        proposal.pk,
        topic.pk,
        getattr(actor, "pk", None),
    )


def decline_proposal(proposal: Proposal, actor, reason: str = "") -> None:
    if proposal.status == ProposalStatus.DECLINED:
        return
    with transaction.atomic():
        proposal.status = ProposalStatus.DECLINED
        proposal.save(update_fields=["status"])
        record(actor, "decline_proposal", proposal=proposal, detail=reason)
    logger.info("Proposal %s declined by user %s", proposal.pk, getattr(actor, "pk", None))


def next_topic_number(series) -> int:
    highest = series.topics.aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


def accept_proposal_into_new_topic(
    proposal: Proposal, actor, *, number: int, month, title: str, invitation: str = ""
) -> Topic:
    """Create the scheduled topic `number` for `month` from `proposal` and accept the
    proposal into it. The topic has no dates yet, so it stays upcoming until a
    coordinator sets them."""
    with transaction.atomic():
        topic = Topic.objects.create(
            series=proposal.series,
            number=number,
            month=month,
            title=title,
            invitation=invitation,
        )
        record(
            actor,
            "add_topic",
            topic=topic,
            proposal=proposal,
            detail=f"from proposal {proposal.pk}",
        )
        accept_proposal(proposal, topic, actor)
    return topic
