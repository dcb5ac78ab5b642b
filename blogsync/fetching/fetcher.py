"""The one way the hub fetches a URL that someone else chose.

Every outbound request (Webmention and Pingback sources, post metadata, feeds, link
checks) goes through `fetch()`, which:

- accepts http and https only;
- resolves the host name once and rejects it if any address is not on the public
  internet (see blogsync.fetching.addresses);
- connects to the very address it checked, sending the original name in the Host
  header and as the TLS server name, so that a second DNS response cannot point the
  connection elsewhere (DNS rebinding);
- follows at most `max_redirects` redirects itself, checking each new host the same
  way;
- stops after `timeout` seconds in total, and `connect_timeout` for each connection;
- reads the body as a stream and stops at `max_bytes`, after decompression;
- identifies itself with a User-Agent naming the hub.

Tests replace `resolve_host` (see tests/fetching/conftest.py) to map a public-looking
name to a private address without DNS.
"""

import concurrent.futures
import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

from blogsync.fetching import addresses

logger = logging.getLogger(__name__)

# Kept in step with the version in pyproject.toml.
VERSION = "0.1.0"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CONNECT_TIMEOUT = 5.0
CHUNK_SIZE = 64 * 1024
# Credentials the caller gave for one site must not travel to another after a redirect.
PRIVATE_HEADERS = {"authorization", "cookie", "proxy-authorization"}


class FetchError(Exception):
    """A URL could not be fetched; `str(error)` explains why in plain English."""

    def __init__(self, url: str, message: str):
        super().__init__(message)
        self.url = url
        self.message = message


class BlockedAddress(FetchError):
    """The host is not on the public internet, so no connection was made."""


class TooLarge(FetchError):
    """The body is larger than the caller allowed."""


class FetchTimeout(FetchError):
    """The server did not respond in time."""


@dataclass
class FetchResult:
    url: str
    status: int
    headers: httpx.Headers
    content: bytes
    encoding: str | None

    @cached_property
    def text(self) -> str:
        """The body as text: the declared charset, then a `<meta charset>`, then a
        guess, falling back to UTF-8 with replacement characters."""
        return decode_body(self.content, self.encoding)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def user_agent() -> str:
    return f"blogsync/{VERSION} (+{settings.SITE_URL})"


# --- Name resolution -------------------------------------------------------------

_resolver_pool = concurrent.futures.ThreadPoolExecutor(
    max_workers=32, thread_name_prefix="blogsync-resolve"
)


