"""The public forms: good input is stored, bad input is explained next to its field."""

import logging
from datetime import timedelta

import hypothesis
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import strategies as st

from blogsync.syncs.forms import HONEYPOT_FIELD
from blogsync.syncs.models import (
    Contributor,
    Entry,
    EntrySource,
    EntryStatus,
    Proposal,
    SignUp,
)

pytestmark = pytest.mark.django_db

BAD_URLS = [
    ("javascript:alert(1)", "starting with https:// or http://"),
    ("ftp://files.example.org/post", "starting with https:// or http://"),
    ("/2014/01/my-post", "starting with https:// or http://"),
    ("example.org/my-post", "starting with https:// or http://"),
    ("https://", "starting with https:// or http://"),
    ("https://example.org/" + "a" * 1000, "too long"),
]


def signup_url(topic):
    return reverse("syncs:signup", kwargs={"series": topic.series.slug, "number": topic.number})


def submit_url(topic):
    return reverse(
        "syncs:submit_entry", kwargs={"series": topic.series.slug, "number": topic.number}
    )


def propose_url(series):
    return reverse("syncs:propose", kwargs={"series": series.slug})


def signup_data(**changes):
    data = {
        "name": "Sue Cowley",
        "email": "sue@example.org",
        "blog_url": "https://sue.example.org/",
        "social_handle": "@sue@example.social",
    }
    data.update(changes)
    return data


def entry_data(**changes):
    data = {
        "url": "https://sue.example.org/2014/01/doors-open",
        "title": "Doors Open",
        "name": "Sue Cowley",
        "email": "sue@example.org",
    }
    data.update(changes)
    return data


def field_error(response, field):
    """The text of the error message shown next to `field`."""
    html = response.content.decode()
    marker = f'id="id_{field}_error">'
    assert marker in html, f"no error shown for {field}"
    start = html.index(marker) + len(marker)
    return html[start : html.index("</p>", start)]


# Sign-up


def test_signup_page_has_csrf_token_and_is_not_cached(client, topic):
    response = client.get(signup_url(topic))
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_signup_queues_confirmation_email(client, topic):
    response = client.post(signup_url(topic), signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "syncs:signup_thanks", kwargs={"series": "blogsync", "number": 1}
    )
    signup = SignUp.objects.get()
    assert signup.topic == topic
    assert signup.confirmed_at is None
    contributor = signup.contributor
    assert contributor.name == "Sue Cowley"
    assert contributor.email == "sue@example.org"
    assert contributor.blog_url == "https://sue.example.org/"
    assert contributor.social_handles == {"social": "@sue@example.social"}
    task = DBTaskResult.objects.get()
    assert task.task_path == "blogsync.syncs.tasks.send_signup_confirmation"
    assert task.args_kwargs["args"] == [signup.pk]


def test_signup_is_logged_with_ids(client, topic, caplog):
    with caplog.at_level(logging.INFO, logger="blogsync"):
        client.post(signup_url(topic), signup_data())
    signup = SignUp.objects.get()
    assert (
        f"Sign-up {signup.pk} for topic {topic.pk} by contributor {signup.contributor_id}"
        in caplog.text
    )


def test_signup_again_reuses_signup_and_contributor(client, topic):
    client.post(signup_url(topic), signup_data())
    client.post(signup_url(topic), signup_data(email="SUE@example.org", name="Someone else"))
    assert SignUp.objects.count() == 1
    # Nothing was confirmed yet, so the name typed last replaces the first one.
    assert Contributor.objects.get().name == "Someone else"
    # The second form came within the resend interval, so it sent no second email.
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize("field", ["name", "email", "blog_url"])
def test_signup_missing_field_is_explained(client, topic, field):
    response = client.post(signup_url(topic), signup_data(**{field: ""}))
    assert response.status_code == 200
    assert field_error(response, field).startswith("Enter ")
    assert SignUp.objects.count() == 0


