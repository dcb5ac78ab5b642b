"""Abuse of the public forms: impersonation, mail floods, link scanners, leaks."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blogsync.syncs import signups
from blogsync.syncs.models import Contributor, Entry, EntryStatus, SignUp

pytestmark = pytest.mark.django_db


def submit_url(topic):
    return reverse(
        "syncs:submit_entry", kwargs={"series": topic.series.slug, "number": topic.number}
    )


def signup_url(topic):
    return reverse("syncs:signup", kwargs={"series": topic.series.slug, "number": topic.number})


def entry_data(**changes):
    data = {
        "url": "https://tess.example.org/2014/01/doors-open",
        "title": "Doors Open",
        "name": "Tess Trial",
        "email": "tess@example.org",
    }
    data.update(changes)
    return data


def signup_data(**changes):
    data = {
        "name": "Tess Trial",
        "email": "tess@example.org",
        "blog_url": "https://tess.example.org/",
        "social_handle": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def tess(make_entry):
    """A contributor whose name is public: she has an approved entry."""
    contributor = Contributor.objects.create(name="Tess Trial", email="tess@example.org")
    make_entry(contributor=contributor, url="https://tess.example.org/earlier")
    return contributor


# Impersonation


def test_entry_under_another_name_is_flagged(client, topic, tess):
    response = client.post(submit_url(topic), entry_data(name="Mallory"))

    assert response.status_code == 302
    entry = Entry.objects.get(url=entry_data()["url"])
    assert entry.contributor == tess
    assert entry.status == EntryStatus.PENDING
    assert entry.needs_review
    assert entry.review_note == (
        "Submitted under the name 'Mallory' with the email address of Tess Trial; "
        "check before approving."
    )
    tess.refresh_from_db()
    assert tess.name == "Tess Trial"


@pytest.mark.parametrize("name", ["tess trial", "  Tess   Trial ", "TESS TRIAL"])
def test_entry_same_name_differently_typed_is_not_flagged(client, topic, tess, name):
    client.post(submit_url(topic), entry_data(name=name))

    entry = Entry.objects.get(url=entry_data()["url"])
    assert not entry.needs_review
    assert entry.review_note == ""


def test_entry_keeps_name_of_confirmed_signup(client, topic):
    contributor = Contributor.objects.create(name="Tess Trial", email="tess@example.org")
    SignUp.objects.create(topic=topic, contributor=contributor, confirmed_at=topic.signup_opens_at)

    client.post(submit_url(topic), entry_data(name="Mallory"))

    contributor.refresh_from_db()
    assert contributor.name == "Tess Trial"
    assert Entry.objects.get().needs_review


def test_entry_may_rename_unconfirmed_contributor(client, topic):
    contributor = Contributor.objects.create(name="First Guess", email="tess@example.org")
    SignUp.objects.create(topic=topic, contributor=contributor)

    client.post(submit_url(topic), entry_data(name="Tess Trial"))

    contributor.refresh_from_db()
    assert contributor.name == "Tess Trial"
    assert contributor.slug == "tess-trial"
    entry = Entry.objects.get()
    assert entry.needs_review
    assert "'First Guess'" in entry.review_note


def test_signup_keeps_name_of_public_contributor(client, topic, tess):
    client.post(signup_url(topic), signup_data(name="Mallory"))

    tess.refresh_from_db()
    assert tess.name == "Tess Trial"


def test_signup_may_rename_unconfirmed_contributor(client, topic):
    contributor = Contributor.objects.create(name="Typo Nmae", email="tess@example.org")

    client.post(signup_url(topic), signup_data())

    contributor.refresh_from_db()
    assert contributor.name == "Tess Trial"


# Confirmation emails


def queued_confirmations():
    return DBTaskResult.objects.filter(task_path__endswith="send_signup_confirmation").count()


def renew(client, signup):
    return client.post(reverse("syncs:renew_signup_link"), {"token": signups.make_token(signup)})


def test_repeated_signups_send_one_email_per_interval(client, topic, settings):
    settings.BLOGSYNC_CONFIRMATION_RESEND_SECONDS = 600
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            response = client.post(signup_url(topic), signup_data())
            assert response.status_code == 302
        assert queued_confirmations() == 1

        traveller.shift(timedelta(seconds=599))
        client.post(signup_url(topic), signup_data())
        assert queued_confirmations() == 1

        traveller.shift(timedelta(seconds=1))
        client.post(signup_url(topic), signup_data())
        assert queued_confirmations() == 2


def test_signup_throttled_shows_same_page(client, topic):
    first = client.post(signup_url(topic), signup_data())
    second = client.post(signup_url(topic), signup_data())

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    page = client.get(first["Location"]).content.decode()
    assert "We send at most one link every 10 minutes" in page


def test_confirmed_signup_gets_no_email_from_form(client, topic):
    client.post(signup_url(topic), signup_data())
    signup = SignUp.objects.get()
    signups.confirm(signup.pk)

    with time_machine.travel(timezone.now() + timedelta(days=1)):
        client.post(signup_url(topic), signup_data())

    assert queued_confirmations() == 1


def test_new_link_throttled_like_signup(client, topic, settings):
    settings.BLOGSYNC_CONFIRMATION_RESEND_SECONDS = 600
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(signup_url(topic), signup_data())
        signup = SignUp.objects.get()

        response = renew(client, signup)
        assert response.status_code == 302
        assert response["Location"] == reverse("syncs:signup_link_sent")
        assert queued_confirmations() == 1

        traveller.shift(timedelta(seconds=600))
        renew(client, signup)
        assert queued_confirmations() == 2


def test_new_link_never_sent_to_confirmed_signup(client, topic):
    client.post(signup_url(topic), signup_data())
    signup = SignUp.objects.get()
    signups.confirm(signup.pk)

    with time_machine.travel(timezone.now() + timedelta(days=1)):
        response = renew(client, signup)

    assert response.status_code == 302
    assert response["Location"] == reverse("syncs:signup_link_sent")
    assert queued_confirmations() == 1
