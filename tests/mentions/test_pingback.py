"""The Pingback 1.0 receiver: real XML-RPC calls built with xmlrpc.client, each fault
code of the specification, and documents that must never be expanded."""

import xmlrpc.client

import pytest

from blogsync.mentions.models import BlockedHost, Mention, MentionState
from blogsync.syncs.models import Entry, EntrySource, EntryStatus
from tests.mentions.conftest import HUB, link_to

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<methodCall><methodName>pingback.ping</methodName><params>
<param><value><string>&lol9;</string></value></param>
<param><value><string>https://hub.example/blogsync/1/</string></value></param>
</params></methodCall>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE methodCall [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>pingback.ping</methodName><params>
<param><value><string>&secret;</string></value></param>
<param><value><string>https://hub.example/blogsync/1/</string></value></param>
</params></methodCall>
"""


def test_linking_post_is_registered(send_pingback, serve_post, topic_url, topic):
    source = serve_post(body=link_to(topic_url))

    response, result = send_pingback(source, topic_url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert isinstance(result, str)
    assert "was registered" in result
    entry = Entry.objects.get()
    assert entry.source == EntrySource.PINGBACK
    assert entry.status == EntryStatus.PENDING
    assert entry.title == "Why I teach"
    mention = Mention.objects.get()
    assert mention.protocol == "pingback"
    assert mention.state == MentionState.ACCEPTED


def test_text_plain_body_is_accepted(send_pingback, serve_post, topic_url, topic):
    source = serve_post(body=link_to(topic_url))

    _, result = send_pingback(source, topic_url, content_type="text/plain")

    assert isinstance(result, str)
    assert Entry.objects.count() == 1


def test_form_content_type_is_accepted(send_pingback, serve_post, topic_url, topic):
    source = serve_post(body=link_to(topic_url))

    _, result = send_pingback(source, topic_url, content_type="application/x-www-form-urlencoded")

    assert isinstance(result, str)


def test_billion_laughs_is_refused(send_pingback, topic):
    response, result = send_pingback("", "", body=BILLION_LAUGHS)

    assert response.status_code == 200
    assert isinstance(result, xmlrpc.client.Fault)
    assert result.faultCode == 0
    assert "DOCTYPE" in result.faultString
    assert len(response.content) < 1000
    assert Mention.objects.count() == 0


def test_external_entity_is_refused(send_pingback, topic):
    response, result = send_pingback("", "", body=EXTERNAL_ENTITY)

    assert result.faultCode == 0
    assert "root:" not in response.content.decode()


@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "body is empty"),
        (b"<methodCall><methodName>pingback.ping", "not well-formed"),
        (b"<html><body>hello</body></html>", "not a valid XML-RPC methodCall"),
        (
            b"<methodCall><params><param><value><int>x</int></value></param></params>"
            b"</methodCall>",
            "not a valid XML-RPC methodCall",
        ),
        (b"x" * 70_000, "larger than 65,536 bytes"),
    ],
)
def test_malformed_body_gets_generic_fault(send_pingback, topic, body, message):
    _, result = send_pingback("", "", body=body)

    assert result.faultCode == 0
    assert message in result.faultString


def test_unknown_method_gets_generic_fault(send_pingback, topic_url):
    _, result = send_pingback("https://blog.example/post", topic_url, method="system.listMethods")

    assert result.faultCode == 0
    assert "pingback.ping only" in result.faultString


def test_wrong_parameters_get_generic_fault(client, topic_url):
    body = xmlrpc.client.dumps(("https://blog.example/post",), methodname="pingback.ping")

    response = client.post("/mentions/pingback/", body, content_type="text/xml")

    with pytest.raises(xmlrpc.client.Fault) as raised:
        xmlrpc.client.loads(response.content)
    assert raised.value.faultCode == 0
    assert "two strings" in raised.value.faultString


def test_get_is_405(client):
    assert client.get("/mentions/pingback/").status_code == 405


def test_missing_source_is_fault_16(send_pingback, serve_post, topic_url, httpserver):
    missing = f"http://127.0.0.1:{httpserver.port}/no-such-post/"
    httpserver.expect_request("/no-such-post/").respond_with_data("Not found", status=404)

    _, result = send_pingback(missing, topic_url)

    assert result.faultCode == 16
    assert "HTTP 404" in result.faultString


def test_invalid_source_url_is_fault_16(send_pingback, topic_url):
    _, result = send_pingback("not a url", topic_url)

    assert result.faultCode == 16


def test_source_without_link_is_fault_17(send_pingback, serve_post, topic_url):
    source = serve_post(body="<p>No link here.</p>")

    _, result = send_pingback(source, topic_url)

    assert result.faultCode == 17
    assert Entry.objects.count() == 0


def test_unknown_topic_is_fault_32(send_pingback, topic):
    _, result = send_pingback("https://blog.example/post", f"{HUB}/blogsync/99/")

    assert result.faultCode == 32


@pytest.mark.parametrize(
    "target",
    ["https://elsewhere.example/blogsync/1/", f"{HUB}/blogsync/archive/", f"{HUB}/admin/"],
)
def test_target_that_is_no_topic_is_fault_33(send_pingback, topic, target):
    _, result = send_pingback("https://blog.example/post", target)

    assert result.faultCode == 33


def test_second_pingback_is_fault_48(send_pingback, serve_post, topic_url):
    source = serve_post(body=link_to(topic_url))
    send_pingback(source, topic_url)

    _, result = send_pingback(source, topic_url)

    assert result.faultCode == 48
    assert Entry.objects.count() == 1


def test_blocked_host_is_fault_49(send_pingback, topic_url):
    BlockedHost.objects.create(host="spam.example", reason="Link farm")

    _, result = send_pingback("https://www.spam.example/post", topic_url)

    assert result.faultCode == 49


def test_rate_limited_client_is_fault_49(send_pingback, topic_url, settings):
    settings.BLOGSYNC_MENTION_LIMIT_PER_CLIENT = 1
    send_pingback("not a url", topic_url)

    response, result = send_pingback("not a url", topic_url)

    assert result.faultCode == 49
    assert int(response["Retry-After"]) > 0


def test_server_error_is_fault_50(send_pingback, serve_post, topic_url):
    source = serve_post(raw="Down for maintenance", status=503, content_type="text/plain")

    _, result = send_pingback(source, topic_url)

    assert result.faultCode == 50


def test_unreachable_source_is_fault_50(send_pingback, topic_url):
    # Nothing listens on the discard port of loopback, so the connection is refused.
    _, result = send_pingback("http://127.0.0.1:9/post", topic_url)

    assert result.faultCode == 50