def test_signup_invalid_email_is_explained(client, topic):
    response = client.post(signup_url(topic), signup_data(email="sue-at-example"))
    assert "Enter an email address such as" in field_error(response, "email")


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_signup_rejects_bad_blog_url(client, topic, url, message):
    response = client.post(signup_url(topic), signup_data(blog_url=url))
    assert message in field_error(response, "blog_url")
    assert SignUp.objects.count() == 0


def test_signup_error_redisplays_everything_typed(client, topic):
    response = client.post(signup_url(topic), signup_data(blog_url="ftp://x.example.org"))
    html = response.content.decode()
    assert 'value="Sue Cowley"' in html
    assert 'value="sue@example.org"' in html
    assert 'value="ftp://x.example.org"' in html
    assert 'value="@sue@example.social"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_blog_url_error"' in html


def test_signup_partner_checkbox_only_with_partner(client, topic, make_topic):
    assert "partner_opt_out" not in client.get(signup_url(topic)).content.decode()
    partnered = make_topic(
        number=2, partner_name="Labourteachers", partner_note="Organised with Labourteachers."
    )
    html = client.get(signup_url(partnered)).content.decode()
    assert "partner_opt_out" in html
    assert "don&#x27;t want links to your post also to appear on Labourteachers" in html


def test_signup_partner_opt_out_is_stored(client, make_topic):
    topic = make_topic(partner_name="Labourteachers")
    client.post(signup_url(topic), signup_data(partner_opt_out="on"))
    assert SignUp.objects.get().partner_opt_out is True


def test_signup_honeypot_is_discarded_silently(client, topic, caplog):
    with caplog.at_level(logging.INFO, logger="blogsync"):
        response = client.post(signup_url(topic), signup_data(**{HONEYPOT_FIELD: "spam"}))
    assert response.status_code == 302
    assert response["Location"].endswith("/blogsync/1/signup/thanks/")
    assert SignUp.objects.count() == 0
    assert Contributor.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert "honeypot filled" in caplog.text


def test_honeypot_is_hidden_from_people_and_screen_readers(client, topic):
    html = client.get(signup_url(topic)).content.decode()
    assert '<div class="hp-field" aria-hidden="true">' in html
    assert 'tabindex="-1"' in html


def test_signup_before_opening_explains_when_it_opens(client, make_topic):
    topic = make_topic(signup_opens_at=timezone.now() + timedelta(days=2))
    response = client.get(signup_url(topic))
    html = response.content.decode()
    assert "not open yet" in html
    assert "This topic opens on" in html
    assert "<form" not in html
    response = client.post(signup_url(topic), signup_data())
    assert response.status_code == 409
    assert SignUp.objects.count() == 0


def test_signup_after_deadline_offers_late_submission(client, make_topic):
    topic = make_topic(
        signup_opens_at=timezone.now() - timedelta(days=20),
        deadline=timezone.now() - timedelta(days=1),
    )
    html = client.get(signup_url(topic)).content.decode()
    assert "The deadline for this topic passed on" in html
    assert submit_url(topic) in html


# Entries


def test_entry_is_stored_pending_and_logged(client, topic, caplog):
    with caplog.at_level(logging.INFO, logger="blogsync"):
        response = client.post(submit_url(topic), entry_data())
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "syncs:submit_thanks", kwargs={"series": "blogsync", "number": 1}
    )
    entry = Entry.objects.get()
    assert entry.status == EntryStatus.PENDING
    assert entry.source == EntrySource.FORM
    assert entry.title == "Doors Open"
    assert entry.is_late is False
    assert entry.contributor.email == "sue@example.org"
    assert f"Entry {entry.pk} submitted by form to topic {topic.pk}" in caplog.text


def test_entry_uses_contributor_of_same_email(client, topic):
    client.post(signup_url(topic), signup_data())
    client.post(submit_url(topic), entry_data(email="Sue@Example.org"))
    assert Contributor.objects.count() == 1
    assert Entry.objects.get().contributor == SignUp.objects.get().contributor


