import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blogsync.following.models import MailKind, OutboxMessage, OutboxState, Subscriber
from blogsync.following.tasks import start_mailing

pytestmark = pytest.mark.django_db(transaction=True)

SUBSCRIBE = "/blogsync/follow/email/"


def link(message, path_prefix):
    """The first hub link in the plain-text part that starts with `path_prefix`."""
    text = message.get_body(("plain",)).get_content()
    found = re.search(rf"https://hub\.example\.org({re.escape(path_prefix)}\S+/)", text)
    assert found, text
    return found.group(1)


def unsubscribe_path(message):
    header = str(message["List-Unsubscribe"]).strip()
    found = re.fullmatch(r"<https://hub\.example\.org(/follow/unsubscribe/\S+/)>", header)
    assert found, header
    return found.group(1)


def test_double_opt_in(client, series, topic, smtp, run_worker):
    response = client.post(SUBSCRIBE, {"email": "reader@example.org"})
    assert response.status_code == 302
    run_worker()

    [message] = smtp.to("reader@example.org")
    assert "Confirm" in message["Subject"]
    confirm_path = link(message, "/follow/confirm/")
    subscriber = Subscriber.objects.get(email="reader@example.org")
    assert subscriber.confirmed_at is None

    # A GET (what a mail scanner does) only shows the button.
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert b"<button" in page.content
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None

    response = client.post(confirm_path)
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None


def test_unconfirmed_address_gets_nothing_else(client, series, topic, smtp, run_worker):
    client.post(SUBSCRIBE, {"email": "maybe@example.org"})
    start_mailing(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk)
    run_worker()
    messages = smtp.to("maybe@example.org")
    assert len(messages) == 1
    assert "Confirm" in messages[0]["Subject"]


def test_subscribe_does_not_reveal_existing_address(
    client, series, smtp, run_worker, make_subscriber
):
    make_subscriber("known@example.org")
    known = client.post(SUBSCRIBE, {"email": "known@example.org"}, follow=True)
    unknown = client.post(SUBSCRIBE, {"email": "unknown@example.org"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content

    run_worker()
    [note] = smtp.to("known@example.org")
    assert "already follow" in note["Subject"]
    assert "/follow/manage/" in note.get_body(("plain",)).get_content()
    [request] = smtp.to("unknown@example.org")
    assert "Confirm" in request["Subject"]


def test_subscribe_form_reports_bad_address(client, series):
    response = client.post(SUBSCRIBE, {"email": "not an address"})
    assert response.status_code == 400
    assert b"Enter an email address such as name@example.org." in response.content
    empty = client.post(SUBSCRIBE, {})
    assert empty.status_code == 400
    assert b"Enter your email address." in empty.content
    assert not Subscriber.objects.exists()


def test_repeated_requests_send_one_confirmation_a_day(client, series, smtp, run_worker):
    for _ in range(3):
        client.post(SUBSCRIBE, {"email": "again@example.org"})
    run_worker()
    assert len(smtp.to("again@example.org")) == 1


def test_expired_confirmation_link(client, series, smtp, run_worker, settings):
    client.post(SUBSCRIBE, {"email": "late@example.org"})
    run_worker()
    confirm_path = link(smtp.to("late@example.org")[0], "/follow/confirm/")
    later = timezone.now() + timezone.timedelta(
        seconds=settings.BLOGSYNC_CONFIRMATION_MAX_AGE + 60
    )
    with time_machine.travel(later):
        assert client.get(confirm_path).status_code == 410
        assert client.post(confirm_path).status_code == 410
    assert Subscriber.objects.get(email="late@example.org").confirmed_at is None


def test_tampered_links_are_404(client, series, make_subscriber):
    assert client.get("/follow/confirm/nonsense/").status_code == 404
    assert client.post("/follow/unsubscribe/s.1:forged/").status_code == 404
    assert client.get("/follow/manage/s.1:forged/").status_code == 404


def test_every_message_has_unsubscribe_headers(
    client, series, topic, smtp, run_worker, make_subscriber
):
    make_subscriber("reader@example.org")
    start_mailing(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk)
    run_worker()
    [message] = smtp.to("reader@example.org")
    assert str(message["List-Unsubscribe"]).strip().startswith("<https://hub.example.org/follow/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("plain",)) is not None
    html = message.get_body(("html",)).get_content()
    path = unsubscribe_path(message)
    assert f'href="https://hub.example.org{path}"' in html
    assert path in message.get_body(("plain",)).get_content()


def test_one_click_unsubscribe(series, topic, smtp, run_worker, make_subscriber):
    subscriber = make_subscriber("reader@example.org")
    start_mailing(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk)
    run_worker()
    path = unsubscribe_path(smtp.to("reader@example.org")[0])
    # Mail providers send this POST without a CSRF token (RFC 8058).
    client = Client(enforce_csrf_checks=True)

    page = client.get(path)
    assert page.status_code == 200
    assert b"<button" in page.content
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None

    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None

    topic2 = topic.series.topics.create(number=2, title="Next", month=topic.month)
    start_mailing(MailKind.NEW_TOPIC, series.pk, topic_id=topic2.pk)
    run_worker()
    assert len(smtp.to("reader@example.org")) == 1


def test_preferences_page_changes_what_is_sent(
    client, series, topic, smtp, run_worker, make_subscriber
):
    from blogsync.following import tokens

    subscriber = make_subscriber("reader@example.org")
    path = reverse("following:manage", kwargs={"token": tokens.subscriber_token(subscriber.pk)})
    assert client.get(path).status_code == 200
    response = client.post(path, {"list_published": "on", "daily_digest": "on"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert (subscriber.new_topics, subscriber.list_published, subscriber.daily_digest) == (
        False,
        True,
        True,
    )

    start_mailing(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk)
    run_worker()
    assert smtp.to("reader@example.org") == []


def test_unsubscribe_between_queueing_and_sending_skips(
    series, topic, smtp, make_subscriber, run_worker
):
    from blogsync.following.fanout import fill_outbox, start_fanout

    subscriber = make_subscriber("reader@example.org")
    fill_outbox(start_fanout(MailKind.NEW_TOPIC, series.pk, topic_id=topic.pk))
    Subscriber.objects.filter(pk=subscriber.pk).update(unsubscribed_at=timezone.now())
    from blogsync.following.tasks import deliver_outbox

    deliver_outbox.enqueue()
    run_worker()
    assert smtp.to("reader@example.org") == []
    assert OutboxMessage.objects.get().state == OutboxState.SKIPPED
