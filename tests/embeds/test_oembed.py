import html
import re

import pytest


@pytest.fixture
def topic_url(topic, settings):
    settings.SITE_URL = "https://hub.example"
    return "https://hub.example/blogsync/1/"


@pytest.mark.django_db
def test_oembed_returns_rich_iframe(client, topic_url):
    response = client.get("/oembed", {"url": topic_url, "format": "json"})

    data = response.json()
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert data["title"] == "#blogsync 1: The Purpose of Education"
    assert data["width"] == 600
    assert data["height"] == 400
    assert data["html"] == (
        '<iframe src="https://hub.example/embed/blogsync/1/frame/" width="600" height="400" '
        'title="#blogsync 1: The Purpose of Education" loading="lazy" '
        'style="border:0"></iframe>'
    )


@pytest.mark.django_db
def test_oembed_honours_maxwidth_and_maxheight(client, topic_url):
    data = client.get("/oembed", {"url": topic_url, "maxwidth": "320", "maxheight": "200"}).json()

    assert data["width"] == 320
    assert data["height"] == 200
    assert 'width="320" height="200"' in data["html"]


@pytest.mark.django_db
def test_oembed_never_grows_past_default(client, topic_url):
    data = client.get("/oembed", {"url": topic_url, "maxwidth": "5000"}).json()

    assert data["width"] == 600


@pytest.mark.django_db
def test_oembed_accepts_request_host(client, topic):
    response = client.get("/oembed", {"url": "http://testserver/blogsync/1/"})

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "https://hub.example/blogsync/99/",
        "https://hub.example/blogsync/",
        "https://evil.example/blogsync/1/",
        "https://hub.example/nope/1/",
        "not a url",
        "https://[::1/",
    ],
)
def test_oembed_unknown_url_is_404(client, topic_url, url):
    response = client.get("/oembed", {"url": url})

    assert response.status_code == 404
    assert "not the address of a topic" in response.json()["reason"]


@pytest.mark.django_db
def test_oembed_xml_is_not_implemented(client, topic_url):
    response = client.get("/oembed", {"url": topic_url, "format": "xml"})

    assert response.status_code == 501


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"maxwidth": "wide"}, {"maxheight": "-3"}])
def test_oembed_bad_parameters_are_400(client, topic_url, params):
    if params:
        params = {"url": topic_url, **params}

    response = client.get("/oembed", params)

    assert response.status_code == 400
    assert response.json()["reason"]


@pytest.mark.django_db
def test_topic_page_has_oembed_discovery(client, topic_url, topic):
    body = client.get(topic.get_absolute_url()).content.decode()

    links = re.findall(
        r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', body
    )
    assert [html.unescape(link) for link in links] == [
        "https://hub.example/oembed?url=https%3A%2F%2Fhub.example%2Fblogsync%2F1%2F&format=json"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_oembed_query_count(client, topic_url, add_entries, django_assert_num_queries, count):
    add_entries(count)

    # Only the topic with its series: the embed's HTML contains no entries.
    with django_assert_num_queries(1):
        response = client.get("/oembed", {"url": topic_url})

    assert response.status_code == 200
