"""Moderation and abuse: rate limits, the block list, automatic approval on the
signed-up writer's own blog, and the email to coordinators."""

import socket
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from blogsync.mentions.models import BlockedHost, CoordinatorNotice, Mention, MentionState
from blogsync.mentions.notifications import notify_coordinators
from blogsync.syncs.models import AuditEvent, Contributor, Entry, EntryStatus, SignUp
from blogsync.syncs.services import add_entry
from tests.mentions.conftest import link_to, run_worker, verify_pending

pytestmark = pytest.mark.django_db


def test_client_over_limit_gets_429(send_webmention, topic_url, settings):
    settings.BLOGSYNC_MENTION_LIMIT_PER_CLIENT = 2
    send_webmention("https://a.example/1", topic_url)
    send_webmention("https://b.example/2", topic_url)

    response = send_webmention("https://c.example/3", topic_url)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Too many mentions from 127.0.0.1" in response.content.decode()


def test_malformed_requests_count_too(send_webmention, topic_url, settings):
    settings.BLOGSYNC_MENTION_LIMIT_PER_CLIENT = 1
    send_webmention("not a url", topic_url)

    assert send_webmention("https://a.example/1", topic_url).status_code == 429


def test_source_host_over_limit_gets_429(client, topic_url, settings):
    settings.BLOGSYNC_MENTION_LIMIT_PER_HOST = 2
    for number in range(2):
        client.post(
            "/mentions/webmention/",
            {"source": f"https://busy.example/{number}", "target": topic_url},
            REMOTE_ADDR=f"192.0.2.{number + 1}",
        )

    response = client.post(
        "/mentions/webmention/",
        {"source": "https://busy.example/3", "target": topic_url},
        REMOTE_ADDR="192.0.2.9",
    )
    other_host = client.post(
        "/mentions/webmention/",
        {"source": "https://quiet.example/1", "target": topic_url},
        REMOTE_ADDR="192.0.2.9",
    )

    assert response.status_code == 429
    assert "busy.example" in response.content.decode()
    assert other_host.status_code == 202


def test_limit_resets_in_next_window(send_webmention, topic_url, settings):
    settings.BLOGSYNC_MENTION_LIMIT_PER_CLIENT = 1
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        send_webmention("https://a.example/1", topic_url)
        assert send_webmention("https://a.example/2", topic_url).status_code == 429

        traveller.shift(timedelta(seconds=settings.BLOGSYNC_MENTION_RATE_WINDOW))

        assert send_webmention("https://a.example/3", topic_url).status_code == 202


def test_blocked_host_and_subdomains_get_403(send_webmention, topic_url):
    BlockedHost.objects.create(host="Spam.Example.", reason="Link farm")

    for source in ["https://spam.example/post", "https://blog.spam.example/post"]:
        response = send_webmention(source, topic_url)
        assert response.status_code == 403
        assert "not accepted" in response.content.decode()

    assert send_webmention("https://notspam.example/post", topic_url).status_code == 202
    rejected = Mention.objects.filter(state=MentionState.REJECTED)
    assert rejected.count() == 2


def _signed_up_writer(topic, blog_url, confirmed=True):
    writer = Contributor.objects.create(
        name="Jo Bloggs", blog_url=blog_url, email="jo@writer.example"
    )
    SignUp.objects.create(
        topic=topic, contributor=writer, confirmed_at=timezone.now() if confirmed else None
    )
    return writer


def test_own_blog_is_approved_when_enabled(
    send_webmention, serve_post, topic_url, topic, settings, httpserver
):
    settings.BLOGSYNC_MENTION_AUTO_APPROVE_OWN_BLOG = True
    writer = _signed_up_writer(topic, f"http://127.0.0.1:{httpserver.port}")
    source = serve_post(body=link_to(topic_url))

    send_webmention(source, topic_url)
    verify_pending()

    entry = Entry.objects.get()
    assert entry.contributor == writer
    assert entry.status == EntryStatus.APPROVED
    event = AuditEvent.objects.get(entry=entry, action="approve_entry")
    assert event.actor is None
    assert "own blog" in event.detail


def test_own_blog_waits_when_disabled(send_webmention, serve_post, topic_url, topic, httpserver):
    writer = _signed_up_writer(topic, f"http://127.0.0.1:{httpserver.port}/")
    source = serve_post(body=link_to(topic_url))

    send_webmention(source, topic_url)
    verify_pending()

    entry = Entry.objects.get()
    assert entry.contributor == writer
    assert entry.status == EntryStatus.PENDING


