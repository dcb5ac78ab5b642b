from urllib.parse import quote

import pytest
from django.urls import reverse

from blogsync.syncs.models import EntryStatus


def ring(topic, name):
    return reverse(f"embeds:{name}", kwargs={"series": topic.series.slug, "number": topic.number})


@pytest.fixture
def three_posts(topic, make_entry):
    """A, B and C with URLs; an entry without URL and a pending one in between."""
    make_entry(name="A", url="https://a.example/post")
    make_entry(name="NoUrl", url="")
    make_entry(name="B", url="https://b.example/post")
    make_entry(name="Pending", url="https://pending.example/", status=EntryStatus.PENDING)
    make_entry(name="C", url="https://c.example/post")
    return ["https://a.example/post", "https://b.example/post", "https://c.example/post"]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "expected"), [(0, 1), (1, 2), (2, 0)])
def test_next_walks_forward_and_wraps(client, topic, three_posts, start, expected):
    response = client.get(ring(topic, "next"), {"from": three_posts[start]})

    assert response.status_code == 302
    assert response["Location"] == three_posts[expected]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "expected"), [(0, 2), (1, 0), (2, 1)])
def test_previous_walks_back_and_wraps(client, topic, three_posts, start, expected):
    response = client.get(ring(topic, "previous"), {"from": three_posts[start]})

    assert response.status_code == 302
    assert response["Location"] == three_posts[expected]


@pytest.mark.django_db
def test_from_is_compared_normalised(client, topic, three_posts):
    response = client.get(
        ring(topic, "next"), {"from": "HTTPS://A.Example:443/post/?utm_source=feed#top"}
    )

    assert response["Location"] == three_posts[1]


@pytest.mark.django_db
def test_missing_from_goes_to_topic_page(client, topic, three_posts):
    response = client.get(ring(topic, "next"))

    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url() + "?notice=webring-missing-from"
    assert not response.cookies


@pytest.mark.django_db
def test_topic_page_explains_notice(client, topic, three_posts):
    response = client.get(topic.get_absolute_url(), {"notice": "webring-unknown-from"})

    assert "is not in this list" in response.content.decode()
    assert "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_topic_page_ignores_unknown_notice(client, topic):
    response = client.get(topic.get_absolute_url(), {"notice": "<b>hi</b>"})

    assert "<b>hi</b>" not in response.content.decode()
    assert "&lt;b&gt;hi" not in response.content.decode()


CRAFTED_FROM = [
    "https://evil.example/",
    "//evil.example/",
    "https://a.example.evil.example/post",
    "https://a.example/post@evil.example",
    "javascript:alert(1)",
    "https://a.example/post\r\nLocation: https://evil.example/",
    "\x00",
    "x" * 5000,
    "https://[::1/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["next", "previous", "random"])
@pytest.mark.parametrize("value", CRAFTED_FROM)
def test_redirects_never_leave_the_list(client, topic, three_posts, name, value):
    response = client.get(ring(topic, name) + "?from=" + quote(value, safe=""))

    assert response.status_code == 302
    location = response["Location"]
    assert location in three_posts or location.startswith(topic.get_absolute_url())


@pytest.mark.django_db
def test_unknown_from_goes_to_topic_page(client, topic, three_posts):
    response = client.get(ring(topic, "previous"), {"from": "https://evil.example/"})

    assert response["Location"] == topic.get_absolute_url() + "?notice=webring-unknown-from"


@pytest.mark.django_db
def test_unapproved_entry_is_not_in_ring(client, topic, three_posts):
    response = client.get(ring(topic, "next"), {"from": "https://pending.example/"})

    assert response["Location"].endswith("?notice=webring-unknown-from")


@pytest.mark.django_db
def test_random_goes_elsewhere_in_list(client, topic, three_posts):
    for _ in range(20):
        response = client.get(ring(topic, "random"), {"from": three_posts[0]})
        assert response["Location"] in three_posts[1:]


@pytest.mark.django_db
def test_random_without_from_picks_any_entry(client, topic, three_posts):
    response = client.get(ring(topic, "random"))

    assert response["Location"] in three_posts
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_list_goes_to_topic_page(client, topic, three_posts):
    response = client.get(ring(topic, "list"), {"from": "https://evil.example/"})

    assert response["Location"] == topic.get_absolute_url()


@pytest.mark.django_db
def test_single_entry_ring_points_to_itself(client, topic, make_entry):
    make_entry(url="https://only.example/")

    response = client.get(ring(topic, "next"), {"from": "https://only.example/"})

    assert response["Location"] == "https://only.example/"


@pytest.mark.django_db
def test_ring_without_urls_goes_to_topic_page(client, topic, make_entry):
    make_entry(url="")

    response = client.get(ring(topic, "next"), {"from": "https://a.example/"})

    assert response["Location"] == topic.get_absolute_url() + "?notice=webring-empty"


@pytest.mark.django_db
def test_ring_of_unknown_topic_is_404(client, series):
    assert client.get("/blogsync/99/next?from=x").status_code == 404


@pytest.mark.django_db
def test_entry_of_another_topic_is_unknown(client, topic, make_topic, make_entry, three_posts):
    other = make_topic(number=2)
    make_entry(url="https://other.example/", topic=other)

    response = client.get(ring(topic, "next"), {"from": "https://other.example/"})

    assert response["Location"].endswith("?notice=webring-unknown-from")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_webring_query_count(client, topic, add_entries, django_assert_num_queries, count):
    add_entries(count)

    # The topic with its series, then the URLs of its approved entries.
    with django_assert_num_queries(2):
        response = client.get(
            ring(topic, "next"), {"from": f"https://bulk{count}.example.org/post"}
        )

    assert response["Location"] == "https://bulk1.example.org/post/"
