"""Arbitrary input to the endpoints gets a 4xx or an XML-RPC fault, never a 500."""

import socket
import xmlrpc.client

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogsync.fetching import fetcher
from tests.mentions.conftest import HUB

pytestmark = pytest.mark.django_db

url_like = st.one_of(
    st.text(max_size=200),
    st.builds(
        lambda host, path: f"https://{host}/{path}", st.text(max_size=40), st.text(max_size=80)
    ),
    st.builds(lambda path: f"{HUB}/{path}", st.text(max_size=60)),
    st.sampled_from([f"{HUB}/blogsync/1/", "http://[::1/", "https://x:99999/", "http://%zz/"]),
)
fuzz_settings = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def no_dns(monkeypatch):
    """Fail every name lookup and every connection outside loopback, so that no example
    (an IP literal among them) can reach another host."""
    real_connect = socket.create_connection

    def resolve(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    def connect(address, *args, **kwargs):
        if address[0] not in ("127.0.0.1", "::1"):
            raise ConnectionRefusedError(f"the fuzz test does not connect to {address[0]}")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(fetcher, "resolve_host", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)


@fuzz_settings
@given(source=url_like, target=url_like)
def test_webmention_never_500(client, topic, no_dns, source, target):
    response = client.post("/mentions/webmention/", {"source": source, "target": target})

    assert response.status_code in (202, 400, 403, 429)


@fuzz_settings
@given(source=url_like, target=url_like)
def test_pingback_never_500(client, topic, no_dns, source, target):
    body = xmlrpc.client.dumps((source, target), methodname="pingback.ping")

    response = client.post("/mentions/pingback/", body, content_type="text/xml")

    assert response.status_code == 200
    try:
        xmlrpc.client.loads(response.content)
    except xmlrpc.client.Fault:
        pass  # a fault is a valid response too; what matters is that the body parses


@fuzz_settings
@given(body=st.binary(max_size=500))
def test_pingback_random_body_is_fault(client, topic, no_dns, body):
    response = client.post("/mentions/pingback/", body, content_type="text/xml")

    assert response.status_code == 200
    assert b"<fault>" in response.content
