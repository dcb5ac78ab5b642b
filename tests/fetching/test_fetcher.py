import gzip
import socket
import time
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Response

from blogsync.fetching import fetcher
from blogsync.fetching.addresses import parse_numeric_ipv4
from blogsync.fetching.fetcher import BlockedAddress, FetchError, FetchTimeout, TooLarge, fetch

REFUSED_ADDRESSES = [
    "10.0.0.1",  # private
    "172.16.5.4",  # private
    "192.168.1.1",  # private
    "169.254.169.254",  # link-local, cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",  # unspecified
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",  # broadcast
    "192.0.2.10",  # documentation
    "198.51.100.10",  # documentation
    "203.0.113.10",  # documentation
    "198.18.0.1",  # benchmarking
    "192.0.0.8",  # IETF protocol assignments
    "::",  # unspecified
    "fe80::1",  # link-local
    "fc00::1",  # unique local
    "fd12:3456::1",  # unique local
    "ff02::1",  # multicast
    "2001:db8::1",  # documentation
    "::ffff:10.0.0.1",  # IPv4-mapped private
    "::ffff:169.254.169.254",  # IPv4-mapped metadata
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::10.0.0.1",  # IPv4-compatible
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b:1::1",  # local-use NAT64
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]


def url_for(address):
    return f"http://[{address}]/" if ":" in address else f"http://{address}/"


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_fetch_rejects_non_public_literals(address, connections):
    with pytest.raises(BlockedAddress):
        fetch(url_for(address))
    assert connections == []


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_fetch_rejects_names_of_non_public_addresses(address, resolver, connections):
    resolver["blog.example"] = [address]
    with pytest.raises(BlockedAddress) as caught:
        fetch("https://blog.example/post")
    assert connections == []
    assert "not on the public internet" in str(caught.value)
    assert caught.value.url == "https://blog.example/post"


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1"])
def test_fetch_rejects_loopback_unless_allowed(address, settings, connections):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(BlockedAddress):
        fetch(url_for(address))
    assert connections == []


def test_fetch_rejects_mixed_public_and_private_name(resolver, connections):
    resolver["mixed.example"] = ["93.184.215.14", "10.1.2.3"]
    with pytest.raises(BlockedAddress):
        fetch("http://mixed.example/")
    assert connections == []


@pytest.mark.parametrize(
    "host",
    [
        "2852039166",  # decimal
        "0251.0376.0251.0376",  # octal
        "0xa9.0xfe.0xa9.0xfe",  # hexadecimal
        "0xa9fea9fe",  # one hexadecimal number
        "169.254.43518",  # short form
        "169.16689662",  # shorter form
        "012.1",  # octal short form of 10.0.0.1
        "10.1",
    ],
)
def test_fetch_rejects_numeric_forms_of_private_addresses(host, resolver, connections):
    with pytest.raises(BlockedAddress):
        fetch(f"http://{host}/latest/meta-data/")
    assert connections == []


@pytest.mark.parametrize(
    "host", ["2130706433", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "127.1", "017700000001"]
)
def test_fetch_rejects_numeric_forms_of_loopback(host, settings, connections):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(BlockedAddress):
        fetch(f"http://{host}/")
    assert connections == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("1.2.3.4", "1.2.3.4"),
        ("blog.example", None),
        ("1.example", None),
    ],
)
def test_parse_numeric_ipv4_like_browsers(text, expected):
    result = parse_numeric_ipv4(text)
    assert (str(result) if result else None) == expected


@pytest.mark.parametrize("host", ["256.1.1.1", "1.2.3.4.5", "0x100.1.1.1", "089.1.1.1"])
def test_fetch_rejects_invalid_numeric_hosts(host, connections):
    with pytest.raises(BlockedAddress):
        fetch(f"http://{host}/")
    assert connections == []


@pytest.mark.parametrize(
    "url", ["ftp://blog.example/", "file:///etc/passwd", "gopher://blog.example/", "blog.example"]
)
def test_fetch_rejects_other_schemes(url, connections):
    with pytest.raises(FetchError) as caught:
        fetch(url)
    assert connections == []
    assert not isinstance(caught.value, BlockedAddress) or "file" not in url


def test_fetch_unknown_host_message(resolver):
    with pytest.raises(FetchError, match="could not be found"):
        fetch("http://nowhere.example/")


