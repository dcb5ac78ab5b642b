"""The Webmention receiver: synchronous checks, verification by the worker, updates
and removals, as the W3C Webmention Recommendation describes them."""

import pytest

from blogsync.mentions.models import Mention, MentionState
from blogsync.mentions.verification import verify
from blogsync.syncs.models import AuditEvent, Entry, EntrySource, EntryStatus
from tests.mentions.conftest import HUB, link_to, run_worker, verify_pending

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_linking_post_becomes_pending_entry(send_webmention, serve_post, topic_url, topic):
    source = serve_post(body=link_to(topic_url))

    response = send_webmention(source, topic_url)

    assert response.status_code == 202
    mention = Mention.objects.get()
    assert response["Location"] == f"http://testserver{mention.get_absolute_url()}"
    assert mention.state == MentionState.PENDING
    assert mention.client_ip == "127.0.0.1"

    run_worker()

    mention.refresh_from_db()
    assert mention.state == MentionState.ACCEPTED
    assert mention.verified_at is not None
    entry = Entry.objects.get()
    assert mention.entry == entry
    assert entry.topic == topic
    assert entry.url == source
    assert entry.title == "Why I teach"
    assert entry.contributor.name == "Jo Bloggs"
    assert entry.source == EntrySource.WEBMENTION
    assert entry.status == EntryStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_status_page_shows_state_in_words(client, send_webmention, serve_post, topic_url):
    source = serve_post(body=link_to(topic_url))
    location = send_webmention(source, topic_url)["Location"]

    pending = client.get(location)
    assert pending.status_code == 200
    assert "Waiting to be checked" in pending.content.decode()
    assert pending.content.decode().count("<h1") == 1
    assert not pending.cookies

    run_worker()

    accepted = client.get(location).content.decode()
    assert "Accepted: your post links to the topic page." in accepted
    assert "A coordinator will look at it" in accepted


def test_status_page_of_unknown_token_is_404(client):
    response = client.get("/mentions/4a8e6a52-7f5e-4d6c-9a43-0c8b2f0d1e11/")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "form, reason",
    [
        ({"target": f"{HUB}/blogsync/1/"}, "source parameter is missing"),
        ({"source": "https://blog.example/post"}, "target parameter is missing"),
        (
            {"source": "ftp://blog.example/post", "target": f"{HUB}/blogsync/1/"},
            "must start with http:// or https://",
        ),
        ({"source": "https:///no-host", "target": f"{HUB}/blogsync/1/"}, "has no host name"),
        (
            {"source": "http://blog.example:port/", "target": f"{HUB}/blogsync/1/"},
            "is not a valid URL",
        ),
        ({"source": "not a url", "target": f"{HUB}/blogsync/1/"}, "must start with http"),
        (
            {"source": "https://blog.example/a b", "target": f"{HUB}/blogsync/1/"},
            "contains spaces",
        ),
        (
            {"source": "https://blog.example/" + "a" * 1000, "target": f"{HUB}/blogsync/1/"},
            "longer than 1,000 characters",
        ),
        (
            {"source": "https://blog.example/?q=" + "ä" * 900, "target": f"{HUB}/blogsync/1/"},
            "longer than 1,000 characters once encoded",
        ),
        (
            {"source": "https://blog.example/post", "target": f"{HUB}/blogsync/1/" + "a" * 2000},
            "target URL is longer than 2,000 characters",
        ),
        (
            {"source": "https://blog.example/post", "target": "javascript:alert(1)"},
            "must start with http",
        ),
        ({"source": f"{HUB}/blogsync/1/", "target": f"{HUB}/blogsync/1"}, "same URL"),
        ({"source": f"{HUB}/blogsync/2/", "target": f"{HUB}/blogsync/1/"}, "page of this hub"),
        (
            {"source": "https://blog.example/post", "target": "https://other.example/blogsync/1/"},
            "not a topic page of this hub",
        ),
        (
            {"source": "https://blog.example/post", "target": f"{HUB}/blogsync/archive/"},
            "not a topic page of this hub",
        ),
        (
            {"source": "https://blog.example/post", "target": f"{HUB}/blogsync/99/"},
            "There is no topic 99 in the series blogsync.",
        ),
        (
            {"source": "https://blog.example/post", "target": f"{HUB}/blogsync/{10**30}/"},
            f"There is no topic {10**30} in the series blogsync.",
        ),
        (
            {"source": "https://blog.example/post", "target": f"{HUB}/other-series/1/"},
            "There is no topic 1 in the series other-series.",
        ),
    ],
)
def test_bad_requests_get_400_with_reason(send_webmention, client, topic, form, reason):
    response = client.post("/mentions/webmention/", form)

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert Mention.objects.count() == 0


def test_non_form_body_gets_400(client, topic):
    response = client.post(
        "/mentions/webmention/", b'{"source": "x"}', content_type="application/json"
    )

    assert response.status_code == 400
    assert "source parameter is missing" in response.content.decode()


