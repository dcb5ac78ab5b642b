from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogsync.fetching.fetcher import FetchError
from blogsync.fetching.metadata import extract_metadata, fetch_metadata

PAGES = Path(__file__).parent / "pages"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "title", "author", "published", "canonical"),
    [
        (
            "wordpress.html",
            "Why I teach",
            "Jo Bloggs",
            datetime(2013, 9, 20, 19, 4, 11, tzinfo=UTC),
            "https://teachernotes.example/2013/09/why-i-teach/",
        ),
        (
            "blogger.html",
            "Assessment without levels",
            "Sam Patel",
            datetime(2013, 9, 21, 8, 15, tzinfo=timezone(timedelta(hours=1))),
            "http://mathsmusings.blogspot.example/2013/09/assessment-without-levels.html",
        ),
        (
            "substack.html",
            "On homework, again",
            "Alex Rivera",
            datetime(2013, 9, 22, 10, 30, tzinfo=UTC),
            "https://alexrivera.substack.example/p/on-homework-again",
        ),
        (
            "ghost.html",
            "Feedback that works",
            "Priya Shah",
            datetime(2013, 9, 23, 9, 0, tzinfo=UTC),
            "https://ghost.teach.example/feedback-that-works/",
        ),
        (
            "medium.html",
            "Learning to listen",
            "Chris Okafor",
            datetime(2013, 9, 24, 17, 45, 12, 345000, tzinfo=UTC),
            "https://medium.example/@chris/learning-to-listen-4f2a9c",
        ),
        (
            "indieweb.html",
            "Reflections on marking",
            "Dana Lee",
            datetime(2013, 9, 25, 12, 0, tzinfo=timezone(timedelta(hours=1))),
            "https://dana.example/2013/09/reflections",
        ),
    ],
)
def test_metadata_of_common_blog_platforms(name, title, author, published, canonical):
    metadata = extract_metadata(page(name), "https://dana.example/2013/09/reflections")
    assert metadata.title == title
    assert metadata.author == author
    assert metadata.published == published
    assert metadata.canonical_url == canonical


def test_h_entry_wins_over_other_sources():
    metadata = extract_metadata(page("indieweb.html"), "https://dana.example/notes")
    assert metadata.found_in == {
        "title": "mf2",
        "author": "mf2",
        "published": "mf2",
        "canonical_url": "mf2",
    }


def test_json_ld_author_reference_is_resolved():
    metadata = extract_metadata(page("wordpress.html"), "https://teachernotes.example/?p=123")
    assert metadata.found_in["author"] in ("mf2", "json-ld")
    assert metadata.author == "Jo Bloggs"


def test_hand_written_page_falls_back_to_title():
    metadata = extract_metadata(page("handwritten.html"), "https://me.example/first")
    assert metadata.title == "My <first> post about teaching &amp; learning"
    assert metadata.found_in["title"] == "html"
    assert metadata.author == ""
    assert metadata.published is None
    assert metadata.canonical_url == ""


def test_single_h1_used_without_title():
    metadata = extract_metadata("<body><h1>Only   heading</h1></body>", "https://me.example/")
    assert metadata.title == "Only heading"


def test_site_name_suffix_removed_from_title():
    html = '<title>Post name | My Blog</title><meta property="og:site_name" content="My Blog">'
    assert extract_metadata(html, "https://me.example/").title == "Post name"


def test_tags_inside_attributes_are_stripped():
    html = '<meta property="og:title" content="A &lt;em&gt;bold&lt;/em&gt;   claim">'
    assert extract_metadata(html, "https://me.example/").title == "A bold claim"


def test_entities_are_decoded_once():
    html = '<meta property="og:title" content="Fish &amp;amp; chips">'
    assert extract_metadata(html, "https://me.example/").title == "Fish &amp; chips"


def test_long_values_are_capped():
    html = f"<title>{'word ' * 200}</title>"
    title = extract_metadata(html, "https://me.example/").title
    assert len(title) == 300
    assert title.endswith("…")


def test_relative_canonical_is_resolved():
    html = '<link rel="canonical" href="/2013/09/post/">'
    metadata = extract_metadata(html, "https://me.example/?p=5")
    assert metadata.canonical_url == "https://me.example/2013/09/post/"


