"""The public pages show the right content and stay the same for every visitor."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from blogsync.syncs.models import EntryStatus, SignUp

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def public_urls(topic, contributor):
    series = topic.series.slug
    return [
        reverse("syncs:root"),
        reverse("syncs:series_home", kwargs={"series": series}),
        reverse("syncs:archive", kwargs={"series": series}),
        topic.get_absolute_url(),
        contributor.get_absolute_url(),
        reverse("syncs:help_writers", kwargs={"series": series}),
        reverse("syncs:help_readers", kwargs={"series": series}),
        reverse("syncs:signup_thanks", kwargs={"series": series, "number": topic.number}),
        reverse("syncs:submit_thanks", kwargs={"series": series, "number": topic.number}),
        reverse("syncs:propose_thanks", kwargs={"series": series}),
        reverse("syncs:signup_link_sent"),
    ]


def test_public_pages_set_no_cookie_and_are_cacheable(client, topic, make_entry):
    entry = make_entry()
    for url in public_urls(topic, entry.contributor):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "public" in response["Cache-Control"], url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url


def test_public_pages_are_identical_for_two_visitors(client, topic, make_entry):
    from django.test import Client

    entry = make_entry()
    other = Client()
    for url in public_urls(topic, entry.contributor):
        assert client.get(url).content == other.get(url).content, url


def test_home_explains_the_four_steps(client, topic):
    html = page(client, "/blogsync/")
    assert "How it works" in html
    assert "Every month a topic is decided." in html
    assert "Bloggers sign up to write on it by the deadline." in html
    assert "advertises the links to each other" in html
    assert "lists the topics and the posts" in html


def test_home_shows_current_topic_with_sign_up_link(client, topic):
    html = page(client, "/blogsync/")
    assert "The Purpose of Education" in html
    signup = reverse("syncs:signup", kwargs={"series": "blogsync", "number": topic.number})
    assert f'class="button" href="{signup}"' in html


def test_home_shows_deadline_in_london_time(client, make_topic):
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
    make_topic(
        signup_opens_at=timezone.now() - timedelta(days=1),
        deadline=datetime(2099, 7, 1, 23, 30, tzinfo=UTC),
    )
    html = page(client, "/blogsync/")
    assert "Thursday 2 July 2099, 00:30 BST" in html


def test_home_lists_latest_lists_newest_first(client, make_topic, make_entry):
    older = make_topic(number=7, title="Older topic", month=date(2013, 9, 1))
    newer = make_topic(number=8, title="Newer topic", month=date(2013, 10, 1))
    make_entry(topic=older, title="Old post")
    make_entry(topic=newer, title="New post")
    html = page(client, "/blogsync/")
    assert html.index("New post") < html.index("Old post")


def test_home_without_current_topic_shows_next_one(client, make_topic):
    make_topic(
        signup_opens_at=timezone.now() + timedelta(days=3),
        deadline=timezone.now() + timedelta(days=20),
        title="Coming soon",
    )
    html = page(client, "/blogsync/")
    assert "Next: #blogsync 1" in html
    assert "Sign-up opens on" in html


def test_topic_page_numbers_lines_and_groups_posts(client, topic, make_entry):
    first = make_entry(name="Sue Cowley", title="Doors Open")
    make_entry(name="Michael Tidd", title="Broadening Horizons")
    make_entry(contributor=first.contributor, title="Second thoughts")
    make_entry(name="Hidden", title="Pending post", status=EntryStatus.PENDING)
    html = page(client, topic.get_absolute_url())
    assert html.count('<li value="1">') == 1
    assert html.count('<li value="2">') == 1
    assert '<li value="3">' not in html
    assert "Doors Open</a> and <a" in html
    assert "Pending post" not in html


def test_topic_page_links_each_post(client, topic, make_entry):
    make_entry(name="Sue Cowley", title="Doors Open", url="https://sue.example.org/doors")
    html = page(client, topic.get_absolute_url())
    assert '<a href="https://sue.example.org/doors">Doors Open</a>' in html


def test_topic_page_shows_invitation_partner_dates_state(client, make_topic):
    topic = make_topic(
        invitation="Write a letter to the minister.",
        partner_name="Labourteachers",
        partner_note="Organised with Labourteachers.",
        deadline=datetime(2099, 1, 31, 23, 59, tzinfo=UTC),
    )
    html = page(client, topic.get_absolute_url())
    assert "Write a letter to the minister." in html
    assert "In partnership with Labourteachers" in html
    assert "Organised with Labourteachers." in html
    assert "Saturday 31 January 2099, 23:59 GMT" in html
    assert "Open for sign-ups" in html


def test_topic_page_links_forms_while_open(client, topic):
    html = page(client, topic.get_absolute_url())
    assert reverse("syncs:signup", kwargs={"series": "blogsync", "number": 1}) in html
    assert reverse("syncs:submit_entry", kwargs={"series": "blogsync", "number": 1}) in html


def test_topic_page_after_deadline_links_only_submission(client, make_topic):
    topic = make_topic(
        signup_opens_at=timezone.now() - timedelta(days=20),
        deadline=timezone.now() - timedelta(days=1),
    )
    html = page(client, topic.get_absolute_url())
    assert reverse("syncs:signup", kwargs={"series": "blogsync", "number": 1}) not in html
    assert reverse("syncs:submit_entry", kwargs={"series": "blogsync", "number": 1}) in html
    assert "marked late" in html


def test_published_topic_page_links_no_form(client, make_topic, make_entry):
    now = timezone.now()
    topic = make_topic(
        number=2,
        signup_opens_at=now - timedelta(days=30),
        deadline=now - timedelta(days=10),
        list_published_at=now - timedelta(days=5),
    )
    make_entry(topic=topic)
    html = page(client, topic.get_absolute_url())
    assert "/blogsync/2/submit/" not in html
    assert "/blogsync/2/signup/" not in html
    assert "List published" in html


def test_topic_page_counts_confirmed_signups_only(client, topic, make_entry):
    one = make_entry().contributor
    two = make_entry().contributor
    SignUp.objects.create(topic=topic, contributor=one, confirmed_at=timezone.now())
    SignUp.objects.create(topic=topic, contributor=two)
    html = page(client, topic.get_absolute_url())
    assert "1 writer<" in html


def test_topic_page_links_to_share_page(client, topic, make_entry):
    make_entry()
    html = page(client, topic.get_absolute_url())
    assert "/blogsync/1/share/" in html


def test_topic_page_escapes_titles(client, topic, make_entry):
    make_entry(title="<script>alert(1)</script>")
    html = page(client, topic.get_absolute_url())
    assert "<script>alert(1)</script>" not in html


def test_archive_lists_every_month_with_or_without_list(client, make_topic, make_entry):
    with_list = make_topic(number=9, title="The Role of Families", month=date(2013, 11, 1))
    make_topic(number=5, title="Status of the profession", month=date(2013, 5, 1))
    make_entry(topic=with_list)
    make_entry(topic=with_list)
    html = page(client, "/blogsync/archive/")
    assert "November 2013: The Role of Families" in html
    assert "2 posts" in html
    assert "May 2013: Status of the profession" in html
    assert "no list" in html
    assert html.index("November 2013") < html.index("May 2013")


def test_contributor_page_lists_entries_across_months(client, make_topic, make_entry):
    september = make_topic(number=7, title="Purpose", month=date(2013, 9, 1))
    october = make_topic(number=8, title="Marking", month=date(2013, 10, 1))
    first = make_entry(topic=september, name="Sue Cowley", title="Doors Open")
    make_entry(topic=october, contributor=first.contributor, title="The Editors")
    make_entry(
        topic=october,
        contributor=first.contributor,
        title="Unapproved",
        status=EntryStatus.PENDING,
    )
    html = page(client, first.contributor.get_absolute_url())
    assert "Doors Open" in html
    assert "The Editors" in html
    assert "Unapproved" not in html
    assert html.index("The Editors") < html.index("Doors Open")


def test_help_pages_explain_signing_up_submitting_and_the_list(client, topic):
    writers = page(client, reverse("syncs:help_writers", kwargs={"series": "blogsync"}))
    assert "How to sign up" in writers
    assert "How to submit your post" in writers
    assert "How to put the list on your blog" in writers
    readers = page(client, reverse("syncs:help_readers", kwargs={"series": "blogsync"}))
    assert "Help for readers" in readers


def test_submit_thanks_mentions_lateness_only_when_late(client, topic):
    url = reverse("syncs:submit_thanks", kwargs={"series": "blogsync", "number": 1})
    assert "marked late" not in page(client, url)
    assert "marked late" in page(client, url + "?late=1")


def test_unknown_topic_is_not_found(client, topic):
    assert client.get("/blogsync/99/").status_code == 404
    assert client.get("/blogsync/99/signup/").status_code == 404
    assert client.get("/nothing/propose/").status_code == 404


def test_every_page_of_the_flow_has_one_h1(client, topic, make_entry):
    import re

    from blogsync.syncs.signups import make_token

    entry = make_entry()
    signup = SignUp.objects.create(topic=topic, contributor=entry.contributor)
    urls = public_urls(topic, entry.contributor) + [
        reverse("syncs:signup", kwargs={"series": "blogsync", "number": 1}),
        reverse("syncs:submit_entry", kwargs={"series": "blogsync", "number": 1}),
        reverse("syncs:propose", kwargs={"series": "blogsync"}),
        reverse("syncs:confirm_signup", kwargs={"token": make_token(signup)}),
        reverse("syncs:confirm_signup", kwargs={"token": "broken"}),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert len(re.findall(r"<h1[\s>]", html)) == 1, url


def test_navigation_marks_current_page(client, topic):
    html = page(client, reverse("syncs:archive", kwargs={"series": "blogsync"}))
    assert 'href="/blogsync/archive/" aria-current="page"' in html
    assert html.count('aria-current="page"') == 1


def test_non_http_entry_url_is_not_a_link(client, topic, make_entry):
    entry = make_entry(title="Sneaky", url="javascript:alert(1)")
    for url in [topic.get_absolute_url(), entry.contributor.get_absolute_url()]:
        html = page(client, url)
        assert "javascript:alert(1)" not in html
        assert "Sneaky" in html


def test_published_topic_without_list_says_so(client, make_topic):
    past = timezone.now() - timedelta(days=400)
    topic = make_topic(
        number=5,
        signup_opens_at=past,
        deadline=past + timedelta(days=20),
        list_published_at=past + timedelta(days=21),
    )
    html = page(client, topic.get_absolute_url())
    assert "The list of this month was not kept" in html
    assert "/blogsync/5/share/" not in html


def test_password_done_page_links_to_admin_login(client):
    response = client.get("/admin/password/done/")
    assert response.status_code == 200
    assert 'href="/admin/login/"' in response.content.decode()
