"""Topic pages advertise the endpoints, stay cacheable, and are recognised under every
equivalent URL; the admin lists mentions and blocked hosts."""

import httpx
import pytest

from blogsync.mentions.links import discover_webmention_endpoint
from blogsync.mentions.models import BlockedHost, Mention
from blogsync.mentions.targets import TopicAddress, host_key, hub_hosts, topic_address
from tests.mentions.conftest import HUB

pytestmark = pytest.mark.django_db

WEBMENTION = f"{HUB}/mentions/webmention/"
PINGBACK = f"{HUB}/mentions/pingback/"


def test_topic_page_sends_link_and_pingback_headers(client, topic):
    response = client.get(topic.get_absolute_url())

    assert response["Link"] == f'<{WEBMENTION}>; rel="webmention"'
    assert response["X-Pingback"] == PINGBACK


def test_topic_page_has_link_elements(client, topic):
    html = client.get(topic.get_absolute_url()).content.decode()

    assert f'<link rel="webmention" href="{WEBMENTION}">' in html
    assert f'<link rel="pingback" href="{PINGBACK}">' in html


def test_topic_page_stays_cacheable(client, topic):
    response = client.get(topic.get_absolute_url())

    assert "public" in response["Cache-Control"]
    assert not response.cookies
    assert "Vary" not in response or "Cookie" not in response["Vary"]


def test_other_pages_do_not_advertise(client, topic):
    for page in ["/blogsync/", "/blogsync/archive/", "/blogsync/99/"]:
        response = client.get(page)
        assert "X-Pingback" not in response, page
        assert "Link" not in response, page


def test_sender_discovers_our_endpoint(client, topic):
    response = client.get(topic.get_absolute_url())
    headers = httpx.Headers(dict(response.items()))

    endpoint = discover_webmention_endpoint(
        HUB + topic.get_absolute_url(), headers, response.content.decode()
    )

    assert endpoint == WEBMENTION


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://hub.example/blogsync/10/", TopicAddress("blogsync", 10)),
        ("https://hub.example/blogsync/10", TopicAddress("blogsync", 10)),
        ("http://HUB.example:80/blogsync/10/?utm_source=x#top", TopicAddress("blogsync", 10)),
        ("https://hub.example./blogsync/10/", TopicAddress("blogsync", 10)),
        ("https://request.example/blogsync/10/", TopicAddress("blogsync", 10)),
        ("https://hub.example/blogsync/10/extra/", None),
        ("https://hub.example/blogsync/", None),
        ("https://hub.example:8443/blogsync/10/", None),
        ("https://elsewhere.example/blogsync/10/", None),
        ("ftp://hub.example/blogsync/10/", None),
        ("https://hub.example/blogsync/ten/", None),
        ("https://[::1/blogsync/10/", None),
    ],
)
def test_topic_address_of_url(url, expected):
    assert topic_address(url, hub_hosts("request.example")) == expected


def test_host_key_ignores_scheme_and_default_port():
    assert host_key("http://Hub.Example/") == host_key("https://hub.example:443/x")
    assert host_key("http://127.0.0.1:8000/") == "127.0.0.1:8000"
    assert host_key("http://[::1]:8000/") == "[::1]:8000"


def test_admin_lists_mentions_and_blocked_hosts(admin_client, topic):
    Mention.objects.create(
        protocol="webmention",
        source="https://a.example/p",
        normalised_source="https://a.example/p",
        target=f"{HUB}/blogsync/1/",
        topic=topic,
        client_ip="192.0.2.1",
    )
    BlockedHost.objects.create(host="spam.example")

    mentions = admin_client.get("/admin/mentions/mention/")
    hosts = admin_client.get("/admin/mentions/blockedhost/")
    add_host = admin_client.post(
        "/admin/mentions/blockedhost/add/", {"host": "More.Spam.Example", "reason": "Link farm"}
    )

    assert mentions.status_code == 200
    assert "https://a.example/p" in mentions.content.decode()
    assert hosts.status_code == 200
    assert "spam.example" in hosts.content.decode()
    assert add_host.status_code == 302
    assert BlockedHost.objects.filter(host="more.spam.example").exists()


def test_admin_check_again_queues_verification(admin_client, topic):
    from django_tasks_db.models import DBTaskResult

    mention = Mention.objects.create(
        protocol="webmention",
        source="https://a.example/p",
        normalised_source="https://a.example/p",
        target=f"{HUB}/blogsync/1/",
        topic=topic,
        state="rejected",
        error="Timed out.",
    )

    admin_client.post(
        "/admin/mentions/mention/", {"action": "check_again", "_selected_action": [mention.pk]}
    )

    mention.refresh_from_db()
    assert mention.state == "pending"
    assert DBTaskResult.objects.filter(args_kwargs__args=[mention.pk]).exists()
