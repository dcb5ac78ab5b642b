"""The entry form reads a missing title from the post's page: as a second step
without JavaScript, and inline through a JSON endpoint with it."""

import html
import re
import socket
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from blogsync.syncs.models import Entry
from blogsync.syncs.titles import canonical_url_from_token
from tests.syncs.test_forms import entry_data, field_error, submit_url

pytestmark = pytest.mark.django_db

H_ENTRY_PAGE = """<!doctype html><html><head><title>Sue's blog</title></head><body>
<article class="h-entry"><h1 class="p-name">Doors Open &amp; Minds Too</h1>
<div class="e-content"><p>Why schools should open their doors.</p></div></article>
</body></html>"""

OPENGRAPH_PAGE = """<!doctype html><html><head>
<meta property="og:title" content="Lessons from the Staffroom">
<title>Lessons from the Staffroom | Sue's blog</title></head><body><p>Text.</p></body></html>"""


@pytest.fixture(scope="session")
def httpserver_listen_address():
    # pytest-httpserver binds "localhost" by default, which may resolve to ::1.
    return ("127.0.0.1", 0)


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    # The per-client counts live in Django's cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def loopback_only(monkeypatch):
    """Fail the test on any connection attempt to an address other than loopback."""
    attempts = []
    real = socket.create_connection

    def spy(address, *args, **kwargs):
        attempts.append(address)
        if address[0] not in ("127.0.0.1", "::1"):
            raise AssertionError(f"the test tried to connect to {address}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    return attempts


def serve_page(httpserver, path, body, status=200):
    httpserver.expect_request(path).respond_with_data(
        body, status=status, content_type="text/html; charset=utf-8"
    )
    return httpserver.url_for(path)


def title_url(topic, url=None):
    address = reverse(
        "syncs:submit_title", kwargs={"series": topic.series.slug, "number": topic.number}
    )
    return address if url is None else f"{address}?url={url}"


def input_value(response, field):
    """The value attribute of the form input named `field`, unescaped."""
    page = response.content.decode()
    match = re.search(rf'<input[^>]*name="{field}"[^>]*>', page)
    assert match, f"no input named {field}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


# --- Without JavaScript: a second step -------------------------------------------------


def test_empty_title_is_filled_from_h_entry(client, topic, httpserver, loopback_only):
    url = serve_page(httpserver, "/2014/01/doors-open", H_ENTRY_PAGE)

    response = client.post(submit_url(topic), entry_data(url=url, title=""))

    assert response.status_code == 200
    assert input_value(response, "title") == "Doors Open & Minds Too"
    assert "We filled in the title from your post&#x27;s page; check it and submit again." in (
        response.content.decode()
    )
    assert input_value(response, "url") == url
    assert input_value(response, "name") == "Sue Cowley"
    assert input_value(response, "email") == "sue@example.org"
    assert Entry.objects.count() == 0


def test_empty_title_is_filled_from_opengraph(client, topic, httpserver):
    url = serve_page(httpserver, "/staffroom", OPENGRAPH_PAGE)

    response = client.post(submit_url(topic), entry_data(url=url, title=""))

    assert input_value(response, "title") == "Lessons from the Staffroom"
    assert Entry.objects.count() == 0


def test_filled_form_stores_entry_when_resubmitted(client, topic, httpserver):
    url = serve_page(httpserver, "/2014/01/doors-open", H_ENTRY_PAGE)
    first = client.post(submit_url(topic), entry_data(url=url, title=""))

    resubmitted = {
        name: input_value(first, name) for name in ("url", "title", "name", "email", "page")
    }
    response = client.post(submit_url(topic), resubmitted)

    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.title == "Doors Open & Minds Too"
    assert entry.url == url
    assert entry.contributor.email == "sue@example.org"


def test_query_form_url_stored_as_declared_permalink(client, topic, httpserver):
    permalink = httpserver.url_for("/2014/01/doors-open")
    url = (
        serve_page(
            httpserver,
            "/",
            f'<html><head><link rel="canonical" href="{permalink}"><title>Doors Open</title>'
            "</head><body></body></html>",
        )
        + "?p=123"
    )
    first = client.post(submit_url(topic), entry_data(url=url, title=""))

    resubmitted = {
        name: input_value(first, name) for name in ("url", "title", "name", "email", "page")
    }
    response = client.post(submit_url(topic), resubmitted)

    assert response.status_code == 302
    assert Entry.objects.get().url == permalink


def test_page_not_found_is_explained(client, topic, httpserver):
    url = serve_page(httpserver, "/gone", "Not here", status=404)

    response = client.post(submit_url(topic), entry_data(url=url, title=""))

    assert response.status_code == 200
    message = field_error(response, "title")
    assert message.startswith("We could not read a title from that page: ")
    assert "returned the error status 404" in message
    assert message.endswith(". Please type the title.")
    assert input_value(response, "url") == url
    assert Entry.objects.count() == 0


def test_page_without_title_is_explained(client, topic, httpserver):
    url = serve_page(httpserver, "/untitled", "<!doctype html><p>No title at all.</p>")

    response = client.post(submit_url(topic), entry_data(url=url, title=""))

    assert field_error(response, "title") == (
        "We could not read a title from that page: the page does not declare a title. "
        "Please type the title."
    )


def test_private_address_is_refused_without_connecting(
    client, topic, resolver, settings, loopback_only
):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = False
    resolver["intranet.example"] = ["10.0.0.1"]

    response = client.post(
        submit_url(topic), entry_data(url="https://intranet.example/post", title="")
    )

    assert response.status_code == 200
    message = field_error(response, "title")
    assert message.startswith("We could not read a title from that page: ")
    assert "not on the public internet" in message
    assert loopback_only == []
    assert Entry.objects.count() == 0


def test_unknown_host_is_explained(client, topic):
    response = client.post(submit_url(topic), entry_data(url="https://nowhere.example/", title=""))

    assert "could not be found" in field_error(response, "title")


def test_canonical_permalink_already_listed_is_duplicate(client, topic, httpserver, make_entry):
    permalink = httpserver.url_for("/2014/01/doors-open/")
    existing = make_entry(url=permalink, title="Doors Open")
    shortlink = serve_page(
        httpserver,
        "/",
        f'<html><head><link rel="canonical" href="{permalink}"><title>Doors Open</title>'
        "</head><body></body></html>",
    )

    response = client.post(submit_url(topic), entry_data(url=f"{shortlink}?p=123", title=""))

    message = field_error(response, "url")
    assert "already been submitted for this topic" in message
    assert existing.url in message
    assert Entry.objects.count() == 1


def test_canonical_duplicate_found_without_title(client, topic, httpserver, make_entry):
    permalink = httpserver.url_for("/2014/01/doors-open/")
    make_entry(url=permalink, title="Doors Open")
    serve_page(
        httpserver,
        "/",
        f'<html><head><link rel="canonical" href="{permalink}"></head><body></body></html>',
    )

    response = client.post(
        submit_url(topic), entry_data(url=httpserver.url_for("/") + "?p=123", title="")
    )

    assert "already been submitted for this topic" in field_error(response, "url")
    assert "id_title_error" not in response.content.decode()
    assert Entry.objects.count() == 1


def test_endpoint_explains_page_without_title(client, topic, httpserver):
    url = serve_page(httpserver, "/untitled", "<!doctype html><p>No title at all.</p>")

    response = client.get(title_url(topic), {"url": url})

    assert response.status_code == 422
    assert response.json()["error"] == (
        "We could not read a title from that page: the page does not declare a title. "
        "Please type the title."
    )


def test_canonical_duplicate_found_on_resubmission(client, topic, httpserver, make_entry):
    permalink = httpserver.url_for("/2014/01/doors-open/")
    serve_page(
        httpserver,
        "/",
        f'<html><head><link rel="canonical" href="{permalink}"><title>Doors Open</title>'
        "</head><body></body></html>",
    )
    shortlink = httpserver.url_for("/") + "?p=123"
    first = client.post(submit_url(topic), entry_data(url=shortlink, title=""))
    # The permalink is listed between the two steps, by a feed or another writer.
    make_entry(url=permalink, title="Doors Open")

    resubmitted = {
        name: input_value(first, name) for name in ("url", "title", "name", "email", "page")
    }
    response = client.post(submit_url(topic), resubmitted)

    assert "already been submitted for this topic" in field_error(response, "url")
    assert Entry.objects.count() == 1


def test_page_token_for_another_url_is_ignored(client, topic, httpserver):
    url = serve_page(httpserver, "/2014/01/doors-open", H_ENTRY_PAGE)
    first = client.post(submit_url(topic), entry_data(url=url, title=""))
    token = input_value(first, "page")

    assert canonical_url_from_token(token, url) == ""  # the page declares no canonical URL
    assert canonical_url_from_token(token, "https://other.example/") == ""
    assert canonical_url_from_token("forged", url) == ""


def test_typed_title_fetches_nothing(client, topic, httpserver):
    url = serve_page(httpserver, "/2014/01/doors-open", H_ENTRY_PAGE)

    response = client.post(submit_url(topic), entry_data(url=url, title="My own title"))

    assert response.status_code == 302
    assert Entry.objects.get().title == "My own title"
    assert httpserver.log == []


# --- The JSON endpoint for the inline script ---------------------------------------------


def test_endpoint_returns_title(client, topic, httpserver):
    url = serve_page(httpserver, "/2014/01/doors-open", H_ENTRY_PAGE)

    response = client.get(title_url(topic), {"url": url})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["title"] == "Doors Open & Minds Too"
    assert canonical_url_from_token(response.json()["page"], url) == ""
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "The url parameter is missing."),
        ({"url": ""}, "The url parameter is missing."),
        ({"url": "not a url"}, "starting with https:// or http://"),
        ({"url": "ftp://files.example/post"}, "starting with https:// or http://"),
        ({"url": "javascript:alert(1)"}, "starting with https:// or http://"),
        ({"url": "https://x.example/" + "a" * 1000}, "too long"),
    ],
)
def test_endpoint_rejects_bad_url(client, topic, query, message):
    response = client.get(title_url(topic), query)

    assert response.status_code == 400
    assert message in response.json()["error"]