def test_get_on_endpoint_is_405(client):
    response = client.get("/mentions/webmention/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.parametrize(
    "target",
    [
        f"{HUB}/blogsync/1/",
        f"{HUB}/blogsync/1",
        "http://hub.example/blogsync/1/",
        "HTTPS://Hub.Example/blogsync/1/",
        f"{HUB}/blogsync/1/?utm_source=twitter&utm_medium=social",
        f"{HUB}/blogsync/1/#comments",
        f"{HUB}:443/blogsync/1/",
        "http://testserver/blogsync/1/",
        "http://www.hub.example/blogsync/1/",
    ],
)
def test_equivalent_target_urls_are_accepted(send_webmention, serve_post, topic, target):
    source = serve_post(body=link_to(target))

    response = send_webmention(
        source, target, HTTP_HOST="www.hub.example" if "www." in target else "testserver"
    )

    assert response.status_code == 202, response.content
    verify_pending()
    assert Mention.objects.get().state == MentionState.ACCEPTED
    assert Entry.objects.get().topic == topic


def test_link_to_equivalent_url_counts(send_webmention, serve_post, topic_url, topic):
    # The writer links without the slash over http; the sender names the https URL.
    source = serve_post(body=link_to("http://hub.example/blogsync/1?utm_campaign=x"))

    send_webmention(source, topic_url)
    verify_pending()

    assert Mention.objects.get().state == MentionState.ACCEPTED


def test_link_to_other_allowed_host_counts(send_webmention, serve_post, topic_url):
    # The post links to the www host; the sender names the SITE_URL host.
    source = serve_post(body=link_to("https://www.hub.example/blogsync/1/"))

    send_webmention(source, topic_url)
    verify_pending()

    assert Mention.objects.get().state == MentionState.ACCEPTED


def test_source_without_link_is_rejected(send_webmention, serve_post, topic_url):
    source = serve_post(body="<p>No link to the hub here, only <a href='/about/'>me</a>.</p>")

    send_webmention(source, topic_url)
    verify_pending()

    mention = Mention.objects.get()
    assert mention.state == MentionState.REJECTED
    assert "does not link to the topic page" in mention.error
    assert Entry.objects.count() == 0


def test_link_to_another_topic_does_not_count(send_webmention, serve_post, make_topic, topic_url):
    other = make_topic(number=2, title="Assessment")
    source = serve_post(body=link_to(HUB + other.get_absolute_url()))

    send_webmention(source, topic_url)
    verify_pending()

    assert Mention.objects.get().state == MentionState.REJECTED


def test_indieweb_reply_with_relative_base(send_webmention, serve_post, topic_url, httpserver):
    # The link is in a u-in-reply-to on a <data> element, which is no <a href>.
    body = f'<data class="u-in-reply-to" value="{topic_url}"></data><p>A reply to the hub.</p>'
    source = serve_post(
        "/notes/2013/1", body=body, title="On purpose", author="Sam Writer", shape="indieweb"
    )

    send_webmention(source, topic_url)
    verify_pending()

    entry = Entry.objects.get()
    assert entry.title == "On purpose"
    assert entry.contributor.name == "Sam Writer"
    assert entry.contributor.blog_url == f"http://127.0.0.1:{httpserver.port}/"


def test_plain_text_source_is_searched(send_webmention, serve_post, topic_url):
    source = serve_post(
        "/note.txt",
        raw=f"Writing for #blogsync: {topic_url}.\n",
        content_type="text/plain; charset=utf-8",
    )

    send_webmention(source, topic_url)
    verify_pending()

    entry = Entry.objects.get()
    assert entry.title == "A post on 127.0.0.1"


def test_link_removed_takes_entry_out(send_webmention, serve_post, topic_url):
    source = serve_post(body=link_to(topic_url))
    send_webmention(source, topic_url)
    verify_pending()
    entry = Entry.objects.get()

    serve_post(body="<p>I rewrote this and dropped the link.</p>")
    send_webmention(source, topic_url)
    verify_pending()

    entry.refresh_from_db()
    assert entry.status == EntryStatus.REJECTED
    event = AuditEvent.objects.get(entry=entry, action="reject_entry")
    assert event.actor is None
    assert event.detail == "source no longer links"
    latest = Mention.objects.order_by("-pk").first()
    assert latest.state == MentionState.REJECTED
    assert latest.entry == entry


def test_gone_source_takes_entry_out(send_webmention, serve_post, topic_url):
    source = serve_post(body=link_to(topic_url))
    send_webmention(source, topic_url)
    verify_pending()
    entry = Entry.objects.get()

    serve_post(raw="Gone", status=410, content_type="text/plain")
    send_webmention(source, topic_url)
    verify_pending()

    entry.refresh_from_db()
    assert entry.status == EntryStatus.REJECTED
    assert AuditEvent.objects.get(entry=entry, action="reject_entry").detail == "source gone"
    assert "gone (HTTP 410)" in Mention.objects.order_by("-pk").first().error


