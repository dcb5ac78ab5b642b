from urllib.parse import urlunsplit

from hypothesis import given
from hypothesis import strategies as st

from blogsync.fetching.urlnorm import canonical_key, normalise_url

hosts = st.sampled_from(
    [
        "example.org",
        "EXAMPLE.org",
        "blog.example.",
        "bücher.example",
        "xn--bcher-kva.example",
        "[::1]",
        "127.0.0.1",
        "",
    ]
)
ports = st.sampled_from(["", ":80", ":443", ":8080", ":0"])
paths = st.text(alphabet="abc/%20-._~é?", max_size=20).map(lambda p: "/" + p.replace("?", ""))
queries = st.lists(
    st.tuples(
        st.sampled_from(["p", "utm_source", "fbclid", "q", "a b", "UTM_medium"]),
        st.text(alphabet="ab +%&=é", max_size=6),
    ),
    max_size=4,
).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
urls = st.builds(
    lambda scheme, host, port, path, query, fragment: urlunsplit(
        (scheme, host + port, path, query, fragment)
    ),
    st.sampled_from(["http", "https", "HTTPS", "ftp", ""]),
    hosts,
    ports,
    paths,
    queries,
    st.text(max_size=5),
)


@given(urls)
def test_normalising_twice_changes_nothing(url):
    once = normalise_url(url)
    assert normalise_url(once) == once


@given(st.text(max_size=60))
def test_normalising_any_text_twice_changes_nothing(text):
    once = normalise_url(text)
    assert normalise_url(once) == once


@given(urls, urls)
def test_canonical_key_is_idempotent(url, canonical):
    key = canonical_key(url, canonical)
    assert canonical_key(key, canonical) == key
    assert normalise_url(key) == key


def test_equivalent_urls_share_a_key():
    variants = [
        "https://Blog.Example.org/2013/09/post/",
        "https://blog.example.org:443/2013/09/post",
        "https://blog.example.org/2013/09/post?utm_source=twitter&fbclid=x#comments",
    ]
    assert len({normalise_url(url) for url in variants}) == 1


def test_shortlink_and_permalink_share_a_key_with_canonical():
    permalink = "https://teachernotes.example/2013/09/why-i-teach/"
    assert canonical_key("https://teachernotes.example/?p=123", permalink) == canonical_key(
        permalink
    )


def test_canonical_on_the_www_host_is_trusted():
    key = canonical_key("http://www.blog.example/?p=1", "https://blog.example/post/")
    assert key == "https://blog.example/post"


def test_canonical_on_another_site_is_ignored():
    key = canonical_key("https://spam.example/?p=1", "https://victim.example/their-post/")
    assert key == "https://spam.example/?p=1"


def test_without_canonical_the_key_is_the_normalised_url():
    assert canonical_key("https://blog.example/?p=1") == "https://blog.example/?p=1"


def test_empty_host_with_double_slash_path_is_stable():
    once = normalise_url("http://:80//0")
    assert once == "http:///0"
    assert normalise_url(once) == once