def test_endpoint_explains_unreachable_page(client, topic):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    # Nothing listens on the port any more, so the connection is refused.

    response = client.get(title_url(topic), {"url": f"http://127.0.0.1:{port}/post"})

    assert response.status_code == 422
    error = response.json()["error"]
    assert error.startswith("We could not read a title from that page: Could not connect")
    assert error.endswith("Please type the title.")


def test_endpoint_explains_missing_page(client, topic, httpserver):
    url = serve_page(httpserver, "/gone", "Not here", status=404)

    response = client.get(title_url(topic), {"url": url})

    assert response.status_code == 422
    assert "returned the error status 404" in response.json()["error"]


def test_endpoint_limits_lookups_per_client(client, topic, httpserver, settings):
    settings.BLOGSYNC_TITLE_LOOKUPS_PER_MINUTE = 2
    url = serve_page(httpserver, "/2014/01/doors-open", H_ENTRY_PAGE)

    statuses = [client.get(title_url(topic), {"url": url}).status_code for _ in range(3)]
    limited = client.get(title_url(topic), {"url": url})

    assert statuses == [200, 200, 429]
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "too many pages" in limited.json()["error"]
    assert len(httpserver.log) == 2


def test_endpoint_answers_409_for_published_topic(client, make_topic):
    now = timezone.now()
    published = make_topic(
        number=5,
        deadline=now - timedelta(days=2),
        list_published_at=now - timedelta(days=1),
    )

    response = client.get(title_url(published), {"url": "https://sue.example.org/post"})

    assert response.status_code == 409
    assert response.json() == {"error": "This topic is not taking posts."}


def test_endpoint_accepts_only_get(client, topic):
    response = client.post(title_url(topic), {"url": "https://sue.example.org/post"})

    assert response.status_code == 405
