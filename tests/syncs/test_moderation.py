from datetime import date

import pytest
from django.db import IntegrityError

from blogsync.syncs import moderation
from blogsync.syncs.models import (
    AuditEvent,
    EntryStatus,
    Proposal,
    ProposalStatus,
    Topic,
)


def positions(topic):
    return list(topic.entries.order_by("position", "id").values_list("title", "position"))


@pytest.fixture
def five_entries(make_entry):
    return [make_entry(title=f"Post {n}") for n in range(1, 6)]


@pytest.mark.django_db
def test_approve_records_actor(make_entry, alice):
    entry = make_entry(status=EntryStatus.PENDING)
    moderation.approve_entry(entry, alice)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    assert entry.approved_at is not None
    event = AuditEvent.objects.get(action="approve_entry")
    assert event.actor == alice
    assert event.entry == entry


@pytest.mark.django_db
def test_approve_twice_records_once(make_entry, alice):
    entry = make_entry(status=EntryStatus.PENDING)
    moderation.approve_entry(entry, alice)
    moderation.approve_entry(entry, alice)
    assert AuditEvent.objects.filter(action="approve_entry").count() == 1


@pytest.mark.django_db
def test_reject_records_reason(make_entry, bob):
    entry = make_entry(status=EntryStatus.PENDING)
    moderation.reject_entry(entry, bob, reason="Not about the topic")
    event = AuditEvent.objects.get(action="reject_entry")
    assert event.actor == bob
    assert event.detail == "Not about the topic"


@pytest.mark.django_db
def test_reopen_clears_approval(make_entry, alice):
    entry = make_entry(status=EntryStatus.APPROVED)
    moderation.reopen_entry(entry, alice)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING
    assert entry.approved_at is None
    assert AuditEvent.objects.filter(action="reopen_entry", actor=alice).count() == 1


@pytest.mark.django_db
def test_mark_reviewed_keeps_note(make_entry, alice):
    entry = make_entry(needs_review=True, review_note="Guessed the author from the URL")
    moderation.mark_reviewed(entry, alice)
    entry.refresh_from_db()
    assert entry.needs_review is False
    assert entry.review_note == "Guessed the author from the URL"
    event = AuditEvent.objects.get(action="mark_reviewed")
    assert event.actor == alice
    assert event.detail == "Guessed the author from the URL"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moved", "to", "expected"),
    [
        (5, 1, ["Post 5", "Post 1", "Post 2", "Post 3", "Post 4"]),
        (1, 5, ["Post 2", "Post 3", "Post 4", "Post 5", "Post 1"]),
        (2, 4, ["Post 1", "Post 3", "Post 4", "Post 2", "Post 5"]),
        (3, 99, ["Post 1", "Post 2", "Post 4", "Post 5", "Post 3"]),
        (3, 0, ["Post 3", "Post 1", "Post 2", "Post 4", "Post 5"]),
    ],
)
def test_move_keeps_positions_contiguous(topic, five_entries, alice, moved, to, expected):
    moderation.move_entry(five_entries[moved - 1], to, alice)
    assert positions(topic) == [(title, n) for n, title in enumerate(expected, start=1)]


@pytest.mark.django_db
def test_move_closes_gaps(topic, make_entry, alice):
    first = make_entry(title="A", position=3)
    make_entry(title="B", position=10)
    make_entry(title="C", position=20)
    moderation.move_entry(first, 2, alice)
    assert positions(topic) == [("B", 1), ("A", 2), ("C", 3)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("selected", "step", "expected", "moved"),
    [
        ([3, 4], -1, ["Post 1", "Post 3", "Post 4", "Post 2", "Post 5"], 2),
        ([1, 2], -1, ["Post 1", "Post 2", "Post 3", "Post 4", "Post 5"], 0),
        ([1, 3], -1, ["Post 1", "Post 3", "Post 2", "Post 4", "Post 5"], 1),
        ([2, 3], 1, ["Post 1", "Post 4", "Post 2", "Post 3", "Post 5"], 2),
        ([4, 5], 1, ["Post 1", "Post 2", "Post 3", "Post 4", "Post 5"], 0),
        ([3, 5], 1, ["Post 1", "Post 2", "Post 4", "Post 3", "Post 5"], 1),
    ],
)
def test_move_up_or_down_as_block(topic, five_entries, alice, selected, step, expected, moved):
    ids = [five_entries[n - 1].pk for n in selected]
    assert moderation.move_entries_up_or_down(ids, step, alice) == moved
    assert positions(topic) == [(title, n) for n, title in enumerate(expected, start=1)]
    assert AuditEvent.objects.filter(action="move_entry").count() == moved


@pytest.mark.django_db
def test_move_up_or_down_per_topic(make_topic, make_entry, alice):
    first = make_topic(number=2, title="First")
    second = make_topic(number=3, title="Second")
    make_entry(topic=first, title="A1")
    a2 = make_entry(topic=first, title="A2")
    make_entry(topic=second, title="B1")
    b2 = make_entry(topic=second, title="B2")
    assert moderation.move_entries_up_or_down([a2.pk, b2.pk], -1, alice) == 2
    assert positions(first) == [("A2", 1), ("A1", 2)]
    assert positions(second) == [("B2", 1), ("B1", 2)]


@pytest.mark.django_db
def test_accept_into_new_topic(series, make_topic, alice):
    make_topic(number=7)
    proposal = Proposal.objects.create(
        series=series, title="Homework", description="Is it worth it?", proposer_name="Dan"
    )
    topic = moderation.accept_proposal_into_new_topic(
        proposal,
        alice,
        number=8,
        month=date(2027, 3, 1),
        title="Homework",
        invitation="Is it worth it?",
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.topic == topic
    assert topic.number == 8
    assert topic.signup_opens_at is None
    actions = set(AuditEvent.objects.filter(actor=alice).values_list("action", flat=True))
    assert actions == {"add_topic", "accept_proposal"}


@pytest.mark.django_db
def test_decline_records_actor(series, bob):
    proposal = Proposal.objects.create(series=series, title="Uniforms", proposer_name="Eve")
    moderation.decline_proposal(proposal, bob)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert AuditEvent.objects.get(action="decline_proposal").actor == bob


@pytest.mark.django_db
def test_next_topic_number_follows_highest(series, make_topic):
    assert moderation.next_topic_number(series) == 1
    make_topic(number=3)
    assert moderation.next_topic_number(series) == 4


@pytest.mark.django_db
def test_failed_accept_leaves_proposal_new(series, make_topic, alice):
    make_topic(number=2)
    proposal = Proposal.objects.create(series=series, title="Duplicate", proposer_name="Dan")
    with pytest.raises(IntegrityError):
        moderation.accept_proposal_into_new_topic(
            proposal, alice, number=2, month=date(2027, 4, 1), title="Duplicate"
        )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NEW
    assert Topic.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_database_rejects_duplicate_url_in_topic(topic, make_entry):
    from django.db import IntegrityError, transaction

    from blogsync.syncs.models import Entry

    first = make_entry(url="https://example.org/post/")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            topic=topic,
            contributor=first.contributor,
            title="Again",
            url="https://EXAMPLE.org/post?utm_source=x",
            source="form",
        )
