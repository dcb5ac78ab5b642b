import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Response

from blogsync.fetching.feeds import (
    discover_feed,
    discover_feeds,
    fetch_feed,
    parse_feed,
    poll_concurrently,
    poll_feeds,
    store_feed_url,
)
from blogsync.fetching.models import FeedState

HERE = Path(__file__).parent
PAGES = HERE / "pages"
FEEDS = HERE / "feeds"


def feed(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


@pytest.mark.parametrize(
    ("page", "base", "expected"),
    [
        (
            "wordpress.html",
            "https://teachernotes.example/2013/09/why-i-teach/",
            [
                "https://teachernotes.example/feed/",
                "https://teachernotes.example/comments/feed/",
            ],
        ),
        (
            "blogger.html",
            "http://mathsmusings.blogspot.example/",
            [
                "http://mathsmusings.blogspot.example/feeds/posts/default",
                "http://mathsmusings.blogspot.example/feeds/posts/default?alt=rss",
            ],
        ),
        (
            "substack.html",
            "https://alexrivera.substack.example/p/on-homework-again",
            ["https://alexrivera.substack.example/feed"],
        ),
        ("ghost.html", "https://ghost.teach.example/", ["https://ghost.teach.example/rss/"]),
        ("handwritten.html", "https://me.example/", []),
    ],
)
def test_feeds_discovered_from_link_elements(page, base, expected):
    html = (PAGES / page).read_text(encoding="utf-8")
    assert discover_feeds(html, base) == expected


def test_json_feed_discovered():
    html = '<link rel="alternate" type="application/feed+json" href="feed.json">'
    assert discover_feeds(html, "https://dana.example/notes/") == [
        "https://dana.example/notes/feed.json"
    ]


def test_discover_feed_fetches_the_blog(httpserver):
    httpserver.expect_request("/").respond_with_data(
        '<link rel="alternate" type="application/rss+xml" href="/feed.xml">',
        content_type="text/html",
    )
    assert discover_feed(httpserver.url_for("/")) == httpserver.url_for("/feed.xml")


def test_discover_feed_keeps_a_feed_url(httpserver):
    httpserver.expect_request("/feed").respond_with_data(
        feed("wordpress.xml"), content_type="application/rss+xml"
    )
    assert discover_feed(httpserver.url_for("/feed")) == httpserver.url_for("/feed")


@pytest.mark.django_db
def test_store_feed_url_saves_it_on_the_contributor(httpserver):
    from blogsync.syncs.models import Contributor

    httpserver.expect_request("/").respond_with_data(
        '<link rel="alternate" type="application/atom+xml" href="atom.xml">',
        content_type="text/html",
    )
    writer = Contributor.objects.create(name="Sam", blog_url=httpserver.url_for("/"))
    assert store_feed_url(writer) == httpserver.url_for("/atom.xml")
    writer.refresh_from_db()
    assert writer.feed_url == httpserver.url_for("/atom.xml")


@pytest.mark.django_db
def test_store_feed_url_survives_an_unreachable_blog(resolver):
    from blogsync.syncs.models import Contributor

    resolver["private.example"] = ["10.0.0.7"]
    writer = Contributor.objects.create(name="Sam", blog_url="http://private.example/")
    assert store_feed_url(writer) is None
    writer.refresh_from_db()
    assert writer.feed_url == ""


def test_rss_items_with_content_links():
    items = parse_feed(feed("wordpress.xml"), "https://teachernotes.example/feed/")
    first = items[0]
    assert first.link == "https://teachernotes.example/2013/09/why-i-teach/"
    assert first.title == "Why I teach"
    assert first.published == datetime(2013, 9, 20, 19, 4, 11, tzinfo=UTC)
    assert first.content_links == ["http://www.hub.example/blogsync/1?utm_source=blog"]
    assert first.tags == ["Education"]


def test_atom_items_with_categories():
    items = parse_feed(feed("blogger.xml"), "http://mathsmusings.blogspot.example/feeds/")
    assert [item.title for item in items] == ["Assessment without levels", "An old #blogsync post"]
    assert items[0].tags == ["blogsync"]
    assert items[0].published == datetime(2013, 9, 21, 7, 15, tzinfo=UTC)


def test_relative_links_resolved_against_the_feed():
    (item,) = parse_feed(feed("relative.xml"), "https://hand.example/blog/rss.xml")
    assert item.link == "https://hand.example/posts/relative.html"
    assert item.content_links == [
        "https://hand.example/posts/notes.html",
        "https://hand.example/about",
    ]


def test_items_without_dates():
    (item,) = parse_feed(feed("no-dates.xml"), "https://undated.example/feed")
    assert item.published is None
    assert "#BlogSync" in item.text


def test_feed_declaring_latin1_but_sent_as_utf8():
    (item,) = parse_feed(
        feed("wrong-charset.xml"), "https://cafe.example/feed", "text/xml; charset=ISO-8859-1"
    )
    assert item.title == "Café culture – part 2"


def test_feed_really_in_latin1():
    (item,) = parse_feed(feed("real-latin1.xml"), "https://cafe.example/feed", "text/xml")
    assert item.title == "Café au lait"


def test_json_feed_items():
    items = parse_feed(feed("feed.json"), "https://dana.example/feed.json")
    assert len(items) == 1
    assert items[0].link == "https://dana.example/2013/09/reflections"
    assert items[0].content_links == ["https://hub.example/blogsync/1/"]
    assert items[0].tags == ["teaching", "#blogsync"]


def test_garbage_is_not_a_feed():
    assert parse_feed(b"<html><body>Hello</body></html>", "https://x.example/") == []
    assert parse_feed(b"{not json", "https://x.example/") == []


def test_conditional_get_sends_validators_back(httpserver):
    httpserver.expect_ordered_request("/feed").respond_with_data(
        feed("wordpress.xml"),
        content_type="application/rss+xml",
        headers={"ETag": '"v1"', "Last-Modified": "Fri, 20 Sep 2013 19:04:11 GMT"},
    )
    httpserver.expect_ordered_request(
        "/feed",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Fri, 20 Sep 2013 19:04:11 GMT"},
    ).respond_with_data("", status=304)
    first = fetch_feed(httpserver.url_for("/feed"))
    assert first.ok
    assert first.etag == '"v1"'
    assert len(first.items) == 2
    second = fetch_feed(httpserver.url_for("/feed"), first.etag, first.last_modified)
    assert second.not_modified
    assert second.items == []
    httpserver.check_assertions()


def test_huge_feed_is_an_error(httpserver):
    def huge(request):
        return Response(
            (b"<rss>" + b" " * 1024 * 1024 for _ in range(10)), content_type="text/xml"
        )

    httpserver.expect_request("/huge").respond_with_handler(huge)
    outcome = fetch_feed(httpserver.url_for("/huge"))
    assert not outcome.ok
    assert "larger than" in outcome.error


def test_error_status_is_an_error(httpserver):
    httpserver.expect_request("/gone").respond_with_data("Gone", status=410)
    outcome = fetch_feed(httpserver.url_for("/gone"))
    assert outcome.error == "The feed returned the error status 410."


def test_html_page_is_not_a_feed(httpserver):
    httpserver.expect_request("/blog").respond_with_data("<html></html>", content_type="text/html")
    assert "does not return a feed" in fetch_feed(httpserver.url_for("/blog")).error


def test_empty_feed_is_fine(httpserver):
    httpserver.expect_request("/empty").respond_with_data(
        '<rss version="2.0"><channel><title>New</title></channel></rss>', content_type="text/xml"
    )
    outcome = fetch_feed(httpserver.url_for("/empty"))
    assert outcome.ok
    assert outcome.items == []


def test_slow_feed_does_not_hold_up_the_others(httpserver):
    release = threading.Event()

    def slow(request):
        # Responds only once the test has seen the other feeds finish, or after 5 s.
        release.wait(timeout=5)
        return Response(feed("relative.xml"), content_type="text/xml")

    slow_server = HTTPServer(host="127.0.0.1", port=0)
    slow_server.expect_request("/slow").respond_with_handler(slow)
    slow_server.start()
    try:
        for name in ("wordpress.xml", "blogger.xml", "no-dates.xml"):
            httpserver.expect_request(f"/{name}").respond_with_data(
                feed(name), content_type="text/xml"
            )
        httpserver.expect_request("/broken").respond_with_data("oops", status=500)
        fast = [
            httpserver.url_for(f"/{name}")
            for name in ("wordpress.xml", "blogger.xml", "no-dates.xml", "broken")
        ]
        requests = [(slow_server.url_for("/slow"), "", "")] + [(url, "", "") for url in fast]
        finished = []
        released_before = {}
        for outcome in poll_concurrently(requests, workers=3):
            finished.append(outcome.feed_url)
            released_before[outcome.feed_url] = release.is_set()
            if set(fast) <= set(finished):
                release.set()
    finally:
        release.set()
        slow_server.clear()
        slow_server.stop()
    assert set(finished[:4]) == set(fast)
    assert finished[4] == slow_server.url_for("/slow")
    assert not any(released_before[url] for url in fast)


@pytest.mark.django_db
def test_poll_feeds_remembers_items_and_failures(httpserver):
    url = httpserver.url_for("/feed")
    httpserver.expect_ordered_request("/feed").respond_with_data(
        feed("blogger.xml"), content_type="application/atom+xml", headers={"ETag": '"a"'}
    )
    httpserver.expect_ordered_request("/feed").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/feed", headers={"If-None-Match": '"a"'}).respond_with_data(
        feed("blogger.xml").replace(
            b"<entry>",
            b"<entry><title>New</title><link href='/new'/><id>new</id></entry><entry>",
            1,
        ),
        content_type="application/atom+xml",
    )

    (first,) = poll_feeds([url])
    assert first.first_poll
    assert len(first.new_items) == 2

    (second,) = poll_feeds([url])
    assert second.outcome.error == "The feed returned the error status 503."
    state = FeedState.objects.get(feed_url=url)
    assert state.failures == 1
    assert state.etag == '"a"'

    (third,) = poll_feeds([url])
    assert not third.first_poll
    assert [item.title for item in third.new_items] == ["New"]
    state.refresh_from_db()
    assert state.failures == 0
    assert state.last_error == ""
    assert len(state.seen) == 3