def test_fetch_sends_host_and_user_agent(httpserver, resolver, settings):
    settings.SITE_URL = "https://hub.example"
    resolver["blog.example"] = ["127.0.0.1"]
    httpserver.expect_request(
        "/post", headers={"Host": f"blog.example:{httpserver.port}"}
    ).respond_with_data("<p>Hello</p>", content_type="text/html; charset=utf-8")
    result = fetch(f"http://blog.example:{httpserver.port}/post")
    assert result.status == 200
    assert result.text == "<p>Hello</p>"
    assert result.encoding == "utf-8"
    assert result.url == f"http://blog.example:{httpserver.port}/post"
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == "blogsync/0.1.0 (+https://hub.example)"


def test_fetch_short_loopback_form_when_allowed(httpserver):
    httpserver.expect_request("/").respond_with_data("ok")
    assert fetch(f"http://127.1:{httpserver.port}/").content == b"ok"


def test_fetch_rejects_redirect_to_private_name(httpserver, resolver, connections):
    resolver["blog.example"] = ["127.0.0.1"]
    resolver["intranet.example"] = ["10.20.30.40"]
    httpserver.expect_request("/post").respond_with_data(
        "", status=302, headers={"Location": "http://intranet.example/admin"}
    )
    with pytest.raises(BlockedAddress) as caught:
        fetch(f"http://blog.example:{httpserver.port}/post")
    assert caught.value.url == "http://intranet.example/admin"
    assert connections == [("127.0.0.1", httpserver.port)]


def test_fetch_rejects_redirect_to_metadata_address(httpserver, connections):
    httpserver.expect_request("/post").respond_with_data(
        "", status=301, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with pytest.raises(BlockedAddress):
        fetch(httpserver.url_for("/post"))
    assert connections == [("127.0.0.1", httpserver.port)]


def test_fetch_follows_five_redirects(httpserver):
    for n in range(5):
        httpserver.expect_request(f"/hop{n}").respond_with_data(
            "", status=302, headers={"Location": f"/hop{n + 1}"}
        )
    httpserver.expect_request("/hop5").respond_with_data("arrived")
    result = fetch(httpserver.url_for("/hop0"))
    assert result.text == "arrived"
    assert result.url == httpserver.url_for("/hop5")


def test_fetch_rejects_sixth_redirect(httpserver):
    for n in range(7):
        httpserver.expect_request(f"/hop{n}").respond_with_data(
            "", status=302, headers={"Location": f"/hop{n + 1}"}
        )
    with pytest.raises(FetchError, match="redirected more than 5 times"):
        fetch(httpserver.url_for("/hop0"))
    assert len(httpserver.log) == 6


def test_fetch_returns_unfollowed_redirect(httpserver):
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    result = fetch(httpserver.url_for("/old"), follow_redirects=False)
    assert result.status == 301
    assert result.headers["location"] == "/new"


def test_fetch_turns_post_into_get_on_303(httpserver):
    httpserver.expect_request("/form", method="POST", data="source=a&target=b").respond_with_data(
        "", status=303, headers={"Location": "/done"}
    )
    httpserver.expect_request("/done", method="GET").respond_with_data("done")
    result = fetch(httpserver.url_for("/form"), method="POST", data={"source": "a", "target": "b"})
    assert result.text == "done"


def test_fetch_drops_credentials_across_hosts(httpserver, resolver):
    resolver["other.example"] = ["127.0.0.1"]
    httpserver.expect_request("/start").respond_with_data(
        "", status=302, headers={"Location": f"http://other.example:{httpserver.port}/end"}
    )
    httpserver.expect_request("/end").respond_with_data("end")
    fetch(httpserver.url_for("/start"), headers={"Authorization": "Bearer secret"})
    first, second = (request for request, _ in httpserver.log)
    assert first.headers["Authorization"] == "Bearer secret"
    assert "Authorization" not in second.headers


def test_fetch_rejects_declared_large_body(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(TooLarge):
        fetch(httpserver.url_for("/big"), max_bytes=1000)


def test_fetch_stops_streamed_body_at_limit(httpserver):
    def endless(request):
        return Response((b"x" * 1024 for _ in range(10_000)), content_type="text/plain")

    httpserver.expect_request("/stream").respond_with_handler(endless)
    with pytest.raises(TooLarge):
        fetch(httpserver.url_for("/stream"), max_bytes=100_000)


def test_fetch_stops_decompression_bomb(httpserver):
    bomb = gzip.compress(b"\0" * 50_000_000)
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}
    )
    assert len(bomb) < 100_000
    with pytest.raises(TooLarge):
        fetch(httpserver.url_for("/bomb"), max_bytes=1_000_000)


