import pytest
from defusedxml import ElementTree
from django.urls import reverse

from blogsync.syncs.models import Contributor, EntryStatus

pytestmark = pytest.mark.django_db

TRICKY = "Ann & <Bob> \"B\" 'C' 🎉"


@pytest.fixture
def writers(make_entry, make_topic, site):
    with_feed = Contributor.objects.create(
        name=TRICKY,
        blog_url="https://ann.example.org/?a=1&b=2",
        feed_url="https://ann.example.org/feed?x=1&y=<2>",
    )
    without_feed = Contributor.objects.create(
        name="No Feed", blog_url="https://nofeed.example.org/"
    )
    pending_only = Contributor.objects.create(
        name="Pending", feed_url="https://pending.example.org/feed"
    )
    make_entry(contributor=with_feed)
    make_entry(contributor=with_feed, title="Second post, same line")
    make_entry(contributor=without_feed)
    make_entry(contributor=pending_only, status=EntryStatus.PENDING)
    other_topic = make_topic(number=2, title="Another month")
    elsewhere = Contributor.objects.create(
        name="Elsewhere", feed_url="https://elsewhere.example.org/rss"
    )
    make_entry(contributor=elsewhere, topic=other_topic)
    return with_feed


def outlines(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-opml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "opml"
    assert root.get("version") == "2.0"
    assert root.find("head/title").text
    return root.findall("body/outline")


def test_series_opml_lists_known_feeds(client, writers):
    found = outlines(client, reverse("following:series_opml", kwargs={"series": "blogsync"}))
    assert [o.get("text") for o in found] == [TRICKY, "Elsewhere"]


def test_opml_attributes_round_trip(client, writers):
    found = outlines(client, reverse("following:series_opml", kwargs={"series": "blogsync"}))
    outline = found[0]
    assert outline.get("type") == "rss"
    assert outline.get("text") == TRICKY
    assert outline.get("title") == TRICKY
    assert outline.get("xmlUrl") == "https://ann.example.org/feed?x=1&y=<2>"
    assert outline.get("htmlUrl") == "https://ann.example.org/?a=1&b=2"


def test_topic_opml_lists_that_topic_only(client, writers, topic):
    url = reverse("following:topic_opml", kwargs={"series": "blogsync", "number": 2})
    assert [o.get("text") for o in outlines(client, url)] == ["Elsewhere"]
    url = reverse("following:topic_opml", kwargs={"series": "blogsync", "number": 1})
    assert [o.get("text") for o in outlines(client, url)] == [TRICKY]


def test_opml_without_feeds_is_empty_but_valid(client, topic, site):
    url = reverse("following:series_opml", kwargs={"series": "blogsync"})
    assert outlines(client, url) == []


def test_opml_answers_304(client, writers):
    url = reverse("following:series_opml", kwargs={"series": "blogsync"})
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    Contributor.objects.filter(name="Elsewhere").update(feed_url="https://new.example.org/")
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize("count", [10, 1000])
def test_opml_query_count_is_fixed(client, topic, site, django_assert_num_queries, count):
    from tests.following.test_feeds import add_entries

    add_entries(topic, count)
    Contributor.objects.update(feed_url="https://example.org/feed")
    url = reverse("following:series_opml", kwargs={"series": "blogsync"})
    # One query for the series, one for its contributors.
    with django_assert_num_queries(2):
        assert len(outlines(client, url)) == count
