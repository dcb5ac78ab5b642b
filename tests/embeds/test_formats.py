import re

import nh3
import pytest

from blogsync.embeds.formats import find_line, html_list, markdown_list, webring_html
from blogsync.syncs.lists import approved_lines
from blogsync.syncs.models import EntryStatus

# Roughly what WordPress keeps in a post for an author without unfiltered_html
# (wp_kses_allowed_html("post")), cut down to what a list needs.
WORDPRESS_TAGS = {"ol", "ul", "li", "a", "p", "strong", "em", "b", "i", "br", "span"}
WORDPRESS_ATTRIBUTES = {"a": {"href"}}


@pytest.fixture
def mixed_list(topic, make_entry):
    """Four lines: a writer with two posts, an opted-out writer, an entry without URL."""
    first = make_entry(name="Ann", title="On purpose", url="https://ann.example/1")
    make_entry(name="Bob", title="Why <we> teach & learn", url="https://bob.example/post?a=1&b=2")
    make_entry(title="Second thoughts", url="https://ann.example/2", contributor=first.contributor)
    make_entry(name="Cat", title="Imported *without* a link", url="")
    make_entry(name="Dee", title="Opted out", url="https://dee.example/", partner_opt_out=True)
    make_entry(name="Eve", title="Still pending", status=EntryStatus.PENDING)
    make_entry(name="Fay", title="Rejected", status=EntryStatus.REJECTED)
    return approved_lines(topic)


def test_html_list_has_approved_entries_in_order(mixed_list):
    html = html_list(mixed_list)

    assert re.findall(r"<li>(.*?)</li>", html) == [
        'Ann: <a href="https://ann.example/1">On purpose</a> and '
        '<a href="https://ann.example/2">Second thoughts</a>',
        'Bob: <a href="https://bob.example/post?a=1&amp;b=2">Why &lt;we&gt; teach &amp; learn</a>',
        "Cat: Imported *without* a link",
        'Dee: <a href="https://dee.example/">Opted out</a>',
    ]
    assert "Still pending" not in html
    assert "Rejected" not in html


def test_html_list_uses_no_classes_styles_or_scripts(mixed_list):
    html = html_list(mixed_list)

    assert html.startswith("<ol>")
    assert html.endswith("</ol>")
    for forbidden in ("class=", "style=", "<script", "<span", "value="):
        assert forbidden not in html


def test_html_list_survives_wordpress_sanitiser(mixed_list):
    html = html_list(mixed_list)

    cleaned = nh3.clean(html, tags=WORDPRESS_TAGS, attributes=WORDPRESS_ATTRIBUTES, link_rel=None)

    assert cleaned == html


def test_html_list_marks_you_are_here(mixed_list):
    marked_line = find_line(mixed_list, "HTTPS://BOB.example/post?b=2&a=1&utm_source=x")

    html = html_list(mixed_list, marked_line)

    assert marked_line is not None
    assert marked_line.name == "Bob"
    assert "<li><strong>Bob: " in html
    assert html.count("(you are here)") == 1
    cleaned = nh3.clean(html, tags=WORDPRESS_TAGS, attributes=WORDPRESS_ATTRIBUTES, link_rel=None)
    assert cleaned == html


def test_find_line_ignores_unknown_url(mixed_list):
    assert find_line(mixed_list, "https://evil.example/") is None
    assert find_line(mixed_list, "") is None


def test_markdown_list_numbers_lines(mixed_list):
    assert markdown_list(mixed_list).splitlines() == [
        "1. Ann: [On purpose](https://ann.example/1) and [Second thoughts](https://ann.example/2)",
        "2. Bob: [Why \\<we\\> teach & learn](https://bob.example/post?a=1&b=2)",
        "3. Cat: Imported \\*without\\* a link",
        "4. Dee: [Opted out](https://dee.example/)",
    ]


def test_markdown_list_escapes_link_breakers(topic, make_entry):
    make_entry(name="- Dash", title="A [bracketed]\ntitle", url="https://x.example/a (b)")

    line = markdown_list(approved_lines(topic))

    assert line == "1. \\- Dash: [A \\[bracketed\\] title](https://x.example/a%20%28b%29)"


def test_markdown_list_marks_you_are_here(mixed_list):
    marked_line = find_line(mixed_list, "https://ann.example/2")

    lines = markdown_list(mixed_list, marked_line).splitlines()

    assert lines[0].startswith("1. **Ann: [On purpose]")
    assert lines[0].endswith("** (you are here)")


def test_non_web_urls_are_not_linked(topic, make_entry):
    make_entry(name="Mal", title="Click", url="javascript:alert(1)")

    lines = approved_lines(topic)

    assert "javascript" not in html_list(lines)
    assert "javascript" not in markdown_list(lines)


def test_webring_snippet_carries_post_address(topic, settings):
    settings.SITE_URL = "https://hub.example"

    html = webring_html(topic, "https://ann.example/1?x=1&y=2")

    assert html.startswith('<p><a href="https://hub.example/blogsync/1/previous?from=')
    assert "from=https%3A%2F%2Fann.example%2F1%3Fx%3D1%26y%3D2" in html
    assert "#blogsync 1</a>" in html
    assert "next →</a></p>" in html
