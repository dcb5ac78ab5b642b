"""One matcher decides whether a URL is a topic page, for mentions and feed watching."""

import pytest
from django.utils import timezone

from blogsync.fetching.feeds import FeedItem
from blogsync.fetching.watching import item_belongs_to
from blogsync.syncs.topic_urls import TopicAddress, hub_hosts, links_to_topic, topic_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(settings):
    settings.SITE_URL = "https://hub.example"
    settings.ALLOWED_HOSTS = ["hub.example", "alias.example", ".pattern.example"]


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://hub.example/blogsync/1/", TopicAddress("blogsync", 1)),
        ("http://www.hub.example/blogsync/1?utm_source=x#top", TopicAddress("blogsync", 1)),
        ("https://hub.example/blogsync/1/?page=2", TopicAddress("blogsync", 1)),
        ("https://alias.example/blogsync/1", TopicAddress("blogsync", 1)),
        ("https://www.alias.example/blogsync/1", TopicAddress("blogsync", 1)),
        ("https://sub.pattern.example/blogsync/1/", None),
        ("https://wwwhub.example/blogsync/1/", None),
        ("https://hub.example/blogsync/1/submit/", None),
        ("mailto:someone@hub.example", None),
    ],
)
def test_topic_address_forms(hub, url, expected):
    assert topic_address(url, hub_hosts()) == expected


def test_links_to_topic_checks_number_and_series(hub, topic, make_topic):
    other = make_topic(number=2)

    assert links_to_topic(["https://hub.example/blogsync/1/"], topic)
    assert not links_to_topic(["https://hub.example/blogsync/1/"], other)
    assert not links_to_topic(["https://hub.example/otherseries/1/"], topic)
    assert not links_to_topic([], topic)


@pytest.mark.parametrize(
    "link",
    ["https://alias.example/blogsync/1/", "http://www.hub.example/blogsync/1?ref=feed"],
)
def test_feed_watcher_uses_same_matcher(hub, topic, link):
    item = FeedItem(
        key="k",
        link="https://jo.example/post",
        title="Post",
        published=None,
        text="",
        content_links=[link],
    )

    assert topic_address(link, hub_hosts()) == TopicAddress.of(topic)
    assert item_belongs_to(item, topic, first_poll=True, now=timezone.now())
