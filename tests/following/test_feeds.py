import json
from datetime import timedelta
from pathlib import Path

import feedparser
import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone

from blogsync.syncs.models import Contributor, Entry, EntrySource, EntryStatus

SCHEMA = json.loads((Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text())
TRICKY = "Fish & <chips> \"quoted\" 'single' 🐟"
TRICKY_NAME = 'Ann & <Bob> "B" 🎉'
FORMATS = ["rss", "atom", "json"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def tricky(topic, make_entry, site):
    topic.title = TRICKY
    topic.save()
    contributor = Contributor.objects.create(name=TRICKY_NAME, blog_url="https://ann.example.org/")
    entry = make_entry(contributor=contributor, title=TRICKY, approved_at=timezone.now())
    make_entry(status=EntryStatus.PENDING, title="Not approved yet")
    return entry


def feed_urls(topic):
    series = topic.series.slug
    for feed_format in FORMATS:
        yield feed_format, reverse(f"following:topics_{feed_format}", kwargs={"series": series})
        yield (
            feed_format,
            reverse(f"following:series_entries_{feed_format}", kwargs={"series": series}),
        )
        yield (
            feed_format,
            reverse(
                f"following:topic_entries_{feed_format}",
                kwargs={"series": series, "number": topic.number},
            ),
        )


def parse(feed_format, response):
    if feed_format == "json":
        document = json.loads(response.content)
        jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
        return document
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def item_titles(feed_format, parsed):
    if feed_format == "json":
        return [item["title"] for item in parsed["items"]]
    return [entry.title for entry in parsed.entries]


def test_every_feed_parses(client, tricky, topic):
    for feed_format, url in feed_urls(topic):
        response = client.get(url)
        assert response.status_code == 200, url
        parsed = parse(feed_format, response)
        assert len(item_titles(feed_format, parsed)) == 1, url


def test_feed_content_types(client, tricky, topic):
    expected = {
        "rss": "application/rss+xml",
        "atom": "application/atom+xml",
        "json": "application/feed+json",
    }
    for feed_format, url in feed_urls(topic):
        assert client.get(url)["Content-Type"].startswith(expected[feed_format]), url


def test_titles_round_trip_in_every_format(client, tricky, topic):
    series = topic.series.slug
    for feed_format in FORMATS:
        url = reverse(
            f"following:topic_entries_{feed_format}",
            kwargs={"series": series, "number": topic.number},
        )
        titles = item_titles(feed_format, parse(feed_format, client.get(url)))
        assert titles == [f"{TRICKY_NAME}: {TRICKY}"], feed_format

        url = reverse(f"following:topics_{feed_format}", kwargs={"series": series})
        titles = item_titles(feed_format, parse(feed_format, client.get(url)))
        assert titles == [f"#blogsync 1: {TRICKY}"], feed_format


def test_feed_titles_round_trip(client, tricky, topic):
    for feed_format in FORMATS:
        url = reverse(
            f"following:topic_entries_{feed_format}",
            kwargs={"series": topic.series.slug, "number": topic.number},
        )
        parsed = parse(feed_format, client.get(url))
        title = parsed["title"] if feed_format == "json" else parsed.feed.title
        assert title == f"#blogsync 1: {TRICKY}", feed_format


def test_item_ids_are_tag_uris_that_survive_edits(client, tricky, topic):
    url = reverse(
        "following:topic_entries_atom",
        kwargs={"series": topic.series.slug, "number": topic.number},
    )
    before = feedparser.parse(client.get(url).content).entries[0].id
    assert before.startswith("tag:hub.example.org,")
    assert before.endswith(f":entry/{tricky.pk}")

    tricky.title = "A new title"
    tricky.url = "https://elsewhere.example.org/moved"
    tricky.save()
    after = feedparser.parse(client.get(url).content).entries[0].id
    assert after == before


def test_rss_guid_is_not_a_permalink(client, tricky, topic):
    url = reverse(
        "following:topic_entries_rss", kwargs={"series": topic.series.slug, "number": topic.number}
    )
    assert b'<guid isPermaLink="false">tag:hub.example.org,' in client.get(url).content


def test_entry_dates_are_approval_dates(client, tricky, topic):
    approved = timezone.now() - timedelta(days=3)
    Entry.objects.filter(pk=tricky.pk).update(approved_at=approved)
    url = reverse(
        "following:topic_entries_json",
        kwargs={"series": topic.series.slug, "number": topic.number},
    )
    item = json.loads(client.get(url).content)["items"][0]
    published = timezone.datetime.fromisoformat(item["date_published"])
    assert abs((published - approved).total_seconds()) < 1


def test_topics_feed_waits_for_signup_to_open(client, make_topic, topic, site):
    make_topic(
        number=2,
        title="Not yet announced",
        signup_opens_at=timezone.now() + timedelta(days=3),
        deadline=timezone.now() + timedelta(days=20),
    )
    url = reverse("following:topics_atom", kwargs={"series": topic.series.slug})
    titles = [e.title for e in feedparser.parse(client.get(url).content).entries]
    assert titles == ["#blogsync 1: The Purpose of Education"]


@pytest.mark.parametrize("feed_format", FORMATS)
def test_unchanged_feed_answers_304(client, tricky, topic, feed_format):
    url = reverse(
        f"following:topic_entries_{feed_format}",
        kwargs={"series": topic.series.slug, "number": topic.number},
    )
    first = client.get(url)
    assert first.has_header("ETag")
    assert first.has_header("Last-Modified")
    assert "public" in first["Cache-Control"]

    by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert "public" in by_etag["Cache-Control"]

    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304


def test_changed_feed_answers_200(client, tricky, topic, make_entry):
    url = reverse(
        "following:topic_entries_rss", kwargs={"series": topic.series.slug, "number": topic.number}
    )
    etag = client.get(url)["ETag"]
    make_entry(title="A second post", approved_at=timezone.now())
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_feeds_set_no_cookie(client, tricky, topic):
    for _feed_format, url in feed_urls(topic):
        assert not client.get(url).cookies, url


def test_unknown_series_feed_is_404(client, db):
    assert client.get("/nothing-here/feeds/entries.rss").status_code == 404
    assert client.get("/nothing-here/3/feeds/entries.json").status_code == 404


def add_entries(topic, count):
    contributors = Contributor.objects.bulk_create(
        [Contributor(name=f"Writer {n}", slug=f"writer-{topic.pk}-{n}") for n in range(count)]
    )
    now = timezone.now()
    Entry.objects.bulk_create(
        [
            Entry(
                topic=topic,
                contributor=contributor,
                title=f"Post {n}",
                url=f"https://w{n}.example.org/p",
                position=n,
                source=EntrySource.FORM,
                status=EntryStatus.APPROVED,
                approved_at=now,
            )
            for n, contributor in enumerate(contributors)
        ]
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_feed_query_count_is_fixed(client, topic, site, django_assert_num_queries, count):
    add_entries(topic, count)
    series = topic.series.slug
    # One query for the series or topic, one for the items with their contributors.
    for feed_format in FORMATS:
        for url in [
            reverse(
                f"following:topic_entries_{feed_format}",
                kwargs={"series": series, "number": topic.number},
            ),
            reverse(f"following:series_entries_{feed_format}", kwargs={"series": series}),
            reverse(f"following:topics_{feed_format}", kwargs={"series": series}),
        ]:
            with django_assert_num_queries(2):
                assert client.get(url).status_code == 200


def test_pages_link_their_feeds(client, tricky, topic):
    home = client.get(topic.series.get_absolute_url()).content.decode()
    page = client.get(topic.get_absolute_url()).content.decode()
    series_feed = reverse("following:series_entries_atom", kwargs={"series": "blogsync"})
    topic_feed = reverse(
        "following:topic_entries_rss", kwargs={"series": "blogsync", "number": topic.number}
    )
    assert '<link rel="alternate" type="application/atom+xml"' in home
    assert series_feed in home
    assert topic_feed not in home
    assert topic_feed in page
    assert 'type="application/feed+json"' in page


@pytest.mark.parametrize("feed_format", FORMATS)
def test_empty_feed_answers_304(client, topic, site, feed_format):
    url = reverse(
        f"following:topic_entries_{feed_format}",
        kwargs={"series": topic.series.slug, "number": topic.number},
    )
    first = client.get(url)
    assert first.status_code == 200
    parse(feed_format, first)
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
