"""Telling writers back: endpoint discovery and the Webmention sent on approval."""

import httpx
import pytest
from werkzeug import Response

from blogsync.mentions.links import discover_webmention_endpoint, link_header_targets
from blogsync.mentions.models import OutgoingState, OutgoingWebmention
from blogsync.mentions.sending import send_for_entry
from blogsync.syncs.models import EntryStatus
from blogsync.syncs.moderation import approve_entry, reject_entry
from tests.mentions.conftest import HUB, run_worker

PAGE = "https://writer.example/2013/09/post/"


def discover(headers=None, html=""):
    return discover_webmention_endpoint(
        PAGE, httpx.Headers(headers or {"content-type": "text/html"}), html
    )


def test_link_header_comes_first():
    headers = {
        "content-type": "text/html",
        "link": '<https://writer.example/from-header>; rel="webmention"',
    }
    html = '<link rel="webmention" href="/from-link">'

    assert discover(headers, html) == "https://writer.example/from-header"


def test_link_header_relative_url_is_resolved():
    headers = {"content-type": "text/html", "link": "</webmention?token=a&x=1>; rel=webmention"}

    assert discover(headers) == "https://writer.example/webmention?token=a&x=1"


def test_link_header_with_several_links_and_rels():
    values = [
        '<https://writer.example/feed>; rel="alternate", '
        '<https://writer.example/wm>; rel="other webmention"',
    ]

    assert link_header_targets(values, "webmention") == ["https://writer.example/wm"]


def test_link_header_rel_must_match_exactly():
    headers = {"content-type": "text/html", "link": '<https://x.example/>; rel="not-webmention"'}

    assert discover(headers) is None


def test_first_link_or_a_in_document_order():
    html = (
        '<body><a rel="webmention" href="/from-a">endpoint</a>'
        '<link rel="webmention" href="/from-link"></body>'
    )

    assert discover(html=html) == "https://writer.example/from-a"


def test_relative_href_resolves_against_page():
    assert discover(html='<link rel="webmention" href="wm">') == (
        "https://writer.example/2013/09/post/wm"
    )


def test_empty_href_is_the_page_itself():
    assert discover(html='<link rel="webmention" href="">') == PAGE


def test_rel_among_several_values():
    html = '<link rel="me webmention" href="https://wm.example/endpoint">'

    assert discover(html=html) == "https://wm.example/endpoint"


def test_endpoint_in_comment_is_ignored():
    html = '<!-- <link rel="webmention" href="/old"> --><a rel="webmention" href="/new">x</a>'

    assert discover(html=html) == "https://writer.example/new"


def test_no_endpoint_is_none():
    assert discover(html='<link rel="pingback" href="/xmlrpc.php">') is None


@pytest.fixture
def writer_post(httpserver):
    """A writer's post whose Link header names a receiver on the same loopback server."""
    post = f"http://127.0.0.1:{httpserver.port}/2013/09/post/"
    httpserver.expect_request("/2013/09/post/").respond_with_response(
        Response(
            "<p>My post.</p>",
            content_type="text/html",
            headers={"Link": '</webmention>; rel="webmention"'},
        )
    )
    httpserver.expect_request("/webmention", method="POST").respond_with_data(
        "Accepted", status=202
    )
    return post


def received(httpserver):
    return [
        request
        for request, _ in httpserver.log
        if request.path == "/webmention" and request.method == "POST"
    ]


@pytest.mark.django_db(transaction=True)
def test_approval_sends_one_webmention(
    make_entry, writer_post, httpserver, topic, django_user_model
):
    alice = django_user_model.objects.create_user("alice", "alice@hub.example")
    entry = make_entry(url=writer_post, status=EntryStatus.PENDING)

    approve_entry(entry, alice)
    run_worker()
    # Approving again after a rejection queues the task again; it must not resend.
    reject_entry(entry, alice, "by mistake")
    approve_entry(entry, alice)
    run_worker()

    requests = received(httpserver)
    assert len(requests) == 1
    assert requests[0].form["source"] == HUB + topic.get_absolute_url()
    assert requests[0].form["target"] == writer_post
    outgoing = OutgoingWebmention.objects.get()
    assert outgoing.state == OutgoingState.SENT
    assert outgoing.status_code == 202
    assert outgoing.endpoint == f"http://127.0.0.1:{httpserver.port}/webmention"


@pytest.mark.django_db
def test_task_run_twice_sends_once(make_entry, writer_post, httpserver):
    entry = make_entry(url=writer_post, status=EntryStatus.APPROVED)

    assert send_for_entry(entry.pk) == OutgoingState.SENT
    assert send_for_entry(entry.pk) == "skipped"

    assert len(received(httpserver)) == 1


@pytest.mark.django_db
def test_pending_entry_gets_no_webmention(make_entry, writer_post, httpserver):
    entry = make_entry(url=writer_post, status=EntryStatus.PENDING)

    assert send_for_entry(entry.pk) == "skipped"
    assert received(httpserver) == []


@pytest.mark.django_db
def test_post_without_endpoint_is_recorded(make_entry, httpserver):
    httpserver.expect_request("/plain/").respond_with_data("<p>Hi</p>", content_type="text/html")
    entry = make_entry(url=f"http://127.0.0.1:{httpserver.port}/plain/")

    assert send_for_entry(entry.pk) == OutgoingState.NO_ENDPOINT


@pytest.mark.django_db
def test_endpoint_error_is_recorded(make_entry, httpserver):
    httpserver.expect_request("/post/").respond_with_data(
        '<a rel="webmention" href="/wm">wm</a>', content_type="text/html"
    )
    httpserver.expect_request("/wm", method="POST").respond_with_data("No", status=400)
    entry = make_entry(url=f"http://127.0.0.1:{httpserver.port}/post/")

    assert send_for_entry(entry.pk) == OutgoingState.FAILED
    outgoing = OutgoingWebmention.objects.get()
    assert outgoing.status_code == 400
    assert "HTTP 400" in outgoing.error


@pytest.mark.django_db
def test_unreachable_post_is_recorded(make_entry):
    entry = make_entry(url="http://127.0.0.1:9/post/")

    assert send_for_entry(entry.pk) == OutgoingState.FAILED
    assert "Could not connect" in OutgoingWebmention.objects.get().error