def test_non_web_canonical_is_ignored():
    html = '<link rel="canonical" href="javascript:alert(1)"><meta property="og:url" content="x">'
    metadata = extract_metadata(html, "https://me.example/?p=5")
    assert metadata.canonical_url == "https://me.example/x"


def test_author_given_as_a_url_is_ignored():
    html = '<meta property="article:author" content="https://facebook.example/jo">'
    assert extract_metadata(html, "https://me.example/").author == ""


def test_broken_json_ld_is_skipped():
    html = '<script type="application/ld+json">{not json</script><title>Fine</title>'
    assert extract_metadata(html, "https://me.example/").title == "Fine"


def test_fetch_metadata_reads_a_served_page(httpserver):
    httpserver.expect_request("/2013/09/why-i-teach/").respond_with_data(
        page("wordpress.html"), content_type="text/html; charset=UTF-8"
    )
    metadata = fetch_metadata(httpserver.url_for("/2013/09/why-i-teach/"))
    assert metadata.title == "Why I teach"
    assert metadata.url == httpserver.url_for("/2013/09/why-i-teach/")


def test_header_says_latin1_but_page_is_utf8(httpserver):
    body = "<title>Café culture – part 2</title>".encode()
    httpserver.expect_request("/post").respond_with_data(
        body, content_type="text/html; charset=ISO-8859-1"
    )
    assert fetch_metadata(httpserver.url_for("/post")).title == "Café culture – part 2"


def test_meta_charset_only(httpserver):
    httpserver.expect_request("/post").respond_with_data(
        (PAGES / "latin1-meta.html").read_bytes(), content_type="text/html"
    )
    assert fetch_metadata(httpserver.url_for("/post")).title == "Café culture in the staffroom"


def test_error_status_raises_fetch_error(httpserver):
    httpserver.expect_request("/gone").respond_with_data("Not here", status=404)
    with pytest.raises(FetchError, match="error status 404"):
        fetch_metadata(httpserver.url_for("/gone"))


def test_non_html_raises_fetch_error(httpserver):
    httpserver.expect_request("/file.pdf").respond_with_data(
        b"%PDF-1.4", content_type="application/pdf"
    )
    with pytest.raises(FetchError, match="not a web page"):
        fetch_metadata(httpserver.url_for("/file.pdf"))


html_pieces = st.sampled_from(
    [
        "<title>",
        "</title>",
        "<h1>",
        "</h1>",
        '<div class="h-entry">',
        "</div>",
        '<span class="p-name">',
        '<a class="u-url" href="',
        '<time class="dt-published">',
        '<script type="application/ld+json">',
        "</script>",
        '{"@type": "Article", ',
        '"author": {"@id": "x"}, ',
        '"headline": [1, 2]',
        "}",
        "[",
        "]",
        '<meta property="og:title" content="',
        '<link rel="canonical" href="',
        '">',
        "&amp;",
        "&#0;",
        "<",
        ">",
        '"',
        "'",
        "é",
        "\x00",
        "2013-13-45T99:99",
        "javascript:",
    ]
)


@given(st.lists(st.one_of(html_pieces, st.text(max_size=10)), max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_extract_metadata_never_raises(html):
    metadata = extract_metadata(html, "https://me.example/post")
    assert len(metadata.title) <= 300
    assert len(metadata.author) <= 200


@pytest.mark.parametrize(
    ("name", "title", "author"),
    [
        ("wordpress.html", "Why I teach", "Jo Bloggs"),
        ("blogger.html", "Assessment without levels", "Sam Patel"),
        ("substack.html", "On homework, again", "Alex Rivera"),
        ("ghost.html", "Feedback that works", "Priya Shah"),
        ("medium.html", "Learning to listen", "Chris Okafor"),
        ("indieweb.html", "Reflections on marking", "Dana Lee"),
        ("handwritten.html", "My <first> post about teaching &amp; learning", ""),
    ],
)
def test_fetch_metadata_of_served_platform_pages(httpserver, name, title, author):
    httpserver.expect_request("/post").respond_with_data(
        (PAGES / name).read_bytes(), content_type="text/html; charset=utf-8"
    )
    metadata = fetch_metadata(httpserver.url_for("/post"))
    assert metadata.title == title
    assert metadata.author == author