def test_unconfirmed_signup_is_not_approved(
    send_webmention, serve_post, topic_url, topic, settings, httpserver
):
    settings.BLOGSYNC_MENTION_AUTO_APPROVE_OWN_BLOG = True
    _signed_up_writer(topic, f"http://127.0.0.1:{httpserver.port}/", confirmed=False)
    source = serve_post(body=link_to(topic_url))

    send_webmention(source, topic_url)
    verify_pending()

    assert Entry.objects.get().status == EntryStatus.PENDING


def test_post_outside_writer_blog_path_is_not_approved(
    send_webmention, serve_post, topic_url, topic, settings, httpserver
):
    settings.BLOGSYNC_MENTION_AUTO_APPROVE_OWN_BLOG = True
    _signed_up_writer(topic, f"http://127.0.0.1:{httpserver.port}/~jo/")
    source = serve_post("/~joanna/post", body=link_to(topic_url))

    send_webmention(source, topic_url)
    verify_pending()

    entry = Entry.objects.get()
    assert entry.status == EntryStatus.PENDING
    assert entry.contributor.name == "Jo Bloggs"
    assert entry.contributor.email == ""


def test_known_blog_reuses_contributor(send_webmention, serve_post, topic_url, httpserver):
    known = Contributor.objects.create(name="Jo", blog_url=f"http://127.0.0.1:{httpserver.port}")
    source = serve_post(body=link_to(topic_url))

    send_webmention(source, topic_url)
    verify_pending()

    assert Entry.objects.get().contributor == known


@pytest.fixture
def coordinators(series, django_user_model):
    alice = django_user_model.objects.create_user("alice", "alice@hub.example")
    bob = django_user_model.objects.create_user("bob", "bob@hub.example")
    nobody = django_user_model.objects.create_user("carol", "")
    series.coordinators.add(alice, bob, nobody)
    return [alice, bob]


def test_coordinators_get_one_email_per_entry(coordinators, topic):
    writer = Contributor.objects.create(name="Jo Bloggs")
    entry = add_entry(
        topic, writer, url="https://writer.example/post", title="Why I teach", source="webmention"
    )

    assert notify_coordinators(entry.pk) == 2
    assert notify_coordinators(entry.pk) == 0

    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@hub.example",
        "bob@hub.example",
    ]
    message = mail.outbox[0]
    assert "Why I teach" in message.subject
    assert "#blogsync 1" in message.subject
    assert f"/admin/syncs/entry/{entry.pk}/change/" in message.body
    assert "Jo Bloggs: Why I teach" in message.body
    assert "How it arrived: Webmention." in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert CoordinatorNotice.objects.get(entry=entry).recipients == 2


def test_group_members_notified_when_series_names_none(series, topic, django_user_model):
    from django.contrib.auth.models import Group

    from blogsync.syncs.coordinators import COORDINATORS_GROUP

    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    dana = django_user_model.objects.create_user("dana", "dana@hub.example", is_staff=True)
    dana.groups.add(group)
    django_user_model.objects.create_user("erin", "erin@hub.example")
    writer = Contributor.objects.create(name="Jo Bloggs")
    entry = add_entry(topic, writer, url="https://w.example/p", title="T", source="webmention")

    assert notify_coordinators(entry.pk) == 1
    assert [message.to[0] for message in mail.outbox] == ["dana@hub.example"]


def test_topic_host_notified_with_coordinators(coordinators, topic, django_user_model):
    topic.host = django_user_model.objects.create_user("hana", "hana@guest.example")
    topic.save()
    writer = Contributor.objects.create(name="Jo Bloggs")
    entry = add_entry(topic, writer, url="https://w.example/p", title="T", source="webmention")

    assert notify_coordinators(entry.pk) == 3
    assert "hana@guest.example" in {message.to[0] for message in mail.outbox}


def test_no_email_once_entry_is_moderated(coordinators, make_entry):
    entry = make_entry(status=EntryStatus.APPROVED)

    assert notify_coordinators(entry.pk) == 0
    assert mail.outbox == []


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_inbox(settings):
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    yield inbox
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_pending_mention_emails_coordinators_over_smtp(
    coordinators, send_webmention, serve_post, topic_url, smtp_inbox
):
    source = serve_post(body=link_to(topic_url))

    send_webmention(source, topic_url)
    run_worker()  # verifies the mention, which queues the notice
    run_worker()  # sends the notice

    recipients = sorted(rcpt for envelope in smtp_inbox.envelopes for rcpt in envelope.rcpt_tos)
    assert recipients == ["alice@hub.example", "bob@hub.example"]
    assert b"Why I teach" in smtp_inbox.envelopes[0].content


def test_client_address_with_ipv6_zone_is_stored(client, topic_url):
    response = client.post(
        "/mentions/webmention/",
        {"source": "https://a.example/1", "target": topic_url},
        REMOTE_ADDR="fe80::1%eth0",
    )

    assert response.status_code == 202
    assert Mention.objects.get().client_ip == "fe80::1"
