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


def test_late_duplicate_does_not_rename_contributor(topic, make_entry):
    from blogsync.syncs.form_views import _store_entry
    from blogsync.syncs.forms import EntryForm

    contributor = Contributor.objects.create(name="First Guess", email="tess@example.org")
    form = EntryForm(entry_data(), topic=topic)
    assert form.is_valid()
    # Another submission stores the same URL between validation and saving.
    make_entry(url=entry_data()["url"])

    assert _store_entry(topic, form) is None
    contributor.refresh_from_db()
    assert contributor.name == "First Guess"
    assert "url" in form.errors


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


# Duplicate URLs


def url_error(response):
    html = response.content.decode()
    marker = 'id="id_url_error">'
    assert marker in html, "no error shown for url"
    start = html.index(marker) + len(marker)
    return html[start : html.index("</p>", start)]


def test_duplicate_of_pending_entry_reveals_nothing(client, topic, make_entry):
    make_entry(url=entry_data()["url"], title="Secret draft", status=EntryStatus.PENDING)
    response = client.post(submit_url(topic), entry_data(name="Other"))

    message = url_error(response)
    assert message == (
        "This post has already been submitted for this topic and is waiting for the coordinators."
    )
    assert "Secret draft" not in response.content.decode()


def test_duplicate_of_rejected_entry_reveals_nothing(client, topic, make_entry):
    make_entry(url=entry_data()["url"], title="Spam", status=EntryStatus.REJECTED)
    response = client.post(submit_url(topic), entry_data(name="Other"))

    assert url_error(response) == "This post has already been submitted for this topic."
    assert "Spam" not in response.content.decode()


def test_duplicate_of_approved_entry_drops_bidi_controls(client, topic, make_entry):
    make_entry(url=entry_data()["url"], title="Doors\u202e nepO")
    response = client.post(submit_url(topic), entry_data(name="Other"))

    message = url_error(response)
    assert f'<a href="{entry_data()["url"]}">Doors nepO</a>' in message
    assert "\u202e" not in message


# Addresses and characters

NOT_PUBLIC = "That address is not on the public internet."
PRIVATE_URLS = [
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost/",
    "http://127.0.0.1:8000/",
    "http://[::1]/",
    "http://[fd00::1]/blog",
    "http://192.168.1.1/",
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_signup_rejects_private_blog_address(client, topic, settings, url):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = False
    response = client.post(signup_url(topic), signup_data(blog_url=url))

    assert response.status_code == 200
    assert NOT_PUBLIC in response.content.decode()
    assert SignUp.objects.count() == 0


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_entry_rejects_private_post_address(client, topic, settings, url):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = False
    response = client.post(submit_url(topic), entry_data(url=url))

    assert NOT_PUBLIC in url_error(response)
    assert Entry.objects.count() == 0


def test_loopback_allowed_when_setting_on(client, topic, settings):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = True
    response = client.post(signup_url(topic), signup_data(blog_url="http://127.0.0.1:8000/"))

    assert response.status_code == 302
    assert SignUp.objects.count() == 1


def test_private_address_refused_even_with_loopback_on(client, topic, settings):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = True
    response = client.post(signup_url(topic), signup_data(blog_url="http://10.0.0.1/"))

    assert NOT_PUBLIC in response.content.decode()


def test_public_addresses_still_accepted(client, topic, settings):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = False
    response = client.post(signup_url(topic), signup_data(blog_url="http://93.184.215.14/"))

    assert response.status_code == 302


def test_blog_address_error_names_the_blog(client, topic):
    response = client.post(signup_url(topic), signup_data(blog_url="tess.example.org"))

    assert (
        "Enter the full address of your blog, starting with https:// or http://."
        in response.content.decode()
    )


def test_control_and_bidi_characters_removed(client, topic):
    client.post(
        submit_url(topic),
        entry_data(name="Tess\u202e Trial\u0007", title="Doors\u2066 Open\u2069\x1b[31m"),
    )

    entry = Entry.objects.get()
    assert entry.title == "Doors Open[31m"
    assert entry.contributor.name == "Tess Trial"


def test_name_of_only_bidi_characters_is_missing(client, topic):
    response = client.post(submit_url(topic), entry_data(name="\u202e\u202c"))

    assert "Enter your name as you would like it to appear." in response.content.decode()
    assert Entry.objects.count() == 0


def test_proposal_keeps_line_breaks_only(client, series):
    from blogsync.syncs.models import Proposal

    client.post(
        reverse("syncs:propose", kwargs={"series": series.slug}),
        {
            "title": "Why\u202e blog",
            "description": "One\r\nTwo\u0000\tthree",
            "proposer_name": "Tess",
        },
    )

    proposal = Proposal.objects.get()
    assert proposal.title == "Why blog"
    assert proposal.description == "One\nTwo three"


# Wording and focus


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (259200, "3 days"),
        (600, "10 minutes"),
        (3600, "1 hour"),
        (5400, "1 hour and 30 minutes"),
        (90061, "1 day, 1 hour, 1 minute and 1 second"),
        (0, "0 seconds"),
    ],
)
def test_duration_in_words(seconds, words):
    from blogsync.syncs.durations import duration_in_words

    assert duration_in_words(seconds) == words


def test_error_summary_can_take_focus(client, topic):
    response = client.post(signup_url(topic), signup_data(email="not an address"))

    html = response.content.decode()
    assert 'class="error-summary"' in html
    summary = html[html.index('class="error-summary"') : html.index("</h2>")]
    assert 'tabindex="-1"' in summary
    assert "autofocus" in summary


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_error_summary_gets_keyboard_focus(live_server, browser, topic):
    page = browser.new_page()
    try:
        page.goto(live_server.url + signup_url(topic))
        page.get_by_label("Your name").fill("Tess Trial")
        page.get_by_label("Your email address").fill("tess@example.org")
        page.get_by_label("Your blog's address").fill("tess.example.org")
        page.get_by_role("button", name="Sign up").click()

        focused_class = page.evaluate("document.activeElement.className")
        assert focused_class == "error-summary"
    finally:
        page.close()
