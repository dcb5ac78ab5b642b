"""Sign-up confirmation: the signed link, its expiry, and the email that carries it."""

import logging
import re
import socket
from datetime import timedelta
from email import message_from_bytes

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blogsync.syncs import signups
from blogsync.syncs.models import SignUp


@pytest.fixture
def signup(topic):
    from blogsync.syncs.models import Contributor

    contributor = Contributor.objects.create(name="Sue Cowley", email="sue@example.org")
    return SignUp.objects.create(topic=topic, contributor=contributor)


def confirm_path(signup):
    return reverse("syncs:confirm_signup", kwargs={"token": signups.make_token(signup)})


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


@pytest.mark.django_db
def test_opening_link_asks_before_confirming(client, signup):
    response = client.get(confirm_path(signup))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirm my sign-up" in html
    assert 'method="post"' in html
    assert "csrfmiddlewaretoken" in html
    assert "no-cache" in response["Cache-Control"]
    signup.refresh_from_db()
    assert not signup.is_confirmed


@pytest.mark.django_db
def test_confirm_button_needs_csrf_token(signup):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(confirm_path(signup))
    assert response.status_code == 403
    signup.refresh_from_db()
    assert not signup.is_confirmed


@pytest.mark.django_db
def test_valid_link_confirms_signup(client, signup, caplog):
    with caplog.at_level(logging.INFO, logger="blogsync"):
        response = client.post(confirm_path(signup))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your sign-up is confirmed" in html
    assert reverse("syncs:submit_entry", kwargs={"series": "blogsync", "number": 1}) in html
    signup.refresh_from_db()
    assert signup.is_confirmed
    assert f"Sign-up {signup.pk} for topic {signup.topic_id}" in caplog.text
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_confirming_twice_is_harmless(client, signup):
    client.post(confirm_path(signup))
    signup.refresh_from_db()
    first = signup.confirmed_at
    response = client.post(confirm_path(signup))
    assert response.status_code == 200
    assert "Your sign-up is confirmed" in response.content.decode()
    signup.refresh_from_db()
    assert signup.confirmed_at == first


@pytest.mark.django_db
def test_expired_link_offers_a_new_one(client, signup, settings):
    path = confirm_path(signup)
    later = timezone.now() + timedelta(seconds=settings.BLOGSYNC_CONFIRMATION_MAX_AGE + 60)
    with time_machine.travel(later):
        response = client.get(path)
        pressed = client.post(path)
    assert response.status_code == 410
    assert pressed.status_code == 410
    html = response.content.decode()
    assert "This link has expired" in html
    assert reverse("syncs:renew_signup_link") in html
    signup.refresh_from_db()
    assert not signup.is_confirmed


@pytest.mark.django_db
def test_link_just_before_expiry_still_works(client, signup, settings):
    path = confirm_path(signup)
    later = timezone.now() + timedelta(seconds=settings.BLOGSYNC_CONFIRMATION_MAX_AGE - 60)
    with time_machine.travel(later):
        response = client.post(path)
    assert response.status_code == 200
    signup.refresh_from_db()
    assert signup.is_confirmed


@pytest.mark.django_db
def test_expired_link_renewal_queues_new_email(client, signup):
    token = signups.make_token(signup)
    response = client.post(reverse("syncs:renew_signup_link"), {"token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("syncs:signup_link_sent")
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [signup.pk]


@pytest.mark.django_db
def test_renewal_with_tampered_token_rejected(client, signup):
    token = signups.make_token(signup)
    forged = token.replace(f"{signup.pk}:", f"{signup.pk + 1}:", 1)
    response = client.post(reverse("syncs:renew_signup_link"), {"token": forged})
    assert response.status_code == 400
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_renewal_needs_post(client):
    assert client.get(reverse("syncs:renew_signup_link")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda token: token.replace(token.split(":")[0] + ":", "999:", 1),
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "not-a-token",
        lambda token: token.split(":")[0],
    ],
    ids=["other id", "changed signature", "garbage", "id only"],
)
def test_tampered_link_is_rejected(client, signup, change):
    token = change(signups.make_token(signup))
    response = client.get(reverse("syncs:confirm_signup", kwargs={"token": token}))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    pressed = client.post(reverse("syncs:confirm_signup", kwargs={"token": token}))
    assert pressed.status_code == 400
    signup.refresh_from_db()
    assert not signup.is_confirmed


@pytest.mark.django_db
def test_link_from_another_salt_rejected(client, signup):
    from django.core.signing import TimestampSigner

    token = TimestampSigner(salt="something-else").sign(str(signup.pk))
    response = client.get(reverse("syncs:confirm_signup", kwargs={"token": token}))
    assert response.status_code == 400


@pytest.mark.django_db
def test_link_to_deleted_signup_rejected(client, signup):
    path = confirm_path(signup)
    signup.delete()
    assert client.get(path).status_code == 400
    assert client.post(path).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_worker_sends_confirmation_email_with_working_link(client, topic, settings):
    settings.SITE_URL = "https://hub.example.org"
    client.post(
        reverse("syncs:signup", kwargs={"series": "blogsync", "number": 1}),
        {"name": "Sue Cowley", "email": "sue@example.org", "blog_url": "https://sue.example.org"},
    )
    run_worker()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sue@example.org"]
    assert message.subject == "Confirm your sign-up for #blogsync 1"
    link = re.search(r"https://hub\.example\.org(/signup/confirm/\S+/)", message.body)
    assert link is not None
    html = message.alternatives[0].content
    assert link.group(0) in html

    assert "Confirm my sign-up" in client.get(link.group(1)).content.decode()
    response = client.post(link.group(1))
    assert "Your sign-up is confirmed" in response.content.decode()
    assert SignUp.objects.get().is_confirmed


@pytest.mark.django_db(transaction=True)
def test_task_for_deleted_signup_sends_nothing(signup, caplog):
    from blogsync.syncs.tasks import send_signup_confirmation

    send_signup_confirmation.enqueue(signup.pk)
    signup.delete()
    with caplog.at_level(logging.INFO, logger="blogsync"):
        run_worker()
    assert mail.outbox == []
    assert "no longer exists" in caplog.text


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CollectingHandler:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    handler = CollectingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.mark.django_db(transaction=True)
def test_confirmation_email_goes_through_real_smtp(client, topic, settings, smtp_server):
    handler, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    client.post(
        reverse("syncs:signup", kwargs={"series": "blogsync", "number": 1}),
        {"name": "Sue Cowley", "email": "sue@example.org", "blog_url": "https://sue.example.org"},
    )
    run_worker()

    assert len(handler.messages) == 1
    envelope = handler.messages[0]
    assert envelope.rcpt_tos == ["sue@example.org"]
    received = message_from_bytes(envelope.content)
    assert received["Subject"] == "Confirm your sign-up for #blogsync 1"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in received.walk()
        if not part.is_multipart()
    }
    assert "/signup/confirm/" in parts["text/plain"]
    assert "Confirm my sign-up" in parts["text/html"]
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL"