def test_entry_inherits_partner_opt_out_from_signup(client, make_topic):
    topic = make_topic(partner_name="Labourteachers")
    client.post(signup_url(topic), signup_data(partner_opt_out="on"))
    client.post(submit_url(topic), entry_data())
    assert Entry.objects.get().partner_opt_out is True


# A missing title is read from the post's page instead (see test_title_lookup.py).
@pytest.mark.parametrize("field", ["url", "name", "email"])
def test_entry_missing_field_is_explained(client, topic, field):
    response = client.post(submit_url(topic), entry_data(**{field: ""}))
    assert response.status_code == 200
    assert field_error(response, field).startswith("Enter ")
    assert Entry.objects.count() == 0


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_entry_rejects_bad_url(client, topic, url, message):
    response = client.post(submit_url(topic), entry_data(url=url))
    assert message in field_error(response, "url")
    assert Entry.objects.count() == 0


def test_entry_title_over_long_is_explained(client, topic):
    response = client.post(submit_url(topic), entry_data(title="x" * 501))
    assert "at most 500 characters" in field_error(response, "title")


def test_entry_error_redisplays_everything_typed(client, topic):
    response = client.post(submit_url(topic), entry_data(email="not an email"))
    html = response.content.decode()
    assert 'value="https://sue.example.org/2014/01/doors-open"' in html
    assert 'value="Doors Open"' in html
    assert 'value="Sue Cowley"' in html
    assert 'value="not an email"' in html


@pytest.mark.parametrize(
    "again",
    [
        "https://sue.example.org/2014/01/doors-open/",
        "https://SUE.example.org/2014/01/doors-open?utm_source=twitter&fbclid=abc",
        "https://sue.example.org:443/2014/01/doors-open#comments",
    ],
)
def test_entry_duplicate_url_links_existing_entry(client, topic, make_entry, again):
    make_entry(url="https://sue.example.org/2014/01/doors-open", title="Doors <Open>")
    response = client.post(submit_url(topic), entry_data(url=again, name="Other"))
    message = field_error(response, "url")
    assert "already been submitted for this topic" in message
    assert '<a href="https://sue.example.org/2014/01/doors-open">Doors &lt;Open&gt;</a>' in message
    assert Entry.objects.count() == 1


def test_entry_same_url_in_another_topic_is_accepted(client, topic, make_topic, make_entry):
    make_entry(url="https://sue.example.org/2014/01/doors-open")
    other = make_topic(number=2)
    response = client.post(submit_url(other), entry_data())
    assert response.status_code == 302
    assert Entry.objects.filter(topic=other).count() == 1


def test_entry_honeypot_is_discarded_silently(client, topic, caplog):
    with caplog.at_level(logging.INFO, logger="blogsync"):
        response = client.post(submit_url(topic), entry_data(**{HONEYPOT_FIELD: "x"}))
    assert response.status_code == 302
    assert response["Location"].endswith("/blogsync/1/submit/thanks/")
    assert Entry.objects.count() == 0
    assert "honeypot filled" in caplog.text


def test_entry_within_grace_is_not_late(client, make_topic, series):
    series.late_grace = timedelta(hours=12)
    series.save()
    topic = make_topic(
        signup_opens_at=timezone.now() - timedelta(days=20),
        deadline=timezone.now() - timedelta(hours=1),
    )
    response = client.post(submit_url(topic), entry_data())
    assert response["Location"].endswith("/submit/thanks/")
    assert Entry.objects.get().is_late is False


def test_entry_after_grace_is_accepted_and_late(client, make_topic):
    topic = make_topic(
        signup_opens_at=timezone.now() - timedelta(days=20),
        deadline=timezone.now() - timedelta(days=1),
    )
    response = client.post(submit_url(topic), entry_data())
    assert response["Location"].endswith("/submit/thanks/?late=1")
    assert Entry.objects.get().is_late is True


