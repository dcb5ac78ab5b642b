"""Every public page makes a fixed number of SQL queries, whatever the data size."""

import pytest
from django.urls import reverse

from blogsync.syncs.models import Contributor, Entry, EntrySource, EntryStatus, SignUp

pytestmark = pytest.mark.django_db


def fill_topic(topic, count):
    """Add `count` approved entries by `count // 2` writers, so that lines are shared."""
    writers = Contributor.objects.bulk_create(
        Contributor(name=f"Writer {n}", slug=f"writer-{n}", email=f"w{n}@example.org")
        for n in range(max(count // 2, 1))
    )
    Entry.objects.bulk_create(
        Entry(
            topic=topic,
            contributor=writers[n % len(writers)],
            title=f"Post {n}",
            url=f"https://blog.example.org/{n}",
            normalised_url=f"https://blog.example.org/{n}",
            position=n + 1,
            source=EntrySource.FORM,
            status=EntryStatus.APPROVED,
        )
        for n in range(count)
    )
    SignUp.objects.bulk_create(SignUp(topic=topic, contributor=w) for w in writers)
    return writers[0]


# Each page: (url builder, expected queries, reason).
PAGES = {
    # series; the open topic; the next topic; the latest lists; their entries.
    "home": (lambda topic, writer: "/blogsync/", 5),
    # the single series check (root delegates to the series home).
    "root": (lambda topic, writer: "/", 6),
    # topic with series; its approved entries with contributors; confirmed sign-ups.
    "topic": (lambda topic, writer: topic.get_absolute_url(), 3),
    # series; topics annotated with their approved count.
    "archive": (lambda topic, writer: "/blogsync/archive/", 2),
    # contributor; their approved entries with topic and series.
    "contributor": (lambda topic, writer: writer.get_absolute_url(), 2),
    # series; the open topic for the sign-up link.
    "help_writers": (lambda topic, writer: "/blogsync/help/writers/", 2),
    # series.
    "help_readers": (lambda topic, writer: "/blogsync/help/readers/", 1),
    # topic with series.
    "signup_thanks": (lambda topic, writer: "/blogsync/1/signup/thanks/", 1),
    "submit_thanks": (lambda topic, writer: "/blogsync/1/submit/thanks/", 1),
    # series.
    "propose_thanks": (lambda topic, writer: "/blogsync/propose/thanks/", 1),
    # topic with series, for the form's heading.
    "signup_form": (lambda topic, writer: "/blogsync/1/signup/", 1),
    "submit_form": (lambda topic, writer: "/blogsync/1/submit/", 1),
}


@pytest.mark.parametrize("size", [10, 1000])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_query_count_does_not_grow(client, topic, django_assert_num_queries, name, size):
    writer = fill_topic(topic, size)
    build, expected = PAGES[name]
    url = build(topic, writer)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


def test_topic_page_lists_all_thousand_entries(client, topic):
    fill_topic(topic, 1000)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert html.count("https://blog.example.org/") >= 1000
    assert '<li value="500">' in html
    assert reverse("syncs:series_home", kwargs={"series": "blogsync"}) in html