def test_entity_expansion_bomb_is_not_expanded():
    levels = ['<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">']
    for previous, name in zip("abcde", "bcdef", strict=True):
        levels.append(f'<!ENTITY {name} "{f"&{previous};" * 20}">')
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(levels)}]><rss version="2.0"><channel>'
        "<title>Bomb</title><item><title>&f;</title><link>https://x.example/1</link></item>"
        "</channel></rss>"
    ).encode()
    (item,) = parse_feed(bomb, "https://x.example/feed")
    assert len(item.title) < 100


def test_external_entities_are_not_read():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        b'<rss version="2.0"><channel><title>X</title><item><title>t &x;</title>'
        b"<link>https://x.example/1</link></item></channel></rss>"
    )
    (item,) = parse_feed(xxe, "https://x.example/feed")
    assert item.title == "t"


feed_pieces = st.sampled_from(
    [
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
        "<rss>",
        "</rss>",
        "<channel>",
        "<item>",
        "</item>",
        "<link>",
        "</link>",
        "<title>",
        "</title>",
        "<pubDate>",
        "Mon, 99 Foo 2013",
        "<description>&lt;a href=",
        "javascript:x",
        "<feed>",
        "<entry>",
        '<link href="/x"/>',
        '{"items": [',
        '{"url": 5}',
        "]}",
        "\xe9",
        "\xff\xfe",
        "&bogus;",
    ]
)


@given(st.lists(st.one_of(feed_pieces, st.text(max_size=8)), max_size=30).map("".join))
@settings(max_examples=300, deadline=None)
def test_parse_feed_never_raises(text):
    for item in parse_feed(text.encode("utf-8", "surrogatepass"), "https://x.example/feed"):
        assert item.link.startswith(("http://", "https://"))
