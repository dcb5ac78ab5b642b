"""The coordinators' admin, driven through its HTTP endpoints."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localtime

from blogsync.syncs.models import (
    AuditEvent,
    Contributor,
    Entry,
    EntrySource,
    EntryStatus,
    Proposal,
    ProposalStatus,
    Topic,
)

ENTRY_CHANGELIST = reverse("admin:syncs_entry_changelist")
PROPOSAL_CHANGELIST = reverse("admin:syncs_proposal_changelist")


def run_action(client, url, action, objects):
    return client.post(url, {"action": action, "_selected_action": [obj.pk for obj in objects]})


def titles_in_order(topic):
    return list(topic.entries.order_by("position", "id").values_list("title", flat=True))


def positions(topic):
    return list(topic.entries.order_by("position", "id").values_list("position", flat=True))


@pytest.fixture
def pending_entries(make_entry):
    return [make_entry(title=f"Post {n}", status=EntryStatus.PENDING) for n in range(1, 4)]


# Access


@pytest.mark.django_db
def test_anonymous_visitor_sent_to_login(client):
    response = client.get(ENTRY_CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_non_staff_user_gets_no_access(client, django_user_model, pending_entries):
    carol = django_user_model.objects.create_user("carol", "carol@example.org", "pw-carol-1")
    client.force_login(carol)
    assert client.get(ENTRY_CHANGELIST).status_code == 302
    response = run_action(client, ENTRY_CHANGELIST, "approve_selected", pending_entries)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not Entry.objects.approved().exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_staff_outside_group_cannot_moderate(client, django_user_model, pending_entries):
    dave = django_user_model.objects.create_user(
        "dave", "dave@example.org", "pw-dave-1", is_staff=True
    )
    client.force_login(dave)
    assert client.get(ENTRY_CHANGELIST).status_code == 403
    run_action(client, ENTRY_CHANGELIST, "approve_selected", pending_entries)
    assert not Entry.objects.approved().exists()


@pytest.mark.django_db
def test_coordinator_sees_every_list(alice_client):
    for model in ["topic", "entry", "proposal", "auditevent", "contributor", "signup"]:
        response = alice_client.get(reverse(f"admin:syncs_{model}_changelist"))
        assert response.status_code == 200, model


@pytest.mark.django_db
def test_coordinators_have_equal_rights(client, alice, bob, make_topic):
    topic = make_topic(number=4, title="Started by alice")
    client.force_login(bob)
    response = client.get(reverse("admin:syncs_topic_change", args=[topic.pk]))
    assert response.status_code == 200
    assert b'name="_save"' in response.content


# Moderation actions


@pytest.mark.django_db
def test_approve_action_records_actor(alice_client, alice, pending_entries):
    response = run_action(alice_client, ENTRY_CHANGELIST, "approve_selected", pending_entries[:2])
    assert response.status_code == 302
    statuses = [Entry.objects.get(pk=e.pk).status for e in pending_entries]
    assert statuses == [EntryStatus.APPROVED, EntryStatus.APPROVED, EntryStatus.PENDING]
    events = AuditEvent.objects.filter(action="approve_entry")
    assert events.count() == 2
    assert {event.actor for event in events} == {alice}
    assert {event.entry_id for event in events} == {e.pk for e in pending_entries[:2]}


@pytest.mark.django_db
def test_reject_action_records_actor(client, bob, pending_entries):
    client.force_login(bob)
    run_action(client, ENTRY_CHANGELIST, "reject_selected", pending_entries[1:2])
    assert Entry.objects.get(pk=pending_entries[1].pk).status == EntryStatus.REJECTED
    event = AuditEvent.objects.get(action="reject_entry")
    assert event.actor == bob
    assert event.created_at is not None


@pytest.mark.django_db
def test_action_message_counts_entries(alice_client, pending_entries):
    response = run_action(alice_client, ENTRY_CHANGELIST, "approve_selected", pending_entries)
    page = alice_client.get(response["Location"])
    assert "Approved 3 entries." in page.content.decode()


@pytest.mark.django_db
def test_mark_reviewed_action(alice_client, alice, make_entry):
    flagged = make_entry(needs_review=True, review_note="Two authors named in the byline")
    plain = make_entry()
    run_action(alice_client, ENTRY_CHANGELIST, "mark_reviewed", [flagged, plain])
    flagged.refresh_from_db()
    assert flagged.needs_review is False
    events = AuditEvent.objects.filter(action="mark_reviewed")
    assert [(event.entry_id, event.actor) for event in events] == [(flagged.pk, alice)]


@pytest.mark.django_db
def test_needs_review_filter(alice_client, make_entry):
    make_entry(title="Clear post")
    make_entry(title="Guessed post", needs_review=True, review_note="Title guessed from URL")
    response = alice_client.get(ENTRY_CHANGELIST, {"needs_review__exact": "1"})
    page = response.content.decode()
    assert "Guessed post" in page
    assert "Title guessed from URL" in page
    assert "Clear post" not in page
    full_list = alice_client.get(ENTRY_CHANGELIST).content.decode()
    assert "Needs review (1)" in full_list


@pytest.mark.django_db
def test_entries_cannot_be_deleted(alice_client, pending_entries):
    run_action(alice_client, ENTRY_CHANGELIST, "delete_selected", pending_entries)
    assert Entry.objects.count() == 3


# Reordering


@pytest.mark.django_db
def test_move_up_action_keeps_positions(alice_client, alice, topic, make_entry):
    entries = [make_entry(title=f"Post {n}") for n in range(1, 6)]
    run_action(alice_client, ENTRY_CHANGELIST, "move_up", [entries[2], entries[3]])
    assert titles_in_order(topic) == ["Post 1", "Post 3", "Post 4", "Post 2", "Post 5"]
    assert positions(topic) == [1, 2, 3, 4, 5]
    moves = AuditEvent.objects.filter(action="move_entry")
    assert moves.count() == 2
    assert {event.actor for event in moves} == {alice}


@pytest.mark.django_db
def test_move_down_action_stops_at_end(alice_client, topic, make_entry):
    entries = [make_entry(title=f"Post {n}") for n in range(1, 4)]
    response = run_action(alice_client, ENTRY_CHANGELIST, "move_down", [entries[1], entries[2]])
    assert titles_in_order(topic) == ["Post 1", "Post 2", "Post 3"]
    assert positions(topic) == [1, 2, 3]
    assert not AuditEvent.objects.filter(action="move_entry").exists()
    page = alice_client.get(response["Location"]).content.decode()
    assert "Moved 0 entries. 2 entries were already at the end of the list." in page


def position_formset(entries_and_positions):
    data = {
        "form-TOTAL_FORMS": str(len(entries_and_positions)),
        "form-INITIAL_FORMS": str(len(entries_and_positions)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, (entry, position) in enumerate(entries_and_positions):
        data[f"form-{index}-id"] = str(entry.pk)
        data[f"form-{index}-position"] = str(position)
    return data


@pytest.mark.django_db
def test_editable_position_moves_entry(alice_client, alice, topic, make_entry):
    entries = [make_entry(title=f"Post {n}") for n in range(1, 5)]
    url = f"{ENTRY_CHANGELIST}?topic={topic.pk}"
    response = alice_client.post(url, position_formset([(entries[3], 1)]))
    assert response.status_code == 302
    assert titles_in_order(topic) == ["Post 4", "Post 1", "Post 2", "Post 3"]
    assert positions(topic) == [1, 2, 3, 4]
    event = AuditEvent.objects.get(action="move_entry")
    assert event.actor == alice
    assert event.entry_id == entries[3].pk


@pytest.mark.django_db
def test_editable_positions_stay_contiguous(alice_client, topic, make_entry):
    entries = [make_entry(title=f"Post {n}") for n in range(1, 5)]
    url = f"{ENTRY_CHANGELIST}?topic={topic.pk}"
    alice_client.post(url, position_formset([(entries[0], 9), (entries[1], 0)]))
    assert positions(topic) == [1, 2, 3, 4]
    assert set(titles_in_order(topic)) == {"Post 1", "Post 2", "Post 3", "Post 4"}
    assert titles_in_order(topic)[0] == "Post 2"


@pytest.mark.django_db
def test_topic_page_lists_entries_in_order(alice_client, topic, make_entry, alice):
    entries = [make_entry(title=f"Post {n}") for n in range(1, 4)]
    from blogsync.syncs.moderation import move_entry

    move_entry(entries[2], 1, alice)
    page = alice_client.get(reverse("admin:syncs_topic_change", args=[topic.pk]))
    text = page.content.decode()
    assert text.index("Post 3") < text.index("Post 1") < text.index("Post 2")


# Editing entries


def entry_change_data(entry, **changes):
    """The POST data of the entry's change page, as a browser sends it."""
    submitted_date = localtime(entry.submitted_at).strftime("%d/%m/%Y")
    submitted_time = localtime(entry.submitted_at).strftime("%H:%M:%S")
    data = {
        "contributor": entry.contributor_id,
        "url": entry.url,
        "title": entry.title,
        "position": entry.position,
        "status": entry.status,
        "source": entry.source,
        "needs_review": "on" if entry.needs_review else "",
        "review_note": entry.review_note,
        "partner_opt_out": "",
        "is_late": "",
        "submitted_at_0": submitted_date,
        "submitted_at_1": submitted_time,
        # The page repeats values of fields with a callable default in hidden inputs,
        # and Django compares against those to decide what changed.
        "initial-submitted_at_0": submitted_date,
        "initial-submitted_at_1": submitted_time,
        "_save": "Save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.mark.django_db
def test_edit_entry_records_changed_fields(alice_client, alice, make_entry):
    entry = make_entry(title="Teh purpose")
    url = reverse("admin:syncs_entry_change", args=[entry.pk])
    response = alice_client.post(url, entry_change_data(entry, title="The purpose"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.title == "The purpose"
    event = AuditEvent.objects.get(action="edit_entry")
    assert event.actor == alice
    assert event.detail == "changed title"


@pytest.mark.django_db
def test_status_edit_goes_through_moderation(alice_client, alice, make_entry):
    entry = make_entry(status=EntryStatus.PENDING)
    url = reverse("admin:syncs_entry_change", args=[entry.pk])
    alice_client.post(url, entry_change_data(entry, status=EntryStatus.APPROVED))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    assert entry.approved_at is not None
    assert AuditEvent.objects.get(action="approve_entry").actor == alice
    assert not AuditEvent.objects.filter(action="edit_entry").exists()


@pytest.mark.django_db
def test_position_edit_goes_through_move(alice_client, topic, make_entry):
    entries = [make_entry(title=f"Post {n}") for n in range(1, 4)]
    url = reverse("admin:syncs_entry_change", args=[entries[0].pk])
    alice_client.post(url, entry_change_data(entries[0], position=3))
    assert titles_in_order(topic) == ["Post 2", "Post 3", "Post 1"]
    assert positions(topic) == [1, 2, 3]


@pytest.mark.django_db
def test_add_entry_goes_to_end(alice_client, alice, topic, make_entry):
    make_entry()
    make_entry()
    writer = Contributor.objects.create(name="Fay")
    response = alice_client.post(
        reverse("admin:syncs_entry_add"),
        {
            "topic": topic.pk,
            "contributor": writer.pk,
            "url": "https://fay.example.org/purpose",
            "title": "Why we teach",
            "status": EntryStatus.APPROVED,
            "source": EntrySource.ADMIN,
            "submitted_at_0": "01/09/2013",
            "submitted_at_1": "10:00:00",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get(title="Why we teach")
    assert entry.position == 3
    assert entry.status == EntryStatus.APPROVED
    actions = list(
        AuditEvent.objects.filter(entry=entry).order_by("id").values_list("action", "actor")
    )
    assert actions == [("add_entry", alice.pk), ("approve_entry", alice.pk)]


@pytest.mark.django_db
def test_duplicate_url_error_beside_field(alice_client, topic, make_entry):
    existing = make_entry(url="https://writer.example.org/post")
    other = make_entry()
    url = reverse("admin:syncs_entry_change", args=[other.pk])
    response = alice_client.post(
        url, entry_change_data(other, url="https://writer.example.org/post/")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["url"]
    assert f"entry {existing.pk}" in errors["url"][0]


# Topics


@pytest.mark.django_db
def test_topic_dates_validated_beside_fields(alice_client, series):
    response = alice_client.post(
        reverse("admin:syncs_topic_add"),
        {
            "series": series.pk,
            "number": 1,
            "month": "2027-03-01",
            "title": "Assessment",
            "alternative_titles": "[]",
            "signup_opens_at_0": "01/03/2027",
            "signup_opens_at_1": "09:00:00",
            "deadline_0": "28/02/2027",
            "deadline_1": "23:59:00",
            "entries-TOTAL_FORMS": "0",
            "entries-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["deadline"]
    assert "after sign-up opens" in errors["deadline"][0]
    assert not Topic.objects.exists()


@pytest.mark.django_db
def test_topic_dates_entered_in_london_time(alice_client, alice, series):
    response = alice_client.post(
        reverse("admin:syncs_topic_add"),
        {
            "series": series.pk,
            "number": 1,
            "month": "2027-07-01",
            "title": "Assessment",
            "alternative_titles": "[]",
            "deadline_0": "31/07/2027",
            "deadline_1": "23:59:00",
            "entries-TOTAL_FORMS": "0",
            "entries-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    topic = Topic.objects.get()
    # British Summer Time: 23:59 in London is 22:59 UTC.
    assert topic.deadline.utctimetuple()[:5] == (2027, 7, 31, 22, 59)
    assert AuditEvent.objects.get(action="add_topic").actor == alice


@pytest.mark.django_db
def test_topic_form_offers_next_number(alice_client, make_topic):
    make_topic(number=11)
    page = alice_client.get(reverse("admin:syncs_topic_add")).content.decode()
    assert re.search(r'name="number" value="12"', page)
    assert "stored in UTC" in page


@pytest.mark.django_db
def test_topic_list_shows_state_and_link(alice_client, topic):
    page = alice_client.get(reverse("admin:syncs_topic_changelist")).content.decode()
    assert "Open for sign-ups" in page
    assert f'href="{topic.get_absolute_url()}"' in page


# Proposals


@pytest.fixture
def proposal(series):
    return Proposal.objects.create(
        series=series, title="Homework", description="Is it worth it?", proposer_name="Dan"
    )


@pytest.mark.django_db
def test_accept_action_opens_form(alice_client, proposal, make_topic):
    make_topic(number=20)
    response = run_action(alice_client, PROPOSAL_CHANGELIST, "accept_into_new_topic", [proposal])
    accept_url = reverse("admin:syncs_proposal_accept", args=[proposal.pk])
    assert response.status_code == 302
    assert response["Location"] == accept_url
    page = alice_client.get(accept_url).content.decode()
    assert 'name="number" value="21"' in page
    assert 'value="Homework"' in page


@pytest.mark.django_db
def test_accept_creates_scheduled_topic(alice_client, alice, proposal, make_topic):
    make_topic(number=20)
    accept_url = reverse("admin:syncs_proposal_accept", args=[proposal.pk])
    response = alice_client.post(
        accept_url,
        {
            "number": 21,
            "month": "2027-03",
            "title": "Homework",
            "invitation": "Write.",
        },
    )
    topic = Topic.objects.get(number=21)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:syncs_topic_change", args=[topic.pk])
    assert topic.month == date(2027, 3, 1)
    assert topic.series == proposal.series
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.topic == topic
    event = AuditEvent.objects.get(action="accept_proposal")
    assert event.actor == alice
    assert event.topic == topic


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "month", "field", "message"),
    [
        (20, "2027-03", "number", "already has a topic 20"),
        (21, "March", "month", "Enter the month as YYYY-MM"),
        (21, "2027-13", "month", "Enter the month as YYYY-MM"),
        (21, "2013-09", "month", "already runs in September 2013"),
    ],
)
def test_accept_form_errors(alice_client, proposal, make_topic, number, month, field, message):
    make_topic(number=20)
    accept_url = reverse("admin:syncs_proposal_accept", args=[proposal.pk])
    response = alice_client.post(
        accept_url, {"number": number, "month": month, "title": "Homework"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert Topic.objects.count() == 1


@pytest.mark.django_db
def test_accepted_proposal_not_accepted_again(alice_client, proposal):
    proposal.status = ProposalStatus.DECLINED
    proposal.save()
    accept_url = reverse("admin:syncs_proposal_accept", args=[proposal.pk])
    response = alice_client.post(
        accept_url, {"number": 1, "month": "2027-03", "title": "Homework"}
    )
    assert response.status_code == 302
    assert not Topic.objects.exists()


@pytest.mark.django_db
def test_accept_needs_one_proposal(alice_client, proposal, series):
    other = Proposal.objects.create(series=series, title="Uniforms", proposer_name="Eve")
    response = run_action(
        alice_client, PROPOSAL_CHANGELIST, "accept_into_new_topic", [proposal, other]
    )
    page = alice_client.get(response["Location"]).content.decode()
    assert "Select exactly one proposal" in page


@pytest.mark.django_db
def test_decline_action_records_actor(client, bob, proposal):
    client.force_login(bob)
    run_action(client, PROPOSAL_CHANGELIST, "decline_selected", [proposal])
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert AuditEvent.objects.get(action="decline_proposal").actor == bob


@pytest.mark.django_db
def test_accept_refused_without_rights(client, django_user_model, proposal):
    dave = django_user_model.objects.create_user(
        "dave", "dave@example.org", "pw-dave-1", is_staff=True
    )
    client.force_login(dave)
    response = client.get(reverse("admin:syncs_proposal_accept", args=[proposal.pk]))
    assert response.status_code == 403


# Audit events


@pytest.mark.django_db
def test_audit_events_read_only(alice_client, make_entry, alice):
    from blogsync.syncs.moderation import approve_entry

    approve_entry(make_entry(status=EntryStatus.PENDING), alice)
    event = AuditEvent.objects.get()
    assert alice_client.get(reverse("admin:syncs_auditevent_changelist")).status_code == 200
    assert alice_client.get(reverse("admin:syncs_auditevent_add")).status_code == 403
    response = alice_client.post(
        reverse("admin:syncs_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.count() == 1


# Query counts: every admin list makes the same number of queries for 10 entries as
# for 1,000, because related rows are joined (list_select_related) or read once.


def add_entries(topics, start, count, actor):
    contributors = Contributor.objects.bulk_create(
        Contributor(name=f"Writer {n}", slug=f"writer-{n}") for n in range(start, start + count)
    )
    entries = Entry.objects.bulk_create(
        Entry(
            topic=topics[n % len(topics)],
            contributor=contributor,
            title=f"Post {n}",
            url=f"https://writer{n}.example.org/post",
            position=start + n,
            source=EntrySource.IMPORT,
            status=EntryStatus.PENDING if n % 3 else EntryStatus.APPROVED,
            needs_review=n % 5 == 0,
            review_note="Guessed" if n % 5 == 0 else "",
        )
        for n, contributor in enumerate(contributors, start=start)
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=actor, action="approve_entry", entry=entry, topic=entry.topic)
        for entry in entries
    )
    Proposal.objects.bulk_create(
        Proposal(
            series=topics[0].series,
            title=f"Idea {n}",
            proposer_name=f"Reader {n}",
            topic=topics[n % len(topics)] if n % 2 else None,
        )
        for n in range(start, start + count // 10 + 1)
    )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


# Every page first reads the session, the user and the user's own and group
# permissions (4 queries). Then, per page:
ADMIN_PAGE_QUERIES = {
    # filtered count, full count, one page of rows, the topic and series filter
    # choices, the needs-review count for the object tools
    "entry list": (lambda topic: ENTRY_CHANGELIST, 10),
    "entry list of one topic": (lambda topic: f"{ENTRY_CHANGELIST}?topic={topic.pk}", 10),
    "entries needing review": (lambda topic: f"{ENTRY_CHANGELIST}?needs_review__exact=1", 10),
    "entry search": (lambda topic: f"{ENTRY_CHANGELIST}?q=Post", 10),
    # filtered count, full count, rows with their series, the series filter choices
    "topic list": (lambda topic: reverse("admin:syncs_topic_changelist"), 8),
    # the topic with its series, its entries with their contributors, the series
    # choices, the user choices for the host
    "topic page with its entries": (
        lambda topic: reverse("admin:syncs_topic_change", args=[topic.pk]),
        8,
    ),
    # filtered count, full count, rows with series and topic, the series filter choices
    "proposal list": (lambda topic: PROPOSAL_CHANGELIST, 8),
    # filtered count, full count, rows with actor, entry, topic and proposal, the
    # action filter choices
    "audit event list": (lambda topic: reverse("admin:syncs_auditevent_changelist"), 8),
}


@pytest.mark.django_db
def test_admin_page_queries_fixed(alice_client, alice, make_topic, django_assert_num_queries):
    topics = [make_topic(number=n, title=f"Topic {n}") for n in range(1, 4)]
    urls = {page: make_url(topics[0]) for page, (make_url, _) in ADMIN_PAGE_QUERIES.items()}

    add_entries(topics, 0, 10, alice)
    for url in urls.values():
        # The first request fills per-process caches (content types), so it is not
        # counted.
        alice_client.get(url)
    with_ten = {page: count_queries(alice_client, url) for page, url in urls.items()}

    make_topic(number=4, title="Topic 4")
    add_entries(topics, 10, 990, alice)
    assert Entry.objects.count() == 1000
    with_thousand = {page: count_queries(alice_client, url) for page, url in urls.items()}

    assert with_ten == with_thousand
    for page, (_, pinned) in ADMIN_PAGE_QUERIES.items():
        with django_assert_num_queries(pinned):
            alice_client.get(urls[page])


@pytest.mark.django_db
def test_topic_autocomplete_queries_fixed(alice_client, make_topic, django_assert_num_queries):
    for number in range(1, 21):
        make_topic(number=number, title=f"Topic {number}")
    url = reverse("admin:autocomplete") + "?app_label=syncs&model_name=entry&field_name=topic"
    alice_client.get(url)
    # session, user, the user's own and group permissions, the page of topics with
    # their series, the count for pagination
    with django_assert_num_queries(6):
        response = alice_client.get(url)
    assert len(response.json()["results"]) == 20
