"""URL normalisation for finding duplicate entries.

Two URLs that a reader would consider the same post normalise to the same string:
scheme and host are lower-cased, the host is converted to its IDNA (punycode) form,
default ports, fragments, tracking parameters and a trailing slash are dropped, and the
remaining query parameters are sorted. The result is only a comparison key; entries
keep the URL as it was given.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track where a click came from.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref_src",
        "ref_url",
    }
)
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def _idna_host(host: str) -> str:
    host = host.lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        # Hosts the idna codec rejects (an over-long label, say) stay as given, so
        # that the key is still stable.
        return host


# urlsplit drops C0 control characters and spaces at the ends; str.strip() drops other
# Unicode whitespace. Both are trimmed until neither changes the URL, so that the key
# of a key is the key itself.
_C0_AND_SPACE = "".join(chr(code) for code in range(33))


def _trim(url: str) -> str:
    while True:
        trimmed = url.strip().strip(_C0_AND_SPACE)
        if trimmed == url:
            return url
        url = trimmed


def normalise_url(url: str) -> str:
    """Return the comparison key of `url`; an unparseable URL is returned stripped.

    A few malformed inputs (a path ending in a space before an empty fragment, say)
    change again when their key is normalised, so the key is normalised until it
    stops changing, at most three more times.
    """
    key = _normalise_once(url)
    for _ in range(3):
        again = _normalise_once(key)
        if again == key:
            break
        key = again
    return key


def _normalise_once(url: str) -> str:
    url = _trim(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = _idna_host(parts.hostname or "")
    if host and ":" in host:
        host = f"[{host}]"
    netloc = host
    if port is not None and DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{host}:{port}"

    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    if not netloc and path.startswith("//"):
        # Without a host, "//x" would be read back as a host called x.
        path = "/" + path.lstrip("/")

    query_pairs = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    ]
    query = urlencode(sorted(query_pairs))
    return urlunsplit((scheme, netloc, path, query, ""))


def _site(key: str) -> str:
    host = urlsplit(key).netloc
    return host.removeprefix("www.")


def canonical_key(url: str, canonical_url: str | None = None) -> str:
    """Return the comparison key of `url`, using the page's declared canonical URL.

    A WordPress post is reachable both as `/?p=123` and as its pretty permalink.
    When the page declares `<link rel="canonical">` (see blogsync.fetching.metadata),
    both give the key of the canonical URL. The
    canonical URL is trusted only on the same site (ignoring `www.` and the scheme),
    so that a page cannot claim to be someone else's post.
    """
    key = normalise_url(url)
    if not canonical_url:
        return key
    canonical = normalise_url(canonical_url)
    if urlsplit(canonical).scheme not in ("http", "https") or _site(canonical) != _site(key):
        return key
    return canonical
