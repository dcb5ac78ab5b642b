from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from blogsync.fetching.feeds import FeedItem
from blogsync.fetching.models import FeedState
from blogsync.fetching.watching import item_belongs_to, names_hashtag, poll_open_topic_feeds
from blogsync.syncs.models import Contributor, Entry, EntrySource, EntryStatus, SignUp

FEEDS = Path(__file__).parent / "feeds"


def rss(*items: str) -> str:
    channel = f"<channel><title>B</title>{''.join(items)}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def item(title, link, *, body="", date=None):
    published = f"<pubDate>{date:%a, %d %b %Y %H:%M:%S} GMT</pubDate>" if date else ""
    return (
        f"<item><title>{title}</title><link>{link}</link>{published}"
        f"<description><![CDATA[{body}]]></description></item>"
    )


@pytest.fixture
def hub(settings):
    settings.SITE_URL = "https://hub.example"


@pytest.fixture
def writer(httpserver, topic):
    contributor = Contributor.objects.create(
        name="Jo Bloggs", email="jo@example.org", feed_url=httpserver.url_for("/feed")
    )
    SignUp.objects.create(topic=topic, contributor=contributor, confirmed_at=timezone.now())
    return contributor


def serve(httpserver, body, **kwargs):
    httpserver.expect_request("/feed").respond_with_data(
        body, content_type="application/rss+xml", **kwargs
    )


def test_post_linking_to_topic_becomes_pending_entry(hub, httpserver, topic, writer):
    serve(
        httpserver,
        rss(
            item(
                "Why I teach",
                "https://jo.example/why",
                body='<a href="http://www.hub.example/blogsync/1?utm_source=x#top">sync</a>',
            ),
            item("Unrelated", "https://jo.example/other", body="Nothing here."),
        ),
    )
    counts = poll_open_topic_feeds()
    (entry,) = Entry.objects.all()
    assert entry.url == "https://jo.example/why"
    assert entry.title == "Why I teach"
    assert entry.contributor == writer
    assert entry.topic == topic
    assert entry.source == EntrySource.FEED
    assert entry.status == EntryStatus.PENDING
    assert counts == {"feeds": 1, "failed": 0, "not_modified": 0, "entries": 1}


def test_post_naming_hashtag_after_signup_opened(hub, httpserver, topic, writer):
    now = timezone.now()
    serve(
        httpserver,
        rss(
            item("New post", "https://jo.example/new", body="Written for #blogsync.", date=now),
            item(
                "Old post",
                "https://jo.example/old",
                body="Written for #blogsync.",
                date=now - timedelta(days=60),
            ),
        ),
    )
    poll_open_topic_feeds()
    assert list(Entry.objects.values_list("url", flat=True)) == ["https://jo.example/new"]


def test_second_poll_adds_nothing_twice(hub, httpserver, topic, writer):
    serve(
        httpserver,
        rss(
            item(
                "Why",
                "https://jo.example/why",
                body='<a href="https://hub.example/blogsync/1/">sync</a>',
            )
        ),
    )
    poll_open_topic_feeds()
    FeedState.objects.update(seen=[])
    assert poll_open_topic_feeds()["entries"] == 0
    assert Entry.objects.count() == 1


def test_post_already_submitted_is_ignored(hub, httpserver, topic, writer, make_entry):
    make_entry(url="https://jo.example/why/", contributor=writer)
    serve(
        httpserver,
        rss(
            item(
                "Why",
                "https://jo.example/why",
                body='<a href="https://hub.example/blogsync/1/">sync</a>',
            )
        ),
    )
    assert poll_open_topic_feeds()["entries"] == 0
    assert Entry.objects.count() == 1


def test_unconfirmed_signups_are_not_watched(hub, httpserver, topic, writer):
    SignUp.objects.update(confirmed_at=None)
    assert poll_open_topic_feeds()["feeds"] == 0
    assert httpserver.log == []


def test_closed_topics_are_not_watched(hub, httpserver, make_topic, writer):
    SignUp.objects.update(topic=make_topic(number=2, deadline=timezone.now() - timedelta(days=1)))
    SignUp.objects.filter(topic__number=1).delete()
    assert poll_open_topic_feeds()["feeds"] == 0


def test_unchanged_feed_counts_as_not_modified(hub, httpserver, topic, writer):
    httpserver.expect_ordered_request("/feed").respond_with_data(
        rss(), content_type="application/rss+xml", headers={"ETag": '"1"'}
    )
    httpserver.expect_ordered_request("/feed", headers={"If-None-Match": '"1"'}).respond_with_data(
        "", status=304
    )
    poll_open_topic_feeds()
    assert poll_open_topic_feeds()["not_modified"] == 1


@pytest.mark.parametrize(
    ("text", "tags", "expected"),
    [
        ("Written for #blogsync.", [], True),
        ("Written for #BlogSync", [], True),
        ("Written for #blogsyncing", [], False),
        ("See &#blogsync", [], False),
        ("Nothing", ["blogsync"], True),
        ("Nothing", ["#BlogSync"], True),
        ("Nothing", ["sync"], False),
    ],
)
def test_hashtag_detection(text, tags, expected):
    found = FeedItem(
        key="k", link="https://x.example/", title="", published=None, text=text, tags=tags
    )
    assert names_hashtag(found, "#blogsync") is expected