def test_fetch_decompresses_gzip(httpserver):
    httpserver.expect_request("/page").respond_with_data(
        gzip.compress(b"hello"), headers={"Content-Encoding": "gzip"}
    )
    assert fetch(httpserver.url_for("/page")).content == b"hello"


def test_fetch_times_out_on_slow_server(httpserver):
    def slow(request):
        time.sleep(2)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(FetchTimeout) as caught:
        fetch(httpserver.url_for("/slow"), timeout=0.3)
    assert "did not respond within 0.3 seconds" in str(caught.value)


def test_fetch_total_timeout_on_dripping_body(httpserver):
    def drip(request):
        def body():
            for _ in range(20):
                time.sleep(0.1)
                yield b"x"

        return Response(body())

    httpserver.expect_request("/drip").respond_with_handler(drip)
    with pytest.raises(FetchTimeout):
        fetch(httpserver.url_for("/drip"), timeout=0.5)


def test_fetch_connection_refused_message(httpserver):
    port = httpserver.port
    httpserver.stop()
    try:
        with pytest.raises(FetchError, match="Could not connect"):
            fetch(f"http://127.0.0.1:{port}/")
    finally:
        httpserver.start()


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("café".encode(), "text/html; charset=ISO-8859-1", "café"),  # declared wrongly
        ("café".encode("latin-1"), "text/html; charset=ISO-8859-1", "café"),
        ("café".encode("cp1252"), "text/html", "café"),  # guessed
        (
            '<meta charset="windows-1252"><p>caf\xe9'.encode("cp1252"),
            "text/html",
            '<meta charset="windows-1252"><p>café',
        ),
        ("Привет".encode("koi8-r"), "text/html; charset=koi8-r", "Привет"),
        ("\ufeffcafé".encode(), "text/html; charset=ISO-8859-1", "café"),  # byte-order mark
        ("café".encode(), "text/html; charset=nonsense", "café"),
    ],
)
def test_text_decoding_by_charset(body, content_type, expected):
    result = fetcher.FetchResult(
        url="http://x.example/",
        status=200,
        headers=None,
        content=body,
        encoding=fetcher.charset_from_content_type(content_type),
    )
    assert result.text == expected


def test_fetch_ipv6_loopback_when_allowed(resolver):
    server = HTTPServer(host="::1", port=0)
    server.expect_request("/post").respond_with_data("over IPv6")
    server.start()
    try:
        resolver["six.example"] = ["::1"]
        result = fetch(f"http://six.example:{server.port}/post")
        literal = fetch(f"http://[::1]:{server.port}/post")
        hosts = [request.headers["Host"] for request, _ in server.log]
    finally:
        server.clear()
        server.stop()
    assert result.text == "over IPv6"
    assert literal.text == "over IPv6"
    assert hosts == [f"six.example:{server.port}", f"[::1]:{server.port}"]


def test_fetch_tries_the_next_address(httpserver, resolver, connections):
    # The server listens on 127.0.0.1 only, so 127.0.0.2 refuses the connection.
    resolver["two.example"] = ["127.0.0.2", "127.0.0.1"]
    httpserver.expect_request("/post").respond_with_data("second address")
    result = fetch(f"http://two.example:{httpserver.port}/post")
    assert result.text == "second address"
    assert connections == [("127.0.0.2", httpserver.port), ("127.0.0.1", httpserver.port)]


@given(
    st.one_of(
        st.text(max_size=40),
        st.builds(
            lambda scheme, host, rest: f"{scheme}://{host}{rest}",
            st.sampled_from(["http", "https", "HTTP", "ftp", "javascript"]),
            st.text(max_size=20),
            st.text(max_size=20),
        ),
    )
)
@settings(max_examples=300, deadline=None)
def test_fetch_raises_only_fetch_errors(url):
    def no_dns(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    def no_connection(address, *args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    # Nothing may leave the machine, whatever address the generated URL names.
    with (
        mock.patch.object(fetcher, "resolve_host", no_dns),
        mock.patch.object(socket, "create_connection", no_connection),
    ):
        with pytest.raises(FetchError):
            fetch(url, timeout=2)
