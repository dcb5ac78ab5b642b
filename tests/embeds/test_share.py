import html
import re

import pytest
from django.urls import reverse

from blogsync.syncs.models import EntryStatus


def share_url(topic):
    return reverse("embeds:share", kwargs={"series": topic.series.slug, "number": topic.number})


def textareas(response):
    return [
        html.unescape(text)
        for text in re.findall(r"<textarea[^>]*>(.*?)</textarea>", response.content.decode(), re.S)
    ]


@pytest.mark.django_db
def test_topic_page_links_to_share_page(client, topic):
    response = client.get(topic.get_absolute_url())

    assert f'href="{share_url(topic)}"' in response.content.decode()


@pytest.mark.django_db
def test_share_page_shows_lists_in_textareas(client, topic, make_entry):
    make_entry(name="Ann", title="On purpose", url="https://ann.example/1")
    make_entry(name="Bob", title="Pending", status=EntryStatus.PENDING)

    response = client.get(share_url(topic))

    assert response.status_code == 200
    areas = textareas(response)
    assert (
        areas[0] == '<ol>\n  <li>Ann: <a href="https://ann.example/1">On purpose</a></li>\n</ol>'
    )
    assert areas[1] == "1. Ann: [On purpose](https://ann.example/1)"
    assert 'src="http://127.0.0.1:8000/embed/blogsync/1/widget.js" async' in areas[2]
    assert "<iframe" in areas[3]
    assert "Pending" not in response.content.decode()
    assert response.content.decode().count('<textarea class="snippet" readonly') == 6


@pytest.mark.django_db
def test_share_page_is_public_and_sets_no_cookie(client, topic):
    response = client.get(share_url(topic), {"post": "https://ann.example/1"})

    assert "public" in response["Cache-Control"]
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


@pytest.mark.django_db
def test_share_page_marks_readers_post(client, topic, make_entry):
    make_entry(name="Ann", title="On purpose", url="https://ann.example/1")
    make_entry(name="Bob", title="Other", url="https://bob.example/1")

    response = client.get(share_url(topic), {"post": "https://bob.example/1/"})

    areas = textareas(response)
    assert "<li><strong>Bob: " in areas[0]
    assert "2. **Bob: [Other](https://bob.example/1)** (you are here)" in areas[1]
    assert "previous?from=https%3A%2F%2Fbob.example%2F1%2F" in areas[4]


@pytest.mark.django_db
def test_share_page_shows_html_source_as_text(client, topic, make_entry):
    make_entry(
        name="Ann & Co", title="Why <we> teach</textarea><script>", url="https://a.example/"
    )

    response = client.get(share_url(topic))

    # What a reader sees in the textarea (unescaped once) is the HTML to paste.
    areas = textareas(response)
    assert "Ann &amp; Co: " in areas[0]
    assert ">Why &lt;we&gt; teach&lt;/textarea&gt;&lt;script&gt;</a>" in areas[0]
    assert "</textarea><script>" not in response.content.decode()


@pytest.mark.django_db
def test_share_page_escapes_post(client, topic, make_entry):
    make_entry()
    attack = '"><script>alert(1)</script>'

    response = client.get(share_url(topic), {"post": attack})

    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in body
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "is not one of the approved posts" in body


@pytest.mark.django_db
def test_share_page_of_unknown_topic_is_404(client, series):
    response = client.get("/blogsync/99/share/")

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_share_page_query_count(client, topic, add_entries, django_assert_num_queries, count):
    add_entries(count)

    # One query for the topic with its series, one for the approved entries.
    with django_assert_num_queries(2):
        response = client.get(share_url(topic), {"post": "https://bulk3.example.org/post"})

    assert response.status_code == 200
    assert f"{count}. Bulk writer" in textareas(response)[1]