def test_undated_hashtag_post_counts_unless_first_poll(hub, topic):
    undated = FeedItem(
        key="k", link="https://x.example/", title="", published=None, text="#blogsync"
    )
    now = timezone.now()
    assert not item_belongs_to(undated, topic, first_poll=True, now=now)
    assert item_belongs_to(undated, topic, first_poll=False, now=now)


@pytest.mark.django_db(transaction=True)
def test_writer_told_once_after_repeated_failures(hub, httpserver, settings, series, make_topic):
    settings.BLOGSYNC_FEED_FAILURES_BEFORE_NOTICE = 3
    topic = make_topic()
    contributor = Contributor.objects.create(
        name="Jo Bloggs", email="jo@example.org", feed_url=httpserver.url_for("/feed")
    )
    SignUp.objects.create(topic=topic, contributor=contributor, confirmed_at=timezone.now())
    httpserver.expect_request("/feed").respond_with_data("Not found", status=404)

    for _ in range(5):
        poll_open_topic_feeds()
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jo@example.org"]
    assert "feed" in message.subject
    assert "The feed returned the error status 404." in message.body
    assert httpserver.url_for("/feed") in message.body
    state = FeedState.objects.get()
    assert state.failures == 5
    assert state.failure_notified_at is not None


@pytest.mark.django_db(transaction=True)
def test_recovered_feed_resets_the_notice(hub, httpserver, settings, series, make_topic):
    settings.BLOGSYNC_FEED_FAILURES_BEFORE_NOTICE = 1
    topic = make_topic()
    contributor = Contributor.objects.create(
        name="Jo", email="jo@example.org", feed_url=httpserver.url_for("/feed")
    )
    SignUp.objects.create(topic=topic, contributor=contributor, confirmed_at=timezone.now())
    httpserver.expect_ordered_request("/feed").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/feed").respond_with_data(
        rss(), content_type="application/rss+xml"
    )
    poll_open_topic_feeds()
    poll_open_topic_feeds()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    # The feed recovered before the worker ran, so no message is sent.
    assert mail.outbox == []
    state = FeedState.objects.get()
    assert state.failures == 0
    assert state.failure_notified_at is None


def test_missing_feed_discovered_from_blog(hub, httpserver, topic):
    httpserver.expect_request("/").respond_with_data(
        '<link rel="alternate" type="application/rss+xml" href="/feed">', content_type="text/html"
    )
    serve(
        httpserver,
        rss(
            item(
                "Why",
                "https://jo.example/why",
                body='<a href="https://hub.example/blogsync/1/">sync</a>',
            )
        ),
    )
    contributor = Contributor.objects.create(name="Jo", blog_url=httpserver.url_for("/"))
    SignUp.objects.create(topic=topic, contributor=contributor, confirmed_at=timezone.now())
    counts = poll_open_topic_feeds()
    contributor.refresh_from_db()
    assert contributor.feed_url == httpserver.url_for("/feed")
    assert counts["entries"] == 1


def test_blog_without_feed_is_skipped(hub, httpserver, topic):
    httpserver.expect_request("/").respond_with_data("<p>No feed</p>", content_type="text/html")
    contributor = Contributor.objects.create(name="Jo", blog_url=httpserver.url_for("/"))
    SignUp.objects.create(topic=topic, contributor=contributor, confirmed_at=timezone.now())
    assert poll_open_topic_feeds()["feeds"] == 0
    contributor.refresh_from_db()
    assert contributor.feed_url == ""


def test_shortlink_in_feed_listed_under_canonical_url(hub, httpserver, topic, writer):
    permalink = httpserver.url_for("/2013/09/why-i-teach/")
    httpserver.expect_request("/", query_string="p=123").respond_with_data(
        f'<title>Why I teach</title><link rel="canonical" href="{permalink}">',
        content_type="text/html",
    )
    serve(
        httpserver,
        rss(
            item(
                "",
                httpserver.url_for("/?p=123"),
                body='<a href="https://hub.example/blogsync/1/">sync</a>',
            )
        ),
    )
    poll_open_topic_feeds()
    (entry,) = Entry.objects.all()
    assert entry.url == permalink
    assert entry.title == "Why I teach"


def test_shortlink_matches_submitted_permalink(hub, httpserver, topic, writer, make_entry):
    permalink = httpserver.url_for("/2013/09/why-i-teach/")
    make_entry(url=permalink, contributor=writer)
    httpserver.expect_request("/", query_string="p=123").respond_with_data(
        f'<link rel="canonical" href="{permalink}">', content_type="text/html"
    )
    serve(
        httpserver,
        rss(
            item(
                "Why",
                httpserver.url_for("/?p=123"),
                body='<a href="https://hub.example/blogsync/1/">sync</a>',
            )
        ),
    )
    assert poll_open_topic_feeds()["entries"] == 0
    assert Entry.objects.count() == 1