def test_not_found_source_leaves_entry_alone(send_webmention, serve_post, topic_url):
    source = serve_post(body=link_to(topic_url))
    send_webmention(source, topic_url)
    verify_pending()

    serve_post(raw="Not here", status=404, content_type="text/plain")
    send_webmention(source, topic_url)
    verify_pending()

    assert Entry.objects.get().status == EntryStatus.PENDING
    assert "could not be found (HTTP 404)" in Mention.objects.order_by("-pk").first().error


def test_server_error_leaves_entry_alone(send_webmention, serve_post, topic_url):
    source = serve_post(body=link_to(topic_url))
    send_webmention(source, topic_url)
    verify_pending()

    serve_post(raw="Oops", status=503, content_type="text/plain")
    send_webmention(source, topic_url)
    verify_pending()

    assert Entry.objects.get().status == EntryStatus.PENDING
    assert "HTTP 503" in Mention.objects.order_by("-pk").first().error


def test_resent_mention_updates_same_entry(send_webmention, serve_post, topic_url):
    source = serve_post(body=link_to(topic_url), title="Draft title")
    send_webmention(source, topic_url)
    verify_pending()

    serve_post(body=link_to(topic_url), title="Why I still teach")
    send_webmention(source + "?utm_source=mastodon", topic_url)
    verify_pending()

    entry = Entry.objects.get()
    assert entry.title == "Why I still teach"
    assert Mention.objects.filter(entry=entry, state=MentionState.ACCEPTED).count() == 2
    assert AuditEvent.objects.filter(entry=entry, action="update_entry").count() == 1


def test_link_restored_brings_entry_back(send_webmention, serve_post, topic_url):
    source = serve_post(body=link_to(topic_url))
    send_webmention(source, topic_url)
    verify_pending()
    serve_post(body="<p>No link.</p>")
    send_webmention(source, topic_url)
    verify_pending()

    serve_post(body=link_to(topic_url))
    send_webmention(source, topic_url)
    verify_pending()

    assert Entry.objects.get().status == EntryStatus.PENDING


def test_coordinator_rejection_is_not_undone(
    send_webmention, serve_post, topic_url, django_user_model
):
    from blogsync.syncs.moderation import reject_entry

    source = serve_post(body=link_to(topic_url))
    send_webmention(source, topic_url)
    verify_pending()
    coordinator = django_user_model.objects.create_user("alice", "alice@hub.example")
    reject_entry(Entry.objects.get(), coordinator, "off topic")

    send_webmention(source, topic_url)
    verify_pending()

    assert Entry.objects.get().status == EntryStatus.REJECTED


def test_mention_of_form_entry_keeps_its_title(
    send_webmention, serve_post, topic_url, make_entry, topic
):
    source = serve_post(body=link_to(topic_url), title="Title from the page")
    make_entry(url=source, title="Title the writer typed", status=EntryStatus.APPROVED)

    send_webmention(source, topic_url)
    verify_pending()

    entry = Entry.objects.get()
    assert entry.title == "Title the writer typed"
    assert Mention.objects.get().entry == entry


def test_form_entry_is_not_removed_by_mention(send_webmention, serve_post, topic_url, make_entry):
    source = serve_post(body="<p>No link.</p>")
    make_entry(url=source, status=EntryStatus.APPROVED)

    send_webmention(source, topic_url)
    verify_pending()

    assert Entry.objects.get().status == EntryStatus.APPROVED


def test_verifying_twice_changes_nothing(send_webmention, serve_post, topic_url):
    source = serve_post(body=link_to(topic_url))
    send_webmention(source, topic_url)
    mention = Mention.objects.get()

    first = verify(mention.pk)
    second = verify(mention.pk)

    assert first.accepted
    assert second.accepted
    assert Entry.objects.count() == 1


def test_source_redirecting_to_hub_is_rejected(send_webmention, topic_url, httpserver, settings):
    # The hub's home page links to the topic; a redirect there must not count as a post.
    settings.SITE_URL = f"http://127.0.0.1:{httpserver.port}"
    target = settings.SITE_URL + "/blogsync/1/"
    httpserver.expect_request("/blogsync/").respond_with_data(
        f'<a href="{target}">This month</a>', content_type="text/html"
    )
    httpserver.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": settings.SITE_URL + "/blogsync/"}
    )

    send_webmention(f"http://localhost:{httpserver.port}/go", target)
    verify_pending()

    mention = Mention.objects.get()
    assert mention.state == MentionState.REJECTED
    assert "redirects to a page of this hub" in mention.error


def test_unreachable_source_is_rejected_plainly(send_webmention, topic_url, httpserver):
    # Port 9 (discard) on loopback: nothing listens, so the connection is refused.
    send_webmention("http://127.0.0.1:9/post", topic_url)
    verify_pending()

    mention = Mention.objects.get()
    assert mention.state == MentionState.REJECTED
    assert "send the mention again later" in mention.error
