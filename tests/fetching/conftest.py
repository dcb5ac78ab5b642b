import socket

import pytest

from blogsync.fetching import fetcher


@pytest.fixture(scope="session")
def httpserver_listen_address():
    # pytest-httpserver binds "localhost" by default, which may resolve to ::1.
    return ("127.0.0.1", 0)


@pytest.fixture(autouse=True)
def resolver(monkeypatch):
    """A fixed name-to-address table used instead of DNS.

    Names not in the table fail like an unknown host. The fixture is used by every
    test here, so no test sends a DNS query. `resolver["blog.example"] = ["10.0.0.1"]` maps a name.
    """
    table: dict[str, list[str]] = {"localhost": ["127.0.0.1"]}

    def resolve(host, port):
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(table[host])

    monkeypatch.setattr(fetcher, "resolve_host", resolve)
    return table


@pytest.fixture
def connections(monkeypatch):
    """Records every TCP connection attempt; refused addresses must never appear.

    httpcore opens its sockets with socket.create_connection, so wrapping it records
    every connection the fetcher makes.
    """
    attempts: list[tuple[str, int]] = []
    real = socket.create_connection

    def spy(address, *args, **kwargs):
        attempts.append(address)
        if address[0] not in ("127.0.0.1", "127.0.0.2", "::1"):
            raise AssertionError(f"the test tried to connect to {address}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    return attempts


@pytest.fixture
def server_url(httpserver):
    """The base URL of the loopback test server, reached through the name
    "blog.example" so that the Host header and resolver are exercised."""

    def url(path="/", name="127.0.0.1"):
        return f"http://{name}:{httpserver.port}{path}"

    return url
