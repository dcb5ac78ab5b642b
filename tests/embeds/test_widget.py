import gzip
import re

import pytest
from django.urls import reverse

from blogsync.syncs import moderation
from blogsync.syncs.models import EntryStatus

MAX_WIDGET_GZIP_BYTES = 5 * 1024


def urls(topic):
    kwargs = {"series": topic.series.slug, "number": topic.number}
    return {
        "data": reverse("embeds:widget_data", kwargs=kwargs),
        "script": reverse("embeds:widget_script", kwargs=kwargs),
        "frame": reverse("embeds:widget_frame", kwargs=kwargs),
    }


@pytest.mark.django_db
def test_data_lists_approved_lines_in_order(client, topic, make_entry):
    ann = make_entry(name="Ann", title="One", url="https://ann.example/1")
    make_entry(name="Bob", title="Hidden", status=EntryStatus.PENDING)
    make_entry(name="Cat", title="No link", url="")
    make_entry(name="Dee", title="Opted out", partner_opt_out=True, url="https://dee.example/")
    make_entry(title="Two", url="https://ann.example/2", contributor=ann.contributor)

    data = client.get(urls(topic)["data"]).json()

    assert data["topic"]["label"] == "#blogsync 1"
    assert data["topic"]["url"] == "http://127.0.0.1:8000/blogsync/1/"
    assert data["lines"] == [
        {
            "number": 1,
            "name": "Ann",
            "entries": [
                {"title": "One", "url": "https://ann.example/1"},
                {"title": "Two", "url": "https://ann.example/2"},
            ],
        },
        {"number": 2, "name": "Cat", "entries": [{"title": "No link", "url": None}]},
        {
            "number": 3,
            "name": "Dee",
            "entries": [
                {"title": "Opted out", "url": "https://dee.example/"},
            ],
        },
    ]


@pytest.mark.django_db
def test_data_allows_any_origin_and_caching(client, topic):
    response = client.get(urls(topic)["data"], HTTP_ORIGIN="https://blog.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    assert re.fullmatch(r'"[0-9a-f]+"', response["ETag"])
    assert not response.cookies


@pytest.mark.django_db
def test_data_answers_304_to_matching_etag(client, topic, make_entry):
    make_entry()
    etag = client.get(urls(topic)["data"])["ETag"]

    response = client.get(urls(topic)["data"], HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert "public" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_data_etag_changes_on_approval(client, topic, make_entry):
    pending = make_entry(status=EntryStatus.PENDING)
    etag = client.get(urls(topic)["data"])["ETag"]

    moderation.approve_entry(pending, actor=None)
    response = client.get(urls(topic)["data"], HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert len(response.json()["lines"]) == 1


@pytest.mark.django_db
def test_data_of_unknown_topic_is_404(client, series):
    response = client.get("/embed/blogsync/99/data.json")

    assert response.status_code == 404


@pytest.mark.django_db
def test_data_rejects_post(client, topic):
    response = client.post(urls(topic)["data"])

    assert response.status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_data_query_count(client, topic, add_entries, django_assert_num_queries, count):
    add_entries(count)

    # ETag: one aggregate query; body: the topic, then the approved entries.
    with django_assert_num_queries(3):
        response = client.get(urls(topic)["data"])
    # A matching If-None-Match costs the ETag query only.
    with django_assert_num_queries(1):
        not_modified = client.get(urls(topic)["data"], HTTP_IF_NONE_MATCH=response["ETag"])
    # So does a full response while the list is unchanged, because the body is cached.
    with django_assert_num_queries(1):
        cached = client.get(urls(topic)["data"])

    assert len(response.json()["lines"]) == count
    assert not_modified.status_code == 304
    assert cached.status_code == 200
    assert cached.content == response.content
    assert cached["ETag"] == response["ETag"]
    assert cached["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_script_is_small_and_self_contained(client, topic, settings):
    settings.SITE_URL = "https://hub.example"

    response = client.get(urls(topic)["script"])

    body = response.content
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert len(gzip.compress(body, compresslevel=9)) < MAX_WIDGET_GZIP_BYTES
    assert b'"https://hub.example/embed/blogsync/1/data.json"' in body
    assert b'"https://hub.example/blogsync/1/"' in body
    assert b"innerHTML" not in body
    assert b"attachShadow" in body
    assert b"prefers-color-scheme:dark" in body
    assert b"import " not in body


@pytest.mark.django_db
def test_script_is_cacheable_and_revalidates(client, topic):
    first = client.get(urls(topic)["script"])

    second = client.get(urls(topic)["script"], HTTP_IF_NONE_MATCH=first["ETag"])

    assert "public" in first["Cache-Control"]
    assert first["Access-Control-Allow-Origin"] == "*"
    assert second.status_code == 304
    assert "max-age=" in second["Cache-Control"]


@pytest.mark.django_db
def test_script_of_unknown_topic_is_404(client, series):
    assert client.get("/embed/blogsync/99/widget.js").status_code == 404


@pytest.mark.django_db
def test_frame_page_may_be_framed(client, topic, make_entry):
    make_entry(name="Ann", title="One", url="https://ann.example/1")

    response = client.get(urls(topic)["frame"])

    body = response.content.decode()
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert response["Content-Security-Policy"] == "frame-ancestors *"
    assert "public" in response["Cache-Control"]
    assert 'Ann: <a href="https://ann.example/1" target="_top">One</a>' in body
    assert "<script" not in body


@pytest.mark.django_db
def test_other_pages_still_refuse_framing(client, topic):
    response = client.get(topic.get_absolute_url())

    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_frame_query_count(client, topic, add_entries, django_assert_num_queries, count):
    add_entries(count)

    # The topic with its series, then the approved entries.
    with django_assert_num_queries(2):
        response = client.get(urls(topic)["frame"])

    assert response.content.decode().count("<li ") == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_script_query_count(client, topic, add_entries, django_assert_num_queries, count):
    add_entries(count)

    # Only whether the topic exists: the script contains no data.
    with django_assert_num_queries(1):
        response = client.get(urls(topic)["script"])

    assert response.status_code == 200