def test_entry_before_opening_is_rejected(client, make_topic):
    topic = make_topic(signup_opens_at=timezone.now() + timedelta(days=2))
    response = client.post(submit_url(topic), entry_data())
    assert response.status_code == 409
    assert "not open yet" in response.content.decode()
    assert Entry.objects.count() == 0


def test_entry_after_publication_is_rejected(client, make_topic):
    now = timezone.now()
    topic = make_topic(
        signup_opens_at=now - timedelta(days=30),
        deadline=now - timedelta(days=10),
        list_published_at=now - timedelta(days=1),
    )
    response = client.post(submit_url(topic), entry_data())
    assert response.status_code == 409
    html = response.content.decode()
    assert "The list for this topic was published on" in html
    assert "has been published" not in html
    assert Entry.objects.count() == 0


# Proposals


def test_proposal_is_stored_and_logged(client, series, caplog):
    with caplog.at_level(logging.INFO, logger="blogsync"):
        response = client.post(
            propose_url(series),
            {
                "title": "Homework: why bother?",
                "description": "Everyone sets it; few ask why.",
                "proposer_name": "Chris Chivers",
                "proposer_email": "",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("syncs:propose_thanks", kwargs={"series": "blogsync"})
    proposal = Proposal.objects.get()
    assert proposal.series == series
    assert proposal.title == "Homework: why bother?"
    assert proposal.proposer_email == ""
    assert f"Proposal {proposal.pk} received for series {series.pk}" in caplog.text


@pytest.mark.parametrize("field", ["title", "proposer_name"])
def test_proposal_missing_field_is_explained(client, series, field):
    data = {"title": "Homework", "proposer_name": "Chris", field: ""}
    response = client.post(propose_url(series), data)
    assert field_error(response, field).startswith("Enter ")
    assert 'value="' in response.content.decode()
    assert Proposal.objects.count() == 0


def test_proposal_invalid_email_is_explained(client, series):
    response = client.post(
        propose_url(series),
        {
            "title": "Homework",
            "proposer_name": "Chris",
            "proposer_email": "chris@",
            "description": "Kept after the error.",
        },
    )
    assert "Enter an email address" in field_error(response, "proposer_email")
    assert "Kept after the error." in response.content.decode()


def test_proposal_honeypot_is_discarded_silently(client, series):
    response = client.post(
        propose_url(series),
        {
            "title": "Buy pills",
            "proposer_name": "Bot",
            HONEYPOT_FIELD: "http://spam",
        },
    )
    assert response.status_code == 302
    assert Proposal.objects.count() == 0


def test_forms_require_csrf_token(topic):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(signup_url(topic), signup_data()).status_code == 403
    assert strict.post(submit_url(topic), entry_data()).status_code == 403
    assert strict.post(propose_url(topic.series), {"title": "t"}).status_code == 403


# Any input

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=1200)
# Mostly valid URLs and addresses, so that many examples get past validation.
urls = st.one_of(text, st.builds("https://example.org/{}".format, text))
emails = st.one_of(text, st.emails())


@hypothesis.settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
@hypothesis.given(name=text, email=emails, url=urls, title=text, extra=text)
def test_forms_never_fail_on_any_text(client, topic, name, email, url, title, extra):
    posts = [
        (
            signup_url(topic),
            {
                "name": name,
                "email": email,
                "blog_url": url,
                "social_handle": extra,
                "partner_opt_out": title,
            },
        ),
        (submit_url(topic), {"name": name, "email": email, "url": url, "title": title}),
        (
            propose_url(topic.series),
            {"title": title, "description": extra, "proposer_name": name, "proposer_email": email},
        ),
    ]
    for path, data in posts:
        response = client.post(path, data)
        assert response.status_code in (200, 302), path


def test_form_pages_reject_other_methods(client, topic):
    assert client.put(signup_url(topic)).status_code == 405
    assert client.delete(submit_url(topic)).status_code == 405
    assert client.patch(propose_url(topic.series)).status_code == 405
