"""HTTPS through the safe fetcher: it connects to the checked address but verifies the
certificate against the host name, which it sends as the TLS server name (SNI)."""

import ssl
import subprocess

import pytest
from pytest_httpserver import HTTPServer

from blogsync.fetching import fetcher
from blogsync.fetching.fetcher import FetchError, fetch


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A throwaway certificate authority and a certificate for blog.example."""
    directory = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl(
        "req",
        "-x509",
        *ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=blogsync test CA",
        cwd=directory,
    )
    openssl(
        "req",
        *ec,
        "-keyout",
        "site.key",
        "-out",
        "site.csr",
        "-subj",
        "/CN=blog.example",
        cwd=directory,
    )
    (directory / "san.ext").write_text("subjectAltName=DNS:blog.example\n")
    openssl(
        "x509",
        "-req",
        "-in",
        "site.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "site.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        cwd=directory,
    )
    return directory


@pytest.fixture
def tls_server(certificates):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "site.pem", certificates / "site.key")
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def trust_test_ca(certificates, monkeypatch):
    context = ssl.create_default_context(cafile=str(certificates / "ca.pem"))
    monkeypatch.setattr(fetcher, "_ssl_context", context)


def test_https_verified_against_the_host_name(tls_server, resolver, trust_test_ca, connections):
    resolver["blog.example"] = ["127.0.0.1"]
    tls_server.expect_request("/post").respond_with_data("secure")
    result = fetch(f"https://blog.example:{tls_server.port}/post")
    assert result.text == "secure"
    request, _ = tls_server.log[0]
    assert request.headers["Host"] == f"blog.example:{tls_server.port}"
    assert connections == [("127.0.0.1", tls_server.port)]


def test_https_certificate_for_another_name_rejected(tls_server, resolver, trust_test_ca):
    resolver["other.example"] = ["127.0.0.1"]
    tls_server.expect_request("/post").respond_with_data("secure")
    with pytest.raises(FetchError, match="certificate could not be verified"):
        fetch(f"https://other.example:{tls_server.port}/post")


def test_https_untrusted_certificate_rejected(tls_server, resolver):
    resolver["blog.example"] = ["127.0.0.1"]
    tls_server.expect_request("/post").respond_with_data("secure")
    with pytest.raises(FetchError, match="certificate could not be verified"):
        fetch(f"https://blog.example:{tls_server.port}/post")