def resolve_host(host: str, port: int) -> list[str]:
    """Resolve `host` to all its addresses. Tests replace this with a fixed mapping."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def _resolve(url: str, host: str, port: int, timeout: float) -> list[str]:
    # getaddrinfo has no timeout of its own, so it runs in a worker thread.
    # NOTE: a lookup that hangs keeps its pool thread busy after the caller has given
    # up; 32 such hung lookups at once would delay every later fetch.
    future = _resolver_pool.submit(resolve_host, host, port)
    try:
        found = future.result(timeout=max(timeout, 0.01))
    except concurrent.futures.TimeoutError:
        raise FetchTimeout(
            url, f"Looking up {host} took longer than {timeout:g} seconds."
        ) from None
    except (OSError, UnicodeError) as error:
        raise FetchError(url, f"The host name {host} could not be found ({error}).") from None
    if not found:
        raise FetchError(url, f"The host name {host} has no addresses.")
    return found


def checked_addresses(url: str, host: str, port: int, timeout: float) -> list[addresses.IPAddress]:
    """Resolve `host`, check every address it has, and return them in the order to try.

    Raises BlockedAddress if any address is not public.
    """
    allow_loopback = settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK
    try:
        literal = addresses.parse_ip_literal(host)
    except ValueError as error:
        raise BlockedAddress(url, f"The address {host} is not valid: {error}.") from None
    if literal is not None:
        candidates = [literal]
    else:
        candidates = []
        for text in _resolve(url, host, port, timeout):
            try:
                candidates.append(ipaddress.ip_address(text.split("%")[0]))
            except ValueError:
                raise BlockedAddress(url, f"{host} resolved to an unusable address.") from None
    # Refuse the name if any of its addresses is not public: otherwise a name with
    # one public and one private address could still reach the private one.
    for candidate in candidates:
        reason = addresses.refusal_reason(candidate, allow_loopback=allow_loopback)
        if reason:
            logger.warning(
                "Refused to fetch %s: %s has the address %s (%s)", url, host, candidate, reason
            )
            raise BlockedAddress(
                url,
                f"The hub does not fetch {host} because its address {candidate} is not "
                f"on the public internet ({reason}).",
            )
    unique = []
    for candidate in candidates:
        address = addresses.connect_address(candidate)
        if address not in unique:
            unique.append(address)
    return unique


# --- Bodies ----------------------------------------------------------------------

_ssl_context: ssl.SSLContext | None = None
_ssl_lock = threading.Lock()


def _shared_ssl_context() -> ssl.SSLContext:
    # Loading the certificate store takes a few milliseconds; do it once.
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            _ssl_context = httpx.create_ssl_context(trust_env=False)
        return _ssl_context


class _Decoder:
    """Undoes gzip or deflate while never producing more than `limit` bytes."""

    def __init__(self, encoding: str, limit: int):
        self.limit = limit
        if encoding in ("", "identity"):
            self._z = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        else:
            raise ValueError(encoding)

    def decode(self, chunk: bytes) -> bytes:
        if self._z is None:
            return chunk
        # max_length bounds the output, so a small compressed bomb cannot fill memory;
        # one byte over the limit is enough to know it is too large.
        return self._z.decompress(self._z.unconsumed_tail + chunk, self.limit + 1)


def charset_from_content_type(value: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", value, re.IGNORECASE)
    return match.group(1).lower() if match else None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# Declared single-byte charsets that pages often claim while sending UTF-8.
LATIN_CHARSETS = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}


def _codec(name: str | None) -> str | None:
    import codecs

    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_body(content: bytes, declared: str | None) -> str:
    """Decode a fetched body. The order: a byte-order mark, the HTTP charset, a
    `<meta charset>` in the first 4 KB, charset-normalizer's guess, UTF-8.

    A declared Latin-1 or Windows-1252 charset is taken to be wrong when the bytes
    are valid UTF-8 with non-ASCII characters. That mistake is common (a server
    default left in place), and non-ASCII text is almost never valid UTF-8 by chance.
    """
    for bom, name in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if content.startswith(bom):
            return content[len(bom) :].decode(name, errors="replace")
    meta = _META_CHARSET.search(content[:4096])
    for name in (declared, meta.group(1).decode("ascii", "ignore") if meta else None):
        codec = _codec(name)
        if codec is None:
            continue
        if name.lower() in LATIN_CHARSETS or codec in ("latin-1", "cp1252", "ascii"):
            try:
                decoded = content.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                return decoded
        try:
            return content.decode(codec)
        except UnicodeDecodeError:
            continue
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(content[:200_000]).best()
    guess = best.encoding if best is not None else None
    if guess and guess.startswith(("utf_16", "utf_32")) and b"\0" not in content:
        # Short texts without a single NUL byte are not UTF-16; an undeclared
        # Windows-1252 page is far more likely.
        guess = "cp1252"
    return content.decode(guess or "utf-8", errors="replace")


# --- The fetch itself --------------------------------------------------------------


def _check_url(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError(url, f"{url} is not a valid URL.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(url, f"Only http and https addresses can be fetched, not {url}.")
    if not parts.hostname:
        raise FetchError(url, f"{url} has no host name.")
    if parts.username or parts.password:
        raise FetchError(url, "Addresses with a user name or password are not fetched.")
    host = parts.hostname.rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise FetchError(url, f"The host name in {url} is not valid.") from None
    return scheme, host, port or (443 if scheme == "https" else 80)


def _seconds_left(deadline: float, url: str, timeout: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchTimeout(url, f"{url} did not respond within {timeout:g} seconds.")
    return left


def _send_once(method, url, headers, data, deadline, timeout, max_bytes):
    """Send one request to `url` over a connection to a checked address, without
    following redirects. The addresses of a name are tried in turn until one accepts
    the connection."""
    scheme, host, port = _check_url(url)
    candidates = checked_addresses(url, host, port, _seconds_left(deadline, url, timeout))

    request_headers = dict(headers)
    default_port = 443 if scheme == "https" else 80
    host_header = f"[{host}]" if ":" in host else host
    if port != default_port:
        host_header = f"{host_header}:{port}"
    request_headers["Host"] = host_header
    extensions = {}
    if scheme == "https" and addresses.parse_ip_literal(host) is None:
        extensions["sni_hostname"] = host

    for index, address in enumerate(candidates):
        try:
            return _send_to(
                address,
                method,
                url,
                request_headers,
                extensions,
                data,
                deadline,
                timeout,
                max_bytes,
            )
        except httpx.ConnectError:
            if index == len(candidates) - 1:
                raise
            logger.info("Could not connect to %s for %s; trying the next address", address, url)
    raise AssertionError("checked_addresses returns at least one address")


def _send_to(address, method, url, headers, extensions, data, deadline, timeout, max_bytes):
    left = _seconds_left(deadline, url, timeout)
    client_timeout = httpx.Timeout(left, connect=min(CONNECT_TIMEOUT, left))
    content = data if isinstance(data, bytes) else None
    form = data if isinstance(data, dict) else None
    # A client per request: connections are pooled by address, and a connection
    # opened (and certificate-checked) for one host name must not be reused for
    # another name on the same address.
    with httpx.Client(
        verify=_shared_ssl_context(),
        trust_env=False,
        follow_redirects=False,
        timeout=client_timeout,
    ) as client:
        request = client.build_request(
            method,
            httpx.URL(url).copy_with(host=str(address)),
            headers=headers,
            content=content,
            data=form,
            extensions=extensions,
        )
        response = client.send(request, stream=True)
        try:
            if method == "HEAD":
                # A response to HEAD has no body, whatever its Content-Length header states.
                return _result(response, url, b"")
            return _read(response, url, deadline, timeout, max_bytes)
        finally:
            response.close()


def _read(response: httpx.Response, url, deadline, timeout, max_bytes) -> FetchResult:
    declared_length = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if declared_length.isdigit() and not encoding and int(declared_length) > max_bytes:
        raise TooLarge(
            url,
            f"{url} is {int(declared_length):,} bytes, more than the {max_bytes:,} the hub reads.",
        )
    try:
        decoder = _Decoder(encoding, max_bytes)
    except ValueError:
        raise FetchError(
            url, f"{url} was sent with an unsupported encoding ({encoding})."
        ) from None
    body = bytearray()
    for chunk in response.iter_raw(CHUNK_SIZE):
        body += decoder.decode(chunk)
        if len(body) > max_bytes:
            raise TooLarge(url, f"{url} is larger than the {max_bytes:,} bytes the hub reads.")
        _seconds_left(deadline, url, timeout)
    return _result(response, url, bytes(body))


def _result(response: httpx.Response, url: str, content: bytes) -> FetchResult:
    return FetchResult(
        url=url,
        status=response.status_code,
        headers=response.headers,
        content=content,
        encoding=charset_from_content_type(response.headers.get("content-type", "")),
    )


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict | None = None,
    max_bytes: int = 2_000_000,
    max_redirects: int = 5,
    timeout: float = 10.0,
    follow_redirects: bool = True,
    data: bytes | dict | None = None,
) -> FetchResult:
    """Fetch `url` safely; see the module docstring for what is checked.

    Raises FetchError (or one of its subclasses) for every failure, with a message
    that can be shown to the person whose URL it was. HTTP error statuses are not
    failures: the result carries the status.
    """
    deadline = time.monotonic() + timeout
    sent_headers = {"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate"}
    sent_headers.update(headers or {})
    current = url
    _check_url(url)
    origin = urlsplit(url)[:2]
    for hop in range(max_redirects + 1):
        try:
            result = _send_once(method, current, sent_headers, data, deadline, timeout, max_bytes)
        except httpx.TimeoutException:
            raise FetchTimeout(
                current, f"{current} did not respond within {timeout:g} seconds."
            ) from None
        except httpx.ConnectError as error:
            raise FetchError(
                current, f"Could not connect to {current}: {_plain(error)}."
            ) from None
        except httpx.HTTPError as error:
            raise FetchError(
                current, f"The request to {current} failed: {_plain(error)}."
            ) from None
        location = result.headers.get("location")
        if not follow_redirects or result.status not in REDIRECT_STATUSES or not location:
            return result
        if hop == max_redirects:
            break
        try:
            following = urljoin(current, location.strip())
            following_origin = urlsplit(following)[:2]
        except ValueError:
            raise FetchError(current, f"{current} redirected to an invalid URL.") from None
        logger.debug("Following a %s redirect from %s to %s", result.status, current, following)
        if result.status == 303 or (result.status in (301, 302) and method == "POST"):
            method, data = "GET", None
        if following_origin != origin:
            sent_headers = {
                k: v for k, v in sent_headers.items() if k.lower() not in PRIVATE_HEADERS
            }
        current = following
    raise FetchError(url, f"{url} redirected more than {max_redirects} times.")


def _plain(error: Exception) -> str:
    text = str(error) or error.__class__.__name__
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "its security certificate could not be verified"
    if "Connection refused" in text or "Errno 111" in text:
        return "the connection was refused"
    return text
